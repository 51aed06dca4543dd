"""dpgraph: a GraphQL API server for the Django Packages catalogue."""

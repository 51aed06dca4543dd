"""GraphQL over HTTP: the Strawberry view, content negotiation, streams, caching headers,
persisted queries and the GraphiQL page."""

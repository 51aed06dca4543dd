"""Speed benchmarks of the GraphQL server against a hand-written floor (issue 13).

`python benchmarks/run.py` is the one command; `workloads` holds the GraphQL documents so
the speed work and its differential tests can import them.
"""

"""The real-client tests share the mutation tests' small catalogue and API tokens."""

from tests.schema.mutations.conftest import catalogue, tokens  # noqa: F401  (fixtures)

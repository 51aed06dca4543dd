"""Webhook administration in GraphQL (admin scope): types, queries and mutations."""

from schema.webhooks.mutations import WebhookMutations
from schema.webhooks.queries import WebhookQueries

__all__ = ["WebhookMutations", "WebhookQueries"]

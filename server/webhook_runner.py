"""The app's webhook runner: webhooks stream through the same schema and hub as clients,
those whose documents share a cohort key on one stream (`server.webhook_cohort`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from functools import partial
from typing import Any

from core.db import Database
from core.settings import Settings
from events.hub import EventHub
from models import Webhook
from schema.context import Context
from server.webhook_cohort import WebhookCohorts, ride
from webhooks.runner import WebhookRunner

logger = logging.getLogger("dpgraph.webhooks")


def make_webhook_runner(
    settings: Settings, db: Database, hub: EventHub, schema: Any
) -> WebhookRunner | None:
    """None when this process must not run webhooks: turned off, or no shared event stream
    between several workers (each would see only its own worker's changes)."""
    if not settings.webhooks:
        return None
    if hub.refusal is not None:
        logger.warning("webhooks are not sent from this process: %s", hub.refusal)
        return None

    async def solo(webhook: Webhook, resume_after: str | None) -> AsyncGenerator[Any, None]:
        context = Context.create(db=db, settings=settings, hub=hub, resume_after=resume_after)
        stream: AsyncGenerator[Any, None] = await schema.stream(
            webhook.document,
            variable_values=webhook.variables,
            context_value=context,
            operation_name=webhook.operation_name,
        )
        return stream

    cohorts = (
        WebhookCohorts(schema, lambda: Context.create(db=db, settings=settings, hub=hub))
        if settings.share_subscription_streams
        else None
    )

    async def start_stream(webhook: Webhook, resume_after: str | None) -> AsyncGenerator[Any, None]:
        """Through its cohort when it has one and a stored position, else alone."""
        if cohorts is not None and resume_after is not None:
            riding = await ride(cohorts, hub, webhook, resume_after, partial(solo, webhook))
            if riding is not None:
                return riding
        return await solo(webhook, resume_after)

    return WebhookRunner(db, settings, start_stream, hub.resume_point)

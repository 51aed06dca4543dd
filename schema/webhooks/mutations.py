"""Managing webhooks (admin scope). Each edit wakes this process's runner at once;
other processes notice within WEBHOOK_POLL_SECONDS."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from auth import Scope
from events import BrokerUnavailable
from schema.context import Info
from schema.described import DeliveryGlobalId, WebhookGlobalId, input_of
from schema.errors import BadUserInput, Conflict, EventsUnavailable, NotFound
from schema.mutations.payloads import Deleted
from schema.mutations.run import database_id
from schema.permissions import require
from schema.webhooks.document import check_document
from schema.webhooks.types import Webhook, WebhookDelivery, WebhookWithSecret
from webhooks import admin
from webhooks.signing import is_secret, new_secret
from webhooks.targets import TargetRefused, check_target

MAX_NAME = 100


@strawberry.input(description="A new webhook.")
class CreateWebhookInput:
    name: str = strawberry.field(description="Unique; up to 100 characters.")
    url: str = strawberry.field(
        description="Where results are POSTed: http(s), no credentials, a host that resolves "
        "to public addresses only (unless WEBHOOK_ALLOW_PRIVATE_TARGETS); else "
        "BAD_USER_INPUT with `extensions.reason: TARGET_REFUSED`."
    )
    document: str = strawberry.field(
        description="A subscription, e.g. `subscription { packageChanged(slugs: [...]) { ... } }`."
    )
    variables: JSON | None = strawberry.field(
        default=None,
        description="The document's variables, a JSON object; null: none. Checked with the "
        "document (BAD_USER_INPUT when they do not fit).",
    )
    operation_name: str | None = strawberry.field(
        default=None,
        description="Which operation of the document to run; null when it has only one.",
    )
    secret: str | None = strawberry.field(
        default=None, description="A `whsec_` secret of your own; left out: one is made."
    )


async def _stream_head(info: Info) -> str | None:
    """Where the new webhook starts: after the newest event now, so a change made while
    its follower starts (in this process or another) is still sent."""
    hub = info.context.hub
    if hub is None:
        return None
    try:
        return await hub.head()
    except BrokerUnavailable as error:
        raise EventsUnavailable(str(error)) from None


def _notify(info: Info) -> None:
    if info.context.webhooks_changed is not None:
        info.context.webhooks_changed()


async def _run(info: Info, edit: admin.Edit) -> Webhook:
    try:
        row = await edit
    except admin.WebhookMissing as missing:
        raise NotFound(str(missing), objectType="Webhook") from None
    _notify(info)
    return Webhook.from_row(row)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register a webhook (admin scope): its document is checked as a "
        "subscription would be; the answer shows the signing secret once."
    )
    async def create_webhook(
        self, info: Info, input: Annotated[CreateWebhookInput, input_of("webhook to register")]
    ) -> WebhookWithSecret:
        identity = await require(info, Scope.ADMIN)
        name = input.name.strip()
        if not 0 < len(name) <= MAX_NAME:
            raise BadUserInput(
                f"'name' must be 1 to {MAX_NAME} characters.", argument=["input", "name"]
            )
        variables: object = input.variables if input.variables is not None else {}
        if not isinstance(variables, dict):
            raise BadUserInput(
                "'variables' must be a JSON object.", argument=["input", "variables"]
            )
        secret = input.secret if input.secret is not None else new_secret()
        if not is_secret(secret):
            raise BadUserInput(
                "'secret' must be `whsec_` and the base64 of 24 to 64 random bytes.",
                argument=["input", "secret"],
            )
        settings = info.context.settings
        try:
            await check_target(input.url, allow_private=settings.webhook_allow_private_targets)
        except TargetRefused as refusal:
            raise BadUserInput(
                str(refusal), argument=["input", "url"], reason="TARGET_REFUSED"
            ) from None
        await check_document(info, input.document, variables, input.operation_name)
        cursor = await _stream_head(info)
        try:
            row = await admin.create(
                info.context.db,
                name=name,
                url=input.url,
                document=input.document,
                variables=variables,
                operation_name=input.operation_name,
                secret=secret,
                created_by=identity.name,
                cursor=cursor,
            )
        except admin.NameTaken as taken:
            raise Conflict(str(taken), reason="NAME_TAKEN") from None
        _notify(info)
        return WebhookWithSecret(webhook=Webhook.from_row(row), secret=secret)

    @strawberry.mutation(description="Stop following and sending until resumed (admin scope).")
    async def pause_webhook(self, info: Info, id: WebhookGlobalId) -> Webhook:
        await require(info, Scope.ADMIN)
        return await _run(info, admin.pause(info.context.db, database_id(id, "Webhook", "id")))

    @strawberry.mutation(
        description="Follow and send again (admin scope): pending deliveries are due at once."
    )
    async def resume_webhook(self, info: Info, id: WebhookGlobalId) -> Webhook:
        await require(info, Scope.ADMIN)
        return await _run(info, admin.resume(info.context.db, database_id(id, "Webhook", "id")))

    @strawberry.mutation(
        description="A new signing secret (admin scope); the old one also signs for "
        "WEBHOOK_PREVIOUS_SECRET_HOURS, so receivers can switch without a gap."
    )
    async def rotate_webhook_secret(self, info: Info, id: WebhookGlobalId) -> WebhookWithSecret:
        await require(info, Scope.ADMIN)
        secret = new_secret()
        hours = info.context.settings.webhook_previous_secret_hours
        webhook = await _run(
            info,
            admin.rotate_secret(info.context.db, database_id(id, "Webhook", "id"), secret, hours),
        )
        return WebhookWithSecret(webhook=webhook, secret=secret)

    @strawberry.mutation(description="Delete a webhook and its delivery log (admin scope).")
    async def delete_webhook(self, info: Info, id: WebhookGlobalId) -> Deleted:
        await require(info, Scope.ADMIN)
        webhook_id = database_id(id, "Webhook", "id")
        try:
            await admin.remove(info.context.db, webhook_id)
        except admin.WebhookMissing as missing:
            raise NotFound(str(missing), objectType="Webhook") from None
        _notify(info)
        return Deleted.of("Webhook", webhook_id)

    @strawberry.mutation(
        description="Send a delivery's message again, after those pending (admin scope); "
        "same `webhook-id`, same body."
    )
    async def redeliver_webhook_delivery(self, info: Info, id: DeliveryGlobalId) -> WebhookDelivery:
        await require(info, Scope.ADMIN)
        delivery_id = database_id(id, "WebhookDelivery", "id")
        try:
            row = await admin.redeliver(info.context.db, delivery_id)
        except admin.WebhookMissing as missing:
            raise NotFound(str(missing), objectType="WebhookDelivery") from None
        _notify(info)
        return WebhookDelivery.from_row(row)

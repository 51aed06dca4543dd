"""Reading webhooks (admin scope)."""

from __future__ import annotations

import strawberry

from auth import Scope
from schema.context import Info
from schema.described import WebhookGlobalId
from schema.errors import NotFound
from schema.mutations.run import database_id
from schema.permissions import require
from schema.webhooks.types import Webhook
from webhooks import admin


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="Every webhook, oldest first (admin scope).")
    async def webhooks(self, info: Info) -> list[Webhook]:
        await require(info, Scope.ADMIN)
        return [Webhook.from_row(row) for row in await admin.list_all(info.context.db)]

    @strawberry.field(description="One webhook (admin scope).")
    async def webhook(self, info: Info, id: WebhookGlobalId) -> Webhook:
        await require(info, Scope.ADMIN)
        try:
            row = await admin.get(info.context.db, database_id(id, "Webhook", "id"))
        except admin.WebhookMissing as missing:
            raise NotFound(str(missing), objectType="Webhook") from None
        return Webhook.from_row(row)

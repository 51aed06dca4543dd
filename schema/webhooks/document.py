"""A webhook's document must be one subscription the server would accept from a client:
it is checked at creation by running its admission (`schema.subscriptions.sharing`),
the same validation, cost and argument checks a WebSocket subscriber meets."""

from __future__ import annotations

from contextlib import aclosing
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse

from schema.context import Context, Info
from schema.errors import BadUserInput, EventsUnavailable
from schema.subscriptions.sharing import admitting

ARGUMENT = ["input", "document"]


def subscription_root_field(document: str, operation_name: str | None) -> str:
    try:
        parsed = parse(document)
    except GraphQLError as error:
        raise BadUserInput(
            f"The document does not parse: {error.message}", argument=ARGUMENT
        ) from None
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [op for op in operations if op.name and op.name.value == operation_name]
    if len(operations) != 1:
        raise BadUserInput(
            "The document must hold exactly one operation, or name it in `operationName`.",
            argument=ARGUMENT,
        )
    if operations[0].operation is not OperationType.SUBSCRIPTION:
        raise BadUserInput(
            "A webhook follows a subscription: the operation must be `subscription { ... }`.",
            argument=ARGUMENT,
        )
    if "lastEventId" in document:
        raise BadUserInput(
            "Leave `lastEventId` out: a webhook keeps its own position and resumes by itself.",
            argument=ARGUMENT,
        )
    selections = operations[0].selection_set.selections
    return str(getattr(selections[0], "name", None) and selections[0].name.value)  # type: ignore[attr-defined]


async def check_document(
    info: Info, document: str, variables: dict[str, Any], operation_name: str | None
) -> None:
    subscription_root_field(document, operation_name)
    hub = info.context.hub
    if hub is None or hub.refusal is not None:
        raise EventsUnavailable(
            hub.refusal if hub is not None and hub.refusal else "This server has no event stream."
        )
    context = Context.create(db=info.context.db, settings=info.context.settings, hub=hub)
    stream: Any = await info.schema.stream(
        document, variable_values=variables, context_value=context, operation_name=operation_name
    )
    async with aclosing(stream):
        with admitting():
            first = await anext(stream, None)
    if first is not None and first.errors:
        problems: list[dict[str, Any]] = [
            {"message": error.message, "code": (error.extensions or {}).get("code")}
            for error in first.errors
        ]
        raise BadUserInput(
            "The subscription would be refused: " + "; ".join(str(p["message"]) for p in problems),
            argument=ARGUMENT,
            errors=problems,
        )

"""The kind of operation a request names, read before it runs.

An HTTP request whose `Accept` takes JSON and a stream (urql's) is answered in JSON for
a query or mutation and as a stream for a subscription: which one it is must be known
before the answer starts. The document is parsed as execution would parse it (the same
cache, limits and trusted-documents check), so execution finds it parsed already.
"""

from __future__ import annotations

from typing import Any

from graphql import OperationType, get_operation_ast

from schema.documents import Checked, parsed, prepare
from schema.limits import DocumentLimits
from schema.trusted import untrusted


async def names_a_subscription(
    schema: Any, text: str | None, operation_name: str | None, context: Any
) -> bool:
    """Whether the document's chosen operation is a subscription. False also when it will
    not run at all (not trusted, not GraphQL, no such operation): its refusal is one
    JSON answer."""
    settings = getattr(context, "settings", None)
    if not text or untrusted(text, settings) is not None:
        return False
    await prepare(schema, text, DocumentLimits.of(context), settings)  # a long one: off the loop
    entry = parsed(text)
    if not isinstance(entry, Checked):
        return False
    operation = get_operation_ast(entry.document, operation_name)
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION

"""A cohort's per-batch re-read through the compiled path (`fastpath.keyed`).

A cohort (`server.websocket.cohort`) resolves one selection on every object of a change
batch that one of its members follows. Through Strawberry that is one execution per
object; compiled, the batch's objects are read together with one statement per plan
level, and each object's `data` rides its emission (`Emission.result`) to the cohort,
which compares and writes it exactly as it would Strawberry's. The cohort's stream runs
in `schema`, which never imports `fastpath`: the cohort hands it this read.

A selection the compiler cannot take (or `COMPILED_EXECUTION=false`) reads nothing here,
and a batch whose read is refused or fails goes to Strawberry whole.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError

from fastpath.compiler_tools import Unsupported
from fastpath.connection import checkout
from fastpath.differential import shadowing
from fastpath.execute import new_env
from fastpath.keyed import KeyedRead, compile_keyed, read_keyed
from fastpath.plan import Abort
from schema.context import Context
from schema.documents import parsed
from schema.subscriptions.emission import ObjectKey

if TYPE_CHECKING:
    from server.websocket.fanout import StreamStarter

logger = logging.getLogger(__name__)


class CompiledReads:
    """The cohort's selection, compiled once on first use (with its first member's
    variables: members share the values the selection reads)."""

    def __init__(self, stream: StreamStarter) -> None:
        self._stream = stream
        self._read: KeyedRead | None = None
        self.declined: str | None = None  # why Strawberry executes this cohort's selection
        self.objects = 0  # objects read here (their results never went through Strawberry)

    def _compiled(self) -> KeyedRead | None:
        if self._read is not None or self.declined is not None:
            return self._read
        stream, context = self._stream, self._stream.context
        if not isinstance(context, Context) or not context.settings.compiled_execution:
            self.declined = "compiled execution off"
            return None
        document = parsed(stream.query)
        if isinstance(document, GraphQLError):
            self.declined = "syntax error"
            return None
        try:
            self._read = compile_keyed(
                stream.schema,
                document.document,
                stream.operation_name,
                context.db.dialect,
                stream.variables,
            )
        except Unsupported as reason:
            self.declined = str(reason)
        return self._read

    def checking(self) -> AbstractContextManager[None]:
        """Around the COMPILED_DIFFERENTIAL check's reads: not the batch's statements."""
        return shadowing()

    async def __call__(self, keys: Sequence[ObjectKey]) -> dict[ObjectKey, Any] | None:
        """Each object's `data` (an object without a row is left out); None: Strawberry
        executes them all."""
        read = self._compiled()
        if read is None:
            return None
        ids = [key[1] for key in keys if key[0] == read.type_name]
        context = self._stream.context
        db = context.db
        try:
            async with checkout(db.engine) as conn:
                env = new_env(conn, db.dialect, read.variables, self._stream.schema)
                found = await read_keyed(read, env, ids)
        except Abort:
            return None
        except Exception:
            if context.settings.compiled_differential:
                raise
            logger.exception("a cohort's compiled read failed; Strawberry executes the batch")
            return None
        self.objects += len(found)
        return {(read.type_name, key): data for key, data in found.items()}

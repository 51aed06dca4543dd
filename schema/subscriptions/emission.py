"""What a subscription generator says about the value it is about to yield.

A subscription's generator and the code that executes its selection run in the same
task, so context variables carry, per yielded value, which object it is (for the
"send only what changed" comparison), which event caused it, and the loaders of that
event (shared by every subscriber of this process).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from events import resume
from loaders import Loaders
from schema.context import use_loaders

ObjectKey = tuple[str, int]
# objects -> each one's selection `data`, read for all at once (None: no such read)
Read = Callable[[Sequence[ObjectKey]], Awaitable[Mapping[ObjectKey, Any] | None]]


@dataclass(frozen=True)
class Emission:
    key: ObjectKey
    event_id: str | None
    prime: bool = False  # resolve and remember as the baseline, but send nothing
    # Send even if equal to the baseline: the change may have landed while the
    # baseline was read, and the subscriber has seen neither.
    force: bool = False
    loaders: Loaders | None = None  # the data snapshot; equal loaders, equal results
    # Where a replay must start to give again every result not yet yielded: the last
    # event of the batch for its last result, the event before the batch otherwise.
    resume_after: str | None = None
    # The selection's `data` for this object, read already for the whole batch by the
    # compiled path (`server.websocket.cohort_reads`); None: execute the selection.
    result: Any = None
    # With a `result`: how the stream loads the object (key, loaders) -> value, for the
    # COMPILED_DIFFERENTIAL check (`schema.subscriptions.compiled_check`).
    load: Any = None


_EMISSION: ContextVar[Emission | None] = ContextVar("dpgraph_emission", default=None)


def announce(emission: Emission, loaders: Loaders) -> None:
    _EMISSION.set(replace(emission, loaders=loaders))
    use_loaders(loaders)


def peek() -> Emission | None:
    return _EMISSION.get()


def take() -> Emission | None:
    """The emission of the value just resolved, cleared so it applies once."""
    emission = _EMISSION.get()
    _EMISSION.set(None)
    return emission


def mark_sent(emission: Emission) -> None:
    """Called as a result is sent: a consumer that stores its position (a webhook) reads
    `events.resume.resume_point()` after each result."""
    resume.sent(emission.resume_after)


async def read_all(
    read: Read | None, keys: Sequence[ObjectKey], values: Sequence[Any]
) -> Mapping[ObjectKey, Any]:
    """What `read` gives for the objects that were found (`values` not None): their
    `Emission.result`s. Nothing without a `read`."""
    if read is None:
        return {}
    found = [key for key, value in zip(keys, values, strict=True) if value is not None]
    return (await read(found) if found else None) or {}

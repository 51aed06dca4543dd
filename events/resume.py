"""Where a stream consumer that stores its position (a webhook) resumes after a restart.

Set per result as it is sent (`schema.subscriptions.changed_only`), read by the consumer
in the same task (`webhooks.follower`); it lives here, below both, so `webhooks` need
not import `schema`.
"""

from __future__ import annotations

from contextvars import ContextVar

_RESUME_AFTER: ContextVar[str | None] = ContextVar("dpgraph_resume_after", default=None)


def sent(resume_after: str | None) -> None:
    """A result was sent: after a restart, replay from after this event (None: no safe
    point is known for this result)."""
    _RESUME_AFTER.set(resume_after)


def resume_point() -> str | None:
    """The event to resume after so that nothing after the last result sent is lost."""
    return _RESUME_AFTER.get()

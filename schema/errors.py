"""The errors a client can see, each with a stable `extensions.code`.

    GraphQLError
    └── DpGraphError            (code set by the subclass)
        ├── BadUserInput        BAD_USER_INPUT: an argument is missing, malformed or out of range
        │                       (mutations list every problem in `extensions.fieldErrors`)
        ├── NotFound            NOT_FOUND: the object named does not exist
        ├── Unauthenticated     UNAUTHENTICATED: no token, or one unknown, revoked or malformed
        ├── Forbidden           FORBIDDEN: the token's scope is too small, or the grid is locked
        ├── Conflict            CONFLICT: a stale `expectedVersion` (with the current object),
        │                       or an object still in use
        ├── EventsUnavailable   EVENTS_UNAVAILABLE: the event stream is down; subscribe again soon
        ├── EventsInterrupted   EVENTS_INTERRUPTED: a subscription lost its stream; resume with
        │                       `lastEventId` (given in the error)
        ├── EventsExpired       EVENTS_EXPIRED: `lastEventId` is older than the replay window;
        │                       refetch with a query, then subscribe afresh
        └── TooManySubscriptions TOO_MANY_SUBSCRIPTIONS: the WebSocket already runs
                                MAX_SUBSCRIPTIONS_PER_CONNECTION operations

Anything else raised while resolving is a bug: the client sees INTERNAL_SERVER_ERROR
with a generic message, and the traceback goes to the server log only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from graphql import GraphQLError


class DpGraphError(GraphQLError):
    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **details})


class BadUserInput(DpGraphError):
    code = "BAD_USER_INPUT"


class NotFound(DpGraphError):
    code = "NOT_FOUND"


class Unauthenticated(DpGraphError):
    code = "UNAUTHENTICATED"


class Forbidden(DpGraphError):
    code = "FORBIDDEN"


class Conflict(DpGraphError):
    code = "CONFLICT"


class EventsUnavailable(DpGraphError):
    code = "EVENTS_UNAVAILABLE"


class EventsInterrupted(DpGraphError):
    code = "EVENTS_INTERRUPTED"

    @classmethod
    def resume_from(cls, reason: str, last_event_id: str | None) -> EventsInterrupted:
        """What a stream ends with when its events were interrupted: the client resumes
        with this `lastEventId` (a cohort's is a placeholder each member's replaces)."""
        return cls(
            f"The event stream was interrupted ({reason}). Subscribe again "
            "with `lastEventId` to receive what you missed.",
            lastEventId=last_event_id,
        )


class EventsExpired(DpGraphError):
    code = "EVENTS_EXPIRED"


class TooManySubscriptions(DpGraphError):
    code = "TOO_MANY_SUBSCRIPTIONS"

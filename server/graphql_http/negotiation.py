"""Which answer an HTTP request gets, from its `Accept` header: one JSON document, a
Server-Sent Events stream or a multipart stream.

A query or a mutation is answered in JSON unless the client clearly prefers a stream:
urql sends `application/graphql-response+json, application/graphql+json,
application/json, text/event-stream, multipart/mixed` with every query, and must get
JSON. A subscription needs a stream, and gets the one the client prefers.

The header is read as RFC 9110 (section 12.5.1) says: media ranges separated by commas,
each with parameters and a weight `q` (1 when absent, 0 = not acceptable). Where
several ranges name the same type the first listed counts; only the first
MAX_MEDIA_RANGES, within the first MAX_ACCEPT_CHARS characters, are read. Preference is the higher
`q`, then the earlier position (the order clients list their preferences in).

- JSON: the ranges `application/graphql-response+json`, `application/json` and the
  legacy `application/graphql+json` the client lists.
- SSE: `text/event-stream`. Multipart: `multipart/mixed` with `subscriptionSpec=1.0`
  (Apollo's multipart subscriptions; a `boundary` other than `graphql` is not ours).
  Only a range that names a stream type chooses a stream: wildcards (`*/*`,
  `text/*`) mean JSON.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Answer = Literal["json", "sse", "multipart"]
JSON: Literal["json"] = "json"
SSE: Literal["sse"] = "sse"
MULTIPART: Literal["multipart"] = "multipart"

JSON_TYPES = frozenset(
    {"application/graphql-response+json", "application/json", "application/graphql+json"}
)
EVENT_STREAM = "text/event-stream"
MULTIPART_MIXED = "multipart/mixed"
MULTIPART_BOUNDARY = "graphql"
MAX_MEDIA_RANGES = 32
MAX_ACCEPT_CHARS = 1024
"""Clients list a handful of ranges in a hundred characters or so; beyond these bounds a
header is not read (100 KB of ranges cost 20 to 30 ms of the event loop to parse)."""

# A comma or semicolon outside a quoted string ends an element; quotes may hold either.
_ELEMENTS = re.compile(r'(?:[^,"]|"(?:\\.|[^"\\])*")+')
_PARAMETERS = re.compile(r'(?:[^;"]|"(?:\\.|[^"\\])*")+')
_QUALITY = re.compile(r"(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)")


@dataclass(frozen=True)
class MediaRange:
    media_type: str  # lower case, "type/subtype"
    parameters: tuple[tuple[str, str], ...]  # lower-case names, unquoted values; q excluded
    quality: float
    position: int

    def parameter(self, name: str) -> str | None:
        return next((value for key, value in self.parameters if key == name), None)

    def outranks(self, other: MediaRange) -> bool:
        """Preferred to `other`: a higher weight, or the same weight listed earlier."""
        return (self.quality, -self.position) > (other.quality, -other.position)


def media_ranges(accept: str | None) -> list[MediaRange]:
    """The header's first MAX_MEDIA_RANGES media ranges in the order sent; a malformed
    one (no `/`, a weight that is not a number from 0 to 1) is left out."""
    accept = accept or ""
    quoted = '"' in accept
    if quoted:  # quotes may hide separators: the slower split
        found = _ELEMENTS.finditer(accept)
        elements = [match.group() for match in itertools.islice(found, MAX_MEDIA_RANGES)]
    else:
        elements = accept.split(",", MAX_MEDIA_RANGES)[:MAX_MEDIA_RANGES]
    parsed = (_media_range(element, position, quoted) for position, element in enumerate(elements))
    return [media_range for media_range in parsed if media_range is not None]


def _media_range(element: str, position: int, quoted: bool) -> MediaRange | None:
    parts = _PARAMETERS.findall(element) if quoted else element.split(";")
    stripped = [part.strip() for part in parts if part.strip()]
    if not stripped or stripped[0].count("/") != 1:
        return None
    media_type, *raw_parameters = stripped
    parameters: list[tuple[str, str]] = []
    quality = 1.0
    for raw in raw_parameters:
        name, _, value = raw.partition("=")
        name, value = name.strip().lower(), _unquoted(value.strip())
        if name == "q":
            if not _QUALITY.fullmatch(value):
                return None
            quality = float(value)
            break  # what follows the weight are accept extensions: not the type's
        parameters.append((name, value))
    return MediaRange(media_type.lower(), tuple(parameters), quality, position)


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _first(ranges: list[MediaRange], matches: Callable[[MediaRange], bool]) -> MediaRange | None:
    """The first range `matches` accepts, if it is acceptable at all (q above 0)."""
    found = next((r for r in ranges if matches(r)), None)
    return found if found is not None and found.quality > 0 else None


def _is_event_stream(media_range: MediaRange) -> bool:
    return media_range.media_type == EVENT_STREAM


def _is_multipart_subscription(media_range: MediaRange) -> bool:
    return (
        media_range.media_type == MULTIPART_MIXED
        and (media_range.parameter("subscriptionspec") or "").startswith("1.0")
        and media_range.parameter("boundary") in (None, MULTIPART_BOUNDARY)
    )


def _json_ranges(ranges: list[MediaRange]) -> list[MediaRange]:
    """The acceptable range of each JSON type the client lists (its first one)."""
    first: dict[str, MediaRange] = {}
    for media_range in ranges:
        if media_range.media_type in JSON_TYPES:
            first.setdefault(media_range.media_type, media_range)
    return [media_range for media_range in first.values() if media_range.quality > 0]


@dataclass(frozen=True)
class Answers:
    """What the request would get, for either kind of operation."""

    operation: Literal["json", "sse"]  # a query or a mutation
    subscription: Literal["sse", "multipart"] | None  # None: the client takes no stream

    @property
    def may_stream(self) -> bool:
        return self.subscription is not None

    def for_operation(self, subscription: bool) -> Answer | None:
        return self.subscription if subscription else self.operation


NO_STREAM = Answers(operation=JSON, subscription=None)


def answers(accept: str | None) -> Answers:
    """The answers `accept` asks for (most requests name no stream type: no parsing)."""
    if not accept:
        return NO_STREAM
    lowered = accept.lower()
    if EVENT_STREAM not in lowered and MULTIPART_MIXED not in lowered:
        return NO_STREAM
    if len(accept) > MAX_ACCEPT_CHARS:  # the whole ranges within the bound
        accept = accept[:MAX_ACCEPT_CHARS].rpartition(",")[0]
    return _answers(accept)


@functools.lru_cache(maxsize=256)
def _answers(accept: str) -> Answers:
    """Parsed once per distinct header: a client sends the same one with every request."""
    ranges = media_ranges(accept)
    sse = _first(ranges, _is_event_stream)
    multipart = _first(ranges, _is_multipart_subscription)
    subscription: Literal["sse", "multipart"] | None = None
    if sse is not None and (multipart is None or not multipart.outranks(sse)):
        subscription = SSE
    elif multipart is not None:
        subscription = MULTIPART
    operation: Literal["json", "sse"] = JSON
    if sse is not None and all(sse.outranks(json) for json in _json_ranges(ranges)):
        operation = SSE
    return Answers(operation=operation, subscription=subscription)

"""Arguments many fields take, each with the one description GraphiQL and code generators
show wherever it appears: a page's size and cursors, look-up keys, global ids, replay."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from core.characters import MAX_NAME_LENGTH
from schema.arguments import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.inputs import (
    GridFilter,
    GridOrder,
    PackageFilter,
    PackageOrder,
    ParticipantFilter,
    ParticipantOrder,
)


def _argument(description: str) -> object:
    return strawberry.argument(description=description)


First = Annotated[
    int | None,
    _argument(
        f"Page size, counted from the start (or from `after`): 1 to {MAX_PAGE_SIZE}. With "
        f"neither `first` nor `last`, the first {DEFAULT_PAGE_SIZE}. Out of range, or given "
        "with `last`: BAD_USER_INPUT."
    ),
]
After = Annotated[
    str | None,
    _argument(
        "Start after this cursor: an `endCursor` (or an edge's `cursor`) of the same list "
        "in the same order. A cursor of another list or order: BAD_USER_INPUT."
    ),
]
Last = Annotated[
    int | None,
    _argument(
        f"Page size, counted back from the end (or from `before`): 1 to {MAX_PAGE_SIZE}. "
        "Out of range, or given with `first`: BAD_USER_INPUT."
    ),
]
Before = Annotated[
    str | None,
    _argument(
        "End before this cursor: a `startCursor` (or an edge's `cursor`) of the same list "
        "in the same order. A cursor of another list or order: BAD_USER_INPUT."
    ),
]
PackageFilterArgument = Annotated[
    PackageFilter | None,
    _argument("Conditions every package listed meets (all of them); null: no condition."),
]
PackageOrderArgument = Annotated[
    PackageOrder | None,
    _argument("Sort order; null: by id, ascending. Cursors belong to the order they came from."),
]
GridFilterArgument = Annotated[
    GridFilter | None,
    _argument("Conditions every grid listed meets (all of them); null: no condition."),
]
GridOrderArgument = Annotated[
    GridOrder | None,
    _argument("Sort order; null: by id, ascending. Cursors belong to the order they came from."),
]
ParticipantFilterArgument = Annotated[
    ParticipantFilter | None,
    _argument("Conditions every participant listed meets (all of them); null: no condition."),
]
ParticipantOrderArgument = Annotated[
    ParticipantOrder | None,
    _argument("Sort order; null: by login, ascending. Cursors belong to the order they came from."),
]
RowLimit = Annotated[
    int | None,
    _argument(
        f"Only the first N packages, by id: 1 to {MAX_PAGE_SIZE} (out of range: "
        "BAD_USER_INPUT). Null: every package of the grid."
    ),
]
IncludeUnfetched = Annotated[
    bool,
    _argument(
        "Also list the rows known only by id (`isFetched: false`, title and slug null): "
        "those a package names that no import has fetched yet. Default false: left out, "
        "and `totalCount` does not count them."
    ),
]


def _key_id(kind: str) -> object:
    return _argument(
        f"The {kind}'s Django Packages id (its `databaseId`). Give `id` or `slug`, exactly "
        "one (both or neither: BAD_USER_INPUT); an unknown one answers null."
    )


def _key_slug(kind: str) -> object:
    return _argument(
        f"The {kind}'s slug, as in its Django Packages URL. Give `id` or `slug`, exactly one "
        "(both or neither: BAD_USER_INPUT); an unknown one answers null. At most "
        f"{MAX_NAME_LENGTH} characters on one line (more, or a control character: "
        "BAD_USER_INPUT)."
    )


PackageKeyId = Annotated[int | None, _key_id("package")]
PackageKeySlug = Annotated[str | None, _key_slug("package")]
GridKeyId = Annotated[int | None, _key_id("grid")]
GridKeySlug = Annotated[str | None, _key_slug("grid")]
CategoryKeyId = Annotated[int | None, _key_id("category")]
CategoryKeySlug = Annotated[str | None, _key_slug("category")]


def _global_id(kind: str, what: str) -> object:
    return _argument(
        f"The {what}'s global `id` (a {kind} id; another type's, or a malformed one: "
        f"BAD_USER_INPUT). No such {what}: NOT_FOUND."
    )


PackageGlobalId = Annotated[relay.GlobalID, _global_id("Package", "package")]
GridGlobalId = Annotated[relay.GlobalID, _global_id("Grid", "grid")]
CategoryGlobalId = Annotated[relay.GlobalID, _global_id("Category", "category")]
WebhookGlobalId = Annotated[relay.GlobalID, _global_id("Webhook", "webhook")]
DeliveryGlobalId = Annotated[
    relay.GlobalID,
    _argument(
        "The delivery's global `id`, from `Webhook.deliveries` (a WebhookDelivery id; "
        "another type's, or a malformed one: BAD_USER_INPUT). No such delivery: NOT_FOUND."
    ),
]
FeatureKey = Annotated[
    int,
    _argument("The feature's `id` (Feature.id, a number). No such feature: NOT_FOUND."),
]

LastEventId = Annotated[
    str | None,
    _argument(
        "Resume after a disconnect: the `extensions.eventId` of the last result received. "
        "Every change since is sent first (one result per object, its state now), then live "
        "ones. An id older than the server keeps (EVENT_REPLAY_WINDOW events) or from "
        "before a restart: EVENTS_EXPIRED (refetch, then subscribe without it)."
    ),
]


def input_of(what: str) -> object:
    """The description of a mutation's `input` argument (`Annotated[XInput, input_of(...)]`)."""
    return _argument(
        f"The {what}. A refused input lists every problem at once in `extensions.fieldErrors` "
        "(BAD_USER_INPUT), and nothing is written."
    )

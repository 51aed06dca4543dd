"""Which (type, field) pairs an event may have changed, derived fields included."""

from __future__ import annotations

from events import Event
from schema.subscriptions.selection import Pair
from writes.changes import Action

# Fields computed from others: a change to the key changes the values too.
DERIVED: dict[str, dict[str, frozenset[str]]] = {
    "Package": {
        "lastUpdated": frozenset({"isActive"}),
        "dateRepoArchived": frozenset({"isActive", "isArchived"}),
        "dateDeprecated": frozenset({"isActive", "isDeprecated"}),
        "pypiUrl": frozenset({"pypiName"}),
        "commitsOver52": frozenset({"commitsLastYear"}),
        "repoUrl": frozenset({"repoHost"}),
        "categoryId": frozenset({"category"}),
    },
}
# Every edit moves these on (writes.rows.touch).
BOOKKEEPING = frozenset({"version", "modified"})
# What a grid's features, cells and members feed.
GRID_COMPARISON = frozenset({"features", "rows", "comparison"})


def own_fields(event: Event) -> frozenset[str]:
    """The fields of the event's own object that changed."""
    derived = DERIVED.get(event.object.type, {})
    fields = set(event.fields)
    for name in event.fields:
        fields |= derived.get(name, frozenset())
    if event.action is Action.UPDATED:
        fields |= BOOKKEEPING
    return frozenset(fields)


def own_pairs(event: Event) -> frozenset[Pair]:
    return frozenset((event.object.type, name) for name in own_fields(event))


def concerns(pairs: frozenset[Pair], selection: frozenset[Pair]) -> bool:
    return not pairs.isdisjoint(selection)

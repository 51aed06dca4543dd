"""How large a document is once its fragments are spread: one pass over the text's own
nodes, each fragment measured once.

Validation rules (graphql-core's, Strawberry's depth and alias limiters) walk a fragment
again at every spread: 20 fragments that each spread the next one twice (994 bytes) held
the event loop for 8 s, 30 for minutes. Measured first, such a document is refused in
microseconds, before any rule walks it (`schema.documents`, `fastpath.cache`).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
)

from schema.selection_walk import bottom_up


@dataclass(frozen=True)
class Size:
    """`depth`: the deepest field's level (a root field is level 0; the levels under an
    introspection field such as `__schema` are not counted, as Strawberry's depth limiter
    did, though their fields are); `fields` and
    `aliases`: how many once every spread is expanded; `root_fields`: the operations'
    top-level fields, expanded; `directives`: the most on one node; `merges`: the pairs of
    fields the rule "overlapping fields can be merged" compares, an estimate from above
    (it compares every two fields under one response key, then their sub-selections
    pairwise: 600 `grids { slug title }` side by side held the event loop for 0.7 to
    1.2 s, 30 `grids` of 30 `slug` each 0.16 s)."""

    depth: int = 0
    fields: int = 0
    aliases: int = 0
    root_fields: int = 0
    directives: int = 0
    merges: int = 0


@dataclass(frozen=True)
class _Part:
    depth: int  # the deepest level reached, relative to the selection set's own (0)
    fields: int
    aliases: int
    top: int  # fields at the selection set's own level, expanded
    directives: int
    # per response key at the set's own level, spreads expanded: how many fields, and the
    # largest `cross` among their sub-selections
    keys: dict[str, tuple[int, int]]
    cross: int  # pairs compared when this set is merged with a copy of itself
    merges: int  # pairs compared within this set and every set below it


_EMPTY = _Part(0, 0, 0, 0, 0, {}, 0, 0)


class _Measure:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d.selection_set
            for d in document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        self.done: dict[int, _Part] = {}

    def _inner(self, selection: SelectionNode) -> SelectionSetNode | None:
        if isinstance(selection, FragmentSpreadNode):
            return self.fragments.get(selection.name.value)
        assert isinstance(selection, FieldNode | InlineFragmentNode)
        return selection.selection_set

    def selections(self, root: SelectionSetNode) -> _Part:
        bottom_up(root, self._inner, self._combine, self.done)
        return self.done.get(id(root), _EMPTY)

    def _combine(self, node: SelectionSetNode) -> _Part:
        depth = fields = aliases = top = directives = merges = 0
        keys: dict[str, tuple[int, int]] = {}
        for selection in node.selections:
            directives = max(directives, len(selection.directives or ()))
            inner = self._inner(selection)
            sub = _EMPTY if inner is None else self.done.get(id(inner), _EMPTY)
            if isinstance(selection, FieldNode):
                fields += 1
                top += 1
                aliases += selection.alias is not None
                key = (selection.alias or selection.name).value
                count, cross = keys.get(key, (0, 0))
                keys[key] = (count + 1, max(cross, sub.cross))
                if inner is not None and not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + sub.depth)  # introspection: no depth
            else:
                depth = max(depth, sub.depth)
                top += sub.top
                for key, (count, cross) in sub.keys.items():
                    had, most = keys.get(key, (0, 0))
                    keys[key] = (had + count, max(most, cross))
            fields += sub.fields
            aliases += sub.aliases
            directives = max(directives, sub.directives)
            merges += sub.merges
        cross = sum(count * count * (1 + most) for count, most in keys.values())
        merges += sum(count * (count - 1) // 2 * (1 + most) for count, most in keys.values())
        return _Part(depth, fields, aliases, top, directives, keys, cross, merges)


def measure(document: DocumentNode) -> Size:
    """Every operation of the document, summed (the depth: the deepest)."""
    measuring = _Measure(document)
    size = Size()
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            size = _with(size, directives=len(definition.directives or ()))
            continue
        if not isinstance(definition, OperationDefinitionNode):
            continue
        part = measuring.selections(definition.selection_set)
        size = Size(
            depth=max(size.depth, part.depth),
            fields=size.fields + part.fields,
            aliases=size.aliases + part.aliases,
            root_fields=size.root_fields + part.top,
            directives=max(size.directives, part.directives, len(definition.directives or ())),
            merges=size.merges + part.merges,
        )
    return size


def _with(size: Size, *, directives: int) -> Size:
    return Size(
        size.depth,
        size.fields,
        size.aliases,
        size.root_fields,
        max(size.directives, directives),
        size.merges,
    )

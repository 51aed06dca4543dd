"""Which (type, field) pairs a subscriber selected, nested selections included.

`packageChanged { title category { title } }` selects (Package, title),
(Package, category) and (Category, title): a change to a category's title concerns
it, a change to the package's description does not.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)

from schema.context import Info

Pair = tuple[str, str]


def selected_pairs(info: Info) -> frozenset[Pair]:
    raw: Any = info._raw_info
    pairs: set[Pair] = set()

    def walk(selections: SelectionSetNode | None, parent: Any) -> None:
        if selections is None or not hasattr(parent, "fields"):
            return
        for node in selections.selections:
            if isinstance(node, FieldNode):
                name = node.name.value
                if name.startswith("__"):
                    continue
                pairs.add((parent.name, name))
                definition = parent.fields.get(name)
                if definition is not None:
                    walk(node.selection_set, get_named_type(definition.type))
            elif isinstance(node, FragmentSpreadNode):
                fragment = raw.fragments[node.name.value]
                walk(fragment.selection_set, _typed(raw, fragment.type_condition, parent))
            elif isinstance(node, InlineFragmentNode):
                walk(node.selection_set, _typed(raw, node.type_condition, parent))

    root = get_named_type(raw.return_type)
    for field_node in raw.field_nodes:
        walk(field_node.selection_set, root)
    return frozenset(pairs)


def _typed(raw: Any, condition: Any, parent: Any) -> GraphQLObjectType | Any:
    return raw.schema.get_type(condition.name.value) if condition is not None else parent

"""Which subscribers form one cohort: the same document, and the same values for the
variables their selection reads, and the same permission class.

A subscription's root-field arguments (`packageChanged(slugs: $s)`) decide which objects
its generator yields, not what the selection resolves to for one of them: the result for
package 7 of `packageChanged(slugs: $s) { slug repoWatchers }` is the same whatever `$s`
holds. So subscribers that differ only in those variables (integrations that each watch
their own packages) share one execution per object and change batch
(`schema.subscriptions.shared_results`), on the batch's shared loaders: the SQL a batch
costs does not grow with the cohort, and each member still compares the shared result
with its own last one (`schema.subscriptions.changed_only`).

Variables read anywhere else (a nested field's arguments, a directive, a fragment) stay
in the key: `participants(first: $n)` with different `$n` never shares.

This holds because every subscription generator yields, for one object key, a value
built from that object and the batch's loaders alone (`schema.subscriptions.packages`,
`grids`). A generator whose value also depended on its arguments would have to put them
in its emission key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    visit,
)

# Documents remembered, bounded in bytes of their text (a document may be large).
_REMEMBERED_BYTES = 4 << 20
_SELECTION_VARIABLES: dict[tuple[str, str | None], frozenset[str]] = {}
_remembered_bytes = 0


def selection_variables(
    body: str,
    operation: OperationDefinitionNode,
    fragments: Callable[[], Mapping[str, FragmentDefinitionNode]],
) -> frozenset[str]:
    """The variables the operation reads outside its root fields' arguments (memoised
    per document text and operation: the same text parses to the same operation)."""
    global _remembered_bytes
    key = (body, operation.name.value if operation.name else None)
    found = _SELECTION_VARIABLES.get(key)
    if found is None:
        found = _collect(operation, fragments())
        if _remembered_bytes + len(body) > _REMEMBERED_BYTES:
            _SELECTION_VARIABLES.clear()
            _remembered_bytes = 0
        _SELECTION_VARIABLES[key] = found
        _remembered_bytes += len(body)
    return found


def _collect(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> frozenset[str]:
    collector = _Collector()
    _visit_all(operation.directives or (), collector)
    _root(operation.selection_set, fragments, collector, set())
    visited: set[str] = set()
    while pending := collector.spreads - visited:  # fragments used below the root
        for name in pending:
            visited.add(name)
            if name in fragments:
                visit(fragments[name], collector)
    return frozenset(collector.names)


def _root(
    selections: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    collector: _Collector,
    entered: set[str],
) -> None:
    """Root fields: everything but their arguments; root fragments: the same, inside."""
    for selection in selections.selections:
        _visit_all(selection.directives or (), collector)
        if isinstance(selection, FieldNode):
            if selection.selection_set is not None:
                visit(selection.selection_set, collector)
        elif isinstance(selection, InlineFragmentNode):
            _root(selection.selection_set, fragments, collector, entered)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in entered and name in fragments:
                entered.add(name)
                _visit_all(fragments[name].directives or (), collector)
                _root(fragments[name].selection_set, fragments, collector, entered)


def _visit_all(nodes: Iterable[Node], collector: _Collector) -> None:
    for node in nodes:
        visit(node, collector)


class _Collector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.spreads: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.spreads.add(node.name.value)

"""Field collection at plan time, as the spec's CollectFields (GraphQL spec, section
6.3.2, "Field Collection") defines it, so that the executor never sees a fragment.

Named fragment spreads and inline fragments whose type condition the object type meets
(or that have none) contribute their fields; fields with the same response key are
grouped in order of first appearance, their sub-selections merged by the caller; a
selection whose `@skip` is true or whose `@include` is false is left out. Directive
values come from literals or from `switches`, the request's values of the variables the
directives read (a plan per combination, see `fastpath.switches`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    is_abstract_type,
)
from graphql.utilities import type_from_ast

Fields = dict[str, list[FieldNode]]
"""Response key -> the field nodes selected under it, in order of first appearance."""


class CannotCollect(Exception):
    """A selection the plan cannot fix in advance (an unknown directive, fragment variables)."""


@dataclass(frozen=True)
class Selections:
    """What collecting needs besides the selection sets: the operation's fragments and
    the values of the variables its `@include`/`@skip` read."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    switches: Mapping[str, bool]

    def collect(
        self, object_type: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode]
    ) -> Fields:
        """CollectFields over each selection set in turn: one grouped field set, as for
        the merged sub-selections of one response key (CollectSubfields)."""
        fields: Fields = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._visit(object_type, selection_set, fields, visited)
        return fields

    def _visit(
        self,
        object_type: GraphQLObjectType,
        selection_set: SelectionSetNode,
        fields: Fields,
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, object_type):
                    self._visit(object_type, selection.selection_set, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = self.fragments.get(name)
                if fragment is None or fragment.variable_definitions:
                    raise CannotCollect(f"fragment {name}")
                if self._applies(fragment.type_condition, object_type):
                    self._visit(object_type, fragment.selection_set, fields, visited)

    def _applies(self, condition: NamedTypeNode | None, object_type: GraphQLObjectType) -> bool:
        """DoesFragmentTypeApply: no condition, the type itself, or an abstract type
        that has it as a possible type."""
        if condition is None:
            return True
        fragment_type = type_from_ast(self.schema, condition)
        if fragment_type is None:
            return False
        if fragment_type is object_type:
            return True
        if not is_abstract_type(fragment_type):
            return False
        return self.schema.is_sub_type(fragment_type, object_type)

    def _included(self, selection: SelectionNode) -> bool:
        """`@skip(if: true)` leaves a selection out, then `@include(if: false)`."""
        skip = include = None
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                raise CannotCollect(f"directive @{name}")
            value = self._condition(directive.arguments)
            if name == "skip":
                skip = value
            else:
                include = value
        return skip is not True and include is not False

    def _condition(self, arguments: tuple[ArgumentNode, ...] | None) -> bool:
        for argument in arguments or ():
            if argument.name.value != "if":
                continue
            node = argument.value
            if isinstance(node, BooleanValueNode):
                return node.value
            if isinstance(node, VariableNode) and node.name.value in self.switches:
                return self.switches[node.name.value]
        raise CannotCollect("a directive condition that is not known")

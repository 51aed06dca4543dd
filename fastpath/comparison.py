"""`Grid.comparison`: the features x packages matrix, built from the levels the plan already
knows how to read (`Grid.features`, `Grid.rows` and their elements), then shaped in Python
as the reference's resolver shapes it: one cell per feature in every row, empty ones
included, each with its parsed rating.

The compiler reads the levels through hidden response keys (they start with `#`, which
no GraphQL name can): a feature's id, a row's elements and the package selections.
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, NameNode, SelectionNode, SelectionSetNode

from domain.ratings import Sign, parse_rating

FEATURE_ID = "#id"
ELEMENTS = "#e"
ELEMENT_FEATURE = "#f"
ELEMENT_TEXT = "#t"

Shape = list[tuple[str, str, Any]]
"""(response key, kind, what the kind needs), in selection order."""


def _field(alias: str, name: str, *selections: SelectionNode) -> FieldNode:
    selection_set = SelectionSetNode(selections=selections) if selections else None
    return FieldNode(
        alias=NameNode(value=alias), name=NameNode(value=name), selection_set=selection_set
    )


def with_feature_id(selection_sets: list[SelectionSetNode]) -> list[SelectionSetNode]:
    """A feature's selections and its id (which cell is whose)."""
    return [*selection_sets, SelectionSetNode(selections=(_field(FEATURE_ID, "id"),))]


def row_selection(packages: list[list[SelectionSetNode]]) -> SelectionSetNode:
    """What a `GridRow` level reads: its elements' feature ids and texts, and each package
    selection (`#p0`, `#p1`...) as the document wrote it."""
    elements = _field(
        ELEMENTS,
        "elements",
        _field(ELEMENT_FEATURE, "feature", _field(FEATURE_ID, "id")),
        _field(ELEMENT_TEXT, "text"),
    )
    fields = [elements]
    for index, sets in enumerate(packages):
        selections = tuple(selection for s in sets for selection in s.selections)
        fields.append(_field(package_key(index), "package", *selections))
    return SelectionSetNode(selections=tuple(fields))


def package_key(index: int) -> str:
    return f"#p{index}"


def _public(feature: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in feature.items() if key != FEATURE_ID}


def matrix(shape: Shape, features: list[list[dict[str, Any]]], rows: list[dict[str, Any]]) -> Any:
    """One grid's `GridComparison`; `features[i]`: the grid's features as feature level i
    wrote them (all in the same order, by id)."""
    out: dict[str, Any] = {}
    for key, kind, sub in shape:
        if kind == "typename":
            out[key] = sub
        elif kind == "features":
            out[key] = [_public(feature) for feature in features[sub]]
        else:
            out[key] = [_row(sub, features, row) for row in rows]
    return out


def _row(shape: Shape, features: list[list[dict[str, Any]]], row: dict[str, Any]) -> Any:
    texts = {e[ELEMENT_FEATURE][FEATURE_ID]: e[ELEMENT_TEXT] for e in row[ELEMENTS]}
    out: dict[str, Any] = {}
    for key, kind, sub in shape:
        if kind == "typename":
            out[key] = sub
        elif kind == "package":
            out[key] = row[sub]
        else:
            order, cell = sub
            out[key] = [
                _cell(cell, features, at, texts.get(feature[FEATURE_ID]) or None)
                for at, feature in enumerate(features[order])
            ]
    return out


def _cell(shape: Shape, features: list[list[dict[str, Any]]], at: int, text: str | None) -> Any:
    out: dict[str, Any] = {}
    for key, kind, sub in shape:
        if kind == "typename":
            out[key] = sub
        elif kind == "feature":
            out[key] = _public(features[sub][at])
        elif kind == "text":
            out[key] = text
        else:
            out[key] = _rating(sub, text)
    return out


def _rating(fields: list[tuple[str, str]], text: str | None) -> Any:
    parsed = parse_rating(text or "")
    if parsed is None:
        return None
    values = {
        "__typename": "Rating",
        "sign": "POSITIVE" if parsed.sign is Sign.POSITIVE else "NEGATIVE",
        "intensity": parsed.intensity,
        "note": parsed.note,
    }
    return {key: values[name] for key, name in fields}

"""How a `Grid.comparison` selection compiles: its matrix shape, a feature level per
`features` or `cells` selection, and one rows level reading the elements and every package
selection (`fastpath.comparison` writes the matrix from them).

What it fetches is the read model's: the grid's features and rows are the links
`GRID_FEATURES` and `GRID_ROWS` (with `ROW_ELEMENTS`), the same the reference resolver's
DataLoaders read. What stays here, and only here, is the matrix itself: every feature
crossed with every row, a cell where no element exists, `cells.feature` and `features`
the same rows, and the rating parsed from the text. That is not a fetch a field declares
but a shape computed from two fetches, so it has no declaration of its own; the
differential check compares it with the resolver's (`schema.types.grid.Grid.comparison`)."""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLObjectType, SelectionSetNode
from sqlalchemy import ColumnElement

from fastpath.comparison import Shape, package_key, row_selection, with_feature_id
from fastpath.compiler_tools import Levels, column_index, object_type, subselections
from fastpath.plan import Child, Comparison
from fastpath.relations import BY_LINK
from readmodel import relations as links


def compile_comparison(
    compiler: Levels,
    key: str,
    grid: GraphQLObjectType,
    nodes: list[FieldNode],
    columns: list[ColumnElement[Any]],
) -> Comparison:
    """The matrix's shape, a feature level per `features` or `cells` selection, and
    one rows level reading elements and every package selection."""
    features: list[Child] = []
    packages: list[list[SelectionSetNode]] = []
    matrix_type = object_type(grid, "comparison")
    feature_type = object_type(matrix_type, "features")
    row_type = object_type(matrix_type, "rows")
    cell_type = object_type(row_type, "cells")
    rating_type = object_type(cell_type, "rating")

    def feature_level(selection_sets: list[SelectionSetNode]) -> int:
        relation = BY_LINK[links.GRID_FEATURES]
        assert relation.parent_column is not None
        level: list[ColumnElement[Any]] = []
        shape = compiler.object(feature_type, with_feature_id(selection_sets), level)
        parent = column_index(columns, relation.parent_column)
        features.append(Child(f"#f{len(features)}", relation, parent, None, level, shape))
        return len(features) - 1

    def cells(selection_sets: list[SelectionSetNode]) -> tuple[int, Shape]:
        shape: Shape = []
        for cell_key, cell_nodes in compiler.fields(cell_type, selection_sets):
            name = cell_nodes[0].name.value
            if name == "__typename":
                shape.append((cell_key, "typename", cell_type.name))
            elif name == "feature":
                shape.append((cell_key, "feature", feature_level(subselections(cell_nodes))))
            elif name == "text":
                shape.append((cell_key, "text", None))
            else:
                ratings = compiler.fields(rating_type, subselections(cell_nodes))
                fields = [(k, n[0].name.value) for k, n in ratings]
                shape.append((cell_key, "rating", fields))
        return feature_level([]), shape

    def row(selection_sets: list[SelectionSetNode]) -> Shape:
        shape: Shape = []
        for row_key, row_nodes in compiler.fields(row_type, selection_sets):
            name = row_nodes[0].name.value
            if name == "__typename":
                shape.append((row_key, "typename", row_type.name))
            elif name == "package":
                packages.append(subselections(row_nodes))
                shape.append((row_key, "package", package_key(len(packages) - 1)))
            else:
                shape.append((row_key, "cells", cells(subselections(row_nodes))))
        return shape

    shape: Shape = []
    for matrix_key, matrix_nodes in compiler.fields(matrix_type, subselections(nodes)):
        name = matrix_nodes[0].name.value
        if name == "__typename":
            shape.append((matrix_key, "typename", matrix_type.name))
        elif name == "features":
            shape.append((matrix_key, "features", feature_level(subselections(matrix_nodes))))
        else:
            shape.append((matrix_key, "rows", row(subselections(matrix_nodes))))
    relation = BY_LINK[links.GRID_ROWS]
    assert relation.parent_column is not None
    level: list[ColumnElement[Any]] = []
    grid_row = object_type(grid, "rows")
    rows_plan = compiler.object(grid_row, [row_selection(packages)], level)
    arguments = compiler.arguments(grid, nodes[0])
    parent = column_index(columns, relation.parent_column)
    rows = Child("#rows", relation, parent, arguments, level, rows_plan)
    return Comparison(key, features, rows, shape)

"""A root field is declared once: a `Lookup` or `Listing` in the Query field's metadata,
and both executors answer it. The fixture Query's two fields (`feature(id:)` and a
`features` connection) exist nowhere else: no table in `fastpath`, no resolver logic of
their own (their bodies are the generic `look_up` / `listed_page`)."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
import strawberry

import models
from core.db import Database
from core.settings import Settings
from execution import CompiledFirst, build_schema
from fastpath import RECORDER
from loaders import Loaders
from loaders.paging import Ordering, SortColumn
from readmodel.roots import Listing, Lookup, fetches
from schema.context import Context, Info
from schema.described import After, Before, First, Last
from schema.extensions import FreshLoaders
from schema.roots import listed_page, look_up
from schema.types.connection import Connection
from schema.types.feature import Feature
from tests.factories import build_catalogue

_feature: Any = models.Feature
FEATURE = Lookup(models.Feature, ("id",))
FEATURES = Listing(
    models.Feature,
    {
        "ID_ASC": Ordering("feature:ID_ASC", (SortColumn(_feature.id),)),
        "ID_DESC": Ordering("feature:ID_DESC", (SortColumn(_feature.id, descending=True),)),
    },
    "ID_DESC",
)


@strawberry.type(name="Query")
class FeatureQuery:
    @strawberry.field(description="A feature by id.", metadata=fetches(FEATURE))  # type: ignore[untyped-decorator]
    async def feature(
        self, info: Info, id: Annotated[int, strawberry.argument(description="Its id.")]
    ) -> Feature | None:
        row = await look_up(info, id=id)
        return Feature.from_row(row) if row else None

    @strawberry.field(description="Features, newest first.", metadata=fetches(FEATURES))  # type: ignore[untyped-decorator]
    async def features(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Feature]:
        page, total = await listed_page(info, first=first, after=after, last=last, before=before)
        return Connection.from_page(page, Feature.from_row, total)


# Built at run time: the suite's document scan validates literal documents against the
# real schema (see test_adding_a_field.py).
DOCUMENT = " ".join(
    (
        "query Features($id: Int!, $after: String) {",
        "one: feature(id: $id) { __typename id title }",
        "none: feature(id: -1) { id }",
        "features(first: 2, after: $after) { totalCount",
        "edges { cursor node { id title description version } }",
        "pageInfo { hasNextPage endCursor } } }",
    )
)


@pytest.fixture
async def features(db: Database) -> Database:
    """Six features (two grids of three)."""
    await build_catalogue(db, packages=2, grids=2, features_per_grid=3)
    return db


@pytest.fixture
def feature_schema() -> CompiledFirst:
    return CompiledFirst(query=FeatureQuery, extensions=[FreshLoaders])


async def _answer(
    schema: CompiledFirst,
    db: Database,
    settings: Settings,
    variables: dict[str, Any],
    **options: Any,
) -> Any:
    context = Context.create(db=db, settings=settings.model_copy(update=options))
    result = await schema.execute(DOCUMENT, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    return result.data


@pytest.mark.parametrize("after", [False, True], ids=["first page", "after a cursor"])
async def test_a_root_field_declared_once_is_answered_alike_by_both_paths(
    features: Database,
    settings: Settings,
    feature_schema: CompiledFirst,
    count_statements: Any,
    after: bool,
) -> None:
    async with features.session() as session:
        ids = sorted((await session.execute(_feature_ids())).scalars().all(), reverse=True)
    assert len(ids) == 6
    variables: dict[str, Any] = {"id": ids[-1], "after": None}
    if after:
        first = await _answer(
            feature_schema, features, settings, variables, compiled_execution=False
        )
        variables["after"] = first["features"]["pageInfo"]["endCursor"]

    with RECORDER.listening() as outcomes, count_statements() as compiled_log:
        compiled = await _answer(
            feature_schema, features, settings, variables, compiled_differential=True
        )
    assert [(o.compiled, o.reason) for o in outcomes] == [(True, "")]
    with count_statements() as reference_log:
        reference = await _answer(
            feature_schema, features, settings, variables, compiled_execution=False
        )

    assert compiled == reference
    assert compiled["one"] == {
        "__typename": "Feature",
        "id": ids[-1],
        "title": compiled["one"]["title"],
    }
    assert compiled["none"] is None
    shown = ids[2:4] if after else ids[:2]
    assert [e["node"]["id"] for e in compiled["features"]["edges"]] == shown
    assert compiled["features"]["totalCount"] == len(ids)
    # One statement per look-up, the page and its count; the reference's DataLoader
    # batches the two look-ups into one.
    assert (compiled_log.count, reference_log.count) == (4, 3)


async def test_unknown_unique_columns_get_a_loader_of_their_own(demo: Database) -> None:
    """A look-up on a column no named loader covers still batches, once per request."""
    loaders = Loaders.create(demo)
    assert loaders.unique(models.Package, "slug") is loaders.package_by_slug
    by_description = loaders.unique(models.Feature, "description")
    assert loaders.unique(models.Feature, "description") is by_description
    assert await by_description.load("no such description") is None


def test_the_real_schema_does_not_have_the_fields() -> None:
    assert "features(" not in build_schema().as_str()


def _feature_ids() -> Any:
    from sqlmodel import select

    return select(_feature.id)

"""A scalar field is declared once: one `read_field` on the type, and both executors answer
it. The fixture schema's Package is the real one plus one field on a column no field
exposes yet (`category_id`); nothing else (no table in `fastpath`, no `from_row`) is told
about it. Its relations are left out: they lead back to the real Package type, and a
schema has one type per name."""

from __future__ import annotations

from typing import Any, cast

import pytest
import strawberry
from strawberry.types.base import get_object_definition

import models
from core.db import Database
from core.settings import Settings
from execution import CompiledFirst, build_schema
from fastpath import RECORDER
from readmodel import read_field
from readmodel.roots import fetches
from schema.context import Context, Info
from schema.described import PackageKeyId, PackageKeySlug
from schema.extensions import FreshLoaders
from schema.roots import PACKAGE, look_up
from schema.types.package import Package


@strawberry.type(name="Package", description="Package, with one more field.")
class WiderPackage(Package):
    category_number: int | None = read_field(
        column="category_id", description="The category's Django Packages id."
    )


_RELATIONS = {"category", "grids", "participants"}
_definition = get_object_definition(WiderPackage, strict=True)
_definition.fields[:] = [f for f in _definition.fields if f.python_name not in _RELATIONS]


@strawberry.type(name="Query")
class WiderQuery:
    @strawberry.field(description="A package by id or slug.", metadata=fetches(PACKAGE))  # type: ignore[untyped-decorator]
    async def package(
        self, info: Info, id: PackageKeyId = None, slug: PackageKeySlug = None
    ) -> WiderPackage | None:
        row = await look_up(info, id=id, slug=slug)
        return cast(WiderPackage, WiderPackage.from_row(row)) if row else None


_SCALARS = "id databaseId slug categoryNumber lastUpdated isActive repoHost commitsOver52".split()
# Built at run time: the suite's document scan (`tests.fastpath.documents`) validates every
# literal document against the real schema, and the process-wide document cache would then
# hold this one as invalid.
DOCUMENT = (
    "query Wider($slug: String!) { package(slug: $slug) { __typename " + " ".join(_SCALARS) + " } }"
)


@pytest.fixture
def wider_schema() -> CompiledFirst:
    return CompiledFirst(query=WiderQuery, extensions=[FreshLoaders])


async def _answer(
    schema: CompiledFirst, db: Database, settings: Settings, slug: str, **options: Any
) -> Any:
    context = Context.create(db=db, settings=settings.model_copy(update=options))
    result = await schema.execute(DOCUMENT, variable_values={"slug": slug}, context_value=context)
    assert result.errors is None, result.errors
    return result.data


async def test_a_field_declared_once_is_answered_alike_by_both_paths(
    demo: Database, settings: Settings, wider_schema: CompiledFirst
) -> None:
    async with demo.session() as session:
        row = (await session.execute(_first_with_category())).scalars().first()
    assert row is not None and row.category_id is not None

    with RECORDER.listening() as outcomes:
        compiled = await _answer(wider_schema, demo, settings, row.slug, compiled_differential=True)
    assert [(o.compiled, o.reason) for o in outcomes] == [(True, "")]
    reference = await _answer(wider_schema, demo, settings, row.slug, compiled_execution=False)

    assert compiled == reference
    assert compiled["package"]["categoryNumber"] == row.category_id
    assert set(compiled["package"]) == {"__typename", *_SCALARS}


def test_the_real_schema_does_not_have_the_field() -> None:
    """The field above comes from its one declaration, not from somewhere in the schema."""
    assert "categoryNumber" not in build_schema().as_str()


def _first_with_category() -> Any:
    from sqlmodel import select

    return select(models.Package).where(models.Package.category_id.is_not(None))  # type: ignore[union-attr]

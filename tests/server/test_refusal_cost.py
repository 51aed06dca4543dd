"""Refused documents spend rate-limit points for the work they caused (issue 22: 100
distinct documents of 590 `grids {}` spent 46.7 s validating, free of charge)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import strawberry.schema.schema as strawberry_schema

from core.settings import Settings
from schema.documents import DOCUMENTS
from schema.refusal_cost import work_objects
from tests.conftest import app_client


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    yield
    DOCUMENTS.clear()


@pytest.fixture
async def limited(db: Any, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Twenty points per minute per address."""
    async with app_client(db, settings.model_copy(update={"rate_limit_points": 20})) as http:
        yield http


def test_a_refusal_costs_its_size_and_its_validation_time() -> None:
    assert work_objects("x" * 33_000, 0.001) == 3_300  # 33 points
    assert work_objects("{ a }", 0.47) == 4_700  # 47 points: 590 grids validated in 0.47 s
    assert work_objects("{ a }", 0.0) == 0  # still one point: `points_for`


async def test_distinct_invalid_documents_spend_the_budget_then_are_not_parsed(
    limited: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = []
    real_parse = strawberry_schema.parse  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> Any:
        parses.append(1)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "parse", counting)
    invalid = "{ " + " ".join(f"nope{i}" for i in range(500)) + " }"  # 3.9 KB: 4+ points

    async def send(n: int) -> httpx.Response:
        return await limited.post("/graphql", json={"query": f"{invalid} # {n}"})

    codes = []
    for n in range(20):  # 20 points: spent within 5 documents (fewer when validation is slow)
        answer = await send(n)
        codes.append(answer.json()["errors"][0]["extensions"]["code"])
        if codes[-1] == "RATE_LIMITED":
            break
    assert codes[-1] == "RATE_LIMITED" and len(codes) <= 6, codes
    assert set(codes[:-1]) == {"GRAPHQL_VALIDATION_FAILED"}
    assert len(parses) == len(codes)  # the last one was parsed, then did not fit
    after = [await send(100 + n) for n in range(2)]
    assert [a.status_code for a in after] == [429, 429]
    assert len(parses) == len(codes)  # refused before they were parsed
    refused = after[-1].json()["errors"][0]["extensions"]
    assert refused["code"] == "RATE_LIMITED" and refused["remaining"] < refused["cost"]
    assert after[-1].headers["x-ratelimit-remaining"] == str(refused["remaining"])
    valid = await limited.post("/graphql", json={"query": "{ __typename }"})
    assert valid.status_code == 429  # the budget is spent for queries too

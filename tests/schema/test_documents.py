"""Each distinct document is parsed and validated once; answers stay the same."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema
from graphql import parse

from core.byte_lru import document_bytes
from fastpath import PLANS
from schema import documents
from schema.document_size import Size
from schema.documents import DOCUMENTS, Checked, DocumentCache

QUERY = '{ package(slug: "django-shop") { title } }'


@pytest.fixture
def calls(monkeypatch) -> dict[str, int]:
    """Counts the parse (Strawberry's) and validation (graphql-core's) calls."""
    counted = {"parse": 0, "validate": 0}
    real_parse = strawberry_schema.parse  # type: ignore[attr-defined]
    real_validate = documents.validate

    def counting_parse(*args: Any, **kwargs: Any) -> Any:
        counted["parse"] += 1
        return real_parse(*args, **kwargs)

    def counting_validate(*args: Any, **kwargs: Any) -> Any:
        counted["validate"] += 1
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(strawberry_schema, "parse", counting_parse)
    monkeypatch.setattr(documents, "validate", counting_validate)
    DOCUMENTS.clear()
    PLANS.clear()  # a compiled plan would also spare a known document its parse
    return counted


async def test_a_document_is_parsed_and_validated_once(demo, execute, calls):
    answers = [await execute(QUERY) for _ in range(3)]
    assert calls == {"parse": 1, "validate": 1}
    assert [a.data for a in answers] == [{"package": {"title": "django SHOP"}}] * 3
    await execute("{ __typename }")
    assert calls == {"parse": 2, "validate": 2}


async def test_an_invalid_document_answers_the_same_from_the_cache(execute, calls):
    first, second = await execute("{ noSuchField }"), await execute("{ noSuchField }")
    assert calls == {"parse": 1, "validate": 1}
    assert [e.formatted for e in first.errors] == [e.formatted for e in second.errors]
    assert second.errors[0].extensions["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_limits_hold_on_a_cached_document(execute, calls):
    deep = "{ packages { nodes { " + "category { packages { nodes { " * 6 + "slug" + " } } }" * 6
    deep += " } } }"
    for _ in range(2):
        answer = await execute(deep)
        assert answer.errors and "exceeds maximum operation depth" in answer.errors[0].message
    assert calls == {"parse": 1, "validate": 0}  # refused by its size, never validated


async def test_a_syntax_error_is_parsed_once(execute, calls):
    """Re-parsing a 5,000-token document that fails cost 60 ms of the loop per request."""
    for _ in range(2):
        answer = await execute("{ package(")
        [error] = answer.errors
        assert error.extensions["code"] == "GRAPHQL_PARSE_FAILED"
        assert error.message.startswith("Syntax Error")
    assert calls["parse"] == 1


def test_the_cache_is_bounded_least_recently_used_first_out():
    cache = DocumentCache(budget=2 * document_bytes("{ a }"))
    entries = {text: Checked(parse(text), Size()) for text in ("{ a }", "{ b }", "{ c }")}
    cache.put("{ a }", entries["{ a }"])
    cache.put("{ b }", entries["{ b }"])
    assert cache.get("{ a }") is entries["{ a }"]  # now the most recently used
    cache.put("{ c }", entries["{ c }"])
    assert len(cache) == 2
    assert cache.get("{ b }") is None
    assert cache.get("{ a }") is entries["{ a }"]
    assert cache.used == 2 * document_bytes("{ a }")


def test_the_cache_counts_bytes_and_keeps_no_document_over_its_budget():
    cache = DocumentCache(budget=document_bytes("{ " + "a " * 1000 + "}"))
    small = [f"{{ f{i} }}" for i in range(10)]
    for text in small:
        cache.put(text, Checked(parse(text), Size()))
    assert len(cache) == 10
    large = "{ " + "a " * 1000 + "}"
    cache.put(large, Checked(parse(large), Size()))  # just fits: the small ones go
    assert len(cache) == 1 and cache.get(large) is not None
    huge = "{ " + "a " * 1001 + "}"
    cache.put(huge, Checked(parse(huge), Size()))  # over the whole budget: not kept
    assert cache.get(huge) is None
    assert cache.get(large) is not None
    assert cache.used <= cache.budget

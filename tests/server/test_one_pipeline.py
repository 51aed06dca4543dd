"""One HTTP pipeline: a request the compiled lane does not answer goes on through
Strawberry's view with what the lane made; its body is parsed once and its context built
once, whichever path answers."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from fastpath import RECORDER
from schema.context import Context
from server.graphql_http.graphql_app import GraphQLApp

DECLINED = '{ __type(name: "Package") { name } packages(first: 2) { nodes { slug } } }'
COMPILED = "{ packages(first: 2) { nodes { slug } } }"


@pytest.fixture
def built(monkeypatch) -> Counter[str]:
    """Body parses (every JSON body goes through `decode_json`) and contexts built."""
    found: Counter[str] = Counter()
    decode_json = GraphQLApp.decode_json
    create = Context.create.__func__  # type: ignore[attr-defined]

    def decoding(self: GraphQLApp, data: str | bytes) -> Any:
        found["body parses"] += 1
        return decode_json(self, data)

    def creating(cls: type[Context], /, **kwargs: Any) -> Context:
        found["contexts"] += 1
        return create(cls, **kwargs)

    monkeypatch.setattr(GraphQLApp, "decode_json", decoding)
    monkeypatch.setattr(Context, "create", classmethod(creating))
    return found


async def test_a_request_the_lane_leaves_to_the_view_is_parsed_once_with_one_context(
    client, demo, built
):
    with RECORDER.listening() as outcomes:
        response = await client.post("/graphql", json={"query": DECLINED})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["__type"] == {"name": "Package"}
    assert [(o.compiled, o.reason) for o in outcomes] == [(False, "introspection")]
    assert built == Counter({"body parses": 1, "contexts": 1})


async def test_a_body_the_lane_does_not_take_is_parsed_once_too(client, demo, built):
    body = {"query": COMPILED, "extensions": {"client": "x"}}  # not a plain body: the view's
    response = await client.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    assert built == Counter({"body parses": 1, "contexts": 1})


async def test_a_compiled_answer_is_parsed_once_with_one_context(client, demo, built):
    with RECORDER.listening() as outcomes:
        response = await client.post("/graphql", json={"query": COMPILED})
    assert response.json()["data"]["packages"]["nodes"]
    assert [o.compiled for o in outcomes] == [True]
    assert built == Counter({"body parses": 1, "contexts": 1})


async def test_a_refusal_after_the_lane_keeps_its_status_and_code(client, demo, built):
    response = await client.post(
        "/graphql",
        json={"query": "{ nope }"},
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert built == Counter({"body parses": 1, "contexts": 1})

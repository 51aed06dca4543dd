"""GraphQL over HTTP to the letter: media types, status codes, and every refusal a
GraphQL response with a code (never plain text, which clients fail to parse)."""

from __future__ import annotations

import pytest

from server.graphql_http.http_protocol import GRAPHQL_RESPONSE_JSON, JSON, response_media_type

GQL = {"accept": GRAPHQL_RESPONSE_JSON}
SUBSCRIPTION = "subscription { packageChanged(ids: [1]) { title } }"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON};q=0.5", JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0, */*", JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=nonsense, */*", JSON),
        ("text/html", JSON),  # names neither: answer in the one every client reads
    ],
)
def test_the_answer_takes_the_media_type_the_client_prefers(accept, expected):
    assert response_media_type(accept) == expected


async def test_a_query_answers_in_the_negotiated_media_type(client):
    for accept, expected in ((GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON), ("*/*", JSON)):
        response = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"accept": accept}
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == expected
        assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ __typename", None, "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query ($id: Int!) { package(id: $id) { slug } }", {"id": None}, "BAD_USER_INPUT"),
    ],
    ids=["parse", "validation", "variable-coercion"],
)
async def test_a_document_that_never_executes_has_no_data_entry(client, query, variables, code):
    body = {"query": query, "variables": variables}
    graphql_response = await client.post("/graphql", json=body, headers=GQL)
    assert graphql_response.status_code == 400
    assert graphql_response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    legacy = await client.post("/graphql", json=body, headers={"accept": JSON})
    assert legacy.status_code == 200  # what application/json clients expect
    for response in (graphql_response, legacy):
        answer = response.json()
        assert "data" not in answer
        assert answer["errors"][0]["extensions"]["code"] == code


async def test_a_field_error_keeps_data_and_200(demo, client):
    response = await client.post(
        "/graphql",
        json={"query": '{ ok: package(slug: "django-shop") { slug } nodes(ids: ["bad"]) { id } }'},
        headers=GQL,
    )
    answer = response.json()
    assert response.status_code == 200, answer
    assert "path" in answer["errors"][0]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, JSON])
@pytest.mark.parametrize(
    ("request_kwargs", "status", "code", "message"),
    [
        (
            {"content": b'{ "not a JSON', "headers": {"content-type": JSON}},
            400,
            "BAD_REQUEST",
            "Unable to parse request body as JSON",
        ),
        ({"json": {"qeury": "{ __typename }"}}, 400, "BAD_REQUEST", "No GraphQL query found"),
        (
            {"json": {"query": "{ __typename }", "operationName": {"o": 1}}},
            400,
            "BAD_REQUEST",
            "`operationName` must be a string or null",
        ),
        (
            {"json": {"query": "{ __typename }", "operationName": ["A"]}},
            400,
            "BAD_REQUEST",
            "`operationName` must be a string or null",
        ),
        ({"json": [{"query": "{ __typename }"}]}, 400, "BAD_REQUEST", "Batching is not enabled"),
        (
            {"json": {"query": "query A { __typename } query B { id }", "operationName": "C"}},
            400,
            "OPERATION_RESOLUTION_FAILURE",
            'Unknown operation named "C"',
        ),
        (
            {"json": {"query": SUBSCRIPTION}},
            400,
            "BAD_REQUEST",
            "subscriptions are not allowed",
        ),
    ],
    ids=[
        "json",
        "no-query",
        "object-operation-name",
        "list-operation-name",
        "batch",
        "unknown-operation",
        "subscription",
    ],
)
async def test_refused_requests_are_graphql_responses(
    client, accept, request_kwargs, status, code, message
):
    kwargs = dict(request_kwargs)
    headers = {**kwargs.pop("headers", {}), "accept": accept}
    response = await client.post("/graphql", headers=headers, **kwargs)
    assert response.status_code == status
    assert response.headers["content-type"] == accept
    (error,) = response.json()["errors"]
    assert message in error["message"]
    assert error["extensions"] == {"code": code}


async def test_a_mutation_over_get_is_405_and_names_post(client):
    response = await client.get(
        "/graphql", params={"query": "mutation { __typename }"}, headers=GQL
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_graphiql_switched_off_is_a_json_404(settings, db):
    import httpx

    from server.app import create_app

    app = create_app(settings.model_copy(update={"graphiql": False}), db=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"

"""Global object identification (node, nodes) and the ranked search."""

from __future__ import annotations

import base64

from tests.factories import package_record
from writes import IMPORTER, open_unit, upsert_package


def global_id(type_name: str, database_id: int) -> str:
    return base64.b64encode(f"{type_name}:{database_id}".encode()).decode()


async def test_node_round_trip_for_every_type(demo, execute):
    ids = await execute(
        "{ package(id: 631) { id } grid(id: 41) { id } category(id: 1) { id }"
        ' participant(login: "jrief") { id } }'
    )
    for field, type_name in [
        ("package", "Package"),
        ("grid", "Grid"),
        ("category", "Category"),
        ("participant", "Participant"),
    ]:
        node_id = ids.data[field]["id"]
        assert base64.b64decode(node_id).decode().startswith(f"{type_name}:")
        found = await execute(
            "query ($id: ID!) { node(id: $id) { id __typename } }", {"id": node_id}
        )
        assert found.data["node"] == {"id": node_id, "__typename": type_name}


async def test_nodes_are_batched_and_keep_order(demo, execute, count_statements):
    ids = [global_id("Package", n) for n in (1412, 631, 1326)] + [global_id("Grid", 41)]
    with count_statements() as log:
        result = await execute(
            "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename"
            " ... on Package { databaseId } ... on Grid { databaseId } } }",
            {"ids": ids},
        )
    assert result.errors is None
    assert [node["databaseId"] for node in result.data["nodes"]] == [1412, 631, 1326, 41]
    assert log.count == 2  # one statement per type, not per id


async def test_unknown_node_is_null(demo, execute):
    result = await execute(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": global_id("Package", 999999)}
    )
    assert result.errors is None and result.data == {"node": None}


async def test_malformed_node_id_is_bad_user_input(demo, execute):
    result = await execute('{ node(id: "not-a-global-id") { id } }')
    assert result.errors
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert "Internal" not in result.errors[0].message


async def test_search_ranks_exact_slug_then_title_prefix_then_score(db, execute):
    async with open_unit(db, actor=IMPORTER) as unit:
        for record in [
            package_record(1, slug="auth-tools", title="Tools for auth", score=900),
            package_record(2, slug="django-auth", title="Auth for Django", score=5),
            package_record(3, slug="auth", title="The auth package", score=1),
            package_record(4, slug="misc", title="Misc", repo_description="auth helpers", score=50),
        ]:
            await upsert_package(unit, record)
    result = await execute('{ search(query: "Auth") { __typename ... on Package { slug } } }')
    assert [item["slug"] for item in result.data["search"]] == [
        "auth",  # exact slug
        "django-auth",  # title prefix "Auth for Django"
        "auth-tools",  # the rest, by score: 900
        "misc",  # 50
    ]


async def test_search_finds_grids_and_respects_first(demo, execute):
    result = await execute('{ search(query: "django", first: 2) { __typename } }')
    assert len(result.data["search"]) == 2
    empty = await execute('{ search(query: "   ") { __typename } }')
    assert empty.data == {"search": []}

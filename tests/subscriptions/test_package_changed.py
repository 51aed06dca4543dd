"""packageChanged: pushed when a selected field changes, and only then."""

from __future__ import annotations

from tests.schema.mutations.conftest import gid
from tests.subscriptions.wsclient import GraphQLSocket

UPDATE = """
mutation ($id: ID!, $v: Int!, $input: UpdatePackageInput!) {
  updatePackage(id: $id, expectedVersion: $v, input: $input) { version }
}"""


async def _update(live, tokens, package: int, version: int, **fields) -> None:
    await live.mutate(
        UPDATE, {"id": gid("Package", package), "v": version, "input": fields}, token=tokens.write
    )


async def test_only_changes_to_selected_fields_are_sent(catalogue, live, tokens):
    async with await GraphQLSocket.open(live.ws_url) as ws:
        await ws.subscribe(
            'subscription { packageChanged(slugs: ["package-1"]) { title repoWatchers } }'
        )
        await _update(live, tokens, 1, 1, repoDescription="not selected")
        await ws.expect_silence()
        await _update(live, tokens, 1, 2, title="Renamed")
        payload = await ws.next_payload()
        assert payload["data"] == {"packageChanged": {"title": "Renamed", "repoWatchers": 10}}
        assert payload["extensions"]["eventId"]
        await _update(live, tokens, 1, 3, title="Renamed")  # the same value: no change at all
        await _update(live, tokens, 2, 1, title="another package")
        await ws.expect_silence()
        await _update(live, tokens, 1, 3, repoWatchers=11)
        payload = await ws.next_payload()
        assert payload["data"]["packageChanged"]["repoWatchers"] == 11


async def test_a_change_that_leaves_the_selection_equal_is_not_sent(catalogue, live, tokens):
    # `version` moves on every edit, `title` does not: only the first subscriber hears.
    async with (
        await GraphQLSocket.open(live.ws_url) as with_version,
        await GraphQLSocket.open(live.ws_url) as title_only,
    ):
        await with_version.subscribe("subscription { packageChanged(ids: [1]) { version } }")
        await title_only.subscribe("subscription { packageChanged(ids: [1]) { title isActive } }")
        await _update(live, tokens, 1, 1, repoForks=99)
        assert (await with_version.next_payload())["data"] == {"packageChanged": {"version": 2}}
        await title_only.expect_silence()


async def test_nested_selections_count_as_fields(catalogue, live, tokens):
    async with (
        await GraphQLSocket.open(live.ws_url) as nested,
        await GraphQLSocket.open(live.ws_url) as flat,
    ):
        await nested.subscribe(
            "subscription { packageChanged(ids: [1]) { category { title } "
            "participants { nodes { login } } grids { slug } } }"
        )
        await flat.subscribe("subscription { packageChanged(ids: [1]) { title } }")
        await live.mutate(
            "mutation ($id: ID!) { updateCategory(id: $id, expectedVersion: 1, "
            'input: {title: "Apps"}) { title } }',
            {"id": gid("Category", 1)},
            token=tokens.admin,
        )
        payload = await nested.next_payload()
        assert payload["data"]["packageChanged"]["category"] == {"title": "Apps"}
        await live.mutate(
            'mutation ($id: ID!) { setPackageParticipants(id: $id, logins: ["zed"]) { version } }',
            {"id": gid("Package", 1)},
            token=tokens.write,
        )
        payload = await nested.next_payload()
        assert payload["data"]["packageChanged"]["participants"] == {"nodes": [{"login": "zed"}]}
        await live.mutate(
            "mutation ($g: ID!, $p: ID!) { removePackageFromGrid(gridId: $g, packageId: $p) "
            "{ version } }",
            {"g": gid("Grid", 2), "p": gid("Package", 1)},
            token=tokens.write,
        )
        payload = await nested.next_payload()
        assert payload["data"]["packageChanged"]["grids"] == [{"slug": "grid-1"}]
        await flat.expect_silence()


async def test_filters_by_category_and_grid(catalogue, live, tokens):
    async with (
        await GraphQLSocket.open(live.ws_url) as in_grid,
        await GraphQLSocket.open(live.ws_url) as in_category,
    ):
        await live.mutate(
            "mutation ($g: ID!, $p: ID!) { removePackageFromGrid(gridId: $g, packageId: $p) "
            "{ version } }",
            {"g": gid("Grid", 2), "p": gid("Package", 3)},
            token=tokens.write,
        )
        await in_grid.subscribe(
            'subscription { packageChanged(gridSlug: "grid-2") { databaseId title } }'
        )
        await in_category.subscribe(
            'subscription { packageChanged(categorySlug: "category-1") { databaseId title } }'
        )
        await _update(live, tokens, 3, 1, title="three")  # in the category, not in grid 2
        assert (await in_category.next_payload())["data"]["packageChanged"]["databaseId"] == 3
        await in_grid.expect_silence()
        await _update(live, tokens, 2, 1, title="two")
        assert (await in_grid.next_payload())["data"]["packageChanged"]["databaseId"] == 2
        assert (await in_category.next_payload())["data"]["packageChanged"]["databaseId"] == 2


async def test_unknown_filter_values_are_refused(catalogue, live):
    async with await GraphQLSocket.open(live.ws_url) as ws:
        await ws.subscribe('subscription { packageChanged(categorySlug: "nope") { title } }')
        message = await ws.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_created_and_deleted(catalogue, live, tokens):
    async with (
        await GraphQLSocket.open(live.ws_url) as created,
        await GraphQLSocket.open(live.ws_url) as deleted,
    ):
        await created.subscribe(
            'subscription { packageCreated(categorySlug: "category-1") { databaseId slug } }'
        )
        await deleted.subscribe("subscription { packageDeleted { id databaseId slug title } }")
        await live.mutate(
            'mutation { createPackage(input: {title: "New", slug: "new", categoryId: 1}) '
            "{ databaseId } }",
            token=tokens.write,
        )
        assert (await created.next_payload())["data"]["packageCreated"] == {
            "databaseId": 4,
            "slug": "new",
        }
        await live.mutate(
            "mutation ($id: ID!) { deletePackage(id: $id, expectedVersion: 1) { databaseId } }",
            {"id": gid("Package", 4)},
            token=tokens.write,
        )
        assert (await deleted.next_payload())["data"]["packageDeleted"] == {
            "id": gid("Package", 4),
            "databaseId": 4,
            "slug": "new",
            "title": "New",
        }


async def test_a_slug_with_a_control_character_is_bad_input(db, settings, graphql_schema):
    """Issue 22: a NUL reached PostgreSQL's statement; it is refused first."""
    from schema.context import Context

    context = Context.create(db=db, settings=settings)
    for arguments in ('categorySlug: "a\\u0000"', 'gridSlug: "a\\u0000"', 'slugs: ["a\\u0000"]'):
        results = await graphql_schema.subscribe(
            f"subscription {{ packageChanged({arguments}) {{ title }} }}", context_value=context
        )
        [refused] = (await anext(aiter(results))).errors
        assert refused.extensions["code"] == "BAD_USER_INPUT", arguments

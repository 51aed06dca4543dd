"""Grid, membership, feature and cell mutations, and grid locking."""

from __future__ import annotations

from tests.schema.mutations.conftest import error_of, gid, row_counts

GRID_FIELDS = "databaseId title slug description version isLocked packages { totalCount }"


async def test_create_update_delete_grid(catalogue, gql, tokens):
    created = await gql(
        f'mutation {{ createGrid(input: {{title: "Forms", slug: "forms"}}) {{ {GRID_FIELDS} }} }}',
        token=tokens.write,
    )
    grid = created["data"]["createGrid"]
    assert grid == {
        "databaseId": 3,
        "title": "Forms",
        "slug": "forms",
        "description": None,
        "version": 1,
        "isLocked": False,
        "packages": {"totalCount": 0},
    }
    updated = await gql(
        "mutation ($id: ID!) { updateGrid(id: $id, expectedVersion: 1, "
        'input: {description: "Form libraries"}) { description version } }',
        {"id": gid("Grid", 3)},
        token=tokens.write,
    )
    assert updated["data"]["updateGrid"] == {"description": "Form libraries", "version": 2}
    deleted = await gql(
        "mutation ($id: ID!) { deleteGrid(id: $id, expectedVersion: 2) { databaseId } }",
        {"id": gid("Grid", 3)},
        token=tokens.write,
    )
    assert deleted["data"]["deleteGrid"] == {"databaseId": 3}


async def test_grid_rules(catalogue, gql, tokens):
    answer = await gql(
        'mutation { createGrid(input: {title: "", slug: "grid-1", description: "'
        + "d" * 1001
        + '"}) { databaseId } }',
        token=tokens.write,
    )
    fields = error_of(answer)["extensions"]["fieldErrors"]
    assert {(e["path"][-1], e["code"]) for e in fields} == {
        ("title", "REQUIRED"),
        ("slug", "SLUG_TAKEN"),
        ("description", "TOO_LONG"),
    }


MEMBERS = """
mutation ($grid: ID!, $package: ID!) {
  add: addPackageToGrid(gridId: $grid, packageId: $package) { version packages { totalCount } }
}"""
REMOVE = """
mutation ($grid: ID!, $package: ID!) {
  removePackageFromGrid(gridId: $grid, packageId: $package) { version packages { totalCount } }
}"""


async def test_add_and_remove_packages_idempotently(catalogue, gql, tokens):
    created = await gql(
        'mutation { createGrid(input: {title: "New", slug: "new"}) { databaseId } }',
        token=tokens.write,
    )
    assert created["data"]["createGrid"]["databaseId"] == 3
    variables = {"grid": gid("Grid", 3), "package": gid("Package", 2)}
    first = await gql(MEMBERS, variables, token=tokens.write)
    assert first["data"]["add"] == {"version": 2, "packages": {"totalCount": 1}}
    again = await gql(MEMBERS, variables, token=tokens.write)
    assert again["data"]["add"] == {"version": 2, "packages": {"totalCount": 1}}
    removed = await gql(REMOVE, variables, token=tokens.write)
    assert removed["data"]["removePackageFromGrid"] == {"version": 3, "packages": {"totalCount": 0}}
    missing = await gql(
        MEMBERS, {"grid": gid("Grid", 3), "package": gid("Package", 77)}, token=tokens.write
    )
    assert error_of(missing)["extensions"]["code"] == "NOT_FOUND"


async def test_removing_a_package_drops_its_cells(catalogue, gql, tokens):
    before = await row_counts(catalogue)
    answer = await gql(
        REMOVE, {"grid": gid("Grid", 1), "package": gid("Package", 1)}, token=tokens.write
    )
    assert answer["data"]["removePackageFromGrid"]["packages"] == {"totalCount": 2}
    after = await row_counts(catalogue)
    assert after["Element"] == before["Element"] - 2  # two features in grid 1


FEATURE = """
mutation ($grid: ID!) {
  createFeature(gridId: $grid, input: {title: "Async", description: "async views"}) {
    id title description version
  }
}"""


async def test_feature_create_update_delete(catalogue, gql, tokens):
    created = (await gql(FEATURE, {"grid": gid("Grid", 1)}, token=tokens.write))["data"]
    feature = created["createFeature"]
    assert (feature["title"], feature["version"]) == ("Async", 1)
    updated = await gql(
        "mutation ($id: Int!) { updateFeature(id: $id, expectedVersion: 1, "
        'input: {title: "Async support"}) { title version } }',
        {"id": feature["id"]},
        token=tokens.write,
    )
    assert updated["data"]["updateFeature"] == {"title": "Async support", "version": 2}
    stale = await gql(
        "mutation ($id: Int!) { deleteFeature(id: $id, expectedVersion: 1) { databaseId } }",
        {"id": feature["id"]},
        token=tokens.write,
    )
    assert error_of(stale)["extensions"]["code"] == "CONFLICT"
    deleted = await gql(
        "mutation ($id: Int!) { deleteFeature(id: $id, expectedVersion: 2) { databaseId } }",
        {"id": feature["id"]},
        token=tokens.write,
    )
    assert deleted["data"]["deleteFeature"] == {"databaseId": feature["id"]}


async def test_feature_rules(catalogue, gql, tokens):
    answer = await gql(
        'mutation ($grid: ID!) { createFeature(gridId: $grid, input: {title: "'
        + "t" * 101
        + '"}) { id } }',
        {"grid": gid("Grid", 1)},
        token=tokens.write,
    )
    [field] = error_of(answer)["extensions"]["fieldErrors"]
    assert (field["path"], field["code"]) == (["input", "title"], "TOO_LONG")


CELL = """
mutation ($grid: ID!, $package: ID!, $feature: Int!, $text: String!) {
  setElement(gridId: $grid, packageId: $package, featureId: $feature, text: $text) {
    text feature { id }
  }
}"""
CELLS = "query { grid(id: 1) { comparison { rows { package { databaseId } cells { text } } } } }"


async def _first_feature(gql) -> int:
    answer = await gql("query { grid(id: 1) { features { id } } }")
    return int(answer["data"]["grid"]["features"][0]["id"])


async def test_set_and_clear_a_cell(catalogue, gql, tokens):
    feature = await _first_feature(gql)
    variables = {"grid": gid("Grid", 1), "package": gid("Package", 2), "feature": feature}
    answer = await gql(CELL, {**variables, "text": "Yes, since 2.0"}, token=tokens.write)
    assert answer["data"]["setElement"] == {"text": "Yes, since 2.0", "feature": {"id": feature}}
    rows = (await gql(CELLS))["data"]["grid"]["comparison"]["rows"]
    assert rows[1]["cells"][0]["text"] == "Yes, since 2.0"
    cleared = await gql(CELL, {**variables, "text": ""}, token=tokens.write)
    assert cleared["data"] == {"setElement": None}
    rows = (await gql(CELLS))["data"]["grid"]["comparison"]["rows"]
    assert rows[1]["cells"][0]["text"] is None


async def test_a_cell_must_belong_to_the_grid(catalogue, gql, tokens):
    other_grid_feature = (await gql("query { grid(id: 2) { features { id } } }"))["data"]
    feature = int(other_grid_feature["grid"]["features"][0]["id"])
    answer = await gql(
        CELL,
        {
            "grid": gid("Grid", 1),
            "package": gid("Package", 99),
            "feature": feature,
            "text": "x" * 1001,
        },
        token=tokens.write,
    )
    fields = error_of(answer)["extensions"]["fieldErrors"]
    assert [(e["path"], e["code"]) for e in fields] == [
        (["featureId"], "NOT_IN_GRID"),
        (["packageId"], "NOT_IN_GRID"),
        (["text"], "TOO_LONG"),
    ]


LOCK = "mutation ($id: ID!) { lockGrid(id: $id) { isLocked version } }"
UNLOCK = "mutation ($id: ID!) { unlockGrid(id: $id) { isLocked } }"


async def test_a_locked_grid_refuses_write_scope_edits_but_not_admins(catalogue, gql, tokens):
    locked = await gql(LOCK, {"id": gid("Grid", 1)}, token=tokens.admin)
    assert locked["data"]["lockGrid"] == {"isLocked": True, "version": 2}
    feature = await _first_feature(gql)
    before = await row_counts(catalogue)
    attempts = [
        (REMOVE, {"grid": gid("Grid", 1), "package": gid("Package", 1)}),
        (FEATURE, {"grid": gid("Grid", 1)}),
        (
            CELL,
            {
                "grid": gid("Grid", 1),
                "package": gid("Package", 1),
                "feature": feature,
                "text": "no",
            },
        ),
        (
            'mutation ($id: ID!) { updateGrid(id: $id, expectedVersion: 2, input: {title: "x"})'
            " { title } }",
            {"id": gid("Grid", 1)},
        ),
        (
            "mutation ($id: Int!) { deleteFeature(id: $id, expectedVersion: 1) { id } }",
            {"id": feature},
        ),
        # Deleting a package takes it out of the locked grid too (issue 14).
        (
            "mutation ($id: ID!) { deletePackage(id: $id, expectedVersion: 1) { id } }",
            {"id": gid("Package", 1)},
        ),
    ]
    for document, variables in attempts:
        error = error_of(await gql(document, variables, token=tokens.write))
        assert error["extensions"]["code"] == "FORBIDDEN", document
        assert error["extensions"]["reason"] == "GRID_LOCKED"
    assert await row_counts(catalogue) == before
    by_admin = await gql(
        CELL,
        {"grid": gid("Grid", 1), "package": gid("Package", 1), "feature": feature, "text": "ok"},
        token=tokens.admin,
    )
    assert by_admin["data"]["setElement"]["text"] == "ok"
    unlocked = await gql(UNLOCK, {"id": gid("Grid", 1)}, token=tokens.admin)
    assert unlocked["data"]["unlockGrid"] == {"isLocked": False}
    again = await gql(FEATURE, {"grid": gid("Grid", 1)}, token=tokens.write)
    assert again["data"]["createFeature"]["title"] == "Async"


async def test_locking_needs_admin_scope(catalogue, gql, tokens):
    error = error_of(await gql(LOCK, {"id": gid("Grid", 1)}, token=tokens.write))
    assert error["extensions"]["code"] == "FORBIDDEN"

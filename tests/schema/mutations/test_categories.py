"""Category mutations: admin scope, rules, and no delete while packages use one."""

from __future__ import annotations

from tests.schema.mutations.conftest import error_of, gid

CREATE = (
    'mutation { createCategory(input: {title: "Tools", slug: "tools"}) '
    "{ databaseId title slug titlePlural showPypi version } }"
)


async def test_create_update_delete_category(catalogue, gql, tokens):
    created = await gql(CREATE, token=tokens.admin)
    assert created["data"]["createCategory"] == {
        "databaseId": 2,
        "title": "Tools",
        "slug": "tools",
        "titlePlural": "",
        "showPypi": True,
        "version": 1,
    }
    updated = await gql(
        "mutation ($id: ID!) { updateCategory(id: $id, expectedVersion: 1, "
        'input: {titlePlural: "Tools"}) { titlePlural version } }',
        {"id": gid("Category", 2)},
        token=tokens.admin,
    )
    assert updated["data"]["updateCategory"] == {"titlePlural": "Tools", "version": 2}
    deleted = await gql(
        "mutation ($id: ID!) { deleteCategory(id: $id, expectedVersion: 2) { databaseId } }",
        {"id": gid("Category", 2)},
        token=tokens.admin,
    )
    assert deleted["data"]["deleteCategory"] == {"databaseId": 2}


async def test_categories_need_admin_scope(catalogue, gql, tokens):
    error = error_of(await gql(CREATE, token=tokens.write))
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_a_category_in_use_is_not_deleted(catalogue, gql, tokens):
    answer = await gql(
        "mutation ($id: ID!) { deleteCategory(id: $id, expectedVersion: 1) { databaseId } }",
        {"id": gid("Category", 1)},
        token=tokens.admin,
    )
    error = error_of(answer)
    assert error["extensions"]["code"] == "CONFLICT"
    assert (error["extensions"]["reason"], error["extensions"]["count"]) == ("IN_USE", 3)
    still = await gql("{ category(id: 1) { title } }")
    assert still["data"]["category"] == {"title": "Category 1"}


async def test_category_rules(catalogue, gql, tokens):
    answer = await gql(
        'mutation { createCategory(input: {title: "'
        + "t" * 51
        + '", slug: "category-1", titlePlural: "'
        + "p" * 51
        + '"}) { databaseId } }',
        token=tokens.admin,
    )
    fields = error_of(answer)["extensions"]["fieldErrors"]
    assert {(e["path"][-1], e["code"]) for e in fields} == {
        ("title", "TOO_LONG"),
        ("slug", "SLUG_TAKEN"),
        ("titlePlural", "TOO_LONG"),
    }

"""Package mutations: each happy path, each validation rule, stale versions, no traces."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

import models
from tests.schema.mutations.conftest import error_of, gid, row_counts

CREATE = """
mutation ($input: CreatePackageInput!) {
  createPackage(input: $input) {
    id databaseId title slug version repoUrl commitsOver52 category { databaseId }
    created modified
  }
}"""
UPDATE = """
mutation ($id: ID!, $v: Int!, $input: UpdatePackageInput!) {
  updatePackage(id: $id, expectedVersion: $v, input: $input) {
    databaseId title slug version repoWatchers documentationUrl modified
  }
}"""
DELETE = """
mutation ($id: ID!, $v: Int!) { deletePackage(id: $id, expectedVersion: $v) { id databaseId } }
"""
PARTICIPANTS = """
mutation ($id: ID!, $logins: [String!]!, $v: Int) {
  setPackageParticipants(id: $id, logins: $logins, expectedVersion: $v) {
    version participants { nodes { login } }
  }
}"""


async def audit(db: Any) -> list[models.AuditEntry]:
    async with db.session() as session:
        statement = select(models.AuditEntry).order_by(models.AuditEntry.id)  # type: ignore[arg-type]
        return list((await session.execute(statement)).scalars())


async def test_create_package(catalogue, gql, tokens):
    answer = await gql(
        CREATE,
        {
            "input": {
                "title": "django-new",
                "slug": "django-new",
                "categoryId": 1,
                "repoUrl": "https://github.com/example/django-new",
                "commitsOver52": [1] * 52,
            }
        },
        token=tokens.write,
    )
    assert "errors" not in answer, answer
    package = answer["data"]["createPackage"]
    assert package["databaseId"] == 4  # after the highest id held
    assert package["version"] == 1
    assert package["category"] == {"databaseId": 1}
    assert package["created"] == package["modified"]
    [entry] = [e for e in await audit(catalogue) if e.actor == "editor"]
    assert (entry.action, entry.object_type, entry.object_id) == ("created", "Package", 4)
    assert entry.changes["title"] == {"before": None, "after": "django-new"}


async def test_update_changes_only_given_fields_and_bumps_the_version(catalogue, gql, tokens):
    answer = await gql(
        UPDATE,
        {"id": gid("Package", 2), "v": 1, "input": {"repoWatchers": 99, "documentationUrl": None}},
        token=tokens.write,
    )
    package = answer["data"]["updatePackage"]
    assert package["title"] == "package 2"  # left out, kept
    assert package["repoWatchers"] == 99
    assert package["version"] == 2
    assert package["modified"] != "2024-01-15T09:30:00.123456-05:00"
    [entry] = [e for e in await audit(catalogue) if e.actor == "editor"]
    assert entry.changes == {"repoWatchers": {"before": 20, "after": 99}}


async def test_an_update_that_changes_nothing_keeps_the_version(catalogue, gql, tokens):
    answer = await gql(
        UPDATE,
        {"id": gid("Package", 2), "v": 1, "input": {"title": "package 2"}},
        token=tokens.write,
    )
    assert answer["data"]["updatePackage"]["version"] == 1
    assert not [e for e in await audit(catalogue) if e.actor == "editor"]


async def test_a_stale_version_is_a_conflict_with_the_current_value(catalogue, gql, tokens):
    first = await gql(
        UPDATE, {"id": gid("Package", 1), "v": 1, "input": {"title": "first"}}, token=tokens.write
    )
    assert first["data"]["updatePackage"]["version"] == 2
    before = await row_counts(catalogue)
    second = await gql(
        UPDATE, {"id": gid("Package", 1), "v": 1, "input": {"title": "second"}}, token=tokens.write
    )
    error = error_of(second)
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["reason"] == "STALE_VERSION"
    assert error["extensions"]["current"]["title"] == "first"
    assert error["extensions"]["current"]["version"] == 2
    assert await row_counts(catalogue) == before


async def test_delete_package_removes_its_links(catalogue, gql, tokens):
    answer = await gql(DELETE, {"id": gid("Package", 3), "v": 1}, token=tokens.write)
    assert answer["data"]["deletePackage"] == {"id": gid("Package", 3), "databaseId": 3}
    counts = await row_counts(catalogue)
    assert counts["Package"] == 2
    assert counts["GridPackage"] == 4  # 2 grids x 2 packages left
    [entry] = [e for e in await audit(catalogue) if e.actor == "editor"]
    assert entry.action == "deleted"
    assert entry.changes["slug"] == {"before": "package-3", "after": None}


async def test_delete_with_a_stale_version_is_refused(catalogue, gql, tokens):
    answer = await gql(DELETE, {"id": gid("Package", 3), "v": 7}, token=tokens.write)
    assert error_of(answer)["extensions"]["code"] == "CONFLICT"
    assert (await row_counts(catalogue))["Package"] == 3


async def test_missing_package_is_not_found(catalogue, gql, tokens):
    answer = await gql(DELETE, {"id": gid("Package", 404), "v": 1}, token=tokens.write)
    assert error_of(answer)["extensions"]["code"] == "NOT_FOUND"


async def test_a_grid_id_where_a_package_id_belongs_is_bad_input(catalogue, gql, tokens):
    answer = await gql(DELETE, {"id": gid("Grid", 1), "v": 1}, token=tokens.write)
    assert error_of(answer)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_set_package_participants(catalogue, gql, tokens):
    answer = await gql(
        PARTICIPANTS, {"id": gid("Package", 1), "logins": ["b", "a"], "v": 1}, token=tokens.write
    )
    package = answer["data"]["setPackageParticipants"]
    assert package["participants"]["nodes"] == [{"login": "b"}, {"login": "a"}]
    assert package["version"] == 2
    [entry] = [e for e in await audit(catalogue) if e.actor == "editor"]
    assert entry.changes == {
        "participants": {"before": ["user1", "shared-user"], "after": ["b", "a"]}
    }


async def test_participant_logins_are_validated(catalogue, gql, tokens):
    answer = await gql(
        PARTICIPANTS,
        {"id": gid("Package", 1), "logins": ["ok", "has space", "ok", "x" * 101]},
        token=tokens.write,
    )
    error = error_of(answer)
    assert [(e["path"], e["code"]) for e in error["extensions"]["fieldErrors"]] == [
        (["logins", 1], "INVALID_LOGIN"),
        (["logins", 2], "DUPLICATE"),
        (["logins", 3], "INVALID_LOGIN"),
    ]


async def test_participant_logins_hold_no_control_character(catalogue, gql, tokens):
    """Issue 22: NUL and ESC were stored on SQLite, and failed the statement on PostgreSQL."""
    answer = await gql(
        PARTICIPANTS,
        {"id": gid("Package", 1), "logins": ["ok", "nul\u0000", "esc\u001b[2J"]},
        token=tokens.write,
    )
    error = error_of(answer)
    assert [(e["path"], e["code"]) for e in error["extensions"]["fieldErrors"]] == [
        (["logins", 1], "INVALID_LOGIN"),
        (["logins", 2], "INVALID_LOGIN"),
    ]


VALID = {"title": "t", "slug": "s", "categoryId": 1}


@pytest.mark.parametrize(
    ("overrides", "path", "code"),
    [
        ({"title": "x" * 101}, ["input", "title"], "TOO_LONG"),
        ({"title": "   "}, ["input", "title"], "REQUIRED"),
        ({"slug": "has space"}, ["input", "slug"], "INVALID_SLUG"),
        ({"slug": "x" * 51}, ["input", "slug"], "TOO_LONG"),
        ({"slug": "package-1"}, ["input", "slug"], "SLUG_TAKEN"),
        ({"repoUrl": "ftp://example.com/x"}, ["input", "repoUrl"], "INVALID_URL"),
        ({"repoUrl": "not a url"}, ["input", "repoUrl"], "INVALID_URL"),
        ({"repoUrl": "https://x.org/" + "a" * 200}, ["input", "repoUrl"], "TOO_LONG"),
        ({"documentationUrl": "docs"}, ["input", "documentationUrl"], "INVALID_URL"),
        ({"pypiUrl": "not a name!"}, ["input", "pypiUrl"], "INVALID_URL"),
        ({"repoDescription": "d" * 1001}, ["input", "repoDescription"], "TOO_LONG"),
        ({"repoWatchers": -1}, ["input", "repoWatchers"], "NEGATIVE"),
        ({"repoForks": -2}, ["input", "repoForks"], "NEGATIVE"),
        ({"commitsOver52": [1] * 51}, ["input", "commitsOver52"], "WRONG_LENGTH"),
        ({"commitsOver52": [0] * 51 + [-1]}, ["input", "commitsOver52", 51], "NEGATIVE"),
        ({"categoryId": 99}, ["input", "categoryId"], "NOT_FOUND"),
        ({"repoUrl": None}, ["input", "repoUrl"], "REQUIRED"),
    ],
)
async def test_each_rule_refuses_a_create(catalogue, gql, tokens, overrides, path, code):
    before = await row_counts(catalogue)
    answer = await gql(CREATE, {"input": {**VALID, **overrides}}, token=tokens.write)
    error = error_of(answer)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert [(e["path"], e["code"]) for e in error["extensions"]["fieldErrors"]] == [(path, code)]
    assert await row_counts(catalogue) == before


async def test_every_field_error_comes_at_once(catalogue, gql, tokens):
    answer = await gql(
        CREATE,
        {"input": {"title": "", "slug": "bad slug", "repoWatchers": -5, "categoryId": 99}},
        token=tokens.write,
    )
    fields = error_of(answer)["extensions"]["fieldErrors"]
    assert {e["path"][-1] for e in fields} == {"title", "slug", "repoWatchers", "categoryId"}
    assert all(e["message"] for e in fields)


async def test_update_validates_too_and_keeps_the_row(catalogue, gql, tokens):
    answer = await gql(
        UPDATE,
        {"id": gid("Package", 1), "v": 1, "input": {"slug": "package-2"}},
        token=tokens.write,
    )
    [field] = error_of(answer)["extensions"]["fieldErrors"]
    assert field["code"] == "SLUG_TAKEN"
    async with catalogue.session() as session:
        row = await session.get(models.Package, 1)
    assert row is not None and (row.slug, row.version) == ("package-1", 1)


async def test_control_characters_are_refused_in_one_line_fields(catalogue, gql, tokens):
    """Issue 14: a title could carry terminal escapes or a NUL."""
    create = """mutation ($input: CreatePackageInput!) { createPackage(input: $input) { slug } }"""
    refused = await gql(
        create,
        {"input": {"title": "evil\u001b[2J", "slug": "evil", "repoDescription": "a\u0000b"}},
        token=tokens.write,
    )
    fields = error_of(refused)["extensions"]["fieldErrors"]
    assert {(e["path"][-1], e["code"]) for e in fields} == {
        ("title", "CONTROL_CHARACTER"),
        ("repoDescription", "CONTROL_CHARACTER"),
    }
    accepted = await gql(
        create,
        {"input": {"title": "Fine", "slug": "fine", "repoDescription": "two\nlines\tand a tab"}},
        token=tokens.write,
    )
    assert accepted["data"]["createPackage"] == {"slug": "fine"}

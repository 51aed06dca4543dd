"""The audit log: who changed what and when, newest first, filtered by object."""

from __future__ import annotations

from tests.schema.mutations.conftest import gid

LOG = """
query ($type: AuditObjectType, $id: Int, $first: Int, $after: String) {
  auditLog(objectType: $type, objectId: $id, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { actor action objectType objectId at changes { field before after } }
  }
}"""


async def _edit(gql, tokens):
    for version, title in ((1, "one"), (2, "two")):
        answer = await gql(
            "mutation ($id: ID!, $v: Int!, $t: String!) { updatePackage(id: $id, "
            "expectedVersion: $v, input: {title: $t}) { version } }",
            {"id": gid("Package", 1), "v": version, "t": title},
            token=tokens.write,
        )
        assert "errors" not in answer, answer
    answer = await gql(
        'mutation { createGrid(input: {title: "G", slug: "g"}) { databaseId } }', token=tokens.write
    )
    assert "errors" not in answer, answer


async def test_the_log_lists_changes_newest_first_with_before_and_after(catalogue, gql, tokens):
    await _edit(gql, tokens)
    answer = await gql(LOG, {"type": "PACKAGE", "id": 1}, token=tokens.admin)
    log = answer["data"]["auditLog"]
    edits = [entry for entry in log["nodes"] if entry["actor"] == "editor"]
    assert [entry["changes"] for entry in edits] == [
        [{"field": "title", "before": "one", "after": "two"}],
        [{"field": "title", "before": "package 1", "after": "one"}],
    ]
    assert {entry["objectType"] for entry in log["nodes"]} == {"PACKAGE"}
    assert all(entry["objectId"] == 1 for entry in log["nodes"])
    assert edits[0]["action"] == "UPDATED"
    assert edits[0]["at"] >= edits[1]["at"]


async def test_the_importer_is_an_actor_too(catalogue, gql, tokens):
    answer = await gql(LOG, {"type": "PACKAGE", "id": 2}, token=tokens.admin)
    [entry] = answer["data"]["auditLog"]["nodes"]
    assert (entry["actor"], entry["action"]) == ("import", "CREATED")


async def test_the_log_pages(catalogue, gql, tokens):
    await _edit(gql, tokens)
    first = (await gql(LOG, {"first": 2}, token=tokens.admin))["data"]["auditLog"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["nodes"][0]["objectType"] == "GRID"  # the newest
    rest = await gql(
        LOG, {"first": 100, "after": first["pageInfo"]["endCursor"]}, token=tokens.admin
    )
    seen = len(first["nodes"]) + len(rest["data"]["auditLog"]["nodes"])
    assert seen == first["totalCount"]

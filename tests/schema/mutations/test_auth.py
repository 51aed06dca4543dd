"""Who may edit: no token, bad tokens, revoked tokens and wrong scopes are refused."""

from __future__ import annotations

import pytest

from auth import revoke_token
from tests.schema.mutations.conftest import error_of, gid, row_counts

RENAME = """
mutation ($id: ID!) {
  updatePackage(id: $id, expectedVersion: 1, input: {title: "renamed"}) { title }
}"""


async def test_anonymous_mutations_are_refused_before_any_database_work(
    catalogue, gql, count_statements
):
    with count_statements() as log:
        answer = await gql(RENAME, {"id": gid("Package", 1)})
    error = error_of(answer)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Authorization: Bearer" in error["message"]
    assert log.statements == []


@pytest.mark.parametrize(
    "token",
    [
        "dpg_000000000000_notarealsecret",  # well formed, unknown
        "garbage",
        "",
        "dpg_",
    ],
)
async def test_bad_tokens_are_refused_alike(catalogue, gql, tokens, token):
    answer = await gql(RENAME, {"id": gid("Package", 1)}, token=token)
    error = error_of(answer)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"].startswith("The token is not valid.")


async def test_a_wrong_secret_for_a_real_token_is_refused_like_an_unknown_one(
    catalogue, gql, tokens
):
    forged = tokens.write[:-4] + ("AAAA" if not tokens.write.endswith("AAAA") else "BBBB")
    error = error_of(await gql(RENAME, {"id": gid("Package", 1)}, token=forged))
    assert error["message"].startswith("The token is not valid.")


async def test_other_authorization_schemes_are_bad_credentials(catalogue, client, tokens):
    response = await client.post(
        "/graphql",
        json={"query": RENAME, "variables": {"id": gid("Package", 1)}},
        headers={"Authorization": f"Basic {tokens.write}"},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_revoked_token_is_refused(catalogue, gql, tokens):
    await revoke_token(catalogue, "editor")
    before = await row_counts(catalogue)
    error = error_of(await gql(RENAME, {"id": gid("Package", 1)}, token=tokens.write))
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert await row_counts(catalogue) == before


async def test_write_scope_cannot_do_admin_work(catalogue, gql, tokens):
    error = error_of(await gql("{ auditLog { totalCount } }", token=tokens.write))
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["requiredScope"] == "admin"


async def test_reads_stay_public(catalogue, gql):
    answer = await gql("{ package(id: 1) { title version } }")
    assert answer == {"data": {"package": {"title": "package 1", "version": 1}}}


async def test_admin_scope_may_do_write_work(catalogue, gql, tokens):
    answer = await gql(RENAME, {"id": gid("Package", 1)}, token=tokens.admin)
    assert answer["data"]["updatePackage"] == {"title": "renamed"}


@pytest.mark.parametrize("authorization", ["Bearer dpg_000000000000_notarealsecret", "Basic x"])
async def test_a_read_with_a_bad_token_is_401(catalogue, client, authorization):
    """A client that sends a token means to be someone: a bad one is not anonymity (14)."""
    response = await client.post(
        "/graphql",
        json={"query": "{ packages { totalCount } }"},
        headers={"Authorization": authorization},
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert error["message"].startswith("The token is not valid.")


async def test_a_read_with_a_good_token_or_none_is_answered(catalogue, client, tokens):
    query = {"query": "{ packages { totalCount } }"}
    anonymous = await client.post("/graphql", json=query)
    signed = await client.post(
        "/graphql", json=query, headers={"Authorization": f"Bearer {tokens.write}"}
    )
    assert anonymous.status_code == signed.status_code == 200
    assert anonymous.json() == signed.json()

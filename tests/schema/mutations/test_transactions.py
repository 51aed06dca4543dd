"""Each mutation is one transaction: a failure leaves no trace, and of two clients
editing the same version of a row exactly one wins."""

from __future__ import annotations

import asyncio

import httpx

from server.app import create_app
from tests.schema.mutations.conftest import error_of, gid, row_counts
from writes import rows


async def test_a_failure_after_writing_leaves_no_trace(catalogue, gql, tokens, monkeypatch):
    before = await row_counts(catalogue)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    # The package row is inserted and flushed, then recording the change fails.
    monkeypatch.setattr(rows, "record_created", explode)
    answer = await gql(
        'mutation { createPackage(input: {title: "t", slug: "t"}) { databaseId } }',
        token=tokens.write,
    )
    error = error_of(answer)
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "disk on fire" not in error["message"]
    assert await row_counts(catalogue) == before


async def test_of_two_concurrent_updates_of_one_version_exactly_one_wins(
    catalogue, settings, tokens
):
    app = create_app(settings, db=catalogue)
    document = (
        "mutation ($id: ID!, $t: String!) { updatePackage(id: $id, expectedVersion: 1, "
        "input: {title: $t}) { title version } }"
    )

    async def edit(title: str) -> dict[str, object]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.post(
                "/graphql",
                json={"query": document, "variables": {"id": gid("Package", 1), "t": title}},
                headers={"Authorization": f"Bearer {tokens.write}"},
            )
            body: dict[str, object] = response.json()
            return body

    for attempt in range(5):
        answers = await asyncio.gather(*(edit(f"{attempt}-{client}") for client in "ab"))
        winners = [a for a in answers if a.get("data") and a["data"]["updatePackage"]]  # type: ignore[index]
        losers = [a for a in answers if a.get("errors")]
        assert len(winners) == 1, answers
        assert len(losers) == 1, answers
        assert error_of(losers[0])["extensions"]["code"] == "CONFLICT"
        await _reset_version(catalogue)


async def _reset_version(db) -> None:
    import models

    async with db.transaction() as session:
        row = await session.get(models.Package, 1)
        assert row is not None
        row.version = 1

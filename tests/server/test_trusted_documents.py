"""TRUSTED_DOCUMENTS: only the manifest's documents run, by text or by hash, over every
transport (issue 14)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.settings import Settings
from schema.trusted import ManifestError, load_manifest
from tests.conftest import app_client
from tests.subscriptions.conftest import start_live_server
from tests.subscriptions.wsclient import GraphQLSocket

TRUSTED = "query Titles { packages(first: 2) { nodes { title } } }"
SUBSCRIPTION = "subscription { packageChanged(ids: [1]) { title } }"
OTHER = "{ packages(first: 3) { nodes { slug } } }"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def apollo_manifest(path: Path, *documents: str) -> Path:
    operations = [{"id": sha(d), "body": d, "name": None, "type": "query"} for d in documents]
    path.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    return path


@pytest.fixture
async def trusted(db, demo, settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    manifest = apollo_manifest(tmp_path / "manifest.json", TRUSTED, SUBSCRIPTION)
    async with app_client(db, settings.model_copy(update={"trusted_documents": manifest})) as c:
        yield c


def _persisted(sha256: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


def _refused(response: httpx.Response) -> None:
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED", error


async def test_a_trusted_document_runs_by_text_and_by_hash(trusted) -> None:
    by_text = await trusted.post("/graphql", json={"query": TRUSTED})
    by_hash = await trusted.post("/graphql", json={"extensions": _persisted(sha(TRUSTED))})
    got = await trusted.get("/graphql", params={"extensions": json.dumps(_persisted(sha(TRUSTED)))})
    assert by_text.json() == by_hash.json() == got.json()
    assert len(by_text.json()["data"]["packages"]["nodes"]) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"query": OTHER},  # the compiled lane's shape
        {"query": OTHER, "extensions": {}},  # the view's
        {"query": OTHER, "operationName": "Titles"},
        {"query": OTHER, "extensions": _persisted(sha(OTHER))},  # APQ cannot register it
    ],
    ids=["lane", "view", "named", "registering"],
)
async def test_any_other_document_is_refused_unrun(trusted, body: dict[str, Any]) -> None:
    _refused(await trusted.post("/graphql", json=body))


async def test_an_unknown_hash_is_not_found(trusted) -> None:
    response = await trusted.post("/graphql", json={"extensions": _persisted("0" * 64)})
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_websockets_run_only_trusted_documents(db, demo, settings, tmp_path: Path) -> None:
    manifest = apollo_manifest(tmp_path / "manifest.json", SUBSCRIPTION)
    live, task = await start_live_server(
        db, settings.model_copy(update={"trusted_documents": manifest})
    )
    try:
        async with await GraphQLSocket.open(live.ws_url) as ws:
            refused = await ws.subscribe("subscription { packageChanged(ids: [2]) { slug } }")
            message = await ws.receive()
            assert message["id"] == refused
            assert message["payload"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
    finally:
        live.server.should_exit = True
        await task


def test_a_map_of_hashes_is_a_manifest_too(tmp_path: Path) -> None:
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({sha(TRUSTED): TRUSTED}))
    assert load_manifest(path).allows(TRUSTED)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (None, "cannot read"),
        ("{", "not JSON"),
        ("[]", "expected an Apollo"),
        ("{}", "no documents"),
        (json.dumps({"0" * 64: TRUSTED}), "is not the SHA-256"),
        (json.dumps({sha("{"): "{"}), "does not parse"),
    ],
)
def test_a_bad_manifest_is_refused_with_its_reason(
    tmp_path: Path, content: str | None, complaint: str
) -> None:
    path = tmp_path / "manifest.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ManifestError, match=complaint):
        load_manifest(path)

"""Trusted documents: with TRUSTED_DOCUMENTS set, only the documents of a manifest run.

The safe mode for first-party frontends: their documents are known at build time, so the
server need not accept any other (no cost to estimate, no fragment bomb to measure). The
manifest is what the frontend's build writes: Apollo's persisted-query manifest
(`{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id",
"body", ...}]}`) or a plain map of SHA-256 to document (GraphQL Code Generator's
`persisted-documents.json`). Each id must be its body's SHA-256, the hash clients send.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from graphql import GraphQLError, GraphQLSyntaxError, parse

DOCUMENT_NOT_TRUSTED = "DOCUMENT_NOT_TRUSTED"


class ManifestError(ValueError):
    """The manifest cannot be used; the message says why and where."""


@dataclass(frozen=True)
class TrustedManifest:
    by_hash: dict[str, str]
    texts: frozenset[str]

    def allows(self, text: str) -> bool:
        return text in self.texts


def _entries(data: Any, path: Path) -> list[tuple[str, Any]]:
    if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
        operations = data.get("operations")
        if not isinstance(operations, list):
            raise ManifestError(f"{path}: `operations` must be a list")
        return [(str(op.get("id")), op.get("body")) for op in operations if isinstance(op, dict)]
    if isinstance(data, dict):
        return [(str(key).removeprefix("sha256:"), value) for key, value in data.items()]
    raise ManifestError(f"{path}: expected an Apollo persisted-query manifest or a map of hashes")


@functools.cache
def load_manifest(path: Path) -> TrustedManifest:
    """Read and check the manifest once per process (ManifestError: unusable)."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as error:
        raise ManifestError(f"{path}: cannot read the trusted documents ({error})") from None
    except orjson.JSONDecodeError as error:
        raise ManifestError(f"{path}: not JSON ({error})") from None
    by_hash: dict[str, str] = {}
    for sha256, body in _entries(data, path):
        if not isinstance(body, str):
            raise ManifestError(f"{path}: the document of {sha256} is not a string")
        if hashlib.sha256(body.encode()).hexdigest() != sha256.lower():
            raise ManifestError(f"{path}: {sha256} is not the SHA-256 of its document")
        try:
            parse(body)
        except GraphQLSyntaxError as error:
            raise ManifestError(f"{path}: the document {sha256} does not parse: {error}") from None
        by_hash[sha256.lower()] = body
    if not by_hash:
        raise ManifestError(f"{path}: no documents: every request would be refused")
    return TrustedManifest(by_hash, frozenset(by_hash.values()))


def untrusted(text: str, settings: Any) -> GraphQLError | None:
    """The refusal of a document outside the settings' manifest (None: allowed, or the
    mode is off)."""
    path = getattr(settings, "trusted_documents", None)
    if path is None or load_manifest(path).allows(text):
        return None
    return GraphQLError(
        "Only trusted documents run on this server: send a document of its manifest, or "
        "its SHA-256 in extensions.persistedQuery.",
        extensions={"code": DOCUMENT_NOT_TRUSTED},
    )

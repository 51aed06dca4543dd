"""tests/fastpath/corpus is what the clients send: `corpus.mjs` captures every document
again from Apollo Client, urql, Graphcache and relay-compiler, and nothing may differ
(after changing a source in node/corpus/, run `node corpus.mjs` in tests/clients/node)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.clients.test_node_clients import CLIENTS, NODE, _missing
from tests.fastpath.corpus_documents import CORPUS

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


def _files(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): path.read_text() for path in root.rglob("*.*")}


def test_the_corpus_is_what_the_clients_send(tmp_path: Path) -> None:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "corpus.mjs", str(tmp_path)],
        cwd=CLIENTS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    captured, committed = _files(tmp_path), _files(CORPUS)
    assert captured.keys() == committed.keys()
    for name, text in captured.items():
        assert text == committed[name], name

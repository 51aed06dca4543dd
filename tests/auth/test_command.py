"""`python -m server token ...`: create shows the token once, list hides secrets, revoke."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from auth import authenticate
from core.db import Database
from core.settings import Settings
from server.commands.cli import main


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tokens.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _authenticates(url: str, token: str) -> bool:
    async def check() -> bool:
        db = Database.from_settings(Settings(database_url=url, _env_file=None))
        try:
            return await authenticate(db, token) is not None
        finally:
            await db.dispose()

    return asyncio.run(check())


def test_create_list_revoke(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "create", "--name", "ci", "--scope", "write"]) == 0
    created = capsys.readouterr()
    token = created.out.strip()
    assert token.startswith("dpg_") and "\n" not in token
    assert "will not be shown again" in created.err
    assert _authenticates(database_url, token)

    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "ci" in listing and "write" in listing
    assert token.split("_", 2)[2] not in listing

    assert main(["token", "revoke", "ci"]) == 0
    assert "Revoked the token 'ci'" in capsys.readouterr().out
    assert not _authenticates(database_url, token)


def test_errors_are_one_line(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "revoke", "ghost"]) == 2
    assert capsys.readouterr().err == "dpgraph: no token named 'ghost'\n"
    assert main(["token", "create", "--name", "a", "--scope", "write"]) == 0
    assert main(["token", "create", "--name", "a", "--scope", "admin"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_an_unknown_scope_is_refused(database_url: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["token", "create", "--name", "x", "--scope", "root"])
    assert exited.value.code == 2

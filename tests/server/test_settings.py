"""Settings: database URLs are made async, bad ones refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core.settings import Settings


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_urls_get_async_drivers(given: str, expected: str) -> None:
    assert Settings(database_url=given, _env_file=None).database_url == expected


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+psycopg://u@h/db"])
def test_unsupported_database_is_refused(url: str) -> None:
    """psycopg too: the compiled path runs its statements on asyncpg's connection."""
    with pytest.raises(ValidationError, match="use postgresql://user@host/db"):
        Settings(database_url=url, _env_file=None)


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://mirror.example/")
    settings = Settings(_env_file=None)
    assert settings.port == 9001
    assert settings.public_base_url == "https://mirror.example"


@pytest.mark.parametrize("bad", ["-1", "many"])
def test_demo_synthetic_packages_must_be_a_count(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("DEMO_SYNTHETIC_PACKAGES", bad)
    with pytest.raises(ValidationError, match="demo_synthetic_packages"):
        Settings(_env_file=None)


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(" `") for line in table.splitlines() if line.startswith("| `")}
    assert {name.upper() for name in Settings.model_fields} <= rows

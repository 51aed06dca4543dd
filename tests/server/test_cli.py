"""The command line: export-schema, and clear failures for bad configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from execution import build_schema
from server.commands.cli import main


def test_export_schema_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    assert main(["export-schema", "--output", str(target)]) == 0
    assert target.read_text() == build_schema().as_str() + "\n"


def test_export_schema_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-schema", "--output", "-"]) == 0
    assert "type Package" in capsys.readouterr().out


def test_bad_database_url_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    assert main(["export-schema", "--output", "-"]) == 2
    error = capsys.readouterr().err
    assert "invalid configuration" in error and "mysql://root@localhost/x" in error
    assert "Traceback" not in error

"""`python -m server generate`: exit codes, messages and the summary."""

from __future__ import annotations

import pytest

from server.commands.cli import build_parser, main
from synthetic.command import format_summary
from synthetic.load import Summary


@pytest.fixture
def cli_database(db, settings, monkeypatch):
    """Point the CLI's own settings (read from the environment) at the test database."""
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return db


def test_generate_then_refuse_then_replace(cli_database, capsys):
    assert main(["generate", "--packages", "20", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "synthetic catalogue: 20 packages, seed 4" in out
    assert "package " in out and "total" in out

    assert main(["generate", "--packages", "20"]) == 2
    assert "synthetic data is already present" in capsys.readouterr().err

    assert main(["generate", "--packages", "10", "--replace"]) == 0
    assert "replaced" in capsys.readouterr().out


def test_packages_must_be_positive(capsys):
    assert main(["generate", "--packages", "0"]) == 2
    assert "--packages must be at least 1, not 0" in capsys.readouterr().err


def test_packages_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["generate"])
    assert exit_info.value.code == 2
    assert "--packages" in capsys.readouterr().err


def test_summary_lists_every_table():
    from synthetic import plan_for

    summary = Summary(plan=plan_for(5), seconds=1.25)
    summary.inserted["package"] = 5
    text = format_summary(summary)
    assert "package" in text and "element" in text
    assert "5 rows in 1.2 s" in text or "5 rows in 1.3 s" in text

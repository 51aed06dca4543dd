"""The differential check fails on a wrong compiled answer, and CI turns it on by the name
the settings read, so every server process it starts compares too (issue 24: `.ci/run`
exported a name only the test process translated)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import fastpath
from core.settings import Settings
from schema.context import Context

ROOT = Path(__file__).resolve().parents[2]
QUERY = "{ packages(first: 2) { nodes { slug title } } }"


def _tampered(real: Any) -> Any:
    """run_plan, with the first package's title changed in its answer."""

    async def run(*args: Any, **kwargs: Any) -> Any:
        data = await real(*args, **kwargs)
        data["packages"]["nodes"][0]["title"] += " (wrong)"
        return data

    return run


async def test_a_wrong_compiled_answer_fails_the_check(catalogue, checked_execute, monkeypatch):
    assert (await checked_execute(QUERY)).errors is None  # right answers pass
    monkeypatch.setattr(fastpath, "run_plan", _tampered(fastpath.run_plan))  # type: ignore[attr-defined]
    with pytest.raises(AssertionError, match="compiled and reference differ") as failure:
        await checked_execute(QUERY)
    assert "(wrong)" in str(failure.value)


async def test_without_the_check_the_wrong_answer_would_be_served(
    catalogue, settings, graphql_schema, monkeypatch
):
    """The tampering above is what a compiler bug looks like to a client: proof the check,
    not something else, caught it."""
    unchecked = settings.model_copy(update={"compiled_differential": False})
    monkeypatch.setattr(fastpath, "run_plan", _tampered(fastpath.run_plan))  # type: ignore[attr-defined]
    context = Context.create(db=catalogue, settings=unchecked)
    result = await graphql_schema.execute(QUERY, context_value=context)
    assert result.errors is None
    assert result.data["packages"]["nodes"][0]["title"].endswith(" (wrong)")


def test_ci_turns_the_check_on_by_the_settings_own_name(monkeypatch):
    exported = re.findall(r"^export (\w+)=1$", (ROOT / ".ci/run").read_text(), re.MULTILINE)
    assert "COMPILED_DIFFERENTIAL" in exported
    monkeypatch.setenv("COMPILED_DIFFERENTIAL", "1")
    assert Settings(_env_file=None).compiled_differential  # what a server process reads

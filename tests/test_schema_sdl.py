"""schema.graphql is the reviewed contract: it must match the code exactly."""

from __future__ import annotations

from pathlib import Path

from execution import build_schema

SDL_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_sdl_matches_the_code() -> None:
    current = build_schema().as_str() + "\n"
    assert SDL_FILE.read_text(encoding="utf-8") == current, (
        "schema.graphql is out of date: run `scripts/dpgraph export-schema` and review the diff"
    )

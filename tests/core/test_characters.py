"""Control characters and lengths: one rule for every text input."""

from __future__ import annotations

import pytest

from core.characters import refused_character, text_problem


@pytest.mark.parametrize(
    "text", ["a\x00b", "esc\x1b[31m", "tab\there", "line\nbreak", "\x7f", "\x85"]
)
def test_a_one_line_value_holds_no_control_character(text: str) -> None:
    assert refused_character(text) is not None


@pytest.mark.parametrize("text", ["tab\there", "two\nlines\r\n", "ünïcödé ✓"])
def test_free_text_keeps_tabs_and_line_breaks(text: str) -> None:
    assert refused_character(text, one_line=False) is None


@pytest.mark.parametrize("text", ["nul\x00", "esc\x1b", "bell\x07", "del\x7f"])
def test_free_text_holds_no_other_control_character(text: str) -> None:
    assert refused_character(text, one_line=False) is not None


def test_the_problem_names_the_character_and_never_repeats_the_text() -> None:
    assert text_problem("a\x00b", max_length=10) == "holds the control character U+0000"
    problem = text_problem("x" * 50_010, max_length=200)
    assert problem == "is 50,010 characters long; at most 200 are accepted"
    assert text_problem("django-shop", max_length=200) is None

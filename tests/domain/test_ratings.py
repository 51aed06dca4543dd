from __future__ import annotations

import pytest

from domain.ratings import Rating, Sign, parse_rating

POS, NEG = Sign.POSITIVE, Sign.NEGATIVE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", Rating(POS, 1, None)),
        ("  Check ", Rating(POS, 1, None)),
        ("good", Rating(POS, 1, None)),
        ("+", Rating(POS, 1, None)),
        ("+1", Rating(POS, 1, None)),
        ("++", Rating(POS, 2, None)),
        ("+2", Rating(POS, 2, None)),
        ("+++", Rating(POS, 3, None)),
        ("+3", Rating(POS, 3, None)),
        ("+10", Rating(POS, 3, None)),
        ("++++++", Rating(POS, 3, None)),
        ("no", Rating(NEG, 1, None)),
        ("bad", Rating(NEG, 1, None)),
        ("negative", Rating(NEG, 1, None)),
        ("evil", Rating(NEG, 1, None)),
        ("Sucks", Rating(NEG, 1, None)),
        ("-", Rating(NEG, 1, None)),
        ("-1", Rating(NEG, 1, None)),
        ("--", Rating(NEG, 2, None)),
        ("-2", Rating(NEG, 2, None)),
        ("---", Rating(NEG, 3, None)),
        ("-7", Rating(NEG, 3, None)),
        ("+1 works with DRF", Rating(POS, 1, "works with DRF")),
        ("yes, since 2.0", Rating(POS, 1, "since 2.0")),
        ("no - only PostgreSQL", Rating(NEG, 1, "only PostgreSQL")),
        ("++ great docs", Rating(POS, 2, "great docs")),
    ],
)
def test_ratings(text: str, expected: Rating) -> None:
    assert parse_rating(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "MIT", "notes apply", "goodbye", "yesterday", "-foo", "+x", "2.0+", "+0"]
)
def test_plain_text_has_no_rating(text: str) -> None:
    assert parse_rating(text) is None

"""Ids and times that no column holds are known before SQL sees them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.bounds import id_in_range, time_in_range


@pytest.mark.parametrize(
    ("value", "fits"),
    [(1, True), (2**31 - 1, True), (2**31, False), (2**63, False), (-(2**31) - 1, False)],
)
def test_ids_fit_a_32_bit_integer_column(value: int, fits: bool) -> None:
    assert id_in_range(value) is fits


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        (datetime(2024, 5, 1, tzinfo=UTC), True),
        (datetime(2024, 5, 1, tzinfo=timezone(timedelta(hours=-5))), True),
        (datetime(2024, 5, 1), False),  # naive
        (datetime(1, 1, 1, tzinfo=UTC), False),
        (datetime(9999, 12, 31, tzinfo=UTC), False),
    ],
)
def test_times_are_aware_and_within_sane_years(value: datetime, fits: bool) -> None:
    assert time_in_range(value) is fits

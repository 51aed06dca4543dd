"""Eastern offsets follow the US daylight-saving rule without the host's tz database."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from synthetic.stamps import between, columns, eastern


def test_offsets_switch_on_the_second_sunday_of_march_and_first_of_november():
    assert eastern(datetime(2025, 3, 9, 6, 59, tzinfo=UTC)).isoformat().endswith("-05:00")
    assert eastern(datetime(2025, 3, 9, 7, 0, tzinfo=UTC)).isoformat().endswith("-04:00")
    assert eastern(datetime(2025, 11, 2, 5, 59, tzinfo=UTC)).isoformat().endswith("-04:00")
    assert eastern(datetime(2025, 11, 2, 6, 0, tzinfo=UTC)).isoformat().endswith("-05:00")


def test_a_stamp_is_two_columns():
    stamp = eastern(datetime(2012, 8, 13, 16, 13, 58, 949977, tzinfo=UTC))
    assert stamp.isoformat() == "2012-08-13T12:13:58.949977-04:00"
    assert columns("created", stamp) == {"created": stamp, "created_offset": -240}
    assert columns("created", None) == {"created": None, "created_offset": None}


def test_between_stays_in_range_and_can_drop_microseconds():
    rng = random.Random(1)
    start, end = datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC)
    for _ in range(100):
        stamp = between(rng, start, end, micro=False)
        assert start <= stamp <= end
        assert stamp.microsecond == 0

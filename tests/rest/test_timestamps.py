"""Timestamp formats: DRF's for v4, Django's JSON encoder's for v3."""

from __future__ import annotations

from datetime import UTC, datetime

from rest.timestamps import django_json, drf

INSTANT = datetime(2012, 8, 13, 16, 13, 58, 949977, tzinfo=UTC)


def test_drf_writes_the_stored_offset_and_all_microseconds():
    assert drf(INSTANT, -240) == "2012-08-13T12:13:58.949977-04:00"


def test_drf_omits_zero_microseconds_and_writes_utc_as_z():
    assert drf(INSTANT.replace(microsecond=0), 0) == "2012-08-13T16:13:58Z"
    assert drf(INSTANT, None) == "2012-08-13T16:13:58.949977Z"


def test_drf_reads_a_naive_instant_as_utc():
    assert drf(INSTANT.replace(tzinfo=None), 60) == "2012-08-13T17:13:58.949977+01:00"


def test_django_json_writes_utc_milliseconds():
    assert django_json(INSTANT) == "2012-08-13T16:13:58.949Z"
    assert django_json(INSTANT.replace(microsecond=0)) == "2012-08-13T16:13:58Z"


def test_missing_timestamps_stay_null():
    assert drf(None, -300) is None
    assert django_json(None) is None

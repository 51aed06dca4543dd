"""benchmarks/run.py's rounds, from hand-built results: how the slices of several rounds
become one row and one ratio (nothing is loaded or timed here)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.run import Counts, Result, Rounds, combine, order, parse_arguments, table
from benchmarks.server_metrics import Tail, summed
from benchmarks.workloads import Workload


def result(requests: int, seconds: float = 1.0, **fields: Any) -> Result:
    values: dict[str, Any] = {
        "p50_ms": 1.0,
        "p99_ms": 2.0,
        "errors": 0,
        "peak_rss_mib": 100.0,
        "cpu_percent": 90.0,
    }
    return Result(requests=requests, seconds=seconds, **(values | fields))


def waits(gc_pauses: int, gc_ms: float, pool_waits: int, pool_wait_ms: float) -> Tail:
    return Tail(gc_pauses, gc_ms, 0, pool_waits, pool_wait_ms, 0, 1)


def test_combined_rate_is_the_requests_over_the_seconds_of_all_slices() -> None:
    one = combine([result(100, 1.0), result(500, 2.0), result(0, 1.0)])
    assert (one.requests, one.seconds) == (600, 4.0)
    assert one.rate == 150.0  # not the mean of 100, 250 and 0


def test_combined_percentiles_are_the_median_slice_and_the_rest_max_mean_and_sum() -> None:
    one = combine(
        [
            result(10, p50_ms=1.0, p99_ms=9.0, errors=1, peak_rss_mib=100.0, cpu_percent=80.0),
            result(10, p50_ms=3.0, p99_ms=5.0, errors=0, peak_rss_mib=None, cpu_percent=90.0),
            result(10, p50_ms=2.0, p99_ms=7.0, errors=2, peak_rss_mib=120.0, cpu_percent=100.0),
            result(0, p50_ms=None, p99_ms=None, errors=0, peak_rss_mib=110.0, cpu_percent=0.0),
        ]
    )
    assert (one.p50_ms, one.p99_ms) == (2.0, 7.0)  # a slice with no request has none
    assert one.errors == 3
    assert one.peak_rss_mib == 120.0
    assert one.cpu_percent == 67.5


def test_one_slice_is_its_own_row() -> None:
    only = result(42, 1.5, tail=waits(1, 2.0, 3, 4.0))
    assert combine([only]) is only


def test_waits_are_summed_over_the_slices_that_have_them() -> None:
    one = combine(
        [
            result(100, tail=waits(2, 10.0, 4, 8.0)),
            result(300, tail=waits(1, 30.0, 6, 2.0)),
        ]
    )
    assert one.tail == Tail(3, 40.0, 0, 10, 10.0, 0, 2)
    assert one.tail.row(one.requests).startswith("| 3 | 40 | 0 | 0.10 | 1.00 |")
    assert summed([None, None]) is None
    assert summed([None, waits(1, 1.0, 1, 1.0)]) == waits(1, 1.0, 1, 1.0)


def rounds(ours: list[int], floor: list[int]) -> Rounds:
    return Rounds([result(n) for n in ours], [result(n) for n in floor])


def test_the_ratio_is_the_median_round_and_the_spread_its_extremes() -> None:
    # Summed rates would give 2,200 / 1,300 = 1.69: the odd round would carry it.
    measured = rounds([100, 1_800, 300], [200, 900, 200])
    assert measured.ratios() == [0.5, 2.0, 1.5]
    assert measured.ratio() == 1.5
    assert measured.spread() == (0.5, 2.0)


def test_an_even_number_of_rounds_takes_the_middle_two() -> None:
    assert rounds([100, 200, 300, 400], [100, 100, 100, 100]).ratio() == 2.5


def test_a_round_the_floor_answered_nothing_in_has_no_ratio() -> None:
    measured = rounds([100, 100, 300], [0, 200, 100])
    assert measured.ratios() == [0.5, 3.0]
    assert measured.spread() == (0.5, 3.0)
    nothing = rounds([100], [0])
    assert (nothing.ratio(), nothing.spread()) == (None, None)


def test_rounds_alternate_which_server_goes_first() -> None:
    firsts = [order(number, "graphql", "floor") for number in range(4)]
    assert firsts == [("graphql", "floor"), ("floor", "graphql")] * 2


W1 = Workload("W1", "one package", "query W1 { __typename }")
W1C = Workload("W1C", "one package, client-shaped", "query W1C { __typename }")
COUNTS = {name: (Counts(1, 1), Counts(1, 1)) for name in ("W1", "W1C")}


def test_one_round_prints_the_table_it_always_did() -> None:
    printed = table([W1], {"W1": rounds([500], [1_000])}, COUNTS)
    assert "ratio min-max" not in printed
    assert printed.splitlines()[2:] == [
        "| W1 | graphql | 500.0 | 1.0 | 2.0 | 500 | 0 | 100 | 90 | 1 | 1 | 0.500 |",
        "| W1 | floor | 1,000.0 | 1.0 | 2.0 | 1,000 | 0 | 100 | 90 | 1 | 1 |  |",
    ]


def test_rounds_add_the_spread_and_combine_the_client_shaped_line() -> None:
    tail = waits(1, 5.0, 2, 1.0)
    results = {
        "W1": Rounds([result(400, tail=tail), result(600, tail=tail)], [result(800)] * 2),
        "W1C": Rounds([result(200), result(300)], [result(1_000), result(500)]),
    }
    printed = table([W1, W1C], results, COUNTS).splitlines()
    assert printed[0].endswith("| ours/floor req/s | ratio min-max |")
    assert printed[1].count("|") == printed[0].count("|")
    assert printed[2] == (
        "| W1 | graphql | 500.0 | 1.0 | 2.0 | 1,000 | 0 | 100 | 90 | 1 | 1 | 0.625 | 0.500-0.750 |"
    )
    assert printed[3].endswith("| 1,600 | 0 | 100 | 90 | 1 | 1 |  |  |")
    assert printed[4].endswith("| 0.400 | 0.200-0.600 |")
    assert "W1C: 0.50 of W1's req/s (client-shaped over plain, all slices)" in printed
    assert "Where the GraphQL server waited during its slices, summed (its /metrics):" in printed
    assert printed[-1].startswith("| W1 | 2 | 10 |")


def test_rounds_must_be_positive() -> None:
    assert parse_arguments([]).rounds == 1
    assert parse_arguments(["--rounds", "5"]).rounds == 5
    with pytest.raises(SystemExit):
        parse_arguments(["--rounds", "0"])

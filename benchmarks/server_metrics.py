"""Where a run's tail comes from, read from the server's own `/metrics` before and after
it: garbage-collector pauses, waits for a database connection, connections opened."""

from __future__ import annotations

from dataclasses import dataclass, fields

import httpx
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(graphql_url: str) -> Samples:
    """Every sample of the server's `/metrics`, or nothing when it has none (the floor)."""
    url = graphql_url.rsplit("/", 1)[0] + "/metrics"
    try:
        response = httpx.get(url, timeout=10)
    except httpx.HTTPError:
        return {}
    if response.status_code != 200:
        return {}
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


@dataclass(frozen=True)
class Tail:
    """What the server spent waiting during one run."""

    gc_pauses: int
    gc_ms: float
    gc_over_10ms: int
    pool_waits: int
    pool_wait_ms: float
    pool_waits_over_10ms: int
    connections_opened: int

    def row(self, requests: int) -> str:
        per_request = self.gc_ms / requests if requests else 0.0
        return (
            f"| {self.gc_pauses:,} | {self.gc_ms:,.0f} | {self.gc_over_10ms:,} | {per_request:.2f} "
            f"| {self.pool_wait_ms / max(self.pool_waits, 1):.2f} | {self.pool_waits_over_10ms:,} "
            f"| {self.connections_opened:,} |"
        )


def summed(tails: list[Tail | None]) -> Tail | None:
    """The waits of several runs added up (every field is a count or a total), so the row's
    per-request and per-wait figures are over all of them; None when no run had /metrics."""
    present = [one for one in tails if one is not None]
    if not present:
        return None
    totals = {f.name: sum(getattr(one, f.name) for one in present) for f in fields(Tail)}
    return Tail(**totals)


HEADER = (
    "| workload | GC pauses | GC ms | GC pauses >10 ms | GC ms/req | pool wait ms/wait "
    "| pool waits >10 ms | connections opened |\n|---|--:|--:|--:|--:|--:|--:|--:|"
)


def _sum(samples: Samples, name: str, **match: str) -> float:
    return sum(
        value
        for (sample, labels), value in samples.items()
        if sample == name and all(dict(labels).get(k) == v for k, v in match.items())
    )


def _over(samples: Samples, name: str, bound: str) -> float:
    """Observations above `bound` seconds: the count less the bucket at `bound`."""
    return _sum(samples, f"{name}_count") - _sum(samples, f"{name}_bucket", le=bound)


def tail(before: Samples, after: Samples) -> Tail | None:
    if not after:
        return None

    def delta(read: float, was: float) -> float:
        return read - was

    gc, pool = "dpgraph_gc_pause_seconds", "dpgraph_db_pool_wait_seconds"
    opened = "dpgraph_db_connections_opened_total"
    return Tail(
        gc_pauses=int(delta(_sum(after, f"{gc}_count"), _sum(before, f"{gc}_count"))),
        gc_ms=1000 * delta(_sum(after, f"{gc}_sum"), _sum(before, f"{gc}_sum")),
        gc_over_10ms=int(delta(_over(after, gc, "0.01"), _over(before, gc, "0.01"))),
        pool_waits=int(delta(_sum(after, f"{pool}_count"), _sum(before, f"{pool}_count"))),
        pool_wait_ms=1000 * delta(_sum(after, f"{pool}_sum"), _sum(before, f"{pool}_sum")),
        pool_waits_over_10ms=int(delta(_over(after, pool, "0.01"), _over(before, pool, "0.01"))),
        connections_opened=int(delta(_sum(after, opened), _sum(before, opened))),
    )

"""What an import did, per type: created, updated, unchanged, failed, and placeholders
(rows a package named that no source delivered); and what it skipped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich import box
from rich.console import Console
from rich.table import Table

from importer.items import WRITE_ORDER, Kind
from writes import Outcome

# A record met twice in one run (a grid written, then its members) counts once, as its
# strongest outcome.
_STRENGTH = {Outcome.UNCHANGED: 0, Outcome.UPDATED: 1, Outcome.CREATED: 2}
SHOWN_PROBLEMS = 20
PLACEHOLDERS = "placeholders"


@dataclass(frozen=True)
class Failure:
    """A record skipped (never half-written): where it is and what is wrong with it."""

    kind: Kind | None
    position: str
    message: str

    def __str__(self) -> str:
        return f"{self.position}: {self.message}"


@dataclass
class Summary:
    outcomes: dict[tuple[Kind, int], Outcome] = field(default_factory=dict)
    placeholders: set[tuple[Kind, int]] = field(default_factory=set)
    """Grids and categories created from a package's reference alone (an id, no title):
    counted apart from `created`, and promoted to created when their record follows."""
    failures: list[Failure] = field(default_factory=list)
    source_errors: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    def record(self, kind: Kind, record_id: int, outcome: Outcome) -> None:
        key = (kind, record_id)
        if key in self.placeholders:  # made from a reference in this run, now fetched
            self.placeholders.discard(key)
            outcome = Outcome.CREATED
        previous = self.outcomes.get(key)
        if previous is None or _STRENGTH[outcome] > _STRENGTH[previous]:
            self.outcomes[key] = outcome

    def record_placeholder(self, kind: Kind, record_id: int) -> None:
        self.placeholders.add((kind, record_id))

    def counts(self, kind: Kind) -> Counter[str]:
        counts = Counter(outcome.value for (k, _), outcome in self.outcomes.items() if k is kind)
        counts["failed"] = sum(1 for failure in self.failures if failure.kind is kind)
        counts[PLACEHOLDERS] = sum(1 for k, _ in self.placeholders if k is kind)
        return counts

    @property
    def unrecognised(self) -> int:
        return sum(1 for failure in self.failures if failure.kind is None)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.source_errors


def table(summary: Summary) -> Table:
    columns = ("created", "updated", "unchanged", "failed", PLACEHOLDERS)
    grid = Table(box=box.SIMPLE_HEAD, title="dpgraph import", title_justify="left")
    grid.add_column("type")
    for column in columns:
        grid.add_column(column, justify="right")
    for kind in WRITE_ORDER:
        counts = summary.counts(kind)
        grid.add_row(kind.value, *(str(counts[column]) for column in columns))
    if summary.unrecognised:
        grid.add_row("unrecognised", "-", "-", "-", str(summary.unrecognised), "-")
    return grid


def report(summary: Summary, console: Console) -> None:
    """The table, then what was skipped and why, one line each."""
    console.print(table(summary))
    unchanged = sum(1 for outcome in summary.outcomes.values() if outcome is Outcome.UNCHANGED)
    if unchanged:
        console.print(f"{unchanged} records were already up to date: nothing written for them.")
    if summary.placeholders:
        console.print(
            f"{len(summary.placeholders)} grids or categories are known only by the id a "
            "package gives (isFetched: false, no title): lists leave them out until an "
            "import fetches them.",
            highlight=False,
        )
    _lines(console, "skipped records", [str(failure) for failure in summary.failures])
    _lines(console, "unread sources", summary.source_errors)
    fetched = f", {summary.requests} HTTP requests" if summary.requests else ""
    console.print(f"done in {summary.seconds:.1f} s{fetched}.", highlight=False)


def _lines(console: Console, title: str, lines: list[str]) -> None:
    if not lines:
        return
    console.print(f"{title} ({len(lines)}):", highlight=False)
    for line in lines[:SHOWN_PROBLEMS]:
        console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    if len(lines) > SHOWN_PROBLEMS:
        console.print(f"  ... and {len(lines) - SHOWN_PROBLEMS} more (see the log above)")

"""Which path answered each request, so a silent fallback cannot pass for speed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outcome:
    query: str
    operation_name: str | None
    compiled: bool
    reason: str = ""  # why the reference answered


@dataclass
class Recorder:
    compiled: int = 0
    reference: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    """How many reference answers each reason gave (the test suite's summary prints them)."""
    _logs: list[list[Outcome]] = field(default_factory=list)

    def record(self, outcome: Outcome) -> None:
        if outcome.compiled:
            self.compiled += 1
        else:
            self.reference += 1
            self.reasons[outcome.reason] += 1
        for log in self._logs:
            log.append(outcome)

    @contextmanager
    def listening(self) -> Iterator[list[Outcome]]:
        """`with RECORDER.listening() as outcomes:` collects the outcomes of the block."""
        log: list[Outcome] = []
        self._logs.append(log)
        try:
            yield log
        finally:
            self._logs.remove(log)


RECORDER = Recorder()

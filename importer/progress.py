"""Progress: a live bar on a terminal, plain log lines in CI logs and pipes."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

logger = logging.getLogger("dpgraph.import")


class Reporter(Protocol):
    """Phases are `categories`, `grids`, `packages`, `memberships`; totals may grow."""

    def expect(self, phase: str, count: int) -> None: ...

    def advance(self, phase: str, count: int) -> None: ...


class LogReporter:
    """One log line per batch written: readable in a CI log, greppable afterwards."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def __enter__(self) -> LogReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def expect(self, phase: str, count: int) -> None:
        self.totals[phase] = self.totals.get(phase, 0) + count

    def advance(self, phase: str, count: int) -> None:
        if not count:
            return
        self.done[phase] = self.done.get(phase, 0) + count
        total = self.totals.get(phase)
        of = f" of {total}" if total else ""
        logger.info("%s: %d%s done", phase, self.done[phase], of)


class BarReporter:
    """Rich bars on stderr; log records go through the same console, above the bars."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._bars = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._totals: dict[str, int] = {}
        self._handlers: list[logging.Handler] = []

    def __enter__(self) -> BarReporter:
        root = logging.getLogger()
        self._handlers = list(root.handlers)
        for handler in self._handlers:
            root.removeHandler(handler)
        root.addHandler(RichHandler(console=self.console, show_path=False, markup=False))
        self._bars.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._bars.stop()
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in self._handlers:
            root.addHandler(handler)

    def _task(self, phase: str) -> TaskID:
        if phase not in self._tasks:
            self._tasks[phase] = self._bars.add_task(phase, total=None)
        return self._tasks[phase]

    def expect(self, phase: str, count: int) -> None:
        self._totals[phase] = self._totals.get(phase, 0) + count
        self._bars.update(self._task(phase), total=self._totals[phase])

    def advance(self, phase: str, count: int) -> None:
        self._bars.advance(self._task(phase), count)


class SilentReporter:
    def expect(self, phase: str, count: int) -> None:
        return None

    def advance(self, phase: str, count: int) -> None:
        return None

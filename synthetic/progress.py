"""Progress for a long load: a rich bar on a terminal, plain log lines anywhere else
(CI logs and pipes would otherwise fill with redraw sequences)."""

from __future__ import annotations

import logging
from typing import IO, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn

logger = logging.getLogger("dpgraph.synthetic")


class Reporter(Protocol):
    """What the loader tells whoever watches: phases with totals, steps, and notes."""

    def start(self, phase: str, total: int) -> None: ...

    def advance(self, phase: str, units: int) -> None: ...

    def note(self, message: str) -> None: ...

    def close(self) -> None: ...


class SilentReporter:
    """For tests and the benchmark: nothing at all."""

    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, phase: str, units: int) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def close(self) -> None:
        pass


class LogReporter:
    """One log line per chunk: `generate packages: 4000/50000`."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def start(self, phase: str, total: int) -> None:
        self.totals[phase] = total
        self.done[phase] = 0

    def advance(self, phase: str, units: int) -> None:
        self.done[phase] += units
        logger.info("generate %s: %d/%d", phase, self.done[phase], self.totals[phase])

    def note(self, message: str) -> None:
        logger.info("generate: %s", message)

    def close(self) -> None:
        pass


class RichReporter:
    """One bar per phase, drawn on stderr so stdout keeps only the summary."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self.tasks: dict[str, TaskID] = {}
        self.progress.start()

    def start(self, phase: str, total: int) -> None:
        self.tasks[phase] = self.progress.add_task(phase, total=total)

    def advance(self, phase: str, units: int) -> None:
        self.progress.advance(self.tasks[phase], units)

    def note(self, message: str) -> None:
        self.progress.console.print(message)

    def close(self) -> None:
        self.progress.stop()


def reporter_for(stream: IO[str]) -> Reporter:
    """A bar when a person watches `stream`, log lines otherwise."""
    if stream.isatty():
        return RichReporter(Console(file=stream))
    return LogReporter()

"""Progress: log lines when nobody watches a terminal, a rich bar when someone does."""

from __future__ import annotations

import io
import logging

from rich.console import Console

from synthetic.progress import LogReporter, RichReporter, reporter_for


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_pipes_get_plain_log_lines(caplog):
    reporter = reporter_for(io.StringIO())
    assert isinstance(reporter, LogReporter)
    with caplog.at_level(logging.INFO, logger="dpgraph.synthetic"):
        reporter.start("packages", 3000)
        reporter.advance("packages", 1000)
        reporter.note("deleting 5 earlier synthetic packages")
    assert caplog.messages == [
        "generate packages: 1000/3000",
        "generate: deleting 5 earlier synthetic packages",
    ]


def test_terminals_get_a_bar():
    terminal = FakeTerminal()
    chosen = reporter_for(terminal)
    chosen.close()
    assert isinstance(chosen, RichReporter)
    reporter = RichReporter(Console(file=terminal, force_terminal=True, width=80))
    reporter.start("grids", 10)
    reporter.advance("grids", 10)
    reporter.close()
    assert "grids" in terminal.getvalue()
    assert "10/10" in terminal.getvalue()

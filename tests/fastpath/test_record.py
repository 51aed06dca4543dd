"""The recorder counts each path and each reason the reference answered for: the run's
summary prints them, so a shape that silently falls back shows up by name."""

from __future__ import annotations

from fastpath.record import Outcome, Recorder


def test_reference_answers_are_counted_by_reason() -> None:
    recorder = Recorder()
    with recorder.listening() as outcomes:
        recorder.record(Outcome("{ a }", None, compiled=True))
        recorder.record(Outcome("{ node }", None, compiled=False, reason="Query.node"))
        recorder.record(Outcome("{ node }", "N", compiled=False, reason="Query.node"))
        recorder.record(Outcome("{ search }", None, compiled=False, reason="Query.search"))
    assert (recorder.compiled, recorder.reference) == (1, 3)
    assert recorder.reasons.most_common() == [("Query.node", 2), ("Query.search", 1)]
    assert len(outcomes) == 4

"""Members of a cohort that follow the same objects share one flock (one entry per object
and one changed-only baseline, `server.websocket.cohort.Flock`) only while their
baselines are equal; each still hears exactly what a stream of its own would send it.

The cohort is driven here as its stream drives it (`schema.subscriptions.cohort_follow`):
arrivals with their baselines, then batches, so a member can arrive with a baseline its
flock's does not equal (a change that landed while its baseline was read), which a live
server produces only by chance."""

from __future__ import annotations

import asyncio
import contextlib
from types import SimpleNamespace
from typing import Any

import pytest
from strawberry.types.execution import ExecutionResult

from events.hub import Inbox
from schema.subscriptions import emission as emissions
from schema.subscriptions.cohort_follow import Arrivals
from schema.subscriptions.emission import Emission
from schema.subscriptions.sharing import CohortTicket
from server.websocket import cohort as cohort_module
from server.websocket.cohort import Cohort
from server.websocket.fanout import SubscriptionGroups

KEY = ("Package", 1)
TICKET = CohortTicket(
    follows=frozenset({KEY}),
    primes=(KEY,),
    types=frozenset({"Package"}),
    selection_variables="{}",
)


class _Operation:
    def __init__(self, operation_id: str) -> None:
        self.id = operation_id


class _Outbox:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def offer(self, text: str) -> None:
        self.sent.append(text)

    def take(self) -> list[str]:
        sent, self.sent = self.sent, []
        return sent


class _Hub:
    def follow_more(self, inbox: Any, keys: Any) -> None:
        pass

    def follow_less(self, inbox: Any, keys: Any) -> None:
        pass


class _Quiet:
    """A stream that yields nothing by itself: the test hands the cohort its results."""

    context = None

    async def start(self) -> Any:
        async def results() -> Any:
            await asyncio.Event().wait()
            yield  # pragma: no cover

        return results()


def _frame(operation_id: str, title: str, event_id: str) -> str:
    data = '{"data":{"packageChanged":{"title":"' + title + '"}}'
    return (
        '{"id":"'
        + operation_id
        + '","type":"next","payload":'
        + data
        + ',"extensions":{"eventId":"'
        + event_id
        + '"}}}'
    )


class _Driver:
    def __init__(self) -> None:
        self.cohort = Cohort(SubscriptionGroups(), ("document", "cohort"), _Quiet())  # type: ignore[arg-type]
        self.inbox = Inbox(queue=asyncio.Queue(maxsize=4), types=TICKET.types)
        self.cohort.attach(_Hub(), self.inbox)  # type: ignore[arg-type]
        self.outboxes: dict[str, _Outbox] = {}
        self.operations: dict[str, Any] = {}

    def add(self, operation_id: str) -> None:
        operation = _Operation(operation_id)
        outbox = self.outboxes[operation_id] = _Outbox()
        self.operations[operation_id] = operation
        self.cohort.add(operation, outbox, TICKET, None)  # type: ignore[arg-type]

    def arrive(self, title: str, *, force_next: bool = False) -> None:
        """The queued arrivals: their baseline read (sent to nobody), then arrived."""
        arrivals = self.inbox.queue.get_nowait()
        assert isinstance(arrivals, Arrivals)
        self.cohort.aim([arrival.member for arrival in arrivals.members])
        self._result(Emission(KEY, None, prime=True), title)
        self.cohort.aim(None)
        for arrival in arrivals.members:
            self.cohort.arrived(arrival, force_next)

    def batch(self, title: str, event_id: str) -> dict[str, list[str]]:
        """One batch changing the package: what each member was sent."""
        self._result(Emission(KEY, event_id), title)
        event = SimpleNamespace(id=event_id, object=SimpleNamespace(type=KEY[0], id=KEY[1]))
        self.cohort.delivered([event])  # type: ignore[list-item]
        return {name: outbox.take() for name, outbox in self.outboxes.items() if outbox.sent}

    def _result(self, emission: Emission, title: str) -> None:
        emissions._EMISSION.set(emission)  # (as `announce` does, without loaders)
        self.cohort._fan_out(
            ExecutionResult(data={"packageChanged": {"title": title}}, errors=None)
        )

    def flock(self, operation_id: str) -> Any:
        return self.cohort.members[self.operations[operation_id]].flock

    async def close(self) -> None:
        task = self.cohort._task
        for operation in list(self.operations.values()):
            self.cohort.leave(operation)
        task.cancel()  # (the last to leave cancelled it already, if there was one)
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
async def driver() -> Any:
    driver = _Driver()
    yield driver
    await driver.close()


async def test_members_with_equal_baselines_share_a_flock_and_others_keep_their_own(driver):
    driver.add("a")
    driver.add("b")
    driver.arrive("One")
    assert driver.flock("a") is driver.flock("b")
    # "c" arrives having read "Two" while the batch that changed it is still queued: its
    # baseline is not the flock's, so it has one of its own.
    driver.add("c")
    driver.arrive("Two")
    assert driver.flock("c") is not driver.flock("a")
    assert len(driver.cohort._followers[KEY]) == 2
    assert driver.batch("Two", "e1") == {
        "a": [_frame("a", "Two", "e1")],
        "b": [_frame("b", "Two", "e1")],
    }
    assert driver.batch("Two", "e2") == {}  # changed for nobody
    # From equal baselines on, a member arriving joins the last flock of its objects.
    driver.add("d")
    driver.arrive("Two")
    assert driver.flock("d") is driver.flock("c")
    assert driver.batch("Three", "e3") == {
        name: [_frame(name, "Three", "e3")] for name in ("a", "b", "c", "d")
    }


async def test_a_forced_first_batch_stays_the_members_own_in_a_shared_flock(driver):
    driver.add("a")
    driver.arrive("One")
    driver.add("b")
    driver.arrive("One", force_next=True)  # a change was queued while its baseline was read
    assert driver.flock("a") is driver.flock("b")
    assert driver.batch("One", "e1") == {"b": [_frame("b", "One", "e1")]}
    assert driver.batch("One", "e2") == {}  # forced once
    assert driver.batch("Two", "e3") == {name: [_frame(name, "Two", "e3")] for name in "ab"}


async def test_a_member_leaving_its_flock_hears_nothing_more_and_the_last_one_takes_its_entry(
    driver,
):
    for name in "abc":
        driver.add(name)
    driver.arrive("One")
    flock = driver.flock("a")
    driver.cohort.leave(driver.operations.pop("b"))
    assert driver.batch("Two", "e1") == {name: [_frame(name, "Two", "e1")] for name in "ac"}
    driver.cohort.leave(driver.operations.pop("a"))
    assert flock.members == [driver.cohort.members[driver.operations["c"]]]  # the rest let go
    assert driver.batch("Three", "e2") == {"c": [_frame("c", "Three", "e2")]}
    driver.add("d")  # a flock of its own, arriving when "c" is the cohort's last member
    driver.cohort.leave(driver.operations.pop("c"))
    assert KEY not in driver.cohort._followers  # the flock went with its last member
    driver.arrive("Three")
    assert driver.batch("Four", "e3") == {"d": [_frame("d", "Four", "e3")]}


async def test_frames_carry_each_operations_own_id_and_long_ids_are_not_kept(driver):
    """Prefixes are made as frames are sent, one kept per short id; a client's long id
    is used for its frames and let go."""
    long_id = "x" * 100
    driver.add("1")
    driver.add(long_id)
    driver.arrive("One")
    assert driver.batch("Two", "e1") == {
        "1": [_frame("1", "Two", "e1")],
        long_id: [_frame(long_id, "Two", "e1")],
    }
    assert "1" in cohort_module._PREFIXES and long_id not in cohort_module._PREFIXES

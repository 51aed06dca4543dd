"""The gate in front of the pool serves waiters in arrival order and never loses a place."""

from __future__ import annotations

import asyncio

import pytest

from core.fair_gate import FairGate


async def test_a_freed_place_goes_to_the_oldest_waiter_not_to_a_newcomer() -> None:
    gate = FairGate(1)
    order: list[str] = []
    await gate.acquire()  # the place is taken

    async def take(name: str) -> None:
        await gate.acquire()
        order.append(name)
        gate.release()

    waiter = asyncio.create_task(take("waiting"))
    await asyncio.sleep(0)  # it queues
    newcomer = asyncio.create_task(take("newcomer"))  # arrives: due to run before the waiter
    gate.release()  # handed to "waiting", which has not run yet
    await asyncio.gather(waiter, newcomer)
    assert order == ["waiting", "newcomer"]


async def test_an_asyncio_queue_lets_the_newcomer_take_it_first() -> None:
    """What the gate is for: the pool's queue serves the newcomer before the waiter."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    order: list[str] = []

    async def take(name: str) -> None:
        await queue.get()
        order.append(name)

    waiter = asyncio.create_task(take("waiting"))
    await asyncio.sleep(0)
    newcomer = asyncio.create_task(take("newcomer"))
    queue.put_nowait("connection")  # returned: the waiter is woken, the newcomer runs first
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    queue.put_nowait("connection")
    await asyncio.gather(waiter, newcomer)
    assert order == ["newcomer", "waiting"]


async def test_many_waiters_are_served_in_arrival_order() -> None:
    gate = FairGate(3)
    served: list[int] = []

    async def one(number: int) -> None:
        async with gate.place():
            served.append(number)
            await asyncio.sleep(0)

    await asyncio.gather(*(one(number) for number in range(200)))
    assert served == list(range(200))
    assert gate.waiting == 0
    assert gate._free == 3


async def test_a_cancelled_waiter_leaves_the_queue_and_the_places_stay_whole() -> None:
    gate = FairGate(1)
    await gate.acquire()
    cancelled = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert gate.waiting == 0
    gate.release()
    assert gate._free == 1


async def test_a_waiter_cancelled_after_its_place_was_handed_passes_it_on() -> None:
    gate = FairGate(1)
    await gate.acquire()
    first = asyncio.create_task(gate.acquire())
    second = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    gate.release()  # handed to `first`...
    first.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 1)  # the place went on to `second`
    gate.release()
    assert gate._free == 1 and gate.waiting == 0


async def test_a_waiter_cancelled_and_dropped_by_a_release_before_it_runs_stays_cancelled() -> None:
    """The waiter is cancelled, then a `release` drops its cancelled future from the queue
    before its task runs: the task must still end cancelled (it raised ValueError, which the
    compiled path took for a failed plan and answered a gone client through Strawberry)."""
    gate = FairGate(1)
    await gate.acquire()
    cancelled = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)  # it queues
    cancelled.cancel()  # its future is cancelled; the task has not run yet
    gate.release()  # drops the cancelled future, frees the place
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert gate.waiting == 0 and gate._free == 1
    async with gate.place():  # the place is whole
        assert gate._free == 0


async def test_has_waiters_counts_only_a_waiter_a_release_would_serve() -> None:
    """What the compiled path asks before it keeps a connection past half the pool: a
    cancelled waiter still in the queue takes no place, so it wants no connection."""
    gate = FairGate(1)
    await gate.acquire()
    assert not gate.has_waiters()
    waiter = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)  # it queues
    assert gate.has_waiters()
    waiter.cancel()  # its future is cancelled now; it leaves the queue when it runs
    assert gate._waiting and not gate.has_waiters()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert not gate.has_waiters()
    gate.release()


def test_a_gate_needs_a_place() -> None:
    with pytest.raises(ValueError):
        FairGate(0)

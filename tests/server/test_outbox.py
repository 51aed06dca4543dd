"""A connection's outbox: in order, never waits for a slow peer when offered to, and closes
a connection that does not read (1013)."""

from __future__ import annotations

import asyncio

from server.websocket.outbox import SLOW_CONSUMER, Outbox


class FakeSocket:
    """Records what is written; `stuck` holds every write, as a peer that stops reading."""

    def __init__(self, stuck: bool = False) -> None:
        self.sent: list[str] = []
        self.closed: tuple[int, str] | None = None
        self.release = asyncio.Event()
        if not stuck:
            self.release.set()

    async def send_text(self, text: str) -> None:
        await self.release.wait()
        self.sent.append(text)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed = (code, reason)


async def _drained(outbox: Outbox, socket: FakeSocket, count: int) -> None:
    while len(socket.sent) < count:
        await asyncio.sleep(0)


async def test_messages_are_written_in_order():
    socket = FakeSocket()
    outbox = Outbox(socket, limit=10)  # type: ignore[arg-type]
    outbox.offer("1")
    await outbox.put("2")
    outbox.offer("3")
    await asyncio.wait_for(_drained(outbox, socket, 3), 5)
    assert socket.sent == ["1", "2", "3"]
    await outbox.close(1000, "bye")
    assert socket.closed == (1000, "bye")


async def test_a_stuck_peer_is_closed_and_does_not_hold_the_others():
    stuck, fast = FakeSocket(stuck=True), FakeSocket()
    slow_box = Outbox(stuck, limit=3)  # type: ignore[arg-type]
    fast_box = Outbox(fast, limit=3)  # type: ignore[arg-type]
    for n in range(6):  # the fan-out offers to both and never waits
        slow_box.offer(str(n))
        fast_box.offer(str(n))
        await asyncio.sleep(0)
    assert fast.sent == [str(n) for n in range(6)]
    assert slow_box.closed
    await asyncio.wait_for(_closed(stuck), 5)
    assert stuck.closed is not None and stuck.closed[0] == SLOW_CONSUMER
    assert "lastEventId" in stuck.closed[1]
    slow_box.offer("ignored")  # a closed outbox drops what it is offered
    assert stuck.sent == []


async def _closed(socket: FakeSocket) -> None:
    while socket.closed is None:
        await asyncio.sleep(0)


async def test_put_waits_for_room_instead_of_closing():
    socket = FakeSocket(stuck=True)
    outbox = Outbox(socket, limit=1)  # type: ignore[arg-type]
    outbox.offer("first")  # taken by the writer, which waits on the peer
    await asyncio.sleep(0)
    outbox.offer("second")  # fills the outbox
    waiting = asyncio.create_task(outbox.put("third"))
    await asyncio.sleep(0.01)
    assert not waiting.done() and not outbox.closed
    socket.release.set()
    await asyncio.wait_for(waiting, 5)
    await asyncio.wait_for(_drained(outbox, socket, 3), 5)
    assert socket.sent == ["first", "second", "third"]


async def test_a_stuck_peer_is_closed_past_the_bytes_before_the_message_count():
    """1,000 queued results of 600 KB took a process to 609 MB before the count closed it."""
    stuck = FakeSocket(stuck=True)
    outbox = Outbox(stuck, limit=1000, byte_limit=1000)  # type: ignore[arg-type]
    for _ in range(4):
        outbox.offer("x" * 300)  # the first is being written, three wait: 900 characters
        await asyncio.sleep(0)
    assert not outbox.closed
    outbox.offer("x" * 300)  # 1,200 would wait
    assert outbox.closed
    await asyncio.wait_for(_closed(stuck), 5)
    assert stuck.closed is not None and stuck.closed[0] == SLOW_CONSUMER


async def test_one_message_over_the_bytes_is_still_sent_when_nothing_waits():
    socket = FakeSocket()
    outbox = Outbox(socket, limit=10, byte_limit=100)  # type: ignore[arg-type]
    await outbox.put("y" * 500)
    await asyncio.wait_for(_drained(outbox, socket, 1), 5)
    assert socket.sent == ["y" * 500] and not outbox.closed

"""Tickets, not counters: a connection gives back exactly the place it took (issue 14)."""

from __future__ import annotations

from server.guards.limits import MemoryLimiter


async def test_tickets_hold_the_limit_and_release_only_their_own_place():
    limiter = MemoryLimiter(2)
    first, second = await limiter.acquire("a"), await limiter.acquire("a")
    assert first and second and first != second
    assert await limiter.acquire("a") is None
    assert await limiter.acquire("b")  # another client has its own places
    await limiter.release("a", first)
    await limiter.release("a", first)  # a second release of the same ticket changes nothing
    third = await limiter.acquire("a")
    assert third and await limiter.acquire("a") is None

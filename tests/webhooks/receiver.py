"""A real HTTP receiver on 127.0.0.1 for webhook tests: it records every POST and can be
told to fail the next ones (with a status and a Retry-After)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.server_process import free_port


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int
    query: str = ""


@dataclass
class Receiver:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    failures: list[tuple[int, str | None]] = field(default_factory=list)  # (status, Retry-After)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    def fail_next(self, count: int, status: int = 503, retry_after: str | None = None) -> None:
        self.failures.extend([(status, retry_after)] * count)

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.answered < 300]

    async def wait_accepted(self, count: int, timeout: float = 10.0) -> list[Received]:
        async with asyncio.timeout(timeout), self.arrived:
            await self.arrived.wait_for(lambda: len(self.accepted) >= count)
        return self.accepted

    async def wait_until(self, done: Callable[[], bool], timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout), self.arrived:
            await self.arrived.wait_for(done)

    async def wait_received(self, count: int, timeout: float = 10.0) -> list[Received]:
        async with asyncio.timeout(timeout), self.arrived:
            await self.arrived.wait_for(lambda: len(self.received) >= count)
        return self.received

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        status, retry_after = self.failures.pop(0) if self.failures else (204, None)
        async with self.arrived:
            self.received.append(Received(dict(request.headers), body, status, request.url.query))
            self.arrived.notify_all()
        headers = {"retry-after": retry_after} if retry_after is not None else {}
        return Response(status_code=status, headers=headers)


@asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = Starlette(routes=[Route("/hook", receiver.handle, methods=["POST"])])
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    receiver.url = f"http://127.0.0.1:{port}/hook"
    try:
        yield receiver
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)

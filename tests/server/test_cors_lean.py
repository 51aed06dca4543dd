"""The lean way through `server.guards.cors` for a request without `Origin` answers
exactly as Starlette's CORS middleware does."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

from server.guards.cors import Cors, vary_origin

ANSWERS: list[list[tuple[bytes, bytes]] | None] = [
    None,  # no headers key at all
    [],
    [(b"content-type", b"application/json")],
    [(b"vary", b"Accept"), (b"content-type", b"application/json")],
    [(b"vary", b"Accept"), (b"x-a", b"1"), (b"vary", b"Accept-Encoding"), (b"x-b", b"2")],
]


def _app(headers: list[tuple[bytes, bytes]] | None) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        start: Message = {"type": "http.response.start", "status": 200}
        if headers is not None:
            start["headers"] = list(headers)
        await send(start)
        await send({"type": "http.response.body", "body": b"{}"})

    return app


async def _answer(middleware: type[CORSMiddleware], headers: Any, request: Any) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    app = middleware(_app(headers), allow_origins=["https://shop.example"], max_age=600)
    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": request}
    await app(scope, receive, send)
    return sent


@pytest.mark.parametrize("headers", ANSWERS)
@pytest.mark.parametrize(
    "request_headers",
    [
        [(b"content-type", b"application/json")],
        [(b"origin", b"https://shop.example")],
        [(b"origin", b"https://elsewhere.example")],
    ],
)
async def test_same_answer_as_starlette(headers: Any, request_headers: Any) -> None:
    ours = await _answer(Cors, headers, request_headers)
    theirs = await _answer(CORSMiddleware, headers, request_headers)
    assert ours == theirs
    assert any(key == b"vary" and value.endswith(b"Origin") for key, value in ours[0]["headers"])


def test_vary_origin_joins_every_vary_into_the_first() -> None:
    message: Message = {"headers": [(b"vary", b"Accept"), (b"x", b"1"), (b"vary", b"Cookie")]}
    vary_origin(message)
    assert message["headers"] == [(b"vary", b"Accept, Cookie, Origin"), (b"x", b"1")]

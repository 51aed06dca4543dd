"""Starlette's CORS middleware, with a lean way through for requests without `Origin`.

Integrations, command-line clients and servers send no `Origin`: for them Starlette's
middleware builds two `Headers` objects, looks up two absent headers (each raising and
catching `KeyError`) and rewrites the answer's headers through a `MutableHeaders`, only
to add `Vary: Origin`. Here that request gets the same `Vary` with none of it; a request
with `Origin` (a browser's) goes through Starlette's code unchanged."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

from core.headers import header


class Cors(CORSMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or header(scope, b"origin") is not None:
            await super().__call__(scope, receive, send)
            return

        async def send_varied(message: Message) -> None:
            if message["type"] == "http.response.start":
                vary_origin(message)
            await send(message)

        await self.app(scope, receive, send_varied)


def vary_origin(message: Message) -> None:
    """Adds `Origin` to the answer's `Vary` as Starlette's CORS middleware does for a
    request without `Origin`: the `Vary` values joined into the first one, the others
    removed, or one `Vary: Origin` appended."""
    headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
    message["headers"] = headers
    found = [index for index, (key, _) in enumerate(headers) if key == b"vary"]
    value = b", ".join([*(headers[index][1] for index in found), b"Origin"])
    for index in reversed(found[1:]):
        del headers[index]
    if found:
        headers[found[0]] = (b"vary", value)
    else:
        headers.append((b"vary", value))

"""uvicorn's HTTP protocol with a bound on the request head (MAX_HEADER_BYTES).

httptools (llhttp) keeps every header it is sent: 20 connections sending 50 MB of
headers each took the process to 945 MB of RSS while other clients waited 5 s. Here the
bytes of a head are counted as they arrive (and each header as it is parsed); past the
limit the request is answered 431 with a GraphQL error, HEADERS_TOO_LARGE, before the
app sees it, and the connection is closed.

After the answer, the connection lingers (as nginx's lingering close does): what the
client is still sending is read and dropped for a moment, so its kernel does not reset
the connection before it reads the 431. Dropped bytes are bounded in count and time.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson

from core.settings import Settings
from metrics import REFUSALS
from server.guards.slow_clients import HeadDeadlineHttpTools

HEADERS_TOO_LARGE = "HEADERS_TOO_LARGE"
LINGER_SECONDS = 1.0
"""How long a refused connection keeps reading (and dropping) what its client sends."""
LINGER_BYTES = 4 * 1024 * 1024
"""How much a refused connection drops before it closes without waiting."""


@cache
def protocol_settings() -> Settings:
    """uvicorn makes protocol objects itself, from a class path: they read the settings
    of the process once, on their first connection."""
    return Settings()


def error_body(code: str, message: str, **details: Any) -> bytes:
    """A GraphQL response with one error, as the app's own refusals are written."""
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code, **details}}]})


def refusal(status: int, reason: bytes, body: bytes) -> bytes:
    """A whole HTTP/1.1 answer that ends the connection."""
    return b"".join(
        [
            b"HTTP/1.1 %d %s\r\n" % (status, reason),
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
            body,
        ]
    )


@cache
def _too_large_answer(max_bytes: int) -> bytes:
    message = f"The request head (request line and headers) is over {max_bytes} bytes."
    body = error_body(HEADERS_TOO_LARGE, message, maxBytes=max_bytes)
    return refusal(431, b"Request Header Fields Too Large", body)


class HeaderLimitHttpTools(HeadDeadlineHttpTools):
    _head_bytes = 0  # raw bytes received since the head began
    _parsed_bytes = 0  # bytes of the URL and headers parsed so far
    _in_head = True
    _lingering = False
    _dropped = 0

    @property
    def max_header_bytes(self) -> int:
        return protocol_settings().max_header_bytes

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            self._dropped += len(data)
            if self._dropped > LINGER_BYTES:
                self.transport.close()
            return
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > self.max_header_bytes:
            self._refuse_head()

    def on_url(self, url: bytes) -> None:
        self._parsed_bytes += len(url)
        if self._parsed_bytes <= self.max_header_bytes:
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._parsed_bytes += len(name) + len(value) + 4  # ": " and CRLF
        if self._parsed_bytes <= self.max_header_bytes:
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        if self._parsed_bytes > self.max_header_bytes:
            self._refuse_head()  # the whole head came in one read
            return
        self._parsed_bytes = 0
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._lingering:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._lingering:
            return
        super().on_message_complete()
        self._in_head = True  # what comes next is the next request's head

    def _refuse_head(self) -> None:
        """Answer 431, stop parsing, and close once the client stopped sending (or soon)."""
        if self._lingering or self.transport.is_closing():
            return
        self._lingering = True
        REFUSALS.labels("header_size").inc()
        self._disarm()
        self.transport.write(_too_large_answer(self.max_header_bytes))
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the client reads the answer, then its EOF
        self.loop.call_later(LINGER_SECONDS, self.transport.close)

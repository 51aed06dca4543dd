"""uvicorn's HTTP protocol with a deadline on the request head.

uvicorn times out an idle keep-alive connection, but not one that opens and never
finishes its headers: 3,000 such connections were held open. Here a connection must
deliver a whole request head within HEADER_TIMEOUT_SECONDS of opening (or of its
previous response) or it is closed. The body is bounded by REQUEST_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from core.settings import Settings


class HeadDeadlineHttpTools(HttpToolsProtocol):
    head_timeout: float = Settings().header_timeout_seconds

    _head_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        if self._head_timer is None and self.head_timeout > 0:
            self._head_timer = self.loop.call_later(self.head_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

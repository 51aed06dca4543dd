"""uvicorn's WebSocket protocol, closing with 1001 when the server shuts down.

On SIGTERM uvicorn closes every open WebSocket before the app's lifespan shutdown runs,
with 1012 (service restart). 1001 (going away) is what RFC 6455 gives an endpoint that is
leaving; client libraries (graphql-ws, Apollo) reconnect on either, and a subscriber
resumes with `lastEventId` on another process.
"""

from __future__ import annotations

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

GOING_AWAY = 1001
REASON = "The server is shutting down: reconnect."


class GoingAwayWebSockets(WebSocketsSansIOProtocol):
    def shutdown(self) -> None:
        if self.close_sent or not self.handshake_complete or self.initial_response is not None:
            super().shutdown()  # closing already, or not yet a WebSocket: uvicorn's way
            return
        self.stop_keepalive()
        self.queue.put_nowait({"type": "websocket.disconnect", "code": GOING_AWAY})
        self.conn.send_close(GOING_AWAY, REASON)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.transport.close()

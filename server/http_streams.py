"""Operations streamed over plain HTTP: the SSE framing."""

from __future__ import annotations

from strawberry.http.streaming import SSETransport


class LineFeedSSETransport(SSETransport):
    """Events end their lines with LF, as the graphql-sse protocol's reference server and
    the WHATWG examples write them: every SSE parser splits on LF, and some (urql's) on
    nothing else. An event without data still carries an empty `data:` line, so
    browsers' EventSource dispatches it (graphql-sse's `complete`)."""

    def encode_event(self, event: str, data: str | None = None) -> str:
        if data and ("\r" in data or "\n" in data):
            raise ValueError("SSE event data must not contain line breaks")
        return f"event: {event}\ndata: {data}\n\n" if data else f"event: {event}\ndata:\n\n"

    def encode_comment(self, comment: str) -> str:
        return f": {comment}\n\n"

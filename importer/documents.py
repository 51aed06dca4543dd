"""Read JSON documents from files, including saved HTTP responses with a preamble."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


class UnreadableDocument(ValueError):
    """A file holds no JSON body we can read."""


def json_body(text: str, *, source: str = "<text>") -> Any:
    """The JSON body of `text`; lines before it (a title, request line, headers) are skipped.

    Saved API responses start with the endpoint's title, `GET /api/v4/...`, the status
    line and headers; the body starts at the first line opening with `{` or `[`.
    """
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith(("{", "[")):
            try:
                return json.loads(text[offset:])
            except json.JSONDecodeError as error:
                raise UnreadableDocument(f"{source}: invalid JSON: {error}") from None
            except RecursionError:
                raise UnreadableDocument(f"{source}: JSON nested too deeply") from None
            except ValueError as error:  # e.g. a number past Python's 4,300-digit limit
                raise UnreadableDocument(f"{source}: unreadable JSON: {error}") from None
        offset += len(line)
    raise UnreadableDocument(f"{source}: no JSON object or list found")


def read_document(path: Path) -> Any:
    return json_body(path.read_text(encoding="utf-8"), source=str(path))


_REQUEST_LINE = re.compile(r"^(?:GET|HEAD)\s+(\S+)", re.MULTILINE)


def request_target(text: str) -> str | None:
    """The target of a saved response's request line (`GET /api/v4/grids/?offset=20`), if any.

    It tells what a saved page holds when its objects and links do not.
    """
    body = re.search(r"^\s*[\[{]", text, re.MULTILINE)
    match = _REQUEST_LINE.search(text, 0, body.start() if body else len(text))
    return None if match is None else match[1]

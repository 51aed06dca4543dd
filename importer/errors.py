"""Failures that stop a source (a file, a URL) from being read, in whole or in part.

    SourceError                 a source, or part of it, could not be read
    ├── MissingSource           a path that does not exist (checked before anything is written)
    ├── UnreadableSource        a file without a JSON body we can read
    └── FetchFailed             an HTTP request that failed for good
        └── Unreachable         network errors (or timeouts) on every attempt

A single refused record is not a `SourceError`: it is reported with its position
(see `importer.items.UnknownKind`, `importer.v4.MalformedRecord`,
`importer.writer.RecordRefused`) and the import goes on.
"""

from __future__ import annotations


class SourceError(Exception):
    """A source, or a part of it, could not be read; `source` names the path or URL."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source


class MissingSource(SourceError):
    def __init__(self, path: str) -> None:
        super().__init__(path, "no such file or directory")


class UnreadableSource(SourceError):
    pass


class FetchFailed(SourceError):
    """`status` is the last HTTP status, or None when no response arrived."""

    def __init__(self, url: str, message: str, *, status: int | None = None) -> None:
        super().__init__(url, message)
        self.status = status


class Unreachable(FetchFailed):
    pass

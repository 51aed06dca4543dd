"""The live source: walk the v4 lists page by page, then fetch what packages point at.

Pages are fetched a few ahead (`limit`/`offset`, so they can be asked for side by
side) and written in order as they arrive; the client keeps the pace polite.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from importer.client import Client
from importer.errors import FetchFailed, SourceError, Unreachable
from importer.items import WRITE_ORDER, Item, Kind, is_list_page, items_of
from importer.progress import Reporter
from importer.summary import Failure, Summary
from importer.writer import Writer

logger = logging.getLogger("dpgraph.import")

_API = re.compile(r"^(?P<base>https?://[^?#]*?/api/v\d+/)(?P<rest>[^?#]*)")


class NotAnApiUrl(SourceError):
    def __init__(self, url: str) -> None:
        super().__init__(
            url,
            "not a v4 API URL: expected .../api/v4/, .../api/v4/{packages,grids,categories}/"
            " or .../api/v4/{packages,grids,categories}/{id}/",
        )


@dataclass(frozen=True)
class Target:
    """What a URL asks for: the whole API, one list (`kind`), or one resource (`key`)."""

    base: str
    kind: Kind | None = None
    key: str | None = None

    def list_url(self, kind: Kind, *, limit: int, offset: int) -> str:
        return f"{self.base}{kind.value}/?limit={limit}&offset={offset}"

    def resource_url(self, kind: Kind, key: object) -> str:
        return f"{self.base}{kind.value}/{key}/"


def parse_target(url: str) -> Target:
    """`https://djangopackages.org` and `.../api/v4` mean the whole API."""
    match = _API.match(url if url.split("?")[0].endswith("/") else url.split("?")[0] + "/")
    if match is None:
        if "/api/" in url:
            raise NotAnApiUrl(url)
        return Target(url.split("?")[0].rstrip("/") + "/api/v4/")
    parts = [part for part in match["rest"].split("/") if part]
    kinds = {kind.value: kind for kind in Kind}
    if len(parts) > 2 or (parts and parts[0] not in kinds):
        raise NotAnApiUrl(url)
    if not parts:
        return Target(match["base"])
    return Target(match["base"], kinds[parts[0]], parts[1] if len(parts) == 2 else None)


class Crawler:
    """Feeds a `Writer` from the API; pages that fail are reported and the walk goes on."""

    def __init__(
        self,
        client: Client,
        writer: Writer,
        *,
        summary: Summary,
        reporter: Reporter,
        page_size: int = 100,
        follow: bool = True,
        look_ahead: int = 4,
    ) -> None:
        self.client = client
        self.writer = writer
        self.summary = summary
        self.reporter = reporter
        self.page_size = page_size
        self.follow = follow
        self.look_ahead = look_ahead

    async def run(self, url: str) -> None:
        """Import everything `url` names; an unreachable server ends this source only."""
        try:
            target = parse_target(url)
            if target.kind is not None and target.key is not None:
                await self._one(target, target.kind, target.key)
            else:
                for kind in (target.kind,) if target.kind else WRITE_ORDER:
                    await self._walk(target, kind)
            if self.follow:
                await self._follow(target)
        except SourceError as error:  # Unreachable, or the first page of a list
            self._unread(error)

    async def _one(self, target: Target, kind: Kind, key: str) -> None:
        url = target.resource_url(kind, key)
        self.reporter.expect(kind.value, 1)
        await self.writer.write(items_of(await self.client.get_json(url), source=url, hint=kind))

    async def _walk(self, target: Target, kind: Kind) -> None:
        url = target.list_url(kind, limit=self.page_size, offset=0)
        try:
            first = _page(url, await self.client.get_json(url))
        except Unreachable:
            raise
        except FetchFailed as error:
            self._unread(error)
            return
        count = first["count"] if isinstance(first.get("count"), int) else len(first["results"])
        self.reporter.expect(kind.value, count)
        await self.writer.write(items_of(first, source=url, hint=kind))
        step = len(first["results"])
        if first.get("next") and step:
            offsets = range(step, count, step)
            urls = (target.list_url(kind, limit=step, offset=offset) for offset in offsets)
            await self._walk_rest(urls, kind)

    async def _walk_rest(self, urls: Iterator[str], kind: Kind) -> None:
        """Keep `look_ahead` pages in flight; write them in order."""
        pending: deque[tuple[str, asyncio.Task[Any]]] = deque()

        def schedule() -> None:
            url = next(urls, None)
            if url is not None:
                pending.append((url, asyncio.create_task(self.client.get_json(url))))

        for _ in range(self.look_ahead):
            schedule()
        try:
            while pending:
                url, task = pending.popleft()
                schedule()
                try:
                    page = _page(url, await task)
                except Unreachable:
                    raise
                except FetchFailed as error:
                    self._unread(error)
                    continue
                await self.writer.write(items_of(page, source=url, hint=kind))
        finally:
            for _, task in pending:
                task.cancel()
            await asyncio.gather(*(task for _, task in pending), return_exceptions=True)

    async def _follow(self, target: Target) -> None:
        """Fetch the categories and grids packages point at that no list delivered."""
        for kind in (Kind.CATEGORY, Kind.GRID):
            ids = self.writer.missing(kind)
            if not ids:
                continue
            logger.info("fetching %d %s that packages refer to", len(ids), kind.value)
            self.reporter.expect(kind.value, len(ids))
            urls = [target.resource_url(kind, record_id) for record_id in ids]
            answers = await asyncio.gather(
                *(self.client.get_json(url) for url in urls), return_exceptions=True
            )
            items: list[Item] = []
            for record_id, url, answer in zip(ids, urls, answers, strict=True):
                if isinstance(answer, Unreachable):
                    raise answer
                if isinstance(answer, BaseException):
                    if not isinstance(answer, FetchFailed):
                        raise answer
                    self._failed(kind, record_id, url, answer)
                    continue
                items.extend(items_of(answer, source=url, hint=kind))
            await self.writer.write(items)

    def _failed(self, kind: Kind, record_id: int, url: str, error: FetchFailed) -> None:
        self.writer.seen[kind].add(record_id)
        message = f"{kind.singular} {record_id}: {str(error).removeprefix(url + ': ')}"
        self.summary.failures.append(Failure(kind, url, message))
        self.reporter.advance(kind.value, 1)
        logger.warning("skipped %s: %s", url, message)

    def _unread(self, error: SourceError) -> None:
        self.summary.source_errors.append(str(error))
        logger.error("cannot read %s", error)


def _page(url: str, document: Any) -> dict[str, Any]:
    if not is_list_page(document):
        raise FetchFailed(url, "not a v4 list page (no `results` list)")
    page: dict[str, Any] = document
    return page

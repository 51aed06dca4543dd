"""One import: files and URLs in, a `Summary` out. The CLI and the tests both call this."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.db import Database
from importer.errors import SourceError
from importer.files import expand, read_items
from importer.items import Item
from importer.pacing import TimeSource
from importer.progress import Reporter, SilentReporter
from importer.summary import Summary
from importer.writer import Writer
from writes import Publisher

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Options:
    """Defaults are polite to djangopackages.org: 4 requests in flight, 4 per second."""

    batch_size: int = 100
    page_size: int = 100
    concurrency: int = 4
    rate: float = 4.0
    timeout: float = 30.0
    retries: int = 4
    follow: bool = True


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


async def import_sources(
    sources: Sequence[str],
    *,
    db: Database,
    options: Options | None = None,
    reporter: Reporter | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    time_source: TimeSource | None = None,
    publish: Publisher | None = None,
) -> Summary:
    """Import every source; raises `MissingSource` before writing anything if a path is absent."""
    options = options or Options()
    reporter = reporter or SilentReporter()
    started = time.perf_counter()
    files = expand(Path(source) for source in sources if not is_url(source))
    urls = [source for source in sources if is_url(source)]
    summary = Summary()
    writer = Writer(
        db, summary=summary, reporter=reporter, batch_size=options.batch_size, publish=publish
    )
    if files:
        await writer.write(_read_files(files, summary, reporter))
    if urls:
        # Only a crawl needs an HTTP client: a file import starts without loading one.
        from importer.client import Client, build_http
        from importer.crawl import Crawler
        from importer.retry import RetryPolicy

        async with build_http(timeout=options.timeout, transport=transport) as http:
            client = Client(
                http,
                concurrency=options.concurrency,
                rate=options.rate,
                policy=RetryPolicy(attempts=options.retries + 1),
                time=time_source,
            )
            crawler = Crawler(
                client,
                writer,
                summary=summary,
                reporter=reporter,
                page_size=options.page_size,
                follow=options.follow,
                look_ahead=options.concurrency,
            )
            try:
                for url in urls:
                    await crawler.run(url)
            finally:
                summary.requests = client.requests
    await writer.finish()
    summary.seconds = time.perf_counter() - started
    return summary


def _read_files(files: Sequence[Path], summary: Summary, reporter: Reporter) -> list[Item]:
    """Every file's items, read up front so categories from one file precede grids of another."""
    items: list[Item] = []
    for path in files:
        try:
            items.extend(read_items(path))
        except SourceError as error:
            summary.source_errors.append(str(error))
    for item in items:
        reporter.expect(item.kind.value if item.kind else "unrecognised", 1)
    return items

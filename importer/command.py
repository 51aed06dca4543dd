"""`python -m server import PATH_OR_URL ...`: arguments, exit codes and output.

Exit codes: 0 every record imported; 1 some records or pages were skipped (listed in
the summary); 2 nothing was imported (a missing path, the database or every source
unreachable, no record that could be written); 130 interrupted (finished batches are
kept; run the same command to resume).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable

from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from core.db import Database
from core.settings import Settings
from events.broker import change_publisher
from events.factory import make_broker
from importer.errors import MissingSource
from importer.progress import BarReporter, LogReporter
from importer.run import Options, import_sources
from importer.summary import Summary, report

logger = logging.getLogger("dpgraph.import")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="PATH_OR_URL",
        help="v4 JSON files or directories (saved responses too), or an API URL such as "
        "https://djangopackages.org/api/v4/ (everything), .../packages/ or .../packages/34/",
    )
    parser.add_argument(
        "--batch-size", type=_positive(int), default=100, help="records per transaction"
    )
    parser.add_argument(
        "--page-size", type=_positive(int), default=100, help="`limit` per list page"
    )
    parser.add_argument("--concurrency", type=_positive(int), default=4, help="requests in flight")
    parser.add_argument(
        "--rate", type=_at_least_zero(float), default=4.0, help="requests per second (0: no limit)"
    )
    parser.add_argument(
        "--timeout", type=_positive(float), default=30.0, help="seconds per request"
    )
    parser.add_argument(
        "--retries", type=_at_least_zero(int), default=4, help="retries on 429, 5xx, network errors"
    )
    parser.add_argument(
        "--no-follow",
        dest="follow",
        action="store_false",
        help="do not fetch the grids and categories packages refer to",
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "bar", "log"),
        default="auto",
        help="progress bar on a terminal, log lines otherwise (auto)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the importer logs what matters
    try:
        summary = asyncio.run(_import(args, settings))
    except MissingSource as error:
        print(f"dpgraph import: {error}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"dpgraph import: database error: {reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "dpgraph import: interrupted; finished batches are saved, "
            "run the same command again to resume",
            file=sys.stderr,
        )
        return 130
    report(summary, Console(file=sys.stdout, highlight=False))
    return exit_status(summary)


def exit_status(summary: Summary) -> int:
    """0 all imported; 1 some records or pages skipped; 2 nothing imported at all."""
    if summary.ok:
        return 0
    return 1 if summary.outcomes else 2


async def _import(args: argparse.Namespace, settings: Settings) -> Summary:
    options = Options(
        batch_size=args.batch_size,
        page_size=args.page_size,
        concurrency=args.concurrency,
        rate=args.rate,
        timeout=args.timeout,
        retries=args.retries,
        follow=args.follow,
    )
    bar = args.progress == "bar" or (args.progress == "auto" and sys.stderr.isatty())
    reporter: BarReporter | LogReporter = (
        BarReporter(Console(stderr=True)) if bar else LogReporter()
    )
    db = Database.from_settings(settings)
    # With Redis, running servers hear of what the import changes; the embedded broker
    # lives inside the server process and cannot be reached from here.
    broker = make_broker(settings) if settings.redis_url else None
    try:
        await db.create_tables()
        with reporter:
            return await import_sources(
                args.sources,
                db=db,
                options=options,
                reporter=reporter,
                publish=change_publisher(broker) if broker else None,
            )
    finally:
        if broker is not None:
            await broker.close()
        await db.dispose()


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {text!r}")
        return value

    return parse


def _at_least_zero(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
        return value

    return parse

"""The `dpgraph` command line: `python -m server [serve|import|generate|token|export-schema]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from core.env_file import EnvFileError
from core.settings import PROJECT_ROOT, Settings, describe_invalid_settings
from server.commands import preflight


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    from core.migrations import OutdatedSchema, SchemaBehind

    if settings.trusted_documents is not None:  # a bad manifest stops the start, plainly
        from schema.trusted import ManifestError, load_manifest

        try:
            load_manifest(settings.trusted_documents)
        except ManifestError as error:
            print(f"dpgraph: {error}", file=sys.stderr)
            return 2
    preflight.check_port(host, port)  # before the database work, which may take seconds
    try:  # prepare once here, so workers find the tables ready and errors read plainly
        asyncio.run(prepare_database(settings))
    except (OutdatedSchema, SchemaBehind) as error:
        print(f"dpgraph: {error}", file=sys.stderr)
        return 2
    if settings.redis_url:
        warning = preflight.redis_warning(settings.redis_url)
        if warning is not None:
            print(f"dpgraph: warning: {warning}", file=sys.stderr, flush=True)
    if workers > 1:
        _share_metrics_between_workers()
        os.environ["WORKERS"] = str(workers)  # each worker's settings know they are several
        if not settings.redis_url:
            print(
                f"dpgraph: {workers} workers without REDIS_URL: subscriptions are refused "
                "(each worker would see only its own changes); set REDIS_URL to serve them",
                file=sys.stderr,
                flush=True,
            )
    print(f"dpgraph: serving http://{host}:{port}/graphql on {_safe_url(settings)}", flush=True)
    uvicorn.run(
        "server.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level,
        factory=False,
        # Subscription payloads are small JSON: compressing each costs more CPU than it
        # saves, and a zlib context per connection costs ~100 KiB of memory.
        ws_per_message_deflate=False,
        ws_max_size=settings.max_body_bytes,  # a WebSocket message is no bigger than a body
        ws="server.websocket.going_away:GoingAwayWebSockets",  # close code 1001 on shutdown
        # Slow and greedy clients: a deadline and a size limit on the request head, a cap on
        # each address's connections, idle keep-alives closed, and a cap on what one
        # process takes at once.
        http="server.guards.connection_cap:ConnectionCapHttpTools",
        timeout_keep_alive=settings.keepalive_timeout_seconds,
        limit_concurrency=settings.max_concurrency,
    )
    return 0


def _share_metrics_between_workers() -> None:
    """Each worker writes its metrics to files in one directory that /metrics sums; set
    before the workers start (prometheus-client reads it when the metrics are made). A
    fresh directory per start: values of an earlier run must not be summed in."""
    import tempfile

    from server.observability.metrics_route import MULTIPROC_DIR

    if not os.environ.get(MULTIPROC_DIR):
        os.environ[MULTIPROC_DIR] = tempfile.mkdtemp(prefix="dpgraph-metrics-")


async def prepare_database(settings: Settings) -> None:
    from core.db import Database
    from server.commands.demo import load_demo_data

    db = Database.from_settings(settings)
    try:
        await db.create_tables(migrate=settings.migrate_on_start)
        if settings.load_demo_data:
            await load_demo_data(db, synthetic_packages=settings.demo_synthetic_packages)
    finally:
        await db.dispose()


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from core.migrations import OutdatedSchema

    logging.getLogger("dpgraph.db").setLevel(logging.WARNING)  # the line below says it

    try:
        before, after = asyncio.run(_apply_migrations(settings))
    except OutdatedSchema as error:
        print(f"dpgraph: {error}", file=sys.stderr)
        return 2
    if before == after:
        print(f"dpgraph: the database is at revision {after}; nothing to do")
    else:
        print(f"dpgraph: migrated the database from revision {before or 'none'} to {after}")
    return 0


async def _apply_migrations(settings: Settings) -> tuple[str | None, str]:
    from core.db import Database
    from core.migrations import upgrade

    db = Database.from_settings(settings)
    try:
        async with db.engine.begin() as connection:
            await db.lock_for_startup(connection)
            return await connection.run_sync(upgrade)
    finally:
        await db.dispose()


def _export_schema(args: argparse.Namespace, settings: Settings) -> int:
    from execution import build_schema

    sdl = build_schema().as_str() + "\n"
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.output).write_text(sdl, encoding="utf-8")
        print(f"dpgraph: wrote {args.output}", file=sys.stderr)
    return 0


def _generate(args: argparse.Namespace, settings: Settings) -> int:
    from synthetic.command import run_generate

    return run_generate(args, settings)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from importer.command import run as run_import

    return run_import(args, settings)


def _token(args: argparse.Namespace, settings: Settings) -> int:
    from auth.command import run as run_token

    return run_token(args, settings)


def _safe_url(settings: Settings) -> str:
    """The database URL without its password, for logs."""
    from sqlalchemy.engine.url import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dpgraph", description=__doc__)
    commands = parser.add_subparsers(dest="command")

    serve = commands.add_parser("serve", help="run the GraphQL server (the default)")
    serve.add_argument("--host", help="interface to bind (HOST)")
    serve.add_argument("--port", type=int, help="port to bind (PORT)")
    serve.add_argument("--workers", type=int, help="worker processes (WORKERS)")
    serve.set_defaults(handler=_serve, needs_database=True)

    migrate = commands.add_parser(
        "migrate", help="apply the schema migrations the code needs (also at start-up)"
    )
    migrate.set_defaults(handler=_migrate, needs_database=True)

    export = commands.add_parser(
        "export-schema", help="write the GraphQL SDL to schema.graphql (--output - prints it)"
    )
    export.add_argument(
        "--output",
        default=str(PROJECT_ROOT / "schema.graphql"),
        help="the file to write (default: the project's schema.graphql), or - for stdout",
    )
    export.set_defaults(handler=_export_schema)

    generate = commands.add_parser(
        "generate", help="write a labelled synthetic catalogue (ids from 1,000,000)"
    )
    generate.add_argument("--packages", type=int, required=True, help="how many packages (>= 1)")
    generate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    generate.add_argument("--replace", action="store_true", help="delete earlier synthetic rows")
    generate.set_defaults(handler=_generate, needs_database=True)

    from importer.command import add_arguments as add_import_arguments

    importing = commands.add_parser(
        "import", help="mirror Django Packages API v4 data (files or a live URL) into the database"
    )
    add_import_arguments(importing)
    importing.set_defaults(handler=_import, needs_database=True)

    from auth.command import add_arguments as add_token_arguments

    token = commands.add_parser("token", help="create, list or revoke API tokens for edits")
    add_token_arguments(token)
    token.set_defaults(handler=_token, needs_database=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # before it logs its plug-ins
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "serve")  # `python -m server --port 9000` serves
    args = build_parser().parse_args(arguments)
    try:
        settings = Settings()
    except EnvFileError as error:
        print(f"dpgraph: {error}", file=sys.stderr)
        return 2
    except ValidationError as error:
        print(
            f"dpgraph: invalid configuration: {describe_invalid_settings(error)}", file=sys.stderr
        )
        return 2
    try:
        if getattr(args, "needs_database", False):
            preflight.check_database(settings)
        result: int = args.handler(args, settings)
    except preflight.Refused as error:
        print(f"dpgraph: {error}", file=sys.stderr)
        return 2
    return result

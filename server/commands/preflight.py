"""What the command line checks before it works, so that what a newcomer meets first (no
database, a port in use, Redis down) reads as one line with the fix, not a traceback
printed after "serving ..."."""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from core.settings import Settings

DATABASE_TIMEOUT_SECONDS = 10.0
"""How long the first connection may take: asyncpg's own default waits a minute."""
REDIS_TIMEOUT_SECONDS = 2.0

# PostgreSQL's SQLSTATE codes for the refusals a connection meets.
MISSING_DATABASE = "3D000"
BAD_PASSWORD = "28P01"
REFUSED_ROLE = "28000"
STARTING_UP = "57P03"
TOO_MANY_CONNECTIONS = "53300"


class Refused(Exception):
    """A check failed: the message is one line that says what to do."""


def check_database(settings: Settings) -> None:
    """Connect once and run `SELECT 1`; Refused with the fix if the database is not there."""
    try:
        asyncio.run(_select_one(settings))
    except Exception as error:
        raise Refused(describe_database_error(error, settings)) from error


async def _select_one(settings: Settings) -> None:
    from core.db import Database

    db = Database.from_settings(settings)
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await db.dispose()


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, the driver's error SQLAlchemy wraps, and what caused each."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None, current.__cause__]
        pending.append(current.__context__)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def describe_database_error(error: BaseException, settings: Settings) -> str:
    """One line: what went wrong reaching the database and what to change."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return _describe_sqlite(error, url)
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    user = url.username or "the current user"
    for cause in _causes(error):
        state = getattr(cause, "sqlstate", None)
        reason = _first_line(cause)
        if state == MISSING_DATABASE:
            return (
                f'the database "{url.database}" does not exist on {where}: create it '
                f"(createdb -h {url.host or 'localhost'} -p {url.port or 5432} -U {user} "
                f"{url.database}) or fix the name in DATABASE_URL"
            )
        if state in (BAD_PASSWORD, REFUSED_ROLE):
            return (
                f"PostgreSQL on {where} refused {user} ({reason}): fix the user or password "
                "in DATABASE_URL"
            )
        if state in (STARTING_UP, TOO_MANY_CONNECTIONS):
            return f"PostgreSQL on {where} cannot take a connection now ({reason}): try again"
        if isinstance(cause, socket.gaierror):
            return f"the database host {url.host!r} is unknown ({reason}): fix DATABASE_URL"
        if isinstance(cause, ConnectionRefusedError):
            return (
                f"cannot connect to the database on {where} (connection refused): start "
                "PostgreSQL there, or point DATABASE_URL at where it runs"
            )
        if isinstance(cause, TimeoutError):
            return (
                f"the database on {where} did not answer within {DATABASE_TIMEOUT_SECONDS:.0f} s:"
                " check the host and port in DATABASE_URL (and any firewall in between)"
            )
    safe = url.render_as_string(hide_password=True)
    return f"cannot use the database {safe}: {_first_line(error)}"


def _describe_sqlite(error: BaseException, url: URL) -> str:
    return (
        f"cannot open the SQLite database {url.database} ({_first_line(error)}): check that "
        "its directory can be created and written, or set DATABASE_URL to another path"
    )


def check_port(host: str, port: int) -> None:
    """Bind the address as uvicorn will (then let it go): Refused if it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            raise Refused(_describe_bind_error(error, host, port)) from error


def _describe_bind_error(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another dpgraph?): stop that "
            "program, or serve on another port with --port or PORT"
        )
    if error.errno == errno.EACCES:
        return f"port {port} needs privileges this user lacks: choose a port above 1023"
    return f"cannot listen on {host}:{port} ({error.strerror or error}): check HOST and PORT"


def redis_warning(url: str) -> str | None:
    """None when Redis answers a PING; else the one-line warning to print."""
    reason = asyncio.run(_redis_ping(url))
    if reason is None:
        return None
    return (
        f"Redis at {_without_password(url)} does not answer ({reason}): the server starts, "
        "but subscriptions are refused until it does (GET /readyz says so); start Redis or "
        "unset REDIS_URL"
    )


async def _redis_ping(url: str) -> str | None:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        async with asyncio.timeout(REDIS_TIMEOUT_SECONDS * 2):
            await client.ping()
    except (RedisError, OSError) as error:
        return _first_line(error)
    finally:
        await client.aclose()
    return None


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))

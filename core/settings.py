"""Every setting the server reads, from the environment or the project's `.env` file.

No other module reads the environment: build a `Settings` and pass it on.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.env_file import EnvFileError, inspect_env_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "dpgraph.db"
ENV_FILE_VARIABLE = "DPGRAPH_ENV_FILE"
"""Read from the environment only: the `.env` file to read instead of the project's
(empty: none). The tests set it empty, so nothing they start reads a developer's file."""

logger = logging.getLogger("dpgraph.settings")
_warned: set[str] = set()


def env_file() -> Path | None:
    """The project's `.env` (beside README.md), whatever the directory a command runs
    in, so `scripts/dpgraph` reads the same file from anywhere; or DPGRAPH_ENV_FILE's."""
    named = os.environ.get(ENV_FILE_VARIABLE)
    if named is None:
        return PROJECT_ROOT / ".env"
    if not named:
        return None
    path = Path(named)
    if not path.is_file():
        raise EnvFileError(f"{ENV_FILE_VARIABLE} names {path}, which is not a file")
    return path


def _checked_env_file() -> Path | None:
    """The env file, refused (EnvFileError) if a line would be skipped or a setting's name
    is misspelled; keys meant for other programs are named in a warning, once."""
    path = env_file()
    if path is None or not path.is_file():
        return None
    report = inspect_env_file(path, {name.upper() for name in Settings.model_fields})
    report.raise_errors()
    warning = report.warning()
    if warning is not None and warning not in _warned:
        _warned.add(warning)
        logger.warning(warning)
    return path


def describe_invalid_settings(error: ValidationError) -> str:
    """pydantic's several-line report as one line: each variable with what is wrong."""
    problems = []
    for problem in error.errors():
        name = ".".join(str(part) for part in problem["loc"]).upper()
        message = str(problem["msg"]).removeprefix("Value error, ")
        problems.append(message if name in message else f"{name}: {message}")
    return "; ".join(problems)


class Settings(BaseSettings):
    """Server configuration; see the README's configuration table."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    def __init__(self, **values: Any) -> None:
        """`_env_file` given (tests give None): that file, unchecked; else `env_file()`."""
        if "_env_file" not in values:
            values["_env_file"] = _checked_env_file()
        super().__init__(**values)

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    load_demo_data: bool = Field(
        default=True, description="Load the bundled seed packages into an empty database."
    )
    demo_synthetic_packages: int = Field(
        default=300,
        ge=0,
        le=100_000,
        description="Synthetic packages loaded beside the demo seeds on first start (0: none).",
    )
    public_base_url: str | None = Field(
        default=None,
        description="Base of the absolute URLs the REST layer writes (no trailing slash). "
        "Unset: the scheme and host of each request.",
    )
    graphiql: bool = True
    serve_examples: bool = Field(
        default=True,
        description="Serve the example frontend (examples/) at /examples/.",
    )
    cors_allow_origins: list[str] = Field(default_factory=lambda: ["*"])
    max_page_size: int = Field(default=100, ge=1)
    max_query_depth: int = Field(
        default=12, ge=1, description="Deepest field level a document may reach (root: 0)."
    )
    max_aliases: int = Field(
        default=30, ge=0, description="Aliased fields in a document, fragments spread."
    )
    max_fields: int = Field(
        default=2000, ge=1, description="Fields in a document once its fragments are spread."
    )
    max_root_fields: int = Field(
        default=40, ge=1, description="Top-level fields of a document's operations."
    )
    max_directives_per_field: int = Field(
        default=10, ge=0, description="Directives on one field, fragment or operation."
    )
    max_field_merges: int = Field(
        default=10_000,
        ge=1,
        description="Pairs of fields under one response key that validation would compare "
        "(an estimate from above, counted before any rule runs).",
    )
    request_timeout_seconds: float = Field(
        default=10.0,
        ge=0,
        description="An HTTP request still running after this long is cancelled and answered "
        "504 TIMEOUT (0: no limit).",
    )
    statement_timeout_seconds: float = Field(
        default=5.0,
        ge=0,
        description="A database statement of a server process still running after this long "
        "is cancelled (PostgreSQL's statement_timeout; SQLite's progress handler) and the "
        "request answered 504 TIMEOUT, so a budget cannot buy minutes of database time "
        "(0: no limit). Keep it below REQUEST_TIMEOUT_SECONDS.",
    )
    cache_max_age_seconds: int = Field(
        default=30,
        ge=0,
        description="How long browsers and CDNs may keep a successful GET query's answer "
        "(0: not at all).",
    )
    header_timeout_seconds: float = Field(
        default=10.0,
        ge=0,
        description="A connection must send a whole request head within this long (0: no "
        "limit); a slow or silent one is closed.",
    )
    max_header_bytes: int = Field(
        default=32_768,
        ge=1024,
        description="Largest request head (request line and headers); a larger one is "
        "answered 431 HEADERS_TOO_LARGE and the connection closed, before it is kept.",
    )
    max_http_connections_per_client: int = Field(
        default=100,
        ge=0,
        description="Open HTTP connections one client address may hold in one process; one "
        "more is answered 429 TOO_MANY_CONNECTIONS and closed. Addresses in uvicorn's "
        "FORWARDED_ALLOW_IPS (a trusted proxy) are not capped (0: no limit).",
    )
    keepalive_timeout_seconds: int = Field(
        default=5, ge=1, description="An idle keep-alive connection is closed after this long."
    )
    max_concurrency: int | None = Field(
        default=2000,
        ge=1,
        description="Connections and requests one process takes at once; past it, new ones "
        "are answered 503 (uvicorn's limit_concurrency). None: no limit.",
    )
    persisted_queries: bool = Field(
        default=True,
        description="Automatic persisted queries (Apollo's protocol): a client may send a "
        "document's SHA-256 instead of its text once the server has seen the text.",
    )
    persisted_query_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=0,
        description="Bytes of document text the in-process persisted-query store keeps "
        "(without REDIS_URL), least recently used out first.",
    )
    document_cache_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="Bytes of parsed and validated documents one process keeps: each costs "
        "its text and an estimate of its parsed form (about 100 bytes per character).",
    )
    plan_cache_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        description="Bytes of compiled plans one process keeps, counted as their documents.",
    )
    migrate_on_start: bool = Field(
        default=True,
        description="Apply the schema migrations at start-up; off, start-up checks the "
        "database is at the code's revision and `scripts/dpgraph migrate` applies them.",
    )
    metrics: bool = Field(
        default=True,
        description="Prometheus metrics at GET /metrics (keep the path away from the "
        "public internet at the proxy).",
    )
    trusted_documents: Path | None = Field(
        default=None,
        description="A manifest of the only documents the server runs (Apollo's "
        "persisted-query manifest, or a JSON map of SHA-256 to document). Unset: any.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="json: dpgraph's logs (one line per request with its id, operation, "
        "status and duration) as JSON objects on stderr.",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest request body; a larger one is refused with 413 before it is read.",
    )
    field_suggestions: bool = Field(
        default=False,
        description="Validation errors suggest names ('Did you mean ...?'): on, they tell a "
        "stranger the names of fields they may not see in the documentation.",
    )
    introspection: bool = Field(
        default=True,
        description="Answer __schema and __type queries (GraphiQL and code generators need "
        "them); off, they fail validation.",
    )
    max_query_cost: int = Field(
        default=25_000,
        ge=1,
        description="Objects a query may return, counted before it runs (schema.cost).",
    )
    rate_limit_points: int = Field(
        default=1_000,
        ge=0,
        description="Rate-limit points per window for requests without a token, per client "
        "address (a query costs what it may return / 100, at least 1; 0: not limited).",
    )
    rate_limit_token_points: int = Field(
        default=5_000,
        ge=0,
        description="Rate-limit points per window for each token (0: not limited).",
    )
    rate_limit_window_seconds: float = Field(
        default=60.0, gt=0, description="How long a rate-limit window lasts."
    )
    max_requests_in_flight_per_client: int = Field(
        default=50,
        ge=0,
        description="HTTP requests one client address may have running at once in one "
        "server process; more are answered 429 (0: no limit).",
    )
    sql_echo: bool = False
    db_pool_size: int = Field(
        default=20,
        ge=1,
        description="Database connections each process keeps open (PostgreSQL). Below the "
        "number of concurrent requests, connections are opened and closed per request. "
        "Compiled reads keep up to half of them checked out between requests.",
    )
    db_max_overflow: int = Field(
        default=10,
        ge=0,
        description="Extra connections a process opens in a burst and closes when returned.",
    )
    db_ping_after_idle_seconds: float = Field(
        default=2.0,
        ge=0,
        description="A pooled connection idle this long is pinged before use and replaced "
        "if dead; 0: pinged at every checkout (SQLAlchemy's pre-ping).",
    )
    compiled_execution: bool = Field(
        default=True,
        description="Answer supported queries with compiled plans (fastpath/); false: every "
        "request goes through Strawberry's executor.",
    )
    compiled_differential: bool = Field(
        default=False,
        description="Testing aid: also run Strawberry's executor for each compiled answer and "
        "raise AssertionError on any difference. Doubles the work; never in production.",
    )
    log_level: str = "info"
    redis_url: str | None = Field(
        default=None,
        description="redis://host:port/db: subscription events and connection limits shared "
        "by every server process. Unset: an in-process broker (one process).",
    )
    redis_prefix: str = Field(
        default="dpgraph",
        description="Prefix of every Redis key and channel, so deployments can share a Redis.",
    )
    redis_timeout_seconds: float = Field(
        default=0.25,
        gt=0,
        le=10,
        description="How long a Redis call on a request's path (rate limits, connection "
        "limits, persisted queries) and /readyz's ping wait. Past it, limits fail open, "
        "Redis is skipped for 5 s (one log line per outage) and /readyz says not ready.",
    )
    keepalive_seconds: float = Field(default=15.0, gt=0, le=300)
    connection_init_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    max_subscriptions_per_connection: int = Field(default=100, ge=1)
    share_subscription_streams: bool = Field(
        default=True,
        description="WebSocket subscribers with the same document, variables and token share "
        "one stream: each change is resolved and encoded once per group (graphql-transport-ws).",
    )
    websocket_send_queue: int = Field(
        default=1000,
        ge=1,
        description="Messages waiting to be written to one WebSocket. A connection that lets "
        "more pile up is not reading: it is closed with 1013 and resumes with lastEventId.",
    )
    websocket_send_queue_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1,
        description="Bytes waiting to be written to one connection (WebSocket or stream); "
        "past them it is closed as past WEBSOCKET_SEND_QUEUE messages.",
    )
    max_connections_per_client: int = Field(default=50, ge=1)
    event_replay_window: int = Field(default=10_000, ge=1)
    webhooks: bool = Field(
        default=True,
        description="Follow webhooks and POST their results from this process (any process "
        "may; a lease gives each webhook to one at a time).",
    )
    webhook_allow_private_targets: bool = Field(
        default=False,
        description="Allow webhook URLs that resolve to loopback, private or link-local "
        "addresses (off: a webhook cannot probe the server's own network).",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="Time for a receiver to answer one POST."
    )
    webhook_max_failures: int = Field(
        default=10,
        ge=1,
        description="Failed attempts in a row after which a webhook is paused (with the reason).",
    )
    webhook_retry_base_seconds: float = Field(
        default=1.0, gt=0, description="First retry delay; it doubles per attempt, with jitter."
    )
    webhook_retry_max_seconds: float = Field(
        default=600.0, gt=0, description="Longest delay between two attempts (Retry-After too)."
    )
    webhook_lease_seconds: float = Field(
        default=30.0,
        ge=1,
        description="How long a process holds a webhook without renewing; another process "
        "takes it over after a crash.",
    )
    webhook_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="How often a process looks for webhooks to take and deliveries due.",
    )
    webhook_previous_secret_hours: float = Field(
        default=24.0,
        ge=0,
        description="After a secret rotation, how long the old secret also signs deliveries.",
    )
    gc_freeze: bool = Field(
        default=True,
        description="After start-up, move every object alive then (schema, code, settings) "
        "out of the cyclic garbage collector's reach, so full collections stay short.",
    )
    gc_gen0_threshold: int = Field(
        default=50_000,
        ge=100,
        description="Allocations between young-generation collections (CPython: 700).",
    )

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"REDIS_URL {value!r} must start with redis://, rediss:// or unix://")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Plain driver names would block the event loop; map them to their async twins."""
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            return "postgresql+asyncpg://" + value.removeprefix("postgresql://")
        if value.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + value.removeprefix("sqlite://")
        if value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            return value
        raise ValueError(
            f"DATABASE_URL {value!r} is not supported: use postgresql://user@host/db "
            "(asyncpg) or sqlite:///path"
        )

    @field_validator("public_base_url")
    @classmethod
    def _public_base(cls, value: str | None) -> str | None:
        """An absolute http(s) base, or None; links append paths, so no trailing slash."""
        if not value:
            return None
        parsed = urlsplit(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(
                f"PUBLIC_BASE_URL {value!r} must be an absolute http(s) URL, "
                "e.g. https://api.example.org"
            )
        if parsed.query or parsed.fragment:
            raise ValueError(f"PUBLIC_BASE_URL {value!r} must not have a query or fragment")
        return value.rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

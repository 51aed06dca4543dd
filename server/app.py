"""The ASGI application factory."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from core import tracing as core_tracing
from core.db import Database
from core.settings import PROJECT_ROOT, Settings
from events.factory import make_broker, subscriptions_refusal
from events.hub import EventHub
from execution import build_schema
from fastpath.cache import PLANS
from rest import rest_routes
from schema.documents import DOCUMENTS
from server.commands.demo import load_demo_data
from server.graphql_http.graphiql import STATIC_DIR
from server.graphql_http.graphql_app import GraphQLApp
from server.guards.body_limit import BodyLimit
from server.guards.cors import Cors
from server.observability.metrics_route import metrics
from server.observability.readiness import RedisReadiness
from server.observability.request_log import RequestLog, configure_logs
from server.runtime import tune_garbage_collector
from server.stores import make_limiter, make_persisted_queries, make_rate_limits
from server.webhook_runner import make_webhook_runner

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

    from server.observability.tracing import Tracing

EXAMPLES_DIR = PROJECT_ROOT / "examples"
READY_TIMEOUT_SECONDS = 2.0
"""How long /readyz waits for the database before it says no."""


def create_app(
    settings: Settings | None = None,
    *,
    db: Database | None = None,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """Build the app; the database is prepared in the lifespan, not at import time.
    Traces are on when the OTEL_* variables ask for them, or a `tracer_provider` is given."""
    settings = settings or Settings()
    database = db or Database.from_settings(
        settings, statement_timeout=settings.statement_timeout_seconds
    )
    tracing = _start_tracing(database, tracer_provider)
    DOCUMENTS.budget = settings.document_cache_bytes
    PLANS.budget = settings.plan_cache_bytes
    hub = EventHub(
        database,
        make_broker(settings),
        refusal=subscriptions_refusal(settings),
        recent_window=settings.event_replay_window,
    )
    graphql = GraphQLApp(
        build_schema(),
        db=database,
        settings=settings,
        hub=hub,
        limiter=make_limiter(settings),
        persisted=make_persisted_queries(settings),
        rate_limits=make_rate_limits(settings),
    )
    redis_ready = (
        RedisReadiness(settings.redis_url, settings.redis_timeout_seconds)
        if settings.redis_url
        else None
    )
    webhook_runner = make_webhook_runner(settings, database, hub, graphql.schema)
    if webhook_runner is not None:
        graphql.webhooks_changed = webhook_runner.poke

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await database.create_tables(migrate=settings.migrate_on_start)
        if settings.load_demo_data:
            await load_demo_data(database, synthetic_packages=settings.demo_synthetic_packages)
        await hub.start()
        if webhook_runner is not None:
            await webhook_runner.start()
        configure_logs(settings.log_format, settings.log_level)
        tune_garbage_collector(settings)
        yield
        if webhook_runner is not None:
            await webhook_runner.stop()
        await hub.stop()
        await graphql.limiter.close()
        await graphql.persisted.close()
        if graphql.rate_limits is not None:
            await graphql.rate_limits.close()
        if redis_ready is not None:
            await redis_ready.close()
        if tracing is not None:
            await tracing.stop()
        if db is None:  # an injected database belongs to the caller
            await database.dispose()

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> JSONResponse:
        """200 when the database answers and, with REDIS_URL, Redis answers a PING within
        REDIS_TIMEOUT_SECONDS and the event stream is up: a load balancer sends traffic
        to this process only then (`/healthz`: it runs)."""
        database_check, redis_check = await asyncio.gather(
            _database_answers(database), _redis_answers(redis_ready, hub)
        )
        checks = {"database": database_check, "redis": redis_check}
        up = all(value in ("ok", "not used") for value in checks.values())
        return JSONResponse(
            {"status": "ready" if up else "unavailable", **checks}, 200 if up else 503
        )

    async def home(request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    app = Starlette(
        routes=[
            # First: Starlette tries the routes in order, and nearly every request is here.
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/", home),
            Route("/healthz", health),
            Route("/readyz", ready),
            *([Route("/metrics", metrics)] if settings.metrics else []),
            *rest_routes(database, settings),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
            *_example_routes(settings),
        ],
        middleware=[
            Middleware(RequestLog),  # outermost: every answer has an id and a log line
            *(tracing.middleware() if tracing is not None else []),
            Middleware(
                Cors,
                allow_origins=settings.cors_allow_origins,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type"],
                max_age=600,
            ),
            # Inside CORS, so a browser reads the 413 instead of a CORS failure.
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.db = database
    app.state.hub = hub
    app.state.graphql = graphql
    app.state.webhook_runner = webhook_runner
    app.state.settings = settings
    app.state.tracing = tracing
    app.state.redis_ready = redis_ready
    return app


def _start_tracing(database: Database, provider: TracerProvider | None) -> Tracing | None:
    """OpenTelemetry is imported only here, and only when traces are asked for."""
    if provider is None and not core_tracing.requested(os.environ):
        return None
    try:
        from server.observability.tracing import Tracing
    except ImportError as missing:
        logging.getLogger("dpgraph").warning(
            "OTEL_* variables ask for traces, but OpenTelemetry is not installed (%s): "
            "pip install -e '.[otel]'; serving without traces",
            missing.name,
        )
        return None
    return Tracing.start(database.engine, os.environ, provider)


async def _database_answers(database: Database) -> str:
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS), database.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (TimeoutError, OSError, SQLAlchemyError):
        return "down"
    return "ok"


async def _redis_answers(redis: RedisReadiness | None, hub: EventHub) -> str:
    if redis is None:
        return "not used"
    if await redis.check() != "ok":
        return "down"  # frozen or gone, whatever the event stream has noticed so far
    return "ok" if hub.available else "down"


def _example_routes(settings: Settings) -> list[Mount]:
    """The example frontend (plain files, no build step) at /examples/, when enabled."""
    if not settings.serve_examples:
        return []
    if not EXAMPLES_DIR.is_dir():  # e.g. an image built without it: the API still serves
        logging.getLogger("dpgraph").warning("SERVE_EXAMPLES is on but %s is missing", EXAMPLES_DIR)
        return []
    return [Mount("/examples", StaticFiles(directory=EXAMPLES_DIR, html=True), name="examples")]

"""This process's webhook loop: take leases, follow each webhook held, send what is due.

Each held webhook has two tasks: its follower (queues results) and its sender (posts the
oldest pending delivery, one at a time, so a receiver sees them in order). A poll every
WEBHOOK_POLL_SECONDS renews the leases and notices webhooks created, paused or resumed
elsewhere; `poke()` runs one at once (after an admin's edit in this process).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from core.db import Database
from core.settings import Settings
from metrics import WEBHOOK_ATTEMPTS
from models import Webhook
from webhooks import store
from webhooks.attempt import Outcome, post, retry_delay
from webhooks.follower import Paused, StartStream, follow_webhook
from webhooks.signing import signed_headers
from webhooks.targets import TargetRefused, check_target

logger = logging.getLogger("dpgraph.webhooks")


@dataclass(eq=False)
class Held:
    webhook: Webhook
    follower: asyncio.Task[None] | None = None
    sender: asyncio.Task[None] | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def tasks(self) -> list[asyncio.Task[None]]:
        return [task for task in (self.follower, self.sender) if task is not None]


class WebhookRunner:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        start_stream: StartStream,
        restart_point: Callable[[], str | None],
        *,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.start_stream = start_stream
        self.restart_point = restart_point
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.policy = store.RetryPolicy(
            max_failures=settings.webhook_max_failures,
            base_seconds=settings.webhook_retry_base_seconds,
            max_seconds=settings.webhook_retry_max_seconds,
        )
        self.held: dict[int, Held] = {}
        self._client = client or httpx.AsyncClient(trust_env=False)
        self._poke = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="dpgraph-webhooks")

    async def stop(self) -> None:
        """Stop following and sending; hand the leases back so another process goes on."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for webhook_id in list(self.held):
            await self._drop(webhook_id)
        await store.finish_writes()
        with suppress(Exception):
            await store.release_leases(self.db, self.owner)
        await self._client.aclose()

    def poke(self) -> None:
        self._poke.set()

    async def _run(self) -> None:
        while True:
            self._poke.clear()
            try:
                await self.tick()
            except Exception:  # a database hiccup: the next poll tries again
                logger.exception("webhook poll failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(self._poke.wait(), self.settings.webhook_poll_seconds)

    async def tick(self) -> None:
        now = datetime.now(UTC)
        webhooks = await store.take_leases(
            self.db, self.owner, now, self.settings.webhook_lease_seconds
        )
        current = {webhook.id: webhook for webhook in webhooks if webhook.id is not None}
        for webhook_id in set(self.held) - set(current):
            await self._drop(webhook_id)
        for webhook_id, webhook in current.items():
            held = self.held.get(webhook_id)
            if held is None or all(task.done() for task in held.tasks()):
                held = self.held[webhook_id] = Held(webhook)
                held.follower = asyncio.create_task(
                    self._follow(held), name=f"dpgraph-webhook-follow-{webhook_id}"
                )
                held.sender = asyncio.create_task(
                    self._send(held), name=f"dpgraph-webhook-send-{webhook_id}"
                )
            held.webhook = webhook  # its latest URL and secrets
            held.wake.set()  # a retry may be due, or a redelivery queued elsewhere

    async def _drop(self, webhook_id: int) -> None:
        held = self.held.pop(webhook_id, None)
        if held is None:
            return
        for task in held.tasks():
            task.cancel()
        for task in held.tasks():
            with suppress(asyncio.CancelledError, Exception):
                await task

    async def _follow(self, held: Held) -> None:
        try:
            await follow_webhook(
                self.db,
                self.owner,
                held.webhook,
                self.start_stream,
                held.wake.set,
                self.restart_point,
            )
        except Paused:
            self.poke()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("webhook %s: following failed", held.webhook.name)

    async def _send(self, held: Held) -> None:
        assert held.webhook.id is not None
        while True:
            held.wake.clear()  # before the read: a result queued meanwhile wakes us
            delivery = await store.next_pending(self.db, held.webhook.id)
            if delivery is None:
                await held.wake.wait()
                continue
            wait = (delivery.next_attempt - datetime.now(UTC)).total_seconds()
            if wait > 0:
                with suppress(TimeoutError):
                    await asyncio.wait_for(held.wake.wait(), wait)
                continue
            outcome = await self._attempt(held.webhook, delivery.message_id, delivery.payload)
            now = datetime.now(UTC)
            delay = retry_delay(
                delivery.attempts + 1,
                base=self.policy.base_seconds,
                maximum=self.policy.max_seconds,
                retry_after=outcome.retry_after,
            )
            settled = await store.settle(
                self.db,
                self.owner,
                delivery,
                outcome,
                now,
                now + timedelta(seconds=delay),
                self.policy,
            )
            WEBHOOK_ATTEMPTS.labels(
                "delivered" if outcome.delivered else "paused" if settled.paused else "failed"
            ).inc()
            if not outcome.delivered:
                logger.info(
                    "webhook %s: %s failed (%s)",
                    held.webhook.name,
                    delivery.message_id,
                    outcome.error,
                )
            if not settled.held or settled.paused:
                self.poke()  # the poll drops it
                return

    async def _attempt(self, webhook: Webhook, message_id: str, payload: str) -> Outcome:
        try:
            target = await check_target(
                webhook.url, allow_private=self.settings.webhook_allow_private_targets
            )
        except TargetRefused as refusal:
            return Outcome(False, error=str(refusal))
        now = datetime.now(UTC)
        keys = [webhook.secret]
        if webhook.previous_secret and (webhook.previous_secret_expires or now) > now:
            keys.append(webhook.previous_secret)
        body = payload.encode()
        headers = signed_headers(keys, message_id, int(now.timestamp()), body)
        return await post(
            self._client,
            webhook.url,
            body,
            headers,
            self.settings.webhook_timeout_seconds,
            connect_to=target.address,  # the address just checked, not a fresh look-up
        )

"""Webhook targets (issue 22): IPv6 forms that embed a private IPv4 address are refused,
and an attempt connects to the address that was checked (no second look-up)."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

import models
from core.settings import Settings
from webhooks.attempt import pinned
from webhooks.runner import WebhookRunner
from webhooks.targets import TargetRefused, check_target, embedded_ipv4

PUBLIC = "93.184.215.14"


@pytest.mark.parametrize(
    "url",
    [
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254 (cloud metadata)
        "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
        "http://[64:ff9b:1::a9fe:a9fe]/",  # local-use NAT64 (RFC 8215)
        "http://[64:ff9b:1:a9fe:a9:fe00::]/",  # the /48 format of 169.254.169.254
        "http://[2002:a9fe:a9fe::]/",  # 6to4 of 169.254.169.254
        "http://[2002:a00:1::1]/",  # 6to4 of 10.0.0.1
        "http://[2001:0:4136:e378:8000:63bf:56fe:5601]/",  # Teredo, client 169.1.169.254
        "http://[::ffff:a9fe:a9fe]/",  # IPv4-mapped
        "http://[::ffff:0:a9fe:a9fe]/",  # IPv4-translated (SIIT)
        "http://[::a9fe:a9fe]/",  # IPv4-compatible (deprecated)
        "http://[::7f00:1]/",  # IPv4-compatible 127.0.0.1
    ],
)
async def test_embedded_private_ipv4_is_refused(url: str) -> None:
    with pytest.raises(TargetRefused, match="WEBHOOK_ALLOW_PRIVATE_TARGETS"):
        await check_target(url, allow_private=False)


@pytest.mark.parametrize(
    "url", ["http://[64:ff9b::808:808]/", "http://[2002:808:808::1]/", "http://[2606:4700::1]/"]
)
async def test_embedded_public_ipv4_is_a_target(url: str) -> None:
    target = await check_target(url, allow_private=False)
    assert target.address == url.split("[")[1].split("]")[0]


def test_teredo_client_address_is_the_inverted_last_32_bits() -> None:
    import ipaddress

    found = embedded_ipv4(ipaddress.IPv6Address("2001:0:4136:e378:8000:63bf:56fe:5601"))
    assert ipaddress.IPv4Address("169.1.169.254") in found  # ~0x56fe5601
    assert ipaddress.IPv4Address("65.54.227.120") in found  # the server


def test_a_request_is_pinned_with_the_host_kept() -> None:
    url, headers, extensions = pinned("https://hooks.example.com:8443/in?x=1", PUBLIC)
    assert str(url) == f"https://{PUBLIC}:8443/in?x=1"
    assert headers == {"host": "hooks.example.com:8443"}
    assert extensions == {"sni_hostname": "hooks.example.com"}
    url, headers, extensions = pinned("http://hooks.example.com/in", "2606:4700::1")
    assert str(url) == "http://[2606:4700::1]/in"
    assert headers == {"host": "hooks.example.com"} and extensions == {}


@pytest.fixture
async def rebinding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A name that resolves to a public address once, then to the metadata service
    (DNS rebinding); records each look-up."""
    looked_up: list[str] = []
    loop = asyncio.get_running_loop()

    async def getaddrinfo(host: str, port: int, **kwargs: Any) -> list[Any]:
        looked_up.append(host)
        address = PUBLIC if len(looked_up) == 1 else "169.254.169.254"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
    return looked_up


async def test_an_attempt_connects_to_the_checked_address(
    db: Any, settings: Settings, rebinding: list[str]
) -> None:
    sent: list[httpx.Request] = []

    def receive(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(receive)) as client:
        runner = WebhookRunner(db, settings, None, lambda: None, client=client)  # type: ignore[arg-type]
        webhook = models.Webhook(
            name="w",
            url="https://rebinding.example/hook",
            document="subscription { __typename }",
            secret="whsec_" + "a" * 32,
            created=datetime.now(UTC),
            created_by="root",
        )
        outcome = await runner._attempt(webhook, "msg_1", "{}")
    assert outcome.delivered, outcome
    assert rebinding == ["rebinding.example"]  # resolved once, for the check
    [request] = sent
    assert request.url.host == PUBLIC  # not what the name resolves to now
    assert request.headers["host"] == "rebinding.example"
    assert request.extensions["sni_hostname"] == "rebinding.example"

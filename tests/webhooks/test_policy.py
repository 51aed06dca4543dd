"""The pieces a delivery decision is made of: the retry delay, Retry-After, targets and
signatures (the latter against the reference library)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from webhooks.attempt import retry_delay
from webhooks.signing import is_secret, new_message_id, new_secret, signed_headers
from webhooks.targets import TargetRefused, check_target, check_url


def test_the_delay_doubles_with_jitter_and_is_capped() -> None:
    lows = [retry_delay(n, base=1, maximum=60, rng=lambda: 0.0) for n in range(1, 9)]
    highs = [retry_delay(n, base=1, maximum=60, rng=lambda: 1.0) for n in range(1, 9)]
    assert lows == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert highs == [1, 2, 4, 8, 16, 32, 60, 60]


def test_retry_after_is_honoured_but_capped() -> None:
    assert retry_delay(1, base=1, maximum=60, retry_after=20, rng=lambda: 1.0) == 20
    assert retry_delay(1, base=1, maximum=60, retry_after=3600, rng=lambda: 1.0) == 60


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fd00::1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
    ],
)
async def test_private_and_loopback_targets_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused, match="WEBHOOK_ALLOW_PRIVATE_TARGETS"):
        await check_target(url, allow_private=False)
    await check_target(url, allow_private=True)


async def test_a_public_address_is_a_target() -> None:
    await check_target("https://93.184.215.14/hook", allow_private=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/", "http"),
        ("/relative", "absolute"),
        ("https://user:pw@example.org/", "credentials"),
        ("https://example.org/#x", "fragment"),
        ("https://example.org:99999/", "port"),
        ("https://example.org/" + "a" * 2000, "longer"),
    ],
)
def test_malformed_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(TargetRefused, match=reason):
        check_url(url)


def test_signatures_verify_with_the_reference_library_for_each_secret() -> None:
    old, new = new_secret(), new_secret()
    assert is_secret(old) and not is_secret("whsec_short") and not is_secret("plain")
    body = b'{"type":"packageChanged","data":{}}'
    message_id = new_message_id()
    now = int(datetime.now(UTC).timestamp())
    headers = signed_headers([new, old], message_id, now, body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Verifier(secret).verify(body, headers) == {"type": "packageChanged", "data": {}}
    with pytest.raises(Exception, match=r"(?i)signature"):
        Verifier(new_secret()).verify(body, headers)

"""examples/webhook_receiver.py, the README's receiver: it accepts what the server signs and
refuses anything else (checked against the server's own signing, which the reference
verifier checks in test_signing.py)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from types import ModuleType

import httpx

from core.settings import PROJECT_ROOT
from tests.server_process import free_port
from webhooks.signing import new_secret, signed_headers

PATH = PROJECT_ROOT / "examples" / "webhook_receiver.py"
BODY = b'{"type": "packageChanged", "data": {"packageChanged": {"slug": "django-shop"}}}'


def _receiver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webhook_receiver", PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_verifies_exactly_what_the_server_signs() -> None:
    receiver = _receiver()
    secret, other = new_secret(), new_secret()
    key = receiver.signing_key(secret)
    now = int(time.time())
    headers = signed_headers([secret], "msg_1", now, BODY)
    assert receiver.verified(key, headers, BODY, now)
    assert receiver.verified(key, signed_headers([other, secret], "msg_1", now, BODY), BODY, now)
    assert not receiver.verified(key, signed_headers([other], "msg_1", now, BODY), BODY, now)
    assert not receiver.verified(key, headers, BODY + b" ", now)  # the body changed
    assert not receiver.verified(key, headers, BODY, now + 301)  # replayed too late
    assert not receiver.verified(key, {**headers, "webhook-id": ""}, BODY, now)


def test_it_answers_401_to_a_forged_delivery_and_204_to_a_signed_one() -> None:
    secret, port = new_secret(), free_port()
    with subprocess.Popen(
        [sys.executable, str(PATH), "--port", str(port), "--secret", secret],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stderr is not None
            assert process.stderr.readline().startswith("listening on")
            url = f"http://127.0.0.1:{port}/dpgraph"
            now = int(time.time())
            forged = httpx.post(
                url, content=BODY, headers=signed_headers([new_secret()], "msg_2", now, BODY)
            )
            assert forged.status_code == 401
            signed = httpx.post(
                url, content=BODY, headers=signed_headers([secret], "msg_2", now, BODY)
            )
            assert signed.status_code == 204
        finally:
            process.terminate()
        out, _ = process.communicate(timeout=10)
    assert out.splitlines() == [
        '{"webhookId": "msg_2", "type": "packageChanged", '
        '"data": {"packageChanged": {"slug": "django-shop"}}}'
    ]


def test_a_secret_that_is_not_one_is_refused_at_start() -> None:
    done = subprocess.run(
        [sys.executable, str(PATH), "--secret", "hunter2"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "--secret is the whsec_... value createWebhook answered" in done.stderr

"""A webhook receiver to try dpgraph's webhooks on one machine (standard library only).

    .venv/bin/python examples/webhook_receiver.py --port 9000 --secret 'whsec_...'

It checks each POST's Standard Webhooks signature with the webhook's secret (the
`createWebhook` answer shows it once), answers 204 and prints the delivery as one JSON
line; a POST with a missing, stale or forged signature gets 401, so the server retries
it. The check is the specification's: HMAC-SHA256 over "id.timestamp.body" with the
secret's base64 key, a timestamp within five minutes, any of the signatures listed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60


def signing_key(secret: str) -> bytes:
    """The key inside `whsec_<base64>`; ValueError for anything else."""
    if not secret.startswith("whsec_"):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret.removeprefix("whsec_"), validate=True)


def verified(key: bytes, headers: dict[str, str], body: bytes, now: float) -> bool:
    """Whether one of the `webhook-signature` values signs this id, timestamp and body."""
    message_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    if not message_id or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    signed = f"{message_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in headers.get("webhook-signature", "").split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


def handler_for(key: bytes) -> type[BaseHTTPRequestHandler]:
    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            if not verified(key, headers, body, time.time()):
                self.send_response(401)
                self.end_headers()
                return
            # Recorded (printed) before it is acknowledged: a 2xx tells the server it is done.
            delivery = {"webhookId": headers["webhook-id"], **json.loads(body)}
            print(json.dumps(delivery), flush=True)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the deliveries are the output."""

    return Receiver


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", required=True, help="the webhook's whsec_... secret")
    args = parser.parse_args(argv)
    try:
        key = signing_key(args.secret)
    except ValueError:
        parser.error("--secret is the whsec_... value createWebhook answered")
    server = ThreadingHTTPServer((args.host, args.port), handler_for(key))
    print(f"listening on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

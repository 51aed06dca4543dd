"""With no OTEL_* variable set, tracing costs nothing: no OpenTelemetry module is imported
on the request path, no middleware, hook or listener is installed. Without the `otel`
extra the server serves all the same, and says once why a request for traces goes
unanswered. Each case runs in a fresh interpreter (this one has OpenTelemetry loaded)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("tracing_off.py")


def _serve(mode: str, tmp_path: Path, **otel: str) -> tuple[dict[str, Any], str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), mode, str(tmp_path / "dpgraph.db")],
        cwd=ROOT,
        env={**environ, "PYTHONPATH": str(ROOT), **otel},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


def test_with_no_otel_variable_nothing_is_imported_or_installed(tmp_path):
    seen, errors = _serve("installed", tmp_path)
    assert seen["statuses"] == [200, 200, 200, 200]
    assert seen["imported_by_requests"] == []
    assert seen["tracing_modules"] == []
    assert seen["app_tracing"] is False and seen["hooks_installed"] is False
    assert "RequestLog" in seen["middleware"] and "RequestSpans" not in seen["middleware"]
    assert "OpenTelemetry" not in errors


@pytest.mark.parametrize("asked", [{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"}, {}])
def test_without_the_extra_the_server_serves_and_says_why_traces_are_off(tmp_path, asked):
    seen, errors = _serve("absent", tmp_path, **asked)
    assert seen["statuses"] == [200, 200, 200, 200]
    assert seen["app_tracing"] is False and seen["hooks_installed"] is False
    warned = [line for line in errors.splitlines() if "OpenTelemetry is not installed" in line]
    assert len(warned) == (1 if asked else 0), errors
    if asked:
        assert "pip install -e '.[otel]'" in warned[0]

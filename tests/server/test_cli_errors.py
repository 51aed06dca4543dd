"""What a newcomer meets first reads as one line with the fix (issue 23): no database, a
database that does not answer, a port in use, Redis down, a broken `.env`. Each command
runs as a real process, as a user would run it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from core.env_file import EnvFileError
from core.settings import ENV_FILE_VARIABLE, PROJECT_ROOT, env_file
from tests.conftest import SEEDS_DIR, suite_database
from tests.server_process import ROOT, free_port, running_server

COMMANDS = [
    ["serve"],
    ["migrate"],
    ["token", "list"],
    ["generate", "--packages", "3"],
    ["import", str(SEEDS_DIR)],
]


def run_cli(
    workdir: Path, env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=workdir,
        env={**base, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def the_line(done: subprocess.CompletedProcess[str]) -> str:
    """The command failed with exit status 2, one line on stderr, and served nothing."""
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("dpgraph: ")
    assert "serving" not in done.stdout
    return lines[0]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (a frozen server)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for connection in held:
            connection.close()
        listener.close()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_an_unreachable_database_is_one_line(tmp_path: Path, command: list[str]) -> None:
    port = free_port()  # nothing listens there
    done = run_cli(
        tmp_path, {"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/x"}, *command
    )
    line = the_line(done)
    assert f"cannot connect to the database on 127.0.0.1:{port} (connection refused)" in line
    assert "start PostgreSQL there, or point DATABASE_URL at where it runs" in line


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_a_missing_database_is_one_line_with_the_command_that_makes_it(
    tmp_path: Path, command: list[str]
) -> None:
    suite = suite_database()
    if not suite.is_postgresql:
        pytest.skip("needs DATABASE_URL (PostgreSQL): a server without that database")
    missing = make_url(suite.url).set(database=f"{suite.name}_missing")
    url = missing.render_as_string(hide_password=False)
    line = the_line(run_cli(tmp_path, {"DATABASE_URL": url}, *command))
    assert f'the database "{suite.name}_missing" does not exist' in line
    assert f"createdb -h {missing.host} -p {missing.port or 5432}" in line


def test_a_database_that_does_not_answer_is_one_line(tmp_path: Path, silent_server: int) -> None:
    url = f"postgresql://postgres@127.0.0.1:{silent_server}/x"
    line = the_line(run_cli(tmp_path, {"DATABASE_URL": url}, "serve"))
    assert f"the database on 127.0.0.1:{silent_server} did not answer within 10 s" in line


def test_a_sqlite_file_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "not-a-directory").write_text("")
    url = f"sqlite:///{tmp_path / 'not-a-directory' / 'dpgraph.db'}"
    line = the_line(run_cli(tmp_path, {"DATABASE_URL": url}, "migrate"))
    assert "cannot open the SQLite database" in line and "set DATABASE_URL" in line


def test_a_port_in_use_is_reported_before_serving(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
        line = the_line(run_cli(tmp_path, env, "serve", "--port", str(port)))
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "--port or PORT" in line


@pytest.mark.parametrize("redis", ["dead", "frozen"])
def test_redis_down_at_start_up_is_one_warning_and_the_server_serves(
    tmp_path: Path, silent_server: int, redis: str
) -> None:
    port = free_port() if redis == "dead" else silent_server
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "DEMO_SYNTHETIC_PACKAGES": "0",
    }
    with running_server(tmp_path, env) as server:
        ready = server.url  # answered /healthz: it serves
    assert ready
    lines = server.output.splitlines()
    [warning] = [line for line in lines if "Redis" in line]
    assert warning.startswith(f"dpgraph: warning: Redis at redis://127.0.0.1:{port}/0 does not")
    assert "start Redis or unset REDIS_URL" in warning
    assert lines.index(warning) < next(i for i, x in enumerate(lines) if "serving" in x)
    assert "Traceback" not in server.output


def test_invalid_settings_are_one_line(tmp_path: Path) -> None:
    line = the_line(run_cli(tmp_path, {"PORT": "99999"}, "migrate"))
    assert (
        line == "dpgraph: invalid configuration: PORT: Input should be less than or equal to 65535"
    )


def write_env(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "settings.env"
    path.write_text(text)
    return {ENV_FILE_VARIABLE: str(path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}


def test_an_unbalanced_quote_in_env_stops_with_its_line(tmp_path: Path) -> None:
    env = write_env(tmp_path, 'PORT=9000\nDATABASE_URL="postgresql://u@db/app\nWORKERS=2\n')
    del env["DATABASE_URL"]  # the line meant to set it is the broken one
    line = the_line(run_cli(tmp_path, env, "migrate"))
    assert line.endswith("settings.env: line 2 (DATABASE_URL=...) cannot be read: check its quotes")


def test_a_misspelled_setting_in_env_stops_with_a_suggestion(tmp_path: Path) -> None:
    env = write_env(tmp_path, "DATABSE_URL=postgresql://u@db/app\nDPGRAPH_WORKERS=2\n")
    line = the_line(run_cli(tmp_path, env, "migrate"))
    assert "line 1: DATABSE_URL is not a setting (did you mean DATABASE_URL?)" in line
    assert "line 2: DPGRAPH_WORKERS is not a setting" in line


def test_another_programs_key_in_env_is_one_warning(tmp_path: Path) -> None:
    env = write_env(tmp_path, "COMPOSE_PROJECT_NAME=dpgraph\nPORT=9000\n")
    done = run_cli(tmp_path, env, "migrate")
    assert done.returncode == 0, done.stderr
    [warning] = [line for line in done.stderr.splitlines() if "COMPOSE_PROJECT_NAME" in line]
    assert "settings.env sets COMPOSE_PROJECT_NAME: not dpgraph settings, so ignored" in warning
    assert "Traceback" not in done.stderr


def test_the_project_env_file_is_read_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_FILE_VARIABLE)
    assert env_file() == PROJECT_ROOT / ".env"
    (tmp_path / ".env").write_text("DATABSE_URL=postgresql://u@db/app\n")  # never read
    env = {k: v for k, v in os.environ.items() if k != ENV_FILE_VARIABLE}
    done = subprocess.run(
        [sys.executable, "-m", "server", "migrate"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "DATABSE_URL" not in done.stderr


def test_an_env_file_variable_naming_no_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_FILE_VARIABLE, str(tmp_path / "missing.env"))
    with pytest.raises(EnvFileError, match=r"missing\.env, which is not a file"):
        env_file()
    monkeypatch.setenv(ENV_FILE_VARIABLE, "")
    assert env_file() is None

"""The image holds every package the server imports (a missing COPY only fails at run time)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_dockerfile_copies_every_package_and_the_data_it_serves():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = set(re.findall(r"^COPY (\S+) \./", (ROOT / "Dockerfile").read_text(), re.MULTILINE))
    missing = (packages | {"data", "examples", "migrations"}) - copied
    assert not missing, f"Dockerfile does not COPY {sorted(missing)}"


def test_the_image_is_built_in_stages_and_runs_unprivileged_with_a_health_check():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM ", dockerfile, re.MULTILINE)
    assert len(stages) >= 2, "dependencies are installed in a stage of their own"
    assert "COPY --from=dependencies /opt/venv" in dockerfile
    [user] = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert user not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*/readyz", dockerfile, re.MULTILINE)


def test_compose_runs_two_servers_sharing_postgres_and_redis_behind_one_port():
    import yaml  # type: ignore[import-untyped]

    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    servers = {name: s for name, s in services.items() if s.get("build") == "."}
    assert len(servers) == 2
    for server in servers.values():
        environment = server["environment"]
        assert environment["DATABASE_URL"].startswith("postgresql://")
        assert environment["REDIS_URL"].startswith("redis://redis:")
    published = [s for s in services.values() if s.get("ports")]
    [proxy] = published
    assert proxy["ports"] == ["8000:8000"]
    assert all(f"{name}:8000" in proxy["command"] for name in servers)


def test_the_image_installs_the_servers_lock_and_nothing_unpinned():
    dockerfile = (ROOT / "Dockerfile").read_text()
    dependencies = dockerfile.split("\nFROM ", 2)[1]  # the first stage's instructions
    assert "COPY requirements/serve.txt /tmp/serve.txt" in dependencies
    assert "pip install --require-hashes -r /tmp/serve.txt" in dependencies
    installs = re.findall(r"pip install ([^\n\\]*)", dockerfile)
    assert len(installs) == 2, installs
    project = next(line for line in installs if line.rstrip().endswith("-e ."))
    assert "--no-deps" in project and "--no-build-isolation" in project  # fetches nothing
    assert "dev.txt" not in dockerfile and ".[dev]" not in dockerfile, "no test tooling"


def test_the_process_runs_as_the_unprivileged_user_the_image_creates():
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    [created] = [line for line in lines if line.startswith("RUN useradd")]
    user = created.split()[-1]
    instructions = [line.split()[0] for line in lines if line[:1].isupper()]
    assert [line.split()[1] for line in lines if line.startswith("USER ")][-1] == user
    after_user = instructions[len(instructions) - instructions[::-1].index("USER") :]
    assert "RUN" not in after_user and instructions[-1] == "CMD"


def test_secrets_and_local_state_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".env", ".venv/", "var/", "tests/"} <= set(ignored)

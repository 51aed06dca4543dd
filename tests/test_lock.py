"""The lock files (requirements/*.txt, written by `scripts/lock`) agree with pyproject.toml,
and this environment was installed from them: an install is the same on every machine."""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from scripts.lock_inputs import DIGEST_PREFIX, LOCKS, ROOT, digest, inputs, tool_requirements

RELOCK = "pyproject.toml and the lock files disagree: run scripts/lock and commit requirements/"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?:\s*;\s*(.+?))?\s*\\?$")


@dataclass(frozen=True)
class Pin:
    version: str
    marker: str | None
    hashes: int

    def applies(self) -> bool:
        return self.marker is None or Marker(self.marker).evaluate()


def read_lock(name: str) -> dict[str, Pin]:
    lines = (LOCKS / name).read_text().splitlines()
    pins: dict[str, Pin] = {}
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if match is None:
            continue
        hashes = 0
        for following in lines[number + 1 :]:
            if not following.strip().startswith("--hash=sha256:"):
                break
            hashes += 1
        package, version, marker = match.groups()
        pins[canonicalize_name(package)] = Pin(version, marker, hashes)
    return pins


def recorded_digest(name: str) -> str:
    for line in (LOCKS / name).read_text().splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX)
    raise AssertionError(f"requirements/{name} has no digest line: {RELOCK}")


def serve_requirements() -> list[Requirement]:
    """The server's dependencies and the otel extra (a server traces once OTEL_* say so)."""
    project = inputs()
    tracing = project["optional-dependencies"]["otel"]
    return [Requirement(r) for r in [*project["dependencies"], *tracing, *tool_requirements()]]


def dev_requirements() -> list[Requirement]:
    """The dev extra, with its `dpgraph[...]` references to other extras read through."""
    extras = inputs()["optional-dependencies"]
    wanted = [Requirement(r) for r in extras["dev"]]
    own = [r for r in wanted if canonicalize_name(r.name) == "dpgraph"]
    others = [Requirement(r) for r in own for extra in r.extras for r in extras[extra]]
    theirs = [r for r in wanted if canonicalize_name(r.name) != "dpgraph"]
    return [*serve_requirements(), *others, *theirs]


@pytest.mark.parametrize("lock", ["serve.txt", "dev.txt"])
def test_the_lock_was_made_from_pyproject_as_it_is(lock: str) -> None:
    assert recorded_digest(lock) == digest(), RELOCK


@pytest.mark.parametrize(
    ("lock", "requirements"), [("serve.txt", serve_requirements), ("dev.txt", dev_requirements)]
)
def test_every_requirement_is_pinned_within_its_range_with_hashes(lock, requirements) -> None:
    pins = read_lock(lock)
    for requirement in requirements():
        pin = pins.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement.name} is not in requirements/{lock}: {RELOCK}"
        assert requirement.specifier.contains(Version(pin.version), prereleases=True), (
            f"requirements/{lock} pins {requirement.name}=={pin.version}, outside "
            f"{requirement.specifier}: {RELOCK}"
        )
    assert all(pin.hashes for pin in pins.values()), "every pin carries its hashes"


def test_the_server_lock_has_the_dev_locks_versions_and_no_dev_tool() -> None:
    serve, dev = read_lock("serve.txt"), read_lock("dev.txt")
    assert {name: pin.version for name, pin in serve.items()} == {
        name: dev[name].version for name in serve
    }
    for tool in ("pytest", "playwright", "mypy", "schemathesis", "ruff", "uv"):
        assert tool not in serve, f"{tool} is not needed to serve"


def test_this_environment_was_installed_from_the_lock() -> None:
    """CI installs from scratch (.ci/run), so this checks scripts/bootstrap uses the lock."""
    wrong = {}
    for name, pin in read_lock("dev.txt").items():
        if not pin.applies():
            continue
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = "missing"
        if Version(installed if installed != "missing" else "0") != Version(pin.version):
            wrong[name] = f"{installed}, locked {pin.version}"
    assert not wrong, f"run scripts/bootstrap: {wrong}"


def test_the_scripts_install_from_the_lock() -> None:
    bootstrap = (ROOT / "scripts" / "bootstrap").read_text()
    assert '--require-hashes -r "requirements/$mode.txt"' in bootstrap
    assert "--no-deps --no-build-isolation -e ." in bootstrap
    assert "scripts/bootstrap serve" in (ROOT / "scripts" / "serve").read_text()
    assert '"$root/scripts/bootstrap" serve' in (ROOT / "scripts" / "dpgraph").read_text()
    assert "scripts/bootstrap dev" in (ROOT / "scripts" / "test").read_text()
    for path in ("scripts/bootstrap", "scripts/serve", "scripts/test", ".ci/run", "Dockerfile"):
        text = Path(ROOT / path).read_text()
        assert not re.search(r"pip install[^\n]*(\.\[dev\]|-r /tmp/requirements)", text), path

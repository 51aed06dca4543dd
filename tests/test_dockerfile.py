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
    missing = (packages | {"data", "examples"}) - copied
    assert not missing, f"Dockerfile does not COPY {sorted(missing)}"

"""What the lock files are made from, and its digest: `scripts/lock` writes the digest
into each lock file and tests/test_lock.py fails when pyproject.toml no longer matches it.

The digest covers the parsed requirement lists (not comments or formatting), so a new
dependency, a changed range or a new extra needs `scripts/lock`, and nothing else does.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "requirements"
TOOLS = LOCKS / "tools.in"
DIGEST_PREFIX = "# inputs sha256: "


def tool_requirements() -> list[str]:
    lines = TOOLS.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def inputs() -> dict[str, Any]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {
        "requires-python": project["project"]["requires-python"],
        "dependencies": project["project"]["dependencies"],
        "optional-dependencies": project["project"].get("optional-dependencies", {}),
        "build-system": project["build-system"]["requires"],
        "tools": tool_requirements(),
    }


def digest() -> str:
    encoded = json.dumps(inputs(), sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


if __name__ == "__main__":
    print(digest())

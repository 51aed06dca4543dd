"""Check a `.env` file before its settings are read, so a mistake in it stops the start
with the line to fix instead of being skipped.

python-dotenv drops a line it cannot parse (an unbalanced quote) and pydantic-settings
ignores keys that are not settings, so `DATABSE_URL=postgresql://...` or a quote left
open ran the server on the default SQLite database without a word.

- A line that does not parse, a value that runs over several lines (a quote left open),
  a key without `=`: errors.
- A key close to a setting's name (`DATABSE_URL`), or one starting with `DPGRAPH_`:
  an error. It can only be meant for dpgraph, and running on the default instead (SQLite
  for PostgreSQL, no rate limits) is the harm; the fix is one line.
- Any other key: a warning naming it. Other tools read the same file (docker compose
  reads `.env` beside compose.yaml for its own variables), so it may be right there, but
  dpgraph does not read it, and neither does any program it starts.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from dotenv.parser import parse_stream

OUR_PREFIX = "DPGRAPH_"
CLOSE_ENOUGH = 0.8
"""difflib's ratio: DATABSE_URL/DATABASE_URL 0.96, REDIS_URI/REDIS_URL 0.89, PORT/HOST 0.5."""


class EnvFileError(ValueError):
    """A `.env` file that cannot be read as the user meant it: one line, with the fix."""


@dataclass
class EnvFileReport:
    path: Path
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    """Keys that are not settings and do not look meant for dpgraph."""

    def raise_errors(self) -> None:
        if self.errors:
            raise EnvFileError(f"{self.path}: {'; '.join(self.errors)}")

    def warning(self) -> str | None:
        if not self.ignored:
            return None
        return (
            f"{self.path} sets {', '.join(self.ignored)}: not dpgraph settings, so ignored "
            "(the README's Configuration table lists them; another program's variables "
            "belong in its own environment)"
        )


def inspect_env_file(path: Path, settings: Collection[str]) -> EnvFileReport:
    """What is wrong in `path`, given the names of the settings (upper case)."""
    report = EnvFileReport(path)
    with path.open(encoding="utf-8") as stream:
        bindings = list(parse_stream(stream))
    for binding in bindings:
        line = binding.original.line
        if binding.error:
            key = binding.original.string.split("=", 1)[0].removeprefix("export ").strip()
            report.errors.append(f"line {line} ({key}=...) cannot be read: check its quotes")
            continue
        if binding.key is None:  # a blank line or a comment
            continue
        key = binding.key.upper()
        if binding.value is None:
            report.errors.append(f"line {line}: {binding.key} has no value (write {key}=...)")
        elif key in settings and "\n" in binding.value:
            last = line + binding.value.count("\n")
            report.errors.append(
                f"the value of {key} runs from line {line} to {last}: a quote is not closed "
                "on its line"
            )
        elif key not in settings:
            _unknown(report, binding.key, line, settings)
    return report


def _unknown(report: EnvFileReport, key: str, line: int, settings: Collection[str]) -> None:
    close = difflib.get_close_matches(key.upper(), settings, n=1, cutoff=CLOSE_ENOUGH)
    if close:
        report.errors.append(f"line {line}: {key} is not a setting (did you mean {close[0]}?)")
    elif key.upper().startswith(OUR_PREFIX):
        report.errors.append(f"line {line}: {key} is not a setting")
    else:
        report.ignored.append(key)

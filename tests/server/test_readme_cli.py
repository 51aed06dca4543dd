"""Every command line in the README works as written on a fresh clone.

All of them go through `scripts/dpgraph`; each is parsed by the real argument parser,
and the harmless ones (help, tokens, imports of files, small generates) are run through
the wrapper against a temporary SQLite database, in README order.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT
from server.commands.cli import build_parser

README = (PROJECT_ROOT / "README.md").read_text()
WRAPPER = "scripts/dpgraph"
SMALL = "20"  # packages for a README `generate` line: the flags are what is under test


def _shell_lines() -> list[str]:
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command:
                lines.append(command)
    return lines


def _inline_commands() -> list[str]:
    """Commands quoted in prose; a usage synopsis (`[--seed S]`) or a bare name is not one."""
    commands = []
    for code in re.findall(r"`([^`\n]+)`", README):
        words = code.split()[1:]
        if not code.startswith(WRAPPER) or "[" in code:
            continue
        if len(words) == 1 and not words[0].startswith("-"):  # "`scripts/dpgraph import` does"
            continue
        commands.append(code)
    return commands


CLI_LINES = list(
    dict.fromkeys(
        [line for line in _shell_lines() if line.startswith(WRAPPER)] + _inline_commands()
    )
)


def _arguments(line: str) -> list[str]:
    return shlex.split(line)[1:]


def _harmless(arguments: list[str]) -> bool:
    if not arguments or arguments[0] in ("serve", "export-schema"):
        return arguments == ["--help"]
    if arguments[0] in ("--help", "-h", "token", "generate"):
        return True
    sources = [word for word in arguments[1:] if not word.startswith("-")]
    return arguments[0] == "import" and not any("://" in source for source in sources)


def test_the_readme_has_cli_lines_in_one_form() -> None:
    assert len(CLI_LINES) >= 10
    shell = _shell_lines()
    assert not [line for line in shell if re.match(r"(\S*/)?python3? -m server", line)], (
        "README commands use scripts/dpgraph, which needs no activated venv"
    )


@pytest.mark.parametrize("line", CLI_LINES)
def test_each_cli_line_parses(line: str) -> None:
    arguments = _arguments(line)
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "serve")  # as main() does
    try:
        build_parser().parse_args(arguments)
    except SystemExit as exit:  # --help exits 0 after printing; anything else is an error
        assert exit.code == 0, line


def _small(arguments: list[str]) -> list[str]:
    if arguments[0] != "generate":
        return arguments
    index = arguments.index("--packages")
    return [*arguments[: index + 1], SMALL, *arguments[index + 2 :]]


def test_the_harmless_lines_run_through_the_wrapper(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    ran = []
    for line in CLI_LINES:
        arguments = _arguments(line)
        if not _harmless(arguments):
            continue
        done = subprocess.run(
            [str(PROJECT_ROOT / WRAPPER), *_small(arguments)],
            cwd=PROJECT_ROOT,  # README commands are written from the project root
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        ran.append(arguments[0])
    assert {"--help", "token", "import", "generate"} <= set(ran), ran

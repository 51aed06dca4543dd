"""`python -m server generate`: the run and its summary
(server/commands/cli.py declares the flags)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from core.db import Database
from core.settings import Settings
from synthetic.build import plan_for
from synthetic.load import TABLES, GenerateError, Summary, generate
from synthetic.progress import Reporter, reporter_for


async def _run(settings: Settings, args: argparse.Namespace, reporter: Reporter) -> Summary:
    db = Database.from_settings(settings)
    try:
        plan = plan_for(args.packages, args.seed)
        return await generate(db, plan, replace=args.replace, reporter=reporter)
    finally:
        await db.dispose()


def format_summary(summary: Summary) -> str:
    """The final report: rows per table, total and elapsed time."""
    plan = summary.plan
    lines = [f"synthetic catalogue: {plan.packages:,} packages, seed {plan.seed}"]
    if summary.deleted:
        lines.append(f"  replaced {sum(summary.deleted.values()):,} earlier synthetic rows")
    lines += [f"  {name:<20} {summary.inserted[name]:>10,}" for name in TABLES]
    lines.append(f"  {'total':<20} {summary.total:>10,} rows in {summary.seconds:.1f} s")
    return "\n".join(lines)


def run_generate(args: argparse.Namespace, settings: Settings) -> int:
    """The CLI handler: 0 on success, 2 (with the reason on stderr) when refused."""
    if args.packages < 1:
        print(
            f"dpgraph generate: --packages must be at least 1, not {args.packages}", file=sys.stderr
        )
        return 2
    try:
        summary = asyncio.run(_run(settings, args, reporter_for(sys.stderr)))
    except GenerateError as error:
        print(f"dpgraph generate: {error}", file=sys.stderr)
        return 2
    print(format_summary(summary))
    return 0

"""The bundled demo catalogue: five real v4 package responses and what they reference,
plus (on first start) a labelled synthetic catalogue beside them.

The real records are the seeds and the two categories they belong to, all in
data/seeds/ so that `import data/seeds` writes the same (data/SOURCES.md says where each
fact comes from). Grids the seeds only point at are stored as ids marked not fetched: no
public source gives their titles, so lists leave them out (`loaders.listing`). The
synthetic rows (ids from 1,000,000, names starting with `synthetic-`) give filters,
search, paging and the comparison grid something to show; `DEMO_SYNTHETIC_PACKAGES=0`
leaves them out.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy import func, select

import models
from core.db import Database
from importer.documents import read_document
from importer.v4 import parse_category, parse_package
from synthetic import generate, plan_for
from writes import Actor, open_unit, upsert_category, upsert_package

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SEEDS_DIR = DATA_DIR / "seeds"
SYNTHETIC_SEED = 0
"""Fixed, so every demo database holds the same synthetic rows (and README slugs exist)."""
logger = logging.getLogger("dpgraph.demo")


DEMO = Actor("demo", may_edit_locked=True)


async def load_demo_data(db: Database, *, synthetic_packages: int = 0) -> int:
    """Load the demo catalogue into an empty database; the number of real packages loaded.

    With `synthetic_packages`, a synthetic catalogue of that many packages goes in too,
    but only when the demo itself was loaded: a database that already had packages (a
    restart, a real import) is left alone.
    """
    async with open_unit(db, actor=DEMO) as unit:
        session = unit.session
        await db.lock_for_startup(await session.connection())
        existing = (
            await session.execute(select(func.count()).select_from(models.Package))
        ).scalar()
        if existing:
            return 0
        for category in json.loads((SEEDS_DIR / "categories.json").read_text()):
            await upsert_category(unit, parse_category(category))
        seeds = sorted(SEEDS_DIR.glob("*.txt"))
        for seed in seeds:
            await upsert_package(unit, parse_package(read_document(seed)))
    logger.info("loaded %d demo packages from %s", len(seeds), SEEDS_DIR)
    if synthetic_packages:
        await _load_synthetic(db, synthetic_packages)
    return len(seeds)


async def _load_synthetic(db: Database, packages: int) -> None:
    summary = await generate(db, plan_for(packages, SYNTHETIC_SEED))
    logger.info(
        "loaded a synthetic catalogue beside the demo: %d packages, %d grids in %.1f s "
        "(labelled synthetic-; DEMO_SYNTHETIC_PACKAGES=0 turns it off)",
        summary.inserted["package"],
        summary.inserted["grid"],
        summary.seconds,
    )

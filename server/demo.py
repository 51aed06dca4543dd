"""The bundled demo catalogue: five real v4 package responses and what they reference.

Grids and categories the seeds only point at are stored as ids marked not fetched;
category 1 ("App"/"Apps") is the one whose details ship with the project.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy import func, select

import models
from importer.documents import read_document
from importer.v4 import parse_category, parse_package
from server.db import Database
from writes import Actor, open_unit, upsert_category, upsert_package

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SEEDS_DIR = DATA_DIR / "seeds"
logger = logging.getLogger("dpgraph.demo")


DEMO = Actor("demo", may_edit_locked=True)


async def load_demo_data(db: Database) -> int:
    """Load the demo catalogue into an empty database; the number of packages loaded."""
    async with open_unit(db, actor=DEMO) as unit:
        session = unit.session
        await db.lock_for_startup(await session.connection())
        existing = (
            await session.execute(select(func.count()).select_from(models.Package))
        ).scalar()
        if existing:
            return 0
        for category in json.loads((DATA_DIR / "demo_categories.json").read_text()):
            await upsert_category(unit, parse_category(category))
        seeds = sorted(SEEDS_DIR.glob("*.txt"))
        for seed in seeds:
            await upsert_package(unit, parse_package(read_document(seed)))
    logger.info("loaded %d demo packages from %s", len(seeds), SEEDS_DIR)
    return len(seeds)

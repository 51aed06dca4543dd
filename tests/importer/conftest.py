"""Importer fixtures: a fake v4 API, a fake clock, and one call that runs an import."""

from __future__ import annotations

from typing import Any

import pytest

from core.db import Database
from importer.run import Options, import_sources
from importer.summary import Summary
from tests.importer.fake_api import BASE, FakeAPI, FakeTime


@pytest.fixture
def fake_api() -> FakeAPI:
    return FakeAPI()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def run_import(db: Database, fake_api: FakeAPI, fake_time: FakeTime) -> Any:
    """`await run_import(*sources, **options)`: the fake API by default; never really waits.

    Small pages and batches (2 and 3) so paging and batch edges are crossed by five seeds.
    """

    async def run(*sources: str, **options: Any) -> Summary:
        chosen = {"rate": 0.0, "page_size": 2, "batch_size": 3, **options}
        return await import_sources(
            list(sources) or [BASE],
            db=db,
            options=Options(**chosen),
            transport=fake_api.transport,
            time_source=fake_time.source,
        )

    return run

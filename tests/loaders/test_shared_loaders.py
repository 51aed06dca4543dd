"""Loaders shared by several tasks: one waiter's cancellation is its own."""

from __future__ import annotations

import asyncio

import pytest

from loaders import Loaders
from tests.factories import build_catalogue


@pytest.mark.parametrize("shared", [True, False])
async def test_a_cancelled_waiter_leaves_the_others_their_result(db, shared):
    await build_catalogue(db, packages=1)
    loaders = Loaders.create(db, shared=shared)
    leaving = asyncio.ensure_future(loaders.package_by_id.load(1))
    staying = asyncio.ensure_future(loaders.package_by_id.load(1))
    await asyncio.sleep(0)  # both are now waiting on the same pending batch
    leaving.cancel()
    if shared:
        package = await staying
        assert package is not None and package.slug == "package-1"
    else:  # a request's own loaders: one task, so sharing the future is right
        with pytest.raises(asyncio.CancelledError):
            await staying
    assert leaving.cancelled()

"""The collector tuning the server applies once it has started."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from core.settings import Settings
from server.runtime import DEFAULT_THRESHOLDS, tune_garbage_collector


@pytest.fixture
def restored_collector() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.set_threshold(*DEFAULT_THRESHOLDS)


def test_start_up_objects_are_frozen_and_young_collections_rarer(restored_collector):
    before = gc.get_freeze_count()
    tune_garbage_collector(Settings(gc_gen0_threshold=40_000, _env_file=None))
    assert gc.get_freeze_count() > before
    assert gc.get_threshold() == (40_000, *DEFAULT_THRESHOLDS[1:])


def test_tuning_can_be_switched_off(restored_collector):
    gc.unfreeze()
    tune_garbage_collector(
        Settings(gc_freeze=False, gc_gen0_threshold=DEFAULT_THRESHOLDS[0], _env_file=None)
    )
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == DEFAULT_THRESHOLDS

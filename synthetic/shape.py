"""The distributions that give the synthetic catalogue the real one's shape.

Figures are per 5,000 packages, as on djangopackages.org: about 400 grids of 5 to 60
packages (most small, a few large), about 8 features each, about 25,000 participants,
per-package participant counts with a median near 10 and a cap of 300, and heavy-tailed
stars, forks and downloads. Every function draws from the `random.Random` it is given,
so a seed fixes the whole catalogue.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

GRIDS_PER_5000 = 400
PARTICIPANTS_PER_PACKAGE = 5
GRID_SIZE_MIN, GRID_SIZE_MAX = 5, 60
FEATURES_MIN, FEATURES_MAX = 4, 12
PARTICIPANTS_MEDIAN, PARTICIPANTS_MAX = 10, 300
WEEKS = 52


class Weighted(Generic[T]):
    """A weighted choice with its cumulative weights worked out once, not per draw."""

    def __init__(self, pairs: Sequence[tuple[T, int]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


def grid_count(packages: int) -> int:
    """About 400 grids per 5,000 packages, and at least one."""
    return max(1, round(packages * GRIDS_PER_5000 / 5000))


def participant_target(packages: int) -> int:
    """About 25,000 distinct participants per 5,000 packages."""
    return packages * PARTICIPANTS_PER_PACKAGE


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median), sigma)


def grid_size(rng: random.Random, packages: int) -> int:
    """Packages in a grid: 5 to 60, median about 10, mean about 12 (never more than exist)."""
    size = GRID_SIZE_MIN + int(_lognormal(rng, 5, 0.9))
    return min(size, GRID_SIZE_MAX, packages)


def feature_count(rng: random.Random) -> int:
    """Features (columns) of a grid: 4 to 12, about 8."""
    return rng.randint(FEATURES_MIN, FEATURES_MAX)


def cell_fill(rng: random.Random) -> float:
    """Share of a grid's (package, feature) pairs that have a cell: most of them."""
    return rng.uniform(0.7, 1.0)


def participant_count(rng: random.Random) -> int:
    """Contributors listed for a package: a few have none, median about 10, at most 300."""
    if rng.random() < 0.03:
        return 0
    return max(1, min(PARTICIPANTS_MAX, round(_lognormal(rng, PARTICIPANTS_MEDIAN, 0.9))))


def skewed_index(rng: random.Random, size: int, power: float) -> int:
    """An index into `size` items favouring the first ones (popular packages, busy people)."""
    return min(size - 1, int(size * rng.random() ** power))


def watchers(rng: random.Random) -> int:
    """Stars: median about 35, a long tail into the tens of thousands."""
    return min(90_000, int(_lognormal(rng, 35, 1.8)))


def forks(rng: random.Random, stars: int) -> int:
    return int(stars * rng.uniform(0.05, 0.35))


def pypi_downloads(rng: random.Random) -> int:
    return min(50_000_000, int(_lognormal(rng, 3000, 2.0)))


def commit_count(rng: random.Random) -> int:
    return min(60_000, max(1, int(_lognormal(rng, 150, 1.3))))


def favorite_count(rng: random.Random) -> int:
    return min(500, int(rng.expovariate(0.4)))


def weekly_commits(rng: random.Random, *, active: bool) -> list[int]:
    """52 non-negative weekly counts, oldest first; all zero for a dormant repository."""
    if not active:
        return [0] * WEEKS
    rate = _lognormal(rng, 1.0, 1.2)
    quiet = 1 / (1 + rate)
    return [0 if rng.random() < quiet else 1 + int(rng.expovariate(1 / rate)) for _ in range(WEEKS)]


def version(rng: random.Random) -> str:
    major = min(9, int(rng.expovariate(0.6)))
    return f"{major}.{rng.randint(0, 12)}.{min(20, int(rng.expovariate(0.5)))}"

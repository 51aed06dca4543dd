"""Pure row generation: a seed and a package count in, table rows out, no database.

Rows come in chunks, in foreign-key order (a chunk's participants before the links to
them), so the loader can insert them as they come and memory stays flat at any size.
One `random.Random(seed)` is drawn from in a fixed order: the same plan gives the same
rows, byte for byte, on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from synthetic import shape, stamps
from synthetic.labels import BASE_ID, GENERATOR, LABEL, PREFIX, SHOWCASE_TOPIC
from synthetic.vocabulary import (
    CATEGORIES,
    CELL_TEXTS,
    FEATURES,
    GRID_TOPICS,
    LOGIN_WORDS,
    NAME_PREFIXES,
    NAME_WORDS,
    CellKind,
)
from writes.validation import SLUG_MAX

Row = dict[str, Any]

NOW = datetime(2026, 2, 16, 12, 0, tzinfo=UTC)
"""The catalogue's fixed "today": a moving clock would break determinism."""
FIRST_DAY = datetime(2008, 8, 1, tzinfo=UTC)

_PREFIXES = shape.Weighted(NAME_PREFIXES)
_CATEGORY_INDEX = shape.Weighted([(index, row[3]) for index, row in enumerate(CATEGORIES)])
_HOSTS = shape.Weighted([("github", 92), ("gitlab", 4), ("bitbucket", 3), ("", 1)])
_HOST_URLS = {"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org"}
_PYTHON3 = shape.Weighted([(True, 85), (None, 10), (False, 5)])
_DOCS = shape.Weighted([("rtd", 50), ("", 25), (None, 25)])
_CELLS = {kind: shape.Weighted(texts) for kind, texts in CELL_TEXTS.items()}
SHOWCASE_NUMBER = 0
"""The grid whose slug never changes (`labels.SHOWCASE_GRID_SLUG`): the first."""


@dataclass(frozen=True)
class Plan:
    """What to generate: the package count fixes every other count."""

    packages: int
    seed: int = 0

    @property
    def grids(self) -> int:
        return shape.grid_count(self.packages)


def plan_for(packages: int, seed: int = 0) -> Plan:
    if packages < 1:
        raise ValueError(f"--packages must be at least 1, not {packages}")
    return Plan(packages=packages, seed=seed)


@dataclass(frozen=True)
class Chunk:
    """Rows for some tables, in insert order; `units` packages or grids are now complete."""

    phase: str
    units: int
    tables: tuple[tuple[str, list[Row]], ...]


def build_catalogue(
    plan: Plan, *, packages_per_chunk: int = 1000, grids_per_chunk: int = 100
) -> Iterator[Chunk]:
    """Every synthetic row: categories, then packages with their people, then grids."""
    rng = random.Random(plan.seed)
    yield Chunk("categories", len(CATEGORIES), (("category", _categories(rng)),))
    counts = [shape.participant_count(rng) for _ in range(plan.packages)]
    pool = _ParticipantPool(rng, slots=sum(counts), target=shape.participant_target(plan.packages))
    for start in range(0, plan.packages, packages_per_chunk):
        numbers = range(start, min(start + packages_per_chunk, plan.packages))
        packages: list[Row] = []
        links: list[Row] = []
        for number in numbers:  # one package at a time: chunk sizes must not change the rows
            packages.append(_package(rng, number))
            links.extend(pool.links(number, counts[number]))
        tables = (
            ("package", packages),
            ("participant", pool.take_new()),
            ("package_participant", links),
        )
        yield Chunk("packages", len(numbers), tables)
    grids = _GridBuilder(rng, packages=plan.packages)
    for start in range(0, plan.grids, grids_per_chunk):
        numbers = range(start, min(start + grids_per_chunk, plan.grids))
        yield Chunk("grids", len(numbers), grids.chunk(numbers))


def _categories(rng: random.Random) -> list[Row]:
    rows = []
    for index, (title, plural, slug, _) in enumerate(CATEGORIES):
        created = stamps.between(rng, FIRST_DAY, FIRST_DAY + timedelta(days=30))
        rows.append(
            {
                "id": BASE_ID + index,
                "title": f"{PREFIX}{title}",
                "slug": f"{PREFIX}{slug}",
                "description": f"{LABEL}: synthetic {plural.lower()}, {GENERATOR}.",
                "title_plural": f"{PREFIX}{plural}",
                "show_pypi": slug != "projects",
                **stamps.columns("created", created),
                **stamps.columns("modified", stamps.between(rng, created, NOW)),
                "is_fetched": True,
                "version": 1,
            }
        )
    return rows


def fitted_slug(name: str, number: int) -> str:
    """`synthetic-<name>-<number>` within the 50 characters a slug may have: the name is
    cut (the number keeps it unique), so a generated catalogue can be imported again."""
    suffix = f"-{number}"
    room = SLUG_MAX - len(PREFIX) - len(suffix)
    return f"{PREFIX}{name[:room].rstrip('-')}{suffix}"


def _package(rng: random.Random, number: int) -> Row:
    words = rng.sample(NAME_WORDS, rng.choice((1, 2, 2, 3)))
    name = _PREFIXES.pick(rng) + "-".join(words)
    slug = fitted_slug(name, number)
    host = _HOSTS.pick(rng)
    created = stamps.between(rng, FIRST_DAY, NOW - timedelta(days=60))
    fetched = stamps.between(rng, NOW - timedelta(days=20), NOW)
    updated = None if rng.random() < 0.05 else stamps.between(rng, created, fetched, power=0.4)
    active = updated is not None and NOW - updated < timedelta(days=365)
    archived = None
    if not active and rng.random() < 0.15:
        archived = stamps.between(rng, updated or created, fetched)
    deprecated = stamps.between(rng, created, fetched) if rng.random() < 0.03 else None
    commits = shape.weekly_commits(rng, active=active)
    stars = shape.watchers(rng)
    on_pypi = rng.random() < 0.85
    penalty = 0.5 if archived or deprecated else 1.0
    docs = _DOCS.pick(rng)
    return {
        "id": BASE_ID + number,
        "version": 1,
        "category_id": BASE_ID + _CATEGORY_INDEX.pick(rng),
        "title": slug,
        "slug": slug,
        "repo_url": f"https://{_HOST_URLS[host]}/{PREFIX}{rng.choice(LOGIN_WORDS)}/{name}"
        if host
        else "",
        "repo_description": f"{LABEL}: {' and '.join(words)} for Django.",
        "repo_watchers": stars,
        "repo_forks": shape.forks(rng, stars),
        "pypi_url": _pypi_url(rng, slug) if on_pypi else rng.choice(("", None)),
        "pypi_version": shape.version(rng) if on_pypi else None,
        "documentation_url": f"https://{slug}.readthedocs.io/en/latest/" if docs == "rtd" else docs,
        **stamps.columns("last_updated", updated),
        **stamps.columns("last_fetched", fetched),
        **stamps.columns("created", created),
        **stamps.columns("modified", stamps.between(rng, created, fetched)),
        "commits_over_52": commits,
        "repo_host": host,
        "score": int(stars * penalty) + sum(commits) // 4,
        "pypi_downloads": shape.pypi_downloads(rng) if on_pypi else 0,
        "supports_python3": _PYTHON3.pick(rng),
        "commit_count": shape.commit_count(rng),
        "favorite_count": shape.favorite_count(rng),
        **stamps.columns("date_deprecated", deprecated),
        **stamps.columns("date_repo_archived", archived),
    }


def _pypi_url(rng: random.Random, slug: str) -> str:
    """Old entries keep the pre-warehouse address, as on the real site."""
    if rng.random() < 0.2:
        return f"http://pypi.python.org/pypi/{slug}"
    return f"https://pypi.org/project/{slug}/"


class _ParticipantPool:
    """People, created as packages need them: a new face, or a busy one seen before.

    New faces are drawn as a uniform share of all slots, so about `target` people
    cover `slots` links; the busy ones are favoured, as on the real site.
    """

    def __init__(self, rng: random.Random, *, slots: int, target: int) -> None:
        self.rng = rng
        self.slots_left = slots
        self.new_left = min(target, slots)
        self.size = 0
        self.new: list[Row] = []

    def links(self, number: int, count: int) -> list[Row]:
        chosen: dict[int, None] = {}
        while len(chosen) < count:
            chosen[self._pick(chosen)] = None
            self.slots_left -= 1
        package_id = BASE_ID + number
        return [
            {"package_id": package_id, "participant_id": BASE_ID + index, "position": position}
            for position, index in enumerate(chosen)
        ]

    def take_new(self) -> list[Row]:
        new, self.new = self.new, []
        return new

    def _pick(self, chosen: dict[int, None]) -> int:
        rng = self.rng
        if self.size and rng.random() * self.slots_left >= self.new_left:
            for _ in range(8):
                index = shape.skewed_index(rng, self.size, 2.5)
                if index not in chosen:
                    return index
        self.new_left = max(0, self.new_left - 1)
        index, self.size = self.size, self.size + 1
        login = f"{PREFIX}{rng.choice(LOGIN_WORDS)}{index}"
        self.new.append({"id": BASE_ID + index, "login": login})
        return index


class _GridBuilder:
    """Grids with their members, features and cells; ids run on across chunks."""

    def __init__(self, rng: random.Random, *, packages: int) -> None:
        self.rng = rng
        self.packages = packages
        self.next_member = BASE_ID
        self.next_feature = BASE_ID
        self.next_element = BASE_ID

    def chunk(self, numbers: range) -> tuple[tuple[str, list[Row]], ...]:
        grids: list[Row] = []
        members: list[Row] = []
        features: list[Row] = []
        elements: list[Row] = []
        for number in numbers:
            grids.append(self._grid(number))
            row_ids = self._members(number, members)
            columns = self._features(number, features)
            fill = shape.cell_fill(self.rng)
            for row_id in row_ids:
                for feature_id, kind in columns:
                    if self.rng.random() < fill:
                        elements.append(self._element(row_id, feature_id, kind))
        return (
            ("grid", grids),
            ("grid_package", members),
            ("feature", features),
            ("element", elements),
        )

    def _grid(self, number: int) -> Row:
        rng = self.rng
        topic = rng.choice(GRID_TOPICS)  # drawn for the showcase too: later rows stay the same
        if number == SHOWCASE_NUMBER:
            topic = SHOWCASE_TOPIC
        slug_words = "".join(c if c.isalnum() else "-" for c in topic.lower())
        created = stamps.between(rng, FIRST_DAY, NOW - timedelta(days=30))
        return {
            "id": BASE_ID + number,
            "title": f"{PREFIX}{topic} {number + 1}",
            "slug": fitted_slug(slug_words, number + 1),
            "description": f"{LABEL}: compares {topic.lower()} packages, {GENERATOR}.",
            "is_locked": rng.random() < 0.05,
            "header": rng.random() < 0.1,
            **stamps.columns("created", created),
            **stamps.columns("modified", stamps.between(rng, created, NOW)),
            "is_fetched": True,
        }

    def _members(self, number: int, rows: list[Row]) -> list[int]:
        rng = self.rng
        size = shape.grid_size(rng, self.packages)
        if size * 2 > self.packages:
            picked = rng.sample(range(self.packages), size)
        else:
            seen: dict[int, None] = {}
            while len(seen) < size:
                seen[shape.skewed_index(rng, self.packages, 2.0)] = None
            picked = list(seen)
        ids = []
        for index in picked:
            ids.append(self.next_member)
            rows.append(
                {"id": self.next_member, "grid_id": BASE_ID + number, "package_id": BASE_ID + index}
            )
            self.next_member += 1
        return ids

    def _features(self, number: int, rows: list[Row]) -> list[tuple[int, CellKind]]:
        columns = []
        picked = self.rng.sample(FEATURES, shape.feature_count(self.rng))
        if (
            number == SHOWCASE_NUMBER
        ):  # the showcase leads with a rated column, as many columns: same draws
            rest = [feature for feature in picked if feature != FEATURES[0]]
            picked = [FEATURES[0], *rest][: len(picked)]
        for title, kind in picked:
            columns.append((self.next_feature, kind))
            rows.append(
                {
                    "id": self.next_feature,
                    "grid_id": BASE_ID + number,
                    "title": title,
                    "description": f"{LABEL}: {title.lower()}.",
                    "version": 1,
                }
            )
            self.next_feature += 1
        return columns

    def _element(self, row_id: int, feature_id: int, kind: CellKind) -> Row:
        element = {
            "id": self.next_element,
            "grid_package_id": row_id,
            "feature_id": feature_id,
            "text": _CELLS[kind].pick(self.rng),
        }
        self.next_element += 1
        return element

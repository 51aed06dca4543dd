"""Pure generation: determinism, the real catalogue's shape, and visible labels."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

import pytest

import synthetic.build
from domain.ratings import parse_rating
from synthetic import BASE_ID, LABEL, PREFIX, plan_for
from synthetic.build import build_catalogue
from synthetic.labels import SHOWCASE_GRID_SLUG
from tests.synthetic.conftest import SHAPE_PACKAGES, built

SEED_PACKAGE_IDS = {631, 1326, 1327, 1412, 2235}
SEED_GRID_IDS = {41, 71, 114, 160, 161, 243, 287, 373}


def test_same_seed_same_rows():
    assert built(200, seed=3) == built(200, seed=3)


def test_other_seed_other_rows():
    first, second = built(200, seed=3), built(200, seed=4)
    assert first["package"] != second["package"]
    assert first["element"] != second["element"]


def test_chunk_size_does_not_change_the_rows():
    """Chunks only bound memory: the rows are the same however they are cut."""

    def rows(**sizes: int) -> dict[str, list[object]]:
        tables: dict[str, list[object]] = {}
        for chunk in build_catalogue(plan_for(300, seed=5), **sizes):
            for name, rows in chunk.tables:
                tables.setdefault(name, []).extend(rows)
        return tables

    assert rows() == rows(packages_per_chunk=7, grids_per_chunk=3)


def test_packages_must_be_positive():
    with pytest.raises(ValueError, match="at least 1, not 0"):
        plan_for(0)


def test_four_categories_and_about_400_grids_per_5000_packages(shape_rows):
    assert len(shape_rows["category"]) == 4
    assert len(shape_rows["package"]) == SHAPE_PACKAGES
    assert len(shape_rows["grid"]) == round(SHAPE_PACKAGES * 400 / 5000)


def test_grids_hold_5_to_60_packages_mostly_few(shape_rows):
    sizes = list(Counter(row["grid_id"] for row in shape_rows["grid_package"]).values())
    assert len(sizes) == len(shape_rows["grid"])
    assert min(sizes) >= 5
    assert max(sizes) <= 60
    assert statistics.median(sizes) < statistics.mean(sizes) < 20  # skewed: a long tail
    members = {(row["grid_id"], row["package_id"]) for row in shape_rows["grid_package"]}
    assert len(members) == len(shape_rows["grid_package"])


def test_about_8_features_and_cells_for_most_pairs(shape_rows):
    features = Counter(row["grid_id"] for row in shape_rows["feature"])
    assert 7 <= statistics.mean(features.values()) <= 9
    members = Counter(row["grid_id"] for row in shape_rows["grid_package"])
    pairs = sum(members[grid] * features[grid] for grid in members)
    assert 0.7 <= len(shape_rows["element"]) / pairs <= 0.95
    cells = {(row["grid_package_id"], row["feature_id"]) for row in shape_rows["element"]}
    assert len(cells) == len(shape_rows["element"])


def test_cell_texts_follow_django_packages_conventions(shape_rows):
    texts = Counter(row["text"] for row in shape_rows["element"])
    assert {"yes", "no", "+", "++", "-", "check", "bad", "", "+1 works with DRF"} <= set(texts)
    assert texts.most_common(1)[0][0] == "yes"


def test_participant_counts_are_skewed_with_median_about_10(shape_rows):
    per_package = Counter(row["package_id"] for row in shape_rows["package_participant"])
    counts = [per_package[row["id"]] for row in shape_rows["package"]]
    assert 8 <= statistics.median(counts) <= 12
    assert 100 <= max(counts) <= 300
    assert abs(len(shape_rows["participant"]) - 5 * SHAPE_PACKAGES) <= 0.1 * 5 * SHAPE_PACKAGES
    linked = {row["participant_id"] for row in shape_rows["package_participant"]}
    assert linked == {row["id"] for row in shape_rows["participant"]}  # nobody without a package


def test_participant_positions_run_from_zero(shape_rows):
    positions: dict[int, list[int]] = {}
    for row in shape_rows["package_participant"]:
        positions.setdefault(row["package_id"], []).append(row["position"])
    assert all(found == list(range(len(found))) for found in positions.values())


def test_52_non_negative_weekly_commit_counts(shape_rows):
    weeks = [row["commits_over_52"] for row in shape_rows["package"]]
    assert all(len(counts) == 52 and min(counts) >= 0 for counts in weeks)
    assert any(sum(counts) for counts in weeks)
    assert any(not sum(counts) for counts in weeks)


def test_stars_forks_and_downloads_are_heavy_tailed(shape_rows):
    stars = [row["repo_watchers"] for row in shape_rows["package"]]
    assert max(stars) > 20 * statistics.median(stars)
    assert all(row["repo_forks"] <= row["repo_watchers"] for row in shape_rows["package"])
    downloads = [row["pypi_downloads"] for row in shape_rows["package"] if row["pypi_downloads"]]
    assert max(downloads) > 50 * statistics.median(downloads)


def test_timestamps_carry_eastern_offsets(shape_rows):
    offsets = Counter(row["created_offset"] for row in shape_rows["package"])
    assert set(offsets) == {-240, -300}
    for row in shape_rows["package"][:50]:
        assert row["created"].utcoffset().total_seconds() == row["created_offset"] * 60
        assert row["created"] <= row["modified"] <= row["last_fetched"]


def test_some_packages_are_archived_or_deprecated(shape_rows):
    packages = shape_rows["package"]
    archived = sum(row["date_repo_archived"] is not None for row in packages)
    deprecated = sum(row["date_deprecated"] is not None for row in packages)
    assert 0.02 * len(packages) < archived < 0.2 * len(packages)
    assert 0 < deprecated < 0.1 * len(packages)
    hosts = Counter(row["repo_host"] for row in packages)
    assert hosts.most_common(1)[0][0] == "github"
    assert {"gitlab", "bitbucket"} <= set(hosts)


def test_every_row_is_labelled_and_clear_of_real_ids(shape_rows):
    for name in ("category", "package", "grid"):
        for row in shape_rows[name]:
            assert row["title"].startswith(PREFIX)
            assert row["slug"].startswith(PREFIX)
            assert row["id"] >= BASE_ID
    assert all(row["login"].startswith(PREFIX) for row in shape_rows["participant"])
    for name, column in [("category", "description"), ("grid", "description"),
                         ("feature", "description"), ("package", "repo_description")]:  # fmt: skip
        assert all(row[column].startswith(LABEL) for row in shape_rows[name])
    for name in ("participant", "grid_package", "feature", "element"):
        assert min(row["id"] for row in shape_rows[name]) == BASE_ID
    ids = {row["id"] for row in shape_rows["package"]}
    assert not ids & SEED_PACKAGE_IDS
    assert not {row["id"] for row in shape_rows["grid"]} & SEED_GRID_IDS
    assert not {row["id"] for row in shape_rows["category"]} & {1, 2}


def test_tiny_catalogues_still_hold_together():
    rows = built(3, seed=1)
    assert len(rows["grid"]) == 1
    assert len(rows["grid_package"]) == 3  # a grid cannot list more packages than exist


def test_slugs_fit_the_import_rules():
    """Issue 14: 240 of 20,000 generated slugs were over 50 characters, and a generated
    catalogue could not be imported again."""
    from writes import validation as check

    rows = built(20_000, seed=3)
    for name in ("package", "grid", "category"):
        slugs = [row["slug"] for row in rows[name]]
        assert len(set(slugs)) == len(slugs), name
        for slug in slugs:
            problems = check.Problems()
            check.slug(problems, ("slug",), slug)
            assert not problems.errors, slug


@pytest.mark.parametrize(("packages", "seed"), [(1, 0), (20, 0), (300, 0), (300, 7), (5000, 0)])
def test_the_first_grid_is_the_showcase_whatever_the_size_and_seed(packages: int, seed: int):
    """The README's comparison example names it: same slug, a rated first column."""
    tables = built(packages, seed=seed)
    grid = tables["grid"][0]
    assert (grid["id"], grid["slug"]) == (BASE_ID, SHOWCASE_GRID_SLUG)
    features = [row for row in tables["feature"] if row["grid_id"] == BASE_ID]
    assert features[0]["title"] == "Python 3 support"
    members = {row["id"] for row in tables["grid_package"] if row["grid_id"] == BASE_ID}
    assert members
    cells = [row["text"] for row in tables["element"] if row["grid_package_id"] in members]
    if packages >= 300:  # the demo's catalogue and the README's generate: ratings to show
        assert any(parse_rating(text) for text in cells)


def test_the_showcase_changes_no_other_row(monkeypatch: pytest.MonkeyPatch):
    """Its topic and column order are chosen after the same draws, so every other row is
    what the generator wrote before there was a showcase."""
    with_showcase = built(300, seed=0)
    monkeypatch.setattr(synthetic.build, "SHOWCASE_NUMBER", -1)
    without = built(300, seed=0)
    assert with_showcase["grid"][0]["slug"] == SHOWCASE_GRID_SLUG
    assert without["grid"][0]["slug"] != SHOWCASE_GRID_SLUG

    def others(tables: dict[str, list[Any]]) -> dict[str, list[Any]]:
        members = {row["id"] for row in tables["grid_package"] if row["grid_id"] == BASE_ID}
        return {
            **tables,
            "grid": tables["grid"][1:],
            "feature": [row for row in tables["feature"] if row["grid_id"] != BASE_ID],
            "element": [row for row in tables["element"] if row["grid_package_id"] not in members],
        }

    assert others(with_showcase) == others(without)

"""File sources: one object, a list, a list page, a saved response, a directory of them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import models
from importer.errors import MissingSource
from importer.files import expand, read_items
from importer.items import Kind, detect_kind, items_of
from tests.conftest import SEEDS_DIR
from tests.importer.fake_api import catalogue
from tests.importer.helpers import counts, memberships, row_count, stubs

SHOP = SEEDS_DIR / "004_819cfe174fc86134.txt"


def write(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_kinds_are_told_by_their_keys():
    data = catalogue()
    assert {detect_kind(p) for p in data["packages"]} == {Kind.PACKAGE}
    assert {detect_kind(g) for g in data["grids"]} == {Kind.GRID}
    assert {detect_kind(c) for c in data["categories"]} == {Kind.CATEGORY}
    assert detect_kind({"id": 1, "title": "?"}) is None


def test_a_list_page_names_its_kind_in_next_or_previous():
    page = {
        "count": 3,
        "next": None,
        "previous": "https://djangopackages.org/api/v4/categories/?limit=2",
        "results": [{"id": 3, "title": "Other", "slug": "other"}],
    }
    [item] = items_of(page, source="page.json")
    assert item.kind is Kind.CATEGORY
    assert item.position == "page.json results[0]"


def test_a_saved_response_is_one_package():
    [item] = read_items(SHOP)
    assert item.kind is Kind.PACKAGE
    assert item.position == str(SHOP)
    assert item.data["slug"] == "django-shop"


def test_a_saved_list_response_takes_its_kind_from_the_request_line(tmp_path):
    saved = tmp_path / "grids.txt"
    page = {"count": 1, "next": None, "previous": None, "results": [{"id": 5, "title": "G"}]}
    saved.write_text(
        "Grid List\n\nGET /api/v4/grids/?limit=20\nHTTP 200 OK\nContent-Type: application/json\n\n"
        + json.dumps(page, indent=4),
        encoding="utf-8",
    )
    [item] = read_items(saved)
    assert item.kind is Kind.GRID


def test_a_directory_stands_for_its_json_and_txt_files(tmp_path):
    write(tmp_path / "b" / "two.json", [])
    write(tmp_path / "a.txt", {})
    write(tmp_path / ".hidden" / "skip.json", {})
    (tmp_path / "notes.md").write_text("not data")
    assert expand([tmp_path]) == [tmp_path / "a.txt", tmp_path / "b" / "two.json"]


def test_a_missing_path_is_refused_before_anything_is_read(tmp_path):
    with pytest.raises(MissingSource, match=r"nope\.json: no such file or directory"):
        expand([SEEDS_DIR, tmp_path / "nope.json"])


async def test_the_seed_directory_imports(db, run_import):
    summary = await run_import(str(SEEDS_DIR))
    assert summary.ok
    assert counts(summary, Kind.PACKAGE) == (5, 0, 0, 0)
    # The two categories ship beside the seeds (data/SOURCES.md); files are not followed,
    # so the grids the seeds name stay stubs, and the summary counts them.
    assert counts(summary, Kind.CATEGORY) == (2, 0, 0, 0)
    assert len(await stubs(db)) == 8
    assert summary.counts(Kind.GRID)["placeholders"] == 8


async def test_objects_lists_and_pages_together(db, run_import, tmp_path):
    data = catalogue()
    write(tmp_path / "1-packages.json", data["packages"])  # a JSON list
    page = {"count": 8, "next": None, "previous": None, "results": data["grids"]}
    write(tmp_path / "2-grids-page.json", page)  # a list page
    write(tmp_path / "3-category-1.json", data["categories"][0])  # one object
    write(tmp_path / "3-category-2.json", data["categories"][1])
    summary = await run_import(str(tmp_path))
    assert summary.ok, summary.failures
    assert counts(summary, Kind.CATEGORY) == (2, 0, 0, 0)  # written first, whatever the file order
    assert counts(summary, Kind.GRID) == (8, 0, 0, 0)
    assert counts(summary, Kind.PACKAGE) == (5, 0, 0, 0)
    assert await stubs(db) == []
    assert len(await memberships(db)) == 8


async def test_an_unreadable_file_is_reported_and_the_others_imported(db, run_import, tmp_path):
    shutil.copy(SHOP, tmp_path / "shop.txt")
    (tmp_path / "broken.json").write_text("{ not json", encoding="utf-8")
    summary = await run_import(str(tmp_path))
    assert counts(summary, Kind.PACKAGE) == (1, 0, 0, 0)
    [error] = summary.source_errors
    assert error.startswith(f"{tmp_path / 'broken.json'}: invalid JSON")
    assert not summary.ok


async def test_an_object_of_no_known_kind_is_reported(db, run_import, tmp_path):
    path = write(tmp_path / "odd.json", [{"id": 1, "name": "?"}])
    summary = await run_import(str(path))
    [failure] = summary.failures
    assert failure.kind is None and failure.position == f"{path}[0]"
    assert "cannot tell whether it is a package, grid or category (keys: id, name)" in str(failure)
    assert summary.unrecognised == 1
    assert await row_count(db, models.Package) == 0


async def test_a_too_deep_file_is_reported_and_the_others_imported(db, run_import, tmp_path):
    """Issue 14: 100,000 nested lists raised RecursionError and ended the import."""
    shutil.copy(SHOP, tmp_path / "shop.txt")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    summary = await run_import(str(tmp_path))
    assert counts(summary, Kind.PACKAGE) == (1, 0, 0, 0)
    [error] = summary.source_errors
    assert error == f"{tmp_path / 'deep.json'}: JSON nested too deeply"


@pytest.mark.parametrize(
    ("field", "number"),
    [("repo_watchers", "1099511627776"), ("score", "-2147483649"), ("repo_forks", "1" * 5000)],
    ids=["2**40", "below int32", "5000 digits"],
)
async def test_an_out_of_range_number_skips_that_record_only(
    db, run_import, tmp_path, field, number
):
    """Issue 14: one out-of-range integer aborted the whole import with a traceback."""
    [shop] = read_items(SHOP)
    good = shop.data
    bad = {**good, "id": good["id"] + 1, "slug": "other-shop", field: "PLACEHOLDER"}
    text = json.dumps([good, bad]).replace('"PLACEHOLDER"', number)
    path = tmp_path / "two.json"
    path.write_text(text, encoding="utf-8")
    summary = await run_import(str(path))
    if len(number) > 4300:  # Python's json refuses the number: the file is unreadable
        assert summary.source_errors and "unreadable JSON" in summary.source_errors[0]
        return
    assert counts(summary, Kind.PACKAGE)[0] == 1  # the good record is in
    [failure] = summary.failures
    assert "out of range" in str(failure) and len(str(failure)) < 300

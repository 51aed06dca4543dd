"""File sources: v4 objects, lists, list pages and saved responses, or directories of them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from importer.documents import UnreadableDocument, json_body, request_target
from importer.errors import MissingSource, UnreadableSource
from importer.items import Item, items_of, kind_in_url

SUFFIXES = (".json", ".txt")


def expand(paths: Iterable[Path]) -> list[Path]:
    """Each path, a directory standing for its `.json`/`.txt` files (recursively, sorted).

    Every path is checked before anything is read, so a typo stops the import
    before it writes a single row.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    found
                    for found in path.rglob("*")
                    if found.is_file()
                    and found.suffix in SUFFIXES
                    and not any(part.startswith(".") for part in found.relative_to(path).parts)
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise MissingSource(str(path))
    return files


def read_items(path: Path) -> list[Item]:
    """The objects a file holds, each with its position (`path`, `path[3]`, ...)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UnreadableSource(str(path), f"cannot read: {error}") from None
    try:
        document = json_body(text, source=str(path))
    except UnreadableDocument as error:
        raise UnreadableSource(str(path), str(error).removeprefix(f"{path}: ")) from None
    return items_of(document, source=str(path), hint=kind_in_url(request_target(text)))

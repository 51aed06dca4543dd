"""Selection sets measured after the ones they contain, on an explicit stack: a chain of a
thousand fragments, or fields nested a thousand deep, needs no recursion. Each set is
measured once, however many times it is spread (`schema.document_size`, `schema.cost`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from graphql import SelectionNode, SelectionSetNode

T = TypeVar("T")


def bottom_up(
    root: SelectionSetNode,
    inner: Callable[[SelectionNode], SelectionSetNode | None],
    combine: Callable[[SelectionSetNode], T],
    done: dict[int, T],
) -> None:
    """Fills `done` (keyed by `id`) for `root` and every set under it, the ones a selection
    holds (`inner`) first. A fragment cycle is left out: validation reports it."""
    on_path: set[int] = set()
    stack: list[tuple[SelectionSetNode, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in done:
            continue
        if children_done:
            on_path.discard(key)
            done[key] = combine(node)
            continue
        if key in on_path:
            continue
        on_path.add(key)
        stack.append((node, True))
        for selection in node.selections:
            below = inner(selection)
            if below is not None and id(below) not in done and id(below) not in on_path:
                stack.append((below, False))

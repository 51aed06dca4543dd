"""The way through the code goes down: the import graph between top-level packages has no
cycle, and the request's layers import only those below them (server -> execution ->
fastpath -> schema -> loaders -> core/models). Read from the source's AST, every import
counted (a lazy one inside a function, or one under TYPE_CHECKING, too)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = frozenset(
    path.parent.name
    for path in ROOT.glob("*/__init__.py")
    if path.parent.name not in {"tests", "benchmarks"}
)

BELOW: dict[str, frozenset[str]] = {
    "execution": frozenset({"server"}),
    "fastpath": frozenset({"server", "execution"}),
    "schema": frozenset({"server", "execution", "fastpath"}),
    "loaders": frozenset({"server", "execution", "fastpath", "schema"}),
    "core": frozenset({"server", "execution", "fastpath", "schema", "loaders"}),
    "models": frozenset({"server", "execution", "fastpath", "schema", "loaders"}),
}
"""Each layer, and the layers above it it must never import."""


def _nodes(tree: ast.AST, typing_too: bool) -> Iterator[ast.AST]:
    """Every node, or every node run at import or call time (no `if TYPE_CHECKING:`)."""
    for node in ast.iter_child_nodes(tree):
        if (
            not typing_too
            and isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            yield from (n for child in node.orelse for n in _nodes(child, typing_too))
            continue
        yield node
        yield from _nodes(node, typing_too)


def imported(path: Path, typing_too: bool = True) -> Iterator[str]:
    """The absolute module names `path` imports (`from a import b` names `a.b` too: b
    may be a module); `typing_too=False`: those under `if TYPE_CHECKING:` left out."""
    for node in _nodes(ast.parse(path.read_text(), str(path)), typing_too):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in PACKAGES}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for name in imported(path):
                top = name.partition(".")[0]
                if top in PACKAGES and top != package:
                    graph[package].add(top)
    return graph


def module_graph(package: str) -> dict[str, set[str]]:
    """Modules of `package` and the modules of it each imports when it runs (imports for
    annotations only, under TYPE_CHECKING, may point back up)."""
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in (ROOT / package).rglob("*.py")
    }
    return {
        module: {
            name for name in imported(path, typing_too=False) if name in modules and name != module
        }
        for module, path in modules.items()
    }


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as a path (first node repeated at the end), or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for target in sorted(graph.get(node, ())):
            found = visit(target, [*path, node])
            if found is not None:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found is not None:
            return found
    return None


def test_imports_for_annotations_only_can_be_left_out(tmp_path: Path):
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n"
        "def f():\n    from b import c\n"
    )
    assert set(imported(source)) == {"typing", "typing.TYPE_CHECKING", "a", "b", "b.c"}
    assert set(imported(source, typing_too=False)) == {"typing", "typing.TYPE_CHECKING", "b", "b.c"}


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_tree():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_top_level_packages_import_each_other_without_a_cycle():
    found = cycle(package_graph())
    assert found is None, "import cycle between packages: " + " -> ".join(found or [])


def test_each_layer_imports_only_layers_below_it():
    graph = package_graph()
    wrong = {
        (layer, above) for layer, forbidden in BELOW.items() for above in graph[layer] & forbidden
    }
    assert not wrong, f"a layer imports one above it: {sorted(wrong)}"


def test_schema_never_imports_the_compiled_path_nor_the_server():
    assert not package_graph()["schema"] & {"fastpath", "execution", "server"}


def test_the_compiled_path_modules_import_each_other_without_a_cycle():
    """The package's `__init__` gathers its parts (`from fastpath import sql` names the
    part, not the `__init__`)."""
    modules = module_graph("fastpath")
    parts = {module: targets - {"fastpath"} for module, targets in modules.items()}
    parts.pop("fastpath")
    found = cycle(parts)
    assert found is None, "import cycle in fastpath: " + " -> ".join(found or [])

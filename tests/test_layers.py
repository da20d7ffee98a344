"""Layers only look down: what each part of the app may import, read from the source itself."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "trials"


def _module(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """The tree's nodes less those under ``if TYPE_CHECKING:`` (no import at run time)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for inner in ast.walk(node)}
    return [node for node in ast.walk(tree) if id(node) not in skipped]


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports at run time, names resolved (``from . import x``)."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found |= {f"{module}.{alias.name}" for alias in node.names} | {module}
    return found


MODULES = {
    _module(path): imports_of(path) for path in APP.rglob("*.py") if "migrations" not in path.parts
}


def _app_imports(name: str) -> set[str]:
    # "trials" itself is an empty package: "from trials import vocab" imports vocab.
    found = MODULES[name] - {name, "trials"}
    return {m for m in found if m.startswith("trials") and m in MODULES}


PARSERS = [
    name
    for name in MODULES
    if name.startswith(
        (
            "trials.importer.page_text",
            "trials.importer.page_html",
            "trials.importer.legacy_xml",
            "trials.importer.json",
        )
    )
]


def test_the_parsers_are_found():
    assert len(PARSERS) > 15


@pytest.mark.parametrize("name", [*PARSERS, "trials.record"])
def test_parsers_and_the_record_reach_django_only_through_vocab(name):
    assert not {m for m in MODULES[name] if m.split(".")[0] == "django"}
    allowed = ("trials.record", "trials.vocab", "trials.text", "trials.importer")
    assert all(m.startswith(allowed) for m in _app_imports(name)), _app_imports(name)


@pytest.mark.parametrize("name", ["trials.record", "trials.vocab"])
def test_the_record_and_the_vocabulary_stand_below_everything(name):
    assert {m for m in _app_imports(name) if not m.startswith(f"{name}.")} <= {"trials.vocab"}


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("trials.models", ("trials.importer", "trials.store", "trials.curation", "trials.edits")),
        ("trials.store", ("trials.importer", "trials.curation", "trials.edits", "trials.views")),
        ("trials.curation", ("trials.importer", "trials.edits", "trials.admin")),
        ("trials.edits", ("trials.importer", "trials.admin")),
        ("trials.search", ("trials.importer", "trials.store", "trials.curation", "trials.views")),
        ("trials.export", ("trials.importer", "trials.curation", "trials.views")),
    ],
)
def test_each_layer_only_looks_down(layer, forbidden):
    names = [name for name in MODULES if name == layer or name.startswith(layer + ".")]
    assert names
    for name in names:
        upward = {m for m in _app_imports(name) if m.startswith(forbidden)}
        assert not upward, f"{name} imports {upward}"


def test_no_module_of_the_app_imports_itself_back_through_others():
    graph = {name: _app_imports(name) for name in MODULES}
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        for nxt in graph[name]:
            if nxt in path:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt, [*path, nxt])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    # A package importing its own submodules (``trials.admin`` registering its parts) is not a
    # cycle between layers.
    real = [c for c in cycles if not all(m.startswith(c[0].rsplit(".", 1)[0]) for m in c)]
    assert not real

"""The import graph: no cycle between modules, and imports only downward through the layers
(command -> experiments/reports/estimation -> run -> model -> recording -> processes -> levers -> world and
synthesis -> people -> scenario -> inputs -> basic modules)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "simulator"
#: Layers from the top; a module may import its own layer's package or lower layers.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli", "__main__"),
    ("errors",),
    ("experiments", "reports", "estimation", "app"),
    ("run",),
    ("model", "state"),
    ("recording",),
    ("processes",),
    ("levers",),
    ("world", "synthesis"),
    ("people",),
    ("scenario",),
    ("inputs",),
    (
        "dates",
        "geography",
        "codes",
        "rng",
        "arrays",
        "buffers",
        "kernels",
        "provenance",
        "atomic",
        "mesa_core",
        "__init__",
    ),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            edges[name] |= {t for t in targets if t in modules and t != name}
    return edges


def layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"{module} belongs to no layer: add its package to LAYERS")


def test_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(u: str, stack: list[str]) -> None:
        state[u] = 1
        stack.append(u)
        for v in sorted(edges[u]):
            if state.get(v) == 1:
                cycles.append(stack[stack.index(v) :] + [v])
            elif not state.get(v):
                visit(v, stack)
        stack.pop()
        state[u] = 2

    for module in sorted(edges):
        if not state.get(module):
            visit(module, [])
    assert not cycles, cycles[:3]


def test_imports_go_only_downward():
    upward = [
        f"{u} -> {v}"
        for u, targets in graph().items()
        for v in targets
        if layer(v) < layer(u) and u.split(".")[:2] != v.split(".")[:2]
    ]
    assert not upward, upward


def test_the_check_sees_the_package():
    edges = graph()
    assert "simulator.processes.migration" in edges["simulator.processes"]
    assert layer("simulator.cli") < layer("simulator.model") < layer("simulator.inputs.parameters")

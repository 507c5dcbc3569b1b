"""Layers look down, never up: the import graph between smi's top-level modules and
packages has no cycle (STYLE habit 12). Imports only a type checker sees are left out.

Known cycles still to break are listed in KNOWN, each with what breaks it; a cycle not
listed fails, and so does a listed one that is gone (so the list stays true).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "smi"

# (a, b): a imports b and b (through others) imports a. Each entry says what breaks it.
KNOWN: dict[frozenset[str], str] = {
}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "smi"


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                for sub in ast.walk(child):
                    if hasattr(sub, "lineno"):
                        lines.add(sub.lineno)
    return lines


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for f in SRC.rglob("*.py"):
        rel = f.relative_to(SRC.parent).with_suffix("")
        unit = _unit(".".join(rel.parts))
        tree = ast.parse(f.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("smi."):
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("smi.")]
            for n in names:
                if _unit(n) != unit:
                    edges.setdefault(unit, set()).add(_unit(n))
    return edges


def cycles(edges: dict[str, set[str]]) -> set[frozenset[str]]:
    def reaches(a: str, b: str) -> bool:
        seen, todo = set(), [a]
        while todo:
            n = todo.pop()
            for m in edges.get(n, ()):
                if m == b:
                    return True
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        return False

    return {frozenset((a, b)) for a, targets in edges.items() for b in targets if reaches(b, a)}


def test_no_import_cycle_between_layers():
    found = cycles(graph())
    new = found - set(KNOWN)
    assert not new, "import cycles between layers: " + "; ".join(" <-> ".join(sorted(c)) for c in new)
    gone = set(KNOWN) - found
    assert not gone, "listed as known but gone (remove from KNOWN): " + "; ".join(" <-> ".join(sorted(c)) for c in gone)


def test_the_graph_sees_an_upward_edge(tmp_path):
    """The check can fail: two modules importing each other are a cycle."""
    assert cycles({"metrics": {"report"}, "report": {"metrics"}}) == {frozenset(("metrics", "report"))}
    assert cycles({"report": {"metrics"}, "metrics": {"platforms"}}) == set()

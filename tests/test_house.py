"""The house's shape (issue 23): packages by job, no import circle, small modules.

A newcomer guesses a file from its path only while ``sim/`` keeps this shape, so these
tests fail on a new top-level module, a new import circle or a module past 400 lines.
"""

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "sim"
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    mods = {}
    for p in SIM.rglob("*.py"):
        name = ".".join(p.relative_to(SIM.parent).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = p
    return mods


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ``sim`` that ``name`` imports, anywhere in the file (lazy imports too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            out |= {base} | {f"{base}.{a.name}" for a in node.names}
    return {m for m in out if m in known and m != name}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    comps.append(sorted(comp))
    return comps


def test_sim_has_no_module_at_its_top_level_but_init_and_main():
    top = sorted(p.name for p in SIM.glob("*.py"))
    assert top == ["__init__.py", "__main__.py"]


def test_no_import_circle_between_the_modules_of_sim():
    mods = _modules()
    graph = {m: _imports(m, p, set(mods)) for m, p in mods.items()}
    assert _circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_the_core_imports_nothing_else_of_sim():
    mods = _modules()
    for name, path in mods.items():
        if name.startswith("sim.core."):
            outside = {m for m in _imports(name, path, set(mods)) if not m.startswith("sim.core")}
            assert not outside, (name, outside)


def test_every_module_is_under_400_lines():
    big = {
        str(p.relative_to(SIM.parent)): n
        for p in SIM.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not big

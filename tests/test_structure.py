"""The layout of the compiler: modules of one concern stay small, and imports go one way.

`imports()` reads every module of adc/ with `ast` (imports inside functions too, so a cycle
cannot hide behind a local import) and maps each module to the adc modules it imports."""
import ast
import os

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "adc")
MAX_LINES = 420


def modules():
    """Dotted module name -> path, for every .py file under adc/."""
    out = {}
    for folder, _, files in os.walk(ROOT):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, os.path.dirname(ROOT))[:-3].replace(os.sep, ".")
                out[rel[:-len(".__init__")] if rel.endswith(".__init__") else rel] = path
    return out


def imports():
    known = modules()
    graph = {}
    for mod, path in known.items():
        package = mod if path.endswith("__init__.py") else mod.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in known}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parent = ".".join(parts[:len(parts) - node.level + 1])
                    base = f"{parent}.{base}" if base else parent
                for a in node.names:  # `from . import ops` imports the module adc.ops
                    edges.add(f"{base}.{a.name}" if f"{base}.{a.name}" in known else base)
        graph[mod] = {e for e in edges if e in known and e != mod}
    return graph


def cycles(graph):
    """Every import cycle, as a list of modules (found by depth-first search)."""
    found, state = [], {}

    def visit(m, path):
        state[m] = "open"
        for n in sorted(graph[m]):
            if state.get(n) == "open":
                found.append(path[path.index(n):] + [n])
            elif n not in state:
                visit(n, path + [n])
        state[m] = "done"
    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return found


def test_no_import_cycles():
    graph = imports()
    # a package's __init__ that gathers its submodules is imported by them only through its name:
    # edges into a package from its own submodules are the package's public face, not a cycle
    for mod in graph:
        graph[mod] = {e for e in graph[mod] if not mod.startswith(e + ".")}
    assert cycles(graph) == []


def test_modules_stay_small():
    big = {mod: n for mod, path in modules().items() if (n := len(open(path).read().splitlines())) > MAX_LINES}
    assert big == {}, f"modules over {MAX_LINES} lines: {big}"

"""A greedy shrinker: smaller programs that still fail the same way.

A candidate is the program with one statement dropped, a loop or branch
replaced by its body, an `else` dropped, a helper dropped, or one
expression replaced by one of its operands or by a constant. A candidate
is kept when the primal still runs and the oracle still reports the same
failure signature (status, backend, mode, check); the shrinker sweeps the
candidates until a whole sweep keeps none.
"""
import ast
import copy
import dataclasses
import signal

from .oracle import check

_BODIES = ("body", "orelse")


def _paths(tree):
    """(path, node) for every node, a path being a list of (field, index or None)."""
    out = []

    def walk(node, path):
        out.append((path, node))
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                for k, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        walk(item, path + [(name, k)])
            elif isinstance(value, ast.AST):
                walk(value, path + [(name, None)])
    walk(tree, [])
    return out


def _get(tree, path):
    node = tree
    for name, k in path:
        node = getattr(node, name) if k is None else getattr(node, name)[k]
    return node


def _set(tree, path, new):
    parent = _get(tree, path[:-1])
    name, k = path[-1]
    if k is None:
        setattr(parent, name, new)
    else:
        getattr(parent, name)[k] = new


def _stmt_lists(tree):
    """(path of the owner, field) of every statement list."""
    for path, node in _paths(tree):
        for name in _BODIES:
            if isinstance(getattr(node, name, None), list) and getattr(node, name) and \
                    isinstance(getattr(node, name)[0], ast.stmt):
                yield path, name


def _edit(source, fn):
    tree = ast.parse(source)
    if fn(tree) is False:
        return None
    ast.fix_missing_locations(tree)
    try:
        return ast.unparse(tree) + "\n"
    except Exception:
        return None


def _statement_candidates(source):
    tree = ast.parse(source)
    for path, name in list(_stmt_lists(tree)):
        stmts = getattr(_get(tree, path), name)
        for k in range(len(stmts) - 1, -1, -1):
            def drop(t, path=path, name=name, k=k):
                owner = _get(t, path)
                body = getattr(owner, name)
                if isinstance(owner, ast.Module) and isinstance(body[k], ast.FunctionDef) and body[k].name == "f":
                    return False
                if isinstance(body[k], (ast.Import, ast.ImportFrom)):
                    return False
                del body[k]
                if not body:
                    if name == "orelse":
                        pass
                    else:
                        body.append(ast.Pass())
            yield drop

            def inline(t, path=path, name=name, k=k):
                body = getattr(_get(t, path), name)
                s = body[k]
                if isinstance(s, (ast.For, ast.While)):
                    body[k:k + 1] = s.body
                elif isinstance(s, ast.If):
                    body[k:k + 1] = s.body
                else:
                    return False
            yield inline

            def inline_else(t, path=path, name=name, k=k):
                body = getattr(_get(t, path), name)
                s = body[k]
                if not isinstance(s, ast.If) or not s.orelse:
                    return False
                body[k:k + 1] = s.orelse
            yield inline_else

            def drop_else(t, path=path, name=name, k=k):
                s = getattr(_get(t, path), name)[k]
                if not isinstance(s, (ast.If, ast.For, ast.While)) or not s.orelse:
                    return False
                s.orelse = []
            yield drop_else


def _children(node):
    return [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)
            and not isinstance(c, (ast.Tuple,)) and not (isinstance(c, ast.Name) and c.id in ("math", "np"))]


def _expression_candidates(source):
    tree = ast.parse(source)
    for path, node in _paths(tree):
        if not isinstance(node, ast.expr) or not path:
            continue
        if isinstance(node, (ast.Name, ast.Constant)) or getattr(node, "ctx", None).__class__ is ast.Store:
            if isinstance(node, ast.Constant) and node.value not in (0.5, 1, 0) and isinstance(node.value, float):
                yield lambda t, path=path: _set(t, path, ast.Constant(0.5))
            continue
        if path[-1][0] in ("func", "targets", "target"):
            continue
        for k, _ in enumerate(_children(node)):
            def operand(t, path=path, k=k):
                old = _get(t, path)
                _set(t, path, _children(old)[k])
            yield operand
        if not isinstance(node, (ast.Compare, ast.BoolOp)):
            yield lambda t, path=path: _set(t, path, ast.Constant(0.5))


def candidates(source):
    """Smaller variants of `source`, most drastic first."""
    for make in (_statement_candidates, _expression_candidates):
        for fn in make(source):
            new = _edit(source, fn)
            if new is not None and new != source:
                yield new


class _Slow(Exception):
    pass


def _alarm(signum, frame):
    raise _Slow()


def _still_fails(program, signature, timeout):
    """Whether `program` still fails with `signature`; a candidate running over `timeout` seconds
    (a dropped counter makes a while loop endless) does not."""
    _, backend, mode, _ = signature
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return signature in check(program, backends=(backend,), modes=(mode,)).signatures()
    except _Slow:
        return False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def shrink(program, signature, budget=600, log=None, timeout=None):
    """The smallest variant of `program` found whose Outcome still has `signature`
    (status, backend, mode, check). `budget` caps the oracle calls, `timeout` the seconds of each
    (default 20 python, 120 numba)."""
    timeout = timeout or (120.0 if signature[1] == "numba" else 20.0)
    status, backend, mode, _ = signature
    calls, i, changed = 0, 0, False
    best = program
    while calls < budget:
        cands = list(candidates(best.source))
        if i >= len(cands):
            if not changed:
                break
            i, changed = 0, False
            continue
        calls += 1
        cand = dataclasses.replace(best, source=cands[i])
        if _still_fails(cand, signature, timeout):
            best, changed = cand, True
            if log:
                log(f"  shrunk to {len(cand.source)} chars ({calls} tries)")
        else:
            i += 1
    return best, calls

"""What lowering asks of the source's syntax tree, and the names of the jump flags.

Contract: pure queries over gast nodes; nothing here emits IR or reads a
scope. The jump flags are the scope names under which `return`, `break` and
`continue` are lowered to booleans (with the returned value under `RETVAL`);
they start with a dot, so that no source name can be one of them.
"""
import gast

RET, RETVAL, BRK, CONT = ".ret", ".retval", ".brk", ".cont"


def pretty(name):
    """The name the IR gives the value of scope name `name` (a jump flag's reads as a word)."""
    return {RET: "returned", RETVAL: "result", BRK: "broke", CONT: "skipped"}.get(name, name)


def constant(node):
    """The value of a constant written in the source, negative numbers included."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) and isinstance(node.operand, gast.Constant):
        return -node.operand.value
    return node.value


def is_docstring(s):
    return isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant) and isinstance(s.value.value, str)


def simple_return(body):
    """Only one return, at the end of the top-level body."""
    return bool(body) and isinstance(body[-1], gast.Return) and not any(
        has_return([s]) for s in body[:-1])


def always_returns(body):
    if not body:
        return False
    last = body[-1]
    if isinstance(last, gast.Return):
        return True
    if isinstance(last, gast.If):
        return always_returns(last.body) and always_returns(last.orelse)
    return False


def walk_no_nested(stmts, skip_loops):
    """Nodes of `stmts`, not entering nested defs (nor loops when `skip_loops`)."""
    todo = list(stmts)
    while todo:
        n = todo.pop()
        yield n
        if isinstance(n, (gast.FunctionDef, gast.Lambda)):
            continue  # a nested def: its name, not its body
        for child in gast.iter_child_nodes(n):
            if isinstance(child, (gast.FunctionDef, gast.Lambda)):
                continue
            if skip_loops and isinstance(child, (gast.For, gast.While)):
                continue
            todo.append(child)


def has_return(stmts):
    return any(isinstance(n, gast.Return) for n in walk_no_nested(stmts, False))


def has_break(stmts):
    return any(isinstance(n, gast.Break) for n in walk_no_nested(stmts, True))


def has_continue(stmts):
    return any(isinstance(n, gast.Continue) for n in walk_no_nested(stmts, True))


def may_jump(stmt):
    """Whether the statements after `stmt` may be skipped: a return in it, or a break or
    continue that leaves it (not one of a loop it is)."""
    return has_return([stmt]) or (not isinstance(stmt, (gast.For, gast.While))
                                  and (has_break([stmt]) or has_continue([stmt])))


def assigned_names(stmts):
    """The names `stmts` bind, the flags of the breaks and continues in them included."""
    names = set()
    for n in walk_no_nested(stmts, False):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
            names.add(n.id)
        if isinstance(n, gast.Break):
            names.add(BRK)
        if isinstance(n, gast.Continue):
            names.add(CONT)
        if isinstance(n, gast.FunctionDef):
            names.add(n.name)
    return names


def cheap(node):
    """An operand that can be evaluated eagerly: no calls, no indexing."""
    return not any(isinstance(n, (gast.Call, gast.Subscript)) for n in gast.walk(node))


def hint(node):
    """The name for the value read from `node`: the array's name when it is one."""
    return node.id if isinstance(node, gast.Name) else "t"

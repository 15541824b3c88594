"""alias_check: refuse the programs whose arrays' names would need adjoints that disagree.

Contract: `check_aliases(fn)` takes a typed primal function and returns
nothing; it raises an adc error with the user's line and a hint for what
adc does not differentiate about aliasing: writes through or after views
(`_check_views`), a write that two names of one memory would see with two
adjoints (`_check_phi_writes`), one array carried or yielded under two names
and written (`_check_carried_aliases`). Both modes run it on a primal before
they differentiate it: the reverse pass first thing after checking its
output and parameters, the forward pass when it is given a primal.
"""
from ...errors import fail
from ...ir import Region, carried_inits, carried_params, defined_under, walk
from ...ops import overwrites, stores
from .aliases import _Mutations, _is_view, alias_classes


def check_aliases(fn):
    """Raise for the first aliasing `fn` would differentiate wrongly; else return None."""
    mutations = _Mutations(fn)
    _check_views(fn, mutations.find)
    _check_phi_writes(fn, mutations.find, mutations.order, mutations.loops)
    _check_carried_aliases(fn, mutations.find)


def _check_phi_writes(fn, find, order, loops):
    """Refuse a write that one array's two names would see with two adjoints: a write
    through a rebound array (a phi) while another name of its memory is read after it,
    or a write through a name after its array was handed to a loop or branch under
    another name. (Reads that run before the write, handing the array to the phi among
    them, see the memory as it was: no conflict.)"""
    structured = [op for op in walk(fn.body) if op.opname in ("for", "while", "if")]
    phis = {v.id for op in structured for v in op.results + [p for r in op.regions for p in r.params]}
    values = {v.id: (v, -1) for v in fn.params}
    for op in walk(fn.body):
        values.update((r.id, (r, order[id(op)])) for r in op.results)
    reads = _read_positions(fn, order)

    def read_after(vid, made, at):  # a read after `at`, or before it in a later iteration of a loop around both
        if made > at:  # made after the write (a loop's next array): the write cannot reach it through this name
            return False
        return any(p > at or any(lo <= at < hi and lo <= p < hi and made < lo for lo, hi in loops)
                   for p in reads.get(vid, ()))

    for op in walk(fn.body):
        if op.opname not in ("setitem", "setslice"):
            continue
        target, at = op.args[0], order[id(op)]
        cls = find(target.id)
        if target.id in phis:
            for vid, (v, made) in values.items():
                if vid not in phis and find(vid) == cls and v.type.is_array and read_after(vid, made, at):
                    _refuse(op, target, v)
        else:
            for s in structured:
                inside_if = s.opname == "if" and any(o is op for o in walk(Region([], [s])))
                if target.id in {a.id for a in _handed_in(s)} and order[id(op)] > order[id(s)] and not inside_if:
                    _refuse(op, target, target)  # (an if hands its arms' values on when the arm ends)


def _check_carried_aliases(fn, find):
    """Refuse a loop that carries one array under two names, or an if that yields one array
    as two of its results, when that memory is written: each name has its own adjoint, and a
    write's adjoint would reach one of them only. (Two arrays swapped each iteration, double
    buffering, are two memories: allowed.)"""
    seq = list(walk(fn.body))
    written = {find(o.args[0].id): o for o in seq if stores(o)}
    for op in seq:
        if op.opname in ("for", "while"):
            edges = [list(zip(carried_inits(op), carried_params(op)))]
        elif op.opname == "if":
            edges = [list(zip(arm.yields, op.results)) for arm in op.regions]
        else:
            continue
        edges = [[(v, p) for v, p in pairs if v.type.is_array] for pairs in edges]
        if not any(len(pairs) > 1 for pairs in edges):
            continue
        before = _classes_without(seq, op)
        for pairs in edges:
            seen = {}
            for k, (v, p) in enumerate(pairs):
                j, first = seen.setdefault(before(v.id), (k, p))
                if j != k and find(p.id) in written:
                    fail(f"one array under two names ('{first.name}' and '{p.name}') that a loop or branch "
                         "carries on, written", written[find(p.id)].loc,
                         f"keep one name, or copy it: {p.name} = {first.name}.copy()")


def _classes_without(ops, op):
    """The alias classes from every op outside `op`: which memories the values `op` receives may be."""
    inside = {id(o) for o in walk(Region([], [op]))}
    return alias_classes(o for o in ops if id(o) not in inside)


def _read_positions(fn, order):
    """Value id -> positions at which it is read: a loop's inits just before the loop, a
    region's yields at the region's last op, every other argument at its op."""
    out = {}
    for op in walk(fn.body):
        at = order[id(op)]
        for a in op.args:
            out.setdefault(a.id, []).append(at - 0.5 if op.opname in ("for", "while") else at)
        for r in op.regions:
            end = max([order[id(o)] for o in walk(r)], default=at)
            for y in r.yields:
                out.setdefault(y.id, []).append(end)
    for y in fn.body.yields:
        out.setdefault(y.id, []).append(len(order))
    return out



def _check_views(fn, find):
    """A slice is a view of its array: adc allows reading it before the array is written
    again, never writing through it, never carrying it out of its loop or branch (the
    function may return it, as NumPy does, when nothing writes its array after it)."""
    regions = [fn.body] + [r for op in walk(fn.body) for r in op.regions]
    for region in regions:
        for k, op in enumerate(region.ops):
            if not _is_view(op):
                continue
            view, cls = op.result, find(op.args[0].id)
            kind = {"getslice": "slice", "getitem": "row"}.get(op.opname) or f"view ({op.attrs['fn']} of an array)"
            if (view in region.yields and region is not fn.body) or any(
                    view in r.yields for o in walk(region) for r in o.regions):
                _view_error(op, f"a {kind} carried out of its loop or branch")
            if view in region.yields and any(overwrites(o) and find(o.args[0].id) == cls
                                             for later in region.ops[k + 1:] for o in walk(Region([], [later]))):
                _view_error(op, f"a {kind} returned after its array is written")
            for later in region.ops[k + 1:]:
                users = [o for o in walk(Region([], [later])) if view in o.args]
                if users and any(overwrites(o) and o.args[0] is view for o in users):
                    _view_error(later, f"a write through a {kind}")
                if users and not later.regions and not overwrites(later):
                    continue
                if any(overwrites(o) and find(o.args[0].id) == cls for o in walk(Region([], [later]))):
                    if any(view in o.args for o in region.ops[region.ops.index(later) + 1:]
                           for o in walk(Region([], [o]))) or (users and later.regions):
                        _view_error(later, f"a {kind} read after its array is written")



def _view_error(op, what):
    fail(what, op.loc, "copy it first: y = x[a:b].copy(), or index the array itself")


def _handed_in(op):
    """Values a structured op receives from outside: loop inits, and yields of outer values."""
    inner = defined_under([op])
    inits = carried_inits(op) if op.opname in ("for", "while") else []
    yielded = [y for r in op.regions for y in r.yields if y.id not in inner]
    return list(inits) + yielded


def _refuse(op, target, other):
    fail(f"a write into the array '{target.name}' while a loop or branch also names its memory "
         f"'{other.name}' under another name", op.loc,
         f"write into a copy: {target.name} = {target.name}.copy() before the write")


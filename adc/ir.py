"""adc's intermediate representation: structured SSA.

A `Function` has parameters and one body `Region`. A region has parameters
(its block arguments), a list of `Op`s and the values it `yields`. Every
`Value` is defined once: as a function or region parameter, or as the
result of one op. Control flow stays structured:

    for    args [start, stop, step, *inits]   body(i, *carried) -> yields
    while  args [*inits]    cond(*carried) -> [bool]   body(*carried) -> yields
    if     args [pred]      then() -> yields           else() -> yields

The results of `for`/`while`/`if` and the carried parameters are the phi
nodes. Arrays are memory: `setitem` and `iadd` change an array value in
place and have no results. The function's body yields its return values.
"""
from dataclasses import dataclass, field
import enum
import itertools

from .errors import AdcError


# ---------------------------------------------------------------- types

@dataclass(frozen=True)
class T:
    """A scalar (ndim 0) or an array of `dtype`."""

    dtype: str  # 'float64' | 'int64' | 'bool' | 'complex128'
    ndim: int = 0

    def __post_init__(self):
        if self.ndim < 0:  # a type rule that subtracted too much: never let it stand for a type
            raise ValueError(f"a type of {self.ndim} dimensions")  # the compiler's safety net reports it

    def __str__(self):
        return self.dtype if self.ndim == 0 else f"{self.dtype}[{','.join(':' * self.ndim)}]"

    @property
    def is_array(self):
        return self.ndim > 0

    @property
    def is_float(self):
        return self.dtype in ("float64", "complex128")

    def scalar(self):
        return T(self.dtype)

    def with_ndim(self, ndim):
        return T(self.dtype, ndim)


@dataclass(frozen=True)
class TupleT:
    """A tuple of types."""

    elems: tuple

    def __str__(self):
        return "(" + ", ".join(map(str, self.elems)) + ")"

    is_array = False
    is_float = False
    ndim = 0


F64, I64, BOOL, C128 = T("float64"), T("int64"), T("bool"), T("complex128")
_RANK = {"bool": 0, "int64": 1, "float64": 2, "complex128": 3}


def promote(*types):
    """The dtype of arithmetic between `types` (NumPy's rules, bool -> int)."""
    best = max((t.dtype for t in types), key=_RANK.__getitem__)
    return "int64" if best == "bool" else best


def unify(a, b):
    """The type a phi node takes from incoming `a` and `b`, or None."""
    if a is None or b is None:
        return a or b
    if isinstance(a, TupleT) or isinstance(b, TupleT):
        return a if a == b else None
    if a.ndim != b.ndim:
        return None
    return T(max(a.dtype, b.dtype, key=_RANK.__getitem__), a.ndim)


# ---------------------------------------------------------------- values and ops

_ids = itertools.count()


@dataclass(eq=False)
class Value:
    """An SSA value. `name` is a hint for printing; `type` is set by type inference.

    `restores`: the forward-sweep value this one stands for in the backward sweep (a pop of what
    was pushed, a loop counter counted back). Derivatives flow from it to this value (activity,
    forward mode's tangents of pops), the tape keys pops by it, and codegen prints this value
    under its name where the backward sweep no longer reads it."""

    name: str
    type: object = None
    id: int = field(default_factory=lambda: next(_ids))
    restores: object = None

    def __repr__(self):
        return f"%{self.name}.{self.id}"


@dataclass(eq=False)
class Region:
    params: list = field(default_factory=list)
    ops: list = field(default_factory=list)
    yields: list = field(default_factory=list)


@dataclass(eq=False)
class Op:
    opname: str
    args: list = field(default_factory=list)
    results: list = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    regions: list = field(default_factory=list)
    loc: object = None
    adjoint: bool = False  # emitted by the reverse pass: printed under `# grad of: <line>`

    @property
    def result(self):
        return self.results[0]


class Stack(enum.Enum):
    """Where a function's stack (its tape) lives."""

    OWN = "own"  # made and used here
    OUT = "out"  # made here and returned after the function's outputs (split's forward function)
    IN = "in"  # received after the function's parameters (split's backward function)


# The role of each output of a function (the values its body yields), as the passes that make
# them say and the API reads them: no one counts positions.
VALUE, GRADIENT, TANGENT, HVP, RESIDUAL, ROWS = ("value", "gradient", "tangent", "hessian-vector product",
                                                "residual", "rows")
CHECKPOINTS = "checkpoint schedule"  # a checkpointed loop's schedule array, after its last run (adc.stats)
STACK_STATE = "stack state"  # what a Stack.OUT function returns after its outputs (codegen says how many)
TANGENT_OF = {VALUE: TANGENT, GRADIENT: HVP}  # what forward mode adds for each output it differentiates


@dataclass(eq=False)
class Function:
    name: str
    params: list
    body: Region
    loc: object = None
    captured: list = field(default_factory=list)  # (Value, python name) read from closure/globals
    stack: Stack = Stack.OWN
    roles: list = None  # the role of each of body.yields (None: each is a VALUE)

    def output_roles(self):
        return list(self.roles) if self.roles is not None else [VALUE] * len(self.body.yields)

    def outputs(self, role):
        """The outputs of `role`, in order."""
        return [v for v, r in zip(self.body.yields, self.output_roles()) if r == role]

    def output(self, role):
        """The one output of `role`."""
        (v,) = self.outputs(role)
        return v


# ---------------------------------------------------------------- walking

def walk(region):
    """Every op in `region` and its nested regions, outer op before inner ones."""
    for op in region.ops:
        yield op
        for r in op.regions:
            yield from walk(r)


CARRIED_AT = {"for": (3, 1), "while": (0, 0)}  # a loop's first carried value: (operand, body parameter)


def for_bounds(op):
    """start, stop, step of a `for`."""
    return op.args[:3]


def carried_inits(op):
    """The values a `for` or `while` starts its carried values with."""
    return op.args[CARRIED_AT[op.opname][0]:]


def carried_params(op):
    """The carried values inside a loop's body (a `for`'s counter excluded)."""
    return op.regions[-1].params[CARRIED_AT[op.opname][1]:]


def phi_edges(op):
    """(incoming value, phi value) pairs of a structured op: a loop's start values and its body's
    yields into the body's carried parameters, an `if`'s arms' yields into its results."""
    if op.opname in ("for", "while"):
        params = carried_params(op)
        return list(zip(carried_inits(op), params)) + list(zip(op.regions[-1].yields, params))
    if op.opname == "if":
        return [(y, r) for arm in op.regions for y, r in zip(arm.yields, op.results)]
    return []


def carried_edges(op):
    """`phi_edges(op)`, and for a loop its carried values into its results (what leaves it)."""
    edges = phi_edges(op)
    if op.opname in ("for", "while"):
        edges += list(zip(carried_params(op), op.results))
    return edges


def clone(region, mapping):
    """A copy of `region` with values of its own: its parameters, and the results and regions of
    its ops. A value `mapping` (id -> Value) maps is replaced by its image; the copy's values are
    added to `mapping` as the images of the originals."""
    params = [_fresh(p, mapping) for p in region.params]
    ops = []
    for op in region.ops:
        args = [mapping.get(a.id, a) for a in op.args]
        regions = [clone(r, mapping) for r in op.regions]
        results = [_fresh(r, mapping) for r in op.results]
        ops.append(Op(op.opname, args, results, dict(op.attrs), regions, op.loc, op.adjoint))
    return Region(params, ops, [mapping.get(y.id, y) for y in region.yields])


def _fresh(v, mapping):
    mapping[v.id] = Value(v.name, v.type, restores=v.restores)
    return mapping[v.id]


def defined_under(ops):
    """Ids of the values `ops` define: their results, and the parameters and results inside them."""
    ids = set()
    for op in walk(Region([], ops)):
        ids.update(r.id for r in op.results)
        ids.update(p.id for r in op.regions for p in r.params)
    return ids


def free_reads(ops, yields=()):
    """Values `ops` (and then `yields`) read that `ops` do not define, in first-read order."""
    inner = defined_under(ops)
    seen, out = set(), []
    reads = [a for sub in walk(Region([], ops)) for a in list(sub.args) + [y for r in sub.regions for y in r.yields]]
    for v in reads + list(yields):
        if v.id not in inner and v.id not in seen:
            seen.add(v.id)
            out.append(v)
    return out


def uses(region):
    """Map value id -> number of times it is read (args and yields) under `region`."""
    count = {}
    def bump(vals):
        for v in vals:
            count[v.id] = count.get(v.id, 0) + 1
    bump(region.yields)
    for op in walk(region):
        bump(op.args)
        for r in op.regions:
            bump(r.yields)
    return count


# ---------------------------------------------------------------- verification

class VerifyError(AdcError):
    """The IR broke one of its own invariants: a bug in adc, never in user code."""


_REGIONS = {"for": 1, "while": 2, "if": 2}


def verify(fn, typed=False):
    """Check SSA (one definition, defined before use, scoping) and region shapes."""
    if isinstance(fn, tuple):
        for part in fn:
            verify(part, typed)
        return
    if fn.roles is not None and len(fn.roles) != len(fn.body.yields):
        raise VerifyError(f"{fn.name} has {len(fn.body.yields)} outputs and {len(fn.roles)} roles")
    defined = set()
    _verify_region(fn.body, list(fn.params) + [v for v, _ in fn.captured], defined, [], typed)


def _define(v, defined, typed):
    if v.id in defined:
        raise VerifyError(f"{v!r} defined twice")
    if typed and v.type is None:
        raise VerifyError(f"{v!r} has no type")
    defined.add(v.id)


def _verify_region(region, params, defined, scope, typed):
    visible = set(scope)
    for p in params:
        _define(p, defined, typed)
        visible.add(p.id)
    def check(vals, what):
        for v in vals:
            if v.id not in visible:
                raise VerifyError(f"{v!r} used by {what} before definition or out of scope")
    for op in region.ops:
        check(op.args, op.opname)
        if len(op.regions) != _REGIONS.get(op.opname, 0):
            raise VerifyError(f"{op.opname} has {len(op.regions)} regions")
        for r in op.regions:
            _verify_region(r, r.params, defined, visible, typed)
        for v in op.results:
            _define(v, defined, typed)
            visible.add(v.id)
    check(region.yields, "yield")


# ---------------------------------------------------------------- slice patterns

def pattern_ndim(pattern, base_ndim):
    """Rank of x[pattern] for x of rank `base_ndim`: slices keep an axis, ints drop one, None adds one."""
    used = sum(1 for p in pattern if p[0] != "n")
    if used > base_ndim:
        return None
    kept = sum(1 for p in pattern if p[0] == "s") + (base_ndim - used)
    return kept + sum(1 for p in pattern if p[0] == "n")


def pattern_text(pattern, values):
    """The text inside x[...] for `pattern`, with the index expressions `values` in order."""
    values = list(values)
    parts = []
    for p in pattern:
        if p[0] == "i":
            parts.append(values.pop(0))
        elif p[0] == "n":
            parts.append("None")
        else:
            lo, hi, step = (values.pop(0) if has else "" for has in p[1:])
            parts.append(f"{lo}:{hi}" + (f":{step}" if p[3] else ""))
    return ", ".join(parts)


def without_new_axes(pattern):
    """The pattern that indexes the base (its adjoint) and the one that indexes the view:
    x_bar[base] += y_bar[view] undoes the new axes of y = x[pattern]."""
    base = tuple(p for p in pattern if p[0] != "n")
    view = tuple(("i",) if p[0] == "n" else ("s", False, False, False) for p in pattern if p[0] != "i")
    return base, view

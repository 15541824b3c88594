"""ops: the catalogue of op kinds, one definition each.

Every op kind adc's IR has is defined here once: its operands by name, its regions, its effect,
whether derivatives flow through it, its type rule and how it is spelled in generated source.
The passes ask this module rather than keeping sets of op names of their own:

- `effect(op)`: PURE (a value of its operands, free to drop or move when nothing reads it),
  WRITES (changes its first operand, an array, in place), CHECK (raises where the primal does,
  changes nothing), STACK (moves the tape), CONTROL (a structured op: for, while, if) or NOTE
  (printed only), RANDOM (draws from or seeds a generator: adc/randoms.py). A call takes its
  effect from its rule.
- `differentiable(op)`: whether derivatives flow through it at all.
- `result_type(op, types)`: its result's type from its operands' types (None when it has none).
- `spell(op, ref)`: the Python expression of a PURE op, as (text, precedence), where `ref(v, prec)`
  writes an operand; `statement(op, ref)`: the line of a WRITES op.
- traits: `foldable(op)` (written into the one expression that reads it), `is_barrier(op)`
  (nothing moves across it), `stores(op)` / `overwrites(op)` (element and slice writes),
  `is_indexed(op)` (reads or writes an array at `indices(op)`);
- operand accessors (`for_bounds`, `carried_inits`, `carried_params` from ir.py, `written`,
  `stored`, `indices`) so that no pass spells a layout such as `args[3:]` itself.

Adding an op kind is a `define(...)` here, plus the passes that truly handle it (reverse and
forward mode for a differentiable one): `astype` is an example.
"""
from dataclasses import dataclass

from . import externs, randoms, rules
from .rules.core import batching
from .errors import AdcTypeError, fail
from .ir import BOOL, C128, F64, I64, T, TupleT, pattern_ndim, pattern_text
from .ir import carried_inits, carried_params, for_bounds, phi_edges  # noqa: F401  (the IR's layout)

PURE, WRITES, CHECK, STACK, CONTROL, NOTE = "pure", "writes", "check", "stack", "control", "note"
RANDOM = "random"  # draws from or seeds a generator: kept, in order, never moved, merged or recomputed
ATOM = 20  # the precedence of an atom: a name, a call, a subscript


@dataclass(frozen=True)
class Kind:
    """One op kind. `operands` documents the layout (`*name`: any number); `diff` is a bool or a
    function of the op; `type`, `spell` and `write` are as in the module's docstring."""

    name: str
    operands: str
    effect: str = PURE
    regions: tuple = ()
    diff: object = True
    type: object = None
    spell: object = None
    write: object = None
    fold: bool = True  # a PURE op's value may be written into the one expression that reads it
    overwrite: bool = False  # a WRITES op that replaces what it writes over (not an in-place add)
    indexed: bool = False  # reads or writes an array at `indices(op)`


KINDS = {}


def define(name, operands, **traits):
    KINDS[name] = Kind(name, operands, **traits)
    return KINDS[name]


# ---------------------------------------------------------------- queries

def effect(op):
    if op.opname == "call":
        if op.attrs.get("check"):
            return CHECK
        return PURE if rules.RULES[op.attrs["fn"]].pure else WRITES
    return KINDS[op.opname].effect


def is_pure(op):
    return effect(op) == PURE


def writes(op):
    """Whether `op` changes its first operand in place (an element or slice write, an in-place add,
    a scatter-add rule)."""
    return effect(op) == WRITES and (op.opname != "call" or rules.RULES[op.attrs["fn"]].scatter)


def is_barrier(op):
    """Whether a value may not be evaluated later than it stands when `op` is in between: `op`
    writes, jumps, moves the tape or prints (a check of the primal's values moves nothing)."""
    return effect(op) not in (PURE, CHECK)


def foldable(op):
    """Whether `op`'s one result may be written into the expression that reads it."""
    return is_pure(op) and KINDS[op.opname].fold and len(op.results) == 1


def stores(op):
    """An element or slice write or an in-place add: an op, not a call, that changes its first operand."""
    return KINDS[op.opname].effect == WRITES


def overwrites(op):
    """An element or slice write that replaces what was there (setitem, setslice)."""
    return KINDS[op.opname].overwrite


def differentiable(op):
    diff = KINDS[op.opname].diff
    return diff(op) if callable(diff) else diff


def result_type(op, types):
    return KINDS[op.opname].type(op, types)


def spell(op, ref):
    return KINDS[op.opname].spell(op, ref)


def statement(op, ref):
    return KINDS[op.opname].write(op, ref)


# ---------------------------------------------------------------- operands

def written(op):
    """The array a WRITES op changes."""
    return op.args[0]


def stored(op):
    """The value an element or slice write (or an in-place add) puts into its array."""
    return op.args[-1]


def is_indexed(op):
    """An element or slice read or write of an array (its index operands: `indices(op)`)."""
    return KINDS[op.opname].indexed


def indices(op):
    """The index operands of an element or slice read or write."""
    return op.args[1:] if op.opname in ("getitem", "getslice") else op.args[1:-1]


# ---------------------------------------------------------------- type rules

def _rule_type(key, op, types):
    try:
        rule = rules.RULES[key]
        depth, stacked = batching(rule, types)
        if not depth:
            return rule.typer(*types)
        one = rule.typer(*(t.with_ndim(t.ndim - depth) if s else t for t, s in zip(types, stacked)))
        return one.with_ndim(one.ndim + depth)  # a stack of results: the batch pass loops over it
    except AdcTypeError as exc:
        fail(f"{rules.shown(key)} on {', '.join(map(str, types))}", op.loc, str(exc))
    except (TypeError, AttributeError):
        fail(f"{rules.shown(key)} on arguments of types {', '.join(map(str, types))}", op.loc,
             "check the number and kind of the arguments")


def _const_type(op, types):
    v = op.attrs["value"]
    return BOOL if isinstance(v, bool) else I64 if isinstance(v, int) else C128 if isinstance(v, complex) else F64


def _getitem_type(op, types):
    base, idx = types[0], types[1:]
    if isinstance(base, TupleT) and op.attrs.get("index") is not None:  # an element lowering tracks
        return base.elems[op.attrs["index"]]
    if isinstance(base, TupleT):
        check_index_types(op, idx)
        if len(idx) != 1 or not base.elems:
            fail("this tuple index", op.loc, "index a tuple that has elements with one integer: t[i]")
        return base.elems[0] if len(set(base.elems)) == 1 else fail(
            "indexing a tuple of mixed types", op.loc, "unpack it: a, b = t")
    if len(idx) == 1 and getattr(idx[0], "ndim", 0) and idx[0].dtype in ("int64", "bool"):
        return _gather_type(op, base, idx[0])
    if any(isinstance(t, TupleT) or t.ndim or t.dtype not in ("int64", "bool") for t in idx):
        fail("indexing with a non-integer", op.loc, "index arrays with integers: x[i], A[i, j]")
    if base.ndim < len(idx):
        fail(f"{len(idx)} indices into an array of {base.ndim} dimensions", op.loc, "use one index per dimension")
    return T(base.dtype, base.ndim - len(idx))


def _gather_type(op, base, idx):
    """x[idx] with an integer array (rows of x) or a boolean mask of x's shape (a 1-D array)."""
    if not base.ndim:
        fail(f"indexing a number ({base}) with an array", op.loc, "index arrays only")
    if idx.dtype == "int64":
        return T(base.dtype, base.ndim - 1 + idx.ndim)
    if idx.ndim != base.ndim:
        fail("a boolean mask of another rank than its array", op.loc, "index with a mask of the array's shape")
    return T(base.dtype, 1)


def getslice_type(op, types):
    base = types[0]
    if not getattr(base, "is_array", False):
        fail("slicing a value that is not an array", op.loc, "slice arrays only")
    check_index_types(op, types[1:])
    ndim = pattern_ndim(op.attrs["pattern"], base.ndim)
    if ndim is None:
        fail(f"too many indices for an array of {base.ndim} dimensions", op.loc, "use one index per dimension")
    return T(base.dtype, ndim)


def check_index_types(op, idx):
    if any(isinstance(t, TupleT) or t.ndim or t.dtype not in ("int64", "bool") for t in idx):
        fail("indexing with a non-integer", op.loc, "index arrays with integers and slices: x[i], x[a:b]")


def _shape_type(op, types):
    if types[0].ndim:
        return TupleT((I64,) * types[0].ndim)
    fail(f"the shape of {op.args[0].name}, a number ({types[0]})", op.loc, "pass an array for it")


def _extern_type(op, types):
    """The result of a C function (its declared type) or of a ufunc (NumPy's loop for these arguments)."""
    if "ufunc" not in op.attrs:
        return types[0].result
    out = externs.ufunc_result(op.attrs["ufunc"], types)
    if out is None:
        fail(f"a call to {op.attrs['home']}.{op.attrs['callee']} with arguments {', '.join(map(str, types))}",
             op.loc, "adc calls a ufunc with one output on float, int, bool or complex arguments")
    return out


def _astype_type(op, t):
    if isinstance(t, TupleT) or not t.ndim:
        fail(f".astype of {t}, which is not an array", op.loc, "convert a number with float(x) or int(x)")
    if t.dtype == "complex128" and op.attrs["dtype"] != "complex128":
        fail(f".astype({op.attrs['dtype']}) of a complex array (NumPy drops the imaginary part)", op.loc,
             "take the part you mean: np.real(z) or np.abs(z)")
    return T(op.attrs["dtype"], t.ndim)


def _own_type(op, types):
    """Ops made with their result typed (pops, placeholders) keep it."""
    return op.result.type


# ---------------------------------------------------------------- spelling

_BIN = {"add": ("+", 11), "sub": ("-", 11), "mul": ("*", 12), "div": ("/", 12), "floordiv": ("//", 12),
        "mod": ("%", 12), "pow": ("**", 14)}
_CMP = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}


def _binop(op, ref):
    a, b = op.args
    sym, p = _BIN[op.attrs["op"]]
    if sym == "**":
        return f"{ref(a, p + 1)} ** {ref(b, p)}", p
    return f"{ref(a, p)} {sym} {ref(b, p + 1)}", p


def _unop(op, ref):
    if op.attrs["op"] == "not":
        return f"not {ref(op.args[0], 5)}", 5
    return f"-{ref(op.args[0], 14)}", 13


def _logic(op, ref):
    p = 4 if op.attrs["op"] == "and" else 3
    return f"{ref(op.args[0], p)} {op.attrs['op']} {ref(op.args[1], p + 1)}", p


def _args(values, ref):
    return ", ".join(ref(x) for x in values)


def _call(op, ref):  # a primal math call that raises as CPython's does is spelled by its runtime helper
    return f"{op.attrs.get('checked') or rules.RULES[op.attrs['fn']].spelled}({_args(op.args, ref)})", ATOM


def _subscript(op, ref, inner):
    return f"{ref(op.args[0], ATOM)}[{inner}]"


def _index_text(op, ref):
    if "pattern" in op.attrs:
        return pattern_text(op.attrs["pattern"], [ref(x) for x in indices(op)])
    return _args(indices(op), ref)


def _tuple(op, ref):
    inner = _args(op.args, ref)
    return (f"({inner},)" if len(op.args) == 1 else f"({inner})"), ATOM


def placeholder(t):
    """The text of a value of type `t` that no one reads (an undefined name's placeholder)."""
    if t.ndim:
        return f"np.empty(({', '.join(['0'] * t.ndim)},), np.{t.dtype})" if t.ndim == 1 else \
            f"np.empty(({', '.join(['0'] * t.ndim)}), np.{t.dtype})"
    return {"float64": "0.0", "int64": "0", "bool": "False", "complex128": "0j"}[t.dtype]


def _store(symbol):
    return lambda op, ref: f"{_subscript(op, ref, _index_text(op, ref))} {symbol} {ref(stored(op))}"


# ---------------------------------------------------------------- the kinds

def _rule_diff(key_attr):
    return lambda op: not rules.RULES[op.attrs[key_attr]].nondiff


define("const", "", diff=False, type=_const_type, fold=False)  # {value}: written in place where it is read
define("binop", "a, b", diff=_rule_diff("op"), type=lambda op, t: _rule_type(op.attrs["op"], op, t), spell=_binop)
define("unop", "a", diff=lambda op: op.attrs["op"] == "neg",
       type=lambda op, t: BOOL if op.attrs["op"] == "not" else t[0], spell=_unop)
define("cmp", "a, b", diff=False, type=lambda op, t: T("bool", max(x.ndim for x in t)),
       spell=lambda op, ref: (f"{ref(op.args[0], 8)} {_CMP[op.attrs['op']]} {ref(op.args[1], 8)}", 7))
define("logic", "a, b", diff=False, type=lambda op, t: BOOL, spell=_logic)
define("call", "*args", diff=_rule_diff("fn"), type=lambda op, t: _rule_type(op.attrs["fn"], op, t), spell=_call)
# another library's ufunc {home, callee, ufunc}, or a C function args[0] (codegen spells both: helpers)
define("extern", "*args", type=_extern_type)
define("getitem", "array, *index", type=_getitem_type,
       spell=lambda op, ref: (_subscript(op, ref, _index_text(op, ref)), ATOM), indexed=True)
define("getslice", "array, *index", type=getslice_type,
       spell=lambda op, ref: (_subscript(op, ref, _index_text(op, ref)), ATOM), indexed=True)
define("shape", "array", diff=False, type=_shape_type, spell=lambda op, ref: (f"{ref(op.args[0], ATOM)}.shape", ATOM))
define("size", "array", diff=False, type=lambda op, t: I64, spell=lambda op, ref: (f"{ref(op.args[0], ATOM)}.size", ATOM))
define("len", "value", diff=False, type=lambda op, t: I64, spell=lambda op, ref: (f"len({ref(op.args[0])})", ATOM))
define("tuple", "*elements", diff=False, type=lambda op, t: TupleT(tuple(t)), spell=_tuple)
define("cast", "value", diff=lambda op: op.attrs["dtype"] in ("float64", "complex128"),
       type=lambda op, t: T(op.attrs["dtype"]),
       spell=lambda op, ref: (f"{'float' if op.attrs['dtype'] == 'float64' else 'int'}({ref(op.args[0])})", ATOM))
define("astype", "array", diff=lambda op: op.attrs["dtype"] in ("float64", "complex128"),  # {dtype}
       type=lambda op, t: _astype_type(op, t[0]),
       spell=lambda op, ref: (f"{ref(op.args[0], ATOM)}.astype(np.{op.attrs['dtype']})", ATOM))
define("zeros_like", "value", diff=False, type=lambda op, t: t[0],
       spell=lambda op, ref: (f"np.zeros_like({ref(op.args[0])})", ATOM), fold=False)
# a thread's index or the launch's shape in a CUDA kernel {text: cuda.grid(1), cuda.blockDim.x, ...}
define("thread", "", diff=False, type=_own_type, spell=lambda op, ref: (op.attrs["text"], ATOM), fold=False)
define("undef", "", diff=False, type=_own_type, spell=lambda op, ref: (placeholder(op.result.type), ATOM), fold=False)
# a user primitive's output: args[:nargs] its arguments, args[nargs] what its fwd rule computed (codegen
# spells it as that value), args[nargs + 1:] the residuals {prim, nargs, captures; tangent: "fwd" where forward
# mode differentiates the fwd rule's ops instead of a jvp rule (adc.odeint's backsolve, whose prim is an
# ode.Backsolve)}
define("custom", "*args, value", type=lambda op, t: t[op.attrs["nargs"]])

# a draw {method, source, nparams, size} from a generator args[0] (or NumPy's global state), and a
# generator the function makes {kind} (adc/randoms.py): constants of the derivative
define("draw", "generator?, *params, *size", effect=RANDOM, diff=False, type=randoms.draw_type, spell=randoms.spell_draw)
define("rng", "*seed", effect=RANDOM, diff=False, type=randoms.rng_type, spell=randoms.spell_rng)

define("setitem", "array, *index, value", effect=WRITES, write=_store("="), overwrite=True, indexed=True)
define("iadd_item", "array, *index, value", effect=WRITES, write=_store("+="), indexed=True)
define("setslice", "array, *index, value", effect=WRITES, write=_store("="), overwrite=True, indexed=True)  # {pattern}
define("iadd_slice", "array, *index, value", effect=WRITES, write=_store("+="), indexed=True)  # {pattern}
define("iadd", "array, value", effect=WRITES, write=lambda op, ref: f"{ref(op.args[0])} += {ref(op.args[1])}")

define("for", "start, stop, step, *inits", effect=CONTROL, regions=("body(i, *carried)",))
define("while", "*inits", effect=CONTROL, regions=("cond(*carried) -> [test]", "body(*carried)"))
define("if", "test", effect=CONTROL, regions=("then", "else"))

define("push", "value", effect=STACK, diff=False)  # {level}
define("pop", "", effect=STACK, type=_own_type)  # {level}; its result's `pushed` is the value pushed
define("reserve", "*count", effect=STACK, diff=False)  # {level, nf, ni}: room for nf floats, ni ints a trip
define("stack_check", "", effect=STACK, diff=False)  # {level}: debug mode, the stack is empty
define("stack_save", "", effect=STACK, diff=False)
define("stack_peak", "schedule", effect=STACK, diff=False)  # {level}: a checkpointed loop records the tape's depth
define("stack_restore", "", effect=STACK, diff=False)
define("sweep", "", effect=NOTE, diff=False)  # {part}: where a derivative's 'forward' or 'backward' sweep begins


def backward_sweep_at(seq):
    """The position of the backward sweep's marker in the ops `seq` (len(seq) when there is none)."""
    return next((k for k, op in enumerate(seq) if op.opname == "sweep" and op.attrs["part"] == "backward"), len(seq))

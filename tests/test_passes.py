"""Single passes, IR in and IR out: each test writes a function in adc's textual IR
(adc/irtext.py), runs one pass on it and compares the IR (or the source) that comes out.
The end-to-end checks of derivatives are in the other files; these pin what one pass does."""
import textwrap

import pytest

from adc import codegen, ir, ops
from adc.irtext import IRParseError, format_function, parse_function
from adc.passes import dce, simplify, split


def parsed(text):
    fn = parse_function(text)
    ir.verify(fn, typed=True)
    return fn


def shown(fn):
    return format_function(fn, ids=False)


def same(fn, expected):
    assert shown(fn) == textwrap.dedent(expected).strip()


LOOP = """
func f(%x: float64, %n: int64)
  %c0 = const{value=0}() : int64
  %c1 = const{value=1}() : int64
  %one = const{value=1.0}() : float64
  %s = for(%c0, %n, %c1, %x) : float64
    {
      ^(%i: int64, %acc: float64)
      %two = const{value=2}() : int64
      %three = const{value=3}() : int64
      %k = binop{op='add'}(%two, %three) : int64
      %kf = cast{dtype='float64'}(%k) : float64
      %t = binop{op='mul'}(%acc, %one) : float64
      %u = binop{op='mul'}(%t, %kf) : float64
      yield %u
    }
  yield %s
"""


# ---------------------------------------------------------------- the textual IR

def test_text_round_trips():
    fn = parsed(LOOP)
    again = parsed(format_function(fn))
    assert format_function(again, ids=False) == shown(fn)
    assert shown(fn) == textwrap.dedent(LOOP).strip()


def test_text_refuses_what_is_not_ir():
    with pytest.raises(IRParseError):
        parse_function("func f(%x: float64)\n  %y = 3 + x\n  yield %y")


# ---------------------------------------------------------------- simplify

def test_simplify_hoists_constants_folds_integers_drops_unit_products():
    fn = simplify(parsed(LOOP))
    ir.verify(fn, typed=True)
    same(fn, """
        func f(%x: float64, %n: int64)
          %two = const{value=2}() : int64
          %three = const{value=3}() : int64
          %k = const{value=5}() : int64
          %c0 = const{value=0}() : int64
          %c1 = const{value=1}() : int64
          %one = const{value=1.0}() : float64
          %s = for(%c0, %n, %c1, %x) : float64
            {
              ^(%i: int64, %acc: float64)
              %kf = cast{dtype='float64'}(%k) : float64
              %t = binop{op='mul'}(%acc, %one) : float64
              %u = binop{op='mul'}(%acc, %kf) : float64
              yield %u
            }
          yield %s
    """)


def test_simplify_keeps_float_arithmetic_on_constants():
    fn = simplify(parsed("""
        func f(%x: float64)
          %a = const{value=0.1}() : float64
          %b = const{value=0.2}() : float64
          %c = binop{op='add'}(%a, %b) : float64
          %y = binop{op='mul'}(%x, %c) : float64
          yield %y
    """))
    assert "binop{op='add'}(%a, %b)" in shown(fn)  # 0.1 + 0.2 is not folded: it could round otherwise


# ---------------------------------------------------------------- dce

def test_dce_drops_unread_pure_ops_and_keeps_effects():
    fn = dce(parsed("""
        func f(%x: float64[:], %i: int64, %v: float64)
          %unused = call{fn='math.sin'}(%v) : float64
          %twice = binop{op='mul'}(%unused, %unused) : float64
          setitem(%x, %i, %v)
          call{fn='rt.check_divisor', check=True}(%v)
          %y = getitem(%x, %i) : float64
          yield %y
    """))
    same(fn, """
        func f(%x: float64[:], %i: int64, %v: float64)
          setitem(%x, %i, %v)
          call{fn='rt.check_divisor', check=True}(%v)
          %y = getitem(%x, %i) : float64
          yield %y
    """)


# ---------------------------------------------------------------- split

SEEDED = """
func f_grad(%x: float64, %seed: float64) -> (value, gradient)
  %two = const{value=2.0}() : float64
  %y = call{fn='math.sin'}(%x) : float64
  %y2 = binop{op='mul'}(%y, %two) : float64
  sweep{part='backward'}()
  %c = call{fn='math.cos'}(%x) : float64
  %g0 = binop{op='mul'}(%seed, %c) : float64
  %g = binop{op='mul'}(%g0, %two) : float64
  yield %y2, %g
"""


def test_split_passes_residuals_and_copies_constants():
    fwd, bwd = split(parsed(SEEDED))
    same(fwd, """
        func f_fwd(%x: float64) -> (value, residual) stack out
          %two = const{value=2.0}() : float64
          %y = call{fn='math.sin'}(%x) : float64
          %y2 = binop{op='mul'}(%y, %two) : float64
          yield %y2, %x
    """)
    assert shown(bwd).splitlines()[:2] == ["func f_bwd(%x: float64, %seed: float64) -> (gradient) stack in",
                                            "  %two = const{value=2.0}() : float64"]
    source = codegen.generate((fwd, bwd))
    assert "def f_bwd(x, seed, _fstack, _fsp, _istack, _isp):" in source
    assert "return seed * math.cos(x) * 2.0" in source


# ---------------------------------------------------------------- the op catalogue

def test_every_op_kind_the_pipeline_makes_is_catalogued(monkeypatch, tmp_path):
    """Every op of every function generated for the corpus (reverse, forward, forward over
    reverse, split) is of a kind the catalogue defines."""
    import adc
    from adc.codegen import emit
    from corpus import CASES
    made, source = set(), emit.Emitter.source

    def recording(self):
        made.update(op.opname for op in ir.walk(self.fn.body))
        return source(self)
    monkeypatch.setattr(emit.Emitter, "source", recording)
    monkeypatch.setenv("ADC_CACHE_DIR", str(tmp_path))  # an empty cache: every derivative is generated
    for case in CASES[:25]:
        for make in (adc.grad, adc.hvp, adc.vjp):
            try:
                adc.source(make(case.f, wrt=case.wrt, backend="python"), *case.args)
            except adc.AdcError:
                pass  # a case meant for some modes only
    assert {"for", "binop", "call", "push", "pop", "sweep"} <= made
    assert made <= set(ops.KINDS)


def test_catalogue_effects():
    fn = parsed("""
        func f(%x: float64[:], %i: int64, %v: float64)
          %y = getitem(%x, %i) : float64
          iadd_item(%x, %i, %v)
          call{fn='rt.check_index', check=True}(%i, %i)
          %z = call{fn='math.exp'}(%y) : float64
          yield %z
    """)
    read, write, check, call = fn.body.ops
    assert [ops.effect(o) for o in (read, write, check, call)] == [ops.PURE, ops.WRITES, ops.CHECK, ops.PURE]
    assert ops.writes(write) and ops.written(write) is fn.params[0] and ops.stored(write) is fn.params[2]
    assert ops.indices(read) == [fn.params[1]] and ops.indices(write) == [fn.params[1]]
    assert not ops.is_barrier(check) and ops.is_barrier(write)
    assert ops.differentiable(call) and not ops.differentiable(check)


def test_loop_layout_accessors():
    loop = parsed(LOOP).body.ops[-1]
    assert [v.name for v in ops.for_bounds(loop)] == ["c0", "n", "c1"]
    assert [v.name for v in ops.carried_inits(loop)] == ["x"]
    assert [v.name for v in ops.carried_params(loop)] == ["acc"]
    assert [(a.name, b.name) for a, b in ops.phi_edges(loop)] == [("x", "acc"), ("u", "acc")]


def test_a_new_op_kind_is_one_definition():
    """An op kind defined in the catalogue alone is typed, printed and spelled by every pass
    that reads the catalogue (here: a hypothetical `hypot2` op, x*x + y*y)."""
    ops.define("hypot2", "a, b", type=lambda op, t: t[0],
               spell=lambda op, ref: (f"{ref(op.args[0], 12)} ** 2 + {ref(op.args[1], 12)} ** 2", 11))
    try:
        fn = parsed("""
            func f(%x: float64, %y: float64)
              %h = hypot2(%x, %y) : float64
              %unused = hypot2(%y, %x) : float64
              yield %h
        """)
        fn = dce(fn)
        assert [o.opname for o in fn.body.ops] == ["hypot2"]
        assert "return x ** 2 + y ** 2" in codegen.generate(fn)
    finally:
        del ops.KINDS["hypot2"]


# ---------------------------------------------------------------- tbr: what the tape of a loop holds

def _loop_fn(write):
    return parsed(f"""
        func f(%x: float64[:], %n: int64, %c: float64, %d: int64)
          %c0 = const{{value=0}}() : int64
          %c1 = const{{value=1}}() : int64
          %s, %k = for(%c0, %n, %c1, %c, %d) : float64, int64
            {{
              ^(%i: int64, %acc: float64, %idx: int64)
              %j = binop{{op='add'}}(%i, %c1) : int64
              %xi = getitem(%x, %j) : float64
              %t = binop{{op='mul'}}(%acc, %xi) : float64
              %u = call{{fn='math.sin'}}(%t) : float64
              {'setitem(%x, %i, %u)' if write else ''}
              %step = binop{{op='sub'}}(%d, %i) : int64
              %next = binop{{op='add'}}(%idx, %step) : int64
              yield %u, %next
            }}
          yield %s
    """)


def _values(fn):
    return {v.name: v for op in ir.walk(fn.body) for v in list(op.results) + [p for r in op.regions for p in r.params]}


def test_tbr_pushes_what_it_cannot_recompute():
    from adc.passes.reverse.tbr import Tape
    fn = _loop_fn(write=False)
    tape, v = Tape(fn), _values(fn)
    loop = fn.body.ops[-1]
    body = loop.regions[0]
    assert tape.recomputes(v["j"])  # integer arithmetic on the counter
    assert tape.recomputes(v["xi"])  # an element read of an array nothing writes, at an index at hand
    assert not tape.recomputes(v["t"])  # a product with a carried float: pushed
    popped = tape.read(v["t"])
    assert popped.restores is v["t"] and tape.recorded(body) == [v["t"]]
    assert tape.pops(body) == [(popped, v["t"])]
    c = fn.params[2]
    assert tape.read(c) is c  # a value of the top-level region stays in its variable
    (counter,) = tape.stepped_counters(loop, body)  # idx += d - i is stepped back, not taped
    assert counter[0] is v["idx"] and counter[2] == "add" and counter[3] is v["step"]


def test_tbr_stores_an_element_read_of_an_array_written_later():
    from adc.passes.reverse.tbr import Tape
    fn = _loop_fn(write=True)
    tape, v = Tape(fn), _values(fn)
    assert not tape.recomputes(v["xi"])  # x[j] changes when the loop writes x[i]: pushed
    assert tape.recomputes(v["j"])

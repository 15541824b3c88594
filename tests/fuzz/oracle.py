"""The oracle: what adc computes for a program against what it should.

For one program, `check(program, backends)`:

1. loads it from a real source file (adc reads source with inspect.getsource);
2. runs the primal on copies of the arguments, remembering the value and the
   arguments afterwards (the primal may write into them);
3. runs an instrumented copy of the program (every comparison and every
   `abs`/`max`/`min`/`np.max` records its outcome) at the base point and at
   every point the finite differences use; if any outcome differs, a branch
   flips within the difference step and the program is skipped;
4. on each backend: `value_and_grad` (value exact to rtol 1e-12, <grad, d>
   against Richardson-extrapolated central differences along a random
   direction d), `jvp` (value, tangent against the same differences) and
   `hvp` (against differences of the gradient, and <d, H d> against second
   differences of the primal); after every call the arguments must equal
   the arguments after the primal call.

An AdcError is a refusal; any other exception raised by adc or by the code
it generated is a crash; a Numba fallback warning is a crash of the numba
backend; a derivative or value off by more than the tolerance is wrong.
"""
import ast
import hashlib
import importlib
import os
import re
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

import adc

STEPS = (2e-3, 1e-3, 5e-4)
RTOL_VALUE = 1e-12
RTOL_D1 = 1e-6
RTOL_D2 = 1e-5
MODES = ("grad", "jvp", "hvp")


@dataclass
class Failure:
    status: str        # "wrong" | "crash" | "refused"
    backend: str
    mode: str          # "grad" | "jvp" | "hvp"
    check: str         # what was compared, or the exception's type
    message: str

    @property
    def signature(self):
        return (self.status, self.backend, self.mode, self.check)

    def __str__(self):
        return f"[{self.status}] {self.backend}/{self.mode} {self.check}: {self.message}"


@dataclass
class Outcome:
    status: str                     # ok | wrong | crash | refused | skipped | invalid
    failures: list = field(default_factory=list)
    reason: str = ""                # why skipped or invalid
    seconds: float = 0.0

    def signatures(self):
        return {f.signature for f in self.failures}


# ---------------------------------------------------------------------------- loading

_DIR = None


def program_dir():
    global _DIR
    if _DIR is None:
        _DIR = tempfile.mkdtemp(prefix="adc_fuzz_")
        sys.path.insert(0, _DIR)
    return _DIR


def load(source):
    """Import `source` as a module from a real file; returns the module."""
    name = "fz_" + hashlib.sha1(source.encode()).hexdigest()[:16]
    if name in sys.modules:
        return sys.modules[name]
    path = os.path.join(program_dir(), name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    importlib.invalidate_caches()
    return importlib.import_module(name)


def unload(module):
    sys.modules.pop(module.__name__, None)


# ---------------------------------------------------------------------------- the instrumented copy

class _Trace(ast.NodeTransformer):
    """Record every comparison and every choice of a non-smooth function."""

    CALLS = {"abs": "_tr_abs", "max": "_tr_max", "min": "_tr_min"}
    NP_CALLS = {"max": "_tr_npmax", "min": "_tr_npmin", "abs": "_tr_abs", "maximum": "_tr_maximum",
                "minimum": "_tr_minimum", "clip": "_tr_clip", "sign": "_tr_sign"}
    MATH_CALLS = {"fabs": "_tr_abs"}

    def visit_Compare(self, node):
        self.generic_visit(node)
        return ast.copy_location(ast.Call(ast.Name("_tr", ast.Load()), [node], []), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        new = None
        if isinstance(f, ast.Name) and f.id in self.CALLS:
            new = self.CALLS[f.id]
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            table = {"np": self.NP_CALLS, "math": self.MATH_CALLS}.get(f.value.id, {})
            new = table.get(f.attr)
        if new:
            node.func = ast.copy_location(ast.Name(new, ast.Load()), f)
        return node


def _pattern(x):
    return tuple(np.ravel(x)) if isinstance(x, np.ndarray) else x


def traced(source):
    """The program's `f`, instrumented: calling it returns (value, outcomes)."""
    tree = _Trace().visit(ast.parse(source))
    ast.fix_missing_locations(tree)
    trace = []

    def rec(v):
        trace.append(_pattern(v))
        return v

    ns = {
        "_tr": lambda b: rec(bool(b)) if not isinstance(b, np.ndarray) else rec(b),
        "_tr_abs": lambda x: (rec(_pattern(np.asarray(x) >= 0)), abs(x))[1],
        "_tr_max": lambda *a: (rec(int(np.argmax(a))), max(*a))[1],
        "_tr_min": lambda *a: (rec(int(np.argmin(a))), min(*a))[1],
        "_tr_npmax": lambda x, **k: (rec(_pattern(np.argmax(x, **k))), np.max(x, **k))[1],
        "_tr_npmin": lambda x, **k: (rec(_pattern(np.argmin(x, **k))), np.min(x, **k))[1],
        "_tr_maximum": lambda a, b: (rec(_pattern(np.asarray(a) >= b)), np.maximum(a, b))[1],
        "_tr_minimum": lambda a, b: (rec(_pattern(np.asarray(a) <= b)), np.minimum(a, b))[1],
        "_tr_clip": lambda x, lo, hi: (rec(_pattern((np.asarray(x) < lo) * 1 + (np.asarray(x) > hi) * 2)),
                                       np.clip(x, lo, hi))[1],
        "_tr_sign": lambda x: rec(np.sign(x)),
    }
    exec(compile(tree, "<traced>", "exec"), ns)
    f = ns["f"]

    def run(*args):
        trace.clear()
        value = f(*args)
        return value, list(trace)
    return run


# ---------------------------------------------------------------------------- arithmetic helpers

def _copy(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def _moved(args, wrt, dirs, t):
    out = _copy(args)
    for k, d in zip(wrt, dirs):
        out[k] = out[k] + t * d
    return out


def _along_dirs(vectors, ref, expected, rtol, err, wrong, check, what):
    """The dot-product test: <vectors, ref.dirs> against `expected` (differences along the dirs)."""
    got = _dot(vectors, ref.dirs)
    scale = sum(float(np.sum(np.abs(g) * np.abs(dd))) for g, dd in zip(vectors, ref.dirs))
    ok, diff, tol = _close(got, expected, rtol, err, scale)
    if not ok:
        wrong(check, f"{got!r}, {what} {expected!r} (|diff| {diff:.3g} > tol {tol:.3g})")


def _dot(gs, ds):
    return float(sum(np.sum(np.asarray(g) * d) for g, d in zip(gs, ds)))


def _richardson(values):
    """values[h] for h in STEPS (each the central difference at step h): (estimate, error estimate)."""
    d = [values[h] for h in STEPS]
    r1 = (4 * d[1] - d[0]) / 3
    r2 = (4 * d[2] - d[1]) / 3
    return r2, np.abs(r2 - r1)


def _same_args(a, b):
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if np.shape(x) != np.shape(y) or not np.allclose(x, y, rtol=RTOL_VALUE, atol=1e-13):
                return False
        elif not (x == y or abs(x - y) <= RTOL_VALUE * max(abs(x), abs(y))):
            return False
    return True


def _close(got, want, rtol, err, scale=0.0):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    diff = float(np.max(np.abs(got - want))) if got.size else 0.0
    tol = rtol * max(float(np.max(np.abs(want))) if want.size else 0.0, scale, 1e-8) + 10 * float(np.max(err))
    return diff <= tol, diff, tol


# ---------------------------------------------------------------------------- the check

class _Reference:
    """What the program should give: primal value, arguments after, finite differences."""

    def __init__(self, program, module):
        self.program, self.f = program, module.f
        self.args = list(program.args)
        self.wrt = program.wrt
        rng = np.random.default_rng(program.seed + 7919)
        self.dirs = [rng.standard_normal(np.shape(self.args[k])) if isinstance(self.args[k], np.ndarray)
                     else float(rng.standard_normal()) for k in self.wrt]
        primal_args = _copy(self.args)
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # a nan or an overflow anywhere: the program is invalid
            self.value = self.f(*primal_args)
        self.after = primal_args

    def skip_reason(self, run):
        """Why finite differences can't judge this program (None when they can)."""
        v = self.value
        if not np.isscalar(v) and np.ndim(v) != 0:
            return f"output of shape {np.shape(v)}"
        if not np.isfinite(v) or abs(v) > 1e6:
            return "unbounded value"
        base_value, base = run(*_copy(self.args))
        self.fvals = {0.0: base_value}
        for h in STEPS:
            for t in (h, -h):
                value, trace = run(*_moved(self.args, self.wrt, self.dirs, t))
                if trace != base:
                    return "branch flip"
                self.fvals[t] = value
        self.d1, self.d1_err = _richardson({h: (self.fvals[h] - self.fvals[-h]) / (2 * h) for h in STEPS})
        self.d2, self.d2_err = _richardson({h: (self.fvals[h] - 2 * self.fvals[0.0] + self.fvals[-h]) / h ** 2
                                            for h in STEPS})
        # what rounding f's values leaves resolvable: second differences below it read 0 (seed 300513)
        rounding = np.finfo(float).eps * max(abs(v) for v in self.fvals.values())
        self.d1_err = max(self.d1_err, rounding / min(STEPS))
        self.d2_err = max(self.d2_err, 4 * rounding / min(STEPS) ** 2)
        if not np.isfinite(self.d1) or self.d1_err > 1e-4 * max(1.0, abs(self.d1)):
            return "finite differences disagree across steps"
        return None

    def grad_differences(self):
        """Central differences of the (python backend) gradient along the direction, extrapolated."""
        if not hasattr(self, "_gfd"):
            g = adc.grad(self.f, wrt=self.wrt, backend="python")
            steps = {}
            for h in STEPS:
                plus, minus = g(*_moved(self.args, self.wrt, self.dirs, h)), g(*_moved(self.args, self.wrt, self.dirs, -h))
                steps[h] = [(np.asarray(p) - np.asarray(m)) / (2 * h) for p, m in zip(plus, minus)]
            self._gfd = [_richardson({h: steps[h][k] for h in STEPS}) for k in range(len(self.wrt))]
        return self._gfd


def _run_mode(ref, backend, mode):
    """Run one derivative; returns its result and the arguments after, or raises."""
    args = _copy(ref.args)
    tangents = tuple(np.array(d) if isinstance(d, np.ndarray) else d for d in ref.dirs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", adc.AdcFallbackWarning)
        if mode == "grad":
            out = adc.value_and_grad(ref.f, wrt=ref.wrt, backend=backend, debug=True)(*args)
        elif mode == "jvp":
            out = adc.jvp(ref.f, wrt=ref.wrt, backend=backend, debug=True)(*args, tangents)
        else:
            out = adc.hvp(ref.f, wrt=ref.wrt, backend=backend, debug=True)(*args, tangents)
    return out, args


def _judge(ref, backend, mode, out, args_after):
    """The wrong results of one derivative call (a list of Failures)."""
    bad = []

    def wrong(check, msg):
        bad.append(Failure("wrong", backend, mode, check, msg))

    if not _same_args(args_after, ref.after):
        changed = [ref.program.params[k][0] for k, (a, b) in enumerate(zip(args_after, ref.after))
                   if not _same_args([a], [b])]
        wrong("arguments", f"arguments after the call differ from after the primal: {', '.join(changed)}")
    if mode in ("grad", "jvp"):
        value, d = out
        if not np.isclose(value, ref.value, rtol=RTOL_VALUE, atol=1e-13):
            wrong("value", f"value {value!r}, primal {ref.value!r}")
    if mode == "grad":
        grads = d
        for k, g in zip(ref.wrt, grads):
            if np.shape(g) != np.shape(ref.args[k]):
                wrong("shape", f"gradient of {ref.program.params[k][0]} has shape {np.shape(g)}")
                return bad
        _along_dirs(grads, ref, ref.d1, RTOL_D1, ref.d1_err, wrong, "<grad, d>", "finite differences")
    elif mode == "jvp":
        ok, diff, tol = _close(d, ref.d1, RTOL_D1, ref.d1_err)
        if not ok:
            wrong("tangent", f"{d!r}, finite differences {ref.d1!r} (|diff| {diff:.3g} > tol {tol:.3g})")
    else:
        hv = out
        if len(hv) != len(ref.wrt):
            wrong("shape", f"{len(hv)} products for {len(ref.wrt)} arguments")
            return bad
        _along_dirs(hv, ref, ref.d2, RTOL_D2, ref.d2_err, wrong, "<d, H d>", "second differences")
        try:
            gfd = ref.grad_differences()
        except Exception:  # the python gradient itself fails: reported by its own mode
            gfd = None
        if gfd is not None:
            for k, (h, (fd, err)) in enumerate(zip(hv, gfd)):
                ok, diff, tol = _close(h, fd, RTOL_D2, err)
                if not ok:
                    name = ref.program.params[ref.wrt[k]][0]
                    wrong("H d", f"component {name}: {np.asarray(h)!r}, differences of the gradient "
                                 f"{np.asarray(fd)!r} (|diff| {diff:.3g} > tol {tol:.3g})")
    return bad


# Refusals the README states (a write through one name of an array a loop or branch also binds
# to another name): a refusal of one of these is the documented behaviour, not a finding.
DOCUMENTED_REFUSALS = ("one array under two names", "also names its memory")


def documented(outcome):
    """Whether every failure of `outcome` is a refusal the README states."""
    return bool(outcome.failures) and all(f.status == "refused" and any(d in f.check for d in DOCUMENTED_REFUSALS)
                                          for f in outcome.failures)


def refusal_kind(construct):
    """A refusal's construct without the names in it (so that refusals of one kind count together)."""
    return re.sub(r"'[^']*'", "'_'", construct)


def _where(exc):
    """The innermost frame of a traceback, as 'file:line in function'."""
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return ""
    fr = tb[-1]
    return f"{os.path.basename(fr.filename)}:{fr.lineno} in {fr.name}"


def check(program, backends=("python",), modes=MODES):
    """The Outcome of `program` on `backends`."""
    start = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        return _check(program, backends, modes, start)


def _check(program, backends, modes, start):
    try:
        module = load(program.source)
        ref = _Reference(program, module)
        run = traced(program.source)
    except Exception as exc:  # the generator wrote something Python itself rejects
        return Outcome("invalid", reason=f"primal: {type(exc).__name__}: {exc}", seconds=time.time() - start)
    try:
        reason = ref.skip_reason(run)
    except Exception as exc:
        reason = None
        return Outcome("invalid", reason=f"primal: {type(exc).__name__}: {exc}", seconds=time.time() - start)
    if reason:
        unload(module)
        return Outcome("skipped", reason=reason, seconds=time.time() - start)
    failures = []
    for backend in backends:
        for mode in modes:
            try:
                out, after = _run_mode(ref, backend, mode)
            except adc.AdcFallbackWarning as exc:
                failures.append(Failure("crash", backend, mode, "AdcFallbackWarning", str(exc)[:600]))
                continue
            except adc.AdcError as exc:
                construct = getattr(exc, "construct", None) or (str(exc).splitlines() or [""])[0][:160]
                failures.append(Failure("refused", backend, mode, refusal_kind(construct), str(exc)[:600]))
                continue
            except Exception as exc:
                msg = (str(exc).splitlines() or [""])[0][:300]
                where = _where(exc)
                failures.append(Failure("crash", backend, mode, f"{type(exc).__name__} in {where.split(' in ')[-1]}",
                                        f"{msg} ({where})"))
                continue
            try:
                failures += _judge(ref, backend, mode, out, after)
            except Exception as exc:  # a result of the wrong kind (a tuple for a number, ...)
                failures.append(Failure("crash", backend, mode, "result " + type(exc).__name__, str(exc)[:300]))
    unload(module)
    status = "ok"
    for s in ("refused", "wrong", "crash"):
        if any(f.status == s for f in failures):
            status = s
    return Outcome(status, failures, seconds=time.time() - start)

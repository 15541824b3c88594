"""The cost of bounds checking: adc's numba gradients of the benchmark workloads, timed side by side
with the generated source compiled under different Numba options.

    python -m benchmarks.boundscheck [--quick] [--repeat N] [--only 1.,3a.]

Columns, all one generated gradient compiled by `numba.njit` with adc's options (NumPy's error
model) unless said otherwise:
- "checked": as adc builds it, with the checks of adc/passes/bounds.py (user indices, hoisted to
  loop entry where affine; math domains; scalar divisors);
- "unchecked": the same source generated without those passes;
- "unchecked, boundscheck=True": that, with Numba's own bounds checks on every access (the stack
  writes included);
- "unchecked, error_model=python": that, with Numba's default error model (adc's build before).
Calls are interleaved, one of each per round, so machine noise hits every column alike; the times
are medians.
"""
import argparse
import time

import numba
import numpy as np

from adc import cache, passes
from adc.backends.numba_cpu import OPTIONS
from adc.passes.infer import type_of
from .__main__ import workloads

ADC = dict(OPTIONS, cache=False)
CONFIGS = {"checked": (True, ADC), "unchecked": (False, ADC),
           "unchecked, boundscheck=True": (False, dict(ADC, boundscheck=True)),
           "unchecked, error_model=python": (False, dict(ADC, error_model="python"))}


def _jitted(call, sizes=None, depth=4):
    """(the Numba dispatcher behind a derivative's call, the `_sizes` array its wrappers pass)."""
    cells = [c.cell_contents for c in getattr(call, "__closure__", None) or ()]
    sizes = next((c for c in cells if isinstance(c, np.ndarray)), sizes)
    if hasattr(call, "jitted"):
        return call.jitted, sizes
    for inner in cells:
        if callable(inner) and depth:
            try:
                return _jitted(inner, sizes, depth - 1)
            except LookupError:
                pass
    raise LookupError("not a numba derivative")


def unchecked(df, args):
    """The generated gradient of `df` at `args`, built without the checking passes."""
    saved = list(passes.PRIMAL)
    passes.PRIMAL[:] = [p for p in saved if p[0] not in ("bounds", "domains")]
    try:
        entry = df._compile(tuple(type_of(a) for a in args))
        entry = entry[0] if isinstance(entry, tuple) else entry
    finally:
        passes.PRIMAL[:] = saved
    return getattr(cache.import_module(entry["path"]), entry["names"][0])


def variants(df, args):
    """name -> a no-argument function computing df's gradient at `args` that way."""
    df(*args)
    spec, captured = df.specialize(args)
    jitted, sizes = _jitted(spec.call)
    extra = tuple(captured) + ((sizes,) if sizes is not None else ())
    plain = unchecked(df, args)
    out = {}
    for name, (checked, options) in CONFIGS.items():
        f = numba.njit(**options)(jitted.py_func if checked else plain)
        f(*args, *extra)
        out[name] = (lambda f: lambda: f(*args, *extra))(f)
    return out


def measure(fns, repeat):
    times = {name: [] for name in fns}
    names = list(fns)
    for r in range(repeat):
        for name in names[r % len(names):] + names[:r % len(names)]:  # each goes first as often
            f = fns[name]
            t0 = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t)) for name, t in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.boundscheck")
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", default="", help="comma-separated workload numbers, e.g. 1.,3a.")
    opts = parser.parse_args(argv)
    only = [w for w in opts.only.split(",") if w]
    names = list(CONFIGS)
    print("| workload | " + " | ".join(names) + " | checked / unchecked | boundscheck=True / unchecked |")
    print("|---|" + "---:|" * (len(names) + 2))
    for w in workloads(opts.quick):
        if only and not any(w.name.startswith(o) for o in only):
            continue
        df = dict(w.grads).get("adc (numba)")
        t = measure(variants(df, w.args), opts.repeat)
        ours, numbas = t["checked"] / t["unchecked"], t["unchecked, boundscheck=True"] / t["unchecked"]
        print(f"| {w.name.split(',')[0]} | " + " | ".join(f"{t[n] * 1e3:.3f} ms" for n in names)
              + f" | {ours:.3f} | {numbas:.3f} |", flush=True)


if __name__ == "__main__":
    main()

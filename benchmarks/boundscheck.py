"""The cost of bounds checking: adc's numba gradients of the benchmark workloads, timed side by side
with the generated source compiled under different Numba options.

    python -m benchmarks.boundscheck [--quick] [--repeat N] [--only 1.,3a.]

Rows: "adc" is the gradient as adc builds it (its own checks of user indices, Numba's checks off);
"njit(boundscheck=False)" and "njit(boundscheck=True)" compile the same generated source with plain
`numba.njit` and only that option changed (so they time Numba's own checks, on every access,
including the stack writes adc's generated code does). Calls are interleaved, one of each per round,
so machine noise hits every column alike; the times are medians.
"""
import argparse
import time

import numba
import numpy as np

from .__main__ import workloads

CONFIGS = {"njit(boundscheck=False)": dict(boundscheck=False),
           "njit(boundscheck=True)": dict(boundscheck=True)}


def _jitted(call):
    """The Numba dispatcher behind a derivative's call (through the wrapper that passes `_sizes`)."""
    if hasattr(call, "jitted"):
        return call.jitted, None
    for cell in call.__closure__ or ():
        inner = cell.cell_contents
        if hasattr(inner, "jitted"):
            sizes = next(c.cell_contents for c in call.__closure__ if isinstance(c.cell_contents, np.ndarray))
            return inner.jitted, sizes
    raise LookupError("not a numba derivative")


def variants(df, args):
    """name -> a no-argument function computing df's gradient at `args` that way."""
    df(*args)
    spec, captured = df.specialize(args)
    jitted, sizes = _jitted(spec.call)
    extra = tuple(captured) + ((sizes,) if sizes is not None else ())
    out = {"adc": lambda: df(*args)}
    for name, options in CONFIGS.items():
        f = numba.njit(**options)(jitted.py_func)
        f(*args, *extra)
        out[name] = (lambda f: lambda: f(*args, *extra))(f)
    return out


def measure(fns, repeat):
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, f in fns.items():
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
    names = ["adc"] + list(CONFIGS)
    print("| workload | " + " | ".join(names) + " | checked / unchecked |")
    print("|---|" + "---:|" * (len(names) + 1))
    for w in workloads(opts.quick):
        if only and not any(w.name.startswith(o) for o in only):
            continue
        df = dict(w.grads).get("adc (numba)")
        t = measure(variants(df, w.args), opts.repeat)
        ratio = t["njit(boundscheck=True)"] / t["njit(boundscheck=False)"]
        print(f"| {w.name.split(',')[0]} | " + " | ".join(f"{t[n] * 1e3:.3f} ms" for n in names)
              + f" | {ratio:.3f} |", flush=True)


if __name__ == "__main__":
    main()

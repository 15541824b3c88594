"""First-call latency with empty caches, each workload in a fresh process: Numba's compile of the
primal (its first call) against adc's gradient, made and called once (adc's passes, then Numba
compiling the generated code), and how the latter splits between adc and Numba."""
import json
import os
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = textwrap.dedent("""
    import importlib, json, sys, time
    import adc, numba
    m = importlib.import_module("benchmarks." + sys.argv[1])
    quick = sys.argv[4] == "1"
    args = getattr(m, sys.argv[5])(quick) if sys.argv[5] != "args" else m.args(quick)
    primal = getattr(m, sys.argv[6])
    t0 = time.perf_counter(); primal(*args); compile_primal = time.perf_counter() - t0
    f = getattr(m, sys.argv[2])
    t0 = time.perf_counter()
    g = adc.grad(f, wrt=tuple(json.loads(sys.argv[3])), backend="numba")
    src = adc.source(g, *args)  # adc's passes and code generation, without Numba
    t1 = time.perf_counter()
    g(*args)
    t2 = time.perf_counter()
    jitted = g._last.call.jitted
    md = jitted.get_metadata(jitted.signatures[0])
    times = {name.split("_", 1)[1]: t.run for name, t in md["pipeline_times"]["nopython"].items()}
    print(json.dumps({"primal": compile_primal, "adc": t1 - t0, "numba": t2 - t1, "first": t2 - t0,
                      "lines": src.count(chr(10)), "typing": times.get("nopython_type_inference", 0.0),
                      "lowering": times.get("native_lowering", 0.0)}))
""")


def measure(module, fn, wrt, quick, args="args", primal="primal"):
    """{"primal": Numba's compile of the primal, "first": adc's first call, "adc": its passes,
    "numba": Numba compiling its code, of which "typing" is type inference (which compiles the
    runtime helpers it calls) and "lowering" the generated function's LLVM code, "lines": lines
    of generated code} in seconds, from a new process with new (empty) adc and Numba caches;
    None when the process fails."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ADC_CACHE_DIR=os.path.join(tmp, "adc"), NUMBA_CACHE_DIR=os.path.join(tmp, "numba"),
                   ADC_NOTICES="0")
        run = subprocess.run([sys.executable, "-c", SCRIPT, module, fn, json.dumps(list(wrt)), "1" if quick else "0",
                              args, primal], cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(run.stdout.strip().splitlines()[-1])

"""Memory and time of a gradient against the number of steps: taped, checkpointed, backsolve.

    python -m benchmarks.memory [--quick]

Each row runs in a fresh process (peak RSS is a process's high-water mark): the derivative is
built and called once on a short loop (Numba compiles; its cache is then warm), the RSS noted, and
the timed call made at T steps; the row reports the growth of the peak RSS over that call and its
time. Workloads:
- the Euler chain y <- y + h tanh(W y), n = 100 (benchmarks/euler.py's shape): a plain loop
  (taped), and `adc.checkpointed(range(T), snapshots="auto")`;
- `adc.odeint` of a 2 -> 32 -> 2 MLP's dynamics with RK4: its checkpointed step loop
  (adjoint="checkpoint"), the continuous adjoint integrated back (adjoint="backsolve"), and the
  same RK4 written as a plain loop (taped).
Writes benchmarks/MEMORY.md.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))

PROGRAM = textwrap.dedent('''
    import json, resource, sys, time
    import numpy as np
    import adc

    def chain_taped(y0, W, T):
        y = y0
        for t in range(T):
            y = y + 0.001 * np.tanh(W @ y)
        return np.sum(y * y)

    def chain_checkpointed(y0, W, T):
        y = y0
        for t in adc.checkpointed(range(T), snapshots="auto"):
            y = y + 0.001 * np.tanh(W @ y)
        return np.sum(y * y)

    def field(y, t, W1, b1, W2):
        return W2 @ np.tanh(W1 @ y + b1)

    def ode_odeint(W1, b1, W2, y0, T):
        ys = adc.odeint(field, y0, np.array([0.0, 1.0]), W1, b1, W2, method="rk4", steps=T)
        return np.sum(ys[-1] ** 2)

    def ode_backsolve(W1, b1, W2, y0, T):
        ys = adc.odeint(field, y0, np.array([0.0, 1.0]), W1, b1, W2, method="rk4", steps=T, adjoint="backsolve")
        return np.sum(ys[-1] ** 2)

    def ode_taped(W1, b1, W2, y0, T):
        y = y0
        h = 1.0 / T
        for j in range(T):
            k1 = field(y, 0.0, W1, b1, W2)
            k2 = field(y + 0.5 * h * k1, 0.0, W1, b1, W2)
            k3 = field(y + 0.5 * h * k2, 0.0, W1, b1, W2)
            k4 = field(y + h * k3, 0.0, W1, b1, W2)
            y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        return np.sum(y ** 2)

    name, T = sys.argv[1], int(sys.argv[2])
    rng = np.random.default_rng(0)
    if name.startswith("chain"):
        args = (rng.normal(size=100), rng.normal(size=(100, 100)) / 10)
        wrt = (0, 1)
    else:
        args = (rng.normal(size=(32, 2)), rng.normal(size=32), rng.normal(size=(2, 32)) / 4, np.array([1.0, 0.5]))
        wrt = (0, 1, 2)
    g = adc.grad(globals()[name], wrt=wrt, backend="numba")
    g(*args, 4)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    g(*args, T)
    seconds = time.perf_counter() - t0
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    stats = adc.stats(g) if "taped" not in name and "backsolve" not in name else {}
    print(json.dumps({"grown": grown, "seconds": seconds, "snapshots": stats.get("snapshots"),
                      "forward_steps": stats.get("forward_steps")}))
''')

ROWS = [("Euler chain, n=100", "chain_taped", "chain_checkpointed", None),
        ("adc.odeint RK4, MLP 2-32-2", "ode_taped", "ode_odeint", "ode_backsolve")]


def run(name, steps, script):
    out = subprocess.run([sys.executable, script, name, str(steps)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    opts = parser.parse_args()
    sizes = [1000, 10000] if opts.quick else [1000, 10000, 100000]
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "memory_row.py")
        with open(script, "w") as fh:
            fh.write(PROGRAM)
        lines = ["| workload | steps | taped: memory, time | checkpointed: memory, time (snapshots, forward steps) "
                 "| backsolve: memory, time |", "|---|---:|---:|---:|---:|"]
        for label, taped, checked, backsolve in ROWS:
            for T in sizes:
                a, b = run(taped, T, script), run(checked, T, script)
                c = run(backsolve, T, script) if backsolve else None
                line = (f"| {label} | {T:,} | {a['grown'] / 2 ** 20:.1f} MiB, {a['seconds'] * 1e3:.0f} ms | "
                        f"{b['grown'] / 2 ** 20:.1f} MiB, {b['seconds'] * 1e3:.0f} ms "
                        f"({b['snapshots']}, {b['forward_steps']:,}) | "
                        + (f"{c['grown'] / 2 ** 20:.1f} MiB, {c['seconds'] * 1e3:.0f} ms |" if c else "— |"))
                print(line, flush=True)
                lines.append(line)
    text = ("# Gradient memory against the number of steps\n\n`python -m benchmarks.memory`: growth of the "
            "peak RSS during one gradient call (Numba backend, compiled beforehand), and its time. Checkpointed: "
            "`adc.checkpointed` (the chain) or adc.odeint's default adjoint=\"checkpoint\" (the exact gradient of "
            "the discrete solver); backsolve: adjoint=\"backsolve\" (the continuous adjoint ODE integrated back, "
            "nothing recorded per step).\n\n"
            + "\n".join(lines) + "\n")
    with open(os.path.join(HERE, "MEMORY.md"), "w") as fh:
        fh.write(text)
    print("wrote benchmarks/MEMORY.md")


if __name__ == "__main__":
    main()

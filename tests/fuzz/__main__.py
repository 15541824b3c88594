"""Run the differential fuzzer: `python -m tests.fuzz --n 2000 --backend python --jobs 2`.

Each program runs in a forked child (killed after --timeout seconds: a hang
is a crash). Prints one line per program that is not ok, then the summary

    N programs: W wrong, C crash, R refused, S skipped(branch flip)

the other counts, the refusals by construct, and (with --shrink) the
shrunk program of each distinct failure.
"""
import argparse
import collections
import multiprocessing
import multiprocessing.connection
import os
import sys
import time

os.environ.setdefault("NUMBA_BOUNDSCHECK", "1")  # a stack overrun in generated code fails loudly


def _parse(argv):
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200, help="how many programs (default 200)")
    p.add_argument("--seed", type=int, default=0, help="the first seed (programs are seeds seed .. seed+n-1)")
    p.add_argument("--backend", choices=("python", "numba", "both"), default="python")
    p.add_argument("--modes", default="grad,jvp,hvp", help="comma-separated: grad, jvp, hvp")
    p.add_argument("--jobs", type=int, default=1, help="programs run at once")
    p.add_argument("--timeout", type=float, default=None, help="seconds per program (default 60 python, 400 numba)")
    p.add_argument("--shrink", action="store_true", help="shrink the first programs of each distinct failure")
    p.add_argument("--shrink-per", type=int, default=2, help="programs shrunk per failure signature")
    p.add_argument("--shrink-budget", type=int, default=400, help="oracle calls per shrink")
    p.add_argument("--show", type=int, default=None, help="print the source of the program of this seed and exit")
    p.add_argument("--quiet", action="store_true", help="only the summary")
    return p.parse_args(argv)


def _child(conn, task, payload):
    try:
        if task == "check":
            from .generate import generate
            from .oracle import check
            seed, backends, modes = payload
            conn.send(check(generate(seed), backends=backends, modes=modes))
        else:
            from .shrink import shrink
            program, signature, budget = payload
            conn.send(shrink(program, signature, budget=budget))
    except BaseException as exc:  # the oracle itself failed: report it, don't hang the parent
        conn.send(exc)
    finally:
        conn.close()


def run_all(tasks, jobs, timeout):
    """Run (key, task, payload) in forked children, `jobs` at a time: yields (key, result or exception)."""
    ctx = multiprocessing.get_context("fork")
    pending = list(tasks)[::-1]
    running = {}
    while pending or running:
        while pending and len(running) < jobs:
            key, task, payload = pending.pop()
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(child, task, payload), daemon=True)
            proc.start()
            child.close()
            running[key] = (proc, parent, time.time())
        done = multiprocessing.connection.wait([c for _, c, _ in running.values()], timeout=0.5)
        for key, (proc, conn, start) in list(running.items()):
            if conn in done:
                try:
                    result = conn.recv()
                except EOFError:
                    result = RuntimeError(f"the child died (exit code {proc.exitcode})")
                proc.join()
                del running[key]
                yield key, result
            elif time.time() - start > timeout:
                proc.kill()
                proc.join()
                del running[key]
                yield key, TimeoutError(f"over {timeout:.0f} s")


def _warm():
    """Import and start what every child needs once, in the parent (children inherit it)."""
    import numba
    import numpy as np

    import adc  # noqa: F401
    numba.njit(lambda v: v + 1.0)(np.ones(2))


def main(argv=None):
    args = _parse(argv)
    from .generate import generate
    from .oracle import Failure, Outcome
    if args.show is not None:
        p = generate(args.show)
        print(p.source)
        print("# args:", p.args)
        return 0
    backends = ("python", "numba") if args.backend == "both" else (args.backend,)
    modes = tuple(m.strip() for m in args.modes.split(","))
    timeout = args.timeout or (400.0 if "numba" in backends else 60.0)
    _warm()
    start = time.time()
    tasks = [(seed, "check", (seed, backends, modes)) for seed in range(args.seed, args.seed + args.n)]
    outcomes = {}
    for seed, result in run_all(tasks, args.jobs, timeout):
        if isinstance(result, BaseException):
            kind = "timeout" if isinstance(result, TimeoutError) else f"oracle {type(result).__name__}"
            result = Outcome("crash", [Failure("crash", ",".join(backends), "all", kind, str(result))])
        outcomes[seed] = result
        if not args.quiet and result.status != "ok":
            first = result.failures[0] if result.failures else result.reason
            print(f"seed {seed}: {result.status}: {first}", flush=True)
    from .oracle import documented
    counts = collections.Counter(o.status for o in outcomes.values())
    stated = sum(1 for o in outcomes.values() if o.status == "refused" and documented(o))
    flips = sum(1 for o in outcomes.values() if o.status == "skipped" and o.reason == "branch flip")
    print(f"{len(outcomes)} programs: {counts['wrong']} wrong, {counts['crash']} crash, "
          f"{counts['refused']} refused, {flips} skipped(branch flip)")
    others = collections.Counter(o.reason for o in outcomes.values() if o.status == "skipped" and o.reason != "branch flip")
    print(f"  {counts['ok']} ok, {stated} of the refusals as the README states, {counts['invalid']} invalid, {sum(others.values())} skipped otherwise "
          f"{dict(others)}; backends {','.join(backends)}; {time.time() - start:.0f} s")
    _report_kinds(outcomes)
    if args.shrink:
        _shrink_all(outcomes, args, timeout)
    for seed, o in sorted(outcomes.items()):
        if o.status == "invalid":
            print(f"  invalid program (a generator bug): seed {seed}: {o.reason}")
    return 1 if counts["wrong"] or counts["crash"] else 0


def _report_kinds(outcomes):
    refusals, failures = collections.Counter(), collections.defaultdict(list)
    for seed, o in outcomes.items():
        for kind in {f.check for f in o.failures if f.status == "refused"}:
            refusals[kind] += 1
        for sig in sorted({f.signature for f in o.failures if f.status != "refused"}):
            failures[sig].append(seed)
    if refusals:
        print("refusals (programs):")
        for kind, n in refusals.most_common():
            print(f"  {n:5d}  {kind}")
    if failures:
        print("failures (status, backend, mode, check): seeds")
        for sig, seeds in sorted(failures.items(), key=lambda kv: -len(kv[1])):
            print(f"  {sig}: {len(seeds)} programs, e.g. seeds {seeds[:8]}")


def _shrink_all(outcomes, args, timeout):
    from .generate import generate
    from .oracle import check
    by_sig = collections.defaultdict(list)
    for seed, o in sorted(outcomes.items()):
        for f in o.failures:
            if f.check != "timeout" and not f.check.startswith("oracle"):
                by_sig[f.signature].append(seed)
    tasks = []
    for sig, seeds in by_sig.items():
        for seed in seeds[:args.shrink_per]:
            tasks.append(((sig, seed), "shrink", (generate(seed), sig, args.shrink_budget)))
    shown = set()
    for (sig, seed), result in run_all(tasks, args.jobs, timeout * 10):
        if isinstance(result, BaseException):
            print(f"\n=== {sig} seed {seed}: shrinking failed: {result!r}")
            continue
        best, calls = result
        if best.source in shown:
            continue
        shown.add(best.source)
        out = check(best, backends=(sig[1],), modes=(sig[2],))
        detail = [str(f) for f in out.failures if f.signature == sig]
        print(f"\n=== {sig} (seed {seed}, {calls} oracle calls)\n# args: {best.args!r}\n{best.source}")
        print("\n".join(detail))


if __name__ == "__main__":
    sys.exit(main())

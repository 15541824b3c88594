"""`adc.kernel_vjp`: the adjoint of a kernel written in Numba's CUDA style.

    @cuda.jit
    def stencil(u, out):
        i = cuda.grid(1)
        if 0 < i < u.shape[0] - 1:
            out[i] = u[i - 1] - 2.0 * u[i] + u[i + 1]

    adjoint = adc.kernel_vjp(stencil)
    adjoint[blocks, threads](u, out, u_bar, out_bar)   # u_bar += (d out / d u)^T out_bar
    print(adc.source(adjoint, u, out, u_bar, out_bar))

The adjoint kernel takes the primal's arguments and then one adjoint array per float array
argument, in order, and updates them in place: an input's adjoint accumulates the cotangent it
receives; an output's adjoint is read (and zeroed where the kernel overwrote the element: what
the output held before does not reach what the kernel leaves; `+=` and cuda.atomic.add leave it).
Each thread reruns its part of the primal (arrays are not written again), records on a tape of
its own what its backward sweep needs (loops of any trip count replayed exactly), and adds its
contributions: with a plain `+=` where the index is provably the thread's own (`x[i]`, `i =
cuda.grid(1)`, every access of x at that index), with `cuda.atomic.add` elsewhere. A kernel
that writes into an array it also reads (other than `+=`, `-=`, cuda.atomic.add) is refused: its
adjoint would need the values other threads overwrote. `deterministic=True` makes each thread
record its atomic contributions instead, which the host adds in thread order: bitwise the same
results run to run.

Contract of this module: `KernelVjp` is the derivative kind "kernel_vjp" (adc.modes): its
passes (`accumulations`, `refuse_read_and_written`, then reverse/kernel.py), and `returning_zero`,
which makes a kernel's source a function adc's lowering takes (each `return` gives 0.0).
"""
import copy
import dataclasses

import gast
import numpy as np

from . import passes
from .errors import AdcTypeError, fail
from .ir import walk
from .modes import MODES, Mode
from .passes.reverse.kernel import kernel_reverse


def kernel_vjp(kernel=None, *, deterministic=False, debug=False):
    """The adjoint kernel of `kernel` (see the module's docstring); a decorator without it."""
    from .derivative import Derivative
    if kernel is None:
        return lambda k: kernel_vjp(k, deterministic=deterministic, debug=debug)
    d = Derivative(kernel, "kernel_vjp", 0, "cuda", debug)
    d.deterministic = bool(deterministic)
    d.chain = ((d.kind, 0, "deterministic" if deterministic else "atomic"),)  # the cache keys the choice
    return d


class KernelVjp(Mode):
    name = "kernel_vjp"
    takes_containers = False

    def prepare(self, parsed):
        return returning_zero(parsed)

    def passes(self, d, wrt):
        return [("accumulations", accumulations), ("kernel checks", refuse_read_and_written),
                ("reverse", kernel_reverse)] + passes.CLEANUP

    def split(self, d, args, kwargs):
        """The primal's arguments as the types' stand-ins (device arrays as empty host arrays)."""
        n = len(d.names)
        return tuple(_stand_in(a) for a in d.bind(args[:n], kwargs)), ()

    def shape(self, d, spec, out, args):
        return None


MODES[KernelVjp.name] = KernelVjp()


def _stand_in(x):
    if hasattr(x, "dtype") and getattr(x, "ndim", 0) and not isinstance(x, np.ndarray):
        return np.empty((0,) * x.ndim, np.dtype(x.dtype))
    return x


def returning_zero(parsed):
    """`parsed` with each bare `return` of the kernel (not of functions nested in it) made
    `return 0.0`, and one at its end."""
    node = copy.deepcopy(parsed.node)
    for sub in _walk_own(node):
        if isinstance(sub, gast.Return):
            if sub.value is not None:
                fail("a kernel that returns a value", parsed.loc(sub), "a CUDA kernel returns nothing: write "
                     "its results into an array argument")
            sub.value = gast.copy_location(gast.Constant(0.0, None), sub)
    node.body.append(gast.copy_location(gast.Return(gast.Constant(0.0, None)), node.body[-1]))
    return dataclasses.replace(parsed, node=node)


def _walk_own(node):
    for child in gast.iter_child_nodes(node):
        if isinstance(child, (gast.FunctionDef, gast.Lambda)):
            continue
        yield child
        yield from _walk_own(child)


def accumulations(fn):
    """`a[j] = a[j] + v` (what `a[j] += v` lowers to) and `a[j] = a[j] - v` of an array
    parameter, the read used nowhere else: `iadd_item(a, j, ±v)`."""
    uses = {}
    for op in walk(fn.body):
        for a in op.args:
            uses[a.id] = uses.get(a.id, 0) + 1
    params = {p.id for p in fn.params}
    for region in [fn.body] + [r for op in walk(fn.body) for r in op.regions]:
        defs = {r.id: op for op in region.ops for r in op.results}
        dropped = set()
        for k, op in enumerate(region.ops):
            if op.opname != "setitem" or op.args[0].id not in params:
                continue
            new = defs.get(op.args[-1].id)
            if new is None or new.opname != "binop" or new.attrs["op"] not in ("add", "sub"):
                continue
            old = defs.get(new.args[0].id)
            if (old is None or old.opname != "getitem" or old.args[0] is not op.args[0]
                    or [a.id for a in old.args[1:]] != [a.id for a in op.args[1:-1]]
                    or uses[old.result.id] != 1 or uses[new.result.id] != 1):
                continue
            value = new.args[1]
            if new.attrs["op"] == "sub":
                new.opname, new.args, new.attrs = "unop", [value], {"op": "neg"}
                value = new.result
            region.ops[k] = dataclasses.replace(op, opname="iadd_item", args=op.args[:-1] + [value])
            dropped.add(id(old))
        region.ops = [op for op in region.ops if id(op) not in dropped]
    return passes.dce(passes.infer(fn))


def refuse_read_and_written(fn):
    """A kernel that writes (other than adds) into an array parameter it also reads is refused,
    at the write; so is a kernel array adc would have to allocate."""
    params = {p.id: p for p in fn.params if p.type.is_array}
    reads = {op.args[0].id for op in walk(fn.body) if op.opname in ("getitem", "getslice") and op.args[0].id in params}
    for op in walk(fn.body):
        if op.opname in ("setitem", "setslice") and op.args[0].id in reads:
            fail(f"a write into {params[op.args[0].id].name}, which the kernel also reads", op.loc,
                 "the adjoint would need the values other threads overwrote: read from one array and write "
                 "into another (accumulating with += or cuda.atomic.add is allowed)")
        if op.results and getattr(op.results[0].type, "ndim", 0):
            raise AdcTypeError(f"a kernel adc differentiates holds numbers and the arrays it is given; this one "
                               f"makes an array{_at(op)}. hint: compute element by element")
    return fn


def _at(op):
    return f" at line {op.loc.line}: {op.loc.text.strip()}" if op.loc is not None else ""


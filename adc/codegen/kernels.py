"""codegen.kernels: the adjoint kernel of adc.kernel_vjp as CUDA source.

Contract: `generate(fn, d)` takes the adjoint `fn` of a kernel's thread (reverse/kernel.py: the
kernel's parameters, then one adjoint array per float array parameter; it yields nothing) and
returns the source of a module holding the `cuda.jit` kernel `fn.name` and `<name>_layout`, what
the host needs to launch it. The kernel is the thread's code with:

- the primal's writes into its array parameters left out (the primal kernel made them; the
  adjoint kernel only reads its arrays and updates their adjoints);
- each update of an adjoint element a plain `+=` when every access of its array is at the
  thread's own index (`own_arrays`), else `cuda.atomic.add`; with `d.deterministic`, those
  atomic contributions are recorded in the thread's row (array, index, value) and the host adds
  them in thread order;
- its tape, `_status` row and records in rows of arrays indexed by the thread's linear id `_t`
  (from cuda.grid(3) and cuda.gridsize(3))
  (or in local memory for a tape of known depth), as codegen.cuda does for maps.
"""
from .. import ops
from ..ir import walk
from .cuda import CUDA_MODULE, CudaEmitter, global_rows, local_stacks, refuse_foreign_calls, static_depth
from .emit import allocated_levels
from .names import stack_names



def generate(fn, d):
    refuse_foreign_calls(fn)
    depths = {level: static_depth(fn, level) for level in sorted(allocated_levels(fn))}
    primal = primal_count(fn)
    own, grid = own_arrays(fn, primal)
    em = KernelEmitter(fn, depths, primal, own, getattr(d, "deterministic", False))
    body = em.source()
    layout = {"kind": "kernel", "primal": primal, "own_grid": grid,
              "bars": [k for k, p in enumerate(fn.params[:primal]) if p.type.is_array and p.type.is_float],
              "global_levels": [level for level, depth in depths.items() if depth is None],
              "records": em.recorded, "index_width": em.index_width}
    imports = [f"import {CUDA_MODULE} as cuda", "import math", "import numpy as np", "import adc_runtime.cuda as rt"]
    return "\n".join(imports) + "\n\n\n@cuda.jit\n" + body + f"\n\n{fn.name}_layout = {layout!r}\n"


def primal_count(fn):
    """How many of `fn`'s parameters are the kernel's (the rest: an adjoint per float array)."""
    for m in range(len(fn.params) + 1):
        if m + sum(p.type.is_array and p.type.is_float for p in fn.params[:m]) == len(fn.params):
            return m
    raise AssertionError("the adjoint's parameters are the kernel's and their adjoints")


def own_arrays(fn, primal):
    """(ids of the array parameters every access of which is at the thread's own index, the
    dimension k of cuda.grid(k) those indices are, or None): x[i] with i = cuda.grid(1), x[i, j]
    with i, j = cuda.grid(2). A value popped from the tape is the value it restores."""
    grid = {}
    for op in walk(fn.body):
        if op.opname == "thread" and "grid" in op.attrs:
            grid[op.result.id] = op.attrs["grid"]
    for op in walk(fn.body):
        if op.opname == "pop" and op.result.restores is not None and op.result.restores.id in grid:
            grid[op.result.id] = grid[op.result.restores.id]
    arrays = {p.id: p for p in fn.params[:primal] if p.type.is_array and p.type.is_float}
    seen = {i: set() for i in arrays}
    for op in walk(fn.body):
        if op.opname in ("getitem", "setitem", "iadd_item", "getslice", "setslice", "iadd_slice", "iadd") \
                and op.args[0].id in arrays:
            idx = ops.indices(op) if op.opname not in ("iadd",) else []
            where = tuple(grid.get(a.id) for a in idx)
            seen[op.args[0].id].add(where if op.opname in ("getitem", "setitem", "iadd_item") else None)
    own, dims = set(), set()
    for i, wheres in seen.items():
        if len(wheres) == 1:
            (where,) = wheres
            if where and None not in where and where == tuple((where[0][0], j) for j in range(len(where))) \
                    and where[0][0] == arrays[i].type.ndim:
                own.add(i)
                dims.add(where[0][0])
    if len(dims) > 1:  # own indices of two grid shapes: keep those of the first
        first = min(dims)
        own = {i for i in own if arrays[i].type.ndim == first}
        dims = {first}
    return own, (dims.pop() if dims else None)


class KernelEmitter(CudaEmitter):
    def __init__(self, fn, depths, primal, own, deterministic):
        super().__init__(fn, depths)
        self.primal_arrays = {p.id for p in fn.params[:primal] if p.type.is_array}
        floats = [p for p in fn.params[:primal] if p.type.is_array and p.type.is_float]
        self.bar_of = {b.id: (k, p) for k, (p, b) in enumerate(zip(floats, fn.params[primal:]))}
        self.own = own
        self.deterministic = deterministic
        self.recorded = False
        self.index_width = max([p.type.ndim for p in floats], default=1)

    def source(self):
        """The kernel's text: its rows, then its body (whose atomic updates, recorded in
        deterministic mode, decide whether it takes the record rows)."""
        fn = self.fn
        self.region(fn.body, 1)
        body, self.lines = self.lines, []
        stacks = global_rows(self.depths)
        records = ["_records", "_values", "_counts"] if self.recorded else []
        params = [self.name(p) for p in fn.params] + stacks + records + ["_statuses"] + \
            [self.name(v) for v, _ in fn.captured]
        self.emit(0, f"def {fn.name}({', '.join(params)}):")
        self.emit(1, "_x, _y, _z = cuda.grid(3)")
        self.emit(1, "_nx, _ny, _nz = cuda.gridsize(3)")
        self.emit(1, "_t = _x + _nx * (_y + _ny * _z)  # this thread's rows")
        self.emit(1, "_status = _statuses[_t]")
        for level, d in self.depths.items():
            fstack, fsp, istack, isp = stack_names(level)
            if d is None:
                self.emit(1, f"{fstack}, {istack} = {fstack}s[_t], {istack}s[_t]")
            else:
                for line in local_stacks(level, d):
                    self.emit(1, line)
            self.emit(1, f"{fsp} = 0")
            self.emit(1, f"{isp} = 0")
        if self.recorded:
            self.emit(1, "_record, _value, _rsp = _records[_t], _values[_t], 0")
        self.lines += body
        if self.recorded:
            self.emit(1, "_counts[_t] = _rsp")
        return "\n".join(self.lines) + "\n"

    def give_up(self):
        return "return"

    def statement(self, op, depth):
        if ops.stores(op) and op.args[0].id in self.primal_arrays and not op.adjoint:
            return  # the primal kernel wrote it
        if op.opname == "iadd_item" and op.args[0].id in self.bar_of and self.bar_of[op.args[0].id][1].id not in self.own:
            return self.atomic(op, depth)
        return super().statement(op, depth)

    def atomic(self, op, depth):
        k, _ = self.bar_of[op.args[0].id]
        idx, value = [self.ref(i) for i in ops.indices(op)], self.ref(ops.stored(op))
        if not self.deterministic:
            where = idx[0] if len(idx) == 1 else f"({', '.join(idx)})"
            return self.emit(depth, f"cuda.atomic.add({self.name(op.args[0])}, {where}, {value})")
        self.recorded = True
        self.emit(depth, "if rt.full(_status, _value, _rsp, 1):")
        self.emit(depth + 1, "return")
        self.emit(depth, f"_record[_rsp, 0] = {k}")
        for j, i in enumerate(idx):
            self.emit(depth, f"_record[_rsp, {j + 1}] = {i}")
        self.emit(depth, f"_value[_rsp] = {value}")
        self.emit(depth, "_rsp += 1")

"""Rules for np.linalg and np.trace: templates that call the adjoint helpers in adc_runtime.linalg.

At points where a derivative is undefined, adc does what NumPy and autograd
do: `eigvalsh` assumes distinct eigenvalues (repeated ones give a
derivative that depends on the eigenbasis LAPACK returns), `det`, `inv` and
`solve` assume an invertible matrix (a singular one raises LinAlgError),
`cholesky` a symmetric positive-definite one.
"""
import numpy as np

import adc_runtime.linalg as la

from .core import defrule, jvp, vjp
from ..ir import T


def _square(a):
    from ..errors import AdcTypeError
    if a.ndim != 2:
        raise AdcTypeError("this np.linalg function takes a square 2-D array")
    return a


defrule("np.linalg.solve", np.linalg.solve, typer=lambda a, b: T("float64", b.ndim))
vjp("np.linalg.solve")(lambda g, y, a, b: (la.solve_vjp_a(g, y, a), la.solve_vjp_b(g, a)))
jvp("np.linalg.solve")(lambda y, a, b, da, db: (la.solve_jvp(y, a, da, np.zeros_like(b)), la.solve_jvp(y, a, np.zeros_like(a), db)))

defrule("np.linalg.inv", np.linalg.inv, typer=lambda a: _square(a))
vjp("np.linalg.inv")(lambda g, y, a: la.inv_vjp(g, y))
jvp("np.linalg.inv")(lambda y, a, da: la.inv_jvp(y, da))

defrule("np.linalg.det", np.linalg.det, typer=lambda a: T("float64"))
vjp("np.linalg.det")(lambda g, y, a: la.det_vjp(g, y, a))
jvp("np.linalg.det")(lambda y, a, da: la.det_jvp(y, a, da))

defrule("np.linalg.eigvalsh", np.linalg.eigvalsh, typer=lambda a: T("float64", 1))
vjp("np.linalg.eigvalsh")(lambda g, y, a: la.eigvalsh_vjp(g, a))
jvp("np.linalg.eigvalsh")(lambda y, a, da: la.eigvalsh_jvp(a, da))

defrule("np.linalg.cholesky", np.linalg.cholesky, typer=lambda a: _square(a))
vjp("np.linalg.cholesky")(lambda g, y, a: la.cholesky_vjp(g, y))
jvp("np.linalg.cholesky")(lambda y, a, da: la.cholesky_jvp(y, da))

defrule("np.trace", np.trace, typer=lambda a: T("float64"))
vjp("np.trace")(lambda g, y, a: la.trace_vjp(g, a))
jvp("np.trace")(lambda y, a, da: np.trace(da))

_HELPER_RANKS = {  # rank of each helper's result, from its arguments' types
    "solve_vjp_a": lambda *t: 2, "solve_vjp_b": lambda g, a: g.ndim, "solve_jvp": lambda x, *t: x.ndim,
    "inv_vjp": lambda *t: 2, "inv_jvp": lambda *t: 2, "det_vjp": lambda *t: 2, "det_jvp": lambda *t: 0,
    "logdet_vjp": lambda *t: 2, "logdet_jvp": lambda *t: 0, "eigvalsh_vjp": lambda *t: 2,
    "eigvalsh_jvp": lambda *t: 1, "cholesky_vjp": lambda *t: 2, "cholesky_jvp": lambda *t: 2, "trace_vjp": lambda *t: 2,
}
for _helper, _rank in _HELPER_RANKS.items():
    defrule("la." + _helper, getattr(la, _helper), typer=lambda *t, _rank=_rank: T("float64", _rank(*t)))

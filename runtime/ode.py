"""What the backward sweep of `adc.odeint(..., adjoint="backsolve")` calls at run time.

The backward sweep integrates the state back from the last output time, and
restarts it from the row the forward solve kept at each output time before
(adc/ode.py). `backsolve_miss(y, kept, rtol, atol)` is how far the y it
integrated misses the row, in tolerances: the RMS of
(y - kept) / (atol + rtol·max(|y|, |kept|)), the norm of dopri5's error
controller. `backsolve_warn(miss)` warns with an `AdcOdeWarning` when the
largest miss is above 1, or NaN (a backward solve that did not reach the
first time), under CPython and inside Numba-compiled code alike (through
`numba.objmode`); it returns the miss.
"""
import warnings

import numba
import numpy as np
from numba.extending import register_jitable


class AdcOdeWarning(RuntimeWarning):
    """A backsolve gradient that may be inexact: its reconstruction of the solution missed."""


@register_jitable
def backsolve_miss(y, kept, rtol, atol):
    """The RMS of (y - kept) / (atol + rtol·max(|y|, |kept|))."""
    scale = atol + rtol * np.maximum(np.abs(y), np.abs(kept))
    return np.sqrt(np.mean(((y - kept) / scale) ** 2))


@register_jitable
def backsolve_warn(miss):
    """Warn (AdcOdeWarning) when `miss`, in tolerances, is above 1 or NaN; return it."""
    if not miss <= 1.0:
        with numba.objmode():
            _warn(miss)
    return miss


def _warn(miss):
    warnings.warn(f"adc.odeint(adjoint='backsolve'): the state integrated backwards misses the forward solution "
                  f"by {miss:.3g} times the tolerance (the RMS of (y - y_forward) / (atol + rtol·|y|)), so the "
                  "gradient is no more accurate than that; tighten rtol/atol (take more steps), or use "
                  "adjoint='checkpoint'", AdcOdeWarning, stacklevel=3)

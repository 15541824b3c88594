"""`adc.odeint`: ODE solutions that adc differentiates like any other code.

    ys = adc.odeint(f, y0, t, *params, method="dopri5", rtol=1e-6, atol=1e-9, max_steps=10000)

`f(y, t, *params)` gives dy/dt for a state vector `y`; `t` is an array of
output times, increasing, and the result has one row per time (row 0 is y0).
Methods: "dopri5" (Dormand–Prince 5(4) with an error controller: a step is
accepted when the RMS of err / (atol + rtol·max(|y|, |y_new|)) is at most 1,
and the next step is the last one times 0.9·error^(-1/5), kept within
[0.2, 5] times; the first step is a tenth of the first output interval),
"rk4" and "euler" (fixed steps, `steps` per output interval).

Called in a function adc differentiates, the solver below is inlined and
differentiated with it, `f` included: the derivative is the exact one of the
discrete solver (adjoint="checkpoint"), the step sizes' dependence on the
state included, in every mode and on both backends. The solvers' step loop
is checkpointed (`adc.checkpointed`: the binomial schedule for the fixed-step
methods, the online one for dopri5, whose step count is known at its end),
so that the gradient's memory does not grow with the steps. A solve that does
not reach an output time within `max_steps` gives NaN rows from there; called
from Python, it raises. adjoint="backsolve" (the continuous adjoint ODE) is not
supported: adc raises.
"""
import numpy as np

from .checkpointing import checkpointed
from .errors import AdcError

METHODS = ("dopri5", "rk4", "euler")
ADJOINTS = ("checkpoint",)
DEFAULTS = {"method": "dopri5", "rtol": 1e-6, "atol": 1e-9, "max_steps": 10000, "steps": 10, "adjoint": "checkpoint"}


def options(given):
    """The solver a call's options choose, checked, and the names of its leading parameters
    (numbers: given, or DEFAULTS)."""
    unknown = set(given) - set(DEFAULTS)
    if unknown:
        raise AdcError(f"adc.odeint got unknown options {sorted(unknown)}; it takes {sorted(DEFAULTS)}")
    method, adjoint = given.get("method", DEFAULTS["method"]), given.get("adjoint", DEFAULTS["adjoint"])
    if method not in METHODS:
        raise AdcError(f"adc.odeint(method={method!r}): choose one of {', '.join(METHODS)}")
    if adjoint == "backsolve":
        raise AdcError("adc.odeint(adjoint='backsolve'), the continuous adjoint ODE, is not supported yet; "
                       "adjoint='checkpoint' gives the exact gradient of the discrete solver")
    if adjoint not in ADJOINTS:
        raise AdcError(f"adc.odeint(adjoint={adjoint!r}): choose 'checkpoint'")
    if method == "dopri5":
        return _dopri5, ["rtol", "atol", "max_steps"]
    return (_rk4 if method == "rk4" else _euler), ["steps"]


def odeint(f, y0, t, *params, **given):
    """The solution of y' = f(y, t, *params), y(t[0]) = y0, at the times `t` (one row each)."""
    solve, names = options(given)
    lead = [type(DEFAULTS[n])(given.get(n, DEFAULTS[n])) for n in names]
    y0, t = np.asarray(y0, dtype=float), np.asarray(t, dtype=float)
    if y0.ndim != 1 or t.ndim != 1 or t.shape[0] < 1:
        raise AdcError("adc.odeint takes a state vector y0 and a vector of output times t")
    out = solve(f, y0, t, *lead, *params)
    if np.isnan(out).any() and not np.isnan(y0).any():
        raise AdcError(f"adc.odeint did not reach every output time within max_steps={given.get('max_steps', 10000)} "
                       "steps, or its solution is not finite: raise max_steps or loosen rtol/atol")
    return out


# ---------------------------------------------------------------- the solvers, in the subset adc differentiates


def _euler(f, y0, t, steps, *params):
    return _fixed_steps(f, y0, t, steps, _euler_step, *params)


def _rk4(f, y0, t, steps, *params):
    return _fixed_steps(f, y0, t, steps, _rk4_step, *params)


def _euler_step(f, y, s, h, *params):
    return y + h * f(y, s, *params)


def _rk4_step(f, y, s, h, *params):
    k1 = f(y, s, *params)
    k2 = f(y + 0.5 * h * k1, s + 0.5 * h, *params)
    k3 = f(y + 0.5 * h * k2, s + 0.5 * h, *params)
    k4 = f(y + h * k3, s + h, *params)
    return y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def _fixed_steps(f, y0, t, steps, step, *params):
    """`steps` steps of `step` per output interval, as one checkpointed loop."""
    out = np.zeros((t.shape[0], y0.shape[0]))
    out[0, :] = y0
    y = y0
    for j in checkpointed(range(steps * (t.shape[0] - 1))):
        k = j // steps
        h = (t[k + 1] - t[k]) / steps
        y = step(f, y, t[k] + (j % steps) * h, h, *params)
        if (j + 1) % steps == 0:
            out[k + 1, :] = y
    return out


def _dopri5(f, y0, t, rtol, atol, max_steps, *params):
    out = np.zeros((t.shape[0], y0.shape[0]))
    out[0, :] = y0
    y = y0
    s = t[0]
    h = 0.0
    if t.shape[0] > 1:
        h = 0.1 * (t[1] - t[0])
    k = 0
    taken = 0
    while checkpointed(k < t.shape[0] - 1 and taken < max_steps):  # one trip, one step tried
        end = t[k + 1]
        last = h >= end - s
        dt = h
        if last:
            dt = end - s
        k1 = f(y, s, *params)
        k2 = f(y + dt * (0.2 * k1), s + 0.2 * dt, *params)
        k3 = f(y + dt * (3.0 / 40.0 * k1 + 9.0 / 40.0 * k2), s + 0.3 * dt, *params)
        k4 = f(y + dt * (44.0 / 45.0 * k1 - 56.0 / 15.0 * k2 + 32.0 / 9.0 * k3), s + 0.8 * dt, *params)
        k5 = f(y + dt * (19372.0 / 6561.0 * k1 - 25360.0 / 2187.0 * k2 + 64448.0 / 6561.0 * k3
                         - 212.0 / 729.0 * k4), s + 8.0 / 9.0 * dt, *params)
        k6 = f(y + dt * (9017.0 / 3168.0 * k1 - 355.0 / 33.0 * k2 + 46732.0 / 5247.0 * k3 + 49.0 / 176.0 * k4
                         - 5103.0 / 18656.0 * k5), s + dt, *params)
        new = y + dt * (35.0 / 384.0 * k1 + 500.0 / 1113.0 * k3 + 125.0 / 192.0 * k4 - 2187.0 / 6784.0 * k5
                        + 11.0 / 84.0 * k6)
        k7 = f(new, s + dt, *params)
        err = dt * (71.0 / 57600.0 * k1 - 71.0 / 16695.0 * k3 + 71.0 / 1920.0 * k4 - 17253.0 / 339200.0 * k5
                    + 22.0 / 525.0 * k6 - 1.0 / 40.0 * k7)
        scale = atol + rtol * np.maximum(np.abs(y), np.abs(new))
        error = max(np.sqrt(np.mean((err / scale) ** 2)), 1e-10)
        if error <= 1.0:
            y = new
            if last:
                s = end
            else:
                s = s + dt
        h = dt * min(5.0, max(0.2, 0.9 * error ** -0.2))
        taken += 1
        if s >= end:
            out[k + 1, :] = y
            k += 1
    for r in range(k + 1, t.shape[0]):  # not reached within max_steps
        out[r, :] = np.nan * y
    return out

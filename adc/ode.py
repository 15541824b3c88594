"""`adc.odeint`: ODE solutions that adc differentiates like any other code.

    ys = adc.odeint(f, y0, t, *params, method="dopri5", rtol=1e-6, atol=1e-9, max_steps=10000,
                    adjoint="checkpoint")

`f(y, t, *params)` gives dy/dt for a state vector `y`; `t` is an array of
output times, increasing, and the result has one row per time (row 0 is y0).
Methods: "dopri5" (Dormand–Prince 5(4) with an error controller: a step is
accepted when the RMS of err / (atol + rtol·max(|y|, |y_new|)) is at most 1,
and the next step is the last one times 0.9·error^(-1/5), kept within
[0.2, 5] times; the first step is a tenth of the first output interval),
"rk4" and "euler" (fixed steps, `steps` per output interval).

Called in a function adc differentiates, the solver below is inlined with f.
How its reverse-mode derivative is made is the `adjoint` option's, a constant
of the call:

- "checkpoint" (the default): the solver is differentiated with it, `f`
  included: the derivative is the exact one of the discrete solver, the step
  sizes' dependence on the state included, in every mode and on both
  backends. The solvers' step loop is checkpointed (`adc.checkpointed`: the
  binomial schedule for the fixed-step methods, the online one for dopri5,
  whose step count is known at its end), so that the gradient's memory does
  not grow with the steps (its time does, by the recomputation).
- "backsolve": the continuous adjoint of Chen et al. (2018). The forward
  sweep runs the plain solver and keeps only its rows; the backward sweep
  integrates from t[-1] back to t[0], with the same method and options
  (rtol, atol, max_steps; or steps), the adjoint system
      y' = f(y, t),  a' = -a^T df/dy,  a_p' = -a^T df/dp,
  whose vector-Jacobian products are adc's own vjp of `f`, inlined. At each
  output time t[k], a gains the cotangent of row k and y restarts from row
  k (the forward solve's, as torchdiffeq's adjoint does). The gradient of
  y0 is a(t[0]), that of each parameter its a_p(t[0]), that of the times
  g[k]·f(y_k, t_k) (and -a·f(y0, t[0]) for t[0]). Memory is O(1) in the
  steps: nothing is recorded per step, forward or backward. dopri5 controls
  the error of [y, a] only (a seminorm: a_p is a quadrature and never
  shortens a step). The gradient is the continuous adjoint's, accurate to
  about the tolerance, not the discrete solver's exact one. Where the y
  integrated back misses the forward solution at an output time (y0 at
  t[0] included) by more than the tolerance (the RMS of
  (y - y_k) / (atol + rtol·max(|y|, |y_k|)) above 1; rk4 and euler use
  rtol and atol for this check alone), the backward sweep warns with an
  `adc.AdcOdeWarning`: the backward flow is unstable or the steps too few,
  and the gradient is no better than that miss. `f` is differentiated with
  respect to y, to `params` and to the numbers and arrays it reads from its
  enclosing function (a closure's), which get their gradients too. Forward
  mode (jvp, and the tangent half of Hessian-vector products)
  differentiates the plain solver, as "checkpoint" does.

A solve that does not reach an output time within `max_steps` gives NaN rows
from there (a backward solve, a NaN gradient); called from Python, it raises.
Called from Python, both adjoints solve the same way.
"""
import numpy as np

import adc_runtime as rt

from .checkpointing import checkpointed
from .errors import AdcError

METHODS = ("dopri5", "rk4", "euler")
ADJOINTS = ("checkpoint", "backsolve")
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
    if adjoint not in ADJOINTS:
        raise AdcError(f"adc.odeint(adjoint={adjoint!r}): choose 'checkpoint' or 'backsolve'")
    if method == "dopri5":
        return _dopri5, ["rtol", "atol", "max_steps"]
    return (_rk4 if method == "rk4" else _euler), ["steps"]


def backsolve(method):
    """The backward driver of adjoint="backsolve" for `method`, and the names of the options it
    takes after (aug, ys, g, t), in order."""
    if method == "dopri5":
        return _backsolve_dopri5, ["rtol", "atol", "max_steps"]
    return (_backsolve_rk4 if method == "rk4" else _backsolve_euler), ["steps", "rtol", "atol"]


class Backsolve:
    """What stands for an odeint with adjoint="backsolve" in the IR: the `prim` of the `custom` op
    adc/passes/lower/calls.py makes of it (its arguments y0, t, *theta; its value the plain
    solver's rows; its residuals the rows, t, the backward driver's options and theta).
    `dynamics` is f lowered apart, an untyped `ir.Function` of (y, s, *theta): theta is the
    call's params, then the values of the caller that f reads. adc/passes/reverse/backsolve.py
    builds its adjoint; forward mode differentiates the plain solver (the op's "tangent": "fwd")."""

    def __init__(self, method, dynamics):
        self.method, self.dynamics = method, dynamics
        self.driver, self.names = backsolve(method)
        self.__name__ = f"adc.odeint(method={method!r}, adjoint='backsolve')"

    def __repr__(self):
        return f"<{self.__name__} of {self.dynamics.name}>"


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
        dt, last = _step_to(h, s, end)
        new, err = _dopri5_step(f, y, s, dt, *params)
        error = _error_norm(err, y, new, rtol, atol)
        if error <= 1.0:
            y = new
        s, h = _controlled(error, s, dt, last, end)
        taken += 1
        if s >= end:
            out[k + 1, :] = y
            k += 1
    for r in range(k + 1, t.shape[0]):  # not reached within max_steps
        out[r, :] = np.nan * y
    return out


def _dopri5_step(f, y, s, dt, *params):
    """One Dormand–Prince step of size dt from y at s: the 5th-order solution and its error estimate."""
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
    return new, err


def _error_norm(err, y, new, rtol, atol):
    """The RMS of the error estimate relative to atol + rtol·max(|y|, |new|) (at least 1e-10)."""
    scale = atol + rtol * np.maximum(np.abs(y), np.abs(new))
    return max(np.sqrt(np.mean((err / scale) ** 2)), 1e-10)


# ---------------------------------------------------------------- adjoint="backsolve": the backward sweep's drivers
# Lowered into the backward sweep by adc/passes/reverse/backsolve.py, never differentiated there.
# `aug(z, tau, n, *theta)` is the adjoint system in the reversed time tau = -t, for z = [y, a, a_theta]
# (n = len(y)): [-f(y, -tau), a^T df/dy, a^T df/dtheta], the vjp of f inlined; `g` holds the
# cotangents of the rows `ys`; `size` is the length of a_theta. Each returns z at t[0]. At each output
# time y restarts from the row the forward solve kept (as torchdiffeq's adjoint does) and the
# cotangent of that row joins a; how far the y integrated backwards had come from the row is
# checked (adc_runtime.ode: a warning when it misses by more than the tolerance).


def _step_to(h, s, end):
    """The step from `s` toward `end`: h, cut to land on `end` (and whether it does)."""
    last = h >= end - s
    dt = h
    if last:
        dt = end - s
    return dt, last


def _controlled(error, s, dt, last, end):
    """The controller: the time after a step of `dt` from `s` (kept when rejected, `end` exactly
    after the last) and the next step size, 0.9·error^(-1/5) times, within [0.2, 5]."""
    if error <= 1.0:
        if last:
            s = end
        else:
            s = s + dt
    return s, dt * min(5.0, max(0.2, 0.9 * error ** -0.2))


def _backsolve_dopri5(aug, ys, g, t, rtol, atol, max_steps, size, *theta):
    """dopri5 from t[-1] back to t[0], the error of [y, a] controlled (a seminorm)."""
    n = ys.shape[1]
    m = t.shape[0]
    z = _adjoint_start(ys, g, size)
    s = -t[m - 1]
    h = 0.0
    if m > 1:
        h = 0.1 * (t[m - 1] - t[m - 2])
    k = m - 1
    taken = 0
    miss = 0.0
    while k > 0 and taken < max_steps:  # one trip, one step tried, towards tau = -t[k - 1]
        end = -t[k - 1]
        dt, last = _step_to(h, s, end)
        new, err = _dopri5_step(aug, z, s, dt, n, *theta)
        error = _error_norm(err[:2 * n], z[:2 * n], new[:2 * n], rtol, atol)
        if error <= 1.0:
            z = new
        s, h = _controlled(error, s, dt, last, end)
        taken += 1
        if s >= end:
            k -= 1
            miss = _restart(z, ys, g, k, n, miss, rtol, atol)
    if k > 0:  # t[0] not reached within max_steps
        z = np.nan * z
        miss = miss + np.nan
    rt.backsolve_warn(miss)
    return z


def _backsolve_rk4(aug, ys, g, t, steps, rtol, atol, size, *theta):
    return _backsolve_fixed(aug, ys, g, t, steps, _rk4_step, rtol, atol, size, *theta)


def _backsolve_euler(aug, ys, g, t, steps, rtol, atol, size, *theta):
    return _backsolve_fixed(aug, ys, g, t, steps, _euler_step, rtol, atol, size, *theta)


def _backsolve_fixed(aug, ys, g, t, steps, step, rtol, atol, size, *theta):
    """`steps` steps of `step` per output interval, from t[-1] back to t[0]."""
    n = ys.shape[1]
    m = t.shape[0]
    z = _adjoint_start(ys, g, size)
    miss = 0.0
    for j in range(steps * (m - 1)):
        k = m - 1 - j // steps  # the interval from t[k] back to t[k - 1]
        h = (t[k] - t[k - 1]) / steps
        z = step(aug, z, -t[k] + (j % steps) * h, h, n, *theta)
        if (j + 1) % steps == 0:
            miss = _restart(z, ys, g, k - 1, n, miss, rtol, atol)
    rt.backsolve_warn(miss)
    return z


def _adjoint_start(ys, g, size):
    """z at t[-1]: y the last row, a its cotangent, a_theta zero."""
    n = ys.shape[1]
    m = ys.shape[0]
    z = np.zeros(2 * n + size)
    z[:n] = ys[m - 1]
    z[n:2 * n] = g[m - 1]
    return z


def _restart(z, ys, g, k, n, miss, rtol, atol):
    """At t[k]: y (in z) restarts from row k, the row's cotangent joins a; returns the largest
    miss of a reconstructed y so far, in tolerances."""
    miss = max(miss, rt.backsolve_miss(z[:n], ys[k], rtol, atol))
    z[:n] = ys[k]
    z[n:2 * n] += g[k]
    return miss


def _times_bar(f, ys, g, t, a0, *theta):
    """The cotangent of the output times: g[k]·f(y_k, t_k) for k >= 1 (the row moves along the
    solution), and -a(t[0])·f(y0, t[0]) for t[0] (the solution starts later), a0 being a at
    t[0] before the cotangent of row 0 joins it."""
    out = np.zeros(t.shape[0])
    for k in range(1, t.shape[0]):
        out[k] = np.sum(g[k] * f(ys[k], t[k], *theta))
    out[0] = -np.sum(a0 * f(ys[0], t[0], *theta))
    return out

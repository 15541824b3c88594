"""Derivatives through code adc cannot read: a SciPy special function and a C function.

adc differentiates Python source. A SciPy ufunc (compiled C), a C library
function reached through ctypes, or a Numba `cfunc` has no source to read,
so adc runs them as they are and asks for their derivative rules:

- `j0` is SciPy's Bessel function of order 0. Its derivative is -j1, another
  SciPy function, which the backward rule calls;
- `lgamma` is the C library's log-gamma, called through ctypes. Its
  derivative is the digamma function.

The loss fits a damped Bessel signal `a * J0(w t) * exp(-lgamma(1 + t))`
in a loop; the gradient in `a` and `w` comes from adc's adjoint of the loop
and the user's rules for the two calls. Under the numba backend the C
function is a parameter of the compiled gradient (Numba calls it through its
pointer) and the SciPy ufunc runs in Numba's object mode.

    python examples/external_code.py
"""
import ctypes
import ctypes.util

import numpy as np
import scipy.special

import adc

libm = ctypes.CDLL(ctypes.util.find_library("m"))
c_lgamma = libm.lgamma
c_lgamma.argtypes, c_lgamma.restype = [ctypes.c_double], ctypes.c_double


@adc.primitive
def j0(x):
    return scipy.special.j0(x)


j0.defvjp(lambda x: (scipy.special.j0(x), (x,)),
          lambda res, g: (-g * scipy.special.j1(res[0]),))
j0.defjvp(lambda x, dx: -dx * scipy.special.j1(x))


@adc.primitive
def lgamma(x):
    return c_lgamma(x)


lgamma.defvjp(lambda x: (c_lgamma(x), (x,)),
              lambda res, g: (g * scipy.special.digamma(res[0]),))
lgamma.defjvp(lambda x, dx: dx * scipy.special.digamma(x))


def loss(a, w, t, data):
    total = 0.0
    for i in range(t.shape[0]):
        model = a * j0(w * t[i]) * np.exp(-lgamma(1.0 + t[i] * w))
        total = total + (model - data[i]) ** 2
    return total


EXAMPLE_ARGS = {"loss": (1.5, 2.0, np.linspace(0.0, 3.0, 7), np.zeros(7))}


def main():
    t = np.linspace(0.0, 3.0, 40)
    data = 1.2 * scipy.special.j0(2.5 * t) * np.exp(-scipy.special.gammaln(1.0 + 2.5 * t))
    a, w = 1.0, 2.0
    dloss = adc.grad(loss, wrt=(0, 1))
    ga, gw = dloss(a, w, t, data)
    h = 1e-6
    fd_a = (loss(a + h, w, t, data) - loss(a - h, w, t, data)) / (2 * h)
    fd_w = (loss(a, w + h, t, data) - loss(a, w - h, t, data)) / (2 * h)
    print(f"gradient      d/da = {ga:.10f}   d/dw = {gw:.10f}")
    print(f"finite diffs  d/da = {fd_a:.10f}   d/dw = {fd_w:.10f}")
    assert abs(ga - fd_a) < 1e-6 * max(1.0, abs(fd_a)) and abs(gw - fd_w) < 1e-6 * max(1.0, abs(fd_w))
    print(adc.source(dloss))


if __name__ == "__main__":
    main()

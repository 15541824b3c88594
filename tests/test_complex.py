"""Complex numbers through the harness: real-valued functions of complex (and real) arguments, in
reverse and forward mode on both backends, against finite differences along complex directions and
against autograd, whose convention adc follows: grad(abs(z)**2) == 2 * conj(z)."""
import numpy as np
import pytest

import adc
from harness import check_grads

Z = np.array([0.3 + 0.4j, -0.5 + 0.2j, 0.7 - 0.1j])
X = np.array([0.2, 0.5, 0.9])
A = np.array([[1.0 + 0.5j, 0.2 - 0.1j, 0.0 + 0.3j], [0.4 + 0.0j, -0.3 + 0.2j, 0.8 - 0.5j]])


def abs2(z):
    return abs(z) ** 2


def phases(x, z):
    return np.sum(np.abs(np.exp(1j * x) * z) ** 2 + np.real(z * z) * x)


def horner(z, x):
    s = 0j
    for k in range(z.shape[0]):
        s = s * z[k] + x[k]
    return abs(s) ** 2 + np.angle(s)


def matvec(a, v):
    return np.sum(np.abs(np.dot(a, v)) ** 2)


def parts(z):
    return np.sum(np.real(z) * np.imag(z) + np.abs(np.conj(z) * z)) + np.angle(z[0]) + np.sum(np.imag(np.log(z)))


CASES = [
    (abs2, (0.3 - 0.8j,), 0),
    (phases, (X, Z), (0, 1)),
    (horner, (Z, X), (0, 1)),
    (matvec, (A, Z), (0, 1)),
    (parts, (Z,), 0),
]


@pytest.mark.parametrize("f,args,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_complex(f, args, wrt):
    check_grads(f, args, wrt=wrt, order=1)


def test_readme_convention():
    z = 0.3 - 0.8j
    assert adc.grad(abs2)(z) == pytest.approx(2 * np.conj(z))


def test_complex_array_on_the_tape_is_refused():
    def f(z):
        s = 0.0
        for k in range(3):
            w = z * k
            s = s + np.sum(np.abs(w * w))
        return s
    with pytest.raises(adc.AdcTypeError, match="complex array"):
        adc.grad(f, backend="python")(Z)

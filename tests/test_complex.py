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


def rotations(z):
    """Complex arrays made in a loop and read by the backward sweep: recorded on the tape."""
    s = 0.0
    w = z
    for k in range(3):
        w = w * np.exp(0.3j * (k + 1.0)) + np.conj(w) * 0.1
        s = s + np.sum(np.abs(w * w)) + np.sum(np.real(w) * np.imag(w))
    return s


def matrix_powers(a, z):
    s = 0.0
    m = a[:, :2]
    for k in range(2):
        m = np.dot(m, m) * 0.5 + m
        s = s + np.sum(np.abs(np.dot(m, z[:2])) ** 2)
    return s


_R = np.random.default_rng(3)
H = _R.uniform(-1, 1, (4, 4)) + 1j * _R.uniform(-1, 1, (4, 4))
H = 0.5 * (H + np.conj(H.T)) + np.diag([0.0, 2.0, 4.0, 6.0])  # Hermitian, well-separated eigenvalues


def hermitian_spectrum(a):
    w = np.linalg.eigvalsh(0.5 * (a + np.conj(a.T)))  # the Hermitian part: FD directions stay Hermitian
    return np.sum(w ** 3) + w[0]


def hermitian_spectrum_ag(a):
    import autograd.numpy as anp  # autograd has no eigvalsh rule: eigh's eigenvalues
    w = anp.linalg.eigh(0.5 * (a + anp.conj(a.T)))[0]
    return anp.sum(w ** 3) + w[0]


def hermitian_vectors(a):
    """Eigenvectors of a complex Hermitian matrix, through a loss that does not see their phases."""
    w, v = np.linalg.eigh(0.5 * (a + np.conj(a.T)))
    return np.sum(np.abs(v) ** 4 * np.arange(1.0, 5.0)) + w[-1] * w[0]


CASES = [
    (abs2, (0.3 - 0.8j,), 0),
    (phases, (X, Z), (0, 1)),
    (horner, (Z, X), (0, 1)),
    (matvec, (A, Z), (0, 1)),
    (parts, (Z,), 0),
    (rotations, (Z,), 0),
    (matrix_powers, (A[:, :2].copy(), Z), (0, 1)),
    (hermitian_spectrum, (H,), 0),
    (hermitian_vectors, (H,), 0),
]


@pytest.mark.parametrize("f,args,wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_complex(f, args, wrt):
    check_grads(f, args, wrt=wrt, order=1, ag=hermitian_spectrum_ag if f is hermitian_spectrum else None)


def test_readme_convention():
    z = 0.3 - 0.8j
    assert adc.grad(abs2)(z) == pytest.approx(2 * np.conj(z))


def complex_in_a_loop(x):
    z = x + 0.5j
    s = 0.0
    for i in range(3):
        z = z * z * 0.5 + x
        s = s + np.real(z * np.conj(z))
    return s


@pytest.mark.parametrize("backend", ["python", "numba"])
def test_second_derivative_through_complex_pops(backend):
    """A popped complex scalar's adjoint takes two float slots on the adjoint stack: the
    reservation says so (debug mode's exact stacks raised IndexError; Numba's could overrun)."""
    g = adc.grad(complex_in_a_loop, backend=backend)
    h, x = 1e-5, 0.3
    expected = (g(x + h) - g(x - h)) / (2 * h)
    for debug in (True, False):
        gg = adc.grad(adc.grad(complex_in_a_loop, debug=debug, backend=backend), debug=debug, backend=backend)
        assert abs(gg(x) - expected) < 1e-6 * abs(expected), (debug, gg(x), expected)

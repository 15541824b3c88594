"""Inverse Schrödinger problem: find the potential whose ground state has a given density.

The forward model discretises H = -1/2 d²/dx² + V(x) on a grid, takes its
lowest eigenvector with np.linalg.eigh and returns the density |psi_0|^2.
adc differentiates through the eigensolver (the eigenvector's derivative
needs the whole spectrum: V (F * V^T g) V^T with F = 1 / (w_j - w_i)), and
SciPy's L-BFGS fits the potential to a target density.

    python examples/inverse_schrodinger.py   (writes examples/inverse_schrodinger.png with matplotlib)
"""
import numpy as np
from scipy.optimize import minimize

import adc

N, WIDTH = 60, 10.0
X = np.linspace(-WIDTH / 2, WIDTH / 2, N)
H_STEP = X[1] - X[0]
LAPLACIAN = (np.diag(-2.0 * np.ones(N)) + np.diag(np.ones(N - 1), 1) + np.diag(np.ones(N - 1), -1)) / H_STEP ** 2


def density(V, lap, h):
    """The ground-state density of -1/2 lap + diag(V) (normalised to integrate to 1)."""
    H = -0.5 * lap + np.diag(V)
    w, psi = np.linalg.eigh(H)
    ground = psi[:, 0]
    return ground * ground / h


def misfit(V, lap, h, target, smooth):
    """Squared density error plus a smoothness penalty on the potential."""
    d = density(V, lap, h) - target
    return np.sum(d * d) * h + smooth * np.sum(np.diff(V) ** 2)


def main():
    true_V = 0.5 * X ** 2 - 2.0 * np.exp(-((X - 1.0) ** 2))  # a harmonic well with a dip
    target = density(true_V, LAPLACIAN, H_STEP)
    value_and_grad = adc.value_and_grad(misfit, wrt=0)

    start = 0.5 * X ** 2  # the plain harmonic well
    v, g = value_and_grad(start, LAPLACIAN, H_STEP, target, 1e-4)
    rng = np.random.default_rng(0)
    direction = rng.standard_normal(N)
    step = 1e-6
    fd = (misfit(start + step * direction, LAPLACIAN, H_STEP, target, 1e-4)
          - misfit(start - step * direction, LAPLACIAN, H_STEP, target, 1e-4)) / (2 * step)
    print(f"gradient check: <grad, v> = {g @ direction:.10e}, finite differences = {fd:.10e}")

    result = minimize(lambda V: value_and_grad(V, LAPLACIAN, H_STEP, target, 1e-4), start, jac=True,
                      method="L-BFGS-B", options={"maxiter": 500})
    fitted = density(result.x, LAPLACIAN, H_STEP)
    seen = target > 0.01 * target.max()  # where the density constrains V at all
    shift = np.mean((result.x - true_V)[seen])  # a constant shift of V leaves the density unchanged
    print(f"L-BFGS: {result.nit} iterations, misfit {misfit(start, LAPLACIAN, H_STEP, target, 1e-4):.3e} -> {result.fun:.3e}")
    print(f"density error (max): {np.max(np.abs(fitted - target)):.2e}")
    print(f"potential error where the density is above 1% of its peak (max, after removing the constant "
          f"shift): {np.max(np.abs(result.x - true_V - shift)[seen]):.3f}")
    plot(true_V, result.x - shift, target, fitted, start, __file__.replace(".py", ".png"))
    print("\nthe generated gradient of the misfit:\n")
    print(adc.source(value_and_grad, start, LAPLACIAN, H_STEP, target, 1e-4))


def plot(true_V, fitted_V, target, fitted, start, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)")
        return
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(X, true_V, label="true potential")
    a.plot(X, fitted_V, "--", label="fitted (constant shift removed)")
    a.plot(X, start, ":", label="start")
    a.set_ylim(-3, 8)
    a.axvspan(X[target > 0.01 * target.max()][0], X[target > 0.01 * target.max()][-1], color="0.92",
              label="density above 1% of its peak")
    a.set_title("potential V(x)")
    a.legend()
    b.plot(X, target, label="target density")
    b.plot(X, fitted, "--", label="density of the fit")
    b.set_title("ground-state density")
    b.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

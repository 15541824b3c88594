"""The one gradient-check harness: every derivative adc claims is checked here.

`check_grads` compares adc's gradient, on each backend, with
  * central finite differences along random directions (the dot-product
    test: <grad, v> against (f(x + hv) - f(x - hv)) / 2h), and
  * autograd's gradient of the same arithmetic (a functional rewrite when
    the function writes into arrays, which autograd cannot box),
scaled by a non-unit cotangent so that a dropped seed shows.

Arguments may be lists, tuples and dicts of arrays (adc.trees): directions,
perturbations and comparisons then go leaf by leaf, and each gradient must
come back as a container of its argument's structure.

Complex arguments follow autograd's convention: the gradient g of a real
function at z satisfies df = Re(sum(g * dz)), so the finite-difference
directions are complex and the dot-product test takes the real part.
"""
import math
import types
import warnings

import autograd
import autograd.numpy as anp
import numpy as np

import adc
from adc import trees

BACKENDS = ("python", "numba")
COTANGENT = 1.7


def autograd_version(f, _seen=None):
    """`f` re-bound so that `np` and `math` name autograd's NumPy (in the functions it calls too)."""
    seen = {} if _seen is None else _seen
    if f in seen:
        return seen[f]
    shim = types.SimpleNamespace(**{n: getattr(anp, n, getattr(math, n, None)) for n in dir(math)})
    for ours, theirs in {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2",
                         "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh", "fabs": "abs", "pow": "power"}.items():
        setattr(shim, ours, getattr(anp, theirs))
    shim.pi, shim.e = math.pi, math.e
    import autograd.scipy.special as asp
    shim.erf, shim.erfc = asp.erf, asp.erfc
    g = dict(f.__globals__)
    g.update({k: anp for k, v in f.__globals__.items() if v is np})
    g.update({k: shim for k, v in f.__globals__.items() if v is math})
    new = seen[f] = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)
    for k, v in f.__globals__.items():
        if isinstance(v, types.FunctionType) and v.__module__ == f.__module__ and v is not f:
            g[k] = autograd_version(v, seen)
    return new


def _map(fn, *xs):
    """`fn` applied leaf by leaf to `xs`, containers of one structure (or numbers and arrays)."""
    leaves = [trees.flatten(x) for x in xs]
    return trees.unflatten(leaves[0][1], [fn(*ls) for ls in zip(*(lv for lv, _ in leaves))])


def _leaves(x):
    return trees.flatten(x)[0]


def _copy(args):
    return [_map(lambda a: a.copy() if isinstance(a, np.ndarray) else a, a) for a in args]


def _perturb(args, wrt, dirs, h):
    out = _copy(args)
    for k, d in zip(wrt, dirs):
        out[k] = _map(lambda a, e: a + h * e, out[k], d)
    return out


def _dot(gs, ds):
    """sum over the wrt arguments and their leaves of <g, d>, real part (autograd's complex convention)."""
    return np.real(sum(np.sum(g * d) for gt, dt in zip(gs, ds) for g, d in zip(_leaves(gt), _leaves(dt))))


def _assert_close(a, b, err_msg, **tol):
    """Containers of one structure (or numbers and arrays) equal leaf by leaf within `tol`."""
    ta, tb = trees.flatten(a)[1], trees.flatten(b)[1]
    assert ta == tb, f"{err_msg}: structured as {trees.describe(ta)}, not {trees.describe(tb)}"
    for x, y in zip(_leaves(a), _leaves(b)):
        np.testing.assert_allclose(x, y, err_msg=err_msg, **tol)


def finite_difference(f, args, wrt, dirs, h=1e-6):
    plus, minus = f(*_perturb(args, wrt, dirs, h)), f(*_perturb(args, wrt, dirs, -h))
    return (plus - minus) / (2 * h)


def check_grads(f, args, wrt=0, ag=None, backends=BACKENDS, rtol=1e-6, atol=1e-8, seed=0, order=2):
    """Check adc's derivatives of `f` at `args` on every backend: the gradient (reverse mode),
    the directional derivative (forward mode) and, at order 2, the Hessian-vector product
    (forward over reverse). Returns the gradients."""
    import inspect
    names = list(inspect.signature(f).parameters)
    wrt_t = tuple(names.index(w) if isinstance(w, str) else w for w in (wrt if isinstance(wrt, tuple) else (wrt,)))
    rng = np.random.default_rng(seed)
    dirs = [_direction(rng, args[k]) for k in wrt_t]
    expected_value = f(*_copy(args))
    fd = finite_difference(f, args, wrt_t, dirs)
    reference = _autograd_grads(ag or autograd_version(f), args, wrt_t)
    hvp_ref = _autograd_hvp(ag or autograd_version(f), args, wrt_t, dirs) if order >= 2 else None
    results = {}
    for backend in backends:
        with warnings.catch_warnings():
            warnings.simplefilter("error", adc.AdcFallbackWarning)  # numba must compile it, not fall back
            value, grads = adc.value_and_grad(f, wrt=wrt, backend=backend, debug=True)(*_copy(args))
        grads = grads if isinstance(wrt, tuple) else (grads,)
        grads = tuple(_map(lambda g: g * COTANGENT, g) for g in grads)
        np.testing.assert_allclose(value, expected_value, rtol=1e-12, atol=1e-12,
                                   err_msg=f"{backend}: value differs from the primal")
        for k, g in zip(wrt_t, grads):
            (gl, gt), (al, at) = trees.flatten(g), trees.flatten(args[k])
            assert gt == at, f"{backend}: gradient structured as {trees.describe(gt)}, not {trees.describe(at)}"
            for x, y in zip(gl, al):
                assert np.shape(x) == np.shape(y), f"{backend}: gradient shape {np.shape(x)} != {np.shape(y)}"
        np.testing.assert_allclose(_dot(grads, dirs), COTANGENT * fd, rtol=1e-5, atol=1e-6,
                                   err_msg=f"{backend}: <grad, v> differs from finite differences")
        if reference is not None:
            for g, r in zip(grads, reference):
                _assert_close(g, _map(lambda x: COTANGENT * x, r), f"{backend}: gradient differs from autograd",
                              rtol=rtol, atol=atol)
        results[backend] = grads
        _check_forward(f, args, wrt, wrt_t, dirs, fd, backend)
        if order >= 2:
            _check_hvp(f, args, wrt, wrt_t, dirs, backend, ag or autograd_version(f), hvp_ref)
    return results


def _direction(rng, arg):
    """A random direction of `arg`'s shape (complex for a complex argument), leaf by leaf."""
    if trees.is_container(arg):
        return _map(lambda a: _direction(rng, a), arg)
    d = rng.standard_normal(np.shape(arg))
    if np.iscomplexobj(arg):
        d = d + 1j * rng.standard_normal(np.shape(arg))
    return d


def _check_forward(f, args, wrt, wrt_t, dirs, fd, backend):
    """Forward mode: the tangent along `dirs` against finite differences."""
    tangents = tuple(dirs) if isinstance(wrt, tuple) else dirs[0]
    value, tangent = adc.jvp(f, wrt=wrt, backend=backend, debug=True)(*_copy(args), tangents)
    np.testing.assert_allclose(value, f(*_copy(args)), rtol=1e-12, atol=1e-12,
                               err_msg=f"{backend}: jvp value differs from the primal")
    np.testing.assert_allclose(tangent, fd, rtol=1e-5, atol=1e-6,
                               err_msg=f"{backend}: jvp differs from finite differences")


def _check_hvp(f, args, wrt, wrt_t, dirs, backend, ag, hvp_ref):
    """Order 2: the Hessian-vector product against finite differences of the gradient and autograd."""
    tangents = tuple(dirs) if isinstance(wrt, tuple) else dirs[0]
    hv = adc.hvp(f, wrt=wrt, backend=backend, debug=True)(*_copy(args), tangents)
    hv = hv if isinstance(wrt, tuple) else (hv,)
    g = adc.grad(f, wrt=wrt_t, backend="python")
    h = 1e-5
    plus, minus = g(*_perturb(args, wrt_t, dirs, h)), g(*_perturb(args, wrt_t, dirs, -h))
    for k, (a, b, c) in enumerate(zip(hv, plus, minus)):
        _assert_close(a, _map(lambda p, m: (np.asarray(p) - np.asarray(m)) / (2 * h), b, c),
                      f"{backend}: Hessian-vector product {k} differs from finite differences", rtol=1e-4, atol=1e-5)
    if hvp_ref is not None:
        _assert_close(hv[0], hvp_ref, f"{backend}: Hessian-vector product differs from autograd", rtol=1e-6, atol=1e-8)


def _autograd_hvp(g, args, wrt, dirs):
    if len(wrt) != 1:
        return None
    fargs = [float(a) if isinstance(a, float) else a for a in _copy(args)]
    arg = fargs[wrt[0]]
    if trees.is_container(arg):  # autograd's hessian_vector_product takes arrays: <grad f, v> by its flatten
        from autograd.misc import flatten
        grad_f, v = autograd.grad(g, wrt[0]), flatten(dirs[0])[0]
        return autograd.grad(lambda *a: anp.sum(flatten(grad_f(*a))[0] * v), wrt[0])(*fargs)
    hvp = autograd.hessian_vector_product(g, wrt[0])
    return hvp(*fargs, dirs[0] if np.ndim(arg) else float(dirs[0]))


def _autograd_grads(g, args, wrt):
    fargs = [float(a) if isinstance(a, float) else a for a in _copy(args)]
    return tuple(autograd.grad(g, k)(*fargs) for k in wrt)


def check_vjp(f, args, wrt=0, ag=None, backends=BACKENDS, seed=1):
    """Split mode and Jacobians of a function with an array output: the pullback (called twice)
    against autograd and, by the dot-product test <pullback(u), v> = <u, J v>, against forward
    mode and finite differences; both Jacobians against autograd's."""
    rng = np.random.default_rng(seed)
    ag = ag or autograd_version(f)
    value = f(*_copy(args))
    u = rng.standard_normal(np.shape(value))
    v = rng.standard_normal(np.shape(args[wrt]))
    fd = finite_difference(f, args, (wrt,), [v])
    fargs = [float(a) if isinstance(a, float) else a for a in _copy(args)]
    ag_pull = autograd.make_vjp(ag, wrt)(*fargs)[0](u)
    ag_jac = autograd.jacobian(ag, wrt)(*fargs)
    for backend in backends:
        out, pullback = adc.vjp(f, wrt=wrt, backend=backend, debug=True)(*_copy(args))
        np.testing.assert_allclose(out, value, rtol=1e-12, err_msg=f"{backend}: vjp value")
        first, second = pullback(u), pullback(u)
        np.testing.assert_array_equal(first, second, err_msg=f"{backend}: a second pullback differs")
        np.testing.assert_allclose(first, ag_pull, rtol=1e-7, atol=1e-9, err_msg=f"{backend}: vjp vs autograd")
        _, tangent = adc.jvp(f, wrt=wrt, backend=backend, debug=True)(*_copy(args), v)
        np.testing.assert_allclose(np.sum(first * v), np.sum(u * tangent), rtol=1e-9, atol=1e-9,
                                   err_msg=f"{backend}: dot-product test, vjp against jvp")
        np.testing.assert_allclose(np.sum(u * tangent), np.sum(u * fd), rtol=1e-5, atol=1e-6,
                                   err_msg=f"{backend}: jvp against finite differences")
        for mode in ("rev", "fwd"):
            jac = adc.jacobian(f, wrt=wrt, mode=mode, backend=backend, debug=True)(*_copy(args))
            np.testing.assert_allclose(jac, ag_jac, rtol=1e-7, atol=1e-9,
                                       err_msg=f"{backend}: jacobian ({mode}) vs autograd")


def check_hessian(f, args, wrt=0, ag=None, backends=BACKENDS):
    """The Hessian against autograd's."""
    ag = ag or autograd_version(f)
    fargs = [float(a) if isinstance(a, float) else a for a in _copy(args)]
    reference = autograd.hessian(ag, wrt)(*fargs)
    for backend in backends:
        h = adc.hessian(f, wrt=wrt, backend=backend, debug=True)(*_copy(args))
        np.testing.assert_allclose(h, reference, rtol=1e-7, atol=1e-9, err_msg=f"{backend}: hessian vs autograd")

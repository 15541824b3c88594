"""Every rule that takes complex arguments, checked against autograd's convention (the README's: the
gradient g of a real f at z satisfies df = Re(sum(g * dz)), so grad(abs(z)**2) == 2 * conj(z)).

The cases are driven by the rule tables: each elementwise rule that admits complex arguments gets a line
made from its name and arity, the others a line below, and `test_every_complex_rule_is_swept` fails when
a rule that admits complex arguments is not exercised by some line (in the primal or in the derivative
code adc writes), so a new rule can't skip the check. Each line is differentiated through the harness
(reverse and forward mode, finite differences along complex directions, autograd) on the python
backend; `FAMILIES` compiles a representative subset under Numba. Rules that refuse complex arguments
are checked to say so."""
import importlib.util
import inspect
import re

import autograd.numpy as anp
import numpy as np
import pytest

import adc
from adc.errors import AdcError
from adc.rules import RULES
from adc.rules.core import admits_complex
from harness import check_grads

_R = np.random.default_rng(5)
Z = np.array([0.3 + 0.2j, 0.5 - 0.3j, 0.7 + 0.1j, 0.4 - 0.15j])
W = np.array([0.6 - 0.1j, 0.35 + 0.25j, 0.8 + 0.2j, 0.45 - 0.3j])
A = _R.uniform(0.2, 0.9, (3, 4)) + 1j * _R.uniform(-0.4, 0.4, (3, 4))
S = np.eye(4) * 2.0 + _R.uniform(-0.3, 0.3, (4, 4)) + 1j * _R.uniform(-0.3, 0.3, (4, 4))
H = _R.uniform(-1, 1, (4, 4)) + 1j * _R.uniform(-1, 1, (4, 4))
H = 0.5 * (H + np.conj(H.T)) + np.diag([0.0, 2.0, 4.0, 6.0])  # Hermitian, well-separated eigenvalues
ARGS = {"z": Z, "w": W, "a": A, "s": S, "h": H}

SHIFTS = {"np.arccosh": "z + 1.5"}  # away from branch cuts
AUTOGRAD_SPELLING = {"np.positive": "1.0 * {0}", "np.float_power": "{0} ** {1}"}  # what autograd has no vjp of


def _arity(rule):
    template = rule.templates[-1][1]
    return len(inspect.signature(template).parameters) - 2


def _elementwise_lines():
    lines = []
    for key, rule in RULES.items():
        if not (key.startswith("np.") and rule.elementwise and not rule.nondiff and admits_complex(rule)):
            continue
        arity = _arity(rule)
        spelling = AUTOGRAD_SPELLING.get(key)
        if arity == 1:
            arg = SHIFTS.get(key, "z")
            lines.append((key, f"{key}({arg})") + ((spelling.format(arg),) if spelling else ()))
        elif arity == 2:
            lines.append((key, f"{key}(z, w)") + ((spelling.format("z", "w"),) if spelling else ()))
            lines.append((key + " broadcast", f"{key}(a, w)") + ((spelling.format("a", "w"),) if spelling else ()))
    return lines


LINES = _elementwise_lines() + [
    ("operators", "z * w + z / w - z ** w + (-z) + 2.0 * z - w / 3.0"),
    ("abs", "abs(z[0] * w[1])"),
    ("np.where", "np.where(np.real(z) > 0.45, z * w, w * w)"),
    ("a branch's sum, unbroadcast from taped shapes", "np.dot(s, z) + np.dot(s, w) if np.real(z[0]) > 0.0 else z"),
    ("np.sum np.mean np.prod", "np.sum(z * w) + np.mean(a) * np.prod(z)"),
    ("reductions with axis", "np.sum(a, axis=1) + np.mean(a * a, axis=1) + np.prod(a, axis=1)"),
    ("keepdims", "np.mean(a, axis=0, keepdims=True) * a + np.sum(a, axis=1, keepdims=True)"),
    ("axis=-1", "np.sum(a * a, axis=-1)"),
    ("np.var np.std", "np.var(z * w) + np.std(a) * 1j"),
    ("var std axis", "np.var(a, axis=1) + np.std(a, axis=0)[:3]"),
    ("np.linalg.norm", "np.linalg.norm(z * w)"),
    ("np.cumsum np.cumprod", "np.cumsum(z * w) + np.cumprod(z)",
     "np.cumsum(z * w) + np.array([np.prod(z[:k + 1]) for k in range(4)])"),
    ("np.dot", "np.dot(a, z) + np.dot(z, w) + np.dot(w, a.T)"),
    ("matmul", "np.sum(a @ np.transpose(a) * (s[:3, :3] @ s[:3, :3]))"),
    ("np.outer", "np.outer(z, w)"),
    ("np.vdot", "np.vdot(z, w) * np.vdot(w, w * z)", "np.sum(np.conj(z) * w) * np.sum(np.conj(w) * w * z)"),
    ("np.inner np.kron", "np.inner(a, a)[0] + np.sum(np.kron(a[:2, :2], s[:2, :2]))"),
    ("np.trace", "np.trace(np.dot(s, s))"),
    ("keyword variants", "np.cumsum(a * a, axis=0) + np.cumsum(a, axis=1) + np.trace(s, offset=1)"),
    ("copies", "np.copy(z) * np.full_like(z, w[1]) + np.full((2, 4), z[0]) * w",
     "z * w[1] * np.ones(4) + np.ones((2, 4)) * z[0] * w"),
    ("np.array", "np.array([z[0], 2.0 * w[1], z[2] * w[3]])"),
    ("np.linspace", "np.linspace(z[0], w[1], 5) + np.linspace(w[0], z[1], 5, endpoint=False)",
     "z[0] + (w[1] - z[0]) * np.linspace(0.0, 1.0, 5) + w[0] + (z[1] - w[0]) * np.arange(5) / 5.0"),
    ("np.real np.imag np.conj np.angle", "np.real(z * w) + np.imag(z) * np.conj(w) + np.angle(z * w)"),
    ("np.abs", "np.abs(z * w) + np.absolute(z)"),
    ("np.linalg.solve", "np.linalg.solve(s, z) + np.dot(np.linalg.solve(s, s[:, :2]), w[:2])"),
    ("np.linalg.inv np.linalg.det", "np.linalg.inv(s)[0] * np.linalg.det(s)"),
    ("reshaping", "np.reshape(a, (4, 3))[:, 0] + a.reshape(2, 6)[1, :4] + np.ravel(a)[:4] + a.flatten()[4:8]"),
    ("transposes", "np.swapaxes(a, 0, 1)[:, 0] + a.T[:, 1] + np.expand_dims(z, 0)[0]"
                   " + np.squeeze(np.outer(z, np.ones(1)), axis=1)"),
    ("flips", "np.flip(z) + np.flip(a, axis=1)[0] + np.fliplr(a)[1] + np.flipud(a)[2] + np.roll(z, 1)",
     "z[::-1] + a[:, ::-1][0] + a[:, ::-1][1] + a[::-1][2] + np.roll(z, 1)"),
    ("triangles", "np.triu(s, 1)[0] + np.tril(s)[3] + np.diag(s, 0) + np.diag(z, 0)[1]"),
    ("np.diff", "np.diff(z * w)"),
    ("np.tile np.repeat", "np.tile(z, 2) * np.repeat(w, 2) + np.ravel(np.tile(a[:2, :2], (1, 2))) + np.ravel(np.tile(z[:2], (4, 1)))"),
    ("joins", "np.concatenate((z, w * z)) + np.hstack((w, z)) + np.ravel(np.stack((z, w), axis=1))"
              " + np.ravel(np.vstack((z, w)))"),
    ("indexing", "z[IDX] * a[1] + z[np.real(z) > 0.45][0]"),
    ("np.linalg.eigvalsh", "np.linalg.eigvalsh(0.5 * (h + np.conj(h.T))) * 1.5"),
    ("np.linalg.eigh", "np.abs(np.linalg.eigh(0.5 * (h + np.conj(h.T)))[1]) ** 4"),
    ("np.tensordot", "np.tensordot(a, s, axes=([1], [0]))[0] + np.tensordot(a, a, axes=2) * z + np.tensordot(z, w, axes=0)[1]"),
    ("promotions and splits", "np.ravel(np.atleast_2d(z)) + np.atleast_3d(z)[0, :, 0] + np.atleast_1d(z[0])"
     " + np.split(np.concatenate((z, w)), 2)[1] + np.column_stack((z, w))[:, 1] + np.append(z[:2], w[2:])"
     " + np.hsplit(a, [1])[1][0, 0] + np.vstack((z, a))[2]"),
    ("moving axes", "np.rot90(a)[:, 0] + np.moveaxis(a, 0, 1)[:, 1] + np.rollaxis(a, 1)[:, 2] + np.roll(a, 1, axis=1)[0]"
     " + np.repeat(a, 2, axis=0)[3] + np.repeat(z, 2, axis=0)[1:5] + np.diagonal(s) + s.diagonal(-1)[0]"
     " + np.append(np.cross(z[:3], w[1:]), z[0]) + sum(a) + np.sum(a * a, axis=(0, 1)) + np.dot(z[0], w)"
     " + np.inner(w, z[1]) + np.transpose(a, (1, 0))[:, 2] + np.outer(z[0], w)[0]",
     "np.rot90(a)[:, 0] + np.moveaxis(a, 0, 1)[:, 1] + np.rollaxis(a, 1)[:, 2] + np.roll(a, 1, axis=1)[0]"
     " + np.repeat(a, 2, axis=0)[3] + np.repeat(z, 2, axis=0)[1:5] + s[[0, 1, 2, 3], [0, 1, 2, 3]] + s[1, 0]"
     " + np.append(np.cross(z[:3], w[1:]), z[0]) + np.sum(a, axis=0) + np.sum(a * a) + z[0] * w + w * z[1]"
     " + a.T[:, 2] + z[0] * w"),
]


def _eigvalsh_ag(h):  # autograd has no eigvalsh: eigh's eigenvalues
    return _loss_ag(anp.linalg.eigh(0.5 * (h + anp.conj(h.T)))[0] * 1.5)


def _eigh_ag(h):
    return _loss_ag(anp.abs(anp.linalg.eigh(0.5 * (h + anp.conj(h.T)))[1]) ** 4)


def _loss_ag(out):
    return anp.sum(anp.real(out) * 0.7 + anp.imag(out) * 1.3 + anp.abs(out) ** 2 * 0.5)


AUTOGRAD = {"np.linalg.eigvalsh": _eigvalsh_ag, "np.linalg.eigh": _eigh_ag}


def _names(expr):
    return [n for n in "zwash" if re.search(rf"(?<![\w.]){n}\b", expr)]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """The lines as functions of a module adc can read the source of: a real loss of each line's output."""
    folder = tmp_path_factory.mktemp("conventions")
    ours = _module(folder, "complex_cases", "numpy", [line[1] for line in LINES])
    theirs = _module(folder, "complex_cases_ag", "autograd.numpy", [line[-1] for line in LINES])
    return {line[0]: (getattr(ours, f"case_{k}"), getattr(theirs, f"case_{k}") if len(line) > 2 else None)
            for k, line in enumerate(LINES)}


def _module(folder, name, numpy, exprs):
    src = [f"import {numpy} as np", "", "IDX = np.array([2, 0, 2, 1])", ""]
    for k, expr in enumerate(exprs):
        src += [f"def case_{k}({', '.join(_names(expr))}):", f"    out = {expr}",
                "    return np.sum(np.real(out) * 0.7 + np.imag(out) * 1.3 + np.abs(out) ** 2 * 0.5)", ""]
    path = folder / f"{name}.py"
    path.write_text("\n".join(src))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", [line[0] for line in LINES])
def test_complex_convention(cases, name):
    f, ag = cases[name]
    names = list(inspect.signature(f).parameters)
    args = tuple(ARGS[n] for n in names)
    check_grads(f, args, wrt=tuple(range(len(args))) if len(args) > 1 else 0, ag=AUTOGRAD.get(name, ag),
                backends=("python",), order=1)


FAMILIES = ["np.sin", "operators", "reductions with axis", "var std axis", "np.linalg.norm", "np.vdot",
            "np.tile np.repeat", "moving axes"]


def test_complex_convention_under_numba(tmp_path):
    """A representative subset, in one function, compiled under Numba."""
    lines = [line for line in LINES if line[0] in FAMILIES]
    assert len(lines) == len(FAMILIES)
    ours, theirs = (_family(tmp_path, name, numpy, [line[k] for line in lines])
                    for name, numpy, k in (("family", "numpy", 1), ("family_ag", "autograd.numpy", -1)))
    check_grads(ours, (Z, W, A, S), wrt=(0, 1, 2, 3), ag=theirs, backends=("numba",), order=1)


def _family(folder, name, numpy, exprs):
    body = "".join(f"    out = {e}\n    t = t + np.sum(np.real(out) * 0.7 + np.imag(out) * 1.3 + np.abs(out) ** 2 * 0.5)\n"
                   for e in exprs)
    path = folder / f"{name}.py"
    path.write_text(f"import {numpy} as np\n\n\ndef family(z, w, a, s):\n    t = 0.0\n{body}    return t\n")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.family


def exercised(f, args):
    """The rule keys that the primal IR of f and the derivative code adc writes for it (gradient and
    tangent, python backend) call."""
    from adc.frontend import parse_function
    from adc.ir import walk
    from adc.passes import front
    keys = {op.attrs.get("fn") or op.attrs.get("op") for op in walk(front(parse_function(f)).body)}
    wrt = tuple(range(len(args)))
    for df in (adc.grad(f, wrt=wrt, backend="python"), adc.jvp(f, wrt=wrt, backend="python")):
        keys |= set(re.findall(r"\b((?:np|rt|la|math)\.[A-Za-z_][\w.]*)\(", adc.source(df, *args)))
    return keys


UNREACHABLE = {"rt.unpermute"}  # np.sort's adjoint: np.sort refuses complex arguments


def test_every_complex_rule_is_swept(cases):
    swept = set()
    for f, _ in cases.values():
        swept |= exercised(f, tuple(ARGS[n] for n in inspect.signature(f).parameters))
    wanted = {key for key, rule in RULES.items() if admits_complex(rule) and not rule.nondiff and not rule.scatter
              and key not in UNREACHABLE}
    assert not sorted(wanted - swept), f"rules that admit complex arguments but no line exercises: {sorted(wanted - swept)}"


REFUSED = [  # rules whose templates do not hold for complex arguments: a clear error, not a wrong derivative
    "np.maximum(z, w)", "np.clip(z, 0.1, 0.5)", "np.max(z)", "np.sort(z)", "np.sign(z)", "np.arctan2(z, w)",
    "np.hypot(z, w)", "np.logaddexp(z, w)", "np.cbrt(z)", "np.linalg.cholesky(s)", "np.linalg.pinv(s)",
    "np.linalg.qr(s)[0]", "np.linalg.svd(s)[1]", "np.linalg.slogdet(s)[1]", "np.deg2rad(z)",
]


@pytest.mark.parametrize("expr", REFUSED)
def test_refused_for_complex(tmp_path, expr):
    path = tmp_path / "refused.py"
    path.write_text(f"import numpy as np\n\n\ndef f(z, w, s):\n    return np.sum(np.abs({expr}))\n")
    spec = importlib.util.spec_from_file_location("refused", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(AdcError, match="complex") as info:
        adc.grad(module.f, backend="python")(Z, W, S)
    assert "rt." not in str(info.value).split("\n")[0] and "la." not in str(info.value).split("\n")[0]


def test_inner_of_numbers_is_their_product():
    """np.inner and np.dot of numbers are their product, as in NumPy (np.inner's result was once typed as an
    array of -2 dimensions); @ of a number raises in NumPy, and is refused."""
    def inner_of_numbers(x, y):
        return np.inner(x, y) + np.dot(x, 3.0)
    assert adc.grad(inner_of_numbers, wrt=(0, 1), backend="python")(1.5, 2.0) == (5.0, 1.5)

    def matmul_of_a_number(x, a):
        return np.sum(a @ x)
    with pytest.raises(adc.AdcError, match="np.matmul"):
        adc.grad(matmul_of_a_number, backend="python")(1.5, np.ones((2, 2)))
    with pytest.raises(ValueError, match="-2 dimensions"):
        adc.ir.T("float64", -2)

"""The cache under attack: edited files, tampered and truncated cache files, closures, an
unwritable cache folder, threads, processes, pickling and a Dask worker.

Fresh-process cases run `python -c` with their own ADC_CACHE_DIR and modules the test
writes; each asserts the derivative against its analytic value.
"""
import glob
import importlib
import json
import multiprocessing
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy as np
import pytest

import adc
import adc.cache

HERE = os.path.dirname(os.path.abspath(__file__))


def _write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))
    return path


def _run(folder, script, cache):
    """Run `script` in a new Python with `folder` on its path and `cache` as ADC_CACHE_DIR;
    (its stdout lines, the number of AdcCacheWarnings it printed)."""
    env = dict(os.environ, ADC_CACHE_DIR=str(cache), PYTHONPATH=os.pathsep.join([str(folder), os.path.dirname(HERE)]))
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], env=env, cwd=str(folder),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split(), out.stderr.count("AdcCacheWarning")


# ---------------------------------------------------------------- stale derivatives

HELPERS = """
import numpy as np
C = 2.0
W = np.array([1.0, 2.0])

def h4(x):
    return x * x

def h3(x):
    return h4(x)

def h2(x):
    return h3(x)

def h1(x):
    return h2(x)

def by_attribute(x):
    return x * x * x
"""

MAIN = """
import numpy as np
import helpers
from helpers import h1

def f(x):
    return np.sum(h1(x) + helpers.by_attribute(x) + helpers.C * x + helpers.W * x)
"""

STALE = """
import numpy as np, adc, helpers, main
g = adc.grad(main.f, backend="{backend}")
x = np.array([1.0, 3.0])
print(*g(x))
helpers.C = 10.0                 # a module attribute changed in this process
print(*g(x))
helpers.by_attribute = helpers.h4  # a helper rebound in this process
print(*g(x))
main.h1 = helpers.by_attribute     # a global helper of the function rebound
print(*g(x))
"""


@pytest.mark.parametrize("backend", ["python"])
def test_edited_helpers_and_module_attributes_are_seen(tmp_path, backend):
    """Helpers four calls deep and reached as module.func, constants read as module.C: edits
    of the files are seen by the next process, rebindings in the same process at once."""
    _write(tmp_path, "helpers.py", HELPERS)
    _write(tmp_path, "main.py", MAIN)
    x = np.array([1.0, 3.0])
    w = np.array([1.0, 2.0])

    def expected(c, deep, attr, h1=None):
        return list(deep(x) + attr(x) + c + w) if h1 is None else list(h1(x) + attr(x) + c + w)
    two, three = (lambda x: 2 * x), (lambda x: 3 * x * x)
    first, _ = _run(tmp_path, STALE.format(backend=backend), tmp_path / "cache")
    assert np.allclose(np.array(first, float).reshape(4, 2), [
        expected(2.0, two, three), expected(10.0, two, three), expected(10.0, two, two),
        [2 * 1 + 2 + 10 + 1, 2 * 3 + 6 + 10 + 2]])
    # edit the files: the helper four calls deep, the one reached as an attribute, the constant
    text = HELPERS.replace("return x * x\n", "return x * x * x * x\n", 1).replace("C = 2.0", "C = 5.0")
    _write(tmp_path, "helpers.py", text.replace("return x * x * x\n", "return 2.0 * x * x * x\n"))
    second, _ = _run(tmp_path, STALE.format(backend=backend), tmp_path / "cache")
    four, six = (lambda x: 4 * x ** 3), (lambda x: 6 * x * x)
    assert np.allclose(np.array(second, float)[:2], expected(5.0, four, six))
    assert np.allclose(np.array(second, float)[4:6], expected(10.0, four, four))


def test_source_edited_after_import_is_an_error(tmp_path, monkeypatch):
    """The derivative is of the code that runs: text edited after import is refused by name;
    a derivative made before the edit keeps the text it read."""
    monkeypatch.syspath_prepend(str(tmp_path))
    _write(tmp_path, "edited_mod.py", """
        def helper(x):
            return x * x

        def f(x):
            return 3.0 * x * x

        def g(x):
            return helper(x)
    """)
    mod = importlib.import_module("edited_mod")
    made_before = adc.grad(mod.f, backend="python")
    _write(tmp_path, "edited_mod.py", """
        def helper(x):
            return x * x * x * x  # edited

        def f(x):
            return 5.0 * x * x * x  # edited

        def g(x):
            return helper(x)
    """)
    assert made_before(2.0) == pytest.approx(12.0)  # the primal that runs: 3 x^2
    assert adc.grad(mod.f, backend="python")(2.0) == pytest.approx(12.0)  # built from the text that matched
    with pytest.raises(adc.AdcSourceError, match="edited_mod.py.*is not the code that runs"):
        adc.jvp(mod.f, backend="python")(2.0, 1.0)  # to be built from the edited text
    with pytest.raises(adc.AdcSourceError, match="helper"):  # a callee read at the first call
        adc.grad(mod.g, backend="python")(2.0)


CLOSURES = """
import numpy as np
scale = 1.0

def make(scale):
    def helper(x):
        return scale * x

    def f(x):
        return np.sum(helper(x) ** 2)
    return f

def make_without_global(k):
    def helper(x):
        return k * x

    def f(x):
        return np.sum(helper(x) ** 2)
    return f
"""


def test_closures_read_their_own_cells_on_every_path(tmp_path):
    """A helper reading its factory's local of the same name as a global: the local's value,
    in a fresh process, from the cache in the next one, and for each closure in one process."""
    _write(tmp_path, "factories.py", CLOSURES)
    script = """
        import numpy as np, adc, factories
        x = np.ones(3)
        for s in (3.0, 5.0):
            print(adc.grad(factories.make(s))(x)[0], adc.grad(factories.make_without_global(s))(x)[0])
    """
    want = [2 * 9.0, 2 * 9.0, 2 * 25.0, 2 * 25.0]
    for _ in range(2):
        out, _ = _run(tmp_path, script, tmp_path / "cache")
        assert np.allclose(np.array(out, float), want)


# ---------------------------------------------------------------- tampered, truncated, corrupted files

CORRUPT = """
import warnings, numpy as np, adc, target
warnings.simplefilter("always")
print(adc.grad(target.loop, backend="numba")(np.array([1.0, 2.0])).sum(),
      adc.grad(target.free, backend="python")(2.0))
"""


def test_tampered_truncated_and_corrupted_cache_files_are_rebuilt(tmp_path):
    """Each kind of damage to a cache file: the right derivative and one AdcCacheWarning."""
    _write(tmp_path, "target.py", """
        def loop(x):
            s = 0.0
            for i in range(x.shape[0]):
                s = s + 3.0 * x[i] * x[i]
            return s

        def free(x):
            return 3.0 * x * x
    """)
    cache = tmp_path / "cache"
    want = [18.0, 12.0]
    out, warned = _run(tmp_path, CORRUPT, cache)
    assert np.allclose(np.array(out, float), want) and warned == 0
    generated = [p for p in glob.glob(str(cache / "free_grad_*.py"))]
    numba_files = sorted(glob.glob(str(cache / "__pycache__" / "loop_grad_*")))
    assert len(generated) == 1 and any(p.endswith(".nbc") for p in numba_files)

    def damage(path, how):
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(how(data))

    assert b"3.0" in open(generated[0], "rb").read()
    cases = [
        (generated[0], lambda d: d.replace(b"3.0", b"4.0")),  # same size, still valid Python
        (generated[0], lambda d: d[:len(d) // 2]),  # truncated
        ([p for p in numba_files if p.endswith(".nbc")][0],
         lambda d: d[:len(d) // 2] + b"\x00" * 64 + d[len(d) // 2 + 64:]),  # Numba's object code
        ([p for p in numba_files if p.endswith(".nbi")][0], lambda d: d[:len(d) // 2]),  # Numba's index
    ]
    for path, how in cases:
        damage(path, how)
        out, warned = _run(tmp_path, CORRUPT, cache)
        assert np.allclose(np.array(out, float), want), path
        assert warned == 1, path
    index = [p for p in glob.glob(str(cache / "index" / "*.json")) if not p.endswith(".numba.json")]
    damage(index[0], lambda d: d[:len(d) // 3])  # the index: no variant, one warning, then a rebuild
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = os.environ.get("ADC_CACHE_DIR")
        os.environ["ADC_CACHE_DIR"] = str(cache)
        try:
            assert adc.cache.lookup(os.path.basename(index[0])[:-5]) == []
        finally:
            os.environ["ADC_CACHE_DIR"] = old
    assert [issubclass(w.category, adc.AdcCacheWarning) for w in caught] == [True]


# ---------------------------------------------------------------- unwritable cache, threads, processes

def _fresh_module(tmp_path, monkeypatch, name, text):
    monkeypatch.syspath_prepend(str(tmp_path))
    _write(tmp_path, name + ".py", text)
    return importlib.import_module(name)


def test_unwritable_cache_directory_falls_back_with_one_warning(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ADC_CACHE_DIR", str(blocker / "cache"))
    mod = _fresh_module(tmp_path, monkeypatch, "unwritable_mod", """
        def f(x):
            return 7.0 * x * x
    """)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert adc.grad(mod.f, backend="python")(1.0) == pytest.approx(14.0)
        assert adc.grad(lambda x: mod.f(x) * x, backend="python")(1.0) == pytest.approx(21.0)
    messages = [str(w.message) for w in caught if issubclass(w.category, adc.AdcCacheWarning)]
    assert len(messages) == 1 and "ADC_CACHE_DIR" in messages[0]
    if os.geteuid() != 0:  # a read-only folder (root writes to it regardless)
        ro = tmp_path / "read_only"
        ro.mkdir()
        ro.chmod(0o500)
        monkeypatch.setenv("ADC_CACHE_DIR", str(ro))
        with pytest.warns(adc.AdcCacheWarning, match="ADC_CACHE_DIR"):
            assert adc.grad(lambda x: 2.0 * mod.f(x), backend="python")(1.0) == pytest.approx(28.0)


def test_threads_build_one_fresh_derivative_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("ADC_CACHE_DIR", str(tmp_path / "cache"))
    mod = _fresh_module(tmp_path, monkeypatch, "threaded_mod", """
        def f(x):
            s = 0.0
            for i in range(x.shape[0]):
                s = s + x[i] * x[i] * x[i]
            return s
    """)
    df = adc.grad(mod.f, backend="numba")
    barrier, results, errors = threading.Barrier(8), [], []

    def work(k):
        try:
            barrier.wait()
            results.append(df(np.full(3, float(k))))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(r[0] for r in results) == [3.0 * k * k for k in range(8)]
    assert not glob.glob(str(tmp_path / "cache" / "**" / "*.tmp"), recursive=True)


WORKERS = """
import numpy as np
import adc

def f(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + 2.0 * x[i] * x[i]
    return s

@adc.grad
def decorated(x):
    return np.sum(x * x * x)

df = adc.grad(f, backend="numba")

def call(x):
    return df(x)
"""


def test_processes_build_at_once_and_derivatives_pickle_by_reference(tmp_path, monkeypatch):
    monkeypatch.setenv("ADC_CACHE_DIR", str(tmp_path / "cache"))
    mod = _fresh_module(tmp_path, monkeypatch, "worker_mod", WORKERS)
    xs = [np.full(2, float(k)) for k in range(3)]
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        built = pool.map(mod.call, xs)  # three processes build the same fresh derivative at once
        assert [list(g) for g in built] == [[4.0 * k] * 2 for k in range(3)]
        mod.df(xs[1])  # called here too: a local closure inside, still pickles by reference
        for df, want in ((mod.df, lambda k: 4.0 * k), (mod.decorated, lambda k: 3.0 * k * k)):
            copy = pickle.loads(pickle.dumps(df))
            assert copy(xs[2])[0] == pytest.approx(want(2))
            got = pool.map(df, xs)  # the derivative itself is sent to the workers
            assert [g[0] for g in got] == [pytest.approx(want(k)) for k in range(3)]
    assert not glob.glob(str(tmp_path / "cache" / "**" / "*.tmp"), recursive=True)


def test_dask_worker_runs_a_derivative(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv("ADC_CACHE_DIR", str(tmp_path / "cache"))
    mod = _fresh_module(tmp_path, monkeypatch, "dask_mod", WORKERS.replace("2.0 * x[i]", "5.0 * x[i]"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            future = client.submit(mod.df, np.array([1.0, 2.0]))
            assert list(future.result(timeout=60)) == [10.0, 20.0]

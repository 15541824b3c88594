"""The on-disk cache of generated derivative modules.

Generated source is written to `<cache dir>/<name>_<hash>.py`, where the
hash covers the source text, adc's and Numba's versions; Numba's own cache
(`cache=True`) then lives in `__pycache__` beside it. An index maps a
request key (the function's name and code, the derivative asked for, the
argument types) to a short list of variants; each variant lists what the
compiler read to make it (the functions it inlined and the objects it
resolved, found from the user's function by name), and the API takes the
first variant whose reads still hold, so a second process imports the
derivative without running adc's compiler.

What is loaded is verified: a module's text against the hash in its name,
Numba's cache files against the digests recorded after they were written.
A mismatch or a failed load is one AdcCacheWarning and a rebuild. Writes
go to unique temporary names and are renamed into place; a build holds a
lock (a thread lock and a file lock) on its request key. A cache directory
that cannot be written is replaced, with one warning, by a temporary one.
"""
import contextlib
import fcntl
import hashlib
import json
import os
import sys
import tempfile
import threading
import types
import uuid
import warnings

import numba

import adc_runtime

VERSION = "0.1.0"
VARIANTS = 8  # derivatives kept per request key (closures over different functions, ...)


class AdcCacheWarning(UserWarning):
    """A cache file failed verification or could not be used; adc rebuilt or moved elsewhere."""


def _compiler_digest():
    """A digest of adc's and the runtime's own source: a changed compiler is a new cache."""
    here = os.path.dirname(os.path.abspath(__file__))
    roots = [here, os.path.dirname(os.path.abspath(adc_runtime.__file__))]
    h = hashlib.sha256(VERSION.encode())
    for root in roots:
        for folder, dirs, files in sorted(os.walk(root)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    with open(os.path.join(folder, name), "rb") as f:
                        h.update(f.read())
    return h.hexdigest()[:20]


COMPILER = _compiler_digest()
_DIRS = {}  # the configured folder -> the folder in use (itself, or a temporary one)
_DIRS_LOCK = threading.Lock()


def cache_dir():
    """ADC_CACHE_DIR, else the user's cache folder; a temporary folder when that cannot be written."""
    root = os.environ.get("ADC_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "adc")
    with _DIRS_LOCK:
        if root not in _DIRS:
            _DIRS[root] = _usable(root)
        return _DIRS[root]


def _usable(root):
    try:
        os.makedirs(os.path.join(root, "index"), exist_ok=True)
        probe = os.path.join(root, f".probe.{uuid.uuid4().hex}")
        with open(probe, "w"):
            pass
        os.remove(probe)
        return root
    except OSError as exc:
        tmp = tempfile.mkdtemp(prefix="adc-cache-")
        os.makedirs(os.path.join(tmp, "index"), exist_ok=True)
        warnings.warn(f"adc: the cache directory {root} cannot be written ({exc.strerror or exc}); derivatives are "
                      f"cached in {tmp} for this process only. Set ADC_CACHE_DIR to a writable folder",
                      AdcCacheWarning, stacklevel=4)
        return tmp


def _digest(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


def file_digest(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()[:20]
    except OSError:
        return None


def code_digest(fn):
    """The digest of a function's code object (its bytecode, names, constants, lines, file), the
    same in every process (marshal's output is not: it depends on reference counts)."""
    h = hashlib.sha256()
    _hash_code(h, fn.__code__)
    return h.hexdigest()[:20]


def _hash_code(h, code):
    for part in (code.co_code, code.co_linetable, code.co_exceptiontable if hasattr(code, "co_exceptiontable") else b""):
        h.update(len(part).to_bytes(8, "little") + part)
    h.update(repr((code.co_name, code.co_qualname if hasattr(code, "co_qualname") else "", code.co_filename,
                   code.co_firstlineno, code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount,
                   code.co_flags, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars)).encode())
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            h.update(b"code")
            _hash_code(h, c)
        else:
            h.update(f"{type(c).__name__}:{c!r}".encode())


def request_key(*parts):
    """The key of a derivative request: what was asked, under this compiler and this Numba."""
    return _digest(COMPILER, numba.__version__, *parts)


def _source_digest(source):
    return _digest(COMPILER, numba.__version__, source)


def _atomic_write(path, text):
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_module(name, source):
    """Write `source` to a content-addressed file (unless the file there already holds it); its path."""
    path = os.path.join(cache_dir(), f"{name}_{_source_digest(source)}.py")
    if _read_text(path) != source:
        _atomic_write(path, source)
    return path


def _read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


class CorruptEntry(Exception):
    """A cache file that does not hold what its name or its record says."""


_IMPORT_LOCK = threading.RLock()


def import_module(path):
    """Import the generated module at `path` once per process, after checking its text against
    the hash in its name (CorruptEntry when they differ). The module is in `sys.modules` only
    once it has finished executing."""
    name = os.path.splitext(os.path.basename(path))[0]
    with _IMPORT_LOCK:
        if name in sys.modules:
            return sys.modules[name]
        text = _read_text(path)
        if text is None or not name.endswith("_" + _source_digest(text)):
            raise CorruptEntry(f"{path} does not hold the source its name records"
                               + (" (unreadable)" if text is None else ""))
        module = types.ModuleType(name)
        module.__file__ = path
        exec(compile(text, path, "exec"), module.__dict__)
        sys.modules[name] = module
        return module


def _index_path(key):
    return os.path.join(cache_dir(), "index", key + ".json")


def lookup(key):
    """The variants stored under `key` whose module file is still there (newest first)."""
    text = _read_text(_index_path(key))
    if text is None:
        return []
    try:
        variants = json.loads(text)
        assert isinstance(variants, list) and all(isinstance(v, dict) for v in variants)
    except (ValueError, AssertionError):
        warn_corrupt(_index_path(key), "it is not a valid index")
        return []
    return [v for v in variants if os.path.exists(v.get("path", ""))]


def store(key, entry):
    """Add `entry` as the newest variant under `key` (call it holding `locked(key)`)."""
    old = [v for v in lookup(key) if (v.get("path"), v.get("deps")) != (entry["path"], entry["deps"])]
    _atomic_write(_index_path(key), json.dumps([entry] + old[:VARIANTS - 1]))


_KEY_LOCKS = {}


@contextlib.contextmanager
def locked(key):
    """Hold the build lock of request `key`: against other threads and other processes."""
    with _DIRS_LOCK:
        lock = _KEY_LOCKS.setdefault(key, threading.RLock())
    with lock:
        try:
            f = open(os.path.join(cache_dir(), "index", key + ".lock"), "a")
        except OSError:
            f = None
        try:
            if f is not None:
                fcntl.flock(f, fcntl.LOCK_EX)
            yield
        finally:
            if f is not None:
                fcntl.flock(f, fcntl.LOCK_UN)
                f.close()


_WARNED = set()


def warn_corrupt(path, why):
    """One AdcCacheWarning per file and reason: adc rebuilds what it could not load."""
    if (path, why) not in _WARNED:
        _WARNED.add((path, why))
        warnings.warn(f"adc: the cache file {path} failed verification ({why}); rebuilding it", AdcCacheWarning,
                      stacklevel=5)


# ---------------------------------------------------------------- Numba's cache files of a module

def _numba_files(path):
    """Numba's index and object files for the functions of generated module `path`."""
    folder = os.path.join(os.path.dirname(path), "__pycache__")
    stem = os.path.splitext(os.path.basename(path))[0] + "."
    try:
        return sorted(os.path.join(folder, n) for n in os.listdir(folder)
                      if n.startswith(stem) and n.endswith((".nbi", ".nbc")))
    except OSError:
        return []


def _seal_path(path):
    return os.path.join(os.path.dirname(path), "index", os.path.basename(path) + ".numba.json")


def check_numba(path):
    """Before Numba loads its cache of module `path`: files that differ from the digests recorded
    when they were written are removed (one warning), so that Numba compiles them again."""
    sealed = _read_text(_seal_path(path))
    try:
        sealed = json.loads(sealed) if sealed is not None else {}
    except ValueError:
        sealed = {}
    files = _numba_files(path)
    bad = [f for f in files if sealed.get(os.path.basename(f)) != file_digest(f)]
    if bad and sealed:
        warn_corrupt(bad[0], "Numba's cached code differs from what was written")
        drop_numba(path)


def seal_numba(path):
    """Record the digests of Numba's cache files of module `path`, as they are now."""
    files = {os.path.basename(f): file_digest(f) for f in _numba_files(path)}
    if files:
        try:
            _atomic_write(_seal_path(path), json.dumps(files))
        except OSError:
            pass


def drop_numba(path):
    """Remove Numba's cache files of module `path` (and their record)."""
    for f in _numba_files(path) + [_seal_path(path)]:
        with contextlib.suppress(OSError):
            os.remove(f)

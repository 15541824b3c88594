"""The on-disk cache of generated derivative modules.

Generated source is written to `<cache dir>/<name>_<hash>.py`, where the
hash covers the source text, adc's and Numba's versions; Numba's own cache
(`cache=True`) then lives in `__pycache__` beside it. An index maps a
request key (the function's file contents, its name, the derivative asked
for and the argument types) to the module, so a second process can import
the derivative without running adc's compiler.
"""
import hashlib
import importlib.util
import json
import os
import sys

import numba

VERSION = "0.1.0"


def _compiler_digest():
    """A digest of adc's and the runtime's own source: a changed compiler is a new cache."""
    import adc_runtime
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


def cache_dir():
    """ADC_CACHE_DIR, else the user's cache folder."""
    root = os.environ.get("ADC_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "adc")
    os.makedirs(root, exist_ok=True)
    return root


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
    """Tells apart functions of one name in one file (two lambdas on a line)."""
    import marshal
    return hashlib.sha256(marshal.dumps(fn.__code__)).hexdigest()[:20]


def request_key(files, *parts):
    """The key of a derivative request: the files it was read from and what was asked."""
    return _digest(COMPILER, numba.__version__, *[file_digest(f) for f in files], *parts)


def write_module(name, source):
    """Write `source` to a content-addressed file; return the file's path."""
    path = os.path.join(cache_dir(), f"{name}_{_digest(COMPILER, numba.__version__, source)}.py")
    if not os.path.exists(path):
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(source)
        os.replace(tmp, path)
    return path


def import_module(path):
    """Import the generated module at `path` (once per process)."""
    name = os.path.splitext(os.path.basename(path))[0]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _index_path(key):
    return os.path.join(cache_dir(), "index", key + ".json")


def lookup(key):
    """The entry stored under `key`, if its module file is still there."""
    try:
        with open(_index_path(key)) as f:
            entry = json.load(f)
    except (OSError, ValueError):
        return None
    if not os.path.exists(entry.get("path", "")):
        return None
    if any(file_digest(f) != d for f, d in entry.get("deps", [])):
        return None
    return entry


def store(key, entry):
    os.makedirs(os.path.dirname(_index_path(key)), exist_ok=True)
    tmp = f"{_index_path(key)}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(entry, f)
    os.replace(tmp, _index_path(key))

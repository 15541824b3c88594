"""Backends: turn a generated module's function into something to call."""
from .numba_cpu import compile_numba
from .python import compile_python

BACKENDS = {"numba": compile_numba, "python": compile_python}

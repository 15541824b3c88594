"""Backends: turn a generated module's function into something to call."""
from .cuda import compile_cuda
from .numba_cpu import compile_numba
from .python import compile_python

BACKENDS = {"numba": compile_numba, "python": compile_python, "cuda": compile_cuda}

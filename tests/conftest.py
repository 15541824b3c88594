"""One adc cache directory per test run, shared by every test; Numba checks array bounds."""
import os
import tempfile

os.environ.setdefault("ADC_CACHE_DIR", tempfile.mkdtemp(prefix="adc-test-cache-"))
# Numba does not check indices: in the tests it does, so a stack overrun fails loudly
os.environ.setdefault("NUMBA_BOUNDSCHECK", "1")

"""A one-line notice when building a derivative takes long: adc's compiler, then Numba's at the
first call. Silenced by ADC_NOTICES=0 in the environment or `adc.notices.enabled = False`."""
import contextlib
import os
import sys
import threading

enabled = os.environ.get("ADC_NOTICES", "1") != "0"
AFTER = 2.0  # seconds before the notice


@contextlib.contextmanager
def after_a_while(message, seconds=None):
    """Print `message()` to stderr if the block is still running after `seconds` (AFTER)."""
    seconds = AFTER if seconds is None else seconds
    if not enabled:
        yield
        return
    timer = threading.Timer(seconds, lambda: print(f"adc: {message()}", file=sys.stderr, flush=True))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()

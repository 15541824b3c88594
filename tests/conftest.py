"""One adc cache directory per test run, shared by every test."""
import os
import tempfile

os.environ.setdefault("ADC_CACHE_DIR", tempfile.mkdtemp(prefix="adc-test-cache-"))

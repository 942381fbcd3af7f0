"""The tokenizer's per-line work in Python, stdlib only (the PyFlink UDTF in spillway_udf.py wraps it).

Same rule as the Java job's Tokenizer and the Lambda handlers, held to lambda/testdata/vectors.json: lower-case the
line, split on runs of characters that are neither a Unicode letter nor a number, drop empties. In Python's ``re``,
``[\\W_]+`` is exactly ``[^\\p{L}\\p{N}]+`` (lambda/python/test_handler.py checks that over every code point).
"""

import re
import time

_SEPARATORS = re.compile(r"[\W_]+")


def tokenize(text):
    if not text:
        return []
    return [s for s in _SEPARATORS.split(text.lower()) if s]


def burn(micros):
    """cpu mode: spin for the record's simulated CPU cost, as the Java tokenizer does."""
    if micros <= 0:
        return
    end = time.perf_counter_ns() + int(micros) * 1000
    while time.perf_counter_ns() < end:
        pass


def process(text, work_us, wait_ms):
    """One line's work: the wait (wait mode, drawn by the Java side) or the spin, then tokenizing.

    Returns (token count, service time in ns). The time covers the work and the tokenizing, not the transport
    between Flink and this worker, as LocalTokenizer times its own work.
    """
    t0 = time.perf_counter_ns()
    if wait_ms and wait_ms > 0:
        time.sleep(wait_ms / 1000.0)
    else:
        burn(work_us or 0)
    n = len(tokenize(text))
    return n, time.perf_counter_ns() - t0

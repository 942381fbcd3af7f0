"""pytest for the PyFlink tokenizer's per-line work (src/main/resources/python/spillway_tokenizer.py), on the vectors
the Java job and the Lambda handlers are held to."""

import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "main", "resources", "python"))
import spillway_tokenizer as t  # noqa: E402

with open(os.path.join(HERE, "..", "..", "..", "..", "lambda", "testdata", "vectors.json"), encoding="utf-8") as _f:
    VECTORS = json.load(_f)


@pytest.mark.parametrize("case", VECTORS["tokenize"], ids=lambda c: c["name"])
def test_tokenize_vectors(case):
    assert t.tokenize(case["text"]) == case["tokens"]


@pytest.mark.parametrize("case", VECTORS["tokenize"], ids=lambda c: c["name"])
def test_process_counts_the_vector_tokens(case):
    n, ns = t.process(case["text"], 0, 0.0)
    assert n == len(case["tokens"])
    assert ns >= 0


def test_empty_and_missing_text_have_no_tokens():
    assert t.tokenize("") == []
    assert t.tokenize(None) == []


def test_wait_mode_sleeps_the_drawn_time_and_spins_nothing(monkeypatch):
    slept, burned = [], []
    monkeypatch.setattr(t.time, "sleep", lambda s: slept.append(s))
    monkeypatch.setattr(t, "burn", lambda us: burned.append(us))
    assert t.process("a b c", 250, 12.5)[0] == 3
    assert slept == [0.0125]
    assert burned == []


def test_cpu_mode_spins_the_work_and_does_not_sleep(monkeypatch):
    slept, burned = [], []
    monkeypatch.setattr(t.time, "sleep", lambda s: slept.append(s))
    monkeypatch.setattr(t, "burn", lambda us: burned.append(us))
    assert t.process("x", 250, 0.0)[0] == 1
    assert slept == []
    assert burned == [250]


def test_service_time_covers_the_spin():
    # 2 ms of spin: the measured time is at least that (a lower bound only, never a timing upper bound)
    assert t.process("a", 2000, 0.0)[1] >= 2_000_000

"""pytest for the Python offload function, on the vectors shared with the Node handler and the Java job."""

import json
import os
import re
import sys
import unicodedata

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import handler as h  # noqa: E402

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "vectors.json"),
          encoding="utf-8") as _f:
    VECTORS = json.load(_f)


@pytest.mark.parametrize("case", VECTORS["tokenize"], ids=lambda c: c["name"])
def test_tokenize_vectors(case):
    assert h.tokenize(case["text"]) == case["tokens"]


@pytest.mark.parametrize("case", VECTORS["parse_filter"], ids=lambda c: c["name"])
def test_parse_filter_vectors(case):
    assert h.parse_filter(case["records"], case["keep"], case["project"]) == case["out"]


@pytest.mark.parametrize("case", VECTORS["window_count"], ids=lambda c: c["name"])
def test_window_count_vectors(case):
    assert h.window_count(case["records"], case["window_ms"]) == case["partials"]


@pytest.mark.parametrize("case", VECTORS["window_sum"], ids=lambda c: c["name"])
def test_window_sum_vectors(case):
    assert h.window_sum(case["records"], case["window_ms"]) == case["partials"]


@pytest.mark.parametrize("case", VECTORS["invalid"], ids=lambda c: c["name"])
def test_invalid_payloads_raise(case):
    with pytest.raises(ValueError):
        h.handler(case["event"], None)


def test_separator_class_equals_not_letter_or_number():
    # [\W_] must match exactly the code points outside L* and N*, or Python would disagree with Node/Java.
    sep = re.compile(r"[\W_]")
    mismatches = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        is_sep = sep.match(ch) is not None
        letter_or_number = unicodedata.category(ch)[0] in ("L", "N")
        if is_sep == letter_or_number:
            mismatches.append(hex(cp))
    assert mismatches == []


def test_handler_tokenize_response_shape_and_cold_then_warm():
    # 1,000 us of emulated CPU per record, two records: duration_ms must count at least those 2 ms.
    event = {"op": "tokenize", "work_us_per_record": 1000,
             "records": [{"seq": 1, "t": 1000, "text": "Hello, World"}, {"seq": 2, "t": 1001, "text": ""}]}
    first = h.handler(event, None)
    second = h.handler(event, None)
    assert first["records"] == [{"seq": 1, "t": 1000, "tokens": ["hello", "world"]},
                                {"seq": 2, "t": 1001, "tokens": []}]
    assert first["env"] == second["env"] == h.ENV_ID
    # The module may already have been invoked by another test; only the very first call is cold.
    assert second["cold"] is False and "init_ms" not in second
    if first["cold"]:
        assert first["init_ms"] >= 0
    assert first["duration_ms"] >= 2.0 and second["duration_ms"] >= 2.0


def test_handler_window_count_response():
    event = {"op": "window_count", "window_ms": 1000,
             "records": [{"seq": 1, "t": 10, "key": "a"}, {"seq": 2, "t": 20, "key": "a"}]}
    out = h.handler(event, None)
    assert out["partials"] == [{"window_start": 0, "key": "a", "count": 2}]


def test_handler_window_sum_response():
    # hand-computed: 3 + 40 in window [0, 1000) for key a, 5 in [1000, 2000)
    event = {"op": "window_sum", "window_ms": 1000,
             "records": [{"seq": 1, "t": 10, "key": "a", "value": 3}, {"seq": 2, "t": 1010, "key": "a", "value": 5},
                         {"seq": 3, "t": 999, "key": "a", "value": 40}]}
    out = h.handler(event, None)
    assert out["partials"] == [{"window_start": 0, "key": "a", "count": 2, "sum": 43},
                               {"window_start": 1000, "key": "a", "count": 1, "sum": 5}]
    with pytest.raises(ValueError, match=r"records\[0\]\.value must be an integer"):
        h.handler({"op": "window_sum", "window_ms": 1000, "records": [{"seq": 1, "t": 0, "key": "a", "value": True}]}, None)
    assert set(out) >= {"partials", "env", "cold", "duration_ms"}


def test_wait_mode_sleeps_the_batch_service_time_and_spins_nothing(monkeypatch):
    slept = []
    burned = []
    monkeypatch.setattr(h.time, "sleep", lambda s: slept.append(s))
    monkeypatch.setattr(h, "burn_cpu", lambda us: burned.append(us))
    event = {"op": "tokenize", "work_us_per_record": 0, "wait_ms": 12.5,
             "records": [{"seq": 1, "t": 1, "text": "a b"}]}
    out = h.handler(event, None)
    assert slept == [0.0125]
    assert burned == [0]
    assert out["records"] == [{"seq": 1, "t": 1, "tokens": ["a", "b"]}]


def test_cpu_mode_does_not_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr(h.time, "sleep", lambda s: slept.append(s))
    h.handler({"op": "tokenize", "work_us_per_record": 1, "records": [{"seq": 1, "t": 1, "text": "a"}]}, None)
    assert slept == []

"""The offload function in Python (runtime python3.12, handler ``handler.handler``), stdlib only.

Same contract and rules as the Node handler (lambda/node/src/ops.ts) and the Java job; all three are held to
lambda/testdata/vectors.json.

Tokenizer: lower-case the line (``str.lower()``, locale-independent), split on runs of characters that are
neither a Unicode letter (L*) nor a number (N*), drop empties. In Python's ``re`` a ``\\w`` character is one for
which ``str.isalnum()`` holds, plus ``_``; so ``[\\W_]+`` is exactly ``[^\\p{L}\\p{N}]+`` (test_handler.py checks
this over every code point).
"""

import json
import os
import re
import time
import uuid

_SEPARATORS = re.compile(r"[\W_]+")


def _process_age_ms():
    """Milliseconds since this process started (Linux /proc), so init covers interpreter start-up too."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat; index 19 after "pid (comm)"
        with open("/proc/uptime", "rb") as f:
            uptime_s = float(f.read().split()[0])
        return max(0.0, (uptime_s - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000.0)
    except (OSError, ValueError, IndexError):
        return None


_MODULE_T0 = time.perf_counter()
# Module scope runs once per execution environment: its identity and how long its init took.
ENV_ID = str(uuid.uuid4())
_age = _process_age_ms()
INIT_MS = round(_age if _age is not None else (time.perf_counter() - _MODULE_T0) * 1000.0, 3)
_invocations = 0


def tokenize(text):
    return [s for s in _SEPARATORS.split(text.lower()) if s]


def window_start(t, window_ms):
    """Start of the tumbling window holding t (floors negative times too)."""
    return t - (t % window_ms)


def window_count(records, window_ms):
    """Partial counts per (window, key), in order of first occurrence of each pair."""
    return _partials(records, window_ms, with_sum=False)


def window_sum(records, window_ms):
    """Partial sums of the records' values (with the pair's count) per (window, key), in window_count's order."""
    return _partials(records, window_ms, with_sum=True)


def _partials(records, window_ms, with_sum):
    """One pass for both: a count per (window, key) and, with with_sum, the sum of the records' values."""
    partials = {}
    for r in records:
        pair = (window_start(r["t"], window_ms), r["key"])
        p = partials.get(pair)
        if p is None:
            p = partials[pair] = {"window_start": pair[0], "key": pair[1], "count": 0, **({"sum": 0} if with_sum else {})}
        p["count"] += 1
        if with_sum:
            p["sum"] += r["value"]
    return list(partials.values())


def burn_cpu(microseconds):
    """Emulate the operator's CPU cost by spinning, so the environment's CPU is really busy."""
    if microseconds <= 0:
        return
    end = time.perf_counter_ns() + int(round(microseconds * 1000))
    while time.perf_counter_ns() < end:
        pass


def hold(milliseconds):
    """Wait mode: the batch's service time passes asleep, leaving the environment's CPU free."""
    if milliseconds > 0:
        time.sleep(milliseconds / 1000.0)


def _fail(what):
    raise ValueError("invalid payload: " + what)


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool) and abs(v) <= 2**53 - 1


def _is_number(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool)
            and v == v and v not in (float("inf"), float("-inf")))


def _check_base(r, i):
    if not isinstance(r, dict):
        _fail("records[%d] is not an object" % i)
    if not _is_int(r.get("seq")):
        _fail("records[%d].seq must be an integer" % i)
    if not _is_number(r.get("t")):
        _fail("records[%d].t must be a finite number" % i)


def parse_request(event):
    """Validate an untrusted event; raise ValueError naming the first problem."""
    if not isinstance(event, dict):
        _fail("event must be a JSON object")
    work = event.get("work_us_per_record", 0)
    if work is None:
        work = 0
    if not _is_number(work) or work < 0:
        _fail("work_us_per_record must be a number >= 0")
    wait_ms = event.get("wait_ms", 0)
    if wait_ms is None:
        wait_ms = 0
    if not _is_number(wait_ms) or wait_ms < 0:
        _fail("wait_ms must be a number >= 0")
    records = event.get("records")
    if not isinstance(records, list):
        _fail("records must be an array")
    op = event.get("op")
    if op == "tokenize":
        for i, r in enumerate(records):
            _check_base(r, i)
            if not isinstance(r.get("text"), str):
                _fail("records[%d].text must be a string" % i)
        return {"op": op, "work": work, "wait_ms": wait_ms, "records": records}
    if op in ("window_count", "window_sum"):
        w = event.get("window_ms")
        if not _is_int(w) or w <= 0:
            _fail("window_ms must be a positive integer")
        for i, r in enumerate(records):
            _check_base(r, i)
            if not isinstance(r.get("key"), str):
                _fail("records[%d].key must be a string" % i)
            if op == "window_sum" and not _is_int(r.get("value")):
                _fail("records[%d].value must be an integer" % i)
        return {"op": op, "work": work, "wait_ms": wait_ms, "records": records, "window_ms": w}
    if op == "parse_filter":
        keep = event.get("keep") or {}
        if not isinstance(keep, dict) or not all(isinstance(v, str) for v in keep.values()):
            _fail("keep must map field names to strings")
        project = event.get("project")
        if not isinstance(project, list) or not all(isinstance(f, str) for f in project):
            _fail("project must be an array of field names")
        for i, r in enumerate(records):
            _check_base(r, i)
            if not isinstance(r.get("text"), str):
                _fail("records[%d].text must be a string" % i)
        return {"op": op, "work": work, "wait_ms": wait_ms, "records": records, "keep": keep, "project": project}
    raise ValueError("unknown op: %r" % (op,))


def _as_text(v):
    if v is None:
        return None
    return v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))


def parse_filter(records, keep, project):
    """Parse raw JSON events, keep those whose `keep` fields equal their values (as text), project fields (as text)."""
    out = []
    for r in records:
        ev = json.loads(r["text"])
        if not isinstance(ev, dict):
            raise ValueError("record %d: text is not a JSON object" % r["seq"])
        if not all(_as_text(ev.get(k)) == v for k, v in keep.items()):
            continue
        out.append({"seq": r["seq"], "t": r["t"], "fields": {f: _as_text(ev.get(f)) for f in project}})
    return out


def run_op(req):
    if req["op"] == "tokenize":
        out = []
        for r in req["records"]:
            burn_cpu(req["work"])
            out.append({"seq": r["seq"], "t": r["t"], "tokens": tokenize(r["text"])})
        return {"records": out}
    if req["op"] == "parse_filter":
        for _ in req["records"]:
            burn_cpu(req["work"])
        return {"records": parse_filter(req["records"], req["keep"], req["project"])}
    for _ in req["records"]:
        burn_cpu(req["work"])
    if req["op"] == "window_sum":
        return {"partials": window_sum(req["records"], req["window_ms"])}
    return {"partials": window_count(req["records"], req["window_ms"])}


def handler(event, context=None):
    global _invocations
    started = time.perf_counter()
    cold = _invocations == 0
    _invocations += 1
    req = parse_request(event)
    hold(req["wait_ms"])
    result = run_op(req)
    result["env"] = ENV_ID
    result["cold"] = cold
    if cold:
        result["init_ms"] = INIT_MS
    result["duration_ms"] = round((time.perf_counter() - started) * 1000.0, 3)
    return result

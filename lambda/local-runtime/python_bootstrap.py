"""Local stand-in for the Lambda Python runtime, one process per execution environment.

Started by the Spillway invoke server (src/endpoint). Protocol: one JSON message per line, requests on
stdin, replies on the original stdout; the handler's own prints go to stderr (the server keeps them as logs).
argv: <code dir> <handler setting, e.g. "handler.handler">
"""

import importlib
import io
import json
import os
import resource
import sys
import time
import traceback

code_dir, handler_setting = sys.argv[1], sys.argv[2]
module_name, _, function_name = handler_setting.rpartition(".")

_out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
_stderr = sys.stderr
sys.stdout = sys.stderr  # handler prints become log lines, never protocol lines


def send(msg):
    _out.write(json.dumps(msg) + "\n")
    _out.flush()


def max_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def error_fields(exc, request_id=None):
    fields = {"errorMessage": str(exc), "errorType": type(exc).__name__,
              "stackTrace": traceback.format_tb(exc.__traceback__)}
    if request_id is not None:
        fields["requestId"] = request_id
    return fields


class Context:
    def __init__(self, msg):
        self.aws_request_id = msg["requestId"]
        self.function_name = msg["functionName"]
        self.function_version = msg["functionVersion"]
        self.invoked_function_arn = msg["functionArn"]
        self.memory_limit_in_mb = str(msg["memoryMb"])
        self._deadline = time.time() + msg["timeoutMs"] / 1000.0

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.time()) * 1000))


try:
    sys.path.insert(0, code_dir)
    fn = getattr(importlib.import_module(module_name), function_name)
except Exception as exc:  # noqa: BLE001 - any init failure is reported like Lambda does
    fields = error_fields(exc)
    fields["errorType"] = "Runtime.ImportModuleError"
    send(dict(type="init_error", **fields))
    sys.exit(1)

send({"type": "ready"})
for line in sys.stdin:  # EOF (server gone) ends the environment
    msg = json.loads(line)
    if msg.get("type") != "invoke":
        continue
    # Capture this invocation's output so its log tail holds exactly its own lines.
    buf = io.StringIO()
    sys.stdout = sys.stderr = buf
    try:
        out = fn(json.loads(msg["payload"]), Context(msg))
        reply = {"type": "result", "id": msg["id"], "ok": True, "body": json.dumps(out)}
    except Exception as exc:  # noqa: BLE001
        fields = error_fields(exc, msg["requestId"])
        print("[ERROR] %s: %s" % (fields["errorType"], fields["errorMessage"]))
        reply = dict(type="result", id=msg["id"], ok=False, **fields)
    finally:
        sys.stdout = sys.stderr = _stderr
    reply["maxRssBytes"] = max_rss_bytes()
    reply["logs"] = [line for line in buf.getvalue().split("\n") if line]
    send(reply)

#!/usr/bin/env bash
# Creates (once) the Python environment the job's Python tokenizer runs in: a venv with apache-flink pinned to the
# job's Flink version (flink-validate/python-requirements.txt). Idempotent: an existing venv with that PyFlink is kept.
#
#   bash flink-validate/setup-pyflink.sh     (or: npm run setup:pyflink)
#
# Environment: SPILLWAY_PYFLINK_VENV (default .venv-pyflink/ in the repository, git-ignored), PYTHON (default python3;
# PyFlink 2.3.0 has wheels for CPython 3.9-3.12).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SPILLWAY_PYFLINK_VENV:-$ROOT/.venv-pyflink}"
REQ="$ROOT/flink-validate/python-requirements.txt"
WANT="$(sed -n 's/^apache-flink==//p' "$REQ")"
have() { "$VENV/bin/python" -c 'import pyflink.version as v; print(v.__version__)' 2>/dev/null; }
if [ -x "$VENV/bin/python" ] && [ "$(have)" = "$WANT" ]; then
  echo "setup-pyflink: $VENV has apache-flink $WANT" >&2
  exit 0
fi
start=$(date +%s)
"${PYTHON:-python3}" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q -r "$REQ"
[ "$(have)" = "$WANT" ] || { echo "setup-pyflink: apache-flink $WANT did not import from $VENV" >&2; exit 1; }
echo "setup-pyflink: installed apache-flink $WANT into $VENV in $(( $(date +%s) - start )) s" >&2

#!/usr/bin/env bash
# One sweep through the simulator function on a fresh local Lambda endpoint: endpoint start, deploy, every
# environment cold. Time it whole (e.g. /usr/bin/time -v bench/sweep-lambda-cold.sh) against
# `node dist/src/cli/main.js sweep SWEEP --workers 2 --out "$(mktemp -d)" --no-report`. Needs `npm run build`.
# Usage: bench/sweep-lambda-cold.sh [SWEEP] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
sweep=${1:-bench/sweeps/tokenizer-slice.json}
concurrency=${2:-2}
cli="node dist/src/cli/main.js"
urlfile=$(mktemp)
out=$(mktemp -d)
$cli lambda serve --port 0 --function-name spillway-bench-unused >"$urlfile" 2>/dev/null &
serve=$!
trap 'kill "$serve" 2>/dev/null || true; rm -rf "$urlfile" "$out"' EXIT
for _ in $(seq 100); do [ -s "$urlfile" ] && break; sleep 0.1; done
url=$(head -1 "$urlfile")
$cli lambda deploy --simulator --function-name spillway-sweep --memory 1769 --timeout 900 --endpoint "$url" >/dev/null 2>&1
$cli sweep "$sweep" --executor lambda --function spillway-sweep --endpoint "$url" --concurrency "$concurrency" --out "$out" --no-report

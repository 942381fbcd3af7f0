#!/usr/bin/env bash
# Simulated window-result latency of the benchmark shapes, simulator only (no Flink): each shape as
# `spillway validate` mirrors it for the local MiniCluster (task_managers 1; the examples as a 30 s slice at a tenth
# of their rate, test/e2e/validate-window.json as it is), one run per seed. Prints: shape seed p50 p99 lost results.
# Usage: bench/tools/window-latency-sim.sh DIST SEED... (DIST: a built dist/, e.g. dist)
set -eu
dist=$(cd "$1" && pwd); shift
tmp=$(mktemp -d)
shapes=${SHAPES:-"examples/nexmark-q5-window.json test/e2e/validate-window.json examples/ysb.json examples/ysb-source-offload.json"}
for shape in $shapes; do
  name=$(basename "$shape" .json)
  python3 - "$shape" "$tmp/$name.json" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
d = json.load(open(src)); base = os.path.dirname(os.path.abspath(src))
w = d['workload']; w['trace'] = os.path.join(base, w['trace'])
if src.startswith('examples/'):
    d['duration_s'] = 30; w['rate_scale'] = w.get('rate_scale', 1) * 0.1
d.setdefault('network', {})['task_managers'] = 1
for o in d.get('offload', []): o['platform'] = os.path.join(base, o['platform'])
json.dump(d, open(dst, 'w'))
PY
  for s in "$@"; do
    out="$tmp/out-$name-$s"
    node "$dist/src/cli/main.js" simulate "$tmp/$name.json" --seed "$s" --no-report --out "$out" >/dev/null
    python3 -c "import json,sys;d=json.load(open(sys.argv[1]));l=d['latency_ms'];r=d['records'];print(sys.argv[2],sys.argv[3],l['p50'],l['p99'],r['lost'],r['results'])" "$out/summary.json" "$name" "$s"
  done
done
rm -rf "$tmp"

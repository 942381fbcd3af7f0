#!/usr/bin/env bash
# Run every example scenario (and the bench tandems) with two builds and diff their outputs byte for byte.
# Usage: bench/tools/same-outputs.sh BASE_DIST NEW_DIST [scenario ...]
# (each DIST is a built dist/ whose package has node_modules reachable). Exit 1 on any difference.
set -u
base=$1 new=$2; shift 2
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(examples/*.json examples/queues/*.json bench/scenarios/tandem-3.json bench/scenarios/tandem-3-open.json)
fi
tmp=$(mktemp -d)
mkdir -p "$tmp/base" "$tmp/new"
status=0
for f in "${files[@]}"; do
  name=$(basename "$f" .json)
  failed=""
  for side in base new; do
    dist=$base; [ $side = new ] && dist=$new
    node "$dist/src/cli/main.js" simulate "$f" --no-report --out "$tmp/$side/$name" >"$tmp/$side-$name.log" 2>&1 || failed="$failed $side"
  done
  if [ "$failed" = " base new" ] && cmp -s "$tmp/base-$name.log" "$tmp/new-$name.log"; then
    echo "$f: not run by either build (not a single scenario?): $(tail -1 "$tmp/new-$name.log")"; continue
  elif [ -n "$failed" ]; then
    echo "$f: FAILED in$failed: $(tail -1 "$tmp/new-$name.log")"; status=1; continue
  fi
  diffs=""
  for out in summary.json timeseries.csv latency.hdr latency_cdf.csv; do
    [ -e "$tmp/base/$name/$out" ] || [ -e "$tmp/new/$name/$out" ] || continue
    cmp -s "$tmp/base/$name/$out" "$tmp/new/$name/$out" || diffs="$diffs $out"
  done
  if [ -n "$diffs" ]; then echo "$f: DIFFERS:$diffs"; status=1; else echo "$f: identical"; fi
done
echo "outputs kept in $tmp"
exit $status

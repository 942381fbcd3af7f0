#!/usr/bin/env bash
# The docs/VALIDATION.md table "Measured: three traces": each trace x work mode, N repetitions of the real side and
# the simulator over N seeds (spillway validate --repeat), judged against the default tolerances (--report-only: the
# campaign reports, it does not stop at a FAIL). Usage: bench/validate-table.sh [OUT] [MODES] [REPEATS] [TRACES]
#   OUT      default out/validate-table
#   MODES    default "wait cpu"
#   REPEATS  default 5 (every trace; SPIKE_REPEATS caps the 100 s spike window when time is short)
#   TRACES   default "e2e nab spike"
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/validate-table}
modes=${2:-wait cpu}
n=${3:-5}
traces=${4:-e2e nab spike}
npm run -s build
s=test/e2e/validate-spike.json
run() { node dist/src/cli/main.js validate $s --work-mode "$mode" --report-only "$@"; }
for mode in $modes; do
  for t in $traces; do
    case $t in
      e2e) run --repeat "$n" --out "$out/e2e-$mode" ;;
      nab) run --trace test/e2e/nab-taxi-window.csv --duration 60 --repeat "$n" --out "$out/nab-$mode" ;;
      spike) run --trace test/e2e/spike-window.csv --rate-scale 0.15 --duration 100 --repeat "${SPIKE_REPEATS:-$n}" --out "$out/spike-$mode" ;;
    esac
  done
done

#!/usr/bin/env bash
# The docs/VALIDATION.md table "Measured: three traces": each trace x work mode, N repetitions of the real side and
# the simulator over N seeds (spillway validate --repeat), judged against the default tolerances (--report-only: the
# campaign reports, it does not stop at a FAIL). Usage: bench/validate-table.sh [OUT] [MODES] [REPEATS]
#   OUT      default out/validate-table
#   MODES    default "wait cpu"
#   REPEATS  default 5 (spike-window: at most 3, it is 100 s a run)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/validate-table}
modes=${2:-wait cpu}
n=${3:-5}
npm run -s build
s=test/e2e/validate-spike.json
for mode in $modes; do
  node dist/src/cli/main.js validate $s --work-mode "$mode" --repeat "$n" --report-only --out "$out/e2e-$mode"
  node dist/src/cli/main.js validate $s --trace test/e2e/nab-taxi-window.csv --duration 60 --work-mode "$mode" --repeat "$n" --report-only --out "$out/nab-$mode"
  node dist/src/cli/main.js validate $s --trace test/e2e/spike-window.csv --rate-scale 0.15 --duration 100 --work-mode "$mode" --repeat $(( n < 3 ? n : 3 )) --report-only --out "$out/spike-$mode"
done

#!/bin/sh
# Regenerate the trace library (run from the repository root after `npm run build`).
# SPILLWAY overrides the command, e.g. SPILLWAY="node dist/src/cli/main.js".
set -eu
S=${SPILLWAY:-node dist/src/cli/main.js}
NAB=${NAB:-../shared/data/nab}
$S trace gen steady --param rate=5000 --param duration_s=600 --seed 1 --out traces/steady.csv
$S trace gen step --param base=2000 --param level=8000 --param at_s=300 --param duration_s=600 --seed 1 --out traces/step.csv
$S trace gen spike --param base=2000 --param peak=12000 --param start_s=240 --param rise_s=10 --param hold_s=100 --param decay_s=10 --param duration_s=600 --seed 1 --out traces/spike.csv
$S trace gen spikes --param base=2000 --param peak=10000 --param every_s=180 --param jitter_s=20 --param peak_jitter=0.2 --param duration_s=1200 --seed 1 --out traces/spikes.csv
$S trace gen diurnal --param mean=5000 --param amplitude=0.6 --param period_s=600 --param noise=0.05 --param duration_s=1800 --seed 1 --out traces/diurnal.csv
$S trace gen mmpp --param rates=1000,4000,12000 --param sojourns_s=120,60,20 --param duration_s=1800 --seed 1 --out traces/mmpp.csv
$S trace gen nexmark --seed 1 --out traces/nexmark-rate.csv
$S trace gen nexmark --param first_rate=10000 --param next_rate=30000 --param shape=sine --param period_s=300 --param duration_s=600 --seed 1 --out traces/nexmark-sine.csv
$S trace gen ysb --param rate=5000 --param duration_s=240 --seed 1 --out traces/ysb-rate.csv
$S trace gen from-nab --param file=$NAB/Twitter_volume_AAPL.csv --param mean=2000 --param step_s=1 --param start_row=11500 --param rows=1200 --out traces/nab-twitter-aapl.csv
$S trace gen from-nab --param file=$NAB/elb_request_count_8c0756.csv --param mean=3000 --param step_s=1 --param start_row=1300 --param rows=1200 --out traces/nab-elb-requests.csv
$S trace gen from-nab --param file=$NAB/nyc_taxi.csv --param mean=5000 --param step_s=1 --param start_row=0 --param rows=672 --out traces/nab-nyc-taxi.csv
$S trace gen from-nab --param file=$NAB/Twitter_volume_AAPL.csv --param mean=150 --param step_s=300 --param start_row=7200 --param rows=288 --out traces/nab-aapl-day.csv
cp "$NAB/LICENSE.txt" traces/NAB-LICENSE.txt

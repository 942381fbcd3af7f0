#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless, top to bottom; exits non-zero on the first cell error.
#
#   bash notebooks/run-all.sh            (or: npm run test:notebooks)
#
# It creates (once) a Python venv with Jupyter's headless executor (nbconvert + nbclient, pinned) and installs the
# tslab TypeScript kernel (pinned) into the same directory, registers the kernel, builds the project (dist/), then
# runs each notebook with `jupyter nbconvert --to notebook --execute`. Executed copies go to out/notebooks/executed/.
# Everything it installs lives under $SPILLWAY_NB_VENV (default .venv-notebooks/, git-ignored).
#
# Environment: SPILLWAY_NB_VENV (tool dir), SPILLWAY_NB_TIMEOUT (per cell, s; default 300),
# SPILLWAY_NB_SKIP_BUILD=1 (dist/ is already built), PYTHON (default python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${SPILLWAY_NB_VENV:-$ROOT/.venv-notebooks}"
PYTHON="${PYTHON:-python3}"
CELL_TIMEOUT="${SPILLWAY_NB_TIMEOUT:-300}"
OUT="$ROOT/out/notebooks/executed"

# Pinned versions (checked on Node 20.20 / Python 3.11; see notebooks/README.md).
PIP_PINS=(nbconvert==7.17.2 nbclient==0.11.0 jupyter_client==8.10.0)
TSLAB_VERSION=1.0.22
KERNEL=spillway-tslab

start=$(date +%s)
say() { printf 'notebooks: %s\n' "$*" >&2; }

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("notebooks: need Node >= 20.19 (got "+process.versions.node+")"); process.exit(1) }'

# 1. Python side: the executor (no notebook UI; `pip install notebook` in the venv to open them interactively).
stamp="$VENV/.pins"
want="${PIP_PINS[*]} tslab@$TSLAB_VERSION"
if [[ ! -x "$VENV/bin/python" ]]; then
  say "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  say "installing ${PIP_PINS[*]}"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PIP_PINS[@]}"
  # 2. Node side: tslab (a Jupyter kernel for TypeScript) in its own prefix, not a project dependency.
  #    zeromq (its transport) ships prebuilt binaries for linux/darwin/win32 x64/arm64: no install script needed.
  say "installing tslab@$TSLAB_VERSION"
  mkdir -p "$VENV/node"
  [[ -f "$VENV/node/package.json" ]] || echo '{"name":"spillway-notebook-tools","private":true}' > "$VENV/node/package.json"
  (cd "$VENV/node" && npm install --silent --no-audit --no-fund --no-save "tslab@$TSLAB_VERSION")
  echo "$want" > "$stamp"
fi
TSLAB="$VENV/node/node_modules/.bin/tslab"
[[ -x "$TSLAB" ]] || { say "tslab missing at $TSLAB (delete $stamp and rerun)"; exit 1; }

# 3. Register the kernel. This is what `tslab install --sys-prefix` writes, except that the kernel starts in the
#    project root (tslab compiles cells with rootDir = its working directory, so the notebooks can import
#    ./src and read traces/ and examples/ by the same paths as the CLI), and it needs no IPython.
kdir="$VENV/share/jupyter/kernels/$KERNEL"
mkdir -p "$kdir"
"$VENV/bin/python" - "$kdir/kernel.json" "$ROOT" "$TSLAB" <<'PY'
import json, sys
path, root, tslab = sys.argv[1:4]
json.dump({
    "argv": ["/bin/sh", "-c", 'cd "$1" && exec "$2" kernel --config-path "$0"', "{connection_file}", root, tslab],
    "display_name": "TypeScript (Spillway)",
    "language": "typescript",
}, open(path, "w"), indent=1)
PY

# 4. The notebooks import the compiled API from dist/.
if [[ "${SPILLWAY_NB_SKIP_BUILD:-0}" != 1 ]]; then
  say "npm run build"
  npm run -s build
fi

# 5. Execute each notebook; nbconvert exits non-zero on a cell error (the error is printed).
mkdir -p "$OUT"
export JUPYTER_PLATFORM_DIRS=1
failed=0
for nb in "$ROOT"/notebooks/*.ipynb; do
  name="$(basename "$nb")"
  t0=$(date +%s)
  if "$VENV/bin/jupyter" nbconvert --to notebook --execute "$nb" --output-dir "$OUT" \
      --ExecutePreprocessor.kernel_name="$KERNEL" --ExecutePreprocessor.timeout="$CELL_TIMEOUT" \
      --log-level=ERROR; then
    say "ok   $name ($(( $(date +%s) - t0 )) s)"
  else
    say "FAIL $name"
    failed=1
    break
  fi
done
say "done in $(( $(date +%s) - start )) s; executed copies in ${OUT#$ROOT/}"
exit "$failed"

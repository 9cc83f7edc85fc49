#!/usr/bin/env bash
# How `make test` and `make smoke` run their stages (the Makefile calls this script; run it
# through make, which creates .venv first).
#
#   .ci/test-lanes.sh test      lint, unit tests, then two lanes side by side (below)
#   .ci/test-lanes.sh smoke N   the full profile proven on a CPU; N=2: its two halves side by
#                               side, N=1: one after the other
#
# Environment (the Makefile passes them): BIN (the virtual environment's bin folder),
# CELL_TIMEOUT (seconds a notebook cell may run), MAKE.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
CELL_TIMEOUT=${CELL_TIMEOUT:-1800}
MAKE=${MAKE:-make}
NBVAL=(--nbval-lax --nbval-current-env -p no:cacheprovider --timeout "$CELL_TIMEOUT")

# TensorFlow sizes its thread pools to every core, so two TensorFlow processes side by side
# ask for twice the cores and their waiting threads spin: together they get no more done
# than one (`python -m lowlight_utils.bench threads`, BENCHMARKS.md). Every process that
# runs beside another gets one thread.
one_thread() { TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 "$@"; }

# Run a command and print how long it took, keeping its exit status.
timed() {
  local label=$1 t0=$SECONDS status
  shift
  "$@"; status=$?
  echo "=== $label took $((SECONDS - t0)) s"
  return $status
}

# The full profile, proven on a CPU (LOWLIGHT_SMOKE=1: the full profile's sizes, networks
# and losses, but one epoch of two steps and two evaluation images). Runs and exported
# models go to a temporary folder, never mixed with real runs. Two independent halves:
#   presets: every report preset through the command line (train, evaluate, enhance) and
#            the LOL layout (tests/training/test_smoke.py), then the student editions of notebooks
#            01 and 06 executed with their answer cells untouched (tests/courseware/test_student.py);
#   chain:   notebooks 02-05 in order under nbval (05 scores the models 02-04 export).
SMOKE_TMP=""
smoke() {
  local lanes=${1:-2} tmp presets_status chain_status
  tmp=$(mktemp -d) || return 1
  SMOKE_TMP=$tmp
  trap 'rm -rf "$SMOKE_TMP"' EXIT  # of this shell, or of the lane's subshell in `test`
  export LOWLIGHT_PROFILE=full LOWLIGHT_SMOKE=1 LOWLIGHT_RUNS_DIR="$tmp/runs" \
    LOWLIGHT_MODELS_DIR="$tmp/runs/models"
  presets() { one_thread "$BIN/pytest" -p no:cacheprovider tests/training/test_smoke.py tests/courseware/test_student.py; }
  chain() { one_thread "$BIN/pytest" "${NBVAL[@]}" notebooks/0[2-5]_*.ipynb; }
  if [ "$lanes" = 1 ]; then
    chain; chain_status=$?
    presets; presets_status=$?
  else
    # The presets half writes to a log while the chain prints; the log follows it.
    presets > "$tmp/presets.log" 2>&1 & local pid=$!
    chain; chain_status=$?
    wait "$pid"; presets_status=$?
    echo "--- the presets and the student editions (run beside the above) ---"
    cat "$tmp/presets.log"
  fi
  [ "$presets_status" -eq 0 ] && [ "$chain_status" -eq 0 ]
}

# make test: lint and the unit tests first (the unit tests use both cores themselves); then
# two lanes side by side, one thread per process:
#   lane 1: notebooks 02-06 under nbval, quick profile;
#   lane 2: notebook 01 under nbval, quick profile, then the smoke's halves one after the
#           other.
# The lanes share nothing (the smoke's runs and models go to a temporary folder; notebook 01
# writes nothing the others read) and take about as long as each other. Notebook times
# printed here are one thread's on a shared CPU: `make notebooks` alone measures each
# notebook's 4-minute budget. nbval saves the executed notebooks to build/course/executed/,
# from which `make site` builds the site without running them again.
test_all() {
  local t0 log second_lane_status first_lane_status
  timed "make lint" "$MAKE" --no-print-directory lint || return 1
  timed "make unit" "$MAKE" --no-print-directory unit || return 1
  t0=$SECONDS
  log=$(mktemp) || return 1
  (
    one_thread timed "notebook 01" "$MAKE" --no-print-directory notebooks \
      NOTEBOOKS="notebooks/01_*.ipynb" && timed "make smoke" smoke 1
  ) > "$log" 2>&1 & local pid=$!
  one_thread timed "notebooks 02-06 (beside the other lane)" "$MAKE" --no-print-directory \
    notebooks NOTEBOOKS="notebooks/0[2-6]_*.ipynb"
  first_lane_status=$?
  wait "$pid"; second_lane_status=$?
  echo "--- notebook 01 and make smoke, run beside notebooks 02-06 ---"
  cat "$log"; rm -f "$log"
  echo "=== notebooks and smoke took $((SECONDS - t0)) s together"
  [ "$first_lane_status" -eq 0 ] && [ "$second_lane_status" -eq 0 ]
}

case "${1:-}" in
  test) test_all ;;
  smoke) timed "make smoke (full profile, LOWLIGHT_SMOKE=1)" smoke "${2:-2}" ;;
  *) echo "usage: $0 test | smoke [1|2]" >&2; exit 2 ;;
esac

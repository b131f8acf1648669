#!/usr/bin/env bash
# Runs two canon binaries over the same inputs and compares every output byte
# and every manifest, for changes that must not change what canon writes
# (refactors, speed work). Prints the count of files compared per set and
# exits 1 on the first set that differs.
#
#   scripts/compare-builds.sh BEFORE_BIN AFTER_BIN [EXTRA_INPUT_DIR...]
#
# Input sets: every file under fixtures/ (one run, so dedup sees them all),
# the seeds and evaluation sets in ../shared when present, and any extra
# directories given (a generated corpus: `cargo run --release --example
# gen_corpus -- DIR --mb 50`). Each set also runs with `--jobs 1` on the after build,
# since outputs must not depend on the thread count.
set -euo pipefail
cd "$(dirname "$0")/.."

before=$(realpath "$1")
after=$(realpath "$2")
shift 2

sets=("fixtures")
[ -d ../shared/seeds ] && sets+=("../shared/seeds")
[ -d ../shared/eval ] && sets+=("../shared/eval")
sets+=("$@")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for set in "${sets[@]}"; do
  name=$(echo "$set" | tr '/.' '__')
  "$before" clean "$set" --out "$work/$name.before" -q 2>"$work/$name.before.err" || true
  "$after" clean "$set" --out "$work/$name.after" -q 2>"$work/$name.after.err" || true
  "$after" clean "$set" --out "$work/$name.jobs1" -q --jobs 1 2>/dev/null || true
  # stderr is not compared: -q meant "no progress bar" before #20 and
  # "errors only" since, and every document's status is in the manifest.
  # run.json holds times and --jobs: not part of the corpus.
  files=$(find "$work/$name.before" -type f | wc -l)
  inputs=$(wc -l <"$work/$name.before/manifest.jsonl")
  if diff -r -q -x run.json -x report.html "$work/$name.before" "$work/$name.after" >"$work/$name.diff" \
    && diff -r -q -x run.json -x report.html "$work/$name.after" "$work/$name.jobs1" >/dev/null; then
    echo "same: $set ($inputs inputs, $files output files and manifest compared; --jobs 1 too)"
  else
    echo "DIFFERENT: $set ($files files)"
    head -20 "$work/$name.diff"
    tail -3 "$work/$name.before.err" "$work/$name.after.err" || true
    status=1
  fi
done
exit $status

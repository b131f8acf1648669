#!/usr/bin/env bash
# Exact-match score of each shipped --convert config on OpenCC's conversion suite
# (../shared/eval/opencc/cases.jsonl by default). An evaluation, not a test.
# Usage: scripts/eval-opencc.sh [-v] [CASES.jsonl]   (-v lists every failure)
set -euo pipefail
cd "$(dirname "$0")/.."
cases="../shared/eval/opencc/cases.jsonl"
args=()
for a in "$@"; do
  case "$a" in
    -v) args+=(-v) ;;
    *) cases="$a" ;;
  esac
done
if [ ! -f "$cases" ]; then
  echo "eval-opencc: $cases not found; nothing to evaluate" >&2
  exit 0
fi
cargo run --quiet --release --example eval_opencc -- "${args[@]}" "$cases"

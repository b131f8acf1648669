#!/usr/bin/env bash
# Detection accuracy on real files labelled by encoding (../shared/eval/encodings/real
# by default). An evaluation, not a test: prints per-group accuracy and every failure.
# Usage: scripts/eval-detect.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-../shared/eval/encodings/real}"
if [ ! -f "$dir/labels.tsv" ]; then
  echo "eval-detect: $dir/labels.tsv not found; nothing to evaluate" >&2
  exit 0
fi
cargo run --quiet --release --example eval_detect -- "$dir"

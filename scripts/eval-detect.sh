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
# Reference decodings for the labels encoding_rs has no decoder for, made by
# other implementations: glibc's iconv for EUC-TW and ISO-2022-KR, Python's
# codecs for HZ and UTF-32. A file whose reference cannot be made is reported
# as unchecked by the example, not as decoded exactly.
refs=$(mktemp -d)
trap 'rm -rf "$refs"' EXIT
python3 - "$dir" "$refs" <<'PY'
import os, subprocess, sys
root, out = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(root, "labels.tsv"), encoding="utf-8")][1:]
for path, expected, upstream, *_ in rows:
    data = open(os.path.join(root, path), "rb").read()
    text = None
    try:
        if expected == "-":
            text = subprocess.run(["iconv", "-f", "EUC-TW", "-t", "UTF-8"], input=data,
                                  capture_output=True, check=True).stdout.decode()
        elif expected == "replacement" and "hz" in upstream.lower():
            text = data.decode("hz")
        elif expected == "replacement":
            text = subprocess.run(["iconv", "-f", "ISO-2022-KR", "-t", "UTF-8"], input=data,
                                  capture_output=True, check=True).stdout.decode()
        elif expected in ("UTF-32LE", "UTF-32BE"):
            text = data.decode(expected.lower().replace("utf-32", "utf-32-"))
            text = text[1:] if text.startswith("\ufeff") else text
    except (subprocess.CalledProcessError, UnicodeDecodeError, FileNotFoundError) as e:
        print(f"eval-detect: no reference for {path}: {e}", file=sys.stderr)
    if text is not None:
        os.makedirs(os.path.dirname(os.path.join(out, path)), exist_ok=True)
        open(os.path.join(out, path), "w", encoding="utf-8", newline="").write(text)
PY
cargo run --quiet --release --example eval_detect -- "$dir" "$refs"

#!/usr/bin/env bash
# End-to-end benchmark: canon (all cores, then --jobs 1) and the reference
# Python pipeline (scripts/bench_reference.py) over the same deterministic
# corpus, then one large single document; prints MB/s, files/s, peak RSS
# and the ratios. Runs on a fresh machine with the Rust toolchain and
# python3 (with venv): the corpus is generated from the fixtures
# (examples/gen_corpus.rs) and the Python libraries are installed into a
# virtual environment under target/bench/ (a measuring stick, not a
# dependency of canon).
#
#   scripts/bench.sh [--mb N] [--single-mb N] [--no-python] [--canon BIN]
#
# CPU s is user + system time of all threads: on a machine others share,
# it moves less than wall-clock time does.
#
# --mb: corpus size (default 200); --single-mb: size of the one-document
# run (default 200, 0 skips it); --canon: measure another binary (say,
# /work/bin/canon-before) on the same corpus. Wall-clock figures on a
# shared machine are noisy: compare builds alternately in the same minutes,
# and count instructions (docs/BENCHMARKS.md) for the claims that matter.
set -euo pipefail
cd "$(dirname "$0")/.."

mb=200
single_mb=200
python=1
canon=target/release/canon
while [ $# -gt 0 ]; do
  case "$1" in
    --mb) mb=$2; shift 2 ;;
    --single-mb) single_mb=$2; shift 2 ;;
    --no-python) python=0; shift ;;
    --canon) canon=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

bench=target/bench
mkdir -p "$bench"
cargo build --release --quiet --bin canon --example gen_corpus

corpus=$bench/corpus-${mb}mb
if [ ! -f "$corpus.mix" ]; then
  rm -rf "$corpus"
  target/release/examples/gen_corpus "$corpus" --mb "$mb" >"$corpus.mix.tmp"
  mv "$corpus.mix.tmp" "$corpus.mix"
fi
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
files=$(find "$corpus" -type f | wc -l)

if [ "$python" = 1 ] && [ ! -x "$bench/venv/bin/python" ]; then
  python3 -m venv "$bench/venv"
  # Pinned, so that the stick does not change length between runs.
  "$bench/venv/bin/pip" install --quiet charset-normalizer==3.5.3 ftfy==6.3.1 \
    opencc==1.4.2 datasketch==2.0.0
fi

rows=()
# run LABEL INPUT_BYTES INPUT_FILES COMMAND...: times one run, keeps a table row.
run() {
  local label=$1 in_bytes=$2 in_files=$3
  shift 3
  rm -rf "$bench/out"
  /usr/bin/time -f '%e %M %U %S' -o "$bench/time" "$@" >/dev/null 2>"$bench/stderr" || {
    cat "$bench/stderr" >&2
    exit 1
  }
  read -r wall rss user sys <"$bench/time"
  local row
  row=$(awk -v l="$label" -v b="$in_bytes" -v f="$in_files" -v w="$wall" -v r="$rss" -v c="$user + $sys" 'BEGIN {
    split(c, t, " + "); cpu = t[1] + t[2]
    printf "| %s | %.1f | %.2f | %.2f | %.1f | %.2f | %d |", l, b / 1e6, w, b / 1e6 / w, f / w, cpu, r / 1024 }')
  rows+=("$row")
  echo "$row" >&2
  last_wall=$wall
  last_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
}

echo "corpus: $corpus, $files files, $((bytes / 1000000)) MB ($(head -1 "$corpus.mix"))" >&2
run "canon, all cores ($(nproc))" "$bytes" "$files" "$canon" clean "$corpus" --out "$bench/out" -q
canon_all=$last_wall
canon_all_cpu=$last_cpu
run "canon, --jobs 1" "$bytes" "$files" "$canon" clean "$corpus" --out "$bench/out" -q --jobs 1
canon_one=$last_wall
if [ "$python" = 1 ]; then
  run "Python reference, all cores" "$bytes" "$files" \
    "$bench/venv/bin/python" scripts/bench_reference.py "$corpus" "$bench/out"
  py_all=$last_wall
  py_all_cpu=$last_cpu
fi

if [ "$single_mb" != 0 ]; then
  # One large document: the corpus's UTF-8 files, joined until the size.
  single=$bench/single-${single_mb}mb.txt
  if [ ! -f "$single" ]; then
    python3 - "$corpus" "$single" "$single_mb" <<'EOF'
import os, sys
root, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
paths = sorted(os.path.join(d, n) for d, _, ns in os.walk(root) for n in ns)
chunks, size = [], 0
while size < mb * 1_000_000:
    for p in paths:
        data = open(p, "rb").read()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if data.startswith(b"\xef\xbb\xbf"):
            continue
        chunks.append(data)
        size += len(data)
        if size >= mb * 1_000_000:
            break
open(out + ".tmp", "wb").write(b"".join(chunks))
os.replace(out + ".tmp", out)
EOF
  fi
  sbytes=$(stat -c %s "$single")
  run "canon, one ${single_mb} MB document" "$sbytes" 1 \
    "$canon" clean "$single" --out "$bench/out" -q --max-file-size 1G
  single_rss=$(awk '{print $2 * 1024}' "$bench/time")
fi

echo
echo "| run | MB | wall s | MB/s | files/s | CPU s | peak RSS MB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
awk -v a="$canon_all" -v o="$canon_one" 'BEGIN { printf "canon all cores / --jobs 1: %.2fx\n", o / a }'
if [ "$python" = 1 ]; then
  awk -v a="$canon_all" -v p="$py_all" -v ac="$canon_all_cpu" -v pc="$py_all_cpu" 'BEGIN {
    printf "canon / Python reference (both all cores): %.1fx by wall-clock, %.1fx by CPU time\n", p / a, pc / ac }'
fi
if [ "$single_mb" != 0 ]; then
  awk -v r="$single_rss" -v b="$sbytes" 'BEGIN { printf "one document: peak RSS %.2fx its size\n", r / b }'
fi

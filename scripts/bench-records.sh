#!/usr/bin/env bash
# Throughput and peak memory of records against files, on the same texts.
#
#   scripts/bench-records.sh CANON_BIN [MB] [JOBS] [COPIES]
#
# Makes the benchmark corpus (examples/gen_corpus, MB megabytes), decodes it
# to UTF-8 with every text stage skipped (so both sides start from the same
# Unicode texts; decoding is the files' side only and is cheap next to the
# stages), writes those texts as one JSON Lines shard ({"id", "text"}), then
# cleans the directory and the shard with the same binary and flags and
# prints wall time, CPU time, MB/s and peak RSS for each (GNU time). A
# benchmark, not a test: the machine's load moves the figures, so each line
# also gives the load average as the run ended.
#
# With a Python that has pyarrow ($PYTHON, default python3), the same texts
# also go into one Parquet shard ({id, text}, pyarrow's defaults), cleaned
# likewise; and, when COPIES > 1, into a Parquet shard holding COPIES times
# the rows (the same records again), which is cleaned with --skip dedup
# beside the single shard, also with --skip dedup, to compare peak memory at
# the same record size.
set -euo pipefail
cd "$(dirname "$0")/.."
canon=$(realpath "$1")
mb=${2:-50}
jobs=${3:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo run --quiet --release --example gen_corpus -- "$work/raw" --mb "$mb" >/dev/null
"$canon" clean "$work/raw" --out "$work/texts" --quiet \
  --skip repair,normalize,convert,layout,dedup >/dev/null 2>&1 || true
rm -f "$work/texts/manifest.jsonl" "$work/texts/clusters.jsonl"
python3 - "$work/texts" "$work/shard.jsonl" <<'EOF'
import json, os, sys
root, out = sys.argv[1], sys.argv[2]
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
with open(out, "w", encoding="utf-8") as w:
    for p in paths:
        text = open(p, encoding="utf-8").read()
        w.write(json.dumps({"id": os.path.relpath(p, root), "text": text}, ensure_ascii=False) + "\n")
print(f"{len(paths)} texts, {os.path.getsize(out) / 1e6:.1f} MB as one shard", file=sys.stderr)
EOF
copies=${4:-1}
python=${PYTHON:-python3}
parquet=no
if "$python" -c "import pyarrow" 2>/dev/null; then
  parquet=yes
  "$python" - "$work/shard.jsonl" "$work" "$copies" <<'EOF'
import json, sys
import pyarrow as pa, pyarrow.parquet as pq
src, work, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [json.loads(l) for l in open(src, encoding="utf-8")]
table = pa.table({"id": [r["id"] for r in rows], "text": [r["text"] for r in rows]})
pq.write_table(table, f"{work}/shard.parquet")
if copies > 1:
    with pq.ParquetWriter(f"{work}/shard-x{copies}.parquet", table.schema) as w:
        for _ in range(copies):
            w.write_table(table)
EOF
else
  echo "no pyarrow in $python: Parquet left out" >&2
fi

run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$canon" clean "$@" --quiet --jobs "$jobs" \
    >/dev/null 2>"$work/stderr" || true
  read -r wall user sys rss <"$work/time"
  local bytes
  bytes=$(du -sb "$work/texts" | cut -f1)
  python3 -c "import sys; w,u,s,r,b=map(float,sys.argv[2:]); print(f'{sys.argv[1]:>8}: {w:6.2f} s wall, {u+s:6.2f} s CPU ({(u+s)/w:.2f} cores), {b/1e6/w:6.1f} MB/s, peak RSS {r/1024:.0f} MB')" \
    "$name" "$wall" "$user" "$sys" "$rss" "$bytes"
  echo "          load: $(cut -d' ' -f1-3 /proc/loadavg)"
  tail -1 "$work/stderr"
}
run files "$work/texts" --out "$work/out-files"
run records "$work/shard.jsonl" --out "$work/out-records"
if [ "$parquet" = yes ]; then
  run parquet "$work/shard.parquet" --out "$work/out-parquet"
  if [ "$copies" -gt 1 ]; then
    run "pq x1" "$work/shard.parquet" --out "$work/out-pq1" --skip dedup
    run "pq x$copies" "$work/shard-x$copies.parquet" --out "$work/out-pqn" --skip dedup
  fi
fi

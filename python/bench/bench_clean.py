"""clean_batch per core against the CLI per core, on the same documents.

    python3 python/bench/bench_clean.py CORPUS_DIR [--canon target/release/canon]

CPU seconds are measured (the CLI's by getrusage of the child, clean_batch's
by the process's CPU time with jobs=1), so other load on the machine does
not lower the figures; wall-clock is printed beside them. Two settings:
the default pipeline (the CLI also computes dedup signatures and decides
duplicates) and `--skip dedup` (the same per-document work on both sides).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pyarrow as pa

import canon


def cli_cpu(binary: str, corpus: Path, extra: list) -> tuple:
    out = Path(tempfile.mkdtemp(prefix="canon-bench-"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([binary, "clean", str(corpus), "--out", str(out), "--jobs", "1", "--quiet", *extra],
                   check=True, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shutil.rmtree(out)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def batch_cpu(array: pa.Array, skip: list) -> tuple:
    t, c = time.perf_counter(), time.process_time()
    table = canon.clean_batch(array, skip=skip, jobs=1)
    cpu, wall = time.process_time() - c, time.perf_counter() - t
    assert table.num_rows == len(array)
    return cpu, wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--canon", default=str(Path(__file__).resolve().parents[2] / "target/release/canon"))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    data = [p.read_bytes() for p in files]
    mb = sum(map(len, data)) / 1e6
    array = pa.array(data, type=pa.large_binary())
    results = {"documents": len(data), "mb": round(mb, 2)}
    for name, skip, extra in (("default", [], []), ("skip-dedup", ["dedup"], ["--skip", "dedup"])):
        cli = min(cli_cpu(args.canon, args.corpus, extra) for _ in range(args.repeat))
        py = min(batch_cpu(array, skip) for _ in range(args.repeat))
        results[name] = {
            "cli_cpu_s": round(cli[0], 2), "cli_wall_s": round(cli[1], 2),
            "cli_mb_per_cpu_s": round(mb / cli[0], 1),
            "clean_batch_cpu_s": round(py[0], 2), "clean_batch_wall_s": round(py[1], 2),
            "clean_batch_mb_per_cpu_s": round(mb / py[0], 1),
            "clean_batch_vs_cli": round(cli[0] / py[0], 3),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

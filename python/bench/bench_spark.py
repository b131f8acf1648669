"""Spark local[2] clean + dedup against the CLI, on one corpus, with where
the time goes.

    python3 python/bench/bench_spark.py CORPUS_DIR [--canon target/release/canon]

Steps, each timed wall-clock on a fresh read of the same Parquet file
(documents as raw bytes, id = the CLI's manifest path):

1. read + count: Spark's own cost of the input;
2. read + an identity mapInArrow: + Arrow transfer to the Python workers
   and back;
3. read + canon.spark.clean: + cleaning;
4. read + clean + dedup + write Parquet: the whole job;

and the CLI: `canon clean CORPUS --out OUT --jobs 2` (the same work on the
same 2 cores). Also checks that the survivors agree.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

import canon.spark  # noqa: E402


def timed(f):
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--canon", default=str(Path(__file__).resolve().parents[2] / "target/release/canon"))
    ap.add_argument("--partitions", type=int, default=8)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="canon-spark-bench-"))
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    ids = [p.relative_to(args.corpus).as_posix() for p in files]
    data = [p.read_bytes() for p in files]
    mb = sum(map(len, data)) / 1e6
    pq.write_table(pa.table({"id": ids, "text": pa.array(data, pa.binary())}), work / "in.parquet",
                   row_group_size=2000)
    del data

    cli_wall, _ = timed(lambda: subprocess.run(
        [args.canon, "clean", str(args.corpus), "--out", str(work / "cli"), "--jobs", "2", "--quiet"],
        check=True, capture_output=True))

    spark = (SparkSession.builder.master("local[2]").appName("canon-bench")
             .config("spark.ui.enabled", "false")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.memory", "4g")
             .config("spark.sql.shuffle.partitions", str(args.partitions))
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")

    def read():
        return spark.read.parquet(str(work / "in.parquet")).repartition(args.partitions)

    read().count()  # warm the JVM
    results = {"documents": len(ids), "mb": round(mb, 1), "cli_jobs2_wall_s": round(cli_wall, 1)}
    results["read_count_s"] = round(timed(lambda: read().count())[0], 1)

    def identity(batches):
        yield from batches

    df = read()
    results["arrow_roundtrip_s"] = round(timed(
        lambda: df.mapInArrow(identity, df.schema).write.format("noop").mode("overwrite").save())[0], 1)
    results["clean_s"] = round(timed(
        lambda: canon.spark.clean(read(), "text").write.format("noop").mode("overwrite").save())[0], 1)

    def whole():
        cleaned = canon.spark.clean(read(), "text").persist()
        t_clean = timed(lambda: cleaned.count())[0]
        t_dedup, out = timed(lambda: canon.spark.dedup(cleaned, "id", "text"))
        t_write = timed(lambda: out.write.mode("overwrite").parquet(str(work / "out")))[0]
        return t_clean, t_dedup, t_write, out

    total, (t_clean, t_dedup, t_write, out) = timed(whole)
    results.update({"spark_total_s": round(total, 1), "spark_clean_persist_s": round(t_clean, 1),
                    "spark_dedup_s": round(t_dedup, 1), "spark_write_s": round(t_write, 1)})
    survivors = {r["id"] for r in out.filter(F.col("text").isNotNull() & F.col("duplicate_of").isNull())
                 .select("id").collect()}
    cli_ok = set()
    for line in (work / "cli" / "manifest.jsonl").read_text().splitlines():
        e = json.loads(line)
        if e["status"] == "ok":
            cli_ok.add(e["path"])
    results["survivors_equal_cli"] = survivors == cli_ok
    results["survivors"] = len(survivors)
    results["load_average"] = os.getloadavg()
    spark.stop()
    shutil.rmtree(work)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Clean and dedup a directory of JSONL or Parquet shards with Spark, as
`canon clean` would, and write Parquet.

    spark-submit examples/spark_clean.py IN_DIR OUT_DIR [--id id] [--text text]
    python3 examples/spark_clean.py IN_DIR OUT_DIR --master 'local[2]'

IN_DIR holds `*.jsonl` (one JSON object per line) or `*.parquet` shards
with an id column and a text column (string, or binary for raw bytes in any
encoding). OUT_DIR/documents gets every document: its id, the cleaned text,
the metadata struct `canon` (the manifest's fields), `duplicate_of`,
`similarity`, `duplicate_kind`, `matched` and `boilerplate_found`. OUT_DIR/corpus gets
the survivors only (id and text). Needs `pip install './python[spark]'`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import canon.spark


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="directory of *.jsonl or *.parquet shards")
    ap.add_argument("output", help="directory to write Parquet into")
    ap.add_argument("--id", default="id", help="id column (the CLI's path: decides which copy survives)")
    ap.add_argument("--text", default="text", help="text column (string or binary)")
    ap.add_argument("--master", help="e.g. local[2] when run with plain python")
    ap.add_argument("--threshold", type=float, default=0.8, help="--near-threshold")
    ap.add_argument("--exact-only", action="store_true")
    ap.add_argument("--convert", default="t2s")
    ap.add_argument("--skip", action="append", default=[])
    ap.add_argument("--partitions", type=int, help="repartition the input into this many")
    args = ap.parse_args()

    builder = SparkSession.builder.appName("canon-clean")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()

    started = time.time()
    inp = Path(args.input)
    if any(inp.glob("*.parquet")):
        df = spark.read.parquet(str(inp))
    else:
        df = spark.read.json(str(inp))
    if args.partitions:
        df = df.repartition(args.partitions)
    df = df.select(F.col(args.id).cast("string").alias(args.id), args.text)

    cleaned = canon.spark.clean(df, args.text, skip=args.skip, convert=args.convert)
    result = canon.spark.dedup(
        cleaned, args.id, args.text, threshold=args.threshold, exact_only=args.exact_only
    )
    result.write.mode("overwrite").parquet(f"{args.output}/documents")
    survivors = result.filter(F.col(args.text).isNotNull() & F.col("duplicate_of").isNull())
    survivors.select(args.id, args.text).write.mode("overwrite").parquet(f"{args.output}/corpus")

    counts = result.groupBy(
        F.when(F.col("canon.binary"), "skipped")
        .when(F.col("duplicate_of").isNotNull(), "duplicate")
        .otherwise("ok")
        .alias("status")
    ).count()
    summary = {r["status"]: r["count"] for r in counts.collect()}
    print(f"canon-spark: {summary}; {time.time() - started:.1f} s")
    spark.stop()


if __name__ == "__main__":
    main()

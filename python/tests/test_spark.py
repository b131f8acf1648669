"""canon.spark in local mode against the real `canon` binary: texts,
metadata and duplicate decisions equal the manifest's, for 1, 3 and 8
partitions."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

import canon
from conftest import FIXTURES, run_cli_corpus
from gen_corpus import generate, write

os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
# Local mode only: nothing binds or talks beyond the loopback interface.
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

import canon.spark  # noqa: E402  (needs pyspark: the [spark] extra)
from pyspark.sql import SparkSession  # noqa: E402

PARTITIONS = [1, 3, 8]
GENERATED_DOCS = int(os.environ.get("CANON_TEST_DOCS", "20000"))


@pytest.fixture(scope="module")
def spark():
    session = (
        SparkSession.builder.master("local[2]")
        .appName("canon-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "3g")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "1000")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def run_spark(spark, docs: dict, partitions: int, **dedup_options) -> dict:
    spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    df = spark.createDataFrame(list(docs.items()), "id string, raw binary").repartition(partitions)
    assert df.rdd.getNumPartitions() == partitions
    cleaned = canon.spark.clean(df, "raw")
    out = canon.spark.dedup(cleaned, "id", "raw", **dedup_options)
    return {r["id"]: r for r in out.collect()}


def assert_equal_to_cli(rows: dict, entries: dict, out_dir: Path) -> dict:
    """Every field the manifest gives for a document, from Spark's columns;
    returns the count of each duplicate kind."""
    assert set(rows) == set(entries)
    kinds: dict = {}
    for path, e in entries.items():
        r = rows[path]
        meta = r["canon"]
        if e["status"] == "skipped":
            assert meta["binary"] and r["raw"] is None, path
            assert meta["warnings"] == e["warnings"], path
            assert r["duplicate_of"] is None and r["boilerplate_found"] is None, path
            continue
        text = r["raw"]
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == e["sha256"], path
        if e["status"] == "ok":
            assert (out_dir / path).read_bytes() == text.encode("utf-8"), path
        changes = {stage: dict(k) for stage, k in meta["changes"].items()}
        if r["duplicate_kind"]:
            changes.setdefault("dedup", {})[r["duplicate_kind"]] = 1
            kinds[r["duplicate_kind"]] = kinds.get(r["duplicate_kind"], 0) + 1
        if r["boilerplate_found"]:
            changes.setdefault("dedup", {})["boilerplate_found"] = r["boilerplate_found"]
            kinds["boilerplate"] = kinds.get("boilerplate", 0) + 1
        assert changes == e["changes"], path
        assert ("duplicate" if r["duplicate_of"] else "ok") == e["status"], path
        assert r["duplicate_of"] == e["duplicate_of"], path
        assert r["similarity"] == e["similarity"], path
        matched = r["matched"] and {"path": r["matched"]["id"], "similarity": r["matched"]["similarity"]}
        assert matched == e.get("matched"), path
        if matched:
            kinds["matched"] = kinds.get("matched", 0) + 1
        assert meta["encoding"] == e["encoding"], path
        assert meta["confidence"] == e["confidence"], path
        assert meta["script"] == e["script"], path
        assert meta["warnings"] == e["warnings"], path
        assert (meta["bytes_in"], meta["bytes_out"]) == (e["bytes_in"], e["bytes_out"]), path
        assert json.loads(meta["decode"]) == e["decode"], path
    return kinds


def read_tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_bad_options_fail_on_the_driver(spark):
    df = spark.createDataFrame([("a", "x")], "id string, text string")
    with pytest.raises(ValueError, match="unknown stage"):
        canon.spark.clean(df, skip=["nope"])
    with pytest.raises(ValueError, match=r"--near-threshold must be in \(0, 1\], got 0$"):
        canon.spark.dedup(df, "id", threshold=0.0)
    dup = spark.createDataFrame([("a", "x" * 40), ("a", "y" * 40)], "id string, text string")
    with pytest.raises(ValueError, match="not unique"):
        canon.spark.dedup(dup, "id")


def test_clean_keeps_other_columns_and_reads_strings(spark):
    seeds = sorted((FIXTURES / "seeds" / "input").glob("*.txt"))
    rows = [(p.name, p.read_bytes().decode("utf-8", "replace"), i) for i, p in enumerate(seeds)]
    df = spark.createDataFrame(rows, "id string, text string, n int")
    out = canon.spark.clean(df, skip="layout").collect()
    assert [r["n"] for r in out] == list(range(len(seeds)))
    for (name, text, _), r in zip(rows, out):
        doc = canon.clean(text, skip="layout")
        assert r["text"] == doc.text and r["canon"]["sha256"] == doc.sha256, name


@pytest.mark.parametrize("partitions", PARTITIONS)
def test_dedup_fixture_corpus_equals_cli(spark, canon_bin, tmp_path, partitions):
    corpus = FIXTURES / "dedup" / "corpus"
    entries = run_cli_corpus(canon_bin, [corpus], tmp_path / "out")
    rows = run_spark(spark, read_tree(corpus), partitions)
    kinds = assert_equal_to_cli(rows, entries, tmp_path / "out")
    assert kinds == {"exact": 1, "normalized": 2, "near": 5, "boilerplate": 3}


def test_matched_names_the_member_a_duplicate_was_decided_against(spark, canon_bin, tmp_path):
    """A copy of a near duplicate is removed for its key against that copy,
    which the near pass removes: the manifest's `matched` names it, and so
    must Spark's."""
    docs = read_tree(FIXTURES / "dedup" / "corpus")
    docs["a05-footer-copy.txt"] = docs["a05-footer.txt"]
    write(docs, tmp_path / "in")
    entries = run_cli_corpus(canon_bin, [tmp_path / "in"], tmp_path / "out")
    kinds = assert_equal_to_cli(run_spark(spark, docs, 3), entries, tmp_path / "out")
    assert kinds["matched"] == 1, kinds


def test_dedup_fixture_corpus_exact_only_and_low_threshold(spark, canon_bin, tmp_path):
    corpus = FIXTURES / "dedup" / "corpus"
    for options, flags in (
        ({"exact_only": True}, ["--exact-only"]),
        ({"threshold": 0.3}, ["--near-threshold", "0.3"]),
    ):
        out = tmp_path / "-".join(flags)
        entries = run_cli_corpus(canon_bin, [corpus], out, *flags)
        kinds = assert_equal_to_cli(run_spark(spark, read_tree(corpus), 3, **options), entries, out)
        if options.get("exact_only"):
            assert "near" not in kinds
        else:
            assert kinds["near"] >= 6


@pytest.fixture(scope="module")
def generated(canon_bin, tmp_path_factory):
    root = tmp_path_factory.mktemp("generated")
    docs = generate(GENERATED_DOCS)
    write(docs, root / "in")
    entries = run_cli_corpus(canon_bin, [root / "in"], root / "out")
    return docs, entries, root / "out"


@pytest.mark.parametrize("partitions", PARTITIONS)
def test_generated_corpus_equals_cli(spark, generated, partitions):
    docs, entries, out = generated
    assert len(docs) >= min(GENERATED_DOCS, 20000)
    kinds = assert_equal_to_cli(run_spark(spark, docs, partitions), entries, out)
    # The corpus plants every kind of duplicate, and boilerplate.
    assert kinds["exact"] > 100 and kinds["normalized"] > 50, kinds
    assert kinds["near"] > 300 and kinds["boilerplate"] > 100, kinds


def test_example_job_writes_the_clis_corpus(canon_bin, tmp_path):
    """examples/spark_clean.py on Parquet shards (raw bytes) of the dedup
    fixture corpus: the survivors and their texts are the CLI's output."""
    import subprocess

    import pyarrow as pa
    import pyarrow.parquet as pq

    corpus = FIXTURES / "dedup" / "corpus"
    docs = read_tree(corpus)
    shards = tmp_path / "shards"
    shards.mkdir()
    items = sorted(docs.items())
    for k in range(2):
        part = items[k::2]
        table = pa.table({"id": [i for i, _ in part], "text": pa.array([d for _, d in part], pa.binary())})
        pq.write_table(table, shards / f"part-{k}.parquet")
    entries = run_cli_corpus(canon_bin, [corpus], tmp_path / "cli")
    example = Path(__file__).resolve().parents[2] / "examples" / "spark_clean.py"
    proc = subprocess.run(
        [sys.executable, str(example), str(shards), str(tmp_path / "out"), "--master", "local[2]"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "canon-spark:" in proc.stdout
    import pyarrow.parquet as pq

    survivors = pq.read_table(tmp_path / "out" / "corpus").to_pylist()
    expected = {p: e for p, e in entries.items() if e["status"] == "ok"}
    assert sorted(r["id"] for r in survivors) == sorted(expected)
    for r in survivors:
        assert r["text"].encode("utf-8") == (tmp_path / "cli" / r["id"]).read_bytes(), r["id"]

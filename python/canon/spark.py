"""canon as Spark jobs: clean and dedup with the CLI's exact results.

Install with ``pip install ./python[spark]``. Both functions work on Arrow
batches through ``mapInArrow`` (no per-row Python objects) and call the
same Rust code as the ``canon`` binary.

:func:`clean` replaces a text column by its cleaned text and adds the
metadata struct (the manifest's fields).

:func:`dedup` decides duplicates as ``canon clean`` does over a corpus
sorted by id:

1. per document, the comparison key's hash, the MinHash signature and the
   LSH band keys (Rust, per Arrow batch);
2. exact duplicates: documents grouped by key hash;
3. near duplicates: band keys are exploded and grouped by Spark's shuffle,
   so documents that share no band never meet; within a bucket, members
   are ranked by id and paired with the bucket's first
   ``MAX_BUCKET_PAIRS`` members, the CLI's cap;
4. each candidate pair whose MinHash estimate is close enough to the
   threshold is verified by the true Jaccard of the two texts (the texts
   are joined to the pair), never by the estimate;
5. connected components of key groups and candidate pairs are found by
   label propagation; each component is decided by the library's own
   ``find_duplicates`` over its documents in id order, with the verified
   similarities. A component holds every bucket and key group its
   members belong to, so the answer is the one over the whole corpus,
   whatever the partitioning.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Optional, Union

import pyarrow as pa

from . import METADATA_COLUMN, MAX_BUCKET_PAIRS, _check_flag, _native, _skip_list

try:
    from pyspark.sql import DataFrame, Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import (
        ArrayType,
        BinaryType,
        BooleanType,
        DoubleType,
        IntegerType,
        LongType,
        MapType,
        StringType,
        StructField,
        StructType,
    )
except ImportError as e:  # pragma: no cover - depends on the install
    raise ImportError(
        "canon.spark needs pyspark: pip install './python[spark]'"
    ) from e

__all__ = ["clean", "dedup", "METADATA_SCHEMA"]

#: The Spark type of the metadata struct column.
METADATA_SCHEMA = StructType(
    [
        StructField("encoding", StringType()),
        StructField("confidence", DoubleType()),
        StructField("script", StringType()),
        StructField("changes", MapType(StringType(), MapType(StringType(), LongType()))),
        StructField("warnings", ArrayType(StringType())),
        StructField("binary", BooleanType()),
        StructField("bytes_in", LongType()),
        StructField("bytes_out", LongType()),
        StructField("sha256", StringType()),
        StructField("decode", StringType()),
    ]
)

_SIGNATURE_FIELDS = [
    StructField("key_hash", BinaryType()),
    StructField("ngram", IntegerType()),
    StructField("minhash", BinaryType()),
    StructField("bands", ArrayType(LongType())),
    StructField("fingerprint", BinaryType()),
]


def clean(
    df: DataFrame,
    text_col: str = "text",
    *,
    skip: Union[str, Iterable[str]] = (),
    convert: str = "t2s",
    keep_repeats: bool = False,
    meta_col: str = METADATA_COLUMN,
    jobs: int = 1,
) -> DataFrame:
    """Cleans ``text_col`` (string or binary: raw bytes in any encoding) in
    place and adds ``meta_col``, the metadata struct
    (:data:`METADATA_SCHEMA`), with the options of :func:`canon.clean`.

    The cleaned text is null for null or binary input. Each Python worker
    cleans its Arrow batches with ``jobs`` threads (1: Spark runs one task
    per core already). Raises ValueError with the CLI's message for a bad
    option, on the driver, before any task runs.
    """
    _check_flag("keep_repeats", keep_repeats)
    skip = _skip_list(skip)
    _native.check_options(skip, convert, keep_repeats)
    names = df.columns
    if text_col not in names:
        raise ValueError(f"no column {text_col!r} in {names}")
    if meta_col in names:
        raise ValueError(f"the DataFrame already has a column {meta_col!r}")
    text_index = names.index(text_col)
    fields = []
    for f in df.schema.fields:
        if f.name == text_col:
            if not isinstance(f.dataType, (StringType, BinaryType)):
                raise TypeError(f"{text_col} must be a string or binary column, not {f.dataType}")
            fields.append(StructField(text_col, StringType(), True))
        else:
            fields.append(f)
    fields.append(StructField(meta_col, METADATA_SCHEMA, True))
    schema = StructType(fields)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = _native.clean_array(
                batch.column(text_index), skip, convert, keep_repeats, jobs, meta_col
            )
            columns = list(batch.columns)
            columns[text_index] = out.column(0)
            columns.append(out.column(1))
            yield pa.RecordBatch.from_arrays(columns, names=names + [meta_col])

    return df.mapInArrow(run, schema)


def _signatures(df: DataFrame, id_col: str, text_col: str, threshold: float, jobs: int) -> DataFrame:
    """``df`` with the signature columns of :data:`_SIGNATURE_FIELDS`
    appended (nulls for documents that take no part)."""
    names = df.columns
    schema = StructType(list(df.schema.fields) + _SIGNATURE_FIELDS)
    out_names = names + [f.name for f in _SIGNATURE_FIELDS]

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            sig = _native.signature_batch(batch, id_col, text_col, threshold, jobs)
            yield pa.RecordBatch.from_arrays(list(batch.columns) + list(sig.columns), names=out_names)

    return df.mapInArrow(run, schema)


def _components(edges: DataFrame, max_iterations: int) -> DataFrame:
    """Connected components of an undirected edge list (``a``, ``b``):
    ``(v, comp)`` with ``comp`` the smallest vertex of ``v``'s component.
    Label propagation with pointer jumping; each round is checkpointed so
    the plan does not grow."""
    und = edges.select("a", "b").union(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    und = und.distinct().localCheckpoint()
    labels = und.groupBy(F.col("a").alias("v")).agg(F.least(F.min("b"), F.first("a")).alias("comp"))
    labels = labels.localCheckpoint()
    for _ in range(max_iterations):
        # Each vertex takes the smallest label among its neighbours' ...
        via_edges = und.join(labels, und.b == labels.v).select(F.col("a").alias("v"), F.col("comp"))
        step = via_edges.union(labels).groupBy("v").agg(F.min("comp").alias("comp"))
        # ... then jumps to its label's label.
        jump = step.alias("s").join(step.alias("t"), F.col("s.comp") == F.col("t.v"), "left").select(
            F.col("s.v").alias("v"),
            F.least(F.col("s.comp"), F.coalesce(F.col("t.comp"), F.col("s.comp"))).alias("comp"),
        )
        jump = jump.localCheckpoint()
        changed = jump.alias("n").join(labels.alias("o"), "v").filter(F.col("n.comp") != F.col("o.comp")).limit(1).count()
        labels = jump
        if changed == 0:
            return labels
    raise RuntimeError(f"connected components did not converge in {max_iterations} rounds")


def dedup(
    df: DataFrame,
    id_col: str,
    text_col: str = "text",
    threshold: float = 0.8,
    exact_only: bool = False,
    *,
    boilerplate: bool = True,
    jobs: int = 1,
    max_iterations: int = 100,
    stats: Optional[dict] = None,
) -> DataFrame:
    """Adds ``duplicate_of`` (the id of the surviving document this one
    duplicates, or null), ``similarity`` (1.0 for key matches, the verified
    Jaccard rounded to 4 decimals for near ones) and ``duplicate_kind``
    (``exact``, ``normalized`` or ``near``: the manifest's
    ``changes.dedup`` entry) and ``matched`` (the manifest's field: a
    struct of ``id`` and ``similarity`` naming the member the decision was
    made against when that is not the survivor, else null), as ``canon
    clean`` decides over the same
    documents named by ``id_col`` (ordered by its string value, as the CLI
    orders paths) with cleaned texts in ``text_col``.

    Documents whose text is null or empty take no part. Ids must be
    distinct. ``threshold`` and ``exact_only`` are ``--near-threshold`` and
    ``--exact-only``.

    ``stats``, if a dict, receives counts for costing a run (documents,
    band rows, candidate pairs, verified pairs, components, largest
    component); they cost extra Spark jobs.

    With ``boilerplate`` (default), also adds ``boilerplate_found``: the
    number of the document's lines that are boilerplate (short head or
    tail lines found in many surviving documents), the manifest's
    ``changes.dedup.boilerplate_found``; null for duplicates, binary
    documents and documents without any.
    """
    _check_flag("exact_only", exact_only)
    _native.check_threshold(float(threshold))
    threshold = float(threshold)
    names = df.columns
    for c in (id_col, text_col):
        if c not in names:
            raise ValueError(f"no column {c!r} in {names}")
    for c in ("duplicate_of", "similarity", "duplicate_kind", "matched", "boilerplate_found"):
        if c in names:
            raise ValueError(f"the DataFrame already has a column {c!r}")
    if not isinstance(df.schema[text_col].dataType, StringType):
        raise TypeError(f"{text_col} must be a string column (the cleaned text)")

    ided = df.withColumn("__canon_id", F.col(id_col).cast("string"))
    # Partitioned by id once: the joins that bring texts and signatures to
    # candidate pairs then shuffle only the pairs.
    sig = _signatures(ided, "__canon_id", text_col, threshold, jobs)
    sig = sig.repartition(F.col("__canon_id")).persist()
    try:
        bad = (
            sig.groupBy("__canon_id")
            .count()
            .filter("count > 1 OR __canon_id IS NULL")
            .limit(1)
            .collect()
        )
        if bad and bad[0][0] is None:
            raise ValueError(f"{id_col} is null for some documents")
        if bad:
            raise ValueError(f"document id {bad[0][0]!r} is not unique")
        decisions = _decide(sig, text_col, threshold, exact_only, max_iterations, jobs, stats)
        matched = F.when(
            F.col("matched_id").isNotNull(),
            F.struct(F.col("matched_id").alias("id"), F.col("matched_similarity").alias("similarity")),
        ).alias("matched")
        result = sig.join(
            decisions.withColumnRenamed("id", "__canon_id"), "__canon_id", "left"
        ).select(
            *[F.col(c) for c in names], "__canon_id", "duplicate_of", "similarity", "duplicate_kind", matched
        )
        result = result.localCheckpoint()
        if boilerplate:
            result = _boilerplate(result, text_col, jobs).localCheckpoint()
        return result.drop("__canon_id")
    finally:
        sig.unpersist()


def _decide(
    sig: DataFrame,
    text_col: str,
    threshold: float,
    exact_only: bool,
    max_iterations: int,
    jobs: int,
    stats: Optional[dict],
) -> DataFrame:
    docs = sig.filter(F.col("key_hash").isNotNull()).select(
        F.col("__canon_id").alias("id"), "key_hash", "ngram", "minhash", "bands", "fingerprint"
    )
    # Exact: the first id of each key group survives the key pass (the
    # window moves only what the next steps need, not the MinHash).
    first = docs.select("id", "key_hash", "ngram", "bands").withColumn(
        "first", F.min("id").over(Window.partitionBy("key_hash"))
    )
    key_edges = first.filter(F.col("id") != F.col("first")).select(
        F.col("first").alias("a"), F.col("id").alias("b")
    )
    edges = key_edges.withColumn("sim", F.lit(None).cast("double"))
    if not exact_only:
        survivors = first.filter((F.col("id") == F.col("first")) & (F.col("ngram") > 0))
        members = survivors.select("id", F.posexplode("bands").alias("band", "key"))
        bucket = Window.partitionBy("band", "key")
        members = members.withColumn("size", F.count("*").over(bucket)).filter("size > 1")
        members = members.withColumn("pos", F.row_number().over(bucket.orderBy("id")))
        heads = members.filter(F.col("pos") <= MAX_BUCKET_PAIRS).select(
            "band", "key", F.col("id").alias("a"), F.col("pos").alias("hpos")
        )
        pairs = (
            members.join(heads, ["band", "key"])
            .filter(F.col("hpos") < F.col("pos"))
            .select("a", F.col("id").alias("b"))
            .distinct()
        )
        verified = _verify(pairs, sig, text_col, threshold, jobs)
        edges = edges.unionByName(verified)
        if stats is not None:
            stats["band_rows"] = survivors.select(F.explode("bands")).count()
            stats["bucket_members"] = members.count()
            stats["candidate_pairs"] = pairs.count()
    edges = edges.localCheckpoint()
    if stats is not None:
        stats["documents"] = docs.count()
        stats["key_duplicates"] = key_edges.count()
        stats["verified_pairs"] = edges.filter(F.col("sim").isNotNull()).count()
    if edges.limit(1).count() == 0:
        return _empty_decisions(sig)
    comps = _components(edges.select("a", "b"), max_iterations)
    if stats is not None:
        sizes = comps.groupBy("comp").count()
        stats["components"] = sizes.count()
        stats["largest_component"] = sizes.agg(F.max("count")).collect()[0][0]
    comp_docs = (
        docs.join(comps, docs.id == comps.v)
        .groupBy("comp")
        .agg(F.collect_list(F.struct("id", "key_hash", "ngram", "minhash", "fingerprint")).alias("docs"))
    )
    comp_pairs = (
        edges.join(comps, edges.a == comps.v)
        .groupBy("comp")
        .agg(F.collect_list(F.struct("a", "b", "sim")).alias("pairs"))
    )
    grouped = comp_docs.join(comp_pairs, "comp", "left").select("docs", "pairs")
    out_schema = StructType(
        [
            StructField("id", StringType()),
            StructField("duplicate_of", StringType()),
            StructField("similarity", DoubleType()),
            StructField("duplicate_kind", StringType()),
            StructField("matched_id", StringType()),
            StructField("matched_similarity", DoubleType()),
        ]
    )

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = _native.decide_batch(batch, threshold, exact_only)
            yield pa.RecordBatch.from_arrays(list(out.columns), names=[f.name for f in out_schema.fields])

    return grouped.mapInArrow(run, out_schema)


def _empty_decisions(sig: DataFrame) -> DataFrame:
    spark = sig.sparkSession
    return spark.createDataFrame(
        [],
        "id string, duplicate_of string, similarity double, duplicate_kind string, "
        "matched_id string, matched_similarity double",
    )


def _verify(pairs: DataFrame, sig: DataFrame, text_col: str, threshold: float, jobs: int) -> DataFrame:
    """(``a``, ``b``, ``sim``): every candidate pair, with the true Jaccard
    where the MinHash estimate makes ``find_duplicates`` verify it (null
    elsewhere). Each pair is joined to its two texts and signatures: only
    candidates' texts move."""

    def side(p: str) -> DataFrame:
        return sig.filter(F.col("key_hash").isNotNull()).select(
            F.col("__canon_id").alias(p),
            F.col(text_col).alias(f"{p}_text"),
            F.col("minhash").alias(f"{p}_minhash"),
            F.col("ngram").alias(f"{p}_ngram"),
        )

    joined = pairs.join(side("a"), "a").join(side("b"), "b").select(
        "a", "b", "a_text", "b_text", "a_minhash", "b_minhash", "a_ngram", "b_ngram"
    )
    schema = StructType(
        [StructField("a", StringType()), StructField("b", StringType()), StructField("sim", DoubleType())]
    )

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = _native.verify_batch(batch, threshold, jobs)
            yield pa.RecordBatch.from_arrays(list(out.columns), names=["a", "b", "sim"])

    return joined.mapInArrow(run, schema)


def _boilerplate(result: DataFrame, text_col: str, jobs: int) -> DataFrame:
    """Adds ``boilerplate_found`` as ``canon clean`` counts it: among the
    surviving documents (text not null, not a duplicate), the head and
    tail lines found in at least ``boilerplate_min_docs`` of them."""
    ok = result.filter(F.col(text_col).isNotNull() & F.col("duplicate_of").isNull()).select(
        "__canon_id", text_col
    )
    n = ok.count()
    min_docs = _native.boilerplate_min_docs(n)
    schema = StructType(
        [StructField("__canon_id", StringType()), StructField("candidates", ArrayType(LongType()))]
    )

    def candidates(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = _native.boilerplate_candidates_batch(batch, text_col, jobs)
            yield pa.RecordBatch.from_arrays(
                [batch.column(0), out.column(0)], names=["__canon_id", "candidates"]
            )

    cands = ok.mapInArrow(candidates, schema).select("__canon_id", F.explode("candidates").alias("h"))
    cands = cands.localCheckpoint()
    lines = cands.groupBy("h").count().filter(F.col("count") >= min_docs).select("h")
    per_doc = cands.join(lines, "h").groupBy("__canon_id").agg(F.collect_list("h").alias("lines"))
    with_text = per_doc.join(ok, "__canon_id").select("__canon_id", text_col, "lines")
    count_schema = StructType(
        [StructField("__canon_id", StringType()), StructField("boilerplate_found", LongType())]
    )

    def count(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = _native.boilerplate_count_batch(batch, text_col, "lines", jobs)
            yield pa.RecordBatch.from_arrays(
                [batch.column(0), out.column(0)], names=["__canon_id", "boilerplate_found"]
            )

    found = with_text.mapInArrow(count, count_schema).filter(F.col("boilerplate_found") > 0)
    return result.join(found, "__canon_id", "left")

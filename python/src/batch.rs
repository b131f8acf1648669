//! Arrow in, Arrow out: batches of documents cleaned in parallel without the
//! GIL, and the per-batch dedup steps a Spark job runs in `mapInArrow`.
//!
//! Input arrays arrive through the Arrow C data interface (no copy); each
//! output column is built once, in one buffer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use arrow_array::builder::{
    BinaryBuilder, BooleanBuilder, Float64Builder, GenericStringBuilder, Int32Builder,
    Int64Builder, ListBuilder, MapBuilder, MapFieldNames, StringBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, GenericListArray, OffsetSizeTrait, RecordBatch, StructArray, make_array,
};
use arrow_buffer::NullBuffer;
use arrow_data::ArrayData;
use arrow_pyarrow::PyArrowType;
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema};
use canon::stages::dedup;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::dedup::{DocIn, band_keys, minhash_bytes, pair_lookup, signature_from_parts};
use crate::{Cleaned, clean_one, guard, near_config, options};

/// A string or binary column read as bytes, whatever its Arrow layout.
enum BytesCol<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
    Binary(&'a arrow_array::BinaryArray),
    LargeBinary(&'a arrow_array::LargeBinaryArray),
    BinaryView(&'a arrow_array::BinaryViewArray),
}

impl<'a> BytesCol<'a> {
    fn new(array: &'a dyn Array, what: &str) -> PyResult<BytesCol<'a>> {
        Ok(match array.data_type() {
            DataType::Utf8 => BytesCol::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => BytesCol::LargeUtf8(array.as_string::<i64>()),
            DataType::Utf8View => BytesCol::Utf8View(array.as_string_view()),
            DataType::Binary => BytesCol::Binary(array.as_binary::<i32>()),
            DataType::LargeBinary => BytesCol::LargeBinary(array.as_binary::<i64>()),
            DataType::BinaryView => BytesCol::BinaryView(array.as_binary_view()),
            other => {
                return Err(PyTypeError::new_err(format!(
                    "{what} must be a string or binary array, not {other}"
                )));
            }
        })
    }

    fn is_large(&self) -> bool {
        matches!(self, BytesCol::LargeUtf8(_) | BytesCol::LargeBinary(_))
    }

    fn get(&self, i: usize) -> Option<&'a [u8]> {
        macro_rules! at {
            ($a:expr, $v:expr) => {
                if $a.is_null(i) { None } else { Some($v) }
            };
        }
        match self {
            BytesCol::Utf8(a) => at!(a, a.value(i).as_bytes()),
            BytesCol::LargeUtf8(a) => at!(a, a.value(i).as_bytes()),
            BytesCol::Utf8View(a) => at!(a, a.value(i).as_bytes()),
            BytesCol::Binary(a) => at!(a, a.value(i)),
            BytesCol::LargeBinary(a) => at!(a, a.value(i)),
            BytesCol::BinaryView(a) => at!(a, a.value(i)),
        }
    }

    /// As text: ids and cleaned texts, which must be UTF-8.
    fn str(&self, i: usize) -> PyResult<Option<&'a str>> {
        match self.get(i) {
            None => Ok(None),
            Some(b) => std::str::from_utf8(b)
                .map(Some)
                .map_err(|_| PyValueError::new_err(format!("row {i}: not valid UTF-8"))),
        }
    }
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> PyResult<&'a ArrayRef> {
    batch
        .column_by_name(name)
        .ok_or_else(|| PyValueError::new_err(format!("the batch has no column {name:?}")))
}

fn arrow_err(e: ArrowError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Runs `f` on a pool of `jobs` threads (all cores when None), pools kept
/// for reuse.
fn in_pool<T: Send>(jobs: Option<usize>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    let Some(jobs) = jobs else {
        return Ok(f());
    };
    if jobs == 0 {
        return Err(PyValueError::new_err("--jobs must be at least 1"));
    }
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let pool = {
        let mut pools = POOLS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match pools.get(&jobs) {
            Some(p) => Arc::clone(p),
            None => {
                let p = Arc::new(
                    rayon::ThreadPoolBuilder::new()
                        .num_threads(jobs)
                        .build()
                        .map_err(|e| PyValueError::new_err(e.to_string()))?,
                );
                pools.insert(jobs, Arc::clone(&p));
                p
            }
        }
    };
    Ok(pool.install(f))
}

fn map_names() -> MapFieldNames {
    // Spark's Arrow names for a map's entries, keys and values.
    MapFieldNames {
        entry: "entries".into(),
        key: "key".into(),
        value: "value".into(),
    }
}

/// The metadata struct's fields (`canon.METADATA_FIELDS` mirrors them).
fn metadata_fields() -> Fields {
    let inner =
        MapBuilder::new(Some(map_names()), StringBuilder::new(), Int64Builder::new()).finish();
    let outer_entries = Field::new(
        "entries",
        DataType::Struct(Fields::from(vec![
            Field::new("key", DataType::Utf8, false),
            Field::new("value", inner.data_type().clone(), true),
        ])),
        false,
    );
    Fields::from(vec![
        Field::new("encoding", DataType::Utf8, true),
        Field::new("confidence", DataType::Float64, true),
        Field::new("script", DataType::Utf8, true),
        Field::new(
            "changes",
            DataType::Map(Arc::new(outer_entries), false),
            true,
        ),
        Field::new(
            "warnings",
            DataType::List(Arc::new(Field::new("element", DataType::Utf8, true))),
            true,
        ),
        Field::new("binary", DataType::Boolean, true),
        Field::new("bytes_in", DataType::Int64, true),
        Field::new("bytes_out", DataType::Int64, true),
        Field::new("sha256", DataType::Utf8, true),
        Field::new("decode", DataType::Utf8, true),
    ])
}

fn text_array<O: OffsetSizeTrait>(results: &[Option<Cleaned>]) -> ArrayRef {
    let bytes: usize = results
        .iter()
        .flatten()
        .filter_map(|c| c.text.as_ref())
        .map(String::len)
        .sum();
    let mut b = GenericStringBuilder::<O>::with_capacity(results.len(), bytes);
    for r in results {
        b.append_option(r.as_ref().and_then(|c| c.text.as_deref()));
    }
    Arc::new(b.finish())
}

fn metadata_array(results: &[Option<Cleaned>]) -> PyResult<ArrayRef> {
    let n = results.len();
    let mut encoding = StringBuilder::new();
    let mut confidence = Float64Builder::with_capacity(n);
    let mut script = StringBuilder::new();
    let mut changes = MapBuilder::new(
        Some(map_names()),
        StringBuilder::new(),
        MapBuilder::new(Some(map_names()), StringBuilder::new(), Int64Builder::new()),
    );
    let mut warnings = ListBuilder::new(StringBuilder::new()).with_field(Field::new(
        "element",
        DataType::Utf8,
        true,
    ));
    let mut binary = BooleanBuilder::with_capacity(n);
    let mut bytes_in = Int64Builder::with_capacity(n);
    let mut bytes_out = Int64Builder::with_capacity(n);
    let mut sha256 = StringBuilder::new();
    let mut decode = StringBuilder::new();
    for r in results {
        match r {
            None => {
                encoding.append_null();
                confidence.append_null();
                script.append_null();
                changes.append(false).map_err(arrow_err)?;
                warnings.append(false);
                binary.append_null();
                bytes_in.append_null();
                bytes_out.append_null();
                sha256.append_null();
                decode.append_null();
            }
            Some(c) => {
                encoding.append_option(c.encoding.as_deref());
                confidence.append_option(c.confidence);
                script.append_value(c.script);
                for (stage, kinds) in &c.changes {
                    changes.keys().append_value(stage);
                    let inner = changes.values();
                    for (kind, count) in kinds {
                        inner.keys().append_value(kind);
                        inner.values().append_value(*count as i64);
                    }
                    inner.append(true).map_err(arrow_err)?;
                }
                changes.append(true).map_err(arrow_err)?;
                for w in &c.warnings {
                    warnings.values().append_value(w);
                }
                warnings.append(true);
                binary.append_value(c.binary);
                bytes_in.append_value(c.bytes_in as i64);
                bytes_out.append_value(c.bytes_out as i64);
                sha256.append_option(c.sha256.as_deref());
                decode.append_option(c.decode.as_deref());
            }
        }
    }
    let arrays: Vec<ArrayRef> = vec![
        Arc::new(encoding.finish()),
        Arc::new(confidence.finish()),
        Arc::new(script.finish()),
        Arc::new(changes.finish()),
        Arc::new(warnings.finish()),
        Arc::new(binary.finish()),
        Arc::new(bytes_in.finish()),
        Arc::new(bytes_out.finish()),
        Arc::new(sha256.finish()),
        Arc::new(decode.finish()),
    ];
    let nulls = NullBuffer::from(results.iter().map(Option::is_some).collect::<Vec<_>>());
    let nulls = (nulls.null_count() > 0).then_some(nulls);
    Ok(Arc::new(
        StructArray::try_new(metadata_fields(), arrays, nulls).map_err(arrow_err)?,
    ))
}

/// Cleans every element of a string or binary array in parallel, without
/// the GIL. Returns a batch of `text` (string, or large_string for large
/// input; null for null or binary input) and `meta_col` (the metadata
/// struct; null for null input).
#[pyfunction]
#[pyo3(signature = (array, skip, convert, keep_repeats, jobs, meta_col))]
fn clean_array(
    py: Python<'_>,
    array: PyArrowType<ArrayData>,
    skip: Vec<String>,
    convert: &str,
    keep_repeats: bool,
    jobs: Option<usize>,
    meta_col: &str,
) -> PyResult<PyArrowType<RecordBatch>> {
    guard(|| {
        let options = options(&skip, convert, keep_repeats)?;
        let array = make_array(array.0);
        let col = BytesCol::new(array.as_ref(), "texts")?;
        let large = col.is_large();
        let n = array.len();
        let batch = py.detach(|| -> PyResult<RecordBatch> {
            let results: Vec<Option<Cleaned>> = in_pool(jobs, || {
                (0..n)
                    .into_par_iter()
                    .with_min_len(1)
                    .map(|i| col.get(i).map(|bytes| clean_one(bytes, &options)))
                    .collect()
            })?;
            let text = if large {
                text_array::<i64>(&results)
            } else {
                let total: usize = results
                    .iter()
                    .flatten()
                    .filter_map(|c| c.text.as_ref())
                    .map(String::len)
                    .sum();
                if total > i32::MAX as usize {
                    return Err(PyValueError::new_err(
                        "cleaned texts exceed 2 GiB in one batch: pass a large_string array or smaller batches",
                    ));
                }
                text_array::<i32>(&results)
            };
            let meta = metadata_array(&results)?;
            let schema = Schema::new(vec![
                Field::new("text", text.data_type().clone(), true),
                Field::new(meta_col, meta.data_type().clone(), true),
            ]);
            RecordBatch::try_new(Arc::new(schema), vec![text, meta]).map_err(arrow_err)
        })?;
        Ok(PyArrowType(batch))
    })
}

/// Per row of a batch with columns `id_col` and `text_col` (cleaned
/// texts): the dedup signature of the documents that take part (text not
/// null, not empty), nulls for the others. Output columns, one row per
/// input row: `key_hash` (16 bytes), `ngram` (int32), `minhash` (512
/// bytes), `bands` (list<int64>: the band keys for `threshold`,
/// reinterpreted as signed), `fingerprint` (SHA-256 of the text).
#[pyfunction]
#[pyo3(signature = (batch, id_col, text_col, threshold, jobs = None))]
fn signature_batch(
    py: Python<'_>,
    batch: PyArrowType<RecordBatch>,
    id_col: &str,
    text_col: &str,
    threshold: f64,
    jobs: Option<usize>,
) -> PyResult<PyArrowType<RecordBatch>> {
    guard(|| {
        near_config(threshold, false)?;
        let batch = batch.0;
        let ids = column(&batch, id_col)?;
        let texts = column(&batch, text_col)?;
        let ids = BytesCol::new(ids.as_ref(), id_col)?;
        let texts = BytesCol::new(texts.as_ref(), text_col)?;
        let n = batch.num_rows();
        let out = py.detach(|| -> PyResult<RecordBatch> {
            type Row = Option<(dedup::DocSignature, [u8; 32])>;
            let rows: Vec<PyResult<Row>> = in_pool(jobs, || {
                (0..n)
                    .into_par_iter()
                    .map(|i| {
                        let Some(text) = texts.str(i)?.filter(|t| !t.is_empty()) else {
                            return Ok(None);
                        };
                        if ids.get(i).is_none() {
                            return Err(PyValueError::new_err(format!(
                                "row {i}: the document id is null"
                            )));
                        }
                        let sig = crate::dedup::text_signature(text);
                        Ok(Some((sig, Sha256::digest(text.as_bytes()).into())))
                    })
                    .collect()
            })?;
            let mut key_b = BinaryBuilder::new();
            let mut ngram_b = Int32Builder::new();
            let mut minhash_b = BinaryBuilder::new();
            let mut bands_b = ListBuilder::new(Int64Builder::new()).with_field(Field::new(
                "element",
                DataType::Int64,
                true,
            ));
            let mut fp_b = BinaryBuilder::new();
            for row in rows {
                match row? {
                    None => {
                        key_b.append_null();
                        ngram_b.append_null();
                        minhash_b.append_null();
                        bands_b.append(false);
                        fp_b.append_null();
                    }
                    Some((sig, fp)) => {
                        key_b.append_value(sig.key_hash);
                        ngram_b.append_value(i32::from(sig.ngram));
                        minhash_b.append_value(minhash_bytes(&sig));
                        for k in band_keys(&sig, threshold) {
                            bands_b.values().append_value(k as i64);
                        }
                        bands_b.append(true);
                        fp_b.append_value(fp);
                    }
                }
            }
            let columns: Vec<ArrayRef> = vec![
                Arc::new(key_b.finish()),
                Arc::new(ngram_b.finish()),
                Arc::new(minhash_b.finish()),
                Arc::new(bands_b.finish()),
                Arc::new(fp_b.finish()),
            ];
            named_batch(
                &["key_hash", "ngram", "minhash", "bands", "fingerprint"],
                columns,
            )
        })?;
        Ok(PyArrowType(out))
    })
}

/// A batch of `columns` named `names`, every field nullable, each typed
/// as its column.
fn named_batch(names: &[&str], columns: Vec<ArrayRef>) -> PyResult<RecordBatch> {
    let fields: Vec<Field> = names
        .iter()
        .zip(&columns)
        .map(|(name, c)| Field::new(*name, c.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(arrow_err)
}

/// Verifies candidate pairs: for each row (`a`, `b`, `a_text`, `b_text`,
/// `a_minhash`, `b_minhash`, `a_ngram`, `b_ngram`), the true Jaccard of the
/// two texts when the MinHash estimate is within `ESTIMATE_SLACK` of the
/// threshold (the only pairs `find_duplicates` ever verifies), else null.
/// Output: `a`, `b`, `sim`.
#[pyfunction]
#[pyo3(signature = (batch, threshold, jobs = None))]
fn verify_batch(
    py: Python<'_>,
    batch: PyArrowType<RecordBatch>,
    threshold: f64,
    jobs: Option<usize>,
) -> PyResult<PyArrowType<RecordBatch>> {
    guard(|| {
        near_config(threshold, false)?;
        let batch = batch.0;
        let a_text = BytesCol::new(column(&batch, "a_text")?.as_ref(), "a_text")?;
        let b_text = BytesCol::new(column(&batch, "b_text")?.as_ref(), "b_text")?;
        let a_mh = BytesCol::new(column(&batch, "a_minhash")?.as_ref(), "a_minhash")?;
        let b_mh = BytesCol::new(column(&batch, "b_minhash")?.as_ref(), "b_minhash")?;
        let a_ng = column(&batch, "a_ngram")?.as_primitive::<Int32Type>();
        let b_ng = column(&batch, "b_ngram")?.as_primitive::<Int32Type>();
        let n = batch.num_rows();
        let sims = py.detach(|| -> PyResult<Vec<Option<f64>>> {
            let rows: Vec<PyResult<Option<f64>>> = in_pool(jobs, || {
                (0..n)
                    .into_par_iter()
                    .map(|i| {
                        let sig = |mh: &BytesCol<'_>, ng: u8| {
                            signature_from_parts(&[0; 16], ng, mh.get(i).unwrap_or(&[]))
                                .map_err(|e| PyValueError::new_err(format!("row {i}: {e}")))
                        };
                        let sa = sig(&a_mh, a_ng.value(i) as u8)?;
                        let sb = sig(&b_mh, b_ng.value(i) as u8)?;
                        if dedup::estimate(&sa, &sb) < threshold - dedup::ESTIMATE_SLACK {
                            return Ok(None);
                        }
                        let (Some(ta), Some(tb)) = (a_text.str(i)?, b_text.str(i)?) else {
                            return Err(PyValueError::new_err(format!("row {i}: a text is null")));
                        };
                        Ok(Some(crate::dedup::text_jaccard(
                            ta,
                            tb,
                            usize::from(sb.ngram),
                        )))
                    })
                    .collect()
            })?;
            rows.into_iter().collect()
        })?;
        let sim: ArrayRef = Arc::new(arrow_array::Float64Array::from(sims));
        let columns = vec![
            Arc::clone(column(&batch, "a")?),
            Arc::clone(column(&batch, "b")?),
            sim,
        ];
        let out = named_batch(&["a", "b", "sim"], columns)?;
        Ok(PyArrowType(out))
    })
}

fn list_values(array: &ArrayRef, what: &str) -> PyResult<(Vec<(usize, usize)>, StructArray)> {
    fn parts<O: OffsetSizeTrait>(l: &GenericListArray<O>) -> (Vec<(usize, usize)>, StructArray) {
        let o = l.value_offsets();
        let ranges = (0..l.len())
            .map(|i| {
                if l.is_null(i) {
                    (0, 0)
                } else {
                    (o[i].as_usize(), o[i + 1].as_usize())
                }
            })
            .collect();
        (ranges, l.values().as_struct().clone())
    }
    match array.data_type() {
        DataType::List(_) => Ok(parts(array.as_list::<i32>())),
        DataType::LargeList(_) => Ok(parts(array.as_list::<i64>())),
        other => Err(PyTypeError::new_err(format!(
            "{what} must be a list of structs, not {other}"
        ))),
    }
}

fn struct_field<'a>(s: &'a StructArray, name: &str) -> PyResult<&'a ArrayRef> {
    s.column_by_name(name)
        .ok_or_else(|| PyValueError::new_err(format!("the struct has no field {name:?}")))
}

/// Decides the duplicates of whole connected components, one per row:
/// `docs` (list of struct `id`, `key_hash`, `ngram`, `minhash`,
/// `fingerprint`) and `pairs` (list of struct `a`, `b`, `sim`: every
/// candidate pair of the component, `a` < `b`, with its verified Jaccard
/// or null). Runs the CLI's decision on each component (see
/// `dedup::decide`). Output: one row per duplicate, `id`, `duplicate_of`,
/// `similarity`, `kind`, and the manifest's `matched` as `matched_id` and
/// `matched_similarity` (null when the survivor itself decided).
#[pyfunction]
#[pyo3(signature = (batch, threshold, exact_only))]
fn decide_batch(
    py: Python<'_>,
    batch: PyArrowType<RecordBatch>,
    threshold: f64,
    exact_only: bool,
) -> PyResult<PyArrowType<RecordBatch>> {
    guard(|| {
        let config = near_config(threshold, exact_only)?;
        let batch = batch.0;
        let (doc_ranges, docs) = list_values(column(&batch, "docs")?, "docs")?;
        let (pair_ranges, pairs) = list_values(column(&batch, "pairs")?, "pairs")?;
        let d_id = BytesCol::new(struct_field(&docs, "id")?.as_ref(), "id")?;
        let d_key = BytesCol::new(struct_field(&docs, "key_hash")?.as_ref(), "key_hash")?;
        let d_ngram = struct_field(&docs, "ngram")?.as_primitive::<Int32Type>();
        let d_mh = BytesCol::new(struct_field(&docs, "minhash")?.as_ref(), "minhash")?;
        let d_fp = BytesCol::new(struct_field(&docs, "fingerprint")?.as_ref(), "fingerprint")?;
        let p_a = BytesCol::new(struct_field(&pairs, "a")?.as_ref(), "a")?;
        let p_b = BytesCol::new(struct_field(&pairs, "b")?.as_ref(), "b")?;
        let p_sim = struct_field(&pairs, "sim")?.as_primitive::<arrow_array::types::Float64Type>();
        let out = py.detach(|| -> PyResult<RecordBatch> {
            let mut id_b = StringBuilder::new();
            let mut of_b = StringBuilder::new();
            let mut sim_b = Float64Builder::new();
            let mut kind_b = StringBuilder::new();
            let mut matched_id_b = StringBuilder::new();
            let mut matched_sim_b = Float64Builder::new();
            for (row, &(lo, hi)) in doc_ranges.iter().enumerate() {
                let mut comp: Vec<DocIn<'_>> = Vec::with_capacity(hi - lo);
                for j in lo..hi {
                    let id = d_id.str(j)?.unwrap_or("");
                    let sig = signature_from_parts(
                        d_key.get(j).unwrap_or(&[]),
                        d_ngram.value(j) as u8,
                        d_mh.get(j).unwrap_or(&[]),
                    )
                    .map_err(|e| PyValueError::new_err(format!("document {id:?}: {e}")))?;
                    comp.push(DocIn {
                        id,
                        sig,
                        fingerprint: d_fp.get(j).unwrap_or(&[]),
                    });
                }
                let (plo, phi) = pair_ranges[row];
                let mut verified: HashMap<(&str, &str), Option<f64>> = HashMap::new();
                for j in plo..phi {
                    let (Some(a), Some(b)) = (p_a.str(j)?, p_b.str(j)?) else {
                        continue;
                    };
                    let sim = (!p_sim.is_null(j)).then(|| p_sim.value(j));
                    verified.insert((a.min(b), a.max(b)), sim);
                }
                let decided = crate::dedup::decide(&comp, &config, pair_lookup(&verified, &comp))
                    .map_err(PyValueError::new_err)?;
                for (k, d) in decided.into_iter().enumerate() {
                    let Some(d) = d else { continue };
                    id_b.append_value(comp[k].id);
                    of_b.append_value(comp[d.of].id);
                    sim_b.append_value(d.similarity);
                    kind_b.append_value(d.kind);
                    matched_id_b.append_option(d.matched.map(|(m, _)| comp[m].id));
                    matched_sim_b.append_option(d.matched.map(|(_, sim)| sim));
                }
            }
            let columns: Vec<ArrayRef> = vec![
                Arc::new(id_b.finish()),
                Arc::new(of_b.finish()),
                Arc::new(sim_b.finish()),
                Arc::new(kind_b.finish()),
                Arc::new(matched_id_b.finish()),
                Arc::new(matched_sim_b.finish()),
            ];
            named_batch(
                &[
                    "id",
                    "duplicate_of",
                    "similarity",
                    "kind",
                    "matched_id",
                    "matched_similarity",
                ],
                columns,
            )
        })?;
        Ok(PyArrowType(out))
    })
}

/// Boilerplate candidates of each text of `text_col` (the hashes of its
/// short head and tail lines, `dedup::boilerplate_candidates`): a list of
/// int64 per row, null for a null text.
#[pyfunction]
#[pyo3(signature = (batch, text_col, jobs = None))]
fn boilerplate_candidates_batch(
    py: Python<'_>,
    batch: PyArrowType<RecordBatch>,
    text_col: &str,
    jobs: Option<usize>,
) -> PyResult<PyArrowType<RecordBatch>> {
    guard(|| {
        let batch = batch.0;
        let texts = BytesCol::new(column(&batch, text_col)?.as_ref(), text_col)?;
        let n = batch.num_rows();
        let rows: Vec<PyResult<Option<Vec<u64>>>> = py.detach(|| {
            in_pool(jobs, || {
                (0..n)
                    .into_par_iter()
                    .map(|i| Ok(texts.str(i)?.map(dedup::boilerplate_candidates)))
                    .collect()
            })
        })?;
        let mut b = ListBuilder::new(Int64Builder::new()).with_field(Field::new(
            "element",
            DataType::Int64,
            true,
        ));
        for row in rows {
            match row? {
                None => b.append(false),
                Some(hashes) => {
                    for h in hashes {
                        b.values().append_value(h as i64);
                    }
                    b.append(true);
                }
            }
        }
        let col: ArrayRef = Arc::new(b.finish());
        let schema = Schema::new(vec![Field::new(
            "candidates",
            col.data_type().clone(),
            true,
        )]);
        Ok(PyArrowType(
            RecordBatch::try_new(Arc::new(schema), vec![col]).map_err(arrow_err)?,
        ))
    })
}

/// How many boilerplate lines each text of `text_col` holds
/// (`dedup::find_lines`), given in `lines_col` the corpus's boilerplate
/// hashes among its candidates: the manifest's
/// `changes.dedup.boilerplate_found`. Output column `boilerplate_found`
/// (int64).
#[pyfunction]
#[pyo3(signature = (batch, text_col, lines_col, jobs = None))]
fn boilerplate_count_batch(
    py: Python<'_>,
    batch: PyArrowType<RecordBatch>,
    text_col: &str,
    lines_col: &str,
    jobs: Option<usize>,
) -> PyResult<PyArrowType<RecordBatch>> {
    guard(|| {
        let batch = batch.0;
        let texts = BytesCol::new(column(&batch, text_col)?.as_ref(), text_col)?;
        let (ranges, values) = {
            let col = column(&batch, lines_col)?;
            match col.data_type() {
                DataType::List(_) => {
                    let l = col.as_list::<i32>();
                    let o = l.value_offsets();
                    let r: Vec<(usize, usize)> = (0..l.len())
                        .map(|i| (o[i] as usize, o[i + 1] as usize))
                        .collect();
                    (
                        r,
                        l.values()
                            .as_primitive::<arrow_array::types::Int64Type>()
                            .clone(),
                    )
                }
                other => {
                    return Err(PyTypeError::new_err(format!(
                        "{lines_col} must be a list of int64, not {other}"
                    )));
                }
            }
        };
        let n = batch.num_rows();
        let rows: Vec<PyResult<i64>> = py.detach(|| {
            in_pool(jobs, || {
                (0..n)
                    .into_par_iter()
                    .map(|i| {
                        let Some(text) = texts.str(i)? else {
                            return Ok(0);
                        };
                        let (lo, hi) = ranges[i];
                        let lines: std::collections::HashSet<u64> =
                            (lo..hi).map(|j| values.value(j) as u64).collect();
                        Ok(dedup::find_lines(text, &lines).len() as i64)
                    })
                    .collect()
            })
        })?;
        let counts: Vec<i64> = rows.into_iter().collect::<PyResult<_>>()?;
        let col: ArrayRef = Arc::new(arrow_array::Int64Array::from(counts));
        let schema = Schema::new(vec![Field::new(
            "boilerplate_found",
            DataType::Int64,
            false,
        )]);
        Ok(PyArrowType(
            RecordBatch::try_new(Arc::new(schema), vec![col]).map_err(arrow_err)?,
        ))
    })
}

/// The corpus's minimum document count for a boilerplate line, given the
/// number of surviving documents (`dedup::boilerplate_lines`' rule).
#[pyfunction]
fn boilerplate_min_docs(documents: usize) -> usize {
    dedup::BOILERPLATE_MIN_DOCS
        .max((documents as f64 * dedup::BOILERPLATE_MIN_SHARE).ceil() as usize)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(clean_array, m)?)?;
    m.add_function(wrap_pyfunction!(signature_batch, m)?)?;
    m.add_function(wrap_pyfunction!(verify_batch, m)?)?;
    m.add_function(wrap_pyfunction!(decide_batch, m)?)?;
    m.add_function(wrap_pyfunction!(boilerplate_candidates_batch, m)?)?;
    m.add_function(wrap_pyfunction!(boilerplate_count_batch, m)?)?;
    m.add_function(wrap_pyfunction!(boilerplate_min_docs, m)?)?;
    Ok(())
}

//! `canon._native`: the Rust side of the `canon` Python package.
//!
//! Everything here calls the `canon` library: the options are validated by
//! the command line's own code (so a bad option fails with the CLI's
//! message), a document is cleaned by `canon::pipeline::clean_bytes` and
//! described by a manifest `Entry` filled exactly as `canon clean` fills it,
//! and duplicates are decided by `canon::stages::dedup::find_duplicates`.
//! The Python layer (`python/canon/*.py`) only moves data.
//!
//! No Rust panic reaches Python as an abort: every entry point runs under
//! [`guard`], which turns a panic into a `RuntimeError`.

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, OnceLock};

use canon::cli::{DedupArgs, PipelineArgs};
use canon::manifest::Entry;
use canon::pipeline::{self, Options, Outcome};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyBytes;
use sha2::{Digest, Sha256};

mod batch;
mod dedup;

/// Runs `f`, turning a Rust panic into a Python `RuntimeError` (a bug in
/// canon, reported instead of aborting the interpreter).
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(PyRuntimeError::new_err(format!(
                "internal error in canon (please report it): {message}"
            )))
        }
    }
}

/// The pipeline options, validated by the command line's own code, so that
/// a bad value fails with the message `canon clean` prints. `skip` entries
/// may hold comma-separated names, as `--skip` does. Built once per
/// distinct set of options (the convert stage's engine is shared).
pub(crate) fn options(
    skip: &[String],
    convert: &str,
    keep_repeats: bool,
) -> PyResult<Arc<Options>> {
    type Cache = Mutex<HashMap<(Vec<String>, String, bool), Arc<Options>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let skip: Vec<String> = skip
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::to_string)
        .collect();
    let cache_key = (skip.clone(), convert.to_string(), keep_repeats);
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&cache_key)
    {
        return Ok(Arc::clone(found));
    }
    let args = PipelineArgs {
        skip,
        keep_repeats,
        convert: Some(convert.to_string()),
    };
    let built = Arc::new(
        args.options()
            .map_err(|e| PyValueError::new_err(e.to_string()))?,
    );
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() > 64 {
        cache.clear();
    }
    cache.insert(cache_key, Arc::clone(&built));
    Ok(built)
}

/// Validates a near-duplicate threshold as `--near-threshold` does.
pub(crate) fn near_config(
    threshold: f64,
    exact_only: bool,
) -> PyResult<canon::stages::dedup::NearConfig> {
    let args = DedupArgs {
        near_threshold: Some(threshold),
        exact_only,
        remove_boilerplate: false,
        signatures: None,
    };
    let options = args
        .apply(Options::default())
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(options.near)
}

/// One cleaned document and what the manifest would say about it.
#[derive(Debug, Clone)]
pub(crate) struct Cleaned {
    pub text: Option<String>,
    pub binary: bool,
    pub encoding: Option<String>,
    pub confidence: Option<f64>,
    pub script: &'static str,
    pub changes: BTreeMap<String, BTreeMap<String, u64>>,
    pub warnings: Vec<String>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub sha256: Option<String>,
    pub decode: Option<String>,
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Cleans one document's bytes as `canon clean` does, and fills its
/// manifest entry the way the corpus run does (`record_cleaning`, or
/// `skip` with the binary kind).
pub(crate) fn clean_one(bytes: &[u8], options: &Options) -> Cleaned {
    let mut entry = Entry::new(String::new(), None, bytes.len() as u64);
    let mut text = None;
    let mut binary = false;
    match pipeline::clean_bytes(bytes, options) {
        Outcome::Binary(kind) => {
            entry.skip(kind.to_string());
            binary = true;
        }
        Outcome::Text(cleaned) => {
            entry.record_cleaning(&cleaned.decode, &cleaned.changes);
            entry.script = cleaned.script;
            entry.sha256 = Some(hex(&Sha256::digest(cleaned.text.as_bytes())));
            entry.bytes_out = cleaned.text.len() as u64;
            text = Some(cleaned.text);
        }
    }
    Cleaned {
        text,
        binary,
        encoding: entry.encoding,
        confidence: entry.confidence,
        script: entry.script.name(),
        changes: entry.changes,
        warnings: entry.warnings,
        bytes_in: entry.bytes_in,
        bytes_out: entry.bytes_out,
        sha256: entry.sha256,
        decode: entry.decode.map(|v| v.to_string()),
    }
}

/// A cleaned document (see `canon.clean`).
#[pyclass(frozen, get_all, skip_from_py_object, module = "canon")]
#[derive(Debug, Clone)]
pub struct Document {
    /// The cleaned text, or None for binary input.
    text: Option<String>,
    /// The encoding the input was decoded from (None for binary input).
    encoding: Option<String>,
    /// Confidence of the encoding, in [0, 1] (None for binary input).
    confidence: Option<f64>,
    /// The script of the Chinese text before conversion.
    script: &'static str,
    /// Per stage, edit kind → count, as in the manifest.
    changes: BTreeMap<String, BTreeMap<String, u64>>,
    /// Data problems worth a look; for binary input, what it is.
    warnings: Vec<String>,
    /// True when the input is not text (nothing was cleaned).
    binary: bool,
    /// Input size in bytes.
    bytes_in: u64,
    /// Size of the cleaned UTF-8 text in bytes.
    bytes_out: u64,
    /// SHA-256 of the cleaned text (hex), None for binary input.
    sha256: Option<String>,
    /// How the encoding was decided (the manifest's `decode`, as JSON).
    decode: Option<String>,
}

#[pymethods]
impl Document {
    fn __repr__(&self) -> String {
        let shown = self.text.as_deref().map(|t| {
            let head: String = t.chars().take(40).collect();
            if head.len() < t.len() {
                format!("{head}…")
            } else {
                head
            }
        });
        format!(
            "Document(text={:?}, encoding={:?}, script={:?}, binary={})",
            shown,
            self.encoding,
            self.script,
            if self.binary { "True" } else { "False" }
        )
    }
}

impl From<Cleaned> for Document {
    fn from(c: Cleaned) -> Document {
        Document {
            text: c.text,
            encoding: c.encoding,
            confidence: c.confidence,
            script: c.script,
            changes: c.changes,
            warnings: c.warnings,
            binary: c.binary,
            bytes_in: c.bytes_in,
            bytes_out: c.bytes_out,
            sha256: c.sha256,
            decode: c.decode,
        }
    }
}

/// Cleans one document (bytes, or a str taken as its UTF-8 bytes).
#[pyfunction]
#[pyo3(signature = (data, skip, convert, keep_repeats))]
fn clean(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    skip: Vec<String>,
    convert: &str,
    keep_repeats: bool,
) -> PyResult<Document> {
    guard(|| {
        let options = options(&skip, convert, keep_repeats)?;
        let text: PyBackedStr;
        let bytes: &[u8] = if let Ok(b) = data.cast::<PyBytes>() {
            b.as_bytes()
        } else if let Ok(s) = data.extract::<PyBackedStr>() {
            text = s;
            text.as_bytes()
        } else {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "clean() takes bytes or str, not {}",
                data.get_type().name()?
            )));
        };
        let cleaned = py.detach(|| clean_one(bytes, &options));
        Ok(cleaned.into())
    })
}

/// Validates pipeline options; raises ValueError with the CLI's message.
#[pyfunction]
fn check_options(skip: Vec<String>, convert: &str, keep_repeats: bool) -> PyResult<()> {
    guard(|| options(&skip, convert, keep_repeats).map(|_| ()))
}

/// Validates a near-duplicate threshold; raises ValueError with the CLI's
/// message.
#[pyfunction]
fn check_threshold(threshold: f64) -> PyResult<()> {
    guard(|| near_config(threshold, false).map(|_| ()))
}

/// Panics on purpose: the test suite checks that a panic becomes a Python
/// exception.
#[pyfunction]
fn _panic_for_test() -> PyResult<()> {
    guard(|| panic!("deliberate panic for the test suite"))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Document>()?;
    m.add_function(wrap_pyfunction!(clean, m)?)?;
    m.add_function(wrap_pyfunction!(check_options, m)?)?;
    m.add_function(wrap_pyfunction!(check_threshold, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    batch::register(m)?;
    dedup::register(m)?;
    Ok(())
}

//! Dedup building blocks for a distributed engine, all from the library:
//! the comparison key and its hash, the MinHash signature, the LSH band
//! keys, the true Jaccard, and the duplicate decision itself
//! ([`decide`], which calls the library's `canon::stages::dedup::decide`).

use std::collections::HashMap;

use canon::clusters::round_similarity;
use canon::stages::dedup::{
    self, DocSignature, MAX_BUCKET_PAIRS, MatchKind, NUM_PERM, NearConfig, RegionalFold, band_hash,
    banding,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyBytes;

use crate::guard;

/// Band keys of a signature for `threshold` (one per band, band order);
/// empty when the document is too short for near matching. The library's
/// own band hash, so the keys bucket documents as `candidate_pairs` does
/// (the test suite checks it).
pub(crate) fn band_keys(sig: &DocSignature, threshold: f64) -> Vec<u64> {
    if sig.ngram == 0 {
        return Vec::new();
    }
    let (bands, rows) = banding(threshold);
    (0..bands).map(|b| band_hash(sig, b, rows)).collect()
}

/// The signature of a cleaned text, as `canon clean` computes it.
pub(crate) fn text_signature(text: &str) -> DocSignature {
    dedup::signature(&dedup::comparison_key(text, &RegionalFold))
}

/// MinHash values as little-endian bytes (512 bytes).
pub(crate) fn minhash_bytes(sig: &DocSignature) -> Vec<u8> {
    sig.minhash.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub(crate) fn signature_from_parts(
    key_hash: &[u8],
    ngram: u8,
    minhash: &[u8],
) -> Result<DocSignature, String> {
    if key_hash.len() != 16 || minhash.len() != 4 * NUM_PERM {
        return Err(format!(
            "a signature is a 16-byte key hash and {} bytes of MinHash, got {} and {}",
            4 * NUM_PERM,
            key_hash.len(),
            minhash.len()
        ));
    }
    let mut sig = DocSignature {
        key_hash: [0; 16],
        ngram,
        minhash: [0; NUM_PERM],
    };
    sig.key_hash.copy_from_slice(key_hash);
    for (v, chunk) in sig.minhash.iter_mut().zip(minhash.chunks_exact(4)) {
        *v = u32::from_le_bytes(chunk.try_into().expect("4 bytes"));
    }
    Ok(sig)
}

/// True Jaccard of two cleaned texts' n-gram sets, computed as the CLI's
/// verification does (comparison key, then `shingles` and `jaccard`).
pub(crate) fn text_jaccard(a: &str, b: &str, ngram: usize) -> f64 {
    let a = dedup::shingles(&dedup::comparison_key(a, &RegionalFold), ngram);
    let b = dedup::shingles(&dedup::comparison_key(b, &RegionalFold), ngram);
    dedup::jaccard(&a, &b)
}

/// One document taking part in a duplicate decision.
pub(crate) struct DocIn<'a> {
    pub id: &'a str,
    pub sig: DocSignature,
    /// SHA-256 of the cleaned text: equal for `exact`, different for
    /// `normalized` key matches.
    pub fingerprint: &'a [u8],
}

/// A document found to duplicate another, as the manifest says it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decision {
    /// Index (in the caller's order) of the document it duplicates.
    pub of: usize,
    /// Rounded to 4 decimals, as in the manifest.
    pub similarity: f64,
    /// `exact`, `normalized` or `near` (the manifest's `changes.dedup` key).
    pub kind: &'static str,
    /// The manifest's `matched`: when the decision was made against another
    /// member than the survivor, that member's index and the similarity of
    /// the decision (rounded like `similarity`).
    pub matched: Option<(usize, f64)>,
}

/// Decides duplicates among `docs` exactly as `canon clean` does: sorted by
/// id (the manifest path; Rust's string order, i.e. UTF-8 bytes, as the
/// CLI sorts), then the library's `dedup::decide` (exact and near passes,
/// each removal traced to its cluster's survivor), then the corpus's naming
/// of the rule. `verify(i, j)` (caller's indices, `i` earlier) gives the
/// true Jaccard. Ids must be distinct.
pub(crate) fn decide(
    docs: &[DocIn<'_>],
    config: &NearConfig,
    mut verify: impl FnMut(usize, usize) -> Result<Option<f64>, String>,
) -> Result<Vec<Option<Decision>>, String> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| docs[a].id.cmp(docs[b].id));
    if let Some(w) = order.windows(2).find(|w| docs[w[0]].id == docs[w[1]].id) {
        return Err(format!("document id {:?} is not unique", docs[w[0]].id));
    }
    let sigs: Vec<Option<&DocSignature>> = order.iter().map(|&i| Some(&docs[i].sig)).collect();
    let mut failure = None;
    let removals = dedup::decide(&sigs, config, |earlier, later| {
        match verify(order[earlier], order[later]) {
            Ok(sim) => sim,
            Err(e) => {
                failure.get_or_insert(e);
                None
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    let mut out = vec![None; docs.len()];
    for (pos, found) in removals.into_iter().enumerate() {
        let Some(found) = found else { continue };
        let me = order[pos];
        // The rule is named against the member the decision was made on,
        // as the corpus names it.
        let decided_on = order[found.matched.map_or(found.survivor, |m| m.of)];
        let kind = match found.kind {
            MatchKind::Near => "near",
            MatchKind::Key if docs[me].fingerprint == docs[decided_on].fingerprint => "exact",
            MatchKind::Key => "normalized",
        };
        out[me] = Some(Decision {
            of: order[found.survivor],
            similarity: round_similarity(found.similarity),
            kind,
            matched: found
                .matched
                .map(|m| (order[m.of], round_similarity(m.similarity))),
        });
    }
    Ok(out)
}

/// A document's dedup signature (see `canon.signature`).
#[pyclass(frozen, skip_from_py_object, module = "canon")]
#[derive(Debug, Clone)]
pub struct Signature {
    pub(crate) sig: DocSignature,
}

#[pymethods]
impl Signature {
    /// First 16 bytes of SHA-256 of the comparison key.
    #[getter]
    fn key_hash<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.sig.key_hash)
    }

    /// N-gram length of the MinHash (5, 3 for short keys, 0 when the key is
    /// too short for near matching).
    #[getter]
    fn ngram(&self) -> u8 {
        self.sig.ngram
    }

    /// The 128 MinHash values.
    #[getter]
    fn minhash(&self) -> Vec<u32> {
        self.sig.minhash.to_vec()
    }

    /// The MinHash values as 512 little-endian bytes.
    fn minhash_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &minhash_bytes(&self.sig))
    }

    /// LSH band keys for `threshold` (unsigned 64-bit, band order; empty
    /// when `ngram` is 0).
    #[pyo3(signature = (threshold = dedup::DEFAULT_NEAR_THRESHOLD))]
    fn band_keys(&self, threshold: f64) -> PyResult<Vec<u64>> {
        guard(|| {
            crate::near_config(threshold, false)?;
            Ok(band_keys(&self.sig, threshold))
        })
    }

    /// The MinHash estimate of Jaccard similarity with `other`.
    fn estimate(&self, other: &Signature) -> f64 {
        dedup::estimate(&self.sig, &other.sig)
    }

    #[staticmethod]
    fn from_parts(key_hash: &[u8], ngram: u8, minhash: &[u8]) -> PyResult<Signature> {
        signature_from_parts(key_hash, ngram, minhash)
            .map(|sig| Signature { sig })
            .map_err(PyValueError::new_err)
    }

    fn __eq__(&self, other: &Signature) -> bool {
        self.sig == other.sig
    }

    fn __repr__(&self) -> String {
        format!(
            "Signature(key_hash={}, ngram={})",
            crate::hex(&self.sig.key_hash),
            self.sig.ngram
        )
    }
}

#[pyfunction]
fn comparison_key(py: Python<'_>, text: PyBackedStr) -> PyResult<String> {
    guard(|| Ok(py.detach(|| dedup::comparison_key(&text, &RegionalFold))))
}

#[pyfunction]
fn key_hash<'py>(py: Python<'py>, text: PyBackedStr) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let sig = py.detach(|| text_signature(&text));
        Ok(PyBytes::new(py, &sig.key_hash))
    })
}

#[pyfunction]
fn signature(py: Python<'_>, text: PyBackedStr) -> PyResult<Signature> {
    guard(|| {
        Ok(Signature {
            sig: py.detach(|| text_signature(&text)),
        })
    })
}

#[pyfunction]
#[pyo3(signature = (threshold = dedup::DEFAULT_NEAR_THRESHOLD))]
fn lsh_banding(threshold: f64) -> PyResult<(usize, usize)> {
    guard(|| {
        crate::near_config(threshold, false)?;
        Ok(banding(threshold))
    })
}

#[pyfunction]
#[pyo3(signature = (a, b, ngram = None))]
fn jaccard(py: Python<'_>, a: PyBackedStr, b: PyBackedStr, ngram: Option<usize>) -> PyResult<f64> {
    guard(|| {
        let ngram = match ngram {
            Some(0) => return Err(PyValueError::new_err("ngram must be at least 1")),
            Some(n) => n,
            None => {
                let n = usize::from(text_signature(&b).ngram);
                if n == 0 {
                    return Err(PyValueError::new_err(
                        "the second text's comparison key is under 30 characters: \
                         canon compares it by key hash only (pass ngram= to force)",
                    ));
                }
                n
            }
        };
        Ok(py.detach(|| text_jaccard(&a, &b, ngram)))
    })
}

/// The library's own LSH candidate pairs (indices into `signatures`, None
/// for documents that take no part), for a threshold.
#[pyfunction]
#[pyo3(signature = (signatures, threshold = dedup::DEFAULT_NEAR_THRESHOLD))]
fn candidate_pairs(
    signatures: Vec<Option<PyRef<'_, Signature>>>,
    threshold: f64,
) -> PyResult<Vec<(u32, u32)>> {
    guard(|| {
        crate::near_config(threshold, false)?;
        let (bands, rows) = banding(threshold);
        let sigs: Vec<Option<&DocSignature>> = signatures
            .iter()
            .map(|s| s.as_ref().map(|s| &s.sig))
            .collect();
        Ok(dedup::candidate_pairs(&sigs, bands, rows))
    })
}

/// A duplicate as `find_duplicates` returns it to Python: (duplicate_of
/// id, similarity, kind).
type Found = (String, f64, &'static str);

/// The whole CLI decision over an in-memory corpus: `ids` (manifest paths)
/// and cleaned `texts` (None or empty: takes no part). Returns, per input
/// position, None or (duplicate_of id, similarity, kind).
#[pyfunction]
#[pyo3(signature = (ids, texts, threshold = dedup::DEFAULT_NEAR_THRESHOLD, exact_only = false))]
fn find_duplicates(
    py: Python<'_>,
    ids: Vec<String>,
    texts: Vec<Option<String>>,
    threshold: f64,
    exact_only: bool,
) -> PyResult<Vec<Option<Found>>> {
    guard(|| {
        let config = crate::near_config(threshold, exact_only)?;
        if ids.len() != texts.len() {
            return Err(PyValueError::new_err("ids and texts differ in length"));
        }
        py.detach(|| {
            let taking_part: Vec<usize> = (0..ids.len())
                .filter(|&i| texts[i].as_deref().is_some_and(|t| !t.is_empty()))
                .collect();
            let fingerprints: Vec<[u8; 32]> = taking_part
                .iter()
                .map(|&i| {
                    use sha2::Digest;
                    sha2::Sha256::digest(texts[i].as_deref().unwrap_or("").as_bytes()).into()
                })
                .collect();
            let docs: Vec<DocIn<'_>> = taking_part
                .iter()
                .zip(&fingerprints)
                .map(|(&i, fp)| DocIn {
                    id: &ids[i],
                    sig: text_signature(texts[i].as_deref().unwrap_or("")),
                    fingerprint: fp,
                })
                .collect();
            let decided = decide(&docs, &config, |a, b| {
                let ngram = usize::from(docs[b].sig.ngram);
                let (a, b) = (taking_part[a], taking_part[b]);
                Ok(Some(text_jaccard(
                    texts[a].as_deref().unwrap_or(""),
                    texts[b].as_deref().unwrap_or(""),
                    ngram,
                )))
            })
            .map_err(PyValueError::new_err)?;
            let mut out = vec![None; ids.len()];
            for (k, d) in decided.into_iter().enumerate() {
                if let Some(d) = d {
                    out[taking_part[k]] =
                        Some((ids[taking_part[d.of]].clone(), d.similarity, d.kind));
                }
            }
            Ok(out)
        })
    })
}

/// Looks up verified similarities by (earlier id, later id).
pub(crate) fn pair_lookup<'a>(
    pairs: &'a HashMap<(&'a str, &'a str), Option<f64>>,
    docs: &'a [DocIn<'a>],
) -> impl FnMut(usize, usize) -> Result<Option<f64>, String> + 'a {
    move |a, b| {
        let key = (docs[a].id, docs[b].id);
        match pairs.get(&key) {
            Some(sim) => Ok(*sim),
            None => Err(format!(
                "candidate pair ({:?}, {:?}) was not verified: the band keys or the bucket cap \
                 no longer match canon's candidate_pairs",
                key.0, key.1
            )),
        }
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Signature>()?;
    m.add_function(wrap_pyfunction!(comparison_key, m)?)?;
    m.add_function(wrap_pyfunction!(key_hash, m)?)?;
    m.add_function(wrap_pyfunction!(signature, m)?)?;
    m.add_function(wrap_pyfunction!(lsh_banding, m)?)?;
    m.add_function(wrap_pyfunction!(jaccard, m)?)?;
    m.add_function(wrap_pyfunction!(candidate_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(find_duplicates, m)?)?;
    m.add("MAX_BUCKET_PAIRS", MAX_BUCKET_PAIRS)?;
    m.add("NUM_PERM", NUM_PERM)?;
    m.add("ESTIMATE_SLACK", dedup::ESTIMATE_SLACK)?;
    Ok(())
}

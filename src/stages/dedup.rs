//! # dedup: one copy of each document in the corpus
//!
//! Corpora repeat themselves, and duplicates bias whatever is built on them.
//! This stage runs once over the whole corpus, after every per-document stage,
//! so copies that differed only in encoding or in what canonicalisation fixed
//! are already byte-identical here.
//!
//! It works on fingerprints, not texts: the caller gives one fingerprint per
//! document in the corpus's sorted order, and gets back, for each document,
//! the index of the earlier document it duplicates. The survivor is always
//! the first copy in sorted order, so the result does not depend on thread
//! count or on the order files were found.
//!
//! Example: fingerprints `[a, b, a]` → `[None, None, Some(0)]`.
//!
//! Limits: exact duplicates of the canonical text only. Near duplicates and
//! repeated lines within a document are their own piece of work.

use std::collections::HashMap;

/// A document's identity for exact deduplication: a cryptographic hash of
/// its canonical text.
pub type Fingerprint = [u8; 32];

/// For each document, `Some(i)` if it duplicates the earlier document `i`.
/// `None` fingerprints (documents that are not part of dedup: binaries,
/// errors, empty texts) never match.
pub fn exact_duplicates(fingerprints: &[Option<Fingerprint>]) -> Vec<Option<usize>> {
    let mut first_seen: HashMap<&Fingerprint, usize> = HashMap::with_capacity(fingerprints.len());
    fingerprints
        .iter()
        .enumerate()
        .map(|(i, fp)| {
            let fp = fp.as_ref()?;
            match first_seen.get(fp) {
                Some(&first) => Some(first),
                None => {
                    first_seen.insert(fp, i);
                    None
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_copy_survives() {
        let a = Some([1u8; 32]);
        let b = Some([2u8; 32]);
        assert_eq!(
            exact_duplicates(&[a, b, a, None, None, b, a]),
            vec![None, None, Some(0), None, None, Some(1), Some(0)]
        );
    }

    #[test]
    fn distinct_documents_are_kept() {
        let fps: Vec<_> = (0..10u8).map(|i| Some([i; 32])).collect();
        assert!(exact_duplicates(&fps).iter().all(Option::is_none));
    }
}

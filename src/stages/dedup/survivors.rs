//! The corpus pass that decides which documents are duplicates, and of
//! which survivor: exact matches first (equal key hashes), then near ones
//! among the documents still standing (LSH candidates, the MinHash
//! estimate, then the true Jaccard that the caller computes). The first
//! document of each group in the corpus's sorted order survives.
//!
//! Example: the texts `[a, b, a with spaces, a edited, b]` →
//! `[None, None, Key of 0, Near of 0 (0.8 ≤ similarity < 1), Key of 1]`.
//!
//! Limits: a duplicate names one survivor, the most similar, and never
//! another duplicate, so an edit of an edit of `a` that no longer resembles
//! `a` survives; similarity is n-gram Jaccard, so a copy with a long new
//! footer or a large cut is kept (containment is not tested); a near match
//! is only as good as the caller's `verify`.

use std::collections::HashMap;

use super::lsh::{banding, candidate_pairs};
use super::minhash::{DocSignature, estimate};

/// Default `--near-threshold`: Jaccard 0.8 of 5-grams is a copy with a few
/// per cent of edits or one paragraph of six dropped; two articles on one
/// subject sharing half their text are far below it.
pub const DEFAULT_NEAR_THRESHOLD: f64 = 0.8;

/// A candidate is read back for exact verification only when its MinHash
/// estimate is within this of the threshold: about three standard
/// deviations of the estimate at 128 permutations.
pub const ESTIMATE_SLACK: f64 = 0.12;

/// How a document matched the survivor it duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// Equal comparison keys (same text, or different only in whitespace,
    /// punctuation width, script or regional vocabulary).
    Key,
    /// Verified n-gram Jaccard similarity at or above the threshold.
    Near,
}

/// A document found to duplicate an earlier survivor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    /// Index of the surviving document.
    pub of: usize,
    /// 1.0 for key matches, the verified Jaccard for near ones.
    pub similarity: f64,
    pub kind: MatchKind,
}

/// Corpus-level settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearConfig {
    /// Verified Jaccard similarity from which a document is a duplicate.
    pub threshold: f64,
    /// Exact (key) duplicates only.
    pub exact_only: bool,
}

impl Default for NearConfig {
    fn default() -> Self {
        NearConfig {
            threshold: DEFAULT_NEAR_THRESHOLD,
            exact_only: false,
        }
    }
}

/// Finds the duplicates in a corpus given in sorted order.
///
/// `sigs[i]` is `None` for documents that take no part (binaries, errors,
/// empty texts). `verify(earlier, later)` returns the true Jaccard
/// similarity of the two documents' n-gram sets (see [`shingles`](super::shingles)), or
/// `None` if it cannot be computed; it is called only for candidates whose
/// estimate is close to the threshold. The first document of each group
/// survives; see the module documentation.
pub fn find_duplicates(
    sigs: &[Option<&DocSignature>],
    config: &NearConfig,
    mut verify: impl FnMut(usize, usize) -> Option<f64>,
) -> Vec<Option<Match>> {
    let mut result: Vec<Option<Match>> = vec![None; sigs.len()];
    let mut first_with_key: HashMap<&[u8; 16], usize> = HashMap::with_capacity(sigs.len());
    for (i, sig) in sigs.iter().enumerate() {
        let Some(sig) = sig else { continue };
        match first_with_key.get(&sig.key_hash) {
            Some(&first) => {
                result[i] = Some(Match {
                    of: first,
                    similarity: 1.0,
                    kind: MatchKind::Key,
                });
            }
            None => {
                first_with_key.insert(&sig.key_hash, i);
            }
        }
    }
    if config.exact_only {
        return result;
    }
    // Near matching among the documents that survived exact matching.
    let survivors: Vec<Option<&DocSignature>> = sigs
        .iter()
        .zip(&result)
        .map(|(s, r)| if r.is_some() { None } else { *s })
        .collect();
    let (bands, rows) = banding(config.threshold);
    let pairs = candidate_pairs(&survivors, bands, rows);
    // Pairs are sorted by (earlier, later); decide in order of `later` so
    // each document's earlier partners are already decided.
    let mut by_later: Vec<(u32, u32)> = pairs.into_iter().map(|(e, l)| (l, e)).collect();
    by_later.sort_unstable();
    for group in by_later.chunk_by(|a, b| a.0 == b.0) {
        let later = group[0].0 as usize;
        let later_sig = survivors[later].expect("candidates have signatures");
        let mut best: Option<Match> = None;
        for &(_, earlier) in group {
            let earlier = earlier as usize;
            if result[earlier].is_some() {
                continue;
            }
            let earlier_sig = survivors[earlier].expect("candidates have signatures");
            if estimate(earlier_sig, later_sig) < config.threshold - ESTIMATE_SLACK {
                continue;
            }
            let Some(similarity) = verify(earlier, later) else {
                continue;
            };
            if similarity >= config.threshold && best.is_none_or(|b| similarity > b.similarity) {
                best = Some(Match {
                    of: earlier,
                    similarity,
                    kind: MatchKind::Near,
                });
            }
        }
        result[later] = best;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::dedup::tests::{key, text};
    use crate::stages::dedup::{NGRAM, jaccard, shingles, signature};

    #[test]
    fn find_duplicates_keeps_first_and_verifies() {
        let a = text(1, 600);
        let mut a_edit = a.clone();
        a_edit.replace_range(300..330, &text(9, 10));
        let b = text(2, 600);
        let a_spaced: String = a.chars().flat_map(|c| [c, ' ']).collect();
        let texts = [a.clone(), b.clone(), a_spaced, a_edit, b.clone()];
        let keys: Vec<String> = texts.iter().map(|t| key(t)).collect();
        let sigs: Vec<DocSignature> = keys.iter().map(|k| signature(k)).collect();
        let refs: Vec<Option<&DocSignature>> = sigs.iter().map(Some).collect();
        let mut verified = Vec::new();
        let result = find_duplicates(&refs, &NearConfig::default(), |i, j| {
            verified.push((i, j));
            Some(jaccard(
                &shingles(&keys[i], NGRAM),
                &shingles(&keys[j], NGRAM),
            ))
        });
        assert_eq!(result[0], None);
        assert_eq!(result[1], None);
        assert_eq!(result[2].map(|m| (m.of, m.kind)), Some((0, MatchKind::Key)));
        let near = result[3].expect("edited copy found");
        assert_eq!((near.of, near.kind), (0, MatchKind::Near));
        assert!(near.similarity >= 0.8 && near.similarity < 1.0);
        assert_eq!(result[4].map(|m| m.of), Some(1));
        assert_eq!(verified, vec![(0, 3)]);
        // A verifier that says "not similar" overrules the estimate.
        let none = find_duplicates(&refs, &NearConfig::default(), |_, _| Some(0.1));
        assert!(none[3].is_none());
        let exact = find_duplicates(
            &refs,
            &NearConfig {
                exact_only: true,
                ..NearConfig::default()
            },
            |_, _| panic!("exact-only verifies nothing"),
        );
        assert!(exact[3].is_none() && exact[2].is_some());
    }

    #[test]
    fn half_shared_documents_are_not_duplicates() {
        let shared = text(5, 300);
        let a = format!("{shared}{}", text(6, 300));
        let b = format!("{shared}{}", text(7, 300));
        let j = jaccard(&shingles(&a, NGRAM), &shingles(&b, NGRAM));
        assert!(j < 0.5, "{j}");
        let (sa, sb) = (signature(&a), signature(&b));
        let result = find_duplicates(&[Some(&sa), Some(&sb)], &NearConfig::default(), |_, _| {
            Some(j)
        });
        assert_eq!(result, vec![None, None]);
    }

    #[test]
    fn no_chains_through_duplicates() {
        // b is an edited a, c an edited b: c resembles b, not a. b is a
        // duplicate of a, so c is compared with a only, and survives.
        let a = text(1, 600);
        let mut b = a.clone();
        b.replace_range(0..(45 * 3), &text(11, 45));
        let mut c = b.clone();
        let len = c.len();
        c.replace_range(len - 45 * 3.., &text(12, 45));
        let keys = [key(&a), key(&b), key(&c)];
        let j = |x: &str, y: &str| jaccard(&shingles(x, NGRAM), &shingles(y, NGRAM));
        assert!(j(&keys[0], &keys[1]) >= 0.8 && j(&keys[1], &keys[2]) >= 0.8);
        assert!(j(&keys[0], &keys[2]) < 0.8);
        let sigs: Vec<DocSignature> = keys.iter().map(|k| signature(k)).collect();
        let refs: Vec<Option<&DocSignature>> = sigs.iter().map(Some).collect();
        let result = find_duplicates(&refs, &NearConfig::default(), |x, y| {
            Some(j(&keys[x], &keys[y]))
        });
        assert_eq!(result[1].map(|m| m.of), Some(0));
        assert_eq!(result[2], None);
    }
}

//! LSH banding: which pairs of documents are worth comparing at all. The
//! MinHash values are cut into bands of consecutive rows, each band hashed
//! to one bucket key ([`band_hash`]); two documents with the same key in
//! any band become a candidate pair. The banding is chosen from the
//! threshold, for recall first.
//!
//! Example: threshold 0.8 → [`banding`] gives 25 bands of 5 rows, which
//! proposes a pair at similarity 0.75 with probability 0.999; the
//! signatures of a text, an unrelated text and a near copy of the first →
//! [`candidate_pairs`] gives `[(0, 2)]` (unrelated texts share a bucket
//! only by a rare hash collision).
//!
//! Limits: these are candidates only, every one is still checked by the
//! estimate and the exact Jaccard (`survivors`); a bucket of more than
//! [`MAX_BUCKET_PAIRS`] documents pairs each member with the first ones
//! only, so inside a large family of templates a pair can be missed;
//! documents without a near signature (`ngram` 0) take no part.

use super::minhash::{DocSignature, NUM_PERM};

/// LSH must propose a pair at similarity `threshold - LSH_SLACK` with at
/// least [`LSH_RECALL`] probability: candidates are cheap to reject, a
/// missed pair is lost.
const LSH_SLACK: f64 = 0.05;

/// See [`LSH_SLACK`].
const LSH_RECALL: f64 = 0.99;

/// A band bucket holding more documents than this is a template or
/// boilerplate family: each member is paired with the first few only, so
/// one bucket cannot cost quadratic time. Public so that a distributed
/// port (the Python package's Spark dedup) pairs exactly the same members.
pub const MAX_BUCKET_PAIRS: usize = 64;

/// Banding for a threshold: `(bands, rows)` with the most rows per band
/// (fewest false candidates) that keeps the recall target.
pub fn banding(threshold: f64) -> (usize, usize) {
    let target = (threshold - LSH_SLACK).max(0.05);
    let mut best = (NUM_PERM, 1);
    for rows in 1..=16 {
        let bands = NUM_PERM / rows;
        let p = 1.0 - (1.0 - target.powi(rows as i32)).powi(bands as i32);
        if p >= LSH_RECALL {
            best = (bands, rows);
        }
    }
    best
}

/// The hash of one band of a signature, salted with the n-gram length and
/// the band index so different bands never collide on purpose. Public so
/// that a distributed port buckets documents exactly as
/// [`candidate_pairs`] does.
pub fn band_hash(sig: &DocSignature, band: usize, rows: usize) -> u64 {
    let mut h = (u64::from(sig.ngram) << 32) ^ band as u64 ^ 0x243F_6A88_85A3_08D3;
    for &v in &sig.minhash[band * rows..(band + 1) * rows] {
        h = (h.rotate_left(5) ^ u64::from(v)).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
    h ^ (h >> 29)
}

/// Candidate pairs `(earlier, later)` from LSH band collisions, sorted and
/// distinct. Documents without a near signature take no part.
pub fn candidate_pairs(
    sigs: &[Option<&DocSignature>],
    bands: usize,
    rows: usize,
) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut entries: Vec<(u64, u32)> = Vec::with_capacity(sigs.len());
    for band in 0..bands {
        entries.clear();
        entries.extend(sigs.iter().enumerate().filter_map(|(i, s)| {
            let s = s.filter(|s| s.ngram > 0)?;
            Some((band_hash(s, band, rows), i as u32))
        }));
        entries.sort_unstable();
        for run in entries.chunk_by(|a, b| a.0 == b.0) {
            for (k, later) in run.iter().enumerate().skip(1) {
                for earlier in &run[..k.min(MAX_BUCKET_PAIRS)] {
                    pairs.push((earlier.1, later.1));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banding_meets_recall_target() {
        for t in [0.6, 0.7, 0.8, 0.9] {
            let (b, r) = banding(t);
            assert!(b * r <= NUM_PERM);
            let p = 1.0 - (1.0 - (t - LSH_SLACK).powi(r as i32)).powi(b as i32);
            assert!(p >= LSH_RECALL, "{t}: {b}x{r} gives {p}");
        }
        assert!(banding(0.9).1 > banding(0.6).1);
    }
}

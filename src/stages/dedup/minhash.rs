//! A document's fixed-size signature, made from its comparison key: the
//! first 128 bits of SHA-256 of the key (equal keys, exact duplicates) and a
//! MinHash of its character n-grams (near duplicates). Also the exact
//! Jaccard similarity of two keys' n-gram sets, which verifies what the
//! MinHash estimate proposes: both hash n-grams with the one function here,
//! so the estimate and the truth are about the same sets.
//!
//! Example: a key of 500 characters → `DocSignature { key_hash: [16 bytes],
//! ngram: 5, minhash: [128 × u32] }`; the key `短文` → `ngram: 0` and a
//! `minhash` of `u32::MAX` (too short to be near anything: exact only).
//!
//! Limits: the n-gram hash, the seed and the permutations are part of the
//! signature format, so changing any of them means a new
//! `SIGNATURE_VERSION`; keys shorter than [`SHORT_DOC_CHARS`] use 3-grams
//! and longer ones 5-grams, so two keys either side of that length never
//! compare as near; the estimate is within about ±0.035 (one standard
//! deviation) at Jaccard 0.8, which is why it only picks candidates.

use sha2::{Digest, Sha256};

/// MinHash values per document: 128 gives an estimate within ±0.035 (one
/// standard deviation) at Jaccard 0.8, enough to choose candidates that
/// are then verified exactly, in 512 bytes.
pub const NUM_PERM: usize = 128;

/// Character n-gram length: 5 characters is about two Chinese words, long
/// enough that unrelated texts share few n-grams, short enough that an edit
/// disturbs few.
pub const NGRAM: usize = 5;

/// N-gram length for short documents, where one edit in 5-grams would move
/// the similarity too far.
pub const SHORT_NGRAM: usize = 3;

/// Keys shorter than this many characters use [`SHORT_NGRAM`]: a headline
/// or a one-paragraph notice.
pub const SHORT_DOC_CHARS: usize = 120;

/// Keys shorter than this are matched exactly only: in a few dozen
/// characters, "similar" texts are usually different texts on a template.
pub const MIN_NEAR_CHARS: usize = 30;

/// Seed of the MinHash permutations. Part of the signature format: change
/// it and signatures from different runs no longer compare.
const MINHASH_SEED: u64 = 0x6361_6e6f_6e5f_6d68; // "canon_mh"

/// A document's fixed-size dedup signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSignature {
    /// First 128 bits of SHA-256 of the comparison key: equal keys, exact
    /// duplicates.
    pub key_hash: [u8; 16],
    /// The n-gram length of `minhash`, 0 when the key is too short for near
    /// matching (then `minhash` is all `u32::MAX`).
    pub ngram: u8,
    pub minhash: [u32; NUM_PERM],
}

/// The MinHash permutations: `a·x + b` modulo 2^32 with odd `a`, a
/// bijection of the 32-bit n-gram hash for each of the [`NUM_PERM`] pairs.
/// 32-bit lanes let the compiler vectorise the inner loop.
struct Permutations {
    a: [u32; NUM_PERM],
    b: [u32; NUM_PERM],
}

const fn permutations() -> Permutations {
    let mut a = [0u32; NUM_PERM];
    let mut b = [0u32; NUM_PERM];
    let mut state = MINHASH_SEED;
    let mut i = 0;
    while i < NUM_PERM {
        // const fn cannot call splitmix64 through &mut; inline it.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        a[i] = ((z ^ (z >> 31)) >> 32) as u32 | 1;
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        b[i] = ((z ^ (z >> 31)) >> 32) as u32;
        i += 1;
    }
    Permutations { a, b }
}

static PERMUTATIONS: Permutations = permutations();

/// The n-gram length used for a key of `chars` characters (0: exact only).
pub fn ngram_for(chars: usize) -> usize {
    if chars < MIN_NEAR_CHARS {
        0
    } else if chars < SHORT_DOC_CHARS {
        SHORT_NGRAM
    } else {
        NGRAM
    }
}

/// 64-bit hash of one n-gram of code points (FxHash-style mixing, then the
/// murmur3 finaliser so every bit depends on every character).
#[inline]
fn hash_ngram(chars: &[u32]) -> u64 {
    let mut h: u64 = chars.len() as u64;
    for &c in chars {
        h = (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

fn key_chars(key: &str) -> Vec<u32> {
    key.chars().map(u32::from).collect()
}

/// The sorted, distinct n-gram hashes of a key: what the true Jaccard
/// similarity is computed on.
pub fn shingles(key: &str, ngram: usize) -> Vec<u64> {
    let chars = key_chars(key);
    if ngram == 0 || chars.len() < ngram {
        return Vec::new();
    }
    let mut set: Vec<u64> = chars.windows(ngram).map(hash_ngram).collect();
    set.sort_unstable();
    set.dedup();
    set
}

/// Jaccard similarity of two sorted, distinct sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.len() + b.len() - common) as f64
}

/// Folds every n-gram of `chars` into `minhash`.
#[inline(always)]
fn minhash_windows(chars: &[u32], ngram: usize, minhash: &mut [u32; NUM_PERM]) {
    let p = &PERMUTATIONS;
    for window in chars.windows(ngram) {
        let x = (hash_ngram(window) >> 32) as u32;
        for ((m, a), b) in minhash.iter_mut().zip(&p.a).zip(&p.b) {
            *m = (*m).min(a.wrapping_mul(x).wrapping_add(*b));
        }
    }
}

/// [`minhash_windows`] compiled for AVX2: eight 32-bit lanes, about four
/// times the scalar speed.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn minhash_windows_avx2(chars: &[u32], ngram: usize, minhash: &mut [u32; NUM_PERM]) {
    minhash_windows(chars, ngram, minhash);
}

/// Integer arithmetic only, so both paths give the same values: the
/// signature does not depend on the CPU it was computed on.
fn fill_minhash(chars: &[u32], ngram: usize, minhash: &mut [u32; NUM_PERM]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 support was checked just above.
        unsafe { minhash_windows_avx2(chars, ngram, minhash) };
        return;
    }
    minhash_windows(chars, ngram, minhash);
}

/// The signature of a comparison key.
pub fn signature(key: &str) -> DocSignature {
    let digest = Sha256::digest(key.as_bytes());
    let mut key_hash = [0u8; 16];
    key_hash.copy_from_slice(&digest[..16]);
    let chars = key_chars(key);
    let ngram = ngram_for(chars.len());
    let mut minhash = [u32::MAX; NUM_PERM];
    if ngram > 0 {
        fill_minhash(&chars, ngram, &mut minhash);
    }
    DocSignature {
        key_hash,
        ngram: ngram as u8,
        minhash,
    }
}

/// The MinHash estimate of Jaccard similarity: the share of equal values.
pub fn estimate(a: &DocSignature, b: &DocSignature) -> f64 {
    if a.ngram != b.ngram || a.ngram == 0 {
        return 0.0;
    }
    let equal = a
        .minhash
        .iter()
        .zip(&b.minhash)
        .filter(|(x, y)| x == y)
        .count();
    equal as f64 / NUM_PERM as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::dedup::tests::text;

    #[test]
    fn signatures_are_deterministic_and_estimate_jaccard() {
        let a: String = (0..400)
            .map(|i| char::from_u32(0x4E00 + (i * 7919) % 2000).unwrap())
            .collect();
        let mut b = a.clone();
        b.replace_range(0..30, "");
        let (sa, sb) = (signature(&a), signature(&b));
        assert_eq!(sa, signature(&a));
        assert_eq!(sa.ngram as usize, NGRAM);
        let truth = jaccard(&shingles(&a, NGRAM), &shingles(&b, NGRAM));
        let est = estimate(&sa, &sb);
        assert!((est - truth).abs() < 0.12, "estimate {est} vs {truth}");
        assert!(truth > 0.85 && truth < 1.0);
    }

    #[test]
    fn minhash_paths_agree() {
        let chars = key_chars(&text(3, 500));
        let (mut fast, mut plain) = ([u32::MAX; NUM_PERM], [u32::MAX; NUM_PERM]);
        fill_minhash(&chars, NGRAM, &mut fast);
        minhash_windows(&chars, NGRAM, &mut plain);
        assert_eq!(fast, plain);
    }

    #[test]
    fn short_keys_get_short_ngrams_or_none() {
        assert_eq!(ngram_for(10), 0);
        assert_eq!(ngram_for(50), SHORT_NGRAM);
        assert_eq!(ngram_for(500), NGRAM);
        assert_eq!(signature("短文").ngram, 0);
    }

    #[test]
    fn the_ngram_changes_at_thirty_and_at_a_hundred_and_twenty_characters() {
        assert_eq!(ngram_for(29), 0);
        assert_eq!(ngram_for(30), SHORT_NGRAM);
        assert_eq!(ngram_for(119), SHORT_NGRAM);
        assert_eq!(ngram_for(120), NGRAM);
    }

    /// `len` distinct characters, and a copy with `edits` of them replaced
    /// far apart; their similarity as the near step measures it.
    fn edited_copy_similarity(len: usize, edits: &[usize]) -> f64 {
        let a: String = (0..len as u32)
            .map(|i| char::from_u32(0x4E00 + 3 * i).unwrap())
            .collect();
        let b: String = a
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if edits.contains(&i) {
                    char::from_u32(0x8000 + i as u32).unwrap()
                } else {
                    c
                }
            })
            .collect();
        let n = ngram_for(len);
        jaccard(&shingles(&a, n), &shingles(&b, n))
    }

    #[test]
    fn a_short_notice_with_three_edits_is_a_near_duplicate() {
        // 100 characters in 3-grams: 3 edits leave 89 of 107 (0.83).
        let s = edited_copy_similarity(100, &[10, 40, 70]);
        assert!(s >= crate::stages::dedup::DEFAULT_NEAR_THRESHOLD, "{s}");
    }

    #[test]
    fn a_document_with_four_edits_in_two_hundred_characters_is_a_near_duplicate() {
        // 200 characters in 5-grams: 4 edits leave 176 of 216 (0.81).
        let s = edited_copy_similarity(200, &[20, 70, 120, 170]);
        assert!(s >= crate::stages::dedup::DEFAULT_NEAR_THRESHOLD, "{s}");
        // A fifth edit is past the threshold.
        let s = edited_copy_similarity(200, &[10, 50, 90, 130, 170]);
        assert!(s < crate::stages::dedup::DEFAULT_NEAR_THRESHOLD, "{s}");
    }
}

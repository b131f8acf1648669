//! # dedup: one copy of each document, no repeated paragraphs
//!
//! Corpora repeat themselves: the same article in GBK and in UTF-8, in
//! Traditional and Simplified, reposted with a new footer, re-extracted with
//! other line breaks, lightly edited. Duplicates bias whatever is built on
//! the corpus. This module holds every piece of dedup logic as pure
//! functions; [`crate::pipeline`] runs the per-document part and
//! [`crate::corpus`] the corpus-wide part, doing all the I/O.
//!
//! ## Within a document ([`remove_repeats`])
//!
//! Extraction debris: a line identical to the previous non-blank line (a
//! doubled title), and a later exact repeat of an earlier paragraph long
//! enough ([`REPEAT_PARAGRAPH_MIN_CHARS`]) to be unambiguous.
//!
//! Example: `"第一章 总则\n第一章 总则\n正文。\n"` → `"第一章 总则\n正文。\n"`;
//! a short line such as `# 标题` (fewer than [`REPEAT_LINE_MIN_CHARS`]
//! letters and digits) stays doubled, since short lines repeat on purpose.
//!
//! ```
//! use canon::stages::dedup::remove_repeats;
//! let doubled = "第一章 总则\n第一章 总则\n正文。\n";
//! assert_eq!(remove_repeats(doubled).text, "第一章 总则\n正文。\n");
//! let short = "# 标题\n\n# 标题\n\n正文。\n";
//! assert_eq!(remove_repeats(short).text, short);
//! ```
//!
//! ## Across documents ([`find_duplicates`])
//!
//! Every document is reduced to a **comparison key** ([`comparison_key`]):
//! whitespace and line breaks dropped, full-width forms and CJK punctuation
//! folded to one spelling, ASCII lower-cased, Traditional and regional
//! variant characters folded to Simplified, and Taiwan vocabulary folded to
//! the mainland word (软体 → 软件, 资讯 → 信息, 网路 → 网络), so the key is the
//! same whatever script the corpus is written in. The folding is a
//! [`KeyFold`]; [`RegionalFold`] is a built-in table generated from OpenCC's
//! dictionaries, to be replaced by the `convert` stage's phrase-level
//! converter when it lands. The key is only compared, never written out.
//!
//! From the key, a fixed-size [`DocSignature`]: a 128-bit hash of the whole
//! key (exact duplicates) and a MinHash of its character n-grams (near
//! duplicates: 5-grams, 3-grams for short documents). Signatures are
//! computed per document in parallel, can be written to a file
//! ([`write_signatures`]) and merged shard by shard. Candidates come from LSH
//! banding; each is checked against the MinHash estimate and then against
//! the true Jaccard similarity of the n-gram sets (the caller re-reads the
//! two texts), so nothing is called a duplicate on an estimate alone.
//!
//! **Which copy survives**: the first in the corpus's sorted path order. A
//! later document is a near duplicate of the *survivor* most similar to it
//! (verified similarity ≥ the threshold), never of another duplicate, so
//! no chain A≈B≈C makes C a duplicate of an A it does not resemble. An
//! exact copy of a document the near pass removed is traced to that
//! document's survivor ([`resolve_survivors`]): every removal names a
//! document that stays. The result depends only on the sorted list of
//! texts: not on thread count, not on the order files were found.
//!
//! ## Boilerplate ([`boilerplate_candidates`], [`boilerplate_lines`])
//!
//! Short lines at the head or tail of a document (a navigation bar,
//! `来源 | 共产党员网`) that occur in many documents. Reported; removed only
//! on request ([`remove_lines`]).
//!
//! Limits: near duplicates are by n-gram Jaccard, so a copy with a long new
//! footer or a large cut is kept (containment is not tested); documents near
//! the short/long n-gram boundary are compared with different n-grams and
//! only exact keys match across it; boilerplate is looked for only among the
//! first and last [`BOILERPLATE_EDGE_LINES`] lines.
//!
//! ## Where things are
//!
//! The folder follows the path a document takes through the corpus-wide
//! part, one building block per file, each a function of the one before
//! (key → signature → candidate pairs → survivors). A block can then be
//! read, tested or ported (to Spark, say) on its own, and checked against
//! this one:
//!
//! - `key`: the comparison key, what counts as equal;
//! - `minhash`: the signature (key hash and MinHash) and the exact Jaccard
//!   it estimates, which share one n-gram hash;
//! - `lsh`: the banding, the band keys and the candidate pairs;
//! - `signature_file`: signatures written shard by shard, read to merge;
//! - `survivors`: the corpus pass that decides each duplicate (exact key,
//!   then near among what the key pass kept);
//! - `clusters`: each decision followed to its cluster's survivor, with the
//!   true Jaccard to it, and the clusters read whole ([`decide`] is the two
//!   together);
//! - `repeats`: lines removed within one document;
//! - `boilerplate`: lines that recur across documents;
//! - this file: the edit kinds `repeats` and `boilerplate` report and the
//!   line remover they share.
//!
//! Every public item is re-exported here: `canon::stages::dedup::NAME` is
//! its path, whichever file holds it.

mod boilerplate;
mod clusters;
mod key;
mod lsh;
mod minhash;
mod repeats;
mod signature_file;
mod survivors;

use std::borrow::Cow;

use super::{EditKind, Sample, StageReport};

pub use boilerplate::{
    BOILERPLATE_EDGE_LINES, BOILERPLATE_MAX_CHARS, BOILERPLATE_MIN_CHARS, BOILERPLATE_MIN_DOCS,
    BOILERPLATE_MIN_SHARE, boilerplate_candidates, boilerplate_lines, find_lines, find_lines_among,
    line_hash, remove_lines,
};
pub use clusters::{Cluster, Removal, clusters, decide, resolve_survivors};
pub use key::{KeyFold, NoFold, RegionalFold, comparison_key};
pub use lsh::{MAX_BUCKET_PAIRS, band_hash, banding, candidate_pairs};
pub use minhash::{
    DocSignature, MIN_NEAR_CHARS, NGRAM, NUM_PERM, SHORT_DOC_CHARS, SHORT_NGRAM, estimate, jaccard,
    ngram_for, shingles, signature,
};
pub use repeats::{REPEAT_LINE_MIN_CHARS, REPEAT_PARAGRAPH_MIN_CHARS, remove_repeats};
pub use signature_file::{SIGNATURE_MAGIC, SIGNATURE_VERSION, read_signatures, write_signatures};
pub use survivors::{
    DEFAULT_NEAR_THRESHOLD, ESTIMATE_SLACK, Match, MatchKind, NearConfig, find_duplicates,
};

/// A document's identity for byte-exact deduplication: SHA-256 of its text.
pub type Fingerprint = [u8; 32];

// ---------------------------------------------------------------------------
// What `repeats` and `boilerplate` share: their edits, how a line is removed
// ---------------------------------------------------------------------------

/// Characters of a removed line shown in a sample.
const SAMPLE_LINE_CHARS: usize = 40;

/// The kinds of edit the per-document part of this stage makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DedupEdit {
    /// A line identical to the previous non-blank line, removed.
    RepeatedLine,
    /// A long paragraph identical to an earlier one, removed.
    RepeatedParagraph,
    /// A line found in many documents, removed (only on request).
    BoilerplateLine,
}

impl EditKind for DedupEdit {
    fn name(self) -> &'static str {
        match self {
            DedupEdit::RepeatedLine => "repeated_line",
            DedupEdit::RepeatedParagraph => "repeated_paragraph",
            DedupEdit::BoilerplateLine => "boilerplate_line",
        }
    }
}

fn content_chars(line: &str) -> usize {
    line.chars().filter(|c| c.is_alphanumeric()).count()
}

fn removed_sample(line_no: usize, line: &str) -> Sample {
    let shown: String = line.chars().take(SAMPLE_LINE_CHARS).collect();
    Sample {
        line: line_no,
        before: shown,
        after: String::new(),
    }
}

/// Removes lines for which `drop` says so, together with the blank line
/// that separated each from the text before it, so paragraph spacing stays
/// as it was. `drop` sees the line and the lines kept so far.
fn drop_lines<'a>(
    text: &'a str,
    report: &mut StageReport<DedupEdit>,
    mut drop: impl FnMut(&'a str, &[&'a str]) -> Option<DedupEdit>,
) -> Cow<'a, str> {
    let mut kept: Vec<&'a str> = Vec::new();
    let mut changed = false;
    // Blank lines that followed a removed first line would open the text.
    let mut at_start = false;
    for (i, line) in text.split('\n').enumerate() {
        if at_start && line.trim().is_empty() {
            continue;
        }
        match drop(line, &kept) {
            None => {
                at_start = false;
                kept.push(line);
            }
            Some(kind) => {
                changed = true;
                at_start = kept.is_empty();
                report.add_sample(kind, removed_sample(i + 1, line));
                if kept.last().is_some_and(|l| l.trim().is_empty()) {
                    kept.pop();
                }
            }
        }
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    let mut out = kept.join("\n");
    // A removed last line takes its blank separator with it; keep the
    // text's final newline as it was.
    if text.ends_with('\n') && !out.ends_with('\n') && !out.is_empty() {
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if out.trim().is_empty() {
        out.clear();
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    // Inputs the parts' tests share.

    pub(super) fn key(s: &str) -> String {
        comparison_key(s, &RegionalFold)
    }

    pub(super) fn text(seed: u32, len: usize) -> String {
        (0..len as u32)
            .map(|i| {
                let x = (i.wrapping_mul(2_654_435_761) ^ seed.wrapping_mul(40503)) % 3000;
                char::from_u32(0x4E00 + x).unwrap()
            })
            .collect()
    }

    #[test]
    fn removing_the_first_lines_leaves_no_leading_blank() {
        let lines: HashSet<u64> = [line_hash("导航栏一二三四")].into_iter().collect();
        let text = "导航栏一二三四\n\n正文在这里。\n";
        let out = remove_lines(text, &lines);
        assert_eq!(out.text, "正文在这里。\n");
    }
}

//! Boilerplate lines: short lines at the head or tail of a document (a
//! navigation bar, `来源 | 共产党员网`) that recur across the corpus. Each
//! document gives its candidates, the corpus counts them, and the lines
//! found in enough documents are reported; they are removed only with
//! `--remove-boilerplate`.
//!
//! Example: with `来源 | 共产党员网` (or `来源｜共产党员网`) heading three
//! documents of four, `来源 | 共产党员网\n第一篇正文的内容。\n` →
//! `第一篇正文的内容。\n`.
//!
//! Limits: only the first and last [`BOILERPLATE_EDGE_LINES`] non-blank
//! lines are looked at, and only lines of [`BOILERPLATE_MIN_CHARS`] to
//! [`BOILERPLATE_MAX_CHARS`] characters; a line is matched whole (on its
//! comparison key, without the regional fold), so a footer with a date in
//! it differs in every document and is never found.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::key::{NoFold, comparison_key};
use super::{DedupEdit, content_chars, drop_lines};
use crate::stages::{StageOutput, StageReport};

/// Lines looked at for boilerplate at each end of a document: navigation,
/// source lines and footers sit there; the body is left to near matching.
pub const BOILERPLATE_EDGE_LINES: usize = 8;

/// A boilerplate line has at least this many letters (`来源` alone is a
/// word, not a site's signature).
pub const BOILERPLATE_MIN_CHARS: usize = 4;

/// And at most this many characters: long lines are content.
pub const BOILERPLATE_MAX_CHARS: usize = 80;

/// A line is boilerplate when it appears in at least this many documents…
pub const BOILERPLATE_MIN_DOCS: usize = 3;

/// …and in at least this share of the corpus, so that on a large corpus a
/// line a few articles happen to share (a quoted slogan) is not taken.
pub const BOILERPLATE_MIN_SHARE: f64 = 0.001;

/// Hash of a line for boilerplate counting, on its comparison key so width
/// and spacing variants count together.
pub fn line_hash(line: &str) -> u64 {
    let key = comparison_key(line, &NoFold);
    let digest = Sha256::digest(key.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

fn boilerplate_shaped(line: &str) -> bool {
    let t = line.trim();
    // The length first: it rules out every paragraph line with a count of
    // bytes, where the letter test looks up each character's class.
    t.chars().count() <= BOILERPLATE_MAX_CHARS && content_chars(t) >= BOILERPLATE_MIN_CHARS
}

/// The distinct hashes of a document's candidate boilerplate lines: short
/// lines among its first and last [`BOILERPLATE_EDGE_LINES`] non-blank
/// lines. At most `2 × BOILERPLATE_EDGE_LINES` values, sorted.
pub fn boilerplate_candidates(text: &str) -> Vec<u64> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let n = lines.len();
    let mut out: Vec<u64> = lines
        .iter()
        .enumerate()
        .filter(|&(i, l)| {
            (i < BOILERPLATE_EDGE_LINES || i + BOILERPLATE_EDGE_LINES >= n) && boilerplate_shaped(l)
        })
        .map(|(_, l)| line_hash(l))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The boilerplate line hashes of a corpus, given each document's
/// candidates: those in at least [`BOILERPLATE_MIN_DOCS`] documents and
/// [`BOILERPLATE_MIN_SHARE`] of them.
pub fn boilerplate_lines(per_doc: &[&[u64]]) -> HashSet<u64> {
    let min_docs =
        BOILERPLATE_MIN_DOCS.max((per_doc.len() as f64 * BOILERPLATE_MIN_SHARE).ceil() as usize);
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for doc in per_doc {
        for &h in *doc {
            *counts.entry(h).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|&(_, c)| c >= min_docs)
        .map(|(h, _)| h)
        .collect()
}

/// The lines of `text` that are boilerplate (in `lines`), as shown.
pub fn find_lines<'a>(text: &'a str, lines: &HashSet<u64>) -> Vec<&'a str> {
    find_lines_among(text, lines, &boilerplate_candidates(text))
}

/// [`find_lines`], given the document's [`boilerplate_candidates`]: a
/// corpus run has them from its first phase, and hashing the edge lines
/// again was a quarter of the boilerplate pass.
pub fn find_lines_among<'a>(
    text: &'a str,
    lines: &HashSet<u64>,
    candidates: &[u64],
) -> Vec<&'a str> {
    let candidates: HashSet<u64> = candidates
        .iter()
        .copied()
        .filter(|h| lines.contains(h))
        .collect();
    // A document none of whose edge lines is boilerplate has no line to
    // find: no need to hash every line of it.
    if candidates.is_empty() {
        return Vec::new();
    }
    text.lines()
        .filter(|l| boilerplate_shaped(l))
        .filter(|l| {
            let h = line_hash(l);
            candidates.contains(&h)
        })
        .collect()
}

/// Removes the boilerplate lines of `text` (those [`find_lines`] finds).
pub fn remove_lines<'a>(text: &'a str, lines: &HashSet<u64>) -> StageOutput<'a, DedupEdit> {
    let found: HashSet<&str> = find_lines(text, lines).into_iter().collect();
    let mut report = StageReport::default();
    let out = if found.is_empty() {
        Cow::Borrowed(text)
    } else {
        drop_lines(text, &mut report, |line, _| {
            found.contains(line).then_some(DedupEdit::BoilerplateLine)
        })
    };
    StageOutput { text: out, report }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_needs_several_documents() {
        let docs = [
            "来源 | 共产党员网\n第一篇正文的内容。\n",
            "来源｜共产党员网\n第二篇正文，完全不同。\n",
            "来源 | 共产党员网\n第三篇。\n",
            "没有来源行的文章内容。\n",
        ];
        let cands: Vec<Vec<u64>> = docs.iter().map(|d| boilerplate_candidates(d)).collect();
        let refs: Vec<&[u64]> = cands.iter().map(Vec::as_slice).collect();
        let lines = boilerplate_lines(&refs);
        assert_eq!(lines.len(), 1);
        assert_eq!(find_lines(docs[1], &lines), vec!["来源｜共产党员网"]);
        for (doc, cands) in docs.iter().zip(&cands) {
            assert_eq!(
                find_lines_among(doc, &lines, cands),
                find_lines(doc, &lines)
            );
        }
        let out = remove_lines(docs[0], &lines);
        assert_eq!(out.text, "第一篇正文的内容。\n");
        assert_eq!(out.report.count(DedupEdit::BoilerplateLine), 1);
        assert!(matches!(
            remove_lines(docs[3], &lines).text,
            Cow::Borrowed(_)
        ));
        assert!(
            boilerplate_lines(&refs[..2]).is_empty(),
            "two documents are not enough"
        );
    }

    #[test]
    fn candidates_come_from_the_first_and_last_eight_lines() {
        // 30 distinct short lines: the 8th line from each end is a
        // candidate, the 9th is not.
        let lines: Vec<String> = (0..30).map(|i| format!("栏目导航第{i}项")).collect();
        let text = lines.join("\n");
        let candidates = boilerplate_candidates(&text);
        assert_eq!(candidates.len(), 16);
        for (i, line) in lines.iter().enumerate() {
            let edge = !(8..22).contains(&i);
            assert_eq!(candidates.contains(&line_hash(line)), edge, "line {i}");
        }
    }

    #[test]
    fn a_boilerplate_line_has_four_letters_to_eighty_characters() {
        assert!(boilerplate_shaped("共产党员"));
        assert!(!boilerplate_shaped("党员网"));
        let long: String = "来源：共产党员网，转载请注明出处。"
            .chars()
            .cycle()
            .take(81)
            .collect();
        assert!(boilerplate_shaped(
            &long[..long.char_indices().nth(80).unwrap().0]
        ));
        assert!(!boilerplate_shaped(&long));
    }

    #[test]
    fn a_large_corpus_asks_for_a_thousandth_of_its_documents() {
        // 4,000 documents: a line must be in 4 of them (0.1 %), not 3.
        let (three, four) = (1u64, 2u64);
        let mut per_doc: Vec<Vec<u64>> = vec![Vec::new(); 4000];
        for doc in per_doc.iter_mut().take(3) {
            doc.push(three);
        }
        for doc in per_doc.iter_mut().skip(100).take(4) {
            doc.push(four);
        }
        let slices: Vec<&[u64]> = per_doc.iter().map(Vec::as_slice).collect();
        let found = boilerplate_lines(&slices);
        assert!(found.contains(&four));
        assert!(!found.contains(&three));
    }
}

//! The pipeline's stages, one per module, run in this order:
//! `decode` → `repair` → `normalize` → `convert` → `layout` → `dedup`.
//!
//! Every per-document stage is a pure function: text in, text out (a borrowed
//! `Cow` when nothing changed) plus a typed report of what it changed. Stages do
//! no I/O, print nothing and keep no mutable state; the manifest and
//! `canon explain` are built from their reports. `dedup` is the exception in
//! shape, not in purity: it runs once over the whole corpus.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

pub mod convert;
pub mod decode;
pub mod dedup;
pub mod layout;
pub mod normalize;
pub mod repair;

/// The stages a user may name on the command line (`decode` cannot be skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Decode,
    Repair,
    Normalize,
    Convert,
    Layout,
    Dedup,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 6] = [
        Stage::Decode,
        Stage::Repair,
        Stage::Normalize,
        Stage::Convert,
        Stage::Layout,
        Stage::Dedup,
    ];

    /// The name used on the command line and in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Decode => "decode",
            Stage::Repair => "repair",
            Stage::Normalize => "normalize",
            Stage::Convert => "convert",
            Stage::Layout => "layout",
            Stage::Dedup => "dedup",
        }
    }

    /// Parses a stage name as written on the command line.
    pub fn from_name(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How many before → after samples a report keeps per kind of edit: enough
/// for `canon explain` to show the pattern, small enough for the manifest.
pub const MAX_SAMPLES_PER_EDIT: usize = 3;

/// Characters of context kept on each side of a sample.
pub const SAMPLE_CONTEXT_CHARS: usize = 12;

/// One before → after excerpt of an edit, for `canon explain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// 1-based line number in the stage's input text.
    pub line: usize,
    pub before: String,
    pub after: String,
}

/// A kind of edit a stage made, how often, and a few samples.
///
/// `K` is the stage's own enum of edit kinds, so a report is typed: the
/// normalize stage cannot report a "mojibake" edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit<K> {
    pub kind: K,
    pub count: u64,
    pub samples: Vec<Sample>,
}

/// What one text stage changed in one document. Empty when nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageReport<K> {
    pub edits: Vec<Edit<K>>,
}

impl<K> Default for StageReport<K> {
    fn default() -> Self {
        StageReport { edits: Vec::new() }
    }
}

/// An edit kind: a stable snake_case name for the manifest.
pub trait EditKind: Copy + Eq + fmt::Debug {
    fn name(self) -> &'static str;
}

impl<K: EditKind> StageReport<K> {
    /// True when the stage changed nothing.
    pub fn is_empty(&self) -> bool {
        self.edits.iter().all(|e| e.count == 0)
    }

    /// Records `count` more edits of `kind` (no-op for zero, so a report only
    /// names what actually happened).
    pub fn add(&mut self, kind: K, count: u64) {
        if count == 0 {
            return;
        }
        match self.edits.iter_mut().find(|e| e.kind == kind) {
            Some(edit) => edit.count += count,
            None => self.edits.push(Edit {
                kind,
                count,
                samples: Vec::new(),
            }),
        }
    }

    /// Records one edit of `kind` with a sample, keeping at most
    /// [`MAX_SAMPLES_PER_EDIT`] samples.
    pub fn add_sample(&mut self, kind: K, sample: Sample) {
        self.add(kind, 1);
        if let Some(edit) = self.edits.iter_mut().find(|e| e.kind == kind)
            && edit.samples.len() < MAX_SAMPLES_PER_EDIT
        {
            edit.samples.push(sample);
        }
    }

    /// Records one edit of `kind`, building its sample only while the report
    /// still keeps samples of that kind: a sample costs a scan of the text
    /// around it, which must not happen for every edit of a long document.
    pub fn add_sample_with(&mut self, kind: K, sample: impl FnOnce() -> Sample) {
        let wants_sample = self
            .edits
            .iter()
            .find(|e| e.kind == kind)
            .is_none_or(|e| e.samples.len() < MAX_SAMPLES_PER_EDIT);
        if wants_sample {
            self.add_sample(kind, sample());
        } else {
            self.add(kind, 1);
        }
    }

    /// The count for one kind of edit (0 when absent).
    pub fn count(&self, kind: K) -> u64 {
        self.edits
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.count)
            .sum()
    }

    /// Erases the kind type, for the manifest and `explain`.
    pub fn summary(&self, stage: Stage) -> StageSummary {
        StageSummary {
            stage,
            edits: self
                .edits
                .iter()
                .filter(|e| e.count > 0)
                .map(|e| EditSummary {
                    kind: e.kind.name(),
                    count: e.count,
                    samples: e.samples.clone(),
                })
                .collect(),
        }
    }
}

/// A stage report with its kinds rendered as names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageSummary {
    pub stage: Stage,
    pub edits: Vec<EditSummary>,
}

/// One edit kind with its name, count and samples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditSummary {
    pub kind: &'static str,
    pub count: u64,
    pub samples: Vec<Sample>,
}

/// The output of a text stage: the new text (borrowed when unchanged) and its
/// report.
#[derive(Debug)]
pub struct StageOutput<'a, K> {
    pub text: Cow<'a, str>,
    pub report: StageReport<K>,
}

/// Byte length of the UTF-8 sequence that `lead` starts; 0 for a
/// continuation byte, which starts none. The stages' fast scans walk text
/// by its bytes and decode only the characters they need.
pub fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0x80..=0xBF => 0,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// The lines of `text`, as `text.split('\n')` gives them, found by memchr's
/// vectorised byte search: every byte of every document passes through the
/// stages' line loops.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(Some)
        .chain(std::iter::once(None))
        .map(move |end| {
            let end = end.unwrap_or(text.len());
            let line = &text[start..end];
            start = end + 1;
            line
        })
}

/// Builds a sample around the byte range `start..end` of `before`, which was
/// replaced by `replacement`. Context is cut at line ends and limited to
/// [`SAMPLE_CONTEXT_CHARS`] on each side.
pub fn sample_at(before: &str, start: usize, end: usize, replacement: &str) -> Sample {
    let line = before[..start].bytes().filter(|&b| b == b'\n').count() + 1;
    let left = context_left(&before[..start]);
    let right = context_right(&before[end..]);
    Sample {
        line,
        before: format!("{left}{}{right}", &before[start..end]),
        after: format!("{left}{replacement}{right}"),
    }
}

fn context_left(s: &str) -> &str {
    let s = match s.rfind('\n') {
        Some(i) => &s[i + 1..],
        None => s,
    };
    match s.char_indices().rev().nth(SAMPLE_CONTEXT_CHARS - 1) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

fn context_right(s: &str) -> &str {
    let s = match s.find('\n') {
        Some(i) => &s[..i],
        None => s,
    };
    match s.char_indices().nth(SAMPLE_CONTEXT_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum K {
        A,
    }
    impl EditKind for K {
        fn name(self) -> &'static str {
            "a"
        }
    }

    #[test]
    fn stage_names_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::from_name(s.name()), Some(s));
        }
        assert_eq!(Stage::from_name("nope"), None);
    }

    #[test]
    fn report_counts_and_caps_samples() {
        let mut r = StageReport::<K>::default();
        assert!(r.is_empty());
        r.add(K::A, 0);
        assert!(r.edits.is_empty(), "zero-count edits are not recorded");
        for i in 0..10 {
            r.add_sample(
                K::A,
                Sample {
                    line: i,
                    before: "x".into(),
                    after: "y".into(),
                },
            );
        }
        assert_eq!(r.count(K::A), 10);
        assert_eq!(r.edits[0].samples.len(), MAX_SAMPLES_PER_EDIT);
        assert_eq!(r.summary(Stage::Repair).edits[0].kind, "a");
    }

    #[test]
    fn utf8_len_reads_a_sequence_length_from_its_lead() {
        for c in [
            'a', 'é', '中', '𠮷', '\u{7F}', '\u{80}', '\u{7FF}', '\u{800}', '\u{FFFF}',
        ] {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(utf8_len(bytes[0]), c.len_utf8(), "{c:?}");
            assert!(bytes[1..].iter().all(|&b| utf8_len(b) == 0), "{c:?}");
        }
    }

    #[test]
    fn lines_agree_with_split() {
        for text in ["", "\n", "a", "a\n", "\na", "a\n\nb", "中\n文\r\n", "\n\n"] {
            let ours: Vec<&str> = lines(text).collect();
            let split: Vec<&str> = text.split('\n').collect();
            assert_eq!(ours, split, "{text:?}");
        }
    }

    #[test]
    fn samples_are_built_only_while_kept() {
        let mut r = StageReport::<K>::default();
        let mut built = 0;
        for i in 0..10 {
            r.add_sample_with(K::A, || {
                built += 1;
                Sample {
                    line: i,
                    before: "x".into(),
                    after: "y".into(),
                }
            });
        }
        assert_eq!(r.count(K::A), 10);
        assert_eq!(r.edits[0].samples.len(), MAX_SAMPLES_PER_EDIT);
        assert_eq!(built, MAX_SAMPLES_PER_EDIT);
    }

    #[test]
    fn sample_context_stops_at_line_ends() {
        let text = "first line\nabc XYZ def\nlast";
        let start = text.find("XYZ").unwrap();
        let s = sample_at(text, start, start + 3, "xyz");
        assert_eq!(s.line, 2);
        assert_eq!(s.before, "abc XYZ def");
        assert_eq!(s.after, "abc xyz def");
    }
}

//! The manifest: one JSON object per input, sorted by path, no timestamps,
//! so two runs over the same inputs give the same bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::stages::StageSummary;
use crate::stages::decode::DecodeReport;

/// File name of the manifest inside `--out`.
pub const MANIFEST_NAME: &str = "manifest.jsonl";

/// Confidence below which an entry carries a warning: the decoding may be
/// wrong and deserves a look.
pub const LOW_CONFIDENCE: f64 = 0.5;

/// What happened to an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Cleaned and written.
    Ok,
    /// Cleaned, but a copy of an earlier document: not written.
    Duplicate,
    /// Not text (binary) or not a regular file: left alone.
    Skipped,
    /// Could not be processed; `error` says why.
    Error,
}

/// The script of a document's Chinese text (detected by the convert stage).
pub use crate::stages::convert::Script;

/// The cluster member a duplicate's removal was decided against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matched {
    pub path: String,
    pub similarity: f64,
}

/// What happened to the records of one shard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCounts {
    /// Lines that were not blank.
    pub records: u64,
    /// Records cleaned and written (duplicates included, until dedup).
    pub cleaned: u64,
    /// Records found to duplicate an earlier one.
    pub duplicates: u64,
    /// Lines written to the rejects (listed in `warnings` by line number).
    pub rejected: u64,
    /// Cleaned records whose text came out empty.
    pub empty: u64,
    /// Blank lines, which hold no record.
    pub blank: u64,
    /// Parquet rows whose text is null or not text (a binary value that
    /// decodes as binary): written through untouched, not cleaned.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub untouched: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl RecordCounts {
    /// Adds another shard's counts.
    pub fn add(&mut self, other: &RecordCounts) {
        self.records += other.records;
        self.cleaned += other.cleaned;
        self.duplicates += other.duplicates;
        self.rejected += other.rejected;
        self.empty += other.empty;
        self.blank += other.blank;
        self.untouched += other.untouched;
    }
}

/// One manifest line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The input's path relative to its input root (lossy UTF-8).
    pub path: String,
    /// The path's raw bytes in hex, present only when `path` is not valid
    /// UTF-8 and had to be shown lossily.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<String>,
    /// The output's path relative to `--out`, or null when nothing was written.
    pub output: Option<String>,
    pub status: Status,
    pub encoding: Option<String>,
    pub confidence: Option<f64>,
    pub script: Script,
    /// Per stage, what it did: edit kind → count.
    pub changes: BTreeMap<String, BTreeMap<String, u64>>,
    /// The survivor of the document's duplicate cluster: always a document
    /// in the output.
    pub duplicate_of: Option<String>,
    /// True Jaccard against `duplicate_of`.
    pub similarity: Option<f64>,
    /// Present when the removal was decided against another member of the
    /// cluster than the survivor (an exact copy of a near duplicate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<Matched>,
    /// For a record shard: its counts (per-record detail is in each
    /// record's metadata field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<RecordCounts>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// SHA-256 of the cleaned text, when there is one.
    pub sha256: Option<String>,
    /// Details of the decoding decision (a [`DecodeReport`]).
    pub decode: Option<serde_json::Value>,
    /// Data problems worth a look (low confidence, lossy bytes, …).
    pub warnings: Vec<String>,
    pub error: Option<String>,
}

impl Entry {
    /// An entry with only the path filled in.
    pub fn new(path: String, path_bytes: Option<String>, bytes_in: u64) -> Entry {
        Entry {
            path,
            path_bytes,
            output: None,
            status: Status::Ok,
            encoding: None,
            confidence: None,
            script: Script::None,
            changes: BTreeMap::new(),
            duplicate_of: None,
            similarity: None,
            matched: None,
            records: None,
            bytes_in,
            bytes_out: 0,
            sha256: None,
            decode: None,
            warnings: Vec::new(),
            error: None,
        }
    }

    /// Fills in what decoding and the text stages reported.
    pub fn record_cleaning(&mut self, decode: &DecodeReport, changes: &[StageSummary]) {
        self.encoding = Some(decode.encoding.to_string());
        self.confidence = Some(decode.confidence);
        self.decode = serde_json::to_value(decode).ok();
        if decode.replacements > 0 {
            self.changes
                .entry("decode".into())
                .or_default()
                .insert("replacements".into(), decode.replacements);
            self.warnings.push(format!(
                "{} malformed byte sequence(s) replaced by U+FFFD",
                decode.replacements
            ));
        }
        if let Some(mixed) = &decode.mixed {
            self.warnings.push(format!(
                "mixed encodings: {} line(s) decoded as {}",
                mixed.lines, mixed.encoding
            ));
        }
        if decode.confidence < LOW_CONFIDENCE {
            self.warnings.push(format!(
                "low confidence ({:.2}) in encoding {}",
                decode.confidence, decode.encoding
            ));
        }
        for summary in changes {
            for edit in &summary.edits {
                // Text was lost before it reached us, or could not be
                // repaired: worth a look, like decoding damage.
                let what = match edit.kind {
                    "lost_bytes" => "lost span(s) left as U+FFFD",
                    "misaligned_run" => {
                        "misaligned double-byte run(s) realigned, lost characters left as U+FFFD"
                    }
                    "private_use" => "private-use character(s) left in place",
                    "restored_from_reading" => "lost hanzi restored from their pinyin reading",
                    _ => continue,
                };
                self.warnings.push(format!("{} {what}", edit.count));
            }
            let stage = self.changes.entry(summary.stage.name().into()).or_default();
            for edit in &summary.edits {
                *stage.entry(edit.kind.into()).or_default() += edit.count;
            }
        }
    }

    /// Marks the entry failed with `message`.
    pub fn fail(&mut self, message: String) {
        self.status = Status::Error;
        self.output = None;
        self.error = Some(message);
    }

    /// Marks the entry skipped for `reason`.
    pub fn skip(&mut self, reason: String) {
        self.status = Status::Skipped;
        self.output = None;
        self.warnings.push(reason);
    }
}

/// Renders entries (or any of canon's report lines) as JSON Lines.
pub fn to_jsonl<T: Serialize>(entries: &[T]) -> String {
    let mut out = String::new();
    for entry in entries {
        out.push_str(&serde_json::to_string(entry).expect("report lines always serialize"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_text_is_a_warning() {
        use crate::stages::{EditSummary, Stage, StageSummary};
        let decode = crate::stages::decode::decode(b"plain\n");
        let crate::stages::decode::Decoded::Text { report, .. } = decode else {
            panic!("text")
        };
        let repair = StageSummary {
            stage: Stage::Repair,
            edits: vec![EditSummary {
                kind: "lost_bytes",
                count: 2,
                samples: vec![],
            }],
        };
        let mut e = Entry::new("a.txt".into(), None, 6);
        e.record_cleaning(&report, &[repair]);
        assert_eq!(e.warnings, vec!["2 lost span(s) left as U+FFFD"]);
        assert_eq!(e.changes["repair"]["lost_bytes"], 2);
    }

    #[test]
    fn entry_serializes_with_required_fields() {
        let e = Entry::new("a/b.txt".into(), None, 10);
        let v: serde_json::Value = serde_json::from_str(&to_jsonl(&[e])).unwrap();
        for key in [
            "path",
            "output",
            "status",
            "encoding",
            "confidence",
            "script",
            "changes",
            "duplicate_of",
            "bytes_in",
            "bytes_out",
            "sha256",
            "error",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["status"], "ok");
        assert_eq!(v["script"], "none");
        assert!(v.get("path_bytes").is_none());
    }
}

//! The per-document pipeline: `decode` → `repair` → `normalize` → `convert`
//! → `layout`, each stage's report kept for the manifest and `explain`.
//! Corpus-wide `dedup` runs afterwards, in [`crate::corpus`].

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::stages::decode::{self, BinaryKind, DecodeReport, Decoded};
use crate::stages::{
    EditKind, Stage, StageOutput, StageSummary, convert, layout, normalize, repair,
};

/// What the user chose for a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Stages not to run (`decode` is never skipped).
    pub skip: BTreeSet<Stage>,
}

impl Options {
    /// Whether `stage` runs.
    pub fn runs(&self, stage: Stage) -> bool {
        stage == Stage::Decode || !self.skip.contains(&stage)
    }
}

/// A document after the per-document stages.
#[derive(Debug)]
pub struct Cleaned {
    pub text: String,
    pub decode: DecodeReport,
    /// One summary per stage that changed something, in pipeline order.
    pub changes: Vec<StageSummary>,
}

/// The outcome for one document's bytes.
#[derive(Debug)]
pub enum Outcome {
    Text(Cleaned),
    Binary(BinaryKind),
}

/// Decodes `bytes` and runs the per-document text stages.
pub fn clean_bytes(bytes: &[u8], options: &Options) -> Outcome {
    match decode::decode(bytes) {
        Decoded::Binary(kind) => Outcome::Binary(kind),
        Decoded::Text { text, report } => {
            let (text, changes) = clean_text(&text, options);
            Outcome::Text(Cleaned {
                text: text.into_owned(),
                decode: report,
                changes,
            })
        }
    }
}

/// Runs the per-document text stages on already-decoded text.
pub fn clean_text<'a>(text: &'a str, options: &Options) -> (Cow<'a, str>, Vec<StageSummary>) {
    let mut changes = Vec::new();
    let mut current = Cow::Borrowed(text);
    current = apply(
        current,
        Stage::Repair,
        options,
        &mut changes,
        repair::repair,
    );
    current = apply(
        current,
        Stage::Normalize,
        options,
        &mut changes,
        normalize::normalize,
    );
    current = apply(
        current,
        Stage::Convert,
        options,
        &mut changes,
        convert::convert,
    );
    current = apply(
        current,
        Stage::Layout,
        options,
        &mut changes,
        layout::layout,
    );
    (current, changes)
}

/// Runs one stage on the current text unless skipped, keeping its summary
/// when it changed something. Borrowed text stays borrowed until a stage
/// actually changes it.
fn apply<'a, K: EditKind>(
    current: Cow<'a, str>,
    stage: Stage,
    options: &Options,
    changes: &mut Vec<StageSummary>,
    run: impl for<'t> Fn(&'t str) -> StageOutput<'t, K>,
) -> Cow<'a, str> {
    if !options.runs(stage) {
        return current;
    }
    let (text, report) = {
        let out = run(&current);
        let owned = match out.text {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(s),
        };
        (owned, out.report)
    };
    if !report.is_empty() {
        changes.push(report.summary(stage));
    }
    match text {
        Some(s) => Cow::Owned(s),
        None => current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_text_stays_borrowed() {
        let (text, changes) = clean_text("中文\n", &Options::default());
        assert!(matches!(text, Cow::Borrowed(_)));
        assert!(changes.is_empty());
    }

    #[test]
    fn skipped_stage_does_nothing() {
        let options = Options {
            // layout also trims line ends, so it is skipped too.
            skip: [Stage::Normalize, Stage::Layout].into_iter().collect(),
        };
        let (text, changes) = clean_text("a \r\n", &options);
        assert_eq!(text, "a \r\n");
        assert!(changes.is_empty());
        let (text, changes) = clean_text("a \r\n", &Options::default());
        assert_eq!(text, "a\n");
        assert_eq!(changes[0].stage, Stage::Normalize);
    }

    #[test]
    fn gbk_bytes_come_out_as_utf8() {
        let (bytes, _, _) =
            encoding_rs::GBK.encode("网络安全和信息化是事关国家安全和国家发展的重大战略问题。\r\n");
        match clean_bytes(&bytes, &Options::default()) {
            Outcome::Text(c) => {
                assert_eq!(
                    c.text,
                    "网络安全和信息化是事关国家安全和国家发展的重大战略问题。\n"
                );
                assert_eq!(c.decode.encoding, "GBK");
            }
            Outcome::Binary(k) => panic!("{k}"),
        }
    }
}

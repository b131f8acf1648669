//! The per-document pipeline: `decode` → `repair` → `normalize` → `convert`
//! → `layout` → `dedup` (within-document repeats), each stage's report kept
//! for the manifest and `explain`. Corpus-wide `dedup` runs afterwards, in
//! [`crate::corpus`].

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use crate::stages::convert::{Converter, Script};
use crate::stages::decode::{self, BinaryKind, DecodeReport, Decoded};
use crate::stages::{
    EditKind, MAX_SAMPLES_PER_EDIT, Stage, StageOutput, StageSummary, convert, dedup, layout,
    normalize, repair,
};
use crate::timings::StageTimes;

/// What the user chose for a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// Stages not to run (`decode` is never skipped).
    pub skip: BTreeSet<Stage>,
    /// Keep repeated lines and paragraphs within a document (`--keep-repeats`).
    pub keep_repeats: bool,
    /// Corpus-wide duplicate settings (`--near-threshold`, `--exact-only`).
    pub near: dedup::NearConfig,
    /// Remove cross-document boilerplate lines (`--remove-boilerplate`).
    pub remove_boilerplate: bool,
    /// The `convert` stage's config and engine, built once per run and
    /// shared by every document (`--convert`, default `t2s`).
    pub converter: Arc<Converter>,
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
    /// The script the document was written in (before `convert`).
    pub script: Script,
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
    clean_bytes_timed(bytes, options, &mut StageTimes::default())
}

/// [`clean_bytes`], adding the time spent in each stage to `times`.
pub fn clean_bytes_timed(bytes: &[u8], options: &Options, times: &mut StageTimes) -> Outcome {
    match times.time(Stage::Decode, || decode::decode(bytes)) {
        Decoded::Binary(kind) => Outcome::Binary(kind),
        Decoded::Text { text, report } => {
            let cleaned = clean_text_timed(&text, options, times);
            let mut text = cleaned.text.into_owned();
            let mut changes = cleaned.changes;
            // Cleaning can turn text into 7-bit ASCII that reads as HZ or
            // ISO-2022 (a no-break space becoming a space was enough, in a
            // fuzzed input). The output is what the next run decodes, so
            // decode it the way that run would, until it stays put.
            for _ in 0..MAX_REDECODES {
                let Decoded::Text {
                    text: again,
                    report: second,
                } = times.time(Stage::Decode, || decode::decode(text.as_bytes()))
                else {
                    break;
                };
                if second.method != decode::Method::Escapes {
                    break;
                }
                let recleaned = clean_text_timed(&again, options, times).text.into_owned();
                let mut decode_edits = crate::stages::StageReport::<RedecodeEdit>::default();
                decode_edits.add(RedecodeEdit::OutputReadAs7Bit, 1);
                merge_changes(&mut changes, vec![decode_edits.summary(Stage::Decode)]);
                text = recleaned;
            }
            Outcome::Text(Cleaned {
                text,
                decode: report,
                script: cleaned.script,
                changes,
            })
        }
    }
}

/// How many times a cleaned output is decoded again (see [`clean_bytes`]):
/// once is enough in practice; the cap guards against a loop.
const MAX_REDECODES: usize = 2;

/// Edits the pipeline itself makes at the decode step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedecodeEdit {
    /// The cleaned output was 7-bit text in an escape encoding (HZ,
    /// ISO-2022) and was decoded and cleaned again.
    OutputReadAs7Bit,
}

impl EditKind for RedecodeEdit {
    fn name(self) -> &'static str {
        match self {
            RedecodeEdit::OutputReadAs7Bit => "output_read_as_7bit",
        }
    }
}

/// Runs the per-document text stages on already-decoded text.
pub fn clean_text<'a>(text: &'a str, options: &Options) -> (Cow<'a, str>, Vec<StageSummary>) {
    let cleaned = clean_text_detailed(text, options);
    (cleaned.text, cleaned.changes)
}

/// The per-document stages' results for one text.
#[derive(Debug)]
pub struct CleanedText<'a> {
    pub text: Cow<'a, str>,
    /// One summary per stage that changed something, in pipeline order.
    pub changes: Vec<StageSummary>,
    /// The script the text was written in, detected before `convert`
    /// (also when `convert` is skipped).
    pub script: Script,
}

/// Most passes of the per-document stages over one text. Stages interact
/// (layout joins lines, and the joined line gives normalize a new Chinese
/// neighbour for a comma; a wider joined line changes layout's own width
/// evidence), so one pass is not always a fixed point. Real documents settle
/// in two passes; wrapped binary-like junk with bare CRs was seen to need
/// five (`fixtures/fuzz/layout-five-passes.bin`: each pass joins one more
/// line). Passes stop as soon as the text stops changing, so the cap only
/// guards against a pathological oscillation.
const MAX_PASSES: usize = 8;

/// The per-document text stages, in the order a pass runs them.
const TEXT_STAGES: [Stage; 5] = [
    Stage::Repair,
    Stage::Normalize,
    Stage::Convert,
    Stage::Layout,
    Stage::Dedup,
];

/// Whether running `stage` on its own output changes nothing and reports
/// nothing, so that a stage whose output no later stage changed need not
/// run again. Two stages are not: layout, because a joined line is wider,
/// and a wider line is evidence for joining its neighbours too (see
/// [`MAX_PASSES`]); repair, because a second run can repair more (the
/// property tests found Big5 mojibake with lost bytes where it does).
/// `tests/properties.rs` checks the claim for the other stages on damaged
/// real text, and the whole schedule against [`clean_text_every_pass`].
fn is_idempotent(stage: Stage) -> bool {
    !matches!(stage, Stage::Layout | Stage::Repair)
}

/// Runs the per-document text stages until the text stops changing (at
/// most `MAX_PASSES` passes), keeping the script detected on the first
/// pass. This is what makes `clean(clean(x)) == clean(x)`.
///
/// It gives the same text and reports as running every stage in every pass
/// ([`clean_text_every_pass`]), but runs a stage again only when its input
/// changed since it last ran: a stage given the same text does the same
/// thing (stages are pure), and an idempotent stage given its own output
/// does nothing. So a document only convert changed is checked by repair
/// and normalize once more, not by all five stages, and the pass that
/// would change nothing is not run at all.
pub fn clean_text_detailed<'a>(text: &'a str, options: &Options) -> CleanedText<'a> {
    clean_text_timed(text, options, &mut StageTimes::default())
}

/// [`clean_text_detailed`], adding the time spent in each stage (summed
/// over passes) to `times`.
pub fn clean_text_timed<'a>(
    text: &'a str,
    options: &Options,
    times: &mut StageTimes,
) -> CleanedText<'a> {
    let mut current = Cow::Borrowed(text);
    let mut changes = Vec::new();
    let mut script = Script::None;
    // Per stage of TEXT_STAGES: whether its input may differ from what it
    // last saw or made (so it must run).
    let mut stale = [true; TEXT_STAGES.len()];
    for pass in 0..MAX_PASSES {
        if !stale.contains(&true) {
            break;
        }
        // The pass's input is kept until the pass ends, as the plain loop
        // keeps it, to tell a pass that changed nothing in the end.
        let mut now: Option<String> = None;
        let mut pass_changes = Vec::new();
        for (i, &stage) in TEXT_STAGES.iter().enumerate() {
            if !std::mem::take(&mut stale[i]) {
                continue;
            }
            let input = now.as_deref().unwrap_or(&current);
            let (next, stage_script) = times.time(stage, || {
                run_stage(input, stage, options, &mut pass_changes)
            });
            if pass == 0
                && let Some(s) = stage_script
            {
                script = s;
            }
            if let Some(next) = next {
                now = Some(next);
                stale = [true; TEXT_STAGES.len()];
                stale[i] = !is_idempotent(stage);
            }
        }
        let Some(now) = now.filter(|now| *now != *current) else {
            // As in `clean_text_every_pass`, a pass that changed nothing
            // ends the loop and adds nothing (but the first pass's reports).
            if pass == 0 {
                changes = pass_changes;
            }
            break;
        };
        if pass == 0 {
            changes = pass_changes;
        } else {
            merge_changes(&mut changes, pass_changes);
        }
        current = Cow::Owned(now);
    }
    CleanedText {
        text: current,
        changes,
        script,
    }
}

/// The plain fixed point: every stage in every pass until a pass changes
/// nothing. Kept as the reference [`clean_text_detailed`] is tested
/// against (`tests/properties.rs`, the fuzz target); not for production.
#[doc(hidden)]
pub fn clean_text_every_pass<'a>(text: &'a str, options: &Options) -> CleanedText<'a> {
    let first = one_pass(text, options);
    let Cow::Owned(mut current) = first.text else {
        return first;
    };
    let mut changes = first.changes;
    for _ in 1..MAX_PASSES {
        let next = one_pass(&current, options);
        if next.text == current.as_str() {
            break;
        }
        let text = next.text.into_owned();
        merge_changes(&mut changes, next.changes);
        current = text;
    }
    CleanedText {
        text: Cow::Owned(current),
        changes,
        script: first.script,
    }
}

/// Adds a later pass's edits to the first pass's, stage by stage.
fn merge_changes(into: &mut Vec<StageSummary>, later: Vec<StageSummary>) {
    for summary in later {
        match into.iter_mut().find(|s| s.stage == summary.stage) {
            None => into.push(summary),
            Some(existing) => {
                for edit in summary.edits {
                    match existing.edits.iter_mut().find(|e| e.kind == edit.kind) {
                        None => existing.edits.push(edit),
                        Some(e) => {
                            e.count += edit.count;
                            let room = MAX_SAMPLES_PER_EDIT.saturating_sub(e.samples.len());
                            e.samples.extend(edit.samples.into_iter().take(room));
                        }
                    }
                }
            }
        }
    }
    into.sort_by_key(|s| s.stage);
}

/// One pass of the per-document text stages (for [`clean_text_every_pass`]).
fn one_pass<'a>(text: &'a str, options: &Options) -> CleanedText<'a> {
    let mut changes = Vec::new();
    let mut current = Cow::Borrowed(text);
    let mut script = Script::None;
    for stage in TEXT_STAGES {
        let (next, stage_script) = run_stage(&current, stage, options, &mut changes);
        if let Some(next) = next {
            current = Cow::Owned(next);
        }
        script = stage_script.unwrap_or(script);
    }
    CleanedText {
        text: current,
        changes,
        script,
    }
}

/// Runs one text stage (unless the options leave it out), keeping its
/// summary when it reported something: the new text if it changed it, and,
/// for `convert`, the script it detected (detected without converting when
/// `convert` is skipped).
fn run_stage(
    text: &str,
    stage: Stage,
    options: &Options,
    changes: &mut Vec<StageSummary>,
) -> (Option<String>, Option<Script>) {
    let converter = &*options.converter;
    match stage {
        _ if !options.runs(stage) => {
            let script = (stage == Stage::Convert).then(|| converter.detect(text));
            (None, script)
        }
        Stage::Repair => (apply(stage, changes, repair::repair(text)), None),
        Stage::Normalize => (apply(stage, changes, normalize::normalize(text)), None),
        Stage::Convert => {
            let converted = convert::convert(text, converter);
            let script = Some(converted.script);
            (apply(stage, changes, converted.output), script)
        }
        Stage::Layout => (apply(stage, changes, layout::layout(text)), None),
        Stage::Dedup if !options.keep_repeats => {
            (apply(stage, changes, dedup::remove_repeats(text)), None)
        }
        Stage::Dedup | Stage::Decode => (None, None),
    }
}

/// Keeps a stage's summary when it reported something, and returns its
/// text if it changed it (a borrowed output is the unchanged input).
fn apply<K: EditKind>(
    stage: Stage,
    changes: &mut Vec<StageSummary>,
    out: StageOutput<'_, K>,
) -> Option<String> {
    if !out.report.is_empty() {
        changes.push(out.report.summary(stage));
    }
    match out.text {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
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
            ..Options::default()
        };
        let (text, changes) = clean_text("a \r\n", &options);
        assert_eq!(text, "a \r\n");
        assert!(changes.is_empty());
        let (text, changes) = clean_text("a \r\n", &Options::default());
        assert_eq!(text, "a\n");
        assert_eq!(changes[0].stage, Stage::Normalize);
    }

    #[test]
    fn stages_run_to_a_fixed_point() {
        // Found by proptest: one pass joined `A` to the next line, which then
        // looked wide enough for layout to join the line after it too. (A
        // bare `A` no longer runs on into a lower-case line, which Latin
        // prose does but a heading ending with a Latin word need not: the
        // comma makes it prose.)
        let text = "一\n一\n一\nA,\na一;一\n一";
        let (once, changes) = clean_text(text, &Options::default());
        let (twice, _) = clean_text(&once, &Options::default());
        assert_eq!(twice, once);
        let layout = changes.iter().find(|s| s.stage == Stage::Layout).unwrap();
        assert_eq!(layout.edits[0].count, 2, "both passes' joins are counted");
    }

    #[test]
    fn repeats_are_removed_unless_kept() {
        // Layout would also remove the blank lines: keep it out of the way.
        let no_layout = Options {
            skip: [Stage::Layout].into_iter().collect(),
            ..Options::default()
        };
        let text = "重复的标题\n\n重复的标题\n\n正文。\n";
        let (out, changes) = clean_text(text, &no_layout);
        assert_eq!(out, "重复的标题\n\n正文。\n");
        assert_eq!(changes.last().unwrap().stage, Stage::Dedup);
        for options in [
            Options {
                keep_repeats: true,
                ..no_layout.clone()
            },
            Options {
                skip: [Stage::Dedup, Stage::Layout].into_iter().collect(),
                ..Options::default()
            },
        ] {
            let (out, changes) = clean_text(text, &options);
            assert_eq!(out, text);
            assert!(changes.is_empty());
        }
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

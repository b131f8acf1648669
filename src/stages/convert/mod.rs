//! # convert: one script per corpus, OpenCC-compatible
//!
//! A canonical Chinese corpus has one script. This stage detects the script
//! of each document (`simplified`, `traditional`, `mixed` or `none`) and
//! converts it to the target script with OpenCC's dictionaries and
//! algorithm ([`opencc`], over the data the `zhhz` crate embeds): by
//! default OpenCC's `t2s` (Traditional → Simplified); `tw2s`, `tw2sp`,
//! `hk2s` read Taiwan or Hong Kong Traditional, and `s2t`, `s2tw`, `s2twp`,
//! `s2hk` go the other way for users who want Traditional output.
//! `docs/CONVERT.md` says why this data and this engine, with the
//! measurements.
//!
//! Example (`t2s`): `從網絡大國闊步邁向網絡強國` → `从网络大国阔步迈向网络强国`.
//!
//! Why detect first: OpenCC's tables are written for text in the source
//! script. Run over text that is already in the target script they make
//! false changes (`t2s` maps the Simplified `坏` to `坯`; other engines turn
//! `显著` into `显着`). So a document already in the target script is left
//! alone, byte for byte; only documents in the source script, or mixing
//! both, are converted. Documents with no Chinese, and Japanese or Korean
//! documents (whose kanji/hanja look Traditional), have script `none` and
//! are never converted.
//!
//! Limits: conversion is per document, not per sentence, so a Simplified
//! quotation inside a Traditional document goes through the `t2s` tables
//! (which leave almost all Simplified text as it is; the known exceptions
//! are overridden in [`T2S_OVERRIDES`]; `tw2sp` and `s2twp` also translate
//! vocabulary, `智慧` → `智能`, as OpenCC does). OpenCC's own choices stand
//! where one Traditional character has several Simplified readings: the
//! engine follows OpenCC's phrase tables, no statistical model. Japanese is
//! recognised by its kana, or, when written without kana (a title, a list
//! of terms), by the shinjitai and kokuji Chinese never uses (`広`, `駅`,
//! `込`); a short kanji-only Japanese text with none of those (`東京大学`)
//! is taken for Chinese.
//!
//! ## Where things are
//!
//! Split by what a reader comes looking for, each part a question of its own
//! that goes wrong in its own way:
//!
//! - this file, the stage: [`Converter`] (built once per run, shared by the
//!   threads), [`convert`], and how its report counts and samples the
//!   characters that changed;
//! - `script.rs`, script detection ([`Script`], its thresholds, the Japanese
//!   and Korean test): whether a document is converted at all. A wrong
//!   verdict leaves a document unconverted, or converts a Japanese one;
//! - `config.rs`, the shipped configs ([`ConvertConfig`]) and the words each
//!   puts ahead of OpenCC's dictionaries ([`T2S_OVERRIDES`],
//!   [`TW2S_OVERRIDES`]): data choices, checked against OpenCC. A wrong
//!   entry changes a word;
//! - [`opencc`], the engine: OpenCC's algorithm over zhhz's data, checked
//!   against zhhz on every config. It knows nothing of scripts or reports,
//!   and needs from the rest of `stages` only the shared `utf8_len`.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

mod config;
pub mod opencc;
mod script;

pub use config::{ConvertConfig, T2S_OVERRIDES, TW2S_OVERRIDES};
pub(super) use script::CjkLetters;
pub use script::{
    FOREIGN_SCRIPT_SHARE, JAPANESE_ONLY_MIN, JAPANESE_ONLY_SHARE, MIXED_MIN_MINORITY,
    MIXED_MINORITY_SHARE, Script, is_han,
};

use self::opencc::Engine;
use self::script::ScriptTables;
use super::{EditKind, StageOutput, StageReport, sample_at, utf8_len};

/// The converter for a run: the config, the script tables and the engine.
///
/// Built once per run and shared by reference between threads. Both the
/// script tables and the engine are built on first use (the engine's
/// dictionaries take about a second) and are immutable afterwards.
pub struct Converter {
    config: ConvertConfig,
    tables: OnceLock<ScriptTables>,
    engine: OnceLock<Engine>,
}

impl Converter {
    pub fn new(config: ConvertConfig) -> Converter {
        Converter {
            config,
            tables: OnceLock::new(),
            engine: OnceLock::new(),
        }
    }

    pub fn config(&self) -> ConvertConfig {
        self.config
    }

    /// The script of `text`.
    pub fn detect(&self, text: &str) -> Script {
        self.tables.get_or_init(ScriptTables::build).detect(text)
    }

    /// Converts `text` unconditionally with the config's tables.
    pub fn convert_text(&self, text: &str) -> String {
        self.engine().convert(text)
    }

    fn engine(&self) -> &Engine {
        self.engine.get_or_init(|| {
            // The configs are zhhz's own, embedded in it: one that does not
            // resolve is a build defect, not an input problem.
            Engine::new(self.config.name(), &self.config.overrides())
                .unwrap_or_else(|e| panic!("OpenCC config {}: {e}", self.config))
        })
    }
}

impl Default for Converter {
    fn default() -> Converter {
        Converter::new(ConvertConfig::default())
    }
}

impl fmt::Debug for Converter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Converter")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Converter {
    fn eq(&self, other: &Converter) -> bool {
        self.config == other.config
    }
}

impl Eq for Converter {}

/// The kinds of edit this stage makes (count: characters changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvertEdit {
    /// Traditional characters or words written in Simplified.
    ToSimplified,
    /// Simplified characters or words written in Traditional.
    ToTraditional,
}

impl EditKind for ConvertEdit {
    fn name(self) -> &'static str {
        match self {
            ConvertEdit::ToSimplified => "to_simplified",
            ConvertEdit::ToTraditional => "to_traditional",
        }
    }
}

/// The stage's output: the text and report, and the script the document
/// was written in (before conversion), for the manifest.
#[derive(Debug)]
pub struct Converted<'a> {
    pub output: StageOutput<'a, ConvertEdit>,
    pub script: Script,
}

/// Runs the stage on one document.
pub fn convert<'a>(text: &'a str, converter: &Converter) -> Converted<'a> {
    let script = converter.detect(text);
    let mut report = StageReport::default();
    if !converter.config.converts(script) {
        return Converted {
            output: StageOutput {
                text: Cow::Borrowed(text),
                report,
            },
            script,
        };
    }
    let kind = if converter.config.to_simplified() {
        ConvertEdit::ToSimplified
    } else {
        ConvertEdit::ToTraditional
    };
    let converted = converter.convert_text(text);
    if converted == text {
        return Converted {
            output: StageOutput {
                text: Cow::Borrowed(text),
                report,
            },
            script,
        };
    }
    record_changes(text, &converted, kind, &mut report);
    Converted {
        output: StageOutput {
            text: Cow::Owned(converted),
            report,
        },
        script,
    }
}

/// Longest changed span a sample shows: a clause, enough to read the
/// conversion in `canon explain` without copying whole paragraphs into the
/// report.
pub const MAX_SAMPLE_SPAN_CHARS: usize = 24;

/// Counts changed characters line by line (the engine never adds or
/// removes line breaks) and samples each changed line's span from its first
/// to its last change (at most [`MAX_SAMPLE_SPAN_CHARS`] characters).
fn record_changes(
    before: &str,
    after: &str,
    kind: ConvertEdit,
    report: &mut StageReport<ConvertEdit>,
) {
    let mut offset = 0;
    for (old, new) in before
        .split_inclusive('\n')
        .zip(after.split_inclusive('\n'))
    {
        if old != new {
            let (changed, old_span, new_span) = changed_span(old, new);
            let start = offset + old_span.start;
            report.add_sample_with(kind, || {
                let (old_part, new_part) = (&old[old_span.clone()], &new[new_span.clone()]);
                let (old_part, new_part) = if old_part.chars().count() == new_part.chars().count() {
                    (
                        cut(old_part, MAX_SAMPLE_SPAN_CHARS),
                        cut(new_part, MAX_SAMPLE_SPAN_CHARS),
                    )
                } else {
                    (old_part, new_part)
                };
                sample_at(before, start, start + old_part.len(), new_part)
            });
            report.add(kind, (changed as u64).saturating_sub(1));
        }
        offset += old.len();
    }
}

/// How many characters differ between two versions of a line, and the
/// byte ranges from the first to the last difference in each. One pass when
/// the conversion kept the length (almost always); otherwise the span
/// between the common prefix and suffix, counted as its longer side.
fn changed_span(old: &str, new: &str) -> (usize, Range<usize>, Range<usize>) {
    if old.len() == new.len()
        && let Some(found) = changed_span_aligned(old.as_bytes(), new.as_bytes())
    {
        return found;
    }
    changed_span_by_chars(old, new)
}

/// [`changed_span`] for two lines whose characters have the same byte
/// lengths pair by pair (nearly every conversion: a hanzi for a hanzi),
/// compared as bytes without decoding; `None` when they do not.
fn changed_span_aligned(old: &[u8], new: &[u8]) -> Option<(usize, Range<usize>, Range<usize>)> {
    let (mut changed, mut span) = (0, None::<Range<usize>>);
    let mut i = 0;
    while i < old.len() {
        // Eight equal bytes at once: their characters are unchanged, but for
        // one cut at the end, which is then compared from its first byte.
        if let (Some(a), Some(b)) = (old.get(i..i + 8), new.get(i..i + 8))
            && a == b
        {
            i += 8;
            while i < old.len() && utf8_len(old[i]) == 0 {
                i -= 1;
            }
            continue;
        }
        // A continuation byte (length 0): the lines are not aligned here.
        let len = utf8_len(old[i]);
        if len == 0 || utf8_len(new[i]) != len || i + len > old.len() {
            return None;
        }
        // Compared byte by byte: at most four, not worth a call.
        if (i..i + len).any(|k| old[k] != new[k]) {
            changed += 1;
            span = Some(span.map_or(i, |s| s.start)..i + len);
        }
        i += len;
    }
    let span = span.unwrap_or(0..0);
    Some((changed, span.clone(), span))
}

/// [`changed_span`] character by character.
fn changed_span_by_chars(old: &str, new: &str) -> (usize, Range<usize>, Range<usize>) {
    let mut a = old.char_indices();
    let mut b = new.char_indices();
    let mut changed = 0;
    let mut span: Option<(Range<usize>, Range<usize>)> = None;
    loop {
        match (a.next(), b.next()) {
            (Some((i, x)), Some((j, y))) => {
                if x != y {
                    changed += 1;
                    let (ends_old, ends_new) = (i + x.len_utf8(), j + y.len_utf8());
                    span = Some(match span {
                        None => (i..ends_old, j..ends_new),
                        Some((o, n)) => (o.start..ends_old, n.start..ends_new),
                    });
                }
            }
            (None, None) => {
                let (o, n) = span.unwrap_or((0..0, 0..0));
                return (changed, o, n);
            }
            _ => break,
        }
    }
    let prefix = common_prefix(old, new);
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    let old_span = prefix..old.len() - suffix;
    let new_span = prefix..new.len() - suffix;
    let changed = old[old_span.clone()]
        .chars()
        .count()
        .max(new[new_span.clone()].chars().count());
    (changed, old_span, new_span)
}

/// Byte length of the longest common prefix, on a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|&((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

/// Byte length of the longest common suffix, on a character boundary.
fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

/// The first `chars` characters of `s`.
fn cut(s: &str, chars: usize) -> &str {
    s.char_indices().nth(chars).map_or(s, |(i, _)| &s[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn t2s() -> Converter {
        Converter::new(ConvertConfig::T2s)
    }

    #[test]
    fn traditional_becomes_simplified() {
        let c = t2s();
        let out = convert("從網絡大國闊步邁向網絡強國\n", &c);
        assert_eq!(out.script, Script::Traditional);
        assert_eq!(out.output.text, "从网络大国阔步迈向网络强国\n");
        assert_eq!(out.output.report.count(ConvertEdit::ToSimplified), 10);
        let sample = &out.output.report.edits[0].samples[0];
        assert_eq!(sample.line, 1);
        assert_eq!(sample.before, "從網絡大國闊步邁向網絡強國");
        assert_eq!(sample.after, "从网络大国阔步迈向网络强国");
    }

    #[test]
    fn simplified_text_is_borrowed_and_unreported() {
        let c = t2s();
        let text = "这是一个新家园，是学习、工作、生活的新空间。\n";
        let out = convert(text, &c);
        assert_eq!(out.script, Script::Simplified);
        assert!(matches!(out.output.text, Cow::Borrowed(_)));
        assert!(out.output.report.is_empty());
    }

    #[test]
    fn s2t_converts_simplified_and_leaves_traditional() {
        let c = Converter::new(ConvertConfig::S2t);
        let out = convert("网络强国\n", &c);
        assert_eq!(out.output.text, "網絡強國\n");
        assert_eq!(out.output.report.count(ConvertEdit::ToTraditional), 4);
        let trad = "網絡強國\n";
        assert!(matches!(convert(trad, &c).output.text, Cow::Borrowed(_)));
    }

    #[test]
    fn changed_span_counts_and_locates_differences() {
        assert_eq!(changed_span("a從b國c", "a从b国c"), (2, 1..8, 1..8));
        assert_eq!(changed_span("ab計程車cd", "ab出租车cd"), (3, 2..11, 2..11));
        // A conversion that changes the length: the span between the
        // common ends, counted by its longer side.
        assert_eq!(changed_span("ab一cd", "ab一二三cd"), (2, 5..5, 5..11));
        // Same byte length, different character lengths: not aligned.
        assert_eq!(changed_span("é一x", "一éx"), (2, 0..5, 0..5));
        assert_eq!(
            changed_span_aligned("é一x".as_bytes(), "一éx".as_bytes()),
            None
        );
        // The byte comparison agrees with the character one.
        for (old, new) in [
            ("a從b國c", "a从b国c"),
            ("ab計程車cd", "ab出租车cd"),
            ("同", "同"),
        ] {
            assert_eq!(
                changed_span_aligned(old.as_bytes(), new.as_bytes()),
                Some(changed_span_by_chars(old, new))
            );
        }
    }

    #[test]
    fn idempotent() {
        let c = t2s();
        for text in [
            "從網絡大國闊步邁向網絡強國\n",
            "网络强国建设取得新成效。從網絡大國邁向網絡強國。\n",
            "東京都の國立博物館\n",
        ] {
            let once = convert(text, &c).output.text.into_owned();
            assert_eq!(convert(&once, &c).output.text, once, "{text}");
        }
    }

    #[test]
    fn converter_is_shared_between_threads() {
        fn assert_sync<T: Sync + Send>() {}
        assert_sync::<Converter>();
        let c = t2s();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| assert_eq!(c.convert_text("網絡"), "网络"));
            }
        });
    }
}

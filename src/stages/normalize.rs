//! # normalize: one Unicode form, one line ending, no trailing blanks
//!
//! Two texts that read the same should be the same bytes. This stage makes
//! the low-level choices that guarantee it:
//!
//! - Unicode NFC (precomposed accents: `e\u{301}` → `é`);
//! - line endings: CRLF and lone CR → LF;
//! - no whitespace at the end of a line (spaces, tabs, U+3000, …);
//! - exactly one newline at the end of a non-empty text, and no trailing
//!   blank lines; a text of only whitespace becomes empty.
//!
//! Example: `"第一行  \r\n第二行\r\n\r\n"` → `"第一行\n第二行\n"`.
//!
//! Limits: widths, punctuation and invisible characters are the subject of a
//! later extension of this stage; whitespace inside a line is `layout`'s.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::{EditKind, Sample, StageOutput, StageReport, sample_at};

/// The kinds of edit this stage makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormalizeEdit {
    /// Text composed to NFC (count: lines changed).
    Nfc,
    /// CRLF or CR turned into LF (count: line endings).
    LineEnding,
    /// Whitespace removed at a line end (count: lines).
    TrailingWhitespace,
    /// Missing final newline added, or surplus ones removed.
    FinalNewline,
}

impl EditKind for NormalizeEdit {
    fn name(self) -> &'static str {
        match self {
            NormalizeEdit::Nfc => "nfc",
            NormalizeEdit::LineEnding => "line_ending",
            NormalizeEdit::TrailingWhitespace => "trailing_whitespace",
            NormalizeEdit::FinalNewline => "final_newline",
        }
    }
}

/// Normalizes `text`; borrowed when it already was.
pub fn normalize(text: &str) -> StageOutput<'_, NormalizeEdit> {
    let mut report = StageReport::default();
    if is_normalized(text) {
        return StageOutput {
            text: Cow::Borrowed(text),
            report,
        };
    }
    let nfc = compose(text, &mut report);
    let mut out = String::with_capacity(nfc.len() + 1);
    let mut rest: &str = &nfc;
    let mut line_no = 0;
    while !rest.is_empty() {
        line_no += 1;
        let (line, ending, next) = split_line(rest);
        let trimmed = line.trim_end();
        if trimmed.len() != line.len() {
            report.add_sample(
                NormalizeEdit::TrailingWhitespace,
                Sample {
                    line: line_no,
                    before: visible(line),
                    after: visible(trimmed),
                },
            );
        }
        if ending == "\r\n" || ending == "\r" {
            report.add(NormalizeEdit::LineEnding, 1);
        }
        out.push_str(trimmed);
        if !ending.is_empty() {
            out.push('\n');
        }
        rest = next;
    }
    let content_len = out.trim_end_matches('\n').len();
    let wanted_len = if content_len == 0 { 0 } else { content_len + 1 };
    if out.len() != wanted_len {
        report.add(NormalizeEdit::FinalNewline, 1);
        out.truncate(content_len);
        if content_len > 0 {
            out.push('\n');
        }
    }
    StageOutput {
        text: Cow::Owned(out),
        report,
    }
}

/// Fast check: already NFC, LF-only, no trailing whitespace, one final
/// newline (or empty).
fn is_normalized(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    if !text.ends_with('\n') || text.ends_with("\n\n") || text.contains('\r') {
        return false;
    }
    if text.lines().any(|l| l.ends_with(char::is_whitespace)) {
        return false;
    }
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => text.nfc().eq(text.chars()),
    }
}

fn compose<'a>(text: &'a str, report: &mut StageReport<NormalizeEdit>) -> Cow<'a, str> {
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if is_nfc_quick(line.chars()) == IsNormalized::Yes {
            out.push_str(line);
        } else {
            let composed: String = line.nfc().collect();
            if composed != line {
                report.add_sample(
                    NormalizeEdit::Nfc,
                    sample_at(
                        text,
                        start,
                        start + line.trim_end().len(),
                        composed.trim_end(),
                    ),
                );
            }
            out.push_str(&composed);
        }
        start += line.len();
    }
    Cow::Owned(out)
}

/// Splits off one line: (content, ending, rest). The ending is "\n", "\r\n",
/// "\r" or "" at the end of the text.
fn split_line(s: &str) -> (&str, &str, &str) {
    match s.find(['\n', '\r']) {
        None => (s, "", ""),
        Some(i) => {
            let len = if s[i..].starts_with("\r\n") { 2 } else { 1 };
            (&s[..i], &s[i..i + len], &s[i + len..])
        }
    }
}

/// Shows trailing whitespace in a sample, where it would be invisible.
fn visible(line: &str) -> String {
    let tail: String = line
        .chars()
        .rev()
        .take(super::SAMPLE_CONTEXT_CHARS)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    tail.replace(' ', "␠")
        .replace('\t', "␉")
        .replace('\u{3000}', "□")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).text.into_owned()
    }

    #[test]
    fn canonical_text_is_borrowed_and_unreported() {
        let out = normalize("第一行\n第二行\n");
        assert!(matches!(out.text, Cow::Borrowed(_)));
        assert!(out.report.is_empty());
        assert!(matches!(normalize("").text, Cow::Borrowed("")));
    }

    #[test]
    fn line_endings_trailing_space_final_newline() {
        let out = normalize("第一行  \r\n第二行\r第三行\t\u{3000}\r\n\r\n\n");
        assert_eq!(out.text, "第一行\n第二行\n第三行\n");
        assert_eq!(out.report.count(NormalizeEdit::LineEnding), 4);
        assert_eq!(out.report.count(NormalizeEdit::TrailingWhitespace), 2);
        assert_eq!(out.report.count(NormalizeEdit::FinalNewline), 1);
    }

    #[test]
    fn adds_missing_final_newline() {
        assert_eq!(norm("abc"), "abc\n");
    }

    #[test]
    fn whitespace_only_becomes_empty() {
        assert_eq!(norm(" \n\t\n"), "");
    }

    #[test]
    fn composes_to_nfc() {
        let out = normalize("Cafe\u{301}\n");
        assert_eq!(out.text, "Café\n");
        assert_eq!(out.report.count(NormalizeEdit::Nfc), 1);
    }

    #[test]
    fn leading_indentation_is_not_this_stages_business() {
        assert_eq!(norm("\u{3000}\u{3000}段落\n"), "\u{3000}\u{3000}段落\n");
    }

    #[test]
    fn idempotent() {
        for s in ["a \r\nb\r\n\r\n", "x\u{30A}\n\n", "  ", "\r", "中\r\n文"] {
            let once = norm(s);
            assert_eq!(norm(&once), once, "{s:?}");
        }
    }
}

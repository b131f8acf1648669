//! Repeats within a document, the debris of extraction: a line identical to
//! the previous non-blank line (a doubled title), and a later exact copy of
//! a paragraph long enough to be unambiguous. Runs on each document after
//! `layout`, before the corpus-wide part of the stage.
//!
//! Example: `# 网络强国\n\n# 网络强国\n\n正文。\n` → `# 网络强国\n\n正文。\n`.
//!
//! Limits: exact repeats only (after trimming the line's ends), so a copy
//! with one character changed stays; a line must have
//! [`REPEAT_LINE_MIN_CHARS`] letters or digits and not be a table row
//! (`——`, `是`, two equal rows of data repeat legitimately); a paragraph is
//! a line (layout has joined its lines), removed anywhere later only from
//! [`REPEAT_PARAGRAPH_MIN_CHARS`] characters; `--keep-repeats` turns it off.

use std::collections::HashSet;

use super::{DedupEdit, content_chars, drop_lines};
use crate::stages::{StageOutput, StageReport};

/// A repeated line must have this many letters, digits or hanzi: shorter
/// ones (`——`, `1`, `是`) repeat legitimately in tables and lists.
pub const REPEAT_LINE_MIN_CHARS: usize = 4;

/// A paragraph repeated anywhere later is removed only from this many
/// characters: two identical paragraphs of 50+ characters are a copy, not
/// a coincidence or a refrain.
pub const REPEAT_PARAGRAPH_MIN_CHARS: usize = 50;

/// Table rows (tab- or bar-separated cells) repeat legitimately: two rows
/// with the same values are data, not extraction debris.
fn is_table_row(line: &str) -> bool {
    line.contains('\t') || line.matches('|').count() >= 2
}

/// Removes within-document repeats: a line identical to the previous
/// non-blank kept line (with at least [`REPEAT_LINE_MIN_CHARS`] letters),
/// and a paragraph (line) of at least [`REPEAT_PARAGRAPH_MIN_CHARS`]
/// characters identical to an earlier kept one. Idempotent; borrowed when
/// nothing was removed.
pub fn remove_repeats(text: &str) -> StageOutput<'_, DedupEdit> {
    let mut report = StageReport::default();
    let mut seen_paragraphs: HashSet<&str> = HashSet::new();
    let text_out = drop_lines(text, &mut report, |line, kept| {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return None;
        }
        let previous = kept.iter().rev().find(|l| !l.trim().is_empty());
        if previous.is_some_and(|p| p.trim() == trimmed)
            && content_chars(trimmed) >= REPEAT_LINE_MIN_CHARS
            && !is_table_row(trimmed)
        {
            return Some(DedupEdit::RepeatedLine);
        }
        if trimmed.chars().count() >= REPEAT_PARAGRAPH_MIN_CHARS && !seen_paragraphs.insert(trimmed)
        {
            return Some(DedupEdit::RepeatedParagraph);
        }
        None
    });
    StageOutput {
        text: text_out,
        report,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn doubled_title_is_removed_with_its_blank_line() {
        let out = remove_repeats(
            "# 中央网信办：阔步迈向网络强国\n\n# 中央网信办：阔步迈向网络强国\n\n正文。\n",
        );
        assert_eq!(out.text, "# 中央网信办：阔步迈向网络强国\n\n正文。\n");
        assert_eq!(out.report.count(DedupEdit::RepeatedLine), 1);
        let sample = &out.report.edits[0].samples[0];
        assert_eq!(sample.line, 3);
        assert_eq!(sample.after, "");
    }

    #[test]
    fn short_and_separated_repeats_are_kept() {
        for text in [
            "是\n是\n",
            "——\n——\n",
            "12\n12\n",
            "第一段。\n第二段。\n第一段。\n",
        ] {
            let out = remove_repeats(text);
            assert!(matches!(out.text, Cow::Borrowed(_)), "{text:?}");
            assert!(out.report.is_empty());
        }
    }

    #[test]
    fn long_paragraph_repeated_later_is_removed() {
        let para = "网络安全和信息化是事关国家安全和国家发展、事关广大人民群众工作生活的重大战略问题，要从国际国内大势出发，总体布局，统筹各方。";
        assert!(para.chars().count() >= REPEAT_PARAGRAPH_MIN_CHARS);
        let text = format!("{para}\n\n中间一段。\n\n{para}\n");
        let out = remove_repeats(&text);
        assert_eq!(out.text, format!("{para}\n\n中间一段。\n"));
        assert_eq!(out.report.count(DedupEdit::RepeatedParagraph), 1);
        let again = remove_repeats(&out.text);
        assert!(matches!(again.text, Cow::Borrowed(_)), "idempotent");
    }

    #[test]
    fn triple_line_collapses_in_one_pass() {
        let out = remove_repeats("标题一二三\n标题一二三\n标题一二三\n尾\n");
        assert_eq!(out.text, "标题一二三\n尾\n");
        assert_eq!(out.report.count(DedupEdit::RepeatedLine), 2);
    }

    #[test]
    fn a_doubled_line_of_four_letters_goes_of_three_stays() {
        let out = remove_repeats("网络强国\n网络强国\n正文。\n");
        assert_eq!(out.text, "网络强国\n正文。\n");
        let out = remove_repeats("网信办\n网信办\n正文。\n");
        assert!(matches!(out.text, Cow::Borrowed(_)));
    }

    #[test]
    fn a_paragraph_repeats_as_a_copy_from_fifty_characters() {
        let para: String = "网络安全和信息化是事关国家安全和国家发展的重大战略问题，要从国际国内大势出发，总体布局，统筹各方，创新发展。"
            .chars()
            .take(50)
            .collect();
        for (len, removed) in [(50, true), (49, false)] {
            let para: String = para.chars().take(len).collect();
            let text = format!("{para}\n\n中间一段。\n\n{para}\n");
            let out = remove_repeats(&text);
            assert_eq!(
                out.report.count(DedupEdit::RepeatedParagraph),
                u64::from(removed),
                "{len}"
            );
        }
    }
}

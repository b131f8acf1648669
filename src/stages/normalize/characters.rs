//! Steps 1 and 2: what each character becomes. Invisible debris is removed
//! (zero-width spaces, soft hyphens, byte-order marks inside the text),
//! no-break spaces become spaces, full-width Latin letters and digits become
//! ASCII, half-width katakana become full-width; then the line is composed
//! to NFC.
//!
//! Example: `ＡＢＣ１２３` → `ABC123`, `１７０７．７８亿元` → `1707.78亿元`,
//! `ｶﾞｲﾄﾞ` → `ガイド`, `Cafe\u{301}` → `Café`.
//!
//! Limits: `．` becomes `.` only between digits (elsewhere it is a full stop
//! or a dot leader); a zero-width space beside Thai, Lao, Myanmar, Khmer or
//! Tai Tham letters is kept (it is the word boundary there), and so is every
//! zero-width joiner (emoji, Indic scripts); full-width punctuation (`，`
//! `！`) is the Chinese spelling and stays; NFC, not NFKC, so other
//! compatibility characters (`①`, `ﬁ`) keep theirs.

use std::borrow::Cow;

use unicode_normalization::char::{compose as compose_pair, decompose_compatible};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::{NormalizeEdit, line_sample};
use crate::stages::{StageReport, utf8_len};

/// What [`char_fix`] does with a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CharFix {
    /// Removed (a zero-width space only outside the scripts that use it).
    Invisible,
    NoBreakSpace,
    Fullwidth(char),
    /// `．` between digits: a decimal point (`１７０７．７８` → `1707.78`).
    DecimalPoint,
    Halfwidth,
}

/// The fix a character needs, if any (context-free part).
pub(super) fn char_fix(c: char) -> Option<CharFix> {
    match c {
        '\u{200B}' | '\u{00AD}' | '\u{FEFF}' => Some(CharFix::Invisible),
        '\u{00A0}' => Some(CharFix::NoBreakSpace),
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            // The full-width forms sit at a fixed distance from ASCII.
            char::from_u32(c as u32 - 0xFEE0).map(CharFix::Fullwidth)
        }
        '\u{FF0E}' => Some(CharFix::DecimalPoint),
        '\u{FF61}'..='\u{FF9F}' => Some(CharFix::Halfwidth),
        _ => None,
    }
}

/// Scripts written without spaces where a zero-width space is the word
/// boundary: Thai, Lao, Myanmar, Khmer, Tai Tham.
fn uses_zero_width_space(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'
        | '\u{1000}'..='\u{109F}'
        | '\u{1780}'..='\u{17FF}'
        | '\u{1A20}'..='\u{1AAF}')
}

/// Step 1 for one line (`text`, line `line_no`), which holds a character
/// [`char_fix`] names.
pub(super) fn fix_characters<'a>(
    text: &'a str,
    line_no: usize,
    report: &mut StageReport<NormalizeEdit>,
) -> Cow<'a, str> {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let end = i + c.len_utf8();
        let (kind, replacement): (NormalizeEdit, String) = match char_fix(c) {
            None => {
                out.push(c);
                prev = Some(c);
                continue;
            }
            Some(CharFix::Invisible) => {
                if c == '\u{200B}'
                    && (prev.is_some_and(uses_zero_width_space)
                        || next.is_some_and(uses_zero_width_space))
                {
                    out.push(c);
                    prev = Some(c);
                    continue;
                }
                (NormalizeEdit::Invisible, String::new())
            }
            Some(CharFix::DecimalPoint) => {
                let digit = |d: char| d.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&d);
                if !(prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(digit)) {
                    // Elsewhere `．` is a full stop or a dot leader.
                    out.push(c);
                    prev = Some(c);
                    continue;
                }
                (NormalizeEdit::FullwidthAlphanumeric, ".".to_string())
            }
            Some(CharFix::NoBreakSpace) => (NormalizeEdit::NoBreakSpace, " ".to_string()),
            Some(CharFix::Fullwidth(a)) => (NormalizeEdit::FullwidthAlphanumeric, a.to_string()),
            Some(CharFix::Halfwidth) => {
                let mut wide = None;
                decompose_compatible(c, |d| wide = wide.or(Some(d)));
                let wide = match wide {
                    // A voicing mark joins the kana before it (NFC
                    // composes `カ` + U+3099 into `ガ`); alone it becomes
                    // the spacing mark.
                    Some(mark @ ('\u{3099}' | '\u{309A}')) => {
                        if out
                            .chars()
                            .next_back()
                            .is_some_and(|p| compose_pair(p, mark).is_some())
                        {
                            mark
                        } else if mark == '\u{3099}' {
                            '\u{309B}'
                        } else {
                            '\u{309C}'
                        }
                    }
                    Some(w) => w,
                    None => c,
                };
                (NormalizeEdit::HalfwidthKatakana, wide.to_string())
            }
        };
        let shown = if replacement.is_empty() {
            "∅"
        } else {
            &replacement
        };
        report.add_sample_with(kind, || line_sample(text, line_no, i, end, shown));
        out.push_str(&replacement);
        prev = out.chars().next_back();
    }
    Cow::Owned(out)
}

/// Step 2 for one line: its NFC form, when that differs.
pub(super) fn compose_line(
    line: &str,
    line_no: usize,
    report: &mut StageReport<NormalizeEdit>,
) -> Option<String> {
    if all_nfc_safe(line) || is_nfc_quick(line.chars()) == IsNormalized::Yes {
        return None;
    }
    let composed: String = line.nfc().collect();
    if composed == line {
        return None;
    }
    report.add_sample_with(NormalizeEdit::Nfc, || {
        line_sample(line, line_no, 0, line.trim_end().len(), composed.trim_end())
    });
    Some(composed)
}

/// Whether every character of `text` is [`nfc_safe`], read from its UTF-8
/// bytes: ASCII and the three-byte sequences led by E4–E9 (U+4000–U+9FFF)
/// are skipped without decoding, which is most Chinese text.
fn all_nfc_safe(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let len = utf8_len(bytes[i]);
        if len > 1 && !(0xE4..=0xE9).contains(&bytes[i]) {
            match text[i..].chars().next() {
                Some(c) if nfc_safe(c) => {}
                _ => return false,
            }
        }
        i += len;
    }
    true
}

/// Characters that are NFC whatever surrounds them (no decomposition, no
/// combining class): the bulk of Chinese text, checked without a table.
pub(super) fn nfc_safe(c: char) -> bool {
    matches!(c,
        '\u{00}'..='\u{2FF}'
        // U+2000 and U+2001 decompose to U+2002 and U+2003: not included.
        | '\u{2002}'..='\u{200F}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{205E}'
        | '\u{2460}'..='\u{24FF}'
        | '\u{2E80}'..='\u{2FDF}'
        | '\u{3000}'..='\u{3029}'
        | '\u{3030}'..='\u{3096}'
        | '\u{309B}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{E000}'..='\u{F8FF}'
        | '\u{FF01}'..='\u{FFEF}'
        | '\u{FFFD}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::normalize::normalize;
    use crate::stages::normalize::tests::norm;

    #[test]
    fn composes_to_nfc() {
        let out = normalize("Cafe\u{301}\n");
        assert_eq!(out.text, "Café\n");
        assert_eq!(out.report.count(NormalizeEdit::Nfc), 1);
    }

    #[test]
    fn invisible_characters_are_removed() {
        let out = normalize("网\u{200B}络\u{AD}强\u{FEFF}国\n");
        assert_eq!(out.text, "网络强国\n");
        assert_eq!(out.report.count(NormalizeEdit::Invisible), 3);
        let sample = &out.report.edits[0].samples[0];
        assert_eq!(sample.before, "网\u{200B}络\u{AD}强\u{FEFF}国");
        assert_eq!(sample.after, "网∅络\u{AD}强\u{FEFF}国");
    }

    #[test]
    fn zero_width_space_is_kept_in_thai_and_joiners_are_kept() {
        let thai = "ภาษา\u{200B}ไทย\n";
        assert_eq!(norm(thai), thai);
        let emoji = "👩\u{200D}💻\n";
        assert_eq!(norm(emoji), emoji);
    }

    #[test]
    fn no_break_space_becomes_space() {
        let out = normalize("100\u{A0}km\u{A0}\n");
        assert_eq!(out.text, "100 km\n");
        assert_eq!(out.report.count(NormalizeEdit::NoBreakSpace), 2);
    }

    #[test]
    fn fullwidth_letters_and_digits_become_ascii() {
        let out = normalize("ＡＢＣ１２３ｘｙｚ，。！\n");
        assert_eq!(out.text, "ABC123xyz，。！\n");
        assert_eq!(out.report.count(NormalizeEdit::FullwidthAlphanumeric), 9);
    }

    #[test]
    fn fullwidth_decimal_point_between_digits_becomes_ascii() {
        assert_eq!(norm("１７０７．７８亿元\n"), "1707.78亿元\n");
        assert_eq!(norm("第一章．引言\n"), "第一章．引言\n");
        assert_eq!(norm("共３．\n"), "共3．\n");
    }

    #[test]
    fn halfwidth_katakana_become_fullwidth() {
        let out = normalize("ｶﾞｲﾄﾞﾌﾞｯｸ｡ﾊﾟﾝ､ﾞ\n");
        assert_eq!(out.text, "ガイドブック。パン、゛\n");
        assert_eq!(out.report.count(NormalizeEdit::HalfwidthKatakana), 15);
    }
}

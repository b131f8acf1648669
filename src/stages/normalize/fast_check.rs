//! The fast check: whether a document is already canonical, found in one
//! scan of its bytes, so that most documents come back borrowed with an
//! empty report and never reach the per-line pass.
//!
//! Example: `标题\n\n正文，第一段。\n` → `true` (returned as it is);
//! `中文,好\n` → `false` (an ASCII comma beside Chinese: the full path makes
//! it `中文，好\n`).
//!
//! Limits: conservative, not exact. It restates the steps' rules in short
//! (a mark beside Chinese, a character `char_fix` names, a character that
//! may not be NFC), so `false` only means "look closer" and the full path
//! hands some of those texts back unchanged. It must never pass a text a
//! step would change: a rule changed in a step is changed here too, and
//! `fast_check_agrees_with_the_full_path` tries every three-piece text
//! built from the pieces that matter.

use unicode_normalization::{IsNormalized, is_nfc_quick};

use super::characters::{char_fix, nfc_safe};
use super::punctuation::is_chinese;
use crate::stages::convert::is_han;
use crate::stages::utf8_len;

/// Fast, conservative check that nothing applies: LF-only, one final
/// newline, no trailing whitespace, no character any step would change, no
/// ASCII punctuation with Chinese beside it, and NFC.
/// `false` only means "look closer". It works on bytes and skips the bulk of
/// Chinese text (U+4000–U+9FFF, three bytes led by E4–E9) unseen.
pub(super) fn is_normalized(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    if !text.ends_with('\n') || text.ends_with("\n\n") {
        return false;
    }
    let bytes = text.as_bytes();
    let mut nfc_unsure = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            let prev = || text[..i].chars().next_back();
            let next_is_han = || text[i + 1..].chars().next().is_some_and(is_han);
            let clean = match b {
                b'\r' => false,
                b'\n' => !prev().is_some_and(|p| p != '\n' && p.is_whitespace()),
                // The mark rule looks left for Chinese (through `”`, `’` and
                // `(…)`) and right for Han.
                // `日?qǐng`: never converted (see `mark_in_chinese`).
                b'?' | b'!' if bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) => true,
                b',' | b':' | b';' | b'?' | b'!' => {
                    !prev().is_some_and(|p| is_chinese(p) || matches!(p, '”' | '’' | ')'))
                        && !next_is_han()
                }
                // The parenthesis rule needs Han just inside.
                b'(' => !next_is_han(),
                b')' => !prev().is_some_and(is_han),
                _ => true,
            };
            if !clean {
                return false;
            }
            i += 1;
            continue;
        }
        if (0xE4..=0xE9).contains(&b) {
            i += 3;
            continue;
        }
        let len = utf8_len(b);
        let Some(c) = text[i..i + len].chars().next() else {
            return false;
        };
        if char_fix(c).is_some() {
            return false;
        }
        if !nfc_safe(c) {
            nfc_unsure = true;
        }
        i += len;
    }
    !nfc_unsure || is_nfc_quick(text.chars()) == IsNormalized::Yes
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::stages::normalize::normalize_full;

    /// Blank lines and canonical Chinese punctuation keep the fast path.
    #[test]
    fn fast_check_accepts_canonical_documents() {
        for text in [
            "标题\n\n正文，第一段。\n\n第二段：好！\n",
            "来源：人民日?qǐng 作者：某某\n",
            "见 https://example.com/a?b=1 和 (ISO) 标准\n",
        ] {
            assert!(is_normalized(text), "{text:?}");
        }
    }

    /// The fast check must never call a text canonical that the full path
    /// would change.
    #[test]
    fn fast_check_agrees_with_the_full_path() {
        let pieces = [
            "中", "a", "1", ",", ":", "?", "(", ")", " ", "”", "\u{A0}", "Ａ", "ｶ", "ﾞ", "e\u{301}",
            "\u{200B}", "/", "。", "x)", "．", "１",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}\n");
                    let out = normalize_full(&text);
                    if is_normalized(&text) {
                        assert!(matches!(out.text, Cow::Borrowed(_)), "{text:?}");
                    }
                    if matches!(out.text, Cow::Borrowed(_)) {
                        assert!(out.report.is_empty(), "{text:?}");
                    }
                    checked += usize::from(matches!(out.text, Cow::Owned(_)));
                }
            }
        }
        assert!(checked > 1000, "the full path changed only {checked} texts");
    }
}

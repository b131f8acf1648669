//! The comparison key: the text dedup compares, in which two renderings of
//! one document are the same string. Whitespace, line breaks and invisible
//! characters are dropped, full-width forms and CJK punctuation folded to
//! one spelling, ASCII lower-cased, and a [`KeyFold`] folds script and
//! regional vocabulary ([`RegionalFold`]: Traditional and variant characters
//! to Simplified, then Taiwan words to the mainland ones).
//!
//! Example: `你好，世界！\nABC 123` → `你好,世界!abc123`;
//! `軟體和資訊服務依賴網路` → `软件和信息服务依赖网络`.
//!
//! Limits: the key is only compared, never written out, and it is part of
//! the signature format (a change to it makes old signature files compare
//! wrongly); words are folded by greedy longest match over a fixed table,
//! not by a segmenter, so a table phrase that straddles two words is folded
//! too; the table is a built-in one until `convert`'s phrase converter
//! takes its place.

use std::borrow::Cow;

use crate::tables::regional_fold::{FOLD_CHARS, FOLD_PHRASE_STARTS, FOLD_PHRASES};

/// A folding of the comparison key that makes regional renderings of one
/// text compare equal. `fold_char` runs on every character, then
/// `fold_words` on the whole key. Implementations must be deterministic:
/// the key is part of the signature format.
pub trait KeyFold: Sync {
    fn fold_char(&self, c: char) -> char {
        c
    }
    fn fold_words<'a>(&self, key: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(key)
    }
}

/// No folding beyond whitespace and punctuation: regional renderings differ.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFold;

impl KeyFold for NoFold {}

/// The built-in fold: Traditional and regional-variant characters to
/// Simplified, then Taiwan vocabulary to the mainland word, from the tables
/// in [`crate::tables::regional_fold`] (generated from OpenCC's
/// dictionaries, Apache-2.0, by `scripts/gen-regional-fold.py`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RegionalFold;

/// Lookups over the common CJK range answer "is it in the table?" for most
/// characters without a search.
const BITMAP_BASE: u32 = 0x3400;

const BITMAP_END: u32 = 0xA000;

const BITMAP_WORDS: usize = ((BITMAP_END - BITMAP_BASE) / 64) as usize;

const fn set_bit(bits: &mut [u64; BITMAP_WORDS], c: char) {
    let c = c as u32;
    if c >= BITMAP_BASE && c < BITMAP_END {
        let i = c - BITMAP_BASE;
        bits[(i / 64) as usize] |= 1 << (i % 64);
    }
}

/// For each character of the common CJK range, 1 + its index in
/// [`FOLD_CHARS`], or 0: one load instead of a search (54 KB).
static FOLD_CHAR_INDEX: [u16; (BITMAP_END - BITMAP_BASE) as usize] = {
    let mut index = [0u16; (BITMAP_END - BITMAP_BASE) as usize];
    let mut i = 0;
    while i < FOLD_CHARS.len() {
        let c = FOLD_CHARS[i].0 as u32;
        if c >= BITMAP_BASE && c < BITMAP_END {
            index[(c - BITMAP_BASE) as usize] = i as u16 + 1;
        }
        i += 1;
    }
    index
};

const PHRASE_START_BITS: [u64; BITMAP_WORDS] = {
    let mut bits = [0; BITMAP_WORDS];
    let mut i = 0;
    while i < FOLD_PHRASE_STARTS.len() {
        set_bit(&mut bits, FOLD_PHRASE_STARTS[i].0);
        i += 1;
    }
    bits
};

/// `Some(membership)` for characters the bitmap covers, `None` otherwise.
#[inline]
fn in_bitmap(bits: &[u64; BITMAP_WORDS], c: char) -> Option<bool> {
    let c = c as u32;
    if (BITMAP_BASE..BITMAP_END).contains(&c) {
        let i = c - BITMAP_BASE;
        Some(bits[(i / 64) as usize] & (1 << (i % 64)) != 0)
    } else {
        None
    }
}

impl KeyFold for RegionalFold {
    fn fold_char(&self, c: char) -> char {
        let code = c as u32;
        if code < BITMAP_BASE {
            return c;
        }
        if code < BITMAP_END {
            return match FOLD_CHAR_INDEX[(code - BITMAP_BASE) as usize] {
                0 => c,
                i => FOLD_CHARS[usize::from(i - 1)].1,
            };
        }
        match FOLD_CHARS.binary_search_by_key(&c, |&(t, _)| t) {
            Ok(i) => FOLD_CHARS[i].1,
            Err(_) => c,
        }
    }

    /// Greedy longest match, left to right, over [`FOLD_PHRASES`].
    fn fold_words<'a>(&self, key: &'a str) -> Cow<'a, str> {
        let bytes = key.as_bytes();
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut pos = 0;
        while pos < key.len() {
            // ASCII (digits, Latin words, folded punctuation) is passed
            // over by one table load, with no decoding and no search: only
            // a few upper-case letters start a phrase.
            if bytes[pos].is_ascii() && !PHRASE_START_ASCII[usize::from(bytes[pos])] {
                pos += 1;
                continue;
            }
            let rest = &key[pos..];
            let first = rest.chars().next().expect("pos is a char boundary");
            if let Some((len, to)) = longest_phrase(rest, first) {
                let o = out.get_or_insert_with(|| String::with_capacity(key.len()));
                o.push_str(&key[copied..pos]);
                o.push_str(to);
                pos += len;
                copied = pos;
            } else {
                pos += first.len_utf8();
            }
        }
        match out {
            None => Cow::Borrowed(key),
            Some(mut o) => {
                o.push_str(&key[copied..]);
                Cow::Owned(o)
            }
        }
    }
}

/// For each ASCII byte, whether a table phrase starts with it.
const PHRASE_START_ASCII: [bool; 128] = {
    let mut starts = [false; 128];
    let mut i = 0;
    while i < FOLD_PHRASE_STARTS.len() {
        let c = FOLD_PHRASE_STARTS[i].0 as u32;
        if c < 128 {
            starts[c as usize] = true;
        }
        i += 1;
    }
    starts
};

/// The longest table phrase `s` starts with (`first` is its first
/// character): its byte length and replacement.
fn longest_phrase(s: &str, first: char) -> Option<(usize, &'static str)> {
    if in_bitmap(&PHRASE_START_BITS, first) == Some(false) {
        return None;
    }
    let at = FOLD_PHRASE_STARTS
        .binary_search_by_key(&first, |&(c, _, _)| c)
        .ok()?;
    let (_, lo, hi) = FOLD_PHRASE_STARTS[at];
    FOLD_PHRASES[usize::from(lo)..usize::from(hi)]
        .iter()
        .filter(|(k, _)| s.starts_with(k))
        .max_by_key(|(k, _)| k.len())
        .map(|&(k, to)| (k.len(), to))
}

/// Characters that carry no content for comparison: whitespace, line
/// breaks and invisible format characters.
fn is_ignorable(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// One spelling for punctuation and full-width forms (`，` → `,`, `「` → `"`,
/// `Ａ` → `a`). `…` is three characters, so it is pushed, not returned.
fn push_folded_punct(c: char, out: &mut String) -> bool {
    let folded = match c {
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(c as u32 - 0xFEE0).expect("full-width forms map to ASCII")
        }
        '。' | '｡' => '.',
        '、' | '､' => ',',
        '“' | '”' | '„' | '‟' | '「' | '」' | '『' | '』' | '〝' | '〞' | '〟' | '﹁' | '﹂'
        | '﹃' | '﹄' | '‘' | '’' | '‚' | '‛' | '\'' | '«' | '»' => '"',
        '《' | '〈' | '‹' => '<',
        '》' | '〉' | '›' => '>',
        '【' | '〔' | '〖' => '[',
        '】' | '〕' | '〗' => ']',
        '—' | '–' | '―' | '‐' | '‑' | '‒' | '﹣' | '─' => '-',
        '·' | '・' | '•' | '‧' | '･' => '·',
        '〜' => '~',
        '…' | '⋯' => {
            out.push_str("...");
            return true;
        }
        _ => return false,
    };
    out.push(folded.to_ascii_lowercase());
    true
}

/// The text dedup compares: see the module documentation.
pub fn comparison_key(text: &str, fold: &dyn KeyFold) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        if is_ignorable(c) || push_folded_punct(c, &mut key) {
            continue;
        }
        key.push(fold.fold_char(c.to_ascii_lowercase()));
    }
    match fold.fold_words(&key) {
        Cow::Borrowed(_) => key,
        Cow::Owned(k) => k,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::dedup::tests::key;

    #[test]
    fn key_ignores_whitespace_width_and_line_breaks() {
        assert_eq!(key("你好，世界！\nABC 123"), key("你好,世界!ａｂｃ１２３"));
        assert_eq!(key("他说：“好。”"), key("他说:「好.」"));
        assert_ne!(key("你好世界"), key("你好地球"));
    }

    #[test]
    fn key_sees_through_script_and_regional_vocabulary() {
        let mainland = "软件和信息服务依赖网络";
        let taiwan = "軟體和資訊服務依賴網路";
        assert_eq!(key(mainland), key(taiwan));
        // Output script does not matter: Traditional mainland wording too.
        assert_eq!(key("軟件和信息服務依賴網絡"), key(mainland));
        // Without the fold they differ.
        assert_ne!(
            comparison_key(mainland, &NoFold),
            comparison_key(taiwan, &NoFold)
        );
    }

    #[test]
    fn key_of_a_key_is_stable_on_common_text() {
        for s in ["軟體，資訊。", "A B…「引」", "网路程式设计"] {
            let k = key(s);
            assert_eq!(key(&k), k, "{s}");
        }
    }
}

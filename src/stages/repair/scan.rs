//! The fast scan: whether a line has anything the stage could change
//! ([`line_needs_work`]), and whether a line a layer of repairs changed
//! could change more ([`Scan::AfterLayer`]).
//!
//! Clean text fails every test, so the scan is all most lines cost. An
//! ASCII line is looked at for controls and `&` only. Otherwise hanzi are
//! judged from their UTF-8 bytes by one bitmap test, with no decoding (two
//! odd ones, a rare one Big5 writes with a UTF-8 lead byte, a lossy
//! sequence's character, one unpaired odd one in a Chinese line), and other
//! characters by their block: Latin-1 and Latin Extended letters, Greek and
//! Cyrillic, box drawing and the signs that code pages put where UTF-8 has
//! lead bytes, private use, U+FFFD, a `?` after a non-ASCII character.
//!
//! Example: `中文版本` → nothing to do (the stage hands the text back
//! borrowed); `cafÃ©` → work (a Latin-1 letter).
//!
//! Limits: no repair sees a line the scan passes over, so the scan must
//! take everything any repair could change, and takes much that none does
//! (every accented letter, all Greek and Cyrillic text).

use super::score::{
    CJK_MIN_ODD, SHORT_SPAN_MIN_HANZI, big5_of_utf8_lead, is_frequent_hanzi, pair_score,
};
use crate::tables::common_hanzi::COMMON_HANZI_BITS;
use crate::tables::frequent_hanzi::FREQUENT_HANZI_BITS;

/// Whether a line has anything this stage could change. Clean text fails
/// every test, so this is the only cost most lines pay.
pub(super) fn line_needs_work(line: &str) -> bool {
    needs_work(line, Scan::Incoming)
}

/// What [`needs_work`] looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scan {
    /// A line as it came: everything, including one suspect character in
    /// a Chinese line (see [`Evidence::Short`](super::chains::Evidence::Short))
    /// and a decoder's U+FFFD (see `lost_after_shift` in `cjk_runs`).
    Incoming,
    /// A line a layer of repairs changed, for whether another layer could
    /// change more: a short span and a U+FFFD were the first layer's to
    /// look at (the U+FFFD a repair leaves marks what it could not
    /// recover), and the steps after the layers deal with U+FFFD alone.
    AfterLayer,
}

/// [`line_needs_work`], looking at what `scan` says.
pub(super) fn needs_work(line: &str, scan: Scan) -> bool {
    let bytes = line.as_bytes();
    if bytes.is_ascii() {
        return bytes
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\r' | 0x0C)) || b == 0x7F || b == b'&');
    }
    let (mut odd, mut hanzi, mut unpaired) = (0usize, 0usize, 0usize);
    // The hanzi just before (0 after anything else), for word pairs.
    let mut last_hanzi = 0u32;
    let mut prev = '\0';
    let mut i = 0;
    while i < bytes.len() {
        // Hanzi (three-byte sequences led by E4-E9) take the short way: one
        // bitmap test, no character decoding.
        let x = bytes[i];
        if (0xE4..=0xE9).contains(&x) {
            let u = (u32::from(x & 0x0F) << 12)
                | (u32::from(bytes[i + 1] & 0x3F) << 6)
                | u32::from(bytes[i + 2] & 0x3F);
            i += 3;
            prev = '\u{4E00}';
            if u < 0x4E00 {
                continue;
            }
            hanzi += 1;
            let off = u - 0x4E00;
            let (w, b) = ((off / 64) as usize, off % 64);
            if FREQUENT_HANZI_BITS[w] >> b & 1 == 0 && COMMON_HANZI_BITS[w] >> b & 1 == 0 {
                odd += 1;
                if odd >= CJK_MIN_ODD || big5_of_utf8_lead(u) {
                    return true;
                }
                // The only odd hanzi so far: one in a word is no suspect.
                let c = char::from_u32(u).unwrap_or('\0');
                let next = line[i..].chars().next().unwrap_or('\0');
                let last = char::from_u32(last_hanzi).unwrap_or('\0');
                if unpaired == 0 && pair_score(last, c) == 0 && pair_score(c, next) == 0 {
                    unpaired += 1;
                }
            }
            last_hanzi = u;
            // 锟 烫 屯 嚙: the lossy sequences are made of frequent characters.
            if matches!(u, 0x951F | 0x70EB | 0x5C6F | 0x5699) {
                return true;
            }
            continue;
        }
        let c = line[i..].chars().next().unwrap();
        i += c.len_utf8();
        let u = c as u32;
        let hit = match u {
            0..=0x7F => {
                (u < 0x20 && !matches!(c, '\t' | '\r' | '\x0C'))
                    || u == 0x7F
                    || c == '&'
                    || (c == '?' && !prev.is_ascii())
            }
            // C1 controls, Latin-1 and Latin Extended letters (UTF-8 leads
            // read as a code page, tone-marked pinyin).
            0x80..=0x24F => true,
            // cp437's box drawing and MacRoman/cp437 symbols that stand for
            // UTF-8 lead bytes (quotes and dashes are left out: Chinese text
            // is full of them and they lead only to rare Cyrillic/Armenian).
            0x2500..=0x259F => true,
            _ if matches!(
                c,
                '√' | '≈'
                    | '∆'
                    | '◊'
                    | '⁄'
                    | '‹'
                    | '›'
                    | 'ﬁ'
                    | 'ﬂ'
                    | '‡'
                    | '‚'
                    | '„'
                    | '‰'
                    | '€'
                    | '∞'
                    | '≡'
                    | '≥'
                    | '≤'
                    | '∩'
                    | '⌠'
                    | '⌡'
            ) =>
            {
                true
            }
            0x4E00..=0x9FFF => {
                let rare = !is_frequent_hanzi(c);
                odd += usize::from(rare);
                odd >= CJK_MIN_ODD
                    || matches!(c, '锟' | '烫' | '屯' | '嚙')
                    || (rare && big5_of_utf8_lead(u))
            }
            0xE000..=0xF8FF => true,
            0xFFFD => scan == Scan::Incoming,
            // Stray kana and code-page symbols count as odd characters (see
            // `is_stray_kana`, `is_cjk_symbol`).
            0x3040..=0x30FF
            | 0x3380..=0x33FF
            | 0x3100..=0x312F
            | 0x2460..=0x24FF
            | 0xFE30..=0xFE4F => {
                odd += 1;
                unpaired += 1;
                odd >= CJK_MIN_ODD
            }
            // Cyrillic and Greek are what UTF-8 read as windows-1251/1253 looks like.
            0x370..=0x4FF => true,
            _ => false,
        };
        if hit {
            return true;
        }
        prev = c;
        last_hanzi = 0;
    }
    // One suspect in a Chinese line may be a short damaged span.
    scan == Scan::Incoming && unpaired > 0 && hanzi >= SHORT_SPAN_MIN_HANZI
}

//! GBK or Big5 read as windows-1252 (or Latin-1): Chinese whose every byte
//! became a Latin-1 letter or sign.
//!
//! The line's spans of characters windows-1252 has are turned back into
//! bytes and read as GBK and as Big5, each lead byte taking the next
//! character as its trail (both code pages have ASCII trails). A span that
//! is plausible UTF-8 is left to the Latin repair ([`latin`](super::latin)),
//! and so is an accented letter inside a Latin word. The evidence is judged
//! over the whole line, since one span may hold a single hanzi: the spans
//! read must give [`LATIN_CJK_MIN_HANZI`] hanzi or more, mostly frequent
//! ([`LATIN_CJK_MIN_FREQUENT_SHARE`]) and common
//! ([`LATIN_CJK_MIN_COMMON_SHARE`]) ones, no odd character in a span taken,
//! and enough pairs of two high bytes ([`LATIN_CJK_HIGH_TRAIL_RATIO`]) unless
//! they make words.
//!
//! Example: `ÖÐÎÄÐÅÏ¢` → `中文信息`; `2022Äê12ÔÂ` → `2022年12月`.
//!
//! Limits: a line with a Latin letter windows-1252 lacks (`ő`, `ł`) was never
//! read as windows-1252 and is left alone; a GB2312 level 2 hanzi can tip
//! the shares of a line with few hanzi, which is then read again without
//! the spans that hold one (they stay as they were); Latin signs before
//! ASCII letters that make no words stay (`20°C`). Tested through the
//! whole stage, by the stage's tests `gbk_read_as_latin1`,
//! `big5_read_as_latin1_with_ascii_trails_makes_words`,
//! `german_words_are_not_gbk` and others.

use std::ops::Range;

use super::double_byte::decode_double_byte_into;
use super::latin::{Codepage, rare_latin, unlikely_result};
use super::score::{
    STRONG_PAIR_SCORE, context_pairs, is_common_hanzi, is_frequent_hanzi, is_gb2312_level2,
    is_hanzi, is_odd_cjk,
};
use super::{Chain, Chars, Charset, Log, RepairEdit, char_after, char_before};

/// Whether the span `start..end` of `line` (one double-byte pair at most)
/// is an accented letter inside a Latin word, ASCII letters on both sides:
/// `f|üh|rendem` is German, not GBK `黨`. Chinese glued inside a Latin word
/// on both sides is rare, and takes more than one pair.
fn accented_letter_in_word(line: &str, start: usize, end: usize, bytes: usize) -> bool {
    let before = line[..start].chars().next_back();
    let after = line[end..].chars().next();
    bytes <= 2
        && before.is_some_and(|c| c.is_ascii_alphabetic())
        && after.is_some_and(|c| c.is_ascii_alphabetic())
        && line[start..end]
            .chars()
            .all(|c| c.is_alphabetic() && !matches!(c, 'ª' | 'º'))
}

/// Minimum hanzi decoded from a GBK/Big5-read-as-windows-1252 span: a single
/// pair like `Ã©` is far more often UTF-8 for `é`.
pub const LATIN_CJK_MIN_HANZI: usize = 2;

/// Share of common-or-frequent hanzi required in GBK/Big5 text recovered from
/// windows-1252 mojibake: real text is dominated by them.
pub const LATIN_CJK_MIN_FREQUENT_SHARE: f64 = 0.8;

/// Share of those that must be among the ~1100 commonest: GB2312/Big5
/// level 1 is large enough that short Latin-1 words (`MÄ£ÄM`) land in it.
pub const LATIN_CJK_MIN_COMMON_SHARE: f64 = 0.5;

/// At least one pair in this many must have a high trail byte: Big5 puts
/// about a third of its trails in the ASCII range, Latin words glued to a
/// symbol (`°e`) put all of them there.
pub const LATIN_CJK_HIGH_TRAIL_RATIO: usize = 4;

/// GBK or Big5 bytes read as windows-1252/Latin-1: spans of Latin-1
/// characters that decode, as GBK or Big5, to frequent hanzi. The evidence
/// is judged over the whole line (`2022Äê12ÔÂ` has one hanzi per span).
pub(super) fn fix_cjk_latin(line: &str, chars: &mut Chars, log: &mut Log<'_>) -> Option<String> {
    // U+0080-U+00FF are the characters led by 0xC2 and 0xC3.
    let b = line.as_bytes();
    if !b.iter().any(|&x| x == 0xC2 || x == 0xC3) {
        return None;
    }
    let cp = Codepage::of(Charset::Windows1252).unwrap();
    // Latin letters windows-1252 does not have (Hungarian `ő`, Polish `ł`)
    // say the line was not read as windows-1252: its `áé` are words. (U+0100-
    // U+024F are led by 0xC4-0xC9.)
    if b.iter().any(|x| (0xC4..=0xC9).contains(x))
        && line
            .chars()
            .any(|c| ('\u{100}'..='\u{24F}').contains(&c) && cp.byte(c).is_none())
    {
        return None;
    }
    let chars = chars.of(line);
    // (start, end) of each span in the line, and its bytes in `bytes`.
    let mut spans: Vec<(usize, usize, Range<usize>)> = Vec::new();
    let mut bytes = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if chars[k].1.is_ascii() || cp.byte(chars[k].1).is_none() {
            k += 1;
            continue;
        }
        // Each lead takes the next character as its trail byte (Big5/GBK
        // trails include ASCII letters).
        let mut e = k;
        let first = bytes.len();
        while e < chars.len() {
            match cp.byte(chars[e].1) {
                Some(b) if b >= 0x81 => {
                    bytes.push(b);
                    e += 1;
                    match chars.get(e).and_then(|p| cp.byte(p.1)) {
                        Some(t) if t >= 0x40 && t != 0x7F => {
                            bytes.push(t);
                            e += 1;
                        }
                        _ => break,
                    }
                }
                _ => break,
            }
        }
        let start = chars[k].0;
        let end = chars.get(e).map_or(line.len(), |p| p.0);
        spans.push((start, end, first..bytes.len()));
        k = e.max(k + 1);
    }
    // Spans that are plausible UTF-8 are left to the Latin repair; a line of
    // UTF-8 read as windows-1252 has nothing else, so it stops here.
    let double_byte: Vec<bool> = spans
        .iter()
        .map(|(start, end, range)| {
            let span = &bytes[range.clone()];
            !std::str::from_utf8(span)
                .is_ok_and(|u| u.chars().all(|c| !unlikely_result(c) && !rare_latin(c)))
                && !accented_letter_in_word(line, *start, *end, span.len())
        })
        .collect();
    if !double_byte.contains(&true) {
        return None;
    }
    // Each code page's readings are decoded into one reused buffer; those
    // kept go into one string.
    let mut buf = String::new();
    let mut best: Option<LatinCjkReading> = None;
    // Each code page is read first keeping GB2312's level-2 hanzi (`砥砺`,
    // `磅礴`: characters of real text, which the shares over the line
    // judge; a line with no ASCII is one span, and one such word would
    // leave all of it), then, if that reading fails and had some, without
    // them (`重巒疊áÖ,ÁÖº£`: `嶂` alone among a few hanzi tips the shares).
    let mut settled = None;
    for (written, level2) in [
        (Charset::Gbk, true),
        (Charset::Gbk, false),
        (Charset::Big5, true),
        (Charset::Big5, false),
    ] {
        if !level2 && settled == Some(written) {
            continue;
        }
        let odd_here = |c: char| is_odd_cjk(c) && !(level2 && is_gb2312_level2(c));
        let mut used_level2 = false;
        // Which spans read as hanzi with no odd character (their text in
        // `texts`), and the counts of hanzi, frequent and common hanzi
        // over those.
        let mut texts = String::new();
        let mut read: Vec<Option<Range<usize>>> = vec![None; spans.len()];
        let (mut hanzi, mut frequent, mut common) = (0, 0, 0);
        // Spans read as punctuation only: no evidence of their own.
        let mut punctuation = vec![false; spans.len()];
        for (((_, _, range), (text, &double_byte)), punct) in spans
            .iter()
            .zip(read.iter_mut().zip(&double_byte))
            .zip(punctuation.iter_mut())
        {
            // A reading with an odd character is not kept: its decoding
            // stops there.
            if !double_byte
                || !decode_double_byte_into(written, &bytes[range.clone()], odd_here, &mut buf)
            {
                continue;
            }
            let (mut odd, mut h, mut f, mut c) = (false, 0, 0, 0);
            for ch in buf.chars() {
                if odd_here(ch) {
                    odd = true;
                    break;
                }
                used_level2 |= is_odd_cjk(ch);
                h += usize::from(is_hanzi(ch));
                f += usize::from(is_frequent_hanzi(ch));
                c += usize::from(is_common_hanzi(ch));
            }
            if !odd && h > 0 {
                hanzi += h;
                frequent += f;
                common += c;
                *text = Some(texts.len()..texts.len() + buf.len());
                texts.push_str(&buf);
            } else if !odd && buf.chars().all(is_double_byte_punctuation) {
                // Punctuation between ASCII words (`"username@"¡£`) has no
                // hanzi to judge: it follows the line's spans that have.
                *text = Some(texts.len()..texts.len() + buf.len());
                texts.push_str(&buf);
                *punct = true;
            }
        }
        if !used_level2 {
            settled = Some(written);
        }
        // Pairs whose trail byte was an ASCII letter are weak evidence
        // (`°e` is Big5 for 送): enough pairs must be two high bytes.
        let (mut high, mut pairs) = (0, 0);
        for (((_, _, range), text), &punct) in spans.iter().zip(&read).zip(&punctuation) {
            if text.is_some() && !punct {
                for pair in bytes[range.clone()].chunks(2).filter(|p| p.len() == 2) {
                    pairs += 1;
                    high += usize::from(pair[1] >= 0x80);
                }
            }
        }
        // Unless the readings make words, inside and with the hanzi around
        // them (`¦h¶]路` is `多跑路`).
        if high * LATIN_CJK_HIGH_TRAIL_RATIO < pairs {
            let mut word_pairs = 0;
            for ((start, end, _), text) in spans.iter().zip(&read) {
                if let Some(text) = text {
                    word_pairs += context_pairs(
                        &texts[text.clone()],
                        char_before(line, *start),
                        char_after(line, *end),
                    );
                }
            }
            let spans_read = read
                .iter()
                .zip(&punctuation)
                .filter(|(t, punct)| t.is_some() && !**punct)
                .count() as i32;
            if word_pairs < STRONG_PAIR_SCORE * spans_read {
                continue;
            }
        }
        if hanzi < LATIN_CJK_MIN_HANZI
            || (frequent as f64) < LATIN_CJK_MIN_FREQUENT_SHARE * hanzi as f64
            || (common as f64) < LATIN_CJK_MIN_COMMON_SHARE * hanzi as f64
        {
            continue;
        }
        settled = Some(written);
        if best.as_ref().is_none_or(|b| common > b.3) {
            best = Some((written, texts, read, common));
        }
    }
    let (written, texts, read, _) = best?;
    let kind = RepairEdit::Mojibake(Chain {
        written,
        read: Charset::Windows1252,
    });
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    for ((start, end, _), text) in spans.iter().zip(read) {
        if let Some(text) = text {
            let text = &texts[text];
            out.push_str(&line[copied..*start]);
            log.edit(kind, line, *start, *end, text);
            out.push_str(text);
            copied = *end;
        }
    }
    out.push_str(&line[copied..]);
    Some(out)
}

/// Chinese punctuation GBK and Big5 write in their symbol rows (`。` is
/// A1A3 in GBK, `¡£` read as windows-1252): a span that reads as nothing
/// else is taken with the line's hanzi spans, never on its own.
fn is_double_byte_punctuation(c: char) -> bool {
    matches!(c, '\u{3001}'..='\u{3011}' | '\u{2014}'..='\u{2026}' | '\u{FF01}'..='\u{FF1F}' | '·')
}

/// A GBK or Big5 reading of a line's windows-1252 spans: the code page, the
/// texts of the spans it reads (where each is in that string; `None` for a
/// span left alone) and its count of common hanzi.
type LatinCjkReading = (Charset, String, Vec<Option<Range<usize>>>, usize);

//! Byte-order marks (step 1), and UTF-16 and UTF-32 without one, told by
//! where their zero bytes sit (step 3).
//!
//! A BOM is the strongest evidence there is, so it is read before anything
//! else, and a UTF-32LE BOM before the UTF-16LE one it begins with. Without
//! a BOM, text in UTF-32 has zeros in the top byte of every unit, and
//! ASCII-heavy UTF-16 in nearly every other byte; a reading chosen that way
//! must still look like text, or NUL-padded binary data would pass. UTF-32
//! is decoded here because `encoding_rs` has no decoder for it.
//!
//! Example: `FF FE 00 00 2D 4E 00 00 87 65 00 00` → `中文`, encoding
//! `UTF-32LE`, method `bom`; `48 00 69 00` → `Hi`, `UTF-16LE`, method
//! `nul-pattern`.
//!
//! UTF-16 with too few zero bytes for the pattern (Chinese or Cyrillic, no
//! BOM) is found by the frequency test when it holds enough ideographs;
//! shorter, it is read here ([`decode_plain_utf16`]) when one byte order
//! gives plausible text: no malformed unit, no control, ideographs mostly
//! common ones, other letters from one 256-code-point block (an alphabet
//! lives in one; noise read as UTF-16 scatters over many). Its bytes are
//! often control bytes (the low halves of ideographs, Cyrillic's `04`), so
//! without this reading a short text file was taken for binary.
//!
//! Example: `2D 4E 87 65 4B 6D D5 8B` → `中文测试`, `UTF-16LE`, method
//! `nul-pattern`.
//!
//! Limits: UTF-16 with too few zero bytes is not found by the zero-byte
//! test; a plain reading needs [`PLAIN_UTF16_MIN_UNITS`] units, and Korean
//! (whose syllables span 44 blocks) is read that way only when its spaces
//! give the zero-byte pattern.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::frequency::{CJK_ACCEPT_SCORE, is_common_hanzi};
use super::seven_bit::decode_seven_bit;
use super::{
    Decoded, Method, NUL_BINARY_RATIO, STATISTICAL_CEILING, decode_counting, ratio, report, round3,
    text,
};

/// In UTF-16 text, the share of zero bytes at the high-byte offset must reach
/// this (Latin or ASCII-heavy text has ~1.0; CJK text has fewer, but then
/// newlines and ASCII punctuation still give some)…
const UTF16_HIGH_ZERO_MIN: f64 = 0.2;

/// …while the low-byte offset is almost never zero (only U+xx00 characters).
const UTF16_LOW_ZERO_MAX: f64 = 0.05;

/// In UTF-32, the top byte of every unit is zero, and the next one is zero
/// for every BMP character: require nearly all of both.
const UTF32_ZERO_MIN: f64 = 0.95;

/// Highest share of malformed units in a UTF-16/32 reading without a BOM:
/// real text has none, so more than a trace means the pattern misled us.
const UNICODE_MAX_ERROR_RATE: f64 = 0.01;

/// Fewest code units a plain UTF-16 reading (no zero-byte pattern) needs:
/// fewer than four characters are too little evidence to call bytes text.
pub(super) const PLAIN_UTF16_MIN_UNITS: usize = 4;

/// Share of a plain UTF-16 reading's ideographs that must be common ones,
/// as in the frequency test: random units land on rare ideographs.
const PLAIN_UTF16_MIN_COMMON: f64 = CJK_ACCEPT_SCORE;

/// Decodes with a byte-order mark, if there is one.
pub(super) fn decode_bom(bytes: &[u8]) -> Option<Decoded<'_>> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE, 0x00, 0x00]) {
        let (s, errors) = decode_utf32(rest, false);
        return Some(text(
            Cow::Owned(s),
            report("UTF-32LE", 1.0, Method::Bom, true, errors),
        ));
    }
    if let Some(rest) = bytes.strip_prefix(&[0x00, 0x00, 0xFE, 0xFF]) {
        let (s, errors) = decode_utf32(rest, true);
        return Some(text(
            Cow::Owned(s),
            report("UTF-32BE", 1.0, Method::Bom, true, errors),
        ));
    }
    let (encoding, bom_len) = Encoding::for_bom(bytes)?;
    let rest = &bytes[bom_len..];
    if encoding == UTF_8 && rest.is_ascii() {
        // A BOM before 7-bit text: the escapes decide, as they would once
        // the BOM is gone.
        if let Some(Decoded::Text { text, mut report }) = decode_seven_bit(rest) {
            report.bom = true;
            return Some(Decoded::Text { text, report });
        }
    }
    if encoding == UTF_8
        && let Ok(s) = std::str::from_utf8(rest)
    {
        return Some(text(
            Cow::Borrowed(s),
            report("UTF-8", 1.0, Method::Bom, true, 0),
        ));
    }
    let (s, errors) = decode_counting(encoding, rest);
    Some(text(
        Cow::Owned(s),
        report(encoding.name(), 1.0, Method::Bom, true, errors),
    ))
}

/// UTF-32 or UTF-16 without a BOM, recognised by where their zero bytes sit.
pub(super) fn decode_nul_pattern<'a>(bytes: &'a [u8], sniff: &[u8]) -> Option<Decoded<'a>> {
    let zero_share = |modulus: usize, offset: usize| {
        let (mut zeros, mut total) = (0usize, 0usize);
        for (i, &b) in sniff.iter().enumerate() {
            if i % modulus == offset {
                total += 1;
                zeros += usize::from(b == 0);
            }
        }
        ratio(zeros, total)
    };
    if bytes.len().is_multiple_of(4) {
        for (big_endian, name) in [(false, "UTF-32LE"), (true, "UTF-32BE")] {
            let (top, next) = if big_endian { (0, 1) } else { (3, 2) };
            if zero_share(4, top) >= UTF32_ZERO_MIN && zero_share(4, next) >= UTF32_ZERO_MIN {
                let (s, errors) = decode_utf32(bytes, big_endian);
                if !plausible_unicode(&s, errors) {
                    return None;
                }
                let confidence =
                    round3(STATISTICAL_CEILING * (1.0 - ratio(errors as usize, s.len())));
                return Some(without_bom(name, s, confidence, errors));
            }
        }
    }
    let (even, odd) = (zero_share(2, 0), zero_share(2, 1));
    let encoding = if odd >= UTF16_HIGH_ZERO_MIN && even <= UTF16_LOW_ZERO_MAX {
        UTF_16LE
    } else if even >= UTF16_HIGH_ZERO_MIN && odd <= UTF16_LOW_ZERO_MAX {
        UTF_16BE
    } else {
        return None;
    };
    let (s, errors) = decode_counting(encoding, bytes);
    if !plausible_unicode(&s, errors) {
        return None;
    }
    let skew = (odd - even).abs();
    let confidence = round3(
        (STATISTICAL_CEILING * skew.min(1.0) * (1.0 - ratio(errors as usize, s.len()))).max(0.5),
    );
    Some(without_bom(encoding.name(), s, confidence, errors))
}

/// A BOM-less UTF-16 or UTF-32 reading (`Method::NulPattern`, whichever
/// evidence found it).
fn without_bom<'a>(name: &'static str, s: String, confidence: f64, errors: u64) -> Decoded<'a> {
    text(
        Cow::Owned(s),
        report(name, confidence, Method::NulPattern, false, errors),
    )
}

/// UTF-16 without a BOM and without the zero-byte pattern, when exactly
/// one byte order reads as plausible text (see the module doc).
pub(super) fn decode_plain_utf16(bytes: &[u8]) -> Option<Decoded<'_>> {
    if !bytes.len().is_multiple_of(2) || bytes.len() / 2 < PLAIN_UTF16_MIN_UNITS {
        return None;
    }
    let le = plain_utf16_score(bytes, u16::from_le_bytes);
    let be = plain_utf16_score(bytes, u16::from_be_bytes);
    let (encoding, common) = match (le, be) {
        (Some(c), None) => (UTF_16LE, c),
        (None, Some(c)) => (UTF_16BE, c),
        _ => return None,
    };
    let (s, errors) = decode_counting(encoding, bytes);
    let units = bytes.len() / 2;
    let evidence = 1.0 - (-(units as f64) / PLAIN_UTF16_EVIDENCE_SCALE).exp();
    let confidence = round3((0.5 + 0.5 * common * evidence).min(STATISTICAL_CEILING));
    Some(without_bom(encoding.name(), s, confidence, errors))
}

/// Code units after which a plain UTF-16 reading's confidence nears its
/// ceiling: the same exponential form as the frequency test's evidence.
const PLAIN_UTF16_EVIDENCE_SCALE: f64 = 16.0;

/// The common share of a plain UTF-16 reading's ideographs (1.0 without
/// any), or `None` when the reading is not plausible text.
fn plain_utf16_score(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Option<f64> {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let (mut ideographs, mut common) = (0usize, 0usize);
    let mut block: Option<u32> = None;
    for c in char::decode_utf16(units) {
        let c = c.ok()?;
        match c {
            '\t' | '\n' | '\r' | ' '..='~' => {}
            '\u{4E00}'..='\u{9FFF}' => {
                ideographs += 1;
                common += usize::from(is_common_hanzi(c));
            }
            // Punctuation and widths every script's text uses.
            '\u{A0}'..='\u{BF}'
            | '\u{2000}'..='\u{206F}'
            | '\u{3000}'..='\u{303F}'
            | '\u{FF01}'..='\u{FF5E}' => {}
            c if c.is_alphabetic() && (c as u32) < 0xE000 => {
                let b = c as u32 >> 8;
                if *block.get_or_insert(b) != b {
                    return None;
                }
            }
            _ => return None,
        }
    }
    let share = if ideographs == 0 {
        1.0
    } else {
        ratio(common, ideographs)
    };
    // Without ideographs or letters, a reading of ASCII pairs is NUL-free
    // 7-bit text and never gets here; a reading of punctuation alone is
    // not evidence.
    (share >= PLAIN_UTF16_MIN_COMMON && (ideographs > 0 || block.is_some())).then_some(share)
}

/// A UTF-16/32 reading chosen from zero-byte positions must still look like
/// text: NUL-padded data fits the pattern too, and decodes to NULs and
/// errors.
fn plausible_unicode(s: &str, errors: u64) -> bool {
    let chars = s.chars().count();
    let nuls = s.chars().filter(|&c| c == '\0').count();
    ratio(errors as usize, chars) <= UNICODE_MAX_ERROR_RATE
        && ratio(nuls, chars) <= NUL_BINARY_RATIO
}

/// UTF-32 (not in `encoding_rs`). A trailing partial unit and values that are
/// not scalar values become U+FFFD.
fn decode_utf32(bytes: &[u8], big_endian: bool) -> (String, u64) {
    let mut out = String::with_capacity(bytes.len());
    let mut errors = 0;
    let mut units = bytes.chunks_exact(4);
    for unit in &mut units {
        let unit: [u8; 4] = unit.try_into().expect("chunks_exact yields 4 bytes");
        let value = if big_endian {
            u32::from_be_bytes(unit)
        } else {
            u32::from_le_bytes(unit)
        };
        match char::from_u32(value) {
            Some(c) => out.push(c),
            None => {
                errors += 1;
                out.push('\u{FFFD}');
            }
        }
    }
    if !units.remainder().is_empty() {
        errors += 1;
        out.push('\u{FFFD}');
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::decode::tests::decoded;

    #[test]
    fn cjk_utf16_with_a_fifth_of_ascii_follows_the_zero_pattern() {
        // Seven hanzi and `a\n` a line: 2 of 9 units (22 %) have a zero high
        // byte, just past UTF16_HIGH_ZERO_MIN; no low byte is zero.
        let text = "网络安全信息化a\n".repeat(30);
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let (s, r) = decoded(&bytes);
        assert_eq!((r.encoding, r.method), ("UTF-16LE", Method::NulPattern));
        assert_eq!(s, text);
    }

    #[test]
    fn utf32_with_a_few_supplementary_characters_follows_the_zero_pattern() {
        // One character of 23 beyond the BMP (𠮷, a name's variant of 吉):
        // the second-highest byte is zero in 95.7 % of the units.
        let text = "网络安全和信息化是事关国家发展的重大战略问题𠮷".repeat(10);
        let bytes: Vec<u8> = text
            .chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect();
        let (s, r) = decoded(&bytes);
        assert_eq!((r.encoding, r.method), ("UTF-32LE", Method::NulPattern));
        assert_eq!(s, text);
    }

    #[test]
    fn a_zero_pattern_reading_tolerates_one_error_in_a_hundred() {
        let text = "网".repeat(100);
        assert!(plausible_unicode(&text, 1));
        assert!(!plausible_unicode(&text, 2));
    }

    #[test]
    fn plain_utf16_needs_four_units() {
        let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_be_bytes).collect() };
        assert!(decode_plain_utf16(&utf16("中国人民")).is_some());
        assert!(decode_plain_utf16(&utf16("中国人")).is_none());
    }

    #[test]
    fn utf32_bom_is_not_utf16() {
        let mut bytes = vec![0xFF, 0xFE, 0x00, 0x00];
        for c in "中文 A".chars() {
            bytes.extend((c as u32).to_le_bytes());
        }
        let (s, r) = decoded(&bytes);
        assert_eq!(r.encoding, "UTF-32LE");
        assert_eq!(s, "中文 A");
    }

    #[test]
    fn utf16_without_bom_by_nul_pattern() {
        let text = "Hello, world. 中文 and more ASCII text\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decoded(&le), (text.to_string(), decoded(&le).1));
        assert_eq!(decoded(&le).1.encoding, "UTF-16LE");
        assert_eq!(decoded(&be).0, text);
        assert_eq!(decoded(&be).1.encoding, "UTF-16BE");
    }

    #[test]
    fn short_utf16_without_zeros_is_text() {
        for text in ["中文测试", "简体中文的短句", "Привет", "繁體中文：測試"]
        {
            let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            assert_eq!(decoded(&le).0, text, "{le:02X?}");
            assert_eq!(decoded(&le).1.encoding, "UTF-16LE");
            assert_eq!(decoded(&be).0, text, "{be:02X?}");
            assert_eq!(decoded(&be).1.encoding, "UTF-16BE");
        }
    }

    #[test]
    fn noise_and_legacy_bytes_are_not_plain_utf16() {
        use super::decode_plain_utf16;
        // Rare ideographs, letters scattered over blocks, controls: noise.
        for noise in [
            &[0x01, 0x9F, 0x03, 0x9E, 0x05, 0x9D, 0x07, 0x9C][..],
            &[0x10, 0x04, 0x31, 0x05, 0x10, 0x06, 0x52, 0x07],
            &[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08],
        ] {
            assert!(decode_plain_utf16(noise).is_none(), "{noise:02X?}");
        }
        // GBK Chinese read as UTF-16 is Hangul, Yi and private use.
        let (gbk, _, _) = encoding_rs::GBK.encode("这是一个简单的测试");
        assert!(decode_plain_utf16(&gbk).is_none());
        assert!(
            decode_plain_utf16(
                "中文"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<_>>()
                    .as_slice()
            )
            .is_none()
        );
    }
}

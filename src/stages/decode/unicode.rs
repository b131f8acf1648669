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
//! Limits: UTF-16 with too few zero bytes at the high-byte offsets (mostly
//! Chinese, no BOM) is not found here; the frequency test may still read it
//! when the document holds enough ideographs. Short BOM-less UTF-16
//! detection belongs here.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

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
    if bytes.len() % 4 == 0 {
        for (big_endian, name) in [(false, "UTF-32LE"), (true, "UTF-32BE")] {
            let (top, next) = if big_endian { (0, 1) } else { (3, 2) };
            if zero_share(4, top) >= UTF32_ZERO_MIN && zero_share(4, next) >= UTF32_ZERO_MIN {
                let (s, errors) = decode_utf32(bytes, big_endian);
                if !plausible_unicode(&s, errors) {
                    return None;
                }
                let confidence =
                    round3(STATISTICAL_CEILING * (1.0 - ratio(errors as usize, s.len())));
                return Some(text(
                    Cow::Owned(s),
                    report(name, confidence, Method::NulPattern, false, errors),
                ));
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
    Some(text(
        Cow::Owned(s),
        report(
            encoding.name(),
            confidence,
            Method::NulPattern,
            false,
            errors,
        ),
    ))
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
    use crate::stages::decode::tests::decoded;

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
}

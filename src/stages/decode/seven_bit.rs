//! The 7-bit CJK encodings that hide in ASCII (step 4): ISO-2022-JP,
//! ISO-2022-KR and HZ-GB-2312.
//!
//! Their bytes are all below 0x80, so they are valid UTF-8 and would pass
//! for ASCII; pure 7-bit input (also behind a UTF-8 BOM) is therefore
//! searched for what names them: an escape sequence (`ESC $ ) C`,
//! `ESC $ B`, …) or HZ's `~{`. ISO-2022-JP is `encoding_rs`'s; ISO-2022-KR
//! and HZ are decoded here, their double-byte codes read through the EUC
//! decoder with the high bits set. HZ is taken only when its runs read as
//! common Chinese, since `~{` also occurs in code and wiki markup.
//!
//! Example: `HZ: ~{VPND~} and ~~ tilde` → `HZ: 中文 and ~ tilde`, encoding
//! `HZ-GB-2312`, method `escapes`.
//!
//! Limits: ISO-2022-CN is not decoded yet (its text stays ASCII, escapes
//! included); its decoder belongs here, beside ISO-2022-KR's. HZ needs at
//! least [`HZ_MIN_IDEOGRAPHS`] ideographs.

use std::borrow::Cow;

use encoding_rs::{CoderResult, EUC_KR, Encoding, GBK, ISO_2022_JP};

use super::frequency::{CJK_ACCEPT_SCORE, CJK_FULL_MARGIN, cjk_confidence, frequency_of};
use super::{Decoded, Method, STATISTICAL_CEILING, decode_counting, ratio, report, round3, text};

/// HZ needs at least this many ideographs in its `~{ … ~}` runs: one pair
/// could be chance in ASCII text.
const HZ_MIN_IDEOGRAPHS: u32 = 2;

/// 7-bit CJK encodings: ISO-2022-JP, ISO-2022-KR and HZ-GB-2312.
pub(super) fn decode_seven_bit(bytes: &[u8]) -> Option<Decoded<'_>> {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if bytes.contains(&0x1B) {
        if has(b"\x1B$)C") {
            let (s, errors) = decode_iso2022kr(bytes);
            let confidence = round3(STATISTICAL_CEILING * (1.0 - ratio(errors as usize, s.len())));
            return Some(text(
                Cow::Owned(s),
                report("ISO-2022-KR", confidence, Method::Escapes, false, errors),
            ));
        }
        if has(b"\x1B$B") || has(b"\x1B$@") || has(b"\x1B(J") {
            let (s, errors) = decode_counting(ISO_2022_JP, bytes);
            let confidence = round3(STATISTICAL_CEILING * (1.0 - ratio(errors as usize, s.len())));
            return Some(text(
                Cow::Owned(s),
                report(
                    ISO_2022_JP.name(),
                    confidence,
                    Method::Escapes,
                    false,
                    errors,
                ),
            ));
        }
    }
    if has(b"~{") {
        let (s, errors, ideographs) = decode_hz(bytes);
        // `~{` occurs in code and wiki markup; HZ is accepted only when what it
        // encodes reads as Chinese. Damage inside GB runs (stray spaces or
        // controls) is tolerated and counted: the verdict must not depend on
        // what cleaning removes, or the cleaned ASCII output would be read as
        // HZ on the next run.
        // The U+FFFD of damaged pairs do not count against the reading:
        // cleaning removes the damage (a NUL, a DEL), and the verdict on the
        // cleaned text must be the same.
        let mut freq = frequency_of(&s);
        freq.odd = freq
            .odd
            .saturating_sub(u32::try_from(errors).unwrap_or(u32::MAX));
        let score = freq.score();
        if ideographs >= HZ_MIN_IDEOGRAPHS
            && score >= CJK_ACCEPT_SCORE
            && errors <= u64::from(ideographs)
        {
            let mut r = report(
                "HZ-GB-2312",
                cjk_confidence(score, CJK_FULL_MARGIN, ideographs, errors),
                Method::Escapes,
                false,
                errors,
            );
            r.score = Some(round3(score));
            return Some(text(Cow::Owned(s), r));
        }
    }
    None
}

/// Decodes double-byte codes whose bytes had their high bit cleared (the
/// 7-bit forms of GB2312 and KS X 1001) through the matching EUC decoder.
fn decode_seven_bit_pair(encoding: &'static Encoding, a: u8, b: u8, out: &mut String) -> u64 {
    let pair = [a | 0x80, b | 0x80];
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut buf = [0u8; 8];
    let (result, _, written, had_errors) = decoder.decode_to_utf8(&pair, &mut buf, true);
    debug_assert_eq!(result, CoderResult::InputEmpty);
    out.push_str(std::str::from_utf8(&buf[..written]).unwrap_or("\u{FFFD}"));
    u64::from(had_errors)
}

/// HZ-GB-2312 (RFC 1843): ASCII, with GB2312 runs between `~{` and `~}`.
/// Returns the text, the errors, and the number of ideographs decoded.
fn decode_hz(bytes: &[u8]) -> (String, u64, u32) {
    let mut out = String::with_capacity(bytes.len());
    let (mut errors, mut ideographs) = (0u64, 0u32);
    let mut gb = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match (gb, b, next) {
            (_, b'~', Some(b'{')) => {
                gb = true;
                i += 2;
            }
            (_, b'~', Some(b'}')) => {
                gb = false;
                i += 2;
            }
            (false, b'~', Some(b'~')) => {
                out.push('~');
                i += 2;
            }
            // `~` before a newline is a line continuation.
            (false, b'~', Some(b'\n')) => i += 2,
            (true, 0x21..=0x7E, _) if hz_partner(bytes, i + 1).is_some() => {
                // Junk between the two halves of a pair (spaces, controls)
                // is skipped, not paired: cleaning removes or collapses it,
                // and the pairs must come out the same after it does.
                let (j, n) = hz_partner(bytes, i + 1).expect("checked");
                let junk = (j - i - 1) as u64;
                if junk > 0 {
                    errors += junk;
                    out.push('\u{FFFD}');
                }
                let before = out.len();
                errors += decode_seven_bit_pair(GBK, b, n, &mut out);
                ideographs += u32::from(
                    out[before..]
                        .chars()
                        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
                );
                i = j + 1;
            }
            (true, b'\n' | b'\r', _) => {
                // A line end inside a GB run is malformed; recover in ASCII.
                gb = false;
                out.push(char::from(b));
                i += 1;
            }
            (true, _, _) => {
                errors += 1;
                out.push('\u{FFFD}');
                i += 1;
            }
            (false, _, _) => {
                out.push(char::from(b));
                i += 1;
            }
        }
    }
    (out, errors, ideographs)
}

/// The second half of an HZ pair at or after `from`: the next printable
/// byte, skipping spaces and control bytes, but not past a line end.
fn hz_partner(bytes: &[u8], from: usize) -> Option<(usize, u8)> {
    let mut j = from;
    while let Some(&b) = bytes.get(j) {
        match b {
            0x21..=0x7E => return Some((j, b)),
            b'\n' | b'\r' => return None,
            _ => j += 1,
        }
    }
    None
}

/// ISO-2022-KR (RFC 1557): ASCII, with KS X 1001 between SO and SI after an
/// `ESC $ ) C` designation.
fn decode_iso2022kr(bytes: &[u8]) -> (String, u64) {
    const DESIGNATION: &[u8] = b"\x1B$)C";
    let mut out = String::with_capacity(bytes.len());
    let mut errors = 0;
    let mut shifted = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(DESIGNATION) {
            i += DESIGNATION.len();
            continue;
        }
        match bytes[i] {
            0x0E => shifted = true,
            0x0F => shifted = false,
            b @ 0x21..=0x7E if shifted => match bytes.get(i + 1) {
                Some(&n @ 0x21..=0x7E) => {
                    errors += decode_seven_bit_pair(EUC_KR, b, n, &mut out);
                    i += 1;
                }
                _ => {
                    errors += 1;
                    out.push('\u{FFFD}');
                }
            },
            b @ (b'\n' | b'\r') => {
                // Lines end in ASCII mode.
                shifted = false;
                out.push(char::from(b));
            }
            b if b < 0x80 => out.push(char::from(b)),
            _ => {
                errors += 1;
                out.push('\u{FFFD}');
            }
        }
        i += 1;
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use crate::stages::decode::tests::decoded;

    #[test]
    fn hz_decodes() {
        // 中文 is D6D0 CEC4 in GB2312.
        let (s, r) = decoded(b"HZ: ~{VPND~} and ~~ tilde");
        assert_eq!(r.encoding, "HZ-GB-2312", "{s}");
        assert_eq!(s, "HZ: 中文 and ~ tilde");
    }

    #[test]
    fn tilde_brace_in_code_is_not_hz() {
        let (s, r) = decoded(b"let x = ~{a, b~} in code;");
        assert_eq!(r.encoding, "UTF-8");
        assert_eq!(s, "let x = ~{a, b~} in code;");
    }

    #[test]
    fn iso2022kr_decodes() {
        // 한 is B0A1+... use a known pair: 가 = B0A1 in EUC-KR → 30 21.
        let (s, r) = decoded(b"\x1B$)C\x0E\x30\x21\x0F ok\n");
        assert_eq!(r.encoding, "ISO-2022-KR");
        assert_eq!(s, "가 ok\n");
    }
}

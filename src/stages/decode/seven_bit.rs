//! The 7-bit CJK encodings that hide in ASCII (step 4): ISO-2022-JP,
//! ISO-2022-KR, ISO-2022-CN (and its EXT form) and HZ-GB-2312.
//!
//! Their bytes are all below 0x80, so they are valid UTF-8 and would pass
//! for ASCII; pure 7-bit input (also behind a UTF-8 BOM) is therefore
//! searched for what names them: an escape sequence (`ESC $ ) C`,
//! `ESC $ B`, …) or HZ's `~{`. ISO-2022-JP is `encoding_rs`'s; ISO-2022-KR
//! and HZ are decoded here, their double-byte codes read through the EUC
//! decoder with the high bits set. HZ is taken only when its runs read as
//! common Chinese, since `~{` also occurs in code and wiki markup.
//!
//! ISO-2022-KR and ISO-2022-CN share one decoder (SO/SI shifts and their
//! designations). ISO-2022-CN (RFC 1922) designates GB2312 or CNS 11643 plane 1 for SO,
//! CNS plane 2 for single shift SS2 (`ESC N`), and in its EXT form planes
//! 3–7 for SS3 (`ESC O`); CNS codes are read through the project's CNS
//! table (`tables::cns11643`), the one EUC-TW uses.
//!
//! Example: `HZ: ~{VPND~} and ~~ tilde` → `HZ: 中文 and ~ tilde`, encoding
//! `HZ-GB-2312`, method `escapes`; `ESC $ ) A SO V P N D SI` → `中文`,
//! encoding `ISO-2022-CN`.
//!
//! Limits: HZ needs at least [`HZ_MIN_IDEOGRAPHS`] ideographs. ISO-IR-165
//! (`ESC $ ) E`, EXT only) is read as GB2312, of which it is a superset:
//! its additions become U+FFFD, counted. A designation is kept across line
//! ends (RFC 1922 asks writers to repeat it on each line; a reader that
//! forgets it would lose text written by careless ones).

use std::borrow::Cow;

use encoding_rs::{CoderResult, EUC_KR, Encoding, GBK, ISO_2022_JP};

use super::frequency::{CJK_ACCEPT_SCORE, CJK_FULL_MARGIN, cjk_confidence, frequency_of};
use super::{Decoded, Method, STATISTICAL_CEILING, decode_counting, ratio, report, round3, text};
use crate::tables::cns11643::cns11643_to_char;

/// HZ needs at least this many ideographs in its `~{ … ~}` runs: one pair
/// could be chance in ASCII text.
const HZ_MIN_IDEOGRAPHS: u32 = 2;

/// 7-bit CJK encodings: ISO-2022-JP, ISO-2022-KR and HZ-GB-2312.
pub(super) fn decode_seven_bit(bytes: &[u8]) -> Option<Decoded<'_>> {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if bytes.contains(&0x1B) {
        if has(b"\x1B$)C") {
            let (s, errors, _) = decode_iso2022(bytes);
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
    if bytes.contains(&0x1B) && ISO2022CN_DESIGNATIONS.iter().any(|d| has(d)) {
        let (s, errors, ext) = decode_iso2022(bytes);
        let confidence = round3(STATISTICAL_CEILING * (1.0 - ratio(errors as usize, s.len())));
        let name = if ext {
            "ISO-2022-CN-EXT"
        } else {
            "ISO-2022-CN"
        };
        return Some(text(
            Cow::Owned(s),
            report(name, confidence, Method::Escapes, false, errors),
        ));
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

/// The designations RFC 1922 defines: an escape sequence this specific
/// names the encoding by itself, as `ESC $ ) C` names ISO-2022-KR.
const ISO2022CN_DESIGNATIONS: [&[u8]; 9] = [
    b"\x1B$)A", b"\x1B$)G", b"\x1B$)E", b"\x1B$*H", b"\x1B$+I", b"\x1B$+J", b"\x1B$+K", b"\x1B$+L",
    b"\x1B$+M",
];

/// What a designation puts into G1 (the SO set), G2 or G3.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SoSet {
    None,
    Gb2312,
    Ksc5601,
    Cns(u8),
}

/// The 7-bit ISO 2022 forms with SO/SI: ISO-2022-KR (RFC 1557, KS X 1001
/// after `ESC $ ) C`), ISO-2022-CN and ISO-2022-CN-EXT (RFC 1922). Returns
/// the text, the errors, and whether an EXT-only designation was seen.
fn decode_iso2022(bytes: &[u8]) -> (String, u64, bool) {
    let mut out = String::with_capacity(bytes.len());
    let (mut errors, mut ext) = (0u64, false);
    let (mut g1, mut g2, mut g3) = (SoSet::None, SoSet::None, SoSet::None);
    let mut shifted = false;
    let mut i = 0;
    // One double-byte code from `set`; `a` and `b` are 7-bit.
    let pair = |set: SoSet, a: u8, b: u8, out: &mut String| -> u64 {
        match set {
            SoSet::Gb2312 => decode_seven_bit_pair(GBK, a, b, out),
            SoSet::Ksc5601 => decode_seven_bit_pair(EUC_KR, a, b, out),
            SoSet::Cns(plane) => match cns11643_to_char(plane, a - 0x20, b - 0x20) {
                Some(c) => {
                    out.push(c);
                    0
                }
                None => {
                    out.push('\u{FFFD}');
                    1
                }
            },
            SoSet::None => {
                out.push('\u{FFFD}');
                1
            }
        }
    };
    let graphic = |k: usize| bytes.get(k).filter(|b| (0x21..=0x7E).contains(*b)).copied();
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"\x1B$") && rest.len() >= 4 {
            let set = match (rest[2], rest[3]) {
                (b')', b'A') => Some((1, SoSet::Gb2312)),
                (b')', b'C') => Some((1, SoSet::Ksc5601)),
                (b')', b'G') => Some((1, SoSet::Cns(1))),
                (b')', b'E') => Some((1, SoSet::Gb2312)),
                (b'*', b'H') => Some((2, SoSet::Cns(2))),
                (b'+', f @ b'I'..=b'M') => Some((3, SoSet::Cns(f - b'I' + 3))),
                _ => None,
            };
            if let Some((g, set)) = set {
                ext |= g == 3 || rest[3] == b'E';
                match g {
                    1 => g1 = set,
                    2 => g2 = set,
                    _ => g3 = set,
                }
                i += 4;
                continue;
            }
        }
        if let [0x1B, s @ (b'N' | b'O'), ..] = rest {
            let set = if *s == b'N' { g2 } else { g3 };
            match (graphic(i + 2), graphic(i + 3)) {
                (Some(a), Some(b)) => {
                    errors += pair(set, a, b, &mut out);
                    i += 4;
                }
                _ => {
                    errors += 1;
                    out.push('\u{FFFD}');
                    i += 2;
                }
            }
            continue;
        }
        match bytes[i] {
            0x0E => shifted = true,
            0x0F => shifted = false,
            a @ 0x21..=0x7E if shifted => match graphic(i + 1) {
                Some(b) => {
                    errors += pair(g1, a, b, &mut out);
                    i += 1;
                }
                None => {
                    errors += 1;
                    out.push('\u{FFFD}');
                }
            },
            b @ (b'\n' | b'\r') => {
                // RFC 1557 and 1922: a line ends in ASCII mode.
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
    (out, errors, ext)
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
    fn one_hz_ideograph_is_chance() {
        // `~{VP~}` is 中 alone: HZ_MIN_IDEOGRAPHS asks for two.
        let (s, r) = decoded(b"see ~{VP~} above");
        assert_eq!(r.encoding, "UTF-8");
        assert_eq!(s, "see ~{VP~} above");
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

    #[test]
    fn iso2022cn_decodes_gb2312_and_cns_planes() {
        // glibc iconv's ISO-2022-CN bytes of `中文測試 ok`: GB2312 for the
        // Simplified pair, CNS plane 1 for the Traditional one.
        let (s, r) = decoded(b"\x1B$)A\x0EVPND\x1B$)G`Af\\\x0F ok\n");
        assert_eq!((s.as_str(), r.encoding), ("中文測試 ok\n", "ISO-2022-CN"));
        assert_eq!(r.replacements, 0);
        // SS2 reads one code from CNS plane 2 (0x2121 is 乂) without SO.
        let (s, r) = decoded(b"a \x1B$*H\x1BN!!b");
        assert_eq!((s.as_str(), r.encoding), ("a 乂b", "ISO-2022-CN"));
        // SS3 after an EXT designation of plane 3 (0x2121 is 丨).
        let (s, r) = decoded(b"\x1B$+I\x1BO!!");
        assert_eq!((s.as_str(), r.encoding), ("丨", "ISO-2022-CN-EXT"));
    }

    #[test]
    fn escape_text_without_a_cn_designation_stays_ascii() {
        let (s, r) = decoded(b"press ESC then $)Z: \x1B$)Z\x0Eab\x0F\n");
        assert_eq!(r.encoding, "UTF-8");
        assert!(s.contains("ab"));
    }
}

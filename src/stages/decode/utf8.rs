//! UTF-8 (step 4): how sure valid UTF-8 is, and UTF-8 that is damaged or
//! mixed line by line with a legacy encoding.
//!
//! Valid UTF-8 is taken in the entry, borrowed without a copy; this file
//! gives its confidence, and keeps two kinds of nearly-UTF-8 file from
//! chardetng, which rules UTF-8 out at the first malformed byte and would
//! re-read the whole file as a legacy encoding: UTF-8 with a few damaged
//! bytes stays UTF-8, the damage counted; a file whose lines are partly
//! UTF-8 and partly one legacy encoding (two files concatenated, an editor
//! that saved part of a file in another encoding) has each line decoded in
//! its own.
//!
//! Example: three UTF-8 lines, then `没有网络安全就没有国家安全，…` in GBK,
//! then one more UTF-8 line → all five lines as text, encoding `UTF-8`,
//! `mixed`: GBK, 1 line.
//!
//! Limits: a mixed file holds two encodings at most (its legacy lines share
//! one); a damaged file stays UTF-8 only with at most
//! [`MOSTLY_UTF8_MAX_ERRORS`] malformed sequences, and a mixed file only
//! with enough valid UTF-8 ([`MIXED_MIN_UTF8_SEQUENCES`],
//! [`MIXED_MIN_UTF8_SHARE`]); short or nearly-ASCII files go on to the later
//! steps.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

use super::frequency::{decode_by_frequency, frequency_of};
use super::{Decoded, Method, Mixed, decode_counting, ratio, report, round3, text};

/// A file counts as partly UTF-8 only with this many multi-byte sequences
/// in lines that are wholly valid UTF-8: legacy text almost never forms
/// even one such line by accident.
const MIXED_MIN_UTF8_SEQUENCES: usize = 10;

/// …and those lines must hold this share of the file's non-ASCII bytes: a
/// long legacy file has a few short lines that are valid UTF-8 by accident.
const MIXED_MIN_UTF8_SHARE: f64 = 0.1;

/// Two encodings in one file is itself a sign of trouble: the verdict is
/// never given full confidence.
const MIXED_CONFIDENCE: f64 = 0.8;

/// At most this many malformed sequences in text still taken for UTF-8:
/// damage is local; legacy encodings read as UTF-8 fail everywhere.
const MOSTLY_UTF8_MAX_ERRORS: u64 = 8;

/// …and only when valid multi-byte sequences outnumber the errors this
/// many times over, so a short legacy file with a few errors does not pass.
const MOSTLY_UTF8_MIN_SEQUENCES_PER_ERROR: u64 = 20;

/// Each valid multi-byte UTF-8 sequence makes a legacy reading less likely;
/// the chance that legacy text forms one by accident is taken as ≤ 1/10.
const UTF8_ACCIDENT_ODDS: f64 = 0.1;

/// A file of UTF-8 lines and lines in a legacy encoding (two files
/// concatenated, an editor that saved part of a file in another encoding).
/// Valid UTF-8 lines stay UTF-8; the others are decoded with the encoding
/// the frequency test (or chardetng) picks for them together.
pub(super) fn decode_mixed_lines(bytes: &[u8]) -> Option<Decoded<'_>> {
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let mut utf8: Vec<bool> = lines
        .iter()
        .map(|l| std::str::from_utf8(l).is_ok())
        .collect();
    // Cheap bail-out before any decoding: too little valid UTF-8 to matter.
    utf8_evidence(&lines, &utf8, bytes)?;
    let legacy_bytes: Vec<u8> = lines
        .iter()
        .zip(&utf8)
        .filter(|&(_, &ok)| !ok)
        .flat_map(|(l, _)| l.iter().copied())
        .collect();
    let (legacy, cjk) = match decode_by_frequency(&legacy_bytes) {
        Some(Decoded::Text { report, .. }) if report.encoding.starts_with("UTF-16") => return None,
        Some(Decoded::Text { report, .. }) => (
            Encoding::for_label(report.encoding.as_bytes()).filter(|e| *e != UTF_8)?,
            true,
        ),
        _ => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(&legacy_bytes, true);
            (detector.guess(None, chardetng::Utf8Detection::Deny), false)
        }
    };
    if cjk {
        // A line of a legacy CJK file can be valid UTF-8 by accident; it
        // then reads as Latin or Cyrillic letters, not as ideographs.
        for (line, ok) in lines.iter().zip(utf8.iter_mut()) {
            if *ok && !line.is_ascii() {
                let as_utf8 = frequency_of(std::str::from_utf8(line).expect("valid"));
                let as_legacy = frequency_of(&decode_counting(legacy, line).0);
                if as_utf8.ideographs == 0 && as_legacy.ideographs > 0
                    || as_legacy.score() > as_utf8.score()
                {
                    *ok = false;
                }
            }
        }
        utf8_evidence(&lines, &utf8, bytes)?;
    }
    let mut out = String::with_capacity(bytes.len() * 3 / 2);
    let (mut errors, mut legacy_lines, mut legacy_len) = (0u64, 0u64, 0usize);
    for (line, ok) in lines.iter().zip(&utf8) {
        if *ok {
            out.push_str(std::str::from_utf8(line).expect("checked above"));
        } else {
            let (s, e) = decode_counting(legacy, line);
            out.push_str(&s);
            errors += e;
            legacy_lines += 1;
            legacy_len += line.len();
        }
    }
    let confidence = round3(MIXED_CONFIDENCE * (1.0 - ratio(errors as usize, legacy_len.max(1))));
    let mut r = report("UTF-8", confidence, Method::Utf8, false, errors);
    r.mixed = Some(Mixed {
        encoding: legacy.name(),
        lines: legacy_lines,
    });
    Some(text(Cow::Owned(out), r))
}

/// `Some` when the lines marked UTF-8 carry enough multi-byte sequences, and
/// enough of the file's non-ASCII bytes, to call the file partly UTF-8.
fn utf8_evidence(lines: &[&[u8]], utf8: &[bool], bytes: &[u8]) -> Option<()> {
    let (mut sequences, mut non_ascii) = (0usize, 0usize);
    for (line, _) in lines.iter().zip(utf8).filter(|&(_, &ok)| ok) {
        sequences += line.iter().filter(|&&b| b >= 0xC0).count();
        non_ascii += line.iter().filter(|&&b| b >= 0x80).count();
    }
    let total = bytes.iter().filter(|&&b| b >= 0x80).count();
    (sequences >= MIXED_MIN_UTF8_SEQUENCES && ratio(non_ascii, total) >= MIXED_MIN_UTF8_SHARE)
        .then_some(())
}

/// UTF-8 with a few damaged bytes (a file cut mid-character, a flipped
/// byte): still UTF-8, with the damage counted. chardetng would rule UTF-8
/// out on the first error and pick a legacy encoding for the whole file.
pub(super) fn decode_mostly_utf8(bytes: &[u8]) -> Option<Decoded<'_>> {
    let mut errors = 0u64;
    let mut rest = bytes;
    while let Err(e) = std::str::from_utf8(rest) {
        errors += 1;
        if errors > MOSTLY_UTF8_MAX_ERRORS {
            return None;
        }
        let skip = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
        rest = &rest[e.valid_up_to() + skip..];
    }
    let sequences = bytes.iter().filter(|&&b| b >= 0xC0).count() as u64;
    if sequences < errors * MOSTLY_UTF8_MIN_SEQUENCES_PER_ERROR {
        return None;
    }
    let (s, errors) = decode_counting(UTF_8, bytes);
    let confidence =
        round3(utf8_confidence(bytes) * (1.0 - ratio(errors as usize, sequences as usize)));
    Some(text(
        Cow::Owned(s),
        report("UTF-8", confidence, Method::Utf8, false, errors),
    ))
}

/// Confidence that valid UTF-8 with non-ASCII content is UTF-8: each
/// multi-byte sequence is another coincidence a legacy reading would need.
pub(super) fn utf8_confidence(bytes: &[u8]) -> f64 {
    let sequences = bytes.iter().filter(|&&b| b >= 0xC0).count();
    round3(1.0 - UTF8_ACCIDENT_ODDS.powi(sequences.min(16) as i32))
}

#[cfg(test)]
mod tests {
    use encoding_rs::GBK;

    use super::*;
    use crate::stages::decode::tests::decoded;

    #[test]
    fn utf8_cut_mid_character_stays_utf8() {
        let text = "网络强国建设的宏伟蓝图，".repeat(10);
        let bytes = &text.as_bytes()[..text.len() - 1];
        let (s, r) = decoded(bytes);
        assert_eq!(r.encoding, "UTF-8");
        assert_eq!(r.replacements, 1);
        assert_eq!(s, format!("{}\u{FFFD}", &text[..text.len() - 3]));
    }

    #[test]
    fn one_damaged_byte_in_utf8_is_counted_not_reinterpreted() {
        let mut bytes = "这是一股新动力，代表新生产力、新发展方向。"
            .repeat(5)
            .into_bytes();
        // Byte 7 is the middle of the third character: its lead byte, the
        // 0xFF and the orphaned last byte are three malformed sequences.
        bytes[7] = 0xFF;
        let (s, r) = decoded(&bytes);
        assert_eq!(r.encoding, "UTF-8");
        assert_eq!(r.replacements, 3);
        assert!(s.ends_with("新发展方向。"));
    }

    /// `hanzi` characters of UTF-8 text with `errors` stray continuation
    /// bytes (one malformed sequence each) spread between them.
    fn damaged_utf8(hanzi: usize, errors: usize) -> Vec<u8> {
        let text: String = "网络安全和信息化是事关国家发展的重大战略问题"
            .chars()
            .cycle()
            .take(hanzi)
            .collect();
        let mut bytes = Vec::new();
        for (i, c) in text.chars().enumerate() {
            if i * errors / hanzi != (i + 1) * errors / hanzi {
                bytes.push(0x80);
            }
            bytes.extend_from_slice(c.to_string().as_bytes());
        }
        bytes
    }

    #[test]
    fn eight_damaged_bytes_leave_a_file_utf8_nine_do_not() {
        assert!(decode_mostly_utf8(&damaged_utf8(1000, 8)).is_some());
        assert!(decode_mostly_utf8(&damaged_utf8(1000, 9)).is_none());
    }

    #[test]
    fn a_damaged_byte_needs_twenty_good_sequences_beside_it() {
        assert!(decode_mostly_utf8(&damaged_utf8(20, 1)).is_some());
        assert!(decode_mostly_utf8(&damaged_utf8(19, 1)).is_none());
    }

    #[test]
    fn partly_utf8_needs_ten_sequences_and_a_tenth_of_the_non_ascii_bytes() {
        // One UTF-8 line of `hanzi` characters before `legacy` bytes of GBK.
        let evidence = |hanzi: usize, legacy: usize| {
            let line: String = "没有网络安全就没有国家安全"
                .chars()
                .cycle()
                .take(hanzi)
                .collect();
            let mut bytes = format!("{line}\n").into_bytes();
            let gbk = GBK.encode("没有信息化就没有现代化").0.into_owned();
            bytes.extend(gbk.iter().copied().cycle().take(legacy));
            bytes.push(b'\n');
            let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
            let utf8: Vec<bool> = lines
                .iter()
                .map(|l| std::str::from_utf8(l).is_ok())
                .collect();
            assert_eq!(utf8, [true, false]);
            utf8_evidence(&lines, &utf8, &bytes).is_some()
        };
        // Ten sequences (30 of 230 non-ASCII bytes) count, nine do not.
        assert!(evidence(10, 200));
        assert!(!evidence(9, 200));
        // 60 of 560 non-ASCII bytes (10.7 %) count, 60 of 620 (9.7 %) do not.
        assert!(evidence(20, 500));
        assert!(!evidence(20, 560));
    }

    #[test]
    fn utf8_and_gbk_lines_in_one_file_are_both_decoded() {
        let utf8 = "网络安全和信息化是事关国家安全和国家发展的重大战略问题。\n";
        let gbk_line = "没有网络安全就没有国家安全，没有信息化就没有现代化。\n";
        let mut bytes = utf8.repeat(3).into_bytes();
        bytes.extend_from_slice(&GBK.encode(gbk_line).0);
        bytes.extend_from_slice(utf8.as_bytes());
        let (s, r) = decoded(&bytes);
        assert_eq!(s, format!("{}{gbk_line}{utf8}", utf8.repeat(3)));
        assert_eq!(r.encoding, "UTF-8");
        assert_eq!(
            r.mixed,
            Some(Mixed {
                encoding: "GBK",
                lines: 1
            })
        );
    }

    #[test]
    fn gbk_lines_that_happen_to_be_valid_utf8_do_not_make_a_file_mixed() {
        // Ideographs whose GBK bytes also form a UTF-8 sequence (lead
        // C2–DF, trail 80–BF): a short line of them is valid UTF-8.
        let accidental: String = ('\u{4E00}'..='\u{9FA5}')
            .filter(|c| {
                let one = c.to_string();
                let (b, _, _) = GBK.encode(&one);
                std::str::from_utf8(&b).is_ok()
            })
            .take(4)
            .collect();
        assert_eq!(accidental.chars().count(), 4);
        let mut text = String::new();
        for _ in 0..30 {
            text.push_str("没有网络安全就没有国家安全，没有信息化就没有现代化。\n");
            text.push_str(&accidental);
            text.push('\n');
        }
        let (bytes, _, _) = GBK.encode(&text);
        let (s, r) = decoded(&bytes);
        assert_eq!(r.encoding, "GBK");
        assert_eq!(r.mixed, None);
        assert_eq!(s, text);
    }
}

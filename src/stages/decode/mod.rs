//! # decode: bytes → text, with the encoding named and a confidence
//!
//! Every document enters the pipeline as bytes in an unknown encoding. This
//! stage decides what the bytes are and decodes them with `encoding_rs` (or one
//! of its own small decoders for encodings the WHATWG standard left out).
//!
//! Evidence is taken in order of strength, and the first decisive step wins:
//!
//! 1. **Byte-order mark**: UTF-8, UTF-16LE/BE and UTF-32LE/BE. A UTF-32LE BOM
//!    (`FF FE 00 00`) begins with the UTF-16LE one, so it is tested first.
//! 2. **Binary signatures** (PNG, ZIP, PDF, ELF, …): not text; skipped, never
//!    mangled.
//! 3. **NUL patterns**: UTF-32 and UTF-16 without a BOM put their zero bytes at
//!    fixed offsets; other NUL-heavy or control-heavy data is binary.
//! 4. **Strict UTF-8**. Pure 7-bit input is then checked for the 7-bit CJK
//!    encodings that hide in ASCII: ISO-2022-JP, ISO-2022-KR, ISO-2022-CN and
//!    HZ-GB-2312.
//! 5. **Chinese frequency test**: a sample is decoded as GBK/GB18030, Big5,
//!    EUC-TW (and UTF-16 when the length allows) and each result is scored by
//!    the share of its ideographs that are among the commonest Chinese
//!    characters (`tables::common_hanzi`). Real Chinese is Zipfian, so the
//!    right decoding scores high; EUC-KR or Shift_JIS bytes read as GBK, or
//!    Big5 read as GBK, spread over rare characters and score low. A clear
//!    winner is accepted; this is cheap for short documents, where chardetng
//!    keeps all its candidates alive and is slow.
//!    Below it, UTF-16 without the zero-byte pattern is read when one byte
//!    order gives plausible text (`unicode.rs`); a file is binary only when
//!    none does.
//! 6. **chardetng** for everything else (ISO-2022-JP allowed, UTF-8 allowed, no
//!    TLD hint). A Japanese or Korean guess whose reading has no kana or
//!    Hangul yields to a GBK or Big5 reading of common Chinese.
//!
//! The report names the encoding as `encoding_rs` spells it (`GBK`, `Big5`,
//! `UTF-16LE`, …) or, for encodings it lacks, `UTF-32LE`, `UTF-32BE`,
//! `HZ-GB-2312`, `ISO-2022-KR`, `ISO-2022-CN`, `ISO-2022-CN-EXT`, `EUC-TW`. Its confidence in [0, 1] is derived
//! from the evidence of the deciding step (see the confidence rules in each
//! step), and it counts the U+FFFD characters decoding introduced.
//!
//! Example: the bytes `D6 D0 CE C4` → `中文`, encoding `GBK`, but method
//! `chardetng` with a low confidence: two characters are too few for the
//! frequency test, which decides a sentence such as `网络安全和信息化是事关国家安全和国家发展的重大战略问题。`
//! in GBK (method `cjk-frequency`); `E4 B8 AD E6 96 87` → `中文`, `UTF-8`,
//! borrowed, no copy.
//!
//! ```
//! use canon::stages::decode::{decode, Decoded, Method};
//! let Decoded::Text { text, report } = decode(&[0xD6, 0xD0, 0xCE, 0xC4]) else { panic!() };
//! assert_eq!((&*text, report.encoding, report.method), ("中文", "GBK", Method::Chardetng));
//! let (gbk, _, _) = encoding_rs::GBK.encode("网络安全和信息化是事关国家安全和国家发展的重大战略问题。");
//! let Decoded::Text { report, .. } = decode(&gbk) else { panic!() };
//! assert_eq!((report.encoding, report.method), ("GBK", Method::CjkFrequency));
//! let Decoded::Text { text, .. } = decode("中文".as_bytes()) else { panic!() };
//! assert!(matches!(text, std::borrow::Cow::Borrowed("中文")));
//! ```
//!
//! Limits: a document is decoded with one legacy encoding. UTF-8 mixed line
//! by line with a legacy encoding is the exception: each line that is not
//! UTF-8 is decoded by itself (`utf8.rs`, counted as `mixed` in the report).
//! Two legacy encodings in one file are decoded with the majority one; the
//! other's lines come out as mojibake, which `repair` undoes when it
//! recognises it (Big5 read as GBK, for one). EUC-TW planes beyond those in the CNS table
//! become U+FFFD; chardetng's runner-up is not exposed by its API, so that
//! path's confidence has no margin term.
//!
//! ## Where things are
//!
//! This file is the entry: the report types, [`decode`], the order of the
//! steps (`detect_and_decode`), the last resort (chardetng), and what every
//! step shares (the report builders, `ratio`, `round3`,
//! [`decode_counting`], and the constants two steps use). Each step with
//! logic of its own has a file, so a reader asking why a file got its
//! verdict opens the step that gave it:
//!
//! - `unicode.rs`: steps 1 and 3, byte-order marks and UTF-16/UTF-32 told
//!   by their zero bytes, and UTF-32's decoder, and short UTF-16 without the
//!   pattern read as plain text.
//! - `binary.rs`: steps 2 and 3, signatures and the bytes text does not
//!   use, on raw bytes and again on decoded text.
//! - `utf8.rs`: step 4, how sure valid UTF-8 is, and UTF-8 that is damaged
//!   or mixed line by line with a legacy encoding.
//! - `seven_bit.rs`: step 4, the 7-bit encodings (ISO-2022-JP/KR/CN, HZ).
//! - `frequency.rs`: step 5, the Chinese frequency test over double-byte
//!   readings, and EUC-TW's decoder, its only user.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, Encoding};
use serde::Serialize;

mod binary;
mod frequency;
mod seven_bit;
mod unicode;
mod utf8;

use self::binary::{binary_signature, control_heavy_text, count_binary_controls};
use self::frequency::{chinese_not_japanese_or_korean, decode_by_frequency};
use self::seven_bit::decode_seven_bit;
use self::unicode::{decode_bom, decode_nul_pattern, decode_plain_utf16};
use self::utf8::{decode_mixed_lines, decode_mostly_utf8, utf8_confidence};

/// How the encoding was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Zero bytes: nothing to decide.
    Empty,
    /// A byte-order mark.
    Bom,
    /// Zero bytes at the offsets UTF-16/UTF-32 put them.
    NulPattern,
    /// Valid UTF-8 (pure ASCII included).
    Utf8,
    /// Escape sequences of a 7-bit encoding (ISO-2022-JP/KR/CN, HZ).
    Escapes,
    /// The common-Chinese-character frequency test.
    CjkFrequency,
    /// chardetng's guess.
    Chardetng,
}

/// Why a file is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BinaryKind {
    /// A known file signature (the format's name).
    Signature(&'static str),
    /// Many NUL bytes outside any UTF-16/UTF-32 pattern.
    NulBytes,
    /// Many C0 control bytes that text does not use.
    ControlBytes,
}

impl std::fmt::Display for BinaryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BinaryKind::Signature(name) => write!(f, "binary file ({name} signature)"),
            BinaryKind::NulBytes => f.write_str("binary file (NUL bytes)"),
            BinaryKind::ControlBytes => f.write_str("binary file (control bytes)"),
        }
    }
}

/// The second-best candidate of the frequency test, for the record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunnerUp {
    pub encoding: &'static str,
    /// Its frequency score in [0, 1].
    pub score: f64,
}

/// What decoding found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodeReport {
    /// The encoding's name (`encoding_rs` spelling where it has one).
    pub encoding: &'static str,
    /// How sure we are, in [0, 1].
    pub confidence: f64,
    pub method: Method,
    /// A byte-order mark was present (and removed).
    pub bom: bool,
    /// U+FFFD characters introduced by malformed bytes.
    pub replacements: u64,
    /// The frequency score of the chosen decoding, when that test ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<RunnerUp>,
    /// Lines in a second encoding, in a file that mixes two.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mixed: Option<Mixed>,
}

/// The minority encoding of a file that mixes two, line by line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mixed {
    pub encoding: &'static str,
    /// How many lines were decoded with it.
    pub lines: u64,
}

/// The result of the stage: text, or a reason it is not text.
#[derive(Debug)]
pub enum Decoded<'a> {
    Text {
        text: Cow<'a, str>,
        report: DecodeReport,
    },
    Binary(BinaryKind),
}

/// Bytes examined at the start of a document for NUL patterns and binary
/// tests: enough to see thousands of characters, small enough to be free.
const SNIFF_BYTES: usize = 64 * 1024;

/// Share of NUL bytes above which a file without a UTF-16/32 pattern is
/// binary: text has none, executables and images have many; a text file
/// with a few stray NULs stays text (repair removes them).
const NUL_BINARY_RATIO: f64 = 0.05;

/// Share of C0 control bytes (not tab, LF, VT, FF, CR, SO, SI, ESC) above which a
/// file is binary: random bytes have ~10%, text ~0.
const CONTROL_BINARY_RATIO: f64 = 0.05;

/// Non-ASCII bytes after which chardetng's guess counts as well founded
/// (same exponential form as the frequency test's `CJK_EVIDENCE_SCALE`).
const CHARDETNG_EVIDENCE_SCALE: f64 = 200.0;

/// chardetng gives no score or runner-up; we never claim more than this for
/// its guesses.
const CHARDETNG_CEILING: f64 = 0.9;

/// Without a BOM, no statistical verdict is certain.
const STATISTICAL_CEILING: f64 = 0.99;

/// Decodes `bytes`. Never fails: undecodable bytes become U+FFFD (counted)
/// and non-text input is reported as binary.
///
/// The text never starts with U+FEFF: a BOM repeated (a file re-saved by a
/// tool that added its own) is removed with the first, or cleaning the
/// output again would remove the next one.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    match detect_and_decode(bytes) {
        // A BOM or a legacy reading can carry control-heavy data through;
        // judged as text, it must pass the same test as raw bytes, or its
        // cleaned output would be taken for binary on the next run.
        Decoded::Text { text, report }
            if (report.bom || report.method != Method::Utf8) && control_heavy_text(&text) =>
        {
            Decoded::Binary(BinaryKind::ControlBytes)
        }
        // The same for a signature behind a BOM or inside UTF-16.
        Decoded::Text { text, .. } if binary_signature(text.as_bytes()).is_some() => {
            Decoded::Binary(binary_signature(text.as_bytes()).expect("checked"))
        }
        Decoded::Text { text, mut report } if text.starts_with('\u{FEFF}') => {
            report.bom = true;
            let text = match text {
                Cow::Borrowed(s) => Cow::Borrowed(s.trim_start_matches('\u{FEFF}')),
                Cow::Owned(s) => Cow::Owned(s.trim_start_matches('\u{FEFF}').to_string()),
            };
            Decoded::Text { text, report }
        }
        decoded => decoded,
    }
}

fn detect_and_decode(bytes: &[u8]) -> Decoded<'_> {
    if bytes.is_empty() {
        return text(
            Cow::Borrowed(""),
            report("UTF-8", 1.0, Method::Empty, false, 0),
        );
    }
    if let Some(decoded) = decode_bom(bytes) {
        return decoded;
    }
    let sniff = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Some(kind) = binary_signature(sniff) {
        return Decoded::Binary(kind);
    }
    let has_nul = sniff.contains(&0);
    if has_nul && let Some(decoded) = decode_nul_pattern(bytes, sniff) {
        return decoded;
    }
    let nul_heavy =
        has_nul && ratio(sniff.iter().filter(|&&b| b == 0).count(), sniff.len()) > NUL_BINARY_RATIO;
    let controls = count_binary_controls(sniff);
    let control_heavy = ratio(controls, sniff.len()) > CONTROL_BINARY_RATIO;
    if nul_heavy || control_heavy {
        // UTF-16 Chinese without a BOM has few zero bytes and many control
        // bytes (low halves of ideographs): only the frequency test can
        // tell it from binary data.
        if let Some(decoded) = decode_by_frequency(bytes) {
            return decoded;
        }
        // Short UTF-16 has too few ideographs for the frequency test: a
        // file is binary only when no byte order reads as text.
        if let Some(decoded) = decode_plain_utf16(bytes) {
            return decoded;
        }
        return Decoded::Binary(if nul_heavy {
            BinaryKind::NulBytes
        } else {
            BinaryKind::ControlBytes
        });
    }
    // simdutf8's drop-in for `std::str::from_utf8`, read a vector at a
    // time: the standard check goes byte by byte through CJK text (2% of a
    // run's instructions). `compat` stops at the first error, as the
    // standard check does, so a legacy-encoded file is not read through.
    if let Ok(s) = simdutf8::compat::from_utf8(bytes) {
        if s.is_ascii() {
            if let Some(decoded) = decode_seven_bit(bytes) {
                return decoded;
            }
            return text(
                Cow::Borrowed(s),
                report("UTF-8", 1.0, Method::Utf8, false, 0),
            );
        }
        let confidence = utf8_confidence(bytes);
        return text(
            Cow::Borrowed(s),
            report("UTF-8", confidence, Method::Utf8, false, 0),
        );
    }
    if let Some(decoded) = decode_mostly_utf8(bytes) {
        return decoded;
    }
    if let Some(decoded) = decode_mixed_lines(bytes) {
        return decoded;
    }
    if let Some(decoded) = decode_by_frequency(bytes) {
        return decoded;
    }
    if let Some(decoded) = decode_plain_utf16(bytes) {
        return decoded;
    }
    decode_chardetng(bytes)
}

fn text(text: Cow<'_, str>, report: DecodeReport) -> Decoded<'_> {
    Decoded::Text { text, report }
}

fn report(
    encoding: &'static str,
    confidence: f64,
    method: Method,
    bom: bool,
    replacements: u64,
) -> DecodeReport {
    DecodeReport {
        encoding,
        confidence,
        method,
        bom,
        replacements,
        score: None,
        runner_up: None,
        mixed: None,
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// chardetng over the whole input (step 6).
fn decode_chardetng(bytes: &[u8]) -> Decoded<'_> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    if let Some(decoded) = chinese_not_japanese_or_korean(encoding, bytes) {
        return decoded;
    }
    let (s, errors) = decode_counting(encoding, bytes);
    let non_ascii = bytes.iter().filter(|&&b| b >= 0x80).count();
    let evidence = 1.0 - (-(non_ascii as f64) / CHARDETNG_EVIDENCE_SCALE).exp();
    let clean = 1.0 - ratio(errors as usize, non_ascii.max(1)).min(1.0);
    let confidence = round3(CHARDETNG_CEILING * evidence * clean);
    text(
        Cow::Owned(s),
        report(
            encoding.name(),
            confidence,
            Method::Chardetng,
            false,
            errors,
        ),
    )
}

/// Decodes with `encoding_rs`, counting malformed sequences (each becomes one
/// U+FFFD). No BOM handling: callers have dealt with it.
pub fn decode_counting(encoding: &'static Encoding, bytes: &[u8]) -> (String, u64) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len() * 3 + 16);
    let mut out = String::with_capacity(capacity);
    let mut errors = 0u64;
    let mut rest = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::Malformed(_, _) => {
                errors += 1;
                out.push('\u{FFFD}');
            }
            DecoderResult::OutputFull => {
                // Capacity was computed for the whole input; grow defensively.
                out.reserve(rest.len() * 3 + 16);
            }
        }
    }
    (out, errors)
}

#[cfg(test)]
mod boundaries;

#[cfg(test)]
mod tests {
    use encoding_rs::UTF_8;

    use super::*;

    pub(super) fn decoded(bytes: &[u8]) -> (String, DecodeReport) {
        match decode(bytes) {
            Decoded::Text { text, report } => (text.into_owned(), report),
            Decoded::Binary(kind) => panic!("unexpected binary: {kind}"),
        }
    }

    #[test]
    fn empty_is_empty_utf8() {
        let (s, r) = decoded(b"");
        assert_eq!(s, "");
        assert_eq!(r.method, Method::Empty);
    }

    #[test]
    fn utf8_is_borrowed() {
        let bytes = "中文 text".as_bytes();
        match decode(bytes) {
            Decoded::Text { text, report } => {
                assert!(matches!(text, Cow::Borrowed(_)));
                assert_eq!(report.encoding, "UTF-8");
                assert!(report.confidence > 0.9);
            }
            Decoded::Binary(_) => panic!("text expected"),
        }
    }

    #[test]
    fn a_stray_nul_keeps_text_text() {
        let mut bytes = "正常的中文文本，".repeat(40).into_bytes();
        bytes.insert(30, 0);
        assert!(matches!(decode(&bytes), Decoded::Text { .. }));
    }

    #[test]
    fn repeated_boms_are_all_removed() {
        let (s, r) = decoded(b"\xEF\xBB\xBF\xEF\xBB\xBFtext");
        assert_eq!(s, "text");
        assert!(r.bom);
        let (s, _) = decoded("\u{FEFF}中文 without a real BOM before it".as_bytes());
        assert_eq!(s, "中文 without a real BOM before it");
    }

    #[test]
    fn malformed_bytes_are_counted() {
        let (s, n) = decode_counting(UTF_8, b"a\xFFb\xFE");
        assert_eq!(s, "a\u{FFFD}b\u{FFFD}");
        assert_eq!(n, 2);
    }
}

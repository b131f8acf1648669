//! Tests at the boundaries of decode's thresholds that no other test
//! noticed moving (the mutation check, `docs/MUTATIONS.md`): each input sits
//! where one step of its constant changes the outcome, and the comment gives
//! the counts that put it there.
//!
//! Example: BOM-less UTF-16LE Chinese with `一` (U+4E00, a zero low byte)
//! in one unit of 23 is recognised by its zero bytes; in one unit of 17 the
//! zero pattern is not trusted and the frequency test decides.
//!
//! Limits: one input per side of each boundary.

use super::tests::decoded;
use super::{DecodeReport, Method};

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn decode_utf16le(text: &str) -> (String, DecodeReport) {
    decoded(&utf16le(text))
}

#[test]
fn a_zero_low_byte_in_one_unit_of_twenty_still_makes_the_zero_pattern() {
    // 15 hanzi, one of them `一`, and ` (v2.0)\n`: 23 units a line, 8 with a
    // zero high byte (35 %), 1 with a zero low byte (4.3 %, within
    // UTF16_LOW_ZERO_MAX = 0.05).
    let text = "第一期网络安全和信息化专项工作 (v2.0)\n".repeat(30);
    let (s, r) = decode_utf16le(&text);
    assert_eq!((r.encoding, r.method), ("UTF-16LE", Method::NulPattern));
    assert_eq!(s, text);
}

#[test]
fn a_zero_low_byte_in_one_unit_of_seventeen_is_left_to_the_frequency_test() {
    // 9 hanzi, one of them `一`, and ` (v2.0)\n`: 17 units a line, 1 with a
    // zero low byte (5.9 %, past UTF16_LOW_ZERO_MAX = 0.05, within 0.1):
    // the zero pattern does not decide, the frequency of its hanzi does.
    let text = "第一期网络安全工作 (v2.0)\n".repeat(30);
    let (s, r) = decode_utf16le(&text);
    assert_eq!((r.encoding, r.method), ("UTF-16LE", Method::CjkFrequency));
    assert_eq!(s, text);
}

//! GBK and Big5: the bytes of a character and the character of a pair of
//! bytes, which every double-byte chain needs for every character of a run,
//! from pair tables built once from encoding_rs's decoders.
//!
//! The encoders search their indexes character by character; the tables
//! ([`GBK_PAIRS`], [`BIG5_PAIRS`] for encoding, [`GBK_CHARS`], [`BIG5_CHARS`]
//! for decoding) give the same bytes and characters by one lookup, which
//! the unit tests check against encoding_rs for every character and every
//! pair. A run is encoded once ([`EncodedRun`]) and its windows slice it.
//! Big5 is also written as code page 950 writes it where that differs from
//! WHATWG's decoder ([`cp950_pair`]). [`encode`] and [`decode_strict`] cover
//! every charset a [`Chain`](super::Chain) names, for replaying one.
//!
//! Example: `笢恅` (GBK `中文` read as Big5) → Big5 bytes D6 D0 CE C4 from
//! [`BIG5_PAIRS`] → `中文` from [`GBK_CHARS`].
//!
//! Limits: GBK's single-byte euro sign (0x80) and a decoder's U+FFFD (a lost
//! byte, [`LOST_BYTE`]) are special-cased; GB18030's four-byte sequences,
//! Big5 pairs that decode to two characters and HKSCS's astral characters
//! are left to encoding_rs.

use std::borrow::Cow;

use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8};

use super::latin::Codepage;
use super::{Charset, LOST_BYTE};

pub(super) fn encode(cs: Charset, s: &str) -> Option<Vec<u8>> {
    match cs {
        Charset::Gbk => {
            // WHATWG's gb18030 encoder refuses U+E5E5 and writes an HTML
            // character reference in its place: those bytes never stood
            // for the text.
            let (b, _, errors) = GB18030.encode(s);
            (!errors).then(|| b.into_owned())
        }
        Charset::Big5 => {
            let (b, _, errors) = BIG5.encode(s);
            if !errors {
                return Some(b.into_owned());
            }
            // The WHATWG Big5 decoder also produces HKSCS characters that
            // its encoder refuses; map those back through the decoder's table.
            let mut out = Vec::with_capacity(s.len() * 2);
            for c in s.chars() {
                let mut buf = [0u8; 4];
                let (b, _, errors) = BIG5.encode(c.encode_utf8(&mut buf));
                if !errors {
                    out.extend_from_slice(&b);
                } else {
                    out.extend_from_slice(BIG5_EXTRA.get(&c)?);
                }
            }
            Some(out)
        }
        Charset::Utf8 => Some(s.as_bytes().to_vec()),
        single => {
            let cp = Codepage::of(single)?;
            s.chars().map(|c| cp.byte(c)).collect()
        }
    }
}

/// [`encode`] for `Gbk` or `Big5`, from the pair tables: the same bytes,
/// without the encoders' search of their indexes (thousands of
/// instructions for a character outside the commonest rows).
pub(super) fn encode_double_byte(cs: Charset, s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match (cs, c) {
            // The two characters `push_double_byte` gives the bytes a GBK
            // decoder read them from, not the encoder's.
            (Charset::Gbk, '\u{20AC}' | '\u{FFFD}') => {
                out.extend_from_slice(&encode(cs, c.encode_utf8(&mut [0; 4]))?);
            }
            _ if !push_double_byte(cs, c, &mut out) => return None,
            _ => {}
        }
    }
    Some(out)
}

/// GBK byte pair of every BMP character the GBK decoder produces from a
/// pair (0: none), built once from the decoder: encoding_rs's encoders
/// search their tables for every character, and the chains re-encode every
/// character of a run. A unit test checks it against the GB18030 encoder.
pub(super) static GBK_PAIRS: std::sync::LazyLock<Box<[u16]>> = std::sync::LazyLock::new(|| {
    let mut table = vec![0u16; 0x10000].into_boxed_slice();
    for lead in 0x81..=0xFEu8 {
        for trail in (0x40..=0x7Eu8).chain(0x80..=0xFE) {
            if let Some(c) = single_char(GBK, [lead, trail])
                && (c as u32) < 0x10000
                && table[c as usize] == 0
            {
                table[c as usize] = u16::from_be_bytes([lead, trail]);
            }
        }
    }
    table
});

/// Big5 byte pair of every BMP character the Big5 decoder produces, the one
/// the WHATWG encoder picks (pairs led by 0xA1 and up first; the last pair
/// of the six characters the standard says so of), then the HKSCS pairs the
/// encoder refuses. A unit test checks it against [`encode`].
pub(super) static BIG5_PAIRS: std::sync::LazyLock<Box<[u16]>> = std::sync::LazyLock::new(|| {
    let mut table = vec![0u16; 0x10000].into_boxed_slice();
    let last_wins = [
        '\u{2550}', '\u{255E}', '\u{2561}', '\u{256A}', '\u{5341}', '\u{5345}',
    ];
    for leads in [0xA1..=0xFEu8, 0x81..=0xA0u8] {
        for lead in leads {
            for trail in (0x40..=0x7Eu8).chain(0xA1..=0xFE) {
                if let Some(c) = single_char(BIG5, [lead, trail])
                    && (c as u32) < 0x10000
                    && (table[c as usize] == 0 || (lead >= 0xA1 && last_wins.contains(&c)))
                {
                    table[c as usize] = u16::from_be_bytes([lead, trail]);
                }
            }
        }
    }
    table
});

/// Columns of a pair table: trail bytes 0x40-0xFE.
const TRAILS: usize = 0xFF - 0x40;

/// What each GBK pair (lead 0x81-0xFE, trail 0x40-0xFE) decodes to, '\0'
/// when it is no pair or decodes to anything but one character.
static GBK_CHARS: std::sync::LazyLock<Box<[char]>> = std::sync::LazyLock::new(|| pair_chars(GBK));

/// The same for Big5.
static BIG5_CHARS: std::sync::LazyLock<Box<[char]>> = std::sync::LazyLock::new(|| pair_chars(BIG5));

fn pair_chars(enc: &'static Encoding) -> Box<[char]> {
    let mut table = vec!['\0'; 0x7E * TRAILS].into_boxed_slice();
    for lead in 0x81..=0xFEu8 {
        for trail in 0x40..=0xFEu8 {
            if let Some(c) = single_char(enc, [lead, trail]) {
                table[usize::from(lead - 0x81) * TRAILS + usize::from(trail - 0x40)] = c;
            }
        }
    }
    table
}

/// [`decode_double_byte_into`] into a new string.
#[cfg(test)]
fn decode_double_byte(cs: Charset, bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len() * 3 / 2);
    decode_double_byte_into(cs, bytes, |_| false, &mut out).then_some(out)
}

/// Strict decoding of GBK or Big5 from the pair tables into `out` (cleared
/// first; false when the bytes do not decode): the same text as
/// [`decode_strict`], which it falls back to for what the tables do not hold
/// (GB18030's four-byte sequences, Big5 pairs that decode to two
/// characters). It gives up at the first character `stop` accepts: a wrong
/// alignment meets a rare character within a few pairs, and the
/// misalignment search tries several. The searches reuse one buffer.
pub(super) fn decode_double_byte_into(
    cs: Charset,
    bytes: &[u8],
    stop: impl Fn(char) -> bool,
    out: &mut String,
) -> bool {
    let table = match cs {
        Charset::Gbk => &GBK_CHARS,
        _ => &BIG5_CHARS,
    };
    // What the pair tables do not hold: the decoder's answer.
    let strict = |out: &mut String| match decode_strict(cs, bytes) {
        Some(s) if !s.chars().any(&stop) => {
            out.clear();
            out.push_str(&s);
            true
        }
        _ => false,
    };
    out.clear();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(b as char);
            i += 1;
            continue;
        }
        // GBK's single byte 0x80 is the euro sign.
        if b == 0x80 && cs == Charset::Gbk {
            out.push('\u{20AC}');
            i += 1;
            continue;
        }
        let Some(&t) = bytes.get(i + 1) else {
            return false;
        };
        if b == 0x80 || b == 0xFF || !(0x40..=0xFE).contains(&t) {
            return cs == Charset::Gbk && t.is_ascii_digit() && strict(out);
        }
        match table[usize::from(b - 0x81) * TRAILS + usize::from(t - 0x40)] {
            '\0' if cs == Charset::Big5 => return strict(out),
            '\0' => return false,
            c if stop(c) => return false,
            c => out.push(c),
        }
        i += 2;
    }
    true
}

/// The one character a byte pair decodes to, if it decodes to one.
fn single_char(enc: &'static Encoding, pair: [u8; 2]) -> Option<char> {
    let s = enc.decode_without_bom_handling_and_without_replacement(&pair)?;
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) if !c.is_ascii() => Some(c),
        _ => None,
    }
}

/// Appends the bytes of `c` in a double-byte code page (`Gbk` or `Big5`);
/// false when it has none. Same bytes as [`encode`], from the tables.
fn push_double_byte(cs: Charset, c: char, out: &mut Vec<u8>) -> bool {
    if c.is_ascii() {
        out.push(c as u8);
        return true;
    }
    if cs == Charset::Gbk {
        match c {
            // GBK (cp936, WHATWG) writes the euro sign as one byte; GB18030's
            // pair for it is Big5's rare `Ｕ`, so the single byte is the
            // better guess when undoing a misreading.
            '\u{20AC}' => {
                out.push(0x80);
                return true;
            }
            // A GBK decoder writes U+FFFD for one byte it could not pair
            // (a lead before an ASCII byte or the end): that byte is lost.
            '\u{FFFD}' => {
                out.push(LOST_BYTE);
                return true;
            }
            _ => {}
        }
    }
    let table = match cs {
        Charset::Gbk => &GBK_PAIRS,
        _ => &BIG5_PAIRS,
    };
    if let Some(&pair) = table.get(c as usize)
        && pair != 0
    {
        out.extend_from_slice(&pair.to_be_bytes());
        return true;
    }
    // The tables hold every BMP character Big5 can encode; GB18030 has
    // four-byte sequences for the rest, and HKSCS has astral characters.
    if cs == Charset::Big5 && (c as u32) < 0x10000 {
        return false;
    }
    match encode(cs, c.encode_utf8(&mut [0; 4])) {
        Some(b) => {
            out.extend_from_slice(&b);
            true
        }
        None => false,
    }
}

/// A run of characters encoded once in a double-byte code page, so every
/// window and chain slices it instead of encoding again.
#[derive(Default)]
pub(super) struct EncodedRun {
    pub(super) bytes: Vec<u8>,
    /// Byte offset of each character, and the total length at the end.
    pub(super) offsets: Vec<u32>,
    /// Positions of the characters without bytes in this code page, in
    /// order (few or none: a list is cheaper to fill than a count per
    /// position).
    missing: Vec<u32>,
}

impl EncodedRun {
    /// Encodes `chars` in `cs` into this run's buffers (reused run after run).
    pub(super) fn fill(&mut self, cs: Charset, chars: &[(usize, char)]) {
        self.fill_with(cs, chars, |_| None);
    }

    /// Encodes `chars` in Big5 with code page 950's pairs where they differ
    /// from WHATWG's; whether any did.
    pub(super) fn fill_cp950(&mut self, chars: &[(usize, char)]) -> bool {
        let mut differs = false;
        self.fill_with(Charset::Big5, chars, |c| {
            let pair = cp950_pair(c);
            differs |= pair.is_some();
            pair
        });
        differs
    }

    /// [`EncodedRun::fill`], taking a character's pair from `first` when it
    /// has one.
    fn fill_with(
        &mut self,
        cs: Charset,
        chars: &[(usize, char)],
        mut first: impl FnMut(char) -> Option<u16>,
    ) {
        self.bytes.clear();
        self.offsets.clear();
        self.missing.clear();
        self.bytes.reserve(chars.len() * 2);
        self.offsets.reserve(chars.len() + 1);
        self.offsets.push(0);
        let table: &[u16] = match cs {
            Charset::Gbk => &GBK_PAIRS,
            _ => &BIG5_PAIRS,
        };
        for (k, &(_, c)) in chars.iter().enumerate() {
            // The common case inline: ASCII, or a pair from the table (GBK's
            // single-byte euro sign and lost byte go the long way).
            let pair = table.get(c as usize).copied().unwrap_or(0);
            if let Some(pair) = first(c) {
                self.bytes.extend_from_slice(&pair.to_be_bytes());
            } else if c.is_ascii() {
                self.bytes.push(c as u8);
            } else if pair != 0 && !(cs == Charset::Gbk && matches!(c, '\u{20AC}' | '\u{FFFD}')) {
                self.bytes.extend_from_slice(&pair.to_be_bytes());
            } else if !push_double_byte(cs, c, &mut self.bytes) {
                self.missing.push(k as u32);
            }
            self.offsets.push(self.bytes.len() as u32);
        }
    }

    /// The bytes of characters `a..b`, if they all have some.
    pub(super) fn slice(&self, a: usize, b: usize) -> Option<&[u8]> {
        let first_missing = self.missing.partition_point(|&m| (m as usize) < a);
        if self
            .missing
            .get(first_missing)
            .is_some_and(|&m| (m as usize) < b)
        {
            return None;
        }
        Some(&self.bytes[self.offsets[a] as usize..self.offsets[b] as usize])
    }
}

/// See [`CP950_ONLY`].
type Cp950Only = (Vec<(char, u16)>, Box<[u64]>);

/// Code page 950's pairs for the characters it puts where WHATWG's Big5
/// has others (rows C6-C8: ETEN's kana, Cyrillic and signs), sorted by
/// character, and a bitmap of those characters (all in the BMP) for the
/// check every run makes.
static CP950_ONLY: std::sync::LazyLock<Cp950Only> = std::sync::LazyLock::new(|| {
    let mut map: Vec<(char, u16)> = crate::tables::big5_cp950::CP950_PAIRS
        .iter()
        .filter(|&&(pair, c)| single_char(BIG5, pair.to_be_bytes()) != Some(c))
        .map(|&(pair, c)| (c, pair))
        .collect();
    map.sort_unstable();
    map.dedup_by_key(|x| x.0);
    let mut bits = vec![0u64; 0x10000 / 64].into_boxed_slice();
    for &(c, _) in &map {
        bits[c as usize / 64] |= 1 << (c as usize % 64);
    }
    (map, bits)
});

/// `c`'s pair in code page 950 when WHATWG's Big5 decoder would not read
/// that pair as `c`.
pub(super) fn cp950_pair(c: char) -> Option<u16> {
    let (map, bits) = &*CP950_ONLY;
    let u = c as usize;
    if u >= 0x10000 || bits[u / 64] >> (u % 64) & 1 == 0 {
        return None;
    }
    map.binary_search_by_key(&c, |x| x.0).ok().map(|i| map[i].1)
}

/// Big5 byte pairs of characters the Big5 encoder does not produce (HKSCS),
/// built once from the decoder: an immutable table.
static BIG5_EXTRA: std::sync::LazyLock<std::collections::HashMap<char, [u8; 2]>> =
    std::sync::LazyLock::new(|| {
        let mut map = std::collections::HashMap::new();
        for lead in 0x81..=0xFEu8 {
            for trail in (0x40..=0x7Eu8).chain(0xA1..=0xFE) {
                let pair = [lead, trail];
                if let Some(s) = BIG5.decode_without_bom_handling_and_without_replacement(&pair) {
                    let mut it = s.chars();
                    if let (Some(c), None) = (it.next(), it.next()) {
                        map.entry(c).or_insert(pair);
                    }
                }
            }
        }
        map
    });

pub(super) fn decode_strict(cs: Charset, bytes: &[u8]) -> Option<String> {
    if cs == Charset::Utf8 {
        return std::str::from_utf8(bytes).ok().map(str::to_string);
    }
    let enc: &'static Encoding = match cs {
        Charset::Utf8 => UTF_8,
        Charset::Gbk => GBK,
        Charset::Big5 => BIG5,
        _ => return None,
    };
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_doc_example_holds() {
        let bytes = encode(Charset::Big5, "笢恅").unwrap();
        assert_eq!(bytes, [0xD6, 0xD0, 0xCE, 0xC4]);
        assert_eq!(decode_strict(Charset::Gbk, &bytes).as_deref(), Some("中文"));
    }

    #[test]
    fn pair_tables_agree_with_the_encoders() {
        for u in 0x80..0x10000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let s = c.to_string();
            for cs in [Charset::Gbk, Charset::Big5] {
                let mut table = Vec::new();
                let found = push_double_byte(cs, c, &mut table);
                let expected = match (cs, c) {
                    (Charset::Gbk, '\u{20AC}') => Some(vec![0x80]),
                    (Charset::Gbk, '\u{FFFD}') => Some(vec![LOST_BYTE]),
                    _ => encode(cs, &s),
                };
                assert_eq!(found.then_some(table), expected, "{cs:?} {c:?}");
            }
        }
    }

    #[test]
    fn double_byte_encoding_agrees_with_the_encoders() {
        for s in [
            "涓枃",
            "中文abc",
            "€",
            "\u{FFFD}",
            "a€b\u{FFFD}c",
            "\u{E5E5}",
            "𠮷",
            "嚙踝蕭",
            "ÖÐÎÄ",
            "",
            "\u{2550}\u{5341}",
            "한국어",
        ] {
            for cs in [Charset::Gbk, Charset::Big5] {
                assert_eq!(encode_double_byte(cs, s), encode(cs, s), "{cs:?} {s:?}");
            }
        }
    }

    #[test]
    fn pair_decoding_agrees_with_encoding_rs() {
        // Every pair, and pairs after digits (GB18030's four-byte form).
        for lead in 0x80..=0xFFu8 {
            for trail in 0x00..=0xFFu8 {
                for bytes in [vec![lead, trail], vec![b'1', lead, trail, b'x', 0x81, 0x30]] {
                    for cs in [Charset::Gbk, Charset::Big5] {
                        assert_eq!(
                            decode_double_byte(cs, &bytes),
                            decode_strict(cs, &bytes),
                            "{cs:?} {bytes:02x?}"
                        );
                    }
                }
            }
        }
    }
}

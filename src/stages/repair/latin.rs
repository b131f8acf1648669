//! Latin-family mojibake: UTF-8 read as a single-byte code page
//! (windows-1252 or Latin-1, windows-1250/1251/1253/1254/1257, MacRoman,
//! cp437, ISO-8859-2), undone span by span; text misread more than once is
//! undone one layer per round of the stage's loop.
//!
//! A code page's reading of a line is the UTF-8 sequences its characters'
//! bytes make ([`parse_seqs`]: a lead byte and its continuation bytes, a
//! space taken for an NBSP byte or a `?` or U+FFFD for a lost one where the
//! pattern allows), in clusters accepted only when they decode to ordinary
//! characters ([`cluster_ok`]: letters with the right case, common
//! punctuation; no IPA, no lone letter of another script glued to a Latin
//! word; a lone two-byte sequence needs more evidence than a line full of
//! them). The code page whose accepted sequences cover most of the line
//! wins; of two that tie, the first in [`LATIN_CODEPAGES`], unless the C1
//! controls it decodes are ones its decoder never writes
//! ([`foreign_controls`]).
//!
//! Example: `Le cafÃ© Ã©tait fermÃ©.` → `Le café était fermé.`;
//! `doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t` → `doesn’t`, layer by layer.
//!
//! Limits: a line with more Latin letters that no sequence explains than
//! ordinary sequences (and at least [`GARBLE_MIN_ORPHANS`]) is garbled
//! beyond this repair, mojibake lowercased after the fact too, and is left
//! alone; so is a lone two-byte sequence in a line whose other non-ASCII
//! characters the code page writes (`– DrÃ¥ber`).

use std::ops::Range;

use super::score::is_hanzi;
use super::{Chain, Chars, Charset, Log, RepairEdit, char_after, char_before};
use crate::tables::codepages;

/// Smallest byte that leads a multi-byte UTF-8 sequence.
const UTF8_LEAD_MIN: u8 = 0xC2;

/// A single-byte code page's high half.
pub(super) struct Codepage {
    charset: Charset,
    table: &'static [char; 128],
    /// Accepts C1 controls for their own byte value (Latin-1 readings, and
    /// WHATWG's treatment of undefined bytes).
    c1: bool,
    /// `table` inverted below [`REVERSE_LIMIT`].
    reverse: &'static [u8],
}

/// A code page's high half, and whether it accepts C1 controls.
fn codepage_table(cs: Charset) -> Option<(&'static [char; 128], bool)> {
    Some(match cs {
        Charset::Windows1252 => (&codepages::WINDOWS_1252, true),
        Charset::Windows1250 => (&codepages::WINDOWS_1250, true),
        Charset::Windows1251 => (&codepages::WINDOWS_1251, true),
        Charset::Windows1253 => (&codepages::WINDOWS_1253, true),
        Charset::Windows1254 => (&codepages::WINDOWS_1254, true),
        Charset::Windows1257 => (&codepages::WINDOWS_1257, true),
        Charset::MacRoman => (&codepages::MAC_ROMAN, false),
        Charset::Cp437 => (&codepages::CP437, false),
        Charset::Iso88592 => (&codepages::ISO_8859_2, true),
        _ => return None,
    })
}

/// Code pages in order of preference when two explain a span equally well.
const LATIN_CODEPAGES: [Charset; 9] = [
    Charset::Windows1252,
    Charset::Windows1251,
    Charset::Windows1250,
    Charset::MacRoman,
    Charset::Cp437,
    Charset::Windows1253,
    Charset::Windows1254,
    Charset::Windows1257,
    Charset::Iso88592,
];

impl Codepage {
    pub(super) fn of(cs: Charset) -> Option<Codepage> {
        let (table, c1) = codepage_table(cs)?;
        let index = LATIN_CODEPAGES.iter().position(|&l| l == cs)?;
        Some(Codepage {
            charset: cs,
            table,
            c1,
            reverse: &REVERSE_CODEPAGES[index],
        })
    }

    pub(super) fn byte(&self, c: char) -> Option<u8> {
        let u = c as u32;
        if u < 0x80 {
            return Some(u as u8);
        }
        if self.c1 && (0x80..=0x9F).contains(&u) {
            return Some(u as u8);
        }
        if self.charset == Charset::Windows1252 && (0xA0..=0xFF).contains(&u) {
            return Some(u as u8);
        }
        // No single-byte code page here goes beyond these (MacRoman's Apple
        // logo and ligatures are the exceptions).
        if u >= 0x2600 && !matches!(u, 0xF8FF | 0xFB01 | 0xFB02) {
            return None;
        }
        if u < REVERSE_LIMIT {
            let b = self.reverse[u as usize];
            return (b != 0).then_some(b);
        }
        self.table
            .iter()
            .position(|&t| t == c)
            .map(|i| 0x80 + i as u8)
    }
}

/// Characters below this have their code-page byte in [`REVERSE_CODEPAGES`];
/// the few above (MacRoman's ligatures) are searched for.
const REVERSE_LIMIT: u32 = 0x2600;

/// Byte of each character below [`REVERSE_LIMIT`] in each of
/// [`LATIN_CODEPAGES`] (0: none; the first byte when two map to it). Every
/// character of a Latin-looking line is looked up in every code page.
static REVERSE_CODEPAGES: std::sync::LazyLock<Vec<Box<[u8]>>> = std::sync::LazyLock::new(|| {
    LATIN_CODEPAGES
        .iter()
        .map(|&cs| {
            let (table, _) = codepage_table(cs).unwrap();
            let mut reverse = vec![0u8; REVERSE_LIMIT as usize].into_boxed_slice();
            for (i, &c) in table.iter().enumerate().rev() {
                if (c as u32) < REVERSE_LIMIT {
                    reverse[c as usize] = 0x80 + i as u8;
                }
            }
            reverse
        })
        .collect()
});

/// Which of [`LATIN_CODEPAGES`] (bit `i` for the `i`th) have a byte of
/// 0x80 or more for each character below [`REVERSE_LIMIT`].
static HIGH_BYTE_MASKS: std::sync::LazyLock<Box<[u16]>> = std::sync::LazyLock::new(|| {
    let pages: Vec<Codepage> = LATIN_CODEPAGES
        .iter()
        .map(|&cs| Codepage::of(cs).unwrap())
        .collect();
    (0..REVERSE_LIMIT)
        .map(|u| char::from_u32(u).map_or(0, |c| high_byte_mask_of(&pages, c)))
        .collect()
});

fn high_byte_mask_of(pages: &[Codepage], c: char) -> u16 {
    pages
        .iter()
        .enumerate()
        .filter(|(_, cp)| cp.byte(c).is_some_and(|b| b >= 0x80))
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Which of [`LATIN_CODEPAGES`] have a byte of 0x80 or more for `c`.
fn high_byte_mask(c: char) -> u16 {
    match HIGH_BYTE_MASKS.get(c as usize) {
        Some(&mask) => mask,
        None => {
            let pages: Vec<Codepage> = LATIN_CODEPAGES
                .iter()
                .map(|&cs| Codepage::of(cs).unwrap())
                .collect();
            high_byte_mask_of(&pages, c)
        }
    }
}

/// One UTF-8 sequence found in code-page text.
#[derive(Debug, Clone)]
struct Seq {
    start: usize,
    end: usize,
    /// The decoded character (U+FFFD when a byte was lost).
    decoded: char,
    bytes: usize,
    /// Continuation bytes actually present (not lost).
    known: usize,
    /// A space was taken for an NBSP byte to end a two-byte sequence.
    sloppy: bool,
    /// A byte was lost, shown as `?` (weak) or U+FFFD.
    lost_q: bool,
    lost: bool,
}

/// Whether `c` can be a UTF-8 lead byte in some code page: a non-ASCII
/// character they all have below [`REVERSE_LIMIT`], or MacRoman's three.
fn may_be_lead(c: char) -> bool {
    !c.is_ascii()
        && ((c as u32) < REVERSE_LIMIT || matches!(c, '\u{F8FF}' | '\u{FB01}' | '\u{FB02}'))
}

/// UTF-8 sequences in `chars` read as `cp`; `leads` are the indices of the
/// characters that may start one ([`may_be_lead`]), so hanzi are skipped.
fn parse_seqs(
    chars: &[(usize, char)],
    leads: &[usize],
    line_len: usize,
    cp: &Codepage,
) -> Vec<Seq> {
    let end_of = |k: usize| chars.get(k).map_or(line_len, |p| p.0);
    let mut seqs: Vec<Seq> = Vec::with_capacity(leads.len());
    let mut next_lead = 0;
    let mut k = 0;
    loop {
        while next_lead < leads.len() && leads[next_lead] < k {
            next_lead += 1;
        }
        let Some(&at) = leads.get(next_lead) else {
            break;
        };
        k = at;
        let c = chars[k].1;
        let Some(lead) = cp.byte(c).filter(|b| (0xC2..=0xF4).contains(b)) else {
            k += 1;
            continue;
        };
        let need = match lead {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            _ => 3,
        };
        // `Ã` + space + lowercase word: the French/Portuguese word `à`
        // whose NBSP byte became the space.
        if lead == 0xC3
            && chars.get(k + 1).is_some_and(|p| p.1 == ' ')
            && chars.get(k + 2).is_some_and(|p| p.1.is_lowercase())
        {
            // Portuguese `às`, `àquele`: the space was the NBSP byte.
            let word: String = chars[k + 2..]
                .iter()
                .map(|p| p.1)
                .take_while(|c| c.is_alphabetic())
                .collect();
            let after = chars.get(k + 2 + word.chars().count()).map(|p| p.1);
            let glued = (word == "s" && after != Some('\''))
                || word.starts_with("quel")
                || word.starts_with("quil");
            let taken = if glued { 2 } else { 1 };
            seqs.push(Seq {
                start: chars[k].0,
                end: end_of(k + taken),
                decoded: 'à',
                bytes: 2,
                known: 1,
                sloppy: false,
                lost_q: false,
                lost: false,
            });
            k += taken;
            continue;
        }
        // At most four bytes: kept on the stack, this runs for every lead.
        let mut buf = [lead, 0, 0, 0];
        let mut len = 1;
        let mut known = 0;
        let mut sloppy = false;
        let mut lost = false;
        let mut lost_q = false;
        let mut j = k + 1;
        while len <= need {
            let Some(&(_, t)) = chars.get(j) else { break };
            let b = match cp.byte(t) {
                Some(b @ 0x80..=0xBF) => {
                    known += 1;
                    b
                }
                // A sloppy NBSP: inside a longer sequence, or `Â ` (an NBSP
                // itself), or before a second space.
                _ if t == ' '
                    && matches!(cp.charset, Charset::Windows1252 | Charset::Windows1250)
                    && (need > 1
                        || lead == 0xC2
                        || chars.get(j + 1).is_some_and(|p| p.1 == ' ')
                        || capital_before_word(lead, chars.get(j + 1).map(|p| p.1))) =>
                {
                    known += 1;
                    sloppy =
                        need == 1 && lead != 0xC2 && chars.get(j + 1).is_none_or(|p| p.1 != ' ');
                    0xA0
                }
                // A lead that is itself a Latin letter or sign (`Ã`, `â`):
                // after CJK punctuation (`—`, MacRoman's 0xD1) U+FFFD is a
                // character a double-byte decoder lost, not a byte.
                _ if t == '\u{FFFD}' && ('\u{80}'..='\u{24F}').contains(&c) => {
                    lost = true;
                    0x80
                }
                _ if t == '?' => {
                    lost = true;
                    lost_q = true;
                    0x80
                }
                _ => break,
            };
            buf[len] = b;
            len += 1;
            j += 1;
        }
        if len != need + 1 {
            k += 1;
            continue;
        }
        let decoded = if lost {
            Some('\u{FFFD}')
        } else {
            match utf8_sequence(&buf[..len]) {
                Some(c) => Some(c),
                // CESU-8: a surrogate pair as two three-byte sequences.
                None if lead == 0xED && (0xA0..=0xAF).contains(&buf[1]) => {
                    cesu_pair(chars, j, cp, &buf[..len]).map(|(c, next)| {
                        j = next;
                        c
                    })
                }
                None => None,
            }
        };
        match decoded {
            Some(d) => {
                seqs.push(Seq {
                    start: chars[k].0,
                    end: end_of(j),
                    decoded: d,
                    bytes: len,
                    known,
                    sloppy,
                    lost_q,
                    lost,
                });
                k = j;
            }
            None => k += 1,
        }
    }
    seqs
}

/// The character of one UTF-8 sequence whose lead byte (0xC2-0xF4) is
/// followed by as many continuation bytes (0x80-0xBF) as it needs: what
/// `str::from_utf8` answers, without its general validation (this runs for
/// every sequence of every code page). The second byte is what makes such a
/// sequence invalid: an overlong form, a surrogate, or beyond U+10FFFF.
pub(super) fn utf8_sequence(seq: &[u8]) -> Option<char> {
    let (lead, second) = (seq[0], seq[1]);
    let valid = match lead {
        0xE0 => second >= 0xA0,
        0xED => second < 0xA0,
        0xF0 => second >= 0x90,
        0xF4 => second < 0x90,
        _ => true,
    };
    if !valid {
        return None;
    }
    let lead_bits = match seq.len() {
        2 => u32::from(lead & 0x1F),
        3 => u32::from(lead & 0x0F),
        _ => u32::from(lead & 0x07),
    };
    let u = seq[1..]
        .iter()
        .fold(lead_bits, |u, &t| (u << 6) | u32::from(t & 0x3F));
    char::from_u32(u)
}

/// `Å iaip`: lead + NBSP is a capital letter and a lowercase word follows
/// the space, so the space stood for the NBSP byte.
fn capital_before_word(lead: u8, after_space: Option<char>) -> bool {
    let capital = std::str::from_utf8(&[lead, 0xA0])
        .ok()
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_uppercase);
    capital && after_space.is_some_and(|c| c.is_alphabetic() && !c.is_ascii_uppercase())
}

fn cesu_pair(
    chars: &[(usize, char)],
    j: usize,
    cp: &Codepage,
    high: &[u8],
) -> Option<(char, usize)> {
    let mut low = Vec::new();
    for k in j..j + 3 {
        let t = chars.get(k)?.1;
        low.push(match cp.byte(t) {
            Some(b) => b,
            None if t == ' ' => 0xA0,
            None => return None,
        });
    }
    if low[0] != 0xED || !(0xB0..=0xBF).contains(&low[1]) || !(0x80..=0xBF).contains(&low[2]) {
        return None;
    }
    let hi = 0xD000 | (u32::from(high[1] & 0x3F) << 6) | u32::from(high[2] & 0x3F);
    let lo = 0xD000 | (u32::from(low[1] & 0x3F) << 6) | u32::from(low[2] & 0x3F);
    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    Some((char::from_u32(c)?, j + 3))
}

/// Characters that a correct decoding practically never produces out of
/// mojibake: controls, IPA, Armenian, Hebrew points, rare scripts, private use.
pub(super) fn unlikely_result(c: char) -> bool {
    // Most results are hanzi of the main block: settled by one test.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return false;
    }
    matches!(c as u32,
        0..=0x1F | 0x7F..=0x9F
        | 0x0180..=0x0191 | 0x0193..=0x019F | 0x01A2..=0x01AE | 0x01B1..=0x01CC
        | 0x01DD..=0x0217 | 0x021C..=0x024F
        | 0x0250..=0x02C5 | 0x02DE..=0x02FF
        | 0x2801..=0x28FF
        | 0x3190..=0x319F | 0x3400..=0x4DBF
        | 0x0500..=0x05CF
        | 0x0610..=0x061A
        // Quranic annotation marks (MacRoman `€™` is DB AA, U+06EA).
        | 0x06D6..=0x06ED
        | 0x0700..=0x08FF
        | 0x1800..=0x1DFF
        | 0xE000..=0xF8FF
        | 0xFDD0..=0xFDEF
        | 0xFFF0..=0xFFFC
        // Tags, variation selectors and private use beyond the BMP: what
        // spaces taken for NBSP bytes after `ó` decode to.
        | 0xE0000..=0x10FFFF)
}

/// Latin letters of small languages that two-byte mojibake produces by
/// accident far more often than text contains them.
pub(super) fn rare_latin(c: char) -> bool {
    // All of them are in Latin Extended-A.
    if !('\u{100}'..='\u{17F}').contains(&c) {
        return false;
    }
    matches!(
        c,
        'Ġ' | 'ġ'
            | 'Ħ'
            | 'ħ'
            | 'Ĉ'
            | 'ĉ'
            | 'Ĝ'
            | 'ĝ'
            | 'Ĥ'
            | 'ĥ'
            | 'Ĵ'
            | 'ĵ'
            | 'Ŝ'
            | 'ŝ'
            | 'Ŭ'
            | 'ŭ'
            | 'Ŀ'
            | 'ŀ'
            | 'ŉ'
            | 'ĸ'
            | 'Ŧ'
            | 'ŧ'
            | 'Ŋ'
            | 'ŋ'
            | 'Ĳ'
            | 'ĳ'
            | 'ſ'
            | 'Ŗ'
            | 'ŗ'
            | 'Ĩ'
            | 'ĩ'
            | 'Ũ'
            | 'ũ'
            | 'Ĕ'
            | 'ĕ'
            | 'Ĭ'
            | 'ĭ'
            | 'Ŏ'
            | 'ŏ'
    )
}

/// A letter of a script other than Latin and Greek (Greek letters are
/// common in Latin-script technical text: `γ`, `μ`).
fn other_script_letter(c: char) -> bool {
    // Unified ideographs first (all assigned, all letters): the alphabetic
    // lookup is slow for them.
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
        || (!matches!(c as u32, 0..=0x24F | 0x370..=0x3FF | 0x1E00..=0x1EFF | 0xFB00..=0xFB06)
            && c.is_alphabetic())
}

pub(super) fn fix_latin(
    line: &str,
    chars: &mut Chars,
    layered: bool,
    log: &mut Log<'_>,
) -> Option<String> {
    if !has_possible_lead(line.as_bytes()) {
        return None;
    }
    // No code page can cover more than the non-ASCII characters and the
    // spaces and `?` that may stand for lost bytes: once one does, the
    // later ones (which need to cover more to win) are not tried.
    let coverable = line.len()
        - line
            .bytes()
            .filter(|&b| b.is_ascii() && b != b' ' && b != b'?')
            .count();
    let chars = chars.of(line);
    let mut leads: Vec<usize> = Vec::new();
    let mut has_hanzi = false;
    for (k, &(_, c)) in chars.iter().enumerate() {
        if may_be_lead(c) {
            leads.push(k);
        }
        has_hanzi |= is_hanzi(c);
    }
    // What any code page's sequences may cover besides its own high bytes:
    // the spaces, `?` and U+FFFD that may stand for a byte (counted once
    // needed).
    let mut bounds: Option<[usize; LATIN_CODEPAGES.len()]> = None;
    let mut best: Option<LatinReading> = None;
    for (index, cs) in LATIN_CODEPAGES.into_iter().enumerate() {
        let cp = Codepage::of(cs).unwrap();
        // A code page's sequences cover only characters it has a high byte
        // for and the stand-ins: when those cannot beat the best so far,
        // it is not parsed. The bounds of all code pages take one pass.
        if let Some(b) = &best {
            let bounds = bounds.get_or_insert_with(|| {
                let stand_ins = line.bytes().filter(|&b| b == b' ' || b == b'?').count()
                    + line.matches('\u{FFFD}').count() * '\u{FFFD}'.len_utf8();
                let mut bounds = [stand_ins; LATIN_CODEPAGES.len()];
                for &k in &leads {
                    let c = chars[k].1;
                    let mask = high_byte_mask(c);
                    for (i, bound) in bounds.iter_mut().enumerate() {
                        *bound += c.len_utf8() * usize::from(mask >> i & 1 == 1);
                    }
                }
                bounds
            });
            // A code page that can at best tie is still read when the best
            // so far used C1 controls it has its own characters for.
            if bounds[index] < b.0 || (bounds[index] == b.0 && b.4 == 0) {
                continue;
            }
        }
        let seqs = parse_seqs(chars, &leads, line.len(), &cp);
        if seqs.is_empty() {
            continue;
        }
        // Sequences that decode to something ordinary; a layer already
        // undone on this line is evidence too.
        let ordinary = seqs
            .iter()
            .filter(|s| !s.lost && !unlikely_result(s.decoded) && !rare_latin(s.decoded))
            .count();
        let evidence = ordinary + if layered { 2 } else { 0 };
        let line_hanzi =
            seqs.iter().filter(|s| is_hanzi(s.decoded)).count() + if has_hanzi { 2 } else { 0 };
        let accepted: Vec<Range<usize>> = clusters(&seqs)
            .filter(|cl| cluster_ok(line, &seqs[cl.clone()], cs, evidence, line_hanzi))
            .collect();
        let covered: usize = accepted
            .iter()
            .flat_map(|cl| &seqs[cl.clone()])
            .map(|s| s.end - s.start)
            .sum();
        let foreign = foreign_controls(line, &cp, &seqs, &accepted);
        let better = best.as_ref().is_none_or(|b| {
            covered > b.0
                || (covered == b.0
                    && foreign < b.4
                    && decoded(&seqs, &accepted) != decoded(&b.2, &b.3))
        });
        if covered > 0 && better {
            // (Checked only for a reading that would be the best so far.)
            // A line with more Latin letters and signs outside any sequence that
            // are high bytes or no byte at all in this code page than sequences
            // that decode to ordinary characters is garbled beyond it (ftfy's
            // "hopeless garble", lowercased mojibake) or mixes text that was
            // never misread with a few accidents: undoing the few would leave a
            // different garble.
            let mut orphans = 0;
            let mut next_seq = 0;
            for &(at, c) in chars {
                if !('\u{A0}'..='\u{24F}').contains(&c) {
                    continue;
                }
                while next_seq < seqs.len() && seqs[next_seq].end <= at {
                    next_seq += 1;
                }
                let in_seq = seqs.get(next_seq).is_some_and(|s| s.start <= at);
                orphans += usize::from(!in_seq && cp.byte(c).is_none_or(|b| b >= 0x80));
            }
            if orphans >= GARBLE_MIN_ORPHANS && orphans > ordinary {
                continue;
            }
            best = Some((covered, cs, seqs, accepted, foreign));
            if covered >= coverable && foreign == 0 {
                break;
            }
        }
    }
    let (_, cs, seqs, accepted, _) = best?;
    let kind = RepairEdit::Mojibake(Chain {
        written: Charset::Utf8,
        read: cs,
    });
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    for cl in accepted {
        let cl = &seqs[cl];
        let start = cl[0].start;
        let end = cl[cl.len() - 1].end;
        let fixed: String = cl.iter().map(|s| s.decoded).collect();
        out.push_str(&line[copied..start]);
        log.edit(kind, line, start, end, &fixed);
        out.push_str(&fixed);
        copied = end;
    }
    out.push_str(&line[copied..]);
    Some(out)
}

/// Unexplained Latin characters (see `fix_latin`) a line needs before they
/// can outweigh its sequences: a few are accented letters of a line with
/// some mojibake.
pub const GARBLE_MIN_ORPHANS: usize = 4;

/// A code page's reading of a line: the bytes it covers, the code page, its
/// sequences, the clusters of them accepted, and how many C1 controls in
/// those the code page has characters of its own for (see
/// [`foreign_controls`]).
type LatinReading = (usize, Charset, Vec<Seq>, Vec<Range<usize>>, usize);

/// C1 controls (U+0080-U+009F) inside the accepted sequences whose byte the
/// code page decodes to a character of its own: its decoder did not write
/// them. `MĂĄm dost tĹ\u{99}etĂ\u{AD}ho` reads in windows-1250 and in
/// ISO-8859-2 alike (`Måm`/`Mám`), but windows-1250 writes `™` for byte
/// 0x99, so it was ISO-8859-2.
fn foreign_controls(line: &str, cp: &Codepage, seqs: &[Seq], accepted: &[Range<usize>]) -> usize {
    // A C1 control is C2 80-C2 9F in UTF-8 (0xC2 is never a continuation
    // byte): found by its bytes, without decoding the sequences.
    let controls = |s: &Seq| {
        line.as_bytes()[s.start..s.end]
            .windows(2)
            .filter(|w| {
                w[0] == 0xC2
                    && (0x80..=0x9F).contains(&w[1])
                    && cp.table[usize::from(w[1] - 0x80)] != char::from(w[1])
            })
            .count()
    };
    accepted
        .iter()
        .flat_map(|cl| &seqs[cl.clone()])
        .map(controls)
        .sum()
}

/// The characters a reading's accepted sequences decode to.
fn decoded(seqs: &[Seq], accepted: &[Range<usize>]) -> Vec<char> {
    accepted
        .iter()
        .flat_map(|cl| &seqs[cl.clone()])
        .map(|s| s.decoded)
        .collect()
}

/// Whether `line` has a character [`may_be_lead`] accepts, from its UTF-8
/// bytes: U+0080-U+25FF are led by 0xC2-0xE1, or by 0xE2 before 0x80-0x97;
/// MacRoman's three beyond are U+F8FF (EF A3 BF) and U+FB01-U+FB02 (EF AC
/// 81-82).
fn has_possible_lead(b: &[u8]) -> bool {
    b.iter().enumerate().any(|(i, &x)| match x {
        0xC2..=0xE1 => true,
        0xE2 => b[i + 1] < 0x98,
        0xEF => matches!(b[i + 1..i + 3], [0xA3, 0xBF] | [0xAC, 0x81] | [0xAC, 0x82]),
        _ => false,
    })
}

/// The clusters of `seqs`: runs of sequences that follow each other.
fn clusters(seqs: &[Seq]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    (1..=seqs.len()).filter_map(move |i| {
        if i < seqs.len() && seqs[i - 1].end == seqs[i].start {
            return None;
        }
        let cl = start..i;
        start = i;
        Some(cl)
    })
}

/// Whether a cluster of decoded sequences is a repair worth making.
fn cluster_ok(line: &str, cl: &[Seq], cs: Charset, evidence: usize, line_hanzi: usize) -> bool {
    let start = cl[0].start;
    let end = cl[cl.len() - 1].end;
    let prev = char_before(line, start);
    let next = char_after(line, end);
    // The sequences that lost no byte.
    let real = || cl.iter().filter(|s| !s.lost);
    // `?` for a lost byte only next to real mojibake, and never `Ã?` alone
    // (`IRMÃ?` is Portuguese).
    if real().next().is_none()
        && cl
            .iter()
            .any(|s| s.lost_q && (s.known == 0 || evidence == 0))
    {
        return false;
    }
    // A sequence right after another lead byte (`ÂÂ¡`, `ÙÙ�`) is not
    // UTF-8: a lead is followed by continuation bytes, never by another
    // lead. Undoing it would leave the same pattern one character shorter
    // (`Â¡`), to be undone again, one character per layer and pass.
    if let Some(cp) = Codepage::of(cs)
        && prev
            .and_then(|p| cp.byte(p))
            .is_some_and(|b| b >= UTF8_LEAD_MIN)
    {
        return false;
    }
    // A sequence that decodes to its own first character (MacRoman `¬¨` is
    // C2 AC, `¬`) only deletes its last one; when that same character
    // follows (`¬¨¨`), the result is the same sequence again, undone one
    // character per layer and pass. (`SÃƒO` → `SÃO` is a real layer.)
    if let Some(last) = cl.last()
        && line[last.start..].starts_with(last.decoded)
        && next.is_some_and(|n| line[..last.end].ends_with(n))
    {
        return false;
    }
    // `Å and`: a capital before a space is a guess that needs other
    // mojibake on the line to back it.
    if cl.iter().any(|s| s.sloppy) && evidence < 2 {
        return false;
    }
    for (i, s) in cl.iter().enumerate() {
        let d = s.decoded;
        // A C1 control is an intermediate layer only inside a longer span.
        let c1_inside = ('\u{80}'..='\u{9F}').contains(&d) && cl.len() >= 2;
        if unlikely_result(d) && !c1_inside {
            return false;
        }
        // A combining mark needs something to combine with.
        if ('\u{300}'..='\u{36F}').contains(&d) && i == 0 && prev.is_none_or(char::is_whitespace) {
            return false;
        }
    }
    // A lone letter of another script glued to Latin letters or digits.
    let mut others = cl
        .iter()
        .map(|s| s.decoded)
        .filter(|&c| other_script_letter(c));
    let other = others.next().filter(|_| others.next().is_none());
    let latinish = |c: char| c.is_ascii_alphanumeric() || ('\u{80}'..='\u{24F}').contains(&c);
    // Hanzi next to digits is ordinary in Chinese text.
    let cjk_line = line_hanzi >= 2;
    let foreign = |c: char| latinish(c) || (c.is_alphabetic() && !is_hanzi(c));
    if let Some(other) = other
        && !(cjk_line && is_hanzi(other))
        && (prev.is_some_and(foreign) || next.is_some_and(foreign))
    {
        return false;
    }
    let strong = real().any(|s| s.bytes >= 3) || real().nth(1).is_some() || evidence >= 2;
    let decoded = cl[0].decoded;
    if cl.len() == 1 && decoded.is_alphabetic() {
        if rare_latin(decoded) && !real().any(|s| s.bytes >= 3) {
            return false;
        }
        // Case must fit the word: no `NICIODATà`, no `AHř`.
        let prev2 = prev.and_then(|_| char_before(line, start - prev.unwrap().len_utf8()));
        if decoded.is_lowercase()
            && prev.is_some_and(char::is_uppercase)
            && (prev2.is_some_and(char::is_uppercase) || next.is_some_and(char::is_uppercase))
        {
            return false;
        }
        if decoded.is_uppercase() && prev.is_some_and(char::is_lowercase) {
            return false;
        }
    }
    if strong {
        return true;
    }
    // One two-byte sequence in the whole line: it must be a letter inside a
    // word, from windows-1252 (or MacRoman's `√` inside a word).
    let s = &cl[0];
    if s.lost {
        return cs == Charset::Windows1252 && prev.is_some_and(char::is_alphabetic) && !s.lost_q;
    }
    // A line that holds, outside the sequence, characters the code page
    // writes that were not misread is not one misread line (`– DrÃ¥ber`):
    // the sequence may be a different mistake, or no mistake.
    if let Some(cp) = Codepage::of(cs)
        && line[..s.start]
            .chars()
            .chain(line[s.end..].chars())
            .any(|c| !c.is_ascii() && cp.byte(c).is_some())
    {
        return false;
    }
    let lead = line[s.start..].chars().next().unwrap();
    let cp_ok = cs == Charset::Windows1252 || (cs == Charset::MacRoman && lead == '√');
    let a_grave = decoded == 'à' && next == Some(' ');
    let in_word = prev.is_some_and(char::is_alphabetic) || next.is_some_and(char::is_alphabetic);
    // `Ã’s`: the curly quote is an apostrophe.
    let last = line[..s.end].chars().next_back().unwrap();
    let apostrophe = matches!(last, '’' | '\'') && next.is_some_and(|c| c.is_ascii_alphabetic());
    cp_ok && decoded.is_alphabetic() && (in_word || a_grave) && !apostrophe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_sequence_agrees_with_from_utf8() {
        let check = |seq: &[u8]| {
            let want = std::str::from_utf8(seq).ok().and_then(|s| s.chars().next());
            assert_eq!(utf8_sequence(seq), want, "{seq:x?}");
        };
        let cont = 0x80..=0xBFu8;
        for lead in 0xC2..=0xF4u8 {
            for b1 in cont.clone() {
                match lead {
                    0xC2..=0xDF => check(&[lead, b1]),
                    0xE0..=0xEF => cont.clone().for_each(|b2| check(&[lead, b1, b2])),
                    _ => [0x80, 0x9F, 0xA5, 0xBF]
                        .iter()
                        .for_each(|&b2| check(&[lead, b1, b2, b2])),
                }
            }
        }
    }
}

//! The plausibility score: how Chinese a reading looks, by which the
//! double-byte repairs choose between a span as it is and its re-readings.
//!
//! A character scores by its class ([`char_score`]): a common hanzi 4
//! (`tables::common_hanzi`), another frequent one 2 (GB2312/Big5 level 1,
//! `tables::frequent_hanzi`), a rare hanzi -2, U+FFFD -3, private use -6.
//! Each pair of adjacent hanzi that occurs inside a word of jieba's
//! dictionary adds [`STRONG_PAIR_SCORE`] or [`WEAK_PAIR_SCORE`]
//! ([`pair_score`], from `tables/word_pairs.bin`). The character classes the
//! gates ask about (odd, suspect, stray kana, code-page symbols, GB2312
//! level 2) live here too, with the thresholds that more than one part
//! applies; a threshold only one part applies sits beside its code.
//!
//! Example: `鍏ㄧ悆` (UTF-8 `全球` read as GBK) scores -5, two rare hanzi
//! and a bopomofo letter that make no word pair → `全球` scores 8, and 12
//! with its word pair.
//!
//! Limits: a score only compares readings of one span; it says nothing on
//! its own. The tables know Chinese, Simplified and Traditional: Japanese
//! kanji and rare names score low, which is why kana words and GB2312
//! level 2 hanzi are gated elsewhere.

use super::double_byte::{BIG5_PAIRS, GBK_PAIRS};
use crate::tables::common_hanzi::{COMMON_HANZI_BASE, COMMON_HANZI_BITS};
use crate::tables::frequent_hanzi::FREQUENT_HANZI_BITS;

/// Minimum odd characters (rare hanzi, private use, U+FFFD) in a run before
/// double-byte chains are tried: clean text has the odd rare character.
pub const CJK_MIN_ODD: usize = 2;

/// Minimum hanzi a double-byte re-reading must produce: one character is
/// too little evidence to replace another.
pub const CJK_MIN_HANZI: usize = 2;

/// Longest run (in characters) the misalignment search tries every start
/// of: the search is quadratic, and real shifted runs end at the next ASCII.
pub const MISALIGN_MAX_RUN: usize = 160;

/// Characters before a lost byte's U+FFFD (or a shift's ASCII trail) tried
/// as starts of a misaligned run while no word pair joins them: the damage
/// seen in real text spans a few characters, the limit bounds the search.
pub const MISALIGN_PAIRLESS_MAX: usize = 8;

pub(super) fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

fn bit(bits: &[u64; 328], c: char) -> bool {
    let Some(offset) = (c as u32).checked_sub(COMMON_HANZI_BASE) else {
        return false;
    };
    let word = (offset / 64) as usize;
    word < bits.len() && bits[word] >> (offset % 64) & 1 == 1
}

pub(super) fn is_common_hanzi(c: char) -> bool {
    bit(&COMMON_HANZI_BITS, c)
}

pub(super) fn is_frequent_hanzi(c: char) -> bool {
    bit(&FREQUENT_HANZI_BITS, c) || bit(&COMMON_HANZI_BITS, c)
}

pub(super) fn is_hanzi(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Plausibility of text as Chinese: common hanzi score high, rare ones,
/// private use and U+FFFD low. Used only to compare readings of one span.
pub(super) fn cjk_score(s: &str) -> i32 {
    s.chars().map(char_score).sum()
}

/// One character's part of [`cjk_score`].
pub(super) fn char_score(c: char) -> i32 {
    match c as u32 {
        0..=0x7F => 0,
        0x4E00..=0x9FFF if is_common_hanzi(c) => 4,
        0x4E00..=0x9FFF if is_frequent_hanzi(c) => 2,
        0x4E00..=0x9FFF => -2,
        0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000.. => -4,
        // CJK punctuation, and what Chinese text writes with general
        // punctuation: quotes, the dash `——` (U+2014; GBK's A1AA is U+2015
        // in cp936), the ellipsis and the middle dot.
        0x3000..=0x303F | 0xFF01..=0xFF5E | 0x2014 | 0x2015 | 0x2018..=0x201D | 0x2026 | 0xB7 => 1,
        0x3040..=0x30FF | 0xAC00..=0xD7AF => 0,
        0xE000..=0xF8FF => -6,
        0xFFFD => -3,
        _ => -1,
    }
}

/// What [`best_cjk_reading`](super::chains::best_cjk_reading) asks of a
/// reading, counted in one pass.
pub(super) struct Tally {
    pub(super) chars: usize,
    pub(super) odd: usize,
    pub(super) hanzi: usize,
    pub(super) all_frequent: bool,
    pub(super) score: i32,
}

/// Tallies `s` character by character (word pairs are added by the caller,
/// only for a reading that could win with them: see [`context_pairs`]).
pub(super) fn tally(s: &str) -> Tally {
    let mut t = Tally {
        chars: 0,
        odd: 0,
        hanzi: 0,
        all_frequent: true,
        score: 0,
    };
    for c in s.chars() {
        t.chars += 1;
        t.odd += usize::from(is_odd_cjk(c));
        t.hanzi += usize::from(is_hanzi(c));
        t.all_frequent &= is_frequent_hanzi(c);
        t.score += char_score(c);
    }
    t
}

/// The most the word pairs of `chars` characters and their two neighbours
/// can add to a score.
pub(super) fn max_pairs_score(chars: usize) -> i32 {
    STRONG_PAIR_SCORE * (chars as i32 + 1)
}

/// What the word pairs inside `s` and with the characters around it,
/// `prev` and `next` (when given), add to its score.
pub(super) fn context_pairs(s: &str, prev: Option<char>, next: Option<char>) -> i32 {
    let mut n = 0;
    let mut last = prev;
    for c in s.chars() {
        n += last.map_or(0, |p| pair_score(p, c));
        last = Some(c);
    }
    if let (Some(l), Some(x)) = (last, next)
        && !s.is_empty()
    {
        n += pair_score(l, x);
    }
    n
}

/// What a pair of adjacent hanzi adds to a reading's score when it occurs
/// inside frequent dictionary words (a strong pair): as much as a common
/// hanzi. About half of real text's adjacent pairs are strong pairs, and
/// under 1% of the pairs mojibake makes by chance.
pub const STRONG_PAIR_SCORE: i32 = 4;

/// What a pair that occurs only inside rare words adds: less, since chance
/// makes such pairs too (`西府` in `承颲西府`, UTF-8 `承辦該` read as Big5).
pub const WEAK_PAIR_SCORE: i32 = 2;

/// The word-pair table, see `scripts/gen-word-pairs.py` for its source and
/// layout.
static WORD_PAIRS: &[u8] = include_bytes!("../../tables/word_pairs.bin");

/// Hanzi the word-pair table covers (U+4E00..=U+9FFF).
const WORD_PAIR_FIRSTS: usize = 0x9FFF - 0x4E00 + 1;

/// See [`WORD_PAIR_TABLE`].
type WordPairTable = (Box<[u32]>, Box<[u16]>);

/// [`WORD_PAIRS`] as numbers: where each first character's seconds start
/// (and, last, where they end), and the seconds. About 1 MB, so lookups
/// stay in the cache (a hash set of four times the size was faster to
/// probe but slower to reach).
static WORD_PAIR_TABLE: std::sync::LazyLock<WordPairTable> = std::sync::LazyLock::new(|| {
    let (offsets, seconds) = WORD_PAIRS.split_at((WORD_PAIR_FIRSTS + 1) * 4);
    let offsets = offsets
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let seconds = seconds
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    (offsets, seconds)
});

/// Whether `c` may be part of a word pair (see [`pair_score`]).
pub(super) fn may_pair(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The table's flag of a strong pair.
const STRONG_PAIR_BIT: u16 = 0x8000;

/// What `a` followed by `b` adds to a score: [`STRONG_PAIR_SCORE`] or
/// [`WEAK_PAIR_SCORE`] when the two occur in this order inside some word of
/// jieba's dictionary (Simplified, or converted to Traditional), else 0.
pub(super) fn pair_score(a: char, b: char) -> i32 {
    if !may_pair(a) || !may_pair(b) {
        return 0;
    }
    let (a, b) = (a as u32, b as u32);
    let (offsets, seconds) = &*WORD_PAIR_TABLE;
    let first = (a - 0x4E00) as usize;
    let list = &seconds[offsets[first] as usize..offsets[first + 1] as usize];
    let want = (b - 0x4E00) as u16;
    match list.binary_search_by(|&x| (x & !STRONG_PAIR_BIT).cmp(&want)) {
        Ok(i) if list[i] & STRONG_PAIR_BIT != 0 => STRONG_PAIR_SCORE,
        Ok(_) => WEAK_PAIR_SCORE,
        Err(_) => 0,
    }
}

pub(super) fn is_odd_cjk(c: char) -> bool {
    match c as u32 {
        0x4E00..=0x9FFF => !is_frequent_hanzi(c),
        0x3400..=0x4DBF | 0xF900..=0xFAFF | 0xE000..=0xF8FF | 0xFFFD => true,
        _ => false,
    }
}

/// Whether the rare hanzi `u` is, in Big5, a pair led by a UTF-8 lead byte
/// of a hanzi (E4-E9): UTF-8 read as Big5 starts each damaged character
/// with one, so a single such character is worth a look (through UTF-8
/// chains only); clean text has few of them.
pub(super) fn big5_of_utf8_lead(u: u32) -> bool {
    let pair = BIG5_PAIRS.get(u as usize).copied().unwrap_or(0);
    (0xE4..=0xE9).contains(&(pair >> 8))
}

/// Kana and CJK compatibility signs (`㎝`): a Big5/GBK confusion of a short
/// span leaves them among hanzi (GBK's rows A4/A5 are kana, Big5's A4 row
/// its commonest hanzi), with one odd hanzi or none to give it away.
pub(super) fn is_stray_kana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3380..=0x33FF)
}

/// A hanzi of GB2312's level 2 (rows D8-F7): rare, but ordinary Chinese.
pub(super) fn is_gb2312_level2(c: char) -> bool {
    let pair = GBK_PAIRS
        .get(c as usize)
        .copied()
        .unwrap_or(0)
        .to_be_bytes();
    is_hanzi(c) && (0xD8..=0xF7).contains(&pair[0]) && pair[1] >= 0xA1
}

pub(super) fn is_kana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF)
}

/// Characters that hint at a double-byte misreading inside CJK text.
pub(super) fn is_cjk_suspect(c: char) -> bool {
    is_odd_cjk(c) || is_stray_kana(c) || is_cjk_symbol(c)
}

/// Symbols of the double-byte code pages' non-hanzi rows that a misreading
/// leaves among hanzi: Greek and Cyrillic (GBK rows A6/A7; Big5's second
/// bytes read as GBK), circled numbers, box drawing, bopomofo (GBK A8C5-,
/// Big5 A374-), vertical forms, `§` and `¨`.
pub(super) fn is_cjk_symbol(c: char) -> bool {
    matches!(c as u32, 0x0370..=0x04FF | 0x2460..=0x24FF | 0x2500..=0x257F | 0x3100..=0x312F | 0xFE30..=0xFE4F | 0xA7 | 0xA8)
}

/// Hanzi a line needs before one suspect character in it is taken as a
/// possibly damaged short span (see `Evidence::Short`): a short line is
/// too little context to tell a misreading from a rare word.
pub const SHORT_SPAN_MIN_HANZI: usize = 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_pairs_come_from_words_in_both_scripts() {
        assert_eq!(pair_score('中', '国'), STRONG_PAIR_SCORE);
        assert_eq!(pair_score('網', '絡'), STRONG_PAIR_SCORE);
        assert_eq!(pair_score('基', '本'), STRONG_PAIR_SCORE);
        assert_eq!(pair_score('本', '基'), 0, "order matters");
        assert_eq!(pair_score('涓', '枃'), 0, "UTF-8 中文 read as GBK");
        assert_eq!(
            pair_score('西', '府'),
            WEAK_PAIR_SCORE,
            "a rare word's pair"
        );
        assert_eq!(pair_score('中', 'A'), 0);
        // The table's layout: offsets never fall, seconds are sorted within
        // each first character, and the strong flag is the top bit only.
        let (offsets, seconds) = WORD_PAIRS.split_at((WORD_PAIR_FIRSTS + 1) * 4);
        let offset =
            |i: usize| u32::from_le_bytes(offsets[i * 4..i * 4 + 4].try_into().unwrap()) as usize;
        assert_eq!(offset(WORD_PAIR_FIRSTS) * 2, seconds.len());
        for first in 0..WORD_PAIR_FIRSTS {
            let list: Vec<u16> = (offset(first)..offset(first + 1))
                .map(|k| {
                    u16::from_le_bytes([seconds[k * 2], seconds[k * 2 + 1]]) & !STRONG_PAIR_BIT
                })
                .collect();
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{first}");
            assert!(list.iter().all(|&x| (x as usize) < WORD_PAIR_FIRSTS));
        }
    }
}

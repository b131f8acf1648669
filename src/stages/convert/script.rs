//! Script detection: which script a document's Chinese is written in, and
//! whether the document is Japanese or Korean instead.
//!
//! The stage converts a document only when its script asks for it, so this
//! verdict decides more than the dictionaries do. The characters that tell
//! the scripts apart are read from OpenCC's own character tables (one that
//! only `t2s` changes is Traditional, one that only `s2t` changes is
//! Simplified); the majority decides, and a minority past
//! [`MIXED_MINORITY_SHARE`] and [`MIXED_MIN_MINORITY`] makes the document
//! `mixed`. Kana, Hangul and Japanese-only kanji are counted in the same
//! pass, since a Japanese or Korean document must be left alone whatever its
//! kanji or hanja look like; the normalize stage counts with the same
//! `CjkLetters`.
//!
//! Example: `网络强国建设取得新成效。從網絡大國邁向網絡強國。` → `mixed`;
//! `東京都の國立博物館で、古い時計の展示が開かれました。` → `none`.
//!
//! Limits: one verdict per document, from character counts alone; characters
//! both scripts share (`著`, `干`, `后`) say nothing, so a text of only those
//! is `none`; a short kanji-only Japanese text with no shinjitai or kokuji
//! (`東京大学`) is taken for Chinese.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::stages::utf8_len;
use crate::tables::japanese_kanji::JAPANESE_ONLY_KANJI;

/// The script of a document's Chinese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    Simplified,
    Traditional,
    Mixed,
    /// No Chinese characters that tell the scripts apart, or a Japanese or
    /// Korean document.
    None,
}

impl Script {
    /// The name used in the manifest and by `canon detect`.
    pub fn name(self) -> &'static str {
        match self {
            Script::Simplified => "simplified",
            Script::Traditional => "traditional",
            Script::Mixed => "mixed",
            Script::None => "none",
        }
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Share of kana (or Hangul) among the Han characters plus kana (or Hangul)
/// above which a document is taken for Japanese (or Korean): Japanese prose
/// is mostly kana, while Chinese web text borrows at most a stray `の`.
pub const FOREIGN_SCRIPT_SHARE: f64 = 0.1;

/// Share of the Han characters that must be Japanese-only kanji (shinjitai,
/// kokuji) for a kana-less document to be taken for Japanese: kana-less
/// Japanese text measured 4–10 %, Chinese text of either script 0 %.
pub const JAPANESE_ONLY_SHARE: f64 = 0.02;

/// Fewest Japanese-only kanji that make a kana-less document Japanese: one
/// or two are a Japanese name quoted in a Chinese article.
pub const JAPANESE_ONLY_MIN: usize = 3;

/// Share of the script-distinctive characters that the minority script may
/// hold before a document counts as `mixed`: a Traditional name quoted in a
/// Simplified article does not make the article mixed.
pub const MIXED_MINORITY_SHARE: f64 = 0.05;

/// Fewest distinctive characters of the minority script that make a
/// document `mixed`: one or two strays are quotations or typos.
pub const MIXED_MIN_MINORITY: usize = 3;

/// Which characters tell the scripts apart, from the engine's OpenCC
/// character tables: a character that only `t2s` changes is Traditional, one
/// that only `s2t` changes is Simplified; characters both scripts share
/// (`著`, `干`, `后`, …) say nothing.
#[derive(Debug)]
pub(super) struct ScriptTables {
    traditional: Bitset,
    simplified: Bitset,
}

/// Highest code point (exclusive) the tables cover: the BMP and the
/// supplementary ideographic planes, where every OpenCC character lives.
const TABLE_LIMIT: u32 = 0x4_0000;

#[derive(Debug)]
struct Bitset(Vec<u64>);

impl Bitset {
    fn new() -> Bitset {
        Bitset(vec![0; (TABLE_LIMIT as usize).div_ceil(64)])
    }
    fn insert(&mut self, c: char) {
        let c = c as u32;
        if c < TABLE_LIMIT {
            self.0[(c / 64) as usize] |= 1 << (c % 64);
        }
    }
    fn contains(&self, c: char) -> bool {
        let c = c as u32;
        c < TABLE_LIMIT && self.0[(c / 64) as usize] & (1 << (c % 64)) != 0
    }
}

impl ScriptTables {
    pub(super) fn build() -> ScriptTables {
        let ts = single_char_table(zhhz::data::dict_text("TSCharacters").unwrap_or(""));
        let st = single_char_table(zhhz::data::dict_text("STCharacters").unwrap_or(""));
        let mut traditional = Bitset::new();
        let mut simplified = Bitset::new();
        for (&c, targets) in &ts {
            if !targets.contains(&c) && !st.contains_key(&c) {
                traditional.insert(c);
            }
        }
        for (&c, targets) in &st {
            if !targets.contains(&c) && !ts.contains_key(&c) {
                simplified.insert(c);
            }
        }
        ScriptTables {
            traditional,
            simplified,
        }
    }

    pub(super) fn detect(&self, text: &str) -> Script {
        let mut letters = CjkLetters::default();
        let (mut traditional, mut simplified) = (0usize, 0usize);
        for_each_cjk_char(text, |c| {
            if self.traditional.contains(c) {
                traditional += 1;
            } else if self.simplified.contains(c) {
                simplified += 1;
            }
            letters.count(c);
        });
        if letters.japanese_or_korean() {
            return Script::None;
        }
        let total = traditional + simplified;
        let minority = traditional.min(simplified);
        if total == 0 {
            Script::None
        } else if minority >= MIXED_MIN_MINORITY
            && minority as f64 > MIXED_MINORITY_SHARE * total as f64
        {
            Script::Mixed
        } else if traditional > simplified {
            Script::Traditional
        } else {
            Script::Simplified
        }
    }
}

/// Han characters, kana and Hangul syllables of a text: enough to tell a
/// Japanese or Korean document (whose kanji or hanja look Chinese) from a
/// Chinese one.
#[derive(Debug, Default)]
pub(in crate::stages) struct CjkLetters {
    han: usize,
    kana: usize,
    hangul: usize,
    /// Han characters that only Japanese uses (see [`JAPANESE_ONLY_KANJI`]).
    japanese_only: usize,
}

impl CjkLetters {
    pub(in crate::stages) fn count(&mut self, c: char) {
        // The bulk of any Chinese text, tested first.
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            self.han += 1;
            self.japanese_only += usize::from(is_japanese_only_kanji(c));
            return;
        }
        match c {
            '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{31F0}'..='\u{31FF}' => {
                self.kana += 1
            }
            '\u{AC00}'..='\u{D7A3}' => self.hangul += 1,
            _ if is_han(c) => {
                self.han += 1;
                if is_japanese_only_kanji(c) {
                    self.japanese_only += 1;
                }
            }
            _ => {}
        }
    }

    /// Counts the characters of `text` (see [`for_each_cjk_char`]).
    pub(in crate::stages) fn count_text(&mut self, text: &str) {
        for_each_cjk_char(text, |c| self.count(c));
    }

    /// Adds another text's counts to these.
    pub(in crate::stages) fn add(&mut self, other: &CjkLetters) {
        self.han += other.han;
        self.kana += other.kana;
        self.hangul += other.hangul;
        self.japanese_only += other.japanese_only;
    }

    pub(in crate::stages) fn japanese_or_korean(&self) -> bool {
        let foreign = self.kana.max(self.hangul);
        let by_kana_or_hangul =
            foreign > 0 && foreign as f64 > FOREIGN_SCRIPT_SHARE * (self.han + foreign) as f64;
        let by_kanji = self.japanese_only >= JAPANESE_ONLY_MIN
            && self.japanese_only as f64 >= JAPANESE_ONLY_SHARE * self.han as f64;
        by_kana_or_hangul || by_kanji
    }
}

/// First code point of [`JAPANESE_ONLY_BITS`]: all the kanji lie in the
/// CJK Unified Ideographs block.
const JAPANESE_ONLY_BASE: u32 = 0x4E00;

/// [`JAPANESE_ONLY_KANJI`] as a bitmap over U+4E00..=U+9FFF, built at
/// compile time: the check runs on every Han character of every document.
static JAPANESE_ONLY_BITS: [u64; 328] = {
    let mut bits = [0u64; 328];
    let mut i = 0;
    while i < JAPANESE_ONLY_KANJI.len() {
        let offset = JAPANESE_ONLY_KANJI[i] as u32 - JAPANESE_ONLY_BASE;
        bits[(offset / 64) as usize] |= 1 << (offset % 64);
        i += 1;
    }
    bits
};

fn is_japanese_only_kanji(c: char) -> bool {
    let offset = (c as u32).wrapping_sub(JAPANESE_ONLY_BASE);
    JAPANESE_ONLY_BITS
        .get((offset / 64) as usize)
        .is_some_and(|word| word & (1 << (offset % 64)) != 0)
}

/// Calls `f` on the characters of `text` from the CJK radicals (U+2E80) up:
/// below them nothing is Chinese, kana or Hangul. Read from the UTF-8 bytes
/// so that ASCII and two-byte letters, often half of a document, cost one
/// comparison each; this runs over every document.
fn for_each_cjk_char(text: &str, mut f: impl FnMut(char)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        // E2 leads U+2000–U+2FFF, of which only U+2E80 up counts.
        if lead < 0xE2 {
            i += utf8_len(lead);
            continue;
        }
        let code = if lead < 0xF0 {
            // Valid UTF-8 (a `&str`): the three bytes decode directly.
            let cont = |k: usize| u32::from(bytes[i + k] & 0x3F);
            let code = (u32::from(lead & 0x0F) << 12) | (cont(1) << 6) | cont(2);
            i += 3;
            code
        } else {
            let code = text[i..].chars().next().map_or(0, u32::from);
            i += 4;
            code
        };
        if code >= 0x2E80
            && let Some(c) = char::from_u32(code)
        {
            f(c);
        }
    }
}

/// Parses an OpenCC character table (`key<TAB>value value…`) into key →
/// values, for single-character keys.
fn single_char_table(text: &str) -> HashMap<char, Vec<char>> {
    let mut table = HashMap::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let Some((key, values)) = line.split_once('\t') else {
            continue;
        };
        let mut key_chars = key.chars();
        let (Some(k), None) = (key_chars.next(), key_chars.next()) else {
            continue;
        };
        let values = values
            .split(' ')
            .filter_map(|v| {
                let mut cs = v.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            })
            .collect();
        table.insert(k, values);
    }
    table
}

/// CJK ideographs (unified, extensions, compatibility).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}'
        | '\u{3007}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::convert::convert;
    use crate::stages::convert::tests::t2s;

    #[test]
    fn japanese_without_kana_is_not_converted() {
        let c = t2s();
        // A kanji-only list of Japanese terms: no kana, but 経, 済, 駅, 気
        // and 労 are shinjitai no Chinese text writes.
        let text = "東京大学経済学部\n早稲田大学政治経済学部\n大阪駅前第一ビル\n電気通信労働組合\n";
        let out = convert(text, &c);
        assert_eq!(out.script, Script::None);
        assert_eq!(out.output.text, text);
    }

    #[test]
    fn a_japanese_name_in_chinese_text_does_not_stop_conversion() {
        let c = t2s();
        // Two Japanese-only kanji (楽, 広) quoted in a Traditional article.
        let text = "記者在「楽天」門市採訪時，也談到了広島的歷史與觀光發展。\n";
        let out = convert(text, &c);
        assert_eq!(out.script, Script::Traditional);
        assert_ne!(out.output.text, text);
    }

    #[test]
    fn japanese_is_not_converted() {
        let c = t2s();
        let text = "東京都の國立博物館で、古い時計の展示が開かれました。\n";
        let out = convert(text, &c);
        assert_eq!(out.script, Script::None);
        assert_eq!(out.output.text, text);
    }

    #[test]
    fn text_without_chinese_is_none() {
        let c = t2s();
        assert_eq!(convert("Hello, world.\n", &c).script, Script::None);
        assert_eq!(convert("", &c).script, Script::None);
    }

    #[test]
    fn mixed_documents_are_converted() {
        let c = t2s();
        let text = "网络强国建设取得新成效。從網絡大國邁向網絡強國。\n";
        let out = convert(text, &c);
        assert_eq!(out.script, Script::Mixed);
        assert_eq!(
            out.output.text,
            "网络强国建设取得新成效。从网络大国迈向网络强国。\n"
        );
    }

    #[test]
    fn a_stray_character_does_not_make_a_document_mixed() {
        let c = t2s();
        let text = "网络强国建设取得新成效，信息化发展日新月异，臺北代表团参加会议。\n";
        assert_eq!(c.detect(text), Script::Simplified);
    }
}

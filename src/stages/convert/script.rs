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
    /// For each character of U+4E00..=U+9FFF, the bulk of any Chinese
    /// text, what the tally counts it as ([`HAN_TRADITIONAL`],
    /// [`HAN_SIMPLIFIED`], [`HAN_JAPANESE_ONLY`]): one load per character
    /// where the two sets and the kanji bitmap took three (script
    /// detection was 5% of a run's instructions).
    han_class: Vec<u8>,
}

/// First code point of [`ScriptTables::han_class`].
const HAN_CLASS_BASE: u32 = 0x4E00;

/// Characters [`ScriptTables::han_class`] covers: U+4E00..=U+9FFF.
const HAN_CLASS_LEN: usize = 0xA000 - 0x4E00;

/// A Traditional-only character.
const HAN_TRADITIONAL: u8 = 1;

/// A Simplified-only character (never set with [`HAN_TRADITIONAL`]: the
/// tally counts a character in both sets as Traditional).
const HAN_SIMPLIFIED: u8 = 2;

/// A Japanese-only kanji (see [`JAPANESE_ONLY_KANJI`]).
const HAN_JAPANESE_ONLY: u8 = 4;

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
        let han_class = (0..HAN_CLASS_LEN as u32)
            .map(|i| {
                let c = char::from_u32(HAN_CLASS_BASE + i).expect("CJK ideographs are chars");
                let script = if traditional.contains(c) {
                    HAN_TRADITIONAL
                } else if simplified.contains(c) {
                    HAN_SIMPLIFIED
                } else {
                    0
                };
                script
                    | if is_japanese_only_kanji(c) {
                        HAN_JAPANESE_ONLY
                    } else {
                        0
                    }
            })
            .collect();
        ScriptTables {
            traditional,
            simplified,
            han_class,
        }
    }

    pub(super) fn detect(&self, text: &str) -> Script {
        self.tally(text).verdict()
    }

    fn tally(&self, text: &str) -> Tally {
        let mut tally = Tally::default();
        for_each_cjk_char(text, |c| {
            let offset = (c as u32).wrapping_sub(HAN_CLASS_BASE) as usize;
            if let Some(&class) = self.han_class.get(offset) {
                tally.traditional += usize::from(class & HAN_TRADITIONAL != 0);
                tally.simplified += usize::from(class & HAN_SIMPLIFIED != 0);
                tally.letters.han += 1;
                tally.letters.japanese_only += usize::from(class & HAN_JAPANESE_ONLY != 0);
                return;
            }
            if self.traditional.contains(c) {
                tally.traditional += 1;
            } else if self.simplified.contains(c) {
                tally.simplified += 1;
            }
            tally.letters.count(c);
        });
        tally
    }
}

/// What [`ScriptTables::detect`] counts in one pass over a document.
#[derive(Debug, Default)]
struct Tally {
    /// Characters only Traditional Chinese writes.
    traditional: usize,
    /// Characters only Simplified Chinese writes.
    simplified: usize,
    letters: CjkLetters,
}

impl Tally {
    fn verdict(&self) -> Script {
        if self.letters.japanese_or_korean() {
            return Script::None;
        }
        let total = self.traditional + self.simplified;
        let minority = self.traditional.min(self.simplified);
        if total == 0 {
            Script::None
        } else if minority >= MIXED_MIN_MINORITY
            && minority as f64 > MIXED_MINORITY_SHARE * total as f64
        {
            Script::Mixed
        } else if self.traditional > self.simplified {
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
    fn han_class_counts_each_ideograph_as_the_sets_do() {
        let tables = ScriptTables::build();
        let (mut traditional, mut simplified, mut japanese) = (0, 0, 0);
        for code in HAN_CLASS_BASE..HAN_CLASS_BASE + HAN_CLASS_LEN as u32 {
            let c = char::from_u32(code).unwrap();
            let tally = tables.tally(c.encode_utf8(&mut [0; 4]));
            let is_traditional = tables.traditional.contains(c);
            let is_simplified = !is_traditional && tables.simplified.contains(c);
            assert_eq!(tally.traditional, usize::from(is_traditional), "{c}");
            assert_eq!(tally.simplified, usize::from(is_simplified), "{c}");
            assert_eq!(tally.letters.han, 1, "{c}");
            assert_eq!(
                tally.letters.japanese_only,
                usize::from(is_japanese_only_kanji(c)),
                "{c}"
            );
            traditional += usize::from(is_traditional);
            simplified += usize::from(is_simplified);
            japanese += usize::from(is_japanese_only_kanji(c));
        }
        // Each class occurs, so the comparison above saw every branch.
        assert!(traditional > 1000 && simplified > 1000 && japanese > 10);
    }

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

    // The cases below sit next to the thresholds' boundaries, so that moving
    // a threshold by one step changes a verdict; each states the counts that
    // put it there.

    fn tally(text: &str) -> Tally {
        ScriptTables::build().tally(text)
    }

    #[test]
    fn three_japanese_only_kanji_make_a_kana_less_text_japanese() {
        // 経, 済, 気 among 19 Han: at JAPANESE_ONLY_MIN, far above the share.
        let t = tally("平成三十年度 経済財政白書 第一章 景気回復\n");
        assert_eq!((t.letters.japanese_only, t.letters.kana), (3, 0));
        assert_eq!(t.verdict(), Script::None);
    }

    #[test]
    fn two_japanese_only_kanji_in_chinese_are_quotations() {
        // 読 and 楽 in a short Traditional sentence: one below the minimum,
        // although their share (2 of 21 Han) is well above JAPANESE_ONLY_SHARE.
        let t = tally("據《読売新聞》報導，「楽天」在日本經濟持續復甦中獲益。\n");
        assert_eq!((t.letters.japanese_only, t.letters.han), (2, 21));
        assert_eq!(t.verdict(), Script::Traditional);
    }

    #[test]
    fn a_long_kana_less_japanese_text_is_japanese_at_a_low_share() {
        // A table of contents: 3 Japanese-only kanji among 87 Han (3.4 %),
        // the low end of what kana-less Japanese measured.
        let t = tally(
            "令和元年度 経済財政白書 第一章 景気回復 第二章 人口減少社会 第三章 地域活性化 \
             第四章 財政健全化 第五章 国際協調 第六章 技術革新 第七章 金融政策 第八章 雇用問題 \
             第九章 年金制度改革 第十章 税制改正\n",
        );
        assert_eq!(
            (t.letters.japanese_only, t.letters.han, t.letters.kana),
            (3, 87, 0)
        );
        assert_eq!(t.verdict(), Script::None);
    }

    #[test]
    fn three_japanese_names_in_a_long_chinese_article_stay_chinese() {
        // 読, 楽, 気 among 180 Han (1.7 %): below JAPANESE_ONLY_SHARE.
        let t = tally(
            "據《読売新聞》報導，「楽天」與「元気寿司」在日本經濟持續復甦中獲益。報導指出，\
             隨著訪日遊客人數回升，零售與餐飲業的營收明顯增長，多家企業上調了全年業績預期。\
             分析人士認為，消費回暖與薪資上漲形成良性循環，但能源價格與匯率波動仍是不確定因素。\
             日本政府表示，將繼續推動結構改革，擴大對中小企業的支援，並加強與亞洲各國在數位經濟、\
             綠色能源和供應鏈領域的合作，以鞏固經濟復甦的基礎，同時關注人口老化帶來的長期挑戰。\n",
        );
        assert_eq!((t.letters.japanese_only, t.letters.han), (3, 180));
        assert_eq!(t.verdict(), Script::Traditional);
    }

    #[test]
    fn a_kanji_heavy_japanese_headline_is_japanese_by_its_kana() {
        // は, を, は: 3 kana against 21 kanji (12.5 %), just past
        // FOREIGN_SCRIPT_SHARE; only one Japanese-only kanji.
        let t = tally("政府は来年度予算案を閣議決定 防衛費増額は過去最大\n");
        assert_eq!(
            (t.letters.kana, t.letters.han, t.letters.japanese_only),
            (3, 21, 1)
        );
        assert_eq!(t.verdict(), Script::None);
    }

    #[test]
    fn a_japanese_title_quoted_in_chinese_stays_chinese() {
        // 7 kana of a quoted film title against 78 Han (8.2 %).
        let t = tally(
            "宫崎骏导演的动画电影《となりのトトロ》近日在全国影院重新上映，吸引了大批观众走进影院，\
             许多家长带着孩子一同观看，重温这部经典作品带来的感动和温暖回忆，\
             影评人认为这部电影的魅力经久不衰。\n",
        );
        assert_eq!((t.letters.kana, t.letters.han), (7, 78));
        assert_eq!(t.verdict(), Script::Simplified);
    }

    const SHORT_ARTICLE: &str = "网络强国建设取得新成效，信息化发展日新月异，";

    #[test]
    fn three_traditional_characters_make_a_short_article_mixed() {
        // 臺, 灣, 與 against 11 Simplified: at MIXED_MIN_MINORITY.
        let t = tally(&format!("{SHORT_ARTICLE}臺灣與香港代表团参加会议。\n"));
        assert_eq!((t.traditional, t.simplified), (3, 11));
        assert_eq!(t.verdict(), Script::Mixed);
    }

    #[test]
    fn two_traditional_characters_do_not_make_a_short_article_mixed() {
        // 臺, 灣 against 11 Simplified: a share far past MIXED_MINORITY_SHARE,
        // but one below the minimum.
        let t = tally(&format!("{SHORT_ARTICLE}臺灣代表团参加会议。\n"));
        assert_eq!((t.traditional, t.simplified), (2, 11));
        assert_eq!(t.verdict(), Script::Simplified);
    }

    const LONGER_ARTICLE: &str = "网络强国建设取得新成效，信息化发展日新月异。\
        数字经济规模持续扩大，产业结构不断优化，创新能力显著增强";

    const LONGER_ARTICLE_TAIL: &str = "。臺灣與香港代表团参加会议，并就两岸经济交流发表讲话。\n";

    #[test]
    fn a_minority_of_eight_percent_is_mixed() {
        // 3 Traditional against 33 Simplified (8.3 %).
        let t = tally(&format!("{LONGER_ARTICLE}{LONGER_ARTICLE_TAIL}"));
        assert_eq!((t.traditional, t.simplified), (3, 33));
        assert_eq!(t.verdict(), Script::Mixed);
    }

    #[test]
    fn a_minority_below_five_percent_is_a_quotation() {
        // The same 3 Traditional against 57 Simplified (5.0 %, not above
        // MIXED_MINORITY_SHARE).
        let t = tally(&format!(
            "{LONGER_ARTICLE}，网络安全保障体系逐步健全，网络空间治理能力明显提升。\
             城乡数字鸿沟进一步缩小，农村网络覆盖率达到新高，远程医疗和在线教育惠及更多群众\
             {LONGER_ARTICLE_TAIL}"
        ));
        assert_eq!((t.traditional, t.simplified), (3, 57));
        assert_eq!(t.verdict(), Script::Simplified);
    }
}

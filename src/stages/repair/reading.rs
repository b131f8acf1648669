//! A hanzi lost to `?` whose flattened pinyin annotation survived is
//! restored when its reading and the words around it name one character.
//!
//! In a document with flattened annotations (`報(bào)`), a hanzi lost with
//! its `(` leaves `?bào)`. The reading narrows the character down to the
//! frequent hanzi read so (`src/tables/pinyin_readings.rs`, from pypinyin);
//! the word pairs it makes with the characters on either side
//! ([`pair_score`]) pick one. A candidate's Simplified and Traditional
//! spellings (`报`, `報`) are one candidate; it is written the way the
//! line's other hanzi are (the document's, when the line does not tell),
//! in OpenCC's default spelling for Traditional (`表`, not `錶`).
//!
//! Example: `人民日?bào) 作者` → `人民日報 作者` in a Traditional line,
//! `人民日报 作者` in a Simplified one; `去?yún)⑴c` stays lost, since
//! no candidate read `yún` pairs with `去` (or `⑴`).
//!
//! Limits: several marks in a row (`?qǐng)?bào)`) are one lost span, as
//! the stage merges them anyway, and the last reading names its character:
//! in seed 003 every such run is debris of one character followed by that
//! character's mark. A reading is trusted as written: a mark whose reading
//! belongs to another character restores a wrong one when exactly one of
//! its candidates pairs with a neighbour. Two candidates pairing, or none,
//! leave the span lost. Only frequent hanzi (GB2312/Big5 level 1) are
//! candidates.

use std::sync::LazyLock;

use super::score::{is_cjk_suspect, is_common_hanzi, pair_score};
use crate::tables::pinyin_readings::READINGS;
use crate::tables::regional_fold::FOLD_CHARS;

/// The frequent hanzi read `reading` (toned pinyin), empty when none.
fn candidates(reading: &str) -> &'static str {
    READINGS
        .binary_search_by(|(r, _)| (*r).cmp(reading))
        .map_or("", |i| READINGS[i].1)
}

/// The Simplified form of `c` (itself when it has no other).
fn fold(c: char) -> char {
    FOLD_CHARS
        .binary_search_by(|(t, _)| t.cmp(&c))
        .map_or(c, |i| FOLD_CHARS[i].1)
}

/// Simplified forms that differ from a Traditional one, sorted: a hanzi
/// here (and no Traditional form itself) marks a Simplified line.
static SIMPLIFIED: LazyLock<Vec<char>> = LazyLock::new(|| {
    let mut v: Vec<char> = FOLD_CHARS
        .iter()
        .map(|&(_, s)| s)
        .filter(|&s| fold(s) == s)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
});

/// Whether the text's hanzi lean Traditional: more of them are Traditional
/// forms than Simplified ones; `None` on a tie (a line of hanzi both
/// scripts share, `特別有用` but for `別`, is decided by the document).
pub(super) fn leans_traditional(line: &str) -> Option<bool> {
    let (mut traditional, mut simplified) = (0usize, 0usize);
    for c in line.chars().filter(|&c| c >= '\u{4E00}') {
        if fold(c) != c {
            traditional += 1;
        } else if SIMPLIFIED.binary_search(&c).is_ok() {
            simplified += 1;
        }
    }
    (traditional != simplified).then_some(traditional > simplified)
}

/// The one character read `reading` that makes a word pair with `prev`
/// before it or `next` after it, spelled for a Traditional line or not;
/// `None` when no candidate pairs, or two different characters do.
pub(super) fn restore(
    reading: &str,
    prev: Option<char>,
    next: Option<char>,
    traditional: bool,
) -> Option<char> {
    // Debris of a misreading next to the mark (`?fàn)顩r`, `?yún)⑴c` in
    // seed 003): the bytes around were damaged too, the reading may be
    // another character's.
    if prev.into_iter().chain(next).any(is_cjk_suspect) {
        return None;
    }
    let pairs =
        |c: char| prev.map_or(0, |p| pair_score(p, c)) + next.map_or(0, |n| pair_score(c, n));
    let mut found: Option<char> = None;
    for c in candidates(reading).chars().filter(|&c| pairs(c) > 0) {
        match found {
            None => found = Some(c),
            Some(f) if fold(f) == fold(c) => {}
            Some(_) => return None,
        }
    }
    let found = found?;
    // A common hanzi that makes no pair may be a word alone (`的`, `将`,
    // `后`): beside one, a homophone's pair (`地`, `江`, `厚`) decides
    // nothing. On Debian's lines, every hanzi lost in turn: 180 wrong of
    // 2,386 restored without this rule, 1 of 947 with it.
    if candidates(reading)
        .chars()
        .any(|c| fold(c) != fold(found) && is_common_hanzi(c))
    {
        return None;
    }
    // The pairing spelling may be the other script's (the table holds
    // both), or a variant (`錶` for `表`): the line's script decides, in
    // OpenCC's default spelling.
    Some(spelled(found, traditional))
}

/// OpenCC's Simplified → Traditional characters, the first (default)
/// Traditional form of each, sorted: `后` → `後`, `表` → `表` (not `錶`).
static TRADITIONAL: LazyLock<Vec<(char, char)>> = LazyLock::new(|| {
    let text = zhhz::data::dict_text("STCharacters").unwrap_or("");
    let mut v: Vec<(char, char)> = text
        .lines()
        .filter_map(|l| {
            let (s, t) = l.split_once('\t')?;
            let mut one = s.chars();
            let (s, t) = (one.next()?, t.chars().next()?);
            one.as_str().is_empty().then_some((s, t))
        })
        .collect();
    v.sort_unstable();
    v
});

/// The character `c` stands for, in the line's script: its Simplified
/// form, or that form's default Traditional one (OpenCC's first).
fn spelled(c: char, traditional: bool) -> char {
    let s = fold(c);
    if !traditional {
        return s;
    }
    TRADITIONAL
        .binary_search_by(|(k, _)| k.cmp(&s))
        .map_or(s, |i| TRADITIONAL[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reading_and_a_pair_name_one_character() {
        assert_eq!(restore("bào", Some('日'), None, false), Some('报'));
        assert_eq!(restore("bào", Some('日'), None, true), Some('報'));
        assert_eq!(restore("shù", Some('地'), Some('農'), true), None);
    }

    #[test]
    fn no_pairing_candidate_or_two_leave_it_lost() {
        // No candidate read `bào` pairs with `字` after it.
        assert_eq!(restore("bào", None, Some('字'), false), None);
        // Unknown reading, no neighbours.
        assert_eq!(restore("xyz", Some('日'), None, false), None);
        assert_eq!(restore("bào", None, None, false), None);
        // `数字` and `术字` (美术字) both pair: two characters, no choice.
        assert_eq!(restore("shù", Some('地'), Some('字'), true), None);
        // `雲`/`云` and `員`/`员` both pair with `入`.
        assert_eq!(restore("yún", Some('入'), Some('中'), false), None);
        // Debris next to the mark (`顩`, a rare hanzi, or `⑴`): `日报` would
        // pair, but the bytes around were damaged too.
        assert_eq!(restore("bào", Some('日'), Some('顩'), false), None);
        assert_eq!(restore("bào", Some('日'), Some('⑴'), false), None);
        // Only `地` pairs (`据地`), but `的` is common and may stand alone.
        assert_eq!(restore("de", Some('据'), Some('队'), false), None);
    }

    #[test]
    fn the_line_decides_the_spelling() {
        assert_eq!(leans_traditional("來源:人民網"), Some(true));
        assert_eq!(leans_traditional("来源:人民网"), Some(false));
        assert_eq!(leans_traditional("人民"), None);
        assert_eq!(spelled('報', false), '报');
        assert_eq!(spelled('报', true), '報');
        assert_eq!(spelled('錶', true), '表');
        assert_eq!(spelled('后', true), '後');
    }
}

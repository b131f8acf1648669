//! Character classes: which characters are Chinese (written without spaces
//! between words), how wide each one is on the page, and what a punctuation
//! mark says about where a sentence, a clause or a line may end. Every other
//! part reads these; the classes are here, in one place, so that a rule and
//! its exceptions are decided from the same lists.
//!
//! Example: `第一段的内容\n，接着写完。\n` → `第一段的内容，接着写完。\n`: Chinese
//! typesetting never starts a line with `，` (`is_line_start_forbidden`), so
//! the second line continues the first whatever their widths; and
//! `他说：“好。”` ends a sentence, because its last mark that is not a closer
//! (`”`) is a terminal (`。`).
//!
//! Limits: the classes are fixed lists, not Unicode properties. Hanzi are
//! the URO, Extension A, the compatibility ideographs and U+20000–U+3134F
//! (Extension H and later are not Hanzi here); display width is a short
//! form of East Asian Width in which the ambiguous characters count one
//! unit, except the curly quotes, the em dash and the ellipsis, which
//! Chinese text sets full width.

pub(super) fn is_hanzi(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Chinese characters, CJK punctuation, full-width forms and kana: text
/// written without spaces between words.
pub(super) fn is_cjk(c: char) -> bool {
    is_hanzi(c)
        || matches!(c as u32,
            0x3000..=0x303F | 0x3040..=0x30FF | 0xFF01..=0xFF60 | 0xFFE0..=0xFFE6 | 0xFE30..=0xFE4F)
}

/// Punctuation shared by Chinese and Latin text (curly quotes, dashes,
/// ellipsis, middle dot): it takes the script of the character beyond it.
pub(super) fn is_neutral(c: char) -> bool {
    matches!(
        c,
        '“' | '”' | '‘' | '’' | '—' | '…' | '·' | '–' | '"' | '\'' | '(' | ')' | '[' | ']'
    )
}

/// Display width in units: two for wide (East Asian) characters, one for
/// the rest.
pub(super) fn char_units(c: char) -> u32 {
    let u = c as u32;
    if u < 0x1100 {
        return 1;
    }
    if matches!(u,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD
        | 0x2014 | 0x2018..=0x201D | 0x2026)
    {
        2
    } else {
        1
    }
}

/// Marks after which a sentence (or a clause that closes a line of verse or
/// introduces a list) is complete.
fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '!' | '?' | '…' | '；' | ';' | '：' | ':' | '.' | '．' | '｡'
    )
}

/// Closing marks that may follow a sentence's end.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '》' | '】' | '〕' | '〉' | '"' | '\'' | ']'
    )
}

/// Clause and sentence punctuation: a line containing it reads as running
/// prose, not as a heading (colons and full stops are left out: `来源：…`,
/// `7.31`).
pub(super) fn is_clause(c: char) -> bool {
    matches!(c, '，' | '、' | '；' | ',' | ';' | '。' | '！' | '？')
}

/// Characters that cannot start a line in Chinese typesetting: a line
/// starting with one continues the previous line.
pub(super) fn is_line_start_forbidden(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '”'
            | '’'
            | '％'
    )
}

/// A dash pair closing a line introduces what follows, as a colon does
/// (`壮大网上主流思想舆论阵地——`, `让保障更可靠——`): Chinese typesetting keeps
/// the pair whole, and a line rarely breaks right after it mid-sentence.
const LEAD_IN_DASH: &str = "——";

/// The line ends with a lead-in dash pair (closing marks aside): it ends
/// its paragraph as a sentence's end would, unless it fills the column.
pub(super) fn ends_lead_in(body: &str) -> bool {
    body.trim_end_matches(is_closer).ends_with(LEAD_IN_DASH)
}

/// A footnote mark has at most this many digits (a book's notes are
/// numbered per chapter or page).
const MAX_FOOTNOTE_DIGITS: usize = 2;

/// Digits a footnote mark is set in: ASCII (an extractor flattens the
/// superscript) or superscript.
fn is_footnote_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '¹' | '²' | '³' | '⁰' | '⁴'..='⁹')
}

/// The line ends a sentence: its last mark that is not a closer is a
/// terminal. A footnote mark after the terminal (`操作。3`, `参数。⁸`)
/// does not change that: a number does not follow a Chinese full stop
/// within a sentence.
pub(super) fn ends_sentence(body: &str) -> bool {
    let trimmed = body.trim_end_matches(is_footnote_digit);
    let digits = body.len() - trimmed.len();
    let body = if digits > 0
        && body[trimmed.len()..].chars().count() <= MAX_FOOTNOTE_DIGITS
        && trimmed.ends_with(['。', '！', '？'])
    {
        trimmed
    } else {
        body
    };
    body.chars()
        .rev()
        .find(|&c| !is_closer(c))
        .is_some_and(is_terminal)
        || remark_after_sentence(body)
}

/// The line ends with a bracketed remark set after a sentence's end
/// (`…生成 Makefile 文件。(参看 imake(1))`): Chinese punctuation puts a
/// note on a whole sentence after its full stop, outside it, so the remark
/// closes the sentence it follows and the line ends a sentence as the full
/// stop would. Brackets inside the remark (`imake(1)`) are matched.
fn remark_after_sentence(body: &str) -> bool {
    if !(body.ends_with(')') || body.ends_with('）')) {
        return false;
    }
    let mut depth = 0u32;
    let mut chars = body.char_indices().rev();
    while let Some((_, c)) = chars.next() {
        match c {
            ')' | '）' => depth += 1,
            '(' | '（' => {
                depth -= 1;
                if depth == 0 {
                    return chars
                        .next()
                        .is_some_and(|(_, c)| matches!(c, '。' | '！' | '？'));
                }
            }
            _ => {}
        }
    }
    false
}

pub(super) fn strip_prefix_any<'s>(s: &'s str, prefixes: &[&str]) -> Option<&'s str> {
    prefixes.iter().find_map(|p| s.strip_prefix(p))
}

pub(super) fn take_while_str(s: &str, f: impl Fn(char) -> bool) -> (&str, &str) {
    let end = s.find(|c: char| !f(c)).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::ends_sentence;

    #[test]
    fn a_bracketed_remark_after_a_full_stop_ends_the_sentence() {
        assert!(ends_sentence(
            "可以生成 Makefile 文件。(参看 imake(1)、xmkmf(1))"
        ));
        assert!(ends_sentence("这是完成的二进制包。（没有修订号）"));
        // A bracket inside the sentence, or one left unmatched, does not.
        assert!(!ends_sentence("使用 dh_make 命令 (参看 dh_make(8))"));
        assert!(!ends_sentence("这是完成的二进制包（没有修订号）"));
        assert!(!ends_sentence("结束。后面还有一个括号)"));
    }
}

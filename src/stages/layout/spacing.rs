//! Whitespace inside a line: a run of spaces, tabs or other space
//! characters becomes one space, and a space between two Chinese
//! characters or Chinese punctuation marks goes (quotes, brackets, dashes,
//! the ellipsis and the middle dot take the script of the character beyond
//! them). A space between Chinese and a Latin letter or a digit stays:
//! whether it belongs there is the writer's style, not the extractor's
//! doing.
//!
//! One space between Chinese characters is content, not layout: the one
//! after a news dateline (agency, place, date and `电` or `讯`, at the start
//! of a line), which Chinese news style sets apart from the story.
//!
//! Example: `《 人民日报 》\n` → `《人民日报》\n`, `材料 1\t习近平\n` →
//! `材料 1 习近平\n`, `新华社北京4月18日电  这是\n` → `新华社北京4月18日电 这是\n`,
//! and `超过 10 亿，GDP 比重\n` stays as it is.
//!
//! Limits: only text and table-of-contents lines are respaced
//! (preformatted lines are copied as they are); leading and trailing
//! whitespace is cut when lines are split, not here; a space between
//! Chinese and Latin text is never removed, even where the source added it
//! by mistake. A dateline is known by its date and `电`/`讯` only: one
//! written without a date (`新华社电 `) loses its space.

use crate::stages::{SAMPLE_CONTEXT_CHARS, StageReport};

use super::blocks::is_cn_numeral;
use super::chars::{is_cjk, is_neutral};
use super::classify::Line;
use super::{LayoutEdit, head_chars, note, tail_chars};

/// A dateline (`新华社北京4月18日电`, `本报华盛顿12月1日讯`) is at most this
/// many characters: an agency and a place name are short, and a longer
/// run without punctuation is a sentence, not a dateline.
const MAX_DATELINE_CHARS: usize = 24;

/// Numerals of a day of the month in a dateline (`18日`, `十八日`).
fn is_day_numeral(c: char) -> bool {
    c.is_ascii_digit() || is_cn_numeral(c) || matches!(c, '廿' | '卅')
}

/// Last characters of a news organisation's name: an agency (`新华社`), a
/// paper (`本报`), a site (`中新网`) or a station (`央视台`), in both scripts
/// (convert may be asked for Traditional output).
const AGENCY_ENDINGS: [char; 7] = ['社', '报', '网', '台', '報', '網', '臺'];

/// Whether `head`, the start of a line up to a space, is a news dateline:
/// a short run without punctuation or spaces made of an organisation's
/// name, an optional place, a month and day, and `电` (a wire story) or
/// `讯` (a paper's own report): `新华社北京4月18日电`.
pub(super) fn is_dateline(head: &str) -> bool {
    let Some(rest) = ["日电", "日讯", "日電", "日訊"]
        .iter()
        .find_map(|end| head.strip_suffix(end))
    else {
        return false;
    };
    let Some(month) = rest.trim_end_matches(is_day_numeral).strip_suffix('月') else {
        return false;
    };
    let before = month.trim_end_matches(is_day_numeral);
    if month.len() == before.len() || month.len() == rest.len() - '月'.len_utf8() {
        // No month number, or no day number.
        return false;
    }
    // The organisation comes first: its name ends within the run before
    // the date, after at least one character.
    let named = before
        .char_indices()
        .any(|(i, c)| i > 0 && AGENCY_ENDINGS.contains(&c));
    named
        && head.chars().count() <= MAX_DATELINE_CHARS
        && head
            .chars()
            .all(|c| !c.is_whitespace() && (c.is_alphanumeric() || c == '·'))
}

pub(super) fn push_body(out: &mut String, line: &Line, report: &mut StageReport<LayoutEdit>) {
    if line.spaced {
        push_respaced(out, line.body, line.no, report);
    } else {
        out.push_str(line.body);
    }
}

/// Appends `body` with whitespace runs collapsed to one space and spaces
/// between Chinese characters removed.
fn push_respaced(out: &mut String, body: &str, line: usize, report: &mut StageReport<LayoutEdit>) {
    let is_plain = |b: u8| b != b' ' && b != b'\t' && b < 0x80;
    let bytes = body.as_bytes();
    // Fast path: ASCII-free of tricky whitespace? Check quickly.
    let needs_work = bytes.iter().enumerate().any(|(i, &b)| match b {
        b' ' => bytes.get(i + 1).is_some_and(|&n| !is_plain(n)),
        b'\t' | 0x0B | 0x0C => true,
        // The non-ASCII spaces: U+0085, U+00A0, U+1680, U+2000–U+200A,
        // U+2028/9, U+202F, U+205F, U+3000.
        0xC2 => matches!(bytes.get(i + 1), Some(0x85 | 0xA0)),
        0xE1 => bytes.get(i + 1..i + 3) == Some(&[0x9A, 0x80]),
        0xE2 => matches!(
            bytes.get(i + 1..i + 3),
            Some([0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF] | [0x81, 0x9F])
        ),
        0xE3 => bytes.get(i + 1..i + 3) == Some(&[0x80, 0x80]),
        _ => false,
    });
    if !needs_work {
        out.push_str(body);
        return;
    }
    let start_len = out.len();
    // Only the first space of a paragraph's first line can follow its
    // dateline (elsewhere it would not survive cleaning the output again).
    let paragraph_start = out.is_empty() || out.ends_with('\n');
    let mut rest = body;
    while let Some(pos) = rest.find(char::is_whitespace) {
        let (head, tail) = rest.split_at(pos);
        out.push_str(head);
        let run_end = tail
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(tail.len());
        let run = &tail[..run_end];
        let after = &tail[run_end..];
        let left = out[start_len..].chars().rev().find(|&c| !is_neutral(c));
        let right = after
            .chars()
            .take_while(|c| !c.is_whitespace())
            .find(|&c| !is_neutral(c));
        let dateline =
            paragraph_start && rest.len() == body.len() && is_dateline(&out[start_len..]);
        if left.is_some_and(is_cjk) && right.is_some_and(is_cjk) && !dateline {
            note(report, LayoutEdit::CjkSpaceRemoved, line, || {
                (
                    format!(
                        "{}{run}{}",
                        tail_chars(out, SAMPLE_CONTEXT_CHARS / 2),
                        head_chars(after, SAMPLE_CONTEXT_CHARS / 2)
                    ),
                    format!(
                        "{}{}",
                        tail_chars(out, SAMPLE_CONTEXT_CHARS / 2),
                        head_chars(after, SAMPLE_CONTEXT_CHARS / 2)
                    ),
                )
            });
        } else {
            if run != " " {
                note(report, LayoutEdit::SpacesCollapsed, line, || {
                    (
                        format!(
                            "{}{}{}",
                            tail_chars(out, SAMPLE_CONTEXT_CHARS / 2),
                            visible(run),
                            head_chars(after, SAMPLE_CONTEXT_CHARS / 2)
                        ),
                        format!(
                            "{} {}",
                            tail_chars(out, SAMPLE_CONTEXT_CHARS / 2),
                            head_chars(after, SAMPLE_CONTEXT_CHARS / 2)
                        ),
                    )
                });
            }
            out.push(' ');
        }
        rest = after;
    }
    out.push_str(rest);
}

fn visible(run: &str) -> String {
    run.chars()
        .map(|c| match c {
            ' ' => '␠',
            '\t' => '␉',
            '\u{3000}' => '□',
            _ => '␣',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, lay};
    use super::*;

    #[test]
    fn whitespace_inside_lines() {
        assert_eq!(lay("新的 使命任务\n"), "新的使命任务\n");
        assert_eq!(lay("《 人民日报 》\n"), "《人民日报》\n");
        assert_eq!(lay("超过 10 亿，GDP 比重\n"), "超过 10 亿，GDP 比重\n");
        assert_eq!(lay("材料 1\t习近平\n"), "材料 1 习近平\n");
        assert_eq!(lay("a  b\t\tc\n"), "a b c\n");
        assert_eq!(lay("“朋友圈” 携手\n"), "“朋友圈”携手\n");
        assert_eq!(lay("he said “yes” and left\n"), "he said “yes” and left\n");
        assert_eq!(count("新的 使命任务\n", LayoutEdit::CjkSpaceRemoved), 1);
    }

    #[test]
    fn the_space_after_a_news_dateline_stays() {
        for (text, want) in [
            (
                "新华社北京4月18日电 这是新家园。\n",
                "新华社北京4月18日电 这是新家园。\n",
            ),
            (
                "本报上海十二月一日讯\u{3000}\u{3000}记者获悉。\n",
                "本报上海十二月一日讯 记者获悉。\n",
            ),
            (
                "第一段。\n中新网4月8日电  这是第二段。\n",
                "第一段。\n中新网4月8日电 这是第二段。\n",
            ),
        ] {
            let once = lay(text);
            assert_eq!(once, want);
            assert_eq!(lay(&once), once);
        }
        // Negatives: spaces between ordinary Hanzi, a dateline without a
        // date, a date inside a sentence, a second space of the line.
        assert_eq!(lay("第一条 为了规范\n"), "第一条为了规范\n");
        assert_eq!(lay("新华社电 这是\n"), "新华社电这是\n");
        assert_eq!(lay("他在4月18日电 话里说\n"), "他在4月18日电话里说\n");
        assert_eq!(
            lay("他说，北京4月18日电 话里\n"),
            "他说，北京4月18日电话里\n"
        );
        assert_eq!(
            lay("新华社北京4月18日电 这是 新家园\n"),
            "新华社北京4月18日电 这是新家园\n"
        );
        assert!(is_dateline("新华社华盛顿4月17日电"));
        assert!(is_dateline("新華社北京4月18日電"));
        assert!(!is_dateline("4月17日电"));
        assert!(!is_dateline("日电"));
        assert!(!is_dateline("新华社北京月18日电"));
        assert!(!is_dateline("新华社北京4月日电"));
    }
}

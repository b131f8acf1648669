//! Whitespace inside a line: a run of spaces, tabs or other space
//! characters becomes one space, and a space between two Chinese
//! characters or Chinese punctuation marks goes (quotes, brackets, dashes,
//! the ellipsis and the middle dot take the script of the character beyond
//! them). A space between Chinese and a Latin letter or a digit stays:
//! whether it belongs there is the writer's style, not the extractor's
//! doing.
//!
//! Example: `《 人民日报 》\n` → `《人民日报》\n`, `材料 1\t习近平\n` →
//! `材料 1 习近平\n`, and `超过 10 亿，GDP 比重\n` stays as it is.
//!
//! Limits: only text and table-of-contents lines are respaced
//! (preformatted lines are copied as they are); leading and trailing
//! whitespace is cut when lines are split, not here; a space between
//! Chinese and Latin text is never removed, even where the source added it
//! by mistake.

use crate::stages::{SAMPLE_CONTEXT_CHARS, StageReport};

use super::chars::{is_cjk, is_neutral};
use super::classify::Line;
use super::{LayoutEdit, head_chars, note, tail_chars};

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
        if left.is_some_and(is_cjk) && right.is_some_and(is_cjk) {
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
}

//! Step 4: ASCII `,` `:` `;` `?` `!` written inside Chinese become the
//! full-width marks `，` `：` `；` `？` `！`, and a `(…)` whose content begins
//! or ends with a Han character becomes `（…）`. Why the rule is this narrow
//! is in the stage's documentation (`normalize`); this file is the rule.
//!
//! Example: `10.67億人,居世界第一;` → `10.67億人，居世界第一；` and
//! `阐述 (二)` → `阐述 （二）`, while `Hello, 世界`, `比分3:2` and
//! `国际标准化组织(ISO)` stay as they are.
//!
//! Limits: a mark is judged within its line only; `.` and ASCII quotes are
//! never converted; Japanese and Korean documents skip this step (the
//! per-line pass decides); whatever `protected` marks (URLs, inline code,
//! character references) keeps its ASCII.

use super::protected::protected_spans;
use super::{NormalizeEdit, line_sample};
use crate::stages::StageReport;
use crate::stages::convert::is_han;

/// The Chinese full-width form of an ASCII mark this step converts.
fn full_width(c: char) -> Option<char> {
    match c {
        ',' => Some('，'),
        ':' => Some('：'),
        ';' => Some('；'),
        '?' => Some('？'),
        '!' => Some('！'),
        '(' => Some('（'),
        ')' => Some('）'),
        _ => None,
    }
}

/// Chinese text for the punctuation rule: Han characters and Chinese
/// punctuation (CJK symbols, full-width forms; not curly quotes, which
/// English uses too).
pub(super) fn is_chinese(c: char) -> bool {
    is_han(c)
        || matches!(c,
            '\u{3001}'..='\u{303F}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}')
}

/// Buffers [`punctuate_line`] reuses from line to line, instead of
/// allocating them for each.
#[derive(Debug, Default)]
pub(super) struct LineBuffers {
    /// The line's characters and their byte offsets.
    chars: Vec<(usize, char)>,
    /// Per character: inside a URL, inline code or a character reference.
    protected: Vec<bool>,
    /// Per character: a parenthesis to convert.
    convert: Vec<bool>,
    /// Open parentheses, as indexes into `chars`.
    open: Vec<usize>,
}

/// Converts the marks of one line (line `line_no`, without its ending),
/// appending the result to `out`. Returns whether it changed.
pub(super) fn punctuate_line(
    line: &str,
    line_no: usize,
    buffers: &mut LineBuffers,
    out: &mut String,
    report: &mut StageReport<NormalizeEdit>,
) -> bool {
    let LineBuffers {
        chars,
        protected,
        convert,
        open,
    } = buffers;
    chars.clear();
    chars.extend(line.char_indices());
    protected_spans(line, chars, protected);
    convert.clear();
    convert.resize(chars.len(), false);

    // Parentheses first: a converted `）` is Chinese context for a mark
    // after it, and the marks never change which parentheses convert.
    open.clear();
    for (k, &(_, c)) in chars.iter().enumerate() {
        if protected[k] {
            continue;
        }
        match c {
            '(' => open.push(k),
            ')' => {
                if let Some(o) = open.pop()
                    && chinese_parenthetical(&chars[o + 1..k])
                    && !latin_context(&line[..chars[o].0])
                {
                    convert[o] = true;
                    convert[k] = true;
                }
            }
            _ => {}
        }
    }

    let start_len = out.len();
    let mut changed = false;
    for (k, &(i, c)) in chars.iter().enumerate() {
        let wide = full_width(c);
        let conv = match wide {
            Some(_) if protected[k] => false,
            Some(_) if c == '(' || c == ')' => convert[k],
            Some(_) => {
                // The next character as it will be written, so that a
                // second run sees the same neighbours.
                let next = chars.get(k + 1).map(|&(_, n)| {
                    if convert[k + 1] {
                        full_width(n).unwrap_or(n)
                    } else {
                        n
                    }
                });
                mark_in_chinese(c, &out[start_len..], next)
            }
            None => false,
        };
        match wide {
            Some(w) if conv => {
                changed = true;
                report.add_sample_with(NormalizeEdit::ChinesePunctuation, || {
                    line_sample(line, line_no, i, i + 1, &w.to_string())
                });
                out.push(w);
            }
            _ => out.push(c),
        }
    }
    changed
}

/// How far back [`latin_context`] looks, in letters and Han characters: a
/// few words of Latin script or a short Chinese clause.
const CONTEXT_WINDOW_CHARS: usize = 12;

/// Whether the text just before a mark (the end of `before`) is written
/// in Latin (or another alphabet) more than in Han characters: then a mark
/// after a Chinese word still belongs to a Latin sentence.
fn latin_context(before: &str) -> bool {
    let (mut han, mut letters) = (0, 0);
    // Only letters and Han count toward the window: digits, spaces and
    // brackets (`(ISO 9001)和`) say nothing about the language.
    let letters_or_han = before.chars().rev().filter(|&c| c.is_alphabetic());
    for c in letters_or_han.take(CONTEXT_WINDOW_CHARS) {
        if is_han(c) {
            han += 1;
        } else if c.is_alphabetic() && !('\u{3040}'..='\u{30FF}').contains(&c) {
            letters += 1;
        }
    }
    letters > han
}

/// Whether a `(…)` with this content reads as a Chinese parenthetical: it
/// begins or ends with a Han character and holds nothing that looks like
/// code (quotes, braces, `=`, `<`, `>`).
fn chinese_parenthetical(content: &[(usize, char)]) -> bool {
    let (Some(&(_, first)), Some(&(_, last))) = (content.first(), content.last()) else {
        return false;
    };
    (is_han(first) || is_han(last))
        && !content
            .iter()
            .any(|&(_, c)| matches!(c, '"' | '\'' | '`' | '{' | '}' | '=' | '<' | '>'))
}

/// Whether the ASCII mark `c`, written after `before` (this line's output so
/// far) and before `next`, is punctuation of Chinese text.
fn mark_in_chinese(c: char, before: &str, next: Option<char>) -> bool {
    // What follows rules out markup and code: `:/`, `!=`, `:=`, `![`, `:)`.
    if let Some(n) = next {
        let excluded = match c {
            ':' | ';' => matches!(n, '/' | '\\' | '=' | '(' | ')' | ':' | ';'),
            '!' => matches!(n, '=' | '['),
            _ => matches!(n, '/' | '\\' | '='),
        };
        if excluded {
            return false;
        }
    }
    let mut back = before.chars().rev();
    let left = match back.next() {
        // A closing curly quote belongs to the quotation: look inside it.
        Some('”' | '’') => back.next(),
        // A mark after `(…)` belongs to the sentence around it: look
        // before the parenthesis (`组织(ISO),成立` is Chinese).
        Some(')') => {
            let mut depth = 1;
            let mut left = None;
            for c in back.by_ref() {
                match c {
                    ')' => depth += 1,
                    '(' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    left = back.next();
                    break;
                }
            }
            left
        }
        other => other,
    };
    if matches!(c, '?' | '!') && next.is_some_and(|n| n.is_ascii_alphanumeric()) {
        // `日?qǐng`, `a?b`: a replacement mark or code, not a question.
        return false;
    }
    match left {
        // Chinese on both sides, or Chinese before and a sentence that is
        // not Latin (`Grüße, 世界!` ends an English sentence).
        Some(l) if is_chinese(l) => next.is_some_and(is_han) || !latin_context(before),
        // After a Latin word, only the separators: `使用Python,可以`. A `?` or
        // `!` there ends the Latin sentence (`Blog Worth?看看`).
        Some(l) if l.is_ascii_alphanumeric() && matches!(c, ',' | ':' | ';') => {
            next.is_some_and(is_han)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::stages::normalize::tests::norm;

    #[test]
    fn ascii_punctuation_in_chinese_becomes_fullwidth() {
        assert_eq!(
            norm("10.67億人,居世界第一,這是我國網民規模;\n"),
            "10.67億人，居世界第一，這是我國網民規模；\n"
        );
        assert_eq!(norm("來源:人民網\n"), "來源：人民網\n");
        assert_eq!(norm("真的吗?!\n"), "真的吗？！\n");
        assert_eq!(norm("时间:2023-07-15\n"), "时间：2023-07-15\n");
        assert_eq!(norm("使用Python,可以\n"), "使用Python，可以\n");
        assert_eq!(norm("“慕課”,居世界\n"), "“慕課”，居世界\n");
        assert_eq!(
            norm("国际标准化组织(ISO),成立于1947年\n"),
            "国际标准化组织(ISO)，成立于1947年\n"
        );
        assert_eq!(norm("什么是AI?\n"), "什么是AI?\n");
        assert_eq!(norm("日?qǐng\n"), "日?qǐng\n");
    }

    #[test]
    fn parentheses_around_chinese_become_fullwidth() {
        assert_eq!(norm("阐述 (二)\n"), "阐述 （二）\n");
        assert_eq!(
            norm("标准(ISO 8601标准),见附录\n"),
            "标准（ISO 8601标准），见附录\n"
        );
        assert_eq!(norm("国际标准化组织(ISO)\n"), "国际标准化组织(ISO)\n");
        // Digits and brackets before a parenthesis do not make its context
        // Latin: only letters count.
        assert_eq!(
            norm("见附件(ISO 9001)和(第一版)。\n"),
            "见附件(ISO 9001)和（第一版）。\n"
        );
        assert_eq!(norm("the model (模型)\n"), "the model (模型)\n");
        assert_eq!(norm("進(jìn)入\n"), "進(jìn)入\n");
        assert_eq!(norm("print(\"你好\")\n"), "print(\"你好\")\n");
    }

    #[test]
    fn english_numbers_urls_and_code_keep_ascii() {
        for text in [
            "He said, \"Hello, world!\" Really? Yes: 12:30; ok.\n",
            "价格7.4億元\n",
            "见 https://example.com/a?b=1,2;c:d 和 www.example.org/x!y\n",
            "访问http://例子.com/路径?q=1，然后\n",
            "运行 `a, b = f(x); print(a)` 即可\n",
            "```\nx = 中文(1, 2); y: int = 3\n```\n",
            "~~~python\nprint(中文, 1)\n~~~\n",
            "比分3:2，第1,000名\n",
            "Hello, 世界\n",
            "UTF-16 text: Grüße, 世界!\n",
            "the word (中文) means Chinese\n",
            "图片![示意图](a.png)\n",
            "笑:)\n",
            "协议:\\\\server\\share\n",
            "空格&nbsp;目前，大卫&#183;布朗，&#x4E2D;文，&lt;p&gt;这个\n",
            "转义&amp;nbsp;金山，&amp;#183;布朗\n",
            "What's Your Blog Worth?看看\n",
        ] {
            assert_eq!(norm(text), text, "{text:?}");
        }
    }

    #[test]
    fn mixed_chinese_english_text_converts_only_the_chinese_part() {
        assert_eq!(
            norm("本文介绍Rust,包括: ownership, borrowing, and lifetimes.\n"),
            "本文介绍Rust，包括： ownership, borrowing, and lifetimes.\n"
        );
    }
}

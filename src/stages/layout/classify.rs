//! Line classification: the text is cut into lines (at `\n`, and at form
//! feeds, which mark the next line as a page's first) and each line is
//! measured once: its indentation and width in units, whether it ends a
//! sentence, holds clause punctuation or inner whitespace, starts with a
//! list marker or heading number, or is a rule; and its kind: blank, text,
//! table-of-contents entry or preformatted. The later passes decide from
//! these fields; only page debris (a kind) and glued heading numbers (a
//! body) change a line once it is classified.
//!
//! Example: `　　第一段，\r\n\x0c$ pip install canon\n` → two lines: text
//! `第一段，` (indented 4 units, 8 units wide, clause punctuation; the `\r`
//! counted as trailing whitespace) and preformatted `$ pip install canon`,
//! the first line of a new page (the form feed counted as removed).
//!
//! Limits: a line is classified alone, but for code, which also looks at
//! whether the line before was code, and fences (```` ``` ````, `~~~`),
//! which open and close a block; a tab counts 4 units of indentation
//! wherever it stands; a form feed inside a line cuts it in two.

use crate::stages::StageReport;

use super::LayoutEdit;
use super::blocks::{is_code, is_rule, is_toc, starts_with_marker, starts_with_section_number};
use super::chars::{char_units, ends_sentence, is_clause};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Blank,
    /// Prose, headings, list items.
    Text,
    /// Table-of-contents entry: own line, whitespace collapsed.
    Toc,
    /// Code, shell commands, tables: own line, kept as is.
    Pre,
    /// Page number (removed).
    PageNumber,
    /// Running header or footer (removed).
    Header,
}

#[derive(Debug)]
pub(super) struct Line<'a> {
    /// The line without its ending, carriage return or form feed.
    pub(super) raw: &'a str,
    /// `raw` without leading and trailing whitespace.
    pub(super) body: &'a str,
    /// 1-based line number in the input.
    pub(super) no: usize,
    /// A form feed comes right before this line.
    pub(super) page_break: bool,
    pub(super) kind: Kind,
    /// Leading whitespace width in units.
    pub(super) lead: u32,
    /// Width of `body` in units.
    pub(super) width: u32,
    pub(super) terminal: bool,
    pub(super) clause: bool,
    /// Contains `。！？`: at least one sentence ends inside.
    pub(super) sentence_inside: bool,
    /// Has whitespace inside (to collapse or remove).
    pub(super) spaced: bool,
    pub(super) marker: bool,
    /// One symbol repeated: a rule or a box edge.
    pub(super) rule: bool,
    /// A heading whose glued section number or page reference was cut from
    /// `body`: it stands alone.
    pub(super) reference: bool,
    /// Has Latin letters, whose width on the page varies with the font
    /// (units count each as half a Chinese character).
    pub(super) latin: bool,
    /// Brackets and quotation marks it opens and closes.
    pub(super) brackets: Brackets,
}

fn leading_units(raw: &str) -> u32 {
    raw.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| match c {
            '\t' => 4,
            c => char_units(c),
        })
        .sum()
}

/// What one pass over a line's body finds.
#[derive(Default)]
struct Scan {
    width: u32,
    clause: bool,
    sentence: bool,
    spaced: bool,
    latin: bool,
    brackets: Brackets,
}

/// Brackets and quotation marks of a line: those it leaves open at its
/// end, and closers before them that match nothing in the line (they close
/// what an earlier line opened).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Brackets {
    pub(super) open: u8,
    pub(super) unmatched: u8,
}

impl Brackets {
    fn opener(&mut self) {
        self.open = self.open.saturating_add(1);
    }

    fn closer(&mut self) {
        if self.open > 0 {
            self.open -= 1;
        } else {
            self.unmatched = self.unmatched.saturating_add(1);
        }
    }

    /// The brackets left open after `next` follows these.
    pub(super) fn then(self, next: Brackets) -> Brackets {
        Brackets {
            open: self
                .open
                .saturating_sub(next.unmatched)
                .saturating_add(next.open),
            unmatched: self
                .unmatched
                .saturating_add(next.unmatched.saturating_sub(self.open)),
        }
    }
}

/// Width in units, clause punctuation, sentence punctuation, inner
/// whitespace, brackets: one pass.
fn scan(body: &str) -> Scan {
    let mut r = Scan::default();
    let bytes = body.as_bytes();
    if body.is_ascii() {
        r.width = body.len() as u32;
        for &b in bytes {
            r.latin |= b.is_ascii_alphabetic();
            match b {
                b',' | b';' => r.clause = true,
                b'(' => r.brackets.opener(),
                b')' => r.brackets.closer(),
                b if b.is_ascii_whitespace() => r.spaced = true,
                _ => {}
            }
        }
        return r;
    }
    let mut i = 0;
    while i < bytes.len() {
        // The common cases are decided from the bytes without decoding.
        let b = bytes[i];
        if b < 0x80 {
            r.width += 1;
            r.latin |= b.is_ascii_alphabetic();
            match b {
                b',' | b';' => r.clause = true,
                b'(' => r.brackets.opener(),
                b')' => r.brackets.closer(),
                b if (b as char).is_whitespace() => r.spaced = true,
                _ => {}
            }
            i += 1;
            continue;
        }
        if (0xE3..=0xE9).contains(&b) {
            // U+3000–U+9FFF: Chinese characters and punctuation, all wide;
            // of them only U+3000–U+3002 (`　、。`) are a space or clause
            // punctuation, and U+3008–U+3011, U+3014–U+3015 brackets
            // (`〈〉《》「」『』【】〔〕`, openers at even code points).
            r.width += 2;
            if b == 0xE3 && bytes[i + 1] == 0x80 {
                match bytes[i + 2] {
                    0x80 => r.spaced = true,
                    0x81 => r.clause = true,
                    0x82 => (r.clause, r.sentence) = (true, true),
                    c @ (0x88..=0x91 | 0x94..=0x95) if c % 2 == 0 => r.brackets.opener(),
                    0x88..=0x91 | 0x94..=0x95 => r.brackets.closer(),
                    _ => {}
                }
            }
            i += 3;
            continue;
        }
        if b == 0xEF && bytes[i + 1] == 0xBC {
            // U+FF00–U+FF3F, full-width forms, all wide: `，；` are clause
            // punctuation, `！？` end sentences, `（）` are brackets.
            r.width += 2;
            match bytes[i + 2] {
                0x8C | 0x9B => r.clause = true,
                0x81 | 0x9F => (r.clause, r.sentence) = (true, true),
                0x88 => r.brackets.opener(),
                0x89 => r.brackets.closer(),
                _ => {}
            }
            i += 3;
            continue;
        }
        let c = body[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        r.width += char_units(c);
        if is_clause(c) {
            r.clause = true;
            r.sentence |= matches!(c, '。' | '！' | '？');
        } else if c.is_whitespace() {
            r.spaced = true;
        } else if c == '“' {
            r.brackets.opener();
        } else if c == '”' {
            r.brackets.closer();
        }
    }
    r
}

/// Splits the text into lines (form feeds start new lines) and classifies
/// them.
pub(super) fn split_lines<'a>(
    text: &'a str,
    report: &mut StageReport<LayoutEdit>,
) -> Vec<Line<'a>> {
    let mut lines = Vec::with_capacity(text.len() / 32 + 1);
    let mut in_fence = false;
    let mut prev_pre = false;
    let body = text.strip_suffix('\n').unwrap_or(text);
    if body.is_empty() {
        return lines;
    }
    let mut trailing = 0;
    let mut pending_break = false;
    // Form feeds are found by looking ahead for the next one, not by
    // searching every line.
    let mut next_form_feed = body.find('\x0c');
    let mut line_start = 0;
    for (i, full_line) in crate::stages::lines(body).enumerate() {
        let line_end = line_start + full_line.len();
        let has_form_feed = next_form_feed.is_some_and(|f| f < line_end);
        if has_form_feed {
            next_form_feed = body[line_end..].find('\x0c').map(|f| line_end + f);
        }
        line_start = line_end + 1;
        let mut whole = std::iter::once(full_line);
        let mut split = full_line.split('\x0c');
        let pieces: &mut dyn Iterator<Item = &str> = if has_form_feed {
            &mut split
        } else {
            &mut whole
        };
        for (j, piece) in pieces.enumerate() {
            if j > 0 {
                pending_break = true;
                report.add(LayoutEdit::FormFeedRemoved, 1);
            }
            let raw = piece.trim_end();
            if raw.len() != piece.len() {
                trailing += 1;
            }
            let body = raw.trim_start();
            if body.is_empty() {
                // A line holding only a form feed is a page break, not a
                // blank line.
                if j == 0 && !has_form_feed {
                    lines.push(Line::blank(raw, i + 1));
                }
                continue;
            }
            let Scan {
                width,
                clause,
                sentence: sentence_inside,
                spaced,
                latin,
                brackets,
            } = scan(body);
            let fence = body.starts_with("```") || body.starts_with("~~~");
            // `=====` under a heading is a rule, not an operator.
            let rule = !fence && is_rule(body);
            let pre = in_fence || fence || !rule && is_code(raw, body, prev_pre);
            if fence {
                in_fence = !in_fence;
            }
            prev_pre = pre;
            let kind = if pre {
                Kind::Pre
            } else if is_toc(raw, body) {
                Kind::Toc
            } else {
                Kind::Text
            };
            lines.push(Line {
                raw,
                body,
                no: i + 1,
                page_break: std::mem::take(&mut pending_break),
                kind,
                lead: leading_units(raw),
                width,
                terminal: ends_sentence(body),
                clause,
                sentence_inside,
                spaced,
                marker: starts_with_marker(body) || !clause && starts_with_section_number(body),
                rule,
                reference: false,
                latin,
                brackets,
            });
        }
    }
    report.add(LayoutEdit::TrailingWhitespaceRemoved, trailing);
    lines
}

impl<'a> Line<'a> {
    fn blank(raw: &'a str, no: usize) -> Line<'a> {
        Line {
            raw,
            body: "",
            no,
            page_break: false,
            kind: Kind::Blank,
            lead: 0,
            width: 0,
            terminal: false,
            clause: false,
            sentence_inside: false,
            spaced: false,
            marker: false,
            rule: false,
            reference: false,
            latin: false,
            brackets: Brackets::default(),
        }
    }
}

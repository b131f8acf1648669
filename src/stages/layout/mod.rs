//! # layout: one paragraph per line
//!
//! Text out of PDF and web extraction is laid out for a page, not for a
//! corpus: lines are hard-wrapped mid-sentence, pages break in the middle of
//! paragraphs, page numbers and running headers sit inside the text, and
//! indentation is made of ideographic spaces. Word-splitting cleaners cannot
//! rejoin Chinese lines (there are no spaces to count words by) and insert
//! spaces when they do join. This stage rebuilds the document's paragraphs:
//!
//! - one paragraph per line, no blank lines, no leading or trailing
//!   whitespace, one final newline;
//! - headings, list items, table-of-contents entries and preformatted lines
//!   (code, shell commands, tables) stay on their own lines; code lines are
//!   kept byte for byte (only trailing whitespace goes);
//! - indentation removed, tabs and runs of spaces become one space, and a
//!   space between two Chinese characters or Chinese punctuation marks goes;
//!   spaces between Chinese and Latin letters or digits are left as they are;
//! - hard-wrapped lines joined (Chinese to Chinese without a space, Latin to
//!   Latin with one, a Latin word hyphenated across lines re-joined);
//! - form feeds, page-number lines (`12`, `- 12 -`, `第 12 页`, `12 / 223`,
//!   `Page 12 of 223`) and running headers or footers (the same short line at
//!   the edges of several pages) removed, and a paragraph cut by a page break
//!   joined back;
//! - section numbers or page references glued to a list of headings
//!   (`没有网络安全就没有国家安全3`) removed, each heading on its own line.
//!
//! Example: `　　这是一个新家园，是学习、工作、生活的新\n\n- 3 -\n\f空间。\n`
//! → `这是一个新家园，是学习、工作、生活的新空间。\n`
//!
//! Where a paragraph ends is decided from the evidence a reader uses: a line
//! ending a sentence (`。！？…；：`) or a lead-in dash pair (`——`) that is
//! clearly shorter than the lines around it; a line starting with a list marker or heading number; an
//! indented line in a document that indents paragraph starts; a blank line in
//! a document where blank lines separate paragraphs (not in one where every
//! line is followed by one); a short line with no clause punctuation
//! (`，、；`), which reads as a heading; a line set off from the margin in a
//! document that does not indent, with no punctuation, after a sentence's
//! end (a centred heading); a rule (`*****`, `-----`). A Latin line is a wrap
//! when the next line's first word would not have fitted after it. Typical
//! width is measured locally (a window of neighbouring lines, on each side),
//! so one file may mix column widths.
//!
//! Limits: a paragraph whose last line ends a sentence exactly at the right
//! margin, in a document with neither indentation nor blank lines, is joined
//! to the next one unless the next line is shorter by about an indentation;
//! a heading with clause punctuation and no final punctuation is joined to
//! the following paragraph; glued heading numbers are seen only as a set of
//! three or more different ones; bare-number page numbers are removed only next to
//! a form feed or as a run of increasing numbers at page-like intervals;
//! repeated lines that are not at page edges (a doubled title) are left for
//! dedup; multi-column layouts must come out of the extractor one column at
//! a time.
//!
//! ## Where the rules are
//!
//! The stage is cut by the question a reader brings to it; this file holds
//! the entry, `layout()`, which runs the passes in order and writes the
//! output, and the helpers that report edits.
//!
//! 1. `classify.rs`: the text cut into lines, each line measured once
//!    (width, indentation, final punctuation, marker) and given a kind.
//! 2. `debris.rs`: page numbers and running headers or footers.
//! 3. `measure.rs`: the column width around each line, and whether blank
//!    lines and indentation separate paragraphs in this document.
//! 4. `blocks.rs`: headings, list items, rules, table-of-contents entries
//!    and code, which keep their own lines; section numbers glued to a
//!    list of headings.
//! 5. `join.rs`: whether a line continues the paragraph before it, and
//!    how two lines are joined.
//! 6. `spacing.rs`: whitespace inside a line.
//!
//! `chars.rs` holds the character classes they all read. "Which rule keeps
//! a list item on its own line?": `blocks.rs` says what a marker is, and
//! `join.rs` (`continues`) that a line opening with one starts a paragraph.
//! Inferring the measure block by block belongs in `measure.rs`; new
//! line-break evidence (marks that cannot open a sentence, open brackets)
//! is classes in `chars.rs` read by `join.rs`; list and admonition
//! structure belongs in `blocks.rs`.
//!
//! A rule's unit tests sit at the end of the part that holds it, and run
//! text through the whole stage (with `lay` and `count` from this file's
//! tests); `chars.rs` and `classify.rs` have no tests of their own yet. The
//! tests at the end of this file cover the stage as a whole, and
//! `boundaries.rs` (tests only) puts an input at each threshold's limit, so
//! that moving a constant by one step fails a test (`docs/MUTATIONS.md`).

mod blocks;
#[cfg(test)]
mod boundaries;
mod chars;
mod classify;
mod debris;
mod join;
mod measure;
mod spacing;

use std::borrow::Cow;

use classify::{Kind, split_lines};
use debris::mark_page_debris;
use join::{Par, hyphenated, join_needs_space, split_name};
use measure::analyse;
use spacing::push_body;

use super::{
    EditKind, MAX_SAMPLES_PER_EDIT, SAMPLE_CONTEXT_CHARS, Sample, StageOutput, StageReport,
};

/// The kinds of edit this stage makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutEdit {
    /// A hard line break inside a paragraph removed (count: joins).
    LinesJoined,
    /// A Latin word hyphenated across two lines re-joined (count: words).
    HyphenationRejoined,
    /// Blank lines removed (count: lines).
    BlankLinesRemoved,
    /// Leading whitespace removed (count: lines).
    IndentationRemoved,
    /// Whitespace at a line end or a carriage return removed (count: lines).
    TrailingWhitespaceRemoved,
    /// Tabs, runs of spaces or other space characters made one space
    /// (count: runs).
    SpacesCollapsed,
    /// A space between two Chinese characters or punctuation marks removed
    /// (count: spaces).
    CjkSpaceRemoved,
    /// Form feeds (page breaks) removed (count: form feeds).
    FormFeedRemoved,
    /// Page-number lines removed (count: lines).
    PageNumberRemoved,
    /// Running header or footer lines removed (count: lines).
    RunningHeaderRemoved,
    /// A section number or page reference glued to the end of a heading
    /// removed (count: headings).
    HeadingReferenceRemoved,
    /// Missing final newline added.
    FinalNewline,
}

impl EditKind for LayoutEdit {
    fn name(self) -> &'static str {
        match self {
            LayoutEdit::LinesJoined => "lines_joined",
            LayoutEdit::HyphenationRejoined => "hyphenation_rejoined",
            LayoutEdit::BlankLinesRemoved => "blank_lines_removed",
            LayoutEdit::IndentationRemoved => "indentation_removed",
            LayoutEdit::TrailingWhitespaceRemoved => "trailing_whitespace_removed",
            LayoutEdit::SpacesCollapsed => "spaces_collapsed",
            LayoutEdit::CjkSpaceRemoved => "cjk_space_removed",
            LayoutEdit::FormFeedRemoved => "form_feed_removed",
            LayoutEdit::PageNumberRemoved => "page_number_removed",
            LayoutEdit::RunningHeaderRemoved => "running_header_removed",
            LayoutEdit::HeadingReferenceRemoved => "heading_reference_removed",
            LayoutEdit::FinalNewline => "final_newline",
        }
    }
}

// ---------------------------------------------------------------------------
// The stage
// ---------------------------------------------------------------------------

fn tail_chars(s: &str, n: usize) -> &str {
    let s = match s.rfind('\n') {
        Some(i) => &s[i + 1..],
        None => s,
    };
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &s[i..],
        _ => s,
    }
}

fn head_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Records one edit, building its sample only while samples are kept.
fn note(
    report: &mut StageReport<LayoutEdit>,
    kind: LayoutEdit,
    line: usize,
    sample: impl FnOnce() -> (String, String),
) {
    let kept = report
        .edits
        .iter()
        .find(|e| e.kind == kind)
        .map_or(0, |e| e.samples.len());
    if kept < MAX_SAMPLES_PER_EDIT {
        let (before, after) = sample();
        report.add_sample(
            kind,
            Sample {
                line,
                before,
                after,
            },
        );
    } else {
        report.add(kind, 1);
    }
}

/// Runs the stage on one document.
pub fn layout(text: &str) -> StageOutput<'_, LayoutEdit> {
    let mut report = StageReport::default();
    let mut lines = split_lines(text, &mut report);
    mark_page_debris(&mut lines);
    let mut ctx = analyse(lines);
    ctx.mark_heading_references(&mut report);
    let lines = &ctx.lines;

    let mut out = String::with_capacity(text.len());
    let mut prev: Option<usize> = None;
    let mut blank = false;
    let mut page = false;
    let mut blank_lines = 0u64;
    let mut par = Par::default();
    for (i, l) in lines.iter().enumerate() {
        if l.page_break {
            page = true;
        }
        match l.kind {
            Kind::Blank => {
                blank = true;
                blank_lines += 1;
                continue;
            }
            Kind::PageNumber => {
                page = true;
                note(&mut report, LayoutEdit::PageNumberRemoved, l.no, || {
                    (l.body.to_string(), String::new())
                });
                continue;
            }
            Kind::Header => {
                page = true;
                note(&mut report, LayoutEdit::RunningHeaderRemoved, l.no, || {
                    (l.body.to_string(), String::new())
                });
                continue;
            }
            Kind::Pre => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(l.raw);
            }
            Kind::Text | Kind::Toc => {
                if l.body.len() != l.raw.len() {
                    report.add(LayoutEdit::IndentationRemoved, 1);
                }
                match prev {
                    Some(p) if ctx.continues(p, i, par, blank, page) => {
                        par.extend(l);
                        let hyphen = out.ends_with('-')
                            && l.body.starts_with(|c: char| c.is_ascii_lowercase())
                            && lines[p].body.ends_with('-')
                            && hyphenated(lines[p].body);
                        let cut = out.len();
                        if hyphen {
                            out.pop();
                        } else if join_needs_space(&out, l.body)
                            && !split_name(lines[p].body, l.body)
                        {
                            out.push(' ');
                        }
                        let joined_at = out.len();
                        push_body(&mut out, l, &mut report);
                        let kind = if hyphen {
                            LayoutEdit::HyphenationRejoined
                        } else {
                            LayoutEdit::LinesJoined
                        };
                        note(&mut report, kind, lines[p].no, || {
                            let left = tail_chars(&out[..cut], SAMPLE_CONTEXT_CHARS);
                            let right = head_chars(&out[joined_at..], SAMPLE_CONTEXT_CHARS);
                            let left_after = tail_chars(&out[..joined_at], SAMPLE_CONTEXT_CHARS);
                            (
                                format!("{left}⏎{}", head_chars(l.body, SAMPLE_CONTEXT_CHARS)),
                                format!("{left_after}{right}"),
                            )
                        });
                    }
                    _ => {
                        par = Par::start(l);
                        if !out.is_empty() {
                            out.push('\n');
                        }
                        push_body(&mut out, l, &mut report);
                    }
                }
            }
        }
        prev = Some(i);
        blank = false;
        page = false;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    report.add(LayoutEdit::BlankLinesRemoved, blank_lines);
    if out == text {
        return StageOutput {
            text: Cow::Borrowed(text),
            report: StageReport::default(),
        };
    }
    if !text.is_empty() && !text.ends_with('\n') {
        report.add(LayoutEdit::FinalNewline, 1);
    }
    StageOutput {
        text: Cow::Owned(out),
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::chars::is_hanzi;
    use super::*;

    pub(super) fn lay(s: &str) -> String {
        layout(s).text.into_owned()
    }

    pub(super) fn count(s: &str, kind: LayoutEdit) -> u64 {
        layout(s).report.count(kind)
    }

    /// Hanzi of `text` in order.
    fn hanzi(text: &str) -> String {
        text.chars().filter(|&c| is_hanzi(c)).collect()
    }

    /// Hanzi of `text` outside the lines the stage takes for page debris.
    fn hanzi_outside_debris(text: &str) -> String {
        let mut report = StageReport::default();
        let mut lines = split_lines(text, &mut report);
        mark_page_debris(&mut lines);
        lines
            .iter()
            .filter(|l| !matches!(l.kind, Kind::PageNumber | Kind::Header))
            .map(|l| hanzi(l.raw))
            .collect()
    }

    #[test]
    fn passes_canonical_text_through_borrowed() {
        let out = layout("中文。\n第二段。\n");
        assert!(matches!(out.text, Cow::Borrowed("中文。\n第二段。\n")));
        assert!(out.report.is_empty());
        assert!(matches!(layout("").text, Cow::Borrowed("")));
    }

    #[test]
    fn removes_indentation_and_blank_lines() {
        let out = layout("\u{3000}\u{3000}第一段。\n\n\u{2003}\u{2003}第二段。\n");
        assert_eq!(out.text, "第一段。\n第二段。\n");
        assert_eq!(out.report.count(LayoutEdit::IndentationRemoved), 2);
        assert_eq!(out.report.count(LayoutEdit::BlankLinesRemoved), 1);
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        assert_eq!(lay("第一段，\r\n接着写。"), "第一段，接着写。\n");
    }

    #[test]
    fn idempotent() {
        for text in [
            "标题\n正文内容，结尾有制表符\t\n全角空格结尾\u{3000}\n中间  的空格保留\n",
            "这是一个新家园，是学习、工作、生活的新\n空间。\n",
            "一、总体要求\n坚持正能量，\n",
            "a-\nb\n",
            "",
        ] {
            let once = lay(text);
            assert_eq!(lay(&once), once, "{text:?}");
        }
    }

    /// Seeds: every Hanzi outside removed debris comes out, in order; seeds
    /// 002 and 004 lose their hard wraps; the stage is idempotent on them.
    #[test]
    fn seeds_keep_every_hanzi_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds/input");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let out = lay(&text);
            assert_eq!(
                hanzi(&out),
                hanzi_outside_debris(&text),
                "{}",
                path.display()
            );
            assert_eq!(lay(&out), out, "not idempotent: {}", path.display());
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("002") {
                assert!(out.contains("网络生态持续向好"));
                assert!(out.contains("用得好是真本事。党的十八大以来"));
                assert!(!out.contains("\n\n"));
            }
            if name.starts_with("004") {
                assert!(out.contains("中国发布《网络空间国际合作战略》，用四项原则"));
                assert!(out.contains("在践行新发展理念上先行一步。\n"));
                // A centred heading and a list of section headings whose
                // numbers were glued to them.
                assert!(out.contains("\n习近平总书记“4·19”重要讲话发表一周年\n“我国经济"));
                assert!(out.contains("\n没有网络安全就没有国家安全\n"));
                assert!(out.contains("为新常态注入新动力\n互联网是社会发展的新引擎"));
            }
            seen += 1;
        }
        assert_eq!(seen, 5);
    }
}

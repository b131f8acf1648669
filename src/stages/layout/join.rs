//! Joining: whether a text line continues the paragraph of the line before
//! it, and how the two are joined (Chinese to Chinese without a space,
//! Latin to Latin with one, a Latin word hyphenated across the lines
//! re-joined). The evidence is what a reader uses: punctuation at the break
//! (a line ending mid-clause runs on, a line cannot start with `，`), a
//! marker or rule on either line, indentation and blank lines where the
//! document uses them, brackets or quotation marks the paragraph left
//! open, a file name or path cut at a period or slash, and whether the line
//! fills its column (measure.rs: locally, or the book's measure).
//! Decisions look at the paragraph built so far, not only its last line, so
//! that cleaning the output again changes nothing.
//!
//! Example: `这是一个新家园，是学习、工作、生活的新\n空间。\n` →
//! `这是一个新家园，是学习、工作、生活的新空间。\n`, and
//! `…talks about recon-\nstruction of lines…` → `…talks about reconstruction
//! of lines…`.
//!
//! Limits: a paragraph whose last line ends a sentence exactly at the right
//! margin, in a document with neither indentation nor blank lines, is
//! joined to the next one unless the next line is shorter by about an
//! indentation; a heading with clause punctuation and no final punctuation
//! is joined to the following paragraph.

use super::blocks::starts_with_heading_marker;
use super::chars::{ends_lead_in, is_cjk, is_clause, is_line_start_forbidden, is_neutral};
use super::classify::{Brackets, Kind, Line};
use super::measure::{
    Ctx, FIRST_LINE_SHORT_MAX_UNITS, FIRST_LINE_SHORT_MIN_UNITS, INDENT_MIN_UNITS,
    LATIN_PROSE_SPACES, Region, TERMINAL_SLACK_UNITS,
};

/// Documents with fewer text lines than this are too small to measure a
/// typical width: a prose line that does not end a sentence runs on.
const TINY_DOCUMENT_LINES: usize = 6;

/// What is known of the paragraph being built.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Par {
    /// Its first line starts with a list marker or heading number.
    marker: bool,
    /// …with a heading number.
    heading: bool,
    /// …with a numbered one (`一、`, `（一）`, `第三章`), not a dash or a
    /// bracket, which also open paragraphs of running text.
    numbered: bool,
    /// How many lines it has so far.
    lines: u32,
    /// Width of its last line and of the line before it (0: none).
    last_width: u32,
    before_last_width: u32,
    /// One of its lines has clause or sentence punctuation.
    clause: bool,
    /// A sentence ends inside it.
    sentence_inside: bool,
    /// Brackets and quotation marks left open so far.
    brackets: Brackets,
}

impl Par {
    pub(super) fn start(line: &Line) -> Par {
        Par {
            marker: line.marker,
            heading: line.marker && starts_with_heading_marker(line.body),
            numbered: line.marker
                && starts_with_heading_marker(line.body)
                && !line.body.starts_with(['—', '【', '#']),
            clause: line.clause,
            sentence_inside: line.sentence_inside,
            lines: 1,
            last_width: line.width,
            before_last_width: 0,
            brackets: line.brackets,
        }
    }

    pub(super) fn extend(&mut self, line: &Line) {
        self.lines += 1;
        self.before_last_width = self.last_width;
        self.last_width = line.width;
        self.clause |= line.clause;
        self.sentence_inside |= line.sentence_inside;
        self.brackets = self.brackets.then(line.brackets);
    }
}

impl Ctx<'_> {
    /// Line `b` is indented further than line `a` in a document that
    /// indents paragraph starts (a hanging or block indent is not a start).
    /// When `a` is a paragraph's only line so far, it may be an indented
    /// first line too: then `b` is measured against the document's margin.
    fn indented(&self, a: &Line, b: &Line, par: Par) -> bool {
        if !self.indent_informative || par.marker && par.lines == 1 && b.lead > a.lead {
            // A list item's text continues under a hanging indent.
            return false;
        }
        b.lead >= a.lead + INDENT_MIN_UNITS
            || par.lines == 1 && b.lead >= a.lead && b.lead >= self.base_lead + INDENT_MIN_UNITS
    }

    /// A line set off from the margin in a document that does not indent,
    /// with no punctuation at all, after a sentence's end: a heading placed
    /// apart (centred), not a paragraph's first line.
    fn offset_heading(&self, line: usize) -> bool {
        let l = &self.lines[line];
        if !self.offset_rare || l.lead <= self.base_lead || l.clause || l.terminal {
            return false;
        }
        let pos = self.text_pos[line];
        pos == 0 || self.lines[self.text[pos - 1]].terminal
    }

    /// Whether line `b` continues the paragraph of line `a`.
    /// `par` describes the paragraph `a` ends, so that a decision does not
    /// change when the paragraph is already on one line (idempotence).
    pub(super) fn continues(&self, a: usize, b: usize, par: Par, blank: bool, page: bool) -> bool {
        let (la, lb) = (&self.lines[a], &self.lines[b]);
        if la.kind != Kind::Text || lb.kind != Kind::Text || lb.marker {
            return false;
        }
        if la.reference || lb.reference || la.rule || lb.rule {
            return false;
        }
        let first_b = lb.body.chars().next().unwrap_or(' ');
        if is_line_start_forbidden(first_b) {
            return true;
        }
        let last_a = la.body.chars().last().unwrap_or(' ');
        if last_a == '-' && first_b.is_ascii_lowercase() && hyphenated(la.body) {
            return true;
        }
        if split_name(la.body, lb.body) {
            // The period is inside a file or package name the line broke in
            // (`debian/libfoo1.` / `symbols`, `foo.` / `orig.tar.gz`).
            return true;
        }
        if self.offset_heading(a) || self.offset_heading(b) {
            return false;
        }
        let separated = (blank && self.blank_informative && !page) || self.indented(la, lb, par);
        // A line ending with a lead-in dash pair is decided as one ending a
        // sentence (as a line ending with a colon is).
        if !la.terminal && !ends_lead_in(la.body) {
            if par.heading {
                // A numbered heading, unless it holds a sentence's end or
                // fills the column and the next line is not a paragraph's
                // first line (a heading as long as an indented first line).
                return !separated
                    && (par.sentence_inside
                        || self.fills_column(a, la.width)
                            && !(par.numbered
                                && par.lines == 1
                                && self.next_starts_paragraph(a, b)));
            }
            if is_clause(last_a)
                || last_a.is_ascii_alphanumeric()
                    && first_b.is_ascii_lowercase()
                    && (par.clause || latin_prose(la.body))
                || par.brackets.open > 0
            {
                // Ends mid-clause (`，`), mid-sentence in Latin prose (a
                // heading ending with a Latin word, `14.3 使用 ldapvi`, is
                // followed by a paragraph that may open with one), or inside
                // brackets or quotation marks left open, which a paragraph
                // never ends in: no indent or blank line overrides that (and
                // cleaning the output again, without them, would join it
                // anyway).
                return true;
            }
            if self.fills_column(a, la.width)
                || self.next_word_overflows(a, la, lb)
                || self.fills_block(a)
            {
                // Fills the column: a wrap, unless the next line is set apart.
                // Three lines at the same indentation are a block (an
                // indented quote), not indented paragraph starts.
                let pos = self.text_pos[b];
                let block = lb.lead == la.lead
                    && self
                        .text
                        .get(pos + 1)
                        .is_some_and(|&c| self.lines[c].lead == lb.lead);
                let par = if block { Par { lines: 2, ..par } } else { par };
                return !(blank && self.blank_informative && !page || self.indented(la, lb, par));
            }
            if par.clause && self.text.len() < TINY_DOCUMENT_LINES {
                // Too few lines to measure a width: prose runs on.
                return !separated;
            }
            // A short prose line not ending a sentence, then a page break or a
            // blank line that does not separate paragraphs in this document:
            // a paragraph cut by a page (seed 002). Without a gap, a short
            // line is a paragraph's end even without punctuation (a heading
            // with commas), which also keeps the stage idempotent.
            return par.clause
                && (page || blank && !self.blank_informative)
                && !self.indented(la, lb, par);
        }
        if separated || par.marker && !par.clause {
            return false;
        }
        let regions = self.regions(a);
        // A short next line with no punctuation is a heading (a paragraph's
        // last line would end its sentence).
        if !lb.terminal && !lb.clause && !regions.iter().any(|r| r.nearly_full(lb.width)) {
            return false;
        }
        // Clearly shorter than the line above it in the same paragraph.
        if la.width + TERMINAL_SLACK_UNITS < par.before_last_width {
            return false;
        }
        let full = |r: &Region, width: u32, next: u32| {
            if !r.exactly_full(width) {
                return false;
            }
            if self.indent_informative {
                return true;
            }
            // The next line is shorter by about an indentation and goes on: a
            // paragraph's first line whose indentation was dropped.
            let short_by = r.reference.saturating_sub(next);
            lb.terminal
                || !(FIRST_LINE_SHORT_MIN_UNITS..=FIRST_LINE_SHORT_MAX_UNITS).contains(&short_by)
        };
        // Every side that looks like a wrapped column must find the line
        // full: a side whose widest lines are indented first lines (short
        // paragraphs) measures the column a little narrow.
        let page_full = regions.iter().any(|r| r.wrapped)
            && regions
                .iter()
                .filter(|r| r.wrapped)
                .all(|r| full(r, la.width, lb.width));
        // A block set narrower than the column around it (an admonition, an
        // indented list item) is measured on its own lines.
        page_full || full(&self.block(a), self.edge(a), self.edge(b)) && self.block_inside(a)
    }

    /// Lines `a` and `b` are both shorter than the column by about an
    /// indentation, and `b` does not end a sentence and goes on into the next
    /// line (no blank line that separates paragraphs): `b` is a paragraph's
    /// first line whose indentation the extractor dropped, and `a` ended its
    /// own paragraph, since a first line's next line fills the column.
    fn next_starts_paragraph(&self, a: usize, b: usize) -> bool {
        let (la, lb) = (&self.lines[a], &self.lines[b]);
        let goes_on = self.lines.get(b + 1).is_some_and(|next| {
            next.kind == Kind::Text || next.kind == Kind::Blank && !self.blank_informative
        });
        !lb.terminal
            && goes_on
            && self
                .regions(a)
                .iter()
                .any(|r| r.wrapped && r.first_line_like(la) && r.first_line_like(lb))
    }
}

/// `word-` at the end of a line where `word` is lowercase Latin.
pub(super) fn hyphenated(body: &str) -> bool {
    let mut rev = body.chars().rev();
    rev.next();
    rev.next().is_some_and(|c| c.is_ascii_lowercase())
}

/// A line ending inside a file name, path or URL cut at a period or a
/// slash, and a next line that goes on with the name, starting in lower
/// case or with a digit, which a sentence in Latin script does not: after
/// a slash always (`/usr/share/` / `doc-base.html`), after a period when
/// either side is a path or dotted name (`debian/libfoo1.` / `symbols`,
/// `foo.` / `orig.tar.gz`). `a.` / `b.` (two short sentences) are not names.
/// Joined without a space.
pub(super) fn split_name(a: &str, b: &str) -> bool {
    let is_name =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '~' | ':');
    let Some(cut) = a.chars().next_back().filter(|c| matches!(c, '.' | '/')) else {
        return false;
    };
    let tail = &a[a.trim_end_matches(is_name).len()..a.len() - 1];
    let head = &b[..b.len() - b.trim_start_matches(is_name).len()];
    let inner = |w: &str| w.contains(['/', '.', '_']);
    // A head of digits and periods (`1.2.`) is a section number.
    let numbered = head.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    tail.ends_with(|c: char| c.is_ascii_alphanumeric())
        && head.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && !numbered
        && (cut == '/' || inner(tail) || inner(head.trim_end_matches('.')))
}

/// A line of Latin prose: several words.
fn latin_prose(body: &str) -> bool {
    body.bytes().filter(|&b| b == b' ').count() >= LATIN_PROSE_SPACES
}

/// Whether a space goes between the end of one line and the start of the
/// next when they are joined: only between two non-Chinese characters.
pub(super) fn join_needs_space(left: &str, right: &str) -> bool {
    let l = left.chars().rev().find(|&c| !is_neutral(c));
    let r = right.chars().find(|&c| !is_neutral(c));
    match (l, r) {
        (Some(l), Some(r)) => !is_cjk(l) && !is_cjk(r),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, lay};
    use super::super::{LayoutEdit, layout};

    #[test]
    fn joins_wrapped_chinese_without_space() {
        let out = layout("这是一个新家园，是学习、工作、生活的新\n空间。\n");
        assert_eq!(out.text, "这是一个新家园，是学习、工作、生活的新空间。\n");
        assert_eq!(out.report.count(LayoutEdit::LinesJoined), 1);
        let edit = &out.report.edits[0];
        assert!(edit.samples[0].before.ends_with("生活的新⏎空间。"));
        assert!(edit.samples[0].after.ends_with("生活的新空间。"));
    }

    #[test]
    fn joins_latin_with_one_space_and_rejoins_hyphenation() {
        assert_eq!(
            lay("The quick brown fox jumps over the lazy dog, and the\nlazy dog sleeps on.\n"),
            "The quick brown fox jumps over the lazy dog, and the lazy dog sleeps on.\n"
        );
        let text = "A paragraph that talks about recon-\nstruction of lines, and more.\n";
        assert_eq!(
            lay(text),
            "A paragraph that talks about reconstruction of lines, and more.\n"
        );
        assert_eq!(count(text, LayoutEdit::HyphenationRejoined), 1);
    }

    #[test]
    fn short_line_ending_a_sentence_ends_the_paragraph() {
        let text = "这是一股新动力，代表新生产力、新发展方向，在践行新发展理念上\n先行一步。\n一年前，习近平总书记在网络安全和信息化工作座谈会上发表重要\n讲话。\n";
        assert_eq!(
            lay(text),
            "这是一股新动力，代表新生产力、新发展方向，在践行新发展理念上先行一步。\n一年前，习近平总书记在网络安全和信息化工作座谈会上发表重要讲话。\n"
        );
    }

    #[test]
    fn a_line_set_off_from_the_margin_after_a_sentence_is_a_heading() {
        let text = "这是上一段的最后一句话。\n 记者走访多地农村数字化建设现场\n“以前卖菜要起早赶集，现在手机\n一拍就有人下单。”\n";
        assert_eq!(
            lay(text),
            "这是上一段的最后一句话。\n记者走访多地农村数字化建设现场\n“以前卖菜要起早赶集，现在手机一拍就有人下单。”\n"
        );
        // With clause punctuation the set-off line is prose, and runs on.
        let prose =
            "这是上一段的最后一句话。\n 记者走访了多地，农村数字化建设\n现场热火朝天，一片繁忙。\n";
        assert_eq!(
            lay(prose),
            "这是上一段的最后一句话。\n记者走访了多地，农村数字化建设现场热火朝天，一片繁忙。\n"
        );
    }

    #[test]
    fn a_numbered_heading_as_wide_as_a_first_line_stands_alone() {
        // A column of 30 characters whose paragraphs start 2 characters in
        // (the extractor dropped the indentation): the heading fills a first
        // line, and so does the paragraph's first line after it.
        let text = "\
这是上一段的内容，网信事业从夯基垒台到积厚成势，从发展起\n\
步到不断壮大，取得了历史性成就，发生了历史性变革，网信工作体\n\
系不断完善。\n\
二、锚定蓝图、砥砺奋进，新时代网络强国建设取得历史性成就\n\
党的十八大以来，党中央高度重视互联网、大力发展互联网、积\n\
极运用互联网、有效治理互联网，统筹协调涉及政治、经济、文化等\n\
领域网络安全和信息化重大问题，作出一系列重大决策、提出一系列\n\
重大举措，走出一条中国特色治网之道，网络强国从宏伟蓝图逐步转\n\
化为生动实践。\n";
        let out = lay(text);
        assert!(
            out.contains(
                "\n二、锚定蓝图、砥砺奋进，新时代网络强国建设取得历史性成就\n党的十八大以来"
            ),
            "{out}"
        );
        assert!(out.ends_with("逐步转化为生动实践。\n"));
        assert_eq!(lay(&out), out);
        assert_eq!(out.lines().count(), 3);
    }

    /// A heading closed by a dash pair, with clause punctuation, in a
    /// double-spaced file of one paragraph per line (seed 003): it ends its
    /// paragraph as a sentence's end would.
    #[test]
    fn a_line_ending_with_a_lead_in_dash_ends_its_paragraph() {
        let text = "\
当今时代，互联网发展日新月异，信息化浪潮席卷全球。\n\n\
各地积极推进社保数字化转型，不断提升社保治理效能。\n\n\
建设信息化的社会保障体系，让保障更可靠——\n\n\
当前，我国已建立世界最大规模的社会保障体系，推进社保经办数字化转型迫在眉睫。\n\n\
江苏省社保待遇领取资格认证构建以信息比对为主的认证模式。\n\n\
山东省建成工伤保险智能一体化服务平台，大幅提升工伤认定效率。\n";
        let out = lay(text);
        assert!(
            out.contains("\n建设信息化的社会保障体系，让保障更可靠——\n当前，"),
            "{out}"
        );
        assert_eq!(out.lines().count(), 6);
        assert_eq!(lay(&out), out);
    }

    /// …but a line of a wrapped column that fills it runs on, as a full line
    /// ending a sentence does.
    #[test]
    fn a_full_line_ending_with_a_dash_runs_on() {
        let lines = [
            "网络安全和信息化是事关国家安全和国家发展、事关广大人",
            "民群众工作和生活的重大问题，要从国际国内大势出发——",
            "总体布局，统筹各方，创新发展，努力把我国建设成为网络",
            "强国。党的十八大以来，习近平总书记从信息化发展大势和",
            "国际国内大局出发，就网信工作提出了一系列新思想新观点",
            "新论断，形成了习近平总书记关于网络强国的重要思想，擘",
            "画了建设网络强国的宏伟蓝图。在习近平新时代中国特色社",
            "会主义思想特别是习近平总书记关于网络强国的重要思想指",
            "引下，党对网信工作的全面领导不断加强，我国网信事业取",
            "得历史性成就。",
        ];
        let text = lines.join("\n") + "\n";
        assert_eq!(lay(&text), lines.concat() + "\n");
    }

    /// Indented blocks, hanging indents under `(a)` items, wrapped lines
    /// whose next word would not have fitted, and boxes of asterisks: the
    /// first pass must join what a second pass would join.
    #[test]
    fn english_blocks_and_boxes_are_idempotent() {
        let text = include_str!("../../../fixtures/layout/english-blocks-and-boxes/input.txt");
        let once = lay(text);
        assert_eq!(lay(&once), once);
        assert!(once.contains("READING THIS NOTE DOES NOT MAKE YOU A CLIENT OF ANYONE."));
        assert!(once.contains("whether made by hand or by machine; or\n"));
        assert!(once.contains("its headings Intact.\n"));
        assert!(once.contains("\n================\nTHE AUTHORS"));
        assert!(once.contains("make.\nNotice B - Where to Write\n---"));
        let rule = "*".repeat(72);
        assert!(once.contains(&format!("\n{rule}\n* *\n")));
    }

    /// Evidence at the break: a name cut at its period, brackets left open.
    #[test]
    fn names_cut_at_a_period_and_open_brackets_run_on() {
        assert_eq!(
            lay("创建 debian/libfoo1.\nsymbols 文件。\n"),
            "创建 debian/libfoo1.symbols 文件。\n"
        );
        assert_eq!(
            lay("它的源码包是 foo.\norig.tar.gz 文件。\n"),
            "它的源码包是 foo.orig.tar.gz 文件。\n"
        );
        assert_eq!(
            lay("参看 /usr/share/doc/\ndoc-base.html 有一份本地拷贝。\n"),
            "参看 /usr/share/doc/doc-base.html 有一份本地拷贝。\n"
        );
        // Two short sentences, and a sentence before a capital, stay apart.
        assert_eq!(lay("a.\nb.\n"), "a.\nb.\n");
        assert_eq!(
            lay("see debian/rules.\nThen build.\n"),
            "see debian/rules.\nThen build.\n"
        );
        // A paragraph never ends inside brackets or quotation marks.
        let text = "请认真阅读用户手册（第三版\n附录）并避免滥用。\n";
        assert_eq!(lay(text), "请认真阅读用户手册（第三版附录）并避免滥用。\n");
        let quoted = "他说：“明天我们\n再谈。”\n";
        assert_eq!(lay(quoted), "他说：“明天我们再谈。”\n");
        // Closed brackets say nothing: a short heading stays apart.
        let closed = "第一段的内容很长，写了很多很多的内容。\n注意事项（一）\n第二段的内容。\n";
        assert_eq!(lay(closed), closed);
        for t in [text, quoted, closed] {
            let once = lay(t);
            assert_eq!(lay(&once), once);
        }
    }

    /// A heading ending with a Latin word is not Latin prose: a paragraph
    /// opening with a lower-case command name does not continue it.
    #[test]
    fn a_heading_ending_in_latin_stays_before_a_lower_case_line() {
        let text = "14.3 使用 ldapvi\nldapvi 是一个编辑 LDAP 数据库的工具。\n";
        assert_eq!(lay(text), text);
        let bare = "6.2\ncompat\ncompat 文件定义了兼容级别。\n";
        assert_eq!(lay(bare), bare);
        // Latin prose runs on into a lower-case line.
        let prose = "The quick brown fox jumps over\nthe lazy dog.\n";
        assert_eq!(lay(prose), "The quick brown fox jumps over the lazy dog.\n");
    }

    #[test]
    fn hanging_indents_in_latin_lists_are_continuations() {
        let text = "are met:\n1. Redistributions of source code must retain the above copyright\n   notice, this list of conditions and the following disclaimer.\n2. Redistributions in binary form must reproduce the above copyright\n   notice, this list of conditions.\n";
        let once = lay(text);
        assert_eq!(
            once,
            "are met:\n1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.\n2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions.\n"
        );
        assert_eq!(lay(&once), once);
    }
}

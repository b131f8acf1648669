//! The document's measure: how wide its column is around each line, and
//! whether it marks paragraphs with blank lines or with indentation. The
//! width is taken locally and on each side of a line (the third-widest of
//! the line and the 12 text lines before it, and apart from that of the
//! line and the 12 after it), so one file may change column width; a side
//! counts as wrapped prose only when enough of its lines fill that width
//! and few of those end a sentence. A window is measured when a decision
//! first needs it: most lines end mid-clause and need none. A book also
//! has one measure throughout: the width at which most of its Chinese
//! prose lines that do not end a sentence were broken. A line reaching it
//! fills the column even where the lines around it are lists, code or
//! short paragraphs, too few full lines to measure locally. A block (an
//! admonition, an indented list: lines of one indentation and marker
//! context) set narrower than the column has a measure of its own, taken
//! on its lines' right edges.
//!
//! Example: `白日依山尽。\n黄河入海流。\n欲穷千里目。\n更上一层楼。\n` stays as
//! it is: lines of one width that all end a sentence are verse, not a
//! wrapped column; while in a column of 26-character lines, a line of 26
//! ending with `——` fills the column, so it was wrapped there and runs on
//! into the next line.
//!
//! Limits: a side needs three lines that fill it to be seen as a column,
//! so a short paragraph among one-line ones is measured from its
//! neighbours; columns narrower than 8 Chinese characters (verse, lists) or
//! wider than 100 (whole paragraphs) are never wrapped prose; blank lines
//! and indentation get one verdict for the whole document; the document's
//! measure needs 8 such lines and stands out only if 30 % of them share
//! it, so a file of two widths has at most one (the other is measured
//! locally), and a line with Latin letters wider than it counts as full
//! (units overstate a proportional font's Latin), so a list item ending
//! there without punctuation runs on into the next paragraph. A block's
//! measure needs two Chinese prose lines (no Latin letters) that reach it
//! besides its last line, and a column or book measure it is set inside:
//! a narrow block of two lines, or one in text without a column, is not
//! measured.

use std::cell::Cell;

use super::chars::char_units;
use super::classify::{Kind, Line};

/// Lines on each side of a line that define its local typical width: about
/// a page's worth of a narrow column, small enough for one file to change
/// width (seed 004 goes from ~30 to ~18 characters).
const WINDOW_LINES: usize = 12;
/// The reference width is the window's third-widest line: robust to one or
/// two overlong lines (an unwrapped quote, a URL) in a wrapped column.
const REFERENCE_RANK: usize = 2;
/// A line is "full" when within this many width units (one unit per Latin
/// character, two per Chinese one) of the reference: justified Chinese
/// lines differ by a character or two (punctuation hanging in the margin,
/// half-width digits).
const FULL_SLACK_MIN_UNITS: u32 = 5;
/// A line ending a sentence continues its paragraph only when within this
/// many units of the reference (one Chinese character).
pub(super) const TERMINAL_SLACK_UNITS: u32 = 2;
/// …or within an eighth of the reference, for wide lines with Latin words,
/// whose width in units varies more.
const FULL_SLACK_DIVISOR: u32 = 8;
/// A window is a wrapped column only when at least this many lines are full:
/// two similar lines can be chance, three rarely are.
const MIN_WRAPPED_LINES: usize = 3;
/// …and when at least this share (percent) of its lines are full; in text
/// with one paragraph per line, widths are scattered.
const MIN_WRAPPED_PERCENT: usize = 35;
/// A document has a measure when at least this many of the lines it is
/// measured on, and this share (percent) of them, are broken within the
/// slack below one width: a book's body text, not a few similar lines by
/// chance.
const DOC_MEASURE_MIN_LINES: usize = 8;
const DOC_MEASURE_PERCENT: usize = 30;
/// No extractor wraps wider than this (100 Chinese characters; an A4 page
/// holds about 40): wider lines are whole paragraphs.
const MAX_WRAP_UNITS: u32 = 200;
/// Columns narrower than this (8 Chinese characters) are verse or lists, not
/// wrapped prose.
const MIN_WRAP_UNITS: u32 = 16;
/// When more than this share (percent) of a window's full lines end a
/// sentence, lines are sentences (verse, a list of statements), not wraps.
const MAX_TERMINAL_PERCENT: usize = 50;
/// Wrapped prose has punctuation on most lines; a column of similar short
/// lines without any (titles, names, links) is a list. Minimum share
/// (percent) of full lines with clause punctuation or several words.
const MIN_PROSE_PERCENT: usize = 40;
/// A block (a run of lines that share an indentation and a marker context:
/// an admonition, a list item, a quote) has a measure of its own when at
/// least this many of its lines reach it: an admonition box or a list item
/// of three lines has two full ones.
const BLOCK_MIN_FULL_LINES: usize = 2;
/// The block's measure is its second-widest line's right edge: one line may
/// overhang (a URL that does not break), and a block has too few lines to
/// take the third-widest, as a page window does.
const BLOCK_REFERENCE_RANK: usize = 1;
/// Spaces that make a Latin line read as prose (five words or more).
pub(super) const LATIN_PROSE_SPACES: usize = 4;
/// A Latin line was wrapped when the next line's first word would not have
/// fitted after it; ragged right margins put the column limit a little above
/// the reference width.
const LATIN_FIT_SLACK_UNITS: u32 = 2;

/// When at least this share (percent) of line transitions have blank lines,
/// the text is double-spaced and blank lines say nothing about paragraphs.
const DOUBLE_SPACED_PERCENT: usize = 85;
/// Indentation marks paragraph starts only when some, not most, lines are
/// indented: between these shares (percent) of text lines.
const INDENT_INFORMATIVE_MIN_PERCENT: usize = 3;
const INDENT_INFORMATIVE_MAX_PERCENT: usize = 60;
/// A line indented by more than this many units (beyond the document's
/// least indentation) is indented: one stray space is not an indent.
pub(super) const INDENT_MIN_UNITS: u32 = 2;
/// A line shorter than the reference by this range of units (about 1.5 to
/// 3.5 Chinese characters) and not ending a sentence looks like a paragraph's
/// first line whose indentation the extractor dropped.
pub(super) const FIRST_LINE_SHORT_MIN_UNITS: u32 = 3;
pub(super) const FIRST_LINE_SHORT_MAX_UNITS: u32 = 7;

pub(super) struct Ctx<'a> {
    pub(super) lines: Vec<Line<'a>>,
    /// Indices into `lines` of the Text lines kept, in order.
    pub(super) text: Vec<usize>,
    /// Position of each line in `text` (for Text lines).
    pub(super) text_pos: Vec<usize>,
    /// Width, sentence end and prose look of each kept text line, by
    /// position in `text` (compact, for the window scans).
    metrics: Vec<Metric>,
    /// The region of each window of `WINDOW_LINES + 1` text lines (fewer at
    /// the end), by its first line: computed when first needed (most lines
    /// end mid-clause and need none), then looked up from either side.
    windows: Vec<Cell<Option<Region>>>,
    pub(super) blank_informative: bool,
    pub(super) indent_informative: bool,
    pub(super) base_lead: u32,
    /// Lines start at the document's margin but for a few (fewer than would
    /// make indentation informative): one set off from the margin is placed
    /// apart (a centred heading), not indented as a paragraph start.
    pub(super) offset_rare: bool,
    /// The width most of the document's prose lines are broken at (a
    /// book's measure), when one stands out; a line that reaches it (less
    /// the slack) fills the column even where too few lines around it are
    /// full to measure it locally (a short paragraph between lists and
    /// code). A Chinese line wider than it by more than a hanging mark was
    /// not set in it (a heading); wider lines with Latin letters fill it:
    /// they count more units than Chinese ones for the same length on the
    /// page.
    doc_measure: Option<u32>,
    /// The block of each kept text line (by position in `text`), an index
    /// into `block_starts`.
    block_of: Vec<u32>,
    /// The position in `text` where each block starts (and one past the
    /// last block's end).
    block_starts: Vec<u32>,
    /// Each block's own measure, taken on the right edges of its lines
    /// (indentation plus width): a narrower admonition or an indented list
    /// item wraps at its own margin, not the page's. Computed when a
    /// decision first needs it, as the windows are.
    blocks: Vec<Cell<Option<Region>>>,
}

#[derive(Clone, Copy)]
struct Metric {
    width: u32,
    terminal: bool,
    prose: bool,
    latin: bool,
}

/// Width statistics of the lines on one side of a line (itself included).
#[derive(Clone, Copy)]
pub(super) struct Region {
    pub(super) reference: u32,
    slack: u32,
    pub(super) wrapped: bool,
}

impl Region {
    /// The line fills the column to within a character: the stricter test
    /// for a line that ends a sentence, where a wrong join merges two
    /// paragraphs.
    pub(super) fn exactly_full(&self, width: u32) -> bool {
        self.wrapped
            && width + TERMINAL_SLACK_UNITS >= self.reference
            && width <= self.reference + self.slack
    }

    /// The line is shorter than the column by about an indentation (a
    /// paragraph's first line whose indentation the extractor dropped). A
    /// mark hanging in the margin at its end does not count.
    pub(super) fn first_line_like(&self, line: &Line) -> bool {
        let hanging = match line.body.chars().next_back() {
            Some(c @ ('，' | '、' | '。')) => char_units(c),
            _ => 0,
        };
        let short_by = self.reference.saturating_sub(line.width - hanging);
        (FIRST_LINE_SHORT_MIN_UNITS..=FIRST_LINE_SHORT_MAX_UNITS).contains(&short_by)
    }

    /// This (a block's) measure is set inside `column`, narrower by more
    /// than its slack, or the column is not wrapped prose.
    pub(super) fn inside(&self, column: &Region) -> bool {
        !column.wrapped || self.reference + self.slack < column.reference
    }

    /// The line fills the column but for a dropped paragraph indentation.
    pub(super) fn nearly_full(&self, width: u32) -> bool {
        self.wrapped
            && width + self.slack.max(FIRST_LINE_SHORT_MAX_UNITS) >= self.reference
            && width <= self.reference + self.slack
    }
}

impl Ctx<'_> {
    /// The regions before and after a line: measured on each side separately
    /// so that a change of column width is seen from the side that has not
    /// changed.
    pub(super) fn regions(&self, line: usize) -> [Region; 2] {
        let pos = self.text_pos[line];
        [self.before(pos), self.after(pos)]
    }

    /// The region of the line at `pos` (in `text`) and the lines before it.
    fn before(&self, pos: usize) -> Region {
        match pos.checked_sub(WINDOW_LINES) {
            Some(start) => self.window(start),
            None => region(&self.metrics[..pos + 1]),
        }
    }

    /// The region of the line at `pos` and the lines after it.
    fn after(&self, pos: usize) -> Region {
        self.window(pos)
    }

    fn window(&self, start: usize) -> Region {
        let cell = &self.windows[start];
        cell.get().unwrap_or_else(|| {
            let end = (start + WINDOW_LINES + 1).min(self.metrics.len());
            let r = region(&self.metrics[start..end]);
            cell.set(Some(r));
            r
        })
    }

    /// Whether a line nearly fills the column measured on the lines around
    /// it.
    pub(super) fn fills_local_column(&self, line: usize, width: u32) -> bool {
        let pos = self.text_pos[line];
        self.after(pos).nearly_full(width) || self.before(pos).nearly_full(width)
    }

    /// A Latin line followed by a Latin word that would not have fitted
    /// after it within the column: the line was wrapped there. Latin lines
    /// fall short of the margin by up to a word, more than the slack allows.
    pub(super) fn next_word_overflows(&self, line: usize, a: &Line, b: &Line) -> bool {
        if !a.body.ends_with(|c: char| c.is_ascii_graphic())
            || !b
                .body
                .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '(' || c == '"')
        {
            return false;
        }
        let word = b
            .body
            .split(|c: char| c.is_whitespace() || !c.is_ascii())
            .next()
            .unwrap_or("");
        let needed = a.width + 1 + word.chars().count() as u32 + LATIN_FIT_SLACK_UNITS;
        let pos = self.text_pos[line];
        [self.after(pos), self.before(pos)]
            .iter()
            .any(|r| r.wrapped && needed > r.reference && a.width <= r.reference + r.slack)
    }

    /// The measure of the block holding a line: wrapped only when enough
    /// of the block's lines reach it.
    pub(super) fn block(&self, line: usize) -> Region {
        let b = self.block_of[self.text_pos[line]] as usize;
        self.blocks[b].get().unwrap_or_else(|| {
            let (start, end) = (
                self.block_starts[b] as usize,
                self.block_starts[b + 1] as usize,
            );
            // The block's last line ends it: it says nothing of where the
            // block's lines wrap.
            let r = block_region(self.text[start..end - 1].iter().map(|&i| &self.lines[i]));
            self.blocks[b].set(Some(r));
            r
        })
    }

    /// A line's right edge (indentation plus width), which a block's
    /// measure is taken on: a hanging indent under a list marker moves the
    /// left edge of the item's lines, not the right one.
    pub(super) fn edge(&self, line: usize) -> u32 {
        let l = &self.lines[line];
        l.lead + l.width
    }

    /// The line nearly fills the measure of its own block, a measure
    /// narrower than the column around it (which `fills_column` reads).
    pub(super) fn fills_block(&self, line: usize) -> bool {
        let block = self.block(line);
        let edge = self.edge(line);
        block.nearly_full(edge)
            && (edge <= block.reference + TERMINAL_SLACK_UNITS || self.lines[line].latin)
            && self.block_inside(line)
    }

    /// The block holding a line is set inside a column: narrower than the
    /// column around it where that is wrapped prose, and than the book's
    /// measure, one of which must be known (text without a column, a web
    /// page's lines, has no narrower blocks to measure).
    pub(super) fn block_inside(&self, line: usize) -> bool {
        let block = self.block(line);
        let regions = self.regions(line);
        (self.doc_measure.is_some() || regions.iter().any(|r| r.wrapped))
            && regions.iter().all(|r| block.inside(r))
            && self
                .doc_measure
                .is_none_or(|m| block.reference + block.slack < m)
    }

    /// Whether a line nearly fills the column seen from either side (the
    /// side after it first: it holds the rest of the paragraph), or the
    /// document's measure.
    pub(super) fn fills_column(&self, line: usize, width: u32) -> bool {
        self.fills_local_column(line, width)
            || self.doc_measure.is_some_and(|m| {
                width + slack_of(m) >= m
                    && (width <= m + TERMINAL_SLACK_UNITS || self.lines[line].latin)
            })
    }
}

/// Width statistics of a window of consecutive text lines.
fn region(window: &[Metric]) -> Region {
    // The (REFERENCE_RANK + 1)-th widest line, without sorting.
    let mut top = [0u32; REFERENCE_RANK + 1];
    for m in window {
        // Insertion into the sorted top widths by exchanges, without
        // branches (the widths of a window come in no predictable order).
        let mut carry = m.width;
        for t in &mut top {
            let high = (*t).max(carry);
            carry = (*t).min(carry);
            *t = high;
        }
    }
    let reference = top[REFERENCE_RANK.min(window.len() - 1)];
    let slack = FULL_SLACK_MIN_UNITS.max(reference / FULL_SLACK_DIVISOR);
    let mut full = 0;
    let mut full_terminal = 0;
    let mut full_prose = 0;
    for m in window {
        let is_full = usize::from(m.width + slack >= reference && m.width <= reference + slack);
        full += is_full;
        full_terminal += is_full & usize::from(m.terminal);
        full_prose += is_full & usize::from(m.prose);
    }
    let wrapped = (MIN_WRAP_UNITS..=MAX_WRAP_UNITS).contains(&reference)
        && full >= MIN_WRAPPED_LINES
        && full * 100 >= MIN_WRAPPED_PERCENT * window.len()
        && full_terminal * 100 <= MAX_TERMINAL_PERCENT * full
        && full_prose * 100 >= MIN_PROSE_PERCENT * full;
    Region {
        reference,
        slack,
        wrapped,
    }
}

/// Splits the kept text lines into blocks: a block ends at a line of
/// another kind (code, a table of contents, a rule), at a blank line where
/// blank lines separate paragraphs, at a change of indentation (but for the
/// hanging indent of a list item's second line), and before a list marker
/// (but for the next item of a list).
/// Returns each line's block and where each block starts.
fn blocks(lines: &[Line], text: &[usize], blank_informative: bool) -> (Vec<u32>, Vec<u32>) {
    let mut block_of = Vec::with_capacity(text.len());
    let mut starts = Vec::new();
    let mut start_line = usize::MAX;
    for (pos, &i) in text.iter().enumerate() {
        let l = &lines[i];
        let new = match pos.checked_sub(1).map(|p| text[p]) {
            None => true,
            Some(j) => {
                let prev = &lines[j];
                let first = &lines[start_line];
                // A list item's text runs on under a hanging indent, and
                // the next item at the list's indentation stays in its
                // list: items are set to one measure.
                let hanging = prev.marker && l.lead > prev.lead;
                let sibling = first.marker && l.lead.abs_diff(first.lead) < INDENT_MIN_UNITS;
                let next_item = l.marker && sibling;
                l.marker && !sibling
                    || l.rule
                    || prev.rule
                    || lines[j + 1..i].iter().any(|m| {
                        matches!(m.kind, Kind::Toc | Kind::Pre)
                            || m.kind == Kind::Blank && blank_informative
                    })
                    || !(hanging || next_item) && l.lead.abs_diff(prev.lead) >= INDENT_MIN_UNITS
            }
        };
        if new {
            starts.push(pos as u32);
            start_line = i;
        }
        block_of.push((starts.len() - 1) as u32);
    }
    starts.push(text.len() as u32);
    (block_of, starts)
}

/// A block's measure: its second-widest right edge, wrapped prose when
/// enough of its lines reach it that read as Chinese prose and do not end
/// a sentence (lines of one width that end sentences, or hold no clause
/// punctuation, are verse, a signature, a list of names: not wraps; lines
/// with Latin letters are ragged, their width says little of a measure).
fn block_region<'a, 'b: 'a>(block: impl Iterator<Item = &'a Line<'b>> + Clone) -> Region {
    let mut top = [0u32; BLOCK_REFERENCE_RANK + 1];
    let mut n = 0;
    for l in block.clone() {
        n += 1;
        let mut carry = if l.rule { 0 } else { l.lead + l.width };
        for t in &mut top {
            let high = (*t).max(carry);
            carry = (*t).min(carry);
            *t = high;
        }
    }
    let reference = top[BLOCK_REFERENCE_RANK.min(n.max(1) - 1)];
    let slack = slack_of(reference);
    let (mut full, mut wraps) = (0, 0);
    for l in block {
        let edge = l.lead + l.width;
        if edge + slack >= reference && edge <= reference + slack {
            full += 1;
            wraps += usize::from(l.clause && !l.terminal && !l.latin);
        }
    }
    let wrapped = (MIN_WRAP_UNITS..=MAX_WRAP_UNITS).contains(&reference)
        && wraps >= BLOCK_MIN_FULL_LINES
        && full * 100 >= MIN_WRAPPED_PERCENT * n;
    Region {
        reference,
        slack,
        wrapped,
    }
}

/// How far a full line may fall short of (or run past) a measure.
fn slack_of(measure: u32) -> u32 {
    FULL_SLACK_MIN_UNITS.max(measure / FULL_SLACK_DIVISOR)
}

/// The document's measure: the width at which most of its wrapped prose
/// lines were broken, if one stands out. Measured on the lines a wrap can
/// be told from: prose lines that do not end a sentence (in a book most of
/// them are wrapped; a paragraph's last line mostly ends one), without
/// Latin letters (a proportional font fits more of them in a line than
/// their units say, so mixed lines scatter above the measure). For each
/// width, the lines at most the slack narrower are counted.
fn document_measure(metrics: &[Metric]) -> Option<u32> {
    let mut lines = 0usize;
    let mut count = [0u32; MAX_WRAP_UNITS as usize + 1];
    for m in metrics {
        if m.prose
            && !m.terminal
            && !m.latin
            && (MIN_WRAP_UNITS..=MAX_WRAP_UNITS).contains(&m.width)
        {
            lines += 1;
            count[m.width as usize] += 1;
        }
    }
    if lines < DOC_MEASURE_MIN_LINES {
        return None;
    }
    let mut best = (0u32, 0u32);
    for c in MIN_WRAP_UNITS..=MAX_WRAP_UNITS {
        let n: u32 = count[(c - slack_of(c)) as usize..=c as usize].iter().sum();
        // The first width to gather the most lines is the top of the
        // cluster: wider ones only add empty units above it.
        if n > best.0 {
            best = (n, c);
        }
    }
    let (n, measure) = (best.0 as usize, best.1);
    (n >= DOC_MEASURE_MIN_LINES && n * 100 >= DOC_MEASURE_PERCENT * lines).then_some(measure)
}

pub(super) fn analyse(lines: Vec<Line<'_>>) -> Ctx<'_> {
    let mut text = Vec::new();
    let mut text_pos = vec![usize::MAX; lines.len()];
    for (i, l) in lines.iter().enumerate() {
        if l.kind == Kind::Text {
            text_pos[i] = text.len();
            text.push(i);
        }
    }
    // Blank lines between consecutive text lines, page breaks aside.
    let (mut transitions, mut blank_transitions) = (0usize, 0usize);
    let mut prev_text = false;
    let mut blank = false;
    for l in &lines {
        match l.kind {
            Kind::Blank => blank = true,
            Kind::Text | Kind::Toc | Kind::Pre => {
                if prev_text && !l.page_break {
                    transitions += 1;
                    blank_transitions += usize::from(blank);
                }
                prev_text = l.kind == Kind::Text;
                blank = false;
            }
            Kind::PageNumber | Kind::Header => prev_text = false,
        }
    }
    let blank_informative =
        blank_transitions > 0 && blank_transitions * 100 < DOUBLE_SPACED_PERCENT * transitions;
    let base_lead = text.iter().map(|&i| lines[i].lead).min().unwrap_or(0);
    let indented = text
        .iter()
        .filter(|&&i| lines[i].lead >= base_lead + INDENT_MIN_UNITS)
        .count();
    let indent_informative = indented >= 2
        && indented * 100 >= INDENT_INFORMATIVE_MIN_PERCENT * text.len()
        && indented * 100 <= INDENT_INFORMATIVE_MAX_PERCENT * text.len();
    let offset = text.iter().filter(|&&i| lines[i].lead > base_lead).count();
    // One such line is rare in any document; more must be a small share.
    let offset_rare = !indent_informative
        && (offset == 1
            || offset > 0 && offset * 100 < INDENT_INFORMATIVE_MIN_PERCENT * text.len());
    let metrics: Vec<Metric> = text
        .iter()
        .map(|&i| {
            let l = &lines[i];
            Metric {
                // A rule under a heading is as wide as the heading, not a
                // line of the column.
                width: if l.rule { 0 } else { l.width },
                terminal: l.terminal,
                prose: l.clause
                    || l.body.bytes().filter(|&b| b == b' ').count() >= LATIN_PROSE_SPACES,
                latin: l.latin,
            }
        })
        .collect();
    let windows = vec![Cell::new(None); metrics.len()];
    let doc_measure = document_measure(&metrics);
    let (block_of, block_starts) = blocks(&lines, &text, blank_informative);
    let blocks = vec![Cell::new(None); block_starts.len() - 1];
    Ctx {
        lines,
        text,
        text_pos,
        metrics,
        windows,
        blank_informative,
        indent_informative,
        base_lead,
        offset_rare,
        doc_measure,
        block_of,
        block_starts,
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lay;

    /// `n` characters of running prose (clause punctuation every few
    /// characters), ending with a Chinese character: a line cut mid-clause.
    fn prose(n: usize, seed: usize) -> String {
        let source = "网信事业从夯基垒台到积厚成势，从发展起步到不断壮大，取得了历史性成就，发生了历史性变革，";
        let mut s: String = source.chars().cycle().skip(seed).take(n - 1).collect();
        s.push('展');
        s
    }

    /// A page of 40-character lines, then a box of narrower lines between
    /// blank lines (an admonition), then the page again.
    fn page_with_box(box_lines: &[String]) -> String {
        let mut text = String::new();
        for p in 0..2 {
            for k in 0..5 {
                text += &prose(40, p * 7 + k);
                text.push('\n');
            }
            text += "这一段到这里结束。\n\n";
            if p == 0 {
                text += "注意\n\n";
                for l in box_lines {
                    text += l;
                    text.push('\n');
                }
                text += "框里的话结束。\n\n";
            }
        }
        text
    }

    #[test]
    fn a_narrower_block_is_joined_at_its_own_measure() {
        let lines: Vec<String> = (0..3).map(|k| prose(26, k * 3)).collect();
        let text = page_with_box(&lines);
        let out = lay(&text);
        let joined = format!("{}{}{}框里的话结束。", lines[0], lines[1], lines[2]);
        assert!(out.lines().any(|l| l == joined), "{out}");
        assert!(out.contains("\n注意\n"), "{out}");
        assert_eq!(lay(&out), out);
    }

    #[test]
    fn a_sentence_ending_at_a_narrower_block_s_margin_runs_on() {
        let mut lines: Vec<String> = (0..3).map(|k| prose(26, k * 3)).collect();
        lines[1].pop();
        lines[1].push('。');
        let out = lay(&page_with_box(&lines));
        let joined = format!("{}{}{}框里的话结束。", lines[0], lines[1], lines[2]);
        assert!(out.lines().any(|l| l == joined), "{out}");
        assert_eq!(lay(&out), out);
        // Short of the box's margin by more than a character, it ends its
        // paragraph.
        lines[1] = format!("{}。", prose(22, 3));
        let out = lay(&page_with_box(&lines));
        assert!(out.lines().any(|l| l.ends_with(&lines[1])), "{out}");
    }

    #[test]
    fn a_block_is_not_measured_on_lines_that_are_not_prose_wraps() {
        // Names or titles of one width, without clause punctuation: a list.
        let names: Vec<String> = [
            "一号服务器的网络配置说明文档及其附录材料汇编",
            "二号服务器的网络配置说明文档及其附录材料汇编",
            "三号服务器的网络配置说明文档及其附录材料汇编",
        ]
        .map(String::from)
        .to_vec();
        let out = lay(&page_with_box(&names));
        for n in &names {
            assert!(out.lines().any(|l| l == n), "{out}");
        }
        // Two lines: the first is the only evidence of the box's measure,
        // too little (the last line of a block is never evidence).
        let two = [prose(26, 0)];
        let out = lay(&page_with_box(&two));
        assert!(out.lines().any(|l| l == two[0]), "{out}");
    }

    #[test]
    fn verse_ending_every_line_stays() {
        let text = "白日依山尽。\n黄河入海流。\n欲穷千里目。\n更上一层楼。\n";
        assert_eq!(lay(text), text);
    }
}

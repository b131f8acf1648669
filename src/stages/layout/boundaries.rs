//! Boundary tests of layout's thresholds: for each named constant, an input
//! that sits exactly at its limit and one a step beyond, so that moving the
//! constant by one step (the mutation check of `docs/MUTATIONS.md`) makes a
//! test fail. Each test states in a comment the counts that put its input at
//! the boundary.
//!
//! Example: a running header of 40 characters on three pages is removed,
//! one of 41 stays (`MAX_HEADER_CHARS`).
//!
//! Limits: a boundary that no input reaches (a share that no window of at
//! most 13 lines can take) has no test here; `docs/MUTATIONS.md` gives the
//! reason in its table. The inputs are built by helpers below, not read from
//! fixtures: their counts (characters, lines, pages) are the point, and a
//! helper states them where a file could not.

use super::tests::{count, lay};
use super::{LayoutEdit, layout};

/// Hanzi without punctuation, numerals or `第` (which would open a heading
/// marker), long enough that windows of it at different offsets differ.
const HANZI: &str = "网信事业从夯基垒台到积厚成势从发展起步到不断壮大取得了历史性成就发生了\
历史性变革网络安全和信息化是事关国家安全和国家发展事关广大人民群众工作生活的重大战略问题要从\
国际国内大势出发总体布局统筹各方创新发展努力把我国建设成为网络强国党的十八大以来习近平总书记\
从信息化发展大势和国际国内大局出发就网信工作提出了系列新思想新观点新论断形成了关于网络强国的\
重要思想擘画了建设网络强国的宏伟蓝图";

/// `n` Hanzi starting at an offset given by `seed` (distinct seeds below
/// the source's length give distinct lines).
fn cn(n: usize, seed: usize) -> String {
    let chars: Vec<char> = HANZI.chars().collect();
    let start = seed * 7 % chars.len();
    chars.iter().cycle().skip(start).take(n).collect()
}

/// A line of running prose `n` characters long (`2n` units): a comma in
/// the middle, ending mid-clause with a Hanzi, as a wrapped line does.
fn prose(n: usize, seed: usize) -> String {
    let s = cn(n - 1, seed);
    let (head, tail) = s.split_at(s.char_indices().nth(n / 2).map_or(s.len(), |(i, _)| i));
    format!("{head}，{tail}")
}

/// A sentence `n` characters long ending with `。` (a comma in it).
fn sentence(n: usize, seed: usize) -> String {
    let mut s = prose(n - 1, seed);
    s.push('。');
    s
}

fn joined(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

// ---------------------------------------------------------------------------
// debris.rs: page numbers and running headers
// ---------------------------------------------------------------------------

/// A title longer than any header, to cut headers of a given length from.
const TITLE: &str = "国家互联网信息办公室关于网络安全和信息化工作的年度报告暨网信事业发展情况汇编与统计资料选辑上册";

/// `pages` pages delimited by form feeds, each of `lines` sentences (all
/// different); `repeated(page)` gives the line repeated on that page and
/// where (its index among the page's lines), if any.
fn paged(
    pages: usize,
    lines: usize,
    repeated: impl Fn(usize) -> Option<(usize, String)>,
) -> String {
    let mut doc = String::new();
    for p in 0..pages {
        if p > 0 {
            doc.push('\x0c');
        }
        let mut page: Vec<String> = (0..lines).map(|k| sentence(12, p * lines + k)).collect();
        if let Some((at, line)) = repeated(p) {
            page.insert(at, line);
        }
        doc += &joined(&page);
    }
    doc
}

#[test]
fn a_header_of_forty_characters_on_every_page_is_removed_and_one_of_forty_one_stays() {
    // MAX_HEADER_CHARS = 40: three pages of four lines, each opening with
    // the same title of 40 characters (removed) or of 41 (kept).
    for (chars, removed) in [(40, 3), (41, 0)] {
        let header: String = TITLE.chars().take(chars).collect();
        assert_eq!(header.chars().count(), chars);
        let doc = paged(3, 4, |_| Some((0, header.clone())));
        let out = layout(&doc);
        assert_eq!(
            out.report.count(LayoutEdit::RunningHeaderRemoved),
            removed,
            "{chars}"
        );
        assert_eq!(out.text.contains(&header), removed == 0, "{chars}");
    }
}

#[test]
fn a_line_repeated_second_on_each_page_is_a_header_and_third_on_each_page_is_not() {
    // PAGE_EDGE_LINES = 2: three pages of eight lines; the repeated line is
    // the page's second line (index 1, at the edge) or its third (index 2,
    // with two lines above it and six below: inside the page).
    for (at, removed) in [(1, 3), (2, 0)] {
        let doc = paged(3, 8, |_| Some((at, "网信工作年度报告".to_string())));
        assert_eq!(
            count(&doc, LayoutEdit::RunningHeaderRemoved),
            removed,
            "{at}"
        );
    }
}

#[test]
fn a_header_on_three_of_ten_pages_is_removed_on_two_or_on_five_of_seventeen_it_stays() {
    // MIN_HEADER_PAGE_PERCENT = 30: 3 of 10 pages is 30 % (needed: 3);
    // 2 of 10 is 20 %; 5 of 17 is 29.4 % (needed: 30 % of 17 = 5.1, so 6).
    // Pages of three lines, the header on pages 0, 3, 6, ….
    for (pages, on, removed) in [(10, 3, 3), (10, 2, 0), (17, 5, 0)] {
        let doc = paged(pages, 3, |p| {
            (p % 3 == 0 && p / 3 < on).then(|| (0, "网信工作年度报告".to_string()))
        });
        assert_eq!(
            count(&doc, LayoutEdit::RunningHeaderRemoved),
            removed,
            "{on} of {pages}"
        );
    }
}

#[test]
fn a_page_number_of_four_digits_is_removed_and_one_of_five_stays() {
    // MAX_PAGE_NUMBER_DIGITS = 4: page 1024 of a long book; no book has
    // 10240 pages.
    for (number, removed) in [("1024", 1), ("10240", 0)] {
        let text = format!("这一页的最后一句话。\n第 {number} 页\n下一页的第一句话。\n");
        let out = layout(&text);
        assert_eq!(
            out.report.count(LayoutEdit::PageNumberRemoved),
            removed,
            "{number}"
        );
        assert_eq!(out.text.contains(number), removed == 0, "{number}");
    }
}

/// `pages` pages of `lines` sentences, each followed by its bare page
/// number (1, 2, …), without form feeds.
fn numbered_pages(pages: usize, lines: usize) -> String {
    let mut doc = String::new();
    for p in 0..pages {
        for k in 0..lines {
            doc += &sentence(12, p * lines + k);
            doc.push('\n');
        }
        doc += &format!("{}\n", p + 1);
    }
    doc
}

#[test]
fn three_increasing_bare_numbers_at_page_intervals_are_page_numbers_two_are_not() {
    // MIN_PAGE_NUMBER_RUN = 3: pages of five lines (numbers 6 lines apart),
    // three pages give a run of three (removed), two a run of two (kept).
    assert_eq!(
        count(&numbered_pages(3, 5), LayoutEdit::PageNumberRemoved),
        3
    );
    let two = numbered_pages(2, 5);
    assert_eq!(count(&two, LayoutEdit::PageNumberRemoved), 0);
    assert_eq!(lay(&two), two);
}

#[test]
fn bare_numbers_four_lines_apart_are_page_numbers_three_apart_are_a_table_column() {
    // MIN_LINES_PER_PAGE = 4: pages of three lines put their numbers 4 text
    // lines apart (removed); a table flattened one cell per line, a row
    // number and two cells, puts its row numbers 3 apart (kept). Three
    // numbers each: a run long enough either way.
    assert_eq!(
        count(&numbered_pages(3, 3), LayoutEdit::PageNumberRemoved),
        3
    );
    let table = "1\n网络安全\n合格\n2\n数据安全\n合格\n3\n个人信息保护\n合格\n";
    assert_eq!(count(table, LayoutEdit::PageNumberRemoved), 0);
    assert_eq!(lay(table), table);
}

// ---------------------------------------------------------------------------
// blocks.rs: rules, glued heading numbers, section numbers
// ---------------------------------------------------------------------------

#[test]
fn three_equals_signs_under_a_heading_are_a_rule_and_not_code() {
    // MIN_RULE_CHARS = 3: `===` (three) under a heading is a rule, a text
    // line; read as code (it holds `==`) it would make the indented line
    // after it code too, kept with its indentation.
    let text = "Installation\n===\n  Run the installer and follow the prompts.\n";
    assert_eq!(
        lay(text),
        "Installation\n===\nRun the installer and follow the prompts.\n"
    );
}

#[test]
fn three_digit_page_references_glued_to_headings_go_and_four_digit_years_stay() {
    // MAX_REFERENCE_DIGITS = 3: three headings, two in a row, each with a
    // different number of three digits (page references: removed) or of
    // four (years in report titles: kept).
    let references =
        "开放合作的大门越开越大112\n创新驱动的引擎越来越强125\n绿色发展的底色越来越亮131\n";
    let out = layout(references);
    assert_eq!(out.report.count(LayoutEdit::HeadingReferenceRemoved), 3);
    assert_eq!(
        out.text,
        "开放合作的大门越开越大\n创新驱动的引擎越来越强\n绿色发展的底色越来越亮\n"
    );
    let years = "中国互联网发展报告2019\n中国网络安全发展报告2020\n中国数字经济发展报告2021\n";
    assert_eq!(lay(years), years);
}

#[test]
fn glued_numbers_go_from_headings_of_six_characters_and_stay_on_labels_of_five() {
    // MIN_REFERENCED_HEADING_CHARS = 6: three headings of 6 characters
    // with different glued numbers lose them; three law names of 5
    // characters keep theirs (a label whose number is the content).
    let six = "数字中国建设3\n网络强国战略5\n数字经济发展8\n";
    assert_eq!(lay(six), "数字中国建设\n网络强国战略\n数字经济发展\n");
    let five = "网络安全法2\n数据安全法5\n电子商务法8\n";
    assert_eq!(lay(five), five);
}

#[test]
fn a_section_number_of_four_levels_opens_a_heading_and_one_of_five_is_a_version() {
    // MAX_SECTION_LEVELS = 4: after a short prose line that would run on
    // (a clause in a document too small to measure), `6.2.1.3` (four
    // levels) opens a heading on its own line; `1.2.3.4.5` (five) is a
    // version number, and the sentence runs on into it.
    let heading = "安装之前，请先阅读下面的说明\n6.2.1.3 配置网络接口\n";
    assert_eq!(lay(heading), heading);
    let version = "为此，请把系统中的软件包升级到\n1.2.3.4.5 或更新的版本\n";
    assert_eq!(
        lay(version),
        "为此，请把系统中的软件包升级到1.2.3.4.5 或更新的版本\n"
    );
}

// ---------------------------------------------------------------------------
// chars.rs: footnote marks
// ---------------------------------------------------------------------------

#[test]
fn a_two_digit_footnote_mark_after_a_full_stop_ends_the_sentence_three_digits_do_not() {
    // MAX_FOOTNOTE_DIGITS = 2: `。12` ends a sentence (note 12), and the
    // next line starts a paragraph; `。123` is no footnote mark, so the line
    // does not end a sentence and runs on (a clause in a document too small
    // to measure).
    let note = "他们按照规定完成了全部操作。12\n第二段从这里开始。\n";
    assert_eq!(lay(note), note);
    let number = "他们按照规定完成了全部操作。123\n第二段从这里开始。\n";
    assert_eq!(
        lay(number),
        "他们按照规定完成了全部操作。123第二段从这里开始。\n"
    );
}

// ---------------------------------------------------------------------------
// join.rs: tiny documents
// ---------------------------------------------------------------------------

#[test]
fn in_a_document_of_five_lines_a_short_clause_runs_on_in_one_of_six_it_ends() {
    // TINY_DOCUMENT_LINES = 6: a short line with a comma and no final
    // punctuation, then a sentence, then short sentences: 5 text lines in
    // all (too few to measure a width: the line runs on) or 6 (measured:
    // a short line is a paragraph's end).
    let head = "今天上午，市里召开了会议\n会议由市长主持。\n";
    let rest = [
        "各部门负责人参加。",
        "会议持续两个小时。",
        "会上通过了决定。",
        "会后发布了通知。",
    ];
    for (lines, runs_on) in [(5, true), (6, false)] {
        let text = head.to_string()
            + &joined(
                &rest[..lines - 2]
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>(),
            );
        let out = lay(&text);
        assert_eq!(
            out.starts_with("今天上午，市里召开了会议会议由市长主持。\n"),
            runs_on,
            "{out}"
        );
    }
}

// ---------------------------------------------------------------------------
// spacing.rs: datelines
// ---------------------------------------------------------------------------

#[test]
fn the_space_after_a_dateline_of_twenty_four_characters_stays_after_twenty_five_it_goes() {
    // MAX_DATELINE_CHARS = 24: an agency, a long place name and a date, 24
    // characters up to the space (a dateline: the space is content) or 25
    // (a run that long without punctuation is a sentence: the space goes).
    let long = "中国新闻网新疆维吾尔自治区乌鲁木齐12月31日电";
    let longer = "中国新闻网新疆维吾尔自治区乌鲁木齐市12月31日电";
    assert_eq!(long.chars().count(), 24);
    assert_eq!(longer.chars().count(), 25);
    let text = format!("{long} 这是新闻的正文。\n");
    assert_eq!(lay(&text), text);
    assert_eq!(
        lay(&format!("{longer} 这是新闻的正文。\n")),
        format!("{longer}这是新闻的正文。\n")
    );
}

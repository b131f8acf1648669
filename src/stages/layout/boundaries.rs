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

/// Hanzi without punctuation or `第`, whose numerals (`十八大`) are followed
/// by no `、`: no line cut from it opens a heading marker. Its length (191)
/// is prime to 7, the step between the offsets of `cn`.
const HANZI: &str = "网信事业从夯基垒台到积厚成势从发展起步到不断壮大取得了历史性成就发生了\
历史性变革网络安全和信息化是事关国家安全和国家发展事关广大人民群众工作生活的重大战略问题要从\
国际国内大势出发总体布局统筹各方创新发展努力把我国建设成为网络强国党的十八大以来习近平总书记\
从信息化发展大势和国际国内大局出发就网信工作提出了系列新思想新观点新论断形成了关于网络强国的\
重要思想擘画了建设网络强国的宏伟蓝图";

/// `n` Hanzi starting at an offset given by `seed` (distinct seeds below
/// 191 give distinct offsets, so distinct lines).
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

/// The lines, each ending with a newline.
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
            + &rest[..lines - 2]
                .iter()
                .map(|s| format!("{s}\n"))
                .collect::<String>();
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

// ---------------------------------------------------------------------------
// measure.rs: the column, the book's measure, blank lines and indentation
// ---------------------------------------------------------------------------

/// A prose line (a comma in it, ending mid-clause with a Hanzi) exactly
/// `units` wide: Hanzi, and for an odd width a three-digit number
/// (half-width digits, one unit each) in the middle.
fn prose_units(units: usize, seed: usize) -> String {
    if units.is_multiple_of(2) {
        return prose(units / 2, seed);
    }
    let mut chars: Vec<char> = prose((units - 3) / 2, seed).chars().collect();
    let at = chars.len() / 2 + 1;
    chars.splice(at..at, "120".chars());
    chars.into_iter().collect()
}

/// Display width in units, as the stage counts it.
fn units(line: &str) -> usize {
    line.chars()
        .map(|c| super::chars::char_units(c) as usize)
        .sum()
}

/// Whether `a` and `b` came out joined (`a` directly followed by `b`).
fn runs_on(out: &str, a: &str, b: &str) -> bool {
    out.contains(&format!("{a}{b}"))
}

#[test]
fn a_paragraph_whose_first_lines_give_a_window_three_full_lines_is_joined_whole() {
    // MIN_WRAPPED_LINES = 3: three one-line paragraphs, then a paragraph of
    // four full lines (40 units) and a short last one, then two one-line
    // paragraphs. The break after the third full line is decided on the
    // window before it (three short lines and three full ones: 3 of 6 full);
    // the window after it holds two full lines only. Four lines needed, that
    // break stays.
    let mut lines: Vec<String> = (0..3).map(|k| sentence(7 + k, 40 + k)).collect();
    let par: Vec<String> = (0..4).map(|k| prose(20, k * 5)).collect();
    lines.extend(par.iter().cloned());
    lines.push("得历史性成就。".to_string());
    lines.extend((0..2).map(|k| sentence(8 + k, 50 + k)));
    let out = lay(&joined(&lines));
    assert!(
        out.contains(&format!("{}得历史性成就。\n", par.concat())),
        "{out}"
    );
}

/// A column of `width`-unit prose lines, then `line`, then a short
/// sentence and two more: whether `line` runs on into that sentence.
fn overhang_runs_on(width: usize, line: &str) -> bool {
    let mut lines: Vec<String> = (0..5).map(|k| prose_units(width, k * 5)).collect();
    lines.push(line.to_string());
    lines.push("得历史性成就。".to_string());
    lines.extend((0..2).map(|k| sentence(7 + k, 50 + k)));
    runs_on(&lay(&joined(&lines)), line, "得历史性成就。")
}

#[test]
fn in_a_narrow_column_a_line_five_units_over_the_margin_is_full_six_over_is_not() {
    // FULL_SLACK_MIN_UNITS = 5: a column of 32 units (16 characters), where
    // an eighth of the width (4) is below the minimum slack of 5: a line of
    // 37 units (a number of three half-width digits in it) fills the column,
    // one of 38 overhangs it (a line that long was not set in it).
    for (width, full) in [(37, true), (38, false)] {
        let line = prose_units(width, 30);
        assert_eq!(units(&line), width);
        assert_eq!(overhang_runs_on(32, &line), full, "{width}");
    }
}

#[test]
fn in_a_wide_column_a_line_an_eighth_over_the_margin_is_full_more_is_not() {
    // FULL_SLACK_DIVISOR = 8: a column of 80 units (40 characters), slack
    // 80 / 8 = 10 units: a line of 90 units fills it, one of 91 does not
    // (a ninth would give 8, a seventh 11).
    for (width, full) in [(90, true), (91, false)] {
        let line = prose_units(width, 30);
        assert_eq!(units(&line), width);
        assert_eq!(overhang_runs_on(80, &line), full, "{width}");
    }
}

#[test]
fn a_newspaper_column_of_eight_characters_is_wrapped_prose() {
    // MIN_WRAP_UNITS = 16: lines of 8 characters (16 units, a comma in
    // each) wrapped in a narrow newspaper column are joined; at 15 units (6
    // characters and a three-digit number) or 7 characters (14 units) a
    // column is read as verse or a list, its lines kept.
    for (width, wrapped) in [(16, true), (15, false), (14, false)] {
        let lines: Vec<String> = (0..6).map(|k| prose_units(width, k * 3)).collect();
        let mut all = lines.clone();
        all.push("成就。".to_string());
        let out = lay(&joined(&all));
        assert_eq!(
            out.starts_with(&format!("{}成就。\n", lines.concat())),
            wrapped,
            "{width}: {out}"
        );
    }
}

#[test]
fn a_column_where_half_the_full_lines_end_a_sentence_is_still_wrapped() {
    // MAX_TERMINAL_PERCENT = 50: six full lines (40 units), every other
    // one ending a sentence at the margin (3 of 6: 50 %), then a short
    // last line. The first break is decided on the window after it alone
    // (the one before holds one line); at 49 % it is a list of sentences.
    // With four of six ending a sentence (67 %), it is one: the line stays.
    for (ends, wrapped) in [
        ([1, 3, 5].as_slice(), true),
        ([1, 2, 4, 5].as_slice(), false),
    ] {
        let lines: Vec<String> = (0..6)
            .map(|k| {
                if ends.contains(&k) {
                    sentence(20, k * 5)
                } else {
                    prose(20, k * 5)
                }
            })
            .chain(["这是最后一句。".to_string()])
            .collect();
        let out = lay(&joined(&lines));
        assert_eq!(runs_on(&out, &lines[0], &lines[1]), wrapped, "{out}");
    }
}

#[test]
fn a_column_where_two_of_five_full_lines_have_a_comma_is_prose() {
    // MIN_PROSE_PERCENT = 40: five full lines (40 units), two with clause
    // punctuation and three of long clauses without any (2 of 5: 40 %),
    // then a short last line; the first break is decided on the window
    // after it alone. At 41 % the column reads as a list of titles, as it
    // does with one line of five with a comma (20 %).
    for (commas, wrapped) in [([0, 3].as_slice(), true), ([3].as_slice(), false)] {
        let lines: Vec<String> = (0..5)
            .map(|k| {
                if commas.contains(&k) {
                    prose(20, k * 3)
                } else {
                    cn(20, k * 3)
                }
            })
            .chain(["这是最后一句。".to_string()])
            .collect();
        let out = lay(&joined(&lines));
        assert_eq!(runs_on(&out, &lines[0], &lines[1]), wrapped, "{out}");
    }
}

/// A book of short paragraphs: `pairs` paragraphs of two full lines (52
/// units, the measure) and a short last line, each followed by ten
/// one-line paragraphs (so that no window holds three full lines), and
/// `noise` single lines of prose not ending a sentence, at widths that
/// gather nowhere, spread among those. Returns the text and the first
/// paragraph's two lines.
fn short_paragraph_book(pairs: usize, noise: usize) -> (String, [String; 2]) {
    let noise_widths = [
        20, 26, 32, 38, 64, 72, 80, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160, 168, 176,
    ];
    let mut lines = Vec::new();
    let mut noise_left = noise;
    let mut seed = 0;
    for p in 0..pairs {
        lines.push(prose(26, seed));
        lines.push(prose(26, seed + 1));
        lines.push("这是段落的最后一句。".to_string());
        seed += 2;
        for k in 0..10 {
            if noise_left > 0 && (k % 2 == 0 || pairs - p == 1) {
                noise_left -= 1;
                lines.push(prose_units(noise_widths[noise_left], seed));
            } else {
                lines.push(sentence(6 + k % 3, seed));
            }
            seed += 1;
        }
    }
    assert_eq!(noise_left, 0);
    (joined(&lines), [prose(26, 0), prose(26, 1)])
}

#[test]
fn a_book_measure_needs_eight_prose_lines_that_reach_it() {
    // DOC_MEASURE_MIN_LINES = 8: four paragraphs of two full lines give 8
    // prose lines at the measure (all of the prose lines that do not end a
    // sentence): the measure stands, and a paragraph's first line runs on
    // although no window around it is a column. Three paragraphs and one of
    // a single full line give 7: no measure, the line stays.
    let (book, [first, second]) = short_paragraph_book(4, 0);
    assert!(runs_on(&lay(&book), &first, &second));
    let seven = book.replacen(&format!("{second}\n"), "", 1);
    assert!(!runs_on(&lay(&seven), &first, "这是段落的最后一句。"));
}

#[test]
fn a_book_measure_needs_three_tenths_of_its_prose_lines() {
    // DOC_MEASURE_PERCENT = 30: 8 prose lines at the measure among 26 (18
    // more at scattered widths): 30.8 %, the measure stands and the first
    // paragraph's first line runs on; among 27 (19 scattered): 29.6 %, no
    // measure.
    let (book, [first, second]) = short_paragraph_book(4, 18);
    assert!(runs_on(&lay(&book), &first, &second), "{}", lay(&book));
    let (book, [first, second]) = short_paragraph_book(4, 19);
    assert!(!runs_on(&lay(&book), &first, &second));
}

#[test]
fn five_latin_words_make_a_line_prose_that_runs_on_four_make_a_heading() {
    // LATIN_PROSE_SPACES = 4: a line of five words (four spaces) without
    // punctuation, then a line in lower case: a sentence running on. A
    // line of four words (three spaces) is a heading, and the paragraph
    // after it may open with a lower-case command name.
    let prose = "Redistribution and use in source\nand binary forms are permitted.\n";
    assert_eq!(
        lay(prose),
        "Redistribution and use in source and binary forms are permitted.\n"
    );
    let heading = "Installing the command line\ncanon runs on Linux and macOS.\n";
    assert_eq!(lay(heading), heading);
}

/// An English text wrapped at 70 columns: six lines of exactly 70
/// characters, then `line`, then a line opening with `Mandarin` (8
/// letters), then three more of 70.
fn latin_fit_runs_on(line: &str) -> bool {
    let words = [
        "the", "language", "is", "spoken", "by", "many", "people", "across", "regions", "of",
        "china", "and", "beyond", "with", "dialects", "that", "differ", "widely,", "in", "sound",
    ];
    let column = |seed: usize| {
        let mut s = String::new();
        let mut k = seed;
        while s.len() < 60 {
            s += words[k % words.len()];
            s.push(' ');
            k += 3;
        }
        let pad = 70 - s.len();
        s + &"wordsmithingly"[..pad]
    };
    let mut lines: Vec<String> = (0..6).map(column).collect();
    lines.push(line.to_string());
    lines.push("Mandarin is the most widely spoken of them, and the standard".to_string());
    lines.extend((6..9).map(column));
    assert!(lines[..6].iter().all(|l| l.len() == 70));
    runs_on(&lay(&joined(&lines)), line, " Mandarin")
}

#[test]
fn a_latin_line_runs_on_when_the_next_word_overflows_the_column_by_one() {
    // LATIN_FIT_SLACK_UNITS = 2: in a column of 70 characters, a line of 60
    // then `Mandarin` (8): 60 + space + 8 + slack 2 = 71 > 70, the word did
    // not fit (a wrap); after a line of 59 it would have (70): a paragraph's
    // end.
    let sixty = "spoken language takes many forms across its regions, as does";
    let fifty_nine = "spoken language takes many forms across its regions, as for";
    assert_eq!((sixty.len(), fifty_nine.len()), (60, 59));
    assert!(latin_fit_runs_on(sixty));
    assert!(!latin_fit_runs_on(fifty_nine));
}

/// `texts` lines with a blank line after the first `blank` transitions
/// (of `texts - 1`): a double-spaced file where the extractor left out a
/// few. The first line is a short clause cut mid-sentence, the rest short
/// sentences. Returns whether the first line ran on across its blank line.
fn cut_across_blank_runs_on(texts: usize, blank: usize) -> bool {
    let first = "各地积极推进社保数字化转型，不断提升";
    let mut lines = vec![first.to_string(), "社保治理效能。".to_string()];
    lines.extend((2..texts).map(|k| sentence(9 + k % 4, k * 3)));
    let mut text = String::new();
    for (k, l) in lines.iter().enumerate() {
        text += l;
        text.push('\n');
        if k < blank {
            text.push('\n');
        }
    }
    runs_on(&lay(&text), first, "社保治理效能。")
}

#[test]
fn a_file_with_blank_lines_at_seventeen_of_twenty_breaks_is_double_spaced() {
    // DOUBLE_SPACED_PERCENT = 85: 21 lines, blank lines at 17 of the 20
    // breaks (85 %): the blank lines say nothing, and a sentence cut
    // across one runs on. 20 lines with 16 of 19 (84.2 %): blank lines
    // separate paragraphs, and the cut line ends one.
    assert!(cut_across_blank_runs_on(21, 17));
    assert!(!cut_across_blank_runs_on(20, 16));
}

/// A column of 40-unit lines whose paragraphs open with an indented first
/// line (`indent`, then 36 units): one paragraph of three lines (the last
/// ending a sentence at the margin) for each entry of `singles`, followed
/// by that many indented one-line paragraphs, then `plain` unindented
/// lines; with `title`, an unindented title first. Returns the text and the first paragraph's last line and the
/// one-line paragraph after it.
fn indented_book(
    indent: &str,
    singles: &[usize],
    plain: usize,
    title: bool,
) -> (String, String, String) {
    let mut lines = Vec::new();
    if title {
        lines.push("网络强国建设".to_string());
    }
    let mut seed = 0;
    for &after in singles {
        lines.push(format!("{indent}{}", prose(18, seed)));
        lines.push(prose(20, seed + 1));
        lines.push(sentence(20, seed + 2));
        seed += 3;
        for _ in 0..after {
            lines.push(format!("{indent}{}", sentence(8, seed)));
            seed += 1;
        }
    }
    lines.extend((0..plain).map(|k| prose(20, seed + k)));
    let last = sentence(20, 2);
    let single = sentence(8, 3);
    (joined(&lines), last, single)
}

/// Whether the first paragraph's last line (a sentence ending at the
/// margin) ran on into the indented one-line paragraph after it.
fn ends_at_margin_runs_on(book: &(String, String, String)) -> bool {
    let (text, last, single) = book;
    let out = lay(text);
    assert!(out.contains(last.as_str()), "{out}");
    runs_on(&out, last, single)
}

#[test]
fn two_indented_lines_in_sixty_mark_paragraphs_in_seventy_they_do_not() {
    // INDENT_INFORMATIVE_MIN_PERCENT = 3: two indented lines (a paragraph's
    // first line and a one-line paragraph) among 60 text lines (3.3 %):
    // indentation marks paragraphs, and the sentence ending at the margin
    // before the one-line paragraph ends its own. Among 70 (2.9 %):
    // indentation says nothing, and the full line runs on (a sentence
    // ending at the margin, in a file that marks no paragraphs).
    let sixty = indented_book("\u{3000}\u{3000}", &[1], 56, false);
    assert_eq!(sixty.0.lines().count(), 60);
    assert!(!ends_at_margin_runs_on(&sixty));
    let seventy = indented_book("\u{3000}\u{3000}", &[1], 66, false);
    assert!(ends_at_margin_runs_on(&seventy));
}

#[test]
fn indentation_on_six_of_ten_lines_marks_paragraphs_on_fourteen_of_twenty_three_it_does_not() {
    // INDENT_INFORMATIVE_MAX_PERCENT = 60: two paragraphs of three lines,
    // each opening indented, and four indented one-line paragraphs: 6 of
    // 10 lines indented (60 %), indentation marks paragraphs. A title and
    // four such paragraphs with ten one-line ones: 14 of 23 (60.9 %),
    // indentation is the file's margin, not a paragraph mark.
    let ten = indented_book("\u{3000}\u{3000}", &[2, 2], 0, false);
    assert_eq!(ten.0.lines().count(), 10);
    assert!(!ends_at_margin_runs_on(&ten));
    let more = indented_book("\u{3000}\u{3000}", &[3, 3, 2, 2], 0, true);
    assert_eq!(more.0.lines().count(), 23);
    assert!(ends_at_margin_runs_on(&more));
}

#[test]
fn two_spaces_before_a_line_are_an_indent_and_one_is_not() {
    // INDENT_MIN_UNITS = 2: the ten-line book of the test above (6 of 10
    // lines indented), indented by two spaces (2 units): paragraphs marked.
    // Indented by one space, no line is indented (a stray space), and the
    // sentence at the margin runs on.
    assert!(!ends_at_margin_runs_on(&indented_book(
        "  ",
        &[2, 2],
        0,
        false
    )));
    assert!(ends_at_margin_runs_on(&indented_book(
        " ",
        &[2, 2],
        0,
        false
    )));
}

/// A column of 40-unit lines without indentation or blank lines: a
/// sentence ending at the margin, then a line `next` units wide that goes
/// on. Whether they are joined.
fn after_a_sentence_at_the_margin_runs_on(next: usize) -> bool {
    let mut lines: Vec<String> = (0..6).map(|k| prose(20, k * 4)).collect();
    let end = sentence(20, 30);
    let following = prose_units(next, 33);
    assert_eq!(units(&following), next);
    lines.push(end.clone());
    lines.push(following.clone());
    lines.extend((0..5).map(|k| prose(20, 40 + k * 4)));
    lines.push("这是最后一句。".to_string());
    runs_on(&lay(&joined(&lines)), &end, &following)
}

#[test]
fn a_line_three_to_seven_units_short_after_a_sentence_at_the_margin_starts_a_paragraph() {
    // FIRST_LINE_SHORT_MIN_UNITS = 3, FIRST_LINE_SHORT_MAX_UNITS = 7: in a
    // column of 40 units, after a sentence ending at the margin, a line of
    // 37 or of 33 units (short by 3 or 7: an indentation the extractor
    // dropped) opens a paragraph; one of 38 or 32 (short by 2, a character
    // of slack; or by 8, more than an indentation) runs on, as a line after
    // a sentence at the margin does in a file without paragraph marks.
    for (next, starts) in [(38, false), (37, true), (33, true), (32, false)] {
        assert_eq!(
            after_a_sentence_at_the_margin_runs_on(next),
            !starts,
            "{next}"
        );
    }
}

/// A page of 80-unit lines, then a box indented by 4 units: `sentences`
/// sentences reaching its margin (56 units), two wrapped lines reaching it,
/// `shorts` short sentences and a last line (which says nothing of the
/// box's measure), then the page again. Whether the first wrapped line
/// runs on into the second.
fn box_runs_on(sentences: usize, shorts: usize) -> bool {
    let page = |from: usize| {
        (from..from + 9)
            .map(|k| prose(40, k * 3))
            .collect::<Vec<_>>()
    };
    let mut lines = page(0);
    let pad = "    ";
    let wrapped = [prose(26, 60), prose(26, 61)];
    for k in 0..sentences {
        lines.push(format!("{pad}{}", sentence(26, 120 + k * 2)));
    }
    for w in &wrapped {
        lines.push(format!("{pad}{w}"));
    }
    for k in 0..shorts {
        lines.push(format!("{pad}{}", sentence(8, 70 + k)));
    }
    lines.push(format!("{pad}这是框里的最后一句。"));
    lines.extend(page(30));
    let out = lay(&joined(&lines));
    assert!(out.contains(&wrapped[1]), "{out}");
    runs_on(&out, &wrapped[0], &wrapped[1])
}

#[test]
fn a_box_where_five_of_fourteen_lines_reach_its_margin_is_measured() {
    // MIN_WRAPPED_PERCENT = 35, in a block (a window holds at most 13
    // lines, and no share of 13 or fewer lies in [34 %, 36 %), so only a
    // block shows this step): a box of 15 lines whose 14 measured ones
    // have 5 at its margin (three sentences and two wrapped lines) and 9
    // short sentences: 5 of 14 is 35.7 %, the first wrapped line runs on
    // at the box's measure (at 36 % the box is not measured). A box of 24
    // lines with 8 of 23 at its margin (six sentences, two wrapped lines,
    // 15 short ones): 34.8 %, not measured, the line stays. Around that
    // line no window of the page is a column it fills (too few full lines,
    // or the page's 80 units).
    assert!(box_runs_on(3, 9));
    assert!(!box_runs_on(6, 15));
}

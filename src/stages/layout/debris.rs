//! Page debris: page numbers and running headers or footers that the
//! extractor left inside the text. Lines are marked, not removed: the stage
//! entry drops and counts them, and takes the gap they leave for a page
//! break, across which a paragraph cut by the page joins back (join.rs).
//! Form feeds are cut out earlier, when the text is split into lines
//! (classify.rs); they are this part's best evidence of a page edge.
//!
//! Example: `网络生态持，\n- 12 -\n续向好。\n` → `网络生态持，续向好。\n`
//! (a decorated page number goes wherever it stands), while
//! `年份\n2019\n2020\n2021\n` stays as it is (bare numbers with no page
//! evidence: a column of a table).
//!
//! Limits: a bare number is a page number only in the two edge lines of a
//! page that form feeds delimit, or in a run of at least three increasing
//! numbers at least four lines apart; Roman numerals only when decorated
//! (`- iv -`); a header or footer must stand in the two edge lines of at
//! least two pages and 30 % of them, so a document of one page keeps its
//! header; a repeated line away from the page edges (a doubled title) is
//! left for dedup.

use std::borrow::Cow;
use std::collections::HashMap;

use super::chars::{strip_prefix_any, take_while_str};
use super::classify::{Kind, Line};

/// Running headers and footers are short: a title, a chapter name.
pub(super) const MAX_HEADER_CHARS: usize = 40;
/// How many text lines at each edge of a page may be a header or footer.
const PAGE_EDGE_LINES: usize = 2;
/// A header must recur on at least this many pages…
const MIN_HEADER_PAGES: usize = 2;
/// …and on at least this share (percent) of pages (odd and even pages often
/// carry different headers).
const MIN_HEADER_PAGE_PERCENT: usize = 30;
/// Page numbers have at most four digits.
pub(super) const MAX_PAGE_NUMBER_DIGITS: usize = 4;
/// Bare numbers without a form feed are page numbers only as a run of at
/// least this many increasing values…
const MIN_PAGE_NUMBER_RUN: usize = 3;
/// …at least this many text lines apart (table cells are adjacent).
const MIN_LINES_PER_PAGE: usize = 4;
/// Candidates compared backwards when chaining bare page numbers (bounds the
/// work on number-heavy documents).
const PAGE_NUMBER_LOOKBACK: usize = 64;

enum PageNumber {
    /// A bare number: a page number only with evidence of a page edge.
    Bare(u32),
    /// `- 12 -`, `第 12 页`, `12 / 223`, `Page 12 of 223`: always one.
    Decorated,
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_PAGE_NUMBER_DIGITS && s.bytes().all(|b| b.is_ascii_digit())
}

fn page_number(body: &str) -> Option<PageNumber> {
    if body.len() > 40
        || !body.starts_with(|c: char| c.is_ascii_digit() || "-–—－~·•=﹣第共Pp".contains(c))
    {
        return None;
    }
    if all_digits(body) {
        return body.parse().ok().map(PageNumber::Bare);
    }
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let s = compact.as_str();
    let lower = s.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("page") {
        let (n, rest) = take_while_str(rest, |c| c.is_ascii_digit());
        if all_digits(n) && (rest.is_empty() || rest.strip_prefix("of").is_some_and(all_digits)) {
            return Some(PageNumber::Decorated);
        }
    }
    if let Some((a, b)) = s.split_once(['/', '／'])
        && all_digits(a)
        && all_digits(b)
    {
        return Some(PageNumber::Decorated);
    }
    // 第 12 页, 共 30 页 第 12 页, 第 12 页 / 共 30 页
    let pieces: Vec<&str> = s
        .split(['页', '/', '／', ',', '，', '、'])
        .filter(|p| !p.is_empty())
        .collect();
    if s.contains('页')
        && !pieces.is_empty()
        && pieces.len() <= 2
        && pieces
            .iter()
            .all(|p| strip_prefix_any(p, &["第", "共"]).is_some_and(all_digits))
        && pieces.iter().any(|p| p.starts_with('第'))
    {
        return Some(PageNumber::Decorated);
    }
    let dashes = ['-', '–', '—', '－', '~', '·', '•', '=', '﹣'];
    let inner = s.trim_start_matches(dashes);
    if inner.len() < s.len() {
        let middle = inner.trim_end_matches(dashes);
        if middle.len() < inner.len()
            && (all_digits(middle)
                || (!middle.is_empty()
                    && middle.len() <= 6
                    && middle.chars().all(|c| "ivxlIVXL".contains(c))))
        {
            return Some(PageNumber::Decorated);
        }
    }
    None
}

/// Marks page numbers and running headers as debris.
pub(super) fn mark_page_debris(lines: &mut [Line]) {
    let has_form_feeds = lines.iter().any(|l| l.page_break);
    // Text lines in order, for page-edge positions.
    let text: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].kind == Kind::Text)
        .collect();
    let mut bare: Vec<(usize, u32)> = Vec::new();
    for (pos, &i) in text.iter().enumerate() {
        match page_number(lines[i].body) {
            Some(PageNumber::Decorated) => lines[i].kind = Kind::PageNumber,
            Some(PageNumber::Bare(v)) => bare.push((pos, v)),
            None => {}
        }
    }
    if has_form_feeds {
        // A bare number within the edge lines of a page.
        let mut page_of = Vec::with_capacity(text.len());
        let mut page = 0usize;
        for &i in &text {
            if lines[i].page_break {
                page += 1;
            }
            page_of.push(page);
        }
        // Also a page break preceded only by blank lines counts for the
        // next text line: propagate flags from blank lines.
        let mut pending = false;
        let mut starts = vec![false; lines.len()];
        for (i, l) in lines.iter().enumerate() {
            if l.page_break {
                pending = true;
            }
            if l.kind != Kind::Blank && pending {
                starts[i] = true;
                pending = false;
            }
        }
        let mut page = 0usize;
        for (pos, &i) in text.iter().enumerate() {
            if starts[i] && pos > 0 {
                page += 1;
            }
            page_of[pos] = page;
        }
        for &(pos, _) in &bare {
            let p = page_of[pos];
            let before = (0..pos).rev().take_while(|&q| page_of[q] == p).count();
            let after = (pos + 1..text.len())
                .take_while(|&q| page_of[q] == p)
                .count();
            if before < PAGE_EDGE_LINES || after < PAGE_EDGE_LINES {
                lines[text[pos]].kind = Kind::PageNumber;
            }
        }
    }
    // A run of increasing bare numbers at page-like intervals.
    let mut run_len = vec![1usize; bare.len()];
    let mut prev = vec![usize::MAX; bare.len()];
    for k in 0..bare.len() {
        for j in (k.saturating_sub(PAGE_NUMBER_LOOKBACK)..k).rev() {
            let step = bare[k].1.wrapping_sub(bare[j].1);
            if (1..=2).contains(&step)
                && bare[k].0 - bare[j].0 >= MIN_LINES_PER_PAGE
                && run_len[j] + 1 > run_len[k]
            {
                run_len[k] = run_len[j] + 1;
                prev[k] = j;
            }
        }
    }
    if let Some((mut k, &len)) = run_len
        .iter()
        .enumerate()
        .max_by_key(|&(k, &l)| (l, usize::MAX - k))
        && len >= MIN_PAGE_NUMBER_RUN
    {
        loop {
            lines[text[bare[k].0]].kind = Kind::PageNumber;
            if prev[k] == usize::MAX {
                break;
            }
            k = prev[k];
        }
    }
    mark_running_headers(lines);
}

/// The line with whitespace removed and digits made `#`: page numbers in
/// a header do not make it a different header.
fn header_key(body: &str) -> Cow<'_, str> {
    if !body.contains(|c: char| c.is_whitespace() || c.is_ascii_digit()) {
        return Cow::Borrowed(body);
    }
    body.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// Removes short lines recurring at the edges of pages (pages are delimited
/// by form feeds and page-number lines).
fn mark_running_headers(lines: &mut [Line]) {
    // Pages: runs of text lines between boundaries.
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    let mut pending_break = false;
    for (i, l) in lines.iter().enumerate() {
        if l.page_break {
            pending_break = true;
        }
        match l.kind {
            Kind::PageNumber => {
                pending_break = true;
            }
            Kind::Text => {
                if pending_break && !pages.last().unwrap().is_empty() {
                    pages.push(Vec::new());
                }
                pending_break = false;
                pages.last_mut().unwrap().push(i);
            }
            _ => {}
        }
    }
    if pages.len() < MIN_HEADER_PAGES {
        return;
    }
    let mut seen: HashMap<Cow<str>, Vec<(usize, usize)>> = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        let n = page.len();
        for (k, &i) in page.iter().enumerate() {
            if k >= PAGE_EDGE_LINES && k + PAGE_EDGE_LINES < n {
                continue;
            }
            if lines[i].body.chars().count() > MAX_HEADER_CHARS {
                continue;
            }
            seen.entry(header_key(lines[i].body))
                .or_default()
                .push((p, i));
        }
    }
    let needed = MIN_HEADER_PAGES.max((pages.len() * MIN_HEADER_PAGE_PERCENT).div_ceil(100));
    for hits in seen.values() {
        let mut distinct: Vec<usize> = hits.iter().map(|&(p, _)| p).collect();
        distinct.dedup();
        if distinct.len() >= needed {
            for &(_, i) in hits {
                lines[i].kind = Kind::Header;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lay;
    use super::super::{LayoutEdit, layout};

    #[test]
    fn decorated_page_numbers_are_removed_anywhere() {
        for number in [
            "- 12 -",
            "— 12 —",
            "第 12 页",
            "12 / 223",
            "Page 12 of 223",
            "－12－",
        ] {
            let text = format!("网络生态持，\n{number}\n续向好。\n");
            let out = layout(&text);
            assert_eq!(out.text, "网络生态持，续向好。\n", "{number}");
            assert_eq!(
                out.report.count(LayoutEdit::PageNumberRemoved),
                1,
                "{number}"
            );
        }
    }

    #[test]
    fn bare_numbers_need_page_evidence() {
        // A column of numbers in a table stays.
        let table = "年份\n2019\n2020\n2021\n";
        assert_eq!(lay(table), table);
        // Next to a form feed, a bare number is a page number.
        let text = "第一页的内容，没有写完的\n3\n\x0c第二页接着写完。\n";
        assert_eq!(lay(text), "第一页的内容，没有写完的第二页接着写完。\n");
        // A run of increasing numbers at page intervals.
        let mut doc = String::new();
        for page in 1..=4 {
            for k in 0..5 {
                doc.push_str(&format!("第{page}页第{k}句话。\n"));
            }
            doc.push_str(&format!("{page}\n"));
        }
        let out = layout(&doc);
        assert_eq!(out.report.count(LayoutEdit::PageNumberRemoved), 4);
        assert!(
            !out.text
                .lines()
                .any(|l| l.chars().all(|c| c.is_ascii_digit()))
        );
    }

    #[test]
    fn running_headers_and_page_breaks() {
        let mut doc = String::new();
        let body = [
            "网络安全和信息化是事关国家安全和国家发展、事关广大人",
            "民群众工作生活的重大战略问题，要从国际国内大势出发，",
            "总体布局，统筹各方，创新发展，努力把我国建设成为网络",
            "强国。党的十八大以来，习近平总书记从信息化发展大势和",
            "国际国内大局出发，就网信工作提出了一系列新思想新观点",
            "新论断，形成了习近平总书记关于网络强国的重要思想，擘",
            "画了建设网络强国的宏伟蓝图。在习近平新时代中国特色社",
            "会主义思想特别是习近平总书记关于网络强国的重要思想指",
            "引下，党对网信工作的全面领导不断加强，我国网信事业取",
        ];
        for (page, lines) in body.chunks(3).enumerate() {
            if page > 0 {
                doc.push('\x0c');
            }
            doc.push_str("网信工作年度报告\n");
            for l in lines {
                doc.push_str(l);
                doc.push('\n');
            }
            doc.push_str(&format!("- {} -\n", page + 1));
        }
        doc.push_str("得历史性成就。\n");
        let out = layout(&doc);
        assert_eq!(out.text, format!("{}得历史性成就。\n", body.concat()));
        assert_eq!(out.report.count(LayoutEdit::RunningHeaderRemoved), 3);
        assert_eq!(out.report.count(LayoutEdit::PageNumberRemoved), 3);
        assert_eq!(out.report.count(LayoutEdit::FormFeedRemoved), 2);
    }
}

//! Blocks that keep their lines: what makes a line a heading, a list item,
//! a rule, a table-of-contents entry or code. These checks run when lines
//! are classified (classify.rs); what follows from them is decided in
//! join.rs (`continues`: a line opening with a marker, a rule, or a
//! heading whose glued number was cut never continues a paragraph), and the
//! stage entry copies code lines byte for byte. Headings printed with a
//! section number glued to their end are recognised here too, as a set.
//!
//! Example: `一、总体要求\n（一）指导思想\n1. 加强网络安全\n• 第一项\n` stays as
//! it is, one line each; `开放合作的大门越开越大2\n创新驱动的引擎越来越强3\n`
//! `绿色发展的底色越来越亮1\n` → the same three headings without their
//! numbers.
//!
//! Limits: markers are a fixed list (bullets, `1.`, `1、`, `(1)`, `（一）`,
//! `一、`, `第三章`, `——`, `①`, `#`, `(a)`, `IV.`), so a list numbered
//! otherwise reads as prose; code is recognised line by line from its
//! first word, its operators and the line before, so a line of prose that
//! reads as an assignment is kept as code, and code without such a mark is
//! joined as prose; glued heading numbers are seen only as a set of three
//! or more different ones.

use crate::stages::StageReport;

use super::chars::{is_cjk, is_hanzi, strip_prefix_any, take_while_str};
use super::debris::{MAX_HEADER_CHARS, MAX_PAGE_NUMBER_DIGITS};
use super::measure::Ctx;
use super::{LayoutEdit, note};

/// Lines made of one symbol repeated at least this many times are rules or
/// box edges (`*****`, `-----`), not text.
const MIN_RULE_CHARS: usize = 3;

/// Section numbers and page references glued to a heading have at most
/// three digits (a year glued to a title has four).
const MAX_REFERENCE_DIGITS: usize = 3;
/// Headings with glued numbers are recognised as a set: at least this many,
/// each number different (two lines ending in digits can be chance).
const MIN_REFERENCED_HEADINGS: usize = 3;
/// A heading left without its number still says something: at least this
/// many characters (`附件1`, `图2` are labels whose number is the content).
const MIN_REFERENCED_HEADING_CHARS: usize = 6;

/// Chinese numerals that number headings and list items.
pub(super) fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '零'
            | '〇'
            | '两'
    )
}

/// Whether `body` starts with a list marker or a heading number: bullets,
/// `1.`, `1、`, `(1)`, `（一）`, `一、`, `第三章`, `——`, `①`, `#`.
pub(super) fn starts_with_marker(body: &str) -> bool {
    let mut chars = body.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let second = chars.next();
    match first {
        '•' | '●' | '○' | '■' | '□' | '◆' | '◇' | '▪' | '▫' | '►' | '▶' | '➢' | '✓' | '✔' | '※'
        | '◎' | '★' | '☆' | '【' => return true,
        '\u{2460}'..='\u{249B}' | '\u{2776}'..='\u{2793}' => return true,
        // `–` and `∗` are LaTeX's second- and third-level bullets.
        '-' | '*' | '+' | '·' | '>' | '–' | '∗' => {
            return second.is_some_and(char::is_whitespace);
        }
        '#' => return matches!(second, Some(' ' | '#')),
        // `——举旗帜聚民心`; a dash pair alone is the end of the line before,
        // moved down whole, not a marker without an item.
        '—' => return second == Some('—') && chars.next().is_some(),
        '─' => return second == Some('─'),
        _ => {}
    }
    // Every marker below starts with a digit, a letter, a numeral, a
    // bracket or `第`: most lines are decided here.
    if !(first.is_ascii_alphanumeric()
        || is_cn_numeral(first)
        || matches!(first, '(' | '（' | '第'))
    {
        return false;
    }
    // 1. 1、 1) 1） 1．
    let (digits, rest) = take_while_str(body, |c| c.is_ascii_digit());
    if (1..=3).contains(&digits.len()) {
        let mut r = rest.chars();
        return match r.next() {
            Some('.' | '．' | '、' | ')' | '）') => {
                !r.next().is_some_and(|c| c.is_ascii_digit() || c == '%')
            }
            _ => false,
        };
    }
    // 一、 十二、
    let (numerals, rest) = take_while_str(body, is_cn_numeral);
    if (1..=3).contains(&numerals.chars().count())
        && (rest.starts_with('、') || rest.starts_with('．'))
    {
        return true;
    }
    // (1) （一）
    if let Some(inner) = strip_prefix_any(body, &["(", "（"]) {
        let (n, rest) = take_while_str(inner, |c| c.is_ascii_digit() || is_cn_numeral(c));
        if (1..=3).contains(&n.chars().count()) && (rest.starts_with(')') || rest.starts_with('）'))
        {
            return true;
        }
    }
    // 第三章 第12条 第一部分
    if let Some(inner) = body.strip_prefix('第') {
        let (n, rest) = take_while_str(inner, |c| c.is_ascii_digit() || is_cn_numeral(c));
        if (1..=4).contains(&n.chars().count())
            && rest.starts_with([
                '章', '节', '条', '篇', '部', '编', '卷', '回', '讲', '课', '款',
            ])
        {
            return true;
        }
    }
    // (a) (iv)
    if let Some(inner) = body.strip_prefix('(') {
        let (letters, rest) = take_while_str(inner, |c| c.is_ascii_alphabetic());
        if rest.starts_with(") ")
            && (letters.len() == 1
                || (2..=4).contains(&letters.len()) && letters.chars().all(|c| "ivx".contains(c)))
        {
            return true;
        }
    }
    // a) A. IV.
    let (letters, rest) = take_while_str(body, |c| c.is_ascii_alphabetic());
    if letters.len() == 1 && (rest.starts_with(") ") || rest.starts_with(". ")) {
        return true;
    }
    if !letters.is_empty()
        && letters.len() <= 4
        && letters.chars().all(|c| "IVX".contains(c))
        && rest.starts_with(". ")
    {
        return true;
    }
    false
}

/// Levels of a decimal section number (`6.2.1`): books number sections
/// two to four levels deep; more is a version or an address.
const MAX_SECTION_LEVELS: usize = 4;

/// Whether `body` opens with a decimal section number of two or more
/// levels followed by a space and a title (`14.3 使用 ldapvi`, `6.2.1 amd64
/// 或 i386`), or is one alone (an extractor sets the number of a heading
/// apart from its title when a gap separates them on the page). A decimal number also opens wrapped prose (`3.5 亿元`), so
/// classify.rs takes this for a heading number only on a line without
/// clause punctuation.
pub(super) fn starts_with_section_number(body: &str) -> bool {
    let (number, title) = body.split_once(' ').unwrap_or((body, ""));
    let levels = number.split('.').count();
    (2..=MAX_SECTION_LEVELS).contains(&levels)
        && number
            .split('.')
            .all(|l| (1..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_digit()))
        && (title.is_empty() && !body.contains(' ')
            || title.starts_with(|c: char| !c.is_ascii_digit() && !c.is_whitespace())
                && !title.starts_with(is_unit_after_number))
}

/// Characters that follow a number as its unit or magnitude, not a title
/// (`3.5 亿元`, `1.2 万人`, `2.5 %`).
fn is_unit_after_number(c: char) -> bool {
    matches!(
        c,
        '亿' | '万'
            | '千'
            | '百'
            | '%'
            | '％'
            | '倍'
            | '元'
            | '米'
            | '吨'
            | '个'
            | '年'
            | '月'
            | '日'
    )
}

/// Whether a marked line is a heading number (`一、`, `（一）`, `第三章`, `#`,
/// `——`, `【`) rather than a list item (`1.`, `•`, `第五条`), whose text runs
/// on like prose.
pub(super) fn starts_with_heading_marker(body: &str) -> bool {
    if body.starts_with(['#', '【']) || body.starts_with("——") || starts_with_section_number(body)
    {
        return true;
    }
    let (numerals, rest) = take_while_str(body, is_cn_numeral);
    if !numerals.is_empty() && rest.starts_with(['、', '．']) {
        return true;
    }
    if let Some(inner) = strip_prefix_any(body, &["(", "（"]) {
        let (n, _) = take_while_str(inner, is_cn_numeral);
        if !n.is_empty() {
            return true;
        }
    }
    body.strip_prefix('第').is_some_and(|inner| {
        let (n, rest) = take_while_str(inner, |c| c.is_ascii_digit() || is_cn_numeral(c));
        !n.is_empty() && !rest.starts_with(['条', '款'])
    })
}

/// A table-of-contents entry: text, then a tab, two spaces or a leader, then
/// a page number at the end.
pub(super) fn is_toc(raw: &str, body: &str) -> bool {
    let trimmed = body.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = body.len() - trimmed.len();
    if digits == 0 || digits > MAX_PAGE_NUMBER_DIGITS || trimmed.is_empty() {
        return false;
    }
    let before = trimmed.trim_end_matches([' ', '\t', '\u{3000}']);
    let gap = &trimmed[before.len()..];
    if before.is_empty() {
        return false;
    }
    if gap.contains('\t') || gap.contains("  ") || gap.contains('\u{3000}') {
        return raw.contains(before) && before.chars().any(|c| !c.is_ascii_digit());
    }
    let leaders = before.trim_end_matches(['.', '…', '·', '‥', '_', '-', '－', '⋯', ' ']);
    leaders.len() + 6 <= before.len() && !leaders.is_empty()
}

/// Words that start a shell command and are not English words.
const COMMANDS: &[&str] = &[
    "sudo",
    "apt",
    "apt-get",
    "yum",
    "dnf",
    "brew",
    "pip",
    "pip3",
    "conda",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "cargo",
    "rustc",
    "rustup",
    "git",
    "docker",
    "kubectl",
    "python",
    "python3",
    "javac",
    "gcc",
    "g++",
    "cmake",
    "mkdir",
    "chmod",
    "chown",
    "ls",
    "cd",
    "cp",
    "mv",
    "rm",
    "grep",
    "sed",
    "awk",
    "curl",
    "wget",
    "unzip",
    "ssh",
    "scp",
    "systemctl",
    "pdftotext",
    "ffmpeg",
];

/// Line starts that only code has.
const CODE_STARTS: &[&str] = &[
    "def ",
    "class ",
    "fn ",
    "pub ",
    "let ",
    "const ",
    "var ",
    "function ",
    "#include",
    "#define",
    "#!",
    "package ",
    "public ",
    "private ",
    "protected ",
    "elif ",
    "else:",
    "try:",
    "except",
    "print(",
    "console.",
    "//",
    "/*",
    "*/",
    "<?",
    "</",
    ">>> ",
    "$ ",
    "```",
    "~~~",
    "@",
    "impl ",
    "use ",
    "struct ",
    "enum ",
    "return ",
    "SELECT ",
    "import ",
];

/// Code, shell commands and markup tables: kept exactly, never joined.
pub(super) fn is_code(raw: &str, body: &str, prev_pre: bool) -> bool {
    if body.starts_with(|c: char| is_cjk(c) || c == '“') {
        // Code never starts with Chinese.
        return false;
    }
    if body.starts_with('|') && body.ends_with('|') && body.len() > 1 {
        return true;
    }
    // Chinese is allowed only in a trailing comment (after ` #` or `//`): a
    // line whose first Chinese character comes before any comment mark is
    // prose. Only that prefix is searched for the marks.
    if let Some(first_hanzi) = body.find(is_hanzi) {
        let before = &body.as_bytes()[..first_hanzi];
        if !before.windows(2).any(|w| w == b" #" || w == b"//") {
            return false;
        }
    }
    let code_part = match (body.find(" #"), body.find("//")) {
        (Some(a), Some(b)) => &body[..a.min(b)],
        (Some(a), None) | (None, Some(a)) => &body[..a],
        (None, None) => body,
    };
    if prev_pre && (raw.starts_with([' ', '\t']) || matches!(body, "}" | "};" | ")" | "]" | "end"))
    {
        return true;
    }
    if body.ends_with('.') && !body.ends_with("..") {
        // Sentences end with a full stop; code rarely does.
        return false;
    }
    if CODE_STARTS.iter().any(|p| body.starts_with(p)) {
        return body != "//" && !(body.starts_with("import ") && body.contains(", the"));
    }
    let first = body.split_whitespace().next().unwrap_or("");
    if body.len() > first.len() && (COMMANDS.contains(&first) || first.starts_with("./")) {
        return true;
    }
    // `name = value`, `obj.attr[0] = f(x)`
    let (name, rest) = take_while_str(body, |c| c.is_ascii_alphanumeric() || "_.[]".contains(c));
    let rest = rest.trim_start();
    if !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && rest.starts_with('=')
        && !rest.starts_with("==")
    {
        return true;
    }
    let last = body.chars().last().unwrap_or(' ');
    if matches!(last, '{' | '}' | ';')
        && body.contains(['(', '=', '{', '}'])
        && !body.contains("; ")
    {
        return true;
    }
    [
        "=>", "->", "::", "&&", "||", "!=", "==", "+=", "();", "){", ") {",
    ]
    .iter()
    .any(|t| code_part.contains(t))
        && !code_part.contains(". ")
}

impl Ctx<'_> {
    /// Headings printed with a section number or a page reference glued to
    /// their end (`没有网络安全就没有国家安全3`, from a newspaper page that
    /// lists its sections): lines that are not wrapped prose, end in a small
    /// number right after a Chinese character, and hold no sentence's end.
    /// They are taken for headings only as a set: at least
    /// `MIN_REFERENCED_HEADINGS` with different numbers and different texts,
    /// two of them in a row (a list of headings). The number goes and the
    /// heading stands on its own line.
    pub(super) fn mark_heading_references(&mut self, report: &mut StageReport<LayoutEdit>) {
        let mut found: Vec<(usize, usize, u32)> = Vec::new();
        for pos in 0..self.text.len() {
            let i = self.text[pos];
            let l = &self.lines[i];
            if l.terminal || l.sentence_inside || l.marker {
                continue;
            }
            let stem = l.body.trim_end_matches(|c: char| c.is_ascii_digit());
            let digits = l.body.len() - stem.len();
            if !(1..=MAX_REFERENCE_DIGITS).contains(&digits)
                || l.body[stem.len()..].starts_with('0')
                || !stem.chars().next_back().is_some_and(is_hanzi)
                || !(MIN_REFERENCED_HEADING_CHARS..=MAX_HEADER_CHARS)
                    .contains(&stem.chars().count())
                // Measured locally: a list of headings can be as wide as the
                // book's measure.
                || self.fills_local_column(i, l.width)
            {
                continue;
            }
            let number = l.body[stem.len()..].parse().unwrap_or(0);
            found.push((pos, digits, number));
        }
        if found.len() < MIN_REFERENCED_HEADINGS || !found.windows(2).any(|w| w[1].0 == w[0].0 + 1)
        {
            return;
        }
        let mut numbers: Vec<u32> = found.iter().map(|f| f.2).collect();
        numbers.sort_unstable();
        numbers.dedup();
        let mut stems: Vec<&str> = found
            .iter()
            .map(|&(pos, digits, _)| {
                let body = self.lines[self.text[pos]].body;
                &body[..body.len() - digits]
            })
            .collect();
        stems.sort_unstable();
        stems.dedup();
        if numbers.len() < found.len() || stems.len() < found.len() {
            return;
        }
        for (pos, digits, _) in found {
            let l = &mut self.lines[self.text[pos]];
            let body = l.body;
            l.body = &body[..body.len() - digits];
            l.reference = true;
            note(report, LayoutEdit::HeadingReferenceRemoved, l.no, || {
                (body.to_string(), l.body.to_string())
            });
        }
    }
}

/// A line of one symbol repeated (`*****`, `-----`, `=====`): a rule or the
/// edge of a box, which stands alone.
pub(super) fn is_rule(body: &str) -> bool {
    let mut chars = body.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_punctuation()
        || matches!(
            first,
            '\u{2500}'..='\u{257F}' | '—' | '…' | '·' | '－' | '＝' | '＊'
        ))
        && chars.clone().all(|c| c == first)
        && chars.count() + 1 >= MIN_RULE_CHARS
}

#[cfg(test)]
mod tests {
    use super::super::layout;
    use super::super::tests::lay;
    use super::*;

    #[test]
    fn headings_and_list_items_keep_their_lines() {
        let text =
            "一、总体要求\n（一）指导思想\n1. 加强网络安全\n• 第一项\n——举旗帜聚民心\n第三章附则\n";
        assert_eq!(lay(text), text);
    }

    #[test]
    fn numbers_glued_to_a_list_of_headings_go() {
        let text = "一篇报道的正文写到这里就结束了。\n\n开放合作的大门越开越大2\n创新驱动的引擎越来越强3\n绿色发展的底色越来越亮1\n";
        let out = layout(text);
        assert_eq!(
            out.text,
            "一篇报道的正文写到这里就结束了。\n开放合作的大门越开越大\n创新驱动的引擎越来越强\n绿色发展的底色越来越亮\n"
        );
        assert_eq!(out.report.count(LayoutEdit::HeadingReferenceRemoved), 3);
        assert_eq!(lay(&out.text), out.text);
    }

    #[test]
    fn numbers_at_line_ends_without_heading_evidence_stay() {
        // Labels whose number is the content.
        let labels = "附件1\n附件2\n附件3\n";
        assert_eq!(lay(labels), labels);
        // The same number twice: not a set of section numbers.
        let same = "开放合作的大门越开越大2\n创新驱动的引擎越来越强2\n绿色发展的底色越来越亮1\n";
        assert_eq!(lay(same), same);
        // Only two candidates.
        let two = "开放合作的大门越开越大2\n创新驱动的引擎越来越强3\n";
        assert_eq!(lay(two), two);
    }

    /// A dash pair moved down whole to a line of its own ends the line
    /// before it; with an item after it, it is a list marker.
    #[test]
    fn a_dash_pair_alone_is_no_list_marker() {
        assert!(!starts_with_marker("——"));
        assert!(starts_with_marker("——举旗帜聚民心"));
        let lines = [
            "网络安全和信息化是事关国家安全和国家发展、事关广大人",
            "民群众工作生活的重大战略问题，要从国际国内大势出发，",
            "总体布局，统筹各方，创新发展，努力把我国建设成为网络",
            "强国。党的十八大以来，数字经济、互联网经济走进每个乡村",
            "——",
            "重庆市渝北区大盛镇青龙村地处丘陵地区，没有耕作优势，",
            "一度成为“空心村”。信息化、数字化的浪潮让这里呈现出",
            "新气象。",
        ];
        let out = lay(&(lines.join("\n") + "\n"));
        assert_eq!(
            out,
            format!("{}\n{}\n", lines[..5].concat(), lines[5..].concat())
        );
        assert_eq!(lay(&out), out);
    }

    #[test]
    fn code_is_kept_byte_for_byte() {
        let text = "安装方法如下：\n$ pip install  canon\nfn main() {\n    let x  = 1;\n}\n";
        assert_eq!(lay(text), text);
        let fenced = "示例：\n```\nsome   text\n  indented\n```\n结束。\n";
        assert_eq!(lay(fenced), fenced);
    }

    #[test]
    fn table_of_contents_entries_keep_their_lines() {
        assert_eq!(
            lay(
                "目 录\n材料 1 习近平总书记为网络强国建设提出新的使命任务\t1\n材料 2 向着网络强国阔步迈进\t6\n"
            ),
            "目录\n材料 1 习近平总书记为网络强国建设提出新的使命任务 1\n材料 2 向着网络强国阔步迈进 6\n"
        );
    }
}

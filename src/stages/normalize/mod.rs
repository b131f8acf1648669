//! # normalize: one spelling for every character
//!
//! Two texts that read the same should be the same bytes. This stage makes
//! the character-level choices that guarantee it, in this order:
//!
//! 1. characters: invisible debris removed (zero-width spaces, soft
//!    hyphens, byte-order marks inside the text); no-break spaces become
//!    spaces; full-width Latin letters and digits become ASCII
//!    (`ＡＢＣ１２３` → `ABC123`, with a `．` between digits:
//!    `１７０７．７８` → `1707.78`); half-width katakana become full-width
//!    (`ｶﾞｲﾄﾞ` → `ガイド`);
//! 2. Unicode NFC (precomposed accents: `e\u{301}` → `é`);
//! 3. lines: CRLF and lone CR → LF, no whitespace at a line end, exactly one
//!    newline at the end of a non-empty text (a text of only whitespace
//!    becomes empty);
//! 4. punctuation: ASCII `,` `:` `;` `?` `!` written inside Chinese become
//!    the full-width Chinese marks `，` `：` `；` `？` `！`, and `(…)` whose
//!    content begins or ends with a Chinese character becomes `（…）`
//!    (not in Japanese or Korean documents, which have conventions of their
//!    own).
//!
//! Example: `10.67億人,居世界第一\r\n（ＡＢＣ）` → `10.67億人，居世界第一\n（ABC）\n`.
//!
//! Speed: a canonical document is recognised by one scan of its bytes and
//! comes back borrowed. Any other runs the four steps line by line in one
//! pass; a line is looked at further only for what its first scan found
//! (a character to fix, one that may not be NFC, an ASCII mark).
//!
//! Why the punctuation rule is narrow: a false change of correct text is
//! worse than a missed one. A mark is converted only when the character
//! before it is Chinese (a Han character or Chinese punctuation, looking
//! through a closing curly quote or a `(…)`) and either the character after
//! it is Han or the words before it are not mostly Latin (`Grüße, 世界!`
//! stays), or, for `,` `:` `;`, when it
//! sits between a Latin letter or digit and a Chinese character with no
//! space (`使用Python,可以`). So `7.4億`, `2023-07-15`, `v1.2`, `12:30`,
//! English sentences (`Hello, 世界`), `(ISO)` and `print("你好")` keep their
//! ASCII; so does everything inside a URL, an HTML character reference
//! (`&nbsp;`), inline code (`` `a,b` ``) and fenced code blocks. Full-width Chinese
//! punctuation is never turned into ASCII (unlike ftfy's width fixer), and
//! curly quotes stay curly.
//!
//! Limits: `.` and ASCII quotes are left alone (`.` is a decimal point and
//! an abbreviation mark as often as a full stop); spaces around converted
//! marks are `layout`'s business; zero-width spaces between Thai, Lao,
//! Khmer or Myanmar letters are kept, since they mark word boundaries there;
//! zero-width joiners are kept (emoji and Indic scripts need them).
//!
//! ## Where things are
//!
//! The folder follows the steps, because a question about the output is a
//! question about one step ("why did this `,` become `，`?", "why is this
//! zero-width space still here?"):
//!
//! - this file: [`normalize`], the per-line pass that runs the steps in
//!   order, and step 3, which has no file of its own since a line's end is
//!   only known in that pass;
//! - `fast_check`: the one scan that hands a canonical document back
//!   borrowed;
//! - `characters`: steps 1 and 2, what each character becomes;
//! - `punctuation`: step 4, when an ASCII mark is Chinese punctuation;
//! - `protected`: the spans step 4 never touches (URLs, inline code,
//!   character references).
//!
//! The fast check restates the steps' rules in short, so a rule changed in
//! a step is changed there too.

mod characters;
mod fast_check;
mod protected;
mod punctuation;

use std::borrow::Cow;

use super::convert::CjkLetters;
use super::{EditKind, Sample, StageOutput, StageReport, sample_at};

use characters::{char_fix, compose_line, fix_characters, nfc_safe};
use fast_check::is_normalized;
use punctuation::{LineBuffers, punctuate_line};

/// The kinds of edit this stage makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormalizeEdit {
    /// Text composed to NFC (count: lines changed).
    Nfc,
    /// CRLF or CR turned into LF (count: line endings).
    LineEnding,
    /// Whitespace removed at a line end (count: lines).
    TrailingWhitespace,
    /// Missing final newline added, or surplus ones removed.
    FinalNewline,
    /// Zero-width space, soft hyphen or stray byte-order mark removed
    /// (count: characters).
    Invisible,
    /// No-break space turned into a space (count: characters).
    NoBreakSpace,
    /// Full-width Latin letter or digit turned into ASCII (count: characters).
    FullwidthAlphanumeric,
    /// Half-width katakana (or half-width CJK mark) turned into full-width
    /// (count: characters).
    HalfwidthKatakana,
    /// ASCII punctuation in Chinese text turned into the Chinese full-width
    /// mark (count: characters).
    ChinesePunctuation,
}

impl EditKind for NormalizeEdit {
    fn name(self) -> &'static str {
        match self {
            NormalizeEdit::Nfc => "nfc",
            NormalizeEdit::LineEnding => "line_ending",
            NormalizeEdit::TrailingWhitespace => "trailing_whitespace",
            NormalizeEdit::FinalNewline => "final_newline",
            NormalizeEdit::Invisible => "invisible",
            NormalizeEdit::NoBreakSpace => "no_break_space",
            NormalizeEdit::FullwidthAlphanumeric => "fullwidth_alphanumeric",
            NormalizeEdit::HalfwidthKatakana => "halfwidth_katakana",
            NormalizeEdit::ChinesePunctuation => "chinese_punctuation",
        }
    }
}

/// Normalizes `text`; borrowed when it already was.
pub fn normalize(text: &str) -> StageOutput<'_, NormalizeEdit> {
    if is_normalized(text) {
        return StageOutput {
            text: Cow::Borrowed(text),
            report: StageReport::default(),
        };
    }
    // The commonest miss by far: a document canonical but for its end (no
    // final newline, or blank lines after the last line). One copy and one
    // more fast check instead of every step of the full path.
    let content = text.trim_end_matches('\n');
    if !content.is_empty() && content.len() + 1 != text.len() {
        let mut fixed = String::with_capacity(content.len() + 1);
        fixed.push_str(content);
        fixed.push('\n');
        if is_normalized(&fixed) {
            let mut report = StageReport::default();
            report.add(NormalizeEdit::FinalNewline, 1);
            return StageOutput {
                text: Cow::Owned(fixed),
                report,
            };
        }
    }
    normalize_full(text)
}

/// The full path, for texts the fast check could not clear: every step, one
/// line at a time, in one pass over the text.
fn normalize_full(text: &str) -> StageOutput<'_, NormalizeEdit> {
    let mut pass = normalize_lines(text, true);
    // Japanese and Korean share Han characters and CJK punctuation with
    // Chinese but keep their own conventions (`조선(朝鮮)이나`, `!(^^)!`).
    // Known only at the end, so such a document, rare, takes a second pass.
    if pass.punctuated && pass.letters.japanese_or_korean() {
        pass = normalize_lines(text, false);
    }
    if !pass.changed {
        // The fast check is conservative: some texts it sends here were
        // already canonical.
        debug_assert_eq!(pass.out, text);
        return StageOutput {
            text: Cow::Borrowed(text),
            report: StageReport::default(),
        };
    }
    // Kinds in the order of the steps (then of their first edit), whatever
    // line each first appeared on.
    pass.report.edits.sort_by_key(|e| step_of(e.kind));
    StageOutput {
        text: Cow::Owned(pass.out),
        report: pass.report,
    }
}

/// Which of the four steps (see the module doc) makes an edit of `kind`.
fn step_of(kind: NormalizeEdit) -> u8 {
    match kind {
        NormalizeEdit::Invisible
        | NormalizeEdit::NoBreakSpace
        | NormalizeEdit::FullwidthAlphanumeric
        | NormalizeEdit::HalfwidthKatakana => 1,
        NormalizeEdit::Nfc => 2,
        NormalizeEdit::LineEnding
        | NormalizeEdit::TrailingWhitespace
        | NormalizeEdit::FinalNewline => 3,
        NormalizeEdit::ChinesePunctuation => 4,
    }
}

/// The result of one pass of [`normalize_lines`].
struct Pass {
    out: String,
    report: StageReport<NormalizeEdit>,
    /// Whether `out` differs from the input.
    changed: bool,
    /// Whether a punctuation mark was converted.
    punctuated: bool,
    /// The CJK letters of the text after steps 1–3, for the Japanese and
    /// Korean check.
    letters: CjkLetters,
}

/// Applies the four steps line by line (a line ends at LF, CRLF or a lone
/// CR); `punctuate: false` skips step 4.
fn normalize_lines(text: &str, punctuate: bool) -> Pass {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut report = StageReport::default();
    let mut letters = CjkLetters::default();
    let (mut changed, mut punctuated, mut in_fence) = (false, false, false);
    let mut buffers = LineBuffers::default();
    let mut rest = text;
    let mut line_no = 0;
    while !rest.is_empty() {
        line_no += 1;
        let mut line_letters = CjkLetters::default();
        let scan = scan_line(rest, &mut line_letters);
        let line = &rest[..scan.len];
        let crlf_or_cr = scan.ending == 2 || rest[scan.len..].starts_with('\r');
        rest = &rest[scan.len + scan.ending..];

        // Steps 1 and 2: characters, then NFC.
        let mut fixed = Cow::Borrowed(line);
        if scan.fix {
            fixed = fix_characters(line, line_no, &mut report);
        }
        if (scan.fix || scan.nfc_unsure)
            && let Some(composed) = compose_line(&fixed, line_no, &mut report)
        {
            fixed = Cow::Owned(composed);
        }
        let mut marks = scan.marks;
        if matches!(&fixed, Cow::Owned(f) if f != line) {
            changed = true;
            // What the later steps see: NFC can make a Hangul syllable of
            // jamo and a `;` of U+037E.
            line_letters = CjkLetters::default();
            line_letters.count_text(&fixed);
            marks = fixed.contains(MARKS);
        }
        letters.add(&line_letters);

        // Step 3: the line's end.
        let trimmed = fixed.trim_end();
        if trimmed.len() != fixed.len() {
            changed = true;
            report.add_sample(
                NormalizeEdit::TrailingWhitespace,
                Sample {
                    line: line_no,
                    before: visible(&fixed),
                    after: visible(trimmed),
                },
            );
        }
        if crlf_or_cr {
            changed = true;
            report.add(NormalizeEdit::LineEnding, 1);
        }

        // Step 4: punctuation, outside fenced code.
        if CODE_FENCES
            .iter()
            .any(|f| trimmed.trim_start().starts_with(f))
        {
            in_fence = !in_fence;
            out.push_str(trimmed);
        } else if !punctuate || in_fence || !marks {
            out.push_str(trimmed);
        } else if punctuate_line(trimmed, line_no, &mut buffers, &mut out, &mut report) {
            changed = true;
            punctuated = true;
        }
        if scan.ending > 0 {
            out.push('\n');
        }
    }
    let content_len = out.trim_end_matches('\n').len();
    let wanted_len = if content_len == 0 { 0 } else { content_len + 1 };
    if out.len() != wanted_len {
        changed = true;
        report.add(NormalizeEdit::FinalNewline, 1);
        out.truncate(content_len);
        if content_len > 0 {
            out.push('\n');
        }
    }
    Pass {
        out,
        report,
        changed,
        punctuated,
        letters,
    }
}

/// The ASCII marks that send a line to the punctuation step.
const MARKS: [char; 6] = [',', ':', ';', '?', '!', '('];

/// What one line needs, found in one pass over its bytes.
#[derive(Debug, Default)]
struct LineScan {
    /// Byte length of the line without its ending.
    len: usize,
    /// Byte length of its ending: 1 for LF or CR, 2 for CRLF, 0 at the end
    /// of the text.
    ending: usize,
    /// A character [`char_fix`] may change.
    fix: bool,
    /// A character that is not [`nfc_safe`].
    nfc_unsure: bool,
    /// One of [`MARKS`].
    marks: bool,
}

/// Scans the line at the start of `s`, counting its CJK letters into
/// `letters`. Chinese characters (three bytes led by E4–E9) are decoded
/// directly: they are most of the text and need no other test.
fn scan_line(s: &str, letters: &mut CjkLetters) -> LineScan {
    let bytes = s.as_bytes();
    let mut scan = LineScan::default();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' | b'\r' => {
                scan.len = i;
                scan.ending = if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                return scan;
            }
            b',' | b':' | b';' | b'?' | b'!' | b'(' => scan.marks = true,
            0xE4..=0xE9 => {
                // Valid UTF-8 (a `&str`): the three bytes decode directly.
                let cont = |k: usize| u32::from(bytes[i + k] & 0x3F);
                let code = (u32::from(b & 0x0F) << 12) | (cont(1) << 6) | cont(2);
                if let Some(c) = char::from_u32(code) {
                    letters.count(c);
                }
                i += 3;
                continue;
            }
            0x80.. => {
                let Some(c) = s[i..].chars().next() else {
                    break;
                };
                scan.fix |= char_fix(c).is_some();
                scan.nfc_unsure |= !nfc_safe(c);
                if c >= '\u{2E80}' {
                    letters.count(c);
                }
                i += c.len_utf8();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    scan.len = bytes.len();
    scan
}

/// A sample for the byte range `start..end` of `line`, line `line_no` of
/// the text.
fn line_sample(line: &str, line_no: usize, start: usize, end: usize, replacement: &str) -> Sample {
    Sample {
        line: line_no,
        ..sample_at(line, start, end, replacement)
    }
}

// ---------------------------------------------------------------------------
// Step 3: lines (in `normalize_lines`)

/// Shows trailing whitespace in a sample, where it would be invisible.
fn visible(line: &str) -> String {
    let tail: String = line
        .chars()
        .rev()
        .take(super::SAMPLE_CONTEXT_CHARS)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    tail.replace(' ', "␠")
        .replace('\t', "␉")
        .replace('\u{3000}', "□")
}

// ---------------------------------------------------------------------------
// Step 4: punctuation

/// Lines that open or close a fenced code block (Markdown).
const CODE_FENCES: [&str; 2] = ["```", "~~~"];

#[cfg(test)]
mod boundaries;

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn norm(s: &str) -> String {
        normalize(s).text.into_owned()
    }

    #[test]
    fn canonical_text_is_borrowed_and_unreported() {
        for text in [
            "第一行\n第二行\n",
            "",
            "价格是7.4億元，日期2023-07-15，版本v1.2。\n",
            "Hello, world! (ISO) a:b\n",
            "“引号”和「括号」，（全角）！\n",
        ] {
            let out = normalize(text);
            assert!(matches!(out.text, Cow::Borrowed(_)), "{text:?}");
            assert!(out.report.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn line_endings_trailing_space_final_newline() {
        let out = normalize("第一行  \r\n第二行\r第三行\t\u{3000}\r\n\r\n\n");
        assert_eq!(out.text, "第一行\n第二行\n第三行\n");
        assert_eq!(out.report.count(NormalizeEdit::LineEnding), 4);
        assert_eq!(out.report.count(NormalizeEdit::TrailingWhitespace), 2);
        assert_eq!(out.report.count(NormalizeEdit::FinalNewline), 1);
    }

    #[test]
    fn adds_missing_final_newline() {
        assert_eq!(norm("abc"), "abc\n");
    }

    #[test]
    fn whitespace_only_becomes_empty() {
        assert_eq!(norm(" \n\t\n"), "");
        assert_eq!(norm("\u{A0}\u{200B}\n"), "");
    }

    #[test]
    fn leading_indentation_is_not_this_stages_business() {
        assert_eq!(norm("\u{3000}\u{3000}段落\n"), "\u{3000}\u{3000}段落\n");
    }

    #[test]
    fn a_missing_final_newline_takes_the_short_way_to_the_same_result() {
        for text in [
            "中文，没有换行",
            "中文，多余的空行\n\n\n",
            "中文 ,要改标点",
            "末尾有空格  ",
            "末尾是回车\r",
        ] {
            let short = normalize(text);
            let full = normalize_full(text);
            assert_eq!(short.text, full.text, "{text:?}");
            assert_eq!(short.report, full.report, "{text:?}");
        }
    }

    #[test]
    fn japanese_and_korean_punctuation_is_left_alone() {
        for text in [
            "スクリメージライン(プレー開始位置)から50ヤード。目標は達成されました。!(^^)!\n",
            "출전: 우리는 흔히 자국을 조선(朝鮮)이나 공화국(共和國)이라고 부른다.\n",
        ] {
            assert_eq!(norm(text), text, "{text:?}");
        }
    }

    /// The steps run line by line; what a later step sees must still be
    /// the earlier steps' output.
    #[test]
    fn later_steps_see_the_fixed_characters() {
        // NFC turns U+037E (Greek question mark) into `;`, which is then
        // Chinese punctuation.
        assert_eq!(norm("中\u{37E}文\n"), "中；文\n");
        // Half-width katakana are counted as the kana they become: the
        // document is Japanese and its ASCII comma stays.
        assert_eq!(
            norm("ｶﾀｶﾅｶﾀｶﾅ漢字,ｶﾀｶﾅ\n"),
            "カタカナカタカナ漢字,カタカナ\n"
        );
    }

    #[test]
    fn a_japanese_document_keeps_its_other_edits() {
        let out = normalize("日本語の文章です。漢字(かんじ)\u{A0}と,ひらがな\n");
        assert_eq!(out.text, "日本語の文章です。漢字(かんじ) と,ひらがな\n");
        assert_eq!(out.report.count(NormalizeEdit::NoBreakSpace), 1);
        assert_eq!(out.report.count(NormalizeEdit::ChinesePunctuation), 0);
    }

    #[test]
    fn report_lists_kinds_in_step_order_with_line_numbers() {
        let out = normalize("中文,好\r第二行\u{200B}\r\n第三行 \n");
        let kinds: Vec<_> = out.report.edits.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                NormalizeEdit::Invisible,
                NormalizeEdit::LineEnding,
                NormalizeEdit::TrailingWhitespace,
                NormalizeEdit::ChinesePunctuation,
            ]
        );
        let line_of = |kind| {
            out.report
                .edits
                .iter()
                .find(|e| e.kind == kind)
                .unwrap()
                .samples[0]
                .line
        };
        // A lone CR ends a line too.
        assert_eq!(line_of(NormalizeEdit::ChinesePunctuation), 1);
        assert_eq!(line_of(NormalizeEdit::Invisible), 2);
        assert_eq!(line_of(NormalizeEdit::TrailingWhitespace), 3);
    }

    #[test]
    fn idempotent() {
        for s in [
            "a \r\nb\r\n\r\n",
            "x\u{30A}\n\n",
            "  ",
            "\r",
            "中\r\n文",
            "中:(中文),ISO(国际)?!",
            "ｶﾞﾞ ﾟｱ",
            "Ａ\u{301}",
            "中\u{200B},文 (ab 中文 cd) (中)",
            "“引”,“号”;x,中",
        ] {
            let once = norm(s);
            assert_eq!(norm(&once), once, "{s:?}");
        }
    }
}

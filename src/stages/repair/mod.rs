//! # repair: undo damage done to the text before it reached us
//!
//! Text that was encoded one way and decoded another ("mojibake"), bytes that
//! were lost on the way, pinyin annotations flattened into the text, and
//! markup or terminal debris. Each repair is applied only when the result is
//! clearly more plausible than the input, and every change is reported with
//! the chain that was undone, so `canon explain` can show it and a test can
//! replay it ([`Chain::undo`]).
//!
//! What is repaired, in this order, line by line:
//!
//! 1. ANSI terminal escapes (`ESC[32m`) are removed.
//! 2. HTML character references (`&amp;`, `&#20013;`) are decoded, unless the
//!    document is HTML itself.
//! 3. Lossy sequences (`锟斤拷`, `烫烫烫`, `屯屯屯`, runs of U+FFFD) become one
//!    U+FFFD per lost span.
//! 4. CJK double-byte mojibake: UTF-8 read as GBK or Big5 (`涓枃` → `中文`),
//!    GBK or Big5 read as windows-1252 (`ÖÐÎÄ` → `中文`), Big5 read as GBK and
//!    GBK as Big5, and misaligned runs where one byte of a GBK/Big5 stream was
//!    lost and every following pair is shifted (the lost character becomes
//!    U+FFFD, the rest is realigned).
//! 5. Latin-family mojibake: UTF-8 read as windows-1252 (or Latin-1, whose C1
//!    controls are accepted too), windows-1250/1251/1253/1254/1257, MacRoman or
//!    cp437, span by span, layer by layer (`Ã©` → `é`, `Ã¢â‚¬â„¢` → `’`).
//! 6. Leftover C1 controls are read as the windows-1252 characters they stand
//!    for (`\u{85}` → `…`); other controls except tab, CR, LF and form feed (a page break,
//!    which layout reads) are removed.
//! 7. Question marks and U+FFFD that stand for lost bytes between hanzi are
//!    merged into one U+FFFD per lost span.
//! 8. Pinyin annotations (`國(guó)` → `國`) are removed when the document
//!    shows the pattern (tone-marked syllables after hanzi); a hanzi lost
//!    with its `(` (`日?bào)`) is restored when its reading and a word pair
//!    name one character (`日報`), else it becomes U+FFFD.
//! 9. Private-use characters still left are reported (not changed).
//!
//! How plausibility is judged: for Latin mojibake the decoded bytes must be
//! well-formed UTF-8 and the decoded characters must be ordinary ones
//! (letters with the right case, common punctuation; no IPA, no Armenian, no
//! lone Hangul syllable after "Bront"); a lone two-byte sequence needs more
//! evidence than a line full of them. For CJK the score is the share of
//! common hanzi (`tables::common_hanzi`, GB2312/Big5 level 1 in
//! `tables::frequent_hanzi`) against rare hanzi, private-use code points and
//! U+FFFD, plus the word pairs adjacent hanzi make (`tables/word_pairs.bin`,
//! pairs inside jieba's words: two thirds of real text's pairs, 2% of
//! random ones), and a repair must win by [`CJK_MIN_GAIN`] (twice that when
//! the only rare characters are GB2312 level 2 hanzi, which real words like
//! `忐忑` are made of). One suspect alone is looked at through UTF-8 chains
//! that decode strictly (the byte structure is the evidence), or, in a
//! Chinese line, as a short damaged span that must gain
//! [`SHORT_SPAN_MIN_GAIN`]. GBK read as Big5 is undone for WHATWG's decoder
//! and for code page 950's. Kana count as
//! evidence only when they all sit in one run of a Chinese line; a line with
//! three kana in a row is Japanese and its kana are never re-read. A GBK
//! decoder's U+FFFD is one lost byte: UTF-8 read as GBK is undone around it,
//! the damaged character becoming U+FFFD.
//!
//! Example: `缃戠粶瀹夊叏` (UTF-8 read as GBK) → `网络安全`; `cafÃ©` →
//! `café`; in a document with annotations, `進(jìn)入國(guó)家(jiā)` →
//! `進入國家` (one annotation alone is left: see `pinyin.rs`).
//!
//! ```
//! use canon::stages::repair::repair;
//! assert_eq!(repair("缃戠粶瀹夊叏\n").text, "网络安全\n");
//! assert_eq!(repair("cafÃ©\n").text, "café\n");
//! assert_eq!(repair("進(jìn)入國(guó)家(jiā)\n").text, "進入國家\n");
//! assert_eq!(repair("進(jìn)入\n").text, "進(jìn)入\n");
//! ```
//!
//! Limits: repairs work within a line; a double-byte confusion whose result
//! has fewer than two hanzi is left alone; text lost to a `?` or to a
//! decoder's U+FFFD cannot come back (it becomes U+FFFD); mojibake of more
//! than [`MAX_LAYERS`] layers is undone only that far. The heuristics are ftfy's idea (credit: rspeer/python-ftfy),
//! written anew.
//!
//! ## Where things are
//!
//! The stage is cut by what a reader looks for: a repair (where is GBK read
//! as Big5 undone?), the gate that let a line through or kept it out, or the
//! score the double-byte repairs compare readings by. This file keeps the
//! entry ([`repair`]), the order in which a line's repairs are tried
//! (`repair_line`, the list above), the types every part reports with, and
//! the helpers several parts use. The double-byte repair is three parts
//! because it answers three questions: where in a line to look, what a
//! window reads as through each chain, and what bytes a character has in
//! GBK or Big5. A run misaligned by a lost byte is realigned in two places:
//! inside mojibake as the last reading a window tries (`chains.rs`, which
//! has the run's bytes and scores at hand), and right after a `?` or U+FFFD
//! once the mojibake is undone (`lost.rs`).
//!
//! | Part | What it holds |
//! |---|---|
//! | `scan.rs` | the fast scan: whether a line needs any work, and another layer |
//! | `markup.rs` | ANSI escapes, HTML character references, control characters (steps 1, 2, 6) |
//! | `lost.rs` | lossy sequences, lost marks, runs shifted after a lost character, UTF-8 with lost bytes (steps 3, 7) |
//! | `cjk_latin.rs` | GBK or Big5 read as windows-1252 (step 4) |
//! | `cjk_runs.rs` | where the double-byte chains are tried: runs, suspects, windows, the line's chain (step 4) |
//! | `chains.rs` | a window re-read through each double-byte chain, or realigned after a lost byte (step 4) |
//! | `double_byte.rs` | GBK and Big5 pair tables: a character's bytes, a pair's character |
//! | `latin.rs` | UTF-8 read as a single-byte code page, and those code pages (step 5) |
//! | `pinyin.rs` | pinyin annotations (step 8) |
//! | `reading.rs` | a lost hanzi restored from its surviving annotation (step 8) |
//! | `score.rs` | the plausibility score, character classes, word pairs, shared thresholds |
//! | `tests.rs` | tests through the stage's entry |
//! | `boundaries.rs` | tests at the boundaries of thresholds no other test noticed moving |
//!
//! A threshold sits beside the code that applies it; one that several
//! parts apply is in `score.rs`, or here when it is no score's
//! ([`MAX_LAYERS`], [`PINYIN_MIN_DOC_ANNOTATIONS`], `LOST_BYTE`). Every
//! public one is re-exported here.

use std::borrow::Cow;
use std::cell::OnceCell;

use super::{EditKind, Sample, StageOutput, StageReport, lines, sample_at};
use chains::RunBuffers;
use cjk_latin::fix_cjk_latin;
use cjk_runs::fix_cjk_runs;
use double_byte::{decode_strict, encode};
use latin::fix_latin;
use lost::{collapse_lossy, merge_lost, realign_after_lost};
use markup::{decode_entities, fix_controls, looks_like_html, strip_ansi};
use pinyin::{count_pinyin_annotations, remove_pinyin};
use scan::{Scan, line_needs_work, needs_work};

mod chains;
mod cjk_latin;
mod cjk_runs;
mod double_byte;
mod latin;
mod lost;
mod markup;
mod pinyin;
mod reading;
mod scan;
mod score;

pub use chains::{
    CJK_MIN_GAIN, LONE_UTF8_MIN_GAIN, MISALIGN_LOOKBACK, MISALIGN_LOST_MIN_GAIN,
    MISALIGN_MAX_STARTS, PLAIN_RARE_GAIN_FACTOR, SAME_CHAIN_MIN_GAIN, SHORT_SPAN_MIN_GAIN,
    SURE_UTF8_MIN_HANZI,
};
pub use cjk_latin::{
    LATIN_CJK_HIGH_TRAIL_RATIO, LATIN_CJK_MIN_COMMON_SHARE, LATIN_CJK_MIN_FREQUENT_SHARE,
    LATIN_CJK_MIN_HANZI,
};
pub use cjk_runs::{
    CJK_CLUSTER_GAP, CJK_MAX_WINDOW, CJK_WINDOW_PAD, JAPANESE_KANA_WORD, LOST_SPLIT_MIN_CHARS,
    STRAY_KANA_HANZI_RATIO,
};
pub use latin::GARBLE_MIN_ORPHANS;
pub use lost::{FILL_RUN_MIN, LOST_QUESTION_MARKS_MIN};
pub use score::{
    CJK_MIN_HANZI, CJK_MIN_ODD, MISALIGN_MAX_RUN, MISALIGN_PAIRLESS_MAX, SHORT_SPAN_MIN_HANZI,
    STRONG_PAIR_SCORE, WEAK_PAIR_SCORE,
};

/// How many layers of mojibake are peeled off one line: double encoding is
/// common, triple is seen, beyond that the text is usually beyond repair.
pub const MAX_LAYERS: usize = 4;

/// Tone-marked pinyin annotations a document needs before `(…)` after a
/// hanzi is taken for an annotation: a text may gloss one or two
/// polyphones on purpose, while flattened ruby markup repeats on every
/// hanzi, so the pattern is document-wide (pinned by the stage's test
/// `pinyin_needs_three_annotations_in_the_document`).
pub const PINYIN_MIN_DOC_ANNOTATIONS: usize = 3;

/// A character set in a mojibake chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Windows1252,
    Windows1250,
    Windows1251,
    Windows1253,
    Windows1254,
    Windows1257,
    MacRoman,
    Cp437,
    Iso88592,
    Gbk,
    Big5,
}

/// One misreading: text written as `written` was decoded as `read`. Undoing
/// it means encoding with `read` and decoding with `written`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chain {
    pub written: Charset,
    pub read: Charset,
}

impl Chain {
    /// Stable name, `<written>_as_<read>`.
    pub fn name(self) -> &'static str {
        use Charset::*;
        match (self.written, self.read) {
            (Utf8, Windows1252) => "utf8_as_windows1252",
            (Utf8, Windows1250) => "utf8_as_windows1250",
            (Utf8, Windows1251) => "utf8_as_windows1251",
            (Utf8, Windows1253) => "utf8_as_windows1253",
            (Utf8, Windows1254) => "utf8_as_windows1254",
            (Utf8, Windows1257) => "utf8_as_windows1257",
            (Utf8, MacRoman) => "utf8_as_macroman",
            (Utf8, Cp437) => "utf8_as_cp437",
            (Utf8, Iso88592) => "utf8_as_iso8859_2",
            (Utf8, Gbk) => "utf8_as_gbk",
            (Utf8, Big5) => "utf8_as_big5",
            (Gbk, Windows1252) => "gbk_as_windows1252",
            (Big5, Windows1252) => "big5_as_windows1252",
            (Big5, Gbk) => "big5_as_gbk",
            (Gbk, Big5) => "gbk_as_big5",
            _ => "other",
        }
    }

    /// Replays the chain on a span: encode as `read`, decode as `written`
    /// (strictly; `None` when either step fails). Used by tests to check a
    /// reported sample; the stage itself also accepts lost bytes.
    pub fn undo(self, span: &str) -> Option<String> {
        let bytes = encode(self.read, span)?;
        decode_strict(self.written, &bytes)
    }
}

/// The kinds of edit this stage makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairEdit {
    /// A mojibake span undone (count: spans); the chain names the misreading.
    Mojibake(Chain),
    /// A double-byte run realigned after a lost byte (count: runs).
    MisalignedRun,
    /// Lossy sequences or runs of U+FFFD/`?` collapsed to one U+FFFD (count: spans).
    LostBytes,
    /// Private-use characters left in place (count: characters); reported only.
    PrivateUse,
    /// A flattened pinyin annotation removed (count: annotations).
    PinyinAnnotation,
    /// A hanzi lost to `?` restored from its surviving pinyin annotation
    /// and a word pair with a neighbour (count: characters).
    RestoredFromReading,
    /// An HTML character reference decoded (count: references).
    HtmlEntity,
    /// An ANSI terminal escape removed (count: escapes).
    AnsiEscape,
    /// A C1 control read as the windows-1252 character it stands for.
    C1Control,
    /// A control character removed (count: characters).
    ControlChar,
}

impl EditKind for RepairEdit {
    fn name(self) -> &'static str {
        match self {
            RepairEdit::Mojibake(chain) => match chain.name() {
                "utf8_as_windows1252" => "mojibake_utf8_as_windows1252",
                "utf8_as_windows1250" => "mojibake_utf8_as_windows1250",
                "utf8_as_windows1251" => "mojibake_utf8_as_windows1251",
                "utf8_as_windows1253" => "mojibake_utf8_as_windows1253",
                "utf8_as_windows1254" => "mojibake_utf8_as_windows1254",
                "utf8_as_windows1257" => "mojibake_utf8_as_windows1257",
                "utf8_as_macroman" => "mojibake_utf8_as_macroman",
                "utf8_as_cp437" => "mojibake_utf8_as_cp437",
                "utf8_as_iso8859_2" => "mojibake_utf8_as_iso8859_2",
                "utf8_as_gbk" => "mojibake_utf8_as_gbk",
                "utf8_as_big5" => "mojibake_utf8_as_big5",
                "gbk_as_windows1252" => "mojibake_gbk_as_windows1252",
                "big5_as_windows1252" => "mojibake_big5_as_windows1252",
                "big5_as_gbk" => "mojibake_big5_as_gbk",
                "gbk_as_big5" => "mojibake_gbk_as_big5",
                _ => "mojibake",
            },
            RepairEdit::MisalignedRun => "misaligned_run",
            RepairEdit::LostBytes => "lost_bytes",
            RepairEdit::PrivateUse => "private_use",
            RepairEdit::PinyinAnnotation => "pinyin_annotation",
            RepairEdit::RestoredFromReading => "restored_from_reading",
            RepairEdit::HtmlEntity => "html_entity",
            RepairEdit::AnsiEscape => "ansi_escape",
            RepairEdit::C1Control => "c1_control",
            RepairEdit::ControlChar => "control_char",
        }
    }
}

/// Document-wide facts some line repairs depend on.
struct Doc<'t> {
    /// The document is HTML/XML: its character references are markup.
    html: bool,
    /// The document carries flattened pinyin annotations.
    pinyin: bool,
    /// The document, for [`Doc::traditional`].
    text: &'t str,
    /// [`Doc::traditional`] once asked.
    traditional: OnceCell<bool>,
}

impl Doc<'_> {
    /// The document's hanzi lean Traditional, to spell a hanzi restored
    /// from its reading in a line that does not tell. Counted on first
    /// ask: it reads the whole document, and most documents with
    /// annotations have no line that asks (on a 10 MB generated corpus
    /// the eager count was 6.8% of a run's instructions).
    fn traditional(&self) -> bool {
        *self
            .traditional
            .get_or_init(|| self.pinyin && reading::leans_traditional(self.text) == Some(true))
    }
}

/// Runs the stage on one document.
pub fn repair(text: &str) -> StageOutput<'_, RepairEdit> {
    let mut report = StageReport::default();
    if !lines(text).any(line_needs_work) {
        return StageOutput {
            text: Cow::Borrowed(text),
            report,
        };
    }
    let pinyin = count_pinyin_annotations(text) >= PINYIN_MIN_DOC_ANNOTATIONS;
    let doc = Doc {
        html: looks_like_html(text),
        pinyin,
        text,
        traditional: OnceCell::new(),
    };
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut chars = Chars::default();
    for (i, line) in lines(text).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !line_needs_work(line) {
            out.push_str(line);
            continue;
        }
        let mut log = Log {
            line: i + 1,
            report: &mut report,
        };
        let fixed = repair_line(line, &doc, &mut chars, &mut log);
        changed |= fixed != line;
        out.push_str(&fixed);
    }
    StageOutput {
        text: if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        },
        report,
    }
}

/// Whether `s` has the byte `b` (an ASCII character, or a lead byte, which
/// never occurs inside another character), by the vectorised search.
fn has_byte(s: &str, b: u8) -> bool {
    memchr::memchr(b, s.as_bytes()).is_some()
}

/// Records edits of one line with samples.
struct Log<'r> {
    line: usize,
    report: &'r mut StageReport<RepairEdit>,
}

impl Log<'_> {
    fn edit(&mut self, kind: RepairEdit, text: &str, start: usize, end: usize, after: &str) {
        let line = self.line;
        self.report.add_sample_with(kind, || Sample {
            line,
            ..sample_at(text, start, end, after)
        });
    }
}

/// The characters of the line being repaired with their byte offsets,
/// collected once per version of the line and shared by the steps that walk
/// it character by character; and the buffers of the double-byte search.
/// One is made per document and reused line after line.
#[derive(Default)]
struct Chars {
    list: Vec<(usize, char)>,
    /// `list` is that of the current text.
    current: bool,
    runs: RunBuffers,
}

impl Chars {
    /// The characters of `line`, the current text.
    fn of(&mut self, line: &str) -> &[(usize, char)] {
        self.with_runs(line).0
    }

    /// [`Chars::of`], and the run buffers.
    fn with_runs(&mut self, line: &str) -> (&[(usize, char)], &mut RunBuffers) {
        if !self.current {
            self.list.clear();
            self.list.reserve(line.len());
            self.list.extend(line.char_indices());
            self.current = true;
        }
        (&self.list, &mut self.runs)
    }
}

/// Runs one step of [`repair_line`] on `s`: a step returns the new text,
/// or `None` when it has nothing to change (no copy is made). Whether `s`
/// changed; the text it had before the first change is kept in `before`.
fn step_from(
    s: &mut String,
    chars: &mut Chars,
    before: &mut Option<String>,
    f: impl FnOnce(&str, &mut Chars) -> Option<String>,
) -> bool {
    match f(s, chars) {
        Some(new) if new != *s => {
            let old = std::mem::replace(s, new);
            before.get_or_insert(old);
            chars.current = false;
            true
        }
        _ => false,
    }
}

/// [`step_from`] when the text before does not matter.
fn step(
    s: &mut String,
    chars: &mut Chars,
    f: impl FnOnce(&str, &mut Chars) -> Option<String>,
) -> bool {
    step_from(s, chars, &mut None, f)
}

fn repair_line(line: &str, doc: &Doc<'_>, chars: &mut Chars, log: &mut Log<'_>) -> String {
    let mut s = line.to_string();
    chars.current = false;
    step(&mut s, chars, |t, _| strip_ansi(t, log));
    if !doc.html {
        step(&mut s, chars, |t, _| decode_entities(t, log));
    }
    step(&mut s, chars, |t, _| collapse_lossy(t, log));
    let mut layered = false;
    for _ in 0..MAX_LAYERS {
        // The text before this layer, kept only when a step changed it (a
        // later step could change it back).
        let mut before = None;
        step_from(&mut s, chars, &mut before, |t, c| fix_cjk_latin(t, c, log));
        // A short span is looked for in the line as it came, not in what a
        // repair made of it (the repair's rare characters were in its bytes).
        let short = !layered && before.is_none();
        step_from(&mut s, chars, &mut before, |t, c| {
            fix_cjk_runs(t, c, short, log)
        });
        step_from(&mut s, chars, &mut before, |t, c| {
            fix_latin(t, c, layered, log)
        });
        // A layer that left nothing the fast scan would look at is the last
        // (the scan is what a later cleaning of this text would see first).
        // A short span it left (see `Evidence::Short`) was there before this
        // layer and has had its look.
        if before.is_none_or(|before| before == s) || !needs_work(&s, Scan::AfterLayer) {
            break;
        }
        layered = true;
    }
    step(&mut s, chars, |t, _| fix_controls(t, log));
    if doc.pinyin {
        step(&mut s, chars, |t, _| {
            remove_pinyin(t, || doc.traditional(), log)
        });
    }
    if step(&mut s, chars, |t, c| realign_after_lost(t, c, log)) && doc.pinyin {
        step(&mut s, chars, |t, _| {
            remove_pinyin(t, || doc.traditional(), log)
        });
    }
    step(&mut s, chars, |t, c| merge_lost(t, c, log));
    log.report
        .add(RepairEdit::PrivateUse, count_private_use(&s));
    s
}

/// Private-use characters (U+E000-U+F8FF) in `s`, from its UTF-8 bytes:
/// their leads are 0xEE, or 0xEF before 0x80-0xA3.
fn count_private_use(s: &str) -> u64 {
    let b = s.as_bytes();
    // A lead byte never occurs inside another character, so every 0xEE or
    // 0xEF the byte search finds starts one (Chinese text is full of 0xEF:
    // its full-width punctuation).
    memchr::memchr2_iter(0xEE, 0xEF, b)
        .filter(|&i| b[i] == 0xEE || b[i + 1] <= 0xA3)
        .count() as u64
}

/// Stands for a byte lost to a GBK decoder's U+FFFD: 0xFF is in neither
/// UTF-8 nor GBK/Big5, so strict decoding fails on it and only
/// [`utf8_with_lost_bytes`](lost::utf8_with_lost_bytes) reads it.
const LOST_BYTE: u8 = 0xFF;

fn char_before(line: &str, at: usize) -> Option<char> {
    line[..at].chars().next_back()
}

fn char_after(line: &str, at: usize) -> Option<char> {
    line[at..].chars().next()
}

#[cfg(test)]
mod boundaries;
#[cfg(test)]
mod tests;

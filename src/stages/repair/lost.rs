//! Lost bytes: text a decoder, a conversion or a lost byte destroyed. It
//! cannot come back; each lost span is said once, as one U+FFFD.
//!
//! - Before the mojibake repairs, [`collapse_lossy`]: U+FFFD's UTF-8 bytes
//!   read as GBK (`锟斤拷`) or Big5 (`嚙踝蕭`), MSVC's uninitialised memory
//!   read as GBK (`烫烫烫`, `屯屯屯`) and runs of U+FFFD.
//! - After them, [`realign_after_lost`]: a run right after a `?` or U+FFFD
//!   whose pairs the lost character shifted, realigned when it then reads as
//!   frequent hanzi (a run shifted inside mojibake is realigned by the
//!   double-byte chains); then [`merge_lost`]: U+FFFD with the `?` and
//!   private-use characters next to it, and `??` between hanzi.
//! - For the chains, UTF-8 that a GBK decoder took bytes from ([`LOST_BYTE`]
//!   stands for each) decodes with one U+FFFD per damaged character
//!   ([`utf8_with_lost_bytes`], [`utf8_with_lost_tail`]).
//!
//! Example: `前锟斤拷锟斤拷后` → `前\u{FFFD}后`; `中??文` → `中\u{FFFD}文`.
//!
//! Limits: what was lost stays lost, and how much was lost is not known (one
//! U+FFFD per span); one `?` is a question mark, and so are `??` after a
//! question particle (`吗??`) or away from hanzi; a shifted run is realigned
//! only up to an ASCII character that served as its last trail byte.

use encoding_rs::{BIG5, GBK};

use super::double_byte::encode_double_byte;
use super::latin::utf8_sequence;
use super::score::{MISALIGN_MAX_RUN, cjk_score, is_frequent_hanzi, is_hanzi, is_private_use};
use super::{Chars, Charset, LOST_BYTE, Log, RepairEdit, has_byte};

/// Runs of a repeated fill character (`烫`, `屯`) at least this long are
/// uninitialised memory, not words (`烫烫` can be a reduplication).
pub const FILL_RUN_MIN: usize = 3;

/// Question marks in a row between hanzi that stand for lost characters: a
/// single `?` is a question mark.
pub const LOST_QUESTION_MARKS_MIN: usize = 2;

/// Whether `s` has a `?` or a U+FFFD, the marks of lost characters.
fn has_lost_mark(s: &str) -> bool {
    has_byte(s, b'?') || LOST_MARK_FINDER.find(s.as_bytes()).is_some()
}

/// The search for U+FFFD, built once (building one costs as much as
/// searching a line).
static LOST_MARK_FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\u{FFFD}"));

/// Sequences that only ever come from lost data: U+FFFD's UTF-8 bytes read
/// as GBK (`锟斤拷`) or Big5 (`嚙踝蕭`).
const LOSSY_PATTERNS: &[&str] = &["锟斤拷", "嚙踝蕭", "锟斤", "嚙踝"];

/// Uninitialised-memory fills read as GBK: MSVC's 0xCC (`烫`) and 0xCD (`屯`).
const FILL_CHARS: &[char] = &['烫', '屯'];

pub(super) fn collapse_lossy(line: &str, log: &mut Log<'_>) -> Option<String> {
    find_lossy_start(line)?;
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut span_start: Option<usize> = None;
    let b = line;
    while i < b.len() {
        let rest = &b[i..];
        let mut len = 0;
        if let Some(p) = LOSSY_PATTERNS.iter().find(|p| rest.starts_with(**p)) {
            len = p.len();
        } else if let Some(&f) = FILL_CHARS.iter().find(|&&f| rest.starts_with(f)) {
            let n = rest.chars().take_while(|&c| c == f).count();
            if n >= FILL_RUN_MIN {
                len = n * f.len_utf8();
            }
        } else if rest.starts_with('\u{FFFD}') {
            len = '\u{FFFD}'.len_utf8();
        }
        if len > 0 {
            span_start.get_or_insert(i);
            i += len;
            continue;
        }
        if let Some(start) = span_start.take() {
            close_lost(line, start, i, &mut out, log);
        }
        // Up to the next character a lossy span can start with.
        let c = rest.chars().next().unwrap();
        let next = find_lossy_start(&rest[c.len_utf8()..]).map_or(rest.len(), |j| j + c.len_utf8());
        out.push_str(&rest[..next]);
        i += next;
    }
    if let Some(start) = span_start {
        close_lost(line, start, b.len(), &mut out, log);
    }
    Some(out)
}

/// Where the first character [`collapse_lossy`] looks at is in `s`: `锟`,
/// `嚙`, `烫`, `屯` or U+FFFD, found by their UTF-8 bytes (a search by
/// character decodes every character; this runs on every line looked at).
fn find_lossy_start(s: &str) -> Option<usize> {
    // Searched for as byte strings (vectorised): a lead byte never occurs
    // inside another character, so a match is always a character.
    LOSSY_FINDERS
        .iter()
        .chain([&*LOST_MARK_FINDER])
        .filter_map(|f| f.find(s.as_bytes()))
        .min()
}

/// The searchers [`find_lossy_start`] uses besides [`LOST_MARK_FINDER`],
/// built once (building one costs as much as searching a line).
static LOSSY_FINDERS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 4]> =
    std::sync::LazyLock::new(|| ["锟", "嚙", "烫", "屯"].map(memchr::memmem::Finder::new));

fn close_lost(line: &str, start: usize, end: usize, out: &mut String, log: &mut Log<'_>) {
    out.push('\u{FFFD}');
    if &line[start..end] != "\u{FFFD}" {
        log.edit(RepairEdit::LostBytes, line, start, end, "\u{FFFD}");
    }
}

fn is_question_particle(c: char) -> bool {
    matches!(
        c,
        '吗' | '嗎' | '呢' | '吧' | '么' | '麼' | '啊' | '呀' | '嘛' | '否'
    )
}

/// Merges U+FFFD with adjacent private-use characters and question marks
/// into one U+FFFD, and turns runs of `?` between hanzi into U+FFFD.
pub(super) fn merge_lost(line: &str, chars: &mut Chars, log: &mut Log<'_>) -> Option<String> {
    if !has_lost_mark(line) {
        return None;
    }
    let chars = chars.of(line);
    let mut out = String::with_capacity(line.len());
    let mut k = 0;
    while k < chars.len() {
        let (start, c) = chars[k];
        if c == '?' || c == '\u{FFFD}' || is_private_use(c) {
            let mut e = k;
            while e < chars.len()
                && (chars[e].1 == '?' || chars[e].1 == '\u{FFFD}' || is_private_use(chars[e].1))
            {
                e += 1;
            }
            let run: Vec<char> = chars[k..e].iter().map(|p| p.1).collect();
            let has_fffd = run.contains(&'\u{FFFD}');
            let qs = run.iter().filter(|&&c| c == '?').count();
            let prev = k.checked_sub(1).map(|p| chars[p].1);
            let next = chars.get(e).map(|p| p.1);
            let between_hanzi = prev.is_some_and(is_hanzi)
                && !prev.is_some_and(is_question_particle)
                && next.is_some_and(is_hanzi);
            let lost = (has_fffd && run.len() > 1)
                || (!has_fffd && qs == run.len() && qs >= LOST_QUESTION_MARKS_MIN && between_hanzi);
            let end = chars.get(e).map_or(line.len(), |p| p.0);
            if lost {
                log.edit(RepairEdit::LostBytes, line, start, end, "\u{FFFD}");
                out.push('\u{FFFD}');
            } else {
                out.push_str(&line[start..end]);
            }
            k = e;
            continue;
        }
        out.push(c);
        k += 1;
    }
    Some(out)
}

/// A run right after a lost character (`?` or U+FFFD) whose pairs are
/// shifted: the lost character took a byte of the run with it. Realigned
/// when dropping the run's first byte gives only frequent hanzi and the
/// shift ends on an ASCII character that served as the last trail byte.
pub(super) fn realign_after_lost(
    line: &str,
    chars: &mut Chars,
    log: &mut Log<'_>,
) -> Option<String> {
    if !has_lost_mark(line) {
        return None;
    }
    let chars = chars.of(line);
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut k = 0;
    while k < chars.len() {
        if !matches!(chars[k].1, '?' | '\u{FFFD}') {
            k += 1;
            continue;
        }
        let first = k + 1;
        let mut e = first;
        while e < chars.len() && e - first < MISALIGN_MAX_RUN && !chars[e].1.is_ascii() {
            e += 1;
        }
        let trail = chars
            .get(e)
            .map(|p| p.1)
            .filter(|c| ('\u{40}'..='\u{7E}').contains(c));
        let (Some(t), true) = (trail, e > first) else {
            k = e.max(k + 1);
            continue;
        };
        let start = chars[first].0;
        let end = chars[e].0;
        let run = &line[start..end];
        let mut fixed = None;
        for (written, enc) in [(Charset::Gbk, GBK), (Charset::Big5, BIG5)] {
            let Some(mut bytes) = encode_double_byte(written, run) else {
                continue;
            };
            bytes.push(t as u8);
            let Some(text) = enc.decode_without_bom_handling_and_without_replacement(&bytes[1..])
            else {
                continue;
            };
            let all_frequent = text.chars().all(|c| {
                is_frequent_hanzi(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF5E)
            });
            if all_frequent && text.chars().any(is_hanzi) && cjk_score(&text) > cjk_score(run) {
                fixed = Some(format!("\u{FFFD}{text}"));
                break;
            }
        }
        if let Some(fixed) = fixed {
            let stop = end + t.len_utf8();
            out.push_str(&line[copied..start]);
            log.edit(RepairEdit::MisalignedRun, line, start, stop, &fixed);
            out.push_str(&fixed);
            copied = stop;
            k = e + 1;
        } else {
            k = e.max(k + 1);
        }
    }
    out.push_str(&line[copied..]);
    (copied > 0).then_some(out)
}

/// UTF-8 with some bytes lost ([`LOST_BYTE`]): a sequence missing one
/// becomes one U+FFFD; nothing else may be wrong.
pub(super) fn utf8_with_lost_bytes(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    let continuation = |b: u8| (0x80..=0xBF).contains(&b) || b == LOST_BYTE;
    while i < bytes.len() {
        let b = bytes[i];
        let need = match b {
            0..=0x7F => {
                out.push(b as char);
                i += 1;
                continue;
            }
            // A lost lead byte: its continuation bytes go with it.
            LOST_BYTE => {
                let n = bytes[i + 1..]
                    .iter()
                    .take(3)
                    .take_while(|&&t| (0x80..=0xBF).contains(&t))
                    .count();
                out.push('\u{FFFD}');
                i += 1 + n;
                continue;
            }
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF4 => 3,
            _ => return None,
        };
        let seq = bytes.get(i..=i + need)?;
        if !seq[1..].iter().all(|&t| continuation(t)) {
            return None;
        }
        if seq.contains(&LOST_BYTE) {
            out.push('\u{FFFD}');
        } else {
            out.push(utf8_sequence(seq)?);
        }
        i += need + 1;
    }
    Some(out)
}

/// UTF-8 bytes whose final sequence is cut short: the complete part plus
/// one U+FFFD for the lost character.
pub(super) fn utf8_with_lost_tail(bytes: &[u8]) -> Option<String> {
    let cut = bytes.len().saturating_sub(3);
    for end in (cut..bytes.len()).rev() {
        if let Ok(s) = std::str::from_utf8(&bytes[..end]) {
            let tail = &bytes[end..];
            let lead_len = match tail.first()? {
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF4 => 4,
                _ => return None,
            };
            if tail.len() < lead_len && tail[1..].iter().all(|b| (0x80..=0xBF).contains(b)) {
                return Some(format!("{s}\u{FFFD}"));
            }
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_marks_and_bytes_are_found_by_the_byte_search() {
        assert!(has_lost_mark("中?文") && has_lost_mark("中\u{FFFD}文"));
        assert!(!has_lost_mark("中文\u{FFFC}\u{FFFE}"));
        assert!(has_byte("a&b", b'&') && !has_byte("a＆b", b'&'));
    }

    #[test]
    fn lossy_starts_are_found_where_a_character_search_finds_them() {
        let starts = ['锟', '嚙', '烫', '屯', '\u{FFFD}'];
        for s in [
            "",
            "abc",
            "中文锟斤拷",
            "烫烫烫",
            "a\u{FFFD}b",
            "嚙踝蕭x",
            "锞锟",
            "屮屯",
            "错误�",
            "銝剜",
            "\u{9515}\u{951F}",
            "ÖÐÎÄ屯",
        ] {
            assert_eq!(find_lossy_start(s), s.find(starts), "{s:?}");
        }
    }

    #[test]
    fn utf8_with_lost_bytes_marks_each_damaged_character() {
        let mut bytes = "年2月".as_bytes().to_vec();
        bytes[2] = LOST_BYTE;
        assert_eq!(utf8_with_lost_bytes(&bytes).as_deref(), Some("\u{FFFD}2月"));
        bytes = "中文".as_bytes().to_vec();
        bytes[3] = LOST_BYTE;
        assert_eq!(utf8_with_lost_bytes(&bytes).as_deref(), Some("中\u{FFFD}"));
        assert_eq!(utf8_with_lost_bytes(&[0xE4, 0x41]), None);
        assert_eq!(utf8_with_lost_bytes(&[0x80, LOST_BYTE]), None);
    }
}

//! Pinyin annotations flattened into the text: a hanzi's reading in
//! parentheses after it, which breaks every word it annotates.
//!
//! They are removed only from a document that shows the pattern, at least
//! [`PINYIN_MIN_DOC_ANNOTATIONS`] tone-marked syllables in parentheses right
//! after a hanzi ([`count_pinyin_annotations`]). There every `(syllable)`
//! after a hanzi or a lost character goes, tone-marked or not, and `?hàn)`,
//! a hanzi lost with its `(`, becomes one U+FFFD.
//!
//! Example: `進(jìn)入國(guó)家(jiā)的(ISO)標準(1)` → `進入國家的(ISO)標準(1)`.
//!
//! Limits: a syllable must be spelled as the tables of initials and finals
//! allow, with one tone mark at most, inside ASCII parentheses whose `)` is
//! within 24 bytes; a document without the pattern keeps its `(de)`. Tested
//! through the whole stage, by the stage's tests
//! `pinyin_annotations_go_when_the_document_has_them` and
//! `seed_003_loses_its_annotations_and_private_use`.

use super::reading::{leans_traditional, restore};
use super::score::is_hanzi;
use super::{Log, PINYIN_MIN_DOC_ANNOTATIONS, RepairEdit, char_before, has_byte};

const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ";

fn base_letter(c: char) -> Option<char> {
    if c.is_ascii_lowercase() || c == 'ü' {
        return Some(c);
    }
    let i = TONED.chars().position(|t| t == c)?;
    Some(['a', 'e', 'i', 'o', 'u', 'ü'][i / 4])
}

const INITIALS: &[&str] = &[
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
    "z", "c", "s", "y", "w", "",
];

const FINALS: &[&str] = &[
    "iang", "iong", "uang", "ueng", "ang", "eng", "ing", "ong", "iao", "ian", "uai", "uan", "üan",
    "ai", "ei", "ao", "ou", "an", "en", "er", "ia", "ie", "iu", "in", "ua", "uo", "ui", "un", "üe",
    "ue", "ün", "a", "o", "e", "i", "u", "ü", "ng", "m", "n",
];

/// Whether `s` is one pinyin syllable; `toned` when it carries a tone mark.
fn pinyin_syllable(s: &str) -> Option<bool> {
    let mut base = String::new();
    let mut tones = 0;
    for c in s.chars() {
        let b = base_letter(c)?;
        tones += usize::from(b != c && c != 'ü');
        base.push(b);
    }
    if tones > 1 || base.is_empty() || base.len() > 7 {
        return None;
    }
    let ok = INITIALS.iter().any(|i| {
        base.strip_prefix(i).is_some_and(|f| {
            FINALS.contains(&f)
                && !(i.is_empty() && f.len() < 2 && f != "a" && f != "o" && f != "e")
        })
    });
    ok.then_some(tones == 1)
}

/// Annotations `(syllable)` with a tone mark right after a hanzi.
pub(super) fn count_pinyin_annotations(text: &str) -> usize {
    let mut n = 0;
    for (i, _) in text.match_indices('(') {
        if char_before(text, i).is_some_and(is_hanzi) {
            let rest = &text[i + 1..];
            if let Some(end) = rest.find(')').filter(|&e| e <= 24)
                && pinyin_syllable(&rest[..end]) == Some(true)
            {
                n += 1;
                if n >= PINYIN_MIN_DOC_ANNOTATIONS {
                    return n;
                }
            }
        }
    }
    n
}

/// The lost marks `?syllable)` or `?(syllable)` in a row from `at`, a `?`:
/// where they end and the last one's reading. A syllable must carry a tone
/// mark, but the first may be toneless (`?de)`) right after a hanzi.
fn lost_marks(line: &str, at: usize, after_hanzi: bool) -> Option<(usize, &str)> {
    let mut found = None;
    let mut i = at;
    while line.as_bytes().get(i) == Some(&b'?') {
        let open = usize::from(line.as_bytes().get(i + 1) == Some(&b'('));
        let rest = &line[i + 1 + open..];
        let Some(end) = rest.find(')').filter(|&e| e <= 24) else {
            break;
        };
        match pinyin_syllable(&rest[..end]) {
            Some(true) => {}
            Some(false) if after_hanzi && found.is_none() => {}
            _ => break,
        }
        let stop = i + 1 + open + end + 1;
        found = Some((stop, &rest[..end]));
        i = stop;
    }
    found
}

/// `doc_traditional`: whether the document's hanzi lean Traditional, for
/// a line that does not tell (see [`leans_traditional`]); asked only then.
pub(super) fn remove_pinyin(
    line: &str,
    doc_traditional: impl Fn() -> bool,
    log: &mut Log<'_>,
) -> Option<String> {
    if !has_byte(line, b')') {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut prev = '\0';
    let mut traditional = None;
    while i < line.len() {
        let c = line[i..].chars().next().unwrap();
        // `漢(hàn)` after a hanzi or a lost character.
        if c == '(' && (is_hanzi(prev) || prev == '\u{FFFD}') {
            let rest = &line[i + 1..];
            if let Some(end) = rest.find(')').filter(|&e| e <= 24)
                && pinyin_syllable(&rest[..end]).is_some()
            {
                let stop = i + 1 + end + 1;
                log.edit(RepairEdit::PinyinAnnotation, line, i, stop, "");
                i = stop;
                continue;
            }
        }
        // `?hàn)` (the hanzi was lost and took the `(` with it) or `?(hàn)`,
        // maybe several in a row: one lost span, restored from the last
        // reading when a word pair names its character.
        if c == '?'
            && let Some((stop, reading)) = lost_marks(line, i, is_hanzi(prev))
        {
            let next = line[stop..].chars().next();
            let traditional = *traditional
                .get_or_insert_with(|| leans_traditional(line).unwrap_or_else(&doc_traditional));
            match restore(reading, Some(prev), next, traditional) {
                Some(h) => {
                    let mut buf = [0; 4];
                    log.edit(
                        RepairEdit::RestoredFromReading,
                        line,
                        i,
                        stop,
                        h.encode_utf8(&mut buf),
                    );
                    out.push(h);
                    prev = h;
                }
                None => {
                    log.edit(RepairEdit::LostBytes, line, i, stop, "\u{FFFD}");
                    out.push('\u{FFFD}');
                    prev = '\u{FFFD}';
                }
            }
            i = stop;
            continue;
        }
        out.push(c);
        prev = c;
        i += c.len_utf8();
    }
    Some(out)
}

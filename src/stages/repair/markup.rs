//! Markup and terminal debris: ANSI escapes and HTML character references,
//! the first repairs of a line, and control characters, the last.
//!
//! Escapes (CSI, OSC and two-byte ones) are removed. Character references
//! are decoded, numeric ones and the named ones scraped text uses
//! ([`ENTITIES`]), doubly escaped ones (`&amp;lt;`) round by round, unless
//! the document is HTML itself ([`looks_like_html`]), whose references are
//! markup. C1 controls become the windows-1252 characters they stand for;
//! other controls are removed, but for tab, CR and form feed (a page break,
//! which the layout stage reads).
//!
//! Example: `\u{1b}[32mgreen\u{1b}[0m` → `green`; `a &amp; b &#20013;` →
//! `a & b 中`; `a\u{0}b\u{85}` → `ab…`.
//!
//! Limits: a reference needs its `;`, and a named one must be in
//! [`ENTITIES`]; a document is taken for HTML from its tags in the first
//! 4,096 characters only. Tested through the whole stage, by the stage's
//! tests `markup_debris` and `form_feeds_are_left_to_layout`.

use super::{Log, RepairEdit, has_byte};
use crate::tables::codepages;

pub(super) fn strip_ansi(line: &str, log: &mut Log<'_>) -> Option<String> {
    if !has_byte(line, 0x1B) {
        return None;
    }
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != 0x1B {
            let next = line[i..].find('\u{1B}').map_or(b.len(), |j| i + j);
            out.push_str(&line[i..next]);
            i = next;
            continue;
        }
        let mut j = i + 1;
        match b.get(j) {
            // CSI: parameters and intermediates, then one final byte.
            Some(b'[') => {
                j += 1;
                while j < b.len() && (0x20..=0x3F).contains(&b[j]) {
                    j += 1;
                }
                if j < b.len() && (0x40..=0x7E).contains(&b[j]) {
                    j += 1;
                }
            }
            // OSC: up to BEL or ESC \.
            Some(b']') => {
                while j < b.len() && b[j] != 0x07 && !(b[j] == 0x1B && b.get(j + 1) == Some(&b'\\'))
                {
                    j += 1;
                }
                j = (j + if b.get(j) == Some(&0x07) { 1 } else { 2 }).min(b.len());
            }
            Some(&c) if (0x40..=0x5F).contains(&c) => j += 1,
            _ => {}
        }
        log.edit(RepairEdit::AnsiEscape, line, i, j, "");
        i = j;
    }
    Some(out)
}

/// How far into a document its tags are looked for: an HTML page opens with
/// them, while plain text that quotes a tag further down stays plain text.
const HTML_HEAD_CHARS: usize = 4096;

/// Tags, in lower case, that make a document HTML/XML.
const HTML_TAGS: [&str; 10] = [
    "<html",
    "<body",
    "<div",
    "<p>",
    "<br",
    "</p>",
    "</a>",
    "<!doctype",
    "<span",
    "<?xml",
];

pub(super) fn looks_like_html(text: &str) -> bool {
    let end = text
        .char_indices()
        .nth(HTML_HEAD_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let head = &text.as_bytes()[..end];
    if memchr::memchr(b'<', head).is_none() {
        return false;
    }
    // The tags are ASCII, and lowering the ASCII bytes alone finds the same
    // tags as a full Unicode lowering: the only characters outside ASCII
    // that lower to ASCII are the Kelvin sign (`k`, in no tag) and `İ`
    // (`i` + U+0307, which no tag continues). So no decoding and no
    // case tables, which cost 6% of a run's instructions.
    let head = head.to_ascii_lowercase();
    HTML_TAGS
        .iter()
        .any(|t| memchr::memmem::find(&head, t.as_bytes()).is_some())
}

/// Named references decoded in plain text: the ones seen in scraped text.
static ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{A0}'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("hellip", '…'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("sbquo", '‚'),
    ("bdquo", '„'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("middot", '·'),
    ("bull", '•'),
    ("times", '×'),
    ("divide", '÷'),
    ("deg", '°'),
    ("plusmn", '±'),
    ("frac14", '¼'),
    ("frac12", '½'),
    ("frac34", '¾'),
    ("euro", '€'),
    ("pound", '£'),
    ("yen", '¥'),
    ("cent", '¢'),
    ("sect", '§'),
    ("para", '¶'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
    ("micro", 'µ'),
    ("sup1", '¹'),
    ("sup2", '²'),
    ("sup3", '³'),
    ("ordf", 'ª'),
    ("ordm", 'º'),
    ("shy", '\u{AD}'),
    ("emsp", '\u{2003}'),
    ("ensp", '\u{2002}'),
    ("thinsp", '\u{2009}'),
    ("zwj", '\u{200D}'),
    ("zwnj", '\u{200C}'),
    ("agrave", 'à'),
    ("aacute", 'á'),
    ("acirc", 'â'),
    ("atilde", 'ã'),
    ("auml", 'ä'),
    ("aring", 'å'),
    ("aelig", 'æ'),
    ("ccedil", 'ç'),
    ("egrave", 'è'),
    ("eacute", 'é'),
    ("ecirc", 'ê'),
    ("euml", 'ë'),
    ("igrave", 'ì'),
    ("iacute", 'í'),
    ("icirc", 'î'),
    ("iuml", 'ï'),
    ("ntilde", 'ñ'),
    ("ograve", 'ò'),
    ("oacute", 'ó'),
    ("ocirc", 'ô'),
    ("otilde", 'õ'),
    ("ouml", 'ö'),
    ("oslash", 'ø'),
    ("ugrave", 'ù'),
    ("uacute", 'ú'),
    ("ucirc", 'û'),
    ("uuml", 'ü'),
    ("yacute", 'ý'),
    ("yuml", 'ÿ'),
    ("szlig", 'ß'),
    ("Agrave", 'À'),
    ("Aacute", 'Á'),
    ("Acirc", 'Â'),
    ("Atilde", 'Ã'),
    ("Auml", 'Ä'),
    ("Aring", 'Å'),
    ("AElig", 'Æ'),
    ("Ccedil", 'Ç'),
    ("Egrave", 'È'),
    ("Eacute", 'É'),
    ("Ecirc", 'Ê'),
    ("Euml", 'Ë'),
    ("Iacute", 'Í'),
    ("Ntilde", 'Ñ'),
    ("Oacute", 'Ó'),
    ("Ouml", 'Ö'),
    ("Oslash", 'Ø'),
    ("Uacute", 'Ú'),
    ("Uuml", 'Ü'),
    ("alpha", 'α'),
    ("beta", 'β'),
    ("gamma", 'γ'),
    ("delta", 'δ'),
    ("mu", 'μ'),
    ("pi", 'π'),
    ("larr", '←'),
    ("rarr", '→'),
    ("uarr", '↑'),
    ("darr", '↓'),
];

/// One character reference at the start of `s` (which begins with `&`):
/// the character and the reference's length. Only terminated references.
fn entity_at(s: &str) -> Option<(char, usize)> {
    let end = s[1..].find(';')? + 1;
    if end > 12 {
        return None;
    }
    let body = &s[1..end];
    let c = if let Some(num) = body.strip_prefix('#') {
        let n = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        match char::from_u32(n)? {
            '\0' => return None,
            c => c,
        }
    } else {
        ENTITIES.iter().find(|(name, _)| *name == body)?.1
    };
    Some((c, end + 1))
}

pub(super) fn decode_entities(line: &str, log: &mut Log<'_>) -> Option<String> {
    if !has_byte(line, b'&') {
        return None;
    }
    let mut s = line.to_string();
    let mut changed = false;
    // Doubly escaped references (`&amp;lt;`) decode in a later round; each
    // round shortens the text, so this ends.
    loop {
        if !s.contains('&') {
            return changed.then_some(s);
        }
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        let mut any = false;
        while let Some(j) = s[i..].find('&') {
            let at = i + j;
            out.push_str(&s[i..at]);
            match entity_at(&s[at..]) {
                Some((c, len)) => {
                    log.edit(
                        RepairEdit::HtmlEntity,
                        &s,
                        at,
                        at + len,
                        c.encode_utf8(&mut [0; 4]),
                    );
                    out.push(c);
                    i = at + len;
                    any = true;
                }
                None => {
                    out.push('&');
                    i = at + 1;
                }
            }
        }
        out.push_str(&s[i..]);
        if !any {
            return changed.then_some(s);
        }
        s = out;
        changed = true;
    }
}

/// Control characters the stage removes: all but tab, CR (normalize's
/// business) and form feed, which marks a page break that the layout stage
/// reads (and removes) to drop running headers and page numbers and to join
/// a paragraph cut by the page.
fn removable_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\r' | '\x0C')) || c == '\u{7F}'
}

/// Whether `line` has a character [`removable_control`] accepts, from its
/// UTF-8 bytes: C0 controls and DEL are single bytes, C1 controls are 0xC2
/// before 0x80-0x9F.
fn has_removable_control(line: &str) -> bool {
    // Folds without a branch per byte, so the compiler can vectorise them.
    let b = line.as_bytes();
    let c0 = b.iter().fold(false, |any, &x| {
        any | ((x < 0x20) & (x != b'\t') & (x != b'\r') & (x != 0x0C)) | (x == 0x7F)
    });
    c0 || b
        .iter()
        .zip(&b[1.min(b.len())..])
        .fold(false, |any, (&x, &next)| {
            any | ((x == 0xC2) & (next <= 0x9F))
        })
}

pub(super) fn fix_controls(line: &str, log: &mut Log<'_>) -> Option<String> {
    if !has_removable_control(line) {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        let u = c as u32;
        if (0x80..=0x9F).contains(&u) {
            let mapped = codepages::WINDOWS_1252[(u - 0x80) as usize];
            if mapped != c {
                log.edit(
                    RepairEdit::C1Control,
                    line,
                    i,
                    i + c.len_utf8(),
                    &mapped.to_string(),
                );
                out.push(mapped);
                continue;
            }
        }
        if removable_control(c) {
            log.edit(RepairEdit::ControlChar, line, i, i + c.len_utf8(), "");
            continue;
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod html_head_tests {
    use super::*;

    /// The definition the byte search replaced: the head's characters
    /// lowered by Unicode's rules, searched for each tag.
    fn by_unicode_lowering(text: &str) -> bool {
        let head = text
            .chars()
            .take(HTML_HEAD_CHARS)
            .collect::<String>()
            .to_lowercase();
        HTML_TAGS.iter().any(|t| head.contains(t))
    }

    #[test]
    fn html_is_found_in_the_head_only_and_as_unicode_lowering_finds_it() {
        let far = format!("{}<div>", "中".repeat(HTML_HEAD_CHARS));
        let near = format!("{}<DiV>", "中".repeat(HTML_HEAD_CHARS - 5));
        let cases: [(&str, bool); 9] = [
            ("<!DOCTYPE html><p>中文</p>", true),
            ("文本 <Body class=x>", true),
            ("<?XML version=\"1.0\"?>", true),
            ("a < b and c > d", false),
            ("中文\n", false),
            // `İ` lowers to `i` + U+0307 and the Kelvin sign to `k`:
            // neither completes a tag.
            ("<D\u{130}V>", false),
            ("<\u{212A}BD>", false),
            (&far, false),
            (&near, true),
        ];
        for (text, html) in cases {
            assert_eq!(looks_like_html(text), html, "{text:?}");
            assert_eq!(by_unicode_lowering(text), html, "{text:?}");
        }
    }
}

//! The spans of a line where step 4 converts nothing: inline code between
//! backticks, HTML character references (`&nbsp;`, `&#183;`, and escaped
//! twice, `&amp;nbsp;`) and URLs (`scheme://…`, `www.…`). Their ASCII
//! marks are syntax, not punctuation.
//!
//! Example: `见http://a.com/x, 然后:好` → `见http://a.com/x, 然后：好` (the
//! URL ends at the space, so its `,` stays and the `:` after it is Chinese
//! punctuation); `见 https://example.com/a?b=1,2;c:d` stays whole.
//!
//! Limits: a URL needs a scheme or `www.` (`example.com/a,b` is not one);
//! it ends at whitespace, Chinese punctuation (Han characters may be part
//! of it), `"`, `<`, `>` or a backtick, less the sentence punctuation after
//! it; an unclosed backtick protects nothing; fenced code blocks are whole
//! lines, skipped by the per-line pass, not here.

use super::punctuation::is_chinese;
use crate::stages::convert::is_han;

/// Bytes of the line where nothing is converted: URLs and inline code.
pub(super) fn protected_spans(line: &str, chars: &[(usize, char)], protected: &mut Vec<bool>) {
    protected.clear();
    protected.resize(chars.len(), false);
    // Inline code between backticks.
    let mut open: Option<usize> = None;
    let backticks = line.contains('`');
    for (k, &(_, c)) in chars.iter().enumerate().filter(|_| backticks) {
        if c == '`' {
            match open.take() {
                Some(o) => protected[o..=k].iter_mut().for_each(|p| *p = true),
                None => open = Some(k),
            }
        }
    }
    // Character references (`&nbsp;`, `&#183;`, `&#x4E2D;`): their `;` is
    // syntax, not punctuation.
    let ampersands = line.contains('&');
    for (k, &(i, c)) in chars.iter().enumerate().filter(|_| ampersands) {
        if c == '&'
            && let Some(len) = entity_len(&line[i..])
        {
            for (m, &(j, _)) in chars.iter().enumerate().skip(k) {
                if j >= i + len {
                    break;
                }
                protected[m] = true;
            }
        }
    }
    // URLs: `scheme://…` and `www.…`, up to a space or Chinese punctuation, less
    // the punctuation that ends a sentence after a link.
    let mut search = 0;
    while let Some(found) = find_url_start(&line[search..]) {
        let start = search + found;
        let mut end = start;
        for (j, c) in line[start..].char_indices() {
            // Han characters may be part of a link (IRIs); Chinese
            // punctuation is not.
            if c.is_whitespace()
                || (is_chinese(c) && !is_han(c))
                || matches!(c, '"' | '<' | '>' | '`')
            {
                break;
            }
            end = start + j + c.len_utf8();
        }
        while end > start && line[..end].ends_with([',', '.', ';', ':', '!', '?', ')']) {
            if line[..end].ends_with(')') && line[start..end].contains('(') {
                break;
            }
            end -= 1;
        }
        for (k, &(i, _)) in chars.iter().enumerate() {
            if i >= start && i < end {
                protected[k] = true;
            }
        }
        search = end.max(start + 1);
        while !line.is_char_boundary(search) {
            search += 1;
        }
    }
}

/// Longest HTML character reference name we recognise (`&CounterClockwiseContourIntegral;`).
const MAX_ENTITY_LEN: usize = 34;

/// Byte length of the character reference at the start of `s`
/// (`&name;`, `&#123;`, `&#x1F;`), if there is one.
fn entity_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix('&')?;
    let end = body.find(';')?;
    if end == 0 || end > MAX_ENTITY_LEN {
        return None;
    }
    let name = &body[..end];
    let valid = if let Some(num) = name.strip_prefix('#') {
        match num.strip_prefix(['x', 'X']) {
            Some(hex) => !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            None => !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()),
        }
    } else {
        name.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    if !valid {
        return None;
    }
    let len = end + 2;
    // Escaped twice (`&amp;nbsp;`): the second reference is syntax too.
    if name == "amp"
        && let Some(inner) = entity_len(&format!("&{}", &s[len..]))
    {
        return Some(len + inner - 1);
    }
    Some(len)
}

/// Byte offset of the next URL in `s`: the scheme before `://`, or `www.`.
fn find_url_start(s: &str) -> Option<usize> {
    let scheme = s.find("://").map(|i| {
        let head = &s[..i];
        head.rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-')))
            .map_or(0, |j| {
                j + head[j..].chars().next().map_or(1, char::len_utf8)
            })
    });
    let www = s.find("www.");
    match (scheme, www) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use crate::stages::normalize::tests::norm;

    #[test]
    fn url_ends_at_a_space_or_chinese_punctuation() {
        assert_eq!(
            norm("见http://a.com/x, 然后:好\n"),
            "见http://a.com/x, 然后：好\n"
        );
        assert_eq!(
            norm("见http://a.com/路径?x,1，然后:好\n"),
            "见http://a.com/路径?x,1，然后：好\n"
        );
    }
}

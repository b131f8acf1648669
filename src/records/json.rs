//! One JSON Lines record: the text field found (a dotted path reaches into
//! nested objects), and the record written back with the cleaned text in
//! that field, every other field's bytes exactly as they came, in their
//! order, and canon's metadata field appended.
//!
//! Example, text field `text`, metadata field `canon`:
//! `{"id": 7, "text": "ｈｅｌｌｏ\r\n", "meta": {"a": [1, null]}}` →
//! `{"id":7,"text":"hello\n","meta":{"a": [1, null]},"canon":{…}}`
//! (whitespace between top-level fields is not kept; inside values it is).
//!
//! Limits: the record must be a JSON object; when a key occurs twice the
//! first is the text field and both are written back; a lone surrogate
//! escape in the text becomes U+FFFD (counted), elsewhere it passes through
//! untouched.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// Why a line could not be cleaned as a record: it goes to the rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reject {
    /// Not JSON, or not a JSON object.
    NotJson(String),
    /// No field at the text path.
    NoTextField,
    /// The field is there but not a string.
    NotAString,
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reject::NotJson(e) => write!(f, "not a JSON object: {e}"),
            Reject::NoTextField => f.write_str("no text field"),
            Reject::NotAString => f.write_str("text field is not a string"),
        }
    }
}

/// A record's fields in their order, values as their raw bytes.
struct Fields<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(V)
    }
}

/// The raw JSON of the value at `path` inside `raw` (an object).
fn find<'a>(raw: &'a str, path: &[String]) -> Result<Option<&'a RawValue>, Reject> {
    let fields: Fields<'a> =
        serde_json::from_str(raw).map_err(|e| Reject::NotJson(e.to_string()))?;
    let Some((first, rest)) = path.split_first() else {
        return Ok(None);
    };
    let Some(value) = fields.0.iter().find(|(k, _)| k == first).map(|f| f.1) else {
        return Ok(None);
    };
    if rest.is_empty() {
        return Ok(Some(value));
    }
    match find(value.get(), rest) {
        Ok(found) => Ok(found),
        // An intermediate value that is not an object has no such field.
        Err(Reject::NotJson(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// A record's text and its id, read from one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub text: String,
    /// Lone surrogate escapes replaced by U+FFFD.
    pub surrogates: u64,
    /// The id field's value (strings without quotes, anything else as its
    /// JSON), when an id field is named and present.
    pub id: Option<String>,
}

/// Reads the text (and id) of a record line.
pub fn parse(
    line: &str,
    text_path: &[String],
    id_path: Option<&[String]>,
) -> Result<Parsed, Reject> {
    let raw = find(line, text_path)?.ok_or(Reject::NoTextField)?;
    let raw = raw.get();
    if !raw.starts_with('"') {
        return Err(Reject::NotAString);
    }
    let (text, surrogates) = match serde_json::from_str::<String>(raw) {
        Ok(text) => (text, 0),
        Err(_) => {
            let (fixed, count) = replace_lone_surrogates(raw);
            let text = serde_json::from_str::<String>(&fixed)
                .map_err(|e| Reject::NotJson(e.to_string()))?;
            (text, count)
        }
    };
    let id = match id_path {
        None => None,
        Some(path) => find(line, path)?.map(|v| match serde_json::from_str::<String>(v.get()) {
            Ok(s) => s,
            Err(_) => v.get().to_string(),
        }),
    };
    Ok(Parsed {
        text,
        surrogates,
        id,
    })
}

/// `raw` (a JSON string literal) with every `\uD800`–`\uDFFF` escape that
/// is not half of a pair replaced by `\uFFFD`, and how many were.
pub fn replace_lone_surrogates(raw: &str) -> (String, u64) {
    let b = raw.as_bytes();
    let hex_at = |i: usize| -> Option<u32> {
        if b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u') {
            u32::from_str_radix(raw.get(i + 2..i + 6)?, 16).ok()
        } else {
            None
        }
    };
    let mut out = String::with_capacity(raw.len());
    let mut count = 0;
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match hex_at(i) {
            Some(hi @ 0xD800..=0xDBFF) if matches!(hex_at(i + 6), Some(0xDC00..=0xDFFF)) => {
                let _ = hi;
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.push_str(&raw[copied..i]);
                out.push_str("\\ufffd");
                count += 1;
                i += 6;
                copied = i;
            }
            // Any other escape is two bytes (`\\`, `\"`, …) or a `\u` of six.
            Some(_) => i += 6,
            None => i += 2,
        }
    }
    out.push_str(&raw[copied..]);
    (out, count)
}

/// The record line rewritten: the value at `text_path` replaced by `text`,
/// every other value's raw bytes kept, and `meta` (`name`, JSON object)
/// appended as the last top-level field. `line` must have parsed.
pub fn rebuild(line: &str, text_path: &[String], text: &str, meta: Option<(&str, &str)>) -> String {
    let mut out = String::with_capacity(line.len() + text.len() / 8 + 256);
    write_object(&mut out, line, text_path, text);
    if let Some((name, object)) = meta {
        out.pop();
        if out.len() > 1 {
            out.push(',');
        }
        push_json_string(&mut out, name);
        out.push(':');
        out.push_str(object);
        out.push('}');
    }
    out
}

fn write_object(out: &mut String, raw: &str, path: &[String], text: &str) {
    let fields: Fields = serde_json::from_str(raw).expect("the record parsed before");
    let mut done = false;
    out.push('{');
    for (n, (key, value)) in fields.0.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        push_json_string(out, key);
        out.push(':');
        match path.split_first() {
            Some((first, rest)) if !done && first == key => {
                done = true;
                if rest.is_empty() {
                    push_json_string(out, text);
                } else {
                    write_object(out, value.get(), rest, text);
                }
            }
            _ => out.push_str(value.get()),
        }
    }
    out.push('}');
}

fn push_json_string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).expect("strings always serialize"));
}

/// Sets `value` at the dotted `path` in `object`, making the objects on
/// the way (a staged side line takes a record's shape this way, so phase 2
/// finds its text and id as in a JSON Lines record).
pub fn insert_at(
    object: &mut serde_json::Map<String, serde_json::Value>,
    path: &[String],
    value: serde_json::Value,
) {
    let (last, parents) = path.split_last().expect("a field path is not empty");
    let mut object = object;
    for name in parents {
        let entry = object
            .entry(name.clone())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if !entry.is_object() {
            *entry = serde_json::Value::Object(serde_json::Map::new());
        }
        object = entry.as_object_mut().expect("an object");
    }
    object.insert(last.clone(), value);
}

/// Splits `--text-field a.b.c` into its path.
pub fn field_path(spec: &str) -> Vec<String> {
    spec.split('.').map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        field_path(s)
    }

    #[test]
    fn other_fields_keep_their_bytes_and_order() {
        let line = r#"{"z": 1.50, "text": "a\u00e9", "n": null, "o": {"k": [1, "二"]}, "big": 12345678901234567890}"#;
        let parsed = parse(line, &p("text"), None).unwrap();
        assert_eq!(parsed.text, "aé");
        let out = rebuild(line, &p("text"), "X", Some(("canon", r#"{"m":1}"#)));
        assert_eq!(
            out,
            r#"{"z":1.50,"text":"X","n":null,"o":{"k": [1, "二"]},"big":12345678901234567890,"canon":{"m":1}}"#
        );
        // Whitespace between top-level fields is not kept.
        assert!(rebuild(line, &p("text"), "aé", None).len() < line.len());
    }

    #[test]
    fn a_dotted_path_reaches_nested_text() {
        let line = r#"{"doc": {"body": "旧", "lang": "zh"}, "id": "x1"}"#;
        let parsed = parse(line, &p("doc.body"), Some(&p("id"))).unwrap();
        assert_eq!(
            (parsed.text.as_str(), parsed.id.as_deref()),
            ("旧", Some("x1"))
        );
        let out = rebuild(line, &p("doc.body"), "新", None);
        assert_eq!(out, r#"{"doc":{"body":"新","lang":"zh"},"id":"x1"}"#);
    }

    #[test]
    fn bad_records_are_rejected_with_a_reason() {
        assert!(matches!(
            parse("{not json", &p("text"), None),
            Err(Reject::NotJson(_))
        ));
        assert!(matches!(
            parse("[1, 2]", &p("text"), None),
            Err(Reject::NotJson(_))
        ));
        assert_eq!(
            parse(r#"{"body": "x"}"#, &p("text"), None),
            Err(Reject::NoTextField)
        );
        assert_eq!(
            parse(r#"{"text": 3}"#, &p("text"), None),
            Err(Reject::NotAString)
        );
        assert_eq!(
            parse(r#"{"text": null}"#, &p("text"), None),
            Err(Reject::NotAString)
        );
        assert_eq!(
            parse(r#"{"a": 1}"#, &p("a.b"), None),
            Err(Reject::NoTextField)
        );
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let line = r#"{"text": "a\ud800b\ud83d\ude00c\udc00\\ud800"}"#;
        let parsed = parse(line, &p("text"), None).unwrap();
        assert_eq!(parsed.text, "a\u{FFFD}b😀c\u{FFFD}\\ud800");
        assert_eq!(parsed.surrogates, 2);
        let clean = parse(r#"{"text": "😀"}"#, &p("text"), None).unwrap();
        assert_eq!(clean.surrogates, 0);
    }

    #[test]
    fn rebuilding_its_own_output_changes_nothing() {
        let line = r#"{"a":[1,{"b":null}],"text":"x","c":"\u0000"}"#;
        let once = rebuild(line, &p("text"), "y", None);
        let twice = rebuild(&once, &p("text"), "y", None);
        assert_eq!(once, twice);
    }
}

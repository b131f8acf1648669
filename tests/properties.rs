//! Property tests over the per-document pipeline (bounded: a few hundred
//! cases each, so they run in the normal suite). The fuzz target in `fuzz/`
//! checks the same properties for as long as one cares to run it.
//!
//! For any input: no panic; the output is canonical (cleaning it again,
//! from its bytes, changes nothing); and it is in the form every stage
//! promises (NFC, LF only, no trailing whitespace, one final newline).
//! And the pipeline's schedule, which runs a stage again only when its
//! input changed, gives exactly what running every stage in every pass
//! gives (text, reports, script), resting on each stage but layout being
//! idempotent, which is checked stage by stage.

use canon::pipeline::{Options, Outcome, clean_bytes, clean_text_detailed, clean_text_every_pass};
use canon::stages::decode::{Decoded, decode};
use canon::stages::{StageOutput, convert, dedup, normalize, repair};
use proptest::prelude::*;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// Built once: the conversion engine's dictionaries take longer to load
/// than a case takes to clean.
static OPTIONS: LazyLock<Options> = LazyLock::new(Options::default);

fn cleaned(bytes: &[u8]) -> Option<String> {
    match clean_bytes(bytes, &OPTIONS) {
        Outcome::Text(c) => Some(c.text),
        Outcome::Binary(_) => None,
    }
}

fn assert_canonical(text: &str) {
    assert!(!text.contains('\r'), "CR left: {text:?}");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "no final newline: {text:?}"
    );
    assert!(!text.ends_with("\n\n"), "trailing blank line: {text:?}");
    for line in text.lines() {
        assert_eq!(line.trim_end(), line, "trailing whitespace: {line:?}");
    }
    assert!(text.nfc().eq(text.chars()), "not NFC: {text:?}");
}

/// The scheduled pipeline against the plain fixed point, on the text
/// `bytes` decode to.
fn check_schedule(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Decoded::Text { text, .. } = decode(bytes) else {
        return Ok(());
    };
    let scheduled = clean_text_detailed(&text, &OPTIONS);
    let plain = clean_text_every_pass(&text, &OPTIONS);
    prop_assert_eq!(&scheduled.text, &plain.text, "scheduled text differs");
    prop_assert_eq!(
        &scheduled.changes,
        &plain.changes,
        "scheduled reports differ"
    );
    prop_assert_eq!(scheduled.script, plain.script, "scheduled script differs");
    Ok(())
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    check_schedule(bytes)?;
    let Some(once) = cleaned(bytes) else {
        return Ok(());
    };
    assert_canonical(&once);
    let twice = cleaned(once.as_bytes()).expect("clean output is text");
    prop_assert_eq!(twice, once, "not idempotent");
    Ok(())
}

/// Characters that exercise the stages: CJK (both scripts), ASCII and
/// full-width punctuation, whitespace of every kind, combining marks,
/// controls, private use, replacement characters.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('\u{4E00}', '\u{9FFF}'),
        3 => prop::char::range(' ', '~'),
        2 => prop::sample::select(vec![
            '\n', '\r', '\t', '\u{3000}', '\u{A0}', '\u{200B}', '\u{FEFF}', '\u{AD}', '\u{301}',
            '\u{30A}', '，', '。', '“', '”', '（', '）', '\u{FFFD}', '\u{E000}', '\u{1B}', '\0',
            '\u{85}', '\u{2028}', 'é', 'Ａ', '１', 'ｶ', 'ﾞ', '國', '锟', '斤', '拷',
        ]),
        1 => any::<char>(),
    ]
}

// 256 cases each by default; PROPTEST_CASES=N runs more.
proptest! {

    /// Random bytes are mostly taken for binary (a NUL, a run of controls),
    /// so this checks that nothing panics and that what is taken for text
    /// holds the properties; the properties themselves are exercised by the
    /// text-like generators below, which report how many cases they reach.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        check(&bytes)?;
    }

    #[test]
    fn arbitrary_text_cleans_to_a_fixed_point(chars in prop::collection::vec(tricky_char(), 0..300)) {
        let text: String = chars.into_iter().collect();
        check(text.as_bytes())?;
    }

    #[test]
    fn legacy_encoded_text_cleans_to_a_fixed_point(
        chars in prop::collection::vec(tricky_char(), 0..300),
        which in 0usize..4,
    ) {
        let text: String = chars.into_iter().collect();
        let encoding = [encoding_rs::GBK, encoding_rs::BIG5, encoding_rs::UTF_16LE, encoding_rs::SHIFT_JIS][which];
        let bytes: Vec<u8> = if encoding == encoding_rs::UTF_16LE {
            text.encode_utf16().flat_map(u16::to_le_bytes).collect()
        } else {
            encoding.encode(&text).0.into_owned()
        };
        check(&bytes)?;
    }
}

/// Real lines to build documents from: the seed documents (Simplified and
/// Traditional Chinese, with their own debris) and a few lines in other
/// languages, so every stage has something to act on.
static LINES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds/input");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let mut lines: Vec<String> = names
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    lines.extend(
        [
            "Le café est très bon, déjà prêt à servir.",
            "Die Größe der Übersetzung hängt vom Text ab.",
            "Русский текст для проверки кодировки.",
            "日本語の文章です。ひらがなとカタカナがあります。",
            "한국어 문장도 하나 있습니다.",
            "    fn main() { println!(\"hello\"); }",
        ]
        .map(String::from),
    );
    assert!(lines.len() > 100, "seed lines missing");
    lines
});

/// How a document made of real lines is damaged before canon sees it.
#[derive(Debug, Clone, Copy)]
enum Damage {
    /// Bytes in a legacy or UTF-16 encoding.
    Encoded(&'static encoding_rs::Encoding),
    /// UTF-8 bytes read with the wrong decoder and saved as UTF-8.
    Mojibake(&'static encoding_rs::Encoding),
    /// Hard-wrapped at a width, with CRLF, indents and page numbers.
    PrintLayout(usize),
    /// A few bytes deleted or overwritten (a damaged transfer).
    Bytes,
}

fn damage() -> impl Strategy<Value = Damage> {
    use encoding_rs::*;
    prop_oneof![
        prop::sample::select(vec![
            GBK,
            GB18030,
            BIG5,
            UTF_16LE,
            UTF_16BE,
            SHIFT_JIS,
            EUC_KR,
            WINDOWS_1252
        ])
        .prop_map(Damage::Encoded),
        prop::sample::select(vec![GBK, BIG5, WINDOWS_1252]).prop_map(Damage::Mojibake),
        (12usize..40).prop_map(Damage::PrintLayout),
        Just(Damage::Bytes),
    ]
}

fn apply(damage: Damage, text: &str, pick: &[usize]) -> Vec<u8> {
    match damage {
        Damage::Encoded(enc) if enc == encoding_rs::UTF_16LE => {
            text.encode_utf16().flat_map(u16::to_le_bytes).collect()
        }
        Damage::Encoded(enc) if enc == encoding_rs::UTF_16BE => {
            text.encode_utf16().flat_map(u16::to_be_bytes).collect()
        }
        Damage::Encoded(enc) => enc.encode(text).0.into_owned(),
        Damage::Mojibake(enc) => enc
            .decode_without_bom_handling(text.as_bytes())
            .0
            .into_owned()
            .into_bytes(),
        Damage::PrintLayout(width) => {
            let mut out = String::new();
            for (i, line) in text.lines().enumerate() {
                let chars: Vec<char> = line.chars().collect();
                for chunk in chars.chunks(width) {
                    if i == 0 {
                        out.push_str("  ");
                    }
                    out.extend(chunk);
                    out.push_str("\r\n");
                }
                if i % 7 == 6 {
                    out.push_str(&format!("\r\n- {} -\r\n\u{c}", i / 7 + 1));
                }
            }
            out.into_bytes()
        }
        Damage::Bytes => {
            let mut bytes = text.as_bytes().to_vec();
            for &p in pick {
                if bytes.is_empty() {
                    break;
                }
                let at = p % bytes.len();
                if p % 2 == 0 {
                    bytes.remove(at);
                } else {
                    bytes[at] = b'?';
                }
            }
            bytes
        }
    }
}

/// Documents of real lines, damaged in the ways real files are: most of
/// them must be taken for text and changed by the stages, or the property
/// would hold only vacuously. Prints how many cases each stage changed.
#[test]
fn damaged_real_text_cleans_to_a_fixed_point() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::RefCell;

    let lines = &*LINES;
    let strategy = (
        prop::collection::vec(0..lines.len(), 1..12),
        damage(),
        prop::collection::vec(any::<usize>(), 0..4),
    );
    let mut runner = TestRunner::new(Config::default());
    let cases = runner.config().cases as usize;
    // Counts of (all, text, per stage that changed the text).
    let counts = RefCell::new((0usize, 0usize, std::collections::BTreeMap::new()));
    runner
        .run(&strategy, |(picked, damage, pick)| {
            let text: String = picked.iter().map(|&i| format!("{}\n", lines[i])).collect();
            let bytes = apply(damage, &text, &pick);
            let mut c = counts.borrow_mut();
            c.0 += 1;
            if let Outcome::Text(cleaned) = clean_bytes(&bytes, &OPTIONS) {
                c.1 += 1;
                for summary in &cleaned.changes {
                    *c.2.entry(summary.stage.name()).or_insert(0usize) += 1;
                }
            }
            drop(c);
            check(&bytes)
        })
        .unwrap();
    let (all, text, per_stage) = counts.into_inner();
    eprintln!(
        "damaged real text: {all} cases, {text} taken for text, changed by stage: {per_stage:?}"
    );
    assert!(all >= cases, "{all} cases run of {cases}");
    // Real lines in any of these damages are text; a few byte-damaged UTF-16
    // documents may not be.
    assert!(
        text * 10 >= all * 9,
        "only {text} of {all} cases taken for text"
    );
    for stage in ["repair", "normalize", "convert", "layout"] {
        let changed = per_stage.get(stage).copied().unwrap_or(0);
        assert!(
            changed * 20 >= all,
            "{stage} changed only {changed} of {all} cases: the generator does not reach it"
        );
    }
}

/// Inputs the fuzzer found (`fixtures/fuzz/`), kept as regression cases.
#[test]
fn fuzz_regressions_hold_the_properties() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz");
    let mut cases = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "bin") {
            cases += 1;
            let bytes = std::fs::read(&path).unwrap();
            if let Err(e) = check(&bytes) {
                panic!("{}: {e}", path.display());
            }
        }
    }
    assert!(cases > 0, "no fuzz regression inputs in {}", dir.display());
}

/// Runs a stage on its own output: the text must come back unchanged and
/// the report empty (what the pipeline's schedule assumes of every stage
/// but layout and repair). Returns whether the first run changed the text.
fn assert_idempotent<K: canon::stages::EditKind>(
    name: &str,
    text: &str,
    stage: impl Fn(&str) -> StageOutput<'_, K>,
) -> bool {
    let once = stage(text).text;
    let twice = stage(&once);
    assert_eq!(twice.text, once, "{name} is not idempotent on {text:?}");
    assert!(
        twice.report.is_empty(),
        "{name} reports edits on its own output: {:?}",
        twice.report
    );
    matches!(once, std::borrow::Cow::Owned(_))
}

/// Each stage the schedule takes for idempotent (normalize, convert, dedup's
/// repeats), on damaged real text as repair and the stages before leave
/// it, as the pipeline feeds it.
/// Prints how many cases each stage changed, so the check is not vacuous.
#[test]
fn stages_but_layout_and_repair_are_idempotent() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::RefCell;

    let lines = &*LINES;
    let strategy = (
        prop::collection::vec(0..lines.len(), 1..12),
        damage(),
        prop::collection::vec(any::<usize>(), 0..4),
    );
    let mut runner = TestRunner::new(Config::default());
    let changed = RefCell::new([0usize; 3]);
    let converter = &*OPTIONS.converter;
    runner
        .run(&strategy, |(picked, damage, pick)| {
            let text: String = picked.iter().map(|&i| format!("{}\n", lines[i])).collect();
            let bytes = apply(damage, &text, &pick);
            let Decoded::Text { text, .. } = decode(&bytes) else {
                return Ok(());
            };
            let mut c = changed.borrow_mut();
            let text = repair::repair(&text).text;
            c[0] += usize::from(assert_idempotent("normalize", &text, normalize::normalize));
            let text = normalize::normalize(&text).text;
            c[1] += usize::from(assert_idempotent("convert", &text, |t| {
                convert::convert(t, converter).output
            }));
            let text = convert::convert(&text, converter).output.text;
            c[2] += usize::from(assert_idempotent("dedup", &text, dedup::remove_repeats));
            Ok(())
        })
        .unwrap();
    let changed = changed.into_inner();
    eprintln!("idempotence: cases changed by normalize, convert, dedup: {changed:?}");
    let cases = runner.config().cases as usize;
    for (name, n) in ["normalize", "convert"].iter().zip(changed) {
        assert!(n * 20 >= cases, "{name} changed only {n} of {cases} cases");
    }
}

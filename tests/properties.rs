//! Property tests over the per-document pipeline (bounded: a few hundred
//! cases each, so they run in the normal suite). The fuzz target in `fuzz/`
//! checks the same properties for as long as one cares to run it.
//!
//! For any input: no panic; the output is canonical (cleaning it again,
//! from its bytes, changes nothing); and it is in the form every stage
//! promises (NFC, LF only, no trailing whitespace, one final newline).

use canon::pipeline::{Options, Outcome, clean_bytes};
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

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
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

    #[test]
    fn arbitrary_bytes_never_panic_and_clean_to_a_fixed_point(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
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

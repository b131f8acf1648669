//! The per-document pipeline on arbitrary bytes: no panic, canonical output,
//! idempotence (cleaning the output again changes nothing). The same
//! properties run, bounded, in `tests/properties.rs`.
//!
//! Run: `cargo +nightly fuzz run pipeline` from the repository root.

#![no_main]

use canon::pipeline::{Options, Outcome, clean_bytes};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Built once: the conversion engine loads its dictionaries on first use,
/// which per input would cost more than cleaning the input.
static OPTIONS: OnceLock<Options> = OnceLock::new();

fuzz_target!(|bytes: &[u8]| {
    let options = OPTIONS.get_or_init(Options::default);
    let Outcome::Text(once) = clean_bytes(bytes, options) else {
        return;
    };
    let text = once.text;
    assert!(!text.contains('\r'));
    assert!(text.is_empty() || text.ends_with('\n'));
    assert!(!text.ends_with("\n\n"));
    assert!(text.lines().all(|l| l.trim_end() == l));
    assert!(text.nfc().eq(text.chars()));
    match clean_bytes(text.as_bytes(), options) {
        Outcome::Text(twice) => assert_eq!(twice.text, text, "not idempotent"),
        Outcome::Binary(kind) => panic!("cleaned output taken for binary: {kind}"),
    }
});

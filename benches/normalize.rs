//! Normalize throughput, one thread. Run with `cargo bench --bench
//! normalize`; figures are MB/s (10^6 bytes of input per second), median of
//! several rounds.
//!
//! Inputs, each repeated to at least 4 MB, from the bundled seeds:
//! - canonical text (the Simplified seeds' expected output): the fast path,
//!   which scans and returns the input borrowed;
//! - seed 003's expected output, canonical but with pinyin debris beside its
//!   ASCII marks: the full path, which finds nothing to change;
//! - the raw seeds (ASCII punctuation in Chinese, blank lines, …): the full
//!   path that rewrites.

use std::hint::black_box;

mod common;

use canon::stages::normalize::normalize;
use common::{median_mb_per_s, repeat_to, seeds};

const ROUNDS: usize = 7;
const LARGE_FILE_BYTES: usize = 4_000_000;

fn main() {
    // The expected seeds went through the whole pipeline, so normalize
    // leaves them alone. Seed 003 keeps seven U+FFFD for lost characters,
    // which once sent it down the full path (a whole-text NFC check); it
    // is measured apart to keep that from coming back.
    let all = ["000", "001", "002", "003", "004"];
    let canonical = repeat_to(
        &seeds("expected", &["000", "001", "002", "004"]),
        LARGE_FILE_BYTES,
    );
    let debris = repeat_to(&seeds("expected", &["003"]), LARGE_FILE_BYTES);
    for text in [&canonical, &debris] {
        assert!(matches!(
            normalize(text).text,
            std::borrow::Cow::Borrowed(_)
        ));
    }
    let raw = repeat_to(&seeds("input", &all), LARGE_FILE_BYTES);
    assert!(!normalize(&raw).report.is_empty());

    // The raw seeds one document at a time, as `clean` sees them: a
    // document that is canonical but for its end takes the short way.
    let documents: Vec<String> = all.iter().map(|p| seeds("input", &[p])).collect();
    let one_pass: usize = documents.iter().map(String::len).sum();
    let passes = LARGE_FILE_BYTES.div_ceil(one_pass);

    println!("one thread, median of {ROUNDS} rounds");
    let rate = median_mb_per_s(ROUNDS, one_pass * passes, || {
        for _ in 0..passes {
            for d in &documents {
                black_box(normalize(d).text.len());
            }
        }
    });
    println!(
        "{:<44} {:>9} bytes  {rate:>8.1} MB/s",
        "raw seeds, each its own document",
        one_pass * passes
    );
    for (name, text) in [
        ("canonical seeds (fast path, borrowed)", &canonical),
        ("canonical seed 003 (U+FFFD, fast path)", &debris),
        ("raw seeds as one document (full path)", &raw),
    ] {
        let rate = median_mb_per_s(ROUNDS, text.len(), || {
            black_box(normalize(text).text.len());
        });
        println!("{name:<44} {:>9} bytes  {rate:>8.1} MB/s", text.len());
    }
}

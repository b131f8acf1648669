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
use std::time::Instant;

use canon::stages::normalize::normalize;

const ROUNDS: usize = 7;
const LARGE_FILE_BYTES: usize = 4_000_000;

/// The seeds of `dir` whose names start with one of `prefixes`.
fn read_all(dir: &str, prefixes: &[&str]) -> String {
    let dir = format!("{}/fixtures/seeds/{dir}/", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            prefixes.iter().any(|x| name.starts_with(x))
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn repeat_to(text: &str, bytes: usize) -> String {
    let mut out = String::new();
    while out.len() < bytes {
        out.push_str(text);
    }
    out
}

fn median_mb_per_s(bytes: usize, mut f: impl FnMut()) -> f64 {
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            f();
            bytes as f64 / 1e6 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[ROUNDS / 2]
}

fn main() {
    // The expected seeds went through the whole pipeline, so normalize
    // leaves them alone. Seed 003 keeps seven U+FFFD for lost characters,
    // which once sent it down the full path (a whole-text NFC check); it
    // is measured apart to keep that from coming back.
    let all = ["000", "001", "002", "003", "004"];
    let canonical = repeat_to(
        &read_all("expected", &["000", "001", "002", "004"]),
        LARGE_FILE_BYTES,
    );
    let debris = repeat_to(&read_all("expected", &["003"]), LARGE_FILE_BYTES);
    for text in [&canonical, &debris] {
        assert!(matches!(
            normalize(text).text,
            std::borrow::Cow::Borrowed(_)
        ));
    }
    let raw = repeat_to(&read_all("input", &all), LARGE_FILE_BYTES);
    assert!(!normalize(&raw).report.is_empty());

    // The raw seeds one document at a time, as `clean` sees them: a
    // document that is canonical but for its end takes the short way.
    let documents: Vec<String> = all.iter().map(|p| read_all("input", &[p])).collect();
    let one_pass: usize = documents.iter().map(String::len).sum();
    let passes = LARGE_FILE_BYTES.div_ceil(one_pass);

    println!("one thread, median of {ROUNDS} rounds");
    let rate = median_mb_per_s(one_pass * passes, || {
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
        let rate = median_mb_per_s(text.len(), || {
            black_box(normalize(text).text.len());
        });
        println!("{name:<44} {:>9} bytes  {rate:>8.1} MB/s", text.len());
    }
}

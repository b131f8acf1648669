//! Detection + decoding throughput, one thread, side by side with chardetng
//! alone on the same bytes. Run with `cargo bench --bench decode`; the
//! figures are MB/s (10^6 bytes per second), median of several rounds.
//!
//! Inputs are built from the bundled seed fixtures so the benchmark needs
//! nothing outside the repository:
//! - one ≥ 4 MB GBK file (the Simplified seeds repeated);
//! - a corpus of ~4 KB documents, GBK (Simplified seeds) and Big5 (the
//!   Traditional seed), cut at line boundaries.

use std::hint::black_box;
use std::time::Instant;

mod common;

use canon::stages::decode::{Decoded, decode};
use common::seed;
use encoding_rs::{BIG5, Encoding, GBK};

const ROUNDS: usize = 7;
const LARGE_FILE_BYTES: usize = 4_000_000;
const SMALL_DOC_BYTES: usize = 4096;

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    encoding.encode(text).0.into_owned()
}

/// Cuts `text` into documents of about `size` encoded bytes, at line ends.
fn documents(encoding: &'static Encoding, text: &str, size: usize) -> Vec<Vec<u8>> {
    let mut docs = Vec::new();
    let mut current = Vec::new();
    for line in text.split_inclusive('\n') {
        let bytes = encode(encoding, line);
        if current.len() + bytes.len() > size && !current.is_empty() {
            docs.push(std::mem::take(&mut current));
        }
        current.extend_from_slice(&bytes[..bytes.len().min(size)]);
    }
    if !current.is_empty() {
        docs.push(current);
    }
    docs
}

fn median_mb_per_s(docs: &[Vec<u8>], mut f: impl FnMut(&[u8])) -> f64 {
    let total: usize = docs.iter().map(Vec::len).sum();
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            for d in docs {
                f(d);
            }
            total as f64 / 1e6 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[ROUNDS / 2]
}

fn canon_decode(bytes: &[u8]) -> &'static str {
    match decode(bytes) {
        Decoded::Text { text, report } => {
            black_box(text.len());
            report.encoding
        }
        Decoded::Binary(_) => "binary",
    }
}

fn chardetng_guess(bytes: &[u8]) -> &'static Encoding {
    let mut d = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    d.feed(bytes, true);
    d.guess(None, chardetng::Utf8Detection::Allow)
}

fn row(name: &str, docs: &[Vec<u8>], expected: &[&str]) {
    let total: usize = docs.iter().map(Vec::len).sum();
    let wrong = docs
        .iter()
        .filter(|d| !expected.contains(&canon_decode(d)))
        .count();
    let canon = median_mb_per_s(docs, |d| {
        black_box(canon_decode(d));
    });
    let chardet = median_mb_per_s(docs, |d| {
        black_box(chardetng_guess(d));
    });
    let chardet_decode = median_mb_per_s(docs, |d| {
        let (text, _, _) = chardetng_guess(d).decode(d);
        black_box(text.len());
    });
    println!(
        "{name:<28} {:>5} docs {:>9} bytes | canon detect+decode {canon:>8.1} MB/s | chardetng guess only {chardet:>7.1} MB/s | chardetng+decode {chardet_decode:>7.1} MB/s | ratio {:>5.1}x | misdetected {wrong}",
        docs.len(),
        total,
        canon / chardet
    );
}

fn main() {
    let simplified: String = ["000", "001", "002", "004"].map(seed).concat();
    let traditional = seed("003");

    let mut large = String::new();
    while large.len() < LARGE_FILE_BYTES * 3 / 2 {
        large.push_str(&simplified);
    }
    let large_gbk = vec![encode(GBK, &large)];
    assert!(large_gbk[0].len() >= LARGE_FILE_BYTES);

    let mut corpus_text = String::new();
    while corpus_text.len() < 4 * LARGE_FILE_BYTES / 2 {
        corpus_text.push_str(&simplified);
    }
    let small_gbk = documents(GBK, &corpus_text, SMALL_DOC_BYTES);
    let mut big5_text = String::new();
    while big5_text.len() < 2 * LARGE_FILE_BYTES / 2 {
        big5_text.push_str(&traditional);
    }
    let small_big5 = documents(BIG5, &big5_text, SMALL_DOC_BYTES);
    let mut mixed = small_gbk.clone();
    mixed.extend(small_big5.iter().cloned());

    println!("one thread, median of {ROUNDS} rounds");
    row("large GBK file (>= 4 MB)", &large_gbk, &["GBK"]);
    row("4 KB GBK documents", &small_gbk, &["GBK"]);
    row("4 KB Big5 documents", &small_big5, &["Big5"]);
    row("4 KB GBK+Big5 corpus", &mixed, &["GBK", "Big5"]);
}

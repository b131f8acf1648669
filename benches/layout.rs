//! Layout-stage throughput, one thread. Run with `cargo bench --bench layout`;
//! figures are MB/s (10^6 bytes per second), median of several rounds.
//!
//! Inputs are built from the bundled seed fixtures, so the benchmark needs
//! nothing outside the repository:
//! - the seeds as they are (paragraph per line, double-spaced, hard-wrapped);
//! - the seeds hard-wrapped at 30 characters with indentation, page numbers,
//!   running headers and form feeds every 40 lines (the extractor case);
//! - already-canonical text (the stage's own output: the no-change path).

use std::hint::black_box;
use std::time::Instant;

use canon::stages::layout::layout;

const ROUNDS: usize = 7;
const TARGET_BYTES: usize = 8_000_000;
const WRAP_CHARS: usize = 30;
const LINES_PER_PAGE: usize = 40;

fn seeds() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds/input/");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn repeat(text: &str) -> String {
    let mut out = String::with_capacity(TARGET_BYTES + text.len());
    while out.len() < TARGET_BYTES {
        out.push_str(text);
    }
    out
}

/// Hard-wraps every paragraph, indents it and adds page debris.
fn extracted(text: &str) -> String {
    let mut lines = Vec::new();
    for para in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let chars: Vec<char> = para.chars().collect();
        for (k, chunk) in chars.chunks(WRAP_CHARS).enumerate() {
            let indent = if k == 0 { "\u{3000}\u{3000}" } else { "" };
            lines.push(format!("{indent}{}", chunk.iter().collect::<String>()));
        }
    }
    let mut out = String::new();
    for (page, chunk) in lines.chunks(LINES_PER_PAGE).enumerate() {
        out.push_str("网信工作学习资料\n");
        for l in chunk {
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(&format!("- {} -\n\x0c", page + 1));
    }
    out
}

fn median_mb_per_s(text: &str) -> f64 {
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            let out = layout(black_box(text));
            black_box(out.text.len());
            text.len() as f64 / 1e6 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[ROUNDS / 2]
}

fn main() {
    let seeds = seeds();
    let raw = repeat(&seeds);
    let pdf_like = repeat(&extracted(&seeds));
    let canonical = layout(&raw).text.into_owned();
    // `cargo bench --bench layout -- wrapped` runs the cases whose name
    // contains the argument (for profiling one case).
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    println!("one thread, median of {ROUNDS} rounds");
    for (name, text) in [
        ("seeds as they are", &raw),
        ("wrapped, paged, indented", &pdf_like),
        ("already canonical", &canonical),
    ] {
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            continue;
        }
        println!(
            "{name:<26} {:>10} bytes  {:>8.1} MB/s",
            text.len(),
            median_mb_per_s(text)
        );
    }
}

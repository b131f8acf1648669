//! Repair-stage throughput, one thread. Run with `cargo bench --bench repair`;
//! figures are MB/s (10^6 bytes of UTF-8 input per second), median of several
//! rounds.
//!
//! Inputs are built from the bundled seed fixtures (nothing outside the
//! repository):
//! - clean Chinese: the cleaned seeds (Simplified and Traditional) repeated
//!   to ≥ 4 MB — the common case, which must be a fast scan;
//! - mojibake-heavy: the same text with every line damaged, alternating
//!   UTF-8 read as GBK, UTF-8 read as windows-1252 and GBK read as
//!   windows-1252, so every line goes through the repairs.

use std::hint::black_box;
use std::time::Instant;

use canon::stages::repair::repair;
use encoding_rs::{GBK, WINDOWS_1252};

const ROUNDS: usize = 7;
const TARGET_BYTES: usize = 4_000_000;

fn seeds() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds/expected/");
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

fn repeat_to(text: &str, bytes: usize) -> String {
    let mut out = String::new();
    while out.len() < bytes {
        out.push_str(text);
    }
    out
}

/// Damages every non-empty line one of three ways.
fn mojibake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (i, line) in text.lines().enumerate() {
        let damaged = match i % 3 {
            0 => GBK
                .decode_without_bom_handling(line.as_bytes())
                .0
                .into_owned(),
            1 => WINDOWS_1252
                .decode_without_bom_handling(line.as_bytes())
                .0
                .into_owned(),
            _ => {
                let (gbk, _, _) = GBK.encode(line);
                WINDOWS_1252
                    .decode_without_bom_handling(&gbk)
                    .0
                    .into_owned()
            }
        };
        out.push_str(&damaged);
        out.push('\n');
    }
    out
}

fn median_mb_per_s(text: &str) -> f64 {
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            let out = repair(black_box(text));
            black_box(out.text.len());
            text.len() as f64 / 1e6 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[ROUNDS / 2]
}

fn main() {
    let clean = repeat_to(&seeds(), TARGET_BYTES);
    let damaged = mojibake(&repeat_to(&seeds(), TARGET_BYTES / 2));
    let changed = repair(&clean).report.is_empty();
    let fixed = repair(&damaged);
    println!("one thread, median of {ROUNDS} rounds");
    println!(
        "clean Chinese        {:>9} bytes | {:>8.1} MB/s | unchanged: {changed}",
        clean.len(),
        median_mb_per_s(&clean)
    );
    println!(
        "mojibake-heavy       {:>9} bytes | {:>8.1} MB/s | repair edits: {}",
        damaged.len(),
        median_mb_per_s(&damaged),
        fixed.report.edits.iter().map(|e| e.count).sum::<u64>()
    );
}

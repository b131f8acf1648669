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

mod common;

use canon::stages::repair::repair;
use common::{median_mb_per_s, repeat_to, seeds};
use encoding_rs::{GBK, WINDOWS_1252};

const ROUNDS: usize = 7;
const TARGET_BYTES: usize = 4_000_000;

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

fn main() {
    let clean = repeat_to(&seeds("expected", &[]), TARGET_BYTES);
    let damaged = mojibake(&repeat_to(&seeds("expected", &[]), TARGET_BYTES / 2));
    let changed = repair(&clean).report.is_empty();
    let fixed = repair(&damaged);
    println!("one thread, median of {ROUNDS} rounds");
    println!(
        "clean Chinese        {:>9} bytes | {:>8.1} MB/s | unchanged: {changed}",
        clean.len(),
        median_mb_per_s(ROUNDS, clean.len(), || {
            black_box(repair(black_box(&clean)).text.len());
        })
    );
    println!(
        "mojibake-heavy       {:>9} bytes | {:>8.1} MB/s | repair edits: {}",
        damaged.len(),
        median_mb_per_s(ROUNDS, damaged.len(), || {
            black_box(repair(black_box(&damaged)).text.len());
        }),
        fixed.report.edits.iter().map(|e| e.count).sum::<u64>()
    );
}

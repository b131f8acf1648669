//! Layout-stage throughput, one thread. Run with `cargo bench --bench layout`;
//! figures are MB/s (10^6 bytes per second), median of several rounds, and
//! on Linux also MB per second of this thread's CPU time over all rounds:
//! on a machine shared with other processes the wall clock counts the time
//! they held the core, the CPU time does not (a virtual machine's host, or a
//! busy sibling hyperthread, still slows both).
//!
//! Inputs are built from the bundled seed fixtures, so the benchmark needs
//! nothing outside the repository:
//! - the seeds as they are (paragraph per line, double-spaced, hard-wrapped);
//! - the seeds hard-wrapped at 30 characters with indentation, page numbers,
//!   running headers and form feeds every 40 lines (the extractor case);
//! - already-canonical text (the stage's own output: the no-change path).

use std::hint::black_box;

mod common;

use canon::stages::layout::layout;
use common::{median_mb_per_s, repeat_to, seeds};

const ROUNDS: usize = 7;
const TARGET_BYTES: usize = 8_000_000;
const WRAP_CHARS: usize = 30;
const LINES_PER_PAGE: usize = 40;

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

/// Nanoseconds this thread has run on a CPU (Linux scheduler statistics);
/// `None` where they are not available.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn main() {
    let seeds = seeds("input", &[]);
    let raw = repeat_to(&seeds, TARGET_BYTES);
    let pdf_like = repeat_to(&extracted(&seeds), TARGET_BYTES);
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
        let cpu_start = thread_cpu_ns();
        let wall = median_mb_per_s(ROUNDS, text.len(), || {
            black_box(layout(black_box(text)).text.len());
        });
        // Over all rounds: the scheduler's figures advance by its ticks.
        let cpu = cpu_start
            .zip(thread_cpu_ns())
            .map(|(start, end)| (ROUNDS * text.len()) as f64 / 1e6 / ((end - start) as f64 / 1e9))
            .map_or(String::new(), |rate| {
                format!("  {rate:>8.1} MB/s of CPU time")
            });
        println!("{name:<26} {:>10} bytes  {wall:>8.1} MB/s{cpu}", text.len());
    }
}

//! Helpers shared by the benchmarks: the bundled seeds as input text and a
//! median rate over repeated rounds.
#![allow(dead_code)] // each benchmark uses its own subset

use std::time::Instant;

/// The seeds in `fixtures/seeds/<dir>/` (`input` or `expected`) whose names
/// start with one of `prefixes` (all of them when empty), concatenated in
/// sorted order.
pub fn seeds(dir: &str, prefixes: &[&str]) -> String {
    let dir = format!("{}/fixtures/seeds/{dir}/", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            prefixes.is_empty() || prefixes.iter().any(|x| name.starts_with(x))
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// The raw seed whose name starts with `name` (`"003"`).
pub fn seed(name: &str) -> String {
    let text = seeds("input", &[name]);
    assert!(!text.is_empty(), "no seed named {name}");
    text
}

/// `text` repeated until it holds at least `bytes` bytes.
pub fn repeat_to(text: &str, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + text.len());
    while out.len() < bytes {
        out.push_str(text);
    }
    out
}

/// Median over `rounds` runs of `f` of the rate at which it goes through
/// `bytes` bytes, in MB/s: the median resists a round slowed by another
/// process on a shared machine.
pub fn median_mb_per_s(rounds: usize, bytes: usize, mut f: impl FnMut()) -> f64 {
    let mut rates: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            bytes as f64 / 1e6 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[rounds / 2]
}

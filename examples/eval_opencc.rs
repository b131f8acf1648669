//! Exact-match score of every shipped `--convert` config on OpenCC's own
//! conversion suite (`cases.jsonl`: id, input, expected {config: output}).
//! Run through `scripts/eval-opencc.sh`; an evaluation, not a test.
//!
//! Each input is converted as one string with the config's tables, as
//! OpenCC's test runner does (no script detection: the suite feeds `t2s`
//! lines that are partly Simplified on purpose). `-v` lists every failure.

use std::collections::BTreeMap;
use std::path::PathBuf;

use canon::stages::convert::{ConvertConfig, Converter};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut path = PathBuf::from("../shared/eval/opencc/cases.jsonl");
    let mut verbose = false;
    for arg in args.by_ref() {
        if arg == "-v" {
            verbose = true;
        } else {
            path = PathBuf::from(arg);
        }
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("cases.jsonl is JSON Lines"))
        .collect();
    let mut scores: BTreeMap<usize, (ConvertConfig, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (order, config) in ConvertConfig::ALL.into_iter().enumerate() {
        let converter = Converter::new(config);
        let (mut total, mut exact) = (0, 0);
        for case in &cases {
            let Some(expected) = case["expected"][config.name()].as_str() else {
                continue;
            };
            let input = case["input"].as_str().unwrap_or_default();
            total += 1;
            let got = converter.convert_text(input);
            if got == expected {
                exact += 1;
            } else {
                failures.push(format!(
                    "{config} {}: {input}\n  expected {expected}\n  got      {got}",
                    case["id"].as_str().unwrap_or("?")
                ));
            }
        }
        scores.insert(order, (config, exact, total));
    }
    println!(
        "OpenCC suite ({} cases), exact matches per config:",
        cases.len()
    );
    for (config, exact, total) in scores.values() {
        println!(
            "  {:<6} {exact:>3}/{total:<3} {:>5.1}%",
            config.name(),
            100.0 * *exact as f64 / (*total).max(1) as f64
        );
    }
    if verbose {
        println!("\nfailures:");
        for f in &failures {
            println!("{f}");
        }
    }
}

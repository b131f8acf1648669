//! Counts, over a corpus, which per-document stages change each document in
//! which pass of the fixed point: where the cost of the passes after the
//! first comes from (`docs/BENCHMARKS.md`).
//!
//! ```sh
//! cargo run --release --example pass_stats -- DIR
//! ```
//!
//! Prints one line per pass: how many documents reached it and, per stage,
//! how many of them the stage changed. Every stage runs in every pass here
//! (the plain fixed point), so the counts say what each pass is for.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use canon::pipeline::Options;
use canon::stages::decode::{Decoded, decode};
use canon::stages::{convert, dedup, layout, normalize, repair};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: pass_stats DIR"));
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    let options = Options::default();
    let converter = &*options.converter;
    // Pass → (documents reaching it, stage → documents it changed).
    let mut passes: BTreeMap<usize, (usize, BTreeMap<&str, usize>)> = BTreeMap::new();
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let Decoded::Text { text, .. } = decode(&bytes) else {
            continue;
        };
        let mut current = text.into_owned();
        for pass in 1..=8 {
            let entry = passes.entry(pass).or_default();
            entry.0 += 1;
            let before = current.clone();
            let stages: [(&str, StageFn); 5] = [
                ("repair", &|t| owned(repair::repair(t).text)),
                ("normalize", &|t| owned(normalize::normalize(t).text)),
                ("convert", &|t| {
                    owned(convert::convert(t, converter).output.text)
                }),
                ("layout", &|t| owned(layout::layout(t).text)),
                ("dedup", &|t| owned(dedup::remove_repeats(t).text)),
            ];
            for (name, stage) in stages {
                if let Some(out) = stage(&current) {
                    *entry.1.entry(name).or_default() += 1;
                    current = out;
                }
            }
            if current == before {
                break;
            }
        }
    }
    println!("{} files in {}", paths.len(), dir.display());
    for (pass, (docs, stages)) in &passes {
        println!("pass {pass}: {docs} documents; changed by {stages:?}");
    }
}

type StageFn<'c> = &'c dyn Fn(&str) -> Option<String>;

fn owned(text: std::borrow::Cow<'_, str>) -> Option<String> {
    match text {
        std::borrow::Cow::Owned(s) => Some(s),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

//! Conversion throughput, one thread, side by side with the `opencc`
//! command-line tool on the same file. Run with `cargo bench --bench
//! convert`; figures are MB/s (10^6 bytes of input per second), median of
//! several rounds.
//!
//! Input: the bundled Traditional seed with its pinyin annotations (`進(jìn)`)
//! removed, repeated to at least 4 MB, as one document and as ~4 KB
//! documents; and the Simplified seeds, which the stage only scans.
//!
//! The `opencc` rows run Debian's `/usr/bin/opencc` and, when `OPENCC`
//! names one (with `OPENCC_CONFIG`, the path of its `t2s.json`), another
//! build such as the one inside PyPI's `opencc` package. The process reads
//! and writes files, so its figure includes start-up and I/O (small on 4 MB).

use std::hint::black_box;
use std::path::Path;
use std::process::Command;

mod common;

use canon::stages::convert::{ConvertConfig, Converter, convert};
use common::{median_mb_per_s, repeat_to, seed};

const ROUNDS: usize = 5;
const LARGE_FILE_BYTES: usize = 4_000_000;
const SMALL_DOC_BYTES: usize = 4096;

/// Drops `(pinyin)` annotations: parentheses holding only Latin letters.
fn strip_pinyin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('(') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(')') {
            Some(j)
                if j > 0
                    && after[..j].chars().all(|c| {
                        c.is_alphabetic() && !c.is_ascii_uppercase() && (c as u32) < 0x2E80
                    }) =>
            {
                rest = &after[j + 1..];
            }
            _ => {
                out.push('(');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn documents(text: &str, size: usize) -> Vec<String> {
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if current.len() + line.len() > size && !current.is_empty() {
            docs.push(std::mem::take(&mut current));
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        docs.push(current);
    }
    docs
}

fn opencc_cli(binary: &str, config: &str, file: &Path, bytes: usize) -> Option<f64> {
    let out = file.with_extension("out");
    let run = || {
        Command::new(binary)
            .args(["-c", config, "-i"])
            .arg(file)
            .arg("-o")
            .arg(&out)
            .status()
            .ok()
            .filter(|s| s.success())
    };
    run()?;
    Some(median_mb_per_s(ROUNDS, bytes, || {
        run();
    }))
}

fn main() {
    let traditional = strip_pinyin(&seed("003"));
    let large = repeat_to(&traditional, LARGE_FILE_BYTES);
    let small = documents(&repeat_to(&traditional, LARGE_FILE_BYTES), SMALL_DOC_BYTES);
    let simplified = repeat_to(
        &["000", "001", "002", "004"].map(seed).concat(),
        LARGE_FILE_BYTES,
    );
    let converter = Converter::new(ConvertConfig::T2s);
    let check = convert(&large, &converter);
    assert!(
        !check.output.report.is_empty(),
        "the Traditional text converts"
    );

    println!("one thread, median of {ROUNDS} rounds, config t2s");
    let stage_large = median_mb_per_s(ROUNDS, large.len(), || {
        black_box(convert(&large, &converter).output.text.len());
    });
    println!(
        "canon convert stage, {:>8} bytes Traditional, one document  {stage_large:>7.1} MB/s",
        large.len()
    );
    let small_bytes: usize = small.iter().map(String::len).sum();
    let stage_small = median_mb_per_s(ROUNDS, small_bytes, || {
        for d in &small {
            black_box(convert(d, &converter).output.text.len());
        }
    });
    println!(
        "canon convert stage, {small_bytes:>8} bytes Traditional, {} x ~4 KB   {stage_small:>7.1} MB/s",
        small.len()
    );
    let engine = median_mb_per_s(ROUNDS, large.len(), || {
        black_box(converter.convert_text(&large).len());
    });
    println!("engine alone (convert::opencc + overrides), same text     {engine:>7.1} MB/s");
    // The engine we replaced, in the same run, for the ratio (without our
    // custom words, which the stage does not expose: it runs a little faster
    // than it did inside the stage).
    let zhhz = zhhz::Converter::new(zhhz::Config::T2s);
    let before = median_mb_per_s(ROUNDS, large.len(), || {
        black_box(zhhz.convert(&large).len());
    });
    println!("zhhz engine alone (no custom words), same text            {before:>7.1} MB/s");
    let detect = median_mb_per_s(ROUNDS, simplified.len(), || {
        black_box(convert(&simplified, &converter).output.text.len());
    });
    println!(
        "canon convert stage, {:>8} bytes Simplified (detect only)  {detect:>7.1} MB/s",
        simplified.len()
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("traditional.txt");
    std::fs::write(&file, &large).unwrap();
    let mut binaries = vec![("/usr/bin/opencc".to_string(), "t2s.json".to_string())];
    if let Ok(extra) = std::env::var("OPENCC") {
        let config = std::env::var("OPENCC_CONFIG").unwrap_or_else(|_| "t2s.json".into());
        binaries.push((extra, config));
    }
    for (binary, config) in binaries {
        match opencc_cli(&binary, &config, &file, large.len()) {
            Some(rate) => println!("{binary} -c {config}, same Traditional file  {rate:>7.1} MB/s"),
            None => println!("{binary}: not available (apt-get install opencc)"),
        }
    }
}

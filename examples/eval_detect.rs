//! Detection accuracy on a folder of real files labelled by encoding
//! (`labels.tsv`: path, expected_whatwg, upstream_label, language, group, …).
//! Run through `scripts/eval-detect.sh`; an evaluation, not a test.
//!
//! A file counts as decoded exactly when canon's decoded text equals the
//! file decoded with its label (BOM of that encoding removed) and canon
//! reported no replacement characters. For labels encoding_rs cannot
//! decode (EUC-TW `-`, `replacement` for HZ and ISO-2022-KR, UTF-32), the
//! reference text comes from another implementation: `eval-detect.sh`
//! decodes those files with glibc's iconv (EUC-TW, ISO-2022-KR) and
//! Python's codecs (HZ, UTF-32) into a folder given as the second argument,
//! and canon must name the encoding and give that text. Without a reference
//! such a file is reported as unchecked, never as decoded exactly.

use std::collections::BTreeMap;
use std::path::PathBuf;

use canon::stages::decode::{Decoded, decode};
use encoding_rs::Encoding;

const CHINESE: &[&str] = &["GBK", "gb18030", "Big5", "EUC-TW", "HZ-GB-2312"];

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/eval/encodings/real".into()),
    );
    let references = std::env::args().nth(2).map(PathBuf::from);
    let mut unchecked = Vec::new();
    let labels = std::fs::read_to_string(root.join("labels.tsv"))
        .unwrap_or_else(|e| panic!("{}: {e}", root.join("labels.tsv").display()));
    // group → (files, exact)
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut false_chinese = Vec::new();
    for line in labels.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (path, expected, upstream, group) = (cols[0], cols[1], cols[2], cols[4]);
        let bytes = std::fs::read(root.join(path)).expect("labelled file");
        let (ok, got) = match decode(&bytes) {
            Decoded::Binary(kind) => (false, format!("binary: {kind}")),
            Decoded::Text { text, report } => {
                // The name canon must give where encoding_rs has no decoder.
                let named = match expected {
                    "-" => Some("EUC-TW"),
                    "replacement" if upstream.to_ascii_lowercase().contains("hz") => {
                        Some("HZ-GB-2312")
                    }
                    "replacement" => Some("ISO-2022-KR"),
                    "UTF-32LE" | "UTF-32BE" => Some(expected),
                    _ => None,
                };
                let ok = match named {
                    Some(name) => {
                        let reference = references
                            .as_ref()
                            .and_then(|dir| std::fs::read_to_string(dir.join(path)).ok());
                        match reference {
                            Some(want) => {
                                report.encoding == name && report.replacements == 0 && text == want
                            }
                            None => {
                                unchecked.push(format!("{path} (named {})", report.encoding));
                                false
                            }
                        }
                    }
                    None => {
                        let label = expected;
                        let encoding = Encoding::for_label(label.as_bytes()).expect("known label");
                        let (want, _) = encoding.decode_with_bom_removal(&bytes);
                        report.replacements == 0 && text == want
                    }
                };
                if group == "other" && CHINESE.contains(&report.encoding) {
                    false_chinese.push(format!("{path}: {} ({expected})", report.encoding));
                }
                (
                    ok,
                    format!(
                        "{} conf {:.3} by {:?} repl {}{}",
                        report.encoding,
                        report.confidence,
                        report.method,
                        report.replacements,
                        report
                            .runner_up
                            .map(|r| format!(" runner-up {} {:.3}", r.encoding, r.score))
                            .unwrap_or_default()
                    ),
                )
            }
        };
        let g = groups.entry(group.to_string()).or_default();
        g.0 += 1;
        g.1 += usize::from(ok);
        if !ok {
            failures.push(format!("[{group}] {path}: expected {expected}, got {got}"));
        }
    }
    println!("failures:");
    for f in &failures {
        println!("  {f}");
    }
    println!(
        "unchecked (no reference decoding; counted as not exact): {}",
        unchecked.len()
    );
    for f in &unchecked {
        println!("  {f}");
    }
    println!(
        "non-Chinese files reported as a Chinese encoding: {}",
        false_chinese.len()
    );
    for f in &false_chinese {
        println!("  {f}");
    }
    let (mut zh_unicode_files, mut zh_unicode_ok) = (0, 0);
    for (group, (files, ok)) in &groups {
        println!(
            "{group:<8} {ok:>3}/{files:<3} decoded exactly ({:.1}%)",
            100.0 * *ok as f64 / *files as f64
        );
        if group == "zh" || group == "unicode" {
            zh_unicode_files += files;
            zh_unicode_ok += ok;
        }
    }
    println!(
        "zh+unicode {zh_unicode_ok}/{zh_unicode_files} decoded exactly ({:.1}%)",
        100.0 * zh_unicode_ok as f64 / zh_unicode_files as f64
    );
}

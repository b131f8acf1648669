//! Golden-file tests over `fixtures/`.
//!
//! - `fixtures/seeds/input/<name>.txt` → `fixtures/seeds/expected/<name>.txt`
//!   through the whole per-document pipeline.
//! - `fixtures/<stage>/<case>/input.txt` → `expected.txt` through that stage
//!   alone (every other stage skipped). Cases whose expected equals their
//!   input are the negatives: the stage must leave them alone.
//! - `fixtures/decode/<case>/input.bin` → `expected.txt` through decoding,
//!   with the encoding named by the case.
//!
//! Two kinds of expected file:
//! - true answers, which say what the text really was: the repair cases'
//!   `expected.txt` (the undamaged line, written by
//!   `scripts/make-repair-fixtures.py`) and the decode cases' (written by
//!   `scripts/make-decode-fixtures.py`). Nothing here ever rewrites them;
//!   a mismatch is a failure, whatever the environment says.
//! - snapshots, which record reviewed output: the seeds and the other
//!   stages' cases. `UPDATE_EXPECT=1 cargo test --test fixtures` rewrites
//!   the snapshots that differ and prints each one it rewrote with its first
//!   changed line, old and new; review the diff before committing.

use std::fs;
use std::path::{Path, PathBuf};

use canon::pipeline::{self, Options, Outcome};
use canon::stages::Stage;
use canon::stages::decode::{self, Decoded};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

/// Fixture areas whose expected files are true answers, not snapshots: the
/// undamaged text a repair must give back is not whatever the stage gives.
const TRUE_ANSWER_AREAS: &[&str] = &["repair"];

/// The first line where two texts differ, 1-based, with both versions.
fn first_changed_line(old: &str, new: &str) -> String {
    let mut old_lines = old.split('\n');
    let mut new_lines = new.split('\n');
    let mut n = 1;
    loop {
        match (old_lines.next(), new_lines.next()) {
            (Some(a), Some(b)) if a == b => n += 1,
            (a, b) => {
                return format!(
                    "line {n}:\n    - {}\n    + {}",
                    a.unwrap_or("(end)"),
                    b.unwrap_or("(end)")
                );
            }
        }
    }
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

fn clean(bytes: &[u8], options: &Options) -> String {
    match pipeline::clean_bytes(bytes, options) {
        Outcome::Text(cleaned) => cleaned.text,
        Outcome::Binary(kind) => panic!("fixture taken for binary: {kind}"),
    }
}

/// Compares `actual` with the file at `expected`. A snapshot that differs is
/// rewritten when updating, and the rewrite is printed; a true answer never
/// is. Returns a failure description instead of panicking so one run
/// reports every mismatch.
fn check_expected(expected: &Path, actual: &str, truth: bool, failures: &mut Vec<String>) {
    let current = fs::read_to_string(expected);
    if updating() && !truth && current.as_deref().ok() != Some(actual) {
        let old = current.unwrap_or_default();
        eprintln!(
            "UPDATE_EXPECT: rewrote {} at {}",
            expected.display(),
            first_changed_line(&old, actual)
        );
        fs::create_dir_all(expected.parent().unwrap()).unwrap();
        fs::write(expected, actual).unwrap();
        return;
    }
    match current {
        Ok(want) if want == actual => {}
        Ok(want) => failures.push(format!(
            "{}: differs from the pipeline's output (first difference at byte {})",
            expected.display(),
            want.bytes()
                .zip(actual.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(want.len().min(actual.len()))
        )),
        Err(e) => failures.push(format!("{}: {e}", expected.display())),
    }
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed (UPDATE_EXPECT=1 rewrites snapshots, never true answers; review the diff):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn seeds_match_their_expected_output() {
    let dir = fixtures().join("seeds");
    let mut failures = Vec::new();
    let inputs = sorted_dir(&dir.join("input"));
    assert_eq!(inputs.len(), 5, "the five seed documents");
    let mut compared = 0;
    for input in inputs {
        let actual = clean(&fs::read(&input).unwrap(), &Options::default());
        let expected = dir.join("expected").join(input.file_name().unwrap());
        check_expected(&expected, &actual, false, &mut failures);
        compared += 1;
    }
    assert_eq!(compared, 5, "seed cases compared");
    assert_no_failures(failures);
}

/// Options that run only `stage` (after decode).
fn only(stage: Stage) -> Options {
    Options {
        skip: Stage::ALL
            .into_iter()
            .filter(|s| *s != stage && *s != Stage::Decode)
            .collect(),
        ..Options::default()
    }
}

#[test]
fn stage_fixtures_match() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for stage in [
        Stage::Repair,
        Stage::Normalize,
        Stage::Convert,
        Stage::Layout,
        Stage::Dedup,
    ] {
        let area = fixtures().join(stage.name());
        if !area.is_dir() {
            continue;
        }
        for case in sorted_dir(&area) {
            if !case.join("input.txt").is_file() {
                continue;
            }
            cases += 1;
            let input = fs::read(case.join("input.txt")).unwrap();
            let actual = clean(&input, &only(stage));
            let truth = TRUE_ANSWER_AREAS.contains(&stage.name());
            check_expected(&case.join("expected.txt"), &actual, truth, &mut failures);
        }
    }
    assert!(cases > 0, "no stage fixtures found");
    assert_no_failures(failures);
}

/// The encoding a decode case's name promises.
fn expected_encoding(case: &str) -> &'static [&'static str] {
    let suffix = case.split_once('-').map_or(case, |(_, s)| s);
    match (case, suffix) {
        (_, "gbk") | ("gbk-short", _) => &["GBK", "gb18030"],
        (_, "gb18030") => &["gb18030", "GBK"],
        (_, "big5") | ("big5-short", _) => &["Big5"],
        (_, "utf16le-bom" | "utf16le-nobom") => &["UTF-16LE"],
        (_, "utf16be-bom" | "utf16be-nobom") => &["UTF-16BE"],
        ("utf32le-bom", _) => &["UTF-32LE"],
        ("utf32be-bom", _) => &["UTF-32BE"],
        ("hz", _) => &["HZ-GB-2312"],
        _ => &["UTF-8"],
    }
}

#[test]
fn decode_fixtures_decode_exactly() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for case in sorted_dir(&fixtures().join("decode")) {
        if !case.is_dir() {
            continue;
        }
        cases += 1;
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let bytes = fs::read(case.join("input.bin")).unwrap();
        let want = fs::read_to_string(case.join("expected.txt")).unwrap();
        match decode::decode(&bytes) {
            Decoded::Binary(kind) => failures.push(format!("{name}: taken for binary ({kind})")),
            Decoded::Text { text, report } => {
                if text != want {
                    failures.push(format!(
                        "{name}: decoded text differs ({})",
                        report.encoding
                    ));
                }
                if !expected_encoding(&name).contains(&report.encoding) {
                    failures.push(format!("{name}: named {}", report.encoding));
                }
                if report.replacements != 0 {
                    failures.push(format!("{name}: {} replacements", report.replacements));
                }
                if name.ends_with("-bom") != report.bom {
                    failures.push(format!("{name}: bom reported as {}", report.bom));
                }
            }
        }
    }
    assert!(cases >= 40, "decode fixtures missing: {cases}");
    assert_no_failures(failures);
}

/// Every re-encoding of a seed must clean to the same text as the seed.
#[test]
fn every_encoding_of_a_seed_cleans_alike() {
    let seeds = fixtures().join("seeds").join("input");
    for case in sorted_dir(&fixtures().join("decode")) {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let Some((prefix, _)) = name.split_once('-') else {
            continue;
        };
        let Some(seed) = sorted_dir(&seeds).into_iter().find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("{prefix}_"))
        }) else {
            continue;
        };
        // Legacy encodings wrote unencodable characters as references, so
        // compare against the case's own expected text, cleaned.
        let expected_text = fs::read(case.join("expected.txt")).unwrap();
        let via_encoding = clean(
            &fs::read(case.join("input.bin")).unwrap(),
            &Options::default(),
        );
        assert_eq!(
            via_encoding,
            clean(&expected_text, &Options::default()),
            "{name}"
        );
        if !name.ends_with("gbk") && !name.ends_with("big5") {
            assert_eq!(
                via_encoding,
                clean(&fs::read(&seed).unwrap(), &Options::default()),
                "{name} vs its seed"
            );
        }
    }
}

/// clean(clean(x)) == clean(x) for every text fixture.
#[test]
fn cleaning_is_idempotent_on_fixtures() {
    let mut texts: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for input in sorted_dir(&fixtures().join("seeds").join("input")) {
        texts.push((input.clone(), fs::read(&input).unwrap()));
    }
    for area in sorted_dir(&fixtures()) {
        if !area.is_dir() {
            continue;
        }
        for case in sorted_dir(&area) {
            for file in ["input.txt", "input.bin"] {
                let path = case.join(file);
                if path.is_file() {
                    texts.push((path.clone(), fs::read(&path).unwrap()));
                }
            }
        }
    }
    assert!(texts.len() > 40);
    let options = Options::default();
    for (path, bytes) in texts {
        let once = clean(&bytes, &options);
        let twice = clean(once.as_bytes(), &options);
        assert_eq!(twice, once, "not idempotent: {}", path.display());
    }
}

/// The repair cases we get wrong (`fixtures/repair-known-failures/*.jsonl`,
/// written by `scripts/make-repair-fixtures.py`) still come out as recorded:
/// a fix, or any other change, fails here so the fixtures are regenerated
/// and the case moves to `fixtures/repair/` or its new output is reviewed.
#[test]
fn repair_known_failures_are_still_checked() {
    let dir = fixtures().join("repair-known-failures");
    let mut failures = Vec::new();
    let mut cases = 0;
    for file in sorted_dir(&dir) {
        let text = fs::read_to_string(&file).unwrap();
        let rows: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let field = |row: &serde_json::Value, name: &str| row[name].as_str().unwrap().to_string();
        let input: String = rows.iter().map(|r| field(r, "input") + "\n").collect();
        let output = clean(input.as_bytes(), &only(Stage::Repair));
        let lines: Vec<&str> = output.split('\n').collect();
        assert_eq!(lines.len(), rows.len() + 1, "{}", file.display());
        for (row, got) in rows.iter().zip(lines) {
            cases += 1;
            if got == field(row, "expected") {
                failures.push(format!("{}: now repaired: {got}", file.display()));
            } else if got != field(row, "got") {
                failures.push(format!("{}: output changed to {got}", file.display()));
            }
        }
    }
    assert!(cases > 0, "no known failures found");
    assert_no_failures(failures);
}

/// Page breaks reach the layout stage through the stages before it (repair
/// once removed form feeds as control characters, so running headers and
/// page numbers stayed in the text): the form-feed fixture comes out the
/// same through the whole pipeline as through layout alone.
#[test]
fn page_breaks_survive_the_whole_pipeline() {
    let case = fixtures().join("layout/page-breaks-form-feed");
    let input = fs::read(case.join("input.txt")).unwrap();
    assert!(input.contains(&0x0C), "the fixture has no form feed");
    let expected = fs::read_to_string(case.join("expected.txt")).unwrap();
    assert_eq!(clean(&input, &Options::default()), expected);
}

//! `canon.toml` and `run.json` through the real binary: a run from the file
//! equals the same run from flags, byte for byte; flags win; an unknown key
//! is named; `run.json` records the run and `--resume` refuses a run whose
//! record says it was made with other options.

use std::fs;
use std::path::Path;

use serde_json::Value;

mod common;

use common::*;

/// Inputs with duplicates, Traditional text and a near-threshold choice to
/// make, so the options matter to the output.
fn inputs(dir: &Path) {
    write(
        &dir.join("raw/a.txt"),
        format!("{SIMPLIFIED}\r\n").as_bytes(),
    );
    write(&dir.join("raw/b.txt"), &gbk(&format!("{SIMPLIFIED}\n")));
    write(&dir.join("raw/tw.txt"), &big5(&format!("{TRADITIONAL}\n")));
    write(&dir.join("raw/notes.txt"), b"trailing   \n\n\nend\n");
}

/// `canon clean raw --out OUT FLAGS…` run in `dir`.
fn clean_raw(dir: &Path, out: &Path, flags: &[&str]) -> (i32, String, String) {
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"clean", &"raw", &"--out", &out];
    args.extend(flags.iter().map(|f| f as &dyn AsRef<std::ffi::OsStr>));
    run_in(Some(dir), &args, None)
}

fn corpus_without_run_json(out: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    assert!(out.join("run.json").is_file(), "run.json written");
    tree(out)
}

#[test]
fn a_run_from_canon_toml_equals_the_same_run_from_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    inputs(dir);
    let (code, _, stderr) = run_in(
        Some(dir),
        &[
            &"clean",
            &"raw",
            &"--out",
            &"from-flags",
            &"--skip",
            &"convert",
            &"--exact-only",
            &"--max-file-size",
            &"1M",
            &"--quiet",
        ],
        None,
    );
    assert_eq!((code, stderr.as_str()), (0, ""));
    write(
        &dir.join("canon.toml"),
        b"[clean]\ninputs = [\"raw\"]\nout = \"from-toml\"\nskip = [\"convert\"]\n\
          exact-only = true\nmax-file-size = \"1M\"\nquiet = true\n",
    );
    let (code, _, stderr) = run_in(Some(dir), &[&"clean"], None);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let from_flags = corpus_without_run_json(&dir.join("from-flags"));
    let from_toml = corpus_without_run_json(&dir.join("from-toml"));
    assert_eq!(from_flags, from_toml);
    // The options took effect: Traditional kept (convert skipped), the
    // GBK copy found a duplicate.
    let entries = manifest(&dir.join("from-toml"));
    assert_eq!(entry(&entries, "tw.txt")["script"], "traditional");
    assert_eq!(entry(&entries, "b.txt")["status"], "duplicate");

    // A flag wins over the file.
    let (code, _, _) = run_in(
        Some(dir),
        &[&"clean", &"--out", &"flag-out", &"--skip", &"dedup"],
        None,
    );
    assert_eq!(code, 0);
    let entries = manifest(&dir.join("flag-out"));
    assert_eq!(entry(&entries, "b.txt")["status"], "ok");
    assert!(!dir.join("from-toml/flag-out").exists());
}

#[test]
fn an_unknown_key_is_an_error_that_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    inputs(dir);
    write(
        &dir.join("other.toml"),
        b"[clean]\nout = \"o\"\nnear-treshold = 0.5\n",
    );
    let (code, _, stderr) = run_in(
        Some(dir),
        &[&"clean", &"raw", &"--config", &"other.toml"],
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("near-treshold"), "{stderr}");
    assert!(stderr.contains("other.toml"), "{stderr}");
    assert!(!dir.join("o").exists());
    let (code, _, stderr) = run_in(
        Some(dir),
        &[&"clean", &"raw", &"--config", &"missing.toml"],
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.toml"), "{stderr}");
}

#[test]
fn run_json_records_the_run_and_resume_refuses_other_options() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    inputs(dir);
    let out = dir.join("out");
    let (code, _, stderr) = clean_raw(dir, &out, &["--near-threshold", "0.7"]);
    assert_eq!(code, 0, "{stderr}");
    let record: Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(record["canon_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(record["status"], "finished");
    assert_eq!(record["inputs"], serde_json::json!(["raw"]));
    assert_eq!(record["options"]["near-threshold"], 0.7);
    assert_eq!(record["options"]["convert"], "t2s");
    assert_eq!(record["options"]["max-file-size"], 256 << 20);
    let entries = manifest(&out);
    assert_eq!(record["counts"]["files"], entries.len());
    let duplicates = entries
        .iter()
        .filter(|e| e["status"] == "duplicate")
        .count();
    assert_eq!(record["counts"]["duplicates"], duplicates);
    let (started, ended) = (
        record["started"].as_str().unwrap(),
        record["ended"].as_str().unwrap(),
    );
    assert!(started.ends_with('Z') && started.len() == 20, "{started}");
    assert!(started <= ended, "{started} {ended}");

    // The record's options, given again, resume (jobs may change)...
    let (code, _, stderr) = clean_raw(
        dir,
        &out,
        &["--near-threshold", "0.7", "--resume", "--jobs", "1"],
    );
    assert_eq!(code, 0, "{stderr}");
    // ... and other options are refused, naming what differs.
    let before = tree_with_run_record(&out);
    let (code, _, stderr) = clean_raw(dir, &out, &["--resume", "--exact-only"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("near-threshold: 0.7 → 0.8"), "{stderr}");
    assert!(stderr.contains("exact-only: false → true"), "{stderr}");
    assert_eq!(
        tree_with_run_record(&out),
        before,
        "a refused run writes nothing"
    );
    // Re-cleaning the output tree does not take run.json for a document.
    let (code, _, stderr) = run(&[&"check", &out], None);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn check_and_fix_judge_files_by_the_options_of_canon_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Traditional text is canonical only when convert is skipped.
    write(&dir.join("tw.txt"), format!("{TRADITIONAL}\n").as_bytes());
    let (code, _, _) = run_in(Some(dir), &[&"check", &"tw.txt"], None);
    assert_eq!(code, 1);
    write(&dir.join("canon.toml"), b"[clean]\nskip = [\"convert\"]\n");
    let (code, stdout, stderr) = run_in(Some(dir), &[&"check", &"tw.txt"], None);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, stdout, _) = run_in(Some(dir), &[&"fix", &"tw.txt"], None);
    assert_eq!((code, stdout.as_str()), (0, ""));
    assert_eq!(
        fs::read_to_string(dir.join("tw.txt")).unwrap(),
        format!("{TRADITIONAL}\n")
    );
}

/// JSON Lines shards named `.txt`, so only `input-format` makes them
/// records, with the text in `body` and an id field.
fn record_inputs(dir: &Path) {
    let line = |id: &str, text: &str| {
        serde_json::json!({"key": id, "body": text, "n": 1}).to_string() + "\n"
    };
    let same = format!("{SIMPLIFIED}\r\n");
    write(
        &dir.join("shards/a.txt"),
        (line("a1", &same) + &line("a2", TRADITIONAL)).as_bytes(),
    );
    write(&dir.join("shards/b.txt"), line("b1", &same).as_bytes());
}

#[test]
fn record_options_from_canon_toml_equal_the_same_flags_and_resume_checks_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    record_inputs(dir);
    let flags: [&dyn AsRef<std::ffi::OsStr>; 14] = [
        &"clean",
        &"shards",
        &"--out",
        &"from-flags",
        &"--input-format",
        &"jsonl",
        &"--text-field",
        &"body",
        &"--id-field",
        &"key",
        &"--record-metadata-field",
        &"cleaning",
        &"--keep-duplicates",
        &"--quiet",
    ];
    let (code, _, stderr) = run_in(Some(dir), &flags, None);
    assert_eq!((code, stderr.as_str()), (0, ""));
    write(
        &dir.join("canon.toml"),
        b"[clean]\ninputs = [\"shards\"]\nout = \"from-toml\"\ninput-format = \"jsonl\"\n\
          text-field = \"body\"\nid-field = \"key\"\nrecord-metadata-field = \"cleaning\"\n\
          keep-duplicates = true\nquiet = true\n",
    );
    let (code, _, stderr) = run_in(Some(dir), &[&"clean"], None);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let from_flags = corpus_without_run_json(&dir.join("from-flags"));
    assert_eq!(from_flags, corpus_without_run_json(&dir.join("from-toml")));
    // The options reached the run: the duplicate is kept and marked by id.
    let b = String::from_utf8(from_flags[Path::new("b.txt")].clone()).unwrap();
    let record: Value = serde_json::from_str(b.lines().next().unwrap()).unwrap();
    assert_eq!(record["cleaning"]["duplicate_of"], "a1");

    let run: Value =
        serde_json::from_slice(&fs::read(dir.join("from-toml/run.json")).unwrap()).unwrap();
    assert_eq!(run["options"]["text-field"], "body");
    assert_eq!(run["options"]["input-format"], "jsonl");
    assert_eq!(run["options"]["keep-duplicates"], true);

    // --resume into the same directory with another text field is refused.
    fs::remove_file(dir.join("canon.toml")).unwrap();
    let mut other = flags;
    other[7] = &"text";
    let resumed: Vec<&dyn AsRef<std::ffi::OsStr>> = other
        .iter()
        .copied()
        .chain([&"--resume" as &dyn AsRef<std::ffi::OsStr>])
        .collect();
    let (code, _, stderr) = run_in(Some(dir), &resumed, None);
    assert_ne!(code, 0);
    assert!(stderr.contains("text-field"), "{stderr}");
    let same: Vec<&dyn AsRef<std::ffi::OsStr>> = flags
        .iter()
        .copied()
        .chain([&"--resume" as &dyn AsRef<std::ffi::OsStr>])
        .collect();
    let (code, _, stderr) = run_in(Some(dir), &same, None);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

//! End-to-end tests of the `canon` binary: each test builds an input tree in
//! a fresh temporary directory, runs the real executable and checks its exit
//! code, its output files, its manifest and what it printed.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;

use common::*;

// ---------------------------------------------------------------------------
// 1. clean DIR --out OUT
// ---------------------------------------------------------------------------

/// The mixed-encoding tree of the main clean test: relative path → (input
/// bytes, expected output text, expected encoding).
fn mixed_tree() -> Vec<(&'static str, Vec<u8>, String, &'static str)> {
    vec![
        (
            "docs/notes/crlf.txt",
            "First line with trailing spaces   \r\nSecond line\t\r\n\r\nThird 中文 line  \r\n"
                .as_bytes()
                .to_vec(),
            // Layout keeps the short unpunctuated lines apart and drops the
            // blank line.
            "First line with trailing spaces\nSecond line\nThird 中文 line\n".to_string(),
            "UTF-8",
        ),
        (
            "docs/zh/gbk.txt",
            gbk(&format!("{SIMPLIFIED}\r\n第二段：{SIMPLIFIED}  \r\n")),
            format!("{SIMPLIFIED}\n第二段：{SIMPLIFIED}\n"),
            "GBK",
        ),
        (
            "docs/zh/tw/big5.txt",
            big5(&format!("{TRADITIONAL}\r\n第二段：{TRADITIONAL}")),
            format!("{TRADITIONAL_AS_SIMPLIFIED}\n第二段：{TRADITIONAL_AS_SIMPLIFIED}\n"),
            "Big5",
        ),
        (
            "utf16.txt",
            utf16le_bom("UTF-16 text: Grüße, 世界!\r\nSecond line \r\n"),
            "UTF-16 text: Grüße, 世界!\nSecond line\n".to_string(),
            "UTF-16LE",
        ),
    ]
}

#[test]
fn clean_writes_canonical_utf8_tree_and_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let files = mixed_tree();
    for (rel, bytes, _, _) in &files {
        write(&input.join(rel), bytes);
    }
    let before = tree(&input);

    let (code, _stdout, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "stderr: {stderr}");

    for (rel, _, expected, _) in &files {
        let bytes = fs::read(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{rel} is not UTF-8: {e}"));
        assert!(!text.contains('\r'), "{rel} has CR: {text:?}");
        assert!(text.ends_with('\n'), "{rel} lacks a final newline");
        assert_eq!(&text, expected, "{rel}");
    }
    assert_eq!(tree(&input), before, "inputs were modified");

    let entries = manifest(&out);
    assert_eq!(entries.len(), files.len());
    let listed = paths(&entries);
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "manifest is sorted by path");
    let mut expected_paths: Vec<&str> = files.iter().map(|f| f.0).collect();
    expected_paths.sort();
    assert_eq!(listed, expected_paths);

    for (rel, input_bytes, expected, encoding) in &files {
        let e = entry(&entries, rel);
        for key in [
            "path",
            "output",
            "status",
            "encoding",
            "confidence",
            "script",
            "changes",
            "duplicate_of",
            "bytes_in",
            "bytes_out",
            "sha256",
            "error",
        ] {
            assert!(e.get(key).is_some(), "{rel}: missing key {key}: {e}");
        }
        assert_eq!(e["status"], "ok", "{rel}: {e}");
        assert_eq!(e["output"], *rel, "{rel}");
        assert_eq!(e["encoding"], *encoding, "{rel}: {e}");
        let confidence = e["confidence"].as_f64().expect("confidence is a number");
        assert!((0.0..=1.0).contains(&confidence), "{rel}: {confidence}");
        assert!(e["script"].is_string(), "{rel}: {e}");
        assert!(e["changes"].is_object(), "{rel}: {e}");
        assert_eq!(e["duplicate_of"], Value::Null, "{rel}");
        assert_eq!(e["error"], Value::Null, "{rel}");
        assert_eq!(e["bytes_in"], input_bytes.len() as u64, "{rel}");
        assert_eq!(e["bytes_out"], expected.len() as u64, "{rel}");
        let written = fs::read(out.join(rel)).unwrap();
        assert_eq!(e["sha256"], sha256_hex(&written), "{rel}");
    }
    let crlf = entry(&entries, "docs/notes/crlf.txt");
    assert_eq!(crlf["changes"]["normalize"]["line_ending"], 4, "{crlf}");
    assert_eq!(
        crlf["changes"]["normalize"]["trailing_whitespace"], 3,
        "{crlf}"
    );
    let utf16 = entry(&entries, "utf16.txt");
    assert_eq!(utf16["decode"]["bom"], true, "{utf16}");

    let summary = last_line(&stderr);
    assert!(summary.starts_with("canon: "), "summary line: {stderr}");
    assert!(summary.contains("4 files"), "summary line: {stderr}");
    assert!(summary.contains("4 ok"), "summary line: {stderr}");
}

#[test]
fn clean_without_out_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("a.txt"), b"a\n");
    let (code, stdout, stderr) = run_in(Some(tmp.path()), &[&"clean", &"a.txt"], None);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("--out"), "{stderr}");
}

#[test]
fn clean_out_that_is_a_file_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("a.txt");
    let out = tmp.path().join("out");
    write(&input, b"a\n");
    write(&out, b"not a directory");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a directory"), "{stderr}");
    assert_eq!(fs::read(&out).unwrap(), b"not a directory");
}

#[test]
fn clean_rejects_zero_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("a.txt");
    write(&input, b"a\n");
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"--jobs", &"0"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("--jobs"), "{stderr}");
}

#[test]
fn clean_single_file_input_is_written_under_its_file_name() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("deep/dir/note.txt");
    write(&input, b"note  \r\n");
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read(out.join("note.txt")).unwrap(), b"note\n");
    assert_eq!(paths(&manifest(&out)), ["note.txt"]);
}

#[test]
fn clean_skips_hidden_files_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("visible.txt"), b"v\n");
    write(&input.join(".hidden.txt"), b"h\n");
    write(&input.join(".git/config"), b"[core]\n");

    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(paths(&manifest(&out)), ["visible.txt"]);
    assert!(!out.join(".hidden.txt").exists());

    let out_all = tmp.path().join("out-all");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out_all, &"--hidden"], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        paths(&manifest(&out_all)),
        [".git/config", ".hidden.txt", "visible.txt"]
    );
    assert_eq!(fs::read(out_all.join(".hidden.txt")).unwrap(), b"h\n");
}

#[test]
fn clean_leaves_no_staging_files_in_out() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("a.txt"), b"a\n");
    write(&input.join("b.txt"), b"a\n");
    write(&input.join("c.png"), PNG);
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"-q"], None);
    assert_eq!(code, 0, "{stderr}");
    let files: Vec<PathBuf> = tree(&out).into_keys().collect();
    assert_eq!(
        files,
        [
            PathBuf::from("a.txt"),
            PathBuf::from("clusters.jsonl"),
            PathBuf::from("manifest.jsonl")
        ]
    );
}

#[test]
fn empty_and_blank_files_are_written_empty_and_not_deduplicated() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("empty1.txt"), b"");
    write(&input.join("empty2.txt"), b"");
    write(&input.join("blank.txt"), b"  \r\n\t\n");
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    let entries = manifest(&out);
    for name in ["blank.txt", "empty1.txt", "empty2.txt"] {
        let e = entry(&entries, name);
        assert_eq!(e["status"], "ok", "{e}");
        assert_eq!(e["duplicate_of"], Value::Null, "{e}");
        assert_eq!(fs::read(out.join(name)).unwrap(), b"", "{name}");
    }
}

// ---------------------------------------------------------------------------
// 2. canon check
// ---------------------------------------------------------------------------

#[test]
fn check_accepts_the_output_of_clean_ignoring_its_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    for (rel, bytes, _, _) in mixed_tree() {
        write(&input.join(rel), &bytes);
    }
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("manifest.jsonl").exists());

    let (code, stdout, stderr) = run(&[&"check", &out], None);
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout, "");
    // Four documents; manifest.jsonl is not one of them.
    assert!(stderr.contains("4 files are canonical"), "{stderr}");
}

#[test]
fn check_finds_drift_in_the_input_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    for (rel, bytes, _, _) in mixed_tree() {
        write(&input.join(rel), &bytes);
    }
    let (code, stdout, stderr) = run(&[&"check", &input], None);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("4 of 4 files are not canonical"),
        "{stderr}"
    );
    assert_eq!(stdout.matches("\n+++ b/").count(), 4, "{stdout}");
}

#[test]
fn check_shows_unified_diff_for_crlf_and_trailing_space() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.txt");
    write(&file, b"hello.  \r\nworld.\r\n");
    let (code, stdout, stderr) = run(&[&"check", &file], None);
    assert_eq!(code, 1, "{stderr}");
    let shown = file.display().to_string();
    assert!(
        stdout.contains(&format!("--- a/{shown}")),
        "no --- header: {stdout}"
    );
    assert!(
        stdout.contains(&format!("+++ b/{shown}")),
        "no +++ header: {stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("-hello")),
        "no removed line: {stdout}"
    );
    assert!(
        stdout.lines().any(|l| l == "+hello."),
        "no added line: {stdout}"
    );
    assert!(stderr.contains("not canonical"), "{stderr}");
    // check never writes.
    assert_eq!(fs::read(&file).unwrap(), b"hello.  \r\nworld.\r\n");
}

#[test]
fn check_says_gbk_file_would_be_reencoded() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("gbk.txt");
    let bytes = gbk(&format!("{SIMPLIFIED}\n"));
    write(&file, &bytes);
    let (code, stdout, stderr) = run(&[&"check", &file], None);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains("would be re-encoded from GBK to UTF-8"),
        "{stdout}"
    );
    assert_eq!(fs::read(&file).unwrap(), bytes);
}

#[test]
fn check_accepts_canonical_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("ok.txt");
    write(&file, "第一行\n第二行\n".as_bytes());
    let (code, stdout, stderr) = run(&[&"check", &file], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("1 files are canonical"), "{stderr}");
}

#[test]
fn check_missing_path_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.txt");
    let (code, _, stderr) = run(&[&"check", &missing], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.txt"), "{stderr}");
}

// ---------------------------------------------------------------------------
// 3. stdin mode
// ---------------------------------------------------------------------------

#[test]
fn clean_stdin_prints_gbk_input_as_utf8() {
    let input = gbk(&format!("{SIMPLIFIED}  \r\n第二段：{SIMPLIFIED}\r\n\r\n"));
    let (code, stdout, stderr) = run(&[&"clean", &"-"], Some(&input));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, format!("{SIMPLIFIED}\n第二段：{SIMPLIFIED}\n"));
    let summary = last_line(&stderr);
    assert!(summary.starts_with("canon: 1 files"), "{stderr}");
}

#[test]
fn clean_stdin_binary_exits_2_and_prints_nothing() {
    let (code, stdout, stderr) = run(&[&"clean", &"-"], Some(PNG));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("PNG"), "{stderr}");
}

#[test]
fn clean_stdin_cannot_be_combined_with_files() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.txt");
    write(&file, b"a\n");
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&[&"clean", &"-", &file, &"--out", &out], Some(b"x\n"));
    assert_eq!(code, 2);
    assert!(stderr.contains("stdin"), "{stderr}");
}

// ---------------------------------------------------------------------------
// 4. Determinism
// ---------------------------------------------------------------------------

fn build_determinism_tree(input: &Path) {
    for i in 0..24usize {
        let s = SIMPLIFIED_SENTENCES;
        let t = TRADITIONAL_SENTENCES;
        let simplified = format!("{i}. {}{}", s[i % s.len()], s[(i + 3) % s.len()]);
        let traditional = format!("{i}. {}{}", t[i % t.len()], t[(i + 2) % t.len()]);
        let latin = format!("Document {i}: naïve café, Grüße, 世界 {}", "x".repeat(i));
        let (name, bytes) = match i % 6 {
            0 => (
                "utf8",
                format!("{latin}  \r\n{simplified}\r\n").into_bytes(),
            ),
            1 => ("gbk", gbk(&format!("{simplified}\r\n{simplified}\r\n"))),
            2 => ("big5", big5(&format!("{traditional}\r\n{traditional}\r\n"))),
            3 => (
                "utf16le",
                utf16le_bom(&format!("{latin}\r\n{simplified}\r\n")),
            ),
            4 => {
                let mut b = vec![0xEF, 0xBB, 0xBF];
                b.extend(format!("{latin}\n\n\n").into_bytes());
                ("utf8bom", b)
            }
            _ => ("utf16be", utf16be_bom(&format!("{traditional}\r\n"))),
        };
        write(&input.join(format!("d{}/{name}-{i:02}.txt", i % 3)), &bytes);
    }
    // Two exact duplicates: the same text in UTF-8 and in GBK.
    let dup = format!("{SIMPLIFIED}\n");
    write(&input.join("dups/copy1.txt"), dup.as_bytes());
    write(&input.join("dups/copy2.txt"), &gbk(&dup));
    write(&input.join("bin/image.png"), PNG);
    write(&input.join("empty.txt"), b"");
}

#[test]
fn clean_is_deterministic_across_job_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    build_determinism_tree(&input);
    let out1 = tmp.path().join("out-j1");
    let out4 = tmp.path().join("out-j4");

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out1, &"--jobs", &"1"], None);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out4, &"--jobs", &"4"], None);
    assert_eq!(code, 0, "{stderr}");

    let m1 = fs::read(out1.join("manifest.jsonl")).unwrap();
    let m4 = fs::read(out4.join("manifest.jsonl")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&m1),
        String::from_utf8_lossy(&m4),
        "manifests differ"
    );
    assert_eq!(m1, m4);

    let t1 = tree(&out1);
    let t4 = tree(&out4);
    assert_eq!(
        t1.keys().collect::<Vec<_>>(),
        t4.keys().collect::<Vec<_>>(),
        "file lists differ"
    );
    for (rel, bytes) in &t1 {
        assert!(t4[rel] == *bytes, "{} differs", rel.display());
    }

    let entries = manifest(&out1);
    assert_eq!(entries.len(), 24 + 4);
    let duplicates: Vec<&Value> = entries
        .iter()
        .filter(|e| e["status"] == "duplicate")
        .collect();
    // The exact copy, and near duplicates among the generated documents,
    // which reuse a few sentences (the dedup stage's near matching).
    assert!(
        duplicates.iter().any(|d| d["path"] == "dups/copy2.txt"
            && d["duplicate_of"] == "dups/copy1.txt"
            && d["changes"]["dedup"]["exact"] == 1),
        "{duplicates:#?}"
    );
    for d in &duplicates {
        assert!(d["similarity"].as_f64().unwrap() >= 0.8, "{d}");
    }
    // The tree really is mixed: each file decoded as the encoding it was
    // written in (named by its prefix).
    for e in entries
        .iter()
        .filter(|e| e["path"].as_str().unwrap().starts_with('d'))
    {
        let path = e["path"].as_str().unwrap();
        let Some(kind) = path.split('/').nth(1).and_then(|n| n.split('-').next()) else {
            continue;
        };
        let expected = match kind {
            "utf8" | "utf8bom" | "copy1.txt" => "UTF-8",
            "gbk" | "copy2.txt" => "GBK",
            "big5" => "Big5",
            "utf16le" => "UTF-16LE",
            "utf16be" => "UTF-16BE",
            other => panic!("unexpected file {other} in {path}"),
        };
        assert_eq!(e["encoding"], expected, "{e}");
    }
    // Every output written is the file the manifest describes.
    for e in entries.iter().filter(|e| e["status"] == "ok") {
        let output = e["output"].as_str().expect("ok entries have an output");
        let bytes = fs::read(out1.join(output)).unwrap();
        assert_eq!(e["sha256"], sha256_hex(&bytes), "{e}");
        assert!(std::str::from_utf8(&bytes).is_ok(), "{output}");
    }
    // Every ok document (the 24, less their near duplicates, + copy1 +
    // empty), plus the manifest and the clusters.
    let ok = entries.iter().filter(|e| e["status"] == "ok").count();
    assert_eq!(t1.len(), ok + 2);
}

#[test]
fn clean_twice_gives_identical_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    build_determinism_tree(&input);
    let out_a = tmp.path().join("a");
    let out_b = tmp.path().join("b");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out_a], None);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out_b], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tree(&out_a), tree(&out_b));
}

// ---------------------------------------------------------------------------
// 5. Exact duplicates
// ---------------------------------------------------------------------------

fn duplicate_pair(input: &Path) -> String {
    let text = format!("{SIMPLIFIED}\n第二段：{SIMPLIFIED}\n");
    write(&input.join("a.txt"), text.as_bytes());
    write(&input.join("b.txt"), &gbk(&text));
    text
}

#[test]
fn exact_duplicate_across_encodings_is_not_written() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let text = duplicate_pair(&input);
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    let entries = manifest(&out);
    let a = entry(&entries, "a.txt");
    let b = entry(&entries, "b.txt");
    assert_eq!(a["status"], "ok");
    assert_eq!(a["encoding"], "UTF-8");
    assert_eq!(b["status"], "duplicate", "{b}");
    assert_eq!(b["encoding"], "GBK", "{b}");
    assert_eq!(b["duplicate_of"], "a.txt");
    assert_eq!(b["output"], Value::Null);
    assert_eq!(b["sha256"], a["sha256"]);
    assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), text);
    assert!(!out.join("b.txt").exists());
    assert!(last_line(&stderr).contains("1 duplicates"), "{stderr}");
}

#[test]
fn skip_dedup_writes_both_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let text = duplicate_pair(&input);
    let (code, _, stderr) = run(
        &[&"clean", &input, &"--out", &out, &"--skip", &"dedup"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let entries = manifest(&out);
    for name in ["a.txt", "b.txt"] {
        let e = entry(&entries, name);
        assert_eq!(e["status"], "ok", "{e}");
        assert_eq!(e["duplicate_of"], Value::Null, "{e}");
        assert_eq!(e["output"], name);
        assert_eq!(fs::read_to_string(out.join(name)).unwrap(), text);
    }
}

#[test]
fn duplicates_dir_receives_the_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let dups = tmp.path().join("dups");
    let text = duplicate_pair(&input);
    let (code, _, stderr) = run(
        &[&"clean", &input, &"--out", &out, &"--duplicates", &dups],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read_to_string(dups.join("b.txt")).unwrap(), text);
    assert!(!dups.join("a.txt").exists());
    assert!(!out.join("b.txt").exists());
    let entries = manifest(&out);
    assert_eq!(entry(&entries, "b.txt")["status"], "duplicate");
}

// ---------------------------------------------------------------------------
// 6. Binary files and missing inputs
// ---------------------------------------------------------------------------

#[test]
fn binary_files_are_skipped_without_failing_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let mut png = PNG.to_vec();
    png.extend(noise(2000, 7));
    write(&input.join("image.png"), &png);
    let mut blob = noise(4096, 42);
    for b in blob.iter_mut().step_by(3) {
        *b = 0;
    }
    write(&input.join("blob.dat"), &blob);
    write(&input.join("text.txt"), b"text \r\n");

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"--verbose"], None);
    assert_eq!(code, 0, "{stderr}");
    let entries = manifest(&out);
    assert_eq!(paths(&entries), ["blob.dat", "image.png", "text.txt"]);
    for name in ["blob.dat", "image.png"] {
        let e = entry(&entries, name);
        assert_eq!(e["status"], "skipped", "{e}");
        assert_eq!(e["output"], Value::Null, "{e}");
        assert_eq!(e["error"], Value::Null, "{e}");
        assert!(!out.join(name).exists(), "{name} was written");
        assert!(stderr.contains(&format!("{name}: skipped")), "{stderr}");
    }
    assert_eq!(entry(&entries, "text.txt")["status"], "ok");
    assert_eq!(fs::read(out.join("text.txt")).unwrap(), b"text\n");
    assert!(last_line(&stderr).contains("2 skipped"), "{stderr}");
}

#[test]
fn missing_input_is_an_error_but_others_are_cleaned() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    write(&input.join("a.txt"), b"a  \n");
    write(&input.join("sub/b.txt"), b"b\r\n");
    let missing = tmp.path().join("missing.txt");

    let (code, _, stderr) = run(&[&"clean", &input, &missing, &"--out", &out], None);
    assert_eq!(code, 2, "{stderr}");
    let entries = manifest(&out);
    assert_eq!(paths(&entries), ["a.txt", "missing.txt", "sub/b.txt"]);
    let m = entry(&entries, "missing.txt");
    assert_eq!(m["status"], "error", "{m}");
    assert_eq!(m["output"], Value::Null);
    assert!(m["error"].as_str().is_some_and(|s| !s.is_empty()), "{m}");
    assert!(stderr.contains("missing.txt"), "{stderr}");
    assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"a\n");
    assert_eq!(fs::read(out.join("sub/b.txt")).unwrap(), b"b\n");
    assert!(last_line(&stderr).contains("1 errors"), "{stderr}");
}

// ---------------------------------------------------------------------------
// 7. --out inside the input directory
// ---------------------------------------------------------------------------

#[test]
fn out_inside_input_is_never_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("a.txt"), b"a \r\n");
    write(&input.join("sub/b.txt"), b"b\n");
    let out = input.join("out");

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    let first = fs::read(out.join("manifest.jsonl")).unwrap();
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");

    let entries = manifest(&out);
    assert_eq!(paths(&entries), ["a.txt", "sub/b.txt"]);
    assert!(
        entries
            .iter()
            .all(|e| !e["path"].as_str().unwrap().starts_with("out/")),
        "{entries:#?}"
    );
    assert!(!out.join("out").exists());
    assert_eq!(fs::read(out.join("manifest.jsonl")).unwrap(), first);
}

#[test]
fn out_equal_to_input_never_overwrites_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("a.txt"), b"a  \r\n");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &input], None);
    // Refusing the run (exit 2) or cleaning nothing are both acceptable;
    // rewriting the inputs is not.
    assert_eq!(
        fs::read(input.join("a.txt")).unwrap(),
        b"a  \r\n",
        "{stderr}"
    );
    if code == 0 {
        assert!(paths(&manifest(&input)).is_empty(), "{stderr}");
    } else {
        assert_eq!(code, 2, "{stderr}");
    }
}

#[test]
fn relative_out_inside_relative_input_is_never_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("in/a.txt"), b"a\n");
    for _ in 0..2 {
        let (code, _, stderr) = run_in(
            Some(tmp.path()),
            &[
                &"clean",
                &"in",
                &"--out",
                &"in/out",
                &"--duplicates",
                &"in/dups",
            ],
            None,
        );
        assert_eq!(code, 0, "{stderr}");
    }
    let out = tmp.path().join("in/out");
    assert_eq!(paths(&manifest(&out)), ["a.txt"]);
    assert!(!out.join("out").exists());
    assert!(!tmp.path().join("in/dups/a.txt").exists());
}

// ---------------------------------------------------------------------------
// 8. --skip
// ---------------------------------------------------------------------------

#[test]
fn skip_decode_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("a.txt");
    write(&input, b"a\n");
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(
        &[&"clean", &input, &"--out", &out, &"--skip", &"decode"],
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("decode"), "{stderr}");
    assert!(!out.exists(), "nothing is written on a usage error");
}

#[test]
fn skip_unknown_stage_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("a.txt");
    write(&input, b"a\n");
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(
        &[&"clean", &input, &"--out", &out, &"--skip", &"repair,bogus"],
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("bogus"), "{stderr}");
    assert!(!out.exists());
    let (code, _, stderr) = run(&[&"check", &input, &"--skip", &"bogus"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("bogus"), "{stderr}");
}

#[test]
fn skip_normalize_keeps_crlf_and_trailing_space() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("a.txt"), b"a.  \r\nb.\r\n");
    let out = tmp.path().join("out");
    // Layout would trim and join these lines too: skip it as well.
    let (code, _, stderr) = run(
        &[
            &"clean",
            &input,
            &"--out",
            &out,
            &"--skip",
            &"normalize,layout",
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"a.  \r\nb.\r\n");
    let entries = manifest(&out);
    let e = entry(&entries, "a.txt");
    assert!(e["changes"].get("normalize").is_none(), "{e}");
    // The same file without --skip is normalized.
    let out2 = tmp.path().join("out2");
    let (code, _, _) = run(&[&"clean", &input, &"--out", &out2], None);
    assert_eq!(code, 0);
    assert_eq!(fs::read(out2.join("a.txt")).unwrap(), b"a.\nb.\n");
}

// ---------------------------------------------------------------------------
// 9-10. Unix file names and symbolic links
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn non_utf8_file_name_is_kept_and_recorded_in_hex() {
    use std::os::unix::ffi::OsStrExt;

    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let name = OsStr::from_bytes(b"caf\xe9.txt");
    write(&input.join(name), b"latin-1 name \r\n");
    write(&input.join("plain.txt"), b"plain\n");
    let out = tmp.path().join("out");

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read(out.join(name)).unwrap(), b"latin-1 name\n");
    let names: Vec<Vec<u8>> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().as_bytes().to_vec())
        .filter(|n| !n.starts_with(b"."))
        .collect();
    assert!(names.contains(&b"caf\xe9.txt".to_vec()), "{names:?}");

    let entries = manifest(&out);
    let e = entry(&entries, "caf\u{FFFD}.txt");
    assert_eq!(e["path_bytes"], "636166e92e747874", "{e}");
    assert_eq!(e["status"], "ok", "{e}");
    assert!(
        entry(&entries, "plain.txt").get("path_bytes").is_none(),
        "UTF-8 names have no path_bytes"
    );
}

#[cfg(unix)]
#[test]
fn manifest_is_sorted_by_path_with_non_utf8_names() {
    use std::os::unix::ffi::OsStrExt;

    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // Raw bytes: "a\x80" < "aé" (0x80 < 0xC3); lossily: "a\u{FFFD}" > "aé".
    write(&input.join(OsStr::from_bytes(b"a\x80.txt")), b"one\n");
    write(&input.join("a\u{e9}.txt"), b"two\n");
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    let listed = paths(&manifest(&out));
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
}

#[cfg(unix)]
#[test]
fn symlinks_are_skipped_not_followed() {
    use std::os::unix::fs::symlink;

    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let elsewhere = tmp.path().join("elsewhere");
    write(&input.join("real.txt"), b"real\n");
    write(&elsewhere.join("secret.txt"), b"secret\n");
    symlink(input.join("real.txt"), input.join("link.txt")).unwrap();
    symlink(&elsewhere, input.join("linkdir")).unwrap();
    let out = tmp.path().join("out");

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    let entries = manifest(&out);
    assert_eq!(paths(&entries), ["link.txt", "linkdir", "real.txt"]);
    for name in ["link.txt", "linkdir"] {
        let e = entry(&entries, name);
        assert_eq!(e["status"], "skipped", "{e}");
        assert_eq!(e["output"], Value::Null, "{e}");
        assert!(
            fs::symlink_metadata(out.join(name)).is_err(),
            "{name} written"
        );
    }
    assert!(!stderr.contains("symbolic link"), "only counted: {stderr}");
    let (_, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"--verbose"], None);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!out.join("linkdir/secret.txt").exists());
    assert_eq!(fs::read(out.join("real.txt")).unwrap(), b"real\n");
}

// ---------------------------------------------------------------------------
// 11-12. detect and explain
// ---------------------------------------------------------------------------

#[test]
fn detect_json_prints_one_object_per_file() {
    let tmp = tempfile::tempdir().unwrap();
    let gbk_file = tmp.path().join("gbk.txt");
    let big5_file = tmp.path().join("big5.txt");
    write(&gbk_file, &gbk(&format!("{SIMPLIFIED}\n")));
    write(&big5_file, &big5(&format!("{TRADITIONAL}\n")));

    let (code, stdout, stderr) = run(&[&"detect", &gbk_file, &big5_file, &"--json"], None);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let find = |path: &Path| {
        lines
            .iter()
            .find(|v| v["path"] == path.display().to_string())
            .unwrap_or_else(|| panic!("no line for {}: {stdout}", path.display()))
    };
    let g = find(&gbk_file);
    assert_eq!(g["encoding"], "GBK", "{g}");
    let b = find(&big5_file);
    assert_eq!(b["encoding"], "Big5", "{b}");
    for v in [g, b] {
        let c = v["confidence"].as_f64().expect("confidence is a number");
        assert!(c > 0.5 && c <= 1.0, "{v}");
    }
    // detect never writes.
    assert_eq!(
        fs::read(&gbk_file).unwrap(),
        gbk(&format!("{SIMPLIFIED}\n"))
    );
}

#[test]
fn detect_plain_prints_encoding_name() {
    let tmp = tempfile::tempdir().unwrap();
    let gbk_file = tmp.path().join("gbk.txt");
    write(&gbk_file, &gbk(&format!("{SIMPLIFIED}\n")));
    let utf16_file = tmp.path().join("utf16.txt");
    write(&utf16_file, &utf16le_bom("hello\n"));
    let png = tmp.path().join("x.png");
    write(&png, PNG);

    let (code, stdout, stderr) = run(&[&"detect", &tmp.path()], None);
    assert_eq!(code, 0, "{stderr}");
    let line_for = |name: &str| {
        stdout
            .lines()
            .find(|l| l.ends_with(name))
            .unwrap_or_else(|| panic!("no line for {name}: {stdout}"))
    };
    assert_eq!(line_for("gbk.txt").split_whitespace().next(), Some("GBK"));
    assert_eq!(
        line_for("utf16.txt").split_whitespace().next(),
        Some("UTF-16LE")
    );
    assert_eq!(line_for("x.png").split_whitespace().next(), Some("binary"));
}

#[test]
fn detect_missing_file_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.txt");
    let (code, stdout, _) = run(&[&"detect", &missing, &"--json"], None);
    assert_eq!(code, 2);
    let v: Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert!(v["error"].is_string(), "{v}");
    assert_eq!(v["encoding"], Value::Null);
}

#[test]
fn explain_crlf_file_names_normalize_line_ending() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("crlf.txt");
    write(&file, b"one\r\ntwo\r\n");
    let (code, stdout, stderr) = run(&[&"explain", &file], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("decode: UTF-8"), "{stdout}");
    assert!(stdout.contains("normalize:"), "{stdout}");
    assert!(stdout.contains("line_ending ×2"), "{stdout}");
    assert_eq!(fs::read(&file).unwrap(), b"one\r\ntwo\r\n");
}

#[test]
fn explain_canonical_file_says_nothing_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("ok.txt");
    write(&file, b"fine\n");
    let (code, stdout, _) = run(&[&"explain", &file], None);
    assert_eq!(code, 0);
    assert!(stdout.contains("no stage changed anything"), "{stdout}");
}

#[test]
fn explain_reads_stdin() {
    let input = gbk(&format!("{SIMPLIFIED}\r\n"));
    let (code, stdout, stderr) = run(&[&"explain", &"-"], Some(&input));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("<stdin>: "), "{stdout}");
    assert!(stdout.contains("decode: GBK"), "{stdout}");
    assert!(stdout.contains("line_ending ×1"), "{stdout}");
}

// ---------------------------------------------------------------------------
// 13-14. Output-side conflicts
// ---------------------------------------------------------------------------

#[test]
fn directory_in_the_way_of_an_output_is_an_error_for_that_file() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    write(&input.join("x.txt"), b"x\n");
    write(&input.join("y.txt"), b"y \n");
    fs::create_dir_all(out.join("x.txt")).unwrap();

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 2, "{stderr}");
    let entries = manifest(&out);
    let x = entry(&entries, "x.txt");
    assert_eq!(x["status"], "error", "{x}");
    assert_eq!(x["output"], Value::Null, "{x}");
    let message = x["error"].as_str().expect("error message");
    assert!(message.contains("x.txt"), "{message}");
    assert!(stderr.contains("x.txt"), "{stderr}");
    assert!(out.join("x.txt").is_dir());
    assert_eq!(entry(&entries, "y.txt")["status"], "ok");
    assert_eq!(fs::read(out.join("y.txt")).unwrap(), b"y\n");
}

#[test]
fn file_in_the_way_of_an_output_directory_is_an_error_for_that_file() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    write(&input.join("sub/x.txt"), b"x\n");
    write(&input.join("y.txt"), b"y\n");
    write(&out.join("sub"), b"a file where a directory is needed");

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 2, "{stderr}");
    let entries = manifest(&out);
    assert_eq!(entry(&entries, "sub/x.txt")["status"], "error");
    assert_eq!(entry(&entries, "y.txt")["status"], "ok");
    assert_eq!(fs::read(out.join("y.txt")).unwrap(), b"y\n");
}

#[test]
fn same_relative_path_from_two_roots_is_a_collision() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let out = tmp.path().join("out");
    write(&a.join("same.txt"), b"from a\n");
    write(&a.join("only-a.txt"), b"only a\n");
    write(&b.join("same.txt"), b"from b\n");
    write(&b.join("only-b.txt"), b"only b\n");

    let (code, _, stderr) = run(&[&"clean", &a, &b, &"--out", &out], None);
    assert_eq!(code, 2, "{stderr}");
    let entries = manifest(&out);
    assert_eq!(
        paths(&entries),
        ["only-a.txt", "only-b.txt", "same.txt", "same.txt"]
    );
    let same: Vec<&Value> = entries.iter().filter(|e| e["path"] == "same.txt").collect();
    assert_eq!(same[0]["status"], "ok", "{:?}", same[0]);
    assert_eq!(same[1]["status"], "error", "{:?}", same[1]);
    assert_eq!(same[1]["output"], Value::Null);
    let message = same[1]["error"].as_str().expect("error message");
    assert!(message.contains("collides"), "{message}");
    assert_eq!(fs::read(out.join("same.txt")).unwrap(), b"from a\n");
    assert_eq!(fs::read(out.join("only-a.txt")).unwrap(), b"only a\n");
    assert_eq!(fs::read(out.join("only-b.txt")).unwrap(), b"only b\n");
}

#[test]
fn input_named_manifest_jsonl_does_not_clash_with_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("data/manifest.jsonl");
    write(&file, b"{\"a\": 1}  \r\n");
    let other = tmp.path().join("data/other.txt");
    write(&other, b"other\n");
    let out = tmp.path().join("out");

    let (_code, _, stderr) = run(&[&"clean", &file, &other, &"--out", &out], None);
    let entries = manifest(&out);
    assert_eq!(
        entries.len(),
        2,
        "one entry per input: {entries:#?}\n{stderr}"
    );
    // Whatever happens to it, an entry that says it was written must
    // describe the file at its output path.
    for e in entries.iter().filter(|e| e["status"] == "ok") {
        let output = e["output"].as_str().expect("ok entries have an output");
        let bytes = fs::read(out.join(output)).unwrap();
        assert_eq!(e["sha256"], sha256_hex(&bytes), "{e}");
    }
}

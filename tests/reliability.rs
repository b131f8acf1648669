//! Bad input, faults and interruption: each test pins one row of
//! `docs/RELIABILITY.md`. Every test checks that the inputs are unchanged,
//! that the problem is reported against its file, and the exit code.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Runs `canon clean IN --out OUT` plus `extra` and checks the input tree
/// was not modified. Returns (code, stdout, stderr).
fn clean_checked(input: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let before = tree(input);
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"clean", &input, &"--out", &out];
    for e in extra {
        args.push(e);
    }
    let result = run(&args, None);
    assert_eq!(tree(input), before, "inputs must never be modified");
    result
}

#[test]
fn nul_bytes_inside_text_keep_it_text() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let mut bytes = SIMPLIFIED.as_bytes().to_vec();
    bytes.splice(30..30, [0u8, 0u8]);
    write(&input.join("nul.txt"), &bytes);
    let out = tmp.path().join("out");
    let (code, _, stderr) = clean_checked(&input, &out, &["--verbose"]);
    assert_eq!(code, 0, "{stderr}");
    let e = &manifest(&out)[0];
    assert_eq!(e["status"], "ok");
    assert_eq!(e["encoding"], "UTF-8");
    let text = fs::read_to_string(out.join("nul.txt")).unwrap();
    assert!(text.contains("没有网络安全就没有国家安全"));
}

#[test]
fn truncated_multibyte_sequence_at_the_end_is_one_replacement() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let text = SIMPLIFIED.repeat(3);
    write(&input.join("cut.txt"), &text.as_bytes()[..text.len() - 2]);
    let out = tmp.path().join("out");
    let (code, _, stderr) = clean_checked(&input, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let e = &manifest(&out)[0];
    assert_eq!(e["encoding"], "UTF-8");
    assert_eq!(e["changes"]["decode"]["replacements"], 1);
    // Counted by default, printed per document with --verbose.
    assert!(!stderr.contains("cut.txt: warning"), "{stderr}");
    assert!(
        stderr.contains("warnings: 1 document with malformed bytes replaced by U+FFFD"),
        "{stderr}"
    );
    let (_, _, stderr) = clean_checked(&input, &out, &["--verbose"]);
    assert!(stderr.contains("cut.txt: warning"), "{stderr}");
    let cleaned = fs::read_to_string(out.join("cut.txt")).unwrap();
    assert!(cleaned.ends_with("\u{FFFD}\n"), "{cleaned:?}");
}

#[test]
fn a_file_mixing_two_encodings_is_cleaned_and_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // Four distinct lines: identical ones would be removed as repeats.
    let utf8_part: String = (1..=4).map(|i| format!("{i}. {SIMPLIFIED}\n")).collect();
    let mut bytes = utf8_part.clone().into_bytes();
    let gbk_part = SIMPLIFIED_SENTENCES.join("\n");
    bytes.extend(gbk(&gbk_part));
    write(&input.join("mixed.txt"), &bytes);
    let out = tmp.path().join("out");
    let (code, _, stderr) = clean_checked(&input, &out, &["--verbose"]);
    assert_eq!(code, 0, "{stderr}");
    let e = &manifest(&out)[0];
    assert_eq!(e["status"], "ok");
    // UTF-8 lines stay UTF-8, GBK lines are decoded as GBK, and the
    // manifest says the file mixed them.
    assert_eq!(e["encoding"], "UTF-8", "{e}");
    assert_eq!(e["decode"]["mixed"]["encoding"], "GBK", "{e}");
    assert!(
        stderr.contains("mixed.txt: warning: mixed encodings"),
        "{stderr}"
    );
    let cleaned = fs::read_to_string(out.join("mixed.txt")).unwrap();
    assert_eq!(cleaned, format!("{utf8_part}{gbk_part}\n"));
}

#[test]
fn utf16_without_bom_is_decoded() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let text = format!("{SIMPLIFIED}\n{}\n", SIMPLIFIED_SENTENCES.join("\n"));
    // Different texts, or the second would be a (near) duplicate of the first.
    let other = format!("{}\n", SIMPLIFIED_SENTENCES[..4].join("\n"));
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = other.encode_utf16().flat_map(u16::to_be_bytes).collect();
    write(&input.join("le.txt"), &le);
    write(&input.join("be.txt"), &be);
    let out = tmp.path().join("out");
    let (code, _, stderr) = clean_checked(&input, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let entries = manifest(&out);
    assert_eq!(entry(&entries, "le.txt")["encoding"], "UTF-16LE");
    assert_eq!(entry(&entries, "be.txt")["encoding"], "UTF-16BE");
    assert_eq!(fs::read_to_string(out.join("le.txt")).unwrap(), text);
    assert_eq!(fs::read_to_string(out.join("be.txt")).unwrap(), other);
}

#[test]
fn a_file_over_max_file_size_is_an_error_and_the_rest_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // One line, no newline: the shape of a database dump.
    write(&input.join("big.txt"), &vec![b'x'; 2 << 20]);
    write(&input.join("small.txt"), b"small\n");
    let out = tmp.path().join("out");
    let (code, _, stderr) = clean_checked(&input, &out, &["--max-file-size", "1M"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("big.txt") && stderr.contains("max-file-size"),
        "{stderr}"
    );
    let entries = manifest(&out);
    let big = entry(&entries, "big.txt");
    assert_eq!(big["status"], "error");
    assert!(big["output"].is_null());
    assert_eq!(entry(&entries, "small.txt")["status"], "ok");
    assert!(!out.join("big.txt").exists());
    assert!(out.join("small.txt").exists());
}

#[test]
fn a_long_line_without_newline_under_the_limit_is_cleaned() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let line = SIMPLIFIED.repeat(20_000); // ~5 MB on one line
    write(&input.join("one-line.txt"), line.as_bytes());
    let out = tmp.path().join("out");
    let (code, _, stderr) = clean_checked(&input, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let cleaned = fs::read_to_string(out.join("one-line.txt")).unwrap();
    assert_eq!(cleaned.len(), line.len() + 1);
}

#[test]
fn an_unreadable_input_is_reported_and_the_rest_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("ok.txt"), b"fine\n");
    // Reading a path below a regular file fails whatever our privileges.
    let unreadable = input.join("ok.txt").join("below");
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&[&"clean", &input, &unreadable, &"--out", &out], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("below") && stderr.contains("cannot read"),
        "{stderr}"
    );
    let entries = manifest(&out);
    assert_eq!(entry(&entries, "below")["status"], "error");
    assert_eq!(entry(&entries, "ok.txt")["status"], "ok");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("ok.txt"), b"fine\n");
    std::os::unix::fs::symlink("loop", input.join("loop")).unwrap();
    std::os::unix::fs::symlink(&input, input.join("parent")).unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = clean_checked(&input, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let entries = manifest(&out);
    assert_eq!(entries.len(), 3);
    assert_eq!(entry(&entries, "loop")["status"], "skipped");
    assert_eq!(entry(&entries, "parent")["status"], "skipped");

    // Named on the command line, a loop cannot be read at all.
    let (code, _, stderr) = run(&[&"clean", &input.join("loop"), &"--out", &out], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("loop"), "{stderr}");
}

#[test]
fn empty_files_give_empty_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("empty.txt"), b"");
    let out = tmp.path().join("out");
    let (code, _, stderr) = clean_checked(&input, &out, &["--verbose"]);
    assert_eq!(code, 0, "{stderr}");
    let e = &manifest(&out)[0];
    assert_eq!(e["status"], "ok");
    assert_eq!(e["bytes_out"], 0);
    assert_eq!(fs::read(out.join("empty.txt")).unwrap(), b"");
}

/// A corpus big enough that a run takes a noticeable time.
fn big_corpus(input: &Path, files: usize) {
    for i in 0..files {
        let text = format!(
            "第{i}篇\r\n{}\r\n{}  \r\n",
            SIMPLIFIED.repeat(20),
            SIMPLIFIED_SENTENCES[i % SIMPLIFIED_SENTENCES.len()]
        );
        let bytes = if i % 2 == 0 {
            text.into_bytes()
        } else {
            gbk(&text)
        };
        write(&input.join(format!("d{:02}/{i:05}.txt", i % 37)), &bytes);
    }
}

fn spawn_clean(input: &Path, out: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_canon"))
        .arg("clean")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("canon starts")
}

/// Waits until the run has journalled some documents, then sends `signal`.
fn interrupt_midway(child: &mut Child, out: &Path, signal: &str) {
    let journal = out.join(".canon-work/journal.jsonl");
    let deadline = Instant::now() + Duration::from_secs(60);
    while fs::read(&journal).map_or(0, |j| j.iter().filter(|&&b| b == b'\n').count()) < 20 {
        assert!(
            Instant::now() < deadline,
            "the run never started journalling"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be interrupted"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

/// Every regular file under `out` outside the work directory.
fn final_files(out: &Path) -> Vec<std::path::PathBuf> {
    tree(out)
        .into_keys()
        .filter(|p| !p.starts_with(".canon-work"))
        .collect()
}

fn interrupted_then_resumed(signal: &str, expected_code: Option<i32>) {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    big_corpus(&input, 1500);
    let before = tree(&input);

    let reference = tmp.path().join("reference");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &reference], None);
    assert_eq!(code, 0, "{stderr}");

    let out = tmp.path().join("out");
    let mut child = spawn_clean(&input, &out, &["--jobs", "1"]);
    interrupt_midway(&mut child, &out, signal);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), expected_code, "{output:?}");
    // Nothing under a final name: no outputs, no manifest.
    assert_eq!(final_files(&out), Vec::<std::path::PathBuf>::new());
    if expected_code.is_some() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--resume"), "{stderr}");
    }

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"--resume"], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("reused from an interrupted run"),
        "{stderr}"
    );
    assert_eq!(
        tree(&out),
        tree(&reference),
        "resumed run differs from an uninterrupted one"
    );
    assert_eq!(tree(&input), before, "inputs must never be modified");
}

#[cfg(unix)]
#[test]
fn sigint_stops_cleanly_and_resume_finishes_the_same_corpus() {
    interrupted_then_resumed("INT", Some(130));
}

#[cfg(unix)]
#[test]
fn sigterm_stops_cleanly_and_resume_finishes_the_same_corpus() {
    interrupted_then_resumed("TERM", Some(130));
}

#[cfg(unix)]
#[test]
fn a_killed_run_leaves_no_partial_files_and_resumes() {
    // SIGKILL cannot be handled: no exit code, a journal cut anywhere.
    interrupted_then_resumed("KILL", None);
}

/// Runs `canon clean` with every write past 16 KiB failing (EFBIG, as a full
/// disk fails a write): bash ignores SIGXFSZ so the write returns an error.
fn clean_with_small_file_size_limit(input: &Path, out: &Path) -> std::process::Output {
    Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 16; exec \"$0\" clean \"$1\" --out \"$2\" --jobs 1")
        .arg(env!("CARGO_BIN_EXE_canon"))
        .arg(input)
        .arg(out)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn resume_reuses_finished_work_and_recleans_changed_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("a.txt"), b"first  \r\n");
    write(&input.join("b.txt"), b"second\n");
    write(
        &input.join("z-large.txt"),
        SIMPLIFIED.repeat(200).as_bytes(),
    );
    let out = tmp.path().join("out");
    // The first run fails on the large file after journalling a and b.
    let failed = clean_with_small_file_size_limit(&input, &out);
    assert_eq!(failed.status.code(), Some(2));
    assert!(out.join(".canon-work/journal.jsonl").exists());
    write(&input.join("a.txt"), b"changed\r\n");
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"--resume"], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("(1 reused from an interrupted run)"),
        "{stderr}"
    );
    assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"changed\n");
    assert_eq!(fs::read(out.join("b.txt")).unwrap(), b"second\n");
    assert!(!out.join(".canon-work").exists());
}

#[cfg(unix)]
#[test]
fn a_write_failure_stops_the_run_with_no_partial_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("a-small.txt"), b"small\n");
    write(
        &input.join("b-large.txt"),
        SIMPLIFIED.repeat(200).as_bytes(),
    );
    let out = tmp.path().join("out");
    let before = tree(&input);
    let output = clean_with_small_file_size_limit(&input, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("File too large") || stderr.contains("too large"),
        "{stderr}"
    );
    assert_eq!(
        final_files(&out),
        Vec::<std::path::PathBuf>::new(),
        "{stderr}"
    );
    assert_eq!(tree(&input), before);
}

/// A survivor that cannot be written (here a directory stands at its output
/// path) fails alone; its duplicate says that the document it names is not
/// in the output, and why. Without the obstacle no such warning appears.
#[test]
fn a_survivor_that_cannot_be_written_is_named_by_its_duplicates() {
    for blocked in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        write(&input.join("a.txt"), format!("{SIMPLIFIED}\n").as_bytes());
        write(&input.join("b.txt"), format!("{SIMPLIFIED}\n").as_bytes());
        write(&input.join("c.txt"), b"Something else entirely.\n");
        let out = tmp.path().join("out");
        if blocked {
            write(&out.join("a.txt/in-the-way"), b"x");
        }
        let (code, _, stderr) = clean_checked(&input, &out, &[]);
        let entries = manifest(&out);
        let entry = |path: &str| entries.iter().find(|e| e["path"] == path).unwrap().clone();
        let (a, b) = (entry("a.txt"), entry("b.txt"));
        assert_eq!(b["status"], "duplicate", "{b}");
        assert_eq!(b["duplicate_of"], "a.txt", "{b}");
        assert_eq!(entry("c.txt")["status"], "ok");
        let warned = b["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|w| w.as_str())
            .find(|w| w.contains("survivor a.txt is not in the output"));
        if blocked {
            assert_eq!(code, 2, "{stderr}");
            assert_eq!(a["status"], "error", "{a}");
            let warned = warned.unwrap_or_else(|| panic!("{b}"));
            assert!(warned.contains("a directory is in the way"), "{warned}");
            assert!(stderr.contains("survivor not written"), "{stderr}");
        } else {
            assert_eq!(code, 0, "{stderr}");
            assert_eq!(a["status"], "ok");
            assert_eq!(warned, None, "{b}");
        }
    }
}

/// Linux only: `/dev/full` is the portable way to make every write fail.
/// Where it is expected it must be there, so the test cannot pass by doing
/// nothing.
#[cfg(target_os = "linux")]
#[test]
fn stdout_write_failure_is_an_error() {
    assert!(
        Path::new("/dev/full").exists(),
        "/dev/full missing on Linux: this test cannot check anything"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_canon"))
        .args(["clean", "-"])
        .stdin(Stdio::piped())
        .stdout(fs::File::create("/dev/full").unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"some text\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("<stdout>"));
}

#[test]
fn no_command_modifies_its_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("a.txt"), b"a  \r\n");
    write(&input.join("b.txt"), &gbk(SIMPLIFIED));
    write(&input.join("c.png"), PNG);
    let before = tree(&input);
    let out = tmp.path().join("out");
    let a = input.join("a.txt");
    for args in [
        vec![
            &"clean" as &dyn AsRef<std::ffi::OsStr>,
            &input,
            &"--out",
            &out,
        ],
        vec![&"clean", &input, &"--out", &out, &"--resume"],
        vec![&"check", &input],
        vec![&"detect", &input],
        vec![&"detect", &input, &"--json"],
        vec![&"explain", &a],
    ] {
        run(&args, None);
        assert_eq!(
            tree(&input),
            before,
            "{:?}",
            args.iter().map(|a| a.as_ref()).collect::<Vec<_>>()
        );
    }
}

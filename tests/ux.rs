//! How canon fits its users' habits, through the real binary: `check` finds
//! drift, `fix` repairs it in place and leaves canonical files untouched;
//! `clean` counts warnings instead of printing them and `--quiet` prints only
//! errors; completions and man pages come from the command-line definitions.

use std::fs;
use std::time::{Duration, SystemTime};

mod common;

use common::*;

#[test]
fn check_fails_fix_repairs_check_passes_and_canonical_files_keep_their_mtime() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fixtures");
    let dirty = dir.join("sub/dirty.txt");
    let gbk_file = dir.join("gbk.txt");
    let clean = dir.join("clean.txt");
    write(&dirty, "第一段。  \r\n\r\n第二段。\r\n".as_bytes());
    write(&gbk_file, &gbk(&format!("{SIMPLIFIED}\n")));
    write(&clean, "已经是规范的文本。\n".as_bytes());
    // An old modification time, so a rewrite within the same second shows.
    let old = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&clean)
        .unwrap()
        .set_modified(old)
        .unwrap();

    let (code, stdout, stderr) = run(&[&"check", &dir], None);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("+++ b/"), "a diff: {stdout}");
    assert!(stdout.contains("would be re-encoded from GBK"), "{stdout}");
    assert!(
        stderr.contains("2 of 3 files are not canonical"),
        "{stderr}"
    );

    let (code, stdout, stderr) = run(&[&"fix", &dir], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(&format!("fixed {}", dirty.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "fixed {} (re-encoded from GBK",
            gbk_file.display()
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("clean.txt"), "{stdout}");
    assert!(stderr.contains("2 of 3 files fixed"), "{stderr}");
    assert_eq!(fs::read_to_string(&dirty).unwrap(), "第一段。\n第二段。\n");
    assert_eq!(
        fs::read_to_string(&gbk_file).unwrap(),
        format!("{SIMPLIFIED}\n")
    );
    assert_eq!(fs::metadata(&clean).unwrap().modified().unwrap(), old);

    let (code, stdout, stderr) = run(&[&"check", &dir], None);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout, "");
    // Fixing a fixed tree changes nothing.
    let (code, stdout, _) = run(&[&"fix", &dir], None);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions_and_leaves_no_temporary_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("script.txt");
    write(&file, b"trailing.   \n");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o750)).unwrap();
    let (code, _, stderr) = run(&[&"fix", &file], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fs::read(&file).unwrap(), b"trailing.\n");
    let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o750);
    let names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["script.txt"]);
}

#[test]
fn fix_leaves_binary_files_alone_and_fails_on_missing_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let png = tmp.path().join("x.png");
    let bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec();
    write(&png, &bytes);
    let missing = tmp.path().join("missing.txt");
    let (code, _, stderr) = run(&[&"fix", &png, &missing], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("x.png: skipped"), "{stderr}");
    assert!(stderr.contains("missing.txt"), "{stderr}");
    assert_eq!(fs::read(&png).unwrap(), bytes);
}

/// A file that decodes with damage (a cut multibyte sequence), so it
/// carries a warning.
fn warned_tree(input: &std::path::Path) {
    let text = SIMPLIFIED.repeat(2);
    write(&input.join("cut.txt"), &text.as_bytes()[..text.len() - 2]);
    write(&input.join("fine.txt"), "好的。\n".as_bytes());
}

#[test]
fn clean_counts_warnings_by_default_and_quiet_prints_nothing_but_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    warned_tree(&input);

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("cut.txt"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].contains("1 document with malformed bytes"),
        "{stderr}"
    );
    assert!(lines[0].contains("manifest.jsonl"), "{stderr}");
    assert!(lines[1].contains("2 files"), "{stderr}");
    // Not a terminal: no colour, whatever NO_COLOR says.
    assert!(!stderr.contains('\x1b'), "{stderr:?}");

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"--quiet"], None);
    assert_eq!((code, stderr.as_str()), (0, ""));

    let missing = tmp.path().join("missing.txt");
    let (code, _, stderr) = run(&[&"clean", &input, &missing, &"--out", &out, &"-q"], None);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("missing.txt: error: cannot read"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"-q", &"-v"], None);
    assert_eq!(code, 2, "--quiet and --verbose conflict: {stderr}");
}

#[test]
fn completions_for_bash_zsh_and_fish_name_the_commands_and_flags() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef canon"),
        ("fish", "complete -c canon"),
    ] {
        let (code, stdout, stderr) = run(&[&"completions", &shell], None);
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(stdout.contains(marker), "{shell}: {stdout}");
        for word in ["clean", "fix", "near-threshold", "config"] {
            assert!(stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let (code, _, _) = run(&[&"completions", &"cmd.exe"], None);
    assert_eq!(code, 2);
}

#[test]
fn man_pages_are_roff_for_canon_and_each_command() {
    let (code, stdout, _) = run(&[&"man"], None);
    assert_eq!(code, 0);
    assert!(stdout.contains(".TH canon 1"), "{stdout}");
    assert!(stdout.contains("fix"), "{stdout}");
    let (code, stdout, _) = run(&[&"man", &"clean"], None);
    assert_eq!(code, 0);
    assert!(stdout.contains(".TH canon-clean 1"), "{stdout}");
    assert!(stdout.contains("\\-\\-resume"), "{stdout}");
    let (code, _, stderr) = run(&[&"man", &"nope"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("no command \"nope\""), "{stderr}");
}

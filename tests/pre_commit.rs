//! The pre-commit hooks of `.pre-commit-hooks.yaml`, installed the way users
//! install them: pre-commit (from PyPI, in a virtual environment) clones
//! this repository as it is now (a temporary commit of the working tree),
//! builds canon with `cargo install` (its `language: rust`), and runs the
//! hooks in a temporary git repository holding a dirty and a clean file.
//!
//! Runs only when `python3` with `venv` is there and PyPI answers; otherwise
//! it says why on stderr and passes. The build goes to
//! `target/pre-commit-build` (kept between runs, so only the first is slow)
//! and every pre-commit call has a deadline.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longest a pre-commit call may take: the first install builds canon and
/// its dependencies from scratch (the whole test took 1214 s optimised and
/// 770 s unoptimised, as here, on two cores under a load of about 27);
/// later ones rebuild only canon.
const CALL_DEADLINE: Duration = Duration::from_secs(20 * 60);

/// Runs `program` with `args` in `dir` until it ends or [`CALL_DEADLINE`]
/// passes (then it is killed and the test fails).
fn call(dir: &Path, program: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("GIT_AUTHOR_NAME", "canon test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "canon test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid");
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    // Drained while we wait: a child writing more than a pipe holds would
    // block forever otherwise.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut bytes).expect("reading a pipe");
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting") {
            return Output {
                status,
                stdout: stdout.join().expect("stdout"),
                stderr: stderr.join().expect("stderr"),
            };
        }
        if started.elapsed() > CALL_DEADLINE {
            let _ = child.kill();
            panic!(
                "{} {args:?} took longer than {CALL_DEADLINE:?}",
                program.display()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let o = call(dir, Path::new("git"), args, &[]);
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
    o
}

/// A git repository holding this working tree (tracked and untracked files
/// git does not ignore) as one commit; returns its commit hash.
fn snapshot_of_this_tree(dest: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = git(root, &["ls-files", "-z", "-co", "--exclude-standard"]);
    fs::create_dir_all(dest).unwrap();
    git(dest, &["init", "-q"]);
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let rel = PathBuf::from(String::from_utf8(name.to_vec()).unwrap());
        let from = root.join(&rel);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = dest.join(&rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&from, &to).unwrap();
    }
    git(dest, &["add", "-A"]);
    git(dest, &["commit", "-q", "-m", "snapshot"]);
    let head = git(dest, &["rev-parse", "HEAD"]);
    String::from_utf8(head.stdout).unwrap().trim().to_string()
}

#[test]
fn hooks_install_from_the_repository_and_check_then_fix_a_dirty_file() {
    let python = Path::new("python3");
    let tmp = tempfile::tempdir().unwrap();
    let probe = Command::new(python)
        .args(["-c", "import venv, ensurepip"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no python3 with venv and ensurepip");
        return;
    }
    let venv = tmp.path().join("venv");
    let made = call(
        tmp.path(),
        python,
        &["-m", "venv", venv.to_str().unwrap()],
        &[],
    );
    assert!(made.status.success(), "venv: {}", text(&made));
    let pip = call(
        tmp.path(),
        &venv.join("bin/pip"),
        &["install", "-q", "pre-commit"],
        &[],
    );
    if !pip.status.success() {
        eprintln!(
            "skipped: pre-commit could not be installed from PyPI: {}",
            text(&pip)
        );
        return;
    }
    let pre_commit = venv.join("bin/pre-commit");

    let hooks_repo = tmp.path().join("canon-repo");
    let rev = snapshot_of_this_tree(&hooks_repo);

    let project = tmp.path().join("project");
    fs::create_dir_all(&project).unwrap();
    git(&project, &["init", "-q"]);
    fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: canon-check\n  - id: canon-fix\n",
            hooks_repo.display()
        ),
    )
    .unwrap();
    let dirty = "第一段。  \r\n\r\n第二段。\r\n";
    let clean = "已经是规范的文本。\n";
    fs::write(project.join("dirty.txt"), dirty).unwrap();
    fs::write(project.join("clean.txt"), clean).unwrap();
    git(&project, &["add", "-A"]);

    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let (home, build) = (
        target.join("pre-commit-home"),
        target.join("pre-commit-build"),
    );
    let env: [(&str, &std::ffi::OsStr); 4] = [
        // Kept between runs: the hook environment and canon's build.
        ("PRE_COMMIT_HOME", home.as_os_str()),
        ("CARGO_TARGET_DIR", build.as_os_str()),
        // What is tested is the hooks' behaviour, not canon's speed: an
        // unoptimised build takes a fraction of the time.
        ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0".as_ref()),
        ("CARGO_PROFILE_RELEASE_DEBUG", "false".as_ref()),
    ];
    let hook = |id: &str| call(&project, &pre_commit, &["run", id, "--all-files"], &env);

    let checked = hook("canon-check");
    let out = text(&checked);
    assert_eq!(checked.status.code(), Some(1), "{out}");
    assert!(out.contains("dirty.txt"), "{out}");
    assert!(out.contains("+++ b/"), "a diff: {out}");
    assert_eq!(
        fs::read_to_string(project.join("dirty.txt")).unwrap(),
        dirty
    );

    // pre-commit fails a hook that modified files: the user re-adds them.
    let fixed = hook("canon-fix");
    let out = text(&fixed);
    assert_eq!(fixed.status.code(), Some(1), "{out}");
    assert!(out.contains("fixed dirty.txt"), "{out}");
    assert_eq!(
        fs::read_to_string(project.join("dirty.txt")).unwrap(),
        "第一段。\n第二段。\n"
    );
    assert_eq!(
        fs::read_to_string(project.join("clean.txt")).unwrap(),
        clean
    );

    let checked = hook("canon-check");
    assert!(checked.status.success(), "{}", text(&checked));
}

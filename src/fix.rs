//! `canon check` and `canon fix`: one pass over files that decides, for each,
//! what cleaning would change, then either shows it (check) or writes it in
//! place (fix). Both share [`examine`], so "canonical" always means "`fix`
//! would not touch it" and "`clean` would write the same bytes".
//!
//! Example: a file holding `hello.  \r\nworld.\r\n` makes `check` print a
//! unified diff to `hello.\nworld.\n` and exit 1; `fix` rewrites the file to
//! those bytes and prints `fixed PATH (normalize)`; `check` then exits 0.
//!
//! Limits: corpus-wide dedup does not run (each file is cleaned alone, like
//! `canon clean -`); a file given through a symbolic link is rewritten at its
//! target, and links met while walking a directory are skipped, as `clean`
//! skips them.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::pipeline::{self, Options, Outcome};
use crate::stages::StageSummary;
use crate::stages::decode::{self, Decoded};
use crate::walk::{self, Item, Problem, WalkOptions};

/// What the command does with a file cleaning would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Show a diff; exit 1 if any file would change.
    Check,
    /// Rewrite the file in place.
    Fix,
}

/// What cleaning would do to one file.
#[derive(Debug)]
pub enum Verdict {
    /// Cleaning gives the same bytes.
    Canonical,
    /// Cleaning changes the file.
    Drift(Drift),
    /// Not a document (binary, symbolic link, …): left alone.
    Skipped(String),
    /// Could not be read.
    Failed(String),
}

/// A file whose cleaned bytes differ from its bytes.
#[derive(Debug)]
pub struct Drift {
    /// The file as decoded.
    pub before: String,
    /// The cleaned text (what `clean` would write).
    pub after: String,
    /// The encoding it is re-encoded from, when that is not plain UTF-8
    /// (with "with BOM" when a BOM goes).
    pub reencoded_from: Option<String>,
    /// What each stage changed.
    pub changes: Vec<StageSummary>,
}

/// Decides what cleaning would do to `item` with `options`.
pub fn examine(item: &Item, options: &Options) -> Verdict {
    let bytes = match &item.problem {
        Some(Problem::Skip(reason)) => return Verdict::Skipped(reason.clone()),
        Some(Problem::Error(message)) => return Verdict::Failed(message.clone()),
        None => match fs::read(&item.source) {
            Ok(bytes) => bytes,
            Err(e) => return Verdict::Failed(format!("cannot read: {e}")),
        },
    };
    let before = match decode::decode(&bytes) {
        Decoded::Binary(kind) => return Verdict::Skipped(kind.to_string()),
        Decoded::Text { text, .. } => text,
    };
    // The same path `clean` takes, so "canonical" means "clean would not
    // change it".
    let cleaned = match pipeline::clean_bytes(&bytes, options) {
        Outcome::Text(c) => c,
        Outcome::Binary(kind) => return Verdict::Skipped(kind.to_string()),
    };
    if cleaned.text.as_bytes() == bytes.as_slice() {
        return Verdict::Canonical;
    }
    let report = &cleaned.decode;
    let reencoded_from = (report.encoding != "UTF-8" || report.bom).then(|| {
        format!(
            "{}{}",
            report.encoding,
            if report.bom { " with BOM" } else { "" }
        )
    });
    Verdict::Drift(Drift {
        before: before.into_owned(),
        after: cleaned.text,
        reencoded_from,
        changes: cleaned.changes,
    })
}

/// Counts of one `check` or `fix` run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub examined: usize,
    pub drifted: usize,
    pub failed: usize,
}

/// Runs `check` or `fix` over `paths`: diffs or "fixed" lines on `out`,
/// problems and the summary on `err`. Returns the exit code.
pub fn run(
    mode: Mode,
    paths: &[std::path::PathBuf],
    hidden: bool,
    options: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8> {
    let items = walk::collect(
        paths,
        &WalkOptions {
            exclude: Vec::new(),
            hidden,
        },
    );
    let mut tally = Tally::default();
    for item in &items {
        let shown = item.source.display();
        match examine(item, options) {
            Verdict::Canonical => tally.examined += 1,
            Verdict::Skipped(reason) => {
                writeln!(err, "canon: {shown}: skipped: {reason}").map_err(stderr_error)?;
            }
            Verdict::Failed(message) => {
                tally.failed += 1;
                writeln!(err, "canon: {shown}: {message}").map_err(stderr_error)?;
            }
            Verdict::Drift(drift) => {
                tally.examined += 1;
                tally.drifted += 1;
                let text = match mode {
                    Mode::Check => describe_drift(&drift, &item.source),
                    Mode::Fix => match rewrite(&item.source, drift.after.as_bytes()) {
                        Ok(()) => format!("fixed {shown} ({})\n", what_changed(&drift)),
                        Err(e) => {
                            tally.failed += 1;
                            tally.drifted -= 1;
                            writeln!(err, "canon: {shown}: cannot rewrite: {e}")
                                .map_err(stderr_error)?;
                            continue;
                        }
                    },
                };
                out.write_all(text.as_bytes())
                    .map_err(|e| Error::io("<stdout>", e))?;
            }
        }
    }
    out.flush().map_err(|e| Error::io("<stdout>", e))?;
    writeln!(err, "{}", summary(mode, tally)).map_err(stderr_error)?;
    Ok(exit_code(mode, tally))
}

fn stderr_error(e: io::Error) -> Error {
    Error::io("<stderr>", e)
}

/// The summary line of a run.
fn summary(mode: Mode, t: Tally) -> String {
    match (mode, t.drifted) {
        (Mode::Check, 0) => format!("canon check: {} files are canonical", t.examined),
        (Mode::Check, n) => format!(
            "canon check: {n} of {} files are not canonical; `canon fix <PATH>...` rewrites them in place",
            t.examined
        ),
        (Mode::Fix, n) => format!(
            "canon fix: {n} of {} files fixed, {} left as they were",
            t.examined,
            t.examined - n
        ),
    }
}

/// 2 when a file could not be read or written; for `check`, 1 when a file
/// is not canonical; otherwise 0 (`fix` succeeded: the files are canonical
/// now).
fn exit_code(mode: Mode, t: Tally) -> u8 {
    use crate::commands::{EXIT_DRIFT, EXIT_FAILED, EXIT_OK};
    if t.failed > 0 {
        EXIT_FAILED
    } else if mode == Mode::Check && t.drifted > 0 {
        EXIT_DRIFT
    } else {
        EXIT_OK
    }
}

/// The stages that changed the file, and its re-encoding, in a few words.
fn what_changed(drift: &Drift) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(from) = &drift.reencoded_from {
        parts.push(format!("re-encoded from {from}"));
    }
    for s in &drift.changes {
        let edits: u64 = s.edits.iter().map(|e| e.count).sum();
        parts.push(format!("{} ×{edits}", s.stage));
    }
    if parts.is_empty() {
        // Only the bytes differ (the decoder's own work, e.g. a BOM).
        parts.push("bytes only".into());
    }
    parts.join(", ")
}

/// `check`'s text for one file: the re-encoding, if any, then a unified diff.
fn describe_drift(drift: &Drift, path: &Path) -> String {
    let mut text = String::new();
    if let Some(from) = &drift.reencoded_from {
        let _ = writeln!(
            text,
            "{}: would be re-encoded from {from} to UTF-8",
            path.display()
        );
    }
    text.push_str(&unified_diff(&drift.before, &drift.after, path));
    text
}

/// A unified diff with visible markers for what a line diff hides (line
/// endings, trailing whitespace, a missing final newline).
fn unified_diff(before: &str, after: &str, path: &Path) -> String {
    let shown = path.display().to_string();
    let diff = similar::TextDiff::from_lines(before, after);
    let mut out = diff
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .missing_newline_hint(true)
        .to_string();
    if out.is_empty() && before != after {
        let _ = writeln!(
            out,
            "--- a/{shown}\n+++ b/{shown}\n(differences in invisible characters only)"
        );
    }
    out.replace('\r', "␍")
}

/// Replaces the file `path` points to with `bytes`: through a temporary file
/// in the same directory and a rename, so the file is either the old one or
/// the whole new one, with the old file's permissions.
fn rewrite(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A link given by name is followed: its target is the file the user
    // means, and the link stays a link.
    let target = fs::canonicalize(path)?;
    let permissions = fs::metadata(&target)?.permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".canon-fix-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_data()?;
    fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(path: &Path) -> Item {
        Item {
            source: path.to_path_buf(),
            rel: path.file_name().unwrap().into(),
            problem: None,
        }
    }

    #[test]
    fn canonical_text_is_canonical_and_dirty_text_drifts() {
        let tmp = tempfile::tempdir().unwrap();
        let clean = tmp.path().join("clean.txt");
        let dirty = tmp.path().join("dirty.txt");
        fs::write(&clean, "第一行。\n").unwrap();
        fs::write(&dirty, "第一行。  \r\n").unwrap();
        let options = Options::default();
        assert!(matches!(
            examine(&item(&clean), &options),
            Verdict::Canonical
        ));
        let Verdict::Drift(d) = examine(&item(&dirty), &options) else {
            panic!("dirty text drifts")
        };
        assert_eq!(d.after, "第一行。\n");
        assert_eq!(d.reencoded_from, None);
        assert!(
            what_changed(&d).contains("normalize"),
            "{}",
            what_changed(&d)
        );
    }

    #[test]
    fn fix_mode_rewrites_then_check_mode_passes() {
        let tmp = tempfile::tempdir().unwrap();
        let dirty = tmp.path().join("dirty.txt");
        fs::write(&dirty, "a.  \r\nb.\r\n").unwrap();
        let paths = [dirty.clone()];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let options = Options::default();
        let code = run(Mode::Check, &paths, false, &options, &mut out, &mut err).unwrap();
        assert_eq!(code, 1);
        let code = run(Mode::Fix, &paths, false, &options, &mut out, &mut err).unwrap();
        assert_eq!(code, 0);
        assert_eq!(fs::read(&dirty).unwrap(), b"a.\nb.\n");
        let code = run(Mode::Check, &paths, false, &options, &mut out, &mut err).unwrap();
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    }

    #[test]
    fn binary_is_skipped_not_fixed() {
        let tmp = tempfile::tempdir().unwrap();
        let png = tmp.path().join("x.png");
        let bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        fs::write(&png, &bytes).unwrap();
        assert!(matches!(
            examine(&item(&png), &Options::default()),
            Verdict::Skipped(_)
        ));
    }
}

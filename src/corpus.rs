//! Cleaning a corpus: inputs → `--out` directory + manifest.
//!
//! The run has three phases, so that an interruption never leaves a
//! half-written file under a final name and the result does not depend on
//! the thread count:
//!
//! 1. In parallel, each document is read, cleaned and written to a staging
//!    directory inside `--out` (same file system, so step 3 is a rename).
//!    Only its manifest entry and fingerprint stay in memory.
//! 2. Sequentially, in sorted path order: output-path collisions and
//!    duplicates are decided; the first copy in sorted order survives.
//! 3. Survivors are renamed to their final names; the manifest is written to
//!    a temporary file and renamed last.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::manifest::{self, Entry, MANIFEST_NAME, Status};
use crate::pipeline::{self, Options, Outcome};
use crate::stages::Stage;
use crate::stages::dedup::{self, Fingerprint};
use crate::walk::{self, Item, Problem, WalkOptions};

/// A validated `canon clean … --out DIR` run.
#[derive(Debug, Clone)]
pub struct CleanConfig {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub options: Options,
    /// Worker threads (≥ 1).
    pub jobs: usize,
    /// Walk hidden files and directories too.
    pub hidden: bool,
    /// Where duplicates are written for inspection, if anywhere.
    pub duplicates_dir: Option<PathBuf>,
    /// Show a progress bar (only drawn on a terminal).
    pub progress: bool,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub files: usize,
    pub ok: usize,
    pub duplicates: usize,
    pub skipped: usize,
    pub errors: usize,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub elapsed: Duration,
}

impl Summary {
    fn count(entries: &[Entry], elapsed: Duration) -> Summary {
        let mut s = Summary {
            files: entries.len(),
            elapsed,
            ..Summary::default()
        };
        for e in entries {
            match e.status {
                Status::Ok => s.ok += 1,
                Status::Duplicate => s.duplicates += 1,
                Status::Skipped => s.skipped += 1,
                Status::Error => s.errors += 1,
            }
            s.bytes_in += e.bytes_in;
            s.bytes_out += e.bytes_out;
        }
        s
    }

    /// The one-line summary printed at the end of a run.
    pub fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        let mb_in = self.bytes_in as f64 / 1e6;
        let rate = if secs > 0.0 { mb_in / secs } else { 0.0 };
        format!(
            "canon: {} files: {} ok, {} duplicates, {} skipped, {} errors; {:.2} MB in, {:.2} MB out, {:.1} MB/s, {:.2} s",
            self.files,
            self.ok,
            self.duplicates,
            self.skipped,
            self.errors,
            mb_in,
            self.bytes_out as f64 / 1e6,
            rate,
            secs
        )
    }
}

/// One document after phase 1.
struct Processed {
    entry: Entry,
    rel: PathBuf,
    source: PathBuf,
    staged: Option<PathBuf>,
    fingerprint: Option<Fingerprint>,
}

/// Runs `canon clean` over a corpus. `Err` only for problems with the output
/// side or the configuration; per-document problems are in the manifest.
pub fn clean(config: &CleanConfig) -> Result<(Vec<Entry>, Summary)> {
    let started = Instant::now();
    if config.out.exists() && !config.out.is_dir() {
        return Err(Error::Config(format!(
            "--out {} exists and is not a directory",
            config.out.display()
        )));
    }
    fs::create_dir_all(&config.out).map_err(|e| Error::io(&config.out, e))?;
    let out = config
        .out
        .canonicalize()
        .map_err(|e| Error::io(&config.out, e))?;
    let mut exclude = vec![out.clone()];
    if let Some(dir) = &config.duplicates_dir {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        exclude.push(dir.canonicalize().map_err(|e| Error::io(dir, e))?);
    }
    let items = walk::collect(
        &config.inputs,
        &WalkOptions {
            exclude,
            hidden: config.hidden,
        },
    );
    let staging = tempfile::Builder::new()
        .prefix(".canon-staging-")
        .tempdir_in(&out)
        .map_err(|e| Error::io(&out, e))?;

    let progress = progress_bar(config.progress, items.len() as u64);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .map_err(|e| Error::Config(format!("cannot start {} worker threads: {e}", config.jobs)))?;
    let mut processed: Vec<Processed> = pool.install(|| {
        items
            .par_iter()
            .enumerate()
            .map(|(index, item)| {
                let p = process(index, item, staging.path(), &config.options);
                progress.inc(1);
                p
            })
            .collect::<Result<Vec<_>>>()
    })?;
    progress.finish_and_clear();

    resolve_collisions(&mut processed);
    if config.options.runs(Stage::Dedup) {
        mark_duplicates(&mut processed);
    }
    for p in &mut processed {
        finalize(p, &out, config.duplicates_dir.as_deref())?;
    }
    let entries: Vec<Entry> = processed.into_iter().map(|p| p.entry).collect();
    write_atomically(
        &out.join(MANIFEST_NAME),
        manifest::to_jsonl(&entries).as_bytes(),
    )?;
    let summary = Summary::count(&entries, started.elapsed());
    Ok((entries, summary))
}

fn progress_bar(enabled: bool, len: u64) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// The manifest's spelling of a path, and its raw bytes in hex when that
/// spelling had to be lossy.
pub fn display_path(path: &Path) -> (String, Option<String>) {
    match path.to_string_lossy() {
        Cow::Borrowed(s) => (s.to_string(), None),
        Cow::Owned(s) => {
            let hex = path
                .as_os_str()
                .as_encoded_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (s, Some(hex))
        }
    }
}

/// Phase 1 for one document. `Err` only when the staging write fails: the
/// output side is broken and the run must stop.
fn process(index: usize, item: &Item, staging: &Path, options: &Options) -> Result<Processed> {
    let (path, path_bytes) = display_path(&item.rel);
    let mut processed = Processed {
        entry: Entry::new(path, path_bytes, 0),
        rel: item.rel.clone(),
        source: item.source.clone(),
        staged: None,
        fingerprint: None,
    };
    let entry = &mut processed.entry;
    match &item.problem {
        Some(Problem::Skip(reason)) => {
            entry.skip(reason.clone());
            return Ok(processed);
        }
        Some(Problem::Error(message)) => {
            entry.fail(message.clone());
            return Ok(processed);
        }
        None => {}
    }
    let bytes = match fs::read(&item.source) {
        Ok(bytes) => bytes,
        Err(e) => {
            entry.fail(format!("cannot read: {e}"));
            return Ok(processed);
        }
    };
    entry.bytes_in = bytes.len() as u64;
    match pipeline::clean_bytes(&bytes, options) {
        Outcome::Binary(kind) => entry.skip(kind.to_string()),
        Outcome::Text(cleaned) => {
            entry.record_cleaning(&cleaned.decode, &cleaned.changes);
            entry.script = cleaned.script;
            let digest: Fingerprint = Sha256::digest(cleaned.text.as_bytes()).into();
            entry.sha256 = Some(hex(&digest));
            entry.bytes_out = cleaned.text.len() as u64;
            if !cleaned.text.is_empty() {
                processed.fingerprint = Some(digest);
            }
            let staged = staging.join(index.to_string());
            fs::write(&staged, cleaned.text.as_bytes()).map_err(|e| Error::io(&staged, e))?;
            processed.staged = Some(staged);
        }
    }
    Ok(processed)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Two inputs from different roots may map to the same output path: the
/// first in sorted order keeps it, the others fail.
fn resolve_collisions(processed: &mut [Processed]) {
    let mut owner: HashMap<PathBuf, usize> = HashMap::new();
    for i in 0..processed.len() {
        if processed[i].entry.status != Status::Ok {
            continue;
        }
        match owner.get(&processed[i].rel) {
            None => {
                owner.insert(processed[i].rel.clone(), i);
            }
            Some(&first) => {
                let message = format!(
                    "output path collides with {}",
                    processed[first].source.display()
                );
                let p = &mut processed[i];
                p.entry.fail(message);
                p.fingerprint = None;
            }
        }
    }
}

fn mark_duplicates(processed: &mut [Processed]) {
    let fingerprints: Vec<Option<Fingerprint>> = processed
        .iter()
        .map(|p| {
            if p.entry.status == Status::Ok {
                p.fingerprint
            } else {
                None
            }
        })
        .collect();
    let duplicates = dedup::exact_duplicates(&fingerprints);
    for (i, dup) in duplicates.into_iter().enumerate() {
        if let Some(first) = dup {
            let original = processed[first].entry.path.clone();
            let entry = &mut processed[i].entry;
            entry.status = Status::Duplicate;
            entry.duplicate_of = Some(original);
            entry.similarity = Some(1.0);
            entry.changes.entry("dedup").or_default().insert("exact", 1);
        }
    }
}

/// Phase 3 for one document: move the staged text to its final name (or to
/// the duplicates directory), recording per-document failures.
fn finalize(p: &mut Processed, out: &Path, duplicates_dir: Option<&Path>) -> Result<()> {
    let Some(staged) = p.staged.take() else {
        return Ok(());
    };
    let root = match p.entry.status {
        Status::Ok => out,
        Status::Duplicate => match duplicates_dir {
            Some(dir) => dir,
            None => return Ok(()),
        },
        Status::Skipped | Status::Error => return Ok(()),
    };
    let dest = root.join(&p.rel);
    let placed = dest
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| {
            if dest.is_dir() {
                Err(std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "a directory is in the way",
                ))
            } else {
                fs::rename(&staged, &dest)
            }
        });
    match placed {
        Ok(()) if p.entry.status == Status::Ok => {
            p.entry.output = Some(display_path(&p.rel).0);
        }
        Ok(()) => {}
        Err(e) if is_output_side_fatal(&e) => return Err(Error::io(dest, e)),
        Err(e) => {
            p.entry
                .fail(format!("cannot write {}: {e}", dest.display()));
            p.entry.bytes_out = 0;
        }
    }
    Ok(())
}

/// Errors that will hit every later write too: stop rather than fail each
/// file one by one.
fn is_output_side_fatal(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        StorageFull | ReadOnlyFilesystem | QuotaExceeded | PermissionDenied
    )
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so `path` is either the old file or the complete new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".canon-tmp-");
    // A manifest is an ordinary output file: readable like the others
    // (tempfile's default is owner-only).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_data())
        .map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

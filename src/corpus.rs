//! Cleaning a corpus: inputs → `--out` directory + manifest.
//!
//! The run has three phases, so that an interruption never leaves a
//! half-written file under a final name and the result does not depend on
//! the thread count:
//!
//! 1. In parallel, each document is read, cleaned and written to the work
//!    directory `--out/.canon-work/` (same file system, so step 3 is a
//!    rename), and a line is appended to its journal. Only the manifest entry,
//!    fingerprint and dedup signature (a fixed ~600 bytes) stay in memory.
//! 2. Sequentially, in sorted path order: output-path collisions and
//!    duplicates are decided; the first copy in sorted order survives.
//!    Near-duplicate candidates are verified by re-reading their staged
//!    texts; boilerplate lines are found and, on request, removed from the
//!    staged texts.
//! 3. Survivors are renamed to their final names; the manifest is written to
//!    a temporary file and renamed last; the work directory is removed.
//!
//! An interrupted run (Ctrl-C, SIGTERM, a kill, a crash) leaves its work
//! directory behind. `--resume` reuses every journalled document whose input
//! still has the same SHA-256, whose options were the same and whose staged
//! text is intact (checked by hash), and cleans the rest: the final corpus is
//! the one an uninterrupted run gives. A run without `--resume` starts the
//! work directory afresh.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::clusters::{self, CLUSTERS_NAME, ClusterLine};
use crate::error::{Error, Result};
use crate::manifest::{self, Entry, MANIFEST_NAME, Matched, Status};
use crate::pipeline::{self, Options, Outcome};
use crate::stages::Stage;
use crate::stages::dedup::{self, DocSignature, Fingerprint, MatchKind, RegionalFold};
use crate::timings::{StageTimes, Timings};
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
    /// Write duplicates to their output paths too, marked in the manifest.
    pub keep_duplicates: bool,
    /// Where the documents' dedup signatures are written, if anywhere.
    pub signatures: Option<PathBuf>,
    /// Show a progress bar (only drawn on a terminal).
    pub progress: bool,
    /// Reuse the work of an interrupted run into the same `out`.
    pub resume: bool,
    /// Inputs larger than this many bytes are not read (status `error`).
    pub max_file_size: u64,
    /// Set by a signal handler to stop the run early; checked between
    /// documents.
    pub interrupt: Option<Arc<AtomicBool>>,
}

/// The work directory inside `--out`: staged texts and the journal.
pub const WORK_DIR: &str = ".canon-work";

/// The journal's file name inside [`WORK_DIR`].
const JOURNAL_NAME: &str = "journal.jsonl";

/// Default for `--max-file-size`: a document is held in memory a few times
/// over while it is cleaned, and no real text document comes near this.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// One journal line: a document cleaned in phase 1, enough to reuse it.
#[derive(Debug, Serialize, Deserialize)]
struct JournalRecord {
    /// Identifies the document across runs: a hash of its source and
    /// relative paths (two roots may hold the same relative path).
    key: String,
    /// SHA-256 of the input bytes that were cleaned.
    source_sha256: String,
    /// The options it was cleaned with.
    options: String,
    /// The staged text's file name inside the work directory.
    staged: Option<String>,
    fingerprint: Option<String>,
    entry: Entry,
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
    /// Distinct boilerplate lines found across documents.
    pub boilerplate_lines: usize,
    /// The boilerplate line found in the most documents, and their number.
    pub boilerplate_example: Option<(String, usize)>,
    /// Documents taken from an interrupted run's work (`--resume`).
    pub reused: usize,
    pub elapsed: Duration,
    /// Time per stage, for `run.json` (never the manifest: it varies).
    pub timings: Timings,
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
        let boilerplate = match &self.boilerplate_example {
            Some((line, docs)) => format!(
                "; {} boilerplate lines (e.g. {line:?} in {docs} documents)",
                self.boilerplate_lines
            ),
            None => String::new(),
        };
        let reused = if self.reused > 0 {
            format!(" ({} reused from an interrupted run)", self.reused)
        } else {
            String::new()
        };
        format!(
            "canon: {} files{reused}: {} ok, {} duplicates, {} skipped, {} errors{boilerplate}; {:.2} MB in, {:.2} MB out, {:.1} MB/s, {:.2} s",
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
    /// For corpus-wide dedup, when the stage runs and the text is not empty.
    signature: Option<Box<DocSignature>>,
    /// Hashes of candidate boilerplate lines (at most a few).
    boilerplate: Vec<u64>,
    /// Taken from an interrupted run's journal.
    reused: bool,
}

/// Runs `canon clean` over a corpus. `Err` only for problems with the output
/// side or the configuration; per-document problems are in the manifest.
pub fn clean(config: &CleanConfig) -> Result<(Vec<Entry>, Summary)> {
    let started = Instant::now();
    let (out, items) = prepare(config)?;
    let work = Work::open(&out.join(WORK_DIR), config)?;

    let progress = progress_bar(config.progress, items.len() as u64);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .map_err(|e| Error::Config(format!("cannot start {} worker threads: {e}", config.jobs)))?;
    let interrupted = || {
        config
            .interrupt
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    };
    let mut processed: Vec<Processed> = pool.install(|| {
        items
            .par_iter()
            .map(|item| {
                if interrupted() {
                    return Err(Error::Interrupted);
                }
                let p = work.process(item, config);
                progress.inc(1);
                p
            })
            .collect::<Result<Vec<_>>>()
    })?;
    progress.finish_and_clear();
    work.flush()?;
    if interrupted() {
        return Err(Error::Interrupted);
    }

    resolve_collisions(&mut processed);
    let mut boilerplate = (0, None);
    let mut clusters = None;
    let mut decision = Duration::ZERO;
    if config.options.runs(Stage::Dedup) {
        if let Some(path) = &config.signatures {
            write_signature_file(path, &processed)?;
        }
        let start = Instant::now();
        clusters = Some(mark_duplicates(&mut processed, &config.options));
        boilerplate = mark_boilerplate(&mut processed, &config.options)?;
        decision = start.elapsed();
    }
    let duplicates = match (config.keep_duplicates, config.duplicates_dir.as_deref()) {
        (true, _) => Some(out.as_path()),
        (false, dir) => dir,
    };
    let mut unwritten = HashMap::new();
    for p in &mut processed {
        let survivor = p.entry.status == Status::Ok;
        finalize(p, &out, duplicates)?;
        if survivor && let Some(error) = &p.entry.error {
            unwritten.insert(p.entry.path.clone(), error.clone());
        }
    }
    warn_unwritten_survivors(&mut processed, &unwritten);
    write_clusters(&out, clusters.as_deref())?;
    let reused = processed.iter().filter(|p| p.reused).count();
    let entries: Vec<Entry> = processed.into_iter().map(|p| p.entry).collect();
    write_atomically(
        &out.join(MANIFEST_NAME),
        manifest::to_jsonl(&entries).as_bytes(),
    )?;
    let times = work.times();
    work.remove()?;
    let mut summary = Summary::count(&entries, started.elapsed());
    summary.timings = Timings::new(&times, decision, config.jobs, summary.elapsed);
    summary.reused = reused;
    (summary.boilerplate_lines, summary.boilerplate_example) = boilerplate;
    Ok((entries, summary))
}

/// Checks `--out` against the inputs, creates it and walks the inputs:
/// the start every kind of run shares. Returns `--out` made absolute and
/// the items in sorted order.
pub(crate) fn prepare(config: &CleanConfig) -> Result<(PathBuf, Vec<Item>)> {
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
    for input in &config.inputs {
        if input.is_dir() && input.canonicalize().is_ok_and(|c| c == out) {
            return Err(Error::Config(format!(
                "--out {} is also an input: canon never writes over its inputs",
                config.out.display()
            )));
        }
    }
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
    Ok((out, items))
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

/// The work directory of a run: staged texts and the journal.
struct Work {
    dir: PathBuf,
    journal: Mutex<BufWriter<File>>,
    /// Records of an interrupted run, by `key`, when resuming.
    previous: HashMap<String, JournalRecord>,
    /// The documents' stage times, summed as they finish.
    times: Mutex<StageTimes>,
}

impl Work {
    /// Opens the work directory: afresh, or keeping an earlier run's journal
    /// when resuming.
    fn open(dir: &Path, config: &CleanConfig) -> Result<Work> {
        let journal_path = dir.join(JOURNAL_NAME);
        let mut previous = HashMap::new();
        if config.resume {
            if let Ok(text) = fs::read_to_string(&journal_path) {
                // A killed run may have left a partial last line: skip what
                // does not parse.
                for record in text
                    .lines()
                    .filter_map(|l| serde_json::from_str::<JournalRecord>(l).ok())
                {
                    previous.insert(record.key.clone(), record);
                }
            }
        } else if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal_path)
            .map_err(|e| Error::io(&journal_path, e))?;
        Ok(Work {
            dir: dir.to_path_buf(),
            journal: Mutex::new(BufWriter::new(file)),
            previous,
            times: Mutex::default(),
        })
    }

    fn times(&self) -> StageTimes {
        *self.times.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn add_times(&self, times: &StageTimes) {
        self.times
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(times);
    }

    fn flush(&self) -> Result<()> {
        let mut journal = self.journal.lock().unwrap_or_else(|e| e.into_inner());
        journal
            .flush()
            .map_err(|e| Error::io(self.dir.join(JOURNAL_NAME), e))
    }

    fn remove(self) -> Result<()> {
        drop(self.journal);
        fs::remove_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))
    }

    /// Phase 1 for one document. `Err` only when the work directory cannot
    /// be written: the output side is broken and the run must stop.
    fn process(&self, item: &Item, config: &CleanConfig) -> Result<Processed> {
        let (path, path_bytes) = display_path(&item.rel);
        let mut processed = Processed {
            entry: Entry::new(path, path_bytes, 0),
            rel: item.rel.clone(),
            source: item.source.clone(),
            staged: None,
            fingerprint: None,
            signature: None,
            boilerplate: Vec::new(),
            reused: false,
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
        let bytes = match read_limited(&item.source, config.max_file_size) {
            Ok(bytes) => bytes,
            Err(message) => {
                entry.fail(message);
                return Ok(processed);
            }
        };
        entry.bytes_in = bytes.len() as u64;
        let key = {
            let mut h = Sha256::new();
            h.update(item.source.as_os_str().as_encoded_bytes());
            h.update([0]);
            h.update(item.rel.as_os_str().as_encoded_bytes());
            hex(&h.finalize()[..16])
        };
        let source_sha256 = hex(&Sha256::digest(&bytes));
        let options = format!("{:?}", config.options);
        if let Some(reused) = self.reuse(&key, &source_sha256, &options, item, config) {
            return Ok(reused);
        }
        let entry = &mut processed.entry;
        let mut times = StageTimes::default();
        let outcome = pipeline::clean_bytes_timed(&bytes, &config.options, &mut times);
        match outcome {
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
                (processed.signature, processed.boilerplate) =
                    timed_dedup_fields(&cleaned.text, &config.options, &mut times);
                // Named by the key, so a resumed run finds it.
                let staged = self.dir.join(&key);
                // Not synced: a staged text lost in a crash fails its hash
                // check on --resume and is cleaned again.
                write_file(&staged, cleaned.text.as_bytes(), false)?;
                processed.staged = Some(staged);
            }
        }
        self.record(&JournalRecord {
            key,
            source_sha256,
            options,
            staged: processed
                .staged
                .as_ref()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned()),
            fingerprint: processed.fingerprint.map(|f| hex(&f)),
            entry: processed.entry.clone(),
        })?;
        self.add_times(&times);
        Ok(processed)
    }

    /// An earlier run's result for this document, if it is still valid: same
    /// input bytes, same options, staged text present with the recorded hash.
    fn reuse(
        &self,
        key: &str,
        source_sha256: &str,
        options: &str,
        item: &Item,
        config: &CleanConfig,
    ) -> Option<Processed> {
        let record = self.previous.get(key)?;
        if record.source_sha256 != source_sha256 || record.options != options {
            return None;
        }
        let mut dedup = (None, Vec::new());
        let staged = match &record.staged {
            None => None,
            Some(name) => {
                let path = self.dir.join(name);
                let text = fs::read(&path).ok()?;
                if Some(hex(&Sha256::digest(&text))) != record.entry.sha256 {
                    return None;
                }
                let mut times = StageTimes::default();
                let text = std::str::from_utf8(&text).ok()?;
                dedup = timed_dedup_fields(text, &config.options, &mut times);
                self.add_times(&times);
                Some(path)
            }
        };
        let fingerprint = match &record.fingerprint {
            None => None,
            Some(h) => Some(unhex32(h)?),
        };
        Some(Processed {
            entry: record.entry.clone(),
            rel: item.rel.clone(),
            source: item.source.clone(),
            staged,
            fingerprint,
            signature: dedup.0,
            boilerplate: dedup.1,
            reused: true,
        })
    }

    fn record(&self, record: &JournalRecord) -> Result<()> {
        let mut line = serde_json::to_string(record).expect("journal records always serialize");
        line.push('\n');
        let mut journal = self.journal.lock().unwrap_or_else(|e| e.into_inner());
        journal
            .write_all(line.as_bytes())
            .and_then(|()| journal.flush())
            .map_err(|e| Error::io(self.dir.join(JOURNAL_NAME), e))
    }
}

/// A cleaned text's dedup signature and boilerplate candidates, when the
/// stage runs and the text is not empty.
pub(crate) fn dedup_fields(text: &str, options: &Options) -> (Option<Box<DocSignature>>, Vec<u64>) {
    if text.is_empty() || !options.runs(Stage::Dedup) {
        return (None, Vec::new());
    }
    let key = dedup::comparison_key(text, &RegionalFold);
    (
        Some(Box::new(dedup::signature(&key))),
        dedup::boilerplate_candidates(text),
    )
}

/// [`dedup_fields`], adding the time it took to `times.signatures`.
pub(crate) fn timed_dedup_fields(
    text: &str,
    options: &Options,
    times: &mut StageTimes,
) -> (Option<Box<DocSignature>>, Vec<u64>) {
    let start = Instant::now();
    let fields = dedup_fields(text, options);
    times.signatures += start.elapsed();
    fields
}

/// Reads a file unless it is larger than `max` bytes; the error is the
/// message for the manifest.
pub(crate) fn read_limited(path: &Path, max: u64) -> std::result::Result<Vec<u8>, String> {
    let size = fs::metadata(path)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > max {
        return Err(format!(
            "file is {size} bytes, larger than --max-file-size ({max} bytes): not read"
        ));
    }
    fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

fn unhex32(h: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if h.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(h.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
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
        let rel = processed[i].rel.as_os_str();
        if let Some(name) = walk::RUN_FILES.iter().find(|name| rel == **name) {
            let p = &mut processed[i];
            p.entry.fail(format!(
                "output path {name} is reserved for canon's own files"
            ));
            p.fingerprint = None;
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
                p.signature = None;
            }
        }
    }
}

/// Writes the signature of every cleaned, non-empty document, named by its
/// manifest path, in sorted order (see [`dedup::write_signatures`]).
fn write_signature_file(path: &Path, processed: &[Processed]) -> Result<()> {
    let mut bytes = Vec::new();
    dedup::write_signatures(
        &mut bytes,
        processed.iter().filter_map(|p| {
            let sig = p.signature.as_deref()?;
            (p.entry.status == Status::Ok).then_some((p.entry.path.as_bytes(), sig))
        }),
    )
    .map_err(|e| Error::io(path, e))?;
    write_atomically(path, &bytes)
}

/// Verified near-duplicate checks re-read at most this many staged texts'
/// n-gram sets before the cache is cleared: a survivor with many
/// candidates is read once, and memory stays bounded.
const SHINGLE_CACHE_DOCS: usize = 256;

/// Decides duplicates (see [`dedup::decide`]), records them and returns
/// the clusters.
fn mark_duplicates(processed: &mut [Processed], options: &Options) -> Vec<ClusterLine> {
    let removals = {
        let sigs: Vec<Option<&DocSignature>> = processed
            .iter()
            .map(|p| match p.entry.status {
                Status::Ok => p.signature.as_deref(),
                _ => None,
            })
            .collect();
        let mut cache: HashMap<usize, Option<Vec<u64>>> = HashMap::new();
        let mut shingles = |i: usize, ngram: usize| {
            if cache.len() >= SHINGLE_CACHE_DOCS && !cache.contains_key(&i) {
                cache.clear();
            }
            cache
                .entry(i)
                .or_insert_with(|| {
                    let text = fs::read_to_string(processed[i].staged.as_ref()?).ok()?;
                    let key = dedup::comparison_key(&text, &RegionalFold);
                    Some(dedup::shingles(&key, ngram))
                })
                .clone()
        };
        dedup::decide(&sigs, &options.near, |earlier, later| {
            let ngram = usize::from(sigs[later]?.ngram);
            let a = shingles(earlier, ngram)?;
            let b = shingles(later, ngram)?;
            Some(dedup::jaccard(&a, &b))
        })
    };
    let mut rules = vec![""; processed.len()];
    for (i, found) in removals.iter().enumerate() {
        let Some(found) = found else { continue };
        // The rule is the one that decided, against the member it decided on.
        let decided_on = found.matched.map_or(found.survivor, |m| m.of);
        rules[i] = match found.kind {
            MatchKind::Near => "near",
            MatchKind::Key if processed[i].fingerprint == processed[decided_on].fingerprint => {
                "exact"
            }
            MatchKind::Key => "normalized",
        };
        let matched = found.matched.map(|m| Matched {
            path: processed[m.of].entry.path.clone(),
            similarity: clusters::round_similarity(m.similarity),
        });
        let survivor = processed[found.survivor].entry.path.clone();
        let entry = &mut processed[i].entry;
        entry.status = Status::Duplicate;
        entry.duplicate_of = Some(survivor);
        entry.similarity = Some(clusters::round_similarity(found.similarity));
        entry.matched = matched;
        entry
            .changes
            .entry("dedup".into())
            .or_default()
            .insert(rules[i].into(), 1);
    }
    dedup::clusters(&removals)
        .into_iter()
        .map(|c| ClusterLine {
            survivor: processed[c.survivor].entry.path.clone(),
            size: c.members.len() + 1,
            members: c
                .members
                .iter()
                .map(|&(i, _)| clusters::Member {
                    path: processed[i].entry.path.clone(),
                    similarity: processed[i].entry.similarity.unwrap_or(1.0),
                    rule: rules[i].into(),
                    matched: processed[i].entry.matched.clone(),
                })
                .collect(),
        })
        .collect()
}

/// Writes `DIR/clusters.jsonl` when dedup ran; otherwise removes one an
/// earlier run left, which would describe another corpus.
fn write_clusters(out: &Path, clusters: Option<&[ClusterLine]>) -> Result<()> {
    let path = out.join(CLUSTERS_NAME);
    match clusters {
        Some(lines) => write_atomically(&path, manifest::to_jsonl(lines).as_bytes()),
        None => match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&path, e)),
            _ => Ok(()),
        },
    }
}

/// Finds the lines repeated at the head or tail of many surviving
/// documents and records them in each document's `changes.dedup`
/// (`boilerplate_found`), or removes them from the staged texts when asked
/// (`boilerplate_line`). Not a warning: on a large corpus every document of
/// a site would print one. Returns the number of distinct boilerplate lines
/// and the most widespread one (ties: the first met in path order).
fn mark_boilerplate(
    processed: &mut [Processed],
    options: &Options,
) -> Result<(usize, Option<(String, usize)>)> {
    let lines: HashSet<u64> = {
        let per_doc: Vec<&[u64]> = processed
            .iter()
            .filter(|p| p.entry.status == Status::Ok)
            .map(|p| p.boilerplate.as_slice())
            .collect();
        dedup::boilerplate_lines(&per_doc)
    };
    if lines.is_empty() {
        return Ok((0, None));
    }
    // Line hash → (first spelling met, documents).
    let mut seen: HashMap<u64, (usize, String, usize)> = HashMap::new();
    for p in processed.iter_mut() {
        if p.entry.status != Status::Ok || !p.boilerplate.iter().any(|h| lines.contains(h)) {
            continue;
        }
        let Some(staged) = p.staged.as_ref() else {
            continue;
        };
        let text = fs::read_to_string(staged).map_err(|e| Error::io(staged, e))?;
        let found = dedup::find_lines_among(&text, &lines, &p.boilerplate);
        for line in &found {
            let order = seen.len();
            seen.entry(dedup::line_hash(line))
                .or_insert_with(|| (order, line.trim().to_string(), 0))
                .2 += 1;
        }
        let count = if options.remove_boilerplate {
            let out = dedup::remove_lines(&text, &lines);
            let count = out.report.count(dedup::DedupEdit::BoilerplateLine);
            if let Cow::Owned(cleaned) = out.text {
                fs::write(staged, cleaned.as_bytes()).map_err(|e| Error::io(staged, e))?;
                let digest: Fingerprint = Sha256::digest(cleaned.as_bytes()).into();
                p.entry.sha256 = Some(hex(&digest));
                p.entry.bytes_out = cleaned.len() as u64;
            }
            count
        } else {
            found.len() as u64
        };
        let kind = if options.remove_boilerplate {
            "boilerplate_line"
        } else {
            "boilerplate_found"
        };
        if count > 0 {
            *p.entry
                .changes
                .entry("dedup".into())
                .or_default()
                .entry(kind.into())
                .or_default() += count;
        }
    }
    let example = seen
        .into_values()
        .max_by(|a, b| a.2.cmp(&b.2).then(b.0.cmp(&a.0)))
        .map(|(_, line, docs)| (line, docs));
    Ok((lines.len(), example))
}

/// Phase 3 for one document: move the staged text to its final name (a
/// duplicate to `duplicates`, if anywhere: a directory aside, or `out`
/// itself with `--keep-duplicates`), recording per-document failures.
fn finalize(p: &mut Processed, out: &Path, duplicates: Option<&Path>) -> Result<()> {
    let Some(staged) = p.staged.take() else {
        return Ok(());
    };
    let root = match p.entry.status {
        Status::Ok => out,
        Status::Duplicate => match duplicates {
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
            if is_same_file(&dest, &p.source) {
                Err(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "it is the input itself, which canon never overwrites",
                ))
            } else if dest.is_dir() {
                Err(std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "a directory is in the way",
                ))
            } else {
                fs::rename(&staged, &dest)
            }
        });
    match placed {
        Ok(()) if root == out => {
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

/// A duplicate whose survivor could not be written names a document that
/// is not in the output: it says so, with the survivor's error, so the
/// manifest never points at a missing file unexplained. The duplicate
/// stays a duplicate (promoting it would make the corpus depend on which
/// writes failed, and its similarity was measured against the survivor).
fn warn_unwritten_survivors(processed: &mut [Processed], unwritten: &HashMap<String, String>) {
    if unwritten.is_empty() {
        return;
    }
    for p in processed {
        let Some(survivor) = &p.entry.duplicate_of else {
            continue;
        };
        if let Some(error) = unwritten.get(survivor) {
            let warning = format!("its survivor {survivor} is not in the output: {error}");
            p.entry.warnings.push(warning);
        }
    }
}

fn is_same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
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
    write_file(path, bytes, true)
}

/// [`write_atomically`], syncing the data to disk first only when `durable`.
fn write_file(path: &Path, bytes: &[u8], durable: bool) -> Result<()> {
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
        .and_then(|()| {
            if durable {
                tmp.as_file().sync_data()
            } else {
                Ok(())
            }
        })
        .map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

//! `canon clean` over record shards: the same three phases as files
//! ([`crate::corpus`]), with a shard in place of a document.
//!
//! 1. Shard by shard, in sorted order, lines are read in batches of at most
//!    [`BATCH_RECORDS`] records or [`BATCH_BYTES`] bytes, cleaned on every
//!    core, and appended in order to the shard's staged file in the work
//!    directory (rejected lines to a staged rejects file). In memory stays
//!    one batch, and per record its place in the staged file and its dedup
//!    signature (about 600 bytes).
//! 2. Duplicates are decided over every record of every shard, in (shard,
//!    line) order, by [`dedup::decide`], exactly as for files.
//! 3. Each staged shard is streamed to a temporary file beside its final
//!    name (compressed as the input was), duplicates left out or marked,
//!    and renamed into place; `clusters.jsonl` and the manifest (one line
//!    per shard) are written last.
//!
//! Example: `in/a.jsonl.gz` (3 records, one an exact copy of another) →
//! `out/a.jsonl.gz` (2 records), `out/manifest.jsonl` (one line, `records:
//! {records: 3, cleaned: 3, duplicates: 1, …}`).
//!
//! `--resume` reuses every shard an interrupted run finished staging
//! ([`resume`]). Limits: the shards themselves are read one after the
//! other (the records of each in parallel); a damaged compressed stream
//! ends its shard with an error, the records before the damage are kept.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::json::{self, Reject};
use super::{Compression, RecordConfig, shard_compression};
use crate::clusters::{self, CLUSTERS_NAME, ClusterLine, Member};
use crate::corpus::{CleanConfig, WORK_DIR, write_atomically};
use crate::error::{Error, Result};
use crate::manifest::{self, Entry, MANIFEST_NAME, Matched, RecordCounts, Status};
use crate::pipeline::{self, Options};
use crate::run_record;
use crate::stages::dedup::{self, DocSignature, Fingerprint, MatchKind, RegionalFold};
use crate::stages::{Stage, StageSummary};
use crate::timings::{StageTimes, Timings};
use crate::walk::{self, Item, Problem, WalkOptions};

mod document;
#[cfg(feature = "parquet")]
mod parquet;
mod resume;

/// Records cleaned together: enough to keep both cores busy on short
/// records, small enough that a batch is a few megabytes.
pub const BATCH_RECORDS: usize = 4096;

/// A batch ends early past this many bytes, so long records do not make a
/// batch large: memory stays bounded whatever the shard.
pub const BATCH_BYTES: usize = 16 * 1024 * 1024;

/// Name of the directory in `--out` that receives rejected lines.
pub const REJECTS_DIR: &str = "rejects";

/// The end of every staged record's metadata: replaced for a duplicate,
/// so phase 3 needs no JSON parsing.
const UNDECIDED: &str = r#""duplicate_of":null,"similarity":null}}"#;

/// One record kept for phase 2: where its staged line is, and what dedup
/// needs.
struct Unit {
    shard: u32,
    line: u64,
    offset: u64,
    len: u32,
    fingerprint: Fingerprint,
    signature: Option<Box<DocSignature>>,
}

/// What phase 1 keeps of every shard: the records for phase 2, and the
/// time spent in each stage.
#[derive(Default)]
struct Phase1 {
    units: Vec<Unit>,
    times: StageTimes,
}

/// What phase 1 made of one line.
enum Cleaned {
    Blank,
    Rejected(Reject),
    Record {
        line: String,
        text_len: usize,
        changes: Vec<StageSummary>,
        surrogates: u64,
        fingerprint: Fingerprint,
        signature: Option<Box<DocSignature>>,
    },
}

/// The metadata written in each record's metadata field.
#[derive(Serialize)]
struct Meta<'a> {
    encoding: &'static str,
    script: crate::manifest::Script,
    changes: BTreeMap<&'a str, BTreeMap<&'a str, u64>>,
    warnings: Vec<String>,
}

/// Cleans one line (without its line ending), adding the stages' time to
/// `times`. Pure otherwise: the same line and options give the same result
/// on any thread.
fn clean_line(raw: &[u8], options: &Options, rc: &RecordConfig, times: &mut StageTimes) -> Cleaned {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Cleaned::Blank;
    }
    let Ok(line) = std::str::from_utf8(raw) else {
        return Cleaned::Rejected(Reject::NotJson("not UTF-8".into()));
    };
    let parsed = match json::parse(line, &rc.text_field, None) {
        Ok(p) => p,
        Err(reject) => return Cleaned::Rejected(reject),
    };
    let cleaned = pipeline::clean_text_timed(&parsed.text, options, times);
    let value = finish_value(
        cleaned.text,
        cleaned.changes,
        cleaned.script,
        parsed.text.ends_with('\n'),
        "UTF-8",
        parsed.surrogates,
        options,
        rc,
        times,
    );
    let out = json::rebuild(
        line,
        &rc.text_field,
        &value.text,
        rc.meta_field.as_deref().zip(value.meta.as_deref()),
    );
    Cleaned::Record {
        line: out,
        text_len: value.text.len(),
        changes: value.changes,
        surrogates: parsed.surrogates,
        fingerprint: value.fingerprint,
        signature: value.signature,
    }
}

/// One record's text after the stages, with what the record's metadata
/// field and dedup need: the part JSON Lines and Parquet share.
struct Value {
    text: String,
    /// The metadata object, ending undecided (see [`UNDECIDED`]), unless
    /// `--no-record-metadata`.
    meta: Option<String>,
    changes: Vec<StageSummary>,
    fingerprint: Fingerprint,
    signature: Option<Box<DocSignature>>,
}

/// Builds a [`Value`] from a cleaned text. `had_final_newline`: whether
/// the record's own text ended with one (see
/// [`record_without_final_newline`]); `encoding` is what it was read as.
#[allow(clippy::too_many_arguments)]
fn finish_value(
    mut text: std::borrow::Cow<str>,
    mut changes: Vec<StageSummary>,
    script: crate::manifest::Script,
    had_final_newline: bool,
    encoding: &'static str,
    surrogates: u64,
    options: &Options,
    rc: &RecordConfig,
    times: &mut StageTimes,
) -> Value {
    if !had_final_newline {
        record_without_final_newline(&mut text, &mut changes);
    }
    let meta = rc.meta_field.as_ref().map(|_| {
        let mut by_stage: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
        let mut warnings = Vec::new();
        if surrogates > 0 {
            by_stage
                .entry("decode")
                .or_default()
                .insert("lone_surrogates", surrogates);
            warnings.push(format!(
                "{surrogates} lone surrogate escape(s) replaced by U+FFFD"
            ));
        }
        for summary in &changes {
            let stage = by_stage.entry(summary.stage.name()).or_default();
            for edit in &summary.edits {
                *stage.entry(edit.kind).or_default() += edit.count;
            }
        }
        let mut object = serde_json::to_string(&Meta {
            encoding,
            script,
            changes: by_stage,
            warnings,
        })
        .expect("metadata always serializes");
        object.pop();
        object.push(',');
        object.push_str(&UNDECIDED[..UNDECIDED.len() - 1]);
        object
    });
    let (signature, _) = crate::corpus::timed_dedup_fields(&text, options, times);
    Value {
        fingerprint: Sha256::digest(text.as_bytes()).into(),
        text: text.into_owned(),
        meta,
        changes,
        signature,
    }
}

/// A record's text is a value, not a file: it gets no final newline it did
/// not have (so a record cleaned twice is unchanged), and that is not
/// counted as an edit.
fn record_without_final_newline(text: &mut std::borrow::Cow<str>, changes: &mut Vec<StageSummary>) {
    if !text.ends_with('\n') {
        return;
    }
    text.to_mut().pop();
    for summary in changes.iter_mut() {
        summary.edits.retain(|e| e.kind != "final_newline");
    }
    changes.retain(|s| !s.edits.is_empty());
}

/// Opens a shard for reading, decompressing by its name.
fn reader(path: &Path, compression: Compression) -> io::Result<Box<dyn BufRead>> {
    let file = File::open(path)?;
    Ok(match compression {
        Compression::None => Box::new(BufReader::new(file)),
        Compression::Gzip => Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(
            BufReader::new(file),
        ))),
        Compression::Zstd => Box::new(BufReader::new(zstd::stream::read::Decoder::new(file)?)),
    })
}

/// A writer that compresses like the input, finished explicitly.
enum Sink<W: Write> {
    Plain(W),
    Gzip(flate2::write::GzEncoder<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

/// zstd's own default level: fast, and the ratio people expect of `.zst`.
const ZSTD_LEVEL: i32 = 3;

impl<W: Write> Sink<W> {
    fn new(inner: W, compression: Compression) -> io::Result<Sink<W>> {
        Ok(match compression {
            Compression::None => Sink::Plain(inner),
            Compression::Gzip => Sink::Gzip(flate2::write::GzEncoder::new(
                inner,
                flate2::Compression::default(),
            )),
            Compression::Zstd => Sink::Zstd(zstd::stream::write::Encoder::new(inner, ZSTD_LEVEL)?),
        })
    }

    fn finish(self) -> io::Result<W> {
        match self {
            Sink::Plain(w) => Ok(w),
            Sink::Gzip(w) => w.finish(),
            Sink::Zstd(w) => w.finish(),
        }
    }
}

/// A batch of lines (line number, bytes without the line ending).
type Batch = Vec<(u64, Vec<u8>)>;

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(bytes),
            Sink::Gzip(w) => w.write(bytes),
            Sink::Zstd(w) => w.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
            Sink::Zstd(w) => w.flush(),
        }
    }
}

/// Writes `dest` compressed as `compression` through a temporary file
/// beside it and a rename, so `dest` is the old file or the whole new one.
/// Returns the SHA-256 of the bytes written.
fn write_compressed(
    dest: &Path,
    compression: Compression,
    fill: impl FnOnce(&mut Sink<Hashing<BufWriter<tempfile::NamedTempFile>>>) -> io::Result<()>,
) -> io::Result<String> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".canon-tmp-");
    // An output shard is readable like any output file (tempfile's default
    // is owner-only).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let tmp = builder.tempfile_in(parent)?;
    let hashing = Hashing {
        inner: BufWriter::new(tmp),
        hasher: Sha256::new(),
    };
    let mut sink = Sink::new(hashing, compression)?;
    fill(&mut sink)?;
    let hashing = sink.finish()?;
    let digest = hashing.hasher.finalize();
    let tmp = hashing.inner.into_inner().map_err(|e| e.into_error())?;
    tmp.persist(dest).map_err(|e| e.error)?;
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// A writer that hashes what passes through it, so the manifest's
/// `sha256` describes the shard as written, compressed or not.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Reads the next batch of lines, and the error that ended it if the
/// stream is damaged: the complete lines before the damage are returned
/// with it. A line cut by the damage is not a record and is dropped with
/// the stream's error.
fn next_batch(input: &mut dyn BufRead, next_line: &mut u64) -> (Batch, Option<io::Error>) {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < BATCH_RECORDS && bytes < BATCH_BYTES {
        let mut line = Vec::new();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return (batch, Some(e)),
        }
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        bytes += line.len();
        *next_line += 1;
        batch.push((*next_line, line));
    }
    (batch, None)
}

/// One shard after phase 1.
struct Shard {
    entry: Entry,
    rel: PathBuf,
    compression: Compression,
    /// The staged records (JSON Lines); for a Parquet shard, one line per
    /// row holding only its text and id, for phase 2 to read back.
    staged: Option<PathBuf>,
    rejects: Option<PathBuf>,
    /// A text file's cleaned text (`--input-format mixed`): the shard is
    /// then one document, `staged` its one record-shaped line.
    document: Option<PathBuf>,
    /// A Parquet shard's staged rows.
    #[cfg(feature = "parquet")]
    table: Option<parquet::Table>,
}

impl Shard {
    /// A shard read from `rel`, before phase 1: nothing staged yet.
    fn new(rel: &Path, compression: Compression) -> Shard {
        let (path, path_bytes) = crate::corpus::display_path(rel);
        Shard {
            entry: Entry::new(path, path_bytes, 0),
            rel: rel.to_path_buf(),
            compression,
            staged: None,
            rejects: None,
            document: None,
            #[cfg(feature = "parquet")]
            table: None,
        }
    }
}

/// Sums one record's stage summaries into a shard's `changes`.
fn add_changes(entry: &mut Entry, changes: &[StageSummary], surrogates: u64) {
    if surrogates > 0 {
        *entry
            .changes
            .entry("decode".into())
            .or_default()
            .entry("lone_surrogates".into())
            .or_default() += surrogates;
    }
    for summary in changes {
        let stage = entry
            .changes
            .entry(summary.stage.name().into())
            .or_default();
        for edit in &summary.edits {
            *stage.entry(edit.kind.into()).or_default() += edit.count;
        }
    }
}

/// Totals of a records run, for the summary line.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RecordSummary {
    /// Inputs: shards, and text files with `--input-format mixed`.
    pub shards: usize,
    /// Of them, text files (`--input-format mixed`), and how many of those
    /// were duplicates.
    pub documents: usize,
    pub document_duplicates: usize,
    /// Shards taken from an interrupted run's work (`--resume`).
    pub reused: usize,
    pub shard_errors: usize,
    pub skipped: usize,
    pub counts: RecordCounts,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub seconds: f64,
    /// Time per stage, as for files.
    pub timings: Timings,
}

impl RecordSummary {
    pub fn line(&self) -> String {
        let c = &self.counts;
        let reused = if self.reused > 0 {
            format!(" ({} reused from an interrupted run)", self.reused)
        } else {
            String::new()
        };
        let inputs = if self.documents > 0 {
            format!(
                "{} shards and {} text files ({} duplicates)",
                self.shards - self.documents,
                self.documents,
                self.document_duplicates
            )
        } else {
            format!("{} shards", self.shards)
        };
        format!(
            "canon: {inputs}{reused}, {} records: {} cleaned, {} duplicates, {} rejected; {} shard errors, {} files skipped; {:.2} MB in, {:.2} MB out, {:.1} MB/s, {:.2} s",
            c.records,
            c.cleaned,
            c.duplicates,
            c.rejected,
            self.shard_errors,
            self.skipped,
            self.bytes_in as f64 / 1e6,
            self.bytes_out as f64 / 1e6,
            if self.seconds > 0.0 {
                self.bytes_in as f64 / 1e6 / self.seconds
            } else {
                0.0
            },
            self.seconds
        )
    }

    /// Exit status 2 when anything was rejected or failed.
    pub fn failed(&self) -> bool {
        self.counts.rejected > 0 || self.shard_errors > 0
    }
}

/// How `canon clean` should read its inputs, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Every file is a record shard (or `--input-format jsonl`).
    Records,
    /// No file is a shard.
    Text,
    /// Shards among text files: cleaned as text, as before records were
    /// read, so a stray `.jsonl` in a text corpus changes nothing; the
    /// number of shards is returned for a note.
    Mixed(usize),
}

/// Decides the kind of run (canon's own reports and an earlier output
/// inside an input do not count).
pub fn run_kind(config: &CleanConfig, all_shards: bool) -> Kind {
    if all_shards {
        return Kind::Records;
    }
    let items = walk::collect(
        &config.inputs,
        &WalkOptions {
            exclude: config.out.canonicalize().into_iter().collect(),
            hidden: config.hidden,
        },
    );
    let files: Vec<&Item> = items.iter().filter(|i| i.problem.is_none()).collect();
    let shards = files.iter().filter(|i| super::is_shard(&i.rel)).count();
    match shards {
        0 => Kind::Text,
        n if n == files.len() => Kind::Records,
        n => Kind::Mixed(n),
    }
}

/// [`clean`] between writing `DIR/run.json` as `running` and rewriting it
/// with how the run ended, its counts (shards as files, and the records'
/// counts) and its time per stage, as for files; with `--resume`, first
/// refuses a run made with other settings, the record options included.
pub fn recorded(
    config: &CleanConfig,
    rc: &RecordConfig,
    mut record: run_record::RunRecord,
) -> Result<(Vec<Entry>, RecordSummary)> {
    let out = &config.out;
    if config.resume {
        run_record::check_resume(out, &record)?;
    }
    // As for files: never over a file standing where the directory should
    // be, nor inside an input (the run refuses both and says so).
    let out_is_input = config.inputs.iter().any(|i| {
        i.is_dir()
            && i.canonicalize()
                .ok()
                .is_some_and(|c| Some(c) == out.canonicalize().ok())
    });
    let keep = (!out.exists() || out.is_dir()) && !out_is_input;
    if keep {
        fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
        run_record::write(out, &record)?;
    }
    let result = clean(config, rc);
    let status = match &result {
        Ok(_) => run_record::RunStatus::Finished,
        Err(Error::Interrupted) => run_record::RunStatus::Interrupted,
        Err(_) => run_record::RunStatus::Failed,
    };
    record.end(
        status,
        result
            .as_ref()
            .ok()
            .map(|(_, s)| run_record::Counts::of_records(s)),
    );
    record.timings = result.as_ref().ok().map(|(_, s)| s.timings.clone());
    if keep {
        let written = run_record::write(out, &record);
        if result.is_ok() {
            written?;
        }
    }
    result
}

/// Runs `canon clean` over record shards. `Err` only for the output side
/// and configuration; bad records and damaged shards are in the manifest.
pub fn clean(config: &CleanConfig, rc: &RecordConfig) -> Result<(Vec<Entry>, RecordSummary)> {
    let started = Instant::now();
    let (out, items) = crate::corpus::prepare(config)?;
    let work = out.join(WORK_DIR);
    if work.exists() && !config.resume {
        fs::remove_dir_all(&work).map_err(|e| Error::io(&work, e))?;
    }
    fs::create_dir_all(&work).map_err(|e| Error::io(&work, e))?;
    let mut journal = resume::Journal::open(&work, config.resume, &config.options, rc)?;
    let mut reused = 0;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .map_err(|e| Error::Config(format!("cannot start {} worker threads: {e}", config.jobs)))?;

    let mut shards = Vec::new();
    let mut phase1 = Phase1::default();
    let mut claimed: HashMap<&Path, &Path> = HashMap::new();
    let mut next = 0;
    while next < items.len() {
        let n = next;
        let item = &items[n];
        next += 1;
        if rc.mixed && !super::is_shard(&item.rel) && output_clash(item, &mut claimed).is_none() {
            // Consecutive text files are cleaned together, one unit each.
            let mut end = n + 1;
            while end < items.len()
                && end - n < document::DOCUMENT_BATCH
                && !super::is_shard(&items[end].rel)
                && output_clash(&items[end], &mut claimed).is_none()
            {
                end += 1;
            }
            if interrupted(config) {
                return Err(Error::Interrupted);
            }
            document::stage(
                &items[n..end],
                n,
                &work,
                config,
                rc,
                &pool,
                &mut shards,
                &mut phase1,
            )?;
            next = end;
            continue;
        }
        if let Some(message) = output_clash(item, &mut claimed) {
            let mut shard = Shard::new(&item.rel, Compression::None);
            shard.entry.fail(message);
            shards.push(shard);
            continue;
        }
        if interrupted(config) {
            return Err(Error::Interrupted);
        }
        if config.resume
            && item.problem.is_none()
            && let Some(shard) = journal.reuse(
                item,
                n as u32,
                &config.options,
                rc,
                &pool,
                &mut phase1.units,
            )
        {
            shards.push(shard);
            reused += 1;
            continue;
        }
        let first = phase1.units.len();
        let stem = work.join(resume::key(item));
        let shard = stage_shard(item, n as u32, &stem, config, rc, &pool, &mut phase1)?;
        if shard.staged.is_some() {
            let lines = stem.with_extension("lines");
            let numbers: Vec<u8> = phase1.units[first..]
                .iter()
                .flat_map(|u| u.line.to_le_bytes())
                .collect();
            fs::write(&lines, numbers).map_err(|e| Error::io(&lines, e))?;
            journal.record(item, &shard)?;
        }
        shards.push(shard);
    }

    let Phase1 { units, times } = phase1;
    let decision = Instant::now();
    let cluster_lines = if config.options.runs(Stage::Dedup) {
        Some(mark_duplicates(&mut shards, &units, config, rc)?)
    } else {
        None
    };
    let decision = decision.elapsed();
    let mut summary = RecordSummary {
        shards: shards.len(),
        reused,
        ..RecordSummary::default()
    };
    let removed = cluster_lines.as_ref().map(|c| &c.1);
    for (n, shard) in shards.iter_mut().enumerate() {
        if interrupted(config) {
            return Err(Error::Interrupted);
        }
        let document = shard.document.is_some();
        finish_shard(
            shard,
            n as u32,
            &units,
            removed,
            &out,
            config.keep_duplicates,
        )?;
        if document {
            summary.documents += 1;
        }
        match shard.entry.status {
            Status::Duplicate => summary.document_duplicates += 1,
            Status::Error => summary.shard_errors += 1,
            Status::Skipped => summary.skipped += 1,
            _ => {}
        }
        if let Some(c) = &shard.entry.records {
            summary.counts.add(c);
        }
        summary.bytes_in += shard.entry.bytes_in;
        summary.bytes_out += shard.entry.bytes_out;
    }
    let path = out.join(CLUSTERS_NAME);
    match &cluster_lines {
        Some((lines, _)) => write_atomically(&path, manifest::to_jsonl(lines).as_bytes())?,
        None => {
            let _ = fs::remove_file(&path);
        }
    }
    let entries: Vec<Entry> = shards.into_iter().map(|s| s.entry).collect();
    write_atomically(
        &out.join(MANIFEST_NAME),
        manifest::to_jsonl(&entries).as_bytes(),
    )?;
    fs::remove_dir_all(&work).map_err(|e| Error::io(&work, e))?;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.timings = Timings::new(&times, decision, config.jobs, started.elapsed());
    Ok((entries, summary))
}

/// Why an input's output path is not its own, if it is not: a name
/// reserved for canon's reports, or a path an earlier input (from another
/// root) already writes.
fn output_clash<'a>(item: &'a Item, claimed: &mut HashMap<&'a Path, &'a Path>) -> Option<String> {
    if item.problem.is_some() {
        return None;
    }
    let rel = item.rel.as_path();
    if walk::RUN_FILES.iter().any(|name| rel == Path::new(name)) || rel.starts_with(REJECTS_DIR) {
        return Some(format!(
            "output path {} is reserved for canon's reports",
            rel.display()
        ));
    }
    match claimed.insert(rel, &item.source) {
        Some(first) => {
            claimed.insert(rel, first);
            Some(format!("output path collides with {}", first.display()))
        }
        None => None,
    }
}

/// Cleans a batch of lines on `pool`, in order, adding their stage times
/// to `times`.
fn clean_batch(
    pool: &rayon::ThreadPool,
    batch: &Batch,
    options: &Options,
    rc: &RecordConfig,
    times: &mut StageTimes,
) -> Vec<Cleaned> {
    let (cleaned, batch_times): (Vec<Cleaned>, Vec<StageTimes>) = pool.install(|| {
        batch
            .par_iter()
            .map(|(_, raw)| {
                let mut t = StageTimes::default();
                (clean_line(raw, options, rc, &mut t), t)
            })
            .unzip()
    });
    for t in &batch_times {
        times.add(t);
    }
    cleaned
}

/// Whether the user asked the run to stop (Ctrl-C, SIGTERM).
fn interrupted(config: &CleanConfig) -> bool {
    config
        .interrupt
        .as_ref()
        .is_some_and(|f| f.load(Ordering::Relaxed))
}

/// Phase 1 for one input: its records cleaned into the work directory, in
/// files named `stem` with their own extensions.
fn stage_shard(
    item: &Item,
    n: u32,
    stem: &Path,
    config: &CleanConfig,
    rc: &RecordConfig,
    pool: &rayon::ThreadPool,
    phase1: &mut Phase1,
) -> Result<Shard> {
    let compression = shard_compression(&item.rel);
    let mut shard = Shard::new(&item.rel, compression.unwrap_or(Compression::None));
    match &item.problem {
        Some(Problem::Skip(reason)) => {
            shard.entry.skip(reason.clone());
            return Ok(shard);
        }
        Some(Problem::Error(message)) => {
            shard.entry.fail(message.clone());
            return Ok(shard);
        }
        None => {}
    }
    if rc.all_parquet || (!rc.all_shards && super::is_parquet(&item.rel)) {
        #[cfg(feature = "parquet")]
        parquet::stage(item, n, stem, config, rc, pool, phase1, &mut shard)?;
        #[cfg(not(feature = "parquet"))]
        shard
            .entry
            .fail("a Parquet shard, and this canon was built without the `parquet` feature".into());
        return Ok(shard);
    }
    let mut input = match reader(&item.source, shard.compression) {
        Ok(r) => r,
        Err(e) => {
            shard.entry.fail(format!("cannot read: {e}"));
            return Ok(shard);
        }
    };
    let staged_path = stem.with_extension("jsonl");
    let rejects_path = stem.with_extension("rejects");
    let open = |p: &Path| {
        File::create(p)
            .map(BufWriter::new)
            .map_err(|e| Error::io(p, e))
    };
    let mut staged = open(&staged_path)?;
    let mut rejects: Option<BufWriter<File>> = None;
    let mut counts = RecordCounts::default();
    let mut offset = 0u64;
    let mut next_line = 0u64;
    let mut bytes_in = 0u64;
    loop {
        if interrupted(config) {
            return Err(Error::Interrupted);
        }
        let (batch, damage) = next_batch(&mut *input, &mut next_line);
        if batch.is_empty() && damage.is_none() {
            break;
        }
        let cleaned = clean_batch(pool, &batch, &config.options, rc, &mut phase1.times);
        for ((line_no, raw), result) in batch.iter().zip(cleaned) {
            bytes_in += raw.len() as u64 + 1;
            match result {
                Cleaned::Blank => counts.blank += 1,
                Cleaned::Rejected(reason) => {
                    counts.records += 1;
                    counts.rejected += 1;
                    shard
                        .entry
                        .warnings
                        .push(format!("line {line_no}: {reason}: written to the rejects"));
                    let w = match &mut rejects {
                        Some(w) => w,
                        None => rejects.insert(open(&rejects_path)?),
                    };
                    w.write_all(raw)
                        .and_then(|()| w.write_all(b"\n"))
                        .map_err(|e| Error::io(&rejects_path, e))?;
                }
                Cleaned::Record {
                    line,
                    text_len,
                    changes,
                    surrogates,
                    fingerprint,
                    signature,
                } => {
                    counts.records += 1;
                    counts.cleaned += 1;
                    if text_len == 0 {
                        counts.empty += 1;
                    }
                    add_changes(&mut shard.entry, &changes, surrogates);
                    staged
                        .write_all(line.as_bytes())
                        .and_then(|()| staged.write_all(b"\n"))
                        .map_err(|e| Error::io(&staged_path, e))?;
                    phase1.units.push(Unit {
                        shard: n,
                        line: *line_no,
                        offset,
                        len: line.len() as u32,
                        fingerprint,
                        signature,
                    });
                    offset += line.len() as u64 + 1;
                }
            }
        }
        if let Some(e) = damage {
            shard.entry.fail(format!(
                "stream damaged after {} records (line {}): {e}; the records before were written",
                counts.records,
                next_line + 1
            ));
            break;
        }
    }
    staged.flush().map_err(|e| Error::io(&staged_path, e))?;
    if let Some(mut w) = rejects {
        w.flush().map_err(|e| Error::io(&rejects_path, e))?;
        shard.rejects = Some(rejects_path);
    }
    shard.staged = Some(staged_path);
    shard.entry.encoding = Some("UTF-8".into());
    shard.entry.bytes_in = bytes_in;
    shard.entry.records = Some(counts);
    Ok(shard)
}

/// A removed record: survivor's id, similarity, and the deciding member.
struct Removed {
    duplicate_of: String,
    similarity: f64,
    matched: Option<Matched>,
}

/// Reads staged lines back by their place (for verification and ids).
struct StagedLines<'a> {
    shards: &'a [Shard],
    open: HashMap<u32, File>,
}

impl StagedLines<'_> {
    fn line(&mut self, unit: &Unit) -> Option<String> {
        let path = self.shards[unit.shard as usize].staged.as_ref()?;
        let file = match self.open.entry(unit.shard) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => v.insert(File::open(path).ok()?),
        };
        file.seek(SeekFrom::Start(unit.offset)).ok()?;
        let mut buf = vec![0; unit.len as usize];
        file.read_exact(&mut buf).ok()?;
        String::from_utf8(buf).ok()
    }
}

/// Verified near-duplicate checks keep at most this many records' n-gram
/// sets: as for files, a survivor with many candidates is read once.
const SHINGLE_CACHE_RECORDS: usize = 256;

/// Phase 2: decides duplicates over all records; returns the clusters and
/// every removed record by unit index.
fn mark_duplicates(
    shards: &mut [Shard],
    units: &[Unit],
    config: &CleanConfig,
    rc: &RecordConfig,
) -> Result<(Vec<ClusterLine>, HashMap<usize, Removed>)> {
    let sigs: Vec<Option<&DocSignature>> = units.iter().map(|u| u.signature.as_deref()).collect();
    let mut staged = StagedLines {
        shards,
        open: HashMap::new(),
    };
    let removals = {
        let mut cache: HashMap<usize, Option<Vec<u64>>> = HashMap::new();
        let mut shingles = |i: usize, ngram: usize, staged: &mut StagedLines| {
            if cache.len() >= SHINGLE_CACHE_RECORDS && !cache.contains_key(&i) {
                cache.clear();
            }
            cache
                .entry(i)
                .or_insert_with(|| {
                    let line = staged.line(&units[i])?;
                    let text = json::parse(&line, &rc.text_field, None).ok()?.text;
                    let key = dedup::comparison_key(&text, &RegionalFold);
                    Some(dedup::shingles(&key, ngram))
                })
                .clone()
        };
        dedup::decide(&sigs, &config.options.near, |earlier, later| {
            let ngram = usize::from(sigs[later]?.ngram);
            let a = shingles(earlier, ngram, &mut staged)?;
            let b = shingles(later, ngram, &mut staged)?;
            Some(dedup::jaccard(&a, &b))
        })
    };
    let mut ids: HashMap<usize, String> = HashMap::new();
    let mut id = |i: usize, staged: &mut StagedLines| -> String {
        ids.entry(i)
            .or_insert_with(|| {
                let u = &units[i];
                let by_field = rc.id_field.as_deref().and_then(|path| {
                    let line = staged.line(u)?;
                    json::parse(&line, &rc.text_field, Some(path)).ok()?.id
                });
                let shard = &staged.shards[u.shard as usize];
                if shard.document.is_some() {
                    // A text file is named by its path, as in a run of files.
                    return shard.entry.path.clone();
                }
                by_field.unwrap_or_else(|| format!("{}:{}", shard.entry.path, u.line))
            })
            .clone()
    };
    let mut removed = HashMap::new();
    let mut rules = HashMap::new();
    for (i, found) in removals.iter().enumerate() {
        let Some(found) = found else { continue };
        let decided_on = found.matched.map_or(found.survivor, |m| m.of);
        let rule = match found.kind {
            MatchKind::Near => "near",
            MatchKind::Key if units[i].fingerprint == units[decided_on].fingerprint => "exact",
            MatchKind::Key => "normalized",
        };
        rules.insert(i, rule);
        let matched = found.matched.map(|m| Matched {
            path: id(m.of, &mut staged),
            similarity: clusters::round_similarity(m.similarity),
        });
        removed.insert(
            i,
            Removed {
                duplicate_of: id(found.survivor, &mut staged),
                similarity: clusters::round_similarity(found.similarity),
                matched,
            },
        );
    }
    let mut lines = Vec::new();
    for c in dedup::clusters(&removals) {
        let members = c
            .members
            .iter()
            .map(|&(i, _)| Member {
                path: id(i, &mut staged),
                similarity: removed[&i].similarity,
                rule: rules[&i].into(),
                matched: removed[&i].matched.clone(),
            })
            .collect();
        lines.push(ClusterLine {
            survivor: id(c.survivor, &mut staged),
            size: c.members.len() + 1,
            members,
        });
    }
    drop(staged);
    for (&i, r) in removed.iter() {
        let shard = &mut shards[units[i].shard as usize];
        if let Some(counts) = shard.entry.records.as_mut() {
            counts.duplicates += 1;
        }
        if shard.document.is_some() {
            let entry = &mut shard.entry;
            entry.status = Status::Duplicate;
            entry.duplicate_of = Some(r.duplicate_of.clone());
            entry.similarity = Some(r.similarity);
            entry.matched = r.matched.clone();
        }
        *shard
            .entry
            .changes
            .entry("dedup".into())
            .or_default()
            .entry(rules[&i].into())
            .or_default() += 1;
    }
    Ok((lines, removed))
}

/// Phase 3 for one shard: the staged records streamed to their final
/// name through a temporary file, duplicates left out or marked; the
/// rejects likewise to `rejects/<shard path>`.
fn finish_shard(
    shard: &mut Shard,
    n: u32,
    units: &[Unit],
    removed: Option<&HashMap<usize, Removed>>,
    out: &Path,
    keep_duplicates: bool,
) -> Result<()> {
    if let Some(text) = shard.document.take() {
        return document::finish(shard, &text, out, keep_duplicates);
    }
    #[cfg(feature = "parquet")]
    if let Some(table) = shard.table.take() {
        return parquet::finish(shard, &table, n, units, removed, out, keep_duplicates);
    }
    let Some(staged) = shard.staged.take() else {
        return Ok(());
    };
    let first = units.partition_point(|u| u.shard < n);
    let dest = out.join(&shard.rel);
    let mut bytes_out = 0u64;
    let written = write_compressed(&dest, shard.compression, |sink| {
        let input = BufReader::new(File::open(&staged)?);
        for (k, line) in input.lines().enumerate() {
            let line = line?;
            let removal = removed.and_then(|r| r.get(&(first + k)));
            let line = match removal {
                None => line,
                Some(_) if !keep_duplicates => continue,
                Some(r) => mark(&line, r),
            };
            sink.write_all(line.as_bytes())?;
            sink.write_all(b"\n")?;
            bytes_out += line.len() as u64 + 1;
        }
        Ok(())
    });
    // The staged file stays until the run ends: an interrupted phase 3 is
    // resumed from it.
    match written {
        Ok(sha256) => {
            shard.entry.bytes_out = bytes_out;
            shard.entry.sha256 = Some(sha256);
            // A damaged shard's records before the damage are written too.
            shard.entry.output = Some(crate::corpus::display_path(&shard.rel).0);
        }
        Err(e) => return Err(Error::io(&dest, e)),
    }
    if let Some(rejects) = shard.rejects.take() {
        let dest = out.join(REJECTS_DIR).join(&shard.rel);
        write_compressed(&dest, shard.compression, |sink| {
            io::copy(&mut File::open(&rejects)?, sink).map(|_| ())
        })
        .map_err(|e| Error::io(&dest, e))?;
    }
    Ok(())
}

/// A kept duplicate's staged line with its duplicate fields filled in.
fn mark(line: &str, r: &Removed) -> String {
    match line
        .strip_suffix('}')
        .and_then(|object| mark_meta(object, r))
    {
        Some(mut marked) => {
            marked.push('}');
            marked
        }
        // No metadata field (`--no-record-metadata`): nowhere to mark.
        None => line.to_string(),
    }
}

/// A metadata object (or a text ending in one) with its duplicate fields
/// filled in, or `None` when it does not end undecided.
fn mark_meta(object: &str, r: &Removed) -> Option<String> {
    let head = object.strip_suffix(&UNDECIDED[..UNDECIDED.len() - 1])?;
    let mut out = String::with_capacity(object.len() + 96);
    out.push_str(head);
    out.push_str(r#""duplicate_of":"#);
    out.push_str(&serde_json::to_string(&r.duplicate_of).expect("strings serialize"));
    out.push_str(&format!(r#","similarity":{}"#, r.similarity));
    if let Some(m) = &r.matched {
        out.push_str(r#","matched":"#);
        out.push_str(&serde_json::to_string(m).expect("matches serialize"));
    }
    out.push('}');
    Some(out)
}

/// `canon clean - --input-format jsonl`: records from stdin to stdout, in
/// order, in bounded batches; no corpus-wide dedup. Rejected lines are
/// reported on stderr with their line numbers (there is no output
/// directory to hold them). Returns the summary.
pub fn clean_stdin(options: &Options, rc: &RecordConfig, jobs: usize) -> Result<RecordSummary> {
    let started = Instant::now();
    if rc.all_parquet {
        // A Parquet file's footer, at its end, says where its rows are.
        return Err(Error::Config(
            "Parquet cannot be read from stdin: name the file".into(),
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Config(format!("cannot start {jobs} worker threads: {e}")))?;
    let mut summary = RecordSummary {
        shards: 1,
        ..RecordSummary::default()
    };
    let mut times = StageTimes::default();
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut stdout = BufWriter::new(io::stdout().lock());
    let mut next_line = 0;
    loop {
        let (batch, damage) = next_batch(&mut input, &mut next_line);
        if batch.is_empty() && damage.is_none() {
            break;
        }
        let cleaned = clean_batch(&pool, &batch, options, rc, &mut times);
        for ((line_no, raw), result) in batch.iter().zip(cleaned) {
            summary.bytes_in += raw.len() as u64 + 1;
            match result {
                Cleaned::Blank => summary.counts.blank += 1,
                Cleaned::Rejected(reason) => {
                    summary.counts.records += 1;
                    summary.counts.rejected += 1;
                    eprintln!("canon: <stdin>:{line_no}: {reason}: not written");
                }
                Cleaned::Record { line, .. } => {
                    summary.counts.records += 1;
                    summary.counts.cleaned += 1;
                    summary.bytes_out += line.len() as u64 + 1;
                    stdout
                        .write_all(line.as_bytes())
                        .and_then(|()| stdout.write_all(b"\n"))
                        .map_err(|e| Error::io("<stdout>", e))?;
                }
            }
        }
        if let Some(e) = damage {
            eprintln!(
                "canon: <stdin>: stream damaged at line {}: {e}",
                next_line + 1
            );
            summary.shard_errors += 1;
            break;
        }
    }
    stdout.flush().map_err(|e| Error::io("<stdout>", e))?;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.timings = Timings::new(&times, Duration::ZERO, jobs, started.elapsed());
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc() -> RecordConfig {
        RecordConfig {
            text_field: vec!["text".into()],
            id_field: None,
            meta_field: Some("canon".into()),
            all_shards: false,
            all_parquet: false,
            mixed: false,
        }
    }

    #[test]
    fn a_batch_adds_its_stage_times_and_keeps_its_order() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let batch: Batch = (0..8u64)
            .map(|n| (n, format!(r#"{{"text":"第{n}行  \r\n"}}"#).into_bytes()))
            .collect();
        let mut times = StageTimes::default();
        let cleaned = clean_batch(&pool, &batch, &Options::default(), &rc(), &mut times);
        for (n, c) in cleaned.iter().enumerate() {
            let Cleaned::Record { line, .. } = c else {
                panic!("line {n} not cleaned")
            };
            assert!(line.contains(&format!("第{n}行")), "{line}");
        }
        for stage in [Stage::Repair, Stage::Normalize, Stage::Layout] {
            assert!(times.get(stage) > Duration::ZERO, "{stage}");
        }
        assert!(times.signatures > Duration::ZERO);
        // A record's text is already decoded JSON: no time in decode.
        assert_eq!(times.get(Stage::Decode), Duration::ZERO);
    }

    #[test]
    fn a_record_is_cleaned_and_marked_undecided() {
        let line = "{\"id\":1,\"text\":\"ｈｅｌｌｏ\\r\\n\"}".as_bytes();
        let Cleaned::Record { line, .. } =
            clean_line(line, &Options::default(), &rc(), &mut StageTimes::default())
        else {
            panic!("a record")
        };
        assert!(
            line.starts_with(r#"{"id":1,"text":"hello\n","canon":{"encoding":"UTF-8""#),
            "{line}"
        );
        assert!(line.ends_with(UNDECIDED));
        let removed = Removed {
            duplicate_of: "a.jsonl:1".into(),
            similarity: 1.0,
            matched: None,
        };
        let marked = mark(&line, &removed);
        let v: serde_json::Value = serde_json::from_str(&marked).unwrap();
        assert_eq!(v["canon"]["duplicate_of"], "a.jsonl:1");
        assert_eq!(v["canon"]["similarity"], 1.0);
    }

    #[test]
    fn blank_and_bad_lines_are_told_apart() {
        assert!(matches!(
            clean_line(
                b"  ",
                &Options::default(),
                &rc(),
                &mut StageTimes::default()
            ),
            Cleaned::Blank
        ));
        assert!(matches!(
            clean_line(
                b"\xff{}",
                &Options::default(),
                &rc(),
                &mut StageTimes::default()
            ),
            Cleaned::Rejected(Reject::NotJson(_))
        ));
        assert!(matches!(
            clean_line(
                br#"{"body":"x"}"#,
                &Options::default(),
                &rc(),
                &mut StageTimes::default()
            ),
            Cleaned::Rejected(Reject::NoTextField)
        ));
    }

    #[test]
    fn cleaning_a_cleaned_record_changes_nothing_but_metadata() {
        let first = "{\"text\":\"第一行\\n第二行。。\\n\\n\\n第三段\",\"n\":[1]}".as_bytes();
        let no_meta = RecordConfig {
            meta_field: None,
            ..rc()
        };
        let Cleaned::Record { line: once, .. } = clean_line(
            first,
            &Options::default(),
            &no_meta,
            &mut StageTimes::default(),
        ) else {
            panic!("a record")
        };
        let Cleaned::Record { line: twice, .. } = clean_line(
            once.as_bytes(),
            &Options::default(),
            &no_meta,
            &mut StageTimes::default(),
        ) else {
            panic!("a record")
        };
        assert_eq!(once, twice);
    }
}

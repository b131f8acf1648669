//! `--resume` for record shards: a shard whose phase 1 finished in an
//! interrupted run is not cleaned again.
//!
//! Phase 1 appends one line per staged shard to `shards.jsonl` in the work
//! directory once its staged files are complete: the shard's key (its
//! source and relative paths hashed), the SHA-256 of its input file, the
//! options it was cleaned with and its manifest entry before dedup. The
//! staged files are named by the key and kept until the run ends, also
//! through phase 3. On `--resume`, a shard whose line matches (same input
//! bytes, same options) takes its entry from the line and its dedup units
//! from the staged files (texts read back, signatures computed again: no
//! stage runs); any other shard, one cut off mid-way included, is cleaned
//! from its start. Phases 2 and 3 always run over every shard, so the
//! result is the one an uninterrupted run gives.
//!
//! Example: 10 shards, interrupted while the 7th was being read → the
//! resumed run reuses 6, cleans 4, prints `(6 reused from an interrupted
//! run)`.
//!
//! Limits: a killed run's half-written last journal line is ignored (that
//! shard is cleaned again); reading a reused shard's staged texts back
//! costs one pass over them.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{BATCH_RECORDS, Compression, Shard, Unit, json, shard_compression};
use crate::error::{Error, Result};
use crate::manifest::Entry;
use crate::pipeline::Options;
use crate::records::RecordConfig;
use crate::walk::Item;

/// The journal's name inside the work directory.
const JOURNAL: &str = "shards.jsonl";

/// One staged shard, as the journal keeps it.
#[derive(Serialize, Deserialize)]
struct Done {
    key: String,
    source_sha256: String,
    options: String,
    entry: Entry,
    rejects: bool,
    /// For a Parquet shard, its metadata column (`Some(None)`: none).
    parquet: Option<Option<usize>>,
}

/// The journal of staged shards: this run's, and an interrupted one's.
pub(super) struct Journal {
    work: PathBuf,
    file: BufWriter<File>,
    previous: HashMap<String, Done>,
    /// The options and record settings, as text, to compare across runs.
    options: String,
}

/// A shard's staged files are named by this: the same input gives the same
/// name in the next run whatever its place in the list.
pub(super) fn key(item: &Item) -> String {
    let mut h = Sha256::new();
    h.update(item.source.as_os_str().as_encoded_bytes());
    h.update([0]);
    h.update(item.rel.as_os_str().as_encoded_bytes());
    hex(&h.finalize()[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn file_sha256(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 1 << 16];
    loop {
        match file.read(&mut buf)? {
            0 => return Ok(hex(&hasher.finalize())),
            n => hasher.update(&buf[..n]),
        }
    }
}

impl Journal {
    /// Opens the journal in `work` (which exists), reading an interrupted
    /// run's lines when resuming.
    pub(super) fn open(
        work: &Path,
        resume: bool,
        options: &Options,
        rc: &RecordConfig,
    ) -> Result<Journal> {
        let path = work.join(JOURNAL);
        let mut previous = HashMap::new();
        if resume && let Ok(text) = fs::read_to_string(&path) {
            for done in text
                .lines()
                .filter_map(|l| serde_json::from_str::<Done>(l).ok())
            {
                previous.insert(done.key.clone(), done);
            }
        }
        let file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        Ok(Journal {
            work: work.to_path_buf(),
            file: BufWriter::new(file),
            previous,
            options: format!("{options:?} {rc:?}"),
        })
    }

    /// Notes a shard whose staged files are complete.
    pub(super) fn record(&mut self, item: &Item, shard: &Shard) -> Result<()> {
        if shard.staged.is_none() {
            return Ok(());
        }
        let Ok(source_sha256) = file_sha256(&item.source) else {
            // Unreadable now: it cannot be matched on resume either.
            return Ok(());
        };
        #[cfg(feature = "parquet")]
        let parquet = shard.table.as_ref().map(|t| t.meta_column);
        #[cfg(not(feature = "parquet"))]
        let parquet = None;
        let done = Done {
            key: key(item),
            source_sha256,
            options: self.options.clone(),
            entry: shard.entry.clone(),
            rejects: shard.rejects.is_some(),
            parquet,
        };
        let mut line = serde_json::to_string(&done).expect("a journal line serializes");
        line.push('\n');
        let path = self.work.join(JOURNAL);
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(|e| Error::io(&path, e))
    }

    /// The shard staged by an interrupted run for `item`, with its units
    /// appended to `units`, if its input and options are unchanged and its
    /// staged files are whole.
    pub(super) fn reuse(
        &mut self,
        item: &Item,
        n: u32,
        options: &Options,
        rc: &RecordConfig,
        pool: &rayon::ThreadPool,
        units: &mut Vec<Unit>,
    ) -> Option<Shard> {
        let key = key(item);
        let work = &self.work;
        let done = self.previous.remove(&key)?;
        if done.options != self.options || file_sha256(&item.source).ok()? != done.source_sha256 {
            return None;
        }
        #[cfg(not(feature = "parquet"))]
        if done.parquet.is_some() {
            return None;
        }
        let staged = work.join(format!(
            "{key}.{}",
            if done.parquet.is_some() {
                "texts"
            } else {
                "jsonl"
            }
        ));
        let rebuilt = read_units(
            &staged,
            &work.join(format!("{key}.lines")),
            n,
            options,
            rc,
            pool,
        )
        .ok()?;
        let rejects = work.join(format!("{key}.rejects"));
        if done.rejects && !rejects.exists() {
            return None;
        }
        let shard = Shard {
            document: None,
            entry: done.entry,
            rel: item.rel.clone(),
            compression: shard_compression(&item.rel).unwrap_or(Compression::None),
            staged: Some(staged),
            rejects: done.rejects.then_some(rejects),
            #[cfg(feature = "parquet")]
            table: match done.parquet {
                Some(meta_column) => {
                    let path = work.join(format!("{key}.parquet"));
                    if !path.exists() {
                        return None;
                    }
                    Some(super::parquet::Table { path, meta_column })
                }
                None => None,
            },
        };
        units.extend(rebuilt);
        Some(shard)
    }
}

/// A staged shard's units, read back: each staged line's text (a line
/// without one, a Parquet row left untouched, has no signature) and its
/// input line number from the `.lines` file.
fn read_units(
    staged: &Path,
    lines: &Path,
    n: u32,
    options: &Options,
    rc: &RecordConfig,
    pool: &rayon::ThreadPool,
) -> io::Result<Vec<Unit>> {
    let numbers = fs::read(lines)?;
    let mut numbers = numbers
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("eight bytes")));
    let mut input = BufReader::new(File::open(staged)?);
    let mut units = Vec::new();
    let mut offset = 0u64;
    let mut batch: Vec<(u64, u64, String)> = Vec::new();
    loop {
        let mut line = String::new();
        let read = input.read_line(&mut line)?;
        if read > 0 {
            if !line.ends_with('\n') {
                return Err(io::Error::other("a staged file ends mid-line"));
            }
            line.pop();
            let number = numbers
                .next()
                .ok_or_else(|| io::Error::other("fewer line numbers than staged lines"))?;
            batch.push((number, offset, line));
            offset += read as u64;
        }
        if batch.len() >= BATCH_RECORDS || (read == 0 && !batch.is_empty()) {
            let rebuilt: Vec<Unit> = pool.install(|| {
                batch
                    .par_iter()
                    .map(|(number, offset, line)| {
                        let text = json::parse(line, &rc.text_field, None).ok().map(|p| p.text);
                        let (fingerprint, signature) = match &text {
                            Some(t) => (
                                Sha256::digest(t.as_bytes()).into(),
                                crate::corpus::dedup_fields(t, options).0,
                            ),
                            None => (Default::default(), None),
                        };
                        Unit {
                            shard: n,
                            line: *number,
                            offset: *offset,
                            len: line.len() as u32,
                            fingerprint,
                            signature,
                        }
                    })
                    .collect()
            });
            units.extend(rebuilt);
            batch.clear();
        }
        if read == 0 {
            break;
        }
    }
    if numbers.next().is_some() {
        return Err(io::Error::other("more line numbers than staged lines"));
    }
    Ok(units)
}

//! Text files in a records run (`--input-format mixed`): each is cleaned
//! as a file is (`pipeline::clean_bytes`, decode included) and takes part
//! in the run's one dedup as a single unit beside the shards' records.
//!
//! Example: `in/a.txt` (GBK, `你好\r\n`) and `in/b.jsonl` (a record whose
//! text cleans to the same `你好\n`) → `out/a.txt` (`你好\n`, UTF-8) and
//! `out/b.jsonl` without that record, whose `duplicate_of` is `a.txt`: the
//! earlier in path order survives, as in a run of files.
//!
//! Phase 1 cleans a run of consecutive text files on every core and
//! stages each twice: its cleaned text (moved into place in phase 3) and
//! one line shaped like a record (`{"text": …}`, at `--text-field`), which
//! phase 2 reads back exactly as it reads a shard's staged records.
//! Limits: no boilerplate-line detection, `--duplicates DIR` or
//! case-collision renaming (those are the files runner's, see
//! docs/RECORDS.md); a text file is not taken from an interrupted run by
//! `--resume`, it is cleaned again.

use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::{Phase1, Shard, Unit};
use crate::corpus::{CleanConfig, display_path, hex, read_limited, timed_dedup_fields};
use crate::error::{Error, Result};
use crate::manifest::Status;
use crate::pipeline::{self, Outcome};
use crate::records::{Compression, RecordConfig, json};
use crate::stages::dedup::Fingerprint;
use crate::timings::StageTimes;
use crate::walk::{Item, Problem};

/// Text files cleaned together: enough to keep every core busy, few
/// enough that their cleaned texts in flight stay small.
pub(super) const DOCUMENT_BATCH: usize = 64;

/// One text file after phase 1.
struct Staged {
    shard: Shard,
    unit: Option<Unit>,
    times: StageTimes,
}

/// Phase 1 for consecutive text files (`first` is the first one's index
/// in the run): each cleaned on `pool`, staged under `work` by its key,
/// and appended in order to `shards` and `phase1`.
#[allow(clippy::too_many_arguments)]
pub(super) fn stage(
    items: &[Item],
    first: usize,
    work: &Path,
    config: &CleanConfig,
    rc: &RecordConfig,
    pool: &rayon::ThreadPool,
    shards: &mut Vec<Shard>,
    phase1: &mut Phase1,
) -> Result<()> {
    let staged: Vec<Staged> = pool.install(|| {
        items
            .par_iter()
            .enumerate()
            .map(|(k, item)| {
                let stem = work.join(super::resume::key(item));
                stage_one(item, (first + k) as u32, &stem, config, rc)
            })
            .collect::<Result<Vec<_>>>()
    })?;
    for s in staged {
        phase1.times.add(&s.times);
        phase1.units.extend(s.unit);
        shards.push(s.shard);
    }
    Ok(())
}

fn stage_one(
    item: &Item,
    n: u32,
    stem: &Path,
    config: &CleanConfig,
    rc: &RecordConfig,
) -> Result<Staged> {
    let mut staged = Staged {
        shard: Shard::new(&item.rel, Compression::None),
        unit: None,
        times: StageTimes::default(),
    };
    let entry = &mut staged.shard.entry;
    match &item.problem {
        Some(Problem::Skip(reason)) => {
            entry.skip(reason.clone());
            return Ok(staged);
        }
        Some(Problem::Error(message)) => {
            entry.fail(message.clone());
            return Ok(staged);
        }
        None => {}
    }
    let bytes = match read_limited(&item.source, config.max_file_size) {
        Ok(b) => b,
        Err(message) => {
            entry.fail(message);
            return Ok(staged);
        }
    };
    entry.bytes_in = bytes.len() as u64;
    let cleaned = match pipeline::clean_bytes_timed(&bytes, &config.options, &mut staged.times) {
        Outcome::Binary(kind) => {
            entry.skip(kind.to_string());
            return Ok(staged);
        }
        Outcome::Text(c) => c,
    };
    entry.record_cleaning(&cleaned.decode, &cleaned.changes);
    entry.script = cleaned.script;
    let fingerprint: Fingerprint = Sha256::digest(cleaned.text.as_bytes()).into();
    entry.sha256 = Some(hex(&fingerprint));
    entry.bytes_out = cleaned.text.len() as u64;
    let (signature, _) = timed_dedup_fields(&cleaned.text, &config.options, &mut staged.times);
    let text_path = stem.with_extension("txt");
    fs::write(&text_path, cleaned.text.as_bytes()).map_err(|e| Error::io(&text_path, e))?;
    let mut object = serde_json::Map::new();
    json::insert_at(&mut object, &rc.text_field, cleaned.text.into());
    let line = serde_json::Value::Object(object).to_string();
    let side_path = stem.with_extension("texts");
    fs::write(&side_path, format!("{line}\n")).map_err(|e| Error::io(&side_path, e))?;
    staged.shard.staged = Some(side_path);
    staged.shard.document = Some(text_path);
    staged.unit = Some(Unit {
        shard: n,
        line: 0,
        offset: 0,
        len: line.len() as u32,
        fingerprint,
        signature,
    });
    Ok(staged)
}

/// Phase 3 for a text file: its cleaned text moved to its place in `out`,
/// unless it is a duplicate left out (`--keep-duplicates` writes it, as
/// for files).
pub(super) fn finish(
    shard: &mut Shard,
    text: &Path,
    out: &Path,
    keep_duplicates: bool,
) -> Result<()> {
    shard.staged = None;
    match shard.entry.status {
        Status::Ok => {}
        Status::Duplicate if keep_duplicates => {}
        _ => return Ok(()),
    }
    let dest = out.join(&shard.rel);
    let placed = dest
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| {
            if dest.is_dir() {
                Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "a directory is in the way",
                ))
            } else {
                fs::rename(text, &dest)
            }
        });
    match placed {
        Ok(()) => shard.entry.output = Some(display_path(&shard.rel).0),
        Err(e) => {
            shard
                .entry
                .fail(format!("cannot write {}: {e}", dest.display()));
            shard.entry.bytes_out = 0;
        }
    }
    Ok(())
}

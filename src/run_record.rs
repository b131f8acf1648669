//! `DIR/run.json`: what produced a corpus — canon's version, the effective
//! options (flags merged over `canon.toml`), the inputs, when the run started
//! and ended, and its counts — so a corpus can be reproduced and audited, and
//! `--resume` can refuse to continue a run made with other options.
//!
//! Example (abridged): `{"canon_version": "0.1.0", "status": "finished",
//! "inputs": ["raw"], "options": {"near-threshold": 0.8, …}, "started":
//! "2026-12-07T01:02:03Z", "ended": "2026-12-07T01:02:09Z", "counts":
//! {"files": 5, "ok": 5, …}}`.
//!
//! Limits: unlike the manifest, this file holds times, so it differs from run
//! to run; it is written at the start (status `running`) and rewritten at the
//! end, so a killed run leaves `running` behind.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::config::{self, CleanSettings};
use crate::corpus::{CleanConfig, Summary, write_atomically};
use crate::error::{Error, Result};
use crate::manifest::{Entry, RecordCounts};
use crate::records::run::RecordSummary;
use crate::timings::Timings;

/// File name of the run record inside `--out`.
pub const RUN_RECORD_NAME: &str = "run.json";

/// How the run ended, as far as this record knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Started and not (yet) ended: still running, or killed.
    Running,
    Finished,
    /// Stopped by a signal; `--resume` continues it.
    Interrupted,
    /// Stopped by an error on the output side or in the configuration.
    Failed,
}

/// The contents of `run.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub canon_version: String,
    pub status: RunStatus,
    /// The configuration file read, if any.
    pub config_file: Option<PathBuf>,
    pub inputs: Vec<String>,
    /// Every option of `clean` as it was in effect (inputs are above).
    pub options: CleanSettings,
    /// RFC 3339, UTC, whole seconds.
    pub started: String,
    pub ended: Option<String>,
    pub counts: Option<Counts>,
    /// Time per stage, when the run finished (see [`crate::timings`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timings: Option<Timings>,
}

/// A finished run's counts (the summary line's numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub files: usize,
    pub ok: usize,
    pub duplicates: usize,
    pub skipped: usize,
    pub errors: usize,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Documents taken from an interrupted run's work.
    pub reused: usize,
    pub elapsed_seconds: f64,
    /// Documents per warning kind (see `console::warning_counts`).
    pub warnings: BTreeMap<String, usize>,
    /// A records run's records, summed over its shards (the counts above
    /// are then the shards').
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<RecordCounts>,
}

impl RunRecord {
    /// A record for a run starting now with `options` (inputs included).
    pub fn start(mut options: CleanSettings, config_file: Option<PathBuf>) -> RunRecord {
        let inputs = options
            .inputs
            .take()
            .unwrap_or_default()
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        RunRecord {
            canon_version: env!("CARGO_PKG_VERSION").to_string(),
            status: RunStatus::Running,
            config_file,
            inputs,
            options,
            started: rfc3339(SystemTime::now()),
            ended: None,
            counts: None,
            timings: None,
        }
    }

    /// Marks the record ended now with `status` and, when finished, counts.
    pub fn end(&mut self, status: RunStatus, counts: Option<Counts>) {
        self.status = status;
        self.ended = Some(rfc3339(SystemTime::now()));
        self.counts = counts;
    }

    /// Why a run with this record's settings may not continue `previous`
    /// (`--resume`): every difference in version, inputs or options that
    /// changes the corpus.
    pub fn resume_differences(&self, previous: &RunRecord) -> Vec<String> {
        let mut diffs = Vec::new();
        if previous.canon_version != self.canon_version {
            diffs.push(format!(
                "canon version: {} → {}",
                previous.canon_version, self.canon_version
            ));
        }
        if previous.inputs != self.inputs {
            diffs.push(format!("inputs: {:?} → {:?}", previous.inputs, self.inputs));
        }
        diffs.extend(config::differences(&previous.options, &self.options));
        diffs
    }
}

impl Counts {
    pub fn new(summary: &Summary, warnings: Vec<(String, usize)>) -> Counts {
        Counts {
            files: summary.files,
            ok: summary.ok,
            duplicates: summary.duplicates,
            skipped: summary.skipped,
            errors: summary.errors,
            bytes_in: summary.bytes_in,
            bytes_out: summary.bytes_out,
            reused: summary.reused,
            elapsed_seconds: (summary.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            warnings: warnings.into_iter().collect(),
            records: None,
        }
    }

    /// A records run's counts: each shard or text file counts as a file
    /// (a shard is `ok` unless it had an error or was skipped; a text file
    /// may also be a duplicate), and `records` sums the shards' records.
    pub fn of_records(summary: &RecordSummary) -> Counts {
        Counts {
            files: summary.shards,
            ok: summary.shards
                - summary.shard_errors
                - summary.skipped
                - summary.document_duplicates,
            duplicates: summary.document_duplicates,
            skipped: summary.skipped,
            errors: summary.shard_errors,
            bytes_in: summary.bytes_in,
            bytes_out: summary.bytes_out,
            reused: summary.reused,
            elapsed_seconds: (summary.seconds * 1000.0).round() / 1000.0,
            warnings: BTreeMap::new(),
            records: Some(summary.counts.clone()),
        }
    }
}

/// Reads `out/run.json`, if there is one.
pub fn read(out: &Path) -> Result<Option<RunRecord>> {
    let path = out.join(RUN_RECORD_NAME);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::Config(format!("{}: not a run record: {e}", path.display())))
}

/// Writes `out/run.json` atomically.
pub fn write(out: &Path, record: &RunRecord) -> Result<()> {
    let mut text = serde_json::to_string_pretty(record).expect("run records always serialize");
    text.push('\n');
    write_atomically(&out.join(RUN_RECORD_NAME), text.as_bytes())
}

/// Refuses `--resume` when the run in `out` was made with other settings.
pub fn check_resume(out: &Path, current: &RunRecord) -> Result<()> {
    let Some(previous) = read(out)? else {
        return Ok(());
    };
    let diffs = current.resume_differences(&previous);
    if diffs.is_empty() {
        return Ok(());
    }
    Err(Error::Config(format!(
        "--resume: the run in {} was made with other settings ({}); \
         run without --resume to start afresh, or with the same options",
        out.display(),
        diffs.join("; ")
    )))
}

/// Runs `run` (the corpus run of `config`) between writing `record` as
/// `running` and rewriting it with how the run ended. With `--resume`,
/// first refuses a run whose record says it was made with other settings.
pub fn recorded(
    config: &CleanConfig,
    mut record: RunRecord,
    run: impl FnOnce(&CleanConfig) -> Result<(Vec<Entry>, Summary)>,
) -> Result<(Vec<Entry>, Summary)> {
    let out = &config.out;
    if config.resume {
        check_resume(out, &record)?;
    }
    // Never a record inside an input (the run refuses that), nor over a
    // file standing where the directory should be (the run says so).
    let writable = !out.exists() || out.is_dir();
    let out_is_input = config.inputs.iter().any(|i| {
        i.is_dir()
            && i.canonicalize()
                .ok()
                .is_some_and(|c| Some(c) == out.canonicalize().ok())
    });
    let keep = writable && !out_is_input;
    if keep {
        fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
        write(out, &record)?;
    }
    let result = run(config);
    let (status, counts) = match &result {
        Ok((entries, summary)) => (
            RunStatus::Finished,
            Some(Counts::new(
                summary,
                crate::console::warning_counts(entries),
            )),
        ),
        Err(Error::Interrupted) => (RunStatus::Interrupted, None),
        Err(_) => (RunStatus::Failed, None),
    };
    record.end(status, counts);
    record.timings = result.as_ref().ok().map(|(_, s)| s.timings.clone());
    if keep {
        let written = write(out, &record);
        // The run's own error says more than a failed record would.
        if result.is_ok() {
            written?;
        }
    }
    result
}

/// `time` as RFC 3339 in UTC to the second (`2026-12-07T01:02:03Z`).
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        // 2000-02-29 (a leap day in a century leap year) 12:34:56.
        let t = UNIX_EPOCH + Duration::from_secs(951_827_696);
        assert_eq!(rfc3339(t), "2000-02-29T12:34:56Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_796_601_600);
        assert_eq!(rfc3339(t), "2026-12-07T00:00:00Z");
    }

    #[test]
    fn record_round_trips_and_names_what_differs() {
        let tmp = tempfile::tempdir().unwrap();
        let options = CleanSettings {
            inputs: Some(vec!["raw".into()]),
            exact_only: Some(false),
            jobs: Some(2),
            ..CleanSettings::default()
        };
        let mut record = RunRecord::start(options.clone(), None);
        record.end(RunStatus::Interrupted, None);
        write(tmp.path(), &record).unwrap();
        assert_eq!(read(tmp.path()).unwrap(), Some(record.clone()));

        let same_but_jobs = RunRecord::start(
            CleanSettings {
                jobs: Some(8),
                ..options.clone()
            },
            None,
        );
        check_resume(tmp.path(), &same_but_jobs).unwrap();
        let other = RunRecord::start(
            CleanSettings {
                exact_only: Some(true),
                inputs: Some(vec!["raw2".into()]),
                ..options
            },
            None,
        );
        let e = check_resume(tmp.path(), &other).unwrap_err().to_string();
        assert!(e.contains("exact-only: false → true"), "{e}");
        assert!(e.contains("inputs"), "{e}");
        assert!(check_resume(&tmp.path().join("none"), &other).is_ok());
    }
}

//! `canon.toml`: the options of `canon clean` written down, so a run can be
//! repeated and reviewed. The file is `./canon.toml` when it exists, or the
//! one `--config FILE` names. Keys are the long flags' names under a
//! `[clean]` table; a flag given on the command line wins over the file; an
//! unknown key is an error that names it.
//!
//! Example: the file
//!
//! ```toml
//! [clean]
//! inputs = ["raw"]
//! out = "corpus"
//! skip = ["convert"]
//! near-threshold = 0.7
//! ```
//!
//! makes `canon clean` run as `canon clean raw --out corpus --skip convert
//! --near-threshold 0.7`, and `canon clean --near-threshold 0.9` as the same
//! with 0.9.
//!
//! Limits: an on/off flag can only turn an option on; to turn off what the
//! file turns on, edit the file (or name another with `--config`). Relative
//! paths in a file named by `--config` are taken from the file's directory.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::{CleanArgs, PipelineArgs, parse_size};
use crate::error::{Error, Result};

/// The file looked for in the current directory.
pub const CONFIG_NAME: &str = "canon.toml";

/// The whole file: one table per command (only `clean` for now).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub clean: CleanSettings,
}

/// Every option of `canon clean`, each optional, named as its long flag.
/// The same shape records a run's effective options in `run.json`.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CleanSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Vec<PathBuf>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_repeats: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub convert: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicates: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quiet: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verbose: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_file_size: Option<Size>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near_threshold: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_boilerplate: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signatures: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_duplicates: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_metadata_field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_record_metadata: Option<bool>,
}

/// A size as bytes (`1048576`) or as the flag takes it (`"1M"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Size {
    Bytes(u64),
    Text(String),
}

impl Size {
    fn bytes(&self) -> Result<u64> {
        match self {
            Size::Bytes(n) => Ok(*n),
            Size::Text(s) => {
                parse_size(s).map_err(|e| Error::Config(format!("max-file-size: {e}")))
            }
        }
    }
}

/// Options that change nothing in the corpus written, only how the run
/// goes or what it prints: a resumed run may change them.
pub const PRESENTATION_KEYS: &[&str] = &["jobs", "quiet", "verbose", "report"];

/// Reads the configuration file: `explicit` (which must exist) or
/// `./canon.toml` when there is one. Returns the file's path and contents.
pub fn load(explicit: Option<&Path>) -> Result<Option<(PathBuf, ConfigFile)>> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = PathBuf::from(CONFIG_NAME);
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let file = parse(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    Ok(Some((path, file)))
}

/// Parses a configuration file's text; an unknown key is an error naming it.
pub fn parse(text: &str) -> std::result::Result<ConfigFile, String> {
    toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
}

/// Fills what the command line left unset from the file's `[clean]` table.
/// Relative paths in the file are taken from `base` (the file's directory).
pub fn merge(mut args: CleanArgs, file: &CleanSettings, base: &Path) -> Result<CleanArgs> {
    let from_file = |p: &PathBuf| base.join(p);
    if args.inputs.is_empty() {
        args.inputs = file.inputs.iter().flatten().map(from_file).collect();
    }
    args.out = args.out.or_else(|| file.out.as_ref().map(from_file));
    fill_pipeline(&mut args.pipeline, file);
    args.jobs = args.jobs.or(file.jobs);
    args.hidden |= file.hidden.unwrap_or(false);
    args.duplicates = args
        .duplicates
        .or_else(|| file.duplicates.as_ref().map(from_file));
    if !args.quiet && !args.verbose {
        args.quiet = file.quiet.unwrap_or(false);
        args.verbose = file.verbose.unwrap_or(false);
        if args.quiet && args.verbose {
            return Err(Error::Config(
                "quiet and verbose cannot both be true in the configuration file".into(),
            ));
        }
    }
    if args.max_file_size.is_none() {
        args.max_file_size = file.max_file_size.as_ref().map(Size::bytes).transpose()?;
    }
    args.dedup.near_threshold = args.dedup.near_threshold.or(file.near_threshold);
    args.dedup.exact_only |= file.exact_only.unwrap_or(false);
    args.dedup.remove_boilerplate |= file.remove_boilerplate.unwrap_or(false);
    args.dedup.signatures = args
        .dedup
        .signatures
        .or_else(|| file.signatures.as_ref().map(from_file));
    args.report |= file.report.unwrap_or(false);
    args.keep_duplicates |= file.keep_duplicates.unwrap_or(false);
    merge_records(&mut args.records, file)?;
    Ok(args)
}

/// Fills the record options (`input-format`, `text-field`, …) the command
/// line left unset.
fn merge_records(records: &mut crate::records::RecordArgs, file: &CleanSettings) -> Result<()> {
    if records.input_format.is_none()
        && let Some(name) = &file.input_format
    {
        let format = <crate::records::InputFormat as clap::ValueEnum>::from_str(name, false)
            .map_err(|_| {
                Error::Config(format!(
                    "input-format: {name:?} is not one of auto, jsonl, parquet, text"
                ))
            })?;
        records.input_format = Some(format);
    }
    records.text_field = records
        .text_field
        .take()
        .or_else(|| file.text_field.clone());
    records.id_field = records.id_field.take().or_else(|| file.id_field.clone());
    records.record_metadata_field = records
        .record_metadata_field
        .take()
        .or_else(|| file.record_metadata_field.clone());
    records.no_record_metadata |= file.no_record_metadata.unwrap_or(false);
    Ok(())
}

/// Fills the per-document options (`skip`, `keep-repeats`, `convert`) the
/// command line left unset: `check` and `fix` judge files by the options
/// `clean` would use.
pub fn fill_pipeline(pipeline: &mut PipelineArgs, file: &CleanSettings) {
    if pipeline.skip.is_empty() {
        pipeline.skip = file.skip.clone().unwrap_or_default();
    }
    pipeline.keep_repeats |= file.keep_repeats.unwrap_or(false);
    pipeline.convert = pipeline.convert.take().or_else(|| file.convert.clone());
}

/// Reads the configuration (if any) and merges it under `args`; also
/// returns the file's path.
pub fn resolve(args: CleanArgs) -> Result<(CleanArgs, Option<PathBuf>)> {
    let Some((path, file)) = load(args.config.as_deref())? else {
        return Ok((args, None));
    };
    // `./canon.toml` is found from the current directory, which relative
    // paths already start from; a file named elsewhere speaks from its own.
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    Ok((merge(args, &file.clean, &base)?, Some(path)))
}

/// The effective options of a resolved run, every field filled, for
/// `run.json`.
pub fn effective(args: &CleanArgs) -> CleanSettings {
    let skip: Vec<String> = {
        let mut s: Vec<String> = args
            .pipeline
            .skip
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        s.sort();
        s.dedup();
        s
    };
    CleanSettings {
        inputs: Some(args.inputs.clone()),
        out: args.out.clone(),
        skip: Some(skip),
        keep_repeats: Some(args.pipeline.keep_repeats),
        convert: Some(args.pipeline.convert.clone().unwrap_or_else(|| {
            crate::stages::convert::ConvertConfig::default()
                .name()
                .into()
        })),
        // The thread count used, also when it was "all cores".
        jobs: crate::cli::jobs(args.jobs).ok(),
        hidden: Some(args.hidden),
        duplicates: args.duplicates.clone(),
        quiet: Some(args.quiet),
        verbose: Some(args.verbose),
        max_file_size: Some(Size::Bytes(args.max_file_size_or_default())),
        near_threshold: Some(args.dedup.near_threshold_or_default()),
        exact_only: Some(args.dedup.exact_only),
        remove_boilerplate: Some(args.dedup.remove_boilerplate),
        signatures: args.dedup.signatures.clone(),
        report: Some(args.report),
        keep_duplicates: Some(args.keep_duplicates),
        input_format: Some(
            clap::ValueEnum::to_possible_value(&args.records.input_format())
                .map_or_else(String::new, |v| v.get_name().to_string()),
        ),
        text_field: Some(args.records.text_field().to_string()),
        id_field: args.records.id_field.clone(),
        record_metadata_field: Some(args.records.record_metadata_field().to_string()),
        no_record_metadata: Some(args.records.no_record_metadata),
    }
}

/// The options that differ between two runs' effective options, as
/// `key: before → after`, leaving out [`PRESENTATION_KEYS`].
pub fn differences(before: &CleanSettings, after: &CleanSettings) -> Vec<String> {
    let as_map = |s: &CleanSettings| match serde_json::to_value(s) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let (a, b) = (as_map(before), as_map(after));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let shown = |v: Option<&serde_json::Value>| v.map_or("(unset)".to_string(), |v| v.to_string());
    keys.into_iter()
        .filter(|k| !PRESENTATION_KEYS.contains(&k.as_str()))
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| format!("{k}: {} → {}", shown(a.get(k)), shown(b.get(k))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn clean_args(argv: &[&str]) -> CleanArgs {
        let mut full = vec!["canon", "clean"];
        full.extend_from_slice(argv);
        match Cli::try_parse_from(full).unwrap().command {
            Command::Clean(c) => *c,
            _ => panic!("clean"),
        }
    }

    #[test]
    fn unknown_key_is_an_error_that_names_it() {
        let e = parse("[clean]\nnear-treshold = 0.7\n").unwrap_err();
        assert!(e.contains("near-treshold"), "{e}");
        let e = parse("[cleen]\n").unwrap_err();
        assert!(e.contains("cleen"), "{e}");
        assert!(parse("[clean]\nnear-threshold = 0.7\n").is_ok());
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_fills_the_rest() {
        let file = parse(
            "[clean]\ninputs = [\"raw\"]\nout = \"corpus\"\nskip = [\"convert\"]\n\
             near-threshold = 0.7\nmax-file-size = \"1M\"\nexact-only = true\n",
        )
        .unwrap()
        .clean;
        let merged = merge(
            clean_args(&["--near-threshold", "0.9"]),
            &file,
            Path::new(""),
        )
        .unwrap();
        assert_eq!(merged.inputs, vec![PathBuf::from("raw")]);
        assert_eq!(merged.out, Some(PathBuf::from("corpus")));
        assert_eq!(merged.pipeline.skip, vec!["convert"]);
        assert_eq!(merged.dedup.near_threshold, Some(0.9));
        assert_eq!(merged.max_file_size, Some(1 << 20));
        assert!(merged.dedup.exact_only);
        let merged = merge(clean_args(&["other", "-o", "x"]), &file, Path::new("conf")).unwrap();
        assert_eq!(merged.inputs, vec![PathBuf::from("other")]);
        assert_eq!(merged.out, Some(PathBuf::from("x")));
        // Paths from a file elsewhere start from the file's directory.
        let merged = merge(clean_args(&[]), &file, Path::new("conf")).unwrap();
        assert_eq!(merged.inputs, vec![PathBuf::from("conf/raw")]);
    }

    #[test]
    fn effective_options_round_trip_and_differences_name_the_option() {
        let a = effective(&clean_args(&["in", "-o", "out"]));
        let text = serde_json::to_string(&a).unwrap();
        let back: CleanSettings = serde_json::from_str(&text).unwrap();
        assert_eq!(back, a);
        assert!(differences(&a, &back).is_empty());
        let b = effective(&clean_args(&["in", "-o", "out", "--exact-only", "-j", "3"]));
        assert_eq!(differences(&a, &b), vec!["exact-only: false → true"]);
    }
}

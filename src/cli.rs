//! The command line: raw clap flags, validated into the configuration each
//! command runs with.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::error::{Error, Result};
use crate::pipeline::Options;
use crate::stages::Stage;
use crate::stages::convert::{ConvertConfig, Converter};

/// Turn directories of raw text documents into a clean, canonical UTF-8 corpus.
#[derive(Debug, Parser)]
#[command(name = "canon", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean files and directories into --out, with a manifest; `-` cleans stdin to stdout.
    Clean(Box<CleanArgs>),
    /// Exit 1 and show a diff for every file that cleaning would change.
    Check(CheckArgs),
    /// Rewrite in place every file that cleaning would change (atomically, keeping permissions).
    Fix(CheckArgs),
    /// Show each file's encoding, confidence and script.
    Detect(DetectArgs),
    /// Show what each stage would change in a file.
    Explain(ExplainArgs),
    /// Write DIR/report.html: a run's totals, encodings, edits, damage, duplicates and boilerplate, on one page.
    Report(ReportArgs),
    /// Print a shell completion script, e.g. `canon completions bash > /etc/bash_completion.d/canon`.
    Completions(CompletionsArgs),
    /// Print canon's man page (roff), or a command's: `canon man > canon.1`, `canon man clean > canon-clean.1`.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (clean, check, fix, …); none for canon's own.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The --out directory of a `canon clean` run (it holds manifest.jsonl).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Flags shared by the commands that run the pipeline.
#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// Stages not to run: repair, normalize, convert, layout, dedup (comma-separated, repeatable).
    #[arg(long, value_name = "STAGE[,STAGE...]", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Keep lines repeated back to back and long paragraphs repeated within a document.
    #[arg(long)]
    pub keep_repeats: bool,
    /// OpenCC config of the convert stage: t2s (default), tw2s, tw2sp, hk2s, or s2t, s2tw, s2twp, s2hk for Traditional output.
    #[arg(long, value_name = "CONFIG")]
    pub convert: Option<String>,
}

impl PipelineArgs {
    /// Validates the stage names.
    pub fn options(&self) -> Result<Options> {
        let mut skip = BTreeSet::new();
        for name in &self.skip {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            match Stage::from_name(name) {
                Some(Stage::Decode) => {
                    return Err(Error::Config("the decode stage cannot be skipped".into()));
                }
                Some(stage) => {
                    skip.insert(stage);
                }
                None => {
                    return Err(Error::Config(format!(
                        "unknown stage {name:?} in --skip (expected repair, normalize, convert, layout or dedup)"
                    )));
                }
            }
        }
        let config = match &self.convert {
            None => ConvertConfig::default(),
            Some(name) => ConvertConfig::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = ConvertConfig::ALL.iter().map(|c| c.name()).collect();
                Error::Config(format!(
                    "unknown config {name:?} in --convert (expected one of {})",
                    known.join(", ")
                ))
            })?,
        };
        Ok(Options {
            skip,
            keep_repeats: self.keep_repeats,
            converter: Arc::new(Converter::new(config)),
            ..Options::default()
        })
    }
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Files or directories to clean (directories recursively), or `-` for stdin
    /// (or `inputs` in canon.toml).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Directory to write the cleaned corpus and manifest.jsonl into.
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Worker threads (default: all cores).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    /// Also clean hidden files and directories (names starting with a dot).
    #[arg(long)]
    pub hidden: bool,
    /// Write documents found to be duplicates into this directory for inspection.
    #[arg(long, value_name = "DIR")]
    pub duplicates: Option<PathBuf>,
    /// Write duplicates to the output too, each marked in the manifest (status duplicate,
    /// duplicate_of), to flag copies rather than remove them.
    #[arg(long, conflicts_with = "duplicates")]
    pub keep_duplicates: bool,
    /// Print nothing but errors (no progress bar, no summary).
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every document's warnings and skips (by default they are counted in the summary).
    #[arg(long, short)]
    pub verbose: bool,
    /// Continue an interrupted run into the same --out: documents already cleaned
    /// (same input bytes, same options, staged text intact) are not cleaned again.
    #[arg(long)]
    pub resume: bool,
    /// Inputs larger than this are not read and are reported as errors (bytes, or with a
    /// K, M or G suffix; default 256M).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    #[command(flatten)]
    pub dedup: DedupArgs,
    /// Options from this TOML file (default: ./canon.toml when it exists); flags win over it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also write DIR/report.html (as `canon report DIR` does) at the end of the run.
    #[arg(long)]
    pub report: bool,
    #[command(flatten)]
    pub records: crate::records::RecordArgs,
}

impl CleanArgs {
    /// `--max-file-size`, or its default.
    pub fn max_file_size_or_default(&self) -> u64 {
        self.max_file_size
            .unwrap_or(crate::corpus::DEFAULT_MAX_FILE_SIZE)
    }
}

/// Corpus-wide duplicate flags of `canon clean`.
#[derive(Debug, Args)]
pub struct DedupArgs {
    /// Jaccard similarity of character n-grams from which a document is a near duplicate (0 < X ≤ 1; default 0.8).
    #[arg(long, value_name = "X")]
    pub near_threshold: Option<f64>,
    /// Only exact duplicates (equal after ignoring whitespace, punctuation width, script and regional vocabulary).
    #[arg(long)]
    pub exact_only: bool,
    /// Remove lines repeated at the head or tail of many documents (navigation, source lines); otherwise they are only reported.
    #[arg(long)]
    pub remove_boilerplate: bool,
    /// Also write every document's dedup signature to FILE (for merging shard runs).
    #[arg(long, value_name = "FILE")]
    pub signatures: Option<PathBuf>,
}

impl DedupArgs {
    /// Validates the flags into `options`.
    pub fn apply(&self, mut options: Options) -> Result<Options> {
        let t = self.near_threshold_or_default();
        if !(t > 0.0 && t <= 1.0) {
            return Err(Error::Config(format!(
                "--near-threshold must be in (0, 1], got {t}"
            )));
        }
        options.near.threshold = t;
        options.near.exact_only = self.exact_only;
        options.remove_boilerplate = self.remove_boilerplate;
        Ok(options)
    }
}

impl DedupArgs {
    /// `--near-threshold`, or its default.
    pub fn near_threshold_or_default(&self) -> f64 {
        self.near_threshold
            .unwrap_or(crate::stages::dedup::DEFAULT_NEAR_THRESHOLD)
    }
}

/// Parses a size: a number of bytes with an optional K, M or G (binary) suffix.
pub fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let factor: u64 = match unit
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(format!("unknown size unit in {s:?} (use K, M or G)")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("not a size: {s:?} (e.g. 100M)"))?;
    n.checked_mul(factor)
        .ok_or_else(|| format!("size too large: {s:?}"))
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (or fix).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// Also check (or fix) hidden files and directories.
    #[arg(long)]
    pub hidden: bool,
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Files or directories to examine.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// One JSON object per file instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also examine hidden files and directories.
    #[arg(long)]
    pub hidden: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The file to explain (`-` for stdin).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// Resolves `--jobs`: the given count, or every core.
pub fn jobs(requested: Option<usize>) -> Result<usize> {
    match requested {
        Some(0) => Err(Error::Config("--jobs must be at least 1".into())),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, usize::from)),
    }
}

/// True when the only input is `-`.
pub fn is_stdin(inputs: &[PathBuf]) -> bool {
    inputs.len() == 1 && inputs[0].as_os_str() == "-"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(skip: &[&str]) -> PipelineArgs {
        PipelineArgs {
            skip: skip.iter().map(|s| s.to_string()).collect(),
            keep_repeats: false,
            convert: None,
        }
    }

    #[test]
    fn skip_names_are_validated() {
        let o = args(&["repair", "layout"]).options().unwrap();
        assert!(!o.runs(Stage::Repair));
        assert!(o.runs(Stage::Normalize));
        assert!(args(&["decode"]).options().is_err());
        assert!(args(&["nope"]).options().is_err());
    }

    #[test]
    fn cli_parses_comma_separated_skip() {
        let cli = Cli::try_parse_from([
            "canon",
            "clean",
            "a",
            "--out",
            "o",
            "--skip",
            "repair,dedup",
        ])
        .unwrap();
        let Command::Clean(c) = cli.command else {
            panic!()
        };
        assert_eq!(c.pipeline.skip, vec!["repair", "dedup"]);
    }

    #[test]
    fn dedup_flags_are_validated() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["canon", "clean", "a", "--out", "o"];
            argv.extend_from_slice(extra);
            let Command::Clean(c) = Cli::try_parse_from(argv).unwrap().command else {
                panic!()
            };
            c.dedup.apply(c.pipeline.options().unwrap())
        };
        let o = parse(&[]).unwrap();
        assert_eq!(o.near.threshold, 0.8);
        assert!(!o.near.exact_only && !o.remove_boilerplate && !o.keep_repeats);
        let o = parse(&[
            "--near-threshold",
            "0.6",
            "--exact-only",
            "--remove-boilerplate",
            "--keep-repeats",
        ])
        .unwrap();
        assert_eq!(o.near.threshold, 0.6);
        assert!(o.near.exact_only && o.remove_boilerplate && o.keep_repeats);
        assert!(parse(&["--near-threshold", "0"]).is_err());
        assert!(parse(&["--near-threshold", "1.5"]).is_err());
    }

    #[test]
    fn convert_config_is_validated() {
        let mut a = args(&[]);
        assert_eq!(a.options().unwrap().converter.config(), ConvertConfig::T2s);
        a.convert = Some("tw2sp".into());
        assert_eq!(
            a.options().unwrap().converter.config(),
            ConvertConfig::Tw2sp
        );
        a.convert = Some("t2jp".into());
        assert!(a.options().is_err());
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("M").is_err());
    }

    #[test]
    fn zero_jobs_is_rejected() {
        assert!(jobs(Some(0)).is_err());
        assert_eq!(jobs(Some(3)).unwrap(), 3);
    }
}

//! The commands behind the command line. Each returns the process exit code:
//! 0 ok, 1 `check` found drift, 2 some inputs failed (the rest still ran).

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde::Serialize;

use crate::cli::{self, CheckArgs, CleanArgs, Cli, Command, DetectArgs, ExplainArgs};
use crate::corpus::{self, CleanConfig, Summary, display_path};
use crate::error::{Error, Result};
use crate::manifest::{Entry, Script, Status};
use crate::pipeline::{self, Options, Outcome};
use crate::records::{self, InputFormat};
use crate::stages::convert::Converter;
use crate::stages::decode::{self, DecodeReport, Decoded};
use crate::walk::{self, Item, Problem, WalkOptions};

/// Exit code: everything went well.
pub const EXIT_OK: u8 = 0;
/// Exit code: `check` found files that are not canonical.
pub const EXIT_DRIFT: u8 = 1;
/// Exit code: at least one input failed, or the command could not run.
pub const EXIT_FAILED: u8 = 2;
/// Exit code: interrupted by a signal (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Clean(args) => clean(args),
        Command::Check(args) => check(args),
        Command::Detect(args) => detect(args),
        Command::Explain(args) => explain(args),
    }
}

fn clean(args: CleanArgs) -> Result<u8> {
    let options = args.dedup.apply(args.pipeline.options()?)?;
    let records = args.records.config()?;
    if cli::is_stdin(&args.inputs) {
        if records.all_shards {
            let summary = records::run::clean_stdin(&options, &records, cli::jobs(args.jobs)?)?;
            eprintln!("{}", summary.line());
            return Ok(if summary.failed() {
                EXIT_FAILED
            } else {
                EXIT_OK
            });
        }
        return clean_stdin(&options);
    }
    if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::Config(
            "`-` (stdin) cannot be combined with other inputs".into(),
        ));
    }
    let Some(out) = args.out else {
        return Err(Error::Config(
            "--out <DIR> is required when cleaning files".into(),
        ));
    };
    let config = CleanConfig {
        inputs: args.inputs,
        out,
        options,
        jobs: cli::jobs(args.jobs)?,
        hidden: args.hidden,
        duplicates_dir: args.duplicates,
        keep_duplicates: args.keep_duplicates,
        signatures: args.dedup.signatures,
        progress: !args.quiet,
        resume: args.resume,
        max_file_size: args.max_file_size,
        interrupt: Some(interrupt_flag()),
    };
    let kind = match args.records.input_format {
        InputFormat::Text => records::run::Kind::Text,
        _ => records::run::run_kind(&config, records.all_shards),
    };
    if let records::run::Kind::Mixed(n) = kind {
        eprintln!(
            "canon: note: {n} record shard(s) among text files are cleaned as text; clean them apart (or with --input-format jsonl) to clean their records"
        );
    }
    if kind == records::run::Kind::Records {
        let (entries, summary) = records::run::clean(&config, &records)?;
        for entry in &entries {
            report_problems(entry);
        }
        eprintln!("{}", summary.line());
        return Ok(if summary.failed() {
            EXIT_FAILED
        } else {
            EXIT_OK
        });
    }
    let (entries, summary) = corpus::clean(&config)?;
    for entry in &entries {
        report_problems(entry);
    }
    eprintln!("{}", summary.line());
    Ok(if summary.errors > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// A flag set on Ctrl-C or SIGTERM, so the run stops between documents and
/// keeps its work directory for `--resume` (a second signal ends the process
/// at once, through the default handler being gone: we exit on it).
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = Arc::clone(&flag);
    let installed = ctrlc::set_handler(move || {
        if handler_flag.swap(true, Ordering::SeqCst) {
            // Second signal: the user insists.
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
    if let Err(e) = installed {
        eprintln!("canon: warning: cannot handle interruption signals: {e}");
    }
    flag
}

/// Tells the user, on stderr, about a document that failed or was skipped.
fn report_problems(entry: &Entry) {
    match entry.status {
        Status::Error => eprintln!(
            "canon: {}: {}",
            entry.path,
            entry.error.as_deref().unwrap_or("failed")
        ),
        Status::Skipped => eprintln!(
            "canon: {}: skipped: {}",
            entry.path,
            entry.warnings.join("; ")
        ),
        Status::Ok | Status::Duplicate => {
            for w in &entry.warnings {
                eprintln!("canon: {}: warning: {w}", entry.path);
            }
        }
    }
}

fn clean_stdin(options: &Options) -> Result<u8> {
    let started = Instant::now();
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("<stdin>", e))?;
    let mut summary = Summary {
        files: 1,
        bytes_in: bytes.len() as u64,
        ..Summary::default()
    };
    let code = match pipeline::clean_bytes(&bytes, options) {
        Outcome::Binary(kind) => {
            eprintln!("canon: <stdin>: {kind}: not cleaned");
            summary.skipped = 1;
            EXIT_FAILED
        }
        Outcome::Text(cleaned) => {
            let mut entry = Entry::new("<stdin>".into(), None, bytes.len() as u64);
            entry.record_cleaning(&cleaned.decode, &cleaned.changes);
            entry.script = cleaned.script;
            report_problems(&entry);
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(cleaned.text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io("<stdout>", e))?;
            summary.ok = 1;
            summary.bytes_out = cleaned.text.len() as u64;
            EXIT_OK
        }
    };
    summary.elapsed = started.elapsed();
    eprintln!("{}", summary.line());
    Ok(code)
}

fn walk_options(hidden: bool) -> WalkOptions {
    WalkOptions {
        exclude: Vec::new(),
        hidden,
    }
}

/// Reads an item's bytes, or says why not (for the commands that do not
/// keep a manifest).
fn read_item(item: &Item) -> std::result::Result<Vec<u8>, (bool, String)> {
    match &item.problem {
        Some(Problem::Skip(reason)) => Err((false, reason.clone())),
        Some(Problem::Error(message)) => Err((true, message.clone())),
        None => fs::read(&item.source).map_err(|e| (true, format!("cannot read: {e}"))),
    }
}

fn check(args: CheckArgs) -> Result<u8> {
    let options = args.pipeline.options()?;
    let items = walk::collect(&args.paths, &walk_options(args.hidden));
    let mut stdout = io::stdout().lock();
    let (mut drifted, mut failed, mut checked) = (0usize, 0usize, 0usize);
    for item in &items {
        let shown = item.source.display();
        let bytes = match read_item(item) {
            Ok(bytes) => bytes,
            Err((is_error, message)) => {
                if is_error {
                    failed += 1;
                    eprintln!("canon: {shown}: {message}");
                } else {
                    eprintln!("canon: {shown}: skipped: {message}");
                }
                continue;
            }
        };
        let (decoded, report) = match decode::decode(&bytes) {
            Decoded::Binary(kind) => {
                eprintln!("canon: {shown}: skipped: {kind}");
                continue;
            }
            Decoded::Text { text, report } => (text, report),
        };
        checked += 1;
        // The same path `clean` takes, so "canonical" means "clean would not
        // change it".
        let cleaned = match pipeline::clean_bytes(&bytes, &options) {
            Outcome::Text(c) => c.text,
            Outcome::Binary(_) => continue,
        };
        if cleaned.as_bytes() == bytes.as_slice() {
            continue;
        }
        drifted += 1;
        let diff = unified_diff(&decoded, &cleaned, &item.source);
        let mut text = String::new();
        if report.encoding != "UTF-8" || report.bom {
            let _ = writeln!(
                text,
                "{shown}: would be re-encoded from {}{} to UTF-8",
                report.encoding,
                if report.bom { " with BOM" } else { "" }
            );
        }
        text.push_str(&diff);
        stdout
            .write_all(text.as_bytes())
            .map_err(|e| Error::io("<stdout>", e))?;
    }
    stdout.flush().map_err(|e| Error::io("<stdout>", e))?;
    if drifted > 0 {
        eprintln!(
            "canon check: {drifted} of {checked} files are not canonical; \
             `canon clean <PATH>... --out <DIR>` writes their canonical form"
        );
    } else {
        eprintln!("canon check: {checked} files are canonical");
    }
    Ok(if failed > 0 {
        EXIT_FAILED
    } else if drifted > 0 {
        EXIT_DRIFT
    } else {
        EXIT_OK
    })
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

/// One line of `canon detect --json`.
#[derive(Debug, Serialize)]
struct Detection<'a> {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<String>,
    encoding: Option<&'static str>,
    confidence: Option<f64>,
    script: Script,
    #[serde(skip_serializing_if = "Option::is_none")]
    decode: Option<&'a DecodeReport>,
    binary: Option<String>,
    error: Option<String>,
}

fn detect(args: DetectArgs) -> Result<u8> {
    let items = walk::collect(&args.files, &walk_options(args.hidden));
    let mut stdout = io::stdout().lock();
    let mut failed = 0;
    let converter = Converter::default();
    for item in &items {
        let (path, path_bytes) = display_path(&item.source);
        let mut d = Detection {
            path,
            path_bytes,
            encoding: None,
            confidence: None,
            script: Script::None,
            decode: None,
            binary: None,
            error: None,
        };
        let report;
        match read_item(item) {
            Err((is_error, message)) => {
                failed += usize::from(is_error);
                d.error = Some(message);
            }
            Ok(bytes) => match decode::decode(&bytes) {
                Decoded::Binary(kind) => d.binary = Some(kind.to_string()),
                Decoded::Text { text, report: r } => {
                    d.script = converter.detect(&text);
                    report = r;
                    d.encoding = Some(report.encoding);
                    d.confidence = Some(report.confidence);
                    d.decode = Some(&report);
                }
            },
        }
        let line = if args.json {
            serde_json::to_string(&d).expect("detections always serialize")
        } else {
            detection_row(&d)
        };
        writeln!(stdout, "{line}").map_err(|e| Error::io("<stdout>", e))?;
    }
    Ok(if failed > 0 { EXIT_FAILED } else { EXIT_OK })
}

fn detection_row(d: &Detection<'_>) -> String {
    let what = match (&d.encoding, &d.binary, &d.error) {
        (Some(encoding), _, _) => format!(
            "{encoding:<12} {:.3}  {:<11}",
            d.confidence.unwrap_or(0.0),
            d.script.name()
        ),
        (None, Some(binary), _) => format!("{:<12} -      {binary}", "binary"),
        (None, None, Some(error)) => format!("{:<12} -      {error}", "error"),
        (None, None, None) => "unknown".to_string(),
    };
    format!("{what}  {}", d.path)
}

fn explain(args: ExplainArgs) -> Result<u8> {
    let options = args.pipeline.options()?;
    let (shown, bytes) = if args.file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("<stdin>", e))?;
        ("<stdin>".to_string(), bytes)
    } else {
        let bytes = fs::read(&args.file).map_err(|e| Error::io(&args.file, e))?;
        (args.file.display().to_string(), bytes)
    };
    let text = explain_text(&shown, &bytes, &options);
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(EXIT_OK)
}

/// The text `canon explain` prints for one document.
pub fn explain_text(shown: &str, bytes: &[u8], options: &Options) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{shown}: {} bytes", bytes.len());
    let (decoded, report) = match decode::decode(bytes) {
        Decoded::Binary(kind) => {
            let _ = writeln!(out, "decode: {kind}; nothing else would run");
            return out;
        }
        Decoded::Text { text, report } => (text, report),
    };
    let _ = write!(
        out,
        "decode: {} (confidence {:.3}, by {})",
        report.encoding,
        report.confidence,
        serde_json::to_value(report.method)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    );
    if let Some(score) = report.score {
        let _ = write!(out, ", frequency score {score:.3}");
    }
    if let Some(r) = &report.runner_up {
        let _ = write!(out, ", runner-up {} {:.3}", r.encoding, r.score);
    }
    if report.bom {
        out.push_str(", BOM removed");
    }
    let _ = writeln!(out, ", {} replacement(s)", report.replacements);
    let (_, changes) = pipeline::clean_text(&decoded, options);
    if changes.is_empty() {
        out.push_str("no stage changed anything\n");
    }
    for summary in &changes {
        let _ = writeln!(out, "{}:", summary.stage);
        for edit in &summary.edits {
            let _ = writeln!(out, "  {} ×{}", edit.kind, edit.count);
            for s in &edit.samples {
                let _ = writeln!(out, "    line {}: {:?} → {:?}", s.line, s.before, s.after);
            }
        }
    }
    out
}

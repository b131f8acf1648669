//! The commands behind the command line. Each returns the process exit code:
//! 0 ok, 1 `check` found drift, 2 some inputs failed (the rest still ran).

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::CommandFactory;
use serde::Serialize;

use crate::cli::{self, CheckArgs, CleanArgs, Cli, Command, DetectArgs, ExplainArgs};
use crate::config;
use crate::console::{Console, Verbosity};
use crate::corpus::{self, CleanConfig, Summary, display_path};
use crate::error::{Error, Result};
use crate::fix;
use crate::manifest::{Entry, MANIFEST_NAME, Script};
use crate::pipeline::{self, Options, Outcome};
use crate::records::{self, InputFormat};
use crate::report;
use crate::run_record::{self, RunRecord};
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
        Command::Clean(args) => clean(*args),
        Command::Check(args) => check_or_fix(fix::Mode::Check, args),
        Command::Fix(args) => check_or_fix(fix::Mode::Fix, args),
        Command::Detect(args) => detect(args),
        Command::Explain(args) => explain(args),
        Command::Report(args) => {
            let path = report::write_report(&args.dir)?;
            eprintln!("canon: wrote {}", path.display());
            Ok(EXIT_OK)
        }
        Command::Completions(args) => {
            let mut stdout = io::stdout().lock();
            clap_complete::generate(args.shell, &mut Cli::command(), "canon", &mut stdout);
            stdout.flush().map_err(|e| Error::io("<stdout>", e))?;
            Ok(EXIT_OK)
        }
        Command::Man(args) => {
            let (page, title) = man_page(args.command.as_deref())?;
            let mut stdout = io::stdout().lock();
            clap_mangen::Man::new(page)
                .title(title)
                .render(&mut stdout)
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io("<stdout>", e))?;
            Ok(EXIT_OK)
        }
    }
}

fn clean(args: CleanArgs) -> Result<u8> {
    let (args, config_file) = config::resolve(args)?;
    let record = RunRecord::start(config::effective(&args), config_file);
    let options = args.dedup.apply(args.pipeline.options()?)?;
    let verbosity = Verbosity::from_flags(args.quiet, args.verbose);
    let records = args.records.config()?;
    if cli::is_stdin(&args.inputs) {
        if records.all_shards {
            let summary = records::run::clean_stdin(&options, &records, cli::jobs(args.jobs)?)?;
            if verbosity != Verbosity::Quiet {
                eprintln!("{}", summary.line());
            }
            return Ok(if summary.failed() {
                EXIT_FAILED
            } else {
                EXIT_OK
            });
        }
        return clean_stdin(&options, verbosity);
    }
    if args.inputs.is_empty() {
        return Err(Error::Config(
            "no inputs: name files or directories (or `inputs` in canon.toml)".into(),
        ));
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
        max_file_size: args.max_file_size.unwrap_or(corpus::DEFAULT_MAX_FILE_SIZE),
        interrupt: Some(interrupt_flag()),
    };
    let kind = match args.records.input_format() {
        InputFormat::Text => records::run::Kind::Text,
        InputFormat::Mixed => records::run::Kind::Records,
        _ => records::run::run_kind(&config, records.all_shards),
    };
    if let records::run::Kind::Mixed(n) = kind
        && verbosity != Verbosity::Quiet
    {
        eprintln!(
            "canon: note: {n} record shard(s) among text files are cleaned as text; --input-format mixed cleans their records with the text files in one run"
        );
    }
    let console = Console::new(verbosity);
    if kind == records::run::Kind::Records {
        let (entries, summary) = records::run::recorded(&config, &records, record)?;
        console.report_run(&entries, &summary.line(), &config.out.join(MANIFEST_NAME));
        return Ok(if summary.failed() {
            EXIT_FAILED
        } else {
            EXIT_OK
        });
    }
    let (entries, summary) = run_record::recorded(&config, record, corpus::clean)?;
    console.report_run(&entries, &summary.line(), &config.out.join(MANIFEST_NAME));
    if args.report {
        report::write_report(&config.out)?;
    }
    Ok(if summary.errors > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// The clap command a man page describes and its title: canon, or one of
/// its commands, titled `canon-<command>` as the main page's list refers to
/// it.
fn man_page(command: Option<&str>) -> Result<(clap::Command, String)> {
    let canon = Cli::command();
    let Some(name) = command else {
        return Ok((canon, "canon".into()));
    };
    let found = canon.find_subcommand(name).cloned().ok_or_else(|| {
        let known: Vec<&str> = canon.get_subcommands().map(|c| c.get_name()).collect();
        Error::Config(format!(
            "no command {name:?} (expected one of {})",
            known.join(", ")
        ))
    })?;
    Ok((
        found
            .version(env!("CARGO_PKG_VERSION"))
            .bin_name(format!("canon {name}")),
        format!("canon-{name}"),
    ))
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

/// One document from stdin to stdout. Its warnings are printed (there is no
/// manifest to hold them) unless `--quiet`.
fn clean_stdin(options: &Options, verbosity: Verbosity) -> Result<u8> {
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
            if verbosity != Verbosity::Quiet {
                let console = Console::new(Verbosity::Verbose);
                for line in console.document_lines(&entry) {
                    eprintln!("{line}");
                }
            }
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
    if verbosity != Verbosity::Quiet {
        eprintln!("{}", summary.line());
    }
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

/// `check` or `fix`, with the per-document options of `./canon.toml` when
/// there is one, so they judge a file as `clean` would.
fn check_or_fix(mode: fix::Mode, mut args: CheckArgs) -> Result<u8> {
    if let Some((_, file)) = config::load(None)? {
        config::fill_pipeline(&mut args.pipeline, &file.clean);
    }
    let options = args.pipeline.options()?;
    fix::run(
        mode,
        &args.paths,
        args.hidden,
        &options,
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    )
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

//! What `canon clean` says on stderr while and after it runs: errors always,
//! per-document warnings only with `--verbose` (otherwise counted by kind in
//! the summary, which points to the manifest), nothing but errors with
//! `--quiet`. Colour only on a terminal and never when `NO_COLOR` is set.
//!
//! Example: 276 documents each warned `N lost span(s) left as U+FFFD`; a
//! default run prints, instead of 276 lines, the summary and one line
//! `canon: warnings: 276 documents with lost spans left as U+FFFD; see
//! out/manifest.jsonl (field "warnings"), or run with --verbose`.
//!
//! Limits: warnings are grouped by the words they start with (see
//! [`WARNING_KINDS`]); a warning of a kind not listed there is its own
//! kind, digits removed.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;

use crate::manifest::{Entry, Status};

/// How much a run prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Errors, the summary and warning counts.
    Normal,
    /// Also every document's warnings and skips.
    Verbose,
}

impl Verbosity {
    /// From the `--quiet` and `--verbose` flags (clap keeps them apart).
    pub fn from_flags(quiet: bool, verbose: bool) -> Verbosity {
        match (quiet, verbose) {
            (true, _) => Verbosity::Quiet,
            (false, true) => Verbosity::Verbose,
            (false, false) => Verbosity::Normal,
        }
    }
}

/// Warning kinds by what their text contains, with the name the summary
/// gives them; the manifest builds these warnings (`Entry::record_cleaning`).
pub const WARNING_KINDS: &[(&str, &str)] = &[
    (
        "malformed byte sequence",
        "malformed bytes replaced by U+FFFD",
    ),
    ("mixed encodings", "mixed encodings"),
    ("low confidence", "low encoding confidence"),
    ("lost span", "lost spans left as U+FFFD"),
    ("misaligned double-byte", "misaligned double-byte runs"),
    ("private-use", "private-use characters left in place"),
    ("is not in the output", "survivor not written"),
];

/// The kind of a warning (see [`WARNING_KINDS`]).
pub fn warning_kind(warning: &str) -> String {
    match WARNING_KINDS.iter().find(|(key, _)| warning.contains(key)) {
        Some((_, name)) => (*name).to_string(),
        None => {
            let words: Vec<&str> = warning
                .split_whitespace()
                .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
                .collect();
            words.join(" ")
        }
    }
}

/// For each warning kind, how many documents (cleaned or duplicates) have
/// it; most frequent first, ties by name.
pub fn warning_counts(entries: &[Entry]) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in entries {
        if !matches!(e.status, Status::Ok | Status::Duplicate) {
            continue;
        }
        let mut kinds: Vec<String> = e.warnings.iter().map(|w| warning_kind(w)).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            *counts.entry(kind).or_default() += 1;
        }
    }
    let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
}

/// The summary's warnings line, when there are warnings.
pub fn warnings_line(counts: &[(String, usize)], manifest: &Path) -> Option<String> {
    if counts.is_empty() {
        return None;
    }
    let parts: Vec<String> = counts
        .iter()
        .enumerate()
        .map(|(i, (kind, n))| {
            let documents = match (i, *n) {
                (0, 1) => " document",
                (0, _) => " documents",
                _ => "",
            };
            format!("{n}{documents} with {kind}")
        })
        .collect();
    Some(format!(
        "warnings: {}; see {} (field \"warnings\"), or run with --verbose",
        parts.join(", "),
        manifest.display()
    ))
}

/// Whether to colour stderr: a terminal, and no `NO_COLOR` (see
/// no-color.org: set and not empty).
pub fn colour_stderr() -> bool {
    colour_allowed(std::env::var_os("NO_COLOR").as_deref(), || {
        std::io::stderr().is_terminal()
    })
}

fn colour_allowed(no_color: Option<&std::ffi::OsStr>, is_terminal: impl Fn() -> bool) -> bool {
    no_color.is_none_or(|v| v.is_empty()) && is_terminal()
}

/// stderr for one run, at one verbosity.
#[derive(Debug, Clone, Copy)]
pub struct Console {
    pub verbosity: Verbosity,
    pub colour: bool,
}

/// ANSI: bold red, yellow, reset.
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

impl Console {
    /// A console for `verbosity`, coloured when [`colour_stderr`] says so.
    pub fn new(verbosity: Verbosity) -> Console {
        Console {
            verbosity,
            colour: colour_stderr(),
        }
    }

    fn paint(&self, colour: &str, word: &str) -> String {
        if self.colour {
            format!("{colour}{word}{RESET}")
        } else {
            word.to_string()
        }
    }

    /// The lines to print about one document: its error always, its skip
    /// reason and warnings only when verbose.
    pub fn document_lines(&self, entry: &Entry) -> Vec<String> {
        let verbose = self.verbosity == Verbosity::Verbose;
        match entry.status {
            Status::Error => vec![format!(
                "canon: {}: {}: {}",
                entry.path,
                self.paint(RED, "error"),
                entry.error.as_deref().unwrap_or("failed")
            )],
            Status::Skipped if verbose => vec![format!(
                "canon: {}: skipped: {}",
                entry.path,
                entry.warnings.join("; ")
            )],
            Status::Ok | Status::Duplicate if verbose => entry
                .warnings
                .iter()
                .map(|w| {
                    format!(
                        "canon: {}: {}: {w}",
                        entry.path,
                        self.paint(YELLOW, "warning")
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Prints what a finished run should say: per-document lines, then
    /// (unless quiet) the warning counts and the summary.
    pub fn report_run(&self, entries: &[Entry], summary: &str, manifest: &Path) {
        for entry in entries {
            for line in self.document_lines(entry) {
                eprintln!("{line}");
            }
        }
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        // The summary stays the last line, where scripts and eyes look.
        if let Some(line) = warnings_line(&warning_counts(entries), manifest) {
            eprintln!(
                "canon: {}",
                line.replacen("warnings", &self.paint(YELLOW, "warnings"), 1)
            );
        }
        eprintln!("{summary}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, warnings: &[&str]) -> Entry {
        let mut e = Entry::new(path.into(), None, 1);
        e.warnings = warnings.iter().map(|w| w.to_string()).collect();
        e
    }

    #[test]
    fn warnings_are_counted_per_document_and_kind() {
        let entries = vec![
            entry(
                "a",
                &[
                    "2 lost span(s) left as U+FFFD",
                    "low confidence (0.31) in encoding GBK",
                ],
            ),
            entry("b", &["7 lost span(s) left as U+FFFD"]),
            entry("c", &[]),
            entry("d", &["something new: 3 things"]),
        ];
        let counts = warning_counts(&entries);
        assert_eq!(
            counts,
            vec![
                ("lost spans left as U+FFFD".to_string(), 2),
                ("low encoding confidence".to_string(), 1),
                ("something new: things".to_string(), 1),
            ]
        );
        let line = warnings_line(&counts, Path::new("out/manifest.jsonl")).unwrap();
        assert!(
            line.starts_with("warnings: 2 documents with lost spans left as U+FFFD, 1 with low"),
            "{line}"
        );
        assert!(line.contains("out/manifest.jsonl"), "{line}");
        assert_eq!(warnings_line(&[], Path::new("m")), None);
    }

    #[test]
    fn skipped_documents_are_not_counted_as_warnings() {
        let mut e = entry("x.png", &[]);
        e.skip("binary (PNG image)".into());
        assert!(warning_counts(&[e]).is_empty());
    }

    #[test]
    fn warnings_print_only_when_verbose_and_errors_always() {
        let warned = entry("a", &["2 lost span(s) left as U+FFFD"]);
        let mut failed = entry("b", &[]);
        failed.fail("cannot read: gone".into());
        for verbosity in [Verbosity::Quiet, Verbosity::Normal, Verbosity::Verbose] {
            let c = Console {
                verbosity,
                colour: false,
            };
            assert_eq!(
                c.document_lines(&warned).len(),
                usize::from(verbosity == Verbosity::Verbose)
            );
            assert_eq!(
                c.document_lines(&failed),
                vec!["canon: b: error: cannot read: gone"]
            );
        }
    }

    #[test]
    fn colour_needs_a_terminal_and_no_no_color() {
        use std::ffi::OsStr;
        assert!(colour_allowed(None, || true));
        assert!(!colour_allowed(None, || false));
        assert!(!colour_allowed(Some(OsStr::new("1")), || true));
        // An empty NO_COLOR does not count, as no-color.org says.
        assert!(colour_allowed(Some(OsStr::new("")), || true));
        let c = Console {
            verbosity: Verbosity::Verbose,
            colour: true,
        };
        let lines = c.document_lines(&entry("a", &["1 lost span(s) left as U+FFFD"]));
        assert!(lines[0].contains("\x1b[33mwarning\x1b[0m"), "{lines:?}");
    }
}

//! `canon report DIR`: one self-contained HTML page (`DIR/report.html`, no
//! scripts, no network) that shows what a run did, read from its
//! `manifest.jsonl`, its `clusters.jsonl` when there is one, its `run.json`
//! when there is one, and its output files (for excerpts and boilerplate).
//!
//! Example: after `canon clean raw --out corpus`, `canon report corpus`
//! writes `corpus/report.html` with the totals (5 files, 4 ok, 1
//! duplicate…), encodings and scripts as bar charts, edits per stage and
//! kind, the documents with lost characters and an excerpt around each
//! U+FFFD, the largest duplicate clusters, the boilerplate lines and the
//! run's time per stage (from `run.json`).
//!
//! Limits: stage times are summed thread time, not wall time per stage;
//! boilerplate lines removed with `--remove-boilerplate` are counted but can
//! no longer be quoted; lists are cut at [`MAX_ROWS`] rows (the page says
//! how many were left out).

mod html;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;

use serde::Deserialize;

use crate::console::warning_kind;
use crate::corpus::write_atomically;
use crate::error::{Error, Result};
use crate::manifest::{Entry, MANIFEST_NAME, Status};
use crate::run_record::{self, RunRecord};
use crate::stages::dedup;

/// File name of the report inside `--out`.
pub const REPORT_NAME: &str = "report.html";

pub use crate::clusters::CLUSTERS_NAME;

/// Rows per table: a page someone reads, not a dump (the manifest is that).
pub const MAX_ROWS: usize = 50;

/// Characters of context shown on each side of a lost character.
const EXCERPT_CONTEXT: usize = 24;

/// Excerpts shown per document: enough to see the damage's kind.
const EXCERPTS_PER_DOCUMENT: usize = 3;

/// Warning kinds that mean characters were lost or left unrepaired.
const DAMAGE_KINDS: &[&str] = &[
    "malformed bytes replaced by U+FFFD",
    "lost spans left as U+FFFD",
    "misaligned double-byte runs",
    "private-use characters left in place",
];

/// One line of `clusters.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct ClusterLine {
    pub survivor: String,
    pub members: Vec<ClusterMember>,
}

/// A duplicate in a cluster.
#[derive(Debug, Clone, Deserialize)]
pub struct ClusterMember {
    pub path: String,
    pub similarity: Option<f64>,
    pub rule: Option<String>,
}

/// A document with lost or unrepaired characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Damaged {
    pub path: String,
    pub warnings: Vec<String>,
    pub excerpts: Vec<String>,
}

/// A boilerplate line and the number of documents it heads or tails.
#[derive(Debug, Clone, PartialEq)]
pub struct BoilerplateLine {
    pub line: String,
    pub documents: usize,
}

/// Everything the page shows, computed before any HTML is written.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    pub files: usize,
    pub by_status: BTreeMap<&'static str, usize>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub encodings: Vec<(String, usize)>,
    pub scripts: Vec<(String, usize)>,
    /// (stage, kind) → total count.
    pub edits: Vec<((String, String), u64)>,
    pub warnings: Vec<(String, usize)>,
    pub damaged: Vec<Damaged>,
    pub damaged_total: usize,
    /// Largest first: (survivor, members).
    pub clusters: Vec<ClusterLine>,
    pub clusters_total: usize,
    /// Where the clusters came from: `clusters.jsonl` or the manifest.
    pub clusters_source: &'static str,
    pub boilerplate: Vec<BoilerplateLine>,
    /// Boilerplate lines counted in the manifest (found or removed).
    pub boilerplate_counted: u64,
    pub run: Option<RunRecord>,
}

/// Reads the run in `dir` and writes `dir/report.html`; returns its path.
pub fn write_report(dir: &Path) -> Result<std::path::PathBuf> {
    let data = gather(dir)?;
    let page = html::render(&data);
    let path = dir.join(REPORT_NAME);
    write_atomically(&path, page.as_bytes())?;
    Ok(path)
}

/// Reads the manifest (required), clusters and run record (optional) and
/// the outputs of `dir`.
pub fn gather(dir: &Path) -> Result<ReportData> {
    let manifest_path = dir.join(MANIFEST_NAME);
    let text = fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let entry: Entry = serde_json::from_str(line)
            .map_err(|e| Error::Config(format!("{}:{}: {e}", manifest_path.display(), i + 1)))?;
        entries.push(entry);
    }
    let clusters = read_clusters(dir)?;
    let mut data = summarize(&entries, clusters);
    data.damaged = damaged_documents(dir, &entries, &mut data.damaged_total);
    data.boilerplate = boilerplate_lines(dir, &entries);
    data.run = run_record::read(dir).ok().flatten();
    Ok(data)
}

fn read_clusters(dir: &Path) -> Result<Option<Vec<ClusterLine>>> {
    let path = dir.join(CLUSTERS_NAME);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
    };
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line)
                .map_err(|e| Error::Config(format!("{}:{}: {e}", path.display(), i + 1)))
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Counts by key, largest first, ties by key.
fn ranked<K: Ord + Clone>(counts: BTreeMap<K, usize>) -> Vec<(K, usize)> {
    let mut v: Vec<(K, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The manifest's numbers (no file is read).
pub fn summarize(entries: &[Entry], clusters: Option<Vec<ClusterLine>>) -> ReportData {
    let mut data = ReportData {
        files: entries.len(),
        ..ReportData::default()
    };
    let (mut encodings, mut scripts) = (BTreeMap::new(), BTreeMap::new());
    let mut edits: BTreeMap<(String, String), u64> = BTreeMap::new();
    for e in entries {
        *data.by_status.entry(status_name(e.status)).or_default() += 1;
        data.bytes_in += e.bytes_in;
        data.bytes_out += e.bytes_out;
        if let Some(enc) = &e.encoding {
            *encodings.entry(enc.clone()).or_default() += 1;
            *scripts.entry(e.script.name().to_string()).or_default() += 1;
        }
        for (stage, kinds) in &e.changes {
            for (kind, n) in kinds {
                *edits.entry((stage.clone(), kind.clone())).or_default() += n;
                if stage == "dedup" && kind.starts_with("boilerplate_") {
                    data.boilerplate_counted += n;
                }
            }
        }
    }
    data.encodings = ranked(encodings);
    data.scripts = ranked(scripts);
    data.edits = edits.into_iter().collect();
    data.warnings = crate::console::warning_counts(entries);
    let (mut clusters, source) = match clusters {
        Some(c) => (c, CLUSTERS_NAME),
        None => (clusters_from_manifest(entries), MANIFEST_NAME),
    };
    clusters.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then_with(|| a.survivor.cmp(&b.survivor))
    });
    data.clusters_total = clusters.len();
    clusters.truncate(MAX_ROWS);
    data.clusters = clusters;
    data.clusters_source = source;
    data
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Duplicate => "duplicate",
        Status::Skipped => "skipped",
        Status::Error => "error",
    }
}

/// Clusters from `duplicate_of`, when the run wrote no `clusters.jsonl`:
/// the rule is the dedup edit the manifest records (exact, normalized,
/// near).
fn clusters_from_manifest(entries: &[Entry]) -> Vec<ClusterLine> {
    let mut by_survivor: BTreeMap<&str, Vec<ClusterMember>> = BTreeMap::new();
    for e in entries {
        let Some(of) = &e.duplicate_of else { continue };
        let rule = e.changes.get("dedup").and_then(|kinds| {
            ["exact", "normalized", "near"]
                .into_iter()
                .find(|k| kinds.contains_key(*k))
                .map(str::to_string)
        });
        by_survivor.entry(of).or_default().push(ClusterMember {
            path: e.path.clone(),
            similarity: e.similarity,
            rule,
        });
    }
    by_survivor
        .into_iter()
        .map(|(survivor, members)| ClusterLine {
            survivor: survivor.to_string(),
            members,
        })
        .collect()
}

/// The documents whose warnings say characters were lost or left
/// unrepaired, with excerpts around each U+FFFD or private-use character
/// of their output.
fn damaged_documents(dir: &Path, entries: &[Entry], total: &mut usize) -> Vec<Damaged> {
    let mut out = Vec::new();
    for e in entries {
        let warnings: Vec<String> = e
            .warnings
            .iter()
            .filter(|w| DAMAGE_KINDS.contains(&warning_kind(w).as_str()))
            .cloned()
            .collect();
        if warnings.is_empty() || !matches!(e.status, Status::Ok | Status::Duplicate) {
            continue;
        }
        *total += 1;
        if out.len() >= MAX_ROWS {
            continue;
        }
        let excerpts = e
            .output
            .as_ref()
            .and_then(|o| fs::read_to_string(dir.join(o)).ok())
            .map(|text| excerpts(&text))
            .unwrap_or_default();
        out.push(Damaged {
            path: e.path.clone(),
            warnings,
            excerpts,
        });
    }
    out
}

fn is_damage(c: char) -> bool {
    c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// Up to [`EXCERPTS_PER_DOCUMENT`] excerpts of `text` around damaged
/// characters, on one line each.
pub fn excerpts(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut next_free = 0;
    for (i, &c) in chars.iter().enumerate() {
        if out.len() >= EXCERPTS_PER_DOCUMENT {
            break;
        }
        if !is_damage(c) || i < next_free {
            continue;
        }
        let start = i.saturating_sub(EXCERPT_CONTEXT);
        let end = (i + EXCERPT_CONTEXT + 1).min(chars.len());
        let piece: String = chars[start..end]
            .iter()
            .map(|&c| if c == '\n' { '⏎' } else { c })
            .collect();
        out.push(piece);
        next_free = end;
    }
    out
}

/// The boilerplate lines still in the outputs, by the number of documents
/// they head or tail (the dedup stage's own rule, over the surviving
/// outputs).
fn boilerplate_lines(dir: &Path, entries: &[Entry]) -> Vec<BoilerplateLine> {
    if !entries.iter().any(|e| {
        e.changes
            .get("dedup")
            .is_some_and(|k| k.contains_key("boilerplate_found"))
    }) {
        return Vec::new();
    }
    let texts: Vec<String> = entries
        .iter()
        .filter(|e| e.status == Status::Ok)
        .filter_map(|e| fs::read_to_string(dir.join(e.output.as_ref()?)).ok())
        .collect();
    let candidates: Vec<Vec<u64>> = texts
        .iter()
        .map(|t| dedup::boilerplate_candidates(t))
        .collect();
    let per_doc: Vec<&[u64]> = candidates.iter().map(Vec::as_slice).collect();
    let lines: HashSet<u64> = dedup::boilerplate_lines(&per_doc);
    let mut counts: HashMap<u64, (usize, String, usize)> = HashMap::new();
    for text in &texts {
        let mut seen_here = HashSet::new();
        for line in dedup::find_lines(text, &lines) {
            let h = dedup::line_hash(line);
            if seen_here.insert(h) {
                let order = counts.len();
                counts
                    .entry(h)
                    .or_insert_with(|| (order, line.trim().to_string(), 0))
                    .2 += 1;
            }
        }
    }
    let mut v: Vec<(usize, String, usize)> = counts.into_values().collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    v.into_iter()
        .take(MAX_ROWS)
        .map(|(_, line, documents)| BoilerplateLine { line, documents })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, status: Status) -> Entry {
        let mut e = Entry::new(path.into(), None, 10);
        e.status = status;
        e.encoding = Some("UTF-8".into());
        e
    }

    #[test]
    fn excerpts_surround_each_lost_character_once() {
        let text = format!("{}\u{FFFD}{}\n", "前".repeat(30), "后".repeat(30));
        let ex = excerpts(&text);
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].chars().count(), 2 * EXCERPT_CONTEXT + 1);
        assert!(ex[0].contains('\u{FFFD}'));
        assert!(excerpts("完好的文本。\n").is_empty());
    }

    #[test]
    fn clusters_come_from_the_file_when_present_else_from_the_manifest() {
        let a = entry("a.txt", Status::Ok);
        let mut b = entry("b.txt", Status::Duplicate);
        b.duplicate_of = Some("a.txt".into());
        b.similarity = Some(0.91);
        b.changes
            .entry("dedup".into())
            .or_default()
            .insert("near".into(), 1);
        let entries = vec![a, b];
        let data = summarize(&entries, None);
        assert_eq!(data.clusters_source, MANIFEST_NAME);
        assert_eq!(data.clusters.len(), 1);
        assert_eq!(data.clusters[0].members[0].rule.as_deref(), Some("near"));
        assert_eq!(data.by_status["duplicate"], 1);

        let line = r#"{"survivor": "x.txt", "members": [{"path": "y.txt", "similarity": 1.0, "rule": "exact"}, {"path": "z.txt", "similarity": 0.85, "rule": "near", "matched": {"ngrams": 3}}]}"#;
        let parsed: ClusterLine = serde_json::from_str(line).unwrap();
        let data = summarize(&entries, Some(vec![parsed]));
        assert_eq!(data.clusters_source, CLUSTERS_NAME);
        assert_eq!(data.clusters[0].survivor, "x.txt");
        assert_eq!(data.clusters[0].members.len(), 2);
    }
}

//! `canon report` and `canon clean --report`: the page's numbers match the
//! manifest. The page is checked as written and, when Debian's `chromium`
//! is installed, as a real browser renders it (`--dump-dom`, headless); the
//! browser part is skipped, saying so, without it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

use common::*;

/// A small corpus with something for every section: two encodings, a
/// Traditional document, lost characters, exact and near duplicates.
fn corpus(input: &Path) {
    write(&input.join("gbk.txt"), &gbk(&format!("{SIMPLIFIED}\n")));
    write(
        &input.join("copy-gbk.txt"),
        format!("{SIMPLIFIED}\n").as_bytes(),
    );
    write(
        &input.join("tw/big5.txt"),
        &big5(&format!("{TRADITIONAL}\n")),
    );
    write(
        &input.join("lost.txt"),
        format!(
            "{}\u{FFFD}\u{FFFD}{}\n",
            SIMPLIFIED, TRADITIONAL_AS_SIMPLIFIED
        )
        .as_bytes(),
    );
    write(
        &input.join("plain.txt"),
        b"Plain English text, nothing to do.\n",
    );
}

/// The first number inside the element whose attribute is `attr` (e.g.
/// `id="total-ok"`).
fn number_at(page: &str, attr: &str) -> Option<f64> {
    let at = page.find(attr)?;
    let rest = &page[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    rest[start..end].trim().split(' ').next()?.parse().ok()
}

/// Checks the page's numbers against the manifest's.
fn assert_matches_manifest(page: &str, entries: &[Value], what: &str) {
    let count = |status: &str| entries.iter().filter(|e| e["status"] == status).count() as f64;
    assert_eq!(
        number_at(page, "id=\"total-files\""),
        Some(entries.len() as f64),
        "{what}"
    );
    for status in ["ok", "duplicate", "skipped", "error"] {
        assert_eq!(
            number_at(page, &format!("id=\"total-{status}\"")),
            Some(count(status)),
            "{what}: {status}"
        );
    }
    let mut encodings = std::collections::BTreeMap::<String, f64>::new();
    for e in entries {
        if let Some(enc) = e["encoding"].as_str() {
            *encodings.entry(enc.to_string()).or_default() += 1.0;
        }
    }
    assert!(encodings.len() >= 3, "{encodings:?}");
    for (enc, n) in &encodings {
        assert_eq!(
            number_at(page, &format!("data-encoding=\"{enc}\"")),
            Some(*n),
            "{what}: {enc}"
        );
    }
    let lost: f64 = entries
        .iter()
        .filter_map(|e| e["changes"]["repair"]["lost_bytes"].as_f64())
        .sum();
    assert!(lost > 0.0);
    assert_eq!(
        number_at(page, "data-edit=\"repair.lost_bytes\""),
        Some(lost),
        "{what}"
    );
    assert_eq!(number_at(page, "id=\"damaged-total\""), Some(1.0), "{what}");
    assert!(page.contains("lost.txt"), "{what}");
}

/// Checks `run.json`'s time per stage (every stage, none negative, no
/// more than the run's workers can spend in its wall time) and that the
/// page shows each stage's time.
fn assert_stage_times(run: &Value, page: &str, what: &str) {
    let t = &run["timings"];
    let seconds = stage_seconds(run);
    let wall = t["wall_seconds"].as_f64().unwrap();
    assert!(wall <= run["counts"]["elapsed_seconds"].as_f64().unwrap() + 0.001);
    for (name, secs) in STAGES.iter().zip(&seconds) {
        // The page shows it to the microsecond, as recorded.
        assert_eq!(
            number_at(page, &format!("data-stage-time=\"{name}\"")),
            Some(*secs),
            "{what}: {name}"
        );
    }
    assert!(
        seconds.iter().sum::<f64>() > 0.0,
        "the stages took some time: {t}"
    );
    let stages = &t["stages"];
    let parts = &t["dedup"];
    let dedup: f64 = ["repeats", "signatures", "decision"]
        .iter()
        .map(|p| parts[p].as_f64().unwrap())
        .sum();
    assert!(
        (dedup - stages["dedup"].as_f64().unwrap()).abs() < 1e-5,
        "{t}"
    );
}

/// The page as headless chromium renders it, or `None` without chromium.
fn rendered(page: &Path) -> Option<String> {
    let browser = ["chromium", "chromium-browser"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })?;
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("the DOM is UTF-8"))
}

#[test]
fn clean_report_numbers_match_the_manifest_as_written_and_as_a_browser_shows_them() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    corpus(&input);
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"--report"], None);
    assert_eq!(code, 0, "{stderr}");
    let page_path: PathBuf = out.join("report.html");
    let page = fs::read_to_string(&page_path).unwrap();
    let entries = manifest(&out);
    assert!(entries.iter().any(|e| e["status"] == "duplicate"));
    assert_matches_manifest(&page, &entries, "as written");
    let run_json: Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_stage_times(&run_json, &page, "as written");
    assert!(!page.contains("stage-times-missing"));
    // Self-contained: no script, nothing loaded from anywhere.
    for banned in ["<script", "src=", "<link", "@import", "url("] {
        assert!(!page.contains(banned), "{banned} in the page");
    }
    match rendered(&page_path) {
        Some(dom) => {
            assert!(dom.contains("canon report"), "{dom}");
            assert_matches_manifest(&dom, &entries, "as rendered");
            assert_stage_times(&run_json, &dom, "as rendered");
        }
        None => eprintln!("skipped the browser check: chromium is not installed"),
    }
}

#[test]
fn report_reads_clusters_jsonl_when_there_is_one_and_needs_a_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    corpus(&input);
    let (code, _, stderr) = run(&[&"clean", &input, &"--out", &out, &"-q"], None);
    assert_eq!(code, 0, "{stderr}");
    // The run writes its clusters; without them the report falls back on
    // the manifest's duplicate_of.
    let written = fs::read_to_string(out.join("clusters.jsonl")).unwrap();
    assert!(written.contains("gbk.txt"), "{written}");
    fs::remove_file(out.join("clusters.jsonl")).unwrap();
    let (code, _, _) = run(&[&"report", &out], None);
    assert_eq!(code, 0);
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("From manifest.jsonl"), "{page}");
    assert_eq!(number_at(&page, "data-cluster=\"gbk.txt\""), None);

    fs::write(
        out.join("clusters.jsonl"),
        concat!(
            r#"{"survivor": "plain.txt", "members": [{"path": "x.txt", "similarity": 0.9312, "rule": "near", "matched": {"ngram": 5}}, {"path": "y.txt", "similarity": 1.0, "rule": "exact"}]}"#,
            "\n",
            r#"{"survivor": "copy-gbk.txt", "members": [{"path": "gbk.txt", "similarity": 1.0, "rule": "exact"}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let (code, _, stderr) = run(&[&"report", &out], None);
    assert_eq!(code, 0, "{stderr}");
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("From clusters.jsonl"), "{page}");
    assert_eq!(number_at(&page, "id=\"clusters-total\""), Some(2.0));
    assert_eq!(number_at(&page, "data-cluster=\"plain.txt\""), Some(2.0));
    // Largest first.
    assert!(page.find("plain.txt").unwrap() < page.find("copy-gbk.txt").unwrap());
    assert!(page.contains("0.931, near"), "{page}");
    assert!(page.contains("data-stage-time=\"layout\""), "{page}");

    // Without run.json the page says it has no times rather than zeros.
    fs::remove_file(out.join("run.json")).unwrap();
    let (code, _, stderr) = run(&[&"report", &out], None);
    assert_eq!(code, 0, "{stderr}");
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("id=\"stage-times-missing\""), "{page}");
    assert!(!page.contains("data-stage-time"), "{page}");

    let (code, _, stderr) = run(&[&"report", &input], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("manifest.jsonl"), "{stderr}");
}

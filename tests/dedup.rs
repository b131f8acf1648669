//! The dedup stage end to end: the real `canon` binary over
//! `fixtures/dedup/corpus/` (made by `scripts/make-dedup-fixtures.py`),
//! checked against `fixtures/dedup/expected.tsv`, the truth by construction:
//! every planted duplicate found, with the right survivor, and no false one.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dedup/corpus")
}

/// Runs `canon clean <input> --out <tmp>/out <extra…>` and returns the
/// output directory's parent (kept alive, with the run's stderr, whose
/// summary `--quiet` would leave out) and the manifest lines.
fn clean(input: &Path, extra: &[&str]) -> (tempfile::TempDir, Vec<Value>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_canon"))
        .arg("clean")
        .arg(input)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    fs::write(tmp.path().join("stderr"), &status.stderr).unwrap();
    let raw = fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    let entries = raw
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (tmp, entries, raw)
}

fn entry<'a>(entries: &'a [Value], path: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the manifest"))
}

struct Expected {
    path: String,
    status: String,
    duplicate_of: String,
    note: String,
}

fn expected() -> Vec<Expected> {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dedup/expected.tsv"),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Expected {
                path: f[0].into(),
                status: f[1].into(),
                duplicate_of: f[2].into(),
                note: f.get(3).copied().unwrap_or("").into(),
            }
        })
        .collect()
}

#[test]
fn every_planted_duplicate_is_found_and_no_false_one() {
    let (tmp, entries, _) = clean(&corpus(), &[]);
    let rows = expected();
    let summary = fs::read_to_string(tmp.path().join("stderr")).unwrap();
    assert!(
        summary.contains("3 boilerplate lines (e.g. \"首页 | 要闻 | 时政 | 评论 | 专题 | 视频 | 图片\" in 3 documents)"),
        "{summary}"
    );
    assert_eq!(rows.len(), entries.len(), "expected.tsv covers the corpus");
    assert!(rows.iter().filter(|r| r.status == "duplicate").count() >= 8);
    let mut failures = Vec::new();
    for row in &rows {
        let e = entry(&entries, &row.path);
        if e["status"] != row.status.as_str() {
            failures.push(format!(
                "{}: status {} (want {})",
                row.path, e["status"], row.status
            ));
            continue;
        }
        if row.status == "duplicate" {
            if e["duplicate_of"] != row.duplicate_of.as_str() {
                failures.push(format!("{}: duplicate of {}", row.path, e["duplicate_of"]));
            }
            let similarity = e["similarity"].as_f64().unwrap();
            let kinds = e["changes"]["dedup"].as_object().unwrap();
            assert_eq!(kinds.len(), 1, "{}: one kind of match", row.path);
            let kind = kinds.keys().next().unwrap();
            if ["exact", "normalized", "near"].contains(&row.note.as_str()) && kind != &row.note {
                failures.push(format!(
                    "{}: matched as {kind}, planted as {}",
                    row.path, row.note
                ));
            }
            if kind == "near" {
                assert!(
                    (0.8..1.0).contains(&similarity),
                    "{}: {similarity}",
                    row.path
                );
            } else {
                assert_eq!(similarity, 1.0, "{}", row.path);
            }
            assert!(e["output"].is_null());
            assert!(
                !tmp.path().join("out").join(&row.path).exists(),
                "{} written",
                row.path
            );
        } else {
            assert!(e["duplicate_of"].is_null() && e["similarity"].is_null());
            assert!(
                tmp.path().join("out").join(&row.path).is_file(),
                "{} missing",
                row.path
            );
        }
        let found = &e["changes"]["dedup"]["boilerplate_found"];
        let want = if row.note == "boilerplate" { 3 } else { 0 };
        if found.as_u64().unwrap_or(0) != want {
            failures.push(format!("{}: boilerplate_found {found}", row.path));
        }
        if row.note == "repeated_line" && e["changes"]["dedup"]["repeated_line"] != 1 {
            failures.push(format!("{}: doubled title not removed", row.path));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn same_manifest_whatever_jobs_and_file_creation_order() {
    let (_t1, _, one) = clean(&corpus(), &["--jobs", "1"]);
    let (_t2, _, two) = clean(&corpus(), &["--jobs", "2"]);
    assert_eq!(one, two);
    // The same files created in reverse order (directory order differs).
    let copy = tempfile::tempdir().unwrap();
    let mut names: Vec<_> = fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in names.iter().rev() {
        fs::copy(corpus().join(name), copy.path().join(name)).unwrap();
    }
    let (t3, _, reversed) = clean(copy.path(), &["--jobs", "2"]);
    assert_eq!(one, reversed);
    let clusters = |t: &tempfile::TempDir| fs::read(t.path().join("out/clusters.jsonl")).unwrap();
    assert_eq!(clusters(&_t1), clusters(&_t2));
    assert_eq!(clusters(&_t1), clusters(&t3));
}

/// A copy of the edited text, then an exact copy of that (other line
/// endings), sorting after the original: the order in which the real
/// `cpython/gb18030-utf8.txt`, `gbk-utf8.txt` and `gbk.txt` met.
fn chain_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        corpus().join("a01-original.txt"),
        dir.path().join("1-original.txt"),
    )
    .unwrap();
    let edited = fs::read_to_string(corpus().join("a06-edits.txt")).unwrap();
    fs::write(dir.path().join("2-edited.txt"), &edited).unwrap();
    fs::write(
        dir.path().join("3-edited-crlf.txt"),
        edited.replace('\n', "\r\n"),
    )
    .unwrap();
    dir
}

#[test]
fn an_exact_copy_of_a_near_duplicate_names_the_survivor() {
    let dir = chain_corpus();
    let (t, entries, _) = clean(dir.path(), &[]);
    let edited = entry(&entries, "2-edited.txt");
    let copy = entry(&entries, "3-edited-crlf.txt");
    assert_eq!(edited["duplicate_of"], "1-original.txt");
    assert!(edited.get("matched").is_none(), "{edited}");
    let near = edited["similarity"].as_f64().unwrap();
    assert!((0.8..1.0).contains(&near), "{near}");
    assert_eq!(copy["status"], "duplicate");
    assert_eq!(copy["duplicate_of"], "1-original.txt");
    // Equal keys, equal n-gram sets: the same Jaccard to the survivor.
    assert_eq!(copy["similarity"].as_f64(), Some(near));
    assert_eq!(copy["matched"]["path"], "2-edited.txt");
    assert_eq!(copy["matched"]["similarity"], 1.0);
    assert_eq!(copy["changes"]["dedup"]["exact"], 1);
    let clusters: Vec<Value> = fs::read_to_string(t.path().join("out/clusters.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0]["survivor"], "1-original.txt");
    assert_eq!(clusters[0]["size"], 3);
    let rules: Vec<(&str, &str)> = clusters[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["path"].as_str().unwrap(), m["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rules,
        [("2-edited.txt", "near"), ("3-edited-crlf.txt", "exact")]
    );
}

#[test]
fn every_duplicate_names_a_kept_document_and_is_in_one_cluster() {
    let (t, entries, _) = clean(&corpus(), &[]);
    let status = |p: &Value| entry(&entries, p.as_str().unwrap())["status"].clone();
    let duplicates: Vec<&Value> = entries
        .iter()
        .filter(|e| e["status"] == "duplicate")
        .collect();
    assert!(!duplicates.is_empty());
    for d in &duplicates {
        assert_eq!(status(&d["duplicate_of"]), "ok", "{d}");
    }
    let raw = fs::read_to_string(t.path().join("out/clusters.jsonl")).unwrap();
    let mut members = Vec::new();
    for line in raw.lines() {
        let c: Value = serde_json::from_str(line).unwrap();
        assert_eq!(status(&c["survivor"]), "ok");
        let listed = c["members"].as_array().unwrap();
        assert_eq!(c["size"].as_u64(), Some(listed.len() as u64 + 1));
        for m in listed {
            let e = entry(&entries, m["path"].as_str().unwrap());
            assert_eq!(e["duplicate_of"], c["survivor"]);
            assert_eq!(e["similarity"], m["similarity"]);
            members.push(m["path"].as_str().unwrap().to_string());
        }
    }
    let mut once = members.clone();
    once.sort();
    once.dedup();
    assert_eq!(
        once.len(),
        members.len(),
        "a member listed twice: {members:?}"
    );
    assert_eq!(members.len(), duplicates.len());
}

#[test]
fn keep_duplicates_writes_every_copy_marked() {
    let (t, kept, _) = clean(&corpus(), &["--keep-duplicates"]);
    let (_t, removed, _) = clean(&corpus(), &[]);
    assert_eq!(kept.len(), removed.len());
    let mut duplicates = 0;
    for (k, r) in kept.iter().zip(&removed) {
        let written = t.path().join("out").join(k["path"].as_str().unwrap());
        assert_eq!(k["status"], r["status"]);
        assert_eq!(k["duplicate_of"], r["duplicate_of"]);
        if k["status"] == "duplicate" {
            duplicates += 1;
            assert_eq!(k["output"], k["path"]);
            assert!(r["output"].is_null());
            assert!(written.is_file(), "{} not written", written.display());
        }
    }
    assert!(duplicates > 0);
}

#[test]
fn keep_duplicates_and_a_duplicates_dir_are_exclusive() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_canon"))
        .args(["clean", "--keep-duplicates", "--duplicates"])
        .arg(dir.path().join("dups"))
        .arg(corpus())
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!dir.path().join("out").exists());
}

#[test]
fn survivor_is_the_first_by_path_not_the_original() {
    // Rename so an edited copy sorts first: it survives, the original is
    // its duplicate.
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        corpus().join("a06-edits.txt"),
        dir.path().join("0-edited.txt"),
    )
    .unwrap();
    fs::copy(
        corpus().join("a01-original.txt"),
        dir.path().join("1-original.txt"),
    )
    .unwrap();
    let (_t, entries, _) = clean(dir.path(), &[]);
    assert_eq!(entry(&entries, "0-edited.txt")["status"], "ok");
    assert_eq!(
        entry(&entries, "1-original.txt")["duplicate_of"],
        "0-edited.txt"
    );
}

#[test]
fn exact_only_and_skip_dedup_narrow_it() {
    let (_t, entries, _) = clean(&corpus(), &["--exact-only"]);
    let dups: Vec<&str> = entries
        .iter()
        .filter(|e| e["status"] == "duplicate")
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    // b03 is b01 rendered for Taiwan: once convert has made it Simplified,
    // the regional fold of the comparison key makes it an exact match. b02
    // is b01 with every line break removed: layout takes the section numbers
    // glued to b01's closing headings for debris, which b02's single line
    // cannot show, so b02 is only a near duplicate.
    assert_eq!(
        dups,
        ["a02-gb18030-crlf.txt", "a03-wrapped.txt", "b03-taiwan.txt"]
    );

    let (t, entries, _) = clean(&corpus(), &["--skip", "dedup"]);
    assert!(entries.iter().all(|e| e["status"] == "ok"));
    let s001 = fs::read_to_string(t.path().join("out/s001-doubled-title.txt")).unwrap();
    assert_eq!(s001.matches("# 中央网信办：阔步迈向网络强国").count(), 2);

    let (t, entries, _) = clean(&corpus(), &["--keep-repeats"]);
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["status"] == "duplicate")
            .count(),
        8
    );
    let s001 = fs::read_to_string(t.path().join("out/s001-doubled-title.txt")).unwrap();
    assert_eq!(s001.matches("# 中央网信办：阔步迈向网络强国").count(), 2);
}

#[test]
fn a_higher_threshold_drops_the_weakest_near_match() {
    let (_t, entries, _) = clean(&corpus(), &["--near-threshold", "0.95"]);
    // The 2%-edited copy is near 0.9: kept at 0.95; the Taiwan rendering,
    // the footer copy and the dropped paragraph stay above.
    assert_eq!(entry(&entries, "a06-edits.txt")["status"], "ok");
    for p in [
        "a04-taiwan-big5.txt",
        "a05-footer.txt",
        "a07-dropped-paragraph.txt",
    ] {
        assert_eq!(entry(&entries, p)["status"], "duplicate", "{p}");
    }
}

#[test]
fn boilerplate_is_removed_only_on_request() {
    let nav = "首页 | 要闻 | 时政 | 评论 | 专题 | 视频 | 图片";
    let (t0, _, _) = clean(&corpus(), &[]);
    let kept = fs::read_to_string(t0.path().join("out/d01-boilerplate-only.txt")).unwrap();
    assert!(kept.contains(nav));
    let (t, entries, _) = clean(&corpus(), &["--remove-boilerplate"]);
    for p in [
        "d01-boilerplate-only.txt",
        "d02-boilerplate-only.txt",
        "d03-boilerplate-only.txt",
    ] {
        let text = fs::read_to_string(t.path().join("out").join(p)).unwrap();
        assert!(
            !text.contains(nav) && !text.contains("共产党员网"),
            "{p}: {text}"
        );
        assert!(!text.starts_with('\n') && text.ends_with('\n') && !text.is_empty());
        let e = entry(&entries, p);
        assert_eq!(e["changes"]["dedup"]["boilerplate_line"], 3, "{p}");
        assert_eq!(e["bytes_out"].as_u64().unwrap() as usize, text.len());
    }
    // Documents without boilerplate come out as they do without the flag.
    let a01 = fs::read(t.path().join("out/a01-original.txt")).unwrap();
    assert_eq!(
        a01,
        fs::read(t0.path().join("out/a01-original.txt")).unwrap()
    );
}

#[test]
fn signature_file_lists_every_document_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("corpus.sig");
    let (_t, entries, _) = clean(&corpus(), &["--signatures", file.to_str().unwrap()]);
    let records = canon::stages::dedup::read_signatures(fs::File::open(&file).unwrap()).unwrap();
    let names: Vec<String> = records
        .iter()
        .map(|(n, _)| String::from_utf8(n.clone()).unwrap())
        .collect();
    let all: Vec<String> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, all, "every document, sorted");
    // Exact and normalized copies share the key hash with their original.
    let key = |p: &str| records[all.iter().position(|a| a == p).unwrap()].1.key_hash;
    assert_eq!(key("a01-original.txt"), key("a03-wrapped.txt"));
    assert_ne!(key("a01-original.txt"), key("a05-footer.txt"));
}

#[test]
fn duplicates_dir_receives_the_duplicates() {
    let dups = tempfile::tempdir().unwrap();
    let (_t, _, _) = clean(&corpus(), &["--duplicates", dups.path().to_str().unwrap()]);
    let mut written: Vec<String> = fs::read_dir(dups.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let want: Vec<String> = expected()
        .into_iter()
        .filter(|r| r.status == "duplicate")
        .map(|r| r.path)
        .collect();
    assert_eq!(written, want);
}

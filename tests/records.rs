//! Record shards end to end through the real `canon` binary, on the cases
//! in `fixtures/records/`: passthrough fields, malformed lines, dedup
//! across shards, compression, pipes, damaged streams.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/records")
        .join(case)
}

/// Runs `canon clean <input> --out <out> --quiet <extra…>`; returns the exit
/// code, the manifest lines and stderr.
fn clean(input: &Path, out: &Path, extra: &[&str]) -> (i32, Vec<Value>, String) {
    let run = Command::new(env!("CARGO_BIN_EXE_canon"))
        .arg("clean")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .output()
        .unwrap();
    let manifest = fs::read_to_string(out.join("manifest.jsonl")).unwrap_or_default();
    (
        run.status.code().unwrap_or(-1),
        manifest
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

fn records(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The keys of a JSON object, in the order they are written.
fn key_order(line: &str) -> Vec<String> {
    let v: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
    // serde_json's map is sorted: find each key's position in the line.
    let mut keys: Vec<(usize, String)> = v
        .keys()
        .map(|k| (line.find(&format!("\"{k}\"")).unwrap(), k.clone()))
        .collect();
    keys.sort();
    keys.into_iter().map(|(_, k)| k).collect()
}

#[test]
fn jsonl_round_trip_keeps_every_field_and_the_order() {
    let tmp = tempfile::tempdir().unwrap();
    let input = fixture("passthrough").join("input.jsonl");
    let (code, manifest, stderr) = clean(&input, tmp.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(manifest.len(), 1, "one manifest line per shard");
    assert_eq!(manifest[0]["records"]["records"], 5);
    assert_eq!(manifest[0]["records"]["cleaned"], 5);
    let raw_in = fs::read_to_string(&input).unwrap();
    let raw_out = fs::read_to_string(tmp.path().join("input.jsonl")).unwrap();
    assert_eq!(raw_in.lines().count(), raw_out.lines().count());
    for (line_in, line_out) in raw_in.lines().zip(raw_out.lines()) {
        let (a, b): (Value, Value) = (
            serde_json::from_str(line_in).unwrap(),
            serde_json::from_str(line_out).unwrap(),
        );
        for (k, v) in a.as_object().unwrap() {
            if k != "text" {
                assert_eq!(&b[k], v, "field {k} changed in {line_out}");
            }
        }
        let mut order_in = key_order(line_in);
        order_in.push("canon".into());
        assert_eq!(key_order(line_out), order_in);
        assert!(b["canon"]["encoding"] == "UTF-8", "{line_out}");
        assert!(b["canon"]["duplicate_of"].is_null());
    }
    let out = records(&raw_out);
    assert_eq!(out[0]["text"], "hello，世界第二行");
    assert_eq!(out[1]["text"], "已经干净的一行。");
    assert_eq!(out[3]["text"], "繁体中文的内容，这是一个测试。");
    assert_eq!(out[3]["canon"]["script"], "traditional");
    // Numbers keep their spelling, not just their value.
    assert!(raw_out.contains(r#""score":0.1000,"big":123456789012345678901234567890"#));
    assert!(raw_out.contains(r#""emoji":"😀\ud83d\ude00""#));
}

#[test]
fn a_cleaned_shard_cleans_to_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let input = fixture("passthrough").join("input.jsonl");
    let once = tmp.path().join("once");
    let twice = tmp.path().join("twice");
    let flags = ["--no-record-metadata"];
    assert_eq!(clean(&input, &once, &flags).0, 0);
    assert_eq!(clean(&once.join("input.jsonl"), &twice, &flags).0, 0);
    let a = fs::read_to_string(once.join("input.jsonl")).unwrap();
    let b = fs::read_to_string(twice.join("input.jsonl")).unwrap();
    assert_eq!(a, b);
    assert!(!a.contains("\"canon\""));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn compressed_shards_come_out_compressed_with_the_same_records() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = fs::read(fixture("passthrough").join("input.jsonl")).unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(input.join("deep")).unwrap();
    fs::write(input.join("p.jsonl"), &plain).unwrap();
    fs::write(input.join("deep/g.jsonl.gz"), gzip(&plain)).unwrap();
    fs::write(
        input.join("z.ndjson.zst"),
        zstd::encode_all(&plain[..], 3).unwrap(),
    )
    .unwrap();
    let out = tmp.path().join("out");
    // Dedup would remove the later shards' records: all three are copies.
    let (code, manifest, stderr) = clean(&input, &out, &["--skip", "dedup"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(manifest.len(), 3);
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    let expected = text(fs::read(out.join("p.jsonl")).unwrap());
    assert_eq!(expected.lines().count(), 5);
    let g = fs::read(out.join("deep/g.jsonl.gz")).unwrap();
    assert_eq!(&g[..2], &[0x1f, 0x8b], "gzip magic");
    assert_eq!(text(gunzip(&g)), expected);
    let z = fs::read(out.join("z.ndjson.zst")).unwrap();
    assert_eq!(text(zstd::decode_all(&z[..]).unwrap()), expected);
}

#[test]
fn malformed_lines_land_in_the_rejects_exactly_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = fixture("malformed").join("input.jsonl");
    let (code, manifest, stderr) = clean(&input, tmp.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    let raw = fs::read_to_string(&input).unwrap();
    let lines: Vec<&str> = raw.lines().collect();
    let rejects = fs::read_to_string(tmp.path().join("rejects/input.jsonl")).unwrap();
    let want: Vec<&str> = [2, 3, 5, 6, 7].iter().map(|n| lines[n - 1]).collect();
    assert_eq!(rejects.lines().collect::<Vec<_>>(), want);
    let e = &manifest[0];
    assert_eq!(e["records"]["rejected"], 5);
    assert_eq!(e["records"]["cleaned"], 3);
    assert_eq!(e["records"]["blank"], 1);
    let warnings = e["warnings"].to_string();
    for n in [2, 3, 5, 6, 7] {
        assert!(warnings.contains(&format!("line {n}:")), "{warnings}");
    }
    let out = records(&fs::read_to_string(tmp.path().join("input.jsonl")).unwrap());
    let ids: Vec<i64> = out.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 7, 8]);
    // A lone surrogate is a replacement character, counted, not a reject.
    assert_eq!(out[1]["text"], "孤立代理 \u{FFFD} 项");
    assert_eq!(out[1]["canon"]["changes"]["decode"]["lone_surrogates"], 1);
}

#[test]
fn dedup_across_two_shards_removes_the_later_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, manifest, stderr) = clean(&fixture("across-shards"), tmp.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(manifest[0]["records"]["duplicates"], 0);
    assert_eq!(manifest[1]["records"]["duplicates"], 2);
    let b = records(&fs::read_to_string(tmp.path().join("b.jsonl")).unwrap());
    let ids: Vec<&str> = b.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["b1"]);
    let clusters = records(&fs::read_to_string(tmp.path().join("clusters.jsonl")).unwrap());
    let pairs: Vec<(String, String, String)> = clusters
        .iter()
        .flat_map(|c| {
            c["members"].as_array().unwrap().iter().map(move |m| {
                (
                    c["survivor"].as_str().unwrap().to_string(),
                    m["path"].as_str().unwrap().to_string(),
                    m["rule"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    assert_eq!(
        pairs,
        [
            // Other line endings only: the same cleaned text.
            ("a.jsonl:1".into(), "b.jsonl:2".into(), "exact".into()),
            ("a.jsonl:2".into(), "b.jsonl:3".into(), "near".into()),
        ]
    );
}

#[test]
fn keep_duplicates_marks_them_with_the_survivors_id() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, stderr) = clean(
        &fixture("across-shards"),
        tmp.path(),
        &["--keep-duplicates", "--id-field", "id"],
    );
    assert_eq!(code, 0, "{stderr}");
    let b = records(&fs::read_to_string(tmp.path().join("b.jsonl")).unwrap());
    assert_eq!(b.len(), 3);
    assert!(b[0]["canon"]["duplicate_of"].is_null());
    assert_eq!(b[1]["canon"]["duplicate_of"], "a1");
    assert_eq!(b[1]["canon"]["similarity"], 1.0);
    assert_eq!(b[2]["canon"]["duplicate_of"], "a2");
    let near = b[2]["canon"]["similarity"].as_f64().unwrap();
    assert!((0.8..1.0).contains(&near), "{near}");
}

#[test]
fn same_output_whatever_the_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    clean(&fixture("across-shards"), &one, &["--jobs", "1"]);
    clean(&fixture("across-shards"), &two, &["--jobs", "2"]);
    for name in ["a.jsonl", "b.jsonl", "manifest.jsonl", "clusters.jsonl"] {
        assert_eq!(
            fs::read(one.join(name)).unwrap(),
            fs::read(two.join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn a_truncated_gzip_shard_is_an_error_and_keeps_the_records_before() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: String = (0..3000)
        .map(|i| format!("{{\"n\":{i},\"text\":\"第{i}条。\"}}\n"))
        .collect();
    let gz = gzip(lines.as_bytes());
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("cut.jsonl.gz"), &gz[..gz.len() / 2]).unwrap();
    fs::write(input.join("whole.jsonl"), "{\"text\":\"完整。\"}\n").unwrap();
    let out = tmp.path().join("out");
    let (code, manifest, _) = clean(&input, &out, &["--skip", "dedup"]);
    assert_eq!(code, 2);
    let cut = &manifest[0];
    assert_eq!(cut["status"], "error");
    let read = cut["records"]["records"].as_u64().unwrap();
    assert!(read > 0 && read < 3000, "{read}");
    assert!(
        cut["error"]
            .as_str()
            .unwrap()
            .contains(&format!("after {read} records"))
    );
    let written = gunzip(&fs::read(out.join("cut.jsonl.gz")).unwrap());
    let written = records(std::str::from_utf8(&written).unwrap());
    assert_eq!(written.len() as u64, read);
    assert_eq!(written.last().unwrap()["n"], read - 1);
    assert_eq!(manifest[1]["status"], "ok");
}

#[test]
fn stdin_to_stdout() {
    let input = fs::read(fixture("malformed").join("input.jsonl")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_canon"))
        .args(["clean", "-", "--input-format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("<stdin>:2:"), "{stderr}");
    let got = records(std::str::from_utf8(&out.stdout).unwrap());
    let ids: Vec<i64> = got.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 7, 8]);
}

#[test]
fn shards_among_text_files_are_cleaned_as_text_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("a.jsonl"), "{\"text\":\"一。\"}\n").unwrap();
    fs::write(input.join("b.txt"), "二。\n").unwrap();
    let (code, manifest, _) = clean(&input, &tmp.path().join("mixed"), &[]);
    assert_eq!(code, 0);
    // The note is not an error, so only a run without --quiet prints it.
    let run = Command::new(env!("CARGO_BIN_EXE_canon"))
        .arg("clean")
        .arg(&input)
        .arg("--out")
        .arg(tmp.path().join("mixed-noted"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("1 record shard(s) among text files"),
        "{stderr}"
    );
    assert!(
        manifest
            .iter()
            .all(|e| e["status"] == "ok" && e.get("records").is_none())
    );
    // Named jsonl, the shard is read as records.
    let (code, as_records, _) = clean(
        &input.join("a.jsonl"),
        &tmp.path().join("r"),
        &["--input-format", "jsonl"],
    );
    assert_eq!(code, 0);
    assert_eq!(as_records[0]["records"]["cleaned"], 1);
}

#[test]
fn a_shard_named_like_a_report_is_refused_and_the_manifest_is_canons() {
    for name in ["manifest.jsonl", "run.json"] {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("data");
        fs::create_dir_all(&input).unwrap();
        fs::write(input.join(name), "{\"text\":\"一。\"}\n").unwrap();
        let out = tmp.path().join("out");
        let (code, manifest, _) = clean(&input.join(name), &out, &["--input-format", "jsonl"]);
        assert_eq!(code, 2, "{name}");
        assert_eq!(manifest.len(), 1, "{name}");
        assert_eq!(manifest[0]["status"], "error", "{name}");
        assert!(manifest[0]["error"].as_str().unwrap().contains("reserved"));
        let run: Value =
            serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
        assert!(run["canon_version"].is_string(), "{name}: {run}");
    }
}

#[test]
fn the_manifest_hash_is_the_written_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let input = fixture("passthrough").join("input.jsonl");
    let (_, manifest, _) = clean(&input, tmp.path(), &[]);
    let bytes = fs::read(tmp.path().join("input.jsonl")).unwrap();
    let hex: String = <sha2::Sha256 as sha2::Digest>::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(manifest[0]["sha256"], hex.as_str());
}

#[cfg(unix)]
#[test]
fn output_shards_are_readable_like_other_outputs() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let input = fixture("passthrough").join("input.jsonl");
    clean(&input, tmp.path(), &[]);
    let mode = fs::metadata(tmp.path().join("input.jsonl"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o044, 0o044, "{mode:o}");
}

mod common;

/// Shards of distinct records (some near-copies of records in earlier
/// shards), enough that a debug build takes a while over them.
fn many_shards(input: &Path, shards: usize) {
    fs::create_dir_all(input).unwrap();
    for s in 0..shards {
        let mut text = String::new();
        for r in 0..40 {
            let body = format!(
                "第{s}号文件第{r}条\r\n{}\r\n{}",
                common::SIMPLIFIED.repeat(2),
                common::SIMPLIFIED_SENTENCES[(s + r) % common::SIMPLIFIED_SENTENCES.len()]
            );
            text.push_str(&serde_json::json!({"id": format!("{s}-{r}"), "text": body}).to_string());
            text.push('\n');
        }
        fs::write(input.join(format!("part-{s:03}.jsonl")), text).unwrap();
    }
}

#[test]
fn resume_reuses_the_shards_an_interrupted_run_staged() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    many_shards(&input, 12);
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_canon"))
        .arg("clean")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(["--jobs", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let journal = out.join(".canon-work/shards.jsonl");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while fs::read(&journal).map_or(0, |j| j.iter().filter(|&&b| b == b'\n').count()) < 3 {
        assert!(std::time::Instant::now() < deadline, "no shard was staged");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be interrupted"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{output:?}");
    assert!(!out.join("manifest.jsonl").exists());

    // A shard changed since: cleaned again, not reused.
    let changed = input.join("part-000.jsonl");
    let mut text = fs::read_to_string(&changed).unwrap();
    text.push_str("{\"id\":\"new\",\"text\":\"一条新记录\"}\n");
    fs::write(&changed, text).unwrap();
    let reference = tmp.path().join("reference");
    let (code, _, stderr) = clean(&input, &reference, &[]);
    assert_eq!(code, 0, "{stderr}");

    let run = Command::new(env!("CARGO_BIN_EXE_canon"))
        .arg("clean")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("--resume")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    let reused: usize = stderr
        .split(" reused from an interrupted run")
        .next()
        .and_then(|head| head.rsplit('(').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no reuse reported: {stderr}"));
    // Three were staged before the interruption, one of them changed since.
    assert!(reused >= 2, "{stderr}");
    assert!(
        reused < 12,
        "the shards after the interruption are cleaned: {stderr}"
    );
    assert_eq!(
        common::tree(&out),
        common::tree(&reference),
        "a resumed run differs from an uninterrupted one"
    );
}

#[test]
fn a_records_run_writes_its_time_per_stage_into_run_json() {
    let tmp = tempfile::tempdir().unwrap();
    let input = fixture("passthrough").join("input.jsonl");
    let (code, _, stderr) = clean(&input, tmp.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let run: Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("run.json")).unwrap()).unwrap();
    let seconds = common::stage_seconds(&run);
    let secs = |name: &str| seconds[common::STAGES.iter().position(|s| *s == name).unwrap()];
    // Records are JSON text: decode never runs; the other stages do.
    assert_eq!(secs("decode"), 0.0);
    assert!(secs("repair") > 0.0, "{run}");
}

#[test]
fn a_records_run_counts_its_shards_and_records_in_run_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, manifest, stderr) = clean(&fixture("across-shards"), tmp.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let run: Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("run.json")).unwrap()).unwrap();
    let counts = &run["counts"];
    assert_eq!(counts["files"], manifest.len(), "{run}");
    assert_eq!(counts["errors"], 0);
    let sum = |key: &str| -> u64 {
        manifest
            .iter()
            .map(|m| m["records"][key].as_u64().unwrap())
            .sum()
    };
    for key in ["records", "cleaned", "duplicates", "rejected"] {
        assert_eq!(counts["records"][key], sum(key), "{key}: {run}");
    }
    assert_eq!(counts["records"]["duplicates"], 2);
}

/// Every file under `dir` with its bytes, by relative path (run.json left
/// out: it holds times).
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != "run.json" {
                files.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                ));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn mixed_runs_dedup_text_files_and_records_together() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, manifest, stderr) = clean(&fixture("mixed"), &out, &["--input-format", "mixed"]);
    assert_eq!(code, 0, "{stderr}");
    let by_path = |p: &str| manifest.iter().find(|e| e["path"] == p).unwrap().clone();
    // a.txt comes first: its copy in b.jsonl (line 1) is the duplicate.
    assert_eq!(by_path("a.txt")["status"], "ok");
    assert_eq!(
        fs::read_to_string(out.join("a.txt")).unwrap(),
        "第一篇文章，内容独一无二，只在这里出现一次，讲的是春天的田野。\n第二行写着农人的耕作。\n"
    );
    let b = by_path("b.jsonl");
    assert_eq!(b["records"]["records"], 3);
    assert_eq!(b["records"]["duplicates"], 1);
    let kept = records(&fs::read_to_string(out.join("b.jsonl")).unwrap());
    let ids: Vec<&str> = kept.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["b2", "b3"]);
    // c.txt repeats b.jsonl's line 2, which comes before it.
    let c = by_path("c.txt");
    assert_eq!(c["status"], "duplicate", "{c}");
    assert_eq!(c["duplicate_of"], "b.jsonl:2");
    assert!(!out.join("c.txt").exists());
    assert_eq!(by_path("d.txt")["status"], "ok");
    let clusters = records(&fs::read_to_string(out.join("clusters.jsonl")).unwrap());
    let survivors: Vec<&str> = clusters
        .iter()
        .map(|c| c["survivor"].as_str().unwrap())
        .collect();
    assert_eq!(survivors, ["a.txt", "b.jsonl:2"]);
    let run: Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["counts"]["duplicates"], 1, "{run}");
    assert_eq!(run["counts"]["records"]["duplicates"], 1, "{run}");

    // A text file comes out as a run of files writes it.
    let files = tmp.path().join("files");
    let (code, _, stderr) = clean(&fixture("mixed"), &files, &["--input-format", "text"]);
    assert_eq!(code, 0, "{stderr}");
    for name in ["a.txt", "d.txt"] {
        assert_eq!(
            fs::read(out.join(name)).unwrap(),
            fs::read(files.join(name)).unwrap(),
            "{name}"
        );
    }

    // Kept duplicates: the text file is written and the record marked.
    let kept_out = tmp.path().join("kept");
    let (code, _, stderr) = clean(
        &fixture("mixed"),
        &kept_out,
        &["--input-format", "mixed", "--keep-duplicates"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(kept_out.join("c.txt").exists());
    let b = records(&fs::read_to_string(kept_out.join("b.jsonl")).unwrap());
    assert_eq!(b[0]["canon"]["duplicate_of"], "a.txt");

    // One thread or two: the same bytes.
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    for (dir, jobs) in [(&one, "1"), (&two, "2")] {
        let (code, _, stderr) = clean(
            &fixture("mixed"),
            dir,
            &["--input-format", "mixed", "--jobs", jobs],
        );
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(tree(&one), tree(&two));
    assert_eq!(tree(&one), tree(&out));
}

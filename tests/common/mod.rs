//! Helpers shared by the integration tests: run the real binary, read the
//! manifest, build input trees.
#![allow(dead_code)] // each test crate uses its own subset

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use encoding_rs::{BIG5, GBK};
use serde_json::Value;
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Runs `canon` with `args` (and `stdin`, if any) in the current directory.
pub fn run(args: &[&dyn AsRef<OsStr>], stdin: Option<&[u8]>) -> (i32, String, String) {
    run_in(None, args, stdin)
}

/// Runs `canon` with `args` in `cwd`: (exit code, stdout, stderr).
pub fn run_in(
    cwd: Option<&Path>,
    args: &[&dyn AsRef<OsStr>],
    stdin: Option<&[u8]>,
) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_canon"));
    command
        .args(args.iter().map(|a| a.as_ref()))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let mut child = command.spawn().expect("canon starts");
    let writer = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let bytes = bytes.to_vec();
        // A thread, so a large input cannot deadlock against a full stdout
        // pipe; canon may exit without reading (usage errors): not our error.
        std::thread::spawn(move || match pipe.write_all(&bytes) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing stdin: {e}"),
            _ => {}
        })
    });
    let output = child.wait_with_output().expect("canon finishes");
    if let Some(writer) = writer {
        writer.join().expect("stdin writer");
    }
    let code = output.status.code().expect("canon exits with a code");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    (code, stdout, stderr)
}

/// The entries of `out/manifest.jsonl`, one JSON object per line.
pub fn manifest(out: &Path) -> Vec<Value> {
    let text = fs::read_to_string(out.join("manifest.jsonl")).expect("manifest.jsonl exists");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "manifest ends with a newline"
    );
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("each manifest line is JSON");
            assert!(v.is_object(), "each manifest line is an object: {line}");
            v
        })
        .collect()
}

/// The manifest entry whose `path` is `path` (exactly one).
pub fn entry<'a>(entries: &'a [Value], path: &str) -> &'a Value {
    let found: Vec<&Value> = entries.iter().filter(|e| e["path"] == path).collect();
    assert_eq!(found.len(), 1, "one entry for {path}: {entries:#?}");
    found[0]
}

pub fn paths(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["path"].as_str().expect("path is a string").to_string())
        .collect()
}

pub fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, bytes).unwrap();
}

pub fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, had_errors) = GBK.encode(text);
    assert!(!had_errors, "{text:?} is encodable in GBK");
    bytes.into_owned()
}

pub fn big5(text: &str) -> Vec<u8> {
    let (bytes, _, had_errors) = BIG5.encode(text);
    assert!(!had_errors, "{text:?} is encodable in Big5");
    bytes.into_owned()
}

pub fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

pub fn utf16be_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    bytes
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest: [u8; 32] = Sha256::digest(bytes).into();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Deterministic pseudo-random bytes (xorshift).
pub fn noise(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Every file under `root` (symbolic links not followed), relative path →
/// bytes; `run.json` at the top is left out: it records times and `--jobs`,
/// so it differs between runs that write the same corpus (tests/config.rs
/// reads it).
pub fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = tree_with_run_record(root);
    files.remove(Path::new("run.json"));
    files
}

/// [`tree`] with `run.json`.
pub fn tree_with_run_record(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn visit(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                visit(root, &path, files);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                let bytes = if meta.is_file() {
                    fs::read(&path).unwrap()
                } else {
                    b"<not a regular file>".to_vec()
                };
                files.insert(rel, bytes);
            }
        }
    }
    let mut files = BTreeMap::new();
    visit(root, root, &mut files);
    files
}

pub fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or("")
}

pub const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06";

/// Simplified Chinese prose (GBK-encodable, common characters).
pub const SIMPLIFIED: &str = "网络安全和信息化是事关国家安全和国家发展、事关广大人民群众工作生活的重大战略问题。\
没有网络安全就没有国家安全，没有信息化就没有现代化。我们要建设网络强国，让互联网更好造福人民。";

/// Traditional Chinese prose (Big5-encodable).
pub const TRADITIONAL: &str = "這一組組世界第一的數據，映照出一個古老東方大國在互聯網和信息化浪潮中的踔厲奮發、勇毅前行。\
我們要堅持以人民為中心的發展思想，讓億萬人民在共享互聯網發展成果上有更多獲得感。";

/// [`TRADITIONAL`] as the convert stage (OpenCC `t2s`) writes it.
pub const TRADITIONAL_AS_SIMPLIFIED: &str = "这一组组世界第一的数据，映照出一个古老东方大国在互联网和信息化浪潮中的踔厉奋发、勇毅前行。\
我们要坚持以人民为中心的发展思想，让亿万人民在共享互联网发展成果上有更多获得感。";

pub const SIMPLIFIED_SENTENCES: &[&str] = &[
    "这是一个新家园，是学习、工作、生活的新空间，也是获取公共服务的新平台。",
    "网络安全和信息化是事关国家安全和国家发展的重大战略问题。",
    "没有网络安全就没有国家安全，没有信息化就没有现代化。",
    "我们要建设网络强国，让互联网更好造福国家和人民。",
    "要加强网上正面宣传，用新时代中国特色社会主义思想和党的精神团结、凝聚亿万网民。",
    "科学技术是第一生产力，创新是引领发展的第一动力。",
    "教育是国之大计、党之大计，要办好人民满意的教育。",
];

pub const TRADITIONAL_SENTENCES: &[&str] = &[
    "這一組組世界第一的數據，映照出一個古老東方大國的勇毅前行。",
    "我們要堅持以人民為中心的發展思想，讓人民有更多獲得感。",
    "網絡安全和信息化是事關國家安全和國家發展的重大戰略問題。",
    "沒有網絡安全就沒有國家安全，沒有信息化就沒有現代化。",
    "科學技術是第一生產力，創新是引領發展的第一動力。",
    "教育是國之大計，要辦好人民滿意的教育，培養時代新人。",
];

/// The stages whose time `run.json` records, in pipeline order.
pub const STAGES: [&str; 6] = [
    "decode",
    "repair",
    "normalize",
    "convert",
    "layout",
    "dedup",
];

/// Reads `run.json`'s time per stage and checks what holds for every run:
/// each stage has a time, none negative, and together no more than the
/// run's workers can spend in its wall time (each figure is rounded to the
/// microsecond, hence the allowance). Returns the seconds, in [`STAGES`]
/// order.
pub fn stage_seconds(run: &Value) -> Vec<f64> {
    let t = &run["timings"];
    let stages = t["stages"].as_object().expect("timings.stages");
    assert_eq!(stages.len(), STAGES.len(), "{t}");
    let jobs = t["jobs"].as_f64().unwrap();
    let wall = t["wall_seconds"].as_f64().unwrap();
    assert!(jobs >= 1.0 && wall > 0.0, "{t}");
    let seconds: Vec<f64> = STAGES
        .iter()
        .map(|name| {
            let secs = stages[*name]
                .as_f64()
                .unwrap_or_else(|| panic!("{name}: {t}"));
            assert!(secs >= 0.0, "{name}: {secs}");
            secs
        })
        .collect();
    let sum: f64 = seconds.iter().sum();
    assert!(
        sum <= wall * jobs + 1e-5,
        "{sum} s in stages, {wall} s × {jobs}"
    );
    seconds
}

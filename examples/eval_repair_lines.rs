//! Whole lines damaged the common ways, repaired line by line: how much
//! damage the repair stage leaves. The fixture families test spans and
//! short lines; this takes every line of the cleaned seeds
//! (`fixtures/seeds/expected/`, real Chinese text) whole, as a file read
//! with the wrong decoder gives it, through encoding_rs's decoders (the
//! ones WHATWG and browsers use; Python's differ, e.g. on byte 0x80).
//!
//! Run with `cargo run --release --example eval_repair_lines [-- FILE]`;
//! with FILE, its lines are used instead of the seeds' (e.g. the Debian
//! technical lines `scripts/eval-repair-debian.py --lines FILE` samples).
//! Per damage:
//! - lines the text encodes in (GBK or Big5 may lack a character);
//! - lines restored exactly;
//! - lines restored but for lost characters: the output is the line with
//!   some characters replaced by U+FFFD (adjacent ones merged), which is
//!   all a repair can do when the wrong decoder dropped bytes;
//! - characters left damaged: output characters the line does not have
//!   (counted as a multiset, U+FFFD aside), the mojibake left behind.

use std::collections::HashMap;

use canon::stages::repair::repair;
use encoding_rs::{BIG5, Encoding, GBK, UTF_8, WINDOWS_1252};

/// Encodes `line` in `written` and decodes the bytes with `read`; `None`
/// when `written` lacks a character of the line.
fn damage(line: &str, written: &'static Encoding, read: &'static Encoding) -> Option<String> {
    let bytes = if written == UTF_8 {
        line.as_bytes().to_vec()
    } else {
        let (bytes, _, unmappable) = written.encode(line);
        if unmappable {
            return None;
        }
        bytes.into_owned()
    };
    Some(read.decode_without_bom_handling(&bytes).0.into_owned())
}

/// Whether `out` is `line` with characters lost: each U+FFFD of `out`
/// stands for one character of `line` or more, everything else matches.
fn restored_but_lost(out: &str, line: &str) -> bool {
    let mut pieces = out.split('\u{FFFD}');
    let first = pieces.next().unwrap_or_default();
    let Some(mut tail) = line.strip_prefix(first) else {
        return false;
    };
    let rest: Vec<&str> = pieces.collect();
    for (i, piece) in rest.iter().enumerate() {
        // At least one character is lost, then the piece follows (the
        // leftmost match; the last piece ends the line).
        let Some(c) = tail.chars().next() else {
            return false;
        };
        let after = &tail[c.len_utf8()..];
        if i + 1 == rest.len() {
            return after.ends_with(piece);
        }
        let Some(at) = after.find(piece) else {
            return false;
        };
        tail = &after[at + piece.len()..];
    }
    tail.is_empty()
}

/// Characters of `out` that `line` does not have, U+FFFD aside.
fn left_damaged(out: &str, line: &str) -> usize {
    let mut have: HashMap<char, usize> = HashMap::new();
    for c in line.chars() {
        *have.entry(c).or_default() += 1;
    }
    out.chars()
        .filter(|&c| c != '\u{FFFD}')
        .filter(|c| match have.get_mut(c) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .count()
}

fn main() {
    let dir = format!("{}/fixtures/seeds/expected", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = match std::env::args().nth(1) {
        Some(file) => vec![std::path::PathBuf::from(file)],
        None => std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect(),
    };
    paths.sort();
    let text: String = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let damages: [(&str, &'static Encoding, &'static Encoding); 7] = [
        ("UTF-8 read as GBK", UTF_8, GBK),
        ("UTF-8 read as Big5", UTF_8, BIG5),
        ("UTF-8 read as windows-1252", UTF_8, WINDOWS_1252),
        ("GBK read as windows-1252", GBK, WINDOWS_1252),
        ("GBK read as Big5", GBK, BIG5),
        ("Big5 read as GBK", BIG5, GBK),
        ("Big5 read as windows-1252", BIG5, WINDOWS_1252),
    ];
    // `EVAL_SHOW=<part of a damage's name>` prints that damage's misses.
    let show = std::env::var("EVAL_SHOW").ok();
    println!(
        "{:<28} {:>6} {:>9} {:>15} {:>15} {:>15}",
        "damage", "lines", "restored", "but for lost", "chars damaged", "before repair"
    );
    for (name, written, read) in damages {
        let (mut total, mut exact, mut lost, mut damaged, mut before) = (0, 0, 0, 0, 0);
        for line in &lines {
            let Some(moji) = damage(line, written, read) else {
                continue;
            };
            total += 1;
            let out = repair(&moji).text;
            exact += usize::from(out == *line);
            if out != *line && show.as_deref().is_some_and(|s| name.contains(s)) {
                println!("  {line}\n  {moji}\n  -> {out}");
            }
            lost += usize::from(out != *line && restored_but_lost(&out, line));
            damaged += left_damaged(&out, line);
            before += left_damaged(&moji, line);
        }
        println!("{name:<28} {total:>6} {exact:>9} {lost:>15} {damaged:>15} {before:>15}");
    }
}

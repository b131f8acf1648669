//! Dedup throughput. Run with `cargo bench --bench dedup` (one thread;
//! MB/s are 10^6 bytes of UTF-8 input per CPU-second of the measuring
//! thread, so other load on the machine does not lower them; median of
//! several rounds). Times for the million signatures are wall-clock.
//!
//! 1. Signatures on real Chinese text: the bundled seed documents cut into
//!    ~2 KB documents at line ends, Simplified and Traditional; the
//!    comparison key alone, the MinHash alone, and both.
//! 2. One million signatures, synthesised (random MinHash values; 3% exact
//!    copies, 5% near copies at Jaccard 0.85, 2% far copies at 0.7),
//!    written to a signature file, read back, and clustered with the
//!    default threshold. There are no texts behind these signatures, so
//!    verification (which re-reads texts in a real run) returns the planted
//!    similarity for planted pairs and the MinHash estimate for others. The
//!    counts therefore measure the LSH step alone: near copies that became
//!    candidates (found), and far copies that became candidates (pairs a
//!    real run pays to verify and then keeps; whether they are kept is not
//!    measured here, the verifier decides that). Prints the time of each
//!    step, the index's bytes per document and the peak RSS.
//!
//! `DEDUP_BENCH_DOCS=N` changes the one million.

use std::hint::black_box;
use std::time::Instant;

mod common;

use canon::stages::dedup::{
    self, DocSignature, MatchKind, NUM_PERM, NearConfig, RegionalFold, comparison_key, signature,
};
use common::seed;

const ROUNDS: usize = 5;
const DOC_BYTES: usize = 2048;

/// Cuts `text` into documents of about `size` bytes, at line ends (long
/// lines are cut at a character boundary).
fn documents(text: &str, size: usize) -> Vec<String> {
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        let mut line = line;
        while !line.is_empty() {
            let room = size.saturating_sub(current.len()).max(1);
            let mut cut = room.min(line.len());
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            if cut == 0 {
                docs.push(std::mem::take(&mut current));
                continue;
            }
            current.push_str(&line[..cut]);
            line = &line[cut..];
            if current.len() >= size {
                docs.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        docs.push(current);
    }
    docs
}

/// Nanoseconds this thread has run on a CPU (Linux), so a rate is per
/// core even when other processes share the machine.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Median MB/s over the rounds: per CPU-second of this thread when the
/// kernel tells it, else per wall-clock second.
fn median_mb_per_s(docs: &[String], mut f: impl FnMut(&str)) -> f64 {
    let total: usize = docs.iter().map(String::len).sum();
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let cpu = thread_cpu_ns();
            let start = Instant::now();
            for d in docs {
                f(d);
            }
            let wall = start.elapsed().as_secs_f64();
            let secs = match (cpu, thread_cpu_ns()) {
                (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e9,
                _ => wall,
            };
            total as f64 / 1e6 / secs
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[ROUNDS / 2]
}

fn signature_rows() {
    let simplified: String = ["000", "001", "002", "004"].map(seed).concat();
    let traditional = seed("003");
    for (name, text) in [("Simplified", simplified), ("Traditional", traditional)] {
        let mut corpus = String::new();
        while corpus.len() < 8_000_000 {
            corpus.push_str(&text);
        }
        let docs = documents(&corpus, DOC_BYTES);
        let keys: Vec<String> = docs
            .iter()
            .map(|d| comparison_key(d, &RegionalFold))
            .collect();
        let key = median_mb_per_s(&docs, |d| {
            black_box(comparison_key(d, &RegionalFold));
        });
        // MinHash alone, rated on the documents' bytes: run it on the keys.
        let mut i = 0;
        let minhash = median_mb_per_s(&docs, |_| {
            black_box(signature(&keys[i % keys.len()]));
            i += 1;
        });
        let both = median_mb_per_s(&docs, |d| {
            black_box(signature(&comparison_key(d, &RegionalFold)));
        });
        println!(
            "{name:<12} {:>5} docs of ~2 KB | key {key:>7.1} MB/s | minhash {minhash:>7.1} MB/s | key+signature {both:>7.1} MB/s",
            docs.len()
        );
    }
}

/// splitmix64, for synthetic signatures.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A copy of `base` whose MinHash agrees on about `similarity` of the
/// positions, as a document at that Jaccard similarity would.
fn near_copy(base: &DocSignature, similarity: f64, state: &mut u64) -> DocSignature {
    let mut sig = base.clone();
    sig.key_hash[..8].copy_from_slice(&next(state).to_le_bytes());
    for v in sig.minhash.iter_mut() {
        if (next(state) % 10_000) as f64 >= similarity * 10_000.0 {
            *v = next(state) as u32;
        }
    }
    sig
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn million() {
    let n: usize = std::env::var("DEDUP_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut state = 42u64;
    let started = Instant::now();
    let mut sigs: Vec<DocSignature> = Vec::with_capacity(n);
    // What each synthetic document is: 0 original, 1 exact, 2 near, 3 far.
    let mut planted: Vec<(u8, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        let roll = next(&mut state) % 100;
        let source = if i > 0 {
            (next(&mut state) % i as u64) as usize
        } else {
            0
        };
        let original = i == 0 || planted[source].0 != 0 || roll >= 10;
        if original {
            let mut minhash = [0u32; NUM_PERM];
            for v in minhash.iter_mut() {
                *v = next(&mut state) as u32;
            }
            let mut key_hash = [0u8; 16];
            key_hash[..8].copy_from_slice(&next(&mut state).to_le_bytes());
            key_hash[8..].copy_from_slice(&next(&mut state).to_le_bytes());
            sigs.push(DocSignature {
                key_hash,
                ngram: dedup::NGRAM as u8,
                minhash,
            });
            planted.push((0, i));
        } else if roll < 3 {
            sigs.push(sigs[source].clone());
            planted.push((1, source));
        } else if roll < 8 {
            let s = near_copy(&sigs[source], 0.85, &mut state);
            sigs.push(s);
            planted.push((2, source));
        } else {
            let s = near_copy(&sigs[source], 0.7, &mut state);
            sigs.push(s);
            planted.push((3, source));
        }
    }
    println!(
        "{n} synthetic signatures in {:.2} s ({} exact, {} near at 0.85, {} far at 0.7)",
        started.elapsed().as_secs_f64(),
        planted.iter().filter(|p| p.0 == 1).count(),
        planted.iter().filter(|p| p.0 == 2).count(),
        planted.iter().filter(|p| p.0 == 3).count(),
    );

    // Shard by shard: two files, merged by reading both back.
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let names: Vec<String> = (0..n).map(|i| format!("doc/{i:08}.txt")).collect();
    let half = n / 2;
    for (shard, range) in [(0, 0..half), (1, half..n)] {
        let file = std::fs::File::create(dir.path().join(format!("shard{shard}.sig"))).unwrap();
        dedup::write_signatures(
            std::io::BufWriter::new(file),
            range.map(|i| (names[i].as_bytes(), &sigs[i])),
        )
        .unwrap();
    }
    let written = started.elapsed().as_secs_f64();
    let bytes: u64 = (0..2)
        .map(|s| {
            std::fs::metadata(dir.path().join(format!("shard{s}.sig")))
                .unwrap()
                .len()
        })
        .sum();
    let started = Instant::now();
    let mut merged = Vec::with_capacity(n);
    for shard in [1, 0] {
        let file = std::fs::File::open(dir.path().join(format!("shard{shard}.sig"))).unwrap();
        merged.extend(dedup::read_signatures(std::io::BufReader::new(file)).unwrap());
    }
    merged.sort_by(|a, b| a.0.cmp(&b.0));
    let read = started.elapsed().as_secs_f64();
    assert!(
        merged.iter().map(|r| &r.1).eq(sigs.iter()),
        "merge is lossless"
    );
    drop(merged);
    println!(
        "signature files: {:.1} MB written in {written:.2} s, read back and merged in {read:.2} s",
        bytes as f64 / 1e6
    );

    // Reset the peak so the figure below is the clustering's (Linux).
    drop(names);
    let peak_before = peak_rss_mb();
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    let refs: Vec<Option<&DocSignature>> = sigs.iter().map(Some).collect();
    let mut verified = 0usize;
    let mut far_candidates = 0usize;
    let config = NearConfig::default();
    // Verification would re-read the two texts; here the planted Jaccard
    // stands in for it (the estimate for unrelated pairs), so the counts
    // below measure candidate generation, not the estimate's noise.
    let result = dedup::find_duplicates(&refs, &config, |a, b| {
        verified += 1;
        Some(match planted[b] {
            (2, source) if source == a => 0.85,
            (3, source) if source == a => {
                far_candidates += 1;
                0.7
            }
            _ => dedup::estimate(&sigs[a], &sigs[b]),
        })
    });
    let clustered = started.elapsed().as_secs_f64();
    let (mut exact_found, mut near_found, mut false_found) = (0, 0, 0);
    for (i, r) in result.iter().enumerate() {
        match (planted[i].0, r) {
            (1, Some(m)) if m.kind == MatchKind::Key && m.of == planted[i].1 => exact_found += 1,
            (2, Some(m)) if m.of == planted[i].1 => near_found += 1,
            (0, Some(_)) => false_found += 1,
            _ => {}
        }
    }
    println!(
        "clustered {n} signatures in {clustered:.2} s ({verified} candidate pairs verified): \
         exact {exact_found}/{}, near found (LSH candidates) {near_found}/{}, \
         far copies made candidates {far_candidates}/{}, originals matched by estimate {false_found}",
        planted.iter().filter(|p| p.0 == 1).count(),
        planted.iter().filter(|p| p.0 == 2).count(),
        planted.iter().filter(|p| p.0 == 3).count(),
    );
    println!(
        "index: {} bytes per signature (size_of DocSignature), {} bytes per document with its slot; \
         peak RSS while clustering {:.0} MB (signatures included; {:.0} MB before, when merging shard files)",
        std::mem::size_of::<DocSignature>(),
        std::mem::size_of::<DocSignature>() + std::mem::size_of::<Option<&DocSignature>>(),
        peak_rss_mb(),
        peak_before,
    );
}

fn main() {
    println!("one thread, MB per CPU-second, median of {ROUNDS} rounds");
    signature_rows();
    million();
}

//! Writes a deterministic benchmark corpus made from the bundled fixtures:
//! what canon's users feed it, in the proportions of a mixed Chinese corpus.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- OUT_DIR [--mb 200]
//! ```
//!
//! Documents are paragraphs drawn from the seed documents (and the stage
//! fixtures' inputs), in sizes from a few KB to a few MB (most small, a few
//! large), then, by a fixed-seed roll per document:
//! - script: a third are written in Traditional Chinese (canon's own `s2t`
//!   converter);
//! - layout: 15% are hard-wrapped at 20–40 characters with a running header
//!   and page numbers, as text extracted from a PDF;
//! - encoding: 55% UTF-8, 20% GB18030, 10% Big5 (Traditional only, else
//!   UTF-8), 5% UTF-16 (LE or BE, with a BOM), 5% UTF-8 read as GB18030 and
//!   saved as UTF-8 (mojibake), 5% UTF-8 with CRLF line ends;
//! - copies: 8% of documents are an earlier document again, exactly or with
//!   one paragraph replaced.
//!
//! The same arguments give the same bytes on every machine. It prints the
//! corpus's size, its file count and the mix it drew.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use canon::stages::convert::{ConvertConfig, Converter};

/// Files per subdirectory, so that no directory grows unwieldy.
const FILES_PER_DIR: usize = 200;

/// xorshift64*: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self) -> usize {
        self.below(100)
    }
}

fn paragraphs(root: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["fixtures/seeds/expected", "fixtures/seeds/input"] {
        let mut names: Vec<PathBuf> = fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        files.extend(names);
    }
    for area in ["layout", "normalize", "convert", "dedup"] {
        let Ok(cases) = fs::read_dir(root.join("fixtures").join(area)) else {
            continue;
        };
        let mut cases: Vec<PathBuf> = cases.map(|e| e.unwrap().path()).collect();
        cases.sort();
        files.extend(cases.into_iter().map(|c| c.join("input.txt")));
    }
    let mut paras = Vec::new();
    for file in files {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        paras.extend(
            text.lines()
                .map(str::trim_end)
                .filter(|l| l.chars().count() >= 8)
                .map(String::from),
        );
    }
    paras
}

fn document(rng: &mut Rng, paras: &[String], bytes: usize) -> Vec<String> {
    let mut doc = Vec::new();
    let mut size = 0;
    while size < bytes {
        let p = &paras[rng.below(paras.len())];
        size += p.len() + 1;
        doc.push(p.clone());
    }
    doc
}

fn print_layout(rng: &mut Rng, doc: &[String]) -> String {
    let width = 20 + rng.below(21);
    let mut lines = Vec::new();
    for p in doc {
        let chars: Vec<char> = p.chars().collect();
        for chunk in chars.chunks(width) {
            lines.push(chunk.iter().collect::<String>());
        }
    }
    let mut out = String::new();
    for (n, page) in lines.chunks(40).enumerate() {
        out.push_str("网络安全学习资料\n\n");
        for line in page {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&format!("\n- {} -\n\u{c}", n + 1));
    }
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("usage: gen_corpus OUT_DIR [--mb N]"));
    let mut mb: usize = 200;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--mb" => mb = args.next().and_then(|v| v.parse().ok()).expect("--mb N"),
            other => panic!("unknown argument {other}"),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let paras = paragraphs(root);
    assert!(paras.len() > 100, "fixtures missing");
    let s2t = Converter::new(ConvertConfig::from_name("s2t").expect("s2t"));
    let mut rng = Rng(0x00C0_FFEE_2026_1206);
    let target = mb * 1_000_000;
    let mut written = 0usize;
    let mut mix: BTreeMap<&str, usize> = BTreeMap::new();
    let mut earlier: Vec<Vec<String>> = Vec::new();
    let mut n = 0usize;
    while written < target {
        // Most documents are articles of 2–40 KB; one in 200 is a book.
        let size = if rng.below(200) == 0 {
            1_000_000 + rng.below(4_000_000)
        } else {
            2_000 + rng.below(38_000)
        };
        let mut doc = if !earlier.is_empty() && rng.percent() < 8 {
            let mut copy = earlier[rng.below(earlier.len())].clone();
            if rng.below(2) == 0 {
                *mix.entry("copy exact").or_default() += 1;
            } else {
                let i = rng.below(copy.len());
                copy[i] = paras[rng.below(paras.len())].clone();
                *mix.entry("copy edited").or_default() += 1;
            }
            copy
        } else {
            document(&mut rng, &paras, size)
        };
        // Keep only article-sized documents for copying, so the copies do not
        // dominate the corpus's size.
        if size < 100_000 && earlier.len() < 2_000 {
            earlier.push(doc.clone());
        }
        let traditional = rng.percent() < 33;
        if traditional {
            doc = doc.iter().map(|p| s2t.convert_text(p)).collect();
            *mix.entry("traditional").or_default() += 1;
        }
        let text = if rng.percent() < 15 {
            *mix.entry("print layout").or_default() += 1;
            print_layout(&mut rng, &doc)
        } else {
            doc.join("\n") + "\n"
        };
        let roll = rng.percent();
        let (kind, bytes): (&str, Vec<u8>) = match roll {
            0..55 => ("utf-8", text.into_bytes()),
            55..75 => ("gb18030", encoding_rs::GB18030.encode(&text).0.into_owned()),
            75..85 if traditional => ("big5", encoding_rs::BIG5.encode(&text).0.into_owned()),
            75..85 => ("utf-8", text.into_bytes()),
            85..90 if roll.is_multiple_of(2) => {
                let mut b = vec![0xFF, 0xFE];
                b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                ("utf-16le", b)
            }
            85..90 => {
                let mut b = vec![0xFE, 0xFF];
                b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
                ("utf-16be", b)
            }
            90..95 => {
                let garbled = encoding_rs::GB18030
                    .decode_without_bom_handling(text.as_bytes())
                    .0
                    .into_owned();
                ("utf-8 read as gb18030", garbled.into_bytes())
            }
            _ => ("utf-8 crlf", text.replace('\n', "\r\n").into_bytes()),
        };
        *mix.entry(kind).or_default() += 1;
        let dir = out.join(format!("{:03}", n / FILES_PER_DIR));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("doc-{n:06}.txt")), &bytes).unwrap();
        written += bytes.len();
        n += 1;
    }
    println!(
        "{n} files, {:.1} MB in {}",
        written as f64 / 1e6,
        out.display()
    );
    for (kind, count) in &mix {
        println!("  {kind}: {count}");
    }
}

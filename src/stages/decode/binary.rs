//! Binary detection (steps 2 and 3): what is not text is skipped, never
//! mangled.
//!
//! A file is binary when it starts with a known format's signature and the
//! bytes near it are ones text does not contain, or when too many of its
//! bytes are NULs or C0 controls text does not use. The raw-byte shares are
//! weighed in the entry, between the UTF-16/32 test and UTF-8; this file
//! says which bytes count, and tests the decoded text again (after a BOM or
//! a legacy reading) at a lower threshold, so that canon's own output is
//! never taken for binary when it is cleaned again.
//!
//! Example: `89 50 4E 47 0D 0A 1A 0A` and then `rest` → binary, `PNG`
//! signature; `%PDF-1.7 is the version this note talks about.` → text.
//!
//! Limits: signatures at offset 0 only, from a fixed list; a binary format
//! without one passes for text unless its NULs or control bytes give it
//! away.

use super::{BinaryKind, ratio};

/// Bytes after a signature searched for evidence that the data is not text.
const SIGNATURE_EVIDENCE_BYTES: usize = 4096;

/// A known binary signature at offset 0, backed by bytes text does not
/// contain (NUL, control bytes, invalid UTF-8) near it: `%PDF-`, `ID3`,
/// `BZh` or `GIF89a` can also begin a plain text file about those formats.
pub(super) fn binary_signature(b: &[u8]) -> Option<BinaryKind> {
    let kind = signature(b)?;
    let prefix = &b[..b.len().min(SIGNATURE_EVIDENCE_BYTES)];
    let textual = !prefix.iter().any(|&x| x == 0 || is_binary_control(x))
        && std::str::from_utf8(prefix).map_or_else(|e| e.error_len().is_none(), |_| true);
    (!textual).then_some(kind)
}

/// Known binary signatures at offset 0.
fn signature(b: &[u8]) -> Option<BinaryKind> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"\xFF\xD8\xFF", "JPEG"),
        (b"GIF87a", "GIF"),
        (b"GIF89a", "GIF"),
        (b"%PDF-", "PDF"),
        (b"PK\x03\x04", "ZIP"),
        (b"PK\x05\x06", "ZIP"),
        (b"\x1F\x8B", "gzip"),
        (b"BZh", "bzip2"),
        (b"\xFD7zXZ\x00", "xz"),
        (b"7z\xBC\xAF\x27\x1C", "7-Zip"),
        (b"\x28\xB5\x2F\xFD", "zstd"),
        (b"Rar!\x1A\x07", "RAR"),
        (b"\x7FELF", "ELF"),
        (b"\xCA\xFE\xBA\xBE", "Mach-O/Java class"),
        (b"\xCF\xFA\xED\xFE", "Mach-O"),
        (b"\x00asm", "WebAssembly"),
        (b"SQLite format 3\x00", "SQLite"),
        (b"OggS", "Ogg"),
        (b"fLaC", "FLAC"),
        (b"ID3", "MP3"),
        (b"II*\x00", "TIFF"),
        (b"MM\x00*", "TIFF"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "OLE2 (legacy Office)"),
        (b"wOFF", "WOFF"),
        (b"wOF2", "WOFF2"),
    ];
    if let Some((_, name)) = SIGNATURES.iter().find(|(magic, _)| b.starts_with(magic)) {
        return Some(BinaryKind::Signature(name));
    }
    if b.len() >= 12 && &b[0..4] == b"RIFF" {
        return Some(BinaryKind::Signature("RIFF (WAV/AVI/WebP)"));
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return Some(BinaryKind::Signature("MP4/QuickTime"));
    }
    None
}

/// Share of NUL and other binary control characters in decoded text: below
/// the raw-byte thresholds, so text that passes here passes the byte test
/// when its UTF-8 output is read again, even after cleaning shortened it.
const TEXT_CONTROL_RATIO: f64 = 0.04;

pub(super) fn control_heavy_text(text: &str) -> bool {
    let (mut chars, mut controls) = (0usize, 0usize);
    for c in text.chars() {
        chars += 1;
        controls += usize::from(c < '\u{80}' && (c == '\0' || is_binary_control(c as u8)));
    }
    ratio(controls, chars) > TEXT_CONTROL_RATIO
}

pub(super) fn is_binary_control(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x10..=0x1A | 0x1C..=0x1F)
}

/// Bytes of `b` that are [`is_binary_control`]. Counted per run of
/// [`CONTROL_COUNT_RUN`] bytes into a byte, a form the compiler turns
/// into vector code: this runs over the first 64 KB of every file, and
/// byte by byte it was 1.5% of a run's instructions.
pub(super) fn count_binary_controls(b: &[u8]) -> usize {
    b.chunks(CONTROL_COUNT_RUN)
        .map(|run| {
            let n = run
                .iter()
                .fold(0u8, |n, &x| n + u8::from(is_binary_control(x)));
            usize::from(n)
        })
        .sum()
}

/// The most bytes whose count a `u8` holds.
const CONTROL_COUNT_RUN: usize = u8::MAX as usize;

#[cfg(test)]
mod tests {
    use crate::stages::decode::tests::decoded;
    use crate::stages::decode::{BinaryKind, Decoded, decode};

    #[test]
    fn controls_are_counted_across_runs_as_one_by_one() {
        use super::{count_binary_controls, is_binary_control};
        // Every byte value, repeated past several runs of the counter.
        let bytes: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 256) as u8).collect();
        for len in [0, 1, 254, 255, 256, 511, 2000] {
            let one_by_one = bytes[..len]
                .iter()
                .filter(|&&b| is_binary_control(b))
                .count();
            assert_eq!(count_binary_controls(&bytes[..len]), one_by_one, "{len}");
        }
        assert_eq!(count_binary_controls(&[0x01; 600]), 600);
    }

    #[test]
    fn binary_signatures_and_nuls() {
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\nrest"),
            Decoded::Binary(BinaryKind::Signature("PNG"))
        ));
        let mut elfish = vec![0u8; 400];
        elfish.extend_from_slice(b"abc\x01\x02\x03xyz");
        elfish.extend(std::iter::repeat_n(0u8, 300));
        assert!(matches!(decode(&elfish), Decoded::Binary(_)));
    }

    #[test]
    fn a_text_file_about_a_format_is_not_that_format() {
        let (s, _) = decoded(b"%PDF-1.7 is the version this note talks about.\n");
        assert!(s.starts_with("%PDF-"));
        assert!(matches!(
            decode(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\x00"),
            Decoded::Binary(BinaryKind::Signature("PDF"))
        ));
        // Behind a BOM, a signature with binary bytes is still binary.
        let mut sqlite = b"\xEF\xBB\xBFSQLite format 3\x00".to_vec();
        sqlite.extend("中文".repeat(40).as_bytes());
        assert!(matches!(
            decode(&sqlite),
            Decoded::Binary(BinaryKind::Signature("SQLite"))
        ));
    }

    #[test]
    fn text_judged_behind_a_bom_is_judged_alike_when_read_again() {
        // ASCII lines with a growing share of control characters (per mille),
        // in UTF-16 behind a BOM: whatever this reading accepts as text must
        // be accepted again when its UTF-8 output is read, or a cleaned file
        // turns binary on the next run. Past the raw-byte thresholds nothing
        // may pass; below TEXT_CONTROL_RATIO everything must.
        let mut accepted = 0;
        for per_mille in (0..=100).step_by(5) {
            let mut text = String::new();
            for i in 0..2000 {
                text.push(if i * per_mille % 1000 < per_mille {
                    '\u{1}'
                } else {
                    'a'
                });
                if i % 50 == 49 {
                    text.push('\n');
                }
            }
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            if let Decoded::Text { text, .. } = decode(&bytes) {
                accepted += 1;
                assert!(
                    matches!(decode(text.as_bytes()), Decoded::Text { .. }),
                    "{per_mille}\u{2030} of controls passed behind a BOM but not as UTF-8"
                );
            }
        }
        // 0 to 4 % in steps of 0.5 %.
        assert_eq!(accepted, 9);
    }

    #[test]
    fn a_few_stray_nuls_or_controls_leave_text_text() {
        // 4,000 bytes of ASCII prose with a share (per mille) of its bytes
        // replaced at scattered places, in no UTF-16 pattern: stray bytes a
        // text file picks up stay text (repair removes them), while 6 % is
        // more than text carries.
        let with = |byte: u8, per_mille: usize| -> Vec<u8> {
            let prose = b"The quick brown fox jumps over the lazy dog. ";
            (0..4000)
                .map(|i| {
                    if i * 919 % 1000 < per_mille {
                        byte
                    } else {
                        prose[i % prose.len()]
                    }
                })
                .collect()
        };
        for byte in [0x00, 0x01] {
            assert!(
                matches!(decode(&with(byte, 40)), Decoded::Text { .. }),
                "{byte}"
            );
            assert!(
                matches!(decode(&with(byte, 60)), Decoded::Binary(_)),
                "{byte}"
            );
        }
    }
}

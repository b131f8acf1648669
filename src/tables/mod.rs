//! Generated lookup tables (see `scripts/gen-*.py`; do not edit them by hand).

/// CNS 11643 planes 1-7 to Unicode, from glibc iconv's EUC-TW mapping, for decoding EUC-TW.
pub mod cns11643;
/// Bitmap of ~1100 common hanzi (Simplified and Traditional) used to score GBK/Big5 decodings.
pub mod common_hanzi;
/// Traditional/variant → Simplified characters and Taiwan → mainland vocabulary, from OpenCC, for dedup's comparison key.
pub mod regional_fold;

//! Generated lookup tables (see `scripts/gen-*.py`; do not edit them by hand).

/// Code page 950's Big5 pairs where WHATWG's Big5 differs (ETEN's kana, Cyrillic and signs), for undoing GBK read as Big5.
pub mod big5_cp950;
/// CNS 11643 planes 1-7 to Unicode, from glibc iconv's EUC-TW mapping, for decoding EUC-TW.
pub mod cns11643;
/// High halves of the single-byte code pages whose misreadings of UTF-8 the repair stage undoes.
pub mod codepages;
/// Bitmap of ~1100 common hanzi (Simplified and Traditional) used to score GBK/Big5 decodings.
pub mod common_hanzi;
/// Bitmap of GB2312 level-1 and Big5 level-1 hanzi, the commonest of each script.
pub mod frequent_hanzi;
/// Common kanji only Japanese uses (shinjitai, kokuji), to recognise Japanese written without kana.
pub mod japanese_kanji;
/// OpenCC 1.4.2's dictionary changes over the data the `zhhz` engine vendors, for the convert stage.
pub mod opencc_overlay;
/// Toned pinyin → the frequent hanzi read so, from pypinyin, to restore a lost hanzi from its surviving annotation.
pub mod pinyin_readings;
/// Traditional/variant → Simplified characters and Taiwan → mainland vocabulary, from OpenCC, for dedup's comparison key.
pub mod regional_fold;

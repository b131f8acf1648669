//! Corpora as records: JSON Lines shards (`.jsonl`, `.ndjson`, optionally
//! `.gz` or `.zst`) and Parquet shards (`.parquet`, with the `parquet`
//! feature) cleaned record by record, every field other than the text kept
//! as it came.
//!
//! Example: `{"id":1,"text":"ｈｅｌｌｏ\r\n","url":"u"}` →
//! `{"id":1,"text":"hello\n","url":"u","canon":{"encoding":"UTF-8",…}}`,
//! in `DIR/<shard path>`, compressed as the input was.
//!
//! [`json`] is the pure part (find the text, write the record back);
//! [`run`] reads shards in bounded batches cleaned on every core, dedups
//! across all records of all shards, and writes through the same staging
//! and rename as files; `--resume` reuses the shards an interrupted run
//! staged. Inputs mixing shards and text files are cleaned as text unless
//! `--input-format mixed` asks for both in one run (a note says so).

pub mod json;
pub mod run;

use std::path::Path;

/// How a shard's bytes are compressed, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// The compression of a JSON Lines shard named `path`, or `None` when the
/// name is not a shard's.
pub fn shard_compression(path: &Path) -> Option<Compression> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (stem, compression) = if let Some(stem) = name.strip_suffix(".gz") {
        (stem, Compression::Gzip)
    } else if let Some(stem) = name.strip_suffix(".zst") {
        (stem, Compression::Zstd)
    } else {
        (name.as_str(), Compression::None)
    };
    (stem.ends_with(".jsonl") || stem.ends_with(".ndjson")).then_some(compression)
}

/// Whether `path` is named as a Parquet shard (`.parquet`).
pub fn is_parquet(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".parquet"))
}

/// Whether `path` is named as a record shard of either format.
pub fn is_shard(path: &Path) -> bool {
    shard_compression(path).is_some() || is_parquet(path)
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// By extension: `.jsonl`, `.ndjson` (`.gz`, `.zst`) and `.parquet`
    /// are record shards.
    Auto,
    Jsonl,
    Parquet,
    Text,
    /// Shards by extension as records, every other file as text, in one
    /// run with one dedup across documents and records.
    Mixed,
}

/// What a records run needs beyond [`crate::corpus::CleanConfig`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordConfig {
    /// Path of the field to clean (`--text-field`, dotted).
    pub text_field: Vec<String>,
    /// Path of the record id (`--id-field`); by default `shard:line`.
    pub id_field: Option<Vec<String>>,
    /// Name of the metadata field, or `None` for `--no-record-metadata`.
    pub meta_field: Option<String>,
    /// Every input is a shard, whatever its name (`--input-format jsonl`
    /// or `parquet`).
    pub all_shards: bool,
    /// Every input is a Parquet shard (`--input-format parquet`).
    pub all_parquet: bool,
    /// Inputs not named as shards are text files, cleaned in the same
    /// run (`--input-format mixed`).
    pub mixed: bool,
}

/// The record flags of `canon clean`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// How to read the inputs: auto (record shards by extension: .jsonl, .ndjson, also .gz or
    /// .zst, and .parquet), jsonl (every input is a JSON Lines shard; with `-`, stdin),
    /// parquet (every input is a Parquet shard), text, mixed (shards by extension as records,
    /// other files as text, one run and one dedup).
    /// [default: auto]
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// The record field to clean; a dotted path (`doc.body`) reaches into nested objects
    /// [default: text].
    #[arg(long, value_name = "NAME")]
    pub text_field: Option<String>,
    /// The record field that identifies a record in `duplicate_of` and clusters.jsonl
    /// (default: `shard:line`).
    #[arg(long, value_name = "NAME")]
    pub id_field: Option<String>,
    /// Name of the field added to each record with what canon did to it [default: canon].
    #[arg(long, value_name = "NAME")]
    pub record_metadata_field: Option<String>,
    /// Add no metadata field to the records.
    #[arg(long)]
    pub no_record_metadata: bool,
}

/// The defaults of the record flags (unset flags are `None`, so that
/// `canon.toml` can fill them).
const DEFAULT_TEXT_FIELD: &str = "text";
const DEFAULT_METADATA_FIELD: &str = "canon";

impl RecordArgs {
    /// `--input-format`, or its default.
    pub fn input_format(&self) -> InputFormat {
        self.input_format.unwrap_or(InputFormat::Auto)
    }

    /// `--text-field`, or its default.
    pub fn text_field(&self) -> &str {
        self.text_field.as_deref().unwrap_or(DEFAULT_TEXT_FIELD)
    }

    /// `--record-metadata-field`, or its default.
    pub fn record_metadata_field(&self) -> &str {
        self.record_metadata_field
            .as_deref()
            .unwrap_or(DEFAULT_METADATA_FIELD)
    }

    /// The validated configuration.
    pub fn config(&self) -> crate::Result<RecordConfig> {
        let text_field = self.text_field();
        if text_field.is_empty() || text_field.split('.').any(str::is_empty) {
            return Err(crate::Error::Config(format!(
                "--text-field {text_field:?} is not a field path"
            )));
        }
        let format = self.input_format();
        Ok(RecordConfig {
            text_field: json::field_path(text_field),
            id_field: self.id_field.as_deref().map(json::field_path),
            meta_field: (!self.no_record_metadata)
                .then(|| self.record_metadata_field().to_string()),
            all_shards: matches!(format, InputFormat::Jsonl | InputFormat::Parquet),
            all_parquet: format == InputFormat::Parquet,
            mixed: format == InputFormat::Mixed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_known_by_name() {
        let c = |s: &str| shard_compression(Path::new(s));
        assert_eq!(c("a/b.jsonl"), Some(Compression::None));
        assert_eq!(c("b.NDJSON"), Some(Compression::None));
        assert_eq!(c("b.jsonl.gz"), Some(Compression::Gzip));
        assert_eq!(c("b.jsonl.zst"), Some(Compression::Zstd));
        assert_eq!(c("b.txt"), None);
        assert_eq!(c("b.json"), None);
        assert_eq!(c("b.gz"), None);
        assert!(is_parquet(Path::new("d/train-00000-of-00002.PARQUET")));
        assert!(!is_parquet(Path::new("parquet.txt")));
        assert!(is_shard(Path::new("a.parquet")) && is_shard(Path::new("a.ndjson")));
    }
}

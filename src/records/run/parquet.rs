//! Parquet shards in the records runner: a text column cleaned row by row,
//! every other column passed through, the metadata column added.
//!
//! Example, text column `text` (string), metadata field `canon`:
//! rows `(id: 1, text: "ｈｅｌｌｏ\r\n", tags: ["a"])` →
//! `(id: 1, text: "hello\n", tags: ["a"], canon: "{\"encoding\":\"UTF-8\",…}")`,
//! in `DIR/<shard path>`, zstd-compressed, in row groups of at most
//! [`ROW_GROUP_BYTES`].
//!
//! A string column (`Utf8`, `LargeUtf8`, `Utf8View`) is cleaned as text; a
//! binary one (`Binary`, `LargeBinary`, `BinaryView`: bytes without the
//! UTF-8 annotation) goes through the decode stage as a file does, so GBK
//! or Big5 stored as bytes comes out as UTF-8 (still in a binary column:
//! the schema is the input's). The metadata column is a string holding the
//! same JSON object as the JSON Lines metadata field; an input column of
//! that name is replaced in place, so cleaning canon's output again keeps
//! one.
//!
//! Phase 1 reads [`READ_BATCH_ROWS`] rows at a time, cleans them on every
//! core and appends them to a staged Parquet file (one row group per
//! batch), and one line per row with its text and id to a side file that
//! phase 2 reads back like a staged JSON Lines shard. Phase 3 streams the
//! staged rows into the output, leaving duplicates out or marking their
//! metadata.
//!
//! A dotted `--text-field` (`doc.body`) reaches into struct columns, and
//! the struct is rebuilt around the cleaned child; a dictionary-encoded
//! text column keeps its keys, its entries replaced by their cleaned text.
//!
//! Limits: an id is read from a string or integer column (top-level or
//! inside structs); lists are not reached into; a row whose text is null,
//! or whose bytes decode as binary, is written through untouched (its
//! metadata null) and counted as `untouched`; a damaged row group ends the
//! shard with an error, the rows before it are written.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, BooleanArray, LargeBinaryArray,
    LargeStringArray, RecordBatch, StringArray, StringViewArray, StructArray,
};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::basic::{Compression as Codec, ZstdLevel};
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;

use super::{
    Compression, Phase1, Removed, Shard, Unit, ZSTD_LEVEL, add_changes, finish_value, mark_meta,
    write_compressed,
};
use crate::corpus::CleanConfig;
use crate::error::{Error, Result};
use crate::manifest::RecordCounts;
use crate::pipeline::{self, Options, Outcome};
use crate::records::{RecordConfig, json};
use crate::timings::StageTimes;
use crate::walk::Item;

/// Rows read and cleaned together. Parquet hands out rows, not bytes, so
/// this is smaller than the JSON Lines batch: 1,024 documents of 16 KB
/// are the 16 MB a JSON Lines batch stops at, and still keep two cores busy.
pub const READ_BATCH_ROWS: usize = 1024;

/// An output row group ends past this many encoded bytes: the writer holds
/// the row group being written in memory, so this bounds canon's peak, and
/// tens of megabytes is the size readers can skip and fetch by.
pub const ROW_GROUP_BYTES: usize = 64 * 1024 * 1024;

/// An output row group ends past this many rows too, so a shard of short
/// records still has several row groups for readers to split between
/// threads.
pub const ROW_GROUP_ROWS: usize = 100_000;

/// A Parquet shard after phase 1: its staged rows, and where its metadata
/// column is (phase 3 marks kept duplicates there).
pub(super) struct Table {
    pub(super) path: PathBuf,
    pub(super) meta_column: Option<usize>,
}

/// How a text column's values are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Utf8,
    LargeUtf8,
    Utf8View,
    Binary,
    LargeBinary,
    BinaryView,
}

impl Column {
    fn of(data_type: &DataType) -> Option<Column> {
        Some(match data_type {
            DataType::Utf8 => Column::Utf8,
            DataType::LargeUtf8 => Column::LargeUtf8,
            DataType::Utf8View => Column::Utf8View,
            DataType::Binary => Column::Binary,
            DataType::LargeBinary => Column::LargeBinary,
            DataType::BinaryView => Column::BinaryView,
            _ => return None,
        })
    }

    fn is_binary(self) -> bool {
        matches!(
            self,
            Column::Binary | Column::LargeBinary | Column::BinaryView
        )
    }

    /// The column's values as bytes (`None` for null).
    fn values(self, array: &ArrayRef) -> Vec<Option<&[u8]>> {
        match self {
            Column::Utf8 => bytes_of(array.as_string::<i32>().iter()),
            Column::LargeUtf8 => bytes_of(array.as_string::<i64>().iter()),
            Column::Utf8View => bytes_of(array.as_string_view().iter()),
            Column::Binary => array.as_binary::<i32>().iter().collect(),
            Column::LargeBinary => array.as_binary::<i64>().iter().collect(),
            Column::BinaryView => array.as_binary_view().iter().collect(),
        }
    }

    /// A column of this type holding `values`; for a string column they
    /// are UTF-8 (cleaned text, or the input's own value).
    fn build(self, values: &[Option<&[u8]>]) -> ArrayRef {
        let text = || {
            values
                .iter()
                .map(|v| v.map(|b| std::str::from_utf8(b).expect("a string column holds UTF-8")))
        };
        match self {
            Column::Utf8 => Arc::new(StringArray::from_iter(text())),
            Column::LargeUtf8 => Arc::new(LargeStringArray::from_iter(text())),
            Column::Utf8View => Arc::new(StringViewArray::from_iter(text())),
            Column::Binary => Arc::new(BinaryArray::from_iter(values.iter().copied())),
            Column::LargeBinary => Arc::new(LargeBinaryArray::from_iter(values.iter().copied())),
            Column::BinaryView => Arc::new(BinaryViewArray::from_iter(values.iter().copied())),
        }
    }
}

/// A text column: its values' type, and whether they sit in a dictionary
/// (an arrow `Dictionary` column, as pyarrow writes a categorical).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TextColumn {
    column: Column,
    dictionary: bool,
}

impl TextColumn {
    fn of(data_type: &DataType) -> Option<TextColumn> {
        match data_type {
            DataType::Dictionary(_, values) => Some(TextColumn {
                column: Column::of(values)?,
                dictionary: true,
            }),
            other => Some(TextColumn {
                column: Column::of(other)?,
                dictionary: false,
            }),
        }
    }

    /// Every row's value as bytes (`None` for null): a dictionary row's
    /// value is the dictionary entry its key points to.
    fn values(self, array: &ArrayRef) -> Vec<Option<&[u8]>> {
        if !self.dictionary {
            return self.column.values(array);
        }
        let dictionary = array.as_any_dictionary();
        let entries = self.column.values(dictionary.values());
        let keys = dictionary.normalized_keys();
        (0..array.len())
            .map(|row| {
                if array.is_null(row) {
                    None
                } else {
                    entries[keys[row]]
                }
            })
            .collect()
    }

    /// The column as `input` was, its rows now holding `rows`. A
    /// dictionary keeps its keys: cleaning gives the same text for the
    /// same entry, so each entry is replaced by what its rows became
    /// (an entry no row points to stays as it was).
    fn build(self, input: &ArrayRef, rows: &[Option<&[u8]>]) -> ArrayRef {
        if !self.dictionary {
            return self.column.build(rows);
        }
        let dictionary = input.as_any_dictionary();
        let mut entries = self.column.values(dictionary.values());
        for (row, key) in dictionary.normalized_keys().into_iter().enumerate() {
            if !input.is_null(row) {
                entries[key] = rows[row];
            }
        }
        dictionary.with_values(self.column.build(&entries))
    }
}

fn bytes_of<'a>(strings: impl Iterator<Item = Option<&'a str>>) -> Vec<Option<&'a [u8]>> {
    strings.map(|s| s.map(str::as_bytes)).collect()
}

/// What phase 1 made of one row.
enum Row {
    /// Null, or bytes that decode as binary: written as they came.
    Untouched,
    Text(super::Value),
}

/// Cleans one row's value. Pure, like [`super::clean_line`].
fn clean_row(
    raw: Option<&[u8]>,
    binary: bool,
    options: &Options,
    rc: &RecordConfig,
    times: &mut StageTimes,
) -> Row {
    let Some(raw) = raw else {
        return Row::Untouched;
    };
    if binary {
        // A final newline in any of the encodings decode reads (UTF-16's
        // `\n` has a NUL beside it).
        let had_newline = raw.ends_with(b"\n") || raw.ends_with(b"\n\0") || raw.ends_with(b"\0\n");
        return match pipeline::clean_bytes_timed(raw, options, times) {
            Outcome::Binary(_) => Row::Untouched,
            Outcome::Text(c) => Row::Text(finish_value(
                Cow::Owned(c.text),
                c.changes,
                c.script,
                had_newline,
                c.decode.encoding,
                0,
                options,
                rc,
                times,
            )),
        };
    }
    let text = std::str::from_utf8(raw).expect("a string column holds UTF-8");
    let c = pipeline::clean_text_timed(text, options, times);
    Row::Text(finish_value(
        c.text,
        c.changes,
        c.script,
        text.ends_with('\n'),
        "UTF-8",
        0,
        options,
        rc,
        times,
    ))
}

/// Where the columns canon reads and writes are in a shard's schema.
struct Layout {
    /// The text column: a top-level column's index, then a child's index
    /// in each struct the dotted `--text-field` reaches into.
    text: Vec<usize>,
    column: TextColumn,
    /// The id column, found the same way.
    id: Option<Vec<usize>>,
    /// The metadata column: an input column of that name, or one past
    /// the input's columns.
    meta: Option<usize>,
    output: SchemaRef,
}

/// The place of the column at `path` (top-level name, then names of
/// struct children) and its field.
fn find<'a>(
    fields: &'a Fields,
    path: &[String],
) -> std::result::Result<(Vec<usize>, &'a Field), String> {
    let mut indices = Vec::with_capacity(path.len());
    let mut fields = fields;
    let mut found = None;
    for (depth, name) in path.iter().enumerate() {
        if depth > 0 {
            let parent: &Field = found.expect("a parent before a child");
            let DataType::Struct(children) = parent.data_type() else {
                return Err(format!(
                    "column {:?} is {}, not a struct to reach into",
                    path[..depth].join("."),
                    parent.data_type()
                ));
            };
            fields = children;
        }
        let (i, field) = fields
            .find(name)
            .ok_or_else(|| format!("no column named {:?}", path[..=depth].join(".")))?;
        indices.push(i);
        found = Some(field.as_ref());
    }
    Ok((indices, found.expect("a field path is not empty")))
}

/// Finds the text, id and metadata columns, or says why the shard cannot
/// be cleaned.
fn layout(schema: &Schema, rc: &RecordConfig) -> std::result::Result<Layout, String> {
    let (text, field) = find(schema.fields(), &rc.text_field)?;
    let column = TextColumn::of(field.data_type()).ok_or_else(|| {
        format!(
            "column {:?} is {}, not a string or binary column",
            rc.text_field.join("."),
            field.data_type()
        )
    })?;
    let id = rc
        .id_field
        .as_deref()
        .and_then(|path| find(schema.fields(), path).ok())
        .map(|(indices, _)| indices);
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let meta = rc.meta_field.as_deref().map(|name| {
        let field = Field::new(name, DataType::Utf8, true);
        match schema.index_of(name) {
            Ok(i) => {
                fields[i] = field;
                i
            }
            Err(_) => {
                fields.push(field);
                fields.len() - 1
            }
        }
    });
    if meta.is_some() && meta == text.first().copied() {
        return Err(format!(
            "the text column {:?} is also the metadata column",
            rc.text_field.join(".")
        ));
    }
    Ok(Layout {
        text,
        column,
        id,
        meta,
        output: Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())),
    })
}

/// The column at `path` in `columns`, and for each row whether every
/// struct above it is valid (`None`: all are); a row under a null struct
/// has no value.
fn leaf(columns: &[ArrayRef], path: &[usize]) -> (ArrayRef, Option<Vec<bool>>) {
    let mut array = columns[path[0]].clone();
    let mut valid: Option<Vec<bool>> = None;
    for &child in &path[1..] {
        if array.null_count() > 0 {
            let v = valid.get_or_insert_with(|| vec![true; array.len()]);
            for (row, ok) in v.iter_mut().enumerate() {
                *ok &= array.is_valid(row);
            }
        }
        array = array.as_struct().column(child).clone();
    }
    (array, valid)
}

/// `column` with the array at `path` below it (struct children) replaced
/// by `new`.
fn replace(
    column: &ArrayRef,
    path: &[usize],
    new: ArrayRef,
) -> std::result::Result<ArrayRef, arrow_schema::ArrowError> {
    let Some((&child, rest)) = path.split_first() else {
        return Ok(new);
    };
    let parent = column.as_struct();
    let mut children = parent.columns().to_vec();
    children[child] = replace(&children[child], rest, new)?;
    Ok(Arc::new(StructArray::try_new(
        parent.fields().clone(),
        children,
        parent.nulls().cloned(),
    )?))
}

/// An id column's values as text: strings as they are, integers in
/// decimal; other types give no id (the default `shard:row` is used).
fn ids(array: &ArrayRef) -> Vec<Option<String>> {
    fn owned<'a>(v: impl Iterator<Item = Option<&'a str>>) -> Vec<Option<String>> {
        v.map(|s| s.map(str::to_string)).collect()
    }
    fn decimal<T: ToString>(v: impl Iterator<Item = Option<T>>) -> Vec<Option<String>> {
        v.map(|n| n.map(|n| n.to_string())).collect()
    }
    match array.data_type() {
        DataType::Utf8 => owned(array.as_string::<i32>().iter()),
        DataType::LargeUtf8 => owned(array.as_string::<i64>().iter()),
        DataType::Utf8View => owned(array.as_string_view().iter()),
        DataType::Int32 => decimal(array.as_primitive::<Int32Type>().iter()),
        DataType::Int64 => decimal(array.as_primitive::<Int64Type>().iter()),
        DataType::UInt32 => decimal(array.as_primitive::<UInt32Type>().iter()),
        DataType::UInt64 => decimal(array.as_primitive::<UInt64Type>().iter()),
        _ => vec![None; array.len()],
    }
}

fn parquet_error(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::other(e)
}

/// Phase 1 for a Parquet shard: its rows cleaned into the work directory
/// (files named `stem` with their own extensions), one unit per row (a row
/// left untouched has no dedup signature).
#[allow(clippy::too_many_arguments)]
pub(super) fn stage(
    item: &Item,
    n: u32,
    stem: &Path,
    config: &CleanConfig,
    rc: &RecordConfig,
    pool: &rayon::ThreadPool,
    phase1: &mut Phase1,
    shard: &mut Shard,
) -> Result<()> {
    let file = match File::open(&item.source) {
        Ok(f) => f,
        Err(e) => {
            shard.entry.fail(format!("cannot read: {e}"));
            return Ok(());
        }
    };
    shard.entry.bytes_in = file.metadata().map_or(0, |m| m.len());
    let metadata = match ArrowReaderMetadata::load(&file, ArrowReaderOptions::default()) {
        Ok(m) => m,
        Err(e) => {
            shard
                .entry
                .fail(format!("not a readable Parquet file: {e}; 0 records read"));
            return Ok(());
        }
    };
    let layout = match layout(metadata.schema(), rc) {
        Ok(l) => l,
        Err(message) => {
            shard.entry.fail(format!("{message}; 0 records read"));
            return Ok(());
        }
    };
    // Row group by row group, so damage in one keeps the rows before it.
    let batches = (0..metadata.metadata().num_row_groups()).flat_map(|group| {
        let reader = file.try_clone().map_err(|e| e.to_string()).and_then(|f| {
            ParquetRecordBatchReaderBuilder::new_with_metadata(f, metadata.clone())
                .with_row_groups(vec![group])
                .with_batch_size(READ_BATCH_ROWS)
                .build()
                .map_err(|e| e.to_string())
        });
        let batches: Box<dyn Iterator<Item = std::result::Result<RecordBatch, String>>> =
            match reader {
                Ok(r) => Box::new(r.map(|b| b.map_err(|e| e.to_string()))),
                Err(e) => Box::new(std::iter::once(Err(e))),
            };
        batches
    });
    let table_path = stem.with_extension("parquet");
    let side_path = stem.with_extension("texts");
    let create = |p: &Path| {
        File::create(p)
            .map(BufWriter::new)
            .map_err(|e| Error::io(p, e))
    };
    let staging_error = |e: parquet::errors::ParquetError| Error::io(&table_path, parquet_error(e));
    // Staged rows are read once more, by canon: no compression.
    let mut table = ArrowWriter::try_new(create(&table_path)?, layout.output.clone(), None)
        .map_err(staging_error)?;
    let mut side = create(&side_path)?;
    let mut counts = RecordCounts::default();
    let mut first_untouched = None;
    let mut offset = 0u64;
    let mut row = 0u64;
    for batch in batches {
        if super::interrupted(config) {
            return Err(Error::Interrupted);
        }
        let batch = match batch {
            Ok(b) => b,
            Err(e) => {
                shard.entry.fail(format!(
                    "Parquet shard damaged after {} records (row {row}): {e}; the records before were written",
                    counts.records
                ));
                break;
            }
        };
        let (text_array, valid) = leaf(batch.columns(), &layout.text);
        let mut values = layout.column.values(&text_array);
        if let Some(valid) = &valid {
            for (v, ok) in values.iter_mut().zip(valid) {
                if !ok {
                    *v = None;
                }
            }
        }
        let binary = layout.column.column.is_binary();
        let (rows, row_times): (Vec<Row>, Vec<StageTimes>) = pool.install(|| {
            values
                .par_iter()
                .map(|v| {
                    let mut t = StageTimes::default();
                    (clean_row(*v, binary, &config.options, rc, &mut t), t)
                })
                .unzip()
        });
        for t in &row_times {
            phase1.times.add(t);
        }
        let ids = layout.id.as_deref().map(|path| {
            let (array, valid) = leaf(batch.columns(), path);
            let mut ids = ids(&array);
            if let Some(valid) = valid {
                for (id, ok) in ids.iter_mut().zip(valid) {
                    if !ok {
                        *id = None;
                    }
                }
            }
            ids
        });
        let out_values: Vec<Option<&[u8]>> = values
            .iter()
            .zip(&rows)
            .map(|(input, r)| match r {
                Row::Text(v) => Some(v.text.as_bytes()),
                Row::Untouched => *input,
            })
            .collect();
        let mut columns = batch.columns().to_vec();
        let top = layout.text[0];
        columns[top] = replace(
            &columns[top],
            &layout.text[1..],
            layout.column.build(&text_array, &out_values),
        )
        .map_err(|e| Error::io(&table_path, parquet_error(e)))?;
        if let Some(i) = layout.meta {
            let meta: StringArray = rows
                .iter()
                .map(|r| match r {
                    Row::Text(v) => v.meta.as_deref(),
                    Row::Untouched => None,
                })
                .collect();
            if i < columns.len() {
                columns[i] = Arc::new(meta);
            } else {
                columns.push(Arc::new(meta));
            }
        }
        let staged = RecordBatch::try_new(layout.output.clone(), columns)
            .map_err(|e| Error::io(&table_path, parquet_error(e)))?;
        table.write(&staged).map_err(staging_error)?;
        // One row group per batch: the writer holds no more than a batch.
        table.flush().map_err(staging_error)?;
        for (k, r) in rows.into_iter().enumerate() {
            counts.records += 1;
            let mut unit = Unit {
                shard: n,
                line: row,
                offset,
                len: 0,
                fingerprint: Default::default(),
                signature: None,
            };
            let line = match r {
                Row::Untouched => {
                    counts.untouched += 1;
                    first_untouched.get_or_insert(row);
                    "{}".to_string()
                }
                Row::Text(v) => {
                    counts.cleaned += 1;
                    if v.text.is_empty() {
                        counts.empty += 1;
                    }
                    add_changes(&mut shard.entry, &v.changes, 0);
                    unit.fingerprint = v.fingerprint;
                    unit.signature = v.signature;
                    let mut object = serde_json::Map::new();
                    if let Some(Some(id)) = ids.as_ref().map(|ids| &ids[k]) {
                        let path = rc.id_field.as_deref().expect("an id column");
                        json::insert_at(&mut object, path, id.clone().into());
                    }
                    json::insert_at(&mut object, &rc.text_field, v.text.into());
                    serde_json::Value::Object(object).to_string()
                }
            };
            side.write_all(line.as_bytes())
                .and_then(|()| side.write_all(b"\n"))
                .map_err(|e| Error::io(&side_path, e))?;
            unit.len = line.len() as u32;
            offset += line.len() as u64 + 1;
            phase1.units.push(unit);
            row += 1;
        }
    }
    table.close().map_err(staging_error)?;
    side.flush().map_err(|e| Error::io(&side_path, e))?;
    if let Some(first) = first_untouched {
        shard.entry.warnings.push(format!(
            "{} row(s) with a null text, or bytes that are not text, written through untouched (the first: row {first})",
            counts.untouched
        ));
    }
    shard.staged = Some(side_path);
    shard.table = Some(Table {
        path: table_path,
        meta_column: layout.meta,
    });
    shard.entry.encoding = Some(if layout.column.column.is_binary() {
        "per record".into()
    } else {
        "UTF-8".into()
    });
    shard.entry.records = Some(counts);
    Ok(())
}

/// The output's writer settings: zstd at the level the JSON Lines shards
/// use, row groups bounded by [`ROW_GROUP_BYTES`] and [`ROW_GROUP_ROWS`].
fn output_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Codec::ZSTD(
            ZstdLevel::try_new(ZSTD_LEVEL).expect("a valid zstd level"),
        ))
        .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build()
}

/// Phase 3 for a Parquet shard: the staged rows streamed into the output,
/// duplicates left out or their metadata marked.
pub(super) fn finish(
    shard: &mut Shard,
    table: &Table,
    n: u32,
    units: &[Unit],
    removed: Option<&HashMap<usize, Removed>>,
    out: &Path,
    keep_duplicates: bool,
) -> Result<()> {
    // The staged files stay until the run ends: an interrupted phase 3 is
    // resumed from them.
    shard.staged = None;
    let first = units.partition_point(|u| u.shard < n);
    let dest = out.join(&shard.rel);
    let written = write_compressed(&dest, Compression::None, |sink| {
        let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(&table.path)?)
            .map_err(parquet_error)?;
        let schema = builder.schema().clone();
        let reader = builder
            .with_batch_size(READ_BATCH_ROWS)
            .build()
            .map_err(parquet_error)?;
        let mut writer =
            ArrowWriter::try_new(sink, schema, Some(output_properties())).map_err(parquet_error)?;
        let mut row = first;
        for batch in reader {
            let batch = batch.map_err(parquet_error)?;
            let removals: Vec<Option<&Removed>> = (row..row + batch.num_rows())
                .map(|i| removed.and_then(|r| r.get(&i)))
                .collect();
            row += batch.num_rows();
            let batch = if keep_duplicates {
                mark_rows(batch, &removals, table.meta_column)
            } else {
                drop_rows(batch, &removals)
            }
            .map_err(parquet_error)?;
            writer.write(&batch).map_err(parquet_error)?;
        }
        writer.close().map_err(parquet_error)?;
        Ok(())
    });
    let sha256 = written.map_err(|e| Error::io(&dest, e))?;
    shard.entry.bytes_out = fs::metadata(&dest).map_or(0, |m| m.len());
    shard.entry.sha256 = Some(sha256);
    // A damaged shard's rows before the damage are written too.
    shard.entry.output = Some(crate::corpus::display_path(&shard.rel).0);
    Ok(())
}

/// The batch without its removed rows.
fn drop_rows(
    batch: RecordBatch,
    removals: &[Option<&Removed>],
) -> std::result::Result<RecordBatch, arrow_schema::ArrowError> {
    if removals.iter().all(Option::is_none) {
        return Ok(batch);
    }
    let keep: BooleanArray = removals.iter().map(|r| Some(r.is_none())).collect();
    arrow_select::filter::filter_record_batch(&batch, &keep)
}

/// The batch with its removed rows' metadata marked as duplicates.
fn mark_rows(
    batch: RecordBatch,
    removals: &[Option<&Removed>],
    meta_column: Option<usize>,
) -> std::result::Result<RecordBatch, arrow_schema::ArrowError> {
    let Some(i) = meta_column else {
        return Ok(batch);
    };
    if removals.iter().all(Option::is_none) {
        return Ok(batch);
    }
    let marked: StringArray = batch
        .column(i)
        .as_string::<i32>()
        .iter()
        .zip(removals)
        .map(|(meta, removal)| match (meta, removal) {
            (Some(m), Some(r)) => Some(mark_meta(m, r).unwrap_or_else(|| m.to_string())),
            (m, _) => m.map(str::to_string),
        })
        .collect();
    let mut columns = batch.columns().to_vec();
    columns[i] = Arc::new(marked);
    RecordBatch::try_new(batch.schema(), columns)
}

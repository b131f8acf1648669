//! Parquet shards end to end through the real `canon` binary. Inputs are
//! built here with arrow-rs (no binary fixture to read unseen): passthrough
//! columns of every kind, a GBK binary column, dedup across a JSON Lines
//! and a Parquet shard, damaged files.
#![cfg(feature = "parquet")]

use std::ffi::OsStr;
use std::fs::{self, File};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{
    Array, ArrayRef, BinaryArray, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
    StructArray,
};
use arrow_schema::{DataType, Field, Fields, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

mod common;

/// Runs `canon clean <input> --out <out> --quiet <extra…>`; returns the exit
/// code, the manifest lines (none when there is no manifest) and stderr.
fn clean(input: &Path, out: &Path, extra: &[&str]) -> (i32, Vec<Value>, String) {
    let mut args: Vec<&dyn AsRef<OsStr>> = vec![&"clean", &input, &"--out", &out, &"--quiet"];
    args.extend(extra.iter().map(|a| a as &dyn AsRef<OsStr>));
    let (code, _, stderr) = common::run(&args, None);
    let manifest = if out.join("manifest.jsonl").exists() {
        common::manifest(out)
    } else {
        Vec::new()
    };
    (code, manifest, stderr)
}

fn write(path: &Path, batch: &RecordBatch, props: Option<WriterProperties>) {
    let mut w = ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), props).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

/// Every row of a Parquet file, as one batch, and its schema.
fn read(path: &Path) -> RecordBatch {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    // The builder's schema carries the file's metadata; the reader's not.
    let schema = builder.schema().clone();
    let reader = builder.build().unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    arrow_select::concat::concat_batches(&schema, &batches).unwrap()
}

fn strings(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    batch
        .column_by_name(name)
        .unwrap()
        .as_string::<i32>()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

/// Five rows with a string text column (one null) and passthrough columns
/// of every kind: integers, floats, nulls, a nested struct, a list,
/// unicode; and file-level metadata.
fn passthrough_batch() -> RecordBatch {
    let ids: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3, i64::MAX, -5]));
    let texts: ArrayRef = Arc::new(StringArray::from(vec![
        Some("ｈｅｌｌｏ\r\n"),
        Some("第一行\n第二行。。"),
        None,
        Some("already clean"),
        Some("Ünïcödé 😀 𠀀 "),
    ]));
    let scores: ArrayRef = Arc::new(Float64Array::from(vec![
        Some(2.5),
        None,
        Some(-0.0),
        Some(1e300),
        Some(f64::MIN_POSITIVE),
    ]));
    let inner = Fields::from(vec![
        Field::new("n", DataType::Int32, true),
        Field::new("url", DataType::Utf8, true),
    ]);
    let nested: ArrayRef = Arc::new(StructArray::new(
        inner.clone(),
        vec![
            Arc::new(Int32Array::from(vec![
                Some(1),
                None,
                Some(3),
                Some(4),
                Some(5),
            ])),
            Arc::new(StringArray::from(vec![
                Some("https://例子.cn/ａ"),
                Some(""),
                None,
                Some("u"),
                Some("\u{0}"),
            ])),
        ],
        Some(vec![true, true, false, true, true].into()),
    ));
    let mut tags = ListBuilder::new(StringBuilder::new());
    for row in [
        vec!["a", "ｂ"],
        vec![],
        vec!["c"],
        vec!["d", "e", "f"],
        vec!["繁體"],
    ] {
        for t in row {
            tags.values().append_value(t);
        }
        tags.append(true);
    }
    let tags: ArrayRef = Arc::new(tags.finish());
    let schema = Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("text", DataType::Utf8, true),
        Field::new("score", DataType::Float64, true),
        Field::new("meta", DataType::Struct(inner), true),
        Field::new("tags", tags.data_type().clone(), true),
    ])
    .with_metadata([("origin".to_string(), "a test".to_string())]);
    RecordBatch::try_new(Arc::new(schema), vec![ids, texts, scores, nested, tags]).unwrap()
}

#[test]
fn parquet_round_trip_keeps_every_row_column_and_the_order() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    fs::create_dir(&input).unwrap();
    let batch = passthrough_batch();
    write(&input.join("shard.parquet"), &batch, None);
    let (code, manifest, stderr) = clean(&input, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(manifest.len(), 1, "{manifest:?}");
    let counts = &manifest[0]["records"];
    assert_eq!(counts["records"], 5);
    assert_eq!(counts["cleaned"], 4);
    assert_eq!(counts["untouched"], 1, "the null text is counted");
    assert!(
        manifest[0]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("row 2"),
        "{manifest:?}"
    );

    let got = read(&out.join("shard.parquet"));
    assert_eq!(got.num_rows(), 5);
    // The input's columns, in their order, then the metadata column.
    let names: Vec<&str> = got
        .schema_ref()
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    assert_eq!(names, ["id", "text", "score", "meta", "tags", "canon"]);
    assert_eq!(got.schema_ref().metadata().get("origin").unwrap(), "a test");
    for name in ["id", "score", "meta", "tags"] {
        assert_eq!(
            got.column_by_name(name).unwrap().to_data(),
            batch.column_by_name(name).unwrap().to_data(),
            "column {name} changed"
        );
        assert_eq!(
            got.schema_ref().field_with_name(name).unwrap(),
            batch.schema_ref().field_with_name(name).unwrap()
        );
    }
    let texts = strings(&got, "text");
    assert_eq!(texts[0].as_deref(), Some("hello\n"));
    assert_eq!(texts[2], None, "a null text stays null");
    assert_eq!(texts[3].as_deref(), Some("already clean"));
    let meta = strings(&got, "canon");
    assert_eq!(meta[2], None);
    let first: Value = serde_json::from_str(meta[0].as_deref().unwrap()).unwrap();
    assert_eq!(first["encoding"], "UTF-8");
    assert_eq!(first["duplicate_of"], Value::Null);
    assert!(first["changes"].as_object().is_some_and(|c| !c.is_empty()));

    // zstd by default.
    let file =
        ParquetRecordBatchReaderBuilder::try_new(File::open(out.join("shard.parquet")).unwrap())
            .unwrap();
    let column = file.metadata().row_group(0).column(1);
    assert!(
        matches!(column.compression(), parquet::basic::Compression::ZSTD(_)),
        "{:?}",
        column.compression()
    );

    // Cleaning the output again changes no text and keeps one metadata
    // column.
    let again = tmp.path().join("again");
    let (code, _, stderr) = clean(&out, &again, &[]);
    assert_eq!(code, 0, "{stderr}");
    let twice = read(&again.join("shard.parquet"));
    assert_eq!(twice.num_columns(), got.num_columns());
    assert_eq!(strings(&twice, "text"), texts);
    assert_eq!(
        twice.column_by_name("meta").unwrap().to_data(),
        batch.column_by_name("meta").unwrap().to_data()
    );
}

/// Enough Chinese for the decoder to tell GBK from its neighbours.
const CHINESE: &str = "中华人民共和国成立以来，经济社会发展取得了举世瞩目的成就。\
人民生活水平不断提高，科学技术日新月异，文化事业繁荣发展。\
我们要继续努力学习，为建设美好的家园贡献自己的力量。\n";

#[test]
fn a_gbk_binary_column_is_decoded_and_binary_values_pass_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    fs::create_dir(&input).unwrap();
    let (gbk, _, bad) = encoding_rs::GBK.encode(CHINESE);
    assert!(!bad);
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    let body: ArrayRef = Arc::new(BinaryArray::from(vec![
        Some(gbk.as_ref()),
        Some(png),
        Some("一段独一无二的文字，只在这里出现。\n".as_bytes()),
    ]));
    let schema = Schema::new(vec![Field::new("body", DataType::Binary, true)]);
    let batch = RecordBatch::try_new(Arc::new(schema), vec![body]).unwrap();
    write(&input.join("raw.parquet"), &batch, None);
    let (code, manifest, stderr) = clean(&input, &out, &["--text-field", "body"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(manifest[0]["records"]["untouched"], 1, "{manifest:?}");
    let got = read(&out.join("raw.parquet"));
    assert_eq!(got.schema_ref().field(0).data_type(), &DataType::Binary);
    let body = got.column(0).as_binary::<i32>();
    assert_eq!(body.value(0), CHINESE.as_bytes(), "GBK bytes decoded");
    assert_eq!(body.value(1), png, "a binary value is written as it came");
    assert_eq!(
        body.value(2),
        "一段独一无二的文字，只在这里出现。\n".as_bytes()
    );
    let meta = strings(&got, "canon");
    let first: Value = serde_json::from_str(meta[0].as_deref().unwrap()).unwrap();
    assert_eq!(first["encoding"], "GBK");
    assert_eq!(meta[1], None);
}

#[test]
fn dedup_runs_across_jsonl_and_parquet_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    let line = serde_json::json!({"text": CHINESE}).to_string();
    fs::write(input.join("a.jsonl"), format!("{line}\n")).unwrap();
    let texts: ArrayRef = Arc::new(StringArray::from(vec![
        "一段独一无二的文字，只在这里出现。\n",
        CHINESE,
    ]));
    let schema = Schema::new(vec![Field::new("text", DataType::Utf8, false)]);
    let batch = RecordBatch::try_new(Arc::new(schema), vec![texts]).unwrap();
    write(&input.join("b.parquet"), &batch, None);

    let out = tmp.path().join("out");
    let (code, manifest, stderr) = clean(&input, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let paths: Vec<&str> = manifest
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["a.jsonl", "b.parquet"]);
    assert_eq!(manifest[0]["records"]["duplicates"], 0);
    assert_eq!(manifest[1]["records"]["duplicates"], 1);
    let got = read(&out.join("b.parquet"));
    assert_eq!(got.num_rows(), 1, "the later copy is left out");
    let clusters = fs::read_to_string(out.join("clusters.jsonl")).unwrap();
    let cluster: Value = serde_json::from_str(clusters.lines().next().unwrap()).unwrap();
    assert_eq!(cluster["survivor"], "a.jsonl:1");
    assert_eq!(cluster["members"][0]["path"], "b.parquet:1");

    let kept = tmp.path().join("kept");
    let (code, _, stderr) = clean(&input, &kept, &["--keep-duplicates"]);
    assert_eq!(code, 0, "{stderr}");
    let got = read(&kept.join("b.parquet"));
    assert_eq!(got.num_rows(), 2);
    let meta = strings(&got, "canon");
    let marked: Value = serde_json::from_str(meta[1].as_deref().unwrap()).unwrap();
    assert_eq!(marked["duplicate_of"], "a.jsonl:1");
    assert_eq!(marked["similarity"], 1.0);
    let survivor: Value = serde_json::from_str(meta[0].as_deref().unwrap()).unwrap();
    assert_eq!(survivor["duplicate_of"], Value::Null);
}

#[test]
fn a_damaged_shard_is_an_error_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    let texts: Vec<String> = (0..40).map(|i| format!("第{i}篇文章的正文。\n")).collect();
    let schema = Arc::new(Schema::new(vec![Field::new("text", DataType::Utf8, false)]));
    let batch = RecordBatch::try_new(
        schema,
        vec![Arc::new(StringArray::from(texts.clone())) as ArrayRef],
    )
    .unwrap();
    // Row groups of ten rows, uncompressed, so a damaged data page is in
    // the last one only.
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(10))
        .set_dictionary_enabled(false)
        .build();
    write(&input.join("good.parquet"), &batch, Some(props.clone()));
    let whole = input.join("whole.parquet");
    write(&whole, &batch, Some(props));
    let bytes = fs::read(&whole).unwrap();
    // A truncated file: no footer.
    fs::write(input.join("truncated.parquet"), &bytes[..bytes.len() / 2]).unwrap();
    // A damaged last row group: its first data page's header overwritten.
    let meta = ParquetRecordBatchReaderBuilder::try_new(File::open(&whole).unwrap())
        .unwrap()
        .metadata()
        .clone();
    assert_eq!(meta.num_row_groups(), 4);
    let page = meta.row_group(3).column(0).data_page_offset() as usize;
    let mut damaged = bytes.clone();
    damaged[page..page + 16].fill(0xff);
    fs::write(input.join("damaged.parquet"), &damaged).unwrap();
    fs::remove_file(&whole).unwrap();

    let out = tmp.path().join("out");
    // The shards are copies of one another: no dedup, to count rows.
    let (code, manifest, stderr) = clean(&input, &out, &["--skip", "dedup"]);
    assert_eq!(code, 2, "a damaged shard fails the run: {stderr}");
    let entry = |name: &str| common::entry(&manifest, name);
    let truncated = entry("truncated.parquet");
    assert_eq!(truncated["status"], "error");
    assert!(
        truncated["error"]
            .as_str()
            .unwrap()
            .contains("0 records read"),
        "{truncated}"
    );
    let damaged = entry("damaged.parquet");
    assert_eq!(damaged["status"], "error");
    assert!(
        damaged["error"]
            .as_str()
            .unwrap()
            .contains("after 30 records"),
        "{damaged}"
    );
    let written = read(&out.join("damaged.parquet"));
    assert_eq!(
        written.num_rows(),
        30,
        "the rows before the damage are kept"
    );
    assert_eq!(entry("good.parquet")["status"], "ok");
    assert_eq!(read(&out.join("good.parquet")).num_rows(), 40);
}

#[test]
fn one_thread_or_two_give_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    write(&input.join("shard.parquet"), &passthrough_batch(), None);
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = tmp.path().join(format!("out{jobs}"));
        let (code, _, stderr) = clean(&input, &out, &["--jobs", jobs]);
        assert_eq!(code, 0, "{stderr}");
        outputs.push(fs::read(out.join("shard.parquet")).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn a_missing_text_column_is_a_shard_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    write(&input.join("shard.parquet"), &passthrough_batch(), None);
    let (code, manifest, _) = clean(&input, &tmp.path().join("out"), &["--text-field", "body"]);
    assert_eq!(code, 2);
    assert_eq!(manifest[0]["status"], "error");
    assert!(
        manifest[0]["error"]
            .as_str()
            .unwrap()
            .contains("no column named \"body\""),
        "{manifest:?}"
    );
}

#[test]
fn a_text_column_inside_a_struct_is_cleaned_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    fs::create_dir(&input).unwrap();
    let inner = Fields::from(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("body", DataType::Utf8, true),
    ]);
    let doc: ArrayRef = Arc::new(StructArray::new(
        inner,
        vec![
            Arc::new(StringArray::from(vec![
                Some("d1"),
                Some("d2"),
                None,
                Some("d4"),
            ])),
            Arc::new(StringArray::from(vec![
                Some("ｈｅｌｌｏ\r\n"),
                Some("一段独一无二的文字，只在这里出现。"),
                Some("under a null struct"),
                Some("ｈｅｌｌｏ\n"),
            ])),
        ],
        Some(vec![true, true, false, true].into()),
    ));
    let n: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3, 4]));
    let schema = Schema::new(vec![
        Field::new("n", DataType::Int32, false),
        Field::new("doc", doc.data_type().clone(), true),
    ]);
    let batch = RecordBatch::try_new(Arc::new(schema), vec![n, doc]).unwrap();
    write(&input.join("nested.parquet"), &batch, None);
    let extra = [
        "--text-field",
        "doc.body",
        "--id-field",
        "doc.id",
        "--keep-duplicates",
    ];
    let (code, manifest, stderr) = clean(&input, &out, &extra);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(manifest[0]["records"]["cleaned"], 3, "{manifest:?}");
    assert_eq!(
        manifest[0]["records"]["untouched"], 1,
        "the null struct's row"
    );
    let got = read(&out.join("nested.parquet"));
    assert_eq!(got.column(0).to_data(), batch.column(0).to_data());
    let doc = got.column_by_name("doc").unwrap().as_struct();
    assert!(doc.is_null(2), "a null struct stays null");
    let body: Vec<Option<&str>> = doc.column(1).as_string::<i32>().iter().collect();
    assert_eq!(body[0], Some("hello\n"));
    assert_eq!(body[1], Some("一段独一无二的文字，只在这里出现。"));
    assert_eq!(
        doc.column(0).to_data(),
        batch.column(1).as_struct().column(0).to_data(),
        "the struct's other child is untouched"
    );
    // The last row repeats the first once cleaned: its survivor is named
    // by the id inside the struct.
    let meta = strings(&got, "canon");
    let last: Value = serde_json::from_str(meta[3].as_deref().unwrap()).unwrap();
    assert_eq!(last["duplicate_of"], "d1", "{last}");

    // A path through a column that is not a struct is a shard error.
    let (code, manifest, _) = clean(&input, &tmp.path().join("bad"), &["--text-field", "n.body"]);
    assert_eq!(code, 2);
    assert!(
        manifest[0]["error"]
            .as_str()
            .unwrap()
            .contains("not a struct"),
        "{manifest:?}"
    );
}

#[test]
fn a_dictionary_text_column_is_cleaned_and_stays_a_dictionary() {
    use arrow_array::DictionaryArray;
    use arrow_array::types::Int32Type;
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    fs::create_dir(&input).unwrap();
    let texts: DictionaryArray<Int32Type> = vec![
        Some("ｈｅｌｌｏ\r\n"),
        Some("一段独一无二的文字，只在这里出现。"),
        None,
        Some("ｈｅｌｌｏ\r\n"),
    ]
    .into_iter()
    .collect();
    let schema = Schema::new(vec![Field::new("text", texts.data_type().clone(), true)]);
    let batch = RecordBatch::try_new(Arc::new(schema), vec![Arc::new(texts)]).unwrap();
    write(&input.join("dict.parquet"), &batch, None);
    let (code, manifest, stderr) = clean(&input, &out, &["--keep-duplicates"]);
    assert_eq!(code, 0, "{stderr}");
    let counts = &manifest[0]["records"];
    assert_eq!(counts["cleaned"], 3, "{manifest:?}");
    assert_eq!(counts["untouched"], 1);
    assert_eq!(counts["duplicates"], 1, "the repeated entry's second row");
    let got = read(&out.join("dict.parquet"));
    assert_eq!(
        got.schema_ref().field(0).data_type(),
        batch.schema_ref().field(0).data_type()
    );
    let dictionary = got.column(0).as_dictionary::<Int32Type>();
    let rows: Vec<Option<&str>> = dictionary
        .downcast_dict::<StringArray>()
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        rows,
        [
            Some("hello\n"),
            Some("一段独一无二的文字，只在这里出现。"),
            None,
            Some("hello\n")
        ]
    );

    // Without --keep-duplicates the repeated row is left out.
    let (code, _, stderr) = clean(&input, &tmp.path().join("dropped"), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(read(&tmp.path().join("dropped/dict.parquet")).num_rows(), 3);
}

#[test]
fn a_mixed_run_dedups_a_parquet_row_against_a_text_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    fs::create_dir(&input).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(CHINESE);
    fs::write(input.join("a.txt"), &gbk).unwrap();
    let texts: ArrayRef = Arc::new(StringArray::from(vec![
        CHINESE,
        "一段独一无二的文字，只在这里出现。\n",
    ]));
    let schema = Schema::new(vec![Field::new("text", DataType::Utf8, false)]);
    let batch = RecordBatch::try_new(Arc::new(schema), vec![texts]).unwrap();
    write(&input.join("b.parquet"), &batch, None);
    let (code, manifest, stderr) = clean(&input, &out, &["--input-format", "mixed"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(manifest[0]["path"], "a.txt");
    assert_eq!(manifest[0]["encoding"], "GBK", "{manifest:?}");
    assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), CHINESE);
    assert_eq!(manifest[1]["records"]["duplicates"], 1, "{manifest:?}");
    let got = read(&out.join("b.parquet"));
    assert_eq!(
        strings(&got, "text"),
        [Some("一段独一无二的文字，只在这里出现。\n".to_string())]
    );
    let clusters = fs::read_to_string(out.join("clusters.jsonl")).unwrap();
    let cluster: Value = serde_json::from_str(clusters.lines().next().unwrap()).unwrap();
    assert_eq!(cluster["survivor"], "a.txt");
    assert_eq!(cluster["members"][0]["path"], "b.parquet:0");
}

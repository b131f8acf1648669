"""canon's Parquet output read back by pyarrow: a shard written by pyarrow
(snappy, pyarrow's default codec; nested, null and unicode columns) goes
through the canon binary and comes back with every row, in order, the
input's columns unchanged and a string metadata column added."""

from __future__ import annotations

import json
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq


def test_pyarrow_reads_canon_parquet_output(canon_bin, tmp_path):
    table = pa.table(
        {
            "id": pa.array([10, 11, 12], pa.int64()),
            "text": ["ｈｅｌｌｏ\r\n", None, "繁體中文的句子。"],
            "meta": [{"url": "https://例子.cn"}, None, {"url": ""}],
            "tags": [["a"], [], ["b", "c"]],
            "score": [1.5, None, -0.0],
        }
    ).replace_schema_metadata({"origin": "pytest"})
    src = tmp_path / "in"
    src.mkdir()
    pq.write_table(table, src / "part-0.parquet")
    out = tmp_path / "out"
    proc = subprocess.run(
        [str(canon_bin), "clean", str(src), "--out", str(out), "--quiet"],
        capture_output=True,
    )
    assert proc.returncode == 0, proc.stderr.decode()

    got = pq.read_table(out / "part-0.parquet")
    assert got.num_rows == 3
    assert got.schema.names == ["id", "text", "meta", "tags", "score", "canon"]
    assert got.schema.field("canon").type == pa.string()
    assert got.schema.metadata[b"origin"] == b"pytest"
    for name in ["id", "meta", "tags", "score"]:
        assert got.column(name).equals(table.column(name)), name
    assert got.column("text").to_pylist() == ["hello\n", None, "繁体中文的句子。"]
    meta = got.column("canon").to_pylist()
    assert meta[1] is None
    assert json.loads(meta[0])["encoding"] == "UTF-8"
    assert pq.ParquetFile(out / "part-0.parquet").metadata.row_group(0).column(0).compression == "ZSTD"

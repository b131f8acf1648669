"""canon.clean and canon.clean_batch against the real `canon` binary."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

import canon
from conftest import FIXTURES, REPO, fixture_files, run_cli_corpus

# Changes the corpus run adds after cleaning (duplicates, boilerplate):
# not part of one document's cleaning.
CORPUS_KINDS = {"exact", "normalized", "near", "boilerplate_found", "boilerplate_line"}

OPTION_SETS = [
    {},
    {"skip": ("layout",), "convert": "s2t"},
    {"skip": ("repair,normalize",), "keep_repeats": True, "convert": "tw2sp"},
]


def cli_args(options: dict) -> list[str]:
    args = []
    for s in options.get("skip", ()):
        args += ["--skip", s]
    if "convert" in options:
        args += ["--convert", options["convert"]]
    if options.get("keep_repeats"):
        args.append("--keep-repeats")
    return args


def cli_stdin(canon_bin: Path, data: bytes, options: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(canon_bin), "clean", "-", *cli_args(options)], input=data, capture_output=True
    )


def stdin_warnings(stderr: bytes) -> list[str]:
    prefix = "canon: <stdin>: warning: "
    return [l[len(prefix):] for l in stderr.decode().splitlines() if l.startswith(prefix)]


FILES = fixture_files()


def test_fixtures_are_found():
    assert len(FILES) > 200
    assert any(p.parts[-3:-1] == ("seeds", "input") for p in FILES)


@pytest.mark.parametrize("options", [OPTION_SETS[0], OPTION_SETS[2]], ids=["default", "norepair-keep-tw2sp"])
def test_clean_equals_cli_stdin_on_every_fixture(canon_bin, options):
    """Text bytes, binary verdict and warnings equal `canon clean -`'s."""
    checked = binary = 0
    for path in FILES:
        data = path.read_bytes()
        doc = canon.clean(data, **options)
        cli = cli_stdin(canon_bin, data, options)
        if cli.returncode == 2:
            assert doc.binary and doc.text is None, path
            binary += 1
        else:
            assert cli.returncode == 0, (path, cli.stderr)
            assert not doc.binary, path
            assert doc.text.encode("utf-8") == cli.stdout, path
            assert doc.warnings == stdin_warnings(cli.stderr), path
        checked += 1
    assert checked == len(FILES)
    assert binary > 0, "the fixtures include binary files"


@pytest.mark.parametrize("options", OPTION_SETS[:2], ids=["default", "s2t-nolayout"])
def test_clean_equals_manifest_on_every_fixture(canon_bin, tmp_path, options):
    """Encoding, confidence, script, changes, warnings, sizes and hash equal
    the manifest of a `canon clean` corpus run over the fixture tree."""
    entries = run_cli_corpus(canon_bin, [FIXTURES], tmp_path / "out", *cli_args(options))
    assert len(entries) > 200
    for rel, e in entries.items():
        path = FIXTURES / rel
        doc = canon.clean(path.read_bytes(), **options)
        if e["status"] == "skipped":
            assert doc.binary and doc.warnings == e["warnings"], rel
            continue
        assert e["status"] in ("ok", "duplicate"), (rel, e)
        changes = {
            stage: {k: v for k, v in kinds.items() if not (stage == "dedup" and k in CORPUS_KINDS)}
            for stage, kinds in e["changes"].items()
        }
        changes = {s: k for s, k in changes.items() if k}
        assert doc.changes == changes, rel
        assert doc.encoding == e["encoding"], rel
        assert doc.confidence == e["confidence"], rel
        assert doc.script == e["script"], rel
        assert doc.warnings == e["warnings"], rel
        assert doc.sha256 == e["sha256"], rel
        assert (doc.bytes_in, doc.bytes_out) == (e["bytes_in"], e["bytes_out"]), rel
        assert json.loads(doc.decode) == e["decode"], rel


def test_str_input_is_its_utf8_bytes():
    text = "網路上的軟體資訊，\n\n第二段。"
    assert canon.clean(text).text == canon.clean(text.encode("utf-8")).text
    assert "網" not in canon.clean(text).text


def test_binary_input():
    doc = canon.clean(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert doc.binary and doc.text is None and doc.encoding is None
    assert doc.warnings and doc.sha256 is None and doc.changes == {}


def test_empty_input():
    doc = canon.clean(b"")
    assert doc.text == "" and not doc.binary and doc.bytes_out == 0


@pytest.mark.parametrize(
    "kwargs, cli",
    [
        ({"skip": ["nope"]}, ["--skip", "nope"]),
        ({"skip": "decode"}, ["--skip", "decode"]),
        ({"convert": "t2jp"}, ["--convert", "t2jp"]),
    ],
)
def test_bad_options_raise_the_cli_message(canon_bin, kwargs, cli):
    proc = subprocess.run([str(canon_bin), "clean", "-", *cli], input=b"x", capture_output=True)
    assert proc.returncode == 2
    message = proc.stderr.decode().strip()
    assert message.startswith("canon: ")
    with pytest.raises(ValueError) as e:
        canon.clean("x", **kwargs)
    assert str(e.value) == message[len("canon: "):]
    with pytest.raises(ValueError) as e:
        canon.clean_batch(["x"], **kwargs)
    assert str(e.value) == message[len("canon: "):]


def test_bad_types_raise_type_error():
    with pytest.raises(TypeError):
        canon.clean(12)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        canon.clean_batch([b"a", 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="--jobs must be at least 1"):
        canon.clean_batch(["a"], jobs=0)


def test_panic_becomes_runtime_error():
    with pytest.raises(RuntimeError, match="deliberate panic"):
        canon._native._panic_for_test()


def _seed_texts() -> list[str]:
    return [p.read_text() for p in sorted((FIXTURES / "seeds" / "input").glob("*")) if p.is_file()]


def test_clean_batch_on_strings_equals_clean():
    texts = _seed_texts() + ["", "plain ascii\r\n", None]
    table = canon.clean_batch(pa.array(texts, type=pa.string()), jobs=2)
    assert table.column_names == ["text", "canon"]
    assert table.schema.field("text").type == pa.string()
    rows = table.to_pylist()
    assert len(rows) == len(texts)
    for t, row in zip(texts, rows):
        if t is None:
            assert row["text"] is None and row["canon"] is None
            continue
        doc = canon.clean(t)
        assert row["text"] == doc.text
        meta = row["canon"]
        assert meta["encoding"] == doc.encoding
        assert meta["confidence"] == doc.confidence
        assert meta["script"] == doc.script
        assert dict((k, dict(v)) for k, v in meta["changes"]) == doc.changes
        assert meta["warnings"] == doc.warnings
        assert meta["binary"] is False
        assert meta["sha256"] == doc.sha256
        assert (meta["bytes_in"], meta["bytes_out"]) == (doc.bytes_in, doc.bytes_out)


def test_clean_batch_on_binary_gbk_big5_empty_and_binary():
    seeds = _seed_texts()
    gbk = seeds[0].encode("gbk", errors="replace")
    big5 = "網路安全和資訊化是事關國家安全和國家發展的重大戰略問題。\r\n".encode("big5")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    inputs = [gbk, big5, b"", png, None]
    for array in (pa.array(inputs, type=pa.binary()), pa.array(inputs, type=pa.large_binary())):
        table = canon.clean_batch(array, jobs=1)
        rows = table.to_pylist()
        assert rows[0]["canon"]["encoding"] == "GBK"
        assert rows[1]["canon"]["encoding"] == "Big5"
        # t2s converts characters (the vocabulary stays Taiwan's).
        assert rows[1]["text"] == "网路安全和资讯化是事关国家安全和国家发展的重大战略问题。\n"
        assert rows[1]["text"] == canon.clean(big5).text
        assert rows[0]["text"] == canon.clean(gbk).text
        assert rows[2]["text"] == "" and rows[2]["canon"]["binary"] is False
        assert rows[3]["text"] is None and rows[3]["canon"]["binary"] is True
        assert rows[3]["canon"]["warnings"] == canon.clean(png).warnings
        assert rows[4] == {"text": None, "canon": None}
    assert canon.clean_batch(pa.array(inputs, type=pa.large_binary())).schema.field("text").type == pa.large_string()


def test_clean_batch_on_lists_and_chunked_arrays():
    seeds = _seed_texts()
    expected = [canon.clean(t).text for t in seeds]
    assert canon.clean_batch(seeds).column("text").to_pylist() == expected
    mixed = [seeds[0], seeds[1].encode("utf-8")]
    assert canon.clean_batch(mixed).column("text").to_pylist() == expected[:2]
    chunked = pa.chunked_array([pa.array(seeds[:2]), pa.array(seeds[2:])])
    table = canon.clean_batch(chunked)
    assert table.column("text").to_pylist() == expected
    assert table.column("text").num_chunks == 2
    empty = canon.clean_batch(pa.array([], type=pa.string()))
    assert empty.num_rows == 0 and empty.column_names == ["text", "canon"]
    if hasattr(pa, "string_view"):
        view = canon.clean_batch(pa.array(seeds, type=pa.string_view()))
        assert view.column("text").to_pylist() == expected


def test_clean_batch_gives_the_same_answer_for_any_jobs():
    seeds = _seed_texts() * 5
    one = canon.clean_batch(seeds, jobs=1)
    two = canon.clean_batch(seeds, jobs=2)
    assert one.equals(two)

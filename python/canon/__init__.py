"""canon for Python: the CLI's cleaning and dedup, from the same Rust code.

- :func:`clean` cleans one document exactly as ``canon clean -`` does.
- :func:`clean_batch` cleans a pyarrow array (or a list) in parallel,
  without the GIL, and returns an Arrow table.
- The dedup building blocks (:func:`comparison_key`, :func:`key_hash`,
  :func:`signature`, :meth:`Signature.band_keys`, :func:`jaccard`,
  :func:`find_duplicates`) are the CLI's own code and parameters.
- :mod:`canon.spark` runs clean and dedup as a Spark job with the CLI's
  exact results (``pip install ./python[spark]``).

Bad options raise :class:`ValueError` with the CLI's message; a bug in the
Rust code raises :class:`RuntimeError` instead of aborting Python.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence, Union

import pyarrow as pa

from . import _native
from ._native import (
    ESTIMATE_SLACK,
    MAX_BUCKET_PAIRS,
    NUM_PERM,
    Document,
    Signature,
    candidate_pairs,
    comparison_key,
    find_duplicates,
    jaccard,
    key_hash,
    lsh_banding,
    signature,
)

__all__ = [
    "Document",
    "Signature",
    "clean",
    "clean_batch",
    "comparison_key",
    "key_hash",
    "signature",
    "lsh_banding",
    "jaccard",
    "candidate_pairs",
    "find_duplicates",
    "METADATA_COLUMN",
    "DEFAULT_NEAR_THRESHOLD",
    "MAX_BUCKET_PAIRS",
    "NUM_PERM",
    "ESTIMATE_SLACK",
]

#: Name of the metadata struct column that :func:`clean_batch` and
#: :func:`canon.spark.clean` add.
METADATA_COLUMN = "canon"

#: The CLI's ``--near-threshold`` default.
DEFAULT_NEAR_THRESHOLD = 0.8


def _skip_list(skip: Union[str, Iterable[str]]) -> list:
    if isinstance(skip, str):
        return [skip]
    names = list(skip)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"skip takes stage names (str), not {type(name).__name__}")
    return names


def _check_flag(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")


def clean(
    data: Union[bytes, str],
    *,
    skip: Union[str, Iterable[str]] = (),
    convert: str = "t2s",
    keep_repeats: bool = False,
) -> Document:
    """Cleans one document, as ``canon clean -`` does.

    ``data`` is the document's raw bytes (any encoding; decoding is part of
    the pipeline) or a ``str`` (taken as its UTF-8 bytes). ``skip`` names
    stages not to run (``repair``, ``normalize``, ``convert``, ``layout``,
    ``dedup``; comma-separated names are split, as ``--skip`` does),
    ``convert`` is the OpenCC config (``--convert``), ``keep_repeats``
    keeps repeated lines and paragraphs (``--keep-repeats``).

    Returns a :class:`Document`; for binary input ``text`` is None and
    ``binary`` is True. Raises ValueError with the CLI's message for a bad
    option.
    """
    _check_flag("keep_repeats", keep_repeats)
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    return _native.clean(data, _skip_list(skip), convert, keep_repeats)


def _as_arrow(texts: Any) -> Union[pa.Array, pa.ChunkedArray]:
    if isinstance(texts, (pa.Array, pa.ChunkedArray)):
        return texts
    if isinstance(texts, (pa.Table, pa.RecordBatch)):
        raise TypeError("clean_batch takes one column (an array), not a table")
    if isinstance(texts, (str, bytes)):
        raise TypeError("clean_batch takes a sequence of documents; use clean() for one")
    items = list(texts)
    has_bytes = False
    for x in items:
        if isinstance(x, (bytes, bytearray, memoryview)):
            has_bytes = True
        elif x is not None and not isinstance(x, str):
            raise TypeError(f"documents must be str, bytes or None, not {type(x).__name__}")
    if has_bytes:
        items = [x.encode("utf-8") if isinstance(x, str) else x for x in items]
        return pa.array(items, type=pa.large_binary())
    return pa.array(items, type=pa.large_string())


def clean_batch(
    texts: Union[pa.Array, pa.ChunkedArray, Sequence[Union[str, bytes, None]]],
    *,
    skip: Union[str, Iterable[str]] = (),
    convert: str = "t2s",
    keep_repeats: bool = False,
    jobs: Optional[int] = None,
) -> pa.Table:
    """Cleans many documents in parallel, each as :func:`clean` does.

    ``texts`` is a pyarrow array or chunked array of strings or binaries
    (``string``, ``large_string``, ``string_view``, ``binary``,
    ``large_binary``, ``binary_view``), or a list of ``str``/``bytes``/None.
    The GIL is released while cleaning; ``jobs`` threads are used (default:
    all cores).

    Returns a table with, per input row, ``text`` (the cleaned text; null
    for null or binary input) and ``canon`` (a metadata struct: encoding,
    confidence, script, changes, warnings, binary, bytes_in, bytes_out,
    sha256, decode; null for null input). The input is read in place
    through the Arrow C data interface; each output column is written once.
    """
    _check_flag("keep_repeats", keep_repeats)
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool)):
        raise TypeError(f"jobs must be an int or None, not {type(jobs).__name__}")
    if jobs is not None and jobs < 1:
        raise ValueError("--jobs must be at least 1")
    skip = _skip_list(skip)
    _native.check_options(skip, convert, keep_repeats)
    array = _as_arrow(texts)
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    if not chunks:
        chunks = [pa.array([], type=array.type)]
    batches = [
        _native.clean_array(chunk, skip, convert, keep_repeats, jobs, METADATA_COLUMN)
        for chunk in chunks
    ]
    return pa.Table.from_batches(batches)

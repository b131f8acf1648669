"""Type stubs of canon's Rust extension (``canon._native``)."""

from typing import Dict, List, Optional, Sequence, Tuple, Union

import pyarrow as pa

MAX_BUCKET_PAIRS: int
NUM_PERM: int
ESTIMATE_SLACK: float

class Document:
    """A cleaned document: the text and what ``canon clean``'s manifest
    says about it."""

    @property
    def text(self) -> Optional[str]:
        """The cleaned text; None for binary input."""
    @property
    def encoding(self) -> Optional[str]:
        """The encoding the input was decoded from (encoding_rs's name)."""
    @property
    def confidence(self) -> Optional[float]:
        """Confidence of the encoding, in [0, 1]."""
    @property
    def script(self) -> str:
        """``simplified``, ``traditional``, ``mixed`` or ``none``."""
    @property
    def changes(self) -> Dict[str, Dict[str, int]]:
        """Per stage, edit kind → count (the manifest's ``changes``)."""
    @property
    def warnings(self) -> List[str]:
        """Data problems worth a look; for binary input, what it is."""
    @property
    def binary(self) -> bool:
        """True when the input is not text."""
    @property
    def bytes_in(self) -> int: ...
    @property
    def bytes_out(self) -> int: ...
    @property
    def sha256(self) -> Optional[str]:
        """SHA-256 of the cleaned text, hex."""
    @property
    def decode(self) -> Optional[str]:
        """How the encoding was decided (the manifest's ``decode``), JSON."""

class Signature:
    """A document's dedup signature, as ``canon clean`` computes it."""

    @property
    def key_hash(self) -> bytes:
        """First 16 bytes of SHA-256 of the comparison key."""
    @property
    def ngram(self) -> int:
        """5, 3 for keys under 120 characters, 0 under 30 (key only)."""
    @property
    def minhash(self) -> List[int]:
        """The 128 MinHash values (unsigned 32-bit)."""
    def minhash_bytes(self) -> bytes:
        """The MinHash values as 512 little-endian bytes."""
    def band_keys(self, threshold: float = 0.8) -> List[int]:
        """LSH band keys (unsigned 64-bit, band order; empty if ngram is 0)."""
    def estimate(self, other: Signature) -> float:
        """MinHash estimate of the Jaccard similarity."""
    @staticmethod
    def from_parts(key_hash: bytes, ngram: int, minhash: bytes) -> Signature: ...

def clean(data: Union[bytes, str], skip: Sequence[str], convert: str, keep_repeats: bool) -> Document: ...
def check_options(skip: Sequence[str], convert: str, keep_repeats: bool) -> None: ...
def check_threshold(threshold: float) -> None: ...
def clean_array(
    array: pa.Array,
    skip: Sequence[str],
    convert: str,
    keep_repeats: bool,
    jobs: Optional[int],
    meta_col: str,
) -> pa.RecordBatch: ...
def signature_batch(
    batch: pa.RecordBatch, id_col: str, text_col: str, threshold: float, jobs: Optional[int] = None
) -> pa.RecordBatch: ...
def verify_batch(batch: pa.RecordBatch, threshold: float, jobs: Optional[int] = None) -> pa.RecordBatch: ...
def decide_batch(batch: pa.RecordBatch, threshold: float, exact_only: bool) -> pa.RecordBatch: ...
def comparison_key(text: str) -> str:
    """The text dedup compares (whitespace dropped, punctuation and script
    folded)."""
def key_hash(text: str) -> bytes:
    """16-byte hash of the comparison key: equal for exact duplicates."""
def signature(text: str) -> Signature:
    """The dedup signature of a cleaned text."""
def lsh_banding(threshold: float = 0.8) -> Tuple[int, int]:
    """(bands, rows) the CLI uses for a threshold."""
def jaccard(a: str, b: str, ngram: Optional[int] = None) -> float:
    """True Jaccard of two cleaned texts' n-gram sets (n-gram length of
    ``b``'s signature unless given)."""
def candidate_pairs(signatures: Sequence[Optional[Signature]], threshold: float = 0.8) -> List[Tuple[int, int]]:
    """The library's LSH candidate pairs (earlier, later), by position."""
def find_duplicates(
    ids: Sequence[str],
    texts: Sequence[Optional[str]],
    threshold: float = 0.8,
    exact_only: bool = False,
) -> List[Optional[Tuple[str, float, str]]]:
    """The CLI's duplicate decision over an in-memory corpus: per input,
    None or (duplicate_of, similarity, kind)."""
def _panic_for_test() -> None: ...

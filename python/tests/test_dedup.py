"""The dedup building blocks and the in-memory decision against the CLI."""

from __future__ import annotations

import random
import shutil

import pytest

import canon
from conftest import FIXTURES, run_cli_corpus
from gen_corpus import generate, write


def test_building_blocks_are_consistent():
    text = (FIXTURES / "seeds" / "expected").glob("*.txt").__next__().read_text()
    key = canon.comparison_key(text)
    assert " " not in key and "\n" not in key
    sig = canon.signature(text)
    assert sig.key_hash == canon.key_hash(text) and len(sig.key_hash) == 16
    assert sig.ngram == 5 and len(sig.minhash) == canon.NUM_PERM
    assert len(sig.minhash_bytes()) == 4 * canon.NUM_PERM
    assert canon.Signature.from_parts(sig.key_hash, sig.ngram, sig.minhash_bytes()) == sig
    bands, rows = canon.lsh_banding(0.8)
    assert (bands, rows) == (25, 5)
    assert len(sig.band_keys()) == bands
    assert canon.signature("短文").band_keys() == []
    # Whitespace and punctuation width do not change the key.
    assert canon.key_hash(text.replace("，", ",").replace("\n", "\n\n")) == sig.key_hash
    assert canon.jaccard(text, text) == 1.0
    with pytest.raises(ValueError, match=r"--near-threshold must be in \(0, 1\], got 1.5"):
        canon.lsh_banding(1.5)


def _bucket_pairs(sigs, threshold):
    """Candidate pairs from band keys and the bucket cap, as the Spark job
    forms them."""
    buckets = {}
    for i, s in enumerate(sigs):
        if s is None:
            continue
        for b, k in enumerate(s.band_keys(threshold)):
            buckets.setdefault((b, k), []).append(i)
    pairs = set()
    for members in buckets.values():
        for q, later in enumerate(members):
            for earlier in members[: min(q, canon.MAX_BUCKET_PAIRS)]:
                pairs.add((earlier, later))
    return sorted(pairs)


@pytest.mark.parametrize("threshold", [0.6, 0.8, 0.9])
def test_band_keys_and_cap_give_the_librarys_candidate_pairs(threshold):
    docs = generate(1500, seed=7)
    texts = [canon.clean(d).text for _, d in sorted(docs.items())]
    sigs = [canon.signature(t) if t else None for t in texts]
    expected = canon.candidate_pairs(sigs, threshold)
    assert _bucket_pairs(sigs, threshold) == [tuple(p) for p in expected]
    # The template family fills buckets past the cap: the cap matters here.
    sizes = {}
    for s in sigs:
        if s is not None:
            for b, k in enumerate(s.band_keys(threshold)):
                sizes[(b, k)] = sizes.get((b, k), 0) + 1
    assert max(sizes.values()) > canon.MAX_BUCKET_PAIRS + 1


def test_find_duplicates_equals_the_cli_on_the_dedup_fixtures(canon_bin, tmp_path):
    corpus = FIXTURES / "dedup" / "corpus"
    entries = run_cli_corpus(canon_bin, [corpus], tmp_path / "out")
    ids = sorted(entries)
    random.Random(1).shuffle(ids)  # the decision sorts by id itself
    texts = [canon.clean((corpus / i).read_bytes()).text for i in ids]
    found = canon.find_duplicates(ids, texts)
    dups = 0
    for i, f in zip(ids, found):
        e = entries[i]
        if e["status"] == "duplicate":
            kind = next(k for k in ("exact", "normalized", "near") if k in e["changes"]["dedup"])
            assert f == (e["duplicate_of"], e["similarity"], kind), i
            dups += 1
        else:
            assert f is None, i
    assert dups == 8


def test_find_duplicates_rejects_repeated_ids():
    with pytest.raises(ValueError, match="not unique"):
        canon.find_duplicates(["a", "a"], ["x" * 50, "y" * 50])

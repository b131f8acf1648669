#!/usr/bin/env python3
"""The reference pipeline `scripts/bench.sh` measures canon against: what a
user would assemble from the usual Python libraries to do canon's job.

    bench_reference.py INPUT_DIR OUT_DIR [--jobs N]

Per document: charset-normalizer picks the encoding and decodes (decode),
ftfy fixes mojibake and normalizes (repair + normalize: NFC, line ends,
HTML entities), OpenCC's `t2s` converts (convert), trailing whitespace
and blank-line runs are trimmed (the simplest layout), and datasketch's
MinHash over character 5-grams is computed; then, over the corpus, exact
duplicates by SHA-256 and near duplicates by MinHashLSH at 0.8 (dedup).
Outputs are written like canon's, one file per input.

It is a measuring stick, not a twin: it does less than canon (no script
detection, no print-layout joining, no within-document repeats), so the
speed ratio it gives flatters Python, if anything. It is never a
dependency of canon.
"""

import hashlib
import os
import sys
from multiprocessing import Pool

from charset_normalizer import from_bytes
import ftfy
import opencc
from datasketch import MinHash, MinHashLSH

# The same band count as canon's dedup would be fairer, but datasketch
# chooses bands from the threshold; 128 permutations is its usual setting.
NUM_PERM = 128
SHINGLE = 5
NEAR_THRESHOLD = 0.8

_converter = None


def clean_one(args):
    src, dst = args
    global _converter
    if _converter is None:
        _converter = opencc.OpenCC("t2s")
    raw = open(src, "rb").read()
    best = from_bytes(raw).best()
    if best is None:
        return src, None, None, len(raw)
    text = str(best)
    text = ftfy.fix_text(text)
    text = _converter.convert(text)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out, blank = [], False
    for line in lines:
        if not line:
            if not blank and out:
                out.append("")
            blank = True
            continue
        blank = False
        out.append(line)
    text = "\n".join(out).rstrip("\n") + "\n"
    data = text.encode("utf-8")
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "wb") as f:
        f.write(data)
    key = "".join(text.split())
    m = MinHash(num_perm=NUM_PERM)
    m.update_batch(
        key[i : i + SHINGLE].encode("utf-8")
        for i in range(max(1, len(key) - SHINGLE + 1))
    )
    return src, hashlib.sha256(data).hexdigest(), m, len(raw)


def main():
    args = sys.argv[1:]
    jobs = os.cpu_count() or 1
    if "--jobs" in args:
        i = args.index("--jobs")
        jobs = int(args[i + 1])
        del args[i : i + 2]
    src_root, out_root = args
    pairs = []
    for dirpath, _, names in os.walk(src_root):
        for name in names:
            src = os.path.join(dirpath, name)
            pairs.append((src, os.path.join(out_root, os.path.relpath(src, src_root))))
    pairs.sort()
    with Pool(jobs) as pool:
        results = pool.map(clean_one, pairs, chunksize=4)
    lsh = MinHashLSH(threshold=NEAR_THRESHOLD, num_perm=NUM_PERM)
    seen, exact, near = set(), 0, 0
    for src, digest, m, _ in results:
        if digest is None:
            continue
        if digest in seen:
            exact += 1
            continue
        seen.add(digest)
        if lsh.query(m):
            near += 1
            continue
        lsh.insert(src, m)
    print(f"{len(results)} files, {exact} exact and {near} near duplicates")


if __name__ == "__main__":
    main()

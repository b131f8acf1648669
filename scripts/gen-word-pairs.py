#!/usr/bin/env python3
"""Generate src/tables/word_pairs.bin: hanzi pairs that occur inside words.

Requirements (not installed by this script):

    pip install jieba opencc

jieba (MIT) ships jieba/dict.txt, a word list of ~349,000 words with corpus
frequencies. PyPI `opencc` 1.4.x (Apache-2.0) converts Simplified to
Traditional.

Method:
  1. For every word of dict.txt, every two adjacent characters that both lie
     in CJK Unified Ideographs (U+4E00..U+9FFF) form a pair; a pair's weight
     is the summed frequency of the words it occurs in.
  2. Each word is also converted with OpenCC's s2t, s2tw and s2hk, and the
     pairs of every converted form that differs are added the same way, so
     the set serves Traditional text too.
  3. Pairs whose weight is below MIN_WEIGHT are dropped; pairs of weight
     STRONG_WEIGHT or more are flagged as strong.

Why: the repair stage tells a re-reading of a damaged span from the damage by
how Chinese it looks. Single characters are weak evidence for short spans
and none at all for misaligned GBK runs, whose shifted pairs are mostly
common hanzi. Adjacent characters are strong evidence: about two thirds of
the adjacent hanzi pairs of real text occur inside some dictionary word, 2%
of random pairs of common hanzi do (measured when this table was made).

Format (all little-endian):
  u32 OFFSETS[20993]: pairs starting with U+4E00 + i are SECONDS[OFFSETS[i]
                      .. OFFSETS[i + 1]];
  u16 SECONDS[N]:     the second character minus U+4E00 (15 bits), sorted
                      within each first character; bit 15 set when the pair
                      is strong.

Usage: python3 scripts/gen-word-pairs.py [--out PATH]
"""

import argparse
import collections
import os
import struct

BASE = 0x4E00
LAST = 0x9FFF
SPAN = LAST - BASE + 1
# Words seen fewer times than this in jieba's corpus are as often names and
# junk segmentations as words; their pairs add noise, not evidence.
MIN_WEIGHT = 3
# Real text's pairs are mostly frequent words' (45% of the adjacent pairs of
# the fixtures' clean Chinese weigh 100 or more, 17% between 3 and 99), while
# the pairs mojibake makes by chance are mostly rare words' (`西府`, 35).
STRONG_WEIGHT = 100

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_hanzi(ch):
    return BASE <= ord(ch) <= LAST


def add_pairs(pairs, word, weight):
    for a, b in zip(word, word[1:]):
        if is_hanzi(a) and is_hanzi(b):
            pairs[(ord(a) - BASE, ord(b) - BASE)] += weight


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(REPO, "src", "tables", "word_pairs.bin"))
    args = ap.parse_args()

    import jieba
    import opencc

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    words = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                words.append((parts[0], int(parts[1])))
    pairs = collections.Counter()
    for word, weight in words:
        add_pairs(pairs, word, weight)
    simplified = len(pairs)
    for cfg in ("s2t", "s2tw", "s2hk"):
        conv = opencc.OpenCC(cfg)
        for word, weight in words:
            converted = conv.convert(word)
            if converted != word:
                add_pairs(pairs, converted, weight)
    kept = sorted((p, w >= STRONG_WEIGHT) for p, w in pairs.items() if w >= MIN_WEIGHT)
    strong = sum(1 for _, s in kept if s)

    offsets = [0] * (SPAN + 1)
    for (first, _), _ in kept:
        offsets[first + 1] += 1
    for i in range(SPAN):
        offsets[i + 1] += offsets[i]
    with open(args.out, "wb") as out:
        out.write(struct.pack("<%dI" % (SPAN + 1), *offsets))
        out.write(struct.pack("<%dH" % len(kept), *(second | (0x8000 if s else 0) for (_, second), s in kept)))
    print(f"{len(words)} words; {simplified} pairs from Simplified words, {len(pairs)} with "
          f"Traditional forms; {len(kept)} with weight >= {MIN_WEIGHT} ({strong} >= {STRONG_WEIGHT}) "
          f"written to {args.out}")


if __name__ == "__main__":
    main()

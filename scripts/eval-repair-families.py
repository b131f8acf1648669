#!/usr/bin/env python3
"""Scores the repair stage per fixture family, known failures included.

Each family of fixtures/repair/ (passing cases) and
fixtures/repair-known-failures/ (cases the stage got wrong when the fixtures
were last made) is run through `canon clean --skip
normalize,convert,layout,dedup`, one line per case; a case counts as right
when the output line equals the expected line. Negative families count the
lines that changed. Prints one row per family; with two binaries, both side
by side and the cases whose outcome differs. Usage:

    cargo build --release && python3 scripts/eval-repair-families.py [canon] [other-canon]
"""
import json, os, sys

from repair_lines import run_repair

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
bins = sys.argv[1:] or [os.path.join(target, "release", "canon")]


def cases():
    fams = {}
    d = os.path.join(ROOT, "fixtures", "repair")
    for fam in sorted(os.listdir(d)):
        inp = open(os.path.join(d, fam, "input.txt"), encoding="utf-8").read().split("\n")
        exp = open(os.path.join(d, fam, "expected.txt"), encoding="utf-8").read().split("\n")
        fams[fam] = [(i, e) for i, e in zip(inp, exp) if i or e]
    k = os.path.join(ROOT, "fixtures", "repair-known-failures")
    for f in sorted(os.listdir(k)):
        fam = f.removesuffix(".jsonl")
        for line in open(os.path.join(k, f), encoding="utf-8"):
            r = json.loads(line)
            fams.setdefault(fam, []).append((r["input"], r["expected"]))
    return fams


fams = cases()
results = []
for canon in bins:
    res = {}
    for fam, cs in fams.items():
        res[fam] = run_repair(canon, [i for i, _ in cs])
    results.append(res)
total = [0] * len(bins)
for fam, cs in fams.items():
    neg = fam.startswith("negative")
    row = []
    for n, res in enumerate(results):
        ok = sum(g == e for g, (_, e) in zip(res[fam], cs))
        total[n] += ok
        row.append(f"{len(cs) - ok} changed" if neg else f"{ok}/{len(cs)}")
    print(f"{fam:28s} " + "  ".join(f"{r:>12s}" for r in row))
    if len(results) == 2:
        for (i, e), g0, g1 in zip(cs, results[0][fam], results[1][fam]):
            if (g0 == e) != (g1 == e):
                print(f"    {'FIXED' if g1 == e else 'BROKE'}: {i[:60]!r}\n      -> {g1[:60]!r}")
print("right in all families: " + "  ".join(str(t) for t in total))

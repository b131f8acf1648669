#!/usr/bin/env python3
"""Counts the lines the repair stage changes in real text that has no damage.

The charset detectors' test files (../shared/eval/encodings/real, see its
README; internal evaluation only, nothing is copied into the repository) are
real documents in their own encodings. Each selected file is cleaned twice
from a temporary copy: once with the decode stage alone, once with decode and
repair (`--skip normalize,convert,layout,dedup`); every line that differs is
a repair made on real text, almost always a false one. Prints the number of
lines, how many changed, and each change. Usage:

    cargo build --release && python3 scripts/eval-repair-real.py [path/to/canon] [--all]

By default the Chinese, Japanese and Korean files (the languages whose text
the double-byte repairs could mistake for mojibake) are used; `--all` takes
every file.
"""
import os, shutil, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
REAL = os.path.join(ROOT, "..", "shared", "eval", "encodings", "real")
args = [a for a in sys.argv[1:] if not a.startswith("--")]
every = "--all" in sys.argv[1:]
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
canon = args[0] if args else os.path.join(target, "release", "canon")

rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(REAL, "labels.tsv"), encoding="utf-8")][1:]
paths = [r[0] for r in rows if every or r[3].startswith(("zh", "ja", "ko"))]

with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "in")
    for p in paths:
        os.makedirs(os.path.join(src, os.path.dirname(p)), exist_ok=True)
        shutil.copy(os.path.join(REAL, p), os.path.join(src, p))
    outs = {}
    for name, skip in [("decoded", "repair,normalize,convert,layout,dedup"),
                       ("repaired", "normalize,convert,layout,dedup")]:
        outs[name] = os.path.join(tmp, name)
        subprocess.run([canon, "clean", src, "-o", outs[name], "--quiet", "--skip", skip],
                       check=True, capture_output=True)
    lines = changed = 0
    for p in sorted(paths):
        try:
            a = open(os.path.join(outs["decoded"], p), encoding="utf-8", errors="replace").read()
            b = open(os.path.join(outs["repaired"], p), encoding="utf-8", errors="replace").read()
        except FileNotFoundError:
            continue
        a, b = a.split("\n"), b.split("\n")
        lines += len(a)
        if len(a) != len(b):
            print(f"{p}: line count {len(a)} -> {len(b)}")
            changed += abs(len(a) - len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                changed += 1
                print(f"{p}:{i + 1}: {x[:100]!r}\n{'':>{len(p) + len(str(i + 1)) + 2}} -> {y[:100]!r}")

print(f"{len(paths)} files, {lines} lines, {changed} changed by repair")

#!/usr/bin/env python3
"""Scores the repair stage on ftfy's test cases (../shared/eval/ftfy/cases.jsonl).

Each case's `original` goes through `canon clean -` with every stage but
repair skipped (decode always runs); the output must equal `fixed-encoding`,
or `fixed` where that is null (see the README next to cases.jsonl). Prints
the score on `pass` cases and on `fail` cases (ftfy's known failures, which
we may beat), then every miss. Usage:

    cargo build --release && python3 scripts/eval-ftfy.py [path/to/canon]
"""
import json, os, subprocess, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CASES = os.path.join(ROOT, "..", "shared", "eval", "ftfy", "cases.jsonl")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
canon = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "release", "canon")

score = {"pass": [0, 0], "fail": [0, 0]}
misses = []
for line in open(CASES, encoding="utf-8"):
    case = json.loads(line)
    want = case["fixed-encoding"] if case["fixed-encoding"] is not None else case["fixed"]
    out = subprocess.run(
        [canon, "clean", "-", "--quiet", "--skip", "normalize,convert,layout,dedup"],
        input=case["original"].encode("utf-8"), capture_output=True,
    ).stdout.decode("utf-8", "replace")
    s = score[case["expect"]]
    s[1] += 1
    if out == want:
        s[0] += 1
    else:
        misses.append((case, out, want))

print(f"pass cases: {score['pass'][0]}/{score['pass'][1]} (ftfy 151/151, plsfix 145/151)")
print(f"fail cases right: {score['fail'][0]}/{score['fail'][1]} (ftfy 0/10)")
for case, out, want in misses:
    print(f"\n[{case['expect']}] {case['source_file'].split('/')[-1]}#{case['index']}: {case['label']}")
    print(f"  in:   {case['original']!r}")
    print(f"  out:  {out!r}")
    print(f"  want: {want!r}")

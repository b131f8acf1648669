#!/usr/bin/env python3
"""Lost hanzi restored from their surviving pinyin annotation, on real text.

Seed 003 is a Traditional page whose hanzi carry flattened annotations
(`報(bào)`) and some of whose hanzi were lost with their `(`: `日?bào)`. This
builds such documents from real lines: every hanzi of a line gets its
reading in context (pypinyin 0.55, MIT, with its phrase dictionary:
`pip install pypinyin`), then random hanzi, never two side by side, are lost
to `?reading)` (a Simplified and a Traditional document). Each document is cleaned by the repair stage alone
(`canon clean - --skip normalize,convert,layout,dedup`) and every lost
position is judged: restored right, restored wrong (another hanzi, or the
other script's spelling), or left (U+FFFD). Lines whose output does not
line up with the clean line are counted apart. The clean annotated lines
are the negative set: they must come out as the clean line exactly.

Lines: the sample of scripts/eval-repair-debian.py (Debian's manpages-zh
and maint-guide, zh_CN and zh_TW), written with its `--lines FILE`.

Usage:
    python3 scripts/eval-repair-debian.py --lines /tmp/debian-lines.txt
    python3 scripts/eval-repair-reading.py /tmp/debian-lines.txt [canon] [--rate 0.15] [--seed 19]
"""
import os, random, re, sys

from pypinyin import Style, pinyin
from repair_lines import run_repair

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
args = sys.argv[1:]
rate, seed, rest = 0.15, 19, []
while args:
    a = args.pop(0)
    if a == "--rate":
        rate = float(args.pop(0))
    elif a == "--seed":
        seed = int(args.pop(0))
    else:
        rest.append(a)
lines_file = rest[0]
canon = rest[1] if len(rest) > 1 else os.path.join(target, "release", "canon")
HAN = re.compile(r"[\u4e00-\u9fff]")
lines = [l for l in open(lines_file, encoding="utf-8").read().split("\n") if l and "?" not in l]


def readings(line):
    # One reading per character, in context (pypinyin segments the line).
    return [r[0] for r in pinyin(line, style=Style.TONE, heteronym=False, errors=lambda s: [[None]] * len(s))]


rng = random.Random(seed)
docs, cases = [], []  # cases: (clean line, lost positions)
for line in lines:
    rs = readings(line)
    if len(rs) != len(line):
        continue
    lost, prev_lost = [], False
    for i, c in enumerate(line):
        ok = HAN.match(c) and rs[i] and not prev_lost and rng.random() < rate
        if ok:
            lost.append(i)
        prev_lost = bool(ok)
    annotated, damaged = [], []
    for i, c in enumerate(line):
        r = rs[i] if HAN.match(c) else None
        annotated.append(f"{c}({r})" if r else c)
        damaged.append(f"?{r})" if i in lost else annotated[-1])
    docs.append(("".join(annotated), "".join(damaged)))
    cases.append((line, lost))


def gb2312(line):
    try:
        line.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


# Two documents, as a page is in one script: lines GB2312 can write, and the
# rest (the Traditional ones, mostly).
simplified = [gb2312(l) for l, _ in cases]


def run(texts):
    parts = {k: run_repair(canon, [t for t, s in zip(texts, simplified) if s == k]) for k in (True, False)}
    its = {k: iter(v) for k, v in parts.items()}
    return [next(its[s]) for s in simplified]


clean_out = run([a for a, _ in docs])
false = [(l, g) for (l, _), g in zip(cases, clean_out) if g != l]
damaged_out = run([d for _, d in docs])
right = wrong = left = unaligned = 0
wrongs = []
for (line, lost), got in zip(cases, damaged_out):
    if not lost:
        continue
    if len(got) != len(line):
        unaligned += len(lost)
        continue
    for i in lost:
        if got[i] == line[i]:
            right += 1
        elif got[i] == "\ufffd":
            left += 1
        else:
            wrong += 1
            wrongs.append(f"    {line[max(0, i - 4):i]}[{line[i]}→{got[i]}]{line[i + 1:i + 5]}")
total = right + wrong + left + unaligned
print(f"annotated clean lines changed: {len(false)} of {len(docs)}")
for l, g in false[:10]:
    print(f"    FALSE: {l!r}\n        -> {g!r}")
print(f"lost hanzi: {total} in {sum(1 for _, l in cases if l)} lines")
print(f"restored right {right}, wrong {wrong}, left U+FFFD {left}, line not aligned {unaligned}")
print("\n".join(wrongs))

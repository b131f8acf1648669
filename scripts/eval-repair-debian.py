#!/usr/bin/env python3
"""Repair on real technical text the project was not tuned on: Debian's
Chinese man pages and New Maintainers' Guide, damaged through Python's codecs.

Sources (installed by `apt-get install manpages-zh maint-guide-zh-cn
maint-guide-zh-tw`; read from /usr/share, nothing is copied into the
repository): the zh_CN and zh_TW man pages of manpages-zh (GFDL-1.2+) and
maint-guide's plain-text editions (GPL-2+ per its copyright file), all UTF-8.

Lines: man pages are groff sources, read by stripping the macros rather than
rendering (rendering wraps at 80 columns and cuts sentences): request lines
(`.TH`, `.SH`, comments) are dropped, font and spacing escapes (`\\fB`, `\\,`,
`\\/`, `\\&`) removed, `\\-` becomes `-`, `\\(em` `—`, `\\e` a backslash;
a line with another escape left is dropped. The guide's text edition is
read line by line, indentation stripped. A line is kept with at least two
hanzi and at most 160 characters; duplicates go. A fixed-seed sample of
SAMPLE lines per source (zh-cn, zh-tw) is taken.

Families: each line encoded in one charset and decoded in another by Python
(strict encoding: a line the written charset lacks is not a case; decoding
with errors="replace", as tools that must not fail do, so a byte Python's
decoder rejects becomes U+FFFD, which encoding_rs might have decoded), whole
lines and, as a second family, one span (the line's first run of non-ASCII
characters with two hanzi or more) damaged inside a clean line. The clean
lines are the negative family: repair must leave every one unchanged.

Each case is cleaned by `canon clean - --skip normalize,convert,layout,dedup`
(cases separated by blank lines, so none is judged with a neighbour). Prints
per family: cases, restored exactly, restored but for lost characters (the
line with some characters replaced by U+FFFD, all a repair can do for bytes
a decoder dropped). With two binaries, both side by side.

encoding_rs's decoders (the WHATWG ones) damage the same lines in the Rust
example: `--lines FILE` writes the sample, then
`cargo run --release --example eval_repair_lines -- FILE`.

Usage:
    python3 scripts/eval-repair-debian.py [--sample N] [--lines FILE] [canon [other-canon]]
"""
import gzip, glob, os, random, re, sys

from repair_lines import run_repair

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))

args = sys.argv[1:]
sample, lines_out = 150, None
bins = []
while args:
    a = args.pop(0)
    if a == "--sample":
        sample = int(args.pop(0))
    elif a == "--lines":
        lines_out = args.pop(0)
    else:
        bins.append(a)
bins = bins or [os.path.join(target, "release", "canon")]

HAN = re.compile(r"[\u4e00-\u9fff]")
ESCAPES = [(r"\fB", ""), (r"\fI", ""), (r"\fR", ""), (r"\fP", ""), (r"\,", ""), (r"\/", ""),
           (r"\&", ""), (r"\-", "-"), (r"\(em", "—"), (r"\(en", "–"), (r"\e", "\\"), (r"\ ", " "),
           (r"\|", ""), (r"\^", "")]


def man_lines(lang):
    for path in sorted(glob.glob(f"/usr/share/man/{lang}/man*/*.gz")):
        try:
            text = gzip.open(path).read().decode("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for line in text.split("\n"):
            if line.startswith((".", "'")):
                continue
            for k, v in ESCAPES:
                line = line.replace(k, v)
            if "\\" in line.replace("\\\\", ""):
                continue
            yield line.strip()


def guide_lines(lang):
    path = f"/usr/share/doc/maint-guide-{lang}/maint-guide.{lang}.txt.gz"
    if os.path.exists(path):
        for line in gzip.open(path).read().decode("utf-8").split("\n"):
            yield line.strip()


def pick(lines, seed):
    seen = sorted({l for l in lines if len(HAN.findall(l)) >= 2 and len(l) <= 160})
    random.Random(seed).shuffle(seen)
    return seen[:sample]


sources = {
    "zh-cn": pick(list(man_lines("zh_CN")) + list(guide_lines("zh-cn")), 19),
    "zh-tw": pick(list(man_lines("zh_TW")) + list(guide_lines("zh-tw")), 19),
}
if not any(sources.values()):
    sys.exit("eval-repair-debian: no source text; apt-get install manpages-zh maint-guide-zh-cn maint-guide-zh-tw")
if lines_out:
    with open(lines_out, "w", encoding="utf-8") as f:
        for src in sources.values():
            f.write("".join(l + "\n" for l in src))


def windows1252(b):
    # Python's cp1252 rejects the five bytes WHATWG maps to C1 controls.
    return b.decode("cp1252", errors="replace")


FAMILIES = [
    ("utf8_as_gbk", "utf-8", "gbk"),
    ("utf8_as_gb18030", "utf-8", "gb18030"),
    ("utf8_as_big5", "utf-8", "big5"),
    ("utf8_as_cp1252", "utf-8", "cp1252"),
    ("utf8_as_latin1", "utf-8", "latin-1"),
    ("utf8_twice_cp1252", "utf-8", "cp1252*2"),
    ("gbk_as_cp1252", "gbk", "cp1252"),
    ("gbk_as_latin1", "gbk", "latin-1"),
    ("gbk_as_big5", "gbk", "big5"),
    ("big5_as_gbk", "big5", "gbk"),
    ("big5_as_latin1", "big5", "latin-1"),
    ("big5_as_cp1252", "big5", "cp1252"),
]


def damage(s, written, read):
    try:
        b = s.encode(written)
    except UnicodeEncodeError:
        return None
    if read == "cp1252*2":
        return windows1252(windows1252(b).encode("utf-8"))
    return b.decode(read, errors="replace")


SPAN = re.compile(r"[^\x00-\x7f]+")


def damage_span(s, written, read):
    for m in SPAN.finditer(s):
        if len(HAN.findall(m.group())) >= 2:
            d = damage(m.group(), written, read)
            return None if d is None else s[: m.start()] + d + s[m.end():]
    return None


def restored_but_lost(out, line):
    if "\ufffd" not in out:
        return False
    pat = "".join(".+" if p == "\ufffd" else re.escape(p) for p in re.split("(\ufffd)", out))
    return re.fullmatch(pat, line, re.S) is not None


cases = {}
for src, lines in sources.items():
    cases[f"negative_{src}"] = [(l, l) for l in lines]
    for name, w, r in FAMILIES:
        for kind, fn in (("line", damage), ("span", damage_span)):
            cs = [(d, l) for l in lines if (d := fn(l, w, r)) is not None and d != l]
            if cs:
                cases[f"{name}_{kind}_{src}"] = cs

results = [{fam: run_repair(b, [i for i, _ in cs]) for fam, cs in cases.items()} for b in bins]
print(f"{'family':32s} " + "  ".join(f"{'exact':>9s} {'+lost':>5s}" for _ in bins))
totals = [[0, 0] for _ in bins]
for fam, cs in cases.items():
    row = []
    for n, res in enumerate(results):
        exact = sum(g == e for g, (_, e) in zip(res[fam], cs))
        lost = sum(g != e and restored_but_lost(g, e) for g, (_, e) in zip(res[fam], cs))
        if fam.startswith("negative"):
            row.append(f"{len(cs) - exact:>3d} changed of {len(cs)}")
        else:
            totals[n][0] += exact
            totals[n][1] += len(cs)
            row.append(f"{exact:>4d}/{len(cs):<4d} {lost:>5d}")
    print(f"{fam:32s} " + "  ".join(row))
    if fam.startswith("negative"):
        for g, (i, e) in zip(results[-1][fam], cs):
            if g != e:
                print(f"    FALSE REPAIR: {e!r}\n               -> {g!r}")
    elif len(results) == 2:
        for (i, e), g0, g1 in zip(cs, results[0][fam], results[1][fam]):
            if (g0 == e) != (g1 == e):
                print(f"    {'FIXED' if g1 == e else 'BROKE'}: {e[:60]!r}\n      -> {g1[:60]!r}")
print("restored exactly: " + "  ".join(f"{t[0]}/{t[1]} ({100 * t[0] / t[1]:.1f}%)" for t in totals))

#!/usr/bin/env python3
"""Detection on short snippets (16 bytes to 4 KB) of real Chinese text in the
encodings short files come in: UTF-16LE/BE without a BOM, GBK, GB18030,
Big5, and ISO-2022-CN (encoded by glibc's iconv; Python has no codec for it).

Text: lines of a UTF-8 file given as LINES (e.g. the Debian technical lines
`scripts/eval-repair-debian.py --lines LINES` samples), cut at character
boundaries into snippets whose encoded length is a fixed-seed draw between
16 and 4096 bytes (a third of them 16–32 bytes, where the evidence is
thinnest). Each snippet is written to a temporary file and given to
`canon detect --json`; it counts as right when the named encoding decodes
the bytes back to the snippet (GBK and gb18030 are one decoder in
encoding_rs, so either name is right for both). A snippet detected as binary
is listed: a text file left out of the corpus.

Usage:
    python3 scripts/eval-detect-short.py LINES [canon [other-canon]]
"""
import json, os, random, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l.strip()]
bins = sys.argv[2:] or [os.path.join(target, "release", "canon")]
SNIPPETS_PER_ENCODING = 60
rng = random.Random(19)


def iso2022cn(s):
    r = subprocess.run(["iconv", "-f", "UTF-8", "-t", "ISO-2022-CN"], input=s.encode(), capture_output=True)
    if r.returncode != 0:
        raise UnicodeEncodeError("iso-2022-cn", s, 0, len(s), "iconv")
    return r.stdout


ENCODERS = {
    "UTF-16LE": lambda s: s.encode("utf-16-le"),
    "UTF-16BE": lambda s: s.encode("utf-16-be"),
    "GBK": lambda s: s.encode("gbk"),
    "gb18030": lambda s: s.encode("gb18030"),
    "Big5": lambda s: s.encode("big5"),
    "ISO-2022-CN": iso2022cn,
}
SAME = {"GBK": {"GBK", "gb18030"}, "gb18030": {"GBK", "gb18030"}}
text = "\n".join(lines)


def snippet(encode, name):
    # The length is measured in UTF-16 (or, for the others, GB18030, which
    # writes every character): ISO-2022-CN is encoded by a subprocess, once.
    measure = (lambda s: s.encode("utf-16-le")) if name.startswith("UTF-16") else (lambda s: s.encode("gb18030"))
    for _ in range(200):
        want = rng.randint(16, 32) if rng.random() < 1 / 3 else rng.randint(33, 4096)
        start = rng.randrange(len(text))
        s, n = "", 0
        for c in text[start:]:
            n += len(measure(c))
            if n > want:
                break
            s += c
        try:
            b = encode(s)
        except UnicodeEncodeError:
            continue
        if 16 <= len(b) <= 4096 and not s.isascii():
            return s, b
    return None


cases = []
for name, enc in ENCODERS.items():
    for _ in range(SNIPPETS_PER_ENCODING):
        got = snippet(enc, name)
        if got:
            cases.append((name, *got))

with tempfile.TemporaryDirectory() as tmp:
    paths = []
    for k, (name, s, b) in enumerate(cases):
        p = os.path.join(tmp, f"{k:04d}.txt")
        open(p, "wb").write(b)
        paths.append(p)
    for canon in bins:
        out = subprocess.run([canon, "detect", "--json", *paths], capture_output=True).stdout.decode()
        rows = [json.loads(l) for l in out.splitlines() if l.strip()]
        by_enc, binary = {}, []
        for (name, s, b), row in zip(cases, rows):
            got = row.get("encoding")
            ok = got == name or got in SAME.get(name, ())
            tot = by_enc.setdefault(name, [0, 0, 0])
            tot[0] += ok
            tot[1] += 1
            tot[2] += row.get("binary") is not None
            if row.get("binary") is not None:
                binary.append((name, len(b)))
            elif not ok and len(b) <= 64:
                print(f"  {canon}: {name} {len(b)} bytes read as {got}: {s[:20]!r}")
        total = sum(v[0] for v in by_enc.values()), sum(v[1] for v in by_enc.values())
        print(f"{canon}: {total[0]}/{total[1]} named right ({100 * total[0] / total[1]:.1f}%); "
              + ", ".join(f"{k} {v[0]}/{v[1]} ({v[2]} binary)" for k, v in by_enc.items()))

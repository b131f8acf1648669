#!/usr/bin/env python3
"""Generate canon's decode-stage fixtures.

What it does
    Reads the seed documents fixtures/seeds/input/*.txt (UTF-8) and writes
    one directory per case under fixtures/decode/<case>/ holding

        input.bin     the document encoded in some legacy/Unicode encoding
        expected.txt  the UTF-8 text (no BOM) that decoding input.bin must give
        README        (edge cases only) one line saying what the case pins

    Seed cases, for every seed NNN_<hash>:
        NNN-gbk, NNN-gb18030, NNN-utf16le-bom, NNN-utf16be-bom,
        NNN-utf16le-nobom, NNN-utf16be-nobom, NNN-utf8-bom
    and for the Traditional Chinese seed 003 also NNN-big5.

    Edge cases: ascii-only, utf8-no-bom-chinese, hz, big5-short, gbk-short,
    utf32le-bom, utf32be-bom.

    Characters a legacy target cannot encode are written as HTML numeric
    character references (Python's errors='xmlcharrefreplace'), and
    expected.txt then contains that reference literally ("&#57831;"), since
    that is exactly what a correct decoder produces from those bytes.

    The decoder under test is encoding_rs (WHATWG Encoding Standard), so the
    Python codec for each encoding was chosen such that its bytes decode, under
    the WHATWG decoder, to exactly expected.txt (see CODECS below and
    fixtures/decode/README.md).  The script also asserts that Python decodes
    its own output back to expected.txt.

How to run (from the repository root; needs only the Python 3 stdlib):

    python3 scripts/make-decode-fixtures.py

The output is deterministic: running it twice gives byte-identical trees.
Existing case directories are overwritten; directories under fixtures/decode
that this script does not know about are left alone and reported.
"""

import codecs
import pathlib
import re
import sys

SEEDS_DIR = pathlib.Path("fixtures/seeds")
OUT_DIR = pathlib.Path("fixtures/decode")

# Python codec used for each legacy encoding, checked against encoding_rs.
#  gbk:     Python 'gbk' (== 'cp936').  For every character of the seeds it
#           emits the same bytes as the WHATWG GBK encoder, except the two
#           private-use characters in seed 003 (U+E1E7, U+E7D1), which Python's
#           gbk cannot encode (WHATWG maps them to AFB2 / A8EE); they become
#           NCRs here, which decode to themselves.
#  gb18030: Python 'gb18030' emits byte-for-byte what encoding_rs's GB18030
#           encoder emits for all seed characters (incl. 4-byte sequences and
#           the PUA characters).
#  big5:    Python 'big5hkscs'.  Python 'big5' and 'cp950' put U+2474 (⑴) at
#           C7F3, which WHATWG Big5 decodes as U+0410 (Cyrillic А); WHATWG has
#           ⑴ at C6AB, as big5hkscs does.  big5hkscs also encodes the pinyin
#           tone letters (à á ǎ ā ...) with HKSCS codes 8867-887B, which the
#           WHATWG Big5 decoder maps back correctly (the WHATWG *encoder*
#           would not produce them; it would write NCRs instead).
CODECS = {
    "gbk": "gbk",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
}

TRADITIONAL_SEEDS = {"003"}

BOM_UTF8 = codecs.BOM_UTF8
BOM_UTF16_LE = codecs.BOM_UTF16_LE  # FF FE
BOM_UTF16_BE = codecs.BOM_UTF16_BE  # FE FF
BOM_UTF32_LE = codecs.BOM_UTF32_LE  # FF FE 00 00
BOM_UTF32_BE = codecs.BOM_UTF32_BE  # 00 00 FE FF

# Pinyin annotations in seed 003 look like "進(jìn)入" -> strip "(jìn)".
PINYIN_ANNOTATION = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)")

ASCII_TEXT = (
    "Decode fixture: plain ASCII.\n"
    "\n"
    "This file contains only 7-bit ASCII characters, so every ASCII-compatible\n"
    "encoding reads it the same way, and the decoder must return it unchanged.\n"
    "Punctuation: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\n"
    "Digits: 0123456789\n"
    "\tA tab-indented line, and a line with trailing spaces.   \n"
)

# unencodable[case][char] -> count, over the seed cases (for the summary)
unencodable = {}


def legacy_encode(text, codec, case):
    """Encode text with xmlcharrefreplace; return (bytes, expected_text)."""
    data = text.encode(codec, errors="xmlcharrefreplace")
    expected = []
    for ch in text:
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            expected.append("&#%d;" % ord(ch))
            counts = unencodable.setdefault(case, {})
            counts[ch] = counts.get(ch, 0) + 1
        else:
            expected.append(ch)
    expected = "".join(expected)
    # Python must read its own bytes back as expected (no one-way mappings).
    if data.decode(codec) != expected:
        sys.exit("%s: %s round trip mismatch" % (case, codec))
    return data, expected


def hz_encode(text):
    """HZ-GB-2312 (RFC 1843): GB2312 bytes with the high bit cleared inside
    ~{ ... ~}; ASCII outside, with '~~' for a literal tilde.  GB mode is
    closed before every ASCII character, so no line ends inside ~{ ~}."""
    out = bytearray()
    in_gb = False
    for ch in text:
        if ord(ch) < 0x80:
            if in_gb:
                out += b"~}"
                in_gb = False
            out += b"~~" if ch == "~" else ch.encode("ascii")
            continue
        gb = ch.encode("gb2312")  # strict: the passage must be pure GB2312
        if len(gb) != 2 or not (0xA1 <= gb[0] <= 0xF7 and 0xA1 <= gb[1] <= 0xFE):
            sys.exit("hz: %r is not a GB2312 double-byte character" % ch)
        # GB2312 and (WHATWG) GBK must agree on it, e.g. no U+2014/U+00B7.
        if ch.encode("gbk") != gb:
            sys.exit("hz: %r maps differently in GB2312 and GBK" % ch)
        if not in_gb:
            out += b"~{"
            in_gb = True
        out += bytes(b & 0x7F for b in gb)
    if in_gb:
        out += b"~}"
    return bytes(out)


def excerpt(text, codec, max_bytes):
    """Longest prefix of text that ends after a punctuation mark or line end
    and whose encoding (plus a final newline) fits max_bytes; must need no
    NCRs."""
    best = None
    for i, ch in enumerate(text):
        if ch in "。，、；：！？,;:!?\n":
            candidate = text[: i + 1].rstrip("\n") + "\n"
            if len(candidate.encode(codec)) > max_bytes:
                break
            best = candidate
    if best is None:
        sys.exit("excerpt: nothing fits in %d bytes" % max_bytes)
    best.encode(codec)  # strict
    return best


def write_case(name, data, expected, readme=None):
    d = OUT_DIR / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "input.bin").write_bytes(data)
    (d / "expected.txt").write_bytes(expected.encode("utf-8"))
    if readme is not None:
        (d / "README").write_bytes((readme + "\n").encode("utf-8"))
    return name


def load_seeds():
    seeds = {}
    for path in sorted(SEEDS_DIR.glob("input/*.txt")):
        stem = path.stem
        prefix = stem.split("_", 1)[0]
        text = path.read_bytes().decode("utf-8")  # strict
        if text.startswith("\ufeff"):
            sys.exit("%s: seed starts with a BOM" % path)
        seeds[prefix] = text
    if not seeds:
        sys.exit("no seeds under %s (run from the repository root)" % SEEDS_DIR)
    return seeds


def seed_cases(seeds):
    made = []
    for prefix, text in seeds.items():
        labels = ["gbk", "gb18030"]
        if prefix in TRADITIONAL_SEEDS:
            labels.append("big5")
        for label in labels:
            data, expected = legacy_encode(text, CODECS[label], "%s-%s" % (prefix, label))
            made.append(write_case("%s-%s" % (prefix, label), data, expected))
        le, be = text.encode("utf-16-le"), text.encode("utf-16-be")
        made.append(write_case(prefix + "-utf16le-bom", BOM_UTF16_LE + le, text))
        made.append(write_case(prefix + "-utf16be-bom", BOM_UTF16_BE + be, text))
        made.append(write_case(prefix + "-utf16le-nobom", le, text))
        made.append(write_case(prefix + "-utf16be-nobom", be, text))
        made.append(write_case(prefix + "-utf8-bom", BOM_UTF8 + text.encode("utf-8"), text))
    missing = TRADITIONAL_SEEDS - set(seeds)
    if missing:
        sys.exit("Traditional seed(s) missing: %s" % sorted(missing))
    return made


def edge_cases(seeds):
    made = []
    simp = seeds["000"]
    trad = seeds["003"]

    data = ASCII_TEXT.encode("ascii")
    made.append(write_case(
        "ascii-only", data, ASCII_TEXT,
        "Pure 7-bit ASCII English text, no BOM: must decode to itself byte for byte."))

    lines = simp.split("\n")[:4]
    text = "\n".join(lines) + "\n"
    made.append(write_case(
        "utf8-no-bom-chinese", text.encode("utf-8"), text,
        "First 4 lines of seed 000 as UTF-8 without BOM: must be taken as UTF-8, not a legacy CJK encoding."))

    # HZ: first two lines of seed 000 (pure GB2312, with ASCII digits inside)
    # plus a line with a literal tilde.
    text = "\n".join(simp.split("\n")[:2]) + "\n附注：波浪号 ~ 要原样保留。\n"
    data = hz_encode(text)
    if data.decode("hz") != text:
        sys.exit("hz: Python's hz codec does not read our HZ bytes back")
    hz_matches_python = data == text.encode("hz")
    made.append(write_case(
        "hz", data, text,
        "HZ-GB-2312 (~{ ~} escapes, ~~ = tilde; 7-bit bytes only): must decode to the Simplified text; "
        "WHATWG/encoding_rs maps the hz-gb-2312 label to 'replacement', so this needs a decoder of its own."))

    # big5-short: Traditional passage of seed 003, pinyin annotations removed.
    start = trad.index("這一組組世界第一")
    passage = PINYIN_ANNOTATION.sub("", trad[start:])
    text = excerpt(passage, "cp950", 300)
    if re.search(r"[A-Za-z\u00c0-\u024f]", text):
        sys.exit("big5-short: pinyin left in %r" % text)
    data = text.encode("cp950")
    # Only standard Big5 codes: big5, cp950 and big5hkscs must all agree.
    if not (data == text.encode("big5") == text.encode("big5hkscs")):
        sys.exit("big5-short: Python Big5 codecs disagree on the passage")
    made.append(write_case(
        "big5-short", data, text,
        "About 300 bytes of Traditional Chinese (seed 003, pinyin removed) in plain Big5, no NCRs: "
        "short input that must still be detected and decoded as Big5."))

    text = excerpt(simp, "gbk", 300)
    data = text.encode("gbk")
    made.append(write_case(
        "gbk-short", data, text,
        "About 300 bytes of Simplified Chinese (start of seed 000) in GBK, no NCRs: "
        "short input that must still be detected and decoded as GBK."))

    text = "\n".join(seeds["001"].split("\n")[:8]) + "\n"
    made.append(write_case(
        "utf32le-bom", BOM_UTF32_LE + text.encode("utf-32-le"), text,
        "Start of seed 001 as UTF-32LE with BOM FF FE 00 00 (which begins like the UTF-16LE BOM): "
        "must decode to the text; encoding_rs has no UTF-32."))
    made.append(write_case(
        "utf32be-bom", BOM_UTF32_BE + text.encode("utf-32-be"), text,
        "Start of seed 001 as UTF-32BE with BOM 00 00 FE FF: must decode to the text; encoding_rs has no UTF-32."))
    return made, hz_matches_python


def main():
    seeds = load_seeds()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    made = seed_cases(seeds)
    edge, hz_matches_python = edge_cases(seeds)
    made += edge

    for name in made:
        d = OUT_DIR / name
        print("%-24s input.bin %7d B  expected.txt %7d B" % (
            name, (d / "input.bin").stat().st_size, (d / "expected.txt").stat().st_size))
    print("HZ bytes identical to Python's 'hz' encoder: %s" % hz_matches_python)
    for case in sorted(unencodable):
        codec = CODECS[case.split("-", 1)[1]]
        items = ", ".join("U+%04X x%d" % (ord(c), n)
                          for c, n in sorted(unencodable[case].items()))
        print("%s (Python %s): written as NCRs: %s" % (case, codec, items))
    unknown = sorted(p.name for p in OUT_DIR.iterdir()
                     if p.is_dir() and p.name not in set(made))
    if unknown:
        print("note: directories not made by this script: %s" % ", ".join(unknown))
    print("%d cases written to %s" % (len(made), OUT_DIR))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Paragraph score of the layout stage on real books: PDFs made by other
toolchains than ours, with the book's own HTML as the truth.

For each book that has both a PDF and an HTML rendering of the same text,
the truth is every `<p>` of the HTML holding at least 20 Hanzi whose text
appears contiguous in the extraction (compared on a key that ignores
whitespace and punctuation width), so that a paragraph the extractor itself
cut or reordered (a footnote, a figure between its halves) does not count
against the stage. A paragraph is restored when some line of the output
has the same key, ignoring a leading list marker (`•`, `–`, `1.`).

    python3 scripts/layout-books.py [--layout] [--keep DIR] [--show N]

`--layout` extracts with `pdftotext -layout` (columns kept with spaces)
instead of poppler's default reading order; `--keep DIR` writes each
book's extraction, cleaned text and missed paragraphs there; `--show N`
prints N missed paragraphs per book. The table gives, per book, the
paragraphs, the share restored by the raw extraction (a line of
`pdftotext`'s output already equal to the paragraph) and by canon.

Books are found where Debian installs them (apt-get install poppler-utils
maint-guide-zh-cn maint-guide-zh-tw debian-edu-doc-zh-cn); those missing are
skipped with a note. Each must have a PDF and an HTML file (or a directory
of them, one per chapter).
canon is run as for `layout-score.py`: `clean --keep-repeats --skip
repair,convert -` ($CANON or target/release/canon), so that only normalize
and layout touch the text.
"""

import gzip
import html.parser
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (name, PDF candidates, HTML candidates): the first existing path of each.
BOOKS = [
    (
        "maint-guide zh-cn",
        ["/usr/share/doc/maint-guide-zh-cn/maint-guide.zh-cn.pdf",
         "/usr/share/doc/maint-guide-zh-cn/maint-guide.zh-cn.pdf.gz"],
        ["/usr/share/doc/maint-guide-zh-cn/html"],
    ),
    (
        "debian-edu bookworm zh-cn",
        ["/usr/share/doc/debian-edu-doc-zh-cn/debian-edu-bookworm-manual.pdf"],
        ["/usr/share/doc/debian-edu-doc-zh-cn/debian-edu-bookworm-manual.html"],
    ),
    (
        "debian-edu bullseye zh-cn",
        ["/usr/share/doc/debian-edu-doc-zh-cn/debian-edu-bullseye-manual.pdf"],
        ["/usr/share/doc/debian-edu-doc-zh-cn/debian-edu-bullseye-manual.html"],
    ),
    (
        "maint-guide zh-tw",
        ["/usr/share/doc/maint-guide-zh-tw/maint-guide.zh-tw.pdf",
         "/usr/share/doc/maint-guide-zh-tw/maint-guide.zh-tw.pdf.gz"],
        ["/usr/share/doc/maint-guide-zh-tw/html"],
    ),
]
# Extra books: BOOKS_EXTRA="name|pdf|html;name|pdf|html" (a PDF built
# locally, another real book with both renderings).
for spec in filter(None, os.environ.get("BOOKS_EXTRA", "").split(";")):
    name, pdf, htm = spec.split("|")
    BOOKS.append((name, [pdf], [htm]))

MIN_HANZI = 20
HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A leading list marker, which the HTML renders as a bullet or number the
# `<p>` does not hold.
MARKER = re.compile(r"^(?:[•●○■□◆◇▪–—\-*·∗]|\d{1,3}[.)、]|[a-zA-Z][.)])")


def canon_bin():
    if os.environ.get("CANON"):
        return os.environ["CANON"]
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    return str(Path(target) / "release" / "canon")


def key(text: str) -> str:
    """Whitespace dropped, widths folded (NFKC makes `，` `,` alike)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def unmarked(k: str) -> str:
    return MARKER.sub("", k, count=1)


class Paras(html.parser.HTMLParser):
    """Text of every `<p>` (nested `<p>` close the outer one, as HTML does)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras = []
        self.depth = 0
        self.buf = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "p":
            self.flush()
            self.depth = 1
        elif tag == "br" and self.depth:
            self.buf.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "p":
            self.flush()

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.buf.append(data)

    def flush(self):
        if self.depth:
            self.paras.append("".join(self.buf))
        self.buf = []
        self.depth = 0


def read(path: str) -> bytes:
    data = Path(path).read_bytes()
    return gzip.decompress(data) if path.endswith(".gz") else data


def html_paragraphs(path: str):
    """Paragraphs of one HTML file, or of every `.html` file of a directory
    (a book split into chapters)."""
    files = sorted(Path(path).glob("*.html")) if Path(path).is_dir() else [Path(path)]
    p = Paras()
    for f in files:
        p.feed(read(str(f)).decode("utf-8", "replace"))
        p.flush()
    return [t for t in p.paras if len(HANZI.findall(t)) >= MIN_HANZI]


def extract(pdf: str, layout: bool) -> str:
    data = read(pdf)
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode(
        "utf-8", "replace"
    )


def clean(text: str) -> str:
    out = subprocess.run(
        [canon_bin(), "clean", "--quiet", "--keep-repeats", "--skip", "repair,convert", "-"],
        input=text.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8")


def restored(truth_keys, text: str) -> set:
    lines = set()
    for line in text.splitlines():
        k = key(line)
        lines.add(k)
        lines.add(unmarked(k))
    return {k for k in truth_keys if k in lines or unmarked(k) in lines}


def main():
    args = sys.argv[1:]
    layout = "--layout" in args
    keep = Path(args[args.index("--keep") + 1]) if "--keep" in args else None
    show = int(args[args.index("--show") + 1]) if "--show" in args else 0
    rows = []
    for name, pdfs, htmls in BOOKS:
        pdf = next((p for p in pdfs if Path(p).exists()), None)
        htm = next((p for p in htmls if Path(p).exists()), None)
        if not pdf or not htm:
            print(f"skipped {name}: no PDF or HTML installed", file=sys.stderr)
            continue
        raw = extract(pdf, layout)
        whole = key(raw)
        truth = []
        for t in html_paragraphs(htm):
            k = key(t)
            if k in whole and k not in truth:
                truth.append(k)
        cleaned = clean(raw)
        got_raw = restored(truth, raw)
        got = restored(truth, cleaned)
        rows.append((name, len(truth), len(got_raw), len(got)))
        hanzi_in = len(HANZI.findall(raw))
        hanzi_out = len(HANZI.findall(cleaned))
        if hanzi_in != hanzi_out:
            print(f"{name}: hanzi {hanzi_in} in, {hanzi_out} out", file=sys.stderr)
        missed = [k for k in truth if k not in got]
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            stem = name.replace(" ", "-")
            (keep / f"{stem}.pdftotext.txt").write_text(raw, encoding="utf-8")
            (keep / f"{stem}.canon.txt").write_text(cleaned, encoding="utf-8")
            (keep / f"{stem}.missed.txt").write_text("\n".join(missed) + "\n", encoding="utf-8")
        for k in missed[:show]:
            print(f"  missed [{name}] {k[:80]}")
    mode = "pdftotext -layout" if layout else "pdftotext"
    print(f"| book ({mode}) | paragraphs | raw | canon |")
    print("| --- | ---: | ---: | ---: |")
    for name, n, r, c in rows:
        print(f"| {name} | {n} | {100 * r / n:.1f}% | {100 * c / n:.1f}% ({c}) |")


if __name__ == "__main__":
    main()

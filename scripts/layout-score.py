#!/usr/bin/env python3
"""Paragraph-reconstruction score of the layout stage.

Takes documents whose true paragraphs are known (one paragraph per line:
the seeds 000, 001 and 003, whose lines are whole paragraphs), renders them
the way extractors do, cleans the rendering with canon, and counts the true
paragraphs that come out as exactly one line (whitespace ignored: the stage
removes spaces between Chinese characters). Debris left in is a penalty:
every output line that is one of the running headers or page numbers the
rendering added (whitespace ignored) subtracts one, so the score is
(paragraphs restored - debris lines) / paragraphs. Both counts are printed.
(Debris glued into a paragraph already fails that paragraph.)

    python3 scripts/layout-score.py synthetic        # rendered text
    python3 scripts/layout-score.py pdf [--keep DIR] # LibreOffice → PDF → pdftotext

`synthetic` renders every combination of: line width (16, 20, 28, 36, 44
Chinese characters), paragraph indentation (none, two U+3000, four spaces,
dropped by the extractor but the first line shorter), blank lines between
paragraphs or none, pages (none; 38 lines a page with a running header and
a form feed; 45 lines a page with a footer page number and no form feed),
page-number style, and LF or CRLF line endings.

`pdf` writes each document as a flat ODF file (several page sizes, fonts,
sizes, one or two columns, a running header and a page-number footer),
converts it with `soffice --headless --convert-to pdf`, extracts it with
`pdftotext` (poppler's default reading-order mode), and scores the same way.
Needs `soffice` and `pdftotext` on PATH (Debian: libreoffice-writer-nogui,
poppler-utils, fonts-noto-cjk, fonts-wqy-microhei).

canon is run as `target/release/canon clean --keep-repeats --skip repair,convert -`
(or $CANON), so that only normalize and layout touch the text; the true
paragraphs are passed through normalize alone before comparing.
"""

import itertools
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds" / "input"
DOCS = ["000", "001", "003"]


def canon_bin():
    if os.environ.get("CANON"):
        return os.environ["CANON"]
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    return str(Path(target) / "release" / "canon")


def clean(text: str, skip: str = "repair,convert") -> str:
    out = subprocess.run(
        [canon_bin(), "clean", "--quiet", "--keep-repeats", "--skip", skip, "-"],
        input=text.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8")


def paragraphs(prefix: str):
    path = next(p for p in SEEDS.iterdir() if p.name.startswith(prefix + "_"))
    text = path.read_text(encoding="utf-8")
    return [l.strip().strip("\u3000\u2003") for l in text.splitlines() if l.strip()]


def truth(paras):
    """The true paragraphs as the stages before layout leave them (normalize
    makes punctuation full-width between Chinese characters), so that only
    layout decides the score."""
    normalized = clean("\n".join(paras) + "\n", skip="repair,convert,layout").splitlines()
    assert len(normalized) == len(paras), "normalize changed the paragraph count"
    return normalized


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


HEADER = "网信工作学习资料"


def debris_lines(max_page=400):
    """Every running header and page number a rendering can add, squashed."""
    items = {squash(HEADER)}
    for n in range(1, max_page + 1):
        for style in PAGE_NUMBER_STYLES:
            for total in range(n, n + 1):
                items.add(squash(style(n, total)))
        items.add(squash(f"- {n} -"))
    return items


DEBRIS = None


def score(true_paras, cleaned: str):
    """(paragraphs restored exactly, debris lines left): a debris line is an
    output line that is a header or page number the rendering added."""
    global DEBRIS
    if DEBRIS is None:
        DEBRIS = debris_lines()
    true_paras = TRUTH.get(tuple(true_paras)) or TRUTH.setdefault(tuple(true_paras), truth(true_paras))
    lines = Counter(squash(l) for l in cleaned.splitlines())
    ok = 0
    for p in true_paras:
        key = squash(p)
        if lines[key] > 0:
            lines[key] -= 1
            ok += 1
    debris = sum(1 for l in cleaned.splitlines() if squash(l) in DEBRIS or is_page_of(squash(l)))
    return ok, debris


def is_page_of(line: str) -> bool:
    """`n / total` and `Page n of total` with any total."""
    return bool(re.fullmatch(r"\d+/\d+|Page\d+of\d+", line))


TRUTH = {}


def units(c: str) -> int:
    o = ord(c)
    if o >= 0x1100 and (
        0x2E80 <= o <= 0xA4CF or 0xAC00 <= o <= 0xD7A3 or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFF60 or 0xFFE0 <= o <= 0xFFE6
        or o >= 0x20000 or o in (0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026)
    ):
        return 2
    return 1


NO_LINE_START = set("，。、；：？！）》」』】”’,.;:?!)")


def tokens(par: str):
    """Chinese characters one by one, Latin words and numbers whole."""
    return re.findall(r"[A-Za-z0-9.%āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+|\s+|.", par)


def wrap(par: str, width: int, first_indent: str, first_short: int):
    lines, cur, used = [], first_indent, sum(units(c) for c in first_indent) + first_short
    for tok in tokens(par):
        w = sum(units(c) for c in tok)
        if used + w > width and cur.strip() and tok[0] not in NO_LINE_START:
            lines.append(cur.rstrip())
            cur, used = "", 0
            if tok.isspace():
                continue
        cur += tok
        used += w
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


PAGE_NUMBER_STYLES = [
    lambda n, t: f"{n}",
    lambda n, t: f"- {n} -",
    lambda n, t: f"— {n} —",
    lambda n, t: f"第 {n} 页",
    lambda n, t: f"{n} / {t}",
    lambda n, t: f"Page {n} of {t}",
]


def render(paras, width_chars, indent, blank, pages, number_style, crlf):
    width = 2 * width_chars
    lines = []
    for p in paras:
        first_indent = {"ideo": "\u3000\u3000", "spaces": "    "}.get(indent, "")
        first_short = 4 if indent == "dropped" else 0
        lines.extend(wrap(p, width, first_indent, first_short))
        if blank:
            lines.append("")
    if pages is not None:
        per_page, header, form_feed = pages
        chunks = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
        total = len(chunks)
        out = []
        for n, chunk in enumerate(chunks, 1):
            page = []
            if header:
                page += [HEADER, ""]
            page += chunk
            page += ["", PAGE_NUMBER_STYLES[number_style](n, total)]
            if form_feed and n < total:
                page[-1] += "\n\f"
            out += page
        lines = out
    text = "\n".join(lines) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    return text


def synthetic():
    docs = {d: paragraphs(d) for d in DOCS}
    by_dim = defaultdict(lambda: [0, 0])
    total_ok = total = total_debris = 0
    idempotence_failures = 0
    combos = list(itertools.product(
        DOCS, [16, 20, 28, 36, 44], ["none", "ideo", "spaces", "dropped"], [False, True],
        [None, (38, True, True), (45, False, False)],
    ))
    for k, (doc, width, indent, blank, pages) in enumerate(combos):
        style = k % len(PAGE_NUMBER_STYLES)
        crlf = k % 3 == 0
        text = render(docs[doc], width, indent, blank, pages, style, crlf)
        cleaned = clean(text)
        if clean(cleaned) != cleaned:
            idempotence_failures += 1
        ok, debris = score(docs[doc], cleaned)
        n = len(docs[doc])
        total_ok += ok
        total_debris += debris
        total += n
        ok -= debris
        page_name = "none" if pages is None else ("header+ff" if pages[1] else "footer,no ff")
        for dim, value in [("doc", doc), ("width", width), ("indent", indent),
                           ("blank", blank), ("pages", page_name)]:
            by_dim[(dim, value)][0] += ok
            by_dim[(dim, value)][1] += n
    print(f"synthetic: {total_ok}/{total} true paragraphs on exactly one line, {total_debris} debris lines left; "
          f"score {100 * (total_ok - total_debris) / total:.2f}% over {len(combos)} renderings")
    print(f"idempotence failures: {idempotence_failures}")
    for (dim, value), (ok, n) in sorted(by_dim.items(), key=lambda x: (x[0][0], str(x[0][1]))):
        print(f"  {dim:<6} {str(value):<14} {100 * ok / n:6.2f}%  ({ok}/{n})")
    return (total_ok - total_debris) / total


FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="F" svg:font-family="'{font}'" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/>
</office:font-face-decls>
<office:styles>
 <style:style style:name="Standard" style:family="paragraph">
  <style:paragraph-properties fo:text-align="{align}" fo:text-indent="{indent}" fo:margin-bottom="{space}"/>
  <style:text-properties style:font-name="F" fo:font-size="{size}pt" style:font-name-asian="F" style:font-size-asian="{size}pt"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="PL">
  <style:page-layout-properties fo:page-width="{pw}" fo:page-height="{ph}" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2cm" fo:margin-right="2cm">
   <style:columns fo:column-count="{columns}" fo:column-gap="0.8cm"/>
  </style:page-layout-properties>
  <style:header-style/><style:footer-style/>
 </style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="PL">
  <style:header><text:p text:style-name="Standard">网信工作学习资料</text:p></style:header>
  <style:footer><text:p text:style-name="Standard">- <text:page-number text:select-page="current"/> -</text:p></style:footer>
 </style:master-page>
</office:master-styles>
<office:body><office:text>
{body}
</office:text></office:body></office:document>
"""

PDF_LAYOUTS = [
    # name, page width, height, font, size, columns, indent, space, align
    ("A4 Noto Serif 12pt", "21cm", "29.7cm", "Noto Serif CJK SC", 12, 1, "2em", "0cm", "justify"),
    ("A4 Noto Sans 10.5pt 2 columns", "21cm", "29.7cm", "Noto Sans CJK SC", 10.5, 2, "2em", "0cm", "justify"),
    ("A5 WenQuanYi 10pt", "14.8cm", "21cm", "WenQuanYi Micro Hei", 10, 1, "2em", "0cm", "justify"),
    ("Letter Noto Sans 11pt no indent, spaced", "21.59cm", "27.94cm", "Noto Sans CJK SC", 11, 1, "0cm", "0.3cm", "start"),
    ("B5 Noto Serif 9pt 2 columns no indent", "17.6cm", "25cm", "Noto Serif CJK SC", 9, 2, "0cm", "0cm", "justify"),
    ("A4 landscape Noto Sans 12pt", "29.7cm", "21cm", "Noto Sans CJK SC", 12, 1, "2em", "0cm", "justify"),
]


def pdf(keep=None):
    workdir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="layout-pdf-"))
    workdir.mkdir(parents=True, exist_ok=True)
    total_ok = total = total_debris = 0
    for li, (name, pw, ph, font, size, columns, indent, space, align) in enumerate(PDF_LAYOUTS):
        layout_ok = layout_n = layout_debris = 0
        for doc in DOCS:
            paras = paragraphs(doc)
            body = "\n".join(f'<text:p text:style-name="Standard">{escape(p)}</text:p>' for p in paras)
            fodt = workdir / f"{doc}-{li}.fodt"
            # Two characters of indentation, in points (LibreOffice ignores em).
            indent_len = f"{2 * size}pt" if indent == "2em" else indent
            fodt.write_text(FODT.format(font=font, size=size, columns=columns, indent=indent_len,
                                        space=space, align=align, pw=pw, ph=ph, body=body),
                            encoding="utf-8")
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir",
                            str(workdir), str(fodt)], capture_output=True, check=True)
            pdf_path = fodt.with_suffix(".pdf")
            txt = fodt.with_suffix(".txt")
            subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), str(txt)], check=True)
            raw = txt.read_text(encoding="utf-8")
            cleaned = clean(raw)
            fodt.with_suffix(".clean.txt").write_text(cleaned, encoding="utf-8")
            ok, debris = score(paras, cleaned)
            layout_ok += ok
            layout_debris += debris
            layout_n += len(paras)
        print(f"  {name:<42} {100 * (layout_ok - layout_debris) / layout_n:6.2f}%  "
              f"({layout_ok}/{layout_n} restored, {layout_debris} debris lines)")
        total_ok += layout_ok
        total_debris += layout_debris
        total += layout_n
    print(f"pdf: {total_ok}/{total} true paragraphs on exactly one line, {total_debris} debris lines left; "
          f"score {100 * (total_ok - total_debris) / total:.2f}% "
          f"({len(PDF_LAYOUTS)} layouts x {len(DOCS)} documents; files in {workdir})")
    return (total_ok - total_debris) / total


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "synthetic"
    if mode == "synthetic":
        synthetic()
    elif mode == "pdf":
        keep = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--keep" else None
        pdf(keep)
    else:
        sys.exit(__doc__)

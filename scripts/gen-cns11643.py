#!/usr/bin/env python3
"""Generate src/tables/cns11643.rs from glibc iconv's EUC-TW converter.

encoding_rs has no EUC-TW decoder, so we take the CNS 11643 -> Unicode
mapping from the system's `iconv` (glibc). Needs only Python 3 and a glibc
`iconv` binary that knows EUC-TW; nothing is downloaded.

EUC-TW byte forms:
  * plane 1, two bytes:       A1..FE  A1..FE
  * planes 1..7, four bytes:  8E  A1+plane-1  A1..FE  A1..FE
(glibc also accepts plane 15 as 8E AF ..; it is not part of this table.)

Each of the 94x94 codes of a plane is converted on its own through glibc's
iconv(3) (via ctypes; an error means unmapped). The result is cross-checked
against the `iconv` program: all mapped codes of a plane in one batch, one
per line, must convert and match; unmapped codes run alone must fail (a
random sample, or all of them with --full-verify). The two plane-1 forms
are compared and must agree. (`iconv -c` batching is not used: see main.)

The Rust table stores each plane as 94 row strings; the character for
(row, cell) is the cell-th character of the row string, `\\0` marking an
unmapped cell inside a row and missing trailing cells being unmapped.

Usage: python3 scripts/gen-cns11643.py [--out PATH] [--planes 7] [--full-verify]
"""

import argparse
import os
import random
import re
import subprocess
import sys
import unicodedata

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def code_bytes(plane, row, cell, two_byte=False):
    lo = bytes([0xA0 + row, 0xA0 + cell])
    if two_byte:
        assert plane == 1
        return lo
    return bytes([0x8E, 0xA0 + plane]) + lo


class LibcIconv:
    """Direct calls to glibc's iconv(3), one code at a time (same gconv module
    as the iconv program)."""

    def __init__(self):
        import ctypes
        import ctypes.util

        self.ct = ctypes
        self.libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self.libc.iconv_open.restype = ctypes.c_void_p
        self.libc.iconv_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self.libc.iconv.restype = ctypes.c_size_t
        self.libc.iconv.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.POINTER(ctypes.c_size_t),
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.POINTER(ctypes.c_size_t),
        ]
        self.cd = self.libc.iconv_open(b"UTF-8", b"EUC-TW")
        if self.cd in (None, ctypes.c_void_p(-1).value):
            raise SystemExit("iconv_open(UTF-8, EUC-TW) failed: no EUC-TW in this libc")

    def convert(self, data):
        """Whole-input conversion; None if iconv reports any error."""
        ct = self.ct
        self.libc.iconv(self.cd, None, None, None, None)  # reset state
        inbuf = ct.create_string_buffer(data, len(data))
        out = ct.create_string_buffer(64)
        inp = ct.c_char_p(ct.addressof(inbuf))
        inleft = ct.c_size_t(len(data))
        outp = ct.c_char_p(ct.addressof(out))
        outleft = ct.c_size_t(64)
        r = self.libc.iconv(self.cd, ct.byref(inp), ct.byref(inleft), ct.byref(outp), ct.byref(outleft))
        if r == ct.c_size_t(-1).value or inleft.value != 0:
            return None
        return out.raw[: 64 - outleft.value].decode("utf-8")


def iconv_program(data):
    """Run the iconv program (no -c: see the note in main)."""
    p = subprocess.run(["iconv", "-f", "EUC-TW", "-t", "UTF-8"], input=data, capture_output=True)
    return p.returncode, p.stdout


def iconv_one(b):
    rc, out = iconv_program(b)
    return out.decode("utf-8") if rc == 0 else None


def convert_plane(lib, plane, two_byte=False):
    """Return {(row, cell): char} for the mapped codes of one plane."""
    table = {}
    for r in range(1, 95):
        for c in range(1, 95):
            s = lib.convert(code_bytes(plane, r, c, two_byte))
            if s is None:
                continue
            if len(s) != 1:
                raise SystemExit(f"plane {plane} {r}-{c}: maps to {s!r}, not one char")
            table[(r, c)] = s
    return table


def cross_check(plane, table, unmapped_sample, rng, full):
    """Compare with the iconv program: all mapped codes in one batch (must
    convert without error and match), and unmapped codes one by one (must
    fail): all of them with --full-verify, else a random sample."""
    keys = sorted(table)
    data = b"".join(code_bytes(plane, r, c) + b"\n" for r, c in keys)
    rc, out = iconv_program(data)
    if rc != 0:
        raise SystemExit(f"plane {plane}: iconv program rejected a mapped code")
    lines = out.decode("utf-8").split("\n")[:-1]
    if lines != [table[k] for k in keys]:
        raise SystemExit(f"plane {plane}: iconv program disagrees with iconv(3)")
    unmapped = [
        (r, c) for r in range(1, 95) for c in range(1, 95) if (r, c) not in table
    ]
    sample = unmapped if full else rng.sample(unmapped, min(unmapped_sample, len(unmapped)))
    for r, c in sample:
        if iconv_one(code_bytes(plane, r, c)) is not None:
            raise SystemExit(f"plane {plane} {r}-{c}: iconv program maps an unmapped code")
    return len(unmapped), len(sample)


def needs_escape(ch):
    if ch in ('"', "\\"):
        return True
    cat = unicodedata.category(ch)
    # Controls, format chars (incl. bidi controls), marks, separators, unassigned.
    return cat[0] in ("C", "M", "Z")


def rust_row(plane_table, row):
    last = 0
    for c in range(1, 95):
        if (row, c) in plane_table:
            last = c
    parts = []
    for c in range(1, last + 1):
        ch = plane_table.get((row, c))
        if ch is None:
            parts.append("\\0")
        elif needs_escape(ch):
            parts.append(f"\\u{{{ord(ch):x}}}")
        else:
            parts.append(ch)
    return '"' + "".join(parts) + '"'


def glibc_version():
    try:
        out = subprocess.run(["ldd", "--version"], capture_output=True, text=True).stdout
        first = out.splitlines()[0].strip()
        m = re.search(r"(\d+\.\d+)\s*$", first)
        ver = m.group(1) if m else "?"
        vendor = re.search(r"\(([^)]*)\)", first)
        return (f"glibc {ver}" + (f", {vendor.group(1)}" if vendor else ""), ver)
    except Exception:  # noqa: BLE001
        return ("unknown", "?")


def render(tables, glibc, stats):
    nplanes = len(tables)
    total = sum(len(t) for t in tables)
    o = []
    o.append("// Generated by scripts/gen-cns11643.py — do not edit.\n")
    o.append("//\n")
    o.append("// CNS 11643 -> Unicode, as mapped by the EUC-TW converter of GNU libc's\n")
    o.append(f"// iconv ({glibc}).\n")
    o.append(f"// Planes 1..={nplanes}; {total} mapped codes:\n")
    o.append("// " + ", ".join(f"plane {i + 1} {n}" for i, n in enumerate(stats)) + ".\n")
    o.append("// Plane 15 (EUC-TW 8E AF ..), which glibc also knows, is not included.\n")
    o.append("\n")
    o.append("/// Number of CNS 11643 planes in `CNS11643_PLANES`.\n")
    o.append(f"pub const CNS11643_PLANE_COUNT: u8 = {nplanes};\n")
    o.append("\n")
    o.append("/// Maps a CNS 11643 code to Unicode.\n")
    o.append("///\n")
    o.append("/// `plane` is 1-based; `row` and `cell` are 1..=94 (byte value minus 0xA0\n")
    o.append("/// in EUC-TW). Returns `None` for unmapped codes and out-of-range input.\n")
    o.append("pub fn cns11643_to_char(plane: u8, row: u8, cell: u8) -> Option<char> {\n")
    o.append("    if !(1..=CNS11643_PLANE_COUNT).contains(&plane)\n")
    o.append("        || !(1..=94).contains(&row)\n")
    o.append("        || !(1..=94).contains(&cell)\n")
    o.append("    {\n")
    o.append("        return None;\n")
    o.append("    }\n")
    o.append("    let row_str = CNS11643_PLANES[usize::from(plane - 1)][usize::from(row - 1)];\n")
    o.append("    match row_str.chars().nth(usize::from(cell - 1)) {\n")
    o.append("        Some('\\0') | None => None,\n")
    o.append("        some => some,\n")
    o.append("    }\n")
    o.append("}\n")
    o.append("\n")
    o.append("/// Row strings per plane: the character for cell `c` (1-based) is the\n")
    o.append("/// `c`-th character of the row; `'\\0'` or a missing cell means unmapped.\n")
    o.append(f"static CNS11643_PLANES: [[&str; 94]; {nplanes}] = [\n")
    for p, t in enumerate(tables):
        o.append(f"    // Plane {p + 1}\n")
        o.append("    [\n")
        for r in range(1, 95):
            o.append(f"        {rust_row(t, r)},\n")
        o.append("    ],\n")
    o.append("];\n")
    return "".join(o)


TESTS = """
#[cfg(test)]
mod tests {
    use super::*;

    // Expected values were checked against `iconv -f EUC-TW -t UTF-8`.
    #[test]
    fn known_mappings() {
        // A1 A1 / 8E A1 A1 A1: ideographic space.
        assert_eq!(cns11643_to_char(1, 1, 1), Some('\\u{3000}'));
        // C4 A1: first hanzi of plane 1.
        assert_eq!(cns11643_to_char(1, 36, 1), Some('一'));
        // 8E A2 A1 A1: first hanzi of plane 2.
        assert_eq!(cns11643_to_char(2, 1, 1), Some('乂'));
        // 8E A3 A1 A1: first code of plane 3.
        assert_eq!(cns11643_to_char(3, 1, 1), Some('丨'));
        TEST_EXTRA
    }

    #[test]
    fn unmapped_and_out_of_range() {
        assert_eq!(cns11643_to_char(1, 94, 94), None);
        assert_eq!(cns11643_to_char(0, 1, 1), None);
        assert_eq!(cns11643_to_char(8, 1, 1), None);
        assert_eq!(cns11643_to_char(1, 0, 1), None);
        assert_eq!(cns11643_to_char(1, 1, 95), None);
    }
}
"""


DEFAULT_SAMPLES = [
    "/work/shared/eval/encodings/real/chardet/EUC-TW/_ude_euc-tw1.txt",
    "/work/shared/eval/encodings/real/uchardet/zh/euc-tw.txt",
]


def load_rs_table(path):
    """Parse the row strings back out of the generated .rs file."""
    text = open(path, encoding="utf-8").read()
    body = text[text.index("static CNS11643_PLANES") : text.index("#[cfg(test)]")]
    rows = re.findall(r'^        "((?:[^"\\]|\\.)*)",$', body, flags=re.M)
    if len(rows) % 94:
        raise SystemExit(f"{path}: {len(rows)} row strings, not a multiple of 94")

    def unescape(m):
        return "\0" if m.group(0) == "\\0" else chr(int(m.group(1), 16))

    rows = [re.sub(r"\\u\{([0-9a-f]+)\}|\\0", unescape, r) for r in rows]
    return [rows[i : i + 94] for i in range(0, len(rows), 94)]


def decode_euc_tw(data, planes):
    """EUC-TW decoder using the table as the Rust code does; None on error."""

    def lookup(plane, row, cell):
        if not 1 <= plane <= len(planes):
            return None
        row_str = planes[plane - 1][row - 1]
        ch = row_str[cell - 1] if cell <= len(row_str) else "\0"
        return None if ch == "\0" else ch

    out, i = [], 0
    while i < len(data):
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
        elif 0xA1 <= b <= 0xFE and i + 1 < len(data) and 0xA1 <= data[i + 1] <= 0xFE:
            ch = lookup(1, b - 0xA0, data[i + 1] - 0xA0)
            if ch is None:
                return None
            out.append(ch)
            i += 2
        elif (
            b == 0x8E
            and i + 3 < len(data)
            and all(0xA1 <= x <= 0xFE for x in data[i + 1 : i + 4])
        ):
            ch = lookup(data[i + 1] - 0xA0, data[i + 2] - 0xA0, data[i + 3] - 0xA0)
            if ch is None:
                return None
            out.append(ch)
            i += 4
        else:
            return None
    return "".join(out)


def validate(rs_path, files):
    planes = load_rs_table(rs_path)
    ok = True
    for f in files:
        if not os.path.exists(f):
            print(f"validate: {f} missing, skipped")
            continue
        data = open(f, "rb").read()
        rc, ref = iconv_program(data)
        ours = decode_euc_tw(data, planes)
        ref_s = ref.decode("utf-8") if rc == 0 else None
        same = ours is not None and ours == ref_s
        nonascii = sum(1 for ch in (ours or "") if ord(ch) > 0x7F)
        print(
            f"validate: {f}: {len(data)} bytes, {nonascii} non-ASCII chars, "
            f"{'identical to' if same else 'DIFFERENT from'} iconv"
        )
        ok &= same
    if not ok:
        raise SystemExit("validation failed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(REPO, "src", "tables", "cns11643.rs"))
    ap.add_argument("--planes", type=int, default=7, help="planes 1..=N (default 7)")
    ap.add_argument(
        "--full-verify",
        action="store_true",
        help="check every unmapped code with the iconv program (slow) instead of a sample",
    )
    ap.add_argument("--dump", help="also write 'plane row cell U+XXXX' lines to this file")
    ap.add_argument(
        "--validate",
        nargs="*",
        default=DEFAULT_SAMPLES,
        metavar="FILE",
        help="EUC-TW files to decode with the written table and with iconv "
        "(default: the two real samples under /work/shared, if present)",
    )
    args = ap.parse_args()

    glibc, _ = glibc_version()
    print(f"iconv from {glibc}")
    # Note: `iconv -c` is not usable for batching here: with it, glibc 2.36
    # emits a stray character (not an empty output) for some unmapped 4-byte
    # codes (e.g. 8E A1 C1 F2 -> U+FE36). So codes are converted one at a
    # time through iconv(3), then cross-checked against the iconv program.
    lib = LibcIconv()
    rng = random.Random(11643)
    tables, stats = [], []
    for plane in range(1, args.planes + 1):
        t = convert_plane(lib, plane)
        unmapped, checked = cross_check(plane, t, 200, rng, args.full_verify)
        bmp = sum(1 for s in t.values() if ord(s) <= 0xFFFF)
        pua = sum(1 for s in t.values() if 0xE000 <= ord(s) <= 0xF8FF or ord(s) >= 0xF0000)
        print(
            f"plane {plane}: {len(t)} mapped ({bmp} BMP, {len(t) - bmp} supplementary, "
            f"{pua} private-use), {unmapped} unmapped; iconv program agrees on all "
            f"mapped and on {checked} unmapped checked alone"
        )
        tables.append(t)
        stats.append(len(t))

    # Two-byte plane-1 form vs 8E A1 form.
    t2 = convert_plane(lib, 1, two_byte=True)
    if t2 != tables[0]:
        diff = set(t2.items()) ^ set(tables[0].items())
        raise SystemExit(f"plane 1 two-byte and 8E A1 forms differ in {len(diff)} entries")
    print(f"plane 1: two-byte A1..FE form and 8E A1 form agree ({len(t2)} codes)")

    # Each Unicode char from one code only?
    seen = {}
    dups = 0
    for p, t in enumerate(tables):
        for (r, c), s in t.items():
            if s in seen:
                dups += 1
            seen.setdefault(s, (p + 1, r, c))
    print(f"distinct Unicode targets: {len(seen)}; codes sharing a target: {dups}")

    text = render(tables, glibc, stats)
    extra = []
    # A few more verified mappings for the unit test: last mapped code of each plane.
    for p, t in enumerate(tables):
        (r, c) = max(t)
        s = t[(r, c)]
        lit = f"\\u{{{ord(s):x}}}"
        extra.append(f"assert_eq!(cns11643_to_char({p + 1}, {r}, {c}), Some('{lit}'));")
    text += TESTS.replace("TEST_EXTRA", "\n        ".join(extra))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {args.out} ({len(text.encode('utf-8'))} bytes)")

    validate(args.out, args.validate)

    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for p, t in enumerate(tables):
                for (r, c), s in sorted(t.items()):
                    f.write(f"{p + 1} {r} {c} U+{ord(s):04X}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

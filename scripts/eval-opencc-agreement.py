#!/usr/bin/env python3
"""Character agreement of canon's convert stage with OpenCC on real text.

An evaluation, not a test. For each file: canon decodes it (every other stage
skipped), canon converts it (convert stage only, default t2s), and each oracle
converts canon's decoded text with t2s:
  - PyPI `opencc` 1.4.2 (pip install opencc==1.4.2), the reference;
  - Debian's `opencc` CLI (apt-get install opencc), OpenCC 1.1.6.
Prints the share of identical characters and lists every difference.

Usage: scripts/eval-opencc-agreement.py [--strip-pinyin] [FILE_OR_DIR...]
       (default: the Traditional seed ../shared/seeds/003_*.txt)
--strip-pinyin drops `(jìn)`-style annotations first, as the repair stage
will, so the figure is the one for the seed "after repair". CANON=path runs
that canon binary instead of building one.
"""
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PINYIN = re.compile(r"\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")
SKIP_ALL = "repair,normalize,convert,layout,dedup"
ONLY_CONVERT = "repair,normalize,layout,dedup"


def canon_binary():
    if os.environ.get("CANON"):
        return os.environ["CANON"]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return os.path.join(target, "release", "canon")


def canon(binary, data, skip):
    out = subprocess.run([binary, "clean", "-", "--quiet", "--skip", skip],
                         input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def oracles():
    found = []
    try:
        import opencc
        found.append(("PyPI opencc " + getattr(opencc, "__version__", "?"),
                      opencc.OpenCC("t2s").convert))
    except ImportError:
        print("PyPI opencc not installed: pip install opencc==1.4.2", file=sys.stderr)
    cli = "/usr/bin/opencc" if os.path.exists("/usr/bin/opencc") else shutil.which("opencc")
    if cli:
        def run_cli(text, cli=cli):
            return subprocess.run([cli, "-c", "t2s.json"], input=text.encode("utf-8"),
                                  capture_output=True, check=True).stdout.decode("utf-8")
        found.append((cli + " (Debian)", run_cli))
    return found


def differences(ours, theirs):
    """(identical characters, differing spans)."""
    same = 0
    spans = []
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            same += a1 - a0
        else:
            spans.append((ours[max(0, a0 - 4):a1 + 4], theirs[max(0, b0 - 4):b1 + 4]))
    return same, spans


def main():
    args = sys.argv[1:]
    strip = "--strip-pinyin" in args
    paths = [a for a in args if a != "--strip-pinyin"] or glob.glob(
        os.path.join(ROOT, "..", "shared", "seeds", "003_*.txt"))
    files = []
    for p in paths:
        files += sorted(glob.glob(os.path.join(p, "*"))) if os.path.isdir(p) else [p]
    files = [f for f in files if os.path.isfile(f)]
    if not files:
        print("eval-opencc-agreement: nothing to evaluate", file=sys.stderr)
        return 0
    binary = canon_binary()
    for name, convert in oracles():
        total = same = 0
        listed = []
        for f in files:
            data = open(f, "rb").read()
            decoded = canon(binary, data, SKIP_ALL)
            if strip:
                decoded = PINYIN.sub("", decoded)
            ours = canon(binary, decoded.encode("utf-8"), ONLY_CONVERT)
            theirs = convert(decoded)
            s, spans = differences(ours, theirs)
            total += max(len(ours), len(theirs))
            same += s
            listed += [(os.path.basename(f), a, b) for a, b in spans]
        print(f"{name}: {same}/{total} characters identical "
              f"({100.0 * same / max(total, 1):.3f}%), {len(listed)} difference(s)"
              f" over {len(files)} file(s){' (pinyin stripped)' if strip else ''}")
        for f, a, b in listed:
            print(f"  {f}: canon {a!r}  opencc {b!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

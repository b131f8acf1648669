"""Runs lines through canon's repair stage alone, one case a line, for the
repair evaluations (scripts/eval-repair-families.py,
scripts/eval-repair-debian.py).

Example: run_repair("target/release/canon", ["涓枃", "ok"]) → ["中文", "ok"].

The cases are joined by blank lines so that no case is judged with its
neighbours as context, and every stage but decode and repair is skipped.
Limits: a case must not hold a blank line itself (the split would then
count wrong, which the assertion catches).
"""

import subprocess


def run_repair(canon, lines):
    text = "\n\n".join(lines) + "\n"
    out = subprocess.run([canon, "clean", "-", "--quiet", "--skip", "normalize,convert,layout,dedup"],
                         input=text.encode(), capture_output=True, check=True).stdout.decode()
    got = out.split("\n\n")
    got[-1] = got[-1].removesuffix("\n")
    assert len(got) == len(lines), (len(got), len(lines))
    return got

#!/usr/bin/env python3
"""Which named thresholds can move without any test noticing?

For every numeric constant under src/stages/ and src/pipeline.rs
(`const NAME: T = literal;`), the script changes the literal by one step,
rebuilds, runs the test suite until the first failure, restores the file,
and prints one row per change: the constant, the change, and the first test
that failed (or "none": no test notices that threshold).

One step: integers +1 and -1 (not below 0 for unsigned types); floats
+-0.05 when the value is at most 1, +-10% otherwise. A change that does not
compile is reported as such (a size, not a threshold).

The suite is `cargo nextest run` over the unit tests and the integration
tests except tests/reliability.rs (interruption, resume and I/O failures,
which no threshold reaches and which take minutes); nextest stops at the
first failure, so a noticed change costs a build and seconds.

Run it in a scratch worktree, never in one with uncommitted work (it edits
and restores files in place):

    git worktree add /tmp/mutate HEAD && cd /tmp/mutate
    python3 scripts/mutate-thresholds.py [--only NAME,NAME] [--up-only] > mutations.tsv

Needs cargo-nextest. Takes one to three minutes a change on two cores;
`CARGO_PROFILE_DEV_DEBUG=0` in the environment makes each rebuild shorter.
"""

import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONST = re.compile(
    r"^(\s*(?:pub(?:\([a-z]+\))? )?const ([A-Z0-9_]+): (usize|u8|u16|u32|u64|i32|i64|f64|f32) = )"
    r"(-?[0-9][0-9_]*(?:\.[0-9_]+)?)(;.*)$"
)
# Left out: reliability (interruption and I/O failures, which no threshold
# reaches, and which take minutes); pre_commit (builds canon a second time
# inside pre-commit); two checks of generated tables against the encoders and
# OpenCC's own data, which read no threshold and take half the suite's time.
FILTER = (
    "not (binary(reliability) | binary(pre_commit)"
    " | test(=stages::repair::double_byte::tests::pair_tables_agree_with_the_encoders)"
    " | test(=stages::convert::opencc::tests::engine_agrees_with_zhhz_on_every_config))"
)


def constants():
    found = []
    paths = [os.path.join(ROOT, "src", "pipeline.rs")]
    for base, _, files in os.walk(os.path.join(ROOT, "src", "stages")):
        paths += [os.path.join(base, f) for f in files if f.endswith(".rs")]
    for path in sorted(paths):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f):
                m = CONST.match(line.rstrip("\n"))
                if m:
                    found.append((path, n, m))
    return found


def steps(kind, literal):
    value = float(literal.replace("_", ""))
    if kind.startswith("f"):
        d = 0.05 if abs(value) <= 1 else abs(value) * 0.1
        return [f"{value + d:.4g}", f"{value - d:.4g}"] if value - d >= 0 else [f"{value + d:.4g}"]
    v = int(value)
    out = [str(v + 1)]
    if v - 1 >= 0 or not kind.startswith("u"):
        out.append(str(v - 1))
    return out


def run_suite():
    build = subprocess.run(["cargo", "nextest", "run", "--no-run"], cwd=ROOT, capture_output=True, text=True)
    if build.returncode != 0:
        return "does not compile"
    test = subprocess.run(["cargo", "nextest", "run", "-E", FILTER, "--fail-fast", "--no-tests=fail"],
                          cwd=ROOT, capture_output=True, text=True)
    if test.returncode == 0:
        return "none"
    failed = []
    for line in (test.stdout + test.stderr).splitlines():
        # `        FAIL [   0.012s] (  3/250) canon::fixtures seeds_match`
        m = re.search(r"^\s*(?:FAIL|SIGSEGV|SIGABRT|TIMEOUT) \[[^]]*\](?: \([^)]*\))? (\S+) (\S+)", line)
        if m and m.group(0) not in failed:
            failed.append(f"{m.group(1)} {m.group(2)}")
    if failed:
        return failed[0]
    return "failed (see nextest output)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="comma-separated constant names")
    ap.add_argument("--skip", default="", help="comma-separated constant names not to change")
    ap.add_argument("--up-only", action="store_true", help="only the step up")
    ap.add_argument("--no-baseline", action="store_true", help="skip the unchanged run")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    skip = set(filter(None, args.skip.split(",")))
    if not args.no_baseline:
        print("baseline:", run_suite(), file=sys.stderr)
    print("constant\tfile\tfrom\tto\tfirst failing test")
    for path, n, m in constants():
        name = m.group(2)
        if (only and name not in only) or name in skip:
            continue
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
        original = lines[n]
        for to in steps(m.group(3), m.group(4))[: 1 if args.up_only else 2]:
            if m.group(3).startswith("f") and "." not in to:
                to += ".0"
            lines[n] = m.group(1) + to + m.group(5) + "\n"
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(lines)
            started = time.time()
            try:
                result = run_suite()
            finally:
                lines[n] = original
                with open(path, "w", encoding="utf-8") as f:
                    f.writelines(lines)
            rel = os.path.relpath(path, ROOT)
            print(f"{name}\t{rel}\t{m.group(4)}\t{to}\t{result}", flush=True)
            print(f"  {name} -> {to}: {result} ({time.time() - started:.0f} s)", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()

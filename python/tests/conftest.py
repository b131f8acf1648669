"""Shared fixtures: the real `canon` binary (built if missing) and the
repository's fixture files."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"


def _binary() -> Path:
    given = os.environ.get("CANON_BIN")
    if given:
        return Path(given)
    path = REPO / "target" / "debug" / "canon"
    # Always ask cargo: it rebuilds only when the sources changed.
    subprocess.run(
        ["cargo", "build", "--quiet", "--bin", "canon"], cwd=REPO, check=True
    )
    return path


@pytest.fixture(scope="session")
def canon_bin() -> Path:
    return _binary()


def fixture_files() -> list[Path]:
    """Every fixture file (inputs, expected outputs, fuzz cases, seeds)."""
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file())


def run_cli_corpus(canon_bin: Path, inputs: list[Path], out: Path, *extra: str) -> dict:
    """`canon clean INPUTS --out OUT`: manifest entries by path."""
    proc = subprocess.run(
        [str(canon_bin), "clean", *map(str, inputs), "--out", str(out), "--quiet", *extra],
        capture_output=True,
    )
    assert proc.returncode in (0, 2), proc.stderr.decode()
    entries = {}
    for line in (out / "manifest.jsonl").read_text().splitlines():
        e = json.loads(line)
        entries[e["path"]] = e
    return entries

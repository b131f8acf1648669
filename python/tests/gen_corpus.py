"""A deterministic corpus with planted duplicates, for the Spark tests.

    python3 python/tests/gen_corpus.py OUT_DIR [--docs 20000] [--seed 16]

Documents are sentences of the seed documents (``fixtures/seeds/expected``)
drawn with a fixed-seed generator; the same arguments give the same bytes
everywhere. Planted, by a roll per document:

- exact copies of an earlier document (same bytes, or re-encoded as GBK,
  or hard-wrapped with ASCII punctuation: equal keys);
- near copies (one sentence replaced, or one added);
- a template family: notices sharing one long text with a changing name,
  number and date, large enough (``TEMPLATE_FAMILY`` documents) that their
  LSH buckets hold far more than the CLI's cap of 64 pairs per member;
- shared head and tail lines (boilerplate of a few "sites");
- short documents (3-gram and key-only signatures), empty files and a few
  binary files.

Names are drawn at random, so a copy often sorts before its original.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_FAMILY = 300

SITES = [
    ("首页 | 新闻 | 国际 | 财经 | 科技", "版权所有 © 新闻网 保留所有权利"),
    ("来源：人民网 | 责任编辑：王小明", "本文来源于网络，如有侵权请联系删除"),
    ("网站导航：首页 > 要闻 > 正文", "扫一扫，关注我们的公众号"),
]


def sentences() -> list[str]:
    out: list[str] = []
    for path in sorted((REPO / "fixtures" / "seeds" / "expected").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for part in re.split(r"(?<=[。！？；])", text):
            part = part.strip()
            if 8 <= len(part) <= 200:
                out.append(part)
    # Distinct, in a fixed order.
    return sorted(set(out))


def wrap(text: str, width: int) -> str:
    lines = []
    for para in text.split("\n"):
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    return "\n".join(lines)


def generate(n_docs: int = 20000, seed: int = 16) -> dict[str, bytes]:
    rng = random.Random(seed)
    pool = sentences()
    assert len(pool) > 100, "the seed documents give the sentence pool"
    names = [f"{d:02d}/{i:06d}.txt" for i, d in ((i, i % 37) for i in range(n_docs))]
    rng.shuffle(names)
    docs: dict[str, bytes] = {}
    texts: list[str] = []  # earlier documents' texts, for copies

    def body(k: int) -> str:
        paras = []
        picked = rng.sample(pool, k)
        for i in range(0, k, 3):
            paras.append("".join(picked[i : i + 3]))
        return "\n\n".join(paras) + "\n"

    template = "".join(rng.sample(pool, 12))
    for i, name in enumerate(names):
        roll = rng.random()
        if i < TEMPLATE_FAMILY:
            # Template family: every 3rd only differs by a number.
            who = rng.choice(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"])
            extra = "" if i % 3 else rng.choice(pool)
            text = f"关于{who}同志的通知（第{i}号）\n\n{template}{extra}\n\n二〇二四年{1 + i % 12}月{1 + i % 28}日\n"
            data = text.encode("utf-8")
        elif roll < 0.05 and texts:
            # Exact copy: same bytes, GBK, or wrapped with ASCII punctuation.
            src = rng.choice(texts)
            kind = rng.random()
            if kind < 0.4:
                data = src.encode("utf-8")
            elif kind < 0.7:
                data = src.encode("gb18030")
            else:
                data = wrap(src.replace("，", ",").replace("；", ";"), rng.randint(20, 40)).encode("utf-8")
            text = src
        elif roll < 0.10 and texts:
            # Near copy: one sentence replaced, or one added.
            src = rng.choice(texts)
            parts = re.split(r"(?<=[。！？；])", src)
            j = rng.randrange(len(parts))
            if rng.random() < 0.5:
                parts[j] = rng.choice(pool)
            else:
                parts.insert(j, rng.choice(pool))
            text = "".join(parts)
            data = text.encode("utf-8")
        elif roll < 0.13:
            # Short: a headline or a one-line notice.
            text = rng.choice(pool)[: rng.randint(5, 100)] + "\n"
            data = text.encode("utf-8")
        elif roll < 0.132:
            data = b""
            text = ""
        elif roll < 0.134:
            data = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + rng.randbytes(600)
            text = ""
        else:
            text = body(rng.randint(2, 7))
            if rng.random() < 0.25:
                head, tail = rng.choice(SITES)
                text = f"{head}\n\n{text}\n{tail}\n"
            data = text.encode("utf-8") if rng.random() < 0.8 else text.encode("gb18030")
        if text:
            texts.append(text)
        docs[name] = data
    return docs


def write(docs: dict[str, bytes], out: Path) -> None:
    for name, data in docs.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    docs = generate(args.docs, args.seed)
    write(docs, args.out)
    print(f"{len(docs)} documents, {sum(map(len, docs.values())) / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()

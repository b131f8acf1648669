//! Where in a line the double-byte chains are tried ([`fix_cjk_runs`]):
//! its runs of non-ASCII characters, each read whole first; failing that,
//! the stretches between the characters a decoder lost, and windows around
//! each cluster of suspect characters (at most [`CJK_CLUSTER_GAP`] apart,
//! padded by up to [`CJK_WINDOW_PAD`]), the best window of each cluster.
//!
//! A line is looked at when it has odd characters enough, private use, a
//! rare hanzi that Big5 writes with a UTF-8 lead byte, or, in a Chinese
//! line as it came, one unpaired suspect (a short damaged span) or a
//! decoder's U+FFFD (a lost byte). What a window may try follows from its
//! suspects ([`Evidence`]). Stray kana count only
//! when they all sit in one run of a Chinese line
//! ([`STRAY_KANA_HANZI_RATIO`]), and never in a Japanese one
//! ([`JAPANESE_KANA_WORD`]). Once a Big5/GBK confusion is undone with full
//! evidence, the line's runs left alone are read through the same chain
//! ([`line_chain`]).
//!
//! Example: `2014爛4堎,4G價桴膘傖羲籵﹝` → `2014年4月,4G基站建成开通。` (GBK
//! read as Big5: `爛` and `堎` alone between digits are ordinary hanzi, read
//! again through the chain that undid the rest of the line).
//!
//! Limits: a run ends at ASCII and at Latin letters (but for GBK's pinyin
//! letters and the signs UTF-8 read as GBK or Big5 leaves among hanzi); a
//! cluster of more than [`CJK_MAX_WINDOW`] characters is left to the whole
//! run; one suspect in a line of fewer than
//! [`SHORT_SPAN_MIN_HANZI`] hanzi is looked at
//! through strict UTF-8 only.

use super::chains::{CJK_MIN_GAIN, Candidate, Evidence, RunBuffers, best_cjk_reading};
use super::score::{
    CJK_MIN_HANZI, CJK_MIN_ODD, MISALIGN_PAIRLESS_MAX, SHORT_SPAN_MIN_HANZI, big5_of_utf8_lead,
    is_cjk_suspect, is_cjk_symbol, is_frequent_hanzi, is_hanzi, is_kana, is_odd_cjk,
    is_private_use, is_stray_kana, pair_score,
};
use super::{Chain, Chars, Charset, Log, RepairEdit};
use crate::stages::utf8_len;

/// Suspect characters at most this far apart belong to one damaged span.
pub const CJK_CLUSTER_GAP: usize = 3;

/// Characters tried on each side of a suspect cluster when looking for the
/// damaged span's edges (mojibake also produces frequent characters).
pub const CJK_WINDOW_PAD: usize = 3;

/// Longest suspect cluster (characters) searched for a damaged span inside
/// a clean line; the search costs a re-reading per window.
pub const CJK_MAX_WINDOW: usize = 48;

/// Hanzi a line needs per stray kana before the kana count as evidence of
/// a misreading: Japanese spreads its kana over the line, while mojibake
/// keeps them in the damaged run of an otherwise Chinese line.
pub const STRAY_KANA_HANZI_RATIO: usize = 4;

/// Kana in a row that make a line Japanese: Japanese writes its particles,
/// endings and loanwords as kana words, while a Big5/GBK confusion of
/// Chinese scatters single kana (two in a row at most in the fixtures'
/// real text, three or more in 92% of the Japanese lines of the charset
/// detectors' test data).
pub const JAPANESE_KANA_WORD: usize = 3;

/// Whether the character at `i` is a decoder's U+FFFD after two hanzi that
/// make no word pair: the mark of a lost byte whose shift garbled the pairs
/// before it into ordinary-looking hanzi.
fn lost_after_shift(chars: &[(usize, char)], i: usize) -> bool {
    chars[i].1 == '\u{FFFD}'
        && i >= 2
        && is_hanzi(chars[i - 1].1)
        && is_hanzi(chars[i - 2].1)
        && pair_score(chars[i - 2].1, chars[i - 1].1) == 0
}

/// Whether the character at `i` makes a word pair with the one before or
/// after it: a rare hanzi in a word (`忐忑`) is no damage, while mojibake
/// rarely makes word pairs (see [`pair_score`]).
fn pairs_with_neighbour(chars: &[(usize, char)], i: usize) -> bool {
    let c = chars[i].1;
    i.checked_sub(1)
        .is_some_and(|j| pair_score(chars[j].1, c) > 0)
        || chars.get(i + 1).is_some_and(|n| pair_score(c, n.1) > 0)
}

/// Characters a stretch between lost characters of a run needs to be read
/// on its own: two, a pair's worth of evidence.
pub const LOST_SPLIT_MIN_CHARS: usize = 2;

/// Double-byte confusions among hanzi-looking text: runs of non-ASCII
/// characters re-read through each chain; when the whole run does not
/// improve, windows around clusters of suspect characters are tried (a
/// damaged span inside a clean line).
///
/// `short_allowed`: whether one suspect may be taken for a short damaged
/// span (see [`Evidence::Short`]).
pub(super) fn fix_cjk_runs(
    line: &str,
    chars: &mut Chars,
    short_allowed: bool,
    log: &mut Log<'_>,
) -> Option<String> {
    // No run of the line can have more odd characters than the line. One
    // pass counts what the gate needs.
    // Odd characters and stray kana are all three-byte sequences led by
    // 0xE3-0xEF: the others are skipped byte by byte.
    let (mut odd, mut line_stray, mut private_use, mut lone_utf8) = (0, 0, false, false);
    // Hanzi, code-page symbols, and whether an odd hanzi makes no word
    // pair with the hanzi around it (see `SHORT_SPAN_MIN_HANZI`).
    let (mut hanzi, mut symbols, mut unpaired) = (0, 0, false);
    // A decoder's U+FFFD: a lost byte that may have shifted the pairs
    // before it (see `lost_after_shift`).
    let mut lost = false;
    let mut last_hanzi = '\0';
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let u = match b[i] {
            // Two-byte symbols: Greek and Cyrillic (leads CD-D3), `§` `¨`.
            x @ 0xC2..=0xDF => {
                symbols += usize::from(
                    (0xCD..=0xD3).contains(&x) || x == 0xC2 && matches!(b[i + 1], 0xA7 | 0xA8),
                );
                i += 2;
                last_hanzi = '\0';
                continue;
            }
            0xE2..=0xEF => {
                let u = (u32::from(b[i] & 0x0F) << 12)
                    | (u32::from(b[i + 1] & 0x3F) << 6)
                    | u32::from(b[i + 2] & 0x3F);
                i += 3;
                u
            }
            x => {
                i += utf8_len(x).max(1);
                last_hanzi = '\0';
                continue;
            }
        };
        let c = char::from_u32(u).unwrap_or('\0');
        // Hanzi of the main block, most of the text, take the short way.
        if (0x4E00..=0x9FFF).contains(&u) {
            hanzi += 1;
            if !is_frequent_hanzi(c) {
                odd += 1;
                lone_utf8 |= big5_of_utf8_lead(u);
                if !unpaired && odd == 1 {
                    let next = line[i..].chars().next().unwrap_or('\0');
                    unpaired = pair_score(last_hanzi, c) == 0 && pair_score(c, next) == 0;
                }
            }
            last_hanzi = c;
            continue;
        }
        line_stray += usize::from(is_stray_kana(c));
        symbols += usize::from(is_cjk_symbol(c));
        hanzi += usize::from(is_hanzi(c));
        lost |= c == '\u{FFFD}';
        if is_odd_cjk(c) {
            odd += 1;
            private_use |= is_private_use(c);
            lone_utf8 |= big5_of_utf8_lead(u);
            // Outside the main block no character makes a word pair.
            unpaired |= odd == 1;
        }
        last_hanzi = c;
    }
    let short =
        short_allowed && hanzi >= SHORT_SPAN_MIN_HANZI && (unpaired || line_stray + symbols > 0);
    // Like a short span, a shift is looked for in the line as it came (a
    // repair's U+FFFD marks what it could not recover).
    let lost = short_allowed && lost && hanzi >= CJK_MIN_HANZI;
    if odd.min(CJK_MIN_ODD) + line_stray < CJK_MIN_ODD
        && !private_use
        && !lone_utf8
        && !short
        && !lost
    {
        return None;
    }
    let (chars, runs) = chars.with_runs(line);
    // Hanzi, and whether kana make a word (one pass).
    let (mut line_hanzi, mut kana_word, mut japanese) = (0, 0, false);
    for &(_, c) in chars {
        line_hanzi += usize::from(is_hanzi(c));
        kana_word = if is_kana(c) { kana_word + 1 } else { 0 };
        japanese |= kana_word >= JAPANESE_KANA_WORD;
    }
    let pos = |k: usize| chars.get(k).map_or(line.len(), |p| p.0);
    let in_run = |c: char| {
        !c.is_ascii()
            && (!('\u{80}'..='\u{24F}').contains(&c)
                || is_gbk_pinyin_letter(c)
                || is_double_byte_sign(c)
                || c == BIG5_OPEN_QUOTE_AS_GBK)
    };
    // Edits as (first character, end character, reading, bytes consumed
    // after the end), and the runs left as they were.
    let mut edits: Vec<(usize, usize, Candidate, usize)> = Vec::new();
    let mut untouched: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !in_run(chars[k].1) {
            k += 1;
            continue;
        }
        let mut e = k;
        let (mut odd, mut stray, mut private_use) = (0, 0, false);
        while e < chars.len() && in_run(chars[e].1) {
            let c = chars[e].1;
            odd += usize::from(is_odd_cjk(c));
            stray += usize::from(is_stray_kana(c));
            private_use |= is_private_use(c);
            e += 1;
        }
        // Stray kana count when they are all in this run of a Chinese line.
        let stray = if stray == line_stray && line_hanzi >= STRAY_KANA_HANZI_RATIO * stray {
            stray
        } else {
            0
        };
        // A suspect that a short damaged span explains: an odd hanzi, a
        // stray kana that counts, a code-page symbol next to a hanzi.
        let short_suspect = |i: usize| {
            let c = chars[i].1;
            short_allowed
                && line_hanzi >= SHORT_SPAN_MIN_HANZI
                && (is_odd_cjk(c) && !pairs_with_neighbour(chars, i)
                    || (stray > 0 && is_stray_kana(c))
                    // Big5 text draws dashes with box lines (`──`).
                    || (is_cjk_symbol(c) && !('\u{2500}'..='\u{2503}').contains(&c)
                        && (i > 0 && is_hanzi(chars[i - 1].1)
                            || chars.get(i + 1).is_some_and(|p| is_hanzi(p.1)))))
        };
        // One suspect alone is looked at through strict UTF-8 chains, or as
        // a short span (see `Evidence`).
        let shifted = |i: usize| lost && lost_after_shift(chars, i);
        let lone_only = odd + stray < CJK_MIN_ODD && !private_use && !(k..e).any(shifted);
        let run_short = lone_only && (k..e).any(short_suspect);
        if lone_only && odd == 0 && !run_short {
            untouched.push((k, e));
            k = e;
            continue;
        }
        let lone_evidence = |short: bool| {
            if short {
                Evidence::Short
            } else {
                Evidence::Utf8Only
            }
        };
        // A short span is looked for in windows around its suspect, not in
        // the whole run.
        let run_evidence = if lone_only {
            Evidence::Utf8Only
        } else {
            Evidence::Full
        };
        let (run, buf) = runs.run(line, &chars[k..e], pos(e), japanese);
        let next = |b: usize| chars.get(b).map(|p| p.1);
        // The whole run first; failing that, windows around each cluster of
        // suspects, the best window per cluster: the one that gains most, the
        // shortest of those (a longer one gains as much when its extra
        // characters read the same, `還` as `临`, and should stay).
        let mut chosen: Vec<(usize, usize, Candidate, usize)> = Vec::new();
        if let Some((cand, consumed, _)) =
            best_cjk_reading(&run, 0, e - k, next(e), run_evidence, buf)
        {
            chosen.push((k, e, cand, consumed));
        } else {
            // A character the decoder lost (U+FFFD: GBK's pair that Big5
            // lacks) has no bytes to re-read, so no window across it reads:
            // the stretches between lost characters are read whole first,
            // those that look damaged (a hanzi and a suspect), in the line
            // as it came (a repair's U+FFFD is no decoder's).
            if short_allowed
                && run_evidence == Evidence::Full
                && chars[k..e].iter().any(|p| p.1 == '\u{FFFD}')
            {
                let mut from = k;
                for i in k..=e {
                    if i < e && chars[i].1 != '\u{FFFD}' {
                        continue;
                    }
                    let stretch = &chars[from..i];
                    if stretch.len() >= LOST_SPLIT_MIN_CHARS
                        && stretch.iter().any(|p| is_hanzi(p.1))
                        && stretch.iter().any(|p| is_cjk_suspect(p.1))
                        && let Some((cand, consumed, _)) =
                            best_cjk_reading(&run, from - k, i - k, next(i), run_evidence, buf)
                    {
                        chosen.push((from, i, cand, consumed));
                    }
                    from = i + 1;
                }
            }
            let suspects: Vec<usize> = (k..e).filter(|&i| is_cjk_suspect(chars[i].1)).collect();
            let mut c = 0;
            while c < suspects.len() {
                let mut d = c;
                while d + 1 < suspects.len() && suspects[d + 1] - suspects[d] <= CJK_CLUSTER_GAP {
                    d += 1;
                }
                let (s0, e0) = (suspects[c], suspects[d] + 1);
                let after_shift = (s0..e0).any(shifted);
                let evidence = if (d == c || lone_only) && !after_shift {
                    lone_evidence((s0..e0).any(short_suspect))
                } else {
                    Evidence::Full
                };
                // A shifted stretch ends at the lost byte: the window starts
                // early enough to hold it (see `MISALIGN_PAIRLESS_MAX`).
                let pad = if after_shift {
                    MISALIGN_PAIRLESS_MAX
                } else {
                    CJK_WINDOW_PAD
                };
                c = d + 1;
                // A long cluster was the whole run's to explain; one suspect
                // alone is usually a rare character, not a damaged span.
                // A stretch between lost characters explained this one.
                if e0 - s0 > CJK_MAX_WINDOW || chosen.iter().any(|x| x.0 < e0 && s0 < x.1) {
                    continue;
                }
                let mut best: Option<(usize, usize, Candidate, usize, i32)> = None;
                let earliest = s0.saturating_sub(pad).max(k);
                let firsts = if after_shift {
                    earliest..=earliest
                } else {
                    earliest..=s0
                };
                for a in firsts {
                    for b in e0..=(e0 + CJK_WINDOW_PAD).min(e) {
                        // The whole run was read that way already.
                        if (a, b) == (k, e) && evidence == run_evidence {
                            continue;
                        }
                        if let Some((cand, consumed, gain)) =
                            best_cjk_reading(&run, a - k, b - k, next(b), evidence, buf)
                            && best.as_ref().is_none_or(|x| {
                                (gain, std::cmp::Reverse(b - a))
                                    > (x.4, std::cmp::Reverse(x.1 - x.0))
                            })
                        {
                            best = Some((a, b, cand, consumed, gain));
                        }
                    }
                }
                if let Some((a, b, cand, consumed, _)) = best {
                    chosen.push((a, b, cand, consumed));
                }
            }
        }
        chosen.sort_by_key(|x| x.0);
        let mut taken_to = k;
        for (a, b, cand, consumed) in chosen {
            if a < taken_to {
                continue;
            }
            taken_to = b + usize::from(consumed > 0);
            edits.push((a, b, cand, consumed));
        }
        if taken_to == k {
            untouched.push((k, e));
        }
        k = e.max(taken_to);
    }
    // Short runs between ASCII words may each show too little to be read
    // alone (one kana, one bopomofo, one rare hanzi), while the line shows
    // plenty: the runs are then decided together, through the one chain
    // that reads all of them best (see `joint_chain`).
    if line_chain(&edits).is_none()
        && untouched.len() >= 2
        && let Some(joint) = joint_chain(
            line,
            chars,
            &untouched,
            japanese,
            line_hanzi >= STRAY_KANA_HANZI_RATIO * line_stray,
            runs,
        )
    {
        untouched.retain(|&(k, _)| !joint.iter().any(|x| x.0 == k));
        edits.extend(joint);
        edits.sort_by_key(|x| x.0);
    }
    // A line damaged one way is usually damaged that way throughout: when a
    // double-byte chain undid a span with full evidence, the line's runs left
    // alone (cut off by digits or ASCII punctuation, too short to show
    // suspects: `踏爛5堎ㄛ`) are read through that chain too, and taken when
    // they gain `SAME_CHAIN_MIN_GAIN`.
    if let Some(chain) = line_chain(&edits) {
        for (k, e) in untouched {
            let (run, buf) = runs.run(line, &chars[k..e], pos(e), japanese);
            let evidence = Evidence::SameChain(chain);
            let next = chars.get(e).map(|p| p.1);
            if let Some((cand, consumed, _)) = best_cjk_reading(&run, 0, e - k, next, evidence, buf)
            {
                edits.push((k, e, cand, consumed));
            }
        }
        edits.sort_by_key(|x| x.0);
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    for (a, b, cand, consumed) in edits {
        let (start, end) = (pos(a), pos(b) + consumed);
        out.push_str(&line[copied..start]);
        log.edit(cand.kind, line, start, end, &cand.text);
        out.push_str(&cand.text);
        copied = end;
    }
    out.push_str(&line[copied..]);
    Some(out)
}

/// An edit of a run: its first character, its end character, the reading,
/// and the bytes consumed after the end.
type RunEdit = (usize, usize, Candidate, usize);

/// Suspect characters (odd hanzi, kana, code-page symbols) the runs read
/// together need between them: what one run needs for full evidence.
pub const JOINT_MIN_SUSPECTS: usize = CJK_MIN_ODD;

/// The readings of a line's runs through the one Big5/GBK confusion that
/// explains them together: each run read as [`Evidence::SameChain`] allows
/// (no odd character left), the runs' gains summed, and the chain taken
/// when the sum reaches [`CJK_MIN_GAIN`] over runs that hold
/// [`JOINT_MIN_SUSPECTS`] suspects and are more than one. One damage per
/// line is the common case (a file read with one wrong decoder), so the
/// evidence of all its runs is the line's. Stray kana are suspects only
/// when `kana_count` (the line has [`STRAY_KANA_HANZI_RATIO`] hanzi per
/// kana): Japanese between ASCII words (`む～ん(-へ-)`) is no damage.
fn joint_chain(
    line: &str,
    chars: &[(usize, char)],
    untouched: &[(usize, usize)],
    japanese: bool,
    kana_count: bool,
    runs: &mut RunBuffers,
) -> Option<Vec<RunEdit>> {
    let pos = |k: usize| chars.get(k).map_or(line.len(), |p| p.0);
    let mut best: Option<(i32, Vec<RunEdit>)> = None;
    for chain in [
        Chain {
            written: Charset::Big5,
            read: Charset::Gbk,
        },
        Chain {
            written: Charset::Gbk,
            read: Charset::Big5,
        },
    ] {
        let (mut gain, mut suspects) = (0, 0);
        let mut readings = Vec::new();
        for &(k, e) in untouched {
            // Big5 and GBK read as each other give CJK characters: a run of
            // Latin-1 letters and signs (`¨è°`, UTF-8 read as Latin-1) is
            // not their damage.
            if !chars[k..e]
                .iter()
                .any(|p| p.1 > 'ÿ' && (is_hanzi(p.1) || is_cjk_suspect(p.1)))
            {
                continue;
            }
            let (run, buf) = runs.run(line, &chars[k..e], pos(e), japanese);
            let next = chars.get(e).map(|p| p.1);
            let evidence = Evidence::SameChain(chain);
            if let Some((cand, consumed, g)) = best_cjk_reading(&run, 0, e - k, next, evidence, buf)
            {
                gain += g;
                suspects += chars[k..e]
                    .iter()
                    .filter(|p| is_cjk_suspect(p.1) && (kana_count || !is_stray_kana(p.1)))
                    .count();
                readings.push((k, e, cand, consumed));
            }
        }
        if readings.len() >= 2
            && suspects >= JOINT_MIN_SUSPECTS
            && gain >= CJK_MIN_GAIN
            && best.as_ref().is_none_or(|b| gain > b.0)
        {
            best = Some((gain, readings));
        }
    }
    best.map(|b| b.1)
}

/// The chain of the line's largest Big5/GBK repair, if one of its edits had
/// full evidence (see [`Evidence::SameChain`]).
fn line_chain(edits: &[(usize, usize, Candidate, usize)]) -> Option<Chain> {
    edits
        .iter()
        .filter(|x| x.2.full)
        .filter_map(|x| match x.2.kind {
            // UTF-8 read as GBK or Big5 leaves odd characters in every run
            // it touched, which the runs' own search finds: only the
            // confusions of the two double-byte code pages, whose readings
            // look ordinary, need the line's help.
            RepairEdit::Mojibake(chain) if chain.written != Charset::Utf8 => {
                Some((x.1 - x.0, chain))
            }
            _ => None,
        })
        .max_by_key(|x| x.0)
        .map(|x| x.1)
}

/// Big5's opening quote `“` (A1A7) read as GBK: Chinese text quotes its
/// words with it, so it sits inside the damaged run it belongs to
/// (`¨セだ澄佳` is `“本分割槽`), not at a run's edge.
const BIG5_OPEN_QUOTE_AS_GBK: char = '¨';

/// GBK's row of pinyin letters (A8A1-A8BA): mojibake made of GBK pairs
/// contains them (`瑙勬ā` is UTF-8 `规模` read as GBK), so they do not end
/// a run; Latin text keeps them next to ASCII letters, which do.
/// Latin-1 signs that GBK or Big5 decode from a UTF-8 continuation byte
/// 0xA1 and the lead byte after it (GBK `¤` A1E8, `°` A1E3, `÷` A1C2; Big5
/// `×` A1D1, `÷` A1D2, `±` A1D3): UTF-8 read as either makes them inside
/// its damage (`倡议` → `鍊¤...`), so they belong to the run around them.
/// (`§`, GBK A1EC, needs a Hangul lead after it, and among hanzi it is
/// Big5/GBK damage of its own: see [`is_cjk_symbol`].)
fn is_double_byte_sign(c: char) -> bool {
    matches!(c, '¤' | '°' | '±' | '×' | '÷')
}

fn is_gbk_pinyin_letter(c: char) -> bool {
    matches!(
        c,
        'ā' | 'á'
            | 'ǎ'
            | 'à'
            | 'ē'
            | 'é'
            | 'ě'
            | 'è'
            | 'ī'
            | 'í'
            | 'ǐ'
            | 'ì'
            | 'ō'
            | 'ó'
            | 'ǒ'
            | 'ò'
            | 'ū'
            | 'ú'
            | 'ǔ'
            | 'ù'
            | 'ǖ'
            | 'ǘ'
            | 'ǚ'
            | 'ǜ'
            | 'ü'
            | 'ê'
    )
}

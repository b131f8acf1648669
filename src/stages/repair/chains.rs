//! The double-byte chains: a window of a run re-read through each way
//! Chinese text gets misread (UTF-8 read as GBK or as Big5, Big5 read as
//! GBK, GBK read as Big5 by WHATWG's decoder and by code page 950's) and,
//! failing those, realigned after a lost byte; the best reading that wins by
//! enough is the window's repair ([`best_cjk_reading`]).
//!
//! A run is encoded once per code page and its scores and word pairs are
//! summed once ([`Run`]), so each window the search of a line's runs
//! ([`fix_cjk_runs`](super::fix_cjk_runs)) tries costs a slice and a
//! decoding. A reading must beat the window's score,
//! word pairs included, by [`CJK_MIN_GAIN`] (by [`PLAIN_RARE_GAIN_FACTOR`]
//! times that when the only odd characters it replaces are GB2312 level 2
//! hanzi); what the window's suspects allow ([`Evidence`]) changes that:
//! strict UTF-8 around one suspect needs [`LONE_UTF8_MIN_GAIN`], its byte
//! structure being the evidence, and another reading of a short span
//! [`SHORT_SPAN_MIN_GAIN`]. A run misaligned by a lost byte (every pair
//! after it shifted) is tried last, from a few starts near its suspects,
//! the lost character becoming U+FFFD.
//!
//! Example: `缃戠粶` → `网络` (UTF-8 read as GBK); `车咳氪蠼中∠铮\u{FFFD}` →
//! `车\u{FFFD}入大街小巷\u{FFFD}` (a GBK run shifted by a lost byte).
//!
//! Limits: a reading needs [`CJK_MIN_HANZI`] hanzi and at most one odd
//! character in four; the kana of a Japanese line are never re-read; the
//! realignment tries at most [`MISALIGN_MAX_STARTS`] starts near suspects
//! (and the pairless stretch before a lost byte) of a run of at most
//! [`MISALIGN_MAX_RUN`] characters.

use std::borrow::Cow;

use super::double_byte::{EncodedRun, cp950_pair, decode_double_byte_into};
use super::lost::{utf8_with_lost_bytes, utf8_with_lost_tail};
use super::score::{
    CJK_MIN_HANZI, MISALIGN_MAX_RUN, MISALIGN_PAIRLESS_MAX, STRONG_PAIR_SCORE, char_score,
    cjk_score, context_pairs, is_cjk_suspect, is_gb2312_level2, is_kana, is_odd_cjk,
    is_private_use, max_pairs_score, may_pair, pair_score, tally,
};
use super::{Chain, Charset, LOST_BYTE, RepairEdit};

/// Minimum score gain (see `cjk_score`) for a double-byte repair: one rare
/// character turning common gains 4, so a lone character never flips.
pub const CJK_MIN_GAIN: i32 = 8;

/// Start positions tried per run in the misalignment search.
pub const MISALIGN_MAX_STARTS: usize = 10;

/// How many characters before a suspect one a misaligned run may start:
/// the pairs a lost byte shifts read as common hanzi as often as rare ones.
pub const MISALIGN_LOOKBACK: usize = 3;

/// Gain a realignment ending in a decoder's U+FFFD needs: shifted pairs are
/// mostly frequent hanzi, so the gain is the word pairs the realignment
/// makes, less the character it admits lost.
pub const MISALIGN_LOST_MIN_GAIN: i32 = 4;

/// The buffers [`fix_cjk_runs`](super::fix_cjk_runs) fills for each run.
#[derive(Default)]
pub(super) struct RunBuffers {
    /// Decodings, one at a time.
    buf: String,
    gbk: EncodedRun,
    /// Filled only when a chain reads Big5 (see [`Run::bytes`]).
    big5: std::cell::RefCell<EncodedRun>,
    /// Big5 as code page 950 writes it (see [`Run::cp950_bytes`]).
    cp950: std::cell::RefCell<EncodedRun>,
    /// See [`Run::scores`].
    scores: Vec<i32>,
    /// See [`Run::pair_sums`]; filled when first needed.
    pair_sums: std::cell::RefCell<Vec<i32>>,
    /// See [`Run::hanzi_pairs`].
    hanzi_pairs: Vec<u32>,
}

impl RunBuffers {
    /// A run of `line`, its characters `chars` (ending at byte `end`), with
    /// its GBK bytes and scores made; and the decoding buffer.
    pub(super) fn run<'a>(
        &'a mut self,
        line: &'a str,
        chars: &'a [(usize, char)],
        end: usize,
        japanese: bool,
    ) -> (Run<'a>, &'a mut String) {
        self.gbk.fill(Charset::Gbk, chars);
        self.scores.clear();
        self.scores.reserve(chars.len() + 1);
        self.scores.push(0);
        let mut sum = 0;
        for &(_, c) in chars {
            sum += char_score(c);
            self.scores.push(sum);
        }
        self.hanzi_pairs.clear();
        self.hanzi_pairs.reserve(chars.len());
        self.hanzi_pairs.push(0);
        let mut count = 0;
        for w in chars.windows(2) {
            count += u32::from(may_pair(w[0].1) && may_pair(w[1].1));
            self.hanzi_pairs.push(count);
        }
        let run = Run {
            line,
            chars,
            end,
            gbk: &self.gbk,
            big5: &self.big5,
            big5_filled: std::cell::Cell::new(false),
            cp950: &self.cp950,
            cp950_state: std::cell::Cell::new(None),
            scores: &self.scores,
            pair_sums: &self.pair_sums,
            pair_sums_filled: std::cell::Cell::new(false),
            hanzi_pairs: &self.hanzi_pairs,
            japanese,
        };
        (run, &mut self.buf)
    }
}

/// A candidate reading of a span.
#[derive(Clone)]
pub(super) struct Candidate {
    pub(super) text: String,
    pub(super) kind: RepairEdit,
    score: i32,
    /// Whether the window had [`Evidence::Full`].
    pub(super) full: bool,
}

/// Gain a strictly decoded UTF-8 reading of a window with one odd character
/// needs: any (its bytes' structure is the evidence, see
/// `best_cjk_reading`).
pub const LONE_UTF8_MIN_GAIN: i32 = 1;

/// How many times [`CJK_MIN_GAIN`] a reading must gain when the only odd
/// characters it replaces are GB2312 level 2 hanzi.
pub const PLAIN_RARE_GAIN_FACTOR: i32 = 2;

/// Gain a re-reading of a window around one suspect character needs through
/// a double-byte chain: two common hanzi with a strong pair between them
/// over a rare character and a symbol, not one character turning common.
pub const SHORT_SPAN_MIN_GAIN: i32 = 10;

/// Hanzi a strictly decoded UTF-8 reading without odd characters needs to
/// be taken without trying the other chains: with fewer, another chain's
/// reading may be as plausible (two or three characters).
pub const SURE_UTF8_MIN_HANZI: usize = 4;

/// How much a window's suspects let [`best_cjk_reading`] try.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Evidence {
    /// Two suspects or more: every chain, and realignment.
    Full,
    /// One suspect: only UTF-8 chains that decode strictly, whose structure
    /// is the evidence.
    Utf8Only,
    /// One suspect in a Chinese line that a short damaged span explains (an
    /// odd hanzi, a kana or a code-page symbol next to hanzi): strict UTF-8
    /// chains as for [`Evidence::Utf8Only`], double-byte chains when the
    /// reading gains [`SHORT_SPAN_MIN_GAIN`].
    Short,
    /// A run of a line whose other runs this chain repaired with full
    /// evidence: only this chain, taken when it gains [`SAME_CHAIN_MIN_GAIN`]
    /// and leaves no odd character.
    SameChain(Chain),
}

/// Gain a run needs through the chain that repaired the rest of its line:
/// one rare character turning frequent (`爛` → `年`), no less.
pub const SAME_CHAIN_MIN_GAIN: i32 = 2;

/// A run of non-ASCII characters of a line with its GBK and Big5 bytes.
pub(super) struct Run<'a> {
    line: &'a str,
    chars: &'a [(usize, char)],
    /// Byte offset in `line` where the run ends.
    end: usize,
    gbk: &'a EncodedRun,
    big5: &'a std::cell::RefCell<EncodedRun>,
    /// Whether `big5` holds this run's bytes yet.
    big5_filled: std::cell::Cell<bool>,
    cp950: &'a std::cell::RefCell<EncodedRun>,
    /// Whether `cp950` holds this run's bytes yet, and whether they differ
    /// from `big5`'s.
    cp950_state: std::cell::Cell<Option<bool>>,
    /// [`cjk_score`] of the characters before each position.
    scores: &'a [i32],
    /// [`pair_score`] of the adjacent characters before each position: the
    /// `i`th sum covers the pairs that end at or before character `i`.
    /// Windows of a run overlap, so each pair is looked up once per run
    /// (the table is large, and a lookup is likely a cache miss).
    pair_sums: &'a std::cell::RefCell<Vec<i32>>,
    /// Whether `pair_sums` holds this run's sums yet.
    pair_sums_filled: std::cell::Cell<bool>,
    /// Adjacent characters that could make a word pair (both hanzi of the
    /// table's block) before each position, counted as `pair_sums` is: a
    /// bound on the pairs, from no lookup.
    hanzi_pairs: &'a [u32],
    /// The line is Japanese (see
    /// [`JAPANESE_KANA_WORD`](super::JAPANESE_KANA_WORD)): its kana are
    /// words, not mojibake.
    japanese: bool,
}

impl Run<'_> {
    /// The text of characters `a..b`.
    fn text(&self, a: usize, b: usize) -> &str {
        let pos = |k: usize| self.chars.get(k).map_or(self.end, |p| p.0);
        &self.line[pos(a)..pos(b)]
    }

    /// [`cjk_score`] of the characters `a..b`.
    fn score(&self, a: usize, b: usize) -> i32 {
        self.scores[b] - self.scores[a]
    }

    /// What the word pairs (see [`pair_score`]) of the adjacent characters
    /// `s..t` add to their score: the pairs that end at characters `s + 1`
    /// to `t` (none when `t <= s`).
    fn pairs_between(&self, s: usize, t: usize) -> i32 {
        if t <= s {
            return 0;
        }
        if !self.pair_sums_filled.replace(true) {
            let mut sums = self.pair_sums.borrow_mut();
            sums.clear();
            sums.reserve(self.chars.len());
            sums.push(0);
            let mut sum = 0;
            for w in self.chars.windows(2) {
                sum += pair_score(w[0].1, w[1].1);
                sums.push(sum);
            }
        }
        let sums = self.pair_sums.borrow();
        sums[t] - sums[s]
    }

    /// What the word pairs among the characters `a..b` add to their score.
    fn links(&self, a: usize, b: usize) -> i32 {
        self.pairs_between(a, b.saturating_sub(1))
    }

    /// The character before position `a` of the run, if it is in the run.
    fn before(&self, a: usize) -> Option<char> {
        a.checked_sub(1).map(|i| self.chars[i].1)
    }

    /// The character at position `b` of the run, if any.
    fn at(&self, b: usize) -> Option<char> {
        self.chars.get(b).map(|p| p.1)
    }

    /// [`Run::score`] with what the word pairs of `a..b` add, including
    /// those it makes with its neighbours in the run.
    fn score_in_context(&self, a: usize, b: usize) -> i32 {
        let (s, t) = self.context(a, b);
        self.score(a, b) + self.pairs_between(s, t)
    }

    /// The most [`Run::score_in_context`] can be, without looking a pair up.
    fn most_in_context(&self, a: usize, b: usize) -> i32 {
        let (s, t) = self.context(a, b);
        let pairs = self.hanzi_pairs[t.max(s)] - self.hanzi_pairs[s];
        self.score(a, b) + STRONG_PAIR_SCORE * pairs as i32
    }

    /// The pairs of window `a..b` in context, as [`Run::pairs_between`]
    /// takes them: from the one that ends its first character (when a
    /// character is before it) to the one the character after it ends.
    fn context(&self, a: usize, b: usize) -> (usize, usize) {
        let last = self.chars.len().saturating_sub(1);
        (a.saturating_sub(1).min(last), b.max(a).min(last))
    }

    /// The run's bytes in `cs`; Big5's are made the first time they are
    /// asked for (a run that UTF-8 read as GBK explains never needs them).
    fn bytes(&self, cs: Charset) -> RunBytes<'_> {
        match cs {
            Charset::Gbk => RunBytes::Plain(self.gbk),
            _ => {
                if !self.big5_filled.replace(true) {
                    self.big5.borrow_mut().fill(Charset::Big5, self.chars);
                }
                RunBytes::Lazy(self.big5.borrow())
            }
        }
    }

    /// The run's bytes as code page 950 writes them, when they differ from
    /// WHATWG Big5's (the run has one of its ETEN characters).
    fn cp950_bytes(&self) -> Option<RunBytes<'_>> {
        let differs = match self.cp950_state.get() {
            Some(d) => d,
            // Most runs have none of code page 950's own characters.
            None if !self.chars.iter().any(|&(_, c)| cp950_pair(c).is_some()) => {
                self.cp950_state.set(Some(false));
                false
            }
            None => {
                let d = self.cp950.borrow_mut().fill_cp950(self.chars);
                self.cp950_state.set(Some(d));
                d
            }
        };
        differs.then(|| RunBytes::Lazy(self.cp950.borrow()))
    }
}

/// The GBK bytes of characters `a..b` of a run (`chars`, encoded in
/// `encoded`) as UTF-8 needs them: GB18030 decodes both the byte 0x80 and
/// the pair A2E3 to `€`, and the pair is common in UTF-8 read as GBK (a
/// character ending in byte 0xA2 before one led by 0xE3, the CJK
/// punctuation: `面。` reads `闈€€`). A `€` is taken for A2E3 where one
/// continuation byte completes the character before it and the next byte
/// is another continuation, which 0x80 would leave without a lead. `None`
/// when no `€` is.
fn utf8_euro_pairs(
    chars: &[(usize, char)],
    encoded: &EncodedRun,
    a: usize,
    b: usize,
) -> Option<Vec<u8>> {
    if !chars[a..b].iter().any(|&(_, c)| c == '\u{20AC}') {
        return None;
    }
    let at = |k: usize| encoded.offsets[k] as usize;
    let end = at(b);
    let mut out = Vec::with_capacity(end - at(a) + 4);
    let mut changed = false;
    // Continuation bytes the UTF-8 character being read still needs.
    let mut need = 0;
    for (k, &(_, c)) in chars.iter().enumerate().take(b).skip(a) {
        let own = &encoded.bytes[at(k)..at(k + 1)];
        let next = encoded.bytes[at(k + 1)..end].first();
        if c == '\u{20AC}'
            && own == [0x80]
            && need == 1
            && next.is_some_and(|x| (0x80..=0xBF).contains(x))
        {
            out.extend_from_slice(&[0xA2, 0xE3]);
            need = 2;
            changed = true;
            continue;
        }
        for &x in own {
            need = match x {
                0x80..=0xBF | LOST_BYTE if need > 0 => need - 1,
                0xC2..=0xDF => 1,
                0xE0..=0xEF => 2,
                0xF0..=0xF4 => 3,
                _ => 0,
            };
        }
        out.extend_from_slice(own);
    }
    changed.then_some(out)
}

/// What [`Run::bytes`] lends.
enum RunBytes<'a> {
    Plain(&'a EncodedRun),
    Lazy(std::cell::Ref<'a, EncodedRun>),
}

impl std::ops::Deref for RunBytes<'_> {
    type Target = EncodedRun;

    fn deref(&self) -> &EncodedRun {
        match self {
            RunBytes::Plain(r) => r,
            RunBytes::Lazy(r) => r,
        }
    }
}

/// A re-reading of a window: the candidate, the bytes after the window it
/// consumed, and its gain over the window.
pub(super) type Reading = (Candidate, usize, i32);

/// The best re-reading of characters `a..b` of `run` (followed by `next`),
/// if it beats them by [`CJK_MIN_GAIN`]; also how many bytes after the run
/// it consumed.
///
/// `evidence`: what the window's suspects allow (see [`Evidence`]); with
/// one suspect only, the reading must be frequent hanzi only.
pub(super) fn best_cjk_reading(
    run: &Run<'_>,
    a: usize,
    b: usize,
    next: Option<char>,
    evidence: Evidence,
    buf: &mut String,
) -> Option<Reading> {
    let lone = matches!(evidence, Evidence::Utf8Only | Evidence::Short);
    let same_chain = match evidence {
        Evidence::SameChain(chain) => Some(chain),
        _ => None,
    };
    let text = run.text(a, b);
    // Big5's punctuation (row A1, trails 40-7E) read as GBK lands in GBK's
    // user-defined rows, private use: through the line's chain such a run
    // may read as punctuation alone (`郎 i 挡翴腹(16秈︗)` + U+E45D, `。`).
    let private_use = same_chain.is_some() && text.chars().any(is_private_use);
    // GBK's kana rows read as Big5 are Big5's commonest hanzi, so Japanese
    // always "improves": its kana are never re-read.
    if run.japanese && text.chars().any(is_kana) {
        return None;
    }
    // The window's score with its word pairs is looked up only once some
    // reading could beat it: the pairs only raise it.
    let unigram_before = run.score(a, b);
    let in_context = std::cell::OnceCell::new();
    let before = || *in_context.get_or_init(|| run.score_in_context(a, b));
    // A reading that beats its bound needs no lookup.
    let most_before = run.most_in_context(a, b);
    // Rare characters that are all GB2312 level 2 are words of real text as
    // often as mojibake (`忐忑`, `忡忡`): they need more gain.
    let mut odd = text.chars().filter(|&c| is_odd_cjk(c)).peekable();
    let min_gain = if same_chain.is_some() {
        SAME_CHAIN_MIN_GAIN
    } else if odd.peek().is_some() && odd.all(is_gb2312_level2) {
        CJK_MIN_GAIN * PLAIN_RARE_GAIN_FACTOR
    } else if lone {
        // UTF-8 read as Big5 turns every continuation byte into half of a
        // common hanzi: the gain is small, the structure is the evidence.
        LONE_UTF8_MIN_GAIN
    } else {
        CJK_MIN_GAIN
    };
    let mut best: Option<Reading> = None;
    // Whether a reading scoring `score` replaces the best so far by `gain`
    // at least; only then is its text made.
    let wins_by = |best: &Option<Reading>, score: i32, gain: i32| {
        score - unigram_before >= gain
            && best.as_ref().is_none_or(|b| score > b.0.score)
            && (score - most_before >= gain || score - before() >= gain)
    };
    // The last chain reads Big5 as code page 950 does (Windows, Python),
    // where it differs from WHATWG's decoder (see `CP950_ONLY`); it must do
    // better than WHATWG's reading, tried first.
    let chains = [
        (Charset::Utf8, Charset::Gbk, false),
        (Charset::Utf8, Charset::Big5, false),
        (Charset::Big5, Charset::Gbk, false),
        (Charset::Gbk, Charset::Big5, false),
        (Charset::Gbk, Charset::Big5, true),
    ];
    for (written, read, cp950) in chains {
        let chain = Chain { written, read };
        if evidence == Evidence::Utf8Only && chain.written != Charset::Utf8
            || same_chain.is_some_and(|c| c != chain)
        {
            continue;
        }
        let encoded = if cp950 {
            match run.cp950_bytes() {
                Some(bytes) => bytes,
                None => continue,
            }
        } else {
            run.bytes(chain.read)
        };
        let Some(bytes) = encoded.slice(a, b) else {
            continue;
        };
        let euro_pairs;
        let bytes = match chain.read {
            Charset::Gbk if chain.written == Charset::Utf8 => {
                euro_pairs = utf8_euro_pairs(run.chars, &encoded, a, b);
                euro_pairs.as_deref().unwrap_or(bytes)
            }
            _ => bytes,
        };
        let strict_utf8 = match chain.written {
            Charset::Utf8 => std::str::from_utf8(bytes).ok(),
            _ => None,
        };
        // The lone gain holds for strict UTF-8 only; anything else read
        // around one suspect must gain as a short span.
        let min_gain = match (lone, strict_utf8) {
            (false, _) | (true, Some(_)) => min_gain,
            (true, None) if evidence == Evidence::Short => min_gain.max(SHORT_SPAN_MIN_GAIN),
            (true, None) => continue,
        };
        let wins = |best: &Option<Reading>, score: i32| wins_by(best, score, min_gain);
        let decoded: Option<Cow<'_, str>> = match chain.written {
            Charset::Utf8 if bytes.contains(&LOST_BYTE) => {
                utf8_with_lost_bytes(bytes).map(Cow::Owned)
            }
            Charset::Utf8 => strict_utf8.map(Cow::Borrowed),
            cs => decode_double_byte_into(cs, bytes, |_| false, buf)
                .then_some(Cow::Borrowed(buf.as_str())),
        };
        let text = match decoded {
            Some(t) => t,
            // UTF-8 whose last character lost a byte.
            None if chain.written == Charset::Utf8 => match utf8_with_lost_tail(bytes) {
                Some(t) => Cow::Owned(t),
                None => continue,
            },
            None => continue,
        };
        let t = tally(&text);
        if t.odd * 4 > t.chars
            || t.hanzi < CJK_MIN_HANZI && same_chain.is_none()
            || same_chain.is_some() && (t.odd > 0 || t.hanzi == 0 && !private_use)
            // A lone suspect's reading must be frequent hanzi only.
            || (lone && !t.all_frequent)
            // Word pairs are looked up only when they could make it win.
            || !wins(&best, t.score + max_pairs_score(t.chars))
        {
            continue;
        }
        // UTF-8 that decodes (strictly, or but for a lost last byte) into
        // frequent hanzi only explains a whole run beyond doubt: it is taken
        // without looking up word pairs, which no other chain or window is
        // compared by.
        let utf8_sure = chain.written == Charset::Utf8
            && t.odd == text.matches('\u{FFFD}').count()
            && t.odd <= 1
            && t.hanzi >= SURE_UTF8_MIN_HANZI;
        if utf8_sure
            && a == 0
            && b == run.chars.len()
            && t.score - unigram_before >= min_gain
            && best.is_none()
        {
            let cand = Candidate {
                text: text.into_owned(),
                kind: RepairEdit::Mojibake(chain),
                score: t.score,
                full: evidence == Evidence::Full,
            };
            return Some((cand, 0, t.score - unigram_before));
        }
        let score = t.score + context_pairs(&text, run.before(a), run.at(b));
        if wins(&best, score) {
            let cand = Candidate {
                text: text.into_owned(),
                kind: RepairEdit::Mojibake(chain),
                score,
                full: evidence == Evidence::Full,
            };
            best = Some((cand, 0, score - before()));
            // UTF-8 that decodes strictly into frequent hanzi only is the
            // answer: no other chain reads such bytes as well, and nothing
            // is left to realign.
            if strict_utf8.is_some() && t.odd == 0 && t.hanzi >= SURE_UTF8_MIN_HANZI {
                return best;
            }
        }
    }
    // A chain that explains the run with no odd character left but the
    // lost bytes the run already showed leaves nothing for a realignment to
    // improve on (the costly search).
    if lone || same_chain.is_some() {
        return best;
    }
    let lost_before = text.matches('\u{FFFD}').count();
    if best.as_ref().is_some_and(|b| {
        !b.0.text.chars().any(|c| is_odd_cjk(c) && c != '\u{FFFD}')
            && b.0.text.matches('\u{FFFD}').count() <= lost_before
    }) {
        return best;
    }
    // Misaligned: a lost byte shifted the pairs; the shift ends where the
    // last lead byte took the next ASCII character as its trail.
    let trail = next.filter(|c| ('\u{40}'..='\u{7E}').contains(c));
    // Or the shift ran to a byte that was no trail and the last lead
    // became U+FFFD: that character is lost too.
    let (stop, lost_tail) = match text.strip_suffix('\u{FFFD}') {
        Some(_) if trail.is_none() => (b - 1, true),
        _ => (b, false),
    };
    if stop - a > MISALIGN_MAX_RUN {
        return best;
    }
    let lost = char_score('\u{FFFD}');
    // A decoder's U+FFFD at the end is evidence of its own: the lost byte
    // left its last lead alone.
    let realign_gain = if lost_tail {
        min_gain.min(MISALIGN_LOST_MIN_GAIN)
    } else {
        min_gain
    };
    for written in [Charset::Gbk, Charset::Big5] {
        let encoded = run.bytes(written);
        if encoded.slice(a, stop).is_none() {
            continue;
        }
        // The lost byte sits just before the first damaged character, so
        // only starts at or shortly before suspect characters are tried, the
        // first few: a shifted pair is often a common hanzi.
        let near_suspect = |i: usize| {
            run.chars[i..stop.min(i + 1 + MISALIGN_LOOKBACK)]
                .iter()
                .any(|&(_, c)| is_cjk_suspect(c))
        };
        let mut starts: Vec<usize> = (a..stop)
            .filter(|&i| i == a || near_suspect(i))
            .take(MISALIGN_MAX_STARTS)
            .collect();
        // Shifted pairs are often all frequent hanzi, but they make no
        // words: every start in the stretch without word pairs that ends
        // the window is tried too (`卮舐鄱希�` is `�大论断�`).
        if lost_tail || trail.is_some() {
            let mut i = stop;
            while i > a
                && stop - i < MISALIGN_PAIRLESS_MAX
                && (i == stop || pair_score(run.chars[i - 1].1, run.chars[i].1) == 0)
            {
                i -= 1;
                if !starts.contains(&i) {
                    starts.push(i);
                }
            }
            starts.sort_unstable();
        }
        let mut bytes = Vec::new();
        // Latest first: of two starts that score the same, the later keeps
        // more of the text as it was (`塑熘` is `塑` and a shifted pair, not
        // a shifted `塑`).
        for &i in starts.iter().rev() {
            bytes.clear();
            bytes.extend_from_slice(encoded.slice(i, stop).unwrap_or_default());
            if let Some(t) = trail {
                bytes.push(t as u8);
            }
            if bytes.len() < 3 {
                continue;
            }
            let body = if lost_tail {
                &bytes[1..bytes.len() - 1]
            } else {
                &bytes[1..]
            };
            let tail_score = if lost_tail { lost } else { 0 };
            if !decode_double_byte_into(written, body, is_odd_cjk, buf) {
                continue;
            }
            let decoded = buf.as_str();
            if trail.is_some_and(|t| decoded.ends_with(t)) {
                continue;
            }
            // The text is the window's start, the lost character, the
            // realigned rest and, when its last pair was cut, one more.
            let unpaired = run.score(a, i) + lost + cjk_score(decoded) + tail_score;
            let bound = unpaired + max_pairs_score(i - a + decoded.chars().count() + 1);
            if !wins_by(&best, bound, realign_gain) {
                continue;
            }
            let left = match (i > a, run.before(a)) {
                (true, Some(p)) => pair_score(p, run.chars[a].1),
                _ => 0,
            };
            let right = match (trail.is_none() && !lost_tail, decoded.chars().next_back()) {
                (true, Some(l)) => run.at(stop).map_or(0, |n| pair_score(l, n)),
                _ => 0,
            };
            let links = run.links(a, i) + context_pairs(decoded, None, None) + left + right;
            let score = unpaired + links;
            if wins_by(&best, score, realign_gain) {
                let tail = if lost_tail { "\u{FFFD}" } else { "" };
                let cand = Candidate {
                    full: true,
                    text: format!("{}\u{FFFD}{}{}", run.text(a, i), decoded, tail),
                    kind: RepairEdit::MisalignedRun,
                    score,
                };
                best = Some((cand, trail.map_or(0, |t| t.len_utf8()), score - before()));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run's pair sums and their bound give, for every window, what
    /// looking each pair up gives.
    #[test]
    fn run_pair_sums_agree_with_lookups() {
        for line in [
            "网络安全和信息化工作",
            "鍏ㄧ悆涓€浣撳寲",
            "网络α安全ㄤ信息化�建设",
        ] {
            let chars: Vec<(usize, char)> = line.char_indices().collect();
            let mut buffers = RunBuffers::default();
            let (run, _) = buffers.run(line, &chars, line.len(), false);
            let at = |k: usize| chars.get(k).map(|p| p.1);
            for a in 0..=chars.len() {
                for b in a..=chars.len() {
                    let inside: i32 = chars[a..b]
                        .windows(2)
                        .map(|w| pair_score(w[0].1, w[1].1))
                        .sum();
                    let left = match (a.checked_sub(1).and_then(at), at(a)) {
                        (Some(p), Some(c)) => pair_score(p, c),
                        _ => 0,
                    };
                    let right = match (b > a, at(b)) {
                        (true, Some(n)) => pair_score(chars[b - 1].1, n),
                        _ => 0,
                    };
                    let looked_up = run.score(a, b) + inside + left + right;
                    assert_eq!(run.links(a, b), inside, "{line} {a}..{b}");
                    assert_eq!(run.score_in_context(a, b), looked_up, "{line} {a}..{b}");
                    assert!(run.most_in_context(a, b) >= looked_up, "{line} {a}..{b}");
                }
            }
        }
    }
}

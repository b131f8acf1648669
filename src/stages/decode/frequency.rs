//! The Chinese frequency test (step 5): which double-byte reading of the
//! bytes is Chinese.
//!
//! A sample is decoded as GBK (named `gb18030` when it holds four-byte
//! sequences) and Big5, and, when neither wins clearly, as EUC-TW and
//! UTF-16LE/BE too; each reading is scored by the share of its ideographs
//! that are among the commonest Chinese characters. Real Chinese is Zipfian,
//! so the right reading scores high while the wrong ones spread over rare
//! characters. The same score vets HZ (`seven_bit.rs`) and the legacy lines
//! of a mixed file (`utf8.rs`). EUC-TW is decoded here because `encoding_rs`
//! has no decoder for it and this test is its only user.
//!
//! Example: the GBK bytes of `这是一个新家园，是学习、工作、生活的新空间，也是获取公共服务的新平台。`
//! → that text, encoding `GBK`, method `cjk-frequency`, with Big5 as the
//! runner-up.
//!
//! Limits: it abstains (and chardetng decides) below
//! [`CJK_MIN_IDEOGRAPHS`] ideographs, without a clear margin, or with more
//! than a trace of malformed sequences; it scores the first
//! [`FREQUENCY_SAMPLE_BYTES`] only; it never names Japanese or Korean, whose
//! readings can only lose; EUC-TW planes beyond those in the CNS table
//! become U+FFFD.

use std::borrow::Cow;

use encoding_rs::{BIG5, GBK, UTF_16BE, UTF_16LE};

use super::{
    Decoded, Method, RunnerUp, STATISTICAL_CEILING, decode_counting, ratio, report, round3, text,
};
use crate::tables::cns11643::cns11643_to_char;
use crate::tables::common_hanzi::{COMMON_HANZI_BASE, COMMON_HANZI_BITS};

/// Bytes of a document scored by the frequency test. 64 KiB holds ~30,000
/// ideographs, far more than the test needs; larger files are decided on
/// this prefix and decoded whole once.
const FREQUENCY_SAMPLE_BYTES: usize = 64 * 1024;

/// The frequency test needs this many ideographs before its verdict counts:
/// fewer is too little evidence, and chardetng decides.
const CJK_MIN_IDEOGRAPHS: u32 = 20;

/// A decoding is plausible Chinese when at least this share of its
/// ideographs are among the common set. Measured: real Chinese text 0.6–0.8;
/// Korean, Japanese or Big5 bytes read as GBK 0.05–0.25.
pub(super) const CJK_ACCEPT_SCORE: f64 = 0.5;

/// The winner must beat the runner-up by this much, or the test abstains.
const CJK_MIN_MARGIN: f64 = 0.2;

/// A margin this large is treated as conclusive in the confidence.
pub(super) const CJK_FULL_MARGIN: f64 = 0.4;

/// Highest share of malformed sequences (per ideograph) tolerated in the
/// winner: a few damaged bytes in a long file must not send it to chardetng,
/// which rejects any encoding with an error.
const CJK_MAX_ERROR_RATE: f64 = 0.01;

/// Ideographs after which the frequency evidence counts as ample: the
/// confidence approaches its ceiling as `1 - exp(-n / scale)`.
const CJK_EVIDENCE_SCALE: f64 = 40.0;

/// The candidate decoders of the frequency test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Candidate {
    Gbk,
    Big5,
    EucTw,
    Utf16Le,
    Utf16Be,
}

impl Candidate {
    fn decode(self, bytes: &[u8]) -> (String, u64) {
        match self {
            Candidate::Gbk => decode_counting(GBK, bytes),
            Candidate::Big5 => decode_counting(BIG5, bytes),
            Candidate::EucTw => decode_euc_tw(bytes),
            Candidate::Utf16Le => decode_counting(UTF_16LE, bytes),
            Candidate::Utf16Be => decode_counting(UTF_16BE, bytes),
        }
    }

    fn name(self, bytes: &[u8]) -> &'static str {
        match self {
            Candidate::Gbk if has_gb18030_four_byte(bytes) => "gb18030",
            Candidate::Gbk => "GBK",
            Candidate::Big5 => "Big5",
            Candidate::EucTw => "EUC-TW",
            Candidate::Utf16Le => "UTF-16LE",
            Candidate::Utf16Be => "UTF-16BE",
        }
    }
}

/// Ideograph statistics of a decoded text.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Frequency {
    /// CJK unified ideographs in the basic block.
    pub(super) ideographs: u32,
    /// Of those, how many are in the common set.
    common: u32,
    /// Other non-ASCII characters that are not punctuation or symbols text
    /// normally uses: kana, Hangul, private use, rare blocks, U+FFFD.
    pub(super) odd: u32,
}

impl Frequency {
    /// Share of the ideographs (and odd characters) that are common.
    pub(super) fn score(self) -> f64 {
        ratio(self.common as usize, (self.ideographs + self.odd) as usize)
    }
}

pub(super) fn is_common_hanzi(c: char) -> bool {
    let Some(offset) = (c as u32).checked_sub(COMMON_HANZI_BASE) else {
        return false;
    };
    let word = (offset / 64) as usize;
    word < COMMON_HANZI_BITS.len() && COMMON_HANZI_BITS[word] >> (offset % 64) & 1 == 1
}

pub(super) fn frequency_of(s: &str) -> Frequency {
    let mut f = Frequency::default();
    for c in s.chars() {
        match c {
            '\0'..='\u{7F}' => {}
            '\u{4E00}'..='\u{9FFF}' => {
                f.ideographs += 1;
                f.common += u32::from(is_common_hanzi(c));
            }
            // Punctuation, symbols, widths and Latin letters real Chinese
            // text uses: neutral evidence.
            '\u{80}'..='\u{24F}'
            | '\u{2000}'..='\u{27BF}'
            | '\u{3000}'..='\u{303F}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FFEF}' => {}
            _ => f.odd += 1,
        }
    }
    f
}

/// One candidate's result in the frequency test.
struct Scored {
    candidate: Candidate,
    freq: Frequency,
    score: f64,
    errors: u64,
    /// The decoded text, kept when the sample was the whole input.
    text: Option<String>,
}

impl Scored {
    /// `candidate`'s reading of `bytes`, scored; the text kept when `keep`.
    fn of(candidate: Candidate, bytes: &[u8], keep: bool) -> Scored {
        let (text, errors) = candidate.decode(bytes);
        let freq = frequency_of(&text);
        Scored {
            candidate,
            score: freq.score(),
            freq,
            errors,
            text: keep.then_some(text),
        }
    }
}

/// Cuts a sample so it ends before a byte ≥ 0x80, where no multi-byte
/// character can be split.
fn sample_prefix(bytes: &[u8], max: usize) -> &[u8] {
    if bytes.len() <= max {
        return bytes;
    }
    let mut end = max;
    while end > 0 && bytes[end - 1] >= 0x80 {
        end -= 1;
    }
    if end == 0 {
        &bytes[..max]
    } else {
        &bytes[..end]
    }
}

fn has_gb18030_four_byte(bytes: &[u8]) -> bool {
    // A four-byte GB18030 sequence is lead 0x81–0xFE then a digit; in GBK a
    // lead is never followed by a digit, so one such pair proves gb18030.
    let mut i = 0;
    while i + 1 < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
        } else if (0x81..=0xFE).contains(&b) && bytes[i + 1].is_ascii_digit() {
            return true;
        } else {
            i += 2;
        }
    }
    false
}

/// The frequency test (step 5 of the module doc).
pub(super) fn decode_by_frequency(bytes: &[u8]) -> Option<Decoded<'_>> {
    let sample = sample_prefix(bytes, FREQUENCY_SAMPLE_BYTES);
    let whole = sample.len() == bytes.len();
    let score = |candidate: Candidate| {
        let sample = match candidate {
            // Keep UTF-16 samples whole code units.
            Candidate::Utf16Le | Candidate::Utf16Be => &sample[..sample.len() & !1],
            _ => sample,
        };
        Scored::of(candidate, sample, whole)
    };
    // GBK and Big5 first: when one of them wins clearly, the rarer readings
    // (EUC-TW, UTF-16) cannot beat it and are not worth decoding.
    let mut scored = vec![score(Candidate::Gbk), score(Candidate::Big5)];
    // Stable sort: on a tie the earlier (commoner) encoding wins.
    scored.sort_by(|a, b| b.score.total_cmp(&a.score));
    if !decisive(&scored) {
        scored.push(score(Candidate::EucTw));
        if bytes.len().is_multiple_of(2) {
            scored.extend([score(Candidate::Utf16Le), score(Candidate::Utf16Be)]);
        }
        scored.sort_by(|a, b| b.score.total_cmp(&a.score));
        if !decisive(&scored) {
            return None;
        }
    }
    let runner_up = RunnerUp {
        encoding: scored[1].candidate.name(bytes),
        score: round3(scored[1].score),
    };
    let best = scored.swap_remove(0);
    let margin = best.score - runner_up.score;
    let (s, total_errors) = match best.text {
        Some(text) => (text, best.errors),
        None => best.candidate.decode(bytes),
    };
    let mut r = report(
        best.candidate.name(bytes),
        cjk_confidence(best.score, margin, best.freq.ideographs, total_errors),
        Method::CjkFrequency,
        false,
        total_errors,
    );
    r.score = Some(round3(best.score));
    r.runner_up = Some(runner_up);
    Some(text(Cow::Owned(s), r))
}

/// Whether the first of `scored` (sorted, best first) wins the frequency
/// test: enough ideographs, a high score, a margin over the second, few
/// decoding errors.
fn decisive(scored: &[Scored]) -> bool {
    let (best, second) = (&scored[0], &scored[1]);
    let error_rate = ratio(best.errors as usize, best.freq.ideographs.max(1) as usize);
    best.freq.ideographs >= CJK_MIN_IDEOGRAPHS
        && best.score >= CJK_ACCEPT_SCORE
        && best.score - second.score >= CJK_MIN_MARGIN
        && error_rate <= CJK_MAX_ERROR_RATE
}

/// Japanese writes kana in every sentence; Chinese read as EUC-JP has
/// none (GB2312 puts kana in rows 4 and 5, which Chinese text leaves
/// alone, and EUC-JP puts them in the same rows).
fn has_kana(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{3041}'..='\u{30FF}' | '\u{FF66}'..='\u{FF9F}'))
}

/// Modern Korean is written in Hangul, Hanja a minority even in older
/// mixed script; GBK read as EUC-KR turns only the pairs with leads
/// B0–C8 into Hangul, the rest into Hanja, so its Hangul share is lower.
const KOREAN_MIN_HANGUL_SHARE: f64 = 0.5;

fn hangul_share(s: &str) -> f64 {
    let (mut hangul, mut han) = (0usize, 0usize);
    for c in s.chars() {
        hangul += usize::from(matches!(c, '\u{AC00}'..='\u{D7A3}'));
        han += usize::from(matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'));
    }
    ratio(hangul, hangul + han)
}

/// Whether a Japanese or Korean reading shows its script: EUC-JP needs
/// kana, EUC-KR a Hangul majority. Other guesses are not questioned
/// (Shift_JIS reads high single bytes as half-width kana, so its reading
/// of Chinese bytes shows kana by chance, and chardetng rarely errs there).
fn lacks_its_script(guess: &'static encoding_rs::Encoding, reading: &str) -> bool {
    match guess.name() {
        "EUC-JP" => !has_kana(reading),
        "EUC-KR" => hangul_share(reading) < KOREAN_MIN_HANGUL_SHARE,
        _ => false,
    }
}

/// Short Chinese that chardetng gave to EUC-JP or EUC-KR: taken back when
/// that reading lacks its script ([`lacks_its_script`]) and the
/// GBK or Big5 reading decodes without error as common Chinese. Too short
/// for the frequency test, but not for this one: the rival reading offers
/// no script evidence at all.
pub(super) fn chinese_not_japanese_or_korean<'a>(
    guess: &'static encoding_rs::Encoding,
    bytes: &'a [u8],
) -> Option<Decoded<'a>> {
    if !matches!(guess.name(), "EUC-JP" | "EUC-KR") {
        return None;
    }
    let (theirs, _) = decode_counting(guess, bytes);
    if !lacks_its_script(guess, &theirs) {
        return None;
    }
    let mut scored: Vec<Scored> = [Candidate::Gbk, Candidate::Big5]
        .into_iter()
        .map(|candidate| Scored::of(candidate, bytes, true))
        .filter(|s| s.errors == 0 && s.freq.ideographs > 0 && s.score >= CJK_ACCEPT_SCORE)
        .collect();
    // Stable: on a tie the commoner GBK stays first.
    scored.sort_by(|a, b| b.score.total_cmp(&a.score));
    let best = scored.into_iter().next()?;
    let rival = frequency_of(&theirs).score();
    let mut r = report(
        best.candidate.name(bytes),
        cjk_confidence(best.score, best.score - rival, best.freq.ideographs, 0),
        Method::CjkFrequency,
        false,
        0,
    );
    r.score = Some(round3(best.score));
    r.runner_up = Some(RunnerUp {
        encoding: guess.name(),
        score: round3(rival),
    });
    Some(text(Cow::Owned(best.text.expect("kept")), r))
}

/// Confidence of a frequency verdict: the margin over the runner-up, scaled
/// by how much evidence there was, discounted by decoding errors.
pub(super) fn cjk_confidence(score: f64, margin: f64, ideographs: u32, errors: u64) -> f64 {
    let separation = (margin / CJK_FULL_MARGIN).min(1.0) * score.min(1.0);
    let evidence = 1.0 - (-f64::from(ideographs) / CJK_EVIDENCE_SCALE).exp();
    let clean = 1.0 - ratio(errors as usize, ideographs.max(1) as usize).min(1.0);
    round3((0.5 + 0.5 * separation.sqrt() * evidence).min(STATISTICAL_CEILING) * clean)
}

/// EUC-TW (CNS 11643): ASCII; plane 1 as two bytes A1–FE; any plane as
/// `8E A1+plane-1` and two bytes.
fn decode_euc_tw(bytes: &[u8]) -> (String, u64) {
    let mut out = String::with_capacity(bytes.len() * 3 / 2);
    let mut errors = 0;
    let mut i = 0;
    let row_cell = |b: u8| (0xA1..=0xFE).contains(&b);
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(char::from(b));
            i += 1;
            continue;
        }
        let (plane, row, cell, len) =
            match (b, bytes.get(i + 1), bytes.get(i + 2), bytes.get(i + 3)) {
                (0x8E, Some(&p @ 0xA1..=0xB0), Some(&r), Some(&c))
                    if row_cell(r) && row_cell(c) =>
                {
                    (p - 0xA0, r, c, 4)
                }
                (r, Some(&c), _, _) if row_cell(r) && row_cell(c) => (1, r, c, 2),
                _ => {
                    errors += 1;
                    out.push('\u{FFFD}');
                    i += 1;
                    continue;
                }
            };
        match cns11643_to_char(plane, row - 0xA0, cell - 0xA0) {
            Some(c) => out.push(c),
            None => {
                errors += 1;
                out.push('\u{FFFD}');
            }
        }
        i += len;
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::decode::tests::decoded;

    #[test]
    fn gbk_and_big5_by_frequency() {
        let simplified = "这是一个新家园，是学习、工作、生活的新空间，也是获取公共服务的新平台。";
        let (gbk, _, _) = GBK.encode(simplified);
        let (s, r) = decoded(&gbk);
        assert_eq!(s, simplified);
        assert_eq!(r.encoding, "GBK");
        assert_eq!(r.method, Method::CjkFrequency);

        let traditional = "這一組組世界第一的數據，映照出一個古老東方大國在互聯網和信息化浪潮中的踔厲奮發、勇毅前行。";
        let (big5, _, _) = BIG5.encode(traditional);
        let (s, r) = decoded(&big5);
        assert_eq!(s, traditional);
        assert_eq!(r.encoding, "Big5");
        assert!(r.runner_up.is_some());
    }

    #[test]
    fn the_frequency_test_decides_from_its_minimum_of_ideographs() {
        // Twenty ideographs are enough evidence; nineteen leave it to chardetng.
        let twenty = "这是一个新家园是学习工作生活的新空间也是";
        assert_eq!(twenty.chars().count(), 20);
        let (gbk, _, _) = GBK.encode(twenty);
        assert_eq!(decoded(&gbk).1.method, Method::CjkFrequency);
        let nineteen: String = twenty.chars().skip(1).collect();
        let (gbk, _, _) = GBK.encode(&nineteen);
        let (s, r) = decoded(&gbk);
        assert_ne!(r.method, Method::CjkFrequency);
        assert_eq!(s, nineteen);
    }

    fn scored(candidate: Candidate, ideographs: u32, common: u32, errors: u64) -> Scored {
        let freq = Frequency {
            ideographs,
            common,
            odd: 0,
        };
        Scored {
            candidate,
            freq,
            score: freq.score(),
            errors,
            text: None,
        }
    }

    #[test]
    fn the_verdict_needs_half_common_hanzi_a_margin_and_few_errors() {
        // 100 ideographs in the best reading, `rival` common ones in the other.
        let verdict = |common, rival, errors| {
            decisive(&[
                scored(Candidate::Gbk, 100, common, errors),
                scored(Candidate::Big5, 100, rival, 0),
            ])
        };
        // Half common: the least real Chinese was measured to show.
        assert!(verdict(50, 20, 0));
        assert!(!verdict(49, 20, 0));
        // A margin of 0.21 over the rival reading wins; 0.19 abstains.
        assert!(verdict(70, 49, 0));
        assert!(!verdict(70, 51, 0));
        // One malformed sequence per hundred ideographs is damage; two, the
        // wrong encoding.
        assert!(verdict(70, 20, 1));
        assert!(!verdict(70, 20, 2));
    }

    #[test]
    fn korean_needs_a_hangul_majority() {
        // Older mixed-script Korean, half Hanja (19 Hangul, 18 Hanja), is
        // still Korean…
        assert!(!lacks_its_script(
            encoding_rs::EUC_KR,
            "大韓民國憲法第一條大韓民國은民主共和國이다 국민은 모두 법 앞에 평등하다 자유롭다"
        ));
        // …while a reading with Hangul a large minority (13 of 31) is not.
        assert!(lacks_its_script(
            encoding_rs::EUC_KR,
            "大韓民國憲法第一條大韓民國은民主共和國이다 국민은 모두 법 앞에 평등"
        ));
    }

    #[test]
    fn gb18030_four_byte_is_named() {
        assert!(has_gb18030_four_byte(b"\x81\x30\x81\x30"));
        assert!(!has_gb18030_four_byte(b"\xD6\xD0\xCE\xC4 12"));
    }

    #[test]
    fn short_chinese_is_not_japanese_or_korean() {
        use encoding_rs::{EUC_JP, EUC_KR, SHIFT_JIS};
        let (gbk, _, _) = GBK.encode("中文的测试");
        let back = chinese_not_japanese_or_korean(EUC_KR, &gbk);
        assert!(matches!(back, Some(Decoded::Text { ref text, .. }) if text == "中文的测试"));
        // Kana or Hangul in the rival reading keep it.
        let (euc_jp, _, _) = EUC_JP.encode("日本語のテスト");
        assert!(chinese_not_japanese_or_korean(EUC_JP, &euc_jp).is_none());
        let (euc_kr, _, _) = EUC_KR.encode("한국어 시험");
        assert!(chinese_not_japanese_or_korean(EUC_KR, &euc_kr).is_none());
        let back = chinese_not_japanese_or_korean(EUC_JP, &gbk);
        assert!(matches!(back, Some(Decoded::Text { ref text, .. }) if text == "中文的测试"));
        // Kanji-only EUC-JP read as GBK is rare hanzi: not taken.
        let (kanji, _, _) = EUC_JP.encode("東京都千代田区");
        assert!(chinese_not_japanese_or_korean(EUC_JP, &kanji).is_none());
        // Shift_JIS is not questioned.
        let (sjis, _, _) = SHIFT_JIS.encode("日本語");
        assert!(chinese_not_japanese_or_korean(SHIFT_JIS, &sjis).is_none());
        // Not a Japanese or Korean guess: nothing to take back.
        assert!(chinese_not_japanese_or_korean(GBK, &gbk).is_none());
    }
}

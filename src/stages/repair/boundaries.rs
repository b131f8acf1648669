//! Tests at the boundaries of repair's thresholds that no other test
//! noticed moving (the mutation check, `docs/MUTATIONS.md`). Each input is
//! a real sentence damaged the way the rule is for (encoded with one code
//! page, decoded with another, a byte lost on the way), chosen where one
//! step of the constant changes the repair; the comment says what puts it
//! there. Each test was seen to fail with its constant moved by that step.
//!
//! Example: GBK `只创建用户数据库…所需的写权限。` that lost the lead byte
//! of `权` and was read as Big5 ends in a decoder's U+FFFD; realigned, its
//! last characters gain exactly `MISALIGN_LOST_MIN_GAIN`, and come back
//! as `…所需的写\u{FFFD}限\u{FFFD}`.
//!
//! Limits: one line per boundary (from both sides where a side exists);
//! the stage's behaviour on real text is measured by the evaluation
//! scripts, not here.

use encoding_rs::{BIG5, Encoding, GBK, UTF_8, WINDOWS_1252};

use super::repair;
use super::tests::damage_span;

fn fixed(s: &str) -> String {
    repair(s).text.into_owned()
}

/// `text` written in `written`, the byte at `lost` dropped, read in `read`
/// (with its decoder's U+FFFD for what no longer pairs).
fn with_lost_byte(
    text: &str,
    written: &'static Encoding,
    lost: usize,
    read: &'static Encoding,
) -> String {
    let (bytes, _, errors) = written.encode(text);
    assert!(!errors, "{text}");
    let mut bytes = bytes.into_owned();
    bytes.remove(lost);
    read.decode_without_bom_handling(&bytes).0.into_owned()
}

#[test]
fn a_realignment_ending_in_a_decoders_lost_byte_gains_four() {
    // GBK read as Big5 after the lead byte of `权` (the 24th character,
    // byte 46) was lost: the pairs after it are shifted and the last lead
    // is left alone (U+FFFD). The whole line reads back but for its end,
    // `写ㄏ蕖` + U+FFFD; realigned from `权`, `权限。` becomes `\u{FFFD}限`
    // and a U+FFFD: its gain is MISALIGN_LOST_MIN_GAIN (4) exactly, word
    // pairs less the character admitted lost, so one step more leaves it.
    let text = "只创建用户数据库，即使有创建系统数据库所需的写权限。";
    let damaged = with_lost_byte(text, GBK, 46, BIG5);
    assert!(damaged.ends_with('\u{FFFD}'), "{damaged}");
    assert_eq!(
        fixed(&damaged),
        "只创建用户数据库，即使有创建系统数据库所需的写\u{FFFD}限\u{FFFD}"
    );
}

#[test]
fn three_fill_characters_are_uninitialised_memory_two_are_a_word() {
    // MSVC fills uninitialised stack memory with 0xCC: a six-byte buffer of
    // it printed as GBK is `烫烫烫`, FILL_RUN_MIN (3) fill characters, one
    // lost span.
    let mut bytes = GBK.encode("用户名：").0.into_owned();
    bytes.extend([0xCC; 6]);
    let line = GBK.decode(&bytes).0;
    assert_eq!(line, "用户名：烫烫烫");
    assert_eq!(fixed(&line), "用户名：\u{FFFD}");
    // Two in a row are a reduplicated word (`热烫烫的`, piping hot).
    let word = "刚出锅的包子热烫烫的。";
    assert_eq!(fixed(word), word);
}

#[test]
fn a_latin1_reading_needs_four_frequent_hanzi_in_five() {
    // `撷取这些旧` written in GBK, read as windows-1252: its reading has 5
    // hanzi, 4 of them frequent (`撷` is GB2312 level 2): a share of 0.8,
    // LATIN_CJK_MIN_FREQUENT_SHARE exactly.
    let line = "更旧的过时档案而不必撷取这些旧档案。[true]";
    let damaged = damage_span(line, "撷取这些旧", GBK, WINDOWS_1252);
    assert_eq!(damaged, "更旧的过时档案而不必ß¢È¡ÕâÐ©¾É档案。[true]");
    assert_eq!(fixed(&damaged), line);
}

#[test]
fn suspects_four_characters_apart_are_separate_damage() {
    // `档案` written in UTF-8, read as GBK: `妗ｆ` and a private-use
    // character (characters 5-7). The rare `撷` (GB2312 level 2, a suspect
    // too) is character 11, four after the last suspect of the span: at
    // CJK_CLUSTER_GAP (3) the span is a cluster of its own and its window
    // reads back; one more, and the cluster takes in `而不必撷`.
    let line = "更旧的过时档案而不必撷取这些旧档案。[true]";
    let damaged = damage_span(line, "档案", UTF_8, GBK);
    assert_eq!(
        damaged,
        "更旧的过时妗ｆ\u{E50D}而不必撷取这些旧档案。[true]"
    );
    assert_eq!(fixed(&damaged), line);
}

#[test]
fn a_stray_kana_is_evidence_in_a_line_of_four_hanzi() {
    // A terminal colour table's line (`36` is cyan) written in Big5, read
    // as GBK: `ふ扯屡玡春`, one stray kana among four hanzi, the
    // STRAY_KANA_HANZI_RATIO (4) hanzi a kana needs to count as damage.
    let line = "36\t孔雀藍前景";
    let (bytes, _, errors) = BIG5.encode(line);
    assert!(!errors);
    let damaged = GBK.decode_without_bom_handling(&bytes).0;
    assert_eq!(damaged, "36\tふ扯屡玡春");
    assert_eq!(fixed(&damaged), line);
    // Two stray kana need eight: `中使用` damaged alike in a line of eight.
    let line = "在生成密钥中使用大指数.";
    let damaged = damage_span(line, "中使用", BIG5, GBK);
    assert_eq!(damaged, "在生成密钥いㄏノ大指数.");
    assert_eq!(fixed(&damaged), line);
}

#[test]
fn two_characters_between_lost_ones_are_read_on_their_own() {
    // GBK read as Big5: `全` (C8AB) has no Big5 character and becomes
    // U+FFFD, cutting the run; the stretch before it, `芢雄` (`推动`), is
    // LOST_SPLIT_MIN_CHARS (2) characters, read on its own.
    let line = "推动全球互联网发展治理迈向更高水平";
    let (bytes, _, errors) = GBK.encode(line);
    assert!(!errors);
    let damaged = BIG5.decode_without_bom_handling(&bytes).0;
    assert!(damaged.starts_with("芢雄\u{FFFD}"), "{damaged}");
    assert_eq!(fixed(&damaged), "推动\u{FFFD}球互联网发展治理迈向更高水平");
}

#[test]
fn the_pairless_stretch_before_a_lost_byte_is_tried_from_eight_characters_back() {
    // A man page's line in UTF-8 that lost byte 19 (inside `一`) and was
    // read as GBK: the lost byte shifts what follows, and the realignment
    // tries starts up to MISALIGN_PAIRLESS_MAX (8) characters back while no
    // word pair joins them. At 8 the line comes back but for the two
    // characters lost (`一`, and `用` at the end); with 9 starts the search
    // settles on another reading and nothing is repaired (the mutation
    // check found both: one more start also restores other lines, so this
    // is a search bound as much as a decision).
    let text = "語句用於定義一個遊標。使用";
    let damaged = with_lost_byte(text, UTF_8, 19, GBK);
    assert_eq!(fixed(&damaged), "語句用於定義\u{FFFD}個遊標。使\u{FFFD}");
}

#[test]
fn a_short_span_is_looked_for_in_a_line_of_six_hanzi() {
    // `可以` written in GBK, read as Big5 (`褫眕`), at the head of a man
    // page's line of SHORT_SPAN_MIN_HANZI (6) hanzi: enough context for
    // one suspect to be taken as a short damaged span.
    let line = "可以通过访问";
    let damaged = damage_span(line, "可以", GBK, BIG5);
    assert_eq!(damaged, "褫眕通过访问");
    assert_eq!(fixed(&damaged), line);
}

#[test]
fn four_unexplained_latin_characters_against_one_sequence_are_garble() {
    // ftfy's `…hatikuâ™«~` (UTF-8 `♫` read as windows-1252) read so once
    // more and lowercased: `ã¢â„¢â«~`. One sequence still decodes (`â„¢`,
    // `™`); `ã`, `¢`, `â` and `«` are explained by none, GARBLE_MIN_ORPHANS
    // (4): undoing the one would only make another garble (`ã¢™â«~`).
    let line = "engkau masih yg terindah, indah di dalam hatikuã¢â„¢â«~";
    assert_eq!(fixed(line), line);
    // The same mojibake with its case kept is undone, layer by layer.
    assert_eq!(
        fixed("Engkau masih yg terindah, indah di dalam hatikuÃ¢â„¢Â«~"),
        "Engkau masih yg terindah, indah di dalam hatiku♫~"
    );
}

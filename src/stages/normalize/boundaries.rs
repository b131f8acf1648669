//! Tests at the boundaries of normalize's thresholds that no other test
//! noticed moving (the mutation check, `docs/MUTATIONS.md`): each input sits
//! where one step of its constant changes the output, and the comment gives
//! the counts that put it there.
//!
//! Example: `Vim 是一个 Debian 软件包!` has six Han characters and six
//! Latin letters in the twelve letters before its `!`, a tie, so the
//! sentence is Chinese and the mark becomes `！`.
//!
//! Limits: one input per boundary, from both sides where a side exists; the
//! stage's other tests (`mod.rs`, `punctuation.rs`, `protected.rs`) cover the
//! rules themselves.

use super::tests::norm;

#[test]
fn the_language_before_a_mark_is_judged_on_its_last_twelve_letters() {
    // Back from `!`: 软件包 (3 Han), Debian (6 letters), 是一个 (3 Han): a
    // tie in the window of CONTEXT_WINDOW_CHARS = 12, so not Latin. The
    // 13th letter back is Vim's `m` (a 13-letter window makes it Latin), and
    // the 12th is `是` (an 11-letter window makes it 6 letters to 5 Han).
    assert_eq!(
        norm("Vim 是一个 Debian 软件包!\n"),
        "Vim 是一个 Debian 软件包！\n"
    );
}

/// A decimal character reference zero-padded to `digits` digits, for `中`.
fn padded_reference(digits: usize) -> String {
    format!("&#{:0>digits$};", 20013)
}

#[test]
fn a_character_reference_is_syntax_up_to_thirty_four_characters() {
    // `#` and 33 digits make a 34-character name (MAX_ENTITY_LEN): its `;`
    // is the reference's syntax and stays ASCII in a Chinese line.
    let reference = padded_reference(33);
    let line = format!("编码{reference}表示中文\n");
    assert_eq!(norm(&line), line);
    // With 34 digits (35 characters) it is no reference: the `;` after
    // Chinese text and before Chinese text is the sentence's.
    let long = padded_reference(34);
    assert_eq!(
        norm(&format!("编码{long}表示中文\n")),
        format!("编码{}；表示中文\n", long.trim_end_matches(';'))
    );
}

//! # repair: undo damage done to the text before it reached us
//!
//! Mojibake (Latin and CJK families), lossy sequences (`锟斤拷`), flattened
//! pinyin annotations and markup debris are repaired here.
//!
//! Example (once implemented): `涓枃` → `中文`.
//!
//! Status: a pass-through. The backbone wires it into the pipeline, the
//! manifest and `--skip`; the repairs themselves are their own piece of work.
//! It returns its input borrowed and an empty report.

use std::borrow::Cow;

use super::{EditKind, StageOutput, StageReport};

/// The kinds of edit this stage makes (none yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairEdit {}

impl EditKind for RepairEdit {
    fn name(self) -> &'static str {
        match self {}
    }
}

/// Runs the stage on one document.
pub fn repair(text: &str) -> StageOutput<'_, RepairEdit> {
    StageOutput {
        text: Cow::Borrowed(text),
        report: StageReport::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_text_through_borrowed() {
        let out = repair("中文\n");
        assert!(matches!(out.text, Cow::Borrowed("中文\n")));
        assert!(out.report.is_empty());
    }
}

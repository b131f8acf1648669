//! # convert: Traditional → Simplified Chinese, OpenCC-compatible
//!
//! A canonical corpus has one script. This stage will detect each
//! document's script and convert Traditional text to Simplified (OpenCC `t2s`
//! by default), never touching Simplified or Japanese text.
//!
//! Example (once implemented): `網絡強國` → `网络强国`.
//!
//! Status: a pass-through; the manifest reports the script as `none` until
//! detection lands. It returns its input borrowed and an empty report.

use std::borrow::Cow;

use super::{EditKind, StageOutput, StageReport};

/// The kinds of edit this stage makes (none yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvertEdit {}

impl EditKind for ConvertEdit {
    fn name(self) -> &'static str {
        match self {}
    }
}

/// Runs the stage on one document.
pub fn convert(text: &str) -> StageOutput<'_, ConvertEdit> {
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
        let out = convert("中文\n");
        assert!(matches!(out.text, Cow::Borrowed("中文\n")));
        assert!(out.report.is_empty());
    }
}

//! # layout: one paragraph per line
//!
//! Hard-wrapped lines, page breaks, running headers, page numbers and
//! indentation from PDF and web extraction will be resolved here.
//!
//! Example (once implemented): `这是一个新家园，是学习、工作、生活的新\n空间。`
//! → `这是一个新家园，是学习、工作、生活的新空间。`
//!
//! Status: a pass-through. It returns its input borrowed and an empty report.

use std::borrow::Cow;

use super::{EditKind, StageOutput, StageReport};

/// The kinds of edit this stage makes (none yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutEdit {}

impl EditKind for LayoutEdit {
    fn name(self) -> &'static str {
        match self {}
    }
}

/// Runs the stage on one document.
pub fn layout(text: &str) -> StageOutput<'_, LayoutEdit> {
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
        let out = layout("中文\n");
        assert!(matches!(out.text, Cow::Borrowed("中文\n")));
        assert!(out.report.is_empty());
    }
}

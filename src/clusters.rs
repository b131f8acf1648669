//! `DIR/clusters.jsonl`: every duplicate family of a run read whole, one
//! line per cluster with more than one member, so a removal can be checked
//! without following `duplicate_of` through the manifest.
//!
//! Example, a survivor with an exact copy of its near duplicate:
//!
//! ```text
//! {"survivor":"b.txt","size":3,"members":[
//!   {"path":"c.txt","similarity":0.93,"rule":"near"},
//!   {"path":"d.txt","similarity":0.93,"rule":"exact","matched":{"path":"c.txt","similarity":1.0}}]}
//! ```
//!
//! (one line in the file). Clusters are in the survivors' sorted path
//! order, members in theirs, so the same inputs give the same bytes.
//! Limits: only what dedup decided is listed; pairs above the threshold
//! between two removed members, or between members of two clusters, are
//! not (similarity is not transitive, and only the deciding pair is kept).

use serde::{Deserialize, Serialize};

use crate::manifest::Matched;

/// File name of the clusters list inside `--out`.
pub const CLUSTERS_NAME: &str = "clusters.jsonl";

/// One cluster: the document kept and every removed member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterLine {
    pub survivor: String,
    /// Members including the survivor.
    pub size: usize,
    pub members: Vec<Member>,
}

/// A removed member of a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub path: String,
    /// True Jaccard against the survivor.
    pub similarity: f64,
    /// What removed it: `exact` (same cleaned text), `normalized` (same
    /// comparison key) or `near` (verified Jaccard), as in the manifest's
    /// `changes.dedup`.
    pub rule: String,
    /// The member the decision was made against, when not the survivor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<Matched>,
}

/// Similarities are written to four decimals: enough to compare with the
/// threshold, and free of float noise from the last bits.
pub fn round_similarity(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_is_written_only_when_present() {
        let member = |matched| Member {
            path: "d.txt".into(),
            similarity: round_similarity(0.930_000_7),
            rule: "exact".into(),
            matched,
        };
        let line = ClusterLine {
            survivor: "b.txt".into(),
            size: 3,
            members: vec![
                member(None),
                member(Some(Matched {
                    path: "c.txt".into(),
                    similarity: 1.0,
                })),
            ],
        };
        let text = crate::manifest::to_jsonl(std::slice::from_ref(&line));
        assert_eq!(text.lines().count(), 1);
        assert!(
            text.contains(r#""similarity":0.93,"rule":"exact"}"#),
            "{text}"
        );
        assert!(text.contains(r#""matched":{"path":"c.txt","similarity":1.0}"#));
        let back: ClusterLine = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(back, line);
    }
}

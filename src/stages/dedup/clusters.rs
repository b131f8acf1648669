//! From each duplicate's first match to the survivor of its cluster, and
//! the clusters read whole.
//!
//! [`find_duplicates`] decides in two passes: equal keys first, then near
//! matches among the documents the key pass kept. A document can therefore
//! be removed for its key against a member that the near pass then removed
//! in turn. [`resolve_survivors`] follows every such match to the document
//! that stays in the output, gives the true Jaccard against it, and keeps
//! the match that made the decision ([`Removal::matched`]) when it was
//! against another member. [`clusters`] groups the removals by survivor.
//! [`decide`] is both passes and the resolution in one call: the function a
//! port (Spark, per connected component) must reproduce.
//!
//! Example, sorted documents `[B, A, A′]` where `A′` is a copy of `A` and
//! `A` is a near copy of `B` (Jaccard 0.93): `find_duplicates` gives
//! `[None, Near of 0 (0.93), Key of 1]`; resolved, `A′` → survivor 0,
//! similarity 0.93, removed by `Key`, matched `A` (1.0).
//!
//! Limits: a duplicate still names one survivor, the one its decision chain
//! leads to, never the most similar of several; the similarity of a chain
//! link is derived without `verify` only across equal keys (equal keys have
//! equal n-gram sets), any other chain is verified.

use std::collections::BTreeMap;

use super::minhash::DocSignature;
use super::survivors::{Match, MatchKind, NearConfig, find_duplicates};

/// A removed document, traced to the survivor of its cluster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Removal {
    /// Index of the document that stays in the output.
    pub survivor: usize,
    /// True Jaccard against the survivor (1.0 for equal keys).
    pub similarity: f64,
    /// The rule that removed the document: the kind of its own match.
    pub kind: MatchKind,
    /// The match that decided the removal, when it was against another
    /// member than the survivor.
    pub matched: Option<Match>,
}

/// One duplicate family: the survivor and every removed member, in index
/// (sorted path) order.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub survivor: usize,
    pub members: Vec<(usize, Removal)>,
}

/// Follows each match of [`find_duplicates`] to the survivor of its
/// cluster. `verify(earlier, later)` is the same true Jaccard the decision
/// used; it is called only for a chain whose similarity to the survivor
/// cannot be derived from equal keys, and when it cannot answer, the
/// deciding match's similarity stands.
pub fn resolve_survivors(
    matches: &[Option<Match>],
    mut verify: impl FnMut(usize, usize) -> Option<f64>,
) -> Vec<Option<Removal>> {
    let mut out = vec![None; matches.len()];
    for (i, found) in matches.iter().enumerate() {
        let Some(first) = *found else { continue };
        // Equal keys have equal n-gram sets, so across key links the
        // similarity carries over unchanged; the first near link sets it.
        let mut survivor = first.of;
        let mut similarity = first.similarity;
        let mut derived = true;
        let mut near_seen = first.kind == MatchKind::Near;
        // Matches point to earlier documents, so the walk ends.
        while let Some(next) = matches[survivor] {
            debug_assert!(next.of < survivor, "matches point backwards");
            if next.kind == MatchKind::Near {
                if near_seen {
                    derived = false;
                }
                near_seen = true;
                similarity = next.similarity;
            }
            survivor = next.of;
        }
        if !derived {
            similarity = verify(survivor, i).unwrap_or(first.similarity);
        }
        out[i] = Some(Removal {
            survivor,
            similarity,
            kind: first.kind,
            matched: (survivor != first.of).then_some(first),
        });
    }
    out
}

/// The clusters with more than one member, by survivor index.
pub fn clusters(removals: &[Option<Removal>]) -> Vec<Cluster> {
    let mut by_survivor: BTreeMap<usize, Vec<(usize, Removal)>> = BTreeMap::new();
    for (i, removal) in removals.iter().enumerate() {
        if let Some(r) = removal {
            by_survivor.entry(r.survivor).or_default().push((i, *r));
        }
    }
    by_survivor
        .into_iter()
        .map(|(survivor, members)| Cluster { survivor, members })
        .collect()
}

/// [`find_duplicates`] then [`resolve_survivors`] with the same `verify`:
/// the whole decision for a corpus (or a connected component of its
/// candidate graph) given in sorted order.
pub fn decide(
    sigs: &[Option<&DocSignature>],
    config: &NearConfig,
    mut verify: impl FnMut(usize, usize) -> Option<f64>,
) -> Vec<Option<Removal>> {
    let matches = find_duplicates(sigs, config, &mut verify);
    resolve_survivors(&matches, verify)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::dedup::tests::{key, text};
    use crate::stages::dedup::{NGRAM, jaccard, shingles, signature};

    fn near(of: usize, similarity: f64) -> Option<Match> {
        Some(Match {
            of,
            similarity,
            kind: MatchKind::Near,
        })
    }

    fn by_key(of: usize) -> Option<Match> {
        Some(Match {
            of,
            similarity: 1.0,
            kind: MatchKind::Key,
        })
    }

    #[test]
    fn an_exact_copy_of_a_near_duplicate_names_the_survivor() {
        // B, then A (near B), then A′ (same key as A), the order the real
        // gb18030 / gbk-utf8 / gbk files sort in.
        let b = text(1, 600);
        let mut a = b.clone();
        a.replace_range(300..330, &text(9, 10));
        let a_copy: String = a.chars().flat_map(|c| [c, ' ']).collect();
        let keys: Vec<String> = [&b, &a, &a_copy].iter().map(|t| key(t)).collect();
        let sigs: Vec<DocSignature> = keys.iter().map(|k| signature(k)).collect();
        let refs: Vec<Option<&DocSignature>> = sigs.iter().map(Some).collect();
        let j =
            |x: usize, y: usize| jaccard(&shingles(&keys[x], NGRAM), &shingles(&keys[y], NGRAM));
        let removals = decide(&refs, &NearConfig::default(), |x, y| Some(j(x, y)));
        assert_eq!(removals[0], None);
        let a_removal = removals[1].expect("A is near B");
        assert_eq!((a_removal.survivor, a_removal.matched), (0, None));
        let copy = removals[2].expect("A′ is a copy of A");
        assert_eq!(copy.survivor, 0);
        assert_eq!(copy.kind, MatchKind::Key);
        assert_eq!(copy.similarity, j(0, 2));
        assert!(copy.similarity < 1.0);
        assert_eq!(copy.matched, by_key(1));
        let found = clusters(&removals);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].survivor, 0);
        let members: Vec<usize> = found[0].members.iter().map(|m| m.0).collect();
        assert_eq!(members, vec![1, 2]);
    }

    #[test]
    fn direct_matches_pass_through_and_singletons_make_no_cluster() {
        let matches = [None, None, by_key(0), near(1, 0.9), None];
        let removals = resolve_survivors(&matches, |_, _| panic!("nothing to verify"));
        assert_eq!(
            removals[2].map(|r| (r.survivor, r.matched)),
            Some((0, None))
        );
        assert_eq!(
            removals[3].map(|r| (r.survivor, r.similarity, r.kind)),
            Some((1, 0.9, MatchKind::Near))
        );
        assert!(removals[4].is_none() && removals[0].is_none());
        let survivors: Vec<usize> = clusters(&removals).iter().map(|c| c.survivor).collect();
        assert_eq!(survivors, vec![0, 1]);
    }

    #[test]
    fn a_chain_of_two_near_links_is_verified_against_the_survivor() {
        let matches = [None, near(0, 0.9), near(1, 0.85)];
        let mut asked = Vec::new();
        let removals = resolve_survivors(&matches, |x, y| {
            asked.push((x, y));
            Some(0.7)
        });
        assert_eq!(asked, vec![(0, 2)]);
        let r = removals[2].unwrap();
        assert_eq!((r.survivor, r.similarity), (0, 0.7));
        assert_eq!(r.matched, near(1, 0.85));
        // A verifier that cannot answer leaves the deciding similarity.
        let fallback = resolve_survivors(&matches, |_, _| None);
        assert_eq!(fallback[2].unwrap().similarity, 0.85);
    }

    #[test]
    fn resolving_is_idempotent_on_resolved_matches() {
        let matches = [None, near(0, 0.9), by_key(1)];
        let once = resolve_survivors(&matches, |_, _| None);
        let flattened: Vec<Option<Match>> = once
            .iter()
            .map(|r| {
                r.map(|r| Match {
                    of: r.survivor,
                    similarity: r.similarity,
                    kind: r.kind,
                })
            })
            .collect();
        let twice = resolve_survivors(&flattened, |_, _| None);
        let survivors = |v: &[Option<Removal>]| -> Vec<Option<(usize, f64)>> {
            v.iter()
                .map(|r| r.map(|r| (r.survivor, r.similarity)))
                .collect()
        };
        assert_eq!(survivors(&once), survivors(&twice));
        assert!(twice.iter().flatten().all(|r| r.matched.is_none()));
    }
}

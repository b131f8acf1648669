//! Time per stage: the pipeline measures each stage call with
//! [`Instant`] (the stages themselves never see a clock), a run sums the
//! documents' times, and `DIR/run.json` keeps the sums under `timings`,
//! where `canon report` reads them.
//!
//! Example: a document cleaned in two passes, repair taking 40 µs in the
//! first and 10 µs in the second, adds 50 µs to `repair`; a run of 2,000
//! such documents writes `"timings": {"stages": {"repair": 0.1, …},
//! "dedup": {"repeats": …, "signatures": …, "decision": …}, "jobs": 2,
//! "wall_seconds": …}`.
//!
//! Limits: per-document times are thread time summed over the workers, so
//! with `--jobs N` they add up to at most N times the wall time; the
//! reading, hashing and writing around the stages is not attributed to any
//! stage. Times differ from run to run, which is why they are kept out of
//! the manifest (byte-identical across runs) and in `run.json`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::stages::Stage;

/// Time spent in each stage of [`Stage::ALL`] (corpus-wide dedup apart).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    per_stage: [Duration; Stage::ALL.len()],
    /// Computing dedup signatures and boilerplate candidates of cleaned texts.
    pub signatures: Duration,
}

impl StageTimes {
    /// Runs `f`, adding the time it took to `stage`.
    pub fn time<T>(&mut self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.per_stage[stage as usize] += start.elapsed();
        out
    }

    /// Time spent in `stage`.
    pub fn get(&self, stage: Stage) -> Duration {
        self.per_stage[stage as usize]
    }

    /// Adds another document's times.
    pub fn add(&mut self, other: &StageTimes) {
        for (mine, theirs) in self.per_stage.iter_mut().zip(other.per_stage) {
            *mine += theirs;
        }
        self.signatures += other.signatures;
    }
}

/// The `timings` part of `run.json`, in seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Per stage, summed over documents, passes and worker threads; `dedup`
    /// includes the corpus-wide parts below.
    pub stages: BTreeMap<String, f64>,
    /// Where dedup's time went.
    pub dedup: DedupTimings,
    /// Worker threads of the run.
    pub jobs: usize,
    /// The whole run, start to end, on the clock.
    pub wall_seconds: f64,
}

/// Dedup's parts: within-document repeats (a per-document stage), the
/// signatures of every cleaned text, and the corpus-wide decision
/// (duplicates and boilerplate, on one thread).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DedupTimings {
    pub repeats: f64,
    pub signatures: f64,
    pub decision: f64,
}

/// Seconds are kept to the microsecond: finer is noise from the clock.
fn seconds(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e6
}

impl Timings {
    /// The record of a run: summed per-document `times`, the corpus-wide
    /// dedup `decision`, the worker count and the run's wall time.
    pub fn new(times: &StageTimes, decision: Duration, jobs: usize, wall: Duration) -> Timings {
        let mut stages: BTreeMap<String, f64> = Stage::ALL
            .iter()
            .map(|&s| (s.name().to_string(), seconds(times.get(s))))
            .collect();
        let dedup = DedupTimings {
            repeats: seconds(times.get(Stage::Dedup)),
            signatures: seconds(times.signatures),
            decision: seconds(decision),
        };
        stages.insert(
            Stage::Dedup.name().into(),
            seconds(times.get(Stage::Dedup) + times.signatures + decision),
        );
        Timings {
            stages,
            dedup,
            jobs,
            wall_seconds: seconds(wall),
        }
    }

    /// Seconds per stage in pipeline order (0 for a stage not recorded).
    pub fn in_order(&self) -> Vec<(Stage, f64)> {
        Stage::ALL
            .iter()
            .map(|&s| (s, self.stages.get(s.name()).copied().unwrap_or(0.0)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_add_up_per_stage_and_dedup_holds_its_parts() {
        let mut doc = StageTimes::default();
        let out = doc.time(Stage::Repair, || {
            std::thread::sleep(Duration::from_millis(2));
            7
        });
        assert_eq!(out, 7);
        assert!(doc.get(Stage::Repair) >= Duration::from_millis(2));
        assert_eq!(doc.get(Stage::Layout), Duration::ZERO);
        doc.signatures = Duration::from_millis(3);
        let mut run = StageTimes::default();
        run.add(&doc);
        run.add(&doc);
        assert_eq!(run.get(Stage::Repair), doc.get(Stage::Repair) * 2);

        let t = Timings::new(&run, Duration::from_millis(5), 2, Duration::from_secs(1));
        assert_eq!(t.stages.len(), Stage::ALL.len());
        assert_eq!(t.dedup.signatures, 0.006);
        assert_eq!(t.dedup.decision, 0.005);
        assert_eq!(t.stages["dedup"], 0.011);
        assert_eq!(t.in_order()[0].0, Stage::Decode);
        assert_eq!(t.in_order()[1].1, t.stages["repair"]);
    }
}

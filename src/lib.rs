//! # canon
//!
//! Turns directories of raw text documents into a clean, canonical UTF-8
//! corpus, with a manifest saying what happened to every input.
//!
//! The pipeline is a sequence of stages, one module each under [`stages`]:
//! `decode` → `repair` → `normalize` → `convert` → `layout` → `dedup`.
//! Per-document stages are pure functions (text in, text out, a typed report
//! of what changed) and run in parallel; `dedup` runs once over the corpus.
//! Output is deterministic: the same inputs give the same bytes, whatever
//! the thread count or the order files were found in.
//!
//! Library use, for one document:
//!
//! ```
//! use canon::pipeline::{clean_bytes, Options, Outcome};
//!
//! let (gbk, _, _) = encoding_rs::GBK.encode("网络安全和信息化是事关国家安全和国家发展的重大战略问题。\r\n");
//! match clean_bytes(&gbk, &Options::default()) {
//!     Outcome::Text(cleaned) => {
//!         assert_eq!(cleaned.text, "网络安全和信息化是事关国家安全和国家发展的重大战略问题。\n");
//!         assert_eq!(cleaned.decode.encoding, "GBK");
//!     }
//!     Outcome::Binary(kind) => panic!("not text: {kind}"),
//! }
//! ```

pub mod cli;
pub mod clusters;
pub mod commands;
pub mod config;
pub mod console;
pub mod corpus;
pub mod error;
pub mod fix;
pub mod manifest;
pub mod pipeline;
pub mod records;
pub mod report;
pub mod run_record;
pub mod stages;
pub mod tables;
pub mod timings;
pub mod walk;

pub use error::{Error, Result};

//! The `canon` binary: parse the command line, run, map the result to an
//! exit code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

/// Buffers at least this large get their own mapping, returned to the
/// system when freed. Setting it also turns off glibc's moving threshold,
/// which rises to the size of each large buffer freed (up to 32 MB) so
/// that later buffers of megabytes come from the heap, whose holes then
/// grow with the input: a 2 GB Parquet shard, whose batches are arrow
/// buffers of tens of megabytes, peaked at 362 MB where a 26 MB one
/// peaked at 177 MB (docs/RECORDS.md). One megabyte is far above the
/// stages' per-document allocations, so only batch-sized buffers pay for
/// a fresh mapping.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 1024 * 1024;

fn main() -> ExitCode {
    // SAFETY: called before any other thread exists; `mallopt` only
    // changes a malloc parameter.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
    let cli = canon::cli::Cli::parse();
    match canon::commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        // `canon … | head` closing the pipe early is not a failure.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e @ canon::Error::Interrupted) => {
            eprintln!("canon: {e}");
            ExitCode::from(canon::commands::EXIT_INTERRUPTED)
        }
        Err(e) => {
            eprintln!("canon: {e}");
            ExitCode::from(canon::commands::EXIT_FAILED)
        }
    }
}

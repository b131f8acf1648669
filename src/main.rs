//! The `canon` binary: parse the command line, run, map the result to an
//! exit code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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

//! Errors that stop a command: I/O on the output side and bad configuration.
//! Problems with one input document are not errors: they are recorded in its
//! manifest entry and the run goes on.

use std::io;
use std::path::PathBuf;

/// An error that ends a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing `path` failed.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// The command line or configuration is not usable.
    #[error("{0}")]
    Config(String),
    /// A signal asked the run to stop; its work directory is kept.
    #[error("interrupted; run the same command with --resume to continue")]
    Interrupted,
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// True for a write to a closed pipe (`canon … | head`), which ends the
    /// command quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

//! clanscope: a read-only hex inspector for Lotus cc:Mail post office files and the files of the
//! Microsoft Exchange Connector for cc:Mail. The library holds everything but argument parsing:
//! byte sources, DEBUG-style addressing, the shared dump formatter and parser, the detection
//! engine, exports and the terminal inspector.

pub mod address;
pub mod commands;
pub mod demo;
pub mod detect;
pub mod dump;
pub mod export;
pub mod notes;
pub mod sanitize;
pub mod source;
pub mod tui;

use std::fmt;

/// The one error type of the crate: a single line that names what failed and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    /// An error about a path: `PATH: cause`, with the path sanitized for the terminal.
    pub fn at(path: impl AsRef<std::path::Path>, cause: impl fmt::Display) -> Error {
        Error(format!("{}: {}", sanitize::path(path.as_ref()), cause))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(s: String) -> Error {
        Error(s)
    }
}

/// Describes an I/O error without the "(os error N)" noise, lower-case, as one clause.
pub fn io_cause(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "is a directory".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s.to_lowercase(),
            }
        }
    }
}

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

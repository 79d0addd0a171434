//! The one error type of the crate. Each variant is a kind callers can match on; `Display`
//! gives the one-line message (`PATH: cause`) that the command line prints after `clanscope: `,
//! and [`Error::kind`] names the kind for JSON error entries. Every text in an error that came
//! from a user or a file is sanitized when the error is made.

use crate::sanitize;
use std::path::Path;

/// What went wrong, by kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Reading or opening a file or folder failed.
    #[error("{path}: {cause}")]
    Io { path: String, cause: String },
    /// An address, origin, count or range that does not parse or lies outside the file.
    #[error("{0}")]
    Address(String),
    /// A signature file that cannot be used.
    #[error("{file}: line {line}: {message}")]
    Signatures {
        file: String,
        line: usize,
        message: String,
    },
    /// An output that clanscope refuses to write (evidence, an input, a terminal).
    #[error("{path}: {reason}")]
    RefusedOutput { path: String, reason: String },
    /// An option value outside its valid range.
    #[error("{0}")]
    Usage(String),
    /// A notes sidecar that cannot be read or saved.
    #[error("{path}: {message}")]
    Notes { path: String, message: String },
    /// Dump text that gives no bytes, or warnings under `--strict`.
    #[error("{path}: {message}")]
    Undump { path: String, message: String },
    /// The file became shorter than the part being read: `len` is the size it shrank to, or
    /// where a read found its end (it ended there or before, at that moment) when the file has
    /// more (`size`, by fstat, now: it grew back).
    #[error("{path}: {}", shrank_said(*len, *size))]
    Shrank { path: String, len: u64, size: u64 },
    /// A scanned file became shorter while it was scanned: its report holds what lies in its
    /// first `len` bytes (a read found the end there or before); `past_end` findings beyond
    /// them were left out.
    #[error("{path}: the file shrank to {len} bytes or fewer while open; scanned that much{}", past_end_said(*past_end))]
    ShrankWhileScanned {
        path: String,
        len: u64,
        past_end: u64,
    },
    /// The terminal could not be set up or drawn to.
    #[error("terminal: {0}")]
    Terminal(String),
    /// Any other problem with a named file (its content, its size, its type).
    #[error("{path}: {message}")]
    File { path: String, message: String },
}

impl Error {
    /// An I/O error on `path`, worded as one lower-case clause.
    pub fn io(path: impl AsRef<Path>, e: &std::io::Error) -> Error {
        Error::Io {
            path: sanitize::path(path.as_ref()),
            cause: io_cause(e),
        }
    }

    /// Another problem with a named file.
    pub fn file(path: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error::File {
            path: sanitize::path(path.as_ref()),
            message: sanitize::composed(&message.into()).into_owned(),
        }
    }

    /// A refused output path.
    pub fn refused(path: impl AsRef<Path>, reason: impl Into<String>) -> Error {
        Error::RefusedOutput {
            path: sanitize::path(path.as_ref()),
            reason: reason.into(),
        }
    }

    /// The same error with the file it concerns named in front (address errors about a file).
    pub fn in_file(self, path: impl AsRef<Path>) -> Error {
        match self {
            Error::Address(m) => Error::Address(format!("{}: {m}", sanitize::path(path.as_ref()))),
            Error::Usage(m) => Error::Usage(format!("{}: {m}", sanitize::path(path.as_ref()))),
            other => other,
        }
    }

    /// The kind's name, as JSON error entries carry it.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Address(_) => "address",
            Error::Signatures { .. } => "signatures",
            Error::RefusedOutput { .. } => "refused-output",
            Error::Usage(_) => "usage",
            Error::Notes { .. } => "notes",
            Error::Undump { .. } => "undump",
            Error::Shrank { .. } | Error::ShrankWhileScanned { .. } => "shrank",
            Error::Terminal(_) => "terminal",
            Error::File { .. } => "file",
        }
    }

    /// True for a write to a closed standard output (`| head`): the reader wanted no more,
    /// which is no error.
    pub fn is_closed_output(&self) -> bool {
        matches!(self, Error::Io { path, cause } if path == "standard output" && cause == "broken pipe")
    }

    /// The path the error is about, where it has one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::Io { path, .. }
            | Error::RefusedOutput { path, .. }
            | Error::Notes { path, .. }
            | Error::Undump { path, .. }
            | Error::Shrank { path, .. }
            | Error::ShrankWhileScanned { path, .. }
            | Error::File { path, .. } => Some(path),
            Error::Signatures { file, .. } => Some(file),
            _ => None,
        }
    }
}

/// The findings a file that shrank lost past its new end, as the end of its message.
fn past_end_said(n: u64) -> String {
    match n {
        0 => String::new(),
        1 => "; 1 finding past that end left out".into(),
        n => format!("; {n} findings past that end left out"),
    }
}

/// Describes an I/O error without the "(os error N)" noise, lower-case, as one clause.
pub fn io_cause(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "is a directory".into(),
        BrokenPipe => "broken pipe".into(),
        _ => {
            let s = e.to_string();
            let s = match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s.to_lowercase(),
            };
            sanitize::line(&s).into_owned()
        }
    }
}

/// What [`Error::Shrank`] says: a size the file had, or where a read found its end.
fn shrank_said(len: u64, size: u64) -> String {
    if size <= len {
        format!("the file shrank to {len} bytes while reading")
    } else {
        format!(
            "the file shrank while reading: a read at offset {len} found its end there or \
             before (it has {size} bytes now); what was read from there is not the file's"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_line_and_kinds_match() {
        let e = Error::io(
            "/x/a\nb",
            &std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        assert_eq!(e.to_string(), "/x/a\\nb: no such file or directory");
        assert_eq!(e.kind(), "io");
        let e = Error::Address("bad".into()).in_file("f");
        assert_eq!(e.to_string(), "f: bad");
        assert_eq!(e.kind(), "address");
    }
}

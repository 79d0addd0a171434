//! Standard output for the commands: a closed pipe (`| head`) ends a command quietly.

use crate::Error;
use std::io::Write;

/// Maps a write result: a broken pipe is not an error.
pub(crate) fn result(r: std::io::Result<()>) -> Result<(), Error> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("standard output", &e)),
        Ok(()) => Ok(()),
    }
}

/// Prints `clanscope: MESSAGE` on standard error; a closed standard error is ignored.
pub(crate) fn message(text: &str) {
    let _ = writeln!(std::io::stderr(), "clanscope: {text}");
}

/// Writes all of `bytes` to standard output.
pub(crate) fn write(bytes: &[u8]) -> Result<(), Error> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    result(lock.write_all(bytes).and_then(|()| lock.flush()))
}

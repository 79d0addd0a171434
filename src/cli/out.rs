//! Standard output for the commands: a closed pipe (`| head`) ends a command quietly.

use crate::source::patient::Patient;
use crate::Error;
use std::io::Write;

/// Standard output, locked; a write that would block (a descriptor another program left
/// non-blocking) waits instead of failing.
pub(crate) fn stdout() -> Patient<std::io::StdoutLock<'static>> {
    Patient(std::io::stdout().lock())
}

/// Standard input, locked; a read that would block waits instead of failing.
pub(crate) fn stdin() -> Patient<std::io::StdinLock<'static>> {
    Patient(std::io::stdin().lock())
}

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
    let mut lock = stdout();
    result(lock.write_all(bytes).and_then(|()| lock.flush()))
}

//! Writing outputs (exports, undumped bytes, notes) without ever touching evidence: an output
//! must not be any input of the run.

use crate::Error;
use std::path::Path;

/// Refuses `out` when it is one of `inputs`.
pub fn refuse_inputs(out: &Path, inputs: &[&Path]) -> Result<(), Error> {
    let Ok(a) = std::fs::canonicalize(out) else {
        return Ok(());
    };
    for input in inputs {
        if std::fs::canonicalize(input).is_ok_and(|b| a == b) {
            return Err(Error::refused(
                out,
                "is the examined file; clanscope never writes to it",
            ));
        }
    }
    Ok(())
}

/// Writes `bytes` to `out`, which must not be any of `inputs`.
pub fn write(out: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<(), Error> {
    refuse_inputs(out, inputs)?;
    std::fs::write(out, bytes).map_err(|e| Error::io(out, &e))
}

//! One module per command.

pub(crate) mod compare;
pub(crate) mod completions;
pub(crate) mod dump;
pub(crate) mod export;
pub(crate) mod scan;
pub(crate) mod undump;
pub(crate) mod view;

/// `--length` as given, beside the range it resolved to (`s..e`): 0 is refused, and a length
/// that runs past the end of the file is said with the range it gives. `(verb, done)`: what
/// the command does with the range (`("export", "exported")`).
pub(crate) fn said_length(
    length: &str,
    (s, e): (u64, u64),
    origin: crate::address::Origin,
    (verb, done): (&str, &str),
) -> Result<(), crate::Error> {
    use crate::address;
    let asked = address::parse_count(length)?;
    if asked == 0 {
        return Err(crate::Error::Usage(format!(
            "--length 0: a range to {verb} holds at least one byte"
        )));
    }
    if asked > e - s {
        super::out::message(&format!(
            "--length {} runs past the end of the file: the range {done} is {} ({} to {})",
            crate::sanitize::line(length),
            address::bytes(e - s),
            origin.address(s),
            origin.address(e - 1)
        ));
    }
    Ok(())
}

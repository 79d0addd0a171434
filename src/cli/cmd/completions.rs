//! `clanscope completions SHELL`.

use crate::cli::{args, out};
use crate::Error;

pub(crate) fn run(shell: clap_complete::Shell) -> Result<u8, Error> {
    let mut text = Vec::new();
    clap_complete::generate(shell, &mut args::command(), "clanscope", &mut text);
    out::write(&text)?;
    Ok(0)
}

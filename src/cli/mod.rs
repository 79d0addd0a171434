//! The command-line front end: clap's argument structures, their conversion into library types,
//! and dispatch to one module per command (`cmd/`). Commands own standard output, standard
//! error and progress bars; the library below never sees a flag.

mod args;
mod cmd;
mod out;

use crate::address::Origin;
use crate::detect::{signatures::SignatureSet, Engine};
use crate::Error;
use args::{Cli, Sub};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

pub use args::command as clap_command;

/// Parses the arguments, runs the command, prints an error as one line, and gives the exit
/// code: 0 ok (or nothing found), 1 found (scan), 2 an error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let interactive = matches!(cli.command, None | Some(Sub::View(_)));
    let result = match cli.command {
        None => cmd::view::run(cli.view),
        Some(Sub::View(v)) => cmd::view::run(v),
        Some(Sub::Dump(a)) => cmd::dump::run(a),
        Some(Sub::Undump(a)) => cmd::undump::run(a),
        Some(Sub::Scan(a)) => cmd::scan::run(a),
        Some(Sub::Export(a)) => cmd::export::run(a),
        Some(Sub::Completions { shell }) => cmd::completions::run(shell),
    };
    let mut code = match &result {
        Ok(code) => *code,
        Err(e) if e.is_closed_output() => 0,
        Err(e) => {
            out::message(&e.to_string());
            2
        }
    };
    // Every file that shrank while it was read, reported once, even by a command that did not
    // look: what was read past the new end was zeros, not the file's bytes.
    for e in shrunk(&result) {
        out::message(&e.to_string());
        if !interactive {
            code = 2;
        }
    }
    ExitCode::from(code)
}

/// The files that shrank while read, less the one the command's own error already named.
fn shrunk(result: &Result<u8, Error>) -> Vec<Error> {
    let mut seen: Vec<Error> = result.as_ref().err().into_iter().cloned().collect();
    let mut out = Vec::new();
    for (path, len) in crate::source::fault::take() {
        let e = Error::Shrank { path, len };
        if !seen.contains(&e) {
            seen.push(e.clone());
            out.push(e);
        }
    }
    out
}

/// `--origin`, or 0000:0000.
fn origin(o: &Option<String>) -> Result<Origin, Error> {
    match o {
        Some(s) => Origin::parse(s),
        None => Ok(Origin::ZERO),
    }
}

/// The engine with `--signatures`, or the built-in set.
fn engine(signatures: &Option<PathBuf>) -> Result<Engine, Error> {
    match signatures {
        Some(p) => Ok(Engine::new(SignatureSet::load(p)?)),
        None => Ok(Engine::default()),
    }
}

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
    let result = match cli.command {
        None => cmd::view::run(cli.view),
        Some(Sub::View(v)) => cmd::view::run(v),
        Some(Sub::Dump(a)) => cmd::dump::run(a),
        Some(Sub::Undump(a)) => cmd::undump::run(a),
        Some(Sub::Scan(a)) => cmd::scan::run(a),
        Some(Sub::Export(a)) => cmd::export::run(a),
        Some(Sub::Compare(a)) => cmd::compare::run(a),
        Some(Sub::Completions { shell }) => cmd::completions::run(shell),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("clanscope: {e}");
            ExitCode::from(2)
        }
    }
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

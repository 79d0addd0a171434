//! clanscope: a read-only hex inspector for Lotus cc:Mail post office files and the files of the
//! Microsoft Exchange Connector for cc:Mail.
//!
//! The library, in layers with one direction (each uses only those before it):
//! `error`, `sanitize` and `utc` (times shown, before 1970 too); `address` (DEBUG segment:offset); `source` (read-only bytes, the
//! folder walk, faults past the end of a file that shrank); `detect` (the engine, its sink,
//! batch scanning); `dump` (the formatter, the palette, the undump parser); `output` (writing
//! without touching evidence); `notes` (the sidecar); `report` (scan output and exports);
//! `compare` (evidence against a backup copy), `values` (the value inspector's readings),
//! `settings` (the examiner's settings file). It names no front-end crate. The front ends
//! sit on top: `cli` (clap) and `tui` (ratatui, crossterm); `demo` makes the bundled demo.

pub mod address;
pub mod compare;
pub mod demo;
pub mod detect;
pub mod dump;
pub mod error;
pub mod notes;
pub mod output;
pub mod report;
pub mod sanitize;
pub mod settings;
mod small;
pub mod source;
pub mod utc;
pub mod values;

pub mod cli;
pub mod tui;

pub use error::Error;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

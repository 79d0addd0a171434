//! DEBUG-style dumps: the one formatter every view draws lines through (`format`), and the
//! parser that turns dump text of many kinds back into bytes (`parse`).

pub mod format;
pub mod parse;

pub use format::{ByteClass, LineLayout, Printer, BYTES_PER_LINE};

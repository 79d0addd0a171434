//! DEBUG-style dumps: the one formatter every view draws lines through (`format`), the palette
//! every view colours bytes and overlays with (`palette`), and the parser that turns dump text
//! of many kinds back into bytes (`parse`).

pub mod format;
pub mod palette;
pub mod parse;

pub use format::{LineLayout, Printer, BYTES_PER_LINE};
pub use palette::{ByteClass, Overlay, Rgb};

//! The inspector's one theme: ratatui styles made from the library's palette, so the screen
//! shows the colours of the colour dump and the HTML export.

use crate::dump::{ByteClass, Overlay, Rgb};
use ratatui::style::{Color, Style};

fn color(c: Rgb) -> Color {
    Color::Rgb(c.0, c.1, c.2)
}

/// The foreground of a byte class (the named ANSI colours, as the colour dump uses).
pub fn class_color(c: ByteClass) -> Color {
    match c {
        ByteClass::Null => Color::DarkGray,
        ByteClass::Printable => Color::Cyan,
        ByteClass::Whitespace => Color::Green,
        ByteClass::Control => Color::Magenta,
        ByteClass::HighBit => Color::Yellow,
    }
}

/// The style of an overlay.
pub fn overlay(o: Overlay) -> Style {
    Style::new().fg(color(o.fg())).bg(color(o.bg()))
}

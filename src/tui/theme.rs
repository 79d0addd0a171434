//! The inspector's one theme: ratatui styles made from the library's palette, so the screen
//! shows the colours of the colour dump and the HTML export; the examiner's settings may
//! replace overlay backgrounds.

use crate::dump::{ByteClass, Overlay, Rgb};
use crate::settings::Settings;
use ratatui::style::{Color, Style};
use std::collections::BTreeMap;

fn color(c: Rgb) -> Color {
    Color::Rgb(c.0, c.1, c.2)
}

/// The foreground of a byte class: the palette's RGB, the colour the HTML export uses (and the
/// xterm value of the ANSI colour the colour dump uses).
pub fn class_color(c: ByteClass) -> Color {
    color(c.rgb())
}

/// The style of an overlay in the palette's colours.
pub fn overlay(o: Overlay) -> Style {
    Style::new().fg(color(o.fg())).bg(color(o.bg()))
}

/// The colours in force: the palette with the settings' overlay colours.
#[derive(Clone, Debug, Default)]
pub struct Theme {
    overlays: BTreeMap<Overlay, Rgb>,
}

impl Theme {
    /// The theme for the settings' colours.
    pub fn new(s: &Settings) -> Theme {
        Theme {
            overlays: s.colors.clone(),
        }
    }

    /// The colour of a byte class.
    pub fn class(&self, c: ByteClass) -> Color {
        class_color(c)
    }

    /// The style of an overlay.
    pub fn overlay(&self, o: Overlay) -> Style {
        match self.overlays.get(&o) {
            Some(&bg) => Style::new().fg(color(o.fg())).bg(color(bg)),
            None => overlay(o),
        }
    }
}

/// The glyph of a byte class outside the printable range.
pub fn glyph(c: ByteClass) -> char {
    match c {
        ByteClass::Null => '⋄',
        ByteClass::Whitespace => '_',
        ByteClass::Control => '•',
        ByteClass::HighBit => '×',
        ByteClass::Printable => '.',
    }
}

//! Drawing the scrolled panes (details, legend, value inspector): their lines come from
//! panes.rs, the same lines the state measures to stop scrolling at the end; the border says
//! how much lies above and below.

use crate::tui::panes;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// What scrolls a pane, as its border names it (only keys that do scroll it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScrollKeys {
    /// J/K and the mouse wheel.
    JkOrWheel,
    /// Only the wheel: J/K scroll another pane.
    Wheel,
    /// Nothing scrolls it.
    Nothing,
}

impl ScrollKeys {
    /// The hint for more lines below and above (empty: nothing to name).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            ScrollKeys::JkOrWheel => (": J/K or wheel", ": K"),
            ScrollKeys::Wheel => (": wheel", ": wheel"),
            ScrollKeys::Nothing => ("", ""),
        }
    }
}

/// Draws `lines` in `area` under a top border titled `title`, wrapped at words, scrolled by
/// `scroll` lines (clamped to [`panes::max_scroll`]), saying how much lies above and below and
/// what scrolls it (`keys`).
pub fn scrolled(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    (scroll, keys): (u16, ScrollKeys),
) {
    let max = panes::max_scroll(&lines, area);
    let scroll = scroll.min(max);
    let below = max - scroll;
    let (down, up) = keys.names();
    let hint = match (scroll > 0, below > 0) {
        (_, true) => format!(" ↓ {below} more line(s){down} "),
        (true, false) => format!(" ↑ more above{up} "),
        _ => String::new(),
    };
    let mut block = Block::default()
        .borders(Borders::TOP)
        .title(format!(" {} ", fitted_title(title, &hint, area.width)));
    if !hint.is_empty() {
        block = block.title_top(Line::from(hint).right_aligned());
    }
    let p = Paragraph::new(lines)
        .block(block)
        .scroll((scroll, 0))
        .wrap(Wrap { trim: false });
    frame.render_widget(p, area);
}

/// The title, without its parenthesised aside (`values (i closes)`) when it and the hint do
/// not both fit in `width` columns, so the name is never cut mid-word.
fn fitted_title<'a>(title: &'a str, hint: &str, width: u16) -> &'a str {
    let needs = title.chars().count() + 2 + hint.chars().count();
    match title.split_once(" (") {
        Some((name, _)) if needs > width as usize => name,
        _ => title,
    }
}

//! Drawing the scrolled panes (details, legend, value inspector): their lines come from
//! panes.rs, the same lines the state measures to stop scrolling at the end; the border says
//! how much lies above and below.

use crate::tui::panes;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Draws `lines` in `area` under a top border titled `title`, wrapped at words, scrolled by
/// `scroll` lines (clamped to [`panes::max_scroll`]), saying how much lies above and below.
pub fn scrolled(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    scroll: u16,
) {
    let max = panes::max_scroll(&lines, area);
    let scroll = scroll.min(max);
    let mut block = Block::default()
        .borders(Borders::TOP)
        .title(format!(" {title} "));
    if max > 0 {
        let below = max - scroll;
        let hint = match (scroll > 0, below > 0) {
            (_, true) => format!(" ↓ {below} more line(s): J/K or wheel "),
            (true, false) => " ↑ more above: K ".to_string(),
            _ => String::new(),
        };
        block = block.title_top(Line::from(hint).right_aligned());
    }
    let p = Paragraph::new(lines)
        .block(block)
        .scroll((scroll, 0))
        .wrap(Wrap { trim: false });
    frame.render_widget(p, area);
}

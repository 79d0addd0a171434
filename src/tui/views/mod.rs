//! Drawing: `render` is a pure function of [`App`] (it reads the state and draws; it changes
//! nothing). Each view draws one area that layout.rs gives: the dump, the minimap, the details,
//! the value inspector, a list, the legend, the title and status lines, and the help overlay.

pub mod bars;
pub mod details;
pub mod dump;
pub mod lists;

use super::app::App;
use super::command::Mode;
use super::layout::{MIN_HEIGHT, MIN_WIDTH};
use super::panes;
use super::theme::Theme;
use details::ScrollKeys;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Draws the whole screen for `app`.
pub fn render(app: &App, frame: &mut Frame) {
    let size = frame.area();
    let a = app.view().areas(app.panes());
    if a.too_small {
        let msg = format!("terminal too small: clanscope needs {MIN_WIDTH}x{MIN_HEIGHT}, this one is {}x{}. Enlarge it, or press q to quit.", size.width, size.height);
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), size);
        return;
    }
    let theme = Theme::new(app.settings());
    bars::title(app, frame, a.title);
    let v = app.view();
    let rows = a.dump.height as u64;
    let (view_start, view_end) = v.shown(rows);
    let marks = dump::Marks::gather(app, view_start, view_end.max(view_start + 1));
    let geo = v.geometry();
    let mut lines = Vec::with_capacity(rows as usize);
    for li in (v.top()..v.top() + rows).take_while(|&l| l < v.line_count()) {
        lines.push(dump::line(app, li, geo, &marks, &theme));
    }
    if v.size() == 0 {
        lines.push(Line::from(format!(" {}", app.src().empty_said())));
    }
    frame.render_widget(Paragraph::new(lines), a.dump);
    bars::minimap(app, frame, a.minimap, view_start, view_end);
    // J/K scroll the values or the details; the wheel scrolls either; the legend stays.
    let (jk, wheel) = (ScrollKeys::JkOrWheel, ScrollKeys::Wheel);
    let (details_keys, values_keys) = if app.keys_scroll_values() {
        (wheel, jk)
    } else {
        (jk, wheel)
    };
    if a.details.width > 0 {
        let scroll = (app.display().details_scroll, details_keys);
        details::scrolled(frame, a.details, "details", app.details_lines(), scroll);
    }
    if a.legend.width > 0 {
        let lines = panes::legend_lines(&app.pane_source(), a.legend.width as usize);
        details::scrolled(frame, a.legend, "legend", lines, (0, ScrollKeys::Nothing));
    }
    if a.values.width > 0 {
        let scroll = (app.display().values_scroll, values_keys);
        let lines = panes::values_lines(&app.pane_source());
        details::scrolled(frame, a.values, "values (i closes)", lines, scroll);
    }
    if let (true, Mode::List(kind, sel)) = (a.list.width > 0, app.mode()) {
        lists::list(app, frame, a.list, *kind, *sel);
    }
    bars::status(app, frame, a.status);
    if let Mode::Help(scroll) = app.mode() {
        bars::help(app, frame, size, *scroll);
    }
}

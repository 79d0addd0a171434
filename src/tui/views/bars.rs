//! The title bar, the status lines, the minimap column and the help overlay.

use crate::sanitize;
use crate::tui::app::{App, Severity};
use crate::tui::command::Mode;
use crate::tui::keys::HELP;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, LineGauge, Paragraph};
use ratatui::Frame;

/// The counts every view shows the same way: `H damaged header(s), F finding(s) (+W weaker)`.
pub fn counts(app: &App, short: bool) -> String {
    let idx = app.index();
    let (strong, weak) = idx.counts();
    let h = idx.headers().len();
    let dropped = if idx.dropped() > 0 {
        format!(" (+{} not kept)", idx.dropped())
    } else {
        String::new()
    };
    if short {
        format!("{h} hdr, {strong}+{weak} found{dropped}")
    } else {
        format!("{h} damaged header(s), {strong} finding(s) (+{weak} weaker){dropped}")
    }
}

/// Draws the title bar: file, size, kind, origin, counts, and the scan gauge.
pub fn title(app: &App, frame: &mut Frame, area: Rect) {
    let kind = app.index().kind().map(|k| k.name()).unwrap_or("…");
    let v = app.view();
    let vs = app
        .comparison()
        .map(|c| {
            format!(
                " │ vs {}: {} diff range(s)",
                c.other().name(),
                c.diff().ranges.len()
            )
        })
        .unwrap_or_default();
    let wide = format!(
        " clanscope │ {} │ {} │ {kind} │ origin {} │ {}{vs} ",
        app.src().name(),
        crate::address::bytes(v.size()),
        v.origin(),
        counts(app, false)
    );
    let done = app.index().done();
    let reserve = if done { 0 } else { 26 };
    let left = if wide.chars().count() + reserve <= area.width as usize {
        wide
    } else {
        // The name is sanitized already; narrow terminals get its last component only, and a
        // long one keeps its end (the extension) and leaves room for the rest.
        let name = app.src().name().rsplit('/').next().unwrap_or("");
        let vs = app
            .comparison()
            .map(|c| format!(" │ {} diff", c.diff().ranges.len()))
            .unwrap_or_default();
        let rest = format!(
            " │ {} B │ {kind} │ {} │ {}{vs} ",
            v.size(),
            v.origin(),
            counts(app, true)
        );
        let room = (area.width as usize).saturating_sub(rest.chars().count() + reserve + 1);
        let name = if unicode_width::UnicodeWidthStr::width(name) > room {
            sanitize::fit_tail(name, room.max(8))
        } else {
            name.to_string()
        };
        format!(" {name}{rest}")
    };
    let style = Style::new().fg(Color::Black).bg(Color::Gray);
    let used = left.chars().count() as u16;
    frame.render_widget(Paragraph::new(left).style(style), area);
    let room = area.width.saturating_sub(used);
    if !done && room >= 12 {
        let w = 24u16.min(room);
        let g = Rect::new(area.x + area.width - w, area.y, w, 1);
        let (d, total) = app.progress();
        let ratio = if total == 0 {
            1.0
        } else {
            (d as f64 / total as f64).clamp(0.0, 1.0)
        };
        frame.render_widget(
            LineGauge::default()
                .ratio(ratio)
                .label(format!("scan {:>3}%", (ratio * 100.0) as u32))
                .filled_style(Style::new().fg(Color::Red))
                .style(style),
            g,
        );
    }
}

/// Draws the map column: where the findings are in the whole file and where the view is.
pub fn minimap(app: &App, frame: &mut Frame, area: Rect, view_start: u64, view_end: u64) {
    let h = area.height;
    let size = app.view().size();
    if h == 0 || size == 0 {
        return;
    }
    let v = app.view();
    let mut lines = Vec::with_capacity(h as usize);
    for r in 0..h {
        let a = app.minimap_offset(r, h);
        let b = if v.line_count() <= h as u64 {
            if r as u64 >= v.line_count() {
                lines.push(Line::from(" "));
                continue;
            }
            v.line_range(r as u64).1
        } else {
            app.minimap_offset(r + 1, h).max(a + 1)
        };
        let in_view = a < view_end && b > view_start;
        let mark = map_mark(app, a, b);
        let bg = if in_view {
            Color::Gray
        } else {
            Color::DarkGray
        };
        let span = match mark {
            Some(true) => Span::styled("■", Style::new().fg(Color::LightRed).bg(bg)),
            Some(false) => Span::styled("·", Style::new().fg(Color::LightBlue).bg(bg)),
            None => Span::styled(" ", Style::new().bg(bg)),
        };
        lines.push(Line::from(span));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// What a map row covering `[a, b)` shows: Some(true) for a suspected console write, Some(false)
/// for another visible finding. Looks at a bounded number of findings, by binary search.
fn map_mark(app: &App, a: u64, b: u64) -> Option<bool> {
    let idx = app.index();
    let f = idx.findings();
    let lo = f.partition_point(|x| x.start < a);
    let hi = f.partition_point(|x| x.start < b);
    let mut mark = None;
    let starting = f[lo..hi.min(lo + 512)].iter();
    let covering = idx.in_range(a, a + 1).into_iter().map(|i| &f[i]);
    for x in starting.chain(covering) {
        if x.suspected() && x.kind == crate::detect::FindingKind::ConsoleWrite {
            return Some(true);
        }
        if idx.visible(x) {
            mark = Some(false);
        }
    }
    mark
}

fn cursor_info(app: &App) -> String {
    let v = app.view();
    if v.size() == 0 {
        return "empty file".to_string();
    }
    let c = v.cursor();
    let b = app.data()[c as usize];
    let ch = if (0x20..0x7F).contains(&b) {
        format!("'{}'", b as char)
    } else {
        "'.'".to_string()
    };
    let sel = app.selection().map(|(a, b)| b - a).unwrap_or(0);
    // The address as wide as the dump's, so the cursor's reads like the line it is on.
    format!(
        "{}  {:X}h ({})  byte {:02X}h {} {}  sel {}",
        v.addr(c),
        c,
        c,
        b,
        b,
        ch,
        sel
    )
}

fn prompt_line(app: &App, width: usize) -> Option<Line<'static>> {
    Some(match app.mode() {
        Mode::Prompt(p) => {
            let text = sanitize::line(p.text()).into_owned();
            let at = p.cursor().min(text.chars().count());
            let (a, b): (String, String) = (
                text.chars().take(at).collect(),
                text.chars().skip(at).collect(),
            );
            let mut b = b.chars();
            let under = b.next().map(String::from).unwrap_or(" ".into());
            let label = p.kind.label();
            let (a, b) = scrolled(&a, &under, b.as_str(), width.saturating_sub(label.len()));
            Line::from(vec![
                Span::styled(label, Style::new().fg(Color::Yellow)),
                Span::raw(a),
                Span::styled(under, Style::new().add_modifier(Modifier::REVERSED)),
                Span::raw(b),
            ])
        }
        Mode::SetMark => Line::from("bookmark: press a letter to set it here (Esc cancels)"),
        Mode::JumpMark => Line::from(
            "bookmark: press its letter to jump to it, ' for the last jump (Esc cancels)",
        ),
        Mode::CopyAs => Line::from(
            "copy as: h hex, d DEBUG lines, c C array, r raw bytes (to a file in the case folder)",
        ),
        _ => return None,
    })
}

/// The text before and after the cursor's cell `under`, cut to fit `room` columns with the
/// cursor in view: text typed past the right edge scrolls the start away (`…` where text is
/// left out), as a shell's line editor does.
fn scrolled(before: &str, under: &str, after: &str, room: usize) -> (String, String) {
    use unicode_width::UnicodeWidthStr;
    let left = room.saturating_sub(under.width());
    let (before, left) = if before.width() > left {
        (sanitize::fit_tail(before, left), 0)
    } else {
        (before.to_string(), left - before.width())
    };
    let after = if after.width() > left {
        sanitize::fit(after, left)
    } else {
        after.to_string()
    };
    (before, after)
}

/// Draws the two status lines.
pub fn status(app: &App, frame: &mut Frame, area: Rect) {
    let hint = if area.width >= 110 {
        "   n/N header  ]/[ finding  : goto  / search  i values  ? help  q quit"
    } else {
        "  ? help  q quit"
    };
    let info = cursor_info(app);
    let room = (area.width as usize).saturating_sub(info.chars().count());
    let hint = if hint.chars().count() <= room {
        hint
    } else {
        ""
    };
    let first = match app.mode() {
        // A character the prompt did not take is said where the cursor's place was.
        Mode::Prompt(p) if p.refused().is_some() => Line::from(Span::styled(
            sanitize::composed(p.refused().unwrap_or_default()).into_owned(),
            Style::new().fg(Color::LightRed),
        )),
        _ => Line::from(vec![
            Span::styled(info, Style::new().add_modifier(Modifier::BOLD)),
            Span::styled(hint, Style::new().fg(Color::Gray)),
        ]),
    };
    // A message wider than the line ends in `…`: cut, it must not read as whole (a path).
    let said = |s: &str| {
        let s = sanitize::composed(s);
        let w = area.width as usize;
        if unicode_width::UnicodeWidthStr::width(s.as_ref()) > w {
            sanitize::fit(&s, w)
        } else {
            s.into_owned()
        }
    };
    let second = prompt_line(app, area.width as usize).unwrap_or_else(|| match app.status() {
        Some((s, Severity::Error)) => {
            Line::from(Span::styled(said(s), Style::new().fg(Color::LightRed)))
        }
        Some((s, Severity::Info)) => Line::from(said(s)),
        Some((s, Severity::Notice)) => {
            Line::from(Span::styled(said(s), Style::new().fg(Color::LightYellow)))
        }
        None => Line::from(""),
    });
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}

/// Draws the help overlay, scrolled.
pub fn help(app: &App, frame: &mut Frame, size: Rect, scroll: u16) {
    let (r, max) = crate::tui::layout::help_area(size, crate::tui::layout::help_lines());
    let mut lines: Vec<Line> = HELP
        .iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(format!(" {k:<16}"), Style::new().fg(Color::Yellow)),
                Span::raw(*v),
            ])
        })
        .collect();
    lines.push(Line::from(
        " Esc or ? closes this help. Examined files are opened read-only.",
    ));
    // Where notes and exports go, its end kept when the box is too narrow for it.
    let said = " Notes and exports go to ";
    let room = usize::from(r.width.saturating_sub(2)).saturating_sub(said.len());
    let folder = sanitize::path(app.notes.out_dir());
    lines.push(Line::from(vec![
        Span::raw(said),
        Span::styled(
            sanitize::fit_tail(&folder, room),
            Style::new().fg(Color::Yellow),
        ),
    ]));
    let scroll = scroll.min(max);
    let more = if max > scroll {
        format!(" ↓ {} more: arrows scroll ", max - scroll)
    } else {
        String::new()
    };
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" clanscope keys ")
                .title_bottom(Line::from(more).right_aligned()),
        ),
        r,
    );
}

//! The details pane (the finding, header or .CCM message under the cursor, what the compared
//! file holds there, the notes), the value inspector pane and the legend. Panes that hold more
//! than fits scroll (J/K, the wheel) and say how much is below.

use crate::detect::{ccm::Message, DamagedHeader, Finding, FindingKind};
use crate::dump::{ByteClass, Overlay};
use crate::sanitize;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::values;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

fn bold(s: String) -> Span<'static> {
    Span::styled(s, Style::new().add_modifier(Modifier::BOLD))
}

/// A .CCM message's header fields and anomalies.
fn message_lines(m: &Message, label: &str) -> Vec<Line<'static>> {
    let fields: Vec<String> = m
        .fields
        .iter()
        .map(|(k, v)| format!("{}: {}", sanitize::line(k), sanitize::line(v)))
        .collect();
    let mut lines = vec![Line::from(format!(
        "message {}{label}: {}",
        m.index + 1,
        fields.join("; ")
    ))];
    lines.extend(
        m.anomalies
            .iter()
            .map(|an| Line::from(format!("anomaly: {}", sanitize::line(an)))),
    );
    lines
}

fn finding_lines(app: &App, f: &Finding) -> Vec<Line<'static>> {
    let o = app.view().origin();
    let verdict = match (f.kind, f.suspected()) {
        (FindingKind::ConsoleWrite, true) => "suspected misdirected console write",
        (FindingKind::CcmHeaderAnomaly, _) => "not a header line",
        (FindingKind::PlainText, _) => "text inside binary data",
        _ => "weaker candidate",
    };
    let last = f.end.max(f.start + 1) - 1;
    let mut lines = vec![
        Line::from(vec![
            bold(format!("#{} {} ", f.id, f.kind.name())),
            Span::raw(format!("confidence {:.2} ({verdict})", f.confidence)),
        ]),
        Line::from(format!(
            "{}-{}  linear {:X}h-{:X}h  offsets {}-{}  {} bytes",
            o.address(f.start),
            o.address(last),
            o.address(f.start).linear(),
            o.address(last).linear(),
            f.start,
            last,
            f.len()
        )),
    ];
    let mut names = Vec::new();
    if let Some(m) = &f.mailbox {
        names.push(format!("mailbox {}", sanitize::line(m)));
    }
    if let Some(x) = &f.file {
        names.push(format!("file {}", sanitize::line(x)));
    }
    if !names.is_empty() {
        lines.push(Line::from(names.join("   ")));
    }
    if let Some(h) = f.header.and_then(|id| app.index().header_by_id(id)) {
        lines.push(Line::from(format!(
            "in damaged header H{} ({} write(s)) {}-{}",
            h.id,
            h.writes.len(),
            o.address(h.start),
            o.address(h.end.max(h.start + 1) - 1)
        )));
    }
    lines.push(Line::from(format!(
        "text: \"{}\"",
        sanitize::line(&f.text(app.data()))
    )));
    lines.push(Line::from(format!("why: {}", sanitize::line(&f.why()))));
    if let Some(m) = f
        .message
        .and_then(|m| app.index().messages().get(m as usize))
    {
        lines.extend(message_lines(m, " header"));
    }
    lines
}

fn header_lines(app: &App, h: &DamagedHeader) -> Vec<Line<'static>> {
    let o = app.view().origin();
    let last = h.end.max(h.start + 1) - 1;
    let writes: Vec<String> = h.writes.iter().map(|w| format!("#{w}")).collect();
    let mut lines = vec![
        Line::from(vec![
            bold(format!("H{} damaged header ", h.id)),
            Span::raw(format!("confidence {:.2}", h.confidence)),
        ]),
        Line::from(format!(
            "{}-{}  offsets {}-{}  {} bytes",
            o.address(h.start),
            o.address(last),
            h.start,
            last,
            h.len()
        )),
        Line::from(format!(
            "writes: {}{}",
            if writes.is_empty() {
                "none".into()
            } else {
                writes.join(" ")
            },
            if h.missing_keyword {
                "; its 'Message:' line is missing"
            } else {
                ""
            }
        )),
    ];
    if let Some(m) = h
        .message
        .and_then(|m| app.index().messages().get(m as usize))
    {
        lines.extend(message_lines(m, " header"));
    }
    lines
}

/// What the compared file holds at the cursor's line, and what the write there destroyed.
fn compare_lines(app: &App) -> Vec<Line<'static>> {
    let Some(c) = app.comparison() else {
        return Vec::new();
    };
    let v = app.view();
    let (s, e) = v.line_range(v.line_of(v.cursor()));
    let other = c.other().safe_bytes();
    let theirs = other
        .get(s as usize..(e as usize).min(other.len()))
        .unwrap_or(&[]);
    let hex: Vec<String> = theirs.iter().map(|b| format!("{b:02X}")).collect();
    let differs = if c.diff().differs_at(v.cursor()) {
        "differs here"
    } else {
        "same here"
    };
    let style = Style::new().fg(Color::LightMagenta);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "compared file at {}: {} ({differs})",
            v.origin().line_address(s),
            if hex.is_empty() {
                "(past its end)".to_string()
            } else {
                format!("{}  {}", hex.join(" "), sanitize::bytes_line(theirs))
            }
        ),
        style,
    ))];
    if let Some(f) = app
        .index()
        .shown_at(v.cursor())
        .filter(|f| f.kind == FindingKind::ConsoleWrite)
    {
        if let Some(d) = crate::compare::destroyed_by(f, app.data(), other) {
            let what = if d.same {
                "the compared file holds the same bytes (the write is there too)".to_string()
            } else {
                format!(
                    "this write destroyed: \"{}\"{}",
                    sanitize::bytes_line(&d.backup),
                    if d.missing() > 0 {
                        format!(" (+{} byte(s) past the compared file's end)", d.missing())
                    } else {
                        String::new()
                    }
                )
            };
            lines.push(Line::from(Span::styled(what, style)));
        }
    }
    lines
}

fn note_lines(app: &App) -> Vec<Line<'static>> {
    let o = app.view().origin();
    app.notes()
        .at(app.cursor())
        .map(|n| {
            Line::from(Span::styled(
                format!(
                    "note {}: {}{}",
                    o.address(n.start),
                    sanitize::line(&n.text),
                    n.source
                        .as_deref()
                        .filter(|s| *s != "clanscope")
                        .map(|s| format!(" (from {})", sanitize::line(s)))
                        .unwrap_or_default()
                ),
                Style::new().fg(Color::LightYellow),
            ))
        })
        .collect()
}

/// Everything the details pane holds for the cursor, before scrolling.
pub fn details_lines(app: &App, with_legend: bool, theme: &Theme) -> Vec<Line<'static>> {
    let idx = app.index();
    let c = app.cursor();
    let mut lines = match (idx.shown_at(c), idx.header_at(c)) {
        (Some(f), _) => finding_lines(app, f),
        (None, Some(h)) => header_lines(app, h),
        (None, None) => {
            let mut l = vec![Line::from(
                "No finding at the cursor. n/N: damaged headers  ]/[: findings  f: list",
            )];
            if let Some(m) = idx
                .messages()
                .iter()
                .find(|m| c >= m.header_start && c < m.end)
            {
                l.extend(message_lines(m, ""));
            }
            l
        }
    };
    // In compare mode what the other file holds comes right under the heading and range.
    let at = lines.len().min(2);
    lines.splice(at..at, compare_lines(app));
    lines.extend(note_lines(app));
    if with_legend {
        lines.push(Line::from(""));
        lines.extend(legend_lines(app, theme, 60));
    }
    lines
}

/// The legend: overlays, byte classes (with their glyphs), the gutter marks and the map, in
/// lines no wider than `width`.
pub fn legend_lines(app: &App, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut items: Vec<Vec<Span<'static>>> = Vec::new();
    let mut overlays = vec![
        Overlay::Write,
        Overlay::Weak,
        Overlay::Header,
        Overlay::CcmHeader,
        Overlay::Match,
        Overlay::Select,
    ];
    if app.comparison().is_some() {
        overlays.insert(4, Overlay::Diff);
    }
    for o in overlays {
        items.push(vec![Span::styled(
            format!(" {} ", o.name()),
            theme.overlay(o),
        )]);
    }
    let d = app.display();
    for c in [
        ByteClass::Null,
        ByteClass::Whitespace,
        ByteClass::Control,
        ByteClass::HighBit,
    ] {
        let g = if d.glyphs && !d.cp437 {
            format!("{} ", super::dump::glyph(c))
        } else {
            String::new()
        };
        items.push(vec![Span::styled(
            format!("{g}{}", c.name()),
            Style::new().fg(theme.class(c)),
        )]);
    }
    items.push(vec![
        Span::styled("▶", Style::new().fg(Color::LightRed)),
        Span::raw("hdr "),
        Span::styled("✎", Style::new().fg(Color::LightYellow)),
        Span::raw("note "),
        Span::styled("•", Style::new().fg(Color::LightBlue)),
        Span::raw("mark"),
    ]);
    items.push(vec![
        Span::raw("map: "),
        Span::styled("■", Style::new().fg(Color::LightRed)),
        Span::raw(" write "),
        Span::styled("·", Style::new().fg(Color::LightBlue)),
        Span::raw(" other, grey = in view"),
    ]);
    flow(items, width)
}

/// Lays items out in lines of at most `width` columns, two spaces apart.
fn flow(items: Vec<Vec<Span<'static>>>, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut cur: Vec<Span<'static>> = Vec::new();
    let mut w = 0;
    for item in items {
        let iw: usize = item.iter().map(|s| s.width()).sum();
        if w > 0 && w + 2 + iw > width {
            lines.push(Line::from(std::mem::take(&mut cur)));
            w = 0;
        }
        if w > 0 {
            cur.push(Span::raw("  "));
            w += 2;
        }
        cur.extend(item);
        w += iw;
    }
    if !cur.is_empty() {
        lines.push(Line::from(cur));
    }
    lines
}

/// Draws `lines` in `area` under a top border titled `title`, scrolled by `scroll` lines
/// (clamped), saying how much lies above and below.
pub fn scrolled(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    scroll: u16,
    wrap: bool,
) {
    let inner_w = area.width.max(1) as usize;
    let h = area.height.saturating_sub(1) as usize;
    // Wrapped height of each line, to know how much is below.
    let heights: usize = lines
        .iter()
        .map(|l| {
            if wrap {
                l.width().max(1).div_ceil(inner_w)
            } else {
                1
            }
        })
        .sum();
    let max = heights.saturating_sub(h) as u16;
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
    let mut p = Paragraph::new(lines).block(block).scroll((scroll, 0));
    if wrap {
        p = p.wrap(Wrap { trim: false });
    }
    frame.render_widget(p, area);
}

/// The value inspector's lines for the bytes at the cursor (or the selection's start).
pub fn values_lines(app: &App) -> Vec<Line<'static>> {
    let at = app.selection().map(|s| s.0).unwrap_or(app.cursor());
    let data = app.data();
    let b = data.get(at as usize..).unwrap_or(&[]);
    let o = app.view().origin();
    let mut lines = vec![Line::from(bold(format!(
        "at {} (offset {at}, {at:X}h)",
        o.address(at)
    )))];
    for r in values::all(b, o, app.view().size()) {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<14}", r.label), Style::new().fg(Color::Yellow)),
            Span::raw(r.value),
        ]));
    }
    let end = app
        .selection()
        .map(|s| s.1)
        .unwrap_or((at + 32).min(app.view().size()));
    let text = values::cp437(&data[at as usize..end.max(at) as usize]);
    lines.push(Line::from(vec![
        Span::styled(
            format!("{:<14}", "CP437 text"),
            Style::new().fg(Color::Yellow),
        ),
        Span::raw(format!("\"{}\"", sanitize::line(&text))),
    ]));
    lines.push(Line::from(Span::styled(
        "p: jump to the far pointer's target",
        Style::new().fg(Color::Gray),
    )));
    lines
}

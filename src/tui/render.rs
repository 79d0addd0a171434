//! Drawing: `render` is a pure function of [`App`]. Dump lines come from the shared formatter
//! (`dump::Printer`); this module only adds styles: byte-class colours, the overlays of console
//! writes, weaker findings and .CCM headers, the cursor and the selection. Work per frame is
//! limited to the visible lines; findings are looked up by binary search.

use super::keys::HELP;
use super::layout::{areas, MIN_HEIGHT, MIN_WIDTH};
use super::state::{App, Mode, Severity};
use super::theme;
use crate::detect::FindingKind;
use crate::dump::format::{DumpLine, LineLayout, CLASS};
use crate::dump::{Overlay, Printer};
use crate::report::overlay;
use crate::sanitize;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, LineGauge, Paragraph, Wrap};
use ratatui::Frame;

struct Spans {
    spans: Vec<Span<'static>>,
    text: String,
    style: Style,
}

impl Spans {
    fn new() -> Spans {
        Spans {
            spans: Vec::with_capacity(24),
            text: String::new(),
            style: Style::new(),
        }
    }
    fn push(&mut self, s: &str, style: Style) {
        if style != self.style && !self.text.is_empty() {
            self.spans
                .push(Span::styled(std::mem::take(&mut self.text), self.style));
        }
        self.style = style;
        self.text.push_str(s);
    }
    fn finish(mut self) -> Line<'static> {
        if !self.text.is_empty() {
            self.spans.push(Span::styled(self.text, self.style));
        }
        Line::from(self.spans)
    }
}

/// One dump line with its styles.
fn dump_line(app: &App, li: u64, vis: &[usize]) -> Line<'static> {
    let (start, end) = app.line_range(li);
    let data = app.data();
    let line = DumpLine {
        start,
        first_col: app.origin.column(start),
        bytes: &data[start as usize..end as usize],
    };
    let mut text = Vec::with_capacity(96);
    Printer::new(app.origin).format_line(&line, &mut text);
    let text = String::from_utf8(text).expect("dump text is ASCII");
    let aw = text.find(' ').unwrap_or(9);
    let layout = LineLayout { addr_width: aw };
    let hi = app.headers.partition_point(|h| h.start < start);
    let header_here = app.headers.get(hi).is_some_and(|h| h.start < end);
    let bookmark_here = app.bookmarks.values().any(|&b| b >= start && b < end);
    let note_here = app.notes.iter().any(|n| n.start >= start && n.start < end);
    let mut s = Spans::new();
    let gutter = if header_here {
        (
            "▶",
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
        )
    } else if note_here {
        ("✎", Style::new().fg(Color::LightYellow))
    } else if bookmark_here {
        ("•", Style::new().fg(Color::LightBlue))
    } else {
        (" ", Style::new())
    };
    s.push(gutter.0, gutter.1);
    s.push(&text[..aw], Style::new().fg(Color::Gray));
    let selection = app.selection();
    let byte_style = |x: u64, b: u8| -> Style {
        let mut st = Style::new().fg(theme::class_color(CLASS[b as usize]));
        let over = vis
            .iter()
            .map(|&i| &app.findings[i])
            .filter(|f| x >= f.start && x < f.end && app.visible(f))
            .map(overlay::of_finding)
            .chain(app.header_at(x).map(overlay::of_header))
            .chain(
                app.messages
                    .iter()
                    .find(|m| x >= m.header_start && x < m.header_end)
                    .map(|_| Overlay::CcmHeader),
            )
            .chain(
                selection
                    .is_some_and(|(a, b)| x >= a && x < b)
                    .then_some(Overlay::Select),
            );
        if let Some(o) = overlay::strongest(over) {
            st = theme::overlay(o);
        }
        if x == app.cursor {
            st = st.add_modifier(Modifier::REVERSED);
        }
        st
    };
    let tb = text.as_bytes();
    let mut pos = aw;
    for (i, &b) in line.bytes.iter().enumerate() {
        let col = line.first_col + i;
        let h = layout.hex(col);
        if h > pos {
            s.push(&text[pos..h], Style::new());
        }
        s.push(&text[h..h + 2], byte_style(start + i as u64, b));
        pos = h + 2;
    }
    let a0 = layout.ascii(line.first_col);
    if a0 > pos {
        s.push(&text[pos..a0], Style::new());
    }
    for (i, &b) in line.bytes.iter().enumerate() {
        let c = a0 + i;
        s.push(
            std::str::from_utf8(&tb[c..c + 1]).expect("ASCII"),
            byte_style(start + i as u64, b),
        );
    }
    s.finish()
}

pub fn render(app: &App, frame: &mut Frame) {
    let size = frame.area();
    let a = areas(size, app.show_list);
    if a.too_small {
        let msg = format!("terminal too small: clanscope needs {MIN_WIDTH}x{MIN_HEIGHT}, this one is {}x{}. Enlarge it, or press q to quit.", size.width, size.height);
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), size);
        return;
    }
    title(app, frame, a.title);
    let rows = a.dump.height as u64;
    let (view_start, _) = app.line_range(app.top);
    let view_end = app
        .line_range(app.top + rows.saturating_sub(1))
        .1
        .max(view_start);
    let vis = app.findings_in(view_start, view_end.max(view_start + 1));
    let mut lines = Vec::with_capacity(rows as usize);
    for r in 0..rows {
        let li = app.top + r;
        if li >= app.line_count() {
            break;
        }
        lines.push(dump_line(app, li, &vis));
    }
    if app.size == 0 {
        lines.push(Line::from(" (empty file: 0 bytes)"));
    }
    frame.render_widget(Paragraph::new(lines), a.dump);
    minimap(app, frame, a.minimap, view_start, view_end);
    if a.details.width > 0 {
        details(app, frame, a.details);
    }
    if a.list.width > 0 {
        list(app, frame, a.list);
    }
    status(app, frame, a.status);
    if app.mode == Mode::Help {
        help(frame, size);
    }
}

fn title(app: &App, frame: &mut Frame, area: Rect) {
    let headers = app.headers.len();
    let dropped = if app.dropped > 0 {
        format!(" (+{} not kept)", app.dropped)
    } else {
        String::new()
    };
    let kind = app.kind.map(|k| k.name()).unwrap_or("…");
    let wide = format!(
        " clanscope │ {} │ {} bytes │ {kind} │ origin {} │ {headers} damaged header(s), {} finding(s){dropped} ",
        app.src.name(),
        app.size,
        app.origin,
        app.findings.len()
    );
    // The wide form when it fits beside the scan gauge, the short one otherwise.
    let reserve = if app.scan_done { 0 } else { 26 };
    let left = if wide.chars().count() + reserve <= area.width as usize {
        wide
    } else {
        format!(
            " {} │ {} B │ {kind} │ {} │ {headers} hdr, {} found{dropped} ",
            // The name is sanitized already; narrow terminals get its last component only.
            app.src.name().rsplit('/').next().unwrap_or(""),
            app.size,
            app.origin,
            app.findings.len()
        )
    };
    let style = Style::new().fg(Color::Black).bg(Color::Gray);
    frame.render_widget(Paragraph::new(left.clone()).style(style), area);
    if !app.scan_done && area.width > 30 {
        let w = 24u16.min(area.width / 3);
        let g = Rect::new(area.x + area.width - w, area.y, w, 1);
        let (done, total) = app.progress;
        let ratio = if total == 0 {
            1.0
        } else {
            (done as f64 / total as f64).clamp(0.0, 1.0)
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

fn minimap(app: &App, frame: &mut Frame, area: Rect, view_start: u64, view_end: u64) {
    let h = area.height as u64;
    if h == 0 || app.size == 0 {
        return;
    }
    let mut lines = Vec::with_capacity(h as usize);
    for r in 0..h {
        let a = app.size * r / h;
        let b = (app.size * (r + 1) / h).max(a + 1);
        let in_view = a < view_end && b > view_start;
        let mut mark = None;
        for i in app.findings_in(a, b) {
            let f = &app.findings[i];
            if f.suspected() && f.kind == FindingKind::ConsoleWrite {
                mark = Some(true);
                break;
            } else if app.show_weak {
                mark = Some(false);
            }
        }
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

fn legend() -> Line<'static> {
    Line::from(vec![
        Span::styled(" console write ", theme::overlay(Overlay::Write)),
        Span::raw(" "),
        Span::styled(" weaker ", theme::overlay(Overlay::Weak)),
        Span::raw(" "),
        Span::styled(" damaged hdr ", theme::overlay(Overlay::Header)),
        Span::raw(" "),
        Span::styled(" .CCM hdr ", theme::overlay(Overlay::CcmHeader)),
        Span::raw(" "),
        Span::styled("▶", Style::new().fg(Color::LightRed)),
        Span::raw("hdr "),
        Span::styled(" selection ", theme::overlay(Overlay::Select)),
    ])
}

/// A .CCM message's header fields and anomalies, for the details pane.
fn message_lines(m: &crate::detect::ccm::Message, label: &str) -> Vec<Line<'static>> {
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

fn details(app: &App, frame: &mut Frame, area: Rect) {
    let o = app.origin;
    let mut lines: Vec<Line<'static>> = Vec::new();
    match app.finding_at(app.cursor) {
        Some(i) => {
            let f = &app.findings[i];
            let verdict = match (f.kind, f.suspected()) {
                (FindingKind::ConsoleWrite, true) => "suspected misdirected console write",
                (FindingKind::CcmHeaderAnomaly, _) => "not a header line",
                (FindingKind::PlainText, _) => "text inside binary data",
                _ => "weaker candidate",
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("#{} {} ", f.id, f.kind.name()),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!("confidence {:.2} ({verdict})", f.confidence)),
            ]));
            let last = f.end.max(f.start + 1) - 1;
            lines.push(Line::from(format!(
                "{}-{}  linear {:X}h-{:X}h  offsets {}-{}  {} bytes",
                o.address(f.start),
                o.address(last),
                o.address(f.start).linear(),
                o.address(last).linear(),
                f.start,
                last,
                f.len()
            )));
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
            if let Some(h) = f
                .header
                .and_then(|id| app.headers.iter().find(|h| h.id == id))
            {
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
            if let Some(m) = f.message.and_then(|m| app.messages.get(m as usize)) {
                lines.extend(message_lines(m, " header"));
            }
        }
        None if app.header_at(app.cursor).is_some() => {
            let h = app.header_at(app.cursor).expect("checked");
            let writes: Vec<String> = h.writes.iter().map(|w| format!("#{w}")).collect();
            lines.push(Line::from(vec![
                Span::styled(
                    format!("H{} damaged header ", h.id),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!("confidence {:.2}", h.confidence)),
            ]));
            lines.push(Line::from(format!(
                "{}-{}  offsets {}-{}  {} bytes",
                o.address(h.start),
                o.address(h.end.max(h.start + 1) - 1),
                h.start,
                h.end.max(h.start + 1) - 1,
                h.len()
            )));
            lines.push(Line::from(format!(
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
            )));
            if let Some(m) = h.message.and_then(|m| app.messages.get(m as usize)) {
                lines.extend(message_lines(m, " header"));
            }
        }
        None => {
            lines.push(Line::from(
                "No finding at the cursor. n/N: damaged headers  ]/[: findings  f: list",
            ));
            if let Some(m) = app
                .messages
                .iter()
                .find(|m| app.cursor >= m.header_start && app.cursor < m.end)
            {
                lines.extend(message_lines(m, ""));
            }
        }
    }
    for n in app
        .notes
        .iter()
        .filter(|n| app.cursor >= n.start && app.cursor < n.end.max(n.start + 1))
    {
        lines.push(Line::from(Span::styled(
            format!("note: {}", sanitize::line(&n.text)),
            Style::new().fg(Color::LightYellow),
        )));
    }
    let inner_h = area.height.saturating_sub(2) as usize;
    if inner_h > 0 {
        lines.truncate(inner_h.saturating_sub(1));
        while lines.len() < inner_h - 1 {
            lines.push(Line::from(""));
        }
        lines.push(legend());
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::TOP).title(" details "))
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn list(app: &App, frame: &mut Frame, area: Rect) {
    let items = app.visible_findings();
    let sel = match app.mode {
        Mode::List(s) => s,
        _ => 0,
    };
    let h = area.height.saturating_sub(1) as usize;
    let first = sel.saturating_sub(h.saturating_sub(1));
    let mut lines = Vec::new();
    for (row, &i) in items.iter().enumerate().skip(first).take(h) {
        let f = &app.findings[i];
        let text = format!(
            "#{:<4} {}  {:<14} {:.2}  {}",
            f.id,
            app.origin.address(f.start),
            f.kind.name(),
            f.confidence,
            sanitize::line(f.mailbox.as_deref().or(f.file.as_deref()).unwrap_or(""))
        );
        let style = if row == sel {
            Style::new().add_modifier(Modifier::REVERSED)
        } else if f.suspected() {
            Style::new()
        } else {
            Style::new().fg(Color::Gray)
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    if items.is_empty() {
        lines.push(Line::from(if app.scan_done {
            "no findings"
        } else {
            "scanning…"
        }));
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title(format!(
            " findings ({}) Enter jumps, Esc closes ",
            items.len()
        ))),
        area,
    );
}

fn status(app: &App, frame: &mut Frame, area: Rect) {
    let o = app.origin;
    let info = if app.size == 0 {
        "empty file".to_string()
    } else {
        let b = app.data()[app.cursor as usize];
        let ch = if (0x20..0x7F).contains(&b) {
            format!("'{}'", b as char)
        } else {
            "'.'".to_string()
        };
        let sel = app.selection().map(|(a, b)| b - a).unwrap_or(0);
        format!(
            "{}  {:X}h ({})  byte {:02X}h {} {}  sel {}",
            o.address(app.cursor),
            app.cursor,
            app.cursor,
            b,
            b,
            ch,
            sel
        )
    };
    let hint = if area.width >= 110 {
        "   n/N header  ]/[ finding  : goto  / search  ? help  q quit"
    } else {
        "  n/N ]/[ : / ? q"
    };
    let first = Line::from(vec![
        Span::styled(info, Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(hint, Style::new().fg(Color::Gray)),
    ]);
    let second = match &app.mode {
        Mode::Prompt(p, text) => Line::from(vec![
            Span::styled(p.label(), Style::new().fg(Color::Yellow)),
            Span::raw(sanitize::line(text).into_owned()),
            Span::styled("█", Style::new().fg(Color::Gray)),
        ]),
        Mode::SetMark => Line::from("bookmark: press a letter to set it here"),
        Mode::JumpMark => Line::from("bookmark: press its letter to jump to it"),
        _ => match &app.status {
            Some((s, Severity::Error)) => Line::from(Span::styled(
                sanitize::line(s).into_owned(),
                Style::new().fg(Color::LightRed),
            )),
            Some((s, Severity::Info)) => Line::from(sanitize::line(s).into_owned()),
            None => Line::from(""),
        },
    };
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}

fn help(frame: &mut Frame, size: Rect) {
    let w = 72.min(size.width);
    let h = (HELP.len() as u16 + 4).min(size.height);
    let r = Rect::new((size.width - w) / 2, (size.height - h) / 2, w, h);
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
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" clanscope keys "),
        ),
        r,
    );
}

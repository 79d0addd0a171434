//! Drawing: `render` is a pure function of [`App`]. Dump lines come from the shared formatter
//! (`dump::Printer`); this module only adds styles: byte-class colours, the overlays of console
//! writes, weaker findings and .CCM headers, the cursor and the selection. Work per frame is
//! limited to the visible lines; findings are looked up by binary search.

use super::keys::HELP;
use super::state::{App, Mode, Severity};
use crate::detect::{Finding, FindingKind};
use crate::dump::format::{Line as DumpLine, LineLayout, CLASS};
use crate::dump::{ByteClass, Printer};
use crate::sanitize;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, LineGauge, Paragraph, Wrap};
use ratatui::Frame;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// Gutter column left of each dump line.
pub const GUTTER: u16 = 1;
/// Gutter + a DEBUG line (77) + the minimap column.
pub const DUMP_WIDTH: u16 = GUTTER + 77 + 1;
const SIDE_MIN: u16 = 40;
const BOTTOM_HEIGHT: u16 = 7;

pub const STYLE_WRITE: Style = Style::new().fg(Color::White).bg(Color::Rgb(160, 20, 20));
pub const STYLE_WEAK: Style = Style::new().fg(Color::White).bg(Color::Rgb(40, 40, 110));
pub const STYLE_HEADER: Style = Style::new().fg(Color::White).bg(Color::Rgb(120, 80, 0));
pub const STYLE_SELECT: Style = Style::new().fg(Color::White).bg(Color::Blue);

pub fn class_color(c: ByteClass) -> Color {
    match c {
        ByteClass::Null => Color::DarkGray,
        ByteClass::Printable => Color::Cyan,
        ByteClass::Whitespace => Color::Green,
        ByteClass::Control => Color::Magenta,
        ByteClass::HighBit => Color::Yellow,
    }
}

/// Where everything goes for a terminal of `size`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub dump: Rect,
    pub minimap: Rect,
    pub details: Rect,
    pub list: Rect,
    pub status: Rect,
    pub too_small: bool,
}

pub fn areas(size: Rect, show_list: bool) -> Areas {
    if size.width < MIN_WIDTH || size.height < MIN_HEIGHT {
        return Areas {
            too_small: true,
            ..Areas::default()
        };
    }
    let title = Rect::new(0, 0, size.width, 1);
    let status = Rect::new(0, size.height - 2, size.width, 2);
    let body_h = size.height - 3;
    let (dump, minimap, details, list) = if size.width >= DUMP_WIDTH + 1 + SIDE_MIN {
        // Wide: the panes beside the dump, the list under the details when shown.
        let side = Rect::new(DUMP_WIDTH + 1, 1, size.width - DUMP_WIDTH - 1, body_h);
        let (details, list) = if show_list {
            let half = body_h / 2;
            (
                Rect {
                    height: half,
                    ..side
                },
                Rect {
                    y: 1 + half,
                    height: body_h - half,
                    ..side
                },
            )
        } else {
            (side, Rect::default())
        };
        (
            Rect::new(0, 1, DUMP_WIDTH - 1, body_h),
            Rect::new(DUMP_WIDTH - 1, 1, 1, body_h),
            details,
            list,
        )
    } else {
        // 80 columns: one pane below the dump, the list in place of the details when shown.
        let dump_h = body_h - BOTTOM_HEIGHT;
        let w = size.width.min(DUMP_WIDTH);
        let bottom = Rect::new(0, 1 + dump_h, size.width, BOTTOM_HEIGHT);
        let (details, list) = if show_list {
            (Rect::default(), bottom)
        } else {
            (bottom, Rect::default())
        };
        (
            Rect::new(0, 1, w - 1, dump_h),
            Rect::new(w - 1, 1, 1, dump_h),
            details,
            list,
        )
    };
    Areas {
        title,
        dump,
        minimap,
        details,
        list,
        status,
        too_small: false,
    }
}

fn overlay_style(f: &Finding) -> Style {
    match f.kind {
        FindingKind::ConsoleWrite if f.suspected() => STYLE_WRITE,
        FindingKind::DamagedHeader if f.suspected() => STYLE_HEADER,
        _ => STYLE_WEAK,
    }
}

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
    let header_here = vis.iter().any(|&i| {
        let f = &app.findings[i];
        f.kind == FindingKind::DamagedHeader && f.suspected() && f.start >= start && f.start < end
    });
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
        let mut st = Style::new().fg(class_color(CLASS[b as usize]));
        // Weaker overlays first, stronger ones on top.
        let mut best: Option<&Finding> = None;
        for &i in vis {
            let f = &app.findings[i];
            if x >= f.start
                && x < f.end
                && app.visible(f)
                && f.kind != FindingKind::DamagedHeader
                && best.is_none_or(|b| f.confidence > b.confidence)
            {
                best = Some(f);
            }
        }
        if best.is_none() {
            best = vis.iter().map(|&i| &app.findings[i]).find(|f| {
                f.kind == FindingKind::DamagedHeader
                    && f.message.is_some()
                    && x >= f.start
                    && x < f.end
                    && app.visible(f)
            });
        }
        if let Some(f) = best {
            st = overlay_style(f);
        }
        if selection.is_some_and(|(a, b)| x >= a && x < b) {
            st = STYLE_SELECT;
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
    let headers = app.headers().len();
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
            if f.suspected() {
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
        Span::styled(" console write ", STYLE_WRITE),
        Span::raw(" "),
        Span::styled(" weaker ", STYLE_WEAK),
        Span::raw(" "),
        Span::styled(" .CCM header ", STYLE_HEADER),
        Span::raw(" "),
        Span::styled("▶", Style::new().fg(Color::LightRed)),
        Span::raw(" damaged header "),
        Span::styled(" selection ", STYLE_SELECT),
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
                (FindingKind::DamagedHeader, true) => "damaged message header",
                (FindingKind::PlainText, _) => "text inside binary data",
                _ => "weaker candidate",
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("#{} {} ", i + 1, f.kind.name()),
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
            lines.push(Line::from(format!("text: \"{}\"", sanitize::line(&f.text))));
            lines.push(Line::from(format!("why: {}", sanitize::line(&f.why))));
            if let Some(m) = f.message.and_then(|m| app.messages.get(m)) {
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
            i + 1,
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

/// The file offset under a mouse click, if it hit a byte in the dump.
pub fn offset_at(app: &App, col: u16, row: u16) -> Option<u64> {
    let a = areas(Rect::new(0, 0, app.width, app.height), app.show_list);
    if a.too_small
        || row < a.dump.y
        || row >= a.dump.y + a.dump.height
        || col < a.dump.x + GUTTER
        || col >= a.dump.x + a.dump.width
    {
        return None;
    }
    let li = app.top + (row - a.dump.y) as u64;
    if li >= app.line_count() {
        return None;
    }
    let (start, end) = app.line_range(li);
    let mut addr = Vec::new();
    app.origin.write_address(
        start.saturating_sub(app.origin.column(start) as u64),
        &mut addr,
    );
    let layout = LineLayout {
        addr_width: addr.len(),
    };
    let c = (col - a.dump.x - GUTTER) as usize;
    let first = app.origin.column(start);
    let pick =
        (0..16).find(|&k| (c >= layout.hex(k) && c < layout.hex(k) + 3) || c == layout.ascii(k))?;
    if pick < first {
        return None;
    }
    let x = start + (pick - first) as u64;
    (x < end).then_some(x)
}

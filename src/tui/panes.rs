//! What the details, legend and value-inspector panes hold, as lines: the finding, damaged
//! header or .CCM message under the cursor, what the compared file holds there, the notes with
//! their time and examiner, the legend, and the value readings. Made from the components the
//! state owns (a [`PaneSource`]), not from `App`, so that the state (which stops scrolling at
//! the end of a pane) and the views (which draw it) measure the same lines without depending
//! on each other.

use super::annotations::Annotations;
use super::comparison::Comparison;
use super::findings::FindingsIndex;
use super::theme::Theme;
use super::viewport::Viewport;
use crate::detect::{ccm::Message, DamagedHeader, Finding, FindingKind};
use crate::dump::{ByteClass, Overlay};
use crate::sanitize;
use crate::values;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// What the panes are made from: the components of the state, borrowed.
pub struct PaneSource<'a> {
    pub view: &'a Viewport,
    pub index: &'a FindingsIndex,
    pub notes: &'a Annotations,
    pub compare: Option<&'a Comparison>,
    /// The bytes the view may touch.
    pub data: &'a [u8],
    pub selection: Option<(u64, u64)>,
    /// Byte-class glyphs in the ASCII column (the legend shows them).
    pub glyphs: bool,
    /// CP437 characters in the ASCII column (no glyphs then).
    pub cp437: bool,
    pub theme: Theme,
    /// The files of the related folders, once listed.
    pub related: Option<&'a crate::report::related::Related>,
}

/// Rows `lines` take in a pane `width` columns wide, wrapped at words as the pane draws them.
pub fn wrapped_height(lines: &[Line<'static>], width: u16) -> usize {
    Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(width)
}

/// How many lines a pane in `area` (a title row over its content) scrolls at most to show the
/// last of `lines`: J, K and the wheel stop there, and the drawing clamps to it.
pub fn max_scroll(lines: &[Line<'static>], area: Rect) -> u16 {
    let rows = area.height.saturating_sub(1) as usize;
    let h = wrapped_height(lines, area.width.max(1));
    h.saturating_sub(rows).min(u16::MAX as usize) as u16
}

fn bold(s: String) -> Span<'static> {
    Span::styled(s, Style::new().add_modifier(Modifier::BOLD))
}

/// A .CCM message's header fields and anomalies.
fn message_lines(m: &Message, label: &str) -> Vec<Line<'static>> {
    let mut fields: Vec<String> = m
        .fields
        .iter()
        .map(|(k, v)| format!("{}: {}", sanitize::line(k), sanitize::line(v)))
        .collect();
    if m.fields_not_kept > 0 {
        fields.push(format!("{} more field(s) not kept", m.fields_not_kept));
    }
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
    if m.anomalies_not_kept > 0 {
        lines.push(Line::from(format!(
            "{} more anomalies not kept",
            m.anomalies_not_kept
        )));
    }
    lines
}

fn finding_lines(p: &PaneSource<'_>, f: &Finding) -> Vec<Line<'static>> {
    let o = p.view.origin();
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
            "{}-{}  linear {:X}h-{:X}h  offsets {}-{}  {}",
            p.view.addr(f.start),
            p.view.addr(last),
            o.address(f.start).linear(),
            o.address(last).linear(),
            f.start,
            last,
            crate::address::bytes(f.len())
        )),
    ];
    let mut names = Vec::new();
    for m in f.mailboxes() {
        names.push(format!("mailbox {}", sanitize::line(m)));
    }
    for x in f.files() {
        names.push(format!("file {}", sanitize::line(x)));
    }
    if !names.is_empty() {
        lines.push(Line::from(names.join("   ")));
    }
    lines.extend(link_lines(p, f));
    if let Some(h) = f.header.and_then(|id| p.index.header_by_id(id)) {
        lines.push(Line::from(format!(
            "in damaged header H{} ({} write(s)) {}-{}",
            h.id,
            h.writes.len(),
            p.view.addr(h.start),
            p.view.addr(h.end.max(h.start + 1) - 1)
        )));
    }
    lines.push(Line::from(format!(
        "text: \"{}\"",
        sanitize::line(&f.text(p.data))
    )));
    lines.push(Line::from(format!("why: {}", sanitize::line(&f.why()))));
    if let Some(m) = f.message.and_then(|m| p.index.messages().get(m as usize)) {
        lines.extend(message_lines(m, " header"));
    }
    lines
}

/// Where the names a write gives lie among the related folders' files (a line each), or that
/// they are not there, or that the folders are still being listed.
fn link_lines(p: &PaneSource<'_>, f: &Finding) -> Vec<Line<'static>> {
    let names: Vec<(bool, &str)> = (f.files().map(|n| (true, n)))
        .chain(f.mailboxes().map(|n| (false, n)))
        .collect();
    if f.kind != FindingKind::ConsoleWrite || names.is_empty() {
        return Vec::new();
    }
    let Some(rel) = p.related else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let mut missing = Vec::new();
    for (file, name) in names {
        let links = rel.links(name, file);
        if links.is_empty() {
            missing.push(sanitize::line(name).into_owned());
        }
        for l in links {
            lines.push(Line::from(format!("{} {}", sanitize::line(name), l.text())));
        }
    }
    if !missing.is_empty() {
        lines.push(Line::from(format!(
            "{}: not among {}",
            missing.join(", "),
            rel.scope()
        )));
    }
    lines
}

fn header_lines(p: &PaneSource<'_>, h: &DamagedHeader) -> Vec<Line<'static>> {
    let last = h.end.max(h.start + 1) - 1;
    let writes: Vec<String> = h.writes.iter().map(|w| format!("#{w}")).collect();
    let mut lines = vec![
        Line::from(vec![
            bold(format!("H{} damaged header ", h.id)),
            Span::raw(format!("confidence {:.2}", h.confidence)),
        ]),
        Line::from(format!(
            "{}-{}  offsets {}-{}  {}",
            p.view.addr(h.start),
            p.view.addr(last),
            h.start,
            last,
            crate::address::bytes(h.len())
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
    if let Some(m) = h.message.and_then(|m| p.index.messages().get(m as usize)) {
        lines.extend(message_lines(m, " header"));
    }
    lines
}

/// What the compared file holds at the cursor's line, and what the write there destroyed.
fn compare_lines(p: &PaneSource<'_>) -> Vec<Line<'static>> {
    let Some(c) = p.compare else {
        return Vec::new();
    };
    let v = p.view;
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
            v.line_addr(s),
            if hex.is_empty() {
                "(past its end)".to_string()
            } else {
                format!("{}  {}", hex.join(" "), sanitize::latin1_line(theirs))
            }
        ),
        style,
    ))];
    if let Some(f) = p
        .index
        .shown_at(v.cursor())
        .filter(|f| f.kind == FindingKind::ConsoleWrite)
    {
        if let Some(d) = crate::compare::destroyed_by(f, p.data, other) {
            let what = if d.backup.is_empty() {
                format!(
                    "this write lies past the compared file's end (all {} byte(s)): nothing to compare",
                    d.missing()
                )
            } else if d.same && d.missing() == 0 {
                "the compared file holds the same bytes (the write is there too)".to_string()
            } else if d.same {
                format!(
                    "the compared file holds the same bytes over this write's first {} byte(s); {} byte(s) lie past its end",
                    d.backup.len(),
                    d.missing()
                )
            } else if d.mostly_same() {
                format!(
                    "the compared file holds this write too, but for {} of its {} byte(s): \"{}\"",
                    d.differing,
                    d.backup.len(),
                    sanitize::latin1_line(&d.backup)
                )
            } else {
                format!(
                    "this write destroyed: \"{}\"{}",
                    sanitize::latin1_line(&d.backup),
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

/// The notes covering the cursor: address, text, and who wrote it when.
fn note_lines(p: &PaneSource<'_>) -> Vec<Line<'static>> {
    p.notes
        .at(p.view.cursor())
        .map(|n| {
            let mut about: Vec<String> = vec![n.byline()];
            if let Some(s) = n.source.as_deref().filter(|s| *s != "clanscope") {
                about.push(format!("from {}", sanitize::line(s)));
            }
            about.retain(|a| !a.is_empty());
            let about = if about.is_empty() {
                String::new()
            } else {
                format!(" ({})", about.join("; "))
            };
            Line::from(vec![
                Span::styled(
                    format!(
                        "note {}: {}",
                        p.view.addr(n.start),
                        sanitize::line_clipped(&n.text, super::SHOWN_NOTE)
                    ),
                    Style::new().fg(Color::LightYellow),
                ),
                Span::styled(about, Style::new().fg(Color::Yellow)),
            ])
        })
        .collect()
}

/// Everything the details pane holds for the cursor, before scrolling.
/// The legend ends it when `legend_width` is given (lines no wider than that).
pub fn details_lines(p: &PaneSource<'_>, legend_width: Option<usize>) -> Vec<Line<'static>> {
    let idx = p.index;
    let c = p.view.cursor();
    let mut lines = match (idx.shown_at(c), idx.header_at(c)) {
        (Some(f), _) => finding_lines(p, f),
        (None, Some(h)) => header_lines(p, h),
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
    lines.splice(at..at, compare_lines(p));
    lines.extend(note_lines(p));
    if let Some(width) = legend_width {
        lines.push(Line::from(""));
        lines.extend(legend_lines(p, width));
    }
    lines
}

/// The legend: overlays, byte classes (with their glyphs), the gutter marks and the map, in
/// lines no wider than `width`.
pub fn legend_lines(p: &PaneSource<'_>, width: usize) -> Vec<Line<'static>> {
    let theme = &p.theme;
    let mut items: Vec<Vec<Span<'static>>> = Vec::new();
    let mut overlays = vec![
        Overlay::Write,
        Overlay::Weak,
        Overlay::Header,
        Overlay::CcmHeader,
        Overlay::Match,
        Overlay::Select,
    ];
    if p.compare.is_some() {
        overlays.insert(4, Overlay::Diff);
    }
    for o in overlays {
        items.push(vec![Span::styled(
            format!(" {} ", o.name()),
            theme.overlay(o),
        )]);
    }
    for c in [
        ByteClass::Null,
        ByteClass::Whitespace,
        ByteClass::Control,
        ByteClass::HighBit,
    ] {
        let g = if p.glyphs && !p.cp437 {
            format!("{} ", super::theme::glyph(c))
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

/// The value inspector's lines for the bytes at the cursor (or the selection's start).
pub fn values_lines(p: &PaneSource<'_>) -> Vec<Line<'static>> {
    let at = p.selection.map(|s| s.0).unwrap_or(p.view.cursor());
    let data = p.data;
    let b = data.get(at as usize..).unwrap_or(&[]);
    let o = p.view.origin();
    let mut lines = vec![Line::from(bold(format!(
        "at {} (offset {at}, {at:X}h)",
        p.view.addr(at)
    )))];
    for r in values::all(b, o, p.view.size()) {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<14}", r.label), Style::new().fg(Color::Yellow)),
            Span::raw(r.value),
        ]));
    }
    let end = p
        .selection
        .map(|s| s.1)
        .unwrap_or((at + 32).min(p.view.size()));
    let text = values::cp437(data.get(at as usize..end.max(at) as usize).unwrap_or(&[]));
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

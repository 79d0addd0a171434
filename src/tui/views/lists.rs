//! The lists: findings, search matches and notes. Rows are laid out for the pane's width (the
//! mailbox or file name gets what is left), the selected row stays in view, and the rows a
//! mouse click picks are the ones drawn (layout::list_first).

use crate::sanitize;
use crate::tui::app::App;
use crate::tui::command::ListKind;
use crate::tui::layout::list_first;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// A short name of a finding kind for narrow rows.
fn short_kind(k: crate::detect::FindingKind) -> &'static str {
    match k {
        crate::detect::FindingKind::ConsoleWrite => "write",
        crate::detect::FindingKind::PlainText => "text",
        crate::detect::FindingKind::CcmHeaderAnomaly => "anom",
    }
}

fn row_text(app: &App, kind: ListKind, i: usize, width: usize) -> Option<(String, bool)> {
    let clip = |s: String| crate::report::clip(&s, width.saturating_sub(1));
    Some(match kind {
        ListKind::Findings => {
            let f = app.index().visible_nth(i)?;
            let name = sanitize::line(f.mailbox.as_deref().or(f.file.as_deref()).unwrap_or(""));
            let digits = app
                .index()
                .findings()
                .last()
                .map_or(1, |l| l.id.to_string().len());
            let text = format!(
                "#{:<digits$} {} {:<5} {:.2} {name}",
                f.id,
                app.view().addr(f.start),
                short_kind(f.kind),
                f.confidence
            );
            (clip(text), f.suspected())
        }
        ListKind::Matches => {
            let &(s, e) = app.search().matches().get(i)?;
            let b = &app.data()[s as usize..(e.min(s + 24)) as usize];
            let text = format!(
                "{:<5} {} {}",
                i + 1,
                app.view().addr(s),
                sanitize::bytes_line(b)
            );
            (clip(text), true)
        }
        ListKind::Notes => {
            let n = app.notes().notes().get(i)?;
            (clip(note_row(n, app.view(), width)), true)
        }
    })
}

/// A notes-list row: address, when (UTC, to the minute) and by whom, then the text:
/// `0AFA:3F00 2026-11-26 10:15 kim: seen in the article`; in a pane narrower than 60 columns
/// the year is left out (`11-26 10:15`) so the text keeps some room.
fn note_row(n: &crate::notes::Note, view: &crate::tui::viewport::Viewport, width: usize) -> String {
    let mut row = view.addr(n.start);
    if let Some(t) = n.time.as_deref() {
        // A time the sidecar holds in its own form (RFC 3339, UTC) shows to the minute; any
        // other text (edited by hand) is shown as it is, clipped, not cut as if it were one.
        let row_time = match humantime::parse_rfc3339(t) {
            Ok(_) if t.len() >= 16 => {
                let t = t.replacen('T', " ", 1);
                let skip = if width < 60 { 5 } else { 0 };
                t.chars().skip(skip).take(16 - skip).collect()
            }
            _ => crate::report::clip(&sanitize::line(t), 16),
        };
        row.push(' ');
        row.push_str(&row_time);
    }
    if let Some(e) = n.examiner.as_deref() {
        row.push(' ');
        row.push_str(&crate::report::clip(&sanitize::line(e), 12));
    }
    format!(
        "{row}: {}",
        sanitize::line_clipped(&n.text, crate::tui::SHOWN_NOTE)
    )
}

/// Draws list `kind` with row `sel` selected in `area`.
pub fn list(app: &App, frame: &mut Frame, area: Rect, kind: ListKind, sel: usize) {
    let n = app.list_len(kind);
    let h = area.height.saturating_sub(1) as usize;
    let first = list_first(sel, n, h);
    let mut lines = Vec::new();
    for i in first..(first + h).min(n) {
        let Some((text, strong)) = row_text(app, kind, i, area.width as usize) else {
            break;
        };
        let style = if i == sel {
            Style::new().add_modifier(Modifier::REVERSED)
        } else if strong {
            Style::new()
        } else {
            Style::new().fg(Color::Gray)
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    if n == 0 {
        lines.push(Line::from(match kind {
            ListKind::Findings if !app.index().done() => "scanning…",
            ListKind::Findings => "no findings",
            ListKind::Matches => "no matches (/ \\ r search)",
            ListKind::Notes => "no notes yet (a adds one)",
        }));
    }
    let keys = if kind == ListKind::Notes {
        // Short enough for the list's width beside the details (Enter and Esc work as in
        // every list, and the help says them).
        "e edit, d delete, u undo"
    } else {
        "Enter jumps, Esc closes"
    };
    let title = format!(" {} ({n}) {keys} ", kind.title());
    let title = crate::report::clip(&title, area.width as usize);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title(title)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::Origin;
    use crate::notes::Note;
    use crate::tui::viewport::Viewport;

    #[test]
    fn a_note_row_shows_its_time_to_the_minute_or_as_it_is() {
        let view = Viewport::new(Origin::parse("0AFA:0100").unwrap(), 0x10000);
        let mut n = Note::new(0x3E00, 0x3E4C, "seen", Some("kim"));
        n.time = Some("2026-11-26T10:15:49Z".into());
        assert_eq!(
            note_row(&n, &view, 80),
            "0AFA:3F00 2026-11-26 10:15 kim: seen"
        );
        assert_eq!(note_row(&n, &view, 40), "0AFA:3F00 11-26 10:15 kim: seen");
        // Edited by hand: shown as it is, escaped and clipped, never cut up as if a time.
        n.time = Some("\u{1b}[2J2026".into());
        assert_eq!(note_row(&n, &view, 80), "0AFA:3F00 \\x1B[2J2026 kim: seen");
        n.time = Some("abcdefghijklmnopqrstuvwxyz".into());
        assert_eq!(
            note_row(&n, &view, 40),
            "0AFA:3F00 abcdefghijklmnop… kim: seen"
        );
    }
}

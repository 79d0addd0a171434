//! The file picker for `clanscope DIR`: every file under a post office or Ccmcdata folder with
//! its size, kind, the origin it opens at and its counts (as the inspector's title counts
//! them), filled in by a background scan as it goes.

use crate::address::Origin;
use crate::detect::{Control, Engine};
use crate::sanitize;
use crate::settings::Settings;
use crate::source::Source;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use std::path::PathBuf;

/// One file of the picker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    pub path: PathBuf,
    pub size: u64,
    pub kind: Option<&'static str>,
    /// (damaged headers, suspected findings, weaker findings), once scanned.
    pub counts: Option<(usize, usize, usize)>,
    /// The origin the inspector opens it at.
    pub origin: Option<Origin>,
    pub error: Option<String>,
}

/// Scans one file for the picker: its size, kind, origin (the one the inspector opens it at,
/// the sidecar's included) and counts, or the error.
pub fn scan_entry(
    engine: &Engine,
    path: PathBuf,
    given: Option<Origin>,
    settings: &Settings,
    sidecars: &crate::notes::Sidecars,
) -> Entry {
    match Source::open(&path) {
        Ok(src) => {
            // A sidecar that cannot be read is reported when the file is opened; the list
            // shows the origin the file has without it.
            let origin = crate::settings::file_origin(given, settings, sidecars, &src)
                .unwrap_or_else(|_| super::default_origin(given, settings, &src));
            let r = engine.scan(&src, &path, &Control::new());
            let strong = r.findings.iter().filter(|f| f.suspected()).count();
            Entry {
                size: src.len(),
                kind: Some(r.kind.name()),
                counts: Some((r.headers.len(), strong, r.findings.len() - strong)),
                origin: Some(origin),
                error: None,
                path,
            }
        }
        Err(e) => Entry {
            path,
            error: Some(e.to_string()),
            ..Default::default()
        },
    }
}

/// Columns of a picker row besides the file name: the spaces, bytes, kind, origin, headers
/// and findings.
const OTHER_COLUMNS: usize = 62;

/// The file picker's state.
pub struct Picker {
    pub root: PathBuf,
    pub entries: Vec<Entry>,
    pub selected: usize,
    pub top: usize,
    pub status: Option<String>,
}

/// What a key asks of the picker.
#[derive(Debug, PartialEq, Eq)]
pub enum PickerAction {
    None,
    Open(usize),
    Quit,
}

impl Picker {
    /// A picker over `files` under `root`, not yet scanned.
    pub fn new(root: PathBuf, files: Vec<PathBuf>) -> Picker {
        let entries = files
            .into_iter()
            .map(|path| {
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                Entry {
                    path,
                    size,
                    ..Entry::default()
                }
            })
            .collect();
        Picker {
            root,
            entries,
            selected: 0,
            top: 0,
            status: None,
        }
    }

    /// Takes a command; says whether to open a file or quit.
    pub fn update(&mut self, cmd: &super::command::Command, rows: usize) -> PickerAction {
        use super::command::Command::*;
        let n = self.entries.len();
        match cmd {
            Up => self.selected = self.selected.saturating_sub(1),
            Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            PageUp => self.selected = self.selected.saturating_sub(rows.max(1)),
            PageDown => self.selected = (self.selected + rows.max(1)).min(n.saturating_sub(1)),
            Home => self.selected = 0,
            End => self.selected = n.saturating_sub(1),
            NextHeader => {
                // next file with damaged headers
                if let Some(i) = (1..=n)
                    .map(|k| (self.selected + k) % n)
                    .find(|&i| self.entries[i].counts.is_some_and(|c| c.0 > 0))
                {
                    self.selected = i;
                }
            }
            Enter => {
                return if n > 0 {
                    PickerAction::Open(self.selected)
                } else {
                    PickerAction::None
                }
            }
            Quit => return PickerAction::Quit,
            _ => {}
        }
        if self.selected < self.top {
            self.top = self.selected;
        } else if rows > 0 && self.selected >= self.top + rows {
            self.top = self.selected + 1 - rows;
        }
        PickerAction::None
    }

    /// File rows shown at a terminal height.
    pub fn rows(height: u16) -> usize {
        height.saturating_sub(4) as usize
    }

    /// Draws the picker.
    pub fn render(&self, frame: &mut Frame) {
        let size = frame.area();
        let scanned = self
            .entries
            .iter()
            .filter(|e| e.counts.is_some() || e.error.is_some())
            .count();
        let title = format!(
            " clanscope │ {} │ {} file(s), {} scanned ",
            sanitize::path(&self.root),
            self.entries.len(),
            scanned
        );
        frame.render_widget(
            Paragraph::new(title).style(Style::new().fg(Color::Black).bg(Color::Gray)),
            Rect::new(0, 0, size.width, 1),
        );
        let rows = Picker::rows(size.height);
        // The file column takes what the others leave, so every column shows from 80 columns.
        let nw = (size.width as usize).saturating_sub(OTHER_COLUMNS).max(12);
        let mut lines = vec![Line::from(Span::styled(
            format!(
                " {:<nw$} {:>12}  {:<18} {:>9} {:>7} {:>8}",
                "file", "bytes", "kind", "origin", "headers", "findings"
            ),
            Style::new().add_modifier(Modifier::BOLD),
        ))];
        for (i, e) in self.entries.iter().enumerate().skip(self.top).take(rows) {
            let rel = e.path.strip_prefix(&self.root).unwrap_or(&e.path);
            let name = sanitize::fit_tail(&sanitize::path(rel), nw);
            let (h, f) = match (e.counts, &e.error) {
                (Some((h, s, w)), _) => (h.to_string(), format!("{s}+{w}")),
                (None, Some(_)) => ("-".into(), "error".into()),
                (None, None) => ("…".into(), "…".into()),
            };
            let text = format!(
                " {name} {:>12}  {:<18} {:>9} {h:>7} {f:>8}",
                e.size,
                e.kind.unwrap_or("…"),
                e.origin.map(|o| o.to_string()).unwrap_or("…".into())
            );
            let mut style = if e.counts.is_some_and(|c| c.0 > 0) {
                Style::new().fg(Color::LightRed)
            } else {
                Style::new()
            };
            if i == self.selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            lines.push(Line::from(Span::styled(text, style)));
        }
        if self.entries.is_empty() {
            lines.push(Line::from(" (no files in this folder)"));
        }
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::NONE)),
            Rect::new(0, 1, size.width, size.height.saturating_sub(3)),
        );
        let msg = match (
            &self.status,
            self.entries
                .get(self.selected)
                .and_then(|e| e.error.as_ref()),
        ) {
            (_, Some(err)) => err.clone(),
            (Some(s), None) => s.clone(),
            _ => String::new(),
        };
        let status = vec![
            Line::from(Span::styled(
                " Enter opens  n next with damaged headers  q quits  findings: suspected+weaker",
                Style::new().fg(Color::Gray),
            )),
            Line::from(sanitize::composed(&msg).into_owned()),
        ];
        frame.render_widget(
            Paragraph::new(status),
            Rect::new(0, size.height.saturating_sub(2), size.width, 2),
        );
    }
}

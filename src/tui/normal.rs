//! The normal view's handler: moving, walking findings, headers, messages, matches and
//! differences, opening prompts, lists and panes, and the mouse.

use super::app::{App, Effect, SearchReport};
use super::command::{Command, ListKind, Mode};
use super::findings::Step;
use super::panes;
use super::prompt::{Prompt, PromptKind};
use crate::values::FarPointer;

impl App {
    /// The normal view's handler.
    pub(crate) fn normal(&mut self, cmd: Command) {
        self.status = None;
        let before = self.view.cursor;
        if !self.move_command(&cmd) && !self.walk_command(&cmd) {
            self.other_command(cmd);
        }
        if self.view.cursor != before {
            self.display.details_scroll = 0;
        }
    }

    /// Moves of the cursor and the view; false if `cmd` is not one.
    fn move_command(&mut self, cmd: &Command) -> bool {
        let rows = self.rows();
        let r = rows as i64;
        let v = &mut self.view;
        match cmd {
            Command::Up => v.move_by(-16, rows),
            Command::Down => v.move_by(16, rows),
            Command::Left => v.move_by(-1, rows),
            Command::Right => v.move_by(1, rows),
            Command::PageUp => v.page(-1, rows),
            Command::PageDown => v.page(1, rows),
            Command::HalfUp => v.move_by(-16 * (r / 2).max(1), rows),
            Command::HalfDown => v.move_by(16 * (r / 2).max(1), rows),
            Command::Home => {
                v.jump(0);
                v.top = 0;
            }
            Command::End => {
                let last = v.size.saturating_sub(1);
                v.jump(last);
                v.top = v.line_count().saturating_sub(rows);
            }
            Command::Click { col, row } => self.click(*col, *row),
            Command::Wheel { col, row, lines } => self.wheel(*col, *row, *lines),
            Command::ScrollDetails(n) => self.scroll_details(*n as i64),
            _ => return false,
        }
        true
    }

    /// Walks to the next or previous item of a kind; false if `cmd` is not one.
    fn walk_command(&mut self, cmd: &Command) -> bool {
        match cmd {
            Command::NextHeader | Command::PrevHeader => {
                self.walk_headers(*cmd == Command::NextHeader)
            }
            Command::NextFinding | Command::PrevFinding => {
                self.walk_findings(*cmd == Command::NextFinding)
            }
            Command::NextMessage | Command::PrevMessage => {
                self.walk_messages(*cmd == Command::NextMessage)
            }
            Command::NextDiff | Command::PrevDiff => self.walk_diffs(*cmd == Command::NextDiff),
            Command::SearchNext | Command::SearchPrev => {
                self.next_match(*cmd == Command::SearchNext)
            }
            Command::FollowPointer => self.follow_pointer(),
            _ => return false,
        }
        true
    }

    fn other_command(&mut self, cmd: Command) {
        let open = |k: PromptKind, t: &str| Mode::Prompt(Prompt::new(k, t));
        match cmd {
            Command::Goto => self.mode = open(PromptKind::Goto, ""),
            Command::SetOrigin => {
                self.mode = open(PromptKind::Origin, &self.view.origin.to_string())
            }
            Command::SearchText => self.mode = open(PromptKind::SearchText, ""),
            Command::SearchHex => self.mode = open(PromptKind::SearchHex, ""),
            Command::SearchRegex => self.mode = open(PromptKind::SearchRegex, ""),
            Command::Annotate | Command::Mark if self.view.size() == 0 => {
                self.info("the file is empty: there is no byte to note or mark");
            }
            Command::Annotate => self.mode = open(PromptKind::Note, ""),
            Command::Mark => self.mode = Mode::SetMark,
            Command::JumpMark => self.mode = Mode::JumpMark,
            Command::Copy => self.start_copy(),
            Command::ToggleSelect if self.view.size() == 0 => {
                self.info("the file is empty: there is no byte to select");
            }
            Command::ToggleSelect => {
                let msg = self.selection.toggle(self.view.cursor);
                self.info(msg);
            }
            Command::Export => self.effects.push(Effect::Export),
            Command::ToggleWeak => {
                self.index.show_weak = !self.index.show_weak;
                self.info(if self.index.show_weak {
                    "weaker findings shown"
                } else {
                    "weaker findings hidden"
                });
            }
            Command::ToggleList => self.open_list(ListKind::Findings),
            Command::MatchList => self.open_list(ListKind::Matches),
            Command::NotesList => self.open_list(ListKind::Notes),
            Command::ToggleValues => {
                self.display.values = !self.display.values;
                let rows = self.rows();
                self.view.follow(rows);
            }
            Command::ToggleGlyphs => {
                self.display.glyphs = !self.display.glyphs;
                self.info(if self.display.glyphs {
                    "byte-class glyphs on (⋄ NUL, _ whitespace, • control, × high)"
                } else {
                    "glyphs off: '.' for every byte outside 20h-7Eh, as DEBUG"
                });
            }
            Command::ToggleCp437 => {
                self.display.cp437 = !self.display.cp437;
                self.info(if self.display.cp437 {
                    "ASCII column in CP437 (the DOS code page)"
                } else {
                    "ASCII column back to ASCII"
                });
            }
            Command::Help => self.mode = Mode::Help(0),
            Command::Quit => self.request_quit(),
            Command::Escape => self.escape(),
            // Pasted text is never read as keys (a pasted `q` or `dd` would act).
            Command::Paste(text) => self.info(format!(
                "paste ignored: {} character(s); text is pasted into a prompt (a note, a search, goto)",
                text.chars().count()
            )),
            _ => {}
        }
    }

    /// Esc in the normal view: clears the selection, else the search highlight. Never quits.
    fn escape(&mut self) {
        if self.selection.clear() {
            self.info("selection cleared");
        } else if self.search.pattern().is_some() {
            self.search.clear();
            self.info("search cleared");
        } else {
            self.info("q quits");
        }
    }

    fn open_list(&mut self, kind: ListKind) {
        let cursor = self.view.cursor;
        let sel = match kind {
            ListKind::Findings => self.index.visible_position_from(cursor),
            ListKind::Matches => self.search.matches().partition_point(|m| m.0 < cursor),
            ListKind::Notes => self.notes.notes.partition_point(|n| n.start < cursor),
        };
        let n = self.list_len(kind);
        self.mode = Mode::List(kind, sel.min(n.saturating_sub(1)));
        let rows = self.rows();
        self.view.follow(rows);
    }

    /// Says where a walk went: `what k/n: details at ADDR`, and whether it wrapped.
    fn walked(&mut self, what: &str, step: Step, details: String, at: u64) {
        let mut msg = format!(
            "{what} {}/{}{details} at {}",
            step.index + 1,
            step.of,
            self.view.addr(at)
        );
        if step.wrapped {
            let to = if step.index == 0 { "first" } else { "last" };
            msg.push_str(&format!(" (wrapped to the {to})"));
        }
        self.info(msg);
    }

    fn none_yet(&mut self, what: &str) {
        let extra = if self.index.done {
            ""
        } else {
            " yet (the scan is still running)"
        };
        self.error(format!("no {what}{extra}"));
    }

    fn walk_findings(&mut self, forward: bool) {
        match self.index.walk(self.view.cursor, forward) {
            None => self.none_yet("findings"),
            Some((id, step)) => {
                let f = self.index.by_id(id).expect("walked to it");
                let (start, kind) = (f.start, f.kind.name());
                self.jump(start);
                self.walked("finding", step, format!(": #{id} {kind}"), start);
            }
        }
    }

    fn walk_headers(&mut self, forward: bool) {
        match self.index.walk_headers(self.view.cursor, forward) {
            None if self.index.done && self.index.walkable() > 0 => {
                // Writes without a header around them (in a text file, in binary data away
                // from any .CCM header): the key that reaches them is `]`.
                let n = self.index.walkable();
                self.error(format!(
                    "no damaged headers; ] and [ walk the {n} finding(s)"
                ))
            }
            None => self.none_yet("damaged headers"),
            Some((id, step)) => {
                let h = self.index.header_by_id(id).expect("walked to it");
                let (start, n) = (h.start, h.writes.len());
                self.jump(start);
                self.walked(
                    "damaged header",
                    step,
                    format!(": H{id}, {n} write(s)"),
                    start,
                );
            }
        }
    }

    fn walk_messages(&mut self, forward: bool) {
        let starts: Vec<u64> = self.index.messages.iter().map(|m| m.header_start).collect();
        if starts.is_empty() {
            return self.none_yet("message headers");
        }
        let c = self.view.cursor;
        let (index, wrapped) = next_in(&starts, c, forward);
        self.jump(starts[index]);
        let step = Step {
            index,
            of: starts.len(),
            wrapped,
        };
        self.walked("message header", step, String::new(), starts[index]);
    }

    fn walk_diffs(&mut self, forward: bool) {
        let Some(c) = &self.compare else {
            return self.error("no file to compare with: start with --compare OTHER");
        };
        let Some((i, wrapped)) = c.next_from(self.view.cursor, forward) else {
            let msg = if c.done() {
                "no differences from the compared file"
            } else {
                "no differences found yet (still comparing)"
            };
            return self.info(msg);
        };
        let (s, e) = c.diff().ranges[i];
        let of = c.diff().ranges.len();
        self.jump(s);
        let step = Step {
            index: i,
            of,
            wrapped,
        };
        self.walked("difference", step, format!(": {} byte(s)", e - s), s);
    }

    /// `.` / `,`: the next or previous match of the last search.
    pub(crate) fn next_match(&mut self, forward: bool) {
        let Some(p) = self.search.pattern() else {
            return self.error("no search yet: / text, \\ hex bytes, r regex");
        };
        let what = p.describe();
        match self.search.next_from(self.view.cursor, forward) {
            Some((i, wrapped)) => {
                self.jump(self.search.matches()[i].0);
                self.info(self.match_said(i, wrapped));
            }
            None if !self.search.done() => self.info(self.search_progress()),
            None => self.error(format!("not found: {what}")),
        }
    }

    /// The status line for match `i` of the search: `match 3/7 of 'x' at ADDR`, with `+
    /// (searching)` after the count while the search goes on, and the cap said once reached.
    pub(super) fn match_said(&self, i: usize, wrapped: bool) -> String {
        let what = self
            .search
            .pattern()
            .map(|p| p.describe())
            .unwrap_or_default();
        let s = self.search.matches().get(i).map_or(0, |m| m.0);
        let n = self.search.matches().len();
        let more = if self.search.done() || n >= super::search::MAX_MATCHES {
            ""
        } else {
            "+ (searching)"
        };
        let cap = if n >= super::search::MAX_MATCHES {
            format!("; only the first {n} matches are kept")
        } else {
            String::new()
        };
        let w = if wrapped { " (wrapped)" } else { "" };
        let long = if self.search.is_cut(s) {
            format!(
                " (runs on past {} MiB: kept up to there, the search goes on after it)",
                super::search::MAX_MATCH >> 20
            )
        } else {
            String::new()
        };
        format!(
            "match {}/{n}{more} of {what} at {}{long}{w}{cap}",
            i + 1,
            self.view.addr(s)
        )
    }

    /// How far a search that is still running has come, and what it found so far.
    fn search_progress(&self) -> String {
        let what = self
            .search
            .pattern()
            .map(|p| p.describe())
            .unwrap_or_default();
        let pct = self.search.searched() * 100 / self.view.size.max(1);
        match self.search.matches().len() {
            0 => format!("searching for {what}: {pct}% done, no match there yet"),
            n => format!("searching for {what}: {pct}% done, {n} match(es) so far (. jumps)"),
        }
    }

    /// Starts following the search on the status line if it runs on in the background.
    pub(crate) fn follow_search(&mut self, at: Option<(usize, bool)>) {
        self.search_report = match &self.status {
            Some((said, _)) if !self.search.done() => Some(SearchReport {
                said: said.clone(),
                at,
            }),
            _ => None,
        };
    }

    /// The background search reported. While the status line still says what the search
    /// last said there (nothing else was said since), it follows the search without a key:
    /// its progress, then its first match from the cursor (jumped to in the normal view, as a
    /// search of a small file does at once), then the count or "not found" when it ends.
    pub(crate) fn report_search(&mut self) {
        if !self.search_followed() {
            self.search_report = None;
            return;
        }
        let Some(r) = self.search_report.take() else {
            return;
        };
        let found = self.search.next_from(self.view.cursor, true);
        let at = match (r.at, found) {
            (Some((i, w)), _) => {
                self.info(self.match_said(i, w));
                Some((i, w))
            }
            (None, Some((i, w))) if self.mode == Mode::Normal => {
                self.next_match(true);
                Some((i, w))
            }
            (None, _) if !self.search.done() => {
                self.info(self.search_progress());
                None
            }
            (None, _) => {
                match self.search.matches().len() {
                    0 => self.next_match(true),
                    n => self.info(format!(
                        "{n} match(es) of {}: . jumps to the next",
                        self.search
                            .pattern()
                            .map(|p| p.describe())
                            .unwrap_or_default()
                    )),
                }
                None
            }
        };
        self.follow_search(at);
    }

    fn follow_pointer(&mut self) {
        let at = self.view.cursor as usize;
        let p = self.data().get(at..).and_then(FarPointer::read);
        let Some(p) = p else {
            return self.error("a far pointer needs 4 bytes at the cursor");
        };
        match p.target(self.view.origin, self.view.size) {
            Some(x) => {
                self.jump(x);
                self.info(format!(
                    "far pointer {:04X}:{:04X} -> {} (p again follows the pointer there; '' returns)",
                    p.segment,
                    p.offset,
                    self.view.addr(x)
                ));
            }
            None => self.error(format!(
                "far pointer {:04X}:{:04X} (linear {:X}h) points outside the file at origin {}",
                p.segment,
                p.offset,
                p.linear(),
                self.view.origin
            )),
        }
    }

    fn click(&mut self, col: u16, row: u16) {
        let a = self.areas();
        let inside = |r: ratatui::layout::Rect| {
            col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height
        };
        if let Some(x) = self.view.offset_at(a.dump, col, row) {
            self.view.cursor = x;
        } else if inside(a.minimap) && a.minimap.height > 0 {
            let x = self.minimap_offset(row - a.minimap.y, a.minimap.height);
            self.jump(x);
        }
    }

    /// The file offset minimap row `r` of `h` stands for: its line when the whole file fits
    /// beside it, else its share of the file.
    pub fn minimap_offset(&self, r: u16, h: u16) -> u64 {
        let lines = self.view.line_count();
        if lines <= h as u64 {
            self.view
                .line_range(r as u64)
                .0
                .min(self.view.size.saturating_sub(1))
        } else {
            (self.view.size as u128 * r as u128 / h as u128) as u64
        }
    }

    fn wheel(&mut self, col: u16, row: u16, lines: i64) {
        let a = self.areas();
        let over = |r: ratatui::layout::Rect| {
            col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height
        };
        if over(a.details) {
            self.scroll_details(lines);
        } else if over(a.values) {
            self.scroll_values(lines);
        } else {
            let rows = self.rows();
            self.view.scroll(lines, rows);
        }
    }

    /// J / K: scrolls the pane [`App::keys_scroll_values`] names; stops exactly where the
    /// pane's last line shows.
    fn scroll_details(&mut self, n: i64) {
        if self.keys_scroll_values() {
            return self.scroll_values(n);
        }
        let a = self.areas();
        let max = panes::max_scroll(&self.details_lines(), a.details);
        self.display.details_scroll = scrolled_by(self.display.details_scroll, n, max);
    }

    /// Whether J/K scroll the value inspector: it is open and the details pane is hidden or
    /// has nothing to scroll (the values then sit below the details, as at 120 columns).
    /// Otherwise J/K scroll the details. The panes' borders name their keys from this.
    pub fn keys_scroll_values(&self) -> bool {
        let a = self.areas();
        self.display.values
            && (a.details.width == 0 || panes::max_scroll(&self.details_lines(), a.details) == 0)
    }

    fn scroll_values(&mut self, n: i64) {
        let area = self.areas().values;
        let max = panes::max_scroll(&panes::values_lines(&self.pane_source()), area);
        self.display.values_scroll = scrolled_by(self.display.values_scroll, n, max);
    }
}

/// A pane's scroll moved by `n` lines and kept within `0..=max` (a scroll left past the end by
/// a resize or a change of content counts from the end).
fn scrolled_by(scroll: u16, n: i64, max: u16) -> u16 {
    (scroll.min(max) as i64 + n).clamp(0, max as i64) as u16
}

/// The next (or previous) of sorted `starts` after `cursor`, wrapping: (index, wrapped).
fn next_in(starts: &[u64], cursor: u64, forward: bool) -> (usize, bool) {
    if forward {
        match starts.iter().position(|&s| s > cursor) {
            Some(p) => (p, false),
            None => (0, true),
        }
    } else {
        match starts.iter().rposition(|&s| s < cursor) {
            Some(p) => (p, false),
            None => (starts.len() - 1, true),
        }
    }
}

//! The handlers of the modes other than the normal view: prompts (and what their text does
//! when submitted), help, lists, bookmarks and the copy-format letter.

use super::app::{App, CopyFormat, Effect};
use super::command::{Command, ListKind, Mode};
use super::prompt::{Prompt, PromptKind};
use super::search::{Pattern, SearchKind};
use crate::address::{self, Origin};
use crate::notes::Note;
use crate::sanitize;

impl App {
    /// A prompt has the keys: edits change its text, Enter submits it, Esc cancels it.
    pub(crate) fn prompt(&mut self, mut p: Prompt, cmd: Command) {
        match cmd {
            Command::Escape => {
                self.mode = Mode::Normal;
                self.info("cancelled");
            }
            Command::Enter => {
                self.mode = Mode::Normal;
                self.prompts.remember(p.kind, p.text());
                self.submit(p.kind, p.text().to_string());
            }
            Command::Edit(e) => {
                self.prompts.edit(&mut p, e);
                self.mode = Mode::Prompt(p);
            }
            Command::Paste(text) => {
                p.paste(&text);
                self.mode = Mode::Prompt(p);
            }
            Command::Quit => self.request_quit(),
            _ => {}
        }
    }

    fn submit(&mut self, kind: PromptKind, text: String) {
        match kind {
            PromptKind::Goto => self.goto(&text),
            PromptKind::Origin => match Origin::parse(&text) {
                Ok(o) => {
                    let rows = self.rows();
                    self.view.set_origin(o, rows);
                    self.notes.origin = Some(o.to_string());
                    self.info(format!(
                        "origin {o}: file offset 0 is now {o}; remembered for this file"
                    ));
                    self.effects.push(Effect::SaveNotes);
                }
                Err(e) => self.error(e.to_string()),
            },
            PromptKind::SearchText => self.start_search(SearchKind::Text, &text),
            PromptKind::SearchHex => self.start_search(SearchKind::Hex, &text),
            PromptKind::SearchRegex => self.start_search(SearchKind::Regex, &text),
            PromptKind::Note => self.add_note(text),
            PromptKind::EditNote(i) => self.edit_note(i, text),
        }
    }

    /// Goto: every address form, `+N` / `-N` relative to the cursor, `#3F00` (or plain digits
    /// with the `plain_hex` setting) as DEBUG-style hex offsets under the origin.
    fn goto(&mut self, text: &str) {
        let (o, size, cursor) = (self.view.origin, self.view.size, self.view.cursor);
        let t = text.trim_ascii();
        if t.is_empty() {
            return self.info("no address given; the cursor stays");
        }
        let target = if let Some(rest) = t.strip_prefix('+').or_else(|| t.strip_prefix('-')) {
            match address::parse_number_saturating(rest.trim_ascii()) {
                None => Err(format!(
                    "invalid move '{}': expected +N or -N bytes (decimal, 0x1F or 1Fh)",
                    sanitize::line(t)
                )),
                Some(n) => self.moved(t.starts_with('+'), n, t),
            }
        } else {
            // DEBUG-style: plain hex is an offset in the cursor's segment, as `d 3F00` is.
            let hex = t.strip_prefix('#').or_else(|| {
                (self.settings.plain_hex && t.bytes().all(|c| c.is_ascii_hexdigit())).then_some(t)
            });
            let seg = o.address(cursor).segment;
            let t = hex
                .map(|h| format!("{seg:04X}:{h}"))
                .unwrap_or_else(|| t.to_string());
            address::parse_location(&t, o, size).map_err(|e| e.to_string())
        };
        match target {
            Ok(x) => {
                self.jump(x);
                self.info(format!("at {}  ('' returns)", self.view.addr(x)));
            }
            Err(e) => self.error(e),
        }
    }

    /// The offset `n` bytes after (`forward`) or before the cursor, if it is in the file
    /// (`t`: the move as typed, for the message).
    fn moved(&self, forward: bool, n: u64, t: &str) -> Result<u64, String> {
        let (size, cursor) = (self.view.size, self.view.cursor);
        let to = if forward {
            cursor.checked_add(n)
        } else {
            cursor.checked_sub(n)
        };
        to.filter(|&x| x < size).ok_or_else(|| {
            format!(
                "cannot move '{}' from {}: the file has offsets 0 to {}",
                sanitize::line(t),
                self.view.addr(cursor),
                size.saturating_sub(1)
            )
        })
    }

    fn start_search(&mut self, kind: SearchKind, text: &str) {
        let p = match Pattern::new(kind, text) {
            Ok(p) => p,
            Err(e) => return self.error(e.to_string()),
        };
        let src = self.src.clone();
        if let Some(p) = self.search.start(p, &*src) {
            self.effects.push(Effect::Search(p));
        }
        self.next_match(true);
        self.follow_search(None);
    }

    fn add_note(&mut self, text: String) {
        let text = text.trim().to_string();
        if text.is_empty() {
            return self.info("empty note not saved");
        }
        let (start, end) = match (self.selection(), self.index.shown_at(self.view.cursor)) {
            (Some(sel), _) => sel,
            (None, Some(f)) => (f.start, f.end),
            (None, None) => (self.view.cursor, self.view.cursor + 1),
        };
        let note = Note::new(start, end, &text, self.notes.examiner.as_deref());
        self.notes.add(note);
        self.effects.push(Effect::SaveNotes);
    }

    fn edit_note(&mut self, i: usize, text: String) {
        let text = text.trim().to_string();
        if text.is_empty() {
            self.notes.editing = None;
            self.mode = Mode::List(ListKind::Notes, i);
            return self.info("a note cannot be empty; d in the notes list deletes it");
        }
        match self.notes.edit(&text) {
            Some(i) => {
                self.effects.push(Effect::SaveNotes);
                self.mode = Mode::List(ListKind::Notes, i);
            }
            None => {
                let last = self.notes.notes.len().saturating_sub(1);
                self.mode = Mode::List(ListKind::Notes, i.min(last));
                self.error("that note was changed or deleted meanwhile (another inspector saved); not edited");
            }
        }
    }

    /// The help overlay: arrows and J/K scroll it, anything else closes it.
    /// Scrolling stops where the last line shows.
    pub(crate) fn help(&mut self, scroll: u16, cmd: Command) {
        let (_, max) = super::layout::help_area(self.view.screen(), super::layout::help_lines());
        let by = |n: i64| Mode::Help((scroll.min(max) as i64 + n).clamp(0, max as i64) as u16);
        self.mode = match cmd {
            Command::Down | Command::ScrollDetails(3) => by(1),
            Command::Up | Command::ScrollDetails(-3) => by(-1),
            Command::PageDown => by(10),
            Command::PageUp => by(-10),
            Command::Wheel { lines, .. } => by(lines),
            Command::Quit => {
                self.request_quit();
                Mode::Normal
            }
            _ => Mode::Normal,
        };
    }

    /// A list has the keys: move, Enter jumps, Esc (or its key again) closes; in the notes
    /// list `e` edits and `d`/Delete deletes.
    pub(crate) fn list(&mut self, kind: ListKind, sel: usize, cmd: Command) {
        let n = self.list_len(kind);
        let last = n.saturating_sub(1);
        let to = |i: usize| Mode::List(kind, i.min(last));
        match cmd {
            Command::Up => self.mode = to(sel.saturating_sub(1)),
            Command::Down => self.mode = to(sel + 1),
            Command::PageUp => self.mode = to(sel.saturating_sub(10)),
            Command::PageDown => self.mode = to(sel + 10),
            Command::Home => self.mode = to(0),
            Command::End => self.mode = to(last),
            Command::Enter => self.list_enter(kind, sel),
            Command::Char('e') if kind == ListKind::Notes && sel < n => {
                self.notes.editing = Some(self.notes.notes[sel].clone());
                let text = self.notes.notes[sel].text.clone();
                self.mode = Mode::Prompt(Prompt::new(PromptKind::EditNote(sel), &text));
            }
            Command::Delete if kind == ListKind::Notes && sel < n => {
                let gone = self.notes.delete(sel);
                self.effects.push(Effect::SaveNotes);
                self.info(format!(
                    "note deleted: {} (u brings it back)",
                    sanitize::line_clipped(&gone.text, super::SHOWN_NOTE)
                ));
                self.mode = to(sel.min(n.saturating_sub(2)));
            }
            Command::Char('u') if kind == ListKind::Notes => match self.notes.undelete() {
                Some(i) => {
                    self.effects.push(Effect::SaveNotes);
                    self.info("note brought back");
                    self.mode = to(i);
                }
                None => self.error("no deleted note to bring back"),
            },
            Command::Escape | Command::ToggleList | Command::MatchList | Command::NotesList => {
                self.mode = Mode::Normal
            }
            Command::Click { col, row } => self.list_click(kind, sel, col, row),
            Command::Wheel { lines, .. } => {
                self.mode = to((sel as i64 + lines).clamp(0, last as i64) as usize)
            }
            Command::Quit => self.request_quit(),
            Command::Resize { .. } => {}
            _ => {}
        }
    }

    fn list_enter(&mut self, kind: ListKind, sel: usize) {
        self.mode = Mode::Normal;
        match kind {
            ListKind::Findings => {
                if let Some((id, start, name)) = self
                    .index
                    .visible_nth(sel)
                    .map(|f| (f.id, f.start, f.kind.name()))
                {
                    self.index.current = Some(id);
                    self.jump(start);
                    self.info(format!(
                        "finding #{id}: {name} at {}",
                        self.view.addr(start)
                    ));
                }
            }
            ListKind::Matches => {
                if let Some(&(s, _)) = self.search.matches().get(sel) {
                    self.jump(s);
                    self.info(self.match_said(sel, false));
                }
            }
            ListKind::Notes => {
                if let Some(n) = self.notes.notes.get(sel) {
                    let size = self.view.size;
                    let s = n.start.min(size.saturating_sub(1));
                    let past = n.start >= size;
                    let start = n.start;
                    self.jump(s);
                    if past {
                        self.error(format!(
                            "note {} starts at offset {start}, past the end of the file ({}): the cursor is on its last byte",
                            sel + 1,
                            crate::address::bytes(size)
                        ));
                    } else {
                        self.info(format!("note {} at {}", sel + 1, self.view.addr(s)));
                    }
                }
            }
        }
    }

    fn list_click(&mut self, kind: ListKind, sel: usize, col: u16, row: u16) {
        let a = self.areas().list;
        let inside = col >= a.x && col < a.x + a.width && row > a.y && row < a.y + a.height;
        if !inside {
            return;
        }
        let h = a.height.saturating_sub(1) as usize;
        let n = self.list_len(kind);
        let first = super::layout::list_first(sel, n, h);
        let i = first + (row - a.y - 1) as usize;
        if i < n {
            self.list_enter(kind, i);
        }
    }

    /// `m` then a letter: sets a bookmark.
    pub(crate) fn set_mark(&mut self, cmd: Command) {
        self.mode = Mode::Normal;
        match cmd {
            Command::Char(c) if c.is_ascii_alphanumeric() => {
                self.notes.bookmarks.insert(c, self.view.cursor);
                self.effects.push(Effect::SaveNotes);
                let at = self.view.addr(self.view.cursor);
                self.info(format!("bookmark '{c}' at {at}"));
            }
            Command::Escape => self.info("cancelled"),
            _ => self.error("bookmarks are named by an ASCII letter or digit (a-z, A-Z, 0-9)"),
        }
    }

    /// `'` then a letter: jumps to a bookmark; `''` returns to where the last jump left.
    pub(crate) fn jump_mark(&mut self, cmd: Command) {
        self.mode = Mode::Normal;
        match cmd {
            Command::Char('\'') | Command::Char('`') => match self.view.jump_back() {
                Some(x) => {
                    let a = self.view.addr(x);
                    self.info(format!("back at {a} ('' again returns)"));
                }
                None => self.error("no jump to return from yet"),
            },
            Command::Char(c) if c.is_ascii_alphanumeric() => match self.notes.bookmarks.get(&c) {
                Some(&x) if x < self.view.size => {
                    self.jump(x);
                    let a = self.view.addr(x);
                    self.info(format!("bookmark '{c}': {a}"));
                }
                Some(_) => self.error(format!("bookmark '{c}' lies past the end of the file")),
                None => self.error(format!("no bookmark '{c}'")),
            },
            Command::Escape => self.info("cancelled"),
            _ => self.error(
                "bookmarks are named by an ASCII letter or digit (a-z, A-Z, 0-9); '' returns",
            ),
        }
    }

    /// What a copy covers: the selection, else the finding shown, else 16 bytes from the cursor.
    pub(crate) fn copy_subject(&self) -> (u64, u64, String) {
        if let Some((s, e)) = self.selection() {
            return (s, e, format!("{}-{}", self.view.addr(s), e - s));
        }
        if let Some(f) = self.index.shown_at(self.view.cursor) {
            return (f.start, f.end, format!("F{}", f.id));
        }
        let c = self.view.cursor;
        let e = (c + 16).min(self.view.size);
        (c, e, format!("{}-{}", self.view.addr(c), e - c))
    }

    pub(crate) fn start_copy(&mut self) {
        if self.view.size == 0 {
            return self.error("nothing to copy: the file is empty");
        }
        self.mode = Mode::CopyAs;
    }

    /// `y` then a letter: the copy format.
    pub(crate) fn copy_as(&mut self, cmd: Command) {
        self.mode = Mode::Normal;
        let format = match cmd {
            Command::Char('h') => CopyFormat::Hex,
            Command::Char('d') => CopyFormat::Debug,
            Command::Char('c') => CopyFormat::CArray,
            Command::Char('r') => CopyFormat::Raw,
            Command::Escape => return self.info("cancelled"),
            _ => return self.error("copy as: h hex, d DEBUG lines, c C array, r raw bytes"),
        };
        let (s, e, label) = self.copy_subject();
        self.effects.push(Effect::Copy(format, s, e, label));
    }
}

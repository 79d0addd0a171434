//! The inspector's state and the one `update` that changes it. Key and mouse events arrive as
//! [`Command`]s (see keys.rs); scan results arrive as [`ScanMsg`]s. Rendering reads this state
//! and nothing else.

use super::layout;
use crate::address::{self, Origin};
use crate::detect::{ccm::Message, DamagedHeader, FileKind, Finding, FindingKind, Report};
use crate::dump::LineLayout;
use crate::notes::{self, Bookmark, Note, Sidecar};
use crate::output::Guard;
use crate::report::export::{self as ex, ExportFormat, Selection};
use crate::source::Source;
use crate::{sanitize, Error};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Everything a key or the mouse can ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    HalfUp,
    HalfDown,
    Home,
    End,
    NextHeader,
    PrevHeader,
    NextFinding,
    PrevFinding,
    /// Next / previous message header of a .CCM file, damaged or not.
    NextMessage,
    PrevMessage,
    Goto,
    SetOrigin,
    SearchText,
    SearchHex,
    SearchNext,
    SearchPrev,
    Mark,
    JumpMark,
    ToggleSelect,
    Annotate,
    Export,
    ToggleWeak,
    ToggleList,
    Help,
    Quit,
    /// Esc: close what is open, clear the selection, or quit.
    Escape,
    /// A character typed into a prompt or after `m` / `'`.
    Char(char),
    Backspace,
    Enter,
    Click {
        col: u16,
        row: u16,
    },
    Scroll(i64),
    Resize {
        width: u16,
        height: u16,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    Goto,
    Origin,
    SearchText,
    SearchHex,
    Note,
}

impl Prompt {
    pub fn label(self) -> &'static str {
        match self {
            Prompt::Goto => "go to (SEG:OFF, 0x3E00, 3E00h, decimal, 50%): ",
            Prompt::Origin => "origin SEG:OFF: ",
            Prompt::SearchText => "search text: ",
            Prompt::SearchHex => "search hex bytes: ",
            Prompt::Note => "note: ",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Prompt(Prompt, String),
    Help,
    /// The findings list has the keys; the index is into [`App::visible_findings`].
    List(usize),
    /// `m` was pressed: the next letter names a bookmark.
    SetMark,
    /// `'` was pressed: the next letter jumps to a bookmark.
    JumpMark,
}

/// Messages from the background workers.
pub enum ScanMsg {
    /// Findings, final and in file order, continuing the ones already received.
    Findings(Vec<Finding>),
    /// A damaged header, after its writes.
    Header(DamagedHeader),
    Done(Report),
    Hash(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Info,
    Error,
}

pub struct App {
    pub src: Arc<Source>,
    pub origin: Origin,
    /// Size the view uses: the file's current size (it may have shrunk since it was opened).
    pub size: u64,
    pub kind: Option<FileKind>,
    pub findings: Vec<Finding>,
    /// Findings longer than [`LONG`], looked at one by one (few); the rest by binary search.
    pub long: Vec<usize>,
    /// Damaged headers, in file order.
    pub headers: Vec<DamagedHeader>,
    pub messages: Vec<Message>,
    pub scan_done: bool,
    pub progress: (u64, u64),
    pub dropped: u64,
    pub cursor: u64,
    /// Index of the top dump line (lines count from the address grid, see [`App::line_of`]).
    pub top: u64,
    pub anchor: Option<u64>,
    pub mode: Mode,
    pub show_weak: bool,
    pub show_list: bool,
    pub bookmarks: BTreeMap<char, u64>,
    pub notes: Vec<Note>,
    pub status: Option<(String, Severity)>,
    pub last_search: Option<Vec<u8>>,
    pub sha256: Option<String>,
    pub notes_path: Option<PathBuf>,
    /// The notes as last loaded from or saved to the sidecar (the base of the merge on save).
    pub notes_base: Sidecar,
    /// Where `e` writes exports and where default notes go: the case folder.
    pub out_dir: PathBuf,
    /// What every output is checked against: the examined files and their folders.
    pub guard: Arc<Guard>,
    pub explicit_notes: Option<PathBuf>,
    pub width: u16,
    pub height: u16,
    pub quit: bool,
    /// The examiner was told the file grew (told once).
    pub grew_warned: bool,
}

/// Lines shown above a jump target.
pub const CONTEXT_ABOVE: u64 = 3;
/// Findings at least this long are indexed apart.
pub const LONG: u64 = 4096;

impl App {
    pub fn new(src: Arc<Source>, origin: Origin) -> App {
        let size = src.len();
        App {
            src: src.clone(),
            origin,
            size,
            kind: None,
            findings: Vec::new(),
            long: Vec::new(),
            headers: Vec::new(),
            messages: Vec::new(),
            scan_done: false,
            progress: (0, size),
            dropped: 0,
            cursor: 0,
            top: 0,
            anchor: None,
            mode: Mode::Normal,
            show_weak: true,
            show_list: false,
            bookmarks: BTreeMap::new(),
            notes: Vec::new(),
            status: None,
            last_search: None,
            sha256: None,
            notes_path: None,
            notes_base: Sidecar::default(),
            out_dir: PathBuf::from("."),
            guard: Arc::new(match src.path() {
                Some(p) => Guard::new(&[p]).unwrap_or_else(Guard::refusing),
                None => Guard::default(),
            }),
            explicit_notes: None,
            width: 80,
            height: 24,
            quit: false,
            grew_warned: false,
        }
    }

    /// The bytes the view may touch: never past the file's current size.
    pub fn data(&self) -> &[u8] {
        let b = self.src.bytes();
        &b[..(self.size as usize).min(b.len())]
    }

    fn phase(&self) -> u64 {
        (self.origin.offset & 15) as u64
    }

    /// Dump line holding file offset `x`.
    pub fn line_of(&self, x: u64) -> u64 {
        (x + self.phase()) / 16
    }

    /// First file offset shown on line `l` and the end of that line, `[start, end)`.
    pub fn line_range(&self, l: u64) -> (u64, u64) {
        let start = (l * 16).saturating_sub(self.phase());
        let end = (l * 16 + 16 - self.phase()).min(self.size);
        (start, end)
    }

    pub fn line_count(&self) -> u64 {
        if self.size == 0 {
            0
        } else {
            self.line_of(self.size - 1) + 1
        }
    }

    /// Dump rows visible, from the layout for the current terminal size.
    pub fn rows(&self) -> u64 {
        layout::areas(
            ratatui::layout::Rect::new(0, 0, self.width, self.height),
            self.show_list,
        )
        .dump
        .height
        .max(1) as u64
    }

    pub fn visible(&self, f: &Finding) -> bool {
        self.show_weak || f.suspected()
    }

    /// Findings the list and `]`/`[` walk: weak ones only when shown.
    pub fn visible_findings(&self) -> Vec<usize> {
        (0..self.findings.len())
            .filter(|&i| self.visible(&self.findings[i]))
            .collect()
    }

    /// Rebuilds the lookup index after the findings changed.
    pub fn reindex(&mut self) {
        self.long = (0..self.findings.len())
            .filter(|&i| self.findings[i].len() >= LONG)
            .collect();
    }

    /// The damaged header covering file offset `x`, if any.
    pub fn header_at(&self, x: u64) -> Option<&DamagedHeader> {
        let i = self.headers.partition_point(|h| h.start <= x);
        self.headers[..i]
            .iter()
            .rev()
            .take(8)
            .find(|h| x < h.end.max(h.start + 1))
    }

    /// Indices (sorted) of the findings that overlap `[start, end)`.
    pub fn findings_in(&self, start: u64, end: u64) -> Vec<usize> {
        let f = &self.findings;
        let hi = f.partition_point(|x| x.start < end);
        let mut out: Vec<usize> = (0..hi)
            .rev()
            .take_while(|&i| f[i].start + LONG > start)
            .filter(|&i| f[i].end.max(f[i].start + 1) > start)
            .collect();
        out.extend(
            self.long
                .iter()
                .copied()
                .filter(|&i| i < hi && f[i].end > start && f[i].start + LONG <= start),
        );
        out.sort_unstable();
        out
    }

    /// The finding the details pane shows: the most specific one under the cursor.
    pub fn finding_at(&self, x: u64) -> Option<usize> {
        self.findings_in(x, x + 1)
            .into_iter()
            .filter(|&i| self.visible(&self.findings[i]))
            .min_by_key(|&i| {
                (
                    rank(self.findings[i].kind),
                    std::cmp::Reverse(self.findings[i].start),
                )
            })
    }

    pub fn selection(&self) -> Option<(u64, u64)> {
        self.anchor
            .map(|a| (a.min(self.cursor), a.max(self.cursor) + 1))
    }

    pub fn info(&mut self, s: impl Into<String>) {
        self.status = Some((s.into(), Severity::Info));
    }

    pub fn error(&mut self, s: impl Into<String>) {
        self.status = Some((s.into(), Severity::Error));
    }

    fn clamp_cursor(&mut self) {
        if self.size == 0 {
            self.cursor = 0;
        } else if self.cursor >= self.size {
            self.cursor = self.size - 1;
        }
    }

    /// Keeps the cursor's line on screen.
    fn follow(&mut self) {
        let rows = self.rows();
        let l = self.line_of(self.cursor);
        if l < self.top {
            self.top = l;
        } else if l >= self.top + rows {
            self.top = l + 1 - rows;
        }
    }

    /// Moves the cursor to `x` and shows it with a few lines of context above.
    pub fn jump(&mut self, x: u64) {
        self.cursor = x;
        self.clamp_cursor();
        self.top = self.line_of(self.cursor).saturating_sub(CONTEXT_ABOVE);
    }

    fn move_by(&mut self, delta: i64) {
        self.cursor = if delta < 0 {
            self.cursor.saturating_sub(delta.unsigned_abs())
        } else {
            self.cursor.saturating_add(delta as u64)
        };
        self.clamp_cursor();
        self.follow();
    }

    fn scroll(&mut self, lines: i64) {
        let max_top = self.line_count().saturating_sub(1);
        self.top = if lines < 0 {
            self.top.saturating_sub(lines.unsigned_abs())
        } else {
            (self.top + lines as u64).min(max_top)
        };
        let rows = self.rows();
        let l = self.line_of(self.cursor);
        if l < self.top {
            self.cursor = self.line_range(self.top).0;
        } else if l >= self.top + rows {
            self.cursor = self.line_range(self.top + rows - 1).0;
        }
        self.clamp_cursor();
    }

    /// Next (or previous) item of `list` (finding indices) after the cursor, wrapping.
    fn walk(&mut self, list: &[usize], forward: bool, what: &str) {
        let starts: Vec<u64> = list.iter().map(|&i| self.findings[i].start).collect();
        let kinds: Vec<&'static str> = list.iter().map(|&i| self.findings[i].kind.name()).collect();
        self.walk_starts(&starts, forward, what, &|k| format!(": {}", kinds[k]));
    }

    fn walk_headers(&mut self, forward: bool) {
        let starts: Vec<u64> = self.headers.iter().map(|h| h.start).collect();
        let writes: Vec<usize> = self.headers.iter().map(|h| h.writes.len()).collect();
        self.walk_starts(&starts, forward, "damaged headers", &|k| {
            format!(": {} write(s)", writes[k])
        });
    }

    /// Moves to the next (or previous) of `starts` after the cursor, wrapping, and says where
    /// it went; `describe` adds words about the item chosen.
    fn walk_starts(
        &mut self,
        starts: &[u64],
        forward: bool,
        what: &str,
        describe: &dyn Fn(usize) -> String,
    ) {
        if starts.is_empty() {
            let extra = if self.scan_done {
                ""
            } else {
                " yet (the scan is still running)"
            };
            return self.error(format!("no {what}{extra}"));
        }
        let (target, wrapped) = if forward {
            match starts.iter().position(|&s| s > self.cursor) {
                Some(p) => (p, false),
                None => (0, true),
            }
        } else {
            match starts.iter().rposition(|&s| s < self.cursor) {
                Some(p) => (p, false),
                None => (starts.len() - 1, true),
            }
        };
        self.jump(starts[target]);
        let msg = format!(
            "{} {}/{}{} at {}",
            what.trim_end_matches('s'),
            target + 1,
            starts.len(),
            describe(target),
            self.origin.address(starts[target])
        );
        if wrapped {
            self.info(format!(
                "{msg} (wrapped to the {})",
                if forward { "first" } else { "last" }
            ));
        } else {
            self.info(msg);
        }
    }

    fn search(&mut self, forward: bool) {
        let Some(needle) = self.last_search.clone() else {
            self.error("no search yet: / searches text, \\ searches hex bytes");
            return;
        };
        let data = self.data();
        let shown = sanitize::bytes_line(&needle);
        let hit = if forward {
            let from = (self.cursor + 1).min(self.size) as usize;
            memchr::memmem::find(&data[from..], &needle)
                .map(|p| (from + p, false))
                .or_else(|| {
                    memchr::memmem::find(&data[..from.min(data.len())], &needle).map(|p| (p, true))
                })
        } else {
            let until = self.cursor as usize;
            memchr::memmem::rfind(&data[..until], &needle)
                .map(|p| (p, false))
                .or_else(|| memchr::memmem::rfind(data, &needle).map(|p| (p, true)))
        };
        match hit {
            Some((p, wrapped)) => {
                self.jump(p as u64);
                let w = if wrapped { " (wrapped)" } else { "" };
                self.info(format!(
                    "found '{shown}' at {}{w}",
                    self.origin.address(p as u64)
                ));
            }
            None => self.error(format!("not found: '{shown}'")),
        }
    }

    fn submit(&mut self, prompt: Prompt, text: String) {
        match prompt {
            Prompt::Goto => match address::parse_location(&text, self.origin, self.size) {
                Ok(x) => {
                    self.jump(x);
                    self.info(format!("at {}", self.origin.address(x)));
                }
                Err(e) => self.error(e.to_string()),
            },
            Prompt::Origin => match Origin::parse(&text) {
                Ok(o) => {
                    let top_off = self.line_range(self.top).0;
                    self.origin = o;
                    self.top = self.line_of(top_off);
                    self.follow();
                    self.info(format!("origin {o}: file offset 0 is now {o}"));
                }
                Err(e) => self.error(e.to_string()),
            },
            Prompt::SearchText => {
                if text.is_empty() {
                    return self.error("empty search");
                }
                self.last_search = Some(text.into_bytes());
                self.search(true);
            }
            Prompt::SearchHex => match parse_hex_bytes(&text) {
                Ok(b) => {
                    self.last_search = Some(b);
                    self.search(true);
                }
                Err(e) => self.error(e.to_string()),
            },
            Prompt::Note => {
                let text = text.trim().to_string();
                if text.is_empty() {
                    return self.info("empty note not saved");
                }
                let (start, end) = match (self.selection(), self.finding_at(self.cursor)) {
                    (Some(sel), _) => sel,
                    (None, Some(i)) => (self.findings[i].start, self.findings[i].end),
                    (None, None) => (self.cursor, self.cursor + 1),
                };
                self.notes.push(Note::new(start, end, &text, None));
                match self.save_notes() {
                    Ok(Some(p)) => self.info(format!("note saved to {}", sanitize::path(&p))),
                    Ok(None) => {
                        self.info("note kept; it is saved once the file's SHA-256 is known")
                    }
                    Err(e) => self.error(e.to_string()),
                }
            }
        }
    }

    /// Writes notes and bookmarks to the sidecar in the case folder (or `--notes`), merged
    /// with what another inspector saved there meanwhile; takes in the merged result.
    pub fn save_notes(&mut self) -> Result<Option<PathBuf>, Error> {
        let Some(sha) = self.sha256.clone() else {
            return Ok(None);
        };
        let path = self.notes_path.clone().unwrap_or_else(|| {
            self.out_dir
                .join(notes::default_path(self.src.name(), &sha))
        });
        let mut s = Sidecar::new(self.src.name(), self.src.len(), &sha);
        s.notes = self.notes.clone();
        s.bookmarks = self
            .bookmarks
            .iter()
            .map(|(&key, &offset)| Bookmark { key, offset })
            .collect();
        let saved = notes::save(&path, &self.notes_base, &s, &self.guard)?;
        self.notes = saved.notes.clone();
        self.bookmarks = saved.bookmarks.iter().map(|b| (b.key, b.offset)).collect();
        self.notes_base = saved;
        self.notes_path = Some(path.clone());
        Ok(Some(path))
    }

    fn export(&mut self) {
        let Some(sha) = self.sha256.clone() else {
            return self.error("the SHA-256 is still being computed; export again in a moment");
        };
        let mut report = Report::new(self.kind.unwrap_or(FileKind::Binary));
        report.findings = self.findings.clone();
        report.headers = self.headers.clone();
        report.messages = self.messages.clone();
        let sidecar = Sidecar {
            notes: self.notes.clone(),
            ..Sidecar::new(self.src.name(), self.size, &sha)
        };
        let (what, selection) = if let Some((s, e)) = self.selection() {
            ("selection", Selection::Range(s, e))
        } else if let Some(i) = self.finding_at(self.cursor) {
            ("finding", Selection::Findings(vec![self.findings[i].id]))
        } else {
            ("all findings", Selection::Listed(crate::detect::SUSPECTED))
        };
        let excerpts = match ex::excerpts(
            &report,
            self.size,
            self.origin,
            &selection,
            2,
            Some(&sidecar),
        ) {
            Ok(e) => e,
            Err(e) => return self.error(e.to_string()),
        };
        let doc = crate::report::Document {
            path: self.src.name().to_string(),
            size: self.size,
            sha256: sha.clone(),
            origin: self.origin,
            exported: crate::report::now_rfc3339(),
            report: &report,
            data: self.data(),
            excerpts,
            sidecar: Some(&sidecar),
            min: crate::detect::SUSPECTED,
        };
        let text = ex::render(&doc, ExportFormat::Text);
        let stem = notes::default_path(self.src.name(), &sha)
            .to_string_lossy()
            .replace(".clanscope-notes.json", "");
        let stem = format!(
            "{stem}.{}",
            self.origin
                .address(self.cursor)
                .to_string()
                .replace(':', "_")
        );
        let written = self
            .guard
            .create_unique(&self.out_dir, &stem, ".export.txt")
            .and_then(|(mut f, path)| {
                use std::io::Write;
                f.write_all(text.as_bytes())
                    .map_err(|e| Error::io(&path, &e))
                    .map(|()| path)
            });
        match written {
            Ok(path) => self.info(format!("exported {what} to {}", sanitize::path(&path))),
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Takes in what the background scan and hash found.
    pub fn absorb(&mut self, msg: ScanMsg) {
        match msg {
            ScanMsg::Findings(mut batch) => {
                batch.retain(|f| f.start < self.size);
                let from = self.findings.len();
                self.findings.extend(batch);
                let long = (from..self.findings.len()).filter(|&i| self.findings[i].len() >= LONG);
                self.long.extend(long);
            }
            ScanMsg::Header(h) => {
                if h.start < self.size {
                    self.headers.push(h);
                }
            }
            ScanMsg::Done(r) => {
                self.kind = Some(r.kind);
                self.findings = r.findings;
                self.findings.retain(|f| f.start < self.size);
                self.headers = r.headers;
                self.headers.retain(|h| h.start < self.size);
                self.messages = r.messages;
                self.dropped = r.dropped;
                self.reindex();
                self.scan_done = true;
                self.progress = (self.size, self.size);
                let n = self.headers.len();
                if self.status.is_none() {
                    self.info(format!(
                        "scan done: {n} damaged header(s), {} finding(s); n: next damaged header",
                        self.findings.len()
                    ));
                }
            }
            ScanMsg::Hash(h) => {
                self.sha256 = Some(h.clone());
                let path = self
                    .explicit_notes
                    .clone()
                    .unwrap_or_else(|| self.out_dir.join(notes::default_path(self.src.name(), &h)));
                match notes::load(&path, &h) {
                    Ok(notes::Loaded::Applied(s)) => {
                        self.notes_base = s.clone();
                        self.notes.extend(s.notes);
                        for b in s.bookmarks {
                            self.bookmarks.entry(b.key).or_insert(b.offset);
                        }
                        self.notes_path = Some(path);
                    }
                    Ok(notes::Loaded::Mismatch(w)) => self.error(w),
                    Ok(notes::Loaded::Missing) => {
                        if !self.notes.is_empty() || !self.bookmarks.is_empty() {
                            let _ = self.save_notes();
                        }
                    }
                    Err(e) => self.error(e.to_string()),
                }
            }
        }
    }

    /// The file's size now; a shrunk file is shown to its new end with a warning.
    pub fn recheck_size(&mut self) {
        let on_disk = self.src.size_on_disk();
        if on_disk > self.src.len() && !self.grew_warned {
            self.grew_warned = true;
            self.error(format!(
                "the file grew to {on_disk} bytes since it was opened; showing the {} bytes it had then (reopen to see the rest)",
                self.src.len()
            ));
        }
        let now = self.src.current_len().min(self.src.len());
        if now != self.size {
            let was = self.size;
            self.size = now;
            self.findings.retain(|f| f.start < now);
            self.headers.retain(|h| h.start < now);
            self.reindex();
            self.clamp_cursor();
            self.top = self.top.min(self.line_count().saturating_sub(1));
            self.error(format!(
                "the file changed size while open: {was} -> {now} bytes; showing {now}"
            ));
        }
    }

    /// The one place state changes.
    pub fn update(&mut self, cmd: Command) {
        if let Command::Resize { width, height } = cmd {
            self.width = width;
            self.height = height;
            self.follow();
            return;
        }
        match self.mode.clone() {
            Mode::Prompt(p, mut text) => {
                match cmd {
                    Command::Escape => self.mode = Mode::Normal,
                    Command::Enter => {
                        self.mode = Mode::Normal;
                        self.submit(p, text);
                    }
                    Command::Backspace => {
                        text.pop();
                        self.mode = Mode::Prompt(p, text);
                    }
                    Command::Char(c) => {
                        if text.chars().count() < 200 && !sanitize::is_unsafe(c) {
                            text.push(c);
                        }
                        self.mode = Mode::Prompt(p, text);
                    }
                    _ => {}
                }
                return;
            }
            Mode::Help => {
                if matches!(
                    cmd,
                    Command::Escape | Command::Help | Command::Quit | Command::Enter
                ) {
                    self.mode = Mode::Normal;
                }
                return;
            }
            Mode::SetMark | Mode::JumpMark => {
                let setting = self.mode == Mode::SetMark;
                self.mode = Mode::Normal;
                if let Command::Char(c) = cmd {
                    if c.is_ascii_alphanumeric() {
                        if setting {
                            self.bookmarks.insert(c, self.cursor);
                            let _ = self.save_notes();
                            self.info(format!(
                                "bookmark '{c}' at {}",
                                self.origin.address(self.cursor)
                            ));
                        } else if let Some(&x) = self.bookmarks.get(&c) {
                            if x < self.size {
                                self.jump(x);
                                self.info(format!("bookmark '{c}': {}", self.origin.address(x)));
                            } else {
                                self.error(format!("bookmark '{c}' lies past the end of the file"));
                            }
                        } else {
                            self.error(format!("no bookmark '{c}'"));
                        }
                        return;
                    }
                }
                self.info("bookmarks are named by a letter or digit");
                return;
            }
            Mode::List(sel) => {
                let list = self.visible_findings();
                let n = list.len();
                match cmd {
                    Command::Up => self.mode = Mode::List(sel.saturating_sub(1)),
                    Command::Down => self.mode = Mode::List((sel + 1).min(n.saturating_sub(1))),
                    Command::PageUp => self.mode = Mode::List(sel.saturating_sub(10)),
                    Command::PageDown => {
                        self.mode = Mode::List((sel + 10).min(n.saturating_sub(1)))
                    }
                    Command::Home => self.mode = Mode::List(0),
                    Command::End => self.mode = Mode::List(n.saturating_sub(1)),
                    Command::Enter => {
                        if let Some(&i) = list.get(sel) {
                            self.jump(self.findings[i].start);
                            self.info(format!(
                                "finding #{}: {} at {}",
                                i + 1,
                                self.findings[i].kind.name(),
                                self.origin.address(self.findings[i].start)
                            ));
                        }
                        self.mode = Mode::Normal;
                    }
                    Command::Escape | Command::ToggleList => {
                        self.mode = Mode::Normal;
                        self.show_list = false;
                    }
                    Command::Quit => self.quit = true,
                    _ => {}
                }
                return;
            }
            Mode::Normal => {}
        }
        self.status = None;
        let rows = self.rows() as i64;
        match cmd {
            Command::Up => self.move_by(-16),
            Command::Down => self.move_by(16),
            Command::Left => self.move_by(-1),
            Command::Right => self.move_by(1),
            Command::PageUp => {
                self.scroll(-rows);
                self.move_by(-16 * rows);
            }
            Command::PageDown => {
                self.scroll(rows);
                self.move_by(16 * rows);
            }
            Command::HalfUp => self.move_by(-16 * (rows / 2).max(1)),
            Command::HalfDown => self.move_by(16 * (rows / 2).max(1)),
            Command::Home => {
                self.cursor = 0;
                self.top = 0;
            }
            Command::End => {
                self.cursor = self.size.saturating_sub(1);
                self.follow();
            }
            Command::NextHeader => self.walk_headers(true),
            Command::PrevHeader => self.walk_headers(false),
            Command::NextFinding => self.walk(&self.visible_findings(), true, "findings"),
            Command::PrevFinding => self.walk(&self.visible_findings(), false, "findings"),
            Command::NextMessage | Command::PrevMessage => {
                let starts: Vec<u64> = self.messages.iter().map(|m| m.header_start).collect();
                self.walk_starts(
                    &starts,
                    cmd == Command::NextMessage,
                    "message headers",
                    &|_| String::new(),
                );
            }
            Command::Goto => self.mode = Mode::Prompt(Prompt::Goto, String::new()),
            Command::SetOrigin => self.mode = Mode::Prompt(Prompt::Origin, self.origin.to_string()),
            Command::SearchText => self.mode = Mode::Prompt(Prompt::SearchText, String::new()),
            Command::SearchHex => self.mode = Mode::Prompt(Prompt::SearchHex, String::new()),
            Command::SearchNext => self.search(true),
            Command::SearchPrev => self.search(false),
            Command::Mark => self.mode = Mode::SetMark,
            Command::JumpMark => self.mode = Mode::JumpMark,
            Command::ToggleSelect => {
                if self.anchor.take().is_none() {
                    self.anchor = Some(self.cursor);
                    self.info(
                        "selecting: move to extend, v again to stop, e exports it, a annotates it",
                    );
                }
            }
            Command::Annotate => self.mode = Mode::Prompt(Prompt::Note, String::new()),
            Command::Export => self.export(),
            Command::ToggleWeak => {
                self.show_weak = !self.show_weak;
                self.info(if self.show_weak {
                    "weaker findings shown"
                } else {
                    "weaker findings hidden"
                });
            }
            Command::ToggleList => {
                self.show_list = !self.show_list;
                if self.show_list {
                    let list = self.visible_findings();
                    let sel = list
                        .iter()
                        .position(|&i| self.findings[i].start >= self.cursor)
                        .unwrap_or(0);
                    self.mode = Mode::List(sel);
                }
                self.follow();
            }
            Command::Help => self.mode = Mode::Help,
            Command::Quit => self.quit = true,
            Command::Escape => {
                if self.anchor.take().is_none() && !self.show_list {
                    self.quit = true;
                }
                self.show_list = false;
            }
            Command::Click { col, row } => {
                if let Some(x) = self.offset_at(col, row) {
                    self.cursor = x;
                }
            }
            Command::Scroll(n) => self.scroll(n),
            Command::Char(_) | Command::Backspace | Command::Enter | Command::Resize { .. } => {}
        }
    }
}

impl App {
    /// The file offset under a mouse click, if it hit a byte in the dump.
    pub fn offset_at(&self, col: u16, row: u16) -> Option<u64> {
        let a = layout::areas(
            ratatui::layout::Rect::new(0, 0, self.width, self.height),
            self.show_list,
        );
        if a.too_small
            || row < a.dump.y
            || row >= a.dump.y + a.dump.height
            || col < a.dump.x + layout::GUTTER
            || col >= a.dump.x + a.dump.width
        {
            return None;
        }
        let li = self.top + (row - a.dump.y) as u64;
        if li >= self.line_count() {
            return None;
        }
        let (start, end) = self.line_range(li);
        let mut addr = Vec::new();
        self.origin.write_address(
            start.saturating_sub(self.origin.column(start) as u64),
            &mut addr,
        );
        let lay = LineLayout {
            addr_width: addr.len(),
        };
        let c = (col - a.dump.x - layout::GUTTER) as usize;
        let first = self.origin.column(start);
        let pick =
            (0..16).find(|&k| (c >= lay.hex(k) && c < lay.hex(k) + 3) || c == lay.ascii(k))?;
        if pick < first {
            return None;
        }
        let x = start + (pick - first) as u64;
        (x < end).then_some(x)
    }
}

fn rank(k: FindingKind) -> u8 {
    match k {
        FindingKind::ConsoleWrite => 0,
        FindingKind::CcmHeaderAnomaly => 1,
        FindingKind::PlainText => 2,
    }
}

/// Parses hex bytes typed by the examiner: `0D 0A`, `0d0a`, `0D-0A`.
pub fn parse_hex_bytes(s: &str) -> Result<Vec<u8>, Error> {
    let digits: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != ',')
        .collect();
    let digits = digits.strip_prefix("0x").unwrap_or(&digits);
    if digits.is_empty()
        || !digits.len().is_multiple_of(2)
        || !digits.bytes().all(|c| c.is_ascii_hexdigit())
    {
        return Err(Error::Usage(format!(
            "not hex bytes: '{}' (write e.g. 0D 0A 45)",
            sanitize::line(s)
        )));
    }
    Ok((0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex"))
        .collect())
}

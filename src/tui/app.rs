//! The inspector's state, made of components that each own one part (viewport, findings
//! index, search, selection, annotations, comparison, prompts, display options), and the one
//! `update` that changes it: it hands each command to the handler of the current mode
//! (normal.rs for the normal view, modes.rs for prompts, lists, help and one-letter modes).
//! Work with side effects (writing exports, copies and the sidecar; starting a background
//! search) is not done here: `update` queues [`Effect`]s that effects.rs and the run loop carry
//! out. Rendering (views/) reads this state and nothing else.

use super::annotations::Annotations;
use super::command::{Command, ListKind, Mode};
use super::comparison::{Comparison, DiffMsg};
use super::findings::FindingsIndex;
use super::layout::{Areas, Panes};
use super::panes::{self, PaneSource};
use super::prompt::Histories;
use super::search::{Pattern, Search, SearchMsg};
use super::selection::Selection;
use super::theme::Theme;
use super::viewport::Viewport;
use crate::address::Origin;
use crate::detect::{DamagedHeader, Finding, Report};
use crate::settings::Settings;
use crate::source::Source;
use ratatui::text::Line;
use std::path::PathBuf;
use std::sync::Arc;

/// Messages from the background workers.
pub enum ScanMsg {
    /// Findings, final and in file order, continuing the ones already received.
    Findings(Vec<Finding>),
    /// A damaged header, after its writes.
    Header(DamagedHeader),
    Done(Report),
    Hash(String),
    Search(SearchMsg),
    Diff(DiffMsg),
    /// The files of the related folders, by name.
    Related(std::sync::Arc<crate::report::related::Related>),
}

/// How the status line shows a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Info,
    /// Information the end of the scan does not replace (the origin came from the sidecar).
    Notice,
    Error,
}

/// What the ASCII column and the panes show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Display {
    /// Byte-class glyphs in the ASCII column.
    pub glyphs: bool,
    /// CP437 characters in the ASCII column.
    pub cp437: bool,
    /// The value inspector pane.
    pub values: bool,
    /// Lines the details pane is scrolled down.
    pub details_scroll: u16,
    /// Lines the value inspector is scrolled down.
    pub values_scroll: u16,
}

/// A copy format (`y` then a letter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyFormat {
    Hex,
    Debug,
    CArray,
    Raw,
}

/// Work with side effects that `update` asks for.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Write the sidecar.
    SaveNotes,
    /// Export the selection, a finding, or every finding.
    Export,
    /// Copy `[start, end)` in a format, named after `label`.
    Copy(CopyFormat, u64, u64, String),
    /// Search the whole file on a background thread.
    Search(Arc<Pattern>),
}

/// The status line is following a background search: what it last said there, and the match
/// it jumped to, if any (with whether that wrapped). Anything else said on the status line
/// ends it.
#[derive(Clone, Debug)]
pub(crate) struct SearchReport {
    pub(crate) said: String,
    pub(crate) at: Option<(usize, bool)>,
}

/// The inspector's state: the components and the mode.
pub struct App {
    pub(crate) src: Arc<Source>,
    pub(crate) view: Viewport,
    pub(crate) index: FindingsIndex,
    pub(crate) search: Search,
    pub(crate) selection: Selection,
    pub(crate) notes: Annotations,
    pub(crate) compare: Option<Comparison>,
    pub(crate) mode: Mode,
    pub(crate) prompts: Histories,
    pub(crate) display: Display,
    pub(crate) settings: Settings,
    pub(crate) status: Option<(String, Severity)>,
    /// Scan progress: (bytes done, bytes in all).
    pub(crate) progress: (u64, u64),
    pub(crate) effects: Vec<Effect>,
    pub(crate) quit: bool,
    /// Quitting with unsaved notes was asked once ([`App::request_quit`]).
    pub(crate) quit_asked: bool,
    /// Ctrl-Z was pressed: the loop gives the terminal back and stops the process.
    suspend: bool,
    /// The examiner was told the file grew (told once).
    grew_warned: bool,
    /// `--origin` was given: it wins over the origin remembered in the sidecar.
    origin_given: bool,
    /// The files of the related folders, once listed.
    pub(crate) related: Option<Arc<crate::report::related::Related>>,
    /// The file's size and times when the inspector opened it ([`Source::version`]): the
    /// SHA-256 computed since names those bytes only while they stay so.
    pub(crate) opened: Option<(u64, i128, i128)>,
    /// The status line follows the background search (see `App::report_search`).
    pub(crate) search_report: Option<SearchReport>,
}

impl App {
    /// An app over `src` with default settings, writing into the current folder.
    pub fn new(src: Arc<Source>, origin: Origin) -> App {
        App::with_settings(src, origin, Settings::default(), PathBuf::from("."), None)
    }

    /// An app over `src` with the examiner's settings, the case folder and `--notes`.
    pub fn with_settings(
        src: Arc<Source>,
        origin: Origin,
        settings: Settings,
        out_dir: PathBuf,
        notes: Option<PathBuf>,
    ) -> App {
        let size = src.len();
        let mut notes = Annotations::new(out_dir, notes, settings.examiner.clone());
        // Until the inspector sets its own: the file itself (and its folder) are refused.
        notes.guard = Arc::new(match src.path() {
            Some(p) => {
                crate::output::Guard::new(&[p]).unwrap_or_else(crate::output::Guard::refusing)
            }
            None => crate::output::Guard::default(),
        });
        App {
            view: Viewport::new(origin, size),
            index: FindingsIndex::new(),
            search: Search::default(),
            selection: Selection::default(),
            notes,
            compare: None,
            mode: Mode::Normal,
            prompts: Histories::default(),
            display: Display {
                glyphs: settings.glyphs,
                cp437: settings.cp437,
                values: false,
                details_scroll: 0,
                values_scroll: 0,
            },
            settings,
            status: None,
            progress: (0, size),
            effects: Vec::new(),
            quit: false,
            quit_asked: false,
            suspend: false,
            grew_warned: false,
            origin_given: false,
            related: None,
            opened: src.version(),
            search_report: None,
            src,
        }
    }

    /// Sets the file to compare with (`--compare`).
    /// Compares with `c`'s other file. One that gave no byte without being an empty file (a
    /// FIFO no writer held open) is said, not compared in silence as an empty file (review 84
    /// D3; `compare` says it on standard error).
    pub fn set_compare(&mut self, c: Comparison) {
        if let Some(said) = c.other().empty_notice() {
            self.notice(format!("compared file {}: {said}", c.other().name()));
        }
        self.compare = Some(c);
    }

    /// The examined file.
    pub fn src(&self) -> &Source {
        &self.src
    }
    /// The viewport: origin, size, cursor, top line, terminal size.
    pub fn view(&self) -> &Viewport {
        &self.view
    }
    /// The findings index.
    pub fn index(&self) -> &FindingsIndex {
        &self.index
    }
    /// The search and its matches.
    pub fn search(&self) -> &Search {
        &self.search
    }
    /// The notes and bookmarks.
    pub fn notes(&self) -> &Annotations {
        &self.notes
    }
    /// The comparison with another file, if one is open.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.compare.as_ref()
    }
    /// How keys are read now.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }
    /// What the ASCII column and the panes show.
    pub fn display(&self) -> Display {
        self.display
    }
    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    /// The cursor's file offset.
    pub fn cursor(&self) -> u64 {
        self.view.cursor
    }
    /// Whether the examiner asked to quit.
    pub fn quitting(&self) -> bool {
        self.quit
    }
    /// Whether the examiner asked to suspend (Ctrl-Z); asking again needs a new key.
    pub fn take_suspend(&mut self) -> bool {
        std::mem::take(&mut self.suspend)
    }
    /// The status line's message, if any.
    pub fn status(&self) -> Option<(&str, Severity)> {
        self.status.as_ref().map(|(s, k)| (s.as_str(), *k))
    }
    /// Scan progress: (bytes done, bytes in all).
    pub fn progress(&self) -> (u64, u64) {
        self.progress
    }
    /// Takes the effects `update` queued.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// The bytes the view may touch: never past the file's current size.
    pub fn data(&self) -> &[u8] {
        let b = self.src.bytes();
        &b[..(self.view.size as usize).min(b.len())]
    }

    /// Which panes are open.
    pub fn panes(&self) -> Panes {
        Panes {
            list: matches!(self.mode, Mode::List(..)),
            values: self.display.values,
        }
    }

    /// Where everything goes now.
    pub fn areas(&self) -> Areas {
        self.view.areas(self.panes())
    }

    /// Dump rows visible.
    pub fn rows(&self) -> u64 {
        self.areas().dump.height.max(1) as u64
    }

    /// What the details, legend and value panes are made from.
    pub fn pane_source(&self) -> PaneSource<'_> {
        PaneSource {
            view: &self.view,
            index: &self.index,
            notes: &self.notes,
            compare: self.compare.as_ref(),
            data: self.data(),
            selection: self.selection(),
            glyphs: self.display.glyphs,
            cp437: self.display.cp437,
            theme: Theme::new(&self.settings),
            related: self.related.as_deref(),
        }
    }

    /// The details pane's lines as drawn now: the legend ends them unless it has a pane of its
    /// own, flowed to the pane's width.
    pub fn details_lines(&self) -> Vec<Line<'static>> {
        let a = self.areas();
        let legend = (a.legend.width == 0).then_some(a.details.width.clamp(20, 80) as usize);
        panes::details_lines(&self.pane_source(), legend)
    }

    /// The selection's `[start, end)`, if there is one.
    pub fn selection(&self) -> Option<(u64, u64)> {
        self.selection.range(self.view.cursor)
    }

    /// Says on the status line where notes and exports go (at start).
    pub fn say_case_folder(&mut self) {
        self.info(self.case_folder_said());
    }

    /// The status line's word at start: where notes and exports go.
    pub fn case_folder_said(&self) -> String {
        format!(
            "notes and exports go to {}",
            crate::sanitize::path(self.notes.out_dir())
        )
    }

    pub(crate) fn info(&mut self, s: impl Into<String>) {
        self.status = Some((s.into(), Severity::Info));
    }

    /// Said until something else is: a scan's end does not replace it.
    pub(crate) fn notice(&mut self, s: impl Into<String>) {
        self.status = Some((s.into(), Severity::Notice));
    }

    pub(crate) fn error(&mut self, s: impl Into<String>) {
        self.status = Some((s.into(), Severity::Error));
    }

    /// Moves to `x` as a jump (remembered for `''`).
    pub fn jump(&mut self, x: u64) {
        self.view.jump(x);
        self.display.details_scroll = 0;
    }

    /// The one place state changes: the handler of the current mode takes the command.
    pub fn update(&mut self, cmd: Command) {
        if cmd == Command::Suspend {
            self.suspend = true;
            return;
        }
        if let Command::Resize { width, height } = cmd {
            self.view.width = width;
            self.view.height = height;
            let rows = self.rows();
            self.view.follow(rows);
            return;
        }
        if self.areas().too_small {
            return self.too_small(cmd);
        }
        match self.mode.clone() {
            Mode::Normal => self.normal(cmd),
            Mode::Prompt(p) => self.prompt(p, cmd),
            Mode::Help(scroll) => self.help(scroll, cmd),
            Mode::List(kind, sel) => self.list(kind, sel, cmd),
            Mode::SetMark => self.set_mark(cmd),
            Mode::JumpMark => self.jump_mark(cmd),
            Mode::CopyAs => self.copy_as(cmd),
        }
    }

    /// The terminal is too small to draw in: only quitting acts (q, whatever has the keys,
    /// or Ctrl-C), as the notice on screen says; every other key and the mouse are ignored.
    fn too_small(&mut self, cmd: Command) {
        use super::prompt::Edit;
        if matches!(
            cmd,
            Command::Quit | Command::Char('q') | Command::Edit(Edit::Char('q'))
        ) {
            self.quit = true;
        }
    }

    /// Quits, unless notes or bookmarks could not be saved and this was not asked already: then
    /// says so, and the next quit goes (review 36: a note typed after a failed load was lost
    /// without a word).
    pub(crate) fn request_quit(&mut self) {
        match self.notes.unsaved.take() {
            Some(why) if !self.quit_asked => {
                self.quit_asked = true;
                self.notes.unsaved = Some(why.clone());
                self.error(format!(
                    "notes not saved ({why}); q again quits and loses them"
                ));
            }
            _ => self.quit = true,
        }
    }

    /// Whether the status line still shows what the background search last said there.
    pub(crate) fn search_followed(&self) -> bool {
        match (&self.search_report, &self.status) {
            (Some(r), Some((said, _))) => r.said == *said,
            _ => false,
        }
    }

    /// Takes in what the background workers found.
    pub fn absorb(&mut self, msg: ScanMsg) {
        let size = self.view.size;
        match msg {
            ScanMsg::Findings(batch) => self.index.append(batch, size),
            ScanMsg::Header(h) => self.index.add_header(h, size),
            ScanMsg::Done(r) => {
                self.index.finish(r, size);
                self.progress = (size, size);
                // An error or a notice stays, and so does a search the status line follows;
                // information (where notes and exports go) gives way.
                let kept = matches!(self.status, Some((_, Severity::Error | Severity::Notice)))
                    || self.search_followed();
                if !kept {
                    // Where notes go is said still if nothing else was said since the start (a
                    // small file's scan is done before anyone could read it).
                    let case = self.case_folder_said();
                    let still = matches!(&self.status, Some((s, Severity::Info)) if *s == case);
                    let (strong, weak) = self.index.counts();
                    let done = format!(
                        "scan done: {} damaged header(s), {strong} finding(s) (+{weak} weaker)",
                        self.index.headers.len()
                    );
                    self.info(match still {
                        true => format!("{done}; {case}"),
                        false => format!("{done}; n: next damaged header"),
                    });
                }
            }
            ScanMsg::Hash(h) => self.hash_known(h),
            ScanMsg::Search(m) => {
                self.search.absorb(m);
                self.report_search();
            }
            ScanMsg::Diff(m) => {
                if let Some(c) = self.compare.as_mut() {
                    c.absorb(m);
                }
            }
            ScanMsg::Related(r) => self.related = Some(r),
        }
    }

    /// The file's SHA-256 is known: its sidecar is loaded (notes, bookmarks, the origin
    /// remembered for it), and what was made here meanwhile is saved.
    fn hash_known(&mut self, h: String) {
        self.notes.sha256 = Some(h.clone());
        let path = self.notes.sidecar_path(self.src.name(), &h);
        let pending = match crate::notes::load(&path, &h) {
            Ok(crate::notes::Loaded::Applied(s, warnings)) => {
                let pending = self.notes.apply(s, path);
                self.restore_origin();
                if let Some(w) = warnings.first() {
                    self.error(match warnings.len() {
                        1 => w.clone(),
                        n => format!("{w} (and {} more such notes)", n - 1),
                    });
                }
                pending
            }
            Ok(crate::notes::Loaded::Mismatch(w)) => return self.error(w),
            Ok(crate::notes::Loaded::Missing) => {
                !self.notes.notes.is_empty()
                    || !self.notes.bookmarks.is_empty()
                    || self.notes.origin.is_some()
            }
            Err(e) => return self.error(e.to_string()),
        };
        if pending {
            // "kept until the hash is known" gives way to where it was saved.
            if matches!(self.status, Some((_, Severity::Info))) {
                self.status = None;
            }
            self.effects.push(Effect::SaveNotes);
        }
    }

    /// Opens the file at the origin its sidecar remembers, unless `--origin` was given or one
    /// was chosen here already.
    fn restore_origin(&mut self) {
        let Some(text) = self.notes.origin.clone() else {
            return;
        };
        if self.origin_given {
            return;
        }
        match Origin::parse(&text) {
            Ok(o) if o == self.view.origin => {}
            Ok(o) => {
                let rows = self.rows();
                self.view.set_origin(o, rows);
                self.status = Some((
                    format!(
                        "origin {o}, as remembered in the notes file for these bytes (o changes it)"
                    ),
                    Severity::Notice,
                ));
            }
            Err(_) => self.error(format!(
                "the notes file's origin '{}' is not SEG:OFF; not applied",
                crate::sanitize::line(&text)
            )),
        }
    }

    /// Whether `--origin` was given (then a remembered origin is not applied).
    pub fn set_origin_given(&mut self, given: bool) {
        self.origin_given = given;
    }

    /// The file's size now; a shrunk file is shown to its new end with a warning, and a file
    /// that grew is said to have grown (once). True when anything changed on screen.
    pub fn recheck_size(&mut self) -> bool {
        let on_disk = self.src.size_on_disk();
        let mut changed = false;
        if on_disk > self.src.len() && !self.grew_warned {
            changed = true;
            self.grew_warned = true;
            self.error(format!(
                "the file grew to {} since it was opened; showing the {} it had then (reopen to see the rest)",
                crate::address::bytes(on_disk),
                crate::address::bytes(self.src.len())
            ));
        }
        // A file that shrank under a read and grew back: its own pages again, not the zeros.
        self.src.recover();
        let now = self.src.current_len().min(self.src.len());
        if now != self.view.size {
            let was = self.view.size;
            self.view.shrink_to(now);
            self.index.truncate(now);
            self.search.shrink_to(now);
            self.selection.shrink_to(now);
            if let Mode::List(k, sel) = self.mode {
                self.mode = Mode::List(k, sel.min(self.list_len(k).saturating_sub(1)));
            }
            // A fault offset is not a size: said as what it is, with the size fstat gives.
            let said = match self.src.fault_at() {
                Some(f) if f == now && on_disk > now => format!(
                    "the file changed size while open: a read at offset {now} found its end there or before; it has {on_disk} bytes now; showing {now}"
                ),
                _ => format!("the file changed size while open: {was} -> {now} bytes; showing {now}"),
            };
            // Findings and matches dropped when it shrank are not found again by growing back.
            let lost = if now > was {
                format!("; findings and matches past {was}, if any, were dropped when it shrank (reopen to scan again)")
            } else {
                String::new()
            };
            self.error(format!("{said}{lost}"));
            changed = true;
        }
        changed
    }

    /// Items in list `k`.
    pub fn list_len(&self, k: ListKind) -> usize {
        match k {
            ListKind::Findings => self.index.visible_count(),
            ListKind::Matches => self.search.matches().len(),
            ListKind::Notes => self.notes.notes.len(),
        }
    }
}

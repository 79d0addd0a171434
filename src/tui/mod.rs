//! The interactive inspector (ratatui over crossterm). `run` sets up the terminal and loops:
//! terminal events become commands (keys.rs), `App::update` changes state (state.rs), and
//! `render` draws it (render.rs). The scan and the SHA-256 run on background threads and report
//! through a channel; quitting cancels them.

pub mod keys;
pub mod layout;
pub mod picker;
pub mod render;
pub mod state;
pub mod terminal;
pub mod theme;

use crate::address::Origin;
use crate::detect::{Control, DamagedHeader, Engine, Finding, Sink};
use crate::output::Case;
use crate::source::{walk, Source};
use crate::{demo, notes, Error};
use crossterm::event;
use picker::{Picker, PickerAction};
use ratatui::DefaultTerminal;
use state::{App, ScanMsg};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// What to inspect.
pub enum Target {
    /// The bundled demo post office.
    Demo,
    File(PathBuf),
    /// A folder: a picker over its files.
    Folder(PathBuf),
}

/// Everything the inspector needs, already in library types.
pub struct ViewConfig {
    /// `--origin`, if given.
    pub origin: Option<Origin>,
    pub engine: Engine,
    /// `--notes`, if given.
    pub notes: Option<PathBuf>,
    /// `--out DIR`: the case folder notes and exports go to (default: the per-user one).
    pub out: Option<PathBuf>,
    pub target: Target,
}

/// Passes findings to the view in batches, and headers as they close.
struct ToView {
    tx: mpsc::Sender<ScanMsg>,
    batch: Vec<Finding>,
    sent: std::time::Instant,
}

impl ToView {
    fn flush(&mut self) -> bool {
        self.sent = std::time::Instant::now();
        self.batch.is_empty()
            || self
                .tx
                .send(ScanMsg::Findings(std::mem::take(&mut self.batch)))
                .is_ok()
    }
}

impl Sink for ToView {
    fn finding(&mut self, f: &Finding) -> bool {
        self.batch.push(f.clone());
        if self.batch.len() >= 4096 || self.sent.elapsed() > Duration::from_millis(40) {
            return self.flush();
        }
        true
    }
    fn header(&mut self, h: &DamagedHeader) -> bool {
        self.flush() && self.tx.send(ScanMsg::Header(h.clone())).is_ok()
    }
}

/// Starts the background scan and hash of `src`; returns the channel and the control to cancel.
pub fn start_workers(
    src: Arc<Source>,
    name: PathBuf,
    engine: Engine,
) -> (mpsc::Receiver<ScanMsg>, Arc<Control>) {
    let (tx, rx) = mpsc::channel();
    let ctl = Arc::new(Control::new());
    {
        let (src, ctl, tx) = (src.clone(), ctl.clone(), tx.clone());
        std::thread::spawn(move || {
            let mut sink = ToView {
                tx: tx.clone(),
                batch: Vec::new(),
                sent: std::time::Instant::now(),
            };
            let report = engine.scan_into(&*src, &name, &ctl, &mut sink);
            sink.flush();
            let _ = tx.send(ScanMsg::Done(report));
        });
    }
    {
        let ctl = ctl.clone();
        std::thread::spawn(move || {
            if let Ok(Some(h)) = notes::sha256_source(&src, &|| ctl.is_cancelled()) {
                let _ = tx.send(ScanMsg::Hash(h));
            }
        });
    }
    (rx, ctl)
}

/// Runs the inspector (or the picker) until the examiner quits.
pub fn run(c: ViewConfig) -> Result<(), Error> {
    match c.target {
        Target::Demo => {
            let src = Arc::new(Source::from_static(
                "CLANDATA (demo, generated)",
                demo::STORE,
            ));
            let case = Case::open(&[], c.out.as_deref(), c.notes.as_deref())?;
            let (mut term, _guard) = terminal::setup()?;
            inspect(
                &mut term,
                src,
                Path::new("CLANDATA"),
                c.origin.unwrap_or(demo::ORIGIN),
                &c.engine,
                c.notes,
                &case,
            )
        }
        Target::Folder(p) => {
            let (files, errors) = walk::files(std::slice::from_ref(&p));
            let mut inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
            inputs.push(&p);
            let case = Case::open(&inputs, c.out.as_deref(), c.notes.as_deref())?;
            let mut picker = Picker::new(p, files);
            if let Some(e) = errors.first() {
                picker.status = Some(format!(
                    "{} problem(s) reading the folder, e.g. {e}",
                    errors.len()
                ));
            }
            let (mut term, _guard) = terminal::setup()?;
            pick(
                &mut term,
                &mut picker,
                c.origin.unwrap_or(Origin::ZERO),
                &c.engine,
                &case,
            )
        }
        Target::File(p) => {
            let src = Arc::new(Source::open(&p)?);
            let case = Case::open(&[&p], c.out.as_deref(), c.notes.as_deref())?;
            let (mut term, _guard) = terminal::setup()?;
            inspect(
                &mut term,
                src,
                &p,
                c.origin.unwrap_or(Origin::ZERO),
                &c.engine,
                c.notes,
                &case,
            )
        }
    }
}

fn draw_err(e: std::io::Error) -> Error {
    Error::Terminal(crate::error::io_cause(&e))
}

/// The inspector loop for one file; returns when the examiner quits.
pub fn inspect(
    term: &mut DefaultTerminal,
    src: Arc<Source>,
    name: &Path,
    origin: Origin,
    engine: &Engine,
    notes_path: Option<PathBuf>,
    case: &Case,
) -> Result<(), Error> {
    let mut app = App::new(src.clone(), origin);
    app.explicit_notes = notes_path.clone();
    app.notes_path = notes_path;
    app.guard = case.guard.clone();
    app.out_dir = case.folder.clone();
    app.info(format!(
        "notes and exports go to {}",
        crate::sanitize::path(&case.folder)
    ));
    let size = term.size().map_err(draw_err)?;
    app.update(state::Command::Resize {
        width: size.width,
        height: size.height,
    });
    // First frame before any scanning work.
    term.draw(|f| render::render(&app, f)).map_err(draw_err)?;
    let (rx, ctl) = start_workers(src, name.to_path_buf(), engine.clone());
    let result = (|| -> Result<(), Error> {
        let mut dirty = false;
        loop {
            while let Ok(msg) = rx.try_recv() {
                app.absorb(msg);
                dirty = true;
            }
            let p = ctl.progress();
            if !app.scan_done && p != app.progress {
                app.progress = p;
                dirty = true;
            }
            let before = app.size;
            app.recheck_size();
            dirty |= before != app.size;
            if dirty {
                term.draw(|f| render::render(&app, f)).map_err(draw_err)?;
                dirty = false;
            }
            if event::poll(Duration::from_millis(50)).map_err(draw_err)? {
                let ev = event::read().map_err(draw_err)?;
                if let Some(cmd) = keys::command(&app.mode, &ev) {
                    app.update(cmd);
                    dirty = true;
                }
            }
            if app.quit {
                return Ok(());
            }
        }
    })();
    ctl.cancel();
    result
}

fn pick(
    term: &mut DefaultTerminal,
    picker: &mut Picker,
    origin: Origin,
    engine: &Engine,
    case: &Case,
) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel::<(usize, picker::Entry)>();
    let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let paths: Vec<PathBuf> = picker.entries.iter().map(|e| e.path.clone()).collect();
        let engine = engine.clone().with_threads(1);
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            for (i, p) in paths.into_iter().enumerate() {
                if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let entry = picker::scan_entry(&engine, p);
                if tx.send((i, entry)).is_err() {
                    break;
                }
            }
        });
    }
    let result = (|| -> Result<(), Error> {
        let mut dirty = true;
        loop {
            while let Ok((i, e)) = rx.try_recv() {
                picker.entries[i] = e;
                dirty = true;
            }
            if dirty {
                term.draw(|f| picker.render(f)).map_err(draw_err)?;
                dirty = false;
            }
            if event::poll(Duration::from_millis(50)).map_err(draw_err)? {
                let ev = event::read().map_err(draw_err)?;
                let rows = Picker::rows(term.size().map_err(draw_err)?.height);
                if let Some(cmd) = keys::command(&state::Mode::Normal, &ev) {
                    match picker.update(&cmd, rows) {
                        PickerAction::Quit => return Ok(()),
                        PickerAction::Open(i) => {
                            let path = picker.entries[i].path.clone();
                            match Source::open(&path) {
                                Ok(src) => {
                                    inspect(term, Arc::new(src), &path, origin, engine, None, case)?
                                }
                                Err(e) => picker.status = Some(e.to_string()),
                            }
                        }
                        PickerAction::None => {}
                    }
                }
                dirty = true;
            }
        }
    })();
    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    result
}

//! The interactive inspector (ratatui over crossterm). `run` sets up the terminal and loops:
//! terminal events become commands (keys.rs), `App::update` changes state (state.rs), and
//! `render` draws it (render.rs). The scan and the SHA-256 run on background threads and report
//! through a channel; quitting cancels them.

pub mod keys;
pub mod picker;
pub mod render;
pub mod state;

use crate::address::Origin;
use crate::commands::{self, ViewArgs};
use crate::detect::{Control, Engine};
use crate::source::Source;
use crate::{demo, notes, Error};
use crossterm::event;
use picker::{Picker, PickerAction};
use ratatui::DefaultTerminal;
use state::{App, ScanMsg};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Duration;

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
            let report = engine.scan_with(&*src, &name, &ctl, &mut |batch| {
                let _ = tx.send(ScanMsg::Batch(batch.to_vec()));
            });
            let _ = tx.send(ScanMsg::Done(report));
        });
    }
    {
        let ctl = ctl.clone();
        std::thread::spawn(move || {
            if let Some(h) = notes::sha256_source(&src, &|| ctl.is_cancelled()) {
                let _ = tx.send(ScanMsg::Hash(h));
            }
        });
    }
    (rx, ctl)
}

struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), event::DisableMouseCapture);
        ratatui::restore();
    }
}

fn setup() -> Result<(DefaultTerminal, TerminalGuard), Error> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error("the inspector needs a terminal; use 'clanscope dump' or 'clanscope scan' in scripts and pipes".into()));
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), event::DisableMouseCapture);
        ratatui::restore();
        previous(info);
    }));
    let terminal =
        ratatui::try_init().map_err(|e| Error(format!("cannot set up the terminal: {e}")))?;
    let _ = crossterm::execute!(std::io::stdout(), event::EnableMouseCapture);
    Ok((terminal, TerminalGuard))
}

pub fn run(a: ViewArgs) -> Result<u8, Error> {
    let engine = commands::engine(&a.signatures)?;
    let explicit_origin = a
        .origin
        .as_ref()
        .map(|o| Origin::parse(o).map_err(Error))
        .transpose()?;
    match &a.path {
        None => {
            let src = Arc::new(Source::from_static(
                "CLANDATA (demo, generated)",
                demo::STORE,
            ));
            let (mut term, _guard) = setup()?;
            inspect(
                &mut term,
                src,
                Path::new("CLANDATA"),
                explicit_origin.unwrap_or(demo::ORIGIN),
                &engine,
                a.notes.clone(),
            )?;
            Ok(0)
        }
        Some(p) if p.is_dir() => {
            let (files, errors) = commands::collect_files(std::slice::from_ref(p));
            let mut picker = Picker::new(p.clone(), files);
            if let Some(e) = errors.first() {
                picker.status = Some(format!(
                    "{} problem(s) reading the folder, e.g. {e}",
                    errors.len()
                ));
            }
            let (mut term, _guard) = setup()?;
            pick(
                &mut term,
                &mut picker,
                explicit_origin.unwrap_or(Origin::ZERO),
                &engine,
            )?;
            Ok(0)
        }
        Some(p) => {
            let src = Arc::new(Source::open(p)?);
            let (mut term, _guard) = setup()?;
            inspect(
                &mut term,
                src,
                p,
                explicit_origin.unwrap_or(Origin::ZERO),
                &engine,
                a.notes.clone(),
            )?;
            Ok(0)
        }
    }
}

fn draw_err(e: std::io::Error) -> Error {
    Error(format!("terminal: {}", crate::io_cause(&e)))
}

/// The inspector loop for one file; returns when the examiner quits.
pub fn inspect(
    term: &mut DefaultTerminal,
    src: Arc<Source>,
    name: &Path,
    origin: Origin,
    engine: &Engine,
    notes_path: Option<PathBuf>,
) -> Result<(), Error> {
    let mut app = App::new(src.clone(), origin);
    app.explicit_notes = notes_path.clone();
    app.notes_path = notes_path;
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
) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel::<(usize, picker::Entry)>();
    let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let paths: Vec<PathBuf> = picker.entries.iter().map(|e| e.path.clone()).collect();
        let engine = Engine {
            threads: 1,
            ..engine.clone()
        };
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            for (i, p) in paths.into_iter().enumerate() {
                if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let entry = match Source::open(&p) {
                    Ok(src) => {
                        let r = engine.scan(&src, &p, &Control::new());
                        let h = r.count(
                            crate::detect::FindingKind::DamagedHeader,
                            crate::detect::SUSPECTED,
                        );
                        let f = r.findings.iter().filter(|f| f.suspected()).count();
                        picker::Entry {
                            path: p,
                            size: src.len(),
                            kind: r.kind.map(|k| k.name()),
                            counts: Some((h, f)),
                            error: None,
                        }
                    }
                    Err(e) => picker::Entry {
                        path: p,
                        error: Some(e.0),
                        ..Default::default()
                    },
                };
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
                                    inspect(term, Arc::new(src), &path, origin, engine, None)?
                                }
                                Err(e) => picker.status = Some(e.0),
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

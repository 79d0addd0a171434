//! The interactive inspector (ratatui over crossterm). `run` sets up the terminal and loops:
//! terminal events become commands (keys.rs, command.rs), `App::update` changes state (app.rs
//! with one handler per mode in normal.rs and modes.rs, over the components viewport.rs,
//! findings.rs, search.rs, selection.rs, annotations.rs, comparison.rs, prompt.rs), effects.rs
//! writes what the examiner asked for, and `views::render` draws the state (views/, with
//! layout.rs and theme.rs; panes.rs makes the lines of the scrolled panes, which the state
//! measures too). The scan, the hash, searches and comparisons run on background
//! threads (workers.rs) and report through a channel; quitting cancels them.

pub mod annotations;
pub mod app;
pub mod command;
pub mod comparison;
pub mod effects;
pub mod findings;
pub mod keys;
pub mod layout;
mod modes;
mod normal;
pub mod panes;
pub mod picker;
pub mod prompt;
pub mod search;
pub mod selection;
pub mod terminal;
pub mod theme;
pub mod viewport;
pub mod views;
pub mod workers;

/// Characters of a note the screen shows (the sidecar may hold notes of megabytes, written by
/// hand; exports carry them whole).
pub(crate) const SHOWN_NOTE: usize = 2000;

use crate::address::Origin;
use crate::detect::Engine;
use crate::output::Case;
use crate::settings::Settings;
use crate::source::{walk, Source};
use crate::{demo, Error};
use app::{App, Effect, ScanMsg};
use crossterm::event;
use picker::{Picker, PickerAction};
use ratatui::DefaultTerminal;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Duration;
use terminal::Jobs;

pub use views::render;

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
    pub target: Target,
    /// `--compare`: the backup or known-good copy to compare with.
    pub compare: Option<PathBuf>,
    /// `--related DIR`s: folders whose files names in writes are linked to (default: the
    /// folder holding the file, or the folder opened).
    pub related: Vec<PathBuf>,
    /// `--out DIR`: the case folder exports, copies and sidecars go to (default: the
    /// per-user one, see `output::case_folder`).
    pub out: Option<PathBuf>,
    /// The settings file's values, with `--examiner` and `--clipboard` applied.
    pub settings: Settings,
}

/// The origin `src` opens at (see [`crate::settings::default_origin`]).
pub fn default_origin(given: Option<Origin>, settings: &Settings, src: &Source) -> Origin {
    crate::settings::default_origin(given, settings, src.name(), src.bytes())
}

/// Runs the inspector (or the picker) until the examiner quits.
pub fn run(c: ViewConfig) -> Result<(), Error> {
    refuse_standard_input(&c)?;
    // A file that cannot be opened is named first (a mistyped path is the likelier mistake).
    let file = match &c.target {
        Target::File(p) => {
            say_stream(p);
            Some(Arc::new(Source::open(p)?))
        }
        _ => None,
    };
    let other = c
        .compare
        .as_deref()
        .map(Source::open)
        .transpose()?
        .map(Arc::new);
    // No case folder is made for an inspector that cannot start.
    terminal::check()?;
    match &c.target {
        Target::Demo => {
            let src = Arc::new(Source::from_static("CLANDATA", demo::STORE));
            let case = Case::open(&[], &c.related, c.out.as_deref(), c.notes.as_deref())?;
            let (mut term, _guard) = terminal::setup()?;
            inspect(&mut term, src, Path::new("CLANDATA"), &c, other, &case)
        }
        Target::Folder(p) => {
            let (files, errors) = walk::files(std::slice::from_ref(p));
            let inputs: Vec<&Path> = files
                .iter()
                .map(PathBuf::as_path)
                .chain([p.as_path()])
                .collect();
            let case = Case::open(&inputs, &c.related, c.out.as_deref(), c.notes.as_deref())?;
            let mut picker = Picker::new(p.clone(), files);
            if let Some(e) = errors.first() {
                picker.status = Some(format!(
                    "{} problem(s) reading the folder, e.g. {e}",
                    errors.len()
                ));
            }
            let (mut term, _guard) = terminal::setup()?;
            pick(&mut term, &mut picker, &c, &case)
        }
        Target::File(p) => {
            let src = file.expect("opened above");
            let inputs: Vec<&Path> = std::iter::once(p.as_path())
                .chain(c.compare.as_deref())
                .collect();
            // The folders listed for the names in writes (by default the one holding the
            // file) are guarded as their trees: nothing is written in them.
            let related = related_roots(&c, p);
            let case = Case::open(&inputs, &related, c.out.as_deref(), c.notes.as_deref())?;
            let (mut term, _guard) = terminal::setup()?;
            inspect(&mut term, src, p, &c, other, &case)
        }
    }
}

/// A FIFO, character device or socket is read to its end before the inspector opens (its
/// bytes cannot be mapped where they are): says so on standard error first, as the screen
/// stays as it was until the writer closes it.
fn say_stream(p: &Path) {
    use std::os::unix::fs::FileTypeExt;
    let Ok(ft) = std::fs::metadata(p).map(|m| m.file_type()) else {
        return;
    };
    let what = if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        return;
    };
    eprintln!(
        "clanscope: reading {} ({what}) to its end before the inspector opens; Ctrl-C stops",
        crate::sanitize::path(p)
    );
}

/// The inspector reads its keys from standard input, so it cannot read the examined bytes
/// from there too: `-` is refused before anything is read (a pipe would be read whole first).
fn refuse_standard_input(c: &ViewConfig) -> Result<(), Error> {
    let dash = |p: &Path| p.as_os_str() == "-";
    let file = matches!(&c.target, Target::File(p) if dash(p));
    if file || c.compare.as_deref().is_some_and(dash) {
        return Err(Error::Usage(
            "the inspector reads its keys from standard input, so it cannot read a file from there; give the file's path, or use 'clanscope dump -' or 'clanscope scan -'".into(),
        ));
    }
    Ok(())
}

fn draw_err(e: std::io::Error) -> Error {
    Error::Terminal(crate::error::io_cause(&e))
}

/// Starts what effects need a thread for (searches); file effects are carried out here too.
fn run_effects(app: &mut App, src: &Arc<Source>, tx: &mpsc::Sender<ScanMsg>) {
    if let Some(clip) = effects::apply(app) {
        let mut out = std::io::stdout();
        let _ = out.write_all(&clip).and_then(|_| out.flush());
    }
    for e in app.take_effects() {
        if let Effect::Search(p) = e {
            let s = app.search();
            workers::search(src.clone(), p, s.generation(), s.cancel_flag(), tx.clone());
        }
    }
}

/// What the status line says when Ctrl-Z (or SIGTSTP) cannot stop the inspector.
const NO_JOB_CONTROL: &str =
    "not suspended: no shell with job control started the inspector here, so nothing could bring it back (q quits)";

/// The terminal's size, read again (it may have changed while the inspector was stopped).
fn resized(term: &mut DefaultTerminal, app: &mut App) -> Result<(), Error> {
    let size = term.size().map_err(draw_err)?;
    app.update(command::Command::Resize {
        width: size.width,
        height: size.height,
    });
    Ok(())
}

/// The inspector loop for one file; returns when the examiner quits.
pub fn inspect(
    term: &mut DefaultTerminal,
    src: Arc<Source>,
    name: &Path,
    c: &ViewConfig,
    other: Option<Arc<Source>>,
    case: &Case,
) -> Result<(), Error> {
    let origin = default_origin(c.origin, &c.settings, &src);
    let mut app = App::with_settings(
        src.clone(),
        origin,
        c.settings.clone(),
        case.folder.clone(),
        c.notes.clone(),
    );
    app.notes.guard = case.guard.clone();
    app.set_origin_given(c.origin.is_some());
    app.say_case_folder();
    resized(term, &mut app)?;
    // First frame before any scanning work.
    term.draw(|f| render(&app, f)).map_err(draw_err)?;
    let (tx, rx, ctl) = workers::start(src.clone(), name.to_path_buf(), c.engine.clone());
    workers::related(related_roots(c, name), tx.clone());
    if let Some(o) = other {
        let cmp = comparison::Comparison::new(&src, o.clone());
        if !cmp.done() {
            workers::compare(src.clone(), o, cmp.cancel.clone(), tx.clone());
        }
        app.set_compare(cmp);
    }
    let result = event_loop(term, &mut app, &src, &rx, &tx, &ctl);
    ctl.cancel();
    app.search.clear();
    if let Some(c) = app.comparison() {
        c.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    result
}

/// The inspector's loop: takes in what the workers found, follows job control, applies the
/// effects of commands, draws when something changed and turns keys into commands, until the
/// examiner quits.
fn event_loop(
    term: &mut DefaultTerminal,
    app: &mut App,
    src: &Arc<Source>,
    rx: &mpsc::Receiver<ScanMsg>,
    tx: &mpsc::Sender<ScanMsg>,
    ctl: &crate::detect::Control,
) -> Result<(), Error> {
    let mut dirty = true;
    loop {
        while let Ok(msg) = rx.try_recv() {
            app.absorb(msg);
            dirty = true;
        }
        let p = ctl.progress();
        if !app.index().done() && p != app.progress {
            app.progress = p;
            dirty = true;
        }
        dirty |= app.recheck_size();
        match terminal::job_control(term, app.take_suspend())? {
            Jobs::Same => {}
            Jobs::Redraw => {
                resized(term, app)?;
                dirty = true;
            }
            Jobs::Away => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            Jobs::Refused => {
                app.error(NO_JOB_CONTROL);
                dirty = true;
            }
        }
        run_effects(app, src, tx);
        if dirty {
            term.draw(|f| render(app, f)).map_err(draw_err)?;
            dirty = false;
        }
        if event::poll(Duration::from_millis(50)).map_err(draw_err)? {
            let ev = event::read().map_err(draw_err)?;
            if let Some(cmd) = keys::command(app.mode(), &ev) {
                app.update(cmd);
                dirty = true;
            }
        }
        if app.quitting() {
            return Ok(());
        }
    }
}

/// The folders whose files names in writes are linked to: `--related`, else the folder opened
/// or the one holding the file; none for the demo.
fn related_roots(c: &ViewConfig, name: &Path) -> Vec<PathBuf> {
    match &c.target {
        _ if !c.related.is_empty() => c.related.clone(),
        Target::Demo => Vec::new(),
        Target::Folder(p) => vec![p.clone()],
        Target::File(_) => crate::report::related::default_roots(name),
    }
}

fn pick(
    term: &mut DefaultTerminal,
    picker: &mut Picker,
    c: &ViewConfig,
    case: &Case,
) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel::<(usize, picker::Entry)>();
    let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let paths: Vec<PathBuf> = picker.entries.iter().map(|e| e.path.clone()).collect();
        let engine = c.engine.clone().with_threads(1);
        let (cancel, settings, given) = (cancel.clone(), c.settings.clone(), c.origin);
        let sidecars = crate::notes::Sidecars::in_folder(&case.folder);
        std::thread::spawn(move || {
            for (i, p) in paths.into_iter().enumerate() {
                if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let entry = picker::scan_entry(&engine, p, given, &settings, &sidecars);
                if tx.send((i, entry)).is_err() {
                    break;
                }
            }
        });
    }
    let result = (|| -> Result<(), Error> {
        let mut dirty = true;
        let mut suspend = false;
        loop {
            while let Ok((i, e)) = rx.try_recv() {
                picker.entries[i] = e;
                dirty = true;
            }
            match terminal::job_control(term, suspend)? {
                Jobs::Same => {}
                Jobs::Redraw => dirty = true,
                Jobs::Away => {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                Jobs::Refused => {
                    picker.status = Some(NO_JOB_CONTROL.into());
                    dirty = true;
                }
            }
            suspend = false;
            if dirty {
                term.draw(|f| picker.render(f)).map_err(draw_err)?;
                dirty = false;
            }
            if event::poll(Duration::from_millis(50)).map_err(draw_err)? {
                let ev = event::read().map_err(draw_err)?;
                let rows = Picker::rows(term.size().map_err(draw_err)?.height);
                if let Some(cmd) = keys::command(&command::Mode::Normal, &ev) {
                    suspend = cmd == command::Command::Suspend;
                    match picker.update(&cmd, rows) {
                        PickerAction::Quit => return Ok(()),
                        PickerAction::Open(i) => {
                            let path = picker.entries[i].path.clone();
                            match Source::open(&path) {
                                Ok(src) => inspect(term, Arc::new(src), &path, c, None, case)?,
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

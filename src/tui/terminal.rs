//! The inspector's terminal: set up (raw mode, alternate screen, mouse reporting, hidden cursor,
//! the kitty keyboard protocol where the terminal has it) and restored on every exit path. A normal return restores it when the guard drops; a panic
//! on any thread restores it in the panic hook, prints the panic and exits (101); SIGTERM,
//! SIGHUP, SIGINT and every other signal that would end the process and can be caught (SIGQUIT,
//! SIGUSR1, SIGALRM, ...) are caught by a thread that restores it and lets the signal take its
//! default course (exit 128 + N); a fatal SIGBUS (not a shrunk file, which never kills, see
//! `source::fault`) restores it from the signal handler with async-signal-safe calls only.
//! Job control: SIGTSTP (or Ctrl-Z, which raw mode turns into a key) gives the terminal back
//! before the process stops, and SIGCONT sets it up again and redraws ([`job_control`]).

use crate::Error;
use crossterm::{cursor, event};
use ratatui::DefaultTerminal;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// What [`emergency_restore`] writes: bracketed paste off, mouse reporting off (every mode
/// crossterm enables), cursor shown, alternate screen left.
const RESTORE: &[u8] =
    b"\x1b[?2004l\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[?25h\x1b[?1049l";

/// What [`emergency_restore`] writes first when keyboard enhancement was pushed: pop it.
const POP_KEYBOARD: &[u8] = b"\x1b[<1u";

/// True while the terminal is set up for the inspector.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// True while the kitty keyboard protocol's "disambiguate" flag is pushed.
static ENHANCED: AtomicBool = AtomicBool::new(false);
/// The terminal's mode before the first setup (standard input's termios).
static SAVED: OnceLock<libc::termios> = OnceLock::new();

/// Set by SIGTSTP: stop as a job, once the terminal is given back.
static SUSPEND: AtomicBool = AtomicBool::new(false);
/// Set by SIGCONT: the process went on after a stop; the shell may have changed the terminal.
static RESUMED: AtomicBool = AtomicBool::new(false);

/// Restores the terminal once set up: to be held for as long as the inspector runs.
pub struct TerminalGuard {
    signals: signal_hook::iterator::Handle,
    jobs: signal_hook::iterator::Handle,
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        self.signals.close();
        self.jobs.close();
        restore();
        let _ = std::panic::take_hook();
    }
}

/// An error when standard input or output is not a terminal (before anything is made).
pub fn check() -> Result<(), Error> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::Usage("the inspector needs a terminal; use 'clanscope dump' or 'clanscope scan' in scripts and pipes".into()));
    }
    Ok(())
}

/// Sets the terminal up for the inspector and arranges its restoration on every exit path.
/// Refuses when standard input or output is not a terminal.
pub fn setup() -> Result<(DefaultTerminal, TerminalGuard), Error> {
    check()?;
    save_mode();
    crate::source::fault::on_fatal_fault(emergency_restore);
    let signals = watch_signals()?;
    let jobs = watch_jobs()?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        std::process::exit(101);
    }));
    ACTIVE.store(true, Ordering::SeqCst);
    let terminal = ratatui::try_init()
        .map_err(|e| Error::Terminal(format!("cannot set up the terminal: {e}")))?;
    // Bracketed paste: pasted text arrives as one event, never as keys.
    let _ = crossterm::execute!(
        std::io::stdout(),
        event::EnableMouseCapture,
        event::EnableBracketedPaste
    );
    enhance_keyboard();
    Ok((terminal, TerminalGuard { signals, jobs }))
}

/// A thread that notes SIGTSTP and SIGCONT for [`job_control`] (the inspector's loop acts on
/// them between frames, so nothing draws on a terminal given back).
fn watch_jobs() -> Result<signal_hook::iterator::Handle, Error> {
    use signal_hook::consts::{SIGCONT, SIGTSTP};
    let mut signals = signal_hook::iterator::Signals::new([SIGTSTP, SIGCONT])
        .map_err(|e| Error::Terminal(format!("cannot watch signals: {e}")))?;
    let handle = signals.handle();
    std::thread::spawn(move || {
        for sig in signals.forever() {
            let flag = if sig == SIGTSTP { &SUSPEND } else { &RESUMED };
            flag.store(true, Ordering::SeqCst);
        }
    });
    Ok(handle)
}

/// True while a stop gave the terminal back and the inspector has not taken it again.
static AWAY: AtomicBool = AtomicBool::new(false);

/// What [`job_control`] did, for the inspector's loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jobs {
    /// Nothing: go on.
    Same,
    /// The terminal was set up again after a stop: read its size and draw everything.
    Redraw,
    /// The terminal is not the inspector's now (resumed in the background, or while the
    /// shell is exiting): neither draw nor read keys.
    Away,
    /// A stop was asked where no shell with job control could bring the inspector back
    /// (`sh -c`, `set +m`, some `ssh -t`): not stopped, as the terminal would have dropped
    /// SIGTSTP itself.
    Refused,
}

/// Whether a shell with job control watches this process's group: the nearest ancestor
/// outside the group is in the same session (a job-control shell puts each job in a group of
/// its own, under it; `sh -c` in between is in the job's group). Where none is, the group is
/// orphaned: the terminal drops SIGTSTP for it, and a stop could never be undone from there.
fn shell_job_control() -> bool {
    // SAFETY: plain queries of process ids, no memory handed over.
    let (group, session) = unsafe { (libc::getpgrp(), libc::getsid(0)) };
    let mut p = unsafe { libc::getppid() };
    for _ in 0..64 {
        // SAFETY: as above.
        let (g, s) = unsafe { (libc::getpgid(p), libc::getsid(p)) };
        if g < 0 || s < 0 {
            return false;
        }
        if g != group {
            return s == session;
        }
        match parent_of(p) {
            Some(q) if q > 0 => p = q,
            _ => return false,
        }
    }
    false
}

/// The parent of process `pid` (Linux: /proc/PID/stat, the field after the name's `)`).
fn parent_of(pid: libc::pid_t) -> Option<libc::pid_t> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(1)?.parse().ok()
}

/// [`restore`] before a stop or an end by a signal. When the shell has the terminal already
/// (another process of the job, a `sh -c` around the inspector, stopped first; or the shell
/// is exiting), the restore still goes through, with SIGTTOU ignored (which would stop the
/// inspector at its first change of the terminal's mode, leaving the alternate screen up).
fn give_back() {
    if in_foreground() {
        return restore();
    }
    // SAFETY: dispositions of SIGTTOU, which nothing else here handles, set and set back.
    unsafe {
        let before = libc::signal(libc::SIGTTOU, libc::SIG_IGN);
        restore();
        libc::signal(libc::SIGTTOU, before);
    }
}

/// Whether this process's group is the terminal's foreground group (only then may it set the
/// terminal up or read keys without being stopped by SIGTTOU or SIGTTIN).
fn in_foreground() -> bool {
    // SAFETY: a query on standard input, a terminal (checked at setup).
    unsafe { libc::tcgetpgrp(libc::STDIN_FILENO) == libc::getpgrp() }
}

/// Job control, between frames: when a stop was asked (SIGTSTP, or `key`: Ctrl-Z), gives the
/// terminal back and stops the process as SIGTSTP would (where a shell can bring it back);
/// when it goes on (SIGCONT, also after a SIGSTOP from elsewhere), takes the terminal again
/// once the process is in the foreground.
pub fn job_control(term: &mut DefaultTerminal, key: bool) -> Result<Jobs, Error> {
    if SUSPEND.swap(false, Ordering::SeqCst) || key {
        if !shell_job_control() {
            return Ok(Jobs::Refused);
        }
        give_back();
        AWAY.store(true, Ordering::SeqCst);
        // The whole job stops, as the terminal's SIGTSTP would stop it (a `sh -c` around the
        // inspector too, so that the shell sees the job stopped); here until SIGCONT (a
        // shell's `fg` or `bg`).
        // SAFETY: a signal to this process's own group.
        unsafe { libc::kill(0, libc::SIGSTOP) };
    }
    if RESUMED.swap(false, Ordering::SeqCst) {
        // After any stop the terminal may have been changed: take it again (below).
        AWAY.store(true, Ordering::SeqCst);
    }
    if !AWAY.load(Ordering::SeqCst) {
        return Ok(Jobs::Same);
    }
    if !in_foreground() {
        return Ok(Jobs::Away);
    }
    // Given back first (if still set up), so that nothing is pushed twice.
    restore();
    reenter(term)?;
    AWAY.store(false, Ordering::SeqCst);
    Ok(Jobs::Redraw)
}

/// Sets the terminal up again after a stop: raw mode, alternate screen, mouse reporting,
/// hidden cursor, the keyboard protocol; the next frame is drawn whole.
fn reenter(term: &mut DefaultTerminal) -> Result<(), Error> {
    let err = |e: std::io::Error| Error::Terminal(format!("cannot set up the terminal: {e}"));
    crossterm::terminal::enable_raw_mode().map_err(err)?;
    ACTIVE.store(true, Ordering::SeqCst);
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        event::EnableMouseCapture,
        event::EnableBracketedPaste,
        cursor::Hide
    )
    .map_err(err)?;
    enhance_keyboard();
    term.clear().map_err(err)
}

/// Where the terminal speaks the kitty keyboard protocol, asks it to tell keys apart that the
/// legacy encoding confuses: Shift-F3 there arrives as a key, while xterm-style terminals send
/// it as `ESC [1;2R`, which is also a cursor-position report and never reaches the inspector
/// (`,` does the same everywhere).
fn enhance_keyboard() {
    use crossterm::event::{KeyboardEnhancementFlags as F, PushKeyboardEnhancementFlags};
    if matches!(
        crossterm::terminal::supports_keyboard_enhancement(),
        Ok(true)
    ) {
        ENHANCED.store(true, Ordering::SeqCst);
        let push = PushKeyboardEnhancementFlags(F::DISAMBIGUATE_ESCAPE_CODES);
        if crossterm::execute!(std::io::stdout(), push).is_err() {
            ENHANCED.store(false, Ordering::SeqCst);
        }
    }
}

/// Keeps the terminal's mode from before the first setup, for the async-signal-safe restore.
fn save_mode() {
    // SAFETY: tcgetattr on standard input (a terminal, checked) into a zeroed struct.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut t) == 0 {
            let _ = SAVED.set(t);
        }
    }
}

/// The signals whose default action ends the process and that a handler may catch.
/// (SIGXFSZ is ignored from the start: a file past the size limit is an error, `EFBIG`.)
const ENDING: [i32; 10] = {
    use signal_hook::consts::*;
    [
        SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
    ]
};

/// A thread that restores the terminal on any signal that would end the process (SIGTERM,
/// SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGALRM, ...), then lets the signal end it as it would
/// have.
fn watch_signals() -> Result<signal_hook::iterator::Handle, Error> {
    let mut signals = signal_hook::iterator::Signals::new(ENDING)
        .map_err(|e| Error::Terminal(format!("cannot watch signals: {e}")))?;
    let handle = signals.handle();
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // Also from the background (a shell exiting with the inspector stopped).
            give_back();
            let _ = signal_hook::low_level::emulate_default_handler(sig);
            std::process::exit(128 + sig);
        }
    });
    Ok(handle)
}

/// Leaves the alternate screen, turns mouse reporting off, shows the cursor and leaves raw
/// mode; does nothing when the terminal is not set up.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        if ENHANCED.swap(false, Ordering::SeqCst) {
            let _ = crossterm::execute!(std::io::stdout(), event::PopKeyboardEnhancementFlags);
        }
        let _ = crossterm::execute!(
            std::io::stdout(),
            event::DisableBracketedPaste,
            event::DisableMouseCapture,
            cursor::Show
        );
        ratatui::restore();
    }
}

/// [`restore`] with async-signal-safe calls only (write(2), tcsetattr(3)), for a fatal signal.
extern "C" fn emergency_restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        // SAFETY: write and tcsetattr are async-signal-safe; SAVED is set before ACTIVE.
        unsafe {
            if ENHANCED.swap(false, Ordering::SeqCst) {
                libc::write(
                    libc::STDOUT_FILENO,
                    POP_KEYBOARD.as_ptr() as *const libc::c_void,
                    POP_KEYBOARD.len(),
                );
            }
            libc::write(
                libc::STDOUT_FILENO,
                RESTORE.as_ptr() as *const libc::c_void,
                RESTORE.len(),
            );
            if let Some(t) = SAVED.get() {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, t);
            }
        }
    }
}

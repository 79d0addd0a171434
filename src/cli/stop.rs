//! Signals that end a command while it writes files of its own (`undump -o`, `--split`,
//! `compare --repaired-copy`): SIGINT (Ctrl-C), SIGTERM and SIGHUP. The files the command
//! created and has not finished are removed, each said, and the process ends as the signal's
//! default would (exit code 128 + its number): no output is left holding part of what it should
//! (review 62: Ctrl-C during undump left a partial -o file).

use crate::{output, sanitize};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

/// The files being written, each with the handle that proves it is still the file created.
static UNFINISHED: Mutex<Vec<(PathBuf, File)>> = Mutex::new(Vec::new());

fn list() -> MutexGuard<'static, Vec<(PathBuf, File)>> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts watching for the ending signals (once): from then on, they end the process through
/// [`stopped`]. Without the watch (the kernel refused the handlers), they end it as before.
pub(crate) fn watch() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("stop".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    stopped(sig);
                }
            });
    });
}

/// `f`, just created at `p`, is unfinished until [`finished`] says otherwise.
pub(crate) fn started(p: &Path, f: &File) {
    if let Ok(f) = f.try_clone() {
        list().push((p.to_path_buf(), f));
    }
}

/// The file at `p` is complete (or was removed by its command): a signal leaves it.
pub(crate) fn finished(p: &Path) {
    list().retain(|(q, _)| q != p);
}

/// The files not finished, handed over (the command failed and removes them itself).
pub(crate) fn take() -> Vec<(PathBuf, File)> {
    std::mem::take(&mut *list())
}

/// A signal came: removes the unfinished files (only one still the file created), says each,
/// and ends the process with the signal's default action. The lock is kept to the end, so no
/// file is started meanwhile.
fn stopped(sig: i32) -> ! {
    let files = list();
    for (p, f) in files.iter() {
        if output::remove_created(p, f) {
            say(&format!(
                "clanscope: {}: unfinished when a signal stopped the command; removed\n",
                sanitize::path(p)
            ));
        }
    }
    let _ = signal_hook::low_level::emulate_default_handler(sig);
    std::process::exit(128 + sig);
}

/// Writes `text` to standard error without its lock and without waiting: the command's own
/// thread may hold the lock, blocked on a standard error nobody reads (review 65: the signal
/// then removed the file and the process hung). A pipe is written through a description of
/// its own opened non-blocking (the shell's is left as it is): what does not fit is not said.
fn say(text: &str) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let pipe = rustix::fs::fstat(rustix::stdio::stderr()).is_ok_and(|st| {
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::Fifo
    });
    if !pipe {
        // A file or a terminal takes it at once.
        let b = text.as_bytes();
        // SAFETY: a write of a buffer we own to descriptor 2.
        let _ = unsafe { libc::write(2, b.as_ptr().cast(), b.len()) };
        return;
    }
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open("/proc/self/fd/2")
        .and_then(|mut f| f.write_all(text.as_bytes()));
}

//! The background workers of one inspected file: the scan (findings stream to the view in
//! batches, in file order, and are appended, never re-sorted), the SHA-256 (at the lowest CPU
//! priority, so it never delays the scan), the whole-file search and the comparison with
//! another file. Each reports through the one channel; quitting cancels them.

use super::app::ScanMsg;
use super::comparison::{self, DiffMsg};
use super::search::{self, Pattern, SearchMsg};
use crate::detect::{Control, DamagedHeader, Engine, Finding, Sink};
use crate::notes;
use crate::source::Source;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Passes findings to the view in batches, and headers as they close.
struct ToView {
    tx: mpsc::Sender<ScanMsg>,
    batch: Vec<Finding>,
    sent: Instant,
}

impl ToView {
    fn flush(&mut self) -> bool {
        self.sent = Instant::now();
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

/// Lists the related folders on a thread of its own at low priority, and passes the result to
/// the view (nothing for no folders).
pub fn related(roots: Vec<PathBuf>, tx: mpsc::Sender<ScanMsg>) {
    if roots.is_empty() {
        return;
    }
    std::thread::spawn(move || {
        lower_priority(10);
        let r = crate::report::related::Related::walk(&roots, crate::report::related::LIMIT);
        let _ = tx.send(ScanMsg::Related(Arc::new(r)));
    });
}

/// Lowers the calling thread's CPU priority to `nice` (the hash takes 19, the least, so the
/// scan always comes first; searches and comparisons take 10, so key handling comes first
/// without starving them on a busy machine).
fn lower_priority(nice: i32) {
    // SAFETY: setpriority on the calling thread (tid from gettid); no memory is involved.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, nice);
    }
}

/// Starts the background scan and hash of `src`; returns the channel and the control to cancel.
pub fn start(
    src: Arc<Source>,
    name: PathBuf,
    engine: Engine,
) -> (mpsc::Sender<ScanMsg>, mpsc::Receiver<ScanMsg>, Arc<Control>) {
    let (tx, rx) = mpsc::channel();
    let ctl = Arc::new(Control::new());
    {
        let (src, ctl, tx) = (src.clone(), ctl.clone(), tx.clone());
        std::thread::spawn(move || {
            let mut sink = ToView {
                tx: tx.clone(),
                batch: Vec::new(),
                sent: Instant::now(),
            };
            let report = engine.scan_into(&*src, &name, &ctl, &mut sink);
            sink.flush();
            let _ = tx.send(ScanMsg::Done(report));
        });
    }
    {
        let (ctl, tx) = (ctl.clone(), tx.clone());
        std::thread::spawn(move || {
            lower_priority(19);
            if let Ok(Some(h)) = notes::sha256_source(&src, &|| ctl.is_cancelled()) {
                let _ = tx.send(ScanMsg::Hash(h));
            }
        });
    }
    (tx, rx, ctl)
}

/// Searches `src` for `p` on a background thread; `cancel` stops it.
pub fn search(
    src: Arc<Source>,
    p: Arc<Pattern>,
    generation: u64,
    cancel: Arc<AtomicBool>,
    tx: mpsc::Sender<ScanMsg>,
) {
    std::thread::spawn(move || {
        lower_priority(10);
        search::search_all(&p, &*src, generation, &cancel, &mut |m: SearchMsg| {
            tx.send(ScanMsg::Search(m)).is_ok()
        });
    });
}

/// Compares `a` with `b` on a background thread; `cancel` stops it.
pub fn compare(a: Arc<Source>, b: Arc<Source>, cancel: Arc<AtomicBool>, tx: mpsc::Sender<ScanMsg>) {
    std::thread::spawn(move || {
        lower_priority(10);
        comparison::run(&a, &b, &cancel, &mut |m: DiffMsg| {
            tx.send(ScanMsg::Diff(m)).is_ok()
        });
    });
}

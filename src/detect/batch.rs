//! Scanning many files: workers take files from the list and scan them side by side; results
//! reach the caller in list order, each with its source still open (so the caller can decode
//! text from the bytes), while at most a small window of finished files waits. One large file
//! alone is split into chunks on all cores instead.

use super::{Control, Engine, Report};
use crate::source::Source;
use crate::Error;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// One file's outcome, handed to the caller in list order.
pub enum Scanned<'a> {
    Done { source: &'a Source, report: Report },
    Failed(Error),
}

/// A scan of many files: progress and cancellation shared with whoever watches it.
pub struct Batch {
    controls: Vec<Control>,
    cancel: AtomicBool,
}

/// Finished files that may wait for their turn, per worker.
const WINDOW_PER_WORKER: usize = 16;

impl Batch {
    pub fn new(files: usize) -> Batch {
        Batch {
            controls: (0..files).map(|_| Control::new()).collect(),
            cancel: AtomicBool::new(false),
        }
    }

    /// Bytes scanned so far, over all files.
    pub fn progress(&self) -> u64 {
        self.controls.iter().map(|c| c.progress().0).sum()
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
        for c in &self.controls {
            c.cancel();
        }
    }

    /// Scans `files` and calls `each(index, path, outcome)` in list order.
    pub fn run(
        &self,
        engine: &Engine,
        files: &[PathBuf],
        each: &mut dyn FnMut(usize, &Path, Scanned<'_>),
    ) {
        let workers = engine.threads().min(files.len()).max(1);
        let per_file = if files.len() == 1 {
            engine.clone()
        } else {
            engine.clone().with_threads(1)
        };
        let window = WINDOW_PER_WORKER * workers;
        let next = AtomicUsize::new(0);
        let delivered = AtomicUsize::new(0);
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel::<(usize, Result<(Source, Report), Error>)>();
            for _ in 0..workers {
                let tx = tx.clone();
                let (next, delivered, per_file) = (&next, &delivered, &per_file);
                s.spawn(move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    if self.cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    while i >= delivered.load(Ordering::Relaxed) + window
                        && !self.cancel.load(Ordering::Relaxed)
                    {
                        std::thread::sleep(std::time::Duration::from_micros(100));
                    }
                    let outcome = Source::open(path).map(|src| {
                        src.advise_sequential();
                        let report = per_file.scan(&src, path, &self.controls[i]);
                        (src, report)
                    });
                    if tx.send((i, outcome)).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            let mut pending = BTreeMap::new();
            for (i, outcome) in rx {
                pending.insert(i, outcome);
                while let Some(outcome) = pending.remove(&delivered.load(Ordering::Relaxed)) {
                    let i = delivered.fetch_add(1, Ordering::Relaxed);
                    match outcome {
                        Ok((source, report)) => each(
                            i,
                            &files[i],
                            Scanned::Done {
                                source: &source,
                                report,
                            },
                        ),
                        Err(e) => each(i, &files[i], Scanned::Failed(e)),
                    }
                }
            }
        });
    }
}

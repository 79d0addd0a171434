//! Compare mode: the other file (a backup or known-good copy) beside the evidence, the ranges
//! that differ (small files at once, large ones from a background worker in batches), and the
//! walk from difference to difference. The other file is opened read-only like the evidence.

use crate::compare::{self, Diff};
use crate::source::Source;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Files up to this size are compared at once.
pub const SYNC_LIMIT: u64 = 16 << 20;
/// Bytes compared per batch of the background worker.
const CHUNK: usize = 16 << 20;

/// A batch from the background comparison.
pub enum DiffMsg {
    Ranges(Vec<(u64, u64)>, u64),
    /// Bytes compared so far.
    Progress(u64),
    Done,
    /// The compared file's SHA-256, hashed after the comparison (None: it changed meanwhile).
    Hash(Option<String>),
}

/// Compare mode: the other file and the ranges that differ.
pub struct Comparison {
    pub(crate) other: Arc<Source>,
    pub(crate) diff: Diff,
    pub(crate) done: bool,
    pub(crate) compared: u64,
    pub(crate) cancel: Arc<AtomicBool>,
    /// The compared file's SHA-256 once hashed (an export names the file by it); empty when it
    /// could not be hashed (it shrank or faulted meanwhile).
    pub(crate) sha256: Option<String>,
}

impl Comparison {
    /// Compares `evidence` with `other`: at once when small, else returns with `done` false
    /// and the caller starts [`run`] on a worker.
    pub fn new(evidence: &Source, other: Arc<Source>) -> Comparison {
        let mut c = Comparison {
            diff: Diff {
                evidence_len: evidence.len(),
                other_len: other.len(),
                ..Diff::default()
            },
            other,
            done: false,
            compared: 0,
            cancel: Arc::new(AtomicBool::new(false)),
            sha256: None,
        };
        if evidence.len().max(c.other.len()) <= SYNC_LIMIT {
            let other = c.other.clone();
            run(evidence, &other, &AtomicBool::new(false), &mut |m| {
                c.absorb(m);
                true
            });
        }
        c
    }

    /// The compared file.
    pub fn other(&self) -> &Source {
        &self.other
    }
    /// The differing ranges found so far.
    pub fn diff(&self) -> &Diff {
        &self.diff
    }
    /// Whether the whole file has been compared.
    pub fn done(&self) -> bool {
        self.done
    }
    /// The compared file's SHA-256, once the comparison is done and the file hashed (empty if
    /// it could not be hashed).
    pub fn sha256(&self) -> Option<&str> {
        self.sha256.as_deref()
    }

    pub(crate) fn absorb(&mut self, m: DiffMsg) {
        match m {
            DiffMsg::Ranges(r, differing) => {
                for (s, e) in r {
                    self.diff.push_range(s, e);
                }
                self.diff.differing += differing;
            }
            DiffMsg::Progress(n) => self.compared = n,
            DiffMsg::Hash(h) => self.sha256 = Some(h.unwrap_or_default()),
            DiffMsg::Done => {
                self.done = true;
                let (a, b) = (self.diff.evidence_len, self.diff.other_len);
                if a > b {
                    self.diff.add_tail(b, a);
                }
            }
        }
    }

    /// The next (or previous) differing range from `cursor`, wrapping: its index and whether
    /// it wrapped.
    pub fn next_from(&self, cursor: u64, forward: bool) -> Option<(usize, bool)> {
        let r = &self.diff.ranges;
        if r.is_empty() {
            return None;
        }
        if forward {
            let i = r.partition_point(|x| x.0 <= cursor);
            Some(if i < r.len() { (i, false) } else { (0, true) })
        } else {
            let i = r.partition_point(|x| x.1 <= cursor);
            Some(if i > 0 {
                (i - 1, false)
            } else {
                (r.len() - 1, true)
            })
        }
    }
}

/// Compares `a` with `b` in chunks, sending the ranges found; `send` returns false to stop.
pub fn run(a: &Source, b: &Source, cancel: &AtomicBool, send: &mut dyn FnMut(DiffMsg) -> bool) {
    let (da, db) = (a.safe_bytes(), b.safe_bytes());
    let common = da.len().min(db.len());
    let mut pos = 0;
    while pos < common {
        let to = (pos + CHUNK).min(common);
        let mut ranges = Vec::new();
        let mut differing = 0;
        let stop = || cancel.load(Ordering::Relaxed);
        if compare::diff_window(da, db, pos, to, &stop, &mut |s, e| {
            differing += e - s;
            ranges.push((s, e));
        })
        .is_none()
        {
            return;
        }
        a.release(pos as u64, to as u64);
        b.release(pos as u64, to as u64);
        if !send(DiffMsg::Ranges(ranges, differing)) || !send(DiffMsg::Progress(to as u64)) {
            return;
        }
        pos = to;
    }
    if !send(DiffMsg::Done) {
        return;
    }
    let stop = || cancel.load(Ordering::Relaxed);
    match crate::notes::sha256_source(b, &stop) {
        Ok(Some(h)) => send(DiffMsg::Hash(Some(h))),
        Ok(None) if stop() => false,
        _ => send(DiffMsg::Hash(None)),
    };
}

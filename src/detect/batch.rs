//! Scanning many files: a fixed pool of workers (one per core) pulls files from the walk and
//! scans them side by side; results reach the caller in walk order, each with its bytes still
//! at hand (so the caller can decode the text of findings), while at most a small window of
//! finished files waits for its turn.
//!
//! How a file is read:
//! - a small file (up to [`READ_MAX`]) is opened, measured with one `statx` (`fstat`) and read
//!   with one `read` into a buffer that is reused once the caller is done with it, as ripgrep
//!   does; no map, no page-table work, no `madvise`;
//! - a larger file is mapped (`Source`), and one of [`PARALLEL_MIN`] or more is split into
//!   chunks on all cores by the engine;
//! - a regular file that reports a size of 0 but has content (procfs, sysfs) is read by
//!   streaming (`Source::from_zero_size`), up to `MEMORY_CAP`, one such file at a time; more is
//!   refused with a message;
//! - files named on the command line that are not regular files (standard input, FIFOs,
//!   devices) are read by `Source` (in memory, or past 1 MiB into a sealed memory file).
//!
//! Memory: the window holds at most `WINDOW_PER_WORKER` files per worker, so at most that many
//! read buffers of at most [`READ_MAX`] bytes each, whatever the number of files.

use super::{Control, Engine, Report, CHUNK};
use crate::source::walk::{Entry, Skip, Special};
use crate::source::{Bytes, Source};
use crate::Error;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::SystemTime;

/// Files up to this size are read into a reused buffer; larger ones are mapped.
pub const READ_MAX: u64 = 256 << 10;
/// Files of this size or more are scanned in chunks on all cores.
pub const PARALLEL_MIN: u64 = 2 * CHUNK as u64;
/// Walk entries a worker takes at a time.
const PER_TAKE: usize = 8;
/// Walk entries that may be taken ahead of the delivery, per worker.
const WINDOW_PER_WORKER: usize = 4 * PER_TAKE;

/// One walk entry's outcome, handed to the caller in walk order.
pub enum Scanned<'a> {
    /// A file scanned: its path, its bytes (as they were read) and its report.
    Done {
        path: &'a Path,
        input: &'a dyn Bytes,
        report: Report,
        /// Why a file that is no empty regular file gave no byte, to be told the examiner
        /// ([`Source::empty_notice`]: a FIFO without a writer).
        empty: Option<&'static str>,
    },
    /// A file listed but not read (a special file or a link leaving the folder), with the
    /// reason as an error entry of kind `file`.
    Skipped { path: &'a Path, reason: Error },
    /// A file or folder that could not be read.
    Failed(Error),
}

/// A scan of many files: progress and cancellation shared with whoever watches it.
#[derive(Default)]
pub struct Batch {
    cancel: AtomicBool,
    /// Bytes of the files finished so far.
    done: AtomicU64,
    /// Files finished so far.
    files: AtomicUsize,
    /// The controls of large files being scanned now (their progress counts too).
    active: Mutex<Vec<Arc<Control>>>,
}

/// The bytes of one file, read or mapped.
enum Content {
    /// A reused buffer; the file's bytes are `buf[..len]`.
    Read {
        buf: Vec<u8>,
        len: usize,
    },
    Source(Source),
}

impl Bytes for Content {
    fn bytes(&self) -> &[u8] {
        match self {
            Content::Read { buf, len } => &buf[..*len],
            Content::Source(s) => s.bytes(),
        }
    }
    fn next_data(&self, offset: u64) -> Option<u64> {
        match self {
            Content::Read { len, .. } => (offset < *len as u64).then_some(offset),
            Content::Source(s) => s.next_data(offset),
        }
    }
    fn current_len(&self) -> u64 {
        match self {
            Content::Read { len, .. } => *len as u64,
            Content::Source(s) => s.current_len(),
        }
    }
    fn release(&self, from: u64, to: u64) {
        if let Content::Source(s) = self {
            s.release(from, to)
        }
    }
}

/// What a worker hands to the delivering thread.
enum Outcome {
    Done(PathBuf, Content, Report),
    Skipped(PathBuf, Error),
    Failed(Error),
}

/// The state the workers share while a batch runs.
struct Shared<'a, W> {
    walk: Mutex<W>,
    /// Walk entries taken so far.
    taken: AtomicUsize,
    /// Buffers the caller is done with, for the next small files.
    pool: Mutex<Vec<Vec<u8>>>,
    /// One zero-size (procfs) file streams at a time.
    streaming: Mutex<()>,
    delivered: AtomicUsize,
    window: usize,
    single: Engine,
    all: &'a Engine,
}

impl Batch {
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Bytes scanned so far, over all files.
    pub fn progress(&self) -> u64 {
        let active = self.active.lock().expect("not poisoned");
        self.done.load(Ordering::Relaxed) + active.iter().map(|c| c.progress().0).sum::<u64>()
    }

    /// Files finished so far.
    pub fn files_done(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Stops the batch: no new file is started, large files being scanned stop early.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
        for c in self.active.lock().expect("not poisoned").iter() {
            c.cancel();
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Scans the files of `walk` on a pool of `engine.threads()` workers and calls
    /// `each(index, outcome)` in walk order (`index` counts the walk's entries from 0). The
    /// calling thread is one of the workers and delivers between its own files, so no core
    /// waits for a thread that only delivers.
    pub fn run<W>(&self, engine: &Engine, walk: W, each: &mut dyn FnMut(usize, Scanned<'_>))
    where
        W: Iterator<Item = Entry> + Send,
    {
        let workers = engine.threads().max(1);
        let shared = Shared {
            walk: Mutex::new(walk),
            taken: AtomicUsize::new(0),
            pool: Mutex::new(Vec::new()),
            streaming: Mutex::new(()),
            delivered: AtomicUsize::new(0),
            window: WINDOW_PER_WORKER * workers,
            single: engine.clone().with_threads(1),
            all: engine,
        };
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel::<(usize, Vec<Outcome>)>();
            for _ in 1..workers {
                let tx = tx.clone();
                let shared = &shared;
                s.spawn(move || {
                    while let Some((first, outcomes)) = self.next_batch(shared, true) {
                        if tx.send((first, outcomes)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut pending = BTreeMap::new();
            // Work while there is work, delivering what is ready after each batch.
            loop {
                // Bounded memory: when the helpers lag, deliver their files before taking more.
                while shared.taken.load(Ordering::Relaxed)
                    >= shared.delivered.load(Ordering::Relaxed) + shared.window
                {
                    let Ok((first, outcomes)) = rx.recv() else {
                        break;
                    };
                    pending.insert(first, outcomes);
                    self.deliver_ready(&shared, &mut pending, each);
                }
                let Some((first, outcomes)) = self.next_batch(&shared, false) else {
                    break;
                };
                pending.insert(first, outcomes);
                pending.extend(rx.try_iter());
                self.deliver_ready(&shared, &mut pending, each);
            }
            // The walk is done: deliver the rest as the other workers finish.
            for (first, outcomes) in rx {
                pending.insert(first, outcomes);
                self.deliver_ready(&shared, &mut pending, each);
            }
            self.deliver_ready(&shared, &mut pending, each);
        });
    }

    /// Takes the next few entries of the walk (one lock for several files), reads and scans
    /// them. A helper worker first waits while they are too far ahead of the delivery (the
    /// calling thread does not: it delivers the helpers' files instead).
    fn next_batch<W>(&self, shared: &Shared<'_, W>, wait: bool) -> Option<(usize, Vec<Outcome>)>
    where
        W: Iterator<Item = Entry>,
    {
        if self.cancelled() {
            return None;
        }
        let (first, entries) = {
            let mut walk = shared.walk.lock().expect("not poisoned");
            let entries: Vec<Entry> = walk.by_ref().take(PER_TAKE).collect();
            let first = shared.taken.fetch_add(entries.len(), Ordering::Relaxed);
            (first, entries)
        };
        if entries.is_empty() {
            return None;
        }
        while wait
            && first >= shared.delivered.load(Ordering::Relaxed) + shared.window
            && !self.cancelled()
        {
            std::thread::sleep(std::time::Duration::from_micros(100));
        }
        let outcomes = entries
            .into_iter()
            .map(|entry| match entry {
                Entry::File { path, explicit } => match self.scan_file(shared, &path, explicit) {
                    Ok((content, report)) => Outcome::Done(path, content, report),
                    Err(e) => Outcome::Failed(e),
                },
                Entry::Skipped { path, why } => {
                    let e = why.to_error(&path);
                    Outcome::Skipped(path, e)
                }
                Entry::Error(e) => Outcome::Failed(e),
            })
            .collect();
        Some((first, outcomes))
    }

    /// Hands the outcomes that are next in walk order to `each`.
    fn deliver_ready<W>(
        &self,
        shared: &Shared<'_, W>,
        pending: &mut BTreeMap<usize, Vec<Outcome>>,
        each: &mut dyn FnMut(usize, Scanned<'_>),
    ) {
        while let Some(outcomes) = pending.remove(&shared.delivered.load(Ordering::Relaxed)) {
            let first = shared.delivered.load(Ordering::Relaxed);
            let n = outcomes.len();
            for (k, outcome) in outcomes.into_iter().enumerate() {
                self.hand_over(shared, first + k, outcome, each);
            }
            shared.delivered.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// One outcome to `each`; a read buffer then goes back to the pool.
    fn hand_over<W>(
        &self,
        shared: &Shared<'_, W>,
        i: usize,
        outcome: Outcome,
        each: &mut dyn FnMut(usize, Scanned<'_>),
    ) {
        match outcome {
            Outcome::Done(path, content, report) => {
                each(
                    i,
                    Scanned::Done {
                        path: &path,
                        input: &content,
                        report,
                        empty: match &content {
                            Content::Source(s) => s.empty_notice(),
                            Content::Read { .. } => None,
                        },
                    },
                );
                if let Content::Read { buf, .. } = content {
                    shared.pool.lock().expect("not poisoned").push(buf);
                }
            }
            Outcome::Skipped(path, reason) => each(
                i,
                Scanned::Skipped {
                    path: &path,
                    reason,
                },
            ),
            Outcome::Failed(e) => each(i, Scanned::Failed(e)),
        }
    }

    /// Reads one file and scans it.
    fn scan_file<W>(
        &self,
        shared: &Shared<'_, W>,
        path: &Path,
        explicit: bool,
    ) -> Result<(Content, Report), Error> {
        let (content, shrank, modified) = load(shared, path, explicit)?;
        let len = content.bytes().len() as u64;
        let report = if len >= PARALLEL_MIN && shared.all.threads() > 1 {
            let ctl = Arc::new(Control::new());
            self.active
                .lock()
                .expect("not poisoned")
                .push(Arc::clone(&ctl));
            if self.cancelled() {
                ctl.cancel();
            }
            let report = shared.all.scan(&content, path, &ctl);
            self.active
                .lock()
                .expect("not poisoned")
                .retain(|c| !Arc::ptr_eq(c, &ctl));
            report
        } else {
            shared.single.scan(&content, path, &Control::new())
        };
        let mut report = report;
        report.shrank_to = report.shrank_to.or(shrank);
        report.modified = modified;
        self.done.fetch_add(len, Ordering::Relaxed);
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok((content, report))
    }
}

/// Opens and reads (or maps) one file the way its type and size ask; also the size the file
/// shrank to if a read ended before the size it reported, and its modification time when
/// opened (fstat on the handle read; none for standard input), for the timeline.
fn load<W>(
    shared: &Shared<'_, W>,
    path: &Path,
    explicit: bool,
) -> Result<(Content, Option<u64>, Option<SystemTime>), Error> {
    if path.as_os_str() == "-" {
        return Source::open(path).map(|s| (Content::Source(s), None, None));
    }
    let file = open_read_only(path).map_err(|e| crate::source::open_error(path, &e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, &e))?;
    // The time of the file opened here, whatever reads its bytes after (review 83: the
    // timeline took the time of whatever bore the name when the report was written; review
    // 85: a stream copied into memory gave the copy's time).
    let modified = meta.modified().ok();
    let (content, shrank) = load_opened(shared, path, explicit, file, &meta)?;
    Ok((content, shrank, modified))
}

/// [`load`] once the file is open and `meta` its fstat.
fn load_opened<W>(
    shared: &Shared<'_, W>,
    path: &Path,
    explicit: bool,
    file: File,
    meta: &std::fs::Metadata,
) -> Result<(Content, Option<u64>), Error> {
    let source = |path| Source::open(path).map(|s| (Content::Source(s), None));
    let ft = meta.file_type();
    if !ft.is_file() {
        if ft.is_dir() {
            return Err(Error::file(path, "is a directory"));
        }
        // Named on the command line: read where it was opened (a FIFO reopened after its
        // writer left would have lost its data with the last descriptor).
        if explicit && (ft.is_fifo() || ft.is_char_device() || ft.is_socket()) {
            return Source::from_special(path, file).map(|s| (Content::Source(s), None));
        }
        if explicit {
            drop(file);
            return source(path);
        }
        // The entry changed type since the folder was listed.
        let s = Special::of(&ft).unwrap_or(Special::Fifo);
        return Err(Skip::Special(s).to_error(path));
    }
    let size = meta.len();
    if size == 0 {
        return stream(&shared.streaming, file, path, crate::source::MEMORY_CAP).map(|c| (c, None));
    }
    if size > READ_MAX {
        drop(file);
        return source(path);
    }
    let mut buf = shared
        .pool
        .lock()
        .expect("not poisoned")
        .pop()
        .unwrap_or_default();
    if buf.len() < size as usize {
        buf.resize(size as usize, 0);
    }
    let len = read_full(&file, &mut buf[..size as usize]).map_err(|e| Error::io(path, &e))?;
    let shrank = (len < size as usize).then_some(len as u64);
    Ok((Content::Read { buf, len }, shrank))
}

/// Reads until `buf` is full or the file ends; one `read` for a regular file.
fn read_full(mut file: &File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A regular file that reports a size of 0 (see `Source::from_zero_size`), up to `cap` bytes,
/// one such file at a time (`one` is held meanwhile).
fn stream(one: &Mutex<()>, file: File, path: &Path, cap: u64) -> Result<Content, Error> {
    let _one = one.lock().expect("not poisoned");
    Source::from_zero_size(path, file, cap).map(Content::Source)
}

/// Opens a file read-only without waiting (a FIFO put in place of a listed file would block),
/// without updating its access time where the kernel allows it.
fn open_read_only(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let open = |flags| {
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags)
            .open(path)
    };
    match open(libc::O_NONBLOCK | libc::O_NOATIME) {
        // O_NOATIME needs the file's owner (or CAP_FOWNER).
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
            let f = open(libc::O_NONBLOCK)?;
            crate::source::atime_may_move(path);
            Ok(f)
        }
        r => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::walk;

    #[test]
    fn a_zero_size_file_beyond_the_cap_is_refused() {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), b"0123456789abcdefghij").unwrap();
        let one = Mutex::new(());
        let open = || File::open(f.path()).unwrap();
        let c = stream(&one, open(), f.path(), 20).unwrap();
        assert_eq!(c.bytes(), b"0123456789abcdefghij");
        let e = stream(&one, open(), f.path(), 19).err().unwrap();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: reports a size of 0 bytes but holds more than 19 bytes (a file of a special file system such as /proc); not read",
                f.path().display()
            )
        );
    }

    #[test]
    fn reports_equal_the_engine_on_the_same_bytes_in_walk_order() {
        let dir = tempfile::tempdir().unwrap();
        let w = b"\r\n\r\nExporting messages in mailbox \"a\" to file EXPORT\\MSG0001.CCM\r\n";
        let mut paths = Vec::new();
        for (i, len) in [
            100usize,
            5000,
            300 << 10,
            70,
            PARALLEL_MIN as usize + 1000,
            0,
        ]
        .into_iter()
        .enumerate()
        {
            let mut d: Vec<u8> = (0..len).map(|k| (k * 7919 % 251) as u8 | 0x80).collect();
            if len > 200 {
                d[len / 2..len / 2 + w.len()].copy_from_slice(w);
            }
            let p = dir.path().join(format!("f{i}"));
            std::fs::write(&p, &d).unwrap();
            paths.push((p, d));
        }
        let engine = Engine::default().with_threads(2);
        let mut seen = Vec::new();
        Batch::new().run(
            &engine,
            walk::walk(&[dir.path().to_path_buf()]),
            &mut |i, s| match s {
                Scanned::Done {
                    path,
                    input,
                    report,
                    ..
                } => {
                    let (p, d) = &paths[i];
                    assert_eq!(path, p);
                    assert_eq!(input.bytes(), &d[..]);
                    let direct = engine.scan(&d[..], p, &Control::new());
                    assert_eq!(report.findings, direct.findings);
                    assert_eq!(report.headers, direct.headers);
                    seen.push(i);
                }
                _ => panic!("only regular files here"),
            },
        );
        assert_eq!(seen, (0..paths.len()).collect::<Vec<_>>());
    }
}

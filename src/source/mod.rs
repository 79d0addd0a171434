//! Read-only byte sources. A file is opened with `O_RDONLY` (and `O_NOATIME` where the kernel
//! allows it, so reading leaves its access time alone) and mapped with a read-only shared
//! mapping (`memmap2::Mmap`, never `MmapMut` or copy-on-write); pipes, FIFOs and standard input
//! are copied (up to [`MEMORY_CAP`]) into a sealed anonymous memory file and mapped the same way
//! ([`spool`]); the bundled demo and tests serve bytes from memory.
//! Nothing in this module can write to the examined file. A mapped file that shrinks while it is
//! read never ends the process: [`fault`] turns the fault into zeros and a note that
//! [`Source::check`] reports. [`Bytes`] is the one way readers (the engine, the dump printer,
//! the hash) reach bytes; [`walk`] lists the files of folders.

pub mod fault;
pub mod patient;
pub mod spool;
pub mod walk;

use crate::{sanitize, Error};
use memmap2::{Mmap, MmapOptions};
use spool::Spooled;
use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// Standard input, FIFOs and character devices are read up to this many bytes.
pub const MEMORY_CAP: u64 = 1 << 30;

enum Backing {
    Empty,
    Mapped {
        map: Mmap,
        file: File,
        /// The fault table's slot for this mapping.
        slot: usize,
    },
    Memory(Cow<'static, [u8]>),
}

/// What a socket named to be read is (opening one fails with "no such device or address").
const SOCKET: &str = "is a socket, which cannot be read as a file";

/// The error of opening (or of a `stat` of) `path` named to be read, said as what the path is
/// where the system's words would mislead: a symbolic link whose target is missing (not "no
/// such file", as if the link were not there), a socket (not "no such device or address").
pub fn open_error(path: &Path, e: &std::io::Error) -> Error {
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if link && e.kind() == std::io::ErrorKind::NotFound {
        let target = std::fs::read_link(path).unwrap_or_default();
        return Error::file(
            path,
            format!(
                "is a symbolic link whose target is missing: {}",
                sanitize::path(&target)
            ),
        );
    }
    if std::fs::metadata(path).is_ok_and(|m| m.file_type().is_socket()) {
        return Error::file(path, SOCKET);
    }
    Error::io(path, e)
}

/// Opens `path` for reading: `O_RDONLY|O_CLOEXEC` with `O_NOATIME` (reading then leaves the
/// access time alone), and without `O_NOATIME` where the kernel refuses it (`EPERM`: a file
/// of another user). `extra` adds open flags (`O_NONBLOCK`).
pub fn open_read(path: &Path, extra: i32) -> std::io::Result<File> {
    let (f, kept) = crate::small::open_read_said(path, extra)?;
    if !kept {
        atime_may_move(path);
    }
    Ok(f)
}

/// Examined files opened without `O_NOATIME` since the last [`take_atime_may_move`] (the first
/// [`ATIME_NAMED`] by name), and how many in all.
static ATIME: std::sync::Mutex<(Vec<String>, usize)> = std::sync::Mutex::new((Vec::new(), 0));

/// Examined files named by [`take_atime_may_move`]; the rest are counted.
const ATIME_NAMED: usize = 3;

/// Notes that the examined file `path` was opened without `O_NOATIME` (the kernel allows it
/// only to the file's owner or CAP_FOWNER): reading it may move its access time.
pub(crate) fn atime_may_move(path: &Path) {
    let mut a = ATIME.lock().unwrap_or_else(|e| e.into_inner());
    let name = sanitize::path(path);
    if a.0.contains(&name) {
        return;
    }
    if a.0.len() < ATIME_NAMED {
        a.0.push(name);
    }
    a.1 += 1;
}

/// The examined files opened without `O_NOATIME` since the last call: the first few names,
/// and how many in all (review 63: the access time moved and nothing said so).
pub fn take_atime_may_move() -> (Vec<String>, usize) {
    std::mem::take(&mut *ATIME.lock().unwrap_or_else(|e| e.into_inner()))
}

impl Drop for Source {
    fn drop(&mut self) {
        if let Backing::Mapped { slot, .. } = self.backing {
            fault::unregister(slot);
        }
    }
}

/// The bytes under examination, whatever they come from.
pub struct Source {
    name: String,
    path: Option<PathBuf>,
    backing: Backing,
    /// Where the bytes came from, for saying what an empty source is.
    from: Feed,
}

/// Where a source's bytes came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Feed {
    /// A file (mapped), or bytes in memory (the demo, tests).
    File,
    /// A FIFO, opened without waiting for a writer.
    Fifo,
    /// Standard input, a character device, a socket, a procfs file.
    Stream,
}

impl Source {
    /// Opens `path` read-only. `-` reads standard input (see [`spool`]). Directories, missing files
    /// and unreadable files are errors naming the path; an empty file is an empty source.
    pub fn open(path: &Path) -> Result<Source, Error> {
        if path.as_os_str() == "-" {
            if let Some(src) = Source::stdin_file()? {
                return Ok(src);
            }
            return Source::from_reader(
                "standard input",
                patient::Patient(std::io::stdin().lock()),
            );
        }
        let meta = std::fs::metadata(path).map_err(|e| open_error(path, &e))?;
        let ft = meta.file_type();
        if ft.is_dir() {
            return Err(Error::file(path, "is a directory"));
        }
        if ft.is_socket() {
            return Err(Error::file(path, SOCKET));
        }
        let name = sanitize::path(path);
        if ft.is_fifo() || ft.is_char_device() {
            // Opening a FIFO blocks until a writer appears; O_NONBLOCK avoids the hang, then
            // reads block as usual. No writer means end of file at once.
            let file = open_read(path, libc::O_NONBLOCK).map_err(|e| open_error(path, &e))?;
            return Source::from_special(path, file);
        }
        let mut file = open_read(path, 0).map_err(|e| open_error(path, &e))?;
        let len = if ft.is_block_device() {
            use std::io::Seek;
            file.seek(std::io::SeekFrom::End(0))
                .map_err(|e| Error::io(path, &e))?
        } else {
            meta.len()
        };
        if len == 0 && ft.is_file() {
            return Source::from_zero_size(path, file, MEMORY_CAP);
        }
        let backing = if len == 0 {
            Backing::Empty
        } else {
            map_file(file, len, &name).map_err(|m| Error::file(path, m))?
        };
        Ok(Source {
            name,
            path: Some(path.to_path_buf()),
            backing,
            from: Feed::File,
        })
    }

    /// Standard input redirected from a regular file (`- < FILE`) at its start: that file,
    /// mapped as any file is (so it may be larger than [`MEMORY_CAP`] and costs no copy).
    /// `None` for anything else (a pipe, a terminal, a file read part of the way), which is read.
    fn stdin_file() -> Result<Option<Source>, Error> {
        use std::os::fd::AsFd;
        let name = "standard input";
        let stdin = std::io::stdin();
        let Ok(meta) = rustix::fs::fstat(stdin.as_fd()) else {
            return Ok(None);
        };
        let regular = rustix::fs::FileType::from_raw_mode(meta.st_mode).is_file();
        let at_start = rustix::fs::seek(stdin.as_fd(), rustix::fs::SeekFrom::Current(0))
            .is_ok_and(|at| at == 0);
        if !regular || !at_start {
            return Ok(None);
        }
        let io = |e: std::io::Error| Error::Io {
            path: name.into(),
            cause: crate::error::io_cause(&e),
        };
        let file = File::from(stdin.as_fd().try_clone_to_owned().map_err(io)?);
        let len = file.metadata().map_err(io)?.len();
        let backing = if len == 0 {
            Backing::Empty
        } else {
            map_file(file, len, name).map_err(|message| Error::File {
                path: name.into(),
                message,
            })?
        };
        Ok(Some(Source {
            name: name.into(),
            path: None,
            backing,
            from: Feed::File,
        }))
    }

    /// Reads an opened FIFO, character device or socket at `path` (see [`spool`], up to
    /// [`MEMORY_CAP`]), blocking reads from here on. The caller's descriptor is used, not a new
    /// one: a FIFO whose writer has gone keeps its data only while some descriptor holds it.
    pub fn from_special(path: &Path, file: File) -> Result<Source, Error> {
        clear_nonblock(&file);
        let fifo = file.metadata().is_ok_and(|m| m.file_type().is_fifo());
        let mut src = Source::read_capped(sanitize::path(path), file, MEMORY_CAP)?;
        src.set_path(path);
        if fifo {
            src.from = Feed::Fifo;
        }
        Ok(src)
    }

    /// A regular file that reports a size of 0: empty on a disk file system, but a procfs or
    /// sysfs file has content all the same, read to its end (see [`spool`]) up to `cap` bytes
    /// ([`MEMORY_CAP`] but in tests); more is refused.
    pub(crate) fn from_zero_size(path: &Path, file: File, cap: u64) -> Result<Source, Error> {
        let Some(mut src) = Source::spooled(sanitize::path(path), file, cap)? else {
            return Err(Error::file(
                path,
                format!(
                    "reports a size of 0 bytes but holds more than {} (a file of a special file system such as /proc); not read",
                    cap_said(cap)
                ),
            ));
        };
        src.set_path(path);
        src.from = Feed::File;
        Ok(src)
    }

    /// Reads everything from `reader` (see [`spool`], up to [`MEMORY_CAP`]).
    pub fn from_reader(name: &str, reader: impl Read) -> Result<Source, Error> {
        Source::from_reader_capped(name, reader, MEMORY_CAP)
    }

    /// Reads everything from `reader` (see [`spool`]), refusing more than `cap` bytes.
    pub fn from_reader_capped(name: &str, reader: impl Read, cap: u64) -> Result<Source, Error> {
        Source::read_capped(sanitize::line(name).into_owned(), reader, cap)
    }

    /// [`Source::spooled`], more than `cap` bytes an error; `name` is already safe to show.
    fn read_capped(name: String, reader: impl Read, cap: u64) -> Result<Source, Error> {
        Source::spooled(name.clone(), reader, cap)?.ok_or_else(|| Error::File {
            path: name,
            message: format!(
                "more than {}; save it to a file and open that file instead",
                cap_said(cap)
            ),
        })
    }

    /// Reads everything from `reader` (see [`spool`]): in memory, or in a sealed memory file
    /// mapped like a file; `None` when more than `cap` bytes arrive. `name` is already safe to
    /// show (sanitized by the caller, once).
    pub(crate) fn spooled(
        name: String,
        reader: impl Read,
        cap: u64,
    ) -> Result<Option<Source>, Error> {
        let backing = match spool::spool(reader, cap) {
            Err(e) => {
                return Err(Error::Io {
                    path: name,
                    cause: crate::error::io_cause(&e),
                })
            }
            Ok(Spooled::TooLarge) => return Ok(None),
            Ok(Spooled::Empty) => Backing::Empty,
            Ok(Spooled::Memory(v)) => Backing::Memory(Cow::Owned(v)),
            Ok(Spooled::File { file, len }) => match map_file(file, len, &name) {
                Ok(b) => b,
                Err(message) => {
                    return Err(Error::File {
                        path: name,
                        message,
                    })
                }
            },
        };
        Ok(Some(Source {
            name,
            path: None,
            backing,
            from: Feed::Stream,
        }))
    }

    pub fn from_vec(name: &str, bytes: Vec<u8>) -> Source {
        Source {
            name: sanitize::line(name).into_owned(),
            path: None,
            backing: Backing::Memory(Cow::Owned(bytes)),
            from: Feed::File,
        }
    }

    pub fn from_static(name: &str, bytes: &'static [u8]) -> Source {
        Source {
            name: sanitize::line(name).into_owned(),
            path: None,
            backing: Backing::Memory(Cow::Borrowed(bytes)),
            from: Feed::File,
        }
    }

    /// The display name (already sanitized).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn set_path(&mut self, path: &Path) {
        self.path = Some(path.to_path_buf());
    }

    /// All bytes as they were when opened.
    pub fn bytes(&self) -> &[u8] {
        match &self.backing {
            Backing::Empty => &[],
            Backing::Mapped { map, .. } => map,
            Backing::Memory(b) => b,
        }
    }

    /// What a source without a byte is, said to the examiner: a FIFO is opened without waiting
    /// for a writer (no writer means no hang), so one that no writer held open reads as nothing.
    pub fn empty_said(&self) -> &'static str {
        match self.from {
            Feed::Fifo => {
                "nothing read (0 bytes): a FIFO that no writer held open when clanscope opened it, \
                 or whose writer sent nothing"
            }
            Feed::File => "empty file (0 bytes)",
            Feed::Stream => "nothing read (0 bytes)",
        }
    }

    /// What the examiner should be told of a source that gave no byte although it is no
    /// empty file ([`Source::empty_said`]: a FIFO without a writer, an empty standard input);
    /// `None` for a source with bytes or an empty regular file (its size says it).
    pub fn empty_notice(&self) -> Option<&'static str> {
        (self.is_empty() && self.from != Feed::File).then(|| self.empty_said())
    }

    /// Size when opened.
    pub fn len(&self) -> u64 {
        self.bytes().len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_mapped(&self) -> bool {
        matches!(self.backing, Backing::Mapped { .. })
    }

    /// The size the file has now (fstat on the open handle), and never more than where a read
    /// found the file's pages gone (since the last [`Source::recover`]). Bytes of a mapped file
    /// beyond this are not the file's (a read there gives zeros, see [`fault`]). Memory sources
    /// never change.
    pub fn current_len(&self) -> u64 {
        match &self.backing {
            Backing::Mapped { slot, .. } => self
                .fstat_len()
                .min(fault::fault(*slot).unwrap_or(u64::MAX)),
            _ => self.len(),
        }
    }

    /// The size fstat gives now, no more than the mapping.
    fn fstat_len(&self) -> u64 {
        match &self.backing {
            Backing::Mapped { file, map, .. } => match file.metadata() {
                Ok(m) if m.file_type().is_file() => m.len().min(map.len() as u64),
                _ => map.len() as u64,
            },
            _ => self.len(),
        }
    }

    /// The file's size, modification time and status-change time now (fstat on the open
    /// handle, nanoseconds): when any of them moves, the bytes may no longer be those read,
    /// scanned or hashed before. `None` for bytes in memory, which never change.
    pub fn version(&self) -> Option<(u64, i128, i128)> {
        use std::os::unix::fs::MetadataExt;
        let Backing::Mapped { file, .. } = &self.backing else {
            return None;
        };
        let m = file.metadata().ok()?;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some((
            m.len(),
            ns(m.mtime(), m.mtime_nsec()),
            ns(m.ctime(), m.ctime_nsec()),
        ))
    }

    /// Where a read last found the file's pages gone (the file ended there or before, at that
    /// moment), unless the file's pages have been mapped back since ([`Source::recover`]).
    pub fn fault_at(&self) -> Option<u64> {
        match &self.backing {
            Backing::Mapped { slot, .. } => fault::fault(*slot),
            _ => None,
        }
    }

    /// A file that shrank under a read and has grown back past where the read faulted: its own
    /// pages are mapped again over the zeros the read was given, so [`Source::current_len`] is
    /// the size fstat gives again (and the bytes shown are the file's). True when that was done.
    /// A reader that was reading meanwhile may have read zeros: one that must know (a hash)
    /// compares [`Source::stamp`] before and after.
    pub fn recover(&self) -> bool {
        match &self.backing {
            Backing::Mapped { file, slot, .. } => {
                use std::os::fd::AsRawFd;
                fault::fault(*slot).is_some()
                    && fault::recover(*slot, file.as_raw_fd(), self.fstat_len())
            }
            _ => false,
        }
    }

    /// Changes whenever a read of the mapping faults or its pages are mapped back: the same
    /// stamp before and after a read means no zeros were put in its way, nor taken out.
    pub fn stamp(&self) -> u64 {
        match &self.backing {
            Backing::Mapped { slot, .. } => fault::epoch(*slot),
            _ => 0,
        }
    }

    /// An error when the file is now shorter than when it was opened, or a read found its
    /// pages gone (since the last [`Source::recover`]): what was read past its end (if anything
    /// was) is not the file's.
    pub fn check(&self) -> Result<(), Error> {
        let now = self.current_len();
        if now < self.len() {
            return Err(self.shrank(now));
        }
        Ok(())
    }

    /// The error for a file that shrank to `len` bytes, or whose read faulted at `len`.
    pub(crate) fn shrank(&self, len: u64) -> Error {
        Error::Shrank {
            path: self.name.clone(),
            len,
            size: self.size_on_disk().max(len),
        }
    }

    /// The first offset any read found the file's pages gone at, mapped back since or not.
    pub(crate) fn first_fault(&self) -> Option<u64> {
        match &self.backing {
            Backing::Mapped { slot, .. } => fault::first_fault(*slot),
            _ => None,
        }
    }

    /// The size the file has on disk now, which may exceed the mapping if it grew.
    pub fn size_on_disk(&self) -> u64 {
        match &self.backing {
            Backing::Mapped { file, map, .. } => {
                file.metadata().map(|m| m.len()).unwrap_or(map.len() as u64)
            }
            _ => self.len(),
        }
    }

    /// The bytes that are safe to read now: the mapping cut to the file's current size.
    pub fn safe_bytes(&self) -> &[u8] {
        let b = self.bytes();
        &b[..(self.current_len() as usize).min(b.len())]
    }

    /// Where the next byte at or after `offset` that is not in a hole of a sparse file lies, as
    /// the file system reports it (SEEK_DATA). `None` when the rest of the file is a hole.
    /// Sources that cannot tell answer `Some(offset)`.
    /// Past the file's current end (it shrank), the answer is `Some(offset)`: the reader reads,
    /// finds zeros, and the shrink is reported, rather than a hole being invented.
    pub fn next_data(&self, offset: u64) -> Option<u64> {
        let Backing::Mapped { file, map, .. } = &self.backing else {
            return (offset < self.len()).then_some(offset);
        };
        use std::os::fd::AsRawFd;
        if offset >= map.len() as u64 {
            return None;
        }
        if offset >= self.current_len() {
            return Some(offset);
        }
        // SAFETY: lseek on a descriptor we own; the result is only a position.
        let r = unsafe { libc::lseek(file.as_raw_fd(), offset as libc::off_t, libc::SEEK_DATA) };
        if r < 0 {
            let err = std::io::Error::last_os_error();
            return if err.raw_os_error() == Some(libc::ENXIO) {
                None
            } else {
                Some(offset)
            };
        }
        Some((r as u64).max(offset))
    }

    /// Drops the mapping's pages in `[from, to)` from this process (they stay in the page cache
    /// and are read again if touched), so a pass over a large file keeps its memory flat.
    pub fn release(&self, from: u64, to: u64) {
        if let Backing::Mapped { map, .. } = &self.backing {
            let to = to.min(map.len() as u64);
            if from < to {
                // SAFETY: the mapping is shared and read-only; MADV_DONTNEED only unmaps pages,
                // which are faulted in again, unchanged, from the file on the next access.
                let _ = unsafe {
                    map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        from as usize,
                        (to - from) as usize,
                    )
                };
            }
        }
    }

    /// Tells the kernel a front-to-back pass follows (scans, dumps).
    pub fn advise_sequential(&self) {
        if let Backing::Mapped { map, .. } = &self.backing {
            let _ = map.advise(memmap2::Advice::Sequential);
        }
    }
}

/// What readers may ask of the bytes they read: the bytes themselves, where the holes of a
/// sparse file end, the size now (a file may shrink while open), and that a stretch is done with
/// (a mapped file drops those pages, so a pass over a large file keeps its memory flat).
pub trait Bytes: Sync {
    /// All bytes as they were when opened.
    fn bytes(&self) -> &[u8];
    /// The next offset at or after `offset` that is not a hole; `None` if only a hole follows.
    fn next_data(&self, offset: u64) -> Option<u64> {
        (offset < self.bytes().len() as u64).then_some(offset)
    }
    /// The size now; bytes past it must not be read.
    fn current_len(&self) -> u64 {
        self.bytes().len() as u64
    }
    /// The reader is done with `[from, to)`.
    fn release(&self, _from: u64, _to: u64) {}
    /// The bytes that are safe to read now.
    fn safe_bytes(&self) -> &[u8] {
        let b = self.bytes();
        &b[..(self.current_len() as usize).min(b.len())]
    }
    /// True once a read found pages gone (the file shrank): from then on, what was read may
    /// be zeros standing for lost bytes.
    fn faulted(&self) -> bool {
        false
    }
}

impl Bytes for [u8] {
    fn bytes(&self) -> &[u8] {
        self
    }
}

impl Bytes for Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
}

impl Bytes for Source {
    fn bytes(&self) -> &[u8] {
        Source::bytes(self)
    }
    fn next_data(&self, offset: u64) -> Option<u64> {
        Source::next_data(self, offset)
    }
    fn current_len(&self) -> u64 {
        Source::current_len(self)
    }
    fn release(&self, from: u64, to: u64) {
        Source::release(self, from, to)
    }
    fn faulted(&self) -> bool {
        self.first_fault().is_some()
    }
}

/// A cap on bytes read, as said in messages: `1024 MiB`, `64 bytes`.
pub(crate) fn cap_said(cap: u64) -> String {
    if cap >= 1 << 20 {
        format!("{} MiB", cap >> 20)
    } else {
        format!("{cap} bytes")
    }
}

/// Maps `len` bytes of `file` read-only and shared, registered with the fault table; the error
/// is the message for the file's name.
fn map_file(file: File, len: u64, name: &str) -> Result<Backing, String> {
    let len_usize =
        usize::try_from(len).map_err(|_| "too large to map on this machine".to_string())?;
    // SAFETY: the map is read-only and shared; the file is never written through it. A file
    // truncated by another process while mapped raises SIGBUS on access past its new end; the
    // fault table catches it (see `fault`).
    let map = unsafe { MmapOptions::new().len(len_usize).map(&file) }
        .map_err(|e| format!("cannot map: {}", crate::error::io_cause(&e)))?;
    use std::os::fd::AsRawFd;
    let slot = fault::register(map.as_ptr(), map.len(), file.as_raw_fd(), name)
        .ok_or_else(|| "too many files are open at once".to_string())?;
    Ok(Backing::Mapped { map, file, slot })
}

fn clear_nonblock(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: fcntl on a descriptor we own, only changing its O_NONBLOCK flag.
    unsafe {
        let fd = file.as_raw_fd();
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_path_and_cause() {
        let e = Source::open(Path::new("/no/such/file")).err().unwrap();
        assert_eq!(e.to_string(), "/no/such/file: no such file or directory");
        let e = Source::open(Path::new("/tmp")).err().unwrap();
        assert_eq!(e.to_string(), "/tmp: is a directory");
    }

    #[test]
    fn empty_file_is_empty_source() {
        let f = tempfile::NamedTempFile::new().unwrap();
        let s = Source::open(f.path()).unwrap();
        assert_eq!(s.len(), 0);
        assert_eq!(s.bytes(), b"");
    }

    #[test]
    fn mapped_bytes_match_file() {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), b"hello\r\n").unwrap();
        let s = Source::open(f.path()).unwrap();
        assert!(s.is_mapped());
        assert_eq!(s.bytes(), b"hello\r\n");
        assert_eq!(s.current_len(), 7);
    }

    /// Truncates the file at `p` to `len` bytes, as another process would.
    fn cut(p: &Path, len: u64) {
        let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
        f.set_len(len).unwrap();
    }

    #[test]
    fn reading_past_the_end_of_a_shrunk_file_gives_zeros_and_a_note() {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), vec![7u8; 1 << 20]).unwrap();
        let s = Source::open(f.path()).unwrap();
        assert_eq!(s.check(), Ok(()));
        cut(f.path(), 5000);
        // Bytes past the cut: zeros, not a crash.
        let b = s.bytes();
        assert_eq!(b[4999], 7);
        assert_eq!(b[5000], 0);
        assert_eq!(b[(1 << 20) - 1], 0);
        assert_eq!(b[100_000], 0);
        assert_eq!(s.current_len(), 5000);
        assert_eq!(s.next_data(6000), Some(6000));
        let e = s.check().unwrap_err();
        assert!(
            e.to_string()
                .ends_with("the file shrank to 5000 bytes while reading"),
            "{e}"
        );
        let name = s.name().to_string();
        drop(s);
        assert!(fault::take().contains(&(name, 5000, 5000)));
    }

    /// Review 36: a file truncated under a read and grown back was shown, for good, at the
    /// page where the read faulted (a size it never had), with zeros for its bytes.
    #[test]
    fn a_file_that_shrank_under_a_read_and_grew_back_is_seen_at_its_size_again() {
        use std::io::{Seek, SeekFrom, Write};
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), vec![7u8; 1 << 20]).unwrap();
        let s = Source::open(f.path()).unwrap();
        let stamp = s.stamp();
        cut(f.path(), 1000);
        // The read faults at the page of 500000: zeros, the file's end noted there.
        assert_eq!(s.bytes()[500_000], 0);
        assert_eq!(s.current_len(), 1000);
        assert_ne!(s.stamp(), stamp);
        // Grown back, with new bytes where the read faulted.
        cut(f.path(), 1 << 20);
        let mut w = std::fs::OpenOptions::new()
            .write(true)
            .open(f.path())
            .unwrap();
        w.seek(SeekFrom::Start(500_000)).unwrap();
        w.write_all(&[9u8; 10]).unwrap();
        drop(w);
        let at = 500_000 & !(page() - 1);
        assert_eq!(s.fault_at(), Some(at));
        // Before recovery: no more than where the read found the end, and said as such.
        assert_eq!(s.current_len(), at);
        let e = s.check().unwrap_err().to_string();
        assert!(
            e.ends_with(&format!(
                "a read at offset {at} found its end there or before (it has {} bytes now); \
                 what was read from there is not the file's",
                1 << 20
            )),
            "{e}"
        );
        let stamp = s.stamp();
        assert!(s.recover());
        assert_ne!(s.stamp(), stamp);
        assert_eq!(s.fault_at(), None);
        assert_eq!(s.current_len(), 1 << 20);
        assert_eq!(s.check(), Ok(()));
        // The file's bytes now, not the zeros the faulting read was given.
        assert_eq!(s.bytes()[500_000], 9);
        assert_eq!(s.bytes()[999], 7);
        assert_eq!(s.bytes()[1000], 0);
        // Shrinking again is caught again: no crash, no read past the end.
        cut(f.path(), 3000);
        assert_eq!(s.bytes()[900_000], 0);
        assert_eq!(s.current_len(), 3000);
        assert!(!s.recover());
        assert_eq!(s.current_len(), 3000);
        // The report names the first fault and the size now.
        let name = s.name().to_string();
        drop(s);
        assert!(fault::take().contains(&(name, 3000, 3000)));
    }

    fn page() -> u64 {
        // SAFETY: sysconf reads a constant.
        unsafe { libc::sysconf(libc::_SC_PAGESIZE) as u64 }
    }

    #[test]
    fn shrinking_file_is_seen() {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), vec![7u8; 10000]).unwrap();
        let s = Source::open(f.path()).unwrap();
        cut(f.path(), 100);
        assert_eq!(s.len(), 10000);
        assert_eq!(s.current_len(), 100);
        assert_eq!(s.safe_bytes().len(), 100);
    }
}

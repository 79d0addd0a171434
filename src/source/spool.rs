//! Bytes that cannot be mapped where they are (standard input from a pipe, FIFOs, character
//! devices, files of special file systems that report a size of 0). Up to `SMALL` (1 MiB) bytes are
//! kept in the process's memory, as they arrive. Past that, they are copied, 1 MiB at a time,
//! into an anonymous memory file (`memfd_create`): it has no name in any folder, so nothing is
//! written beside the evidence. Once read it is sealed (no write, no growth, no shrink) and
//! mapped read-only like a file, so a pass holds only the pages it is reading and releases them
//! as it goes: the process's own memory (RSS) stays flat however much arrived, while the bytes
//! themselves are held by the system as shared memory (Shmem) until the source is dropped.
//! Where no memory file can be made or written (no memfd, a file-size limit below the cap, a
//! full memory cgroup), the bytes are kept in the process's memory instead. A copy that cannot
//! be sealed (another process opened it for writing meanwhile) is refused: its bytes could
//! have been changed.

use std::fs::File;
use std::io::{Read, Write};

/// What a spool read.
pub(crate) enum Spooled {
    /// Nothing arrived.
    Empty,
    /// `len` bytes in a sealed memory file.
    File { file: File, len: u64 },
    /// The bytes, in the process's memory.
    Memory(Vec<u8>),
    /// More than the cap arrived; reading stopped there and what was read is dropped.
    TooLarge,
}

/// Inputs up to this size stay in the process's memory (no descriptor held, no copy).
pub(crate) const SMALL: u64 = 1 << 20;
const PIECE: usize = 1 << 20;

/// Reads `reader` to its end, up to `cap` bytes.
pub(crate) fn spool(mut reader: impl Read, cap: u64) -> std::io::Result<Spooled> {
    let mut head = Vec::new();
    (&mut reader)
        .take(SMALL.min(cap) + 1)
        .read_to_end(&mut head)?;
    let more = head.len() as u64 > SMALL.min(cap);
    if !more {
        return Ok(if head.is_empty() {
            Spooled::Empty
        } else {
            Spooled::Memory(head)
        });
    }
    if head.len() as u64 > cap {
        return Ok(Spooled::TooLarge);
    }
    match memfd().filter(|_| size_limit_allows(cap)) {
        Some(file) => to_memory_file(file, head, reader, cap),
        None => in_memory(head, reader, cap),
    }
}

/// The rest of `reader` after `head`, into `file`; into memory if a write fails.
fn to_memory_file(
    file: File,
    head: Vec<u8>,
    mut reader: impl Read,
    cap: u64,
) -> std::io::Result<Spooled> {
    let mut out = &file;
    if out.write_all(&head).is_err() {
        return in_memory(head, reader, cap);
    }
    let mut len = head.len() as u64;
    drop(head);
    let mut piece = vec![0u8; PIECE];
    loop {
        let n = match reader.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        len += n as u64;
        if len > cap {
            return Ok(Spooled::TooLarge);
        }
        if out.write_all(&piece[..n]).is_err() {
            // No room for the memory file (a memory cgroup's limit, ENOSPC): what it holds
            // is read back and the rest kept in memory.
            let mut kept = Vec::new();
            use std::io::{Seek, SeekFrom};
            out.seek(SeekFrom::Start(0))?;
            out.take(len - n as u64).read_to_end(&mut kept)?;
            kept.extend_from_slice(&piece[..n]);
            return in_memory(kept, reader, cap);
        }
    }
    seal(&file)?;
    Ok(Spooled::File { file, len })
}

/// The rest of `reader` after `head`, in memory.
fn in_memory(mut head: Vec<u8>, reader: impl Read, cap: u64) -> std::io::Result<Spooled> {
    let room = (cap + 1).saturating_sub(head.len() as u64);
    reader.take(room).read_to_end(&mut head)?;
    Ok(if head.len() as u64 > cap {
        Spooled::TooLarge
    } else if head.is_empty() {
        Spooled::Empty
    } else {
        Spooled::Memory(head)
    })
}

/// Whether the process's file-size limit (`ulimit -f`, which applies to memory files too: a
/// write past it would fail, EFBIG) leaves room for `cap` bytes.
fn size_limit_allows(cap: u64) -> bool {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_FSIZE, &mut lim) } == 0;
    ok && (lim.rlim_cur == libc::RLIM_INFINITY || lim.rlim_cur >= cap)
}

/// A new anonymous memory file that may be sealed, or `None` where the kernel has none.
fn memfd() -> Option<File> {
    use std::os::fd::FromRawFd;
    // SAFETY: memfd_create with a constant NUL-terminated name; the descriptor it returns is
    // new and owned by the `File` from here on.
    let fd = unsafe {
        libc::memfd_create(
            c"clanscope-input".as_ptr(),
            libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
        )
    };
    // SAFETY: `fd` is a descriptor just returned to us and not owned elsewhere.
    (fd >= 0).then(|| unsafe { File::from_raw_fd(fd) })
}

const SEALS: i32 = libc::F_SEAL_WRITE | libc::F_SEAL_GROW | libc::F_SEAL_SHRINK | libc::F_SEAL_SEAL;

/// Seals the memory file: from here on nothing can write, grow or shrink it (nor unseal it), so
/// the mapped bytes stay what was read. The kernel refuses the write seal while another process
/// has the file mapped for writing (opened through /proc meanwhile): that copy is refused.
fn seal(file: &File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own, adding seals, then reading them.
    let now = unsafe {
        libc::fcntl(fd, libc::F_ADD_SEALS, SEALS);
        libc::fcntl(fd, libc::F_GET_SEALS)
    };
    if now < 0 || now & SEALS != SEALS {
        return Err(std::io::Error::other(
            "its copy in memory could not be sealed against change (another process opened it \
             for writing); not read",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives at most `step` bytes a read, as a pipe does.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.step).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn spooled(data: &[u8], step: usize, cap: u64) -> Spooled {
        spool(Trickle { data, step }, cap).unwrap()
    }

    #[test]
    fn a_spool_keeps_every_byte_and_refuses_past_its_cap() {
        let data: Vec<u8> = (0..3 * PIECE + 17)
            .map(|i| (i * 7 + i / 251) as u8)
            .collect();
        for step in [1 << 20, 4096, 65_537] {
            let Spooled::File { file, len } = spooled(&data, step, data.len() as u64) else {
                panic!("not spooled to a memory file");
            };
            assert_eq!(len, data.len() as u64);
            let mut back = Vec::new();
            use std::io::{Seek, SeekFrom};
            (&file).seek(SeekFrom::Start(0)).unwrap();
            (&file).read_to_end(&mut back).unwrap();
            assert!(back == data, "step {step}");
            // Sealed: neither a write over its bytes nor one past its end is taken.
            use std::os::unix::fs::FileExt;
            assert!(file.write_at(b"x", 0).is_err());
            assert!(file.write_at(b"x", len).is_err());
            assert!(file.set_len(1).is_err());
        }
        assert!(matches!(
            spooled(&data, 4096, data.len() as u64 - 1),
            Spooled::TooLarge
        ));
        assert!(matches!(spooled(b"", 10, 10), Spooled::Empty));
    }

    #[test]
    fn a_copy_another_process_could_still_write_is_refused() {
        // Found by a review: a process of the same user opened the memory file through /proc
        // while it was filled and mapped it for writing; the seal failed unseen and the bytes
        // shown were changed after they were read.
        use std::os::fd::AsRawFd;
        let file = memfd().expect("memfd");
        (&file).write_all(b"ORIGINAL").unwrap();
        let other = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(format!("/proc/self/fd/{}", file.as_raw_fd()))
            .unwrap();
        // SAFETY: a shared writable map of a memory file this test owns.
        let mut map = unsafe { memmap2::MmapMut::map_mut(&other) }.unwrap();
        let e = seal(&file).unwrap_err();
        assert_eq!(
            e.to_string(),
            "its copy in memory could not be sealed against change (another process opened it for writing); not read"
        );
        map[..3].copy_from_slice(b"BAD");
        drop(map);
        drop(other);
        // Without another writer the seal holds.
        let file = memfd().expect("memfd");
        (&file).write_all(b"ORIGINAL").unwrap();
        seal(&file).unwrap();
    }

    #[test]
    fn a_small_input_stays_in_memory() {
        let data = vec![7u8; SMALL as usize];
        assert!(matches!(spooled(&data, 999, 1 << 30), Spooled::Memory(v) if v == data));
        assert!(matches!(spooled(b"abc", 1, 3), Spooled::Memory(v) if v == b"abc"));
        assert!(matches!(spooled(b"abcd", 1, 3), Spooled::TooLarge));
        // Past the small size, kept in memory when no memory file is to be had.
        let big = vec![9u8; SMALL as usize + 5];
        let head = big[..100].to_vec();
        let rest = Trickle {
            data: &big[100..],
            step: 7777,
        };
        assert!(matches!(in_memory(head, rest, 1 << 30).unwrap(), Spooled::Memory(v) if v == big));
    }
}

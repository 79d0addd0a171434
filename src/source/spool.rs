//! Bytes that cannot be mapped where they are (standard input, FIFOs, character devices, files
//! of special file systems that report a size of 0) are copied, 1 MiB at a time, into an
//! anonymous memory file (`memfd_create`): it has no name in any folder, so nothing is written
//! beside the evidence. Once read it is sealed (no write, no growth, no shrink) and mapped
//! read-only like a file, so a pass holds only the pages it is reading and releases them as it
//! goes: the process's memory stays flat however much arrived. Where the kernel has no memfd, the
//! bytes are kept in the process's memory instead.

use std::fs::File;
use std::io::{Read, Write};

/// What a spool read.
pub(crate) enum Spooled {
    /// Nothing arrived.
    Empty,
    /// `len` bytes in a sealed memory file.
    File { file: File, len: u64 },
    /// The bytes, in the process's memory (no memfd here).
    Memory(Vec<u8>),
    /// More than the cap arrived; reading stopped there and what was read is dropped.
    TooLarge,
}

const PIECE: usize = 1 << 20;

/// Reads `reader` to its end, up to `cap` bytes.
pub(crate) fn spool(reader: impl Read, cap: u64) -> std::io::Result<Spooled> {
    let Some(file) = memfd() else {
        return in_memory(reader, cap);
    };
    let mut out = &file;
    let mut reader = reader.take(cap.saturating_add(1));
    let mut piece = vec![0u8; PIECE];
    let mut len = 0u64;
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
        out.write_all(&piece[..n])?;
    }
    if len == 0 {
        return Ok(Spooled::Empty);
    }
    seal(&file);
    Ok(Spooled::File { file, len })
}

fn in_memory(reader: impl Read, cap: u64) -> std::io::Result<Spooled> {
    let mut buf = Vec::new();
    let got = reader.take(cap.saturating_add(1)).read_to_end(&mut buf)?;
    Ok(if got as u64 > cap {
        Spooled::TooLarge
    } else if got == 0 {
        Spooled::Empty
    } else {
        Spooled::Memory(buf)
    })
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

/// Seals the memory file: from here on nothing can write, grow or shrink it (nor unseal it), so
/// the mapped bytes are exactly what was read.
fn seal(file: &File) {
    use std::os::fd::AsRawFd;
    let seals = libc::F_SEAL_WRITE | libc::F_SEAL_GROW | libc::F_SEAL_SHRINK | libc::F_SEAL_SEAL;
    // SAFETY: fcntl on a descriptor we own, adding seals only.
    unsafe {
        libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seals);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_keeps_every_byte_and_refuses_past_its_cap() {
        let data: Vec<u8> = (0..3 * PIECE + 17)
            .map(|i| (i * 7 + i / 251) as u8)
            .collect();
        let Spooled::File { file, len } = spool(&data[..], data.len() as u64).unwrap() else {
            panic!("not spooled to a memory file");
        };
        assert_eq!(len, data.len() as u64);
        let mut back = Vec::new();
        use std::io::Seek;
        (&file).seek(std::io::SeekFrom::Start(0)).unwrap();
        (&file).read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
        // Sealed: a write is refused.
        assert!((&file).write_all(b"x").is_err());
        assert!(matches!(
            spool(&data[..], data.len() as u64 - 1).unwrap(),
            Spooled::TooLarge
        ));
        assert!(matches!(spool(&b""[..], 10).unwrap(), Spooled::Empty));
        assert!(matches!(
            in_memory(&b"abc"[..], 3).unwrap(),
            Spooled::Memory(v) if v == b"abc"
        ));
        assert!(matches!(
            in_memory(&b"abcd"[..], 3).unwrap(),
            Spooled::TooLarge
        ));
    }
}

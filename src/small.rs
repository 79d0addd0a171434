//! Reading the small text files a run is configured with (settings, signatures, notes
//! sidecars) with a cap on their size: such a file is read whole, so a huge file or a device
//! (`/dev/zero`) given in its place must fail at once rather than fill memory.

use std::io::Read;

/// Reads all of `r` as UTF-8 text of at most `limit` bytes; a larger input is refused after
/// reading `limit + 1` bytes, whatever its real size.
pub(crate) fn read_capped(r: impl Read, limit: u64) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    r.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "is larger than {limit} bytes, too large for this kind of file"
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "is not UTF-8 text"))
}

/// Opens `path` and reads it as [`read_capped`] does. Opened as evidence is (`O_NOATIME`
/// where the kernel allows it): a file named here by mistake may be an examined one, whose
/// access time must not move.
pub(crate) fn read_file_capped(path: &std::path::Path, limit: u64) -> std::io::Result<String> {
    read_capped(open_unwaiting(path)?, limit)
}

/// [`open_read`] that does not wait for a FIFO's writer (a plain open blocks until one comes,
/// for ever if none does): opened with `O_NONBLOCK`, which is then cleared, so reads wait for
/// data as usual, and a FIFO that no writer holds open reads as empty at once.
pub(crate) fn open_unwaiting(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::fd::AsRawFd;
    let f = open_read(path, libc::O_NONBLOCK)?;
    // SAFETY: fcntl on a descriptor we own, reading then setting its status flags.
    let cleared = unsafe {
        let flags = libc::fcntl(f.as_raw_fd(), libc::F_GETFL);
        flags >= 0 && libc::fcntl(f.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK) == 0
    };
    if !cleared {
        return Err(std::io::Error::last_os_error());
    }
    Ok(f)
}

/// Opens `path` for reading: `O_RDONLY|O_CLOEXEC` with `O_NOATIME` (reading then leaves the
/// access time alone), and without `O_NOATIME` where the kernel refuses it (`EPERM`: a file
/// of another user). `extra` adds open flags (`O_NONBLOCK`). Evidence is opened so
/// ([`crate::source::open_read`]), and every small file a run reads.
pub(crate) fn open_read(path: &std::path::Path, extra: i32) -> std::io::Result<std::fs::File> {
    open_read_said(path, extra).map(|(f, _)| f)
}

/// [`open_read`], and whether `O_NOATIME` was kept (false: the kernel refused it, and reading
/// the file may move its access time).
pub(crate) fn open_read_said(
    path: &std::path::Path,
    extra: i32,
) -> std::io::Result<(std::fs::File, bool)> {
    use std::os::unix::fs::OpenOptionsExt;
    let open = |flags: i32| {
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags | extra)
            .open(path)
    };
    match open(libc::O_NOATIME) {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => open(0).map(|f| (f, false)),
        r => r.map(|f| (f, true)),
    }
}

/// The most a settings or signatures file may hold.
pub(crate) const CONFIG_LIMIT: u64 = 1 << 20;

/// The most a notes sidecar may hold (hundreds of thousands of notes).
pub(crate) const SIDECAR_LIMIT: u64 = 64 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_cap_and_refuses_more() {
        assert_eq!(read_capped(&b"abc"[..], 3).unwrap(), "abc");
        let e = read_capped(std::io::repeat(b'a'), 4096).unwrap_err();
        assert!(e.to_string().contains("larger than 4096 bytes"), "{e}");
        let e = read_capped(&b"\xff\xfe"[..], 10).unwrap_err();
        assert!(e.to_string().contains("not UTF-8"), "{e}");
    }
}

//! Standard input and output as another program may leave them: non-blocking (`O_NONBLOCK` is
//! a property of the open file description, shared with the shell or the program that set it).
//! A read or write that would block then fails with `EAGAIN` instead of waiting; [`Patient`]
//! waits for the descriptor with `poll` and tries again, as a blocking descriptor would have
//! waited, without changing the shared description.

use std::io::{ErrorKind, Read, Result, Write};
use std::os::fd::{AsFd, AsRawFd};

/// A reader or writer that waits where its descriptor, left non-blocking, would fail with
/// `EAGAIN` (see the module's comment).
pub struct Patient<T>(pub T);

impl<T: AsFd> Patient<T> {
    /// Waits until the descriptor is ready for `events` (or hung up, or in error: the next
    /// call then says so). An interrupted wait is waited again.
    fn wait(&self, events: libc::c_short) -> Result<()> {
        let mut p = libc::pollfd {
            fd: self.0.as_fd().as_raw_fd(),
            events,
            revents: 0,
        };
        loop {
            // SAFETY: one pollfd we own, for the length of the call.
            if unsafe { libc::poll(&mut p, 1, -1) } >= 0 {
                return Ok(());
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

impl<T: Read + AsFd> Read for Patient<T> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        loop {
            match self.0.read(buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => self.wait(libc::POLLIN)?,
                r => return r,
            }
        }
    }
}

impl<T: Write + AsFd> Write for Patient<T> {
    fn write(&mut self, buf: &[u8]) -> Result<usize> {
        loop {
            match self.0.write(buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => self.wait(libc::POLLOUT)?,
                r => return r,
            }
        }
    }

    fn flush(&mut self) -> Result<()> {
        loop {
            match self.0.flush() {
                Err(e) if e.kind() == ErrorKind::WouldBlock => self.wait(libc::POLLOUT)?,
                r => return r,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::OwnedFd;

    /// A pipe whose two ends are non-blocking.
    fn nonblocking_pipe() -> (std::fs::File, std::fs::File) {
        let mut fds = [0; 2];
        // SAFETY: pipe2 fills the two descriptors, which we then own.
        assert_eq!(
            unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) },
            0
        );
        // SAFETY: fresh descriptors from pipe2, owned once each.
        let own = |fd| {
            std::fs::File::from(unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) })
        };
        (own(fds[0]), own(fds[1]))
    }

    #[test]
    fn a_nonblocking_pipe_is_read_and_written_whole() {
        let (r, w) = nonblocking_pipe();
        // Far more than a pipe holds (64 KiB): the writer meets a full pipe, the reader an
        // empty one, many times; each waits instead of failing.
        let data: Vec<u8> = (0..4u32 << 20).map(|i| ((i * 7) >> 3) as u8).collect();
        let sent = data.clone();
        let writer = std::thread::spawn(move || {
            let mut w = Patient(w);
            for piece in sent.chunks(100_000) {
                w.write_all(piece).unwrap();
                std::thread::yield_now();
            }
            w.flush().unwrap();
        });
        let mut got = Vec::new();
        Patient(r).read_to_end(&mut got).unwrap();
        writer.join().unwrap();
        assert!(got == data, "{} bytes of {}", got.len(), data.len());
        // Without the wait, the same read fails at once on an empty pipe.
        let (mut r, _w) = nonblocking_pipe();
        let e = r.read(&mut [0; 8]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::WouldBlock);
    }
}

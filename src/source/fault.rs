//! Reads past the end of a mapped file that shrank. Touching a page of a shared file mapping
//! that lies wholly past the file's end raises SIGBUS. A process-wide handler catches the fault
//! when it falls inside a mapping registered here: it maps zero pages over the rest of that
//! mapping (`mmap MAP_FIXED|MAP_ANONYMOUS`, async-signal-safe), notes the offset, and returns, so
//! the reader goes on and reads zeros. Readers turn the note into an error or a warning
//! ([`super::Source::check`]); the command line reports every file that shrank ([`take`]).
//! A fault offset is not a size: it says only that the file ended at or before it at that
//! moment. A file that grew back (truncated, then extended) gets its own pages mapped again
//! over the zeros (`recover`, which the inspector asks for), and the note is cleared; each
//! fault and each recovery moves the slot's epoch (`epoch`), so a reader that must know its
//! bytes were all the file's (a hash) compares the epoch before and after.
//! A SIGBUS that is not ours (a fault elsewhere, or a signal sent by another process) runs the
//! fatal hook (the inspector restores the terminal there) and then what was installed before.

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

/// Mappings that can be registered at once.
const SLOTS: usize = 16384;

struct Slot {
    busy: AtomicBool,
    start: AtomicUsize,
    len: AtomicUsize,
    /// The lowest page a read faulted on since the last recovery (page index, [`NONE`] if
    /// none), above [`EPOCH_BITS`] bits of epoch, moved by every fault and recovery.
    mark: AtomicU64,
    /// Offset of the first page any read faulted on since the mapping was made, or `u64::MAX`:
    /// never cleared, for the reports.
    first: AtomicU64,
}

/// Bits of a mark that hold the epoch.
const EPOCH_BITS: u32 = 24;
/// The page index of a mark without a fault.
const NONE: u64 = u64::MAX >> EPOCH_BITS;

fn pack(page: u64, epoch: u64) -> u64 {
    (page << EPOCH_BITS) | (epoch & ((1 << EPOCH_BITS) - 1))
}

fn unpack(mark: u64) -> (u64, u64) {
    (mark >> EPOCH_BITS, mark & ((1 << EPOCH_BITS) - 1))
}

#[allow(clippy::declare_interior_mutable_const)]
const FREE: Slot = Slot {
    busy: AtomicBool::new(false),
    start: AtomicUsize::new(0),
    len: AtomicUsize::new(0),
    mark: AtomicU64::new(u64::MAX),
    first: AtomicU64::new(u64::MAX),
};

static TABLE: [Slot; SLOTS] = [FREE; SLOTS];
static PAGE: AtomicUsize = AtomicUsize::new(4096);
static INSTALL: Once = Once::new();
static PREVIOUS: AtomicPtr<libc::sigaction> = AtomicPtr::new(std::ptr::null_mut());
static FATAL_HOOK: AtomicUsize = AtomicUsize::new(0);

/// A registered mapping: its slot, the file's name, and the descriptor that reports its size.
struct Entry {
    slot: usize,
    name: String,
    fd: std::os::fd::RawFd,
    len: u64,
}

/// Live mappings by slot, and files found shrunk after their mapping was dropped.
static LIVE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
static SHRUNK: Mutex<Vec<(String, u64, u64)>> = Mutex::new(Vec::new());
static GREW: Mutex<Vec<(String, u64, u64)>> = Mutex::new(Vec::new());

/// Runs `hook` (which must be async-signal-safe) before the process dies of a SIGBUS that no
/// reader can recover from.
pub fn on_fatal_fault(hook: extern "C" fn()) {
    install();
    FATAL_HOOK.store(hook as usize, Ordering::SeqCst);
}

fn install() {
    INSTALL.call_once(|| {
        // SAFETY: sysconf and sigaction with a zeroed, then filled, sigaction struct; the
        // previous action is kept (leaked on purpose) for the handler to chain to.
        unsafe {
            let page = libc::sysconf(libc::_SC_PAGESIZE);
            if page > 0 {
                PAGE.store(page as usize, Ordering::SeqCst);
            }
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = handler as *const () as usize;
            act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut act.sa_mask);
            let previous = Box::into_raw(Box::new(std::mem::zeroed::<libc::sigaction>()));
            if libc::sigaction(libc::SIGBUS, &act, previous) == 0 {
                PREVIOUS.store(previous, Ordering::SeqCst);
            }
        }
    });
}

extern "C" fn handler(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo; only async-signal-safe calls follow (atomics,
    // mmap, sigaction, and the handler installed before).
    unsafe {
        if !info.is_null()
            && (*info).si_code == libc::BUS_ADRERR
            && cover((*info).si_addr() as usize)
        {
            return;
        }
        let hook = FATAL_HOOK.load(Ordering::SeqCst);
        if hook != 0 {
            let f: extern "C" fn() = std::mem::transmute(hook);
            f();
        }
        // A fault elsewhere goes to the handler installed before (Rust's, which tells a stack
        // overflow); a SIGBUS sent by another process takes its default course at once.
        let sent = info.is_null() || (*info).si_code <= 0;
        let previous = PREVIOUS.load(Ordering::SeqCst);
        if !sent && !previous.is_null() {
            let p = &*previous;
            if p.sa_flags & libc::SA_SIGINFO != 0 && p.sa_sigaction > 1 {
                let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    std::mem::transmute(p.sa_sigaction);
                return f(sig, info, ctx);
            }
            if p.sa_sigaction > 1 {
                let f: extern "C" fn(libc::c_int) = std::mem::transmute(p.sa_sigaction);
                return f(sig);
            }
        }
        // The default action: a fault repeats on return and ends the process; a sent signal
        // is raised again, and delivered once this handler returns.
        let mut dfl: libc::sigaction = std::mem::zeroed();
        dfl.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(sig, &dfl, std::ptr::null_mut());
        if sent {
            libc::raise(sig);
        }
    }
}

/// Maps zero pages from the page of `addr` to the end of the registered mapping holding it.
/// Async-signal-safe. False when no registered mapping holds `addr`.
unsafe fn cover(addr: usize) -> bool {
    let page = PAGE.load(Ordering::Relaxed);
    for slot in &TABLE {
        let start = slot.start.load(Ordering::Acquire);
        let len = slot.len.load(Ordering::Acquire);
        if start == 0 || addr < start || addr >= start + len {
            continue;
        }
        let from = addr & !(page - 1);
        let end = (start + len + page - 1) & !(page - 1);
        // SAFETY (caller): the range lies inside our own read-only mapping of a file whose
        // pages there are gone; zero pages replace them.
        let r = unsafe {
            libc::mmap(
                from as *mut libc::c_void,
                end - from,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if r == libc::MAP_FAILED {
            return false;
        }
        let at = (from - start) as u64;
        slot.first.fetch_min(at, Ordering::SeqCst);
        // Lock-free (async-signal-safe): the lower page, and the epoch moved on.
        let mut old = slot.mark.load(Ordering::SeqCst);
        loop {
            let (p, e) = unpack(old);
            let new = pack(p.min(at / page as u64), e + 1);
            match slot
                .mark
                .compare_exchange_weak(old, new, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => break,
                Err(v) => old = v,
            }
        }
        return true;
    }
    false
}

/// Registers the mapping `[start, start + len)` of the file open as `fd` (named `name` in
/// reports). Returns its slot, or None when every slot is taken.
pub(crate) fn register(
    start: *const u8,
    len: usize,
    fd: std::os::fd::RawFd,
    name: &str,
) -> Option<usize> {
    install();
    let slot = TABLE.iter().position(|s| {
        s.busy
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    })?;
    let s = &TABLE[slot];
    s.mark.store(pack(NONE, 0), Ordering::SeqCst);
    s.first.store(u64::MAX, Ordering::SeqCst);
    s.len.store(len, Ordering::SeqCst);
    s.start.store(start as usize, Ordering::Release);
    lock(&LIVE).push(Entry {
        slot,
        name: name.to_string(),
        fd,
        len: len as u64,
    });
    Some(slot)
}

/// The offset of the lowest page a read of `slot` faulted on since its last recovery: the
/// mapping holds zeros from there, not the file's bytes.
pub(crate) fn fault(slot: usize) -> Option<u64> {
    let (p, _) = unpack(TABLE[slot].mark.load(Ordering::SeqCst));
    (p != NONE).then(|| p * PAGE.load(Ordering::Relaxed) as u64)
}

/// The offset of the first page any read of `slot` faulted on, recovered since or not.
pub(crate) fn first_fault(slot: usize) -> Option<u64> {
    let f = TABLE[slot].first.load(Ordering::SeqCst);
    (f != u64::MAX).then_some(f)
}

/// A count (wrapping) of the faults and recoveries of `slot`: equal before and after a read,
/// no zeros were put in, nor taken out, meanwhile.
pub(crate) fn epoch(slot: usize) -> u64 {
    unpack(TABLE[slot].mark.load(Ordering::SeqCst)).1
}

/// Maps the file open as `fd` (now `size` bytes long) over the zeros of `slot` again when the
/// file has grown back past the fault, and clears the fault. True when it did. Pages still past
/// the file's end fault again on access and are noted again, so nothing is read past the end.
/// If a read faults meanwhile, the note stays (the epoch moved) and a later call tries again.
/// The caller keeps the mapping alive (it is its own).
pub(crate) fn recover(slot: usize, fd: std::os::fd::RawFd, size: u64) -> bool {
    let s = &TABLE[slot];
    let page = PAGE.load(Ordering::Relaxed);
    let mark = s.mark.load(Ordering::SeqCst);
    let (p, e) = unpack(mark);
    let (start, len) = (s.start.load(Ordering::SeqCst), s.len.load(Ordering::SeqCst));
    let at = p.saturating_mul(page as u64);
    if p == NONE || start == 0 || at >= size || at >= len as u64 {
        return false;
    }
    let from = start + at as usize;
    let end = (start + len + page - 1) & !(page - 1);
    // SAFETY: the range lies inside this slot's own read-only mapping, now zero pages; the
    // file's pages from the same (page-aligned) offset replace them, read-only and shared, as
    // the mapping was made.
    let r = unsafe {
        libc::mmap(
            from as *mut libc::c_void,
            end - from,
            libc::PROT_READ,
            libc::MAP_SHARED | libc::MAP_FIXED,
            fd,
            at as libc::off_t,
        )
    };
    if r == libc::MAP_FAILED {
        return false;
    }
    s.mark
        .compare_exchange(mark, pack(NONE, e + 1), Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
}

/// Unregisters `slot` before its mapping goes; a file that shrank is remembered for [`take`].
/// Must be called while the file descriptor is still open.
pub(crate) fn unregister(slot: usize) {
    let mut live = lock(&LIVE);
    if let Some(i) = live.iter().position(|e| e.slot == slot) {
        let e = live.swap_remove(i);
        if let Some((n, size)) = shrunk_to(&e) {
            lock(&SHRUNK).push((e.name, n, size));
        } else if let Some(size) = grown_to(&e) {
            lock(&GREW).push((e.name, e.len, size));
        }
    }
    let s = &TABLE[slot];
    s.start.store(0, Ordering::SeqCst);
    s.len.store(0, Ordering::SeqCst);
    s.busy.store(false, Ordering::Release);
}

/// If a registered file shrank: the size it shrank to, or the offset of the first page a read
/// faulted on if that is lower (the file ended there or before at that moment); and the size it
/// has now (which may be larger: it grew back).
fn shrunk_to(e: &Entry) -> Option<(u64, u64)> {
    let size = size_now(e).unwrap_or(e.len);
    let now = size.min(first_fault(e.slot).unwrap_or(u64::MAX));
    (now < e.len).then_some((now, size))
}

/// The size a registered regular file has now, by fstat.
fn size_now(e: &Entry) -> Option<u64> {
    // SAFETY: fstat on a descriptor the caller guarantees is still open (the entry lives only
    // while its Source does, and both this and the Source's drop hold LIVE's lock).
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        (libc::fstat(e.fd, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFREG)
            .then_some(st.st_size as u64)
    }
}

/// If a registered file that did not shrink has grown: the size it has now.
fn grown_to(e: &Entry) -> Option<u64> {
    size_now(e).filter(|&size| size > e.len && shrunk_to(e).is_none())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Every mapped file that grew while open (and did not shrink), as (name, size when opened,
/// size now): what was read is the bytes it had when opened, not the rest. Those closed since
/// the last call, and those still open.
pub fn take_grown() -> Vec<(String, u64, u64)> {
    let live = lock(&LIVE);
    let mut out = std::mem::take(&mut *lock(&GREW));
    out.extend(
        live.iter()
            .filter_map(|e| grown_to(e).map(|size| (e.name.clone(), e.len, size))),
    );
    out
}

/// Every mapped file that shrank while open, as (name, size it shrank to or offset where a read
/// found its end, size now): those closed since the last call, and those still open (which a
/// later call names again).
pub fn take() -> Vec<(String, u64, u64)> {
    let live = lock(&LIVE);
    let mut out = std::mem::take(&mut *lock(&SHRUNK));
    out.extend(
        live.iter()
            .filter_map(|e| shrunk_to(e).map(|(n, size)| (e.name.clone(), n, size))),
    );
    out
}

//! Comparing the evidence with a backup or known-good copy of the same file (a file from
//! Import.bak, yesterday's post office): the byte ranges that differ, what each console write
//! destroyed where the backup still has those bytes, and a repaired copy (the evidence with the
//! overwritten ranges taken from the backup). Bytes are compared at the same file offsets: this
//! is sound for a copy of the same file, and says nothing where records moved between the two.
//! The evidence is only ever read.

use crate::detect::{Finding, FindingKind, Report};
use crate::source::Bytes;
use std::fs::File;
use std::io::Write;

/// Differing ranges kept at most; past it the count goes on but ranges are not stored.
pub const MAX_RANGES: usize = 1_000_000;

/// Bytes compared per step (equal blocks are skipped with one memcmp).
const BLOCK: usize = 64 * 1024;

/// The byte ranges `[start, end)` where two files differ, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub ranges: Vec<(u64, u64)>,
    /// Differing bytes in the common length (bytes past the shorter file's end not counted).
    pub differing: u64,
    /// Ranges found but not kept (past [`MAX_RANGES`]).
    pub dropped: u64,
    pub evidence_len: u64,
    pub other_len: u64,
}

impl Diff {
    /// The index of the first range ending after `x`.
    pub fn first_after(&self, x: u64) -> usize {
        self.ranges.partition_point(|r| r.1 <= x)
    }

    /// Whether file offset `x` lies in a differing range.
    pub fn differs_at(&self, x: u64) -> bool {
        self.ranges
            .get(self.first_after(x))
            .is_some_and(|r| r.0 <= x)
    }
}

/// Finds the differing ranges of `a[from..to]` against `b`, calling `out` with each range in
/// order (runs that touch the edges of the window are cut there; callers join them). Returns
/// None if `cancel` turned true.
pub fn diff_window(
    a: &[u8],
    b: &[u8],
    from: usize,
    to: usize,
    cancel: &dyn Fn() -> bool,
    out: &mut dyn FnMut(u64, u64),
) -> Option<()> {
    let common = a.len().min(b.len()).min(to);
    let mut at = from.min(common);
    let mut open: Option<usize> = None;
    while at < common {
        if cancel() {
            return None;
        }
        let end = (at + BLOCK).min(common);
        if open.is_none() && a[at..end] == b[at..end] {
            at = end;
            continue;
        }
        for i in at..end {
            match (a[i] != b[i], open) {
                (true, None) => open = Some(i),
                (false, Some(s)) => {
                    out(s as u64, i as u64);
                    open = None;
                }
                _ => {}
            }
        }
        at = end;
    }
    if let Some(s) = open {
        out(s as u64, common as u64);
    }
    Some(())
}

/// Every differing range of the evidence `a` against `b`; the evidence's bytes past the end of
/// `b` are one more range.
pub fn diff(a: &[u8], b: &[u8]) -> Diff {
    diff_sources(a, b)
}

/// Bytes compared before the pages read are let go of (see [`diff_sources`]).
const RELEASE_STEP: usize = 4 << 20;

/// [`diff`] over two sources, letting go of the pages of both behind the comparison, so that
/// comparing two large mapped files keeps the process's memory flat.
pub fn diff_sources<A: Bytes + ?Sized, B: Bytes + ?Sized>(a: &A, b: &B) -> Diff {
    let (da, db) = (a.safe_bytes(), b.safe_bytes());
    let mut d = Diff {
        evidence_len: da.len() as u64,
        other_len: db.len() as u64,
        ..Diff::default()
    };
    let mut open: Option<(u64, u64)> = None;
    let mut at = 0;
    while at < da.len() {
        let to = (at + RELEASE_STEP).min(da.len());
        diff_window(da, db, at, to, &|| false, &mut |s, e| match &mut open {
            // A range cut at the window's edge goes on in the next window.
            Some(r) if r.1 == s => r.1 = e,
            _ => {
                if let Some((s0, e0)) = open.replace((s, e)) {
                    d.add(s0, e0);
                }
            }
        })
        .expect("not cancelled");
        a.release(at as u64, to as u64);
        b.release(at as u64, to as u64);
        at = to;
    }
    if let Some((s, e)) = open {
        d.add(s, e);
    }
    if da.len() > db.len() {
        d.add_tail(db.len() as u64, da.len() as u64);
    }
    d
}

impl Diff {
    /// Adds a range, joining it to the last one when they touch.
    pub fn add(&mut self, s: u64, e: u64) {
        self.differing += e - s;
        self.push_range(s, e);
    }

    /// Adds the evidence's bytes past the other file's end (not counted as differing bytes) as
    /// a range of its own: never joined to a differing range before it, never dropped.
    pub fn add_tail(&mut self, s: u64, e: u64) {
        if e > s {
            self.ranges.push((s, e));
        }
    }

    /// Whether `range` is the evidence's bytes past the other file's end (nothing to compare).
    pub fn is_tail(&self, range: (u64, u64)) -> bool {
        self.evidence_len > self.other_len && range.0 >= self.other_len
    }

    /// Adds a range without counting its bytes, joining it to the last one when they touch.
    pub fn push_range(&mut self, s: u64, e: u64) {
        if let Some(last) = self.ranges.last_mut() {
            if last.1 == s {
                last.1 = e;
                return;
            }
        }
        if self.ranges.len() >= MAX_RANGES {
            self.dropped += 1;
        } else {
            self.ranges.push((s, e));
        }
    }
}

/// What one console write destroyed, as far as the backup tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destroyed {
    /// The finding's id.
    pub finding: u32,
    pub start: u64,
    pub end: u64,
    /// The backup's bytes over the part of the write it covers (`start..start + len`).
    pub backup: Vec<u8>,
    /// True when the backup holds the same bytes (the write is in the backup too).
    pub same: bool,
    /// Bytes of `backup` that differ from the write's.
    pub differing: u64,
}

impl Destroyed {
    /// The backup's bytes as hex pairs split by spaces (`4E 61 6D`), as `compare` and the
    /// text and HTML exports show them beside the text, so the bytes can be rebuilt.
    pub fn backup_hex(&self) -> String {
        self.backup
            .iter()
            .map(|x| format!("{x:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The backup holds the write too, but for a few bytes: fewer than half of the bytes it
    /// covers differ (a write changed in place, or copied into the backup and then changed).
    pub fn mostly_same(&self) -> bool {
        !self.same && 2 * self.differing < self.backup.len() as u64
    }

    /// Bytes of the write the backup has no bytes for (it is shorter).
    pub fn missing(&self) -> u64 {
        self.end - self.start - self.backup.len() as u64
    }

    /// What an export says of a write the backup holds too (`same`): `nothing: same bytes (the
    /// compared file's bytes at offsets S-E)`, or, where part of the write lies past the
    /// backup's end, `nothing in the bytes compared: same bytes (...; N byte(s) lie past its
    /// end)`.
    pub fn same_said(&self) -> String {
        let compared = if self.missing() > 0 {
            " in the bytes compared"
        } else {
            ""
        };
        format!("nothing{compared}: same bytes {}", self.whereabouts())
    }

    /// Where the backup's bytes were taken, and what lies past its end, for a report line:
    /// `(the compared file's bytes at offsets S-E)`, `...; N byte(s) lie past its end` or, for a
    /// write wholly past the backup's end, `(all N byte(s) lie past the compared file's end)`.
    pub fn whereabouts(&self) -> String {
        if self.backup.is_empty() {
            return format!(
                "(all {} byte(s) lie past the compared file's end)",
                self.missing()
            );
        }
        let last = self.start + self.backup.len() as u64 - 1;
        // Bytes of the write the backup holds too, where it holds some.
        let part = match self.differing {
            d if d < self.backup.len() as u64 && !self.same => {
                format!("; {d} of them differ from the write's")
            }
            _ => String::new(),
        };
        match self.missing() {
            0 => format!(
                "(the compared file's bytes at offsets {}-{last}{part})",
                self.start
            ),
            n => format!(
                "(the compared file's bytes at offsets {}-{last}{part}; {n} byte(s) lie past its end)",
                self.start
            ),
        }
    }
}

/// The console writes of `report` with what the backup `b` holds under each (all, part, or
/// nothing when a write lies wholly past the backup's end). Only writes at `min` confidence
/// or more.
pub fn destroyed(report: &Report, a: &[u8], b: &[u8], min: f32) -> Vec<Destroyed> {
    report
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::ConsoleWrite && f.confidence >= min)
        .filter_map(|f| destroyed_by(f, a, b))
        .collect()
}

/// What the backup `b` holds where finding `f` lies in the evidence `a` (an empty `backup` when
/// the write lies wholly past the backup's end). None only for a finding outside `a`.
pub fn destroyed_by(f: &Finding, a: &[u8], b: &[u8]) -> Option<Destroyed> {
    let start = f.start as usize;
    let end = (f.end as usize).min(a.len());
    if start >= end {
        return None;
    }
    let have = end.min(b.len()).max(start);
    let backup = b.get(start..have).unwrap_or_default().to_vec();
    let differing = backup
        .iter()
        .zip(&a[start..have])
        .filter(|(x, y)| x != y)
        .count() as u64;
    Some(Destroyed {
        finding: f.id,
        start: f.start,
        end: end as u64,
        same: !backup.is_empty() && differing == 0,
        differing,
        backup,
    })
}

/// One range a repaired copy takes from the backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    pub finding: u32,
    pub start: u64,
    pub end: u64,
}

/// The ranges a repaired copy replaces: each write's bytes the backup has and that differ.
pub fn replacements(destroyed: &[Destroyed]) -> Vec<Replacement> {
    destroyed
        .iter()
        .filter(|d| !d.same && !d.backup.is_empty())
        .map(|d| Replacement {
            finding: d.finding,
            start: d.start,
            end: d.start + d.backup.len() as u64,
        })
        .collect()
}

/// Bytes of the evidence copied per step before the pages read are let go of.
const COPY_STEP: usize = 4 << 20;

/// A block of zeros this long, at a multiple of its length, is left a hole in the copy.
const HOLE: usize = 4096;

static ZEROS: [u8; HOLE] = [0; HOLE];

/// Bytes of the evidence read for zeros and written at a time (see [`copy_step`]).
const PIECE: usize = 256 << 10;

/// Writes the repaired copy to `f`: the evidence `a`, with each replacement's range taken from
/// the backup `b`. Memory stays flat for any size: the copy is written in steps, and the pages
/// of both files read for a step are let go of once it is written. A regular file keeps holes
/// where the evidence has whole blocks of zeros (or holes): they are stepped over and the
/// length set at the end, so the copy reads byte for byte as the evidence but the replaced
/// ranges. Anything else (a FIFO, a character device) gets every byte in order.
pub fn write_repaired<A: Bytes + ?Sized, B: Bytes + ?Sized>(
    a: &A,
    b: &B,
    replaced: &[Replacement],
    f: &File,
) -> std::io::Result<()> {
    let (da, db) = (a.safe_bytes(), b.safe_bytes());
    let mut out = Out::new(f)?;
    let mut at = 0usize;
    for r in replaced {
        let (s, e) = (r.start as usize, r.end as usize);
        if s < at || e > db.len() || e > da.len() {
            continue;
        }
        copy_evidence(a, da, (at, s), &mut out)?;
        if b.current_len() < db.len() as u64 {
            return Err(std::io::Error::other(
                "the other file shrank while it was copied",
            ));
        }
        out.data(s as u64, &db[s..e])?;
        b.release(s as u64, e as u64);
        at = e;
    }
    copy_evidence(a, da, (at, da.len()), &mut out)?;
    out.finish(da.len() as u64)
}

/// Copies the evidence's `[from, to)` (`da` its bytes) to `out` a step at a time, stepping over
/// the holes the file system reports without reading them, and letting go of each step's pages.
fn copy_evidence<A: Bytes + ?Sized>(
    a: &A,
    da: &[u8],
    (from, to): (usize, usize),
    out: &mut Out,
) -> std::io::Result<()> {
    let mut at = from;
    let mut buf = Vec::with_capacity(PIECE);
    while at < to {
        // A file that shrank reads zeros where its bytes were: stop, the caller says why.
        if a.current_len() < da.len() as u64 {
            return Err(std::io::Error::other(
                "the evidence shrank while it was copied",
            ));
        }
        let Some(data) = a.next_data(at as u64) else {
            break;
        };
        let data = (data as usize).max(at);
        if data >= to {
            break;
        }
        let end = (data - data % COPY_STEP + COPY_STEP).min(to);
        copy_step(da, (data, end), out, &mut buf)?;
        a.release(at as u64, end as u64);
        at = end;
    }
    Ok(())
}

/// Writes `da[from..to]` to `out` but its whole blocks of zeros (see [`HOLE`]), a piece at a
/// time through `buf` (a write from the mapped pages themselves, just read for zeros, costs
/// the kernel twice the time).
fn copy_step(
    da: &[u8],
    (from, to): (usize, usize),
    out: &mut Out,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    let mut x = from;
    while x < to {
        let end = (x - x % PIECE + PIECE).min(to);
        buf.clear();
        buf.extend_from_slice(&da[x..end]);
        write_but_zeros(buf, x, out)?;
        x = end;
    }
    Ok(())
}

/// Writes `bytes` (the copy's bytes from offset `at`) to `out` but its whole blocks of zeros,
/// each run of other blocks in one write.
fn write_but_zeros(bytes: &[u8], at: usize, out: &mut Out) -> std::io::Result<()> {
    let mut run: Option<usize> = None;
    let mut x = 0;
    while x < bytes.len() {
        let end = (x + HOLE - (at + x) % HOLE).min(bytes.len());
        let zero = bytes[x..end] == ZEROS[..end - x];
        match (zero, run) {
            (true, Some(s)) => {
                out.data((at + s) as u64, &bytes[s..x])?;
                run = None;
            }
            (false, None) => run = Some(x),
            _ => {}
        }
        x = end;
    }
    if let Some(s) = run {
        out.data((at + s) as u64, &bytes[s..])?;
    }
    Ok(())
}

/// Where a repaired copy goes. Bytes come in file order, with gaps where the copy holds zeros.
struct Out<'f> {
    f: &'f File,
    /// A regular file: gaps are left holes (positioned writes, the length set at the end);
    /// otherwise gaps are written as zeros.
    sparse: bool,
    /// Where the bytes written so far end.
    at: u64,
}

impl<'f> Out<'f> {
    fn new(f: &'f File) -> std::io::Result<Out<'f>> {
        let sparse = f.metadata()?.file_type().is_file();
        Ok(Out { f, sparse, at: 0 })
    }

    /// Writes `bytes` at offset `at` (at or past the bytes written so far).
    fn data(&mut self, at: u64, bytes: &[u8]) -> std::io::Result<()> {
        if self.sparse {
            use std::os::unix::fs::FileExt;
            self.f.write_all_at(bytes, at)?;
        } else {
            self.zeros(at)?;
            (&mut &*self.f).write_all(bytes)?;
        }
        self.at = at + bytes.len() as u64;
        Ok(())
    }

    /// Zeros up to `to`, written (a stream has no holes).
    fn zeros(&mut self, to: u64) -> std::io::Result<()> {
        while self.at < to {
            let n = (to - self.at).min(HOLE as u64) as usize;
            (&mut &*self.f).write_all(&ZEROS[..n])?;
            self.at += n as u64;
        }
        Ok(())
    }

    /// Ends the copy at `len` bytes: a file's length set (what follows the last write is a
    /// hole), a stream's last zeros written.
    fn finish(mut self, len: u64) -> std::io::Result<()> {
        if self.sparse {
            self.f.set_len(len)
        } else {
            self.zeros(len)?;
            (&mut &*self.f).flush()
        }
    }
}

/// The suspected findings of a report by start, to find those over a range without a pass
/// over all of them for each range.
pub struct Over<'a> {
    by_start: Vec<&'a Finding>,
    /// The furthest end among the findings up to each one.
    reach: Vec<u64>,
}

impl<'a> Over<'a> {
    pub fn new(findings: &'a [Finding]) -> Over<'a> {
        let mut by_start: Vec<_> = findings.iter().filter(|f| f.suspected()).collect();
        by_start.sort_by_key(|f| (f.start, f.id));
        let reach = by_start
            .iter()
            .scan(0, |far, f| {
                *far = f.end.max(*far);
                Some(*far)
            })
            .collect();
        Over { by_start, reach }
    }

    /// The findings over `[start, end)`, in start order.
    pub fn of(&self, start: u64, end: u64) -> impl Iterator<Item = &'a Finding> + '_ {
        let lo = self.reach.partition_point(|&r| r <= start);
        let hi = self.by_start.partition_point(|f| f.start < end);
        self.by_start[lo..hi.max(lo)]
            .iter()
            .copied()
            .filter(move |f| f.end > start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_findings_over_a_range_are_those_a_pass_over_all_gives() {
        // Overlapping findings of every length, some below the suspected confidence.
        let mut findings = Vec::new();
        let mut x = 7u64;
        for id in 1..=400u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let start = (x >> 33) % 5000;
            let len = 1 + (x >> 20) % if id % 7 == 0 { 2000 } else { 40 };
            let c = if id % 5 == 0 { 0.3 } else { 0.9 };
            let mut f = Finding::new(FindingKind::ConsoleWrite, start, start + len, c);
            f.id = id;
            findings.push(f);
        }
        findings.sort_by_key(|f| f.start);
        let over = Over::new(&findings);
        for (s, e) in [
            (0, 1),
            (10, 11),
            (100, 400),
            (4990, 7000),
            (2500, 2501),
            (0, 9000),
        ] {
            let mut want: Vec<u32> = findings
                .iter()
                .filter(|f| f.start < e && f.end > s && f.suspected())
                .map(|f| f.id)
                .collect();
            let mut got: Vec<u32> = over.of(s, e).map(|f| f.id).collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "{s}-{e}");
        }
    }

    #[test]
    fn ranges_join_across_blocks_and_the_tail_counts() {
        let a = vec![1u8; BLOCK * 2 + 10];
        let mut b = a.clone();
        for x in &mut b[BLOCK - 3..BLOCK + 4] {
            *x = 2;
        }
        b[5] = 9;
        b.truncate(BLOCK * 2);
        let d = diff(&a, &b);
        assert_eq!(
            d.ranges,
            vec![
                (5, 6),
                ((BLOCK - 3) as u64, (BLOCK + 4) as u64),
                ((BLOCK * 2) as u64, (BLOCK * 2 + 10) as u64)
            ]
        );
        assert_eq!(d.differing, 8);
        assert!(d.differs_at(5) && !d.differs_at(6) && d.differs_at(BLOCK as u64));
    }

    /// Bytes that note how far they were let go of.
    struct Noted {
        data: Vec<u8>,
        upto: std::sync::atomic::AtomicU64,
    }

    impl Bytes for Noted {
        fn bytes(&self) -> &[u8] {
            &self.data
        }
        fn release(&self, _from: u64, to: u64) {
            self.upto
                .fetch_max(to, std::sync::atomic::Ordering::Relaxed);
        }
    }

    #[test]
    fn a_range_across_a_release_step_is_one_and_both_files_are_let_go_of() {
        let n = RELEASE_STEP + 10;
        let a = Noted {
            data: vec![0u8; n],
            upto: Default::default(),
        };
        let mut other = vec![0u8; n - 4];
        other[RELEASE_STEP - 2..RELEASE_STEP + 3].fill(1);
        let b = Noted {
            data: other,
            upto: Default::default(),
        };
        let d = diff_sources(&a, &b);
        let step = RELEASE_STEP as u64;
        assert_eq!(
            d.ranges,
            vec![(step - 2, step + 3), (n as u64 - 4, n as u64)]
        );
        assert_eq!(d.differing, 5);
        let done = |x: &Noted| x.upto.load(std::sync::atomic::Ordering::Relaxed);
        assert_eq!((done(&a), done(&b)), (n as u64, n as u64));
    }

    /// The repaired copy written to a fresh file, read back, with its allocated 512-byte blocks.
    fn repaired(a: &[u8], b: &[u8], r: &[Replacement]) -> (Vec<u8>, u64) {
        use std::io::{Read, Seek};
        use std::os::unix::fs::MetadataExt;
        let mut f = tempfile::tempfile().unwrap();
        write_repaired(a, b, r, &f).unwrap();
        let blocks = f.metadata().unwrap().blocks();
        let mut out = Vec::new();
        f.rewind().unwrap();
        f.read_to_end(&mut out).unwrap();
        (out, blocks)
    }

    #[test]
    fn repaired_copy_takes_only_the_replaced_ranges() {
        let a = b"xxWRITExxZZ".to_vec();
        let b = b"xxoldokxxYY".to_vec();
        let r = vec![Replacement {
            finding: 1,
            start: 2,
            end: 7,
        }];
        assert_eq!(repaired(&a, &b, &r).0, b"xxoldokxxZZ");
    }

    #[test]
    fn a_repaired_copy_keeps_zero_blocks_as_holes_and_the_evidence_bytes_elsewhere() {
        let n = 3 * COPY_STEP + 1234;
        let mut a = vec![0u8; n];
        // Data across a step's edge, and a block with one byte; zeros elsewhere.
        a[COPY_STEP - 100..COPY_STEP + 50].fill(7);
        a[2 * COPY_STEP + HOLE + 17] = 1;
        let mut b = a.clone();
        b[5000..5010].fill(9);
        b[n - 3..].fill(4);
        let r = [
            Replacement {
                finding: 1,
                start: 5000,
                end: 5010,
            },
            Replacement {
                finding: 2,
                start: n as u64 - 3,
                end: n as u64,
            },
        ];
        let (out, blocks) = repaired(&a, &b, &r);
        let mut want = a.clone();
        want[5000..5010].fill(9);
        want[n - 3..].fill(4);
        assert_eq!(out, want);
        // A few blocks of data, not the 12 MiB.
        assert!(blocks * 512 < 1 << 20, "{blocks} blocks");
        // Zeros to the end: the length is set all the same.
        let (out, _) = repaired(&a[..n - 1], &a[..n - 1], &[]);
        assert_eq!(out, a[..n - 1]);
    }

    #[test]
    fn a_repaired_copy_to_a_pipe_has_every_byte_in_order() {
        let mut a = vec![0u8; 2 * COPY_STEP + 77];
        a[HOLE * 3 + 5] = 1;
        a[COPY_STEP + 9..COPY_STEP + 20].fill(2);
        let mut b = a.clone();
        b[HOLE..HOLE + 3].fill(3);
        let r = [Replacement {
            finding: 1,
            start: HOLE as u64,
            end: HOLE as u64 + 3,
        }];
        let (mut rx, tx) = std::io::pipe().unwrap();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            std::io::Read::read_to_end(&mut rx, &mut got).unwrap();
            got
        });
        let f = File::from(std::os::fd::OwnedFd::from(tx));
        write_repaired(&a, &b, &r, &f).unwrap();
        drop(f);
        let mut want = a.clone();
        want[HOLE..HOLE + 3].fill(3);
        assert!(reader.join().unwrap() == want);
    }
}

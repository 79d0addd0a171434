//! The shared dump formatter, modelled on hexyl's Printer: 256-entry tables give each byte its
//! hex digits, ASCII-column character and class; whole lines are built in a buffer; colour
//! escapes are emitted only where the class changes; repeated lines are squeezed to `*`.
//!
//! Line layout, exactly as DOS DEBUG's `d`:
//! `0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65   ....Exporting me`
//! address, two spaces, 16 bytes with a dash between the 8th and 9th, three spaces, ASCII with
//! `.` for bytes outside 20h-7Eh. Lines start where the displayed offset is a multiple of 16; a
//! range that starts mid-line is padded with blanks (three columns a byte, one in the ASCII
//! column), a range that ends mid-line stops after its last byte.

pub use super::palette::{ByteClass, CLASS};
use crate::address::Origin;
use crate::source::Bytes;
use std::io::{self, Write};

pub const BYTES_PER_LINE: usize = 16;

const fn build_hex() -> [[u8; 2]; 256] {
    let digits = b"0123456789ABCDEF";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [digits[i >> 4], digits[i & 15]];
        i += 1;
    }
    t
}

const fn build_ascii() -> [u8; 256] {
    let mut t = [b'.'; 256];
    let mut i = 0x20;
    while i <= 0x7E {
        t[i] = i as u8;
        i += 1;
    }
    t
}

pub static HEX: [[u8; 2]; 256] = build_hex();
/// The ASCII column: 20h-7Eh as themselves, everything else `.`.
pub static ASCII: [u8; 256] = build_ascii();

/// Column positions of one line, given the width of its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineLayout {
    pub addr_width: usize,
}

impl LineLayout {
    /// Column of the first hex digit of byte `col` (0..16).
    #[inline]
    pub fn hex(self, col: usize) -> usize {
        self.addr_width + 2 + col * 3
    }
    /// Column of the ASCII character of byte `col`.
    #[inline]
    pub fn ascii(self, col: usize) -> usize {
        self.addr_width + 2 + 47 + 3 + col
    }
    /// Width of a full line.
    pub fn width(self) -> usize {
        self.ascii(16)
    }
}

/// One dump line: the bytes of `bytes` sit at columns `first_col..first_col + bytes.len()`,
/// and `start` is the file offset of `bytes[0]`.
#[derive(Clone, Copy, Debug)]
pub struct Line<'a> {
    pub start: u64,
    pub first_col: usize,
    pub bytes: &'a [u8],
}

/// Splits file range `[start, end)` of `data` into dump lines under `origin`.
pub fn lines(data: &[u8], origin: Origin, start: u64, end: u64) -> impl Iterator<Item = Line<'_>> {
    let end = end.min(data.len() as u64);
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= end {
            return None;
        }
        let col = origin.column(pos);
        let n = ((BYTES_PER_LINE - col) as u64).min(end - pos);
        let line = Line {
            start: pos,
            first_col: col,
            bytes: &data[pos as usize..(pos + n) as usize],
        };
        pos += n;
        Some(line)
    })
}

const BODY: usize = 2 + 48 + 2 + 16;
const BODY_TEMPLATE: [u8; BODY] = {
    let mut t = [b' '; BODY];
    t[2 + 7 * 3 + 2] = b'-';
    t
};

/// Writes the hex digits and ASCII column of a full line into `body`, whose spaces and dash are
/// already in place.
#[inline(always)]
fn fill_body(body: &mut [u8; BODY], b: &[u8; 16]) {
    for i in 0..16 {
        let x = b[i] as usize;
        body[2 + i * 3..4 + i * 3].copy_from_slice(&HEX[x]);
        body[52 + i] = ASCII[x];
    }
}

/// Appends a full 16-byte line after its address label.
fn full_line(addr: &[u8], b: &[u8; 16], out: &mut Vec<u8>) {
    let mut body = BODY_TEMPLATE;
    fill_body(&mut body, b);
    out.extend_from_slice(addr);
    out.extend_from_slice(&body);
}

/// The hot path of every dump: one line buffer kept across consecutive full lines. Its spaces
/// and dash are written once; per line only the four offset digits of the label (the whole
/// label when the segment changes), the hex digits and the ASCII column are rewritten.
struct FastLine {
    buf: [u8; 24 + BODY],
    label_len: usize,
    segment_key: u64,
}

impl FastLine {
    fn new() -> FastLine {
        FastLine {
            buf: [b' '; 24 + BODY],
            label_len: 0,
            segment_key: u64::MAX,
        }
    }

    #[inline(always)]
    fn format(&mut self, origin: Origin, x: u64, b: &[u8; 16]) -> &[u8] {
        let f = origin.offset as u64 + x;
        if f >> 16 != self.segment_key {
            self.segment_key = f >> 16;
            let mut label = Vec::with_capacity(24);
            origin.write_line_address(x, &mut label);
            self.label_len = label.len().min(24);
            self.buf[..self.label_len].copy_from_slice(&label[..self.label_len]);
            self.buf[self.label_len..self.label_len + BODY].copy_from_slice(&BODY_TEMPLATE);
        } else {
            let o = (f & 0xFFF0) as usize;
            let n = self.label_len;
            self.buf[n - 4..n - 2].copy_from_slice(&HEX[o >> 8]);
            self.buf[n - 2..n].copy_from_slice(&HEX[o & 0xFF]);
        }
        let n = self.label_len;
        let body: &mut [u8; BODY] = (&mut self.buf[n..n + BODY]).try_into().expect("sized");
        fill_body(body, b);
        &self.buf[..n + BODY]
    }
}

static ZERO_LINE: [u8; 16] = [0; 16];

/// Bytes are released in steps of this size during a long dump.
const RELEASE_STEP: u64 = 16 << 20;
/// Output is handed to the writer in pieces of about this size.
const FLUSH_AT: usize = 1 << 16;
/// Ranges at least this long are formatted on all cores.
const PARALLEL_MIN: u64 = 8 << 20;
/// Bytes of input per span formatted by one core at a time.
const SPAN: u64 = 512 << 10;

/// The dump printer. Formats lines as text, optionally with ANSI colours by byte class, and
/// squeezes runs of identical full lines into a single `*` line. Built with [`Printer::new`]
/// and the `squeeze` and `color` settings.
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    origin: Origin,
    squeeze: bool,
    color: bool,
}

impl Printer {
    /// A printer for addresses under `origin`: squeezing on, no colour.
    pub fn new(origin: Origin) -> Printer {
        Printer {
            origin,
            squeeze: true,
            color: false,
        }
    }

    /// Squeeze runs of identical lines into `*` (on by default).
    pub fn squeeze(mut self, on: bool) -> Printer {
        self.squeeze = on;
        self
    }

    /// ANSI colours by byte class (off by default).
    pub fn color(mut self, on: bool) -> Printer {
        self.color = on;
        self
    }

    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// Appends one line of text (no newline) to `out`, without colour.
    #[inline]
    pub fn format_line(&self, line: &Line<'_>, out: &mut Vec<u8>) {
        if line.first_col == 0 && line.bytes.len() == BYTES_PER_LINE {
            let mut addr = Vec::with_capacity(20);
            self.origin.write_line_address(line.start, &mut addr);
            full_line(&addr, line.bytes.try_into().expect("16 bytes"), out);
            return;
        }
        self.layout(line, out, |_, _| {});
    }

    /// Appends one line with ANSI colours by class; escapes change only with the class.
    pub fn format_line_color(&self, line: &Line<'_>, out: &mut Vec<u8>) {
        let mut current: Option<ByteClass> = None;
        self.layout(line, out, |out, class| match class {
            Some(c) if current != Some(c) => {
                out.extend_from_slice(b"\x1b[");
                out.extend_from_slice(c.ansi().as_bytes());
                out.push(b'm');
                current = Some(c);
            }
            None if current.is_some() => {
                out.extend_from_slice(b"\x1b[0m");
                current = None;
            }
            _ => {}
        });
    }

    /// Lays out any line, a partial one padded as DEBUG pads it (three columns a byte, one in
    /// the ASCII column). `paint(out, Some(class))` runs before each byte's hex and ASCII
    /// character, `paint(out, None)` after each of the two areas.
    fn layout(
        &self,
        line: &Line<'_>,
        out: &mut Vec<u8>,
        mut paint: impl FnMut(&mut Vec<u8>, Option<ByteClass>),
    ) {
        self.origin.write_line_address(line.start, out);
        out.extend_from_slice(b"  ");
        let first = line.first_col;
        let last = first + line.bytes.len(); // exclusive
        for col in 0..last {
            if col > 0 {
                out.push(if col == 8 && col >= first { b'-' } else { b' ' });
            }
            if col < first {
                out.extend_from_slice(b"  ");
            } else {
                let b = line.bytes[col - first];
                paint(out, Some(CLASS[b as usize]));
                out.extend_from_slice(&HEX[b as usize]);
            }
        }
        paint(out, None);
        // Pad the hex area to full width so the ASCII column stays aligned.
        let hex_written = last * 3 - 1;
        out.resize(out.len() + (47 - hex_written) + 3 + first, b' ');
        for &b in line.bytes {
            paint(out, Some(CLASS[b as usize]));
            out.push(ASCII[b as usize]);
        }
        paint(out, None);
    }

    /// Writes the dump of `[start, end)` of `input` to `w`, one line per 16 bytes, squeezing
    /// repeats when enabled. A squeezed run that reaches the end of the range is closed by its
    /// last line, so the text always says where the data ends (and parses back exactly). A
    /// squeezed run of zero lines jumps over the holes of a sparse file instead of reading them,
    /// and finished stretches are released.
    pub fn write_range<W: Write, B: Bytes + ?Sized>(
        &self,
        input: &B,
        start: u64,
        end: u64,
        mut w: W,
    ) -> io::Result<()> {
        let data = input.safe_bytes();
        let pages = Pages(input);
        let pages: &dyn PageInfo = &pages;
        let end = end.min(data.len() as u64);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4);
        if start >= end || end - start < PARALLEL_MIN || threads < 2 {
            let mut released = start;
            let mut buf = Vec::with_capacity(FLUSH_AT + 512);
            self.format_span(
                data,
                (start, end),
                (start, end),
                pages,
                &mut buf,
                &mut |buf, pos| {
                    w.write_all(buf)?;
                    buf.clear();
                    if pos >= released + RELEASE_STEP {
                        pages.release(released, pos);
                        released = pos;
                    }
                    Ok(())
                },
            )?;
            w.write_all(&buf)?;
            return w.flush();
        }
        self.write_parallel(data, (start, end), &mut w, pages, threads)?;
        w.flush()
    }

    /// Large ranges: spans of [`SPAN`] bytes (borders at line starts) are formatted on all cores
    /// and written in order; at most a few spans wait in memory at a time.
    fn write_parallel(
        &self,
        data: &[u8],
        (start, end): (u64, u64),
        w: &mut dyn Write,
        pages: &dyn PageInfo,
        threads: usize,
    ) -> io::Result<()> {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
        let first_border =
            start + ((BYTES_PER_LINE - self.origin.column(start)) % BYTES_PER_LINE) as u64;
        let spans = (end - first_border).div_ceil(SPAN).max(1);
        let border = |i: u64| {
            if i == 0 {
                start
            } else {
                (first_border + i * SPAN).min(end)
            }
        };
        let window = 2 * threads as u64;
        let (next, written, stop) = (AtomicU64::new(0), AtomicU64::new(0), AtomicBool::new(false));
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel::<(u64, Vec<u8>)>();
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, written, stop) = (&next, &written, &stop);
                s.spawn(move || loop {
                    let i = next.fetch_add(1, Relaxed);
                    if i >= spans || stop.load(Relaxed) {
                        break;
                    }
                    // Bounded memory: do not run too far ahead of the writer.
                    while i >= written.load(Relaxed) + window && !stop.load(Relaxed) {
                        std::thread::sleep(std::time::Duration::from_micros(20));
                    }
                    let mut buf = Vec::with_capacity(SPAN as usize * 5 + 512);
                    let _ = self.format_span(
                        data,
                        (start, end),
                        (border(i), border(i + 1)),
                        pages,
                        &mut buf,
                        &mut |_, _| Ok(()),
                    );
                    if tx.send((i, buf)).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            let mut pending = std::collections::BTreeMap::new();
            let mut result = Ok(());
            let mut released = start;
            for (i, buf) in rx {
                pending.insert(i, buf);
                while let Some(buf) = pending.remove(&written.load(Relaxed)) {
                    if result.is_ok() {
                        result = w.write_all(&buf);
                        if result.is_err() {
                            stop.store(true, Relaxed);
                        }
                    }
                    let done = border(written.fetch_add(1, Relaxed) + 1);
                    if done >= released + RELEASE_STEP {
                        pages.release(released, done);
                        released = done;
                    }
                }
            }
            result
        })
    }

    /// Formats the lines of `[from, to)`, a span of the dumped range `[range_start, range_end)`
    /// that starts at a line border. Whether a line is printed, squeezed to `*` or skipped
    /// depends only on it and the two lines before it, so spans are independent. `flush` gets
    /// the buffer and the position reached whenever the buffer is full.
    fn format_span(
        &self,
        data: &[u8],
        (range_start, range_end): (u64, u64),
        (from, to): (u64, u64),
        pages: &dyn PageInfo,
        buf: &mut Vec<u8>,
        flush: &mut dyn FnMut(&mut Vec<u8>, u64) -> io::Result<()>,
    ) -> io::Result<()> {
        let line_at = |p: u64| &data[p as usize..p as usize + 16];
        let mut prev: Option<&[u8]> = None;
        let mut squeezing = false;
        let mut last_skipped: Option<Line<'_>> = None;
        let mut pos = from;
        if self.squeeze
            && from >= range_start + 32
            && pages.next_data(from - 32).is_none_or(|d| d >= to)
        {
            // The span and the two lines before it lie in a hole: one squeezed run of zero
            // lines, known without reading (reading holes of a mapped file costs page faults).
            pos = to - self.origin.column(to) as u64;
            prev = Some(&ZERO_LINE);
            squeezing = true;
            last_skipped = Some(Line {
                start: pos - 16,
                first_col: 0,
                bytes: &ZERO_LINE,
            });
        } else if from >= range_start + 16 {
            prev = Some(line_at(from - 16));
            squeezing = self.squeeze
                && from >= range_start + 32
                && line_at(from - 32) == line_at(from - 16);
        }
        let mut fast = FastLine::new();
        while pos < to {
            let col = self.origin.column(pos);
            let n = ((BYTES_PER_LINE - col) as u64).min(to - pos);
            let line = Line {
                start: pos,
                first_col: col,
                bytes: &data[pos as usize..(pos + n) as usize],
            };
            let full = col == 0 && n as usize == BYTES_PER_LINE;
            if self.squeeze && full && prev == Some(line.bytes) {
                if !squeezing {
                    buf.extend_from_slice(b"*\n");
                    squeezing = true;
                }
                // Skip the rest of an identical run quickly: compare 16-byte blocks directly.
                let pattern = line.bytes;
                let zeros = pattern.iter().all(|&b| b == 0);
                let mut p = pos + 16;
                let mut ask_at = p;
                while p + 16 <= to {
                    if zeros && p >= ask_at {
                        // Holes read as zeros: skip whole lines up to where data begins.
                        let target = pages.next_data(p).unwrap_or(to).min(to);
                        if target > p + 16 {
                            p += (target - p) / 16 * 16;
                            if p + 16 > to {
                                break;
                            }
                        }
                        ask_at = p + (1 << 20);
                    }
                    if line_at(p) != pattern {
                        break;
                    }
                    p += 16;
                }
                last_skipped = Some(Line {
                    start: p - 16,
                    first_col: 0,
                    bytes: line_at(p - 16),
                });
                pos = p;
                continue;
            }
            squeezing = false;
            last_skipped = None;
            if full && !self.color {
                buf.extend_from_slice(fast.format(
                    self.origin,
                    pos,
                    line.bytes.try_into().expect("16 bytes"),
                ));
            } else if self.color {
                self.format_line_color(&line, buf);
            } else {
                self.format_line(&line, buf);
            }
            buf.push(b'\n');
            prev = full.then_some(line.bytes);
            pos += n;
            if buf.len() >= FLUSH_AT {
                flush(buf, pos)?;
            }
        }
        // A squeezed run that reaches the end of the range is closed by its last line.
        if let (Some(line), true) = (last_skipped, to == range_end) {
            if self.color {
                self.format_line_color(&line, buf);
            } else {
                self.format_line(&line, buf);
            }
            buf.push(b'\n');
        }
        Ok(())
    }

    /// The dump of `[start, end)` as a string (tests, exports).
    pub fn to_string(&self, data: &[u8], start: u64, end: u64) -> String {
        let mut v = Vec::new();
        self.write_range(data, start, end, &mut v)
            .expect("writing to memory");
        String::from_utf8(v).expect("dump text is ASCII")
    }
}

/// What the span formatter asks of the bytes' owner, object-safe for the worker threads.
trait PageInfo: Sync {
    fn next_data(&self, x: u64) -> Option<u64>;
    fn release(&self, from: u64, to: u64);
}

struct Pages<'a, B: ?Sized>(&'a B);

impl<B: Bytes + ?Sized> PageInfo for Pages<'_, B> {
    fn next_data(&self, x: u64) -> Option<u64> {
        self.0.next_data(x)
    }
    fn release(&self, from: u64, to: u64) {
        self.0.release(from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> Vec<u8> {
        let mut v = b"\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n".to_vec();
        v.extend_from_slice(&[0x41, 0xFA, 0x2B, 0x16]);
        v
    }

    #[test]
    fn full_line_matches_debug() {
        let p = Printer::new(Origin::parse("0AFA:3F00").unwrap());
        let d = article();
        let s = p.to_string(&d, 0, 16);
        assert_eq!(
            s,
            "0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65   ....Exporting me\n"
        );
        assert_eq!(s.trim_end().len(), 77);
    }

    #[test]
    fn partial_lines_pad_like_debug() {
        let data: Vec<u8> = (0u8..64).collect();
        let p = Printer::new(Origin::parse("025F:0A40").unwrap());
        let s = p.to_string(&data, 10, 20);
        let lines: Vec<&str> = s.lines().collect();
        let first = format!(
            "025F:0A40  {}0A 0B 0C 0D 0E 0F   {}......",
            " ".repeat(30),
            " ".repeat(10)
        );
        assert_eq!(lines[0], first);
        let second = format!("025F:0A50  10 11 12 13{}....", " ".repeat(36 + 3));
        assert_eq!(lines[1], second);
        assert_eq!(lines[0].len(), 77);
        for l in &lines {
            let layout = LineLayout { addr_width: 9 };
            assert!(l.len() <= layout.width());
        }
    }

    #[test]
    fn squeeze_keeps_the_last_line() {
        let data = vec![0u8; 64];
        let p = Printer::new(Origin::ZERO);
        let s = p.to_string(&data, 0, 64);
        assert_eq!(
            s,
            "0000:0000  00 00 00 00 00 00 00 00-00 00 00 00 00 00 00 00   ................\n*\n0000:0030  00 00 00 00 00 00 00 00-00 00 00 00 00 00 00 00   ................\n"
        );
        let p = p.squeeze(false);
        assert_eq!(p.to_string(&data, 0, 64).lines().count(), 4);
    }

    #[test]
    fn color_changes_only_with_class() {
        let p = Printer::new(Origin::ZERO).color(true);
        let mut out = Vec::new();
        let line = Line {
            start: 0,
            first_col: 0,
            bytes: b"AB\0\0",
        };
        p.format_line_color(&line, &mut out);
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s.matches("\x1b[36m").count(), 2); // once in hex, once in ASCII
        assert_eq!(s.matches("\x1b[90m").count(), 2);
    }
}

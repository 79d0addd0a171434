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
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

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
/// and `start` is the file offset of `bytes[0]`. (Named apart from ratatui's `Line`, a line of
/// styled text, and from the line types of the parsers.)
#[derive(Clone, Copy, Debug)]
pub struct DumpLine<'a> {
    pub start: u64,
    pub first_col: usize,
    pub bytes: &'a [u8],
}

/// Splits file range `[start, end)` of `data` into dump lines under `origin`.
pub fn lines(
    data: &[u8],
    origin: Origin,
    start: u64,
    end: u64,
) -> impl Iterator<Item = DumpLine<'_>> {
    let end = end.min(data.len() as u64);
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= end {
            return None;
        }
        let col = origin.column(pos);
        let n = ((BYTES_PER_LINE - col) as u64).min(end - pos);
        let line = DumpLine {
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

/// A cell of a coloured line, ready to copy: up to 15 bytes of text, its length in the last
/// byte. Copying all 16 bytes and advancing by the length costs no branch.
type Cell = [u8; 16];

/// Each byte's cells in a coloured line, as hexyl keeps them: the hex digits with the space
/// after them, and the ASCII character, each at `2 * byte + 1` with its class's colour escape in
/// front (where the class changes), at `2 * byte` without (where it continues).
struct ColorCells {
    hex: [Cell; 512],
    ascii: [Cell; 512],
    /// Each byte's class as a small number, to compare with the previous byte's.
    class: [u8; 256],
}

const RESET: &[u8] = b"\x1b[0m";

fn cell(parts: &[&[u8]]) -> Cell {
    let mut c = [0u8; 16];
    let mut n = 0;
    for p in parts {
        c[n..n + p.len()].copy_from_slice(p);
        n += p.len();
    }
    assert!(n < 16, "a colour escape too long for a cell");
    c[15] = n as u8;
    c
}

/// The tables, built once from the palette (the one place the colours are defined).
static COLOR_CELLS: std::sync::LazyLock<Box<ColorCells>> = std::sync::LazyLock::new(|| {
    let mut t = Box::new(ColorCells {
        hex: [[0; 16]; 512],
        ascii: [[0; 16]; 512],
        class: [0; 256],
    });
    for x in 0..256 {
        let class = CLASS[x];
        let esc = format!("\x1b[{}m", class.ansi());
        t.hex[2 * x] = cell(&[&HEX[x], b" "]);
        t.hex[2 * x + 1] = cell(&[esc.as_bytes(), &HEX[x], b" "]);
        t.ascii[2 * x] = cell(&[&[ASCII[x]]]);
        t.ascii[2 * x + 1] = cell(&[esc.as_bytes(), &[ASCII[x]]]);
        t.class[x] = ByteClass::ALL
            .iter()
            .position(|&c| c == class)
            .expect("every class is listed") as u8;
    }
    t
});

/// Room for the longest coloured line (a label, 16 hex cells, the gap, 16 ASCII cells, two
/// resets: under 600 bytes) as a power of two, so that positions can be masked.
const COLOR_LINE_MAX: usize = 1024;

/// A coloured line being written: its room and the overhang of a last whole-cell copy.
type ColorLine = [u8; COLOR_LINE_MAX + 16];

/// The address label of the line being formatted, kept across consecutive lines: only its last
/// four digits change within a 64 KiB segment.
struct Label {
    buf: [u8; 24],
    len: usize,
    segment_key: u64,
    /// Digits of segment at least ([`Origin::seg_digits`]).
    digits: usize,
}

impl Label {
    fn new(digits: usize) -> Label {
        Label {
            buf: [b' '; 24],
            len: 0,
            segment_key: u64::MAX,
            digits,
        }
    }

    /// The label of the line holding file offset `x`; true when it was written whole.
    #[inline(always)]
    fn update(&mut self, origin: Origin, x: u64) -> bool {
        let f = origin.offset as u64 + x;
        if f >> 16 != self.segment_key {
            self.segment_key = f >> 16;
            let mut label = Vec::with_capacity(24);
            origin.write_line_address_padded(x, self.digits, &mut label);
            self.len = label.len().min(24);
            self.buf[..self.len].copy_from_slice(&label[..self.len]);
            return true;
        }
        let o = (f & 0xFFF0) as usize;
        let n = self.len;
        self.buf[n - 4..n - 2].copy_from_slice(&HEX[o >> 8]);
        self.buf[n - 2..n].copy_from_slice(&HEX[o & 0xFF]);
        false
    }

    fn text(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// The longest plain line: a label and the body.
const PLAIN_LINE_MAX: usize = 24 + BODY;

/// The hot path of every dump: full 16-byte lines formatted in place in the output buffer.
/// Plain lines are a copy of the body template (spaces and dash) with the digits and ASCII
/// column written over it; coloured lines are copied together from the [`ColorCells`] tables,
/// an escape only where the class changes. The address label is kept across lines.
struct FastLine {
    label: Label,
    cells: &'static ColorCells,
}

impl FastLine {
    fn new(digits: usize) -> FastLine {
        FastLine {
            label: Label::new(digits),
            cells: &COLOR_CELLS,
        }
    }

    /// Writes the plain line of the 16 bytes `b` at file offset `x` into `out` (at least
    /// [`PLAIN_LINE_MAX`] long); returns its length.
    #[inline(always)]
    fn plain(&mut self, origin: Origin, x: u64, b: &[u8; 16], out: &mut [u8]) -> usize {
        self.label.update(origin, x);
        let n = self.label.len;
        out[..n].copy_from_slice(self.label.text());
        let body: &mut [u8; BODY] = (&mut out[n..n + BODY]).try_into().expect("sized");
        *body = BODY_TEMPLATE;
        fill_body(body, b);
        n + BODY
    }

    /// Writes the coloured line of the 16 bytes `b` at file offset `x` into `out`; returns its
    /// length. The cells are chosen once for both areas (both start a new colour at their first
    /// byte), then copied whole; every copy has a fixed size, so none is a call, and the loops
    /// have no branch. Positions are masked to the line buffer's size (they never reach it; the
    /// mask only lets the compiler drop the bounds checks).
    #[inline(always)]
    fn color(&mut self, origin: Origin, x: u64, b: &[u8; 16], out: &mut ColorLine) -> usize {
        const M: usize = COLOR_LINE_MAX - 1;
        self.label.update(origin, x);
        let t = self.cells;
        out[..24].copy_from_slice(&self.label.buf);
        let mut n = self.label.len & M;
        out[n..n + 2].copy_from_slice(b"  ");
        n += 2;
        // Each byte's cell (with or without an escape), chosen in the hex area and kept for
        // the ASCII column (both start a new colour at their first byte).
        let mut cells = [0u16; 16];
        let mut prev = u8::MAX;
        for half in [0..8, 8..16] {
            for i in half {
                let v = b[i];
                let class = t.class[v as usize];
                let c = ((v as usize) << 1 | (class != prev) as usize) & 511;
                cells[i] = c as u16;
                prev = class;
                let h = &t.hex[c];
                n &= M;
                out[n..n + 16].copy_from_slice(h);
                n += h[15] as usize;
            }
            if n > 0 {
                // The separator after the eighth byte is a dash (after the sixteenth, it is
                // overwritten below).
                out[(n - 1) & M] = b'-';
            }
        }
        // The last byte's separator gives way to the reset and the gap.
        n = (n - 1) & M;
        out[n..n + 8].copy_from_slice(b"\x1b[0m   \0");
        n += 7;
        for &c in &cells {
            let a = &t.ascii[c as usize & 511];
            n &= M;
            out[n..n + 16].copy_from_slice(a);
            n += a[15] as usize;
        }
        n &= M;
        out[n..n + 4].copy_from_slice(RESET);
        n + 4
    }
}

/// The text of a span being formatted: `v[..n]`. `v` is kept longer than the text, so that a
/// line is formatted in place (no copy), and reused from span to span (no page faults).
struct Out {
    v: Vec<u8>,
    n: usize,
}

impl Out {
    fn new(v: Vec<u8>) -> Out {
        Out { v, n: 0 }
    }

    /// At least `k` writable bytes after the text.
    #[inline(always)]
    fn room(&mut self, k: usize) -> &mut [u8] {
        if self.v.len() < self.n + k {
            let len = (self.n + k)
                .max(2 * self.v.len())
                .max(FLUSH_AT + COLOR_LINE_MAX);
            self.v.resize(len, 0);
        }
        &mut self.v[self.n..]
    }

    fn push(&mut self, s: &[u8]) {
        self.room(s.len())[..s.len()].copy_from_slice(s);
        self.n += s.len();
    }

    fn text(&self) -> &[u8] {
        &self.v[..self.n]
    }
}

static ZERO_LINE: [u8; 16] = [0; 16];

/// Bytes are released in steps of this size during a long dump. Each step releases everything
/// from the start of the range: a fault near a step's border can map a large page-cache folio
/// again that reaches back over bytes already released (seen on Linux 6.18 with files written
/// in large pieces: memory grew with the file), and releasing an unmapped stretch costs little.
const RELEASE_STEP: u64 = 16 << 20;
/// Output is handed to the writer in pieces of about this size.
const FLUSH_AT: usize = 1 << 16;
/// Ranges at least this long are formatted on all cores.
const PARALLEL_MIN: u64 = 8 << 20;
/// Bytes of input per span formatted by one core at a time.
const SPAN: u64 = 64 << 10;

/// The dump printer. Formats lines as text, optionally with ANSI colours by byte class, and
/// squeezes runs of identical full lines into a single `*` line. Built with [`Printer::new`]
/// and the `squeeze` and `color` settings.
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    origin: Origin,
    squeeze: bool,
    color: bool,
    /// Digits of segment in every address label (at least 4).
    seg_digits: usize,
}

impl Printer {
    /// A printer for addresses under `origin`: squeezing on, no colour, segments of four
    /// digits or more as each address needs.
    pub fn new(origin: Origin) -> Printer {
        Printer {
            origin,
            squeeze: true,
            color: false,
            seg_digits: 4,
        }
    }

    /// Gives every address label as many segment digits as the last byte of a file of `size`
    /// bytes needs, so that the columns of one file never shift (as in the inspector).
    pub fn for_size(mut self, size: u64) -> Printer {
        self.seg_digits = self.origin.seg_digits(size);
        self
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
    pub fn format_line(&self, line: &DumpLine<'_>, out: &mut Vec<u8>) {
        if line.first_col == 0 && line.bytes.len() == BYTES_PER_LINE {
            let mut addr = Vec::with_capacity(20);
            self.origin
                .write_line_address_padded(line.start, self.seg_digits, &mut addr);
            full_line(&addr, line.bytes.try_into().expect("16 bytes"), out);
            return;
        }
        self.layout(line, out, |_, _| {});
    }

    /// Appends one line with ANSI colours by class; escapes change only with the class.
    pub fn format_line_color(&self, line: &DumpLine<'_>, out: &mut Vec<u8>) {
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
        line: &DumpLine<'_>,
        out: &mut Vec<u8>,
        mut paint: impl FnMut(&mut Vec<u8>, Option<ByteClass>),
    ) {
        self.origin
            .write_line_address_padded(line.start, self.seg_digits, out);
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
            let mut out = Out::new(Vec::new());
            self.format_span(
                data,
                (start, end),
                (start, end),
                pages,
                &mut out,
                Some(&mut |text, pos| {
                    if pages.faulted() {
                        return Err(shrank());
                    }
                    w.write_all(text)?;
                    if pos >= released + RELEASE_STEP {
                        pages.release(start, pos);
                        released = pos;
                    }
                    Ok(())
                }),
            )?;
            if pages.faulted() {
                return Err(shrank());
            }
            w.write_all(out.text())?;
            return w.flush();
        }
        self.write_parallel(data, (start, end), &mut w, pages, threads)?;
        w.flush()
    }

    /// Large ranges: spans of [`SPAN`] bytes (borders at line starts) are formatted on all cores
    /// and written in order; at most a few spans wait in memory at a time. The calling thread
    /// formats spans too and writes what is ready between them; span buffers are reused.
    fn write_parallel(
        &self,
        data: &[u8],
        (start, end): (u64, u64),
        w: &mut dyn Write,
        pages: &dyn PageInfo,
        threads: usize,
    ) -> io::Result<()> {
        let first_border =
            start + ((BYTES_PER_LINE - self.origin.column(start)) % BYTES_PER_LINE) as u64;
        let job = Spans {
            printer: self,
            data,
            range: (start, end),
            first_border,
            count: (end - first_border).div_ceil(SPAN).max(1),
            pages,
            next: AtomicU64::new(0),
            written: AtomicU64::new(0),
            window: 2 * threads as u64,
            stop: AtomicBool::new(false),
            pool: Mutex::new(Vec::new()),
        };
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel::<(u64, Out)>();
            for _ in 1..threads {
                let (tx, job) = (tx.clone(), &job);
                s.spawn(move || {
                    while let Some(done) = job.format_next(true) {
                        if tx.send(done).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut pending = BTreeMap::new();
            let mut writer = SpanWriter {
                w,
                result: Ok(()),
                released: start,
            };
            loop {
                // Bounded memory: when the helpers lag, write their spans before formatting more.
                while job.next.load(Relaxed) >= job.written.load(Relaxed) + job.window {
                    let Ok((i, out)) = rx.recv() else { break };
                    pending.insert(i, out);
                    job.write_ready(&mut pending, &mut writer);
                }
                let Some((i, out)) = job.format_next(false) else {
                    break;
                };
                pending.insert(i, out);
                pending.extend(rx.try_iter());
                job.write_ready(&mut pending, &mut writer);
            }
            for (i, out) in rx {
                pending.insert(i, out);
                job.write_ready(&mut pending, &mut writer);
            }
            job.write_ready(&mut pending, &mut writer);
            writer.result
        })
    }

    /// Formats the lines of `[from, to)`, a span of the dumped range `[range_start, range_end)`
    /// that starts at a line border, into `out`. Whether a line is printed, squeezed to `*` or
    /// skipped depends only on it and the two lines before it, so spans are independent.
    /// `flush`, if given, takes the text and the position reached whenever the buffer is full.
    fn format_span(
        &self,
        data: &[u8],
        (range_start, range_end): (u64, u64),
        (from, to): (u64, u64),
        pages: &dyn PageInfo,
        out: &mut Out,
        mut flush: Option<Flush<'_>>,
    ) -> io::Result<()> {
        let mut st = self.span_start(data, range_start, (from, to), pages);
        let mut fast = FastLine::new(self.seg_digits);
        while st.pos < to {
            let pos = st.pos;
            let col = self.origin.column(pos);
            let n = ((BYTES_PER_LINE - col) as u64).min(to - pos);
            let line = DumpLine {
                start: pos,
                first_col: col,
                bytes: &data[pos as usize..(pos + n) as usize],
            };
            let full = col == 0 && n as usize == BYTES_PER_LINE;
            if self.squeeze && full && st.prev.is_some_and(|p| same_line(p, line.bytes)) {
                if !st.squeezing {
                    out.push(b"*\n");
                    st.squeezing = true;
                }
                let end = skip_repeats(data, line.bytes, pos + 16, to, pages);
                st.last_skipped = Some(DumpLine {
                    start: end - 16,
                    first_col: 0,
                    bytes: &data[end as usize - 16..end as usize],
                });
                st.pos = end;
                continue;
            }
            st.squeezing = false;
            st.last_skipped = None;
            self.emit(&mut fast, &line, out);
            st.prev = full.then_some(line.bytes);
            st.pos += n;
            if let Some(flush) = flush.as_mut().filter(|_| out.n >= FLUSH_AT) {
                flush(out.text(), st.pos)?;
                out.n = 0;
            }
        }
        // A squeezed run that reaches the end of the range is closed by its last line.
        if let (Some(line), true) = (st.last_skipped, to == range_end) {
            self.emit(&mut fast, &line, out);
        }
        Ok(())
    }

    /// Where a span starts: the line before it and whether a squeezed run is going on (from
    /// the two lines before the span), or, when the span and the two lines before it lie in a
    /// hole of a sparse file, one squeezed run of zero lines known without reading (reading
    /// holes of a mapped file costs page faults).
    fn span_start<'a>(
        &self,
        data: &'a [u8],
        range_start: u64,
        (from, to): (u64, u64),
        pages: &dyn PageInfo,
    ) -> SpanState<'a> {
        let line_at = |p: u64| &data[p as usize..p as usize + 16];
        let mut st = SpanState {
            pos: from,
            prev: None,
            squeezing: false,
            last_skipped: None,
        };
        if self.squeeze
            && from >= range_start + 32
            && pages.next_data(from - 32).is_none_or(|d| d >= to)
        {
            st.pos = to - self.origin.column(to) as u64;
            st.prev = Some(&ZERO_LINE);
            st.squeezing = true;
            st.last_skipped = Some(DumpLine {
                start: st.pos - 16,
                first_col: 0,
                bytes: &ZERO_LINE,
            });
        } else if from >= range_start + 16 {
            st.prev = Some(line_at(from - 16));
            st.squeezing = self.squeeze
                && from >= range_start + 32
                && line_at(from - 32) == line_at(from - 16);
        }
        st
    }

    /// Appends one line and its newline: full lines formatted in place by the fast
    /// formatter, partial ones through the general layout.
    #[inline]
    fn emit(&self, fast: &mut FastLine, line: &DumpLine<'_>, out: &mut Out) {
        match (line.first_col == 0, <&[u8; 16]>::try_from(line.bytes)) {
            (true, Ok(b)) if self.color => {
                let room = out.room(COLOR_LINE_MAX + 16);
                let line_buf: &mut ColorLine = (&mut room[..COLOR_LINE_MAX + 16])
                    .try_into()
                    .expect("sized");
                let k = fast.color(self.origin, line.start, b, line_buf);
                out.v[out.n + k] = b'\n';
                out.n += k + 1;
            }
            (true, Ok(b)) => {
                let k = fast.plain(self.origin, line.start, b, out.room(PLAIN_LINE_MAX + 1));
                out.v[out.n + k] = b'\n';
                out.n += k + 1;
            }
            _ => {
                let mut v = Vec::with_capacity(COLOR_LINE_MAX);
                if self.color {
                    self.format_line_color(line, &mut v);
                } else {
                    self.format_line(line, &mut v);
                }
                v.push(b'\n');
                out.push(&v);
            }
        }
    }

    /// The dump of `[start, end)` as a string (tests, exports).
    pub fn to_string(&self, data: &[u8], start: u64, end: u64) -> String {
        let mut v = Vec::new();
        self.write_range(data, start, end, &mut v)
            .expect("writing to memory");
        String::from_utf8(v).expect("dump text is ASCII")
    }
}

/// A large range cut into spans formatted on several threads.
struct Spans<'a> {
    printer: &'a Printer,
    data: &'a [u8],
    range: (u64, u64),
    /// The first line border after the range's start; spans after the first start at
    /// `first_border + i * SPAN`.
    first_border: u64,
    count: u64,
    pages: &'a dyn PageInfo,
    next: AtomicU64,
    written: AtomicU64,
    /// Spans that may be formatted ahead of the writer.
    window: u64,
    stop: AtomicBool,
    /// Buffers of written spans, for the next spans.
    pool: Mutex<Vec<Vec<u8>>>,
}

/// Where the spans go, in order, and how far the range is done with.
struct SpanWriter<'w> {
    w: &'w mut dyn Write,
    result: io::Result<()>,
    released: u64,
}

impl Spans<'_> {
    /// Where span `i` starts.
    fn border(&self, i: u64) -> u64 {
        if i == 0 {
            self.range.0
        } else {
            (self.first_border + i * SPAN).min(self.range.1)
        }
    }

    /// Formats the next span; a helper thread first waits while it is too far ahead of the
    /// writer (the calling thread does not: it writes the helpers' spans instead).
    fn format_next(&self, wait: bool) -> Option<(u64, Out)> {
        let i = self.next.fetch_add(1, Relaxed);
        if i >= self.count || self.stop.load(Relaxed) {
            return None;
        }
        // Bounded memory: do not run too far ahead of the writer.
        while wait && i >= self.written.load(Relaxed) + self.window && !self.stop.load(Relaxed) {
            std::thread::sleep(std::time::Duration::from_micros(20));
        }
        let buf = self.pool.lock().expect("not poisoned").pop();
        let mut out = Out::new(buf.unwrap_or_default());
        let span = (self.border(i), self.border(i + 1));
        let _ = self
            .printer
            .format_span(self.data, self.range, span, self.pages, &mut out, None);
        Some((i, out))
    }

    /// Writes the spans that are next in order, releases the pages behind them, and keeps
    /// their buffers for reuse.
    fn write_ready(&self, pending: &mut BTreeMap<u64, Out>, to: &mut SpanWriter<'_>) {
        while let Some(out) = pending.remove(&self.written.load(Relaxed)) {
            if to.result.is_ok() {
                to.result = match self.pages.faulted() {
                    true => Err(shrank()),
                    false => to.w.write_all(out.text()),
                };
                if to.result.is_err() {
                    self.stop.store(true, Relaxed);
                }
            }
            self.pool.lock().expect("not poisoned").push(out.v);
            let done = self.border(self.written.fetch_add(1, Relaxed) + 1);
            if done >= to.released + RELEASE_STEP {
                self.pages.release(self.range.0, done);
                to.released = done;
            }
        }
    }
}

/// Takes formatted text and the file position reached.
type Flush<'f> = &'f mut dyn FnMut(&[u8], u64) -> io::Result<()>;

/// The state of a span being formatted.
struct SpanState<'a> {
    /// The next line to format.
    pos: u64,
    /// The last full line printed or skipped (what a repeat is compared with).
    prev: Option<&'a [u8]>,
    /// A `*` has been printed for the run going on.
    squeezing: bool,
    /// The last line of the squeezed run going on (printed if the range ends there).
    last_skipped: Option<DumpLine<'a>>,
}

/// Two 16-byte lines compared as two words (a slice comparison calls `memcmp`).
#[inline(always)]
fn same_line(a: &[u8], b: &[u8]) -> bool {
    match (<&[u8; 16]>::try_from(a), <&[u8; 16]>::try_from(b)) {
        (Ok(a), Ok(b)) => u128::from_ne_bytes(*a) == u128::from_ne_bytes(*b),
        _ => a == b,
    }
}

/// The end of a run of lines equal to `pattern` starting at `p` (the offset after the last
/// equal full line before `to`). Lines are compared as 16-byte blocks; in a run of zero lines,
/// the holes of a sparse file are jumped over without reading them.
fn skip_repeats(data: &[u8], pattern: &[u8], mut p: u64, to: u64, pages: &dyn PageInfo) -> u64 {
    let zeros = pattern.iter().all(|&b| b == 0);
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
        if !same_line(&data[p as usize..p as usize + 16], pattern) {
            break;
        }
        p += 16;
    }
    p
}

/// What the span formatter asks of the bytes' owner, object-safe for the worker threads.
trait PageInfo: Sync {
    fn next_data(&self, x: u64) -> Option<u64>;
    fn release(&self, from: u64, to: u64);
    fn faulted(&self) -> bool;
}

struct Pages<'a, B: ?Sized>(&'a B);

impl<B: Bytes + ?Sized> PageInfo for Pages<'_, B> {
    fn next_data(&self, x: u64) -> Option<u64> {
        self.0.next_data(x)
    }
    fn release(&self, from: u64, to: u64) {
        self.0.release(from, to)
    }
    fn faulted(&self) -> bool {
        self.0.faulted()
    }
}

/// The error a dump stops with when a read found the file's pages gone (it shrank while
/// read): what was formatted after is not written, so no zeros stand for the lost bytes.
fn shrank() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "the file shrank while read")
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
        let line = DumpLine {
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

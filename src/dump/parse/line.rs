//! One line of dump text, and the window of lines the parser looks ahead through. A line has
//! its mail quoting taken off (and counted), is classified (a dump line, `*`, hexdump's end
//! address, a DEBUG `d` command, blank, other), and a dump line has its address and every byte
//! its hex groups hold, with the places its ASCII column could start. Lines are read with
//! bounded length and their buffers reused, so memory does not grow with the text.

use super::AddrStyle;
use std::collections::VecDeque;
use std::io::{self, BufRead};

/// Longest line read; the rest of a longer line is skipped (and said).
pub(super) const MAX_LINE: usize = 64 << 10;

/// A place the hex area could end: after `count` bytes, the ASCII column starting at `pos`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cut {
    pub count: usize,
    pub pos: usize,
}

/// A dump line's address and bytes.
#[derive(Clone, Debug, Default)]
pub(super) struct Hex {
    pub style: AddrStyle,
    pub seg: u64,
    /// Linear address of the line's address label.
    pub base: u64,
    /// The bytes of the hex groups, then those of a hex run glued to text (`extra`).
    pub bytes: Vec<u8>,
    /// Bytes from whole groups: the hex area when no ASCII column says otherwise.
    pub full: usize,
    /// One cut after every byte.
    pub cuts: Vec<Cut>,
    /// Blanks between the address and the first byte.
    pub lead: usize,
    /// Index of the byte a dash follows.
    pub dash_after: Option<usize>,
    /// A dash came before the first byte: it is the 9th of its line.
    pub dash_first: bool,
    /// A `hexdump -C` line: its ASCII column sits between bars.
    pub bars: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Blank,
    Star,
    /// A `hexdump` line holding only an address: where the data ends.
    End(u64),
    /// A DEBUG `d` command: the address it dumps from.
    Command(Option<u64>, u64),
    Hex,
    Other,
}

/// One line of text.
#[derive(Debug)]
pub(super) struct Line {
    /// 1-based line number.
    pub no: usize,
    pub text: Vec<u8>,
    /// Where the content starts, after leading blanks and mail quoting.
    pub start: usize,
    /// How many `>` quote marks were taken off.
    pub depth: usize,
    pub kind: Kind,
    pub hex: Hex,
    /// The line was longer than [`MAX_LINE`]; its rest was skipped.
    pub cut_short: bool,
}

impl Line {
    fn empty() -> Line {
        Line {
            no: 0,
            text: Vec::new(),
            start: 0,
            depth: 0,
            kind: Kind::Blank,
            hex: Hex::default(),
            cut_short: false,
        }
    }

    /// The content after quoting.
    pub fn content(&self) -> &[u8] {
        &self.text[self.start..]
    }

    /// The text after taking off at most `depth` quote marks (for a wrapped ASCII column,
    /// quoted as deeply as its dump line).
    pub fn unquoted(&self, depth: usize) -> &[u8] {
        let t = &self.text;
        let mut i = skip_blanks(t, 0);
        for _ in 0..depth {
            if t.get(i) != Some(&b'>') {
                break;
            }
            i = skip_blanks(t, i + 1);
        }
        &t[i..]
    }

    fn classify(&mut self) {
        let t = &self.text;
        let mut i = skip_blanks(t, 0);
        let mut depth = 0;
        while t.get(i) == Some(&b'>') {
            depth += 1;
            i = skip_blanks(t, i + 1);
        }
        self.start = i;
        self.depth = depth;
        let c = &self.text[i..];
        self.kind = if c.iter().all(|b| b.is_ascii_whitespace()) {
            Kind::Blank
        } else if c.trim_ascii() == b"*" {
            Kind::Star
        } else {
            match dump_line(c, &mut self.hex) {
                Some(k) => k,
                None => debug_command(c).unwrap_or(Kind::Other),
            }
        };
        if self.kind == Kind::Hex {
            let start = self.start;
            for cut in &mut self.hex.cuts {
                cut.pos += start;
            }
        }
    }
}

fn skip_blanks(t: &[u8], mut i: usize) -> usize {
    while i < t.len() && (t[i] == b' ' || t[i] == b'\t') {
        i += 1;
    }
    i
}

/// The value of each hex digit, `NOT_HEX` for every other byte: one lookup a character (the
/// hot loop of undump; a test per character class mispredicts on random hex).
const NOT_HEX: u8 = 0xFF;
static HEX_VALUE: [u8; 256] = {
    let mut t = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

pub(super) fn hex_run(s: &[u8]) -> usize {
    s.iter()
        .position(|&c| HEX_VALUE[c as usize] == NOT_HEX)
        .unwrap_or(s.len())
}

pub(super) fn parse_hex(s: &[u8]) -> u64 {
    s.iter()
        .fold(0u64, |v, &c| (v << 4) | (HEX_VALUE[c as usize] & 15) as u64)
}

fn hex_byte(s: &[u8]) -> u8 {
    (HEX_VALUE[s[0] as usize] << 4) | HEX_VALUE[s[1] as usize]
}

/// A dump line's address, in one of the known styles, then its bytes; or hexdump's lone end
/// address. `None` for anything else.
fn dump_line(t: &[u8], hex: &mut Hex) -> Option<Kind> {
    let n = hex_run(t);
    let rest = &t[n..];
    // DEBUG / clanscope: SSSS:OOOO. A segment wider than 4 digits never starts with 0 (an
    // xxd address does), and the offset is 4 digits, maybe glued to the first byte.
    if rest.first() == Some(&b':') && (n == 4 || (5..=8).contains(&n) && t[0] != b'0') {
        let off = hex_run(&rest[1..]);
        if off >= 4 {
            let (seg, o) = (parse_hex(&t[..n]), parse_hex(&rest[1..5]));
            return hex_line(hex, AddrStyle::Segmented, seg, seg * 16 + o, t, n + 5);
        }
    }
    // xxd: OOOOOOOO: (the space after the colon maybe lost)
    if (6..=16).contains(&n) && rest.first() == Some(&b':') {
        let after = rest.get(1);
        if after.is_some_and(|c| *c == b' ' || *c == b'\t' || c.is_ascii_hexdigit()) {
            return hex_line(hex, AddrStyle::Linear, 0, parse_hex(&t[..n]), t, n + 1);
        }
    }
    // hexdump -C: OOOOOOOO  xx xx ...   or the lone end address
    if (7..=16).contains(&n) && (rest.is_empty() || rest[0] == b' ' || rest[0] == b'\t') {
        if rest.trim_ascii().is_empty() {
            return Some(Kind::End(parse_hex(&t[..n])));
        }
        let kind = hex_line(hex, AddrStyle::Linear, 0, parse_hex(&t[..n]), t, n);
        hex.bars = true;
        return kind;
    }
    None
}

fn debug_command(t: &[u8]) -> Option<Kind> {
    let t = std::str::from_utf8(t).ok()?;
    // `-d 0AFA:3F00` at DEBUG's prompt (`-d3F00` too), or `d 0AFA:3F00` with a space.
    let prompted = t.starts_with('-');
    let body = t.strip_prefix('-').unwrap_or(t).trim_start();
    let args = body.strip_prefix(['d', 'D'])?;
    let first = args.split_whitespace().next()?;
    if !(args.starts_with([' ', '\t']) || prompted && first.chars().next()?.is_ascii_hexdigit()) {
        return None;
    }
    let plain = |w: &str| w.bytes().all(|c| c.is_ascii_hexdigit() || c == b':');
    if args
        .split_whitespace()
        .skip(1)
        .any(|w| !(w.eq_ignore_ascii_case("l") || plain(w)))
    {
        return None;
    }
    let hexy = |s: &str| (1..=4).contains(&s.len()) && hex_run(s.as_bytes()) == s.len();
    match first.split_once(':') {
        Some((s, o)) if hexy(s) && hexy(o) => Some(Kind::Command(
            Some(parse_hex(s.as_bytes())),
            parse_hex(o.as_bytes()),
        )),
        None if hexy(first) => Some(Kind::Command(None, parse_hex(first.as_bytes()))),
        _ => None,
    }
}

/// Reads the byte groups of `t` from `i` (just after the address). Groups are runs of an even
/// number of hex digits ended by a blank, a dash or the line's end, however many blanks lie
/// between them; a run glued to other text gives candidate bytes only (see [`Hex::full`]).
/// None when no byte follows (prose that starts like an address).
fn hex_line(
    hex: &mut Hex,
    style: AddrStyle,
    seg: u64,
    base: u64,
    t: &[u8],
    i: usize,
) -> Option<Kind> {
    hex.style = style;
    hex.bars = false;
    hex.seg = seg;
    hex.base = base;
    hex.bytes.clear();
    hex.cuts.clear();
    hex.dash_after = None;
    let addr_end = i;
    let mut i = skip_blanks(t, i);
    hex.lead = blanks_before(t, i);
    // DEBUG's dash touches the byte after it (and the one before): a lone `-` further on is
    // the ASCII column.
    hex.dash_first = t.get(i) == Some(&b'-') && t.get(i + 1).is_some_and(|c| c.is_ascii_hexdigit());
    if hex.dash_first {
        i = skip_blanks(t, i + 1);
    }
    // DEBUG lines hold 16 bytes, and its dash falls after the 8th column: a dash after byte
    // `j` leaves room for bytes up to `j` + 9 (the first byte after a leading dash is the 9th).
    let mut max = match style {
        AddrStyle::Segmented if hex.dash_first => 8,
        AddrStyle::Segmented => 16,
        AddrStyle::Linear => 256,
    };
    // With DEBUG's spacing kept, the hex area ends 2 + 47 characters after the address: what
    // starts past it (allowing a blank added or lost) is the ASCII column, however hex it looks.
    let area_end = (style == AddrStyle::Segmented && hex.lead >= 2).then_some(addr_end + 50);
    loop {
        if area_end.is_some_and(|e| i >= e) {
            hex.full = hex.bytes.len();
            break;
        }
        let n = hex_run(&t[i..]);
        let end = i + n;
        let ended = end == t.len() || matches!(t[end], b' ' | b'\t' | b'-');
        if n < 2 || hex.bytes.len() + n / 2 > max || !(ended && n.is_multiple_of(2)) {
            hex.full = hex.bytes.len();
            // A run glued to text (a lost blank before the ASCII column): its leading bytes
            // are candidates, kept only if the column then matches.
            if n >= 2 && !(ended && n.is_multiple_of(2)) {
                for k in (i..i + n - 1)
                    .step_by(2)
                    .take(max.saturating_sub(hex.bytes.len()))
                {
                    push_byte(hex, t, k);
                }
            }
            break;
        }
        for k in (i..end).step_by(2) {
            push_byte(hex, t, k);
        }
        i = skip_blanks(t, end);
        if t.get(end) == Some(&b'-') {
            hex.dash_after = Some(hex.bytes.len() - 1);
            if style == AddrStyle::Segmented {
                max = max.min(hex.bytes.len() + 8);
            }
            i = skip_blanks(t, end + 1);
            if let Some(c) = hex.cuts.last_mut() {
                c.pos = i;
            }
        }
        if i >= t.len() {
            hex.full = hex.bytes.len();
            break;
        }
    }
    (!hex.bytes.is_empty()).then_some(Kind::Hex)
}

fn push_byte(hex: &mut Hex, t: &[u8], k: usize) {
    hex.bytes.push(hex_byte(&t[k..]));
    hex.cuts.push(Cut {
        count: hex.bytes.len(),
        pos: k + 2,
    });
}

/// Blanks between the address and `i`.
fn blanks_before(t: &[u8], i: usize) -> usize {
    t[..i]
        .iter()
        .rev()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}

/// True for an unread line that looks like a dump line all the same (an address-like start
/// and at least four hex pairs): one a damaged layout hid from the parser.
pub(super) fn looks_like_dump(c: &[u8]) -> bool {
    if hex_run(c) < 4 {
        return false;
    }
    c.split(|&b| b == b' ' || b == b'\t' || b == b'-')
        .skip(1)
        .filter(|w| !w.is_empty() && w.len() % 2 == 0 && hex_run(w) == w.len())
        .count()
        >= 4
}

/// The lines of a text, read one by one with a window of lines ahead.
pub(super) struct Window<R> {
    reader: R,
    ahead: VecDeque<Line>,
    spare: Vec<Line>,
    read: usize,
    eof: bool,
}

impl<R: BufRead> Window<R> {
    pub fn new(reader: R) -> Window<R> {
        Window {
            reader,
            ahead: VecDeque::new(),
            spare: Vec::new(),
            read: 0,
            eof: false,
        }
    }

    /// The `k`-th line ahead (0: the next one).
    pub fn peek(&mut self, k: usize) -> io::Result<Option<&Line>> {
        while self.ahead.len() <= k && !self.eof {
            self.read_line()?;
        }
        Ok(self.ahead.get(k))
    }

    /// The next line; give it back with [`Window::recycle`] when done.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        self.peek(0)?;
        Ok(self.ahead.pop_front())
    }

    pub fn recycle(&mut self, line: Line) {
        self.spare.push(line);
    }

    fn read_line(&mut self) -> io::Result<()> {
        let mut line = self.spare.pop().unwrap_or_else(Line::empty);
        line.text.clear();
        line.cut_short = false;
        let mut got = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            got = true;
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(p) => (p + 1, true),
                None => (buf.len(), false),
            };
            let room = MAX_LINE.saturating_sub(line.text.len());
            line.text.extend_from_slice(&buf[..take.min(room)]);
            line.cut_short |= take > room;
            self.reader.consume(take);
            if done {
                break;
            }
        }
        if !got {
            self.eof = true;
            self.spare.push(line);
            return Ok(());
        }
        while matches!(line.text.last(), Some(b'\n' | b'\r')) {
            line.text.pop();
        }
        self.read += 1;
        line.no = self.read;
        line.classify();
        self.ahead.push_back(line);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Line {
        let mut l = Line::empty();
        l.text = s.as_bytes().to_vec();
        l.classify();
        l
    }

    #[test]
    fn groups_and_cuts() {
        let l =
            line("> 0AFA:3F00  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP");
        assert_eq!(l.kind, Kind::Hex);
        assert_eq!(l.depth, 1);
        assert_eq!(l.hex.full, 16);
        assert_eq!(l.hex.dash_after, Some(7));
        assert_eq!(&l.text[l.hex.cuts[15].pos..], b"   ABCDEFGHIJKLMNOP");
        assert_eq!(&l.text[l.hex.cuts[7].pos..l.hex.cuts[7].pos + 2], b"49");
        // A lost blank between two bytes, and between the address and the first byte.
        let l = line("0AFA:3F000D0A 41");
        assert_eq!((l.hex.base, l.hex.full), (0xAFA0 + 0x3F00, 3));
        assert_eq!(l.hex.bytes, [0x0D, 0x0A, 0x41]);
        // xxd with a lost blank after the colon, hexdump, and the end address.
        assert_eq!(line("00000010:4142 4344  ABCD").hex.full, 6);
        assert_eq!(line("00000010  41 42  |AB|").hex.full, 2);
        assert_eq!(line("00000012").kind, Kind::End(0x12));
        // Glued to its ASCII column: candidates only.
        let l = line("0000:0000 41 42ABC");
        assert_eq!(
            (l.hex.full, &l.hex.bytes[..]),
            (1, &[0x41, 0x42, 0xAB][..]),
            "{:?}",
            l
        );
    }

    #[test]
    fn prose_and_commands() {
        assert_eq!(line("deadbeef is a word").kind, Kind::Other);
        assert_eq!(line("0AFA:3F00 is where it starts").kind, Kind::Other);
        assert_eq!(
            line("-d 0AFA:3F00").kind,
            Kind::Command(Some(0xAFA), 0x3F00)
        );
        assert_eq!(line("   *  ").kind, Kind::Star);
        assert!(looks_like_dump(b"0AFA:3F000D 0A 0D 0A 45"));
        assert!(!looks_like_dump(b"0AFA:3F00 is where it starts"));
    }

    #[test]
    fn window_reads_long_lines_in_bounded_memory() {
        let mut text = vec![b'x'; MAX_LINE * 3];
        text.extend_from_slice(b"\r\nnext\n");
        let mut w = Window::new(&text[..]);
        let l = w.next_line().unwrap().unwrap();
        assert_eq!((l.no, l.text.len(), l.cut_short), (1, MAX_LINE, true));
        w.recycle(l);
        let l = w.next_line().unwrap().unwrap();
        assert_eq!((l.no, &l.text[..]), (2, &b"next"[..]));
        assert!(w.next_line().unwrap().is_none());
    }
}

//! One line of dump text, and the window of lines the parser looks ahead through. A line has
//! its mail quoting taken off (and counted), is classified (a dump line, `*`, hexdump's end
//! address, a DEBUG `d` command, blank, other), and a dump line has its address and every byte
//! its hex groups hold, with the places its ASCII column could start. A text line that holds
//! dump lines joined (their line breaks lost) is given as one line each, of the same number.
//! Lines are read with bounded length and their buffers reused, so memory does not grow with
//! the text.

use super::AddrStyle;
use std::collections::VecDeque;
use std::io::{self, BufRead};

/// Longest piece of a line read at once. A longer line of hex with no addresses (`xxd -p -c 0`,
/// a hex string pasted whole) is read on in further pieces of the same line number, each cut
/// where no byte's two digits part; the rest of any other longer line is skipped (and said).
pub(super) const MAX_LINE: usize = 64 << 10;

/// How much of the rest of a text line after a dump line that ended inside it is looked
/// through for the next dump line (the longest dump line, 256 bytes of xxd's in groups of one
/// with its column, has about 1,040 characters).
const JOINED_WINDOW: usize = 2048;

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
    /// A `hexdump -C` or `od` line (an address without a colon): its ASCII column sits
    /// between bars (`|...|`, od's `>...<`).
    pub bars: bool,
    /// Where each whole group of hex digits lies in the text (start, end).
    pub groups: Vec<(usize, usize)>,
    /// Bytes per group when the groups were read as little-endian words (`od -x`, `hexdump`),
    /// or 0.
    pub words: usize,
    /// The groups are octal (`od -t o1`, `od`, `hexdump -b`, `hexdump -o`).
    pub octal: bool,
    /// Where the address's digits lie in the text (start, end).
    pub addr: (usize, usize),
    /// A byte typed over by something that is not hex ([`typed_over`]).
    pub typo: Option<Typo>,
}

impl Hex {
    /// Forgets the line before: a new line with an address of this style, segment and base.
    fn start_line(&mut self, style: AddrStyle, seg: u64, base: u64) {
        self.style = style;
        self.bars = false;
        self.seg = seg;
        self.base = base;
        self.bytes.clear();
        self.cuts.clear();
        self.groups.clear();
        self.words = 0;
        self.octal = false;
        self.dash_after = None;
        self.typo = None;
    }
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
    /// Hex with no address: a line of `xxd -p` (hex digits only) or `xxd -i` (`0x41, 0x42,`);
    /// its bytes are in the line's [`Hex::bytes`].
    Plain,
    Other,
}

/// Whether the byte order of a line's words is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Order {
    /// Bytes, or words whose order the ASCII column confirms.
    Given,
    /// Words read as little-endian with no column to confirm it.
    Assumed,
    /// Groups whose column reads the same either way round, with no line of the dump to tell.
    Unsettled,
}

/// One line of text.
#[derive(Clone, Debug)]
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
    /// Which piece of a line longer than [`MAX_LINE`] this is (0: its start, or the whole line).
    pub piece: u32,
    /// More pieces of the same line follow.
    pub continues: bool,
    /// Bytes of the line before this piece.
    pub before: u64,
    pub order: Order,
    /// Colour escapes taken out of the line before it was read ([`strip_escapes`]).
    pub escapes: u32,
    /// A dump line that starts inside its text line, after another dump line whose line
    /// break was lost ([`joined_at`]).
    pub joined: bool,
    /// Characters other than blanks after a hexyl line's 80 columns, not read ([`hexyl`]).
    pub unread: usize,
}

/// A byte of a dump line in DEBUG's exact layout whose two hex digits were typed over (`7G`),
/// between hex that reads and an ASCII column that spells every other byte of the line. Its
/// value is the column's character when that shows one (DEBUG shows 20h-7Eh as themselves), and
/// unknown when the column shows `.`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Typo {
    /// Which byte of the line (0-15).
    pub at: usize,
    /// What stands where its digits belong.
    pub token: [u8; 2],
    /// Its value, from the column; None when the column shows `.`.
    pub byte: Option<u8>,
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
            piece: 0,
            continues: false,
            before: 0,
            order: Order::Given,
            escapes: 0,
            joined: false,
            unread: 0,
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

    /// A piece after the first of a long line: hex with no addresses, when the pieces before
    /// it were (any even count of digits, any count of pairs, `0x` bytes), or other text.
    fn classify_piece(&mut self, plain: bool) {
        self.start = 0;
        self.depth = 0;
        self.hex.bytes.clear();
        let t = self.text.trim_ascii();
        self.kind = if !plain {
            Kind::Other
        } else if t.is_empty() {
            Kind::Blank
        } else if plain_piece(t, &mut self.hex) {
            Kind::Plain
        } else {
            Kind::Other
        };
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
        } else if plain_line(c, &mut self.hex) {
            Kind::Plain
        } else {
            match dump_line(c, &mut self.hex) {
                Some(Kind::Hex) if i > 0 && unaddressed(&self.hex) => Kind::Other,
                Some(k) => k,
                None => debug_command(c).unwrap_or(Kind::Other),
            }
        };
        let start = self.start;
        if self.kind == Kind::Hex {
            for cut in &mut self.hex.cuts {
                cut.pos += start;
            }
            for g in &mut self.hex.groups {
                *g = (g.0 + start, g.1 + start);
            }
        }
        if matches!(self.kind, Kind::Hex | Kind::End(_)) {
            self.hex.addr = (self.hex.addr.0 + start, self.hex.addr.1 + start);
        }
    }

    /// The digits of the line's address (of a dump line or an end address).
    pub fn addr_digits(&self) -> &[u8] {
        &self.text[self.hex.addr.0..self.hex.addr.1]
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

pub(crate) fn hex_run(s: &[u8]) -> usize {
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
            hex.addr = (0, n + 5);
            return hex_line(hex, AddrStyle::Segmented, seg, seg * 16 + o, t, n + 5);
        }
    }
    // xxd: OOOOOOOO: (the space after the colon maybe lost)
    if (6..=16).contains(&n) && rest.first() == Some(&b':') {
        let after = rest.get(1);
        if after.is_some_and(|c| *c == b' ' || *c == b'\t' || c.is_ascii_hexdigit()) {
            hex.addr = (0, n);
            return hex_line(hex, AddrStyle::Linear, 0, parse_hex(&t[..n]), t, n + 1);
        }
    }
    // tcpdump -X: 0xOOOO: xxxx xxxx ... (groups in file order, as xxd's)
    if let Some(r) = t.strip_prefix(b"0x").or_else(|| t.strip_prefix(b"0X")) {
        let m = hex_run(r);
        if (4..=16).contains(&m) && r.get(m) == Some(&b':') {
            hex.addr = (2, 2 + m);
            return hex_line(hex, AddrStyle::Linear, 0, parse_hex(&r[..m]), t, 2 + m + 1);
        }
    }
    // Wireshark's "hex dump" and certutil: OOOO then two blanks or a tab, then the bytes.
    let short = (4..=5).contains(&n)
        && (rest.starts_with(b"  ") || rest.starts_with(b"\t"))
        && !rest.trim_ascii().is_empty();
    // hexdump -C, od: OOOOOOOO  xx xx ...   or the lone end address (od's addresses have 6 or
    // 7 digits, and may be octal or decimal: the parser tells by the lines that follow)
    if short || (6..=16).contains(&n) && (rest.is_empty() || rest[0] == b' ' || rest[0] == b'\t') {
        hex.addr = (0, n);
        if rest.trim_ascii().is_empty() {
            return Some(Kind::End(parse_hex(&t[..n])));
        }
        let base = parse_hex(&t[..n]);
        let kind = match octal_line(hex, base, t, n) {
            Some(k) => Some(k),
            None => hex_line(hex, AddrStyle::Linear, 0, base, t, n).inspect(|_| as_words(hex)),
        };
        hex.bars = true;
        return kind;
    }
    None
}

/// A DEBUG line in DEBUG's exact layout (two blanks after the address, byte `k`'s digits at
/// column 3k, the dash before the 9th, the ASCII column three blanks after the 16th) whose hex
/// reading stopped at a token of two characters that is not hex (`7G`), with the line's other
/// 15 bytes in their places and the column spelling each of them: the line's bytes all read,
/// the typed-over one taken from the column ([`Typo`]; 0 standing in while the column shows
/// `.`, where the parser leaves it out). None, and `hex` as read, for any other line.
fn typed_over(t: &[u8], hex: &mut Hex) -> Option<Typo> {
    let k = hex.full;
    if hex.style != AddrStyle::Segmented || hex.lead != 2 || hex.dash_first || k >= 16 {
        return None;
    }
    if hex.bytes.len() != k || hex.dash_after.is_some_and(|d| d != 7) {
        return None;
    }
    let first = hex.addr.1 + 2;
    let at = |m: usize| first + 3 * m;
    let col = at(16) + 2;
    let column = t.get(col..col + 16)?;
    if t[at(16) - 1..col].iter().any(|&c| c != b' ') || !t[col + 16..].trim_ascii().is_empty() {
        return None;
    }
    let token = [t[at(k)], t[at(k) + 1]];
    if token.iter().any(|c| c.is_ascii_whitespace()) || token.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut bytes = hex.bytes.clone();
    for m in 0..16 {
        let sep = if m == 8 { b'-' } else { b' ' };
        if m > 0 && t[at(m) - 1] != sep {
            return None;
        }
        if m > k {
            let d = &t[at(m)..at(m) + 2];
            if !d.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            bytes.push(hex_byte(d));
        } else if m == k {
            bytes.push(0);
        }
    }
    let shown = |b: u8| if (0x20..0x7F).contains(&b) { b } else { b'.' };
    if (0..16).any(|m| m != k && column[m] != shown(bytes[m])) {
        return None;
    }
    let byte = (column[k] != b'.').then_some(column[k]);
    bytes[k] = byte.unwrap_or(0);
    hex.bytes = bytes;
    hex.cuts.extend((k..16).map(|m| Cut {
        count: m + 1,
        pos: at(m) + 2,
    }));
    hex.full = 16;
    hex.dash_after = Some(7);
    hex.groups = (0..16).map(|m| (at(m), at(m) + 2)).collect();
    Some(Typo { at: k, token, byte })
}

/// An indented line whose "address" is as wide as each of its groups: `od -A n` (no
/// addresses), whose first group is data, not an address. Not read as a dump line (it is said
/// as one that could not be read).
fn unaddressed(h: &Hex) -> bool {
    let w = h.addr.1 - h.addr.0;
    h.bars && !h.groups.is_empty() && h.groups.iter().all(|&(s, e)| e - s == w)
}

/// A line of whole groups of 4, 8 or 16 hex digits after an address without a colon: `od -x`
/// and `hexdump` print 16-bit (or wider) little-endian words, so each group's bytes are
/// reversed. (xxd's groups, after an address with a colon, are in file order.)
fn as_words(hex: &mut Hex) {
    let w = match hex.groups.first() {
        Some(&(s, e)) => e - s,
        None => return,
    };
    if !matches!(w, 4 | 8 | 16)
        || hex.groups.iter().any(|&(s, e)| e - s != w)
        || hex.full != hex.groups.len() * w / 2
    {
        return;
    }
    hex.words = w / 2;
    hex.bytes.truncate(hex.full);
    hex.cuts.truncate(hex.full);
    for g in hex.bytes.chunks_mut(w / 2) {
        g.reverse();
    }
}

/// A line of octal groups after an address without a colon: bytes of 3 digits (`od -t o1`,
/// `hexdump -b`) or 16-bit little-endian words of 6 (`od`, `hexdump -o`). None when the groups
/// are not all octal of one of those widths (hex groups are read by [`hex_line`]).
fn octal_line(hex: &mut Hex, base: u64, t: &[u8], i: usize) -> Option<Kind> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut j = skip_blanks(t, i);
    while j < t.len() {
        let n = t[j..]
            .iter()
            .take_while(|c| (b'0'..=b'7').contains(c))
            .count();
        let end = j + n;
        if n == 0 || end < t.len() && !matches!(t[end], b' ' | b'\t') {
            break;
        }
        spans.push((j, end));
        j = skip_blanks(t, end);
    }
    let w = spans.first().map(|&(s, e)| e - s)?;
    let value =
        |&(s, e): &(usize, usize)| t[s..e].iter().fold(0u32, |v, &c| v * 8 + (c - b'0') as u32);
    let fits = |sp: &(usize, usize)| match w {
        3 => value(sp) <= 0o377,
        6 => value(sp) <= 0o177_777,
        _ => false,
    };
    if spans.iter().any(|&(s, e)| e - s != w) || !spans.iter().all(fits) {
        return None;
    }
    // Text after the groups must be an ASCII column (od's `>...<`), not more words.
    let after = t[j..].trim_ascii();
    if !(after.is_empty() || after.starts_with(b">")) {
        return None;
    }
    hex.style = AddrStyle::Linear;
    hex.seg = 0;
    hex.base = base;
    hex.bytes.clear();
    hex.cuts.clear();
    hex.groups.clear();
    hex.dash_after = None;
    hex.dash_first = false;
    hex.lead = blanks_before(t, spans[0].0);
    for sp in &spans {
        let v = value(sp);
        let bytes: &[u8] = if w == 3 {
            &[v as u8][..]
        } else {
            &[v as u8, (v >> 8) as u8][..]
        };
        for &b in bytes {
            hex.bytes.push(b);
            hex.cuts.push(Cut {
                count: hex.bytes.len(),
                pos: sp.1,
            });
        }
        hex.groups.push(*sp);
    }
    hex.full = hex.bytes.len();
    hex.words = if w == 6 { 2 } else { 0 };
    hex.octal = true;
    Some(Kind::Hex)
}

/// How many bytes of two hex digits a line holds when it is nothing else (blanks between).
pub(super) fn pairs(t: &[u8]) -> Option<usize> {
    let mut n = 0;
    for w in t
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
    {
        if w.len() != 2 || hex_run(w) != 2 {
            return None;
        }
        n += 1;
    }
    (n > 0).then_some(n)
}

/// A line of hex with no address: `xxd -p` (only hex digits, more than 16 of them, so that an
/// end address or a word is not one) or `xxd -i` (`0x41, 0x42,` and nothing else). Its bytes go
/// to `hex.bytes`.
fn plain_line(t: &[u8], hex: &mut Hex) -> bool {
    let t = t.trim_ascii();
    hex.bytes.clear();
    hex.style = AddrStyle::Linear;
    hex.seg = 0;
    if t.len() > 16 && t.len().is_multiple_of(2) && hex_run(t) == t.len() {
        hex.bytes.extend(t.chunks_exact(2).map(hex_byte));
        return true;
    }
    // Bytes of two digits between blanks, eight or more: `od -A n -t x1`, Python's
    // `bytes.hex(' ')`, `hexdump -e '16/1 "%02x " "\n"'`.
    if pairs(t).is_some_and(|n| n >= 8) {
        pair_bytes(t, hex);
        return true;
    }
    // `xxd -i`: its first token (and so the line) starts with `0x`; other lines are not
    // looked through for commas (every dump line came here before being read as one).
    if !(t.starts_with(b"0x") || t.starts_with(b"0X")) {
        hex.bytes.clear();
        return false;
    }
    let mut any = false;
    for tok in t.split(|&c| c == b',').map(<[u8]>::trim_ascii) {
        if tok.is_empty() && any {
            continue;
        }
        let digits = tok.strip_prefix(b"0x").or_else(|| tok.strip_prefix(b"0X"));
        match digits {
            Some(d) if d.len() == 2 && hex_run(d) == 2 => {
                hex.bytes.push(hex_byte(d));
                any = true;
            }
            _ => {
                hex.bytes.clear();
                return false;
            }
        }
    }
    any
}

/// The bytes of a line of two-digit pairs between blanks ([`pairs`] checked them).
fn pair_bytes(t: &[u8], hex: &mut Hex) {
    hex.bytes.extend(
        t.split(|c| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .map(hex_byte),
    );
}

/// [`plain_line`] for a piece after the first of a long line, which may be short: an even run of
/// hex digits, pairs between blanks, or `xxd -i` bytes (the piece may start after a comma).
fn plain_piece(t: &[u8], hex: &mut Hex) -> bool {
    hex.bytes.clear();
    if t.len().is_multiple_of(2) && hex_run(t) == t.len() {
        hex.bytes.extend(t.chunks_exact(2).map(hex_byte));
        return true;
    }
    if pairs(t).is_some() {
        pair_bytes(t, hex);
        return true;
    }
    let t = t.strip_prefix(b",").unwrap_or(t).trim_ascii();
    plain_line(t, hex) && !hex.bytes.is_empty()
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
    hex.start_line(style, seg, base);
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
            groups_past_area(hex, t, i);
            break;
        }
        let n = hex_run(&t[i..]);
        let end = i + n;
        let ended = end == t.len() || matches!(t[end], b' ' | b'\t' | b'-');
        if n < 2 || hex.bytes.len() + n / 2 > max || !(ended && n.is_multiple_of(2)) {
            hex.full = hex.bytes.len();
            if n >= 2 && ended && n.is_multiple_of(2) {
                groups_past_area(hex, t, i);
            }
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
        hex.groups.push((i, end));
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
    hex.typo = typed_over(t, hex);
    (!hex.bytes.is_empty()).then_some(Kind::Hex)
}

/// Groups of hex past where a DEBUG line's hex area ends (its 16 bytes, or 47 columns): bytes
/// a damaged line holds beyond them (a byte typed in), or its ASCII column where that looks
/// like hex. They are candidates, kept only if the column after them then spells every byte
/// of the line ([`super::Parser`]'s cuts): read as the column, a byte of the hex would be lost
/// while the warning says the hex is kept.
fn groups_past_area(hex: &mut Hex, t: &[u8], mut i: usize) {
    const MORE: usize = 8;
    let top = hex.bytes.len() + MORE;
    while i < t.len() && hex.bytes.len() < top {
        let n = hex_run(&t[i..]);
        let end = i + n;
        let ended = end == t.len() || matches!(t[end], b' ' | b'\t');
        if n != 2 || !ended {
            return;
        }
        push_byte(hex, t, i);
        i = skip_blanks(t, end);
    }
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

/// Takes the colour escapes (`ESC [ ... m` and the other CSI sequences) out of a line: a dump
/// printed in colour (clanscope's own, hexyl's) reads as the same dump without. Returns how many
/// were taken out (a warning quoting the line says so).
fn strip_escapes(t: &mut Vec<u8>) -> u32 {
    if memchr::memchr(0x1B, t).is_none() {
        return 0;
    }
    let mut taken = 0;
    let (mut r, mut w) = (0, 0);
    while r < t.len() {
        if t[r] == 0x1B && t.get(r + 1) == Some(&b'[') {
            let mut k = r + 2;
            while k < t.len() && (0x20..=0x3F).contains(&t[k]) {
                k += 1;
            }
            if k < t.len() && (0x40..=0x7E).contains(&t[k]) {
                r = k + 1;
                taken += 1;
                continue;
            }
        }
        t[w] = t[r];
        w += 1;
        r += 1;
    }
    t.truncate(w);
    taken
}

/// A text saved by an editor or copied from a web page: the byte-order mark before its first
/// line is taken off, and a no-break space (UTF-8 C2 A0, as web pages lay out blanks) reads as
/// a blank, as do the zero-width characters web pages and editors put between words (U+200B,
/// U+200C, U+200D, U+2060, and U+FEFF inside a line): review 67 found a zero-width space
/// between two bytes cost the line's last 13.
fn web_blanks(t: &mut Vec<u8>, first: bool) {
    if first && t.starts_with(b"\xEF\xBB\xBF") {
        t.drain(..3);
    }
    if t.is_ascii() {
        return;
    }
    let (mut r, mut w) = (0, 0);
    while r < t.len() {
        match web_blank_at(&t[r..]) {
            Some(n) => {
                t[w] = b' ';
                r += n;
            }
            None => {
                t[w] = t[r];
                r += 1;
            }
        }
        w += 1;
    }
    t.truncate(w);
}

/// The length of the no-break space or zero-width character `t` starts with, if it does.
fn web_blank_at(t: &[u8]) -> Option<usize> {
    const BLANKS: [&[u8]; 6] = [
        b"\xC2\xA0",
        b"\xE2\x80\x8B",
        b"\xE2\x80\x8C",
        b"\xE2\x80\x8D",
        b"\xE2\x81\xA0",
        b"\xEF\xBB\xBF",
    ];
    BLANKS.iter().find(|b| t.starts_with(b)).map(|b| b.len())
}

/// hexyl's panel characters that are not the byte itself: NUL (`0` in hexyl 0.8, `⋄` later),
/// ASCII whitespace other than the blank (`_`), other ASCII controls (`•`), bytes of 80h and
/// up (`×`).
fn hexyl_shows(b: u8, c: char) -> bool {
    match b {
        0 => c == '0' || c == '⋄',
        b' ' => c == ' ',
        b'\t' | b'\n' | 0x0C | b'\r' => c == '_',
        0x21..=0x7E => c == b as char,
        0x80..=0xFF => c == '×',
        _ => c == '•',
    }
}

/// A line of hexyl's (borders of box characters, of ASCII, or none; 16 bytes in two halves,
/// then two panels of 8 characters) rewritten as a `hexdump -C` line, with a column that
/// spells its bytes where hexyl's panel shows them (a character that does not is kept as
/// DEL, which no column shows, so the line is still said not to match). Its border lines
/// become blank and its `*` line a `*`. Returns how many characters other than blanks stood
/// after its 80 columns (another line joined to it): they are not read.
fn hexyl(t: &mut Vec<u8>) -> usize {
    // A quick look first: most lines are not hexyl's (indented text starts with a blank too).
    let addr_at_1 = |t: &[u8], sep: u8| {
        t.len() >= 80 && t[1..9].iter().all(u8::is_ascii_hexdigit) && t[9] == sep
    };
    let maybe = match t.first() {
        Some(b' ') => addr_at_1(t, b' '),
        Some(b'|') => addr_at_1(t, b'|') || t.starts_with(b"|*"),
        Some(b'+') => t.starts_with(b"+--"),
        Some(0xE2) => t.starts_with("│".as_bytes()) || t.len() >= 80,
        _ => false,
    };
    if !maybe {
        return 0;
    }
    let Ok(s) = std::str::from_utf8(t) else {
        return 0;
    };
    let c: Vec<char> = s.chars().collect();
    let border = c[0];
    if matches!(border, '┌' | '└' | '+')
        && c.len() >= 80
        && matches!(c[1], '─' | '-')
        && c.iter()
            .all(|&x| matches!(x, '┌' | '└' | '┐' | '┘' | '┬' | '┴' | '─' | '+' | '-'))
    {
        t.clear();
        return 0;
    }
    let hexdig = |r: std::ops::Range<usize>| c[r].iter().all(char::is_ascii_hexdigit);
    let inner = if border == '│' { '┊' } else { border };
    if c.len() < 80
        || !matches!(border, '│' | '|' | ' ')
        || c[9] != border
        || c[35] != inner
        || c[61] != border
        || c[70] != inner
        || c[79] != border
    {
        if border == '│' {
            hexyl_squeezed(t, &c);
        }
        return 0;
    }
    if c[1] == '*' && c[2..9].iter().all(|&x| x == ' ') {
        *t = b"*".to_vec();
        return 0;
    }
    if !hexdig(1..9) {
        return 0;
    }
    let hex: String = c[10..35].iter().chain(&c[36..61]).collect();
    let mut bytes = Vec::with_capacity(16);
    for tok in hex.split_whitespace() {
        if tok.len() != 2 || !tok.bytes().all(|b| b.is_ascii_hexdigit()) {
            return 0;
        }
        bytes.push(u8::from_str_radix(tok, 16).unwrap_or(0));
    }
    let addr: String = c[1..9].iter().collect();
    if bytes.is_empty() {
        // The address alone: where the data ends, after a squeezed run (`hexdump -C`'s end).
        *t = addr.into_bytes();
        return 0;
    }
    let panel: Vec<char> = c[62..70].iter().chain(&c[71..79]).copied().collect();
    let column: String = bytes
        .iter()
        .zip(&panel)
        .map(|(&b, &p)| unshown(b, p))
        .collect();
    *t = format!("{addr}  {}  |{column}|", hex.trim_end()).into_bytes();
    // What follows the panel's closing border (another line joined to this one, as a web page
    // joins them) is not read, and said.
    c[80..].iter().filter(|x| !x.is_whitespace()).count()
}

/// The column character for byte `b` where hexyl's panel shows `p`: the byte's own (as the
/// column check expects it) when the panel shows it, else the panel's character, so that the
/// mismatch is said with what was there (DEL, which no column shows, where that character
/// would pass for the byte's).
fn unshown(b: u8, p: char) -> char {
    let own = crate::dump::format::ASCII[b as usize] as char;
    match (hexyl_shows(b, p), p == own) {
        (true, _) => own,
        (false, false) => p,
        (false, true) => '\x7F',
    }
}

/// A hexyl line with box borders whose blanks collapsed or turned into tabs (mail, web pages):
/// split at its borders instead of by columns, and rewritten as an xxd line whose column
/// spells the bytes where the panel shows them (blanks left out on both sides, as the column
/// check does).
fn hexyl_squeezed(t: &mut Vec<u8>, c: &[char]) {
    let s: String = c.iter().collect();
    let f: Vec<&str> = s.split(['│', '┊']).collect();
    if f.len() != 7 || !f[0].trim().is_empty() || !f[6].trim().is_empty() {
        return;
    }
    let addr = f[1].trim();
    if addr == "*" {
        *t = b"*".to_vec();
        return;
    }
    if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit()) {
        return;
    }
    let mut bytes = Vec::with_capacity(16);
    for tok in f[2].split_whitespace().chain(f[3].split_whitespace()) {
        if tok.len() != 2 || !tok.bytes().all(|b| b.is_ascii_hexdigit()) {
            return;
        }
        bytes.push(u8::from_str_radix(tok, 16).unwrap_or(0));
    }
    if bytes.is_empty() {
        *t = addr.as_bytes().to_vec();
        return;
    }
    let mut panel = f[4]
        .chars()
        .chain(f[5].chars())
        .filter(|c| !c.is_whitespace());
    let mut column = String::new();
    for &b in bytes.iter().filter(|&&b| b != b' ') {
        column.push(panel.next().map_or('\x7F', |p| unshown(b, p)));
    }
    if panel.next().is_some() {
        column.push('\x7F');
    }
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    *t = format!("{addr}: {}  {column}", hex.join(" ")).into_bytes();
}

/// True for an unread line that looks like a dump line all the same (an address-like start
/// and at least four hex pairs, or a damaged address and eight bytes of hex groups right
/// after it): one a damaged layout hid from the parser.
pub(super) fn looks_like_dump(c: &[u8]) -> bool {
    // A hexyl line its layout was lost from (an address between borders).
    let bordered = c
        .strip_prefix("│".as_bytes())
        .or_else(|| c.strip_prefix(b"|"));
    if bordered.is_some_and(|r| hex_run(r) >= 6) {
        return true;
    }
    let run = hex_run(c);
    // Hex with no address glued to something else (`A1B2...*`).
    if run >= 16 {
        return true;
    }
    let (groups, digits) = c
        .split(|&b| b == b' ' || b == b'\t' || b == b'-')
        .skip(1)
        .filter(|w| !w.is_empty() && w.len() % 2 == 0 && hex_run(w) == w.len())
        .fold((0, 0), |(n, d), w| (n + 1, d + w.len()));
    if run >= 4 {
        return groups >= 4;
    }
    // An address that is not one (`XXXX:0020`, `xxe929`: damaged, or typed over) right before
    // the groups of a dump line, eight bytes or more of them in three groups or more. A label
    // (`Destroyed hex: 4E 61 ...`) or a continuation mark (`|   61 63 ...`) is not such an
    // address: no digit, or a word between it and the groups.
    let mut words = c.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty());
    let first = words.next().unwrap_or_default();
    let second = words.next().unwrap_or_default();
    let address_like = (4..=20).contains(&first.len()) && first.iter().any(u8::is_ascii_digit);
    let group_next = second.len() % 2 == 0 && hex_run(second) == second.len() && !second.is_empty();
    address_like && group_next && groups >= 3 && digits >= 16
}

/// The lines of a text, read one by one with a window of lines ahead. Lines are boxed, so
/// passing one along moves a pointer, not the line (a few hundred bytes a line of 16 bytes
/// of data: a sixth of undump's time before).
pub(super) struct Window<R> {
    reader: R,
    ahead: VecDeque<Box<Line>>,
    /// Lines given back, their buffers kept: boxes, so reusing one moves no line.
    #[allow(clippy::vec_box)]
    spare: Vec<Box<Line>>,
    read: usize,
    eof: bool,
    /// A line longer than [`MAX_LINE`] is being read in pieces: the next piece's number, the
    /// bytes read past the last cut, whether the pieces so far were hex with no addresses, and
    /// how many hex digits end the last piece (so that no cut parts a byte's two digits).
    piece: u32,
    carry: Vec<u8>,
    plain: bool,
    run: usize,
    /// Bytes of the line in the pieces before the next.
    before: u64,
    /// The pieces after this one of the line of this number are skipped.
    skip: Option<usize>,
    /// A line ended at a CR, and the CR after it was read where the buffer ended: the next
    /// byte tells whether the two were a CR CR LF or that CR ended a blank line.
    second_cr: bool,
    /// The rest of a text line after a dump line that ends inside it ([`joined_at`]), from
    /// `joined_pos` on: the next lines, of the same number.
    joined: Vec<u8>,
    joined_pos: usize,
    /// For reading a text after a `*` ([`Window::split_star`]).
    scratch: Hex,
    /// The next piece read goes on with a text line longer than [`MAX_LINE`] after a dump line
    /// that ended inside it (that rest is in `carry`): a line of its own, of the same number.
    open: bool,
}

impl<R: BufRead> Window<R> {
    pub fn new(reader: R) -> Window<R> {
        Window {
            reader,
            ahead: VecDeque::new(),
            spare: Vec::new(),
            read: 0,
            eof: false,
            piece: 0,
            carry: Vec::new(),
            plain: false,
            run: 0,
            before: 0,
            skip: None,
            second_cr: false,
            joined: Vec::new(),
            joined_pos: 0,
            scratch: Hex::default(),
            open: false,
        }
    }

    /// The `k`-th line ahead (0: the next one).
    pub fn peek(&mut self, k: usize) -> io::Result<Option<&Line>> {
        while self.ahead.len() <= k && !self.eof {
            self.read_line()?;
        }
        Ok(self.ahead.get(k).map(|l| &**l))
    }

    /// The next line; give it back with [`Window::recycle`] when done.
    pub fn next_line(&mut self) -> io::Result<Option<Box<Line>>> {
        self.peek(0)?;
        Ok(self.ahead.pop_front())
    }

    pub fn recycle(&mut self, line: Box<Line>) {
        self.spare.push(line);
    }

    /// The pieces after `line` of the same long line are skipped (read, not given).
    pub fn skip_rest(&mut self, line: &Line) {
        self.skip = Some(line.no);
        let no = line.no;
        let (keep, drop): (VecDeque<_>, VecDeque<_>) = self
            .ahead
            .drain(..)
            .partition(|l| l.no != no || l.piece == 0);
        self.ahead = keep;
        self.spare.extend(drop);
    }

    fn read_line(&mut self) -> io::Result<()> {
        loop {
            let mut line = self.spare.pop().unwrap_or_else(|| Box::new(Line::empty()));
            if !self.fill(&mut line)? {
                self.eof = true;
                self.spare.push(line);
                return Ok(());
            }
            if line.piece > 0 && self.skip == Some(line.no) {
                self.spare.push(line);
                continue;
            }
            self.ahead.push_back(line);
            return Ok(());
        }
    }

    /// Reads the next line, or the next piece of a long one, into `line`; false at the end.
    fn fill(&mut self, line: &mut Line) -> io::Result<bool> {
        line.text.clear();
        if self.joined_pos < self.joined.len() && self.next_joined(line) {
            return Ok(true);
        }
        // The rest of a long text line after a dump line that ended inside it: a line of its own.
        line.joined = std::mem::take(&mut self.open);
        line.text.append(&mut self.carry);
        line.piece = self.piece;
        // The CR read after a line's CR at a buffer's end: with an LF after it, the end of
        // that line (CR CR LF); else it ends a blank line.
        let blank = std::mem::take(&mut self.second_cr) && !self.lf_follows()?;
        let (got, full) = match blank {
            true => (true, false),
            false => {
                let (read, full) = self.read_line_bytes(line)?;
                (read || self.piece > 0, full)
            }
        };
        if !got {
            return Ok(false);
        }
        line.continues = full;
        line.before = if self.piece > 0 { self.before } else { 0 };
        if full {
            self.cut(line);
            self.before = line.before + line.text.len() as u64;
        } else {
            while matches!(line.text.last(), Some(b'\n' | b'\r')) {
                line.text.pop();
            }
        }
        line.escapes = strip_escapes(&mut line.text);
        web_blanks(&mut line.text, self.read == 0 && line.piece == 0);
        line.unread = hexyl(&mut line.text);
        if line.piece == 0 && !line.joined {
            self.read += 1;
        }
        line.no = self.read;
        let mut split = false;
        if line.piece == 0 {
            line.classify();
            self.plain = line.kind == Kind::Plain;
            split = self.split_joined(line) || self.split_star(line);
        } else {
            line.classify_piece(self.plain);
            self.plain &= line.kind == Kind::Plain;
        }
        if split && full {
            // The rest of the piece goes on in `carry` and the reader ([`Window::next_joined`]).
            self.open = true;
            line.continues = false;
        }
        self.piece = if full && !split { line.piece + 1 } else { 0 };
        Ok(true)
    }

    /// Ends a dump line where another starts inside its text line ([`joined_at`]); the rest
    /// is the next line.
    fn split_joined(&mut self, line: &mut Line) -> bool {
        if line.kind != Kind::Hex {
            return false;
        }
        let Some(at) = joined_at(&line.text, &line.hex) else {
            return false;
        };
        self.joined = line.text.split_off(at);
        self.joined_pos = 0;
        line.classify();
        true
    }

    /// A squeeze mark with a dump line after it on its text line (the break between them lost,
    /// `* 00000030  78 79 7a ...`): the `*` is a line of its own, the rest the next. Before, the
    /// text line was prose, and the squeezed run and the line after it were left out unsaid.
    fn split_star(&mut self, line: &mut Line) -> bool {
        let c = line.content();
        if line.kind != Kind::Other || c.first() != Some(&b'*') {
            return false;
        }
        let rest = c[1..].trim_ascii_start();
        let dump = matches!(
            dump_line(rest, &mut self.scratch),
            Some(Kind::Hex | Kind::End(_))
        );
        if rest.is_empty() || !dump {
            return false;
        }
        let at = line.text.len() - rest.len();
        self.joined = line.text.split_off(at);
        self.joined_pos = 0;
        line.classify();
        true
    }

    /// The next line of the rest of a text line after a dump line that ended inside it: up to
    /// the next dump line inside it, looked for in its first [`JOINED_WINDOW`] bytes (so that
    /// each line copies only those, however long the rest), else all of it. False when the
    /// rest is the last of a piece of a longer line: it goes on in `carry` and the reader, as
    /// the next piece.
    fn next_joined(&mut self, line: &mut Line) -> bool {
        let rest = &self.joined[self.joined_pos..];
        (line.piece, line.continues, line.before, line.escapes) = (0, false, 0, 0);
        (line.no, line.joined, line.unread) = (self.read, true, 0);
        // A squeeze mark before the dump line after it: a line of its own.
        let star = rest[0] == b'*' && rest.len() > 1;
        let window = if star {
            1
        } else {
            rest.len().min(JOINED_WINDOW)
        };
        line.text.extend_from_slice(&rest[..window]);
        line.classify();
        let at = match line.kind {
            Kind::Hex => joined_at(&line.text, &line.hex),
            _ => None,
        };
        if let Some(at) = at.or(star.then_some(1)) {
            line.text.truncate(at);
            line.classify();
            self.joined_pos += at;
            return true;
        }
        let rest = std::mem::take(&mut self.joined).split_off(self.joined_pos);
        self.joined_pos = 0;
        if self.open {
            line.text.clear();
            self.carry.splice(..0, rest);
            return false;
        }
        line.text.clear();
        line.text.extend_from_slice(&rest);
        line.classify();
        true
    }

    /// Reads the bytes of the next line (or piece) into `line`, through its line end: whether
    /// any byte was read, and whether the piece filled up before its line ended.
    fn read_line_bytes(&mut self, line: &mut Line) -> io::Result<(bool, bool)> {
        let mut got = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok((got, false));
            }
            got = true;
            // A line ends at LF, CR LF, or a CR alone (old Mac text, or `tr '\n' '\r'`).
            let (take, done) = match memchr::memchr2(b'\n', b'\r', buf) {
                Some(p) => (p + 1, Some(buf[p])),
                None => (buf.len(), None),
            };
            let room = MAX_LINE.saturating_sub(line.text.len());
            let n = take.min(room);
            line.text.extend_from_slice(&buf[..n]);
            self.reader.consume(n);
            if n < take {
                return Ok((true, !self.at_line_end()?));
            }
            if done == Some(b'\r') {
                self.lf_after_cr()?;
            }
            if done.is_some() {
                return Ok((true, false));
            }
        }
    }

    /// Reads the LF of a CR LF whose CR ended the last buffer or line, or the CR LF of a
    /// CR CR LF (text converted to CR LF twice, a `script` log: one line end, as editors show
    /// it, not a blank line that put every later line number one further on per line; review
    /// 62). Where the buffer ends between that CR and its LF, the CR ends a blank line.
    fn lf_after_cr(&mut self) -> io::Result<()> {
        match self.reader.fill_buf()? {
            [b'\n', ..] => self.reader.consume(1),
            [b'\r', b'\n', ..] => self.reader.consume(2),
            // The buffer ends after that CR: the next read tells ([`Window::fill`]).
            [b'\r'] => {
                self.reader.consume(1);
                self.second_cr = true;
            }
            _ => {}
        }
        Ok(())
    }

    /// Reads an LF if one comes next; true when it did.
    fn lf_follows(&mut self) -> io::Result<bool> {
        let lf = self.reader.fill_buf()?.first() == Some(&b'\n');
        if lf {
            self.reader.consume(1);
        }
        Ok(lf)
    }

    /// True (and the line end read) when all that is left of a full piece's line is its end.
    fn at_line_end(&mut self) -> io::Result<bool> {
        let buf = self.reader.fill_buf()?;
        match buf {
            [] => {}
            [b'\n', ..] => self.reader.consume(1),
            [b'\r', ..] => {
                self.reader.consume(1);
                self.lf_after_cr()?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Cuts a full piece where no byte's digits part: after its last blank or comma, or, in a
    /// run of hex digits, after an even count of them; the rest starts the next piece.
    fn cut(&mut self, line: &mut Line) {
        let t = &line.text;
        let trailing = t.len()
            - t.iter()
                .rposition(|&c| !is_hex_digit(c))
                .map_or(0, |i| i + 1);
        let run = if trailing == t.len() {
            self.run + trailing
        } else {
            trailing
        };
        let at = match t.iter().rposition(|&c| matches!(c, b' ' | b'\t' | b',')) {
            Some(i) if t.len() - i <= 4096 => i + 1,
            _ => t.len() - run % 2,
        };
        self.carry.extend_from_slice(&line.text[at..]);
        line.text.truncate(at);
        let t = &line.text;
        let trailing = t.len()
            - t.iter()
                .rposition(|&c| !is_hex_digit(c))
                .map_or(0, |i| i + 1);
        self.run = if trailing == t.len() {
            self.run + trailing
        } else {
            trailing
        };
    }
}

/// Where a second dump line starts inside the text of the dump line `t` (read into `hex`): a web
/// page or a mail that lost a dump's line breaks joins its lines, with or without a blank
/// between (`0AFA:3F00 0D 0A ... 6D 65 ....Exporting me 0AFA:3F10 73 73 ...`). Taken only where
/// an address written as this line's is written ([`Scan::at`]: DEBUG's `SSSS:OOOO`, whose
/// segment may change and grow; xxd's and tcpdump's address and colon; the plain addresses of
/// hexdump and od, as [`plain_starts`] finds them) goes on from this line's ([`Scan::goes_on`]),
/// and not where this line's ASCII column shows its own bytes spelling it ([`shows`]: a dump of
/// dump text). Where a `*` before it stands for squeezed lines, the `*` starts the next line.
fn joined_at(t: &[u8], hex: &Hex) -> Option<usize> {
    let sc = Scan::new(t, hex)?;
    let (first, digits) = (sc.first, sc.digits);
    // Where this line's ASCII column shows its own bytes spelling the address (a dump of dump
    // text), it is that column.
    let found = |&s: &usize| {
        s >= first
            && sc
                .at(s, false)
                .is_some_and(|(e, on)| on && !shows(hex, t, s, e))
    };
    // Where an address may start: `digits` before a colon (for a segment, up to 8: it grows
    // past 1 MiB), or as [`plain_starts`] says.
    let s = match sc.colon {
        true => memchr::memchr_iter(b':', &t[first..])
            .flat_map(|m| (digits..=sc.widest).filter_map(move |d| (first + m).checked_sub(d)))
            .find(found),
        false => plain_starts(t, first, digits, first - sc.start).find(found),
    }?;
    // After a `*` that the address reads as squeezed lines after (in a radix it may be in), the
    // `*` is a line of its own.
    let star = squeezed_before(t, s, first).filter(|_| sc.at(s, true).is_some_and(|(_, on)| on));
    Some(star.unwrap_or(s))
}

/// What [`joined_at`] knows of a dump line `t` (read into `hex`) while it looks for another
/// inside it.
struct Scan<'a> {
    t: &'a [u8],
    hex: &'a Hex,
    /// Where its first group of hex starts and ends.
    start: usize,
    first: usize,
    /// Digits of its address (of the segment, for DEBUG's), and the most another may have.
    digits: usize,
    widest: usize,
    /// The most bytes a line of its layout holds.
    most: usize,
    /// Its address ends with a colon (DEBUG's, xxd's, tcpdump's), not a blank.
    colon: bool,
}

impl<'a> Scan<'a> {
    fn new(t: &'a [u8], hex: &'a Hex) -> Option<Scan<'a>> {
        let (a0, a1) = hex.addr;
        let colon = t.get(a1) == Some(&b':');
        let (digits, most) = match hex.style {
            AddrStyle::Segmented => (a1.checked_sub(a0 + 5)?, 16),
            AddrStyle::Linear if colon || hex.bars => (a1 - a0, 256),
            AddrStyle::Linear => return None,
        };
        let debug = hex.style == AddrStyle::Segmented;
        let widest = if debug { digits.max(8) } else { digits };
        let (start, first) = *hex.groups.first()?;
        let colon = debug || colon;
        Some(Scan {
            t,
            hex,
            start,
            first,
            digits,
            widest,
            most,
            colon,
        })
    }

    /// Bytes of the hex before `at`: pairs of digits in each run of them, a run glued to the
    /// next address (`6D 650AFA:3F10`) too.
    fn held(&self, at: usize) -> u64 {
        let runs = self.t[self.start..at].split(|&c| !is_hex_digit(c));
        (runs.map(|r| r.len() / 2).sum::<usize>()).min(self.most) as u64
    }

    /// `addr`, written at `at`, goes on from `base`: by no more bytes than the hex before it
    /// holds; from a DEBUG first line padded to its first byte (`d 0AFA:0105`, whose address
    /// is its paragraph's), to the next paragraph; or, after a `*` (squeezed lines like this
    /// one, as clanscope's own dumps and hexdump's squeeze them), by whole lines of this line's bytes or of the 16 of every
    /// tool's default (od's octal words read as hex until the parser tells their radix).
    /// `squeezed`: only that last way.
    fn goes_on(&self, at: usize, base: u64, addr: u64, squeezed: bool) -> bool {
        let debug = self.hex.style == AddrStyle::Segmented;
        let d = addr.wrapping_sub(base);
        let whole = [self.hex.full as u64, 16]
            .iter()
            .any(|&n| n > 0 && d > n && d.is_multiple_of(n));
        let star = whole && squeezed_before(self.t, at, self.first).is_some();
        let plain = !squeezed && (d <= self.held(at) || debug && addr == (base | 15) + 1);
        addr > base && (plain || star)
    }

    /// An address written as this line's starting at `s`: where it ends, and whether it goes
    /// on from this line's ([`Scan::goes_on`]).
    fn at(&self, s: usize, squeezed: bool) -> Option<(usize, bool)> {
        let (t, hex) = (self.t, self.hex);
        let hexes = |s: usize, e: usize| {
            t.get(s..e)
                .is_some_and(|d| d.iter().all(|&c| is_hex_digit(c)))
        };
        if self.colon {
            let m = s + hex_run(&t[s..]);
            let debug = hex.style == AddrStyle::Segmented;
            let e = if debug { m + 5 } else { m + 1 };
            if t.get(m) != Some(&b':') || !(self.digits..=self.widest).contains(&(m - s)) {
                return None;
            }
            let on = match debug {
                // The segment may change (clanscope's dumps go on at the next 64 KiB).
                true => {
                    hexes(m + 1, e) && {
                        let lin = parse_hex(&t[s..m]) * 16 + parse_hex(&t[m + 1..e]);
                        self.goes_on(s, hex.base, lin, squeezed)
                    }
                }
                false => self.goes_on(s, hex.base, parse_hex(&t[s..m]), squeezed),
            };
            return Some((e, on));
        }
        // hexdump's and od's plain addresses, in a radix this line's address may be in.
        let e = s + self.digits;
        let ends = !t.get(e).is_some_and(|&c| c != b' ' && c != b'\t');
        if !ends || !hexes(s, e) {
            return None;
        }
        let own = &t[hex.addr.0..hex.addr.1];
        let on = [16, 8, 10].iter().any(|&r| {
            let b = super::words::radix_value(own, r);
            let a = super::words::radix_value(&t[s..e], r);
            b.zip(a)
                .is_some_and(|(b, a)| self.goes_on(s, b, a, squeezed))
        });
        Some((e, on))
    }
}

/// Where a plain address of `digits` digits (hexdump's, od's) may start in the text `t` of a
/// line whose first group of hex (`width` digits) ends at `first`: the last `digits` of a run
/// of hex digits, the whole run after a blank, `|`, `<` or `*`, or glued to a whole group after
/// a blank (`6e690000020`: `6e69`, then `0000020`). In a line with a column (`|...|`,
/// `>...<`), only after the column: a line that ends with its column's end holds none (the
/// common case, checked without reading the line byte by byte).
fn plain_starts(
    t: &[u8],
    first: usize,
    digits: usize,
    width: usize,
) -> impl Iterator<Item = usize> + '_ {
    let from = match memchr::memchr2(b'|', b'>', &t[first..]) {
        Some(o) => {
            let open = first + o + 1;
            let close = memchr::memchr2(b'|', b'<', &t[open..]).map_or(open, |c| open + c);
            let rest = t[close..].trim_ascii();
            match rest.len() <= 1 {
                true => t.len(),
                false => close.max(first),
            }
        }
        None => first,
    };
    let runs = t[from..].split(|&c| !is_hex_digit(c)).scan(from, |at, r| {
        let s = *at;
        *at += r.len() + 1;
        Some((s, r.len()))
    });
    runs.filter_map(move |(r, n)| {
        let s = (r + n).checked_sub(digits)?;
        let alone = s == r && matches!(t[r - 1], b' ' | b'\t' | b'|' | b'<' | b'*');
        let glued = s == r + width && matches!(t[r - 1], b' ' | b'\t');
        (n >= digits && (alone || glued)).then_some(s)
    })
}

/// Where a lone `*` (hexdump's squeezed lines) stands right before `at`, blanks between or
/// not, in a line whose hex starts at `first` (after a blank, a column's end, or hex it is glued
/// to).
fn squeezed_before(t: &[u8], at: usize, first: usize) -> Option<usize> {
    let i = at
        - t[first..at]
            .iter()
            .rev()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
    let c = t.get(i.wrapping_sub(2)).copied().unwrap_or(0);
    let lone = i > first + 1 && (matches!(c, b' ' | b'\t' | b'|' | b'<') || is_hex_digit(c));
    (lone && t[i - 1] == b'*').then_some(i - 1)
}

/// The text `t[s..e]` of a dump line (read into `hex`) is where its ASCII column shows its own
/// bytes there (20h-7Eh as themselves, others as `.`). The column starts after the line's bytes
/// and the blanks after them, a `|` or `>` that opens it, or any of those blanks (a column may
/// start with a blank, `|` or `>` of its own: byte 20h, 7Ch, 3Eh).
fn shows(hex: &Hex, t: &[u8], s: usize, e: usize) -> bool {
    let Some(cut) = hex.cuts.get(hex.full.max(1) - 1) else {
        return false;
    };
    let shown = |b: u8| if (0x20..0x7F).contains(&b) { b } else { b'.' };
    let spelled_from = |col: usize| {
        let bytes = s
            .checked_sub(col)
            .and_then(|k| hex.bytes.get(k..k + (e - s)));
        bytes.is_some_and(|w| w.iter().zip(&t[s..e]).all(|(&b, &c)| shown(b) == c))
    };
    (cut.pos..=skip_blanks(t, cut.pos) + 1).any(spelled_from)
}

fn is_hex_digit(c: u8) -> bool {
    HEX_VALUE[c as usize] != NOT_HEX
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
        assert_eq!(
            (l.no, l.text.len(), l.piece, l.continues),
            (1, MAX_LINE, 0, true)
        );
        w.skip_rest(&l);
        w.recycle(l);
        let l = w.next_line().unwrap().unwrap();
        assert_eq!((l.no, &l.text[..]), (2, &b"next"[..]));
        assert!(w.next_line().unwrap().is_none());
    }

    /// Lines end at LF, CR LF, CR CR LF or a CR alone (old Mac text), also where the buffer
    /// ends between a CR and what follows it; two CRs not followed by an LF end a blank line.
    /// Before, a text with CR alone was one line, and undump kept its first 16 bytes.
    #[test]
    fn lines_end_at_lf_crlf_or_a_lone_cr() {
        let text = b"one\rtwo\r\nthree\nfour\r\r\nfive\r\rsix\r\r";
        for cap in [1, 2, 3, 4, 64] {
            let mut w = Window::new(io::BufReader::with_capacity(cap, &text[..]));
            let mut got = Vec::new();
            while let Some(l) = w.next_line().unwrap() {
                got.push((l.no, String::from_utf8(l.text.clone()).unwrap()));
            }
            let want = ["one", "two", "three", "four", "five", "", "six", ""];
            let want: Vec<_> = want
                .iter()
                .enumerate()
                .map(|(i, s)| (i + 1, s.to_string()))
                .collect();
            assert_eq!(got, want, "buffer of {cap}");
        }
        // A long line cut into pieces ends at a lone CR too.
        let mut text = vec![b'x'; MAX_LINE + 10];
        text.extend_from_slice(b"\rnext");
        let mut w = Window::new(io::BufReader::with_capacity(7, &text[..]));
        let (mut pieces, mut last) = (0, Vec::new());
        while let Some(l) = w.next_line().unwrap() {
            pieces += 1;
            last = l.text.clone();
        }
        assert_eq!((pieces, &last[..]), (3, &b"next"[..]));
    }
}

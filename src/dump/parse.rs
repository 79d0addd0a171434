//! Turns dump text back into bytes ("undump"). Reads DOS DEBUG `d` output, clanscope's own dumps
//! and exports, `xxd` and `hexdump -C` output, and dumps mangled by mail and web pages: runs of
//! spaces collapsed, the ASCII column wrapped onto following lines, `>` quoting, prose and DEBUG
//! commands around the dump. The hex is the data; the ASCII column, where present, is checked
//! against it. Problems are reported with their line numbers, never by panicking.

use super::format::ASCII;

/// How a block's addresses are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrStyle {
    /// `SSSS:OOOO` (DEBUG, clanscope).
    Segmented,
    /// A plain hex offset (`xxd`, `hexdump -C`).
    Linear,
}

/// A contiguous run of recovered bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub style: AddrStyle,
    /// Linear address of the first byte.
    pub start: u64,
    pub bytes: Vec<u8>,
    /// 1-based text line where the block starts.
    pub line: usize,
    first_seg: u64,
    last_seg: u64,
}

impl Block {
    pub fn end(&self) -> u64 {
        self.start + self.bytes.len() as u64
    }

    fn label(&self, lin: u64, seg: u64) -> String {
        match self.style {
            AddrStyle::Linear => format!("{lin:08X}"),
            AddrStyle::Segmented => match lin.checked_sub(seg * 16) {
                Some(off) if off <= 0xFFFF => format!("{seg:04X}:{off:04X}"),
                _ => format!("{:04X}:{:04X}", (lin >> 4) & !0xFFF, lin & 0xFFFF),
            },
        }
    }

    /// Address of the first byte as written in the dump's own style.
    pub fn start_label(&self) -> String {
        self.label(self.start, self.first_seg)
    }

    /// Address of the last byte.
    pub fn end_label(&self) -> String {
        self.label(self.end().saturating_sub(1).max(self.start), self.last_seg)
    }

    /// A file name for `--split`: the start address with `:` replaced.
    pub fn file_stem(&self) -> String {
        self.start_label().replace(':', "_")
    }
}

/// A problem found while parsing, with its 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Undump {
    pub blocks: Vec<Block>,
    pub warnings: Vec<Warning>,
}

impl Undump {
    /// All recovered bytes, blocks in text order.
    pub fn bytes(&self) -> Vec<u8> {
        self.blocks
            .iter()
            .flat_map(|b| b.bytes.iter().copied())
            .collect()
    }
}

#[derive(Debug)]
struct HexLine<'a> {
    style: AddrStyle,
    seg: u64,
    /// Linear address of the line's address label.
    base: u64,
    /// Bytes in order, with the text position just after the group that holds each one.
    bytes: Vec<u8>,
    cuts: Vec<(usize, usize)>,
    /// Spaces between the address and the first byte.
    lead_spaces: usize,
    /// Index of the byte that a dash follows.
    dash_after: Option<usize>,
    /// The dash came before the first byte: it is the 9th of its line.
    dash_first: bool,
    text: &'a str,
}

#[derive(Debug)]
enum Raw<'a> {
    Hex(HexLine<'a>),
    /// A `hexdump` line holding only an address: where the data ends.
    End(AddrStyle, u64),
    Star,
    /// A DEBUG `d` command: the address it dumps from.
    Command(Option<u64>, u64),
    Blank,
    Other,
}

fn strip_quoting(line: &str) -> &str {
    let mut t = line.trim_end_matches(['\r', '\n']).trim_start();
    while let Some(r) = t.strip_prefix('>') {
        t = r.trim_start();
    }
    t
}

fn hex_run(s: &str) -> usize {
    s.bytes().take_while(|c| c.is_ascii_hexdigit()).count()
}

fn parse_hex(s: &str) -> u64 {
    u64::from_str_radix(s, 16).unwrap_or(0)
}

fn classify(line: &str) -> Raw<'_> {
    let t = strip_quoting(line);
    if t.is_empty() {
        return Raw::Blank;
    }
    if t == "*" {
        return Raw::Star;
    }
    if let Some(raw) = dump_line(t) {
        return raw;
    }
    debug_command(t).unwrap_or(Raw::Other)
}

/// A line of dump: an address in one of the known styles, then bytes (or, for hexdump, the
/// lone end address).
fn dump_line(t: &str) -> Option<Raw<'_>> {
    let n = hex_run(t);
    let rest = &t[n..];
    // DEBUG / clanscope: SSSS:OOOO
    if (4..=8).contains(&n) && rest.starts_with(':') && hex_run(&rest[1..]) == 4 {
        let after = &rest[5..];
        if after.is_empty() || after.starts_with([' ', '\t']) {
            let seg = parse_hex(&t[..n]);
            let off = parse_hex(&rest[1..5]);
            return hex_line(AddrStyle::Segmented, seg, seg * 16 + off, after, false);
        }
    }
    // xxd: OOOOOOOO:
    if (6..=16).contains(&n) && rest.starts_with(": ") {
        return hex_line(AddrStyle::Linear, 0, parse_hex(&t[..n]), &rest[1..], true);
    }
    // hexdump -C: OOOOOOOO  xx xx ...   or the lone end address
    if (7..=16).contains(&n) && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
        if rest.trim().is_empty() {
            return Some(Raw::End(AddrStyle::Linear, parse_hex(&t[..n])));
        }
        return hex_line(AddrStyle::Linear, 0, parse_hex(&t[..n]), rest, false);
    }
    None
}

fn debug_command(t: &str) -> Option<Raw<'_>> {
    // `-d 0AFA:3F00` at DEBUG's prompt (`-d3F00` too), or `d 0AFA:3F00` with a space.
    let prompted = t.starts_with('-');
    let body = t.strip_prefix('-').unwrap_or(t).trim_start();
    let args = body.strip_prefix(['d', 'D'])?;
    let first = args.split_whitespace().next()?;
    if !(args.starts_with([' ', '\t']) || prompted && first.chars().next()?.is_ascii_hexdigit()) {
        return None;
    }
    let rest_words = args.split_whitespace().skip(1);
    if rest_words.clone().any(|w| {
        !(w.eq_ignore_ascii_case("l") || w.bytes().all(|c| c.is_ascii_hexdigit() || c == b':'))
    }) {
        return None;
    }
    match first.split_once(':') {
        Some((s, o))
            if (1..=4).contains(&s.len())
                && (1..=4).contains(&o.len())
                && hex_run(s) == s.len()
                && hex_run(o) == o.len() =>
        {
            Some(Raw::Command(Some(parse_hex(s)), parse_hex(o)))
        }
        None if (1..=4).contains(&first.len()) && hex_run(first) == first.len() => {
            Some(Raw::Command(None, parse_hex(first)))
        }
        _ => None,
    }
}

/// Reads the byte groups after an address. Returns None when no byte follows (the line is
/// prose that happens to start with something address-like).
fn hex_line(style: AddrStyle, seg: u64, base: u64, text: &str, grouped: bool) -> Option<Raw<'_>> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    let lead_spaces = i;
    // A padded line whose first byte is the 9th starts with the dash.
    let dash_first = b.get(i) == Some(&b'-') && lead_spaces > 2;
    if dash_first {
        i += 1;
    }
    let mut bytes = Vec::with_capacity(16);
    let mut cuts = Vec::new();
    let mut dash_after = None;
    loop {
        let n = hex_run(&text[i..]);
        let ok_len = if grouped {
            n >= 2 && n.is_multiple_of(2) && n <= 32
        } else {
            n == 2
        };
        let end = i + n;
        let terminated = end == b.len() || matches!(b[end], b' ' | b'\t' | b'-');
        // DEBUG lines hold 16 bytes; xxd and hexdump lines may hold more (xxd -c 32).
        let max = if style == AddrStyle::Segmented {
            16
        } else {
            256
        };
        if !ok_len || !terminated || bytes.len() + n / 2 > max {
            break;
        }
        for k in (i..end).step_by(2) {
            bytes.push(parse_hex(&text[k..k + 2]) as u8);
        }
        cuts.push((bytes.len(), end));
        i = end;
        if i < b.len() && b[i] == b'-' {
            dash_after = Some(bytes.len() - 1);
            i += 1;
        } else if i < b.len() {
            // One separator; a second space ends the hex area, except at hexdump -C's middle.
            i += 1;
            if style == AddrStyle::Linear
                && !grouped
                && bytes.len() == 8
                && i < b.len()
                && b[i] == b' '
            {
                i += 1;
            }
        } else {
            break;
        }
    }
    if bytes.is_empty() {
        return None;
    }
    Some(Raw::Hex(HexLine {
        style,
        seg,
        base,
        bytes,
        cuts,
        lead_spaces,
        dash_after,
        dash_first,
        text,
    }))
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

enum AsciiCheck {
    /// Matched, consuming this many following lines.
    Match(usize),
    Absent,
    Mismatch(String),
}

/// Checks the ASCII column for `bytes`: `rest` is what follows the hex on its own line, `next`
/// the following text lines (the column may have been wrapped onto them).
fn check_ascii(bytes: &[u8], rest: &str, next: &[&str]) -> AsciiCheck {
    let expected: String = bytes
        .iter()
        .map(|&b| ASCII[b as usize] as char)
        .filter(|c| *c != ' ')
        .collect();
    let mut got = squash(rest);
    if got.starts_with(&expected) {
        return AsciiCheck::Match(0);
    }
    // hexdump -C puts the column between bars.
    if let Some(r) = got.strip_prefix('|') {
        if r.starts_with(&expected) {
            return AsciiCheck::Match(0);
        }
        got = r.to_string();
    }
    let had_rest = !got.is_empty();
    if expected.starts_with(&got) {
        for (k, l) in next.iter().enumerate().take(8) {
            let piece = squash(strip_quoting(l));
            if piece.is_empty() {
                break;
            }
            got.push_str(&piece);
            if got.starts_with(&expected) {
                return AsciiCheck::Match(k + 1);
            }
            if !expected.starts_with(&got) {
                break;
            }
        }
    }
    if had_rest {
        AsciiCheck::Mismatch(squash(rest))
    } else {
        AsciiCheck::Absent
    }
}

/// Squeezed runs are filled in memory up to this many bytes in all, so hostile text cannot ask
/// for an impossible allocation.
pub const FILL_LIMIT: u64 = 1 << 30;

struct Builder {
    /// Bytes squeezed runs may still fill.
    fill_budget: u64,
    blocks: Vec<Block>,
    warnings: Vec<Warning>,
    current: Option<Block>,
    /// The pattern a `*` repeats (the last full line) and the line of the `*`.
    pending_star: Option<usize>,
    last_line: Vec<u8>,
    prose_since_hex: bool,
}

impl Builder {
    fn warn(&mut self, line: usize, message: String) {
        self.warnings.push(Warning { line, message });
    }

    fn close(&mut self) {
        if let Some(star) = self.pending_star.take() {
            self.warn(
                star,
                "'*' is not followed by a line: the length of the repeated run is unknown".into(),
            );
        }
        if let Some(b) = self.current.take() {
            self.blocks.push(b);
        }
    }

    /// Fills a squeezed run up to `target` (linear address).
    fn fill_to(&mut self, target: u64, line: usize) -> bool {
        let Some(star) = self.pending_star.take() else {
            return false;
        };
        let Some(block) = self.current.as_mut() else {
            return false;
        };
        if target < block.end() || self.last_line.is_empty() {
            self.warnings.push(Warning {
                line: star,
                message: "'*' is followed by an address that does not lie ahead".into(),
            });
            return false;
        }
        let gap = target - block.end();
        if gap > self.fill_budget {
            self.warnings.push(Warning {
                line: star,
                message: format!(
                    "'*' stands for {gap} bytes, more than the {} bytes that squeezed runs may still fill in memory; not filled",
                    self.fill_budget
                ),
            });
            return false;
        }
        self.fill_budget -= gap;
        if !gap.is_multiple_of(self.last_line.len() as u64) {
            self.warnings.push(Warning {
                line,
                message: format!(
                    "the run squeezed at line {star} is not a whole number of lines long"
                ),
            });
        }
        let pat = &self.last_line;
        block
            .bytes
            .extend((0..gap as usize).map(|i| pat[i % pat.len()]));
        true
    }

    fn start_block(&mut self, style: AddrStyle, start: u64, seg: u64, line: usize) {
        self.close();
        self.current = Some(Block {
            style,
            start,
            bytes: Vec::new(),
            line,
            first_seg: seg,
            last_seg: seg,
        });
    }
}

/// Parses dump text into blocks of bytes.
pub fn parse(text: &str) -> Undump {
    parse_with_fill_limit(text, FILL_LIMIT)
}

/// [`parse`] with another budget for filling squeezed runs.
pub fn parse_with_fill_limit(text: &str, fill_limit: u64) -> Undump {
    let lines: Vec<&str> = text.lines().collect();
    let raws: Vec<Raw<'_>> = lines.iter().map(|l| classify(l)).collect();
    let mut b = Builder {
        fill_budget: fill_limit,
        blocks: Vec::new(),
        warnings: Vec::new(),
        current: None,
        pending_star: None,
        last_line: Vec::new(),
        prose_since_hex: true,
    };
    let mut hint: Option<(Option<u64>, u64)> = None;
    let mut i = 0;
    while i < raws.len() {
        let line_no = i + 1;
        match &raws[i] {
            Raw::Blank => {}
            Raw::Other => b.prose_since_hex = true,
            Raw::Command(seg, off) => {
                hint = Some((*seg, *off));
                b.prose_since_hex = true;
            }
            Raw::Star => {
                if b.current.is_none() {
                    b.warn(line_no, "'*' without a dump line before it".into());
                } else {
                    b.pending_star = Some(line_no);
                }
            }
            Raw::End(style, addr) => {
                let same = b.current.as_ref().is_some_and(|c| c.style == *style);
                if same {
                    if b.pending_star.is_some() {
                        b.fill_to(*addr, line_no);
                    } else if b.current.as_ref().map(|c| c.end()) != Some(*addr) {
                        let end = b.current.as_ref().unwrap().end();
                        b.warn(line_no, format!("end address {addr:08X} does not match the data, which ends at {end:08X}"));
                    }
                    b.close();
                } else {
                    b.prose_since_hex = true;
                }
            }
            Raw::Hex(h) => {
                // How many bytes belong to the hex area: the ASCII column decides.
                let following: Vec<&str> = raws[i + 1..]
                    .iter()
                    .zip(&lines[i + 1..])
                    .take_while(|(r, _)| matches!(r, Raw::Other))
                    .map(|(_, l)| *l)
                    .collect();
                // A cut whose ASCII column matches wins; otherwise all the groups are bytes.
                let mut chosen: Option<(usize, usize)> = None;
                let mut absent = false;
                let mut mismatch = None;
                for &(count, pos) in h.cuts.iter().rev() {
                    let blank = h.bytes[..count].iter().all(|&x| x == b' ');
                    match check_ascii(&h.bytes[..count], &h.text[pos..], &following) {
                        // An all-blank column matches anything: it proves nothing for a shorter cut.
                        AsciiCheck::Match(_) if blank && count < h.bytes.len() => {}
                        AsciiCheck::Match(consumed) => {
                            chosen = Some((count, consumed));
                            break;
                        }
                        AsciiCheck::Absent => absent |= count == h.bytes.len(),
                        AsciiCheck::Mismatch(found) => {
                            if count == h.bytes.len() {
                                mismatch = Some(found);
                            }
                        }
                    }
                }
                if chosen.is_none() && absent {
                    chosen = Some((h.bytes.len(), 0));
                }
                let (count, consumed) = chosen.unwrap_or_else(|| {
                    let expected: String =
                        h.bytes.iter().map(|&x| ASCII[x as usize] as char).collect();
                    b.warn(
                        line_no,
                        format!(
                            "ASCII column does not match the hex: expected '{}', found '{}'",
                            crate::sanitize::line(&expected),
                            crate::sanitize::line(&mismatch.clone().unwrap_or_default())
                        ),
                    );
                    (h.bytes.len(), 0)
                });
                let bytes = &h.bytes[..count];
                let col0 = first_column(
                    h,
                    count,
                    &raws[i + 1 + consumed..],
                    hint.take(),
                    b.current.as_ref(),
                );
                let start = h.base + col0 as u64;
                let continues = b.current.as_ref().is_some_and(|c| {
                    c.style == h.style && (c.end() == start || b.pending_star.is_some())
                });
                if continues && b.pending_star.is_some() {
                    b.fill_to(start, line_no);
                }
                let continues = continues && b.current.as_ref().is_some_and(|c| c.end() == start);
                if !continues {
                    if let Some(c) = &b.current {
                        if !b.prose_since_hex && c.style == h.style {
                            let expected = c.label(c.end(), c.last_seg);
                            let found = c.label(start, h.seg);
                            let what = if start > c.end() {
                                format!("gap of {} bytes", start - c.end())
                            } else {
                                "address goes back".to_string()
                            };
                            b.warn(line_no, format!("{what}: expected {expected}, found {found}; a new block starts here"));
                        }
                    }
                    b.start_block(h.style, start, h.seg, line_no);
                }
                let cur = b.current.as_mut().expect("block open");
                cur.bytes.extend_from_slice(bytes);
                cur.last_seg = h.seg;
                b.last_line = bytes.to_vec();
                b.prose_since_hex = false;
                i += consumed;
            }
        }
        i += 1;
    }
    b.close();
    Undump {
        blocks: b.blocks,
        warnings: b.warnings,
    }
}

/// Which column the first byte of a DEBUG-style line sits in. Full lines start at 0; a short
/// line is a padded first line or a short last line: the spacing, a dash, a preceding `d`
/// command or the line after it tell which.
fn first_column(
    h: &HexLine<'_>,
    count: usize,
    after: &[Raw<'_>],
    hint: Option<(Option<u64>, u64)>,
    current: Option<&Block>,
) -> usize {
    if h.style != AddrStyle::Segmented || count >= 16 || !h.base.is_multiple_of(16) {
        return 0;
    }
    let max = 16 - count;
    if h.dash_first {
        return 8.min(max);
    }
    if h.lead_spaces > 2 {
        return ((h.lead_spaces - 2) / 3).min(max);
    }
    if let Some(j) = h.dash_after.filter(|&j| j < count) {
        return (8usize.saturating_sub(j + 1)).min(max);
    }
    if let Some((seg, off)) = hint {
        if seg.is_none_or(|s| s == h.seg) && off & !15 == (h.base - h.seg * 16) & 0xFFFF {
            return ((off & 15) as usize).min(max);
        }
    }
    if current.is_some_and(|c| c.end() == h.base) {
        return 0; // continues the block: a short last line
    }
    let next_hex = after.iter().find(|r| !matches!(r, Raw::Blank | Raw::Other));
    match next_hex {
        Some(Raw::Hex(n)) if n.style == h.style && n.base == h.base + 16 => max,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_line_and_wrapped_ascii() {
        let t = "0AFA:3F00 0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65\n....Exporting\nme\n0AFA:3F10 73 73 61 67 65 73 20 69-6E 20 6D 61 69 6C 62 6F ssages in\nmailbo\n";
        let u = parse(t);
        assert_eq!(u.warnings, vec![]);
        assert_eq!(u.blocks.len(), 1);
        assert_eq!(u.blocks[0].start_label(), "0AFA:3F00");
        assert_eq!(u.blocks[0].end_label(), "0AFA:3F1F");
        assert_eq!(&u.bytes()[..8], b"\r\n\r\nExpo");
    }

    #[test]
    fn padded_first_line_with_spacing() {
        use crate::address::Origin;
        use crate::dump::Printer;
        let data: Vec<u8> = (0u8..=255).collect();
        for start in [0x4Au64, 0x46, 0x41] {
            let text = Printer::new(Origin::parse("025F:0A00").unwrap()).to_string(
                &data,
                start,
                start + 10,
            );
            let u = parse(&text);
            assert_eq!(u.warnings, vec![], "{text}");
            assert_eq!(u.blocks[0].start, 0x25F0 + 0x0A00 + start);
            assert_eq!(
                u.bytes(),
                data[start as usize..start as usize + 10].to_vec()
            );
        }
        // A single padded line and DEBUG's own `d` command before it.
        let t = "-d 025f:0a4a l 2\n025F:0A40 7F 43 .C\n";
        let u = parse(t);
        assert_eq!(u.blocks[0].start_label(), "025F:0A4A");
    }

    #[test]
    fn padded_first_line_collapsed() {
        let t = "025F:0A40 0A 0B 0C 0D 0E 0F ......\n025F:0A50 10 11 ..\n";
        let u = parse(t);
        assert_eq!(u.blocks[0].start_label(), "025F:0A4A");
        assert_eq!(u.bytes(), vec![10, 11, 12, 13, 14, 15, 16, 17]);
    }

    #[test]
    fn xxd_and_hexdump() {
        let xxd = "00000000: 0d0a 0d0a 4578 706f 7274 696e 6720 6d65  ....Exporting me\n00000010: 4142                                     AB\n";
        let u = parse(xxd);
        assert_eq!(u.warnings, vec![]);
        assert_eq!(u.bytes().len(), 18);
        assert_eq!(u.blocks[0].end_label(), "00000011");
        let hd = "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n00000030  41 42                                             |AB|\n00000032\n";
        let u = parse(hd);
        assert_eq!(u.warnings, vec![]);
        let mut want = vec![0u8; 48];
        want.extend_from_slice(b"AB");
        assert_eq!(u.bytes(), want);
    }

    #[test]
    fn mismatch_and_gap_are_reported() {
        let t = "0000:0000  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOX\n0000:0020  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP\n";
        let u = parse(t);
        assert_eq!(u.blocks.len(), 2);
        assert_eq!(u.warnings.len(), 2);
        assert_eq!(u.warnings[0].line, 1);
        assert!(u.warnings[0]
            .message
            .starts_with("ASCII column does not match"));
        assert_eq!(u.warnings[1].line, 2);
        assert_eq!(
            u.warnings[1].message,
            "gap of 16 bytes: expected 0000:0010, found 0000:0020; a new block starts here"
        );
    }

    #[test]
    fn huge_squeezed_runs_are_refused() {
        let t = "0000:0000  41 41 41 41 41 41 41 41-41 41 41 41 41 41 41 41   AAAAAAAAAAAAAAAA\n*\nFFFFFFFF:0000  41 41 41 41 41 41 41 41-41 41 41 41 41 41 41 41   AAAAAAAAAAAAAAAA\n";
        let u = parse(t);
        assert_eq!(u.blocks.len(), 2);
        assert_eq!(u.bytes().len(), 32);
        assert!(
            u.warnings[0].message.contains("not filled"),
            "{:?}",
            u.warnings
        );
        assert_eq!(u.warnings[0].line, 2);
    }

    #[test]
    fn prose_is_not_data() {
        let u = parse("deadbeef is a word\nCafe: 12 people\n0AFA:3F00 is where it starts\n");
        assert_eq!(u.blocks.len(), 0);
    }
}

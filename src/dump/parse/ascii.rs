//! The ASCII column: does the text after a cut spell the bytes before it? Blanks are left out
//! of the comparison (mail and web pages collapse them, and a 20h byte shows as one); between
//! hexdump's bars every character counts. A column wrapped onto following lines is followed
//! there, with those lines' quoting taken off as deep as the dump line's. The hex is the data:
//! the column only decides where the hex area ends and whether to warn.

use super::line::{Kind, Line, Window};
use crate::dump::format::ASCII;
use std::io::{self, BufRead};

/// What the column says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Check {
    /// It matches, spread over this many following lines.
    Exact(usize),
    /// There is none: nothing after the hex, and no following line that continues it.
    Absent,
    /// It does not match; the difference shows on the line `through` lines below (which,
    /// with the ones between, belong to the column).
    Mismatch { through: usize },
}

/// The expected column, blanks left out, compared piece by piece.
struct Matcher<'a> {
    bytes: std::slice::Iter<'a, u8>,
    next: Option<u8>,
    /// Non-blank characters matched so far.
    matched: usize,
}

#[derive(PartialEq, Eq)]
enum Fed {
    /// All of the piece matched and more is expected.
    Open,
    /// The piece ended exactly where the column does.
    Complete,
    /// A character differs, or the piece goes on past the column.
    Differs,
}

impl<'a> Matcher<'a> {
    fn new(bytes: &'a [u8]) -> Matcher<'a> {
        let mut m = Matcher {
            bytes: bytes.iter(),
            next: None,
            matched: 0,
        };
        m.advance();
        m
    }

    fn advance(&mut self) {
        self.next = self
            .bytes
            .by_ref()
            .map(|&b| ASCII[b as usize])
            .find(|&c| c != b' ');
    }

    fn feed(&mut self, piece: &[u8]) -> Fed {
        for &c in piece {
            if c == b' ' || c == b'\t' {
                continue;
            }
            if self.next != Some(c) {
                return Fed::Differs;
            }
            self.matched += 1;
            self.advance();
        }
        if self.next.is_none() {
            Fed::Complete
        } else {
            Fed::Open
        }
    }
}

/// Checks the column for `bytes` starting at `pos` on `line`, following it onto the lines
/// ahead in `ahead` when it runs short there.
pub(super) fn check<R: BufRead>(
    bytes: &[u8],
    line: &Line,
    pos: usize,
    ahead: &mut Window<R>,
) -> io::Result<Check> {
    let mut col = line.text[pos.min(line.text.len())..].trim_ascii();
    let mut close: Option<&[u8]> = None;
    if line.hex.bars {
        match barred_column(bytes, line, col, ahead)? {
            Barred::Decided(c) => return Ok(c),
            Barred::Wrapped(inner, end) => (col, close) = (inner, Some(end)),
            Barred::Plain => {}
        }
    }
    let mut m = Matcher::new(bytes);
    match m.feed(col) {
        Fed::Complete => Ok(Check::Exact(0)),
        Fed::Differs => Ok(Check::Mismatch { through: 0 }),
        Fed::Open => follow(line, ahead, m, col.is_empty(), close),
    }
}

/// What a column that may sit between bars is.
enum Barred<'t> {
    /// Decided on this line (or with the closing bar alone on the next).
    Decided(Check),
    /// Opened by a bar and not closed: mail wrapped the column, whose rest (and closing bar,
    /// the second field) is on the lines below; the first field is the column on this line.
    Wrapped(&'t [u8], &'static [u8]),
    /// No bar opens it: read as it stands.
    Plain,
}

/// hexdump's column sits between bars, od's between `>` and `<`; a column that only starts
/// with one of them (HxD's, Format-Hex's) is read as it stands.
fn barred_column<'t, R: BufRead>(
    bytes: &[u8],
    line: &Line,
    col: &'t [u8],
    ahead: &mut Window<R>,
) -> io::Result<Barred<'t>> {
    for (open, end) in [(b"|", b"|"), (b">", b"<")] {
        let Some(inner) = col.strip_prefix(open) else {
            continue;
        };
        let c = barred(bytes, inner.strip_suffix(end).unwrap_or(inner));
        if c != (Check::Mismatch { through: 0 }) {
            return Ok(Barred::Decided(c));
        }
        match Matcher::new(bytes).feed(inner) {
            Fed::Open => return Ok(Barred::Wrapped(inner, &end[..])),
            // All of it but its closing bar, which is the next line.
            Fed::Complete if closing_line(line, ahead, end)? => {
                return Ok(Barred::Decided(Check::Exact(1)))
            }
            _ => {}
        }
    }
    Ok(Barred::Plain)
}

/// Follows a column that matched so far (`m`) onto the lines ahead it has run onto. `empty`:
/// nothing of it was on the dump line itself; `close`: the closing bar of a barred column
/// opened there.
fn follow<R: BufRead>(
    line: &Line,
    ahead: &mut Window<R>,
    mut m: Matcher<'_>,
    empty: bool,
    mut close: Option<&[u8]>,
) -> io::Result<Check> {
    let mut fed = 0;
    for k in 0..8 {
        let Some(next) = ahead.peek(k)? else { break };
        let (mut kind, blank) = (next.kind, next.unquoted(line.depth).trim_ascii().is_empty());
        // An end address means something only after xxd or hexdump lines; after a DEBUG
        // line, a run of hex digits alone is text.
        if matches!(kind, Kind::End(_)) && line.hex.style == super::AddrStyle::Segmented {
            kind = Kind::Other;
        }
        // A line of `>` alone is blank as mail quoting goes, but may be the column's rest.
        if kind == Kind::Hex || blank {
            break;
        }
        // A `*` is the column's last character only where no run is squeezed: the next dump
        // line follows on directly.
        if kind == Kind::Star && !follows_directly(line, k + 1, ahead)? {
            break;
        }
        let Some(next) = ahead.peek(k)? else { break };
        let before = m.matched;
        let mut rest = next.unquoted(line.depth).trim_ascii();
        // The whole barred column wrapped onto the next line: its opening bar is there.
        if line.hex.bars && empty && close.is_none() && k == 0 {
            for (open, end) in [(b"|", b"|"), (b">", b"<")] {
                if let Some(inner) = rest.strip_prefix(open) {
                    (rest, close) = (inner, Some(&end[..]));
                    break;
                }
            }
        }
        let rest = close.and_then(|c| rest.strip_suffix(c)).unwrap_or(rest);
        match m.feed(rest) {
            Fed::Complete => return Ok(Check::Exact(k + 1)),
            Fed::Open => fed = k + 1,
            // A line that is text, not a marker (a `*` that squeezes nothing), taken as the rest
            // of the column.
            Fed::Differs if matches!(kind, Kind::Other | Kind::Star) => {
                return Ok(Check::Mismatch { through: k + 1 })
            }
            // A marker (an end address, a `*`) that does not continue the column: the column
            // ended before it, and is absent when nothing before it matched (od's end address
            // `0000012` after bytes that spell `0123...` starts as they do).
            Fed::Differs => {
                return Ok(if before == 0 {
                    Check::Absent
                } else {
                    Check::Mismatch { through: fed }
                })
            }
        }
    }
    // The column ran out before its end: short by a character or more.
    Ok(if m.matched == 0 {
        Check::Absent
    } else {
        Check::Mismatch { through: fed }
    })
}

/// True when the line after `line` holds only the closing bar `end` of its column.
fn closing_line<R: BufRead>(line: &Line, ahead: &mut Window<R>, end: &[u8]) -> io::Result<bool> {
    Ok(ahead
        .peek(0)?
        .is_some_and(|l| l.unquoted(line.depth).trim_ascii() == end))
}

/// True unless a `*` after DEBUG-style `line` can be a squeeze marker: a dump line (or an
/// end address) follows it, further on than the 16 bytes after `line`.
fn follows_directly<R: BufRead>(
    line: &Line,
    skip: usize,
    ahead: &mut Window<R>,
) -> io::Result<bool> {
    if line.hex.style != super::AddrStyle::Segmented {
        return Ok(false);
    }
    for k in skip..skip + 32 {
        match ahead.peek(k)? {
            Some(l) if l.kind == Kind::Hex => {
                return Ok(Some(l.hex.base) == line.hex.base.checked_add(16))
            }
            Some(l) if matches!(l.kind, Kind::End(_)) => return Ok(false),
            Some(_) => continue,
            None => return Ok(true),
        }
    }
    Ok(true)
}

/// Only a column that matches exactly: the quick test for shorter cuts.
pub(super) fn exact<R: BufRead>(
    bytes: &[u8],
    line: &Line,
    pos: usize,
    ahead: &mut Window<R>,
) -> io::Result<Option<usize>> {
    Ok(match check(bytes, line, pos, ahead)? {
        Check::Exact(n) => Some(n),
        _ => None,
    })
}

/// hexdump's column between bars: one character per byte. Blanks may have collapsed (fewer
/// characters, the rest matching) or become tabs; more characters than bytes never match.
fn barred(bytes: &[u8], inner: &[u8]) -> Check {
    let same = inner.len() == bytes.len()
        && inner
            .iter()
            .zip(bytes)
            .all(|(&c, &b)| c == ASCII[b as usize]);
    // A tab is blanks a program turned into one (hexdump shows a tab byte as `.`).
    let collapsed = inner.len() < bytes.len() || inner.contains(&b'\t');
    if same || collapsed && Matcher::new(bytes).feed(inner) == Fed::Complete {
        Check::Exact(0)
    } else {
        Check::Mismatch { through: 0 }
    }
}

/// The column the bytes should have, for messages.
pub(super) fn expected(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| ASCII[b as usize] as char).collect()
}

/// True when the column on `line` from `pos` shows `bytes` character for character, blanks and
/// all (but those at its ends, which the layout's own blanks hide): of two orders of words
/// whose columns read alike with blanks left out, the one xxd printed, where no mail collapsed
/// its blanks.
pub(super) fn verbatim(bytes: &[u8], line: &Line, pos: usize) -> bool {
    let col = line.text[pos.min(line.text.len())..].trim_ascii();
    expected(bytes).trim_matches(' ').as_bytes() == col
}

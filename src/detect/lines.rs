//! The one line splitter of the detector, shared by the block reader (text in binary data and
//! text files) and the .CCM parser. A line ends at CR LF, at CR CR LF, at LF, or at a CR not
//! followed by LF (DOS programs overwrite a progress line with a lone CR); the last line may
//! have no end. CR CR LF is one line end, not a CR and a blank line: it is what a DOS program's
//! CR LF becomes when written through a text-mode handle (`printf("\r\n")`).
//! A line longer than [`MAX_LINE`] is given in pieces of that length, each but the last without
//! an end ([`End::None`]): no console line is that long, and reading a line of hundreds of MB
//! in one go would keep all its pages in memory.

/// The longest line given whole (longer ones come in pieces of this length).
pub const MAX_LINE: usize = 1 << 20;

/// Backspace (08h): a DOS program redraws a spinner or a counter in place with it
/// (`Working... |\x08/\x08-`, `message  1\x08\x08 2`).
pub(crate) const BS: u8 = 0x08;

/// Escape (1Bh), which opens an ANSI control sequence (`\x1B[2J`, `\x1B[0m`) a program
/// prints for ANSI.SYS to clear the screen, move the cursor or set colours.
pub(crate) const ESC: u8 = 0x1B;

/// True when `rest` (the bytes after an escape) is an ANSI control sequence of those ANSI.SYS
/// carries out: `[`, up to sixteen digits, semicolons or `?`, and a final letter that moves the
/// cursor, clears, sets colours or modes (`ABCDEFGHJKfhlmsu`: `[2J`, `[1;1H`, `[0;1;33;44m`,
/// `[?25l`). Other final bytes are left out: after a record's length byte 1Bh, a name such
/// as `[Inbox]` would read as one (hostile review 72).
pub(crate) fn csi(rest: &[u8]) -> bool {
    csi_len(rest) > 0
}

/// Most parameter bytes of a control sequence ([`csi`]).
const CSI_PARAMS: usize = 16;

/// The length of the ANSI control sequence `rest` opens after its escape ([`csi`]), or 0.
pub(crate) fn csi_len(rest: &[u8]) -> usize {
    if rest.first() != Some(&b'[') {
        return 0;
    }
    let params = rest[1..]
        .iter()
        .take(CSI_PARAMS + 1)
        .take_while(|&&b| b.is_ascii_digit() || matches!(b, b';' | b'?'))
        .count();
    let fin = rest
        .get(1 + params)
        .is_some_and(|b| b"ABCDEFGHJKfhlmsu".contains(b));
    if params <= CSI_PARAMS && fin {
        params + 2
    } else {
        0
    }
}

/// True when a line's text is only what moves the cursor or sets colours: ANSI control
/// sequences ([`csi`]), one at least, with backspaces and blanks (`\x1B[2J\x1B[1;1H`, a
/// program clearing the screen before its banner). Such a line is the program's, not bytes
/// of the binary data before it.
pub(crate) fn controls_only(t: &[u8]) -> bool {
    let (mut i, mut seqs) = (0, 0);
    while i < t.len() {
        match t[i] {
            ESC => {
                let n = csi_len(&t[i + 1..]);
                if n == 0 {
                    return false;
                }
                seqs += 1;
                i += 1 + n;
            }
            BS | b' ' | b'\t' => i += 1,
            _ => return false,
        }
    }
    seqs > 0
}

/// How a line ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Cut off by the end of the range, or a piece of a line longer than [`MAX_LINE`] (no
    /// terminator).
    None,
    Lf,
    CrLf,
    /// CR CR LF: a CR LF written through a DOS text-mode handle (one line end, three bytes).
    CrCrLf,
    Cr,
}

/// One line of a byte range: `[start, content_end)` is its text, `[content_end, end)` its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub start: usize,
    pub content_end: usize,
    pub end: usize,
    pub term: End,
}

impl Line {
    /// True when the line holds nothing but its end (spaces and tabs count as content).
    pub fn is_blank(&self) -> bool {
        self.start == self.content_end
    }

    pub fn terminated(&self) -> bool {
        self.term != End::None
    }

    /// True for a piece of a line longer than [`MAX_LINE`] (also for a last line of exactly
    /// that length without an end).
    pub fn is_piece(&self) -> bool {
        self.term == End::None && self.end - self.start == MAX_LINE
    }

    /// The line's text.
    pub fn text<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        &data[self.start..self.content_end]
    }
}

/// The lines of `data[from..to]`, with offsets into `data`, in order. Allocates nothing.
pub fn lines(data: &[u8], from: usize, to: usize) -> Lines<'_> {
    let to = to.min(data.len());
    Lines {
        data,
        at: from.min(to),
        to,
    }
}

/// Iterator over the lines of a range; see [`lines`].
#[derive(Clone, Debug)]
pub struct Lines<'a> {
    data: &'a [u8],
    at: usize,
    to: usize,
}

impl Lines<'_> {
    /// Where the next line starts.
    pub fn position(&self) -> usize {
        self.at
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    #[inline]
    fn next(&mut self) -> Option<Line> {
        if self.at >= self.to {
            return None;
        }
        let start = self.at;
        let stop = self.to.min(start.saturating_add(MAX_LINE));
        let hay = &self.data[start..stop];
        let line = match memchr::memchr2(b'\r', b'\n', hay) {
            None => Line {
                start,
                content_end: stop,
                end: stop,
                term: End::None,
            },
            Some(i) if hay[i] == b'\n' => Line {
                start,
                content_end: start + i,
                end: start + i + 1,
                term: End::Lf,
            },
            // The LF of a CR LF (or CR CR LF) may lie just past a piece's length.
            Some(i) if self.data[..self.to].get(start + i + 1) == Some(&b'\n') => Line {
                start,
                content_end: start + i,
                end: start + i + 2,
                term: End::CrLf,
            },
            Some(i) if self.data[..self.to].get(start + i + 1..start + i + 3) == Some(b"\r\n") => {
                Line {
                    start,
                    content_end: start + i,
                    end: start + i + 3,
                    term: End::CrCrLf,
                }
            }
            Some(i) => Line {
                start,
                content_end: start + i,
                end: start + i + 1,
                term: End::Cr,
            },
        };
        self.at = line.end;
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_sequences_are_told_from_other_bytes() {
        for ok in [
            &b"[2J"[..],
            b"[1;1H",
            b"[0;1;33;44m",
            b"[?25l",
            b"[K",
            b"[5C",
        ] {
            assert!(csi(ok), "{ok:?}");
        }
        // No bracket, no final byte, another final byte (`[Inbox]` after a length byte 1Bh),
        // seventeen parameter bytes: no sequence.
        for no in [
            &b"2J"[..],
            b"[",
            b"[12",
            b"[1;1\x01",
            b"[Inbox]",
            b"[11111111111111111m",
            b"",
        ] {
            assert!(!csi(no), "{no:?}");
        }
        assert!(controls_only(b"\x1b[2J\x1b[1;1H"));
        assert!(controls_only(b" \x1b[0m\x08 "));
        // Text, a broken sequence, or blanks alone: not a line of control sequences only.
        assert!(!controls_only(b"\x1b[0mDone."));
        assert!(!controls_only(b"\x1b[0"));
        assert!(!controls_only(b"   "));
        assert!(!controls_only(b""));
    }

    fn spans(b: &[u8]) -> Vec<(usize, usize, usize, End)> {
        lines(b, 0, b.len())
            .map(|l| (l.start, l.content_end, l.end, l.term))
            .collect()
    }

    #[test]
    fn every_line_end_and_an_open_last_line() {
        assert_eq!(
            spans(b"a\r\nbc\ndef\rg\r\r\nh"),
            vec![
                (0, 1, 3, End::CrLf),
                (3, 5, 6, End::Lf),
                (6, 9, 10, End::Cr),
                (10, 11, 14, End::CrCrLf),
                (14, 15, 15, End::None),
            ]
        );
        // CR CR LF is one end, blank lines too; a third CR before it is a line end of its own.
        assert_eq!(
            spans(b"\r\r\n\r\r\r\nx\r\r"),
            vec![
                (0, 0, 3, End::CrCrLf),
                (3, 3, 4, End::Cr),
                (4, 4, 7, End::CrCrLf),
                (7, 8, 9, End::Cr),
                (9, 9, 10, End::Cr),
            ]
        );
        assert_eq!(spans(b""), vec![]);
        assert_eq!(spans(b"\r"), vec![(0, 0, 1, End::Cr)]);
        // A range ending between CR and LF: the CR ends the line there.
        let b = b"ab\r\ncd";
        let l: Vec<Line> = lines(b, 1, 3).collect();
        assert_eq!((l[0].start, l[0].content_end, l[0].end), (1, 2, 3));
    }

    #[test]
    fn a_line_longer_than_the_most_comes_in_pieces() {
        let mut b = vec![b'a'; 2 * MAX_LINE + 10];
        b.extend_from_slice(b"\r\nnext");
        let n = 2 * MAX_LINE;
        assert_eq!(
            spans(&b),
            vec![
                (0, MAX_LINE, MAX_LINE, End::None),
                (MAX_LINE, n, n, End::None),
                (n, n + 10, n + 12, End::CrLf),
                (n + 12, n + 16, n + 16, End::None),
            ]
        );
        let l: Vec<Line> = lines(&b, 0, b.len()).collect();
        assert!(l[0].is_piece() && l[1].is_piece() && !l[2].is_piece());
        // A CR as a piece's last byte keeps its LF.
        let mut c = vec![b'a'; MAX_LINE - 1];
        c.extend_from_slice(b"\r\nz");
        assert_eq!(
            spans(&c),
            vec![
                (0, MAX_LINE - 1, MAX_LINE + 1, End::CrLf),
                (MAX_LINE + 1, MAX_LINE + 2, MAX_LINE + 2, End::None),
            ]
        );
    }
}

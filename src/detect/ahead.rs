//! Lines read ahead: the lines of a stretch of text with what each holds
//! ([`Acc::read`], the costly part of counting a line), in order. A long stretch is cut into
//! pieces at line ends; a second thread reads pieces a little ahead of the caller, and the
//! caller reads any piece that thread has not taken yet itself, so both cores work on one long
//! island. The lines and their facts are exactly those of reading the stretch in one go.

use super::features::{Acc, Lexicon, LineFacts, Room};
use super::lines::{lines, Line};
use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};

/// Stretches shorter than this are read on the calling thread alone.
const LONG: usize = 4 << 20;

/// Pieces are about this long (they end at the first line end after it).
const PIECE: usize = 128 << 10;

/// Pieces read ahead of the caller at most (bounded memory).
const AHEAD: usize = 4;

/// A line and what it holds.
pub(crate) type Read = (Line, LineFacts);

/// Calls `f` with each line of `data[s..e]` and its facts, in order; `helper`: a long
/// stretch may be read with the help of a second thread. The facts are lent, not handed over:
/// a line's facts are read into place and not moved again (handing them through an iterator
/// copied them three times a line, about 5% of the time of reading text).
pub(crate) fn with_lines(
    data: &[u8],
    (s, e): (usize, usize),
    lex: &Lexicon,
    helper: bool,
    mut f: impl FnMut(Line, &LineFacts),
) {
    if !helper || e - s < LONG {
        let (mut facts, mut room) = (LineFacts::default(), Room::default());
        for l in lines(data, s, e) {
            Acc::read_into(l.text(data), lex, &mut facts, &mut room);
            f(l, &facts);
        }
        return;
    }
    let shared = Shared {
        state: Mutex::new(State {
            next_start: s,
            next_piece: 0,
            taken: 0,
            done: BTreeMap::new(),
            spare: Vec::new(),
            stop: false,
        }),
        changed: Condvar::new(),
        data,
        end: e,
        lex,
    };
    std::thread::scope(|scope| {
        // Without a second thread the caller reads every piece itself.
        let _ = std::thread::Builder::new().spawn_scoped(scope, || shared.help());
        let _stop = Stop(&shared);
        let mut piece = 0;
        let mut spent = Vec::new();
        while let Some(read) = shared.take(piece, spent) {
            for (l, facts) in &read {
                f(*l, facts);
            }
            spent = read;
            piece += 1;
        }
    })
}

struct State {
    /// Where the first piece not yet claimed starts, and its number.
    next_start: usize,
    next_piece: usize,
    /// Pieces the caller has taken.
    taken: usize,
    /// Pieces read, waiting for the caller.
    done: BTreeMap<usize, Vec<Read>>,
    /// Lists of pieces the caller is done with, kept to be read into again: a list keeps its
    /// room, so no line's facts are copied to make room for more (growing a new list for each
    /// piece copied them about once more on average, 5% of the time of reading text).
    spare: Vec<Vec<Read>>,
    stop: bool,
}

struct Shared<'a> {
    state: Mutex<State>,
    changed: Condvar,
    data: &'a [u8],
    end: usize,
    lex: &'a Lexicon,
}

impl Shared<'_> {
    /// Claims the next piece: its number and range, or `None` at the end.
    fn claim(&self, st: &mut State) -> Option<(usize, usize, usize)> {
        let a = st.next_start;
        if a >= self.end {
            return None;
        }
        let b = piece_end(self.data, a, self.end);
        st.next_start = b;
        st.next_piece += 1;
        Some((st.next_piece - 1, a, b))
    }

    /// The lines of `data[a..b]` and their facts, read into `into` (emptied first). Each
    /// line's facts are read where the list keeps them, not copied there.
    fn read(&self, a: usize, b: usize, mut into: Vec<Read>) -> Vec<Read> {
        into.clear();
        let mut room = Room::default();
        for l in lines(self.data, a, b) {
            into.push((l, LineFacts::default()));
            if let Some((_, facts)) = into.last_mut() {
                Acc::read_into(l.text(self.data), self.lex, facts, &mut room);
            }
        }
        into
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The second thread: reads pieces while the caller is not too far behind.
    fn help(&self) {
        let mut st = self.lock();
        loop {
            if st.stop {
                return;
            }
            if st.next_piece >= st.taken + AHEAD {
                st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            let Some((k, a, b)) = self.claim(&mut st) else {
                return;
            };
            let into = st.spare.pop().unwrap_or_default();
            drop(st);
            let read = self.read(a, b, into);
            st = self.lock();
            st.done.insert(k, read);
            self.changed.notify_all();
        }
    }

    /// Piece `k` for the caller, or `None` after the last; `spent`: the list of the piece
    /// before, which the caller is done with (kept for reading into again). While the second
    /// thread reads piece `k`, the caller reads the next piece nobody has claimed (within the
    /// window) rather than wait.
    fn take(&self, k: usize, spent: Vec<Read>) -> Option<Vec<Read>> {
        let mut st = self.lock();
        if spent.capacity() > 0 {
            st.spare.push(spent);
        }
        loop {
            if let Some(read) = st.done.remove(&k) {
                st.taken = k + 1;
                self.changed.notify_all();
                return Some(read);
            }
            if st.next_piece < k + AHEAD {
                match self.claim(&mut st) {
                    Some((j, a, b)) => {
                        let into = st.spare.pop().unwrap_or_default();
                        drop(st);
                        let read = self.read(a, b, into);
                        st = self.lock();
                        st.done.insert(j, read);
                        continue;
                    }
                    None if st.next_piece == k => return None,
                    None => {}
                }
            }
            st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Where the piece starting at `a` (a line start) ends: at the end of the line holding
/// `a + PIECE` (a CR LF is never cut; a line longer than [`super::lines::MAX_LINE`] ends where
/// its piece does), or at `e`.
fn piece_end(data: &[u8], a: usize, e: usize) -> usize {
    let t = a + PIECE;
    if t >= e {
        return e;
    }
    // Lines start after the last line end before `t` (or at `a`), as one pass finds them (a
    // CR may be the first of a CR CR LF: the line read from after it ends at the same LF).
    let from = memchr::memrchr2(b'\r', b'\n', &data[a..t]).map_or(a, |i| a + i + 1);
    lines(data, from, e)
        .find(|l| l.end >= t)
        .map_or(e, |l| l.end)
}

/// The second thread stops when the caller is done (or unwinds).
struct Stop<'a, 'b>(&'a Shared<'b>);

impl Drop for Stop<'_, '_> {
    fn drop(&mut self) {
        self.0.lock().stop = true;
        self.0.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::model::Model;

    #[test]
    fn pieces_give_the_lines_of_one_pass() {
        let lex = Model::builtin().lexicon();
        let mut d = Vec::new();
        let ends: [&[u8]; 6] = [b"\r\n", b"\n", b"\r", b"\r\n\r\n", b"\r\r\n", b"\r\r\r\n"];
        let mut i = 0;
        while d.len() < LONG + 3 * PIECE {
            d.extend_from_slice(format!("line {i} of the text").as_bytes());
            d.extend_from_slice(ends[i % ends.len()]);
            i += 1;
        }
        d.extend_from_slice(b"open end");
        let one: Vec<Line> = lines(&d, 3, d.len()).collect();
        let mut both = Vec::new();
        with_lines(&d, (3, d.len()), lex, true, |l, f| {
            let mut a = Acc::default();
            let mut b = Acc::default();
            a.line(l.text(&d), l.term, lex);
            b.line_read(l.text(&d).len(), f, l.term);
            assert_eq!(a, b);
            both.push(l);
        });
        assert_eq!(one, both);
        // A piece cut at every byte never splits a CR LF or a CR CR LF.
        for a in 0..64 {
            let e = piece_end(&d, a, d.len());
            assert!(lines(&d, 0, d.len()).any(|l| l.end == e), "{a}");
        }
    }
    #[test]
    fn lines_longer_than_the_most_come_in_the_pieces_of_one_pass() {
        use super::super::lines::MAX_LINE;
        let lex = Model::builtin().lexicon();
        let mut d = b"short\r\n".repeat(1000);
        // A line of 2.5 pieces' length, one whose CR is its piece's last byte, then more lines.
        d.extend(std::iter::repeat_n(b'w', 5 * MAX_LINE / 2));
        d.extend_from_slice(b"\r\n");
        d.extend(std::iter::repeat_n(b'x', MAX_LINE - 1));
        d.extend_from_slice(b"\r\n");
        while d.len() < LONG + 3 * PIECE {
            d.extend_from_slice(b"word after word\n");
        }
        let one: Vec<Line> = lines(&d, 0, d.len()).collect();
        assert_eq!(one.iter().filter(|l| l.is_piece()).count(), 2);
        let mut both = Vec::new();
        with_lines(&d, (0, d.len()), lex, true, |l, _| both.push(l));
        assert_eq!(one, both);
        for a in (0..d.len()).step_by(PIECE / 3) {
            let a = one
                .iter()
                .find(|l| l.start >= a)
                .map_or(d.len(), |l| l.start);
            let e = piece_end(&d, a, d.len());
            assert!(e == d.len() || one.iter().any(|l| l.end == e), "{a}");
        }
    }
}

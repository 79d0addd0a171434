//! Text inside binary data. Works from content only: islands of printable ASCII (with CR, LF,
//! tab), where one or two other bytes inside a line of text (a DOS code page letter, a BEL) do
//! not end the island (`bridge`), are found by a word-at-a-time sweep ([`find_runs`]), read
//! into blocks by the block reader, and each block becomes a console-write finding, a
//! plain-text finding, or nothing (printable noise). Also: where a write names a mailbox and a file ([`names_in`]).

use super::blocks::Reader;
use super::features::{equal_in, in_range, HIGH};
use super::lines::{controls_only, csi, csi_len, BS, ESC};
use super::place::{Candidate, Place};
use super::{FindingKind, MAX_FINDINGS};
use regex::Regex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::LazyLock;

/// Shortest run of text considered at all. Every run this long is found, at any alignment.
pub const MIN_RUN: usize = 16;

const fn build_text() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0x20;
    while i <= 0x7E {
        t[i] = true;
        i += 1;
    }
    t[b'\t' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
}

/// Bytes that may appear in console text.
pub static TEXT: [bool; 256] = build_text();

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// True when the 8 bytes of `w` might all be text: no high bit, nothing below 09h, no 7Fh.
/// A cheap superset test, for skipping binary data.
#[inline(always)]
fn maybe_text_word(w: u64) -> bool {
    let below_09 = w.wrapping_sub(LO * 0x09) & !w & HI;
    let is_7f = w.wrapping_add(LO) & HI;
    (w & HI) | below_09 | is_7f == 0
}

/// True when the 8 bytes of `w` are all text (exactly [`TEXT`], eight at once).
#[inline(always)]
fn text_word(w: u64) -> bool {
    let text =
        in_range(w, 0x20, 0x7E) | equal_in(w, b'\t') | equal_in(w, b'\n') | equal_in(w, b'\r');
    text == HIGH
}

/// At most this many bytes that are not text stand in a gap inside a line ([`bridge`]).
const GAP: usize = 2;

/// Printable bytes a gap needs on each side of it ([`bridge`]).
const GAP_SIDE: usize = 8;

/// A byte that may stand in a gap inside a line of text: neither text nor NUL (a record ends
/// its strings and pads with NUL). A letter of a DOS code page or Latin-1 (80h-FFh), a BEL.
#[inline]
fn gap_byte(b: u8) -> bool {
    !TEXT[b as usize] && b != 0
}

#[inline]
fn printable(b: u8) -> bool {
    (0x20..=0x7E).contains(&b) || b == b'\t'
}

/// True when the gap `data[g..h]` (one or two [`gap_byte`]s) stands inside a line of text,
/// so that the island goes on across it: cc:Mail and the DOS tools wrote names and text in DOS
/// code pages (`M\x81ller`, CP437 `ü`), and a program beeps with BEL inside its text. On each
/// side of the gap, at least [`GAP_SIDE`] printable bytes (among which, beside a gap that is a
/// letter inside a word, a few more such letters: [`side`]); a gap of BEL bytes may instead have
/// a line end right beside it on one side (a program beeps, then ends its line). Random binary
/// data (half its bytes high, 37% printable) seldom has eight printable bytes beside such a
/// byte (0.04%). Fewer printable bytes, or any up to a line end, were tried and glued bytes of
/// the records to the edges of writes: a random CR or LF is two bytes in 256.
fn bridge(data: &[u8], g: usize, h: usize) -> bool {
    if h >= data.len() || h <= g {
        return false;
    }
    if data[g..h].iter().all(|&b| b == BS) || h - g == 1 && data[g] == ESC && csi(&data[h..]) {
        return redrawn(data, g, h);
    }
    if h - g > GAP {
        return false;
    }
    if !data[g..h].iter().all(|&b| gap_byte(b)) {
        return false;
    }
    let eol = |b: Option<&u8>| matches!(b, Some(b'\r' | b'\n'));
    let before = &data[g.saturating_sub(GAP_SIDE + SIDE_LETTERS + 1)..g];
    let after = &data[h..(h + GAP_SIDE + SIDE_LETTERS + 1).min(data.len())];
    // Code page letters beside the sides' printable bytes only where the gap is one too: a
    // letter (or a pair) inside a word of ASCII letters.
    let in_word = g > 0
        && data[g - 1].is_ascii_alphabetic()
        && data[g..h].iter().all(|&b| b >= 0x80)
        && word_goes_on(data[h]);
    let letters = if in_word { SIDE_LETTERS } else { 0 };
    let left = side(before.iter().rev(), letters);
    let right = side(after.iter(), letters);
    let bell = data[g..h].iter().all(|&b| b == 0x07);
    left && right || bell && (left && eol(data.get(h)) || right && g > 0 && eol(data.get(g - 1)))
}

/// At most this many backspaces stand in one gap ([`gap_len`]): a counter of up to eight
/// digits taken back.
const BS_GAP: usize = 8;

/// How long the gap at the start of `bytes` (read outward from the text beside it) is: its
/// bytes that are not text ([`gap_byte`]) in a row, when they are 1 to [`GAP`] bytes, or 1 to
/// [`BS_GAP`] backspaces and nothing else; 0 when no gap that may stand inside a line starts
/// there. The whole run is measured, so a gap reads the same forward and backward (a
/// chunk's walk back to an island's start and the walk on to its end must agree: `\xB3\x08`
/// read as two gaps one way and one the other reported an island twice, hostile review 72).
fn gap_len<'a>(bytes: impl Iterator<Item = &'a u8>) -> usize {
    let (mut n, mut all_bs) = (0, true);
    for &b in bytes.take(BS_GAP + 1) {
        if !gap_byte(b) {
            break;
        }
        n += 1;
        all_bs &= b == BS;
    }
    if all_bs && n <= BS_GAP || n <= GAP {
        n
    } else {
        0
    }
}

/// True when the backspaces or the escape `data[g..h]` stand inside a line a program draws on
/// the screen. Read outward over the printable bytes, backspaces and escapes beside them
/// ([`redrawn_side`]; after an escape, from the end of its control sequence), one side
/// reaches [`GAP_SIDE`] printable bytes, and the other that many too or a line end:
/// - backspaces take back what was printed right before them on their line, so a printable
///   byte stands right before them; a side that ends at a line end has a printable byte or
///   more after them (the spinner's last turn, `|\x08 \r\n`) and [`LINE_SIDE`] before them
///   (a counter, `\r\n  1\x08\x08\x08  2`; one random byte between a line end and a length
///   byte 08h, `\nz\x08randyyeh`, is not);
/// - an escape that sets colours stands at a line's start or end with the line end right
///   beside it (`\r\n\x1B[1mDone.\x1B[0m\r\n`).
///
/// A line of control sequences alone between an LF and a line end bridges too
/// ([`controls_line`]). Before, each such byte ended the island, and a spinner or a colour
/// split a write in two and was lost between them (hostile review 66 D9). Random data seldom
/// has either beside eight printable bytes; a record's length byte 08h or 1Bh right after a
/// line end, before a name (`\r\n\x08RANDYYEH`), is neither (hostile review 72 found the
/// first rules glued such names to writes).
fn redrawn(data: &[u8], g: usize, h: usize) -> bool {
    let esc = data[g] == ESC;
    let from = if esc { h + csi_len(&data[h..]) } else { h };
    let (left, left_end) = redrawn_side(data[..g].iter().rev());
    let (right, right_end) = redrawn_side(data[from..].iter());
    let far = |n: usize| n >= GAP_SIDE;
    let near = |n: usize, end: bool, least: usize| end && if esc { n == 0 } else { n >= least };
    let taken_back = esc || g > 0 && printable(data[g - 1]);
    taken_back
        && (far(left) || far(right))
        && (far(left) || near(left, left_end, LINE_SIDE))
        && (far(right) || near(right, right_end, 1))
        || esc && controls_line(data, g)
}

/// One side of a gap of backspaces or an escape, its bytes read outward: how many printable
/// bytes (up to [`GAP_SIDE`]; backspaces and escapes among them skipped), and whether a line
/// end stops it.
fn redrawn_side<'a>(bytes: impl Iterator<Item = &'a u8>) -> (usize, bool) {
    let mut seen = 0;
    for &b in bytes.take(4 * GAP_SIDE) {
        if printable(b) {
            seen += 1;
            if seen == GAP_SIDE {
                return (seen, false);
            }
        } else if b != BS && b != ESC {
            return (seen, matches!(b, b'\r' | b'\n'));
        }
    }
    (seen, false)
}

/// True when the line holding the escape at `g`, between an LF and a line end at most 64
/// bytes away, is only control sequences ([`controls_only`]: a program clearing the screen on
/// a line of its own, `\r\n\x1B[2J\x1B[1;1H\r\n`). A lone CR before it may be a byte of the
/// binary data, and the write would start there (hostile review 72).
fn controls_line(data: &[u8], g: usize) -> bool {
    let eol = |b: &u8| matches!(b, b'\r' | b'\n');
    let lo = g.saturating_sub(64);
    let hi = (g + 64).min(data.len());
    let (Some(a), Some(b)) = (
        data[lo..g].iter().rposition(eol),
        data[g..hi].iter().position(eol),
    ) else {
        return false;
    };
    data[lo + a] == b'\n' && controls_only(&data[lo + a + 1..g + b])
}

/// What may follow a code page letter inside a word: a letter, or the blank, quote, comma or
/// full stop that ends the word.
fn word_goes_on(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b' ' | b'"' | b'\'' | b',' | b'.')
}

/// Printable bytes a side of a gap needs where a line end ends it ([`side`]).
const LINE_SIDE: usize = 3;

/// Code page letters a side of a gap may hold ([`side`]).
const SIDE_LETTERS: usize = 3;

/// One side of a gap, its bytes read outward from the gap: [`GAP_SIDE`] printable bytes, with
/// up to `most` code page letters among them ([`SIDE_LETTERS`] beside a gap that is a letter
/// inside a word, else none), each inside a word: right after an
/// ASCII letter (or making a pair with one that is, as UTF-8 does), and before a letter, a
/// blank, a quote or a comma (`e Dupr\xE9"` beside the gap of `Ren\xE9e`; `ois
/// L\xE9v\xEAque`). Before, a second gap that near failed both sides, and a write naming such a
/// mailbox was cut off at it (review 58). Random data seldom has a high byte inside a word of
/// ASCII letters (about one byte in fifty); `random_bytes_seldom_bridge` measures the islands
/// that go on into it.
fn side<'a>(bytes: impl Iterator<Item = &'a u8>, most: usize) -> bool {
    let mut w = [0u8; GAP_SIDE + SIDE_LETTERS + 1];
    let mut n = 0;
    for (slot, &b) in w.iter_mut().zip(bytes) {
        *slot = b;
        n += 1;
    }
    let w = &w[..n];
    let (mut seen, mut letters, mut name) = (0, 0, true);
    for (i, &b) in w.iter().enumerate() {
        let at = |k: usize| i.checked_sub(k).map_or(0, |j| w[j]);
        let after_letter =
            at(1).is_ascii_alphabetic() || at(1) >= 0x80 && at(2).is_ascii_alphabetic();
        let next = w.get(i + 1).copied().unwrap_or(0);
        let before_word_end = word_goes_on(next) || next >= 0x80 || next == b'-';
        if printable(b) {
            seen += 1;
            name &= b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'$');
        } else if b >= 0x80 && letters < most && after_letter && before_word_end {
            letters += 1;
        } else {
            // A line end close to the gap, a name between (`EXPORT\R\x82SUM.CCM` ending the
            // write): the side is the rest of that name.
            return most > 0 && name && matches!(b, b'\r' | b'\n') && seen >= LINE_SIDE;
        }
        if seen == GAP_SIDE {
            return true;
        }
    }
    false
}

/// Where the island going on at `i` ends: text runs ([`run_plain_end`]) joined across gaps
/// inside a line ([`bridge`]).
fn run_end(data: &[u8], i: usize, progress: &mut dyn FnMut(usize)) -> usize {
    let mut e = run_plain_end(data, i, progress);
    loop {
        let gap = gap_len(data[e..].iter());
        if gap == 0 || !bridge(data, e, e + gap) {
            return e;
        }
        e = run_plain_end(data, e + gap, progress);
    }
}

/// Where the island going on at `s` starts (back over text and gaps inside a line), and
/// whether an 8-byte-aligned word of it before `from` is all text (then a chunk before
/// `from` holds its first such word and reports it; the walk back stops there).
fn run_start(data: &[u8], mut s: usize, from: usize) -> (usize, bool) {
    let seed = |a: usize| {
        a.is_multiple_of(8)
            && a + 8 <= from
            && text_word(u64::from_le_bytes(
                data[a..a + 8].try_into().expect("8 bytes"),
            ))
    };
    loop {
        while s > 0 && TEXT[data[s - 1] as usize] {
            s -= 1;
            if seed(s) {
                return (s, true);
            }
        }
        let gap = gap_len(data[..s].iter().rev());
        if gap == 0 || s - gap == 0 || !TEXT[data[s - gap - 1] as usize] {
            return (s, false);
        }
        if !bridge(data, s - gap, s) {
            return (s, false);
        }
        s -= gap;
    }
}

/// True for a byte that is not text ([`TEXT`]), written as comparisons without a branch or a
/// table, so that the compiler tests many bytes at once.
#[inline(always)]
fn not_text(c: u8) -> bool {
    !((0x20..=0x7E).contains(&c) | (c == b'\t') | (c == b'\n') | (c == b'\r'))
}

/// Where the text run going on at `i` ends: 64 bytes at a time (the compiler's vector
/// compares; twice the speed of eight at a time by [`text_word`]) while they are all text, then
/// byte by byte. `progress(at)` is called every megabyte of a long run (for letting go of its
/// pages).
fn run_plain_end(data: &[u8], mut i: usize, progress: &mut dyn FnMut(usize)) -> usize {
    const STEP: usize = 1 << 20;
    const BLOCK: usize = 64;
    let mut next = i + STEP;
    while i + BLOCK <= data.len() {
        if data[i..i + BLOCK]
            .iter()
            .fold(false, |any, &c| any | not_text(c))
        {
            break;
        }
        i += BLOCK;
        if i >= next {
            progress(i);
            next = i + STEP;
        }
    }
    while i < data.len() && TEXT[data[i] as usize] {
        i += 1;
    }
    i
}

/// Calls `f(start, end)` for every maximal text run of at least [`MIN_RUN`] bytes whose first
/// 8-byte-aligned full word lies in `[from, to)` (so that chunks never report a run twice, and a
/// run crossing a chunk border is reported whole by the chunk it starts in). `from` must be a
/// multiple of 8. Finding where a long run ends reads it ahead of `f`: `release(from, to)` lets
/// go of the pages read past `to` on the way (`f` reads them again).
pub fn find_runs(
    data: &[u8],
    from: usize,
    to: usize,
    release: &mut dyn FnMut(usize, usize),
    mut f: impl FnMut(usize, usize),
) {
    debug_assert_eq!(from % 8, 0);
    let to = to.min(data.len());
    let mut i = from;
    while i + 8 <= to {
        // Binary data: skip four words at a time while each has a byte with the high bit set
        // (no text word among them; the test below would reject each alike).
        while i + 32 <= to {
            let block: &[u8; 32] = data[i..i + 32].try_into().expect("32 bytes");
            let hi = |k: usize| {
                u64::from_le_bytes(block[8 * k..8 * k + 8].try_into().expect("8 bytes")) & HI != 0
            };
            if !(hi(0) & hi(1) & hi(2) & hi(3)) {
                break;
            }
            i += 32;
        }
        if i + 8 > to {
            break;
        }
        let w = u64::from_le_bytes(data[i..i + 8].try_into().expect("8 bytes"));
        if !maybe_text_word(w) || !text_word(w) {
            i += 8;
            continue;
        }
        let (s, earlier) =
            if i == from && i >= 8 && data[i - 8..i].iter().all(|&b| TEXT[b as usize]) {
                (i - 8, true)
            } else {
                run_start(data, i, from)
            };
        if earlier {
            // The island began in an earlier chunk, which reports it; skip its part in ours.
            let e = run_end(&data[..to], i + 8, &mut |_| {});
            i = (e + 8) & !7;
            continue;
        }
        let mut released = to;
        let e = run_end(data, i + 8, &mut |at| {
            let at = at & !0xFFFF;
            if at > released {
                release(released, at);
                released = at;
            }
        });
        if e - s >= MIN_RUN {
            f(s, e);
        }
        i = (e + 8) & !7;
    }
}

static FILE_83: LazyLock<Regex> = LazyLock::new(|| {
    // A byte of 80h-9Fh read as Latin-1 is a C1 control, not `\w`: in a DOS name it is a
    // code page letter (CP437 `\x82` is é).
    Regex::new(r"(?i)(?:\b[a-z]:\\)?(?:[\w$~\x{80}-\x{9F}-]{1,8}\\)*\b[\w$~\x{80}-\x{9F}-]{1,8}\.(?:ccm|tmp|und)\b").unwrap()
});
static MAILBOX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)mailbox\s+"([^"\r\n]{1,64})""#).unwrap());

/// The names a piece of console text gives: mailboxes and .CCM/.TMP/.UND file names, each in
/// the order they stand, once (any case), at most [`MAX_NAMES`] of each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    pub mailboxes: Vec<Box<str>>,
    pub files: Vec<Box<str>>,
}

/// Names of one kind kept for one write at most (a run exporting many mailboxes names each).
pub const MAX_NAMES: usize = 64;

/// Adds `name` to `list` unless it is there (any case) or the list is full.
fn add_name(list: &mut Vec<Box<str>>, name: &str) {
    if list.len() < MAX_NAMES && !list.iter().any(|n| n.eq_ignore_ascii_case(name)) {
        list.push(name.into());
    }
}

/// Where mailboxes and .CCM/.TMP/.UND file names stand in a piece of console text. The
/// expressions run only where their literal parts occur (`mailbox`, a dot).
pub fn names_in(text: &str) -> Names {
    let b = text.as_bytes();
    let mut names = Names::default();
    if b.windows(7).any(|w| w.eq_ignore_ascii_case(b"mailbox")) {
        for c in MAILBOX.captures_iter(text) {
            add_name(&mut names.mailboxes, &c[1]);
        }
    }
    let has_name = memchr::memchr_iter(b'.', b).any(|i| {
        b.get(i + 1..i + 4).is_some_and(|x| {
            [&b"ccm"[..], b"tmp", b"und"]
                .iter()
                .any(|e| x.eq_ignore_ascii_case(e))
        })
    });
    if has_name {
        for m in FILE_83.find_iter(text) {
            add_name(&mut names.files, m.as_str());
        }
    }
    names
}

/// Where the candidates of a chunk go: kept in order, or only counted once no more can be kept
/// (the file's findings are full, or the chunk alone holds [`MAX_FINDINGS`]).
pub(crate) struct Found<'a> {
    pub list: Vec<Candidate>,
    /// Candidates counted, not kept.
    pub extra: u64,
    full: &'a AtomicBool,
}

impl<'a> Found<'a> {
    pub fn new(full: &'a AtomicBool) -> Found<'a> {
        Found {
            list: Vec::new(),
            extra: 0,
            full,
        }
    }

    /// Only counting: candidates need no explanation.
    fn lean(&self) -> bool {
        self.list.len() >= MAX_FINDINGS || self.full.load(Ordering::Relaxed)
    }

    fn push(&mut self, c: Candidate) {
        if self.lean() {
            self.extra += 1;
        } else {
            self.list.push(c);
        }
    }
}

/// The findings of one island `[s, e)` of binary data, in order, as candidates: each block is
/// a console write, plain text, or nothing; neighbouring plain-text blocks are one finding.
/// `progress(at)` is called now and then on long islands.
pub(crate) fn island(
    data: &[u8],
    s: usize,
    e: usize,
    reader: &Reader<'_>,
    place: Place,
    progress: &mut dyn FnMut(usize),
    out: &mut Found<'_>,
) {
    let mut pending: Option<Candidate> = None;
    let mut prev: Option<(usize, bool)> = None;
    reader.read(data, s, e, progress, &mut |b| {
        let Some(mut c) = Candidate::of(&b, place, reader.model, out.lean()) else {
            prev = Some((b.end, b.one_crlf_at_end));
            return;
        };
        if c.kind == FindingKind::ConsoleWrite {
            take_line_end(data, &mut c, prev, pending.as_mut());
        }
        match &mut pending {
            Some(last)
                if last.kind == FindingKind::PlainText
                    && c.kind == FindingKind::PlainText
                    && last.end == c.start =>
            {
                last.absorb(&c)
            }
            _ => {
                if let Some(done) = pending.replace(c) {
                    out.push(done);
                }
            }
        }
        prev = Some((b.end, b.one_crlf_at_end));
    });
    if let Some(done) = pending {
        out.push(done);
    }
}

/// A CR LF that ends the text right before a console write, where that text uses no other
/// CR LF, is the write's own first line end: the write landed after the text.
fn take_line_end(
    data: &[u8],
    c: &mut Candidate,
    prev: Option<(usize, bool)>,
    before: Option<&mut Candidate>,
) {
    let Some((end, one_crlf)) = prev else { return };
    let at = c.start as usize;
    if end != at || !one_crlf || at < 3 || &data[at - 2..at] != b"\r\n" {
        return;
    }
    c.set_start(c.start - 2);
    if let Some(last) = before.filter(|l| l.end == at as u64) {
        last.end -= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::model::Model;
    use crate::detect::signatures::SignatureSet;

    fn article() -> Vec<u8> {
        b"\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n"
            .to_vec()
    }

    #[test]
    fn word_test_matches_table() {
        for b in 0..=255u8 {
            let w = u64::from_le_bytes([b; 8]);
            if TEXT[b as usize] {
                assert!(maybe_text_word(w), "{b:02X}");
            }
            let mut one = *b"abcdefgh";
            one[5] = b;
            assert_eq!(
                text_word(u64::from_le_bytes(one)),
                TEXT[b as usize],
                "{b:02X}"
            );
        }
        assert!(!maybe_text_word(u64::from_le_bytes(*b"abc\x00defg")));
        assert!(!maybe_text_word(u64::from_le_bytes(*b"abc\x7Fdefg")));
        assert!(!maybe_text_word(u64::from_le_bytes(*b"abc\xC3defg")));
    }

    #[test]
    fn run_ends_many_at_a_time_match_one_at_a_time() {
        for c in 0..=255u8 {
            assert_eq!(not_text(c), !TEXT[c as usize], "{c:02X}");
            for at in (0..20).chain(60..70).chain(120..200) {
                let mut b = vec![b'a'; 200];
                b[at] = c;
                for from in [0, 1, 7, 9] {
                    let want = from + b[from..].iter().take_while(|&&c| TEXT[c as usize]).count();
                    let want = want.max(from);
                    assert_eq!(
                        run_plain_end(&b, from, &mut |_| {}),
                        want,
                        "{c:02X} at {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn runs_found_at_every_alignment_once() {
        for off in 0..24 {
            let mut d = vec![0u8; 200];
            d[off..off + 16].copy_from_slice(b"0123456789abcdef");
            let mut runs = Vec::new();
            for chunk in (0..200).step_by(8) {
                find_runs(&d, chunk, chunk + 8, &mut |_, _| {}, |s, e| {
                    runs.push((s, e))
                });
            }
            assert_eq!(runs, vec![(off, off + 16)], "offset {off}");
        }
    }

    #[test]
    fn a_gap_inside_a_line_joins_the_text_around_it() {
        // (text, island expected within it); binary bytes (00h) around each, at every
        // alignment and read in chunks of 8 bytes: found once, whole.
        let cases: [(&[u8], usize, usize); 10] = [
            (b"0123456789abcdef\x81ghijklmn", 0, 25),
            (b"0123456789abcdef\x07\x81ghijklmn", 0, 26),
            (b"0123456789abcdef\x07\r\n", 0, 19),
            (b"stuvwxyz\x94abcdef0123456789", 0, 25),
            (b"\r\n\x07abcdef0123456789", 0, 19),
            // Fewer than eight printable bytes on a side, three gap bytes, a code page byte
            // (not BEL) right beside a line end.
            (b"0123456789abcdef\x81ghijklm", 0, 16),
            (b"0123456789abcdef\x81\x82\x83ghijklmn", 0, 16),
            (b"0123456789abcdef\x9aRG\r\n", 0, 16),
            (b"0123456789abcdef\x81\r\n", 0, 16),
            (b"tuvwxyz\x94abcdef0123456789", 8, 24),
        ];
        for (t, a, b) in cases {
            for off in 0..16 {
                let mut d = vec![0u8; 96];
                d[off + 8..off + 8 + t.len()].copy_from_slice(t);
                let mut runs = Vec::new();
                for chunk in (0..96).step_by(8) {
                    find_runs(&d, chunk, chunk + 8, &mut |_, _| {}, |s, e| {
                        runs.push((s, e))
                    });
                }
                let at = off + 8;
                assert_eq!(runs, vec![(at + a, at + b)], "{t:?} at {off}");
            }
        }
        let mut d = vec![0u8; 64];
        d[8..28].copy_from_slice(b"0123456789abcdef\x00ghi");
        let mut runs = Vec::new();
        find_runs(&d, 0, 64, &mut |_, _| {}, |s, e| runs.push((s, e)));
        assert_eq!(runs, vec![(8, 24)]);
    }

    #[test]
    fn random_bytes_seldom_bridge() {
        // 8,192 runs of 16 letters in 4 MiB of random bytes: how many islands go on across a
        // gap into the random bytes beside them (review 36: random data is half high bytes).
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        };
        let mut d: Vec<u8> = (0..4 << 20).map(|_| next()).collect();
        for k in 0..d.len() / 512 {
            let at = k * 512 + 100 + next() as usize % 8;
            d[at..at + 16].copy_from_slice(b"SeedOfPlainWords");
        }
        let (mut n, mut joined) = (0, 0);
        find_runs(&d, 0, d.len(), &mut |_, _| {}, |s, e| {
            n += 1;
            joined += d[s..e].iter().any(|&b| !TEXT[b as usize]) as usize;
        });
        eprintln!("{n} islands, {joined} across a gap");
        assert!(n >= 8192 && joined * 200 <= n, "{joined} of {n}");
    }

    #[test]
    fn article_write_has_exact_range() {
        let sigs = SignatureSet::builtin();
        let mut d = vec![0xFAu8; 40];
        d.extend_from_slice(b"x\x01");
        let at = d.len();
        d.extend(article());
        d.extend_from_slice(&[0x41, 0xFA, 0x2B, 0x16]);
        let mut runs = Vec::new();
        find_runs(&d, 0, d.len(), &mut |_, _| {}, |s, e| runs.push((s, e)));
        assert_eq!(runs, vec![(at, at + 77)]);
        let reader = Reader {
            sigs: &sigs,
            model: Model::builtin(),
            trim: true,
            helper: false,
        };
        let full = AtomicBool::new(false);
        let mut c = Found::new(&full);
        island(
            &d,
            runs[0].0,
            runs[0].1,
            &reader,
            Place::Store,
            &mut |_| {},
            &mut c,
        );
        let f: Vec<_> = c.list.into_iter().map(|c| c.finish(&d)).collect();
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].start, f[0].end), (at as u64, at as u64 + 76));
        assert_eq!(f[0].kind, FindingKind::ConsoleWrite);
        assert!(f[0].suspected(), "{:?}", f[0]);
        assert_eq!(f[0].mailbox.as_deref(), Some("randyyeh_ee"));
        assert_eq!(f[0].file.as_deref(), Some("EXPORT\\MSG4A27.CCM"));
        assert_eq!(f[0].signature.as_deref(), Some("export-mailbox"));
    }

    #[test]
    fn names_in_console_text() {
        let n = names_in("Exporting messages in mailbox \"JONES, BOB\" to file C:\\X\\MSG0001.TMP");
        assert_eq!(n.mailboxes, vec!["JONES, BOB".into()]);
        assert_eq!(n.files, vec!["C:\\X\\MSG0001.TMP".into()]);
        assert_eq!(names_in("no names here"), Names::default());
        // Every name of a run, once each, in order.
        let n = names_in(
            "Exporting messages in mailbox \"a\" to file EXPORT\\MSG4A2A.CCM\r\n\
             Importing messages from file IMPORT\\MSG0012.CCM\r\n\
             Exporting messages in mailbox \"b\" to file export\\msg4a2a.ccm\r\n",
        );
        assert_eq!(n.mailboxes, vec!["a".into(), "b".into()]);
        assert_eq!(
            n.files,
            vec!["EXPORT\\MSG4A2A.CCM".into(), "IMPORT\\MSG0012.CCM".into()]
        );
    }
}

//! Search: what the examiner typed turned into one byte pattern (text with smart case, hex
//! with `??` wildcards, or a regular expression on bytes), every match over the whole file
//! (small files at once, large ones on a background thread that reports in batches while keys
//! keep working), and the walk from match to match. Matches are kept in file order.

use crate::source::Bytes;
use crate::{sanitize, Error};
use regex::bytes::{Regex, RegexBuilder};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Matches kept at most; the count goes on past it.
pub const MAX_MATCHES: usize = 100_000;
/// Files up to this size are searched at once, in the key's handler.
pub const SYNC_LIMIT: u64 = 8 << 20;
/// Bytes searched per step of the background search.
const CHUNK: usize = 4 << 20;
/// How far past a chunk's end a regular expression whose matches may be of any length
/// (`.*`, `+`) looks for the end of a match that starts in the chunk; one that runs on to that
/// point is followed to its end ([`find_in`]). A bounded expression looks as far as its
/// longest match.
const REGEX_SPAN: usize = 1 << 20;
/// A match is followed this far at most: one that runs on past it (a regular expression such
/// as `[ -~]+` over a gigabyte of text) is kept up to there and said to be cut, so that a
/// search never holds more than this much of the file at once, and reports its progress.
pub const MAX_MATCH: usize = 16 << 20;

/// How the typed text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// Text; case-insensitive unless it has an upper-case letter (smart case).
    Text,
    /// Hex bytes, `??` for any byte: `0D 0A ?? 45`, `0x0D,0x0A`, `0d0a`.
    Hex,
    /// A regular expression on bytes (`(?i)` for case-insensitive; `\x0D` for a byte).
    Regex,
}

/// A compiled search.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub kind: SearchKind,
    /// What the examiner typed.
    pub typed: String,
    pub regex: Regex,
    /// Longest possible match, for the overlap between chunks.
    pub span: usize,
    /// Whether a match can lie inside a run of zero bytes (holes of sparse files).
    pub matches_zeros: bool,
    pub case_insensitive: bool,
}

impl Pattern {
    /// Compiles what the examiner typed as a search of `kind`.
    pub fn new(kind: SearchKind, typed: &str) -> Result<Pattern, Error> {
        if typed.is_empty() {
            return Err(Error::Usage("empty search".into()));
        }
        let (source, span, ci) = match kind {
            SearchKind::Text => {
                let ci = !typed.chars().any(char::is_uppercase);
                (regex::escape(typed), typed.len(), ci)
            }
            SearchKind::Hex => {
                let tokens = parse_hex_pattern(typed)?;
                let re: String = tokens
                    .iter()
                    .map(|t| match t {
                        Some(b) => format!("\\x{b:02X}"),
                        None => "(?s:.)".into(),
                    })
                    .collect();
                (re, tokens.len(), false)
            }
            SearchKind::Regex => (typed.to_string(), regex_span(typed), false),
        };
        let regex = RegexBuilder::new(&source)
            .unicode(false)
            .case_insensitive(ci)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| {
                Error::Usage(format!(
                    "not a regular expression: {}",
                    sanitize::line(e.to_string().lines().last().unwrap_or(""))
                ))
            })?;
        // A run of zeros as long as the pattern's longest match (a hole of a sparse file is as
        // long as that, and more): `\x00{100}` matches in a hole, though not in 64 zeros.
        let matches_zeros = regex.is_match(&vec![0u8; span.clamp(64, 1 << 20)]);
        Ok(Pattern {
            kind,
            typed: typed.to_string(),
            regex,
            span: span.max(1),
            matches_zeros,
            case_insensitive: ci,
        })
    }

    /// How the status line names it.
    pub fn describe(&self) -> String {
        // A pattern with nothing unsafe in it is said as typed: a backslash is part of its
        // syntax (`\xFF`), and doubling it, as an escape-free text needs, misquoted it
        // (review 64: `(?-u)\xFF` was said as `(?-u)\\xFF`).
        let t = match self.typed.chars().any(sanitize::is_unsafe) {
            false if self.kind != SearchKind::Text => std::borrow::Cow::Borrowed(&*self.typed),
            _ => sanitize::line(&self.typed),
        };
        match self.kind {
            SearchKind::Text if self.case_insensitive => format!("'{t}' (any case)"),
            SearchKind::Text => format!("'{t}'"),
            SearchKind::Hex => format!("hex {t}"),
            SearchKind::Regex => format!("regex /{t}/"),
        }
    }
}

/// How far past a chunk's end a search for regular expression `typed` looks: as far as its
/// longest match when that is bounded (every match starting in the chunk is then seen whole),
/// else [`REGEX_SPAN`] (and at least its shortest match).
fn regex_span(typed: &str) -> usize {
    let props = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(typed)
        .ok()
        .map(|h| h.properties().clone());
    let span = match props {
        Some(p) => match p.maximum_len() {
            Some(longest) => longest.max(1),
            None => p.minimum_len().unwrap_or(0).max(REGEX_SPAN),
        },
        None => REGEX_SPAN,
    };
    // No match is followed further (and the size limit of the compiled expression keeps any
    // shortest match far below it).
    span.min(MAX_MATCH)
}

/// Parses hex bytes with wildcards: `0D 0A ?? 45`, `0x0D,0x0A`, `0d0a`, `0D-0A`.
pub fn parse_hex_pattern(s: &str) -> Result<Vec<Option<u8>>, Error> {
    let bad = || {
        Error::Usage(format!(
            "not hex bytes: '{}' (write e.g. 0D 0A ?? 45)",
            sanitize::line(s)
        ))
    };
    let mut out = Vec::new();
    for tok in s.split(|c: char| c.is_whitespace() || c == ',' || c == '-') {
        let tok = tok
            .strip_prefix("0x")
            .or_else(|| tok.strip_prefix("0X"))
            .unwrap_or(tok);
        if tok.is_empty() {
            continue;
        }
        if tok.chars().all(|c| c == '?') {
            if !tok.len().is_multiple_of(2) && tok.len() != 1 {
                return Err(bad());
            }
            out.extend(std::iter::repeat_n(None, tok.len().div_ceil(2)));
            continue;
        }
        if !tok.len().is_multiple_of(2) || !tok.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        for i in (0..tok.len()).step_by(2) {
            out.push(Some(
                u8::from_str_radix(&tok[i..i + 2], 16).map_err(|_| bad())?,
            ));
        }
    }
    if out.is_empty() {
        return Err(bad());
    }
    Ok(out)
}

/// Finds the matches of `p` that start in `data[from..to)`, calling `out` with each; returns
/// where a search of the rest goes on. The bytes around the window count (`\b`, `^`): the
/// search sees the whole file. Text and hex searches find every occurrence, overlapping ones
/// too (`0D 0A 0D 0A` twice in `0D 0A 0D 0A 0D 0A`), as a hex editor's find-next does; a
/// regular expression's matches follow each other, as `grep -o` gives them, each one whole
/// however far past `to` it runs, up to [`MAX_MATCH`] bytes (`out`'s flag: cut there).
fn find_in(
    p: &Pattern,
    data: &[u8],
    from: usize,
    to: usize,
    cancel: &AtomicBool,
    out: &mut dyn FnMut(u64, u64, bool),
) -> usize {
    let window = |at: usize| to.max(at).saturating_add(p.span).min(data.len());
    let mut at = from;
    let mut end = window(at);
    while at < to {
        let Some(m) = p.regex.find_at(&data[..end], at) else {
            return to;
        };
        if m.start() >= to {
            return to;
        }
        let open = m.end() == end && end < data.len();
        let longest = (m.start() + MAX_MATCH).min(data.len());
        if open && end < longest && !cancel.load(Ordering::Relaxed) {
            // The match may go on past the window, or be one only because the window ends
            // there (`$`, `\b`): searched again over a window twice as long.
            end = (m.start() + 2 * (end - m.start())).min(longest);
            continue;
        }
        if m.end() > m.start() {
            out(m.start() as u64, m.end() as u64, open && end == longest);
        }
        // An empty match is no match: the search goes on a byte later.
        at = match p.kind {
            SearchKind::Regex if m.end() > m.start() => m.end(),
            _ => m.start() + 1,
        };
        end = window(at);
    }
    at
}

/// A batch of results from a background search of generation `generation`.
pub enum SearchMsg {
    Matches(u64, Vec<(u64, u64)>),
    /// Starts of matches cut at [`MAX_MATCH`] bytes.
    Cut(u64, Vec<u64>),
    /// Bytes searched so far.
    Progress(u64, u64),
    Done(u64),
}

/// Searches `src` for `p` on the calling thread, chunk by chunk, skipping holes of sparse files
/// when the pattern cannot match zeros; `send` gets the batches and returns false to stop.
pub fn search_all<B: Bytes + ?Sized>(
    p: &Pattern,
    src: &B,
    generation: u64,
    cancel: &AtomicBool,
    send: &mut dyn FnMut(SearchMsg) -> bool,
) {
    let data = src.safe_bytes();
    let len = data.len();
    let mut pos = 0usize;
    let mut kept = 0usize;
    while pos < len && !cancel.load(Ordering::Relaxed) {
        if !p.matches_zeros {
            match src.next_data(pos as u64) {
                Some(d) => pos = (d as usize).saturating_sub(p.span).max(pos),
                None => break,
            }
        }
        let to = (pos + CHUNK).min(len);
        let mut batch = Vec::new();
        let mut cut = Vec::new();
        // The next chunk goes on where this one's search stopped: after the last match of a
        // regular expression (never inside it), as one search over the whole file would.
        let next = find_in(p, data, pos, to, cancel, &mut |s, e, at_most| {
            if kept < MAX_MATCHES {
                batch.push((s, e));
                if at_most {
                    cut.push(s);
                }
                kept += 1;
            }
        });
        // Up to where the search goes on: a match that ran past the chunk was read too.
        let past = next.max(to);
        src.release(
            pos.saturating_sub(p.span) as u64,
            past.saturating_sub(p.span) as u64,
        );
        if (!batch.is_empty() && !send(SearchMsg::Matches(generation, batch)))
            || (!cut.is_empty() && !send(SearchMsg::Cut(generation, cut)))
            || !send(SearchMsg::Progress(generation, past as u64))
        {
            return;
        }
        pos = past;
    }
    send(SearchMsg::Done(generation));
}

/// The search state: the pattern, its matches so far, and how far the search has come.
#[derive(Clone, Debug, Default)]
pub struct Search {
    pattern: Option<Arc<Pattern>>,
    matches: Vec<(u64, u64)>,
    /// Starts of the matches cut at [`MAX_MATCH`] bytes, in file order.
    cut: Vec<u64>,
    done: bool,
    searched: u64,
    /// Numbers each search; batches of an older one are ignored.
    generation: u64,
    cancel: Arc<AtomicBool>,
}

impl Search {
    /// The search pattern, if a search is set.
    pub fn pattern(&self) -> Option<&Pattern> {
        self.pattern.as_deref()
    }
    /// The matches found so far, in file order.
    pub fn matches(&self) -> &[(u64, u64)] {
        &self.matches
    }
    /// Whether the match starting at `start` was cut at [`MAX_MATCH`] bytes (it runs on).
    pub fn is_cut(&self, start: u64) -> bool {
        self.cut.binary_search(&start).is_ok()
    }
    /// Whether the whole file has been searched.
    pub fn done(&self) -> bool {
        self.done
    }
    /// Bytes searched so far.
    pub fn searched(&self) -> u64 {
        self.searched
    }
    /// The number of the current search (older batches are ignored).
    pub fn generation(&self) -> u64 {
        self.generation
    }
    /// The flag that stops the current background search.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    /// Starts a new search (the previous one is cancelled). Returns the pattern for a
    /// background worker when the file is large; small files are searched here at once.
    pub(crate) fn start<B: Bytes + ?Sized>(&mut self, p: Pattern, src: &B) -> Option<Arc<Pattern>> {
        self.cancel.store(true, Ordering::Relaxed);
        self.cancel = Arc::new(AtomicBool::new(false));
        self.generation += 1;
        self.matches.clear();
        self.cut.clear();
        self.done = false;
        self.searched = 0;
        let p = Arc::new(p);
        self.pattern = Some(p.clone());
        if (src.safe_bytes().len() as u64) <= SYNC_LIMIT {
            let generation = self.generation;
            let cancel = self.cancel.clone();
            search_all(&p, src, generation, &cancel, &mut |m| {
                self.absorb(m);
                true
            });
            None
        } else {
            Some(p)
        }
    }

    /// Takes in a batch from the background search.
    pub(crate) fn absorb(&mut self, m: SearchMsg) {
        match m {
            SearchMsg::Matches(g, batch) if g == self.generation => self.matches.extend(batch),
            SearchMsg::Cut(g, starts) if g == self.generation => self.cut.extend(starts),
            SearchMsg::Progress(g, n) if g == self.generation => self.searched = n,
            SearchMsg::Done(g) if g == self.generation => self.done = true,
            _ => {}
        }
    }

    /// Stops the search and forgets it.
    pub(crate) fn clear(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.pattern = None;
        self.matches.clear();
        self.cut.clear();
        self.done = false;
    }

    /// The next (or previous) match from `cursor`, wrapping: its index and whether it wrapped.
    pub fn next_from(&self, cursor: u64, forward: bool) -> Option<(usize, bool)> {
        let n = self.matches.len();
        if n == 0 {
            return None;
        }
        if forward {
            let i = self.matches.partition_point(|m| m.0 <= cursor);
            if i < n {
                Some((i, false))
            } else if self.done || n >= MAX_MATCHES {
                // No later match can be kept: wrap among the kept ones.
                Some((0, true))
            } else {
                None
            }
        } else {
            let i = self.matches.partition_point(|m| m.0 < cursor);
            if i > 0 {
                Some((i - 1, false))
            } else if self.done || n >= MAX_MATCHES {
                Some((n - 1, true))
            } else {
                None
            }
        }
    }

    /// Indices of the matches overlapping `[start, end)`.
    pub fn in_range(&self, start: u64, end: u64) -> std::ops::Range<usize> {
        let lo = self
            .matches
            .partition_point(|m| m.1 <= start)
            .saturating_sub(0);
        let hi = self.matches.partition_point(|m| m.0 < end);
        // Matches are in start order, and so are their ends: a regular expression's follow
        // each other, and those of text and hex (which may overlap) are all one length.
        lo..hi.max(lo)
    }

    /// Drops matches past `size` (the file shrank).
    pub(crate) fn shrink_to(&mut self, size: u64) {
        self.matches.retain(|m| m.1 <= size);
        let matches = &self.matches;
        self.cut
            .retain(|s| matches.binary_search_by_key(s, |m| m.0).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(kind: SearchKind, typed: &str, data: &[u8]) -> Vec<(u64, u64)> {
        let mut s = Search::default();
        assert!(s.start(Pattern::new(kind, typed).unwrap(), data).is_none());
        assert!(s.done());
        s.matches().to_vec()
    }

    #[test]
    fn text_is_smart_case_hex_has_wildcards_regex_works_on_bytes() {
        let d = b"Export EXPORT export \r\n\xFFE";
        assert_eq!(
            all(SearchKind::Text, "export", d),
            vec![(0, 6), (7, 13), (14, 20)]
        );
        assert_eq!(all(SearchKind::Text, "Export", d), vec![(0, 6)]);
        assert_eq!(all(SearchKind::Hex, "0D 0A ?? 45", d), vec![(21, 25)]);
        assert_eq!(all(SearchKind::Hex, "0x0D,0x0A", d), vec![(21, 23)]);
        assert_eq!(all(SearchKind::Regex, r"\xFF[A-Z]", d), vec![(23, 25)]);
        assert!(Pattern::new(SearchKind::Hex, "4G").is_err());
        assert!(Pattern::new(SearchKind::Regex, "(").is_err());
        // Holes of sparse files are searched when a pattern can match zeros, also one longer
        // than 64 of them (a review found `\x00{100}` skipping holes).
        assert!(
            Pattern::new(SearchKind::Regex, r"\x00{100}")
                .unwrap()
                .matches_zeros
        );
        assert!(
            !Pattern::new(SearchKind::Regex, r"\x00{100}A")
                .unwrap()
                .matches_zeros
        );
    }

    #[test]
    fn chunks_overlap_so_no_match_is_lost() {
        let mut d = vec![b'x'; CHUNK * 2 + 100];
        d[CHUNK - 2..CHUNK + 2].copy_from_slice(b"ABCD");
        let p = Pattern::new(SearchKind::Text, "ABCD").unwrap();
        let mut got = Vec::new();
        search_all(&p, &d[..], 1, &AtomicBool::new(false), &mut |m| {
            if let SearchMsg::Matches(_, b) = m {
                got.extend(b);
            }
            true
        });
        assert_eq!(got, vec![((CHUNK - 2) as u64, (CHUNK + 2) as u64)]);
    }

    /// Every match of a background search (chunk by chunk) of `typed` in `d`.
    fn background(kind: SearchKind, typed: &str, d: &[u8]) -> Vec<(u64, u64)> {
        let p = Pattern::new(kind, typed).unwrap();
        let mut got = Vec::new();
        search_all(&p, d, 1, &AtomicBool::new(false), &mut |m| {
            if let SearchMsg::Matches(_, b) = m {
                got.extend(b);
            }
            true
        });
        got
    }

    #[test]
    fn a_match_across_a_chunk_border_is_one_match_however_long() {
        // Found by a review: `[ -~]{50,}` over a run across the 4 MiB border gave the run and
        // then its tail again; `\x00+` over a sparse file gave a new match every 4 MiB.
        let c = CHUNK as u64;
        let mut d = vec![1u8; CHUNK * 3];
        d[CHUNK - 40..CHUNK + 61].fill(b'B');
        assert_eq!(
            background(SearchKind::Regex, "[ -~]{50,}", &d),
            vec![(c - 40, c + 61)]
        );
        // Longer than the window first looked at, and than a chunk.
        d[CHUNK + 100..2 * CHUNK + 7].fill(0);
        assert_eq!(
            background(SearchKind::Regex, r"\x00+", &d),
            vec![(c + 100, 2 * c + 7)]
        );
        // The window looked at holds the longest match of a bounded expression, else 1 MiB.
        assert_eq!(regex_span(r"\x00{6000}"), 6000);
        assert_eq!(regex_span(r"\x00+"), REGEX_SPAN);
        assert_eq!(regex_span(r"ab?c"), 3);
        // A match that needs its end from further on: found whole within 1 MiB past a border
        // (a review found `BEGIN.*?END` missed with END 5,000 bytes past it).
        let mut b = vec![b'.'; 3 * CHUNK];
        b[CHUNK - 100..CHUNK - 95].copy_from_slice(b"BEGIN");
        b[CHUNK + 5000..CHUNK + 5003].copy_from_slice(b"END");
        assert_eq!(
            background(SearchKind::Regex, "BEGIN.*?END", &b),
            vec![(c - 100, c + 5003)]
        );
        // The bytes before a chunk count: `\b` sees the letter before the border.
        let mut w = vec![b' '; CHUNK + 100];
        w[CHUNK - 1..CHUNK + 3].copy_from_slice(b"xfoo");
        assert_eq!(background(SearchKind::Regex, r"\bfoo", &w), vec![]);
        // `$` is the file's end, never the end of a window.
        let mut e = vec![b'.'; CHUNK + REGEX_SPAN + 10];
        e[CHUNK + REGEX_SPAN - 3..CHUNK + REGEX_SPAN].copy_from_slice(b"foo");
        let n = e.len() as u64;
        e[n as usize - 3..].copy_from_slice(b"foo");
        assert_eq!(background(SearchKind::Regex, "foo$", &e), vec![(n - 3, n)]);
    }

    /// The bytes a test source was asked to let go of, and the furthest byte it let go of.
    struct Released<'a> {
        data: &'a [u8],
        upto: std::sync::atomic::AtomicU64,
    }

    impl Bytes for Released<'_> {
        fn bytes(&self) -> &[u8] {
            self.data
        }
        fn release(&self, _from: u64, to: u64) {
            self.upto.fetch_max(to, Ordering::Relaxed);
        }
    }

    #[test]
    fn a_match_longer_than_the_most_followed_is_cut_there_and_said_so() {
        // Found by a review: `[ -~]+` over a long run of text held the whole run at once and
        // reported no progress until its end. Now a match is followed 16 MiB at most.
        let m = MAX_MATCH as u64;
        let mut d = vec![b'a'; 2 * MAX_MATCH + 1000];
        d[..10].fill(0);
        let n = d.len() as u64;
        let src = Released {
            data: &d,
            upto: Default::default(),
        };
        let p = Pattern::new(SearchKind::Regex, "[ -~]+").unwrap();
        let (mut got, mut cut, mut progress) = (Vec::new(), Vec::new(), Vec::new());
        search_all(&p, &src, 1, &AtomicBool::new(false), &mut |msg| {
            match msg {
                SearchMsg::Matches(_, b) => got.extend(b),
                SearchMsg::Cut(_, c) => cut.extend(c),
                SearchMsg::Progress(_, x) => progress.push(x),
                SearchMsg::Done(_) => {}
            }
            true
        });
        // Two pieces cut at 16 MiB, then the rest of the run; nothing lost or doubled.
        assert_eq!(
            got,
            vec![(10, 10 + m), (10 + m, 10 + 2 * m), (10 + 2 * m, n)]
        );
        assert_eq!(cut, vec![10, 10 + m]);
        // Progress after each piece, and the pages read for it let go of.
        assert!(progress.len() >= 3, "{progress:?}");
        assert!(progress.contains(&(10 + m)), "{progress:?}");
        assert!(src.upto.load(Ordering::Relaxed) >= n - REGEX_SPAN as u64);
        let mut s = Search::default();
        s.absorb(SearchMsg::Matches(0, got.clone()));
        s.absorb(SearchMsg::Cut(0, cut.clone()));
        assert!(s.is_cut(10) && s.is_cut(10 + m) && !s.is_cut(10 + 2 * m));
        s.shrink_to(10 + m);
        assert!(s.is_cut(10) && !s.is_cut(10 + m));
        // A bounded expression never looks further than that either.
        assert_eq!(regex_span(r"[ -~]{1,20000000}"), MAX_MATCH);
    }

    #[test]
    fn text_and_hex_find_overlapping_occurrences_and_a_regex_does_not() {
        let d = b"\r\n\r\n\r\n aaaa";
        assert_eq!(all(SearchKind::Hex, "0D 0A 0D 0A", d), vec![(0, 4), (2, 6)]);
        assert_eq!(
            all(SearchKind::Text, "aa", d),
            vec![(7, 9), (8, 10), (9, 11)]
        );
        assert_eq!(all(SearchKind::Regex, "aa", d), vec![(7, 9), (9, 11)]);
        // Across a chunk border too.
        let mut big = vec![0u8; CHUNK + 10];
        big[CHUNK - 3..CHUNK + 3].copy_from_slice(b"\r\n\r\n\r\n");
        let c = CHUNK as u64;
        assert_eq!(
            background(SearchKind::Hex, "0D0A0D0A", &big),
            vec![(c - 3, c + 1), (c - 1, c + 3)]
        );
    }

    #[test]
    fn with_the_kept_matches_full_the_walk_wraps_while_the_search_goes_on() {
        let mut s = Search {
            matches: (0..MAX_MATCHES as u64)
                .map(|i| (2 * i, 2 * i + 1))
                .collect(),
            ..Search::default()
        };
        let last = 2 * (MAX_MATCHES as u64 - 1);
        assert_eq!(s.next_from(last, true), Some((0, true)));
        assert_eq!(s.next_from(0, false), Some((MAX_MATCHES - 1, true)));
        // Below the cap it waits for the search (no match yet beyond the last).
        s.matches.pop();
        assert_eq!(s.next_from(last, true), None);
    }
}

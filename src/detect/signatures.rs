//! The signature set: known texts of the cc:Mail tools and the connector, loaded from TOML
//! (`assets/signatures.toml`, compiled in; `--signatures FILE` replaces it). A bad file is an
//! error that names its line. Text is searched for the literals every match must start with
//! (one Aho-Corasick pass); a signature's regular expression runs only on a line where one of
//! its literals occurs (a signature without such literals runs on every line).

use crate::{sanitize, Error};
use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;

pub const BUILTIN: &str = include_str!("../../assets/signatures.toml");

/// A line's bytes as text for matching: UTF-8 when they are that, else Latin-1 (cc:Mail and
/// the DOS tools wrote code-page text: `M\x81ller` is not UTF-8, and a signature must still
/// match the line it stands in).
pub fn line_text(b: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(t) => t.into(),
        Err(_) => b.iter().map(|&c| c as char).collect::<String>().into(),
    }
}

#[derive(Debug, Clone)]
pub struct Signature {
    pub name: String,
    pub regex: Regex,
    pub confidence: f32,
    /// The literal text the pattern starts with: a line cut short inside it still counts.
    pub literal_prefix: String,
}

#[derive(Debug, Clone)]
pub struct SignatureSet {
    pub signatures: Vec<Signature>,
    prefilter: Prefilter,
}

/// The literals that start every match, and which signature each belongs to.
#[derive(Debug, Clone)]
struct Prefilter {
    literals: Option<AhoCorasick>,
    /// Signatures without usable literals: their expressions run on every line.
    always: Vec<usize>,
}

impl Prefilter {
    fn new(signatures: &[Signature]) -> Prefilter {
        let mut lits: Vec<Vec<u8>> = Vec::new();
        let mut always = Vec::new();
        for (i, s) in signatures.iter().enumerate() {
            match prefix_literals(s.regex.as_str()) {
                Some(set) => lits.extend(set),
                None => always.push(i),
            }
        }
        // Leftmost-first matching lets the automaton run behind a vectorised literal search
        // (standard matching has no such prefilter for these literals and walks every byte).
        // The line of the leftmost match is the line of the match ending first whenever no
        // literal spans a line end, so the lines tried are the same.
        let one_line = lits
            .iter()
            .all(|l| !l.contains(&b'\n') && !l.contains(&b'\r'));
        let kind = if one_line {
            aho_corasick::MatchKind::LeftmostFirst
        } else {
            aho_corasick::MatchKind::Standard
        };
        let literals = (!lits.is_empty()).then(|| {
            AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .match_kind(kind)
                .build(&lits)
                .expect("literals build an automaton")
        });
        Prefilter { literals, always }
    }
}

/// The literals every match of `pattern` starts with, if there are few and none is short.
fn prefix_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let mut ex = Extractor::new();
    ex.kind(ExtractKind::Prefix).limit_total(64);
    let seq = ex.extract(&hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.iter().any(|l| l.len() < 4) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// A line holding a known text ([`SignatureSet::known_lines`]).
#[derive(Debug, Clone, PartialEq)]
pub struct KnownLine {
    /// The line's text, without its line end.
    pub start: usize,
    pub end: usize,
    /// The line's best match.
    pub hit: Hit,
    /// Where the known text's literal starts.
    pub at: usize,
    /// Where the names the match captured (a mailbox, a file) lie in the line, as byte
    /// offsets from its start: data the program printed, not its own words. Empty when the
    /// match does not run to the line's end.
    pub names: NameSpans,
}

/// Where the names a match captured lie in its line (byte offsets, in order).
pub type NameSpans = Vec<std::ops::Range<usize>>;

/// One signature's match on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub name: String,
    pub confidence: f32,
    pub mailbox: Option<String>,
    pub file: Option<String>,
    /// True when only a cut-short start of the text was seen.
    pub partial: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    signature: Vec<toml::Spanned<EntryDef>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryDef {
    name: String,
    pattern: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default = "default_confidence")]
    confidence: f32,
}

fn default_confidence() -> f32 {
    0.9
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

impl SignatureSet {
    pub fn builtin() -> SignatureSet {
        SignatureSet::parse(BUILTIN, "built-in signatures")
            .expect("built-in signature file is valid")
    }

    /// Parses a signature file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<SignatureSet, Error> {
        let err = |line: usize, message: String| Error::Signatures {
            file: sanitize::line(origin).into_owned(),
            line,
            message,
        };
        let def: FileDef = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            let msg = e.message().replace('\n', " ");
            err(line, sanitize::line(&msg).into_owned())
        })?;
        let mut signatures = Vec::new();
        for entry in def.signature {
            let line = line_of(text, entry.span().start);
            let e = entry.into_inner();
            let _ = e.source;
            if !(0.0..=1.0).contains(&e.confidence) {
                return Err(err(
                    line,
                    format!(
                        "signature '{}': confidence must be between 0 and 1",
                        sanitize::line(&e.name)
                    ),
                ));
            }
            let regex = regex::RegexBuilder::new(&e.pattern)
                .size_limit(1 << 20)
                .build()
                .map_err(|re| {
                    let first = re
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("invalid pattern")
                        .trim()
                        .to_string();
                    err(
                        line,
                        format!(
                            "signature '{}': bad pattern: {}",
                            sanitize::line(&e.name),
                            sanitize::line(&first)
                        ),
                    )
                })?;
            signatures.push(Signature {
                literal_prefix: literal_prefix(&e.pattern),
                name: e.name,
                regex,
                confidence: e.confidence,
            });
        }
        if signatures.is_empty() {
            return Err(err(0, "no [[signature]] entries".into()));
        }
        let prefilter = Prefilter::new(&signatures);
        Ok(SignatureSet {
            signatures,
            prefilter,
        })
    }

    pub fn load(path: &std::path::Path) -> Result<SignatureSet, Error> {
        let text = crate::small::read_file_capped(path, crate::small::CONFIG_LIMIT)
            .map_err(|e| Error::io(path, &e))?;
        SignatureSet::parse(&text, &sanitize::path(path))
    }

    /// The best signature on one line of text, if any. A line that is a cut-short start
    /// (at least 16 characters) of a signature's literal text counts as a partial hit.
    pub fn match_line(&self, line: &str) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        for i in 0..self.signatures.len() {
            let hit = self.full(i, line).or_else(|| self.cut(i, line));
            keep_best(&mut best, hit);
        }
        best
    }

    /// The best full match in `text` (any number of lines), found through the literal
    /// prefilter: a signature's expression runs only on lines where its literals occur.
    pub fn match_text(&self, text: &[u8]) -> Option<Hit> {
        let mut m = TextMatch::default();
        self.match_more(&mut m, text, false);
        m.best()
    }

    /// Adds the next piece `text` of a longer text to `m`; `more` when the text goes on after
    /// it (the piece then ends with a line end). Matching a text piece by piece gives what
    /// [`match_text`](Self::match_text) gives for the whole, without holding the whole in
    /// memory.
    pub fn match_more(&self, m: &mut TextMatch, text: &[u8], more: bool) {
        if let Some(ac) = &self.prefilter.literals {
            let mut at = 0;
            while let Some(x) = ac.find(aho_corasick::Input::new(text).span(at..text.len())) {
                // A line holding any literal is tried with every signature that has literals.
                let (s, e) = line_span(text, x.start());
                keep_best(
                    &mut m.literal,
                    self.literal_line(&line_text(&text[s..e])).map(|(h, _)| h),
                );
                at = e.max(x.end());
            }
        }
        self.match_unlisted(m, text, more);
    }

    /// The part of [`match_more`](Self::match_more) for the signatures without literals (run
    /// on every line); a reader that finds the others with
    /// [`known_lines`](Self::known_lines) adds those with [`TextMatch::add`].
    pub fn match_unlisted(&self, m: &mut TextMatch, text: &[u8], more: bool) {
        if !self.prefilter.always.is_empty() {
            let mut lines = text.split(|&b| b == b'\n' || b == b'\r').peekable();
            while let Some(line) = lines.next() {
                if more && lines.peek().is_none() {
                    // The empty rest after the piece's last line end: the next piece's first
                    // line starts there.
                    break;
                }
                let l = line_text(line);
                for &i in &self.prefilter.always {
                    keep_best(&mut m.always, self.full(i, &l));
                }
            }
        }
    }

    /// The lines of `text[from..to]` (`to` a line end or the end of `text`) that hold a known
    /// text whole, as `(start, end)` of their text (without the line end) and the line's best
    /// match, in order, added to `out`. Only signatures with literals are looked for (through
    /// the prefilter, in one pass); those without are matched by
    /// [`match_unlisted`](Self::match_unlisted). Over the lines of a text, this finds what the
    /// literal part of [`match_more`](Self::match_more) finds, line by line.
    pub fn known_lines(&self, text: &[u8], from: usize, to: usize, out: &mut Vec<KnownLine>) {
        let Some(ac) = &self.prefilter.literals else {
            return;
        };
        // A line's start is looked for this far back at most (no console line is that long;
        // the pages of a longer one behind the reader are not read again).
        let base = from.saturating_sub(64 << 10);
        let hay = &text[base..to];
        let mut at = from - base;
        while let Some(x) = ac.find(aho_corasick::Input::new(hay).span(at..hay.len())) {
            let (s, e) = line_span(hay, x.start());
            let text = line_text(&hay[s..e]);
            if let Some((hit, names)) = self.literal_line(&text) {
                // Offsets in the text as decoded; a line that is not UTF-8 was decoded a byte
                // to a character.
                let raw = |at: usize| match text {
                    std::borrow::Cow::Borrowed(_) => at,
                    std::borrow::Cow::Owned(ref t) => t[..at].chars().count(),
                };
                out.push(KnownLine {
                    start: base + s,
                    end: base + e,
                    hit,
                    at: base + x.start(),
                    names: names
                        .into_iter()
                        .map(|r| raw(r.start)..raw(r.end))
                        .collect(),
                });
            }
            at = e.max(x.end());
        }
    }

    /// The best match on a line holding a literal, of the signatures that have literals, and
    /// where the names it captured lie in the line.
    fn literal_line(&self, line: &str) -> Option<(Hit, NameSpans)> {
        let mut best: Option<(Hit, NameSpans)> = None;
        for i in 0..self.signatures.len() {
            if self.prefilter.always.contains(&i) {
                continue;
            }
            if let Some((h, names)) = self.full_names(i, line) {
                if best.as_ref().is_none_or(|b| h.confidence > b.0.confidence) {
                    best = Some((h, names));
                }
            }
        }
        best
    }

    /// A line cut short by binary data that is the start of a signature's literal text.
    pub fn match_cut(&self, line: &str) -> Option<Hit> {
        let mut best: Option<Hit> = None;
        for i in 0..self.signatures.len() {
            keep_best(&mut best, self.cut(i, line));
        }
        best
    }

    fn full(&self, i: usize, line: &str) -> Option<Hit> {
        self.full_names(i, line).map(|(h, _)| h)
    }

    /// [`SignatureSet::full`], and where its named groups `mailbox` and `file` matched.
    fn full_names(&self, i: usize, line: &str) -> Option<(Hit, NameSpans)> {
        let s = &self.signatures[i];
        let c = s.regex.captures(line)?;
        // Only a match that makes up the rest of its line gives its names: a line that goes on
        // after it (`... EXPORT\MSG0001.CCM is what it says`) is read whole.
        let to_end = c.get(0).is_some_and(|m| {
            line[m.end()..]
                .chars()
                .all(|ch| ch.is_whitespace() || ch.is_control())
        });
        let mut names: NameSpans = ["mailbox", "file"]
            .iter()
            .filter(|_| to_end)
            .filter_map(|n| c.name(n))
            .map(|m| m.range())
            .filter(|r| !r.is_empty())
            .collect();
        names.sort_by_key(|r| r.start);
        let hit = Hit {
            name: s.name.clone(),
            confidence: s.confidence,
            mailbox: c.name("mailbox").map(|m| m.as_str().to_string()),
            // A DOS file name holds no control character: one after it (a BEL the program
            // beeps with) is not part of it. A byte of 80h-9Fh, read as Latin-1 a C1 control,
            // is a code page letter there (CP437 `\x82` is é).
            file: c
                .name("file")
                .map(|m| {
                    m.as_str()
                        .split(|ch: char| ch < ' ' || ch == '\x7f')
                        .next()
                        .unwrap_or("")
                })
                .filter(|f| !f.is_empty())
                .map(str::to_string),
            partial: false,
        };
        Some((hit, names))
    }

    fn cut(&self, i: usize, line: &str) -> Option<Hit> {
        let s = &self.signatures[i];
        let t = line.trim_start();
        let p = &s.literal_prefix;
        // The whole literal text the signature starts with, then a cut: that known text is
        // there as much as in a full match (only its variable part is cut). A line that is
        // only a start of the literal text counts less.
        let whole = t.starts_with(p.as_str())
            && s.regex.captures(t).is_none()
            && cut_short_after_prefix(t, p);
        let cut = t.len() >= 16 && p.len() >= 16 && (p.starts_with(t) || whole);
        cut.then(|| Hit {
            name: s.name.clone(),
            confidence: if whole {
                s.confidence
            } else {
                s.confidence * 0.85
            },
            mailbox: None,
            file: None,
            partial: true,
        })
    }
}

/// The best matches so far in a text read piece by piece ([`SignatureSet::match_more`]).
#[derive(Debug, Clone, Default)]
pub struct TextMatch {
    /// Through the literal prefilter.
    literal: Option<Hit>,
    /// Of the signatures without literals, run on every line.
    always: Option<Hit>,
}

impl TextMatch {
    /// Adds a match found through the literals ([`SignatureSet::known_lines`]), after those
    /// added before it in the text.
    pub fn add(&mut self, hit: Hit) {
        keep_best(&mut self.literal, Some(hit));
    }

    /// The best match of the text: the first of the highest confidence found through the
    /// literals, else the first of a higher one among the other signatures.
    pub fn best(self) -> Option<Hit> {
        let mut best = self.literal;
        keep_best(&mut best, self.always);
        best
    }
}

fn keep_best(best: &mut Option<Hit>, hit: Option<Hit>) {
    if let Some(h) = hit {
        if best.as_ref().is_none_or(|b| h.confidence > b.confidence) {
            *best = Some(h);
        }
    }
}

/// Where the line of `text` holding byte `at` starts and ends (without its line end).
fn line_span(text: &[u8], at: usize) -> (usize, usize) {
    let s = memchr::memrchr2(b'\n', b'\r', &text[..at]).map_or(0, |i| i + 1);
    let e = memchr::memchr2(b'\n', b'\r', &text[at..]).map_or(text.len(), |i| at + i);
    (s, e)
}

/// After the literal start, a cut-short line holds only a short tail without line structure.
fn cut_short_after_prefix(t: &str, p: &str) -> bool {
    t.len() - p.len() <= 160
}

/// The literal text a regular expression starts with, up to its first metacharacter.
fn literal_prefix(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) if n.is_ascii_punctuation() => out.push(n),
                _ => break,
            },
            '.' | '^' | '$' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' => {
                // A quantifier makes the last literal character optional.
                if matches!(c, '*' | '?' | '{') {
                    out.pop();
                }
                break;
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_line_gives_where_its_names_lie_in_its_bytes() {
        let s = SignatureSet::builtin();
        let mut text = b"\x01\x02ab\r\nExporting messages in mailbox \"".to_vec();
        let name = text.len();
        text.extend_from_slice(b"M\xFCller, Hans\" to file ");
        let file = text.len();
        text.extend_from_slice(b"EXPORT\\MSG0001.CCM\r\nnext");
        let mut out = Vec::new();
        s.known_lines(&text, 0, text.len(), &mut out);
        assert_eq!(out.len(), 1);
        let k = &out[0];
        assert_eq!((k.start, k.end), (6, file + 18));
        let at: Vec<(usize, usize)> = k
            .names
            .iter()
            .map(|r| (k.start + r.start, k.start + r.end))
            .collect();
        // The name's Latin-1 byte is one byte (it is two in the decoded text).
        assert_eq!(at, vec![(name, name + 12), (file, file + 18)]);
        assert_eq!(&text[at[0].0..at[0].1], b"M\xFCller, Hans");
        assert_eq!(k.hit.mailbox.as_deref(), Some("M\u{FC}ller, Hans"));
    }

    /// What the literal prefilter must find: the best full match over every line, tried line
    /// by line with every signature (a full match always holds one of its literals).
    fn line_by_line(s: &SignatureSet, text: &[u8]) -> Option<Hit> {
        let mut best = None;
        for line in text.split(|&b| b == b'\n' || b == b'\r') {
            if let Ok(l) = std::str::from_utf8(line) {
                for i in 0..s.signatures.len() {
                    keep_best(&mut best, s.full(i, l));
                }
            }
        }
        best
    }

    #[test]
    fn the_literal_search_finds_the_lines_every_line_would() {
        let s = SignatureSet::builtin();
        let parts = [
            "Exporting messages in mailbox \"a b\" to file X.CCM",
            "Exporting messages in mailbox",
            "post office is locked by another process",
            "Post Office is locked by another process",
            "Lotus cc:Mail EXPORT to file C:\\X.CCM completed successfully",
            "Lotus cc:Mail IMPORT from file X returned result code 3",
            "Could not access the post office",
            "Program did not complete successfully",
            "Undeliverable message or updates",
            "post office",
            "Lotus cc:Mail",
            "the mail of the office",
            "\r\n",
            "\n",
            "\r",
            " ",
        ];
        let mut x = 7u64;
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..(x % 9) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                t.push_str(parts[(x % parts.len() as u64) as usize]);
            }
            x = x.wrapping_add(0x9E37_79B9);
            assert_eq!(
                s.match_text(t.as_bytes()),
                line_by_line(&s, t.as_bytes()),
                "{t:?}"
            );
        }
    }

    #[test]
    fn article_line_matches() {
        let s = SignatureSet::builtin();
        let h = s
            .match_line("Exporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM")
            .unwrap();
        assert_eq!(h.name, "export-mailbox");
        assert_eq!(h.mailbox.as_deref(), Some("randyyeh_ee"));
        assert_eq!(h.file.as_deref(), Some("EXPORT\\MSG4A27.CCM"));
        assert!(!h.partial);
        let h = s.match_line("Exporting messages in mail").unwrap();
        assert!(h.partial);
        assert!(s.match_line("Exporting goods").is_none());
    }

    #[test]
    fn the_tools_banner_and_last_line_match() {
        // KB 282172's EXPORT run, and the same texts with another tool's name, version, years
        // and error number.
        let s = SignatureSet::builtin();
        for (line, name) in [
            ("EXPORT 8.50.00.14 Copyright(c) 1991, 1999 by cc:Mail, Inc., a wholly owned subsidiary of Lotus Development Corporation. All rights reserved.", "tool-banner"),
            ("IMPORT 8.50.00.14 Copyright (c) 1991-1999 by cc:Mail, Inc., a wholly owned", "tool-banner"),
            ("EXPORT process ended with error: 4.", "tool-ended-with-error"),
            ("IMPORT process ended with error: 12.", "tool-ended-with-error"),
        ] {
            let h = s.match_line(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!((h.name.as_str(), h.partial), (name, false), "{line}");
        }
        for line in [
            "Copyright (c) 1995 Acme Software, Inc. All rights reserved.",
            "cc:Mail, Inc. was bought by Lotus in 1991.",
            "The process ended with an error.",
            // Review 54: a mail's footer and sentences that go on after the number.
            "Sent with cc:Mail for Windows 2.5 Copyright (c) 1993, 1994 by cc:Mail, Inc.",
            "Portions Copyright(c) 1991, 1992 by cc:Mail, Inc. are used under license.",
            "The import process ended with error: 3 files skipped, see the log.",
            "the weekly report process ended with error: 12 last time",
        ] {
            assert!(s.match_line(line).is_none(), "{line}");
        }
    }

    #[test]
    fn bad_files_name_their_line() {
        let e = SignatureSet::parse(
            "[[signature]]\nname = \"x\"\npattern = \"(unclosed\"\n",
            "f.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("f.toml: line 1: signature 'x': bad pattern"),
            "{e}"
        );
        let e = SignatureSet::parse(
            "[[signature]]\nname = \"x\"\npattern = 'ok'\nbogus = 1\n",
            "f.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("f.toml: line "), "{e}");
        let e = SignatureSet::parse("\n\n[[signature]\n", "f.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("f.toml: line 3:"), "{e}");
    }

    #[test]
    fn prefilter_finds_what_the_expressions_find() {
        let s = SignatureSet::builtin();
        assert!(s.prefilter.always.is_empty());
        let text = b"x\r\n\r\nExporting messages in mailbox \"a b\" to file E\\M.CCM\r\nmore";
        let h = s.match_text(text).unwrap();
        assert_eq!(
            (h.name.as_str(), h.mailbox.as_deref()),
            ("export-mailbox", Some("a b"))
        );
        assert!(s.match_text(b"Exporting goods to file X").is_none());
        let h = s
            .match_text(b"It said: Could not access the Lotus cc:Mail Post Office.")
            .unwrap();
        assert_eq!(h.name, "event-result-text");
        let custom =
            SignatureSet::parse("[[signature]]\nname = \"x\"\npattern = '(?i)ab'\n", "t").unwrap();
        assert_eq!(custom.prefilter.always, vec![0]);
        assert!(custom.match_text(b"zz\nxAB").is_some());
        assert!(s.match_cut("Exporting messages in mail").unwrap().partial);
    }

    #[test]
    fn a_cut_after_the_whole_literal_text_weighs_as_a_full_match() {
        let s = SignatureSet::builtin();
        // The demo's write #4: the article's line cut short inside its variable part.
        let whole = s
            .match_cut("Exporting messages in mailbox \"kwong\" to fi")
            .unwrap();
        assert!(whole.partial);
        assert_eq!(whole.confidence, 0.99);
        // Only a start of the literal text: less.
        let start = s.match_cut("Exporting messages in mail").unwrap();
        assert!(start.partial);
        assert_eq!(start.confidence, 0.99 * 0.85);
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            literal_prefix("Exporting messages in mailbox \"(?P<m>x)"),
            "Exporting messages in mailbox \""
        );
        assert_eq!(literal_prefix("(?:a|b)"), "");
        assert_eq!(
            literal_prefix("Lotus cc:Mail IMPORT from file (?P<file>"),
            "Lotus cc:Mail IMPORT from file "
        );
    }
}

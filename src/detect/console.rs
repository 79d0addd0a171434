//! Console output and other plain text inside binary data. Works from content only: runs of
//! printable ASCII (with CR, LF, tab) are found by a word-at-a-time sweep, split into lines, and
//! each line is scored by a model of DOS console output (CR/LF framing, short lines, DOS paths and
//! 8.3 names, quoted mailbox names, the tools' vocabulary) on top of the signature set.

use super::signatures::{Hit, SignatureSet};
use super::{round2, Finding, FindingKind, Reason};
use regex::Regex;
use std::sync::LazyLock;

/// Shortest run of text considered at all. Every run this long is found, at any alignment.
pub const MIN_RUN: usize = 16;
/// Longer runs are a text region, reported as one plain-text finding, not split into lines.
pub const MAX_SPLIT_RUN: usize = 64 * 1024;

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
/// A cheap superset test; candidates are checked exactly afterwards.
#[inline(always)]
fn maybe_text_word(w: u64) -> bool {
    let below_09 = w.wrapping_sub(LO * 0x09) & !w & HI;
    let is_7f = w.wrapping_add(LO) & HI;
    (w & HI) | below_09 | is_7f == 0
}

/// Calls `f(start, end)` for every maximal text run of at least [`MIN_RUN`] bytes whose first
/// 8-byte-aligned full word lies in `[from, to)` (so that chunks never report a run twice, and a
/// run crossing a chunk border is reported whole by the chunk it starts in). `from` must be a
/// multiple of 8.
pub fn find_runs(data: &[u8], from: usize, to: usize, mut f: impl FnMut(usize, usize)) {
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
        if !maybe_text_word(w) || !data[i..i + 8].iter().all(|&b| TEXT[b as usize]) {
            i += 8;
            continue;
        }
        if i == from && i >= 8 && data[i - 8..i].iter().all(|&b| TEXT[b as usize]) {
            // The run began in an earlier chunk, which reports it; skip its part in ours.
            let mut e = i + 8;
            while e < to && TEXT[data[e] as usize] {
                e += 1;
            }
            i = (e + 8) & !7;
            continue;
        }
        let mut s = i;
        while s > 0 && TEXT[data[s - 1] as usize] {
            s -= 1;
        }
        let mut e = i + 8;
        while e < data.len() && TEXT[data[e] as usize] {
            e += 1;
        }
        if e - s >= MIN_RUN {
            f(s, e);
        }
        i = (e + 8) & !7;
    }
}

/// A line of a run: `[start, content_end)` is its text, `[content_end, end)` its terminator.
#[derive(Clone, Copy, Debug)]
struct LineSpan {
    start: usize,
    content_end: usize,
    end: usize,
}

impl LineSpan {
    fn is_blank(&self) -> bool {
        self.start == self.content_end
    }
    fn terminated(&self) -> bool {
        self.end > self.content_end
    }
}

/// A line with its console score and signature hit.
type Scored = (LineSpan, f32, Option<Hit>);

fn split_lines(b: &[u8]) -> Vec<LineSpan> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\r' => {
                let end = if b.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                out.push(LineSpan {
                    start,
                    content_end: i,
                    end,
                });
                start = end;
                i = end;
            }
            b'\n' => {
                out.push(LineSpan {
                    start,
                    content_end: i,
                    end: i + 1,
                });
                start = i + 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    if start < b.len() {
        out.push(LineSpan {
            start,
            content_end: b.len(),
            end: b.len(),
        });
    }
    out
}

static PRINTF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"%[-+ #0]*[0-9*]*(?:\.[0-9*]+)?(?:hh|h|ll|l|z|j|t|L)?[sdiuxXcpfgeo]").unwrap()
});
static FILE_83: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\b[a-z]:)?(?:[\w$~-]{1,8}\\)*\b[\w$~-]{1,8}\.(?:ccm|tmp|und)\b").unwrap()
});
static DOS_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z]:\\|\b[\w$~-]{1,8}\\[\w$~-]{1,8}|\b[\w$~-]{1,8}\.(?:ini|log|exe|bak|dat|txt)\b").unwrap()
});
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""[^"\r\n]{1,64}""#).unwrap());
static MAILBOX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)mailbox\s+"([^"\r\n]{1,64})""#).unwrap());

/// Words the cc:Mail tools' console output is made of. Strong ones alone point at cc:Mail.
const STRONG: &[&str] = &[
    "mailbox",
    "cc:mail",
    "lotus",
    "post office",
    "exporting",
    "importing",
    "clandata",
    "mlandata",
    "result code",
    "nfterror",
    "ccmcdata",
];
/// Words of letters and conversation, rare in console output: pronouns, modal verbs, greetings.
const PROSE: &[&str] = &[
    "i", "me", "my", "we", "us", "our", "you", "your", "he", "she", "his", "her", "they", "please",
    "thanks", "thank", "hi", "hello", "dear", "regards", "should", "would", "could", "will", "can",
    "shall", "let's",
];

const WEAK: &[&str] = &[
    "message",
    "export",
    "import",
    "file",
    "version",
    "copyright",
    "error",
    "complete",
    "success",
    "user",
    "director",
    "folder",
    "bulletin",
    "processing",
    "total",
    "batch",
    "program",
];

/// How much one line reads like console output of the cc:Mail tools, 0..1, with a signature hit.
pub fn line_score(line: &str, sigs: &SignatureSet) -> (f32, Option<Hit>) {
    if let Some(hit) = sigs.match_line(line) {
        return (hit.confidence, Some(hit));
    }
    let t = line.trim();
    if t.len() < 3 || PRINTF.is_match(t) {
        return (0.0, None);
    }
    let letters = t
        .bytes()
        .filter(|b| b.is_ascii_alphabetic() || *b == b' ')
        .count();
    if (letters as f32) < 0.6 * t.len() as f32 {
        return (0.0, None);
    }
    let lower = t.to_ascii_lowercase();
    let strong = STRONG.iter().filter(|w| lower.contains(*w)).count() as f32;
    let weak = WEAK.iter().filter(|w| lower.contains(*w)).count() as f32;
    let mut s = (strong * 0.2).min(0.5) + (weak * 0.08).min(0.24);
    if FILE_83.is_match(t) {
        s += 0.3;
    } else if DOS_PATH.is_match(t) {
        s += 0.15;
    }
    if QUOTED.is_match(t) {
        s += 0.1;
    }
    if t.len() > 132 {
        s -= 0.4;
    }
    let prose = lower
        .split(|c: char| !(c.is_ascii_alphabetic() || c == '\''))
        .filter(|w| PROSE.contains(w))
        .count();
    s -= (prose as f32 * 0.15).min(0.45);
    (s.clamp(0.0, 0.9), None)
}

/// A fragment cut off at the edge of a run counts only if it reads as words.
fn wordlike(t: &str) -> bool {
    let t = t.trim();
    if t.len() < 6 || !t.contains(' ') {
        return false;
    }
    let letters = t.bytes().filter(|b| b.is_ascii_alphabetic()).count();
    let words = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .count();
    letters * 10 >= t.len() * 7
        && words >= 2
        && t.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() >= 3)
}

/// Where the mailbox and the .CCM/.TMP file name stand in a piece of console text.
pub fn names_in(text: &str) -> (Option<Box<str>>, Option<Box<str>>) {
    let mailbox = MAILBOX.captures(text).map(|c| c[1].into());
    let file = FILE_83.find(text).map(|m| m.as_str().into());
    (mailbox, file)
}

/// Analyses one text run `[s, e)` of `data` into findings. Outside post office stores
/// (`store` false), where strings are normal, plain text weighs less; in a store, text is
/// itself a symptom (KB Q179072).
pub fn analyze_run(
    data: &[u8],
    s: usize,
    e: usize,
    store: bool,
    sigs: &SignatureSet,
) -> Vec<Finding> {
    let mut out = analyze_lines(data, s, e, sigs);
    if !store {
        for f in out.iter_mut().filter(|f| f.kind == FindingKind::PlainText) {
            f.confidence = round2(f.confidence * 0.6);
        }
    }
    out
}

fn analyze_lines(data: &[u8], s: usize, e: usize, sigs: &SignatureSet) -> Vec<Finding> {
    let base = 0u64;
    let mut out = Vec::new();
    let run = &data[s..e];
    if run.len() > MAX_SPLIT_RUN {
        let mut f = Finding::new(FindingKind::PlainText, s as u64, e as u64, 0.3);
        f.reasons
            .push(Reason::Fact("a long text region inside binary data"));
        out.push(f);
        return out;
    }
    let mut lines = split_lines(run);
    let text_of =
        |l: &LineSpan| -> &str { std::str::from_utf8(&run[l.start..l.content_end]).unwrap_or("") };
    // Edge fragments: binary bytes that happen to be printable are not part of the write.
    if let Some(first) = lines.first() {
        if !(first.is_blank()
            || wordlike(text_of(first))
            || sigs.match_line(text_of(first)).is_some())
        {
            if first.terminated() {
                lines[0].start = first.content_end;
            } else {
                lines.remove(0);
            }
        }
    }
    if let Some(last) = lines.last() {
        if !last.terminated() && !last.is_blank() {
            let t = text_of(last);
            let keep =
                sigs.match_line(t).is_some() || (wordlike(t) && t.split_whitespace().count() >= 2);
            if !keep {
                lines.pop();
            }
        }
    }
    // Writes: blank lines followed by non-blank lines; a blank line after text starts a new one.
    let mut groups: Vec<Vec<LineSpan>> = Vec::new();
    let mut cur: Vec<LineSpan> = Vec::new();
    for l in lines {
        if l.is_blank() && cur.iter().any(|c| !c.is_blank()) {
            groups.push(std::mem::take(&mut cur));
        }
        cur.push(l);
    }
    if !cur.is_empty() {
        groups.push(cur);
    }
    for g in groups {
        // Split the group where lines change between console-like and other text; the first
        // piece keeps the group's leading blank lines.
        let mut pieces: Vec<(usize, bool, Vec<Scored>)> = Vec::new();
        let mut leading_blank = false;
        for l in &g {
            if l.is_blank() {
                leading_blank = true;
                continue;
            }
            let (score, hit) = line_score(text_of(l), sigs);
            let console = hit.is_some() || score >= 0.2;
            match pieces.last_mut() {
                Some((_, c, seg)) if *c == console => seg.push((*l, score, hit)),
                _ => {
                    let start = if pieces.is_empty() {
                        g[0].start
                    } else {
                        l.start
                    };
                    pieces.push((start, console, vec![(*l, score, hit)]));
                }
            }
        }
        for (start, console, seg) in &pieces {
            let framed = leading_blank && *start == g[0].start;
            emit(
                &mut out,
                run,
                base + s as u64,
                *start,
                seg,
                *console,
                framed,
            );
        }
    }
    // Neighbouring plain-text pieces of one run are one finding.
    let mut merged: Vec<Finding> = Vec::with_capacity(out.len());
    for f in out {
        if let Some(prev) = merged.last_mut() {
            if prev.kind == FindingKind::PlainText
                && f.kind == FindingKind::PlainText
                && prev.end == f.start
            {
                prev.end = f.end;
                continue;
            }
        }
        merged.push(f);
    }
    // A CR LF that ends a non-console line right before a console write is the write's own
    // first line break (the write landed after other text), unless that text uses CR LF itself.
    let run_base = base + s as u64;
    for i in 0..merged.len() {
        if merged[i].kind != FindingKind::ConsoleWrite {
            continue;
        }
        let at = (merged[i].start - run_base) as usize;
        if at < 3 || &run[at - 2..at] != b"\r\n" || run[at - 3] == b'\n' || run[at - 3] == b'\r' {
            continue;
        }
        let before = &run[..at - 2];
        if before.windows(2).any(|w| w == b"\r\n") {
            continue;
        }
        merged[i].start -= 2;
        if i > 0 && merged[i - 1].end == merged[i].start + 2 {
            merged[i - 1].end -= 2;
        }
    }
    // A write that ends its lines with CR LF does not start with a lone CR or LF: such a byte
    // belongs to the binary data before it.
    for f in merged
        .iter_mut()
        .filter(|f| f.kind == FindingKind::ConsoleWrite)
    {
        let b = |x: u64| data[(x - base) as usize];
        let crlf = data[(f.start - base) as usize..(f.end - base) as usize]
            .windows(2)
            .any(|w| w == b"\r\n");
        while crlf
            && f.end - f.start > 2
            && matches!(b(f.start), b'\r' | b'\n')
            && !(b(f.start) == b'\r' && b(f.start + 1) == b'\n')
        {
            f.start += 1;
        }
    }
    merged.retain(|f| f.kind != FindingKind::PlainText || f.end - f.start >= MIN_RUN as u64);
    merged
}

fn emit(
    out: &mut Vec<Finding>,
    run: &[u8],
    base: u64,
    start: usize,
    seg: &[Scored],
    console: bool,
    framed_before: bool,
) {
    let last = seg.last().expect("non-empty segment").0;
    let end = last.end;
    let bytes = &run[start..end];
    if !console {
        let t: String = bytes.iter().map(|&c| c as char).collect();
        if wordlike(&t) {
            let mut f = Finding::new(
                FindingKind::PlainText,
                base + start as u64,
                base + end as u64,
                0.35,
            );
            f.reasons.push(Reason::Fact(
                "readable text inside binary data; a healthy post office store holds none",
            ));
            out.push(f);
        }
        return;
    }
    let best_hit = seg
        .iter()
        .filter_map(|(_, _, h)| h.as_ref())
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        .cloned();
    let best = seg.iter().map(|(_, s, _)| *s).fold(0.0f32, f32::max);
    let crlf = bytes.windows(2).any(|w| w == b"\r\n");
    let lf_only = !crlf && bytes.contains(&b'\n');
    let mut why = Vec::new();
    let mut conf = best;
    match &best_hit {
        Some(h) => why.push(Reason::Signature { partial: h.partial }),
        None => why.push(Reason::Fact("console vocabulary")),
    }
    let mut bonus = 0.0;
    if framed_before {
        bonus += 0.1;
        why.push(Reason::Fact("blank line before"));
    }
    if last.terminated() {
        bonus += 0.05;
    } else {
        why.push(Reason::Fact("cut short by binary data"));
    }
    if crlf {
        bonus += 0.1;
        why.push(Reason::Fact("CR/LF line ends"));
    } else if lf_only {
        bonus -= 0.1;
    }
    if best_hit.is_none() {
        conf = (conf + bonus).min(0.95);
    } else {
        conf = (conf + bonus.min(0.0) + 0.02 * (bonus > 0.1) as u8 as f32).min(0.99);
    }
    let (mut mailbox, mut file) = names_in(&String::from_utf8_lossy(bytes));
    if let Some(h) = &best_hit {
        mailbox = h.mailbox.as_deref().map(Into::into).or(mailbox);
        file = h.file.as_deref().map(Into::into).or(file);
    }
    let mut f = Finding::new(
        FindingKind::ConsoleWrite,
        base + start as u64,
        base + end as u64,
        conf.max(0.05),
    );
    f.reasons = why;
    f.mailbox = mailbox;
    f.file = file;
    f.signature = best_hit.map(|h| h.name.into());
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;

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
        }
        assert!(!maybe_text_word(u64::from_le_bytes(*b"abc\x00defg")));
        assert!(!maybe_text_word(u64::from_le_bytes(*b"abc\x7Fdefg")));
        assert!(!maybe_text_word(u64::from_le_bytes(*b"abc\xC3defg")));
    }

    #[test]
    fn runs_found_at_every_alignment_once() {
        for off in 0..24 {
            let mut d = vec![0u8; 200];
            d[off..off + 16].copy_from_slice(b"0123456789abcdef");
            let mut runs = Vec::new();
            for chunk in (0..200).step_by(8) {
                find_runs(&d, chunk, chunk + 8, |s, e| runs.push((s, e)));
            }
            assert_eq!(runs, vec![(off, off + 16)], "offset {off}");
        }
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
        find_runs(&d, 0, d.len(), |s, e| runs.push((s, e)));
        assert_eq!(runs, vec![(at, at + 77)]);
        let f = analyze_run(&d, runs[0].0, runs[0].1, true, &sigs);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].start, f[0].end), (at as u64, at as u64 + 76));
        assert_eq!(f[0].kind, FindingKind::ConsoleWrite);
        assert!(f[0].confidence >= 0.95);
        assert_eq!(f[0].mailbox.as_deref(), Some("randyyeh_ee"));
        assert_eq!(f[0].file.as_deref(), Some("EXPORT\\MSG4A27.CCM"));
    }

    #[test]
    fn unknown_console_phrasing_scores_high_and_prose_low() {
        let sigs = SignatureSet::builtin();
        let (s, h) = line_score(
            "Importing messages from file IMPORT\\MSG0012.CCM into post office HUBPO2",
            &sigs,
        );
        assert!(h.is_none() && s >= 0.5, "{s}");
        let (s, _) = line_score(
            "The quarterly numbers look good and we should meet on Tuesday.",
            &sigs,
        );
        assert!(s < 0.2, "{s}");
        let (s, _) = line_score("cannot open file %s: %s", &sigs);
        assert_eq!(s, 0.0);
        // Prose with a cc:Mail word in it is not console output.
        let (s, _) = line_score(
            "Please import the mailbox file for me before Friday.",
            &sigs,
        );
        assert!(s < 0.2, "{s}");
        let (s, _) = line_score("Reading the post office directory for mailbox ADMIN", &sigs);
        assert!(s >= 0.4, "{s}");
    }
}

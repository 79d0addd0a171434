//! The detection engine: finds console output of the cc:Mail IMPORT/EXPORT tools written into
//! post office and connector files, other plain text in binary stores, and the message headers
//! such writes damaged. A library with no terminal code: it streams over mapped bytes in chunks
//! on worker threads, delivers findings in file order to a [`Sink`] as they become final, can be
//! cancelled from another thread, and keeps memory proportional to its findings (at most
//! [`MAX_FINDINGS`] a file), never to the file.
//!
//! Text is read in blocks (consecutive lines, blank lines included, up to where binary data or
//! clearly different text begins; [`blocks`]), and each block is judged as a whole by a small
//! calibrated model learned from a labelled corpus of real text ([`model`] over the features of
//! [`features`]): console output, prose, other structured text, or noise. Where the block sits
//! ([`place`]) turns the model's probability into a finding's confidence.
//!
//! The finding model: each write is one [`Finding`] (kinds `console-write`, `plain-text`,
//! `ccm-header-anomaly`), numbered by `id` in file order; a [`DamagedHeader`] is a separate
//! record that holds the ids of the writes inside it. What a sink receives is exactly what the
//! final [`Report`] holds.
//!
//! The binary layout of CLANDATA, MLANDATA and USR files is not public, so nothing here assumes
//! records: a binary store is read for content (text does not belong there), and a damaged
//! header in a store is where a write, or a run of writes close together, begins.

mod ahead;
pub mod batch;
pub mod blocks;
pub mod ccm;
pub mod console;
mod engine;
pub mod features;
pub mod lines;
pub mod model;
mod order;
pub mod place;
pub mod signatures;
mod sink;
mod textfile;
pub mod wordpairs;

pub use engine::Engine;
pub use sink::{Collect, Sink};

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Findings kept per file; more are counted but not stored (the first by offset are kept).
pub const MAX_FINDINGS: usize = 100_000;
/// Console writes closer than this are one damaged header in a binary store.
pub const HEADER_GAP: u64 = 512;
/// Bytes a worker scans at a time.
pub const CHUNK: usize = 4 << 20;
/// Confidence from which a console write is a suspected misdirected write.
pub const SUSPECTED: f32 = 0.5;
/// Decoded text shown per finding, in bytes.
pub const TEXT_CAP: usize = 1024;

/// What a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// Console output of a DOS tool written where it does not belong.
    ConsoleWrite,
    /// Other readable text inside binary data.
    PlainText,
    /// A line in a .CCM header block that is neither `Key: value` nor a console write.
    CcmHeaderAnomaly,
}

impl FindingKind {
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::ConsoleWrite => "console-write",
            FindingKind::PlainText => "plain-text",
            FindingKind::CcmHeaderAnomaly => "ccm-header-anomaly",
        }
    }
}

/// One reason the engine gave a finding its kind and confidence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reason {
    /// A feature of the console model and what it added (positive) or took away (negative).
    Feature(&'static str, f32),
    /// A known text of the signature set matched (`partial`: only its cut-short start).
    Signature { partial: bool },
    /// A fact about the bytes, in words.
    Fact(&'static str),
    /// .CCM: text before the header of message N (1-based).
    BeforeHeader(u32),
    /// .CCM: text inside the header of message N (1-based) that is not a header line.
    InsideHeader(u32),
    /// .CCM: text outside any message header.
    OutsideMessages,
    /// What the text model reads the block as, with its probability.
    Class(model::TextClass, f32),
    /// Where the text sits, and the factor that place gives a console write's confidence.
    Place(&'static str, f32),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Feature(name, w) => write!(f, "{name} ({w:+.2})"),
            Reason::Signature { partial: true } => f.write_str("cut-short signature"),
            Reason::Signature { partial: false } => f.write_str("signature"),
            Reason::Fact(s) => f.write_str(s),
            Reason::BeforeHeader(m) => write!(f, "text before the header of message {m}"),
            Reason::InsideHeader(m) => write!(
                f,
                "text inside the header of message {m} that is not a header line"
            ),
            Reason::OutsideMessages => f.write_str("text in a .CCM file outside any message"),
            Reason::Class(c, p) => {
                let what = match c {
                    model::TextClass::Console => "console output",
                    model::TextClass::Prose => "prose",
                    model::TextClass::Structured => "structured text",
                    model::TextClass::Noise => "noise",
                };
                write!(f, "reads as {what} ({p:.2})")
            }
            Reason::Place(why, factor) if *factor == 1.0 => f.write_str(why),
            Reason::Place(why, factor) => write!(f, "{why} (x{factor:.2})"),
        }
    }
}

/// One thing found: a byte range `[start, end)` of the file and what it is. The text is not
/// kept; [`Finding::text`] decodes it from the bytes on demand.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// 1-based, in file order; the same in `scan`, the inspector and `export --finding`.
    pub id: u32,
    pub kind: FindingKind,
    pub start: u64,
    pub end: u64,
    /// 0..1, rounded to two decimals by the engine (the only place it is rounded).
    pub confidence: f32,
    /// The first mailbox and the first .CCM/.TMP/.UND file name the write gives.
    pub mailbox: Option<Box<str>>,
    pub file: Option<Box<str>>,
    /// Further mailboxes and file names it gives, in order ([`Finding::mailboxes`] and
    /// [`Finding::files`] give all).
    pub more_mailboxes: Box<[Box<str>]>,
    pub more_files: Box<[Box<str>]>,
    /// The signature that matched, by name.
    pub signature: Option<Box<str>>,
    /// Why, most important first.
    pub reasons: Vec<Reason>,
    /// For .CCM files, the message (0-based) this finding belongs to.
    pub message: Option<u32>,
    /// The damaged header holding this write, by id.
    pub header: Option<u32>,
}

/// Rounds a confidence to two decimals.
pub(crate) fn round2(x: f32) -> f32 {
    (x * 100.0).round() / 100.0
}

impl Finding {
    /// A finding not yet numbered (the engine numbers findings as it delivers them).
    pub(crate) fn new(kind: FindingKind, start: u64, end: u64, confidence: f32) -> Finding {
        Finding {
            id: 0,
            kind,
            start,
            end,
            confidence: round2(confidence),
            mailbox: None,
            file: None,
            more_mailboxes: Box::new([]),
            more_files: Box::new([]),
            signature: None,
            reasons: Vec::new(),
            message: None,
            header: None,
        }
    }

    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// Every mailbox the write gives, in order.
    pub fn mailboxes(&self) -> impl Iterator<Item = &str> {
        self.mailbox
            .iter()
            .chain(self.more_mailboxes.iter())
            .map(|n| &**n)
    }

    /// Every .CCM/.TMP/.UND file name the write gives, in order.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.file.iter().chain(self.more_files.iter()).map(|n| &**n)
    }

    /// Sets the names: those of `names`, after the ones a known text gave (`mailbox`, `file`),
    /// which come first.
    pub(crate) fn set_names(
        &mut self,
        mut names: console::Names,
        mailbox: Option<&str>,
        file: Option<&str>,
    ) {
        // The signature's name comes first. A file name found in the text that ends the
        // signature's after a character that is not a letter or digit is the same mention read
        // more narrowly (`EXPORT\MSG1.CCM` of `@EXPORT\MSG1.CCM`: DOS allows `@` in names,
        // the name pattern does not).
        fn first(list: &mut Vec<Box<str>>, name: Option<&str>, tails: bool) {
            if let Some(n) = name {
                let lower = n.to_ascii_lowercase();
                list.retain(|x| {
                    let x = x.to_ascii_lowercase();
                    let same = lower == x
                        || tails
                            && lower.strip_suffix(&x).is_some_and(|head| {
                                !head.ends_with(|c: char| c.is_ascii_alphanumeric())
                            });
                    !same
                });
                list.insert(0, n.into());
            }
        }
        first(&mut names.mailboxes, mailbox, false);
        first(&mut names.files, file, true);
        let split = |mut v: Vec<Box<str>>| {
            let head = (!v.is_empty()).then(|| v.remove(0));
            (head, v.into_boxed_slice())
        };
        (self.mailbox, self.more_mailboxes) = split(names.mailboxes);
        (self.file, self.more_files) = split(names.files);
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn suspected(&self) -> bool {
        self.confidence >= SUSPECTED
    }

    /// The finding's bytes decoded as text (raw: may hold CR/LF; sanitize before display), at
    /// most [`TEXT_CAP`] bytes, with `…` when cut.
    pub fn text(&self, data: &[u8]) -> String {
        decode(range(data, self.start, self.end))
    }

    /// Why, in words.
    pub fn why(&self) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(self.reasons.len());
        for r in &self.reasons {
            match (r, &self.signature) {
                (Reason::Signature { partial }, Some(name)) => parts.push(format!(
                    "{}signature '{}'",
                    if *partial { "cut-short " } else { "" },
                    name
                )),
                _ => parts.push(r.to_string()),
            }
        }
        parts.join(", ")
    }
}

/// `data[start..end]`, cut to what `data` holds.
pub(crate) fn range(data: &[u8], start: u64, end: u64) -> &[u8] {
    let s = (start as usize).min(data.len());
    let e = (end as usize).clamp(s, data.len());
    &data[s..e]
}

/// Decodes bytes as Latin-1 text, at most [`TEXT_CAP`] bytes, with `…` when cut.
pub(crate) fn decode(b: &[u8]) -> String {
    let n = b.len().min(TEXT_CAP);
    let mut s = crate::sanitize::latin1(&b[..n]);
    if b.len() > TEXT_CAP {
        s.push('…');
    }
    s
}

/// A message header (in a .CCM file) or a stretch of a binary store that console writes
/// damaged. It holds its writes by id.
#[derive(Clone, Debug, PartialEq)]
pub struct DamagedHeader {
    /// 1-based, in file order.
    pub id: u32,
    pub start: u64,
    pub end: u64,
    /// The highest confidence of its writes (0.6 for a .CCM header that lost its `Message:`
    /// line and holds no write).
    pub confidence: f32,
    /// Ids of the console writes inside it.
    pub writes: Vec<u32>,
    /// Ids of the other header anomalies inside it (.CCM).
    pub anomalies: Vec<u32>,
    /// For .CCM files, the message (0-based).
    pub message: Option<u32>,
    /// A .CCM header whose `Message:` line is missing.
    pub missing_keyword: bool,
}

impl DamagedHeader {
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// What a file is, by its name and its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Clandata,
    Mlandata,
    UsrMailbox,
    PostOfficeFile,
    NftErrorLog,
    ConnectorMessage,
    ConnectorIni,
    Binary,
    Text,
    Empty,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Clandata => "clandata",
            FileKind::Mlandata => "mlandata",
            FileKind::UsrMailbox => "usr-mailbox",
            FileKind::PostOfficeFile => "post-office-file",
            FileKind::NftErrorLog => "nfterror-log",
            FileKind::ConnectorMessage => "connector-message",
            FileKind::ConnectorIni => "connector-ini",
            FileKind::Binary => "other-binary",
            FileKind::Text => "other-text",
            FileKind::Empty => "empty",
        }
    }

    /// Post office stores: binary files read for content.
    pub fn is_store(self) -> bool {
        matches!(
            self,
            FileKind::Clandata
                | FileKind::Mlandata
                | FileKind::UsrMailbox
                | FileKind::PostOfficeFile
        )
    }
}

/// How a file's content is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Binary data: text runs inside it are findings.
    Binary,
    /// The Import/Export text format.
    Ccm,
    /// A text file: every block is judged; console output is weighed by where it sits.
    Text,
}

/// Counts in a stretch: the ASCII controls that are neither console text (TEXT) nor a form
/// feed, and the OR of all bytes (whether any is not ASCII). Branch-free in blocks of 128 (a
/// byte counter each) so that it runs on vector registers: classifying a folder of text files
/// is otherwise a third of a folder scan.
fn text_counts(b: &[u8]) -> (usize, u8) {
    let (mut bad_ascii, mut high) = (0usize, 0u8);
    for block in b.chunks(128) {
        let mut k = 0u8;
        for &c in block {
            // Tab, LF, FF, CR: 09h-0Dh but not 0Bh.
            let space = (c.wrapping_sub(0x09) < 5) & (c != 0x0B);
            k += (((c < 0x20) & !space) | (c == 0x7F)) as u8;
            high |= c;
        }
        bad_ascii += k as usize;
    }
    (bad_ascii, high)
}

/// Whether a sample (free of NUL bytes) with these counts is text: at least 97% good bytes.
/// Good bytes: console text, form feeds, and the bytes of valid UTF-8 sequences of two bytes or
/// more. ASCII is never part of an invalid sequence, so the good count is the length less the
/// bad ASCII and less the bytes of invalid sequences.
fn text_verdict(b: &[u8], (bad_ascii, high): (usize, u8)) -> bool {
    if b.is_empty() {
        return true;
    }
    let invalid: usize = if high < 0x80 || std::str::from_utf8(b).is_ok() {
        0
    } else {
        b.utf8_chunks().map(|c| c.invalid().len()).sum()
    };
    (b.len() - bad_ascii - invalid) * 100 >= b.len() * 97
}

/// Whether the head (first 64 KiB) and the tail (last 16 KiB) of `data` are both text samples
/// (no NUL byte, 97% good bytes). Where they overlap (files under 80 KiB), bytes are counted
/// once.
fn head_and_tail_are_text(data: &[u8]) -> bool {
    let head_end = data.len().min(64 * 1024);
    let tail_start = data.len().saturating_sub(16 * 1024);
    let (head, tail) = (&data[..head_end], &data[tail_start..]);
    if memchr::memchr(0, head).is_some() || memchr::memchr(0, tail).is_some() {
        return false;
    }
    // Head only, both, tail only.
    let (a_end, c_start) = (tail_start.min(head_end), tail_start.max(head_end));
    let a = text_counts(&data[..a_end]);
    let b = text_counts(&data[a_end..head_end.max(a_end)]);
    let c = text_counts(&data[c_start..]);
    text_verdict(head, (a.0 + b.0, a.1 | b.1)) && text_verdict(tail, (b.0 + c.0, b.1 | c.1))
}

/// Classifies a file by its name (post office and connector names) and its content.
pub fn classify(name: &Path, data: &[u8]) -> (FileKind, Method) {
    if data.is_empty() {
        return (FileKind::Empty, Method::Text);
    }
    let base = name
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_uppercase())
        .unwrap_or_default();
    let (stem, ext) = match base.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), e.to_string()),
        None => (base.clone(), String::new()),
    };
    let in_ccmcdata = name.ancestors().any(|a| {
        a.file_name()
            .is_some_and(|n| n.eq_ignore_ascii_case("ccmcdata"))
    });
    let by_name = match (stem.as_str(), ext.as_str()) {
        ("CLANDATA", _) => Some(FileKind::Clandata),
        ("MLANDATA", _) => Some(FileKind::Mlandata),
        (s, _)
            if s.len() >= 4
                && s.len() <= 8
                && s.starts_with("USR")
                && s[3..].bytes().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Some(FileKind::UsrMailbox)
        }
        ("CCPOMBOX" | "CCPODD" | "NFTCHECK" | "CCPOMS", _) | ("CCVER" | "CCINTL", "TB") => {
            Some(FileKind::PostOfficeFile)
        }
        ("NFTERROR", "LOG") => Some(FileKind::NftErrorLog),
        ("EXPORT" | "IMPORT", "INI") => Some(FileKind::ConnectorIni),
        (_, "CCM" | "TMP" | "UND") => Some(FileKind::ConnectorMessage),
        (_, "BAK") if in_ccmcdata => Some(FileKind::ConnectorMessage),
        _ => None,
    };
    let textual = head_and_tail_are_text(data);
    match by_name {
        Some(k) if k.is_store() => (k, Method::Binary),
        Some(k) => {
            if ccm::looks_like_ccm(data) || ccm::looks_like_headless_ccm(data) {
                (k, Method::Ccm)
            } else if textual {
                (k, Method::Text)
            } else {
                (k, Method::Binary)
            }
        }
        None => {
            if textual && ccm::looks_like_ccm(data) {
                (FileKind::ConnectorMessage, Method::Ccm)
            } else if textual {
                (FileKind::Text, Method::Text)
            } else {
                (FileKind::Binary, Method::Binary)
            }
        }
    }
}

/// Shared between a scan and whoever watches it: progress and cancellation.
#[derive(Debug, Default)]
pub struct Control {
    cancel: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
}

impl Control {
    pub fn new() -> Control {
        Control::default()
    }
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
    /// Bytes scanned so far and bytes in all.
    pub fn progress(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
    pub(crate) fn set_total(&self, n: u64) {
        self.total.store(n, Ordering::Relaxed);
    }
    pub(crate) fn add_done(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }
    pub(crate) fn set_done(&self, n: u64) {
        self.done.store(n, Ordering::Relaxed);
    }
}

/// The result of scanning one file.
#[derive(Clone, Debug)]
pub struct Report {
    pub kind: FileKind,
    /// Findings in file order; `findings[i].id == i + 1`.
    pub findings: Vec<Finding>,
    /// Damaged headers in file order; `headers[i].id == i + 1`.
    pub headers: Vec<DamagedHeader>,
    /// .CCM messages with their header ranges (at most [`ccm::MAX_MESSAGES`]).
    pub messages: Vec<ccm::Message>,
    /// .CCM messages read but not kept (beyond [`ccm::MAX_MESSAGES`]).
    pub messages_dropped: u64,
    /// Findings found beyond [`MAX_FINDINGS`] and not kept.
    pub dropped: u64,
    /// Damaged headers of a `.CCM` file not kept: all of their findings were beyond
    /// [`MAX_FINDINGS`].
    pub headers_dropped: u64,
    pub cancelled: bool,
    /// Set when the file was shorter at scan time than when opened.
    pub shrank_to: Option<u64>,
    /// Findings left out because they reach past [`Report::shrank_to`]: bytes the file no
    /// longer has (found while they were still there, or read as zeros).
    pub past_end: u64,
    /// A text file that reads as console output as a whole: a transcript, or the connector's
    /// redirect file, where a run's output belongs (its write is weighed low as a misdirected
    /// write; its time dates the run).
    pub console_file: bool,
    /// The file's modification time when it was opened to be scanned (the timeline's, so that
    /// it dates the bytes scanned); `None` for standard input, bytes in memory, and where the
    /// scan was not given it.
    pub modified: Option<std::time::SystemTime>,
}

impl Report {
    pub(crate) fn new(kind: FileKind) -> Report {
        Report {
            kind,
            findings: Vec::new(),
            headers: Vec::new(),
            messages: Vec::new(),
            messages_dropped: 0,
            headers_dropped: 0,
            dropped: 0,
            cancelled: false,
            shrank_to: None,
            past_end: 0,
            console_file: false,
            modified: None,
        }
    }

    /// The file shrank to `n` bytes while it was scanned: what is said of it is what lies in
    /// those bytes. Findings that reach past `n` are left out (and counted in `past_end`), and
    /// so are damaged headers left with none of their findings (unless they hold only a lost
    /// `Message:` line and start before `n`) and `.CCM` messages that start at or past `n`;
    /// the ids that remain are numbered again.
    pub(crate) fn cut_at(&mut self, n: u64) {
        // In file order: the findings kept are those before the first that reaches past `n`.
        let keep = self
            .findings
            .iter()
            .position(|f| f.end > n)
            .unwrap_or(self.findings.len());
        self.past_end += (self.findings.len() - keep) as u64;
        self.findings.truncate(keep);
        let kept = keep as u32;
        let mut renumber = Vec::with_capacity(self.headers.len());
        let mut headers = Vec::with_capacity(self.headers.len());
        for mut h in std::mem::take(&mut self.headers) {
            let had = !(h.writes.is_empty() && h.anomalies.is_empty());
            h.writes.retain(|&id| id <= kept);
            h.anomalies.retain(|&id| id <= kept);
            let empty = h.writes.is_empty() && h.anomalies.is_empty();
            if h.start >= n || (empty && (had || !h.missing_keyword)) {
                renumber.push(None);
                continue;
            }
            h.end = h.end.min(n);
            renumber.push(Some(headers.len() as u32 + 1));
            h.id = headers.len() as u32 + 1;
            headers.push(h);
        }
        self.headers = headers;
        for f in &mut self.findings {
            f.header = f.header.and_then(|id| {
                renumber
                    .get((id as usize).checked_sub(1)?)
                    .copied()
                    .flatten()
            });
        }
        self.messages.retain(|m| m.header_start < n);
    }

    /// The finding with this id.
    pub fn finding(&self, id: u32) -> Option<&Finding> {
        self.findings.get((id as usize).wrapping_sub(1))
    }

    /// The damaged header with this id.
    pub fn header(&self, id: u32) -> Option<&DamagedHeader> {
        self.headers.get((id as usize).wrapping_sub(1))
    }

    /// Findings of `kind` at `min` confidence or more.
    pub fn count(&self, kind: FindingKind, min_conf: f32) -> usize {
        self.findings
            .iter()
            .filter(|f| f.kind == kind && f.confidence >= min_conf)
            .count()
    }

    /// Damaged headers at `min` confidence or more.
    pub fn damaged(&self, min_conf: f32) -> usize {
        self.headers
            .iter()
            .filter(|h| h.confidence >= min_conf)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_is_given_once_though_read_twice() {
        let text = "Exporting messages in mailbox \"JOANN\" to file @EXPORT\\MSG1.CCM\r\n\
                    Exporting messages in mailbox \"ANN\" to file AMSG1.CCM\r\n";
        let mut f = Finding::new(FindingKind::ConsoleWrite, 0, text.len() as u64, 0.9);
        f.set_names(
            console::names_in(text),
            Some("JOANN"),
            Some("@EXPORT\\MSG1.CCM"),
        );
        assert_eq!(f.mailboxes().collect::<Vec<_>>(), ["JOANN", "ANN"]);
        assert_eq!(
            f.files().collect::<Vec<_>>(),
            ["@EXPORT\\MSG1.CCM", "AMSG1.CCM"]
        );
    }

    /// The text test as it was first written, byte by byte: the reference for the fast one.
    fn reference_sample(b: &[u8]) -> bool {
        if b.is_empty() {
            return true;
        }
        if b.contains(&0) {
            return false;
        }
        let mut good = 0usize;
        for chunk in b.utf8_chunks() {
            good += chunk
                .valid()
                .bytes()
                .filter(|&c| console::TEXT[c as usize] || c >= 0x80 || c == 0x0C)
                .count();
        }
        good * 100 >= b.len() * 97
    }

    #[test]
    fn the_fast_text_test_agrees_with_the_reference() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let text = "Exporting messages \u{e9}t\u{e9} \u{2014} caf\u{e9}\r\n\t\x0c".as_bytes();
        for round in 0..400 {
            let len = [
                1,
                15,
                100,
                16 << 10,
                40 << 10,
                64 << 10,
                70 << 10,
                100 << 10,
            ][round % 8]
                + (next() % 300) as usize;
            let mut d: Vec<u8> = text.iter().copied().cycle().take(len).collect();
            // A few odd bytes: controls, DEL, stray UTF-8 lead and continuation bytes, NUL.
            let odd = [0x01, 0x0B, 0x1B, 0x7F, 0xC3, 0x80, 0xFF, 0x00];
            for _ in 0..(next() % (len as u64 / 20 + 2)) {
                let at = (next() % len as u64) as usize;
                d[at] = odd[(next() % if round % 3 == 0 { 8 } else { 7 }) as usize];
            }
            let head = &d[..d.len().min(64 * 1024)];
            let tail = &d[d.len().saturating_sub(16 * 1024)..];
            assert_eq!(
                head_and_tail_are_text(&d),
                reference_sample(head) && reference_sample(tail),
                "round {round}, {len} bytes"
            );
        }
    }

    #[test]
    fn kinds_by_name_and_content() {
        let bin = [0u8, 1, 2, 0xFF];
        assert_eq!(
            classify(Path::new("po/CLANDATA"), &bin).0,
            FileKind::Clandata
        );
        assert_eq!(
            classify(Path::new("po/usr00012"), &bin).0,
            FileKind::UsrMailbox
        );
        assert_eq!(
            classify(
                Path::new("x/Ccmcdata/Import/MSG4A27.CCM"),
                b"Message:\r\n1\r\n"
            ),
            (FileKind::ConnectorMessage, Method::Ccm)
        );
        assert_eq!(
            classify(Path::new("notes.txt"), b"hello world\n"),
            (FileKind::Text, Method::Text)
        );
        assert_eq!(
            classify(Path::new("blob"), &bin),
            (FileKind::Binary, Method::Binary)
        );
        assert_eq!(
            classify(Path::new("a/Ccmcdata/Bad/X.BAK"), &bin).0,
            FileKind::ConnectorMessage
        );
    }
}

//! The detection engine: finds console output of the cc:Mail IMPORT/EXPORT tools written into
//! post office and connector files, other plain text in binary stores, and the message headers
//! such writes damaged. A library with no terminal code: it streams over mapped bytes in chunks
//! on worker threads, reports progress, can be cancelled from another thread, and keeps memory
//! proportional to its findings (at most [`MAX_FINDINGS`] a file), never to the file.
//!
//! The binary layout of CLANDATA, MLANDATA and USR files is not public, so nothing here assumes
//! records: a binary store is read for content (text does not belong there), and a "damaged
//! header" in a store is where a write, or a run of writes close together, begins.

pub mod ccm;
pub mod console;
pub mod signatures;

use serde::Serialize;
use signatures::SignatureSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

/// Findings kept per file; more are counted but not stored (the first by offset are kept).
pub const MAX_FINDINGS: usize = 100_000;
/// Console writes closer than this are one damaged header in a binary store.
pub const HEADER_GAP: u64 = 512;
/// Bytes a worker scans at a time.
pub const CHUNK: usize = 4 << 20;
/// Confidence from which a console write is a suspected misdirected write.
pub const SUSPECTED: f32 = 0.5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    DamagedHeader,
    ConsoleWrite,
    PlainText,
}

impl FindingKind {
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::DamagedHeader => "damaged-header",
            FindingKind::ConsoleWrite => "console-write",
            FindingKind::PlainText => "plain-text",
        }
    }
}

/// One thing found: a byte range `[start, end)` of the file and what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    pub start: u64,
    pub end: u64,
    pub confidence: f32,
    /// Decoded text (raw: may hold CR/LF; sanitize before display). At most 1 KiB.
    pub text: String,
    pub mailbox: Option<String>,
    pub file: Option<String>,
    pub signature: Option<String>,
    /// Why the engine thinks so, in words.
    pub why: String,
    /// For .CCM files, the message (0-based) this finding belongs to.
    pub message: Option<usize>,
}

impl Finding {
    pub fn new(
        kind: FindingKind,
        start: u64,
        end: u64,
        confidence: f32,
        text: String,
        why: String,
    ) -> Finding {
        Finding {
            kind,
            start,
            end,
            confidence: (confidence * 100.0).round() / 100.0,
            text,
            mailbox: None,
            file: None,
            signature: None,
            why,
            message: None,
        }
    }

    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn suspected(&self) -> bool {
        self.confidence >= SUSPECTED
    }
}

/// What a file is, by its name and its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
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
    /// A text file: console text there is not a misdirected write; nothing is reported.
    Text,
}

fn is_text_sample(b: &[u8]) -> bool {
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
    let head = &data[..data.len().min(64 * 1024)];
    let tail = &data[data.len().saturating_sub(16 * 1024)..];
    let textual = is_text_sample(head) && is_text_sample(tail);
    match by_name {
        Some(k) if k.is_store() => (k, Method::Binary),
        Some(k) => {
            if ccm::looks_like_ccm(data) {
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
}

/// What the engine reads: bytes, plus what the file system can tell about them.
pub trait Input: Sync {
    fn bytes(&self) -> &[u8];
    /// The next offset at or after `offset` that is not a hole (sparse files).
    fn next_data(&self, offset: u64) -> Option<u64> {
        (offset < self.bytes().len() as u64).then_some(offset)
    }
    /// The size now; a file that shrank is read only up to it.
    fn current_len(&self) -> u64 {
        self.bytes().len() as u64
    }
    /// The engine is done with `[from, to)` (a mapped file may drop those pages).
    fn release(&self, _from: u64, _to: u64) {}
}

impl Input for [u8] {
    fn bytes(&self) -> &[u8] {
        self
    }
}

impl Input for crate::source::Source {
    fn bytes(&self) -> &[u8] {
        crate::source::Source::bytes(self)
    }
    fn next_data(&self, offset: u64) -> Option<u64> {
        crate::source::Source::next_data(self, offset)
    }
    fn current_len(&self) -> u64 {
        crate::source::Source::current_len(self)
    }
    fn release(&self, from: u64, to: u64) {
        crate::source::Source::release(self, from, to)
    }
}

/// The result of scanning one file.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub kind: Option<FileKind>,
    pub findings: Vec<Finding>,
    /// .CCM messages with their header ranges.
    pub messages: Vec<ccm::Message>,
    /// Findings found beyond [`MAX_FINDINGS`] and not kept.
    pub dropped: u64,
    pub cancelled: bool,
    /// Set when the file was shorter at scan time than when opened.
    pub shrank_to: Option<u64>,
}

impl Report {
    pub fn count(&self, kind: FindingKind, min_conf: f32) -> usize {
        self.findings
            .iter()
            .filter(|f| f.kind == kind && f.confidence >= min_conf)
            .count()
    }
}

/// What the binary pass found.
struct BinaryScan {
    findings: Vec<Finding>,
    dropped: u64,
    cancelled: bool,
    shrank_to: Option<u64>,
}

/// The engine: a signature set and how many worker threads to use.
#[derive(Clone, Debug)]
pub struct Engine {
    pub signatures: SignatureSet,
    pub threads: usize,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(SignatureSet::builtin())
    }
}

impl Engine {
    pub fn new(signatures: SignatureSet) -> Engine {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        Engine {
            signatures,
            threads,
        }
    }

    /// Scans `input` (named `name` for classification). Findings come sorted by offset.
    pub fn scan(&self, input: &(impl Input + ?Sized), name: &Path, ctl: &Control) -> Report {
        self.scan_with(input, name, ctl, &mut |_| {})
    }

    /// Like [`Engine::scan`], calling `on_batch` with findings as they are found (in chunk
    /// order per worker, not sorted across workers).
    pub fn scan_with(
        &self,
        input: &(impl Input + ?Sized),
        name: &Path,
        ctl: &Control,
        on_batch: &mut dyn FnMut(&[Finding]),
    ) -> Report {
        let data = input.bytes();
        let now = (input.current_len() as usize).min(data.len());
        let shrank_to = (now < data.len()).then_some(now as u64);
        let data = &data[..now];
        ctl.total.store(data.len() as u64, Ordering::Relaxed);
        let (kind, method) = classify(name, data);
        let mut report = Report {
            kind: Some(kind),
            shrank_to,
            ..Report::default()
        };
        match method {
            Method::Text => {}
            Method::Ccm => {
                let (messages, findings) = ccm::analyze(data, &self.signatures);
                on_batch(&findings);
                report.messages = messages;
                report.findings = findings;
            }
            Method::Binary => {
                let b = self.scan_binary(input, data, ctl, on_batch);
                report.findings = b.findings;
                report.dropped = b.dropped;
                report.cancelled = b.cancelled;
                report.shrank_to = report.shrank_to.or(b.shrank_to);
                if !kind.is_store() {
                    // Strings are normal in executables and other binary files; in a post office
                    // store, text is itself a symptom (KB Q179072).
                    for f in report
                        .findings
                        .iter_mut()
                        .filter(|f| f.kind == FindingKind::PlainText)
                    {
                        f.confidence = (f.confidence * 0.6 * 100.0).round() / 100.0;
                    }
                }
                let headers = derive_headers(&report.findings);
                report.findings.extend(headers);
                sort_findings(&mut report.findings);
            }
        }
        if report.findings.len() > MAX_FINDINGS {
            report.dropped += (report.findings.len() - MAX_FINDINGS) as u64;
            report.findings.truncate(MAX_FINDINGS);
        }
        ctl.done.store(data.len() as u64, Ordering::Relaxed);
        report
    }

    fn scan_binary(
        &self,
        input: &(impl Input + ?Sized),
        data: &[u8],
        ctl: &Control,
        on_batch: &mut dyn FnMut(&[Finding]),
    ) -> BinaryScan {
        let chunks = data.len().div_ceil(CHUNK);
        let next = AtomicU64::new(0);
        let threads = self.threads.clamp(1, chunks.max(1));
        let mut kept: std::collections::BTreeMap<usize, Vec<Finding>> = Default::default();
        let mut stored = 0usize;
        let mut dropped = 0u64;
        // Chunks past this index are not stored once the cap is reached (they lie further on).
        let cutoff = AtomicU64::new(u64::MAX);
        let shrank = AtomicU64::new(u64::MAX);
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel::<(usize, Vec<Finding>, usize)>();
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, cutoff, shrank) = (&next, &cutoff, &shrank);
                scope.spawn(move || loop {
                    if ctl.is_cancelled() {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    if i >= chunks {
                        break;
                    }
                    let from = i * CHUNK;
                    let to = (from + CHUNK).min(data.len());
                    // Stop at the file's current size: bytes past it are gone.
                    let now = input.current_len();
                    if now < to as u64 {
                        shrank.fetch_min(now, Ordering::Relaxed);
                        break;
                    }
                    let mut found = Vec::new();
                    let mut count = 0usize;
                    // Holes in a sparse file hold only zeros: no text there.
                    let skip = match input.next_data(from as u64) {
                        None => true,
                        Some(d) => d >= to as u64,
                    };
                    if !skip {
                        let store = (i as u64) <= cutoff.load(Ordering::Relaxed);
                        console::find_runs(data, from, to, |s, e| {
                            let f = console::analyze_run(data, s, e, 0, &self.signatures);
                            count += f.len();
                            if store {
                                found.extend(f);
                            }
                        });
                    }
                    input.release(from as u64, to as u64);
                    if tx.send((i, found, count)).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            for (i, found, count) in rx {
                ctl.done
                    .fetch_add(CHUNK.min(data.len() - i * CHUNK) as u64, Ordering::Relaxed);
                if count > found.len() {
                    dropped += (count - found.len()) as u64;
                }
                if found.is_empty() {
                    continue;
                }
                on_batch(&found);
                stored += found.len();
                kept.insert(i, found);
                // Keep the lowest chunks only, once more than the cap is held.
                while stored > MAX_FINDINGS {
                    let (&last, v) = kept.iter().next_back().expect("non-empty");
                    if stored - v.len() < MAX_FINDINGS {
                        break;
                    }
                    stored -= v.len();
                    dropped += v.len() as u64;
                    kept.remove(&last);
                    cutoff.store(
                        kept.keys().next_back().map_or(0, |&k| k as u64),
                        Ordering::Relaxed,
                    );
                }
            }
        });
        let findings: Vec<Finding> = kept.into_values().flatten().collect();
        let shrank = shrank.into_inner();
        BinaryScan {
            findings,
            dropped,
            cancelled: ctl.is_cancelled(),
            shrank_to: (shrank != u64::MAX).then_some(shrank),
        }
    }
}

/// Sorts findings by offset; at one offset a damaged header comes before what it holds.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by_key(|f| (f.start, f.kind));
}

/// Damaged headers in a binary store: each run of suspected console writes closer than
/// [`HEADER_GAP`] to each other is one damaged header, starting where the first write begins.
pub fn derive_headers(findings: &[Finding]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let mut group: Vec<&Finding> = Vec::new();
    let flush = |group: &mut Vec<&Finding>, out: &mut Vec<Finding>| {
        if group.is_empty() {
            return;
        }
        let first = group[0];
        let last = group[group.len() - 1];
        let conf = group.iter().map(|f| f.confidence).fold(0.0, f32::max);
        let mut h = Finding::new(
            FindingKind::DamagedHeader,
            first.start,
            last.end,
            conf,
            first.text.clone(),
            format!(
                "{} console write(s) in {} bytes; the store's record layout is not public, so the damaged header is taken to begin where the first write begins",
                group.len(),
                last.end - first.start
            ),
        );
        h.mailbox = group.iter().find_map(|f| f.mailbox.clone());
        h.file = group.iter().find_map(|f| f.file.clone());
        out.push(h);
        group.clear();
    };
    let mut sorted: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::ConsoleWrite && f.suspected())
        .collect();
    sorted.sort_by_key(|f| f.start);
    for f in sorted {
        if let Some(last) = group.last() {
            if f.start > last.end + HEADER_GAP {
                flush(&mut group, &mut out);
            }
        }
        group.push(f);
    }
    flush(&mut group, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn seams_and_threads_give_the_same_answer() {
        let w = b"\r\n\r\nExporting messages in mailbox \"a\" to file EXPORT\\MSG0001.CCM\r\n";
        let mut d = vec![0x90u8; 3 * CHUNK];
        for at in [0, CHUNK - 30, 2 * CHUNK - 3, 3 * CHUNK - w.len()] {
            d[at..at + w.len()].copy_from_slice(w);
        }
        let mut e = Engine::default();
        let one = {
            e.threads = 1;
            e.scan(&d[..], Path::new("CLANDATA"), &Control::new())
        };
        e.threads = 2;
        let two = e.scan(&d[..], Path::new("CLANDATA"), &Control::new());
        assert_eq!(one.findings, two.findings);
        let cw: Vec<(u64, u64)> = one
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::ConsoleWrite)
            .map(|f| (f.start, f.end))
            .collect();
        let want: Vec<(u64, u64)> = [0, CHUNK - 30, 2 * CHUNK - 3, 3 * CHUNK - w.len()]
            .iter()
            .map(|&a| (a as u64, (a + w.len()) as u64))
            .collect();
        assert_eq!(cw, want);
        assert_eq!(one.count(FindingKind::DamagedHeader, 0.5), 4);
    }

    #[test]
    fn cancel_stops_early() {
        let d = vec![0x90u8; 8 * CHUNK];
        let ctl = Control::new();
        ctl.cancel();
        let r = Engine::default().scan(&d[..], Path::new("CLANDATA"), &ctl);
        assert!(r.cancelled);
    }
}

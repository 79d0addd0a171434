//! The engine: classifies a file, then reads it the way its kind asks (binary data in chunks on
//! worker threads, the .CCM text format and other text files in one pass) and delivers findings
//! to a sink in file order, each one final when delivered: numbered, with its confidence and its
//! damaged header. Chunk results that arrive early wait in a small reorder window; workers
//! never run far ahead.

use super::blocks::Reader;
use super::model::Model;
use super::place::{Candidate, Place};
use super::{
    ccm, classify, console, signatures::SignatureSet, textfile, Control, DamagedHeader, FileKind,
    Finding, FindingKind, Method, Report, Sink, CHUNK, HEADER_GAP, MAX_FINDINGS,
};
use crate::source::Bytes;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

/// The engine: a signature set and how many worker threads to use.
#[derive(Clone, Debug)]
pub struct Engine {
    signatures: SignatureSet,
    model: Option<&'static Model>,
    threads: usize,
    chunk: usize,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(SignatureSet::builtin())
    }
}

impl Engine {
    /// An engine using all cores.
    pub fn new(signatures: SignatureSet) -> Engine {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        Engine {
            signatures,
            model: None,
            threads,
            chunk: CHUNK,
        }
    }

    /// The same engine judging text with another model (the training program evaluates the
    /// model it has just made this way); [`Model::builtin`] by default.
    pub fn with_model(mut self, model: &'static Model) -> Engine {
        self.model = Some(model);
        self
    }

    /// The same engine reading binary data in chunks of `n` bytes (a multiple of 4096, at
    /// least 4096; [`CHUNK`] by default). Results do not depend on it; tests use small chunks
    /// to put many chunk borders in small inputs.
    pub fn with_chunk_size(mut self, n: usize) -> Engine {
        self.chunk = n.max(4096) & !4095;
        self
    }

    /// The same engine with `n` worker threads per file (at least one).
    pub fn with_threads(mut self, n: usize) -> Engine {
        self.threads = n.max(1);
        self
    }

    /// The model judging text: the one given with [`Engine::with_model`], else the built-in
    /// one, loaded when first needed (not when the engine is made: the inspector draws its
    /// first frame before the model is read).
    pub(crate) fn model(&self) -> &'static Model {
        self.model.unwrap_or_else(Model::builtin)
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    pub fn signatures(&self) -> &SignatureSet {
        &self.signatures
    }

    /// Scans `input` (named `name` for classification) and returns the report.
    pub fn scan(&self, input: &(impl Bytes + ?Sized), name: &Path, ctl: &Control) -> Report {
        self.scan_into(input, name, ctl, &mut ())
    }

    /// Scans `input`, delivering each finding and damaged header to `sink` as it becomes final,
    /// in file order. The report returned holds exactly what the sink received, less what
    /// reaches past the end of a file that shrank while it was scanned ([`Report::past_end`]).
    pub fn scan_into(
        &self,
        input: &(impl Bytes + ?Sized),
        name: &Path,
        ctl: &Control,
        sink: &mut dyn Sink,
    ) -> Report {
        let all = input.bytes();
        let now = (input.current_len() as usize).min(all.len());
        let data = &all[..now];
        ctl.set_total(data.len() as u64);
        let (kind, method) = classify(name, data);
        let mut out = Output::new(Report::new(kind), sink, data);
        out.report.shrank_to = (now < all.len()).then_some(now as u64);
        let release = |from: usize, to: usize| input.release(from as u64, to as u64);
        match method {
            Method::Text => {
                let helper = self.threads > 1;
                let a = textfile::analyze(
                    data,
                    kind,
                    name,
                    &self.signatures,
                    self.model(),
                    &release,
                    helper,
                );
                out.report.dropped += a.dropped;
                out.report.console_file = a.console_file;
                for f in a.found {
                    out.finding_plain(f);
                }
            }
            Method::Ccm => {
                ccm::parse_with(data, &self.signatures, self.model(), &mut out, &release)
            }
            Method::Binary => {
                let shrank = self.scan_binary(input, data, ctl, kind, &mut out);
                out.report.shrank_to = out.report.shrank_to.or(shrank);
                out.close_header();
            }
        }
        // A file cut short while it was read (after the last check of its bytes, or while a
        // text or .CCM file was read, which has no checks of its own): its report says so, as
        // the command's message does.
        let end = input.current_len();
        if end < now as u64 {
            out.report.shrank_to = Some(out.report.shrank_to.map_or(end, |s| s.min(end)));
        }
        // What lay past the new end is not the file's any more: "scanned that much" holds for
        // the report too (a sink may have had those findings already).
        if let Some(n) = out.report.shrank_to {
            out.report.cut_at(n);
        }
        out.report.cancelled |= ctl.is_cancelled();
        ctl.set_done(data.len() as u64);
        out.report
    }

    /// Binary data: chunks on worker threads, delivered in order. Returns the size the file
    /// shrank to, if it did.
    fn scan_binary(
        &self,
        input: &(impl Bytes + ?Sized),
        data: &[u8],
        ctl: &Control,
        kind: FileKind,
        out: &mut Output<'_>,
    ) -> Option<u64> {
        let place = Place::binary(kind);
        let chunks = data.len().div_ceil(self.chunk);
        let threads = self.threads.clamp(1, chunks.max(1));
        let shrank = AtomicU64::new(u64::MAX);
        let full = AtomicBool::new(false);
        if threads == 1 {
            // On the calling thread: no thread is started for a small file or a one-thread
            // engine (a folder of many small files is spread over the cores by the batch).
            for i in 0..chunks {
                if ctl.is_cancelled() {
                    break;
                }
                let Some(found) = self.scan_chunk(input, data, i, place, &shrank, &full) else {
                    break;
                };
                if !self.deliver(input, data, ctl, i, found, &full, out) {
                    break;
                }
            }
            let shrank = shrank.into_inner();
            return (shrank != u64::MAX).then_some(shrank);
        }
        let window = 4 * threads;
        let next = AtomicU64::new(0);
        let delivered = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel::<(usize, Vec<Candidate>, u64)>();
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, delivered, stop, shrank) = (&next, &delivered, &stop, &shrank);
                let full = &full;
                scope.spawn(move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    if i >= chunks || stop.load(Ordering::Relaxed) || ctl.is_cancelled() {
                        break;
                    }
                    // Bounded memory: stay within a window of the delivery.
                    while i as u64 >= delivered.load(Ordering::Relaxed) + window as u64
                        && !stop.load(Ordering::Relaxed)
                        && !ctl.is_cancelled()
                    {
                        std::thread::sleep(std::time::Duration::from_micros(50));
                    }
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let found = self.scan_chunk(input, data, i, place, shrank, full);
                    let Some((found, extra)) = found else {
                        // The file shrank below this chunk: it is never sent, so the delivery
                        // stops at it, and a worker waiting for the window to move on would
                        // wait for ever (and the scan with it: a hostile test's `scan` of a
                        // file cut while it ran hung this way under load). All stop.
                        stop.store(true, Ordering::Relaxed);
                        break;
                    };
                    if tx.send((i, found, extra)).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            let mut pending: BTreeMap<usize, (Vec<Candidate>, u64)> = BTreeMap::new();
            for (i, found, extra) in rx {
                pending.insert(i, (found, extra));
                while let Some((found, extra)) =
                    pending.remove(&(delivered.load(Ordering::Relaxed) as usize))
                {
                    let i = delivered.fetch_add(1, Ordering::Relaxed) as usize;
                    if !self.deliver(input, data, ctl, i, (found, extra), &full, out) {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                if stop.load(Ordering::Relaxed) {
                    break;
                }
            }
        });
        let shrank = shrank.into_inner();
        (shrank != u64::MAX).then_some(shrank)
    }

    /// Hands chunk `i`'s findings to the output in order, counts its bytes as done and lets go
    /// of the pages its findings were read from. False when the sink wants no more.
    #[allow(clippy::too_many_arguments)]
    fn deliver(
        &self,
        input: &(impl Bytes + ?Sized),
        data: &[u8],
        ctl: &Control,
        i: usize,
        (found, extra): (Vec<Candidate>, u64),
        full: &AtomicBool,
        out: &mut Output<'_>,
    ) -> bool {
        ctl.add_done(self.chunk.min(data.len() - i * self.chunk) as u64);
        // Making findings whole and the sink read their bytes: let go of those pages again
        // afterwards.
        let (mut lo, mut hi) = (i * self.chunk, (i + 1) * self.chunk);
        let mut more = true;
        for f in found {
            lo = lo.min(f.start as usize);
            hi = hi.max(f.end as usize);
            more &= out.finding(f);
        }
        input.release((lo & !0xFFF) as u64, hi.min(data.len()) as u64);
        out.report.dropped += extra;
        if out.report.findings.len() >= MAX_FINDINGS {
            full.store(true, Ordering::Relaxed);
        }
        more
    }

    /// One chunk's findings, or `None` when the file shrank below the chunk.
    fn scan_chunk(
        &self,
        input: &(impl Bytes + ?Sized),
        data: &[u8],
        i: usize,
        place: Place,
        shrank: &AtomicU64,
        full: &AtomicBool,
    ) -> Option<(Vec<Candidate>, u64)> {
        let from = i * self.chunk;
        let to = (from + self.chunk).min(data.len());
        let now = input.current_len();
        if now < to as u64 {
            shrank.fetch_min(now, Ordering::Relaxed);
            return None;
        }
        let mut found = console::Found::new(full);
        // Holes in a sparse file hold only zeros: no text there.
        let hole = input.next_data(from as u64).is_none_or(|d| d >= to as u64);
        if !hole {
            let reader = Reader {
                sigs: &self.signatures,
                model: self.model(),
                trim: true,
                helper: self.threads > 1,
            };
            // A long island read past the chunk: its pages are let go of behind the reader.
            let mut released = to;
            let mut progress = |at: usize| {
                let at = at & !0xFFFF;
                if at > released {
                    input.release(released as u64, at as u64);
                    released = at;
                }
            };
            let mut release = |a: usize, b: usize| input.release(a as u64, b as u64);
            console::find_runs(data, from, to, &mut release, |s, e| {
                console::island(data, s, e, &reader, place, &mut progress, &mut found);
            });
        }
        input.release(from as u64, to as u64);
        Some((found.list, found.extra))
    }
}

/// Where findings go as they become final: numbered, grouped under damaged headers, kept in the
/// report up to the cap, and handed to the sink.
struct Output<'a> {
    report: Report,
    sink: &'a mut dyn Sink,
    open: Option<DamagedHeader>,
    stopped: bool,
    data: &'a [u8],
}

impl<'a> Output<'a> {
    fn new(report: Report, sink: &'a mut dyn Sink, data: &'a [u8]) -> Output<'a> {
        Output {
            report,
            sink,
            open: None,
            stopped: false,
            data,
        }
    }

    /// A finding of binary data: made whole, numbered and grouped here (only if kept).
    /// Returns false once the sink asked to stop.
    fn finding(&mut self, c: Candidate) -> bool {
        if self.stopped {
            return false;
        }
        if self.report.findings.len() >= MAX_FINDINGS {
            self.report.dropped += 1;
            return true;
        }
        let mut f = c.finish(self.data);
        f.id = self.report.findings.len() as u32 + 1;
        if f.kind == FindingKind::ConsoleWrite && f.suspected() {
            if self
                .open
                .as_ref()
                .is_some_and(|h| f.start > h.end + HEADER_GAP)
            {
                self.close_header();
            }
            let id = self.report.headers.len() as u32 + 1;
            let h = self.open.get_or_insert_with(|| DamagedHeader {
                id,
                start: f.start,
                end: f.end,
                confidence: f.confidence,
                writes: Vec::new(),
                anomalies: Vec::new(),
                message: None,
                missing_keyword: false,
            });
            h.end = h.end.max(f.end);
            h.confidence = h.confidence.max(f.confidence);
            h.writes.push(f.id);
            f.header = Some(h.id);
        }
        self.deliver(f)
    }

    /// A finding of a text file: numbered here, never in a damaged header.
    fn finding_plain(&mut self, mut f: Finding) -> bool {
        if self.report.findings.len() >= MAX_FINDINGS {
            self.report.dropped += 1;
            return true;
        }
        f.id = self.report.findings.len() as u32 + 1;
        self.deliver(f)
    }

    /// A finding already numbered and grouped (the .CCM parser does its own).
    fn finding_numbered(&mut self, f: Finding) -> bool {
        if self.report.findings.len() >= MAX_FINDINGS {
            self.report.dropped += 1;
            return true;
        }
        self.deliver(f)
    }

    fn deliver(&mut self, f: Finding) -> bool {
        if !self.stopped && !self.sink.finding(&f) {
            self.stopped = true;
        }
        self.report.findings.push(f);
        !self.stopped
    }

    /// The open header of a binary store is complete: hand it over.
    fn close_header(&mut self) {
        if let Some(h) = self.open.take() {
            self.header(h);
        }
    }

    fn header(&mut self, h: DamagedHeader) {
        if !self.stopped && !self.sink.header(&h) {
            self.stopped = true;
        }
        self.report.headers.push(h);
    }
}

/// The .CCM parser hands its results here.
impl ccm::Emit for Output<'_> {
    fn finding(&mut self, f: Finding) {
        self.finding_numbered(f);
    }
    fn header(&mut self, mut h: DamagedHeader) {
        // The parser numbers its findings in the order it hands them out, so past the cap
        // the kept ones are the first; a header names only those (the file's `dropped` says
        // the rest).
        if self.report.dropped > 0 {
            let kept = self.report.findings.len() as u32;
            h.writes.retain(|&id| id <= kept);
            h.anomalies.retain(|&id| id <= kept);
            // A header of findings none of which was kept has nothing to show (its range and
            // confidence were theirs); one that lost its `Message:` line is damaged itself.
            if h.writes.is_empty() && h.anomalies.is_empty() && !h.missing_keyword {
                self.report.headers_dropped += 1;
                return;
            }
        }
        Output::header(self, h);
    }
    fn message(&mut self, m: ccm::Message) {
        if self.report.messages.len() < ccm::MAX_MESSAGES {
            self.report.messages.push(m);
        }
    }
    fn keeps_messages(&self) -> bool {
        self.report.messages.len() < ccm::MAX_MESSAGES
    }
    fn message_not_kept(&mut self) {
        self.report.messages_dropped += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Collect;

    /// Bytes whose size, asked by the first chunk a worker reads, has shrunk to 0 after a
    /// while; asked at any other time, it is whole.
    struct ShrinksUnderOneChunk {
        data: Vec<u8>,
        calls: std::sync::atomic::AtomicUsize,
    }

    impl Bytes for ShrinksUnderOneChunk {
        fn bytes(&self) -> &[u8] {
            &self.data
        }
        fn current_len(&self) -> u64 {
            if self.calls.fetch_add(1, Ordering::SeqCst) == 1 {
                std::thread::sleep(std::time::Duration::from_millis(200));
                return 0;
            }
            self.data.len() as u64
        }
    }

    /// A file that shrank under the chunk one worker reads, while the other worker is a window
    /// ahead of the delivery: the scan ends and says the file shrank. Before, the chunk was
    /// never delivered, the other worker waited for the window to move on for ever, and the
    /// scan hung (seen in a hardening test's `scan` of a file cut while it ran, under load).
    #[test]
    fn a_chunk_the_file_shrank_under_ends_the_scan_and_hangs_nothing() {
        let input = ShrinksUnderOneChunk {
            data: vec![0x41; 64 * 4096],
            calls: Default::default(),
        };
        let (tx, rx) = std::sync::mpsc::channel();
        // Not a scoped thread: a scan that hangs must fail the test, not hang it too.
        std::thread::spawn(move || {
            let e = Engine::default().with_threads(2).with_chunk_size(4096);
            let r = e.scan(&input, Path::new("CLANDATA"), &Control::new());
            let _ = tx.send(r.shrank_to);
        });
        let got = rx.recv_timeout(std::time::Duration::from_secs(20));
        assert_eq!(
            got,
            Ok(Some(0)),
            "the scan hung or did not say the file shrank"
        );
    }

    #[test]
    fn a_ccm_header_names_only_findings_kept_under_the_cap() {
        let mut sink = Collect::default();
        let mut out = Output::new(Report::new(FileKind::ConnectorMessage), &mut sink, &[]);
        let w = Finding::new(FindingKind::ConsoleWrite, 0, 10, 0.9);
        for id in 1..=MAX_FINDINGS as u32 + 2 {
            let mut f = w.clone();
            f.id = id;
            ccm::Emit::finding(&mut out, f);
        }
        let last = MAX_FINDINGS as u32;
        ccm::Emit::header(
            &mut out,
            DamagedHeader {
                id: 1,
                start: 0,
                end: 10,
                confidence: 0.9,
                writes: vec![last - 1, last, last + 1],
                anomalies: vec![last + 2],
                message: Some(0),
                missing_keyword: false,
            },
        );
        assert_eq!(out.report.findings.len(), MAX_FINDINGS);
        assert_eq!(out.report.dropped, 2);
        assert_eq!(out.report.headers[0].writes, vec![last - 1, last]);
        assert!(out.report.headers[0].anomalies.is_empty());
        // A header all of whose findings were dropped is not kept, and counted.
        let h = DamagedHeader {
            id: 2,
            start: 20,
            end: 30,
            confidence: 0.9,
            writes: vec![last + 1],
            anomalies: vec![],
            message: Some(1),
            missing_keyword: false,
        };
        ccm::Emit::header(&mut out, h.clone());
        // One that lost its `Message:` line is kept, with no findings.
        let lost = DamagedHeader {
            id: 3,
            missing_keyword: true,
            ..h
        };
        ccm::Emit::header(&mut out, lost);
        assert_eq!(out.report.headers.len(), 2);
        assert_eq!(out.report.headers_dropped, 1);
        assert_eq!(out.report.headers[1].id, 3);
        assert!(out.report.headers[1].writes.is_empty());
        drop(out);
        assert_eq!(sink.headers[0].writes, vec![last - 1, last]);
        assert_eq!(sink.headers.len(), 2);
    }

    #[test]
    fn seams_and_threads_give_the_same_answer() {
        let w = b"\r\n\r\nExporting messages in mailbox \"a\" to file EXPORT\\MSG0001.CCM\r\n";
        let mut d = vec![0x90u8; 3 * CHUNK];
        let at = [0, CHUNK - 30, 2 * CHUNK - 3, 3 * CHUNK - w.len()];
        for a in at {
            d[a..a + w.len()].copy_from_slice(w);
        }
        let one =
            Engine::default()
                .with_threads(1)
                .scan(&d[..], Path::new("CLANDATA"), &Control::new());
        let mut streamed = Collect::default();
        let two = Engine::default().with_threads(2).scan_into(
            &d[..],
            Path::new("CLANDATA"),
            &Control::new(),
            &mut streamed,
        );
        assert_eq!(one.findings, two.findings);
        assert_eq!(streamed.findings, two.findings);
        assert_eq!(streamed.headers, two.headers);
        let cw: Vec<(u64, u64)> = one
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::ConsoleWrite)
            .map(|f| (f.start, f.end))
            .collect();
        let want: Vec<(u64, u64)> = at
            .iter()
            .map(|&a| (a as u64, (a + w.len()) as u64))
            .collect();
        assert_eq!(cw, want);
        assert_eq!(one.damaged(0.5), 4);
        for (i, f) in one.findings.iter().enumerate() {
            assert_eq!(f.id as usize, i + 1);
            assert_eq!(one.header(f.header.unwrap()).unwrap().writes, vec![f.id]);
        }
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

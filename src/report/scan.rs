//! `scan` output, written file by file as results arrive (memory grows by a line per scanned file
//! for the cross-reference, not with the findings; the pages of a mapped file read for the
//! text of findings are let go of as the output moves on): text lines with writes nested under
//! their damaged header, CSV rows likewise, or one JSON document. A summary across all files
//! closes the output: the cross-reference of names and files, the timeline, the counts.

use super::{clip, counted, json, listed, listed_headers, xref, Affected};
use crate::address::Origin;
use crate::detect::{DamagedHeader, Finding, Report};
use crate::source::Bytes;
use crate::{sanitize, Error, VERSION};
use serde_json::json as j;
use std::io::{self, Write};
use std::path::Path;

/// The output format of `scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanFormat {
    Text,
    Json,
    Csv,
}

/// Writes scan results as they come.
pub struct ScanWriter<W: Write> {
    w: W,
    format: ScanFormat,
    origin: Origin,
    min: f32,
    affected: Affected,
    /// Text format: one summary line per file, printed at the end.
    summaries: Vec<String>,
    files: usize,
    with_findings: usize,
    found: bool,
    errors: Vec<serde_json::Value>,
    index: xref::Index,
}

/// Lets go of the pages of a mapped file behind the output, a few MiB at a time.
struct Pager<'a> {
    input: &'a dyn Bytes,
    done: u64,
}

impl Pager<'_> {
    const STEP: u64 = 4 << 20;

    fn at(&mut self, offset: u64) {
        if offset >= self.done + Self::STEP {
            let to = offset & !0xFFF;
            self.input.release(self.done, to);
            self.done = to;
        }
    }
}

impl<W: Write> ScanWriter<W> {
    /// Starts the output (the JSON head, the CSV header row).
    pub fn new(mut w: W, format: ScanFormat, origin: Origin, min: f32) -> io::Result<Self> {
        match format {
            ScanFormat::Json => write!(
                w,
                "{{\n  \"tool\": \"clanscope\",\n  \"version\": \"{VERSION}\",\n  \"min_confidence\": {},\n  \"files\": [",
                json::confidence(min)
            )?,
            ScanFormat::Csv => w.write_all(
                b"path,id,header,address,start,end,length,kind,confidence,mailbox,file,text\n",
            )?,
            ScanFormat::Text => {}
        }
        Ok(ScanWriter {
            w,
            format,
            origin,
            min,
            affected: Affected::default(),
            summaries: Vec::new(),
            files: 0,
            with_findings: 0,
            found: false,
            errors: Vec::new(),
            index: xref::Index::default(),
        })
    }

    /// True once anything at the listed confidence was written.
    pub fn found(&self) -> bool {
        self.found
    }

    /// The origin the addresses of the next files follow (each file has its own).
    pub fn set_origin(&mut self, origin: Origin) {
        self.origin = origin;
    }

    /// One scanned file; `input` holds its bytes (for the text of findings).
    pub fn file(
        &mut self,
        path: &Path,
        size: u64,
        input: &dyn Bytes,
        r: &Report,
    ) -> io::Result<()> {
        let any =
            listed(r, self.min).next().is_some() || listed_headers(r, self.min).next().is_some();
        self.found |= any;
        self.with_findings += any as usize;
        self.files += 1;
        for f in listed(r, self.min) {
            self.affected.add(f);
        }
        self.index.add(path, r, listed(r, self.min));
        let data = input.safe_bytes();
        let mut pager = Pager { input, done: 0 };
        let done = match self.format {
            ScanFormat::Text => self.text_file(path, size, data, r, &mut pager),
            ScanFormat::Csv => self.csv_file(path, data, r, &mut pager),
            ScanFormat::Json => self.json_file(path, size, data, r, &mut pager),
        };
        input.release(pager.done, data.len() as u64);
        done
    }

    /// A file or folder that could not be scanned (JSON keeps it; the caller prints it).
    pub fn error(&mut self, e: &Error) {
        self.errors.push(json::error(e));
    }

    /// Ends the output: the summary across all files.
    pub fn finish(mut self) -> io::Result<W> {
        match self.format {
            ScanFormat::Text => {
                if !self.summaries.is_empty() && self.with_findings > 0 {
                    self.w.write_all(b"\n")?;
                }
                for s in &self.summaries {
                    self.w.write_all(s.as_bytes())?;
                }
                self.xref_text()?;
                write!(
                    self.w,
                    "mailboxes: {}\nfiles named: {}\n{} file(s) scanned, {} with findings at confidence >= {:.2}\n",
                    counted(&self.affected.mailboxes),
                    counted(&self.affected.files),
                    self.files,
                    self.with_findings,
                    self.min
                )?;
            }
            ScanFormat::Csv => {}
            ScanFormat::Json => {
                self.w
                    .write_all(if self.files > 0 { b"\n  ],\n" } else { b"],\n" })?;
                let timeline: Vec<serde_json::Value> = if self.index.files() > 1 {
                    self.index
                        .timeline()
                        .iter()
                        .map(xref::Event::json)
                        .collect()
                } else {
                    Vec::new()
                };
                let tail = j!({
                    "mailboxes": self.affected.mailboxes,
                    "ccm_files": self.affected.files,
                    "cross_reference": self.index.entries().iter().map(xref::Entry::json).collect::<Vec<_>>(),
                    "cross_reference_names_not_kept": self.index.names_dropped(),
                    "timeline": timeline,
                    "errors": self.errors,
                });
                let text = json::to_string(&tail);
                // Splice the tail's members into the open document.
                let inner = text
                    .trim_end()
                    .trim_start_matches('{')
                    .trim_end_matches('}')
                    .trim_matches('\n');
                self.w.write_all(inner.as_bytes())?;
                self.w.write_all(b"\n}\n")?;
            }
        }
        self.w.flush()?;
        Ok(self.w)
    }

    /// The cross-reference and (with more than one file) the timeline, in text.
    fn xref_text(&mut self) -> io::Result<()> {
        let entries = self.index.entries();
        if !entries.is_empty() {
            self.w.write_all(
                b"cross-reference (names in writes or in files of console output, and the scanned files carrying them):\n",
            )?;
            for e in &entries {
                self.w.write_all(e.text().as_bytes())?;
            }
        }
        let dropped = self.index.names_dropped();
        if dropped > 0 {
            writeln!(self.w, "  {dropped} more name(s) not kept ({})", xref::KEPT)?;
        }
        let timeline = self.index.timeline();
        if self.index.files() > 1 && !timeline.is_empty() {
            self.w
                .write_all(b"timeline (modification times, oldest first):\n")?;
            for ev in &timeline {
                self.w.write_all(ev.text().as_bytes())?;
            }
        }
        Ok(())
    }

    fn text_file(
        &mut self,
        path: &Path,
        size: u64,
        data: &[u8],
        r: &Report,
        pager: &mut Pager<'_>,
    ) -> io::Result<()> {
        let p = sanitize::path(path);
        let mut open_header = 0;
        let mut shown_headers = std::collections::HashSet::new();
        for f in listed(r, self.min) {
            let h = f
                .header
                .and_then(|id| r.header(id))
                .filter(|h| h.confidence >= self.min);
            if let Some(h) = h {
                if h.id != open_header {
                    open_header = h.id;
                    shown_headers.insert(h.id);
                    writeln!(self.w, "{p}  {}", self.header_line(h))?;
                }
            } else {
                open_header = 0;
            }
            let indent = if h.is_some() { "  " } else { "" };
            writeln!(self.w, "{p}  {indent}{}", self.finding_line(f, data))?;
            pager.at(f.start);
        }
        // Headers that hold no listed finding (a .CCM header that lost its `Message:` line).
        for h in listed_headers(r, self.min).filter(|h| !shown_headers.contains(&h.id)) {
            writeln!(self.w, "{p}  {}", self.header_line(h))?;
        }
        let listed_n = listed(r, self.min).count();
        let weaker = r.findings.len() - listed_n;
        self.summaries.push(format!(
            "{p}: {}, {}: {}{}\n",
            r.kind.name(),
            crate::address::bytes(size),
            super::by_kind(r, self.min),
            if weaker > 0 {
                format!(" ({weaker} weaker below {:.2} not listed)", self.min)
            } else {
                String::new()
            }
        ));
        Ok(())
    }

    fn header_line(&self, h: &DamagedHeader) -> String {
        let writes: Vec<String> = h.writes.iter().map(|w| format!("#{w}")).collect();
        let anomalies: Vec<String> = h.anomalies.iter().map(|w| format!("#{w}")).collect();
        format!(
            "H{}  {}  {}  {}  damaged-header  {:.2}  writes {}{}",
            h.id,
            self.origin.address(h.start),
            h.start,
            h.len(),
            h.confidence,
            if writes.is_empty() {
                "none".to_string()
            } else {
                writes.join(",")
            },
            if anomalies.is_empty() {
                String::new()
            } else {
                format!("  anomalies {}", anomalies.join(","))
            }
        )
    }

    fn finding_line(&self, f: &Finding, data: &[u8]) -> String {
        let mut extra = String::new();
        for m in f.mailboxes() {
            extra.push_str(&format!("mailbox={}  ", sanitize::line(m)));
        }
        for x in f.files() {
            extra.push_str(&format!("file={}  ", sanitize::line(x)));
        }
        format!(
            "#{}  {}  {}  {}  {}  {:.2}  {extra}\"{}\"",
            f.id,
            self.origin.address(f.start),
            f.start,
            f.len(),
            f.kind.name(),
            f.confidence,
            shown(f, data, 160)
        )
    }

    fn csv_file(
        &mut self,
        path: &Path,
        data: &[u8],
        r: &Report,
        pager: &mut Pager<'_>,
    ) -> io::Result<()> {
        let p = csv_quoted(sanitize::path(path));
        let mut open_header = 0;
        let mut shown_headers = std::collections::HashSet::new();
        for f in listed(r, self.min) {
            if let Some(h) = f.header.and_then(|id| r.header(id)) {
                if h.id != open_header && h.confidence >= self.min {
                    open_header = h.id;
                    shown_headers.insert(h.id);
                    self.csv_header(&p, h)?;
                }
            }
            writeln!(
                self.w,
                "{p},{},{},{},{},{},{},{},{:.2},{},{},{}",
                f.id,
                f.header.map(|h| format!("H{h}")).unwrap_or_default(),
                self.origin.address(f.start),
                f.start,
                f.end,
                f.len(),
                f.kind.name(),
                f.confidence,
                csv_field(&f.mailboxes().collect::<Vec<_>>().join("; ")),
                csv_field(&f.files().collect::<Vec<_>>().join("; ")),
                csv_field(&f.text(data))
            )?;
            pager.at(f.start);
        }
        for h in listed_headers(r, self.min).filter(|h| !shown_headers.contains(&h.id)) {
            self.csv_header(&p, h)?;
        }
        Ok(())
    }

    fn csv_header(&mut self, p: &str, h: &DamagedHeader) -> io::Result<()> {
        writeln!(
            self.w,
            "{p},H{},H{},{},{},{},{},damaged-header,{:.2},,,",
            h.id,
            h.id,
            self.origin.address(h.start),
            h.start,
            h.end,
            h.len(),
            h.confidence
        )
    }

    fn json_file(
        &mut self,
        path: &Path,
        size: u64,
        data: &[u8],
        r: &Report,
        pager: &mut Pager<'_>,
    ) -> io::Result<()> {
        if self.files > 1 {
            self.w.write_all(b",")?;
        }
        write!(self.w, "\n    {{\n      \"path\": ")?;
        json::write(&mut self.w, &json::path(path), 0)?;
        if let Some(hex) = json::path_bytes(path) {
            write!(self.w, ",\n      \"path_bytes\": \"{hex}\"")?;
        }
        write!(
            self.w,
            ",\n      \"size\": {size},\n      \"kind\": \"{}\",\n      \"findings\": [",
            r.kind.name()
        )?;
        let mut first = true;
        for f in listed(r, self.min) {
            self.w
                .write_all(if first { b"\n        " } else { b",\n        " })?;
            first = false;
            json::write(&mut self.w, &json::finding(f, self.origin, data), 8)?;
            pager.at(f.start);
        }
        self.w.write_all(if first { b"]" } else { b"\n      ]" })?;
        write!(self.w, ",\n      \"damaged_headers\": ")?;
        json::write(
            &mut self.w,
            &json::file_headers(r, self.origin, self.min),
            6,
        )?;
        json::write_messages(&mut self.w, r, 6)?;
        for (k, v) in json::file_counts(r) {
            write!(self.w, ",\n      \"{k}\": ")?;
            json::write(&mut self.w, &v, 6)?;
        }
        self.w.write_all(b"\n    }")
    }
}

/// The first `n` characters of a finding's text as one sanitized line, with `…` when cut:
/// what `clip(sanitize::line(f.text(data)), n)` gives, decoding only the bytes that can show.
fn shown(f: &Finding, data: &[u8], n: usize) -> String {
    let s = (f.start as usize).min(data.len());
    let e = (f.end as usize).clamp(s, data.len()).min(s + n + 1);
    let head: String = data[s..e].iter().map(|&c| c as char).collect();
    clip(&sanitize::line(&head), n)
}

/// A CSV cell: sanitized, quoted when needed, and defused where a spreadsheet would run it as a
/// formula.
fn csv_field(s: &str) -> String {
    csv_quoted(sanitize::line(s).into_owned())
}

/// A CSV field of text already sanitized: quoted where needed, and kept from being read as a
/// spreadsheet formula.
fn csv_quoted(mut t: String) -> String {
    if t.starts_with(['=', '+', '-', '@']) {
        t.insert(0, '\'');
    }
    if t.contains([',', '"']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t
    }
}

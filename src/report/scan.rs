//! `scan` output, written file by file as results arrive: text lines with writes nested under
//! their damaged header, CSV rows likewise, or one JSON document. A summary across all files
//! closes the text and JSON output: the files' summary lines (text), the cross-reference of
//! names and files, the timeline, the names, the errors (JSON), the counts. Memory is bounded
//! whatever the number of files or findings: the summary keeps at most a fixed number of each
//! thing (`Caps::DEFAULT`: 10,000 files, names, summary lines, errors) and counts the rest, and
//! the output says what was not kept; the JSON tail is written member by member, an entry at a
//! time; the pages of a mapped file read for the text of findings are let go of as the output
//! moves on.

use super::{clip, grouped, json, listed, listed_headers, xref, Affected};
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

/// Text: files whose summary lines are kept to be repeated at the end, the first scanned
/// (their findings are printed as each file finishes); more are counted.
pub(crate) const SUMMARY_LINES: usize = 10_000;

/// Text: bytes of those summary lines kept at most (a long path makes a long line).
pub(crate) const SUMMARY_BYTES: usize = 2 << 20;

/// JSON: errors kept for `errors`, the first (every error is printed on stderr as it comes);
/// more are counted in `errors_not_kept`.
pub(crate) const MAX_ERRORS: usize = 10_000;

/// What a scan keeps for the summary that closes its output, at most; more is counted and said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Caps {
    /// [`SUMMARY_LINES`].
    pub(crate) summary_lines: usize,
    /// [`SUMMARY_BYTES`].
    pub(crate) summary_bytes: usize,
    /// [`MAX_ERRORS`].
    pub(crate) errors: usize,
    /// Distinct mailboxes, and file names, named by writes ([`super::MAX_AFFECTED`]).
    pub(crate) names: usize,
    /// Of those, listed in the text ([`super::AFFECTED_LISTED`]).
    pub(crate) names_listed: usize,
    /// Scanned files kept for the cross-reference and timeline, of each sort ([`xref::MAX_FILES`]).
    pub(crate) files: usize,
}

impl Caps {
    pub(crate) const DEFAULT: Caps = Caps {
        summary_lines: SUMMARY_LINES,
        summary_bytes: SUMMARY_BYTES,
        errors: MAX_ERRORS,
        names: super::MAX_AFFECTED,
        names_listed: super::AFFECTED_LISTED,
        files: xref::MAX_FILES,
    };
}

/// Writes scan results as they come.
pub struct ScanWriter<W: Write> {
    w: W,
    format: ScanFormat,
    origin: Origin,
    min: f32,
    caps: Caps,
    /// Text and JSON: the names writes give, with counts.
    affected: Affected,
    /// Text format: the first files' summary lines, printed at the end.
    summaries: Vec<String>,
    /// Bytes of `summaries`.
    summary_bytes: usize,
    /// Files whose summary lines were not kept.
    summaries_not_kept: u64,
    files: usize,
    with_findings: usize,
    found: bool,
    /// JSON format: the first errors.
    errors: Vec<serde_json::Value>,
    errors_not_kept: u64,
    /// Text and JSON: the cross-reference and timeline.
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
    pub fn new(w: W, format: ScanFormat, origin: Origin, min: f32) -> io::Result<Self> {
        Self::with_caps(w, format, origin, min, Caps::DEFAULT)
    }

    /// [`ScanWriter::new`], keeping at most `caps` for the summary ([`Caps::DEFAULT`] but in
    /// tests).
    pub(crate) fn with_caps(
        mut w: W,
        format: ScanFormat,
        origin: Origin,
        min: f32,
        caps: Caps,
    ) -> io::Result<Self> {
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
            caps,
            affected: Affected::bounded(caps.names),
            summaries: Vec::new(),
            summary_bytes: 0,
            summaries_not_kept: 0,
            files: 0,
            with_findings: 0,
            found: false,
            errors: Vec::new(),
            errors_not_kept: 0,
            index: xref::Index::keeping(caps.files),
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
        // CSV has no summary.
        if self.format != ScanFormat::Csv {
            for f in listed(r, self.min) {
                self.affected.add(f);
            }
            self.index.add(path, r, listed(r, self.min));
        }
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

    /// A file or folder that could not be scanned (JSON keeps the first 10,000 and
    /// counts the rest; the caller prints it).
    pub fn error(&mut self, e: &Error) {
        if self.format != ScanFormat::Json {
            return;
        }
        if self.errors.len() < self.caps.errors {
            self.errors.push(json::error(e));
        } else {
            self.errors_not_kept += 1;
        }
    }

    /// Ends the output: the summary across all files.
    pub fn finish(mut self) -> io::Result<W> {
        match self.format {
            ScanFormat::Text => self.text_tail()?,
            ScanFormat::Csv => {}
            ScanFormat::Json => self.json_tail()?,
        }
        self.w.flush()?;
        Ok(self.w)
    }

    /// The text summary: the files' summary lines kept, the cross-reference, the timeline, the
    /// names, the counts.
    fn text_tail(&mut self) -> io::Result<()> {
        if !self.summaries.is_empty() && self.with_findings > 0 {
            self.w.write_all(b"\n")?;
        }
        for s in &self.summaries {
            self.w.write_all(s.as_bytes())?;
        }
        if self.summaries_not_kept > 0 {
            writeln!(
                self.w,
                "{} more file(s) not summed up here (at most {} summary lines, {}, are kept; the findings of every file are listed above)",
                self.summaries_not_kept,
                grouped(self.caps.summary_lines as u64),
                size_said(self.caps.summary_bytes)
            )?;
        }
        self.xref_text()?;
        let listed = self.caps.names_listed;
        write!(
            self.w,
            "mailboxes: {}\nfiles named: {}\n{} file(s) scanned, {} with findings at confidence >= {:.2}\n",
            self.affected.said(true, listed),
            self.affected.said(false, listed),
            self.files,
            self.with_findings,
            self.min
        )
    }

    /// The JSON tail, member by member in key order (as every object of the JSON output is),
    /// each list an entry at a time.
    fn json_tail(&mut self) -> io::Result<()> {
        let w: &mut dyn Write = &mut self.w;
        w.write_all(if self.files > 0 { b"\n  ]" } else { b"]" })?;
        let (a, x) = (&self.affected, &self.index);
        member(w, "ccm_files", &j!(a.files))?;
        member(w, "ccm_files_not_kept", &j!(a.not_kept[1]))?;
        list_member(w, "cross_reference", x.entries().map(|e| e.json()))?;
        member(w, "cross_reference_files_not_kept", &j!(x.files_not_kept()))?;
        member(w, "cross_reference_names_not_kept", &j!(x.names_dropped()))?;
        list_member(w, "errors", std::mem::take(&mut self.errors))?;
        member(w, "errors_not_kept", &j!(self.errors_not_kept))?;
        member(w, "mailboxes", &j!(a.mailboxes))?;
        member(w, "mailboxes_not_kept", &j!(a.not_kept[0]))?;
        let timeline = if x.files() > 1 {
            x.timeline()
        } else {
            Vec::new()
        };
        list_member(w, "timeline", timeline.iter().map(xref::Event::json))?;
        w.write_all(b"\n}\n")
    }

    /// The cross-reference and (with more than one file) the timeline, in text, and what of the
    /// files they do not know.
    fn xref_text(&mut self) -> io::Result<()> {
        let mut entries = self.index.entries().peekable();
        if entries.peek().is_some() {
            self.w.write_all(
                b"cross-reference (names in writes or in files of console output, and the scanned files carrying them):\n",
            )?;
            for e in entries {
                self.w.write_all(e.text().as_bytes())?;
            }
        }
        let dropped = self.index.names_dropped();
        if dropped > 0 {
            writeln!(
                self.w,
                "  names not kept, given {dropped} time(s) ({})",
                xref::KEPT
            )?;
        }
        let timeline = self.index.timeline();
        if self.index.files() > 1 && !timeline.is_empty() {
            self.w
                .write_all(b"timeline (modification times, oldest first):\n")?;
            for ev in &timeline {
                self.w.write_all(ev.text().as_bytes())?;
            }
        }
        if let Some(said) = self.index.files_not_kept_said() {
            writeln!(self.w, "{said}")?;
        }
        Ok(())
    }

    /// Keeps a file's summary line while the first files' fit in [`Caps::summary_lines`] and
    /// [`Caps::summary_bytes`]; counts it otherwise.
    fn keep_summary(&mut self, line: String) {
        let fits = self.summaries_not_kept == 0
            && self.summaries.len() < self.caps.summary_lines
            && self.summary_bytes + line.len() <= self.caps.summary_bytes;
        if fits {
            self.summary_bytes += line.len();
            self.summaries.push(line);
        } else {
            self.summaries_not_kept += 1;
        }
    }

    fn text_file(
        &mut self,
        path: &Path,
        size: u64,
        data: &[u8],
        r: &Report,
        pager: &mut Pager<'_>,
    ) -> io::Result<()> {
        let p = sanitize::path_column(path);
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
        self.keep_summary(format!(
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

/// A member of the JSON tail, after the comma that ends the member before: `,\n  "key": value`.
fn member(w: &mut dyn Write, key: &str, v: &serde_json::Value) -> io::Result<()> {
    write!(w, ",\n  \"{key}\": ")?;
    json::write(w, v, 2)
}

/// A member of the JSON tail whose value is a list ([`member`]), written an item at a time as
/// the pretty-printer writes a list (`[]` when empty).
fn list_member(
    w: &mut dyn Write,
    key: &str,
    items: impl IntoIterator<Item = serde_json::Value>,
) -> io::Result<()> {
    write!(w, ",\n  \"{key}\": [")?;
    let mut first = true;
    for v in items {
        w.write_all(if first { b"\n    " } else { b",\n    " })?;
        first = false;
        json::write(w, &v, 4)?;
    }
    w.write_all(if first { b"]" } else { b"\n  ]" })
}

/// A byte budget as the output says it: `2 MiB`, else in bytes.
fn size_said(n: usize) -> String {
    if n > 0 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else {
        crate::address::bytes(n)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{FileKind, Report};
    use crate::report::xref::tests::write;

    /// Small caps, each crossed by [`scan`]'s four files.
    const SMALL: Caps = Caps {
        summary_lines: 2,
        summary_bytes: 1 << 20,
        errors: 1,
        names: 3,
        names_listed: 2,
        files: 2,
    };

    /// Scans four files, `po/f1.bin` to `po/f4.bin`, each holding one write naming mailbox
    /// `mN` and file `EXPORT\MSGN.CCM`, and two errors; returns the output.
    fn scan(format: ScanFormat, caps: Caps) -> String {
        let mut s = ScanWriter::with_caps(Vec::new(), format, Origin::ZERO, 0.5, caps).unwrap();
        let data = vec![b'x'; 16];
        for i in 1..=4 {
            let mut r = Report::new(FileKind::Binary);
            r.findings = vec![write(
                1,
                Some(&format!("EXPORT\\MSG{i}.CCM")),
                Some(&format!("m{i}")),
            )];
            s.file(Path::new(&format!("po/f{i}.bin")), 16, &data, &r)
                .unwrap();
        }
        for e in ["po/a", "po/b"] {
            s.error(&Error::io(e, &io::Error::from(io::ErrorKind::NotFound)));
        }
        String::from_utf8(s.finish().unwrap()).unwrap()
    }

    /// The text summary of [`scan`], from its blank line on.
    fn summary(caps: Caps) -> String {
        let out = scan(ScanFormat::Text, caps);
        out[out.find("\n\n").unwrap() + 2..].to_string()
    }

    #[test]
    fn the_text_summary_says_what_it_did_not_keep() {
        let line = |i: u32| {
            format!(
                "po/f{i}.bin: other-binary, 16 bytes: 0 damaged header(s), 1 console write(s), 0 plain text, 0 header anomalies\n"
            )
        };
        let entry = |kind: &str, name: String, i: u32| {
            format!("  {kind} {name}  named by 1 write(s): po/f{i}.bin #1\n    -> not among the scanned files kept (2 scanned file(s) not kept)\n")
        };
        let want = [
            line(1),
            line(2),
            "2 more file(s) not summed up here (at most 2 summary lines, 1 MiB, are kept; the findings of every file are listed above)\n".into(),
            "cross-reference (names in writes or in files of console output, and the scanned files carrying them):\n".into(),
            entry("file", "EXPORT\\MSG1.CCM".into(), 1),
            entry("file", "EXPORT\\MSG2.CCM".into(), 2),
            // The third and fourth files' writes name them; the files are not kept, so not
            // listed by path (the cross-reference keeps its own 10,000 names of writes).
            "  file EXPORT\\MSG3.CCM  named by 1 write(s): none listed, in files not kept\n    -> not among the scanned files kept (2 scanned file(s) not kept)\n".into(),
            "  file EXPORT\\MSG4.CCM  named by 1 write(s): none listed, in files not kept\n    -> not among the scanned files kept (2 scanned file(s) not kept)\n".into(),
            entry("mailbox", "m1".into(), 1),
            entry("mailbox", "m2".into(), 2),
            "  mailbox m3  named by 1 write(s): none listed, in files not kept\n    -> not among the scanned files kept (2 scanned file(s) not kept)\n".into(),
            "  mailbox m4  named by 1 write(s): none listed, in files not kept\n    -> not among the scanned files kept (2 scanned file(s) not kept)\n".into(),
            "timeline (modification times, oldest first):\n".into(),
            "  (time unknown)        po/f1.bin  holds-writes (1 write(s))\n".into(),
            "  (time unknown)        po/f2.bin  holds-writes (1 write(s))\n".into(),
            "files not kept for the cross-reference and timeline: 2, scanned after the first 2 holding writes or console output or after the first 2 others (not matched by name, dated nor listed by path; the writes in them are counted)\n".into(),
            "mailboxes: m1 (1), m2 (1) and 1 more; names beyond the first 3 not kept, named 1 time(s)\n".into(),
            "files named: EXPORT\\MSG1.CCM (1), EXPORT\\MSG2.CCM (1) and 1 more; names beyond the first 3 not kept, named 1 time(s)\n".into(),
            "4 file(s) scanned, 4 with findings at confidence >= 0.50\n".into(),
        ]
        .concat();
        assert_eq!(summary(SMALL), want);
    }

    #[test]
    fn summary_lines_are_kept_within_their_bytes() {
        // Each summary line is 109 bytes: two fit in 220 bytes, the third does not, nor any
        // after it.
        let caps = Caps {
            summary_lines: 10,
            summary_bytes: 220,
            ..Caps::DEFAULT
        };
        let out = summary(caps);
        assert!(
            out.starts_with(
                "po/f1.bin: other-binary, 16 bytes: 0 damaged header(s), 1 console write(s), 0 plain text, 0 header anomalies\n\
                 po/f2.bin: other-binary, 16 bytes: 0 damaged header(s), 1 console write(s), 0 plain text, 0 header anomalies\n\
                 2 more file(s) not summed up here (at most 10 summary lines, 220 bytes, are kept; the findings of every file are listed above)\n\
                 cross-reference"
            ),
            "{out}"
        );
        // Within the caps nothing is said.
        let out = summary(Caps::DEFAULT);
        assert!(
            !out.contains("not summed up") && !out.contains("not kept"),
            "{out}"
        );
        assert!(out.contains("po/f4.bin: other-binary"), "{out}");
        assert!(
            out.contains("\nmailboxes: m1 (1), m2 (1), m3 (1), m4 (1)\n"),
            "{out}"
        );
    }

    #[test]
    fn the_json_tail_counts_what_it_did_not_keep() {
        let v: serde_json::Value = serde_json::from_str(&scan(ScanFormat::Json, SMALL)).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "ccm_files",
                "ccm_files_not_kept",
                "cross_reference",
                "cross_reference_files_not_kept",
                "cross_reference_names_not_kept",
                "errors",
                "errors_not_kept",
                "files",
                "mailboxes",
                "mailboxes_not_kept",
                "min_confidence",
                "timeline",
                "tool",
                "version"
            ]
        );
        assert_eq!(v["files"].as_array().unwrap().len(), 4);
        assert_eq!(
            v["ccm_files"],
            j!({"EXPORT\\MSG1.CCM": 1, "EXPORT\\MSG2.CCM": 1, "EXPORT\\MSG3.CCM": 1})
        );
        assert_eq!(v["ccm_files_not_kept"], 1);
        assert_eq!(v["mailboxes"], j!({"m1": 1, "m2": 1, "m3": 1}));
        assert_eq!(v["mailboxes_not_kept"], 1);
        assert_eq!(v["cross_reference"].as_array().unwrap().len(), 8);
        assert_eq!(v["cross_reference"][2]["name"], "EXPORT\\MSG3.CCM");
        assert_eq!(v["cross_reference"][2]["named_by"], j!([]));
        assert_eq!(v["cross_reference"][2]["writes"], 1);
        assert_eq!(v["cross_reference_files_not_kept"], 2);
        assert_eq!(v["cross_reference_names_not_kept"], 0);
        assert_eq!(
            v["errors"],
            j!([{"kind": "io", "path": "po/a", "error": "po/a: no such file or directory"}])
        );
        assert_eq!(v["errors_not_kept"], 1);
        let timeline: Vec<&str> = v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].as_str().unwrap())
            .collect();
        assert_eq!(timeline, ["po/f1.bin", "po/f2.bin"]);
    }

    #[test]
    fn the_json_tail_is_written_as_the_pretty_printer_writes_it() {
        // Streamed member by member, the tail reads as one pretty-printed object would.
        let out = scan(ScanFormat::Json, Caps::DEFAULT);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let tail = &out[out.find("\n  \"ccm_files\"").unwrap()..];
        let mut members = v.as_object().unwrap().clone();
        for head in ["tool", "version", "min_confidence", "files"] {
            members.remove(head);
        }
        assert_eq!(format!("{{{tail}"), json::to_string(&members.into()));
        assert_eq!(v["errors"].as_array().unwrap().len(), 2);
        assert_eq!(v["errors_not_kept"], 0);
        assert_eq!(v["cross_reference_files_not_kept"], 0);
    }

    #[test]
    fn the_caps_are_the_documented_ones() {
        assert_eq!(
            Caps::DEFAULT,
            Caps {
                summary_lines: 10_000,
                summary_bytes: 2 << 20,
                errors: 10_000,
                names: 10_000,
                names_listed: 1_000,
                files: 10_000,
            }
        );
        assert_eq!(size_said(SUMMARY_BYTES), "2 MiB");
        assert_eq!(size_said(1), "1 byte");
    }
}

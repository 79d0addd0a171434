//! Output for readers without the tool: scan results (text, JSON, CSV) and annotated dumps
//! (text that reads like the KB article and parses back with `undump`, self-contained HTML,
//! JSON). Every dump line comes from the shared formatter; everything from the file or from notes
//! is sanitized (text) or escaped (HTML, JSON).

pub mod html;
pub mod text;

use crate::address::Origin;
use crate::commands::{self, ExportArgs, ExportFormat, Scanned};
use crate::detect::{Control, Finding, FindingKind, Report};
use crate::notes::{self, Loaded, Note, Sidecar};
use crate::source::Source;
use crate::{io_cause, sanitize, Error, VERSION};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// One finding as JSON (the `scan` shape, shared by every JSON output).
pub fn finding_json(f: &Finding, number: usize, origin: Origin) -> Value {
    json!({
        "number": number,
        "kind": f.kind.name(),
        "start": f.start,
        "end": f.end,
        "address": origin.address(f.start).to_string(),
        "end_address": origin.address(f.end.saturating_sub(1).max(f.start)).to_string(),
        "length": f.len(),
        "confidence": (f.confidence as f64 * 100.0).round() / 100.0,
        "text": f.text,
        "mailbox": f.mailbox,
        "file": f.file,
        "signature": f.signature,
        "why": f.why,
        "message": f.message.map(|m| m + 1),
    })
}

/// Findings listed at `min` confidence, with their stable numbers (1-based among all findings
/// of the file, sorted by offset; the inspector and `export --finding` use the same numbers).
pub fn listed(r: &Report, min: f32) -> impl Iterator<Item = (usize, &Finding)> {
    r.findings
        .iter()
        .enumerate()
        .map(|(i, f)| (i + 1, f))
        .filter(move |(_, f)| f.confidence >= min)
}

fn file_json(s: &Scanned, r: &Report, origin: Origin, min: f32) -> Value {
    let mut v = json!({
        "path": sanitize::path(&s.path),
        "size": s.size,
        "kind": r.kind.map(|k| k.name()).unwrap_or("unknown"),
        "findings": listed(r, min).map(|(n, f)| finding_json(f, n, origin)).collect::<Vec<_>>(),
    });
    if !r.messages.is_empty() {
        v["messages"] = json!(r
            .messages
            .iter()
            .map(|m| json!({
                "number": m.index + 1,
                "header_start": m.header_start,
                "header_end": m.header_end,
                "end": m.end,
                "fields": m.fields.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
                "anomalies": m.anomalies,
            }))
            .collect::<Vec<_>>());
    }
    if r.dropped > 0 {
        v["dropped"] = json!(r.dropped);
    }
    if let Some(n) = r.shrank_to {
        v["shrank_to"] = json!(n);
    }
    v
}

pub fn scan_json(scanned: &[Scanned], walk_errors: &[Error], origin: Origin, min: f32) -> Value {
    let mut files = Vec::new();
    let mut errors: Vec<Value> = walk_errors
        .iter()
        .map(|e| json!({ "error": e.0 }))
        .collect();
    for s in scanned {
        match &s.result {
            Ok(r) => files.push(file_json(s, r, origin, min)),
            Err(e) => errors.push(json!({ "path": sanitize::path(&s.path), "error": e.0 })),
        }
    }
    let reports: Vec<&Report> = scanned
        .iter()
        .filter_map(|s| s.result.as_ref().ok())
        .collect();
    let (mailboxes, names) = affected(reports.iter().flat_map(|r| listed(r, min).map(|(_, f)| f)));
    json!({
        "tool": "clanscope",
        "version": VERSION,
        "min_confidence": min,
        "files": files,
        "mailboxes": mailboxes,
        "ccm_files": names,
        "errors": errors,
    })
}

/// Mailboxes and .CCM/.TMP names named by console writes, with counts, in name order.
pub fn affected<'a>(
    findings: impl Iterator<Item = &'a Finding>,
) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut mailboxes = BTreeMap::new();
    let mut names = BTreeMap::new();
    for f in findings.filter(|f| f.kind == FindingKind::ConsoleWrite) {
        if let Some(m) = &f.mailbox {
            *mailboxes.entry(m.clone()).or_insert(0) += 1;
        }
        if let Some(n) = &f.file {
            *names.entry(n.clone()).or_insert(0) += 1;
        }
    }
    (mailboxes, names)
}

fn counted(map: &BTreeMap<String, usize>) -> String {
    if map.is_empty() {
        return "none".into();
    }
    map.iter()
        .map(|(k, v)| format!("{} ({v})", sanitize::line(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn by_kind<'a>(findings: impl Iterator<Item = &'a Finding>) -> String {
    let mut n = [0usize; 3];
    for f in findings {
        n[f.kind as usize] += 1;
    }
    format!(
        "{} damaged header(s), {} console write(s), {} plain text",
        n[0], n[1], n[2]
    )
}

/// Cuts display text to `max` characters.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max).collect();
    t.push('…');
    t
}

pub fn scan_text(scanned: &[Scanned], origin: Origin, min: f32) -> String {
    let mut out = String::new();
    for s in scanned {
        let Ok(r) = &s.result else { continue };
        let path = sanitize::path(&s.path);
        for (n, f) in listed(r, min) {
            let mut extra = String::new();
            if let Some(m) = &f.mailbox {
                extra.push_str(&format!("mailbox={}  ", sanitize::line(m)));
            }
            if let Some(x) = &f.file {
                extra.push_str(&format!("file={}  ", sanitize::line(x)));
            }
            out.push_str(&format!(
                "{path}  #{n}  {}  {}  {}  {}  {:.2}  {extra}\"{}\"\n",
                origin.address(f.start),
                f.start,
                f.len(),
                f.kind.name(),
                f.confidence,
                clip(&sanitize::line(&f.text), 160)
            ));
        }
    }
    let reports: Vec<(&Scanned, &Report)> = scanned
        .iter()
        .filter_map(|s| s.result.as_ref().ok().map(|r| (s, r)))
        .collect();
    if !out.is_empty() {
        out.push('\n');
    }
    for (s, r) in &reports {
        let listed_n = listed(r, min).count();
        let weaker = r.findings.len() - listed_n;
        out.push_str(&format!(
            "{}: {}, {} bytes: {}{}\n",
            sanitize::path(&s.path),
            r.kind.map(|k| k.name()).unwrap_or("unknown"),
            s.size,
            by_kind(listed(r, min).map(|(_, f)| f)),
            if weaker > 0 {
                format!(" ({weaker} weaker below {min:.2} not listed)")
            } else {
                String::new()
            }
        ));
    }
    let (mailboxes, names) = affected(
        reports
            .iter()
            .flat_map(|(_, r)| listed(r, min).map(|(_, f)| f)),
    );
    let with = reports
        .iter()
        .filter(|(_, r)| listed(r, min).next().is_some())
        .count();
    out.push_str(&format!(
        "mailboxes: {}\nfiles named: {}\n",
        counted(&mailboxes),
        counted(&names)
    ));
    out.push_str(&format!(
        "{} file(s) scanned, {} with findings at confidence >= {:.2}\n",
        reports.len(),
        with,
        min
    ));
    out
}

fn csv_field(s: &str) -> String {
    let mut t = sanitize::line(s).into_owned();
    // Spreadsheets run cells that start with these as formulas.
    if t.starts_with(['=', '+', '-', '@']) {
        t.insert(0, '\'');
    }
    if t.contains([',', '"']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t
    }
}

pub fn scan_csv(scanned: &[Scanned], origin: Origin, min: f32) -> String {
    let mut out =
        String::from("path,number,address,start,end,length,kind,confidence,mailbox,file,text\n");
    for s in scanned {
        let Ok(r) = &s.result else { continue };
        for (n, f) in listed(r, min) {
            out.push_str(&format!(
                "{},{n},{},{},{},{},{},{:.2},{},{},{}\n",
                csv_field(&sanitize::path(&s.path)),
                origin.address(f.start),
                f.start,
                f.end,
                f.len(),
                f.kind.name(),
                f.confidence,
                csv_field(f.mailbox.as_deref().unwrap_or("")),
                csv_field(f.file.as_deref().unwrap_or("")),
                csv_field(&f.text)
            ));
        }
    }
    out
}

/// One dumped piece of an export: the bytes `[from, to)` shown, the range `[mark_start,
/// mark_end)` marked, and what it is.
pub struct Excerpt<'a> {
    pub number: Option<usize>,
    pub finding: Option<&'a Finding>,
    pub mark_start: u64,
    pub mark_end: u64,
    pub from: u64,
    pub to: u64,
    /// Bytes of the marked range not shown (long findings are cut).
    pub cut: u64,
    pub notes: Vec<&'a Note>,
}

/// Lines of dump shown at most for one excerpt.
pub const MAX_EXCERPT_LINES: u64 = 256;

/// Everything an export shows, gathered once for every format.
pub struct Document<'a> {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    pub kind: &'static str,
    pub origin: Origin,
    pub exported: String,
    pub report: &'a Report,
    pub data: &'a [u8],
    pub excerpts: Vec<Excerpt<'a>>,
    pub sidecar: Option<&'a Sidecar>,
    pub min: f32,
}

impl Document<'_> {
    pub fn summary_lines(&self) -> Vec<(String, String)> {
        let listed: Vec<&Finding> = listed(self.report, self.min).map(|(_, f)| f).collect();
        let (mailboxes, names) = affected(listed.iter().copied());
        vec![
            (
                "Findings".into(),
                format!(
                    "{} (confidence >= {:.2})",
                    by_kind(listed.iter().copied()),
                    self.min
                ),
            ),
            (
                "Damaged headers".into(),
                listed
                    .iter()
                    .filter(|f| f.kind == FindingKind::DamagedHeader)
                    .count()
                    .to_string(),
            ),
            ("Mailboxes".into(), counted(&mailboxes)),
            ("Files named".into(), counted(&names)),
        ]
    }

    pub fn header_lines(&self) -> Vec<(String, String)> {
        vec![
            ("File".into(), self.path.clone()),
            ("Size".into(), format!("{} bytes", self.size)),
            ("SHA-256".into(), self.sha256.clone()),
            ("Kind".into(), self.kind.into()),
            ("Origin".into(), self.origin.to_string()),
            ("Tool".into(), format!("clanscope {VERSION}")),
            ("Exported".into(), self.exported.clone()),
        ]
    }
}

/// Builds an excerpt around `[start, end)` with `context` lines before and after.
pub fn excerpt<'a>(
    origin: Origin,
    len: u64,
    (start, end): (u64, u64),
    context: u64,
    finding: Option<(usize, &'a Finding)>,
    sidecar: Option<&'a Sidecar>,
) -> Excerpt<'a> {
    let (number, finding) = match finding {
        Some((n, f)) => (Some(n), Some(f)),
        None => (None, None),
    };
    let line_of = |x: u64| x - origin.column(x) as u64;
    let first = line_of(start).saturating_sub(context * 16);
    let shown_end = end.min(start.saturating_add(MAX_EXCERPT_LINES * 16));
    let cut = end - shown_end;
    let last_line = line_of(shown_end.saturating_sub(1).max(start));
    let to = (last_line + 16 * (context + 1)).min(len);
    let notes = sidecar
        .map(|s| s.notes_in(start, end).collect())
        .unwrap_or_default();
    Excerpt {
        number,
        finding,
        mark_start: start,
        mark_end: shown_end,
        from: first,
        to,
        cut,
        notes,
    }
}

pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// `clanscope export`.
pub fn run(a: ExportArgs) -> Result<u8, Error> {
    let origin = commands::parse_origin(&a.origin)?;
    let engine = commands::engine(&a.signatures)?;
    let src = Source::open(&a.file)?;
    let format = match (a.format, &a.output) {
        (Some(f), _) => f,
        (None, Some(out)) => match out
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("html") | Some("htm") => ExportFormat::Html,
            Some("json") => ExportFormat::Json,
            _ => ExportFormat::Text,
        },
        (None, None) => ExportFormat::Text,
    };
    if let Some(out) = &a.output {
        commands::refuse_same_file(out, &a.file)?;
    }
    let data = src.safe_bytes();
    let len = data.len() as u64;
    // One hash pass beside the scan.
    let (report, sha) = std::thread::scope(|s| {
        let h = s.spawn(|| notes::sha256_source(&src, &|| false).expect("not cancelled"));
        let r = engine.scan(&src, &a.file, &Control::new());
        (r, h.join().expect("hash thread"))
    });
    let sidecar = load_sidecar(a.notes.as_deref(), src.name(), &sha)?;
    let min = if a.all { 0.0 } else { crate::detect::SUSPECTED };
    let mut excerpts = Vec::new();
    if let (Some(from), Some(length)) = (&a.from, &a.length) {
        let (s, e) = commands::resolve_range(
            &Some(from.clone()),
            &Some(length.clone()),
            &None,
            origin,
            len,
        )
        .map_err(|e| Error::at(&a.file, e))?;
        excerpts.push(excerpt(
            origin,
            len,
            (s, e),
            a.context,
            None,
            sidecar.as_ref(),
        ));
    } else {
        let chosen: Vec<(usize, &Finding)> = if a.findings.is_empty() {
            listed(&report, min).collect()
        } else {
            a.findings
                .iter()
                .map(|&n| {
                    report
                        .findings
                        .get(n.wrapping_sub(1))
                        .map(|f| (n, f))
                        .ok_or_else(|| {
                            Error::at(
                                &a.file,
                                format!(
                                    "there is no finding {n}: the file has {} finding(s)",
                                    report.findings.len()
                                ),
                            )
                        })
                })
                .collect::<Result<_, _>>()?
        };
        for (n, f) in chosen {
            excerpts.push(excerpt(
                origin,
                len,
                (f.start, f.end),
                a.context,
                Some((n, f)),
                sidecar.as_ref(),
            ));
        }
    }
    let doc = Document {
        path: sanitize::path(&a.file),
        size: len,
        sha256: sha,
        kind: report.kind.map(|k| k.name()).unwrap_or("unknown"),
        origin,
        exported: now_rfc3339(),
        report: &report,
        data,
        excerpts,
        sidecar: sidecar.as_ref(),
        min,
    };
    let body = render(&doc, format);
    match &a.output {
        Some(out) => std::fs::write(out, body).map_err(|e| Error::at(out, io_cause(&e)))?,
        None => {
            let stdout = std::io::stdout();
            let r = stdout.lock().write_all(body.as_bytes());
            if let Err(e) = r {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(Error(format!("standard output: {}", io_cause(&e))));
                }
            }
            if format == ExportFormat::Html && stdout.is_terminal() {
                eprintln!("clanscope: tip: -o report.html writes the HTML to a file");
            }
        }
    }
    Ok(0)
}

pub fn render(doc: &Document<'_>, format: ExportFormat) -> String {
    match format {
        ExportFormat::Text => text::render(doc),
        ExportFormat::Html => html::render(doc),
        ExportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json_doc(doc)).expect("serializable");
            s.push('\n');
            s
        }
    }
}

/// Loads the sidecar named by `--notes`, or the default one if it exists. A mismatch warns.
pub fn load_sidecar(path: Option<&Path>, name: &str, sha: &str) -> Result<Option<Sidecar>, Error> {
    let p = path
        .map(Path::to_path_buf)
        .unwrap_or_else(|| notes::default_path(name, sha));
    match notes::load(&p, sha)? {
        Loaded::Applied(s) => Ok(Some(s)),
        Loaded::Missing => {
            if path.is_some() {
                eprintln!("clanscope: {}: no notes file there yet", sanitize::path(&p));
            }
            Ok(None)
        }
        Loaded::Mismatch(w) => {
            eprintln!("clanscope: warning: {w}");
            Ok(None)
        }
    }
}

fn json_doc(doc: &Document<'_>) -> Value {
    let r = doc.report;
    let excerpts: Vec<Value> = doc
        .excerpts
        .iter()
        .map(|e| {
            json!({
                "finding": e.number,
                "start": e.from,
                "end": e.to,
                "address": doc.origin.address(e.from).to_string(),
                "mark_start": e.mark_start,
                "mark_end": e.mark_end,
                "cut": e.cut,
                "bytes": hex(&doc.data[e.from as usize..e.to as usize]),
                "notes": e.notes.iter().map(|n| json!({"start": n.start, "end": n.end, "text": n.text, "source": n.source})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let (mailboxes, names) = affected(listed(r, doc.min).map(|(_, f)| f));
    json!({
        "tool": "clanscope",
        "version": VERSION,
        "exported": doc.exported,
        "min_confidence": doc.min,
        "files": [{
            "path": doc.path,
            "size": doc.size,
            "sha256": doc.sha256,
            "kind": doc.kind,
            "origin": doc.origin.to_string(),
            "findings": listed(r, doc.min).map(|(n, f)| finding_json(f, n, doc.origin)).collect::<Vec<_>>(),
            "excerpts": excerpts,
            "notes": doc.sidecar.map(|s| s.notes.clone()).unwrap_or_default(),
        }],
        "mailboxes": mailboxes,
        "ccm_files": names,
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

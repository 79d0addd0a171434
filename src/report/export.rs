//! Building an export: which excerpts a request asks for (one per damaged header with its
//! writes marked inside, one per finding outside any header, or one range), the scan and hash
//! of the file in one pass, and rendering in the chosen format.

use super::{overlay, Document, Excerpt, Mark, Subject, MAX_EXCERPT_LINES, MAX_RANGE_LINES};
use crate::address::Origin;
use crate::detect::{Control, Engine, Finding, Report};
use crate::dump::Overlay;
use crate::notes::{self, Sidecar};
use crate::source::Source;
use crate::Error;
use std::path::Path;

/// The formats of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Text,
    Html,
    Json,
}

impl ExportFormat {
    /// The format a file name's extension asks for (text unless `.html`/`.htm`/`.json`).
    pub fn from_path(p: &Path) -> ExportFormat {
        ExportFormat::named_by(p).unwrap_or(ExportFormat::Text)
    }

    /// The format `p`'s extension names (`.txt`, `.text`, `.html`, `.htm`, `.json`, any case);
    /// None for no extension or another one.
    pub fn named_by(p: &Path) -> Option<ExportFormat> {
        match p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("html") | Some("htm") => Some(ExportFormat::Html),
            Some("json") => Some(ExportFormat::Json),
            Some("txt") | Some("text") => Some(ExportFormat::Text),
            _ => None,
        }
    }
}

/// What to export.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    /// Every damaged header and finding at this confidence or more.
    Listed(f32),
    /// These findings (ids), each with its damaged header if it has one.
    Findings(Vec<u32>),
    /// The byte range `[start, end)`.
    Range(u64, u64),
}

/// Scans `src` and hashes it in one pass over the bytes (the hash on its own thread), and
/// hashes `other` (the compared file) meanwhile.
pub fn scan_and_hash(
    engine: &Engine,
    src: &Source,
    name: &Path,
    other: Option<&Source>,
) -> (Report, String, Option<String>) {
    // A file that shrank has no hash; the caller checks the sources before writing.
    let hash = |src: &Source| {
        notes::sha256_source(src, &|| false)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    std::thread::scope(|s| {
        let h = s.spawn(|| hash(src));
        let o = s.spawn(|| other.map(hash));
        let r = engine.scan(src, name, &Control::new());
        (
            r,
            h.join().expect("hash thread"),
            o.join().expect("hash thread"),
        )
    })
}

/// The excerpts `selection` asks for, with `context` lines before and after each.
pub fn excerpts<'a>(
    report: &'a Report,
    len: u64,
    origin: Origin,
    selection: &Selection,
    context: u64,
    sidecar: Option<&'a Sidecar>,
) -> Result<Vec<Excerpt<'a>>, Error> {
    let chosen: Vec<&Finding> = match selection {
        Selection::Range(s, e) => {
            let mut x = range_excerpt(origin, len, (*s, *e), context, sidecar);
            mark_messages(report, &mut x);
            return Ok(vec![x]);
        }
        Selection::Listed(min) => super::listed(report, *min).collect(),
        Selection::Findings(ids) => ids
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|&id| {
                report.finding(id).ok_or_else(|| {
                    Error::Usage(format!(
                        "there is no finding {id}: the file has {} finding(s)",
                        report.findings.len()
                    ))
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let min = match selection {
        Selection::Listed(m) => *m,
        _ => 0.0,
    };
    let (mut out, done_headers) =
        finding_excerpts(report, len, origin, chosen, min, context, sidecar);
    // Headers with no listed write (a .CCM header that lost its `Message:` line).
    if let Selection::Listed(min) = selection {
        for h in super::listed_headers(report, *min).filter(|h| !done_headers.contains(&h.id)) {
            out.push(subject_excerpt(
                origin,
                len,
                Subject::Header(h),
                Vec::new(),
                context,
                sidecar,
            ));
        }
        out.extend(note_excerpts(origin, len, &out, context, sidecar));
    }
    // In address order whatever order the findings were asked in (`--finding 7 --finding 1`):
    // the dump's addresses never go back, so the text reads back with `undump --strict`.
    out.sort_by_key(|e| e.start);
    for x in &mut out {
        mark_messages(report, x);
    }
    clip_context(&mut out, origin);
    Ok(out)
}

/// Lines are not shown twice: where two excerpts (in file order) come close, the first one's
/// context after it stops where the second one's own lines start, and the second one's context
/// before it starts where the first one ended. So the addresses of a text export never go back
/// and it reads back with `undump --strict` (review 36). Where their own lines share a line (a
/// note on the byte after a write, review 38), it is shown in the first with the marks of both,
/// and the second's lines start after it.
fn clip_context(out: &mut [Excerpt<'_>], origin: Origin) {
    let line_of = |x: u64| x.saturating_sub(origin.column(x) as u64);
    for i in 1..out.len() {
        let (done, rest) = out.split_at_mut(i);
        let (prev, x) = (&mut done[i - 1], &mut rest[0]);
        if x.start < prev.start {
            continue;
        }
        let own = line_of(x.first_own());
        let shown_end = (prev.end - prev.cut).saturating_sub(1).max(prev.start);
        let prev_own_end = line_of(shown_end).saturating_add(16).min(prev.to);
        if prev.to > own {
            prev.to = own.max(prev_own_end);
        }
        if x.from < prev.to {
            x.from = prev.to.min(own).max(x.from);
        }
        // Own lines shared (a note or a write in the line where the one before ends): shown
        // once, in the first, with the second's marks; the second starts after it.
        if x.from < prev.to {
            prev.marks.extend(x.marks.iter().copied());
            x.from = prev.to.min(x.to);
        }
    }
}

/// One excerpt per damaged header holding a chosen finding (with its writes at `min`), and one
/// per chosen finding outside any header; also the ids of the headers done.
fn finding_excerpts<'a>(
    report: &'a Report,
    len: u64,
    origin: Origin,
    chosen: Vec<&'a Finding>,
    min: f32,
    context: u64,
    sidecar: Option<&'a Sidecar>,
) -> (Vec<Excerpt<'a>>, Vec<u32>) {
    let mut out: Vec<Excerpt<'a>> = Vec::new();
    let mut done_headers = Vec::new();
    for f in chosen {
        match f.header.and_then(|id| report.header(id)) {
            Some(h) if !done_headers.contains(&h.id) => {
                done_headers.push(h.id);
                let writes: Vec<&Finding> = h
                    .writes
                    .iter()
                    .chain(&h.anomalies)
                    .filter_map(|&id| report.finding(id))
                    .filter(|w| w.confidence >= min)
                    .collect();
                out.push(subject_excerpt(
                    origin,
                    len,
                    Subject::Header(h),
                    writes,
                    context,
                    sidecar,
                ));
            }
            Some(_) => {}
            None => out.push(subject_excerpt(
                origin,
                len,
                Subject::Finding(f),
                vec![f],
                context,
                sidecar,
            )),
        }
    }
    (out, done_headers)
}

/// One excerpt for each note that no other excerpt shows, so every note reaches the document
/// at its address.
fn note_excerpts<'a>(
    origin: Origin,
    len: u64,
    shown: &[Excerpt<'a>],
    context: u64,
    sidecar: Option<&'a Sidecar>,
) -> Vec<Excerpt<'a>> {
    let Some(s) = sidecar else {
        return Vec::new();
    };
    s.notes
        .iter()
        .filter(|n| n.start < len)
        .filter(|n| {
            !shown
                .iter()
                .any(|e| e.notes.iter().any(|m| std::ptr::eq(*m, *n)))
        })
        .map(|n| {
            // Marked by `frame`, as every note on an excerpt's subject.
            let end = n.end.max(n.start + 1).min(len);
            frame(
                origin,
                len,
                Subject::Note(n),
                (n.start, end),
                Vec::new(),
                Vec::new(),
                context,
                sidecar,
            )
        })
        .collect()
}

/// Marks the headers of .CCM messages (healthy ones too) that lie in an excerpt's lines.
fn mark_messages(report: &Report, x: &mut Excerpt<'_>) {
    for m in &report.messages {
        if m.header_start < x.to && m.header_end > x.from {
            x.marks.push(Mark {
                start: m.header_start,
                end: m.header_end,
                overlay: Overlay::CcmHeader,
                finding: None,
                note: false,
            });
        }
    }
}

fn subject_excerpt<'a>(
    origin: Origin,
    len: u64,
    subject: Subject<'a>,
    findings: Vec<&'a Finding>,
    context: u64,
    sidecar: Option<&'a Sidecar>,
) -> Excerpt<'a> {
    let (start, end) = match subject {
        Subject::Header(h) => (h.start, h.end),
        Subject::Finding(f) => (f.start, f.end),
        Subject::Range | Subject::Note(_) => unreachable!("built by range_excerpt / note_excerpts"),
    };
    let mut marks = Vec::new();
    if let Subject::Header(h) = subject {
        marks.push(Mark {
            start,
            end,
            overlay: overlay::of_header(h),
            finding: None,
            note: false,
        });
    }
    marks.extend(findings.iter().map(|f| Mark {
        start: f.start,
        end: f.end,
        overlay: overlay::of_finding(f),
        finding: Some(f.id),
        note: false,
    }));
    frame(
        origin,
        len,
        subject,
        (start, end),
        marks,
        findings,
        context,
        sidecar,
    )
}

fn range_excerpt<'a>(
    origin: Origin,
    len: u64,
    (start, end): (u64, u64),
    context: u64,
    sidecar: Option<&'a Sidecar>,
) -> Excerpt<'a> {
    let marks = vec![Mark {
        start,
        end,
        overlay: Overlay::Range,
        finding: None,
        note: false,
    }];
    frame(
        origin,
        len,
        Subject::Range,
        (start, end),
        marks,
        Vec::new(),
        context,
        sidecar,
    )
}

/// Places an excerpt: the lines shown around `[start, end)`, cut after
/// [`MAX_EXCERPT_LINES`] lines ([`MAX_RANGE_LINES`] for a range asked for). The notes on the
/// subject are listed and marked, and one that starts before it widens the excerpt to its
/// start's line (up to [`MAX_EXCERPT_LINES`] lines before the subject; see
/// [`Excerpt::first_own`]).
#[allow(clippy::too_many_arguments)]
fn frame<'a>(
    origin: Origin,
    len: u64,
    subject: Subject<'a>,
    (start, end): (u64, u64),
    mut marks: Vec<Mark>,
    findings: Vec<&'a Finding>,
    context: u64,
    sidecar: Option<&'a Sidecar>,
) -> Excerpt<'a> {
    // The dump line holding `x` starts at its column's distance before it, or at the file's
    // start (a first line shorter than 16 bytes, under an origin whose offset is not a
    // multiple of 16).
    let line_of = |x: u64| x.saturating_sub(origin.column(x) as u64);
    let lines = match subject {
        Subject::Range => MAX_RANGE_LINES,
        _ => MAX_EXCERPT_LINES,
    };
    let shown_end = end.min(start.saturating_add(lines * 16));
    let last_line = line_of(shown_end.saturating_sub(1).max(start));
    // A subject cut short has no context after it: the lines after the cut are its own bytes,
    // not shown (said with how to have them).
    let after = if shown_end < end { 0 } else { context };
    let to = last_line
        .saturating_add(after.saturating_add(1).saturating_mul(16))
        .min(len);
    let notes: Vec<&crate::notes::Note> = sidecar
        .map(|s| s.notes_in(start, end).collect())
        .unwrap_or_default();
    // Each note's bytes are marked wherever they are shown (review 38: a note reaching into a
    // finding from before it was neither shown from its start nor marked).
    marks.extend(notes.iter().map(|n| Mark {
        start: n.start,
        end: n.end.max(n.start + 1),
        overlay: Overlay::Range,
        finding: None,
        note: true,
    }));
    let mut x = Excerpt {
        subject,
        start,
        end,
        marks,
        findings,
        from: 0,
        to,
        cut: end - shown_end,
        notes,
    };
    x.from = line_of(x.first_own()).saturating_sub(context.saturating_mul(16));
    context_notes(&mut x, sidecar);
    x
}

/// Notes whose bytes lie in the excerpt's context lines (not on its subject) are shown there
/// too: listed and marked (review 54: with `--finding` such a note was dumped unmarked and
/// counted as left out).
fn context_notes<'a>(x: &mut Excerpt<'a>, sidecar: Option<&'a Sidecar>) {
    let Some(s) = sidecar else {
        return;
    };
    for n in s.notes_in(x.from, x.to) {
        if x.notes.iter().any(|m| std::ptr::eq(*m, n)) {
            continue;
        }
        x.notes.push(n);
        x.marks.push(Mark {
            start: n.start,
            end: n.end.max(n.start + 1),
            overlay: Overlay::Range,
            finding: None,
            note: true,
        });
    }
}

/// Renders a document.
pub fn render(doc: &Document<'_>, format: ExportFormat) -> String {
    match format {
        ExportFormat::Text => super::text::render(doc),
        ExportFormat::Html => super::html::render(doc),
        ExportFormat::Json => {
            let mut out = crate::sanitize::json_pretty(&json_doc(doc));
            out.push('\n');
            out
        }
    }
}

/// The JSON export, keys in order as a `serde_json::Value` would give them; the messages of a
/// .CCM file are made one at a time as they are written.
#[derive(serde::Serialize)]
struct JsonDoc<'a> {
    ccm_files: serde_json::Value,
    /// The file compared with (`--compare`): path, size, SHA-256, as `files` gives the
    /// examined file's; null without one.
    compared: serde_json::Value,
    /// The examiner's name (settings or `--examiner`), as the text and HTML headers give it.
    examiner: Option<&'a str>,
    exported: &'a str,
    files: [super::json::WithMessages<'a>; 1],
    links: serde_json::Value,
    mailboxes: serde_json::Value,
    min_confidence: serde_json::Value,
    related: serde_json::Value,
    tool: &'static str,
    version: &'static str,
}

fn json_doc<'a>(doc: &'a Document<'_>) -> JsonDoc<'a> {
    use serde_json::json;
    let r = doc.report;
    let excerpts: Vec<serde_json::Value> = doc
        .excerpts
        .iter()
        .map(|e| {
            json!({
                "subject": match e.subject {
                    Subject::Header(h) => json!({"header": h.id}),
                    Subject::Finding(f) => json!({"finding": f.id}),
                    Subject::Range => json!("range"),
                    Subject::Note(_) => json!("note"),
                },
                "findings": e.findings.iter().map(|f| f.id).collect::<Vec<_>>(),
                "start": e.from,
                "end": e.to,
                "address": doc.origin.address(e.from).to_string(),
                "mark_start": e.start,
                "mark_end": e.shown_end(),
                "cut": e.cut,
                "bytes": hex(&doc.data[e.from as usize..e.to as usize]),
                "notes": e.notes.iter().map(|n| json!({"start": n.start, "end": n.end, "address": doc.origin.address(n.start).to_string(), "text": n.text, "source": n.source, "time": n.time, "examiner": n.examiner})).collect::<Vec<_>>(),
                "destroyed": e.findings.iter().filter_map(|f| doc.destroyed(f)).map(|d| json!({"finding": d.finding, "start": d.start, "end": d.start + d.backup.len() as u64, "bytes": hex(&d.backup), "same": d.same, "missing": d.missing()})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let a = super::Affected::of(super::listed(r, doc.min));
    let mut file = doc.id.json();
    file["kind"] = json!(r.kind.name());
    file["origin"] = json!(doc.origin.to_string());
    file["findings"] = json!(super::listed(r, doc.min)
        .map(|f| super::json::finding(f, doc.origin, doc.data))
        .collect::<Vec<_>>());
    file["damaged_headers"] = super::json::file_headers(r, doc.origin, doc.min);
    for (k, v) in super::json::file_counts(r) {
        file[k] = v;
    }
    file["excerpts"] = json!(excerpts);
    file["notes"] = json!(doc.sidecar.map(|s| s.notes.clone()).unwrap_or_default());
    let serde_json::Value::Object(file) = file else {
        unreachable!("json! of an object is an object")
    };
    JsonDoc {
        ccm_files: json!(a.files),
        compared: doc
            .other
            .as_ref()
            .map_or(serde_json::Value::Null, |o| o.id.json()),
        examiner: doc.examiner.as_deref(),
        exported: &doc.exported,
        files: [super::json::WithMessages {
            file,
            messages: &r.messages,
        }],
        links: links_json(doc),
        mailboxes: json!(a.mailboxes),
        min_confidence: super::json::confidence(doc.min),
        related: doc
            .related
            .map_or(serde_json::Value::Null, super::related::Related::scope_json),
        tool: "clanscope",
        version: crate::VERSION,
    }
}

/// Each name the listed writes give, with the related files carrying it (`[]` when no related
/// folder was looked through).
fn links_json(doc: &Document<'_>) -> serde_json::Value {
    let Some(rel) = doc.related else {
        return serde_json::json!([]);
    };
    rel.links_of(super::listed(doc.report, doc.min))
        .into_iter()
        .map(|(kind, name, l)| {
            serde_json::json!({
                "kind": kind,
                "name": name,
                "files": l.iter().map(super::related::Link::json).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

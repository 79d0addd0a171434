//! The HTML export: one self-contained file (inline CSS, no scripts, no external resources):
//! the summary, a findings table linking to each excerpt, and the excerpts drawn with the
//! inspector's byte-class colours and the finding's overlay. Overlay spans carry `data-o`, the
//! file offset of their first byte, so a reader (or a test) can check exactly what is marked.

use super::{Document, Excerpt, Subject};
use crate::detect::Finding;
use crate::dump::format::{lines, ASCII, CLASS, HEX};
use crate::dump::{ByteClass, Overlay};
use crate::sanitize;

/// Escapes text for HTML. The text is composed of parts already sanitized (raw file content
/// goes through `sanitize::line` first); any unsafe character left is escaped all the same.
pub fn escape(s: &str) -> String {
    let s = sanitize::composed(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The fixed rules. Values (mailboxes, file names, a write's text, notes) sit in `code`, `td`
/// and `dd` with `white-space:pre-wrap`: a browser would otherwise show `Mary   Ann` as
/// `Mary Ann`, and the evidence's spaces are part of what it says.
const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}\
code,td,dd{white-space:pre-wrap}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}\
pre.dump{font-family:monospace;background:#111;color:#ddd;padding:.6em;line-height:1.3;overflow-x:auto}\
.addr{color:#ddd}.gut{color:#f55;font-weight:bold}\
.legend span{padding:0 .4em;margin-right:.5em;font-family:monospace}code{font-family:monospace}section{margin-top:2em}";

/// The style sheet: the fixed rules, then the palette's byte classes and overlays.
fn style() -> String {
    let mut s = String::from(STYLE);
    for c in ByteClass::ALL {
        s.push_str(&format!(".{}{{color:{}}}", c.css(), c.rgb().css()));
    }
    for o in Overlay::ALL {
        s.push_str(&format!(
            ".{0}{{background:{1};color:{2}}}.{0} span{{color:{2}}}",
            o.css(),
            o.bg().css(),
            o.fg().css()
        ));
    }
    s
}

/// The HTML document.
pub fn render(doc: &Document<'_>) -> String {
    let mut o = String::with_capacity(64 * 1024);
    o.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>clanscope: ",
    );
    o.push_str(&escape(&doc.id.path));
    o.push_str("</title><style>");
    o.push_str(&style());
    o.push_str(
        "</style></head><body>\n<h1>clanscope annotated dump</h1>\n<table class=\"meta\">\n",
    );
    for (k, v) in doc.header_lines() {
        o.push_str(&format!(
            "<tr><th>{}</th><td><code>{}</code></td></tr>\n",
            escape(&k),
            escape(&v)
        ));
    }
    o.push_str("</table>\n<h2>Summary</h2>\n<table class=\"summary\">\n");
    for (k, v) in doc.summary_lines() {
        o.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            escape(&k),
            escape(&v)
        ));
    }
    o.push_str("</table>\n<p class=\"legend\">Bytes: ");
    for c in ByteClass::ALL {
        o.push_str(&format!(
            "<span class=\"{}\" style=\"background:#111\">{}</span>",
            c.css(),
            escape(c.name())
        ));
    }
    o.push_str(" Overlays: ");
    for ov in [
        Overlay::Write,
        Overlay::Header,
        Overlay::CcmHeader,
        Overlay::Weak,
        Overlay::Range,
    ] {
        o.push_str(&format!(
            "<span class=\"{}\">{}</span>",
            ov.css(),
            escape(ov.name())
        ));
    }
    o.push_str("<span class=\"gut\">&gt;</span>line holds marked bytes</p>\n");
    findings_table(&mut o, doc);
    for e in &doc.excerpts {
        excerpt(&mut o, doc, e);
    }
    o.push_str("</body></html>\n");
    o
}

/// The table of every excerpt's subject and the findings inside, each linking to its excerpt.
fn findings_table(o: &mut String, doc: &Document<'_>) {
    o.push_str("<h2>Findings</h2>\n<table class=\"findings\"><tr><th>#</th><th>Kind</th><th>Confidence</th><th>Address</th><th>Offset</th><th>Length</th><th>Mailbox</th><th>File</th><th>Text</th></tr>\n");
    for e in &doc.excerpts {
        let id = e.anchor();
        let (label, kind, conf) = match e.subject {
            Subject::Header(h) => (
                format!("H{}", h.id),
                "damaged-header",
                format!("{:.2}", h.confidence),
            ),
            Subject::Finding(f) => (
                format!("#{}", f.id),
                f.kind.name(),
                format!("{:.2}", f.confidence),
            ),
            Subject::Range => ("-".to_string(), "range", String::new()),
            Subject::Note(_) => ("note".to_string(), "note", String::new()),
        };
        o.push_str(&format!(
            "<tr><td><a href=\"#{id}\">{label}</a></td><td>{kind}</td><td>{conf}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td></td><td></td><td></td></tr>\n",
            doc.origin.address(e.start),
            e.start,
            e.end - e.start,
        ));
        for f in e
            .findings
            .iter()
            .filter(|_| matches!(e.subject, Subject::Header(_)))
            .chain(
                e.findings
                    .iter()
                    .filter(|_| matches!(e.subject, Subject::Finding(_))),
            )
        {
            o.push_str(&format!(
                "<tr><td><a href=\"#{id}\">#{}</a></td><td>{}</td><td>{:.2}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>\n",
                f.id,
                f.kind.name(),
                f.confidence,
                doc.origin.address(f.start),
                f.start,
                f.len(),
                escape(&sanitize::line(f.mailbox.as_deref().unwrap_or(""))),
                escape(&sanitize::line(f.file.as_deref().unwrap_or(""))),
                escape(&sanitize::line(&super::clip(&f.text(doc.data), 120)))
            ));
        }
    }
    o.push_str("</table>\n");
}

/// One excerpt: its heading, what it holds (findings, destroyed bytes, notes), and its dump.
fn excerpt(o: &mut String, doc: &Document<'_>, e: &Excerpt<'_>) {
    let heading = super::text::heading(doc, e);
    let mut parts = heading.lines();
    o.push_str(&format!(
        "<section id=\"{}\"><h3>{}</h3>\n<dl>",
        e.anchor(),
        escape(parts.next().unwrap_or(""))
    ));
    for p in parts {
        if let Some((k, v)) = p.trim().split_once(':') {
            dd_code(o, k, v.trim());
        }
    }
    for f in &e.findings {
        finding_terms(o, doc, f, matches!(e.subject, Subject::Header(_)));
    }
    for n in &e.notes {
        o.push_str(&format!(
            "<dt>Note</dt><dd>{}</dd>",
            escape(&super::text::note_words(doc, e, n))
        ));
    }
    o.push_str("</dl>\n");
    if let Some(said) = e.shown_before() {
        o.push_str(&format!("<p>{}.</p>\n", escape(said)));
    }
    o.push_str("<pre class=\"dump\">");
    for line in lines(doc.data, doc.origin, e.from, e.to) {
        dump_line(o, doc, e, &line);
    }
    o.push_str("</pre>");
    if e.cut > 0 {
        o.push_str(&format!(
            "<p>{} more bytes are not shown: {}.</p>",
            e.cut,
            escape(&e.rest_advice(doc.origin))
        ));
    }
    o.push_str("</section>\n");
}

/// `<dt>key</dt><dd><code>value</code></dd>`, both escaped.
fn dd_code(o: &mut String, k: &str, v: &str) {
    o.push_str(&format!(
        "<dt>{}</dt><dd><code>{}</code></dd>",
        escape(k),
        escape(v)
    ));
}

/// A finding's terms: its line as a write of a header, names, why, text, destroyed bytes.
fn finding_terms(o: &mut String, doc: &Document<'_>, f: &Finding, nested: bool) {
    if nested {
        o.push_str(&format!(
            "<dt>Write #{}</dt><dd>{}, confidence {:.2}, <code>{}</code></dd>",
            f.id,
            f.kind.name(),
            f.confidence,
            escape(&super::text::range_words(doc, f.start, f.end))
        ));
    }
    // Sanitized as the text export does (a backslash that would start an escape doubled), so a
    // real ESC (`\x1B`) and the four characters `\x1B` (`\\x1B`) differ here too.
    if f.mailbox.is_some() {
        let names = f.mailboxes().collect::<Vec<_>>().join(", ");
        dd_code(o, "Mailbox", &sanitize::line(&names));
    }
    if f.file.is_some() {
        dd_code(
            o,
            "File",
            &sanitize::line(&f.files().collect::<Vec<_>>().join(", ")),
        );
    }
    dd_code(o, "Why", &sanitize::line(&f.why()));
    dd_code(o, "Text", &sanitize::line(&f.text(doc.data)));
    if let Some(d) = doc.destroyed(f) {
        destroyed_terms(o, &d);
    }
}

/// What a write destroyed, as the text export gives it: the compared file's bytes one
/// character per byte, and as hex.
fn destroyed_terms(o: &mut String, d: &crate::compare::Destroyed) {
    if d.same {
        o.push_str(&format!(
            "<dt>Destroyed</dt><dd>{}</dd>",
            escape(&d.same_said())
        ));
        return;
    }
    if d.backup.is_empty() {
        o.push_str(&format!(
            "<dt>Destroyed</dt><dd>unknown {}</dd>",
            escape(&d.whereabouts())
        ));
        return;
    }
    o.push_str(&format!(
        "<dt>Destroyed</dt><dd><code>{}</code> {}</dd>",
        escape(&sanitize::latin1_line(&d.backup)),
        escape(&d.whereabouts())
    ));
    dd_code(o, "Destroyed hex", &d.backup_hex());
}

/// Writes spans of one dump area: runs of bytes under one overlay share a span carrying
/// `data-part` and `data-o` (the offset of the run's first byte).
struct Runs<'a> {
    o: &'a mut String,
    part: &'static str,
    open: Option<Overlay>,
}

impl Runs<'_> {
    /// Closes the run when the overlay changes (`None` closes any).
    fn close_unless(&mut self, ov: Option<Overlay>) {
        if self.open.is_some() && self.open != ov {
            self.o.push_str("</span>");
            self.open = None;
        }
    }

    /// Writes byte `i` of `line` as `text` in its class colour under its overlay.
    fn cell(
        &mut self,
        ovs: &[Option<Overlay>],
        line: &crate::dump::format::DumpLine<'_>,
        i: usize,
        text: &str,
    ) {
        let class = CLASS[line.bytes[i] as usize].css();
        self.byte(ovs[i], line.start + i as u64, class, text);
    }

    /// Writes one byte's text under overlay `ov`, opening a run when it changes.
    fn byte(&mut self, ov: Option<Overlay>, at: u64, class: &str, text: &str) {
        self.close_unless(ov);
        if ov != self.open {
            if let Some(v) = ov {
                self.o.push_str(&format!(
                    "<span class=\"ov {}\" data-part=\"{}\" data-o=\"{at}\">",
                    v.css(),
                    self.part
                ));
            }
            self.open = ov;
        }
        self.o
            .push_str(&format!("<span class=\"{class}\">{text}</span>"));
    }
}

/// One dump line: gutter, address, hex area and ASCII column, each byte in its class colour and
/// runs of bytes under one overlay in one span carrying `data-o` (the offset of its first byte).
fn dump_line(
    o: &mut String,
    doc: &Document<'_>,
    e: &Excerpt<'_>,
    line: &crate::dump::format::DumpLine<'_>,
) {
    let ovs: Vec<Option<Overlay>> = (0..line.bytes.len())
        .map(|i| e.overlay_at(line.start + i as u64))
        .collect();
    o.push_str(if ovs.iter().any(Option::is_some) {
        "<span class=\"gut\">&gt;</span> "
    } else {
        "  "
    });
    let mut addr = Vec::new();
    doc.origin
        .write_line_address_padded(line.start, doc.origin.seg_digits(doc.id.size), &mut addr);
    o.push_str(&format!(
        "<span class=\"addr\">{}</span>  ",
        String::from_utf8(addr).expect("ASCII")
    ));
    hex_area(o, line, &ovs);
    o.push_str("   ");
    for _ in 0..line.first_col {
        o.push(' ');
    }
    let mut runs = Runs {
        o,
        part: "ascii",
        open: None,
    };
    for (i, &b) in line.bytes.iter().enumerate() {
        let text = match ASCII[b as usize] {
            b'<' => "&lt;".to_string(),
            b'>' => "&gt;".to_string(),
            b'&' => "&amp;".to_string(),
            c => (c as char).to_string(),
        };
        runs.cell(&ovs, line, i, &text);
    }
    runs.close_unless(None);
    o.push('\n');
}

/// The hex area of a dump line: 16 columns, a dash between the 8th and 9th byte.
fn hex_area(o: &mut String, line: &crate::dump::format::DumpLine<'_>, ovs: &[Option<Overlay>]) {
    let mut runs = Runs {
        o,
        part: "hex",
        open: None,
    };
    for col in 0..16 {
        let i = col as isize - line.first_col as isize;
        let byte = (i >= 0 && (i as usize) < line.bytes.len()).then_some(i as usize);
        if col > 0 {
            runs.close_unless(byte.and_then(|i| ovs[i]));
            let dash = col == 8 && byte.is_some();
            runs.o.push_str(if dash { "-" } else { " " });
        }
        let Some(i) = byte else {
            runs.o.push_str("  ");
            continue;
        };
        let b = line.bytes[i];
        let h = HEX[b as usize];
        runs.cell(ovs, line, i, &format!("{}{}", h[0] as char, h[1] as char));
    }
    runs.close_unless(None);
}

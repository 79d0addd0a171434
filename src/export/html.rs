//! The HTML export: one self-contained file (inline CSS, no scripts, no external resources):
//! the summary, a findings table linking to each excerpt, and the excerpts drawn with the
//! inspector's byte-class colours and the finding's overlay. Overlay spans carry `data-o`, the
//! file offset of their first byte, so a reader (or a test) can check exactly what is marked.

use super::{Document, Excerpt};
use crate::detect::FindingKind;
use crate::dump::format::{lines, ByteClass, ASCII, CLASS, HEX};
use crate::sanitize;

pub fn escape(s: &str) -> String {
    let s = sanitize::line(s);
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

fn class_css(c: ByteClass) -> &'static str {
    match c {
        ByteClass::Null => "n",
        ByteClass::Printable => "p",
        ByteClass::Whitespace => "w",
        ByteClass::Control => "c",
        ByteClass::HighBit => "h",
    }
}

pub fn overlay_css(kind: Option<FindingKind>, confidence: f32) -> &'static str {
    match kind {
        Some(FindingKind::DamagedHeader) => "ov ov-dh",
        Some(FindingKind::ConsoleWrite) if confidence >= crate::detect::SUSPECTED => "ov ov-cw",
        Some(_) => "ov ov-weak",
        None => "ov ov-range",
    }
}

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}\
pre.dump{font-family:monospace;background:#111;color:#ddd;padding:.6em;line-height:1.3;overflow-x:auto}\
.n{color:#888}.p{color:#2cc}.w{color:#4c4}.c{color:#c4c}.h{color:#cb4}.addr{color:#ddd}\
.gut{color:#f55;font-weight:bold}.ov-cw{background:#a11;color:#fff}.ov-cw span{color:#fff}\
.ov-dh{background:#850;color:#fff}.ov-dh span{color:#fff}.ov-weak{background:#335;color:#fff}.ov-weak span{color:#fff}.ov-range{background:#136;color:#fff}.ov-range span{color:#fff}\
.legend span{padding:0 .4em;margin-right:.5em;font-family:monospace}code{font-family:monospace}section{margin-top:2em}";

pub fn render(doc: &Document<'_>) -> String {
    let mut o = String::with_capacity(64 * 1024);
    o.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>clanscope: ",
    );
    o.push_str(&escape(&doc.path));
    o.push_str("</title><style>");
    o.push_str(STYLE);
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
            class_css(c),
            escape(c.name())
        ));
    }
    o.push_str(" Overlays: <span class=\"ov-cw\">console write</span><span class=\"ov-dh\">damaged header</span><span class=\"ov-weak\">weaker finding</span><span class=\"gut\">&gt;</span>line holds marked bytes</p>\n");
    o.push_str("<h2>Findings</h2>\n<table class=\"findings\"><tr><th>#</th><th>Kind</th><th>Confidence</th><th>Address</th><th>Offset</th><th>Length</th><th>Mailbox</th><th>File</th><th>Text</th></tr>\n");
    for e in &doc.excerpts {
        let id = anchor(e);
        let (kind, conf, mb, file, text) = match e.finding {
            Some(f) => (
                f.kind.name(),
                format!("{:.2}", f.confidence),
                f.mailbox.clone().unwrap_or_default(),
                f.file.clone().unwrap_or_default(),
                f.text.clone(),
            ),
            None => (
                "range",
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ),
        };
        o.push_str(&format!(
            "<tr><td><a href=\"#{id}\">{}</a></td><td>{kind}</td><td>{conf}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>\n",
            e.number.map(|n| n.to_string()).unwrap_or_else(|| "-".into()),
            doc.origin.address(e.mark_start),
            e.mark_start,
            e.mark_end - e.mark_start + e.cut,
            escape(&mb),
            escape(&file),
            escape(&super::clip(&text, 120))
        ));
    }
    o.push_str("</table>\n");
    for e in &doc.excerpts {
        excerpt(&mut o, doc, e);
    }
    o.push_str("</body></html>\n");
    o
}

fn anchor(e: &Excerpt<'_>) -> String {
    match e.number {
        Some(n) => format!("f{n}"),
        None => format!("r{}", e.mark_start),
    }
}

fn excerpt(o: &mut String, doc: &Document<'_>, e: &Excerpt<'_>) {
    let heading = super::text::heading(doc, e);
    let mut parts = heading.lines();
    o.push_str(&format!(
        "<section id=\"{}\"><h3>{}</h3>\n<dl>",
        anchor(e),
        escape(parts.next().unwrap_or(""))
    ));
    for p in parts {
        if let Some((k, v)) = p.trim().split_once(':') {
            o.push_str(&format!(
                "<dt>{}</dt><dd><code>{}</code></dd>",
                escape(k),
                escape(v.trim())
            ));
        }
    }
    if let Some(f) = e.finding {
        for (k, v) in [
            ("Mailbox", f.mailbox.as_deref()),
            ("File", f.file.as_deref()),
            ("Why", Some(f.why.as_str())),
            ("Text", Some(f.text.as_str())),
        ] {
            if let Some(v) = v {
                o.push_str(&format!("<dt>{k}</dt><dd><code>{}</code></dd>", escape(v)));
            }
        }
    }
    for n in &e.notes {
        o.push_str(&format!("<dt>Note</dt><dd>{}</dd>", escape(&n.text)));
    }
    o.push_str("</dl>\n<pre class=\"dump\">");
    let ov = overlay_css(
        e.finding.map(|f| f.kind),
        e.finding.map_or(1.0, |f| f.confidence),
    );
    for line in lines(doc.data, doc.origin, e.from, e.to) {
        let marked = |i: usize| {
            let x = line.start + i as u64;
            x >= e.mark_start && x < e.mark_end
        };
        let any = (0..line.bytes.len()).any(marked);
        o.push_str(if any {
            "<span class=\"gut\">&gt;</span> "
        } else {
            "  "
        });
        let mut addr = Vec::new();
        doc.origin.write_line_address(line.start, &mut addr);
        o.push_str(&format!(
            "<span class=\"addr\">{}</span>  ",
            String::from_utf8(addr).expect("ASCII")
        ));
        // Hex area.
        let mut open = false;
        for col in 0..16 {
            if col > 0 {
                let sep =
                    if col == 8 && col >= line.first_col && col < line.first_col + line.bytes.len()
                    {
                        "-"
                    } else {
                        " "
                    };
                let i = col as isize - line.first_col as isize;
                let closes =
                    open && !(i >= 0 && (i as usize) < line.bytes.len() && marked(i as usize));
                if closes {
                    o.push_str("</span>");
                    open = false;
                }
                o.push_str(sep);
            }
            let i = col as isize - line.first_col as isize;
            if i < 0 || i as usize >= line.bytes.len() {
                o.push_str("  ");
                continue;
            }
            let i = i as usize;
            let b = line.bytes[i];
            if marked(i) && !open {
                o.push_str(&format!(
                    "<span class=\"{ov}\" data-part=\"hex\" data-o=\"{}\">",
                    line.start + i as u64
                ));
                open = true;
            }
            let h = HEX[b as usize];
            o.push_str(&format!(
                "<span class=\"{}\">{}{}</span>",
                class_css(CLASS[b as usize]),
                h[0] as char,
                h[1] as char
            ));
        }
        if open {
            o.push_str("</span>");
        }
        o.push_str("   ");
        // ASCII column.
        for _ in 0..line.first_col {
            o.push(' ');
        }
        let mut open = false;
        for (i, &b) in line.bytes.iter().enumerate() {
            if marked(i) && !open {
                o.push_str(&format!(
                    "<span class=\"{ov}\" data-part=\"ascii\" data-o=\"{}\">",
                    line.start + i as u64
                ));
                open = true;
            } else if !marked(i) && open {
                o.push_str("</span>");
                open = false;
            }
            let ch = ASCII[b as usize] as char;
            let text = match ch {
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '&' => "&amp;".to_string(),
                c => c.to_string(),
            };
            o.push_str(&format!(
                "<span class=\"{}\">{text}</span>",
                class_css(CLASS[b as usize])
            ));
        }
        if open {
            o.push_str("</span>");
        }
        o.push('\n');
    }
    o.push_str("</pre>");
    if e.cut > 0 {
        o.push_str(&format!(
            "<p>{} more bytes of this finding are not shown.</p>",
            e.cut
        ));
    }
    o.push_str("</section>\n");
}

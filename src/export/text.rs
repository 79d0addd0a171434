//! The text export: reads like the KB article (DEBUG lines), marks the finding's lines with `>`
//! in a gutter and its bytes with a caret line, and parses back with `clanscope undump`.
//! Prose lines never start with something a dump parser could take for data: wrapped text and
//! notes are prefixed with `|`.

use super::{Document, Excerpt};
use crate::dump::format::{lines, LineLayout};
use crate::dump::Printer;
use crate::sanitize;

const WRAP: usize = 86;

/// `  LABEL    text`, wrapped so no line reaches 100 columns; continuation lines start with `|`.
fn wrapped(out: &mut String, label: &str, text: &str) {
    let indent = label.chars().count().max(8);
    let width = WRAP - indent.saturating_sub(8);
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        out.push_str(&format!("  {label:<8}\n"));
        return;
    }
    for (i, piece) in chars.chunks(width).enumerate() {
        let s: String = piece.iter().collect();
        if i == 0 {
            out.push_str(&format!("  {label:<8} {s}\n"));
        } else {
            out.push_str(&format!("  |{} {s}\n", " ".repeat(indent - 1)));
        }
    }
}

pub fn heading(doc: &Document<'_>, e: &Excerpt<'_>) -> String {
    let o = doc.origin;
    let last = e.mark_end.max(e.mark_start + 1) - 1;
    let range = format!(
        "{}-{}, offsets {}-{} ({:X}h-{:X}h), {} bytes",
        o.address(e.mark_start),
        o.address(last),
        e.mark_start,
        last,
        e.mark_start,
        last,
        e.mark_end - e.mark_start + e.cut
    );
    match (e.number, e.finding) {
        (Some(n), Some(f)) => format!(
            "Finding #{n}: {}, confidence {:.2}\n  Range:   {range}",
            f.kind.name(),
            f.confidence
        ),
        _ => format!("Range\n  Range:   {range}"),
    }
}

pub fn render(doc: &Document<'_>) -> String {
    let mut out = String::from("clanscope annotated dump\n");
    for (k, v) in doc.header_lines() {
        out.push_str(&format!("{:<10} {}\n", format!("{k}:"), sanitize::line(&v)));
    }
    out.push_str("\nSummary\n");
    for (k, v) in doc.summary_lines() {
        wrapped(&mut out, &format!("{k}:"), &v);
    }
    if doc.excerpts.is_empty() {
        out.push_str("\nNothing to export: no findings at this confidence.\n");
    }
    let printer = Printer::new(doc.origin);
    for e in &doc.excerpts {
        out.push('\n');
        out.push_str(&heading(doc, e));
        out.push('\n');
        if let Some(f) = e.finding {
            if let Some(m) = &f.mailbox {
                wrapped(&mut out, "Mailbox:", &sanitize::line(m));
            }
            if let Some(x) = &f.file {
                wrapped(&mut out, "File:", &sanitize::line(x));
            }
            wrapped(&mut out, "Why:", &sanitize::line(&f.why));
            wrapped(
                &mut out,
                "Text:",
                &format!("\"{}\"", sanitize::line(&f.text)),
            );
        }
        for n in &e.notes {
            wrapped(&mut out, "Note:", &sanitize::line(&n.text));
        }
        out.push('\n');
        let mut buf = Vec::with_capacity(96);
        for line in lines(doc.data, doc.origin, e.from, e.to) {
            buf.clear();
            printer.format_line(&line, &mut buf);
            let marked: Vec<bool> = (0..line.bytes.len())
                .map(|i| {
                    let x = line.start + i as u64;
                    x >= e.mark_start && x < e.mark_end
                })
                .collect();
            let any = marked.iter().any(|&m| m);
            out.push_str(if any { ">  " } else { "   " });
            out.push_str(std::str::from_utf8(&buf).expect("ASCII"));
            out.push('\n');
            if any {
                let layout = LineLayout {
                    addr_width: buf.iter().position(|&c| c == b' ').unwrap_or(9),
                };
                let mut caret = vec![b' '; 3 + layout.width()];
                for (i, &m) in marked.iter().enumerate() {
                    if m {
                        let col = line.first_col + i;
                        caret[3 + layout.hex(col)] = b'^';
                        caret[3 + layout.hex(col) + 1] = b'^';
                        caret[3 + layout.ascii(col)] = b'^';
                    }
                }
                let s = String::from_utf8(caret).expect("ASCII");
                out.push_str(s.trim_end());
                out.push('\n');
            }
        }
        if e.cut > 0 {
            out.push_str(&format!(
                "  | ({} more bytes of this finding not shown: export them with --from {} --length {})\n",
                e.cut,
                doc.origin.address(e.mark_end),
                e.cut
            ));
        }
    }
    out
}

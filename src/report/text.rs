//! The text export: reads like the KB article (DEBUG lines), marks lines that hold marked bytes
//! with `>` in a gutter, and marks the bytes themselves on a caret line below: `^` under a
//! write or finding (or the range asked for), `~` under the rest of a damaged header, `-` under
//! an examiner's note's bytes outside those. It parses
//! back with `clanscope undump`: prose lines never start with something a dump parser could
//! take for data (wrapped text and notes are prefixed with `|`). A wrapped value loses nothing:
//! its pieces start in one column and, joined, give it back exactly (see `wrap_words`).

use super::{Document, Excerpt, Subject};
use crate::detect::Finding;
use crate::dump::format::{lines, LineLayout};
use crate::dump::{Overlay, Printer};
use crate::sanitize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

const WRAP: usize = 86;

/// `  LABEL    text`, wrapped so no line reaches 100 columns; continuation lines start with
/// `|`. Every piece starts in the same column (the label's width plus three), so the pieces,
/// each taken from that column and joined with nothing between them, give `text` back exactly
/// ([`wrap_words`]).
fn wrapped(out: &mut String, label: &str, text: &str) {
    let indent = label.chars().count().max(8);
    let width = WRAP - indent.saturating_sub(8);
    if text.is_empty() {
        out.push_str(&format!("  {label:<8}\n"));
        return;
    }
    for (i, piece) in wrap_words(text, width).iter().enumerate() {
        if i == 0 {
            out.push_str(&format!("  {label:<8} {piece}\n"));
        } else {
            out.push_str(&format!("  |{} {piece}\n", " ".repeat(indent - 1)));
        }
    }
}

/// Splits `text` into pieces of at most `width` columns (or one unit, where a unit is wider)
/// that join back to exactly `text`: nothing is dropped and nothing is cut in two. A
/// piece ends before a run of spaces where one lies within `width` (the spaces open the next
/// piece: at the end of a line they would be invisible, and lost by editors that trim lines),
/// else after `width` columns, between two [`units`].
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let units = units(text);
    let mut out = Vec::new();
    let mut at = 0;
    while at < units.len() {
        let mut end = at + 1;
        let mut used = units[at].width();
        while end < units.len() && used + units[end].width() <= width {
            used += units[end].width();
            end += 1;
        }
        if end < units.len() {
            // The last run of spaces that starts within the piece, after something else.
            if let Some(b) = (at + 1..=end)
                .rev()
                .find(|&i| units[i] == " " && units[i - 1] != " ")
            {
                end = b;
            }
        }
        out.push(units[at..end].concat());
        at = end;
    }
    out
}

/// `text` cut into the units a wrap may not split: an escape the sanitizer writes (`\\`, `\r`,
/// `\n`, `\t`, `\xNN`, `\u{NNNN}`), or one character with the marks that combine with it
/// (zero width: `e` and U+0301 stay together).
fn units(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let mut len = escape_len(rest).unwrap_or(c.len_utf8());
        while let Some(m) = rest[len..].chars().next().filter(|m| m.width() == Some(0)) {
            len += m.len_utf8();
        }
        out.push(&rest[..len]);
        rest = &rest[len..];
    }
    out
}

/// The length in bytes of the sanitizer's escape that `s` starts with, if it starts with one.
fn escape_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    match b {
        [b'\\', b'\\' | b'r' | b'n' | b't', ..] => Some(2),
        [b'\\', b'x', h, l, ..] if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => Some(4),
        [b'\\', b'u', b'{', ..] => s[3..].find('}').filter(|&n| n <= 6).map(|n| n + 4),
        _ => None,
    }
}

/// A note's text, where it lies, who wrote it and when, and where it reaches beyond the lines
/// excerpt `e` shows:
/// `text (at SEG:OFF, N byte(s); it starts before the lines shown here; by EXAMINER, TIME;
/// from SOURCE)`.
pub fn note_words(doc: &Document<'_>, e: &Excerpt<'_>, n: &crate::notes::Note) -> String {
    let mut at = format!(
        "at {}, {}",
        doc.origin.address(n.start),
        crate::address::bytes(n.end.max(n.start + 1) - n.start)
    );
    if n.end > doc.id.size {
        at.push_str(&format!(
            ", reaching past the end of the file (offset {})",
            doc.id.size
        ));
    }
    let mut about = vec![at];
    about.extend(e.note_reach(n, doc.id.size).map(String::from));
    let by = n.byline();
    if !by.is_empty() {
        about.push(by);
    }
    if let Some(s) = n.source.as_deref().filter(|s| *s != "clanscope") {
        about.push(format!("from {}", sanitize::line(s)));
    }
    format!("{} ({})", sanitize::line(&n.text), about.join("; "))
}

/// `SEG:OFF-SEG:OFF, offsets A-B (Ah-Bh), N bytes` for `[start, end)`.
pub fn range_words(doc: &Document<'_>, start: u64, end: u64) -> String {
    let o = doc.origin;
    let last = end.max(start + 1) - 1;
    format!(
        "{}-{}, offsets {}-{} ({:X}h-{:X}h), {}",
        o.address(start),
        o.address(last),
        start,
        last,
        start,
        last,
        crate::address::bytes(end - start)
    )
}

/// The heading of an excerpt: what it is and its range.
pub fn heading(doc: &Document<'_>, e: &Excerpt<'_>) -> String {
    let range = range_words(doc, e.start, e.end);
    match e.subject {
        Subject::Header(h) => format!(
            "Damaged header H{}: confidence {:.2}, {} console write(s){}{}\n  Range:   {range}",
            h.id,
            h.confidence,
            h.writes.len(),
            if h.anomalies.is_empty() {
                String::new()
            } else {
                format!(
                    ", {} header anomal{}",
                    h.anomalies.len(),
                    if h.anomalies.len() == 1 { "y" } else { "ies" }
                )
            },
            if h.missing_keyword {
                "; its 'Message:' line is missing"
            } else {
                ""
            }
        ),
        Subject::Finding(f) => format!(
            "Finding #{}: {}, confidence {:.2}\n  Range:   {range}",
            f.id,
            f.kind.name(),
            f.confidence
        ),
        Subject::Range => format!("Range\n  Range:   {range}"),
        Subject::Note(_) => format!("Note\n  Range:   {range}"),
    }
}

fn finding_details(out: &mut String, doc: &Document<'_>, f: &Finding, nested: bool) {
    if nested {
        let o = doc.origin;
        // Inside a damaged header: its writes, and the lines of it that are neither fields nor
        // writes.
        let what = match f.kind {
            crate::detect::FindingKind::ConsoleWrite => "Write",
            crate::detect::FindingKind::CcmHeaderAnomaly => "Anomaly",
            crate::detect::FindingKind::PlainText => "Text",
        };
        out.push_str(&format!(
            "  {what} #{}: {}, confidence {:.2}, {}-{}, {}\n",
            f.id,
            f.kind.name(),
            f.confidence,
            o.address(f.start),
            o.address(f.end.max(f.start + 1) - 1),
            crate::address::bytes(f.len())
        ));
    }
    let join = |names: Vec<&str>| sanitize::line(&names.join(", ")).into_owned();
    if f.mailbox.is_some() {
        wrapped(out, "Mailbox:", &join(f.mailboxes().collect()));
    }
    if f.file.is_some() {
        wrapped(out, "File:", &join(f.files().collect()));
    }
    wrapped(out, "Why:", &sanitize::line(&f.why()));
    wrapped(
        out,
        "Text:",
        &format!("\"{}\"", sanitize::line(&f.text(doc.data))),
    );
}

/// The text document.
pub fn render(doc: &Document<'_>) -> String {
    let mut out = String::from("clanscope annotated dump\n");
    for (k, v) in doc.header_lines() {
        out.push_str(&format!("{:<10} {v}\n", format!("{k}:")));
    }
    out.push_str("\nSummary\n");
    for (k, v) in doc.summary_lines() {
        wrapped(&mut out, &format!("{k}:"), &v);
    }
    if doc.excerpts.is_empty() {
        out.push_str("\nNothing to export: no findings at this confidence.\n");
    }
    for e in &doc.excerpts {
        excerpt(&mut out, doc, e);
    }
    out
}

fn excerpt(out: &mut String, doc: &Document<'_>, e: &Excerpt<'_>) {
    out.push('\n');
    out.push_str(&heading(doc, e));
    out.push('\n');
    let nested = matches!(e.subject, Subject::Header(_));
    for f in &e.findings {
        finding_details(out, doc, f, nested);
        if let Some(d) = doc.destroyed(f) {
            destroyed(out, &d);
        }
    }
    for n in &e.notes {
        wrapped(out, "Note:", &note_words(doc, e, n));
    }
    out.push('\n');
    if let Some(said) = e.shown_before() {
        out.push_str(&format!("  | ({said})\n"));
    }
    let printer = Printer::new(doc.origin).for_size(doc.id.size);
    let mut buf = Vec::with_capacity(96);
    for line in lines(doc.data, doc.origin, e.from, e.to) {
        buf.clear();
        printer.format_line(&line, &mut buf);
        // A healthy .CCM header is not a finding: marked in HTML by its colour, not here, where
        // `>` and carets mark a finding's bytes and `~` a damaged header's (review 38: a healthy
        // header was marked as the damaged one was). A note's bytes outside them get `-`
        // (review 54: marked as the finding's, they could not be told apart).
        let marks: Vec<Option<u8>> = (0..line.bytes.len())
            .map(|i| {
                let x = line.start + i as u64;
                match e.overlay_of(x, Some(Overlay::CcmHeader), false) {
                    Some(Overlay::Header) => Some(b'~'),
                    Some(_) => Some(b'^'),
                    None => e.note_at(x).then_some(b'-'),
                }
            })
            .collect();
        let any = marks.iter().any(Option::is_some);
        out.push_str(if any { ">  " } else { "   " });
        out.push_str(std::str::from_utf8(&buf).expect("ASCII"));
        out.push('\n');
        if any {
            caret_line(out, &buf, line.first_col, &marks);
        }
    }
    if e.cut > 0 {
        out.push_str(&format!(
            "  | ({} more bytes not shown: {})\n",
            e.cut,
            e.rest_advice(doc.origin)
        ));
    }
}

/// What a write destroyed: the compared file's bytes there as text, one character per byte as
/// in a finding's `Text:` and in JSON, and as hex, from which they can be rebuilt.
fn destroyed(out: &mut String, d: &crate::compare::Destroyed) {
    if d.same {
        wrapped(out, "Destroyed:", &d.same_said());
        return;
    }
    if d.backup.is_empty() {
        wrapped(out, "Destroyed:", &format!("unknown {}", d.whereabouts()));
        return;
    }
    wrapped(
        out,
        "Destroyed:",
        &format!(
            "\"{}\" {}",
            sanitize::latin1_line(&d.backup),
            d.whereabouts()
        ),
    );
    wrapped(out, "Destroyed hex:", &d.backup_hex());
}

/// The caret line under a dump line: each byte's mark (`^` a finding's or the range's, `~` a
/// damaged header's, `-` a note's) under its hex digits and its character.
fn caret_line(out: &mut String, printed: &[u8], first_col: usize, marks: &[Option<u8>]) {
    let layout = LineLayout {
        // The label ends four digits after its colon (blanks may stand before it).
        addr_width: printed.iter().position(|&c| c == b':').map_or(9, |i| i + 5),
    };
    let mut caret = vec![b' '; 3 + layout.width()];
    for (i, m) in marks.iter().enumerate() {
        let Some(c) = *m else { continue };
        let col = first_col + i;
        caret[3 + layout.hex(col)] = c;
        caret[3 + layout.hex(col) + 1] = c;
        caret[3 + layout.ascii(col)] = c;
    }
    let s = String::from_utf8(caret).expect("ASCII");
    out.push_str(s.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_before_spaces_and_keeps_them() {
        assert_eq!(
            wrap_words("the damaged header holds two writes", 12),
            vec!["the damaged", " header", " holds two", " writes"]
        );
        assert_eq!(wrap_words("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        // A run of spaces stays whole and opens the next piece; none is dropped (review 38:
        // `wraps somewhere` read `wrapssomewhere` once joined).
        assert_eq!(
            wrap_words("line wraps   somewhere", 12),
            vec!["line wraps", "   somewhere"]
        );
        assert_eq!(wrap_words("ab      ", 4), vec!["ab", "    ", "  "]);
    }

    #[test]
    fn never_cuts_an_escape_or_a_character_from_its_marks() {
        // Review 38: `\xC3\` on one line and `x1B` on the next.
        assert_eq!(
            wrap_words("ab\\xC3\\x1Bcd", 5),
            vec!["ab", "\\xC3", "\\x1Bc", "d"]
        );
        assert_eq!(
            wrap_words("a\\u{00AD}\\u{E0041}b", 8),
            vec!["a", "\\u{00AD}", "\\u{E0041}", "b"]
        );
        assert_eq!(
            wrap_words("\\\\x\\r\\n", 1),
            vec!["\\\\", "x", "\\r", "\\n"]
        );
        assert_eq!(wrap_words("abe\u{301}f", 3), vec!["abe\u{301}", "f"]);
        // A backslash that starts no escape is one character (DOS paths).
        assert_eq!(wrap_words("A\\MSG", 2), vec!["A\\", "MS", "G"]);
    }

    #[test]
    fn the_pieces_join_back_to_the_text() {
        let texts = [
            "\"Name: J\\u{00C3}\\u{00BC}rgen  \\u{00C4}\\u{008C}   two  spaces  here and a long run of words so that the line wraps somewhere\"",
            "  leading and trailing  ",
            "\\x1B\\x1B\\x1B\\x1B\\x1B\\x1B\\x1B\\x1B\\x1B\\x1B\\x1B",
            "4E 61 6D 65 3A 20 4A C3 BC 72 67 65 6E 20 20 C4 8C 20 20 20 74 77 6F 20",
        ];
        for t in texts {
            for width in 1..30 {
                let pieces = wrap_words(t, width);
                assert_eq!(pieces.concat(), t, "{width}");
                assert!(pieces.iter().all(|p| !p.is_empty()));
            }
        }
    }

    #[test]
    fn wrapped_lines_start_their_pieces_in_one_column() {
        let mut out = String::new();
        let text = format!("{}  b", "a".repeat(85));
        wrapped(&mut out, "Text:", &text);
        let a = "a".repeat(85);
        assert_eq!(out, format!("  Text:    {a}\n  |{}  b\n", " ".repeat(8)));
        // Each piece taken from column 11 (the label's 8 plus 3), joined, is the text.
        let joined: String = out.lines().map(|l| &l[11..]).collect();
        assert_eq!(joined, text);
    }
}

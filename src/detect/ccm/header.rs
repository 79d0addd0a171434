//! The header area of a .CCM message: which lines are header lines (`Key: value`, and folded
//! continuation lines that start with white space), and which are not. Lines that are not
//! header lines, with the blank lines around them, are read as blocks by the text model: a block
//! that reads as console output is a console write; any other is a header anomaly. A line of an
//! unknown key (`Post office directory: e:\ccmail`) next to blank lines or other text is text,
//! not a header line: real headers have no blank lines.

use crate::detect::lines::Line;

/// Keys of the Import/Export header known from public sources (KB Q184052 and others); other
/// keys exist, no public full list was found.
const KNOWN_KEYS: &[&str] = &[
    "from", "to", "date", "subject", "cc", "bcc", "priority", "contents",
];

/// What a line of a header area is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Field {
        known: bool,
    },
    /// A continuation of the field before it.
    Folded,
    Blank,
    Text,
}

/// One line of a header area and what it is.
#[derive(Clone, Copy, Debug)]
pub struct HLine {
    pub line: Line,
    pub kind: Kind,
}

/// `Key: value`: the key starts with a letter, has at most 32 letters, digits, spaces, `-` or
/// `.`; returns the key and the value, trimmed. A line that opens with the product's name,
/// `cc:Mail` (`cc:Mail ANALYZE 5.0 ...`, a banner), is no `Cc:` field (review 66); other
/// fields may have no blank after their colon (`Date:6/2/98 8:39`, review 68).
pub fn field(t: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = memchr::memchr(b':', t)?;
    let (k, v) = (&t[..colon], &t[colon + 1..]);
    let ok = !k.is_empty()
        && k.len() <= 32
        && k[0].is_ascii_alphabetic()
        && !product_name(k, v)
        && k.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'-' | b'.'));
    ok.then(|| (k.trim_ascii(), v.trim_ascii()))
}

/// `cc:Mail` and a word boundary: the product's name opening a line, not a `Cc:` field.
fn product_name(k: &[u8], v: &[u8]) -> bool {
    k.eq_ignore_ascii_case(b"cc")
        && v.get(..4).is_some_and(|m| m.eq_ignore_ascii_case(b"Mail"))
        && v.get(4).is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// True for a key of the known list (any case).
pub fn known_key(k: &[u8]) -> bool {
    KNOWN_KEYS
        .iter()
        .any(|w| k.eq_ignore_ascii_case(w.as_bytes()))
}

/// What a header-area line is, given the kind of the line before it.
pub fn kind_of(t: &[u8], prev: Option<Kind>) -> Kind {
    if t.trim_ascii().is_empty() {
        return Kind::Blank;
    }
    if matches!(t[0], b' ' | b'\t') {
        return match prev {
            Some(Kind::Field { .. } | Kind::Folded) => Kind::Folded,
            _ => Kind::Text,
        };
    }
    match field(t) {
        Some((k, _)) => Kind::Field {
            known: known_key(k),
        },
        None => Kind::Text,
    }
}

fn loose(k: Kind) -> bool {
    matches!(k, Kind::Blank | Kind::Text)
}

/// Unknown-key fields and folded lines next to blank lines or text are text; repeated until
/// nothing changes (a run of such lines becomes text from either end).
pub fn settle(lines: &mut [HLine]) {
    loop {
        let mut changed = false;
        for i in 0..lines.len() {
            let weak = matches!(lines[i].kind, Kind::Field { known: false } | Kind::Folded);
            if !weak {
                continue;
            }
            let before = i.checked_sub(1).map(|j| lines[j].kind);
            let after = lines.get(i + 1).map(|l| l.kind);
            let folded_orphan = lines[i].kind == Kind::Folded && before.is_some_and(loose);
            let field_loose = lines[i].kind != Kind::Folded
                && (before.is_some_and(loose) || after.is_some_and(loose));
            if folded_orphan || field_loose {
                lines[i].kind = Kind::Text;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// The byte ranges of runs of text lines (with the blank lines among and around them) that hold
/// at least one text line.
pub fn text_runs(lines: &[HLine], mut each: impl FnMut(usize, usize)) {
    let mut i = 0;
    while i < lines.len() {
        if !loose(lines[i].kind) {
            i += 1;
            continue;
        }
        let s = i;
        while i < lines.len() && loose(lines[i].kind) {
            i += 1;
        }
        if lines[s..i].iter().any(|l| l.kind == Kind::Text) {
            each(lines[s].line.start, lines[i - 1].line.end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::lines::lines;

    fn kinds(text: &str) -> Vec<Kind> {
        let b = text.as_bytes();
        let mut out: Vec<HLine> = Vec::new();
        for l in lines(b, 0, b.len()) {
            let prev = out.last().map(|h| h.kind);
            out.push(HLine {
                line: l,
                kind: kind_of(l.text(b), prev),
            });
        }
        settle(&mut out);
        out.iter().map(|h| h.kind).collect()
    }

    #[test]
    fn folded_lines_are_header_lines() {
        use Kind::*;
        assert_eq!(
            kinds("From: A at B\r\nSubject: a long\r\n  subject line\r\nTo: C\r\n"),
            vec![
                Field { known: true },
                Field { known: true },
                Folded,
                Field { known: true }
            ]
        );
        assert_eq!(
            kinds("X-Mailer: ccmail\r\nFrom: A\r\n"),
            vec![Field { known: false }, Field { known: true }]
        );
    }

    #[test]
    fn console_lines_that_look_like_fields_are_text() {
        use Kind::*;
        let k = kinds("From: A\r\n\r\nEXPORT 8.5 (c) X\r\n\r\nPost office directory: e:\\po\r\n\r\nDone.\r\nDate: 1/2/98\r\n");
        assert_eq!(
            k,
            vec![
                Field { known: true },
                Blank,
                Text,
                Blank,
                Text,
                Blank,
                Text,
                Field { known: true }
            ]
        );
        let b = "From: A\r\n\r\nX\r\nDate: 1\r\n".as_bytes();
        let mut hl: Vec<HLine> = Vec::new();
        for l in lines(b, 0, b.len()) {
            let prev = hl.last().map(|h| h.kind);
            hl.push(HLine {
                line: l,
                kind: kind_of(l.text(b), prev),
            });
        }
        let mut runs = Vec::new();
        text_runs(&hl, |s, e| runs.push((s, e)));
        assert_eq!(runs, vec![(9, 14)]);
    }
}

//! The one sanitizer for everything that came from examined files or from users and is shown on
//! a terminal or written to an export: file contents, file names, decoded text, .CCM header
//! values and examiner notes. No control character, escape sequence or bidirectional override
//! survives it; each is replaced by a visible escape.

use std::borrow::Cow;
use std::path::Path;

/// True for characters that must never reach a terminal raw: C0 and C1 controls, DEL, and the
/// Unicode formatting characters that reorder or hide text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// One line of text: every unsafe character (CR, LF and tab included) becomes an escape:
/// `\r`, `\n`, `\t`, `\xNN` for other bytes below 100h, `\u{NNNN}` above.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text that may span lines: LF and CRLF stay line breaks; everything else unsafe is escaped as
/// in [`line`]. A lone CR is escaped (it would overwrite the start of the line).
pub fn multiline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\r' if chars.peek() == Some(&'\n') => {}
            c if is_unsafe(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Bytes decoded for display: valid UTF-8 is kept, other bytes are shown as `\xNN`, then the
/// result is sanitized as one line.
pub fn bytes_line(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            if is_unsafe(c) {
                push_escaped(&mut out, c);
            } else {
                out.push(c);
            }
        }
        for &x in chunk.invalid() {
            out.push_str(&format!("\\x{x:02X}"));
        }
    }
    out
}

/// A path for display: non-UTF-8 bytes become `\xNN`, controls are escaped.
pub fn path(p: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    bytes_line(p.as_os_str().as_bytes())
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02X}", c as u32)),
        c => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control() {
        let s = "a\x1b[2Jb\x1b]52;c;aGk=\x07c\rd\x08e\u{9b}f\u{202E}g";
        assert_eq!(
            line(s),
            "a\\x1B[2Jb\\x1B]52;c;aGk=\\x07c\\rd\\x08e\\x9Bf\\u{202E}g"
        );
        assert!(!line(s).chars().any(is_unsafe));
    }

    #[test]
    fn multiline_keeps_breaks_only() {
        assert_eq!(multiline("a\r\nb\nc\rd\x1be"), "a\nb\nc\\rd\\x1Be");
    }

    #[test]
    fn invalid_utf8_is_visible() {
        assert_eq!(bytes_line(b"ok\xff\x1b"), "ok\\xFF\\x1B");
    }
}

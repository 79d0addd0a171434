//! The one sanitizer for everything that came from examined files or from users and is shown on
//! a terminal or written to an export: file contents, file names, decoded text, .CCM header
//! values and examiner notes. No control character, escape sequence, bidirectional override or
//! invisible (default-ignorable) character survives it; each is replaced by a visible escape,
//! and a backslash that would read as the start of one is doubled, so the escapes are
//! unambiguous. JSON gets the same protection in its own syntax ([`json_pretty`]); [`fit`] pads
//! and clips text by display width.

use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;
use unicode_width::UnicodeWidthChar;

/// True for characters that must never reach a terminal raw: C0 and C1 controls, DEL, the
/// line and paragraph separators, interlinear annotation, and every default-ignorable code
/// point (`is_default_ignorable`: bidirectional controls, the soft hyphen, zero-width and
/// invisible characters, fillers, variation selectors, tag characters), which a terminal or
/// browser draws as nothing, so that `CLAN\u{00AD}DATA` would read as `CLANDATA`.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || is_default_ignorable(c)
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Unicode's Default_Ignorable_Code_Point property: the ranges Unicode's
/// DerivedCoreProperties.txt lists for it (the list of Unicode 14.0, which added U+180F, and
/// unchanged through 16.0), reserved code points among them, as the property has them. A
/// renderer draws these as nothing, so they hide in names and text; no crate among the
/// dependencies carries the property, and the list is short and stable.
fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                      // soft hyphen
        | '\u{034F}'                    // combining grapheme joiner
        | '\u{061C}'                    // Arabic letter mark
        | '\u{115F}'..='\u{1160}'       // Hangul choseong and jungseong fillers
        | '\u{17B4}'..='\u{17B5}'       // Khmer inherent vowels
        | '\u{180B}'..='\u{180F}'       // Mongolian free variation selectors, vowel separator
        | '\u{200B}'..='\u{200F}'       // zero width space, (non-)joiner, LRM, RLM
        | '\u{202A}'..='\u{202E}'       // bidirectional embeddings and overrides
        | '\u{2060}'..='\u{206F}'       // word joiner, invisible operators, isolates, ...
        | '\u{3164}'                    // Hangul filler
        | '\u{FE00}'..='\u{FE0F}'       // variation selectors 1-16
        | '\u{FEFF}'                    // zero width no-break space (BOM)
        | '\u{FFA0}'                    // halfwidth Hangul filler
        | '\u{FFF0}'..='\u{FFF8}'       // reserved
        | '\u{1BCA0}'..='\u{1BCA3}'     // shorthand format controls
        | '\u{1D173}'..='\u{1D17A}'     // musical symbol beam and phrase controls
        | '\u{E0000}'..='\u{E0FFF}'     // tag characters, variation selectors 17-256, reserved
    )
}

/// True when a backslash followed by `next` would read as one of the sanitizer's escapes
/// (`\\`, `\r`, `\n`, `\t`, `\xNN`, `\u{..}`): such a backslash is written `\\`.
fn starts_escape(next: Option<char>) -> bool {
    matches!(next, Some('\\' | 'r' | 'n' | 't' | 'x' | 'u'))
}

fn needs_work(s: &str) -> bool {
    s.chars().any(is_unsafe) || s.contains('\\')
}

/// One line of text: every unsafe character (CR, LF and tab included) becomes an escape:
/// `\r`, `\n`, `\t`, `\xNN` for other characters below 80h, `\u{NNNN}` above (`\xNN` above 7Fh
/// is a byte that is not UTF-8, see [`bytes_line`]).
/// A backslash is doubled where it would otherwise read as the start of an escape.
pub fn line(s: &str) -> Cow<'_, str> {
    if !needs_work(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        push_safe(&mut out, c, chars.peek().copied());
    }
    Cow::Owned(out)
}

/// Appends `c` (followed by `next`) to `out`: escaped if unsafe, a backslash doubled if it
/// would start an escape.
fn push_safe(out: &mut String, c: char, next: Option<char>) {
    if is_unsafe(c) {
        push_escaped(out, c);
    } else if c == '\\' && starts_escape(next) {
        out.push_str("\\\\");
    } else {
        out.push(c);
    }
}

/// [`line()`] of at most the first `max` characters of `s`; a longer text ends in
/// `… (N more bytes)`, so that a screen never lays out megabytes it cannot show.
pub fn line_clipped(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => line(s),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({} more bytes)",
            line(&s[..cut]),
            s.len() - cut
        )),
    }
}

/// A message or document composed of parts already sanitized (a status line, an error, an
/// HTML page): escapes any unsafe character that slipped in, as [`line()`] does, but leaves
/// backslashes alone, so text sanitized once shows as it is (sanitizing twice would double the
/// backslash of every escape). For text that came from a file or a user, use [`line()`].
pub fn composed(s: &str) -> Cow<'_, str> {
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
/// in [`line()`]. A lone CR is escaped (it would overwrite the start of the line).
pub fn multiline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\r' if chars.peek() == Some(&'\n') => {}
            c => push_safe(&mut out, c, chars.peek().copied()),
        }
    }
    out
}

/// True for a letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko, ...,
/// their presentation forms, and the historic ones of the supplementary planes): a terminal
/// that lays out bidirectional text reorders the text around it.
fn is_right_to_left(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
        | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// Bytes decoded for display: valid UTF-8 is kept, other bytes are shown as `\xNN`, then the
/// result is sanitized as one line. Bytes are data, not text someone wrote: a right-to-left
/// letter their chance decoding gives (two random bytes `DF 8E` are N'Ko U+07CE) is escaped as
/// `\u{NNNN}` too, so it cannot reorder the line around it.
pub fn bytes_line(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    let mut chunks = b.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        let mut chars = chunk.valid().chars().peekable();
        while let Some(c) = chars.next() {
            // An invalid byte that follows is written `\xNN`: a backslash before it starts
            // an escape too.
            let next = chars
                .peek()
                .copied()
                .or_else(|| (!chunk.invalid().is_empty()).then_some('x'))
                .or_else(|| chunks.peek().and_then(|n| n.valid().chars().next()));
            if is_right_to_left(c) {
                push_escaped(&mut out, c);
            } else {
                push_safe(&mut out, c, next);
            }
        }
        for &x in chunk.invalid() {
            out.push_str(&format!("\\x{x:02X}"));
        }
    }
    out
}

/// Bytes as text one character per byte (Latin-1: byte 81h is U+0081), as a finding's text and
/// JSON's `backup_text` read them, so that a byte decodes the same in every output and the
/// text gives back the exact bytes. Raw: sanitize before display ([`latin1_line`]).
pub fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

/// Bytes one character per byte ([`latin1`]) sanitized as one line: C0 and C1 controls and the
/// soft hyphen become escapes (`\r`, `\u{0081}`, `\u{00AD}`), the letters of Latin-1 stay. The
/// UTF-8 of `ü` (C3h BCh) shows as `Ã¼`, two characters for two bytes, as in every other output.
pub fn latin1_line(b: &[u8]) -> String {
    line(&latin1(b)).into_owned()
}

/// A path for display: non-UTF-8 bytes become `\xNN`, controls are escaped.
pub fn path(p: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    bytes_line(p.as_os_str().as_bytes())
}

/// A path as a column of a text output whose columns two spaces part (`scan`'s lines, the
/// cross-reference, the timeline): [`path`], with each space that stands at its start or end
/// or beside another space written `\x20`, and every other kind of space (U+00A0, U+2003,
/// U+3000, ...) written `\u{NNNN}`, so that no name reads as more columns (reviews 83 and
/// 85: `NOTES.TXT  H1  0000:0000 ...` forged a finding line) and a trailing space shows. A
/// backslash before such an escape is doubled, as [`line()`] doubles one before any escape.
pub fn path_column(p: &Path) -> String {
    let s = path(p);
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let alone = i > 0 && i + 1 < b.len() && b[i - 1] != b' ' && b[i + 1] != b' ';
        let escape = match c {
            ' ' => !alone,
            c => c.is_whitespace(),
        };
        if !escape {
            out.push(c);
            continue;
        }
        // In the sanitized text a backslash right before a space is the name's own (no escape
        // ends with one): it would now start an escape.
        if out.ends_with('\\') {
            out.push('\\');
        }
        match c {
            ' ' => out.push_str("\\x20"),
            c => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
        }
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        // Below 80h only: `\xNN` above it is a byte that is not UTF-8 (`bytes_line`), so a C1
        // control character (U+009B) is written `\u{009B}`, never as the byte 9Bh is.
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02X}", c as u32)),
        c => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
    }
}

/// `s` padded with spaces or clipped (ending in `…`) to exactly `width` terminal columns, by
/// display width: wide characters take two columns, combining marks none.
pub fn fit(s: &str, width: usize) -> String {
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    let mut out = String::with_capacity(s.len() + width);
    let mut used = 0;
    if total <= width {
        out.push_str(s);
        used = total;
    } else {
        for c in s.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        if width > 0 {
            out.push('…');
            used += 1;
        }
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// `s` fitted to `width` columns as [`fit`] does, but clipped at its start
/// (`…port.bak/MSG0013.CCM`): the end of a path (the file's own name) is what tells files
/// apart.
pub fn fit_tail(s: &str, width: usize) -> String {
    if s.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>() <= width || width == 0 {
        return fit(s, width);
    }
    let mut tail = Vec::new();
    let mut used = 1;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        tail.push(c);
        used += w;
    }
    let mut out = String::from("…");
    out.extend(tail.iter().rev());
    out.extend(std::iter::repeat_n(' ', width - used));
    out
}

/// Pretty JSON that escapes, besides what JSON must, every character [`is_unsafe`] names (C1
/// controls, bidirectional controls, tag characters...) as `\uXXXX`, so a JSON file shows
/// nothing hidden on a terminal and still decodes to the exact text.
struct SafeFormatter(serde_json::ser::PrettyFormatter<'static>);

macro_rules! delegate {
    ($($name:ident $(, $arg:ident: $ty:ty)*;)*) => {$(
        fn $name<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            serde_json::ser::Formatter::$name(&mut self.0, w $(, $arg)*)
        }
    )*};
}

impl serde_json::ser::Formatter for SafeFormatter {
    delegate! {
        begin_array; end_array; begin_array_value, first: bool; end_array_value;
        begin_object; end_object; begin_object_key, first: bool; begin_object_value;
        end_object_value;
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// Writes `value` as pretty JSON (two-space indent) with hidden characters escaped.
pub fn write_json_pretty<W: Write, T: Serialize + ?Sized>(w: W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        w,
        SafeFormatter(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// `value` as pretty JSON with hidden characters escaped (see [`write_json_pretty`]).
pub fn json_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    write_json_pretty(&mut out, value).expect("writing JSON to memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control() {
        let s = "a\x1b[2Jb\x1b]52;c;aGk=\x07c\rd\x08e\u{9b}f\u{202E}g";
        assert_eq!(
            line(s),
            "a\\x1B[2Jb\\x1B]52;c;aGk=\\x07c\\rd\\x08e\\u{009B}f\\u{202E}g"
        );
        assert!(!line(s).chars().any(is_unsafe));
    }

    #[test]
    fn escapes_every_default_ignorable_code_point() {
        // Both ends of every range of DerivedCoreProperties.txt's Default_Ignorable_Code_Point.
        let ends = [
            (0xAD, 0xAD),
            (0x34F, 0x34F),
            (0x61C, 0x61C),
            (0x115F, 0x1160),
            (0x17B4, 0x17B5),
            (0x180B, 0x180F),
            (0x200B, 0x200F),
            (0x202A, 0x202E),
            (0x2060, 0x206F),
            (0x3164, 0x3164),
            (0xFE00, 0xFE0F),
            (0xFEFF, 0xFEFF),
            (0xFFA0, 0xFFA0),
            (0xFFF0, 0xFFF8),
            (0x1BCA0, 0x1BCA3),
            (0x1D173, 0x1D17A),
            (0xE0000, 0xE0FFF),
        ];
        for (a, b) in ends {
            for n in [a, b] {
                let c = char::from_u32(n).unwrap();
                assert!(is_unsafe(c), "U+{n:04X}");
                assert_eq!(line(&format!("a{c}b")), format!("a\\u{{{n:04X}}}b"));
            }
            // The ranges end where the property's do.
            for n in [a - 1, b + 1] {
                assert!(
                    !is_default_ignorable(char::from_u32(n).unwrap()),
                    "U+{n:04X}"
                );
            }
        }
        assert_eq!(line("CLAN\u{AD}DATA"), "CLAN\\u{00AD}DATA");
        assert_eq!(
            bytes_line("M\u{AD}ller\u{FE0F}".as_bytes()),
            "M\\u{00AD}ller\\u{FE0F}"
        );
        assert_eq!(
            json_pretty("\u{AD}\u{34F}\u{3164}"),
            "\"\\u00ad\\u034f\\u3164\""
        );
        // Visible letters and marks around them stay as they are.
        assert_eq!(line("Jürgen e\u{301} 漢"), "Jürgen e\u{301} 漢");
    }

    #[test]
    fn clipped_lines_say_what_they_left_out() {
        assert_eq!(line_clipped("a\x1bbc", 5), "a\\x1Bbc");
        assert_eq!(line_clipped("a\x1bbcdef", 3), "a\\x1Bb… (4 more bytes)");
        assert_eq!(line_clipped("日本語です", 2), "日本… (9 more bytes)");
    }

    #[test]
    fn multiline_keeps_breaks_only() {
        assert_eq!(multiline("a\r\nb\nc\rd\x1be"), "a\nb\nc\\rd\\x1Be");
    }

    #[test]
    fn invalid_utf8_is_visible() {
        assert_eq!(bytes_line(b"ok\xff\x1b"), "ok\\xFF\\x1B");
        // A backslash before an invalid byte would read as part of its escape.
        assert_eq!(bytes_line(b"\\\xff"), "\\\\\\xFF");
        assert_eq!(bytes_line(b"a\\b"), "a\\b");
        // Right-to-left letters that bytes decode to by chance are escaped; other scripts stay.
        assert_eq!(bytes_line(b"\xEC\xDF\x8E5"), "\\xEC\\u{07CE}5");
        assert_eq!(bytes_line("a\u{05D0}b".as_bytes()), "a\\u{05D0}b");
        assert_eq!(bytes_line("Jürgen ü".as_bytes()), "Jürgen ü");
    }

    #[test]
    fn latin1_is_one_character_per_byte() {
        let b = b"J\xC3\xBCrgen \x81\xAD\r\\x1B";
        assert_eq!(latin1(b).chars().count(), b.len());
        assert_eq!(
            latin1_line(b),
            "J\u{C3}\u{BC}rgen \\u{0081}\\u{00AD}\\r\\\\x1B"
        );
        assert_eq!(latin1_line(b), line(&latin1(b)));
    }

    #[test]
    fn backslashes_that_start_an_escape_are_doubled() {
        assert_eq!(line("C:\\temp\\x.ccm"), "C:\\\\temp\\\\x.ccm");
        assert_eq!(line("EXPORT\\MSG4A27.CCM"), "EXPORT\\MSG4A27.CCM");
        assert_eq!(line("a\\\\b"), "a\\\\\\b");
        assert_eq!(multiline("\\n\n"), "\\\\n\n");
    }

    #[test]
    fn composed_text_is_sanitized_once() {
        let once = line("a\x1bb\\x1B");
        assert_eq!(once, "a\\x1Bb\\\\x1B");
        assert_eq!(composed(&once), once);
        assert_eq!(composed("x\x1by"), "x\\x1By");
    }

    #[test]
    fn json_hides_nothing() {
        let v = serde_json::json!({"t": "a\u{9b}b\u{202e}c\u{E0041}d\"\\"});
        let s = json_pretty(&v);
        assert_eq!(
            s,
            "{\n  \"t\": \"a\\u009bb\\u202ec\\udb40\\udc41d\\\"\\\\\"\n}"
        );
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }

    #[test]
    fn fit_measures_display_width() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("漢字", 5), "漢字 ");
        assert_eq!(fit("漢字漢字", 5), "漢字…");
        assert_eq!(fit("e\u{301}", 2), "e\u{301} ");
    }
}

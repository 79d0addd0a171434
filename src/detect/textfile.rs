//! Text files that are not in .CCM form (a .TMP the connector wrote, a log, an INI file, any
//! other text): every block is judged, and a block that reads as console output is reported
//! with the weight of its place: at the head of the file, before the file's own text; between
//! the file's own lines; or as the whole file, which then is a transcript or the connector's
//! redirect file, where console output belongs.

use super::blocks::Reader;
use super::model::{Model, TextClass};
use super::place::{console_finding, Place, CONSOLE_KIND};
use super::signatures::SignatureSet;
use super::{round2, FileKind, Finding, Reason, MAX_FINDINGS};
use std::path::Path;

/// Bytes that may appear in a text file: printable ASCII, tab, CR, LF, form feed, DOS's end of
/// file mark (1Ah), and any byte with the high bit set (code pages, UTF-8).
pub(crate) static TEXT_FILE: [bool; 256] = {
    let mut t = super::console::TEXT;
    let mut i = 0x80;
    while i < 256 {
        t[i] = true;
        i += 1;
    }
    t[0x0C] = true;
    t[0x1A] = true;
    t
};

/// Where the stretch of text bytes (`text`) or of other bytes going on at `at` ends.
/// `progress(at)` is called every megabyte.
fn span(data: &[u8], mut at: usize, text: bool, progress: &mut dyn FnMut(usize)) -> usize {
    const STEP: usize = 1 << 20;
    loop {
        let piece = &data[at..data.len().min(at + STEP)];
        let n = if text {
            text_run(piece)
        } else {
            piece
                .iter()
                .take_while(|&&c| !TEXT_FILE[c as usize])
                .count()
        };
        at += n;
        if n < piece.len() || at == data.len() {
            return at;
        }
        progress(at);
    }
}

/// True for a byte that is not a text file's byte (`!TEXT_FILE[c]`), written as comparisons
/// without a branch or a table, so that the compiler tests many bytes at once.
#[inline(always)]
fn not_text(c: u8) -> bool {
    let control =
        (c < 0x20) & (c != b'\t') & (c != b'\n') & (c != 0x0C) & (c != b'\r') & (c != 0x1A);
    control | (c == 0x7F)
}

/// How many bytes at the start of `b` are text files' bytes: 64 at a time (the compiler's
/// vector compares; twice as fast as eight at a time, which went byte by byte through each
/// word holding a line end) while a block holds none that is not, byte by byte in the block
/// that does.
fn text_run(b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let mut n = 0;
    for w in b.chunks_exact(BLOCK) {
        if w.iter().fold(false, |any, &c| any | not_text(c)) {
            break;
        }
        n += BLOCK;
    }
    n + b[n..]
        .iter()
        .take_while(|&&c| TEXT_FILE[c as usize])
        .count()
}

/// What the blocks of a text file were: console candidates (finding and model probability) and
/// whether any other text came before or after them.
struct Seen {
    found: Vec<(Finding, f32)>,
    dropped: u64,
    /// Other text (not console, not noise) was seen.
    other: bool,
    /// The first block of the file was a console candidate.
    head_console: Option<bool>,
}

/// What [`analyze`] found in a text file.
pub(crate) struct Analysis {
    /// The findings, numbered later.
    pub found: Vec<Finding>,
    /// Findings not kept.
    pub dropped: u64,
    /// The whole file reads as console output (a transcript, the connector's redirect file).
    pub console_file: bool,
}

/// The findings of a text file, numbered later, and how many were not kept. `helper`: a long
/// region may be read with the help of a second thread.
pub(crate) fn analyze(
    data: &[u8],
    kind: FileKind,
    name: &Path,
    sigs: &SignatureSet,
    model: &Model,
    release: &dyn Fn(usize, usize),
    helper: bool,
) -> Analysis {
    let seen = read_blocks(data, sigs, model, release, helper);
    weigh(seen, kind, name)
}

/// Reads the file's text regions as blocks: the console candidates, and what else was seen.
fn read_blocks(
    data: &[u8],
    sigs: &SignatureSet,
    model: &Model,
    release: &dyn Fn(usize, usize),
    helper: bool,
) -> Seen {
    let reader = Reader {
        sigs,
        model,
        trim: false,
        helper,
    };
    let mut seen = Seen {
        found: Vec::new(),
        dropped: 0,
        other: false,
        head_console: None,
    };
    let mut at = 0;
    let released = std::cell::Cell::new(0);
    let mut progress = |x: usize| {
        let x = x & !0xFFFF;
        if x > released.get() {
            release(released.get(), x);
            released.set(x);
        }
    };
    while at < data.len() {
        let start = span(data, at, false, &mut progress);
        let end = span(data, start, true, &mut progress);
        at = end;
        // Finding the end read the region ahead of the reader and let go of its pages: the
        // reader lets go of them again behind it.
        released.set(released.get().min(start & !0xFFFF));
        reader.read(data, start, end, &mut progress, &mut |b| {
            // Other text is a block that reads best as prose or structured text, also when its
            // console probability is high enough for a weak candidate: a file of prose whose
            // paragraphs read 0.26 as console output is not console output as a whole.
            // A block read as console output that cannot be a write (no word the corpus knows,
            // no line end) is other text too, as it always was.
            let (class, _) = b.class();
            let console = b.console() >= CONSOLE_KIND;
            seen.other |= matches!(class, TextClass::Prose | TextClass::Structured)
                || !console && class == TextClass::Console;
            seen.head_console.get_or_insert(console);
            if !console {
                return;
            }
            if seen.found.len() >= MAX_FINDINGS {
                seen.dropped += 1;
                return;
            }
            let f = console_finding(data, &b, Place::TextInside { connector: false }, model);
            seen.found.push((f, b.console()));
        });
    }
    seen
}

/// Weighs each candidate by where it stands in the file: the whole file, its head, or between
/// its own lines.
fn weigh(seen: Seen, kind: FileKind, name: &Path) -> Analysis {
    let tmp = name
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tmp"));
    let connector = matches!(kind, FileKind::ConnectorMessage | FileKind::ConnectorIni);
    let console_file = !seen.found.is_empty() && !seen.other;
    let mut out = Vec::with_capacity(seen.found.len());
    for (i, (mut f, p)) in seen.found.into_iter().enumerate() {
        let place = if kind == FileKind::NftErrorLog || !seen.other {
            Place::TextWhole(kind, tmp)
        } else if i == 0 && seen.head_console == Some(true) {
            Place::TextHead { connector }
        } else {
            Place::TextInside { connector }
        };
        f.confidence = round2(p * place.factor());
        if let Some(r) = f
            .reasons
            .iter_mut()
            .find(|r| matches!(r, Reason::Place(..)))
        {
            *r = Reason::Place(place.why(), place.factor());
        }
        out.push(f);
    }
    Analysis {
        found: out,
        dropped: seen.dropped,
        console_file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_runs_many_at_a_time_match_one_at_a_time() {
        for c in 0..=255u8 {
            assert_eq!(not_text(c), !TEXT_FILE[c as usize], "{c:02X}");
            for at in (0..20).chain(60..70).chain(120..200) {
                let mut b = vec![b'a'; 200];
                b[at] = c;
                let want = b.iter().take_while(|&&c| TEXT_FILE[c as usize]).count();
                assert_eq!(text_run(&b), want, "{c:02X} at {at}");
                assert_eq!(text_run(&b[..at]), at, "{c:02X} at {at}");
            }
        }
    }
}

//! The dump pane: DEBUG lines drawn cell by cell from the formatter's tables (hex digits, byte
//! classes) at the positions layout.rs gives, with the byte-class colours, the overlays
//! (writes, weaker findings, damaged and .CCM headers, search matches, differences, the
//! selection) decided by the one overlay classifier, and the cursor. Work per frame is limited
//! to the visible lines; everything is looked up by binary search.

use crate::dump::format::{ASCII, CLASS, HEX};
use crate::dump::Overlay;
use crate::report::overlay;
use crate::tui::app::App;
use crate::tui::layout::DumpGeometry;
use crate::tui::theme::Theme;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// The overlay of every visible byte, worked out once a frame: each marked stretch (finding,
/// header, message header, match, difference, selection) is laid over the window, the
/// strongest overlay winning, so drawing a byte is one lookup however many marks there are.
pub(super) struct Marks {
    start: u64,
    at: Vec<Option<Overlay>>,
}

impl Marks {
    /// Everything marked in `[start, end)`.
    pub(super) fn gather(app: &App, start: u64, end: u64) -> Marks {
        let mut m = Marks {
            start,
            at: vec![None; (end - start) as usize],
        };
        let idx = app.index();
        for i in idx.in_range(start, end) {
            let f = &idx.findings()[i];
            if idx.visible(f) {
                m.lay(f.start, f.end.max(f.start + 1), overlay::of_finding(f));
            }
        }
        let hs = idx.headers();
        let lo = hs.partition_point(|h| h.end.max(h.start + 1) <= start);
        for h in hs[lo..].iter().take_while(|h| h.start < end) {
            m.lay(h.start, h.end.max(h.start + 1), overlay::of_header(h));
        }
        let ms = idx.messages();
        let lo = ms.partition_point(|x| x.header_end <= start);
        for x in ms[lo..].iter().take_while(|x| x.header_start < end) {
            m.lay(x.header_start, x.header_end, Overlay::CcmHeader);
        }
        let s = app.search();
        for &(a, b) in &s.matches()[s.in_range(start, end)] {
            m.lay(a, b, Overlay::Match);
        }
        if let Some(c) = app.comparison() {
            let r = &c.diff().ranges;
            let lo = r.partition_point(|x| x.1 <= start);
            for &(a, b) in r[lo..].iter().take_while(|x| x.0 < end) {
                m.lay(a, b, Overlay::Diff);
            }
        }
        if let Some((a, b)) = app.selection() {
            m.lay(a, b, Overlay::Select);
        }
        m
    }

    /// Lays overlay `o` over `[a, b)` where it is stronger than what is there.
    fn lay(&mut self, a: u64, b: u64, o: Overlay) {
        let end = self.start + self.at.len() as u64;
        let (a, b) = (a.max(self.start), b.min(end));
        for x in a..b.max(a) {
            let cell = &mut self.at[(x - self.start) as usize];
            *cell = overlay::strongest(cell.iter().copied().chain([o]));
        }
    }

    pub(super) fn at(&self, x: u64) -> Option<Overlay> {
        x.checked_sub(self.start)
            .and_then(|i| self.at.get(i as usize).copied().flatten())
    }
}

/// The ASCII-column character of byte `b`: itself when printable, else a CP437 character, a
/// byte-class glyph, or DEBUG's `.`.
pub fn ascii_char(b: u8, glyphs: bool, cp437: bool) -> char {
    if (0x20..0x7F).contains(&b) {
        return b as char;
    }
    if cp437 {
        return crate::values::cp437_char(b);
    }
    if !glyphs {
        return ASCII[b as usize] as char;
    }
    crate::tui::theme::glyph(CLASS[b as usize])
}

/// Collects text into spans, one per run of one style.
struct Spans {
    spans: Vec<Span<'static>>,
    text: String,
    style: Style,
}

impl Spans {
    fn new() -> Spans {
        Spans {
            spans: Vec::with_capacity(24),
            text: String::new(),
            style: Style::new(),
        }
    }
    fn push(&mut self, s: &str, style: Style) {
        if style != self.style && !self.text.is_empty() {
            self.spans
                .push(Span::styled(std::mem::take(&mut self.text), self.style));
        }
        self.style = style;
        self.text.push_str(s);
    }
    fn push_char(&mut self, c: char, style: Style) {
        let mut b = [0u8; 4];
        self.push(c.encode_utf8(&mut b), style);
    }
    fn finish(mut self) -> Line<'static> {
        if !self.text.is_empty() {
            self.spans.push(Span::styled(self.text, self.style));
        }
        Line::from(self.spans)
    }
}

/// The gutter mark of a line: a damaged header starts here, a note, a bookmark.
fn gutter(app: &App, start: u64, end: u64) -> (char, Style) {
    let hs = app.index().headers();
    let hi = hs.partition_point(|h| h.start < start);
    if hs.get(hi).is_some_and(|h| h.start < end) {
        let st = Style::new()
            .fg(Color::LightRed)
            .add_modifier(Modifier::BOLD);
        return ('▶', st);
    }
    if app.notes().starts_in(start, end) {
        return ('✎', Style::new().fg(Color::LightYellow));
    }
    if app
        .notes()
        .bookmarks()
        .values()
        .any(|&b| b >= start && b < end)
    {
        return ('•', Style::new().fg(Color::LightBlue));
    }
    (' ', Style::new())
}

/// One dump line with its styles.
pub(super) fn line(
    app: &App,
    li: u64,
    geo: DumpGeometry,
    marks: &Marks,
    theme: &Theme,
) -> Line<'static> {
    let v = app.view();
    let (start, end) = v.line_range(li);
    let bytes = &app.data()[start as usize..end as usize];
    let first = v.origin().column(start);
    let d = app.display();
    let mut s = Spans::new();
    let (g, gs) = gutter(app, start, end);
    s.push_char(g, gs);
    s.push(&v.line_addr(start), Style::new().fg(Color::Gray));
    let style = |x: u64, b: u8| -> Style {
        let mut st = Style::new().fg(theme.class(CLASS[b as usize]));
        if let Some(o) = marks.at(x) {
            st = theme.overlay(o);
        }
        if x == v.cursor() {
            st = st.add_modifier(Modifier::REVERSED);
        }
        st
    };
    let mut pos = geo.addr_width();
    for col in 0..16 {
        let at = geo.hex(col);
        let byte = col
            .checked_sub(first)
            .and_then(|i| bytes.get(i).map(|&b| (i, b)));
        let sep = if col == 8 && byte.is_some() { "-" } else { " " };
        while pos < at {
            s.push(
                if pos + 1 == at && col > 0 { sep } else { " " },
                Style::new(),
            );
            pos += 1;
        }
        match byte {
            Some((i, b)) => {
                let h = HEX[b as usize];
                let hx = [h[0], h[1]];
                s.push(
                    std::str::from_utf8(&hx).expect("hex"),
                    style(start + i as u64, b),
                );
            }
            None => s.push("  ", Style::new()),
        }
        pos = at + 2;
    }
    let a0 = geo.ascii(0);
    while pos < a0 + first {
        s.push(" ", Style::new());
        pos += 1;
    }
    for (i, &b) in bytes.iter().enumerate() {
        s.push_char(ascii_char(b, d.glyphs, d.cp437), style(start + i as u64, b));
    }
    s.finish()
}

//! The line state machine of the .CCM parser: one pass over the lines, with the open message,
//! its header-area lines (bounded) and its declared sizes as its only state. When a header area
//! ends it is judged ([`super::header`]); when a message ends its body is read for console
//! output and its sizes are checked. Text that ends right where the next `Message:` line
//! starts (or that comes before the first one) is held for the next header.

use super::header::{self, HLine, Kind};
use super::sizes::{size_of, Size, Sizes};
use super::{Emit, Message, MAX_ANOMALIES, MAX_FIELDS, MAX_VALUE};
use crate::detect::blocks::{Block, Reader};
use crate::detect::lines::{lines, Line};
use crate::detect::model::{Model, TextClass};
use crate::detect::place::{console_finding, Place, CONSOLE_KIND};
use crate::detect::signatures::SignatureSet;
use crate::detect::textfile::TEXT_FILE;
use crate::detect::{console, DamagedHeader, Finding, FindingKind, Reason, SUSPECTED};

/// Header-area lines kept before the parser gives up on finding `Contents:`.
const MAX_HEADER_LINES: usize = 1024;
/// Confidence of a header anomaly (as of a header that lost its `Message:` line).
const ANOMALY: f32 = 0.6;
/// Headers found inside bodies (their `Message:` line lost) per file; more are not looked for
/// (and said so): each is a message and a damaged header, so a file of nothing else must not
/// make millions of them.
const MAX_RECOVERED: u32 = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Outside,
    MessageSize,
    Header,
    ContentsSize,
    Body,
}

/// The message being read.
struct Open {
    index: u32,
    header_start: usize,
    header_end: usize,
    body_start: Option<usize>,
    fields: Vec<(String, String)>,
    fields_not_kept: u32,
    anomalies: Vec<String>,
    anomalies_not_kept: u32,
    missing_keyword: bool,
    /// `Contents:` had no size line after it: text at the body's start stands where that line
    /// belongs.
    contents_size_lost: bool,
    /// An item keyword line waiting for its size line: (label, where it starts).
    item: Option<(&'static str, usize)>,
    keep: bool,
}

impl Open {
    fn anomaly(&mut self, a: impl Into<String>) {
        if self.keep && self.anomalies.len() < MAX_ANOMALIES {
            self.anomalies.push(a.into());
        } else if self.keep {
            self.anomalies_not_kept += 1;
        }
    }
}

/// The parser's state over one file.
pub struct Parser<'a> {
    data: &'a [u8],
    sigs: &'a SignatureSet,
    model: &'a Model,
    emit: &'a mut dyn Emit,
    state: State,
    open: Option<Open>,
    hdr: Vec<HLine>,
    sizes: Sizes,
    /// Findings found before the next header, waiting for it.
    pending: Vec<Finding>,
    /// In a body: where the run of header field lines (`From:`, `To:`, ...) the last line
    /// belongs to started, and how many lines it holds.
    body_fields: Option<(usize, usize)>,
    /// In a body: a `Contents:` line closed such a run (its start), waiting for a size line.
    body_contents: Option<usize>,
    /// Headers found inside bodies so far ([`MAX_RECOVERED`]).
    recovered: u32,
    messages: u32,
    next_finding: u32,
    next_header: u32,
}

/// The size line of part `label` (its keyword line at `keyword_start`, the size line ending
/// at `part_start`): a number is declared for the check; a blank one, or one too large for
/// any file, is an anomaly.
fn declare(
    sizes: &mut Sizes,
    m: &mut Open,
    label: &'static str,
    size: Size,
    part_start: usize,
    keyword_start: usize,
) {
    sizes.size_line(part_start as u64);
    match size {
        Size::Bytes(n) => sizes.declare(label, n, part_start as u64, keyword_start as u64),
        Size::Blank => m.anomaly(format!("{label}: the size is blank")),
        Size::TooLarge(digits) => m.anomaly(format!(
            "{label}: the size has {digits} digits, more than any file can hold"
        )),
    }
}

fn is_keyword(t: &[u8], kw: &[u8]) -> bool {
    t.trim_ascii_end().eq_ignore_ascii_case(kw)
}

/// A header field's name or value as text, one character per byte (Latin-1), as a finding's
/// text is: exact, whatever the code page (a lone byte 9Bh and FFh stay apart). Cut at
/// [`MAX_VALUE`] bytes, marked with `…`.
fn clip(b: &[u8]) -> String {
    let mut s = crate::sanitize::latin1(&b[..b.len().min(MAX_VALUE)]);
    if b.len() > MAX_VALUE {
        s.push('…');
    }
    s
}

impl<'a> Parser<'a> {
    pub fn new(
        data: &'a [u8],
        sigs: &'a SignatureSet,
        model: &'a Model,
        emit: &'a mut dyn Emit,
    ) -> Parser<'a> {
        Parser {
            data,
            sigs,
            model,
            emit,
            state: State::Outside,
            open: None,
            hdr: Vec::new(),
            sizes: Sizes::default(),
            pending: Vec::new(),
            body_fields: None,
            body_contents: None,
            recovered: 0,
            messages: 0,
            next_finding: 1,
            next_header: 1,
        }
    }

    /// Reads every line, then ends the last message.
    pub fn run(mut self, release: &dyn Fn(usize, usize)) {
        let mut released = 0;
        for l in lines(self.data, 0, self.data.len()) {
            self.line(l);
            let keep = self
                .open
                .as_ref()
                .map_or(l.start, |o| o.header_start)
                .min(l.start)
                & !0xFFFF;
            if keep >= released + (8 << 20) {
                release(released, keep);
                released = keep;
            }
        }
        let end = self.data.len();
        if self.open.is_some() {
            self.end_message(end, true);
        } else {
            self.outside(
                0,
                end,
                Reason::OutsideMessages,
                Place::TextInside { connector: true },
            );
        }
        self.flush_pending();
    }

    fn line(&mut self, l: Line) {
        let t = l.text(self.data);
        if is_keyword(t, b"Message:") {
            self.start_message(l, false);
            return;
        }
        match self.state {
            State::Outside => {
                if header::field(t).is_some_and(|(k, _)| header::known_key(k)) {
                    self.start_message(l, true);
                    self.header_line(l);
                }
            }
            State::MessageSize | State::ContentsSize => self.size_line(l),
            State::Header => self.header_line(l),
            State::Body => self.body_line(l),
        }
    }

    fn start_message(&mut self, l: Line, missing_keyword: bool) {
        let size = if missing_keyword {
            self.lost_size_line(l.start)
        } else {
            None
        };
        let start = size.map_or(l.start, |s| s.start);
        if self.open.is_some() {
            self.end_message(start, false);
        } else {
            self.outside(
                0,
                start,
                Reason::BeforeHeader(self.messages + 1),
                Place::CcmHeader,
            );
        }
        self.open_message(l, size, missing_keyword);
    }

    /// The size line of a lost `Message:` line: the line right before `s` (the first field
    /// line of a header without its `Message:` line) when it holds a number and is not the
    /// open message's own (its `Contents:` or an item's size line). Console output that
    /// overwrote the `Message:` line may leave the size line after it; that line is the
    /// header's, not the text's before it.
    fn lost_size_line(&self, s: usize) -> Option<Line> {
        let d = self.data;
        let floor = match &self.open {
            Some(m) => {
                let part = usize::try_from(self.sizes.last_part_start().unwrap_or(0)).ok()?;
                m.body_start.unwrap_or(m.header_end).max(part)
            }
            None => 0,
        };
        // The line's text ends before its CR LF, LF or lone CR.
        let mut ce = s.checked_sub(1).filter(|&i| i >= floor)?;
        match d[ce] {
            b'\n' if ce > floor && d[ce - 1] == b'\r' => ce -= 1,
            b'\n' | b'\r' => {}
            _ => return None,
        }
        // Digits and blanks back to the line's start (bounded by the line itself).
        let mut start = ce;
        while start > floor && matches!(d[start - 1], b'0'..=b'9' | b' ' | b'\t') {
            start -= 1;
        }
        if start > floor && !matches!(d[start - 1], b'\n' | b'\r') {
            return None;
        }
        let l = lines(d, start, s).next()?;
        let number = matches!(size_of(l.text(d)), Some(Size::Bytes(_) | Size::TooLarge(_)));
        (number && l.end == s).then_some(l)
    }

    /// A message opens at line `l` (its `Message:` line, or its first header line when that
    /// is missing, with `size` the size line of the lost `Message:` line if it is left).
    fn open_message(&mut self, l: Line, size: Option<Line>, missing_keyword: bool) {
        let keep = self.emit.keeps_messages();
        self.sizes.clear();
        let mut m = Open {
            index: self.messages,
            header_start: size.map_or(l.start, |s| s.start),
            header_end: l.end,
            body_start: None,
            fields: Vec::new(),
            fields_not_kept: 0,
            anomalies: Vec::new(),
            anomalies_not_kept: 0,
            missing_keyword,
            contents_size_lost: false,
            item: None,
            keep,
        };
        if missing_keyword {
            m.header_end = l.start;
            match size.and_then(|s| Some((s, size_of(s.text(self.data))?))) {
                Some((s, n)) => {
                    m.anomaly("header without a 'Message:' line before it (its size line is left)");
                    declare(&mut self.sizes, &mut m, "Message", n, s.end, 0);
                }
                None => m.anomaly("header without a 'Message:' line before it"),
            }
        }
        self.messages += 1;
        self.open = Some(m);
        self.hdr.clear();
        self.body_fields = None;
        self.body_contents = None;
        self.state = if missing_keyword {
            State::Header
        } else {
            State::MessageSize
        };
    }

    fn size_line(&mut self, l: Line) {
        let label = if self.state == State::MessageSize {
            "Message"
        } else {
            "Contents"
        };
        let m = self.open.as_mut().expect("a message is open");
        match size_of(l.text(self.data)) {
            Some(size) => {
                declare(&mut self.sizes, m, label, size, l.end, 0);
                m.header_end = l.end;
                if self.state == State::MessageSize {
                    self.state = State::Header;
                } else {
                    self.end_header(l.end);
                }
            }
            None => {
                m.anomaly(format!("{label}: no size line after it"));
                if self.state == State::MessageSize {
                    self.state = State::Header;
                    self.header_line(l);
                } else {
                    m.contents_size_lost = true;
                    self.end_header(l.start);
                    self.body_line(l);
                }
            }
        }
    }

    fn header_line(&mut self, l: Line) {
        let t = l.text(self.data);
        let kind = header::kind_of(t, self.hdr.last().map(|h| h.kind));
        let m = self.open.as_mut().expect("a message is open");
        m.header_end = l.end;
        if let Some((k, _)) = header::field(t).filter(|_| kind != Kind::Folded) {
            if k.eq_ignore_ascii_case(b"Contents") {
                self.hdr.push(HLine { line: l, kind });
                self.state = State::ContentsSize;
                return;
            }
        }
        if self.hdr.len() >= MAX_HEADER_LINES {
            m.anomaly(format!(
                "no 'Contents:' line within {MAX_HEADER_LINES} header lines; the rest is read as the body"
            ));
            self.end_header(l.start);
            self.body_line(l);
            return;
        }
        self.hdr.push(HLine { line: l, kind });
    }

    fn body_line(&mut self, l: Line) {
        let t = l.text(self.data);
        if let Some(s) = self.body_contents.take() {
            let number = matches!(size_of(t), Some(Size::Bytes(_) | Size::TooLarge(_)));
            if number && self.may_recover(s) {
                return self.recover_header(s, l);
            }
        }
        self.watch_for_header(l, t);
        let m = self.open.as_mut().expect("a message is open");
        if let Some((label, kw)) = m.item.take() {
            if let Some(size) = size_of(t) {
                declare(&mut self.sizes, m, label, size, l.end, kw);
            }
        }
        for (kw, label) in [
            (&b"Text item:"[..], "Text item"),
            (b"File item:", "File item"),
        ] {
            if is_keyword(t, kw) {
                m.item = Some((label, l.start));
            }
        }
    }

    /// Header field lines inside a body, closed by `Contents:` and a size line, are the header
    /// of a message whose `Message:` line is gone (overwritten, as console output overwrote
    /// header lines): a message's own text does not hold a `Contents:` line with a size after
    /// its fields. Notes where such a run starts and whether `Contents:` closed it.
    fn watch_for_header(&mut self, l: Line, t: &[u8]) {
        /// Field lines a header run may hold (as many as a header area).
        const MAX_RUN: usize = MAX_HEADER_LINES;
        let field = header::field(t);
        match (field, self.body_fields) {
            (Some((k, _)), Some((s, _))) if k.eq_ignore_ascii_case(b"Contents") => {
                self.body_contents = Some(s);
                self.body_fields = None;
            }
            (Some((k, _)), run) if header::known_key(k) => {
                self.body_fields = match run {
                    Some((s, n)) if n < MAX_RUN => Some((s, n + 1)),
                    _ => Some((l.start, 1)),
                };
            }
            _ => self.body_fields = None,
        }
    }

    /// Whether a header run found in a body at `s` may be a header: not inside the text its
    /// message's last item declares (a message quoting a header is that message's text), and
    /// not past [`MAX_RECOVERED`] such headers in the file.
    fn may_recover(&mut self, s: usize) -> bool {
        // A declared end past the file's end says nothing of where the item ends (a size of
        // 20 digits must not hide every header after it).
        // Where no item declares its size (a blank size, KB Q287056), the size declared after
        // `Contents:` tells it (review 86: a quoted header after a blank item size became a
        // message of its own, and the lines before it a write).
        let inside_item = self
            .sizes
            .item_end()
            .or_else(|| self.sizes.contents_end())
            .is_some_and(|t| (s as u64) < t && t <= self.data.len() as u64);
        if inside_item {
            return false;
        }
        if self.recovered >= MAX_RECOVERED {
            if self.recovered == MAX_RECOVERED {
                self.recovered += 1;
                let m = self.open.as_mut().expect("a message is open");
                m.anomaly(format!(
                    "more than {MAX_RECOVERED} headers without a 'Message:' line in this file: no more are looked for"
                ));
            }
            return false;
        }
        self.recovered += 1;
        true
    }

    /// The header whose field lines start at `s` and whose `Contents:` size line is `size` lies
    /// inside the open message's body: the open message ends at `s`, and a message without its
    /// `Message:` line starts there (its lines are read again as header lines).
    fn recover_header(&mut self, s: usize, size: Line) {
        let mut replay = lines(self.data, s, size.end);
        let Some(first) = replay.next() else {
            return;
        };
        // The lost `Message:` line's size line, if left, is the header's first line.
        let lost = self.lost_size_line(s);
        let hs = lost.map_or(s, |l| l.start);
        match self.declared_tail(hs) {
            // The open message's last item ends, by its declared size, at a line start before
            // the header: what stands between is not the message's, and lies where the lost
            // `Message:` line stood. It is judged as header text.
            Some(t) => {
                self.end_message(t, false);
                let index = self.messages;
                self.judge_header_text(t, hs, Reason::BeforeHeader(index + 1));
                self.open_message(first, lost, true);
            }
            None => self.start_message(first, true),
        }
        self.header_line(first);
        for l in replay {
            self.line(l);
        }
    }

    /// Where the open message's last item ends by its declared size, when that is a line start
    /// inside its body before `s`, with more than blanks between it and `s`.
    fn declared_tail(&self, s: usize) -> Option<usize> {
        let body = self.open.as_ref()?.body_start?;
        let t = usize::try_from(self.sizes.item_end()?).ok()?;
        let at_line_start = t > body && t < s && matches!(self.data[t - 1], b'\n');
        (at_line_start && !self.data[t..s].iter().all(u8::is_ascii_whitespace)).then_some(t)
    }

    /// The header area ends at `at`: judge its lines, then hand out the header.
    fn end_header(&mut self, at: usize) {
        self.state = State::Body;
        let mut hdr = std::mem::take(&mut self.hdr);
        header::settle(&mut hdr);
        let m = self.open.as_mut().expect("a message is open");
        m.body_start = Some(at);
        if m.keep {
            m.fields_not_kept += fields_of(self.data, &hdr, &mut m.fields);
        }
        let index = m.index;
        let mut runs = Vec::new();
        header::text_runs(&hdr, |s, e| runs.push((s, e)));
        for (s, e) in runs {
            self.judge_header_text(s, e, Reason::InsideHeader(index + 1));
        }
        self.hdr = hdr;
        self.hdr.clear();
        self.hand_out_header();
    }

    /// Text in or right before a header: console writes and anomalies, held for the header.
    fn judge_header_text(&mut self, s: usize, e: usize, why: Reason) {
        let reader = Reader {
            sigs: self.sigs,
            model: self.model,
            trim: false,
            helper: false,
        };
        let (data, model) = (self.data, self.model);
        let pending = &mut self.pending;
        reader.read(data, s, e, &mut |_| {}, &mut |b| {
            pending.push(header_finding(data, &b, why, model));
        });
    }

    /// Text before the first message (or a file with no message at all).
    fn outside(&mut self, s: usize, e: usize, why: Reason, place: Place) {
        if self.data[s..e].iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if place == Place::CcmHeader {
            return self.judge_header_text(s, e, why);
        }
        for b in self.console_blocks(s, e) {
            let mut f = console_finding(self.data, &b, place, self.model);
            f.reasons.push(why);
            self.hand_out(f);
        }
    }

    /// The open message ends at `end` (the next `Message:` line, or the end of the file).
    fn end_message(&mut self, end: usize, at_eof: bool) {
        if matches!(
            self.state,
            State::Header | State::MessageSize | State::ContentsSize
        ) {
            let m = self.open.as_mut().expect("a message is open");
            if self.state != State::ContentsSize {
                m.anomaly("no 'Contents:' line");
            }
            self.end_header(end);
        }
        // Text after the last item's declared size, before the next header: console output
        // there is a write before that header (the body itself is read up to the tail). At
        // the end of the file, a tail is read as text past an item is (review 86: console
        // output after the last message was never reported).
        let tail = self.declared_tail(end);
        // Sizes that reach the next header say the body is all the message's own text:
        // console output at its end is quoted, not a write before that header. So do sizes
        // that reach past it inside the file, as the KB's own sample's do (review 86: a table
        // ending a message whose item size ran 6 bytes past its end was a write); a size past
        // the file's end says nothing.
        let len = self.data.len() as u64;
        let exact = self
            .sizes
            .item_end()
            .is_some_and(|t| t >= end as u64 && t <= len);
        let m = self.open.take().expect("a message is open");
        let mut body = m.body_start.unwrap_or(end);
        if m.contents_size_lost {
            body = self
                .lost_size_write(body, tail.unwrap_or(end), m.index)
                .unwrap_or(body);
        }
        match tail {
            Some(t) if at_eof => {
                self.read_body(body, t, m.index, true);
                self.past_item(t, end, m.index);
            }
            Some(t) => {
                self.read_body(body, t, m.index, true);
                self.tail_writes(t, end, m.index);
            }
            None => self.read_body(body, end, m.index, at_eof || exact),
        }
        if m.keep {
            let mut anomalies = m.anomalies;
            let mut anomalies_not_kept = m.anomalies_not_kept;
            self.sizes.check(end as u64, &mut |a| {
                if anomalies.len() < MAX_ANOMALIES {
                    anomalies.push(a);
                } else {
                    anomalies_not_kept += 1;
                }
            });
            self.emit.message(Message {
                index: m.index as usize,
                header_start: m.header_start as u64,
                header_end: m.header_end as u64,
                end: end as u64,
                fields: m.fields,
                fields_not_kept: m.fields_not_kept,
                anomalies,
                anomalies_not_kept,
            });
        } else {
            self.emit.message_not_kept();
        }
        self.state = State::Outside;
    }

    /// A body: its text items are read (not their keyword and size lines); console output that
    /// ends where the next header starts is held for that header; other console output inside a
    /// body is reported weaker (a message may quote it).
    fn read_body(&mut self, s: usize, e: usize, index: u32, at_eof: bool) {
        let mut found = Vec::new();
        let mut from = s;
        let mut skip_size = false;
        // Where the item being read ends by its declared size.
        let mut item_end = None;
        for l in lines(self.data, s, e) {
            let t = l.text(self.data);
            if let Some(size) = size_of(t).filter(|_| skip_size) {
                from = l.end;
                item_end = match size {
                    Size::Bytes(n) => usize::try_from(n).ok().map(|n| l.end.saturating_add(n)),
                    _ => None,
                };
            } else if is_keyword(t, b"Text item:") || is_keyword(t, b"File item:") {
                if let Some(x) = item_end.take() {
                    self.past_item(x, l.start, index);
                }
                from = l.end;
                skip_size = true;
                continue;
            }
            skip_size = false;
        }
        found.extend(self.console_blocks(from, e).into_iter().map(|b| (b, from)));
        // Only the last block can be a write before the next header, and only when it is not
        // the whole text of its item (that is the message's own text) or starts with a blank
        // line; console output elsewhere in a body is the message's content.
        if let Some((b, seg_start)) = found.pop() {
            let apart = b.start > seg_start || b.lead_blank > 0;
            if b.end == e && !at_eof && apart && b.console() >= SUSPECTED {
                let mut f = console_finding(self.data, &b, Place::CcmHeader, self.model);
                f.reasons.push(Reason::BeforeHeader(index + 2));
                self.pending.push(f);
            }
        }
    }

    /// Console output at the start of a body whose `Contents:` line has no size line after it
    /// (`[s, e)`: the body, or its part before the text after its last item): it stands where
    /// that size line belongs, written over it and over what followed, as console output
    /// written over a header from there on is. The first block, up to the first item keyword
    /// line, is reported as a write inside the header of message `index` when it starts there
    /// (after blank lines at most) and holds a known text (a message's own text after a
    /// `Contents:` that lost its size reads as console output too often: review 68); returns
    /// where it ends (the body is read from there).
    fn lost_size_write(&mut self, s: usize, e: usize, index: u32) -> Option<usize> {
        let e = lines(self.data, s, e)
            .find(|l| {
                let t = l.text(self.data);
                is_keyword(t, b"Text item:") || is_keyword(t, b"File item:")
            })
            .map_or(e, |l| l.start);
        let blocks = self.console_blocks(s, e);
        let b = blocks.first()?;
        let at_start = self.data[s..b.start].iter().all(u8::is_ascii_whitespace);
        if !at_start || b.console() < SUSPECTED || b.hit.is_none() {
            return None;
        }
        let mut f = console_finding(self.data, b, Place::CcmHeader, self.model);
        f.reasons.push(Reason::InsideHeader(index + 1));
        f.reasons.push(Reason::Fact(
            "where the size line after 'Contents:' belongs, which is missing",
        ));
        f.message = Some(index);
        self.hand_out(f);
        Some(b.end)
    }

    /// Text between where an item of message `index` ends by its declared size (`x`) and the
    /// next item's keyword line at `k`: not the message's text by its sizes, but what was
    /// written over the messages after it (console output written from a header on, over the
    /// rest of that message, up to an item of a later one). Console output holding a known text
    /// there is reported as a write; other text is left alone: sizes do not always add up, and
    /// the rest of a message's own text after a size too small read as console output often
    /// (review 68: 393 writes in 60 MB of real-looking messages whose sizes were short).
    fn past_item(&mut self, x: usize, k: usize, index: u32) {
        let d = self.data;
        let at_line_start = x > 0 && x < k && d[x - 1] == b'\n';
        if !at_line_start || d[x..k].iter().all(u8::is_ascii_whitespace) {
            return;
        }
        for b in self.console_blocks(x, k) {
            if b.console() >= SUSPECTED && b.hit.is_some() {
                let mut f = console_finding(d, &b, Place::CcmHeader, self.model);
                f.reasons.push(Reason::Fact(
                    "after where a text item of the message ends by its declared size",
                ));
                f.message = Some(index);
                self.hand_out(f);
            }
        }
    }

    /// Console output in `[s, e)`, after the last item of message `index` by its declared size
    /// and before the next header: writes held for that header. Other text there is left
    /// alone (sizes do not always add up: the KB's own sample does not).
    fn tail_writes(&mut self, s: usize, e: usize, index: u32) {
        for b in self.console_blocks(s, e) {
            if b.console() >= SUSPECTED {
                let mut f = console_finding(self.data, &b, Place::CcmHeader, self.model);
                f.reasons.push(Reason::BeforeHeader(index + 2));
                self.pending.push(f);
            }
        }
    }

    /// The blocks of `[s, e)` that may be console output, read island by island (file items
    /// may hold binary data). A byte of a code page is a text file's byte here, as everywhere
    /// in a .CCM file (review 86: a write between messages was cut at `EXPORT\R\x82SUME.CCM`).
    fn console_blocks(&self, s: usize, e: usize) -> Vec<Block> {
        let reader = Reader {
            sigs: self.sigs,
            model: self.model,
            trim: false,
            helper: false,
        };
        let data = self.data;
        let mut out = Vec::new();
        let mut at = s;
        while at < e {
            let start = at
                + data[at..e]
                    .iter()
                    .take_while(|&&c| !TEXT_FILE[c as usize])
                    .count();
            let end = start
                + data[start..e]
                    .iter()
                    .take_while(|&&c| TEXT_FILE[c as usize])
                    .count();
            at = end;
            if end - start < console::MIN_RUN {
                continue;
            }
            reader.read(data, start, end, &mut |_| {}, &mut |b: Block| {
                if b.console() >= CONSOLE_KIND {
                    out.push(b);
                }
            });
        }
        out
    }

    /// The open message's header is complete: number the findings waiting for it, and hand out
    /// the findings and the header if anything damaged it.
    fn hand_out_header(&mut self) {
        let m = self.open.as_ref().expect("a message is open");
        let (index, start, end, missing) =
            (m.index, m.header_start, m.header_end, m.missing_keyword);
        let pending = std::mem::take(&mut self.pending);
        if pending.is_empty() && !missing {
            return;
        }
        let id = self.next_header;
        self.next_header += 1;
        let mut h = DamagedHeader {
            id,
            start: start as u64,
            end: end.max(start + 1) as u64,
            confidence: if missing { ANOMALY } else { 0.0 },
            writes: Vec::new(),
            anomalies: Vec::new(),
            message: Some(index),
            missing_keyword: missing,
        };
        for mut f in pending {
            f.header = Some(id);
            f.message = Some(index);
            h.start = h.start.min(f.start);
            h.confidence = h.confidence.max(f.confidence);
            let write = f.kind == FindingKind::ConsoleWrite;
            let fid = self.hand_out(f);
            if write {
                h.writes.push(fid);
            } else {
                h.anomalies.push(fid);
            }
        }
        self.emit.header(h);
    }

    /// Numbers a finding and hands it out; returns its id.
    fn hand_out(&mut self, mut f: Finding) -> u32 {
        f.id = self.next_finding;
        self.next_finding += 1;
        let id = f.id;
        self.emit.finding(f);
        id
    }

    /// Findings still waiting at the end of the file (text after the last header).
    fn flush_pending(&mut self) {
        for f in std::mem::take(&mut self.pending) {
            self.hand_out(f);
        }
    }
}

/// A block of a header area: a console write if it reads as one, else a header anomaly.
fn header_finding(data: &[u8], b: &Block, why: Reason, model: &Model) -> Finding {
    if b.console() >= SUSPECTED {
        let mut f = console_finding(data, b, Place::CcmHeader, model);
        f.reasons.push(why);
        return f;
    }
    let (class, p) = b.class();
    let mut f = Finding::new(
        FindingKind::CcmHeaderAnomaly,
        b.start as u64,
        b.end as u64,
        ANOMALY,
    );
    f.reasons = vec![
        why,
        Reason::Fact("not a `Key: value` header line"),
        Reason::Class(class, p),
    ];
    if class != TextClass::Console {
        f.reasons
            .push(Reason::Class(TextClass::Console, b.console()));
    }
    f
}

/// The header fields of a header area, folded lines joined to their field; returns how many
/// fields were not kept (past [`MAX_FIELDS`]).
fn fields_of(data: &[u8], hdr: &[HLine], out: &mut Vec<(String, String)>) -> u32 {
    let mut not_kept = 0;
    for h in hdr {
        let t = h.line.text(data);
        match h.kind {
            Kind::Field { .. } => match header::field(t) {
                Some((k, _)) if k.eq_ignore_ascii_case(b"Contents") => {}
                Some((k, v)) if out.len() < MAX_FIELDS => out.push((clip(k), clip(v))),
                Some(_) => not_kept += 1,
                None => {}
            },
            Kind::Folded if not_kept > 0 => {}
            Kind::Folded => {
                if let Some(last) = out.last_mut().filter(|l| l.1.len() < MAX_VALUE) {
                    last.1.push(' ');
                    last.1.push_str(&clip(t.trim_ascii()));
                    if last.1.len() > MAX_VALUE {
                        let mut n = MAX_VALUE;
                        while !last.1.is_char_boundary(n) {
                            n -= 1;
                        }
                        last.1.truncate(n);
                        last.1.push('…');
                    }
                }
            }
            _ => {}
        }
    }
    not_kept
}

//! Blocks of text: a stretch of text (an island of printable bytes in binary data, a region of a
//! text file, a .CCM header area) is cut into blocks of consecutive lines, blank lines included,
//! that read alike, and each block is judged as a whole by the text model. One pass over the
//! lines: each line's counts go into its paragraph's accumulator, and a paragraph joins the
//! block before it unless the two clearly differ (one reads as console output and the other as
//! prose, or as noise without known words, both with at least the model's split probability)
//! or the line ends change (CR LF against LF: another writer). A paragraph that is a program's
//! banner (a version or copyright line, wrapped or not) opens the block of the output after it,
//! unless that reads as prose; a later paragraph that reads as console output is more of that
//! program's run and stays in its block. A short paragraph that reads as prose after console
//! output, and as console output when judged with it, is held apart: if the island of text in
//! binary data ends with it, it is the program's last words and joins the output. Console
//! output after other text that joined that text (a banner that reads as a sentence, or output
//! the text before it did not clearly differ from) is a block of its own when the block does not
//! read as console output as a whole (`Reader::settle`, `Reader::replace`).
//! Edges of islands in binary data are trimmed of printable bytes that belong to the binary
//! data around them.

use super::ahead::with_lines;
use super::features::{Acc, LineFacts, NF};
use super::lines::{controls_only, lines, End, Line, MAX_LINE};
use super::model::{best, evidence, Model, Probs, TextClass};
use super::signatures::{line_text, Hit, KnownLine, SignatureSet, TextMatch};

/// A paragraph's known texts are looked for in pieces of about this size, right behind the
/// reader (the piece is still in the cache; a long paragraph is never read a second time).
const SIG_PIECE: usize = 256 << 10;

/// Pages of a long stretch are let go of behind the reader about this often.
const PROGRESS: usize = 1 << 20;

/// A banner paragraph is at most this many lines (a long banner wrapped by the screen, or a
/// name line and a copyright line).
const BANNER_LINES: u32 = 3;

/// A line this wide filled an 80-column screen: the next line may be its rest (a longer line
/// in a file was never wrapped by a screen).
const SCREEN_WRAP: std::ops::RangeInclusive<usize> = 79..=80;

/// Stretches with fewer words never start or end a block on their own: too little evidence.
const MIN_WORDS: u32 = 3;

/// A paragraph of at most this many lines after console output may be the program's last words
/// ([`Reader::closes`]).
const LAST_WORDS_LINES: u32 = 2;

/// A stretch read as noise with at least this many known words (of four letters or more) is
/// text the model cannot place, not bytes of binary data: it stays with console output beside
/// it. One, as everywhere else that tells text from printable bytes ([`Block::has_words`]).
const NOISE_KNOWN: u32 = 1;

/// A judged block of text: `[start, end)` from its first line end or character through its
/// last line end.
#[derive(Clone, Debug)]
pub struct Block {
    pub start: usize,
    pub end: usize,
    pub acc: Acc,
    /// Blank lines the block starts with.
    pub lead_blank: u32,
    /// Class probabilities, signature evidence included.
    pub probs: Probs,
    /// The best signature in the block.
    pub hit: Option<Hit>,
    /// The block's last line was cut short by binary data.
    pub cut_short: bool,
    /// The block's last non-blank line ends with CR LF and is its only CR LF.
    pub one_crlf_at_end: bool,
    /// Only BEL bytes (07h) stand between the block and a CR or LF next to it.
    pub bell_line_end: bool,
    /// What the block's last paragraph reads as, its words and its known words (segmentation
    /// compares neighbouring paragraphs).
    last: (TextClass, f32, u32, u32),
    /// The probabilities are those of the whole block.
    judged: bool,
    /// The block so far is one short paragraph opening with a banner line (a program's name
    /// with its version or copyright): what follows it is that program's output.
    banner: bool,
    /// The block opened with a banner and holds the output after it: a paragraph that reads as
    /// console output is more of that program's run and stays in it.
    run: bool,
    /// The block's last paragraph holds a known text, or follows one without reading as
    /// prose: a paragraph that reads as prose does not join it ([`Reader::known_apart`]).
    known_run: bool,
    /// The block is one paragraph of fewer than [`MIN_WORDS`] words that ends with a comma or
    /// a colon: it leads into what follows it (`Hi all,` opening a message), and after a known
    /// run it does not end that run ([`join_block`]).
    lead_in: bool,
    /// A lead-in that is a greeting (`Hi all,`, `Jeff,`: it ends with a comma), which opens the
    /// message after it; a heading that ends with a colon (`Usage:`, `Errors:`) is a program's
    /// own as often (review 68).
    greeting: bool,
    /// The line-end style of its last paragraph's text lines ([`writer_style`]; one style in a
    /// paragraph, as a change between two text lines starts the next one).
    style: Option<bool>,
}

impl Block {
    pub fn features(&self) -> [f32; NF] {
        self.acc.features(self.lead_blank)
    }

    pub fn class(&self) -> (TextClass, f32) {
        best(&self.probs)
    }

    /// The model's probability of console output; 0 for a block without a single word of four
    /// letters or more that the corpus knows (printable bytes of binary data, not text), and 0
    /// for a block without a line end that holds no known text. Console output reaches a file
    /// through DOS's file handles line by line, each line ended with CR LF, and a write's
    /// edges are its line ends; a text without any is a string of the binary data around it (a
    /// message's subject, a name, an address), as a record stores it. A known text (a
    /// signature) still counts: a write cut short inside its first line. So does a line end
    /// that only BEL bytes (07h, the beep a program prints with an error) keep out of the
    /// block: BEL is not text, so it ends the stretch of text the block was read from.
    pub fn console(&self) -> f32 {
        let framed = self.acc.line_ends() > 0 || self.bell_line_end;
        if self.hit.is_none() && (self.acc.known_words() == 0 || !framed) {
            return 0.0;
        }
        self.probs[TextClass::Console.index()]
    }

    /// True for a block holding at least one word the corpus knows (of four letters or more)
    /// or a known text.
    pub fn has_words(&self) -> bool {
        self.acc.known_words() > 0 || self.hit.is_some()
    }

    fn judge(&mut self, model: &Model) {
        let ev = self.hit.as_ref().map_or(0.0, |h| evidence(h.confidence));
        self.probs = model.probs(&self.features(), ev);
        self.judged = true;
    }
}

/// How a stretch of text is read.
pub struct Reader<'a> {
    pub sigs: &'a SignatureSet,
    pub model: &'a Model,
    /// Trim the edges (text inside binary data); text files are not trimmed.
    pub trim: bool,
    /// A long stretch may be read with the help of a second thread.
    pub helper: bool,
}

/// Line-end style: CR LF (CR CR LF too), or LF/CR alone.
fn style(e: End) -> Option<bool> {
    match e {
        End::CrLf | End::CrCrLf => Some(true),
        End::Lf | End::Cr => Some(false),
        End::None => None,
    }
}

/// Where a pass over a stretch stands: the open block and paragraph, the writer's line-end
/// style of the last text line that showed one ([`writer_style`]), where pages were last let
/// go of.
struct Pass {
    open: Open,
    para: Para,
    last_style: Option<bool>,
    since: usize,
    known: Known,
    /// How the line before ended.
    prev_end: End,
}

/// The lines of a stretch that hold a known text ([`SignatureSet::known_lines`]), looked for a
/// window ahead of the reader (one pass of the literal prefilter over the text, and no page of
/// a long stretch touched long before it is read); each paragraph takes the matches of its
/// lines from here.
struct Known {
    spans: std::collections::VecDeque<KnownLine>,
    /// Looked through up to here (a line end, or the stretch's end).
    to: usize,
    end: usize,
    /// The text line before held a known text and is not a banner: the next one starts a
    /// paragraph.
    after: bool,
    /// The text line before runs on into the next as a wrapped sentence ([`wraps_on`]).
    prev_wraps: bool,
}

impl Known {
    /// Known texts are looked for this far ahead (then on to a line end).
    const WINDOW: usize = 1 << 20;

    fn new(s: usize, e: usize) -> Known {
        Known {
            spans: Default::default(),
            to: s,
            end: e,
            after: false,
            prev_wraps: false,
        }
    }

    /// The known text line `l` (after the lines asked about before) holds.
    fn holds(&mut self, data: &[u8], sigs: &SignatureSet, l: &Line) -> Option<KnownLine> {
        while l.start >= self.to && self.to < self.end {
            let mut t = (self.to + Known::WINDOW).min(self.end);
            if t < self.end {
                // On to a line end, or a piece's length on in a line without one.
                let far = (t + MAX_LINE).min(self.end);
                t = memchr::memchr2(b'\r', b'\n', &data[t..far]).map_or(far, |i| t + i);
            }
            let mut found = Vec::new();
            sigs.known_lines(data, self.to, t, &mut found);
            self.spans.extend(found);
            self.to = t.max(self.to + 1);
        }
        while self.spans.front().is_some_and(|k| k.end <= l.start) {
            self.spans.pop_front();
        }
        let k = self.spans.front()?;
        let here = k.start < l.content_end && k.end > l.start;
        here.then(|| self.spans.pop_front().expect("a span"))
    }
}

/// The blocks not yet handed out: the open one, and the console output before it when the open
/// block is one short paragraph that would join it if the stretch ended with it ([`Reader::close`]).
#[derive(Default)]
struct Open {
    block: Option<Block>,
    held: Option<Block>,
    /// The open block before a run of paragraphs that joined it while it did not read as
    /// console output, the first of them a program's banner or a paragraph that reads as
    /// console output on its own, and that run ([`Reader::settle`], [`Reader::replace`]).
    tail: Option<Tail>,
    /// The open block as it was before its last paragraph, a greeting (`Hi all,`, `Jeff,`), joined
    /// it, and that greeting: a greeting opens the text after it ([`Reader::lead_in_apart`]).
    lead: Option<(Block, Block)>,
}

/// A run of paragraphs at the end of the open block that may be console output of its own.
struct Tail {
    /// The open block before the run.
    before: Block,
    /// The run.
    run: Block,
    /// The run opens with a program's banner.
    banner: bool,
}

/// The line-end style a line shows of its writer, for telling two writers apart: CR LF or LF.
/// CR CR LF is a CR LF written through a text-mode handle (`printf("\r\n")`): CR LF. A CR
/// alone tells nothing: DOS programs print it inside their own style (LF CR from
/// `db 10,13`, a progress counter returning to the line's start).
fn writer_style(e: End) -> Option<bool> {
    match e {
        End::CrLf | End::CrCrLf => Some(true),
        End::Lf => Some(false),
        End::Cr | End::None => None,
    }
}

/// A paragraph being read: blank lines, then non-blank lines.
struct Para {
    start: usize,
    end: usize,
    lead_blank: u32,
    text_lines: u32,
    acc: Acc,
    /// Starts after a change of line-end style.
    hard: bool,
    last_end: End,
    /// Text lines ended with CR LF or CR CR LF.
    crlf_text_ends: u32,
    /// Known texts found so far, in `[start, matched)`.
    sigs: TextMatch,
    matched: usize,
    /// The first non-blank line is a banner.
    banner_first: bool,
    /// The last character of the last text line.
    last_char: u8,
}

impl Para {
    fn new(start: usize, hard: bool) -> Para {
        Para {
            start,
            end: start,
            lead_blank: 0,
            text_lines: 0,
            acc: Acc::default(),
            hard,
            last_end: End::None,
            crlf_text_ends: 0,
            sigs: TextMatch::default(),
            matched: start,
            banner_first: false,
            last_char: 0,
        }
    }

    /// Looks for known texts of the signatures without literals in the lines read since the
    /// last look (`more`: the paragraph goes on); the others come line by line ([`Known`]).
    fn match_more(&mut self, data: &[u8], sigs: &SignatureSet, more: bool) {
        if self.end > self.matched || !more {
            sigs.match_unlisted(&mut self.sigs, &data[self.matched..self.end], more);
            self.matched = self.end;
        }
    }
}

impl Reader<'_> {
    /// Reads `data[s..e]` and hands each block to `out`, in order. `progress(at)` is called now
    /// and then with the offset read up to (for releasing pages of long stretches).
    pub fn read(
        &self,
        data: &[u8],
        s: usize,
        e: usize,
        progress: &mut dyn FnMut(usize),
        out: &mut dyn FnMut(Block),
    ) {
        let (s, e) = if self.trim {
            trim(data, s, e, self.sigs)
        } else {
            (s, e)
        };
        if s >= e {
            return;
        }
        let mut pass = Pass {
            open: Open::default(),
            para: Para::new(s, false),
            last_style: None,
            since: s,
            known: Known::new(s, e),
            prev_end: End::None,
        };
        let lex = self.model.lexicon();
        with_lines(data, (s, e), lex, self.helper, |l, facts| {
            self.line(data, &mut pass, l, facts, progress, out);
        });
        let Pass { mut open, para, .. } = pass;
        if para.end > para.start {
            self.close(data, &mut open, para, out);
        }
        let tail = open.tail.take();
        let block = match (open.held, open.block) {
            (Some(mut h), Some(last)) => {
                join_block(&mut h, last);
                Some(h)
            }
            (h, Some(b)) => match self.settle(b, tail) {
                (first, Some(rest)) => {
                    self.emit(data, first, out);
                    Some(rest)
                }
                (b, None) => h.or(Some(b)),
            },
            (h, None) => h,
        };
        if let Some(mut b) = block {
            b.cut_short = self.trim && !ends_line(data, b.end);
            if b.cut_short {
                self.cut_evidence(data, &mut b);
            }
            self.emit(data, b, out);
        }
    }

    /// One line of the stretch: it goes into the open paragraph, or closes it and starts the
    /// next; known texts are looked for right behind it and pages let go of now and then.
    fn line(
        &self,
        data: &[u8],
        pass: &mut Pass,
        l: Line,
        facts: &LineFacts,
        progress: &mut dyn FnMut(usize),
        out: &mut dyn FnMut(Block),
    ) {
        let prev_end = std::mem::replace(&mut pass.prev_end, l.term);
        if lf_cr(prev_end, &l) {
            pass.para.acc.end_byte();
            pass.para.end = l.end;
            return;
        }
        // Text lines tell a writer's style; blank lines do not (a program may end its text
        // lines and its blank lines differently). A change from one text line to the next is
        // another writer; across blank lines it may be one program's own ways (a banner
        // printed one way, the rest the other: a hostile review lost a run's `Error 4` line
        // when that was split), so the paragraph joins or not as any other.
        let st = writer_style(l.term);
        let changed = st.is_some() && pass.last_style.is_some() && st != pass.last_style;
        // A known line's facts read without the names it printed ([`Reader::without_names`]).
        let mut own = None;
        if l.is_blank() {
            let para = &mut pass.para;
            if para.text_lines > 0 {
                let done = std::mem::replace(para, Para::new(l.start, false));
                self.close(data, &mut pass.open, done, out);
            }
            pass.para.lead_blank += 1;
            pass.known.after = false;
            pass.known.prev_wraps = false;
        } else {
            own = self.text_line(data, pass, &l, facts, changed, out);
            if st.is_some() {
                pass.last_style = st;
            }
        }
        let para = &mut pass.para;
        para.acc.line_read(
            l.content_end - l.start,
            own.as_ref().unwrap_or(facts),
            l.term,
        );
        para.end = l.end;
        para.last_end = l.term;
        let far = l.end - pass.since >= PROGRESS;
        if (far || l.end - para.matched >= SIG_PIECE) && (l.terminated() || l.is_piece()) {
            para.match_more(data, self.sigs, true);
        }
        if far && para.matched == l.end {
            progress(l.end);
            pass.since = l.end;
        }
    }

    /// A line of text (`changed`: another writer's line-end style than the text line before):
    /// whether it starts a paragraph, and what it tells of the lines after it. Returns the
    /// facts of a known line read without its names, when it has some.
    ///
    /// A line holding a known text is a paragraph of its own, and so is each status line right
    /// after it (`12 messages exported.`) that does not run on into the next line as a wrapped
    /// sentence does: a write glued to the text around it (a message's body) is judged apart
    /// from it. A banner's paragraph goes on, and so does a line as wide as the screen (the
    /// screen wrapped it). A known text inside a sentence that the line before runs on into is
    /// quoted by the text, not written over it.
    fn text_line(
        &self,
        data: &[u8],
        pass: &mut Pass,
        l: &Line,
        facts: &LineFacts,
        changed: bool,
        out: &mut dyn FnMut(Block),
    ) -> Option<LineFacts> {
        let known = pass.known.holds(data, self.sigs, l);
        let opens = known.as_ref().is_some_and(|k| opens_line(data, l, k));
        // Names are left out of a line the known text makes up, not of one that a sentence of
        // the line before runs on into (a message quoting the line): that is read as it stands.
        let own = known
            .as_ref()
            .filter(|k| !k.names.is_empty() && opens && !pass.known.prev_wraps)
            .map(|k| self.without_names(data, l, k));
        let facts = own.as_ref().unwrap_or(facts);
        let apart = known.is_some() && (opens || !pass.known.prev_wraps);
        let para = &mut pass.para;
        if (changed || apart || pass.known.after) && para.text_lines > 0 {
            let done = std::mem::replace(para, Para::new(l.start, changed));
            self.close(data, &mut pass.open, done, out);
        }
        let width = l.content_end - l.start;
        pass.known.after = if let Some(k) = known {
            para.sigs.add(k.hit);
            apart && !facts.is_banner() && !SCREEN_WRAP.contains(&width)
        } else {
            pass.known.after && facts.is_status() && !wraps_on(l, facts)
        };
        pass.known.prev_wraps = wraps_on(l, facts);
        if para.text_lines == 0 {
            para.banner_first = facts.is_banner();
        }
        para.text_lines += 1;
        para.last_char = facts.last;
        para.crlf_text_ends += matches!(l.term, End::CrLf | End::CrCrLf) as u32;
        own
    }

    /// What known line `l` holds, read without the names its match captured (a mailbox, a
    /// file): they are data the program printed, not its words, and a long name or one of
    /// several words (`"Help Desk at the main office"`) made the line read as prose or as a
    /// line longer than a screen's. Every such line is judged alike, whatever names it holds.
    fn without_names(&self, data: &[u8], l: &Line, k: &KnownLine) -> LineFacts {
        let text = l.text(data);
        let mut kept = Vec::with_capacity(text.len());
        let mut at = 0;
        // The known line's span may begin before the line's (printable bytes of binary data
        // glued to it) or end after it (a line cut short).
        let within = |x: usize| (k.start + x).clamp(l.start, l.content_end) - l.start;
        for r in &k.names {
            let (s, e) = (within(r.start), within(r.end));
            kept.extend_from_slice(&text[at..s.max(at)]);
            at = at.max(e);
        }
        kept.extend_from_slice(&text[at..]);
        let mut f = LineFacts::default();
        Acc::read_into(&kept, self.model.lexicon(), &mut f, &mut Default::default());
        f
    }

    /// A block is complete: judged as a whole, handed out.
    fn emit(&self, data: &[u8], mut b: Block, out: &mut dyn FnMut(Block)) {
        b.bell_line_end = bell_line_end(data, b.start, b.end);
        if !b.judged {
            b.judge(self.model);
        }
        out(b);
    }

    /// A paragraph is complete: it joins the open block or starts the next one.
    fn close(&self, data: &[u8], open: &mut Open, mut p: Para, out: &mut dyn FnMut(Block)) {
        if p.text_lines == 0 {
            // Blank lines at the end belong to the block before them.
            if let Some(b) = &mut open.block {
                b.acc.merge(&p.acc);
                b.end = p.end;
                b.one_crlf_at_end = false;
                b.judged = false;
            }
            if let Some(rest) = open.tail.as_mut().map(|t| &mut t.run) {
                rest.acc.merge(&p.acc);
                rest.end = p.end;
                rest.one_crlf_at_end = false;
                rest.judged = false;
            }
            return;
        }
        p.match_more(data, self.sigs, false);
        // More text follows the paragraph held apart: it stays apart.
        if let Some(h) = open.held.take() {
            self.emit(data, h, out);
        }
        let hit = p.sigs.best();
        let salutation = p.acc.words() < MIN_WORDS && salutation(&data[p.start..p.end]);
        let lead_in = p.acc.words() < MIN_WORDS && matches!(p.last_char, b',' | b':') || salutation;
        let mut next = Block {
            start: p.start,
            end: p.end,
            acc: p.acc,
            lead_blank: p.lead_blank,
            probs: [0.0; 4],
            known_run: hit.is_some(),
            hit,
            cut_short: false,
            one_crlf_at_end: p.crlf_text_ends == 1 && p.last_end == End::CrLf,
            bell_line_end: false,
            last: (TextClass::Noise, 0.0, 0, 0),
            judged: false,
            banner: p.banner_first && p.text_lines <= BANNER_LINES,
            run: false,
            lead_in,
            greeting: lead_in && p.last_char == b',' || salutation,
            style: writer_style(p.last_end),
        };
        next.judge(self.model);
        let (class, pc) = next.class();
        next.last = (class, pc, next.acc.words(), next.acc.known_words());
        let lead = open.lead.take();
        if let Some((before, lead)) = lead.filter(|_| !p.hard && open.tail.is_none()) {
            if let Some(next) = self.lead_in_apart(data, open, before, lead, next, out) {
                return self.close_block(data, open, next, p.hard, out);
            }
            return;
        }
        self.close_block(data, open, next, p.hard, out);
    }

    /// A greeting (`Hi all,`) joined the open block, and `next` follows it: when the block as it
    /// was before the greeting and `next` clearly differ, the greeting goes with `next`, whose
    /// text it opens (review 66: console output at the head of a .TMP, then `Hi all,` and a
    /// message, was one block that read as prose, and the write was lost), and the block
    /// before it is complete. Otherwise `next` is handed back to be joined or not as any
    /// paragraph.
    fn lead_in_apart(
        &self,
        data: &[u8],
        open: &mut Open,
        mut before: Block,
        lead: Block,
        next: Block,
        out: &mut dyn FnMut(Block),
    ) -> Option<Block> {
        let joins = opens(&before, &next) || before.run && next.last.0 == TextClass::Console;
        let apart = !joins && self.differ(&mut before, next.last);
        if !apart {
            return Some(next);
        }
        let mut opened = lead;
        join_block(&mut opened, next);
        opened.judge(self.model);
        let (class, pc) = opened.class();
        opened.last = (class, pc, opened.acc.words(), opened.acc.known_words());
        open.block = Some(before);
        self.replace(data, open, opened, false, false, out);
        None
    }

    /// The paragraph `next` (a block of its own) joins the open block or starts the next one.
    fn close_block(
        &self,
        data: &[u8],
        open: &mut Open,
        next: Block,
        hard: bool,
        out: &mut dyn FnMut(Block),
    ) {
        let block = &mut open.block;
        let (join, hold) = match block {
            Some(b) => {
                let join = !hard
                    && !self.known_apart(b, &next)
                    && (opens(b, &next)
                        || b.run && next.last.0 == TextClass::Console
                        || !self.differ(b, next.last));
                (join, !join && !hard && self.closes(b, &next))
            }
            None => (false, false),
        };
        match block {
            Some(b) if join => {
                if next.greeting && open.tail.is_none() {
                    open.lead = Some((b.clone(), next.clone()));
                }
                self.join(open, next)
            }
            Some(_) => self.replace(data, open, next, hard, hold, out),
            None => *block = Some(next),
        }
    }

    /// The next paragraph joins the open block; a run at its end that may be console output of
    /// its own is followed ([`Tail`]).
    fn join(&self, open: &mut Open, next: Block) {
        let b = open.block.as_mut().expect("a block is open");
        // The block is judged only when the paragraph may start a run (not at every join).
        let may_start = open.tail.is_none()
            && (next.banner
                || next.last.0 == TextClass::Console && next.last.1 >= self.model.split);
        let was =
            may_start && b.acc.words() >= self.model.split_words && self.reads_console(b, 0.5);
        let starts = |banner| {
            Some(Tail {
                before: b.clone(),
                run: next.clone(),
                banner,
            })
        };
        match (&mut open.tail, next.last.0) {
            (None, _) if next.banner && !was => open.tail = starts(true),
            // A banner's output is printed in its style ([`opens`]).
            (Some(t), _) if t.banner && !same_style(t.run.style, next.style) => open.tail = None,
            (Some(t), c) if c != TextClass::Console && !t.banner => open.tail = None,
            (_, TextClass::Prose) => open.tail = None,
            (Some(t), _) => join_block(&mut t.run, next.clone()),
            (None, TextClass::Console) if !was && next.last.1 >= self.model.split => {
                open.tail = starts(false)
            }
            _ => {}
        }
        join_block(b, next);
    }

    /// The next paragraph starts a block: the open one is complete. A program's banner (and
    /// what followed it) at the end of the open block, which did not read as console output,
    /// opens the next block when that reads as console output in the same line-end style: the
    /// banner is that output's, as at the start of a block ([`opens`]).
    fn replace(
        &self,
        data: &[u8],
        open: &mut Open,
        next: Block,
        hard: bool,
        hold: bool,
        out: &mut dyn FnMut(Block),
    ) {
        let tail = open.tail.take();
        if let Some(t) = tail.as_ref().filter(|t| {
            t.banner
                && !hard
                && same_style(t.run.style, next.style)
                && next.last.0 == TextClass::Console
        }) {
            let mut run = t.run.clone();
            join_block(&mut run, next);
            open.block = Some(run);
            self.emit(data, t.before.clone(), out);
            return;
        }
        let done = open.block.replace(next).expect("a block is open");
        match self.settle(done, tail) {
            (first, Some(rest)) => {
                self.emit(data, first, out);
                self.emit(data, rest, out);
            }
            (done, None) if hold => open.held = Some(done),
            (done, None) => self.emit(data, done, out),
        }
    }

    /// The block reads as console output, at probability `p` or more.
    fn reads_console(&self, b: &mut Block, p: f32) -> bool {
        if !b.judged {
            b.judge(self.model);
        }
        b.class().0 == TextClass::Console && b.console() >= p
    }

    /// A block complete: when a run of paragraphs at its end, the first of which reads as
    /// console output on its own at the split probability, joined the block while it read
    /// otherwise, and the block still does not read as console output, the run is a block of
    /// its own if it reads as console output and the text before it as prose (a program's
    /// output after a message's text in a store). A later paragraph that does not read as
    /// console output on its own ends such a run ([`Reader::join`]). A run that opens with a
    /// banner is split off only when output followed the banner and the run reads as console
    /// output: a banner alone at the end of a text is the text's own (a document's copyright
    /// line), and a known text in the run (the banner's) must not make the text before it a
    /// write with it.
    fn settle(&self, mut b: Block, tail: Option<Tail>) -> (Block, Option<Block>) {
        if let Some(Tail {
            mut before,
            mut run,
            banner: true,
        }) = tail
        {
            if run.run && self.apart(&mut before, &mut run) {
                return (before, Some(run));
            }
            return (b, None);
        }
        if self.reads_console(&mut b, 0.5) {
            return (b, None);
        }
        if let Some(Tail {
            mut before,
            mut run,
            banner: false,
        }) = tail
        {
            if self.apart(&mut before, &mut run) {
                return (before, Some(run));
            }
        }
        (b, None)
    }

    /// The text before a run reads as prose and the run as console output.
    fn apart(&self, before: &mut Block, run: &mut Block) -> bool {
        before.judge(self.model);
        before.class().0 == TextClass::Prose
            && run.acc.words() >= self.model.split_words
            && self.reads_console(run, 0.5)
    }

    /// Console output and a short paragraph after it that reads otherwise on its own, but as
    /// console output when judged with it at the split probability: if the stretch ends with
    /// that paragraph, it is the program's last words (a sentence telling what to do next, a
    /// closing line), not another text, and joins the output ([`Reader::read`]).
    fn closes(&self, b: &mut Block, next: &Block) -> bool {
        if !self.trim || next.last.0 != TextClass::Prose || next.acc.lines() > LAST_WORDS_LINES {
            return false;
        }
        if !b.judged {
            b.judge(self.model);
        }
        if b.class().0 != TextClass::Console {
            return false;
        }
        let mut m = b.clone();
        join_block(&mut m, next.clone());
        m.judge(self.model);
        let (c, p) = m.class();
        c == TextClass::Console && p >= self.model.split
    }

    /// A known text and prose beside it are judged apart: a paragraph holding a known text does
    /// not join a block whose last paragraph reads as prose, and a paragraph that reads as
    /// prose does not join a block whose last paragraph holds a known text or followed one
    /// (a write glued between message bodies in a store is not made one with them by its
    /// signature, whatever the model makes of those bodies). Other text joins as elsewhere
    /// (a hostile review found runs cut where their lines read as noise). Text of fewer than
    /// [`MIN_WORDS`] words is too little to tell (a line cut short by binary data): it joins.
    fn known_apart(&self, b: &Block, next: &Block) -> bool {
        if b.known_run {
            return next.last.0 == TextClass::Prose && next.acc.words() >= MIN_WORDS;
        }
        next.hit.is_some() && b.acc.words() >= MIN_WORDS && b.last.0 == TextClass::Prose
    }

    /// The open block and the next paragraph (class, probability, words, known words) clearly
    /// differ: one reads as console output and the other as prose or as noise without words
    /// (printable bytes of binary data), each at the model's split probability or more, and
    /// both hold a few words. A field list or table next to console output stays with it: tools
    /// print those too; so does a line of known words the model cannot place (a heading such as
    /// `Volume in drive A has no label` read as noise). The block is judged as a whole only
    /// when its last paragraph reads otherwise than the next one.
    fn differ(&self, b: &mut Block, next: (TextClass, f32, u32, u32)) -> bool {
        let (cn, pn, wn, kn) = next;
        if pn < self.model.split
            || wn < self.model.split_words
            || cn == TextClass::Structured
            || b.last.0 == cn
        {
            return false;
        }
        if !b.judged {
            b.judge(self.model);
        }
        let (cb, pb) = b.class();
        let apart = |x: TextClass, y: TextClass, y_known: u32| {
            x == TextClass::Console
                && (y == TextClass::Prose || y == TextClass::Noise && y_known < NOISE_KNOWN)
        };
        (apart(cb, cn, kn) || apart(cn, cb, b.acc.known_words()))
            && pb >= self.model.split
            && b.acc.words() >= MIN_WORDS
    }

    /// The last line of a block cut short by binary data may be the start of a known text.
    fn cut_evidence(&self, data: &[u8], b: &mut Block) {
        // Its last line, or the last piece of a line longer than MAX_LINE.
        let lo = b.start.max(b.end.saturating_sub(MAX_LINE));
        let from = memchr::memrchr2(b'\r', b'\n', &data[lo..b.end]).map_or(lo, |i| lo + i + 1);
        let t = line_text(&data[from..b.end]);
        if let Some(h) = self.sigs.match_cut(&t) {
            if b.hit.as_ref().is_none_or(|x| h.confidence > x.confidence) {
                b.hit = Some(h);
                b.judge(self.model);
            }
        }
    }
}

/// The known text's literal opens line `l` (after blanks; the line as read, which begins after
/// any printable bytes of binary data trimmed off an island's edge).
fn opens_line(data: &[u8], l: &Line, k: &KnownLine) -> bool {
    (l.start..l.content_end).contains(&k.at)
        && data[l.start..k.at]
            .iter()
            .all(|c| matches!(c, b' ' | b'\t'))
}

/// True when a paragraph `t` (of fewer than [`MIN_WORDS`] words) is one line of at most 40
/// bytes that opens with a salutation (`Hi`, `Hello`, `Dear`, `Hey`), a blank and the word
/// of whom it greets, and does not end as a heading or a sentence does (`:`, `.`): `Hi Jeff
/// -`, `Hello all!`, `Dear Randy`, a greeting without the comma that [`Block::greeting`]
/// otherwise needs (review 68: console output at the head of a `.TMP`, then `Hi Jeff -` and a
/// message, was one block below 0.5). A salutation alone (`Hello!`) or glued to more
/// (`HELLO.EXE`, `Hi-Fi`) is as often a program's own line, and a run it stood in was cut
/// there (review 74).
fn salutation(t: &[u8]) -> bool {
    let t = t[t.len().saturating_sub(64)..].trim_ascii();
    if t.len() > 40 || t.contains(&b'\n') || t.contains(&b'\r') {
        return false;
    }
    let word = t.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let hello = ["hi", "hello", "dear", "hey"]
        .iter()
        .any(|w| t[..word].eq_ignore_ascii_case(w.as_bytes()));
    let whom = t[word..].strip_prefix(b" ").map(<[u8]>::trim_ascii_start);
    hello
        && whom.is_some_and(|w| w.first().is_some_and(u8::is_ascii_alphabetic))
        && !matches!(t.last(), Some(b':' | b'.'))
}

/// Adds the paragraph (or block) `next` to the block `b`, which it follows.
fn join_block(b: &mut Block, next: Block) {
    // A lead-in (`Hi all,` opening a message glued after a write) does not end a known run:
    // the prose after it stays apart from it ([`Reader::known_apart`]). Other short prose
    // (`Please wait.`, `Thanks, Bob`) ends it, as any prose does.
    b.known_run =
        next.known_run || b.known_run && (next.last.0 != TextClass::Prose || next.lead_in);
    b.acc.merge(&next.acc);
    b.end = next.end;
    b.one_crlf_at_end = false;
    if next
        .hit
        .as_ref()
        .is_some_and(|h| b.hit.as_ref().is_none_or(|x| h.confidence > x.confidence))
    {
        b.hit = next.hit;
    }
    b.last = next.last;
    b.style = next.style.or(b.style);
    b.judged = false;
    b.run |= b.banner;
    b.banner = false;
}

/// The line fills most of a screen and stops inside a sentence: a wrapped sentence that goes
/// on in the next line.
fn wraps_on(l: &Line, facts: &LineFacts) -> bool {
    l.content_end - l.start >= 60 && facts.ends_mid_sentence()
}

/// The open block is a program's banner and the next paragraph is its output (anything but
/// prose: a banner over the text of a document is the document's title), printed in the same
/// line-end style (a banner in another style is another writer's: a README's closing
/// copyright line before a program's run). Without the prose exception a version line at the
/// head of a text file took the file's prose into its block and was lost; tests/corpus.rs's
/// fresh-split floor fails then (recall 0.714 < 0.72).
fn opens(b: &Block, next: &Block) -> bool {
    b.banner && same_style(b.style, next.style) && next.last.0 != TextClass::Prose
}

/// Two line-end styles are one writer's (or one of them is not known).
fn same_style(a: Option<bool>, b: Option<bool>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// True when one or more BEL bytes (07h) and then a CR or LF follow `data[..end]`, or a CR or
/// LF and then BEL bytes come right before `data[start..]`.
fn bell_line_end(data: &[u8], start: usize, end: usize) -> bool {
    let eol = |c: Option<&u8>| matches!(c, Some(b'\r' | b'\n'));
    let after = data[end..].iter().take_while(|&&c| c == 0x07).count();
    let before = data[..start]
        .iter()
        .rev()
        .take_while(|&&c| c == 0x07)
        .count();
    after > 0 && eol(data.get(end + after)) || before > 0 && eol(data[..start - before].last())
}

fn ends_line(data: &[u8], end: usize) -> bool {
    end > 0 && matches!(data[end - 1], b'\n' | b'\r')
}

/// Text at the edge of an island that reads as words (and not as printable binary bytes):
/// at least two tokens, a run of three letters, and half of it letters and spaces. Only the
/// first 80 bytes are looked at.
pub fn wordlike(t: &[u8]) -> bool {
    let t = t.trim_ascii();
    let t = &t[..t.len().min(80)];
    if t.len() < 6 {
        return false;
    }
    let (mut plain, mut tokens, mut run, mut long_word) = (0, 0, 0, false);
    let mut in_token = false;
    for &c in t {
        let letter = c.is_ascii_alphabetic();
        plain += (letter || c == b' ') as usize;
        run = if letter { run + 1 } else { 0 };
        long_word |= run >= 3;
        let space = c == b' ' || c == b'\t';
        tokens += (!space && !in_token) as usize;
        in_token = !space;
    }
    tokens >= 2 && long_word && plain * 2 >= t.len()
}

/// A progress counter a program redraws in place (`  45%`, `100 %`, `99.5%`): one to three
/// digits, a decimal part, a blank and a percent sign, alone on the line, four bytes or more
/// with the blanks before it (a counter drawn in place is aligned; a shorter cut line is the
/// binary data's, as [`cut_line`] has it: `7%`, `12%` after a write were taken in, hostile
/// review 76). Its line ends with a lone CR where the text around it ends lines with CR LF,
/// and it holds no word, so without this the last one was dropped from the end of a write
/// (review 66 D7).
fn percent(t: &[u8]) -> bool {
    if t.trim_ascii_end().len() < 4 {
        return false;
    }
    let t = t.trim_ascii();
    let digits = t.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut rest = &t[digits..];
    if let Some(r) = rest.strip_prefix(b".") {
        let d = r.iter().take_while(|c| c.is_ascii_digit()).count();
        rest = if d > 0 { &r[d..] } else { rest };
    }
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    (1..=3).contains(&digits) && rest == b"%"
}

/// The start of a line that binary data cut short: right after a line end, at least five
/// bytes, all letters, digits or blanks but one. Printable bytes of binary data are that
/// (0.66 a byte) and that many in a row (0.38 a byte) far less often than a line is cut.
fn cut_line(data: &[u8], start: usize, t: &[u8]) -> bool {
    let plain = t
        .iter()
        .filter(|c| c.is_ascii_alphanumeric() || **c == b' ')
        .count();
    start > 0
        && matches!(data[start - 1], b'\n' | b'\r')
        && t.len() >= 5
        && plain + 1 >= t.len()
        && t.iter().any(u8::is_ascii_alphabetic)
}

/// True for the CR of an LF CR line end (`prev`: how the line before ended), which the
/// splitter gives as a blank line ended by a lone CR. A CR after an LF moves nothing on a
/// screen: DOS programs end lines with LF CR (`db 10,13`), and `printf("\n\r")` through a
/// text-mode handle writes CR LF CR. It is read as part of the line end before it, not as a
/// blank line that would split the program's paragraphs. Where no line ends with LF (text
/// with CR alone), a blank CR line stays a blank line.
fn lf_cr(prev: End, l: &Line) -> bool {
    l.is_blank() && l.term == End::Cr && matches!(prev, End::Lf | End::CrLf | End::CrCrLf)
}

/// True when most LFs of `data[s..e]` (two or more) are ends LF CR ([`lf_cr`]).
fn lf_cr_habit(data: &[u8], s: usize, e: usize) -> bool {
    let (mut lfs, mut pairs) = (0, 0);
    let mut prev = End::None;
    for l in lines(data, s, e) {
        lfs += matches!(l.term, End::Lf | End::CrLf | End::CrCrLf) as u32;
        pairs += lf_cr(prev, &l) as u32;
        prev = l.term;
    }
    pairs >= 2 && 2 * pairs > lfs
}

/// The line-end style most lines near one edge use (CR LF: true); the CR of an LF CR end
/// ([`lf_cr`]) is not a line. A line ended by a lone CR counts only where no line ends with CR
/// LF or LF: a DOS program redraws a progress line with CR (`Message 1 of 12\r`), and twelve such
/// lines made the CR LF run around them look like LF text, so its first blank lines were
/// trimmed off the write as binary data's (hostile review 66 D9).
fn majority(data: &[u8], s: usize, e: usize) -> Option<bool> {
    let (mut crlf, mut lf, mut cr) = (0, 0, 0);
    let mut prev = End::None;
    for l in lines(data, s, e) {
        let pair = lf_cr(prev, &l);
        prev = l.term;
        if pair {
            continue;
        }
        match l.term {
            End::CrLf | End::CrCrLf => crlf += 1,
            End::Lf => lf += 1,
            End::Cr => cr += 1,
            End::None => {}
        }
    }
    let other = if crlf + lf > 0 { lf } else { cr };
    (crlf + other > 0).then_some(crlf >= other)
}

/// The last line of `data[s..e]`.
fn last_line(data: &[u8], s: usize, e: usize) -> Option<Line> {
    if s >= e {
        return None;
    }
    // The last line ends at e; find where it starts (its own CR LF or CR CR LF at the very end
    // is not a line start).
    let crlf = data[e - 1] == b'\n' && e - 1 > s && data[e - 2] == b'\r';
    let body_end = if crlf && e - 2 > s && data[e - 3] == b'\r' {
        e - 3
    } else if crlf {
        e - 2
    } else if matches!(data[e - 1], b'\n' | b'\r') {
        e - 1
    } else {
        e
    };
    // A line longer than MAX_LINE ends in a piece: its last bytes, up to MAX_LINE with its end
    // (the search back stops there, so a huge line is not read whole from its end).
    let lo = s.max(body_end.saturating_sub(MAX_LINE - 1));
    let start = memchr::memrchr2(b'\r', b'\n', &data[lo..body_end]).map_or(lo, |i| lo + i + 1);
    lines(data, start, e).next()
}

/// A printable byte of the binary data before an island glued to its first word, when the
/// island starts right after binary data (not after a line end): 1 to skip it, else 0. It is a
/// byte that is not a blank, a capital (`KEXPORT` cannot be told apart) or an opening quote or
/// bracket (text opens so), before a word of two letters or more written as a line's first
/// word is (a capital, then capitals or small letters only). A printable byte of random data
/// is one of these about a third of the time, and read as part of the line it turned a
/// program's banner into a word of no language at its start (`kEXPORT 8.50.00.14 Copyright
/// ...`), which alone took the real EXPORT run of KB 282172 below 0.5. One byte only: two or
/// three before a word are as often the line's own (`-->Exporting`, `(C)Copyright`,
/// `386MAX`, `McDonald`) as bytes of binary data, and one byte off keeps the edge within the
/// two bytes the corpus measures; a line's own first byte (`4DOS`, `*ERROR*`) is lost.
fn glued_head(data: &[u8], s: usize, e: usize) -> usize {
    if s == 0 || matches!(data[s - 1], b'\r' | b'\n') || e - s < 3 {
        return 0;
    }
    let t = &data[s..e];
    let junk = t[0];
    let opener = matches!(junk, b'(' | b'[' | b'{' | b'<' | b'"' | b'\'' | b'`');
    if matches!(junk, b' ' | b'\t' | b'\r' | b'\n') || junk.is_ascii_uppercase() || opener {
        return 0;
    }
    let word = t[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if word < 2 || !t[1].is_ascii_uppercase() {
        return 0;
    }
    let rest = &t[2..1 + word];
    let cased = rest.iter().all(u8::is_ascii_uppercase) || rest.iter().all(u8::is_ascii_lowercase);
    cased as usize
}

/// A blank first line ended CR CR LF where no other line near it ends so: its first CR is a
/// byte of the binary data before a write that starts with CR LF (CR CR LF is one line end,
/// [`End::CrCrLf`]), as a stray LF before one is.
fn stray_cr(data: &[u8], l: Line, e: usize) -> bool {
    l.is_blank() && l.term == End::CrCrLf && !lines(data, l.end, e).any(|n| n.term == End::CrCrLf)
}

/// True when the blank line `l` ends with a lone CR and the line after it is words ended so
/// too: lines a program redraws in place (`\rExporting message 1 of 12\rExporting message 2
/// of 12`), whose CRs are the text's own whatever style the lines after them end in (hostile
/// review 72: such a run at a write's start lost its first CR as a line end odd to the CR LF
/// lines after it). Printable bytes of the binary data ended by a random CR (`ffi3\r`) are no
/// such line.
fn redraws(data: &[u8], l: Line, e: usize) -> bool {
    l.is_blank()
        && l.term == End::Cr
        && lines(data, l.end, e)
            .next()
            .is_some_and(|n| n.term == End::Cr && wordlike(n.text(data)))
}

/// Trims printable bytes of the surrounding binary data off both edges of an island.
fn trim(data: &[u8], mut s: usize, mut e: usize, sigs: &SignatureSet) -> (usize, usize) {
    const EDGE: usize = 4096;
    let head = majority(data, s, e.min(s + EDGE));
    for _ in 0..8 {
        let Some(l) = lines(data, s, e).next() else {
            break;
        };
        let t = l.text(data);
        let garbage =
            !l.is_blank() && !wordlike(t) && !controls_only(t) && sigs.match_text(t).is_none();
        let odd_end = style(l.term).is_some() && style(l.term) != head && !redraws(data, l, e);
        if garbage && !odd_end && l.terminated() {
            s = l.content_end;
            break;
        } else if garbage || (l.is_blank() && odd_end) {
            s = l.end;
        } else {
            break;
        }
    }
    if lines(data, s, e)
        .next()
        .is_some_and(|l| stray_cr(data, l, e.min(s + EDGE)))
    {
        s += 1;
    }
    s += glued_head(data, s, e);
    let tail = majority(data, e.saturating_sub(EDGE).max(s), e);
    for _ in 0..8 {
        let Some(l) = last_line(data, s, e) else {
            break;
        };
        let t = l.text(data);
        let keep = if !l.terminated() {
            let sig = sigs.match_cut(&line_text(t)).is_some() || sigs.match_text(t).is_some();
            sig || wordlike(t) || cut_line(data, l.start, t) || percent(t)
        } else if l.start > s && data[l.start - 1] == b'\n' && l.is_blank() && l.term == End::Cr {
            // The CR of the last LF CR end: the text's own where its lines end so.
            lf_cr_habit(data, e.saturating_sub(EDGE).max(s), e)
        } else {
            let odd_end = style(l.term) != tail;
            !(odd_end && (l.is_blank() || !(wordlike(t) || percent(t))))
        };
        if keep {
            break;
        }
        e = l.start;
    }
    (s, e.max(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> (SignatureSet, &'static Model) {
        (SignatureSet::builtin(), Model::builtin())
    }

    fn read(b: &[u8], trim: bool) -> Vec<(usize, usize)> {
        judged(b, trim)
            .into_iter()
            .map(|(s, e, _)| (s, e))
            .collect()
    }

    #[test]
    fn a_percent_counter_is_told_from_other_bytes() {
        for t in [" 45%", "  100%", "99.5%", " 7 %", "100.25 %", "  3%"] {
            assert!(percent(t.as_bytes()), "{t:?}");
        }
        for t in [
            "%", "1000%", "5.%", ".5%", "45%%", "45% done", "a45%", "45", "4 5%", "7%", "12%",
            "7 %",
        ] {
            assert!(!percent(t.as_bytes()), "{t:?}");
        }
    }

    #[test]
    fn edges_of_islands_are_trimmed() {
        let sigs = SignatureSet::builtin();
        let w = b"\r\n\r\nExporting messages in mailbox \"a\" to file EXPORT\\MSG0001.CCM\r\n";
        let mut d = b"k$".to_vec();
        d.extend_from_slice(w);
        d.extend_from_slice(b"A");
        assert_eq!(trim(&d, 0, d.len(), &sigs), (2, 2 + w.len()));
        // A stray LF before a CR LF write belongs to the binary data.
        let mut d = b"\n".to_vec();
        d.extend_from_slice(w);
        assert_eq!(trim(&d, 0, d.len(), &sigs), (1, 1 + w.len()));
        // So does a stray CR, though CR CR LF is one line end; a write in CR CR LF keeps its
        // first.
        let mut d = b"\r".to_vec();
        d.extend_from_slice(w);
        assert_eq!(trim(&d, 0, d.len(), &sigs), (1, 1 + w.len()));
        let r = String::from_utf8_lossy(w).replace("\r\n", "\r\r\n");
        assert_eq!(trim(r.as_bytes(), 0, r.len(), &sigs), (0, r.len()));
        // A CR right after the last LF is the binary data's, unless the text ends its lines
        // LF CR.
        let mut d = w.to_vec();
        d.push(b'\r');
        assert_eq!(trim(&d, 0, d.len(), &sigs), (0, w.len()));
        let lf = String::from_utf8_lossy(w).replace("\r\n", "\n");
        let d = format!("{lf}\r");
        assert_eq!(trim(d.as_bytes(), 0, d.len(), &sigs), (0, lf.len()));
        let r = String::from_utf8_lossy(w).replace("\r\n", "\n\r");
        assert_eq!(trim(r.as_bytes(), 0, r.len(), &sigs), (0, r.len()));
        // Cut short inside a word: kept.
        let cut = b"\r\n\r\nExporting messages in mailbox \"kwong\" to fi";
        assert_eq!(trim(cut, 0, cut.len(), &sigs), (0, cut.len()));
        assert!(!wordlike(b"Xq!7a#"));
        assert!(wordlike(b"EXPORT 8.50.00.14 Copyri"));
        // A line cut short after five letters or digits (not word-like: one token) is the
        // write's; three printable bytes of binary data after a whole write are not.
        let mut d = w.to_vec();
        d.extend_from_slice(b"MSG0001");
        assert_eq!(trim(&d, 0, d.len(), &sigs), (0, d.len()));
        let mut d = w.to_vec();
        d.extend_from_slice(b"k7q");
        assert_eq!(trim(&d, 0, d.len(), &sigs), (0, w.len()));
    }

    #[test]
    fn printable_bytes_glued_to_the_first_word_are_the_binary_datas() {
        let sigs = SignatureSet::builtin();
        let run = b"EXPORT 8.50.00.14 Copyright(c) 1991\r\n\r\nPost office directory: e:\\po\r\n";
        for (before, junk, skip) in [
            (&b"\x00"[..], &b"k"[..], 1),
            (b"\x00", b"-", 1),
            (b"\x00", b"7", 1),
            // Kept: two or three bytes, a capital, an opening quote or bracket, a blank, a
            // line end before, the start of the data.
            (b"\x00", b"%7", 0),
            (b"\x00", b"-->", 0),
            (b"\x00", b"K", 0),
            (b"\x00", b"(", 0),
            (b"\x00", b"\"", 0),
            (b"\x00", b" ", 0),
            (b"\r\n", b"k", 0),
            (b"", b"k", 0),
        ] {
            let d = [before, junk, &run[..]].concat();
            let s = before.len();
            assert_eq!(trim(&d, s, d.len(), &sigs).0, s + skip, "{junk:?}");
        }
        let glued = |d: &[u8]| glued_head(d, 1, d.len());
        // Not a word written as a first word (mixed case, one letter), or more than one byte.
        assert_eq!(glued(b"\x00kExPORT 1\r\n"), 0);
        assert_eq!(glued(b"\x00kE 1\r\n"), 0);
        assert_eq!(glued(b"\x00McDonald 1\r\n"), 0);
        assert_eq!(glued(b"\x00%McDonald 1\r\n"), 0);
        assert_eq!(glued(b"\x00(C)Copyright IBM Corp.\r\n"), 0);
        assert_eq!(glued(b"\x00386MAX Version 7.00\r\n"), 0);
        assert_eq!(glued(b"\x00cc:Mail Analyze 8.5\r\n"), 0);
        assert_eq!(glued(b"\x00kExporting messages\r\n"), 1);
    }

    #[test]
    fn a_program_banner_starts_the_block_of_its_output() {
        // Own wording: a banner over 80 columns that reads as a sentence, then the run.
        let banner = "MOVEPO 3.20.01 Copyright (c) 1992, 1998 by Example Software, Inc., a subsidiary of Example Holdings Corporation. All rights reserved.";
        let rest = "\r\n\r\nSource directory: d:\\mail\\podata\r\n\r\nThe post office is in use by another program.\r\n\r\nMOVEPO ended with error: 7.\r\n";
        let run = format!("\r\n{banner}{rest}");
        assert_eq!(read(run.as_bytes(), true), vec![(0, run.len())]);
        // The same banner wrapped by an 80-column screen.
        let wrapped = format!("\r\n{}\r\n{}{rest}", &banner[..80], &banner[80..]);
        assert_eq!(read(wrapped.as_bytes(), true), vec![(0, wrapped.len())]);
    }

    /// `d` in binary data is two blocks: prose, then console output from `n`.
    fn prose_then_console(d: &str, n: usize) {
        let want = vec![(0, n, TextClass::Prose), (n, d.len(), TextClass::Console)];
        assert_eq!(judged(d.as_bytes(), true), want);
    }

    /// Blocks with the class each reads as.
    fn judged(b: &[u8], trim: bool) -> Vec<(usize, usize, TextClass)> {
        let (sigs, model) = reader();
        let r = Reader {
            sigs: &sigs,
            model,
            trim,
            helper: true,
        };
        let mut out = Vec::new();
        r.read(b, 0, b.len(), &mut |_| {}, &mut |bl| {
            out.push((bl.start, bl.end, bl.class().0))
        });
        out
    }

    /// Console output at the head of a text file, then a message that opens with a lead-in
    /// (review 66: with `Hi all,` or `Dear Randy,` the file was one block that read as prose and
    /// the write was lost, 9 of 16 times with no finding; with `Jeff,` the write took the
    /// lead-in in). The lead-in opens the message: two blocks, split right before it. The
    /// console lines are real (corpus console/kb-q112098--01.txt, console/kb-q104870--01.txt);
    /// the message is in our own words.
    #[test]
    fn a_lead_in_goes_with_the_message_it_opens() {
        let body =
            "\r\nAs of Monday the post office will be moved to the new server. Please log out\r\n\
                    of the mail program before 6 pm on Friday so that we can check it over the\r\n\
                    weekend.\r\n\r\nThanks,\r\nJeff\r\n";
        for line in [
            include_str!("../../assets/corpus/console/kb-q112098--01.txt"),
            include_str!("../../assets/corpus/console/kb-q104870--01.txt"),
        ] {
            let write = format!("\r\n{}\r\n", line.trim());
            for lead in ["Hi all,", "Dear Randy,", "Jeff,"] {
                let file = format!("{write}\r\n{lead}\r\n{body}");
                let got = judged(file.as_bytes(), false);
                let want = vec![
                    (0, write.len(), TextClass::Console),
                    (write.len(), file.len(), TextClass::Prose),
                ];
                assert_eq!(got, want, "{lead}: {file:?}");
            }
        }
    }

    #[test]
    fn console_output_that_joined_the_text_before_it_is_a_block_of_its_own() {
        // A release note's sentence that ends with a colon (assets/corpus/prose/
        // ccie51-readme--04.txt) and an error line of a DOS program (console/
        // kb-q112098--01.txt), CR LF, in binary data: the error line reads as console output
        // on its own, but the sentence before it read as prose below the split probability, so
        // they were one block that read as prose, and the error line was lost.
        let text = include_str!("../../assets/corpus/prose/ccie51-readme--04.txt");
        let line = include_str!("../../assets/corpus/console/kb-q112098--01.txt");
        let crlf = |t: &str| t.trim_end().replace('\n', "\r\n") + "\r\n";
        let (text, line) = (crlf(text), crlf(line));
        let d = format!("{text}\r\n{line}");
        let n = text.len();
        prose_then_console(&d, n);
    }

    #[test]
    fn a_banner_after_other_text_opens_the_block_of_its_output() {
        // Own wording: a message's text, then a program's run that starts with its banner (a
        // long line that reads as a sentence); the banner joined the text before it, and the
        // run was found without it.
        let body = "Thanks for sending the figures over so quickly. I will look them over\r\ntonight and get back to you with any questions before the meeting.\r\n";
        let banner = "MOVEPO 3.20.01 Copyright (c) 1992, 1998 by Example Software, Inc., a subsidiary of Example Holdings Corporation. All rights reserved.";
        let run = format!("\r\n{banner}\r\n\r\nSource directory: d:\\mail\\podata\r\n\r\nThe post office is in use by another program.\r\n\r\nMOVEPO ended with error: 7.\r\n");
        let d = format!("{body}{run}");
        let n = body.len();
        prose_then_console(&d, n);
    }

    #[test]
    fn a_banner_of_the_text_itself_stays_with_it() {
        // From a hostile review (own wording). A document's closing copyright line is the
        // document's: no output follows it.
        let doc = "This disk contains the files you need to upgrade from version 2.0. Copy them\r\nover the old ones after you have made a backup of your data directory, and\r\nthen start the program as usual. Your settings will be kept.\r\n\r\nCopyright (c) 1995 Acme Software, Inc. All rights reserved.\r\n";
        let blocks = judged(doc.as_bytes(), true);
        assert!(
            blocks.iter().all(|b| b.2 != TextClass::Console),
            "{blocks:?}"
        );
        // A banner in another line-end style than the output after it is another writer's.
        let readme = "Thank you for choosing WIDGET. This file contains late-breaking information\nthat did not make it into the printed manual. Please read it before you\ninstall the program, and keep it with your other documentation.\n\nWIDGET 2.1 Copyright (c) 1994 Acme Software, Inc. All rights reserved.\n";
        let run = "\r\nReading source file(s)...\r\nE:\\CCMAIL\\CCDATA\\CLANDATA\r\nE:\\CCMAIL\\CCDATA\\MLANDATA\r\n2 File(s) copied\r\n";
        let d = format!("{readme}{run}");
        let blocks = judged(d.as_bytes(), true);
        assert!(
            blocks
                .iter()
                .all(|b| b.2 != TextClass::Console || b.0 >= readme.len()),
            "{blocks:?}"
        );
        // A quoted line of output in a mail, and the signature after it: a paragraph that does
        // not read as console output ends the run, which is then the mail's own text.
        let mail = "Tom, I copied the post office files to the spare drive before the\r\nupgrade, just in case something goes wrong. The copy finished and said\r\n\r\n        2 file(s) copied\r\n\r\n--\r\nTom Reyes\r\nx4410\r\n";
        let blocks = judged(mail.as_bytes(), true);
        assert!(
            blocks.iter().all(|b| b.2 != TextClass::Console),
            "{blocks:?}"
        );
    }

    #[test]
    fn a_closing_sentence_at_the_end_of_an_island_is_the_programs() {
        // FreeDOS DEBUG's help screen (assets/corpus/console/fdos-debug-doc--01.txt): its last
        // line reads as prose on its own.
        let help = "  Runs Debug, a program testing and editing tool.\r\n\r\n  DEBUG [[drive:][path]filename [testfile-parameters]]\r\n\r\n   [drive:][path]filename Specifies the file you want to test.\r\n   testfile-parameters    Specifies command-line information required\r\n                          by the file you want to test.\r\n";
        let last = "\r\n  After Debug starts, type ? to display a list of debugging commands.\r\n";
        let d = format!("{help}{last}");
        assert_eq!(read(d.as_bytes(), true), vec![(0, d.len())]);
        // More text after it: the sentence starts the text that follows, as before.
        let more = "\r\nThis section deals with the commands that DEBUG recognizes while in\r\ncommand mode. Command mode, indicated by the presence of the DEBUG\r\ncommand prompt (a hyphen), is the mode that DEBUG starts in.\r\n";
        let d = format!("{help}{last}{more}");
        assert_eq!(read(d.as_bytes(), true)[0], (0, help.len()));
        // In a text file the file's own text may end with it: not joined.
        let d = format!("{help}{last}");
        assert_eq!(read(d.as_bytes(), false)[0], (0, help.len()));
    }

    #[test]
    fn a_listings_short_heading_stays_with_it() {
        // A DIR listing (assets/corpus/console/kb-q134669--01.txt): `Directory of A:\`, three
        // words read as prose, split it in three while a paragraph of three words could.
        let d = " Volume in drive A is MAIL35___01\r\n\r\n Volume Serial Number is 3C2C-07CC\r\n\r\n Directory of A:\\\r\n\r\nADMIN    TXT        34,301  06-09-95 12:00a ADMIN.TXT\r\nALIAS    TP$            42  06-09-95 12:00a ALIAS.TP$\r\nANSIINT  GLB           795  06-09-95 12:00a ANSIINT.GLB\r\n";
        assert_eq!(Model::builtin().split_words, 5);
        assert_eq!(read(d.as_bytes(), true), vec![(0, d.len())]);
    }

    #[test]
    fn a_heading_read_as_noise_stays_with_the_listing_under_it() {
        // Own wording: a DIR listing of a mail disk under its volume line, LF, with a printable
        // byte of the binary data before it glued to the volume line: that line alone reads
        // as noise (known words and a stray letter), the listing as console output.
        let head = "r Volume in drive B is MAILDISK2\n\n Directory of B:\\\n\n";
        let rows = [
            "IMPORT   EX_        96,512  03-14-97  9:30a IMPORT.EX_",
            "EXPORT   EX_        88,107  03-14-97  9:30a EXPORT.EX_",
            "CCADMIN  EX_       204,455  03-14-97  9:30a CCADMIN.EX_",
            "NOTIFY   DL_        12,030  03-14-97  9:30a NOTIFY.DL_",
            "README   TXT        17,802  03-14-97  9:30a README.TXT",
            "        5 file(s)        418,906 bytes",
        ];
        let run = format!("{head}{}\n", rows.join("\n"));
        assert_eq!(read(run.as_bytes(), true), vec![(0, run.len())]);
        // Letters without a known word before a write are still a block of their own (a write
        // that reads as console output at the model's split probability or more: the listing
        // under its directory line).
        let junk = "Xqvz zvbt kwpl Qrsj\n\n";
        let run = format!("{junk} Directory of B:\\\n{}\n", rows.join("\n"));
        // (The blank line after it opens the next block.)
        let n = junk.len() - 1;
        assert_eq!(read(run.as_bytes(), true), vec![(0, n), (n, run.len())]);
    }

    #[test]
    fn a_line_end_behind_beeps_frames_a_block() {
        assert!(bell_line_end(b"ab\x07\x07\r\n", 0, 2));
        assert!(bell_line_end(b"\n\x07ab", 2, 4));
        // At the edges of the data, without a BEL, or with another byte between: no.
        assert!(!bell_line_end(b"ab", 0, 2));
        assert!(!bell_line_end(b"ab\x07", 0, 2));
        assert!(!bell_line_end(b"\x07ab", 1, 3));
        assert!(!bell_line_end(b"ab\r\n", 0, 2));
        assert!(!bell_line_end(b"ab\x07\x00\r\n", 0, 2));
        assert!(!bell_line_end(b"\r\x00\x07ab", 3, 5));
    }

    #[test]
    fn a_writers_line_end_style_is_read_from_its_text_lines() {
        // Own wording: a run printed with LF, then a field list with CR LF right under it
        // (which would stay with console output beside it: tools print those too): another
        // writer.
        let run = "EXPORT 9.1 Copyright (c) 1999 by Someone, Inc. All rights reserved.\n\nPost office directory: e:\\po\n\nDone.\n";
        let fields = "From: Randy Yeh\r\nTo: Kim Wong\r\nDate: 14 Mar 1997\r\n";
        let d = format!("{run}{fields}");
        assert_eq!(
            read(d.as_bytes(), false),
            vec![(0, run.len()), (run.len(), d.len())]
        );
        // One writer's own ways stay one block: LF CR (`db 10,13`), `\r\r\n` (a text-mode
        // `printf("\r\n")`), CR LF text with LF blank lines, a banner printed with CR LF and
        // the rest with LF (blank lines between).
        for run in [
            "NETX V3.32 Copyright 1993 Novell, Inc.\n\rAttached to server MAIL1\n\r\n\rError 4\n\r",
            "EXPORT 9.1 Copyright (c) 1999 by Someone, Inc.\r\r\n\r\r\nPost office directory: e:\\po\r\r\n\r\r\nError 4\r\r\n",
            "EXPORT 9.1 Copyright (c) 1999 by Someone, Inc.\r\r\n\r\nPost office directory: e:\\po\r\n\r\nDone.\r\n",
            "EXPORT 9.1 Copyright (c) 1999 by Someone, Inc.\r\n\nPost office directory: e:\\po\r\n\nError 4\r\n",
            "EXPORT 9.1 Copyright (c) 1999 by Someone, Inc.\r\n\r\nError 4\n",
            "EXPORT 9.1 Copyright (c) 1999 by Someone, Inc.\r\n\nDone.\n",
        ] {
            assert_eq!(read(run.as_bytes(), false), vec![(0, run.len())], "{run:?}");
        }
    }

    #[test]
    fn a_block_holds_its_blank_lines() {
        let run = b"\r\nEXPORT 9.1 Copyright (c) 1999 by Someone, Inc. All rights reserved.\r\n\r\nPost office directory: e:\\po\r\n\r\nDone.\r\n";
        assert_eq!(read(run, true), vec![(0, run.len())]);
    }
}

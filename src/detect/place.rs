//! Where a block of text was found, and what it means there. The text model says how likely a
//! block is console output; whether console output is a *misdirected write* depends on where it
//! sits: in a post office store no text belongs (KB Q179072), while the connector's own
//! redirect file is made of console output. A finding's confidence is the model's probability
//! times the factor of its place ([`Place::factor`]); the README's detection section explains
//! each factor.

use super::blocks::Block;
use super::features::NAMES;
use super::model::{best, Model, Probs, TextClass, EXPLAIN};
use super::signatures::Hit;
use super::{console::names_in, round2, FileKind, Finding, FindingKind, Reason, SUSPECTED};

/// Bytes of a write that its mailbox and file names are taken from: its start (a console
/// write is a few lines; a block of megabytes judged one is not read whole for its names).
const NAMES_SPAN: usize = 64 * 1024;

/// The text names are taken from: `data[s..e]`, at most [`NAMES_SPAN`] bytes of it.
fn names_text(data: &[u8], s: usize, e: usize) -> std::borrow::Cow<'_, str> {
    super::signatures::line_text(&data[s..e.min(s.saturating_add(NAMES_SPAN))])
}

/// Blocks below this console probability are plain text, not (weak) console writes.
pub const CONSOLE_KIND: f32 = 0.25;

/// Where a block was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Binary data of a post office store.
    Store,
    /// Binary data of a connector file (.CCM, .TMP, .UND, .BAK) that is not text.
    ConnectorBinary,
    /// Binary data of a file of another kind.
    OtherBinary,
    /// Inside a .CCM message header, or right before one.
    CcmHeader,
    /// Inside a .CCM message body, away from the next header.
    CcmBody,
    /// At the head of a text file, before its own text.
    TextHead { connector: bool },
    /// Between the lines of a text file.
    TextInside { connector: bool },
    /// The whole text file is console output.
    TextWhole(FileKind, bool),
}

impl Place {
    /// The place for binary data of a file of this kind.
    pub fn binary(kind: FileKind) -> Place {
        match kind {
            k if k.is_store() => Place::Store,
            FileKind::ConnectorMessage | FileKind::ConnectorIni => Place::ConnectorBinary,
            _ => Place::OtherBinary,
        }
    }

    /// How likely console output here is a misdirected write.
    pub fn factor(self) -> f32 {
        match self {
            Place::Store | Place::CcmHeader => 1.0,
            Place::ConnectorBinary => 0.9,
            Place::OtherBinary => 0.7,
            Place::CcmBody => 0.5,
            Place::TextHead { connector: true } => 0.95,
            Place::TextHead { connector: false } => 0.8,
            Place::TextInside { connector: true } => 0.8,
            Place::TextInside { connector: false } => 0.45,
            Place::TextWhole(FileKind::ConnectorIni, _) => 0.9,
            Place::TextWhole(FileKind::ConnectorMessage, false) => 0.6,
            Place::TextWhole(FileKind::NftErrorLog, _) => 0.2,
            Place::TextWhole(..) => 0.3,
        }
    }

    /// The confidence of other readable text here (never a suspected write).
    pub fn plain(self) -> f32 {
        match self {
            Place::Store => 0.45,
            Place::ConnectorBinary => 0.3,
            _ => 0.25,
        }
    }

    /// The place in words.
    pub fn why(self) -> &'static str {
        match self {
            Place::Store => "in a post office store, where no plain text belongs (KB Q179072)",
            Place::ConnectorBinary => "in binary data of a connector file",
            Place::OtherBinary => {
                "in binary data of a file of another kind (programs carry their own messages)"
            }
            Place::CcmHeader => "in the header area of a .CCM message",
            Place::CcmBody => "inside a .CCM message body (a message may quote console output)",
            Place::TextHead { .. } => "at the head of a text file, before its own text",
            Place::TextInside { .. } => "between the lines of a text file",
            Place::TextWhole(FileKind::ConnectorMessage, true) => {
                "the whole file is console output: the connector's redirect file (.TMP)"
            }
            Place::TextWhole(FileKind::NftErrorLog, _) => "the whole file is the tools' log",
            Place::TextWhole(FileKind::ConnectorIni, _) => {
                "the whole file is console output, where settings belong"
            }
            Place::TextWhole(FileKind::ConnectorMessage, false) => {
                "the whole file is console output, where a message belongs"
            }
            Place::TextWhole(..) => {
                "the whole file is console output: a transcript or log, where it belongs"
            }
        }
    }
}

/// Words the corpus knows (of four letters or more) that make a block read as noise text, not
/// bytes of binary data ([`Candidate::of`]).
const NOISE_WORDS: u32 = 2;

/// The console-write finding of a block (whatever its probability), not yet numbered.
pub fn console_finding(data: &[u8], b: &Block, place: Place, model: &Model) -> Finding {
    let p = b.console();
    let mut f = Finding::new(
        FindingKind::ConsoleWrite,
        b.start as u64,
        b.end as u64,
        p * place.factor(),
    );
    if let Some(h) = &b.hit {
        f.reasons.push(Reason::Signature { partial: h.partial });
        f.signature = Some(h.name.as_str().into());
    }
    f.reasons.push(Reason::Class(TextClass::Console, p));
    let (class, pc) = b.class();
    if class != TextClass::Console {
        f.reasons.push(Reason::Class(class, pc));
    }
    for (name, c) in model.explain(&b.features(), &b.probs, 3) {
        f.reasons.push(Reason::Feature(name, c));
    }
    if b.cut_short {
        f.reasons.push(Reason::Fact("cut short by binary data"));
    }
    f.reasons.push(Reason::Place(place.why(), place.factor()));
    let hit = b.hit.as_ref();
    f.set_names(
        names_in(&names_text(data, b.start, b.end)),
        hit.and_then(|h| h.mailbox.as_deref()),
        hit.and_then(|h| h.file.as_deref()),
    );
    f.reasons.shrink_to_fit();
    f
}

/// A finding of binary data as a worker hands it over: what the engine needs to number it,
/// group it under a damaged header and cap the findings kept. The rest of the finding (its
/// reasons, names) is made only if it is kept ([`Candidate::finish`]).
#[derive(Clone, Debug)]
pub struct Candidate {
    pub start: u64,
    pub end: u64,
    pub kind: FindingKind,
    /// Rounded as the finding's will be.
    pub confidence: f32,
    probs: Probs,
    place: Place,
    hit: Option<Box<Hit>>,
    cut_short: bool,
    why: [Option<(usize, f32)>; EXPLAIN],
}

impl Candidate {
    /// A block's candidate: a console write, plain text, or nothing (noise). A `lean` one
    /// (only to be counted) gets no explanation.
    pub fn of(b: &Block, place: Place, model: &Model, lean: bool) -> Option<Candidate> {
        if b.end - b.start < super::console::MIN_RUN {
            return None;
        }
        let (kind, conf) = if b.console() >= CONSOLE_KIND {
            (FindingKind::ConsoleWrite, b.console() * place.factor())
        } else {
            // A known text is never dropped, even where the rest reads as noise (a banner cut
            // short inside its line). Nor is text with two words or more that the corpus knows
            // that the model reads as noise (review 66: `Importing messages from file
            // C:\EXCHSRVR\...` with its long paths gave no finding at all): it is weak plain
            // text. One such word is not enough: printable bytes of binary data hold one now
            // and then (`W2C5M/bASE`, review 68).
            let noise = b.class().0 == TextClass::Noise;
            let words = if noise { NOISE_WORDS } else { 1 };
            if b.acc.known_words() < words && b.hit.is_none() {
                return None;
            }
            let text = 1.0 - b.probs[TextClass::Noise.index()];
            (FindingKind::PlainText, place.plain() * text)
        };
        let why = if kind == FindingKind::ConsoleWrite && !lean {
            model.decisive(&b.features(), &b.probs)
        } else {
            [None; EXPLAIN]
        };
        Some(Candidate {
            start: b.start as u64,
            end: b.end as u64,
            kind,
            confidence: round2(conf),
            probs: b.probs,
            place,
            hit: if lean {
                None
            } else {
                b.hit.clone().map(Box::new)
            },
            cut_short: b.cut_short,
            why,
        })
    }

    pub fn suspected(&self) -> bool {
        self.confidence >= SUSPECTED
    }

    /// Moves the start (a write's own first line end found before it).
    pub fn set_start(&mut self, start: u64) {
        self.start = start;
    }

    /// Extends a plain-text candidate over the next one.
    pub fn absorb(&mut self, next: &Candidate) {
        self.end = next.end;
        self.confidence = self.confidence.max(next.confidence);
    }

    /// The finding, with its reasons and names (`data`: the file's bytes).
    pub fn finish(self, data: &[u8]) -> Finding {
        let mut f = Finding::new(self.kind, self.start, self.end, self.confidence);
        let (class, pc) = best(&self.probs);
        let p = self.probs[TextClass::Console.index()];
        if self.kind == FindingKind::PlainText {
            if let Some(h) = &self.hit {
                f.reasons.push(Reason::Signature { partial: h.partial });
                f.signature = Some(h.name.as_str().into());
            }
            f.reasons.push(Reason::Class(class, pc));
            f.reasons
                .push(Reason::Place(self.place.why(), self.place.plain()));
            return f;
        }
        let (s, e) = (self.start as usize, self.end as usize);
        if let Some(h) = &self.hit {
            f.reasons.push(Reason::Signature { partial: h.partial });
            f.signature = Some(h.name.as_str().into());
        }
        f.reasons.push(Reason::Class(TextClass::Console, p));
        if class != TextClass::Console {
            f.reasons.push(Reason::Class(class, pc));
        }
        for (i, c) in self.why.into_iter().flatten() {
            f.reasons.push(Reason::Feature(NAMES[i].0, c));
        }
        if self.cut_short {
            f.reasons.push(Reason::Fact("cut short by binary data"));
        }
        f.reasons
            .push(Reason::Place(self.place.why(), self.place.factor()));
        let hit = self.hit.as_ref();
        f.set_names(
            names_in(&names_text(data, s, e)),
            hit.and_then(|h| h.mailbox.as_deref()),
            hit.and_then(|h| h.file.as_deref()),
        );
        f.reasons.shrink_to_fit();
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_from_the_start_of_a_write_only() {
        let mut data =
            b"Exporting messages in mailbox \"kwong\" to file EXPORT\\MSG4A28.CCM\r\n".to_vec();
        data.resize(NAMES_SPAN * 3, b'a');
        let t = names_text(&data, 0, data.len());
        assert_eq!(t.len(), NAMES_SPAN);
        let n = names_in(&t);
        assert_eq!(
            (n.mailboxes, n.files),
            (vec!["kwong".into()], vec!["EXPORT\\MSG4A28.CCM".into()])
        );
        // A write shorter than the span is read whole; one near the end of the data too.
        assert_eq!(names_text(&data, 10, 20).len(), 10);
        assert_eq!(names_text(&data, data.len() - 5, data.len()).len(), 5);
    }
}

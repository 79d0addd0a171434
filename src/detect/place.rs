//! Where a block of text was found, and what it means there. The text model says how likely a
//! block is console output; whether console output is a *misdirected write* depends on where it
//! sits: in a post office store no text belongs (KB Q179072), while the connector's own
//! redirect file is made of console output. A finding's confidence is the model's probability
//! times the factor of its place ([`Place::factor`]); the README's detection section explains
//! each factor.

use super::blocks::Block;
use super::model::{Model, TextClass};
use super::{console::names_in, Finding, FindingKind, Reason, FileKind};

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
    let (mut mailbox, mut file) = names_in(&String::from_utf8_lossy(&data[b.start..b.end]));
    if let Some(h) = &b.hit {
        mailbox = h.mailbox.as_deref().map(Into::into).or(mailbox);
        file = h.file.as_deref().map(Into::into).or(file);
    }
    f.mailbox = mailbox;
    f.file = file;
    f.reasons.shrink_to_fit();
    f
}

/// The plain-text finding of a block that is not console output, or `None` for noise.
pub fn plain_finding(b: &Block, place: Place) -> Option<Finding> {
    let (class, p) = b.class();
    if class == TextClass::Noise || b.end - b.start < super::console::MIN_RUN {
        return None;
    }
    let text = 1.0 - b.probs[TextClass::Noise.index()];
    let mut f = Finding::new(
        FindingKind::PlainText,
        b.start as u64,
        b.end as u64,
        place.plain() * text,
    );
    f.reasons = vec![Reason::Class(class, p), Reason::Place(place.why(), place.plain())];
    Some(f)
}

/// A block's finding in binary data: a console write, plain text, or nothing (noise).
pub fn binary_finding(data: &[u8], b: &Block, place: Place, model: &Model) -> Option<Finding> {
    if b.console() >= CONSOLE_KIND {
        Some(console_finding(data, b, place, model))
    } else {
        plain_finding(b, place)
    }
}

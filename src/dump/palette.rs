//! The one palette: byte classes (as hexyl draws them) and their colours, and the colours of the
//! overlays that mark findings, headers, selections and differences. The terminal dump uses the
//! ANSI codes, the inspector and the HTML export use the same colours by RGB, so a byte looks the
//! same everywhere.

/// Byte classes for colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteClass {
    Null,
    Printable,
    Whitespace,
    Control,
    HighBit,
}

/// An RGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, for CSS.
    pub fn css(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

impl ByteClass {
    pub const ALL: [ByteClass; 5] = [
        ByteClass::Null,
        ByteClass::Printable,
        ByteClass::Whitespace,
        ByteClass::Control,
        ByteClass::HighBit,
    ];

    #[inline]
    pub fn of(b: u8) -> ByteClass {
        CLASS[b as usize]
    }

    /// ANSI SGR foreground code (16-colour, so every terminal shows it).
    pub fn ansi(self) -> &'static str {
        match self {
            ByteClass::Null => "90",
            ByteClass::Printable => "36",
            ByteClass::Whitespace => "32",
            ByteClass::Control => "35",
            ByteClass::HighBit => "33",
        }
    }

    /// The same colour as RGB (the xterm values of the ANSI colours above).
    pub fn rgb(self) -> Rgb {
        match self {
            ByteClass::Null => Rgb(0x80, 0x80, 0x80),
            ByteClass::Printable => Rgb(0x00, 0xcd, 0xcd),
            ByteClass::Whitespace => Rgb(0x00, 0xcd, 0x00),
            ByteClass::Control => Rgb(0xcd, 0x00, 0xcd),
            ByteClass::HighBit => Rgb(0xcd, 0xcd, 0x00),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ByteClass::Null => "NUL",
            ByteClass::Printable => "printable",
            ByteClass::Whitespace => "whitespace",
            ByteClass::Control => "control",
            ByteClass::HighBit => "high bit",
        }
    }

    /// A short CSS class name.
    pub fn css(self) -> &'static str {
        match self {
            ByteClass::Null => "n",
            ByteClass::Printable => "p",
            ByteClass::Whitespace => "w",
            ByteClass::Control => "c",
            ByteClass::HighBit => "h",
        }
    }
}

const fn class_of(b: u8) -> ByteClass {
    match b {
        0 => ByteClass::Null,
        0x21..=0x7E => ByteClass::Printable,
        b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => ByteClass::Whitespace,
        0x01..=0x1F | 0x7F => ByteClass::Control,
        _ => ByteClass::HighBit,
    }
}

const fn build_class() -> [ByteClass; 256] {
    let mut t = [ByteClass::Null; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = class_of(i as u8);
        i += 1;
    }
    t
}

/// Each byte's class.
pub static CLASS: [ByteClass; 256] = build_class();

/// What an overlay marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Overlay {
    /// A suspected console write.
    Write,
    /// A damaged header (the bytes around its writes).
    Header,
    /// A .CCM message header that is not damaged.
    CcmHeader,
    /// A weaker finding.
    Weak,
    /// A range the examiner asked for.
    Range,
    /// Bytes that differ from the compared file.
    Diff,
    /// A search match.
    Match,
    /// The selection.
    Select,
}

impl Overlay {
    pub const ALL: [Overlay; 8] = [
        Overlay::Write,
        Overlay::Header,
        Overlay::CcmHeader,
        Overlay::Weak,
        Overlay::Range,
        Overlay::Diff,
        Overlay::Match,
        Overlay::Select,
    ];

    /// Background colour; the text on it is white.
    pub fn bg(self) -> Rgb {
        match self {
            Overlay::Write => Rgb(160, 20, 20),
            Overlay::Header => Rgb(120, 80, 0),
            Overlay::CcmHeader => Rgb(60, 70, 40),
            Overlay::Weak => Rgb(40, 40, 110),
            Overlay::Range => Rgb(20, 60, 100),
            Overlay::Diff => Rgb(130, 0, 130),
            Overlay::Match => Rgb(0, 110, 90),
            Overlay::Select => Rgb(0, 0, 200),
        }
    }

    pub fn fg(self) -> Rgb {
        Rgb(255, 255, 255)
    }

    pub fn name(self) -> &'static str {
        match self {
            Overlay::Write => "console write",
            Overlay::Header => "damaged header",
            Overlay::CcmHeader => ".CCM header",
            Overlay::Weak => "weaker finding",
            Overlay::Range => "range",
            Overlay::Diff => "differs from backup",
            Overlay::Match => "search match",
            Overlay::Select => "selection",
        }
    }

    /// A short CSS class name.
    pub fn css(self) -> &'static str {
        match self {
            Overlay::Write => "ov-cw",
            Overlay::Header => "ov-dh",
            Overlay::CcmHeader => "ov-ccm",
            Overlay::Weak => "ov-weak",
            Overlay::Range => "ov-range",
            Overlay::Diff => "ov-diff",
            Overlay::Match => "ov-match",
            Overlay::Select => "ov-sel",
        }
    }
}

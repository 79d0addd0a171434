//! What a key or the mouse can ask for ([`Command`]) and the modes that decide how keys read
//! ([`Mode`]). keys.rs makes commands from terminal events; `App::update` carries them out.

use super::prompt::{Edit, Prompt};

/// Everything a key or the mouse can ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    HalfUp,
    HalfDown,
    Home,
    End,
    NextHeader,
    PrevHeader,
    NextFinding,
    PrevFinding,
    /// Next / previous message header of a .CCM file, damaged or not.
    NextMessage,
    PrevMessage,
    /// Next / previous range that differs from the compared file.
    NextDiff,
    PrevDiff,
    Goto,
    SetOrigin,
    SearchText,
    SearchHex,
    SearchRegex,
    SearchNext,
    SearchPrev,
    Mark,
    JumpMark,
    ToggleSelect,
    Annotate,
    Export,
    /// `y`: copy the selection or finding (a letter picks the format).
    Copy,
    ToggleWeak,
    /// The findings list.
    ToggleList,
    /// The list of search matches.
    MatchList,
    /// The list of notes.
    NotesList,
    /// The value inspector pane.
    ToggleValues,
    /// Jump to where the far pointer at the cursor points.
    FollowPointer,
    /// Byte-class glyphs in the ASCII column on / off.
    ToggleGlyphs,
    /// CP437 characters in the ASCII column on / off.
    ToggleCp437,
    /// Scroll the details pane (J / K).
    ScrollDetails(i16),
    Help,
    Quit,
    /// Ctrl-Z: give the terminal back and stop, as a shell's job (going on with `fg`).
    Suspend,
    /// Esc: close what is open, clear the search highlight and the selection. Never quits.
    Escape,
    /// A character after `m`, `'`, `y`, or in a list.
    Char(char),
    /// An edit in the open prompt.
    Edit(Edit),
    /// Text pasted at once (the terminal's bracketed paste): taken as text by a prompt, line
    /// breaks and all, never as keys.
    Paste(String),
    Enter,
    /// Delete (in a list: delete the item).
    Delete,
    Click {
        col: u16,
        row: u16,
    },
    /// The mouse wheel at (`col`, `row`): `lines` down (negative: up).
    Wheel {
        col: u16,
        row: u16,
        lines: i64,
    },
    Resize {
        width: u16,
        height: u16,
    },
}

/// The lists that can be open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    Findings,
    Matches,
    Notes,
}

impl ListKind {
    /// The list's name, for its pane title.
    pub fn title(self) -> &'static str {
        match self {
            ListKind::Findings => "findings",
            ListKind::Matches => "matches",
            ListKind::Notes => "notes",
        }
    }
}

/// How keys are read now.
#[derive(Clone, Debug)]
pub enum Mode {
    Normal,
    Prompt(Prompt),
    /// The help overlay, scrolled by this many lines.
    Help(u16),
    /// A list has the keys; the index is the selected row.
    List(ListKind, usize),
    /// `m` was pressed: the next letter names a bookmark.
    SetMark,
    /// `'` was pressed: the next letter jumps to a bookmark (`'` again: the last jump).
    JumpMark,
    /// `y` was pressed: the next letter picks the copy format.
    CopyAs,
}

impl PartialEq for Mode {
    fn eq(&self, other: &Mode) -> bool {
        match (self, other) {
            (Mode::Prompt(a), Mode::Prompt(b)) => a.kind == b.kind && a.text() == b.text(),
            (Mode::Help(a), Mode::Help(b)) => a == b,
            (Mode::List(a, i), Mode::List(b, j)) => a == b && i == j,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

//! Turns terminal events into [`Command`]s. Which keys mean what depends only on the mode:
//! prompts take characters, the normal view takes the single-key commands listed in help.

use super::state::{Command, Mode};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

pub fn command(mode: &Mode, ev: &Event) -> Option<Command> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => key(mode, k),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollUp => Some(Command::Scroll(-3)),
            MouseEventKind::ScrollDown => Some(Command::Scroll(3)),
            MouseEventKind::Down(MouseButton::Left) => Some(Command::Click {
                col: m.column,
                row: m.row,
            }),
            _ => None,
        },
        Event::Resize(w, h) => Some(Command::Resize {
            width: *w,
            height: *h,
        }),
        _ => None,
    }
}

fn key(mode: &Mode, k: &KeyEvent) -> Option<Command> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && k.code == KeyCode::Char('c') {
        return Some(Command::Quit);
    }
    if matches!(mode, Mode::Prompt(..) | Mode::SetMark | Mode::JumpMark) {
        return match k.code {
            KeyCode::Esc => Some(Command::Escape),
            KeyCode::Enter => Some(Command::Enter),
            KeyCode::Backspace => Some(Command::Backspace),
            KeyCode::Char(c) if !ctrl => Some(Command::Char(c)),
            _ => None,
        };
    }
    Some(match k.code {
        KeyCode::Up => Command::Up,
        KeyCode::Down => Command::Down,
        KeyCode::Left => Command::Left,
        KeyCode::Right => Command::Right,
        KeyCode::PageUp => Command::PageUp,
        KeyCode::PageDown => Command::PageDown,
        KeyCode::Home => Command::Home,
        KeyCode::End => Command::End,
        KeyCode::Enter => Command::Enter,
        KeyCode::Esc => Command::Escape,
        KeyCode::F(3) if k.modifiers.contains(KeyModifiers::SHIFT) => Command::SearchPrev,
        KeyCode::F(3) => Command::SearchNext,
        KeyCode::Char(c) if ctrl => match c {
            'u' => Command::HalfUp,
            'd' => Command::HalfDown,
            'b' => Command::PageUp,
            'f' => Command::PageDown,
            _ => return None,
        },
        KeyCode::Char(c) => match c {
            'k' => Command::Up,
            'j' => Command::Down,
            'h' => Command::Left,
            'l' => Command::Right,
            'g' => Command::Home,
            'G' => Command::End,
            'n' => Command::NextHeader,
            'N' => Command::PrevHeader,
            ']' => Command::NextFinding,
            '[' => Command::PrevFinding,
            '}' => Command::NextMessage,
            '{' => Command::PrevMessage,
            ':' => Command::Goto,
            'o' => Command::SetOrigin,
            '/' => Command::SearchText,
            '\\' => Command::SearchHex,
            '.' => Command::SearchNext,
            ',' => Command::SearchPrev,
            'm' => Command::Mark,
            '\'' => Command::JumpMark,
            'v' => Command::ToggleSelect,
            'a' => Command::Annotate,
            'e' => Command::Export,
            't' => Command::ToggleWeak,
            'f' => Command::ToggleList,
            '?' => Command::Help,
            'q' => Command::Quit,
            _ => return None,
        },
        _ => return None,
    })
}

/// The help text: the keys, as the `?` overlay and the README list them.
pub const HELP: &[(&str, &str)] = &[
    ("arrows hjkl", "move by a byte / a line"),
    ("PgUp PgDn ^b ^f", "move by a page"),
    ("^u ^d", "move by half a page"),
    ("Home End g G", "start / end of the file"),
    ("mouse", "wheel scrolls, click places the cursor"),
    ("n N", "next / previous damaged header (wraps)"),
    ("] [", "next / previous finding of any kind"),
    ("} {", "next / previous .CCM message header"),
    (":", "go to an address (SEG:OFF, 0x.., ..h, decimal, %)"),
    ("o", "set the origin (0AFA:0100 = DEBUG FILE)"),
    ("/ \\", "search text / hex bytes"),
    (". , F3", "repeat the search forward / back"),
    ("m x  ' x", "set bookmark x / jump to bookmark x"),
    ("v", "start / stop a selection"),
    ("a", "add a note to the finding or selection"),
    ("e", "export selection, finding or all (text)"),
    ("t", "show / hide weaker findings"),
    ("f", "findings list (Enter jumps)"),
    ("?", "this help"),
    ("q Esc", "quit (Esc first clears a selection)"),
];

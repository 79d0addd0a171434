//! Turns terminal events into [`Command`]s. Which keys mean what depends only on the mode:
//! prompts take edits, lists take movement, `m`/`'`/`y` take one letter, the normal view takes
//! the single-key commands listed in [`HELP`] (the `?` overlay and the README show the same).

use super::command::{Command, Mode};
use super::prompt::Edit;
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

/// The command an event asks for in `mode`, if any.
pub fn command(mode: &Mode, ev: &Event) -> Option<Command> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => key(mode, k),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollUp => Some(Command::Wheel {
                col: m.column,
                row: m.row,
                lines: -3,
            }),
            MouseEventKind::ScrollDown => Some(Command::Wheel {
                col: m.column,
                row: m.row,
                lines: 3,
            }),
            MouseEventKind::Down(MouseButton::Left) => Some(Command::Click {
                col: m.column,
                row: m.row,
            }),
            _ => None,
        },
        Event::Paste(text) => Some(Command::Paste(text.clone())),
        Event::Resize(w, h) => Some(Command::Resize {
            width: *w,
            height: *h,
        }),
        _ => None,
    }
}

fn key(mode: &Mode, k: &KeyEvent) -> Option<Command> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match (ctrl, k.code, mode) {
        // In a prompt Ctrl-C gives up what is typed, as a shell does, and after a key that
        // waits for another (m, ', y) it gives up the wait; elsewhere it quits.
        (
            true,
            KeyCode::Char('c'),
            Mode::Prompt(_) | Mode::SetMark | Mode::JumpMark | Mode::CopyAs,
        ) => return Some(Command::Escape),
        (true, KeyCode::Char('c'), _) => return Some(Command::Quit),
        (true, KeyCode::Char('z'), _) => return Some(Command::Suspend),
        _ => {}
    }
    match mode {
        Mode::Prompt(_) => prompt_key(k),
        Mode::SetMark | Mode::JumpMark | Mode::CopyAs => match k.code {
            KeyCode::Esc => Some(Command::Escape),
            KeyCode::Char(c) if !ctrl => Some(Command::Char(c)),
            _ => Some(Command::Escape),
        },
        Mode::List(..) => match k.code {
            KeyCode::Delete => Some(Command::Delete),
            KeyCode::Char('d') => Some(Command::Delete),
            KeyCode::Char('e') => Some(Command::Char('e')),
            KeyCode::Char('u') => Some(Command::Char('u')),
            _ => normal_key(k),
        },
        _ => normal_key(k),
    }
}

fn prompt_key(k: &KeyEvent) -> Option<Command> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    let e = match k.code {
        KeyCode::Esc => return Some(Command::Escape),
        KeyCode::Enter => return Some(Command::Enter),
        KeyCode::Backspace if ctrl || alt => Edit::KillWord,
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Left if ctrl => Edit::WordLeft,
        KeyCode::Right if ctrl => Edit::WordRight,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        KeyCode::Up => Edit::Older,
        KeyCode::Down => Edit::Newer,
        KeyCode::Char(c) if ctrl => match c {
            'a' => Edit::Home,
            'e' => Edit::End,
            'u' => Edit::KillStart,
            'k' => Edit::KillEnd,
            'w' => Edit::KillWord,
            'b' => Edit::Left,
            'f' => Edit::Right,
            'p' => Edit::Older,
            'n' => Edit::Newer,
            'h' => Edit::Backspace,
            _ => return None,
        },
        KeyCode::Char('b') if alt => Edit::WordLeft,
        KeyCode::Char('f') if alt => Edit::WordRight,
        KeyCode::Char(c) => Edit::Char(c),
        _ => return None,
    };
    Some(Command::Edit(e))
}

fn normal_key(k: &KeyEvent) -> Option<Command> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let shift = k.modifiers.contains(KeyModifiers::SHIFT);
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
        KeyCode::Delete => Command::Delete,
        // Shift-F3 arrives as F3 with SHIFT (the kitty keyboard protocol, see terminal.rs), or
        // as F13 (rxvt) or F15 (old xterm) on terminals that number shifted keys on.
        KeyCode::F(3) if shift => Command::SearchPrev,
        KeyCode::F(13) | KeyCode::F(15) => Command::SearchPrev,
        KeyCode::F(3) => Command::SearchNext,
        KeyCode::F(1) => Command::Help,
        KeyCode::Char(c) if ctrl => match c {
            'u' => Command::HalfUp,
            'd' => Command::HalfDown,
            'b' => Command::PageUp,
            'f' => Command::PageDown,
            _ => return None,
        },
        KeyCode::Char(c) => char_command(c)?,
        _ => return None,
    })
}

fn char_command(c: char) -> Option<Command> {
    Some(match c {
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
        ')' => Command::NextDiff,
        '(' => Command::PrevDiff,
        ':' => Command::Goto,
        'o' => Command::SetOrigin,
        '/' => Command::SearchText,
        '\\' => Command::SearchHex,
        'r' => Command::SearchRegex,
        '.' => Command::SearchNext,
        ',' => Command::SearchPrev,
        'm' => Command::Mark,
        '\'' => Command::JumpMark,
        'v' => Command::ToggleSelect,
        'a' => Command::Annotate,
        'e' => Command::Export,
        'y' => Command::Copy,
        't' => Command::ToggleWeak,
        'f' => Command::ToggleList,
        'M' => Command::MatchList,
        'L' => Command::NotesList,
        'i' => Command::ToggleValues,
        'p' => Command::FollowPointer,
        'b' => Command::ToggleGlyphs,
        'c' => Command::ToggleCp437,
        'J' => Command::ScrollDetails(3),
        'K' => Command::ScrollDetails(-3),
        '?' => Command::Help,
        'q' => Command::Quit,
        _ => return None,
    })
}

/// The help text: the keys, as the `?` overlay and the README list them.
pub const HELP: &[(&str, &str)] = &[
    ("arrows hjkl", "move by a byte / a line"),
    ("PgUp PgDn ^b ^f", "move by a page"),
    ("^u ^d", "move by half a page"),
    ("Home End g G", "start / end of the file"),
    (
        "mouse",
        "wheel scrolls the pane under it; click: byte, list row, map",
    ),
    ("n N", "next / previous damaged header (wraps)"),
    ("] [", "next / previous finding, every one in order"),
    ("} {", "next / previous .CCM message header"),
    (") (", "next / previous difference from the compared file"),
    (
        ":",
        "go to: SEG:OFF 0x3E00 3E00h #3E00 decimal +10h -16 50%",
    ),
    ("o", "set the origin (0AFA:0100 = DEBUG FILE); remembered"),
    ("/", "search text (any case unless you type upper case)"),
    ("\\", "search hex bytes, ?? for any byte (0D 0A ?? 45)"),
    ("r", "search a regular expression on bytes"),
    (". , F3 S-F3", "next / previous match (all are highlighted)"),
    ("M", "list of matches (Enter jumps)"),
    ("m x  ' x", "set bookmark x / jump to bookmark x"),
    ("''", "back to where the last jump left"),
    ("v", "start a selection; v again keeps it; Esc clears"),
    ("a", "add a note to the selection, finding or byte"),
    (
        "L",
        "list of notes (Enter jumps, e edits, d deletes, u undoes)",
    ),
    ("e", "export selection, finding or all (text, case folder)"),
    (
        "y",
        "copy selection or finding: h hex, d DEBUG, c C array, r raw",
    ),
    ("i", "value inspector: integers, DOS date/time, far pointer"),
    ("p", "follow the far pointer at the cursor"),
    ("b c", "byte-class glyphs / CP437 in the ASCII column"),
    (
        "J K",
        "scroll the details pane (the values if the details all fit)",
    ),
    ("t", "show / hide weaker findings"),
    ("f", "findings list (Enter jumps)"),
    ("? F1", "this help"),
    ("Esc", "close, cancel, clear (never quits)"),
    ("q ^c", "quit (^c in a prompt or after m, ', y: cancel)"),
    ("^z", "suspend (fg goes on)"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn pressed(code: KeyCode, modifiers: KeyModifiers) -> Option<Command> {
        command(&Mode::Normal, &Event::Key(KeyEvent::new(code, modifiers)))
    }

    #[test]
    fn shift_f3_goes_back_however_the_terminal_sends_it() {
        let none = KeyModifiers::NONE;
        assert_eq!(pressed(KeyCode::F(3), none), Some(Command::SearchNext));
        assert_eq!(
            pressed(KeyCode::F(3), KeyModifiers::SHIFT),
            Some(Command::SearchPrev)
        );
        assert_eq!(pressed(KeyCode::F(13), none), Some(Command::SearchPrev));
        assert_eq!(pressed(KeyCode::F(15), none), Some(Command::SearchPrev));
        assert_eq!(pressed(KeyCode::Char(','), none), Some(Command::SearchPrev));
    }

    #[test]
    fn ctrl_c_cancels_a_prompt_and_quits_elsewhere_and_ctrl_z_suspends() {
        use crate::tui::prompt::{Prompt, PromptKind};
        let ctrl = KeyModifiers::CONTROL;
        let key =
            |m: &Mode, c: char| command(m, &Event::Key(KeyEvent::new(KeyCode::Char(c), ctrl)));
        let prompt = Mode::Prompt(Prompt::new(PromptKind::Note, "half a note"));
        assert_eq!(key(&prompt, 'c'), Some(Command::Escape));
        for waiting in [Mode::SetMark, Mode::JumpMark, Mode::CopyAs] {
            assert_eq!(key(&waiting, 'c'), Some(Command::Escape));
        }
        assert_eq!(key(&Mode::Normal, 'c'), Some(Command::Quit));
        assert_eq!(key(&Mode::Help(0), 'c'), Some(Command::Quit));
        for m in [&prompt, &Mode::Normal, &Mode::Help(0)] {
            assert_eq!(key(m, 'z'), Some(Command::Suspend));
        }
    }
}

//! Prompts: one line of input edited with tui-input (arrows, Home/End, Ctrl-A/E, Ctrl-U/K/W,
//! Alt-B/F, Delete), with a history per prompt kind walked with Up and Down. The text never
//! holds an unsafe character (the sanitizer decides), and is capped in length.

use crate::sanitize;
use std::collections::HashMap;
use tui_input::{Input, InputRequest};

/// Longest text a prompt takes.
const MAX_CHARS: usize = 400;
/// Entries kept in each history.
const HISTORY: usize = 50;

/// What a prompt asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PromptKind {
    Goto,
    Origin,
    SearchText,
    SearchHex,
    SearchRegex,
    Note,
    /// Editing note number `n` (index into the notes).
    EditNote(usize),
}

impl PromptKind {
    /// The prompt's text before the input.
    pub fn label(self) -> &'static str {
        match self {
            PromptKind::Goto => "go to (SEG:OFF, 0x3E00, 3E00h, #3E00, +10h, -16, 50%): ",
            PromptKind::Origin => "origin SEG:OFF: ",
            PromptKind::SearchText => "search text (any case unless upper case typed): ",
            PromptKind::SearchHex => "search hex (?? any byte): ",
            PromptKind::SearchRegex => "search regex on bytes: ",
            PromptKind::Note => "note: ",
            PromptKind::EditNote(_) => "edit note: ",
        }
    }

    /// The history this prompt shares (every note edit shares the notes' history).
    fn history_key(self) -> PromptKind {
        match self {
            PromptKind::EditNote(_) => PromptKind::Note,
            k => k,
        }
    }
}

/// An edit request for the open prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Char(char),
    Backspace,
    Delete,
    Left,
    Right,
    WordLeft,
    WordRight,
    Home,
    End,
    /// Ctrl-U: delete to the start.
    KillStart,
    /// Ctrl-K: delete to the end.
    KillEnd,
    /// Ctrl-W: delete the word before the cursor.
    KillWord,
    /// Up: the previous history entry.
    Older,
    /// Down: the next history entry.
    Newer,
}

/// The open prompt.
#[derive(Clone, Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    input: Input,
    /// Position in the history while walking it (None: the text being typed).
    walking: Option<usize>,
    /// The text being typed before walking the history.
    draft: String,
    /// Why the last character typed was not taken (shown until the next edit).
    refused: Option<String>,
}

impl Prompt {
    /// A prompt of `kind` holding `text`, the cursor at its end.
    pub fn new(kind: PromptKind, text: &str) -> Prompt {
        Prompt {
            kind,
            input: Input::new(text.to_string()),
            walking: None,
            draft: String::new(),
            refused: None,
        }
    }

    /// Why the last character typed was not taken, until the next edit.
    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// The text typed.
    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// The cursor's position in characters.
    pub fn cursor(&self) -> usize {
        self.input.visual_cursor()
    }

    /// Applies one edit; `history` is this kind's history, oldest first. A character not
    /// taken is said ([`Prompt::refused`]).
    fn edit(&mut self, e: Edit, history: &[String]) {
        self.refused = self.apply(e, history);
    }

    /// [`Prompt::edit`]; returns why a character was not taken.
    fn apply(&mut self, e: Edit, history: &[String]) -> Option<String> {
        let req = match e {
            Edit::Char(c) if sanitize::is_unsafe(c) => {
                return Some(format!(
                    "U+{:04X} not taken: control, formatting and invisible characters \
                     (bidirectional controls among them) are never typed into a prompt",
                    c as u32
                ));
            }
            Edit::Char(_) if self.text().chars().count() >= MAX_CHARS => {
                return Some(format!("a prompt holds at most {MAX_CHARS} characters"));
            }
            Edit::Char(c) => InputRequest::InsertChar(c),
            Edit::Backspace => InputRequest::DeletePrevChar,
            Edit::Delete => InputRequest::DeleteNextChar,
            Edit::Left => InputRequest::GoToPrevChar,
            Edit::Right => InputRequest::GoToNextChar,
            Edit::WordLeft => InputRequest::GoToPrevWord,
            Edit::WordRight => InputRequest::GoToNextWord,
            Edit::Home => InputRequest::GoToStart,
            Edit::End => InputRequest::GoToEnd,
            Edit::KillStart => InputRequest::DeleteFromStart,
            Edit::KillEnd => InputRequest::DeleteTillEnd,
            Edit::KillWord => InputRequest::DeletePrevWord,
            Edit::Older | Edit::Newer => {
                self.walk(e == Edit::Older, history);
                return None;
            }
        };
        self.input.handle(req);
        None
    }

    /// Takes pasted text at the cursor as typed text, in one go: a line break (CR, LF, CR LF)
    /// or tab is a space (a prompt holds one line; Enter alone submits it), a control or
    /// formatting character is left out, and text past `MAX_CHARS` is cut. What was not
    /// taken as pasted is said ([`Prompt::refused`]).
    pub fn paste(&mut self, text: &str) {
        let (mut left_out, mut cut, mut spaced) = (0usize, 0usize, false);
        let mut room = MAX_CHARS.saturating_sub(self.text().chars().count());
        let text = text.replace("\r\n", "\n");
        for c in text.chars() {
            let c = match c {
                '\r' | '\n' | '\t' => {
                    spaced = true;
                    ' '
                }
                c if sanitize::is_unsafe(c) => {
                    left_out += 1;
                    continue;
                }
                c => c,
            };
            if room == 0 {
                cut += 1;
                continue;
            }
            self.input.handle(InputRequest::InsertChar(c));
            room -= 1;
        }
        self.walking = None;
        self.refused = pasted_said(left_out, cut, spaced);
    }

    fn walk(&mut self, older: bool, history: &[String]) {
        if history.is_empty() {
            return;
        }
        let next = match (self.walking, older) {
            (None, true) => {
                self.draft = self.text().to_string();
                Some(history.len() - 1)
            }
            (None, false) => return,
            (Some(0), true) => Some(0),
            (Some(i), true) => Some(i - 1),
            (Some(i), false) if i + 1 < history.len() => Some(i + 1),
            (Some(_), false) => None,
        };
        self.walking = next;
        let text = next
            .map(|i| history[i].clone())
            .unwrap_or(self.draft.clone());
        self.input = Input::new(text);
    }
}

/// What a paste left out or changed, if anything.
fn pasted_said(left_out: usize, cut: usize, spaced: bool) -> Option<String> {
    let mut said = Vec::new();
    if left_out > 0 {
        said.push(format!(
            "{left_out} control or formatting character(s) left out (bidirectional controls among them)"
        ));
    }
    if cut > 0 {
        said.push(format!(
            "{cut} character(s) past the {MAX_CHARS} a prompt holds cut"
        ));
    }
    if spaced {
        said.push("line breaks and tabs taken as spaces".to_string());
    }
    (!said.is_empty()).then(|| format!("pasted: {}", said.join("; ")))
}

/// Histories of every prompt kind.
#[derive(Clone, Debug, Default)]
pub struct Histories {
    by_kind: HashMap<PromptKind, Vec<String>>,
}

impl Histories {
    /// Applies `e` to `p` with its kind's history.
    pub fn edit(&self, p: &mut Prompt, e: Edit) {
        let h = self
            .by_kind
            .get(&p.kind.history_key())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        p.edit(e, h)
    }

    /// Remembers a submitted text (not twice in a row, not empty).
    pub fn remember(&mut self, kind: PromptKind, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let h = self.by_kind.entry(kind.history_key()).or_default();
        if h.last().map(String::as_str) != Some(text) {
            h.push(text.to_string());
        }
        if h.len() > HISTORY {
            h.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_in_the_middle_and_walks_the_history() {
        let mut hs = Histories::default();
        let mut p = Prompt::new(PromptKind::Origin, "0AFA:0100");
        for e in [
            Edit::Home,
            Edit::Delete,
            Edit::Char('1'),
            Edit::End,
            Edit::Backspace,
        ] {
            hs.edit(&mut p, e);
        }
        assert_eq!(p.text(), "1AFA:010");
        hs.edit(&mut p, Edit::KillStart);
        assert_eq!(p.text(), "");
        hs.remember(PromptKind::Goto, "0x10");
        hs.remember(PromptKind::Goto, "0x20");
        let mut g = Prompt::new(PromptKind::Goto, "typed");
        hs.edit(&mut g, Edit::Older);
        assert_eq!(g.text(), "0x20");
        hs.edit(&mut g, Edit::Older);
        assert_eq!(g.text(), "0x10");
        hs.edit(&mut g, Edit::Newer);
        hs.edit(&mut g, Edit::Newer);
        assert_eq!(g.text(), "typed");
        hs.edit(&mut g, Edit::Char('\u{1b}'));
        assert_eq!(g.text(), "typed", "unsafe characters are not taken");
        assert_eq!(
            g.refused(),
            Some(
                "U+001B not taken: control, formatting and invisible characters (bidirectional \
                 controls among them) are never typed into a prompt"
            )
        );
        hs.edit(&mut g, Edit::Char('\u{202E}'));
        assert_eq!(g.text(), "typed");
        assert!(g.refused().unwrap().starts_with("U+202E not taken"));
        // A soft hyphen shows as nothing: it would hide in the text, so it is not taken either.
        hs.edit(&mut g, Edit::Char('\u{AD}'));
        assert_eq!(g.text(), "typed");
        assert!(g.refused().unwrap().starts_with("U+00AD not taken"));
        let mut long = Prompt::new(PromptKind::SearchText, &"a".repeat(MAX_CHARS));
        hs.edit(&mut long, Edit::Char('b'));
        assert_eq!(long.text().len(), MAX_CHARS);
        assert_eq!(
            long.refused(),
            Some("a prompt holds at most 400 characters")
        );
        hs.edit(&mut g, Edit::Char('!'));
        assert_eq!((g.text(), g.refused()), ("typed!", None));
    }
}

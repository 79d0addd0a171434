//! The examiner's annotations of the open file: notes and bookmarks, the origin chosen for it,
//! the file's SHA-256 (the sidecar is named after it), where the sidecar is, and the examiner's
//! name. Saving is not done here: changes ask for a save (see effects.rs), which writes the
//! sidecar.

use crate::notes::{self, Bookmark, Note, Sidecar};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The notes, bookmarks and sidecar of the open file.
#[derive(Clone, Debug, Default)]
pub struct Annotations {
    pub(crate) notes: Vec<Note>,
    pub(crate) bookmarks: BTreeMap<char, u64>,
    pub(crate) sha256: Option<String>,
    /// The sidecar in use, once known.
    pub(crate) path: Option<PathBuf>,
    /// `--notes`, if given.
    pub(crate) explicit: Option<PathBuf>,
    /// The case folder: exports, copies and the default sidecar go here.
    pub(crate) out_dir: PathBuf,
    pub(crate) examiner: Option<String>,
    /// What every output is checked against: the examined files and their folders.
    pub(crate) guard: std::sync::Arc<crate::output::Guard>,
    /// The sidecar as last loaded or saved: the base its next save merges from.
    pub(crate) base: Sidecar,
    /// The origin chosen with `o` (or remembered in the sidecar), SEG:OFF.
    pub(crate) origin: Option<String>,
    /// The note the edit prompt is open on, as it was when opened.
    pub(crate) editing: Option<Note>,
    /// The note deleted last, for `u` in the notes list to bring back.
    pub(crate) deleted: Option<Note>,
    /// Why the last save failed, while what it was to save is not saved: quitting then asks
    /// twice.
    pub(crate) unsaved: Option<String>,
}

impl Annotations {
    /// Annotations writing into `out_dir`, with `--notes` and the examiner.
    pub fn new(out_dir: PathBuf, explicit: Option<PathBuf>, examiner: Option<String>) -> Self {
        Annotations {
            path: explicit.clone(),
            explicit,
            out_dir,
            examiner,
            ..Annotations::default()
        }
    }

    /// The notes and bookmarks.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }
    /// Bookmarks by letter.
    pub fn bookmarks(&self) -> &BTreeMap<char, u64> {
        &self.bookmarks
    }
    /// The file's SHA-256, once known.
    pub fn sha256(&self) -> Option<&str> {
        self.sha256.as_deref()
    }
    /// The case folder.
    pub fn out_dir(&self) -> &std::path::Path {
        &self.out_dir
    }
    /// The sidecar in use, once known.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// Where the sidecar of a file named `name` with this hash goes.
    pub fn sidecar_path(&self, name: &str, sha: &str) -> PathBuf {
        self.explicit
            .clone()
            .unwrap_or_else(|| self.out_dir.join(notes::default_path(name, sha)))
    }

    /// The sidecar as it should be saved.
    pub fn sidecar(&self, name: &str, size: u64, sha: &str) -> Sidecar {
        let mut s = Sidecar::new(name, size, sha);
        s.notes = self.notes.clone();
        s.bookmarks = self
            .bookmarks
            .iter()
            .map(|(&key, &offset)| Bookmark::new(key, offset))
            .collect();
        s.origin = self.origin.clone();
        s
    }

    /// Takes in a loaded sidecar: its notes (every one, duplicates included) and the notes made
    /// here before it was loaded; its bookmarks, where no bookmark of that letter was set here.
    /// Returns whether anything made here is not in the sidecar yet (it needs a save).
    pub(crate) fn apply(&mut self, s: Sidecar, path: PathBuf) -> bool {
        let mine = std::mem::replace(&mut self.notes, s.notes.clone());
        let pending = !mine.is_empty()
            || self
                .bookmarks
                .iter()
                .any(|(k, x)| !s.bookmarks.iter().any(|b| b.key == *k && b.offset == *x));
        self.notes.extend(mine);
        for b in &s.bookmarks {
            self.bookmarks.entry(b.key).or_insert(b.offset);
        }
        if self.origin.is_none() {
            self.origin = s.origin.clone();
        }
        self.base = s;
        self.sort();
        self.path = Some(path);
        pending
    }

    /// Takes in what a save wrote (this inspector's notes merged with another's): it becomes
    /// what is shown and the base of the next save.
    pub(crate) fn saved(&mut self, s: Sidecar) {
        self.notes = s.notes.clone();
        self.bookmarks = s.bookmarks.iter().map(|b| (b.key, b.offset)).collect();
        self.origin = s.origin.clone();
        self.base = s;
        self.sort();
    }

    /// Adds a note and keeps the notes in file order; returns its index.
    pub(crate) fn add(&mut self, note: Note) -> usize {
        self.notes.push(note.clone());
        self.sort();
        self.notes.iter().rposition(|n| *n == note).unwrap_or(0)
    }

    /// Replaces the note being edited (found by what it was, wherever a merge since put it)
    /// by the same range with `text`, stamped with this examiner and the time now; returns its
    /// index, or None if it is gone (another inspector deleted or changed it meanwhile).
    pub(crate) fn edit(&mut self, text: &str) -> Option<usize> {
        let was = self.editing.take()?;
        let i = self.notes.iter().position(|n| *n == was)?;
        self.notes[i] = was.edited(text, self.examiner.as_deref());
        Some(i)
    }

    /// Removes note `i`.
    pub(crate) fn delete(&mut self, i: usize) -> Note {
        let gone = self.notes.remove(i);
        self.deleted = Some(gone.clone());
        gone
    }

    /// Brings back the note deleted last, as it was; returns its index.
    pub(crate) fn undelete(&mut self) -> Option<usize> {
        let note = self.deleted.take()?;
        Some(self.add(note))
    }

    fn sort(&mut self) {
        self.notes.sort_by_key(|n| (n.start, n.end));
    }

    /// Notes covering file offset `x`.
    pub fn at(&self, x: u64) -> impl Iterator<Item = &Note> {
        self.notes
            .iter()
            .filter(move |n| x >= n.start && x < n.end.max(n.start + 1))
    }

    /// Whether a note starts in `[start, end)`.
    pub fn starts_in(&self, start: u64, end: u64) -> bool {
        let i = self.notes.partition_point(|n| n.start < start);
        self.notes.get(i).is_some_and(|n| n.start < end)
    }
}

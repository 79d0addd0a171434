//! Examiner notes (with their time and examiner), bookmarks and the origin chosen for a file,
//! kept in a sidecar JSON file in the case folder (named after the evidence file and its
//! SHA-256 prefix), never in or beside the evidence; [`Sidecars`] finds a file's sidecar there.
//! The file is plain JSON so it can be edited by hand, and findings of other tools can be imported as notes. A
//! sidecar whose hash does not match the file is not applied, and a sidecar that was not loaded
//! (another file's, unreadable, not JSON) is never written over. Saving merges with what is on
//! disk under an advisory lock, so two inspectors on one file keep each other's notes.

use crate::address::Origin;
use crate::output::Guard;
use crate::{sanitize, Error};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Fields of a sidecar, note or bookmark that clanscope does not know (another tool's, or a
/// later version's): kept as they are and saved again, never dropped.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// One examiner note on a byte range.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Byte range `[start, end)` in the file.
    pub start: u64,
    pub end: u64,
    pub text: String,
    /// Where the note came from (e.g. `clanscope`, or another tool's name on import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When the note was made, RFC 3339 in UTC (absent in notes from older sidecars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Who made it, when the examiner gave a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examiner: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl std::hash::Hash for Note {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (self.start, self.end, &self.text, &self.source, &self.time).hash(h);
        self.examiner.hash(h);
        for (k, v) in &self.extra {
            (k, v.to_string()).hash(h);
        }
    }
}

impl Note {
    /// A note made now in clanscope, by `examiner` if named.
    pub fn new(start: u64, end: u64, text: &str, examiner: Option<&str>) -> Note {
        Note {
            start,
            end,
            text: text.to_string(),
            source: Some("clanscope".into()),
            time: Some(crate::utc::rfc3339(std::time::SystemTime::now())),
            examiner: examiner.map(str::to_string),
            extra: Extra::new(),
        }
    }

    /// This note with its text replaced by `examiner` now: the same range, stamped with the
    /// time and the name of whoever wrote the text as it stands.
    pub fn edited(&self, text: &str, examiner: Option<&str>) -> Note {
        Note::new(self.start, self.end, text, examiner)
    }

    /// Who wrote it and when, for every view and report: `by kim, 2026-11-26T10:15:49Z`, or
    /// what of that is known (empty when neither is), sanitized.
    pub fn byline(&self) -> String {
        let who = self
            .examiner
            .as_deref()
            .map(|e| format!("by {}", sanitize::line(e)));
        let when = self.time.as_deref().map(|t| sanitize::line(t).into_owned());
        [who, when]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A bookmark: a letter or digit naming an offset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    pub key: char,
    pub offset: u64,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Bookmark {
    pub fn new(key: char, offset: u64) -> Bookmark {
        Bookmark {
            key,
            offset,
            extra: Extra::new(),
        }
    }
}

/// The sidecar's content.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sidecar {
    /// The evidence file's name, for the reader.
    pub file: String,
    pub size: u64,
    pub sha256: String,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub bookmarks: Vec<Bookmark>,
    /// The origin the examiner chose for the file (`o` in the inspector), SEG:OFF: the file
    /// opens there again, and `scan` and `export` use it, unless `--origin` says otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Sidecar {
    pub fn new(file: &str, size: u64, sha256: &str) -> Sidecar {
        Sidecar {
            file: file.to_string(),
            size,
            sha256: sha256.to_string(),
            ..Sidecar::default()
        }
    }

    /// Notes that overlap `[start, end)`.
    pub fn notes_in(&self, start: u64, end: u64) -> impl Iterator<Item = &Note> {
        self.notes
            .iter()
            .filter(move |n| n.start < end.max(start + 1) && n.end.max(n.start + 1) > start)
    }

    /// The sidecar as the JSON text saved (hidden characters escaped, a final newline).
    pub fn to_json(&self) -> String {
        let mut text = sanitize::json_pretty(self);
        text.push('\n');
        text
    }
}

/// What loading a sidecar gave.
pub enum Loaded {
    /// No sidecar there yet.
    Missing,
    /// The sidecar, and a warning for each note read otherwise than it is written (one whose
    /// end lies before its start), to be shown to the examiner.
    Applied(Sidecar, Vec<String>),
    /// A sidecar for other bytes: a warning, and not applied.
    Mismatch(String),
}

/// Reads the sidecar at `path` for the file whose SHA-256 is `sha256`. A symbolic link there is
/// not followed (an error), nor is anything but a regular file read.
pub fn load(path: &Path, sha256: &str) -> Result<Loaded, Error> {
    let text = match read_no_follow(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::Missing),
        Err(e) => return Err(Error::io(path, &e)),
    };
    let mut s: Sidecar = serde_json::from_str(&text).map_err(|e| Error::Notes {
        path: sanitize::path(path),
        message: format!("not a notes file: {}", sanitize::line(&e.to_string())),
    })?;
    if !s.sha256.eq_ignore_ascii_case(sha256) {
        return Ok(Loaded::Mismatch(format!(
            "{}: notes are for SHA-256 {}, but the file's is {}; not applied",
            sanitize::path(path),
            sanitize::line(&s.sha256),
            sha256
        )));
    }
    let warnings = s
        .notes
        .iter_mut()
        .enumerate()
        .filter_map(|(i, n)| mend_reversed(path, i + 1, n))
        .collect();
    Ok(Loaded::Applied(s, warnings))
}

/// A note whose end lies before its start is read with the two swapped, and said: the warning
/// names the sidecar, the note (its number and the start of its text) and what was done.
fn mend_reversed(path: &Path, number: usize, n: &mut Note) -> Option<String> {
    if n.end >= n.start {
        return None;
    }
    let (start, end) = (n.start, n.end);
    std::mem::swap(&mut n.start, &mut n.end);
    let clipped: String = n.text.chars().take(40).collect();
    let more = if clipped.len() < n.text.len() {
        "…"
    } else {
        ""
    };
    Some(format!(
        "{}: note {number} (\"{}{more}\") ends at offset {end}, before its start {start}; read as offsets {end}-{start}",
        sanitize::path(path),
        sanitize::line(&clipped)
    ))
}

/// A sidecar's text, read without following a symbolic link, from a regular file only.
fn read_no_follow(path: &Path) -> std::io::Result<String> {
    // O_NOATIME where allowed: a path named by mistake may be an examined file.
    let mut f =
        crate::small::open_read(path, libc::O_NOFOLLOW | libc::O_NONBLOCK).map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                std::io::Error::other("is a symbolic link; not followed")
            } else {
                e
            }
        })?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other("is not a regular file"));
    }
    crate::small::read_capped(&mut f, crate::small::SIDECAR_LIMIT)
}

/// Saves `ours` to the sidecar at `path`, merged with what the sidecar holds now, under the
/// case folder's advisory lock. `base` is what this inspector last loaded or saved there: notes
/// and bookmarks it removed since are removed, ones it added are added, and whatever another
/// inspector saved meanwhile is kept. A sidecar there that was not loaded (for other bytes,
/// unreadable, not a notes file, a symbolic link) is never written over. Returns what was
/// saved, the new base.
pub fn save(path: &Path, base: &Sidecar, ours: &Sidecar, guard: &Guard) -> Result<Sidecar, Error> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    guard.check(path)?;
    let _lock = guard.lock(folder)?;
    let theirs = match load(path, &ours.sha256) {
        Ok(Loaded::Missing) => Sidecar::default(),
        Ok(Loaded::Applied(s, _)) => s,
        Ok(Loaded::Mismatch(_)) => return Err(not_loaded(path, "it holds notes for other bytes")),
        Err(e) => return Err(not_loaded(path, &e.to_string())),
    };
    let merged = merge(base, ours, &theirs);
    guard.replace(path, merged.to_json().as_bytes())?;
    Ok(merged)
}

fn not_loaded(path: &Path, why: &str) -> Error {
    Error::Notes {
        path: sanitize::path(path),
        message: format!(
            "was not loaded ({}); not written over: choose another notes file with --notes",
            sanitize::line(why)
        ),
    }
}

/// Three-way merge of notes, bookmarks and the origin: `theirs` (on disk now) with the changes
/// from `base` to `ours`. Notes are counted, not just compared: a note is kept as many times as
/// `theirs` holds it, plus what `ours` added, less what `ours` removed, so a note deleted here
/// stays deleted (even one of two identical notes) and a note added elsewhere stays.
pub fn merge(base: &Sidecar, ours: &Sidecar, theirs: &Sidecar) -> Sidecar {
    use std::collections::HashMap;
    fn count(s: &Sidecar) -> HashMap<&Note, i64> {
        let mut m = HashMap::new();
        for n in &s.notes {
            *m.entry(n).or_default() += 1;
        }
        m
    }
    let (b, o, t) = (count(base), count(ours), count(theirs));
    let n_of = |m: &HashMap<&Note, i64>, n: &Note| m.get(n).copied().unwrap_or(0);
    let mut left: HashMap<&Note, i64> = HashMap::new();
    let mut notes = Vec::new();
    // Their order first, then ours for what only we have.
    for n in theirs.notes.iter().chain(&ours.notes) {
        let want = left
            .entry(n)
            .or_insert_with(|| n_of(&t, n) + n_of(&o, n) - n_of(&b, n));
        if *want > 0 {
            *want -= 1;
            notes.push(n.clone());
        }
    }
    let map = |s: &Sidecar| -> BTreeMap<char, Bookmark> {
        s.bookmarks.iter().map(|b| (b.key, b.clone())).collect()
    };
    let (b, o) = (map(base), map(ours));
    let mut marks = map(theirs);
    let offset = |m: &BTreeMap<char, Bookmark>, k: &char| m.get(k).map(|b| b.offset);
    for key in b.keys().chain(o.keys()) {
        if offset(&b, key) != offset(&o, key) {
            match o.get(key) {
                Some(x) => marks.insert(*key, x.clone()),
                None => marks.remove(key),
            };
        }
    }
    // Fields clanscope does not know: theirs, and ours where ours has them.
    let mut extra = theirs.extra.clone();
    extra.extend(ours.extra.clone());
    let origin = if ours.origin != base.origin {
        ours.origin.clone()
    } else {
        theirs.origin.clone()
    };
    Sidecar {
        notes,
        bookmarks: marks.into_values().collect(),
        origin,
        extra,
        ..ours.clone()
    }
}

/// The sidecar's file name, `NAME.SHA12.clanscope-notes.json` (kept in the case folder).
pub fn default_path(evidence_name: &str, sha256: &str) -> PathBuf {
    PathBuf::from(format!(
        "{}.clanscope-notes.json",
        evidence_stem(evidence_name, sha256)
    ))
}

/// The longest evidence-name part of a case-folder file name. With the rest (`.SHA12`, the
/// sidecar's suffix and its temporary name's, an export's label and `-999`) every name stays
/// within NAME_MAX, 255 bytes.
const NAME_BASE_MAX: usize = 120;

/// `NAME.SHA12`: how every case-folder file made for the evidence begins (sidecar, exports,
/// copies). NAME is the file name with characters other than `A-Za-z0-9._-` made `_`; a NAME
/// longer than `NAME_BASE_MAX` (120) bytes is cut and ends with `~` and 8 hex digits of the
/// SHA-256 of the whole name, so two long names that share a beginning keep apart.
pub fn evidence_stem(evidence_name: &str, sha256: &str) -> String {
    let full = Path::new(evidence_name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into());
    let mut base: String = full
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if base.len() > NAME_BASE_MAX {
        let tag = Sha256::digest(full.as_bytes());
        base.truncate(NAME_BASE_MAX - 9);
        base.push('~');
        base.extend(tag[..4].iter().map(|b| format!("{b:02x}")));
    }
    format!("{base}.{}", &sha256[..12.min(sha256.len())])
}

/// The sidecars of a case folder, listed once: finds a file's sidecar by its name first (so a
/// file with none costs no hash), then by its SHA-256, which names it.
#[derive(Clone, Debug, Default)]
pub struct Sidecars {
    folder: Option<PathBuf>,
    /// File names of the sidecars there.
    names: Vec<String>,
}

impl Sidecars {
    /// The sidecars in `folder` (none if it is missing or unreadable: nothing is remembered).
    pub fn in_folder(folder: &Path) -> Sidecars {
        let names = std::fs::read_dir(folder)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".clanscope-notes.json"))
                    .collect()
            })
            .unwrap_or_default();
        Sidecars {
            folder: Some(folder.to_path_buf()),
            names,
        }
    }

    /// The sidecars of the per-user case folder (see `output::default_case_folder`).
    pub fn in_default_folder() -> Sidecars {
        crate::output::default_case_folder()
            .map(|f| Sidecars::in_folder(&f))
            .unwrap_or_default()
    }

    /// The sidecar of `src` here, if there is one for its bytes: `Ok(None)` without hashing
    /// when no sidecar carries its name. A sidecar for other bytes is not this file's.
    pub fn find(&self, src: &crate::source::Source) -> Result<Option<Sidecar>, Error> {
        self.find_by(src.name(), || sha256_source(src, &|| false))
    }

    /// The sidecar of the file named `name` (its file name) holding `bytes` (a file read into
    /// memory), as [`Sidecars::find`].
    pub fn find_named(&self, name: &str, bytes: &[u8]) -> Result<Option<Sidecar>, Error> {
        self.find_by(name, || Ok(sha256(bytes, &|| false, &mut |_| {})))
    }

    /// The sidecar for `name` whose hash `sha` gives; the file is hashed only when a sidecar of
    /// that name exists.
    fn find_by(
        &self,
        name: &str,
        sha: impl FnOnce() -> Result<Option<String>, Error>,
    ) -> Result<Option<Sidecar>, Error> {
        let Some(folder) = &self.folder else {
            return Ok(None);
        };
        let any = default_path(name, "");
        let stem = any.to_string_lossy();
        let stem = stem.trim_end_matches(".clanscope-notes.json");
        if !self.names.iter().any(|n| n.starts_with(stem)) {
            return Ok(None);
        }
        let Some(sha) = sha()? else {
            return Ok(None);
        };
        match load(&folder.join(default_path(name, &sha)), &sha)? {
            Loaded::Applied(s, _) => Ok(Some(s)),
            Loaded::Missing | Loaded::Mismatch(_) => Ok(None),
        }
    }

    /// The origin the sidecar of `src` remembers, if any (an origin that does not parse is an
    /// error naming the sidecar).
    pub fn origin_of(&self, src: &crate::source::Source) -> Result<Option<Origin>, Error> {
        self.find(src)?
            .map(|s| s.parsed_origin())
            .transpose()
            .map(Option::flatten)
    }

    /// The origin the sidecar of a file read into memory remembers (see [`Sidecars::find_named`]).
    pub fn origin_of_named(&self, name: &str, bytes: &[u8]) -> Result<Option<Origin>, Error> {
        self.find_named(name, bytes)?
            .map(|s| s.parsed_origin())
            .transpose()
            .map(Option::flatten)
    }
}

impl Sidecar {
    /// The origin remembered here, parsed; an error if it is not SEG:OFF.
    pub fn parsed_origin(&self) -> Result<Option<Origin>, Error> {
        self.origin
            .as_deref()
            .map(|o| {
                Origin::parse(o).map_err(|e| Error::Notes {
                    path: sanitize::line(&self.file).into_owned(),
                    message: format!("its remembered origin is not usable: {e}"),
                })
            })
            .transpose()
    }
}

/// SHA-256 of `bytes`, streamed in chunks; `progress` gets bytes done. Returns None if
/// `cancel` turns true.
pub fn sha256(
    bytes: &[u8],
    cancel: &dyn Fn() -> bool,
    progress: &mut dyn FnMut(u64),
) -> Option<String> {
    let mut h = Sha256::new();
    let mut done = 0u64;
    for chunk in bytes.chunks(4 << 20) {
        if cancel() {
            return None;
        }
        h.update(chunk);
        done += chunk.len() as u64;
        progress(done);
    }
    Some(format!("{:x}", h.finalize()))
}

/// SHA-256 of a source's bytes, releasing each stretch once hashed so memory stays flat.
/// `Ok(None)` when `cancel` turned true; [`Error::Shrank`] when the file became shorter while
/// it was hashed, or a read of it faulted (the hash would not be the file's).
pub fn sha256_source(
    src: &crate::source::Source,
    cancel: &dyn Fn() -> bool,
) -> Result<Option<String>, Error> {
    let mut hashed = 0;
    let whole = src.len();
    // A fault, or pages mapped back after one (the inspector does), moves the stamp: zeros
    // may then have been hashed, even if the file has its size again.
    let stamp = src.stamp();
    let stop = || cancel() || src.current_len() < whole || src.stamp() != stamp;
    let h = sha256(src.safe_bytes(), &stop, &mut |done| {
        src.release(hashed, done);
        hashed = done;
    });
    src.check()?;
    if src.stamp() != stamp {
        return Err(src.shrank(src.first_fault().unwrap_or(src.current_len())));
    }
    Ok(h)
}

pub fn sha256_all(bytes: &[u8]) -> String {
    sha256(bytes, &|| false, &mut |_| {}).expect("not cancelled")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_stems_of_long_names_are_cut_and_tagged() {
        let sha = "cbe9b8e52ccf5ea4";
        assert_eq!(evidence_stem("/x/CLANDATA", sha), "CLANDATA.cbe9b8e52ccf");
        let at_most = "n".repeat(NAME_BASE_MAX);
        assert_eq!(
            evidence_stem(&at_most, sha),
            format!("{at_most}.cbe9b8e52ccf")
        );
        let long = "n".repeat(250);
        let tag = Sha256::digest(long.as_bytes());
        assert_eq!(
            evidence_stem(&long, sha),
            format!(
                "{}~{:02x}{:02x}{:02x}{:02x}.cbe9b8e52ccf",
                "n".repeat(NAME_BASE_MAX - 9),
                tag[0],
                tag[1],
                tag[2],
                tag[3]
            )
        );
        assert!(default_path(&long, sha).as_os_str().len() <= 255);
    }

    #[test]
    fn a_note_that_ends_before_its_start_is_swapped_and_said() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.json");
        let mut s = Sidecar::new("CLANDATA", 10, "abc");
        s.notes.push(Note::new(1, 4, "fine", None));
        s.notes.push(Note::new(9, 3, "backwards \x1b[2J", None));
        s.notes.push(Note::new(7, 2, &"long ".repeat(10), None));
        std::fs::write(&p, s.to_json()).unwrap();
        let Loaded::Applied(t, w) = load(&p, "abc").unwrap() else {
            panic!("should apply");
        };
        let ranges: Vec<_> = t.notes.iter().map(|n| (n.start, n.end)).collect();
        assert_eq!(ranges, [(1, 4), (3, 9), (2, 7)]);
        let at = sanitize::path(&p);
        assert_eq!(
            w,
            [
                format!("{at}: note 2 (\"backwards \\x1B[2J\") ends at offset 3, before its start 9; read as offsets 3-9"),
                format!("{at}: note 3 (\"long long long long long long long long …\") ends at offset 2, before its start 7; read as offsets 2-7"),
            ]
        );
    }

    #[test]
    fn round_trip_and_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.json");
        let mut s = Sidecar::new("CLANDATA", 10, "abc");
        s.notes.push(Note::new(1, 4, "seen", Some("kim")));
        s.bookmarks.push(Bookmark::new('a', 7));
        save(&p, &Sidecar::default(), &s, &Guard::default()).unwrap();
        match load(&p, "ABC").unwrap() {
            Loaded::Applied(t, w) => assert_eq!((t, w), (s, vec![])),
            _ => panic!("should apply"),
        }
        match load(&p, "def").unwrap() {
            Loaded::Mismatch(w) => assert!(w.contains("not applied")),
            _ => panic!("should not apply"),
        }
        assert!(matches!(
            load(&dir.path().join("none"), "x").unwrap(),
            Loaded::Missing
        ));
    }

    #[test]
    fn hash_and_default_name() {
        let h = sha256_all(b"abc");
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            default_path("/x/CLANDATA", &h),
            PathBuf::from("CLANDATA.ba7816bf8f01.clanscope-notes.json")
        );
    }

    #[test]
    fn merge_keeps_both_sides_and_removals() {
        let n = |t: &str| Note {
            text: t.into(),
            ..Note::default()
        };
        let mark = Bookmark::new;
        let base = Sidecar {
            notes: vec![n("old"), n("gone")],
            bookmarks: vec![mark('a', 1), mark('b', 2)],
            ..Sidecar::default()
        };
        let ours = Sidecar {
            notes: vec![n("old"), n("mine")],
            bookmarks: vec![mark('a', 5)],
            ..Sidecar::default()
        };
        let theirs = Sidecar {
            notes: vec![n("old"), n("gone"), n("theirs")],
            bookmarks: vec![mark('a', 1), mark('b', 2), mark('c', 3)],
            ..Sidecar::default()
        };
        let m = merge(&base, &ours, &theirs);
        let texts: Vec<&str> = m.notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["old", "theirs", "mine"]);
        assert_eq!(m.bookmarks, vec![mark('a', 5), mark('c', 3)]);
    }

    fn note(t: &str) -> Note {
        Note {
            text: t.into(),
            ..Note::default()
        }
    }

    fn with_notes(notes: &[&str]) -> Sidecar {
        Sidecar {
            notes: notes.iter().map(|t| note(t)).collect(),
            ..Sidecar::new("F", 1, "abc")
        }
    }

    fn texts(s: &Sidecar) -> Vec<&str> {
        s.notes.iter().map(|n| n.text.as_str()).collect()
    }

    #[test]
    fn merge_counts_identical_notes_so_a_deleted_one_stays_deleted() {
        // Two identical notes (an import, or a hand-edited sidecar); one is deleted here while
        // another inspector added one.
        let base = with_notes(&["same", "same"]);
        let ours = with_notes(&["same"]);
        let theirs = with_notes(&["same", "same", "theirs"]);
        assert_eq!(texts(&merge(&base, &ours, &theirs)), ["same", "theirs"]);
        // Both deleted here, one added there meanwhile: only theirs stays.
        let ours = with_notes(&[]);
        assert_eq!(texts(&merge(&base, &ours, &theirs)), ["theirs"]);
        // Added twice here: both kept.
        let ours = with_notes(&["same", "same", "new", "new"]);
        assert_eq!(
            texts(&merge(&base, &ours, &theirs)),
            ["same", "same", "theirs", "new", "new"]
        );
    }

    #[test]
    fn merge_takes_the_origin_from_whoever_changed_it() {
        let mut base = with_notes(&[]);
        base.origin = Some("0AFA:0100".into());
        let mut theirs = base.clone();
        theirs.origin = Some("1000:0000".into());
        assert_eq!(merge(&base, &base, &theirs).origin, theirs.origin);
        let mut ours = base.clone();
        ours.origin = Some("2000:0000".into());
        assert_eq!(merge(&base, &ours, &theirs).origin, ours.origin);
    }

    #[test]
    fn a_deleted_note_stays_deleted_across_saves_of_two_inspectors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        let g = Guard::default();
        let start = save(&p, &Sidecar::default(), &with_notes(&["n1", "n2"]), &g).unwrap();
        // Inspectors A and B both loaded n1 and n2.
        let (mut a, mut b) = (start.clone(), start.clone());
        // A deletes n1.
        let mut ours = a.clone();
        ours.notes.retain(|n| n.text != "n1");
        a = save(&p, &a, &ours, &g).unwrap();
        // B, which still shows n1, adds n3: n1 must not come back.
        let mut ours = b.clone();
        ours.notes.push(note("n3"));
        b = save(&p, &b, &ours, &g).unwrap();
        assert_eq!(texts(&b), ["n2", "n3"]);
        // B deletes n2 while A adds n4.
        let mut ours = b.clone();
        ours.notes.retain(|n| n.text != "n2");
        save(&p, &b, &ours, &g).unwrap();
        let mut ours = a.clone();
        ours.notes.push(note("n4"));
        a = save(&p, &a, &ours, &g).unwrap();
        assert_eq!(texts(&a), ["n3", "n4"]);
        match load(&p, "abc").unwrap() {
            Loaded::Applied(s, _) => assert_eq!(texts(&s), ["n3", "n4"]),
            _ => panic!("should load"),
        }
    }

    #[test]
    fn saves_from_two_inspectors_at_once_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        let threads: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|who| {
                let p = p.clone();
                std::thread::spawn(move || {
                    let g = Guard::default();
                    let mut base = Sidecar::default();
                    for i in 0..30 {
                        let mut ours = base.clone();
                        ours.sha256 = "abc".into();
                        ours.notes.push(note(&format!("{who}{i}")));
                        // Every third save also deletes this inspector's previous note.
                        if i % 3 == 2 {
                            let prev = format!("{who}{}", i - 1);
                            ours.notes.retain(|n| n.text != prev);
                        }
                        base = save(&p, &base, &ours, &g).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let Loaded::Applied(s, _) = load(&p, "abc").unwrap() else {
            panic!("should load")
        };
        let mut got: Vec<&str> = texts(&s);
        got.sort_unstable();
        let mut want: Vec<String> = ["a", "b"]
            .iter()
            .flat_map(|w| {
                (0..30)
                    .filter(|i| i % 3 != 1)
                    .map(move |i| format!("{w}{i}"))
            })
            .collect();
        want.sort_unstable();
        assert_eq!(got, want);
    }

    #[test]
    fn fields_of_other_tools_are_kept_through_a_save() {
        let text = r#"{"file":"ev","size":3,"sha256":"ab","case_id":"C-7",
            "notes":[{"start":0,"end":2,"text":"x","tags":["hdr"],"severity":2}],
            "bookmarks":[{"key":"a","offset":1,"label":"first header"}]}"#;
        let theirs: Sidecar = serde_json::from_str(text).unwrap();
        // The inspector holds the notes it loaded, and bookmarks as key and offset only; it
        // adds a bookmark.
        let mut ours = Sidecar::new("ev", 3, "ab");
        ours.notes = theirs.notes.clone();
        ours.bookmarks = vec![Bookmark::new('a', 1), Bookmark::new('b', 2)];
        let saved: serde_json::Value =
            serde_json::from_str(&merge(&theirs, &ours, &theirs).to_json()).unwrap();
        assert_eq!(saved["case_id"], "C-7");
        assert_eq!(saved["notes"][0]["tags"], serde_json::json!(["hdr"]));
        assert_eq!(saved["notes"][0]["severity"], 2);
        assert_eq!(saved["bookmarks"][0]["label"], "first header");
        assert_eq!(saved["bookmarks"][1]["key"], "b");
        // A bookmark moved here is ours, fields and all.
        ours.bookmarks[0] = Bookmark::new('a', 9);
        let saved = merge(&theirs, &ours, &theirs);
        assert_eq!(saved.bookmarks[0], Bookmark::new('a', 9));
    }

    #[test]
    fn an_edit_is_stamped_with_the_editor_and_the_time() {
        let n = Note::new(1, 2, "old", Some("kim"));
        let e = n.edited("new", Some("lee"));
        assert_eq!((e.start, e.end, e.text.as_str()), (1, 2, "new"));
        assert_eq!(e.examiner.as_deref(), Some("lee"));
        assert!(e.time.is_some());
        assert!(e.byline().starts_with("by lee, 20"), "{}", e.byline());
        assert_eq!(note("x").byline(), "");
    }

    #[test]
    fn a_sidecar_that_was_not_loaded_is_never_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let ours = Sidecar::new("A", 1, "aaa");
        for (name, content) in [
            ("other.json", &Sidecar::new("B", 1, "bbb").to_json()[..]),
            ("junk.json", "not json"),
        ] {
            let p = dir.path().join(name);
            std::fs::write(&p, content).unwrap();
            let e = save(&p, &Sidecar::default(), &ours, &Guard::default()).unwrap_err();
            assert!(e.to_string().contains("not written over"), "{e}");
            assert_eq!(std::fs::read_to_string(&p).unwrap(), content);
        }
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "v").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(save(&link, &Sidecar::default(), &ours, &Guard::default()).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "v");
    }
}

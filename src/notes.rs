//! Examiner notes and bookmarks, kept in a sidecar JSON file in the case folder (named after the
//! evidence file and its SHA-256 prefix), never in or beside the evidence. The file is plain
//! JSON so it can be edited by hand, and findings of other tools can be imported as notes. A
//! sidecar whose hash does not match the file is not applied, and a sidecar that was not loaded
//! (another file's, unreadable, not JSON) is never written over. Saving merges with what is on
//! disk under an advisory lock, so two inspectors on one file keep each other's notes.

use crate::output::Guard;
use crate::{sanitize, Error};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One examiner note on a byte range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
}

impl Note {
    /// A note made now in clanscope, by `examiner` if named.
    pub fn new(start: u64, end: u64, text: &str, examiner: Option<&str>) -> Note {
        Note {
            start,
            end,
            text: text.to_string(),
            source: Some("clanscope".into()),
            time: Some(humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()),
            examiner: examiner.map(str::to_string),
        }
    }
}

/// A bookmark: a letter or digit naming an offset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    pub key: char,
    pub offset: u64,
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
    Applied(Sidecar),
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
    for n in &mut s.notes {
        if n.end < n.start {
            std::mem::swap(&mut n.start, &mut n.end);
        }
    }
    Ok(Loaded::Applied(s))
}

/// A sidecar's text, read without following a symbolic link, from a regular file only.
fn read_no_follow(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                std::io::Error::other("is a symbolic link; not followed")
            } else {
                e
            }
        })?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other("is not a regular file"));
    }
    let mut text = String::new();
    f.read_to_string(&mut text)?;
    Ok(text)
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
        Ok(Loaded::Applied(s)) => s,
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

/// Three-way merge of notes and bookmarks: `theirs` (on disk now) with the changes from `base`
/// to `ours`.
pub fn merge(base: &Sidecar, ours: &Sidecar, theirs: &Sidecar) -> Sidecar {
    let mut notes: Vec<Note> = theirs
        .notes
        .iter()
        .filter(|n| !base.notes.contains(n) || ours.notes.contains(n))
        .cloned()
        .collect();
    for n in &ours.notes {
        if !base.notes.contains(n) && !notes.contains(n) {
            notes.push(n.clone());
        }
    }
    let map = |s: &Sidecar| -> BTreeMap<char, u64> {
        s.bookmarks.iter().map(|b| (b.key, b.offset)).collect()
    };
    let (b, o) = (map(base), map(ours));
    let mut marks = map(theirs);
    for key in b.keys().chain(o.keys()) {
        if b.get(key) != o.get(key) {
            match o.get(key) {
                Some(&x) => marks.insert(*key, x),
                None => marks.remove(key),
            };
        }
    }
    Sidecar {
        notes,
        bookmarks: marks
            .into_iter()
            .map(|(key, offset)| Bookmark { key, offset })
            .collect(),
        ..ours.clone()
    }
}

/// The sidecar's file name, `NAME.SHA12.clanscope-notes.json` (kept in the case folder).
pub fn default_path(evidence_name: &str, sha256: &str) -> PathBuf {
    let base: String = Path::new(evidence_name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    PathBuf::from(format!(
        "{base}.{}.clanscope-notes.json",
        &sha256[..12.min(sha256.len())]
    ))
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
/// it was hashed (the hash would not be the file's).
pub fn sha256_source(
    src: &crate::source::Source,
    cancel: &dyn Fn() -> bool,
) -> Result<Option<String>, Error> {
    let mut hashed = 0;
    let whole = src.len();
    let stop = || cancel() || src.current_len() < whole;
    let h = sha256(src.safe_bytes(), &stop, &mut |done| {
        src.release(hashed, done);
        hashed = done;
    });
    src.check()?;
    Ok(h)
}

pub fn sha256_all(bytes: &[u8]) -> String {
    sha256(bytes, &|| false, &mut |_| {}).expect("not cancelled")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.json");
        let mut s = Sidecar::new("CLANDATA", 10, "abc");
        s.notes.push(Note::new(1, 4, "seen", Some("kim")));
        s.bookmarks.push(Bookmark {
            key: 'a',
            offset: 7,
        });
        save(&p, &Sidecar::default(), &s, &Guard::default()).unwrap();
        match load(&p, "ABC").unwrap() {
            Loaded::Applied(t) => assert_eq!(t, s),
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
        let mark = |key, offset| Bookmark { key, offset };
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

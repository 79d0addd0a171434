//! Examiner notes and bookmarks, kept in a sidecar JSON file beside the examiner (by default in
//! the current folder, named after the evidence file and its SHA-256 prefix), never in or beside
//! the evidence. The file is plain JSON so it can be edited by hand, and findings of other tools
//! can be imported as notes. A sidecar whose hash does not match the file is not applied.

use crate::{sanitize, Error};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// Byte range `[start, end)` in the file.
    pub start: u64,
    pub end: u64,
    pub text: String,
    /// Where the note came from (e.g. `clanscope`, or another tool's name on import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    pub key: char,
    pub offset: u64,
}

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

    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(self).expect("serializable");
        text.push('\n');
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, &e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, &e))
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

pub fn load(path: &Path, sha256: &str) -> Result<Loaded, Error> {
    let text = match std::fs::read_to_string(path) {
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

/// The default sidecar: `./NAME.SHA12.clanscope-notes.json` in the current folder.
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
pub fn sha256_source(src: &crate::source::Source, cancel: &dyn Fn() -> bool) -> Option<String> {
    let mut hashed = 0;
    sha256(src.safe_bytes(), cancel, &mut |done| {
        src.release(hashed, done);
        hashed = done;
    })
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
        s.notes.push(Note {
            start: 1,
            end: 4,
            text: "seen".into(),
            source: None,
        });
        s.bookmarks.push(Bookmark {
            key: 'a',
            offset: 7,
        });
        s.save(&p).unwrap();
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
}

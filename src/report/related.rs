//! The files beside an examined file that the names in its console writes point to: the
//! inspector's details and an export link `EXPORT\MSG4A27.CCM` to
//! `.../Ccmcdata/Export/MSG4A27.CCM` when that file lies in a related folder (by default the
//! folder holding the examined file; `--related DIR` names others). The folders are only
//! listed and each file found gets one `stat` for its modification time; nothing in them is
//! opened, read or written. Matching is the scan's cross-reference's ([`super::xref`]).

use super::xref::{match_of, ByName, Match};
use crate::detect::{Finding, FindingKind};
use crate::sanitize;
use crate::source::walk::{self, Entry};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Files listed at most from the related folders (a walk of a whole disk stops there and says
/// so).
pub const LIMIT: usize = 100_000;

/// The files of the related folders, by name.
#[derive(Debug, Default)]
pub struct Related {
    /// The folders listed.
    pub roots: Vec<PathBuf>,
    files: Vec<(PathBuf, Option<SystemTime>)>,
    by_name: ByName,
    /// The listing stopped at the limit: names may be in files not listed.
    pub truncated: bool,
    /// Folders or links that could not be read.
    pub problems: usize,
    limit: usize,
}

impl Related {
    /// Lists the files under `roots`, at most `limit` of them.
    pub fn walk(roots: &[PathBuf], limit: usize) -> Related {
        let mut r = Related {
            roots: roots.to_vec(),
            limit,
            ..Related::default()
        };
        for e in walk::walk(roots) {
            match e {
                Entry::File { path, .. } if r.files.len() < limit => r.push(path),
                Entry::File { .. } => {
                    r.truncated = true;
                    break;
                }
                Entry::Skipped { .. } => {}
                Entry::Error(_) => r.problems += 1,
            }
        }
        r
    }

    fn push(&mut self, path: PathBuf) {
        let modified = std::fs::symlink_metadata(&path)
            .and_then(|m| m.modified())
            .ok();
        let i = self.files.len();
        self.by_name.insert(&path, i);
        self.files.push((path, modified));
    }

    /// Files listed.
    pub fn files(&self) -> usize {
        self.files.len()
    }

    /// The files carrying `name` (a file name when `file`, else a mailbox), best match first.
    pub fn links(&self, name: &str, file: bool) -> Vec<Link> {
        let kind = if file { "file" } else { "mailbox" };
        let mut out: Vec<Link> = self
            .by_name
            .find(name, file)
            .into_iter()
            .map(|i| Link {
                kind,
                name: name.to_string(),
                path: self.files[i].0.clone(),
                matched: match_of(name, file, &self.files[i].0),
                modified: self.files[i].1,
            })
            .collect();
        out.sort_by(|a, b| (a.matched, &a.path).cmp(&(b.matched, &b.path)));
        out
    }

    /// The names `findings` (console writes) give, each once, in name order (files first),
    /// with the files carrying them (none: not found in the related folders).
    pub fn links_of<'a>(
        &self,
        findings: impl Iterator<Item = &'a Finding>,
    ) -> Vec<(&'static str, String, Vec<Link>)> {
        let mut names = BTreeSet::new();
        for f in findings.filter(|f| f.kind == FindingKind::ConsoleWrite) {
            for n in f.files() {
                names.insert((0, n.to_string()));
            }
            for m in f.mailboxes() {
                names.insert((1, m.to_string()));
            }
        }
        names
            .into_iter()
            .map(|(k, n)| {
                let links = self.links(&n, k == 0);
                (if k == 0 { "file" } else { "mailbox" }, n, links)
            })
            .collect()
    }

    /// Where names were looked for: `412 files under /case/po, /case/connector` (with the
    /// limit and any unreadable folders said).
    pub fn scope(&self) -> String {
        let roots: Vec<String> = self.roots.iter().map(|p| sanitize::path(p)).collect();
        let mut s = format!(
            "{} file(s) under {}",
            self.files.len(),
            if roots.is_empty() {
                "no folder".to_string()
            } else {
                roots.join(", ")
            }
        );
        if self.truncated {
            s.push_str(&format!(
                " (stopped at {}; more were not listed)",
                self.limit
            ));
        }
        if self.problems > 0 {
            s.push_str(&format!(", {} folder(s) unreadable", self.problems));
        }
        s
    }

    /// The scope as JSON.
    pub fn scope_json(&self) -> Value {
        json!({
            "folders": self.roots.iter().map(|p| super::json::path(p)).collect::<Vec<_>>(),
            "files": self.files.len(),
            "truncated": self.truncated,
            "unreadable": self.problems,
        })
    }
}

/// A file that carries a name a write gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// `file` or `mailbox`.
    pub kind: &'static str,
    /// The name as the write gave it.
    pub name: String,
    pub path: PathBuf,
    pub matched: Match,
    pub modified: Option<SystemTime>,
}

impl Link {
    fn time(&self) -> String {
        self.modified.map_or_else(
            || "time unknown".to_string(),
            |t| format!("modified {}", crate::utc::rfc3339(t)),
        )
    }

    /// `-> PATH (path match, modified 1998-03-02T14:22:05Z)`, sanitized.
    pub fn text(&self) -> String {
        format!(
            "-> {} ({} match, {})",
            sanitize::path(&self.path),
            self.matched.name(),
            self.time()
        )
    }

    pub fn json(&self) -> Value {
        super::json::with_path(
            &self.path,
            json!({
                "match": self.matched.name(),
                "modified": self.modified.map(crate::utc::rfc3339),
            }),
        )
    }
}

/// The folders related to `file` when none are named: the folder holding it (`.` for a bare
/// name).
pub fn default_roots(file: &Path) -> Vec<PathBuf> {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => vec![p.to_path_buf()],
        _ => vec![PathBuf::from(".")],
    }
}

#[cfg(test)]
mod tests {
    use super::super::xref::tests::write;
    use super::*;

    #[test]
    fn names_link_to_files_in_the_related_folders() {
        let d = tempfile::tempdir().unwrap();
        for p in [
            "Ccmcdata/Export/MSG4A27.CCM",
            "Ccmcdata/Export.bak/msg4a27.ccm",
            "po/CLANDATA",
        ] {
            let p = d.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, b"x").unwrap();
        }
        let r = Related::walk(&[d.path().to_path_buf()], LIMIT);
        assert_eq!((r.files(), r.truncated, r.problems), (3, false, 0));
        let w = [
            write(1, Some("EXPORT\\MSG4A27.CCM"), Some("randyyeh_ee")),
            write(2, Some("export\\msg4a27.ccm"), None),
        ];
        let got = r.links_of(w.iter());
        let names: Vec<(&str, &str, usize)> = got
            .iter()
            .map(|(k, n, l)| (*k, n.as_str(), l.len()))
            .collect();
        // Each spelling is a name of its own; both find the same two files.
        assert_eq!(
            names,
            vec![
                ("file", "EXPORT\\MSG4A27.CCM", 2),
                ("file", "export\\msg4a27.ccm", 2),
                ("mailbox", "randyyeh_ee", 0),
            ]
        );
        let l = &got[0].2;
        assert_eq!(l[0].path, d.path().join("Ccmcdata/Export/MSG4A27.CCM"));
        assert_eq!(l[0].matched, Match::Path);
        assert_eq!(l[1].path, d.path().join("Ccmcdata/Export.bak/msg4a27.ccm"));
        assert_eq!(l[1].matched, Match::Name);
        assert!(l[0].modified.is_some());
        assert!(l[0].text().starts_with(&format!(
            "-> {} (path match, modified ",
            d.path().join("Ccmcdata/Export/MSG4A27.CCM").display()
        )));
    }

    #[test]
    fn a_file_name_links_only_to_files_of_exactly_that_name() {
        // Review 36: `MSG4A27.CCM.OLD` and `MSG4A27.CCM.1` were linked by their stem.
        let d = tempfile::tempdir().unwrap();
        for p in [
            "EXPORT/MSG4A27.CCM.OLD",
            "EXPORT/MSG4A27.CCM.1",
            "EXPORT/Msg4a27.Ccm",
            "JSMITH.MBX",
        ] {
            let p = d.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, b"x").unwrap();
        }
        let r = Related::walk(&[d.path().to_path_buf()], LIMIT);
        let paths = |l: Vec<Link>| -> Vec<PathBuf> { l.into_iter().map(|l| l.path).collect() };
        assert_eq!(
            paths(r.links("EXPORT\\MSG4A27.CCM", true)),
            vec![d.path().join("EXPORT/Msg4a27.Ccm")]
        );
        assert_eq!(paths(r.links("MSG4A27", true)), Vec::<PathBuf>::new());
        assert_eq!(
            paths(r.links("jsmith", false)),
            vec![d.path().join("JSMITH.MBX")]
        );
    }

    #[test]
    fn a_file_modified_before_1970_is_dated_in_its_link() {
        let l = Link {
            kind: "file",
            name: "EXPORT\\MSG4A27.CCM".into(),
            path: PathBuf::from("po/EXPORT/MSG4A27.CCM"),
            matched: Match::Path,
            modified: Some(std::time::UNIX_EPOCH - std::time::Duration::from_secs(86_401)),
        };
        assert_eq!(
            l.text(),
            "-> po/EXPORT/MSG4A27.CCM (path match, modified 1969-12-30T23:59:59Z)"
        );
        assert_eq!(
            l.json(),
            json!({"path": "po/EXPORT/MSG4A27.CCM", "match": "path",
                   "modified": "1969-12-30T23:59:59Z"})
        );
    }

    #[test]
    fn the_listing_stops_at_the_limit_and_says_so() {
        let d = tempfile::tempdir().unwrap();
        for i in 0..5 {
            std::fs::write(d.path().join(format!("F{i}")), b"x").unwrap();
        }
        let r = Related::walk(&[d.path().to_path_buf()], 3);
        assert_eq!((r.files(), r.truncated), (3, true));
        assert!(r.scope().starts_with("3 file(s) under "), "{}", r.scope());
        assert!(r.scope().ends_with(" (stopped at 3; more were not listed)"));
    }

    #[test]
    fn a_bare_name_is_related_to_the_current_folder() {
        assert_eq!(
            default_roots(Path::new("CLANDATA")),
            vec![PathBuf::from(".")]
        );
        assert_eq!(
            default_roots(Path::new("po/CLANDATA")),
            vec![PathBuf::from("po")]
        );
    }
}

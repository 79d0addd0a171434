//! The cross-reference and the timeline of a scan: which scanned files hold console writes,
//! which files and mailboxes those writes name, and which of the scanned files carry those
//! names (`EXPORT\MSG4A27.CCM` names `.../Ccmcdata/Export/MSG4A27.CCM`, or the same file moved
//! to `Export.bak`; a file name finds only files of exactly that name, a mailbox also files of
//! that stem, `JSMITH.MBX`); then, in time order, the modification times of the files holding writes,
//! of the named connector files and of NFTERROR.LOG, which tell an examiner when the writes
//! happened and which Import run carried them into the store. Gathered file by file as results
//! arrive, in bounded memory: the first 10,000 scanned files that hold writes or console output
//! and the first 10,000 others (`MAX_FILES` each; later ones are counted, and their writes
//! counted under the names they give), the first names of writes and
//! of console output ([`KEPT`]), and a bounded list of the writes behind each name.

use crate::detect::{FileKind, Finding, FindingKind, Report};
use crate::sanitize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Writes listed per name (more are counted).
const WRITES_PER_NAME: usize = 8;
/// Distinct names of listed writes kept, of file names and of mailboxes each (more are
/// counted).
const MAX_NAMES: usize = 10_000;
/// Distinct names kept that only files of console output print, of file names and of mailboxes
/// each, beside those (more are counted): they never take the room of names of listed writes.
const MAX_PRINTED_NAMES: usize = 1_000;

/// Scanned files kept, the first in walk order, to list them by path, match them by name and
/// date them in the timeline: this many of the files holding listed writes or console output
/// (or NFTERROR.LOG), and this many of the others, so that a folder of many plain files never
/// crowds out the files the timeline is about. Later ones are counted
/// ([`Index::files_not_kept`]), and the writes in them still counted under the names they give.
pub(crate) const MAX_FILES: usize = 10_000;

/// What the cross-reference keeps, as the scan's output says it when names were not kept.
pub const KEPT: &str = "at most 10,000 file names and 10,000 mailboxes of writes, and 1,000 of \
                        each printed only in files of console output";

/// What one scanned file is to the cross-reference.
#[derive(Debug)]
struct Scanned {
    path: PathBuf,
    kind: FileKind,
    /// Console writes listed in it.
    writes: u64,
    /// The whole file is console output ([`Report::console_file`]).
    console_file: bool,
    /// [`Report::modified`].
    modified: Option<std::time::SystemTime>,
}

/// A file name or mailbox named by writes, or printed in a file of console output.
#[derive(Debug, Default)]
struct Named {
    /// As the first write (or file of console output) spelled it.
    display: String,
    writes: u64,
    /// (scanned file, finding id) of the first writes in files kept.
    by: Vec<(usize, u32)>,
    /// Scanned files that are console output as a whole ([`Report::console_file`]: a run's
    /// redirect file) and print the name in output not listed as a write; the first few of
    /// those kept.
    printed_in: Vec<usize>,
    /// How many such files print it.
    printed: u64,
    /// The last file counted in `printed`, by [`File::seen`] (a file printing a name twice
    /// counts once).
    last_printed: Option<usize>,
}

/// Where a file being added stands.
#[derive(Clone, Copy, Debug)]
struct File {
    /// Files added before it.
    seen: usize,
    /// Its place among the files kept, if it is kept.
    kept: Option<usize>,
}

/// How a scanned file matches a name a write gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// The folders of the name end the file's path too (`EXPORT\MSG4A27.CCM`,
    /// `.../Export/MSG4A27.CCM`).
    Path,
    /// Only the file name is the same (the connector moves files: `Export.bak`).
    Name,
}

impl Match {
    pub fn name(self) -> &'static str {
        match self {
            Match::Path => "path",
            Match::Name => "name",
        }
    }
}

/// The cross-reference of a scan, built file by file.
#[derive(Debug)]
pub struct Index {
    /// The files kept, at most `max_files` of each sort (see [`MAX_FILES`]).
    files: Vec<Scanned>,
    max_files: usize,
    /// Files kept that hold writes or console output, and others.
    kept: [usize; 2],
    /// Files added, kept or not.
    seen: usize,
    /// Scanned files by name.
    by_name: ByName,
    files_named: BTreeMap<String, Named>,
    mailboxes: BTreeMap<String, Named>,
    /// Entries of `files_named` and of `mailboxes` that only files of console output print.
    printed_only: [usize; 2],
    /// The times a name not kept (beyond [`MAX_NAMES`] and [`MAX_PRINTED_NAMES`], of each kind)
    /// was given: a name given twice counts twice (telling them apart would keep them).
    names_dropped: u64,
}

impl Default for Index {
    fn default() -> Self {
        Index::keeping(MAX_FILES)
    }
}

fn base(p: &str) -> &str {
    p.rsplit(['\\', '/']).next().unwrap_or(p)
}

/// Files by name, as names in writes find them: a file name a write gives (`MSG4A27.CCM`)
/// only the files of exactly that name (upper-cased, as DOS compares names), never
/// `MSG4A27.CCM.OLD` nor `MSG4A27.CCM.1`; a mailbox (`jsmith`) the file of that name and the
/// files of that stem (`JSMITH.MBX`).
#[derive(Debug, Default)]
pub(crate) struct ByName {
    /// By upper-case file name.
    names: HashMap<Box<str>, Vec<usize>>,
    /// By upper-case stem, for files with an extension.
    stems: HashMap<Box<str>, Vec<usize>>,
}

impl ByName {
    /// File `idx`, at `path`.
    pub(crate) fn insert(&mut self, path: &Path, idx: usize) {
        let Some(name) = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_uppercase())
        else {
            return;
        };
        if let Some((stem, _)) = name.rsplit_once('.') {
            self.stems.entry(stem.into()).or_default().push(idx);
        }
        self.names.entry(name.into()).or_default().push(idx);
    }

    /// The files `name` finds (a file name a write gave when `file`, else a mailbox), in the
    /// order they were inserted.
    pub(crate) fn find(&self, name: &str, file: bool) -> Vec<usize> {
        let key = key_of(name);
        let get = |m: &HashMap<Box<str>, Vec<usize>>| {
            m.get(key.as_str()).map_or(&[][..], Vec::as_slice).to_vec()
        };
        let mut out = get(&self.names);
        if !file {
            out.extend(get(&self.stems));
            out.sort_unstable();
            out.dedup();
        }
        out
    }
}

/// The upper-case key `name` (a file name a write gave, perhaps with folders, or a mailbox) is
/// looked up by.
fn key_of(name: &str) -> String {
    base(name).to_ascii_uppercase()
}

/// How the file at `path` carries `name`: [`Match::Path`] when `name` is a file name whose
/// folders also end the path (`EXPORT\MSG4A27.CCM`, `.../Export/MSG4A27.CCM`), else
/// [`Match::Name`] (the caller found it by name).
pub(crate) fn match_of(name: &str, file: bool, path: &Path) -> Match {
    let folders: Vec<String> = name
        .split(['\\', '/'])
        .rev()
        .skip(1)
        .filter(|s| !s.is_empty() && !s.ends_with(':'))
        .map(str::to_ascii_uppercase)
        .collect();
    let parents: Vec<String> = path
        .ancestors()
        .skip(1)
        .filter_map(|a| a.file_name())
        .map(|n| n.to_string_lossy().to_ascii_uppercase())
        .collect();
    let whole = file
        && !folders.is_empty()
        && parents.len() >= folders.len()
        && folders.iter().zip(&parents).all(|(a, b)| a == b);
    if whole {
        Match::Path
    } else {
        Match::Name
    }
}

impl Index {
    /// An index that keeps the first `max_files` scanned files of each sort ([`MAX_FILES`] but
    /// in tests).
    pub(crate) fn keeping(max_files: usize) -> Index {
        Index {
            files: Vec::new(),
            max_files,
            kept: [0; 2],
            seen: 0,
            by_name: ByName::default(),
            files_named: BTreeMap::new(),
            mailboxes: BTreeMap::new(),
            printed_only: [0; 2],
            names_dropped: 0,
        }
    }

    /// One scanned file and the listed findings of its report. A file that is console output
    /// as a whole (a run's redirect file, whose output is weighed down and so often not listed)
    /// gives the names its output prints too, without a write. Beyond the files kept, a file is
    /// counted, and its names still are.
    pub fn add<'a>(&mut self, path: &Path, r: &Report, listed: impl Iterator<Item = &'a Finding>) {
        let listed: Vec<&Finding> = listed
            .filter(|f| f.kind == FindingKind::ConsoleWrite)
            .collect();
        let marked = !listed.is_empty() || r.console_file || r.kind == FileKind::NftErrorLog;
        let at = File {
            seen: self.seen,
            kept: self.keep(marked),
        };
        self.seen += 1;
        let writes = listed.len() as u64;
        let mut ids = Vec::with_capacity(listed.len());
        for f in listed {
            ids.push(f.id);
            self.names_of(f, at, Some(f.id));
        }
        ids.sort_unstable();
        // NFTERROR.LOG is Import's log, not a run's redirect file (the timeline says it apart).
        let output = r.console_file && r.kind != FileKind::NftErrorLog;
        let printed = r
            .findings
            .iter()
            .filter(|f| output && f.kind == FindingKind::ConsoleWrite)
            .filter(|f| ids.binary_search(&f.id).is_err());
        for f in printed {
            self.names_of(f, at, None);
        }
        let Some(idx) = at.kept else {
            return;
        };
        self.by_name.insert(path, idx);
        self.files.push(Scanned {
            path: path.to_path_buf(),
            kind: r.kind,
            writes,
            console_file: r.console_file,
            modified: r.modified,
        });
    }

    /// The place a file being added takes among the files kept, if it is kept: `marked`, it
    /// holds writes or console output.
    fn keep(&mut self, marked: bool) -> Option<usize> {
        let idx = self.files.len();
        let n = &mut self.kept[usize::from(!marked)];
        (*n < self.max_files).then(|| {
            *n += 1;
            idx
        })
    }

    /// The file names and mailboxes of finding `f` of scanned file `at`: given by write `id`,
    /// or printed in that file's console output (`None`).
    fn names_of(&mut self, f: &Finding, at: File, id: Option<u32>) {
        for n in f.files() {
            self.name(true, n, at, id);
        }
        for m in f.mailboxes() {
            self.name(false, m, at, id);
        }
    }

    /// `name`, given by write `id` of scanned file `at`, or printed in that file's console
    /// output (`None`). A file not kept is counted, not listed.
    fn name(&mut self, file: bool, name: &str, at: File, id: Option<u32>) {
        let (map, printed_only) = if file {
            (&mut self.files_named, &mut self.printed_only[0])
        } else {
            (&mut self.mailboxes, &mut self.printed_only[1])
        };
        let key = name.to_ascii_uppercase();
        let room = match (map.get(&key), id) {
            (Some(_), _) => true,
            (None, Some(_)) => map.len() - *printed_only < MAX_NAMES,
            (None, None) => *printed_only < MAX_PRINTED_NAMES,
        };
        if !room {
            self.names_dropped += 1;
            return;
        }
        let n = map.entry(key).or_insert_with(|| {
            *printed_only += 1;
            Named {
                display: name.to_string(),
                ..Named::default()
            }
        });
        match id {
            Some(id) => {
                if n.writes == 0 {
                    // No longer printed only (or new): a name of a listed write.
                    *printed_only -= 1;
                }
                n.writes += 1;
                if let Some(idx) = at.kept.filter(|_| n.by.len() < WRITES_PER_NAME) {
                    n.by.push((idx, id));
                }
            }
            None if n.last_printed != Some(at.seen) => {
                n.last_printed = Some(at.seen);
                n.printed += 1;
                if let Some(idx) = at.kept.filter(|_| n.printed_in.len() < WRITES_PER_NAME) {
                    n.printed_in.push(idx);
                }
            }
            None => {}
        }
    }

    /// The times names not kept were given: beyond 10,000 file names and 10,000 mailboxes of
    /// listed writes, or 1,000 of each only files of console output print ([`KEPT`]). A name
    /// given twice counts twice.
    pub fn names_dropped(&self) -> u64 {
        self.names_dropped
    }

    /// The scanned files carrying a name, best match first.
    fn carriers(&self, name: &str, file: bool) -> Vec<(usize, Match)> {
        let mut out: Vec<(usize, Match)> = self
            .by_name
            .find(name, file)
            .into_iter()
            .map(|i| (i, match_of(name, file, &self.files[i].path)))
            .collect();
        out.sort_by_key(|&(i, m)| (m, i));
        out
    }

    /// The cross-reference, one entry per name, made as it is read: the writes naming it and
    /// the scanned files carrying it.
    pub fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        [(true, &self.files_named), (false, &self.mailboxes)]
            .into_iter()
            .flat_map(|(file, map)| map.values().map(move |n| (file, n)))
            .map(|(file, n)| Entry {
                kind: if file { "file" } else { "mailbox" },
                name: n.display.clone(),
                writes: n.writes,
                named_by: n
                    .by
                    .iter()
                    .map(|&(i, id)| (self.files[i].path.clone(), id))
                    .collect(),
                printed: n.printed,
                printed_in: n
                    .printed_in
                    .iter()
                    .map(|&i| self.files[i].path.clone())
                    .collect(),
                carriers: self
                    .carriers(&n.display, file)
                    .into_iter()
                    .map(|(i, m)| (self.files[i].path.clone(), m))
                    .collect(),
                files_not_kept: self.files_not_kept(),
            })
    }

    /// The timeline: files holding writes, files carrying a name that writes gave or that a
    /// file of console output prints, text files that are console output as a whole (a run's
    /// redirect file) and NFTERROR.LOG, by
    /// modification time (files whose time cannot be read come last).
    pub fn timeline(&self) -> Vec<Event> {
        let mut roles: BTreeMap<usize, Vec<&'static str>> = BTreeMap::new();
        for (i, f) in self.files.iter().enumerate() {
            if f.writes > 0 {
                roles.entry(i).or_default().push("holds-writes");
            }
            if f.kind == FileKind::NftErrorLog {
                roles.entry(i).or_default().push("nfterror-log");
            } else if f.console_file {
                // A tool's run printed to a file (the connector's redirect file): its time is
                // the run's.
                roles.entry(i).or_default().push("console-output");
            }
        }
        for n in self.files_named.values() {
            let by_write = n.writes > 0;
            let by_output = n.printed > 0;
            for (i, _) in self.carriers(&n.display, true) {
                let r = roles.entry(i).or_default();
                for (on, role) in [(by_write, "named-by-write"), (by_output, "named-by-output")] {
                    if on && !r.contains(&role) {
                        r.push(role);
                    }
                }
            }
        }
        let mut out: Vec<Event> = roles
            .into_iter()
            .map(|(i, roles)| {
                let f = &self.files[i];
                Event {
                    modified: f.modified,
                    path: f.path.clone(),
                    roles,
                    writes: f.writes,
                }
            })
            .collect();
        out.sort_by(|a, b| match (a.modified, b.modified) {
            (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.path.cmp(&b.path)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.path.cmp(&b.path),
        });
        out
    }

    /// Files scanned so far, kept or not.
    pub fn files(&self) -> usize {
        self.seen
    }

    /// Files scanned beyond the first [`MAX_FILES`] of their sort (as kept): not listed by
    /// path, matched by name nor dated in the timeline; their writes are counted.
    pub(crate) fn files_not_kept(&self) -> u64 {
        (self.seen - self.files.len()) as u64
    }

    /// What the output says of the files not kept, when there are any.
    pub(crate) fn files_not_kept_said(&self) -> Option<String> {
        let n = self.files_not_kept();
        (n > 0).then(|| {
            format!(
                "files not kept for the cross-reference and timeline: {n}, scanned after the first {max} holding writes or console output or after the first {max} others (not matched by name, dated nor listed by path; the writes in them are counted)",
                max = super::grouped(self.max_files as u64)
            )
        })
    }
}

/// One name of the cross-reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// `file` or `mailbox`.
    pub kind: &'static str,
    pub name: String,
    /// Writes naming it (all of them).
    pub writes: u64,
    /// The first writes naming it: (file, finding id).
    pub named_by: Vec<(PathBuf, u32)>,
    /// Files of console output as a whole (redirect files) printing it, in output not listed
    /// as a write (all of them).
    pub printed: u64,
    /// The first of those files.
    pub printed_in: Vec<PathBuf>,
    /// Scanned files carrying the name, and how well.
    pub carriers: Vec<(PathBuf, Match)>,
    /// Scanned files not kept (so not looked at for carriers).
    pub files_not_kept: u64,
}

impl Entry {
    pub fn json(&self) -> Value {
        json!({
            "kind": self.kind,
            "name": self.name,
            "writes": self.writes,
            "named_by": self.named_by.iter().map(|(p, id)| super::json::with_path(p, json!({
                "id": id,
            }))).collect::<Vec<_>>(),
            "console_output_files": self.printed,
            "printed_in": self.printed_in.iter().map(|p| super::json::with_path(p, json!({})))
                .collect::<Vec<_>>(),
            "scanned": self.carriers.iter().map(|(p, m)| super::json::with_path(p, json!({
                "match": m.name(),
            }))).collect::<Vec<_>>(),
        })
    }

    /// Lines for the text output.
    pub fn text(&self) -> String {
        let by: Vec<String> = self
            .named_by
            .iter()
            .map(|(p, id)| format!("{} #{id}", sanitize::path_column(p)))
            .collect();
        let printed: Vec<String> = self
            .printed_in
            .iter()
            .map(|p| sanitize::path_column(p))
            .collect();
        let mut said = Vec::new();
        if self.writes > 0 || self.printed == 0 {
            said.push(format!(
                "named by {} write(s): {}",
                self.writes,
                listing(&by, self.writes)
            ));
        }
        if self.printed > 0 {
            said.push(format!(
                "printed in {} file(s) of console output: {}",
                self.printed,
                listing(&printed, self.printed)
            ));
        }
        let mut s = format!(
            "  {} {}  {}\n",
            self.kind,
            sanitize::line(&self.name),
            said.join("; ")
        );
        match (self.carriers.is_empty(), self.files_not_kept) {
            (false, _) => {}
            (true, 0) => s.push_str("    -> not among the scanned files\n"),
            (true, n) => s.push_str(&format!(
                "    -> not among the scanned files kept ({n} scanned file(s) not kept)\n"
            )),
        }
        for (p, m) in &self.carriers {
            s.push_str(&format!(
                "    -> {} ({} match)\n",
                sanitize::path_column(p),
                m.name()
            ));
        }
        s
    }
}

/// The first items of a list of `all`, and how many more there are (none listed when all of
/// them are in files not kept).
fn listing(first: &[String], all: u64) -> String {
    let more = all.saturating_sub(first.len() as u64);
    if first.is_empty() && more > 0 {
        "none listed, in files not kept".to_string()
    } else if more > 0 {
        format!("{} and {more} more", first.join(", "))
    } else {
        first.join(", ")
    }
}

/// One file of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub modified: Option<SystemTime>,
    pub path: PathBuf,
    /// `holds-writes`, `named-by-write`, `named-by-output`, `nfterror-log`, `console-output`.
    pub roles: Vec<&'static str>,
    pub writes: u64,
}

impl Event {
    fn time(&self) -> Option<String> {
        self.modified.map(crate::utc::rfc3339)
    }

    pub fn json(&self) -> Value {
        super::json::with_path(
            &self.path,
            json!({
                "modified": self.time(),
                "roles": self.roles,
                "writes": self.writes,
            }),
        )
    }

    pub fn text(&self) -> String {
        format!(
            "  {:<20}  {}  {}{}\n",
            self.time().unwrap_or_else(|| "(time unknown)".into()),
            sanitize::path_column(&self.path),
            self.roles.join(", "),
            if self.writes > 0 {
                format!(" ({} write(s))", self.writes)
            } else {
                String::new()
            }
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::detect::{Finding, FindingKind, Report};

    /// A console write naming `file` and `mailbox` (also used by `related`'s tests).
    pub(crate) fn write(id: u32, file: Option<&str>, mailbox: Option<&str>) -> Finding {
        let mut f = Finding::new(FindingKind::ConsoleWrite, 0, 10, 0.9);
        f.id = id;
        f.file = file.map(Into::into);
        f.mailbox = mailbox.map(Into::into);
        f
    }

    #[test]
    fn names_link_to_scanned_files() {
        let mut x = Index::default();
        let store = Report::new(FileKind::Clandata);
        let w = [
            write(1, Some("EXPORT\\MSG4A27.CCM"), Some("randyyeh_ee")),
            write(2, Some("export\\msg4a27.ccm"), None),
        ];
        x.add(Path::new("po/CLANDATA"), &store, w.iter());
        let msg = Report::new(FileKind::ConnectorMessage);
        x.add(
            Path::new("c/Ccmcdata/Export.bak/MSG4A27.CCM"),
            &msg,
            [].iter(),
        );
        x.add(Path::new("c/Ccmcdata/Export/MSG4A27.CCM"), &msg, [].iter());
        x.add(
            Path::new("po/NFTERROR.LOG"),
            &Report::new(FileKind::NftErrorLog),
            [].iter(),
        );
        let e = x.entries().collect::<Vec<_>>();
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].kind, e[0].name.as_str(), e[0].writes),
            ("file", "EXPORT\\MSG4A27.CCM", 2)
        );
        assert_eq!(
            e[0].carriers,
            vec![
                (PathBuf::from("c/Ccmcdata/Export/MSG4A27.CCM"), Match::Path),
                (
                    PathBuf::from("c/Ccmcdata/Export.bak/MSG4A27.CCM"),
                    Match::Name
                ),
            ]
        );
        assert_eq!(
            e[0].named_by,
            vec![
                (PathBuf::from("po/CLANDATA"), 1),
                (PathBuf::from("po/CLANDATA"), 2)
            ]
        );
        assert_eq!((e[1].kind, e[1].carriers.len()), ("mailbox", 0));
        let t = x.timeline();
        let roles: Vec<(&str, Vec<&str>)> = t
            .iter()
            .map(|ev| (ev.path.to_str().unwrap(), ev.roles.clone()))
            .collect();
        assert_eq!(
            roles,
            vec![
                ("c/Ccmcdata/Export/MSG4A27.CCM", vec!["named-by-write"]),
                ("c/Ccmcdata/Export.bak/MSG4A27.CCM", vec!["named-by-write"]),
                ("po/CLANDATA", vec!["holds-writes"]),
                ("po/NFTERROR.LOG", vec!["nfterror-log"]),
            ]
        );
    }

    #[test]
    fn the_caps_are_said_as_they_are_kept() {
        // Review 36: the output said "at most 10,000 names of writes", but 10,000 file names
        // and 10,000 mailboxes are kept.
        assert_eq!(
            KEPT,
            "at most 10,000 file names and 10,000 mailboxes of writes, and 1,000 of each printed only in files of console output"
        );
        let mut x = Index::default();
        let writes: Vec<Finding> = (1..=MAX_NAMES as u32 + 1)
            .map(|i| {
                write(
                    i,
                    Some(&format!("EXPORT\\M{i}.CCM")),
                    Some(&format!("u{i}")),
                )
            })
            .collect();
        x.add(
            Path::new("po/CLANDATA"),
            &Report::new(FileKind::Clandata),
            writes.iter(),
        );
        let e = x.entries().collect::<Vec<_>>();
        assert_eq!(e.iter().filter(|e| e.kind == "file").count(), 10_000);
        assert_eq!(e.iter().filter(|e| e.kind == "mailbox").count(), 10_000);
        assert_eq!(x.names_dropped(), 2);
        // The count is of times given: the same two names not kept, given again, count again.
        let again = [write(1, Some("EXPORT\\M10001.CCM"), Some("u10001"))];
        x.add(
            Path::new("po/MLANDATA"),
            &Report::new(FileKind::Mlandata),
            again.iter(),
        );
        assert_eq!(x.names_dropped(), 4);
        let mut x = Index::default();
        x.add(
            Path::new("po/CLANDATA"),
            &Report::new(FileKind::Clandata),
            writes.iter(),
        );
        // Printed only: 1,000 of each.
        let mut run = Report::new(FileKind::Text);
        run.console_file = true;
        run.findings = (1..=1001)
            .map(|i| {
                write(
                    i,
                    Some(&format!("IMPORT\\P{i}.CCM")),
                    Some(&format!("p{i}")),
                )
            })
            .collect();
        x.add(Path::new("c/RUN.TMP"), &run, [].iter());
        let e = x.entries().collect::<Vec<_>>();
        assert_eq!(e.iter().filter(|e| e.writes == 0).count(), 2_000);
        assert_eq!(x.names_dropped(), 4);
    }

    #[test]
    fn a_file_name_finds_only_files_of_exactly_that_name() {
        // Review 36: `MSG4A27.CCM.OLD` and `MSG4A27.CCM.1` were found by their stem as "path
        // matches" of `EXPORT\MSG4A27.CCM`. A mailbox still finds `JSMITH.MBX` by its stem.
        let mut x = Index::default();
        let store = Report::new(FileKind::Clandata);
        let w = [write(1, Some("EXPORT\\MSG4A27.CCM"), Some("jsmith"))];
        x.add(Path::new("po/CLANDATA"), &store, w.iter());
        let other = Report::new(FileKind::Binary);
        for p in [
            "po/EXPORT/MSG4A27.CCM.OLD",
            "po/EXPORT/MSG4A27.CCM.1",
            "po/EXPORT/MSG4A27",
            "po/EXPORT/msg4a27.ccm",
            "po/MBOX/JSMITH.MBX",
            "po/MBOX/JSMITH",
            "po/MBOX/JSMITH.MBX.OLD",
        ] {
            x.add(Path::new(p), &other, [].iter());
        }
        let e = x.entries().collect::<Vec<_>>();
        assert_eq!(
            e[0].carriers,
            vec![(PathBuf::from("po/EXPORT/msg4a27.ccm"), Match::Path)]
        );
        assert_eq!(
            e[1].carriers,
            vec![
                (PathBuf::from("po/MBOX/JSMITH.MBX"), Match::Name),
                (PathBuf::from("po/MBOX/JSMITH"), Match::Name),
            ]
        );
        // Only those files are named by the write in the timeline.
        let named: Vec<PathBuf> = x
            .timeline()
            .into_iter()
            .filter(|ev| ev.roles.contains(&"named-by-write"))
            .map(|ev| ev.path)
            .collect();
        assert_eq!(named, vec![PathBuf::from("po/EXPORT/msg4a27.ccm")]);
    }

    #[test]
    fn a_file_modified_before_1970_is_dated_in_the_timeline() {
        let ev = Event {
            modified: Some(std::time::UNIX_EPOCH - std::time::Duration::from_secs(1)),
            path: PathBuf::from("po/CLANDATA"),
            roles: vec!["holds-writes"],
            writes: 1,
        };
        assert_eq!(
            ev.text(),
            "  1969-12-31T23:59:59Z  po/CLANDATA  holds-writes (1 write(s))\n"
        );
        assert_eq!(
            ev.json(),
            json!({"path": "po/CLANDATA", "modified": "1969-12-31T23:59:59Z",
                   "roles": ["holds-writes"], "writes": 1})
        );
    }

    #[test]
    fn a_redirect_file_gives_the_names_it_prints() {
        let mut r = Report::new(FileKind::Text);
        r.console_file = true;
        r.findings = vec![write(1, Some("EXPORT\\MSG5B01.CCM"), Some("mpatel"))];
        r.findings[0].confidence = 0.29;
        // Not listed (below the listing's confidence): printed in the file, no write.
        let mut x = Index::default();
        x.add(Path::new("c/MSG0031.TMP"), &r, [].iter());
        let e = x.entries().collect::<Vec<_>>();
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].writes, e[0].printed), (0, 1));
        assert_eq!(e[0].printed_in, vec![PathBuf::from("c/MSG0031.TMP")]);
        assert!(e[1].text().starts_with(
            "  mailbox mpatel  printed in 1 file(s) of console output: c/MSG0031.TMP\n"
        ));
        // Listed (`--all`): a write, said once.
        let mut x = Index::default();
        x.add(Path::new("c/MSG0031.TMP"), &r, r.findings.iter());
        let e = x.entries().collect::<Vec<_>>();
        assert_eq!((e[0].writes, e[0].printed), (1, 0));
        assert!(e[1]
            .text()
            .starts_with("  mailbox mpatel  named by 1 write(s): c/MSG0031.TMP #1\n"));
        // A file that is not console output as a whole gives no names from unlisted output,
        // nor does NFTERROR.LOG (Import's log, not a run's redirect file).
        let mut x = Index::default();
        let mut log = r.clone();
        log.kind = FileKind::NftErrorLog;
        x.add(Path::new("po/NFTERROR.LOG"), &log, [].iter());
        r.console_file = false;
        x.add(Path::new("c/notes.txt"), &r, [].iter());
        assert!(x.entries().next().is_none());
    }

    #[test]
    fn printed_names_are_counted_once_a_file_and_never_crowd_out_writes() {
        // Nine redirect files, each printing the same names twice: 9 files, 8 listed.
        let mut r = Report::new(FileKind::Text);
        r.console_file = true;
        r.findings = vec![
            write(1, Some("EXPORT\\MSG5B01.CCM"), Some("mpatel")),
            write(2, Some("export\\msg5b01.ccm"), Some("MPATEL")),
        ];
        for f in &mut r.findings {
            f.confidence = 0.29;
        }
        let mut x = Index::default();
        for i in 0..9 {
            x.add(Path::new(&format!("c/T{i}.TMP")), &r, [].iter());
        }
        x.add(
            Path::new("c/Export/MSG5B01.CCM"),
            &Report::new(FileKind::ConnectorMessage),
            [].iter(),
        );
        let e = x.entries().collect::<Vec<_>>();
        assert_eq!((e[0].printed, e[0].printed_in.len()), (9, 8));
        assert!(e[0].text().contains(
            "printed in 9 file(s) of console output: c/T0.TMP, c/T1.TMP, c/T2.TMP, c/T3.TMP, c/T4.TMP, c/T5.TMP, c/T6.TMP, c/T7.TMP and 1 more\n"
        ), "{}", e[0].text());
        // The named file's role says what named it: output, not a write.
        let t = x.timeline();
        let named = t
            .iter()
            .find(|ev| ev.path.ends_with("MSG5B01.CCM"))
            .unwrap();
        assert_eq!(named.roles, vec!["named-by-output"]);

        // 1,500 names printed only, then 10,000 names of listed writes: every name of a write
        // is kept; printed names beyond 1,000 are counted as not kept.
        let mut x = Index::default();
        let mut many = Report::new(FileKind::Text);
        many.console_file = true;
        many.findings = (1..=1500)
            .map(|i| write(i, None, Some(&format!("p{i}"))))
            .collect();
        x.add(Path::new("c/RUN.TMP"), &many, [].iter());
        assert_eq!(x.names_dropped(), 500);
        let store = Report::new(FileKind::Clandata);
        let writes: Vec<Finding> = (1..=10_000)
            .map(|i| write(i, None, Some(&format!("w{i}"))))
            .collect();
        x.add(Path::new("po/CLANDATA"), &store, writes.iter());
        let e = x.entries().collect::<Vec<_>>();
        assert_eq!(e.iter().filter(|e| e.writes > 0).count(), 10_000);
        assert_eq!(e.iter().filter(|e| e.printed > 0).count(), 1_000);
        assert_eq!(x.names_dropped(), 500);
        // A name kept is never dropped: a printed name a write then gives counts the write.
        x.add(
            Path::new("po/MLANDATA"),
            &store,
            [write(1, None, Some("p1"))].iter(),
        );
        let p1 = x.entries().find(|e| e.name == "p1").unwrap();
        assert_eq!((p1.writes, p1.printed), (1, 1));
        assert_eq!(x.names_dropped(), 500);
        // A new name of a write beyond the 10,000 is counted.
        x.add(
            Path::new("po/X"),
            &store,
            [write(1, None, Some("w10001"))].iter(),
        );
        assert_eq!(x.names_dropped(), 501);
    }

    #[test]
    fn files_beyond_those_kept_are_counted_and_their_writes_too() {
        // Two files of each sort kept: of files holding writes or console output, the store and
        // a redirect file; of the others, the first two. Later files are counted, never listed
        // by path, matched by name nor dated; their writes and printed names count.
        let mut x = Index::keeping(2);
        let store = Report::new(FileKind::Clandata);
        let msg = Report::new(FileKind::ConnectorMessage);
        let w = [write(1, Some("EXPORT\\MSG4A27.CCM"), Some("jsmith"))];
        x.add(Path::new("po/a.bin"), &store, [].iter());
        x.add(Path::new("po/b.bin"), &store, [].iter());
        x.add(Path::new("po/CLANDATA"), &store, w.iter());
        let mut run = Report::new(FileKind::Text);
        run.console_file = true;
        run.findings = vec![
            write(1, None, Some("mpatel")),
            write(2, None, Some("mpatel")),
        ];
        x.add(Path::new("c/T0.TMP"), &run, [].iter());
        x.add(Path::new("c/T1.TMP"), &run, [].iter());
        x.add(Path::new("po/MLANDATA"), &store, w.iter());
        x.add(Path::new("c/Export/MSG4A27.CCM"), &msg, [].iter());
        assert_eq!((x.files(), x.files_not_kept()), (7, 3));
        let e: Vec<Entry> = x.entries().collect();
        assert_eq!(
            (e[0].writes, &e[0].named_by, &e[0].carriers),
            (2, &vec![(PathBuf::from("po/CLANDATA"), 1)], &vec![])
        );
        assert_eq!(
            e[0].text(),
            "  file EXPORT\\MSG4A27.CCM  named by 2 write(s): po/CLANDATA #1 and 1 more\n    -> not among the scanned files kept (3 scanned file(s) not kept)\n"
        );
        // Printed twice in each of two files: two files, one kept.
        assert_eq!((e[2].name.as_str(), e[2].printed), ("mpatel", 2));
        assert_eq!(e[2].printed_in, vec![PathBuf::from("c/T0.TMP")]);
        let paths: Vec<PathBuf> = x.timeline().into_iter().map(|ev| ev.path).collect();
        assert_eq!(
            paths,
            [PathBuf::from("c/T0.TMP"), PathBuf::from("po/CLANDATA")]
        );
        assert_eq!(
            x.files_not_kept_said().unwrap(),
            "files not kept for the cross-reference and timeline: 3, scanned after the first 2 holding writes or console output or after the first 2 others (not matched by name, dated nor listed by path; the writes in them are counted)"
        );
        // A name only files not kept give lists none of its writes, and says why.
        let mut x = Index::keeping(0);
        x.add(Path::new("po/CLANDATA"), &store, w.iter());
        x.add(Path::new("c/T0.TMP"), &run, [].iter());
        let e: Vec<Entry> = x.entries().collect();
        assert_eq!(
            e[1].text(),
            "  mailbox jsmith  named by 1 write(s): none listed, in files not kept\n    -> not among the scanned files kept (2 scanned file(s) not kept)\n"
        );
        assert_eq!(
            e[2].text(),
            "  mailbox mpatel  printed in 1 file(s) of console output: none listed, in files not kept\n    -> not among the scanned files kept (2 scanned file(s) not kept)\n"
        );
        assert!(x.timeline().is_empty());
        // Within the cap nothing is said.
        assert_eq!(Index::default().files_not_kept_said(), None);
        assert_eq!(MAX_FILES, 10_000);
    }

    #[test]
    fn files_of_writes_are_kept_after_any_number_of_other_files() {
        // Many plain files first fill only their own share: a later store with a write and the
        // message its write names are both kept, linked and dated.
        let mut x = Index::keeping(3);
        let other = Report::new(FileKind::Binary);
        for i in 0..10 {
            x.add(Path::new(&format!("po/f{i}.bin")), &other, [].iter());
        }
        let w = [write(1, Some("EXPORT\\MSG4A27.CCM"), None)];
        x.add(
            Path::new("po/CLANDATA"),
            &Report::new(FileKind::Clandata),
            w.iter(),
        );
        assert_eq!((x.files(), x.files_not_kept()), (11, 7));
        let paths: Vec<PathBuf> = x.timeline().into_iter().map(|ev| ev.path).collect();
        assert_eq!(paths, [PathBuf::from("po/CLANDATA")]);
        let e: Vec<Entry> = x.entries().collect();
        assert_eq!(e[0].named_by, vec![(PathBuf::from("po/CLANDATA"), 1)]);
    }
}

//! The folder walk: every file under the paths named on the command line, in name order,
//! produced lazily (memory holds one sorted listing per folder level, not the whole tree).
//!
//! What a walk reads and what it only lists:
//! - regular files are read; a symbolic link inside the walked folder to a regular file inside
//!   it is read under the link's name;
//! - devices, FIFOs and sockets are listed as skipped with their type (reading a tty would wait
//!   for the keyboard, `/dev/zero` never ends); named on the command line they are read;
//! - symbolic links whose target lies outside the walked folder are listed as skipped with
//!   their target; links to folders are not followed (the folder is walked where it lies);
//! - problems (an unreadable folder, a dangling link) are collected, not fatal.
//!
//! The walk asks the file system for each entry's type from the folder listing (`d_type`), so
//! a file costs no `stat` here; the reader makes the one `statx` of the file when it opens it.

use crate::{sanitize, Error};
use std::ffi::OsString;
use std::fs::FileType;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// One step of a walk, in name order.
#[derive(Debug)]
pub enum Entry {
    /// A file to read. `explicit` when it was named on the command line (then it may be of any
    /// type: a FIFO, a device, standard input as `-`).
    File { path: PathBuf, explicit: bool },
    /// A file the walk does not read, and why.
    Skipped { path: PathBuf, why: Skip },
    /// A folder or link that could not be read.
    Error(Error),
}

/// Why a walk lists a file without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// A device, FIFO or socket met in a folder.
    Special(Special),
    /// A symbolic link whose target lies outside the walked folder.
    LeavesTree { target: PathBuf },
}

/// The types of special files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    CharDevice,
    BlockDevice,
    Fifo,
    Socket,
}

impl Special {
    /// The type of `ft`, when it is a special file.
    pub fn of(ft: &FileType) -> Option<Special> {
        if ft.is_char_device() {
            Some(Special::CharDevice)
        } else if ft.is_block_device() {
            Some(Special::BlockDevice)
        } else if ft.is_fifo() {
            Some(Special::Fifo)
        } else if ft.is_socket() {
            Some(Special::Socket)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Special::CharDevice => "character device",
            Special::BlockDevice => "block device",
            Special::Fifo => "FIFO",
            Special::Socket => "socket",
        }
    }
}

impl Skip {
    /// The one-line reason, as printed after the path.
    pub fn reason(&self) -> String {
        match self {
            Skip::Special(s) => format!(
                "skipped: a {} (a folder walk reads only regular files; name it on the command line to read it)",
                s.name()
            ),
            Skip::LeavesTree { target } => format!(
                "skipped: a symbolic link leaving the scanned folder (to {}); name it on the command line to read it",
                sanitize::path(target)
            ),
        }
    }

    /// The skip as an error entry (kind `file`), for output that lists problems.
    pub fn to_error(&self, path: &Path) -> Error {
        Error::file(path, self.reason())
    }
}

/// A lazy walk of `paths` in name order. `-` (standard input) and files named explicitly are
/// produced as given; folders are walked recursively.
pub fn walk(paths: &[PathBuf]) -> Walk {
    Walk {
        args: paths.iter().rev().cloned().collect(),
        levels: Vec::new(),
    }
}

/// The files under `paths` and the problems met on the way, skipped files among them.
pub fn files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for e in walk(paths) {
        match e {
            Entry::File { path, .. } => files.push(path),
            Entry::Skipped { path, why } => errors.push(why.to_error(&path)),
            Entry::Error(e) => errors.push(e),
        }
    }
    (files, errors)
}

/// The walk's state: the command-line paths still to do, and one sorted listing per folder
/// level being walked.
pub struct Walk {
    args: Vec<PathBuf>,
    levels: Vec<Level>,
}

struct Level {
    /// The walked folder named on the command line, resolved (for links leaving it).
    root: std::sync::Arc<PathBuf>,
    /// Entries still to visit, in reverse name order (popped from the end).
    todo: Vec<(OsString, Option<Kind>)>,
    dir: PathBuf,
}

impl Iterator for Walk {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        loop {
            if let Some(level) = self.levels.last_mut() {
                let Some((name, ft)) = level.todo.pop() else {
                    self.levels.pop();
                    continue;
                };
                let path = level.dir.join(&name);
                let root = level.root.clone();
                if let Some(e) = self.visit(path, ft, root) {
                    return Some(e);
                }
                continue;
            }
            let p = self.args.pop()?;
            if let Some(e) = self.argument(p) {
                return Some(e);
            }
        }
    }
}

impl Walk {
    /// A path named on the command line.
    fn argument(&mut self, p: PathBuf) -> Option<Entry> {
        if p.as_os_str() == "-" {
            return Some(Entry::File {
                path: p,
                explicit: true,
            });
        }
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => {
                let root = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
                self.enter(p, std::sync::Arc::new(root))
            }
            Ok(_) => Some(Entry::File {
                path: p,
                explicit: true,
            }),
            Err(e) => Some(Entry::Error(super::open_error(&p, &e))),
        }
    }

    /// Lists a folder and pushes its level; an unreadable folder is an error entry.
    fn enter(&mut self, dir: PathBuf, root: std::sync::Arc<PathBuf>) -> Option<Entry> {
        match list(&dir) {
            Ok(mut todo) => {
                todo.sort_unstable_by(|a, b| b.0.cmp(&a.0));
                self.levels.push(Level { root, todo, dir });
                None
            }
            Err(e) => Some(Entry::Error(Error::io(&dir, &e))),
        }
    }

    /// One entry of a folder: a file to read, a folder to enter, or something to list.
    fn visit(
        &mut self,
        path: PathBuf,
        ft: Option<Kind>,
        root: std::sync::Arc<PathBuf>,
    ) -> Option<Entry> {
        let ft = match ft {
            Some(ft) => ft,
            None => match std::fs::symlink_metadata(&path) {
                Ok(m) => Kind::of(&m.file_type()),
                Err(e) => return Some(Entry::Error(Error::io(&path, &e))),
            },
        };
        match ft {
            Kind::Folder => self.enter(path, root),
            Kind::Link => link(path, &root),
            _ => Some(by_type(path, ft)),
        }
    }
}

/// What a folder entry is, as its folder's listing or `lstat` tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Folder,
    Link,
    File,
    Special(Special),
}

impl Kind {
    fn of(ft: &FileType) -> Kind {
        match () {
            _ if ft.is_dir() => Kind::Folder,
            _ if ft.is_symlink() => Kind::Link,
            _ => Special::of(ft).map_or(Kind::File, Kind::Special),
        }
    }

    /// From a listing's entry type; None where the file system does not say (`DT_UNKNOWN`).
    fn listed(ft: rustix::fs::FileType) -> Option<Kind> {
        use rustix::fs::FileType as T;
        Some(match ft {
            T::Directory => Kind::Folder,
            T::Symlink => Kind::Link,
            T::RegularFile => Kind::File,
            T::CharacterDevice => Kind::Special(Special::CharDevice),
            T::BlockDevice => Kind::Special(Special::BlockDevice),
            T::Fifo => Kind::Special(Special::Fifo),
            T::Socket => Kind::Special(Special::Socket),
            _ => return None,
        })
    }
}

/// The entries of the folder `dir` (not `.` and `..`), with their types where the listing
/// gives them. The folder is opened with `O_NOATIME` where the kernel allows it (as files
/// are), so listing it leaves its access time alone; `std::fs::read_dir` moved it.
fn list(dir: &Path) -> std::io::Result<Vec<(OsString, Option<Kind>)>> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let fd = match rustix::fs::open(dir, flags | OFlags::NOATIME, Mode::empty()) {
        Err(rustix::io::Errno::PERM) => rustix::fs::open(dir, flags, Mode::empty()),
        r => r,
    }?;
    let mut todo = Vec::new();
    for e in rustix::fs::Dir::new(fd)? {
        let e = e?;
        let name = e.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let name = std::os::unix::ffi::OsStrExt::from_bytes(name);
        todo.push((
            OsString::from(name as &std::ffi::OsStr),
            Kind::listed(e.file_type()),
        ));
    }
    Ok(todo)
}

/// A file met in a folder that is not a folder or a link: read when regular, listed when
/// special.
fn by_type(path: PathBuf, ft: Kind) -> Entry {
    match ft {
        Kind::Special(s) => Entry::Skipped {
            path,
            why: Skip::Special(s),
        },
        _ => Entry::File {
            path,
            explicit: false,
        },
    }
}

/// A symbolic link met in a folder: read when it leads to a regular file inside the walked
/// folder, listed when it leaves it or leads to a special file, nothing for a folder inside
/// (that folder is walked where it lies).
fn link(path: PathBuf, root: &Path) -> Option<Entry> {
    let target = match std::fs::canonicalize(&path) {
        Ok(t) => t,
        // Dangling, a loop, or a part of the way unreadable.
        Err(e) => return Some(Entry::Error(super::open_error(&path, &e))),
    };
    if !target.starts_with(root) {
        return Some(Entry::Skipped {
            path,
            why: Skip::LeavesTree { target },
        });
    }
    Some(match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => return None,
        Ok(m) => by_type(path, Kind::of(&m.file_type())),
        Err(e) => Entry::Error(Error::io(&path, &e)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_order_depth_first_with_arguments_as_given() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for p in ["b/z", "b/a", "a", "c/d/e", "B"] {
            let p = d.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        std::fs::create_dir(d.join("empty")).unwrap();
        let lone = d.join("c/d/e");
        let (files, errors) = files(&[d.to_path_buf(), lone.clone(), d.join("missing")]);
        let rel: Vec<String> = files
            .iter()
            .map(|p| p.strip_prefix(d).unwrap().display().to_string())
            .collect();
        assert_eq!(rel, ["B", "a", "b/a", "b/z", "c/d/e", "c/d/e"]);
        assert_eq!(files[5], lone);
        assert_eq!(
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            [format!(
                "{}: no such file or directory",
                d.join("missing").display()
            )]
        );
    }
}

//! Writing outputs (exports, undumped bytes, sidecars) without ever touching evidence.
//!
//! A [`Guard`] knows every input of a run by device and inode, and every folder that holds one.
//! Each output is made through a handle on its folder: the folder is identified first (an
//! output never goes into a folder that holds an input), then the file is created with
//! `O_CREAT|O_EXCL|O_NOFOLLOW` (a planted symlink or an existing file is never written
//! through or over) and checked by device and inode against every input. A file updated in
//! place (a sidecar) is written to an exclusive temporary file in its folder and renamed over
//! the old one, which the rename replaces without following it and which is never an input.
//! [`case_folder`] gives the folder the inspector writes to.

use crate::{sanitize, Error};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use std::fs::File;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

/// A file or folder by identity: device and inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Id {
    dev: u64,
    ino: u64,
}

impl Id {
    /// A file by device and inode; a block device by the device it opens (`st_rdev`), so that
    /// every node of one disk is that disk.
    fn of(st: &rfs::Stat) -> Id {
        if FileType::from_raw_mode(st.st_mode) == FileType::BlockDevice {
            return Id {
                dev: u64::MAX,
                ino: st.st_rdev,
            };
        }
        Id {
            dev: st.st_dev,
            ino: st.st_ino,
        }
    }
}

/// The inputs of a run, by device and inode, and the folders that hold them: what no output may
/// ever be, or be written into.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    /// Examined files, with a name for messages.
    files: Vec<(Id, String)>,
    /// Folders holding an examined file (as named and as resolved), with the file's name.
    folders: Vec<(Id, String)>,
    /// Folders given as inputs: nothing is written anywhere in their trees (a scan walks them).
    trees: Vec<(Id, String)>,
    /// Folders whose files are listed, not read (named with `--related`): nothing is written
    /// in their trees either (the post office and the connector's folders).
    listed: Vec<(Id, String)>,
    /// The folders holding an examined file (as named and as resolved), with the file's name:
    /// nothing is written anywhere in their trees (a subfolder of the post office is the
    /// post office's).
    beside: Vec<(Id, String)>,
    /// Examined files with more than one name (hard links): a folder holding another of their
    /// names holds them too.
    linked: Vec<(Id, String)>,
    /// Set when an input could not be identified: every output is then refused with it.
    unknown: Option<Error>,
}

fn rio(path: &Path, e: rustix::io::Errno) -> Error {
    Error::io(path, &std::io::Error::from(e))
}

/// The folder a path lies in (`.` for a bare name) and its last component.
fn split(path: &Path) -> Result<(&Path, &std::ffi::OsStr), Error> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::refused(path, "is not a file name"))?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok((folder, name))
}

/// Removes `path` when it is still the regular file `f` (same device and inode, the name
/// not followed): a file this run created and could not finish. True when removed; a FIFO or
/// device given as the output, or a name that now holds another file, is left as it is.
pub fn remove_created(path: &Path, f: &File) -> bool {
    let Ok((folder, name)) = split(path) else {
        return false;
    };
    let (Ok(dir), Ok(own)) = (open_folder_fd(folder), rfs::fstat(f)) else {
        return false;
    };
    let Ok(now) = rfs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW) else {
        return false;
    };
    let regular = FileType::from_raw_mode(now.st_mode) == FileType::RegularFile;
    regular && Id::of(&now) == Id::of(&own) && rfs::unlinkat(&dir, name, AtFlags::empty()).is_ok()
}

/// `e`, said with the half-written output `path` removed (when it was).
pub fn removed(e: Error, path: &Path, f: &File) -> Error {
    if !remove_created(path, f) {
        return e;
    }
    said_removed(e)
}

/// `e` about an output, said with that output removed (unfinished).
pub fn said_removed(e: Error) -> Error {
    match e {
        Error::Io { path, cause } => Error::Io {
            path,
            cause: format!("{cause}; the unfinished file was removed"),
        },
        e => e,
    }
}

/// Standard output was closed when the process started (`>&-`): refused by
/// [`Guard::check_stdout`].
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Notes that standard output was closed when the process started (`>&-`): called before
/// Rust's start-up code opens `/dev/null` in its place (see `main.rs`), after which writes to
/// it vanish and the command would end in success with nothing said.
pub fn note_stdout_closed() {
    STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::SeqCst);
}

impl Guard {
    /// A guard over `inputs` (`-`: standard input, when it is a file): each input's device and inode,
    /// and those of the folder it is named in and of the folder it really lies in. A folder
    /// given as an input counts as a folder holding examined files.
    pub fn new(inputs: &[&Path]) -> Result<Guard, Error> {
        let mut g = Guard::default();
        for p in inputs {
            g.add(p)?;
        }
        Ok(g)
    }

    /// A guard over the inputs of `inputs` that can be identified (the others are the
    /// command's to report): for checking standard output before a command writes to it.
    /// A file on standard input that is not named `-` is guarded itself, not its folder: nothing
    /// is written into the file a command's input comes from (hostile review 80: `scan --bogus
    /// < EV 2>> EV` appended clap's message to the evidence), while a file the command does not
    /// read leaves the folders around it free (review 81: `dump EV > out.txt < list.txt`).
    pub fn lenient(inputs: &[&Path]) -> Guard {
        let mut g = Guard::default();
        for p in inputs {
            let _ = g.add(p);
        }
        g.add_standard_input_itself();
        g
    }

    /// A guard that refuses every output with `e` (an input could not be identified).
    pub fn refusing(e: Error) -> Guard {
        Guard {
            unknown: Some(e),
            ..Guard::default()
        }
    }

    /// A guard over dump text (`undump`), not evidence: the folder holding the text takes no
    /// output, but its subfolders may (`undump dump.txt -o out/x.bin`).
    pub fn for_dump_text(mut self) -> Guard {
        self.beside.clear();
        self
    }

    /// Adds one input.
    pub fn add(&mut self, input: &Path) -> Result<(), Error> {
        if input.as_os_str() == "-" {
            self.add_standard_input();
            return Ok(());
        }
        let name = sanitize::path(input);
        let st = rfs::stat(input).map_err(|e| rio(input, e))?;
        if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
            self.folders.push((Id::of(&st), name.clone()));
            self.trees.push((Id::of(&st), name.clone()));
        } else {
            self.files.push((Id::of(&st), name.clone()));
            if st.st_nlink > 1 {
                self.linked.push((Id::of(&st), name.clone()));
            }
        }
        // The folder it is named in: `.`, `..` and `/` have no name in one, but a parent.
        let named = match input.file_name() {
            Some(_) => split(input)?.0.to_path_buf(),
            None => input.join(".."),
        };
        let mut folders = vec![named];
        if let Some(real) = std::fs::canonicalize(input)
            .ok()
            .and_then(|r| r.parent().map(Path::to_path_buf))
        {
            folders.push(real);
        }
        let file = FileType::from_raw_mode(st.st_mode) != FileType::Directory;
        for f in folders {
            if let Ok(st) = rfs::stat(&f) {
                self.folders.push((Id::of(&st), name.clone()));
                if file {
                    self.beside.push((Id::of(&st), name.clone()));
                }
            }
        }
        Ok(())
    }

    /// Refuses a `--notes` path where notes are never kept ([`Guard::check`]: an examined file,
    /// a link to one, a folder holding one), before anything reads it.
    pub fn check_notes(&self, notes: &Path) -> Result<(), Error> {
        self.check(notes).map_err(|e| match e {
            Error::RefusedOutput { path, reason } => Error::RefusedOutput {
                path,
                reason: format!("{reason} (notes are never kept there)"),
            },
            e => e,
        })
    }

    /// Refuses a file to be read for notes (export reads them, never writes) when it is an
    /// examined file under any name (a link to one followed), before anything reads it.
    pub fn check_notes_read(&self, notes: &Path) -> Result<(), Error> {
        match rfs::stat(notes).ok().and_then(|st| self.input(Id::of(&st))) {
            Some(input) => Err(Error::refused(
                notes,
                format!("is the examined file {input}; --notes names a notes file, never read from evidence"),
            )),
            None => Ok(()),
        }
    }

    /// Adds a folder whose files are listed for the names in console writes, not read (named
    /// with `--related`): nothing is written anywhere in its tree.
    /// A folder that cannot be found is left out (nothing of it is listed either; the listing
    /// says so).
    pub fn add_listed(&mut self, folder: &Path) {
        if let Ok(st) = rfs::stat(folder) {
            if FileType::from_raw_mode(st.st_mode) == FileType::Directory {
                self.listed.push((Id::of(&st), sanitize::path(folder)));
            }
        }
    }

    /// Standard input redirected from a file (`< FILE`, [`standard_input_file`]) named `-` is an
    /// examined file too: it is known by device and inode, and the folder it lies in (as the
    /// kernel names it) holds evidence.
    fn add_standard_input(&mut self) {
        let Some((st, real, name)) = standard_input_file() else {
            return;
        };
        let id = Id::of(&st);
        self.files.push((id, name.clone()));
        if st.st_nlink > 1 {
            self.linked.push((id, name.clone()));
        }
        if let Some(st) = real
            .as_deref()
            .and_then(Path::parent)
            .and_then(|f| rfs::stat(f).ok())
        {
            self.folders.push((Id::of(&st), name.clone()));
            self.beside.push((Id::of(&st), name));
        }
    }

    /// Standard input, when it is a file, as a file no output may be (its folder stays free).
    fn add_standard_input_itself(&mut self) {
        if let Some((st, _, name)) = standard_input_file() {
            self.files.push((Id::of(&st), name));
        }
    }

    fn input(&self, id: Id) -> Option<&str> {
        self.files
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.as_str())
    }

    fn holding(&self, id: Id) -> Option<&str> {
        self.folders
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.as_str())
    }

    /// The input whose tree holds `folder` (the folder itself or one above it), as `folder`
    /// really lies (links resolved), and what tree it is: an examined folder's, a listed
    /// folder's ([`Guard::add_listed`]), or the folder's holding an examined file.
    fn in_tree(&self, folder: &Path) -> Option<(&str, Tree)> {
        if self.trees.is_empty() && self.listed.is_empty() && self.beside.is_empty() {
            return None;
        }
        let real = std::fs::canonicalize(folder).ok()?;
        real.ancestors().find_map(|a| {
            let id = Id::of(&rfs::stat(a).ok()?);
            let find = |v: &'_ [(Id, String)]| v.iter().position(|(i, _)| *i == id);
            if let Some(k) = find(&self.trees) {
                return Some((self.trees[k].1.as_str(), Tree::Examined));
            }
            if let Some(k) = find(&self.beside) {
                return Some((self.beside[k].1.as_str(), Tree::Beside));
            }
            find(&self.listed).map(|k| (self.listed[k].1.as_str(), Tree::Listed))
        })
    }

    /// Why `folder` lies in a tree nothing is written in (`lies inside ...`), if it does.
    fn inside(&self, folder: &Path) -> Option<String> {
        self.in_tree(folder)
            .map(|(input, tree)| inside_said(input, tree))
    }

    /// The examined file with another name (a hard link) in the folder open as `fd`. Only
    /// entries whose inode number is an examined file's are looked at more closely.
    fn linked_in(&self, fd: &OwnedFd, folder: &Path) -> Result<Option<&str>, Error> {
        if self.linked.is_empty() {
            return Ok(None);
        }
        let dir = rfs::Dir::read_from(fd).map_err(|e| rio(folder, e))?;
        for entry in dir {
            let entry = entry.map_err(|e| rio(folder, e))?;
            if !self.linked.iter().any(|(id, _)| id.ino == entry.ino()) {
                continue;
            }
            let Ok(st) = rfs::statat(fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW) else {
                continue;
            };
            if let Some((_, name)) = self.linked.iter().find(|(id, _)| *id == Id::of(&st)) {
                return Ok(Some(name));
            }
        }
        Ok(None)
    }

    /// Refuses a write into `folder` (opened as `fd`) when it holds an examined file (under
    /// any of its names) or lies in the tree of an examined folder.
    fn refuse_folder(&self, fd: &OwnedFd, folder: &Path, path: &Path) -> Result<(), Error> {
        let st = rfs::fstat(fd).map_err(|e| rio(folder, e))?;
        let refuse = |why: String| {
            Err(Error::refused(
                path,
                format!("{why}; clanscope writes nothing there: choose another folder"),
            ))
        };
        // An examined folder first: it is not an examined file, though it is kept among the
        // folders that hold one. A listed folder's tree after the folders holding a file: the
        // folder holding the file is one by default, and holding the file says more.
        let tree = self.in_tree(folder);
        if let Some((input, Tree::Examined)) = tree {
            return refuse(inside_said(input, Tree::Examined));
        }
        if let Some(input) = self.holding(Id::of(&st)) {
            let what = if self.trees.iter().any(|(_, n)| n == input) {
                "the examined folder"
            } else {
                "an examined file"
            };
            return refuse(format!("lies in a folder that holds {what} ({input})"));
        }
        if let Some((input, tree)) = tree {
            return refuse(inside_said(input, tree));
        }
        if let Some(input) = self.linked_in(fd, folder)? {
            return refuse(format!(
                "lies in a folder that holds another name (a hard link) of the examined file {input}"
            ));
        }
        Ok(())
    }

    /// Refuses standard output when it is a file that no output may be: an examined file (or
    /// a link to one, opened by the shell with `>>` or `1<>`), or a file in a folder that holds
    /// one or in the tree of an examined folder, or a file whose folder cannot be checked.
    /// Pipes, terminals and devices pass.
    pub fn check_stdout(&self) -> Result<(), Error> {
        use std::os::fd::AsFd;
        if STDOUT_CLOSED.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::refused(
                "standard output",
                "is closed (>&-), so nothing written there would arrive: redirect it to a file, or to /dev/null to discard it",
            ));
        }
        self.check_stream(std::io::stdout().as_fd(), 1, "standard output")
    }

    /// Refuses standard error as [`Guard::check_stdout`] refuses standard output. Where it is
    /// refused, nothing is written there, not even why: from then on standard error is the
    /// terminal the command runs in the foreground of, where why is said, or `/dev/null`
    /// (`stderr_to_terminal`).
    pub fn check_stderr(&self) -> Result<(), Error> {
        use std::os::fd::AsFd;
        let checked = self.check_stream(std::io::stderr().as_fd(), 2, "standard error");
        if checked.is_err() {
            stderr_to_terminal();
        }
        checked
    }

    /// [`Guard::check_stdout`] for the stream open at descriptor `no` (1 or 2).
    fn check_stream(
        &self,
        fd: std::os::fd::BorrowedFd<'_>,
        no: u8,
        name: &str,
    ) -> Result<(), Error> {
        let out = Path::new(name);
        let Ok(st) = rfs::fstat(fd) else {
            return Ok(());
        };
        // A block device that is an input (a disk, a loop device) is refused as any input is.
        let kind = FileType::from_raw_mode(st.st_mode);
        // A file or FIFO with more than one name: only the name the shell opened can be
        // checked, and another may lie in the evidence's tree (review 65: `>> case/link` to
        // a hard link of a file in the post office appended to that file).
        if matches!(kind, FileType::RegularFile | FileType::Fifo)
            && st.st_nlink > 1
            && self.input(Id::of(&st)).is_none()
        {
            return Err(Error::refused(
                out,
                format!("has {} names (hard links), and clanscope cannot check where the others lie (beside the evidence?): write to a new file or a pipe", st.st_nlink),
            ));
        }
        if matches!(kind, FileType::Fifo | FileType::Socket) {
            return self.check_named_pipe(no, out);
        }
        if !matches!(kind, FileType::RegularFile | FileType::BlockDevice) {
            return Ok(());
        }
        if let Some(input) = self.input(Id::of(&st)) {
            return Err(Error::refused(
                out,
                format!("is the examined file {input}; clanscope never writes to it"),
            ));
        }
        if kind == FileType::BlockDevice {
            return Ok(());
        }
        let unchecked = |why: String| {
            Error::refused(out, format!("is a file whose folder clanscope cannot check ({why}), so it might hold an examined file: write to a pipe, or give -o"))
        };
        let folder = std::fs::read_link(format!("/proc/self/fd/{no}"))
            .map_err(|e| unchecked(crate::error::io_cause(&e)))?;
        let folder = folder.parent().unwrap_or(Path::new("/"));
        match open_folder_fd(folder) {
            Ok(fd) => self.refuse_folder(&fd, folder, out),
            Err(e) => Err(unchecked(crate::error::io_cause(&e.into()))),
        }
    }

    /// A FIFO or socket at descriptor `no`: one with a name in a folder (`mkfifo ev/p`, then
    /// `> ev/p`) is refused where a file there would be (review 63: it passed as any pipe
    /// does, and writing to it moved the times of a node in the evidence's folder). A pipe
    /// without a name (`|`), or one whose folder cannot be opened, passes.
    fn check_named_pipe(&self, no: u8, out: &Path) -> Result<(), Error> {
        let Ok(named) = std::fs::read_link(format!("/proc/self/fd/{no}")) else {
            return Ok(());
        };
        if !named.is_absolute() {
            return Ok(());
        }
        let folder = named.parent().unwrap_or(Path::new("/"));
        match open_folder_fd(folder) {
            Ok(fd) => self.refuse_folder(&fd, folder, out),
            Err(_) => Ok(()),
        }
    }

    /// Opens the folder `path` lies in, refusing `path` if it is an input (or a link to one),
    /// then if its folder holds an input.
    fn open_folder<'p>(&self, path: &'p Path) -> Result<(OwnedFd, &'p std::ffi::OsStr), Error> {
        self.open_dir(path, true)
    }

    /// [`Guard::open_folder`], checking what `path` names only when `check_name`.
    fn open_dir<'p>(
        &self,
        path: &'p Path,
        check_name: bool,
    ) -> Result<(OwnedFd, &'p std::ffi::OsStr), Error> {
        if let Some(e) = &self.unknown {
            return Err(e.clone());
        }
        let (folder, name) = split(path)?;
        if name == ".." || name == "." {
            return Err(Error::refused(path, "is not a file name"));
        }
        let fd = open_folder_fd(folder).map_err(|e| rio(folder, e))?;
        if check_name {
            self.refuse_input(&fd, name, path)?;
        }
        self.refuse_folder(&fd, folder, path)?;
        Ok((fd, name))
    }

    /// Refuses `name` in `folder` if it is an input, or a symbolic link to one.
    fn refuse_input(
        &self,
        folder: &OwnedFd,
        name: &std::ffi::OsStr,
        path: &Path,
    ) -> Result<(), Error> {
        let never = "clanscope never writes to it";
        if let Ok(st) = rfs::statat(folder, name, AtFlags::SYMLINK_NOFOLLOW) {
            if let Some(input) = self.input(Id::of(&st)) {
                return Err(Error::refused(
                    path,
                    if input == sanitize::path(path) {
                        format!("is the examined file; {never}")
                    } else {
                        format!("is the examined file {input} under another name (a hard link); {never}")
                    },
                ));
            }
        }
        if let Ok(st) = rfs::statat(folder, name, AtFlags::empty()) {
            if let Some(input) = self.input(Id::of(&st)) {
                return Err(Error::refused(
                    path,
                    format!("is a symbolic link to the examined file {input}; {never}"),
                ));
            }
        }
        Ok(())
    }

    /// Checks that an output could be made at `path` (for a path chosen ahead of writing, such
    /// as `--notes`): not an input, not a link to one, not in a folder that holds one.
    pub fn check(&self, path: &Path) -> Result<(), Error> {
        self.open_folder(path).map(|_| ())
    }

    /// Creates the new file `path` for writing: exclusively, never through a symbolic link,
    /// never in a folder holding an input, and checked against every input afterwards. An
    /// existing regular file is refused (never overwritten); an existing FIFO or character
    /// device (a pipe, `/dev/null`) that is no input and no terminal is opened as it is, never
    /// through a symbolic link.
    pub fn create(&self, path: &Path) -> Result<File, Error> {
        let (folder, name) = self.open_folder(path)?;
        let flags = OFlags::WRONLY
            | OFlags::CREATE
            | OFlags::EXCL
            | OFlags::NOFOLLOW
            | OFlags::NOCTTY
            | OFlags::CLOEXEC;
        match rfs::openat(&folder, name, flags, Mode::from_raw_mode(0o666)) {
            Ok(fd) => self.checked(fd, path),
            Err(rustix::io::Errno::EXIST) => self.open_stream(&folder, name, path),
            Err(e) => Err(rio(path, e)),
        }
    }

    /// A file just created, checked by device and inode against every input (it cannot be one;
    /// checked all the same).
    fn checked(&self, fd: OwnedFd, path: &Path) -> Result<File, Error> {
        let st = rfs::fstat(&fd).map_err(|e| rio(path, e))?;
        if let Some(input) = self.input(Id::of(&st)) {
            return Err(Error::refused(
                path,
                format!("turned out to be the examined file {input}; nothing written"),
            ));
        }
        Ok(File::from(fd))
    }

    /// An existing output that is a FIFO or a character device, opened for writing.
    fn open_stream(
        &self,
        folder: &OwnedFd,
        name: &std::ffi::OsStr,
        path: &Path,
    ) -> Result<File, Error> {
        let stream = |st: &rfs::Stat| {
            matches!(
                FileType::from_raw_mode(st.st_mode),
                FileType::Fifo | FileType::CharacterDevice
            )
        };
        let exists = || {
            Error::refused(
                path,
                "already exists; clanscope never overwrites a file: remove it or choose another name",
            )
        };
        match rfs::statat(folder, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) if stream(&st) => {}
            Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
                return Err(Error::refused(
                    path,
                    "is a symbolic link; clanscope never writes through one: name the file itself",
                ))
            }
            Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Directory => {
                return Err(Error::refused(
                    path,
                    "is a folder; name a new file to write, outside the folders that hold examined files",
                ))
            }
            _ => return Err(exists()),
        }
        let fd = open_reader_waiting(folder, name, path)?;
        let st = rfs::fstat(&fd).map_err(|e| rio(path, e))?;
        if !stream(&st) || self.input(Id::of(&st)).is_some() {
            return Err(exists());
        }
        let file = File::from(fd);
        if std::io::IsTerminal::is_terminal(&file) {
            return Err(Error::refused(
                path,
                "is a terminal; clanscope writes its outputs to files, pipes and devices that are not terminals",
            ));
        }
        Ok(file)
    }

    /// Creates `path` as [`Guard::create`] does and writes `bytes` to it.
    /// A write that fails (a full disk, the size limit) removes the file it created: no
    /// output is left holding part of what it should.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        let mut f = self.create(path)?;
        let written = f.write_all(bytes).and_then(|()| f.flush());
        written.map_err(|e| removed(Error::io(path, &e), path, &f))
    }

    /// Creates a new file named `{stem}{suffix}` in `folder`, or `{stem}-2{suffix}`,
    /// `{stem}-3{suffix}`, ... when that name is taken (by anything, a planted symlink
    /// included). Returns the file and its path.
    pub fn create_unique(
        &self,
        folder: &Path,
        stem: &str,
        suffix: &str,
    ) -> Result<(File, PathBuf), Error> {
        for k in 1..=999 {
            let name = if k == 1 {
                format!("{stem}{suffix}")
            } else {
                format!("{stem}-{k}{suffix}")
            };
            let path = folder.join(name);
            // Whatever holds the name (a planted link to evidence included) is stepped over.
            let (dir, name) = self.open_dir(&path, false)?;
            let flags =
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match rfs::openat(&dir, name, flags, Mode::from_raw_mode(0o666)) {
                Ok(fd) => return Ok((self.checked(fd, &path)?, path)),
                Err(rustix::io::Errno::EXIST) => continue,
                Err(e) => return Err(rio(&path, e)),
            }
        }
        Err(Error::refused(
            folder.join(format!("{stem}{suffix}")),
            "and 998 names like it already exist",
        ))
    }

    /// Replaces the regular file `path` (or creates it) with `bytes`: written to an exclusive
    /// temporary file in the same folder, synced, then renamed over `path`. The rename replaces
    /// the directory entry without following it; a symbolic link, anything but a regular file,
    /// and an input at `path` are refused.
    pub fn replace(&self, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        let (folder, name) = self.open_folder(path)?;
        self.refuse_replace(&folder, name, path)?;
        let (tmp_name, mut tmp) = temp_file(&folder, name, path)?;
        let written = tmp
            .write_all(bytes)
            .and_then(|()| tmp.sync_all())
            .map_err(|e| Error::io(path, &e));
        let renamed = written
            .and_then(|()| self.refuse_replace(&folder, name, path))
            .and_then(|()| {
                rfs::renameat(&folder, &tmp_name, &folder, name).map_err(|e| rio(path, e))
            });
        if renamed.is_err() {
            let _ = rfs::unlinkat(&folder, &tmp_name, AtFlags::empty());
        }
        renamed
    }

    fn refuse_replace(
        &self,
        folder: &OwnedFd,
        name: &std::ffi::OsStr,
        path: &Path,
    ) -> Result<(), Error> {
        match rfs::statat(folder, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => {
                if let Some(input) = self.input(Id::of(&st)) {
                    return Err(Error::refused(
                        path,
                        format!("is the examined file {input}; clanscope never writes to it"),
                    ));
                }
                match FileType::from_raw_mode(st.st_mode) {
                    FileType::RegularFile => Ok(()),
                    FileType::Symlink => Err(Error::refused(
                        path,
                        "is a symbolic link; clanscope neither follows nor replaces it",
                    )),
                    _ => Err(Error::refused(path, "is not a regular file")),
                }
            }
            Err(rustix::io::Errno::NOENT) => Ok(()),
            Err(e) => Err(rio(path, e)),
        }
    }

    /// Takes the advisory lock of `folder` (an exclusive `flock` on `.clanscope.lock` in it,
    /// created without following links), held until the returned value is dropped. Several
    /// clanscope processes updating one sidecar take turns through it.
    pub fn lock(&self, folder: &Path) -> Result<Lock, Error> {
        let lock_path = folder.join(".clanscope.lock");
        let (dir, name) = self.open_folder(&lock_path)?;
        let fd = rfs::openat(
            &dir,
            name,
            OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )
        .map_err(|e| rio(&lock_path, e))?;
        let st = rfs::fstat(&fd).map_err(|e| rio(&lock_path, e))?;
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile
            || self.input(Id::of(&st)).is_some()
        {
            return Err(Error::refused(
                &lock_path,
                "is not a lock file clanscope made",
            ));
        }
        rfs::flock(&fd, rfs::FlockOperation::LockExclusive).map_err(|e| rio(&lock_path, e))?;
        Ok(Lock(fd))
    }
}

/// An advisory lock held until dropped (see [`Guard::lock`]).
pub struct Lock(#[allow(dead_code)] OwnedFd);

/// A new temporary file beside `name` in `folder`: `.NAME.PID-N.tmp`, created exclusively.
fn temp_file(
    folder: &OwnedFd,
    name: &std::ffi::OsStr,
    path: &Path,
) -> Result<(std::ffi::OsString, File), Error> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut tmp = std::ffi::OsString::from(".");
        tmp.push(name);
        tmp.push(format!(".{}-{nanos:x}{n}.tmp", std::process::id()));
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        match rfs::openat(folder, &tmp, flags, Mode::from_raw_mode(0o600)) {
            Ok(fd) => return Ok((tmp, File::from(fd))),
            Err(rustix::io::Errno::EXIST) => continue,
            Err(e) => return Err(rio(path, e)),
        }
    }
    Err(Error::refused(path, "no temporary name is free beside it"))
}

/// The per-user folder the inspector writes to when `--out` is not given:
/// `$XDG_DATA_HOME/clanscope`, or `$HOME/.local/share/clanscope`. Not created here.
pub fn default_case_folder() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".local/share"))
        })?;
    Some(base.join("clanscope"))
}

/// The case folder: `explicit` (`--out DIR`) or the [`default_case_folder`], created with
/// mode 0700 where missing (no folder is ever created inside a folder that holds an examined
/// file), and refused if it holds an examined file. Returns it as an absolute path.
pub fn case_folder(explicit: Option<&Path>, guard: &Guard) -> Result<PathBuf, Error> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => default_case_folder().ok_or_else(|| {
            Error::Usage("no folder to write notes and exports to: set HOME or XDG_DATA_HOME, or give --out DIR".into())
        })?,
    };
    let path = std::path::absolute(&path).map_err(|e| Error::io(&path, &e))?;
    make_folders(&path, guard)?;
    let fd = open_folder_fd(&path).map_err(|e| rio(&path, e))?;
    let st = rfs::fstat(&fd).map_err(|e| rio(&path, e))?;
    if let Some(input) = guard.holding(Id::of(&st)) {
        return Err(Error::refused(
            &path,
            format!("holds an examined file ({input}); choose another folder"),
        ));
    }
    if let Some(inside) = guard.inside(&path) {
        return Err(Error::refused(
            &path,
            format!("{inside}; choose another folder"),
        ));
    }
    Ok(path)
}

/// What a path inside the tree of `input` is said to lie in: an examined folder's, or a
/// `listed` one's ([`Guard::add_listed`]).
fn inside_said(input: &str, tree: Tree) -> String {
    match tree {
        Tree::Listed => format!(
            "lies inside {input}, a folder whose files are linked to the names in console writes"
        ),
        Tree::Examined => format!("lies inside the examined folder {input}"),
        Tree::Beside => format!("lies inside the folder that holds the examined file {input}"),
    }
}

/// The trees nothing is written in ([`Guard::in_tree`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tree {
    /// An examined folder's.
    Examined,
    /// The folder's holding an examined file.
    Beside,
    /// A folder's whose files are listed for the names in console writes.
    Listed,
}

/// Where an inspector session writes and what it must not touch: the guard over its inputs and
/// the case folder.
#[derive(Clone, Debug)]
pub struct Case {
    pub guard: std::sync::Arc<Guard>,
    pub folder: PathBuf,
}

impl Case {
    /// The guard over `inputs` and the `listed` folders ([`Guard::add_listed`]), the case folder
    /// (`out`, else the per-user one, made where missing), and the `--notes` file checked
    /// against the guard (never an examined file, a link to one or in a folder holding one).
    pub fn open(
        inputs: &[&Path],
        listed: &[PathBuf],
        out: Option<&Path>,
        notes: Option<&Path>,
    ) -> Result<Case, Error> {
        let mut guard = Guard::new(inputs)?;
        for l in listed {
            guard.add_listed(l);
        }
        if let Some(n) = notes {
            guard.check_notes(n)?;
        }
        let folder = case_folder(out, &guard)?;
        Ok(Case {
            guard: std::sync::Arc::new(guard),
            folder,
        })
    }
}

/// Creates the missing folders of `path` one by one, each through a handle on its parent,
/// refusing to create one inside a folder that holds an examined file.
fn make_folders(path: &Path, guard: &Guard) -> Result<(), Error> {
    let missing: Vec<&Path> = path
        .ancestors()
        .take_while(|a| rfs::stat(*a).is_err())
        .collect();
    for dir in missing.into_iter().rev() {
        let (parent, name) = guard.open_folder(dir)?;
        match rfs::mkdirat(&parent, name, Mode::from_raw_mode(0o700)) {
            Ok(()) | Err(rustix::io::Errno::EXIST) => {}
            Err(e) => return Err(rio(dir, e)),
        }
    }
    Ok(())
}

/// Standard input when it is a file (regular or a block device; a pipe or a terminal is no file
/// an output could be): its status, the path it really is where the kernel can tell (and it
/// still is that file), and its name for messages.
fn standard_input_file() -> Option<(rustix::fs::Stat, Option<PathBuf>, String)> {
    let st = rfs::fstat(rustix::stdio::stdin()).ok()?;
    let kind = FileType::from_raw_mode(st.st_mode);
    if !matches!(kind, FileType::RegularFile | FileType::BlockDevice) {
        return None;
    }
    let id = Id::of(&st);
    let real = std::fs::read_link("/proc/self/fd/0")
        .ok()
        .filter(|r| rfs::stat(r).is_ok_and(|s| Id::of(&s) == id));
    let name = match &real {
        Some(r) => format!("standard input, {}", sanitize::path(r)),
        None => "standard input".to_string(),
    };
    Some((st, real, name))
}

/// Points a refused standard error at the terminal the command runs in, where why is said:
/// the one that standard output or standard input already is, when the command runs in its
/// foreground. No device is opened by name (`/dev/tty` may be anything in a chroot or under a
/// bind mount, and writing through it moves the times of a node in `/dev`, which may hold an
/// examined disk: hostile review 79), and a background job neither stops on `stty tostop` nor
/// writes over another program's screen. Otherwise it is `/dev/null`: the refused file gets
/// nothing more, and the exit code says it (review 78 D6: `2> EV/../err.txt` gave exit 2 and no
/// word anywhere).
fn stderr_to_terminal() {
    use std::os::fd::AsRawFd;
    if let Some(fd) = [1, 0].into_iter().find(|&fd| foreground_terminal(fd)) {
        // SAFETY: dup2 onto descriptor 2 from an open descriptor; both stay valid.
        unsafe { libc::dup2(fd, 2) };
    } else if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        // SAFETY: as above.
        unsafe { libc::dup2(null.as_raw_fd(), 2) };
    }
}

/// Descriptor `fd` is a terminal open for writing whose foreground is this process's group.
fn foreground_terminal(fd: i32) -> bool {
    // SAFETY: isatty, fcntl(F_GETFL), tcgetpgrp and getpgrp only read the state of `fd` and of
    // the process.
    unsafe {
        libc::isatty(fd) == 1
            && libc::fcntl(fd, libc::F_GETFL) & libc::O_ACCMODE != libc::O_RDONLY
            && libc::tcgetpgrp(fd) == libc::getpgrp()
    }
}

/// How long an existing FIFO named as an output is waited for to have a reader.
const READER_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Opens the existing FIFO or device `name` in `folder` for writing without blocking for ever:
/// a plain open of a FIFO waits until some program opens it for reading, for ever if none
/// does (review 62). It is opened with `O_NONBLOCK`, retried for [`READER_WAIT`] while no
/// program reads it (`ENXIO`), then refused; once open, `O_NONBLOCK` is cleared, so writes wait
/// for the reader as usual.
fn open_reader_waiting(
    folder: &OwnedFd,
    name: &std::ffi::OsStr,
    path: &Path,
) -> Result<OwnedFd, Error> {
    let flags = OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::NOCTTY | OFlags::CLOEXEC;
    let since = std::time::Instant::now();
    let fd = loop {
        match rfs::openat(folder, name, flags | OFlags::NONBLOCK, Mode::empty()) {
            Ok(fd) => break fd,
            Err(rustix::io::Errno::NXIO) if since.elapsed() < READER_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(rustix::io::Errno::NXIO) => {
                return Err(Error::refused(
                    path,
                    format!(
                        "is a FIFO that no program reads (waited {} s): start its reader first",
                        READER_WAIT.as_secs()
                    ),
                ))
            }
            Err(e) => return Err(rio(path, e)),
        }
    };
    let cleared = rustix::fs::fcntl_getfl(&fd)
        .and_then(|fl| rustix::fs::fcntl_setfl(&fd, fl - OFlags::NONBLOCK));
    cleared.map_err(|e| rio(path, e))?;
    Ok(fd)
}

/// Opens the folder `path` to work in it by handle (read-only, never inherited).
fn open_folder_fd(path: &Path) -> rustix::io::Result<OwnedFd> {
    rfs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf, Guard) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("po")).unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let ev = dir.path().join("po/ev");
        std::fs::write(&ev, b"evidence").unwrap();
        let g = Guard::new(&[&ev]).unwrap();
        (dir, ev, g)
    }

    /// `clanscope .` said ".: is not a file name" (review 60): a folder named `.`, `..` or
    /// ending in them is an input, and the folder holding it is guarded.
    #[test]
    fn a_folder_named_dot_or_dot_dot_is_an_input() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("po/sub")).unwrap();
        for input in [dir.path().join("po/sub/.."), dir.path().join("po/.")] {
            let g = Guard::new(&[&input]).unwrap();
            for out in [dir.path().join("po/a.txt"), dir.path().join("b.txt")] {
                let e = g.check(&out).unwrap_err().to_string();
                assert!(e.contains("clanscope writes nothing there"), "{e}");
            }
        }
        let out = tempfile::tempdir().unwrap();
        let g = Guard::new(&[&dir.path().join("po/.")]).unwrap();
        g.check(&out.path().join("c.txt")).unwrap();
    }

    #[test]
    fn creates_new_files_only() {
        let (dir, _, g) = setup();
        let p = dir.path().join("out/a.txt");
        g.write(&p, b"one").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        let e = g.write(&p, b"two").unwrap_err();
        assert!(e.to_string().ends_with("already exists; clanscope never overwrites a file: remove it or choose another name"), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        g.write(Path::new("/dev/null"), b"x").unwrap();
    }

    #[test]
    fn refuses_inputs_links_and_their_folders() {
        let (dir, ev, g) = setup();
        let hard = dir.path().join("out/hard");
        std::fs::hard_link(&ev, &hard).unwrap();
        let e = g.write(&hard, b"x").unwrap_err();
        assert!(
            e.to_string()
                .contains("(a hard link); clanscope never writes to it"),
            "{e}"
        );
        let soft = dir.path().join("out/soft");
        std::os::unix::fs::symlink(&ev, &soft).unwrap();
        let e = g.write(&soft, b"x").unwrap_err();
        assert!(
            e.to_string()
                .contains("is a symbolic link to the examined file"),
            "{e}"
        );
        let e = g.write(&dir.path().join("po/new"), b"x").unwrap_err();
        assert!(
            e.to_string()
                .contains("lies in a folder that holds an examined file"),
            "{e}"
        );
        assert!(g.replace(&hard, b"x").is_err());
        assert!(g.replace(&soft, b"x").is_err());
        assert_eq!(std::fs::read(&ev).unwrap(), b"evidence");
        // Through another name of the folder.
        let alias = dir.path().join("alias");
        std::os::unix::fs::symlink(dir.path().join("po"), &alias).unwrap();
        assert!(g.write(&alias.join("new"), b"x").is_err());
        assert!(!dir.path().join("po/new").exists());
    }

    #[test]
    fn replace_is_atomic_and_follows_no_link() {
        let (dir, _, g) = setup();
        let p = dir.path().join("out/side.json");
        g.replace(&p, b"1").unwrap();
        g.replace(&p, b"2").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"2");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"v").unwrap();
        let link = dir.path().join("out/link.json");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let e = g.replace(&link, b"x").unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"v");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
    }

    #[test]
    fn unique_names_step_over_planted_links() {
        let (dir, ev, g) = setup();
        let out = dir.path().join("out");
        std::os::unix::fs::symlink(&ev, out.join("x.export.txt")).unwrap();
        let (mut f, p) = g.create_unique(&out, "x", ".export.txt").unwrap();
        f.write_all(b"e").unwrap();
        assert_eq!(p, out.join("x-2.export.txt"));
        assert_eq!(std::fs::read(&ev).unwrap(), b"evidence");
    }

    #[test]
    fn case_folder_is_made_but_never_beside_evidence() {
        let (dir, _, g) = setup();
        let c = case_folder(Some(&dir.path().join("out/a/b")), &g).unwrap();
        assert!(c.is_dir());
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&c).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let e = case_folder(Some(&dir.path().join("po")), &g).unwrap_err();
        assert!(e.to_string().contains("holds an examined file"), "{e}");
        let e = case_folder(Some(&dir.path().join("po/sub")), &g).unwrap_err();
        assert!(
            e.to_string()
                .contains("lies in a folder that holds an examined file"),
            "{e}"
        );
        assert!(!dir.path().join("po/sub").exists());
    }

    #[test]
    fn a_terminal_is_never_an_output() {
        use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
        let (_dir, _ev, g) = setup();
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let tty = PathBuf::from(name.to_str().unwrap());
        let err = g.create(&tty).unwrap_err().to_string();
        assert!(err.contains("is a terminal"), "{err}");
        // A character device that is no terminal is written to.
        assert!(g.create(Path::new("/dev/null")).is_ok());
    }

    #[test]
    fn lock_is_exclusive() {
        let (dir, _, g) = setup();
        let out = dir.path().join("out");
        let l = g.lock(&out).unwrap();
        let fd = rfs::open(out.join(".clanscope.lock"), OFlags::RDWR, Mode::empty()).unwrap();
        assert!(rfs::flock(&fd, rfs::FlockOperation::NonBlockingLockExclusive).is_err());
        drop(l);
        assert!(rfs::flock(&fd, rfs::FlockOperation::NonBlockingLockExclusive).is_ok());
    }
}

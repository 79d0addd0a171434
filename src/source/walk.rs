//! The folder walk: every file under the paths named on the command line, in name order.
//! Folders are walked recursively; symbolic links to folders are not followed. Problems are
//! collected, not fatal, so one unreadable folder does not stop a scan.

use crate::Error;
use std::path::{Path, PathBuf};

/// The files under `paths` and the problems met on the way. `-` (standard input) and files
/// named explicitly are kept as given.
pub fn files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            files.push(p.clone());
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut files, &mut errors),
            Ok(_) => files.push(p.clone()),
            Err(e) => errors.push(Error::io(p, &e)),
        }
    }
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Error>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return errors.push(Error::io(dir, &e)),
    };
    let mut list: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    list.sort();
    for p in list {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, files, errors),
            Ok(m) if m.file_type().is_symlink() => match std::fs::metadata(&p) {
                Ok(t) if t.is_dir() => {}
                Ok(_) => files.push(p),
                Err(e) => errors.push(Error::io(&p, &e)),
            },
            Ok(_) => files.push(p),
            Err(e) => errors.push(Error::io(&p, &e)),
        }
    }
}

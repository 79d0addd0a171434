//! `clanscope export`: an annotated dump of findings or a range, as text, HTML or JSON.

use crate::address;
use crate::cli::args::{names_stdout, output_file, ExportArgs, ExportFormatArg};
use crate::cli::{engine, out};
use crate::notes::{self, Loaded, Sidecar};
use crate::output::{self, Guard};
use crate::report::export::{self as ex, ExportFormat, Selection};
use crate::report::related::{self, default_roots, Related};
use crate::report::{now_rfc3339, Compared, Document, Identity};
use crate::source::Source;
use crate::{sanitize, Error};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The folders whose files the names in writes are linked to: `--related`, else the folder
/// holding the file; none for standard input.
fn related_roots(a: &ExportArgs) -> Vec<PathBuf> {
    match () {
        _ if a.file.as_os_str() == "-" => Vec::new(),
        _ if a.related.is_empty() => default_roots(&a.file),
        _ => a.related.clone(),
    }
}

pub(crate) fn run(a: ExportArgs) -> Result<u8, Error> {
    // Standard error first: nothing, not even an error naming an input that does not open, is
    // written there before it is known not to be the evidence (`2>> EV`).
    let inputs: Vec<&Path> = std::iter::once(a.file.as_path())
        .chain(a.compare.as_deref())
        .collect();
    Guard::lenient(&inputs).check_stderr()?;
    let roots = related_roots(&a);
    let guard = guard(&a, &roots)?;
    guard.check_stderr()?;
    if let Some(c) = &a.compare {
        super::compare::check_other(&a.file, c)?;
    }
    let engine = engine(&a.signatures)?;
    let src = Source::open(&a.file)?;
    let given = a
        .origin
        .as_deref()
        .map(address::Origin::parse)
        .transpose()?;
    let settings = crate::settings::load_default()?;
    let other = a.compare.as_deref().map(Source::open).transpose()?;
    let sources: Vec<&Source> = std::iter::once(&src).chain(other.as_ref()).collect();
    super::compare::say_empty(&sources);
    let format = format_of(&a);
    let target = target(&a)?;
    if let Some(Target::File(o)) = &target {
        guard.check(o)?;
    }
    if target.is_none() {
        guard.check_stdout()?;
    }
    let data = src.safe_bytes();
    let len = data.len() as u64;
    let (report, sha, other_sha) = ex::scan_and_hash(&engine, &src, &a.file, other.as_ref());
    let sidecar = load_sidecar(a.notes.as_deref(), a.out.as_deref(), src.name(), &sha)?;
    // One file, one origin: --origin, else the one its sidecar remembers, else the default.
    let remembered = sidecar.as_ref().map(Sidecar::parsed_origin).transpose()?;
    let origin = given.or(remembered.flatten()).unwrap_or_else(|| {
        crate::settings::default_origin(None, &settings, src.name(), src.bytes())
    });
    let min = if a.all { 0.0 } else { crate::detect::SUSPECTED };
    let selection = selection(&a, origin, len, min)?;
    let excerpts = ex::excerpts(
        &report,
        len,
        origin,
        &selection,
        a.context,
        sidecar.as_ref(),
    )
    .map_err(|e| e.in_file(&a.file))?;
    let related = (a.file.as_os_str() != "-").then(|| Related::walk(&roots, related::LIMIT));
    let doc = Document {
        id: Identity {
            path: sanitize::path(&a.file),
            file: Some(&a.file),
            size: len,
            sha256: sha,
        },
        origin,
        exported: now_rfc3339(),
        report: &report,
        data,
        excerpts,
        sidecar: sidecar.as_ref(),
        min,
        other: compared(a.compare.as_deref(), other.as_ref(), other_sha),
        examiner: a.examiner.clone().or(settings.examiner),
        related: related.as_ref(),
    };
    let body = ex::render(&doc, format);
    // A file that shrank while read gave zeros for what it lost: nothing is written. The
    // compared file too: what a write destroyed was read from it.
    src.check()?;
    if let Some(o) = &other {
        o.check()?;
    }
    deliver(target, &guard, &src, &doc.id.sha256, format, &body)?;
    Ok(0)
}

/// The guard of every output: the inputs, and the folders whose files are listed for the
/// names in writes (`roots`: --related, the post office's and the connector's; else the folder
/// holding the file), nothing being written in their trees. A notes file is never an examined
/// file: refused before it is read.
fn guard(a: &ExportArgs, roots: &[PathBuf]) -> Result<Guard, Error> {
    let inputs: Vec<&Path> = std::iter::once(a.file.as_path())
        .chain(a.compare.as_deref())
        .collect();
    let mut guard = Guard::new(&inputs)?;
    for r in roots {
        guard.add_listed(r);
    }
    if let Some(n) = &a.notes {
        guard.check_notes_read(n)?;
    }
    Ok(guard)
}

/// The file compared with (`--compare`), named as the examined file is.
fn compared<'a>(
    path: Option<&'a Path>,
    src: Option<&'a Source>,
    sha256: Option<String>,
) -> Option<Compared<'a>> {
    let (path, src) = (path?, src?);
    let data = src.safe_bytes();
    Some(Compared {
        id: Identity {
            path: sanitize::path(path),
            file: Some(path),
            size: data.len() as u64,
            sha256: sha256.unwrap_or_default(),
        },
        data,
    })
}

/// The format asked for, else the output file's extension, else text.
fn format_of(a: &ExportArgs) -> ExportFormat {
    match (a.format, output_file(&a.output)) {
        (Some(ExportFormatArg::Text), _) => ExportFormat::Text,
        (Some(ExportFormatArg::Html), _) => ExportFormat::Html,
        (Some(ExportFormatArg::Json), _) => ExportFormat::Json,
        (None, Some(o)) => {
            if let (Some(e), None) = (o.extension(), ExportFormat::named_by(o)) {
                out::message(&format!(
                    "{}: '.{}' names none of the formats (.txt, .html, .json): written as text; --format chooses",
                    sanitize::path(o),
                    sanitize::line(&e.to_string_lossy().to_ascii_lowercase())
                ));
            }
            ExportFormat::from_path(o)
        }
        (None, None) => ExportFormat::Text,
    }
}

/// What to export: a range (`--from` and `--length`), the findings named, or those listed at
/// `min`.
fn selection(
    a: &ExportArgs,
    origin: address::Origin,
    len: u64,
    min: f32,
) -> Result<Selection, Error> {
    Ok(match (&a.from, &a.length) {
        (Some(_), Some(_)) if len == 0 => {
            // Said as the export's own error, not the inspector's "no address to go to".
            return Err(Error::file(
                &a.file,
                "the file is empty (0 bytes): there is no range to export; nothing was exported",
            ));
        }
        (Some(from), Some(length)) => {
            let (s, e) = address::resolve_range(Some(from), Some(length), None, origin, len)
                .map_err(|e| e.in_file(&a.file))?;
            super::said_length(length, (s, e), origin, ("export", "exported"))?;
            Selection::Range(s, e)
        }
        _ if !a.finding.is_empty() => Selection::Findings(a.finding.clone()),
        _ => Selection::Listed(min),
    })
}

/// Writes the export where it was asked to go: a file (checked against the inputs), a new file
/// in the case folder, or standard output.
fn deliver(
    target: Option<Target>,
    guard: &Guard,
    src: &Source,
    sha256: &str,
    format: ExportFormat,
    body: &str,
) -> Result<(), Error> {
    match target {
        Some(Target::File(o)) => guard.write(&o, body.as_bytes())?,
        Some(Target::InFolder(dir, o)) => {
            let case = output::case_folder(Some(&dir), guard)?;
            let path = case.join(&o);
            left_through_a_link(&case, &path, &o)?;
            guard.write(&path, body.as_bytes())?;
            out::message(&format!("exported to {}", sanitize::path(&path)));
        }
        Some(Target::Folder(dir)) => {
            let dir = output::case_folder(Some(&dir), guard)?;
            let stem = notes::evidence_stem(src.name(), sha256);
            let suffix = match format {
                ExportFormat::Text => ".export.txt",
                ExportFormat::Html => ".export.html",
                ExportFormat::Json => ".export.json",
            };
            let (mut f, path) = guard.create_unique(&dir, &stem, suffix)?;
            f.write_all(body.as_bytes())
                .map_err(|e| output::removed(Error::io(&path, &e), &path, &f))?;
            out::message(&format!("exported to {}", sanitize::path(&path)));
        }
        None => {
            out::write(body.as_bytes())?;
            if format == ExportFormat::Html && std::io::stdout().is_terminal() {
                eprintln!("clanscope: tip: -o report.html writes the HTML to a file");
            }
        }
    }
    Ok(())
}

/// A relative `-o` whose folders inside the case folder are links that lead out of it
/// (`-o link/x.txt`, `link` pointing elsewhere) is refused: it would be written outside.
fn left_through_a_link(case: &Path, path: &Path, o: &Path) -> Result<(), Error> {
    let (Ok(case), Some(Ok(folder))) = (
        std::fs::canonicalize(case),
        path.parent().map(std::fs::canonicalize),
    ) else {
        return Ok(());
    };
    if folder.starts_with(&case) {
        return Ok(());
    }
    Err(Error::refused(
        path,
        format!(
            "-o {} leads out of the case folder through a symbolic link (to {}); a relative -o names a file inside it",
            sanitize::path(o),
            sanitize::path(&folder)
        ),
    ))
}

/// Where the export goes: `-o FILE`, a relative `-o FILE` inside `--out DIR` (made if need be),
/// a new file named after the evidence in `--out DIR`, or standard output (`-o -`, or neither).
enum Target {
    File(PathBuf),
    InFolder(PathBuf, PathBuf),
    Folder(PathBuf),
}

fn target(a: &ExportArgs) -> Result<Option<Target>, Error> {
    if let (Some(o), Some(dir)) = (&a.output, &a.out) {
        if names_stdout(o) {
            return Err(Error::Usage(format!(
                "-o - writes to standard output, and --out {} names a case folder to write in: give one of them",
                sanitize::path(dir)
            )));
        }
    }
    Ok(match (output_file(&a.output), &a.out) {
        (Some(o), Some(dir)) if o.is_relative() => {
            // Inside the case folder, never out of it.
            let inside = o
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                return Err(Error::Usage(format!(
                    "-o {} with --out {}: a relative -o names a file inside the case folder, and this one leaves it (give a path of its own without --out, or a name inside)",
                    sanitize::path(o),
                    sanitize::path(dir)
                )));
            }
            Some(Target::InFolder(dir.clone(), o.to_path_buf()))
        }
        (Some(o), _) => Some(Target::File(o.to_path_buf())),
        (None, Some(dir)) => Some(Target::Folder(dir.clone())),
        (None, None) => None,
    })
}

/// Loads the sidecar named by `--notes`, or the default one in the case folder (`--out DIR` or
/// the per-user folder) if it exists. A mismatch warns.
fn load_sidecar(
    path: Option<&Path>,
    out: Option<&Path>,
    name: &str,
    sha: &str,
) -> Result<Option<Sidecar>, Error> {
    let folder = out
        .map(Path::to_path_buf)
        .or_else(output::default_case_folder);
    let Some(p) = path
        .map(Path::to_path_buf)
        .or_else(|| folder.map(|f| f.join(notes::default_path(name, sha))))
    else {
        return Ok(None);
    };
    match notes::load(&p, sha)? {
        Loaded::Applied(s, warnings) => {
            for w in warnings {
                eprintln!("clanscope: warning: {w}");
            }
            Ok(Some(s))
        }
        // Named with --notes, it is read for the export: a mistyped name would leave the
        // examiner's notes out of the report unseen (review 83 D4), so nothing is exported.
        Loaded::Missing if path.is_some() => Err(Error::file(
            &p,
            "no notes file there: --notes names a sidecar to read; nothing exported",
        )),
        Loaded::Missing => Ok(None),
        Loaded::Mismatch(w) => {
            eprintln!("clanscope: warning: {w}");
            Ok(None)
        }
    }
}

//! Carrying out what `update` asked for that touches the file system: the sidecar, exports
//! and copies, each written into the case folder, created new (never over an existing file)
//! and never onto the examined file. A copy can also go to the terminal's clipboard (OSC 52,
//! off by default): [`apply`] returns those bytes for the run loop to send.

use super::app::{App, CopyFormat, Effect};
use crate::detect::{FileKind, Report};
use crate::dump::Printer;
use crate::notes::Sidecar;
use crate::report::export::{self as ex, ExportFormat, Selection};
use crate::report::Document;
use crate::{notes, sanitize, Error};
use std::io::Write;
use std::path::PathBuf;

/// Carries out every queued effect except background searches (the run loop starts those);
/// returns what should go to the terminal's clipboard, if anything.
pub fn apply(app: &mut App) -> Option<Vec<u8>> {
    let mut clipboard = None;
    let effects = app.take_effects();
    for e in effects {
        match e {
            Effect::SaveNotes => save_notes(app),
            Effect::Export => export(app),
            Effect::Copy(f, s, e, label) => clipboard = copy(app, f, s, e, &label).or(clipboard),
            Effect::Search(p) => app.effects.push(Effect::Search(p)),
        }
    }
    clipboard
}

/// Writes `bytes` to a new file in the case folder, `BASE.SHA12.LABEL.EXT` (then `-2`, `-3`,
/// ... when the name is taken by anything, a planted link included), created through the guard:
/// exclusively, never through a link, never onto or beside an examined file. None until the
/// file's SHA-256 is known.
fn write_new(app: &App, label: &str, ext: &str, bytes: &[u8]) -> Result<Option<PathBuf>, Error> {
    let Some(sha) = app.notes().sha256() else {
        return Ok(None);
    };
    let stem = notes::evidence_stem(app.src().name(), sha);
    let label: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let (mut f, path) = app.notes.guard.create_unique(
        app.notes().out_dir(),
        &format!("{stem}.{label}"),
        &format!(".{ext}"),
    )?;
    f.write_all(bytes)
        .map_err(|e| crate::output::removed(Error::io(&path, &e), &path, &f))?;
    Ok(Some(path))
}

/// `{before}{path}{after}` for the status line: the whole path when the line holds it, else
/// the file's name in the case folder (which the status line named at start), so the name an
/// output got is never cut off.
fn fitted(app: &App, before: &str, path: &std::path::Path, after: &str) -> String {
    let whole = format!("{before}{}{after}", sanitize::path(path));
    if whole.chars().count() <= app.view().screen().width as usize {
        return whole;
    }
    let name = path
        .file_name()
        .map(|n| sanitize::path(std::path::Path::new(n)))
        .unwrap_or_default();
    format!("{before}{name} in the case folder{after}")
}

/// Saves the sidecar, merged with what another inspector saved there meanwhile (see
/// `notes::save`), and takes the merged notes in.
fn save_notes(app: &mut App) {
    let Some(sha) = app.notes().sha256().map(str::to_string) else {
        // Not saved yet: quitting now asks first (review 64: `q` lost them without a word).
        app.notes.unsaved = Some("the SHA-256 naming the notes file is not known yet".to_string());
        return app.info("kept; saved to the notes file once the file's SHA-256 is known");
    };
    let path = app.notes.sidecar_path(app.src().name(), &sha);
    let sidecar = app.notes().sidecar(app.src().name(), app.src().len(), &sha);
    match notes::save(&path, &app.notes.base, &sidecar, &app.notes.guard) {
        Ok(saved) => {
            app.notes.saved(saved);
            app.notes.unsaved = None;
            // The warning `q` gave is over: where they went is said instead, and a later
            // failure to save is warned about again.
            if std::mem::take(&mut app.quit_asked) {
                app.status = None;
            }
            app.notes.path = Some(path.clone());
            if app.status.is_none() {
                let msg = fitted(app, "notes saved to ", &path, "");
                app.info(msg);
            }
        }
        Err(e) => {
            app.notes.unsaved = Some(e.to_string());
            app.error(e.to_string());
        }
    }
}

/// What `e` exports: the selection, the finding shown (with its header), or every finding;
/// and the label its file is named after.
fn export_subject(app: &App) -> (Selection, String) {
    if let Some((s, e)) = app.selection() {
        let label = format!("range-{}-{}", app.view().addr(s), e - s);
        return (Selection::Range(s, e), label);
    }
    if let Some(f) = app.index().shown_at(app.cursor()) {
        let label = match f.header {
            Some(h) => format!("H{h}"),
            None => format!("F{}", f.id),
        };
        return (Selection::Findings(vec![f.id]), label);
    }
    if let Some(h) = app.index().header_at(app.cursor()) {
        if let Some(&w) = h.writes.first() {
            return (Selection::Findings(vec![w]), format!("H{}", h.id));
        }
    }
    (Selection::Listed(crate::detect::SUSPECTED), "all".into())
}

/// In compare mode, the compared file as an export names it: `Err` while the comparison or
/// its hash is still running.
fn compared(app: &App) -> Result<Option<crate::report::Compared<'_>>, &'static str> {
    let Some(c) = app.comparison() else {
        return Ok(None);
    };
    let (true, Some(sha)) = (c.done(), c.sha256()) else {
        return Err("the comparison is still running; export again when it is done");
    };
    let other = c.other();
    Ok(Some(crate::report::Compared {
        id: crate::report::Identity {
            path: other.name().to_string(),
            file: other.path(),
            size: other.len(),
            sha256: sha.to_string(),
        },
        data: other.safe_bytes(),
    }))
}

fn export(app: &mut App) {
    let Some(sha) = app.notes().sha256().map(str::to_string) else {
        return app.error("the SHA-256 is still being computed; export again in a moment");
    };
    // The hash was taken of the bytes the file had when opened (review 64: an export after the
    // file shrank or was written gave the old SHA-256 beside the new bytes).
    if app.src().version() != app.opened {
        return app.error("the file changed since it was opened (its size or times moved), so its SHA-256 no longer names the bytes shown: nothing exported; reopen the file to export it");
    }
    // The linked files as they are now: their times may have moved since the inspector
    // listed them (review 64).
    let related = app
        .related
        .as_ref()
        .map(|r| crate::report::related::Related::walk(&r.roots, crate::report::related::LIMIT));
    let other = match compared(app) {
        Ok(o) => o,
        Err(e) => return app.error(e),
    };
    let idx = app.index();
    let mut report = Report::new(idx.kind().unwrap_or(FileKind::Binary));
    report.findings = idx.findings().to_vec();
    report.headers = idx.headers().to_vec();
    report.messages = idx.messages().to_vec();
    let size = app.view().size();
    let sidecar = Sidecar {
        notes: app.notes().notes().to_vec(),
        ..Sidecar::new(app.src().name(), size, &sha)
    };
    let (selection, label) = export_subject(app);
    let origin = app.view().origin();
    let excerpts = match ex::excerpts(&report, size, origin, &selection, 2, Some(&sidecar)) {
        Ok(e) => e,
        Err(e) => return app.error(e.to_string()),
    };
    let doc = Document {
        id: crate::report::Identity {
            path: app.src().name().to_string(),
            file: app.src().path(),
            size,
            sha256: sha,
        },
        origin,
        exported: crate::report::now_rfc3339(),
        report: &report,
        data: app.data(),
        excerpts,
        sidecar: Some(&sidecar),
        min: crate::detect::SUSPECTED,
        other,
        examiner: app.notes().examiner.clone(),
        related: related.as_ref(),
    };
    let text = ex::render(&doc, ExportFormat::Text);
    match write_new(app, &label, "export.txt", text.as_bytes()) {
        Ok(Some(path)) => {
            let msg = fitted(app, &format!("exported {label} to "), &path, "");
            app.info(msg)
        }
        Ok(None) => app.error("the SHA-256 is still being computed; export again in a moment"),
        Err(e) => app.error(e.to_string()),
    }
}

/// The bytes `[s, e)` in a copy format.
pub fn render_copy(
    data: &[u8],
    origin: crate::address::Origin,
    f: CopyFormat,
    s: u64,
    e: u64,
) -> Vec<u8> {
    let b = &data[s as usize..e as usize];
    match f {
        CopyFormat::Raw => b.to_vec(),
        CopyFormat::Hex => {
            let lines: Vec<String> = b
                .chunks(16)
                .map(|c| {
                    c.iter()
                        .map(|x| format!("{x:02X}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            format!("{}\n", lines.join("\n")).into_bytes()
        }
        CopyFormat::Debug => Printer::new(origin)
            .for_size(data.len() as u64)
            .to_string(data, s, e)
            .into_bytes(),
        CopyFormat::CArray => {
            let name = format!("bytes_{:X}", s);
            let body: Vec<String> = b
                .chunks(12)
                .map(|c| {
                    let v: Vec<String> = c.iter().map(|x| format!("0x{x:02X}")).collect();
                    format!("    {},", v.join(", "))
                })
                .collect();
            format!(
                "/* {} at {} (file offset {s}) */\nconst unsigned char {name}[{}] = {{\n{}\n}};\n",
                crate::address::bytes(b.len()),
                origin.address(s),
                b.len(),
                body.join("\n")
            )
            .into_bytes()
        }
    }
}

fn copy(app: &mut App, f: CopyFormat, s: u64, e: u64, label: &str) -> Option<Vec<u8>> {
    let ext = match f {
        CopyFormat::Hex => "hex.txt",
        CopyFormat::Debug => "debug.txt",
        CopyFormat::CArray => "c",
        CopyFormat::Raw => "bin",
    };
    let bytes = render_copy(app.data(), app.view().origin(), f, s, e);
    let path = match write_new(app, label, ext, &bytes) {
        Ok(Some(path)) => path,
        Ok(None) => {
            app.error("the SHA-256 is still being computed; copy again in a moment");
            return None;
        }
        Err(err) => {
            app.error(err.to_string());
            return None;
        }
    };
    let clip = (app.settings().clipboard && f != CopyFormat::Raw).then(|| osc52(&bytes));
    let also = if clip.is_some() {
        " and the clipboard"
    } else {
        ""
    };
    let msg = fitted(app, &format!("copied {} byte(s) to ", e - s), &path, also);
    app.info(msg);
    clip
}

/// The OSC 52 sequence that puts `text` on the clipboard: base64 only, so no byte of the file
/// reaches the terminal raw.
pub fn osc52(text: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let mut out = b"\x1b]52;c;".to_vec();
    out.extend(
        base64::engine::general_purpose::STANDARD
            .encode(text)
            .bytes(),
    );
    out.push(0x07);
    out
}

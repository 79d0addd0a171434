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
use crate::{notes, output, sanitize, Error};
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Creates `path` new (not over an existing file, not onto the evidence) with `bytes`.
fn write_new(app: &App, path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let inputs: Vec<&Path> = app.src().path().into_iter().collect();
    output::refuse_inputs(path, &inputs)?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(path, &e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, &e))
}

/// A free name in the case folder: `BASE.SHA12.LABEL.EXT`, then `-2`, `-3`, ... when taken.
fn free_name(app: &App, label: &str, ext: &str) -> Option<PathBuf> {
    let sha = app.notes().sha256()?;
    let stem = notes::default_path(app.src().name(), sha)
        .to_string_lossy()
        .replace(".clanscope-notes.json", "");
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
    let dir = app.notes().out_dir();
    (1..1000)
        .map(|k| {
            let n = if k == 1 {
                format!("{stem}.{label}.{ext}")
            } else {
                format!("{stem}.{label}-{k}.{ext}")
            };
            dir.join(n)
        })
        .find(|p| !p.exists())
}

fn save_notes(app: &mut App) {
    let Some(sha) = app.notes().sha256().map(str::to_string) else {
        return app.info("note kept; it is saved once the file's SHA-256 is known");
    };
    let path = app.notes.sidecar_path(app.src().name(), &sha);
    let sidecar = app.notes().sidecar(app.src().name(), app.src().len(), &sha);
    match sidecar.save(&path) {
        Ok(()) => {
            app.notes.path = Some(path.clone());
            if app.status.is_none() {
                app.info(format!("notes saved to {}", sanitize::path(&path)));
            }
        }
        Err(e) => app.error(e.to_string()),
    }
}

/// What `e` exports: the selection, the finding shown (with its header), or every finding;
/// and the label its file is named after.
fn export_subject(app: &App) -> (Selection, String) {
    if let Some((s, e)) = app.selection() {
        let label = format!("range-{}-{}", app.view().origin().address(s), e - s);
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

fn export(app: &mut App) {
    let Some(sha) = app.notes().sha256().map(str::to_string) else {
        return app.error("the SHA-256 is still being computed; export again in a moment");
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
        path: app.src().name().to_string(),
        size,
        sha256: sha,
        origin,
        exported: crate::report::now_rfc3339(),
        report: &report,
        data: app.data(),
        excerpts,
        sidecar: Some(&sidecar),
        min: crate::detect::SUSPECTED,
        other: None,
        examiner: app.notes().examiner.clone(),
    };
    let text = ex::render(&doc, ExportFormat::Text);
    let Some(path) = free_name(app, &label, "export.txt") else {
        return app.error("no free export name in the case folder");
    };
    match write_new(app, &path, text.as_bytes()) {
        Ok(()) => app.info(format!("exported {label} to {}", sanitize::path(&path))),
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
        CopyFormat::Debug => Printer::new(origin).to_string(data, s, e).into_bytes(),
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
                "/* {} bytes at {} (file offset {s}) */\nconst unsigned char {name}[{}] = {{\n{}\n}};\n",
                b.len(),
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
    let Some(path) = free_name(app, label, ext) else {
        app.error("the SHA-256 is still being computed; copy again in a moment");
        return None;
    };
    if let Err(err) = write_new(app, &path, &bytes) {
        app.error(err.to_string());
        return None;
    }
    let clip = (app.settings().clipboard && f != CopyFormat::Raw).then(|| osc52(&bytes));
    let also = if clip.is_some() {
        " and the clipboard"
    } else {
        ""
    };
    app.info(format!(
        "copied {} byte(s) to {}{also}",
        e - s,
        sanitize::path(&path)
    ));
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

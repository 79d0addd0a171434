//! `clanscope export`: an annotated dump of findings or a range, as text, HTML or JSON.

use crate::address;
use crate::cli::args::{ExportArgs, ExportFormatArg};
use crate::cli::{engine, out};
use crate::notes::{self, Loaded, Sidecar};
use crate::report::export::{self as ex, ExportFormat, Selection};
use crate::report::{now_rfc3339, Document};
use crate::source::Source;
use crate::{output, sanitize, Error};
use std::io::IsTerminal;
use std::path::Path;

pub(crate) fn run(a: ExportArgs) -> Result<u8, Error> {
    let engine = engine(&a.signatures)?;
    let src = Source::open(&a.file)?;
    let (origin, settings) = file_origin(a.origin.as_deref(), &src)?;
    let other = a.compare.as_deref().map(Source::open).transpose()?;
    let format = match (a.format, &a.output) {
        (Some(ExportFormatArg::Text), _) => ExportFormat::Text,
        (Some(ExportFormatArg::Html), _) => ExportFormat::Html,
        (Some(ExportFormatArg::Json), _) => ExportFormat::Json,
        (None, Some(o)) => ExportFormat::from_path(o),
        (None, None) => ExportFormat::Text,
    };
    if let Some(o) = &a.output {
        output::refuse_inputs(o, &[&a.file])?;
    }
    let data = src.safe_bytes();
    let len = data.len() as u64;
    let (report, sha) = ex::scan_and_hash(&engine, &src, &a.file);
    let sidecar = load_sidecar(a.notes.as_deref(), src.name(), &sha)?;
    let min = if a.all { 0.0 } else { crate::detect::SUSPECTED };
    let selection = match (&a.from, &a.length) {
        (Some(from), Some(length)) => {
            let (s, e) = address::resolve_range(Some(from), Some(length), None, origin, len)
                .map_err(|e| e.in_file(&a.file))?;
            Selection::Range(s, e)
        }
        _ if !a.finding.is_empty() => Selection::Findings(a.finding.clone()),
        _ => Selection::Listed(min),
    };
    let excerpts = ex::excerpts(
        &report,
        len,
        origin,
        &selection,
        a.context,
        sidecar.as_ref(),
    )
    .map_err(|e| e.in_file(&a.file))?;
    let doc = Document {
        path: sanitize::path(&a.file),
        size: len,
        sha256: sha,
        origin,
        exported: now_rfc3339(),
        report: &report,
        data,
        excerpts,
        sidecar: sidecar.as_ref(),
        min,
        other: other.as_ref().map(|o| o.safe_bytes()),
        examiner: a.examiner.clone().or(settings.examiner),
    };
    let body = ex::render(&doc, format);
    match &a.output {
        Some(o) => output::write(o, body.as_bytes(), &[&a.file])?,
        None => {
            out::write(body.as_bytes())?;
            if format == ExportFormat::Html && std::io::stdout().is_terminal() {
                eprintln!("clanscope: tip: -o report.html writes the HTML to a file");
            }
        }
    }
    Ok(0)
}

/// The origin `src` opens at (`--origin`, a settings rule, the demo's) and the settings.
pub(crate) fn file_origin(
    given: Option<&str>,
    src: &Source,
) -> Result<(crate::address::Origin, crate::settings::Settings), Error> {
    let given = given.map(crate::address::Origin::parse).transpose()?;
    let settings = crate::settings::load_default()?;
    let o = crate::settings::default_origin(given, &settings, src.name(), src.bytes());
    Ok((o, settings))
}

/// Loads the sidecar named by `--notes`, or the default one if it exists. A mismatch warns.
fn load_sidecar(path: Option<&Path>, name: &str, sha: &str) -> Result<Option<Sidecar>, Error> {
    let p = path
        .map(Path::to_path_buf)
        .unwrap_or_else(|| notes::default_path(name, sha));
    match notes::load(&p, sha)? {
        Loaded::Applied(s) => Ok(Some(s)),
        Loaded::Missing => {
            if path.is_some() {
                eprintln!("clanscope: {}: no notes file there yet", sanitize::path(&p));
            }
            Ok(None)
        }
        Loaded::Mismatch(w) => {
            eprintln!("clanscope: warning: {w}");
            Ok(None)
        }
    }
}

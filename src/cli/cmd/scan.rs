//! `clanscope scan`: files and folders, results written as each file finishes, a progress bar
//! on a terminal, and grep's exit codes.

use crate::cli::args::{ScanArgs, ScanFormatArg};
use crate::cli::{engine, origin, out};
use crate::detect::batch::{Batch, Scanned};
use crate::detect::MAX_FINDINGS;
use crate::report::scan::{ScanFormat, ScanWriter};
use crate::source::walk;
use crate::{sanitize, Error};
use std::io::IsTerminal;
use std::path::Path;

pub(crate) fn run(a: ScanArgs) -> Result<u8, Error> {
    let origin = origin(&a.origin)?;
    let engine = engine(&a.signatures)?;
    let min = if a.all {
        0.0
    } else {
        a.min_confidence.unwrap_or(crate::detect::SUSPECTED)
    };
    let format = match a.format {
        ScanFormatArg::Text => ScanFormat::Text,
        ScanFormatArg::Json => ScanFormat::Json,
        ScanFormatArg::Csv => ScanFormat::Csv,
    };
    let (files, walk_errors) = walk::files(&a.paths);
    let mut had_error = !walk_errors.is_empty();
    for e in &walk_errors {
        eprintln!("clanscope: {e}");
    }
    let stdout = std::io::stdout();
    let mut writer = ScanWriter::new(stdout.lock(), format, origin, min)
        .map_err(|e| Error::io("standard output", &e))?;
    for e in &walk_errors {
        writer.error(e);
    }
    let batch = Batch::new(files.len());
    let bar = progress_bar(&files);
    let mut write_err: Option<std::io::Error> = None;
    std::thread::scope(|s| {
        let ticker = bar.as_ref().map(|pb| {
            let batch = &batch;
            s.spawn(move || {
                while !pb.is_finished() {
                    pb.set_position(batch.progress());
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            })
        });
        batch.run(&engine, &files, &mut |_, path, outcome| match outcome {
            Scanned::Done { source, report } => {
                notices(path, &report);
                if write_err.is_none() {
                    let r = writer.file(path, source.len(), source, &report);
                    if let Err(e) = r {
                        batch.cancel();
                        write_err = Some(e);
                    }
                }
            }
            Scanned::Failed(e) => {
                eprintln!("clanscope: {e}");
                writer.error(&e);
                had_error = true;
            }
        });
        if let Some(pb) = &bar {
            pb.finish_and_clear();
        }
        if let Some(t) = ticker {
            let _ = t.join();
        }
    });
    let found = writer.found();
    let finished = match write_err {
        Some(e) => Err(e),
        None => writer.finish().map(|_| ()),
    };
    out::result(finished)?;
    Ok(if had_error {
        2
    } else if found {
        1
    } else {
        0
    })
}

/// What the examiner should know about a file beyond its findings.
fn notices(path: &Path, r: &crate::detect::Report) {
    if let Some(n) = r.shrank_to {
        eprintln!(
            "clanscope: {}: the file shrank to {n} bytes while open; scanned that much",
            sanitize::path(path)
        );
    }
    if r.dropped > 0 {
        eprintln!(
            "clanscope: {}: {} more findings not kept (at most {MAX_FINDINGS} a file, the first by offset)",
            sanitize::path(path),
            r.dropped
        );
    }
}

/// A progress bar on standard error for large inputs when it is a terminal.
fn progress_bar(files: &[std::path::PathBuf]) -> Option<indicatif::ProgressBar> {
    let total: u64 = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    (std::io::stderr().is_terminal() && total > (64 << 20)).then(|| {
        let pb = indicatif::ProgressBar::new(total);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .expect("valid template"),
        );
        pb
    })
}

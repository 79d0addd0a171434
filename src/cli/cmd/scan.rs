//! `clanscope scan`: files and folders, results written as each file finishes, a progress bar
//! on a terminal, and grep's exit codes.

use crate::address::Origin;
use crate::cli::args::{ScanArgs, ScanFormatArg};
use crate::cli::{engine, out};
use crate::detect::batch::{Batch, Scanned};
use crate::detect::MAX_FINDINGS;
use crate::report::scan::{ScanFormat, ScanWriter};
use crate::settings::Origins;
use crate::source::walk;
use crate::{sanitize, Error};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub(crate) fn run(a: ScanArgs) -> Result<u8, Error> {
    let inputs: Vec<&std::path::Path> = a.paths.iter().map(|p| p.as_path()).collect();
    let guard = crate::output::Guard::lenient(&inputs);
    guard.check_stderr()?;
    guard.check_stdout()?;
    let origins = Origins::for_command(a.origin.as_deref())?;
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
    let stdout = std::io::stdout();
    // A terminal sees each line as it comes; a pipe or file gets large writes.
    let out: Box<dyn Write> = if stdout.is_terminal() {
        Box::new(out::stdout())
    } else {
        Box::new(std::io::BufWriter::with_capacity(64 << 10, out::stdout()))
    };
    let writer = ScanWriter::new(out, format, Origin::ZERO, min)
        .map_err(|e| Error::io("standard output", &e))?;
    let mut results = Results {
        writer,
        origins,
        had_error: false,
        write_err: None,
    };
    let batch = Batch::new();
    with_progress(&a.paths, &batch, || {
        batch.run(&engine, walk::walk(&a.paths), &mut |_, outcome| {
            results.take(&batch, outcome)
        })
    });
    let found = results.writer.found();
    let finished = match results.write_err {
        Some(e) => Err(e),
        None => results.writer.finish().map(|_| ()),
    };
    out::result(finished)?;
    Ok(if results.had_error {
        2
    } else if found {
        1
    } else {
        0
    })
}

/// Where the outcomes of a scan go, in walk order.
struct Results<W: Write> {
    writer: ScanWriter<W>,
    /// Each file's origin: --origin, its sidecar's, or the default.
    origins: Origins,
    had_error: bool,
    /// The output failed (a closed pipe): the batch is cancelled, nothing more is written.
    write_err: Option<std::io::Error>,
}

impl<W: Write> Results<W> {
    fn take(&mut self, batch: &Batch, outcome: Scanned<'_>) {
        match outcome {
            Scanned::Done {
                path,
                input,
                report,
                empty,
            } => {
                if let Some(said) = empty {
                    eprintln!("clanscope: {}: {said}", sanitize::path(path));
                }
                notices(path, &report);
                // A file that shrank while scanned: said once (here, not again at exit), and an
                // error entry as the exit code 2 it gives.
                if let Some(len) = report.shrank_to {
                    let e = Error::ShrankWhileScanned {
                        path: sanitize::path(path),
                        len,
                        past_end: report.past_end,
                    };
                    eprintln!("clanscope: {e}");
                    crate::cli::shrink_said(path);
                    self.writer.error(&e);
                    self.had_error = true;
                }
                if self.write_err.is_none() {
                    let bytes = input.safe_bytes();
                    let origin = self.origins.of_bytes(path, bytes).unwrap_or_else(|e| {
                        eprintln!("clanscope: {e}; its addresses follow the default origin");
                        self.origins.without_sidecar(path, bytes)
                    });
                    self.writer.set_origin(origin);
                    let size = input.bytes().len() as u64;
                    if let Err(e) = self.writer.file(path, size, input, &report) {
                        batch.cancel();
                        self.write_err = Some(e);
                    }
                }
            }
            // Listed, not read: not an error of the scan.
            Scanned::Skipped { reason, .. } => {
                eprintln!("clanscope: {reason}");
                self.writer.error(&reason);
            }
            Scanned::Failed(e) => {
                eprintln!("clanscope: {e}");
                self.writer.error(&e);
                self.had_error = true;
            }
        }
    }
}

/// Runs `f` with a progress bar on standard error (when it is a terminal and the input is
/// large or a folder) that follows the batch.
fn with_progress(paths: &[PathBuf], batch: &Batch, f: impl FnOnce()) {
    let bar = progress_bar(paths);
    std::thread::scope(|s| {
        let ticker = bar.as_ref().map(|pb| {
            s.spawn(move || {
                while !pb.is_finished() {
                    pb.set_position(batch.progress());
                    pb.set_message(format!("{} files", batch.files_done()));
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            })
        });
        f();
        if let Some(pb) = &bar {
            pb.finish_and_clear();
        }
        if let Some(t) = ticker {
            let _ = t.join();
        }
    });
}

/// What the examiner should know about a file beyond its findings.
fn notices(path: &Path, r: &crate::detect::Report) {
    if r.dropped > 0 {
        let headers = match r.headers_dropped {
            0 => String::new(),
            n => format!(", and {n} damaged header(s) of only those"),
        };
        eprintln!(
            "clanscope: {}: {} more findings not kept (at most {MAX_FINDINGS} a file, the first by offset){headers}",
            sanitize::path(path),
            r.dropped
        );
    }
}

/// A progress bar on standard error when it is a terminal, for a folder (bytes and files
/// scanned, no total: the walk is not counted ahead, which would cost a `stat` a file) or for
/// files named on the command line that hold more than 64 MiB.
fn progress_bar(paths: &[PathBuf]) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let metas: Vec<std::fs::Metadata> = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .collect();
    if metas.iter().any(|m| m.is_dir()) {
        let pb = indicatif::ProgressBar::no_length();
        pb.set_style(
            indicatif::ProgressStyle::with_template("{bytes} {bytes_per_sec} {msg}")
                .expect("valid template"),
        );
        return Some(pb);
    }
    let total: u64 = metas.iter().map(|m| m.len()).sum();
    (total > (64 << 20)).then(|| {
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

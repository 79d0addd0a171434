//! The commands behind the CLI: each takes parsed arguments, does its work through the library,
//! and returns the exit code (errors become one line on stderr and exit code 2 in main).

use crate::address::{self, Origin};
use crate::detect::{self, Control, Engine, Report};
use crate::dump::{parse, Printer};
use crate::source::Source;
use crate::{export, io_cause, sanitize, Error};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Text,
    Html,
    Json,
}

pub struct DumpArgs {
    pub origin: Option<String>,
    pub from: Option<String>,
    pub length: Option<String>,
    pub to: Option<String>,
    pub squeeze: bool,
    pub color: ColorChoice,
    pub file: PathBuf,
}

pub struct UndumpArgs {
    pub output: Option<PathBuf>,
    pub split: Option<PathBuf>,
    pub strict: bool,
    pub input: PathBuf,
}

pub struct ScanArgs {
    pub format: ScanFormat,
    pub min_confidence: f32,
    pub origin: Option<String>,
    pub signatures: Option<PathBuf>,
    pub paths: Vec<PathBuf>,
}

pub struct ExportArgs {
    pub output: Option<PathBuf>,
    pub format: Option<ExportFormat>,
    pub context: u64,
    pub findings: Vec<usize>,
    pub from: Option<String>,
    pub length: Option<String>,
    pub origin: Option<String>,
    pub notes: Option<PathBuf>,
    pub signatures: Option<PathBuf>,
    pub all: bool,
    pub file: PathBuf,
}

pub struct ViewArgs {
    pub origin: Option<String>,
    pub signatures: Option<PathBuf>,
    pub notes: Option<PathBuf>,
    pub path: Option<PathBuf>,
}

pub fn parse_origin(o: &Option<String>) -> Result<Origin, Error> {
    match o {
        Some(s) => Origin::parse(s).map_err(Error),
        None => Ok(Origin::ZERO),
    }
}

pub fn engine(signatures: &Option<PathBuf>) -> Result<Engine, Error> {
    match signatures {
        Some(p) => Ok(Engine::new(
            detect::signatures::SignatureSet::load(p).map_err(Error)?,
        )),
        None => Ok(Engine::default()),
    }
}

/// Writes to stdout; a closed pipe (`| head`) ends the command quietly.
fn write_out(r: std::io::Result<()>) -> Result<(), Error> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error(format!("standard output: {}", io_cause(&e)))),
        Ok(()) => Ok(()),
    }
}

/// Resolves `--from`/`--length`/`--to` against a file of `len` bytes into `[start, end)`.
pub fn resolve_range(
    from: &Option<String>,
    length: &Option<String>,
    to: &Option<String>,
    origin: Origin,
    len: u64,
) -> Result<(u64, u64), String> {
    let start = match from {
        Some(f) => address::parse_location(f, origin, len)?,
        None => 0,
    };
    let end = match (length, to) {
        (Some(l), _) => start.saturating_add(address::parse_count(l)?).min(len),
        (None, Some(t)) => {
            let last = address::parse_location(t, origin, len)?;
            if last < start {
                return Err(format!("--to {} lies before --from", sanitize::line(t)));
            }
            last + 1
        }
        (None, None) => len,
    };
    Ok((start, end))
}

pub fn dump(a: DumpArgs) -> Result<u8, Error> {
    let origin = parse_origin(&a.origin)?;
    let src = Source::open(&a.file)?;
    if src.is_empty() {
        if a.from.is_some() || a.to.is_some() {
            return Err(Error::at(
                &a.file,
                "the file is empty: there is no address to dump from",
            ));
        }
        eprintln!("clanscope: {}: empty file (0 bytes)", src.name());
        return Ok(0);
    }
    let len = src.current_len().min(src.len());
    let (start, end) =
        resolve_range(&a.from, &a.length, &a.to, origin, len).map_err(|e| Error::at(&a.file, e))?;
    let stdout = std::io::stdout();
    let color = match a.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    src.advise_sequential();
    let printer = Printer {
        origin,
        squeeze: a.squeeze,
        color,
    };
    write_out(printer.write_range_paged(src.safe_bytes(), start, end, stdout.lock(), &src))?;
    Ok(0)
}

pub fn undump(a: UndumpArgs) -> Result<u8, Error> {
    let src = Source::open(&a.input)?;
    let text = String::from_utf8_lossy(src.bytes());
    let u = parse::parse(&text);
    let name = src.name().to_string();
    for w in &u.warnings {
        eprintln!(
            "clanscope: {name}: warning: {}",
            sanitize::line(&w.to_string())
        );
    }
    if u.blocks.is_empty() {
        return Err(Error(format!("{name}: no dump lines found")));
    }
    if a.strict && !u.warnings.is_empty() {
        return Err(Error(format!(
            "{name}: {} warning(s) and --strict given; nothing written",
            u.warnings.len()
        )));
    }
    for b in &u.blocks {
        eprintln!(
            "{}-{}  {} bytes  (from line {})",
            b.start_label(),
            b.end_label(),
            b.bytes.len(),
            b.line
        );
    }
    let bytes = u.bytes();
    match &a.output {
        Some(out) => {
            refuse_same_file(out, &a.input)?;
            std::fs::write(out, &bytes).map_err(|e| Error::at(out, io_cause(&e)))?;
        }
        None if a.split.is_none() => {
            let stdout = std::io::stdout();
            if stdout.is_terminal() {
                return Err(Error("refusing to write binary data to a terminal: use -o FILE or redirect standard output".into()));
            }
            write_out(stdout.lock().write_all(&bytes))?;
        }
        None => {}
    }
    if let Some(dir) = &a.split {
        std::fs::create_dir_all(dir).map_err(|e| Error::at(dir, io_cause(&e)))?;
        let mut used = std::collections::HashSet::new();
        for b in &u.blocks {
            let stem = b.file_stem();
            let mut name = format!("{stem}.bin");
            let mut k = 2;
            while !used.insert(name.clone()) {
                name = format!("{stem}-{k}.bin");
                k += 1;
            }
            let p = dir.join(&name);
            std::fs::write(&p, &b.bytes).map_err(|e| Error::at(&p, io_cause(&e)))?;
        }
    }
    Ok(0)
}

/// An output path must never be the examined file.
pub fn refuse_same_file(out: &Path, input: &Path) -> Result<(), Error> {
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(out), std::fs::canonicalize(input)) {
        if a == b {
            return Err(Error::at(
                out,
                "is the examined file; clanscope never writes to it",
            ));
        }
    }
    Ok(())
}

/// Every regular file under `paths` (folders walked recursively, in name order, symbolic links
/// to folders not followed). Problems are collected, not fatal.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Error>) {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => return errors.push(Error::at(dir, io_cause(&e))),
        };
        let mut list: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        list.sort();
        for p in list {
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => walk(&p, files, errors),
                Ok(m) if m.file_type().is_symlink() => match std::fs::metadata(&p) {
                    Ok(t) if t.is_dir() => {}
                    Ok(_) => files.push(p),
                    Err(e) => errors.push(Error::at(&p, io_cause(&e))),
                },
                Ok(_) => files.push(p),
                Err(e) => errors.push(Error::at(&p, io_cause(&e))),
            }
        }
    }
    for p in paths {
        if p.as_os_str() == "-" {
            files.push(p.clone());
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut files, &mut errors),
            Ok(_) => files.push(p.clone()),
            Err(e) => errors.push(Error::at(p, io_cause(&e))),
        }
    }
    (files, errors)
}

/// One scanned file, or why it could not be.
pub struct Scanned {
    pub path: PathBuf,
    pub size: u64,
    pub result: Result<Report, Error>,
}

/// Scans files on all cores: many files run side by side, one large file splits into chunks.
pub fn scan_files(
    engine: &Engine,
    files: &[PathBuf],
    progress: Option<&indicatif::ProgressBar>,
) -> Vec<Scanned> {
    let cores = engine.threads.max(1);
    let per_file = if files.len() == 1 {
        engine.clone()
    } else {
        Engine {
            threads: 1,
            ..engine.clone()
        }
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Scanned>>> =
        files.iter().map(|_| std::sync::Mutex::new(None)).collect();
    // One control per file; a ticker sums their progress for the bar, bytes within files too.
    let controls: Vec<Control> = files.iter().map(|_| Control::new()).collect();
    let finished = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        if let Some(pb) = progress {
            let (controls, finished) = (&controls, &finished);
            s.spawn(move || {
                while !finished.load(std::sync::atomic::Ordering::Relaxed) {
                    pb.set_position(controls.iter().map(|c| c.progress().0).sum());
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            });
        }
        let workers: Vec<_> = (0..cores.min(files.len().max(1)))
            .map(|_| {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let scanned = match Source::open(path) {
                        Ok(src) => {
                            src.advise_sequential();
                            let report = per_file.scan(&src, path, &controls[i]);
                            Scanned {
                                path: path.clone(),
                                size: src.len(),
                                result: Ok(report),
                            }
                        }
                        Err(e) => Scanned {
                            path: path.clone(),
                            size: 0,
                            result: Err(e),
                        },
                    };
                    *results[i].lock().expect("not poisoned") = Some(scanned);
                })
            })
            .collect();
        for w in workers {
            w.join().expect("scan worker");
        }
        finished.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .expect("not poisoned")
                .expect("every file scanned")
        })
        .collect()
}

pub fn scan(a: ScanArgs) -> Result<u8, Error> {
    let origin = parse_origin(&a.origin)?;
    let engine = engine(&a.signatures)?;
    let (files, walk_errors) = collect_files(&a.paths);
    let total: u64 = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let pb = (std::io::stderr().is_terminal() && total > (64 << 20)).then(|| {
        let pb = indicatif::ProgressBar::new(total);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .expect("valid template"),
        );
        pb
    });
    let scanned = scan_files(&engine, &files, pb.as_ref());
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    let mut had_error = !walk_errors.is_empty();
    for e in &walk_errors {
        eprintln!("clanscope: {e}");
    }
    for s in &scanned {
        if let Err(e) = &s.result {
            eprintln!("clanscope: {e}");
            had_error = true;
        }
        if let Ok(r) = &s.result {
            if let Some(n) = r.shrank_to {
                eprintln!(
                    "clanscope: {}: the file shrank to {n} bytes while open; scanned that much",
                    sanitize::path(&s.path)
                );
            }
            if r.dropped > 0 {
                eprintln!("clanscope: {}: {} more findings not kept (at most {} a file, the first by offset)", sanitize::path(&s.path), r.dropped, detect::MAX_FINDINGS);
            }
        }
    }
    let text = match a.format {
        ScanFormat::Json => {
            let mut v = serde_json::to_string_pretty(&export::scan_json(
                &scanned,
                &walk_errors,
                origin,
                a.min_confidence,
            ))
            .expect("serializable");
            v.push('\n');
            v
        }
        ScanFormat::Csv => export::scan_csv(&scanned, origin, a.min_confidence),
        ScanFormat::Text => export::scan_text(&scanned, origin, a.min_confidence),
    };
    write_out(std::io::stdout().lock().write_all(text.as_bytes()))?;
    let found = scanned
        .iter()
        .filter_map(|s| s.result.as_ref().ok())
        .any(|r| r.findings.iter().any(|f| f.confidence >= a.min_confidence));
    Ok(if had_error {
        2
    } else if found {
        1
    } else {
        0
    })
}

pub fn export(a: ExportArgs) -> Result<u8, Error> {
    export::run(a)
}

pub fn view(a: ViewArgs) -> Result<u8, Error> {
    crate::tui::run(a)
}

//! `clanscope undump`: dump text back to bytes, streamed. The text is read line by line and the
//! bytes are written as they are found, so memory stays flat whatever the size of the dump; the
//! first warnings of each kind are printed and the rest summarized. `--strict` reads the text
//! once to check it and writes only if that reading gave no warning. Outputs go through the
//! guard: never over the dump text itself, never beside it, never over an existing file.

use crate::cli::args::{names_stdout, output_file, UndumpArgs};
use crate::cli::{out, stop};
use crate::dump::parse::{self, Span, Warning, WarningKind};
use crate::output::{self, Guard};
use crate::{sanitize, Error};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Warnings of one kind printed in full; the rest are counted.
const WARN_EACH: u64 = 10;
/// Blocks listed on standard error; the rest are counted.
const LIST_BLOCKS: u64 = 1000;
/// Dump text from standard input that `--strict` holds in memory for its two readings; more is
/// refused, so peak memory stays under 16 MiB (README, undump).
pub(crate) const STRICT_STDIN_CAP: u64 = 6 << 20;

pub(crate) fn run(a: UndumpArgs) -> Result<u8, Error> {
    let stdin = a.dump_text.as_os_str() == "-";
    let name = if stdin {
        "standard input".to_string()
    } else {
        sanitize::path(&a.dump_text)
    };
    Guard::lenient(&[&a.dump_text]).check_stderr()?;
    let guard = Guard::new(&[&a.dump_text])?.for_dump_text();
    guard.check_stderr()?;
    if let Some(o) = output_file(&a.output) {
        guard.check(o)?;
    }
    let to_stdout = to_stdout(&a);
    if to_stdout {
        guard.check_stdout()?;
    }
    if to_stdout && io::stdout().is_terminal() {
        return Err(Error::refused(
            "standard output",
            "refusing to write binary data to a terminal: use -o FILE or redirect standard output",
        ));
    }
    let mut input = Input::open(&a.dump_text, stdin, a.strict)?;
    if a.strict {
        check_strictly(&mut input, &name)?;
    }
    // A --split folder this command makes is removed again if the command ends with nothing
    // in it (a failure, no dump lines): no empty folder is left as if it held the output.
    let made = a.split.as_ref().is_some_and(|d| !d.exists());
    let split = match &a.split {
        Some(d) => Some(output::case_folder(Some(d), &guard)?),
        None => None,
    };
    let made = split.clone().filter(|_| made);
    let ran = write_all(&a, &name, &guard, input, split, stdin);
    if let (Err(_), Some(d)) = (&ran, &made) {
        if std::fs::remove_dir(d).is_ok() {
            out::message(&format!(
                "{}: made for --split and left empty; removed",
                sanitize::path(d)
            ));
        }
    }
    ran
}

/// The bytes go to standard output: asked for by name (`-o -`), or no -o and no --split.
fn to_stdout(a: &UndumpArgs) -> bool {
    a.output.as_deref().is_some_and(names_stdout) || a.output.is_none() && a.split.is_none()
}

/// Reads the dump text and writes its bytes where they go; `Ok(0)` when done.
fn write_all(
    a: &UndumpArgs,
    name: &str,
    guard: &Guard,
    mut input: Input,
    split: Option<PathBuf>,
    stdin: bool,
) -> Result<u8, Error> {
    // Ctrl-C (and SIGTERM, SIGHUP) removes the files not finished, as a failure does.
    stop::watch();
    let to = output_file(&a.output).map(Path::to_path_buf);
    let mut sink = Writer::new(name, guard, to, to_stdout(a), split);
    let parsed = parse::undump(input.reader()?, parse::FILL_LIMIT, &mut sink);
    if let Err(e) = parsed.and_then(|s| sink.finish().map(|()| s)) {
        let e = sink
            .error
            .take()
            .unwrap_or_else(|| Error::io(&a.dump_text, &e));
        return Err(sink.discard(e));
    }
    // Every byte is written: a signal from here on leaves the files.
    stop::take();
    if sink.blocks == 0 {
        let fifo = !stdin
            && std::fs::metadata(&a.dump_text).is_ok_and(|m| {
                use std::os::unix::fs::FileTypeExt;
                m.file_type().is_fifo()
            });
        let message = match fifo {
            true => "no dump lines found (a FIFO that no writer held open when clanscope opened it reads as nothing)",
            false => "no dump lines found",
        };
        return Err(Error::Undump {
            path: name.to_string(),
            message: message.into(),
        });
    }
    Ok(0)
}

/// `--strict`: a first reading that writes nothing; any warning ends the command.
fn check_strictly(input: &mut Input, name: &str) -> Result<(), Error> {
    let mut seen = Seen::default();
    parse::undump(input.reader()?, parse::FILL_LIMIT, &mut seen).map_err(|e| Error::Io {
        path: name.to_string(),
        cause: crate::error::io_cause(&e),
    })?;
    for w in &seen.first {
        warn(name, w);
    }
    if seen.warnings > 0 {
        return Err(Error::Undump {
            path: name.to_string(),
            message: format!(
                "{} warning(s) and --strict given; nothing written",
                seen.warnings
            ),
        });
    }
    Ok(())
}

fn warn(name: &str, w: &Warning) {
    let _ = writeln!(
        io::stderr(),
        "clanscope: {name}: warning: {}",
        sanitize::composed(&w.to_string())
    );
}

/// The dump text: a file (opened anew for each reading), standard input streamed, or standard
/// input held in memory (up to [`STRICT_STDIN_CAP`]) for the two readings of `--strict`.
enum Input {
    File(PathBuf),
    Stdin,
    /// Standard input redirected from a regular file: that file, read again from where
    /// standard input stood for each reading.
    StdinFile(std::fs::File, u64),
    Memory(Vec<u8>),
}

impl Input {
    fn open(path: &Path, stdin: bool, twice: bool) -> Result<Input, Error> {
        if !stdin {
            return Ok(Input::File(path.to_path_buf()));
        }
        if !twice {
            return Ok(Input::Stdin);
        }
        if let Some(f) = stdin_file()? {
            return Ok(f);
        }
        // Allocated once: reading never copies the text into a larger buffer.
        let mut buf = Vec::with_capacity(STRICT_STDIN_CAP as usize + 1);
        out::stdin()
            .take(STRICT_STDIN_CAP + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::io("standard input", &e))?;
        if buf.len() as u64 > STRICT_STDIN_CAP {
            return Err(Error::File {
                path: "standard input".into(),
                message: format!(
                    "more than {} MiB of dump text, the most --strict holds in memory to read standard input twice; save it to a file to use --strict; nothing written",
                    STRICT_STDIN_CAP >> 20
                ),
            });
        }
        Ok(Input::Memory(buf))
    }

    fn reader(&mut self) -> Result<Box<dyn BufRead + '_>, Error> {
        Ok(match self {
            Input::File(p) => {
                let f = crate::small::open_unwaiting(p).map_err(|e| Error::io(&*p, &e))?;
                if f.metadata().is_ok_and(|m| m.is_dir()) {
                    return Err(Error::file(&*p, "is a directory"));
                }
                Box::new(BufReader::with_capacity(256 << 10, f))
            }
            Input::Stdin => Box::new(BufReader::with_capacity(256 << 10, out::stdin())),
            Input::StdinFile(f, at) => {
                use std::io::{Seek, SeekFrom};
                f.seek(SeekFrom::Start(*at))
                    .map_err(|e| Error::io("standard input", &e))?;
                Box::new(BufReader::with_capacity(256 << 10, &*f))
            }
            Input::Memory(b) => Box::new(&b[..]),
        })
    }
}

/// Standard input redirected from a regular file (`--strict - < FILE`): it can be read twice
/// from where it stands, so it is not held in memory (review 67: more than 6 MiB was refused).
fn stdin_file() -> Result<Option<Input>, Error> {
    use std::io::Seek;
    use std::os::fd::AsFd;
    let io = |e: &io::Error| Error::io("standard input", e);
    let stdin = io::stdin();
    let Ok(fd) = stdin.as_fd().try_clone_to_owned() else {
        return Ok(None);
    };
    let mut f = std::fs::File::from(fd);
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let at = f.stream_position().map_err(|e| io(&e))?;
    Ok(Some(Input::StdinFile(f, at)))
}

/// Counts warnings and keeps the first few (for `--strict`).
#[derive(Default)]
struct Seen {
    warnings: u64,
    first: Vec<Warning>,
}

impl parse::Sink for Seen {
    fn begin(&mut self, _: &Span) -> io::Result<()> {
        Ok(())
    }
    fn bytes(&mut self, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn end(&mut self, _: &Span) -> io::Result<()> {
        Ok(())
    }
    fn warning(&mut self, w: Warning) -> io::Result<()> {
        self.warnings += 1;
        if self.first.len() < WARN_EACH as usize {
            self.first.push(w);
        }
        Ok(())
    }
}

/// Writes the bytes (to `-o`, standard output and/or one file per block in `--split`), lists
/// the blocks and prints the warnings, summarizing repeats.
struct Writer<'g> {
    name: String,
    guard: &'g Guard,
    /// `-o FILE`; standard output when `to_stdout` (`-o -`, or neither `-o` nor `--split`).
    to: Option<PathBuf>,
    to_stdout: bool,
    out: Option<(PathBuf, io::BufWriter<Box<dyn Write>>)>,
    split_dir: Option<PathBuf>,
    split: Option<(PathBuf, io::BufWriter<File>)>,
    blocks: u64,
    /// Per kind: how many, and the first and last line of those not printed.
    kinds: BTreeMap<WarningKind, (u64, usize, usize)>,
    /// The precise error behind an I/O failure the parser saw.
    error: Option<Error>,
}

impl<'g> Writer<'g> {
    fn new(
        name: &str,
        guard: &'g Guard,
        to: Option<PathBuf>,
        to_stdout: bool,
        split_dir: Option<PathBuf>,
    ) -> Writer<'g> {
        Writer {
            name: name.to_string(),
            guard,
            to,
            to_stdout,
            out: None,
            split_dir,
            split: None,
            blocks: 0,
            kinds: BTreeMap::new(),
            error: None,
        }
    }

    /// Keeps `e` as the command's error and gives the parser an I/O error to stop on.
    fn fail(&mut self, e: Error) -> io::Error {
        let io = io::Error::other(e.to_string());
        self.error = Some(e);
        io
    }

    /// `f`, just created at `p`, is unfinished until its last byte is written (the list is
    /// [`stop`]'s: a signal that ends the command removes it too).
    fn started(&mut self, p: &Path, f: &File) {
        stop::started(p, f);
    }

    /// The command failed: the files it had not finished are removed (each one still the file
    /// it created), and said, in `e` when it is about that file.
    fn discard(&mut self, mut e: Error) -> Error {
        for (p, f) in stop::take() {
            if matches!(&e, Error::Io { path, .. } if *path == sanitize::path(&p)) {
                e = output::removed(e, &p, &f);
            } else if output::remove_created(&p, &f) {
                out::message(&format!("{}: unfinished; removed", sanitize::path(&p)));
            }
        }
        e
    }

    fn written(&mut self, r: io::Result<()>, what: &Path) -> io::Result<()> {
        r.map_err(|e| {
            let err = if what.as_os_str() == "standard output" {
                Error::io("standard output", &e)
            } else {
                Error::io(what, &e)
            };
            self.fail(err)
        })
    }

    /// Opens the combined output at the first block.
    fn open_output(&mut self) -> io::Result<()> {
        if self.out.is_some() {
            return Ok(());
        }
        let (path, w): (PathBuf, Box<dyn Write>) = match &self.to {
            Some(p) => match self.guard.create(p) {
                Ok(f) => {
                    let p = p.clone();
                    self.started(&p, &f);
                    (p, Box::new(f))
                }
                Err(e) => return Err(self.fail(e)),
            },
            None if self.to_stdout => ("standard output".into(), Box::new(out::stdout())),
            None => return Ok(()),
        };
        self.out = Some((path, io::BufWriter::with_capacity(64 << 10, w)));
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some((p, mut w)) = self.out.take() {
            let r = w.flush();
            self.written(r, &p)?;
            // Whole: a signal while the summary below is said leaves it (review 65).
            stop::finished(&p);
        }
        for (kind, (n, first, last)) in &self.kinds {
            if *n > WARN_EACH {
                let _ = writeln!(
                    io::stderr(),
                    "clanscope: {}: warning: {} more '{}' warnings, lines {first} to {last}",
                    self.name,
                    n - WARN_EACH,
                    kind.describe()
                );
            }
        }
        if self.blocks > LIST_BLOCKS {
            let _ = writeln!(
                io::stderr(),
                "clanscope: {}: {} more blocks not listed",
                self.name,
                self.blocks - LIST_BLOCKS
            );
        }
        Ok(())
    }
}

impl parse::Sink for Writer<'_> {
    fn begin(&mut self, span: &Span) -> io::Result<()> {
        self.blocks += 1;
        self.open_output()?;
        if let Some(dir) = self.split_dir.clone() {
            match self.guard.create_unique(&dir, &span.file_stem(), ".bin") {
                Ok((f, p)) => {
                    self.started(&p, &f);
                    self.split = Some((p, io::BufWriter::new(f)));
                }
                Err(e) => return Err(self.fail(e)),
            }
        }
        Ok(())
    }

    fn bytes(&mut self, b: &[u8]) -> io::Result<()> {
        if let Some((p, w)) = self.out.as_mut() {
            if let Err(e) = w.write_all(b) {
                let p = p.clone();
                return self.written(Err(e), &p);
            }
        }
        if let Some((p, w)) = self.split.as_mut() {
            if let Err(e) = w.write_all(b) {
                let p = p.clone();
                return self.written(Err(e), &p);
            }
        }
        Ok(())
    }

    fn end(&mut self, s: &Span) -> io::Result<()> {
        // A block is listed once its bytes are written (`-o /dev/full` listed it, then failed).
        if let Some((p, w)) = self.out.as_mut() {
            let r = w.flush();
            let p = p.clone();
            self.written(r, &p)?;
        }
        // The file of the block in --split (a taken name gets -2, -3, ...: the one written).
        let mut file = String::new();
        if let Some((p, mut w)) = self.split.take() {
            let r = w.flush();
            self.written(r, &p)?;
            stop::finished(&p);
            let name = p.file_name().unwrap_or(p.as_os_str()).to_string_lossy();
            file = format!("  -> {}", crate::sanitize::line(&name));
        }
        if self.blocks <= LIST_BLOCKS {
            let _ = writeln!(
                io::stderr(),
                "{}-{}  {}  (from line {}){file}",
                s.start_label(),
                s.end_label(),
                crate::address::bytes(s.len),
                s.line
            );
        }
        Ok(())
    }

    fn warning(&mut self, w: Warning) -> io::Result<()> {
        let e = self.kinds.entry(w.kind).or_insert((0, 0, 0));
        e.0 += 1;
        if e.0 <= WARN_EACH {
            warn(&self.name, &w);
        } else {
            if e.1 == 0 {
                e.1 = w.line;
            }
            e.2 = w.line;
        }
        Ok(())
    }
}

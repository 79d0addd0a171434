//! `clanscope dump`: a DEBUG-style dump of a file or a range of it.

use crate::address;
use crate::cli::args::{ColorArg, DumpArgs};
use crate::cli::out;
use crate::dump::Printer;
use crate::settings::Origins;
use crate::source::Source;
use crate::Error;
use std::io::IsTerminal;

pub(crate) fn run(a: DumpArgs) -> Result<u8, Error> {
    let guard = crate::output::Guard::lenient(&[&a.file]);
    guard.check_stderr()?;
    guard.check_stdout()?;
    let origins = Origins::for_command(a.origin.as_deref())?;
    let src = Source::open(&a.file)?;
    // The file's one origin: --origin, else the one its sidecar remembers, else the default.
    let origin = origins.of(&src)?;
    if src.is_empty() {
        if a.from.is_some() || a.to.is_some() {
            return Err(Error::file(
                &a.file,
                "the file is empty: there is no address to dump from",
            ));
        }
        eprintln!("clanscope: {}: {}", src.name(), src.empty_said());
        return Ok(0);
    }
    let len = src.current_len().min(src.len());
    let (start, end) = address::resolve_range(
        a.from.as_deref(),
        a.length.as_deref(),
        a.to.as_deref(),
        origin,
        len,
    )
    .map_err(|e| e.in_file(&a.file))?;
    if let Some(length) = a.length.as_deref() {
        super::said_length(length, (start, end), origin, ("dump", "dumped"))?;
    }
    let stdout = std::io::stdout();
    let color = match a.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    src.advise_sequential();
    let printer = Printer::new(origin)
        .for_size(src.len())
        .squeeze(!a.no_squeeze)
        .color(color);
    match printer.write_range(&src, start, end, out::stdout()) {
        // The dump stopped where a read found the file shrunk; the command's end says so
        // (exit 2), as for every file that shrank while read.
        Err(_) if src.first_fault().is_some() => Ok(0),
        r => out::result(r).map(|()| 0),
    }
}

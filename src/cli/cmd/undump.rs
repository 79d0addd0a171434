//! `clanscope undump`: dump text back to bytes.

use crate::cli::args::UndumpArgs;
use crate::cli::out;
use crate::dump::parse;
use crate::source::Source;
use crate::{output, sanitize, Error};
use std::io::IsTerminal;

pub(crate) fn run(a: UndumpArgs) -> Result<u8, Error> {
    let src = Source::open(&a.dump_text)?;
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
        return Err(Error::Undump {
            path: name,
            message: "no dump lines found".into(),
        });
    }
    if a.strict && !u.warnings.is_empty() {
        return Err(Error::Undump {
            path: name,
            message: format!(
                "{} warning(s) and --strict given; nothing written",
                u.warnings.len()
            ),
        });
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
    let guard = crate::output::Guard::new(&[&a.dump_text])?;
    match &a.output {
        Some(o) => guard.write(o, &bytes)?,
        None if a.split.is_none() => {
            if std::io::stdout().is_terminal() {
                return Err(Error::refused(
                    "standard output",
                    "refusing to write binary data to a terminal: use -o FILE or redirect standard output",
                ));
            }
            out::write(&bytes)?;
        }
        None => {}
    }
    if let Some(dir) = &a.split {
        let dir = &output::case_folder(Some(dir), &guard)?;
        let mut used = std::collections::HashSet::new();
        for b in &u.blocks {
            let stem = b.file_stem();
            let mut name = format!("{stem}.bin");
            let mut k = 2;
            while !used.insert(name.clone()) {
                name = format!("{stem}-{k}.bin");
                k += 1;
            }
            guard.write(&dir.join(&name), &b.bytes)?;
        }
    }
    Ok(0)
}

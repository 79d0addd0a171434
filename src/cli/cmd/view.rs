//! `clanscope [PATH]` and `clanscope view PATH`: the inspector on a file, a folder or the demo.

use crate::address::Origin;
use crate::cli::args::ViewArgs;
use crate::cli::engine;
use crate::tui::{self, Target, ViewConfig};
use crate::{settings, Error};

pub(crate) fn run(a: ViewArgs) -> Result<u8, Error> {
    // Standard error is checked before anything can be said there: not the evidence, nor a
    // file beside it (`clanscope EV 2>> EV`).
    let inputs: Vec<&std::path::Path> = a
        .path
        .iter()
        .chain(&a.compare)
        .map(|p| p.as_path())
        .collect();
    crate::output::Guard::lenient(&inputs).check_stderr()?;
    // Review 84 D1: compared with itself, every write read as "the compared file holds the
    // same bytes", and `e` exported that, where `export --compare` refuses.
    // Standard input is refused by the inspector itself, with its own reason.
    let named = |p: &&std::path::PathBuf| p.as_os_str() != "-";
    if let (Some(p), Some(c)) = (
        a.path.as_ref().filter(named),
        a.compare.as_ref().filter(named),
    ) {
        super::compare::check_other(p, c)?;
    }
    let target = match a.path {
        None => Target::Demo,
        Some(p) if p.is_dir() => Target::Folder(p),
        Some(p) => Target::File(p),
    };
    let mut settings = settings::load_default()?;
    if let Some(e) = a.examiner {
        settings.examiner = Some(e);
    }
    settings.clipboard |= a.clipboard;
    let config = ViewConfig {
        origin: a.origin.as_deref().map(Origin::parse).transpose()?,
        engine: engine(&a.signatures)?,
        notes: a.notes,
        target,
        compare: a.compare,
        related: a.related,
        out: a.out,
        settings,
    };
    tui::run(config)?;
    Ok(0)
}

//! The command-line front end: clap's argument structures, their conversion into library types,
//! and dispatch to one module per command (`cmd/`). Commands own standard output, standard
//! error and progress bars; the library below never sees a flag.

mod args;
mod cmd;
mod out;
mod stop;

use crate::detect::{signatures::SignatureSet, Engine};
use crate::{sanitize, Error};
use args::{Cli, Sub};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

pub use args::command as clap_command;

/// Parses the arguments, runs the command, prints an error as one line, and gives the exit
/// code: 0 ok (or nothing found), 1 found (scan), 2 an error.
pub fn main() -> ExitCode {
    // A write past the file size limit (`ulimit -f`) fails with EFBIG, which each command
    // reports and cleans up after, instead of ending the process halfway through an output.
    // SAFETY: setting a signal's disposition to ignore, before any thread starts.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(msg) = mistyped_command(&argv) {
        match argv_guard(&argv).check_stderr() {
            Ok(()) => out::message(&msg),
            Err(refused) => out::message(&refused.to_string()),
        }
        return ExitCode::from(2);
    }
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e, &argv),
    };
    let interactive = matches!(cli.command, None | Some(Sub::View(_)));
    let result = match cli.command {
        None => cmd::view::run(cli.view),
        Some(Sub::View(v)) => cmd::view::run(v),
        Some(Sub::Dump(a)) => cmd::dump::run(a),
        Some(Sub::Undump(a)) => cmd::undump::run(a),
        Some(Sub::Scan(a)) => cmd::scan::run(a),
        Some(Sub::Export(a)) => cmd::export::run(a),
        Some(Sub::Compare(a)) => cmd::compare::run(a),
        Some(Sub::Completions { shell }) => cmd::completions::run(shell),
    };
    let mut code = match &result {
        Ok(code) => *code,
        Err(e) if e.is_closed_output() => 0,
        Err(e) => {
            out::message(&e.to_string());
            2
        }
    };
    // Every file that shrank while it was read, reported once, even by a command that did not
    // look: what was read past the new end was zeros, not the file's bytes.
    for e in shrunk(&result) {
        out::message(&e.to_string());
        if !interactive {
            code = 2;
        }
    }
    // A file that grew while read: what the command read and reported is what it had when
    // opened (its hash too), and the rest is not in it. (The inspector says it on screen.)
    if !interactive {
        grown();
    }
    atime_may_have_moved();
    ExitCode::from(code)
}

/// Says the examined files opened without `O_NOATIME` (another user's files): their access
/// times may have moved, which an examiner must know (README, "Evidence is never changed").
fn atime_may_have_moved() {
    let (names, all) = crate::source::take_atime_may_move();
    let (Some(first), true) = (names.first(), all > 0) else {
        return;
    };
    let why = "the kernel allows O_NOATIME only to a file's owner or CAP_FOWNER";
    let msg = match all {
        1 => format!("{first}: opened without O_NOATIME ({why}): reading it may have moved its access time"),
        _ => format!(
            "{all} examined files were opened without O_NOATIME ({why}): reading them may have moved their access times: {}{}",
            names.join(", "),
            match all - names.len() {
                0 => String::new(),
                n => format!(" and {n} more"),
            }
        ),
    };
    out::message(&msg);
}

/// Help and version go to standard output as clap writes them (our own text); every other
/// clap error is one line through the sanitizer, exit code 2.
/// Neither is written where the paths the command line names say no output may go (`2>> EV`,
/// `--help >> EV`): the command's own inputs are not known before its arguments parse.
fn clap_exit(e: &clap::Error, argv: &[std::ffi::OsString]) -> ExitCode {
    use clap::error::ErrorKind;
    let guard = argv_guard(argv);
    if let Err(refused) = guard.check_stderr() {
        out::message(&refused.to_string());
        return ExitCode::from(2);
    }
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            if let Err(refused) = guard.check_stdout() {
                out::message(&refused.to_string());
                return ExitCode::from(2);
            }
            let _ = out::write(e.render().to_string().as_bytes());
            ExitCode::SUCCESS
        }
        _ => {
            out::message(&usage_error(e, argv));
            ExitCode::from(2)
        }
    }
}

/// A guard over every path the command line names that exists (an option's value after `=`
/// too), for what is written before the command's own inputs are known.
fn argv_guard(argv: &[std::ffi::OsString]) -> crate::output::Guard {
    use std::os::unix::ffi::OsStrExt;
    let mut paths: Vec<PathBuf> = Vec::new();
    for a in argv.iter().skip(1) {
        let b = a.as_bytes();
        if let (true, Some(eq)) = (b.starts_with(b"--"), b.iter().position(|&c| c == b'=')) {
            paths.push(PathBuf::from(std::ffi::OsStr::from_bytes(&b[eq + 1..])));
        }
        paths.push(PathBuf::from(a));
    }
    // `-` names standard input as an input, its folder guarded too (hostile review 79: `scan -
    // --bogus < EV 2> po/err.txt` wrote clap's message beside the evidence); unnamed, only the
    // file itself is guarded ([`crate::output::Guard::lenient`]). A `-` that is `-o`'s value
    // (standard output) counts too: before the arguments parse, `-o` may be another option's
    // value or a name after `--` (review 85: `export --from -o - --bogus < EV 2> po/e.txt`).
    paths.retain(|p| {
        p.as_os_str() == "-" || !p.as_os_str().is_empty() && std::fs::symlink_metadata(p).is_ok()
    });
    let refs: Vec<&std::path::Path> = paths.iter().map(PathBuf::as_path).collect();
    crate::output::Guard::lenient(&refs)
}

/// A clap error as one line: every piece that came from the command line sanitized, from the
/// argument as given where clap's copy lost bytes that are not UTF-8 (`\xFF`, not U+FFFD).
fn usage_error(e: &clap::Error, argv: &[std::ffi::OsString]) -> String {
    use clap::error::{ContextKind as K, ContextValue as V, ErrorKind};
    let get = |k: K| -> Option<String> {
        Some(match e.get(k)? {
            V::String(s) => s.clone(),
            V::Strings(v) => v.join(", "),
            V::StyledStr(s) => s.to_string(),
            V::StyledStrs(v) => v
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            V::Number(n) => n.to_string(),
            _ => return None,
        })
    };
    let q = |s: Option<String>| {
        let s = s.unwrap_or_default();
        let given = argv
            .iter()
            .find(|a| s.contains('\u{FFFD}') && a.to_string_lossy() == s);
        match given {
            Some(a) => format!("'{}'", sanitize::path(std::path::Path::new(a))),
            None => format!("'{}'", sanitize::line(&s)),
        }
    };
    let arg = get(K::InvalidArg);
    let ended = argv.iter().any(|a| a == "--");
    let mut msg = match e.kind() {
        ErrorKind::UnknownArgument => {
            let mut m = format!("unexpected argument {}", q(arg.clone()));
            if arg.as_deref().is_some_and(|a| a.starts_with('-')) && !ended {
                m.push_str("; a file name that starts with '-' goes after '--'");
            }
            m
        }
        ErrorKind::InvalidSubcommand => format!("unknown command {}", q(get(K::InvalidSubcommand))),
        ErrorKind::InvalidValue => {
            let value = get(K::InvalidValue);
            let empty = value.as_deref().is_some_and(str::is_empty);
            // clap says a missing option value this way: an option with nothing after it.
            let option = arg.as_deref().is_some_and(|a| a.starts_with('-'));
            let mut m = format!("invalid value {} for {}", q(value), q(arg.clone()));
            match get(K::ValidValue).filter(|v| !v.is_empty()) {
                Some(valid) => m.push_str(&format!(": use one of {}", sanitize::line(&valid))),
                None if empty && option => {
                    m = format!("{} needs a value, and none was given", q(arg));
                }
                None if empty => m.push_str(": an empty name names no file or folder"),
                None => {}
            }
            m
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            format!(
                "invalid value {} for {}: {}",
                q(get(K::InvalidValue)),
                q(arg),
                sanitize::line(&why)
            )
        }
        ErrorKind::MissingRequiredArgument => {
            format!("missing {}", sanitize::line(&arg.unwrap_or_default()))
        }
        // A second word after the PATH to inspect (review 83 D5: clap called it a subcommand
        // that cannot be used with [PATH]).
        ErrorKind::ArgumentConflict if get(K::InvalidSubcommand).is_some() => {
            let more = q(get(K::InvalidSubcommand));
            match first_positional(&args::command(), argv) {
                Some(w) if std::path::Path::new(w).symlink_metadata().is_err() => format!(
                    "no such file or folder '{}', and no command of that name",
                    sanitize::path(std::path::Path::new(w))
                ),
                Some(_) => format!("{more} after the path to inspect: the inspector opens one file or folder ('clanscope scan' takes several)"),
                // After `--`, or a first word that is not UTF-8: not looked at here.
                None => format!("{more}: one word too many; the inspector opens one file or folder ('clanscope scan' takes several)"),
            }
        }
        ErrorKind::ArgumentConflict if arg.as_deref().is_some_and(|a| !a.is_empty()) => {
            format!("{} cannot be used with {}", q(arg), q(get(K::PriorArg)))
        }
        _ => {
            let text = e.render().to_string();
            let first = text.split("\n\n").next().unwrap_or_default();
            sanitize::line(first.strip_prefix("error: ").unwrap_or(first)).into_owned()
        }
    };
    for k in [K::SuggestedArg, K::SuggestedValue, K::SuggestedSubcommand] {
        if let Some(s) = get(k) {
            msg.push_str(&format!("; did you mean {}?", q(Some(s))));
        }
    }
    msg.push_str(" (see --help)");
    msg
}

/// The message for a first word that is no file or folder but a few letters from a command's
/// name (`clanscope scna DIR`): without it clap would take the word as the PATH to inspect and
/// complain about what follows. A word that names an existing file (of any kind) is left alone,
/// so a file called `scna` still opens; so is anything after `--`.
fn mistyped_command(argv: &[std::ffi::OsString]) -> Option<String> {
    let cmd = args::command();
    let word = first_positional(&cmd, argv)?;
    if std::path::Path::new(word).symlink_metadata().is_ok() || word.contains('/') {
        return None;
    }
    let typed = word.to_lowercase();
    let names = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .chain(["help".to_string()]);
    let (distance, name) = names
        .map(|n| (strsim::damerau_levenshtein(&typed, &n), n))
        .min()?;
    let near = if name.len() <= 4 { 1 } else { 2 };
    (distance <= near && word != name).then(|| {
        format!(
            "no such file or folder '{}'; did you mean the command '{name}'?",
            sanitize::line(word)
        )
    })
}

/// The first argument that is neither an option nor an option's value, as text (None after
/// `--`, for a word that is not UTF-8, or when there is none).
fn first_positional<'a>(cmd: &clap::Command, argv: &'a [std::ffi::OsString]) -> Option<&'a str> {
    let takes_value = |flag: &str| {
        cmd.get_arguments().any(|a| {
            let named = a.get_long().is_some_and(|l| flag == format!("--{l}"))
                || a.get_short().is_some_and(|c| flag == format!("-{c}"));
            named && a.get_action().takes_values()
        })
    };
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        let s = a.to_str()?;
        if s == "--" {
            return None;
        }
        if s.len() > 1 && s.starts_with('-') {
            if !s.contains('=') && takes_value(s) {
                it.next();
            }
            continue;
        }
        return Some(s);
    }
    None
}

/// Names of files whose shrinking the command has said itself (as `scan` does per file).
static SHRINK_SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// The command said that the file at `path` shrank (and counted it in its exit code): it is not
/// said again at exit.
pub(crate) fn shrink_said(path: &std::path::Path) {
    let name = if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        crate::sanitize::path(path)
    };
    SHRINK_SAID
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(name);
}

/// The files that shrank while read, less the one the command's own error already named and
/// those the command said itself.
fn shrunk(result: &Result<u8, Error>) -> Vec<Error> {
    let mut seen: Vec<Error> = result.as_ref().err().into_iter().cloned().collect();
    let said = SHRINK_SAID
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let mut out = Vec::new();
    for (path, len, size) in crate::source::fault::take() {
        if said.contains(&path) {
            continue;
        }
        let e = Error::Shrank { path, len, size };
        if !seen.contains(&e) {
            seen.push(e.clone());
            out.push(e);
        }
    }
    out
}

/// Says each file that grew while open, once.
fn grown() {
    let mut said: Vec<String> = Vec::new();
    for (name, len, size) in crate::source::fault::take_grown() {
        if said.contains(&name) {
            continue;
        }
        out::message(&format!(
            "{name}: the file grew from {len} to {size} bytes while open; what was read is the {len} bytes it had when opened"
        ));
        said.push(name);
    }
}

/// The engine with `--signatures`, or the built-in set.
fn engine(signatures: &Option<PathBuf>) -> Result<Engine, Error> {
    match signatures {
        Some(p) => Ok(Engine::new(SignatureSet::load(p)?)),
        None => Ok(Engine::default()),
    }
}

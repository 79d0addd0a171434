//! clanscope's command line: argument parsing and dispatch only. Everything else is the library.

use clanscope::commands::{
    self, ColorChoice, DumpArgs, ExportArgs, ScanArgs, ScanFormat, UndumpArgs, ViewArgs,
};
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// A read-only hex inspector for Lotus cc:Mail post office files: finds console output of
/// IMPORT/EXPORT written into message headers (KB Q179072) and shows it DEBUG-style.
///
/// With no PATH, opens the bundled demo post office (generated, not real data). With a file,
/// opens the inspector on it; with a folder, a file picker. Examined files are only ever opened
/// read-only.
#[derive(Parser)]
#[command(
    name = "clanscope",
    version,
    args_conflicts_with_subcommands = true,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    view: ViewOpts,
}

#[derive(clap::Args, Clone)]
struct ViewOpts {
    /// Address of file offset 0, SEG:OFF in hex (`0AFA:0100` reproduces `DEBUG FILE` at CS=0AFA).
    #[arg(long, value_name = "SEG:OFF")]
    origin: Option<String>,
    /// Signature file replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    signatures: Option<PathBuf>,
    /// Sidecar file for notes and bookmarks (default: in the current folder, named after the file).
    #[arg(long, value_name = "FILE")]
    notes: Option<PathBuf>,
    /// File or folder to inspect; none opens the bundled demo.
    path: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the interactive inspector on a file (or a file picker on a folder).
    View(ViewOpts),
    /// Print a DEBUG-style dump: `0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 ...   ....Expo...`.
    Dump {
        /// Address of file offset 0, SEG:OFF in hex.
        #[arg(long, value_name = "SEG:OFF")]
        origin: Option<String>,
        /// First byte: SEG:OFF, 0x3E00, 3E00h, decimal or a percentage (50%).
        #[arg(long, value_name = "ADDR")]
        from: Option<String>,
        /// Number of bytes (decimal, 0x80, 80h; K/M/G suffixes).
        #[arg(long, value_name = "N", conflicts_with = "to")]
        length: Option<String>,
        /// Last byte to dump (inclusive, as DEBUG's `d START END`).
        #[arg(long, value_name = "ADDR")]
        to: Option<String>,
        /// Squeeze runs of identical lines into `*` (the default).
        #[arg(long, overrides_with = "no_squeeze")]
        squeeze: bool,
        /// Print every line.
        #[arg(long)]
        no_squeeze: bool,
        /// Colour bytes by class: auto (terminal and no NO_COLOR), always, never.
        #[arg(long, value_enum, default_value = "auto")]
        color: ColorChoice,
        file: PathBuf,
    },
    /// Turn dump text (DEBUG, clanscope, xxd, hexdump -C, mangled by mail or web) back into bytes.
    Undump {
        /// Write the bytes here (default: standard output, never a terminal).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Also write one file per block into DIR, named by start address.
        #[arg(long, value_name = "DIR")]
        split: Option<PathBuf>,
        /// Treat warnings (ASCII mismatches, gaps) as errors.
        #[arg(long)]
        strict: bool,
        /// The dump text (`-` for standard input).
        dump_text: PathBuf,
    },
    /// Scan files and folders for console writes, plain text and damaged headers.
    Scan {
        #[arg(long, value_enum, default_value = "text")]
        format: ScanFormat,
        /// List findings from this confidence up (default 0.5).
        #[arg(long, value_name = "X")]
        min_confidence: Option<f32>,
        /// List every finding, weak ones included.
        #[arg(long)]
        all: bool,
        #[arg(long, value_name = "SEG:OFF")]
        origin: Option<String>,
        /// Signature file replacing the built-in one.
        #[arg(long, value_name = "FILE")]
        signatures: Option<PathBuf>,
        /// Files and folders (folders are walked recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Export an annotated dump of findings or a range: text (parses back with undump), html, json.
    Export {
        /// Output file; the format follows its extension unless --format is given. Default: stdout.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        #[arg(long, value_enum)]
        format: Option<commands::ExportFormat>,
        /// Dump lines shown before and after each finding.
        #[arg(long, default_value_t = 2, value_name = "LINES")]
        context: u64,
        /// Export only finding N (1-based, as numbered by scan and the inspector); repeatable.
        #[arg(long, value_name = "N")]
        finding: Vec<usize>,
        /// Export this range instead of findings (with --length).
        #[arg(long, value_name = "ADDR", requires = "length")]
        from: Option<String>,
        #[arg(long, value_name = "N", requires = "from")]
        length: Option<String>,
        #[arg(long, value_name = "SEG:OFF")]
        origin: Option<String>,
        /// Sidecar notes file (default: beside the current folder, named after the file).
        #[arg(long, value_name = "NOTES")]
        notes: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        signatures: Option<PathBuf>,
        /// Include weak findings (confidence below 0.5).
        #[arg(long)]
        all: bool,
        file: PathBuf,
    },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => commands::view(to_view(cli.view)),
        Some(Command::View(v)) => commands::view(to_view(v)),
        Some(Command::Dump {
            origin,
            from,
            length,
            to,
            squeeze: _,
            no_squeeze,
            color,
            file,
        }) => commands::dump(DumpArgs {
            origin,
            from,
            length,
            to,
            squeeze: !no_squeeze,
            color,
            file,
        }),
        Some(Command::Undump {
            output,
            split,
            strict,
            dump_text,
        }) => commands::undump(UndumpArgs {
            output,
            split,
            strict,
            input: dump_text,
        }),
        Some(Command::Scan {
            format,
            min_confidence,
            all,
            origin,
            signatures,
            paths,
        }) => commands::scan(ScanArgs {
            format,
            min_confidence: if all {
                0.0
            } else {
                min_confidence.unwrap_or(0.5)
            },
            origin,
            signatures,
            paths,
        }),
        Some(Command::Export {
            output,
            format,
            context,
            finding,
            from,
            length,
            origin,
            notes,
            signatures,
            all,
            file,
        }) => commands::export(ExportArgs {
            output,
            format,
            context,
            findings: finding,
            from,
            length,
            origin,
            notes,
            signatures,
            all,
            file,
        }),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "clanscope",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("clanscope: {e}");
            ExitCode::from(2)
        }
    }
}

fn to_view(v: ViewOpts) -> ViewArgs {
    ViewArgs {
        origin: v.origin,
        signatures: v.signatures,
        notes: v.notes,
        path: v.path,
    }
}

//! clap's view of the command line: every subcommand, option and its help text.

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

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
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Option<Sub>,
    #[command(flatten)]
    pub view: ViewArgs,
}

/// The clap command, for completions and tests.
pub fn command() -> clap::Command {
    Cli::command()
}

#[derive(clap::Args, Clone)]
pub(crate) struct ViewArgs {
    /// Address of file offset 0, SEG:OFF in hex (`0AFA:0100` reproduces `DEBUG FILE` at CS=0AFA).
    /// Default: the origin last set with `o` for the same bytes, else the settings' rule for the
    /// name or the demo's, else 0000:0000.
    #[arg(long, value_name = "SEG:OFF")]
    pub origin: Option<String>,
    /// Signature file replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    pub signatures: Option<PathBuf>,
    /// Sidecar file for notes and bookmarks (default: in the case folder, named after the file).
    #[arg(long, value_name = "FILE")]
    pub notes: Option<PathBuf>,
    /// Case folder for notes and exports (default: $XDG_DATA_HOME/clanscope, else
    /// ~/.local/share/clanscope). Never a folder that holds an examined file.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A backup or known-good copy to compare with: differing bytes get an overlay, ) and ( walk them.
    #[arg(long, value_name = "OTHER")]
    pub compare: Option<PathBuf>,
    /// The examiner's name, written into notes and reports (overrides the settings file).
    #[arg(long, value_name = "NAME")]
    pub examiner: Option<String>,
    /// A folder whose files the names in console writes are linked to in the details pane
    /// (`EXPORT\MSG4A27.CCM` -> the connector's Export folder); repeatable. Default: the folder
    /// holding the file (or the folder opened). Only listed, never read.
    #[arg(long, value_name = "DIR")]
    pub related: Vec<PathBuf>,
    /// Copies also go to the terminal's clipboard through OSC 52 (off by default).
    #[arg(long)]
    pub clipboard: bool,
    /// File or folder to inspect; none opens the bundled demo.
    pub path: Option<PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum Sub {
    /// Open the interactive inspector on a file (or a file picker on a folder).
    View(ViewArgs),
    /// Print a DEBUG-style dump: `0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 ...   ....Expo...`.
    Dump(DumpArgs),
    /// Turn dump text (DEBUG, clanscope, xxd, hexdump, od, hexyl, mangled by mail or web) back into bytes.
    Undump(UndumpArgs),
    /// Scan files and folders for console writes, plain text and damaged headers.
    Scan(ScanArgs),
    /// Export an annotated dump of findings or a range: text (parses back with undump), html, json.
    Export(ExportArgs),
    /// Compare evidence with a backup copy: differing ranges, the bytes each console write destroyed.
    Compare(CompareArgs),
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
}

/// The most context lines an export shows on each side of a finding (160 KiB of dump).
pub(crate) const MAX_CONTEXT: u64 = 10_000;

/// `--min-confidence`: a finite number from 0 to 1.
/// `-o`'s file: none where it is `-`, which names standard output (review 82: `-o -` wrote a
/// file named `-`).
pub(crate) fn output_file(o: &Option<PathBuf>) -> Option<&Path> {
    o.as_deref().filter(|p| !names_stdout(p))
}

/// `-o -`: standard output asked for by name.
pub(crate) fn names_stdout(p: &Path) -> bool {
    p.as_os_str() == "-"
}

fn confidence(s: &str) -> Result<f32, String> {
    s.trim_ascii()
        .parse::<f32>()
        .ok()
        .filter(|v| v.is_finite() && (0.0..=1.0).contains(v))
        .ok_or_else(|| "must be a number from 0 to 1".into())
}

/// `--context`: a whole number of lines from 0 to [`MAX_CONTEXT`].
fn context_lines(s: &str) -> Result<u64, String> {
    let t = s.trim_ascii();
    t.bytes()
        .all(|c| c.is_ascii_digit())
        .then(|| t.parse::<u64>().ok())
        .flatten()
        .filter(|&n| n <= MAX_CONTEXT)
        .ok_or_else(|| format!("must be a whole number of lines from 0 to {MAX_CONTEXT}"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanFormatArg {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CompareFormatArg {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormatArg {
    Text,
    Html,
    Json,
}

#[derive(clap::Args)]
pub(crate) struct CompareArgs {
    /// Also write a repaired copy here: the evidence with each overwritten range taken from OTHER.
    #[arg(long, value_name = "OUT")]
    pub repaired_copy: Option<PathBuf>,
    /// Output format: text, or json.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CompareFormatArg,
    /// Address of file offset 0, SEG:OFF in hex (default: the origin set with `o` in the
    /// inspector for the same bytes, else the settings' or the demo's, else 0000:0000).
    #[arg(long, value_name = "SEG:OFF")]
    pub origin: Option<String>,
    /// Signature file replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    pub signatures: Option<PathBuf>,
    /// The examined file (only ever read).
    pub evidence: PathBuf,
    /// The backup or known-good copy of the same file (only ever read).
    pub other: PathBuf,
}

#[derive(clap::Args)]
pub(crate) struct DumpArgs {
    /// Address of file offset 0, SEG:OFF in hex (default: the origin set with `o` in the
    /// inspector for the same bytes, else the settings' or the demo's, else 0000:0000).
    #[arg(long, value_name = "SEG:OFF")]
    pub origin: Option<String>,
    /// First byte: SEG:OFF, 0x3E00, 3E00h, decimal or a percentage (50%).
    #[arg(long, value_name = "ADDR", allow_hyphen_values = true)]
    pub from: Option<String>,
    /// Number of bytes (decimal, 0x80, 80h; K/M/G suffixes).
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "to",
        allow_hyphen_values = true
    )]
    pub length: Option<String>,
    /// Last byte to dump (inclusive, as DEBUG's `d START END`).
    #[arg(long, value_name = "ADDR", allow_hyphen_values = true)]
    pub to: Option<String>,
    /// Squeeze runs of identical lines into `*` (the default).
    #[arg(long, overrides_with = "no_squeeze")]
    pub squeeze: bool,
    /// Print every line.
    #[arg(long)]
    pub no_squeeze: bool,
    /// Colour bytes by class: auto (terminal and no NO_COLOR), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    /// The file to dump (only ever read).
    pub file: PathBuf,
}

#[derive(clap::Args)]
pub(crate) struct UndumpArgs {
    /// Write the bytes here (`-`, or no -o: standard output, never a terminal).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Write one file per block into DIR, named by start address (beside -o OUT or -o -;
    /// without -o, instead of standard output).
    #[arg(long, value_name = "DIR")]
    pub split: Option<PathBuf>,
    /// Treat warnings (ASCII mismatches, gaps) as errors.
    #[arg(long)]
    pub strict: bool,
    /// The dump text (`-` for standard input).
    pub dump_text: PathBuf,
}

#[derive(clap::Args)]
pub(crate) struct ScanArgs {
    /// Output format: text (one line per finding), json, or csv.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ScanFormatArg,
    /// List findings from this confidence up: a number from 0 to 1 (default 0.5).
    #[arg(long, value_name = "X", value_parser = confidence, allow_hyphen_values = true)]
    pub min_confidence: Option<f32>,
    /// List every finding, weak ones included.
    #[arg(long)]
    pub all: bool,
    /// Address of file offset 0, SEG:OFF in hex, for every file (default: each file's own: the
    /// origin set with `o` in the inspector for its bytes, else the settings' or the demo's,
    /// else 0000:0000).
    #[arg(long, value_name = "SEG:OFF")]
    pub origin: Option<String>,
    /// Signature file replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    pub signatures: Option<PathBuf>,
    /// Files and folders (folders are walked recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(clap::Args)]
pub(crate) struct ExportArgs {
    /// Output file; the format follows its extension unless --format is given. Default (and
    /// `-`): stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Output format: text, html or json (default: from the output's extension, else text).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormatArg>,
    /// Dump lines shown before and after each finding: 0 to 10000.
    #[arg(long, default_value_t = 2, value_name = "LINES", value_parser = context_lines, allow_hyphen_values = true)]
    pub context: u64,
    /// Export only finding N (1-based, as numbered by scan and the inspector); repeatable.
    #[arg(long, value_name = "N")]
    pub finding: Vec<u32>,
    /// Export this range instead of findings (with --length).
    #[arg(
        long,
        value_name = "ADDR",
        requires = "length",
        conflicts_with = "finding",
        allow_hyphen_values = true
    )]
    pub from: Option<String>,
    /// Bytes to export from --from (decimal, 0x80, 80h; K/M/G suffixes).
    #[arg(long, value_name = "N", requires = "from", allow_hyphen_values = true)]
    pub length: Option<String>,
    /// Address of file offset 0, SEG:OFF in hex (default: the origin set with `o` in the
    /// inspector for the same bytes, else the settings' or the demo's, else 0000:0000).
    #[arg(long, value_name = "SEG:OFF")]
    pub origin: Option<String>,
    /// Sidecar notes file (default: the one the inspector keeps in the case folder).
    #[arg(long, value_name = "NOTES")]
    pub notes: Option<PathBuf>,
    /// Case folder: the export is written there under a name made from the file's name and
    /// SHA-256 (a relative -o is taken inside it); its notes are read from there.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Signature file replacing the built-in one.
    #[arg(long, value_name = "FILE")]
    pub signatures: Option<PathBuf>,
    /// Include weak findings (confidence below 0.5).
    #[arg(long)]
    pub all: bool,
    /// A backup copy: each console write's excerpt also shows the bytes it destroyed there.
    #[arg(long, value_name = "OTHER")]
    pub compare: Option<PathBuf>,
    /// A folder whose files the names in console writes are linked to in the export's
    /// summary; repeatable. Default: the folder holding the file. Only listed, never read.
    #[arg(long, value_name = "DIR")]
    pub related: Vec<PathBuf>,
    /// The examiner's name, written into the export (overrides the settings file).
    #[arg(long, value_name = "NAME")]
    pub examiner: Option<String>,
    /// The file to export from (only ever read).
    pub file: PathBuf,
}

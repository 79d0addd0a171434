//! The examiner's settings: a small TOML file in the user's config folder
//! (`$XDG_CONFIG_HOME/clanscope/settings.toml` on Linux, or the file `CLANSCOPE_SETTINGS`
//! names). Everything is optional; a missing file means the defaults. A file that does not
//! parse is an error with its line, never silently ignored. See the README for every key.

use crate::address::Origin;
use crate::dump::{Overlay, Rgb};
use crate::{sanitize, Error};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The settings as read (every field optional in the file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    examiner: Option<String>,
    glyphs: Option<bool>,
    cp437: Option<bool>,
    clipboard: Option<bool>,
    plain_hex: Option<bool>,
    #[serde(default)]
    colors: BTreeMap<String, String>,
    #[serde(default)]
    origin: Vec<OriginRuleFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct OriginRuleFile {
    name: String,
    origin: String,
}

/// A default origin for files of one name (case-insensitive, the file name only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginRule {
    pub name: String,
    pub origin: Origin,
}

/// The settings in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The examiner's name, written into every note and report.
    pub examiner: Option<String>,
    /// Byte-class glyphs in the ASCII column (`·` NUL, `_` whitespace, `•` control, `×` high).
    pub glyphs: bool,
    /// CP437 characters in the ASCII column instead of `.` for bytes outside 20h-7Eh.
    pub cp437: bool,
    /// Copies also go to the system clipboard through OSC 52 (off by default).
    pub clipboard: bool,
    /// Goto reads plain digits as hex, as DEBUG does (`3F00` is 3F00h).
    pub plain_hex: bool,
    /// Overlay colours that replace the palette's backgrounds.
    pub colors: BTreeMap<Overlay, Rgb>,
    /// Default origins by file name, used when neither `--origin` nor the sidecar gives one.
    pub origins: Vec<OriginRule>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            examiner: None,
            glyphs: true,
            cp437: false,
            clipboard: false,
            plain_hex: false,
            colors: BTreeMap::new(),
            origins: Vec::new(),
        }
    }
}

/// Where the settings file is: `CLANSCOPE_SETTINGS`, else the config folder's
/// `clanscope/settings.toml`.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CLANSCOPE_SETTINGS") {
        return Some(PathBuf::from(p));
    }
    dirs::config_dir().map(|d| d.join("clanscope").join("settings.toml"))
}

/// Loads the settings at `path`; a missing file gives the defaults.
pub fn load(path: &Path) -> Result<Settings, Error> {
    match crate::small::read_file_capped(path, crate::small::CONFIG_LIMIT) {
        Ok(text) => parse(&text).map_err(|m| Error::file(path, m)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(Error::io(path, &e)),
    }
}

/// Loads the settings from their default place (or the defaults).
/// A settings file that cannot be read is an error (the origins it holds would be lost
/// unsaid), which says how to run without it.
pub fn load_default() -> Result<Settings, Error> {
    match default_path() {
        Some(p) => load(&p).map_err(|e| match e {
            Error::Io { path, cause } => Error::Io {
                path,
                cause: format!("{cause} (the settings file; CLANSCOPE_SETTINGS=/dev/null runs with the defaults)"),
            },
            e => e,
        }),
        None => Ok(Settings::default()),
    }
}

fn overlay_named(name: &str) -> Option<Overlay> {
    Some(match name {
        "write" => Overlay::Write,
        "header" => Overlay::Header,
        "ccm_header" => Overlay::CcmHeader,
        "weak" => Overlay::Weak,
        "range" => Overlay::Range,
        "diff" => Overlay::Diff,
        "match" => Overlay::Match,
        "selection" => Overlay::Select,
        _ => return None,
    })
}

fn rgb(s: &str) -> Option<Rgb> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let v = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some(Rgb(v(0)?, v(2)?, v(4)?))
}

/// Parses settings text; the error names the line.
pub fn parse(text: &str) -> Result<Settings, String> {
    let f: File = toml::from_str(text).map_err(|e| {
        // An unknown key is reported over its table; name the key's own line.
        let key = e
            .message()
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next());
        let by_key = key.and_then(|k| {
            text.lines()
                .position(|l| l.trim_start().starts_with(k))
                .map(|i| i + 1)
        });
        let line = by_key.unwrap_or_else(|| {
            e.span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
                .unwrap_or(1)
        });
        format!(
            "line {line}: {}",
            sanitize::line(e.message().lines().next().unwrap_or(""))
        )
    })?;
    let d = Settings::default();
    let mut colors = BTreeMap::new();
    for (k, v) in &f.colors {
        let o = overlay_named(k).ok_or_else(|| {
            format!(
                "colors: unknown overlay '{}' (write, header, ccm_header, weak, range, diff, match, selection)",
                sanitize::line(k)
            )
        })?;
        let c = rgb(v).ok_or_else(|| {
            format!(
                "colors.{k}: '{}' is not a colour like #a01414",
                sanitize::line(v)
            )
        })?;
        colors.insert(o, c);
    }
    let origins = f
        .origin
        .iter()
        .map(|r| {
            Origin::parse(&r.origin)
                .map(|origin| OriginRule {
                    name: r.name.clone(),
                    origin,
                })
                .map_err(|e| format!("origin for '{}': {e}", sanitize::line(&r.name)))
        })
        .collect::<Result<_, _>>()?;
    Ok(Settings {
        examiner: f.examiner.filter(|e| !e.trim().is_empty()),
        glyphs: f.glyphs.unwrap_or(d.glyphs),
        cp437: f.cp437.unwrap_or(d.cp437),
        clipboard: f.clipboard.unwrap_or(d.clipboard),
        plain_hex: f.plain_hex.unwrap_or(d.plain_hex),
        colors,
        origins,
    })
}

/// The origin a file opens at before its sidecar is read: the one given (`--origin`), else the
/// settings' rule for its name, else the demo's origin when its bytes are the demo's (so the
/// demo and assets/demo/CLANDATA are one file), else 0000:0000.
pub fn default_origin(given: Option<Origin>, s: &Settings, name: &str, bytes: &[u8]) -> Origin {
    given
        .or_else(|| s.origin_for(name))
        .or_else(|| crate::demo::origin_of(bytes))
        .unwrap_or(Origin::ZERO)
}

/// The one origin of a file, as every command shows it: the one given (`--origin`), else the
/// origin remembered in its sidecar (set with `o` in the inspector) when `sidecars` holds one
/// for its bytes, else [`default_origin`]. The sidecar is looked for by name first, so a file
/// without one is not hashed.
pub fn file_origin(
    given: Option<Origin>,
    s: &Settings,
    sidecars: &crate::notes::Sidecars,
    src: &crate::source::Source,
) -> Result<Origin, Error> {
    if let Some(o) = given {
        return Ok(o);
    }
    Ok(match sidecars.origin_of(src)? {
        Some(o) => o,
        None => default_origin(None, s, src.name(), src.bytes()),
    })
}

/// The origins of the files of one command: `--origin`, the settings and the per-user case
/// folder's sidecars, read once; [`Origins::of`] gives each file its [`file_origin`].
#[derive(Clone, Debug, Default)]
pub struct Origins {
    given: Option<Origin>,
    settings: Settings,
    sidecars: crate::notes::Sidecars,
}

impl Origins {
    /// The origins from `given` (`--origin`), `settings` and `sidecars`.
    pub fn new(
        given: Option<Origin>,
        settings: Settings,
        sidecars: crate::notes::Sidecars,
    ) -> Self {
        Origins {
            given,
            settings,
            sidecars,
        }
    }

    /// For a command: `--origin` as typed, the settings file, the per-user case folder.
    pub fn for_command(given: Option<&str>) -> Result<Origins, Error> {
        Ok(Origins::new(
            given.map(Origin::parse).transpose()?,
            load_default()?,
            crate::notes::Sidecars::in_default_folder(),
        ))
    }

    /// The origin of `src` (see [`file_origin`]).
    pub fn of(&self, src: &crate::source::Source) -> Result<Origin, Error> {
        file_origin(self.given, &self.settings, &self.sidecars, src)
    }

    /// The origin of the file at `path` holding `bytes`, as [`Origins::of`] gives it for a
    /// source (a file a folder scan read into memory).
    pub fn of_bytes(&self, path: &Path, bytes: &[u8]) -> Result<Origin, Error> {
        if let Some(o) = self.given {
            return Ok(o);
        }
        Ok(
            match self.sidecars.origin_of_named(&file_name(path), bytes)? {
                Some(o) => o,
                None => self.without_sidecar(path, bytes),
            },
        )
    }

    /// The origin of the file at `path` holding `bytes` without its sidecar: `--origin`, else
    /// the default (for a file whose sidecar could not be read).
    pub fn without_sidecar(&self, path: &Path, bytes: &[u8]) -> Origin {
        default_origin(self.given, &self.settings, &file_name(path), bytes)
    }
}

/// The last component of `path` as text (empty when it has none).
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Settings {
    /// The default origin the rules give a file named `name`, if any.
    pub fn origin_for(&self, name: &str) -> Option<Origin> {
        let base = file_name(Path::new(name));
        self.origins
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(&base))
            .map(|r| r.origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses() {
        let s = parse(
            "examiner = \"J. Doe\"\nglyphs = false\ncp437 = true\nclipboard = true\nplain_hex = true\n[colors]\nwrite = \"#102030\"\n[[origin]]\nname = \"CLANDATA\"\norigin = \"0AFA:0100\"\n",
        )
        .unwrap();
        assert_eq!(s.examiner.as_deref(), Some("J. Doe"));
        assert!(!s.glyphs && s.cp437 && s.clipboard && s.plain_hex);
        assert_eq!(s.colors[&Overlay::Write], Rgb(0x10, 0x20, 0x30));
        assert_eq!(
            s.origin_for("/x/clandata").unwrap().to_string(),
            "0AFA:0100"
        );
        assert_eq!(parse("").unwrap(), Settings::default());
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            parse("glyphs = true\nbogus = 1\n").unwrap_err(),
            "line 2: unknown field `bogus`, expected one of `examiner`, `glyphs`, `cp437`, `clipboard`, `plain_hex`, `colors`, `origin`"
        );
        assert!(parse("[colors]\nwrite = \"red\"\n")
            .unwrap_err()
            .contains("is not a colour"));
    }
}

//! The layering of the code: the library names no front-end crate, and no library module
//! reaches up into a front end.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_library_names_no_front_end() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
        if rel.starts_with("cli") || rel.starts_with("tui") || rel == "main.rs" || rel == "lib.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for name in [
                "clap",
                "crossterm",
                "ratatui",
                "indicatif",
                "crate::cli",
                "crate::tui",
            ] {
                let used =
                    code.contains(&format!("{name}::")) || code.contains(&format!("use {name}"));
                assert!(
                    !used,
                    "src/{rel}:{}: the library names {name}: {line}",
                    n + 1
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} library files found");
}

/// The library's modules from the bottom up, as the README's module graph draws them: each may
/// use only modules listed before it, so there is no cycle among them.
const LAYERS: [&str; 15] = [
    "sanitize", "error", "small", "utc", "address", "source", "detect", "dump", "output", "notes",
    "demo", "compare", "values", "settings", "report",
];

/// The top-level modules a file names through `crate::` (plain paths and `use crate::{..}`
/// groups, nested groups included).
fn crate_modules(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let b = code.as_bytes();
    let ident = |at: usize| -> String {
        code[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut i = 0;
    while let Some(k) = code[i..].find("crate::") {
        let at = i + k + "crate::".len();
        if b.get(at) == Some(&b'{') {
            // A group: the first name of each entry at depth one.
            let (mut depth, mut j, mut start) = (0, at, true);
            while j < b.len() {
                match b[j] {
                    b'{' => {
                        depth += 1;
                        start = depth == 1;
                    }
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b',' if depth == 1 => start = true,
                    c if start && depth == 1 && (c.is_ascii_alphabetic() || c == b'_') => {
                        out.push(ident(j));
                        start = false;
                    }
                    _ => {}
                }
                j += 1;
            }
            i = j.max(at);
        } else {
            out.push(ident(at));
            i = at;
        }
    }
    out
}

#[test]
fn library_modules_use_only_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let rank = |m: &str| LAYERS.iter().position(|&l| l == m);
    let mut checked = 0;
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
        let top = rel.split('/').next().unwrap().trim_end_matches(".rs");
        let Some(own) = rank(top) else {
            assert!(
                ["cli", "tui", "main", "lib"].contains(&top),
                "src/{rel}: module {top} is not in the README's graph (LAYERS)"
            );
            continue;
        };
        let text = std::fs::read_to_string(&f).unwrap();
        for m in crate_modules(&text) {
            if m == top || m.is_empty() || m.starts_with(char::is_uppercase) || m == "VERSION" {
                continue; // itself, or a re-export at the crate root (Error, VERSION)
            }
            let r = rank(&m).unwrap_or_else(|| panic!("src/{rel} uses crate::{m}, not a module"));
            assert!(r < own, "src/{rel} ({top}) uses {m}, which is not below it");
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} library files checked");
}

#[test]
fn the_module_reader_sees_groups() {
    let text = "use crate::{sanitize, dump::{Printer, palette}, Error};\nlet x = crate::detect::X;";
    assert_eq!(
        crate_modules(text),
        vec!["sanitize", "dump", "Error", "detect"]
    );
}

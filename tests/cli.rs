//! End-to-end tests of the command line: exact output lines, exit codes, and the KB article
//! acceptance checks.

mod common;

use assert_cmd::Command;
use common::{article_web, bin};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const ARTICLE_SHA: &str = "f75c258c4281fcc5c6ac662688c21f3ed8adec7a22c56bea5cb9af34f86884b2";

fn sha(b: &[u8]) -> String {
    format!("{:x}", Sha256::digest(b))
}

fn article_file(dir: &Path) -> PathBuf {
    let p = dir.join("article.bin");
    std::fs::write(&p, clanscope::demo::ARTICLE).unwrap();
    p
}

#[test]
fn undump_the_article_gives_its_128_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.bin");
    let a = bin()
        .arg("undump")
        .arg(article_web())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr, "0AFA:3F00-0AFA:3F7F  128 bytes  (from line 6)\n");
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(bytes.len(), 128);
    assert_eq!(sha(&bytes), ARTICLE_SHA);
    assert_eq!(bytes, clanscope::demo::ARTICLE);
}

/// The article's eight lines with each wrapped ASCII column joined back onto its line.
fn article_lines() -> Vec<String> {
    let text = std::fs::read_to_string(article_web()).unwrap();
    let mut out: Vec<String> = Vec::new();
    // Each address line, then the lines its ASCII column wrapped onto, up to the blank line
    // after the dump.
    for l in text.lines() {
        if l.is_empty() && !out.is_empty() {
            break;
        }
        if l.starts_with("0AFA:3F") {
            out.push(l.to_string());
        } else if !l.is_empty() {
            if let Some(last) = out.last_mut() {
                last.push(' ');
                last.push_str(l);
            }
        }
    }
    out.iter().map(|l| collapse(l)).collect()
}

fn collapse(s: &str) -> String {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn dump_matches_the_article_line_for_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = article_file(dir.path());
    let a = bin()
        .args(["dump", "--origin", "0AFA:3F00"])
        .arg(&f)
        .assert()
        .success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let ours: Vec<String> = out.lines().map(collapse).collect();
    let article = article_lines();
    assert_eq!(article.len(), 8);
    assert_eq!(ours, article);
    // Exact layout before collapsing.
    assert_eq!(
        out.lines().next().unwrap(),
        "0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65   ....Exporting me"
    );
}

#[test]
fn debug_file_origin_puts_offset_3e00_at_0afa_3f00() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f");
    let mut d = vec![0xAAu8; 0x3E00];
    d.extend_from_slice(&clanscope::demo::ARTICLE);
    std::fs::write(&p, d).unwrap();
    let a = bin()
        .args([
            "dump",
            "--origin",
            "0AFA:0100",
            "--from",
            "0x3E00",
            "--length",
            "16",
        ])
        .arg(&p)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stdout),
        "0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65   ....Exporting me\n"
    );
    // The same byte by its address, and through another normalization of it.
    for from in ["0AFA:3F00", "0EEA:0000", "3E00h", "15872"] {
        let a = bin()
            .args([
                "dump",
                "--origin",
                "0AFA:0100",
                "--from",
                from,
                "--length",
                "1",
            ])
            .arg(&p)
            .assert()
            .success();
        assert!(
            String::from_utf8_lossy(&a.get_output().stdout).starts_with("0AFA:3F00  0D"),
            "{from}"
        );
    }
}

#[test]
fn dump_pads_a_mid_line_start_like_debug_and_to_is_inclusive() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f");
    std::fs::write(&p, (0u8..=255).collect::<Vec<_>>()).unwrap();
    let a = bin()
        .args(["dump", "--from", "0x4A", "--to", "0x51"])
        .arg(&p)
        .assert()
        .success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let expect = format!(
        "0000:0040  {}4A 4B 4C 4D 4E 4F   {}JKLMNO\n0000:0050  50 51{}PQ\n",
        " ".repeat(30),
        " ".repeat(10),
        " ".repeat(45)
    );
    assert_eq!(out, expect);
}

/// Review 59 D8: `dump --length` says, as `export` does, when it runs past the end of the file
/// (it printed fewer bytes without a word), and refuses 0 (it printed nothing, exit 0).
#[test]
fn dump_says_a_length_past_the_end_and_refuses_a_length_of_0() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f");
    std::fs::write(&p, (0u8..=255).cycle().take(65_537).collect::<Vec<_>>()).unwrap();
    let a = bin()
        .args(["dump", "--from", "0xFFFA", "--length", "10"])
        .arg(&p)
        .assert()
        .success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.starts_with("0000:FFF0  "), "{out}");
    assert_eq!(
        String::from_utf8(a.get_output().stderr.clone()).unwrap(),
        "clanscope: --length 10 runs past the end of the file: the range dumped is 7 bytes (0000:FFFA to 1000:0000)\n"
    );
    let a = bin()
        .args(["dump", "--length", "0"])
        .arg(&p)
        .assert()
        .code(2);
    assert!(a.get_output().stdout.is_empty());
    assert_eq!(
        String::from_utf8(a.get_output().stderr.clone()).unwrap(),
        "clanscope: --length 0: a range to dump holds at least one byte\n"
    );
}

#[test]
fn squeeze_and_no_squeeze() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("z");
    std::fs::write(&p, vec![0u8; 4096]).unwrap();
    let a = bin().arg("dump").arg(&p).assert().success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec![
            "0000:0000  00 00 00 00 00 00 00 00-00 00 00 00 00 00 00 00   ................",
            "*",
            "0000:0FF0  00 00 00 00 00 00 00 00-00 00 00 00 00 00 00 00   ................",
        ]
    );
    let a = bin()
        .args(["dump", "--no-squeeze"])
        .arg(&p)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stdout)
            .lines()
            .count(),
        256
    );
}

#[test]
fn colour_only_when_asked_and_never_with_no_color_on_auto() {
    let dir = tempfile::tempdir().unwrap();
    let f = article_file(dir.path());
    let a = bin()
        .args(["dump", "--color", "always"])
        .arg(&f)
        .assert()
        .success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(out.contains("\x1b[32m0D"), "whitespace class is green");
    assert!(out.contains("\x1b[36m45"), "printable class is cyan");
    let a = bin()
        .args(["dump"])
        .arg(&f)
        .env("NO_COLOR", "1")
        .assert()
        .success();
    assert!(!a.get_output().stdout.contains(&0x1b));
    let a = bin()
        .args(["dump", "--color", "auto"])
        .arg(&f)
        .assert()
        .success();
    assert!(
        !a.get_output().stdout.contains(&0x1b),
        "not a terminal: no colour"
    );
}

#[test]
fn errors_are_one_line_with_the_path_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec!["dump".into(), "/no/such".into()],
            "clanscope: /no/such: no such file or directory\n".into(),
        ),
        (
            vec!["dump".into(), dir.path().display().to_string()],
            format!("clanscope: {}: is a directory\n", dir.path().display()),
        ),
    ];
    for (args, want) in cases {
        let a = bin().args(&args).assert().code(2);
        assert_eq!(String::from_utf8_lossy(&a.get_output().stderr), want);
    }
    let f = article_file(dir.path());
    let a = bin()
        .args(["dump", "--from", "0x200"])
        .arg(&f)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert_eq!(err, format!("clanscope: {}: address '0x200' is outside the file: valid 0000:0000 to 0000:007F (offsets 0 to 127)\n", f.display()));
    let a = bin()
        .args(["dump", "--origin", "zz"])
        .arg(&f)
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr)
        .starts_with("clanscope: invalid origin 'zz'"));
}

/// Runs clanscope as the unprivileged user `nobody` when the tests run as root (root reads
/// everything), so that permission errors really happen. The binary is copied into `dir`
/// (world-readable), since the build folder may not be reachable for `nobody`.
fn unprivileged(dir: &Path) -> Command {
    if unsafe { libc::geteuid() } == 0 {
        use std::os::unix::fs::PermissionsExt;
        let exe = dir.join("clanscope-bin");
        if !exe.exists() {
            // Copied by another process: a copy written here could still be open for writing
            // in a child another test thread is forking, and exec would fail (ETXTBSY).
            let ok = std::process::Command::new("cp")
                .arg(env!("CARGO_BIN_EXE_clanscope"))
                .arg(&exe)
                .status()
                .unwrap()
                .success();
            assert!(ok, "cannot copy the binary");
            std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let mut c = Command::new("setpriv");
        // As bin(): no settings file, an empty per-user folder (in `dir`: root's HOME is not
        // readable by nobody).
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&exe)
            .current_dir(dir)
            .env("XDG_DATA_HOME", dir.join("empty-xdg-data"))
            .env("CLANSCOPE_SETTINGS", dir.join("no-settings.toml"));
        c
    } else {
        bin()
    }
}

#[test]
fn permission_denied_is_reported_and_other_files_still_scanned() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let po = dir.path().join("po");
    std::fs::create_dir(&po).unwrap();
    std::fs::set_permissions(&po, std::fs::Permissions::from_mode(0o755)).unwrap();
    let p = po.join("secret");
    std::fs::write(&p, b"x").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let ok = po.join("CLANDATA");
    std::fs::write(&ok, clanscope::demo::STORE).unwrap();
    std::fs::set_permissions(&ok, std::fs::Permissions::from_mode(0o644)).unwrap();
    let a = unprivileged(dir.path())
        .arg("dump")
        .arg(&p)
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!("clanscope: {}: permission denied\n", p.display())
    );
    let a = unprivileged(dir.path())
        .args(["scan", "--format", "json"])
        .arg(&po)
        .assert()
        .code(2);
    // As nobody (the tests run as root), root's CLANDATA is read without O_NOATIME, and
    // that is said too.
    let atime = match unsafe { libc::geteuid() } {
        0 => format!("clanscope: {}: opened without O_NOATIME (the kernel allows O_NOATIME only to a file's owner or CAP_FOWNER): reading it may have moved its access time\n", ok.display()),
        _ => String::new(),
    };
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!("clanscope: {}: permission denied\n{atime}", p.display())
    );
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(
        v["files"].as_array().unwrap().len(),
        1,
        "the readable file was scanned"
    );
    assert_eq!(v["files"][0]["kind"], "clandata");
    assert_eq!(v["errors"][0]["path"], p.display().to_string());
}

#[test]
fn empty_file_dumps_as_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty");
    std::fs::write(&p, b"").unwrap();
    let a = bin().arg("dump").arg(&p).assert().success();
    assert!(a.get_output().stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!("clanscope: {}: empty file (0 bytes)\n", p.display())
    );
}

#[test]
fn sparse_5gib_file_opens_dumps_its_tail_and_reports_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("sparse");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(5 << 30).unwrap();
    drop(f);
    let a = bin()
        .args(["dump", "--from", "0x13FFFFFF0"])
        .arg(&p)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stdout),
        "13FFF000:FFF0  00 00 00 00 00 00 00 00-00 00 00 00 00 00 00 00   ................\n"
    );
    let a = bin().arg("dump").arg(&p).assert().success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stdout)
            .lines()
            .count(),
        3
    );
    let a = bin()
        .args(["scan", "--format", "json"])
        .arg(&p)
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(v["files"][0]["size"], 5u64 << 30);
}

/// A folder for outputs under `dir` (outputs never go into a folder holding an input).
fn outputs(dir: &Path) -> PathBuf {
    let o = dir.join("outputs");
    std::fs::create_dir_all(&o).unwrap();
    o
}

fn roundtrip(data: &[u8], origin: &str, squeeze: bool) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in");
    std::fs::write(&p, data).unwrap();
    let mut cmd = bin();
    cmd.args(["dump", "--origin", origin]);
    if !squeeze {
        cmd.arg("--no-squeeze");
    }
    let a = cmd.arg(&p).assert().success();
    let t = dir.path().join("dump.txt");
    std::fs::write(&t, &a.get_output().stdout).unwrap();
    // Outputs never go beside an input: the bytes go to a folder of their own.
    let out = outputs(dir.path()).join("out");
    bin()
        .arg("undump")
        .arg(&t)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&out).unwrap(),
        data,
        "origin {origin} squeeze {squeeze}"
    );
}

#[test]
fn dump_then_undump_returns_random_files() {
    let mut x = 0x1234_5678_9ABC_DEF0u64;
    for (i, origin) in ["0000:0000", "0AFA:0100", "FFFF:FFF7", "1234:0005"]
        .iter()
        .enumerate()
    {
        let len = 3000 + i * 777;
        let mut d: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        d[100..1100].fill(0);
        roundtrip(&d, origin, true);
        roundtrip(&d, origin, false);
    }
}

#[test]
fn addresses_keep_one_width_across_the_first_mib_and_parse_back() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("two.bin");
    let d: Vec<u8> = (0..(2u32 << 20))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&f, &d).unwrap();
    let out = |args: &[&str]| {
        let a = bin().args(args).arg(&f).assert();
        String::from_utf8(a.get_output().stdout.clone()).unwrap()
    };
    // Segment F000 is printed in the five columns 10000 needs, so no column shifts.
    let text = out(&["dump", "--from", "0xFFFE0", "--length", "0x40"]);
    let labels: Vec<&str> = text.lines().map(|l| &l[..10]).collect();
    assert_eq!(
        labels,
        [" F000:FFE0", " F000:FFF0", "10000:0000", "10000:0010"],
        "{text}"
    );
    assert!(text
        .lines()
        .all(|l| l.len() == text.lines().next().unwrap().len()));
    assert_eq!(
        clanscope::dump::parse::parse(&text).bytes(),
        d[0xFFFE0..0x100020].to_vec()
    );
    // The same in a text export: its caret lines stay under the bytes, and it parses back.
    let text = out(&[
        "export",
        "--from",
        "0xFFFE0",
        "--length",
        "0x40",
        "--context",
        "0",
    ]);
    let rows: Vec<&str> = text.lines().collect();
    for w in rows.windows(2).filter(|w| w[0].starts_with(">  ")) {
        let first_hex = w[0]
            .find(":FFE0  ")
            .or_else(|| w[0].find(":FFF0  "))
            .or_else(|| w[0].find(":0000  "))
            .or_else(|| w[0].find(":0010  "));
        assert_eq!(
            w[1].find('^'),
            first_hex.map(|i| i + 7),
            "{}\n{}",
            w[0],
            w[1]
        );
    }
    assert_eq!(
        clanscope::dump::parse::parse(&text).bytes(),
        d[0xFFFE0..0x100020].to_vec()
    );
}

#[test]
fn undump_reads_xxd_and_hexdump_output() {
    let dir = tempfile::tempdir().unwrap();
    let f = article_file(dir.path());
    for (tool, args) in [
        ("xxd", vec![]),
        ("xxd", vec!["-u", "-g1"]),
        ("hexdump", vec!["-C"]),
    ] {
        let Ok(o) = std::process::Command::new(tool)
            .args(&args)
            .arg(&f)
            .output()
        else {
            panic!("{tool} is needed by this test (.ci/run installs it)");
        };
        let t = dir.path().join(format!("{tool}.txt"));
        std::fs::write(&t, &o.stdout).unwrap();
        let out = outputs(dir.path()).join(format!("{tool}-{}", args.len()));
        let a = bin()
            .arg("undump")
            .arg(&t)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        assert_eq!(
            std::fs::read(&out).unwrap(),
            clanscope::demo::ARTICLE,
            "{tool} {args:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&a.get_output().stderr),
            "00000000-0000007F  128 bytes  (from line 1)\n"
        );
    }
}

#[test]
fn undump_several_blocks_split_and_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Some prose first.\n-d 0AFA:3F00\n0AFA:3F00  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP\nMore prose between dumps.\n1000:0000  00 01 02 03 04 05 06 07-08 09 0A 0B 0C 0D 0E 0F   ..X.............\n";
    let t = dir.path().join("t.txt");
    std::fs::write(&t, text).unwrap();
    let out = outputs(dir.path()).join("o");
    let split = outputs(dir.path()).join("blocks");
    let a = bin()
        .arg("undump")
        .arg(&t)
        .arg("-o")
        .arg(&out)
        .arg("--split")
        .arg(&split)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    let name = t.display().to_string();
    assert_eq!(
        err,
        format!("clanscope: {name}: warning: line 5: ASCII column does not match the hex: expected '................', found '..X.............'; the hex is kept\n0AFA:3F00-0AFA:3F0F  16 bytes  (from line 3)  -> 0AFA_3F00.bin\n1000:0000-1000:000F  16 bytes  (from line 5)  -> 1000_0000.bin\n")
    );
    // Review 59: a name already taken in the folder gets -2, and the block's line says so.
    let a = bin()
        .arg("undump")
        .arg(&t)
        .arg("--split")
        .arg(&split)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.ends_with("0AFA:3F00-0AFA:3F0F  16 bytes  (from line 3)  -> 0AFA_3F00-2.bin\n1000:0000-1000:000F  16 bytes  (from line 5)  -> 1000_0000-2.bin\n"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(split.join("0AFA_3F00-2.bin")).unwrap(),
        b"ABCDEFGHIJKLMNOP"
    );
    let all = std::fs::read(&out).unwrap();
    assert_eq!(&all[..16], b"ABCDEFGHIJKLMNOP");
    assert_eq!(all[16..], (0u8..16).collect::<Vec<_>>());
    assert_eq!(
        std::fs::read(split.join("0AFA_3F00.bin")).unwrap(),
        b"ABCDEFGHIJKLMNOP"
    );
    assert_eq!(
        std::fs::read(split.join("1000_0000.bin")).unwrap().len(),
        16
    );
    // --strict: the warning ends the command before anything is written.
    let strict = outputs(dir.path()).join("strict.bin");
    let a = bin()
        .arg("undump")
        .arg("--strict")
        .arg(&t)
        .arg("-o")
        .arg(&strict)
        .assert()
        .code(2);
    assert!(!strict.exists());
    assert!(String::from_utf8_lossy(&a.get_output().stderr)
        .ends_with("1 warning(s) and --strict given; nothing written\n"));
    let prose = dir.path().join("p.txt");
    std::fs::write(&prose, "no dump here\n").unwrap();
    let a = bin().arg("undump").arg(&prose).assert().code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!("clanscope: {}: no dump lines found\n", prose.display())
    );
}

/// Review 82 D2: `-o -` names standard output, as the dash does for the dump text; it wrote a
/// file named `-` in the working folder.
#[test]
fn dash_o_writes_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("po");
    std::fs::create_dir(&ev).unwrap();
    let f = common::demo_copy(&ev);
    let work = outputs(dir.path());
    let text = |args: &[&str]| {
        let a = bin().current_dir(&work).args(args).assert().success();
        String::from_utf8(a.get_output().stdout.clone()).unwrap()
    };
    let f_s = f.to_str().unwrap();
    let plain = text(&["export", "--format", "json", f_s]);
    let dash = text(&["export", "--format", "json", "-o", "-", f_s]);
    let no_time = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("\"exported\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(plain.len() > 1000);
    assert_eq!(no_time(&dash), no_time(&plain));
    // The text export read back: its bytes on standard output, with and beside --split.
    let dump = work.join("export.txt");
    std::fs::write(&dump, text(&["export", f_s])).unwrap();
    let bytes = |args: &[&str]| {
        let a = bin().current_dir(dir.path()).args(args).assert().success();
        a.get_output().stdout.clone()
    };
    let d_s = dump.to_str().unwrap();
    let back = bytes(&["undump", d_s]);
    // The demo's origin is DEBUG's 0AFA:0100: 0AFA:3EE0 is file offset 3DE0h.
    let store = std::fs::read(&f).unwrap();
    assert_eq!(&back[..144], &store[0x3DE0..0x3DE0 + 144]);
    assert_eq!(bytes(&["undump", d_s, "-o", "-"]), back);
    let blocks = dir.path().join("blocks");
    assert_eq!(
        bytes(&[
            "undump",
            d_s,
            "-o",
            "-",
            "--split",
            blocks.to_str().unwrap()
        ]),
        back
    );
    assert_eq!(
        std::fs::read(blocks.join("0AFA_3EE0.bin")).unwrap(),
        &back[..144]
    );
    // With --out DIR, `-o -` is one place too many.
    let a = bin()
        .current_dir(&work)
        .args(["export", "-o", "-", "--out", "case", f_s])
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        "clanscope: -o - writes to standard output, and --out case names a case folder to write in: give one of them\n"
    );
    assert!(a.get_output().stdout.is_empty());
    for d in [&work, dir.path()] {
        assert!(!d.join("-").exists(), "a file named '-' in {}", d.display());
    }
    assert!(!work.join("case").exists());
}

#[test]
fn undump_line_past_the_top_of_the_address_space_is_kept_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("top.txt");
    std::fs::write(
        &t,
        "fffffffffffffff8: 4865 6c6c 6f20 576f 726c 6421 0a00 0000  Hello World!....\n",
    )
    .unwrap();
    let out = outputs(dir.path()).join("o");
    let a = bin()
        .arg("undump")
        .arg(&t)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!(
            "clanscope: {}: warning: line 1: address wraps past FFFFFFFFFFFFFFFF: the last 8 of this line's 16 bytes lie beyond it (to 10000000000000007); the hex is kept\nFFFFFFFFFFFFFFF8-10000000000000007  16 bytes  (from line 1)\n",
            t.display()
        )
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"Hello World!\n\0\0\0");
    // A line that ends exactly at the top is not warned about.
    std::fs::write(
        &t,
        "fffffffffffffff0: 4865 6c6c 6f20 576f 726c 6421 0a00 0000  Hello World!....\n",
    )
    .unwrap();
    let a = bin()
        .arg("undump")
        .arg(&t)
        .arg("-o")
        .arg(outputs(dir.path()).join("p"))
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        "FFFFFFFFFFFFFFF0-FFFFFFFFFFFFFFFF  16 bytes  (from line 1)\n"
    );
}

#[test]
fn completions_and_versions() {
    let a = bin().args(["completions", "bash"]).assert().success();
    assert!(String::from_utf8_lossy(&a.get_output().stdout).contains("clanscope"));
    for sub in ["dump", "undump", "scan", "export", "view", "completions"] {
        let a = bin().args([sub, "--version"]).assert().success();
        assert_eq!(
            String::from_utf8_lossy(&a.get_output().stdout),
            format!("clanscope-{sub} {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
    let a = bin().arg("--version").assert().success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stdout),
        format!("clanscope {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn view_without_a_terminal_says_so() {
    let a = bin().assert().code(2);
    assert_eq!(String::from_utf8_lossy(&a.get_output().stderr), "clanscope: the inspector needs a terminal; use 'clanscope dump' or 'clanscope scan' in scripts and pipes\n");
}

#[test]
fn an_empty_path_is_said_to_name_nothing() {
    for args in [&[""][..], &["scan", ""], &["dump", ""]] {
        let a = bin().args(args).assert().code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(
            err.starts_with("clanscope: invalid value '' for '")
                && err.contains("': an empty name names no file or folder"),
            "{args:?}: {err}"
        );
    }
}

/// Review 60 D8: an option given no value was said as an empty file name ("invalid value ''
/// for '--from <ADDR>': an empty name names no file or folder").
#[test]
fn an_option_without_its_value_is_said_so() {
    for (args, want) in [
        (&["dump", "--from"][..], "'--from <ADDR>'"),
        (&["--origin"], "'--origin <SEG:OFF>'"),
        (&["export", "--length"], "'--length <N>'"),
    ] {
        let a = bin().args(args).assert().code(2);
        assert_eq!(
            String::from_utf8_lossy(&a.get_output().stderr),
            format!("clanscope: {want} needs a value, and none was given (see --help)\n"),
            "{args:?}"
        );
    }
}

/// Review 60: an unknown argument that is not UTF-8 was said with U+FFFD for its bytes, and
/// the hint to put a name starting with '-' after '--' came when '--' was already given.
#[test]
fn an_unknown_argument_is_said_as_given() {
    use std::os::unix::ffi::OsStrExt;
    let raw = std::ffi::OsStr::from_bytes(b"--\xFF\x1B[31m");
    let a = bin().arg(raw).assert().code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        "clanscope: unexpected argument '--\\xFF\\x1B[31m'; a file name that starts with '-' goes after '--' (see --help)\n"
    );
    let a = bin().args(["dump", "a", "--", "-x"]).assert().code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        "clanscope: unexpected argument '-x' (see --help)\n"
    );
}

#[test]
fn a_mistyped_command_is_named_and_a_file_of_that_name_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let stderr_of = |args: &[&str]| {
        let a = bin().current_dir(dir.path()).args(args).assert().code(2);
        assert!(a.get_output().stdout.is_empty());
        String::from_utf8_lossy(&a.get_output().stderr).into_owned()
    };
    for (args, want) in [
        (
            &["scna", "."][..],
            "'scna'; did you mean the command 'scan'?",
        ),
        (&["scna"], "'scna'; did you mean the command 'scan'?"),
        (
            &["--origin", "0AFA:0100", "expotr", "x"],
            "'expotr'; did you mean the command 'export'?",
        ),
        (&["Dump", "x"], "'Dump'; did you mean the command 'dump'?"),
        (
            &["cmopare", "a", "b"],
            "'cmopare'; did you mean the command 'compare'?",
        ),
        (&["sca\x1b"], "'sca\\x1B'; did you mean the command 'scan'?"),
    ] {
        assert_eq!(
            stderr_of(args),
            format!("clanscope: no such file or folder {want}\n"),
            "{args:?}"
        );
    }
    // A word far from every command, or after --, is a path that does not exist.
    assert_eq!(
        stderr_of(&["notes"]),
        "clanscope: notes: no such file or directory\n"
    );
    assert_eq!(
        stderr_of(&["--", "scna"]),
        "clanscope: scna: no such file or directory\n"
    );
    // A real file named like that is the file: it opens (here without a terminal, so the
    // inspector says it needs one).
    std::fs::write(dir.path().join("scna"), clanscope::demo::ARTICLE).unwrap();
    assert_eq!(
        stderr_of(&["scna"]),
        "clanscope: the inspector needs a terminal; use 'clanscope dump' or 'clanscope scan' in scripts and pipes\n"
    );
    // One PATH only (review 83 D5: clap called the second word a subcommand that cannot be
    // used with [PATH]).
    assert_eq!(
        stderr_of(&["scna", "."]),
        "clanscope: '.' after the path to inspect: the inspector opens one file or folder ('clanscope scan' takes several) (see --help)\n"
    );
    assert_eq!(
        stderr_of(&["nosuch", "ev1"]),
        "clanscope: no such file or folder 'nosuch', and no command of that name (see --help)\n"
    );
    // After `--` the first word is not looked at: nothing is said of it (review 85).
    assert_eq!(
        stderr_of(&["--", "nosuch", "ev1"]),
        "clanscope: 'ev1': one word too many; the inspector opens one file or folder ('clanscope scan' takes several) (see --help)\n"
    );
}

#[test]
fn a_file_named_like_a_mistyped_command_opens_in_the_inspector() {
    if !common::have("tmux") {
        return common::skip(
            "a_file_named_like_a_mistyped_command_opens_in_the_inspector",
            "tmux is not installed",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scna"), clanscope::demo::ARTICLE).unwrap();
    let t = common::Tmux::clanscope("cli-scna", dir.path(), "scna", 80, 24);
    let s = t.wait_for("the inspector", |s| s.contains("scan done"));
    assert!(
        s.lines().next().unwrap().starts_with(" scna │ 128 B │"),
        "{s}"
    );
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("EXIT=0"));
}

#[test]
fn a_file_of_another_user_is_read_even_where_o_noatime_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    if unsafe { libc::geteuid() } != 0 {
        return common::skip(
            "a_file_of_another_user_is_read_even_where_o_noatime_is_refused",
            "needs root to run clanscope as another user",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let f = article_file(dir.path());
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    // As `nobody`, O_NOATIME on root's file fails with EPERM: clanscope opens it without.
    let a = unprivileged(dir.path())
        .arg("dump")
        .arg(&f)
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&a.get_output().stdout).starts_with("0000:0000  0D 0A 0D 0A"));
}

/// Standard error holds one line, `clanscope: ...`, with no control character in it.
fn one_clean_line(what: &str, stderr: &[u8]) -> String {
    let err = String::from_utf8_lossy(stderr).to_string();
    assert!(err.starts_with("clanscope: "), "{what}: {err:?}");
    assert!(err.ends_with('\n'), "{what}: {err:?}");
    assert_eq!(err.lines().count(), 1, "{what}: {err:?}");
    assert!(
        !err.trim_end().chars().any(|c| c.is_control()),
        "{what}: a raw control character: {err:?}"
    );
    err
}

#[test]
fn clap_errors_never_print_arguments_raw() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "--x\x1b]2;PWN\x07";
    std::fs::write(dir.path().join(evil), b"x").unwrap();
    // `clanscope scan *` in that folder: the file name reaches clap as an option.
    let a = bin()
        .current_dir(dir.path())
        .arg("scan")
        .arg(evil)
        .assert()
        .code(2);
    let err = one_clean_line("scan *", &a.get_output().stderr);
    assert!(err.contains("'--x\\x1B]2;PWN\\x07'"), "{err}");
    let f = article_file(dir.path());
    let a = bin()
        .args(["dump", "--color", "\x1b]2;PWN\x07"])
        .arg(&f)
        .assert()
        .code(2);
    let err = one_clean_line("dump --color", &a.get_output().stderr);
    assert!(err.contains("'\\x1B]2;PWN\\x07'"), "{err}");
    assert!(err.contains("auto, always, never"), "{err}");
    let a = bin()
        .args(["completions", "\x1b]2;PWN\x07"])
        .assert()
        .code(2);
    let err = one_clean_line("completions", &a.get_output().stderr);
    assert!(err.contains("bash"), "{err}");
    let a = bin()
        .args(["dump", "--no-such-option\x1b[2J"])
        .assert()
        .code(2);
    one_clean_line("unknown option", &a.get_output().stderr);
    // Help and version still print normally, on standard output.
    let a = bin().args(["dump", "--help"]).assert().success();
    assert!(String::from_utf8_lossy(&a.get_output().stdout).contains("--no-squeeze"));
}

/// Numbers and addresses are trimmed of ASCII blanks only (review 67: a NEL, U+2028 or U+3000
/// around `--from` was dropped by a Unicode trim, the argument taken, and an error quoted it
/// without the character). Such an argument is refused, and the error shows the character
/// escaped.
#[test]
fn review_67_arguments_are_trimmed_of_ascii_blanks_only() {
    let dir = tempfile::tempdir().unwrap();
    let f = article_file(dir.path());
    let ok = bin()
        .args(["dump", "--from", " 0x10\t", "--length", "16"])
        .arg(&f)
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&ok.get_output().stdout).starts_with("0000:0010  "));
    for (v, shown) in [
        ("0x10\u{85}", "0x10\\u{0085}"),
        ("\u{2028}0x10", "\\u{2028}0x10"),
        ("zz\u{85}", "zz\\u{0085}"),
    ] {
        let a = bin()
            .args(["dump", "--from", v, "--length", "16"])
            .arg(&f)
            .assert()
            .code(2);
        let err = one_clean_line(v, &a.get_output().stderr);
        assert!(
            err.contains(&format!("invalid address '{shown}'")),
            "{v:?}: {err}"
        );
        assert!(a.get_output().stdout.is_empty());
    }
    let a = bin()
        .args(["dump", "--origin", "0AFA:0100\u{85}"])
        .arg(&f)
        .assert()
        .code(2);
    let err = one_clean_line("origin", &a.get_output().stderr);
    assert!(
        err.starts_with("clanscope: invalid origin '0AFA:0100\\u{0085}'"),
        "{err}"
    );
}

#[test]
fn out_of_range_arguments_are_one_line_errors_naming_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let f = article_file(dir.path());
    for v in ["NaN", "inf", "-inf", "2", "-0.5", "1.0000001"] {
        let a = bin()
            .args(["scan", "--min-confidence", v])
            .arg(&f)
            .assert()
            .code(2);
        let err = one_clean_line(v, &a.get_output().stderr);
        assert!(err.contains("0 to 1"), "{v}: {err}");
    }
    bin()
        .args(["scan", "--min-confidence", "0.25"])
        .arg(&f)
        .assert()
        .code(1);
    for v in ["18446744073709551615", "1152921504606846976", "10001", "-1"] {
        let a = bin()
            .args(["export", "--context", v])
            .arg(&f)
            .assert()
            .code(2);
        let err = one_clean_line(v, &a.get_output().stderr);
        assert!(err.contains("0 to 10000"), "{v}: {err}");
    }
    bin()
        .args(["export", "--context", "10000"])
        .arg(&f)
        .assert()
        .success();
    for (opt, v) in [
        ("--from", "0x+5"),
        ("--from", "+5"),
        ("--from", "0x-5"),
        ("--from", "+5%"),
        ("--length", "+5"),
        ("--length", "0x+5"),
        ("--to", "-5"),
    ] {
        let a = bin().args(["dump", opt, v]).arg(&f).assert().code(2);
        let err = one_clean_line(v, &a.get_output().stderr);
        assert!(err.contains(&format!("'{v}'")), "{opt} {v}: {err}");
    }
}

/// Runs clanscope with its standard output a pipe that is already closed.
fn to_closed_pipe(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    unsafe { libc::close(fds[0]) };
    let stdout = unsafe { std::process::Stdio::from_raw_fd(fds[1]) };
    std::process::Command::new(env!("CARGO_BIN_EXE_clanscope"))
        .args(args)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

use std::os::fd::FromRawFd;

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("CLANDATA");
    std::fs::write(&store, clanscope::demo::STORE).unwrap();
    let s = store.as_os_str();
    let web = article_web();
    let o = |x: &'static str| std::ffi::OsStr::new(x);
    let runs: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec![o("completions"), o("bash")],
        vec![o("completions"), o("zsh")],
        vec![o("--help")],
        vec![o("--version")],
        vec![o("scan"), s],
        vec![o("scan"), o("--format"), o("json"), s],
        vec![o("scan"), o("--format"), o("csv"), s],
        vec![o("dump"), s],
        vec![o("export"), s],
        vec![o("export"), o("--format"), o("json"), s],
        vec![o("export"), o("--format"), o("html"), s],
        vec![o("undump"), web.as_os_str()],
    ];
    for args in runs {
        let out = to_closed_pipe(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        let quiet = err
            .lines()
            .all(|l| !l.starts_with("clanscope:") && !l.contains("panicked"));
        assert!(quiet, "{args:?}: {err}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {err}",
            out.status
        );
    }
    // `| head -1`: the reader goes away after one line.
    use std::io::BufRead;
    for args in [vec!["dump"], vec!["scan", "--all"], vec!["export"]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_clanscope"))
            .args(&args)
            .arg(&store)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.is_empty(), "{args:?}: {err}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?}",
            out.status
        );
    }
}

/// A DEBUG dump of `lines` lines of noise whose ASCII column is wrong on every line.
fn bad_dump(path: &Path, lines: usize) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let data = common::noise(lines * 16, 3);
    let origin = clanscope::address::Origin::ZERO;
    let text = clanscope::dump::Printer::new(origin)
        .squeeze(false)
        .to_string(&data, 0, data.len() as u64);
    for l in text.lines() {
        // The last ASCII character becomes one that no byte shows as.
        writeln!(f, "{}\u{7f}", &l[..l.len() - 1]).unwrap();
    }
    f.flush().unwrap();
}

/// `clanscope undump TEXT -o /dev/null`: exit code, standard error, peak memory (KiB). None
/// (and the test skipped) without GNU time.
fn undump_peak(test: &str, text: &Path) -> Option<(Option<i32>, String, u64)> {
    let args = [
        "undump".as_ref(),
        text.as_os_str(),
        "-o".as_ref(),
        "/dev/null".as_ref(),
    ];
    let r = common::peak_memory(Path::new(env!("CARGO_BIN_EXE_clanscope")), &args);
    if r.is_none() {
        common::skip(test, "no /usr/bin/time to measure peak memory");
    }
    r
}

#[test]
fn undump_streams_in_flat_memory_and_summarises_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let mut peaks = Vec::new();
    for lines in [50_000, 500_000] {
        let t = dir.path().join(format!("d{lines}.txt"));
        bad_dump(&t, lines);
        let Some((code, err, peak)) =
            undump_peak("undump_streams_in_flat_memory_and_summarises_warnings", &t)
        else {
            return;
        };
        assert_eq!(code, Some(0), "{err}");
        // Ten warnings in full, then one line for the rest, then the block.
        assert_eq!(err.lines().count(), 12, "{err}");
        assert!(err.contains(&format!("warning: {} more 'ASCII column does not match the hex' warnings, lines 11 to {lines}", lines - 10)), "{err}");
        peaks.push(peak);
    }
    // Ten times the dump (40 MB of text, 8 MB of bytes): no more memory.
    assert!(peaks[1] < peaks[0] + 4096, "peak RSS {peaks:?} KiB");
}

/// `clanscope undump --strict - -o OUT` with standard input redirected from `text`, or fed
/// through a pipe (`pipe`): exit code, standard error, peak memory (KiB). None (and the test
/// skipped) without GNU time.
fn strict_stdin_peak(
    test: &str,
    text: &Path,
    out: &Path,
    pipe: bool,
) -> Option<(Option<i32>, String, u64)> {
    if !Path::new("/usr/bin/time").exists() {
        common::skip(test, "no /usr/bin/time to measure peak memory");
        return None;
    }
    let report = tempfile::NamedTempFile::new().unwrap();
    let r = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(report.path())
        .arg(env!("CARGO_BIN_EXE_clanscope"))
        .args(["undump", "--strict", "-", "-o"])
        .arg(out)
        .env(
            "XDG_DATA_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("empty-xdg-data"),
        )
        .stdin(if pipe {
            std::process::Stdio::piped()
        } else {
            std::fs::File::open(text).unwrap().into()
        })
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut r = r;
    if let Some(mut w) = r.stdin.take() {
        let bytes = std::fs::read(text).unwrap();
        // The command may refuse before it read everything: a broken pipe is its answer.
        std::thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut w, &bytes);
        });
    }
    let r = r.wait_with_output().unwrap();
    let peak = std::fs::read_to_string(report.path()).unwrap();
    let peak = peak.lines().last().unwrap().trim().parse().unwrap();
    let err = String::from_utf8_lossy(&r.stderr).into_owned();
    Some((r.status.code(), err, peak))
}

#[test]
fn undump_strict_from_standard_input_keeps_the_documented_memory() {
    let test = "undump_strict_from_standard_input_keeps_the_documented_memory";
    let dir = tempfile::tempdir().unwrap();
    let data = common::noise(1_300_000, 7);
    let printer = clanscope::dump::format::Printer::new(clanscope::address::Origin::default());
    let text = printer
        .squeeze(false)
        .to_string(&data, 0, data.len() as u64);
    // 1,300,000 bytes are 6.4 MB of text, past the 6 MiB --strict holds from standard input.
    assert!(text.len() > 6 << 20);
    let big = dir.path().join("big.txt");
    std::fs::write(&big, &text).unwrap();
    // Redirected from a file, standard input is that file, read twice from where it stands,
    // so more than the cap is read (review 67: it was refused).
    let out = outputs(dir.path()).join("big-from-file.bin");
    let Some((code, err, peak)) = strict_stdin_peak(test, &big, &out, false) else {
        return;
    };
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), data);
    assert!(peak < 16 << 10, "peak RSS {peak} KiB");
    // Through a pipe it can be read only once: more than the cap is refused.
    let out = outputs(dir.path()).join("big.bin");
    let (code, err, peak) = strict_stdin_peak(test, &big, &out, true).unwrap();
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err, "clanscope: standard input: more than 6 MiB of dump text, the most --strict holds in memory to read standard input twice; save it to a file to use --strict; nothing written\n");
    assert!(!out.exists());
    // README, undump: memory stays under 16 MiB.
    assert!(peak < 16 << 10, "peak RSS {peak} KiB");
    // Under the cap, --strict from standard input writes every byte.
    let small = dir.path().join("small.txt");
    let cut = text.lines().take(50_000).collect::<Vec<_>>().join("\n") + "\n";
    std::fs::write(&small, cut).unwrap();
    let out = outputs(dir.path()).join("small.bin");
    let (code, err, peak) = strict_stdin_peak(test, &small, &out, true).unwrap();
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), data[..50_000 * 16]);
    assert!(peak < 16 << 10, "peak RSS {peak} KiB");
}

#[test]
fn a_1gib_squeezed_run_stays_within_the_documented_memory() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("fill.txt");
    std::fs::write(
        &t,
        "00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n*\n40000000\n",
    )
    .unwrap();
    let Some((code, err, peak)) =
        undump_peak("a_1gib_squeezed_run_stays_within_the_documented_memory", &t)
    else {
        return;
    };
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "00000000-3FFFFFFF  1073741824 bytes  (from line 1)\n");
    // README, undump: memory stays under 16 MiB whatever the dump or its squeezed runs.
    assert!(peak < 16 << 10, "peak RSS {peak} KiB");
}

/// Review 60 D8: `export -o x.csv` wrote text without a word; an extension that names no
/// format is said (the text is still written).
#[test]
fn an_export_extension_that_names_no_format_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let ev = common::demo_copy(dir.path());
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("x.csv");
    let a = bin()
        .arg("export")
        .arg(&ev)
        .arg("-o")
        .arg(&o)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!(
            "clanscope: {}: '.csv' names none of the formats (.txt, .html, .json): written as text; --format chooses\n",
            o.display()
        )
    );
    assert!(std::fs::read_to_string(&o)
        .unwrap()
        .starts_with("clanscope annotated dump\n"));
    let o = out.path().join("x.json");
    let a = bin()
        .arg("export")
        .arg(&ev)
        .arg("-o")
        .arg(&o)
        .assert()
        .success();
    assert!(a.get_output().stderr.is_empty());
}

//! `clanscope scan`: output formats, exit codes, folders, the cross-reference and timeline.

mod common;

use clanscope::detect::{Control, Engine, Report};
use common::{bin, demo_tree};
use std::path::Path;

/// What the library reports for a file (the CLI must print exactly that).
fn report(path: &Path) -> Report {
    let src = clanscope::source::Source::open(path).unwrap();
    Engine::default().scan(&src, path, &Control::new())
}

/// A confidence as scan prints it.
fn conf(c: f32) -> String {
    format!("{c:.2}")
}

#[test]
fn json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    demo_tree(dir.path());
    let a = bin()
        .args(["scan", "--format", "json", "--origin", "0AFA:0100"])
        .arg(dir.path())
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(v["tool"], "clanscope");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    let store = &files[0];
    assert_eq!(
        store["path"],
        dir.path().join("CLANDATA").display().to_string()
    );
    assert_eq!(store["size"], 327680);
    assert_eq!(store["kind"], "clandata");
    let lib = report(&dir.path().join("CLANDATA"));
    let f = &store["findings"][0];
    assert_eq!(f["id"], 1);
    assert_eq!(f["kind"], "console-write");
    assert_eq!(f["start"], 15872);
    assert_eq!(f["end"], 15948);
    assert_eq!(f["address"], "0AFA:3F00");
    assert_eq!(
        f["confidence"].to_string(),
        conf(lib.findings[0].confidence)
    );
    assert!(lib.findings[0].suspected());
    assert_eq!(f["signature"], "export-mailbox");
    assert_eq!(f["why"], lib.findings[0].why());
    assert_eq!(
        f["text"],
        "\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n"
    );
    assert_eq!(f["mailbox"], "randyyeh_ee");
    assert_eq!(f["file"], "EXPORT\\MSG4A27.CCM");
    assert_eq!(f["header"], 1);
    // The damaged header holds the write, by id; every write is listed once.
    let h = &store["damaged_headers"][0];
    assert_eq!(h["id"], 1);
    assert_eq!(
        (h["start"].as_u64(), h["end"].as_u64()),
        (Some(15872), Some(15948))
    );
    assert_eq!(h["address"], "0AFA:3F00");
    assert_eq!(h["confidence"].to_string(), conf(lib.headers[0].confidence));
    assert_eq!(h["writes"], serde_json::json!([1]));
    assert_eq!(h["anomalies"], serde_json::json!([]));
    let starts: Vec<u64> = store["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["start"].as_u64().unwrap())
        .collect();
    let mut unique = starts.clone();
    unique.dedup();
    assert_eq!(starts, unique, "one finding per write");
    // By default only >= 0.5; --all lists the weaker plain text too.
    assert!(store["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["confidence"].as_f64().unwrap() >= 0.5));
    let a = bin()
        .args(["scan", "--format", "json", "--all"])
        .arg(dir.path().join("CLANDATA"))
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert!(v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "plain-text"));
    assert_eq!(v["mailboxes"]["admin_hub"], 2);
}

#[test]
fn a_write_naming_two_files_is_linked_by_both() {
    let dir = tempfile::tempdir().unwrap();
    demo_tree(dir.path());
    let a = bin()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    let store = dir.path().join("CLANDATA").display().to_string();
    let file = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == store.as_str())
        .unwrap();
    // Write #5 exports a mailbox to one file, then imports another.
    let w = &file["findings"].as_array().unwrap()[4];
    assert_eq!(w["id"], 5);
    assert_eq!(w["file"], "EXPORT\\MSG4A2A.CCM");
    assert_eq!(
        w["files"],
        serde_json::json!(["EXPORT\\MSG4A2A.CCM", "IMPORT\\MSG0012.CCM"])
    );
    assert_eq!(w["mailboxes"], serde_json::json!(["admin_hub"]));
    let e = v["cross_reference"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "IMPORT\\MSG0012.CCM")
        .unwrap();
    assert_eq!(e["named_by"], serde_json::json!([{"path": store, "id": 5}]));
    let import = dir.path().join("Ccmcdata/Import/MSG0012.CCM");
    assert_eq!(
        e["scanned"],
        serde_json::json!([{"path": import.display().to_string(), "match": "path"}])
    );
    // The text output gives both names.
    let a = bin()
        .arg("scan")
        .arg(dir.path().join("CLANDATA"))
        .assert()
        .code(1);
    let out = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(
        out.contains("mailbox=admin_hub  file=EXPORT\\MSG4A2A.CCM  file=IMPORT\\MSG0012.CCM  "),
        "{out}"
    );
}

#[test]
fn json_cross_reference_and_timeline() {
    let dir = tempfile::tempdir().unwrap();
    demo_tree(dir.path());
    // A connector file of the name a write in the store gives.
    let named = dir.path().join("Ccmcdata/Export/MSG4A27.CCM");
    std::fs::write(&named, b"Message:\r\n10\r\nFrom: A\r\nContents:\r\n0\r\n").unwrap();
    let moved = dir.path().join("Ccmcdata/Export.bak");
    std::fs::create_dir_all(&moved).unwrap();
    std::fs::write(moved.join("msg4a27.ccm"), b"Message:\r\n10\r\n").unwrap();
    // A run's redirect file (all console output) and a text file of prose.
    let redirect = dir.path().join("Ccmcdata/MSG0031.TMP");
    std::fs::write(
        &redirect,
        b"EXPORT 8.50.00.14 Copyright(c) 1991, 1999 by cc:Mail, Inc.\r\n\r\n\
          Exporting messages in mailbox \"mpatel\" to file EXPORT\\MSG5B01.CCM\r\n\
          12 messages exported.\r\n\r\nEXPORT process ended with error: 0.\r\n",
    )
    .unwrap();
    let prose = dir.path().join("Ccmcdata/readme.txt");
    std::fs::write(
        &prose,
        b"The connector moves mail between the post office and the Exchange server every\r\n\
          night. Please tell the administrator before you change its schedule.\r\n",
    )
    .unwrap();
    let a = bin()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    let xref = v["cross_reference"].as_array().unwrap();
    let e = xref
        .iter()
        .find(|e| e["kind"] == "file" && e["name"] == "EXPORT\\MSG4A27.CCM")
        .unwrap();
    let store = dir.path().join("CLANDATA").display().to_string();
    assert_eq!(e["writes"], 2);
    assert_eq!(
        e["named_by"][0],
        serde_json::json!({"path": store, "id": 1})
    );
    assert_eq!(
        e["scanned"],
        serde_json::json!([
            {"path": named.display().to_string(), "match": "path"},
            {"path": moved.join("msg4a27.ccm").display().to_string(), "match": "name"},
        ])
    );
    let mb = xref
        .iter()
        .find(|e| e["kind"] == "mailbox" && e["name"] == "randyyeh_ee")
        .unwrap();
    assert_eq!(mb["scanned"], serde_json::json!([]));
    assert_eq!(mb["console_output_files"], 0);
    assert_eq!(v["cross_reference_names_not_kept"], 0);
    // The redirect file's output is weighed down below 0.5 (not a listed write), but the names
    // it prints are cross-referenced, printed in it.
    let mpatel = xref
        .iter()
        .find(|e| e["kind"] == "mailbox" && e["name"] == "mpatel")
        .unwrap();
    assert_eq!(mpatel["writes"], 0);
    assert_eq!(mpatel["named_by"], serde_json::json!([]));
    assert_eq!(mpatel["console_output_files"], 1);
    assert_eq!(
        mpatel["printed_in"],
        serde_json::json!([{"path": redirect.display().to_string()}])
    );
    let ccm = xref
        .iter()
        .find(|e| e["kind"] == "file" && e["name"] == "EXPORT\\MSG5B01.CCM")
        .unwrap();
    assert_eq!(ccm["console_output_files"], 1);
    assert_eq!(ccm["scanned"], serde_json::json!([]));
    // The text output says it in one line.
    let a = bin().arg("scan").arg(dir.path()).assert().code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let line = format!(
        "  mailbox mpatel  printed in 1 file(s) of console output: {}\n    -> not among the scanned files\n",
        redirect.display()
    );
    assert!(out.contains(&line), "{out}");
    // The timeline: every file holding writes or named by one, oldest first, with its time.
    let t = v["timeline"].as_array().unwrap();
    let paths: Vec<&str> = t.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&store.as_str()), "{paths:?}");
    assert!(
        paths.contains(&named.display().to_string().as_str()),
        "{paths:?}"
    );
    let times: Vec<&str> = t.iter().map(|e| e["modified"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let s = t.iter().find(|e| e["path"] == store.as_str()).unwrap();
    assert_eq!(s["roles"], serde_json::json!(["holds-writes"]));
    // The redirect file dates its run; the prose is not in the timeline.
    let r = t
        .iter()
        .find(|e| e["path"] == redirect.display().to_string().as_str())
        .unwrap();
    assert_eq!(r["roles"], serde_json::json!(["console-output"]));
    assert_eq!(r["writes"], 0);
    assert!(
        !paths.contains(&prose.display().to_string().as_str()),
        "{paths:?}"
    );
    assert_eq!(
        s["writes"],
        report(&dir.path().join("CLANDATA"))
            .count(clanscope::detect::FindingKind::ConsoleWrite, 0.5)
    );
}

#[test]
fn text_lines_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    demo_tree(dir.path());
    let a = bin()
        .arg("scan")
        .arg(dir.path().join("Ccmcdata"))
        .assert()
        .code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let p = dir
        .path()
        .join("Ccmcdata/Import/MSG0012.CCM")
        .display()
        .to_string();
    let lib = report(&dir.path().join("Ccmcdata/Import/MSG0012.CCM"));
    let c = conf(lib.findings[0].confidence);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!("{p}  H1  0000:0000  0  199  damaged-header  {c}  writes #1")
    );
    assert_eq!(lines[1], format!("{p}    #1  0000:0000  0  76  console-write  {c}  mailbox=randyyeh_ee  file=EXPORT\\MSG4A27.CCM  \"\\r\\n\\r\\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\\r\\n\""));
    assert!(
        out.contains("cross-reference (names in writes or in files of console output, and the scanned files carrying them):\n"),
        "{out}"
    );
    assert!(out.contains(&format!("  mailbox randyyeh_ee  named by 1 write(s): {p} #1\n    -> not among the scanned files\n")), "{out}");
    assert!(
        out.contains("timeline (modification times, oldest first):\n"),
        "{out}"
    );
    assert!(out.contains(&format!("{p}: connector-message, 402 bytes: 1 damaged header(s), 1 console write(s), 0 plain text, 0 header anomalies\n")), "{out}");
    assert!(out.contains("mailboxes: randyyeh_ee (1)\n"));
    assert!(
        out.ends_with("3 file(s) scanned, 2 with findings at confidence >= 0.50\n"),
        "{out}"
    );
}

#[test]
fn exit_codes_follow_grep() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.bin");
    std::fs::write(&clean, vec![0x90u8; 4096]).unwrap();
    bin().arg("scan").arg(&clean).assert().code(0);
    let dirty = dir.path().join("CLANDATA");
    std::fs::write(&dirty, clanscope::demo::STORE).unwrap();
    bin().arg("scan").arg(&dirty).assert().code(1);
    // A missing path among good ones: reported, the others still scanned, exit 2.
    let a = bin()
        .arg("scan")
        .arg(&dirty)
        .arg(dir.path().join("missing"))
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!(
            "clanscope: {}: no such file or directory\n",
            dir.path().join("missing").display()
        )
    );
    assert!(String::from_utf8_lossy(&a.get_output().stdout).contains("#1  0AFA:3F00"));
    // A symlink loop inside a folder.
    let sub = dir.path().join("po");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("USR00001"), clanscope::demo::STORE).unwrap();
    std::os::unix::fs::symlink("loop", sub.join("loop")).unwrap();
    let a = bin()
        .args(["scan", "--format", "json"])
        .arg(&sub)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert_eq!(
        err,
        format!(
            "clanscope: {}: too many levels of symbolic links\n",
            sub.join("loop").display()
        )
    );
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(v["files"][0]["kind"], "usr-mailbox");
    assert_eq!(
        v["errors"][0]["error"],
        err.trim_start_matches("clanscope: ").trim_end()
    );
}

#[test]
fn csv_is_quoted_and_safe_for_spreadsheets() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("CLANDATA");
    let mut d = vec![0xFFu8; 300];
    let w = b"\r\n\r\nExporting messages in mailbox \"=cmd|x,y\" to file EXPORT\\MSG0001.CCM\r\n";
    d[100..100 + w.len()].copy_from_slice(w);
    std::fs::write(&f, &d).unwrap();
    let a = bin()
        .args(["scan", "--format", "csv"])
        .arg(&f)
        .assert()
        .code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let c = conf(report(&f).findings[0].confidence);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "path,id,header,address,start,end,length,kind,confidence,mailbox,file,text"
    );
    assert!(
        lines[1].contains(&format!(
            ",H1,H1,0000:0064,100,173,73,damaged-header,{c},,,"
        )),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(&format!(
            ",1,H1,0000:0064,100,173,73,console-write,{c},\"'=cmd|x,y\",EXPORT\\MSG0001.CCM,\""
        )),
        "{}",
        lines[2]
    );
}

#[test]
fn bad_signature_file_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("sigs.toml");
    std::fs::write(&s, "[[signature]]\nname = \"x\"\npattern = \"(\"\n").unwrap();
    let a = bin()
        .arg("scan")
        .arg("--signatures")
        .arg(&s)
        .arg(&s)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.starts_with(&format!(
            "clanscope: {}: line 1: signature 'x': bad pattern",
            s.display()
        )),
        "{err}"
    );
    // A replacement set is used instead of the built-in one.
    std::fs::write(&s, "[[signature]]\nname = \"custom\"\npattern = 'Purging mailbox (?P<mailbox>\\w+)'\nconfidence = 0.9\n").unwrap();
    let f = dir.path().join("CLANDATA");
    let mut d = vec![0xFFu8; 200];
    d[50..80].copy_from_slice(b"\r\n\r\nPurging mailbox bob now.\r\n");
    std::fs::write(&f, &d).unwrap();
    let a = bin()
        .args(["scan", "--format", "json", "--signatures"])
        .arg(&s)
        .arg(&f)
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(v["files"][0]["findings"][0]["signature"], "custom");
    assert_eq!(v["files"][0]["findings"][0]["mailbox"], "bob");
}

/// Writes `mib` MiB of English-like CR LF lines without a single blank line (one paragraph, one
/// island of text) to `path`, in 128 KiB pieces.
fn text_without_blank_lines(path: &Path, mib: usize) {
    use std::io::Write;
    const WORDS: [&str; 16] = [
        "the",
        "message",
        "was",
        "sent",
        "to",
        "all",
        "users",
        "of",
        "post",
        "office",
        "and",
        "directory",
        "before",
        "noon",
        "files",
        "export",
    ];
    let mut f = std::io::BufWriter::with_capacity(128 << 10, std::fs::File::create(path).unwrap());
    let (mut x, mut written, mut line) = (0x9E37_79B9_7F4A_7C15u64, 0, Vec::new());
    while written < mib << 20 {
        line.clear();
        while line.len() < 60 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            line.extend_from_slice(WORDS[(x % 16) as usize].as_bytes());
            line.push(b' ');
        }
        line.pop();
        line.extend_from_slice(b".\r\n");
        f.write_all(&line).unwrap();
        written += line.len();
    }
    f.flush().unwrap();
}

/// Peak RSS in KiB of `clanscope scan` over `path`.
fn scan_peak(path: &Path) -> Option<u64> {
    let (code, err, peak) = common::peak_memory(
        Path::new(env!("CARGO_BIN_EXE_clanscope")),
        &["scan".as_ref(), path.as_os_str()],
    )?;
    assert!(matches!(code, Some(0 | 1)), "{err}");
    eprintln!("{}: peak RSS {peak} KiB", path.display());
    Some(peak)
}

/// Peak RSS of `clanscope scan` over the text `write(path, mib)` writes at 6 and at 24 MiB,
/// as a post office store (binary data: one island) and as a text file (one region), and the
/// check that four times the text takes no more memory: bounded by a constant, not by the
/// island's length.
fn scan_peaks_stay_flat(test: &str, write: fn(&Path, usize)) {
    if !Path::new("/usr/bin/time").exists() {
        return common::skip(test, "no /usr/bin/time");
    }
    let dir = tempfile::tempdir().unwrap();
    let mut peaks = Vec::new();
    for mib in [6, 24] {
        let store = dir.path().join(format!("po{mib}"));
        std::fs::create_dir(&store).unwrap();
        write(&store.join("CLANDATA"), mib);
        let text = dir.path().join(format!("notes{mib}.txt"));
        std::fs::hard_link(store.join("CLANDATA"), &text).unwrap();
        peaks.push((
            scan_peak(&store.join("CLANDATA")).unwrap(),
            scan_peak(&text).unwrap(),
        ));
    }
    let [(store_small, text_small), (store_large, text_large)] = peaks[..] else {
        unreachable!()
    };
    for (what, small, large) in [
        ("store", store_small, store_large),
        ("text file", text_small, text_large),
    ] {
        assert!(
            large < small + (8 << 10) && large < 64 << 10,
            "{test}: {what}: peak RSS {small} KiB at 6 MiB, {large} KiB at 24 MiB"
        );
    }
}

#[test]
fn one_long_island_of_text_takes_bounded_memory() {
    scan_peaks_stay_flat(
        "one_long_island_of_text_takes_bounded_memory",
        text_without_blank_lines,
    );
}

/// `mib` MiB of words on one line, with no line end at all.
fn one_line(path: &Path, mib: usize) {
    use std::io::Write;
    let words = b"Exporting messages in mailbox to file post office word salad ";
    let mut f = std::io::BufWriter::with_capacity(128 << 10, std::fs::File::create(path).unwrap());
    for _ in 0..(mib << 20) / words.len() {
        f.write_all(words).unwrap();
    }
    f.flush().unwrap();
}

#[test]
fn one_line_of_megabytes_without_an_end_takes_bounded_memory() {
    scan_peaks_stay_flat(
        "one_line_of_megabytes_without_an_end_takes_bounded_memory",
        one_line,
    );
}

/// JSON carries each file's exact name: a newline and the two characters `\n` read apart (the
/// display form writes both as `\n`), a bidirectional override is escaped by JSON and decodes
/// to itself, and a name that is not UTF-8 keeps its bytes in `path_bytes`.
#[test]
fn json_names_are_exact() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let write = b"\r\nExporting messages in mailbox \"kwong\" to file EXPORT\\MSG4A28.CCM\r\n";
    let mut store = common::noise(4096, 7);
    store[1000..1000 + write.len()].copy_from_slice(write);
    let names: [&[u8]; 4] = [
        b"a\nb",
        b"a\\nb",
        b"evil\xE2\x80\xAEtxt.exe",
        b"bad\xFF\\xFF",
    ];
    for n in names {
        std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(n)), &store).unwrap();
    }
    let a = bin()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let out = &a.get_output().stdout;
    // Nothing hidden reaches the terminal: the override is written as \u202e.
    let text = std::str::from_utf8(out).unwrap();
    assert!(
        !text.contains('\u{202E}') && text.contains("\\u202e"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_slice(out).unwrap();
    let files = v["files"].as_array().unwrap();
    let root = dir.path().display().to_string();
    let mut got: Vec<(String, Option<String>)> = files
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            let name = p.strip_prefix(&format!("{root}/")).unwrap().to_string();
            (name, f["path_bytes"].as_str().map(String::from))
        })
        .collect();
    got.sort();
    let hex = |b: &[u8]| {
        let full = [dir.path().as_os_str().as_bytes(), b"/", b].concat();
        full.iter().map(|x| format!("{x:02x}")).collect::<String>()
    };
    assert_eq!(
        got,
        vec![
            ("a\nb".to_string(), None),
            ("a\\nb".to_string(), None),
            ("bad\\xFF\\\\xFF".to_string(), Some(hex(names[3]))),
            ("evil\u{202E}txt.exe".to_string(), None),
        ]
    );
    // The cross reference and the timeline name the files the same way.
    let t = v["timeline"].as_array().unwrap();
    assert!(t
        .iter()
        .any(|e| e["path"] == format!("{root}/a\nb").as_str()));
    assert!(t.iter().any(|e| e["path_bytes"] == hex(names[3]).as_str()));
}

/// A damaged header whose only finding is a header anomaly is listed once, with the anomaly
/// under it, in the text and the CSV (a review saw it twice), and the export names the anomaly
/// as one.
#[test]
fn a_header_holding_only_an_anomaly_is_listed_once() {
    let dir = tempfile::tempdir().unwrap();
    let ccm = dir.path().join("MSG0001.CCM");
    std::fs::write(
        &ccm,
        b"Message:\r\n107\r\nFrom: Ann at HUB\r\nTo: Bob at HUB\r\n@@ ## 17 %% qq\r\nSubject: Budget\r\n\
          Contents:\r\n40\r\nText item:\r\n20\r\nFigures attached by Friday.\r\n",
    )
    .unwrap();
    let r = report(&ccm);
    assert_eq!(r.headers.len(), 1);
    assert_eq!(r.headers[0].writes, Vec::<u32>::new());
    assert_eq!(r.headers[0].anomalies, vec![1]);
    let (h, f) = (&r.headers[0], &r.findings[0]);
    let run = |fmt: &str| {
        let a = bin()
            .args(["scan", "--all", "--format", fmt])
            .arg(&ccm)
            .assert()
            .code(1);
        String::from_utf8(a.get_output().stdout.clone()).unwrap()
    };
    let p = ccm.display();
    let text = run("text");
    let want = format!(
        "{p}  H1  0000:0000  0  {}  damaged-header  {}  writes none  anomalies #1\n\
         {p}    #1  0000:0031  49  16  ccm-header-anomaly  {}  \"@@ ## 17 %% qq\\r\\n\"\n\n",
        h.len(),
        conf(h.confidence),
        conf(f.confidence)
    );
    assert!(text.starts_with(&want), "{text}");
    assert_eq!(text.matches("  H1  ").count(), 1, "{text}");
    let csv = run("csv");
    assert_eq!(
        csv.lines().filter(|l| l.contains(",H1,H1,")).count(),
        1,
        "{csv}"
    );
    let outs = tempfile::tempdir().unwrap();
    let a = bin()
        .current_dir(outs.path())
        .args(["export", "--all"])
        .arg(&ccm)
        .assert()
        .success();
    let export = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        export.contains(&format!(
            "Damaged header H1: confidence {}, 0 console write(s), 1 header anomaly\n",
            conf(h.confidence)
        )) && export.contains("\n  Anomaly #1: ccm-header-anomaly, "),
        "{export}"
    );
}

/// .CCM header fields in JSON are the field's bytes, one character per byte, as a finding's
/// text is: a lone 9Bh and FFh stay apart (a review saw both become U+FFFD), and a value longer
/// than the fields keep says it was cut.
#[test]
fn ccm_fields_in_json_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let ccm = dir.path().join("MSG0002.CCM");
    let from: &[u8] = b"Evil\x1b[31m \xe2\x80\xae Person\x9b2J\xff at Hub";
    let long = vec![b'x'; 300];
    let mut bytes = b"Message:\r\n200\r\nFrom: ".to_vec();
    bytes.extend_from_slice(from);
    bytes.extend_from_slice(b"\r\nSubject: ");
    bytes.extend_from_slice(&long);
    bytes.extend_from_slice(
        b"\r\nContents:\r\n40\r\nText item:\r\n20\r\nFigures attached by Friday.\r\n",
    );
    std::fs::write(&ccm, &bytes).unwrap();
    let a = bin()
        .args(["scan", "--all", "--format", "json"])
        .arg(&ccm)
        .assert();
    let out = a.get_output().stdout.clone();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{9b}'),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let fields = &v["files"][0]["messages"][0]["fields"];
    let latin1 = |b: &[u8]| b.iter().map(|&c| c as char).collect::<String>();
    assert_eq!(fields[0][0], "From");
    assert_eq!(fields[0][1], latin1(from));
    assert_eq!(fields[1][0], "Subject");
    assert_eq!(fields[1][1], format!("{}…", latin1(&long[..256])));
}

/// Sets the modification time of `p` to `secs` seconds before 1970-01-01.
fn modified_before_1970(p: &Path, secs: u64) {
    set_modified(
        p,
        std::time::UNIX_EPOCH - std::time::Duration::from_secs(secs),
    );
}

fn set_modified(p: &Path, t: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(p)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

/// Review 83 D1: the timeline read each file's time again when the report was written, by
/// name, so a file touched (or another file put under its name) during a scan was dated by what
/// bore the name at the end, beside findings from the bytes scanned. Its time is taken when it
/// is opened now. A FIFO given after the store holds the scan open while the store is touched.
#[test]
fn review_83_the_timeline_dates_the_bytes_scanned() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_copy(dir.path());
    modified_before_1970(&store, 2);
    let fifo = dir.path().join("pipe");
    common::mkfifo(&fifo);
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let scan = std::process::Command::new(env!("CARGO_BIN_EXE_clanscope"))
        .env("XDG_DATA_HOME", tmp.join("empty-xdg-data"))
        .env("CLANSCOPE_SETTINGS", tmp.join("no-settings.toml"))
        .args(["scan", "--format", "json"])
        .arg(&store)
        .arg(&fifo)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The FIFO opens once the scan reads it: the store, named before it, was opened by then or
    // is being opened; a second later it is touched, and then the FIFO ends.
    let mut w = std::fs::File::options().write(true).open(&fifo).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(1));
    set_modified(
        &store,
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_900_000_000),
    );
    w.write_all(b"x").unwrap();
    drop(w);
    let out = scan.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["timeline"][0]["path"], store.display().to_string());
    assert_eq!(v["timeline"][0]["modified"], "1969-12-31T23:59:58Z");
}

/// Review 83 D3: the text output parts its columns with two spaces, and a file name holding
/// two spaces in a row read as more columns: a name made to look like a damaged header's line
/// forged one. Such spaces (and one at a name's start or end) are written `\x20` now.
#[test]
fn review_83_a_file_name_cannot_forge_columns_of_the_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let forged = "NOTES.TXT  H1  0000:0000  0  1  damaged-header  1.00  writes #1";
    let store = common::demo_copy(dir.path());
    std::fs::rename(&store, dir.path().join(forged)).unwrap();
    // A second file, so that the timeline is given.
    std::fs::write(dir.path().join("other.bin"), common::noise(4096, 7)).unwrap();
    let a = bin().arg("scan").arg(dir.path()).assert().code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let name = format!(
        "{}/NOTES.TXT\\x20\\x20H1\\x20\\x200000:0000\\x20\\x200\\x20\\x201\\x20\\x20damaged-header\\x20\\x201.00\\x20\\x20writes #1",
        dir.path().display()
    );
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "{name}  H1  0AFA:3F00  15872  76  damaged-header  "
        )),
        "{first}"
    );
    assert!(
        out.contains(&format!("  {name}  holds-writes (")),
        "timeline: {out}"
    );
    // One space alone inside a name stays a space; other spaces are escaped (review 85: an
    // NBSP forged the same columns), and a name's backslash before an escaped space is doubled
    // (review 85: `a\ ` read as the name `a\x20`).
    let col = |s: &str| clanscope::sanitize::path_column(Path::new(s));
    assert_eq!(col(" a b  c "), "\\x20a b\\x20\\x20c\\x20");
    assert_eq!(
        col("a\u{a0}\u{a0}b\u{3000}"),
        "a\\u{00A0}\\u{00A0}b\\u{3000}"
    );
    let names = ["a\\ ", "a\\x20", "b\\   c", "b\\x20  c", "\\\\ ", "\\\\x20"];
    let shown: Vec<String> = names.iter().map(|n| col(n)).collect();
    assert_eq!(
        shown,
        [
            "a\\\\\\x20",
            "a\\\\x20",
            "b\\\\\\x20\\x20\\x20c",
            "b\\\\x20\\x20\\x20c",
            "\\\\\\\\\\x20",
            "\\\\\\\\x20"
        ]
    );
}

/// Review 85: a file that reports a size of 0 (`/proc`) and gives more than 1 MiB is copied
/// into memory, and the timeline took the copy's time (the scan's) for the file's. Here a
/// process's command line of 1.2 MB holding a write, made a few seconds before the scan.
#[test]
fn review_85_a_file_read_into_memory_keeps_its_own_time() {
    let long = "y".repeat(100_000);
    let write = "\r\nExporting messages in mailbox \"ops\" to file EXPORT\\MSG0042.CCM\r\n";
    // A shell that waits (`; :` keeps it from becoming `sleep`), its arguments the text.
    let mut child = std::process::Command::new("sh")
        .args(["-c", "sleep 30; :", "sh"])
        .arg(format!("{write}{long}"))
        .args(std::iter::repeat_n(&long, 11))
        .spawn()
        .unwrap();
    let cmdline = std::path::PathBuf::from(format!("/proc/{}/cmdline", child.id()));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let time = |p: &Path| {
        let t = std::fs::metadata(p).unwrap().modified().unwrap();
        t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
    };
    let born = time(&cmdline);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_copy(dir.path());
    let a = bin()
        .args(["scan", "--format", "json", "--all"])
        .arg(&cmdline)
        .arg(&store)
        .assert()
        .code(1);
    child.kill().unwrap();
    child.wait().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    let t = v["timeline"].as_array().unwrap();
    let ev = t
        .iter()
        .find(|e| e["path"] == cmdline.display().to_string());
    let said = ev.expect("the command line holds a write")["modified"].clone();
    let want = clanscope::utc::unix(born as i64);
    assert_eq!(said, want.as_str());
}

#[test]
fn review_36_files_modified_before_1970_are_dated_in_the_timeline() {
    // Review 36: a time before the epoch panicked (exit 101) in the timeline.
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_copy(dir.path());
    let named = dir.path().join("Export/MSG4A27.CCM");
    std::fs::create_dir_all(named.parent().unwrap()).unwrap();
    std::fs::write(&named, b"Message:\r\n10\r\nFrom: A\r\nContents:\r\n0\r\n").unwrap();
    modified_before_1970(&store, 2);
    modified_before_1970(&named, 1);
    let writes = report(&store).count(clanscope::detect::FindingKind::ConsoleWrite, 0.5);
    let a = bin()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(
        v["timeline"],
        serde_json::json!([
            {"path": store.display().to_string(), "modified": "1969-12-31T23:59:58Z",
             "roles": ["holds-writes"], "writes": writes},
            {"path": named.display().to_string(), "modified": "1969-12-31T23:59:59Z",
             "roles": ["named-by-write"], "writes": 0},
        ])
    );
    let a = bin().arg("scan").arg(dir.path()).assert().code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let timeline = format!(
        "timeline (modification times, oldest first):\n  1969-12-31T23:59:58Z  {}  holds-writes ({writes} write(s))\n  1969-12-31T23:59:59Z  {}  named-by-write\n",
        store.display(),
        named.display()
    );
    assert!(out.contains(&timeline), "{out}");
}

#[test]
fn review_36_a_file_name_is_not_carried_by_a_longer_name() {
    // Review 36: `MSG4A27.CCM.OLD` and `MSG4A27.CCM.1` were "path match"es of the write's
    // `EXPORT\MSG4A27.CCM` (found by their stem) and named-by-write in the timeline.
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_copy(dir.path());
    let export = dir.path().join("Export");
    std::fs::create_dir_all(&export).unwrap();
    for n in ["MSG4A27.CCM.OLD", "MSG4A27.CCM.1"] {
        std::fs::write(export.join(n), b"x").unwrap();
    }
    let a = bin()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    let e = v["cross_reference"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "EXPORT\\MSG4A27.CCM")
        .unwrap();
    assert_eq!(e["scanned"], serde_json::json!([]));
    let t = v["timeline"].as_array().unwrap();
    let paths: Vec<&str> = t.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, vec![store.to_str().unwrap()]);
    let a = bin().arg("scan").arg(dir.path()).assert().code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        out.contains(&format!(
            "  file EXPORT\\MSG4A27.CCM  named by 1 write(s): {} #1\n    -> not among the scanned files\n",
            store.display()
        )),
        "{out}"
    );
    assert!(!out.contains("MSG4A27.CCM.OLD (path match)"), "{out}");
    assert!(!out.contains("MSG4A27.CCM.1 ("), "{out}");
}

/// A store holding `writes` console writes, the i-th naming mailbox `u{i}` and file
/// `EXPORT\M{i}.CCM`, between stretches of noise.
fn store_of_writes(path: &Path, writes: usize) {
    let mut d = Vec::new();
    for i in 0..writes {
        d.extend_from_slice(&common::noise(200, i as u64 + 1));
        d.extend_from_slice(
            format!("\r\n\r\nExporting messages in mailbox \"u{i}\" to file EXPORT\\M{i}.CCM\r\n")
                .as_bytes(),
        );
    }
    d.extend_from_slice(&common::noise(200, 7));
    std::fs::write(path, d).unwrap();
}

#[test]
fn a_folder_of_many_files_says_what_its_summary_did_not_keep() {
    // The summary of a scan kept every file's line, path, names and errors to the end, so its
    // memory grew with the files. Now each is kept up to its cap (10,000 here, 1,000 names
    // listed) and the rest counted. 10,002 files: a store naming 10,001 mailboxes and files,
    // then 10,001 one-byte files (the cross-reference keeps 10,000 files of writes and 10,000
    // others); and 10,001 links leaving the folder (skipped, errors in JSON).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    store_of_writes(&root.join("CLANDATA"), 10_001);
    for i in 0..10_001 {
        std::fs::write(root.join(format!("f{i:05}.bin")), b"x").unwrap();
    }
    let outside = tempfile::NamedTempFile::new().unwrap();
    for i in 0..10_001 {
        std::os::unix::fs::symlink(outside.path(), root.join(format!("l{i:05}"))).unwrap();
    }
    let a = bin().arg("scan").arg(root).assert().code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let r = root.display();
    // The 10,000th file's summary line is the last kept.
    assert!(
        out.contains(&format!(
            "\n{r}/f09998.bin: other-text, 1 byte: 0 damaged header(s), 0 console write(s), 0 plain text, 0 header anomalies\n\
             2 more file(s) not summed up here (at most 10,000 summary lines, 2 MiB, are kept; the findings of every file are listed above)\n\
             cross-reference (names in writes or in files of console output, and the scanned files carrying them):\n"
        )),
        "{}",
        &out[out.len() - 2000..]
    );
    assert!(!out.contains("f09999.bin: other-text"));
    // The names: 1,000 of the 10,000 kept listed, in name order; the 10,001st not kept.
    let listed = |prefix: &str, suffix: &str| {
        let mut names: Vec<String> = (0..10_000)
            .map(|i| format!("{prefix}{i}{suffix}"))
            .collect();
        names.sort();
        let first: Vec<String> = names[..1000].iter().map(|n| format!("{n} (1)")).collect();
        format!(
            "{} and 9000 more; names beyond the first 10,000 not kept, named 1 time(s)\n",
            first.join(", ")
        )
    };
    let tail = format!(
        "  names not kept, given 2 time(s) (at most 10,000 file names and 10,000 mailboxes of writes, and 1,000 of each printed only in files of console output)\n\
         timeline (modification times, oldest first):\n  {}  {r}/CLANDATA  holds-writes (10001 write(s))\n\
         files not kept for the cross-reference and timeline: 1, scanned after the first 10,000 holding writes or console output or after the first 10,000 others (not matched by name, dated nor listed by path; the writes in them are counted)\n\
         mailboxes: {}files named: {}\
         10002 file(s) scanned, 1 with findings at confidence >= 0.50\n",
        clanscope::utc::rfc3339(std::fs::metadata(root.join("CLANDATA")).unwrap().modified().unwrap()),
        listed("u", ""),
        listed("EXPORT\\M", ".CCM"),
    );
    assert!(out.ends_with(&tail), "{}", &out[out.len() - 2000..]);
    // JSON keeps 10,000 of each and counts the rest.
    let a = bin()
        .args(["scan", "--format", "json"])
        .arg(root)
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 10_002);
    for (key, n) in [
        ("ccm_files_not_kept", 1),
        ("mailboxes_not_kept", 1),
        ("cross_reference_files_not_kept", 1),
        ("cross_reference_names_not_kept", 2),
        ("errors_not_kept", 1),
    ] {
        assert_eq!(v[key], n, "{key}");
    }
    assert_eq!(v["mailboxes"].as_object().unwrap().len(), 10_000);
    assert_eq!(v["mailboxes"]["u9999"], 1);
    assert!(v["mailboxes"].get("u10000").is_none());
    assert_eq!(v["ccm_files"].as_object().unwrap().len(), 10_000);
    assert_eq!(v["cross_reference"].as_array().unwrap().len(), 20_000);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 10_000);
    assert_eq!(errors[9_999]["path"], format!("{r}/l09999"));
    assert_eq!(v["timeline"].as_array().unwrap().len(), 1);
}

#[test]
fn a_folder_scan_takes_memory_flat_in_its_files() {
    // Peak RSS grew by 1.4 KiB a file in text and 3.8 KiB in JSON; past the summary's caps
    // (10,000 files) four times the files now take the same memory.
    let test = "a_folder_scan_takes_memory_flat_in_its_files";
    if !Path::new("/usr/bin/time").exists() {
        return common::skip(test, "no /usr/bin/time");
    }
    let dir = tempfile::tempdir().unwrap();
    let (small, rest) = (dir.path().join("a"), dir.path().join("b"));
    let mut n = 0;
    for (top, files) in [(&small, 10_500), (&rest, 31_500)] {
        for i in 0..files {
            let sub = top.join(format!("d{}", i / 1000));
            if i % 1000 == 0 {
                std::fs::create_dir_all(&sub).unwrap();
            }
            let mut d = common::noise(300, n + 1);
            d.extend_from_slice(
                format!("\r\n\r\nExporting messages in mailbox \"jsmith\" to file EXPORT\\MSG{:04X}.CCM\r\n", n % 65536)
                    .as_bytes(),
            );
            d.extend_from_slice(&common::noise(200, n + 2));
            std::fs::write(sub.join(format!("f{i}.bin")), d).unwrap();
            n += 1;
        }
    }
    for format in ["text", "json", "csv"] {
        let peak = |path: &Path| {
            let (code, err, peak) = common::peak_memory(
                Path::new(env!("CARGO_BIN_EXE_clanscope")),
                &[
                    "scan".as_ref(),
                    "--format".as_ref(),
                    format.as_ref(),
                    path.as_os_str(),
                ],
            )
            .unwrap();
            assert_eq!(code, Some(1), "{err}");
            peak
        };
        let (one, four) = (peak(&small), peak(dir.path()));
        eprintln!("{format}: peak RSS {one} KiB for 10,500 files, {four} KiB for 42,000");
        assert!(
            four < one + (6 << 10) && four < 48 << 10,
            "{test}: {format}: peak RSS {one} KiB for 10,500 files, {four} KiB for 42,000"
        );
    }
}

//! Evidence never changes, hostile bytes never reach the terminal, odd inputs get a clear
//! answer, and resources stay bounded.

mod common;

use clanscope::detect::{Control, Engine, FindingKind};
use clanscope::source::Bytes;
use common::{bin, skip, Tmux};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::Duration;

/// Makes paths immutable (`chattr +i`: not even root can write, rename or add files) and
/// undoes it when dropped. Where chattr is not supported, falls back to read-only modes.
struct Immutable(Vec<PathBuf>);

impl Immutable {
    fn new(paths: &[&Path]) -> Immutable {
        for p in paths {
            let ok = Process::new("chattr")
                .arg("+i")
                .arg(p)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !ok {
                skip(
                    "immutable evidence",
                    "chattr +i is not supported here; read-only modes are used instead",
                );
                use std::os::unix::fs::PermissionsExt;
                let mode = if p.is_dir() { 0o555 } else { 0o444 };
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }
        Immutable(paths.iter().map(|p| p.to_path_buf()).collect())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = Process::new("chattr").arg("-i").arg(p).status();
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
        }
    }
}

struct Snapshot {
    bytes: Vec<u8>,
    size: u64,
    mtime: (i64, i64),
    listing: Vec<String>,
}

fn snapshot(file: &Path) -> Snapshot {
    let m = std::fs::metadata(file).unwrap();
    let mut listing: Vec<String> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listing.sort();
    Snapshot {
        bytes: std::fs::read(file).unwrap(),
        size: m.len(),
        mtime: (m.mtime(), m.mtime_nsec()),
        listing,
    }
}

/// Runs the inspector on `file` in tmux from `cwd`, types `keys` (one tmux key per item), and
/// returns the screen once it has exited.
fn view_in_tmux(cwd: &Path, file: &Path, args: &str, keys: &[&str], wait: &str) -> String {
    let name = format!("hard-{}", file.file_name().unwrap().to_string_lossy().len());
    let t = Tmux::clanscope(&name, cwd, &format!("{args} '{}'", file.display()), 120, 30);
    t.wait_for(wait, |s| s.contains(wait));
    t.keys(keys);
    t.wait_for("the exit", |s| s.contains("EXIT="))
}

#[test]
fn evidence_is_never_changed_by_any_command() {
    let root = tempfile::tempdir().unwrap();
    let evidence_dir = root.path().join("po");
    std::fs::create_dir(&evidence_dir).unwrap();
    let file = evidence_dir.join("CLANDATA");
    std::fs::write(&file, clanscope::demo::STORE).unwrap();
    let dump_text = evidence_dir.join("dump.txt");
    std::fs::copy(common::article_web(), &dump_text).unwrap();
    let work = root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let before = (snapshot(&file), snapshot(&dump_text));
    let guard = Immutable::new(&[&file, &dump_text, &evidence_dir]);

    bin()
        .current_dir(&work)
        .arg("scan")
        .arg(&evidence_dir)
        .assert()
        .code(1);
    bin()
        .current_dir(&work)
        .args(["dump", "--from", "0x3E00", "--length", "64"])
        .arg(&file)
        .assert()
        .success();
    bin()
        .current_dir(&work)
        .arg("export")
        .arg(&file)
        .arg("-o")
        .arg(work.join("r.html"))
        .assert()
        .success();
    bin()
        .current_dir(&work)
        .arg("export")
        .arg(&file)
        .assert()
        .success();
    bin()
        .current_dir(&work)
        .arg("undump")
        .arg(&dump_text)
        .arg("-o")
        .arg(work.join("a.bin"))
        .assert()
        .success();
    bin()
        .current_dir(&work)
        .arg("export")
        .arg(&file)
        .arg("-o")
        .arg(&file)
        .assert()
        .code(2);
    // The inspector: jump, annotate, bookmark, export, quit.
    let s = view_in_tmux(
        &work,
        &file,
        "",
        &["n", "a", "n", "o", "t", "e", "Enter", "m", "x", "e", "q"],
        "6 damaged header",
    );
    assert!(s.contains("EXIT=0"), "{s}");
    let notes: Vec<_> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".clanscope-notes.json") || n.ends_with(".export.txt"))
        .collect();
    assert_eq!(
        notes.len(),
        2,
        "notes and the export went to the working folder: {notes:?}"
    );

    drop(guard);
    for (b, path) in [(before.0, &file), (before.1, &dump_text)] {
        let a = snapshot(path);
        assert!(a.bytes == b.bytes, "{} changed", path.display());
        assert_eq!(a.size, b.size);
        assert_eq!(a.mtime, b.mtime);
        assert_eq!(
            a.listing, b.listing,
            "nothing was added next to the evidence"
        );
    }
}

fn hostile_bytes() -> Vec<u8> {
    let mut b =
        b"\x1b[2J\x1b]52;c;aGVsbG8=\x07BEL\x07CR\rBS\x08\x08C1\xc2\x9b31m\x9b\x1b[31mRED".to_vec();
    b.extend_from_slice(&clanscope::demo::ARTICLE);
    b.extend_from_slice(b"\r\n\r\nExporting messages in mailbox \"a\x1b[2Jb\" to file X.CCM\r\n");
    b
}

fn assert_clean(what: &str, out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    for (i, c) in text.chars().enumerate() {
        let bad = (c.is_control() && c != '\n') || ('\u{80}'..='\u{9f}').contains(&c);
        assert!(!bad, "{what}: raw control {:?} at char {i}:\n{text}", c);
    }
}

#[test]
fn hostile_bytes_never_reach_output_raw() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("evil\x1b[2J.bin");
    std::fs::write(&f, hostile_bytes()).unwrap();
    let ccm = dir.path().join("MSG0001.CCM");
    std::fs::write(&ccm, b"Message:\r\n10\r\nFrom: \x1b]52;c;aGk=\x07boss\r\nSubject: \x1b[2J\x9b\r\nExporting messages in mailbox \"m\" to file X.CCM\r\nContents:\r\n5\r\n").unwrap();
    for args in [
        vec!["scan", "--all"],
        vec!["scan", "--all", "--format", "csv"],
    ] {
        let a = bin().args(&args).arg(&f).arg(&ccm).assert();
        assert_clean(&format!("{args:?}"), &a.get_output().stdout);
        assert_clean("stderr", &a.get_output().stderr);
    }
    let a = bin().arg("dump").arg(&f).assert().success();
    assert_clean("dump", &a.get_output().stdout);
    for file in [&f, &ccm] {
        for fmt in ["text", "html", "json"] {
            let a = bin()
                .args(["export", "--all", "--format", fmt])
                .arg(file)
                .assert()
                .success();
            assert_clean(&format!("export {fmt}"), &a.get_output().stdout);
        }
    }
    let a = bin()
        .arg("dump")
        .arg(dir.path().join("missing\x1b[2J"))
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!(
            "clanscope: {}/missing\\x1B[2J: no such file or directory\n",
            dir.path().display()
        )
    );
    // The inspector's screen, cell by cell.
    for path in [&f, &ccm] {
        let src = std::sync::Arc::new(clanscope::source::Source::open(path).unwrap());
        let mut app = clanscope::tui::app::App::new(src.clone(), clanscope::address::Origin::ZERO);
        app.absorb(clanscope::tui::app::ScanMsg::Done(Engine::default().scan(
            &*src,
            path,
            &Control::new(),
        )));
        app.update(clanscope::tui::command::Command::Resize {
            width: 140,
            height: 40,
        });
        for cmd in [
            clanscope::tui::command::Command::NextFinding,
            clanscope::tui::command::Command::NextFinding,
            clanscope::tui::command::Command::ToggleList,
        ] {
            app.update(cmd);
            let mut t =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 40)).unwrap();
            t.draw(|fr| clanscope::tui::render(&app, fr)).unwrap();
            for cell in t.backend().buffer().content() {
                assert!(
                    !cell
                        .symbol()
                        .chars()
                        .any(|c| c.is_control() || ('\u{80}'..='\u{9f}').contains(&c)),
                    "control char on screen: {:?}",
                    cell.symbol()
                );
            }
        }
    }
}

#[test]
fn standard_input_fifos_and_the_memory_cap() {
    let a = bin()
        .args(["dump", "--origin", "0AFA:3F00", "-"])
        .write_stdin(clanscope::demo::ARTICLE.to_vec())
        .assert()
        .success();
    assert!(
        String::from_utf8_lossy(&a.get_output().stdout).starts_with("0AFA:3F00  0D 0A 0D 0A 45 78")
    );
    let a = bin()
        .args(["scan", "--format", "json", "-"])
        .write_stdin(clanscope::demo::STORE.to_vec())
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(v["files"][0]["size"], 327680);
    // A file name read from stdin has no name to classify by: findings still come, as other-binary
    assert_eq!(v["files"][0]["kind"], "other-binary");
    let e = clanscope::source::Source::from_reader_capped("standard input", &[0u8; 100][..], 64)
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        "standard input: more than 64 bytes; save it to a file and open that file instead"
    );

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // No writer: an empty input at once, not a hang.
    let a = bin()
        .arg("dump")
        .arg(&fifo)
        .timeout(Duration::from_secs(10))
        .assert()
        .success();
    assert!(a.get_output().stdout.is_empty());
    // With a writer: the test holds the FIFO open for writing (O_RDWR, so opening does not
    // block), starts clanscope, waits until clanscope has the FIFO open, writes, and closes.
    use std::io::Write;
    let mut holder = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let child = Process::new(env!("CARGO_BIN_EXE_clanscope"))
        .args(["dump", "--origin", "0AFA:3F00"])
        .arg(&fifo)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let fds = format!("/proc/{}/fd", child.id());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !std::fs::read_dir(&fds).is_ok_and(|d| {
        d.filter_map(|e| e.ok())
            .any(|e| std::fs::read_link(e.path()).is_ok_and(|l| l == fifo))
    }) {
        assert!(
            std::time::Instant::now() < deadline,
            "clanscope never opened the FIFO"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    holder.write_all(&clanscope::demo::ARTICLE).unwrap();
    drop(holder);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.starts_with("0AFA:3F00  0D 0A 0D 0A 45 78"), "{text}");
    assert_eq!(text.lines().count(), 8, "{text}");
}

#[test]
fn block_device_is_sized_by_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("disk.img");
    let mut d = vec![0x90u8; 1 << 20];
    d[0x3E00..0x3E80].copy_from_slice(&clanscope::demo::ARTICLE);
    std::fs::write(&img, &d).unwrap();
    let out = Process::new("losetup")
        .args(["-f", "--show", "-r"])
        .arg(&img)
        .output();
    let Some(out) = out.ok().filter(|o| o.status.success()) else {
        skip(
            "block_device_is_sized_by_the_device",
            "no loop device can be set up here (losetup failed or is missing)",
        );
        return;
    };
    let dev = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let result = std::panic::catch_unwind(|| {
        let a = bin()
            .args(["scan", "--format", "json", &dev])
            .assert()
            .code(1);
        let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
        assert_eq!(v["files"][0]["size"], 1 << 20);
        assert_eq!(v["files"][0]["findings"][0]["start"], 0x3E00);
        let a = bin()
            .args(["dump", "--from", "100%", &dev])
            .assert()
            .success();
        assert_eq!(
            String::from_utf8_lossy(&a.get_output().stdout),
            "F000:FFF0                                               90                  .\n"
        );
    });
    let _ = Process::new("losetup").arg("-d").arg(&dev).status();
    result.unwrap();
}

/// An input that reports a smaller size after a while, as a file truncated during a scan.
struct Shrinking {
    data: Vec<u8>,
    calls: std::sync::atomic::AtomicUsize,
}

impl Bytes for Shrinking {
    fn bytes(&self) -> &[u8] {
        &self.data
    }
    fn current_len(&self) -> u64 {
        let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if n < 3 {
            self.data.len() as u64
        } else {
            5 << 20
        }
    }
}

#[test]
fn a_file_shrinking_during_a_scan_is_reported() {
    let mut data = vec![0x90u8; 16 << 20];
    let w = b"\r\n\r\nExporting messages in mailbox \"a\" to file EXPORT\\MSG0001.CCM\r\n";
    data[100..100 + w.len()].copy_from_slice(w);
    let input = Shrinking {
        data,
        calls: Default::default(),
    };
    let r = Engine::default()
        .with_threads(1)
        .scan(&input, Path::new("CLANDATA"), &Control::new());
    assert_eq!(r.shrank_to, Some(5 << 20));
    assert!(!r.cancelled);
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.kind == FindingKind::ConsoleWrite)
            .count(),
        1
    );
}

#[test]
fn sparse_5gib_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big");
    std::fs::File::create(&p).unwrap().set_len(5 << 30).unwrap();
    let a = bin()
        .args([
            "export",
            "--from",
            "100%",
            "--length",
            "1",
            "--context",
            "0",
        ])
        .arg(&p)
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    let text = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(text.contains("  Range:   13FFF000:FFFF-13FFF000:FFFF, offsets 5368709119-5368709119 (13FFFFFFFh-13FFFFFFFh), 1 bytes\n"), "{text}");
    assert!(text.contains(">  13FFF000:FFF0  00 00 00 00 00 00 00 00-00 00 00 00 00 00 00 00   ................\n"), "{text}");
    assert!(text.contains("Size:      5368709120 bytes"));
    let s = view_in_tmux(dir.path(), &p, "", &["G", "q"], "0 hdr");
    assert!(s.contains("EXIT=0"), "{s}");
}

#[test]
fn the_view_reaches_the_end_of_a_5gib_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big5");
    std::fs::File::create(&p).unwrap().set_len(5 << 30).unwrap();
    let t = Tmux::clanscope("g", dir.path(), &format!("'{}'", p.display()), 100, 30);
    t.wait_for("the scan", |s| {
        s.contains("0 hdr") || s.contains("0 damaged")
    });
    t.keys(&["G"]);
    let s = t.wait_for("the end", |s| s.contains("13FFF000:FFFF"));
    assert!(
        s.lines()
            .any(|l| l.starts_with("13FFF000:FFFF  13FFFFFFFh (5368709119)  byte 00h 0")),
        "{s}"
    );
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"));
}

#[test]
fn a_store_made_of_console_lines_stays_bounded_and_usable() {
    let line = b"\r\n\r\nExporting messages in mailbox \"x\" to file EXPORT\\MSG0001.CCM\r\n\xFE";
    let mut d = Vec::with_capacity(line.len() * 300_000);
    for _ in 0..300_000 {
        d.extend_from_slice(line);
    }
    let src = std::sync::Arc::new(clanscope::source::Source::from_vec("CLANDATA", d));
    let r = Engine::default().scan(&*src, Path::new("CLANDATA"), &Control::new());
    assert_eq!(r.findings.len(), clanscope::detect::MAX_FINDINGS);
    // 300,000 writes one byte apart: the first 100,000 kept, the rest counted; they make one
    // damaged header together.
    assert_eq!(r.findings.len() as u64 + r.dropped, 300_000);
    assert_eq!(r.headers.len(), 1);
    assert_eq!(r.headers[0].writes.len(), clanscope::detect::MAX_FINDINGS);
    let mut app = clanscope::tui::app::App::new(src, clanscope::address::Origin::ZERO);
    app.absorb(clanscope::tui::app::ScanMsg::Done(r));
    app.update(clanscope::tui::command::Command::Resize {
        width: 120,
        height: 40,
    });
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    for cmd in [
        clanscope::tui::command::Command::PrevHeader,
        clanscope::tui::command::Command::NextHeader,
        clanscope::tui::command::Command::End,
        clanscope::tui::command::Command::ToggleList,
    ] {
        app.update(cmd);
        t.draw(|f| clanscope::tui::render(&app, f)).unwrap();
    }
    assert!(format!("{}", t.backend()).contains("not kept"));
}

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
    // The inspector: jump, annotate, bookmark, export, quit. Its outputs go to the case folder.
    let data = root.path().join("data");
    let script = format!(
        "cd '{}' && XDG_DATA_HOME='{}' '{}' '{}'; echo EXIT=$?; sleep 60",
        work.display(),
        data.display(),
        env!("CARGO_BIN_EXE_clanscope"),
        file.display()
    );
    let t = Tmux::start("hard-every", &script, 120, 30);
    t.wait_for("the scan", scanned);
    t.keys(&["n", "a", "n", "o", "t", "e", "Enter", "m", "x", "e", "q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
    let notes: Vec<_> = std::fs::read_dir(data.join("clanscope"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".clanscope-notes.json") || n.ends_with(".export.txt"))
        .collect();
    assert_eq!(
        notes.len(),
        2,
        "notes and the export went to the case folder: {notes:?}"
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
    common::mkfifo(&fifo);
    // No writer: an empty input at once, not a hang, and said to be a FIFO with no writer
    // (not "empty file": a writer that comes later is not waited for).
    let a = bin()
        .arg("dump")
        .arg(&fifo)
        .timeout(Duration::from_secs(10))
        .assert()
        .success();
    assert!(a.get_output().stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!(
            "clanscope: {}: nothing read (0 bytes): a FIFO that no writer held open when clanscope opened it, or whose writer sent nothing\n",
            fifo.display()
        )
    );
    // The inspector says the same (it said "empty file" where dump said this).
    let said = clanscope::source::Source::open(&fifo).unwrap().empty_said();
    assert_eq!(
        said,
        "nothing read (0 bytes): a FIFO that no writer held open when clanscope opened it, or whose writer sent nothing"
    );
    let stdin = clanscope::source::Source::from_reader("standard input", &b""[..]).unwrap();
    assert_eq!(stdin.empty_said(), "nothing read (0 bytes)");
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

/// Runs `program ARGS...` with `input` written to its standard input from a thread (the reader
/// may stop early, a refusal: a broken pipe is no failure here) and its standard output read
/// back through a pipe: exit code, standard output, standard error.
fn fed(mut cmd: Process, input: Vec<u8>) -> (Option<i32>, Vec<u8>, String) {
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), out.stdout, err)
}

/// Runs clanscope under GNU time with `input` on its standard input: exit code, standard
/// output, standard error, peak RSS in KiB.
fn with_piped_input(args: &[&str], input: Vec<u8>) -> Option<(Option<i32>, Vec<u8>, String, u64)> {
    if !Path::new("/usr/bin/time").exists() {
        return None;
    }
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = Process::new("/usr/bin/time");
    cmd.arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(report.path())
        .arg(env!("CARGO_BIN_EXE_clanscope"))
        .args(args);
    let (code, out, err) = fed(cmd, input);
    let peak = std::fs::read_to_string(report.path()).unwrap();
    let peak = peak.lines().last().unwrap().trim().parse().unwrap();
    Some((code, out, err, peak))
}

/// Runs `sh -c SCRIPT clanscope ARGS...` with `input` on its standard input.
fn piped(
    script: &str,
    args: &[&std::ffi::OsStr],
    input: Vec<u8>,
) -> (Option<i32>, Vec<u8>, String) {
    let mut cmd = Process::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_clanscope"))
        .args(args);
    fed(cmd, input)
}

#[test]
fn the_inspector_refuses_standard_input_before_reading_it() {
    // The inspector's keys come from standard input, so `view -` can never work: it is refused
    // before a byte is read, not after a pipe was read whole (256 MiB here).
    let want = "clanscope: the inspector reads its keys from standard input, so it cannot read a file from there; give the file's path, or use 'clanscope dump -' or 'clanscope scan -'\n";
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other");
    std::fs::write(&other, b"x").unwrap();
    for args in [
        vec!["view".into(), "-".into()],
        vec!["-".into()],
        vec![
            "view".into(),
            other.clone().into_os_string(),
            "--compare".into(),
            "-".into(),
        ],
    ] {
        let Some((code, out, err, peak)) = with_piped_input(
            &args.iter().map(|a| a.to_str().unwrap()).collect::<Vec<_>>(),
            vec![b'A'; 256 << 20],
        ) else {
            return common::skip(
                "the_inspector_refuses_standard_input_before_reading_it",
                "no /usr/bin/time to measure peak memory",
            );
        };
        assert_eq!(
            (code, out.as_slice(), err.as_str()),
            (Some(2), &b""[..], want),
            "{args:?}"
        );
        assert!(
            peak < 32 << 10,
            "peak RSS {peak} KiB: standard input was read"
        );
    }
}

#[test]
fn every_byte_through_a_pipe_arrives_whatever_the_limits() {
    // 64 MiB through a pipe, compared with the same bytes in a file: not one differs (the copy
    // in a memory file, past 1 MiB, holds exactly what was read).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("same");
    let input: Vec<u8> = (0..64u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&file, &input).unwrap();
    let (code, out, err) = piped(r#""$0" compare - "$1""#, &[file.as_os_str()], input.clone());
    assert_eq!(code, Some(0), "{err}");
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Differing: 0 range(s), 0 byte(s) in the common length\n"),
        "{text}"
    );
    // Under a file-size limit (which applies to memory files too: a write past it ends the
    // process with SIGXFSZ) the bytes are kept in memory instead; a review found every pipe and
    // /proc file ending the process under `ulimit -f 0`.
    let small: Vec<u8> = input[..3 << 20].to_vec();
    let (code, out, err) = piped(r#"ulimit -f 0 && "$0" dump -"#, &[], small.clone());
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.iter().filter(|&&c| c == b'\n').count(), 3 << 16);
    let (code, out, err) = piped(
        r#"ulimit -f 0 && "$0" compare - "$1""#,
        &[file.as_os_str()],
        small,
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("the other file has 63963136 byte(s) more"));
    let (code, _, err) = piped(
        r#"ulimit -f 0 && "$0" scan /proc/self/status"#,
        &[],
        Vec::new(),
    );
    assert_eq!(code, Some(0), "{err}");
    // A /proc file named on the command line is read as scan reads it (dump said "empty file").
    let a = bin().args(["dump", "/proc/version"]).assert().success();
    assert!(String::from_utf8_lossy(&a.get_output().stdout)
        .starts_with("0000:0000  4C 69 6E 75 78 20 76 65-72 73 69 6F 6E 20"));
    // A name is escaped once in a message (a review saw `\x1B` become `\\x1B`).
    let fifo = dir.path().join("pi\x1bpe\\x");
    common::mkfifo(&fifo);
    let src = clanscope::source::Source::open(&fifo).unwrap();
    assert_eq!(src.name(), clanscope::sanitize::path(&fifo));
    assert!(src.name().ends_with(r"/pi\x1Bpe\\x"), "{}", src.name());
}

#[test]
fn standard_input_and_devices_are_read_in_flat_memory() {
    let test = "standard_input_and_devices_are_read_in_flat_memory";
    // 256 MiB through a pipe, a console write planted near its end: every byte reaches the
    // scan (the write is found at its offset), yet the process never holds the input.
    let mut input = vec![0u8; 256 << 20];
    let write =
        b"\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n";
    let at = (256 << 20) - 4096;
    for (i, b) in input.iter_mut().enumerate().step_by(61) {
        *b = (i % 251) as u8 | 0x80;
    }
    input[at..at + write.len()].copy_from_slice(write);
    let Some((code, out, err, peak)) = with_piped_input(&["scan", "--format", "json", "-"], input)
    else {
        return common::skip(test, "no /usr/bin/time to measure peak memory");
    };
    assert_eq!(code, Some(1), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["files"][0]["size"], 256u64 << 20);
    let starts: Vec<u64> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["start"].as_u64().unwrap())
        .collect();
    assert_eq!(starts, [at as u64], "{v}");
    assert!(
        peak < 64 << 10,
        "peak RSS {peak} KiB for 256 MiB of standard input"
    );
    // A device that never ends is refused at the cap, in flat memory too.
    let Some((code, err, peak)) = common::peak_memory(
        Path::new(env!("CARGO_BIN_EXE_clanscope")),
        &["dump".as_ref(), "/dev/zero".as_ref()],
    ) else {
        return common::skip(test, "no /usr/bin/time to measure peak memory");
    };
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "clanscope: /dev/zero: more than 1024 MiB; save it to a file and open that file instead\n"
    );
    assert!(peak < 64 << 10, "peak RSS {peak} KiB reading /dev/zero");
    // Standard input redirected from a file is that file, mapped: past the cap, without a copy.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("sparse");
    let f = std::fs::File::create(&big).unwrap();
    let size = (2u64 << 30) + 4096;
    f.set_len(size).unwrap();
    use std::os::unix::fs::FileExt;
    f.write_all_at(write, size - 4096).unwrap();
    drop(f);
    let out = Process::new(env!("CARGO_BIN_EXE_clanscope"))
        .args(["scan", "--format", "json", "-"])
        .stdin(std::fs::File::open(&big).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["size"], size);
    assert_eq!(v["files"][0]["findings"][0]["start"], size - 4096);
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

#[test]
fn a_block_device_under_examination_is_never_written_to() {
    // Found by a review: standard output opened read-write on the examined disk was written
    // (`dump DEV 1<> DEV`), as only regular files were checked.
    let test = "a_block_device_under_examination_is_never_written_to";
    let dir = tempfile::tempdir().unwrap();
    let img = dir.path().join("disk.img");
    let d: Vec<u8> = (0..1u32 << 20).map(|i| (i % 253) as u8).collect();
    std::fs::write(&img, &d).unwrap();
    let out = Process::new("losetup")
        .args(["-f", "--show"])
        .arg(&img)
        .output();
    let Some(out) = out.ok().filter(|o| o.status.success()) else {
        return skip(
            test,
            "no loop device can be set up here (losetup failed or is missing)",
        );
    };
    let dev = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let result = std::panic::catch_unwind(|| {
        for (args, redirect) in [
            ("dump --length 64 \"$1\"", "1<>\"$1\""),
            ("dump --length 64 -", "<\"$1\" 1<>\"$1\""),
            ("scan \"$1\"", "1<>\"$1\""),
        ] {
            let (code, err) = shell_run(args, redirect, &[&dev]);
            assert_eq!(code, Some(2), "{args} {redirect}: {err}");
            assert!(
                err.contains("standard output: is the examined file"),
                "{args} {redirect}: {err}"
            );
        }
        let mut now = vec![0u8; d.len()];
        use std::io::Read;
        std::fs::File::open(&dev)
            .unwrap()
            .read_exact(&mut now)
            .unwrap();
        assert!(now == d, "the device changed");
    });
    let _ = Process::new("losetup").arg("-d").arg(&dev).status();
    result.unwrap();
    assert_eq!(std::fs::read(&img).unwrap(), d);
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
    assert!(text.contains("  Range:   13FFF000:FFFF-13FFF000:FFFF, offsets 5368709119-5368709119 (13FFFFFFFh-13FFFFFFFh), 1 byte\n"), "{text}");
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

// ---------------------------------------------------------------------------------------------
// Issue 10: evidence overwritten (items 1-3) and the general defences.

/// An evidence folder `po` holding `ev` (the demo store), a work folder, and a case folder that
/// the inspector is told about through `XDG_DATA_HOME` (so no test writes to the real home).
struct Case {
    root: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let root = tempfile::tempdir().unwrap();
        for d in ["po", "work", "data"] {
            std::fs::create_dir(root.path().join(d)).unwrap();
        }
        std::fs::write(root.path().join("po/ev"), clanscope::demo::STORE).unwrap();
        Case { root }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }
    fn ev(&self) -> PathBuf {
        self.path("po/ev")
    }
    /// The folder the inspector writes to by default: `$XDG_DATA_HOME/clanscope`.
    fn case_folder(&self) -> PathBuf {
        self.path("data/clanscope")
    }
    /// Runs the inspector in tmux from `cwd` with `args`, waits for `wait`, types `keys`, and
    /// returns the screen after it exits.
    fn view(&self, name: &str, cwd: &Path, args: &str, keys: &[&str], wait: &str) -> String {
        let t = self.session(name, cwd, args);
        t.wait_for(wait, |s| s.contains(wait) || wait == "6 hdr" && scanned(s));
        t.keys(keys);
        t.wait_for("the exit", |s| s.contains("EXIT="))
    }

    /// The inspector running in tmux from `cwd` with `args`.
    fn session(&self, name: &str, cwd: &Path, args: &str) -> Tmux {
        let script = format!(
            "cd '{}' && XDG_DATA_HOME='{}' '{}' {args}; echo EXIT=$?; sleep 60",
            cwd.display(),
            self.path("data").display(),
            env!("CARGO_BIN_EXE_clanscope")
        );
        Tmux::start(name, &script, 120, 30)
    }
}

/// The demo's scan is done: its title counts the damaged headers (in the long or the
/// compact form).
fn scanned(screen: &str) -> bool {
    screen.contains("6 hdr") || screen.contains("6 damaged header")
}

fn sha12(bytes: &[u8]) -> String {
    clanscope::notes::sha256_all(bytes)[..12].to_string()
}

#[test]
fn hard_links_and_symlinks_to_inputs_are_refused_as_outputs() {
    let case = Case::new();
    let ev = case.ev();
    let hard = case.path("work/hard");
    std::fs::hard_link(&ev, &hard).unwrap();
    let soft = case.path("work/soft");
    std::os::unix::fs::symlink(&ev, &soft).unwrap();
    for out in [&hard, &soft] {
        let a = bin()
            .current_dir(case.path("work"))
            .arg("export")
            .arg(&ev)
            .arg("-o")
            .arg(out)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(err.starts_with("clanscope: "), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert_eq!(std::fs::read(&ev).unwrap(), clanscope::demo::STORE);
    // undump's own input through a hard link.
    let text = case.path("work/dump.txt");
    std::fs::copy(common::article_web(), &text).unwrap();
    let before = std::fs::read(&text).unwrap();
    let link = case.path("data/link.txt");
    std::fs::hard_link(&text, &link).unwrap();
    bin()
        .arg("undump")
        .arg(&text)
        .arg("-o")
        .arg(&link)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&text).unwrap(), before);
    // Nothing goes into a folder that holds an input, not even a new file.
    let a = bin()
        .arg("export")
        .arg(&ev)
        .arg("-o")
        .arg(case.path("po/report.txt"))
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("holds an examined file"));
    bin()
        .arg("undump")
        .arg(&text)
        .arg("--split")
        .arg(case.path("work"))
        .assert()
        .code(2);
    assert!(!case.path("po/report.txt").exists());
    assert!(!case.path("work/0AFA_3F00.bin").exists());
    // Nor into a folder that holds another name of an input (a hard link to it), found by a
    // hostile review; standard output there is refused as well.
    std::fs::create_dir(case.path("alias")).unwrap();
    std::fs::hard_link(&ev, case.path("alias/same-store")).unwrap();
    let a = bin()
        .arg("export")
        .arg(&ev)
        .arg("-o")
        .arg(case.path("alias/report.txt"))
        .assert()
        .code(2);
    assert!(
        String::from_utf8_lossy(&a.get_output().stderr)
            .contains("holds another name (a hard link) of the examined file"),
        "{}",
        String::from_utf8_lossy(&a.get_output().stderr)
    );
    assert!(!case.path("alias/report.txt").exists());
    let (code, err) = shell_run(
        &format!("dump '{}'", ev.display()),
        "> \"$1\"",
        &[&case.path("alias/dump.txt")],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("another name (a hard link)"), "{err}");
    std::fs::remove_file(case.path("alias/same-store")).unwrap();
    // An existing file is never overwritten, and a FIFO or /dev/null is written to as it is.
    let old = case.path("data/old.txt");
    std::fs::write(&old, b"keep").unwrap();
    bin()
        .arg("export")
        .arg(&ev)
        .arg("-o")
        .arg(&old)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&old).unwrap(), b"keep");
    bin()
        .arg("export")
        .arg(&ev)
        .args(["-o", "/dev/null"])
        .assert()
        .success();
}

/// Runs `clanscope ARGS` through `sh -c` with the shell's redirection `redirect` (`$1`, `$2`:
/// `extra`), as a user would; returns the exit code and standard error.
fn shell_run(args: &str, redirect: &str, extra: &[&Path]) -> (Option<i32>, String) {
    use std::os::unix::process::CommandExt;
    let mut cmd = Process::new("sh");
    cmd.arg("-c")
        .arg(format!("\"$0\" {args} {redirect}"))
        .arg(env!("CARGO_BIN_EXE_clanscope"))
        .args(extra);
    // In a session of its own, with no terminal, as CI runs: a refused standard error is then
    // said nowhere (at a terminal it is said there: tests/pty.rs).
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        })
    };
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn standard_output_on_the_evidence_or_in_its_folder_is_refused() {
    let case = Case::new();
    let ev = case.ev();
    // The shell opens the evidence itself as standard output (append or read-write, neither of
    // which truncates it): every command refuses before writing a byte.
    for args in [
        "dump --length 64 \"$1\"",
        "export \"$1\"",
        "scan \"$1\"",
        "compare \"$1\" \"$1\"",
    ] {
        for redirect in [">>\"$1\"", "1<>\"$1\""] {
            let (code, err) = shell_run(args, redirect, &[&ev]);
            assert_eq!(code, Some(2), "{args} {redirect}: {err}");
            assert!(
                err.contains("standard output: is the examined file"),
                "{args} {redirect}: {err}"
            );
            assert_eq!(std::fs::read(&ev).unwrap(), clanscope::demo::STORE);
        }
    }
    // undump's own input as its standard output.
    let text = case.path("work/dump.txt");
    std::fs::copy(common::article_web(), &text).unwrap();
    let before = std::fs::read(&text).unwrap();
    let (code, err) = shell_run("undump \"$1\"", ">>\"$1\"", &[&text]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(std::fs::read(&text).unwrap(), before);
    // A new file beside the evidence, or anywhere in the tree of an examined folder.
    std::fs::create_dir(case.path("po/sub")).unwrap();
    let po = case.path("po");
    let beside = case.path("po/scan.txt");
    let (code, err) = shell_run("scan \"$1\"", ">\"$2\"", &[&ev, &beside]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("holds an examined file"), "{err}");
    let deep = case.path("po/sub/scan.txt");
    let (code, err) = shell_run("scan \"$1\"", ">\"$2\"", &[&po, &deep]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("lies inside the examined folder"), "{err}");
    assert_eq!(std::fs::metadata(&deep).unwrap().len(), 0);
    // The examined folder itself, and the folder that holds it, are named as a folder (a
    // review saw the folder called an examined file).
    let top = case.path("po/scan-top.txt");
    let (code, err) = shell_run("scan \"$1\"", ">\"$2\"", &[&po, &top]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("standard output: lies inside the examined folder") && !err.contains("file"),
        "{err}"
    );
    let sub = case.path("po/sub");
    let (code, err) = shell_run("scan \"$1\"", ">\"$2\"", &[&sub, &beside]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "standard output: lies in a folder that holds the examined folder ({})",
            sub.display()
        )),
        "{err}"
    );
    // Elsewhere, standard output is a file like any other (exit code 1: findings).
    let fine = case.path("work/scan.txt");
    let (code, err) = shell_run("scan \"$1\"", ">\"$2\"", &[&ev, &fine]);
    assert_eq!(code, Some(1), "{err}");
    assert!(std::fs::read_to_string(&fine)
        .unwrap()
        .contains("console write"));
    // Evidence given as standard input (`- < FILE`) is an examined file too: not appended to,
    // and nothing is written beside it. A review found `dump - < EV >> EV` appending to EV.
    for (args, redirect, says) in [
        (
            "dump -",
            "<\"$1\" >>\"$1\"",
            "standard output: is the examined file standard input",
        ),
        (
            "scan -",
            "<\"$1\" 1<>\"$1\"",
            "standard output: is the examined file standard input",
        ),
        (
            "scan -",
            "<\"$1\" >\"$2\"",
            "holds an examined file (standard input, EV)",
        ),
        (
            "export - -o \"$2\"",
            "<\"$1\"",
            "holds an examined file (standard input, EV)",
        ),
    ] {
        let (code, err) = shell_run(args, redirect, &[&ev, &case.path("po/new.txt")]);
        assert_eq!(code, Some(2), "{args} {redirect}: {err}");
        let says = says.replace("EV", &ev.display().to_string());
        assert!(err.contains(&says), "{args} {redirect}: {err}");
        assert_eq!(std::fs::read(&ev).unwrap(), clanscope::demo::STORE);
        assert!(
            !case.path("po/new.txt").exists()
                || std::fs::metadata(case.path("po/new.txt")).unwrap().len() == 0
        );
    }
    let (code, err) = shell_run("scan -", "<\"$1\" >\"$2\"", &[&ev, &fine]);
    assert_eq!(code, Some(1), "{err}");
}

#[test]
fn outputs_never_go_through_a_link_to_a_device_nor_into_an_examined_tree() {
    let case = Case::new();
    let text = case.path("work/dump.txt");
    std::fs::copy(common::article_web(), &text).unwrap();
    // A planted link to a device (the way to /dev/tty or /dev/stdout) is refused; the device
    // named directly is written to.
    let link = case.path("data/dev");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let a = bin()
        .arg("undump")
        .arg(&text)
        .arg("-o")
        .arg(&link)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("symbolic link"), "{err}");
    bin()
        .arg("undump")
        .arg(&text)
        .args(["-o", "/dev/null"])
        .assert()
        .success();
    // A case folder (or an export folder) inside an examined folder's tree is never made.
    std::fs::create_dir_all(case.path("po/Ccmcdata/Import")).unwrap();
    let ccm = case.path("po/Ccmcdata");
    let before = listing_and_mtime(&ccm);
    // As the inspector opens a folder: `clanscope --out po/Ccmcdata/case po`.
    let po = case.path("po");
    let err =
        clanscope::output::Case::open(&[&po], &[], Some(&case.path("po/Ccmcdata/case")), None)
            .unwrap_err()
            .to_string();
    assert!(err.contains("inside the examined folder"), "{err}");
    // An existing folder there is refused too.
    let err = clanscope::output::Case::open(&[&po], &[], Some(&ccm), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("examined"), "{err}");
    assert!(!case.path("po/Ccmcdata/case").exists());
    assert_eq!(listing_and_mtime(&ccm), before);
    // A folder named with --related (the post office's, the connector's: its files are listed
    // for the names in writes) is guarded as an examined folder's tree: no export, no case
    // folder, no new folder anywhere in it (review 36: all three were written).
    let store = case.path("store/CLANDATA");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    std::fs::write(&store, clanscope::demo::STORE).unwrap();
    let before = (listing_and_mtime(&po), listing_and_mtime(&ccm));
    let said = |args: &[&std::ffi::OsStr]| {
        let a = bin()
            .arg("export")
            .arg(&store)
            .arg("--related")
            .arg(&po)
            .args(args)
            .assert()
            .code(2);
        String::from_utf8_lossy(&a.get_output().stderr).into_owned()
    };
    let inside = format!(
        "lies inside {}, a folder whose files are linked to the names in console writes",
        po.display()
    );
    for (flag, path) in [
        ("-o", "po/report.txt"),
        ("-o", "po/Ccmcdata/Import/r.txt"),
        ("--out", "po/Ccmcdata"),
        ("--out", "po/new/case"),
    ] {
        let err = said(&[flag.as_ref(), case.path(path).as_os_str()]);
        assert!(err.contains(&inside), "{flag} {path}: {err}");
    }
    assert_eq!((listing_and_mtime(&po), listing_and_mtime(&ccm)), before);
    assert!(!case.path("po/new").exists() && !case.path("po/report.txt").exists());
    // The inspector's case folder likewise.
    let related = [po.clone()];
    let err = clanscope::output::Case::open(&[&store], &related, Some(&case.path("po/case")), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains(&inside), "{err}");
    assert!(!case.path("po/case").exists());
    // Outside it, the same export is written.
    let out = case.path("out/report.txt");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    bin()
        .arg("export")
        .arg(&store)
        .arg("--related")
        .arg(&po)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0);
    assert!(out.exists());
}

#[test]
fn review_38_the_folder_holding_the_file_is_guarded_as_its_tree() {
    // Without --related, the folder holding the file is the one whose files are linked to the
    // names in writes, and its subfolders were written to (an export beside a linked .CCM, a
    // case folder in the connector's tree). Now guarded as a --related folder is.
    let case = Case::new();
    std::fs::create_dir_all(case.path("po/Ccmcdata/Import")).unwrap();
    let po = case.path("po");
    let before = listing_and_mtime(&po);
    let inside = format!(
        "lies inside the folder that holds the examined file {}; clanscope writes nothing there: choose another folder\n",
        case.ev().display()
    );
    for (flag, rel) in [
        ("-o", "po/Ccmcdata/Import/r.txt"),
        ("--out", "po/Ccmcdata/case"),
    ] {
        let target = case.path(rel);
        let a = bin()
            .arg("export")
            .arg(case.ev())
            .arg(flag)
            .arg(&target)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert_eq!(
            err,
            format!("clanscope: {}: {inside}", target.display()),
            "{flag}"
        );
    }
    assert_eq!(listing_and_mtime(&po), before);
    // A relative -o with --out names a file inside the case folder, made if missing ("no such
    // file or directory" before); one that leaves it is refused (it was written outside).
    let dir = case.path("data/c1");
    let a = bin()
        .arg("export")
        .arg(case.ev())
        .arg("--out")
        .arg(&dir)
        .args(["-o", "x.txt"])
        .assert()
        .code(0);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!("clanscope: exported to {}\n", dir.join("x.txt").display())
    );
    assert!(std::fs::read_to_string(dir.join("x.txt"))
        .unwrap()
        .starts_with("clanscope annotated dump\n"));
    let a = bin()
        .arg("export")
        .arg(case.ev())
        .arg("--out")
        .arg(&dir)
        .args(["-o", "../esc.txt"])
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!("clanscope: -o ../esc.txt with --out {}: a relative -o names a file inside the case folder, and this one leaves it (give a path of its own without --out, or a name inside)\n", dir.display())
    );
    assert!(!case.path("data/esc.txt").exists());
    // A folder named as a new file is said to be one.
    let a = bin()
        .arg("compare")
        .arg(case.ev())
        .arg(case.ev())
        .arg("--repaired-copy")
        .arg(&dir)
        .assert()
        .code(2);
    assert!(
        String::from_utf8_lossy(&a.get_output().stderr).ends_with(&format!(
            "clanscope: {}: is a folder; name a new file to write, outside the folders that hold examined files\n",
            dir.display()
        )),
        "{:?}",
        a.get_output()
    );
}

#[test]
fn names_are_escaped_once_in_every_format() {
    let case = Case::new();
    // A real ESC in a name, and a name that holds the four characters `\x1B`: the sanitizer
    // writes the first as `\x1B` and the second with its backslash doubled, once.
    let esc = case.path("work/A\u{1b}B");
    let literal = case.path("work/A\\x1BB");
    for p in [&esc, &literal] {
        std::fs::write(p, clanscope::demo::STORE).unwrap();
    }
    let out = |args: &[&std::ffi::OsStr]| {
        let o = bin().args(args).output().unwrap();
        String::from_utf8(o.stdout).unwrap()
    };
    let text = out(&[
        "export".as_ref(),
        esc.as_os_str(),
        "--examiner".as_ref(),
        "x\u{1b}y".as_ref(),
    ]);
    assert!(text.contains("/work/A\\x1BB\n"), "{text}");
    assert!(text.contains("Examiner:  x\\x1By\n"), "{text}");
    let text = out(&["export".as_ref(), literal.as_os_str()]);
    assert!(text.contains("/work/A\\\\x1BB\n"), "{text}");
    let csv = out(&[
        "scan".as_ref(),
        "--format".as_ref(),
        "csv".as_ref(),
        esc.as_os_str(),
        literal.as_os_str(),
    ]);
    assert!(csv.contains("/work/A\\x1BB,"), "{csv}");
    assert!(csv.contains("/work/A\\\\x1BB,"), "{csv}");
    assert!(!csv.contains("\\\\\\"), "{csv}");
}

#[test]
fn settings_signatures_and_sidecars_are_read_with_a_cap() {
    let case = Case::new();
    let ev = case.ev();
    let sparse = case.path("data/huge");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let refused = |cmd: &mut assert_cmd::Command, name: &Path| {
        let a = cmd.assert().code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(err.contains("too large for this kind of file"), "{err}");
        assert!(err.contains(&name.display().to_string()), "{err}");
    };
    for big in [sparse.as_path(), Path::new("/dev/zero")] {
        refused(bin().arg("scan").arg("--signatures").arg(big).arg(&ev), big);
        refused(
            bin().env("CLANSCOPE_SETTINGS", big).arg("export").arg(&ev),
            big,
        );
    }
    refused(
        bin().arg("export").arg(&ev).arg("--notes").arg(&sparse),
        &sparse,
    );
    // A settings file that cannot be read says how to run without it (review 60: an unreadable
    // home folder failed every command with no way round said).
    let folder = case.path("data");
    let a = bin()
        .env("CLANSCOPE_SETTINGS", &folder)
        .arg("dump")
        .arg(&ev)
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!("clanscope: {}: is a directory (the settings file; CLANSCOPE_SETTINGS=/dev/null runs with the defaults)\n", folder.display())
    );
    let a = bin()
        .env("CLANSCOPE_SETTINGS", "/dev/null")
        .arg("dump")
        .arg(&ev)
        .assert()
        .success();
    assert!(a.get_output().stdout.starts_with(b"0AFA:0100  "));
}

#[test]
fn notes_are_never_kept_in_the_evidence() {
    use std::os::unix::fs::PermissionsExt;
    let case = Case::new();
    let ev = case.ev();
    std::fs::set_permissions(&ev, std::fs::Permissions::from_mode(0o444)).unwrap();
    let s = case.view(
        "notes-ev",
        &case.path("work"),
        &format!("--notes '{}' '{}'", ev.display(), ev.display()),
        &["m", "b", "q"],
        "EXIT=",
    );
    assert!(s.contains("EXIT=2"), "{s}");
    assert!(s.contains("is the examined file"), "{s}");
    assert_eq!(std::fs::read(&ev).unwrap(), clanscope::demo::STORE);
}

/// An inspector on `file` whose outputs go to `out`, with `--notes` as given, once the file's
/// SHA-256 is known (as `tui::inspect` sets it up).
fn hashed_app(file: &Path, out: &Path, notes: Option<&Path>) -> clanscope::tui::app::App {
    let src = std::sync::Arc::new(clanscope::source::Source::open(file).unwrap());
    let mut app = clanscope::tui::app::App::with_settings(
        src,
        clanscope::address::Origin::ZERO,
        clanscope::settings::Settings::default(),
        out.to_path_buf(),
        notes.map(Path::to_path_buf),
    );
    app.update(clanscope::tui::command::Command::Resize {
        width: 120,
        height: 40,
    });
    app.absorb(clanscope::tui::app::ScanMsg::Hash(
        clanscope::notes::sha256_all(&std::fs::read(file).unwrap()),
    ));
    clanscope::tui::effects::apply(&mut app);
    app
}

/// Commands as keys give them, each carried out with its effects (the sidecar saved).
fn type_keys(app: &mut clanscope::tui::app::App, cmds: &[clanscope::tui::command::Command]) {
    for c in cmds {
        app.update(c.clone());
        clanscope::tui::effects::apply(app);
    }
}

/// A note typed at the prompt: `a`, the text, Enter.
fn note(text: &str) -> Vec<clanscope::tui::command::Command> {
    use clanscope::tui::command::Command as C;
    use clanscope::tui::prompt::Edit;
    let mut v = vec![C::Annotate];
    v.extend(text.chars().map(|c| C::Edit(Edit::Char(c))));
    v.push(C::Enter);
    v
}

#[test]
fn another_files_sidecar_is_never_written_over() {
    use clanscope::tui::command::Command as C;
    let case = Case::new();
    let b = case.path("po/B");
    std::fs::write(&b, b"other bytes").unwrap();
    // B's notes, kept in shared.json.
    let shared = case.path("data/shared.json");
    let mut app_b = hashed_app(&b, &case.path("data"), Some(&shared));
    type_keys(&mut app_b, &[C::Mark, C::Char('q')]);
    let b_notes = std::fs::read(&shared).unwrap();
    assert!(
        String::from_utf8_lossy(&b_notes).contains(&clanscope::notes::sha256_all(b"other bytes"))
    );
    // A opened with --notes shared.json: not applied, and never written over.
    let mut app_a = hashed_app(&case.ev(), &case.path("data"), Some(&shared));
    type_keys(&mut app_a, &[C::Mark, C::Char('b')]);
    assert_eq!(
        std::fs::read(&shared).unwrap(),
        b_notes,
        "B's notes were overwritten"
    );
    type_keys(&mut app_a, &note("x"));
    assert_eq!(
        std::fs::read(&shared).unwrap(),
        b_notes,
        "B's notes were overwritten"
    );
    let status = app_a.status().map(|s| s.0.to_string()).unwrap_or_default();
    assert!(status.contains("not written over"), "{status}");
}

#[test]
fn the_inspector_warns_of_a_note_that_ends_before_its_start() {
    let case = Case::new();
    let notes = case.path("data/notes.json");
    let sha = clanscope::notes::sha256_all(clanscope::demo::STORE);
    let mut s = clanscope::notes::Sidecar::new("ev", 327680, &sha);
    s.notes
        .push(clanscope::notes::Note::new(20, 10, "reversed", None));
    s.notes
        .push(clanscope::notes::Note::new(40, 30, "again", None));
    std::fs::write(&notes, s.to_json()).unwrap();
    let app = hashed_app(&case.ev(), &case.path("data"), Some(&notes));
    let status = app.status().map(|s| s.0.to_string()).unwrap_or_default();
    assert_eq!(
        status,
        format!(
            "{}: note 1 (\"reversed\") ends at offset 10, before its start 20; read as offsets 10-20 (and 1 more such notes)",
            notes.display()
        )
    );
}

#[test]
fn two_inspectors_on_one_file_keep_both_notes() {
    use clanscope::tui::command::Command as C;
    let case = Case::new();
    let out = case.path("data");
    let mut one = hashed_app(&case.ev(), &out, None);
    let mut two = hashed_app(&case.ev(), &out, None);
    type_keys(&mut one, &note("1"));
    type_keys(&mut one, &[C::Mark, C::Char('a')]);
    type_keys(&mut two, &[C::Down]);
    type_keys(&mut two, &note("2"));
    type_keys(&mut two, &[C::Mark, C::Char('b')]);
    let sidecar = out.join(format!(
        "ev.{}.clanscope-notes.json",
        sha12(clanscope::demo::STORE)
    ));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sidecar).unwrap()).unwrap();
    let texts: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, vec!["1", "2"], "{v}");
    let keys: Vec<&str> = v["bookmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["a", "b"], "{v}");
}

fn listing_and_mtime(dir: &Path) -> (Vec<String>, (i64, i64)) {
    let m = std::fs::metadata(dir).unwrap();
    let mut l: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    l.sort();
    (l, (m.mtime(), m.mtime_nsec()))
}

#[test]
fn the_inspector_writes_to_the_case_folder_and_says_where() {
    let case = Case::new();
    let po = case.path("po");
    let before = listing_and_mtime(&po);
    // Run from the evidence folder itself: notes, a bookmark and an export; the status line
    // says where each goes.
    let t = case.session("case-folder", &po, "ev");
    let folder = case.case_folder().display().to_string();
    t.wait_for("where outputs go", |s| {
        s.contains(&format!("notes and exports go to {folder}")) || scanned(s)
    });
    t.wait_for("the scan", scanned);
    t.keys(&["n", "a", "x", "Enter", "m", "k", "e"]);
    t.wait_for("the export", |s| {
        s.contains(&format!("exported H1 to {folder}/ev."))
    });
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
    assert_eq!(
        listing_and_mtime(&po),
        before,
        "the evidence folder changed"
    );
    let folder = case.case_folder();
    let mut made: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    made.sort();
    let sha = sha12(clanscope::demo::STORE);
    assert_eq!(
        made,
        vec![
            format!("ev.{sha}.H1.export.txt"),
            format!("ev.{sha}.clanscope-notes.json")
        ]
    );
}

#[test]
fn planted_symlinks_under_predictable_names_are_not_followed() {
    let case = Case::new();
    let po = case.path("po");
    let victim = case.path("work/victim");
    std::fs::write(&victim, b"victim").unwrap();
    let sha = sha12(clanscope::demo::STORE);
    std::fs::create_dir_all(case.case_folder()).unwrap();
    for dir in [po.clone(), case.case_folder()] {
        std::os::unix::fs::symlink(case.ev(), dir.join(format!("ev.{sha}.H1.export.txt"))).unwrap();
        std::os::unix::fs::symlink(
            &victim,
            dir.join(format!("ev.{sha}.clanscope-notes.json.tmp")),
        )
        .unwrap();
    }
    let before = listing_and_mtime(&po);
    let s = case.view("planted", &po, "ev", &["n", "e", "m", "z", "q"], "6 hdr");
    assert!(s.contains("EXIT=0"), "{s}");
    assert!(
        std::fs::read(case.ev()).unwrap() == clanscope::demo::STORE,
        "the evidence was overwritten"
    );
    assert!(
        std::fs::read(&victim).unwrap() == b"victim",
        "the victim was overwritten"
    );
    assert_eq!(
        listing_and_mtime(&po),
        before,
        "the evidence folder changed"
    );
    // The export went to a fresh name beside the planted link.
    let export = case.case_folder().join(format!("ev.{sha}.H1-2.export.txt"));
    assert!(std::fs::read_to_string(&export)
        .unwrap()
        .starts_with("clanscope annotated dump\n"));
}

/// Sets a file's access time to 2001-09-09 (long past, so any read updates it under relatime).
fn age_atime(p: &Path) -> i64 {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    let old = libc::timespec {
        tv_sec: 1_000_000_000,
        tv_nsec: 0,
    };
    let times = [
        old,
        libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_OMIT,
        },
    ];
    assert_eq!(
        unsafe { libc::utimensat(libc::AT_FDCWD, c.as_ptr(), times.as_ptr(), 0) },
        0
    );
    std::fs::metadata(p).unwrap().atime()
}

/// Review 60 D4: a folder walk (`scan DIR`, and the listing of the folder holding the file
/// that `export` links the names in writes to) moved the access times of the folders it read.
/// Folders are listed with `O_NOATIME` now, as files are read.
#[test]
fn walking_folders_leaves_their_access_times() {
    let case = Case::new();
    let po = case.path("po");
    let sub = case.path("po/Ccmcdata");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("MSG0001.CCM"), b"x").unwrap();
    let probe = case.path("work/probe");
    std::fs::create_dir_all(&probe).unwrap();
    let old = age_atime(&probe);
    std::fs::read_dir(&probe).unwrap().for_each(drop);
    if std::fs::metadata(&probe).unwrap().atime() == old {
        return skip(
            "walking_folders_leaves_their_access_times",
            "this file system does not update access times (noatime)",
        );
    }
    let ev = case.ev();
    for args in [
        vec![po.as_os_str()],
        vec!["export".as_ref(), ev.as_os_str()],
    ] {
        let times = [age_atime(&po), age_atime(&sub)];
        let mut cmd = bin();
        if args.len() == 1 {
            cmd.arg("scan");
        }
        let code = cmd
            .current_dir(case.path("work"))
            .args(&args)
            .output()
            .unwrap()
            .status
            .code();
        assert!(matches!(code, Some(0 | 1)), "{args:?}: {code:?}");
        let now = [&po, &sub].map(|p| std::fs::metadata(p).unwrap().atime());
        assert_eq!(now, times, "{args:?} moved a folder's access time");
    }
}

#[test]
fn evidence_is_read_without_changing_its_access_time() {
    let case = Case::new();
    let ev = case.ev();
    let probe = case.path("work/probe");
    std::fs::write(&probe, b"x").unwrap();
    let old = age_atime(&probe);
    std::fs::read(&probe).unwrap();
    if std::fs::metadata(&probe).unwrap().atime() == old {
        return skip(
            "evidence_is_read_without_changing_its_access_time",
            "this file system does not update access times (noatime)",
        );
    }
    let ev_old = age_atime(&ev);
    let runs: Vec<Vec<&str>> = vec![
        vec!["dump"],
        vec!["scan"],
        vec!["export"],
        vec!["scan", "--format", "json"],
    ];
    for args in runs {
        let code = bin()
            .current_dir(case.path("work"))
            .args(&args)
            .arg(&ev)
            .output()
            .unwrap()
            .status
            .code();
        assert!(matches!(code, Some(0 | 1)), "{args:?}: {code:?}");
        assert_eq!(
            std::fs::metadata(&ev).unwrap().atime(),
            ev_old,
            "{args:?} changed the access time"
        );
    }
    // The evidence named where a notes or signatures file goes (review 38: each was read, and
    // its access time moved): notes are refused before they are read, signatures read as
    // evidence is.
    let ev_s = ev.to_str().unwrap();
    for args in [
        vec!["export", ev_s, "--notes", ev_s],
        vec!["export", ev_s, "--signatures", ev_s],
        vec!["compare", ev_s, ev_s, "--signatures", ev_s],
        vec!["scan", ev_s, "--signatures", ev_s],
    ] {
        let a = bin()
            .current_dir(case.path("work"))
            .args(&args)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        let want = if args[2] == "--notes" {
            format!("clanscope: {ev_s}: is the examined file {ev_s}; --notes names a notes file, never read from evidence\n")
        } else {
            format!("clanscope: {ev_s}: is not utf-8 text\n")
        };
        assert_eq!(err, want, "{args:?}");
        assert_eq!(
            std::fs::metadata(&ev).unwrap().atime(),
            ev_old,
            "{args:?} changed the access time"
        );
    }
    let text = case.path("work/d.txt");
    std::fs::copy(common::article_web(), &text).unwrap();
    let old = age_atime(&text);
    bin()
        .arg("undump")
        .arg(&text)
        .arg("-o")
        .arg(case.path("data/x.bin"))
        .assert()
        .success();
    assert_eq!(std::fs::metadata(&text).unwrap().atime(), old, "undump");
    let s = case.view(
        "atime",
        &case.path("work"),
        &format!("'{}'", ev.display()),
        &["G", "q"],
        "6 hdr",
    );
    assert!(s.contains("EXIT=0"), "{s}");
    assert_eq!(
        std::fs::metadata(&ev).unwrap().atime(),
        ev_old,
        "the inspector"
    );
}

// ---------------------------------------------------------------------------------------------
// Issue 10 item 8: JSON escapes C1, bidi and tag characters; escapes are unambiguous; the
// picker measures display width.

/// Characters that must never reach a JSON document raw: C1 controls, bidirectional controls
/// and the characters that show as nothing (review 38: the soft hyphen, the combining grapheme
/// joiner, the Hangul fillers, zero-width characters, variation selectors, tag characters).
fn hidden(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{E0000}'..='\u{E0FFF}'
        | '\u{AD}' | '\u{34F}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{180E}'
        | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}')
}

fn assert_no_hidden(what: &str, out: &[u8]) {
    let text = String::from_utf8(out.to_vec()).unwrap();
    if let Some((i, c)) = text.char_indices().find(|(_, c)| hidden(*c)) {
        panic!("{what}: raw U+{:04X} at byte {i}", c as u32);
    }
}

#[test]
fn json_escapes_c1_bidi_and_tag_characters() {
    let dir = tempfile::tempdir().unwrap();
    let ccm = dir.path().join("MSG0001.CCM");
    std::fs::write(&ccm, "Message:\r\n10\r\nFrom: a\u{9b}b\u{202e}c\u{61c}d\r\nSubject: x\u{2066}y\u{200f}z\u{E0041}w\r\n\r\n\r\nExporting messages in mailbox \"m\u{202e}q\" to file X\u{9b}.CCM\r\nContents:\r\n5\r\n").unwrap();
    let a = bin()
        .args(["scan", "--all", "--format", "json"])
        .arg(&ccm)
        .assert()
        .code(1);
    let out = &a.get_output().stdout;
    assert_no_hidden("scan json", out);
    let text = String::from_utf8_lossy(out);
    assert!(text.contains(r#""mailbox": "m\u202eq""#), "{text}");
    // The values decode back to exactly what the file holds: header fields one character per
    // byte, as a finding's text (C1 controls among them, escaped).
    let v: serde_json::Value = serde_json::from_slice(out).unwrap();
    assert_eq!(v["files"][0]["findings"][0]["mailbox"], "m\u{202e}q");
    let latin1 = |s: &str| s.bytes().map(|c| c as char).collect::<String>();
    let fields = &v["files"][0]["messages"][0]["fields"];
    assert_eq!(fields[0][1], latin1("a\u{9b}b\u{202e}c\u{61c}d"));
    assert_eq!(fields[1][1], latin1("x\u{2066}y\u{200f}z\u{E0041}w"));
    assert!(text.contains(r"aÂ\u009bbâ\u0080®c"), "{text}");
    // Export, with a note holding the same characters.
    let sha = clanscope::notes::sha256_all(&std::fs::read(&ccm).unwrap());
    let notes = dir.path().join("n.json");
    std::fs::write(&notes, format!(r#"{{"file":"MSG0001.CCM","size":0,"sha256":"{sha}","notes":[{{"start":0,"end":4,"text":"n\u202eo\u0085te"}}]}}"#)).unwrap();
    let a = bin()
        .args(["export", "--all", "--format", "json", "--notes"])
        .arg(&notes)
        .arg(&ccm)
        .assert()
        .success();
    assert_no_hidden("export json", &a.get_output().stdout);
    assert!(String::from_utf8_lossy(&a.get_output().stdout).contains(r"n\u202eo\u0085te"));
}

/// Review 38: the byte ADh (a soft hyphen, one character per byte) in a write's mailbox, and
/// characters that show as nothing in the evidence's name (a soft hyphen, the Hangul filler,
/// a variation selector, a zero width space), are escapes in every output, so
/// `CLAN\u{00AD}DATA` never reads as `CLANDATA` nor `M\u{00AD}ller` as `Mller`.
#[test]
fn review_38_characters_that_show_as_nothing_are_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("CLAN\u{AD}DATA\u{3164}\u{FE0F}\u{200B}");
    let mut d = common::noise(30000, 38);
    let w = b"\r\n\r\nExporting messages in mailbox \"M\xadller\" to file EXPORT\\MSG4A27.CCM\r\n12 messages exported.\r\n";
    d[8000..8000 + w.len()].copy_from_slice(w);
    std::fs::write(&f, &d).unwrap();
    let name = format!(
        "{}/CLAN\\u{{00AD}}DATA\\u{{3164}}\\u{{FE0F}}\\u{{200B}}",
        dir.path().display()
    );
    let run = |args: &[&str]| {
        let a = bin().args(args).arg(&f).assert();
        let out = a.get_output().stdout.clone();
        assert_no_hidden(&args.join(" "), &out);
        String::from_utf8(out).unwrap()
    };
    let text = run(&["export", "--context", "0"]);
    assert!(text.contains(&format!("\nFile:      {name}\n")), "{text}");
    assert!(text.contains("\n  Mailbox: M\\u{00AD}ller\n"), "{text}");
    assert!(text.contains("  Mailboxes: M\\u{00AD}ller (1)\n"), "{text}");
    let json = run(&["export", "--format", "json"]);
    assert!(json.contains("\"mailbox\": \"M\\u00adller\""), "{json}");
    assert!(
        json.contains("CLAN\\u00adDATA\\u3164\\ufe0f\\u200b\""),
        "{json}"
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["files"][0]["findings"][0]["mailbox"], "M\u{AD}ller");
    let html = run(&["export", "--format", "html"]);
    assert!(html.contains("<code>M\\u{00AD}ller</code>"), "{html}");
    assert!(html.contains(&format!("<code>{name}</code>")), "{html}");
    let scan = run(&["scan", "--all"]);
    assert!(scan.contains(&name), "{scan}");
    assert!(scan.contains("M\\u{00AD}ller"), "{scan}");
}

#[test]
fn sanitized_text_tells_a_real_escape_from_its_spelling() {
    use clanscope::sanitize;
    // A real ESC and the four characters `\x1B` differ once sanitized, and so do a real CR
    // and the two characters `\r`.
    assert_ne!(sanitize::line("a\x1bb"), sanitize::line("a\\x1Bb"));
    assert_ne!(sanitize::line("a\rb"), sanitize::line("a\\rb"));
    assert_ne!(
        sanitize::bytes_line(b"\xff"),
        sanitize::bytes_line(b"\\xFF")
    );
    assert_ne!(sanitize::multiline("\x1b"), sanitize::multiline("\\x1B"));
    // The byte 9Bh that is not UTF-8 and the character U+009B (C2 9B) differ too (a review saw
    // both written `\x9B`).
    assert_eq!(sanitize::bytes_line(b"a\x9bb"), "a\\x9Bb");
    assert_eq!(sanitize::bytes_line("a\u{9b}b".as_bytes()), "a\\u{009B}b");
    assert_eq!(sanitize::line("a\\x1Bb"), "a\\\\x1Bb");
    // A backslash that starts no escape stays as it is: DOS paths read as they are written.
    assert_eq!(sanitize::line("EXPORT\\MSG4A27.CCM"), "EXPORT\\MSG4A27.CCM");
}

#[test]
fn picker_columns_line_up_whatever_the_width_of_the_names() {
    use unicode_width::UnicodeWidthStr;
    let root = PathBuf::from("/nonexistent-po");
    let names = [
        "CLANDATA",
        "漢字のファイル名.CCM",
        "e\u{301}te\u{301}.CCM",
        "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀.CCM",
    ];
    let files: Vec<PathBuf> = names.iter().map(|n| root.join(n)).collect();
    let picker = clanscope::tui::picker::Picker::new(root, files);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 10)).unwrap();
    t.draw(|f| picker.render(f)).unwrap();
    let buf = t.backend().buffer().clone();
    // The size column (0: the files do not exist) sits at the same screen column on every row.
    let mut ends = Vec::new();
    for row in 2..2 + names.len() as u16 {
        let x = (0..100).find(|&x| buf[(x, row)].symbol() == "0").unwrap();
        let line: String = (0..100)
            .map(|x| buf[(x, row)].symbol().to_string())
            .collect();
        ends.push((x, line.width()));
    }
    let first = ends[0].0;
    assert!(ends.iter().all(|e| e.0 == first), "{ends:?}");
}

// ---------------------------------------------------------------------------------------------
// Issue 10 item 6: a file truncated while it is read never ends in SIGBUS; the terminal is
// restored on every exit path.

/// Writes `mib` MiB of noise (one MiB of noise, repeated) to `path`.
fn big_noise(path: &Path, mib: usize) {
    use std::io::Write;
    let block = common::noise(1 << 20, 7);
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for _ in 0..mib {
        f.write_all(&block).unwrap();
    }
    f.flush().unwrap();
}

fn truncate(path: &Path, len: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

/// Waits until process `pid` has `path` mapped.
fn wait_mapped(pid: u32, path: &Path) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let name = path.to_string_lossy().into_owned();
    while !std::fs::read_to_string(format!("/proc/{pid}/maps")).is_ok_and(|m| m.contains(&name)) {
        assert!(
            std::time::Instant::now() < deadline,
            "the file was never mapped"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The cut: not on a page border, so the last page is partly the file's.
const CUT: u64 = (1 << 20) + 100;

fn assert_reported(what: &str, out: &std::process::Output, path: &Path) {
    use std::os::unix::process::ExitStatusExt;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.signal(), None, "{what} died of a signal: {err}");
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    let want = format!(
        "clanscope: {}: the file shrank to {CUT} bytes while reading",
        path.display()
    );
    assert!(err.lines().any(|l| l.starts_with(&want)), "{what}: {err}");
}

#[test]
fn a_file_truncated_during_dump_is_reported_not_a_crash() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big");
    big_noise(&p, 64);
    let mut child = Process::new(env!("CARGO_BIN_EXE_clanscope"))
        .arg("dump")
        .arg(&p)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The dump waits on the pipe: read a little, cut the file, read the rest.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = vec![0u8; 1 << 20];
    stdout.read_exact(&mut first).unwrap();
    truncate(&p, CUT);
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_reported("dump", &out, &p);
}

/// Starts clanscope with `args` on `p`, cuts the file once it is mapped and `after` has
/// passed, and returns how it ended.
/// True while process `pid` runs (it has not exited: a child not yet waited for stays in
/// /proc as a zombie, state `Z`).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z'))
    })
}

/// Runs clanscope with `args` on `p`, and cuts `p` to [`CUT`] bytes `after` it is mapped; None
/// when clanscope had already ended by then (nothing was cut).
fn cut_while_running(args: &[&str], p: &Path, after: Duration) -> Option<std::process::Output> {
    let child = Process::new(env!("CARGO_BIN_EXE_clanscope"))
        .args(args)
        .arg(p)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_mapped(child.id(), p);
    std::thread::sleep(after);
    let still = running(child.id());
    if still {
        truncate(p, CUT);
    }
    let out = child.wait_with_output().unwrap();
    still.then_some(out)
}

/// [`cut_while_running`] on 256 MiB of noise, cut 0.3 s after it is mapped, or sooner when the
/// command was done by then (faster builds and machines).
fn cut_big_file(args: &[&str]) -> (tempfile::TempDir, PathBuf, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big");
    for ms in [300, 100, 30, 0] {
        big_noise(&p, 256);
        if let Some(out) = cut_while_running(args, &p, Duration::from_millis(ms)) {
            return (dir, p, out);
        }
    }
    panic!("{args:?} always ended before the file could be cut");
}

#[test]
fn a_file_truncated_during_export_is_reported_not_a_crash() {
    let (_dir, p, out) = cut_big_file(&["export", "--context", "0"]);
    assert_reported("export", &out, &p);
}

/// A backup cut while `compare --repaired-copy` or `export --compare` reads it: the command
/// fails, and neither the repaired copy nor the export is left behind (a hostile review found a
/// repaired copy holding zeros for the bytes the backup lost).
#[test]
fn a_backup_truncated_during_compare_leaves_no_repaired_copy_nor_export() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("evidence");
    big_noise(&ev, 256);
    let outs = tempfile::tempdir().unwrap();
    let copy = outs.path().join("repaired.bin");
    let export = outs.path().join("e.txt");
    let runs: [(Vec<&std::ffi::OsStr>, &Path); 2] = [
        (
            vec![
                "compare".as_ref(),
                "--repaired-copy".as_ref(),
                copy.as_os_str(),
                ev.as_os_str(),
            ],
            &copy,
        ),
        (
            vec![
                "export".as_ref(),
                ev.as_os_str(),
                "-o".as_ref(),
                export.as_os_str(),
                "--compare".as_ref(),
            ],
            &export,
        ),
    ];
    for (args, made) in runs {
        let args: Vec<&str> = args.iter().map(|a| a.to_str().unwrap()).collect();
        let p = dir.path().join("backup");
        let mut cut = None;
        for ms in [300, 100, 30, 0] {
            big_noise(&p, 256);
            // A run that ended before the cut wrote its output: the next one starts afresh.
            let _ = std::fs::remove_file(made);
            if let Some(out) = cut_while_running(&args, &p, Duration::from_millis(ms)) {
                cut = Some(out);
                break;
            }
        }
        let Some(out) = cut else {
            skip(
                "a backup cut during compare",
                "the command always ended before the file could be cut",
            );
            continue;
        };
        assert_reported(args[0], &out, &p);
        assert!(!made.exists(), "{}: {} was left", args[0], made.display());
    }
}

/// Findings in bytes a file no longer has are left out of its report (review 36: a file cut to
/// 100 MB during its scan kept 11,008 findings past that, under "scanned that much"): here
/// the file reports 16 MiB while its first two chunks are scanned (0..8 MiB), then 5 MiB.
#[test]
fn findings_past_the_new_end_of_a_shrunk_file_are_left_out() {
    const MB: usize = 1 << 20;
    let w = b"\r\n\r\nExporting messages in mailbox \"a\" to file EXPORT\\MSG0001.CCM\r\n";
    let mut data = vec![0x90u8; 16 * MB];
    // One write a MiB, and one across the new end (5 MiB - 30).
    let mut at: Vec<usize> = (0..16).map(|k| k * MB + 100).collect();
    at.push(5 * MB - 30);
    for &a in &at {
        data[a..a + w.len()].copy_from_slice(w);
    }
    let input = Shrinking {
        data,
        calls: Default::default(),
    };
    let r = Engine::default()
        .with_threads(1)
        .scan(&input, Path::new("CLANDATA"), &Control::new());
    assert_eq!(r.shrank_to, Some(5 << 20));
    let starts: Vec<u64> = r.findings.iter().map(|f| f.start).collect();
    assert_eq!(
        starts,
        (0..5).map(|k| (k * MB + 100) as u64).collect::<Vec<_>>()
    );
    assert!(r.findings.iter().all(|f| f.end == f.start + w.len() as u64));
    // Lost: the write across the end and those at 5, 6 and 7 MiB (chunk 1, scanned while the
    // file still had them); chunks 2 and on were never scanned.
    assert_eq!(r.past_end, 4);
    assert_eq!(r.headers.len(), 5);
    for (i, (f, h)) in r.findings.iter().zip(&r.headers).enumerate() {
        assert_eq!(
            (h.id, f.header, h.writes.clone()),
            (i as u32 + 1, Some(h.id), vec![f.id])
        );
        assert!(h.end <= 5 << 20);
    }
}

#[test]
fn a_file_truncated_during_scan_is_reported_not_a_crash() {
    use std::os::unix::process::ExitStatusExt;
    // The scan of 256 MiB of noise takes a few hundredths of a second: on a loaded machine it
    // can end between the check that it runs and the cut. Such a run (exit 0 or 1, no word of
    // a shrink) says nothing either way, and is tried again.
    let mut tries = 0;
    let (_dir, out) = loop {
        let (dir, _p, out) = cut_big_file(&["scan", "--format", "json"]);
        let err = String::from_utf8_lossy(&out.stderr);
        let ended_first = matches!(out.status.code(), Some(0 | 1)) && !err.contains("shrank");
        tries += 1;
        if !ended_first || tries == 5 {
            break (dir, out);
        }
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.signal(), None, "scan died of a signal: {err}");
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("the file shrank to {CUT} bytes")),
        "{err}"
    );
    // Said once (review 36: twice, in two wordings), and carried in the JSON as an error, as
    // the exit code says; nothing past the new end is reported.
    assert_eq!(err.matches("shrank").count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "the file shrank to {CUT} bytes or fewer while open; scanned that much"
        )),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["shrank_to"], CUT);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["kind"], "shrank");
    assert!(v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["end"].as_u64().unwrap() <= CUT));
}

#[test]
fn a_text_file_truncated_during_scan_says_so_in_its_report() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("log.txt");
    let line = b"The post office directory was checked and no messages were moved.\r\n";
    for ms in [300, 100, 30, 0] {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        for _ in 0..(256 << 20) / line.len() {
            f.write_all(line).unwrap();
        }
        f.flush().unwrap();
        drop(f);
        let Some(out) =
            cut_while_running(&["scan", "--format", "json"], &p, Duration::from_millis(ms))
        else {
            continue;
        };
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["files"][0]["shrank_to"], CUT, "{err}");
        return;
    }
    skip(
        "a text file cut during its scan",
        "the scan always ended before the file could be cut",
    );
}

#[test]
fn a_file_truncated_while_hashed_gives_no_hash_and_no_crash() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big");
    big_noise(&p, 32);
    let src = clanscope::source::Source::open(&p).unwrap();
    let calls = std::cell::Cell::new(0);
    let h = clanscope::notes::sha256_source(&src, &|| {
        calls.set(calls.get() + 1);
        if calls.get() == 3 {
            truncate(&p, CUT);
        }
        false
    });
    let e = h.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: the file shrank to {CUT} bytes while reading",
            p.display()
        )
    );
    assert_eq!(src.current_len(), CUT);
    assert_eq!(src.check().unwrap_err(), e);
}

/// The terminal state tmux sees: alternate screen, mouse reporting, cursor shown.
fn terminal_state(t: &Tmux) -> String {
    t.run(&[
        "display",
        "-p",
        "-t",
        "t",
        "#{alternate_on} #{mouse_any_flag} #{cursor_flag}",
    ])
    .trim()
    .to_string()
}

#[test]
fn a_file_truncated_during_inspection_is_shown_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big");
    big_noise(&p, 256);
    let t = Tmux::clanscope(
        "cut-view",
        dir.path(),
        &format!("'{}'", p.display()),
        120,
        30,
    );
    t.wait_for("the first frame", |s| s.contains("268435456"));
    assert_eq!(terminal_state(&t), "1 1 0");
    std::thread::sleep(Duration::from_millis(500));
    truncate(&p, CUT);
    t.keys(&["G"]);
    // The inspector shows the new size (its title counts bytes) and keeps running.
    let s = t.wait_for("the size change", |s| {
        s.lines()
            .next()
            .is_some_and(|title| title.contains(&CUT.to_string()))
    });
    assert!(!s.contains("EXIT="), "{s}");
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
    assert_eq!(terminal_state(&t), "0 0 1");
}

/// The pid of the program the tmux window's shell runs (the shell's only child).
fn program_pid(t: &Tmux) -> u32 {
    let shell = t.run(&["display", "-p", "-t", "t", "#{pane_pid}"]);
    let shell = shell.trim();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .unwrap_or_default();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.parse().unwrap();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no program under the shell"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn signals_restore_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let f = common::demo_copy(dir.path());
    for (sig, code) in [
        (libc::SIGTERM, 143),
        (libc::SIGHUP, 129),
        (libc::SIGINT, 130),
        (libc::SIGQUIT, 131),
        (libc::SIGUSR1, 138),
        (libc::SIGALRM, 142),
        (libc::SIGBUS, 135),
    ] {
        let t = Tmux::clanscope(
            &format!("sig{sig}"),
            dir.path(),
            &format!("'{}'", f.display()),
            100,
            30,
        );
        t.wait_for("the scan", scanned);
        assert_eq!(terminal_state(&t), "1 1 0", "signal {sig}: before");
        assert_eq!(unsafe { libc::kill(program_pid(&t) as i32, sig) }, 0);
        let s = t.wait_for("the exit", |s| s.contains("EXIT="));
        assert!(s.contains(&format!("EXIT={code}")), "signal {sig}: {s}");
        assert_eq!(terminal_state(&t), "0 0 1", "signal {sig}: after");
    }
}

/// The state letter of process `pid` in /proc (`T` when stopped).
fn process_state(pid: u32) -> String {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    after.split_whitespace().next().unwrap_or("").to_string()
}

/// Waits (up to 10 s) until process `pid` is in `state`.
fn wait_state(pid: u32, state: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while process_state(pid) != state {
        assert!(
            std::time::Instant::now() < deadline,
            "process {pid} is {:?}, not {state}",
            process_state(pid)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_stop_gives_the_terminal_back_and_going_on_takes_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let f = common::demo_copy(dir.path());
    // An interactive shell with job control, as an examiner's terminal has.
    let t = Tmux::start("jobs", "env PS1='$ ' bash --norc --noprofile -i", 100, 30);
    t.wait_for("the shell", |s| s.trim_end().ends_with('$'));
    // Through `sh -c`, in the job's process group as a wrapper script would be.
    let line = format!(
        "cd '{}' && XDG_DATA_HOME='{}/xdg-data' sh -c \"'{}' '{}'; echo EXIT=\\$?\"",
        dir.path().display(),
        env!("CARGO_TARGET_TMPDIR"),
        env!("CARGO_BIN_EXE_clanscope"),
        f.display()
    );
    t.run(&["send-keys", "-t", "t", "-l", &line]);
    t.keys(&["Enter"]);
    t.wait_for("the scan", scanned);
    // The shell's child is `sh`; the inspector is its child.
    let sh = program_pid(&t);
    let children = std::fs::read_to_string(format!("/proc/{sh}/task/{sh}/children")).unwrap();
    let pid: u32 = children.split_whitespace().next().unwrap().parse().unwrap();
    // Ctrl-Z (raw mode turns it into a key), SIGTSTP (what a shell's ^Z sends), and a SIGSTOP
    // from elsewhere (which cannot be caught): each time the terminal is back with the shell
    // while the inspector is stopped, and `fg` gives the inspector a working screen again.
    // The two signals go to the job's process group, as a shell or `kill -- -PGID` sends them.
    let group = -(sh as i32);
    for how in ["Ctrl-Z", "SIGTSTP", "SIGSTOP"] {
        match how {
            "Ctrl-Z" => t.keys(&["C-z"]),
            "SIGTSTP" => assert_eq!(unsafe { libc::kill(group, libc::SIGTSTP) }, 0),
            _ => assert_eq!(unsafe { libc::kill(group, libc::SIGSTOP) }, 0),
        }
        wait_state(pid, "T");
        wait_state(sh, "T");
        t.wait_for("the shell's prompt", |s| s.contains("Stopped"));
        if how != "SIGSTOP" {
            assert_eq!(terminal_state(&t), "0 0 1", "{how}: stopped");
        }
        t.run(&["send-keys", "-t", "t", "-l", "fg"]);
        t.keys(&["Enter"]);
        t.wait_for("the inspector again", |s| s.contains(" 0AFA:0100  AB 94"));
        assert_eq!(terminal_state(&t), "1 1 0", "{how}: going on");
        t.keys(&["n"]);
        t.wait_for("a key to act", |s| s.contains("damaged header 1/"));
        t.keys(&["Escape", "g", "g"]);
    }
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
    assert_eq!(terminal_state(&t), "0 0 1");
}

#[test]
fn without_job_control_a_stop_is_refused_not_frozen() {
    // Found by a review: under `sh -c` (no job control: tmux, `ssh -t`, `docker run -it`)
    // nothing could bring a stopped inspector back; the terminal drops SIGTSTP there itself.
    let dir = tempfile::tempdir().unwrap();
    let f = common::demo_copy(dir.path());
    let t = Tmux::clanscope("nojobs", dir.path(), &format!("'{}'", f.display()), 120, 30);
    t.wait_for("the scan", scanned);
    let pid = program_pid(&t);
    t.keys(&["C-z"]);
    t.wait_for("the refusal", |s| {
        s.contains("not suspended: no shell with job control")
    });
    assert_ne!(process_state(pid), "T");
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGTSTP) }, 0);
    std::thread::sleep(Duration::from_millis(300));
    assert_ne!(process_state(pid), "T");
    assert_eq!(terminal_state(&t), "1 1 0");
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
}

/// Run by `a_panic_restores_the_terminal` inside tmux: sets the inspector's terminal up and
/// panics on another thread, as a worker would.
#[test]
#[ignore = "helper: run inside tmux by a_panic_restores_the_terminal"]
fn helper_panic_in_the_inspector() {
    let (_term, _guard) = clanscope::tui::terminal::setup().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let _ = std::thread::spawn(|| panic!("a worker failed")).join();
    std::thread::sleep(Duration::from_secs(30));
}

#[test]
fn a_panic_restores_the_terminal() {
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "'{}' --exact helper_panic_in_the_inspector --ignored --nocapture --test-threads 1 2>/dev/null; echo EXIT=$?; sleep 60",
        exe.display()
    );
    let t = Tmux::start("panic", &script, 100, 30);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=101"), "{s}");
    assert_eq!(terminal_state(&t), "0 0 1");
}

// ---------------------------------------------------------------------------------------------
// Issue 10 items 9a and 10: bounded scan memory whatever the content, and special files in a
// folder walk. The changes belong to the detection engineer (the .CCM parser) and to the
// performance engineer (src/source/walk.rs); the tests are here so the merge can be checked.

/// Peak memory of `clanscope scan --format json FILE` on `mib` MiB of repeated
/// `Message:\r\n10\r\nFrom: a\r\n`.
fn ccm_scan_peak(dir: &Path, mib: usize) -> Option<u64> {
    let p = dir.join(format!("MSG{mib:04}.CCM"));
    let unit = b"Message:\r\n10\r\nFrom: a\r\n";
    std::fs::write(&p, unit.repeat((mib << 20) / unit.len())).unwrap();
    let (code, err, peak) = common::peak_memory(
        Path::new(env!("CARGO_BIN_EXE_clanscope")),
        &[
            "scan".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            p.as_os_str(),
        ],
    )?;
    assert!(matches!(code, Some(0 | 1)), "{err}");
    Some(peak)
}

#[test]
fn scanning_ccm_like_data_takes_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (Some(small), Some(large)) = (ccm_scan_peak(dir.path(), 2), ccm_scan_peak(dir.path(), 8))
    else {
        return skip(
            "scanning_ccm_like_data_takes_bounded_memory",
            "no /usr/bin/time",
        );
    };
    // Four times the data, no more memory: bounded by a constant, not by the content.
    assert!(
        large < small + (16 << 10),
        "peak RSS {small} KiB at 2 MiB, {large} KiB at 8 MiB"
    );
    assert!(large < 128 << 10, "peak RSS {large} KiB");
}

#[test]
fn a_folder_walk_reads_only_regular_files_and_says_what_it_skipped() {
    if unsafe { libc::geteuid() } != 0 {
        return skip(
            "a_folder_walk_reads_only_regular_files_and_says_what_it_skipped",
            "making device nodes needs root",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("po");
    std::fs::create_dir(&tree).unwrap();
    common::demo_copy(&tree);
    let node = |name: &str, mode: libc::mode_t, dev: libc::dev_t| {
        let c = std::ffi::CString::new(tree.join(name).as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mknod(c.as_ptr(), mode, dev) }, 0, "{name}");
    };
    node("tty", libc::S_IFCHR | 0o600, libc::makedev(5, 0));
    node("zero", libc::S_IFCHR | 0o600, libc::makedev(1, 5));
    node("fifo", libc::S_IFIFO | 0o600, 0);
    let _socket = std::os::unix::net::UnixListener::bind(tree.join("socket")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", tree.join("outside")).unwrap();
    let a = bin()
        .args(["scan", "--format", "json"])
        .arg(&tree)
        .timeout(Duration::from_secs(30))
        .assert();
    let out = a.get_output();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{v}");
    assert_eq!(
        files[0]["path"],
        tree.join("CLANDATA").display().to_string()
    );
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    for name in ["tty", "zero", "fifo", "socket", "outside"] {
        let p = tree.join(name).display().to_string().to_lowercase();
        assert!(err.contains(&p), "{name} is not reported: {err}");
    }
    assert!(err.contains("skip"), "{err}");
}

#[test]
fn a_procfs_file_is_read_or_refused_never_reported_empty() {
    let a = bin()
        .args(["scan", "--format", "json", "/proc/version"])
        .timeout(Duration::from_secs(30))
        .assert();
    let out = a.get_output();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let read = v["files"][0]["size"].as_u64().is_some_and(|n| n > 0);
    let refused = out.status.code() == Some(2) && !v["errors"].as_array().unwrap().is_empty();
    assert!(read || refused, "{v}");
}

/// A pipe whose two ends are non-blocking (as a program may leave standard input or output).
fn nonblocking_pipe() -> (std::fs::File, std::fs::File) {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills the two descriptors, which we then own.
    assert_eq!(
        unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) },
        0
    );
    // SAFETY: fresh descriptors from pipe2, owned once each.
    let own = |fd| std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    (own(fds[0]), own(fds[1]))
}

/// Runs clanscope with `input` fed slowly into a non-blocking standard input, its standard
/// output a non-blocking pipe read slowly: exit code, standard output, standard error.
fn through_nonblocking_pipes(args: &[&str], input: Vec<u8>) -> (Option<i32>, Vec<u8>, String) {
    use std::io::{Read, Write};
    let (in_r, in_w) = nonblocking_pipe();
    let (out_r, out_w) = nonblocking_pipe();
    let mut child = Process::new(env!("CARGO_BIN_EXE_clanscope"))
        .args(args)
        .stdin(in_r)
        .stdout(out_w)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let feeder = std::thread::spawn(move || {
        let mut w = clanscope::source::patient::Patient(in_w);
        for piece in input.chunks(200_000) {
            // A program that stopped reading (a failure, said by the exit code) closes it.
            if w.write_all(piece).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let reader = std::thread::spawn(move || {
        let mut r = clanscope::source::patient::Patient(out_r);
        let mut out = Vec::new();
        let mut piece = vec![0u8; 100_000];
        loop {
            match r.read(&mut piece).unwrap() {
                0 => return out,
                n => out.extend_from_slice(&piece[..n]),
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let code = child.wait().unwrap().code();
    feeder.join().unwrap();
    (code, reader.join().unwrap(), err)
}

#[test]
fn standard_input_and_output_left_non_blocking_are_waited_for() {
    // Another program may leave standard input or output non-blocking: a read or write that
    // would wait then fails with EAGAIN ("Resource temporarily unavailable"). Every byte still
    // goes through, as through blocking pipes.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bytes");
    let input: Vec<u8> = (0..3u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(&file, &input).unwrap();
    let want = bin().arg("dump").arg(&file).output().unwrap().stdout;
    let (code, out, err) = through_nonblocking_pipes(&["dump", "-"], input.clone());
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out == want,
        "{} bytes of dump, {} wanted; {err}",
        out.len(),
        want.len()
    );
    // And back: the dump text through undump, from and to non-blocking pipes.
    let (code, back, err) = through_nonblocking_pipes(&["undump", "-"], want);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        back == input,
        "{} bytes back of {}",
        back.len(),
        input.len()
    );
}

/// Review 60 D3: standard error was not checked, so `2>> EV` appended the command's message to
/// the evidence. Now standard error on the evidence, or in a folder that holds it, is refused
/// as standard output is: exit 2, and nothing written there, not even why (said on the
/// command's terminal where it has one: tests/pty.rs; these run without one).
#[test]
fn standard_error_on_the_evidence_or_in_its_folder_gets_nothing() {
    let case = Case::new();
    let ev = case.ev();
    for args in [
        "dump --from 99999999 \"$1\"",
        "dump --length 64 \"$1\"",
        "scan \"$1\"",
        "export \"$1\" -o /dev/null",
        "compare \"$1\" \"$1\"",
        // Errors that came before standard error was checked: an input that does not open,
        // a signature file or an origin that is wrong.
        "export \"$1\" --compare /nonexistent -o /dev/null",
        "export \"$1\" --signatures /nonexistent -o /dev/null",
        "compare \"$1\" /dev/null --signatures /nonexistent",
        "dump --origin XYZ \"$1\"",
        "scan --origin XYZ \"$1\"",
        "view \"$1\" --compare /nonexistent",
        "\"$1\"",
        // Argument errors, said before any command runs (review 63 D1).
        "export \"$1\" --context 99999",
        "dump \"$1\" --lenght 5",
        "dump \"$1\" extra",
        "compare \"$1\"",
        "\"$1\" --bogus",
        "scna \"$1\"",
    ] {
        for redirect in ["2>>\"$1\" >/dev/null", "2<>\"$1\" >/dev/null"] {
            let (code, err) = shell_run(args, redirect, &[&ev]);
            assert_eq!(code, Some(2), "{args} {redirect}: {err}");
            assert!(
                std::fs::read(&ev).unwrap() == clanscope::demo::STORE,
                "{args} {redirect}: the evidence changed"
            );
        }
    }
    // The evidence as standard input, named `-` or not, with an argument error said before
    // any command runs, or a command that reads no file (hostile reviews 79 and 80: clap's
    // message, the help text or the inspector's was appended to the evidence).
    for (args, redirect) in [
        ("scan - --bogus", "<\"$1\" 2>>\"$1\""),
        ("scna -", "<\"$1\" 2>>\"$1\""),
        ("scan - --help", "<\"$1\" >>\"$1\""),
        ("scan --bogus", "<\"$1\" 2>>\"$1\""),
        ("scan", "<\"$1\" 2>>\"$1\""),
        ("dump", "<\"$1\" 2>>\"$1\""),
        ("--help", "<\"$1\" >>\"$1\""),
        ("", "<\"$1\" 2>>\"$1\""),
        ("view", "<\"$1\" 2>>\"$1\""),
    ] {
        let (code, err) = shell_run(args, redirect, &[&ev]);
        assert_eq!(code, Some(2), "{args} {redirect}: {err}");
        assert!(
            std::fs::read(&ev).unwrap() == clanscope::demo::STORE,
            "{args} {redirect}: the evidence changed"
        );
    }
    // Help and version on standard output (review 63 D2).
    for args in ["dump \"$1\" --help", "\"$1\" --help", "dump \"$1\" -V"] {
        let (code, err) = shell_run(args, ">>\"$1\"", &[&ev]);
        assert_eq!(code, Some(2), "{args}: {err}");
        assert!(
            std::fs::read(&ev).unwrap() == clanscope::demo::STORE,
            "{args}: the evidence changed"
        );
    }
    let beside = case.path("po/err.txt");
    let (code, _) = shell_run("scan \"$1\"", "2>\"$2\" >/dev/null", &[&ev, &beside]);
    assert_eq!(code, Some(2));
    assert_eq!(std::fs::metadata(&beside).unwrap().len(), 0);
    // Standard error anywhere else still gets the messages.
    let log = case.path("work/err.txt");
    let (code, _) = shell_run("dump --from 99999999 \"$1\"", "2>\"$2\"", &[&ev, &log]);
    assert_eq!(code, Some(2));
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("is outside the file"), "{said}");
}

/// Hostile review 81: a file on standard input that the command does not read (a list a
/// shell loop reads, a notes file) made its folder, and every folder below it, refuse all
/// output: `dump EV > out.txt < list.txt` in one folder failed. Only the file itself is
/// guarded now; its folder takes output as any other.
#[test]
fn an_unread_file_on_standard_input_leaves_its_folder_free() {
    let case = Case::new();
    let ev = case.ev();
    let list = case.path("work/list.txt");
    std::fs::write(&list, "po/ev\n").unwrap();
    let out = case.path("work/out.txt");
    let err = case.path("work/err.txt");
    let (code, said) = shell_run("dump \"$1\"", "<\"$2\" >\"$3\"", &[&ev, &list, &out]);
    assert_eq!(code, Some(0), "{said}");
    let dumped = std::fs::read_to_string(&out).unwrap();
    assert!(dumped.starts_with("0AFA:0100  AB 94 CB 58"), "{dumped:.80}");
    let (code, said) = shell_run(
        "scan \"$1\"",
        "<\"$2\" >\"$3\" 2>\"$4\"",
        &[&ev, &list, &out, &err],
    );
    assert_eq!(code, Some(1), "{said}");
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("console-write"));
    let (code, _) = shell_run("--version", "<\"$2\" >\"$3\"", &[&ev, &list, &out]);
    assert_eq!(code, Some(0));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("clanscope "));
    let (code, _) = shell_run("scan --bogus", "<\"$2\" 2>\"$3\"", &[&ev, &list, &err]);
    assert_eq!(code, Some(2));
    let said = std::fs::read_to_string(&err).unwrap();
    assert!(said.contains("--bogus"), "{said}");
    // A `-` counts as standard input wherever it stands on the argument-error path, `-o`'s
    // value too: before the arguments parse, a `-o` may be another option's value (review 85:
    // skipping a `-` after `-o` let `--from -o -` put the message beside the evidence).
    for args in [
        "export --from -o - --bogus",
        "scan --min-confidence -o -",
        "scan --bogus -- -o -",
    ] {
        let (code, _) = shell_run(args, "<\"$1\" 2>\"$2\"", &[&ev, &case.path("po/err.txt")]);
        assert_eq!(code, Some(2), "{args}");
        assert_eq!(
            std::fs::metadata(case.path("po/err.txt")).unwrap().len(),
            0,
            "{args}"
        );
    }
    // Named `-`, standard input is an input: its folder takes no output either.
    let (code, _) = shell_run(
        "scan - --bogus",
        "<\"$1\" 2>\"$2\"",
        &[&ev, &case.path("po/err.txt")],
    );
    assert_eq!(code, Some(2));
    assert_eq!(std::fs::metadata(case.path("po/err.txt")).unwrap().len(), 0);
    // The file itself is still no output.
    let (code, _) = shell_run("dump \"$1\"", "<\"$2\" >>\"$2\"", &[&ev, &list]);
    assert_eq!(code, Some(2));
    assert_eq!(std::fs::read_to_string(&list).unwrap(), "po/ev\n");
}

/// Review 60 D1: standard output in a folder whose path is longer than the kernel can name let
/// the write through beside the evidence (`/proc/self/fd/1` could not be read). A file whose
/// folder cannot be checked is refused now.
#[test]
fn standard_output_whose_folder_cannot_be_checked_is_refused() {
    let case = Case::new();
    let script = r#"cd "$1" || exit 9
for i in $(seq 25); do d=$(printf 'd%.0s' $(seq 200)); mkdir "$d" && cd "$d" || exit 9; done
printf 'Exporting messages in mailbox "A" to file EXPORT\\MSG0001.CCM\r\n' > e.ccm
"$0" dump e.ccm > out.txt; echo "dump $?"
"$0" scan . > scan.txt; echo "scan $?"
wc -c < out.txt; wc -c < scan.txt"#;
    let out = Process::new("bash")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_clanscope"))
        .arg(case.path(""))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        said.split_whitespace().collect::<Vec<_>>(),
        ["dump", "2", "scan", "2", "0", "0"],
        "{said} {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("standard output: is a file whose folder clanscope cannot check"),
        "{err}"
    );
}

/// Review 60 (first run): under a file-size limit (`ulimit -f`) SIGXFSZ ended export and
/// compare --repaired-copy (exit 153) and left the part written. The limit is now an error
/// (EFBIG) like a full disk: said, exit 2, and the unfinished file removed.
#[test]
fn an_output_past_the_file_size_limit_is_said_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (ev, out) = (dir.path().join("ev"), dir.path().join("out"));
    std::fs::create_dir_all(&ev).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let data: Vec<u8> = (0..2u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    let mut other = data.clone();
    other[1000] ^= 0xFF;
    let (a, b, text) = (ev.join("a.bin"), ev.join("b.bin"), ev.join("a.txt"));
    std::fs::write(&a, &data).unwrap();
    std::fs::write(&b, &other).unwrap();
    let printer = clanscope::dump::Printer::new(clanscope::address::Origin::default());
    std::fs::write(&text, printer.to_string(&data[..1 << 16], 0, 1 << 16)).unwrap();
    let cases: [(&str, &[&std::path::Path], &str); 3] = [
        (
            r#"ulimit -f 1 && "$0" export "$1" -o "$2""#,
            &[&a],
            "e.html",
        ),
        (
            r#"ulimit -f 100 && "$0" undump "$1" -o "$2""#,
            &[&text],
            "u.bin",
        ),
        (
            r#"ulimit -f 100 && "$0" compare "$1" "$3" --repaired-copy "$2""#,
            &[&a, &b],
            "r.bin",
        ),
    ];
    for (script, inputs, name) in cases {
        let o = out.join(name);
        let mut args = vec![inputs[0].as_os_str(), o.as_os_str()];
        args.extend(inputs[1..].iter().map(|p| p.as_os_str()));
        let (code, _, err) = piped(script, &args, Vec::new());
        assert_eq!(code, Some(2), "{script}: {err}");
        assert!(
            err.contains(&format!(
                "{}: file too large; the unfinished file was removed",
                o.display()
            )),
            "{script}: {err}"
        );
        assert!(!o.exists(), "{script}: {} left behind", o.display());
    }
    assert_eq!(std::fs::read(&a).unwrap(), data);
}

/// Review 60 (first run): a FIFO that no writer holds open, given as the dump text, the
/// signature file or the settings file, hung the command for ever in its open. It now reads
/// as empty at once, as `dump` and `scan` read one, and says so.
#[test]
fn a_fifo_without_a_writer_never_hangs_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let (ev, out) = (dir.path().join("ev"), dir.path().join("out"));
    std::fs::create_dir_all(&ev).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let fifo = ev.join("fifo");
    common::mkfifo(&fifo);
    let file = ev.join("a.bin");
    std::fs::write(&file, b"Exporting messages").unwrap();
    let o = out.join("u.bin");
    let a = bin()
        .arg("undump")
        .arg(&fifo)
        .arg("-o")
        .arg(&o)
        .timeout(Duration::from_secs(10))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert_eq!(err, format!("clanscope: {}: no dump lines found (a FIFO that no writer held open when clanscope opened it reads as nothing)\n", fifo.display()));
    assert!(!o.exists());
    let a = bin()
        .arg("scan")
        .arg("--signatures")
        .arg(&fifo)
        .arg(&file)
        .timeout(Duration::from_secs(10))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("no [[signature]] entries"), "{err}");
    let a = bin()
        .env("CLANSCOPE_SETTINGS", &fifo)
        .arg("dump")
        .arg(&file)
        .timeout(Duration::from_secs(10))
        .assert()
        .success();
    assert!(a.get_output().stdout.starts_with(b"0000:0000  45 78 70 6F"));
    // With a writer, the text comes through the FIFO whole.
    let text = clanscope::dump::Printer::new(clanscope::address::Origin::default()).to_string(
        b"Exporting messages",
        0,
        18,
    );
    let f2 = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(&f2, text).unwrap());
    std::thread::sleep(Duration::from_millis(300));
    bin()
        .arg("undump")
        .arg(&fifo)
        .arg("-o")
        .arg(&o)
        .timeout(Duration::from_secs(10))
        .assert()
        .success();
    writer.join().unwrap();
    assert_eq!(std::fs::read(&o).unwrap(), b"Exporting messages");
}

/// Review 62 (D4): an existing FIFO named as an output with no program reading it hung
/// `export -o`, `undump -o` and `compare --repaired-copy` in `open` for ever. The FIFO is waited
/// for five seconds, then refused; with a reader, what is written comes through it whole.
#[test]
fn an_output_fifo_without_a_reader_never_hangs_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let (ev, out, text) = (
        dir.path().join("ev"),
        dir.path().join("out"),
        dir.path().join("text"),
    );
    for d in [&ev, &out, &text] {
        std::fs::create_dir_all(d).unwrap();
    }
    let (file, backup) = (ev.join("a.bin"), ev.join("b.bin"));
    std::fs::write(&file, b"Exporting messages").unwrap();
    std::fs::write(&backup, b"Exporting messagez").unwrap();
    let dump = text.join("d.txt");
    std::fs::write(&dump, "0000:0000  41 42\n").unwrap();
    let fifo = out.join("fifo");
    common::mkfifo(&fifo);
    let runs: [Vec<&std::ffi::OsStr>; 3] = [
        vec![
            "export".as_ref(),
            file.as_ref(),
            "-o".as_ref(),
            fifo.as_ref(),
        ],
        vec![
            "undump".as_ref(),
            dump.as_ref(),
            "-o".as_ref(),
            fifo.as_ref(),
        ],
        vec![
            "compare".as_ref(),
            file.as_ref(),
            backup.as_ref(),
            "--repaired-copy".as_ref(),
            fifo.as_ref(),
        ],
    ];
    for args in &runs {
        let started = std::time::Instant::now();
        let a = bin()
            .args(args)
            .timeout(Duration::from_secs(30))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(
            err.contains(&format!(
                "clanscope: {}: is a FIFO that no program reads (waited 5 s): start its reader first\n",
                fifo.display()
            )),
            "{args:?}: {err}"
        );
        assert!(started.elapsed() < Duration::from_secs(20), "{args:?}");
    }
    // A reader that comes a second late is waited for, and gets the whole output.
    let f2 = fifo.clone();
    let reader = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1000));
        std::fs::read(&f2).unwrap()
    });
    bin()
        .args(&runs[1])
        .timeout(Duration::from_secs(30))
        .assert()
        .success();
    assert_eq!(reader.join().unwrap(), b"AB");
    assert_eq!(std::fs::read(&file).unwrap(), b"Exporting messages");
}

/// Review 60 (first run): a file that shrank while `dump` read it was said (exit 2), but the
/// dump went on to the old end with zeros and `*` lines standing for the lost bytes. It now
/// stops at the first read that found the pages gone: every line printed holds the file's
/// bytes as they were.
#[test]
fn a_dump_stops_where_the_file_shrank_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let (file, data) = changing_file(dir.path(), "shrinks.bin", 64);
    let text = dir.path().join("out/d.txt");
    std::fs::create_dir_all(text.parent().unwrap()).unwrap();
    let script = r#"set -o pipefail; "$0" dump "$1" | { head -c 65536 > "$2"; truncate -s 1M "$1"; cat >> "$2"; }"#;
    let o = bash_run(script, &[&file, &text]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("shrinks.bin: "), "{err}");
    let dump = std::fs::read_to_string(&text).unwrap();
    assert!(!dump.contains("\n*\n"), "a squeezed run of lost bytes");
    assert!(
        !dump.contains(" 00 00 00 00"),
        "zeros standing for lost bytes"
    );
    let u = clanscope::dump::parse::parse(&dump);
    assert!(u.warnings.is_empty(), "{:?}", u.warnings);
    let got = u.bytes();
    assert!(
        got.len() >= 65536 / 80 * 16 && got.len() < data.len(),
        "{}",
        got.len()
    );
    assert_eq!(got, &data[..got.len()]);
}

/// A file of `mib` MiB in `dir/ev` that changes under a command: bytes with no zero among
/// them (a zero byte in a dump can then only stand for a lost one).
fn changing_file(dir: &Path, name: &str, mib: u32) -> (PathBuf, Vec<u8>) {
    let ev = dir.join("ev");
    std::fs::create_dir_all(&ev).unwrap();
    let data: Vec<u8> = (0..mib << 20)
        .map(|i| ((i.wrapping_mul(2_654_435_761) >> 13) as u8) | 1)
        .collect();
    let file = ev.join(name);
    std::fs::write(&file, &data).unwrap();
    (file, data)
}

/// Review 63 (D3): a FIFO made in the evidence's folder passed as standard output or error
/// as any pipe does (`dump EV > ev/sub/p`). A named FIFO or socket there is refused as a file
/// there is; a pipe without a name and a FIFO elsewhere still pass.
#[test]
fn a_named_fifo_beside_the_evidence_is_no_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let po = dir.path().join("po");
    std::fs::create_dir_all(po.join("sub")).unwrap();
    let ev = po.join("CLANDATA");
    std::fs::write(&ev, b"Exporting messages").unwrap();
    let (inside, outside) = (po.join("sub").join("p"), dir.path().join("p"));
    common::mkfifo(&inside);
    common::mkfifo(&outside);
    let script = r#"
        cat "$2" > "$4.out" & "$0" dump "$1" > "$2"; echo "stdout $?"; wait
        cat "$2" > "$4.err" & "$0" dump "$1" 2> "$2" > /dev/null; echo "stderr $?"; wait
        cat "$3" > "$4.ok" & "$0" dump "$1" > "$3"; echo "elsewhere $?"; wait
        "$0" dump "$1" | wc -c
    "#;
    let seen = dir.path().join("seen");
    let o = bash_run(script, &[&ev, &inside, &outside, &seen]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "stdout 2\nstderr 2\nelsewhere 0\n142\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!("clanscope: standard output: lies inside the folder that holds the examined file {}; clanscope writes nothing there: choose another folder\n", ev.display())
    );
    let read = |x: &str| std::fs::read(dir.path().join(format!("seen.{x}"))).unwrap();
    assert!(read("out").is_empty());
    assert!(read("err").is_empty());
    assert!(read("ok").starts_with(b"0000:0000  45 78 70 6F"));
}

/// Review 62 (D7): Ctrl-C during `undump -o` left the part written as a file that looked like
/// a finished output. SIGINT, SIGTERM and SIGHUP now remove the files the command created and
/// had not finished, say so, and end it as the signal would (`compare --repaired-copy` too).
#[test]
fn a_signal_during_undump_removes_the_unfinished_output() {
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let (text, out) = (dir.path().join("text"), dir.path().join("out"));
    std::fs::create_dir_all(&text).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let data: Vec<u8> = (0..64u32 << 10).map(|i| (i * 7 % 251) as u8).collect();
    let dump = clanscope::dump::Printer::new(clanscope::address::Origin::default()).to_string(
        &data,
        0,
        data.len() as u64,
    );
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let fifo = text.join(format!("pipe{sig}"));
        common::mkfifo(&fifo);
        let o = out.join(format!("u{sig}.bin"));
        // The writer holds the FIFO open before the command opens it (read and write: an open
        // that does not wait for a reader), sends the dump and keeps it open: the command
        // waits for more.
        let w = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&fifo)
            .unwrap();
        let child = Process::new(env!("CARGO_BIN_EXE_clanscope"))
            .arg("undump")
            .arg(&fifo)
            .arg("-o")
            .arg(&o)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let text = dump.clone();
        let mut w2 = w.try_clone().unwrap();
        std::thread::spawn(move || w2.write_all(text.as_bytes()));
        let started = std::time::Instant::now();
        while !o.exists() && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(o.exists(), "the output was never started");
        std::thread::sleep(Duration::from_millis(200));
        // SAFETY: sending a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
        let done = child.wait_with_output().unwrap();
        drop(w);
        assert_eq!(done.status.signal(), Some(sig), "{:?}", done.status);
        let err = String::from_utf8_lossy(&done.stderr).into_owned();
        assert!(
            err.ends_with(&format!(
                "clanscope: {}: unfinished when a signal stopped the command; removed\n",
                o.display()
            )),
            "{err}"
        );
        assert!(!o.exists(), "the unfinished output was left");
    }
}

/// Review 63 (D5): another user's file is opened without `O_NOATIME` (the kernel refuses it to
/// all but the owner and CAP_FOWNER), so reading it may move its access time, and nothing said
/// so. Run as `nobody` on root's files, `dump` and a folder `scan` now say it once.
#[test]
fn another_users_file_read_without_o_noatime_is_said() {
    use std::os::unix::fs::PermissionsExt;
    let test = "another_users_file_read_without_o_noatime_is_said";
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return skip(
            test,
            "needs root, to run clanscope as another user (setpriv)",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let open = |p: &Path| std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
    open(dir.path()).unwrap();
    // The binary, copied where `nobody` may run it (the build folder may be closed to others).
    let exe = dir.path().join("clanscope");
    // Copied by another process: a copy written here could still be open for writing in a
    // child another test thread is forking, and exec would fail (ETXTBSY).
    let copied = Process::new("cp")
        .arg(env!("CARGO_BIN_EXE_clanscope"))
        .arg(&exe)
        .status()
        .unwrap();
    assert!(copied.success(), "cannot copy the binary");
    let ev = dir.path().join("ev");
    std::fs::create_dir(&ev).unwrap();
    open(&ev).unwrap();
    for name in ["a.bin", "b.bin"] {
        std::fs::write(ev.join(name), b"Exporting messages").unwrap();
    }
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o777)).unwrap();
    let run = |args: &[&std::ffi::OsStr]| {
        Process::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&exe)
            .args(args)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", &home)
            .env("XDG_DATA_HOME", &home)
            .stdout(std::process::Stdio::null())
            .output()
    };
    let Ok(o) = run(&["--version".as_ref()]) else {
        return skip(test, "setpriv is not installed");
    };
    if !o.status.success() {
        return skip(test, "setpriv could not run clanscope as nobody");
    }
    let o = run(&["dump".as_ref(), ev.join("a.bin").as_os_str()]).unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!("clanscope: {}: opened without O_NOATIME (the kernel allows O_NOATIME only to a file's owner or CAP_FOWNER): reading it may have moved its access time\n", ev.join("a.bin").display())
    );
    let o = run(&["scan".as_ref(), ev.as_os_str()]).unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.starts_with("clanscope: 2 examined files were opened without O_NOATIME (the kernel allows O_NOATIME only to a file's owner or CAP_FOWNER): reading them may have moved their access times: "),
        "{err}"
    );
    // As the owner, nothing is said.
    let o = Process::new(&exe)
        .args(["dump".as_ref(), ev.join("a.bin").as_os_str()])
        .env("CLANSCOPE_SETTINGS", "/dev/null")
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
}

/// Runs `script` under bash with clanscope as `$0` and `args` as `$1`...
fn bash_run(script: &str, args: &[&Path]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = Process::new("bash");
    cmd.arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_clanscope"))
        .args(args)
        .env(
            "XDG_DATA_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("xdg-data"),
        );
    // No terminal, as in shell_run.
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        })
    };
    cmd.output().unwrap()
}

/// Review 60 (D2, first run): `dump EV > ev/sub/d.txt` and `compare --repaired-copy
/// ev/Ccmcdata/r.bin` were accepted, while `export -o` into the same subfolder was refused.
/// Every command now refuses the whole tree of the folder holding an examined file.
#[test]
fn no_command_writes_into_a_subfolder_of_the_evidence_folder() {
    let dir = tempfile::tempdir().unwrap();
    let po = dir.path().join("po");
    std::fs::create_dir_all(po.join("Ccmcdata")).unwrap();
    let ev = po.join("CLANDATA");
    let data = b"\r\n\r\nExporting messages in mailbox \"a\" to file EXPORT\\MSG0001.CCM\r\n";
    std::fs::write(&ev, data).unwrap();
    let bak = dir.path().join("backup");
    std::fs::write(&bak, vec![b'x'; 70]).unwrap();
    let inside = |p: &Path| {
        format!(
            "clanscope: {}: lies inside the folder that holds the examined file {}; clanscope writes nothing there: choose another folder\n",
            p.display(),
            ev.display()
        )
    };
    let d = po.join("Ccmcdata/d.txt");
    let (code, out, err) = piped(
        r#""$0" dump "$1" > "$2""#,
        &[ev.as_os_str(), d.as_os_str()],
        Vec::new(),
    );
    assert_eq!((code, out.len()), (Some(2), 0));
    assert_eq!(err, inside(Path::new("standard output")));
    assert_eq!(std::fs::read(&d).unwrap(), b"");
    let r = po.join("Ccmcdata/r.bin");
    let a = bin()
        .arg("compare")
        .arg(&ev)
        .arg(&bak)
        .arg("--repaired-copy")
        .arg(&r)
        .assert()
        .code(2);
    assert_eq!(String::from_utf8_lossy(&a.get_output().stderr), inside(&r));
    assert!(!r.exists());
    assert_eq!(std::fs::read(&ev).unwrap(), data);
}

/// Review 60 (first run): a file that grew while a command read it was not said; what the
/// command read (and an export hashed) is only what it had when opened.
#[test]
fn a_file_that_grew_while_read_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = changing_file(dir.path(), "grows.bin", 16);
    let script = r#"set -o pipefail; "$0" dump "$1" | { head -c 65536 > /dev/null; head -c 4096 /dev/zero >> "$1"; cat > /dev/null; }"#;
    let o = bash_run(script, &[&file]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(
        err,
        format!(
            "clanscope: {}: the file grew from 16777216 to 16781312 bytes while open; what was read is the 16777216 bytes it had when opened\n",
            file.display()
        )
    );
}

/// Review 60 (first run): a relative -o with --out went out of the case folder through a
/// symbolic link inside it (`-o link/x.txt`, `link` pointing elsewhere).
#[test]
fn a_relative_export_name_does_not_leave_the_case_folder_through_a_link() {
    let case = Case::new();
    let dir = case.path("data/c2");
    let elsewhere = case.path("data/elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("link")).unwrap();
    let a = bin()
        .arg("export")
        .arg(case.ev())
        .arg("--out")
        .arg(&dir)
        .args(["-o", "link/x.txt"])
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!(
            "clanscope: {}: -o link/x.txt leads out of the case folder through a symbolic link (to {}); a relative -o names a file inside it\n",
            dir.join("link/x.txt").display(),
            std::fs::canonicalize(&elsewhere).unwrap().display()
        )
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // A real folder inside the case folder is fine.
    std::fs::create_dir(dir.join("sub")).unwrap();
    bin()
        .arg("export")
        .arg(case.ev())
        .arg("--out")
        .arg(&dir)
        .args(["-o", "sub/x.txt"])
        .assert()
        .code(0);
    assert!(dir.join("sub/x.txt").is_file());
}

/// Review 60 D6: with standard output closed (`>&-`), dump, scan and compare wrote into
/// nothing (Rust's start-up opens /dev/null there) and ended in success. They refuse now; a
/// command that does not write there runs as ever.
#[test]
fn a_closed_standard_output_is_refused_not_written_into_nothing() {
    let case = Case::new();
    let ev = case.ev();
    let want = "clanscope: standard output: is closed (>&-), so nothing written there would arrive: redirect it to a file, or to /dev/null to discard it\n";
    for args in [
        "dump \"$1\"",
        "scan \"$1\"",
        "compare \"$1\" \"$1\"",
        "export \"$1\"",
    ] {
        let (code, err) = shell_run(args, ">&-", &[&ev]);
        assert_eq!((code, err.as_str()), (Some(2), want), "{args}");
    }
    let out = case.path("work/x.txt");
    let (code, err) = shell_run("export \"$1\" -o \"$2\"", ">&-", &[&ev, &out]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.is_file());
    let (code, err) = shell_run("dump \"$1\"", ">/dev/null", &[&ev]);
    assert_eq!((code, err.as_str()), (Some(0), ""));
}

/// Review 60: `undump -o /dev/full` listed the block as written, then said the disk was full.
/// A block is listed once its bytes are written.
#[test]
fn undump_lists_a_block_only_once_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("d.txt");
    let printer = clanscope::dump::Printer::new(clanscope::address::Origin::default());
    std::fs::write(&text, printer.to_string(b"Exporting messages", 0, 18)).unwrap();
    let a = bin()
        .arg("undump")
        .arg(&text)
        .args(["-o", "/dev/full"])
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        "clanscope: /dev/full: no space left on device\n"
    );
}

/// Review 62 (D7): `undump --split DIR` made DIR and left it, empty, when the command failed
/// (no dump lines); it looked like an output. A folder the command made is removed again when
/// it stays empty; a folder that was there is left.
#[test]
fn an_empty_split_folder_the_command_made_is_not_left() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("text");
    std::fs::create_dir(&text).unwrap();
    let prose = text.join("p.txt");
    std::fs::write(&prose, "no dump here\n").unwrap();
    let (made, there) = (dir.path().join("made"), dir.path().join("there"));
    std::fs::create_dir(&there).unwrap();
    let a = bin()
        .arg("undump")
        .arg(&prose)
        .arg("--split")
        .arg(&made)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains(&format!(
            "clanscope: {}: made for --split and left empty; removed\n",
            made.display()
        )),
        "{err}"
    );
    assert!(!made.exists());
    bin()
        .arg("undump")
        .arg(&prose)
        .arg("--split")
        .arg(&there)
        .assert()
        .code(2);
    assert!(there.is_dir());
}

/// Review 65 (D1): a signal while undump was blocked on a standard error nobody read removed
/// the output, then hung: the signal's thread waited for the lock of standard error that the
/// blocked thread held. The signal now ends the command whatever standard error does.
#[test]
fn a_signal_ends_undump_even_when_its_standard_error_is_stalled() {
    use std::os::fd::FromRawFd;
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let (text, out) = (dir.path().join("text"), dir.path().join("out"));
    std::fs::create_dir_all(&text).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    // 100 blocks of 32 bytes, each listed on standard error: more than its pipe holds.
    let printer = clanscope::dump::Printer::new(clanscope::address::Origin::default());
    let data: Vec<u8> = (0..6400u32).map(|i| (i * 13 % 251) as u8).collect();
    let dump: String = (0..100u64)
        .map(|k| printer.to_string(&data, k * 64, k * 64 + 32))
        .collect();
    let d = text.join("d.txt");
    std::fs::write(&d, dump).unwrap();
    let mut fds = [0; 2];
    // SAFETY: pipe2 into an array of two descriptors, then F_SETPIPE_SZ on the write end.
    unsafe {
        assert_eq!(libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC), 0);
        libc::fcntl(fds[1], libc::F_SETPIPE_SZ, 4096);
    }
    // SAFETY: the two descriptors pipe2 just made, each owned once.
    let (r, w) = unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    };
    let o = out.join("u.bin");
    let mut child = Process::new(env!("CARGO_BIN_EXE_clanscope"))
        .arg("undump")
        .arg(&d)
        .arg("-o")
        .arg(&o)
        .stderr(w)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    // SAFETY: sending a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(r);
    let status = status.expect("the command hung after the signal");
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert!(!o.exists(), "the unfinished output was left");
}

/// Review 65 (D2): standard output opened on a hard link, outside the evidence's folder, to
/// another file in it (`ln po/Export/MSG4A26.CCM case/l; dump po/CLANDATA >> case/l`) was
/// accepted, and appended to that file of the post office: only the name the shell opened
/// can be checked. A file or FIFO with more than one name is refused as standard output.
#[test]
fn standard_output_on_a_hard_link_into_the_evidence_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let po = dir.path().join("po");
    std::fs::create_dir_all(po.join("Export")).unwrap();
    let ev = po.join("CLANDATA");
    std::fs::write(&ev, b"Exporting messages").unwrap();
    let msg = po.join("Export/MSG4A26.CCM");
    std::fs::write(&msg, b"Message:\r\n").unwrap();
    let case = dir.path().join("case");
    std::fs::create_dir(&case).unwrap();
    let link = case.join("l");
    std::fs::hard_link(&msg, &link).unwrap();
    let o = bash_run(r#""$0" dump "$1" >> "$2"; echo "$?""#, &[&ev, &link]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "2\n");
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "clanscope: standard output: has 2 names (hard links), and clanscope cannot check where the others lie (beside the evidence?): write to a new file or a pipe\n"
    );
    assert_eq!(std::fs::read(&msg).unwrap(), b"Message:\r\n");
    // A file of one name there is written as before.
    let o = bash_run(
        r#""$0" dump "$1" > "$2"; echo "$?""#,
        &[&ev, &case.join("d.txt")],
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), "0\n");
}

//! Folder scans: what a walk reads and what it only lists (special files, links leaving the
//! folder, zero-size files with content), and the order of the results whatever the sizes.

mod common;

use common::{bin, mkfifo, noise, skip};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

const WRITE: &[u8] = b"\r\n\r\nExporting messages in mailbox \"a\" to file EXPORT\\MSG0001.CCM\r\n";

/// Random bytes with the console write planted at `at`.
fn store(len: usize, at: usize, seed: u64) -> Vec<u8> {
    let mut d = noise(len, seed);
    d[at..at + WRITE.len()].copy_from_slice(WRITE);
    d
}

/// `scan --format json` of `paths`: the exit code, the document and standard error.
fn scan_json(paths: &[&Path]) -> (i32, Value, String) {
    let out = bin()
        .args(["scan", "--format", "json"])
        .args(paths)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).expect("a JSON document");
    (
        out.status.code().expect("exited"),
        doc,
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn paths_of(doc: &Value) -> Vec<String> {
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

fn errors_of(doc: &Value) -> Vec<(String, String)> {
    doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["error"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn skipped_special(path: &Path, what: &str) -> (String, String) {
    let p = path.display().to_string();
    let e = format!(
        "{p}: skipped: a {what} (a folder walk reads only regular files; name it on the command line to read it)"
    );
    (p, e)
}

/// Makes a device node; false (and a logged skip) where that is not permitted.
fn mknod(test: &str, path: &Path, major: u32, minor: u32) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: mknod with a valid NUL-terminated path; the result is checked.
    let r = unsafe {
        libc::mknod(
            c.as_ptr(),
            libc::S_IFCHR | 0o644,
            libc::makedev(major, minor),
        )
    };
    if r != 0 {
        skip(
            test,
            &format!(
                "cannot make a character device here (mknod: {})",
                std::io::Error::last_os_error()
            ),
        );
    }
    r == 0
}

#[test]
fn a_folder_walk_reads_regular_files_and_lists_special_files() {
    let test = "a_folder_walk_reads_regular_files_and_lists_special_files";
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.bin"), store(5000, 1234, 1)).unwrap();
    mkfifo(&d.join("fifo"));
    let _socket = std::os::unix::net::UnixListener::bind(d.join("socket")).unwrap();
    // A terminal (reading it would wait for the keyboard) and an endless device.
    let devices = mknod(test, &d.join("tty"), 5, 0) && mknod(test, &d.join("zero"), 1, 5);
    let (code, doc, stderr) = scan_json(&[d]);
    assert_eq!(code, 1, "a finding, and skipped files are not errors");
    assert_eq!(paths_of(&doc), [d.join("a.bin").display().to_string()]);
    assert_eq!(doc["files"][0]["findings"][0]["start"], 1234);
    let mut want = vec![
        skipped_special(&d.join("fifo"), "FIFO"),
        skipped_special(&d.join("socket"), "socket"),
    ];
    if devices {
        want.push(skipped_special(&d.join("tty"), "character device"));
        want.push(skipped_special(&d.join("zero"), "character device"));
    }
    assert_eq!(errors_of(&doc), want);
    for e in doc["errors"].as_array().unwrap() {
        assert_eq!(e["kind"], "file");
    }
    let lines: Vec<String> = want
        .iter()
        .map(|(_, e)| format!("clanscope: {e}"))
        .collect();
    assert_eq!(stderr.lines().collect::<Vec<_>>(), lines);
}

#[test]
fn special_files_named_on_the_command_line_are_read() {
    let test = "special_files_named_on_the_command_line_are_read";
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    // Hold the FIFO open read-write with the bytes in it, so that clanscope finds a writer
    // whenever it opens it; end of file comes when this end closes, once clanscope has it open.
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    std::io::Write::write_all(&mut &held, &store(3000, 100, 2)).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_clanscope"))
        .args(["scan", "--format", "json"])
        .arg(&fifo)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let fds = format!("/proc/{}/fd", child.id());
    let opened = || {
        std::fs::read_dir(&fds)
            .map(|d| {
                d.flatten()
                    .any(|e| std::fs::read_link(e.path()).is_ok_and(|t| t == fifo))
            })
            .unwrap_or(false)
    };
    let start = std::time::Instant::now();
    while !opened() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "clanscope never opened the FIFO"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(held);
    let out = child.wait_with_output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(doc["files"][0]["size"], 3000);
    assert_eq!(doc["files"][0]["findings"][0]["start"], 100);
    assert_eq!(doc["files"][0]["findings"][0]["end"], 100 + WRITE.len());
    let null = dir.path().join("null");
    if mknod(test, &null, 1, 3) {
        let (code, doc, _) = scan_json(&[&null]);
        assert_eq!(code, 0);
        assert_eq!(paths_of(&doc), [null.display().to_string()]);
        assert_eq!(doc["files"][0]["size"], 0);
        assert_eq!(doc["errors"], serde_json::json!([]));
    }
}

#[test]
fn files_reporting_size_zero_are_read_to_their_end() {
    let test = "files_reporting_size_zero_are_read_to_their_end";
    let folder = Path::new("/proc/sys/kernel/random");
    let Ok(uuid) = std::fs::read(folder.join("uuid")) else {
        return skip(test, "no /proc/sys/kernel/random here");
    };
    assert_eq!(std::fs::metadata(folder.join("uuid")).unwrap().len(), 0);
    // Named explicitly and met in a walk.
    for path in [folder.join("boot_id"), folder.to_path_buf()] {
        let (code, doc, stderr) = scan_json(&[&path]);
        assert_eq!(code, 0, "{stderr}");
        let files = doc["files"].as_array().unwrap();
        assert!(!files.is_empty());
        for f in files {
            let p = Path::new(f["path"].as_str().unwrap());
            let len = std::fs::read(p).unwrap().len();
            assert!(len > 0);
            if p.ends_with("uuid") || p.ends_with("boot_id") {
                assert_eq!(f["size"], uuid.len(), "{}", p.display());
            }
        }
    }
}

#[test]
fn links_leaving_the_folder_are_listed_and_links_inside_are_read() {
    let top = tempfile::tempdir().unwrap();
    let tree = top.path().join("tree");
    let elsewhere = top.path().join("elsewhere");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(tree.join("a.bin"), store(4000, 10, 3)).unwrap();
    std::fs::write(tree.join("sub/b.bin"), store(4000, 20, 4)).unwrap();
    std::fs::write(elsewhere.join("secret.bin"), store(4000, 30, 5)).unwrap();
    let link = |target: &str, name: &str| std::os::unix::fs::symlink(target, tree.join(name));
    link("a.bin", "in").unwrap();
    link("sub", "indir").unwrap();
    link("../elsewhere/secret.bin", "out").unwrap();
    link("../elsewhere", "outdir").unwrap();
    link("nowhere", "dangling").unwrap();
    let (code, doc, _) = scan_json(&[&tree]);
    assert_eq!(code, 2, "the dangling link is an error");
    let t = |p: &str| tree.join(p).display().to_string();
    assert_eq!(paths_of(&doc), [t("a.bin"), t("in"), t("sub/b.bin")]);
    let starts: Vec<&Value> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["findings"][0]["start"])
        .collect();
    assert_eq!(starts, [10, 10, 20]);
    let real = std::fs::canonicalize(&elsewhere).unwrap();
    let leaving = |name: &str, target: &Path| {
        (
            t(name),
            format!(
                "{}: skipped: a symbolic link leaving the scanned folder (to {}); name it on the command line to read it",
                t(name),
                target.display()
            ),
        )
    };
    assert_eq!(
        errors_of(&doc),
        [
            (
                t("dangling"),
                format!(
                    "{}: is a symbolic link whose target is missing: nowhere",
                    t("dangling")
                )
            ),
            leaving("out", &real.join("secret.bin")),
            leaving("outdir", &real),
        ]
    );
    // Named explicitly, a link is followed wherever it leads.
    let (code, doc, _) = scan_json(&[&tree.join("out")]);
    assert_eq!(code, 1);
    assert_eq!(doc["files"][0]["findings"][0]["start"], 30);
}

#[test]
fn results_come_in_name_order_whatever_the_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let mut want = Vec::new();
    // Small files (read), files over the read limit (mapped) and one large enough to be split
    // over all cores, in nested folders, named so that name order differs from size order.
    for i in 0..60usize {
        let sub = dir.path().join(format!("d{}", i % 3));
        std::fs::create_dir_all(&sub).unwrap();
        let len = match i {
            7 => 9 << 20,
            _ if i % 10 == 3 => 300 << 10,
            _ => 1000 + 997 * (59 - i),
        };
        let at = (i * 37) % (len - WRITE.len());
        let p = sub.join(format!("f{:02}", 59 - i));
        std::fs::write(&p, store(len, at, i as u64 + 10)).unwrap();
        want.push((p.display().to_string(), at));
    }
    want.sort();
    let (code, doc, _) = scan_json(&[dir.path()]);
    assert_eq!(code, 1);
    let got: Vec<(String, usize)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let w = f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["kind"] == "console-write")
                .expect("the planted write");
            (
                f["path"].as_str().unwrap().to_string(),
                w["start"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert_eq!(got, want);
    let again = scan_json(&[dir.path()]).1;
    assert_eq!(again, doc);
}

/// `clanscope ARGS`: the exit code and standard error.
fn run_stderr(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = bin()
        .args(args)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    (
        out.status.code().expect("exited"),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn review_36_a_fifo_a_socket_and_a_dangling_link_named_are_said_as_dump_says_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A FIFO no writer holds open: nothing read, and scan says why, in dump's words.
    let fifo = d.join("FIFO");
    mkfifo(&fifo);
    let said = format!(
        "clanscope: {}: nothing read (0 bytes): a FIFO that no writer held open when clanscope opened it, or whose writer sent nothing\n",
        fifo.display()
    );
    for cmd in ["scan", "dump"] {
        let (code, err) = run_stderr(&[cmd.as_ref(), fifo.as_os_str()]);
        assert_eq!((code, err.as_str()), (0, said.as_str()), "{cmd}");
    }
    // A socket: what it is, not "no such device or address".
    let socket = d.join("SOCK");
    let _socket = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let said = format!(
        "{}: is a socket, which cannot be read as a file",
        socket.display()
    );
    let (code, doc, err) = scan_json(&[&socket]);
    assert_eq!((code, err), (2, format!("clanscope: {said}\n")));
    assert_eq!(
        errors_of(&doc),
        [(socket.display().to_string(), said.clone())]
    );
    assert_eq!(doc["errors"][0]["kind"], "file");
    let (code, err) = run_stderr(&["dump".as_ref(), socket.as_os_str()]);
    assert_eq!((code, err), (2, format!("clanscope: {said}\n")));
    // A link whose target is missing: the link and its target (sanitized), not "no such file".
    let link = d.join("link");
    std::os::unix::fs::symlink("gone\u{1b}[31m", &link).unwrap();
    let said = format!(
        "{}: is a symbolic link whose target is missing: gone\\x1B[31m",
        link.display()
    );
    let (code, doc, err) = scan_json(&[&link]);
    assert_eq!((code, err), (2, format!("clanscope: {said}\n")));
    assert_eq!(
        errors_of(&doc),
        [(link.display().to_string(), said.clone())]
    );
    let (code, err) = run_stderr(&["dump".as_ref(), link.as_os_str()]);
    assert_eq!((code, err), (2, format!("clanscope: {said}\n")));
}

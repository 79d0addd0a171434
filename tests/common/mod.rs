//! Helpers shared by the integration tests: the binary, the demo on disk, noise, fixture paths,
//! a tmux session for real-terminal tests, and how a test that cannot run says so.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::{Duration, Instant};

/// The clanscope binary, ready for arguments. It sees no settings file and an empty per-user
/// case folder (under the build's temporary folder), so sidecars and settings in the real home
/// (an origin remembered there, say) never change what a test gets; a test may set its own.
pub fn bin() -> assert_cmd::Command {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let mut c = assert_cmd::Command::cargo_bin("clanscope").unwrap();
    c.env("XDG_DATA_HOME", tmp.join("empty-xdg-data"))
        .env("CLANSCOPE_SETTINGS", tmp.join("no-settings.toml"));
    c
}

/// A file of `tests/data`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The article's dump as the archived web page lays it out (tests/data/article-web.txt).
pub fn article_web() -> PathBuf {
    data("article-web.txt")
}

/// The demo store written as `dir/CLANDATA`.
pub fn demo_copy(dir: &Path) -> PathBuf {
    let p = dir.join("CLANDATA");
    std::fs::write(&p, clanscope::demo::STORE).unwrap();
    p
}

/// The demo store and its Ccmcdata folder under `dir`.
pub fn demo_tree(dir: &Path) {
    demo_copy(dir);
    for (rel, b) in clanscope::demo::make_ccmcdata() {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b).unwrap();
    }
}

/// Deterministic pseudo-random bytes.
pub fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Makes a FIFO at `path` (mode 600); the call is checked.
pub fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path; the result is checked.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Says that a test could not run here, and why: on stderr, and in a log that CI counts
/// (`target/tmp/skipped.log`).
pub fn skip(test: &str, why: &str) {
    eprintln!("skipped: {test}: {why}");
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join("skipped.log");
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
    {
        use std::io::Write;
        let _ = writeln!(f, "skipped: {test}: {why}");
    }
}

/// True when a command can be run (it exists on this machine).
pub fn have(cmd: &str) -> bool {
    Process::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `program` with `args` (standard output discarded) under GNU time and returns its exit
/// code, its standard error and its peak memory (maximum resident set size, KiB). GNU time
/// forks from a small process, so the figure is the program's own (a child spawned straight
/// from the test process would count the test's memory too). None where /usr/bin/time is
/// missing.
pub fn peak_memory(
    program: &Path,
    args: &[&std::ffi::OsStr],
) -> Option<(Option<i32>, String, u64)> {
    if !Path::new("/usr/bin/time").exists() {
        return None;
    }
    let report = tempfile::NamedTempFile::new().unwrap();
    let out = Process::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(report.path())
        .arg(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    let peak = std::fs::read_to_string(report.path()).unwrap();
    let peak = peak.lines().last().unwrap().trim().parse().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    Some((out.status.code(), err, peak))
}

/// A tmux server of its own, with one window running a shell command; killed when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs `script` (a shell command line) in a `w`×`h` window.
    pub fn start(name: &str, script: &str, w: u16, h: u16) -> Tmux {
        let t = Tmux {
            socket: format!("clanscope-{name}-{}", std::process::id()),
        };
        t.run(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            script,
        ]);
        t
    }

    /// Runs clanscope with `args` from `dir`; the window shows `EXIT=code` when it ends. Its
    /// case folder (where notes and exports go) is under the build's temporary folder, never
    /// the real home.
    pub fn clanscope(name: &str, dir: &Path, args: &str, w: u16, h: u16) -> Tmux {
        let script = format!(
            "cd '{}' && XDG_DATA_HOME='{}/xdg-data' '{}' {args}; echo EXIT=$?; sleep 60",
            dir.display(),
            env!("CARGO_TARGET_TMPDIR"),
            env!("CARGO_BIN_EXE_clanscope")
        );
        Tmux::start(name, &script, w, h)
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Process::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed (.ci/run installs it)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    /// Sends tmux key names, one at a time, with a pause after each.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "t", k]);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Waits (up to 20 s) until the screen satisfies `pred`; returns that screen.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Process::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// A text with every run of blanks in its lines collapsed to one (as mail and web pages do).
pub fn collapse_blanks(text: &str) -> String {
    text.lines()
        .map(|l| {
            l.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
                + "\n"
        })
        .collect()
}

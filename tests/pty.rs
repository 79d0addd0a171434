//! The inspector in a real pseudo-terminal (tmux): start on the demo, press `n`, read the
//! screen, quit, and check the exit code and that the terminal was given back.

mod common;

use common::Tmux;
use std::path::Path;

fn start(dir: &Path, args: &str, w: u16, h: u16) -> Tmux {
    Tmux::clanscope(&format!("pty-{w}"), dir, args, w, h)
}

#[test]
fn demo_in_a_real_terminal_walks_to_the_first_damaged_header_and_quits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let t = start(dir.path(), "", 80, 24);
    let s = t.wait_for("the scan to finish", |s| {
        s.contains(" hdr, ") && s.contains("scan done")
    });
    assert!(
        s.lines()
            .nth(1)
            .unwrap()
            .starts_with(" 0AFA:0100  AB 94 CB 58"),
        "{s}"
    );
    t.keys(&["n"]);
    let s = t.wait_for("the jump", |s| s.contains("damaged header 1/"));
    let status: Vec<&str> = s
        .lines()
        .filter(|l| l.starts_with("0AFA:") && l.contains(" byte "))
        .collect();
    assert_eq!(status.len(), 1, "{s}");
    assert!(
        status[0].starts_with("0AFA:3F00  3E00h (15872)  byte 0Dh 13 '.'"),
        "{s}"
    );
    assert!(
        s.contains(
            "▶0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65   ____Exporting me"
        ),
        "{s}"
    );
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
    // Back on the normal screen: the inspector's lines are gone.
    assert!(
        !s.contains("0AFA:3F00"),
        "alternate screen left behind:\n{s}"
    );
}

#[test]
fn hostile_file_name_and_bytes_do_not_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\x1b]0;pwned\x07\x1b[2J.bin";
    let mut bytes = b"\x1b[2J\x1b]52;c;aGFjaw==\x07\x08\r\x9b31m plain ".to_vec();
    bytes.extend_from_slice(&clanscope::demo::ARTICLE);
    std::fs::write(dir.path().join(name), &bytes).unwrap();
    let t = start(dir.path(), "evil*", 100, 30);
    let s = t.wait_for("the screen", |s| {
        s.contains("finding") && s.contains("evil")
    });
    assert!(s.contains("evil\\x1B]0;pwned\\x07\\x1B[2J.bin"), "{s}");
    let title = t.run(&["display-message", "-p", "-t", "t", "#{pane_title}"]);
    assert!(
        !title.contains("pwned"),
        "the file name set the window title: {title}"
    );
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
}

#[test]
fn esc_closes_the_prompt_and_never_quits() {
    if !common::have("tmux") {
        return common::skip(
            "esc_closes_the_prompt_and_never_quits",
            "tmux is not installed",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::clanscope("pty-esc", dir.path(), "", 80, 24);
    t.wait_for("the first screen", |s| s.contains("0AFA:0100"));
    t.keys(&[":", "0", "x", "3", "E", "0", "0", "Enter"]);
    t.wait_for("the jump", |s| s.contains("at 0AFA:3F00"));
    t.keys(&["Escape", "Escape", ":", "Escape", "Escape"]);
    std::thread::sleep(std::time::Duration::from_millis(400));
    let s = t.screen();
    assert!(!s.contains("EXIT="), "Esc quit the inspector:\n{s}");
    assert!(s.contains("0AFA:3F00  3E00h"), "{s}");
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
}

#[test]
fn resizing_the_terminal_moves_the_details_beside_the_dump() {
    if !common::have("tmux") {
        return common::skip(
            "resizing_the_terminal_moves_the_details_beside_the_dump",
            "tmux is not installed",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::clanscope("pty-resize", dir.path(), "", 80, 24);
    t.wait_for("the scan", |s| s.contains("scan done"));
    t.keys(&["n"]);
    t.wait_for("the jump", |s| s.contains("damaged header 1/"));
    t.run(&["resize-window", "-t", "t", "-x", "130", "-y", "40"]);
    // The whole wide frame (tmux may show a frame half drawn on a busy machine): the details
    // beside the dump, finding 1 in them, the cursor row kept.
    let s = t.wait_for("the wide layout", |s| {
        s.lines().nth(1).is_some_and(|l| l.contains("details"))
            && s.lines()
                .nth(2)
                .is_some_and(|l| l.contains("#1 console-write"))
            && s.lines().any(|l| l.starts_with("▶0AFA:3F00"))
    });
    assert!(
        s.lines().nth(2).unwrap().contains("#1 console-write"),
        "{s}"
    );
    t.run(&["resize-window", "-t", "t", "-x", "60", "-y", "15"]);
    t.wait_for("the too-small notice", |s| s.contains("terminal too small"));
    t.run(&["resize-window", "-t", "t", "-x", "80", "-y", "24"]);
    t.wait_for("the dump again", |s| s.contains("0AFA:3F00"));
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
}

#[test]
fn a_mouse_click_places_the_cursor() {
    if !common::have("tmux") {
        return common::skip("a_mouse_click_places_the_cursor", "tmux is not installed");
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::clanscope("pty-mouse", dir.path(), "", 80, 24);
    t.wait_for("the scan", |s| s.contains("scan done"));
    t.keys(&["n"]);
    t.wait_for("the jump", |s| s.contains("damaged header 1/"));
    // An SGR mouse press and release on byte 5 of the row of 0AFA:3F00 (row 4, column 27;
    // the sequence counts from 1).
    t.run(&["send-keys", "-t", "t", "-l", "\x1b[<0;28;5M\x1b[<0;28;5m"]);
    // Both panes of the new frame (a frame may be seen half drawn on a busy machine).
    let s = t.wait_for("the cursor", |s| {
        s.contains("0AFA:3F05  3E05h") && s.contains("byte 78h")
    });
    assert!(s.contains("byte 78h 120 'x'"), "{s}");
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("EXIT=0"));
}

#[test]
fn the_wheel_and_j_k_stop_at_the_end_of_the_details_in_a_real_terminal() {
    if !common::have("tmux") {
        return common::skip(
            "the_wheel_and_j_k_stop_at_the_end_of_the_details_in_a_real_terminal",
            "tmux is not installed",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::clanscope("pty-scroll", dir.path(), "", 80, 24);
    t.wait_for("the scan", |s| s.contains("scan done"));
    t.keys(&["n"]);
    let s = t.wait_for("the hint", |s| s.contains("more line(s): J/K or wheel"));
    let details = s.lines().position(|l| l.starts_with(" details ")).unwrap();
    // Ten wheel turns down over the details pane (SGR: button 65, 1-based cell), far past
    // its end; then one turn up shows the last three lines below again.
    let down = format!("\x1b[<65;10;{}M", details + 3);
    for _ in 0..10 {
        t.run(&["send-keys", "-t", "t", "-l", &down]);
    }
    t.wait_for("the end of the details", |s| s.contains("↑ more above: K"));
    t.run(&[
        "send-keys",
        "-t",
        "t",
        "-l",
        &format!("\x1b[<64;10;{}M", details + 3),
    ]);
    t.wait_for("one turn up", |s| {
        s.contains("↓ 3 more line(s): J/K or wheel")
    });
    t.keys(&["J", "J", "J", "J", "K"]);
    t.wait_for("J past the end, then K", |s| {
        s.contains("↓ 3 more line(s): J/K or wheel")
    });
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("EXIT=0"));
}

#[test]
fn a_paste_is_text_and_a_burst_of_keys_is_read_whole() {
    if !common::have("tmux") {
        return common::skip(
            "a_paste_is_text_and_a_burst_of_keys_is_read_whole",
            "tmux is not installed",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    // Its own case folder: the note it saves must not show in other tests' screens.
    let script = format!(
        "cd '{}' && XDG_DATA_HOME='{}/case' '{}'; echo EXIT=$?; sleep 60",
        dir.path().display(),
        dir.path().display(),
        env!("CARGO_BIN_EXE_clanscope")
    );
    let t = Tmux::start("pty-paste", &script, 100, 30);
    t.wait_for("the first screen", |s| s.contains("0AFA:0100"));
    // A bracketed paste (tmux's `paste-buffer -p`, as a terminal pastes) into a note: its line
    // breaks are spaces; nothing of it runs as keys (review 36: `\nLdd\nq` deleted notes and
    // quit).
    let paste = dir.path().join("paste.txt");
    std::fs::write(&paste, "see ticket\nLdd\nq").unwrap();
    t.run(&["load-buffer", "-b", "p", paste.to_str().unwrap()]);
    t.keys(&["a"]);
    t.run(&["paste-buffer", "-p", "-b", "p", "-t", "t"]);
    t.wait_for("the pasted note", |s| s.contains("note: see ticket Ldd q"));
    t.keys(&["Enter"]);
    t.wait_for("the note", |s| {
        s.contains("note 0AFA:0100: see ticket Ldd q (") && !s.contains("EXIT=")
    });
    // 10,000 characters sent as keys (a paste without brackets): every byte is read, so Esc
    // right after it closes the prompt (review 36: input stalled with 2,833 bytes unread and
    // later keys had no effect).
    std::fs::write(&paste, "A".repeat(10_000)).unwrap();
    t.run(&["load-buffer", "-b", "p", paste.to_str().unwrap()]);
    t.keys(&["/"]);
    t.run(&["paste-buffer", "-b", "p", "-t", "t"]);
    t.wait_for("the full prompt", |s| {
        s.contains("a prompt holds at most 400 characters")
    });
    t.keys(&["Escape"]);
    t.wait_for("the prompt closed", |s| s.contains("cancelled"));
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
}

#[test]
fn a_fifo_still_being_written_is_said_before_the_inspector_opens() {
    if !common::have("tmux") || !common::have("mkfifo") {
        return common::skip(
            "a_fifo_still_being_written_is_said_before_the_inspector_opens",
            "tmux or mkfifo is not installed",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // A writer that sends a line and keeps the FIFO open: the inspector reads to its end, so
    // it says what it waits for (review 36: a blank screen for as long as the writer stayed).
    let mut writer = std::process::Command::new("sh")
        .arg("-c")
        .arg("{ printf 'hello\\r\\n'; sleep 2; } > \"$0\"")
        .arg(&fifo)
        .spawn()
        .unwrap();
    let t = Tmux::clanscope("pty-fifo", dir.path(), "fifo", 200, 30);
    let s = t.wait_for("the message", |s| s.contains("clanscope: reading"));
    assert_eq!(
        s.lines().next().unwrap(),
        "clanscope: reading fifo (a FIFO) to its end before the inspector opens; Ctrl-C stops",
        "{s}"
    );
    writer.wait().unwrap();
    t.wait_for("the bytes", |s| s.contains("68 65 6C 6C 6F 0D 0A"));
    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXIT="));
    assert!(s.contains("EXIT=0"), "{s}");
}

/// Review 78 D6: standard error redirected into the folder that holds the evidence was refused
/// with no word anywhere (exit 2 only). The refusal is said on the terminal the command runs
/// in (standard input's, where standard output is a file); the refused files get nothing and
/// the evidence is unchanged. A job in the background says nothing there, and is not stopped
/// by `stty tostop` (hostile review 79: it was, with `/dev/tty` written to).
#[test]
fn a_refused_standard_error_says_why_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("po")).unwrap();
    let ev = dir.path().join("po/CLANDATA");
    std::fs::write(&ev, clanscope::demo::STORE).unwrap();
    let bin = env!("CARGO_BIN_EXE_clanscope");
    let script = format!(
        "cd '{}' && '{bin}' scan po/CLANDATA > out.txt 2> po/err.txt; echo EXIT=$?; \
         '{bin}' scna po/CLANDATA 2> po/err2.txt; echo EXIT=$?; \
         '{bin}' scan po/CLANDATA --bogus 2>> po/CLANDATA; echo EXIT=$?; \
         stty tostop; set -m; '{bin}' scan po/CLANDATA 2> po/err3.txt & wait $!; echo BG=$?; \
         stty -tostop; echo DONE; sleep 60",
        dir.path().display()
    );
    let t = common::Tmux::start("pty-stderr", &script, 160, 20);
    let s = t.wait_for("the three commands", |s| s.contains("DONE"));
    // Without the shell's own line on the job's end (`[1]+  Exit 2 ...`).
    let lines: Vec<&str> = (s.lines())
        .filter(|l| !l.is_empty() && !l.starts_with("[1]"))
        .collect();
    let beside = "clanscope: standard error: lies in a folder that holds an examined file \
                  (po/CLANDATA); clanscope writes nothing there: choose another folder";
    assert_eq!(
        lines,
        [
            beside,
            "EXIT=2",
            beside,
            "EXIT=2",
            "clanscope: standard error: is the examined file po/CLANDATA; clanscope never \
             writes to it",
            "EXIT=2",
            "BG=2",
            "DONE"
        ],
        "{s}"
    );
    for name in ["po/err.txt", "po/err2.txt", "po/err3.txt", "out.txt"] {
        let len = std::fs::metadata(dir.path().join(name)).unwrap().len();
        assert_eq!(len, 0, "{name}");
    }
    assert!(std::fs::read(&ev).unwrap() == clanscope::demo::STORE);
}

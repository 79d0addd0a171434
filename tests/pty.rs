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
    let s = t.wait_for("the scan to finish", |s| s.contains("6 hdr, 8 found"));
    assert!(
        s.lines()
            .nth(1)
            .unwrap()
            .starts_with(" 0AFA:0100  AB 94 CB 58"),
        "{s}"
    );
    t.keys(&["n"]);
    let s = t.wait_for("the jump", |s| s.contains("damaged header 1/6"));
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
            "▶0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65   ....Exporting me"
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
    let s = t.wait_for("the screen", |s| s.contains("found"));
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

//! The inspector without a terminal: state changes through `update`, screens through
//! ratatui's TestBackend (insta snapshots), styles checked cell by cell.

use clanscope::demo;
use clanscope::detect::{Control, Engine};
use clanscope::dump::Overlay;
use clanscope::source::Source;
use clanscope::tui::picker::{self, Picker};
use clanscope::tui::render;
use clanscope::tui::state::{App, Command, ScanMsg};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::sync::Arc;

/// An app over `src` (named `name` for classification) with its scan done, at `w`×`h`.
fn scanned_app(src: Source, name: &str, origin: clanscope::address::Origin, w: u16, h: u16) -> App {
    let src = Arc::new(src);
    let mut app = App::new(src.clone(), origin);
    let report = Engine::default().scan(&*src, Path::new(name), &Control::new());
    app.absorb(ScanMsg::Done(report));
    app.update(Command::Resize {
        width: w,
        height: h,
    });
    app
}

fn demo_app(w: u16, h: u16) -> App {
    scanned_app(
        Source::from_static("CLANDATA (demo, generated)", demo::STORE),
        "CLANDATA",
        demo::ORIGIN,
        w,
        h,
    )
}

/// Message file `index` of the demo Ccmcdata folder, scanned.
fn ccm_app(index: usize, w: u16, h: u16) -> App {
    let (rel, bytes) = demo::make_ccmcdata().swap_remove(index);
    scanned_app(
        Source::from_vec(rel, bytes),
        rel,
        clanscope::address::Origin::ZERO,
        w,
        h,
    )
}

fn screen(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    t.draw(|f| render::render(app, f)).unwrap();
    t
}

fn keys(app: &mut App, s: &str) {
    for c in s.chars() {
        app.update(match c {
            '\n' => Command::Enter,
            c => Command::Char(c),
        });
    }
}

fn status(app: &App) -> String {
    app.status.as_ref().map(|s| s.0.clone()).unwrap_or_default()
}

const HEADERS: [u64; 6] = [0x3E00, 0x9A31, 0xFEE0, 0x17A0B, 0x2C010, 0x50000 - 56];

#[test]
fn n_and_shift_n_walk_damaged_headers_and_wrap() {
    let mut app = demo_app(80, 24);
    for &h in &HEADERS {
        app.update(Command::NextHeader);
        assert_eq!(app.cursor, h);
    }
    app.update(Command::NextHeader);
    assert_eq!(app.cursor, HEADERS[0]);
    assert_eq!(
        status(&app),
        "damaged header 1/6: 1 write(s) at 0AFA:3F00 (wrapped to the first)"
    );
    app.update(Command::PrevHeader);
    assert_eq!(app.cursor, HEADERS[5]);
    assert!(
        status(&app).ends_with("(wrapped to the last)"),
        "{}",
        status(&app)
    );
    app.update(Command::PrevHeader);
    assert_eq!(app.cursor, HEADERS[4]);
    // The target line sits three lines below the top.
    assert_eq!(app.line_of(app.cursor) - app.top, 3);
}

#[test]
fn braces_walk_every_message_header_of_a_ccm_file() {
    let mut app = ccm_app(2, 80, 24);
    let starts: Vec<u64> = app.messages.iter().map(|m| m.header_start).collect();
    assert_eq!(starts.len(), 2);
    app.update(Command::NextMessage);
    assert_eq!(
        app.cursor, starts[1],
        "from offset 0 the next header is the second"
    );
    app.update(Command::NextMessage);
    assert_eq!(app.cursor, starts[0]);
    assert_eq!(
        status(&app),
        "message header 1/2 at 0000:0000 (wrapped to the first)"
    );
    app.update(Command::PrevMessage);
    assert_eq!(app.cursor, starts[1]);
}

#[test]
fn findings_walk_includes_weak_ones_unless_hidden() {
    let mut app = demo_app(80, 24);
    app.jump(0x3F000);
    app.update(Command::NextFinding);
    assert_eq!(app.cursor, 0x3F100, "the plain-text finding");
    app.update(Command::ToggleWeak);
    app.jump(0x3F000);
    app.update(Command::NextFinding);
    assert_eq!(app.cursor, HEADERS[5]);
}

#[test]
fn goto_accepts_every_form_and_reports_errors() {
    let mut app = demo_app(80, 24);
    for (text, want) in [
        ("0AFA:3F00", 0x3E00u64),
        ("0EEA:0000", 0x3E00),
        ("0x3E00", 0x3E00),
        ("3E00h", 0x3E00),
        ("15872", 0x3E00),
        ("50%", 0x28000),
    ] {
        app.update(Command::Goto);
        keys(&mut app, &format!("{text}\n"));
        assert_eq!(app.cursor, want, "{text}");
    }
    app.update(Command::Goto);
    keys(&mut app, "zz\n");
    assert_eq!(status(&app), "invalid address 'zz': use SEG:OFF (0AFA:3F00), 0x3E00, 3E00h, decimal or a percentage (50%)");
    app.update(Command::Goto);
    keys(&mut app, "0xFFFFFF\n");
    assert_eq!(status(&app), "address '0xFFFFFF' is outside the file: valid 0AFA:0100 to 5AFA:00FF (offsets 0 to 327679)");
    assert_eq!(
        app.cursor, 0x28000,
        "a bad address does not move the cursor"
    );
}

#[test]
fn search_text_and_hex_forward_back_and_wrap() {
    let mut app = demo_app(80, 24);
    app.update(Command::SearchText);
    keys(&mut app, "Exporting\n");
    assert_eq!(app.cursor, 0x3E04);
    app.update(Command::SearchNext);
    assert_eq!(app.cursor, 0x9A35);
    app.update(Command::SearchPrev);
    assert_eq!(app.cursor, 0x3E04);
    app.update(Command::SearchPrev);
    assert_eq!(app.cursor, 0x50000 - 52, "wrapped to the last");
    assert!(status(&app).ends_with("(wrapped)"));
    app.update(Command::SearchHex);
    keys(&mut app, "41 FA 2B 16\n");
    assert_eq!(app.cursor, 0x3E00 + 76);
    app.update(Command::SearchHex);
    keys(&mut app, "4G\n");
    assert_eq!(status(&app), "not hex bytes: '4G' (write e.g. 0D 0A 45)");
    app.update(Command::SearchText);
    keys(&mut app, "no such text anywhere\n");
    assert_eq!(status(&app), "not found: 'no such text anywhere'");
}

#[test]
fn bookmarks_set_and_return() {
    let mut app = demo_app(80, 24);
    app.jump(0x1234);
    app.update(Command::Mark);
    app.update(Command::Char('a'));
    app.update(Command::End);
    app.update(Command::JumpMark);
    app.update(Command::Char('a'));
    assert_eq!(app.cursor, 0x1234);
    app.update(Command::JumpMark);
    app.update(Command::Char('b'));
    assert_eq!(status(&app), "no bookmark 'b'");
}

#[test]
fn notes_and_exports_go_to_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(80, 24);
    app.out_dir = dir.path().to_path_buf();
    app.absorb(ScanMsg::Hash(clanscope::notes::sha256_all(demo::STORE)));
    app.update(Command::NextHeader);
    app.update(Command::Annotate);
    keys(&mut app, "seen in the article\n");
    let sidecar = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".clanscope-notes.json"))
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sidecar).unwrap()).unwrap();
    assert_eq!(v["notes"][0]["text"], "seen in the article");
    assert_eq!(v["notes"][0]["start"], 0x3E00);
    assert_eq!(v["notes"][0]["end"], 0x3E00 + 76);
    app.update(Command::Export);
    let export = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".export.txt"))
        .unwrap();
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(
        text.contains("Damaged header H1: confidence 0.99, 1 console write(s)"),
        "{text}"
    );
    assert!(text.contains("  Note:    seen in the article"));
    assert!(text.contains(
        ">  0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65   ....Exporting me"
    ));
}

#[test]
fn overlay_marks_exactly_the_write() {
    let mut app = demo_app(80, 24);
    app.update(Command::NextHeader);
    let t = screen(&app);
    let buf = t.backend().buffer();
    // Row of 0AFA:3F00 is 3 below the top (row 1): row 4; hex of byte k at column 1 + 11 + 3k.
    let row = 4;
    let line: String = (0..80)
        .map(|x| buf[(x, row)].symbol().to_string())
        .collect();
    assert!(line.starts_with("▶0AFA:3F00"), "{line}");
    for k in 0..16u16 {
        let cell = &buf[(1 + 11 + 3 * k, row)];
        assert_eq!(
            cell.bg,
            clanscope::tui::theme::overlay(Overlay::Write).bg.unwrap(),
            "byte {k} of the first line is part of the write"
        );
        let ascii = &buf[(1 + 61 + k, row)];
        assert_eq!(
            ascii.bg,
            clanscope::tui::theme::overlay(Overlay::Write).bg.unwrap()
        );
    }
    // 0AFA:3F40: bytes 0..12 (to the LF at 0AFA:3F4B) are the write; 'A' at 0AFA:3F4C is not.
    let row = 8;
    for k in 0..16u16 {
        let cell = &buf[(1 + 11 + 3 * k, row)];
        assert_eq!(
            cell.bg == clanscope::tui::theme::overlay(Overlay::Write).bg.unwrap(),
            k < 12,
            "byte {k}"
        );
    }
    // The line above the write is not marked.
    assert_ne!(
        buf[(1 + 11, 3)].bg,
        clanscope::tui::theme::overlay(Overlay::Write).bg.unwrap()
    );
}

#[test]
fn shrinking_file_shows_a_warning_not_a_crash() {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), vec![0x41u8; 65536]).unwrap();
    let src = Arc::new(Source::open(f.path()).unwrap());
    let mut app = App::new(src, clanscope::address::Origin::ZERO);
    app.update(Command::Resize {
        width: 80,
        height: 24,
    });
    app.update(Command::End);
    std::fs::OpenOptions::new()
        .write(true)
        .open(f.path())
        .unwrap()
        .set_len(1000)
        .unwrap();
    app.recheck_size();
    assert_eq!(app.size, 1000);
    assert_eq!(app.cursor, 999);
    assert_eq!(
        status(&app),
        "the file changed size while open: 65536 -> 1000 bytes; showing 1000"
    );
    let t = screen(&app);
    let text = format!("{}", t.backend());
    assert!(
        text.contains("0000:03E0  41 41 41 41 41 41 41 41"),
        "{text}"
    );
}

#[test]
fn growing_file_is_reported_once_and_shown_as_opened() {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), vec![0x41u8; 4096]).unwrap();
    let src = Arc::new(Source::open(f.path()).unwrap());
    let mut app = App::new(src, clanscope::address::Origin::ZERO);
    app.update(Command::Resize {
        width: 80,
        height: 24,
    });
    std::fs::OpenOptions::new()
        .append(true)
        .open(f.path())
        .unwrap()
        .set_len(10_000)
        .unwrap();
    app.recheck_size();
    assert_eq!(app.size, 4096);
    assert_eq!(status(&app), "the file grew to 10000 bytes since it was opened; showing the 4096 bytes it had then (reopen to see the rest)");
    app.status = None;
    app.recheck_size();
    assert_eq!(app.status, None, "said once");
}

#[test]
fn empty_file_views_as_empty() {
    let src = Arc::new(Source::from_vec("empty", Vec::new()));
    let mut app = App::new(src, clanscope::address::Origin::ZERO);
    app.update(Command::Resize {
        width: 80,
        height: 24,
    });
    for c in [
        Command::Down,
        Command::End,
        Command::NextHeader,
        Command::PageDown,
    ] {
        app.update(c);
    }
    let t = screen(&app);
    assert!(format!("{}", t.backend()).contains("(empty file: 0 bytes)"));
}

#[test]
fn snapshot_demo_at_start() {
    let app = demo_app(80, 24);
    insta::assert_snapshot!("demo_start", screen(&app).backend());
}

#[test]
fn snapshot_after_n() {
    let mut app = demo_app(80, 24);
    app.update(Command::NextHeader);
    insta::assert_snapshot!("after_n", screen(&app).backend());
}

#[test]
fn snapshot_details_pane_wide() {
    let mut app = demo_app(140, 34);
    app.update(Command::NextHeader);
    app.update(Command::Right);
    insta::assert_snapshot!("details_wide", screen(&app).backend());
}

#[test]
fn snapshot_help() {
    let mut app = demo_app(80, 24);
    app.update(Command::Help);
    insta::assert_snapshot!("help", screen(&app).backend());
}

#[test]
fn snapshot_findings_list() {
    let mut app = demo_app(80, 24);
    app.update(Command::ToggleList);
    app.update(Command::Down);
    insta::assert_snapshot!("findings_list", screen(&app).backend());
}

#[test]
fn snapshot_tiny_terminal() {
    let app = demo_app(60, 15);
    insta::assert_snapshot!("tiny", screen(&app).backend());
}

#[test]
fn snapshot_ccm_file() {
    let mut app = ccm_app(1, 120, 30);
    app.update(Command::NextHeader);
    app.update(Command::Goto);
    keys(&mut app, "0x60\n");
    insta::assert_snapshot!("ccm", screen(&app).backend());
}

#[test]
fn snapshot_picker() {
    let root = Path::new("assets/demo");
    let (files, errors) = clanscope::source::walk::files(&[root.to_path_buf()]);
    assert!(errors.is_empty());
    let mut p = Picker::new(root.to_path_buf(), files.clone());
    let engine = Engine::default();
    for (i, f) in files.into_iter().enumerate() {
        p.entries[i] = picker::scan_entry(&engine, f);
    }
    p.update(&Command::Down, 20);
    let mut t = Terminal::new(TestBackend::new(100, 12)).unwrap();
    t.draw(|f| p.render(f)).unwrap();
    insta::assert_snapshot!("picker", t.backend());
}

#[test]
fn mouse_click_places_the_cursor_and_the_wheel_scrolls() {
    let mut app = demo_app(80, 24);
    app.update(Command::NextHeader);
    // Row 4 shows 0AFA:3F00; the hex of byte 5 starts at column 1 + 11 + 15.
    app.update(Command::Click {
        col: 1 + 11 + 15,
        row: 4,
    });
    assert_eq!(app.cursor, 0x3E05);
    // And its ASCII character.
    app.update(Command::Click {
        col: 1 + 61 + 9,
        row: 5,
    });
    assert_eq!(app.cursor, 0x3E19);
    // Outside the dump: nothing happens.
    app.update(Command::Click { col: 5, row: 0 });
    assert_eq!(app.cursor, 0x3E19);
    let top = app.top;
    app.update(Command::Scroll(3));
    assert_eq!(app.top, top + 3);
    app.update(Command::Scroll(-3));
    assert_eq!(app.top, top);
}

#[test]
fn selection_length_note_and_export_of_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(80, 24);
    app.out_dir = dir.path().to_path_buf();
    app.absorb(ScanMsg::Hash(clanscope::notes::sha256_all(demo::STORE)));
    app.jump(0x100);
    app.update(Command::ToggleSelect);
    for _ in 0..3 {
        app.update(Command::Right);
    }
    app.update(Command::Down);
    assert_eq!(app.selection(), Some((0x100, 0x114)));
    let t = screen(&app);
    assert!(format!("{}", t.backend()).contains("sel 20"));
    app.update(Command::Annotate);
    keys(&mut app, "odd bytes\n");
    assert_eq!(
        app.notes.last().map(|n| (n.start, n.end)),
        Some((0x100, 0x114))
    );
    app.update(Command::Export);
    assert!(
        status(&app).starts_with("exported selection to "),
        "{}",
        status(&app)
    );
}

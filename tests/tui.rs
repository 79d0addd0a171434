//! The inspector without a terminal: state changes through `update`, screens through
//! ratatui's TestBackend (insta snapshots), styles checked cell by cell. Counts and offsets come
//! from what the scan reports, not from numbers typed here (snapshots excepted).

mod common;

use clanscope::address::Origin;
use clanscope::demo;
use clanscope::detect::{Control, Engine, FindingKind, Report};
use clanscope::dump::Overlay;
use clanscope::settings::Settings;
use clanscope::source::Source;
use clanscope::tui::app::{App, ScanMsg, Severity};
use clanscope::tui::command::{Command, ListKind, Mode};
use clanscope::tui::comparison::Comparison;
use clanscope::tui::picker::{self, Picker};
use clanscope::tui::prompt::Edit;
use clanscope::tui::theme;
use clanscope::tui::{effects, render};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An app over `src` (named `name` for classification) with its scan done, at `w`×`h`,
/// writing into `out`.
fn scanned_app(src: Source, name: &str, origin: Origin, w: u16, h: u16, out: &Path) -> App {
    let src = Arc::new(src);
    let mut app = App::with_settings(
        src.clone(),
        origin,
        Settings::default(),
        out.to_path_buf(),
        None,
    );
    let report = Engine::default().scan(&*src, Path::new(name), &Control::new());
    app.absorb(ScanMsg::Done(report));
    app.update(Command::Resize {
        width: w,
        height: h,
    });
    app
}

fn demo_src() -> Source {
    Source::from_static("CLANDATA", demo::STORE)
}

fn demo_app(w: u16, h: u16) -> App {
    scanned_app(demo_src(), "CLANDATA", demo::ORIGIN, w, h, Path::new("."))
}

fn demo_app_in(w: u16, h: u16, out: &Path) -> App {
    let mut app = scanned_app(demo_src(), "CLANDATA", demo::ORIGIN, w, h, out);
    app.absorb(ScanMsg::Hash(clanscope::notes::sha256_all(demo::STORE)));
    app
}

/// The demo with its backup as the compared file.
fn compare_app(w: u16, h: u16) -> App {
    let mut app = demo_app(w, h);
    let other = Arc::new(Source::from_vec("backup/CLANDATA", demo::make_backup()));
    let c = Comparison::new(app.src(), other);
    assert!(c.done());
    app.set_compare(c);
    app
}

/// Message file `index` of the demo Ccmcdata folder, scanned.
fn ccm_app(index: usize, w: u16, h: u16) -> App {
    let (rel, bytes) = demo::make_ccmcdata().swap_remove(index);
    scanned_app(
        Source::from_vec(rel, bytes),
        rel,
        Origin::ZERO,
        w,
        h,
        Path::new("."),
    )
}

fn screen(app: &App) -> Terminal<TestBackend> {
    let v = app.view().screen();
    let mut t = Terminal::new(TestBackend::new(v.width, v.height)).unwrap();
    t.draw(|f| render(app, f)).unwrap();
    t
}

fn text(app: &App) -> String {
    format!("{}", screen(app).backend())
}

/// Sends a command and carries out the effects it asked for.
fn step(app: &mut App, cmd: Command) {
    app.update(cmd);
    effects::apply(app);
}

/// Types `s` into the open prompt (`\n` submits).
fn keys(app: &mut App, s: &str) {
    for c in s.chars() {
        step(
            app,
            match c {
                '\n' => Command::Enter,
                c => Command::Edit(Edit::Char(c)),
            },
        );
    }
}

fn status(app: &App) -> String {
    app.status().map(|s| s.0.to_string()).unwrap_or_default()
}

fn report_of(app: &App) -> (Vec<u64>, Vec<u32>) {
    let idx = app.index();
    (
        idx.headers().iter().map(|h| h.start).collect(),
        idx.findings().iter().map(|f| f.id).collect(),
    )
}

#[test]
fn n_and_shift_n_walk_damaged_headers_and_wrap() {
    let mut app = demo_app(80, 24);
    let (headers, _) = report_of(&app);
    assert!(headers.len() >= 2);
    for &h in &headers {
        app.update(Command::NextHeader);
        assert_eq!(app.cursor(), h);
    }
    app.update(Command::NextHeader);
    assert_eq!(app.cursor(), headers[0]);
    assert!(
        status(&app).starts_with(&format!("damaged header 1/{}: H1, ", headers.len())),
        "{}",
        status(&app)
    );
    assert!(status(&app).ends_with("at 0AFA:3F00 (wrapped to the first)"));
    app.update(Command::PrevHeader);
    assert_eq!(app.cursor(), *headers.last().unwrap());
    assert!(status(&app).ends_with("(wrapped to the last)"));
    app.update(Command::PrevHeader);
    assert_eq!(app.cursor(), headers[headers.len() - 2]);
    // The target line sits three lines below the top.
    let v = app.view();
    assert_eq!(v.line_of(app.cursor()) - v.top(), 3);
}

/// Review 84 D3: compared with a FIFO no writer held open, every write read as past the
/// compared file's end, and nothing said that nothing had been read from it.
#[test]
fn review_84_a_compared_file_that_gave_nothing_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    common::mkfifo(&fifo);
    let other = Arc::new(Source::open(&fifo).unwrap());
    let mut app = demo_app(80, 24);
    app.set_compare(Comparison::new(app.src(), other));
    let said = format!(
        "compared file {}: nothing read (0 bytes): a FIFO that no writer held open when clanscope opened it, or whose writer sent nothing",
        fifo.display()
    );
    assert_eq!(status(&app), said);
    assert!(text(&app).contains("compared file "), "{}", text(&app));
    // A backup with bytes is not said so.
    assert!(!status(&compare_app(80, 24)).starts_with("compared file"));
}

/// Review 84 D2: on a damaged header's first byte reached another way (goto, `]`, a
/// bookmark), `n` said the header under the cursor and stayed; it goes to the next one now,
/// and `N` to the one before.
#[test]
fn review_84_n_from_a_header_reached_by_goto_goes_on() {
    let mut app = demo_app(80, 24);
    let (headers, _) = report_of(&app);
    assert!(headers.len() >= 3);
    app.update(Command::Goto);
    keys(&mut app, "0AFA:3F00\n");
    assert_eq!(app.cursor(), headers[0]);
    app.update(Command::NextHeader);
    assert_eq!(app.cursor(), headers[1]);
    assert!(status(&app).starts_with(&format!("damaged header 2/{}: H2, ", headers.len())));
    // `]` lands on the third write, which opens H3; `n` goes on to H4, `N` back to H2.
    app.update(Command::NextFinding);
    assert_eq!(app.cursor(), headers[2]);
    app.update(Command::NextHeader);
    assert_eq!(app.cursor(), headers[3]);
    app.update(Command::NextFinding);
    app.update(Command::PrevHeader);
    assert_eq!(app.cursor(), headers[3]);
    app.update(Command::PrevHeader);
    assert_eq!(app.cursor(), headers[2]);
}

/// Writes with no damaged header around them (console output at the head of a text file):
/// `n` says so and names the keys that reach them, and moves nothing.
#[test]
fn n_without_damaged_headers_points_to_the_findings() {
    let mut bytes = b"\r\nExporting messages in mailbox \"kwong\" to file EXPORT\\MSG4A28.CCM\r\n\
        12 messages exported.\r\n\r\n"
        .to_vec();
    bytes.extend_from_slice(
        b"Dear Ann,\r\nthe budget for next year is attached; please read it before Friday.\r\n",
    );
    let src = Source::from_vec("MSG0001.TMP", bytes);
    let mut app = scanned_app(src, "MSG0001.TMP", Origin::ZERO, 80, 24, Path::new("."));
    let (headers, findings) = report_of(&app);
    assert!(headers.is_empty() && !findings.is_empty(), "{findings:?}");
    app.update(Command::NextHeader);
    assert_eq!(
        status(&app),
        format!(
            "no damaged headers; ] and [ walk the {} finding(s)",
            findings.len()
        )
    );
    assert_eq!(app.cursor(), 0);
}

#[test]
fn braces_walk_every_message_header_of_a_ccm_file() {
    let mut app = ccm_app(2, 80, 24);
    let starts: Vec<u64> = app
        .index()
        .messages()
        .iter()
        .map(|m| m.header_start)
        .collect();
    assert_eq!(starts.len(), 2);
    app.update(Command::NextMessage);
    assert_eq!(app.cursor(), starts[1]);
    app.update(Command::NextMessage);
    assert_eq!(app.cursor(), starts[0]);
    assert_eq!(
        status(&app),
        "message header 1/2 at 0000:0000 (wrapped to the first)"
    );
    app.update(Command::PrevMessage);
    assert_eq!(app.cursor(), starts[1]);
}

/// Walks `]` once around and returns the ids visited, checking that the details pane names the
/// finding the status line names each time.
fn walk_ids(app: &mut App, n: usize) -> Vec<u32> {
    let mut seen = Vec::new();
    for _ in 0..n {
        app.update(Command::NextFinding);
        let s = status(app);
        let id: u32 = s
            .split('#')
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let shown = app.index().shown_at(app.cursor()).unwrap().id;
        assert_eq!(
            shown, id,
            "the details pane shows the finding the status names: {s}"
        );
        assert!(text(app).contains(&format!("#{id} ")), "{s}");
        seen.push(id);
    }
    seen
}

#[test]
fn defect_2_every_finding_is_reachable_in_order_and_shown() {
    let mut app = demo_app(120, 40);
    let (_, ids) = report_of(&app);
    assert_eq!(walk_ids(&mut app, ids.len()), ids);
    // Wrapped to the first, then back to the last.
    app.update(Command::NextFinding);
    app.update(Command::PrevFinding);
    assert_eq!(
        app.index().shown_at(app.cursor()).unwrap().id,
        *ids.last().unwrap()
    );
}

#[test]
fn defect_2_findings_that_start_at_one_byte_are_both_reached() {
    // A .CCM file where two findings start at the same byte.
    let (rel, bytes) = demo::make_ccmcdata().swap_remove(1);
    let src = Arc::new(Source::from_vec(rel, bytes));
    let mut r = Engine::default().scan(&*src, Path::new(rel), &Control::new());
    let mut twin = r.findings[0].clone();
    twin.kind = FindingKind::PlainText;
    twin.end = twin.start + 4;
    r.findings.insert(1, twin);
    for (i, f) in r.findings.iter_mut().enumerate() {
        f.id = i as u32 + 1;
    }
    let n = r.findings.len();
    let mut app = App::new(src, Origin::ZERO);
    app.absorb(ScanMsg::Done(r));
    app.update(Command::Resize {
        width: 120,
        height: 40,
    });
    // The first finding starts at the cursor and is shown already: ] goes on to the second,
    // which starts at the same byte, and so on around.
    assert_eq!(app.index().shown_at(0).unwrap().id, 1);
    let seen = walk_ids(&mut app, n);
    let want: Vec<u32> = (2..=n as u32).chain([1]).collect();
    assert_eq!(seen, want);
    app.update(Command::PrevFinding);
    assert_eq!(app.index().shown_at(app.cursor()).unwrap().id, n as u32);
    assert_eq!(app.cursor(), 0, "[ from #1 wraps to the last");
}

#[test]
fn weak_findings_are_walked_unless_hidden() {
    let mut app = demo_app(80, 24);
    let weak: Vec<u64> = app
        .index()
        .findings()
        .iter()
        .filter(|f| !f.suspected())
        .map(|f| f.start)
        .collect();
    let Some(&w) = weak.first() else {
        return common::skip(
            "weak_findings_are_walked_unless_hidden",
            "the demo has no weak finding",
        );
    };
    app.jump(w - 1);
    app.update(Command::NextFinding);
    assert_eq!(app.cursor(), w);
    app.update(Command::ToggleWeak);
    app.jump(w - 1);
    app.update(Command::NextFinding);
    assert_ne!(app.cursor(), w);
}

#[test]
fn goto_accepts_every_form_relative_and_hash_and_quote_quote_returns() {
    let mut app = demo_app(80, 24);
    for (text, want) in [
        ("0AFA:3F00", 0x3E00u64),
        ("0EEA:0000", 0x3E00),
        ("0x3E00", 0x3E00),
        ("3E00h", 0x3E00),
        ("#3F00", 0x3E00),
        ("15872", 0x3E00),
        ("+10h", 0x3E10),
        ("-16", 0x3E00),
        ("50%", 0x28000),
    ] {
        app.update(Command::Goto);
        keys(&mut app, &format!("{text}\n"));
        assert_eq!(app.cursor(), want, "{text}");
    }
    app.update(Command::JumpMark);
    app.update(Command::Char('\''));
    assert_eq!(app.cursor(), 0x3E00, "'' returns to before the last jump");
    app.update(Command::JumpMark);
    app.update(Command::Char('\''));
    assert_eq!(app.cursor(), 0x28000, "and '' again goes back");
    app.update(Command::Goto);
    keys(&mut app, "zz\n");
    assert_eq!(status(&app), "invalid address 'zz': use SEG:OFF (0AFA:3F00), 0x3E00, 3E00h, decimal or a percentage (50%)");
    app.update(Command::Goto);
    keys(&mut app, "-1000000\n");
    assert!(
        status(&app).starts_with("cannot move '-1000000'"),
        "{}",
        status(&app)
    );
    // A move that is not a number says so, and an offset past FFFF is not an address.
    for (text, want) in [
        (
            "+xyz",
            "invalid move '+xyz': expected +N or -N bytes (decimal, 0x1F or 1Fh)",
        ),
        (
            "-",
            "invalid move '-': expected +N or -N bytes (decimal, 0x1F or 1Fh)",
        ),
        ("  ", "no address given; the cursor stays"),
        (
            "0AFA:10000",
            "invalid address '0AFA:10000': the offset must be 0000 to FFFF",
        ),
        // Numbers too large for 64 bits are addresses beyond the file, not malformed ones.
        (
            "+99999999999999999999999",
            "cannot move '+99999999999999999999999' from 2AFA:8100: the file has offsets 0 to 327679",
        ),
        (
            "FFFFFFFFFFFFFFFFFFFF:FFFF",
            "address 'FFFFFFFFFFFFFFFFFFFF:FFFF' is outside the file: valid 0AFA:0100 to 5AFA:00FF (offsets 0 to 327679)",
        ),
        (
            "99999999999999999999999",
            "address '99999999999999999999999' is outside the file: valid 0AFA:0100 to 5AFA:00FF (offsets 0 to 327679)",
        ),
    ] {
        app.update(Command::Goto);
        keys(&mut app, &format!("{text}\n"));
        assert_eq!(status(&app), want);
    }
    assert_eq!(
        app.cursor(),
        0x28000,
        "a bad address does not move the cursor"
    );
}

#[test]
fn prompts_edit_anywhere_and_remember_history() {
    let mut app = demo_app(80, 24);
    app.update(Command::SetOrigin);
    for e in [Edit::Home, Edit::Delete, Edit::Char('1')] {
        app.update(Command::Edit(e));
    }
    app.update(Command::Enter);
    assert_eq!(app.view().origin().to_string(), "1AFA:0100");
    app.update(Command::SetOrigin);
    app.update(Command::Edit(Edit::KillStart));
    keys(&mut app, "0AFA:0100\n");
    assert_eq!(app.view().origin(), demo::ORIGIN);
    app.update(Command::Goto);
    keys(&mut app, "0x100\n");
    app.update(Command::Goto);
    app.update(Command::Edit(Edit::Older));
    app.update(Command::Enter);
    assert_eq!(app.cursor(), 0x100, "Up recalls the last goto");
}

#[test]
fn defect_3_esc_never_quits() {
    let mut app = demo_app(80, 24);
    app.update(Command::Goto);
    keys(&mut app, "0x3E00\n");
    app.update(Command::Escape);
    assert!(!app.quitting());
    app.update(Command::Escape);
    assert!(!app.quitting());
    app.update(Command::JumpMark);
    app.update(Command::Escape);
    assert_eq!(status(&app), "cancelled");
    assert_eq!(app.status().unwrap().1, Severity::Info);
    app.update(Command::Goto);
    app.update(Command::Escape);
    assert_eq!(*app.mode(), Mode::Normal);
    app.update(Command::Quit);
    assert!(app.quitting());
}

#[test]
fn search_v2_smart_case_hex_wildcards_regex_and_wrap() {
    let mut app = demo_app(80, 24);
    app.update(Command::SearchText);
    keys(&mut app, "exporting\n");
    let first = app.cursor();
    assert_eq!(first, 0x3E04, "any case: 'Exporting' is found");
    let n = app.search().matches().len();
    assert!(n >= 5, "{n}");
    assert!(app.search().done());
    app.update(Command::SearchNext);
    assert_eq!(app.cursor(), app.search().matches()[1].0);
    app.update(Command::SearchPrev);
    app.update(Command::SearchPrev);
    assert_eq!(
        app.cursor(),
        app.search().matches()[n - 1].0,
        "wrapped to the last"
    );
    assert!(status(&app).ends_with("(wrapped)"), "{}", status(&app));
    app.update(Command::SearchHex);
    keys(&mut app, "0D 0A ?? 78\n");
    assert_eq!(app.search().matches().first().map(|m| m.1 - m.0), Some(4));
    app.update(Command::SearchHex);
    keys(&mut app, "0x41,0xFA,0x2B\n");
    assert_eq!(app.cursor(), 0x3E00 + 76);
    app.update(Command::SearchRegex);
    keys(&mut app, "mailbox \"[a-z_]+\"\n");
    assert!(app.search().matches().len() >= 5);
    // A regular expression is said as typed, its backslashes not doubled (review 64).
    app.update(Command::SearchRegex);
    keys(&mut app, "no\\x20such\\d\n");
    assert_eq!(status(&app), "not found: regex /no\\x20such\\d/");
    app.update(Command::SearchHex);
    keys(&mut app, "4G\n");
    assert_eq!(status(&app), "not hex bytes: '4G' (write e.g. 0D 0A ?? 45)");
    app.update(Command::SearchText);
    keys(&mut app, "no such text anywhere\n");
    assert_eq!(
        status(&app),
        "not found: 'no such text anywhere' (any case)"
    );
}

#[test]
fn a_search_past_the_kept_matches_says_so() {
    // Found by a hostile review: `??` matches each of the demo's 327,680 bytes; the first
    // 100,000 are kept, and the status line said "match 1/100000" as if that were all.
    let mut app = demo_app(80, 24);
    app.update(Command::SearchHex);
    keys(&mut app, "??\n");
    assert_eq!(app.search().matches().len(), 100_000);
    assert!(
        status(&app).ends_with("; only the first 100000 matches are kept"),
        "{}",
        status(&app)
    );
    assert!(status(&app).starts_with("match "), "{}", status(&app));
    // Below the cap nothing more is said.
    app.update(Command::SearchText);
    keys(&mut app, "Exp\n");
    assert!(!status(&app).contains("kept"), "{}", status(&app));
}

#[test]
fn every_match_is_highlighted_and_listed() {
    let mut app = demo_app(80, 24);
    app.update(Command::SearchText);
    keys(&mut app, "Exp\n");
    let t = screen(&app);
    let buf = t.backend().buffer();
    let m = theme::overlay(Overlay::Match).bg.unwrap();
    // Row of 0AFA:3F00 is 4; "Exp" at bytes 4..7; the cursor sits on byte 4, reversed.
    for k in 4..7u16 {
        assert_eq!(buf[(1 + 11 + 3 * k, 4)].bg, m, "hex of byte {k}");
        assert_eq!(buf[(1 + 61 + k, 4)].bg, m, "ASCII of byte {k}");
    }
    assert_ne!(buf[(1 + 11 + 3 * 7, 4)].bg, m);
    app.update(Command::MatchList);
    assert!(matches!(app.mode(), Mode::List(ListKind::Matches, 0)));
    app.update(Command::Down);
    app.update(Command::Enter);
    assert_eq!(app.cursor(), app.search().matches()[1].0);
    // The status says which of how many, as `n` does (a review saw the count missing).
    // The demo's origin is 0AFA:0100, so offset 0x9A35 is 0AFA:9B35.
    assert_eq!(app.cursor(), 0x9A35);
    assert_eq!(app.search().matches().len(), 6);
    assert_eq!(status(&app), "match 2/6 of 'Exp' at 0AFA:9B35");
    app.update(Command::Escape);
    assert!(app.search().pattern().is_none(), "Esc clears the search");
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
    assert_eq!(app.cursor(), 0x1234);
    app.update(Command::JumpMark);
    app.update(Command::Char('b'));
    assert_eq!(status(&app), "no bookmark 'b'");
}

fn files_in(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

#[test]
fn notes_and_exports_go_to_the_case_folder_named_after_the_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app_in(80, 24, dir.path());
    step(&mut app, Command::NextHeader);
    step(&mut app, Command::Annotate);
    keys(&mut app, "seen in the article\n");
    let sidecar = files_in(dir.path(), ".clanscope-notes.json").remove(0);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sidecar).unwrap()).unwrap();
    assert_eq!(v["notes"][0]["text"], "seen in the article");
    assert_eq!(v["notes"][0]["start"], 0x3E00);
    assert_eq!(v["notes"][0]["end"], 0x3E00 + 76);
    step(&mut app, Command::Export);
    let export = files_in(dir.path(), ".export.txt").remove(0);
    let name = export.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("CLANDATA.") && name.ends_with(".H1.export.txt"),
        "{name}"
    );
    let text = std::fs::read_to_string(&export).unwrap();
    let conf = app.index().findings()[0].confidence;
    assert!(
        text.contains(&format!(
            "Damaged header H1: confidence {conf:.2}, 1 console write(s)"
        )),
        "{text}"
    );
    assert!(text.contains("  Note:    seen in the article"), "{text}");
    assert!(text.contains(
        ">  0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65   ....Exporting me"
    ));
    // A second export of the same finding does not overwrite the first.
    step(&mut app, Command::Export);
    assert_eq!(files_in(dir.path(), ".export.txt").len(), 2);
}

#[test]
fn the_status_line_never_cuts_off_the_name_an_output_got() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir
        .path()
        .join("a-case-folder-with-a-name-long-enough-to-fill-the-status-line");
    std::fs::create_dir(&deep).unwrap();
    let mut app = demo_app_in(80, 24, &deep);
    step(&mut app, Command::NextHeader);
    step(&mut app, Command::Export);
    let name = files_in(&deep, ".export.txt").remove(0);
    let name = name.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        status(&app),
        format!("exported H1 to {name} in the case folder")
    );
    let mut wide = demo_app_in(200, 60, &deep);
    step(&mut wide, Command::NextHeader);
    step(&mut wide, Command::Export);
    assert!(
        status(&wide).starts_with(&format!("exported H1 to {}/", deep.display())),
        "{}",
        status(&wide)
    );
}

#[test]
fn defect_8_the_demo_and_its_file_share_one_sidecar_and_origin() {
    let dir = tempfile::tempdir().unwrap();
    let f = common::demo_copy(dir.path());
    let file = Source::open(&f).unwrap();
    let s = Settings::default();
    assert_eq!(
        clanscope::tui::default_origin(None, &s, &file),
        demo::ORIGIN
    );
    assert_eq!(
        clanscope::tui::default_origin(None, &s, &demo_src()),
        demo::ORIGIN
    );
    let sha = clanscope::notes::sha256_all(demo::STORE);
    let a = clanscope::notes::default_path(demo_src().name(), &sha);
    let b = clanscope::notes::default_path(file.name(), &sha);
    assert_eq!(a, b);
    // The picker counts as the inspector's title does.
    let e = picker::scan_entry(&Engine::default(), f, None, &s, &Default::default());
    let app = demo_app(120, 40);
    let (strong, weak) = app.index().counts();
    assert_eq!(e.counts, Some((app.index().headers().len(), strong, weak)));
    assert_eq!(e.origin, Some(demo::ORIGIN));
}

/// An app over `src` writing into `out`, scanned and hashed, opened at `origin` (`given`:
/// as if by --origin).
fn hashed_app(src: Source, origin: Origin, out: &Path, given: bool) -> App {
    let sha = clanscope::notes::sha256_source(&src, &|| false)
        .unwrap()
        .unwrap();
    let mut app = scanned_app(src, "CLANDATA", origin, 120, 40, out);
    app.set_origin_given(given);
    app.absorb(ScanMsg::Hash(sha));
    effects::apply(&mut app);
    app
}

#[test]
fn defect_8_the_origin_chosen_with_o_is_remembered_for_the_same_bytes_under_any_name() {
    let case = tempfile::tempdir().unwrap();
    let ev = tempfile::tempdir().unwrap();
    // In the demo, o sets 0000:0000; the sidecar remembers it.
    let mut demo = hashed_app(demo_src(), demo::ORIGIN, case.path(), false);
    step(&mut demo, Command::SetOrigin);
    demo.update(Command::Edit(Edit::KillStart));
    keys(&mut demo, "0000:0000\n");
    assert_eq!(demo.view().origin(), Origin::ZERO);
    assert!(
        status(&demo).contains("remembered for this file"),
        "{}",
        status(&demo)
    );
    let sidecars = files_in(case.path(), ".clanscope-notes.json");
    assert_eq!(sidecars.len(), 1);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sidecars[0]).unwrap()).unwrap();
    assert_eq!(v["origin"], "0000:0000");
    // The same bytes as assets/demo/CLANDATA open there, with the same sidecar.
    let f = common::demo_copy(ev.path());
    let opened =
        |given: bool, at: Origin| hashed_app(Source::open(&f).unwrap(), at, case.path(), given);
    let mut app = opened(false, demo::ORIGIN);
    assert_eq!(app.view().origin(), Origin::ZERO);
    let remembered = "origin 0000:0000, as remembered in the notes file for these bytes";
    assert!(status(&app).starts_with(remembered), "{}", status(&app));
    // The end of a scan that finishes after the hash does not hide why the origin changed.
    let report = Engine::default().scan(app.src(), Path::new("CLANDATA"), &Control::new());
    app.absorb(ScanMsg::Done(report));
    assert!(status(&app).starts_with(remembered), "{}", status(&app));
    assert_eq!(app.notes().path(), Some(sidecars[0].as_path()));
    assert!(text(&app).contains("origin 0000:0000"));
    // --origin wins, and is not remembered.
    let app = opened(true, Origin::parse("1000:0000").unwrap());
    assert_eq!(app.view().origin().to_string(), "1000:0000");
    assert_eq!(files_in(case.path(), ".clanscope-notes.json").len(), 1);
    // The picker and the library agree (the sidecar is found by name, then by hash).
    let sc = clanscope::notes::Sidecars::in_folder(case.path());
    let s = Settings::default();
    let e = picker::scan_entry(&Engine::default(), f.clone(), None, &s, &sc);
    assert_eq!(e.origin, Some(Origin::ZERO));
    let src = Source::open(&f).unwrap();
    assert_eq!(
        clanscope::settings::file_origin(None, &s, &sc, &src).unwrap(),
        Origin::ZERO
    );
    let given = Origin::parse("0AFA:0100").ok();
    assert_eq!(
        clanscope::settings::file_origin(given, &s, &sc, &src).unwrap(),
        demo::ORIGIN
    );
    let origins = clanscope::settings::Origins::new(None, s.clone(), sc.clone());
    assert_eq!(origins.of(&src).unwrap(), Origin::ZERO);
    // Other bytes under the same name get no remembered origin.
    let other = ev.path().join("other/CLANDATA");
    std::fs::create_dir(other.parent().unwrap()).unwrap();
    std::fs::write(&other, b"other bytes").unwrap();
    let src = Source::open(&other).unwrap();
    assert_eq!(
        clanscope::settings::file_origin(None, &s, &sc, &src).unwrap(),
        Origin::ZERO
    );
    assert_eq!(sc.origin_of(&src).unwrap(), None);
    // Without a sidecar the demo's bytes keep the demo's origin.
    let empty = clanscope::notes::Sidecars::in_folder(ev.path());
    let e = picker::scan_entry(&Engine::default(), f, None, &s, &empty);
    assert_eq!(e.origin, Some(demo::ORIGIN));
}

#[test]
fn defect_1_one_address_width_and_aligned_columns_in_a_5_gib_sparse_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("sparse.bin");
    let f = std::fs::File::create(&p).unwrap();
    let size = 5u64 << 30;
    f.set_len(size).unwrap();
    use std::os::unix::fs::FileExt;
    f.write_at(&demo::ARTICLE, 0x100000).unwrap();
    f.write_at(&demo::ARTICLE, size - 128).unwrap();
    let src = Arc::new(Source::open(&p).unwrap());
    let report = Engine::default().scan(&*src, &p, &Control::new());
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut app = App::new(src.clone(), Origin::ZERO);
        app.absorb(ScanMsg::Done(report.clone()));
        app.update(Command::Resize {
            width: w,
            height: h,
        });
        let start = text(&app);
        app.jump(0x100000);
        let mid = text(&app);
        app.update(Command::End);
        let end = text(&app);
        let dump_lines = |s: &str| -> Vec<String> {
            s.lines()
                .skip(1)
                .map(|l| l.trim_matches('"'))
                .filter(|l| l.len() > 10 && l.as_bytes()[9] == b':')
                .map(str::to_string)
                .collect()
        };
        for (name, s) in [("start", &start), ("mid", &mid), ("end", &end)] {
            let lines = dump_lines(s);
            assert!(!lines.is_empty(), "{name}:\n{s}");
            for l in &lines {
                // 8-digit segment everywhere; the ASCII column is whole and in one place.
                assert_eq!(&l[9..10], ":", "{name} {w}: {l}");
                assert!(l.chars().count() <= w as usize, "{name}: {l}");
            }
        }
        assert!(end.contains("13FFF000:FF80"), "{end}");
        assert!(mid.contains("00010000:0000"), "{mid}");
        assert!(
            mid.contains("0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65"),
            "{mid}"
        );
        assert!(mid.contains("____Exporting me"), "{mid}");
        // Every address the inspector shows has the dump's width: status, details, lists.
        app.update(Command::Goto);
        keys(&mut app, "0x100000\n");
        assert_eq!(status(&app), "at 00010000:0000  ('' returns)");
        assert!(text(&app).contains("\n\"00010000:0000  100000h (1048576)  byte 0Dh"));
        app.jump(0);
        app.update(Command::NextFinding);
        assert_eq!(
            status(&app),
            "finding 1/2: #1 console-write at 00010000:0000"
        );
        let details: Vec<String> = app.details_lines().iter().map(|l| l.to_string()).collect();
        assert!(
            details[1].starts_with("00010000:0000-00010000:004B"),
            "{details:?}"
        );
        insta::assert_snapshot!(format!("sparse_5g_start_{w}"), start);
        insta::assert_snapshot!(format!("sparse_5g_end_{w}"), end);
    }
}

#[test]
fn defect_4_the_details_pane_scrolls_and_says_more_is_below() {
    let mut app = demo_app(80, 24);
    app.update(Command::NextHeader);
    let s = text(&app);
    assert!(s.contains("more line(s): J/K or wheel"), "{s}");
    for _ in 0..5 {
        app.update(Command::ScrollDetails(3));
    }
    let s = text(&app);
    assert!(s.contains("(KB Q179072)"), "the end of the why line: {s}");
    let a = app.areas();
    app.update(Command::Wheel {
        col: 2,
        row: a.details.y + 2,
        lines: -30,
    });
    assert_eq!(app.display().details_scroll, 0);
    // 110 columns: the legend takes the columns beside the dump.
    let app = demo_app(110, 30);
    assert!(app.areas().legend.width >= 20);
    assert!(text(&app).contains(" legend "));
}

/// The rows of `area` on the screen, trailing blanks trimmed.
fn rows_of(app: &App, area: ratatui::layout::Rect) -> Vec<String> {
    let t = screen(app);
    let buf = t.backend().buffer();
    (area.y..area.y + area.height)
        .map(|y| {
            (area.x..area.x + area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// The number in the details border's "↓ N more line(s)" hint, if it shows one.
fn lines_below(app: &App) -> Option<u16> {
    let top = rows_of(app, app.areas().details).remove(0);
    let at = top.find("↓ ")?;
    top[at + "↓ ".len()..].split(' ').next()?.parse().ok()
}

fn wheel_details(app: &mut App, lines: i64) {
    let a = app.areas().details;
    app.update(Command::Wheel {
        col: a.x + 1,
        row: a.y + 1,
        lines,
    });
}

#[test]
fn defect_4_details_scroll_stops_exactly_at_the_end_of_its_content() {
    // In compare mode the details hold more than fits at both sizes.
    for (w, h) in [(80u16, 24u16), (100, 30)] {
        let mut app = compare_app(w, h);
        app.update(Command::NextHeader);
        let below =
            lines_below(&app).unwrap_or_else(|| panic!("{w}x{h}: no hint:\n{}", text(&app)));
        let last_row = |app: &App| rows_of(app, app.areas().details).pop().unwrap();
        let end = app.details_lines().last().unwrap().to_string();
        assert!(!last_row(&app).starts_with(&end[..10]), "{w}x{h}");
        // One line short of the end: one more below, and the last line not yet shown.
        wheel_details(&mut app, below as i64 - 1);
        assert_eq!(lines_below(&app), Some(1), "{w}x{h}:\n{}", text(&app));
        // Exactly the hint's count: the last line of the content on the last row.
        wheel_details(&mut app, 1);
        assert_eq!(lines_below(&app), None, "{w}x{h}");
        // (the last line wraps: its last row is its tail)
        let last = last_row(&app);
        assert!(
            !last.is_empty() && end.ends_with(&last),
            "{w}x{h}: {last:?} is not the end of {end:?}:\n{}",
            text(&app)
        );
        assert!(rows_of(&app, app.areas().details)[0].contains("↑ more above: K"));
        // Pressing on past the end does not count: one K comes straight back up.
        for _ in 0..10 {
            app.update(Command::ScrollDetails(3));
        }
        wheel_details(&mut app, 30);
        assert_eq!(app.display().details_scroll, below, "{w}x{h}");
        app.update(Command::ScrollDetails(-3));
        assert_eq!(lines_below(&app), Some(3.min(below)), "{w}x{h}");
        for _ in 0..=below / 3 {
            app.update(Command::ScrollDetails(-3));
        }
        assert_eq!(app.display().details_scroll, 0);
        assert_eq!(lines_below(&app), Some(below));
    }
}

#[test]
fn the_value_inspector_and_the_help_stop_scrolling_at_their_end() {
    let mut app = demo_app(80, 24);
    app.update(Command::ToggleValues);
    let a = app.areas();
    assert_eq!(
        a.details.width, 0,
        "the values take the details' place at 80x24"
    );
    for _ in 0..30 {
        app.update(Command::ScrollDetails(3));
    }
    let rows = rows_of(&app, a.values);
    assert_eq!(rows.last().unwrap(), "p: jump to the far pointer's target");
    assert!(rows[0].contains("↑ more above: K"), "{rows:?}");
    app.update(Command::ScrollDetails(-3));
    assert!(
        rows_of(&app, a.values)[0].contains("↓ 3 more line(s)"),
        "{}",
        text(&app)
    );
    app.update(Command::Help);
    for _ in 0..50 {
        app.update(Command::Down);
    }
    assert!(text(&app).contains("Esc or ? closes this help."));
    app.update(Command::Up);
    assert!(
        text(&app).contains("↓ 1 more: arrows scroll"),
        "{}",
        text(&app)
    );
}

#[test]
fn j_scrolls_the_value_inspector_below_details_that_have_nothing_to_scroll() {
    // At 120x40 with nothing at the cursor the values sit below a short details pane.
    let mut app = demo_app(120, 40);
    app.update(Command::ToggleValues);
    let a = app.areas();
    assert!(a.details.width > 0 && a.values.height > 0);
    let top = rows_of(&app, a.values).remove(0);
    let below = |t: &str| -> u16 {
        let at = t.find("↓ ").expect("a hint");
        t[at + "↓ ".len()..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let before = below(&top);
    app.update(Command::ScrollDetails(3));
    let top = rows_of(&app, a.values).remove(0);
    assert!(
        !top.contains("↓ ") || below(&top) + 3 == before || below(&top) == 0,
        "J scrolled the values: {top}"
    );
    assert_ne!(app.display().values_scroll, 0, "{}", text(&app));
}

#[test]
fn defect_5_the_selection_persists_and_e_exports_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app_in(80, 24, dir.path());
    app.jump(0x100);
    app.update(Command::ToggleSelect);
    for _ in 0..3 {
        app.update(Command::Right);
    }
    app.update(Command::Down);
    app.update(Command::ToggleSelect);
    assert_eq!(app.selection(), Some((0x100, 0x114)));
    app.update(Command::Down);
    assert_eq!(
        app.selection(),
        Some((0x100, 0x114)),
        "kept after the second v"
    );
    assert!(text(&app).contains("sel 20"));
    step(&mut app, Command::Annotate);
    keys(&mut app, "odd bytes\n");
    assert_eq!(
        app.notes()
            .notes()
            .iter()
            .find(|n| n.text == "odd bytes")
            .map(|n| (n.start, n.end)),
        Some((0x100, 0x114))
    );
    step(&mut app, Command::Export);
    assert!(
        status(&app).starts_with("exported range-0AFA_0200-20 to ")
            || status(&app).starts_with("exported range-"),
        "{}",
        status(&app)
    );
    step(&mut app, Command::Copy);
    step(&mut app, Command::Char('c'));
    let c = files_in(dir.path(), ".c").remove(0);
    let body = std::fs::read_to_string(c).unwrap();
    assert!(
        body.contains("const unsigned char bytes_100[20] = {"),
        "{body}"
    );
    app.update(Command::Escape);
    assert_eq!(app.selection(), None);
}

#[test]
fn defect_6_a_note_outside_any_finding_reaches_the_text_export() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app_in(80, 24, dir.path());
    app.jump(0x20);
    step(&mut app, Command::Annotate);
    keys(&mut app, "free-standing\n");
    app.jump(0x10);
    step(&mut app, Command::Export);
    let text = std::fs::read_to_string(files_in(dir.path(), ".export.txt").remove(0)).unwrap();
    assert!(text.contains("free-standing"), "{text}");
}

#[test]
fn defect_7_list_rows_and_the_minimap_answer_clicks() {
    let mut app = demo_app(120, 40);
    app.update(Command::ToggleList);
    let a = app.areas();
    assert!(a.list.width >= 38);
    let s = text(&app);
    assert!(s.contains("randyyeh_ee"), "mailboxes are not cut:\n{s}");
    app.update(Command::Click {
        col: a.list.x + 2,
        row: a.list.y + 2,
    });
    let second = app.index().findings()[1].start;
    assert_eq!(app.cursor(), second);
    let m = app.areas().minimap;
    app.update(Command::Click {
        col: m.x,
        row: m.y + m.height - 1,
    });
    assert!(app.cursor() > app.view().size() / 2);
    assert!(
        text(&app).contains("map: "),
        "the minimap has a label in the legend"
    );
}

#[test]
fn value_inspector_reads_the_bytes_at_the_cursor() {
    let mut app = demo_app(120, 40);
    app.jump(0x3E00);
    app.update(Command::ToggleValues);
    let s = text(&app);
    assert!(s.contains("16-bit        LE 2573  BE 3338"), "{s}");
    insta::assert_snapshot!("values_120", s);
    let mut app = demo_app(200, 60);
    app.jump(0x3E00);
    app.update(Command::ToggleValues);
    let s = text(&app);
    assert!(
        s.contains("far pointer   0A0D:0A0D -> linear AADDh, outside the file at this origin"),
        "{s}"
    );
    assert!(
        s.contains("DOS time+date not a valid DOS time + date"),
        "{s}"
    );
    assert!(
        s.contains("CP437 text    \"♪◙♪◙Exporting messages in mailbo\""),
        "{s}"
    );
    insta::assert_snapshot!("values_200", s);
    let mut app = demo_app(80, 24);
    app.jump(0x3E00);
    app.update(Command::ToggleValues);
    insta::assert_snapshot!("values_80", text(&app));
}

#[test]
fn far_pointer_jump_goes_where_it_points() {
    let mut bytes = vec![0u8; 0x400];
    bytes[0x10..0x14].copy_from_slice(&[0x00, 0x02, 0x00, 0x00]);
    let src = Arc::new(Source::from_vec("ptr", bytes));
    let mut app = App::new(src, Origin::ZERO);
    app.update(Command::Resize {
        width: 80,
        height: 24,
    });
    app.jump(0x10);
    app.update(Command::FollowPointer);
    assert_eq!(app.cursor(), 0x200);
    app.update(Command::JumpMark);
    app.update(Command::Char('\''));
    assert_eq!(app.cursor(), 0x10);
}

#[test]
fn compare_pane_says_a_write_partly_past_the_compared_files_end_is_only_partly_there() {
    // The compared file is the evidence itself, cut 16 bytes into its last write (a wide
    // screen, so the pane's line is not wrapped).
    let mut app = demo_app(240, 40);
    let last = app
        .index()
        .findings()
        .iter()
        .filter(|f| f.kind == clanscope::detect::FindingKind::ConsoleWrite)
        .max_by_key(|f| f.start)
        .cloned()
        .unwrap();
    let cut = last.start as usize + 16;
    let other = Arc::new(Source::from_vec(
        "backup/CLANDATA",
        demo::STORE[..cut].to_vec(),
    ));
    let c = Comparison::new(app.src(), other);
    assert!(c.done());
    app.set_compare(c);
    app.jump(last.start);
    let s = text(&app);
    let want = format!(
        "the compared file holds the same bytes over this write's first 16 byte(s); {} byte(s) lie past its end",
        last.end as usize - cut
    );
    assert!(s.contains(&want), "{want} missing: {s}");
    assert!(!s.contains("(the write is there too)"), "{s}");
}

#[test]
fn compare_mode_marks_differences_walks_them_and_names_what_was_destroyed() {
    let mut app = compare_app(120, 40);
    let ranges = app.comparison().unwrap().diff().ranges.clone();
    assert!(!ranges.is_empty());
    app.update(Command::NextDiff);
    assert_eq!(app.cursor(), ranges[0].0);
    let s = text(&app);
    assert!(s.contains("compared file at"), "{s}");
    assert!(s.contains("this write destroyed:"), "{s}");
    assert!(s.contains("\"Message:\\r\\n1200"), "{s}");
    let t = screen(&app);
    let row = 1 + 3;
    let cell = &t.backend().buffer()[(1 + 11 + 3, row)];
    assert!(
        cell.bg == theme::overlay(Overlay::Diff).bg.unwrap()
            || cell.bg == theme::overlay(Overlay::Write).bg.unwrap()
    );
    insta::assert_snapshot!("compare_120", s);
    for _ in 0..ranges.len() {
        app.update(Command::NextDiff);
    }
    assert!(
        status(&app).contains("(wrapped to the first)"),
        "{}",
        status(&app)
    );
    let mut app = compare_app(80, 24);
    app.update(Command::NextDiff);
    insta::assert_snapshot!("compare_80", text(&app));
}

/// Review 38 (#3) for the inspector: `e` in compare mode names the compared file (name, size,
/// SHA-256) and says what each write destroyed, as `export --compare` does.
#[test]
fn an_export_in_compare_mode_names_the_compared_file_and_what_was_destroyed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app_in(120, 40, dir.path());
    let backup = demo::make_backup();
    let other = Arc::new(Source::from_vec("backup/CLANDATA", backup.clone()));
    app.set_compare(Comparison::new(app.src(), other));
    step(&mut app, Command::NextHeader);
    step(&mut app, Command::Export);
    let export = files_in(dir.path(), ".export.txt").remove(0);
    let text = std::fs::read_to_string(&export).unwrap();
    let sha = clanscope::notes::sha256_all(&backup);
    for line in [
        "Compared:  backup/CLANDATA".to_string(),
        format!("Compared size: {} bytes", backup.len()),
        format!("Compared SHA-256: {sha}"),
    ] {
        assert!(text.lines().any(|l| l.trim_end() == line), "{line}\n{text}");
    }
    assert!(text.contains("Destroyed:"), "{text}");
    // While the comparison runs, the export waits for it rather than leaving it out.
    let mut app = demo_app_in(120, 40, dir.path());
    // A compared file over the size compared at once: the worker (not started here) has not
    // reported yet.
    let big = Arc::new(Source::from_vec("big", vec![0; 17 << 20]));
    let c = Comparison::new(app.src(), big);
    assert!(!c.done());
    app.set_compare(c);
    step(&mut app, Command::NextHeader);
    step(&mut app, Command::Export);
    assert_eq!(files_in(dir.path(), ".export.txt").len(), 1);
    assert!(
        status(&app).contains("the comparison is still running"),
        "{}",
        status(&app)
    );
}

#[test]
fn glyphs_and_cp437_in_the_ascii_column() {
    let src = Arc::new(Source::from_vec("g", vec![0, b' ', 1, 0xB0, b'A']));
    let mut app = App::new(src, Origin::ZERO);
    app.update(Command::Resize {
        width: 80,
        height: 24,
    });
    assert!(text(&app).contains("   ⋄ •×A "), "{}", text(&app));
    app.update(Command::ToggleGlyphs);
    assert!(text(&app).contains("   . ..A "), "{}", text(&app));
    app.update(Command::ToggleCp437);
    assert!(text(&app).contains("     ☺░A "), "{}", text(&app));
}

#[test]
fn notes_list_edits_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app_in(120, 40, dir.path());
    for (at, t) in [(0x40u64, "first"), (0x10, "zeroth")] {
        app.jump(at);
        step(&mut app, Command::Annotate);
        keys(&mut app, &format!("{t}\n"));
    }
    step(&mut app, Command::NotesList);
    assert!(matches!(app.mode(), Mode::List(ListKind::Notes, _)));
    step(&mut app, Command::Home);
    step(&mut app, Command::Char('e'));
    app.update(Command::Edit(Edit::KillStart));
    keys(&mut app, "edited\n");
    assert_eq!(app.notes().notes()[0].text, "edited");
    step(&mut app, Command::Delete);
    assert_eq!(app.notes().notes().len(), 1);
    let sidecar = files_in(dir.path(), ".clanscope-notes.json").remove(0);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sidecar).unwrap()).unwrap();
    assert_eq!(v["notes"].as_array().unwrap().len(), 1);
    assert_eq!(v["notes"][0]["text"], "first");
    assert!(
        status(&app).ends_with("(u brings it back)"),
        "{}",
        status(&app)
    );
    // `u` brings the deleted note back, as it was, in the list and the sidecar; once.
    step(&mut app, Command::Char('u'));
    assert_eq!(status(&app), "note brought back");
    let texts: Vec<&str> = app
        .notes()
        .notes()
        .iter()
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(texts, ["edited", "first"]);
    assert!(matches!(app.mode(), Mode::List(ListKind::Notes, 0)));
    let sidecar = files_in(dir.path(), ".clanscope-notes.json").remove(0);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sidecar).unwrap()).unwrap();
    let mut saved: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    saved.sort();
    assert_eq!(saved, ["edited", "first"]);
    step(&mut app, Command::Char('u'));
    assert_eq!(status(&app), "no deleted note to bring back");
    assert_eq!(app.notes().notes().len(), 2);
}

/// The demo, scanned and hashed, at `w`×`h`, writing into `out`, by examiner `who`.
fn demo_app_by(w: u16, h: u16, out: &Path, who: &str) -> App {
    let settings = Settings {
        examiner: Some(who.into()),
        ..Settings::default()
    };
    let src = Arc::new(demo_src());
    let mut app = App::with_settings(src.clone(), demo::ORIGIN, settings, out.into(), None);
    let report = Engine::default().scan(&*src, Path::new("CLANDATA"), &Control::new());
    app.absorb(ScanMsg::Done(report));
    app.update(Command::Resize {
        width: w,
        height: h,
    });
    app.absorb(ScanMsg::Hash(clanscope::notes::sha256_all(demo::STORE)));
    effects::apply(&mut app);
    app
}

/// Adds a note at file offset `at` (on the byte, outside any finding).
fn add_note(app: &mut App, at: u64, text: &str) {
    app.jump(at);
    step(app, Command::Annotate);
    keys(app, &format!("{text}\n"));
}

fn note_texts(app: &App) -> Vec<String> {
    app.notes().notes().iter().map(|n| n.text.clone()).collect()
}

/// The notes in the sidecar on disk.
fn sidecar_texts(dir: &Path) -> Vec<String> {
    let p = files_in(dir, ".clanscope-notes.json").remove(0);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap().to_string())
        .collect()
}

/// Opens the notes list on note `i` and deletes it.
fn delete_note(app: &mut App, i: usize) {
    step(app, Command::NotesList);
    step(app, Command::Home);
    for _ in 0..i {
        step(app, Command::Down);
    }
    step(app, Command::Delete);
    step(app, Command::Escape);
}

#[test]
fn notes_show_examiner_and_time_in_the_list_and_details_and_an_edit_restamps_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut kim = demo_app_by(120, 40, dir.path(), "kim");
    add_note(&mut kim, 0x10, "zeroth");
    let n = kim.notes().notes()[0].clone();
    assert_eq!(n.examiner.as_deref(), Some("kim"));
    let time = n.time.clone().expect("a time");
    assert!(humantime::parse_rfc3339(&time).is_ok(), "{time}");
    // The details pane at the note's byte.
    let want = format!("note 0AFA:0110: zeroth (by kim, {time})");
    let lines: Vec<String> = kim.details_lines().iter().map(|l| l.to_string()).collect();
    assert!(lines.contains(&want), "{lines:?}");
    assert!(text(&kim).contains("note 0AFA:0110: zeroth (by kim,"));
    // The list row: address, length, the time to the minute, the examiner, the text.
    step(&mut kim, Command::NotesList);
    let row = format!(
        "0AFA:0110 {} kim: zeroth",
        &time[5..16].replacen('T', " ", 1)
    );
    assert!(text(&kim).contains(&row), "{row}\n{}", text(&kim));
    step(&mut kim, Command::Escape);
    // Another examiner edits it: the note now carries lee's name and the edit's time.
    let mut lee = demo_app_by(120, 40, dir.path(), "lee");
    assert_eq!(note_texts(&lee), ["zeroth"]);
    step(&mut lee, Command::NotesList);
    step(&mut lee, Command::Char('e'));
    lee.update(Command::Edit(Edit::KillStart));
    keys(&mut lee, "first seen by kim\n");
    let e = lee.notes().notes()[0].clone();
    assert_eq!(e.text, "first seen by kim");
    assert_eq!(e.examiner.as_deref(), Some("lee"));
    assert!(e.time.is_some());
    assert_eq!(sidecar_texts(dir.path()), ["first seen by kim"]);
    assert!(text(&lee).contains(" lee: first seen b…"), "{}", text(&lee));
}

#[test]
fn two_inspectors_keep_each_others_notes_and_a_deleted_note_stays_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = demo_app_by(120, 40, dir.path(), "kim");
    add_note(&mut a, 0x10, "n1");
    add_note(&mut a, 0x20, "n2");
    let mut b = demo_app_by(120, 40, dir.path(), "lee");
    assert_eq!(note_texts(&b), ["n1", "n2"]);
    // A deletes n1; B, which still shows it, adds n3: n1 stays deleted.
    delete_note(&mut a, 0);
    assert_eq!(sidecar_texts(dir.path()), ["n2"]);
    add_note(&mut b, 0x30, "n3");
    assert_eq!(sidecar_texts(dir.path()), ["n2", "n3"]);
    assert_eq!(note_texts(&b), ["n2", "n3"], "B shows what was merged");
    // B deletes n2 while A adds n4: both changes hold, on disk and on A's screen.
    delete_note(&mut b, 0);
    add_note(&mut a, 0x40, "n4");
    assert_eq!(sidecar_texts(dir.path()), ["n3", "n4"]);
    assert_eq!(note_texts(&a), ["n3", "n4"]);
    // A's edit of n4 and B's later addition: the edit is kept, the old text gone.
    step(&mut a, Command::NotesList);
    step(&mut a, Command::End);
    step(&mut a, Command::Char('e'));
    a.update(Command::Edit(Edit::KillStart));
    keys(&mut a, "n4 edited\n");
    add_note(&mut b, 0x50, "n5");
    assert_eq!(sidecar_texts(dir.path()), ["n3", "n4 edited", "n5"]);
}

/// Writes the demo's sidecar holding `notes` into `dir`, as another tool or a hand would.
fn demo_sidecar_with(dir: &Path, notes: Vec<clanscope::notes::Note>) {
    let sha = clanscope::notes::sha256_all(demo::STORE);
    let mut s = clanscope::notes::Sidecar::new("CLANDATA", demo::STORE.len() as u64, &sha);
    s.notes = notes;
    std::fs::write(
        dir.join(clanscope::notes::default_path("CLANDATA", &sha)),
        s.to_json(),
    )
    .unwrap();
}

#[test]
fn deleting_one_of_two_identical_notes_leaves_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let twin = clanscope::notes::Note {
        start: 0x10,
        end: 0x11,
        text: "imported twice".into(),
        source: Some("other-tool".into()),
        ..Default::default()
    };
    demo_sidecar_with(dir.path(), vec![twin.clone(), twin]);
    let mut app = demo_app_by(120, 40, dir.path(), "kim");
    assert_eq!(note_texts(&app), ["imported twice", "imported twice"]);
    delete_note(&mut app, 0);
    assert_eq!(sidecar_texts(dir.path()), ["imported twice"]);
    assert_eq!(note_texts(&app), ["imported twice"]);
}

/// A note the sidecar places past the end of the file (made on a longer copy, or by hand):
/// Enter on it in the list says so, where it said "note 1 at" the last byte (a review).
#[test]
fn a_note_past_the_end_is_said_to_be_there() {
    let dir = tempfile::tempdir().unwrap();
    let size = demo::STORE.len() as u64;
    let far = clanscope::notes::Note {
        start: size + 0x100,
        end: size + 0x104,
        text: "made on a longer copy".into(),
        ..Default::default()
    };
    demo_sidecar_with(dir.path(), vec![far]);
    let mut app = demo_app_by(120, 40, dir.path(), "kim");
    step(&mut app, Command::NotesList);
    step(&mut app, Command::Enter);
    assert_eq!(
        status(&app),
        format!(
            "note 1 starts at offset {}, past the end of the file ({size} bytes): the cursor is on its last byte",
            size + 0x100
        )
    );
    assert_eq!(app.cursor(), size - 1);
}

#[test]
fn a_note_made_before_the_hash_is_known_is_saved_beside_the_notes_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = demo_app_by(120, 40, dir.path(), "kim");
    add_note(&mut first, 0x10, "earlier");
    // A second inspector notes something before its hash is done.
    let mut app = scanned_app(demo_src(), "CLANDATA", demo::ORIGIN, 120, 40, dir.path());
    add_note(&mut app, 0x20, "while hashing");
    assert_eq!(
        status(&app),
        "kept; saved to the notes file once the file's SHA-256 is known"
    );
    app.absorb(ScanMsg::Hash(clanscope::notes::sha256_all(demo::STORE)));
    effects::apply(&mut app);
    assert_eq!(sidecar_texts(dir.path()), ["earlier", "while hashing"]);
    assert!(
        status(&app).starts_with("notes saved to "),
        "{}",
        status(&app)
    );
}

/// Review 64 (D2): a note made before the hash was known was lost when `q` came first: the
/// inspector quit at once. `q` now says the notes are not saved yet, as for notes that could
/// not be saved; once the hash comes and they are saved, `q` quits at once.
#[test]
fn q_before_the_hash_is_known_asks_before_losing_notes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = scanned_app(demo_src(), "CLANDATA", demo::ORIGIN, 120, 40, dir.path());
    add_note(&mut app, 0x20, "early");
    step(&mut app, Command::Quit);
    assert!(!app.quitting());
    assert_eq!(
        status(&app),
        "notes not saved (the SHA-256 naming the notes file is not known yet); q again quits and loses them"
    );
    app.absorb(ScanMsg::Hash(clanscope::notes::sha256_all(demo::STORE)));
    effects::apply(&mut app);
    assert_eq!(sidecar_texts(dir.path()), ["early"]);
    assert!(
        status(&app).starts_with("notes saved to "),
        "{}",
        status(&app)
    );
    step(&mut app, Command::Quit);
    assert!(app.quitting());
    // Without waiting, a second q quits and the note is lost, as said.
    let dir = tempfile::tempdir().unwrap();
    let mut app = scanned_app(demo_src(), "CLANDATA", demo::ORIGIN, 120, 40, dir.path());
    add_note(&mut app, 0x20, "early");
    step(&mut app, Command::Quit);
    step(&mut app, Command::Quit);
    assert!(app.quitting());
}

#[test]
fn an_edit_open_while_the_sidecar_loads_changes_the_note_it_was_opened_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = demo_app_by(120, 40, dir.path(), "kim");
    add_note(&mut first, 0x10, "kim's");
    // Another inspector, before its hash is known, notes 0x20 and starts editing that note.
    let mut app = scanned_app(demo_src(), "CLANDATA", demo::ORIGIN, 120, 40, dir.path());
    add_note(&mut app, 0x20, "mine");
    step(&mut app, Command::NotesList);
    step(&mut app, Command::Char('e'));
    // The hash arrives: kim's note (at 0x10) now comes first in the list.
    app.absorb(ScanMsg::Hash(clanscope::notes::sha256_all(demo::STORE)));
    effects::apply(&mut app);
    assert_eq!(note_texts(&app), ["kim's", "mine"]);
    app.update(Command::Edit(Edit::KillStart));
    keys(&mut app, "mine, edited\n");
    assert_eq!(note_texts(&app), ["kim's", "mine, edited"]);
    assert_eq!(sidecar_texts(dir.path()), ["kim's", "mine, edited"]);
}

#[test]
fn overlay_marks_exactly_the_write() {
    let mut app = demo_app(80, 24);
    app.update(Command::NextHeader);
    let t = screen(&app);
    let buf = t.backend().buffer();
    let w = theme::overlay(Overlay::Write).bg.unwrap();
    // Row of 0AFA:3F00 is 3 below the top (row 1): row 4; hex of byte k at column 1 + 11 + 3k.
    let row = 4;
    let line: String = (0..80)
        .map(|x| buf[(x, row)].symbol().to_string())
        .collect();
    assert!(line.starts_with("▶0AFA:3F00"), "{line}");
    for k in 0..16u16 {
        assert_eq!(buf[(1 + 11 + 3 * k, row)].bg, w, "byte {k}");
        assert_eq!(buf[(1 + 61 + k, row)].bg, w);
    }
    // 0AFA:3F40: bytes 0..12 (to the LF at 0AFA:3F4B) are the write; 'A' at 0AFA:3F4C is not.
    for k in 0..16u16 {
        assert_eq!(buf[(1 + 11 + 3 * k, 8)].bg == w, k < 12, "byte {k}");
    }
    assert_ne!(buf[(1 + 11, 3)].bg, w);
}

#[test]
fn shrinking_file_shows_a_warning_not_a_crash() {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), vec![0x41u8; 65536]).unwrap();
    let src = Arc::new(Source::open(f.path()).unwrap());
    let mut app = App::new(src, Origin::ZERO);
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
    assert_eq!(app.view().size(), 1000);
    assert_eq!(app.cursor(), 999);
    assert_eq!(
        status(&app),
        "the file changed size while open: 65536 -> 1000 bytes; showing 1000"
    );
    assert!(text(&app).contains("0000:03E0  41 41 41 41 41 41 41 41"));
}

/// Review 36: a file truncated under a read and grown back was shown at the page where the
/// read faulted (`344064 B`, a size it never had), and `G` stopped there.
#[test]
fn a_file_that_shrank_under_a_read_and_grew_back_is_shown_at_its_size_again() {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), vec![0x41u8; 1 << 20]).unwrap();
    let src = Arc::new(Source::open(f.path()).unwrap());
    let mut app = App::new(src.clone(), Origin::ZERO);
    app.update(Command::Resize {
        width: 80,
        height: 24,
    });
    let cut = |len: u64| {
        std::fs::OpenOptions::new()
            .write(true)
            .open(f.path())
            .unwrap()
            .set_len(len)
            .unwrap()
    };
    cut(1000);
    // A read (a search, say) past the new end: it faults, and gets zeros.
    assert_eq!(src.bytes()[500_000], 0);
    app.recheck_size();
    assert_eq!(app.view().size(), 1000);
    cut(1 << 20);
    app.recheck_size();
    assert_eq!(app.view().size(), 1 << 20);
    assert_eq!(
        status(&app),
        "the file changed size while open: 1000 -> 1048576 bytes; showing 1048576; findings and \
         matches past 1000, if any, were dropped when it shrank (reopen to scan again)"
    );
    app.update(Command::End);
    assert_eq!(app.cursor(), (1 << 20) - 1);
    assert_eq!(src.bytes()[500_000], 0);
    assert_eq!(src.check(), Ok(()));
}

#[test]
fn growing_file_is_reported_once_and_shown_as_opened() {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), vec![0x41u8; 4096]).unwrap();
    let src = Arc::new(Source::open(f.path()).unwrap());
    let mut app = App::new(src, Origin::ZERO);
    std::fs::OpenOptions::new()
        .append(true)
        .open(f.path())
        .unwrap()
        .set_len(10_000)
        .unwrap();
    app.recheck_size();
    assert_eq!(app.view().size(), 4096);
    assert_eq!(status(&app), "the file grew to 10000 bytes since it was opened; showing the 4096 bytes it had then (reopen to see the rest)");
    app.update(Command::Right);
    app.recheck_size();
    assert_eq!(app.status(), None, "said once");
}

#[test]
fn empty_file_views_as_empty() {
    let src = Arc::new(Source::from_vec("empty", Vec::new()));
    let mut app = App::new(src, Origin::ZERO);
    app.update(Command::Resize {
        width: 80,
        height: 24,
    });
    for c in [
        Command::Down,
        Command::End,
        Command::NextHeader,
        Command::PageDown,
        Command::ToggleValues,
        Command::FollowPointer,
        Command::Copy,
    ] {
        step(&mut app, c);
    }
    assert!(text(&app).contains(" empty file (0 bytes)"));
    // `v` with the values pane open drew a selection of one byte that is not there and
    // panicked (found by a hostile review); there is nothing to select.
    for _ in 0..2 {
        step(&mut app, Command::ToggleSelect);
        let _ = text(&app);
        assert_eq!(
            status(&app),
            "the file is empty: there is no byte to select"
        );
    }
    assert_eq!(app.selection(), None);
    assert!(text(&app).contains(" empty file (0 bytes)"));
    // Nor a byte to note or bookmark (a review saw both saved for a byte that is not there).
    for c in [Command::Annotate, Command::Mark] {
        step(&mut app, c);
        assert_eq!(
            status(&app),
            "the file is empty: there is no byte to note or mark"
        );
        keys(&mut app, "a\n");
    }
    assert!(app.notes().notes().is_empty() && app.notes().bookmarks().is_empty());
}

#[test]
fn snapshot_demo_at_start() {
    insta::assert_snapshot!("demo_start", screen(&demo_app(80, 24)).backend());
}

#[test]
fn snapshot_after_n() {
    let mut app = demo_app(80, 24);
    app.update(Command::NextHeader);
    insta::assert_snapshot!("after_n", screen(&app).backend());
}

#[test]
fn snapshots_at_every_size_after_n() {
    for (w, h) in [(100u16, 30u16), (120, 40), (200, 60)] {
        let mut app = demo_app(w, h);
        app.update(Command::NextHeader);
        insta::assert_snapshot!(format!("after_n_{w}x{h}"), screen(&app).backend());
    }
}

#[test]
fn snapshot_help() {
    let mut app = demo_app(80, 24);
    app.update(Command::Help);
    insta::assert_snapshot!("help", screen(&app).backend());
    app.update(Command::Down);
    let mut big = demo_app(120, 45);
    big.update(Command::Help);
    insta::assert_snapshot!("help_120x45", screen(&big).backend());
}

#[test]
fn where_notes_go_is_said_after_a_quick_scan_and_in_the_help() {
    // A review saw the start's word on the case folder replaced by "scan done" at once.
    let out = Path::new("/cases/2026-11/a rather long case folder name/clanscope-exports");
    let src = Arc::new(demo_src());
    let mut app = App::with_settings(
        src.clone(),
        demo::ORIGIN,
        Settings::default(),
        out.to_path_buf(),
        None,
    );
    app.update(Command::Resize {
        width: 80,
        height: 24,
    });
    let said = app.case_folder_said();
    assert_eq!(said, format!("notes and exports go to {}", out.display()));
    app.say_case_folder();
    let report = Engine::default().scan(&*src, Path::new("CLANDATA"), &Control::new());
    app.absorb(ScanMsg::Done(report.clone()));
    assert_eq!(
        status(&app),
        format!("scan done: 6 damaged header(s), 6 finding(s) (+1 weaker); {said}")
    );
    // Too long for the line: it ends in `…`, so a cut path never reads as whole.
    let t = screen(&app);
    let last: String = (0..80)
        .map(|x| t.backend().buffer()[(x, 23)].symbol().to_string())
        .collect();
    assert_eq!(
        last,
        "scan done: 6 damaged header(s), 6 finding(s) (+1 weaker); notes and exports go …"
    );
    // Said once the scan is done only while nothing else was said since.
    app.update(Command::Mark);
    app.update(Command::Char('a'));
    assert!(status(&app).starts_with("bookmark 'a' at "));
    app.absorb(ScanMsg::Done(report));
    assert_eq!(
        status(&app),
        "scan done: 6 damaged header(s), 6 finding(s) (+1 weaker); n: next damaged header"
    );
    // The help's last line says it, its end kept in the 78 columns inside the box.
    app.update(Command::Help);
    for _ in 0..20 {
        app.update(Command::Down);
    }
    let t = screen(&app);
    let rows: Vec<String> = (0..24)
        .map(|y| {
            (0..80)
                .map(|x| t.backend().buffer()[(x, y)].symbol().to_string())
                .collect()
        })
        .collect();
    let last = rows
        .iter()
        .find(|r| r.contains("Notes and exports go to"))
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!(
        last.as_str(),
        "│ Notes and exports go to …-11/a rather long case folder name/clanscope-exports│"
    );
}

#[test]
fn every_key_of_the_help_is_in_the_readme() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for (k, _) in clanscope::tui::keys::HELP {
        assert!(
            readme.contains(&format!("| `{k}` |")),
            "README key table lacks `{k}`"
        );
    }
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
    insta::assert_snapshot!("tiny", screen(&demo_app(60, 15)).backend());
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
fn healthy_ccm_headers_get_their_overlay() {
    let app = ccm_app(0, 80, 24);
    let t = screen(&app);
    let c = theme::overlay(Overlay::CcmHeader).bg.unwrap();
    assert_eq!(t.backend().buffer()[(1 + 11 + 3, 1)].bg, c);
}

#[test]
fn snapshot_picker() {
    let root = Path::new("assets/demo");
    let (files, errors) = clanscope::source::walk::files(&[root.to_path_buf()]);
    assert!(errors.is_empty());
    let mut p = Picker::new(root.to_path_buf(), files.clone());
    let engine = Engine::default();
    for (i, f) in files.into_iter().enumerate() {
        p.entries[i] =
            picker::scan_entry(&engine, f, None, &Settings::default(), &Default::default());
    }
    p.update(&Command::Down, 20);
    let mut t = Terminal::new(TestBackend::new(110, 12)).unwrap();
    t.draw(|f| p.render(f)).unwrap();
    insta::assert_snapshot!("picker", t.backend());
    // At 80 columns every column still shows; long paths keep their file name.
    let mut t = Terminal::new(TestBackend::new(80, 12)).unwrap();
    t.draw(|f| p.render(f)).unwrap();
    let screen = format!("{}", t.backend());
    assert!(screen.contains("headers findings"), "{screen}");
    assert!(screen.contains("…t.bak/MSG0013.CCM"), "{screen}");
    assert!(screen.contains("0AFA:0100       6      6+1"), "{screen}");
    insta::assert_snapshot!("picker_80", t.backend());
}

#[test]
fn mouse_click_places_the_cursor_and_the_wheel_scrolls() {
    let mut app = demo_app(80, 24);
    app.update(Command::NextHeader);
    app.update(Command::Click {
        col: 1 + 11 + 15,
        row: 4,
    });
    assert_eq!(app.cursor(), 0x3E05);
    app.update(Command::Click {
        col: 1 + 61 + 9,
        row: 5,
    });
    assert_eq!(app.cursor(), 0x3E19);
    app.update(Command::Click { col: 5, row: 0 });
    assert_eq!(app.cursor(), 0x3E19);
    let top = app.view().top();
    app.update(Command::Wheel {
        col: 5,
        row: 5,
        lines: 3,
    });
    assert_eq!(app.view().top(), top + 3);
    app.update(Command::Wheel {
        col: 5,
        row: 5,
        lines: -3,
    });
    assert_eq!(app.view().top(), top);
}

#[test]
fn a_report_with_headers_streamed_equals_the_final_one() {
    let src = Arc::new(demo_src());
    let r: Report = Engine::default().scan(&*src, Path::new("CLANDATA"), &Control::new());
    let mut app = App::new(src, demo::ORIGIN);
    app.absorb(ScanMsg::Findings(r.findings.clone()));
    for h in &r.headers {
        app.absorb(ScanMsg::Header(h.clone()));
    }
    assert_eq!(app.index().findings(), &r.findings[..]);
    assert_eq!(app.index().headers(), &r.headers[..]);
}

mod random_keys {
    //! Random keys and resizes against a file that shrinks while open: no panic, and the state
    //! stays consistent (cursor, view, selection and lists inside the file as it is now).
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Cmd(Command),
        Shrink(u64),
    }

    fn command() -> impl Strategy<Value = Command> {
        let simple = prop::sample::select(vec![
            Command::Up,
            Command::Down,
            Command::Left,
            Command::Right,
            Command::PageUp,
            Command::PageDown,
            Command::HalfUp,
            Command::HalfDown,
            Command::Home,
            Command::End,
            Command::NextHeader,
            Command::PrevHeader,
            Command::NextFinding,
            Command::PrevFinding,
            Command::NextMessage,
            Command::PrevMessage,
            Command::NextDiff,
            Command::Goto,
            Command::SetOrigin,
            Command::SearchText,
            Command::SearchHex,
            Command::SearchRegex,
            Command::SearchNext,
            Command::SearchPrev,
            Command::Mark,
            Command::JumpMark,
            Command::ToggleSelect,
            Command::Annotate,
            Command::Copy,
            Command::ToggleWeak,
            Command::ToggleList,
            Command::MatchList,
            Command::NotesList,
            Command::ToggleValues,
            Command::FollowPointer,
            Command::ToggleGlyphs,
            Command::ToggleCp437,
            Command::ScrollDetails(3),
            Command::ScrollDetails(-3),
            Command::Help,
            Command::Escape,
            Command::Enter,
            Command::Delete,
            Command::Edit(Edit::Backspace),
            Command::Edit(Edit::Home),
            Command::Edit(Edit::Older),
        ]);
        prop_oneof![
            8 => simple,
            2 => prop::sample::select(vec!['a', '\'', '0', 'x', 'E', '%', ':', '?', ' ', '+', '#', 'h', 'e', 'c'])
                .prop_map(|c| Command::Edit(Edit::Char(c))),
            1 => prop::sample::select(vec!['a', '\'', 'h', 'd', 'c', 'e', 'z'])
                .prop_map(Command::Char),
            1 => (0u16..220, 0u16..70).prop_map(|(col, row)| Command::Click { col, row }),
            1 => (0u16..220, 0u16..70, -9i64..9)
                .prop_map(|(col, row, lines)| Command::Wheel { col, row, lines }),
            1 => (20u16..220, 5u16..70).prop_map(|(width, height)| Command::Resize { width, height }),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![30 => command().prop_map(Op::Cmd), 1 => (0u64..70_000).prop_map(Op::Shrink)]
    }

    fn check(app: &App) {
        let v = app.view();
        let size = v.size();
        if size > 0 {
            assert!(v.cursor() < size, "cursor {} size {size}", v.cursor());
            assert!(v.top() < v.line_count().max(1));
        } else {
            assert_eq!(v.cursor(), 0);
        }
        if let Some((a, b)) = app.selection() {
            assert!(a < b && b <= size.max(1), "selection {a}..{b} size {size}");
        }
        if let Mode::List(k, sel) = app.mode() {
            let n = app.list_len(*k);
            assert!(*sel < n.max(1), "list {k:?} row {sel} of {n}");
        }
        assert!(app.index().findings().iter().all(|f| f.start < size.max(1)));
        assert!(app.search().matches().iter().all(|m| m.1 <= size));
        let s = v.screen();
        let mut t = Terminal::new(TestBackend::new(s.width, s.height)).unwrap();
        t.draw(|f| render(app, f)).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn keys_and_resizes_on_a_shrinking_file(
            len in 0usize..70_000,
            at in 0usize..70_000,
            ops in prop::collection::vec(op(), 1..120),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("CLANDATA");
            let mut bytes = common::noise(len, 7);
            if len >= 128 {
                let at = at.min(len - 128);
                bytes[at..at + 128].copy_from_slice(&demo::ARTICLE);
            }
            std::fs::write(&p, &bytes).unwrap();
            let src = Arc::new(Source::open(&p).unwrap());
            let mut app = App::with_settings(src.clone(), Origin::ZERO, Settings::default(), dir.path().to_path_buf(), None);
            app.absorb(ScanMsg::Done(Engine::default().scan(&*src, &p, &Control::new())));
            app.update(Command::Resize { width: 100, height: 30 });
            for op in ops {
                match op {
                    Op::Cmd(c) => {
                        app.update(c);
                        app.take_effects();
                    }
                    Op::Shrink(n) => {
                        let now = app.view().size();
                        std::fs::OpenOptions::new().write(true).open(&p).unwrap().set_len(n.min(now)).unwrap();
                        app.recheck_size();
                    }
                }
                check(&app);
                if app.quitting() {
                    break;
                }
            }
        }
    }
}

/// A file at `rel` under `dir`, modified at `secs` after the epoch.
fn related_file(dir: &Path, rel: &str, secs: u64) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, b"x").unwrap();
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    std::fs::File::options()
        .write(true)
        .open(&p)
        .unwrap()
        .set_modified(t)
        .unwrap();
    p
}

#[test]
fn the_details_link_a_named_file_to_the_file_in_a_related_folder() {
    use clanscope::report::related::{Related, LIMIT};
    let dir = tempfile::tempdir().unwrap();
    // 1998-06-02T08:41:07Z.
    let named = related_file(dir.path(), "Ccmcdata/Export/MSG4A27.CCM", 896_776_867);
    related_file(dir.path(), "Ccmcdata/Export.bak/MSG4A27.CCM", 896_776_900);
    let mut app = demo_app(120, 40);
    app.update(Command::NextFinding);
    let before: Vec<String> = app.details_lines().iter().map(|l| l.to_string()).collect();
    assert!(before[0].starts_with("#1 console-write"), "{before:?}");
    // Until the folders are listed, nothing is said about them.
    assert!(!before.iter().any(|l| l.contains("->")), "{before:?}");
    app.absorb(ScanMsg::Related(Arc::new(Related::walk(
        &[dir.path().to_path_buf()],
        LIMIT,
    ))));
    let lines: Vec<String> = app.details_lines().iter().map(|l| l.to_string()).collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("mailbox randyyeh_ee"))
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert_eq!(
        lines[at + 1],
        format!(
            "EXPORT\\MSG4A27.CCM -> {} (path match, modified 1998-06-02T08:41:07Z)",
            named.display()
        )
    );
    assert_eq!(
        lines[at + 2],
        format!(
            "EXPORT\\MSG4A27.CCM -> {} (name match, modified 1998-06-02T08:41:40Z)",
            dir.path().join("Ccmcdata/Export.bak/MSG4A27.CCM").display()
        )
    );
    assert_eq!(
        lines[at + 3],
        format!(
            "randyyeh_ee: not among 2 file(s) under {}",
            dir.path().display()
        )
    );
}

/// The addresses of the dump lines on screen, top to bottom.
fn dump_addresses(app: &App) -> Vec<String> {
    rows_of(app, app.areas().dump)
        .iter()
        .map(|r| r.chars().skip(1).take(9).collect::<String>())
        .filter(|a| a.len() == 9 && a.as_bytes()[4] == b':')
        .collect()
}

/// The file offset of a dump line's address (the demo's origin is 0AFA:0100).
fn demo_line_offset(addr: &str) -> u64 {
    let (seg, off) = addr.split_once(':').unwrap();
    let lin = u64::from_str_radix(seg, 16).unwrap() * 16 + u64::from_str_radix(off, 16).unwrap();
    lin - (0x0AFA * 16 + 0x100)
}

#[test]
fn page_down_shows_the_line_after_the_last_one_shown_and_page_up_comes_back() {
    for (w, h) in [(120u16, 40u16), (80, 24)] {
        let mut app = demo_app(w, h);
        app.update(Command::Home);
        let rows = app.rows();
        let first = dump_addresses(&app);
        assert_eq!(first.len() as u64, rows, "{w}x{h}");
        assert_eq!(first[0], "0AFA:0100");
        app.update(Command::PageDown);
        let next = dump_addresses(&app);
        let last_shown = demo_line_offset(first.last().unwrap());
        assert_eq!(
            demo_line_offset(&next[0]),
            last_shown + 16,
            "{w}x{h}: PgDn after {first:?} shows {next:?}"
        );
        assert_eq!(
            app.cursor(),
            rows * 16,
            "{w}x{h}: the cursor moved one page"
        );
        app.update(Command::PageUp);
        assert_eq!(dump_addresses(&app), first, "{w}x{h}: PgUp comes back");
        assert_eq!(app.cursor(), 0, "{w}x{h}");
        // Ctrl-f / Ctrl-b are the same commands; page through the whole file and back: no
        // line is ever skipped, and the last page ends at the file's last line.
        let mut seen = std::collections::BTreeSet::new();
        let mut prev_last = None;
        for _ in 0..app.view().line_count() / rows + 2 {
            let shown = dump_addresses(&app);
            if let Some(p) = prev_last {
                assert!(demo_line_offset(&shown[0]) <= p + 16, "{w}x{h}: skipped");
            }
            prev_last = shown.last().map(|a| demo_line_offset(a));
            seen.extend(shown.iter().map(|a| demo_line_offset(a)));
            app.update(Command::PageDown);
        }
        assert_eq!(seen.len() as u64, app.view().line_count(), "{w}x{h}");
        assert_eq!(app.cursor(), app.view().size() - 1, "{w}x{h}");
        let mut prev_first: Option<u64> = None;
        for _ in 0..app.view().line_count() / rows + 2 {
            let shown = dump_addresses(&app);
            if let Some(p) = prev_first {
                let last = demo_line_offset(shown.last().unwrap());
                assert!(last + 16 >= p, "{w}x{h}: PgUp skipped");
            }
            prev_first = Some(demo_line_offset(&shown[0]));
            app.update(Command::PageUp);
        }
        assert_eq!(app.view().top(), 0, "{w}x{h}");
        assert_eq!(app.cursor(), 0, "{w}x{h}");
    }
}

#[test]
fn a_background_search_reports_its_progress_and_its_result_without_a_key() {
    use clanscope::tui::app::Effect;
    use clanscope::tui::search;
    // Over the size searched at once: the search runs on a worker, here run by the test.
    let size = 12usize << 20;
    let at = (9usize << 20) + 5;
    let mut bytes = vec![b'x'; size];
    bytes[at..at + 18].copy_from_slice(b"NEEDLE-IN-HAYSTACK");
    let src = Arc::new(Source::from_vec("rnd.bin", bytes));
    let mut app = App::new(src.clone(), Origin::ZERO);
    app.update(Command::Resize {
        width: 120,
        height: 40,
    });
    app.update(Command::SearchText);
    keys(&mut app, "needle-in\n");
    assert_eq!(
        status(&app),
        "searching for 'needle-in' (any case): 0% done, no match there yet"
    );
    let Some(Effect::Search(p)) = app.take_effects().pop() else {
        panic!("no background search")
    };
    let mut msgs = Vec::new();
    let s = app.search();
    search::search_all(&p, &*src, s.generation(), &s.cancel_flag(), &mut |m| {
        msgs.push(m);
        true
    });
    let mut said = Vec::new();
    for m in msgs {
        app.absorb(ScanMsg::Search(m));
        said.push(status(&app));
    }
    assert!(
        said.contains(&"searching for 'needle-in' (any case): 33% done, no match there yet".into()),
        "{said:?}"
    );
    assert_eq!(app.cursor(), at as u64, "the first match is shown");
    assert_eq!(
        said.last().unwrap(),
        "match 1/1 of 'needle-in' (any case) at 90000:0005"
    );
    assert!(text(&app).contains("match 1/1 of 'needle-in'"));
    // Once something else is said, the search no longer takes the status line.
    let mut app2 = App::new(src.clone(), Origin::ZERO);
    app2.update(Command::SearchText);
    keys(&mut app2, "needle-in\n");
    let Some(Effect::Search(p)) = app2.take_effects().pop() else {
        panic!("no background search")
    };
    app2.update(Command::Down);
    let before = (app2.cursor(), status(&app2));
    let s = app2.search();
    let (g, c) = (s.generation(), s.cancel_flag());
    search::search_all(&p, &*src, g, &c, &mut |m| {
        app2.absorb(ScanMsg::Search(m));
        true
    });
    assert_eq!((app2.cursor(), status(&app2)), before);
    assert!(app2.search().done());
}

#[test]
fn the_value_inspector_names_only_keys_that_scroll_it() {
    let mut app = demo_app(120, 40);
    app.update(Command::Goto);
    keys(&mut app, "0x3E48\n");
    app.update(Command::ToggleValues);
    let a = app.areas();
    assert!(
        lines_below(&app).is_some(),
        "the details have more lines too"
    );
    let values_top = |app: &App| rows_of(app, app.areas().values).remove(0);
    let top = values_top(&app);
    assert!(top.contains("more line(s): wheel"), "{top}");
    assert!(!top.contains("J/K"), "{top}");
    // J scrolls the details, not the values; the wheel over the values scrolls them.
    app.update(Command::ScrollDetails(3));
    assert_eq!(app.display().values_scroll, 0);
    assert_ne!(app.display().details_scroll, 0);
    app.update(Command::Wheel {
        col: a.values.x + 1,
        row: a.values.y + 2,
        lines: 30,
    });
    let top = values_top(&app);
    assert!(top.contains("↑ more above: wheel"), "{top}");
    // Where J/K do reach the values (nothing more in the details), the hint says so.
    let mut app = demo_app(120, 40);
    app.update(Command::ToggleValues);
    assert_eq!(lines_below(&app), None);
    assert!(values_top(&app).contains("more line(s): J/K or wheel"));
    app.update(Command::ScrollDetails(30));
    assert!(values_top(&app).contains("↑ more above: K"));
}

#[test]
fn only_quit_and_resize_act_while_the_terminal_is_too_small() {
    let mut app = demo_app(60, 15);
    let shown = text(&app);
    assert!(shown.contains("terminal too small"));
    let before = (app.cursor(), app.view().top(), status(&app));
    for c in [
        Command::NextHeader,
        Command::Help,
        Command::PageDown,
        Command::Goto,
        Command::ToggleValues,
        Command::SearchText,
        Command::Wheel {
            col: 2,
            row: 2,
            lines: 3,
        },
        Command::Click { col: 2, row: 2 },
        Command::Escape,
    ] {
        app.update(c.clone());
        assert_eq!(app.mode(), &Mode::Normal, "{c:?}");
        assert_eq!(
            (app.cursor(), app.view().top(), status(&app)),
            before,
            "{c:?}"
        );
        assert!(!app.display().values, "{c:?}");
        assert_eq!(text(&app), shown, "{c:?}");
    }
    app.update(Command::Resize {
        width: 80,
        height: 24,
    });
    app.update(Command::NextHeader);
    assert_ne!(
        app.cursor(),
        before.0,
        "keys act again once it is big enough"
    );
    app.update(Command::Quit);
    assert!(app.quitting());
    // q quits even with a prompt open when it became too small.
    let mut app = demo_app(80, 24);
    app.update(Command::Goto);
    app.update(Command::Resize {
        width: 60,
        height: 15,
    });
    app.update(Command::Edit(Edit::Char('x')));
    assert!(!app.quitting());
    app.update(Command::Edit(Edit::Char('q')));
    assert!(app.quitting(), "q quits, as the notice says");
}

/// A character a prompt does not take (a control, formatting or invisible character, such as a
/// pasted right-to-left override, or one past the prompt's length) is said on the screen, in
/// place of the cursor's line, until the next edit; the prompt's text is unchanged.
#[test]
fn a_character_a_prompt_refuses_is_said_on_the_screen() {
    let mut app = demo_app(120, 30);
    app.update(Command::Goto);
    keys(&mut app, "3E\u{202E}");
    let t = text(&app);
    assert!(
        t.contains("U+202E not taken: control, formatting and invisible characters"),
        "{t}"
    );
    assert!(t.contains("go to (SEG:OFF"), "{t}");
    keys(&mut app, "00h");
    let t = text(&app);
    assert!(!t.contains("not taken"), "{t}");
    keys(&mut app, "\n");
    assert_eq!(app.cursor(), 0x3E00);
}

#[test]
fn a_long_file_name_leaves_room_for_the_counts_in_the_title() {
    // Found by an examiner's review: a 245-character name pushed size, origin and counts off
    // the title bar. The name is cut at its start; its end (the extension) and the rest stay.
    let name = format!("{}.CCM", "x".repeat(241));
    let app = scanned_app(
        Source::from_static(&name, demo::STORE),
        "CLANDATA",
        demo::ORIGIN,
        120,
        40,
        Path::new("."),
    );
    // The test backend shows each line between quotes.
    let line = text(&app).lines().next().unwrap().to_string();
    let title = line.trim_matches('"');
    assert_eq!(title.chars().count(), 120, "{title}");
    assert!(title.starts_with(" …xxx"), "{title}");
    assert!(
        title.ends_with(".CCM │ 327680 B │ clandata │ 0AFA:0100 │ 6 hdr, 6+1 found "),
        "{title}"
    );
}

#[test]
fn pasted_text_is_text_in_a_prompt_and_never_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app_in(80, 24, dir.path());
    app.jump(0x40);
    step(&mut app, Command::Annotate);
    keys(&mut app, "first\n");
    // A paste with line breaks, a tab and a right-to-left override, into a new note: one line
    // of text (review 36: its line breaks submitted the note and `Ldd q` then deleted notes
    // and quit).
    app.jump(0x10);
    step(&mut app, Command::Annotate);
    step(
        &mut app,
        Command::Paste("see ticket\r\nLdd\nq\tx\u{202E}y".into()),
    );
    let Mode::Prompt(p) = app.mode() else {
        panic!("the prompt closed: {:?}", app.mode())
    };
    assert_eq!(p.text(), "see ticket Ldd q xy");
    assert_eq!(
        p.refused(),
        Some("pasted: 1 control or formatting character(s) left out (bidirectional controls among them); line breaks and tabs taken as spaces")
    );
    keys(&mut app, "\n");
    let texts: Vec<&str> = app
        .notes()
        .notes()
        .iter()
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(texts, ["see ticket Ldd q xy", "first"]);
    assert!(!app.quitting());
    // Outside a prompt a paste does nothing but say so.
    step(&mut app, Command::Paste("qdd".into()));
    assert_eq!(
        status(&app),
        "paste ignored: 3 character(s); text is pasted into a prompt (a note, a search, goto)"
    );
    assert!(!app.quitting() && matches!(app.mode(), Mode::Normal));
    assert_eq!(app.notes().notes().len(), 2);
    // A paste past what a prompt holds is cut, and said.
    step(&mut app, Command::Annotate);
    step(&mut app, Command::Paste("A".repeat(1000)));
    let Mode::Prompt(p) = app.mode() else {
        panic!("the prompt closed")
    };
    assert_eq!(p.text(), "A".repeat(400));
    assert_eq!(
        p.refused(),
        Some("pasted: 600 character(s) past the 400 a prompt holds cut")
    );
}

#[test]
fn a_prompt_longer_than_the_line_keeps_its_cursor_in_view() {
    let mut app = demo_app(80, 24);
    step(&mut app, Command::Annotate);
    let typed = "The header at this offset was overwritten by the connector's console output; compare it with the backup copy of CLANDATA";
    keys(&mut app, typed);
    let screen = text(&app);
    let last = screen.lines().last().unwrap().trim_matches('"').to_string();
    // The start scrolls away behind `…`; the end typed and the cursor's cell (a space at the
    // end) stay in view: 6 columns of label, `…`, the last 72 characters, the cursor.
    assert_eq!(
        last,
        format!("note: …{} ", &typed[typed.len() - 72..]),
        "{screen}"
    );
    // Moved back to the start, the start is in view again and the end is cut.
    step(&mut app, Command::Edit(Edit::Home));
    let screen = text(&app);
    let last = screen.lines().last().unwrap().trim_matches('"').to_string();
    assert_eq!(last, format!("note: {}…", &typed[..73]), "{screen}");
}

#[test]
fn quitting_with_notes_that_could_not_be_saved_asks_twice() {
    let dir = tempfile::tempdir().unwrap();
    // A symbolic link planted under the sidecar's name: it is never followed, so the note
    // typed cannot be saved (review 36: `q` then quit at once and the note was lost).
    let sha = clanscope::notes::sha256_all(demo::STORE);
    let sidecar = dir
        .path()
        .join(clanscope::notes::default_path(demo_src().name(), &sha));
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), &sidecar).unwrap();
    let mut app = demo_app_in(120, 40, dir.path());
    step(&mut app, Command::Annotate);
    keys(&mut app, "important finding\n");
    assert!(status(&app).contains("symbolic link"), "{}", status(&app));
    step(&mut app, Command::Quit);
    assert!(!app.quitting());
    let said = status(&app);
    assert!(
        said.starts_with("notes not saved (") && said.ends_with("); q again quits and loses them"),
        "{said}"
    );
    step(&mut app, Command::Quit);
    assert!(app.quitting());
    assert!(!dir.path().join("elsewhere").exists());
    // Saved notes quit at once.
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app_in(120, 40, dir.path());
    step(&mut app, Command::Annotate);
    keys(&mut app, "saved\n");
    step(&mut app, Command::Quit);
    assert!(app.quitting());
}

/// Review 64 (D1): `e` after the file was written in place (or shrank) gave the SHA-256 taken
/// when it was opened beside the bytes it holds now. The export is refused, said, and nothing
/// is written; an export before the change is made as before.
#[test]
fn an_export_after_the_file_changed_is_refused_not_given_the_old_hash() {
    let dir = tempfile::tempdir().unwrap();
    let (ev, out) = (dir.path().join("ev"), dir.path().join("case"));
    std::fs::create_dir_all(&ev).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let file = ev.join("CLANDATA");
    std::fs::write(&file, demo::STORE).unwrap();
    let src = Source::open(&file).unwrap();
    let mut app = scanned_app(src, "CLANDATA", demo::ORIGIN, 120, 40, &out);
    app.absorb(ScanMsg::Hash(clanscope::notes::sha256_all(demo::STORE)));
    step(&mut app, Command::NextHeader);
    step(&mut app, Command::Export);
    assert_eq!(files_in(&out, ".export.txt").len(), 1, "{}", status(&app));
    // Written in place: same size, other bytes.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let f = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&f, b"ZZZZ", 0x3F08).unwrap();
    drop(f);
    step(&mut app, Command::Export);
    assert_eq!(
        status(&app),
        "the file changed since it was opened (its size or times moved), so its SHA-256 no longer names the bytes shown: nothing exported; reopen the file to export it"
    );
    assert_eq!(files_in(&out, ".export.txt").len(), 1);
}

/// Review 64 (D4): `e` gave the linked files' modification times from when the inspector
/// listed their folder, not those they had when the export was written. The folders are
/// listed anew for each export.
#[test]
fn an_export_gives_the_linked_files_times_as_they_are_when_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, out) = (dir.path().join("conn"), dir.path().join("case"));
    std::fs::create_dir_all(&out).unwrap();
    related_file(&conn, "Export/MSG4A27.CCM", 1_700_000_000);
    let mut app = demo_app_in(120, 40, &out);
    let listed = clanscope::report::related::Related::walk(std::slice::from_ref(&conn), 1000);
    app.absorb(ScanMsg::Related(Arc::new(listed)));
    // The file's time changes after the listing.
    related_file(&conn, "Export/MSG4A27.CCM", 896_776_867);
    step(&mut app, Command::NextHeader);
    step(&mut app, Command::Export);
    let export = files_in(&out, ".export.txt").remove(0);
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(text.contains("modified 1998-06-02T08:41:07Z"), "{text}");
}

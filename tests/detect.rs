//! The detection engine on generated fixtures: exact ranges, the finding model (one finding per
//! write, damaged headers holding their writes), .CCM files, progress, cancel and the cap.

mod common;

use clanscope::demo::ARTICLE;
use clanscope::detect::{Control, Engine, FindingKind, CHUNK};
use common::noise;
use std::path::Path;

const WRITE: usize = 76;

fn console_writes(r: &clanscope::detect::Report) -> Vec<(u64, u64)> {
    r.findings
        .iter()
        .filter(|f| f.kind == FindingKind::ConsoleWrite && f.suspected())
        .map(|f| (f.start, f.end))
        .collect()
}

#[test]
fn article_in_random_data_at_every_alignment() {
    let e = Engine::default();
    for off in (0..64).chain([4093, 65_530, 65_536 - 40]) {
        let mut d = noise(70_000, off as u64 + 3);
        d[off..off + 128].copy_from_slice(&ARTICLE);
        // Keep the bytes around the write binary: a printable neighbour would belong to it.
        if off > 0 {
            d[off - 1] = 0xFF;
        }
        let r = e.scan(&d[..], Path::new("CLANDATA"), &Control::new());
        assert_eq!(
            console_writes(&r),
            vec![(off as u64, (off + WRITE) as u64)],
            "offset {off}"
        );
        let f = r
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::ConsoleWrite)
            .unwrap();
        assert_eq!(f.mailbox.as_deref(), Some("randyyeh_ee"));
        assert_eq!(f.file.as_deref(), Some("EXPORT\\MSG4A27.CCM"));
        assert!(f.confidence >= 0.95);
        assert_eq!(
            f.text(&d),
            "\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n"
        );
        // One damaged header, holding the one write.
        assert_eq!(r.headers.len(), 1);
        let h = &r.headers[0];
        assert_eq!((h.start, h.end), (off as u64, (off + WRITE) as u64));
        assert_eq!(h.writes, vec![f.id]);
        assert_eq!(f.header, Some(h.id));
    }
}

#[test]
fn unknown_console_phrasing_is_caught_and_prose_is_not() {
    let e = Engine::default();
    let mut d = noise(8192, 9);
    let w = b"\r\n\r\nImporting messages from file IMPORT\\MSG0012.CCM into post office HUBPO2\r\n";
    d[1000..1000 + w.len()].copy_from_slice(w);
    d[999] = 0xFF;
    d[1000 + w.len()] = 0xFF;
    let prose =
        b"\r\nThe quarterly figures are attached and we should talk on Tuesday about them.\r\n";
    d[5000..5000 + prose.len()].copy_from_slice(prose);
    d[4999] = 0xFF;
    d[5000 + prose.len()] = 0xFF;
    let r = e.scan(&d[..], Path::new("MLANDATA"), &Control::new());
    assert_eq!(console_writes(&r), vec![(1000, 1000 + w.len() as u64)]);
    let weak: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.start >= 5000 && f.start < 5100)
        .collect();
    assert_eq!(weak.len(), 1);
    assert_eq!(weak[0].kind, FindingKind::PlainText);
    assert!(!weak[0].suspected());
}

#[test]
fn cut_short_writes_and_writes_at_both_ends_and_in_a_row() {
    let e = Engine::default();
    let mut d = noise(3 * CHUNK, 5);
    let start = b"\r\n\r\nExporting messages in mailbox \"first\" to file EXPORT\\MSG0001.CCM\r\n";
    d[..start.len()].copy_from_slice(start);
    d[start.len()] = 0xFF;
    let cut = b"\r\n\r\nExporting messages in mailbox \"kwong\" to fi";
    let at = 100_000;
    d[at - 1] = 0xFF;
    d[at..at + cut.len()].copy_from_slice(cut);
    d[at + cut.len()] = 0x90;
    let a = b"\r\n\r\nExporting messages in mailbox \"a\" to file EXPORT\\MSG0002.CCM\r\n";
    let b = b"\r\n\r\nExporting messages in mailbox \"b\" to file EXPORT\\MSG0003.CCM\r\n";
    let row = CHUNK - 50; // straddles the first chunk border
    d[row - 1] = 0xFF;
    d[row..row + a.len()].copy_from_slice(a);
    d[row + a.len()..row + a.len() + b.len()].copy_from_slice(b);
    d[row + a.len() + b.len()] = 0xFF;
    let seg = 2 * 65536 - 20; // straddles a 64 KiB segment
    d[seg - 1] = 0xFF;
    d[seg..seg + a.len()].copy_from_slice(a);
    d[seg + a.len()] = 0xFF;
    let end = d.len() - start.len();
    d[end - 1] = 0xFF;
    d[end..].copy_from_slice(start);
    let r = e.scan(&d[..], Path::new("USR00001"), &Control::new());
    let mut want = vec![
        (0, start.len() as u64),
        (at as u64, (at + cut.len()) as u64),
        (seg as u64, (seg + a.len()) as u64),
        (row as u64, (row + a.len()) as u64),
        ((row + a.len()) as u64, (row + a.len() + b.len()) as u64),
        (end as u64, d.len() as u64),
    ];
    want.sort();
    assert_eq!(console_writes(&r), want);
    // The two writes in a row are one damaged header holding both.
    let h: Vec<(u64, u64, usize)> = r
        .headers
        .iter()
        .map(|h| (h.start, h.end, h.writes.len()))
        .collect();
    assert!(
        h.contains(&(row as u64, (row + a.len() + b.len()) as u64, 2)),
        "{h:?}"
    );
    assert_eq!(h.len(), 5);
    // Every write is listed once, and every write is in exactly one header.
    let held: usize = r.headers.iter().map(|h| h.writes.len()).sum();
    assert_eq!(held, console_writes(&r).len());
}

#[test]
fn ccm_files_report_headers_and_console_lines() {
    let e = Engine::default();
    for (rel, bytes) in clanscope::demo::make_ccmcdata() {
        let r = e.scan(&bytes[..], Path::new(rel), &Control::new());
        assert_eq!(r.kind, clanscope::detect::FileKind::ConnectorMessage);
        assert!(!r.messages.is_empty(), "{rel}");
        match rel {
            "Ccmcdata/Import/MSG0012.CCM" => {
                assert_eq!(console_writes(&r), vec![(0, 76)]);
                assert_eq!(r.messages[0].header_start, 76);
                assert_eq!(r.headers.len(), 1);
                let h = &r.headers[0];
                assert_eq!((h.start, h.end), (0, r.messages[0].header_end));
                assert_eq!(h.writes, vec![1]);
            }
            "Ccmcdata/Export/MSG4A26.CCM" => {
                assert!(r.findings.is_empty());
                assert!(r.headers.is_empty());
            }
            _ => assert_eq!(r.damaged(0.5), 1),
        }
    }
    // LF line ends and sizes that do not add up: parsed, with anomalies.
    let lf = b"Message:\n999\nFrom: A at B\nTo: C at D\nSubject: x\nContents:\n  \nText item:\n5\nhello\n";
    let r = e.scan(&lf[..], Path::new("MSG0099.TMP"), &Control::new());
    assert!(r.findings.is_empty());
    assert_eq!(r.messages.len(), 1);
    assert!(
        r.messages[0]
            .anomalies
            .iter()
            .any(|a| a == "Contents: the size is blank"),
        "{:?}",
        r.messages[0].anomalies
    );
    assert!(r.messages[0]
        .anomalies
        .iter()
        .any(|a| a.starts_with("Message: declared 999 bytes")));
}

#[test]
fn progress_cancel_and_cap() {
    let ctl = Control::new();
    let d = noise(4 * CHUNK, 1);
    let r = Engine::default().scan(&d[..], Path::new("CLANDATA"), &ctl);
    assert!(!r.cancelled);
    assert_eq!(ctl.progress(), (d.len() as u64, d.len() as u64));
    // A store full of console lines: findings are capped, the rest counted, memory bounded.
    let line = b"\r\n\r\nExporting messages in mailbox \"x\" to file EXPORT\\MSG0001.CCM\r\n\xFF";
    let mut many = Vec::with_capacity(line.len() * 120_000);
    for _ in 0..120_000 {
        many.extend_from_slice(line);
    }
    let r = Engine::default().scan(&many[..], Path::new("CLANDATA"), &Control::new());
    assert_eq!(r.findings.len(), clanscope::detect::MAX_FINDINGS);
    assert!(r.dropped > 0);
    assert!(r.findings.windows(2).all(|w| w[0].start <= w[1].start));
}

/// Console wording the signature set does not know is caught; prose about mail is not. (These
/// lines are test data written for clanscope, not quotations of cc:Mail's real output, which
/// is not documented.)
#[test]
fn unseen_console_wording_versus_prose() {
    let e = Engine::default();
    let console = [
        "Importing messages into mailbox \"JONES, BOB\" from file IMPORT\\MSG0001.CCM",
        "Lotus cc:Mail Import Version 5.15  Copyright (c) Lotus Development Corp.",
        "Exporting message 3 of 12 from mailbox ADMIN",
        "Post office is locked; result code 4",
        "Reading post office directory C:\\CCDATA",
        "12 messages exported to file EXPORT\\MSG4A31.CCM",
        "Writing file EXPORT\\MSG4A30.TMP",
    ];
    let prose = [
        "Hi Randy, could you export the budget file to me?",
        "We will import the mailbox next week when the post office is ready.",
        "The meeting is moved to Tuesday at 3pm in the main office.",
        "Thanks for the message, I will reply tomorrow.",
        "Please import the mailbox file for me before Friday.",
    ];
    for (lines, want) in [(&console[..], true), (&prose[..], false)] {
        for line in lines {
            let mut d = noise(4096, line.len() as u64);
            let w = format!("\r\n\r\n{line}\r\n");
            d[1000..1000 + w.len()].copy_from_slice(w.as_bytes());
            d[999] = 0xFF;
            d[1000 + w.len()] = 0xFF;
            let r = e.scan(&d[..], Path::new("CLANDATA"), &Control::new());
            let got = console_writes(&r);
            if want {
                assert_eq!(got, vec![(1000, 1000 + w.len() as u64)], "console: {line}");
            } else {
                assert!(got.is_empty(), "prose flagged: {line} {:?}", r.findings);
            }
        }
    }
}

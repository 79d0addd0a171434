//! `clanscope export`: text that parses back, self-contained HTML whose overlays cover exactly
//! the findings, JSON, determinism and notes.

mod common;

use clanscope::address::Origin;
use clanscope::dump::parse;
use common::{bin, demo_copy};
use std::path::Path;

fn export(args: &[&str], file: &Path) -> String {
    let a = bin().arg("export").args(args).arg(file).assert().success();
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn scan_json(file: &Path, extra: &[&str]) -> serde_json::Value {
    let a = bin()
        .args(["scan", "--format", "json"])
        .args(extra)
        .arg(file)
        .assert();
    serde_json::from_slice(&a.get_output().stdout).unwrap()
}

#[test]
fn text_export_reads_like_the_article_and_parses_back() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let data = std::fs::read(&f).unwrap();
    let text = export(&["--origin", "0AFA:0100"], &f);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "clanscope annotated dump");
    assert_eq!(lines[1], format!("File:      {}", f.display()));
    assert_eq!(lines[2], "Size:      327680 bytes");
    assert_eq!(
        lines[3],
        format!("SHA-256:   {}", clanscope::notes::sha256_all(&data))
    );
    assert_eq!(lines[4], "Kind:      clandata");
    assert_eq!(lines[5], "Origin:    0AFA:0100");
    assert!(
        lines[7].starts_with("Exported:  20") && lines[7].ends_with('Z'),
        "{}",
        lines[7]
    );
    assert!(
        text.contains(
            "  Mailboxes: admin_hub (2), jgrewal (1), kwong (1), randyyeh_ee (1), zz (1)\n"
        ),
        "{text}"
    );
    // The confidence is the library's, as scan reports it.
    let conf = scan_json(&f, &[])["files"][0]["findings"][0]["confidence"]
        .as_f64()
        .unwrap();
    assert!(text.contains(&format!("\nDamaged header H1: confidence {conf:.2}, 1 console write(s)\n  Range:   0AFA:3F00-0AFA:3F4B, offsets 15872-15947 (3E00h-3E4Bh), 76 bytes\n  Write #1: console-write, confidence {conf:.2}, 0AFA:3F00-0AFA:3F4B, 76 bytes\n  Mailbox: randyyeh_ee\n")), "{text}");
    assert_eq!(text.matches("\nDamaged header H").count(), 6, "{text}");
    // An Export line, blank lines and an Import line printed in a row are one block: one
    // write, from its first CR/LF through the Import line's LF.
    assert!(
        text.contains("Damaged header H5: ")
            && text.contains(
                "offsets 180240-180390 (2C010h-2C0A6h), 151 bytes\n  Write #5: console-write"
            ),
        "{text}"
    );
    // The marked lines and the carets under exactly the write's bytes.
    let i = lines
        .iter()
        .position(|l| l.starts_with(">  0AFA:3F40"))
        .unwrap();
    assert_eq!(
        lines[i],
        ">  0AFA:3F40  53 47 34 41 32 37 2E 43-43 4D 0D 0A 41 FA 2B 16   SG4A27.CCM..A.+."
    );
    assert_eq!(
        lines[i + 1],
        format!(
            "{}^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^ ^^{}^^^^^^^^^^^^",
            " ".repeat(14),
            " ".repeat(15)
        )
    );
    assert!(
        lines.iter().all(|l| l.chars().count() < 100),
        "lines stay under 100 columns"
    );
    // Every excerpt comes back, at its address, byte for byte.
    let u = parse::parse(&text);
    assert_eq!(u.warnings, vec![]);
    let n_excerpts =
        text.matches("\nFinding #").count() + text.matches("\nDamaged header H").count();
    assert_eq!(u.blocks.len(), n_excerpts);
    let o = Origin::parse("0AFA:0100").unwrap();
    for b in &u.blocks {
        let off = o.offset_of_linear(b.start).unwrap() as usize;
        assert_eq!(
            &data[off..off + b.bytes.len()],
            &b.bytes[..],
            "block at {}",
            b.start_label()
        );
    }
    // And through the command: undump of the export.
    let t = dir.path().join("export.txt");
    std::fs::write(&t, &text).unwrap();
    let outs = tempfile::tempdir().unwrap(); // outputs never go beside an input
    let out = outs.path().join("back.bin");
    let a = bin()
        .arg("undump")
        .arg(&t)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.starts_with("0AFA:3EE0-0AFA:3F6F  144 bytes"), "{err}");
}

#[test]
fn same_export_differs_only_in_the_time_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    for fmt in ["text", "html", "json"] {
        let a = export(&["--format", fmt, "--all"], &f);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let b = export(&["--format", fmt, "--all"], &f);
        let diff: Vec<(&str, &str)> = a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
        assert_eq!(a.lines().count(), b.lines().count());
        assert_eq!(diff.len(), 1, "{fmt}: {diff:?}");
        assert!(
            diff[0].0.contains("Exported") || diff[0].0.contains("exported"),
            "{fmt}: {diff:?}"
        );
    }
}

#[test]
fn random_files_round_trip_through_export_and_undump() {
    let dir = tempfile::tempdir().unwrap();
    let mut x = 77u64;
    for k in 0..4 {
        let mut d: Vec<u8> = (0..50_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        for (j, at) in [1234usize, 20_000 + k * 17, 49_000].into_iter().enumerate() {
            let w = format!(
                "\r\n\r\nExporting messages in mailbox \"m{j}\" to file EXPORT\\MSG000{j}.CCM\r\n"
            );
            d[at - 1] = 0xFF;
            d[at..at + w.len()].copy_from_slice(w.as_bytes());
            d[at + w.len()] = 0xFF;
        }
        let f = dir.path().join(format!("r{k}"));
        std::fs::write(&f, &d).unwrap();
        let origin = ["0000:0000", "1234:0007", "0AFA:0100", "FFFF:FFFF"][k];
        let text = export(&["--origin", origin, "--context", &k.to_string()], &f);
        let u = parse::parse(&text);
        assert_eq!(u.warnings, vec![], "{text}");
        assert_eq!(u.blocks.len(), 3, "one excerpt per damaged header");
        let o = Origin::parse(origin).unwrap();
        for b in &u.blocks {
            let off = o.offset_of_linear(b.start).unwrap() as usize;
            assert_eq!(&d[off..off + b.bytes.len()], &b.bytes[..]);
        }
    }
}

#[test]
fn close_findings_share_their_context_once_and_read_back_strictly() {
    // Two writes 40 bytes apart: their excerpts' context lines overlap. Each line is shown
    // once, so the addresses never go back and the export reads back with no warning
    // (review 36: `undump --strict` refused it, "address goes back").
    let dir = tempfile::tempdir().unwrap();
    let mut x = 5u64;
    let mut d: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8 | 0x80
        })
        .collect();
    let mut ends = Vec::new();
    for (j, at) in [2048usize, 2048 + 120].into_iter().enumerate() {
        let w = format!(
            "\r\n\r\nExporting messages in mailbox \"m{j}\" to file EXPORT\\MSG000{j}.CCM\r\n"
        );
        d[at..at + w.len()].copy_from_slice(w.as_bytes());
        ends.push(at + w.len());
    }
    assert!(ends[0] + 40 <= 2048 + 120);
    let f = dir.path().join("close");
    std::fs::write(&f, &d).unwrap();
    let v = scan_json(&f, &[]);
    assert_eq!(
        v["files"][0]["findings"].as_array().unwrap().len(),
        2,
        "{v}"
    );
    let text = export(&["--context", "4"], &f);
    let u = parse::parse(&text);
    assert_eq!(u.warnings, vec![], "{text}");
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.len() > 14 && l[3..].starts_with("0000:"))
        .map(|l| &l[3..12])
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(lines, sorted, "every dump line once, in order:\n{text}");
    for b in &u.blocks {
        let off = b.start as usize;
        assert_eq!(&d[off..off + b.bytes.len()], &b.bytes[..]);
    }
    std::fs::create_dir(dir.path().join("text")).unwrap();
    let e = dir.path().join("text/e.txt");
    std::fs::write(&e, &text).unwrap();
    let out = dir.path().join("split");
    bin()
        .args(["undump", "--strict"])
        .arg(&e)
        .arg("--split")
        .arg(&out)
        .assert()
        .success();
}

/// Review 64 (D3, D5): `--finding 2 --finding 1` gave the excerpts in the order asked, so the
/// addresses went back and `undump --strict` refused the export; and `--from/--length` with
/// `--finding` exported the range alone, silently. Excerpts are in address order (a finding
/// asked twice is shown once), and the two selections are refused together.
#[test]
fn review_64_findings_asked_in_any_order_are_exported_in_address_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut d: Vec<u8> = (0..16384u32).map(|i| (i * 37 % 97) as u8 | 0x80).collect();
    for (j, at) in [2048usize, 9000].into_iter().enumerate() {
        let w = format!(
            "\r\n\r\nExporting messages in mailbox \"m{j}\" to file EXPORT\\MSG000{j}.CCM\r\n"
        );
        d[at..at + w.len()].copy_from_slice(w.as_bytes());
    }
    let f = dir.path().join("two");
    std::fs::write(&f, &d).unwrap();
    let v = scan_json(&f, &[]);
    assert_eq!(
        v["files"][0]["findings"].as_array().unwrap().len(),
        2,
        "{v}"
    );
    let asked = export(&["--finding", "2", "--finding", "1", "--finding", "2"], &f);
    let u = parse::parse(&asked);
    assert_eq!(u.warnings, vec![], "{asked}");
    assert_eq!(u.blocks.len(), 2, "{asked}");
    assert!(
        u.blocks[0].start < 2048 && u.blocks[1].start > 2048,
        "{asked}"
    );
    for b in &u.blocks {
        let off = b.start as usize;
        assert_eq!(&d[off..off + b.bytes.len()], &b.bytes[..]);
    }
    let a = bin()
        .args(["export", "--from", "0", "--length", "4", "--finding", "1"])
        .arg(&f)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.starts_with("clanscope: '--from <ADDR>' cannot be used with '--finding <N>'"),
        "{err}"
    );
}

/// A weaker finding exported by its number: the summary's counts are of findings at 0.50 and
/// over, so the summary says which shown ones it does not count (review 64 D6), in the text
/// and the HTML export.
#[test]
fn review_64_a_weaker_finding_exported_is_named_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let v = scan_json(&f, &["--all"]);
    let weak: Vec<(u64, String, f64)> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["confidence"].as_f64().unwrap() < 0.5)
        .map(|x| {
            let kind = x["kind"].as_str().unwrap().to_string();
            (
                x["id"].as_u64().unwrap(),
                kind,
                x["confidence"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(weak.len(), 1, "{v}");
    let (id, kind, c) = &weak[0];
    let want = format!("Also shown: #{id} {kind} {c:.2} (below 0.50, not counted above)");
    let text = export(&["--finding", &id.to_string()], &f);
    assert!(text.contains(&format!("\n  {want}\n")), "{text}");
    let html = export(&["--finding", &id.to_string(), "--format", "html"], &f);
    assert!(
        html.contains(&format!("#{id} {kind} {c:.2} (below 0.50")),
        "{html}"
    );
    let strong = export(&["--finding", "1"], &f);
    assert!(!strong.contains("Also shown"), "{strong}");
}

/// Offsets each overlay span of the HTML marks, read from its data-o and its hex tokens.
fn overlay_offsets(html: &str, part: &str) -> Vec<Vec<u64>> {
    let dom = tl::parse(html, tl::ParserOptions::default()).unwrap();
    let parser = dom.parser();
    let mut sections = Vec::new();
    for s in dom.query_selector("section").unwrap() {
        let sec = s.get(parser).unwrap();
        let inner = sec.inner_html(parser);
        let sub = tl::parse(&inner, tl::ParserOptions::default()).unwrap();
        let p2 = sub.parser();
        let mut offs = Vec::new();
        for h in sub.query_selector("span.ov").unwrap() {
            let tag = h.get(p2).unwrap().as_tag().unwrap();
            let attrs = tag.attributes();
            if attrs
                .get("data-part")
                .flatten()
                .map(|v| v.as_utf8_str().to_string())
                != Some(part.to_string())
            {
                continue;
            }
            let start: u64 = attrs
                .get("data-o")
                .flatten()
                .unwrap()
                .as_utf8_str()
                .parse()
                .unwrap();
            let text = tag.inner_text(p2).to_string();
            let n = if part == "hex" {
                text.split([' ', '-']).filter(|t| t.len() == 2).count()
            } else {
                text.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&")
                    .chars()
                    .count()
            };
            offs.extend(start..start + n as u64);
        }
        sections.push(offs);
    }
    sections
}

#[test]
fn html_is_self_contained_and_overlays_cover_exactly_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let outs = tempfile::tempdir().unwrap(); // outputs never go beside an input
    let out = outs.path().join("report.html");
    bin()
        .arg("export")
        .arg(&f)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"));
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("src="),
        "no external resources"
    );
    let v = scan_json(&f, &[]);
    let file = &v["files"][0];
    // One section per damaged header, and one per finding outside any header, in file order.
    let mut subjects: Vec<(u64, u64, String)> = file["damaged_headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["start"].as_u64().unwrap(),
                h["end"].as_u64().unwrap(),
                format!("h{}", h["id"]),
            )
        })
        .collect();
    subjects.extend(
        file["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["header"].is_null())
            .map(|f| {
                (
                    f["start"].as_u64().unwrap(),
                    f["end"].as_u64().unwrap(),
                    format!("f{}", f["id"]),
                )
            }),
    );
    subjects.sort();
    for part in ["hex", "ascii"] {
        let sections = overlay_offsets(&html, part);
        assert_eq!(sections.len(), subjects.len());
        for (sec, (s, e, id)) in sections.iter().zip(&subjects) {
            let want: Vec<u64> = (*s..*e).collect();
            assert_eq!(sec, &want, "{part} overlay of {id}");
        }
    }
    for (_, _, id) in &subjects {
        assert!(html.contains(&format!("<a href=\"#{id}\">")));
        assert!(html.contains(&format!("<section id=\"{id}\">")));
    }
    // The write inside a header is marked as a write (red), the header around it as a header.
    assert!(html.contains("class=\"ov ov-cw\""));
}

#[test]
fn json_export_has_the_scan_shape_and_excerpt_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let outs = tempfile::tempdir().unwrap(); // outputs never go beside an input
    let out = outs.path().join("e.json");
    bin()
        .arg("export")
        .arg(&f)
        .arg("-o")
        .arg(&out)
        .args(["--finding", "1"])
        .assert()
        .success();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["tool"], "clanscope");
    let file = &v["files"][0];
    assert_eq!(file["size"], 327680);
    assert_eq!(file["kind"], "clandata");
    assert_eq!(
        file["sha256"],
        clanscope::notes::sha256_all(clanscope::demo::STORE)
    );
    let ex = &file["excerpts"][0];
    assert_eq!(ex["subject"]["header"], 1);
    assert_eq!(ex["findings"], serde_json::json!([1]));
    let (s, e) = (
        ex["start"].as_u64().unwrap() as usize,
        ex["end"].as_u64().unwrap() as usize,
    );
    let hex: String = clanscope::demo::STORE[s..e]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(ex["bytes"], hex);
    assert_eq!(
        (ex["mark_start"].as_u64(), ex["mark_end"].as_u64()),
        (Some(0x3E00), Some(0x3E00 + 76))
    );
    assert_eq!(file["path"], f.display().to_string());
    // A name with a line break in it is given exactly (JSON escapes the break).
    let odd = dir.path().join("CLAN\\nDATA\nold");
    std::fs::copy(&f, &odd).unwrap();
    let out2 = outs.path().join("odd.json");
    bin()
        .arg("export")
        .arg(&odd)
        .arg("-o")
        .arg(&out2)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out2).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["files"][0]["path"], odd.to_str().unwrap());
    assert!(text.contains("CLAN\\\\nDATA\\nold"), "{text}");
    bin()
        .arg("export")
        .arg(&f)
        .args(["--finding", "99"])
        .assert()
        .code(2);
}

/// A sidecar for the demo's bytes with one note.
fn demo_sidecar(
    start: u64,
    end: u64,
    text: &str,
    source: Option<&str>,
) -> clanscope::notes::Sidecar {
    let sha = clanscope::notes::sha256_all(clanscope::demo::STORE);
    let mut s = clanscope::notes::Sidecar::new("CLANDATA", 327680, &sha);
    s.notes.push(clanscope::notes::Note {
        start,
        end,
        text: text.into(),
        source: source.map(String::from),
        ..Default::default()
    });
    s
}

#[test]
fn notes_from_a_sidecar_appear_and_a_mismatched_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let notes = dir.path().join("n.json");
    let mut s = demo_sidecar(
        0x3E00,
        0x3E4C,
        "matches <KB> \x1b[2J Q179072",
        Some("other-tool"),
    );
    std::fs::write(&notes, s.to_json()).unwrap();
    let text = export(&["--notes", notes.to_str().unwrap(), "--finding", "1"], &f);
    assert!(
        text.contains(
            "  Note:    matches <KB> \\x1B[2J Q179072 (at 0AFA:3F00, 76 bytes; from other-tool)\n"
        ),
        "{text}"
    );
    let html = export(
        &[
            "--notes",
            notes.to_str().unwrap(),
            "--finding",
            "1",
            "--format",
            "html",
        ],
        &f,
    );
    assert!(html.contains(
        "<dt>Note</dt><dd>matches &lt;KB&gt; \\x1B[2J Q179072 (at 0AFA:3F00, 76 bytes; from other-tool)</dd>"
    ));
    s.sha256 = "0".repeat(64);
    std::fs::write(&notes, s.to_json()).unwrap();
    let a = bin()
        .arg("export")
        .arg("--notes")
        .arg(&notes)
        .arg(&f)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("not applied"), "{err}");
    assert!(!String::from_utf8_lossy(&a.get_output().stdout).contains("Note:"));
    // Review 83 D4: a --notes file that is not there (a mistyped name) exported without the
    // notes and exit 0; nothing is exported now.
    let typo = notes.with_extension("jsno");
    let a = bin()
        .arg("export")
        .arg("--notes")
        .arg(&typo)
        .arg(&f)
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!(
            "clanscope: {}: no notes file there: --notes names a sidecar to read; nothing exported\n",
            typo.display()
        )
    );
    assert!(a.get_output().stdout.is_empty());
}

#[test]
fn range_export_and_refusal_to_overwrite_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let text = export(
        &[
            "--origin",
            "0AFA:0100",
            "--from",
            "0AFA:3F00",
            "--length",
            "0x80",
            "--context",
            "0",
        ],
        &f,
    );
    assert!(text.contains("\nRange\n  Range:   0AFA:3F00-0AFA:3F7F, offsets 15872-15999 (3E00h-3E7Fh), 128 bytes\n"), "{text}");
    let u = parse::parse(&text);
    assert_eq!(u.bytes(), clanscope::demo::ARTICLE.to_vec());
    let a = bin()
        .arg("export")
        .arg(&f)
        .arg("-o")
        .arg(&f)
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr)
        .ends_with("is the examined file; clanscope never writes to it\n"));
    assert_eq!(std::fs::read(&f).unwrap(), clanscope::demo::STORE);
}

#[test]
fn a_long_range_is_exported_whole_up_to_1_mib_and_in_parts_beyond() {
    let dir = tempfile::tempdir().unwrap();
    // The whole demo store (320 KiB) as one range: every byte, parsed back.
    let f = demo_copy(dir.path());
    let text = export(&["--from", "0", "--length", "327680", "--context", "0"], &f);
    assert!(!text.contains("not shown"), "cut");
    assert_eq!(parse::parse(&text).bytes(), clanscope::demo::STORE.to_vec());
    // 2.5 MiB: the export shows 1 MiB and says how to get the rest; following the advice
    // gives back every byte, 1 MiB at a time.
    let big = dir.path().join("big.bin");
    let data: Vec<u8> = (0..(5u32 << 19))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&big, &data).unwrap();
    let mut args = vec![
        "--origin".to_string(),
        "0AFA:0100".into(),
        "--from".into(),
        "0AFA:0100".into(),
        "--length".into(),
        data.len().to_string(),
    ];
    let mut got = Vec::new();
    for part in 0.. {
        assert!(part < 3, "more parts than 2.5 MiB needs");
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(["--context", "0"]);
        let text = export(&a, &big);
        got.extend(parse::parse(&text).bytes());
        let Some(advice) = text.lines().find(|l| l.contains("more bytes not shown")) else {
            break;
        };
        let words: Vec<&str> = advice.split_whitespace().collect();
        let at = |w: &str| words[words.iter().position(|x| *x == w).unwrap() + 1];
        let (from, length) = (at("--from"), at("--length").trim_end_matches(','));
        let origin = at("--origin");
        // The advice carries the origin its address is in (review 38: without it, a run whose
        // origin differs read another place).
        assert!(
            advice.ends_with(&format!(
                "clanscope dump --origin {origin} --from {from} --length {length})"
            )),
            "{advice}"
        );
        args = vec![
            "--origin".into(),
            origin.into(),
            "--from".into(),
            from.into(),
            "--length".into(),
            length.into(),
        ];
    }
    assert!(got == data, "{} bytes back of {}", got.len(), data.len());
    // A range cut short shows no context after the cut: those bytes are its own, counted as
    // not shown (review 38: two context lines were dumped there, unmarked, and counted too).
    let text = export(&["--from", "0", "--length", "2M", "--context", "2"], &big);
    let lines: Vec<&str> = text.lines().collect();
    let k = lines
        .iter()
        .position(|l| l.contains("more bytes not shown"))
        .unwrap();
    assert!(
        lines[k].starts_with("  | (1048576 more bytes not shown"),
        "{}",
        lines[k]
    );
    assert!(
        lines[k - 2].starts_with(">   F000:FFF0  "),
        "{}",
        lines[k - 2]
    );
}

#[test]
fn defect_6_a_note_outside_any_finding_is_in_every_format_at_its_address() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let notes = dir.path().join("n.json");
    std::fs::write(
        &notes,
        demo_sidecar(0x120, 0x124, "free-standing", None).to_json(),
    )
    .unwrap();
    let n = notes.to_str().unwrap();
    let text = export(&["--notes", n], &f);
    assert!(
        text.contains(
            "\nNote\n  Range:   0AFA:0220-0AFA:0223, offsets 288-291 (120h-123h), 4 bytes\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  Note:    free-standing (at 0AFA:0220, 4 bytes)\n"),
        "{text}"
    );
    assert!(text.contains(">  0AFA:0220  "), "{text}");
    let html = export(&["--notes", n, "--format", "html"], &f);
    assert!(html.contains("<section id=\"n288\">"), "{html}");
    assert!(html.contains("free-standing (at 0AFA:0220, 4 bytes)"));
    let json: serde_json::Value =
        serde_json::from_str(&export(&["--notes", n, "--format", "json"], &f)).unwrap();
    let ex = json["files"][0]["excerpts"].as_array().unwrap();
    let note = ex.iter().find(|e| e["subject"] == "note").unwrap();
    assert_eq!(note["notes"][0]["address"], "0AFA:0220");
    assert_eq!(note["notes"][0]["text"], "free-standing");
}

#[test]
fn review_38_a_note_in_the_last_line_of_a_finding_is_shown_once_and_reads_back_strictly() {
    // A note on the byte after the first write shares the write's last dump line: the line was
    // shown twice (under the header, then under the note), and `undump --strict` refused the
    // export ("address goes back").
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let first = &scan_json(&f, &[])["files"][0]["findings"][0];
    let end = first["end"].as_u64().unwrap();
    let notes = dir.path().join("n.json");
    std::fs::write(
        &notes,
        demo_sidecar(end, end + 1, "byte after", None).to_json(),
    )
    .unwrap();
    let text = export(&["--notes", notes.to_str().unwrap(), "--context", "0"], &f);
    let origin = Origin::parse("0AFA:0100").unwrap();
    let line = origin.address(end - end % 16).to_string();
    let shown: Vec<&str> = text
        .lines()
        .filter(|l| l[3.min(l.len())..].starts_with(&format!("{line}  ")))
        .collect();
    assert_eq!(shown.len(), 1, "{text}");
    // Marked there up to the note's byte, and said under the note.
    let at = text.find(shown[0]).unwrap();
    let carets = text[at..].lines().nth(1).unwrap();
    let col = (end % 16) as usize;
    // Each byte marked: two marks under its hex, one under its character; `^` the write's,
    // `-` the note's (review 54).
    assert_eq!(carets.matches('^').count(), 3 * col, "{carets}");
    assert_eq!(carets.matches('-').count(), 3, "{carets}");
    // The note lies in the write's excerpt's last line: listed there (review 54), not given
    // an excerpt of its own whose line the write's excerpt already showed.
    assert_eq!(text.matches("  Note:    byte after").count(), 1, "{text}");
    assert!(
        !text.contains("its bytes are in the lines of the excerpt before"),
        "{text}"
    );
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let dump = out.join("e.txt");
    std::fs::write(&dump, &text).unwrap();
    bin()
        .args(["undump", "--strict"])
        .arg(&dump)
        .arg("-o")
        .arg(dir.path().join("e.bin"))
        .assert()
        .success();
}

#[test]
fn review_38_a_healthy_ccm_header_is_not_marked_as_a_damaged_one_in_text() {
    // The text export put `>` and `~` under a healthy .CCM header's bytes as under the damaged
    // header's; only HTML told them apart (by colour).
    let dir = tempfile::tempdir().unwrap();
    let healthy = "Message:\r\n150\r\nFrom: A at Hub\r\nDate: 6/2/98 8:39\r\nTo: Admin at HUBPO2\r\nSubject: s\r\nContents:\r\n42\r\nText item:\r\n26\r\nThis is the message body\r\n";
    let damaged = "Message:\r\n150\r\nFrom: Wong\r\nDa\r\n\r\nExporting messages in mailbox \"jsmith\" to file EXPORT\\MSG4A27.CCM\r\n12 messages exported.\r\nte: 6/2/98\r\nTo: X\r\nSubject: s\r\nContents:\r\n";
    let f = dir.path().join("MSG0099.CCM");
    std::fs::write(&f, format!("{healthy}{damaged}")).unwrap();
    let text = export(&["--context", "8"], &f);
    // The first line (offsets 0-15) is the healthy header's only: shown, not marked.
    assert!(
        text.contains("\n   0000:0000  4D 65 73 73 61 67 65 3A-"),
        "{text}"
    );
    assert!(!text.contains(">  0000:0000"), "{text}");
    // The write is marked.
    assert!(text.contains(">  "), "{text}");
}

#[test]
fn a_note_past_the_end_of_the_file_is_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let notes = dir.path().join("n.json");
    let size = clanscope::demo::STORE.len() as u64;
    std::fs::write(
        &notes,
        demo_sidecar(size, size + 4, "made on a longer copy \u{1b}[2J", None).to_json(),
    )
    .unwrap();
    let n = notes.to_str().unwrap();
    let text = export(&["--notes", n], &f);
    let want = format!(
        "Note outside the file: offsets {size}-{}, the file ends at {size}: made on a longer copy \\x1B[2J",
        size + 4
    );
    let joined: Vec<&str> = text
        .lines()
        .map(|l| l.trim_start_matches("  |").trim_start())
        .collect();
    assert!(joined.join(" ").contains(&want), "{text}");
    let html = export(&["--notes", n, "--format", "html"], &f);
    assert!(html.contains("Note outside the file"), "{html}");
    assert!(html.contains("made on a longer copy \\x1B[2J"), "{html}");
    // A note that starts inside the file and reaches past its end says so (a review saw a
    // note of 18446744073709551610 bytes shown as if it fit).
    std::fs::write(
        &notes,
        demo_sidecar(size - 16, u64::MAX, "runs on", None).to_json(),
    )
    .unwrap();
    let text = export(&["--notes", n], &f);
    let want = format!(
        "runs on (at {}, {} bytes, reaching past the end of the file (offset {size}))",
        clanscope::demo::ORIGIN.address(size - 16),
        u64::MAX - (size - 16)
    );
    let joined: Vec<&str> = text
        .lines()
        .map(|l| l.trim_start_matches("  |").trim_start())
        .collect();
    assert!(joined.join(" ").contains(&want), "{text}");
}

#[test]
fn every_note_carries_its_examiner_and_time_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let notes = dir.path().join("n.json");
    let mut s = demo_sidecar(0x3E00, 0x3E4C, "seen in the article", None);
    s.notes[0].examiner = Some("kim <lab>".into());
    s.notes[0].time = Some("2026-11-26T10:15:49Z".into());
    // A note outside any finding, and one from an older sidecar with neither.
    s.notes.push(clanscope::notes::Note {
        start: 0x120,
        end: 0x124,
        text: "free-standing".into(),
        time: Some("2026-11-27T08:00:00Z".into()),
        examiner: Some("lee".into()),
        ..Default::default()
    });
    s.notes.push(clanscope::notes::Note {
        start: 0x200,
        end: 0x201,
        text: "undated".into(),
        ..Default::default()
    });
    std::fs::write(&notes, s.to_json()).unwrap();
    let n = notes.to_str().unwrap();
    let text = export(&["--notes", n], &f);
    for line in [
        "  Note:    seen in the article (at 0AFA:3F00, 76 bytes; by kim <lab>, 2026-11-26T10:15:49Z)\n",
        "  Note:    free-standing (at 0AFA:0220, 4 bytes; by lee, 2026-11-27T08:00:00Z)\n",
        "  Note:    undated (at 0AFA:0300, 1 byte)\n",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let html = export(&["--notes", n, "--format", "html"], &f);
    assert!(html.contains(
        "<dd>seen in the article (at 0AFA:3F00, 76 bytes; by kim &lt;lab&gt;, 2026-11-26T10:15:49Z)</dd>"
    ), "{html}");
    assert!(html
        .contains("<dd>free-standing (at 0AFA:0220, 4 bytes; by lee, 2026-11-27T08:00:00Z)</dd>"));
    let json: serde_json::Value =
        serde_json::from_str(&export(&["--notes", n, "--format", "json"], &f)).unwrap();
    let file = &json["files"][0];
    let at = |addr: &str| -> serde_json::Value {
        file["excerpts"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["notes"].as_array().unwrap().clone())
            .find(|n| n["address"] == addr)
            .unwrap_or_else(|| panic!("no note at {addr}: {file}"))
    };
    assert_eq!(at("0AFA:3F00")["examiner"], "kim <lab>");
    assert_eq!(at("0AFA:3F00")["time"], "2026-11-26T10:15:49Z");
    assert_eq!(at("0AFA:0220")["examiner"], "lee");
    assert_eq!(at("0AFA:0220")["time"], "2026-11-27T08:00:00Z");
    assert!(at("0AFA:0300")["examiner"].is_null());
    assert_eq!(file["notes"][0]["examiner"], "kim <lab>");
    assert_eq!(file["notes"][0]["time"], "2026-11-26T10:15:49Z");
    // The export's own examiner, in JSON as in text and HTML (a review found it left out).
    assert!(json["examiner"].is_null());
    let json: serde_json::Value = serde_json::from_str(&export(
        &["--examiner", "pat\u{202E}x", "--format", "json"],
        &f,
    ))
    .unwrap();
    assert_eq!(json["examiner"], "pat\u{202E}x");
    let raw = export(&["--examiner", "pat\u{202E}x", "--format", "json"], &f);
    assert!(raw.contains("\"examiner\": \"pat\\u202ex\""), "{raw}");
    assert!(export(&["--examiner", "pat"], &f).contains("pat"));
}

#[test]
fn defect_8_export_compare_scan_and_dump_use_the_origin_remembered_in_the_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let xdg = tempfile::tempdir().unwrap();
    let case = xdg.path().join("clanscope");
    std::fs::create_dir(&case).unwrap();
    let run = |args: &[&str]| -> String {
        let a = bin()
            .env("XDG_DATA_HOME", xdg.path())
            .args(args)
            .assert()
            .success();
        String::from_utf8(a.get_output().stdout.clone()).unwrap()
    };
    // scan exits 1 when it lists findings, as grep does.
    let scan = |args: &[&str]| -> String {
        let a = bin()
            .env("XDG_DATA_HOME", xdg.path())
            .arg("scan")
            .args(args)
            .assert()
            .code(1);
        String::from_utf8(a.get_output().stdout.clone()).unwrap()
    };
    let ev = f.to_str().unwrap();
    // No sidecar: the demo's bytes open at the demo's origin.
    let text = run(&["export", "--finding", "1", ev]);
    assert!(text.contains("\nOrigin:    0AFA:0100\n"), "{text}");
    let out = scan(&[ev]);
    assert!(
        out.contains("  #1  0AFA:3F00  15872  76  console-write"),
        "{out}"
    );
    assert!(run(&["dump", ev]).starts_with("0AFA:0100  AB 94 CB 58"));
    // The examiner chose 0000:0000 for these bytes (in the inspector, with o).
    let mut s = demo_sidecar(0x3E00, 0x3E4C, "seen", None);
    s.origin = Some("0000:0000".into());
    let sha = clanscope::notes::sha256_all(clanscope::demo::STORE);
    std::fs::write(
        case.join(clanscope::notes::default_path("CLANDATA", &sha)),
        s.to_json(),
    )
    .unwrap();
    let text = run(&["export", "--finding", "1", ev]);
    assert!(text.contains("\nOrigin:    0000:0000\n"), "{text}");
    assert!(text.contains(">  0000:3E00  0D 0A 0D 0A 45 78"), "{text}");
    // scan (of the file, and of its folder, where files are read into memory) and dump too.
    for p in [ev, dir.path().to_str().unwrap()] {
        let out = scan(&[p]);
        assert!(
            out.contains("  #1  0000:3E00  15872  76  console-write"),
            "{out}"
        );
        let json = scan(&["--format", "json", p]);
        assert!(json.contains("\"address\": \"0000:3E00\""), "{json}");
    }
    assert!(run(&["dump", ev]).starts_with("0000:0000  AB 94 CB 58"));
    let out = scan(&["--origin", "1000:0000", ev]);
    assert!(out.contains("  #1  1000:3E00  15872"), "{out}");
    // --origin wins.
    let text = run(&["export", "--finding", "1", "--origin", "0AFA:0100", ev]);
    assert!(text.contains("\nOrigin:    0AFA:0100\n"), "{text}");
    // compare shows the same addresses.
    let backup = dir.path().join("backup");
    std::fs::create_dir(&backup).unwrap();
    let b = backup.join("CLANDATA");
    std::fs::write(&b, clanscope::demo::make_backup()).unwrap();
    let cmp = run(&["compare", ev, b.to_str().unwrap()]);
    assert!(cmp.contains("0000:3E00"), "{cmp}");
    assert!(!cmp.contains("0AFA:3F00"), "{cmp}");
}

#[test]
fn html_marks_the_write_inside_its_header_in_the_inspector_colours() {
    let dir = tempfile::tempdir().unwrap();
    let (rel, bytes) = clanscope::demo::make_ccmcdata().swap_remove(1);
    let f = dir.path().join(Path::new(rel).file_name().unwrap());
    std::fs::write(&f, bytes).unwrap();
    let html = export(&["--format", "html", "--all"], &f);
    // The write is red inside the brown header; a healthy header after it is olive.
    assert!(
        html.contains("class=\"ov ov-cw\" data-part=\"hex\" data-o=\"0\""),
        "{html}"
    );
    assert!(
        html.contains("ov-ccm"),
        "healthy .CCM headers get their overlay"
    );
    for o in clanscope::dump::Overlay::ALL {
        assert!(html.contains(&format!(".{}{{background:{}", o.css(), o.bg().css())));
    }
}

#[test]
fn export_with_compare_shows_what_each_write_destroyed() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let b = dir.path().join("backup");
    std::fs::write(&b, clanscope::demo::make_backup()).unwrap();
    let text = export(&["--compare", b.to_str().unwrap(), "--finding", "1"], &f);
    assert!(
        text.contains("  Destroyed: \"Message:\\r\\n1200\\r\\nFrom: Yeh, Randy at Hub"),
        "{text}"
    );
}

/// A text export with its wrapped values joined back, as README says: a line starting with
/// `  |` continues the value above it from the column where that value starts (the label's
/// width, at least 8, plus 3), with nothing put between the pieces.
fn unwrapped(text: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for line in text.lines() {
        if line.starts_with("  |") && col > 0 {
            out.pop();
            out.push_str(&line[col..]);
        } else {
            col = match line.strip_prefix("  ").and_then(|l| l.find(':')) {
                Some(i) if !line.starts_with("   ") => 2 + (i + 1).max(8) + 1,
                _ => 0,
            };
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Review 38: the bytes a write destroyed were shown decoded as UTF-8 (C3h BCh as `ü`, where
/// every other output reads one character per byte), without their hex, and wrapped with the
/// space at the wrap dropped and an escape cut in two (`\xC3\` / `x1B`); the `Text:` line lost
/// its space at the wrap too. Now the text is one character per byte everywhere, the hex is
/// given, and the wrapped pieces join back to exactly the value.
#[test]
fn review_38_destroyed_bytes_read_one_character_per_byte_with_their_hex() {
    let dir = tempfile::tempdir().unwrap();
    let (ev, bk) = (dir.path().join("ev"), dir.path().join("bk"));
    std::fs::create_dir_all(&ev).unwrap();
    std::fs::create_dir_all(&bk).unwrap();
    let w = b"\r\n\r\nExporting messages in mailbox \"M\x81ller\" to file EXPORT\\MSG4A27.CCM\r\n12 messages exported.\r\n";
    let r = b"Name: J\xc3\xbcrgen  \xc4\x8c   two  spaces  here and a long run of words so that the line wraps somewhere";
    let mut a = common::noise(200_003, 38);
    a[4097..4097 + w.len()].copy_from_slice(w);
    let mut b = a.clone();
    b[4097..4097 + r.len()].copy_from_slice(r);
    let (f, other) = (ev.join("CLANDATA"), bk.join("CLANDATA"));
    std::fs::write(&f, &a).unwrap();
    std::fs::write(&other, &b).unwrap();
    let hex = r
        .iter()
        .map(|x| format!("{x:02X}"))
        .collect::<Vec<_>>()
        .join(" ");
    let shown = "Name: J\u{C3}\u{BC}rgen  \u{C4}\\u{008C}   two  spaces  here and a long run of words so that the line wraps somewhere";
    let args = [
        "--compare",
        other.to_str().unwrap(),
        "--finding",
        "1",
        "--context",
        "0",
    ];
    let text = export(&args, &f);
    let joined = unwrapped(&text);
    assert!(
        joined.contains(&format!("\n  Text:    \"\\r\\n\\r\\nExporting messages in mailbox \"M\\u{{0081}}ller\" to file EXPORT\\MSG4A27.CCM\\r\\n12 messages exported.\\r\\n\"\n  Destroyed: \"{shown}\" (the compared file's bytes at offsets 4097-4190; 90 of them differ from the write's)\n  Destroyed hex: {hex}\n")),
        "{text}"
    );
    // The wrap as it is printed: the space of `wraps somewhere` opens the next piece.
    assert!(
        text.contains("  Destroyed hex: 4E 61 6D 65 3A 20 4A C3 BC 72 67 65 6E 20 20 C4 8C 20 20 20 74 77 6F 20 20 73 70\n  |               61 63 "),
        "{text}"
    );
    // No prose line is read as data: the export gives back the excerpt's bytes.
    let out = tempfile::tempdir().unwrap();
    let t = out.path().join("x.txt");
    std::fs::write(&t, &text).unwrap();
    let back = bin()
        .args(["undump", "--strict"])
        .arg(&t)
        .assert()
        .success();
    assert_eq!(back.get_output().stdout, &a[0x1000..0x1060]);
    // HTML: the same text and the hex.
    let html = export(&[&args[..], &["--format", "html"]].concat(), &f);
    assert!(
        html.contains(&format!("<dt>Destroyed</dt><dd><code>{shown}</code> (the compared file&#39;s bytes at offsets 4097-4190; 90 of them differ from the write&#39;s)</dd><dt>Destroyed hex</dt><dd><code>{hex}</code></dd>")),
        "{html}"
    );
    // compare: the same text; its JSON decodes to the exact bytes.
    let c = bin().arg("compare").arg(&f).arg(&other).assert().success();
    let c = String::from_utf8(c.get_output().stdout.clone()).unwrap();
    assert!(
        c.contains(&format!("destroyed \"{shown}\"\n    hex {hex}\n")),
        "{c}"
    );
    let c = bin()
        .arg("compare")
        .arg(&f)
        .arg(&other)
        .args(["--format", "json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&c.get_output().stdout).unwrap();
    let back: Vec<u8> = v["destroyed"][0]["backup_text"]
        .as_str()
        .unwrap()
        .chars()
        .map(|c| c as u8)
        .collect();
    assert_eq!(back, r);
}

/// Review 38: HTML showed `Mary   Ann` as `Mary Ann` (values in `<code>` without
/// `white-space: pre-wrap`). The page holds the exact spaces, and its one style sheet keeps
/// them in `code`, `td` and `dd`.
#[test]
fn review_38_html_keeps_runs_of_spaces() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("CLANDATA");
    let mut d = common::noise(30000, 7);
    let w = b"\r\n\r\nExporting messages in mailbox \"Mary   Ann\" to file EXPORT\\MSG4A27.CCM\r\n12 messages exported.\r\n";
    d[8000..8000 + w.len()].copy_from_slice(w);
    std::fs::write(&f, &d).unwrap();
    let html = export(&["--format", "html"], &f);
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(
        style.contains("code,td,dd{white-space:pre-wrap}"),
        "{style}"
    );
    assert!(
        html.contains("<dt>Mailbox</dt><dd><code>Mary   Ann</code></dd>"),
        "{html}"
    );
    assert!(html.contains("<td>Mary   Ann (1)</td>"), "{html}");
    assert!(
        html.contains("mailbox &quot;Mary   Ann&quot; to file"),
        "{html}"
    );
}

#[test]
fn names_in_writes_link_to_files_in_related_folders() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    // The connector's folder lies elsewhere: named with --related.
    let conn = tempfile::tempdir().unwrap();
    let named = conn.path().join("Export/MSG4A27.CCM");
    std::fs::create_dir_all(named.parent().unwrap()).unwrap();
    std::fs::write(&named, b"x").unwrap();
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(896_776_867);
    std::fs::File::options()
        .write(true)
        .open(&named)
        .unwrap()
        .set_modified(t)
        .unwrap();
    let related = conn.path().to_str().unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&export(&["--format", "json", "--related", related], &f)).unwrap();
    assert_eq!(
        v["related"],
        serde_json::json!({"folders": [related], "files": 1, "truncated": false, "unreadable": 0})
    );
    assert_eq!(
        v["links"][0],
        serde_json::json!({
            "kind": "file",
            "name": "EXPORT\\MSG4A27.CCM",
            "files": [{"path": named.to_str().unwrap(), "match": "path", "modified": "1998-06-02T08:41:07Z"}],
        })
    );
    // Every other name is listed with no file.
    let names: Vec<(&str, usize)> = v["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap(),
                l["files"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("EXPORT\\MSG4A27.CCM", 1),
            ("EXPORT\\MSG4A28.CCM", 0),
            ("EXPORT\\MSG4A29.CCM", 0),
            ("EXPORT\\MSG4A2A.CCM", 0),
            ("E\\M.CCM", 0),
            ("IMPORT\\MSG0012.CCM", 0),
            ("admin_hub", 0),
            ("jgrewal", 0),
            ("kwong", 0),
            ("randyyeh_ee", 0),
            ("zz", 0),
        ]
    );
    let text = export(&["--related", related], &f);
    let joined = unwrapped(&text);
    assert!(
        joined.contains(&format!(
            "\n  Looked in: 1 file(s) under {related}\n  Linked file: EXPORT\\MSG4A27.CCM -> {} (path match, modified 1998-06-02T08:41:07Z)\n",
            named.display()
        )),
        "{text}"
    );
    // By default the folder holding the file is looked through: it holds only the store.
    let v: serde_json::Value = serde_json::from_str(&export(&["--format", "json"], &f)).unwrap();
    assert_eq!(v["related"]["folders"][0], dir.path().to_str().unwrap());
    assert_eq!(v["related"]["files"], 1);
    assert_eq!(v["links"][0]["files"], serde_json::json!([]));
}

#[test]
fn review_36_a_name_links_only_to_a_file_of_exactly_that_name() {
    // Review 36: `MSG4A27.CCM.OLD` and `MSG4A27.CCM.1` were linked to `EXPORT\MSG4A27.CCM`.
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let export_dir = dir.path().join("Export");
    std::fs::create_dir_all(&export_dir).unwrap();
    for n in ["MSG4A27.CCM.OLD", "MSG4A27.CCM.1"] {
        std::fs::write(export_dir.join(n), b"x").unwrap();
    }
    let v: serde_json::Value = serde_json::from_str(&export(&["--format", "json"], &f)).unwrap();
    assert_eq!(v["links"][0]["name"], "EXPORT\\MSG4A27.CCM");
    assert_eq!(v["links"][0]["files"], serde_json::json!([]));
    let text = export(&[], &f);
    assert!(!text.contains("Linked file: EXPORT\\MSG4A27.CCM"), "{text}");
    assert!(
        text.contains("Not found there: file EXPORT\\MSG4A27.CCM,"),
        "{text}"
    );
}

#[test]
fn review_36_a_related_file_modified_before_1970_is_dated() {
    // Review 36: a link to a file modified before the epoch panicked (exit 101).
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let named = dir.path().join("Export/MSG4A27.CCM");
    std::fs::create_dir_all(named.parent().unwrap()).unwrap();
    std::fs::write(&named, b"x").unwrap();
    let t = std::time::UNIX_EPOCH - std::time::Duration::from_secs(1);
    std::fs::File::options()
        .write(true)
        .open(&named)
        .unwrap()
        .set_modified(t)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&export(&["--format", "json"], &f)).unwrap();
    assert_eq!(
        v["links"][0]["files"],
        serde_json::json!([{"path": named.to_str().unwrap(), "match": "path", "modified": "1969-12-31T23:59:59Z"}])
    );
    let text = unwrapped(&export(&[], &f));
    assert!(
        text.contains(&format!(
            "  Linked file: EXPORT\\MSG4A27.CCM -> {} (path match, modified 1969-12-31T23:59:59Z)\n",
            named.display()
        )),
        "{text}"
    );
}

#[test]
fn export_out_names_stay_within_name_max_for_a_250_byte_evidence_name() {
    let dir = tempfile::tempdir().unwrap();
    let ev_dir = dir.path().join("evidence");
    let case = dir.path().join("case");
    std::fs::create_dir(&ev_dir).unwrap();
    let sha = "cbe9b8e52ccf";
    let mut names = Vec::new();
    for end in ["a.bak", "b.bak"] {
        // 250 bytes, two names that differ only in their last bytes.
        let name = format!("CLANDATA {}{end}", "x".repeat(236));
        assert_eq!(name.len(), 250);
        let ev = ev_dir.join(&name);
        std::fs::write(&ev, clanscope::demo::STORE).unwrap();
        let a = bin()
            .arg("export")
            .arg(&ev)
            .arg("--out")
            .arg(&case)
            .assert()
            .success();
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        let made = err
            .strip_prefix(&format!("clanscope: exported to {}/", case.display()))
            .and_then(|r| r.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("{err}"))
            .to_string();
        assert!(made.len() <= 255, "{made}");
        // The name's first 111 characters (blank made `_`), `~`, 8 hex digits of the whole
        // name's SHA-256, then the file's SHA-256 and the suffix.
        let keep = format!("CLANDATA_{}", "x".repeat(102));
        assert!(made.starts_with(&format!("{keep}~")), "{made}");
        assert!(made.ends_with(&format!(".{sha}.export.txt")), "{made}");
        assert_eq!(made.len(), 111 + 1 + 8 + 1 + 12 + 11);
        // The export names the whole file.
        let text = std::fs::read_to_string(case.join(&made)).unwrap();
        assert!(
            text.contains(&format!("File:      {}\n", ev.display())),
            "{}",
            &text[..400]
        );
        names.push(made);
    }
    assert_ne!(
        names[0], names[1],
        "long names that share a beginning keep apart"
    );
}

#[test]
fn export_warns_of_a_note_that_ends_before_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let ev_dir = dir.path().join("evidence");
    std::fs::create_dir(&ev_dir).unwrap();
    let f = demo_copy(&ev_dir);
    let notes = dir.path().join("notes.json");
    let sha = clanscope::notes::sha256_all(clanscope::demo::STORE);
    let mut s = clanscope::notes::Sidecar::new("CLANDATA", 327680, &sha);
    s.notes
        .push(clanscope::notes::Note::new(15948, 15872, "reversed", None));
    std::fs::write(&notes, s.to_json()).unwrap();
    let a = bin()
        .arg("export")
        .arg("--notes")
        .arg(&notes)
        .args(["--finding", "1"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!(
            "clanscope: warning: {}: note 1 (\"reversed\") ends at offset 15872, before its start 15948; read as offsets 15872-15948\n",
            notes.display()
        )
    );
    // Read swapped, the note is on the finding it covers.
    let out = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(
        out.contains("  Note:    reversed (at 0AFA:3F00, 76 bytes;"),
        "{out}"
    );
}

#[test]
fn a_write_at_the_files_first_byte_is_exported_under_an_origin_off_the_16_byte_grid() {
    // Found by a hostile review: the excerpt's first line was taken to start before the file
    // (offset 0 minus its column), so text and HTML showed no byte and JSON panicked.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("head.bin");
    let write = b"\r\n\r\nExporting messages in mailbox \"kwong\" to file EXPORT\\MSG4A29.CCM\r\n";
    let mut d = write.to_vec();
    d.extend((0..200u32).map(|i| (i * 151 % 256) as u8 | 0x80));
    std::fs::write(&f, &d).unwrap();
    for origin in ["0000:0007", "1234:000F", "0AFA:0101"] {
        let text = export(&["--origin", origin, "--context", "1"], &f);
        let u = parse::parse(&text);
        assert_eq!(u.warnings, vec![], "{text}");
        assert_eq!(u.blocks.len(), 1, "{text}");
        let o = Origin::parse(origin).unwrap();
        assert_eq!(o.offset_of_linear(u.blocks[0].start), Some(0), "{text}");
        // The write and the context line after it: through the end of the line holding the
        // byte after the write.
        let line_end = |x: usize| x + 16 - o.column(x as u64);
        assert_eq!(
            u.blocks[0].bytes,
            d[..line_end(write.len() - 1) + 16],
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&export(&["--origin", origin, "--format", "json"], &f)).unwrap();
        let ex = &json["files"][0]["excerpts"][0];
        assert_eq!(ex["start"], 0);
        assert_eq!(ex["address"], origin);
        let hex: String = d[..ex["end"].as_u64().unwrap() as usize]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(ex["bytes"], hex);
        let html = export(&["--origin", origin, "--format", "html"], &f);
        assert!(html.contains(&o.address(0).to_string()), "{origin}");
    }
}

/// `--length 0` is refused, and a range cut at the end of the file says so (a review saw both
/// pass without a word).
#[test]
fn an_empty_or_cut_range_is_refused_or_said() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let a = bin()
        .arg("export")
        .args(["--from", "0", "--length", "0"])
        .arg(&f)
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        "clanscope: --length 0: a range to export holds at least one byte\n"
    );
    let size = clanscope::demo::STORE.len() as u64;
    let a = bin()
        .arg("export")
        .args(["--from", &(size - 16).to_string(), "--length", "100"])
        .arg(&f)
        .assert()
        .success();
    let o = clanscope::demo::ORIGIN;
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        format!(
            "clanscope: --length 100 runs past the end of the file: the range exported is 16 bytes ({} to {})\n",
            o.address(size - 16),
            o.address(size - 1)
        )
    );
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains(&format!("offsets {}-{}", size - 16, size - 1)),
        "{text}"
    );
}

/// `text` as mail wraps it: each line longer than `width` broken at its last blank before
/// column `width` (the blank dropped), again and again.
fn mail_wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut rest = line;
        while rest.chars().count() > width {
            let head: Vec<(usize, char)> = rest.char_indices().take(width + 1).collect();
            let Some(&(at, _)) = head.iter().rev().find(|&&(i, c)| c == ' ' && i > 0) else {
                break;
            };
            out += &rest[..at];
            out.push('\n');
            rest = &rest[at + 1..];
        }
        out += rest;
        out.push('\n');
    }
    out
}

#[test]
fn an_export_wrapped_by_mail_reads_back_without_its_digest() {
    // Found by a hostile review: the `SHA-256:` line (75 columns) wrapped at 72 put the digest
    // on a line of its own, read as 32 bytes of hex with no address at offset 0.
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let data = std::fs::read(&f).unwrap();
    let text = export(&["--origin", "0AFA:0100"], &f);
    let wrapped = mail_wrap(&text, 72);
    let lines: Vec<&str> = wrapped.lines().collect();
    let digest = lines
        .iter()
        .position(|l| l.len() == 64 && l.bytes().all(|c| c.is_ascii_hexdigit()))
        .expect("the digest on a line of its own");
    assert!(lines.iter().all(|l| l.chars().count() <= 72));
    let u = parse::parse(&wrapped);
    let whole = parse::parse(&text);
    assert_eq!(whole.warnings, vec![]);
    let placed = |u: &parse::Undump| -> Vec<(u64, Vec<u8>)> {
        u.blocks
            .iter()
            .map(|b| (b.start, b.bytes.clone()))
            .collect()
    };
    assert_eq!(placed(&u), placed(&whole));
    assert_eq!(u.bytes(), whole.bytes());
    let o = Origin::parse("0AFA:0100").unwrap();
    assert_eq!(u.blocks.len(), 6);
    for b in &u.blocks {
        let off = o.offset_of_linear(b.start).unwrap() as usize;
        assert_eq!(&data[off..off + b.bytes.len()], &b.bytes[..]);
    }
    // Not data, and said, with its line.
    assert_eq!(u.warnings.len(), 1, "{:?}", u.warnings);
    assert_eq!(u.warnings[0].kind, parse::WarningKind::NotRead);
    assert_eq!(u.warnings[0].line, digest + 1);
    assert!(
        u.warnings[0].message.contains("its 32 bytes are missing"),
        "{}",
        u.warnings[0].message
    );
}

/// Review 38 (#14): a range of an empty file gave the inspector's "no address to go to". Now
/// the export says the file is empty and that nothing was exported, and leaves no file.
#[test]
fn review_38_a_range_of_an_empty_file_says_it_is_empty_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    let out = dir.path().join("out");
    std::fs::create_dir(&ev).unwrap();
    std::fs::create_dir(&out).unwrap();
    let f = ev.join("EMPTY");
    std::fs::write(&f, b"").unwrap();
    let want = format!(
        "clanscope: {}: the file is empty (0 bytes): there is no range to export; nothing was exported\n",
        f.display()
    );
    for to in [
        vec!["-o".to_string(), out.join("x.txt").display().to_string()],
        vec!["--out".to_string(), out.join("case").display().to_string()],
        vec![],
    ] {
        let a = bin()
            .arg("export")
            .args(["--from", "0", "--length", "1"])
            .args(&to)
            .arg(&f)
            .assert()
            .code(2);
        assert_eq!(String::from_utf8_lossy(&a.get_output().stderr), want);
        assert!(a.get_output().stdout.is_empty());
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "{to:?}");
    }
}

/// Review 38 (#3): `export --compare OTHER` named no compared file: an export could not say
/// which copy its destroyed bytes came from, and a write the other copy holds too got no word
/// at all. Now the header gives the other file's path, size and SHA-256 (text, HTML, JSON), as
/// it gives the examined file's, and a write whose bytes the other copy holds too says "same
/// bytes".
#[test]
fn review_38_export_compare_names_the_compared_file_and_says_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let bk = dir.path().join("bk");
    std::fs::create_dir(&bk).unwrap();
    // A copy holding the same bytes: every write is there too.
    let same = bk.join("CLANDATA\u{1b}[2J");
    std::fs::write(&same, clanscope::demo::STORE).unwrap();
    let sha = clanscope::notes::sha256_all(clanscope::demo::STORE);
    let args = [
        "--compare",
        same.to_str().unwrap(),
        "--finding",
        "1",
        "--context",
        "0",
    ];
    let shown = format!("{}/CLANDATA\\x1B[2J", bk.display());
    let text = export(&args, &f);
    assert!(
        text.contains(&format!(
            "\nCompared:  {shown}\nCompared size: 327680 bytes\nCompared SHA-256: {sha}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("\n  Destroyed: nothing: same bytes (the compared file's bytes at offsets 15872-15947)\n"),
        "{text}"
    );
    let html = export(&[&args[..], &["--format", "html"]].concat(), &f);
    assert!(
        html.contains(&format!(
            "<tr><th>Compared</th><td><code>{shown}</code></td></tr>\n<tr><th>Compared size</th><td><code>327680 bytes</code></td></tr>\n<tr><th>Compared SHA-256</th><td><code>{sha}</code></td></tr>\n"
        )),
        "{html}"
    );
    assert!(
        html.contains("<dt>Destroyed</dt><dd>nothing: same bytes (the compared file&#39;s bytes at offsets 15872-15947)</dd>"),
        "{html}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&export(&[&args[..], &["--format", "json"]].concat(), &f)).unwrap();
    assert_eq!(
        json["compared"],
        serde_json::json!({"path": same.to_str().unwrap(), "size": 327680, "sha256": sha})
    );
    let d = &json["files"][0]["excerpts"][0]["destroyed"];
    assert_eq!(d[0]["same"], true, "{d}");
    assert_eq!(d[0]["bytes"].as_str().unwrap().len(), 2 * 76);
    // A copy that ends 10 bytes into the write: the same bytes as far as it goes, said so.
    let short = bk.join("short");
    std::fs::write(&short, &clanscope::demo::STORE[..0x3E00 + 10]).unwrap();
    let text = export(
        &["--compare", short.to_str().unwrap(), "--finding", "1"],
        &f,
    );
    assert!(
        unwrapped(&text).contains("\n  Destroyed: nothing in the bytes compared: same bytes (the compared file's bytes at offsets 15872-15881; 66 byte(s) lie past its end)\n"),
        "{text}"
    );
    // A backup with other bytes: named too, and what was destroyed is given as before.
    let b = bk.join("backup");
    let backup = clanscope::demo::make_backup();
    std::fs::write(&b, &backup).unwrap();
    let text = export(&["--compare", b.to_str().unwrap(), "--finding", "1"], &f);
    assert!(
        text.contains(&format!(
            "\nCompared:  {}\nCompared size: {} bytes\nCompared SHA-256: {}\n",
            b.display(),
            backup.len(),
            clanscope::notes::sha256_all(&backup)
        )),
        "{text}"
    );
    assert!(
        text.contains("  Destroyed: \"Message:\\r\\n1200\\r\\nFrom: Yeh, Randy at Hub"),
        "{text}"
    );
    // Without --compare, no such line; JSON says null.
    assert!(!export(&["--finding", "1"], &f).contains("Compared"));
    let json: serde_json::Value = serde_json::from_str(&export(&["--format", "json"], &f)).unwrap();
    assert_eq!(json["compared"], serde_json::Value::Null);
}

/// Review 38 (#10): `--finding N` left out the examiner's notes outside the picked findings
/// without a word (text and HTML). Now the summary says how many, where, and how to have them.
#[test]
fn review_38_notes_outside_the_picked_findings_are_counted_with_their_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let notes = dir.path().join("n.json");
    let mut s = demo_sidecar(0x3E00, 0x3E4C, "on the write", None);
    for (start, end) in [(0x120, 0x124), (0x200, 0x201)] {
        let mut n = s.notes[0].clone();
        (n.start, n.end, n.text) = (start, end, "elsewhere".into());
        s.notes.push(n);
    }
    std::fs::write(&notes, s.to_json()).unwrap();
    let n = notes.to_str().unwrap();
    let said = "2 (at 0AFA:0220, 0AFA:0300): they lie outside the findings picked; an export of every finding (without --finding) shows every note";
    let text = unwrapped(&export(&["--notes", n, "--finding", "1"], &f));
    assert!(
        text.contains(&format!("\n  Notes left out: {said}\n")),
        "{text}"
    );
    assert!(text.contains("  Note:    on the write (at 0AFA:3F00, 76 bytes)\n"));
    let html = export(&["--notes", n, "--finding", "1", "--format", "html"], &f);
    assert!(
        html.contains(&format!("<tr><th>Notes left out</th><td>{said}</td></tr>")),
        "{html}"
    );
    // A range asked for says so too.
    let text = unwrapped(&export(
        &["--notes", n, "--from", "0x3E00", "--length", "16"],
        &f,
    ));
    assert!(
        text.contains("\n  Notes left out: 2 (at 0AFA:0220, 0AFA:0300): they lie outside the range exported; an export of every finding (without --from and --length) shows every note\n"),
        "{text}"
    );
    // Without --finding every note is shown, and nothing is said.
    let text = export(&["--notes", n], &f);
    assert!(!text.contains("Notes left out"), "{text}");
    assert_eq!(text.matches("(at 0AFA:0220, 4 bytes)").count(), 1, "{text}");
    // Past 20, the first 20 by address are listed and the rest counted.
    let one = s.notes[1].clone();
    s.notes = (0..22u64)
        .rev()
        .map(|i| {
            let mut n = one.clone();
            (n.start, n.end) = (0x100 + 16 * i, 0x101 + 16 * i);
            n
        })
        .collect();
    std::fs::write(&notes, s.to_json()).unwrap();
    let text = unwrapped(&export(&["--notes", n, "--finding", "1"], &f));
    let first: Vec<String> = (0..20u64)
        .map(|i| format!("0AFA:{:04X}", 0x200 + 16 * i))
        .collect();
    assert!(
        text.contains(&format!("\n  Notes left out: 22 (at {}, and 2 more): they lie outside the findings picked; an export of every finding (without --finding) shows every note\n", first.join(", "))),
        "{text}"
    );
}

/// Review 38 (#11): a note starting before a finding and ending inside it: its first bytes
/// were not dumped and none of its bytes was marked. Now the excerpt starts at the note's line
/// and marks its bytes, and the text reads back with `undump --strict`.
#[test]
fn review_38_a_note_starting_before_an_excerpt_is_dumped_from_its_start_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let notes = dir.path().join("n.json");
    std::fs::write(
        &notes,
        demo_sidecar(0x3DE8, 0x3E08, "reaches into the write", None).to_json(),
    )
    .unwrap();
    let n = notes.to_str().unwrap();
    let args = ["--notes", n, "--finding", "1", "--context", "0"];
    let text = export(&args, &f);
    assert!(
        text.contains("  Note:    reaches into the write (at 0AFA:3EE8, 32 bytes)\n"),
        "{text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(">  0AFA:3EE0  "))
        .unwrap_or_else(|| panic!("{text}"));
    // Bytes 8-15 of the line are the note's: `-` under their hex and their characters (a
    // finding's bytes get `^`: review 54 could not tell the two apart).
    let hex: Vec<&str> = vec!["--"; 8];
    assert_eq!(
        lines[i + 1],
        format!(
            "{}{}{}{}",
            " ".repeat(14 + 3 * 8),
            hex.join(" "),
            " ".repeat(64 + 8 - (14 + 3 * 8 + 23)),
            "-".repeat(8)
        )
    );
    assert!(lines[i + 2].starts_with(">  0AFA:3EF0  "), "{text}");
    assert_eq!(lines[i + 3].matches('-').count(), 48, "{text}");
    assert_eq!(lines[i + 3].matches('^').count(), 0, "{text}");
    assert!(lines[i + 4].starts_with(">  0AFA:3F00  "), "{text}");
    // Reads back: the excerpt's bytes from the note's line.
    let out = tempfile::tempdir().unwrap();
    let t = out.path().join("x.txt");
    std::fs::write(&t, &text).unwrap();
    let back = bin()
        .args(["undump", "--strict"])
        .arg(&t)
        .assert()
        .success();
    assert_eq!(
        back.get_output().stdout,
        &clanscope::demo::STORE[0x3DE0..0x3E50]
    );
    // HTML marks the note's bytes from its first.
    let html = export(&[&args[..], &["--format", "html"]].concat(), &f);
    assert!(
        html.contains("data-part=\"hex\" data-o=\"15848\">"),
        "{html}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&export(&[&args[..], &["--format", "json"]].concat(), &f)).unwrap();
    assert_eq!(json["files"][0]["excerpts"][0]["start"], 0x3DE0);
    // A note starting more than 256 lines before the finding widens the excerpt by 256 lines
    // and says it starts before them; one running on past the excerpt says so too.
    let mut s = demo_sidecar(0x2D00, 0x3E08, "long before", None);
    let mut later = s.notes[0].clone();
    (later.start, later.end, later.text) = (0x3E40, 0x3F00, "runs on".into());
    s.notes.push(later);
    std::fs::write(&notes, s.to_json()).unwrap();
    let text = export(&args, &f);
    assert!(
        text.contains("  Note:    long before (at 0AFA:2E00, 4360 bytes; it starts before the lines shown here)\n  Note:    runs on (at 0AFA:3F40, 192 bytes; it runs on past the lines shown here)\n"),
        "{text}"
    );
    assert!(text.contains("\n>  0AFA:2F00  "), "{text}");
    assert!(!text.contains("0AFA:2EF0"), "{text}");
    std::fs::write(&t, &text).unwrap();
    let back = bin()
        .args(["undump", "--strict"])
        .arg(&t)
        .assert()
        .success();
    assert_eq!(
        back.get_output().stdout,
        &clanscope::demo::STORE[0x2E00..0x3E50]
    );
}

/// Review 54 (D6): `export --compare` of the file with itself (another name, a symlink, the
/// same file on standard input) said "same bytes" under every write, and `--compare - -`
/// compared standard input with nothing. Both are refused before anything is read.
#[test]
fn review_54_a_file_is_not_compared_with_itself() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&f, &link).unwrap();
    // Review 84 D1: the inspector's --compare took the file itself (by a hard link, or its
    // own name) and `e` exported "same bytes" under each write; refused as export refuses,
    // before any terminal is needed (here there is none).
    let hard = dir.path().join("hard");
    std::fs::hard_link(&f, &hard).unwrap();
    let cases: [(&[&str], &std::path::PathBuf); 3] = [
        (&["export", "--compare"], &link),
        (&["--compare"], &hard),
        (&["view", "--compare"], &f),
    ];
    for (args, other) in cases {
        let a = bin().args(args).arg(other).arg(&f).assert().code(2);
        assert!(a.get_output().stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&a.get_output().stderr),
            format!(
                "clanscope: {} and {} are one file (the same device and inode): nothing to compare it with\n",
                f.display(),
                other.display()
            )
        );
    }
    let a = bin()
        .args(["export", "--compare", "-", "-"])
        .write_stdin(std::fs::read(&f).unwrap())
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stderr),
        "clanscope: standard input can be read once: give a file for at least one side\n"
    );
}

/// Review 54 (D9): with `--finding`, a note whose bytes lie in the excerpt's context lines was
/// dumped there unmarked and counted as "left out". It is listed and marked there now.
#[test]
fn review_54_a_note_in_an_excerpts_context_lines_is_listed_and_marked_there() {
    let dir = tempfile::tempdir().unwrap();
    let f = demo_copy(dir.path());
    let first = &scan_json(&f, &[])["files"][0]["findings"][0];
    let start = first["start"].as_u64().unwrap();
    // Two bytes in the line before the write's first line (context 2 shows it).
    let at = start - start % 16 - 16 + 2;
    let notes = dir.path().join("n.json");
    std::fs::write(
        &notes,
        demo_sidecar(at, at + 2, "in context before", None).to_json(),
    )
    .unwrap();
    let text = export(&["--notes", notes.to_str().unwrap(), "--finding", "1"], &f);
    assert!(!text.contains("Notes left out"), "{text}");
    assert_eq!(
        text.matches("  Note:    in context before").count(),
        1,
        "{text}"
    );
    let origin = Origin::parse("0AFA:0100").unwrap();
    let line = format!(">  {}  ", origin.address(at - at % 16));
    let lines: Vec<&str> = text.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(&line))
        .unwrap_or_else(|| panic!("{line}\n{text}"));
    // Bytes 2 and 3 of the line: `-` under their hex and their characters, nothing else.
    let marks = lines[i + 1];
    assert_eq!(marks.matches('-').count(), 6, "{marks}");
    assert_eq!(marks.matches('^').count(), 0, "{marks}");
}

//! The failures the detection v2 issue measured, checked again one by one:
//!
//!     cargo run --release --example recheck
//!
//! Inputs are built from the corpus (the KB 282172 EXPORT run of the held-out split, the prose
//! paragraphs that mention cc:Mail) or worded here (marked "own wording"); binary data is
//! seeded pseudo-random bytes. Each check prints what it planted and what came out.

#[path = "corpus/mod.rs"]
mod corpus;

use clanscope::detect::{Collect, Control, Engine, FindingKind, Report};
use corpus::Rng;
use std::path::Path;

fn crlf(text: &str) -> String {
    text.lines().map(|l| format!("{l}\r\n")).collect()
}

/// Plants each block at a record start of a synthetic store (records of 4 KiB, the last one
/// across a 64 KiB border) and returns the store and the ranges.
fn store(blocks: &[String], seed: u64) -> (Vec<u8>, Vec<(u64, u64)>) {
    let mut rng = Rng(seed);
    let mut d = rng.bytes(4096 * (blocks.len() + 20));
    let mut at = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let s = if i + 1 == blocks.len() {
            65_536 - b.len() / 2
        } else {
            4096 * (i + 1)
        };
        d[s..s + b.len()].copy_from_slice(b.as_bytes());
        at.push((s as u64, (s + b.len()) as u64));
    }
    (d, at)
}

/// Of planted ranges, how many came out as exactly one suspected console write with edges
/// within 2 bytes.
fn found_whole(r: &Report, at: &[(u64, u64)]) -> usize {
    at.iter()
        .filter(|&&(s, e)| {
            let over: Vec<_> = r
                .findings
                .iter()
                .filter(|f| f.start < e && f.end > s)
                .collect();
            over.len() == 1
                && over[0].kind == FindingKind::ConsoleWrite
                && over[0].suspected()
                && over[0].start.abs_diff(s) <= 2
                && over[0].end.abs_diff(e) <= 2
        })
        .count()
}

/// With SHOW set: the console writes at 0.5 or more (the first 25), with their text and why.
fn show_alarms(r: &Report, d: &[u8]) {
    if std::env::var_os("SHOW").is_none() {
        return;
    }
    let alarms = r
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::ConsoleWrite && f.confidence >= 0.5);
    for f in alarms.take(25) {
        println!("  {:.2} {:?} | {}", f.confidence, f.text(d), f.why());
    }
}

/// `texts`, each framed by `frame`, `times` times over, each after 32 to 287 random bytes (the
/// records of a store around them).
fn records(texts: &[&str], times: usize, seed: u64, frame: impl Fn(&str) -> String) -> Vec<u8> {
    let mut d = Vec::with_capacity(4 << 20);
    let mut rng = Rng(seed);
    for _ in 0..times {
        for t in texts {
            let gap = 32 + rng.below(256);
            d.extend(rng.bytes(gap));
            d.extend(frame(t).as_bytes());
        }
    }
    d
}

/// The texts among `texts` that a console write at >= 0.5 holds, sorted.
fn called_console<'t>(r: &Report, d: &[u8], texts: &[&'t str]) -> Vec<&'t str> {
    let mut called: Vec<&str> = texts
        .iter()
        .filter(|s| {
            let t = s.as_bytes();
            r.findings.iter().any(|f| {
                f.kind == FindingKind::ConsoleWrite
                    && f.confidence >= 0.5
                    && d[f.start as usize..f.end as usize]
                        .windows(t.len())
                        .any(|w| w == t)
            })
        })
        .copied()
        .collect();
    called.sort_unstable();
    called
}

/// Of the 95 printable bytes and TAB, after how many the run `text` (CR LF, no line end
/// before it) planted right after a NUL and that byte is found whole (edges within 2 bytes).
fn glued_after_each_printable(text: &str) -> usize {
    let mut rng = Rng(11);
    let bytes: Vec<u8> = (0x20..0x7F).chain([b'\t']).collect();
    let mut d = Vec::new();
    let mut at = Vec::new();
    for &c in &bytes {
        d.extend(rng.bytes(1024));
        d.extend([0, c]);
        let s = d.len() as u64;
        d.extend(crlf(text).as_bytes());
        at.push((s, d.len() as u64));
        d.push(0);
    }
    d.extend(rng.bytes(1024));
    found_whole(&scan(&d, "CLANDATA"), &at)
}

/// A line of `n` words drawn from `words`, framed by CR LF: the first word capitalised and a
/// full stop at the end, each half the time.
fn salad_line(rng: &mut Rng, words: &[&str], n: usize) -> String {
    let mut w: Vec<String> = (0..n).map(|_| rng.pick(words).to_string()).collect();
    if rng.chance(0.5) {
        w[0] = w[0][..1].to_ascii_uppercase() + &w[0][1..];
    }
    let end = if rng.chance(0.5) { "." } else { "" };
    format!("\r\n{}{end}\r\n", w.join(" "))
}

/// 5c. Word salad of the corpus's mail words only, by words a line: 3,000 lines of each
/// length, a line per record. The share called a console write at 0.5 or more.
fn salad_by_length(rng: &mut Rng) {
    let mut shares = Vec::new();
    for n in [3, 4, 6, 8, 11, 14] {
        let mut d = Vec::new();
        for _ in 0..3000 {
            let gap = 32 + rng.below(256);
            d.extend(rng.bytes(gap));
            d.extend(salad_line(rng, corpus::MAIL_WORDS, n).as_bytes());
        }
        let alarms = scan(&d, "CLANDATA").count(FindingKind::ConsoleWrite, 0.5);
        shares.push(format!("{n} words {:.1}%", alarms as f64 / 30.0));
    }
    println!(
        "5c. word salad of mail words only, by words a line (3,000 lines each): {}",
        shares.join(", ")
    );
}

fn scan(d: &[u8], name: &str) -> Report {
    Engine::default().scan(d, Path::new(name), &Control::new())
}

fn main() {
    let root = corpus::root();
    let run = std::fs::read_to_string(root.join("console/kb282172--01.txt")).expect("sample");
    let samples = corpus::load(&root);
    export_runs(&run);
    let mut rng = Rng(4);
    cc_mail_prose(&samples, &mut rng);
    word_salad(&samples, &mut rng);
    one_line_errors_and_second_lines();
    text_file_heads(&run);
    demo_store();
    folded_header_line();
    message_subjects();
    short_message_bodies();
}

/// Items 1-3: the EXPORT run of KB 282172 in a store, its banner on one line, glued to a
/// printable byte, wrapped at 80 columns, and as an Import-side variant.
fn export_runs(run: &str) {
    let banner = run.lines().next().expect("banner").to_string();

    // 1. The EXPORT run, one-line banner (139 columns), blank lines, CR LF: 6 placements.
    let one = format!("\r\n{}", crlf(run));
    let (d, at) = store(&vec![one.clone(); 6], 1);
    let r = scan(&d, "CLANDATA");
    println!(
        "1. EXPORT run, one-line banner (KB 282172, held-out): {} of 6 found whole",
        found_whole(&r, &at)
    );
    if let Some(f) = r.findings.first() {
        println!("   e.g. #{} {:.2}: {}", f.id, f.confidence, f.why());
    }

    // 1b. The run with no line end before it, written right after each printable byte (and
    //     TAB) of the record before it: that byte is glued to the banner's first word.
    let glued = glued_after_each_printable(run);
    println!(
        "1b. EXPORT run right after a printable byte of binary data: {glued} of 96 found whole"
    );

    // 2. The same with the banner wrapped at 80 columns by a screen: 6 placements.
    let wrapped = run.replacen(&banner, &format!("{}\n{}", &banner[..80], &banner[80..]), 1);
    let (d, at) = store(&vec![format!("\r\n{}", crlf(&wrapped)); 6], 2);
    let r = scan(&d, "CLANDATA");
    println!(
        "2. EXPORT run, banner wrapped at 80: {} of 6 found whole",
        found_whole(&r, &at)
    );

    // 3. An Import-side variant (own wording: the same run with IMPORT for EXPORT): 3.
    let import = run.replace("EXPORT", "IMPORT");
    let (d, at) = store(&vec![format!("\r\n{}", crlf(&import)); 3], 3);
    let r = scan(&d, "MLANDATA");
    println!(
        "3. IMPORT variant (own wording): {} of 3 found whole",
        found_whole(&r, &at)
    );
}

/// Item 4: technical prose about cc:Mail as message bodies of a store.
fn cc_mail_prose(samples: &[corpus::Sample], rng: &mut Rng) {
    // 4. Technical prose about cc:Mail as message bodies: every prose paragraph of the corpus
    //    that mentions cc:Mail, wrapped near 75 columns, CR LF, in records of a 9 MB store.
    let prose: Vec<String> = samples
        .iter()
        .filter(|s| {
            s.class == clanscope::detect::model::TextClass::Prose && s.text.contains("cc:Mail")
        })
        .map(|s| {
            let words: Vec<&str> = s.text.split_whitespace().collect();
            let mut lines = Vec::new();
            let mut cur = String::new();
            for w in words {
                if !cur.is_empty() && cur.len() + 1 + w.len() > 75 {
                    lines.push(std::mem::take(&mut cur));
                }
                if !cur.is_empty() {
                    cur.push(' ');
                }
                cur.push_str(w);
            }
            lines.push(cur);
            lines.join("\r\n") + "\r\n"
        })
        .collect();
    let mut d = Vec::with_capacity(9 << 20);
    let mut bodies = 0;
    while d.len() < 9 << 20 {
        let gap = 64 + rng.below(512);
        d.extend(rng.bytes(gap));
        d.extend(rng.pick(&prose).as_bytes());
        bodies += 1;
    }
    let r = scan(&d, "MLANDATA");
    show_alarms(&r, &d);
    let alarms = r.count(FindingKind::ConsoleWrite, 0.5);
    println!(
        "4. cc:Mail prose ({} paragraphs, {bodies} bodies, {:.1} MB): {alarms} console writes at >= 0.5 (v1: 2,536 in about 9 MB)",
        prose.len(),
        d.len() as f64 / 1e6
    );
}

/// Items 5, 5b and 5c: word salad, a line per record.
fn word_salad(samples: &[corpus::Sample], rng: &mut Rng) {
    // 5. Word salad with mail words, a line per record, in 24 MB.
    let train: Vec<_> = samples.iter().filter(|s| !s.heldout).cloned().collect();
    let vocab = corpus::vocabulary(&train);
    let salad: Vec<String> = corpus::noise(rng, 400, &vocab)
        .into_iter()
        .filter(|s| s.subtype == "word-salad")
        .flat_map(|s| s.text.lines().map(str::to_string).collect::<Vec<_>>())
        .collect();
    let mut d = Vec::with_capacity(24 << 20);
    let mut lines = 0;
    while d.len() < 24 << 20 {
        let gap = 32 + rng.below(256);
        d.extend(rng.bytes(gap));
        d.extend(format!("\r\n{}\r\n", rng.pick(&salad)).as_bytes());
        lines += 1;
    }
    let r = scan(&d, "CLANDATA");
    show_alarms(&r, &d);
    println!(
        "5. word salad with mail words ({lines} lines, 24 MB): {} console writes at >= 0.5 (v1: 47)",
        r.count(FindingKind::ConsoleWrite, 0.5)
    );

    // 5b. Word salad drawn evenly from the corpus's mail words and some common words (own
    //     list), a line per record, in 24 MB.
    const COMMON: &[&str] = &[
        "mail", "server", "network", "the", "of", "and", "to", "in", "is", "for", "on", "with",
        "date", "subject", "report", "system", "archive", "backup", "please", "thanks", "meeting",
        "project", "budget", "draft", "week",
    ];
    let words_5b: Vec<&str> = corpus::MAIL_WORDS.iter().chain(COMMON).copied().collect();
    let mut d = Vec::with_capacity(24 << 20);
    let mut lines = 0;
    while d.len() < 24 << 20 {
        let gap = 32 + rng.below(256);
        d.extend(rng.bytes(gap));
        let n = rng.range(3, 14);
        d.extend(salad_line(rng, &words_5b, n).as_bytes());
        lines += 1;
    }
    let r = scan(&d, "CLANDATA");
    show_alarms(&r, &d);
    println!(
        "5b. word salad drawn evenly from mail and common words ({lines} lines, 24 MB): {} console writes at >= 0.5",
        r.count(FindingKind::ConsoleWrite, 0.5)
    );

    salad_by_length(rng);
}

/// Items 6 and 7: one-line errors printed by a tool, and a write's second line.
fn one_line_errors_and_second_lines() {
    // 6. One-line errors printed by a tool (own wording): the event text without its product
    //    name, and one the signature set does not know.
    for line in [
        "The post office is locked by another process.",
        "Unable to open the post office directory: it is in use by another program.",
    ] {
        let (d, at) = store(&[format!("\r\n{line}\r\n")], 6);
        let r = scan(&d, "CLANDATA");
        let f = r
            .findings
            .iter()
            .find(|f| f.start < at[0].1 && f.end > at[0].0);
        println!(
            "6. one-line error (own wording) {line:?}: {}",
            f.map_or("nothing".into(), |f| format!(
                "{} {:.2}",
                f.kind.name(),
                f.confidence
            ))
        );
    }

    // 7. A write's second line (own wording after the article's line).
    let w = "\r\n\r\nExporting messages in mailbox \"ops\" to file EXPORT\\MSG0042.CCM\r\n12 messages exported.\r\n";
    let (d, at) = store(&[w.to_string()], 7);
    let r = scan(&d, "CLANDATA");
    println!(
        "7. second line `12 messages exported.` kept: {}",
        found_whole(&r, &at) == 1
    );
}

/// Item 8: a text file not in .CCM form with console output at its head.
fn text_file_heads(run: &str) {
    // 8. A text file not in .CCM form with console output at its head, as .TMP and .TXT.
    let body = "Kim, the figures for the second quarter are attached; please check the totals\r\nin the last table before we send them on to the regional offices.\r\n";
    for name in ["Ccmcdata/MSG0031.TMP", "notes.txt"] {
        let t = format!("\r\n{}\r\n{body}", crlf(run));
        let r = scan(t.as_bytes(), name);
        let f = r.findings.first();
        println!(
            "8. {name}: {}, {}",
            r.kind.name(),
            f.map_or("nothing".into(), |f| format!(
                "{} {}..{} {:.2}",
                f.kind.name(),
                f.start,
                f.end,
                f.confidence
            ))
        );
    }
}

/// Items 9 and 10: every write once, and what is streamed equals the report (demo store).
fn demo_store() {
    // 9, 10. Every write once; what is streamed equals the report (demo store).
    let demo = clanscope::demo::STORE;
    let mut sink = Collect::default();
    let r = Engine::default().scan_into(demo, Path::new("CLANDATA"), &Control::new(), &mut sink);
    let mut starts: Vec<u64> = r.findings.iter().map(|f| f.start).collect();
    starts.dedup();
    println!(
        "9. demo store: {} findings, {} distinct starts, {} damaged headers holding {} writes",
        r.findings.len(),
        starts.len(),
        r.headers.len(),
        r.headers.iter().map(|h| h.writes.len()).sum::<usize>()
    );
    println!(
        "10. streamed equals the report: {}",
        sink.findings == r.findings && sink.headers == r.headers
    );
}

/// Item 11: a .CCM folded header line.
fn folded_header_line() {
    // 11. A .CCM folded header line (own wording).
    let ccm = "Message:\r\n150\r\nFrom: Grewal, Jeff at Hub\r\nSubject: A subject that goes on\r\n  over a folded line\r\nTo: Admin at HUBPO2\r\nContents:\r\n30\r\nText item:\r\n10\r\nHello.\r\n";
    let r = scan(ccm.as_bytes(), "MSG0001.CCM");
    println!(
        "11. folded header line: {} findings, {} damaged headers, subject {:?}",
        r.findings.len(),
        r.headers.len(),
        r.messages[0]
            .fields
            .iter()
            .find(|f| f.0 == "Subject")
            .map(|f| f.1.as_str())
    );
}

/// Item 12: message subjects in records of a store.
fn message_subjects() {
    // 12. Short texts a store holds besides console output: message subjects (own wording),
    //     NUL-terminated in records of a store, each subject 80 times.
    const SUBJECTS: &[&str] = &[
        "Budget meeting moved to Friday",
        "Re: Q3 sales figures",
        "FW: New phone list for the Dallas office",
        "Minutes of the staff meeting, March 4",
        "Please review the attached draft",
        "Reminder: timesheets due Monday",
        "Welcome to the team, Randy!",
        "Travel expense report for January",
        "Network outage this weekend",
        "Year-end inventory count",
        "Can you send me the contract?",
        "Office party planning committee",
        "New cc:Mail post office for Building 2",
        "Password change required",
        "Your mailbox is almost full",
        "Meeting with Acme Corp. postponed",
        "Updated org chart",
        "Conference room bookings",
        "Thanks for your help yesterday",
        "Holiday schedule for the main office",
    ];
    let d = records(SUBJECTS, 80, 12, |s| format!("\0{s}\0"));
    for name in ["MLANDATA", "records.dat"] {
        let r = scan(&d, name);
        let called = called_console(&r, &d, SUBJECTS);
        println!(
            "12. message subjects (own wording, {} in {:.1} MB) in {name}: {} console writes at >= 0.5; subjects called console output: {} of {}: {:?}",
            80 * SUBJECTS.len(),
            d.len() as f64 / 1e6,
            r.count(FindingKind::ConsoleWrite, 0.5),
            called.len(),
            SUBJECTS.len(),
            called
        );
    }
}

/// Item 13: short message bodies in records of a store.
fn short_message_bodies() {
    // 13. Short message bodies (own wording), their lines ended with CR LF, each as the text of
    //     a record of a store, each body 40 times: a store holds many, and a short one is
    //     framed as a one-line console message is.
    const BODIES: &[&str] = &[
        "Please call me when you get this.",
        "Thanks for the report. I will read it tonight.",
        "Lunch on Friday?",
        "Sorry, I cannot make it today.",
        "See you there.",
        "Reminder: timesheets are due Monday.",
        "Your password will expire in 5 days.",
        "The budget review is at 3pm in room 204.\r\n\r\nBob",
        "Hi John,\r\n\r\nCan we move the meeting to Thursday?\r\n\r\nThanks,\r\nMary",
        "I have attached the draft. Let me know what you think.\r\n\r\nRegards,\r\nSusan",
        "Got it, thanks!",
        "Who has the key to the supply room?",
        "The copier on the 2nd floor is broken again.",
        "Can you forward me the phone list?",
        "I'll be out of the office until Wednesday.",
        "Congratulations on the new job!",
        "Please send the invoices to accounting by noon.",
        "Don't forget the staff meeting at 10.",
        "Here are the numbers you asked for:\r\n\r\nJanuary 1,204\r\nFebruary 1,377",
        "OK",
    ];
    let d = records(BODIES, 40, 13, |b| format!("{b}\r\n"));
    let r = scan(&d, "MLANDATA");
    let called: Vec<&str> = called_console(&r, &d, BODIES)
        .into_iter()
        .map(|b| b.split('\r').next().unwrap_or(b))
        .collect();
    println!(
        "13. short message bodies (own wording, {} in {:.1} MB) in MLANDATA: {} console writes at >= 0.5; bodies called console output: {} of {}: {:?}",
        40 * BODIES.len(),
        d.len() as f64 / 1e6,
        r.count(FindingKind::ConsoleWrite, 0.5),
        called.len(),
        BODIES.len(),
        called
    );
}

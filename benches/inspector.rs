//! The inspector's hot paths, measured (`cargo bench --bench inspector`):
//! 1. key-to-frame at 5 GiB (a sparse file) with 100,000 findings and a whole-file search
//!    running in the background: each key's `update`, the absorbing of whatever the workers
//!    sent, and a full `render` into a 200x60 buffer; median, p99 and max over many keys. The
//!    budget is 16 ms (one frame at 60 Hz).
//! 2. the inspector's scan pipeline (the engine streaming into the view's sink, the hash at the
//!    lowest priority beside it) against the CLI's scan (`Engine::scan`) of the same file.
//!
//! Files are generated under the system temp folder and removed after. Pass `--quick` for a
//! short run (CI smoke).

use clanscope::address::Origin;
use clanscope::demo;
use clanscope::detect::{Control, DamagedHeader, Engine, Finding, FindingKind, Report};
use clanscope::source::Source;
use clanscope::tui::app::{App, Effect, ScanMsg};
use clanscope::tui::command::Command;
use clanscope::tui::prompt::Edit;
use clanscope::tui::{render, workers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn peak_rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map(|k| k / 1024.0)
        .unwrap_or(0.0)
}

/// A report of `n` console writes spread over `size` bytes, every tenth in a damaged header.
fn many_findings(size: u64, n: u32) -> Report {
    let mut r = Engine::default().scan(&b""[..], Path::new("CLANDATA"), &Control::new());
    let step = size / n as u64;
    for i in 0..n {
        let start = i as u64 * step + 16;
        let header = (i % 10 == 0).then_some(i / 10 + 1);
        r.findings.push(Finding {
            id: i + 1,
            kind: FindingKind::ConsoleWrite,
            start,
            end: start + 76,
            confidence: 0.99,
            mailbox: Some("randyyeh_ee".into()),
            file: Some("EXPORT\\MSG4A27.CCM".into()),
            more_mailboxes: Box::new([]),
            more_files: Box::new([]),
            signature: None,
            reasons: Vec::new(),
            message: None,
            header,
        });
        if let Some(h) = header {
            r.headers.push(DamagedHeader {
                id: h,
                start,
                end: start + 76,
                confidence: 0.99,
                writes: vec![i + 1],
                anomalies: Vec::new(),
                message: None,
                missing_keyword: false,
            });
        }
    }
    r
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn key_to_frame(dir: &Path, keys: usize) {
    let p = dir.join("sparse-5g.bin");
    let size = 5u64 << 30;
    {
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(size).unwrap();
        use std::os::unix::fs::FileExt;
        for k in 0..64u64 {
            f.write_at(&demo::ARTICLE, k * (size / 64) + 4096).unwrap();
        }
    }
    let src = Arc::new(Source::open(&p).unwrap());
    let mut app = App::new(src.clone(), Origin::ZERO);
    app.update(Command::Resize {
        width: 200,
        height: 60,
    });
    app.absorb(ScanMsg::Done(many_findings(size, 100_000)));
    // A whole-file search that matches zeros: it reads every byte of the 5 GiB in the
    // background while the keys are measured.
    let (tx, rx) = std::sync::mpsc::channel();
    app.update(Command::SearchHex);
    for c in "00 00 00 00".chars() {
        app.update(Command::Edit(Edit::Char(c)));
    }
    app.update(Command::Enter);
    for e in app.take_effects() {
        if let Effect::Search(pat) = e {
            let s = app.search();
            workers::search(
                src.clone(),
                pat,
                s.generation(),
                s.cancel_flag(),
                tx.clone(),
            );
        }
    }
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let cycle = [
        Command::PageDown,
        Command::NextFinding,
        Command::Right,
        Command::NextHeader,
        Command::Down,
        Command::SearchNext,
        Command::End,
        Command::PrevFinding,
        Command::Home,
        Command::ToggleValues,
    ];
    let mut times = Vec::with_capacity(keys);
    let mut by_key: Vec<Vec<(Duration, Duration)>> = vec![Vec::new(); cycle.len()];
    for k in 0..keys {
        let t = Instant::now();
        app.update(cycle[k % cycle.len()].clone());
        while let Ok(m) = rx.try_recv() {
            app.absorb(m);
        }
        let u = t.elapsed();
        term.draw(|f| render(&app, f)).unwrap();
        times.push(t.elapsed());
        by_key[k % cycle.len()].push((u, t.elapsed() - u));
    }
    for (c, v) in cycle.iter().zip(by_key.iter_mut()) {
        let mut u: Vec<Duration> = v.iter().map(|x| x.0).collect();
        let mut d: Vec<Duration> = v.iter().map(|x| x.1).collect();
        println!(
            "  {c:?}: update median {:.2} ms, draw median {:.2} ms, draw p99 {:.2} ms",
            percentile(&mut u, 0.5).as_secs_f64() * 1e3,
            percentile(&mut d, 0.5).as_secs_f64() * 1e3,
            percentile(&mut d, 0.99).as_secs_f64() * 1e3
        );
    }
    let searched = app.search().searched();
    let matches = app.search().matches().len();
    let (med, p99) = (percentile(&mut times, 0.5), percentile(&mut times, 0.99));
    let max = *times.last().unwrap();
    println!(
        "key-to-frame, 5 GiB sparse, 100000 findings, search running (searched {} MiB, {matches} matches kept during the run), 200x60: median {:.2} ms, p99 {:.2} ms, max {:.2} ms over {keys} keys: {}",
        searched >> 20,
        med.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        if p99 < Duration::from_millis(16) { "within 16 ms" } else { "OVER the 16 ms budget" }
    );
    app.update(Command::Quit);
    drop(app);
    let _ = std::fs::remove_file(&p);
}

/// The inspector's scan: the engine into the view's sink with the hash beside it, until the
/// report arrives.
fn inspector_scan(src: Arc<Source>, name: &Path) -> (Duration, usize) {
    let t = Instant::now();
    let (_tx, rx, _ctl) = workers::start(src, name.to_path_buf(), Engine::default());
    let mut n = 0;
    for m in rx.iter() {
        match m {
            ScanMsg::Findings(b) => n += b.len(),
            ScanMsg::Done(_) => break,
            _ => {}
        }
    }
    (t.elapsed(), n)
}

fn scan_pipeline(dir: &Path, mib: usize, runs: usize) {
    let p = dir.join("store.bin");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        for _ in 0..(mib << 20) / demo::STORE.len() {
            f.write_all(demo::STORE).unwrap();
        }
    }
    let src = Arc::new(Source::open(&p).unwrap());
    let name = Path::new("CLANDATA");
    let mut cli = Vec::new();
    let mut tui = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let r = Engine::default().scan(&*src, name, &Control::new());
        cli.push((t.elapsed(), r.findings.len()));
        tui.push(inspector_scan(src.clone(), name));
    }
    let best = |v: &[(Duration, usize)]| v.iter().map(|x| x.0).min().unwrap();
    let (c, t) = (best(&cli), best(&tui));
    println!(
        "scan of a {mib} MiB store (best of {runs}): CLI scan {:.3} s ({} findings), inspector scan {:.3} s ({} findings, hash beside it at nice 19): ratio {:.2}x",
        c.as_secs_f64(),
        cli[0].1,
        t.as_secs_f64(),
        tui[0].1,
        t.as_secs_f64() / c.as_secs_f64()
    );
    let _ = std::fs::remove_file(&p);
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let dir = tempfile::tempdir().unwrap();
    key_to_frame(dir.path(), if quick { 100 } else { 1000 });
    scan_pipeline(
        dir.path(),
        if quick { 32 } else { 1024 },
        if quick { 1 } else { 3 },
    );
    println!("peak RSS {:.0} MB", peak_rss_mb());
}

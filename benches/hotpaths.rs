//! Benchmarks of the hot paths, run with `cargo bench`: dump formatting, undump parsing,
//! scanning (one and all cores), and rendering inspector frames at the end of a 4 GiB file.
//! Each figure is the best of several runs. Side-by-side comparisons with xxd, hexyl and
//! ripgrep are in benches/peers.sh.

use clanscope::address::Origin;
use clanscope::detect::{Control, Engine};
use clanscope::dump::{parse, Printer};
use clanscope::source::Source;
use clanscope::tui::app::{App, ScanMsg};
use clanscope::tui::command::Command;
use clanscope::tui::render;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn noise(n: usize) -> Vec<u8> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut v = Vec::with_capacity(n);
    while v.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(n);
    v
}

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.expect("ran"))
}

fn rate(bytes: usize, d: Duration) -> String {
    format!("{:8.0} MB/s", bytes as f64 / d.as_secs_f64() / 1e6)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("{:<44} {:>12} {:>16}", "benchmark", "time", "throughput");
    let mut data = noise(256 << 20);
    let w =
        b"\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n";
    for at in (1000..data.len() - 200).step_by(1 << 20) {
        data[at..at + w.len()].copy_from_slice(w);
    }
    for at in (0..data.len()).step_by(32 << 20) {
        data[at..at + (4 << 20)].fill(0);
    }

    let dump_in = &data[..64 << 20];
    let p = Printer::new(Origin::ZERO);
    let (d, _) = best(5, || {
        p.write_range(dump_in, 0, dump_in.len() as u64, std::io::sink())
            .unwrap()
    });
    println!(
        "{:<44} {:>10.1}ms {:>16}",
        "dump 64 MiB (plain, squeeze)",
        d.as_secs_f64() * 1e3,
        rate(dump_in.len(), d)
    );
    let pc = p.color(true);
    let (d, _) = best(3, || {
        pc.write_range(dump_in, 0, dump_in.len() as u64, std::io::sink())
            .unwrap()
    });
    println!(
        "{:<44} {:>10.1}ms {:>16}",
        "dump 64 MiB (colour)",
        d.as_secs_f64() * 1e3,
        rate(dump_in.len(), d)
    );

    let text = p.to_string(&data[..16 << 20], 0, 16 << 20);
    let (d, u) = best(3, || parse::parse(&text));
    assert_eq!(u.bytes().len(), 16 << 20);
    println!(
        "{:<44} {:>10.1}ms {:>16}",
        "undump 16 MiB of dump text",
        d.as_secs_f64() * 1e3,
        rate(16 << 20, d)
    );

    for threads in [1, 2] {
        let e = Engine::default().with_threads(threads);
        let (d, r) = best(3, || {
            e.scan(&data[..], Path::new("CLANDATA"), &Control::new())
        });
        assert!(r.findings.len() >= 200);
        println!(
            "{:<44} {:>10.1}ms {:>16}",
            format!("scan 256 MiB store, {threads} thread(s)"),
            d.as_secs_f64() * 1e3,
            rate(data.len(), d)
        );
    }

    // Frames at the end of a 4 GiB (sparse) file.
    let dir = std::env::temp_dir().join(format!("clanscope-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("CLANDATA");
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::File::create(&big).unwrap();
        f.set_len(4 << 30).unwrap();
        f.seek(SeekFrom::Start((4 << 30) - 8192)).unwrap();
        f.write_all(&data[..8192]).unwrap();
    }
    let t = Instant::now();
    let src = Arc::new(Source::open(&big).unwrap());
    let mut app = App::new(src.clone(), Origin::parse("0AFA:0100").unwrap());
    app.update(Command::Resize {
        width: 160,
        height: 50,
    });
    let mut term = Terminal::new(TestBackend::new(160, 50)).unwrap();
    term.draw(|f| render(&app, f)).unwrap();
    let first = t.elapsed();
    println!(
        "{:<44} {:>10.2}ms",
        "open 4 GiB file + first frame",
        first.as_secs_f64() * 1e3
    );
    let report = Engine::default().scan(&*src, &big, &Control::new());
    app.absorb(ScanMsg::Done(report));
    app.update(Command::End);
    let n = 200;
    let (d, _) = best(3, || {
        for i in 0..n {
            app.update(if i % 2 == 0 {
                Command::Up
            } else {
                Command::Down
            });
            term.draw(|f| render(&app, f)).unwrap();
        }
    });
    println!(
        "{:<44} {:>10.3}ms",
        "key + frame at the end of 4 GiB (160x50)",
        d.as_secs_f64() * 1e3 / n as f64
    );
    let (d, _) = best(3, || {
        for _ in 0..n {
            app.update(Command::PrevHeader);
            term.draw(|f| render(&app, f)).unwrap();
        }
    });
    println!(
        "{:<44} {:>10.3}ms",
        "N (previous header) + frame, 4 GiB",
        d.as_secs_f64() * 1e3 / n as f64
    );
    drop(app);
    drop(src);
    let _ = std::fs::remove_dir_all(&dir);
}

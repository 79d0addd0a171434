//! Benchmarks of the hot paths, run with `cargo bench --bench hotpaths`: dump formatting (plain
//! and colour, random bytes and text), undump parsing, scanning one file (one and all cores),
//! the folder walk, and a folder scan (the batch of many small files). Each figure is the best
//! of several runs, in process. The side-by-side table with the peers (xxd, hexdump, hexyl,
//! ripgrep, sha256sum, openssl, heh), with peak RSS, is `bash benches/run.sh`; the inspector's
//! frames are `cargo bench --bench inspector`.

use clanscope::address::Origin;
use clanscope::detect::batch::{Batch, Scanned};
use clanscope::detect::{Control, Engine};
use clanscope::dump::{parse, Printer};
use clanscope::source::walk;
use std::path::{Path, PathBuf};
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

/// English-like lines with CRLF, as text files and text regions hold them.
fn text(n: usize) -> Vec<u8> {
    let words = [
        "the", "mail", "post", "office", "message", "folder", "user", "export", "file", "date",
        "subject", "report", "server", "please", "thanks", "meeting", "budget", "draft",
    ];
    let mut v = Vec::with_capacity(n + 100);
    let mut i = 7usize;
    while v.len() < n {
        for k in 0..10 {
            i = i.wrapping_mul(2_654_435_761).wrapping_add(k) % 1_000_003;
            v.extend_from_slice(words[i % words.len()].as_bytes());
            v.push(b' ');
        }
        v.extend_from_slice(b"end.\r\n");
    }
    v.truncate(n);
    v
}

const WRITE: &[u8] =
    b"\r\n\r\nExporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM\r\n";

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

fn row(name: &str, bytes: usize, d: Duration) {
    println!(
        "{:<48} {:>10.1}ms {:>10.0} MB/s",
        name,
        d.as_secs_f64() * 1e3,
        bytes as f64 / d.as_secs_f64() / 1e6
    );
}

fn dumps(random: &[u8], text: &[u8]) {
    let p = Printer::new(Origin::ZERO);
    for (what, data) in [("random", random), ("text", text)] {
        for color in [false, true] {
            let pc = p.color(color);
            let (d, _) = best(5, || {
                pc.write_range(data, 0, data.len() as u64, std::io::sink())
                    .unwrap()
            });
            let mode = if color { "colour" } else { "plain" };
            row(
                &format!("dump {} MiB of {what} ({mode})", data.len() >> 20),
                data.len(),
                d,
            );
        }
    }
}

/// A folder of `n` files of 1-64 KiB in 10 subfolders, 70% binary (every 8th with a write),
/// 30% text, as the folder row of the table.
fn folder(dir: &Path, n: usize) -> usize {
    let bin = noise(65 << 10);
    let txt = text(64 << 10);
    let mut total = 0;
    for i in 0..n {
        let sub = dir.join(format!("d{}", i % 10));
        std::fs::create_dir_all(&sub).unwrap();
        let len = 1024 + (i * 7919) % (63 << 10);
        let mut d = if i % 10 < 3 {
            txt[..len].to_vec()
        } else {
            bin[(i * 31) % 1024..][..len].to_vec()
        };
        if i % 8 == 0 && i % 10 >= 3 {
            d[len / 2 - WRITE.len()..len / 2].copy_from_slice(WRITE);
        }
        total += len;
        std::fs::write(sub.join(format!("f{i:05}")), d).unwrap();
    }
    total
}

fn folder_scan(dir: &Path, bytes: usize) {
    let paths = [dir.to_path_buf()];
    let (d, n) = best(5, || walk::files(&paths).0.len());
    println!(
        "{:<48} {:>10.1}ms {:>10.0} files/ms",
        format!("walk a folder of {n} files"),
        d.as_secs_f64() * 1e3,
        n as f64 / d.as_secs_f64() / 1e3
    );
    for threads in [1, 2] {
        let engine = Engine::default().with_threads(threads);
        let (d, found) = best(5, || {
            let mut found = 0;
            Batch::new().run(&engine, walk::walk(&paths), &mut |_, s| {
                if let Scanned::Done { report, .. } = s {
                    found += report.headers.len();
                }
            });
            found
        });
        assert!(found > 0);
        row(
            &format!("scan the folder ({n} files), {threads} thread(s)"),
            bytes,
            d,
        );
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("{:<48} {:>12} {:>15}", "benchmark", "time", "throughput");
    let mut data = noise(256 << 20);
    for at in (1000..data.len() - 200).step_by(1 << 20) {
        data[at..at + WRITE.len()].copy_from_slice(WRITE);
    }
    for at in (0..data.len()).step_by(32 << 20) {
        data[at..at + (4 << 20)].fill(0);
    }
    let words = text(64 << 20);
    dumps(&data[4 << 20..68 << 20], &words);

    let p = Printer::new(Origin::ZERO);
    let dump_text = p.to_string(&data[..16 << 20], 0, 16 << 20);
    let (d, u) = best(3, || parse::parse(&dump_text));
    assert_eq!(u.bytes().len(), 16 << 20);
    row("undump 16 MiB of dump text", 16 << 20, d);

    for threads in [1, 2] {
        let e = Engine::default().with_threads(threads);
        let (d, r) = best(3, || {
            e.scan(&data[..], Path::new("CLANDATA"), &Control::new())
        });
        assert!(r.findings.len() >= 200);
        row(
            &format!("scan 256 MiB store, {threads} thread(s)"),
            data.len(),
            d,
        );
    }

    let dir: PathBuf = std::env::temp_dir().join(format!("clanscope-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bytes = folder(&dir, 4000);
    folder_scan(&dir, bytes);
    let _ = std::fs::remove_dir_all(&dir);
}

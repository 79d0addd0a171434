//! Benchmarks of the detection engine, run with `cargo bench --bench detect`: a store of random
//! bytes, a store with 30% of its bytes in text islands, and a store of text only (the corpus's
//! samples, CR LF, one after another), each scanned with one thread and with all. Best of three.
//! The side-by-side comparison with ripgrep is in the project's benchmark table (benches/run.sh).

use clanscope::detect::{Control, Engine};
use std::path::Path;
use std::time::{Duration, Instant};

const SIZE: usize = 256 << 20;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut r = XorShift(seed | 1);
    let mut v = Vec::with_capacity(n + 8);
    while v.len() < n {
        v.extend_from_slice(&r.next().to_le_bytes());
    }
    v.truncate(n);
    v
}

/// The corpus's samples as CR LF text.
fn texts() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus");
    let mut out = Vec::new();
    for class in ["console", "prose", "structured"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(class))
            .expect("corpus")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for p in files {
            let t = std::fs::read_to_string(p).expect("sample");
            out.push(t.replace('\n', "\r\n").into_bytes());
        }
    }
    out
}

/// Random bytes with text islands making up `share` of them.
fn store(texts: &[Vec<u8>], share: f64, seed: u64) -> Vec<u8> {
    let mut d = noise(SIZE, seed);
    let mut r = XorShift(seed ^ 0x5555);
    let mut at = 0;
    while at < SIZE {
        let t = &texts[(r.next() % texts.len() as u64) as usize];
        if at + t.len() > SIZE {
            break;
        }
        d[at..at + t.len()].copy_from_slice(t);
        let gap = if share >= 1.0 {
            0
        } else {
            (t.len() as f64 * (1.0 - share) / share) as usize
        };
        at += t.len() + gap;
    }
    d
}

fn best(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = f();
        best = best.min(t.elapsed());
    }
    (best, n)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let texts = texts();
    println!(
        "{:<34} {:>10} {:>12} {:>10}",
        "scan (256 MiB, CLANDATA)", "time", "throughput", "findings"
    );
    for (name, data) in [
        ("random", noise(SIZE, 7)),
        ("30% text", store(&texts, 0.3, 11)),
        ("text only", store(&texts, 1.0, 13)),
    ] {
        for threads in [1, 0] {
            let e = if threads == 0 {
                Engine::default()
            } else {
                Engine::default().with_threads(threads)
            };
            let (d, n) = best(3, || {
                let r = e.scan(&data[..], Path::new("CLANDATA"), &Control::new());
                r.findings.len() + r.dropped as usize
            });
            println!(
                "{:<34} {:>8.1}ms {:>7.0} MB/s {:>10}",
                format!("{name}, {} thread(s)", e.threads()),
                d.as_secs_f64() * 1e3,
                data.len() as f64 / d.as_secs_f64() / 1e6,
                n
            );
        }
    }
}

//! The detector never panics on arbitrary bytes under any file name, and its findings are
//! sorted and inside the input.
#![no_main]
use clanscope::detect::{Control, Engine};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let e = ENGINE.get_or_init(|| Engine::default().with_threads(1));
    for name in ["CLANDATA", "MSG0001.CCM", "notes.txt"] {
        let r = e.scan(data, Path::new(name), &Control::new());
        for f in &r.findings {
            assert!(f.start < f.end && f.end <= data.len() as u64);
            assert!((0.0..=1.0).contains(&f.confidence));
        }
        assert!(r.findings.windows(2).all(|w| w[0].start <= w[1].start));
        assert!(r.findings.iter().enumerate().all(|(i, f)| f.id as usize == i + 1));
    }
});

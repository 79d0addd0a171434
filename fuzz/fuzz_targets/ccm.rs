//! The .CCM parser never panics and its ranges lie inside the input.
#![no_main]
use clanscope::detect::{ccm, signatures::SignatureSet};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SIGS: OnceLock<SignatureSet> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let sigs = SIGS.get_or_init(SignatureSet::builtin);
    let (messages, findings) = ccm::analyze(data, sigs);
    for m in &messages {
        assert!(m.header_start <= m.header_end && m.header_end <= data.len() as u64);
    }
    for f in &findings {
        assert!(f.start < f.end && f.end <= data.len() as u64);
    }
});

//! The .CCM parser never panics and its ranges lie inside the input.
#![no_main]
use clanscope::detect::{ccm, signatures::SignatureSet};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SIGS: OnceLock<SignatureSet> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let sigs = SIGS.get_or_init(SignatureSet::builtin);
    let (messages, findings, headers) = ccm::analyze(data, sigs);
    for m in &messages {
        assert!(m.header_start <= m.header_end && m.header_end <= data.len() as u64);
    }
    for f in &findings {
        assert!(f.start < f.end && f.end <= data.len() as u64);
    }
    for h in &headers {
        assert!(h.start < h.end && h.end <= data.len() as u64);
        assert!(h.writes.iter().all(|&id| findings.get(id as usize - 1).is_some_and(|f| f.header == Some(h.id))));
    }
});

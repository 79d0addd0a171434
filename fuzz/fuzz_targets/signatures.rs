//! The signature-file loader never panics on arbitrary text; errors name a line.
#![no_main]
use clanscope::detect::signatures::SignatureSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    match SignatureSet::parse(&s, "f") {
        Ok(set) => {
            for sig in &set.signatures {
                let _ = set.match_line(&sig.name);
            }
        }
        Err(e) => assert!(e.to_string().starts_with("f:")),
    }
});

//! Address parsing never panics, and every offset it returns lies inside the file.
#![no_main]
use clanscope::address::{parse_count, parse_location, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = Origin::parse(&s);
    let _ = parse_count(&s);
    for (origin, len) in [(Origin::ZERO, 1u64), (Origin { segment: 0x0AFA, offset: 0x0100 }, 5 << 30), (Origin { segment: 0xFFFF, offset: 0xFFFF }, 777)] {
        if let Ok(x) = parse_location(&s, origin, len) {
            assert!(x < len);
        }
    }
});

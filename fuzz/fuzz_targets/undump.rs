//! undump on arbitrary text never panics; dump then undump of arbitrary bytes is exact, and
//! with the dump's lines joined, exact or said.
#![no_main]
use clanscope::address::Origin;
use clanscope::dump::{parse, Printer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A small fill budget: the fuzzer looks for logic errors, not for the budget's own memory.
    let u = parse::parse_with_fill_limit(&String::from_utf8_lossy(data), 1 << 20);
    for b in &u.blocks {
        let _ = (b.start_label(), b.end_label());
    }
    if data.len() >= 4 {
        let origin = Origin { segment: u16::from_le_bytes([data[0], data[1]]) as u32, offset: u16::from_le_bytes([data[2], data[3]]) };
        let body = &data[4..];
        let squeeze = data[0] & 1 == 0;
        let text = Printer::new(origin).squeeze(squeeze).to_string(body, 0, body.len() as u64);
        let back = parse::parse(&text);
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        assert_eq!(back.bytes(), body);
        // Its lines joined (a web page that lost the breaks): exact, or said otherwise than
        // as joined lines.
        let joined = text.lines().collect::<Vec<_>>().join(if data[1] & 1 == 0 { " " } else { "" });
        let back = parse::parse(&joined);
        let said = back.warnings.iter().any(|w| w.kind != parse::WarningKind::Joined);
        assert!(said || back.bytes() == body, "{joined}");
    }
});

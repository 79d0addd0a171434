//! Property tests: formatting then parsing returns what went in, and parsers never panic.

use clanscope::address::{parse_location, Origin};
use clanscope::dump::{parse, Printer};
use proptest::prelude::*;

fn origin() -> impl Strategy<Value = Origin> {
    (0u32..=0xFFFF, 0u16..=0xFFFF).prop_map(|(segment, offset)| Origin { segment, offset })
}

/// Data with runs of repeated lines, so squeezing is exercised.
fn data() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<u8>(), 1usize..80, any::<bool>()), 0..12).prop_map(|parts| {
        let mut v = Vec::new();
        for (b, n, run) in parts {
            if run {
                v.extend(std::iter::repeat_n(b, n * 8));
            } else {
                v.extend(
                    (0..n).map(|i| b.wrapping_mul(31).wrapping_add((i as u8).wrapping_mul(7))),
                );
            }
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn address_format_then_parse_is_identity(o in origin(), len in 1u64..(1 << 40), frac in 0.0f64..1.0) {
        let x = ((len as f64) * frac) as u64 % len;
        let shown = o.address(x).to_string();
        prop_assert_eq!(parse_location(&shown, o, len), Ok(x));
        prop_assert_eq!(parse_location(&format!("0x{x:X}"), o, len), Ok(x));
        prop_assert_eq!(parse_location(&format!("{x:X}h"), o, len), Ok(x));
        prop_assert_eq!(parse_location(&x.to_string(), o, len), Ok(x));
        prop_assert_eq!(o.address(x).linear(), o.linear() + x);
    }

    #[test]
    fn dump_then_parse_returns_the_bytes(d in data(), o in origin(), squeeze in any::<bool>(), cut in 0usize..40) {
        let from = cut.min(d.len());
        let p = Printer::new(o).squeeze(squeeze);
        let text = p.to_string(&d, from as u64, d.len() as u64);
        let u = parse::parse(&text);
        prop_assert_eq!(&u.warnings, &vec![]);
        prop_assert_eq!(u.bytes(), d[from..].to_vec());
        if from < d.len() {
            prop_assert_eq!(u.blocks.len(), 1);
            prop_assert_eq!(u.blocks[0].start, o.linear() + from as u64);
        }
    }

    #[test]
    fn collapsed_spaces_still_parse(d in prop::collection::vec(any::<u8>(), 17..200), o in origin()) {
        let p = Printer::new(Origin { segment: o.segment, offset: o.offset & 0xFFF0 }).squeeze(false);
        let text = p.to_string(&d, 0, d.len() as u64);
        let collapsed: String = text.lines().map(|l| l.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ") + "\n").collect();
        let u = parse::parse(&collapsed);
        prop_assert_eq!(u.bytes(), d);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,400}", b in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse::parse(&s);
        let _ = parse::parse(&String::from_utf8_lossy(&b));
        let _ = parse_location(&s, Origin::ZERO, 1000);
        let _ = Origin::parse(&s);
        let _ = clanscope::address::parse_count(&s);
        let _ = clanscope::detect::signatures::SignatureSet::parse(&s, "x");
        let _ = clanscope::detect::ccm::analyze(&b, &clanscope::detect::signatures::SignatureSet::builtin());
        let _ = clanscope::detect::ccm::analyze(s.as_bytes(), &clanscope::detect::signatures::SignatureSet::builtin());
    }

    #[test]
    fn detector_never_panics(b in prop::collection::vec(prop_oneof![any::<u8>(), Just(b'\r'), Just(b'\n'), Just(b' '), 0x41u8..0x5A], 0..3000)) {
        let e = clanscope::detect::Engine::default();
        for name in ["CLANDATA", "MSG0001.CCM", "x.txt"] {
            let r = e.scan(&b[..], std::path::Path::new(name), &clanscope::detect::Control::new());
            for f in &r.findings {
                prop_assert!(f.start < f.end && f.end <= b.len() as u64);
            }
        }
    }
}

/// Found by `cargo fuzz run undump`: a `*` followed by a far-away address once asked for an
/// allocation of petabytes. Squeezed runs are now filled within a budget, with a warning.
#[test]
fn fuzz_regression_huge_squeeze_fill() {
    let text = String::from_utf8_lossy(include_bytes!("data/fuzz-undump-huge-fill.txt"));
    let u = parse::parse(&text);
    assert!(u.bytes().len() < 1 << 20);
    assert!(
        u.warnings
            .iter()
            .any(|w| w.line == 5 && w.message.contains("not filled")),
        "{:?}",
        u.warnings
    );
}

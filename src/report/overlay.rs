//! The one overlay classifier: which overlay a finding or header gets, and which of several
//! overlapping overlays shows. The inspector, the HTML export and the text export's caret line
//! all decide through here.

use crate::detect::{DamagedHeader, Finding, FindingKind};
use crate::dump::Overlay;

/// The overlay of a finding.
pub fn of_finding(f: &Finding) -> Overlay {
    match f.kind {
        FindingKind::ConsoleWrite if f.suspected() => Overlay::Write,
        _ => Overlay::Weak,
    }
}

/// The overlay of a damaged header (the bytes around and between its writes).
pub fn of_header(_h: &DamagedHeader) -> Overlay {
    Overlay::Header
}

/// Which overlay shows where several cover one byte: the selection, then a search match, then
/// a difference, then writes over weaker findings over headers over ranges.
fn rank(o: Overlay) -> u8 {
    match o {
        Overlay::Select => 0,
        Overlay::Match => 1,
        Overlay::Diff => 2,
        Overlay::Write => 3,
        Overlay::Weak => 4,
        Overlay::Header => 5,
        Overlay::CcmHeader => 6,
        Overlay::Range => 7,
    }
}

/// The overlay that shows among `overlays`, if any.
pub fn strongest(overlays: impl Iterator<Item = Overlay>) -> Option<Overlay> {
    overlays.min_by_key(|&o| rank(o))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_show_over_headers_and_selection_over_all() {
        assert_eq!(
            strongest([Overlay::Header, Overlay::Write].into_iter()),
            Some(Overlay::Write)
        );
        assert_eq!(
            strongest([Overlay::Write, Overlay::Select, Overlay::Diff].into_iter()),
            Some(Overlay::Select)
        );
        assert_eq!(strongest(std::iter::empty()), None);
    }
}

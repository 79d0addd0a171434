//! Block features of how a console write is laid out, read from each line's text apart from
//! the per-line reader of [`super::features`]: a banner line wider than the 80-column screen (a
//! DOS program prints its name, version and copyright on one line and lets the screen wrap it).

/// What one line holds for these features.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct LineMarks {
    /// A line over 80 columns with a copyright or version mark.
    long_banner: bool,
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// A version number: `v` or `version` (any case) followed by a digit, after a space or at the
/// line start.
fn version_at(t: &[u8]) -> bool {
    t.iter().enumerate().any(|(i, &c)| {
        if !matches!(c, b'v' | b'V') || (i > 0 && t[i - 1] != b' ') {
            return false;
        }
        let rest = &t[i + 1..];
        let rest = if rest.len() >= 6 && rest[..6].eq_ignore_ascii_case(b"ersion") {
            rest[6..].trim_ascii_start()
        } else {
            rest
        };
        rest.first().is_some_and(u8::is_ascii_digit)
    })
}

/// The marks of one line (its text without the line end). Only lines over 80 columns are
/// looked into, so this costs next to nothing on ordinary text.
pub(crate) fn marks(text: &[u8]) -> LineMarks {
    if text.len() <= 80 {
        return LineMarks::default();
    }
    let t = text.trim_ascii();
    let long_banner =
        t.len() > 80 && (contains_ci(t, b"copyright") || contains_ci(t, b"(c)") || version_at(t));
    LineMarks { long_banner }
}

/// Counts over the non-blank lines of a stretch of text; they add up ([`Sums::merge`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Sums {
    long_banners: u32,
}

impl Sums {
    /// Adds one non-blank line.
    pub(crate) fn add(&mut self, m: &LineMarks) {
        self.long_banners += m.long_banner as u32;
    }

    /// Adds a later stretch of text.
    pub(crate) fn merge(&mut self, o: &Sums) {
        self.long_banners += o.long_banners;
    }

    /// The features, in the order of [`NAMES`].
    pub(crate) fn features(&self) -> [f32; NAMES.len()] {
        [self.long_banners.min(1) as f32]
    }
}

/// Names and meanings of these features (appended to the feature vector).
pub(crate) const NAMES: [(&str, &str); 1] = [(
    "long-banner",
    "a banner line (copyright or version) wider than 80 columns",
)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_marks() {
        let b = b"Lotus cc:Mail EXPORT v8.50.00.14 Copyright(c) 1991-1999 Lotus Development Corporation. All rights reserved.";
        assert!(marks(b).long_banner);
        assert!(!marks(&b[..60]).long_banner);
        let v = b"PKZIP (R)  FAST!  Create/Update Utility  Version 2.50  03-01-1999  PKWARE Inc.  All Rights";
        assert!(marks(v).long_banner);
        let prose = b"This version of the program was released in 1993 and has been replaced by a newer one since.";
        assert!(!marks(prose).long_banner);
    }

    #[test]
    fn sums_merge_like_one_pass() {
        let long = [b'x'; 90];
        let lines: [&[u8]; 3] = [
            b"PKZIP (R) FAST! Version 2 Copyright 1989-1999 PKWARE Inc. All Rights Reserved. PKZIP/h for help",
            b"Searching ZIP: A.ZIP",
            &long,
        ];
        let mut one = Sums::default();
        for l in lines {
            one.add(&marks(l));
        }
        let (mut a, mut b) = (Sums::default(), Sums::default());
        a.add(&marks(lines[0]));
        for l in &lines[1..] {
            b.add(&marks(l));
        }
        a.merge(&b);
        assert_eq!(a, one);
        assert_eq!(one.features(), [1.0]);
    }
}

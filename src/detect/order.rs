//! Block features of how a console write is laid out, read from each line's text apart from
//! the per-line reader of [`super::features`]: a banner line wider than the 80-column screen (a
//! DOS program prints its name, version and copyright on one line and lets the screen wrap it).

/// What one line holds for these features.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct LineMarks {
    /// A line over 80 columns with a copyright or version mark.
    long_banner: bool,
}

/// True when `t` holds `copyright` (any case) or `(c)` / `(C)`: both have a `c`, so only the
/// places of `c` and `C` (found by `memchr`, many bytes at once) are looked at.
fn copyright_in(t: &[u8]) -> bool {
    memchr::memchr2_iter(b'c', b'C', t).any(|p| {
        let rest = &t[p..];
        (rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"copyright"))
            || (p > 0 && t[p - 1] == b'(' && rest.get(1) == Some(&b')'))
    })
}

/// A version number: `v` or `version` (any case) followed by a digit, after a space or at the
/// line start. Only the places of `v` and `V` are looked at.
fn version_at(t: &[u8]) -> bool {
    memchr::memchr2_iter(b'v', b'V', t).any(|i| {
        if i > 0 && t[i - 1] != b' ' {
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
    let long_banner = t.len() > 80 && (copyright_in(t) || version_at(t));
    LineMarks { long_banner }
}

/// Counts over the non-blank lines of a stretch of text; they add up ([`Sums::merge`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Sums {
    long_banners: u64,
}

impl Sums {
    /// Adds one non-blank line.
    pub(crate) fn add(&mut self, m: &LineMarks) {
        self.long_banners += m.long_banner as u64;
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

    /// The marks as first written: a window compared at every byte.
    fn marks_by_windows(text: &[u8]) -> bool {
        let ci = |hay: &[u8], n: &[u8]| hay.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
        let t = text.trim_ascii();
        let version = t.iter().enumerate().any(|(i, &c)| {
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
        });
        text.len() > 80 && t.len() > 80 && (ci(t, b"copyright") || ci(t, b"(c)") || version)
    }

    #[test]
    fn marks_match_the_windowed_search() {
        let pieces: [&[u8]; 16] = [
            b"copyright",
            b"COPYRIGHT",
            b"Copyrigh",
            b"(c)",
            b"(C)",
            b"(c",
            b"c)",
            b"(",
            b" v2",
            b"V",
            b"version 3",
            b"Version",
            b"versio 1",
            b"v",
            b" ",
            b"xx\xffc",
        ];
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut seen = [0u32; 2];
        for _ in 0..20_000 {
            let mut line = Vec::new();
            while line.len() < 130 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                line.extend_from_slice(pieces[(x % 16) as usize]);
                if x >> 60 == 0 {
                    line.push((x >> 8) as u8);
                }
            }
            for cut in [0, 1, 40, 81, 85, 90, 100, line.len()] {
                for l in [&line[..cut], &line[line.len() - cut..]] {
                    assert_eq!(marks(l).long_banner, marks_by_windows(l), "{l:?}");
                    seen[marks_by_windows(l) as usize] += 1;
                }
            }
        }
        assert!(seen[0] > 1000 && seen[1] > 1000, "{seen:?}");
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

//! .CCM sizes (/ITEMSIZE): the numbers after `Message:`, `Contents:`, `Text item:` and
//! `File item:` are checked against the bytes of their parts when the message ends. A mismatch
//! is an anomaly, never an error: the KB's own sample does not add up.

/// Declared sizes kept per message; more are not checked (and said so).
const MAX_DECLS: usize = 256;

/// One declared size.
#[derive(Clone, Copy, Debug)]
struct Decl {
    label: &'static str,
    declared: u64,
    /// Where the part starts: the end of the size line.
    part_start: u64,
    /// Where the keyword line of the part starts.
    keyword_start: u64,
}

/// The sizes declared in one message.
#[derive(Debug, Default)]
pub struct Sizes {
    decls: Vec<Decl>,
    unchecked: u32,
    last_part_start: Option<u64>,
}

/// What a size line holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// A number of bytes.
    Bytes(u64),
    /// Blanks where Export wrote spaces for a size (KB Q287056).
    Blank,
    /// A number past 2^64 - 1, of this many digits (leading zeros not counted): a size line
    /// all the same, but its number is no size a file can have.
    TooLarge(usize),
}

/// A size line: digits (any number of them), or blanks; `None` for any other line.
pub fn size_of(t: &[u8]) -> Option<Size> {
    let s = t.trim_ascii();
    if s.is_empty() {
        return (!t.is_empty()).then_some(Size::Blank);
    }
    if !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = s.iter().try_fold(0u64, |n, &c| {
        n.checked_mul(10)?.checked_add(u64::from(c - b'0'))
    });
    let digits = || s.iter().skip_while(|&&c| c == b'0').count();
    Some(n.map_or_else(|| Size::TooLarge(digits()), Size::Bytes))
}

fn is_item(label: &str) -> bool {
    label == "Text item" || label == "File item"
}

impl Sizes {
    pub fn clear(&mut self) {
        self.decls.clear();
        self.unchecked = 0;
        self.last_part_start = None;
    }

    /// A size `declared` for the part `label` whose keyword line starts at `keyword_start` and
    /// whose size line ends at `part_start`.
    pub fn declare(
        &mut self,
        label: &'static str,
        declared: u64,
        part_start: u64,
        keyword_start: u64,
    ) {
        if self.decls.len() >= MAX_DECLS {
            self.unchecked += 1;
            return;
        }
        self.decls.push(Decl {
            label,
            declared,
            part_start,
            keyword_start,
        });
    }

    /// Where the last item declared (`Text item:` or `File item:`) ends by its size.
    pub fn item_end(&self) -> Option<u64> {
        self.decls
            .iter()
            .rev()
            .find(|d| is_item(d.label))
            .map(|d| d.part_start.saturating_add(d.declared))
    }

    /// Where the contents end by the size declared after `Contents:`.
    pub fn contents_end(&self) -> Option<u64> {
        self.decls
            .iter()
            .find(|d| d.label == "Contents")
            .map(|d| d.part_start.saturating_add(d.declared))
    }

    /// A size line (of any kind: a number, blanks, too many digits) ends at `part_start`.
    pub fn size_line(&mut self, part_start: u64) {
        self.last_part_start = Some(part_start);
    }

    /// Where the part of the last size line seen starts (the end of that line), kept or not.
    pub fn last_part_start(&self) -> Option<u64> {
        self.last_part_start
    }

    /// The mismatches, the message ending at `end`: `Label: declared N bytes, M found`.
    pub fn check(&self, end: u64, out: &mut dyn FnMut(String)) {
        for (i, d) in self.decls.iter().enumerate() {
            let part_end = if is_item(d.label) {
                self.decls[i + 1..]
                    .iter()
                    .find(|x| is_item(x.label))
                    .map_or(end, |x| x.keyword_start)
            } else {
                end
            };
            let measured = part_end.saturating_sub(d.part_start);
            if measured != d.declared {
                out(format!(
                    "{}: declared {} bytes, {measured} found",
                    d.label, d.declared
                ));
            }
        }
        if self.unchecked > 0 {
            out(format!("{} more sizes not checked", self.unchecked));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_lines_and_checks() {
        assert_eq!(size_of(b"179"), Some(Size::Bytes(179)));
        assert_eq!(size_of(b" 0042 "), Some(Size::Bytes(42)));
        assert_eq!(size_of(b"  "), Some(Size::Blank));
        assert_eq!(size_of(b""), None);
        assert_eq!(size_of(b"12a"), None);
        // Sizes of any length are size lines; one past what 64 bits hold is said to be.
        assert_eq!(
            size_of(b"1234567890123"),
            Some(Size::Bytes(1_234_567_890_123))
        );
        assert_eq!(
            size_of(b"18446744073709551615"),
            Some(Size::Bytes(u64::MAX))
        );
        assert_eq!(size_of(b"18446744073709551616"), Some(Size::TooLarge(20)));
        assert_eq!(
            size_of(b"00000000000000000000000000001"),
            Some(Size::Bytes(1))
        );
        assert_eq!(size_of(&[b'9'; 300]), Some(Size::TooLarge(300)));
        let zeros = format!("{}18446744073709551616", "0".repeat(30));
        assert_eq!(size_of(zeros.as_bytes()), Some(Size::TooLarge(20)));
        let mut s = Sizes::default();
        s.declare("Message", 10, 10, 0);
        s.declare("Text item", 5, 30, 20);
        s.declare("Text item", 3, 45, 40);
        let mut out = Vec::new();
        s.check(50, &mut |m| out.push(m));
        assert_eq!(
            out,
            vec![
                "Message: declared 10 bytes, 40 found",
                "Text item: declared 5 bytes, 10 found",
                "Text item: declared 3 bytes, 5 found",
            ]
        );
    }
}

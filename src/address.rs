//! DOS DEBUG addressing. An origin SEG:OFF is the address of file offset 0; file offset x is
//! shown as segment S0 + ((F0 + x) >> 16) * 1000h and offset (F0 + x) & FFFFh, so that
//! segment * 16 + offset always equals the linear address origin + x, and inside each 64 KiB the
//! segment stays fixed as it does in DEBUG. Also parses every address form the tool accepts.

use crate::Error;
use std::fmt;

/// The address of file offset 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Origin {
    pub segment: u32,
    pub offset: u16,
}

/// A segment:offset pair as displayed. The segment widens past FFFF for large files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Address {
    pub segment: u64,
    pub offset: u16,
}

impl Address {
    pub fn linear(self) -> u64 {
        self.segment * 16 + self.offset as u64
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}:{:04X}", self.segment, self.offset)
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";

impl Origin {
    pub const ZERO: Origin = Origin {
        segment: 0,
        offset: 0,
    };

    /// Parses `SEG:OFF` (hex, DEBUG style).
    pub fn parse(s: &str) -> Result<Origin, Error> {
        Origin::parse_str(s).map_err(Error::Address)
    }

    fn parse_str(s: &str) -> Result<Origin, String> {
        let (seg, off) = split_seg_off(s.trim_ascii()).ok_or_else(|| {
            format!(
                "invalid origin '{}': expected SEG:OFF in hex, e.g. 0AFA:0100",
                clean(s)
            )
        })?;
        let segment = u32::try_from(seg)
            .ok()
            .filter(|&v| v <= 0xFFFF)
            .ok_or_else(|| {
                format!(
                    "invalid origin '{}': the segment must be 0000 to FFFF",
                    clean(s)
                )
            })?;
        let offset = u16::try_from(off).map_err(|_| {
            format!(
                "invalid origin '{}': the offset must be 0000 to FFFF",
                clean(s)
            )
        })?;
        Ok(Origin { segment, offset })
    }

    pub fn linear(self) -> u64 {
        self.segment as u64 * 16 + self.offset as u64
    }

    /// The displayed address of file offset `x`.
    #[inline]
    pub fn address(self, x: u64) -> Address {
        // In 128 bits: an offset near 2^64 (a note a sidecar placed there) is shown where it is,
        // not wrapped to the file's start. The segment stays below 2^61.
        let f = self.offset as u128 + x as u128;
        Address {
            segment: self.segment as u64 + (f >> 16) as u64 * 0x1000,
            offset: (f & 0xFFFF) as u16,
        }
    }

    /// Column (0..16) of file offset `x` on its dump line: lines start where the displayed
    /// offset is a multiple of 16, as in DEBUG.
    #[inline]
    pub fn column(self, x: u64) -> usize {
        ((self.offset as u64).wrapping_add(x) & 15) as usize
    }

    /// The label of the dump line holding file offset `x`: its segment, and its offset rounded
    /// down to 16 (lines never cross a 64 KiB boundary, so the segment is the same).
    #[inline]
    pub fn line_address(self, x: u64) -> Address {
        let a = self.address(x);
        Address {
            segment: a.segment,
            offset: a.offset & 0xFFF0,
        }
    }

    /// Appends the label of the line holding file offset `x` (`SSSS:OOO0`) to `out`.
    #[inline]
    pub fn write_line_address(self, x: u64, out: &mut Vec<u8>) {
        self.write(self.line_address(x), out)
    }

    /// Appends the label of the line holding file offset `x`, its segment right-aligned in
    /// `digits` columns (blanks before a shorter one), so that every line of one file is as wide
    /// ([`Origin::seg_digits`]). Blanks, not zeros: a wide segment never starts with 0 in a
    /// dump that `undump` reads (an xxd address does), and blanks before a line are skipped.
    #[inline]
    pub fn write_line_address_padded(self, x: u64, digits: usize, out: &mut Vec<u8>) {
        let start = out.len();
        self.write(self.line_address(x), out);
        let seg = out.len() - start - 5;
        if seg < digits {
            out.splice(start..start, std::iter::repeat_n(b' ', digits - seg));
        }
    }

    /// Appends the address of file offset `x` in uppercase hex (`SSSS:OOOO`) to `out`.
    #[inline]
    pub fn write_address(self, x: u64, out: &mut Vec<u8>) {
        self.write(self.address(x), out)
    }

    /// Hex digits of segment the addresses of a file of `size` bytes need: those of its last
    /// byte's segment, at least 4.
    pub fn seg_digits(self, size: u64) -> usize {
        let last = self.address(size.saturating_sub(1)).segment;
        (64 - last.leading_zeros() as usize).div_ceil(4).max(4)
    }

    #[inline]
    fn write(self, a: Address, out: &mut Vec<u8>) {
        let mut seg = [0u8; 16];
        let mut n = 0;
        let mut v = a.segment;
        loop {
            seg[n] = HEX_DIGITS[(v & 15) as usize];
            n += 1;
            v >>= 4;
            if v == 0 && n >= 4 {
                break;
            }
        }
        out.extend(seg[..n].iter().rev());
        let o = a.offset;
        out.extend_from_slice(&[
            b':',
            HEX_DIGITS[(o >> 12) as usize],
            HEX_DIGITS[((o >> 8) & 15) as usize],
            HEX_DIGITS[((o >> 4) & 15) as usize],
            HEX_DIGITS[(o & 15) as usize],
        ]);
    }

    /// The file offset shown at linear address `lin`, if it is not before the origin.
    pub fn offset_of_linear(self, lin: u64) -> Option<u64> {
        lin.checked_sub(self.linear())
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}:{:04X}", self.segment, self.offset)
    }
}

fn clean(s: &str) -> String {
    crate::sanitize::line(s).into_owned()
}

fn split_seg_off(s: &str) -> Option<(u64, u64)> {
    let (a, b) = s.split_once(':')?;
    let hex = |t: &str| {
        let t = t.trim_ascii();
        let t = t.strip_suffix(['h', 'H']).unwrap_or(t);
        (!t.is_empty() && t.bytes().all(|c| c.is_ascii_hexdigit())).then(|| saturated(t, 16))
    };
    Some((hex(a)?, hex(b)?))
}

/// Digits (checked by the caller) in `radix`, or [`u64::MAX`] when their value is larger: a
/// well-formed number too large for a file offset is an address beyond any file, said as such,
/// not a malformed one.
fn saturated(digits: &str, radix: u32) -> u64 {
    u64::from_str_radix(digits, radix).unwrap_or(u64::MAX)
}

/// Parses a number: decimal, `0x` hex, or hex with an `h` suffix. Underscores are ignored.
/// `None` when it is not a number, or is one larger than 2^64 - 1 ([`parse_number_saturating`]
/// tells the two apart).
pub fn parse_number(s: &str) -> Option<u64> {
    parse_number_saturating(s).filter(|&n| n != u64::MAX || parse_exact(s))
}

/// [`parse_number`], but a well-formed number larger than 2^64 - 1 gives [`u64::MAX`].
pub fn parse_number_saturating(s: &str) -> Option<u64> {
    let t: String = s.trim_ascii().chars().filter(|&c| c != '_').collect();
    let (digits, radix) = number_digits(&t)?;
    Some(saturated(digits, radix))
}

/// The digits of a number as [`parse_number`] reads it, and their radix.
fn number_digits(t: &str) -> Option<(&str, u32)> {
    let hex = |h: &str| !h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit());
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        // Digits only: from_str_radix would also take a sign (`0x+5`).
        return hex(h).then_some((h, 16));
    }
    if let Some(h) = t.strip_suffix(['h', 'H']) {
        return hex(h).then_some((h, 16));
    }
    (!t.is_empty() && t.bytes().all(|c| c.is_ascii_digit())).then_some((t, 10))
}

/// True when the number of `s` (well-formed) is within `u64`.
fn parse_exact(s: &str) -> bool {
    let t: String = s.trim_ascii().chars().filter(|&c| c != '_').collect();
    number_digits(&t).is_some_and(|(d, r)| u64::from_str_radix(d, r).is_ok())
}

/// A count of bytes in words: `1 byte`, `0 bytes`, `16 bytes`.
pub fn bytes(n: impl std::fmt::Display) -> String {
    let n = n.to_string();
    let unit = if n == "1" { "byte" } else { "bytes" };
    format!("{n} {unit}")
}

/// Parses a byte count: a number as in [`parse_number`], optionally followed by K, M or G
/// (binary multiples, `KiB` and `k` too).
pub fn parse_count(s: &str) -> Result<u64, Error> {
    count(s).map_err(Error::Address)
}

fn count(s: &str) -> Result<u64, String> {
    let t = s.trim_ascii();
    let lower = t.to_ascii_lowercase();
    let (num, mul) = [
        ("kib", 1u64 << 10),
        ("mib", 1 << 20),
        ("gib", 1 << 30),
        ("k", 1 << 10),
        ("m", 1 << 20),
        ("g", 1 << 30),
    ]
    .iter()
    .find_map(|(suf, m)| {
        lower
            .strip_suffix(suf)
            .filter(|rest| !rest.starts_with("0x") && !rest.is_empty())
            .map(|_| (&t[..t.len() - suf.len()], *m))
    })
    .unwrap_or((t, 1));
    parse_number_saturating(num).ok_or_else(|| {
        format!(
            "invalid length '{}': expected a number (decimal, 0x1F or 1Fh, with optional K/M/G)",
            clean(s)
        )
    })?;
    parse_number(num)
        .and_then(|n| n.checked_mul(mul))
        .ok_or_else(|| format!("invalid length '{}': larger than 2^64 - 1 bytes", clean(s)))
}

/// Parses an address inside a file of `len` bytes into a file offset. Accepted forms: `SEG:OFF`
/// (any normalization: 0AFA:3F00 and 0EEA:0000 name the same linear address), `0x3E00`,
/// `3E00h`, decimal `15872`, and a percentage of the file (`50%`, `12.5%`). The result is a
/// valid offset (< len); anything else is an error that states the valid range.
pub fn parse_location(s: &str, origin: Origin, len: u64) -> Result<u64, Error> {
    location(s, origin, len).map_err(Error::Address)
}

fn location(s: &str, origin: Origin, len: u64) -> Result<u64, String> {
    let off = position(s, origin, len)?;
    if len == 0 {
        return Err("the file is empty: there is no address to go to".into());
    }
    if off >= len {
        return Err(format!(
            "address '{}' is outside the file: valid {} to {} (offsets 0 to {})",
            clean(s.trim_ascii()),
            origin.address(0),
            origin.address(len - 1),
            len - 1
        ));
    }
    Ok(off)
}

/// Like [`parse_location`] but without the range check; may return offsets >= len.
pub fn parse_position(s: &str, origin: Origin, len: u64) -> Result<u64, Error> {
    position(s, origin, len).map_err(Error::Address)
}

fn position(s: &str, origin: Origin, len: u64) -> Result<u64, String> {
    let t = s.trim_ascii();
    if let Some(p) = t.strip_suffix('%') {
        let p = p.trim_ascii();
        let pct: f64 = p
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.')
            .then(|| p.parse().ok())
            .flatten()
            .filter(|v: &f64| v.is_finite() && (0.0..=100.0).contains(v))
            .ok_or_else(|| format!("invalid percentage '{}': expected 0% to 100%", clean(t)))?;
        let off = ((len as f64) * pct / 100.0).floor() as u64;
        return Ok(off.min(len.saturating_sub(1)));
    }
    if t.contains(':') {
        let (seg, off) = split_seg_off(t).ok_or_else(|| {
            format!(
                "invalid address '{}': expected SEG:OFF in hex, e.g. 0AFA:3F00",
                clean(t)
            )
        })?;
        if off > 0xFFFF {
            return Err(format!(
                "invalid address '{}': the offset must be 0000 to FFFF",
                clean(t)
            ));
        }
        // A segment too large for any file is an address beyond it (said with the valid range).
        let lin = seg.saturating_mul(16).saturating_add(off);
        return origin.offset_of_linear(lin).ok_or_else(|| {
            if len == 0 {
                "the file is empty: there is no address to go to".to_string()
            } else {
                format!(
                    "address '{}' lies before the file: valid {} to {} (offsets 0 to {})",
                    clean(t),
                    origin.address(0),
                    origin.address(len - 1),
                    len - 1
                )
            }
        });
    }
    parse_number_saturating(t).ok_or_else(|| {
        format!(
            "invalid address '{}': use SEG:OFF (0AFA:3F00), 0x3E00, 3E00h, decimal or a percentage (50%)",
            clean(t)
        )
    })
}

/// Resolves `--from` / `--length` / `--to` against a file of `len` bytes into `[start, end)`:
/// from the start and to the end where not given; `to` is inclusive, as DEBUG's `d START END`.
pub fn resolve_range(
    from: Option<&str>,
    length: Option<&str>,
    to: Option<&str>,
    origin: Origin,
    len: u64,
) -> Result<(u64, u64), Error> {
    let start = match from {
        Some(f) => parse_location(f, origin, len)?,
        None => 0,
    };
    let end = match (length, to) {
        (Some(l), _) => start.saturating_add(parse_count(l)?).min(len),
        (None, Some(t)) => {
            let last = parse_location(t, origin, len)?;
            if last < start {
                return Err(Error::Address(format!(
                    "--to {} lies before --from",
                    clean(t)
                )));
            }
            last + 1
        }
        (None, None) => len,
    };
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_past_64_bits_are_too_large_not_malformed() {
        assert_eq!(parse_number("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_number("0xFFFFFFFFFFFFFFFF"), Some(u64::MAX));
        assert_eq!(parse_number("18446744073709551616"), None);
        assert_eq!(
            parse_number_saturating("18446744073709551616"),
            Some(u64::MAX)
        );
        assert_eq!(
            parse_number_saturating("1_0000_0000_0000_0000h"),
            Some(u64::MAX)
        );
        assert_eq!(parse_number_saturating("0x+5"), None);
        assert_eq!(
            parse_count("99999999999999999999").unwrap_err().to_string(),
            "invalid length '99999999999999999999': larger than 2^64 - 1 bytes"
        );
        assert_eq!(
            parse_count("17179869184G").unwrap_err().to_string(),
            "invalid length '17179869184G': larger than 2^64 - 1 bytes"
        );
        assert_eq!(parse_count("16G").unwrap(), 16 << 30);
        assert_eq!(
            parse_location("1:1x", Origin::ZERO, 100)
                .unwrap_err()
                .to_string(),
            "invalid address '1:1x': expected SEG:OFF in hex, e.g. 0AFA:3F00"
        );
        assert_eq!(
            parse_location("FFFFFFFFFFFFFFFFF:0", Origin::ZERO, 100)
                .unwrap_err()
                .to_string(),
            "address 'FFFFFFFFFFFFFFFFF:0' is outside the file: valid 0000:0000 to 0000:0063 (offsets 0 to 99)"
        );
    }

    #[test]
    fn offsets_near_2_pow_64_are_shown_where_they_are() {
        let o = Origin::parse("0AFA:0100").unwrap();
        // 0100h + (2^64 - 1) = 2^64 + 00FFh: segment 0AFA + 1000h for each 64 KiB.
        let a = o.address(u64::MAX);
        assert_eq!(a.to_string(), "1000000000000AFA:00FF");
        assert_eq!(o.column(u64::MAX), 15);
        assert_eq!(
            Origin::ZERO.address(u64::MAX).to_string(),
            "FFFFFFFFFFFF000:FFFF"
        );
    }

    #[test]
    fn debug_file_convention() {
        let o = Origin::parse("0AFA:0100").unwrap();
        assert_eq!(o.address(0x3E00).to_string(), "0AFA:3F00");
        assert_eq!(o.address(0).to_string(), "0AFA:0100");
        assert_eq!(o.address(0xFF00).to_string(), "1AFA:0000");
        assert_eq!(o.column(0x3E00), 0);
    }

    #[test]
    fn segment_widens_past_ffff() {
        let a = Origin::ZERO.address(0x10_0000);
        assert_eq!(a.to_string(), "10000:0000");
        let mut v = Vec::new();
        Origin::ZERO.write_address(0x10_0010, &mut v);
        assert_eq!(v, b"10000:0010");
        assert_eq!(a.linear(), 0x10_0000);
    }

    #[test]
    fn location_forms() {
        let o = Origin::parse("0AFA:0100").unwrap();
        let len = 0x4000;
        assert_eq!(parse_location("0AFA:3F00", o, len), Ok(0x3E00));
        assert_eq!(parse_location("0EEA:0000", o, len), Ok(0x3E00));
        assert_eq!(parse_location("0x3E00", o, len), Ok(0x3E00));
        assert_eq!(parse_location("3E00h", o, len), Ok(0x3E00));
        assert_eq!(parse_location("15872", o, len), Ok(0x3E00));
        assert_eq!(parse_location("50%", o, len), Ok(0x2000));
        assert_eq!(parse_location("100%", o, len), Ok(0x3FFF));
        assert_eq!(
            parse_location("0AFA:9000", o, len).unwrap_err().to_string(),
            "address '0AFA:9000' is outside the file: valid 0AFA:0100 to 0AFA:40FF (offsets 0 to 16383)"
        );
        assert!(parse_location("0000:0000", o, len)
            .unwrap_err()
            .to_string()
            .contains("before the file"));
        assert!(parse_location("zz", o, len)
            .unwrap_err()
            .to_string()
            .starts_with("invalid address 'zz'"));
        assert!(parse_location("3E00", o, len).is_err());
        assert!(parse_location("3EG0", o, len).is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("128"), Ok(128));
        assert_eq!(parse_count("80h"), Ok(128));
        assert_eq!(parse_count("0x80"), Ok(128));
        assert_eq!(parse_count("4K"), Ok(4096));
        assert_eq!(parse_count("2MiB"), Ok(2 << 20));
        assert!(parse_count("x").is_err());
        for signed in ["0x+5", "0x-5", "+5", "-5", "+5h", "0x+"] {
            assert!(parse_count(signed).is_err(), "{signed}");
            assert!(
                parse_location(signed, Origin::ZERO, 100).is_err(),
                "{signed}"
            );
        }
        assert!(parse_location("+5%", Origin::ZERO, 100).is_err());
    }
}

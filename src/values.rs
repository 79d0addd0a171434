//! The value inspector's readings of the bytes at an offset: integers of 1, 2, 4 and 8 bytes in
//! both byte orders, a DOS (FAT) date and time, a real-mode far pointer, a Unix time, and the
//! bytes as CP437 text. Pure functions over a byte slice; every reading says when there are too
//! few bytes for it instead of inventing them.

use crate::address::Origin;

/// One reading: a label and its value, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    pub label: &'static str,
    pub value: String,
}

fn take<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
    b.get(..N).map(|s| s.try_into().expect("length checked"))
}

/// The integer readings, one line per width: `LE u BE u`, with the signed values after them
/// when either is negative.
pub fn integers(b: &[u8]) -> Vec<Reading> {
    macro_rules! width {
        ($n:literal, $u:ty, $i:ty, $label:literal) => {
            Reading {
                label: $label,
                value: match take::<$n>(b) {
                    None => "(too few bytes)".to_string(),
                    Some(a) => {
                        let (ul, ub) = (<$u>::from_le_bytes(a), <$u>::from_be_bytes(a));
                        let (il, ib) = (<$i>::from_le_bytes(a), <$i>::from_be_bytes(a));
                        let signed = if il < 0 || ib < 0 {
                            format!("  signed LE {il} BE {ib}")
                        } else {
                            String::new()
                        };
                        if $n == 1 {
                            format!(
                                "{ul}{}",
                                if il < 0 {
                                    format!("  signed {il}")
                                } else {
                                    String::new()
                                }
                            )
                        } else {
                            format!("LE {ul}  BE {ub}{signed}")
                        }
                    }
                },
            }
        };
    }
    vec![
        width!(1, u8, i8, "8-bit"),
        width!(2, u16, i16, "16-bit"),
        width!(4, u32, i32, "32-bit"),
        width!(8, u64, i64, "64-bit"),
    ]
}

/// A FAT date word (little-endian): day in bits 0-4, month in 5-8, year - 1980 in 9-15.
pub fn dos_date(w: u16) -> Option<(u16, u8, u8)> {
    let day = (w & 0x1F) as u8;
    let month = ((w >> 5) & 0x0F) as u8;
    let year = 1980 + (w >> 9);
    (day >= 1 && (1..=12).contains(&month) && day <= days_in(year, month))
        .then_some((year, month, day))
}

fn days_in(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A FAT time word (little-endian): seconds / 2 in bits 0-4, minutes in 5-10, hours in 11-15.
pub fn dos_time(w: u16) -> Option<(u8, u8, u8)> {
    let s = ((w & 0x1F) * 2) as u8;
    let m = ((w >> 5) & 0x3F) as u8;
    let h = (w >> 11) as u8;
    (h < 24 && m < 60 && s < 60).then_some((h, m, s))
}

/// The DOS readings of the first bytes: the date word, the time word, and the 4-byte FAT
/// timestamp as a directory entry stores it (time word, then date word).
pub fn dos(b: &[u8]) -> Vec<Reading> {
    let word = |i: usize| b.get(i..i + 2).map(|s| u16::from_le_bytes([s[0], s[1]]));
    let date = |w: Option<u16>| match w {
        None => "(too few bytes)".to_string(),
        Some(w) => dos_date(w)
            .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
            .unwrap_or_else(|| format!("{w:04X}h is not a valid DOS date")),
    };
    let time = |w: Option<u16>| match w {
        None => "(too few bytes)".to_string(),
        Some(w) => dos_time(w)
            .map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}"))
            .unwrap_or_else(|| format!("{w:04X}h is not a valid DOS time")),
    };
    let stamp = match (word(0), word(2)) {
        (Some(t), Some(d)) => match (dos_time(t), dos_date(d)) {
            (Some((h, mi, s)), Some((y, mo, da))) => {
                format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{s:02}")
            }
            _ => "not a valid DOS time + date".into(),
        },
        _ => "(too few bytes)".into(),
    };
    vec![
        Reading {
            label: "DOS date",
            value: date(word(0)),
        },
        Reading {
            label: "DOS time",
            value: time(word(0)),
        },
        Reading {
            label: "DOS time+date",
            value: stamp,
        },
    ]
}

/// A real-mode far pointer as stored in memory: offset word, then segment word (both LE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FarPointer {
    pub segment: u16,
    pub offset: u16,
}

impl FarPointer {
    /// Reads a far pointer from the first four bytes.
    pub fn read(b: &[u8]) -> Option<FarPointer> {
        let a = take::<4>(b)?;
        Some(FarPointer {
            offset: u16::from_le_bytes([a[0], a[1]]),
            segment: u16::from_le_bytes([a[2], a[3]]),
        })
    }

    /// The linear address it points to: segment * 16 + offset.
    pub fn linear(self) -> u64 {
        self.segment as u64 * 16 + self.offset as u64
    }

    /// The file offset it points to under `origin`, if inside a file of `len` bytes.
    pub fn target(self, origin: Origin, len: u64) -> Option<u64> {
        origin.offset_of_linear(self.linear()).filter(|&x| x < len)
    }
}

/// The far-pointer reading: `SEG:OFF -> linear Nh (file offset X)`.
pub fn far_pointer(b: &[u8], origin: Origin, len: u64) -> Reading {
    let value = match FarPointer::read(b) {
        None => "(too few bytes)".into(),
        Some(p) => {
            let at = match p.target(origin, len) {
                Some(x) => format!("file offset {x} ({x:X}h)"),
                None => "outside the file at this origin".into(),
            };
            format!(
                "{:04X}:{:04X} -> linear {:X}h, {at}",
                p.segment,
                p.offset,
                p.linear()
            )
        }
    };
    Reading {
        label: "far pointer",
        value,
    }
}

/// A 32-bit little-endian Unix time, in UTC.
pub fn unix_time(b: &[u8]) -> Reading {
    let value = match take::<4>(b) {
        None => "(too few bytes)".into(),
        Some(a) => {
            let secs = u32::from_le_bytes(a);
            crate::utc::unix(i64::from(secs))
        }
    };
    Reading {
        label: "Unix time LE",
        value,
    }
}

/// The bytes as CP437 text (the DOS code page): every byte maps to one character; control
/// bytes are shown as CP437's graphic glyphs, as a DOS screen showed them.
pub fn cp437(b: &[u8]) -> String {
    b.iter().map(|&x| cp437_char(x)).collect()
}

/// One byte's CP437 character (graphic glyphs for 00h-1Fh and 7Fh, as DOS drew them).
pub fn cp437_char(b: u8) -> char {
    const LOW: [char; 32] = [
        ' ', '☺', '☻', '♥', '♦', '♣', '♠', '•', '◘', '○', '◙', '♂', '♀', '♪', '♫', '☼', '►', '◄',
        '↕', '‼', '¶', '§', '▬', '↨', '↑', '↓', '→', '←', '∟', '↔', '▲', '▼',
    ];
    match b {
        0x00..=0x1F => LOW[b as usize],
        0x7F => '⌂',
        0x20..=0x7E => b as char,
        _ => oem_cp::code_table::DECODING_TABLE_CP437[(b - 0x80) as usize],
    }
}

/// Every reading for the bytes at an offset, in the order the pane shows them.
pub fn all(b: &[u8], origin: Origin, len: u64) -> Vec<Reading> {
    let mut out = integers(b);
    out.extend(dos(b));
    out.push(far_pointer(b, origin, len));
    out.push(unix_time(b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_both_orders() {
        let r = integers(&[0xFE, 0x01, 0, 0, 0, 0, 0, 0x80]);
        assert_eq!(r[0].value, "254  signed -2");
        assert_eq!(r[1].value, "LE 510  BE 65025  signed LE 510 BE -511");
        assert_eq!(
            r[2].value,
            "LE 510  BE 4261478400  signed LE 510 BE -33488896"
        );
        assert_eq!(
            r[3].value,
            "LE 9223372036854776318  BE 18302910360610406528  signed LE -9223372036854775298 BE -143833713099145088"
        );
        assert_eq!(integers(&[1])[1].value, "(too few bytes)");
        assert_eq!(integers(&[1, 0])[1].value, "LE 1  BE 256");
    }

    #[test]
    fn dos_dates_and_times() {
        // 1998-06-02 = (18 << 9) | (6 << 5) | 2; 08:39:10 = (8 << 11) | (39 << 5) | 5.
        let d: u16 = (18 << 9) | (6 << 5) | 2;
        let t: u16 = (8 << 11) | (39 << 5) | 5;
        assert_eq!(dos_date(d), Some((1998, 6, 2)));
        assert_eq!(dos_time(t), Some((8, 39, 10)));
        assert_eq!(dos_date(0), None);
        let mut b = t.to_le_bytes().to_vec();
        b.extend(d.to_le_bytes());
        assert_eq!(dos(&b)[2].value, "1998-06-02 08:39:10");
        assert_eq!(dos(&d.to_le_bytes())[0].value, "1998-06-02");
    }

    #[test]
    fn far_pointers_and_unix_time() {
        let p = FarPointer::read(&[0x00, 0x3F, 0xFA, 0x0A]).unwrap();
        assert_eq!((p.segment, p.offset), (0x0AFA, 0x3F00));
        let o = Origin {
            segment: 0x0AFA,
            offset: 0x100,
        };
        assert_eq!(p.target(o, 0x10000), Some(0x3E00));
        assert_eq!(
            far_pointer(&[0x00, 0x3F, 0xFA, 0x0A], o, 0x10000).value,
            "0AFA:3F00 -> linear EEA0h, file offset 15872 (3E00h)"
        );
        assert_eq!(unix_time(&[0, 0, 0, 0]).value, "1970-01-01T00:00:00Z");
    }

    #[test]
    fn cp437_maps_every_byte() {
        assert_eq!(cp437(b"A\x01\xB0\xE1"), "A☺░ß");
        assert_eq!(cp437(&[0x7F, 0xFF]), "⌂\u{a0}");
    }
}

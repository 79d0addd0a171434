//! What the layouts of the tools mean beyond bytes in a row: groups of several bytes (words,
//! and the order their bytes are in), the radix of od's addresses, told by their step from line
//! to line, and the short last line of hex with no addresses.

use super::line::{self, Kind, Line, Window};
use super::AddrStyle;

use crate::dump::format::ASCII;
use std::io::{self, BufRead};

pub(super) fn radix_name(r: u32) -> &'static str {
    match r {
        8 => "octal",
        10 => "decimal",
        _ => "hex",
    }
}

/// The value of address digits in `radix`; None when a digit does not belong to it.
pub(super) fn radix_value(digits: &[u8], radix: u32) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |v, &c| {
        let d = (c as char).to_digit(radix)?;
        v.checked_mul(radix as u64)?.checked_add(d as u64)
    })
}

/// The bytes of each group of a line of words (a dump with plain addresses), when its groups
/// hold more than one byte each (the last may hold fewer: `xxd -e`) and make up its whole hex
/// area.
pub(super) fn group_sizes(h: &line::Hex) -> Option<Vec<usize>> {
    word_prefix(h, h.full)
}

/// The bytes of each of the groups that make up the first `count` bytes of a line of words
/// (as [`group_sizes`] for a hex area of `count` bytes: the groups after it are its ASCII
/// column, read as hex). None when `count` does not end a group or those groups are not words.
pub(super) fn word_prefix(h: &line::Hex, count: usize) -> Option<Vec<usize>> {
    // DEBUG and clanscope print bytes: a wider group there is a blank lost between two.
    if h.style != AddrStyle::Linear || count == 0 {
        return None;
    }
    let mut sizes = Vec::new();
    let mut sum = 0;
    for &(s, e) in &h.groups {
        if sum >= count {
            break;
        }
        let n = match (h.octal, h.words) {
            (true, 0) => 1,
            (true, _) => 2,
            _ => (e - s) / 2,
        };
        sizes.push(n);
        sum += n;
    }
    let first = *sizes.first()?;
    let (last, rest) = sizes.split_last()?;
    (first > 1 && sum == count && *last <= first && rest.iter().all(|&n| n == first))
        .then_some(sizes)
}

/// The cuts after whole groups of words at the start of a line (see [`word_prefix`]), the
/// longest first, with the groups' sizes: the hex area ends at one of them.
pub(super) fn word_prefixes(h: &line::Hex) -> Vec<(usize, Vec<usize>)> {
    if h.octal {
        return group_sizes(h)
            .map(|s| vec![(h.full, s)])
            .unwrap_or_default();
    }
    let mut out = Vec::new();
    let mut count = 0;
    for &(s, e) in &h.groups {
        count += (e - s) / 2;
        if let Some(sizes) = word_prefix(h, count) {
            out.push((count, sizes));
        }
    }
    out.reverse();
    out
}

/// xxd -e right-aligns a short last word in its place: the one blank xxd puts between groups
/// (or after the colon, when it is the only one) and two more for each byte the word lacks
/// come before it (`64636261     6665`). `sizes` are those of the line's first groups. One
/// blank more than xxd's alone (a doubled blank, as mail or a retyping makes) is not that
/// sign: such a line keeps the order its hex shows (found by the corruption property test:
/// a short last word set off by a doubled blank was turned round without a word).
pub(super) fn right_aligned(h: &line::Hex, sizes: &[usize]) -> bool {
    let g = &h.groups;
    !h.bars
        && match sizes.len() {
            0 => false,
            // A lone word lacks at least one byte of its group: three blanks or more.
            1 => h.lead >= 3,
            n => {
                let lacks = sizes[0].saturating_sub(sizes[n - 1]);
                lacks > 0 && g[n - 1].0 - g[n - 2].1 > 2 * lacks
            }
        }
}

/// The cuts at which the next address of the same layout says a line of `xxd` (an address
/// with a colon) ends, in hex or decimal (`xxd -d`), when that is after a group and before
/// its last one: groups past it are its ASCII column, read as hex (`xxd -e` of text whose
/// words look like hex).
pub(super) fn stepped_cuts<R: BufRead>(line: &Line, w: &mut Window<R>) -> io::Result<Vec<usize>> {
    let h = &line.hex;
    if h.style != AddrStyle::Linear || h.bars || h.octal {
        return Ok(Vec::new());
    }
    let mut ends = Vec::new();
    let mut at = 0;
    for &(s, e) in &h.groups {
        at += (e - s) / 2;
        ends.push(at);
    }
    for k in 0..32 {
        match w.peek(k)? {
            Some(l) if matches!(l.kind, Kind::Blank | Kind::Other) => continue,
            Some(l) if l.kind == Kind::Hex && l.hex.style == AddrStyle::Linear && !l.hex.bars => {
                let mut cuts = Vec::new();
                for r in [16, 10] {
                    let (Some(a), Some(b)) = (
                        radix_value(line.addr_digits(), r),
                        radix_value(l.addr_digits(), r),
                    ) else {
                        continue;
                    };
                    let step = b
                        .checked_sub(a)
                        .map_or(0, |d| d.min(usize::MAX as u64) as usize);
                    if step < h.full && ends.contains(&step) && !cuts.contains(&step) {
                        cuts.push(step);
                    }
                }
                return Ok(cuts);
            }
            _ => break,
        }
    }
    Ok(Vec::new())
}

/// The bytes of the leading groups of a line of words, when its groups as a whole are not one
/// ([`group_sizes`] gives none) but those before a wider group are: groups of one width, the
/// last maybe narrower (`xxd -e`'s short last word), then a run of hex digits wider than them
/// (an ASCII column made of hex digits only, read as one more group).
pub(super) fn leading_words(h: &line::Hex) -> Option<Vec<usize>> {
    if h.style != AddrStyle::Linear || h.octal || h.words != 0 {
        return None;
    }
    let sizes: Vec<usize> = h.groups.iter().map(|&(s, e)| (e - s) / 2).collect();
    let first = *sizes.first()?;
    let wider = sizes.iter().position(|&n| n > first)?;
    let lead = &sizes[..wider];
    let (last, rest) = lead.split_last()?;
    let ok = first > 1
        && wider + 1 == sizes.len()
        && rest.iter().all(|&n| n == first)
        && *last <= first
        && lead.iter().sum::<usize>() < h.full;
    ok.then(|| lead.to_vec())
}

/// Turns each group's bytes round.
pub(super) fn turn_groups(bytes: &mut [u8], sizes: &[usize]) {
    let mut at = 0;
    for &n in sizes {
        bytes[at..at + n].reverse();
        at += n;
    }
}

/// The bytes of `bytes` with each group of `sizes` turned round, in order: what
/// [`turn_groups`] makes of a copy, without the copy.
pub(super) fn turned_round<'a>(
    bytes: &'a [u8],
    sizes: &'a [usize],
) -> impl Iterator<Item = u8> + 'a {
    let groups: usize = sizes.iter().sum();
    sizes
        .iter()
        .scan(0, |at, &n| {
            let group = &bytes[*at..*at + n];
            *at += n;
            Some(group.iter().rev())
        })
        .flatten()
        .chain(&bytes[groups..])
        .copied()
}

/// True when the column of `bytes` reads otherwise with each group turned round, blanks left
/// out (the column check leaves them out, as mail collapses them). Nothing is copied: this is
/// asked of every line of words.
pub(super) fn telling(bytes: &[u8], sizes: &[usize]) -> bool {
    let shown = |b: u8| Some(ASCII[b as usize]).filter(|&c| c != b' ');
    let line = bytes.iter().filter_map(|&b| shown(b));
    line.ne(turned_round(bytes, sizes).filter_map(shown))
}

/// The next address after a line and the lines its column took: of a dump line without a
/// colon or of an end address, with blank lines and a `*` between.
pub(super) struct Next {
    digits: [u8; 20],
    len: usize,
    pub star: bool,
    pub end: bool,
}

impl Next {
    pub fn digits(&self) -> &[u8] {
        &self.digits[..self.len]
    }
}

pub(super) fn next_addr<R: BufRead>(skip: usize, w: &mut Window<R>) -> io::Result<Option<Next>> {
    let mut star = false;
    for k in skip..skip + 32 {
        let Some(l) = w.peek(k)? else {
            return Ok(None);
        };
        match l.kind {
            Kind::Blank => continue,
            Kind::Star => star = true,
            Kind::End(_) | Kind::Hex if l.kind != Kind::Hex || l.hex.style == AddrStyle::Linear => {
                let d = l.addr_digits();
                let mut next = Next {
                    digits: [0; 20],
                    len: d.len().min(20),
                    star,
                    end: l.kind != Kind::Hex,
                };
                next.digits[..next.len].copy_from_slice(&d[..next.len]);
                return Ok(Some(next));
            }
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// The radixes in which a later pair of address lines (a dump line without a colon and the
/// address line right after it) step by the first one's bytes; empty when none is found in
/// the lines ahead.
pub(super) fn later_step<R: BufRead>(skip: usize, w: &mut Window<R>) -> io::Result<Vec<u32>> {
    let mut prev: Option<(Vec<u8>, u64, usize)> = None;
    for k in skip..skip + 64 {
        let Some(l) = w.peek(k)? else { break };
        let is_addr = matches!(l.kind, Kind::End(_))
            || l.kind == Kind::Hex && l.hex.style == AddrStyle::Linear;
        if !is_addr {
            prev = None;
            continue;
        }
        let d = l.addr_digits().to_vec();
        if let Some((p, n, words)) = prev.take() {
            let fits: Vec<u32> = [16, 8, 10]
                .into_iter()
                .filter(|&r| {
                    let (Some(a), Some(b)) = (radix_value(&p, r), radix_value(&d, r)) else {
                        return false;
                    };
                    let end = a.saturating_add(n);
                    b == end || words > 1 && b < end && b + words as u64 > end && b > a
                })
                .collect();
            if fits.len() == 1 {
                return Ok(fits);
            }
        }
        if l.kind == Kind::Hex {
            prev = Some((d, l.hex.full as u64, l.hex.words));
        }
    }
    Ok(Vec::new())
}

/// A last line of words padded to a whole word (`hexdump`, `od -x` on a file of odd length):
/// its bytes up to the end address that follows it.
pub(super) fn padded_end(
    h: &line::Hex,
    start: u64,
    count: usize,
    next: Option<Next>,
    radix: u32,
) -> usize {
    let Some(n) = next
        .filter(|n| n.end && !n.star && h.words > 1)
        .and_then(|n| radix_value(n.digits(), radix))
    else {
        return count;
    };
    let end = start.saturating_add(count as u64);
    if n >= start && n < end && n + h.words as u64 > end {
        (n - start) as usize
    } else {
        count
    }
}

/// The short last line of `xxd -p` (hex digits only, too few to be read as such alone), or of
/// bytes between blanks.
pub(super) fn plain_rest(line: &Line) -> bool {
    let t = line.content().trim_ascii();
    !t.is_empty() && t.len().is_multiple_of(2) && line::hex_run(t) == t.len()
        || line::pairs(t).is_some()
}

/// The radixes a line's plain address may be written in, the likeliest first. xxd's (with a
/// colon) are hex, or decimal with `-d`. od separates its groups by one blank and writes octal
/// addresses by default (`-A d` decimal, `-A x` hex); hexdump's canned formats write hex ones
/// and set their groups further apart, except its 16-bit words, laid out as `od -x`'s; a
/// `>...<` column is od's. Other layouts (`hexdump -C`, hexyl) are hex only.
pub(super) fn radixes(line: &Line) -> &'static [u32] {
    let h = &line.hex;
    if !h.bars {
        return &[16, 10];
    }
    // Six digits are od's hex ones (`-A x`); its octal and decimal ones have seven or more.
    if line.addr_digits().len() <= 6 {
        return &[16];
    }
    let od_column = line.text.trim_ascii_end().ends_with(b"<");
    match (od_column, h.lead, h.words, h.octal) {
        (true, ..) => &[8, 10, 16],
        (false, 1, 2, false) => &[16, 8, 10],
        (false, 1, ..) => &[8, 10, 16],
        _ => &[16],
    }
}

/// Of `radixes`, those in which the next address follows on from a line's `count` bytes (past
/// a squeezed run: a whole number of lines on; to an end address: maybe short of a padded
/// word of `padded` bytes), with the line's address in each.
pub(super) fn step_fits(
    digits: &[u8],
    next: &Next,
    count: usize,
    padded: Option<usize>,
    radixes: &[u32],
) -> Vec<(u64, u32)> {
    let fits = |r: u32, pad: bool| {
        let b = radix_value(digits, r)?;
        let n = radix_value(next.digits(), r)?;
        let end = b.saturating_add(count as u64);
        let follows = if next.star {
            n > b && (n - b).is_multiple_of(count.max(1) as u64)
        } else if pad {
            padded.is_some_and(|w| n < end && n + w as u64 > end && n > b)
        } else {
            n == end
        };
        follows.then_some((b, r))
    };
    radixes
        .iter()
        .filter_map(|&r| fits(r, false).or_else(|| fits(r, true)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_turned_round_without_a_copy_are_those_turned_in_a_copy() {
        let bytes: Vec<u8> = (0..16).map(|i| b'A' + i).collect();
        for sizes in [
            &[2usize, 2, 2, 2, 2, 2, 2, 2][..],
            &[4, 4, 4, 4],
            &[8, 8],
            &[4, 4, 4, 3],
            &[2, 2, 2],
            &[16],
        ] {
            let mut copy = bytes.clone();
            turn_groups(&mut copy, sizes);
            let turned: Vec<u8> = turned_round(&bytes, sizes).collect();
            assert_eq!(turned, copy, "{sizes:?}");
        }
        assert_eq!(
            turned_round(b"ABCDE", &[2, 2]).collect::<Vec<u8>>(),
            b"BADCE"
        );
    }

    #[test]
    fn a_column_tells_the_order_when_it_reads_otherwise_turned_round() {
        // "ABCD" turned in words of two reads "BADC".
        assert!(telling(b"ABCD", &[2, 2]));
        // Palindromic words read the same either way.
        assert!(!telling(b"AAbb", &[2, 2]));
        // Blanks do not count, and bytes the column shows as `.` are all alike.
        assert!(!telling(b"A A ", &[2, 2]));
        assert!(!telling(&[0, 1, 2, 3], &[2, 2]));
    }
}

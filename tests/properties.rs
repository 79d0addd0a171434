//! Property tests: formatting then parsing returns what went in, and parsers never panic.

mod common;

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
        let collapsed = common::collapse_blanks(&text);
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

// ---------------------------------------------------------------------------------------------
// Issue 10 items 4 and 5: the hex column is the truth; every byte is kept or the exact line is
// reported, in every dump format undump reads.

mod formats {
    use clanscope::address::Origin;
    use clanscope::dump::Printer;

    /// One line of generated dump text and where its parts are.
    #[derive(Clone, Debug)]
    pub struct Line {
        pub text: String,
        /// Char range of the ASCII column on this line (empty when there is none).
        pub ascii: std::ops::Range<usize>,
        /// Positions of whitespace between the address and the ASCII column.
        pub spaces: Vec<usize>,
    }

    impl Line {
        fn plain(text: String) -> Line {
            Line {
                text,
                ascii: 0..0,
                spaces: Vec::new(),
            }
        }
    }

    #[derive(Clone, Copy, Debug)]
    pub enum Format {
        Debug,
        Squeezed,
        Export,
        MailQuoted,
        Collapsed,
        Wrapped,
        Xxd {
            group: usize,
            cols: usize,
            upper: bool,
        },
        HexdumpC,
    }

    pub const ALL: [Format; 10] = [
        Format::Debug,
        Format::Squeezed,
        Format::Export,
        Format::MailQuoted,
        Format::Collapsed,
        Format::Wrapped,
        Format::Xxd {
            group: 2,
            cols: 16,
            upper: false,
        },
        Format::Xxd {
            group: 1,
            cols: 16,
            upper: true,
        },
        Format::Xxd {
            group: 4,
            cols: 32,
            upper: false,
        },
        Format::HexdumpC,
    ];

    fn ascii(b: u8) -> char {
        if (0x20..0x7f).contains(&b) {
            b as char
        } else {
            '.'
        }
    }

    /// Marks the whitespace of `text` before `end` (the hex area and its borders).
    fn spaces_before(text: &str, from: usize, end: usize) -> Vec<usize> {
        text.chars()
            .enumerate()
            .filter(|&(i, c)| i >= from && i < end && c == ' ')
            .map(|(i, _)| i)
            .collect()
    }

    /// clanscope's (DEBUG's) layout, from the Printer: the ASCII column is the text after the
    /// three spaces that follow the 47-character hex area.
    fn debug_lines(data: &[u8], origin: Origin, from: u64, squeeze: bool) -> Vec<Line> {
        let text = Printer::new(origin)
            .squeeze(squeeze)
            .to_string(data, from, data.len() as u64);
        text.lines()
            .map(|l| {
                if l == "*" {
                    return Line::plain(l.into());
                }
                let addr = l.find("  ").unwrap();
                let start = addr + 2 + 47 + 3;
                let first = l[start..].chars().take_while(|&c| c == ' ').count();
                let n = l.chars().count();
                // Leading blanks of a padded first line are layout, not characters of the column.
                let begin = if l[start..].trim().is_empty() {
                    n
                } else {
                    start + first
                };
                Line {
                    text: l.to_string(),
                    ascii: begin.min(n)..n,
                    spaces: spaces_before(l, addr, start),
                }
            })
            .collect()
    }

    fn xxd_lines(data: &[u8], group: usize, cols: usize, upper: bool) -> Vec<Line> {
        let width = cols * 2 + cols / group - 1;
        data.chunks(cols)
            .enumerate()
            .map(|(k, chunk)| {
                let mut hex = String::new();
                for (i, b) in chunk.iter().enumerate() {
                    if i > 0 && i % group == 0 {
                        hex.push(' ');
                    }
                    hex.push_str(&if upper {
                        format!("{b:02X}")
                    } else {
                        format!("{b:02x}")
                    });
                }
                let text = format!(
                    "{:08x}: {hex:<width$}  {}",
                    k * cols,
                    chunk.iter().map(|&b| ascii(b)).collect::<String>()
                );
                let start = 10 + width + 2;
                Line {
                    ascii: start..start + chunk.len(),
                    spaces: spaces_before(&text, 9, start),
                    text,
                }
            })
            .collect()
    }

    fn hexdump_lines(data: &[u8]) -> Vec<Line> {
        let mut out = Vec::new();
        let mut prev: Option<&[u8]> = None;
        let mut starred = false;
        let lines: Vec<&[u8]> = data.chunks(16).collect();
        for (k, chunk) in lines.iter().enumerate() {
            if chunk.len() == 16 && prev == Some(chunk) && k + 1 < lines.len() {
                if !starred {
                    out.push(Line::plain("*".into()));
                    starred = true;
                }
                continue;
            }
            starred = false;
            prev = Some(chunk);
            let mut hex = String::new();
            for i in 0..16 {
                match chunk.get(i) {
                    Some(b) => hex.push_str(&format!("{b:02x} ")),
                    None => hex.push_str("   "),
                }
                if i == 7 {
                    hex.push(' ');
                }
            }
            let text = format!(
                "{:08x}  {hex} |{}|",
                k * 16,
                chunk.iter().map(|&b| ascii(b)).collect::<String>()
            );
            let start = 10 + 49 + 2;
            out.push(Line {
                ascii: start..start + chunk.len(),
                spaces: spaces_before(&text, 8, start - 1),
                text,
            });
        }
        out.push(Line::plain(format!("{:08x}", data.len())));
        out
    }

    fn shift(l: &Line, prefix: &str) -> Line {
        let n = prefix.chars().count();
        Line {
            text: format!("{prefix}{}", l.text),
            ascii: l.ascii.start + n..l.ascii.end + n,
            spaces: l.spaces.iter().map(|s| s + n).collect(),
        }
    }

    /// Collapses runs of spaces to one, keeping track of the parts.
    fn collapse(l: &Line) -> Line {
        let chars: Vec<char> = l.text.chars().collect();
        let mut out = Line::plain(String::new());
        let mut map = Vec::with_capacity(chars.len());
        let mut n = 0;
        for (i, &c) in chars.iter().enumerate() {
            let keep = !(c == ' ' && i > 0 && chars[i - 1] == ' ');
            map.push(n);
            if keep {
                out.text.push(c);
                n += 1;
            }
        }
        map.push(n);
        let (a, b) = (map[l.ascii.start], map[l.ascii.end]);
        out.ascii = a..b;
        out.spaces = l
            .spaces
            .iter()
            .filter(|&&s| !(s > 0 && chars[s - 1] == ' '))
            .map(|&s| map[s])
            .collect();
        out.spaces.dedup();
        out
    }

    /// The ASCII column moved onto following lines, cut at `cut` (as web pages wrap it).
    fn wrap(l: &Line, cut: usize) -> Vec<Line> {
        if l.ascii.is_empty() {
            return vec![l.clone()];
        }
        let chars: Vec<char> = l.text.chars().collect();
        let head: String = chars[..l.ascii.start]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string();
        let col: String = chars[l.ascii.clone()].iter().collect();
        let k = cut % (col.chars().count() + 1);
        let (a, b): (String, String) =
            (col.chars().take(k).collect(), col.chars().skip(k).collect());
        let mut first = Line {
            text: head.clone(),
            ascii: 0..0,
            spaces: l
                .spaces
                .iter()
                .copied()
                .filter(|&s| s < head.chars().count())
                .collect(),
        };
        let mut out = Vec::new();
        if a.trim().is_empty() {
            out.push(first);
        } else {
            let n = head.chars().count() + 1;
            first.text = format!("{head} {a}");
            first.ascii = n..n + a.chars().count();
            out.push(first);
        }
        if !b.trim().is_empty() {
            let t = b.trim_start().to_string();
            let len = t.chars().count();
            out.push(Line {
                text: t,
                ascii: 0..len,
                spaces: Vec::new(),
            });
        }
        out
    }

    /// The dump of `data[from..]` at `origin` in `format`, as lines.
    pub fn render(format: Format, data: &[u8], origin: Origin, from: u64, cut: usize) -> Vec<Line> {
        match format {
            Format::Debug => debug_lines(data, origin, from, false),
            Format::Squeezed => debug_lines(data, origin, from, true),
            Format::Export => {
                let mut out = Vec::new();
                for (k, l) in debug_lines(data, origin, from, false).iter().enumerate() {
                    let marked = k % 3 == 1;
                    out.push(shift(l, if marked { ">  " } else { "   " }));
                    if marked {
                        out.push(Line::plain(format!("{:14}^^ ^^ ^^", "")));
                    }
                }
                out
            }
            Format::MailQuoted => debug_lines(data, origin, from, false)
                .iter()
                .map(|l| shift(l, "> "))
                .collect(),
            Format::Collapsed => debug_lines(data, origin, from, false)
                .iter()
                .map(collapse)
                .collect(),
            Format::Wrapped => debug_lines(data, origin, from, false)
                .iter()
                .enumerate()
                .flat_map(|(k, l)| wrap(&collapse(l), cut + k * 7))
                .collect(),
            Format::Xxd { group, cols, upper } => {
                xxd_lines(&data[from as usize..], group, cols, upper)
            }
            Format::HexdumpC => hexdump_lines(&data[from as usize..]),
        }
    }

    /// The linear address of the first byte as the format writes it.
    pub fn start(format: Format, origin: Origin, from: u64) -> u64 {
        match format {
            Format::Xxd { .. } | Format::HexdumpC => 0,
            _ => origin.linear() + from,
        }
    }
}

use formats::{Format, Line};

fn join(lines: &[Line]) -> String {
    lines.iter().map(|l| format!("{}\n", l.text)).collect()
}

/// A corruption of one character: in the ASCII column (`ascii`) or in the spacing.
#[derive(Clone, Debug)]
enum Corruption {
    Ascii { pick: usize, with: char },
    DeleteSpace(usize),
    DoubleSpace(usize),
    Tab(usize),
}

fn corrupt(lines: &mut [Line], line: usize, c: &Corruption) -> bool {
    let l = &mut lines[line];
    let mut chars: Vec<char> = l.text.chars().collect();
    match *c {
        Corruption::Ascii { pick, with } => {
            if l.ascii.is_empty() {
                return false;
            }
            let i = l.ascii.start + pick % l.ascii.len();
            if chars[i] == with {
                return false;
            }
            chars[i] = with;
        }
        Corruption::DeleteSpace(pick) | Corruption::DoubleSpace(pick) | Corruption::Tab(pick) => {
            if l.spaces.is_empty() {
                return false;
            }
            let i = l.spaces[pick % l.spaces.len()];
            match c {
                Corruption::DeleteSpace(_) => {
                    chars.remove(i);
                }
                Corruption::DoubleSpace(_) => chars.insert(i, ' '),
                _ => chars[i] = '\t',
            }
        }
    }
    l.text = chars.into_iter().collect();
    true
}

/// Whether the text says where the first byte lies. A dump of one short line whose spacing is
/// lost (collapsed, wrapped) does not: `0000:0000 41 42` may start at any column.
fn placeable(f: Format, len: u64, from: u64) -> bool {
    let one_short_line = !from.is_multiple_of(16) && len - from <= 16 - from % 16;
    !(one_short_line && matches!(f, Format::Collapsed | Format::Wrapped))
}

/// Whether the text is one short DEBUG-style line whose spacing is lost: where its first byte
/// lies is a guess (column 0), said.
fn guessed_column(f: Format, len: u64, from: u64) -> bool {
    let n = len - from;
    n < 16 && from % 16 + n <= 16 && matches!(f, Format::Collapsed | Format::Wrapped)
}

fn corruption() -> impl Strategy<Value = Corruption> {
    let with = prop_oneof![
        Just('.'),
        Just(' '),
        Just('>'),
        Just('|'),
        Just('-'),
        Just(':'),
        Just('*'),
        proptest::char::range('0', '9'),
        proptest::char::range('A', 'F'),
        proptest::char::range('a', 'z'),
        proptest::char::range('!', '~'),
    ];
    prop_oneof![
        3 => (any::<usize>(), with).prop_map(|(pick, with)| Corruption::Ascii { pick, with }),
        1 => any::<usize>().prop_map(Corruption::DeleteSpace),
        1 => any::<usize>().prop_map(Corruption::DoubleSpace),
        1 => any::<usize>().prop_map(Corruption::Tab),
    ]
}

fn format() -> impl Strategy<Value = Format> {
    (0..formats::ALL.len()).prop_map(|i| formats::ALL[i])
}

fn aligned_origin() -> impl Strategy<Value = Origin> {
    (0u32..=0xFFFF, 0u16..=0xFFF).prop_map(|(segment, o)| Origin {
        segment,
        offset: o << 4,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, max_global_rejects: 1 << 20, ..ProptestConfig::default() })]

    /// Every format, uncorrupted: exactly the bytes, from the right address, without a warning
    /// (but the guess said of one short line whose spacing is lost).
    #[test]
    fn every_format_round_trips(f in format(), d in data(), o in aligned_origin(), from in 0u64..20, cut in 0usize..40) {
        let d = if d.is_empty() { vec![cut as u8] } else { d };
        let from = from.min(d.len() as u64 - 1);
        let text = join(&formats::render(f, &d, o, from, cut));
        let u = parse::parse(&text);
        // xxd's groups of 4 or more whose columns all read the same either way round could be
        // `xxd -e`'s: read in file order, and said (the bytes are checked below).
        let warnings: Vec<_> = u
            .warnings
            .iter()
            .filter(|w| {
                let either_way = matches!(f, Format::Xxd { group, .. } if group >= 4)
                    && w.kind == parse::WarningKind::ByteOrder;
                let guessed = guessed_column(f, d.len() as u64, from)
                    && w.kind == parse::WarningKind::Column;
                !(either_way || guessed)
            })
            .collect();
        prop_assert!(warnings.is_empty(), "{:?}\n{}\n{:?}", f, text, warnings);
        prop_assert_eq!(u.bytes(), d[from as usize..].to_vec(), "{:?}\n{}", f, text);
        if placeable(f, d.len() as u64, from) {
            prop_assert_eq!(u.blocks[0].start, formats::start(f, o, from), "{:?}\n{}", f, text);
        }
    }

    /// One character corrupted in the ASCII column or in the spacing: every hex byte comes
    /// back, or a warning names exactly the corrupted line.
    #[test]
    fn one_corrupted_character_keeps_every_byte_or_names_the_line(
        f in format(), d in data(), o in aligned_origin(), from in 0u64..20, cut in 0usize..40,
        line in any::<usize>(), c in corruption(),
    ) {
        let d = if d.is_empty() { vec![line as u8] } else { d };
        let from = from.min(d.len() as u64 - 1);
        let mut lines = formats::render(f, &d, o, from, cut);
        // The first line from the one picked on that the corruption applies to.
        let n = lines.len();
        let k = (0..n).map(|j| (line + j) % n).find(|&k| corrupt(&mut lines, k, &c));
        prop_assume!(k.is_some());
        let k = k.unwrap();
        let text = join(&lines);
        let u = parse::parse(&text);
        let exact = u.bytes() == d[from as usize..]
            && (!placeable(f, d.len() as u64, from) || u.blocks[0].start == formats::start(f, o, from));
        let line = k + 1;
        let named = u.warnings.iter().any(|w| (w.line..=w.last).contains(&line));
        prop_assert!(exact || named, "{:?} {:?} at line {}:\n{}\n{:?}\nbytes {:02X?}", f, c, k + 1, text, u.warnings, u.bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// A byte of a full DEBUG line typed over by two characters that are not hex: the bytes
    /// come back exactly where the column shows the byte, and else without that one byte only,
    /// said on its line in both cases.
    #[test]
    fn a_typed_over_byte_costs_at_most_that_byte(
        d in prop::collection::vec(any::<u8>(), 16..160), o in aligned_origin(),
        pick in any::<usize>(), token in "[G-Zg-z?#.!][0-9A-Za-z]|[0-9a-f][G-Zg-z?#.]",
    ) {
        let full = d.len() / 16;
        let idx = pick % (full * 16);
        let text = Printer::new(o).to_string(&d, 0, d.len() as u64);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let line = &mut lines[idx / 16];
        let at = line.find("  ").unwrap() + 2 + 3 * (idx % 16);
        line.replace_range(at..at + 2, &token);
        let t = lines.join("\n") + "\n";
        let u = parse::parse(&t);
        let b = d[idx];
        let mut want = d.clone();
        if !(0x20..0x7F).contains(&b) || b == b'.' {
            want.remove(idx);
        }
        prop_assert_eq!(u.bytes(), want, "{}", t);
        let said: Vec<_> = u.warnings.iter().map(|w| (w.line, w.kind)).collect();
        prop_assert_eq!(said, vec![(idx / 16 + 1, parse::WarningKind::TypedOver)], "{}", t);
    }
}

#[test]
fn a_doubled_blank_anywhere_in_the_hex_area_keeps_every_byte_in_order() {
    // Found by the corruption property test (it failed once on an xxd line): a short last word
    // set off by a doubled blank read as `xxd -e`'s right-aligned one, so the line's words were
    // turned round without a word where their column (all dots) could not tell. xxd -e sets
    // such a word off by two blanks more for each byte it lacks; one blank more is damage.
    // The bytes of these lines, as xxd, hexdump and clanscope print them: a blank doubled at
    // each place between the address and the column.
    let data = [0xD3u8, 0xDA, 0xE1, 0xE8, 0xEF, 0xF6, 0xFD];
    let order = "the ASCII column reads the same whichever way round the bytes of its groups are, and no line of this dump tells: read in the order the hex shows them (xxd -e prints them the other way round)";
    let own = Printer::new(Origin::ZERO).to_string(&data, 0, 7);
    for (text, said) in [
        (
            "00000000: d3da e1e8 eff6 fd                        .......\n",
            None,
        ),
        (
            "00000000: d3 da e1 e8 ef f6 fd                             .......\n",
            None,
        ),
        // Groups of 4 read the same either way round: said as ever, with or without the damage.
        (
            "00000000: d3dae1e8 eff6fd                      .......\n",
            Some(order),
        ),
        (
            "00000000  d3 da e1 e8 ef f6 fd                              |.......|\n00000007\n",
            None,
        ),
        (own.as_str(), None),
    ] {
        let first = text.lines().next().unwrap();
        let column = first.trim_end().rfind("  ").unwrap();
        let blanks: Vec<usize> = (8..column)
            .filter(|&i| first.as_bytes()[i] == b' ')
            .collect();
        assert!(blanks.len() >= 10, "{text}");
        for i in blanks {
            let mut t = text.to_string();
            t.insert(i, ' ');
            let u = parse::parse(&t);
            assert_eq!(u.bytes(), data, "{t}");
            let warnings: Vec<(usize, usize, parse::WarningKind, &str)> = u
                .warnings
                .iter()
                .map(|w| (w.line, w.last, w.kind, w.message.as_str()))
                .collect();
            let want: Vec<_> = said
                .map(|m| (1, 1, parse::WarningKind::ByteOrder, m))
                .into_iter()
                .collect();
            assert_eq!(warnings, want, "{t}");
        }
    }
    // A lone word set off from the colon by a doubled blank, and a later line's short last
    // word set off so, with no column to tell: in the order the hex shows them.
    let u = parse::parse("00000000:  d4dbe2e9                                                                 ....\n");
    assert_eq!(u.bytes(), [0xD4, 0xDB, 0xE2, 0xE9]);
    assert_eq!(u.warnings.len(), 1, "{:?}", u.warnings);
    assert_eq!(
        (u.warnings[0].line, u.warnings[0].kind),
        (1, parse::WarningKind::ByteOrder)
    );
    assert_eq!(u.warnings[0].message, order);
    let t = "00000000: 9696 9696 9696 9696 9696 9696 9696 9696  ................\n00000010: 9696 9696 96e7 eef5 fc03 0a11 188c  8c    ...............\n";
    let u = parse::parse(t);
    let mut want = vec![0x96; 21];
    want.extend([0xE7, 0xEE, 0xF5, 0xFC, 0x03, 0x0A, 0x11, 0x18, 0x8C, 0x8C]);
    assert_eq!(u.bytes(), want);
    assert_eq!(u.warnings, vec![]);
    // xxd -e's own right-aligned short word (two blanks more for each byte it lacks) is still
    // read as it prints it.
    let u = parse::parse("00000000: e8e1dad3   fdf6ef                    .......\n");
    assert_eq!(u.bytes(), data);
}

#[test]
fn the_hex_column_is_the_truth() {
    // The line: one wrong ASCII character cost 15 bytes.
    let t = "0000:0000  41 A1 42 43 44 45 46 47-48 49 4A 4B 4C 4D 4E 4F   A.BCDEFGHIJKLMNX\n";
    let u = parse::parse(t);
    let mut want = vec![0x41, 0xA1];
    want.extend(0x42u8..=0x4F);
    assert_eq!(u.bytes(), want);
    assert_eq!(u.warnings.len(), 1, "{:?}", u.warnings);
    assert_eq!(u.warnings[0].line, 1);
    // A wrapped ASCII piece that starts with `>` is data, not mail quoting; in quoted mail,
    // the quoting of the hex line is taken off its pieces too.
    let want: Vec<u8> = b"ABCDEFGH>IJKLMNO".to_vec();
    for t in [
        "0000:0000 41 42 43 44 45 46 47 48-3E 49 4A 4B 4C 4D 4E 4F ABCDEFGH\n>IJKLMNO\n",
        "> 0000:0000 41 42 43 44 45 46 47 48-3E 49 4A 4B 4C 4D 4E 4F ABCDEFGH\n> >IJKLMNO\n",
    ] {
        let u = parse::parse(t);
        assert_eq!(u.warnings, vec![], "{t}");
        assert_eq!(u.bytes(), want, "{t}");
    }
    // A dump that starts at column 8, its spaces collapsed, keeps its first line.
    let d: Vec<u8> = (0u8..=255).collect();
    let text = Printer::new(Origin::ZERO).to_string(&d, 8, 40);
    let collapsed = common::collapse_blanks(&text);
    let u = parse::parse(&collapsed);
    assert_eq!(u.warnings, vec![], "{collapsed}");
    assert_eq!(u.bytes(), d[8..40].to_vec(), "{collapsed}");
    assert_eq!(u.blocks[0].start, 8);
}

#[test]
fn many_lines_with_one_wrong_ascii_character_lose_no_byte() {
    // 3,000 random lines, one ASCII character wrong in each: every byte kept, every line named.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut text = String::new();
    let mut want = Vec::new();
    for line in 0..3000u64 {
        let bytes: Vec<u8> = (0..16).map(|_| next() as u8).collect();
        let mut shown = Printer::new(Origin::ZERO).to_string(&bytes, 0, 16);
        shown = shown.replacen("0000:0000", &Origin::ZERO.address(line * 16).to_string(), 1);
        let mut chars: Vec<char> = shown.trim_end().chars().collect();
        let k = chars.len() - 16 + (next() % 16) as usize;
        chars[k] = if chars[k] == 'Z' { 'Q' } else { 'Z' };
        text.extend(chars);
        text.push('\n');
        want.extend(bytes);
    }
    let u = parse::parse(&text);
    assert_eq!(u.bytes(), want);
    let lines: Vec<usize> = u.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, (1..=3000).collect::<Vec<_>>());
}

#[test]
fn addresses_that_wrap_or_go_back_start_a_new_block_with_a_warning() {
    let t = "fffffffffffffffe: 4142 4344  ABCD\n00000002: 4546  EF\n";
    let u = parse::parse(t);
    assert_eq!(u.blocks.len(), 2, "{:?}", u.blocks);
    assert_eq!(u.blocks[0].bytes, b"ABCD");
    assert_eq!(u.blocks[1].start, 2);
    // The first line's own bytes run past the top (said on its line), the second starts anew.
    let lines: Vec<usize> = u.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [1, 2], "{:?}", u.warnings);
    assert_eq!(u.warnings[0].message, "address wraps past FFFFFFFFFFFFFFFF: the last 2 of this line's 4 bytes lie beyond it (to 10000000000000001); the hex is kept");
    assert!(u.warnings[1].message.contains("wraps"), "{:?}", u.warnings);
    assert_eq!(u.blocks[0].end_label(), "10000000000000001");
    // Backwards, with and without prose between.
    for t in [
        "0000:0010  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP\n0000:0000  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP\n",
        "0000:0010  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP\nand again:\n0000:0000  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP\n",
    ] {
        let u = parse::parse(t);
        assert_eq!(u.blocks.len(), 2, "{t}");
        let back: Vec<_> = u.warnings.iter().filter(|w| w.message.contains("goes back")).collect();
        assert_eq!(back.len(), 1, "{t}: {:?}", u.warnings);
        assert_eq!(back[0].line, t.lines().count());
    }
}

// ---------------------------------------------------------------------------------------------
// Issue 10, done-when: random keys, mouse and resizes drive the inspector over a file that
// shrinks under it (a real truncation: reads past the new end fault and are caught).

mod inspector {
    use crossterm::event::{
        Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
    };
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    pub enum Step {
        Event(Event),
        /// Truncate the file to this fraction (per mille) of its size now; the inspector is
        /// not told (it finds out when it next checks, as between frames).
        Shrink(u16),
        /// A frame, with the size check the run loop makes before it, or (a truncation between
        /// the check and the drawing) without.
        Draw {
            check: bool,
        },
    }

    fn key() -> impl Strategy<Value = KeyEvent> {
        let code = prop_oneof![
            8 => proptest::char::range(' ', '~').prop_map(KeyCode::Char),
            1 => Just(KeyCode::Enter),
            1 => Just(KeyCode::Esc),
            1 => Just(KeyCode::Backspace),
            1 => Just(KeyCode::Up),
            1 => Just(KeyCode::Down),
            1 => Just(KeyCode::Left),
            1 => Just(KeyCode::Right),
            1 => Just(KeyCode::PageUp),
            1 => Just(KeyCode::PageDown),
            1 => Just(KeyCode::Home),
            1 => Just(KeyCode::End),
            1 => Just(KeyCode::F(3)),
        ];
        let mods = prop_oneof![
            6 => Just(KeyModifiers::NONE),
            1 => Just(KeyModifiers::CONTROL),
            1 => Just(KeyModifiers::SHIFT),
        ];
        (code, mods).prop_map(|(c, m)| KeyEvent::new(c, m))
    }

    fn mouse() -> impl Strategy<Value = MouseEvent> {
        let kind = prop_oneof![
            Just(MouseEventKind::ScrollUp),
            Just(MouseEventKind::ScrollDown),
            Just(MouseEventKind::Down(MouseButton::Left)),
        ];
        (kind, 0u16..300, 0u16..120).prop_map(|(kind, column, row)| MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    }

    pub fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            12 => key().prop_map(|k| Step::Event(Event::Key(k))),
            2 => mouse().prop_map(|m| Step::Event(Event::Mouse(m))),
            2 => (0u16..300, 0u16..120).prop_map(|(w, h)| Step::Event(Event::Resize(w, h))),
            1 => (0u16..1000).prop_map(Step::Shrink),
            3 => any::<bool>().prop_map(|check| Step::Draw { check }),
        ]
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_inspector_survives_random_keys_and_resizes_over_a_shrinking_file(
        steps in prop::collection::vec(inspector::step(), 1..120),
    ) {
        use clanscope::tui::{keys, render, app::{App, ScanMsg}};
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let path = dir.path().join("CLANDATA");
        std::fs::write(&path, clanscope::demo::STORE).unwrap();
        let src = Arc::new(clanscope::source::Source::open(&path).unwrap());
        let mut app = App::with_settings(
            src.clone(),
            clanscope::demo::ORIGIN,
            clanscope::settings::Settings::default(),
            out.path().to_path_buf(),
            None,
        );
        let engine = clanscope::detect::Engine::default();
        app.absorb(ScanMsg::Done(engine.scan(&*src, &path, &clanscope::detect::Control::new())));
        app.absorb(ScanMsg::Hash(clanscope::notes::sha256_all(clanscope::demo::STORE)));
        let (mut w, mut h) = (80u16, 24u16);
        for s in steps {
            match s {
                inspector::Step::Event(ev) => {
                    if let crossterm::event::Event::Resize(a, b) = ev {
                        (w, h) = (a, b);
                    }
                    if let Some(cmd) = keys::command(app.mode(), &ev) {
                        app.update(cmd);
                        app.take_effects();
                    }
                }
                inspector::Step::Shrink(permille) => {
                    let now = std::fs::metadata(&path).unwrap().len();
                    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
                    f.set_len(now * permille as u64 / 1000).unwrap();
                }
                inspector::Step::Draw { check } => {
                    if check {
                        app.recheck_size();
                    }
                    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w.max(1), h.max(1))).unwrap();
                    t.draw(|f| render(&app, f)).unwrap();
                }
            }
            let size = app.view().size();
            prop_assert!(size <= src.len());
            prop_assert!(app.cursor() < size.max(1), "cursor {} size {}", app.cursor(), size);
            if app.quitting() {
                break;
            }
        }
    }
}

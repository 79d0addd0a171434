//! `undump` reads the dumps of the common tools back to their bytes: xxd (with its byte order
//! of `-e`, plain `-p` and C `-i`), `hexdump` (canonical `-C`, and its 16-bit and octal
//! formats), od (octal, decimal or hex addresses; hex, octal bytes and words; its `>...<`
//! column) and hexyl (its three borders, its panel's symbols, colour). The fixtures in
//! tests/data/dumps were written by those tools (tests/data/dumps/README.md); the last test
//! runs the tools installed here on fresh bytes.

mod common;

use clanscope::dump::parse::{self, WarningKind};
use std::collections::BTreeMap;
use std::path::Path;

/// What a tool's dump must say beyond its bytes, by the fixture's format name.
fn expected_warnings(format: &str, lines: usize) -> BTreeMap<WarningKind, usize> {
    let mut w = BTreeMap::new();
    match format {
        // A column to check every line against.
        "xxd" | "xxd-e" | "hexdump-C" | "od-Ax-tx1z" | "od-Ax-tx2z" | "hexyl" | "hexyl-ascii"
        | "hexyl-none" | "hexyl-colour" => {}
        // Bytes with no column: each line says so.
        "od-tx1" | "od-Ad-tx1" | "od-to1" | "hexdump-b" => {
            w.insert(WarningKind::NoAscii, lines);
        }
        // Words with no column: each line says so, and the block says the order is assumed.
        "hexdump" | "hexdump-x" | "hexdump-o" | "od-x" | "od" | "od-tx4" => {
            w.insert(WarningKind::NoAscii, lines);
            w.insert(WarningKind::ByteOrder, 1);
        }
        // No addresses: said once.
        "xxd-p" | "xxd-i" => {
            w.insert(WarningKind::NoAddress, 1);
        }
        other => panic!("no expectation for format {other}"),
    }
    w
}

fn kinds(u: &parse::Undump) -> BTreeMap<WarningKind, usize> {
    let mut m = BTreeMap::new();
    for w in &u.warnings {
        *m.entry(w.kind).or_insert(0) += 1;
    }
    m
}

/// Dump lines with bytes in a text (not `*`, end addresses or hexyl's borders).
fn data_lines(text: &str) -> usize {
    let u = parse::parse(text);
    let ends: usize = u.blocks.len();
    text.lines()
        .filter(|l| {
            let t = l.trim();
            !t.is_empty()
                && t != "*"
                && !t.starts_with('┌')
                && !t.starts_with('└')
                && !t.starts_with("│*")
                && !t.starts_with("|*")
                && !t.starts_with('+')
                && t.split_whitespace().count() > 1
        })
        .count()
        .max(ends)
}

#[test]
fn every_tools_dump_of_the_fixtures_reads_back_to_their_bytes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dumps");
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let Some(rest) = name.strip_suffix(".txt") else {
            continue;
        };
        let (stem, format) = rest.split_once('.').unwrap();
        let want = std::fs::read(dir.join(format!("{stem}.bin"))).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        let u = parse::parse(&text);
        assert_eq!(u.bytes(), want, "{name}: {:?}", u.warnings);
        assert_eq!(u.blocks.len(), 1, "{name}");
        assert_eq!(u.blocks[0].start, 0, "{name}");
        // The byte formats' lines are counted by the lines that hold bytes; the xxd -i header
        // and length lines hold none.
        let lines = if format.starts_with("xxd-") {
            0
        } else {
            data_lines(&text)
        };
        assert_eq!(
            kinds(&u),
            expected_warnings(format, lines),
            "{name}: {:#?}",
            u.warnings
        );
        seen += 1;
    }
    assert_eq!(seen, 84, "fixtures in {}", dir.display());
}

#[test]
fn a_damaged_hexyl_panel_or_od_column_is_still_said() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dumps/words.hexyl.txt"),
    )
    .unwrap();
    // "Exportin" in the first line's right panel becomes "Exportim".
    let bad = text.replacen("Exportin", "Exportim", 1);
    let u = parse::parse(&bad);
    assert_eq!(
        u.bytes(),
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dumps/words.bin"))
            .unwrap()
    );
    assert_eq!(u.warnings.len(), 1, "{:?}", u.warnings);
    assert_eq!(u.warnings[0].kind, WarningKind::AsciiMismatch);
    assert_eq!(u.warnings[0].line, 2);
    // The message shows what the panel holds.
    assert!(
        u.warnings[0].message.contains("found '|AB...Z..Exportim|'"),
        "{}",
        u.warnings[0].message
    );
    let od = "000000 41 42 43 44  >ABCE<\n000004\n";
    let u = parse::parse(od);
    assert_eq!(u.bytes(), b"ABCD");
    assert_eq!(
        u.warnings[0].kind,
        WarningKind::AsciiMismatch,
        "{:?}",
        u.warnings
    );
}

#[test]
fn words_take_the_order_their_column_spells() {
    // od on a big-endian machine: the words read in file order, as the column shows.
    let be = "0000000 4142 4344 4546 4748  >ABCDEFGH<\n0000010\n";
    let u = parse::parse(be);
    assert_eq!(u.bytes(), b"ABCDEFGH");
    assert_eq!(u.warnings, vec![]);
    // xxd -e: little-endian words after a colon. A line whose column reads the same both ways
    // (all dots) follows the order the line after it shows.
    let e = "00000000: 03020100 07060504  ........\n00000008: 44434241 48474645  ABCDEFGH\n";
    let u = parse::parse(e);
    let mut want: Vec<u8> = (0..8).collect();
    want.extend_from_slice(b"ABCDEFGH");
    assert_eq!(u.bytes(), want);
    assert_eq!(u.warnings, vec![]);
}

#[test]
fn addresses_in_octal_or_decimal_are_read_by_their_step() {
    let octal = "0000000 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50\n0000020 51 52\n0000022\n";
    let decimal =
        "0000000 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50\n0000016 51 52\n0000018\n";
    for t in [octal, decimal] {
        let u = parse::parse(t);
        assert_eq!(u.bytes(), b"ABCDEFGHIJKLMNOPQR", "{t}");
        assert_eq!(u.blocks.len(), 1, "{t}: {:?}", u.warnings);
        assert_eq!(kinds(&u).get(&WarningKind::Gap), None, "{t}");
    }
}

#[test]
fn addresses_a_squeezed_run_leaves_ambiguous_are_said() {
    // Sixteen zero bytes squeezed, then two: 0000040 is 64 in octal (od) and 64 in hex
    // (hexdump), so only the warning tells the reader the run's length is a choice.
    let t = "0000000 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n*\n0000100 41 42\n0000102\n";
    let u = parse::parse(t);
    let radix: Vec<_> = u
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Radix)
        .collect();
    assert_eq!(radix.len(), 1, "{:?}", u.warnings);
    assert!(
        radix[0].message.contains("read as octal"),
        "{}",
        radix[0].message
    );
    // Read as octal: 64 zero bytes, then AB.
    let mut want = vec![0u8; 64];
    want.extend_from_slice(b"AB");
    assert_eq!(u.bytes(), want);
}

#[test]
fn colour_dumps_read_as_the_same_dump_without_colour() {
    let data: Vec<u8> = (0u8..=255).collect();
    let p = clanscope::dump::Printer::new(clanscope::address::Origin::parse("0AFA:0100").unwrap())
        .color(true);
    let text = p.to_string(&data, 0, 256);
    assert!(text.contains('\x1B'), "the dump is in colour");
    let u = parse::parse(&text);
    assert_eq!(u.bytes(), data);
    assert_eq!(u.warnings, vec![]);
}

#[test]
fn plain_hex_is_not_taken_from_a_short_word_in_prose() {
    let u = parse::parse("deadbeef\nThe key is 0123456789abcdef.\n");
    assert!(u.blocks.is_empty(), "{:?}", u.blocks);
}

/// Fresh bytes (runs of zeros to squeeze, text, random bytes), dumped by every tool installed
/// here and read back.
#[test]
fn the_tools_installed_here_round_trip_fresh_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = vec![0u8; 700];
    data.extend_from_slice(
        b"\r\n\r\nExporting messages in mailbox \"kwong\" to file EXPORT\\MSG4A27.CCM\r\n",
    );
    let mut x: u32 = 0x1998_0716;
    for _ in 0..2001 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data.push(x as u8);
    }
    let f = dir.path().join("data.bin");
    std::fs::write(&f, &data).unwrap();
    let runs: &[(&str, &[&str])] = &[
        ("xxd", &[]),
        ("xxd", &["-e"]),
        ("xxd", &["-p"]),
        ("xxd", &["-i"]),
        ("xxd", &["-g", "4"]),
        ("hexdump", &["-C"]),
        ("hexdump", &[]),
        ("hexdump", &["-x"]),
        ("hexdump", &["-o"]),
        ("hexdump", &["-b"]),
        ("od", &[]),
        ("od", &["-A", "x", "-t", "x1z"]),
        ("od", &["-t", "x1"]),
        ("od", &["-A", "d", "-t", "x1"]),
        ("od", &["-x"]),
        ("od", &["-t", "o1"]),
        ("od", &["-t", "x4"]),
        ("od", &["-A", "x", "-t", "x2z"]),
        ("od", &["-A", "n", "-v", "-t", "x1"]),
        ("od", &["-A", "d", "-t", "x8"]),
        ("xxd", &["-d"]),
        ("hexdump", &["-v", "-e", "16/1 \"%02x \" \"\\n\""]),
        ("hexyl", &["--color=never"]),
        ("hexyl", &["--color=always"]),
        ("hexyl", &["--color=never", "--border", "ascii"]),
        ("hexyl", &["--color=never", "--border", "none"]),
    ];
    let mut missing = std::collections::BTreeSet::new();
    for (tool, args) in runs {
        if !common::have(tool) {
            missing.insert(*tool);
            continue;
        }
        let o = std::process::Command::new(tool)
            .args(*args)
            .arg(&f)
            .output()
            .unwrap();
        assert!(o.status.success(), "{tool} {args:?}");
        let text = String::from_utf8(o.stdout).unwrap();
        let u = parse::parse(&text);
        assert_eq!(u.bytes(), data, "{tool} {args:?}: {:?}", u.warnings);
        let bad: Vec<_> = u
            .warnings
            .iter()
            .filter(|w| {
                !matches!(
                    w.kind,
                    WarningKind::NoAscii | WarningKind::ByteOrder | WarningKind::NoAddress
                )
            })
            .collect();
        assert!(bad.is_empty(), "{tool} {args:?}: {bad:?}");
    }
    for tool in missing {
        common::skip(
            "the_tools_installed_here_round_trip_fresh_bytes",
            &format!("{tool} is not installed here (its fixtures are still read)"),
        );
    }
}

/// The cases a hostile review found (stop 23), each with the text the tool printed.
#[test]
fn dumps_that_once_came_back_wrong_come_back_right_or_said() {
    let read = |t: &str| parse::parse(t);
    // Plain xxd whose last column starts with hex-looking characters: not turned into -e.
    let u = read("00000000: 6465 6164 6265 6566 2063 6166 6520 3030  deadbeef cafe 00\n00000010: 3131 2032                                11 2\n");
    assert_eq!(u.bytes(), b"deadbeef cafe 0011 2");
    assert_eq!(u.warnings, vec![]);
    // xxd -e of 4 unprintable bytes: the column reads the same either way round, so it is said.
    let u = read("00000000: 04030201                             ....\n");
    assert_eq!(
        kinds(&u).get(&WarningKind::ByteOrder),
        Some(&1),
        "{:?}",
        u.warnings
    );
    // od -A d with a column: 13 bytes, the end address decimal.
    let u = read("0000000 6c6c6548 57202c6f 646c726f 00000021  >Hello, World!<\n0000013\n");
    assert_eq!(u.bytes(), b"Hello, World!");
    assert_eq!(u.warnings, vec![]);
    // od -A d -t x8 of 10 bytes: the padding of the last word is not data.
    let u = read("0000000 6c63202320656d61 0000000000007073\n0000010\n");
    assert_eq!(u.bytes(), b"ame # clsp", "{:?}", u.warnings);
    // xxd -d: decimal offsets after a colon.
    let u = read("00000000: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP\n00000016: 5152                                     QR\n");
    assert_eq!(u.bytes(), b"ABCDEFGHIJKLMNOPQR");
    assert_eq!(u.warnings, vec![]);
    // A byte-order mark before the first line, and no-break spaces from a web page.
    let u = read("\u{feff}00000000: 4142 4344  ABCD\n00000004:\u{a0}4546  EF\n");
    assert_eq!(u.bytes(), b"ABCDEF");
    assert_eq!(u.warnings, vec![]);
    // od -A n: its first word is data, not an address: not read, and said.
    let u = read(" 6c6c6548 57202c6f 646c726f 00000021 6c6c6548 57202c6f\n");
    assert!(u.blocks.is_empty(), "{:?}", u.blocks);
    // Hex glued to a squeeze mark (hexdump -e '/1 "%02X"'): said, not dropped silently.
    let u = read("00112233445566778899AABBCCDDEEFF*\n");
    assert_eq!(
        kinds(&u).get(&WarningKind::NotRead),
        Some(&1),
        "{:?}",
        u.warnings
    );
    // A column that only starts with a bar (HxD, Format-Hex): read as it stands.
    let u = read("00000000  7C 41 42 43                                      |ABC\n");
    assert_eq!(u.bytes(), b"|ABC");
    assert_eq!(u.warnings, vec![]);
}

#[test]
fn hexyl_with_its_blanks_collapsed_reads_back() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dumps");
    for stem in ["words", "odd", "squeezed"] {
        let text = std::fs::read_to_string(dir.join(format!("{stem}.hexyl.txt"))).unwrap();
        let squeezed = common::collapse_blanks(&text);
        let u = parse::parse(&squeezed);
        assert_eq!(
            u.bytes(),
            std::fs::read(dir.join(format!("{stem}.bin"))).unwrap(),
            "{stem}: {:?}",
            u.warnings
        );
        assert_eq!(u.warnings, vec![], "{stem}");
    }
}

/// The layouts of packet tools and Windows (written here from their documented form): Wireshark's
/// "Copy as Hex Dump", certutil -encodehex, tcpdump -X, and Python's `bytes.hex(' ')`.
#[test]
fn packet_and_windows_layouts_read_back() {
    let d: Vec<u8> = b"E\x00\x00<\x1cF@\x00@\x06\xb1\xe6\xac\x10\nc\xac\x10\n\x0c\x00P".to_vec();
    let shown = |c: &[u8]| -> String {
        c.iter()
            .map(|&x| {
                if (32..127).contains(&x) {
                    x as char
                } else {
                    '.'
                }
            })
            .collect()
    };
    let (mut ws, mut cu, mut td) = (String::new(), String::new(), String::new());
    for (k, c) in d.chunks(16).enumerate() {
        let hex: Vec<String> = c.iter().map(|b| format!("{b:02x}")).collect();
        ws += &format!("{:04x}   {:<47}   {}\n", k * 16, hex.join(" "), shown(c));
        let (a, b) = hex.split_at(hex.len().min(8));
        cu += &format!(
            "{:04x}\t{:<23}  {:<23}   {}\n",
            k * 16,
            a.join(" "),
            b.join(" "),
            shown(c)
        );
        let words: Vec<String> = c
            .chunks(2)
            .map(|w| w.iter().map(|b| format!("{b:02x}")).collect())
            .collect();
        td += &format!(
            "\t0x{:04x}:  {:<39}  {}\n",
            k * 16,
            words.join(" "),
            shown(c)
        );
    }
    for (name, text) in [("wireshark", &ws), ("certutil", &cu), ("tcpdump -X", &td)] {
        let u = parse::parse(text);
        assert_eq!(u.bytes(), d, "{name}:\n{text}");
        assert_eq!(u.warnings, vec![], "{name}:\n{text}");
    }
    // od -A n squeezes repeated lines with no address to say how many: said, not guessed.
    let squeezed = "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n*\n41 42 43 44 45 46 47 48\n";
    let u = parse::parse(squeezed);
    assert_eq!(u.blocks.len(), 2);
    assert_eq!(
        kinds(&u).get(&WarningKind::Squeeze),
        Some(&1),
        "{:?}",
        u.warnings
    );
    let py: Vec<String> = d.iter().map(|b| format!("{b:02x}")).collect();
    let u = parse::parse(&(py.join(" ") + "\n"));
    assert_eq!(u.bytes(), d);
    assert_eq!(kinds(&u), BTreeMap::from([(WarningKind::NoAddress, 1)]));
}

/// The cases a second hostile review found (stop 23).
#[test]
fn damaged_lines_short_words_and_lone_words_are_right_or_said() {
    let read = |t: &str| parse::parse(t);
    // A line whose address was damaged (OCR: O for 0) is prose now; the gap it leaves between
    // two dump lines is said, with the line.
    let t = "00000000: 5468 6520 7175 6963 6b20 6272 6f77 6e20  The quick brown \nOOOOOO10: 666f 7820 6a75 6d70 7320 6f76 6572 2074  fox jumps over t\n00000020: 6865 206c 617a 7920 646f 672e 2030 3132  he lazy dog. 012\n";
    let u = read(t);
    let gap: Vec<_> = u
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Gap)
        .collect();
    assert_eq!(gap.len(), 1, "{:?}", u.warnings);
    assert!(
        gap[0].message.contains("after line(s) 2-2"),
        "{}",
        gap[0].message
    );
    // xxd -e's short last word is right-aligned: the sign of its order where the column is
    // no help ("A " and " A" read alike with blanks left out).
    let u = read("00000000:     2041                             A \n");
    assert_eq!(u.bytes(), b"A ");
    let u = read("00000000: e9c7 d79c 7f9d   d9                 .......\n");
    assert_eq!(u.bytes(), b"\xc7\xe9\x9c\xd7\x9d\x7f\xd9");
    // od -A d with a column that shows every byte: no padded word, and the end address decimal.
    let u = read("0000000 6c6c6548 57202c6f 646c726f  >Hello, World<\n0000012\n");
    assert_eq!(u.bytes(), b"Hello, World");
    assert_eq!(u.warnings, vec![]);
    // A lone word whose second byte is a blank: both bytes (a blank matches no column).
    let u = read("0000000 2044\n0000002\n");
    assert_eq!(u.bytes(), b"D ");
}

#[test]
fn a_debug_line_that_lost_a_blank_between_two_bytes_keeps_their_order() {
    // Found by the corruption property test: "81 88" with its blank lost, on a short last
    // line of a DEBUG-style dump, must not be read as a little-endian word.
    let t = "0000:0080  70 77 7E 85 8C 93 9A A1-A8 AF B6 BD C4 CB D2 7A   pw~............z\n0000:0090  8188                                             ..\n";
    let u = parse::parse(t);
    assert_eq!(&u.bytes()[16..], &[0x81, 0x88]);
}

#[test]
fn the_first_lines_reading_of_the_word_order_holds_for_its_block() {
    // Found by the corruption property test: the first line's column shows xxd's plain order
    // (`.$+2` is 1D 24 2B 32, not 24 1D 32 2B); a later line whose short last word a doubled
    // blank sets off (as `xxd -e` right-aligns one) must keep that order, not be turned.
    let t = "00000000: 1d24 2b32 3940 474e 555c 636a 7178 7f86  .$+29@GNU\\cjqx..\n00000010: 8d94 9ba2 a9b0  b7                        .......\n";
    let u = parse::parse(t);
    assert_eq!(
        &u.bytes()[16..],
        &[0x8D, 0x94, 0x9B, 0xA2, 0xA9, 0xB0, 0xB7]
    );
    assert_eq!(u.warnings, vec![]);
    // Found by it too: a `hexdump -C` line that lost the blank between two bytes reads as a
    // word whose column reads the same either way: read as od prints words, and said.
    let t = "000002d0  1a 21 28 2f 36 3d 44 4b  52 59 60 67 6e 75 7c 83  |.!(/6=DKRY`gnu|.|\n000002e0  8a91                                             |..|\n000002e2\n";
    let u = parse::parse(t);
    assert_eq!(u.warnings.len(), 1, "{:?}", u.warnings);
    assert_eq!(u.warnings[0].kind, WarningKind::ByteOrder);
    assert_eq!((u.warnings[0].line, u.warnings[0].last), (2, 2));
}

#[test]
fn an_xxd_e_column_of_hex_digits_is_a_column_not_more_bytes() {
    // Found by a hostile review: `xxd -e` of text made of hex digits has a column that reads
    // as one more group of hex (`0123456789`); it was taken for 5 more bytes, the words left
    // unturned, with only "no ASCII column" said. Each text below is what xxd -e printed.
    for (t, want) in [
        (
            "00000000: 33323130 37363534     3938           0123456789\n",
            &b"0123456789"[..],
        ),
        (
            "00000000: 33323130 37363534 62613938 66656463  0123456789abcdef\n00000010: 44434241                             ABCD\n",
            b"0123456789abcdefABCD",
        ),
        (
            "00000000: 62616463 62616463 62616463 62616463  cdabcdabcdabcdab\n",
            b"cdabcdabcdabcdab",
        ),
        (
            "00000000: 3130 3332 3534 3736 3938                 0123456789\n",
            b"0123456789",
        ),
    ] {
        let u = parse::parse(t);
        assert_eq!(u.bytes(), want, "{t}");
        assert_eq!(u.warnings, vec![], "{t}");
    }
}

#[test]
fn an_od_end_address_that_starts_as_the_bytes_spell_is_not_their_column() {
    // Found by a hostile review: od's end address `0000012` after words whose bytes spell
    // `0123456789` matched the first character of the column those bytes would have, so the
    // line read as one with a damaged column and its padded last word was kept (12 bytes).
    for t in [
        "0000000 33323130 37363534 00003938\n0000012\n",
        "000000 33323130 37363534 00003938\n00000a\n",
    ] {
        let u = parse::parse(t);
        assert_eq!(u.bytes(), b"0123456789", "{t}");
        assert!(
            u.warnings
                .iter()
                .all(|w| matches!(w.kind, WarningKind::NoAscii | WarningKind::ByteOrder)),
            "{:?}",
            u.warnings
        );
    }
}

/// `xxd -e`'s layout, written here (byte-exact to xxd 2022's `-e`, checked against the xxd
/// installed, when there is one): the address and a colon, little-endian words of 4 bytes as 8
/// hex digits one blank apart (a short last word right-aligned in its 8 columns) padded to 35
/// columns, two blanks, the column in file order.
fn xxd_e(data: &[u8]) -> String {
    let mut out = String::new();
    for (k, line) in data.chunks(16).enumerate() {
        let words: Vec<String> = line
            .chunks(4)
            .map(|w| {
                let digits: String = w.iter().rev().map(|b| format!("{b:02x}")).collect();
                format!("{digits:>8}")
            })
            .collect();
        let column: String = line
            .iter()
            .map(|&b| match b {
                0x20..=0x7E => b as char,
                _ => '.',
            })
            .collect();
        out += &format!("{:08x}: {:<35}  {column}\n", k * 16, words.join(" "));
    }
    out
}

/// English-like text full of words that look like hex (`be`, `cafe`, `1998`, `ff`), of every
/// length, so that short last lines of 1 to 15 bytes come: a deterministic sequence.
fn hexy_texts(n: usize) -> Vec<Vec<u8>> {
    const WORDS: &[&str] = &[
        "be", "cafe", "dead", "beef", "1998", "ff", "face", "0a", "00", "add", "bad", "bed", "ace",
        "fade", "deadbeef", "c0ffee", "f00d", "2", "9", "a", "e", "the", "of", "and", "it", "is",
        "coffee", "fed", "abba", "decade", "12", "3f", "C0DE", "BEEF", "DB", "0BAD", "2024",
        "data", "hello", "world", "at", "was", ".", ",", "\n", "\t",
    ];
    let mut x: u64 = 0x1998_0716_cafe_f00d;
    let mut next = move || {
        // splitmix64
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    (0..n)
        .map(|k| {
            let len = 1 + k % 64 + (next() % 3) as usize * 16;
            let mut t = Vec::new();
            while t.len() < len {
                t.extend_from_slice(WORDS[(next() % WORDS.len() as u64) as usize].as_bytes());
                let blanks = [1, 1, 1, 2, 5, 0][(next() % 6) as usize];
                t.extend(std::iter::repeat_n(b' ', blanks));
            }
            t.truncate(len);
            t
        })
        .collect()
}

#[test]
fn xxd_e_of_text_whose_words_look_like_hex_reads_back_exactly() {
    // Found by a hostile review: a column holding hex-looking words was read as more groups
    // (38 bytes for 32, line 1 not turned round), and a short last word whose column reads
    // alike either way (" ff" for "ff ") was read in file order, without a warning.
    let texts = hexy_texts(1000);
    for (k, data) in texts.iter().enumerate() {
        let text = xxd_e(data);
        if k < 40 && common::have("xxd") {
            let f = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(f.path(), data).unwrap();
            let o = std::process::Command::new("xxd")
                .arg("-e")
                .arg(f.path())
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(o.stdout).unwrap(), text, "xxd -e layout");
        }
        let u = parse::parse(&text);
        assert_eq!(
            u.bytes(),
            *data,
            "{text}{:?}\n{}",
            u.warnings,
            String::from_utf8_lossy(&u.bytes())
        );
        assert_eq!(u.warnings, vec![], "{text}");
    }
    for (text, want) in [
        ("00000000: 63206562 20656661 31206562 20383939  be cafe be 1998 \n00000010: 20322032 66656562 20656220 65636166  2 2 beef be face\n", &b"be cafe be 1998 2 2 beef be face"[..]),
        ("00000000:   206666                             ff \n", b"ff "),
        ("00000000: 46204244 43414243 45414146 41423020  DB FCBACFAAE 0BA\n00000010:   204444                             DD \n", b"DB FCBACFAAE 0BADD "),
        ("00000000: 30206130 20303030 20206161 30202020  0a 0000 aa     0\n00000010:       61                             a\n", b"0a 0000 aa     0a"),
    ] {
        let u = parse::parse(text);
        assert_eq!(u.bytes(), want, "{text}");
        assert_eq!(u.warnings, vec![], "{text}");
    }
}

/// xxd's layout of `data` (16 bytes a line in groups of two, its column).
fn xxd(data: &[u8]) -> String {
    let mut out = String::new();
    for (i, line) in data.chunks(16).enumerate() {
        let hex: Vec<String> = line
            .chunks(2)
            .map(|g| g.iter().map(|b| format!("{b:02x}")).collect())
            .collect();
        let col: String = line
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        out += &format!("{:08x}: {:<39}  {col}\n", i * 16, hex.join(" "));
    }
    out
}

/// Review 59: a dump line whose address was typed over (`XXXX:0020`, `xxe929`) is said
/// with its line however many such lines come in a row, and as the first or the last line
/// of the dump, where no gap between two dump lines tells of it; `--strict` refuses each.
/// Before, three in a row, or one at either end, were left out without a word.
#[test]
fn review_59_dump_lines_with_a_damaged_address_are_said_wherever_they_are() {
    let data: Vec<u8> = common::noise(160, 59)
        .into_iter()
        .map(|b| if b == b'\n' || b == b'\r' { b'.' } else { b })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.bin");
    std::fs::write(&file, &data).unwrap();
    let out = common::bin().arg("dump").arg(&file).assert().success();
    let debug = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines = |t: &str| t.lines().map(str::to_string).collect::<Vec<_>>();
    let damage = |text: &str, which: &[usize], how: &dyn Fn(&str) -> String| {
        let mut l = lines(text);
        for &i in which {
            l[i] = how(&l[i]);
        }
        l.join("\n") + "\n"
    };
    let debug_x = |l: &str| format!("XXXX{}", &l[4..]);
    let xxd_x = |l: &str| format!("xx{}", &l[10..]);
    let dumps = [
        (debug.clone(), &debug_x as &dyn Fn(&str) -> String),
        (xxd(&data), &xxd_x),
    ];
    for (text, how) in dumps {
        assert_eq!(parse::parse(&text).bytes(), data, "{text}");
        let n = lines(&text).len();
        for which in [vec![2, 3, 4], vec![0], vec![n - 1]] {
            let t = damage(&text, &which, how);
            let u = parse::parse(&t);
            let said: Vec<usize> = u
                .warnings
                .iter()
                .filter(|w| w.kind == WarningKind::NotRead)
                .map(|w| w.line)
                .collect();
            let want: Vec<usize> = which.iter().map(|i| i + 1).collect();
            assert_eq!(said, want, "{t}\n{:?}", u.warnings);
            assert_eq!(u.bytes().len(), data.len() - 16 * which.len(), "{t}");
            let f = dir.path().join(format!("d{}-{}.txt", which[0], t.len()));
            std::fs::write(&f, &t).unwrap();
            let r = common::bin()
                .args(["undump", "--strict"])
                .arg(&f)
                .assert()
                .code(2);
            let err = String::from_utf8(r.get_output().stderr.clone()).unwrap();
            assert!(
                err.contains("looks like a dump line but could not be read"),
                "{err}"
            );
        }
    }
}

/// Review 59: a byte lost from the hex of a line whose column looks like hex (`xxd` of
/// `8899aabbccddeeff`) is said as a column that does not match, and the column's characters
/// are not read as eight more bytes; a byte typed into a DEBUG line (17 on a line) is kept,
/// where it was read as the start of the column while the warning said the hex was kept.
#[test]
fn review_59_a_byte_lost_or_typed_in_is_said_and_no_byte_is_invented_or_dropped() {
    let text = b"0123456789abcdefdeadbeefcafebabe00112233445566778899aabbccddeeff";
    let dump = xxd(text);
    assert_eq!(parse::parse(&dump).bytes(), text);
    // The last line loses its last byte (`66`).
    let lost = dump.replace(" 6565 6666  ", " 6565 66  ");
    assert_ne!(lost, dump);
    let u = parse::parse(&lost);
    assert_eq!(u.bytes(), &text[..63]);
    let w: Vec<_> = u.warnings.iter().map(|w| (w.line, w.kind)).collect();
    assert_eq!(w, vec![(4, WarningKind::AsciiMismatch)], "{:?}", u.warnings);
    assert!(
        u.warnings[0]
            .message
            .contains("expected '8899aabbccddeef', found '8899aabbccddeeff'"),
        "{}",
        u.warnings[0].message
    );
    // The second line loses its third byte: 15 bytes there, then a gap of 1 before line 3.
    let lost = dump.replace("00000010: 6465 6164 ", "00000010: 6465 61 ");
    let u = parse::parse(&lost);
    let want = [&text[..19], &text[20..]].concat();
    assert_eq!(u.bytes(), want);
    let w: Vec<_> = u.warnings.iter().map(|w| (w.line, w.kind)).collect();
    assert_eq!(
        w,
        vec![(2, WarningKind::AsciiMismatch), (3, WarningKind::Gap)],
        "{:?}",
        u.warnings
    );
    // DEBUG: a byte typed into the second line's hex is kept (17 bytes there) and said on
    // that line (review 62: it was said only through the next line's address, one byte back,
    // and not at all on a last line).
    let debug = "0000:0000  48 65 6C 6C 6F 2C 20 77-6F 72 6C 64 21 20 54 68   Hello, world! Th\n0000:0010  69 73 20 20 69 73 20 61 20-74 65 73 74 20 6F 66 20   is is a test of \n0000:0020  75 6E 64 75 6D 70 20 70-61 72 73 69 6E 67 20 30   undump parsing 0\n";
    let u = parse::parse(debug);
    assert_eq!(
        u.bytes(),
        b"Hello, world! This  is a test of undump parsing 0".to_vec()
    );
    let w: Vec<_> = u.warnings.iter().map(|w| (w.line, w.kind)).collect();
    assert_eq!(
        w,
        vec![(2, WarningKind::Overlong), (3, WarningKind::Back)],
        "{:?}",
        u.warnings
    );
    assert_eq!(u.warnings[0].message, "17 bytes on one line, where DEBUG prints at most 16 from this line's first column (a byte typed in?): all kept as they stand");
    // On the last line, it is said all the same.
    let last = &debug[..debug.find("\n0000:0020").unwrap() + 1];
    let u = parse::parse(last);
    assert_eq!(u.bytes(), b"Hello, world! This  is a test of ".to_vec());
    let w: Vec<_> = u.warnings.iter().map(|w| (w.line, w.kind)).collect();
    assert_eq!(w, vec![(2, WarningKind::Overlong)], "{:?}", u.warnings);
}

/// Review 62 (first-run report of review 60's helper): a dump whose lines end with CR alone
/// (`tr '\n' '\r'`, old Mac text) kept its first 16 bytes and said "the hex is kept"; a 17th
/// byte typed after a DEBUG line's 16th was dropped under the same words.
#[test]
fn review_62_lines_ended_by_cr_alone_read_back_and_a_byte_past_the_sixteenth_is_said() {
    let data: Vec<u8> = (0..100u32).map(|i| (i * 37 % 256) as u8).collect();
    let dump = clanscope::dump::Printer::new(clanscope::address::Origin::default()).to_string(
        &data,
        0,
        data.len() as u64,
    );
    assert!(dump.starts_with("0000:0000  00 25 4A 6F"), "{dump}");
    for end in ["\r", "\r\n", "\n"] {
        let u = parse::parse(&dump.replace('\n', end));
        assert_eq!(u.bytes(), data, "{end:?}: {:?}", u.warnings);
        assert!(u.warnings.is_empty(), "{end:?}: {:?}", u.warnings);
    }
    let line = "0000:0000  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50 51   ABCDEFGHIJKLMNOP\n";
    let u = parse::parse(line);
    assert_eq!(u.bytes(), b"ABCDEFGHIJKLMNOP");
    assert_eq!(u.warnings.len(), 1, "{:?}", u.warnings);
    assert_eq!(
        u.warnings[0].message,
        "ASCII column does not match the hex: expected 'ABCDEFGHIJKLMNOP', found '51   ABCDEFGHIJKLMNOP'; the line's 16 bytes are kept; the 1 group(s) of hex after them are not read as bytes (read as the start of the column): 1 byte not kept"
    );
    let u = parse::parse(&line[..line.len() - 20]);
    assert_eq!(u.bytes(), b"ABCDEFGHIJKLMNOP");
    assert!(
        u.warnings[0].message.ends_with("the 1 group(s) of hex after them are not read as bytes (read as the start of the column): 1 byte not kept"),
        "{:?}",
        u.warnings
    );
}

/// Review 62 D1: a character glued to a byte of a first DEBUG line (`43x`; a zero-width space
/// copied from a web page did the same until review 67, and now reads as a blank) cut its
/// reading short: its first 2 bytes were placed at 010E, as a short line aligned with the next,
/// and the warning said 1 byte was not kept where 14 were.
#[test]
fn review_62_a_character_glued_to_a_byte_costs_the_bytes_it_says_at_their_address() {
    let zw = "0AFA:0100  41 42 43\u{200B} 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP\r\n0AFA:0110  51 52 53 54 55 56 57 58-59 5A 61 62 63 64 65 66   QRSTUVWXYZabcdef\r\n";
    let u = parse::parse(zw);
    assert_eq!(u.bytes(), b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef");
    assert!(u.warnings.is_empty(), "{:?}", u.warnings);
    {
        let glued = "x";
        let text = format!("0AFA:0100  41 42 43{glued} 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP\r\n0AFA:0110  51 52 53 54 55 56 57 58-59 5A 61 62 63 64 65 66   QRSTUVWXYZabcdef\r\n");
        let u = parse::parse(&text);
        let blocks: Vec<_> = u
            .blocks
            .iter()
            .map(|b| (b.start, b.bytes.clone()))
            .collect();
        assert_eq!(
            blocks,
            vec![
                (0xAFA0 + 0x100, b"AB".to_vec()),
                (0xAFA0 + 0x110, b"QRSTUVWXYZabcdef".to_vec())
            ],
            "{glued:?}"
        );
        let w: Vec<_> = u.warnings.iter().map(|w| (w.line, w.kind)).collect();
        assert_eq!(
            w,
            vec![(1, WarningKind::AsciiMismatch), (2, WarningKind::Gap)],
            "{:?}",
            u.warnings
        );
        assert!(u.warnings[0].message.ends_with("the line's 2 bytes are kept; the 14 group(s) of hex after them are not read as bytes (read as the start of the column): 14 bytes not kept"), "{}", u.warnings[0].message);
        assert!(u.warnings[1].message.starts_with("gap of 14 bytes"));
    }
    // A byte missing: the column, three blanks after 15 bytes, is no group left unread.
    let u = parse::parse(
        "0AFA:0100  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F   ABCDEFGHIJKLMNOP\n",
    );
    assert_eq!(u.bytes(), b"ABCDEFGHIJKLMNO");
    assert!(
        u.warnings[0].message.ends_with("; the hex is kept"),
        "{}",
        u.warnings[0].message
    );
}

/// Review 62 (D5): a byte typed over in an `od` or `xxd` line (`6g`) ends the line's hex there;
/// the rest of its hex was read as its column and the warning said "the hex is kept", though
/// those bytes were not. It now counts them, as the next line's gap does.
#[test]
fn review_62_a_byte_typed_over_in_an_od_or_xxd_line_counts_what_it_costs() {
    let od = "000000 48 65 6c 6g 6f 2c 20 77 6f 72 6c 64 21 20 54 68  >Hello, world! Th<\n000010 69 73 20 69 73 20 61 20 74 65 73 74 20 6f 66 20  >is is a test of <\n000020\n";
    let u = parse::parse(od);
    assert_eq!(u.bytes(), b"Helis is a test of ".to_vec());
    let w: Vec<_> = u.warnings.iter().map(|w| (w.line, w.kind)).collect();
    assert_eq!(
        w,
        vec![(1, WarningKind::AsciiMismatch), (2, WarningKind::Gap)],
        "{:?}",
        u.warnings
    );
    assert!(
        u.warnings[0].message.ends_with("; the line's 3 bytes are kept; the 13 group(s) of hex after them are not read as bytes (read as the start of the column): 13 bytes not kept"),
        "{}",
        u.warnings[0].message
    );
    assert!(u.warnings[1].message.starts_with("gap of 13 bytes"));
    let xxd = "00000000: 4865 6c6g 6f2c 2077  Hello, w\n00000008: 6f72 6c64 2120 5468  orld! Th\n";
    let u = parse::parse(xxd);
    assert_eq!(u.bytes(), b"Heorld! Th".to_vec());
    assert!(
        u.warnings[0].message.ends_with("; the line's 2 bytes are kept; the 3 group(s) of hex after them are not read as bytes (read as the start of the column): 6 bytes not kept"),
        "{}",
        u.warnings[0].message
    );
    assert!(u.warnings[1].message.starts_with("gap of 6 bytes"));
}

/// Review 67: a zero-width space or a NEL between two bytes of a DEBUG line cost 13 bytes and
/// the warning said 11 (the two bytes it stands between were counted as none), and a colour
/// escape in the column was quoted as if it were not there. A zero-width character reads as a
/// blank, as a no-break space does (web pages and editors put both between words); a NEL, a
/// control, still costs the rest of the line, and the count is what is lost. The quote says
/// escapes were taken out.
#[test]
fn review_67_warnings_count_bytes_beside_invisible_characters_and_say_escapes_taken_out() {
    for glue in [
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{A0}",
    ] {
        let text = format!("0AFA:3F20  78 20 22 72{glue}61 6E 64 79-79 65 68 5F 65 65 22 20   x \"randyyeh_ee\" \n");
        let u = parse::parse(&text);
        assert_eq!(u.bytes(), b"x \"randyyeh_ee\" ".to_vec(), "{glue:?}");
        assert!(u.warnings.is_empty(), "{glue:?}: {:?}", u.warnings);
    }
    {
        let glue = "\u{85}";
        let text = format!("0AFA:3F20  78 20 22 72{glue}61 6E 64 79-79 65 68 5F 65 65 22 20   x \"randyyeh_ee\" \n");
        let u = parse::parse(&text);
        assert_eq!(u.bytes(), b"x \"".to_vec(), "{glue:?}");
        assert_eq!(u.warnings.len(), 1, "{:?}", u.warnings);
        assert!(
            u.warnings[0].message.ends_with("; the line's 3 bytes are kept; the 13 group(s) of hex after them are not read as bytes (read as the start of the column): 13 bytes not kept"),
            "{glue:?}: {}",
            u.warnings[0].message
        );
    }
    let text =
        "0AFA:3F00  0D 0A 0D 0A 45 78 70 6F-72 74 69 6E 67 20 6D 65   ..\x1b[31mXExporting me\n";
    let u = parse::parse(text);
    assert_eq!(u.bytes(), b"\r\n\r\nExporting me".to_vec());
    assert_eq!(u.warnings.len(), 1, "{:?}", u.warnings);
    assert_eq!(
        u.warnings[0].message,
        "ASCII column does not match the hex: expected '....Exporting me', found '..XExporting me' (with 1 colour escape(s) taken out of the line before it was read); the hex is kept"
    );
    // A dump in colour, whose column matches once its escapes are out, is read without a word.
    let coloured = "0AFA:3F00  \x1b[31m0D 0A 0D 0A\x1b[0m 45 78 70 6F-72 74 69 6E 67 20 6D 65   \x1b[31m....\x1b[0mExporting me\n";
    let u = parse::parse(coloured);
    assert_eq!(u.bytes(), b"\r\n\r\nExporting me".to_vec());
    assert!(u.warnings.is_empty(), "{:?}", u.warnings);
}

/// Review 62 (D7): lines ended by CR CR LF (text converted to CR LF twice, a `script` log)
/// read back, but every line counted as two, so a warning named line 5 for the third line.
/// CR CR LF is one line end; a CR alone and CR LF still are one each.
#[test]
fn review_62_cr_cr_lf_is_one_line_end_in_warnings() {
    let text = "0000:0000  41 42 43 44 45 46 47 48-49 4A 4B 4C 4D 4E 4F 50   ABCDEFGHIJKLMNOP\n0000:0010  51 52 53 54 55 56 57 58-59 5A 61 62 63 64 65 66   QRSTUVWXYZabcdef\n0000:0020  67 68 69 6A 6B 6C 6D 6E-6F 70 71 72 73 74 75 76   ghijklmnopqrsTuv\n";
    for end in ["\r\r\n", "\r\n", "\r", "\n"] {
        let u = parse::parse(&text.replace('\n', end));
        assert_eq!(
            u.bytes(),
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv",
            "{end:?}"
        );
        let w: Vec<_> = u.warnings.iter().map(|w| (w.line, w.kind)).collect();
        assert_eq!(w, vec![(3, WarningKind::AsciiMismatch)], "{end:?}");
    }
}

/// The dump lines of a fixture joined into one text line, as a web page or a mail that lost
/// the line breaks shows them: with a blank between, or glued.
fn joined(text: &str, sep: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines.join(sep)
}

/// Dump lines joined on one text line (a web page or mail that lost their line breaks) are read
/// each on its own, said once for each line found inside another, in every tool's layout with
/// addresses but octal bytes and hexyl's (README: not read, and said; hexyl's in a test below).
/// Before, the first line's bytes were kept and the rest was taken for its ASCII column: the
/// KB article's 128 bytes came back as 16 with only a column warning.
#[test]
fn dump_lines_joined_on_one_text_line_are_read_each_on_its_own() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dumps");
    // Every format with addresses but octal bytes and hexyl's boxes, joined with a blank or
    // glued (a colon, a column's closing mark, or nothing but the group's width stands before
    // each address).
    let formats = [
        "xxd",
        "xxd-e",
        "hexdump-C",
        "od-Ax-tx1z",
        "od-Ax-tx2z",
        "hexdump",
        "hexdump-x",
        "hexdump-o",
        "od",
        "od-x",
        "od-tx1",
        "od-tx4",
        "od-Ad-tx1",
    ];
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let Some((stem, format)) = name.strip_suffix(".txt").and_then(|r| r.split_once('.')) else {
            continue;
        };
        if !formats.contains(&format) {
            continue;
        }
        let want = std::fs::read(dir.join(format!("{stem}.bin"))).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        // Every line with an address but the first is found inside the one before it.
        let addressed = text
            .lines()
            .filter(|l| !l.trim().is_empty() && l.trim() != "*")
            .count();
        for sep in [" ", ""] {
            let u = parse::parse(&joined(&text, sep));
            assert_eq!(
                u.bytes(),
                want,
                "{name} joined by {sep:?}: {:#?}",
                u.warnings
            );
            assert_eq!(u.blocks.len(), 1, "{name} joined by {sep:?}");
            let said = u
                .warnings
                .iter()
                .filter(|w| w.kind == WarningKind::Joined)
                .inspect(|w| assert_eq!((w.line, w.last), (1, 1), "{name}: {w}"))
                .count();
            assert_eq!(
                said,
                addressed - 1,
                "{name} joined by {sep:?}: {:#?}",
                u.warnings
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 4 * 13 * 2, "joined fixtures read");
}

/// The KB article's dump (its eight DEBUG lines, as the archived page re-wrapped them) with its
/// line breaks lost reads back to its 128 bytes, whether the page put a blank where each break
/// was or nothing; each line found inside the one before it is said with the address it
/// starts at.
#[test]
fn the_articles_dump_with_its_line_breaks_lost_reads_back_to_its_bytes() {
    let page = include_str!("data/article-web.txt");
    let dump: String = page
        .lines()
        .skip_while(|l| !l.starts_with("0AFA:3F00"))
        .take_while(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let whole = parse::parse(&dump).bytes();
    assert_eq!(whole.len(), 128);
    for sep in [" ", ""] {
        let u = parse::parse(&joined(&dump, sep));
        assert_eq!(u.bytes(), whole, "joined by {sep:?}: {:#?}", u.warnings);
        let at: Vec<String> = u
            .warnings
            .iter()
            .filter(|w| w.kind == WarningKind::Joined)
            .map(|w| w.message.split_whitespace().nth(4).unwrap().to_string())
            .collect();
        let want: Vec<String> = (1..8).map(|k| format!("0AFA:3F{k}0")).collect();
        assert_eq!(at, want, "joined by {sep:?}");
    }
}

/// A dump of dump text, whose bytes spell the address of the line after theirs, is not split
/// where its ASCII column shows that address: the column is the line's own (clanscope's DEBUG
/// layout with the origin that makes the address go on, and xxd's).
#[test]
fn a_column_that_spells_the_next_address_is_not_a_joined_line() {
    let mut data =
        b"0AFA:3F10 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 4F 50 ABCDEFGHIJKLMNOP".to_vec();
    data.extend(0u8..48);
    let origin = clanscope::address::Origin {
        segment: 0x0AFA,
        offset: 0x3F00,
    };
    let debug = clanscope::dump::Printer::new(origin).to_string(&data, 0, data.len() as u64);
    assert!(
        debug.starts_with(
            "0AFA:3F00  30 41 46 41 3A 33 46 31-30 20 34 31 20 34 32 20   0AFA:3F10 41 42 \n"
        ),
        "{debug}"
    );
    let mut xdata = b"00000010: 4142 4344  ABCD".to_vec();
    xdata.extend(0u8..40);
    for (text, want) in [(debug, &data), (xxd(&xdata), &xdata)] {
        let u = parse::parse(&text);
        assert_eq!(&u.bytes(), want, "{text}");
        assert_eq!(u.warnings, vec![], "{text}");
    }
}

/// A hexyl line with more after its 80 columns (hexyl's lines joined) keeps its own 16 bytes and
/// says the characters after them are not read (boxed lines joined read as no dump at all); before, they were dropped without a word, and
/// read as another line they made up bytes of its panel (`0` for NUL read as hex; hostile review
/// 77 D7).
#[test]
fn a_hexyl_line_with_text_after_its_columns_says_it_is_not_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dumps");
    let want = std::fs::read(dir.join("odd.bin")).unwrap();
    for format in ["hexyl", "hexyl-ascii", "hexyl-none"] {
        let text = std::fs::read_to_string(dir.join(format!("odd.{format}.txt"))).unwrap();
        for sep in [" ", ""] {
            let u = parse::parse(&joined(&text, sep));
            let name = format!("{format} joined by {sep:?}");
            let got = u.bytes();
            assert!(want.starts_with(&got), "{name}: {got:?}");
            let said: Vec<&parse::Warning> = u
                .warnings
                .iter()
                .filter(|w| w.message.contains("after this hexyl line's 80 columns"))
                .collect();
            // Nothing read at all is said by the command ("no dump lines found", exit 2).
            if !got.is_empty() && got.len() < want.len() {
                assert_eq!(said.len(), 1, "{name}: {:#?}", u.warnings);
                assert_eq!(
                    (said[0].line, said[0].kind),
                    (1, WarningKind::NotRead),
                    "{name}"
                );
            }
        }
    }
    // NULs, which hexyl's panel shows as `0`: 16 bytes and the warning, no panel read as hex.
    let line = |a: &str| {
        format!(
            " {a}  {}   {}  00000000 00000000 ",
            ["00"; 8].join(" "),
            ["00"; 8].join(" ")
        )
    };
    let text = format!("{} {}", line("00000000"), line("00000010"));
    let u = parse::parse(&text);
    assert_eq!(u.bytes(), vec![0u8; 16], "{text}");
    let said: Vec<String> = u.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(said, vec!["line 1: 56 characters after this hexyl line's 80 columns (another line joined to it?) are not read: if they are dump lines, their bytes are missing".to_string()], "{text}");
}

/// Hostile review 77 of the joined lines: where a line's column shows its own bytes spelling
/// the next address and the real one follows the column, where a dump with no column holds
/// address-like text as data, where a column of hex letters comes before a `*`, and where a
/// DEBUG dump starts inside a paragraph (its first line padded: `d 0AFA:0105`), every line is
/// read and its bytes come back exactly. Before, the guard against a dump of dump text refused
/// any address the line's bytes spelled anywhere (16 of 32 bytes came back; with no column, the
/// address was read as three more bytes), a squeeze after such a column read as a gap, and the
/// padded first line's allowance was 11 bytes where the next line starts 16 on (11 of 158).
#[test]
fn review_77_joined_lines_beside_columns_that_spell_addresses_and_padded_lines() {
    let xxd_spelled = "00000000: 7365 6520 3030 3030 3030 3130 3a20 6f6b  see 00000010: ok 00000010: 5959 5959 5959 5959 5959 5959 5959 5959  YYYYYYYYYYYYYYYY";
    let hexdump_spelled = "00000000  58 58 58 58 58 58 58 58  30 30 30 30 30 30 31 30  |XXXXXXXX00000010| 00000010  00 00 00 00 51 51 51 51  51 51 51 51 51 51 51 51  |....QQQQQQQQQQQQ| 00000020";
    let od_no_column = "000000 58 58 58 58 58 58 58 58 58 58 30 30 30 30 31 30 000010 59 59 59 59 59 59 59 59 59 59 30 30 30 30 32 30 000020";
    let squeezed = "00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA| 00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................| * 00000030  5a                                                |Z| 00000031";
    let mut zeros = b"AAAAAAAAAAAAAAAA".to_vec();
    zeros.extend([0u8; 32]);
    zeros.push(b'Z');
    let cases: [(&str, &[u8], usize); 4] = [
        (xxd_spelled, b"see 00000010: okYYYYYYYYYYYYYYYY", 1),
        (hexdump_spelled, b"XXXXXXXX00000010\0\0\0\0QQQQQQQQQQQQ", 2),
        (od_no_column, b"XXXXXXXXXX000010YYYYYYYYYY000020", 2),
        (squeezed, &zeros, 3),
    ];
    for (text, want, splits) in cases {
        let u = parse::parse(text);
        assert_eq!(u.bytes(), want, "{text}: {:#?}", u.warnings);
        let said = u
            .warnings
            .iter()
            .filter(|w| w.kind == WarningKind::Joined)
            .count();
        assert_eq!(said, splits, "{text}: {:#?}", u.warnings);
        let other: Vec<_> = u
            .warnings
            .iter()
            .filter(|w| !matches!(w.kind, WarningKind::Joined | WarningKind::NoAscii))
            .collect();
        assert_eq!(other, Vec::<&parse::Warning>::new(), "{text}");
    }
    // DEBUG's `d 0AFA:0105`: the first line is the paragraph's address, padded to its first byte.
    let data: Vec<u8> = (0u8..158).map(|i| b'A' + i % 26).collect();
    let mut lines = Vec::new();
    let (mut addr, mut pos) = (0x105usize, 0);
    while pos < data.len() {
        let (para, k) = (addr & !15, addr & 15);
        let n = (16 - k).min(data.len() - pos);
        let mut cells = vec!["  ".to_string(); k];
        cells.extend(data[pos..pos + n].iter().map(|b| format!("{b:02X}")));
        let col = " ".repeat(k) + std::str::from_utf8(&data[pos..pos + n]).unwrap();
        let (a, b) = cells.split_at(8.min(cells.len()));
        lines.push(format!(
            "0AFA:{para:04X}  {}-{}   {col}",
            a.join(" "),
            b.join(" ")
        ));
        (pos, addr) = (pos + n, para + 16);
    }
    assert!(
        lines[0].starts_with("0AFA:0100                 41 42 43-44"),
        "{}",
        lines[0]
    );
    for sep in ["\n", " ", ""] {
        let u = parse::parse(&lines.join(sep));
        assert_eq!(u.bytes(), data, "joined by {sep:?}: {:#?}", u.warnings);
        assert_eq!(u.blocks[0].start_label(), "0AFA:0105", "joined by {sep:?}");
    }
}

/// A joined text line longer than the 64 KiB read at once (1,000 lines of xxd, 68,000
/// characters) is read to its end, each dump line on its own; before, nothing past its first
/// line was read (hostile review 77 D5).
#[test]
fn joined_lines_longer_than_a_read_are_read_to_the_end() {
    let data = common::noise(16_000, 77);
    let text = joined(&xxd(&data), " ");
    assert!(text.len() > 64 << 10, "{}", text.len());
    let u = parse::parse(&text);
    assert_eq!(u.bytes(), data);
    let said = u
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Joined)
        .count();
    assert_eq!(said, 999, "{:?}", &u.warnings[..3.min(u.warnings.len())]);
    assert!(u
        .warnings
        .iter()
        .all(|w| w.kind == WarningKind::Joined && w.line == 1));
}

/// Hostile review 78: an ordinary dump line whose ASCII column starts with a blank, `|` or `>`
/// of its own and then spells the next line's address is not split (before, `xxd` of
/// `  00000010: 4142` and 16 NULs came back with two bytes made up, and said false things); a
/// `*` with the dump line after it on one text line is two lines (before, the squeezed run and
/// that line were left out unsaid); clanscope's own dumps squeeze with `*` too, joined.
#[test]
fn review_78_leading_blanks_in_a_column_a_star_before_a_line_and_own_squeezes() {
    for lead in ["  ", " a", "|a", ">a", "   "] {
        let mut data = format!("{lead}00000010: 4142").into_bytes();
        data.extend([0u8; 16]);
        let u = parse::parse(&xxd(&data));
        assert_eq!(u.bytes(), data, "{lead:?}: {:#?}", u.warnings);
        assert_eq!(u.warnings, vec![], "{lead:?}");
    }
    let debug = "0000:0000  41 41 41 41 41 41 41 41-41 41 41 41 41 41 41 41   AAAAAAAAAAAAAAAA\n* 0000:0030  78 79 7A                                         xyz\n";
    let hexdump = "00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n* 00000030  78 79 7a                                          |xyz|\n00000033\n";
    let mut want = vec![b'A'; 48];
    want.extend(b"xyz");
    for text in [debug, hexdump] {
        let u = parse::parse(text);
        assert_eq!(u.bytes(), want, "{text}: {:#?}", u.warnings);
        let said: Vec<(usize, WarningKind)> = u.warnings.iter().map(|w| (w.line, w.kind)).collect();
        assert_eq!(said, vec![(2, WarningKind::Joined)], "{text}");
    }
    let mut data = b"Hello 0AFA:3F10 world".to_vec();
    data.extend([0u8; 100]);
    data.extend(b"abc");
    data.extend([0xFFu8; 40]);
    let origin = clanscope::address::Origin {
        segment: 0x0AFA,
        offset: 0x3F07,
    };
    let text = clanscope::dump::Printer::new(origin).to_string(&data, 0, data.len() as u64);
    assert!(text.contains("\n*\n"), "{text}");
    let u = parse::parse(&joined(&text, " "));
    assert_eq!(u.bytes(), data, "{:#?}", u.warnings);
    assert!(
        u.warnings.iter().all(|w| w.kind == WarningKind::Joined),
        "{:#?}",
        u.warnings
    );
}

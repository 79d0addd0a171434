//! The line reader as it was before it was made faster, kept word for word as the reference
//! the tests hold the fast reader to: both must give identical [`LineFacts`] for every line.

use super::{
    pair_print, word_id, Lexicon, LineFacts, CLASS, CODE, DIG, KNOWN, LETTER, NAME, SENT, SP,
};
use super::{AUX, CONJ, DET, ERR, FUNC, LEAD, POLITE, PREP, PRON};

/// Word state while reading a line.
#[derive(Default)]
struct WordState {
    len: u32,
    key: u64,
    tail: u32,
    upper: u32,
    mixed: bool,
    first_upper: bool,
    /// Category of the previous word when only spaces came between.
    prev_cat: u16,
    /// The previous word (as [`word_id`]) when only spaces came between; 0 otherwise.
    prev_id: u64,
    words_seen: u32,
    after_number: bool,
    /// Category of the line's last word so far.
    last_cat: u16,
    /// Content words of the line so far (the first 16), to find repeated ones.
    seen: [u64; 16],
    nseen: usize,
}

#[inline]
fn end_word(f: &mut LineFacts, w: &mut WordState, lex: &Lexicon) {
    let len = w.len;
    f.words += 1;
    let key = (w.key, len.min(255) as u8);
    let cat = lex.get(key);
    f.known += (len >= 2 && cat & KNOWN != 0) as u32;
    f.known4 += (len >= 4 && cat & KNOWN != 0) as u32;
    f.articles += (len <= 3 && matches!(key.0, 0x65_68_74 | 0x61 | 0x6E_61)) as u32;
    f.cats |= cat;
    if cat & FUNC != 0 {
        f.func += 1;
    }
    if cat & PRON != 0 {
        f.pron += 1;
    }
    if cat & POLITE != 0 {
        f.polite += 1;
    }
    if len >= 2 && w.upper == len {
        f.caps_words += 1;
    }
    if w.mixed {
        f.mixed_words += 1;
    }
    // Word order real text does not have: an article or preposition before a function word.
    let bad = if w.prev_cat & DET != 0 {
        DET | PREP | CONJ | AUX
    } else if w.prev_cat & PREP != 0 {
        PREP | CONJ | AUX
    } else if w.prev_cat & CONJ != 0 {
        CONJ
    } else {
        0
    };
    f.bad_pairs += (cat & bad != 0) as u32;
    if w.words_seen == 0 && w.first_upper && len >= 5 && w.tail & 0xFF_FFFF == 0x69_6E_67 {
        f.ing_start = true;
    }
    if w.words_seen == 0 && cat & (ERR | LEAD) != 0 {
        f.err_start = true;
    }
    if w.after_number && cat & FUNC == 0 && len >= 3 {
        f.count_noun = true;
    }
    w.after_number = false;
    w.prev_cat = cat;
    w.last_cat = cat;
    let id = word_id(key);
    if cat & FUNC == 0 && len >= 3 {
        if w.seen[..w.nseen].contains(&id) {
            f.repeats += 1;
        } else if w.nseen < w.seen.len() {
            w.seen[w.nseen] = id;
            w.nseen += 1;
        }
    }
    f.title_words += (w.first_upper && len >= 2 && w.upper < len) as u32;
    if w.prev_id != 0 {
        f.pairs += 1;
        let (known, order) = lex.pair(pair_print(w.prev_id, id));
        f.known_pairs += known as u32;
        f.pair_order += order as i32;
    }
    w.prev_id = id;
    w.words_seen += 1;
    w.len = 0;
}

/// `%s`, `%-8d`, `%lu`: a printf format (a template in a program, not its output).
fn printf_at(b: &[u8], i: usize) -> bool {
    let mut j = i + 1;
    while j < b.len() && matches!(b[j], b'-' | b'+' | b' ' | b'#' | b'0'..=b'9' | b'.') {
        j += 1;
    }
    while j < b.len() && matches!(b[j], b'l' | b'h') {
        j += 1;
    }
    j < b.len()
        && matches!(
            b[j],
            b's' | b'd' | b'i' | b'u' | b'x' | b'X' | b'c' | b'p' | b'f' | b'g' | b'e' | b'o'
        )
        && (j + 1 >= b.len() || !b[j + 1].is_ascii_alphabetic() || j == i + 1)
}

/// At a separator after one or two digits: `:MM` (a time) or `/MM/YY`, `-MM-YY` (a date).
fn time_or_date(t: &[u8]) -> bool {
    let digits = |x: &[u8]| x.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = digits(&t[1..]);
    if t[0] == b':' {
        return n == 2;
    }
    (1..=2).contains(&n) && t.get(1 + n) == Some(&t[0]) && (2..=4).contains(&digits(&t[2 + n..]))
}

/// A DOS 8.3 name around the dot at `i`: `MSG4A27.CCM`, `import.exe`.
fn name83_at(b: &[u8], i: usize, name_run: u32, name_caps: bool) -> bool {
    if name_run == 0 || name_run > 8 {
        return false;
    }
    let mut j = i + 1;
    let mut letters = 0;
    let mut upper = false;
    while j < b.len() && j - i <= 4 && b[j].is_ascii_alphanumeric() {
        letters += b[j].is_ascii_alphabetic() as u32;
        upper |= b[j].is_ascii_uppercase();
        j += 1;
    }
    let ext = j - i - 1;
    if ext == 0 || ext > 3 || letters == 0 {
        return false;
    }
    if j < b.len() && (CLASS[b[j] as usize] & NAME != 0 || b[j] == b'\\') {
        return false;
    }
    name_caps || upper || ext == 3 && name_run >= 2
}

/// State kept across the characters of a line that are not letters.
struct LineState {
    w: WordState,
    space_run: u32,
    name_run: u32,
    name_caps: bool,
    in_quote: Option<usize>,
    colon_seen: bool,
    label_ok: bool,
    label_words: u32,
    eq_seen: bool,
    digit_run: u32,
    dotted_number: bool,
    tok_letter: bool,
    tok_digit: bool,
    tok_len: u32,
    start: usize,
}

/// Reads one line's text (without its end) into facts: letters a word at a time in a tight
/// loop; spaces and digits cheaply; punctuation (a few bytes a line) on the slow path.
pub(super) fn read_line(b: &[u8], lex: &Lexicon) -> LineFacts {
    let mut f = LineFacts::default();
    let start = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    let end = b.len()
        - b.iter()
            .rev()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
    if start >= end {
        return f;
    }
    f.indent = start as u32;
    f.first = b[start];
    f.last = b[end - 1];
    f.len = end as u32;
    let mut st = LineState {
        w: WordState::default(),
        space_run: 0,
        name_run: 0,
        name_caps: false,
        in_quote: None,
        colon_seen: false,
        label_ok: true,
        label_words: 1,
        eq_seen: false,
        digit_run: 0,
        dotted_number: false,
        tok_letter: false,
        tok_digit: false,
        tok_len: 0,
        start,
    };
    let mut i = start;
    while i < end {
        let c = b[i];
        let k = CLASS[c as usize];
        if k & SP != 0 {
            read_space(&mut f, &mut st);
            i += 1;
            continue;
        }
        if st.space_run >= 3 {
            f.gap = true;
        }
        if k & LETTER != 0 {
            i = read_word(b, i, end, &mut f, &mut st, lex);
            continue;
        }
        {
            if st.tok_len == 0 && matches!(c, b'/' | b'-') {
                let next = b.get(i + 1).copied().unwrap_or(0);
                f.switch |= next.is_ascii_alphabetic() || next == b'?';
            }
            st.tok_len += 1;
            st.space_run = 0;
            f.nonspace += 1;
            if k & DIG != 0 {
                st.tok_digit = true;
                f.digits += 1;
                st.digit_run += 1;
                st.w.prev_cat = 0;
                st.w.prev_id = 0;
                st.w.prev_id = 0;
                st.name_run += 1;
                st.name_caps = true;
            } else {
                read_punct(b, i, c, k, &mut f, &mut st);
            }
        }
        i += 1;
    }
    if st.tok_len > 0 {
        f.tokens += 1;
        f.codes += (st.tok_letter && st.tok_digit) as u32;
    }
    let t0 = &b[start..end];
    let tok = t0.split(|&c| c == b' ').next().unwrap_or(t0);
    f.shell = t0.len() >= 3
        && t0[0].is_ascii_alphabetic()
        && t0[1] == b':'
        && t0[2] == b'\\'
        && tok.contains(&b'>');
    f.version = st.dotted_number;
    f.function_end = st.w.last_cat & (DET | PREP | CONJ | AUX) != 0;
    f
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that lies in `lo..=hi` (both below 80h), for bytes below
/// 80h (eight bytes at once, no carries between them).
#[inline(always)]
fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
    let low7 = w & !HIGH;
    let ge = low7.wrapping_add(ONES * (0x80 - lo as u64)) & HIGH;
    let gt = low7.wrapping_add(ONES * (0x7F - hi as u64)) & HIGH;
    ge & !gt & !(w & HIGH)
}

/// The high bit of each byte of `w` that is an ASCII letter.
#[inline(always)]
fn letters_in(w: u64) -> u64 {
    in_range(w | (ONES * 0x20), b'a', b'z')
}

/// The high bit of each byte of `w` equal to `c`.
#[inline(always)]
fn equal_in(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * c as u64);
    !(((x & !HIGH) + !HIGH) | x) & HIGH
}

/// Vowels among the (lower-case) letters of a word key.
#[inline(always)]
fn vowels_in(key: u64) -> u32 {
    let m = equal_in(key, b'a')
        | equal_in(key, b'e')
        | equal_in(key, b'i')
        | equal_in(key, b'o')
        | equal_in(key, b'u');
    m.count_ones()
}

/// A word of letters starting at `i`; returns where it ends. Eight bytes at a time while they
/// last; vowels are counted among the first eight letters of each word.
#[inline]
fn read_word(
    b: &[u8],
    mut i: usize,
    end: usize,
    f: &mut LineFacts,
    st: &mut LineState,
    lex: &Lexicon,
) -> usize {
    let ws = i;
    let mut upper = 0u32;
    loop {
        if i + 8 <= end {
            let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
            let run = (!letters_in(w) & HIGH).trailing_zeros() / 8;
            let keep = if run == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * run)) - 1
            };
            upper += (in_range(w, b'A', b'Z') & keep).count_ones();
            i += run as usize;
            if run < 8 {
                break;
            }
        } else {
            while i < end && b[i].is_ascii_alphabetic() {
                upper += b[i].is_ascii_uppercase() as u32;
                i += 1;
            }
            break;
        }
    }
    let len = (i - ws) as u32;
    // The key: the first 8 letters, lower-cased, little-endian.
    let n = (len as usize).min(8);
    let mask = u64::MAX >> (64 - 8 * n);
    let raw = if ws + 8 <= b.len() {
        u64::from_le_bytes(b[ws..ws + 8].try_into().expect("8 bytes"))
    } else {
        let mut k = 0u64;
        for (j, &c) in b[ws..ws + n].iter().enumerate() {
            k |= (c as u64) << (8 * j);
        }
        k
    };
    let key = (raw | (ONES * 0x20)) & mask;
    let first_upper = b[ws].is_ascii_uppercase();
    f.letters += len;
    f.upper += upper;
    f.vowels += vowels_in(key);
    f.vowel_base += n as u32;
    f.nonspace += len;
    st.tok_len += len;
    st.tok_letter = true;
    st.space_run = 0;
    st.name_run += len;
    st.name_caps |= upper > 0;
    st.digit_run = 0;
    let w = &mut st.w;
    w.tail = if len >= 3 && w.words_seen == 0 {
        u32::from_be_bytes([0, b[i - 3] | 0x20, b[i - 2] | 0x20, b[i - 1] | 0x20])
    } else {
        0
    };
    w.len = len;
    w.key = key;
    w.upper = upper;
    // Capitals inside a word that is not all capitals (McDonald, xKq).
    w.mixed = upper > first_upper as u32 && upper < len;
    w.first_upper = first_upper;
    end_word(f, w, lex);
    i
}

#[inline]
fn read_space(f: &mut LineFacts, st: &mut LineState) {
    st.space_run += 1;
    if !st.colon_seen && st.space_run == 1 {
        st.label_words += 1;
    }
    if st.digit_run > 0 {
        st.w.after_number = true;
    }
    if st.tok_len > 0 {
        f.tokens += 1;
        f.codes += (st.tok_letter && st.tok_digit) as u32;
        (st.tok_letter, st.tok_digit, st.tok_len) = (false, false, 0);
    }
    st.digit_run = 0;
    st.name_run = 0;
    st.name_caps = false;
}

/// Punctuation and other bytes: the patterns (paths, names, labels, quotes, formats, ...).
fn read_punct(b: &[u8], i: usize, c: u8, k: u8, f: &mut LineFacts, st: &mut LineState) {
    f.punct += 1;
    if c >= 0x7F || c < 0x20 && c != b'\t' {
        f.other += 1;
    }
    if k & CODE != 0 {
        f.code_chars += 1;
    }
    st.w.prev_cat = 0;
    st.w.prev_id = 0;
    st.w.after_number = false;
    if matches!(c, b':' | b'/' | b'-') && (1..=2).contains(&st.digit_run) {
        f.time |= time_or_date(&b[i..]);
    }
    if k & SENT != 0 && i > 0 && b[i - 1].is_ascii_lowercase() {
        let rest = &b[i + 1..];
        let sp = rest.iter().take_while(|&&x| x == b' ').count();
        if sp > 0 && rest.get(sp).is_some_and(u8::is_ascii_uppercase) {
            f.sentences += 1;
        }
    }
    match c {
        b'.' => {
            if b.get(i + 1) == Some(&b'.')
                || b.get(i + 1) == Some(&b' ') && b.get(i + 2) == Some(&b'.')
            {
                f.ellipsis = true;
            }
            if st.digit_run > 0 && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                st.dotted_number = true;
            }
            if name83_at(b, i, st.name_run, st.name_caps) {
                f.name83 = true;
            }
        }
        b',' if st.digit_run > 0 && b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
            st.name_run = 0;
            return;
        }
        b':' if !st.colon_seen => {
            st.colon_seen = true;
            let label = (i - st.start) as u32;
            let next = b.get(i + 1).copied();
            f.label = st.label_ok
                && (2..=40).contains(&label)
                && st.label_words <= 5
                && f.first.is_ascii_alphabetic()
                && matches!(next, None | Some(b' ') | Some(b'\t'));
        }
        b'\\' => {
            let prev = if i > 0 { b[i - 1] } else { 0 };
            let next = b.get(i + 1).copied().unwrap_or(0);
            if (prev.is_ascii_alphanumeric() || prev == b':' || prev == b'.')
                && (next.is_ascii_alphanumeric() || next == b'_' || next == b'$')
            {
                f.path = true;
            }
        }
        b'"' => match st.in_quote {
            Some(q) if (2..=65).contains(&(i - q)) => {
                f.quoted = true;
                st.in_quote = None;
            }
            Some(_) => st.in_quote = None,
            None => st.in_quote = Some(i),
        },
        b'%' if printf_at(b, i) => f.printf = true,
        b'/' if i > 0
            && matches!(b[i - 1], b'Y' | b'y')
            && matches!(b.get(i + 1), Some(b'N' | b'n')) =>
        {
            f.yes_no = true;
        }
        b'=' if !st.eq_seen => {
            st.eq_seen = true;
            f.equals = !st.colon_seen && st.label_ok && st.start < i;
        }
        b'(' if b.get(i + 2) == Some(&b')') && matches!(b.get(i + 1), Some(b'c' | b'C')) => {
            f.copyright_c = true;
        }
        _ => {}
    }
    if !matches!(c, b'-' | b'/' | b'(' | b')' | b'.' | b'\'' | b'&' | b'#') {
        st.label_ok &= st.colon_seen;
    }
    if matches!(c, b'_' | b'$' | b'~' | b'-') {
        st.name_run += 1;
    } else {
        st.name_run = 0;
        st.name_caps = false;
    }
    st.digit_run = 0;
}

#[cfg(test)]
mod tests {
    use super::super::{Acc, Lexicon};
    use crate::detect::lines::lines;
    use crate::detect::model::Model;
    use proptest::prelude::*;

    fn lex() -> &'static Lexicon {
        Model::builtin().lexicon()
    }

    /// Both readers over every line of `text`: identical facts, and identical block features
    /// of the whole text.
    fn same(text: &[u8], lex: &Lexicon) {
        let (mut fast, mut slow) = (Acc::default(), Acc::default());
        for l in lines(text, 0, text.len()) {
            let t = l.text(text);
            let (a, mut b) = (Acc::read(t, lex), super::read_line(t, lex));
            b.order = crate::detect::order::marks(t); // read apart from the line reader
            assert_eq!(a, b, "{:?}", String::from_utf8_lossy(t));
            fast.line_read(t.len(), &a, l.term);
            slow.line_read(t.len(), &b, l.term);
        }
        assert_eq!(fast, slow);
        for lead in 0..3 {
            let (x, y) = (fast.features(lead), slow.features(lead));
            assert_eq!(x.map(f32::to_bits), y.map(f32::to_bits));
        }
    }

    fn corpus_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("corpus folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                corpus_files(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    #[test]
    fn every_corpus_sample_reads_as_before() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus");
        let mut files = Vec::new();
        corpus_files(&root, &mut files);
        assert!(files.len() > 500, "{}", files.len());
        for p in files {
            let t = std::fs::read(&p).expect("sample");
            same(&t, lex());
            same(&t, &Lexicon::default());
            // Each line at every cut: words and patterns cut short at the line's end.
            for l in lines(&t, 0, t.len()).take(40) {
                let s = l.text(&t);
                for cut in 0..s.len().min(90) {
                    same(&s[cut..], lex());
                    same(&s[..cut], lex());
                }
            }
        }
    }

    #[test]
    fn random_and_binary_lines_read_as_before() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t \
                         .,:;!?-/\\\"'%()[]{}<>=_$~#&*+@^|`YyNnCcing";
        for n in 0..20_000 {
            let len = (next() % 120) as usize;
            let line: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if n % 4 == 0 {
                        r as u8
                    } else {
                        alphabet[(r % alphabet.len() as u64) as usize]
                    }
                })
                .collect();
            same(&line, lex());
        }
    }

    #[test]
    fn long_words_and_cut_lines_read_as_before() {
        // Words of every length around the eight-byte steps and the 255-letter key length,
        // mixed case, next to spaces, tabs, digits, dots and bytes above 7Fh.
        let letters = b"ExportIngMsgAEIOUaeiouXyZ";
        let seps: [&[u8]; 7] = [
            b" ",
            b"  ",
            b"\t",
            b"   ",
            b"1 ",
            b".",
            "\u{e9} ".as_bytes(),
        ];
        let mut line = Vec::new();
        let lens = [
            1usize, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 254, 255, 256, 300,
        ];
        for (k, &n) in lens.iter().enumerate() {
            line.extend((0..n).map(|j| letters[(j * 7 + k) % letters.len()]));
            line.extend_from_slice(seps[k % seps.len()]);
        }
        same(&line, lex());
        for cut in 0..line.len() {
            same(&line[..cut], lex());
            same(&line[cut..], lex());
        }
    }

    #[test]
    fn lines_of_many_words_read_as_before() {
        // The per-word counts the lexicon packs into eight-bit lanes, past every flush and past
        // 65,535 words a line: known words, articles, function words, pronouns, polite words,
        // words the lexicon does not have, and words next to bytes above 7Fh.
        let words: [&[u8]; 12] = [
            b"the ",
            b"a ",
            b"an ",
            b"you ",
            b"please ",
            b"message ",
            b"Xqzv ",
            b"THE ",
            "caf\u{e9} ".as_bytes(),
            b"of\t",
            b"zz9 ",
            b"\xff\xfeword ",
        ];
        for (n, step) in [(70_000usize, 1usize), (129, 5), (300, 7), (256, 3)] {
            let mut line = Vec::new();
            for k in 0..n {
                line.extend_from_slice(words[(k * step) % words.len()]);
            }
            same(&line, lex());
            same(&line, &Lexicon::default());
            let f = Acc::read(&line, lex());
            assert!(f.words as usize >= n, "{} < {n}", f.words);
        }
        // Every word the same: each lane counts far past 255 (and 65,535).
        for w in [&b"the "[..], b"a ", b"you ", b"please ", b"message "] {
            let line = w.repeat(70_000);
            same(&line, lex());
            assert_eq!(Acc::read(&line, lex()).words, 70_000);
        }
    }

    fn piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::sample::select(vec![
                "the",
                "Exporting",
                "messages",
                "in",
                "mailbox",
                "EXPORT\\MSG4A27.CCM",
                "C:\\>",
                "12",
                "1.2.3",
                "(c)",
                "(Y/N)",
                "%-8lu",
                "Error:",
                "  ",
                "   ",
                "\t",
                ".",
                ",",
                "\"",
                "=",
                "[x]",
                "15:36",
                "01-28-94",
                "...",
                "/S",
                "-p",
                "ing",
                "Copying",
                "version",
                "MSG0001.TMP",
                "a",
                "of",
                "and",
                "1,000",
                "x7",
                "McDonald",
            ])
            .prop_map(|s| s.as_bytes().to_vec()),
            prop::collection::vec(any::<u8>(), 0..6),
            prop::collection::vec(prop::sample::select(b" .,:-/\\\"%()=09aZ".to_vec()), 0..4),
        ]
    }

    proptest! {
        #[test]
        fn lines_of_pieces_read_as_before(parts in prop::collection::vec(piece(), 0..24),
                                          seps in prop::collection::vec(0u8..4, 24)) {
            let mut line = Vec::new();
            for (i, p) in parts.iter().enumerate() {
                line.extend_from_slice(p);
                line.extend_from_slice([&b" "[..], b"", b"  ", b"\t"][seps[i] as usize]);
            }
            same(&line, lex());
        }

        #[test]
        fn any_bytes_read_as_before(line in prop::collection::vec(any::<u8>(), 0..200)) {
            same(&line, lex());
        }
    }
}

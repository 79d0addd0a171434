//! Block-level features of text, the inputs of the text model. Each line is read once, byte by
//! byte through a class table, and its counts are added to an accumulator ([`Acc`]); counts add
//! up, so a paragraph's accumulator merges into its block's. No allocation, no regex. The
//! feature vector ([`Acc::features`]) is a fixed list of ratios with names ([`NAMES`]), so the
//! model's weights can be read and its decisions explained feature by feature.

use super::lines::End;

mod pairs;
#[cfg(test)]
mod reference;

use pairs::PairTable;

const UP: u8 = 1;
const LO: u8 = 2;
const DIG: u8 = 4;
const SP: u8 = 8;
const SENT: u8 = 16;
const CODE: u8 = 32;
const VOW: u8 = 64;
const NAME: u8 = 128;
const LETTER: u8 = UP | LO;

const fn build_class() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let mut k = 0;
        if b.is_ascii_uppercase() {
            k |= UP | NAME;
        }
        if b.is_ascii_lowercase() {
            k |= LO | NAME;
        }
        if b.is_ascii_digit() {
            k |= DIG | NAME;
        }
        if b == b' ' || b == b'\t' {
            k |= SP;
        }
        if matches!(b, b'.' | b'!' | b'?') {
            k |= SENT;
        }
        if matches!(
            b,
            b'{' | b'}' | b'(' | b')' | b';' | b'=' | b'<' | b'>' | b'[' | b']'
        ) {
            k |= CODE;
        }
        if matches!(b.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u') {
            k |= VOW;
        }
        if matches!(b, b'_' | b'$' | b'~' | b'-') {
            k |= NAME;
        }
        t[c] = k;
        c += 1;
    }
    t
}

static CLASS: [u8; 256] = build_class();

/// Word categories (bits).
const FUNC: u16 = 1;
const PRON: u16 = 2;
const POLITE: u16 = 4;
const DET: u16 = 8;
const PREP: u16 = 16;
const CONJ: u16 = 32;
const AUX: u16 = 64;
const ERR: u16 = 128;
const DONE: u16 = 256;
const COPY: u16 = 512;
const VERW: u16 = 1024;
const LEAD: u16 = 2048;
const PROMPT: u16 = 4096;

/// The word lists behind the categories. They are general English and general console
/// vocabulary, not phrases of any tool; how much each counts is learned.
const WORDS: &[(&str, u16)] = &[
    ("the", FUNC | DET),
    ("a", FUNC | DET),
    ("an", FUNC | DET),
    ("these", FUNC | DET),
    ("those", FUNC | DET),
    ("each", FUNC | DET),
    ("every", FUNC | DET),
    ("its", FUNC | DET),
    ("of", FUNC | PREP),
    ("in", FUNC | PREP),
    ("on", FUNC | PREP),
    ("at", FUNC | PREP),
    ("by", FUNC | PREP),
    ("for", FUNC | PREP),
    ("with", FUNC | PREP),
    ("from", FUNC | PREP),
    ("into", FUNC | PREP),
    ("about", FUNC | PREP),
    ("under", FUNC | PREP),
    ("over", FUNC | PREP),
    ("between", FUNC | PREP),
    ("through", FUNC | PREP),
    ("during", FUNC | PREP),
    ("without", FUNC | PREP),
    ("within", FUNC | PREP),
    ("and", FUNC | CONJ),
    ("or", FUNC | CONJ),
    ("but", FUNC | CONJ),
    ("nor", FUNC | CONJ),
    ("is", FUNC | AUX),
    ("are", FUNC | AUX),
    ("was", FUNC | AUX),
    ("were", FUNC | AUX),
    ("be", FUNC | AUX),
    ("been", FUNC | AUX),
    ("being", FUNC | AUX),
    ("has", FUNC | AUX),
    ("have", FUNC | AUX),
    ("had", FUNC | AUX),
    ("do", FUNC | AUX),
    ("does", FUNC | AUX),
    ("did", FUNC | AUX),
    ("will", FUNC | AUX),
    ("would", FUNC | AUX),
    ("can", FUNC | AUX),
    ("could", FUNC | AUX),
    ("should", FUNC | AUX),
    ("may", FUNC | AUX),
    ("might", FUNC | AUX),
    ("must", FUNC | AUX),
    ("shall", FUNC | AUX),
    ("to", FUNC),
    ("that", FUNC),
    ("this", FUNC),
    ("which", FUNC),
    ("who", FUNC),
    ("what", FUNC),
    ("when", FUNC),
    ("where", FUNC),
    ("how", FUNC),
    ("if", FUNC),
    ("then", FUNC),
    ("than", FUNC),
    ("as", FUNC),
    ("so", FUNC),
    ("also", FUNC),
    ("there", FUNC),
    ("because", FUNC),
    ("such", FUNC),
    ("some", FUNC),
    ("any", FUNC),
    ("all", FUNC),
    ("only", FUNC),
    ("other", FUNC),
    ("more", FUNC),
    ("most", FUNC),
    ("it", FUNC),
    ("i", FUNC | PRON),
    ("me", FUNC | PRON),
    ("my", FUNC | PRON),
    ("we", FUNC | PRON),
    ("us", FUNC | PRON),
    ("our", FUNC | PRON),
    ("you", FUNC | PRON),
    ("your", FUNC | PRON),
    ("he", FUNC | PRON),
    ("she", FUNC | PRON),
    ("him", FUNC | PRON),
    ("his", FUNC | PRON),
    ("her", FUNC | PRON),
    ("they", FUNC | PRON),
    ("them", FUNC | PRON),
    ("their", FUNC | PRON),
    ("please", POLITE),
    ("thanks", POLITE),
    ("thank", POLITE),
    ("hi", POLITE),
    ("hello", POLITE),
    ("dear", POLITE),
    ("regards", POLITE),
    ("error", ERR),
    ("errors", ERR),
    ("failed", ERR),
    ("failure", ERR),
    ("fatal", ERR),
    ("invalid", ERR),
    ("unable", ERR),
    ("cannot", ERR),
    ("denied", ERR),
    ("abort", ERR),
    ("aborted", ERR),
    ("corrupt", ERR),
    ("corrupted", ERR),
    ("warning", ERR),
    ("completed", DONE),
    ("complete", DONE),
    ("successfully", DONE),
    ("successful", DONE),
    ("ended", DONE),
    ("finished", DONE),
    ("done", DONE),
    ("processed", DONE),
    ("copied", DONE),
    ("exported", DONE),
    ("imported", DONE),
    ("deleted", DONE),
    ("created", DONE),
    ("notice", LEAD),
    ("usage", LEAD),
    ("syntax", LEAD),
    ("press", PROMPT),
    ("hit", PROMPT),
    ("strike", PROMPT),
    ("retry", PROMPT),
    ("copyright", COPY),
    ("version", VERW),
    ("release", VERW),
    ("ver", VERW),
    ("rev", VERW),
];

/// A word's key: its first 8 letters, lowercased, packed little-endian, and its length.
type Key = (u64, u8);

fn key_of(w: &str) -> Key {
    let mut k = 0u64;
    for (i, b) in w.bytes().take(8).enumerate() {
        k |= (b.to_ascii_lowercase() as u64) << (8 * i);
    }
    (k, w.len().min(255) as u8)
}

/// Marks a word of the dictionary (a word the corpus knows).
const KNOWN: u16 = 0x8000;

/// The words a reader looks up, with their categories: the word lists above and the model's
/// dictionary (the words the corpus knows, found in at least two of its sources; it tells words
/// from made-up letters and carries no weight for or against any class: word lists learned
/// per class would learn the corpus's topics, not how console output is written). One
/// open-addressing table, one lookup a word.
#[derive(Clone, Debug, PartialEq)]
pub struct Lexicon {
    /// Per slot: the key's letters, and the word's value ([`Slot`]); length 0 = empty.
    slots: Vec<[u64; 2]>,
    /// Fingerprints of word pairs the corpus knows, each with how much more often than by
    /// chance the pair stands side by side in public text ([`PairOrder`]; [`ORDER_UNSEEN`]
    /// where that text does not have it).
    pairs: PairTable,
}

/// A word pair's pointwise mutual information in public text, in half bits,
/// `log2(n(a b) * N / (n(a) * n(b)))` rounded and kept within [`ORDER_UNSEEN`]`..=`[`ORDER_MAX`]:
/// words in a real order score above 0, words side by side by chance near 0 or below.
pub type PairOrder = i8;
/// The order score of a pair public text does not have (the floor: -3 bits).
pub const ORDER_UNSEEN: PairOrder = -6;
/// The highest order score (6 bits).
pub const ORDER_MAX: PairOrder = 12;

impl Default for Lexicon {
    /// The word lists alone, no dictionary, no pairs.
    fn default() -> Lexicon {
        Lexicon::new(&[], &[], [])
    }
}

/// A word key as one number (the length kept in the top byte).
#[inline]
fn word_id(k: Key) -> u64 {
    k.0 ^ ((k.1 as u64) << 56)
}

/// The fingerprint of two words next to each other (never 0).
#[inline]
fn pair_print(a: u64, b: u64) -> u32 {
    let h = (a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (h >> 32) as u32 | 1
}

/// Calls `f` with the fingerprint of each pair of words of `line` that stand next to each
/// other (only spaces between them), as the feature reader sees them: for building the
/// corpus's known pairs.
pub fn word_pairs(line: &[u8], mut f: impl FnMut(u32)) {
    line_words(line, |_, p| {
        if let Some(p) = p {
            f(p)
        }
    });
}

/// Calls `f` with each word of `line` as the feature reader sees it (as one number, equal for
/// equal words) and the fingerprint of its pair with the word before it, when only spaces stand
/// between the two: for counting words and pairs in public text.
pub fn line_words(line: &[u8], mut f: impl FnMut(u64, Option<u32>)) {
    let mut prev = 0u64;
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        if c.is_ascii_alphabetic() {
            let s = i;
            while i < line.len() && line[i].is_ascii_alphabetic() {
                i += 1;
            }
            let w = std::str::from_utf8(&line[s..i]).expect("ASCII letters");
            let id = word_id(key_of(w));
            f(id, (prev != 0).then(|| pair_print(prev, id)));
            prev = id;
            continue;
        }
        if c != b' ' && c != b'\t' {
            prev = 0;
        }
        i += 1;
    }
}

impl Lexicon {
    /// The word lists, a dictionary, the fingerprints of known word pairs, and the order
    /// scores of pairs of public text (pairs not among `pairs` are left out).
    pub fn new(
        dictionary: &[String],
        pairs: &[u32],
        order: impl IntoIterator<Item = (u32, PairOrder)>,
    ) -> Lexicon {
        let slots = ((WORDS.len() + dictionary.len()) * 2)
            .next_power_of_two()
            .max(64);
        let mut l = Lexicon {
            slots: vec![[0, 0]; slots],
            pairs: PairTable::new(pairs, order),
        };
        for &(w, c) in WORDS {
            l.insert(key_of(w), c);
        }
        for w in dictionary {
            if !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic()) {
                l.insert(key_of(w), KNOWN);
            }
        }
        for s in &mut l.slots {
            if Slot::len(s[1]) != 0 {
                s[1] |= Slot::counts((s[0], Slot::len(s[1])), s[1] as u16);
            }
        }
        l
    }

    fn insert(&mut self, k: Key, cat: u16) {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(k);
        while !matches!(Slot::len(self.slots[i][1]), 0) && !Slot::is(self.slots[i], k) {
            i = (i + 1) & mask;
        }
        self.slots[i][0] = k.0;
        self.slots[i][1] |= (k.1 as u64) << 56 | cat as u64;
    }

    #[inline]
    fn slot(&self, k: Key) -> usize {
        let h = (k.0 ^ (k.1 as u64) << 59).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> 40) as usize & (self.slots.len() - 1)
    }

    /// How many of the word pairs `prints` the corpus knows, and the sum of their order scores
    /// ([`ORDER_UNSEEN`] for a pair public text does not have). The lookups do not wait on
    /// each other, so their loads (cache misses in a table of megabytes) overlap.
    #[inline]
    fn known_pairs(&self, prints: &[u32]) -> (u32, i32) {
        let (mut known, mut order) = (0, 0);
        for &p in prints {
            let (k, o) = self.pairs.get(p);
            known += k as u32;
            order += o as i32;
        }
        (known, order)
    }

    /// Whether the corpus knows this pair of words, and its order score.
    #[cfg(test)]
    fn pair(&self, p: u32) -> (bool, PairOrder) {
        self.pairs.get(p)
    }

    /// The categories of the word of this key (0 if the lexicon does not have it).
    #[cfg(test)]
    fn get(&self, k: Key) -> u16 {
        self.packed(k) as u16
    }

    /// The value ([`Slot`]) of the word of this key; for a word the lexicon does not have,
    /// only its vowels.
    #[inline(always)]
    fn packed(&self, k: Key) -> u64 {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(k);
        loop {
            let s = self.slots[i];
            if Slot::len(s[1]) == 0 {
                return (vowels_in(k.0) as u64) << 48;
            }
            if Slot::is(s, k) {
                return s[1];
            }
            i = (i + 1) & mask;
        }
    }
}

/// A word's value in the lexicon, all that its key decides (its letters and length fix it):
/// bits 0-15 its categories; from bit 16 six five-bit [`Lanes`] of per-word counts (known,
/// known4, articles, func, pron, polite); 48-55 its vowels among the first eight letters (a
/// lane too); 56-63 the key's length.
struct Slot;

impl Slot {
    /// The key's length of a value (0 in an empty slot).
    #[inline(always)]
    fn len(v: u64) -> u8 {
        (v >> 56) as u8
    }

    /// True when the slot holds key `k`.
    #[inline(always)]
    fn is(s: [u64; 2], k: Key) -> bool {
        s[0] == k.0 && Slot::len(s[1]) == k.1
    }

    /// The counts (lanes and vowels) of a word of key `k` and categories `cat`.
    fn counts(k: Key, cat: u16) -> u64 {
        let known = cat & KNOWN != 0;
        // A key holds only the word's letters, so these three keys are the words themselves.
        let article = matches!(k.0, 0x65_68_74 | 0x61 | 0x6E_61);
        let lanes = [
            known && k.1 >= 2,
            known && k.1 >= 4,
            article,
            cat & FUNC != 0,
            cat & PRON != 0,
            cat & POLITE != 0,
        ];
        let lanes = lanes
            .iter()
            .enumerate()
            .fold(0, |v, (i, &on)| v | (on as u64) << (16 + 5 * i));
        lanes | (vowels_in(k.0) as u64) << 48
    }
}

/// Per-word counts of a [`Slot`] added at once: a word adds its value's lanes into one
/// number, moved into the line's facts every [`Lanes::FLUSH`] words (and at the line's end),
/// before a lane can overflow. A word the lexicon does not have adds only its vowels (none of
/// the other counts counts it).
struct Lanes;

impl Lanes {
    /// Words between two flushes: a five-bit lane holds up to 31 (one a word), the vowels'
    /// eight-bit lane up to 255 (eight a word).
    const FLUSH: u32 = 16;
    /// The bits of a [`Slot`] value that hold the lanes and the vowels.
    const MASK: u64 = 0x00FF_FFFF_FFFF_0000;

    /// Moves the counts of `lanes` into `f`.
    #[inline]
    fn flush(lanes: u64, f: &mut LineFacts) {
        let lane = |i: u32| (lanes >> (16 + 5 * i) & 0x1F) as u32;
        f.known += lane(0);
        f.known4 += lane(1);
        f.articles += lane(2);
        f.func += lane(3);
        f.pron += lane(4);
        f.polite += lane(5);
        f.vowels += (lanes >> 48 & 0xFF) as u32;
    }
}

/// Counts over the lines of a paragraph or block. They add up ([`Acc::merge`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Acc {
    nonblank: u64,
    blank: u64,
    sum_len: u64,
    sum_len2: u64,
    long: u64,
    fill: u64,
    short: u64,
    transitions: u64,
    wraps: u64,
    sent_end: u64,
    colon_end: u64,
    words: u64,
    func: u64,
    pron: u64,
    polite: u64,
    letters: u64,
    digits: u64,
    punct: u64,
    upper: u64,
    vowels: u64,
    vowel_base: u64,
    nonspace: u64,
    caps_words: u64,
    mixed_words: u64,
    label: u64,
    count_noun: u64,
    err: u64,
    done: u64,
    ing_start: u64,
    err_start: u64,
    prompt: u64,
    banner: u64,
    path: u64,
    name83: u64,
    quoted: u64,
    printf: u64,
    indent: u64,
    paragraphs: u64,
    single_paras: u64,
    lower_start: u64,
    upper_start: u64,
    bad_pairs: u64,
    known: u64,
    known4: u64,
    pairs: u64,
    known_pairs: u64,
    /// Sum of the order scores of `pairs` ([`PairOrder`]); 64 bits, as the sum over a block of
    /// a few GB of text could pass 32.
    pair_order: i64,
    repeats: u64,
    title_words: u64,
    function_ends: u64,
    articles: u64,
    tokens: u64,
    codes: u64,
    digit_start: u64,
    times: u64,
    switches: u64,
    ellipses: u64,
    shell: u64,
    sentences: u64,
    any: u32,
    code_chars: u64,
    code_end: u64,
    equals: u64,
    section: u64,
    gaps: u64,
    crlf: u64,
    lf: u64,
    other_bytes: u64,
    bytes: u64,
    /// Lines of the open paragraph.
    para_lines: u64,
    /// The last line of the open paragraph ended mid-sentence.
    last_mid: bool,
    /// Layout counts of [`super::order`].
    order: super::order::Sums,
}

/// What one line holds, gathered in one pass ([`Acc::read`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct LineFacts {
    len: u32,
    indent: u32,
    words: u32,
    func: u32,
    pron: u32,
    polite: u32,
    letters: u32,
    digits: u32,
    punct: u32,
    upper: u32,
    vowels: u32,
    vowel_base: u32,
    nonspace: u32,
    caps_words: u32,
    mixed_words: u32,
    bad_pairs: u32,
    known: u32,
    known4: u32,
    pairs: u32,
    known_pairs: u32,
    /// Sum of the order scores of `pairs` ([`PairOrder`]).
    pair_order: i32,
    repeats: u32,
    title_words: u32,
    articles: u32,
    tokens: u32,
    codes: u32,
    time: bool,
    switch: bool,
    ellipsis: bool,
    shell: bool,
    sentences: u32,
    code_chars: u32,
    other: u32,
    cats: u16,
    label: bool,
    count_noun: bool,
    ing_start: bool,
    err_start: bool,
    yes_no: bool,
    path: bool,
    name83: bool,
    quoted: bool,
    printf: bool,
    version: bool,
    copyright_c: bool,
    gap: bool,
    equals: bool,
    function_end: bool,
    first: u8,
    /// The last byte of the line's text (blanks trimmed).
    pub(crate) last: u8,
    /// Marks read apart from the per-line reader ([`super::order`]).
    order: super::order::LineMarks,
}

/// Word state while reading a line: what a word needs of the words before it.
struct WordState<'a> {
    /// Category of the previous word when only spaces came between.
    prev_cat: u16,
    /// The previous word (as [`word_id`]) when only spaces came between; 0 otherwise.
    prev_id: u64,
    words_seen: u32,
    /// The [`Lanes`] of the words since the last flush.
    lanes: u64,
    after_number: bool,
    /// Category of the line's last word so far.
    last_cat: u16,
    /// The line's room for its words ([`Room`]).
    room: &'a mut Room,
    nseen: usize,
    /// One bit per hash of the words in `room.seen`: a word whose bit is clear is not there,
    /// so most words skip the search.
    seen_bits: u64,
    npending: usize,
}

/// What a line's words are kept in while it is read, only as far as its counts say (`nseen`,
/// `npending`), so it needs no clearing: one is kept from line to line by a reader of many
/// lines (clearing it cost a 313-byte memset a line, 5% of the time of scanning mixed data).
#[derive(Clone, Debug)]
pub(crate) struct Room {
    /// Content words of a line so far (the first [`SEEN`]), to find repeated ones; one spare
    /// slot.
    seen: [u64; SEEN + 1],
    /// Fingerprints of the pairs of words not yet looked up ([`Lexicon::known_pairs`]).
    pending: [u32; PAIR_BATCH],
}

impl Default for Room {
    fn default() -> Room {
        Room {
            seen: [0; SEEN + 1],
            pending: [0; PAIR_BATCH],
        }
    }
}

/// How many word pairs are looked up at once.
const PAIR_BATCH: usize = 32;

impl<'a> WordState<'a> {
    fn new(room: &'a mut Room) -> WordState<'a> {
        WordState {
            prev_cat: 0,
            prev_id: 0,
            words_seen: 0,
            lanes: 0,
            after_number: false,
            last_cat: 0,
            room,
            nseen: 0,
            seen_bits: 0,
            npending: 0,
        }
    }

    /// Looks up the pending word pairs and counts the known ones into `f`.
    #[inline]
    fn look_up_pairs(&mut self, f: &mut LineFacts, lex: &Lexicon) {
        let (known, order) = lex.known_pairs(&self.room.pending[..self.npending]);
        f.known_pairs += known;
        f.pair_order += order;
        self.npending = 0;
    }

    /// Counts a repeated content word, or remembers it among the first 16. A word that is not
    /// a content word gets no bit, so it is neither searched for nor remembered (no branch on
    /// what kind of word it is).
    #[inline(always)]
    fn repeat(&mut self, id: u64, content: bool) -> u32 {
        let hash = id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58;
        let bit = (1u64 << hash) & (content as u64).wrapping_neg();
        if self.seen_bits & bit != 0 && self.room.seen[..self.nseen].contains(&id) {
            return 1;
        }
        // Written always: the slot past the remembered words (the spare one when all 16 are
        // taken) is not searched until it is counted.
        let keep = bit != 0 && self.nseen < SEEN;
        self.room.seen[self.nseen] = id;
        self.nseen += keep as usize;
        self.seen_bits |= bit & (keep as u64).wrapping_neg();
        0
    }
}

/// Content words of a line remembered to find repeated ones.
const SEEN: usize = 16;

/// The function words a word must not follow, by the previous word's determiner, preposition
/// and conjunction bits (`prev_cat >> 3 & 7`): an article or preposition before a function word
/// is word order real text does not have.
const BAD_AFTER: [u16; 8] = {
    let d = DET | PREP | CONJ | AUX;
    let p = PREP | CONJ | AUX;
    [0, d, p, d, CONJ, d, p, d]
};

/// One word as [`read_word`] found it.
struct Word {
    len: u32,
    key: u64,
    upper: u32,
    first_upper: bool,
    /// The last three letters, lower-cased, when the word is the line's first.
    tail: u32,
}

#[inline(always)]
fn end_word(f: &mut LineFacts, w: &mut WordState<'_>, wd: &Word, lex: &Lexicon) {
    let len = wd.len;
    let key = (wd.key, len.min(255) as u8);
    let packed = lex.packed(key);
    let cat = packed as u16;
    w.lanes += packed & Lanes::MASK;
    f.cats |= cat;
    let all_upper = wd.upper == len;
    f.caps_words += (len >= 2 && all_upper) as u32;
    // Capitals inside a word that is not all capitals (McDonald, xKq).
    f.mixed_words += (wd.upper > wd.first_upper as u32 && !all_upper) as u32;
    f.bad_pairs += (cat & BAD_AFTER[(w.prev_cat >> 3 & 7) as usize] != 0) as u32;
    if w.words_seen == 0 {
        f.ing_start = wd.first_upper && len >= 5 && wd.tail == 0x69_6E_67;
        f.err_start = cat & (ERR | LEAD) != 0;
    }
    let content = cat & FUNC == 0 && len >= 3;
    f.count_noun |= w.after_number && content;
    w.after_number = false;
    w.prev_cat = cat;
    w.last_cat = cat;
    let id = word_id(key);
    f.repeats += w.repeat(id, content);
    f.title_words += (wd.first_upper && len >= 2 && !all_upper) as u32;
    if w.prev_id != 0 {
        f.pairs += 1;
        w.room.pending[w.npending] = pair_print(w.prev_id, id);
        w.npending += 1;
        if w.npending == PAIR_BATCH {
            w.look_up_pairs(f, lex);
        }
    }
    w.prev_id = id;
    w.words_seen += 1;
    if w.words_seen.is_multiple_of(Lanes::FLUSH) {
        Lanes::flush(std::mem::take(&mut w.lanes), f);
    }
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
struct LineState<'a> {
    w: WordState<'a>,
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

/// Where the text of a line starts and ends, without the spaces and tabs around it.
#[inline(always)]
fn trimmed(b: &[u8]) -> (usize, usize) {
    let sp = |c: &&u8| **c == b' ' || **c == b'\t';
    let start = b.iter().take_while(sp).count();
    let end = b.len() - b[start..].iter().rev().take_while(sp).count();
    (start, end)
}

/// The facts of one line's text, as [`read_line_into`] reads them (for tests).
#[cfg(test)]
fn read_line(b: &[u8], lex: &Lexicon) -> LineFacts {
    let mut f = LineFacts::default();
    read_line_into(b, lex, &mut f, &mut Room::default());
    f
}

/// Reads one line's text (without its end) into facts: a word at a time (eight letters at
/// once), a run of spaces at a time, digits cheaply, and punctuation (a few bytes a line) on
/// the slow path. The facts are written into `f` (its earlier contents overwritten), where the
/// caller keeps them, not built apart and copied there.
#[inline(always)]
fn read_line_into(b: &[u8], lex: &Lexicon, f: &mut LineFacts, room: &mut Room) {
    *f = LineFacts::default();
    let (start, end) = trimmed(b);
    if start >= end {
        return;
    }
    f.indent = start as u32;
    f.first = b[start];
    f.last = b[end - 1];
    f.len = end as u32;
    let mut st = LineState {
        w: WordState::new(room),
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
        if k & LETTER != 0 {
            i = read_word(b, i, f, &mut st, lex);
            continue;
        }
        if k & SP != 0 {
            // Inside the trimmed text, a run of spaces always has text after it.
            let mut j = i + 1;
            while j < end && matches!(b[j], b' ' | b'\t') {
                j += 1;
            }
            f.gap |= j - i >= 3;
            read_space(f, &mut st);
            i = j;
            continue;
        }
        if st.tok_len == 0 && matches!(c, b'/' | b'-') {
            let next = b.get(i + 1).copied().unwrap_or(0);
            f.switch |= next.is_ascii_alphabetic() || next == b'?';
        }
        st.tok_len += 1;
        f.nonspace += 1;
        if k & DIG != 0 {
            st.tok_digit = true;
            f.digits += 1;
            st.digit_run += 1;
            st.w.prev_cat = 0;
            st.w.prev_id = 0;
            st.name_run += 1;
            st.name_caps = true;
        } else {
            read_punct(b, i, c, k, f, &mut st);
        }
        i += 1;
    }
    f.tokens += 1;
    f.codes += (st.tok_letter && st.tok_digit) as u32;
    f.words = st.w.words_seen;
    st.w.look_up_pairs(f, lex);
    // Letters are not space; read_word leaves them out of `nonspace` to add them once here.
    f.nonspace += f.letters;
    Lanes::flush(st.w.lanes, f);
    f.shell = shell_prompt(&b[start..end]);
    f.version = st.dotted_number;
    f.function_end = st.w.last_cat & (DET | PREP | CONJ | AUX) != 0;
}

/// The trimmed line opens with a DOS prompt: a drive, `:\`, and a `>` in its first word
/// (`C:\CCMAIL>EXPORT ...`).
#[inline]
fn shell_prompt(t: &[u8]) -> bool {
    t.len() >= 3
        && t[1] == b':'
        && t[2] == b'\\'
        && t[0].is_ascii_alphabetic()
        && t.split(|&c| c == b' ').next().unwrap_or(t).contains(&b'>')
}

const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that lies in `lo..=hi` (both below 80h), for bytes below
/// 80h (eight bytes at once, no carries between them).
#[inline(always)]
pub(crate) fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
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
pub(crate) fn equal_in(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * c as u64);
    !(((x & !HIGH) + !HIGH) | x) & HIGH
}

/// Vowels among the (lower-case) letters of a word key (its other bytes 0): a byte of a vowel
/// is the one whose difference from that vowel is 0, and `x + 7Fh` keeps the high bit of a
/// byte below 80h clear only for 0 (no carries between bytes).
#[inline(always)]
fn vowels_in(key: u64) -> u32 {
    let low = ONES * 0x7F;
    let miss = |v: u8| (key ^ (ONES * v as u64)) + low;
    let all = miss(b'a') & miss(b'e') & miss(b'i') & miss(b'o') & miss(b'u');
    bytes_set(!all & HIGH)
}

/// How many bytes of a mask of high bits (as [`in_range`] gives) are set: a multiply adds the
/// bytes up, where `count_ones` is a long sequence on CPUs without POPCNT (the baseline target).
#[inline(always)]
fn bytes_set(m: u64) -> u32 {
    ((m >> 7).wrapping_mul(ONES) >> 56) as u32
}

/// How many of the letters of `w` under the byte mask `keep` (letters only) are capitals: the
/// letters whose 20h bit is clear.
#[inline(always)]
fn capitals(w: u64, keep: u64) -> u32 {
    (((!w & keep & (ONES * 0x20)) >> 5).wrapping_mul(ONES) >> 56) as u32
}

/// Eight bytes of `b` from `i` (little-endian), zeros past its end.
#[inline(always)]
fn load8(b: &[u8], i: usize) -> u64 {
    match b.get(i..i + 8) {
        Some(s) => u64::from_le_bytes(s.try_into().expect("8 bytes")),
        None => load_short(&b[i.min(b.len())..]),
    }
}

/// Fewer than eight bytes (the last word of most lines) as a little-endian number, zeros past
/// their end: two overlapping loads instead of a call to copy them (their shared bytes are the
/// same, so or-ing them is exact).
#[inline(always)]
fn load_short(r: &[u8]) -> u64 {
    let n = r.len();
    debug_assert!(n < 8);
    if n >= 4 {
        let lo = u32::from_le_bytes(r[..4].try_into().expect("4 bytes")) as u64;
        let hi = u32::from_le_bytes(r[n - 4..].try_into().expect("4 bytes")) as u64;
        lo | hi << (8 * (n - 4))
    } else if n >= 2 {
        let lo = u16::from_le_bytes(r[..2].try_into().expect("2 bytes")) as u64;
        let hi = u16::from_le_bytes(r[n - 2..].try_into().expect("2 bytes")) as u64;
        lo | hi << (8 * (n - 2))
    } else {
        r.first().map_or(0, |&c| c as u64)
    }
}

/// The letters at the start of eight bytes: how many (0 to 8), and a mask of their bytes.
#[inline(always)]
fn letter_run(w: u64) -> (usize, u64) {
    let run = ((!letters_in(w) & HIGH).trailing_zeros() / 8) as usize;
    let keep = if run == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * run)) - 1
    };
    (run, keep)
}

/// A word of letters starting at `i` (a letter); returns where it ends. Eight bytes at a time;
/// vowels are counted among the first eight letters of each word.
#[inline(always)]
fn read_word(
    b: &[u8],
    i: usize,
    f: &mut LineFacts,
    st: &mut LineState<'_>,
    lex: &Lexicon,
) -> usize {
    let w0 = load8(b, i);
    let (run, keep) = letter_run(w0);
    let mut upper = capitals(w0, keep);
    let mut j = i + run;
    if run == 8 {
        loop {
            let w = load8(b, j);
            let (run, keep) = letter_run(w);
            upper += capitals(w, keep);
            j += run;
            if run < 8 {
                break;
            }
        }
    }
    let len = (j - i) as u32;
    let key = (w0 | (ONES * 0x20)) & keep;
    f.letters += len;
    f.upper += upper;
    f.vowel_base += run as u32;
    st.tok_len += len;
    st.tok_letter = true;
    st.name_run += len;
    st.name_caps |= upper > 0;
    st.digit_run = 0;
    let tail = if len >= 5 && st.w.words_seen == 0 {
        u32::from_be_bytes([0, b[j - 3] | 0x20, b[j - 2] | 0x20, b[j - 1] | 0x20])
    } else {
        0
    };
    let wd = Word {
        len,
        key,
        upper,
        first_upper: w0 as u8 & 0x20 == 0,
        tail,
    };
    end_word(f, &mut st.w, &wd, lex);
    j
}

/// The first of a run of spaces or tabs (the rest change nothing).
#[inline]
fn read_space(f: &mut LineFacts, st: &mut LineState<'_>) {
    st.label_words += !st.colon_seen as u32;
    st.w.after_number |= st.digit_run > 0;
    // Inside the trimmed text a run of spaces always ends a token.
    debug_assert!(st.tok_len > 0);
    f.tokens += 1;
    f.codes += (st.tok_letter & st.tok_digit) as u32;
    (st.tok_letter, st.tok_digit, st.tok_len) = (false, false, 0);
    st.digit_run = 0;
    st.name_run = 0;
    st.name_caps = false;
}

/// Punctuation and other bytes: the patterns (paths, names, labels, quotes, formats, ...).
fn read_punct(b: &[u8], i: usize, c: u8, k: u8, f: &mut LineFacts, st: &mut LineState<'_>) {
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

impl LineFacts {
    /// The line has the shape of a program's status line: a count with its noun (`12
    /// messages exported`), a `Label: value`, a line opening with an error word, or a yes/no
    /// prompt (words alone, such as `error` inside a sentence, do not make one).
    pub(crate) fn is_status(&self) -> bool {
        self.count_noun || self.label || self.err_start || self.yes_no
    }

    /// The line stops inside a sentence: its last character is a letter, a comma or a hyphen.
    #[inline(always)]
    pub(crate) fn ends_mid_sentence(&self) -> bool {
        self.last.is_ascii_alphabetic() || matches!(self.last, b',' | b'-')
    }

    /// The line is a version or copyright banner.
    pub(crate) fn is_banner(&self) -> bool {
        self.cats & COPY != 0 || self.copyright_c || self.version && self.cats & VERW != 0
    }
}

impl Acc {
    /// Adds one line (its text without the line end, and how it ended); `lex` is the model's
    /// lexicon.
    pub fn line(&mut self, text: &[u8], end: End, lex: &Lexicon) {
        self.line_read(text.len(), &Acc::read(text, lex), end);
    }

    /// What one line (its text without the line end) holds, for [`Acc::line_read`]: the costly
    /// part of [`Acc::line`], which needs nothing of the lines before (so lines can be read
    /// on another thread).
    pub(crate) fn read(text: &[u8], lex: &Lexicon) -> LineFacts {
        let mut f = LineFacts::default();
        Acc::read_into(text, lex, &mut f, &mut Room::default());
        f
    }

    /// [`Acc::read`] into `f` (its earlier contents overwritten), for a reader that keeps
    /// the facts of many lines: they are written in place, not copied there (a copy of each
    /// line's facts cost about 5% of the time of reading text); `room`: kept from line to line
    /// ([`Room`]).
    pub(crate) fn read_into(text: &[u8], lex: &Lexicon, f: &mut LineFacts, room: &mut Room) {
        read_line_into(text, lex, f, room);
        f.order = super::order::marks(text);
    }

    /// Adds one line of `len` bytes read by [`Acc::read`]: the same as [`Acc::line`].
    pub(crate) fn line_read(&mut self, len: usize, f: &LineFacts, end: End) {
        self.bytes += len as u64 + end_len(end);
        match end {
            End::CrLf | End::CrCrLf => self.crlf += 1,
            End::Lf | End::Cr => self.lf += 1,
            End::None => {}
        }
        if f.nonspace == 0 {
            self.blank += 1;
            self.close_paragraph();
            return;
        }
        self.add(f);
    }

    /// The CR of an LF CR line end, which the splitter gives as a blank line of its own
    /// ([`super::blocks`] reads it as the end of the line before): its byte counts, no line.
    pub(crate) fn end_byte(&mut self) {
        self.bytes += 1;
    }

    fn close_paragraph(&mut self) {
        if self.para_lines == 1 {
            self.single_paras += 1;
        }
        self.para_lines = 0;
        self.last_mid = false;
    }

    fn add(&mut self, f: &LineFacts) {
        if self.para_lines == 0 {
            self.paragraphs += 1;
        } else {
            self.transitions += 1;
            if self.last_mid && f.first.is_ascii_lowercase() {
                self.wraps += 1;
            }
        }
        self.para_lines += 1;
        self.last_mid = f.ends_mid_sentence();
        let len = f.len - f.indent;
        self.nonblank += 1;
        self.sum_len += len as u64;
        self.sum_len2 += (len as u64) * (len as u64);
        self.long += (len > 80) as u64;
        self.fill += (60..=80).contains(&len) as u64;
        self.short += (len < 40) as u64;
        self.sent_end += matches!(f.last, b'.' | b'!' | b'?') as u64;
        self.colon_end += (f.last == b':') as u64;
        self.code_end += matches!(f.last, b';' | b'{' | b'}') as u64;
        self.section += (f.first == b'[' && f.last == b']') as u64;
        self.lower_start += f.first.is_ascii_lowercase() as u64;
        self.upper_start += f.first.is_ascii_uppercase() as u64;
        self.words += u64::from(f.words);
        self.func += u64::from(f.func);
        self.pron += u64::from(f.pron);
        self.polite += u64::from(f.polite);
        self.letters += u64::from(f.letters);
        self.digits += u64::from(f.digits);
        self.punct += u64::from(f.punct);
        self.upper += u64::from(f.upper);
        self.vowels += u64::from(f.vowels);
        self.vowel_base += u64::from(f.vowel_base);
        self.nonspace += u64::from(f.nonspace);
        self.caps_words += u64::from(f.caps_words);
        self.mixed_words += u64::from(f.mixed_words);
        self.bad_pairs += u64::from(f.bad_pairs);
        self.known += u64::from(f.known);
        self.known4 += u64::from(f.known4);
        self.pairs += u64::from(f.pairs);
        self.known_pairs += u64::from(f.known_pairs);
        self.pair_order += f.pair_order as i64;
        self.repeats += u64::from(f.repeats);
        self.title_words += u64::from(f.title_words);
        self.function_ends += f.function_end as u64;
        self.articles += u64::from(f.articles);
        self.tokens += u64::from(f.tokens);
        self.codes += u64::from(f.codes);
        self.digit_start += f.first.is_ascii_digit() as u64;
        self.times += f.time as u64;
        self.switches += f.switch as u64;
        self.ellipses += f.ellipsis as u64;
        self.shell += f.shell as u64;
        self.sentences += u64::from(f.sentences);
        let strong = [
            f.yes_no || f.cats & PROMPT != 0,
            f.err_start,
            f.label,
            f.path || f.name83,
            f.count_noun,
            f.codes > 0,
        ];
        for (bit, on) in strong.iter().enumerate() {
            self.any |= (*on as u32) << bit;
        }
        self.code_chars += u64::from(f.code_chars);
        self.other_bytes += u64::from(f.other);
        self.indent += u64::from(f.indent.min(16));
        self.label += f.label as u64;
        self.count_noun += f.count_noun as u64;
        self.err += (f.cats & ERR != 0) as u64;
        self.done += (f.cats & DONE != 0) as u64;
        self.ing_start += f.ing_start as u64;
        self.err_start += f.err_start as u64;
        self.prompt += (f.yes_no || f.cats & PROMPT != 0) as u64;
        self.banner += f.is_banner() as u64;
        self.path += f.path as u64;
        self.name83 += f.name83 as u64;
        self.quoted += f.quoted as u64;
        self.printf += f.printf as u64;
        self.equals += f.equals as u64;
        self.gaps += f.gap as u64;
        self.order.add(&f.order);
    }

    /// Adds a later stretch of text (its open paragraph stays open).
    pub fn merge(&mut self, o: &Acc) {
        self.close_paragraph();
        let keep = (o.para_lines, o.last_mid);
        macro_rules! sum {
            ($($f:ident),*) => { $( self.$f += o.$f; )* };
        }
        sum!(
            nonblank,
            blank,
            sum_len,
            sum_len2,
            long,
            fill,
            short,
            transitions,
            wraps,
            sent_end,
            colon_end,
            words,
            func,
            pron,
            polite,
            letters,
            digits,
            punct,
            upper,
            vowels,
            vowel_base,
            nonspace,
            caps_words,
            mixed_words,
            label,
            count_noun,
            err,
            done,
            ing_start,
            err_start,
            prompt,
            banner,
            path,
            name83,
            quoted,
            printf,
            indent,
            paragraphs,
            single_paras,
            lower_start,
            upper_start,
            bad_pairs,
            code_chars,
            code_end,
            equals,
            section,
            gaps,
            crlf,
            lf,
            other_bytes,
            bytes,
            known,
            known4,
            pairs,
            known_pairs,
            pair_order,
            repeats,
            title_words,
            function_ends,
            articles,
            tokens,
            codes,
            digit_start,
            times,
            switches,
            ellipses,
            shell,
            sentences
        );
        self.any |= o.any;
        self.order.merge(&o.order);
        (self.para_lines, self.last_mid) = keep;
    }

    /// Non-blank lines.
    pub fn lines(&self) -> u32 {
        saturated(self.nonblank)
    }

    /// Bytes read, line ends included.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Words read.
    pub fn words(&self) -> u32 {
        saturated(self.words)
    }

    /// Line ends (CR LF, LF or CR) read.
    pub fn line_ends(&self) -> u32 {
        saturated(self.crlf + self.lf)
    }

    /// Words of four letters or more that the dictionary knows.
    pub fn known_words(&self) -> u32 {
        saturated(self.known4)
    }

    /// The feature vector; `lead_blank` is the number of blank lines the block starts with.
    pub fn features(&self, lead_blank: u32) -> [f32; NF] {
        let n = self.nonblank.max(1) as f32;
        let w = self.words.max(1) as f32;
        let c = self.nonspace.max(1) as f32;
        let l = self.letters.max(1) as f32;
        let mean = self.sum_len as f32 / n;
        let var = (self.sum_len2 as f32 / n - mean * mean).max(0.0);
        let paras = self.paragraphs.max(1) as f32;
        let single = self.single_paras + (self.para_lines == 1) as u64;
        let per = |x: u64| x as f32 / n;
        let terms = (self.crlf + self.lf).max(1) as f32;
        let order = self.pair_order as f32 / (self.pairs + 2) as f32 / ORDER_MAX as f32;
        let own: [f32; OWN] = [
            ((1.0 + self.nonblank as f32).ln() / 64f32.ln()).min(1.5),
            self.blank as f32 / (self.blank + self.nonblank).max(1) as f32,
            (mean / 80.0).min(2.0),
            (var.sqrt() / 40.0).min(2.0),
            per(self.long),
            per(self.fill),
            per(self.short),
            self.wraps as f32 / self.transitions.max(1) as f32,
            per(self.sent_end),
            per(self.colon_end),
            self.func as f32 / w,
            self.pron as f32 / w,
            (self.polite as f32 / w * 10.0).min(1.0),
            (self.letters as f32 / w / 10.0).min(2.0),
            self.letters as f32 / c,
            self.digits as f32 / c,
            self.punct as f32 / c,
            self.upper as f32 / l,
            self.caps_words as f32 / w,
            self.mixed_words as f32 / w,
            self.vowels as f32 / self.vowel_base.max(1) as f32,
            per(self.label),
            per(self.count_noun),
            per(self.err),
            per(self.done),
            per(self.ing_start),
            per(self.err_start),
            per(self.prompt),
            (self.banner as f32).min(1.0),
            per(self.path),
            per(self.name83),
            per(self.quoted),
            per(self.printf),
            (self.indent as f32 / n / 8.0).min(2.0),
            single as f32 / paras,
            per(self.lower_start),
            per(self.upper_start),
            (self.bad_pairs as f32 / w * 10.0).min(1.0),
            self.known as f32 / w,
            (self.known_pairs + 1) as f32 / (self.pairs + 2) as f32,
            (self.repeats as f32 / w * 5.0).min(1.0),
            self.title_words as f32 / w,
            per(self.function_ends),
            self.articles as f32 / w,
            self.codes as f32 / self.tokens.max(1) as f32,
            per(self.digit_start),
            per(self.times),
            per(self.switches),
            per(self.ellipses),
            per(self.shell),
            (self.sentences as f32 / n).min(3.0),
            (self.any & 1) as f32,
            (self.any >> 1 & 1) as f32,
            (self.any >> 2 & 1) as f32,
            (self.any >> 3 & 1) as f32,
            (self.any >> 4 & 1) as f32,
            (self.any >> 5 & 1) as f32,
            (self.code_chars as f32 / c * 5.0).min(1.0),
            per(self.code_end),
            per(self.equals),
            per(self.section),
            per(self.gaps),
            self.crlf as f32 / terms,
            lead_blank.min(2) as f32 / 2.0,
            (self.other_bytes as f32 / c * 5.0).min(1.0),
            // Two pairs of score 0 smooth it, as for known-pairs.
            order,
            // The same for a block of one line, where no other line tells its kind.
            if self.nonblank == 1 { order } else { 0.0 },
        ];
        let mut all = [0f32; NF];
        all[..OWN].copy_from_slice(&own);
        all[OWN..].copy_from_slice(&self.order.features());
        all
    }
}

/// A count of a block (64 bits, as a block of several GB of text can pass 32) as 32 bits, held
/// at the largest value.
fn saturated(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn end_len(e: End) -> u64 {
    match e {
        End::None => 0,
        End::Lf | End::Cr => 1,
        End::CrLf => 2,
        End::CrCrLf => 3,
    }
}

/// Number of features read here.
const OWN: usize = 67;

/// Number of features.
pub const NF: usize = OWN + super::order::NAMES.len();

/// Feature names, in vector order, with what each measures.
pub const NAMES: [(&str, &str); NF] = {
    let mut all = [("", ""); NF];
    let mut i = 0;
    while i < OWN {
        all[i] = OWN_NAMES[i];
        i += 1;
    }
    while i < NF {
        all[i] = super::order::NAMES[i - OWN];
        i += 1;
    }
    all
};

/// Names of the features read here.
const OWN_NAMES: [(&str, &str); OWN] = [
    ("lines", "how many non-blank lines (log scale)"),
    ("blank-lines", "share of blank lines"),
    ("line-length", "mean line length (80 columns = 1)"),
    ("length-spread", "spread of line lengths"),
    ("long-lines", "share of lines over 80 columns"),
    (
        "filled-lines",
        "share of lines of 60 to 80 columns (wrapped text)",
    ),
    ("short-lines", "share of lines under 40 columns"),
    (
        "wrapped-sentences",
        "lines ending mid-sentence with the next starting in lower case",
    ),
    ("sentence-ends", "share of lines ending with . ! or ?"),
    ("colon-ends", "share of lines ending with a colon"),
    (
        "function-words",
        "share of function words (the, of, is, ...)",
    ),
    ("pronouns", "share of personal pronouns"),
    ("greetings", "please, thanks, dear, regards"),
    ("word-length", "mean word length"),
    ("letters", "share of letters among visible characters"),
    ("digits", "share of digits"),
    ("punctuation", "share of punctuation"),
    ("capitals", "share of capital letters"),
    ("all-caps-words", "share of words in capitals"),
    ("mixed-case-words", "share of words with a capital inside"),
    (
        "vowels",
        "share of vowels among the first eight letters of words",
    ),
    ("label-value", "share of `Label: value` lines"),
    (
        "counts",
        "share of lines with a count and a noun (12 messages)",
    ),
    (
        "error-words",
        "share of lines with error, failed, cannot, invalid, ...",
    ),
    (
        "done-words",
        "share of lines with completed, ended, exported, ...",
    ),
    (
        "progress-lines",
        "share of lines starting with a capitalised -ing word",
    ),
    (
        "error-starts",
        "share of lines starting with error, warning, notice, usage, ...",
    ),
    ("prompts", "share of lines with (Y/N), press, hit, retry"),
    ("banner", "a version or copyright line"),
    ("dos-paths", "share of lines with a DOS path"),
    ("8.3-names", "share of lines with an 8.3 file name"),
    ("quoted-names", "share of lines with a quoted name"),
    (
        "printf-formats",
        "share of lines with %s, %d, ... (templates)",
    ),
    ("indent", "mean indentation"),
    ("one-line-paragraphs", "share of paragraphs of one line"),
    ("lower-case-starts", "share of lines starting in lower case"),
    ("capital-starts", "share of lines starting with a capital"),
    (
        "broken-word-order",
        "an article or preposition before a function word",
    ),
    ("known-words", "share of words the corpus knows"),
    (
        "known-pairs",
        "share of neighbouring words the corpus has seen side by side (word order)",
    ),
    ("repeated-words", "content words repeated within a line"),
    (
        "capitalised-words",
        "share of words with a capital first letter",
    ),
    (
        "function-word-ends",
        "share of lines whose last word is an article, preposition, ...",
    ),
    ("articles", "share of the, a, an"),
    (
        "codes",
        "share of tokens mixing letters and digits (0x1A, Net2190, MSG4A27)",
    ),
    ("digit-starts", "share of lines starting with a digit"),
    (
        "times",
        "share of lines with a time or date (15:36, 01-28-94)",
    ),
    ("switches", "share of lines with a command switch (/S, -p)"),
    ("ellipses", "share of lines with ... (progress)"),
    (
        "shell-prompts",
        "share of lines starting with a DOS prompt (C:\\>)",
    ),
    (
        "sentences-per-line",
        "sentences starting inside lines, per line",
    ),
    ("any-prompt", "a line with (Y/N), press, ..."),
    (
        "any-error-start",
        "a line starting with error, warning, notice, ...",
    ),
    ("any-label-value", "a `Label: value` line"),
    ("any-path-or-name", "a line with a DOS path or 8.3 name"),
    ("any-count", "a line with a count and a noun"),
    ("any-code", "a token mixing letters and digits"),
    ("code-characters", "share of { } ( ) ; = < > [ ]"),
    ("code-line-ends", "share of lines ending with ; { or }"),
    ("key=value", "share of key=value lines"),
    ("sections", "share of [section] lines"),
    (
        "column-gaps",
        "share of lines with runs of 3+ spaces inside",
    ),
    ("cr-lf", "share of line ends that are CR LF"),
    (
        "leading-blank-lines",
        "blank lines before the first line (up to 2)",
    ),
    ("other-bytes", "bytes outside printable ASCII"),
    (
        "word-order",
        "how much more often than by chance neighbouring words stand side by side in public text",
    ),
    (
        "one-line-word-order",
        "word-order of a block of one line (0 otherwise)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::lines::lines;

    fn acc(text: &str) -> Acc {
        let b = text.as_bytes();
        let mut a = Acc::default();
        for l in lines(b, 0, b.len()) {
            a.line(l.text(b), l.term, &Lexicon::default());
        }
        a
    }

    fn feature(text: &str, name: &str) -> f32 {
        let i = NAMES.iter().position(|n| n.0 == name).unwrap();
        acc(text).features(0)[i]
    }

    #[test]
    fn word_order_is_the_smoothed_mean_score_of_the_pairs() {
        let mut prints = Vec::new();
        word_pairs(b"post office locked", |p| prints.push(p));
        assert_eq!(prints.len(), 2);
        // The first pair scores 5 bits; the second is known but has no public score.
        let lex = Lexicon::new(&[], &prints, [(prints[0], 10), (0x1235, 3)]);
        let mut a = Acc::default();
        a.line(b"post office locked", End::CrLf, &lex);
        let i = NAMES.iter().position(|n| n.0 == "word-order").unwrap();
        let want = (10 + ORDER_UNSEEN as i32) as f32 / 4.0 / ORDER_MAX as f32;
        assert_eq!(a.features(0)[i], want);
        assert_eq!(feature("post office locked", "known-pairs"), 1.0 / 4.0);
        // Scores are kept within their bounds.
        let lex = Lexicon::new(&[], &prints, [(prints[0], 100), (prints[1], -100)]);
        let mut a = Acc::default();
        a.line(b"post office locked", End::CrLf, &lex);
        let want = (ORDER_MAX + ORDER_UNSEEN) as f32 / 4.0 / ORDER_MAX as f32;
        assert_eq!(a.features(0)[i], want);
        // One-line-word-order is the same for a block of one line, 0 for a longer one.
        let one = NAMES
            .iter()
            .position(|n| n.0 == "one-line-word-order")
            .unwrap();
        assert_eq!(a.features(0)[one], want);
        a.line(b"post office", End::CrLf, &lex);
        let want = (2 * ORDER_MAX + ORDER_UNSEEN) as f32 / 5.0 / ORDER_MAX as f32;
        assert_eq!((a.features(0)[i], a.features(0)[one]), (want, 0.0));
    }

    #[test]
    fn block_sums_do_not_overflow_in_a_huge_block() {
        // 400 million pairs of unseen words (about 1.6 GB of text) sum to -2.4e9, past i32;
        // twice 3 billion words or letters (several GB of text in one block) pass u32.
        let mut a = Acc {
            pairs: 400_000_000,
            pair_order: 400_000_000 * ORDER_UNSEEN as i64,
            words: 3_000_000_000,
            letters: 12_000_000_000,
            known4: 3_000_000_000,
            nonblank: 1,
            ..Acc::default()
        };
        a.merge(&a.clone());
        let f = a.features(0);
        let at = |name: &str| f[NAMES.iter().position(|n| n.0 == name).unwrap()];
        let order = at("word-order");
        assert!(
            (order - ORDER_UNSEEN as f32 / ORDER_MAX as f32).abs() < 1e-6,
            "{order}"
        );
        // Letters per word: 24e9 / 6e9 = 4, as a tenth.
        assert_eq!(at("word-length"), 0.4);
        assert_eq!((a.words(), a.known_words()), (u32::MAX, u32::MAX));
    }

    #[test]
    fn the_word_table_finds_its_words_only() {
        let t = Lexicon::new(&["mailbox".to_string()], &[], []);
        for &(w, c) in WORDS {
            assert_eq!(t.get(key_of(w)), c, "{w}");
        }
        assert_eq!(t.get(key_of("mailbox")), KNOWN);
        assert_eq!(t.get(key_of("successfullyx")), 0);
        assert_eq!(Lexicon::default().get(key_of("mailbox")), 0);
    }

    #[test]
    fn short_loads_match_a_copy() {
        let bytes: Vec<u8> = (1..=16u8).map(|k| k.wrapping_mul(37) | 0x80).collect();
        for n in 0..8 {
            let mut t = [0u8; 8];
            t[..n].copy_from_slice(&bytes[..n]);
            assert_eq!(load_short(&bytes[..n]), u64::from_le_bytes(t), "{n} bytes");
            assert_eq!(load8(&bytes[..n], 0), u64::from_le_bytes(t), "{n} bytes");
        }
        assert_eq!(
            load8(&bytes, 14),
            u64::from_le_bytes([bytes[14], bytes[15], 0, 0, 0, 0, 0, 0])
        );
        assert_eq!(load8(&bytes, 20), 0);
    }

    #[test]
    fn eight_bytes_at_once_match_one_at_a_time() {
        for b in 0..=255u8 {
            for pos in [0usize, 3, 7] {
                let mut bytes = [b'x'; 8];
                bytes[pos] = b;
                let w = u64::from_le_bytes(bytes);
                let bit = 0x80u64 << (8 * pos);
                assert_eq!(letters_in(w) & bit != 0, b.is_ascii_alphabetic(), "{b:02X}");
                assert_eq!(
                    in_range(w, b'A', b'Z') & bit != 0,
                    b.is_ascii_uppercase(),
                    "{b:02X}"
                );
                assert_eq!(equal_in(w, b'e') & bit != 0, b == b'e', "{b:02X}");
            }
        }
        assert_eq!(vowels_in(u64::from_le_bytes(*b"mailbox\0")), 3);
        for bits in 0..=255u64 {
            let m = (0..8).fold(0, |m, k| m | (bits >> k & 1) << (8 * k + 7));
            assert_eq!(bytes_set(m), m.count_ones(), "{m:016X}");
        }
    }

    #[test]
    fn line_facts() {
        let b = "Exporting messages in mailbox \"randyyeh_ee\" to file EXPORT\\MSG4A27.CCM";
        let f = read_line(b.as_bytes(), &Lexicon::default());
        assert!(f.ing_start && f.quoted && f.path && f.name83 && !f.label);
        assert_eq!(f.words, 12);
        let f = read_line(
            b"Post office directory: e:\\ccmail\\ccdata",
            &Lexicon::default(),
        );
        assert!(f.label && f.path);
        let f = read_line(b"EXPORT 8.50.00.14 Copyright(c) 1991", &Lexicon::default());
        assert!(f.version && f.copyright_c && f.cats & COPY != 0);
        let f = read_line(b"12 messages exported.", &Lexicon::default());
        assert!(f.count_noun && f.cats & DONE != 0);
        let f = read_line(b"cannot open %s: %-8lu bytes", &Lexicon::default());
        assert!(f.printf && f.cats & ERR != 0);
        let f = read_line(b"for e.g. the 1998 the of and", &Lexicon::default());
        assert!(!f.name83 && !f.count_noun);
        assert_eq!(f.bad_pairs, 2);
        let f = read_line(b"Path=C:\\CCMAIL   ; comment", &Lexicon::default());
        assert!(f.equals && f.gap && f.path);
    }

    #[test]
    fn wrapped_prose_and_merging() {
        let prose = "The connector writes the console output of Import and\r\nthe Export \
                     tool into temporary files in the Ccmcdata folder, and a\r\nhandle mix-up \
                     can put it into a message file.\r\n";
        assert_eq!(feature(prose, "wrapped-sentences"), 1.0);
        assert_eq!(feature(prose, "cr-lf"), 1.0);
        let a = acc("one\n\ntwo\nthree\n");
        let mut b = acc("one\n");
        b.merge(&acc("\ntwo\nthree\n"));
        assert_eq!(a.features(0), b.features(0));
        assert_eq!(feature("one\n\ntwo\nthree\n", "one-line-paragraphs"), 0.5);
    }
}

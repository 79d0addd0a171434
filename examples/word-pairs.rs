//! Builds assets/word-pairs.bin, the public word pairs of the text model, from a clone of the
//! Microsoft Knowledge Base text archive (github:jeffpar/kbarchive), whose path is given:
//!
//!     git clone https://github.com/jeffpar/kbarchive && git -C kbarchive checkout e92bde762b
//!     cargo run --release --example word-pairs -- kbarchive/txt
//!
//! Each article's pairs of words seen side by side (as [`line_words`] reads them) are counted
//! once per article; a pair goes into the file when at least `MIN_ARTICLES` articles hold it.
//! Each kept pair also gets its order score: the pointwise mutual information of the two words
//! over all the articles read, `log2(n(a b) * N / (n(a) * n(b)))` in half bits (n counts every
//! occurrence; N is the number of words), rounded and kept within the reader's bounds.
//! Articles that are sources of the labelled corpus (assets/corpus/sources.toml, every split)
//! are left out, so the corpus's held-out text is not known through them. The file holds the
//! pairs' fingerprints (sorted u32, little-endian), then their scores (one signed byte each, in
//! the same order), no text.

use clanscope::detect::features::{line_words, PairOrder, ORDER_MAX, ORDER_UNSEEN};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// A pair must be found in this many articles.
const MIN_ARTICLES: u32 = 3;

fn articles(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read the archive folder")
        .map(|e| e.expect("folder entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            articles(&p, out);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
            out.push(p);
        }
    }
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: word-pairs <kbarchive/txt>");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = std::fs::read_to_string(root.join("assets/corpus/sources.toml"))
        .expect("assets/corpus/sources.toml")
        .to_ascii_lowercase();
    let mut files = Vec::new();
    articles(Path::new(&dir), &mut files);
    let mut count: HashMap<u32, u32> = HashMap::new();
    let mut words: HashMap<u64, u64> = HashMap::new();
    let mut pairs: HashMap<u32, (u64, u64, u64)> = HashMap::new();
    let mut total = 0u64;
    let (mut used, mut skipped) = (0, 0);
    for f in &files {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let id = stem.to_ascii_lowercase();
        if sources.contains(&format!("\"kb-{id}\"")) || sources.contains(&format!("kb {id}")) {
            skipped += 1;
            continue;
        }
        let bytes = std::fs::read(f).expect("read an article");
        let mut set = BTreeSet::new();
        for line in bytes.split(|&b| b == b'\n') {
            let mut prev = 0;
            line_words(line, |w, p| {
                *words.entry(w).or_default() += 1;
                total += 1;
                if let Some(p) = p {
                    set.insert(p);
                    pairs.entry(p).or_insert((prev, w, 0)).2 += 1;
                }
                prev = w;
            });
        }
        for p in set {
            *count.entry(p).or_default() += 1;
        }
        used += 1;
    }
    let mut keep: Vec<u32> = count
        .into_iter()
        .filter(|&(_, n)| n >= MIN_ARTICLES)
        .map(|(p, _)| p)
        .collect();
    keep.sort_unstable();
    let score = |p: &u32| -> PairOrder {
        let (a, b, n) = pairs[p];
        let pmi = (n as f64 * total as f64 / (words[&a] as f64 * words[&b] as f64)).log2();
        (2.0 * pmi)
            .round()
            .clamp(ORDER_UNSEEN as f64, ORDER_MAX as f64) as PairOrder
    };
    let mut bytes: Vec<u8> = keep.iter().flat_map(|p| p.to_le_bytes()).collect();
    bytes.extend(keep.iter().map(|p| score(p) as u8));
    let out = root.join("assets/word-pairs.bin");
    std::fs::write(&out, bytes).expect("write the pairs");
    eprintln!(
        "{} articles read, {skipped} corpus sources left out, {total} words; {} pairs in {MIN_ARTICLES}+ articles written to {}",
        used,
        keep.len(),
        out.display()
    );
}

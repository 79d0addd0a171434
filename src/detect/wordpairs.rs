//! The public word pairs of the text model: fingerprints (see [`super::features::word_pairs`])
//! of the pairs of words that stand side by side in at least three articles of the Microsoft
//! Knowledge Base text archive (github:jeffpar/kbarchive), corpus sources left out. Built by
//! `cargo run --release --example word-pairs -- <kbarchive/txt>` into assets/word-pairs.bin;
//! they tell words in a plausible order from word salad far better than the corpus's own pairs.

use std::sync::LazyLock;

static PAIRS: LazyLock<Vec<u32>> = LazyLock::new(|| {
    include_bytes!("../../assets/word-pairs.bin")
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
});

/// The public pairs' fingerprints, sorted.
pub fn public() -> &'static [u32] {
    &PAIRS
}

/// `own` and the public pairs together (the pairs a model's lexicon knows).
pub fn with_public(own: &[u32]) -> Vec<u32> {
    let mut all = Vec::with_capacity(own.len() + PAIRS.len());
    all.extend_from_slice(own);
    all.extend_from_slice(&PAIRS);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_pairs_are_sorted_fingerprints() {
        let p = public();
        assert!(p.len() > 100_000, "{} pairs", p.len());
        assert!(p.windows(2).all(|w| w[0] < w[1]));
        // Fingerprints are never 0 (see `pair_print`).
        assert!(p.iter().all(|&x| x & 1 == 1));
    }

    #[test]
    fn common_pairs_are_known_and_salad_is_not() {
        let mut seen = Vec::new();
        crate::detect::features::word_pairs(b"the post office is locked by another", |p| {
            seen.push(p)
        });
        let known = seen
            .iter()
            .filter(|p| public().binary_search(p).is_ok())
            .count();
        assert!(known >= 5, "{known} of {} pairs known", seen.len());
        let mut salad = Vec::new();
        crate::detect::features::word_pairs(b"mailbox zebra quarterly the remote", |p| {
            salad.push(p)
        });
        let known = salad
            .iter()
            .filter(|p| public().binary_search(p).is_ok())
            .count();
        assert!(known <= 1, "{known} salad pairs known");
    }
}

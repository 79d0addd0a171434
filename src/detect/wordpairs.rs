//! The public word pairs of the text model: fingerprints (see [`super::features::word_pairs`])
//! of the pairs of words that stand side by side in at least three articles of the Microsoft
//! Knowledge Base text archive (github:jeffpar/kbarchive), corpus sources left out, each with
//! its order score there ([`PairOrder`]). Built by
//! `cargo run --release --example word-pairs -- <kbarchive/txt>` into assets/word-pairs.bin;
//! they tell words in a plausible order from word salad far better than the corpus's own pairs.
//! The file holds the sorted fingerprints (u32, little-endian), then one score byte per pair in
//! the same order.

use super::features::PairOrder;
use std::sync::LazyLock;

static FILE: &[u8] = include_bytes!("../../assets/word-pairs.bin");

static PAIRS: LazyLock<Vec<u32>> = LazyLock::new(|| {
    FILE[..4 * count()]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
});

/// How many pairs the file holds (5 bytes each).
fn count() -> usize {
    FILE.len() / 5
}

/// The public pairs' fingerprints, sorted.
pub fn public() -> &'static [u32] {
    &PAIRS
}

/// The public pairs' order scores, by fingerprint, read from the file as they are needed (a
/// lexicon copies them into its table, so they are not kept twice).
pub fn order() -> impl Iterator<Item = (u32, PairOrder)> {
    let n = count();
    FILE[..4 * n]
        .chunks_exact(4)
        .zip(&FILE[4 * n..])
        .map(|(c, &s)| (u32::from_le_bytes([c[0], c[1], c[2], c[3]]), s as PairOrder))
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

    #[test]
    fn the_file_holds_one_score_a_pair_and_real_order_scores_higher() {
        assert_eq!(FILE.len() % 5, 0);
        let order: Vec<(u32, PairOrder)> = order().collect();
        assert_eq!(order.len(), public().len());
        assert!(order.iter().map(|o| o.0).eq(public().iter().copied()));
        use crate::detect::features::{ORDER_MAX, ORDER_UNSEEN};
        assert!(order
            .iter()
            .all(|&(_, s)| (ORDER_UNSEEN..=ORDER_MAX).contains(&s)));
        let score = |line: &[u8]| {
            let mut sum = 0;
            crate::detect::features::word_pairs(line, |p| {
                sum += order
                    .binary_search_by_key(&p, |o| o.0)
                    .map_or(ORDER_UNSEEN, |i| order[i].1) as i32
            });
            sum
        };
        let real = score(b"the post office is locked by another program");
        let salad = score(b"office the locked program another is by post");
        assert!(real > 8 * 2 && salad < 0, "real {real}, salad {salad}");
    }
}

//! The table of the word pairs a lexicon knows ([`PairTable`]): each pair's fingerprint, in
//! buckets of four (16 bytes), with its order score beside. A lookup compares the four
//! fingerprints of one bucket at once and takes the score without a branch on the outcome;
//! only a miss in a bucket that has overflowed (rare: a bucket holds one or two pairs on average)
//! reads on into the next bucket.

use super::{PairOrder, ORDER_MAX, ORDER_UNSEEN};

/// Fingerprints a bucket holds.
const LANES: usize = 4;

/// Word pair fingerprints (never 0) and their order scores.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct PairTable {
    /// Per bucket, up to [`LANES`] fingerprints (0 = empty).
    prints: Vec<Bucket>,
    /// Per lane of `prints`, the pair's order score; then one more, [`ORDER_UNSEEN`], the
    /// score of a pair the table does not hold.
    order: Vec<PairOrder>,
    /// One bit per bucket: a pair whose first bucket this is was placed in a later one, so a
    /// miss here reads on.
    more: Vec<u64>,
}

/// One bucket of fingerprints, in one 16-byte load.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, align(16))]
struct Bucket([u32; LANES]);

impl PairTable {
    /// The table of `pairs` (each stored as `p | 1`, as fingerprints are never 0), with the
    /// scores of `order` for the pairs it holds (kept within their bounds; others score
    /// [`ORDER_UNSEEN`]).
    pub(super) fn new(pairs: &[u32], order: impl IntoIterator<Item = (u32, PairOrder)>) -> Self {
        // Lanes for two to four times the pairs (as many slots as open addressing over single
        // fingerprints had): a bucket holds 0.5 to 2 pairs on average and overflows rarely, so
        // a lookup reads one bucket (and one that reads on reaches a bucket that is not full).
        let buckets = pairs.len().div_ceil(2).next_power_of_two().max(2);
        PairTable::with_buckets(buckets, pairs, order)
    }

    /// [`PairTable::new`] with this many buckets (a power of two, more lanes than pairs).
    fn with_buckets(
        buckets: usize,
        pairs: &[u32],
        order: impl IntoIterator<Item = (u32, PairOrder)>,
    ) -> Self {
        let mut t = PairTable {
            prints: vec![Bucket([0; LANES]); buckets],
            order: vec![ORDER_UNSEEN; buckets * LANES + 1],
            more: vec![0; buckets.div_ceil(64)],
        };
        for &p in pairs {
            t.insert(p | 1);
        }
        for (p, v) in order {
            if let Some(i) = t.find(p) {
                t.order[i] = v.clamp(ORDER_UNSEEN, ORDER_MAX);
            }
        }
        t
    }

    /// The first bucket of fingerprint `p`.
    #[inline(always)]
    fn home(&self, p: u32) -> usize {
        let h = (p as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
        h as usize & (self.prints.len() - 1)
    }

    /// True when a pair whose first bucket is `b` lies further on.
    #[inline(always)]
    fn reads_on(&self, b: usize) -> bool {
        self.more[b / 64] >> (b % 64) & 1 != 0
    }

    fn insert(&mut self, p: u32) {
        if self.find(p).is_some() {
            return;
        }
        let mask = self.prints.len() - 1;
        let mut b = self.home(p);
        loop {
            if let Some(lane) = self.prints[b].0.iter().position(|&x| x == 0) {
                self.prints[b].0[lane] = p;
                return;
            }
            self.more[b / 64] |= 1 << (b % 64);
            b = (b + 1) & mask;
        }
    }

    /// The lane (as an index of `order`) of fingerprint `p`, when the table holds it.
    fn find(&self, p: u32) -> Option<usize> {
        let mask = self.prints.len() - 1;
        let mut b = self.home(p);
        loop {
            let m = lanes_equal(&self.prints[b], p);
            if m != 0 {
                return Some(b * LANES + m.trailing_zeros() as usize);
            }
            if !self.reads_on(b) {
                return None;
            }
            b = (b + 1) & mask;
        }
    }

    /// Whether the table holds pair `p` (a fingerprint, never 0), and its order score
    /// ([`ORDER_UNSEEN`] when it does not).
    #[inline(always)]
    pub(super) fn get(&self, p: u32) -> (bool, PairOrder) {
        let b = self.home(p);
        let m = lanes_equal(&self.prints[b], p);
        // A miss in a bucket that reads on, as one test: the rare slow case is the only branch.
        if m | (!self.reads_on(b) as u32) << LANES == 0 {
            return self.get_slow(p);
        }
        // A hit's lane, or for a miss the last score, ORDER_UNSEEN (masks, not a branch on
        // the outcome, which text makes unpredictable).
        let hit = ((m != 0) as usize).wrapping_neg();
        let lane = b * LANES + (m | 1 << LANES).trailing_zeros() as usize;
        let at = lane & hit | (self.order.len() - 1) & !hit;
        (m != 0, self.order[at])
    }

    #[cold]
    #[inline(never)]
    fn get_slow(&self, p: u32) -> (bool, PairOrder) {
        match self.find(p) {
            Some(i) => (true, self.order[i]),
            None => (false, ORDER_UNSEEN),
        }
    }
}

/// One bit per lane of bucket `b` equal to `p`.
#[inline(always)]
fn lanes_equal(b: &Bucket, p: u32) -> u32 {
    b.0.iter()
        .enumerate()
        .fold(0, |m, (i, &x)| m | ((x == p) as u32) << i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// The table as first written: open addressing over single fingerprints.
    fn by_map(pairs: &[u32], order: &[(u32, PairOrder)]) -> HashMap<u32, PairOrder> {
        let mut m: HashMap<u32, PairOrder> = pairs.iter().map(|&p| (p | 1, ORDER_UNSEEN)).collect();
        for &(p, v) in order {
            if let Some(s) = m.get_mut(&p) {
                *s = v.clamp(ORDER_UNSEEN, ORDER_MAX);
            }
        }
        m
    }

    fn xorshift(x: &mut u64) -> u32 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        (*x >> 16) as u32
    }

    fn check(pairs: &[u32], order: &[(u32, PairOrder)], probes: &[u32]) {
        let t = PairTable::new(pairs, order.iter().copied());
        let m = by_map(pairs, order);
        for &p in pairs.iter().chain(probes) {
            let p = p | 1;
            let want = m.get(&p).map_or((false, ORDER_UNSEEN), |&v| (true, v));
            assert_eq!(t.get(p), want, "{p:08X}");
        }
    }

    #[test]
    fn the_table_holds_its_pairs_only() {
        let mut x = 0x1234_5678_9ABC_DEF1;
        let pairs: Vec<u32> = (0..5000).map(|_| xorshift(&mut x)).collect();
        let mut order: Vec<(u32, PairOrder)> = pairs
            .iter()
            .step_by(3)
            .map(|&p| (p | 1, (xorshift(&mut x) % 40) as PairOrder - 20))
            .collect();
        // Scores of pairs not held, and of even prints (never a fingerprint), change nothing.
        order.push((0x1234_5678, 5));
        order.push((pairs[1] & !1, 7));
        let probes: Vec<u32> = (0..20_000).map(|_| xorshift(&mut x)).collect();
        check(&pairs, &order, &probes);
        // Duplicates and 0.
        let mut dup = pairs[..300].to_vec();
        dup.extend_from_slice(&pairs[..100]);
        dup.push(0);
        check(&dup, &order, &probes);
        // 24 pairs in 8 buckets of 4: some buckets overflow into the next ones.
        let t = PairTable::with_buckets(8, &pairs[..24], order.iter().copied());
        assert!(t.more[0] != 0);
        let m = by_map(&pairs[..24], &order);
        for &p in pairs.iter().chain(&probes) {
            let p = p | 1;
            let want = m.get(&p).map_or((false, ORDER_UNSEEN), |&v| (true, v));
            assert_eq!(t.get(p), want, "{p:08X}");
        }
    }

    #[test]
    fn the_models_table_holds_the_models_pairs() {
        let model = crate::detect::model::Model::builtin();
        let pairs = crate::detect::wordpairs::with_public(&model.pairs);
        let order: Vec<_> = crate::detect::wordpairs::order().collect();
        let mut x = 0x9E37_79B9_7F4A_7C15;
        let probes: Vec<u32> = (0..200_000).map(|_| xorshift(&mut x)).collect();
        check(&pairs, &order, &probes);
    }

    #[test]
    fn a_bucket_is_one_load() {
        assert_eq!(std::mem::size_of::<Bucket>(), 16);
    }
}

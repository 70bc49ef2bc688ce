//! Fisher-Yates shuffling and unbiased integers from any `RngCore`.

use rand_core::RngCore;

use crate::num::wide_product;

/// A uniform integer in `0..n` (`n > 0`), without modulo bias (Lemire's
/// multiply-and-reject method). Returns 0 for `n == 0`.
///
/// A draw whose low word is at least `n` is always accepted (the rejection
/// threshold `2³² mod n` is below `n`), so the threshold, a division, is
/// computed only for the rare draws below `n`: the same draws are accepted
/// as with the threshold computed up front.
#[inline]
pub fn below<R: RngCore + ?Sized>(rng: &mut R, n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    let mut m = wide_product(rng.next_u32(), n);
    if (m as u32) < n {
        let threshold = n.wrapping_neg() % n; // (2^32 − n) mod n
        while (m as u32) < threshold {
            m = wide_product(rng.next_u32(), n);
        }
    }
    (m >> 32) as u32
}

/// Shuffles `items` in place: every permutation is equally likely
/// (Fisher-Yates, drawing without replacement).
///
/// ```
/// use stacknet::prelude::*;
/// let mut order = [0u32, 1, 2, 3, 4];
/// stacknet::train::shuffle(&mut order, &mut XorShiftRng::seed_from_u64(1));
/// let mut sorted = order;
/// sorted.sort();
/// assert_eq!(sorted, [0, 1, 2, 3, 4]);
/// ```
pub fn shuffle<T, R: RngCore + ?Sized>(items: &mut [T], rng: &mut R) {
    let len = items.len().min(u32::MAX as usize);
    for i in (1..len).rev() {
        let j = below(rng, i as u32 + 1) as usize;
        if j < i {
            if let Some((head, tail)) = items.split_at_mut_checked(i) {
                if let (Some(a), Some(b)) = (head.get_mut(j), tail.first_mut()) {
                    core::mem::swap(a, b);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;
    use rand_xorshift::XorShiftRng;

    #[test]
    fn every_position_is_equally_likely() {
        // 3 items: each of the 6 permutations should appear ~1/6 of the time
        let mut rng = XorShiftRng::seed_from_u64(9);
        let mut counts = [0u32; 6];
        let trials = 60_000;
        for _ in 0..trials {
            let mut v = [0u8, 1, 2];
            shuffle(&mut v, &mut rng);
            let index = match v {
                [0, 1, 2] => 0,
                [0, 2, 1] => 1,
                [1, 0, 2] => 2,
                [1, 2, 0] => 3,
                [2, 0, 1] => 4,
                _ => 5,
            };
            counts[index] += 1;
        }
        for c in counts {
            let expected = trials as f32 / 6.0;
            assert!((c as f32 - expected).abs() < 0.05 * expected, "{counts:?}");
        }
    }

    /// Lemire's method as published: the threshold computed before the first
    /// draw.
    fn below_with_threshold_first(rng: &mut XorShiftRng, n: u32) -> u32 {
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u64::from(rng.next_u32()) * u64::from(n);
            if (m as u32) >= threshold {
                return (m >> 32) as u32;
            }
        }
    }

    #[test]
    fn below_accepts_the_draws_the_published_method_accepts() {
        // n near powers of two and near 2³² reject often; each pair of
        // generators must stay in step, draw for draw
        for n in [
            1,
            2,
            3,
            5,
            7,
            100,
            404,
            1 << 16,
            (1 << 31) + 1,
            u32::MAX - 1,
            u32::MAX,
        ] {
            let (mut a, mut b) = (XorShiftRng::seed_from_u64(5), XorShiftRng::seed_from_u64(5));
            for _ in 0..20_000 {
                assert_eq!(
                    below(&mut a, n),
                    below_with_threshold_first(&mut b, n),
                    "n = {n}"
                );
            }
            assert_eq!(a.next_u32(), b.next_u32(), "n = {n}: the streams drifted");
        }
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = XorShiftRng::seed_from_u64(2);
        for n in [1, 2, 3, 7, 1000] {
            for _ in 0..1000 {
                assert!(below(&mut rng, n) < n);
            }
        }
        assert_eq!(below(&mut rng, 0), 0);
    }
}

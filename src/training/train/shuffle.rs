//! Fisher-Yates shuffling and unbiased integers from any `RngCore`.

use rand_core::RngCore;

/// A uniform integer in `0..n` (`n > 0`), without modulo bias (Lemire's
/// multiply-and-reject method). Returns 0 for `n == 0`.
#[inline]
pub fn below<R: RngCore + ?Sized>(rng: &mut R, n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    let threshold = n.wrapping_neg() % n; // (2^32 − n) mod n
    loop {
        let m = u64::from(rng.next_u32()) * u64::from(n);
        if (m as u32) >= threshold {
            return (m >> 32) as u32;
        }
    }
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

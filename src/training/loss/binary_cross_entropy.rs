//! Binary cross-entropy, on probabilities and (stably) on logits.

use super::Loss;
use crate::num::Scalar;

/// Binary cross-entropy on probabilities `p` (for a [`Sigmoid`](crate::model::layers::Sigmoid)
/// output): `−y ln p − (1 − y) ln(1 − p)`, gradient `(p − y) / (p (1 − p))`.
///
/// `p` is clamped to `[ε, 1 − ε]` with `ε = 1e-7`, so `ln 0` never happens;
/// prefer [`BinaryCrossEntropyWithLogits`] when the output can saturate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BinaryCrossEntropy;

impl BinaryCrossEntropy {
    /// Probabilities are clamped to `[EPSILON, 1 − EPSILON]`.
    pub const EPSILON: f32 = 1e-7;
}

/// `p` clamped to `[ε, 1 − ε]`, in the order of `f32::clamp` (NaN stays NaN).
#[inline]
fn clamp_probability<S: Scalar>(p: S) -> S {
    let low = S::from_f32(BinaryCrossEntropy::EPSILON);
    let high = S::from_f32(1.0 - BinaryCrossEntropy::EPSILON);
    if p < low {
        low
    } else if p > high {
        high
    } else {
        p
    }
}

impl<S: Scalar, const N: usize> Loss<N, S> for BinaryCrossEntropy {
    #[inline]
    fn loss(&self, p: &[S; N], y: &[S; N]) -> S {
        p.iter().zip(y).fold(-S::ZERO, |sum, (&p, &y)| {
            let p = clamp_probability(p);
            sum + (-y * p.ln() - (S::ONE - y) * (S::ONE - p).ln())
        })
    }

    #[inline]
    fn gradient(&self, p: &[S; N], y: &[S; N]) -> [S; N] {
        let mut g = [S::ZERO; N];
        for ((g, &p), &y) in g.iter_mut().zip(p).zip(y) {
            let p = clamp_probability(p);
            *g = (p - y) / (p * (S::ONE - p));
        }
        g
    }
}

/// Binary cross-entropy from logits `z` (for an [`Identity`](crate::model::layers::Identity)
/// output), with the sigmoid fused in:
/// `max(z, 0) − z y + ln(1 + e^(−|z|))`, gradient `σ(z) − y`.
/// Finite for any finite logit.
///
/// ```
/// use stacknet::loss::{BinaryCrossEntropyWithLogits, Loss};
/// let l = BinaryCrossEntropyWithLogits.loss(&[-100.0], &[1.0]);
/// assert_eq!(l, 100.0);
/// assert_eq!(BinaryCrossEntropyWithLogits.gradient(&[0.0], &[1.0]), [-0.5]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BinaryCrossEntropyWithLogits;

impl<S: Scalar, const N: usize> Loss<N, S> for BinaryCrossEntropyWithLogits {
    #[inline]
    fn loss(&self, z: &[S; N], y: &[S; N]) -> S {
        z.iter().zip(y).fold(-S::ZERO, |sum, (&z, &y)| {
            sum + (z.max(S::ZERO) - z * y + (-z.abs()).exp().ln_1p())
        })
    }

    #[inline]
    fn gradient(&self, z: &[S; N], y: &[S; N]) -> [S; N] {
        let mut g = [S::ZERO; N];
        for ((g, &z), &y) in g.iter_mut().zip(z).zip(y) {
            *g = z.sigmoid() - y;
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_and_logits_agree() {
        // p = σ(0.8): both forms give the same loss and chain-rule gradient
        let z = 0.8f32;
        let p = crate::model::layers::sigmoid(z);
        for y in [0.0, 1.0, 0.3] {
            let a = BinaryCrossEntropy.loss(&[p], &[y]);
            let b = BinaryCrossEntropyWithLogits.loss(&[z], &[y]);
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
            let dp = BinaryCrossEntropy.gradient(&[p], &[y])[0];
            let dz = BinaryCrossEntropyWithLogits.gradient(&[z], &[y])[0];
            assert!((dp * p * (1.0 - p) - dz).abs() < 1e-6);
        }
    }

    #[test]
    fn known_values() {
        // −ln 0.5 = ln 2 at p = 0.5 whatever the label
        let ln2 = core::f32::consts::LN_2;
        assert!((BinaryCrossEntropy.loss(&[0.5], &[1.0]) - ln2).abs() < 1e-7);
        assert!((BinaryCrossEntropyWithLogits.loss(&[0.0], &[0.0]) - ln2).abs() < 1e-7);
        // p = 0 with y = 1 would be ln 0: clamped to −ln 1e-7
        let clamped = BinaryCrossEntropy.loss(&[0.0], &[1.0]);
        assert!((clamped - 16.118_095).abs() < 1e-3);
    }
}

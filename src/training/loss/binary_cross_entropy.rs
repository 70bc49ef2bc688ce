//! Binary cross-entropy, on probabilities and (stably) on logits.

use super::Loss;

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

#[inline]
fn clamp_probability(p: f32) -> f32 {
    p.clamp(
        BinaryCrossEntropy::EPSILON,
        1.0 - BinaryCrossEntropy::EPSILON,
    )
}

impl<const N: usize> Loss<N> for BinaryCrossEntropy {
    #[inline]
    fn loss(&self, p: &[f32; N], y: &[f32; N]) -> f32 {
        p.iter()
            .zip(y)
            .map(|(&p, &y)| {
                let p = clamp_probability(p);
                -y * libm::logf(p) - (1.0 - y) * libm::logf(1.0 - p)
            })
            .sum()
    }

    #[inline]
    fn gradient(&self, p: &[f32; N], y: &[f32; N]) -> [f32; N] {
        let mut g = [0.0; N];
        for ((g, &p), &y) in g.iter_mut().zip(p).zip(y) {
            let p = clamp_probability(p);
            *g = (p - y) / (p * (1.0 - p));
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

impl<const N: usize> Loss<N> for BinaryCrossEntropyWithLogits {
    #[inline]
    fn loss(&self, z: &[f32; N], y: &[f32; N]) -> f32 {
        z.iter()
            .zip(y)
            .map(|(&z, &y)| z.max(0.0) - z * y + libm::log1pf(libm::expf(-z.abs())))
            .sum()
    }

    #[inline]
    fn gradient(&self, z: &[f32; N], y: &[f32; N]) -> [f32; N] {
        let mut g = [0.0; N];
        for ((g, &z), &y) in g.iter_mut().zip(z).zip(y) {
            *g = crate::model::layers::sigmoid(z) - y;
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

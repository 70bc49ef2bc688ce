//! Softmax cross-entropy for multi-class outputs, from logits.

use super::Loss;

/// Cross-entropy of `softmax(z)` against a target distribution `y` (one-hot
/// for plain classification), from logits `z` of an
/// [`Identity`](crate::model::layers::Identity) output:
/// `ln Σ_j e^(z_j) − Σ_k y_k z_k`, gradient `softmax(z) − y` (for targets
/// that sum to 1). Computed with the largest logit subtracted, so it stays
/// finite for logits of any size.
///
/// ```
/// use stacknet::loss::{Loss, SoftmaxCrossEntropy};
/// let l = SoftmaxCrossEntropy.loss(&[100.0, -100.0], &[0.0, 1.0]);
/// assert_eq!(l, 200.0);
/// let g = SoftmaxCrossEntropy.gradient(&[0.0, 0.0], &[1.0, 0.0]);
/// assert_eq!(g, [-0.5, 0.5]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SoftmaxCrossEntropy;

/// `(max z, Σ_j e^(z_j − max z))`.
#[inline]
fn shifted_exp_sum<const N: usize>(z: &[f32; N]) -> (f32, f32) {
    let max = z.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    (max, z.iter().map(|&v| libm::expf(v - max)).sum())
}

impl<const N: usize> Loss<N> for SoftmaxCrossEntropy {
    #[inline]
    fn loss(&self, z: &[f32; N], y: &[f32; N]) -> f32 {
        let (max, sum) = shifted_exp_sum(z);
        let log_sum = max + libm::logf(sum);
        let total: f32 = y.iter().sum();
        let dot: f32 = y.iter().zip(z).map(|(y, z)| y * z).sum();
        total * log_sum - dot
    }

    #[inline]
    fn gradient(&self, z: &[f32; N], y: &[f32; N]) -> [f32; N] {
        let (max, sum) = shifted_exp_sum(z);
        let total: f32 = y.iter().sum();
        let mut g = [0.0; N];
        for ((g, &z), &y) in g.iter_mut().zip(z).zip(y) {
            *g = total * libm::expf(z - max) / sum - y;
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_logits_give_ln_k() {
        let l = SoftmaxCrossEntropy.loss(&[0.3; 4], &[0.0, 0.0, 1.0, 0.0]);
        assert!((l - libm::logf(4.0)).abs() < 1e-6);
    }

    #[test]
    fn large_logits_stay_finite() {
        let z = [1e4, -1e4, 0.0];
        let y = [0.0, 0.0, 1.0];
        assert_eq!(SoftmaxCrossEntropy.loss(&z, &y), 1e4);
        assert_eq!(SoftmaxCrossEntropy.gradient(&z, &y), [1.0, 0.0, -1.0]);
    }
}

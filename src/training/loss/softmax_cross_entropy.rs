//! Softmax cross-entropy for multi-class outputs, from logits.

use super::Loss;
use crate::num::Scalar;

/// Cross-entropy of `softmax(z)` against a target distribution `y` (one-hot
/// for plain classification), from logits `z` of an
/// [`Identity`](crate::model::layers::Identity) output:
/// `ln Σ_j e^(z_j) − Σ_k y_k z_k`, gradient `softmax(z) − y` (for targets
/// that sum to 1). Computed with the largest logit subtracted, so it stays
/// finite for logits of any size. It accepts only [`Logits`](crate::model::output::Logits):
/// a trainer for a network that ends in `Softmax` does not compile.
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
fn shifted_exp_sum<S: Scalar, const N: usize>(z: &[S; N]) -> (S, S) {
    let max = z.iter().fold(-S::MAX, |m, &v| m.max(v));
    (
        max,
        z.iter().fold(-S::ZERO, |sum, &v| sum + (v - max).exp()),
    )
}

/// `Σ_k y_k`, in order.
#[inline]
fn total<S: Scalar, const N: usize>(y: &[S; N]) -> S {
    y.iter().fold(-S::ZERO, |sum, &y| sum + y)
}

impl<S: Scalar, const N: usize> Loss<N, S> for SoftmaxCrossEntropy {
    #[inline]
    fn loss(&self, z: &[S; N], y: &[S; N]) -> S {
        let (max, sum) = shifted_exp_sum(z);
        let log_sum = max + sum.ln();
        let dot = y.iter().zip(z).fold(-S::ZERO, |dot, (&y, &z)| dot + y * z);
        total(y) * log_sum - dot
    }

    #[inline]
    fn gradient(&self, z: &[S; N], y: &[S; N]) -> [S; N] {
        let (max, sum) = shifted_exp_sum(z);
        let total = total(y);
        let mut g = [S::ZERO; N];
        for ((g, &z), &y) in g.iter_mut().zip(z).zip(y) {
            *g = total * (z - max).exp() / sum - y;
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

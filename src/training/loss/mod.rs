//! Loss functions: a value and its gradient with respect to the prediction.
//!
//! A [`Loss`] scores one sample. How per-sample losses combine over a batch
//! is part of the loss: most are averaged over the batch (`1/m Σ`), the
//! sum-of-squares error of the "linear regression from scratch" lesson is
//! summed, and so is its gradient.
//!
//! | name | per sample | over a batch of m |
//! | --- | --- | --- |
//! | [`MeanSquaredError`] | `Σ_k (ŷ_k − y_k)²` | mean: `1/m Σ (ŷ − y)²` |
//! | [`HalfMeanSquaredError`] | `½ Σ_k (ŷ_k − y_k)²` | mean: the cost `1/(2m) Σ (ŷ − y)²` |
//! | [`SumSquaredError`] | `½ Σ_k (y_k − ŷ_k)²` | sum: `½ Σ (y − ŷ)²` |
//! | [`BinaryCrossEntropy`] | `−y ln p − (1 − y) ln(1 − p)` on probabilities | mean |
//! | [`BinaryCrossEntropyWithLogits`] | the same from logits, sigmoid fused in | mean |
//! | [`SoftmaxCrossEntropy`] | `−Σ_k y_k ln softmax(z)_k` from logits | mean |
//! | [`Huber`] | `Σ_k ½ d_k²` where `|d_k| ≤ δ`, `δ (|d_k| − ½ δ)` beyond | mean |

mod binary_cross_entropy;
mod huber;
mod softmax_cross_entropy;
mod squared;

pub use binary_cross_entropy::{BinaryCrossEntropy, BinaryCrossEntropyWithLogits};
pub use huber::{Huber, InvalidDelta};
pub use softmax_cross_entropy::SoftmaxCrossEntropy;
pub use squared::{HalfMeanSquaredError, MeanSquaredError, SumSquaredError};

use crate::model::output::{Logits, OutputKind, Probabilities};
use crate::num::Scalar;

/// The network outputs a loss is meant for: `L: Accepts<K>` when `L` can
/// train a network whose output is of kind `K` ([`Logits`] or
/// [`Probabilities`]). [`Trainer::new`](crate::training::train::Trainer::new)
/// requires it, so a loss that applies a softmax or sigmoid itself cannot be
/// paired with a network that already ends in one.
///
/// | loss | accepts |
/// | --- | --- |
/// | [`SoftmaxCrossEntropy`], [`BinaryCrossEntropyWithLogits`] | [`Logits`] |
/// | [`BinaryCrossEntropy`] | [`Probabilities`] |
/// | the squared errors, [`Huber`] | either |
///
/// A loss of your own says what it accepts in one line, e.g.
/// `impl<K: OutputKind> Accepts<K> for MyLoss {}` for any output; a layer
/// of your own names its [`Layer::OutputKind`](crate::model::layer::Layer::OutputKind).
/// Code generic over the network and the loss that builds a trainer adds
/// the bound `L: Accepts<N::OutputKind>`.
#[diagnostic::on_unimplemented(
    message = "the loss `{Self}` does not accept a network whose output is `{K}`",
    label = "this loss cannot train that network's output",
    note = "`SoftmaxCrossEntropy` and `BinaryCrossEntropyWithLogits` apply the softmax or sigmoid \
            themselves: end the network in `Dense` (logits), not `Softmax` or `Sigmoid`; \
            `BinaryCrossEntropy` needs probabilities: end the network in `Sigmoid`"
)]
pub trait Accepts<K: OutputKind> {}

impl Accepts<Logits> for SoftmaxCrossEntropy {}
impl Accepts<Logits> for BinaryCrossEntropyWithLogits {}
impl Accepts<Probabilities> for BinaryCrossEntropy {}
impl<K: OutputKind> Accepts<K> for MeanSquaredError {}
impl<K: OutputKind> Accepts<K> for HalfMeanSquaredError {}
impl<K: OutputKind> Accepts<K> for SumSquaredError {}
impl<K: OutputKind> Accepts<K> for Huber {}

/// A loss over `N` outputs: its value and gradient for one sample.
pub trait Loss<const N: usize, S: Scalar = f32> {
    /// `true` (the default) when the batch loss is the mean of the
    /// per-sample losses; `false` when it is their sum.
    const MEAN_OVER_BATCH: bool = true;

    /// The loss of one prediction against its target.
    fn loss(&self, prediction: &[S; N], target: &[S; N]) -> S;

    /// ∂loss/∂prediction for one sample.
    fn gradient(&self, prediction: &[S; N], target: &[S; N]) -> [S; N];

    /// The loss and its gradient together, the same bits as
    /// [`loss`](Loss::loss) and [`gradient`](Loss::gradient); losses whose two
    /// share work compute them in one pass.
    #[inline]
    fn loss_and_gradient(&self, prediction: &[S; N], target: &[S; N]) -> (S, [S; N]) {
        (
            self.loss(prediction, target),
            self.gradient(prediction, target),
        )
    }

    /// [`loss_and_gradient`](Loss::loss_and_gradient) of `B` samples at once,
    /// sample `s` in lane `s` (`prediction[k][s]` is its output `k`), with
    /// the same bits for every sample: the batched kernels keep a block of
    /// samples in this layout, and losses that are the same arithmetic in
    /// every lane (the squared errors) run it across the lanes.
    #[inline]
    fn loss_and_gradient_lanes<const B: usize>(
        &self,
        prediction: &[[S; B]; N],
        target: &[[S; B]; N],
    ) -> ([S; B], [[S; B]; N]) {
        let mut losses = [S::ZERO; B];
        let mut gradients = [[S::ZERO; B]; N];
        for (s, loss) in losses.iter_mut().enumerate() {
            let p = core::array::from_fn(|k| prediction[k][s]);
            let t = core::array::from_fn(|k| target[k][s]);
            let (l, g) = self.loss_and_gradient(&p, &t);
            *loss = l;
            for (lanes, g) in gradients.iter_mut().zip(g) {
                lanes[s] = g;
            }
        }
        (losses, gradients)
    }

    /// How much one sample counts in a batch of `batch_len` samples:
    /// `1 / batch_len` for mean losses, 1 for summed ones.
    #[inline]
    fn batch_weight(batch_len: usize) -> S {
        if Self::MEAN_OVER_BATCH {
            S::ONE / S::from_usize(batch_len)
        } else {
            S::ONE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::Q16_16;

    const LANES: usize = 7;

    /// Predictions and targets for `LANES` samples of three outputs, drawn
    /// from `values` so that each lane sees other magnitudes and signs (and,
    /// for `f32`, zeros of both signs, infinities and NaN).
    fn samples<S: Scalar>(values: &[f32]) -> ([[S; LANES]; 3], [[S; LANES]; 3]) {
        let at = |i: usize| S::from_f32(values[i % values.len()]);
        (
            core::array::from_fn(|k| core::array::from_fn(|s| at(3 * s + k))),
            core::array::from_fn(|k| core::array::from_fn(|s| at(5 * s + 2 * k + 1))),
        )
    }

    /// The lanes form against `loss_and_gradient` on each sample, compared
    /// by `same`.
    fn lanes_match<S: Scalar, L: Loss<3, S>>(loss: &L, values: &[f32], same: fn(S, S) -> bool) {
        let (p, t) = samples::<S>(values);
        let (losses, gradients) = loss.loss_and_gradient_lanes(&p, &t);
        for s in 0..LANES {
            let (l, g) =
                loss.loss_and_gradient(&[p[0][s], p[1][s], p[2][s]], &[t[0][s], t[1][s], t[2][s]]);
            assert!(
                same(losses[s], l),
                "lane {s}: loss {:?} against {l:?}",
                losses[s]
            );
            for k in 0..3 {
                assert!(same(gradients[k][s], g[k]), "lane {s}, output {k}");
            }
        }
    }

    fn same_f32(a: f32, b: f32) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    fn same_q16(a: Q16_16, b: Q16_16) -> bool {
        a == b
    }

    // lane 0's differences are (4096, -1, 1): summed in order of the
    // outputs its squares give 2²⁴, in the other order 2²⁴ + 2
    const F32_VALUES: [f32; 15] = [
        4096.0,
        0.0,
        2.0,
        -1.0,
        1.0e-3,
        1.0,
        -3.1e-2,
        -0.0,
        4.4e3,
        -9.5,
        f32::INFINITY,
        0.8,
        f32::NAN,
        0.3,
        -1.7e4,
    ];
    const Q16_VALUES: [f32; 11] = [
        0.3, -170.0, 2.5, 0.0, 1.0e-3, 7.0, -3.1e-2, 44.0, -9.5, 0.8, 12.25,
    ];

    fn every_loss_matches<S: Scalar>(values: &[f32], same: fn(S, S) -> bool) {
        lanes_match::<S, _>(&MeanSquaredError, values, same);
        lanes_match::<S, _>(&HalfMeanSquaredError, values, same);
        lanes_match::<S, _>(&SumSquaredError, values, same);
        lanes_match::<S, _>(&Huber::DEFAULT, values, same);
        lanes_match::<S, _>(&BinaryCrossEntropy, values, same);
        lanes_match::<S, _>(&BinaryCrossEntropyWithLogits, values, same);
        lanes_match::<S, _>(&SoftmaxCrossEntropy, values, same);
    }

    #[test]
    fn the_lanes_form_gives_each_sample_its_own_bits() {
        every_loss_matches::<f32>(&F32_VALUES, same_f32);
        every_loss_matches::<Q16_16>(&Q16_VALUES, same_q16);
    }
}

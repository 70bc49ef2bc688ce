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

/// `(Σ_k (ŷ_k − y_k)², (ŷ − y) · factor)`: the sum of squares and the
/// gradient of every squared loss here, from one pass over the differences.
#[inline(always)]
fn squares_and_scaled_difference<S: Scalar, const N: usize>(
    p: &[S; N],
    y: &[S; N],
    factor: S,
) -> (S, [S; N]) {
    let mut g = [S::ZERO; N];
    let mut sum = S::ZERO;
    for ((g, &p), &y) in g.iter_mut().zip(p).zip(y) {
        let d = p - y;
        sum += d * d;
        *g = d * factor;
    }
    (sum, g)
}

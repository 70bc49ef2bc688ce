//! A classifier network's logits, class probabilities and predicted class,
//! and its accuracy and log loss over labelled rows.
//!
//! [`Classifier`] is implemented for every network from `[S; I]` to
//! `[S; O]`. One output is a binary classifier (class 1 when the
//! probability is above ½, that is when the logit is above 0); more outputs
//! are one class each. It works the same whether the network ends in logits
//! (`Dense`, to train with [`SoftmaxCrossEntropy`](crate::training::loss::SoftmaxCrossEntropy)
//! or [`BinaryCrossEntropyWithLogits`](crate::training::loss::BinaryCrossEntropyWithLogits))
//! or in probabilities (`Sigmoid`, `Softmax`): the network's
//! [`OutputKind`](crate::model::layer::Layer::OutputKind) says which.
//!
//! ```
//! use stacknet::classify::Classifier;
//! use stacknet::{Dense, Sigmoid};
//! // z = 2·x − 1, then σ
//! let net = (Dense::from_arrays([[2.0]], [-1.0]), Sigmoid::<1>);
//! assert_eq!(net.logits(&[1.0]), [1.0]);
//! assert_eq!(net.probabilities(&[0.5]), [0.5]);
//! assert_eq!(net.predict_class(&[1.0]), Some(1));
//! assert_eq!(net.predict_class(&[0.5]), Some(0)); // p = ½ is not above ½
//! assert_eq!(net.predict_class(&[f32::NAN]), None);
//! ```

use crate::data::metrics::generic::{check_labels, checked_argmax};
use crate::data::metrics::{MetricError, ratio, surprise};
use crate::model::layer::Layer;
use crate::model::output::OutputKind;
use crate::num::Scalar;

/// Logits, probabilities, the predicted class, accuracy and log loss of a
/// network with `O` outputs: binary for `O = 1` (classes 0 and 1), one
/// class per output otherwise. Implemented for every
/// [`Layer`] from `[S; I]` to `[S; O]`.
pub trait Classifier<const I: usize, const O: usize, S: Scalar = f32>:
    Layer<S, Input = [S; I], Output = [S; O]>
{
    /// The number of classes: 2 for one output, `O` otherwise.
    const CLASSES: usize = if O == 1 { 2 } else { O };

    /// The logits: the output, or for a network that ends in `Sigmoid`,
    /// `HardSigmoid` or `Softmax` that layer's input
    /// ([`Layer::forward_logits`]).
    #[inline]
    fn logits(&self, input: &[S; I]) -> [S; O] {
        self.forward_logits(input)
    }

    /// The class probabilities: the output of a network that ends in
    /// probabilities; for one that ends in logits, their sigmoid (one
    /// output: the probability of class 1) or softmax (more outputs).
    #[inline]
    fn probabilities(&self, input: &[S; I]) -> [S; O] {
        <Self::OutputKind as OutputKind>::probabilities(self.forward(input))
    }

    /// The predicted class, decided on the [`logits`](Classifier::logits):
    /// see [`class_from_logits`]. `None` when a logit is NaN.
    #[inline]
    fn predict_class(&self, input: &[S; I]) -> Option<usize> {
        class_from_logits(&self.logits(input))
    }

    /// The fraction of `inputs` whose [`predict_class`](Classifier::predict_class)
    /// is the label of the same row; a row with a NaN logit is a miss.
    /// Errors: no rows, a length mismatch, or a label not below
    /// [`CLASSES`](Classifier::CLASSES) ([`MetricError::LabelOutOfRange`]).
    fn accuracy(&self, inputs: &[[S; I]], labels: &[usize]) -> Result<f64, MetricError> {
        check_labels(inputs.len(), labels, Self::CLASSES)?;
        let hits = inputs
            .iter()
            .zip(labels)
            .filter(|&(x, &label)| self.predict_class(x) == Some(label))
            .count();
        Ok(ratio(hits, labels.len()))
    }

    /// Log loss (cross-entropy) of the [`probabilities`](Classifier::probabilities)
    /// against the labels: `−1/n Σ ln p(label)`, with `p` clipped to
    /// `[ε, 1 − ε]` as [`metrics::log_loss`](crate::data::metrics::log_loss)
    /// does (for one output, `p(0) = 1 − p(1)`). Errors as
    /// [`accuracy`](Classifier::accuracy). A NaN probability gives NaN.
    fn log_loss(&self, inputs: &[[S; I]], labels: &[usize]) -> Result<f64, MetricError> {
        check_labels(inputs.len(), labels, Self::CLASSES)?;
        let sum: f64 = inputs
            .iter()
            .zip(labels)
            .map(|(x, &label)| {
                let p = self.probabilities(x);
                let p = match (O, label) {
                    (1, 0) => p.first().map(|&p| S::ONE - p),
                    (1, _) => p.first().copied(),
                    _ => p.get(label).copied(),
                };
                p.map_or(f64::NAN, |p| surprise(p.to_f64()))
            })
            .sum();
        Ok(sum / labels.len() as f64)
    }
}

impl<T, S: Scalar, const I: usize, const O: usize> Classifier<I, O, S> for T where
    T: Layer<S, Input = [S; I], Output = [S; O]>
{
}

/// The class of one row of logits: for one logit, 1 when it is above 0
/// and 0 otherwise (the probability σ(z) above ½); for more, the index of
/// the largest, ties going to the lowest index. `None` when a logit is NaN
/// (no class is more likely than another then) or there are none.
///
/// Deciding on logits rather than probabilities keeps classes apart that
/// rounding would tie: σ(z) rounds to exactly ½ for `|z|` below about
/// 3·10⁻⁸ in `f32`, and a softmax of `[200, 100]` rounds to `[1, 0]` like
/// that of `[300, 100]`.
///
/// ```
/// use stacknet::classify::class_from_logits;
/// assert_eq!(class_from_logits(&[0.3]), Some(1));
/// assert_eq!(class_from_logits(&[0.0]), Some(0));
/// assert_eq!(class_from_logits(&[1.0, 3.0, 3.0]), Some(1));
/// assert_eq!(class_from_logits(&[1.0, f32::NAN, 3.0]), None);
/// ```
pub fn class_from_logits<S: Scalar, const O: usize>(logits: &[S; O]) -> Option<usize> {
    match logits.as_slice() {
        [z] => class_from_score(*z, S::ZERO),
        _ => checked_argmax(logits),
    }
}

/// The class of one row of probabilities: for one, 1 when it is above ½
/// (as [`metrics::binary_accuracy`](crate::data::metrics::binary_accuracy));
/// for more, the index of the largest, ties going to the lowest index.
/// `None` when one is NaN or there are none.
///
/// ```
/// use stacknet::classify::class_from_probabilities;
/// assert_eq!(class_from_probabilities(&[0.7]), Some(1));
/// assert_eq!(class_from_probabilities(&[0.5]), Some(0));
/// assert_eq!(class_from_probabilities(&[0.2, 0.4, 0.4]), Some(1));
/// assert_eq!(class_from_probabilities(&[f32::NAN]), None);
/// ```
pub fn class_from_probabilities<S: Scalar, const O: usize>(
    probabilities: &[S; O],
) -> Option<usize> {
    match probabilities.as_slice() {
        [p] => class_from_score(*p, S::from_f32(0.5)),
        _ => checked_argmax(probabilities),
    }
}

/// 1 above `threshold`, 0 at or below it, `None` for NaN.
#[inline]
fn class_from_score<S: Scalar>(score: S, threshold: S) -> Option<usize> {
    match score.partial_cmp(&threshold)? {
        core::cmp::Ordering::Greater => Some(1),
        _ => Some(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layers::{Dense, HardSigmoid, Identity, Relu, Sigmoid, Softmax};
    use crate::num::{Q16_16, Scalar};

    /// z = (x, −x, 2x − 1): logits of three classes.
    fn three_logits() -> Dense<1, 3> {
        Dense::from_arrays([[1.0], [-1.0], [2.0]], [0.0, 0.0, -1.0])
    }

    #[test]
    fn softmax_network_logits_are_the_softmax_input() {
        let net = (three_logits(), Softmax::<3>);
        assert_eq!(net.logits(&[2.0]), [2.0, -2.0, 3.0]);
        // softmax(2, −2, 3) = e^(z − 3) / Σ
        let e = [libm::expf(-1.0), libm::expf(-5.0), 1.0];
        let sum = e[0] + e[1] + e[2];
        let p = net.probabilities(&[2.0]);
        for (p, e) in p.iter().zip(e) {
            assert!((p - e / sum).abs() < 1e-6, "{p} vs {}", e / sum);
        }
        assert_eq!(net.predict_class(&[2.0]), Some(2));
        // x = −1: (−1, 1, −3) → class 1
        assert_eq!(net.predict_class(&[-1.0]), Some(1));
        // x = 1: (1, −1, 1): a tie between 0 and 2 goes to 0
        assert_eq!(net.predict_class(&[1.0]), Some(0));
    }

    #[test]
    fn logit_network_gives_the_same_classes_and_probabilities() {
        let squashed = (three_logits(), Softmax::<3>);
        let plain = (three_logits(), Identity::<3>);
        for x in [-2.0, -0.25, 0.0, 0.5, 1.0, 3.0] {
            assert_eq!(plain.logits(&[x]), squashed.logits(&[x]));
            assert_eq!(plain.probabilities(&[x]), squashed.probabilities(&[x]));
            assert_eq!(plain.predict_class(&[x]), squashed.predict_class(&[x]));
        }
    }

    #[test]
    fn binary_thresholds() {
        // z = x − 0.5 through a hidden ReLU pair that passes x ≥ 0 through
        let hidden = Dense::from_arrays([[1.0], [0.0]], [0.0, 0.0]);
        let out = Dense::from_arrays([[1.0, 0.0]], [-0.5]);
        let logit_net = (hidden, Relu::<2>, out);
        let prob_net = (hidden, Relu::<2>, out, Sigmoid::<1>);
        for (x, class) in [(0.0, 0), (0.5, 0), (0.75, 1), (3.0, 1)] {
            assert_eq!(logit_net.predict_class(&[x]), Some(class), "x = {x}");
            assert_eq!(prob_net.predict_class(&[x]), Some(class), "x = {x}");
            assert_eq!(prob_net.logits(&[x]), [x.max(0.0) - 0.5]);
            // σ(x − ½) from the closed form 1 / (1 + e^(½ − x))
            let p = 1.0 / (1.0 + libm::expf(0.5 - x));
            assert!((prob_net.probabilities(&[x])[0] - p).abs() < 1e-6);
            assert!((logit_net.probabilities(&[x])[0] - p).abs() < 1e-6);
        }
        assert_eq!(logit_net.predict_class(&[f32::NAN]), None);
        assert_eq!(prob_net.predict_class(&[f32::NAN]), None);
    }

    #[test]
    fn hard_sigmoid_and_fixed_point() {
        // clamp(z/6 + ½, 0, 1) of z = 3x: logits 3x, class 1 for x > 0
        let net = (Dense::from_arrays([[3.0]], [0.0]), HardSigmoid::<1>);
        assert_eq!(net.logits(&[2.0]), [6.0]);
        assert_eq!(net.probabilities(&[0.5]), [0.75]);
        assert_eq!(net.predict_class(&[2.0]), Some(1));
        assert_eq!(net.predict_class(&[-0.1]), Some(0));
        // the same in Q16.16: 0.75 and 6 are exact
        let q = Q16_16::from_f32;
        let fixed = (
            Dense::<1, 1, Q16_16>::new([[q(3.0)]], [q(0.0)]),
            HardSigmoid::<1>,
        );
        assert_eq!(fixed.logits(&[q(2.0)]), [q(6.0)]);
        assert_eq!(fixed.probabilities(&[q(0.5)]), [q(0.75)]);
        assert_eq!(fixed.predict_class(&[q(-1.0)]), Some(0));
        assert_eq!(class_from_probabilities(&[q(0.5)]), Some(0));
    }

    #[test]
    fn nan_gives_no_class() {
        assert_eq!(class_from_logits(&[f32::NAN]), None);
        assert_eq!(class_from_logits(&[f32::NAN, 1.0]), None);
        assert_eq!(class_from_logits(&[1.0, f32::NAN]), None);
        assert_eq!(class_from_probabilities(&[0.9, f32::NAN]), None);
        let none: [f32; 0] = [];
        assert_eq!(class_from_logits(&none), None);
        assert_eq!(
            class_from_logits(&[f32::NEG_INFINITY, f32::NEG_INFINITY]),
            Some(0)
        );
        assert_eq!(class_from_logits(&[-1.0f64, 2.0, 2.0]), Some(1));
        let net = (three_logits(), Softmax::<3>);
        assert_eq!(net.predict_class(&[f32::NAN]), None);
    }

    #[test]
    fn accuracy_and_log_loss_over_labels() {
        let net = (three_logits(), Softmax::<3>);
        let inputs = [[2.0], [-1.0], [1.0], [f32::NAN]];
        // predicted 2, 1, 0, none
        assert_eq!(net.accuracy(&inputs, &[2, 1, 2, 0]), Ok(0.5));
        assert_eq!(net.accuracy(&inputs[..3], &[2, 1, 0]), Ok(1.0));
        // −(ln p₂(2) + ln p₁(−1)) / 2 from the softmax written out
        let p = |x: f32, k: usize| {
            let z = [x, -x, 2.0 * x - 1.0];
            let e = z.map(|z| f64::from(z).exp());
            e[k] / (e[0] + e[1] + e[2])
        };
        let expected = -(p(2.0, 2).ln() + p(-1.0, 1).ln()) / 2.0;
        let loss = net.log_loss(&inputs[..2], &[2, 1]).unwrap();
        assert!((loss - expected).abs() < 1e-6, "{loss} vs {expected}");
        assert!(net.log_loss(&inputs, &[2, 1, 0, 0]).unwrap().is_nan());
        assert_eq!(
            net.accuracy(&inputs, &[0, 3, 0, 0]),
            Err(MetricError::LabelOutOfRange {
                row: 1,
                label: 3,
                classes: 3
            })
        );
        assert_eq!(
            net.log_loss(&inputs, &[0]),
            Err(MetricError::LengthMismatch {
                predictions: 4,
                targets: 1
            })
        );
        assert_eq!(net.accuracy(&[], &[]), Err(MetricError::Empty));
    }

    #[test]
    fn binary_accuracy_and_log_loss() {
        // p = σ(x): x = ln 3 gives ¾, x = −ln 3 gives ¼
        let net = (Dense::from_arrays([[1.0]], [0.0]), Sigmoid::<1>);
        let ln3 = libm::logf(3.0);
        let inputs = [[ln3], [-ln3]];
        assert_eq!(<(Dense<1, 1>, Sigmoid<1>) as Classifier<1, 1>>::CLASSES, 2);
        assert_eq!(net.accuracy(&inputs, &[1, 0]), Ok(1.0));
        assert_eq!(net.accuracy(&inputs, &[0, 0]), Ok(0.5));
        // −(ln ¾ + ln ¾) / 2 for the right labels, −(ln ¼ + ln ¾) / 2 for [0, 0]
        let right = net.log_loss(&inputs, &[1, 0]).unwrap();
        assert!((right + 0.75f64.ln()).abs() < 1e-6, "{right}");
        let half = net.log_loss(&inputs, &[0, 0]).unwrap();
        assert!((half + (0.25f64.ln() + 0.75f64.ln()) / 2.0).abs() < 1e-6);
        assert_eq!(
            net.accuracy(&inputs, &[1, 2]),
            Err(MetricError::LabelOutOfRange {
                row: 1,
                label: 2,
                classes: 2
            })
        );
    }
}

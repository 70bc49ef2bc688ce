//! Rosenblatt's perceptron: one linear unit with a sign output, trained by
//! the perceptron learning rule.
//!
//! The model predicts `+1` when `wᵀx + b > 0` and `−1` otherwise. Training
//! walks the samples in order and, after each one, applies
//!
//! ```text
//! w ← w + η (y − ŷ) x
//! b ← b + η (y − ŷ)
//! ```
//!
//! where `ŷ` is the current prediction and `y ∈ {−1, +1}` the label. A right
//! prediction makes `y − ŷ = 0`, so only mistakes move the weights. When the
//! two classes can be split by a hyperplane, the perceptron convergence
//! theorem guarantees an epoch with no mistakes after finitely many updates;
//! when they cannot (XOR), the weights cycle for ever, which is why
//! [`Perceptron::fit`] takes an epoch limit.

use crate::model::params::Zero;
use crate::training::train::{DataError, check_rows};

/// Why perceptron training was refused or stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum PerceptronError {
    /// The data was refused: empty, of different lengths, or not finite.
    Data(DataError),
    /// A label is neither `−1.0` nor `+1.0`.
    InvalidLabel {
        /// Its row.
        row: usize,
    },
    /// The learning rate is not a finite positive number.
    InvalidLearningRate,
    /// The epoch limit is zero.
    ZeroEpochs,
    /// An update would have made a weight or the bias non-finite. The
    /// perceptron keeps the last finite parameters.
    NonFiniteUpdate {
        /// The epoch (from 1) in which it happened.
        epoch: usize,
        /// The sample that triggered the update.
        row: usize,
    },
}

impl core::fmt::Display for PerceptronError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PerceptronError::Data(e) => write!(f, "bad data: {e}"),
            PerceptronError::InvalidLabel { row } => write!(f, "label {row} is not -1 or +1"),
            PerceptronError::InvalidLearningRate => {
                f.write_str("the learning rate is not a finite positive number")
            }
            PerceptronError::ZeroEpochs => f.write_str("the epoch limit is zero"),
            PerceptronError::NonFiniteUpdate { epoch, row } => {
                write!(f, "epoch {epoch}, row {row}: update is not finite")
            }
        }
    }
}

impl core::error::Error for PerceptronError {}

impl From<DataError> for PerceptronError {
    fn from(e: DataError) -> Self {
        PerceptronError::Data(e)
    }
}

/// How a [`Perceptron::fit`] call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerceptronFit {
    /// Epochs run, counting the last one (at most the limit).
    pub epochs: usize,
    /// Mistakes (updates) made in the last epoch: 0 means every sample was
    /// classified right during a whole pass, and training stopped there.
    pub mistakes: usize,
}

impl PerceptronFit {
    /// `true` when the last epoch made no mistakes: the weights separate
    /// the training data.
    #[inline]
    pub fn converged(&self) -> bool {
        self.mistakes == 0
    }
}

/// A single linear threshold unit with labels `−1` and `+1`.
///
/// ```
/// use stacknet::{Perceptron, Zero};
/// // Logical AND, with −1 for false.
/// let inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// let labels = [-1.0, -1.0, -1.0, 1.0];
/// let mut p = Perceptron::<2>::ZERO;
/// let fit = p.fit(&inputs, &labels, 0.5, 100).unwrap();
/// assert!(fit.converged());
/// assert_eq!(inputs.map(|x| p.predict(&x)), labels);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Perceptron<const I: usize> {
    /// One weight per input.
    pub weights: [f32; I],
    /// The bias (minus the threshold).
    pub bias: f32,
}

impl<const I: usize> Zero for Perceptron<I> {
    const ZERO: Self = Perceptron {
        weights: [0.0; I],
        bias: 0.0,
    };
}

impl<const I: usize> Perceptron<I> {
    /// A perceptron with the given weights and bias.
    pub const fn new(weights: [f32; I], bias: f32) -> Self {
        Perceptron { weights, bias }
    }

    /// The pre-activation `wᵀx + b` (summed in input order, then the bias).
    #[inline]
    pub fn activation(&self, x: &[f32; I]) -> f32 {
        let mut dot = 0.0f32;
        for (w, v) in self.weights.iter().zip(x) {
            dot += w * v;
        }
        dot + self.bias
    }

    /// `+1.0` when `wᵀx + b > 0`, otherwise `−1.0`.
    #[inline]
    pub fn predict(&self, x: &[f32; I]) -> f32 {
        if self.activation(x) > 0.0 { 1.0 } else { -1.0 }
    }

    /// Trains with the perceptron rule, one sample at a time in the given
    /// order, until an epoch makes no mistakes or `max_epochs` have run.
    ///
    /// Labels must be exactly `−1.0` or `+1.0`. The data are checked before
    /// any update, so on a refused input the perceptron is unchanged.
    /// Not converging is not an error: see [`PerceptronFit::converged`].
    pub fn fit(
        &mut self,
        inputs: &[[f32; I]],
        labels: &[f32],
        learning_rate: f32,
        max_epochs: usize,
    ) -> Result<PerceptronFit, PerceptronError> {
        check(inputs, labels)?;
        if !(learning_rate.is_finite() && learning_rate > 0.0) {
            return Err(PerceptronError::InvalidLearningRate);
        }
        if max_epochs == 0 {
            return Err(PerceptronError::ZeroEpochs);
        }
        let mut epochs = 0;
        let mut mistakes = 0;
        while epochs < max_epochs {
            epochs += 1;
            mistakes = 0;
            for (row, (x, &y)) in inputs.iter().zip(labels).enumerate() {
                let step = learning_rate * (y - self.predict(x));
                if step == 0.0 {
                    continue;
                }
                mistakes += 1;
                let mut next = *self;
                for (w, v) in next.weights.iter_mut().zip(x) {
                    *w += step * v;
                }
                next.bias += step;
                if !(next.bias.is_finite() && next.weights.iter().all(|w| w.is_finite())) {
                    return Err(PerceptronError::NonFiniteUpdate { epoch: epochs, row });
                }
                *self = next;
            }
            if mistakes == 0 {
                break;
            }
        }
        Ok(PerceptronFit { epochs, mistakes })
    }
}

fn check<const I: usize>(inputs: &[[f32; I]], labels: &[f32]) -> Result<(), PerceptronError> {
    check_rows(inputs, labels.len(), labels)?;
    if let Some(row) = labels.iter().position(|&y| y != 1.0 && y != -1.0) {
        return Err(PerceptronError::InvalidLabel { row });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    const AND: [f32; 4] = [-1.0, -1.0, -1.0, 1.0];
    const OR: [f32; 4] = [-1.0, 1.0, 1.0, 1.0];
    const XOR: [f32; 4] = [-1.0, 1.0, 1.0, -1.0];

    fn correct(p: &Perceptron<2>, labels: &[f32; 4]) -> usize {
        X.iter()
            .zip(labels)
            .filter(|(x, y)| p.predict(x) == **y)
            .count()
    }

    #[test]
    fn prediction_is_the_sign_of_the_activation() {
        let p = Perceptron::new([2.0, -1.0], 0.5);
        // 2·1 − 1·3 + 0.5 = −0.5
        assert_eq!(p.activation(&[1.0, 3.0]), -0.5);
        assert_eq!(p.predict(&[1.0, 3.0]), -1.0);
        assert_eq!(p.predict(&[1.0, 1.0]), 1.0);
        // Exactly on the boundary counts as −1.
        assert_eq!(Perceptron::new([1.0, 1.0], -2.0).predict(&[1.0, 1.0]), -1.0);
    }

    #[test]
    fn and_trace_by_hand() {
        // From zero weights with η = 0.5 (so each update is ±1 per unit of
        // input). Epoch 1: only (1,1) is wrong (activation 0 → −1):
        // w = (1, 1), b = 1.
        let mut p = Perceptron::<2>::ZERO;
        let fit = p.fit(&X, &AND, 0.5, 1).unwrap();
        assert_eq!(
            fit,
            PerceptronFit {
                epochs: 1,
                mistakes: 1
            }
        );
        assert_eq!(p, Perceptron::new([1.0, 1.0], 1.0));
        // Continuing by hand, epochs 2–5 make 3, 3, 2, 1 mistakes and end at
        // w = (2, 1), b = −2; epoch 6 makes none.
        let mut p = Perceptron::<2>::ZERO;
        let fit = p.fit(&X, &AND, 0.5, 100).unwrap();
        assert_eq!(
            fit,
            PerceptronFit {
                epochs: 6,
                mistakes: 0
            }
        );
        assert_eq!(p, Perceptron::new([2.0, 1.0], -2.0));
    }

    #[test]
    fn learns_and_and_or() {
        for labels in [AND, OR] {
            for rate in [0.01, 0.1, 1.0] {
                let mut p = Perceptron::<2>::ZERO;
                let fit = p.fit(&X, &labels, rate, 1000).unwrap();
                assert!(fit.converged(), "{labels:?} at {rate}: {fit:?}");
                assert_eq!(correct(&p, &labels), 4);
            }
        }
    }

    #[test]
    fn cannot_learn_xor() {
        // No line separates XOR, so no epoch is mistake-free and no weights
        // ever classify all four points.
        let mut p = Perceptron::<2>::ZERO;
        for _ in 0..1000 {
            let fit = p.fit(&X, &XOR, 0.1, 1).unwrap();
            assert!(!fit.converged());
            assert!(correct(&p, &XOR) < 4);
        }
        let fit = p.fit(&X, &XOR, 0.1, 10_000).unwrap();
        assert_eq!(fit.epochs, 10_000);
        assert!(fit.mistakes > 0);
    }

    #[test]
    fn already_separating_weights_stop_after_one_epoch() {
        let mut p = Perceptron::new([2.0, 2.0], -3.0);
        let fit = p.fit(&X, &AND, 1.0, 50).unwrap();
        assert_eq!(
            fit,
            PerceptronFit {
                epochs: 1,
                mistakes: 0
            }
        );
        assert_eq!(p, Perceptron::new([2.0, 2.0], -3.0));
    }

    #[test]
    fn bad_input_is_refused_and_leaves_the_weights() {
        let start = Perceptron::new([0.25, -0.5], 0.125);
        let mut p = start;
        assert_eq!(
            p.fit(&X, &AND[..3], 0.1, 10),
            Err(PerceptronError::Data(DataError::LengthMismatch {
                inputs: 4,
                targets: 3
            }))
        );
        assert_eq!(
            p.fit(&[], &[], 0.1, 10),
            Err(PerceptronError::Data(DataError::Empty))
        );
        assert_eq!(
            p.fit(&[[0.0, f32::NAN]], &[1.0], 0.1, 10),
            Err(PerceptronError::Data(DataError::NonFiniteInput { row: 0 }))
        );
        assert_eq!(
            p.fit(&X, &[1.0, 0.0, 1.0, 1.0], 0.1, 10),
            Err(PerceptronError::InvalidLabel { row: 1 })
        );
        for rate in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            assert_eq!(
                p.fit(&X, &AND, rate, 10),
                Err(PerceptronError::InvalidLearningRate)
            );
        }
        assert_eq!(p.fit(&X, &AND, 0.1, 0), Err(PerceptronError::ZeroEpochs));
        assert_eq!(p, start);
    }

    #[test]
    fn overflowing_update_is_not_committed() {
        // y − ŷ = 2, so the step is 2·f32::MAX: not finite.
        let mut p = Perceptron::<1>::ZERO;
        assert_eq!(
            p.fit(&[[1.0]], &[1.0], f32::MAX, 5),
            Err(PerceptronError::NonFiniteUpdate { epoch: 1, row: 0 })
        );
        assert_eq!(p, Perceptron::<1>::ZERO);
    }
}

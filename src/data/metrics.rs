//! How good are the predictions: regression errors, R², accuracy, log
//! loss and the binary confusion matrix; and one-hot rows from class labels.
//!
//! Every function takes predictions and targets as flat `&[f32]` of equal
//! length (flatten `&[[f32; O]]` with `as_flattened()`), or rows of class
//! scores for argmax accuracy. Empty input or mismatched lengths return a
//! [`MetricError`]; nothing panics. Sums are accumulated in `f64` in index
//! order, so a metric is the same bits on every target. NaN in the data
//! gives NaN (or, for accuracy, a miss); it is not an error.
//!
//! The functions here take `f32`, so untyped float literals stay `f32`.
//! [`generic`] has the same functions for every number type
//! ([`Scalar`](crate::num::Scalar): `f32`, `f64`, [`Q16_16`](crate::num::Q16_16)), returning
//! the `f64` they accumulate; the `f32` functions are those rounded to
//! `f32`, the same bits.
//!
//! ```
//! use stacknet::metrics::{mean_squared_error, r2_score};
//! let predictions = [[2.5], [0.0], [2.0], [8.0]];
//! let targets = [[3.0], [-0.5], [2.0], [7.0]];
//! let (p, t) = (predictions.as_flattened(), targets.as_flattened());
//! assert_eq!(mean_squared_error(p, t), Ok(0.375));
//! assert!((r2_score(p, t).unwrap() - 0.948_608_1).abs() < 1e-6);
//! ```

/// Why a metric could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum MetricError {
    /// There are no predictions.
    Empty,
    /// Predictions and targets have different lengths.
    LengthMismatch {
        /// Number of predictions.
        predictions: usize,
        /// Number of targets.
        targets: usize,
    },
    /// A class label is not below the number of classes.
    LabelOutOfRange {
        /// The row of the label.
        row: usize,
        /// The label.
        label: usize,
        /// The number of classes.
        classes: usize,
    },
}

impl core::fmt::Display for MetricError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MetricError::Empty => f.write_str("no predictions to score"),
            MetricError::LengthMismatch {
                predictions,
                targets,
            } => write!(f, "{predictions} predictions but {targets} targets"),
            MetricError::LabelOutOfRange {
                row,
                label,
                classes,
            } => write!(f, "row {row}: label {label} but only {classes} classes"),
        }
    }
}

impl core::error::Error for MetricError {}

/// Same length, not empty.
pub(crate) fn check(predictions: usize, targets: usize) -> Result<(), MetricError> {
    if predictions != targets {
        Err(MetricError::LengthMismatch {
            predictions,
            targets,
        })
    } else if predictions == 0 {
        Err(MetricError::Empty)
    } else {
        Ok(())
    }
}

/// Mean squared error, `Σ (p − t)² / n`.
pub fn mean_squared_error(predictions: &[f32], targets: &[f32]) -> Result<f32, MetricError> {
    generic::mean_squared_error(predictions, targets).map(|m| m as f32)
}

/// Root mean squared error, `√(Σ (p − t)² / n)`, in the targets' units.
pub fn root_mean_squared_error(predictions: &[f32], targets: &[f32]) -> Result<f32, MetricError> {
    generic::root_mean_squared_error(predictions, targets).map(|m| m as f32)
}

/// Mean absolute error, `Σ |p − t| / n`.
pub fn mean_absolute_error(predictions: &[f32], targets: &[f32]) -> Result<f32, MetricError> {
    generic::mean_absolute_error(predictions, targets).map(|m| m as f32)
}

/// Coefficient of determination, `R² = 1 − Σ (t − p)² / Σ (t − t̄)²`.
///
/// 1 is a perfect fit, 0 is no better than always predicting the mean of
/// the targets, and it can be negative. When every target is the same the
/// ratio is undefined: the result is then 1 for perfect predictions and 0
/// otherwise, as scikit-learn's `r2_score` does.
pub fn r2_score(predictions: &[f32], targets: &[f32]) -> Result<f32, MetricError> {
    generic::r2_score(predictions, targets).map(|r| r as f32)
}

/// Fraction of probabilities on the right side of 0.5.
///
/// A prediction is positive when it is above 0.5 (as Keras'
/// `binary_accuracy`); a target is positive when it is above 0.5, so labels
/// 0/1 and smoothed labels both work. A NaN probability is a miss. For raw
/// scores (logits), threshold at 0 yourself or pass them through
/// [`sigmoid`](crate::model::layers::sigmoid) first; a network's own
/// [`Classifier::accuracy`](crate::model::classify::Classifier::accuracy)
/// takes either.
///
/// ```
/// use stacknet::metrics::binary_accuracy;
/// assert_eq!(binary_accuracy(&[0.9, 0.4, 0.2, 0.6], &[1.0, 1.0, 0.0, 0.0]), Ok(0.5));
/// ```
pub fn binary_accuracy(probabilities: &[f32], targets: &[f32]) -> Result<f32, MetricError> {
    BinaryConfusion::from_probabilities(probabilities, targets).map(|c| c.accuracy())
}

/// Index of the largest value. Ties go to the lowest index and the first
/// NaN wins, as numpy's `argmax`; for a predicted class, which a NaN must
/// not give, use [`class_from_probabilities`](crate::model::classify::class_from_probabilities)
/// or [`class_from_logits`](crate::model::classify::class_from_logits).
///
/// ```
/// use stacknet::metrics::argmax;
/// assert_eq!(argmax(&[0.1, 0.7, 0.2]), 1);
/// assert_eq!(argmax(&[0.5, 0.5]), 0);
/// ```
pub fn argmax<const K: usize>(scores: &[f32; K]) -> usize {
    generic::argmax(scores)
}

/// Fraction of rows whose argmax matches the argmax of the one-hot target
/// row (Keras' `categorical_accuracy`). Scores may be probabilities or
/// logits (a softmax keeps the order). A row with a NaN is a miss.
///
/// ```
/// use stacknet::metrics::categorical_accuracy;
/// let probs = [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]];
/// let one_hot = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];
/// assert_eq!(categorical_accuracy(&probs, &one_hot), Ok(0.5));
/// ```
pub fn categorical_accuracy<const K: usize>(
    scores: &[[f32; K]],
    one_hot: &[[f32; K]],
) -> Result<f32, MetricError> {
    generic::categorical_accuracy(scores, one_hot).map(|a| a as f32)
}

/// Fraction of rows whose argmax is the class index in `labels` (Keras'
/// `sparse_categorical_accuracy`): the accuracy of [`categorical_accuracy`]
/// with the labels one-hot encoded. A row with a NaN is a miss; a label
/// `>= K` is [`MetricError::LabelOutOfRange`].
///
/// ```
/// use stacknet::metrics::sparse_categorical_accuracy;
/// let probs = [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]];
/// assert_eq!(sparse_categorical_accuracy(&probs, &[0, 2]), Ok(1.0));
/// ```
pub fn sparse_categorical_accuracy<const K: usize>(
    scores: &[[f32; K]],
    labels: &[usize],
) -> Result<f32, MetricError> {
    generic::sparse_categorical_accuracy(scores, labels).map(|a| a as f32)
}

/// `numerator / denominator` in `f64`, 0 when the denominator is 0.
pub(crate) fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// [`ratio`] rounded to `f32`.
fn fraction(numerator: usize, denominator: usize) -> f32 {
    ratio(numerator, denominator) as f32
}

/// Probabilities are clipped to `[ε, 1 − ε]`, `ε = f32::EPSILON`, before
/// the logarithm, as scikit-learn's `log_loss` does for `float32` input, so
/// a confident wrong answer costs `−ln ε ≈ 15.9` instead of infinity.
const LOG_LOSS_CLIP: f64 = f32::EPSILON as f64;

/// `−ln p` with `p` clipped to `[ε, 1 − ε]`.
pub(crate) fn surprise(p: f64) -> f64 {
    -libm::log(p.clamp(LOG_LOSS_CLIP, 1.0 - LOG_LOSS_CLIP))
}

/// Binary log loss (cross-entropy) of probabilities against 0/1 targets:
/// `−1/n Σ (t ln p + (1 − t) ln(1 − p))`, in `f64`, with `p` clipped to
/// `[ε, 1 − ε]` (`ε = f32::EPSILON`, as scikit-learn's `log_loss` for
/// `float32`). Targets between 0 and 1 weigh both terms.
///
/// ```
/// use stacknet::metrics::log_loss;
/// // −(ln 0.8 + ln 0.6) / 2
/// let loss = log_loss(&[0.8, 0.4], &[1.0, 0.0]).unwrap();
/// assert!((loss - 0.366_985).abs() < 1e-6);
/// ```
pub fn log_loss(probabilities: &[f32], targets: &[f32]) -> Result<f32, MetricError> {
    generic::log_loss(probabilities, targets).map(|l| l as f32)
}

/// Multi-class log loss of rows of class probabilities against one-hot (or
/// soft) target rows: `−1/n Σ_rows Σ_k t_k ln p_k`, clipped as
/// [`log_loss`]. The probabilities are used as given (a softmax output sums
/// to 1 already).
///
/// ```
/// use stacknet::metrics::categorical_log_loss;
/// let probs = [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]];
/// let one_hot = [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
/// // −(ln 0.7 + ln 0.4) / 2
/// let loss = categorical_log_loss(&probs, &one_hot).unwrap();
/// assert!((loss - 0.636_482).abs() < 1e-6);
/// ```
pub fn categorical_log_loss<const K: usize>(
    probabilities: &[[f32; K]],
    targets: &[[f32; K]],
) -> Result<f32, MetricError> {
    generic::categorical_log_loss(probabilities, targets).map(|l| l as f32)
}

/// Multi-class log loss of rows of class probabilities against class
/// labels: `−1/n Σ_rows ln p_label`, clipped as [`log_loss`]; the same as
/// [`categorical_log_loss`] against the labels' one-hot rows. A label `>= K`
/// is [`MetricError::LabelOutOfRange`].
///
/// ```
/// use stacknet::metrics::sparse_categorical_log_loss;
/// let probs = [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]];
/// // −(ln 0.7 + ln 0.4) / 2
/// let loss = sparse_categorical_log_loss(&probs, &[0, 2]).unwrap();
/// assert!((loss - 0.636_482).abs() < 1e-6);
/// ```
pub fn sparse_categorical_log_loss<const K: usize>(
    probabilities: &[[f32; K]],
    labels: &[usize],
) -> Result<f32, MetricError> {
    generic::sparse_categorical_log_loss(probabilities, labels).map(|l| l as f32)
}

/// Writes the one-hot row of each class label (`1.0` at the label, `0.0`
/// elsewhere) into `rows`, for training a softmax classifier on integer
/// labels. Nothing is written unless every label is below `K` and there is
/// one row per label.
///
/// ```
/// use stacknet::metrics::one_hot;
/// let mut rows = [[9.0; 3]; 2];
/// one_hot(&[2, 0], &mut rows).unwrap();
/// assert_eq!(rows, [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]);
/// ```
pub fn one_hot<const K: usize>(labels: &[usize], rows: &mut [[f32; K]]) -> Result<(), MetricError> {
    generic::one_hot(labels, rows)
}

/// The metrics for every number type `S`: predictions and targets in `S`,
/// results in `f64` (what they are accumulated in; every `S` converts to
/// `f64` exactly). The `f32` functions of [`metrics`](super) are these,
/// rounded to `f32`.
///
/// ```
/// use stacknet::metrics::generic::mean_squared_error;
/// use stacknet::num::{Q16_16, Scalar};
/// let p = [2.5, 0.0, 2.0, 8.0].map(Q16_16::from_f32);
/// let t = [3.0, -0.5, 2.0, 7.0].map(Q16_16::from_f32);
/// assert_eq!(mean_squared_error(&p, &t), Ok(0.375));
/// ```
pub mod generic {
    use super::{BinaryConfusion, MetricError, check, ratio, surprise};
    use crate::num::Scalar;

    /// Mean of `f(prediction − target)` in `f64`, after the checks.
    fn mean_of<S: Scalar>(
        predictions: &[S],
        targets: &[S],
        f: impl Fn(f64) -> f64,
    ) -> Result<f64, MetricError> {
        check(predictions.len(), targets.len())?;
        let sum: f64 = predictions
            .iter()
            .zip(targets)
            .map(|(&p, &t)| f(p.to_f64() - t.to_f64()))
            .sum();
        Ok(sum / predictions.len() as f64)
    }

    /// Mean squared error, `Σ (p − t)² / n`.
    pub fn mean_squared_error<S: Scalar>(
        predictions: &[S],
        targets: &[S],
    ) -> Result<f64, MetricError> {
        mean_of(predictions, targets, |d| d * d)
    }

    /// Root mean squared error, `√(Σ (p − t)² / n)`.
    pub fn root_mean_squared_error<S: Scalar>(
        predictions: &[S],
        targets: &[S],
    ) -> Result<f64, MetricError> {
        mean_squared_error(predictions, targets).map(libm::sqrt)
    }

    /// Mean absolute error, `Σ |p − t| / n`.
    pub fn mean_absolute_error<S: Scalar>(
        predictions: &[S],
        targets: &[S],
    ) -> Result<f64, MetricError> {
        mean_of(predictions, targets, libm::fabs)
    }

    /// R², as [`r2_score`](super::r2_score).
    pub fn r2_score<S: Scalar>(predictions: &[S], targets: &[S]) -> Result<f64, MetricError> {
        check(predictions.len(), targets.len())?;
        let n = targets.len() as f64;
        let mean = targets.iter().map(|&t| t.to_f64()).sum::<f64>() / n;
        let (mut residual, mut total) = (0.0f64, 0.0f64);
        for (&p, &t) in predictions.iter().zip(targets) {
            let (p, t) = (p.to_f64(), t.to_f64());
            residual += (t - p) * (t - p);
            total += (t - mean) * (t - mean);
        }
        Ok(if total != 0.0 {
            1.0 - residual / total
        } else if residual == 0.0 {
            1.0
        } else {
            0.0
        })
    }

    /// The class of a probability or 0/1 label: positive above 0.5.
    #[inline]
    fn positive<S: Scalar>(v: S) -> bool {
        v > S::from_f32(0.5)
    }

    /// The binary confusion counts, as
    /// [`BinaryConfusion::from_probabilities`].
    pub fn binary_confusion<S: Scalar>(
        probabilities: &[S],
        targets: &[S],
    ) -> Result<BinaryConfusion, MetricError> {
        check(probabilities.len(), targets.len())?;
        let mut counts = BinaryConfusion::EMPTY;
        for (&p, &t) in probabilities.iter().zip(targets) {
            let actual = positive(t);
            // a NaN probability names no class: counted as the wrong one
            let predicted = match p.partial_cmp(&p) {
                Some(_) => positive(p),
                None => !actual,
            };
            counts.record(predicted, actual);
        }
        Ok(counts)
    }

    /// Fraction of probabilities on the right side of 0.5, as
    /// [`binary_accuracy`](super::binary_accuracy).
    pub fn binary_accuracy<S: Scalar>(
        probabilities: &[S],
        targets: &[S],
    ) -> Result<f64, MetricError> {
        binary_confusion(probabilities, targets).map(|c| {
            let right = c.true_positives.saturating_add(c.true_negatives);
            ratio(right, c.total())
        })
    }

    /// Index of the largest value, as [`argmax`](super::argmax): ties go to
    /// the lowest index and the first NaN wins.
    pub fn argmax<S: Scalar, const K: usize>(scores: &[S; K]) -> usize {
        const { assert!(K > 0, "argmax needs at least one class") };
        let mut best = 0;
        for (k, &v) in scores.iter().enumerate() {
            // NaN is the one value not comparable with itself.
            if v.partial_cmp(&v).is_none() {
                return k;
            }
            if v > scores[best] {
                best = k;
            }
        }
        best
    }

    /// The index of the largest value, the lowest on ties; `None` for a
    /// NaN (the one value not comparable with itself) or no values: the
    /// predicted class of a row of scores.
    pub(crate) fn checked_argmax<S: Scalar>(scores: &[S]) -> Option<usize> {
        let mut best: Option<(usize, S)> = None;
        for (k, &v) in scores.iter().enumerate() {
            v.partial_cmp(&v)?;
            if best.is_none_or(|(_, b)| v > b) {
                best = Some((k, v));
            }
        }
        best.map(|(k, _)| k)
    }

    /// As [`categorical_accuracy`](super::categorical_accuracy).
    pub fn categorical_accuracy<S: Scalar, const K: usize>(
        scores: &[[S; K]],
        one_hot: &[[S; K]],
    ) -> Result<f64, MetricError> {
        check(scores.len(), one_hot.len())?;
        let hits = scores
            .iter()
            .zip(one_hot)
            .filter(|&(s, t)| checked_argmax(s).is_some_and(|c| Some(c) == checked_argmax(t)))
            .count();
        Ok(ratio(hits, scores.len()))
    }

    /// As [`sparse_categorical_accuracy`](super::sparse_categorical_accuracy).
    pub fn sparse_categorical_accuracy<S: Scalar, const K: usize>(
        scores: &[[S; K]],
        labels: &[usize],
    ) -> Result<f64, MetricError> {
        check_labels(scores.len(), labels, K)?;
        let hits = scores
            .iter()
            .zip(labels)
            .filter(|&(s, &label)| checked_argmax(s) == Some(label))
            .count();
        Ok(ratio(hits, scores.len()))
    }

    /// `rows` rows and one label each, every label below `classes`.
    pub(crate) fn check_labels(
        rows: usize,
        labels: &[usize],
        classes: usize,
    ) -> Result<(), MetricError> {
        check(rows, labels.len())?;
        match labels.iter().enumerate().find(|&(_, &l)| l >= classes) {
            Some((row, &label)) => Err(MetricError::LabelOutOfRange {
                row,
                label,
                classes,
            }),
            None => Ok(()),
        }
    }

    /// Binary log loss, as [`log_loss`](super::log_loss) (clipped at
    /// `f32::EPSILON` for every number type); `1 − p` is formed in `S`.
    pub fn log_loss<S: Scalar>(probabilities: &[S], targets: &[S]) -> Result<f64, MetricError> {
        check(probabilities.len(), targets.len())?;
        let sum: f64 = probabilities
            .iter()
            .zip(targets)
            .map(|(&p, &t)| {
                let t = t.to_f64();
                t * surprise(p.to_f64()) + (1.0 - t) * surprise((S::ONE - p).to_f64())
            })
            .sum();
        Ok(sum / probabilities.len() as f64)
    }

    /// Multi-class log loss, as [`categorical_log_loss`](super::categorical_log_loss).
    pub fn categorical_log_loss<S: Scalar, const K: usize>(
        probabilities: &[[S; K]],
        targets: &[[S; K]],
    ) -> Result<f64, MetricError> {
        check(probabilities.len(), targets.len())?;
        let mut sum = 0.0f64;
        for (p, t) in probabilities.iter().zip(targets) {
            for (&p, &t) in p.iter().zip(t) {
                if t != S::ZERO {
                    sum += t.to_f64() * surprise(p.to_f64());
                }
            }
        }
        Ok(sum / probabilities.len() as f64)
    }

    /// Multi-class log loss against class labels, as
    /// [`sparse_categorical_log_loss`](super::sparse_categorical_log_loss).
    pub fn sparse_categorical_log_loss<S: Scalar, const K: usize>(
        probabilities: &[[S; K]],
        labels: &[usize],
    ) -> Result<f64, MetricError> {
        check_labels(probabilities.len(), labels, K)?;
        let sum: f64 = probabilities
            .iter()
            .zip(labels)
            .map(|(p, &label)| p.get(label).map_or(f64::NAN, |&p| surprise(p.to_f64())))
            .sum();
        Ok(sum / probabilities.len() as f64)
    }

    /// One-hot rows in `S`, as [`one_hot`](super::one_hot).
    pub fn one_hot<S: Scalar, const K: usize>(
        labels: &[usize],
        rows: &mut [[S; K]],
    ) -> Result<(), MetricError> {
        check(labels.len(), rows.len())?;
        check_labels(labels.len(), labels, K)?;
        for (row, &label) in rows.iter_mut().zip(labels) {
            *row = [S::ZERO; K];
            if let Some(one) = row.get_mut(label) {
                *one = S::ONE;
            }
        }
        Ok(())
    }
}

/// Counts of a binary classifier's outcomes (the 2 × 2 confusion matrix).
///
/// Build it from probabilities with
/// [`from_probabilities`](Self::from_probabilities), or one outcome at a
/// time with [`record`](Self::record) when the predictions are never all in
/// memory. Precision, recall and F1 are 0 when their denominator is 0, as
/// scikit-learn's default.
///
/// ```
/// use stacknet::metrics::BinaryConfusion;
/// let probs = [0.9, 0.2, 0.7, 0.4, 0.6];
/// let labels = [1.0, 0.0, 0.0, 1.0, 1.0];
/// let c = BinaryConfusion::from_probabilities(&probs, &labels).unwrap();
/// assert_eq!((c.true_positives, c.false_positives), (2, 1));
/// assert_eq!((c.true_negatives, c.false_negatives), (1, 1));
/// assert_eq!(c.accuracy(), 0.6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BinaryConfusion {
    /// Predicted positive, actually positive.
    pub true_positives: usize,
    /// Predicted positive, actually negative.
    pub false_positives: usize,
    /// Predicted negative, actually negative.
    pub true_negatives: usize,
    /// Predicted negative, actually positive.
    pub false_negatives: usize,
}

impl BinaryConfusion {
    /// No outcomes yet.
    pub const EMPTY: Self = BinaryConfusion {
        true_positives: 0,
        false_positives: 0,
        true_negatives: 0,
        false_negatives: 0,
    };

    /// Counts thresholded probabilities against targets: both are positive
    /// above 0.5, as in [`binary_accuracy`]; a NaN probability is counted
    /// as the wrong class (a false negative or a false positive).
    /// [`generic::binary_confusion`] is the same for every number type.
    pub fn from_probabilities(probabilities: &[f32], targets: &[f32]) -> Result<Self, MetricError> {
        generic::binary_confusion(probabilities, targets)
    }

    /// Adds one outcome.
    #[inline]
    pub fn record(&mut self, predicted_positive: bool, actually_positive: bool) {
        let count = match (predicted_positive, actually_positive) {
            (true, true) => &mut self.true_positives,
            (true, false) => &mut self.false_positives,
            (false, false) => &mut self.true_negatives,
            (false, true) => &mut self.false_negatives,
        };
        *count = count.saturating_add(1);
    }

    /// Number of outcomes counted.
    pub fn total(&self) -> usize {
        self.true_positives
            .saturating_add(self.false_positives)
            .saturating_add(self.true_negatives)
            .saturating_add(self.false_negatives)
    }

    /// Fraction of outcomes predicted right, `(tp + tn) / total`.
    pub fn accuracy(&self) -> f32 {
        let right = self.true_positives.saturating_add(self.true_negatives);
        fraction(right, self.total())
    }

    /// Of the predicted positives, the fraction that are positive:
    /// `tp / (tp + fp)`.
    pub fn precision(&self) -> f32 {
        let predicted = self.true_positives.saturating_add(self.false_positives);
        fraction(self.true_positives, predicted)
    }

    /// Of the actual positives, the fraction predicted positive:
    /// `tp / (tp + fn)`.
    pub fn recall(&self) -> f32 {
        let actual = self.true_positives.saturating_add(self.false_negatives);
        fraction(self.true_positives, actual)
    }

    /// Harmonic mean of precision and recall, `2tp / (2tp + fp + fn)`.
    pub fn f1(&self) -> f32 {
        let tp2 = self.true_positives.saturating_mul(2);
        let denominator = tp2
            .saturating_add(self.false_positives)
            .saturating_add(self.false_negatives);
        fraction(tp2, denominator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f32, b: f64) -> bool {
        (f64::from(a) - b).abs() <= 1e-6 * b.abs().max(1.0)
    }

    // scikit-learn's documented example for its regression metrics:
    // y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8].
    const T: [f32; 4] = [3.0, -0.5, 2.0, 7.0];
    const P: [f32; 4] = [2.5, 0.0, 2.0, 8.0];

    #[test]
    fn regression_errors_by_hand() {
        // Errors −0.5, 0.5, 0, 1: squares 0.25 + 0.25 + 0 + 1 = 1.5, abs 2.
        assert_eq!(mean_squared_error(&P, &T), Ok(0.375));
        assert_eq!(mean_absolute_error(&P, &T), Ok(0.5));
        assert!(close(
            root_mean_squared_error(&P, &T).unwrap(),
            0.375f64.sqrt()
        ));
    }

    #[test]
    fn r2_by_hand() {
        // t̄ = 11.5 / 4 = 2.875; Σ(t − t̄)² = 0.015625 + 11.390625 + 0.765625
        // + 17.015625 = 29.1875; R² = 1 − 1.5 / 29.1875 = 0.948608137…
        assert!(close(r2_score(&P, &T).unwrap(), 1.0 - 1.5 / 29.1875));
        // Predicting the mean scores 0; perfect predictions score 1.
        assert!(close(r2_score(&[2.875; 4], &T).unwrap(), 0.0));
        assert_eq!(r2_score(&T, &T), Ok(1.0));
        // Worse than the mean is negative: errors all 10 → 1 − 400 / 29.1875.
        let off = T.map(|t| t + 10.0);
        assert!(close(r2_score(&off, &T).unwrap(), 1.0 - 400.0 / 29.1875));
    }

    #[test]
    fn r2_with_constant_targets_is_finite() {
        assert_eq!(r2_score(&[4.0, 4.0], &[4.0, 4.0]), Ok(1.0));
        assert_eq!(r2_score(&[4.0, 5.0], &[4.0, 4.0]), Ok(0.0));
    }

    #[test]
    fn confusion_counts_precision_recall_f1() {
        // Thresholded: [1, 0, 1, 0, 1] against [1, 0, 0, 1, 1].
        let c = BinaryConfusion::from_probabilities(
            &[0.9, 0.2, 0.7, 0.4, 0.6],
            &[1.0, 0.0, 0.0, 1.0, 1.0],
        )
        .unwrap();
        let expected = BinaryConfusion {
            true_positives: 2,
            false_positives: 1,
            true_negatives: 1,
            false_negatives: 1,
        };
        assert_eq!(c, expected);
        assert_eq!(c.total(), 5);
        assert!(close(c.precision(), 2.0 / 3.0));
        assert!(close(c.recall(), 2.0 / 3.0));
        assert!(close(c.f1(), 2.0 / 3.0));
        assert!(close(c.accuracy(), 0.6));

        // tp 3, fp 1, fn 2: precision 3/4, recall 3/5, F1 = 2·0.75·0.6/1.35 = 6/9.
        let c = BinaryConfusion {
            true_positives: 3,
            false_positives: 1,
            true_negatives: 4,
            false_negatives: 2,
        };
        assert!(close(c.precision(), 0.75));
        assert!(close(c.recall(), 0.6));
        assert!(close(c.f1(), 2.0 * 0.75 * 0.6 / (0.75 + 0.6)));
        assert!(close(c.accuracy(), 0.7));
    }

    #[test]
    fn undefined_ratios_are_zero() {
        let c = BinaryConfusion::EMPTY;
        assert_eq!(
            (c.precision(), c.recall(), c.f1(), c.accuracy()),
            (0.0, 0.0, 0.0, 0.0)
        );
        // Nothing predicted positive, nothing actually positive.
        let mut c = BinaryConfusion::default();
        c.record(false, false);
        assert_eq!((c.precision(), c.recall(), c.f1()), (0.0, 0.0, 0.0));
        assert_eq!(c.accuracy(), 1.0);
    }

    #[test]
    fn threshold_is_strictly_above_half() {
        // 0.5 is negative; 0.5000001 is positive.
        assert_eq!(binary_accuracy(&[0.5, 0.500_001], &[0.0, 1.0]), Ok(1.0));
        assert_eq!(binary_accuracy(&[0.5], &[1.0]), Ok(0.0));
        // 3 of 4 right.
        assert_eq!(
            binary_accuracy(&[0.1, 0.8, 0.3, 0.4], &[0.0, 1.0, 0.0, 1.0]),
            Ok(0.75)
        );
    }

    #[test]
    fn argmax_accuracy() {
        assert_eq!(argmax(&[1.0]), 0);
        assert_eq!(argmax(&[-3.0, -1.0, -2.0]), 1);
        assert_eq!(argmax(&[0.0, 2.0, 2.0]), 1);
        assert_eq!(argmax(&[1.0, f32::NAN, 5.0]), 1);
        assert_eq!(argmax(&[f32::NEG_INFINITY, f32::NEG_INFINITY]), 0);

        let scores = [
            [0.1, 0.6, 0.3],
            [0.8, 0.1, 0.1],
            [0.2, 0.2, 0.6],
            [0.5, 0.4, 0.1],
        ];
        let one_hot = [
            [0.0, 1.0, 0.0],
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
        ];
        // Predicted 1, 0, 2, 0 against 1, 0, 1, 2: two right.
        assert_eq!(categorical_accuracy(&scores, &one_hot), Ok(0.5));
        assert_eq!(sparse_categorical_accuracy(&scores, &[1, 0, 1, 2]), Ok(0.5));
        assert_eq!(sparse_categorical_accuracy(&scores, &[1, 0, 2, 0]), Ok(1.0));
        assert_eq!(
            sparse_categorical_accuracy(&scores, &[1, 0, 9, 0]),
            Err(MetricError::LabelOutOfRange {
                row: 2,
                label: 9,
                classes: 3
            })
        );
        // a NaN row names no class: a miss in either label form, even where
        // numpy's argmax (the NaN's index) would match the label
        let nan_rows = [[0.1, f32::NAN, 0.2], [0.7, 0.2, 0.1]];
        let nan_targets = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]];
        assert_eq!(argmax(&nan_rows[0]), 1);
        assert_eq!(categorical_accuracy(&nan_rows, &nan_targets), Ok(0.5));
        assert_eq!(sparse_categorical_accuracy(&nan_rows, &[1, 0]), Ok(0.5));
        // a NaN probability is a miss against either label
        assert_eq!(binary_accuracy(&[f32::NAN, 0.2], &[0.0, 0.0]), Ok(0.5));
        assert_eq!(binary_accuracy(&[f32::NAN, 0.2], &[1.0, 0.0]), Ok(0.5));
        let c = BinaryConfusion::from_probabilities(&[f32::NAN, f32::NAN], &[0.0, 1.0]).unwrap();
        assert_eq!((c.false_positives, c.false_negatives), (1, 1));
    }

    #[test]
    fn bad_lengths_are_errors() {
        let mismatch = MetricError::LengthMismatch {
            predictions: 2,
            targets: 3,
        };
        let (p, t) = ([1.0, 2.0], [1.0, 2.0, 3.0]);
        assert_eq!(mean_squared_error(&p, &t), Err(mismatch));
        assert_eq!(root_mean_squared_error(&p, &t), Err(mismatch));
        assert_eq!(mean_absolute_error(&p, &t), Err(mismatch));
        assert_eq!(r2_score(&p, &t), Err(mismatch));
        assert_eq!(binary_accuracy(&p, &t), Err(mismatch));
        assert_eq!(BinaryConfusion::from_probabilities(&p, &t), Err(mismatch));
        assert_eq!(
            categorical_accuracy(&[[0.0; 2]; 2], &[[0.0; 2]; 3]),
            Err(mismatch)
        );
        assert_eq!(
            sparse_categorical_accuracy(&[[0.0; 2]; 2], &[0; 3]),
            Err(mismatch)
        );
        assert_eq!(mean_squared_error(&[], &[]), Err(MetricError::Empty));
        assert_eq!(r2_score(&[], &[]), Err(MetricError::Empty));
        assert_eq!(binary_accuracy(&[], &[]), Err(MetricError::Empty));
        let none: [[f32; 3]; 0] = [];
        assert_eq!(categorical_accuracy(&none, &none), Err(MetricError::Empty));
    }

    #[test]
    fn flattened_rows() {
        // Two outputs per sample: errors 1, −1, 2, 0 → MSE 6/4.
        let p = [[1.0, 1.0], [3.0, 0.0]];
        let t = [[0.0, 2.0], [1.0, 0.0]];
        assert_eq!(
            mean_squared_error(p.as_flattened(), t.as_flattened()),
            Ok(1.5)
        );
    }

    /// scikit-learn's `log_loss` documentation example: 0.21616…, the same
    /// as binary and as two-class rows.
    #[test]
    fn log_loss_matches_scikit_learn() {
        let p_spam = [0.9, 0.1, 0.2, 0.65];
        let spam = [1.0, 0.0, 0.0, 1.0];
        let binary = log_loss(&p_spam, &spam).unwrap();
        assert!((binary - 0.216_161_87).abs() < 1e-6, "{binary}");
        let rows = [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]];
        let one_hot_rows = [[0.0, 1.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
        let categorical = categorical_log_loss(&rows, &one_hot_rows).unwrap();
        assert!((categorical - binary).abs() < 1e-6);
    }

    #[test]
    fn log_loss_clips_certain_mistakes() {
        // −ln ε for ε = 2^−23
        let worst = 23.0 * core::f32::consts::LN_2;
        assert!((log_loss(&[0.0], &[1.0]).unwrap() - worst).abs() < 1e-5);
        assert!((log_loss(&[1.0], &[0.0]).unwrap() - worst).abs() < 1e-5);
        assert!(log_loss(&[1.0], &[1.0]).unwrap() < 1e-6);
        assert_eq!(log_loss(&[], &[]), Err(MetricError::Empty));
    }

    #[test]
    fn one_hot_rows_and_bad_labels() {
        let mut rows = [[5.0; 4]; 3];
        one_hot(&[3, 0, 1], &mut rows).unwrap();
        assert_eq!(
            rows,
            [
                [0.0, 0.0, 0.0, 1.0],
                [1.0, 0.0, 0.0, 0.0],
                [0.0, 1.0, 0.0, 0.0]
            ]
        );
        let before = rows;
        assert_eq!(
            one_hot(&[1, 4, 0], &mut rows),
            Err(MetricError::LabelOutOfRange {
                row: 1,
                label: 4,
                classes: 4
            })
        );
        assert_eq!(rows, before, "nothing written");
        assert_eq!(
            one_hot(&[1, 2], &mut rows),
            Err(MetricError::LengthMismatch {
                predictions: 2,
                targets: 3
            })
        );
        // log loss agrees for either label form: −(ln 0.4 + ln 0.9 + ln 0.2) / 3
        let probs_rows = [
            [0.1, 0.2, 0.3, 0.4],
            [0.9, 0.0, 0.0, 0.1],
            [0.3, 0.2, 0.5, 0.0],
        ];
        let expected = -(0.4f64.ln() + 0.9f64.ln() + 0.2f64.ln()) / 3.0;
        let sparse = sparse_categorical_log_loss(&probs_rows, &[3, 0, 1]).unwrap();
        let dense = categorical_log_loss(&probs_rows, &rows).unwrap();
        assert!(
            (f64::from(sparse) - expected).abs() < 1e-6,
            "{sparse} vs {expected}"
        );
        assert_eq!(sparse, dense);
        assert_eq!(
            sparse_categorical_log_loss(&probs_rows, &[3, 4, 1]),
            Err(MetricError::LabelOutOfRange {
                row: 1,
                label: 4,
                classes: 4
            })
        );
        // accuracy agrees for either label form
        let probs = [
            [0.1, 0.2, 0.3, 0.4],
            [0.9, 0.0, 0.0, 0.1],
            [0.3, 0.2, 0.5, 0.0],
        ];
        assert_eq!(
            categorical_accuracy(&probs, &rows),
            sparse_categorical_accuracy(&probs, &[3, 0, 1])
        );
    }

    use crate::num::{Q16_16, Scalar};

    #[test]
    fn generic_metrics_in_f64_by_hand() {
        // The scikit-learn example in f64: errors −0.5, 0.5, 0, 1.
        let t = [3.0f64, -0.5, 2.0, 7.0];
        let p = [2.5f64, 0.0, 2.0, 8.0];
        assert_eq!(generic::mean_squared_error(&p, &t), Ok(1.5 / 4.0));
        assert_eq!(generic::mean_absolute_error(&p, &t), Ok(0.5));
        assert_eq!(
            generic::root_mean_squared_error(&p, &t),
            Ok(0.375f64.sqrt())
        );
        // R² = 1 − 1.5 / 29.1875 (t̄ = 2.875), all exact in binary but the
        // quotient, which is rounded once.
        assert_eq!(generic::r2_score(&p, &t), Ok(1.0 - 1.5 / 29.1875));
        assert_eq!(generic::r2_score(&[4.0f64, 5.0], &[4.0, 4.0]), Ok(0.0));
        // Thresholded [1, 0, 1, 0, 1] against [1, 0, 0, 1, 1]: 3 of 5.
        let probs = [0.9f64, 0.2, 0.7, 0.4, 0.6];
        let labels = [1.0f64, 0.0, 0.0, 1.0, 1.0];
        assert_eq!(generic::binary_accuracy(&probs, &labels), Ok(0.6));
        let c = generic::binary_confusion(&probs, &labels).unwrap();
        assert_eq!((c.true_positives, c.false_negatives), (2, 1));
        // argmax: ties low, NaN first.
        assert_eq!(generic::argmax(&[0.1f64, 0.7, 0.7]), 1);
        assert_eq!(generic::argmax(&[0.1f64, f64::NAN, 0.7]), 1);
        let scores = [[0.1f64, 0.6, 0.3], [0.8, 0.1, 0.1]];
        let one_hot_rows = [[0.0f64, 1.0, 0.0], [0.0, 0.0, 1.0]];
        assert_eq!(
            generic::categorical_accuracy(&scores, &one_hot_rows),
            Ok(0.5)
        );
        assert_eq!(
            generic::sparse_categorical_accuracy(&scores, &[1, 0]),
            Ok(1.0)
        );
        // −(ln 0.8 + ln 0.6) / 2, from the logarithms.
        let expected = -(0.8f64.ln() + 0.6f64.ln()) / 2.0;
        let loss = generic::log_loss(&[0.8f64, 0.4], &[1.0, 0.0]).unwrap();
        assert!((loss - expected).abs() < 1e-15, "{loss} vs {expected}");
        // −(ln 0.7 + ln 0.4) / 2.
        let expected = -(0.7f64.ln() + 0.4f64.ln()) / 2.0;
        let rows = [[0.7f64, 0.2, 0.1], [0.1, 0.5, 0.4]];
        let targets = [[1.0f64, 0.0, 0.0], [0.0, 0.0, 1.0]];
        let loss = generic::categorical_log_loss(&rows, &targets).unwrap();
        assert!((loss - expected).abs() < 1e-15, "{loss} vs {expected}");
        let mut encoded = [[7.0f64; 3]; 2];
        generic::one_hot(&[1, 2], &mut encoded).unwrap();
        assert_eq!(encoded, [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]);
        assert_eq!(
            generic::mean_squared_error::<f64>(&[], &[]),
            Err(MetricError::Empty)
        );
    }

    #[test]
    fn generic_metrics_in_fixed_point() {
        let q = Q16_16::from_f32;
        // The same example: every value and every error is exact in Q16.16,
        // and the sums are in f64, so the results are those of f64.
        let t = T.map(q);
        let p = P.map(q);
        assert_eq!(generic::mean_squared_error(&p, &t), Ok(0.375));
        assert_eq!(generic::mean_absolute_error(&p, &t), Ok(0.5));
        assert_eq!(generic::r2_score(&p, &t), Ok(1.0 - 1.5 / 29.1875));
        // 0.5 is exact, and only strictly above it is positive.
        let probs = [q(0.5), Q16_16::from_raw(32769), q(0.2)];
        let labels = [q(0.0), q(1.0), q(1.0)];
        assert_eq!(generic::binary_accuracy(&probs, &labels), Ok(2.0 / 3.0));
        assert_eq!(generic::argmax(&[q(-1.0), q(2.0), q(2.0)]), 1);
        // Probabilities 0.75 and 0.25 are exact: −(ln 0.75 + ln 0.75) / 2.
        let loss = generic::log_loss(&[q(0.75), q(0.25)], &[q(1.0), q(0.0)]).unwrap();
        assert!((loss + 0.75f64.ln()).abs() < 1e-15);
        let mut rows = [[Q16_16::SATURATED; 2]; 2];
        generic::one_hot(&[1, 0], &mut rows).unwrap();
        assert_eq!(rows, [[q(0.0), q(1.0)], [q(1.0), q(0.0)]]);
    }
}

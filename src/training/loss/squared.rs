//! Squared-error losses, named as the lessons name them.

use super::{Loss, squares_and_scaled_difference, squares_and_scaled_difference_lanes};
use crate::num::Scalar;

/// Mean squared error, `1/m Σ (ŷ − y)²` over a batch (summed over outputs).
/// Gradient per sample: `2 (ŷ − y)`.
///
/// ```
/// use stacknet::loss::{Loss, MeanSquaredError};
/// assert_eq!(MeanSquaredError.loss(&[3.0], &[1.0]), 4.0);
/// assert_eq!(MeanSquaredError.gradient(&[3.0], &[1.0]), [4.0]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MeanSquaredError;

impl<S: Scalar, const N: usize> Loss<N, S> for MeanSquaredError {
    #[inline]
    fn loss(&self, p: &[S; N], y: &[S; N]) -> S {
        self.loss_and_gradient(p, y).0
    }

    #[inline]
    fn loss_and_gradient(&self, p: &[S; N], y: &[S; N]) -> (S, [S; N]) {
        squares_and_scaled_difference(p, y, S::from_f32(2.0))
    }

    #[inline]
    fn loss_and_gradient_lanes<const B: usize>(
        &self,
        p: &[[S; B]; N],
        y: &[[S; B]; N],
    ) -> ([S; B], [[S; B]; N]) {
        squares_and_scaled_difference_lanes(p, y, S::from_f32(2.0))
    }

    #[inline]
    fn gradient(&self, p: &[S; N], y: &[S; N]) -> [S; N] {
        self.loss_and_gradient(p, y).1
    }
}

/// The half-mean cost of the linear-regression lessons, `1/(2m) Σ (ŷ − y)²`
/// (also scikit-learn's `squared_error` for `MLPRegressor`).
/// Gradient per sample: `ŷ − y`.
///
/// ```
/// use stacknet::loss::{HalfMeanSquaredError, Loss};
/// assert_eq!(HalfMeanSquaredError.loss(&[3.0], &[1.0]), 2.0);
/// assert_eq!(HalfMeanSquaredError.gradient(&[3.0], &[1.0]), [2.0]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HalfMeanSquaredError;

impl<S: Scalar, const N: usize> Loss<N, S> for HalfMeanSquaredError {
    #[inline]
    fn loss(&self, p: &[S; N], y: &[S; N]) -> S {
        self.loss_and_gradient(p, y).0
    }

    #[inline]
    fn loss_and_gradient(&self, p: &[S; N], y: &[S; N]) -> (S, [S; N]) {
        half_squares_and_difference(p, y)
    }

    #[inline]
    fn loss_and_gradient_lanes<const B: usize>(
        &self,
        p: &[[S; B]; N],
        y: &[[S; B]; N],
    ) -> ([S; B], [[S; B]; N]) {
        half_squares_and_difference_lanes(p, y)
    }

    #[inline]
    fn gradient(&self, p: &[S; N], y: &[S; N]) -> [S; N] {
        self.loss_and_gradient(p, y).1
    }
}

/// The sum-of-squares error `E = ½ Σ (y − ŷ)²` of the "linear regression
/// from scratch" lesson: summed, not averaged, over the batch, and so is its
/// gradient `Σ (ŷ − y)`. Its learning rates are correspondingly small.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SumSquaredError;

impl<S: Scalar, const N: usize> Loss<N, S> for SumSquaredError {
    const MEAN_OVER_BATCH: bool = false;

    #[inline]
    fn loss(&self, p: &[S; N], y: &[S; N]) -> S {
        self.loss_and_gradient(p, y).0
    }

    #[inline]
    fn loss_and_gradient(&self, p: &[S; N], y: &[S; N]) -> (S, [S; N]) {
        half_squares_and_difference(p, y)
    }

    #[inline]
    fn loss_and_gradient_lanes<const B: usize>(
        &self,
        p: &[[S; B]; N],
        y: &[[S; B]; N],
    ) -> ([S; B], [[S; B]; N]) {
        half_squares_and_difference_lanes(p, y)
    }

    #[inline]
    fn gradient(&self, p: &[S; N], y: &[S; N]) -> [S; N] {
        self.loss_and_gradient(p, y).1
    }
}

/// `(½ Σ_k (ŷ_k − y_k)², ŷ − y)`: the half squared errors' loss and
/// gradient.
#[inline(always)]
fn half_squares_and_difference<S: Scalar, const N: usize>(p: &[S; N], y: &[S; N]) -> (S, [S; N]) {
    let (sum, g) = squares_and_scaled_difference(p, y, S::ONE);
    (S::from_f32(0.5) * sum, g)
}

/// [`half_squares_and_difference`] of `B` samples in lanes.
#[inline(always)]
fn half_squares_and_difference_lanes<S: Scalar, const N: usize, const B: usize>(
    p: &[[S; B]; N],
    y: &[[S; B]; N],
) -> ([S; B], [[S; B]; N]) {
    let (sums, g) = squares_and_scaled_difference_lanes(p, y, S::ONE);
    (sums.map(|sum| S::from_f32(0.5) * sum), g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_weights_follow_the_definitions() {
        assert_eq!(<MeanSquaredError as Loss<1>>::batch_weight(4), 0.25);
        assert_eq!(<HalfMeanSquaredError as Loss<1>>::batch_weight(4), 0.25);
        assert_eq!(<SumSquaredError as Loss<1>>::batch_weight(4), 1.0);
    }

    #[test]
    fn values_over_two_outputs() {
        let (p, y) = ([1.0, -1.0], [0.0, 1.0]);
        assert_eq!(MeanSquaredError.loss(&p, &y), 5.0);
        assert_eq!(HalfMeanSquaredError.loss(&p, &y), 2.5);
        assert_eq!(SumSquaredError.loss(&p, &y), 2.5);
        assert_eq!(MeanSquaredError.gradient(&p, &y), [2.0, -4.0]);
        assert_eq!(SumSquaredError.gradient(&p, &y), [1.0, -2.0]);
        assert_eq!(
            HalfMeanSquaredError.loss_and_gradient(&p, &y),
            (2.5, [1.0, -2.0])
        );
        assert_eq!(
            MeanSquaredError.loss_and_gradient(&p, &y),
            (5.0, [2.0, -4.0])
        );
    }
}

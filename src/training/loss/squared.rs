//! Squared-error losses, named as the lessons name them.

use super::Loss;
use crate::num::Scalar;

/// `Loss` for a squared error: `Σ_k (ŷ_k − y_k)²` with gradient `2 (ŷ − y)`,
/// or with `half` the half of it with gradient `ŷ − y`; averaged over a
/// batch when `mean`, else summed. One definition for the three losses,
/// per sample and in lanes.
macro_rules! squared_error_loss {
    ($name:ident, half: $half:literal, mean: $mean:literal) => {
        impl<S: Scalar, const N: usize> Loss<N, S> for $name {
            const MEAN_OVER_BATCH: bool = $mean;

            #[inline]
            fn loss(&self, p: &[S; N], y: &[S; N]) -> S {
                self.loss_and_gradient(p, y).0
            }

            #[inline]
            fn loss_and_gradient(&self, p: &[S; N], y: &[S; N]) -> (S, [S; N]) {
                squared_error::<S, N, $half>(p, y)
            }

            #[inline]
            fn loss_and_gradient_lanes<const B: usize>(
                &self,
                p: &[[S; B]; N],
                y: &[[S; B]; N],
            ) -> ([S; B], [[S; B]; N]) {
                squared_error_lanes::<S, N, B, $half>(p, y)
            }

            #[inline]
            fn gradient(&self, p: &[S; N], y: &[S; N]) -> [S; N] {
                self.loss_and_gradient(p, y).1
            }
        }
    };
}

/// One sample's squared error and its gradient, for `d = ŷ − y`: `Σ_k d_k²`
/// and `2 d`, or with `HALF` `½ Σ_k d_k²` and `d`, in one pass over the
/// differences (see [`squared_error_loss`]).
#[inline(always)]
fn squared_error<S: Scalar, const N: usize, const HALF: bool>(
    p: &[S; N],
    y: &[S; N],
) -> (S, [S; N]) {
    let factor = gradient_factor::<S, HALF>();
    let mut g = [S::ZERO; N];
    let mut sum = S::ZERO;
    for ((g, &p), &y) in g.iter_mut().zip(p).zip(y) {
        let d = p - y;
        sum += d * d;
        *g = d * factor;
    }
    (halved::<S, HALF>(sum), g)
}

/// [`squared_error`] of `B` samples in lanes, each lane's sum in order of
/// `k` as there: the same bits, a lane at a time.
#[inline(always)]
fn squared_error_lanes<S: Scalar, const N: usize, const B: usize, const HALF: bool>(
    p: &[[S; B]; N],
    y: &[[S; B]; N],
) -> ([S; B], [[S; B]; N]) {
    let factor = gradient_factor::<S, HALF>();
    let mut g = [[S::ZERO; B]; N];
    let mut sum = [S::ZERO; B];
    for ((g, p), y) in g.iter_mut().zip(p).zip(y) {
        for (((g, sum), &p), &y) in g.iter_mut().zip(&mut sum).zip(p).zip(y) {
            let d = p - y;
            *sum += d * d;
            *g = d * factor;
        }
    }
    (sum.map(halved::<S, HALF>), g)
}

/// `∂/∂d` of the loss is `factor · d`: 1 for the half errors, else 2.
#[inline(always)]
fn gradient_factor<S: Scalar, const HALF: bool>() -> S {
    if HALF { S::ONE } else { S::from_f32(2.0) }
}

/// The loss from the sum of squares: its half for the half errors.
#[inline(always)]
fn halved<S: Scalar, const HALF: bool>(sum: S) -> S {
    if HALF { S::from_f32(0.5) * sum } else { sum }
}

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

squared_error_loss!(MeanSquaredError, half: false, mean: true);

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

squared_error_loss!(HalfMeanSquaredError, half: true, mean: true);

/// The sum-of-squares error `E = ½ Σ (y − ŷ)²` of the "linear regression
/// from scratch" lesson: summed, not averaged, over the batch, and so is its
/// gradient `Σ (ŷ − y)`. Its learning rates are correspondingly small.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SumSquaredError;

squared_error_loss!(SumSquaredError, half: true, mean: false);

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

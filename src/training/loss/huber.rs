//! Huber loss (smooth L1): squared for small errors, linear for outliers.

use super::Loss;
use crate::num::Scalar;

/// Huber loss with threshold `δ`: per output `½ d²` where `|d| ≤ δ` and
/// `δ (|d| − ½ δ)` beyond, with `d = ŷ − y`; summed over outputs, mean over
/// the batch. Gradient per output: `d` inside, `±δ` outside, so one outlier
/// pulls no harder than `δ` (sensor data with spikes). PyTorch's
/// `HuberLoss(delta)`; with `δ = 1` it is also `SmoothL1Loss`.
///
/// `δ` is checked when the loss is made: finite and positive.
///
/// ```
/// use stacknet::loss::{Huber, Loss};
/// let huber = Huber::new(1.0).unwrap();
/// assert_eq!(huber.loss(&[0.5, 3.0], &[0.0, 0.0]), 0.125 + 2.5);
/// assert_eq!(huber.gradient(&[0.5, -3.0], &[0.0, 0.0]), [0.5, -1.0]);
/// assert!(Huber::new(0.0).is_err() && Huber::new(f32::NAN).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Huber {
    delta: f32,
}

/// `Huber::new` was given a `δ` that is not finite and positive.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct InvalidDelta(pub f32);

impl core::fmt::Display for InvalidDelta {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Huber delta must be finite and positive, not {}", self.0)
    }
}

impl core::error::Error for InvalidDelta {}

impl Huber {
    /// PyTorch's default threshold, 1.
    pub const DEFAULT: Huber = Huber { delta: 1.0 };

    /// A Huber loss with threshold `delta`, which must be finite and > 0.
    pub const fn new(delta: f32) -> Result<Huber, InvalidDelta> {
        if delta > 0.0 && delta <= f32::MAX {
            Ok(Huber { delta })
        } else {
            Err(InvalidDelta(delta))
        }
    }

    /// The threshold `δ`.
    pub const fn delta(&self) -> f32 {
        self.delta
    }

    /// `(loss, gradient)` of one output's error `d`.
    #[inline(always)]
    fn term<S: Scalar>(&self, d: S) -> (S, S) {
        let (delta, half) = (S::from_f32(self.delta), S::from_f32(0.5));
        if d.abs() <= delta {
            (half * d * d, d)
        } else if d > S::ZERO {
            (delta * (d - half * delta), delta)
        } else if d < S::ZERO {
            (delta * (-d - half * delta), -delta)
        } else {
            (d, d) // NaN stays NaN
        }
    }
}

impl Default for Huber {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl<S: Scalar, const N: usize> Loss<N, S> for Huber {
    #[inline]
    fn loss(&self, p: &[S; N], y: &[S; N]) -> S {
        self.loss_and_gradient(p, y).0
    }

    #[inline]
    fn gradient(&self, p: &[S; N], y: &[S; N]) -> [S; N] {
        self.loss_and_gradient(p, y).1
    }

    #[inline]
    fn loss_and_gradient(&self, p: &[S; N], y: &[S; N]) -> (S, [S; N]) {
        let mut g = [S::ZERO; N];
        let mut sum = S::ZERO;
        for ((g, &p), &y) in g.iter_mut().zip(p).zip(y) {
            let (l, d) = self.term(p - y);
            sum += l;
            *g = d;
        }
        (sum, g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadratic_inside_linear_outside_and_continuous() {
        let h = Huber::new(0.5).unwrap();
        // inside: ½ d²; outside: δ (|d| − δ/2); at |d| = δ both give δ²/2
        assert_eq!(h.loss(&[0.25], &[0.0]), 0.031_25);
        assert_eq!(h.loss(&[-2.0], &[0.0]), 0.5 * (2.0 - 0.25));
        assert_eq!(h.loss(&[0.5], &[0.0]), 0.125);
        assert_eq!(h.gradient(&[0.25, 2.0, -2.0], &[0.0; 3]), [0.25, 0.5, -0.5]);
        assert!(h.loss(&[f32::NAN], &[0.0]).is_nan());
        assert!(h.gradient(&[f32::NAN], &[0.0])[0].is_nan());
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let h = Huber::new(1.5).unwrap();
        for &p in &[-4.0f32, -1.2, -0.3, 0.4, 1.1, 2.0, 5.0] {
            let e = 1e-3;
            let numeric = (h.loss(&[p + e], &[0.2]) - h.loss(&[p - e], &[0.2])) / (2.0 * e);
            let analytic = h.gradient(&[p], &[0.2])[0];
            assert!(
                (numeric - analytic).abs() < 2e-3,
                "{p}: {numeric} vs {analytic}"
            );
        }
    }

    #[test]
    fn bad_deltas_are_refused() {
        for bad in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            assert!(Huber::new(bad).is_err());
        }
        assert_eq!(Huber::default().delta(), 1.0);
    }
}

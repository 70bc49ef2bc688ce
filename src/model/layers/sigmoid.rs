//! The logistic sigmoid.

use super::{Elementwise, elementwise_layer, kind};
use crate::model::output::Probabilities;
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

/// The logistic function `σ(x) = 1 / (1 + e^(−x))`, computed without
/// overflow for any `x` (`e^(−x)` is only taken for `x ≥ 0`).
///
/// ```
/// assert_eq!(stacknet::sigmoid(0.0), 0.5);
/// assert_eq!(stacknet::sigmoid(-200.0), 0.0);
/// assert_eq!(stacknet::sigmoid(200.0), 1.0);
/// ```
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    x.sigmoid()
}

/// `y = σ(x)`, element-wise; `σ'(x) = y (1 − y)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sigmoid<const N: usize>;

impl<const N: usize> Zero for Sigmoid<N> {
    const ZERO: Self = Sigmoid;
}

impl<const N: usize> Elementwise for Sigmoid<N> {
    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        x.sigmoid()
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, y: S) -> S {
        y * (S::ONE - y)
    }
}

elementwise_layer!(Sigmoid, kind::SIGMOID, Probabilities);
bake_unit!(Sigmoid);
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

    #[test]
    fn values_and_derivative() {
        let mut y = [0.0; 2];
        let out = Sigmoid.forward_train(&[0.0, 2.0], &mut y);
        assert_eq!(out[0], 0.5);
        assert!((out[1] - 0.880_797_1).abs() < 1e-6);
        let g = Sigmoid.backward(&y, &[1.0, 1.0], &mut Sigmoid);
        assert_eq!(g[0], 0.25);
        assert!((g[1] - 0.104_993_59).abs() < 1e-6);
    }

    #[test]
    fn stays_finite_for_huge_inputs() {
        let y = Sigmoid.forward(&[-1e30, 1e30, f32::MIN, f32::MAX]);
        assert_eq!(y, [0.0, 1.0, 0.0, 1.0]);
    }
}

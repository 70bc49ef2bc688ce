//! The hard sigmoid, a piecewise-linear sigmoid.

/// `y = clamp(x / 6 + ½, 0, 1)` (PyTorch's `Hardsigmoid`): linear between
/// −3 and 3, flat outside; `f′ = 1/6` where `0 < y < 1`, else 0 (0 at the
/// kinks). Cheap where `expf` is not (soft-float cores). NaN gives NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HardSigmoid<const N: usize>;

use super::{Elementwise, elementwise_layer, kind};
use crate::model::output::Probabilities;
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

impl<const N: usize> Zero for HardSigmoid<N> {
    const ZERO: Self = HardSigmoid;
}

impl<const N: usize> Elementwise for HardSigmoid<N> {
    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        let y = x / S::from_f32(6.0) + S::from_f32(0.5);
        // The order of `f32::clamp`: a NaN stays NaN.
        if y < S::ZERO {
            S::ZERO
        } else if y > S::ONE {
            S::ONE
        } else {
            y
        }
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, y: S) -> S {
        if y > S::ZERO && y < S::ONE {
            S::from_f32(1.0 / 6.0)
        } else {
            S::ZERO
        }
    }
}

elementwise_layer!(HardSigmoid, kind::HARD_SIGMOID, Probabilities);
bake_unit!(HardSigmoid);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

    #[test]
    fn values_and_edges() {
        let y = HardSigmoid.forward(&[0.0f32, 1.5, -3.0, 4.0, -1e30, f32::NAN]);
        assert_eq!(&y[..5], &[0.5, 0.75, 0.0, 1.0, 0.0]);
        assert!(y[5].is_nan());
        let mut cache = [0.0f32; 3];
        HardSigmoid.forward_train(&[1.5, 4.0, -5.0], &mut cache);
        assert_eq!(
            HardSigmoid.backward(&cache, &[6.0; 3], &mut HardSigmoid),
            [1.0, 0.0, 0.0]
        );
    }
}

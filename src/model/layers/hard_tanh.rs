//! The hard tanh, a piecewise-linear tanh.

/// `y = clamp(x, −1, 1)` (PyTorch's `Hardtanh` with its defaults); `f′ = 1`
/// where `−1 < y < 1`, else 0 (0 at the kinks). NaN gives NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HardTanh<const N: usize>;

use super::{Elementwise, elementwise_layer, kind};
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

impl<const N: usize> Zero for HardTanh<N> {
    const ZERO: Self = HardTanh;
}

impl<const N: usize> Elementwise for HardTanh<N> {
    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        // The order of `f32::clamp`: a NaN stays NaN.
        if x < -S::ONE {
            -S::ONE
        } else if x > S::ONE {
            S::ONE
        } else {
            x
        }
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, y: S) -> S {
        if y > -S::ONE && y < S::ONE {
            S::ONE
        } else {
            S::ZERO
        }
    }
}

elementwise_layer!(HardTanh, kind::HARD_TANH);
bake_unit!(HardTanh);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

    #[test]
    fn values_and_edges() {
        let y = HardTanh.forward(&[0.5, -2.0, 3.0, 1e30, f32::NAN]);
        assert_eq!(&y[..4], &[0.5, -1.0, 1.0, 1.0]);
        assert!(y[4].is_nan());
        let mut cache = [0.0; 3];
        HardTanh.forward_train(&[0.5, -2.0, 3.0], &mut cache);
        assert_eq!(
            HardTanh.backward(&cache, &[2.0; 3], &mut HardTanh),
            [2.0, 0.0, 0.0]
        );
    }
}

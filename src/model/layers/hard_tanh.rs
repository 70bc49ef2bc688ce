//! The hard tanh, a piecewise-linear tanh.

/// `y = clamp(x, −1, 1)` (PyTorch's `Hardtanh` with its defaults); `f′ = 1`
/// where `−1 < y < 1`, else 0 (0 at the kinks). NaN gives NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HardTanh<const N: usize>;

use super::{Elementwise, elementwise_layer, kind};
use crate::model::params::Zero;
use crate::storage::bake::bake_unit;

impl<const N: usize> Zero for HardTanh<N> {
    const ZERO: Self = HardTanh;
}

impl<const N: usize> Elementwise for HardTanh<N> {
    #[inline(always)]
    fn f(&self, x: f32) -> f32 {
        x.clamp(-1.0, 1.0)
    }

    #[inline(always)]
    fn df(&self, y: f32) -> f32 {
        if y > -1.0 && y < 1.0 { 1.0 } else { 0.0 }
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

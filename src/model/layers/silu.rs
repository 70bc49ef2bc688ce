//! SiLU (swish): `x · σ(x)`.

/// `y = x · σ(x)` (SiLU, also called swish), element-wise;
/// `f′(x) = σ(x) (1 + x (1 − σ(x)))`, from the cached input.
///
/// Edges: `y → x` for large `x` and `y → −0` for very negative `x` (σ is
/// taken without overflow); the minimum is about −0.278 at x ≈ −1.278. A NaN
/// input gives NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Silu<const N: usize>;

use super::{Elementwise, elementwise_layer, kind};
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

impl<const N: usize> Zero for Silu<N> {
    const ZERO: Self = Silu;
}

impl<const N: usize> Elementwise for Silu<N> {
    const FROM_INPUT: bool = true;

    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        x * x.sigmoid()
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, x: S) -> S {
        let s = x.sigmoid();
        s * (S::ONE + x * (S::ONE - s))
    }
}

elementwise_layer!(Silu, kind::SILU);
bake_unit!(Silu);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

    #[test]
    fn values_and_edges() {
        let y = Silu.forward(&[0.0, 1.0, -1.0, 1e30, -1e30, f32::NAN]);
        assert_eq!(y[0], 0.0);
        // 1 / (1 + e^-1) and −1 / (1 + e)
        assert!((y[1] - 0.731_058_6).abs() < 1e-6);
        assert!((y[2] + 0.268_941_4).abs() < 1e-6);
        assert_eq!((y[3], y[4]), (1e30, 0.0));
        assert!(y[5].is_nan());
        let mut cache = [0.0; 1];
        Silu.forward_train(&[0.0], &mut cache);
        assert_eq!(Silu.backward(&cache, &[1.0], &mut Silu), [0.5]);
    }
}

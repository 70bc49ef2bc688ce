//! Softplus: a smooth ReLU.

/// `y = ln(1 + eˣ)`, computed as `max(x, 0) + ln(1 + e^(−|x|))` so it
/// neither overflows nor loses small values; `f′(x) = σ(x) = 1 − e^(−y)`,
/// from the cached output.
///
/// Edges: `y = x` for large `x`, `y → eˣ` (down to 0) for very negative `x`;
/// NaN gives NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Softplus<const N: usize>;

use super::{Elementwise, elementwise_layer, kind};
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

impl<const N: usize> Zero for Softplus<N> {
    const ZERO: Self = Softplus;
}

impl<const N: usize> Elementwise for Softplus<N> {
    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        let positive = if x > S::ZERO { x } else { S::ZERO };
        positive + (-x.abs()).exp().ln_1p()
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, y: S) -> S {
        -(-y).exp_m1()
    }
}

elementwise_layer!(Softplus, kind::SOFTPLUS);
bake_unit!(Softplus);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

    #[test]
    fn values_and_edges() {
        let y = Softplus.forward(&[0.0, 2.0, -30.0, 1e30, f32::NAN]);
        assert!((y[0] - core::f32::consts::LN_2).abs() < 1e-7);
        // ln(1 + e²)
        assert!((y[1] - 2.126_928).abs() < 1e-6);
        assert!((y[2] - 9.357_623e-14).abs() < 1e-19);
        assert_eq!(y[3], 1e30);
        assert!(y[4].is_nan());
        let mut cache = [0.0; 1];
        Softplus.forward_train(&[0.0], &mut cache);
        assert!((Softplus.backward(&cache, &[1.0], &mut Softplus)[0] - 0.5).abs() < 1e-7);
    }
}

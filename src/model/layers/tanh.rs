//! The hyperbolic tangent.

use super::{Elementwise, elementwise_layer, kind};
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

/// `y = tanh(x)`, element-wise (`libm::tanhf`); `tanh'(x) = 1 − y²`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tanh<const N: usize>;

impl<const N: usize> Zero for Tanh<N> {
    const ZERO: Self = Tanh;
}

impl<const N: usize> Elementwise for Tanh<N> {
    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        x.tanh()
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, y: S) -> S {
        S::ONE - y * y
    }
}

elementwise_layer!(Tanh, kind::TANH);
bake_unit!(Tanh);
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

    #[test]
    fn values_and_derivative() {
        let mut y = [0.0; 2];
        let out = Tanh.forward_train(&[0.0, 1.0], &mut y);
        assert_eq!(out[0], 0.0);
        assert!((out[1] - 0.761_594_2).abs() < 1e-6);
        let g = Tanh.backward(&y, &[2.0, 1.0], &mut Tanh);
        assert_eq!(g[0], 2.0);
        assert!((g[1] - 0.419_974_3).abs() < 1e-6);
    }
}

//! The hyperbolic tangent.

use super::{backward_elementwise, kind, map, no_params};
use crate::layer::leaf_signature;
use crate::{Layer, Zero};

/// `y = tanh(x)`, element-wise (`libm::tanhf`); `tanh'(x) = 1 − y²`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tanh<const N: usize>;

impl<const N: usize> Zero for Tanh<N> {
    const ZERO: Self = Tanh;
}
no_params!(Tanh);

impl<const N: usize> Layer for Tanh<N> {
    type Input = [f32; N];
    type Output = [f32; N];
    type Cache = [f32; N];
    const SIGNATURE: u32 = leaf_signature(kind::TANH, N, N);

    #[inline]
    fn forward(&self, x: &[f32; N]) -> [f32; N] {
        map(x, libm::tanhf)
    }

    #[inline]
    fn forward_train(&self, x: &[f32; N], cache: &mut [f32; N]) -> [f32; N] {
        *cache = self.forward(x);
        *cache
    }

    #[inline]
    fn backward(&self, y: &[f32; N], g: &[f32; N], _grads: &mut Self) -> [f32; N] {
        backward_elementwise(y, g, |y| 1.0 - y * y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! The rectified linear unit.

use super::{backward_elementwise, kind, map, no_params};
use crate::layer::leaf_signature;
use crate::{Layer, Zero};

/// `y = max(x, 0)`. The derivative is 1 for `x > 0` and 0 otherwise
/// (0 at `x = 0`, as in PyTorch and scikit-learn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relu<const N: usize>;

impl<const N: usize> Zero for Relu<N> {
    const ZERO: Self = Relu;
}
no_params!(Relu);

impl<const N: usize> Layer for Relu<N> {
    type Input = [f32; N];
    type Output = [f32; N];
    /// The output: `y > 0` exactly when `x > 0`.
    type Cache = [f32; N];
    const SIGNATURE: u32 = leaf_signature(kind::RELU, N, N);

    #[inline]
    fn forward(&self, x: &[f32; N]) -> [f32; N] {
        map(x, |x| if x > 0.0 { x } else { 0.0 })
    }

    #[inline]
    fn forward_train(&self, x: &[f32; N], cache: &mut [f32; N]) -> [f32; N] {
        *cache = self.forward(x);
        *cache
    }

    #[inline]
    fn backward(&self, y: &[f32; N], g: &[f32; N], _grads: &mut Self) -> [f32; N] {
        backward_elementwise(y, g, |y| if y > 0.0 { 1.0 } else { 0.0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_negatives_and_has_zero_derivative_at_zero() {
        let mut y = [0.0; 4];
        assert_eq!(
            Relu.forward_train(&[-1.0, 0.0, 2.0, -0.0], &mut y),
            [0.0, 0.0, 2.0, 0.0]
        );
        assert_eq!(
            Relu.backward(&y, &[5.0; 4], &mut Relu),
            [0.0, 0.0, 5.0, 0.0]
        );
    }
}

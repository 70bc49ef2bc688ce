//! The leaky rectified linear unit.

use super::{backward_elementwise, kind, map, no_params};
use crate::layer::leaf_signature;
use crate::{Layer, Zero};

/// `y = x` for `x > 0`, `y = slope · x` otherwise; the slope (default 0.01)
/// is a hyperparameter, not trained. A positive slope keeps units from dying.
///
/// ```
/// use stacknet::{Layer, LeakyRelu};
/// assert_eq!(LeakyRelu::<2>::default().forward(&[-100.0, 3.0]), [-1.0, 3.0]);
/// assert_eq!(LeakyRelu::<1>::with_slope(0.5).forward(&[-2.0]), [-1.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeakyRelu<const N: usize> {
    /// Slope for negative inputs; must be positive for the cached output to
    /// tell the sign of the input.
    pub slope: f32,
}

impl<const N: usize> LeakyRelu<N> {
    /// The default slope, 0.01.
    pub const DEFAULT_SLOPE: f32 = 0.01;

    /// A leaky ReLU with the given negative slope.
    pub const fn with_slope(slope: f32) -> Self {
        Self { slope }
    }
}

impl<const N: usize> Default for LeakyRelu<N> {
    fn default() -> Self {
        Self::ZERO
    }
}

impl<const N: usize> Zero for LeakyRelu<N> {
    /// No trainable parameters; the slope keeps its default.
    const ZERO: Self = Self::with_slope(Self::DEFAULT_SLOPE);
}

no_params!(LeakyRelu);

impl<const N: usize> Layer for LeakyRelu<N> {
    type Input = [f32; N];
    type Output = [f32; N];
    type Cache = [f32; N];
    const SIGNATURE: u32 = leaf_signature(kind::LEAKY_RELU, N, N);

    #[inline]
    fn forward(&self, x: &[f32; N]) -> [f32; N] {
        let slope = self.slope;
        map(x, |x| if x > 0.0 { x } else { slope * x })
    }

    #[inline]
    fn forward_train(&self, x: &[f32; N], cache: &mut [f32; N]) -> [f32; N] {
        *cache = self.forward(x);
        *cache
    }

    /// The derivative is 1 for `x > 0` and `slope` otherwise (also at 0).
    #[inline]
    fn backward(&self, y: &[f32; N], g: &[f32; N], _grads: &mut Self) -> [f32; N] {
        let slope = self.slope;
        backward_elementwise(y, g, |y| if y > 0.0 { 1.0 } else { slope })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_side_has_the_slope() {
        let layer = LeakyRelu::with_slope(0.1);
        let mut y = [0.0; 3];
        let out = layer.forward_train(&[-2.0, 0.0, 3.0], &mut y);
        assert_eq!(out, [-0.2, 0.0, 3.0]);
        assert_eq!(
            layer.backward(&y, &[1.0, 1.0, 1.0], &mut LeakyRelu::default()),
            [0.1, 0.1, 1.0]
        );
        assert_eq!(LeakyRelu::<3>::ZERO.slope, 0.01);
    }
}

//! The rectified linear unit.

use super::{Elementwise, elementwise_layer, kind};
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

/// `y = max(x, 0)`. The derivative is 1 for `x > 0` and 0 otherwise
/// (0 at `x = 0`, as in PyTorch and scikit-learn). A NaN input stays NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relu<const N: usize>;

impl<const N: usize> Zero for Relu<N> {
    const ZERO: Self = Relu;
}

impl<const N: usize> Elementwise for Relu<N> {
    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        if x < S::ZERO { S::ZERO } else { x }
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, y: S) -> S {
        if y > S::ZERO { S::ONE } else { S::ZERO }
    }
}

elementwise_layer!(Relu, kind::RELU);
bake_unit!(Relu);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

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

    #[test]
    fn nan_is_not_masked() {
        assert!(Relu.forward(&[f32::NAN])[0].is_nan());
        assert!(Relu.backward(&[0.0], &[f32::NAN], &mut Relu)[0].is_nan());
    }
}

//! The rectified linear unit.

use super::{Elementwise, elementwise_layer, kind};
use crate::model::params::Zero;
use crate::num::{ONE_VALUE_AT_A_TIME, Scalar};
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

    /// `g · f′(y)`: by [`gradient_by_branch`] where values go one at a time,
    /// the product itself elsewhere, where it vectorises with no branch.
    #[inline(always)]
    fn gradient<S: Scalar>(&self, y: S, g: S) -> S {
        if ONE_VALUE_AT_A_TIME {
            gradient_by_branch(y, g)
        } else {
            g * self.df(y)
        }
    }
}

/// `g · f′(y)` without the multiply by 1, which changes no bits of any
/// number type (`g · 1 = g`, NaN included); `g · 0` stays a product for
/// floats, so a NaN gradient stays NaN ([`Scalar::times_zero`]).
#[inline(always)]
fn gradient_by_branch<S: Scalar>(y: S, g: S) -> S {
    if y > S::ZERO { g } else { g.times_zero() }
}

elementwise_layer!(Relu, kind::RELU);
bake_unit!(Relu);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;
    use crate::num::Q16_16;

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
    fn the_gradient_has_the_bits_of_g_times_the_derivative() {
        let special = [0.0, -0.0, 1.0, -1.0, 1e-40, -3.0e38, f32::INFINITY];
        let values = special.iter().flat_map(|&v| [v, -v]).chain([f32::NAN]);
        for y in values.clone() {
            for g in values.clone() {
                let product = g * Relu::<1>.df(y);
                for fast in [gradient_by_branch(y, g), Relu::<1>.gradient(y, g)] {
                    assert!(
                        fast.to_bits() == product.to_bits() || (fast.is_nan() && product.is_nan()),
                        "y {y} g {g}: {fast} against {product}"
                    );
                }
            }
        }
        let raws = [0, 1, -1, 65536, -65536, 12345678, i32::MAX, -i32::MAX];
        for y in raws.map(Q16_16::from_raw) {
            for g in raws.map(Q16_16::from_raw) {
                assert_eq!(
                    Relu::<1>.gradient(y, g),
                    g * Relu::<1>.df(y),
                    "y {y:?} g {g:?}"
                );
            }
        }
    }

    #[test]
    fn nan_is_not_masked() {
        assert!(Relu.forward(&[f32::NAN])[0].is_nan());
        assert!(Relu.backward(&[0.0], &[f32::NAN], &mut Relu)[0].is_nan());
    }
}

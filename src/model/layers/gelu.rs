//! GELU, in its tanh approximation.

/// `y = ½ x (1 + tanh(√(2/π) (x + 0.044715 x³)))`: GELU in the tanh
/// approximation (PyTorch's `GELU(approximate="tanh")`, the form of
/// GPT-2 and BERT), not the exact `x Φ(x)` with erf, which differs from it
/// by less than 5e-4 everywhere. f′ is taken from the cached input.
///
/// Edges: `y = x` for large `x`, `y = −0` for very negative finite `x`
/// (tanh saturates at −1, even where `x³` overflows); NaN gives NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Gelu<const N: usize>;

/// √(2/π).
const SQRT_2_OVER_PI: f32 = 0.797_884_6;
/// The cubic coefficient of the approximation.
const CUBIC: f32 = 0.044_715;

/// ½, √(2/π) and the cubic coefficient, in `S`.
#[inline(always)]
fn constants<S: Scalar>() -> (S, S, S) {
    (
        S::from_f32(0.5),
        S::from_f32(SQRT_2_OVER_PI),
        S::from_f32(CUBIC),
    )
}

use super::{Elementwise, elementwise_layer, kind};
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

impl<const N: usize> Zero for Gelu<N> {
    const ZERO: Self = Gelu;
}

impl<const N: usize> Elementwise for Gelu<N> {
    const FROM_INPUT: bool = true;

    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        let (half, root, cubic) = constants::<S>();
        let inner = root * (x + cubic * x * x * x);
        half * x * (S::ONE + inner.tanh())
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, x: S) -> S {
        let (half, root, cubic) = constants::<S>();
        let inner = root * (x + cubic * x * x * x);
        let t = inner.tanh();
        let d_inner = root * (S::ONE + S::from_f32(3.0) * cubic * x * x);
        half * (S::ONE + t) + half * x * (S::ONE - t * t) * d_inner
    }
}

elementwise_layer!(Gelu, kind::GELU);
bake_unit!(Gelu);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

    #[test]
    fn values_and_edges() {
        // PyTorch: gelu(tensor([1.0, -1.0]), approximate="tanh") = [0.8412, -0.1588]
        let y = Gelu.forward(&[0.0, 1.0, -1.0, 1e20, -1e20, f32::NAN]);
        assert_eq!(y[0], 0.0);
        assert!((y[1] - 0.841_192).abs() < 1e-5);
        assert!((y[2] + 0.158_808).abs() < 1e-5);
        assert_eq!(y[3], 1e20);
        assert_eq!(y[4], 0.0);
        assert!(y[5].is_nan());
        let mut cache = [0.0; 1];
        Gelu.forward_train(&[0.0], &mut cache);
        assert_eq!(Gelu.backward(&cache, &[1.0], &mut Gelu), [0.5]);
    }
}

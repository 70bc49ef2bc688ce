//! The leaky rectified linear unit.

use super::{Elementwise, elementwise_layer, kind};
use crate::num::Scalar;
use core::fmt::{self, Write};

use crate::model::layer::LayerError;
use crate::model::params::Zero;
use crate::storage::bake::{Bake, write_f32};

/// `y = x` for `x > 0`, `y = slope · x` otherwise; the slope (default 0.01)
/// is a hyperparameter, not trained. A positive slope keeps units from dying.
///
/// ```
/// use stacknet::{Layer, LeakyRelu};
/// assert_eq!(LeakyRelu::<2>::default().forward(&[-100.0f32, 3.0]), [-1.0, 3.0]);
/// assert_eq!(LeakyRelu::<1>::with_slope(0.5).forward(&[-2.0]), [-1.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeakyRelu<const N: usize> {
    /// Slope for negative inputs; must be finite and `>= 0` for the cached
    /// output to tell the sign of the input. [`Layer::check`](crate::Layer::check)
    /// (which `Trainer::fit` and `step` call) refuses any other slope.
    pub slope: f32,
}

impl<const N: usize> LeakyRelu<N> {
    /// The default slope, 0.01.
    pub const DEFAULT_SLOPE: f32 = 0.01;

    /// A leaky ReLU with the given negative slope, unchecked so that it can
    /// build constants; a slope that is negative or not finite is refused
    /// when the network is trained ([`Layer::check`](crate::Layer::check)).
    /// [`new`](LeakyRelu::new) checks at once.
    pub const fn with_slope(slope: f32) -> Self {
        Self { slope }
    }

    /// A leaky ReLU with the given slope, or
    /// [`LayerError::LeakyReluSlope`] when it is negative or not finite.
    ///
    /// ```
    /// use stacknet::{layer::LayerError, LeakyRelu};
    /// assert_eq!(LeakyRelu::<2>::new(0.2), Ok(LeakyRelu::with_slope(0.2)));
    /// assert_eq!(LeakyRelu::<2>::new(-0.5), Err(LayerError::LeakyReluSlope));
    /// ```
    pub const fn new(slope: f32) -> Result<Self, LayerError> {
        if slope.is_finite() && slope >= 0.0 {
            Ok(Self { slope })
        } else {
            Err(LayerError::LeakyReluSlope)
        }
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

impl<const N: usize> Elementwise for LeakyRelu<N> {
    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        if x > S::ZERO {
            x
        } else {
            S::from_f32(self.slope) * x
        }
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, y: S) -> S {
        if y > S::ZERO {
            S::ONE
        } else {
            S::from_f32(self.slope)
        }
    }

    /// The slope is part of the shape: a saved record carries its bits.
    const HAS_SETTING: bool = true;

    #[inline]
    fn setting(&self) -> u32 {
        self.slope.to_bits()
    }

    fn check(&self) -> Result<(), LayerError> {
        Self::new(self.slope).map(|_| ())
    }
}

elementwise_layer!(LeakyRelu, kind::LEAKY_RELU);

impl<const N: usize> Bake for LeakyRelu<N> {
    fn write_type<W: Write>(out: &mut W, _indent: usize) -> fmt::Result {
        write!(out, "::stacknet::LeakyRelu<{N}>")
    }

    fn write_value<W: Write>(&self, out: &mut W, _indent: usize) -> fmt::Result {
        out.write_str("::stacknet::LeakyRelu::with_slope(")?;
        write_f32(out, self.slope)?;
        out.write_char(')')
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

    #[test]
    fn negative_side_has_the_slope() {
        let layer = LeakyRelu::with_slope(0.1);
        let mut y = [0.0f32; 3];
        let out = layer.forward_train(&[-2.0, 0.0, 3.0], &mut y);
        assert_eq!(out, [-0.2, 0.0, 3.0]);
        assert_eq!(
            layer.backward(&y, &[1.0, 1.0, 1.0], &mut LeakyRelu::default()),
            [0.1, 0.1, 1.0]
        );
        assert_eq!(LeakyRelu::<3>::ZERO.slope, 0.01);
    }
}

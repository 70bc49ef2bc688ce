//! The exponential linear unit.

use super::{Elementwise, elementwise_layer, kind};
use crate::num::Scalar;
use core::fmt::{self, Write};

use crate::model::layer::LayerError;
use crate::model::params::Zero;
use crate::storage::bake::{Bake, write_f32};

/// `y = x` for `x > 0`, `y = α (eˣ − 1)` otherwise (ELU; `α` default 1, a
/// hyperparameter, not trained); `f′ = 1` for `y > 0`, `y + α` otherwise,
/// from the cached output.
///
/// Edges: `y → −α` for very negative `x`, where the gradient goes to 0;
/// `eˣ − 1` is `libm::expm1f`, exact near 0; NaN gives NaN. `α` must be
/// positive for the cached output to tell the sign of the input.
///
/// ```
/// use stacknet::{Elu, Layer};
/// assert_eq!(Elu::<2>::default().forward(&[2.0, -1e30]), [2.0, -1.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Elu<const N: usize> {
    /// The value approached for very negative inputs is `−alpha`.
    pub alpha: f32,
}

impl<const N: usize> Elu<N> {
    /// The default `α`, 1 (as PyTorch and Keras).
    pub const DEFAULT_ALPHA: f32 = 1.0;

    /// An ELU with the given `α`, unchecked (for constants); training
    /// refuses an `α` that is not finite and positive.
    pub const fn with_alpha(alpha: f32) -> Self {
        Self { alpha }
    }

    /// An ELU with the given `α`, which must be finite and positive.
    ///
    /// ```
    /// use stacknet::{layer::LayerError, Elu};
    /// assert!(Elu::<2>::new(0.5).is_ok());
    /// assert_eq!(Elu::<2>::new(0.0), Err(LayerError::EluAlpha));
    /// ```
    pub const fn new(alpha: f32) -> Result<Self, LayerError> {
        if alpha > 0.0 && alpha <= f32::MAX {
            Ok(Self { alpha })
        } else {
            Err(LayerError::EluAlpha)
        }
    }
}

impl<const N: usize> Default for Elu<N> {
    fn default() -> Self {
        Self::ZERO
    }
}

impl<const N: usize> Zero for Elu<N> {
    /// No trainable parameters; `α` keeps its default.
    const ZERO: Self = Self::with_alpha(Self::DEFAULT_ALPHA);
}

impl<const N: usize> Elementwise for Elu<N> {
    #[inline(always)]
    fn f<S: Scalar>(&self, x: S) -> S {
        if x > S::ZERO {
            x
        } else {
            S::from_f32(self.alpha) * x.exp_m1()
        }
    }

    #[inline(always)]
    fn df<S: Scalar>(&self, y: S) -> S {
        if y > S::ZERO {
            S::ONE
        } else {
            y + S::from_f32(self.alpha)
        }
    }

    /// `α` is part of the shape: a saved record carries its bits.
    const HAS_SETTING: bool = true;

    #[inline]
    fn setting(&self) -> u32 {
        self.alpha.to_bits()
    }

    fn check(&self) -> Result<(), LayerError> {
        Self::new(self.alpha).map(|_| ())
    }
}

elementwise_layer!(Elu, kind::ELU);

impl<const N: usize> Bake for Elu<N> {
    fn write_type<W: Write>(out: &mut W, _indent: usize) -> fmt::Result {
        write!(out, "::stacknet::Elu<{N}>")
    }

    fn write_value<W: Write>(&self, out: &mut W, _indent: usize) -> fmt::Result {
        out.write_str("::stacknet::Elu::with_alpha(")?;
        write_f32(out, self.alpha)?;
        out.write_char(')')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::Layer;

    #[test]
    fn values_derivative_and_edges() {
        let elu = Elu::with_alpha(0.5);
        let y = elu.forward(&[2.0, -1.0, 0.0, -1e30, f32::NAN]);
        // 0.5 (e^-1 − 1)
        assert!((y[1] + 0.316_060_3).abs() < 1e-7);
        assert_eq!((y[0], y[2], y[3]), (2.0, 0.0, -0.5));
        assert!(y[4].is_nan());
        let elu = Elu::<2>::with_alpha(0.5);
        let mut cache = [0.0; 2];
        elu.forward_train(&[2.0, -1.0], &mut cache);
        let g = elu.backward(&cache, &[1.0, 1.0], &mut Elu::default());
        // α eˣ at x = −1
        assert_eq!(g[0], 1.0);
        assert!((g[1] - 0.5 * 0.367_879_4).abs() < 1e-7);
    }
}

//! Converting a network from one number type to another.
//!
//! A network trained on the host in `f32` can be fine-tuned on a device in
//! fixed point, and a fixed-point network can be inspected in `f64`:
//!
//! ```
//! use stacknet::num::Convert;
//! use stacknet::{Dense, Layer, Relu};
//! type Net = (Dense<2, 2>, Relu<2>, Dense<2, 1>);
//! let net: Net = (
//!     Dense::from_arrays([[0.5, -0.25], [1.0, 1e6]], [0.0, 0.125]),
//!     Relu,
//!     Dense::from_arrays([[2.0, 3.0]], [-1.0]),
//! );
//! let wide = net.convert::<f64>();
//! assert_eq!((wide.saturated, wide.net.0.weights[1][1]), (0, 1e6));
//! // back to f32: every value fits, so nothing changes
//! assert_eq!(wide.net.convert::<f32>().net, net);
//! ```
//!
//! Each value goes through `f64` ([`Scalar::to_f64`], then
//! [`Scalar::from_f64`], rounding to nearest), or from `f32` straight to the
//! new type with the same result. A value that does not fit
//! the target type is clamped to its largest finite value of the same sign
//! and counted in [`Conversion::saturated`]; so is a value that was not
//! finite (NaN becomes 0). Layer settings (a `LeakyRelu`'s slope) are `f32`
//! in every number type and are kept as they are.

use super::Scalar;

/// A converted network and how many of its values did not fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion<N> {
    /// The network in the new number type.
    pub net: N,
    /// Values that were out of the new type's range (clamped) or not
    /// finite. 0 means the conversion lost nothing but rounding.
    pub saturated: usize,
}

/// A layer or network that has a counterpart in number type `T`: `Dense<I,
/// O, S>` becomes `Dense<I, O, T>`, activations stay as they are, and a
/// tuple converts layer by layer.
pub trait ConvertTo<T: Scalar> {
    /// The same layers in `T`.
    type Output;
    /// `self` in `T`, adding to `saturated` every value that did not fit.
    fn convert_counting(&self, saturated: &mut usize) -> Self::Output;
}

/// `net.convert::<T>()` for every layer and network.
pub trait Convert {
    /// `self` in number type `T`, with the count of values that did not
    /// fit (see the [module documentation](self)).
    fn convert<T: Scalar>(&self) -> Conversion<<Self as ConvertTo<T>>::Output>
    where
        Self: ConvertTo<T>,
    {
        let mut saturated = 0;
        let net = self.convert_counting(&mut saturated);
        Conversion { net, saturated }
    }
}

impl<N: ?Sized> Convert for N {}

/// One value from `S` to `T`: rounded to nearest, clamped to `T`'s finite
/// range, NaN to 0; counted in `saturated` when it did not fit.
///
/// From `f32` the value goes straight to `T` ([`Scalar::from_f32`], the same
/// result as through `f64`, where every `f32` is exact): a device that
/// converts an `f32` start to fixed point links no double-precision code.
#[inline]
pub fn convert_value<S: Scalar, T: Scalar>(x: S, saturated: &mut usize) -> T {
    if S::TAG == <f32 as Scalar>::TAG {
        from_f32_counting(x.to_f32(), x.is_finite(), saturated)
    } else {
        from_f64_counting(x.to_f64(), x.is_finite(), saturated)
    }
}

/// [`convert_value`] from `f64`: `finite` is whether the source value was.
#[inline]
fn from_f64_counting<T: Scalar>(wide: f64, finite: bool, saturated: &mut usize) -> T {
    let fits = finite && wide.abs() <= T::MAX.to_f64();
    clamp_counting(
        T::from_f64(wide),
        fits,
        wide.is_nan(),
        wide > 0.0,
        saturated,
    )
}

/// [`convert_value`] from `f32`: `finite` is whether the source value was.
#[inline]
fn from_f32_counting<T: Scalar>(v: f32, finite: bool, saturated: &mut usize) -> T {
    let fits = finite && v.abs() <= T::MAX.to_f32();
    clamp_counting(T::from_f32(v), fits, v.is_nan(), v > 0.0, saturated)
}

/// `y` when the source `fits` and `y` is finite; otherwise 0 for a NaN,
/// else `T`'s largest finite value of the source's sign, counted.
#[inline]
fn clamp_counting<T: Scalar>(
    y: T,
    fits: bool,
    nan: bool,
    positive: bool,
    saturated: &mut usize,
) -> T {
    if fits && y.is_finite() {
        y
    } else {
        *saturated += 1;
        if nan {
            T::ZERO
        } else if positive {
            T::MAX
        } else {
            -T::MAX
        }
    }
}

/// `ConvertTo<T>` for a layer without parameters: it is the same layer in
/// every number type.
macro_rules! convert_unchanged {
    ($($layer:ident),+) => {
        $(
            impl<T: $crate::num::Scalar, const N: usize> $crate::num::convert::ConvertTo<T>
                for $crate::model::layers::$layer<N>
            {
                type Output = Self;
                #[inline]
                fn convert_counting(&self, _saturated: &mut usize) -> Self {
                    *self
                }
            }
        )+
    };
}

convert_unchanged!(
    Identity,
    Relu,
    LeakyRelu,
    Elu,
    Sigmoid,
    Tanh,
    Silu,
    Gelu,
    Softplus,
    HardSigmoid,
    HardTanh,
    Softmax,
    Dropout
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layers::{Dense, LeakyRelu};
    use crate::num::Q16_16;

    #[test]
    fn out_of_range_values_are_clamped_and_counted() {
        let wide = Dense::<2, 1, f64>::new([[1e300, -1e300]], [f64::NAN]);
        let narrow = wide.convert::<f32>();
        assert_eq!(narrow.saturated, 3);
        assert_eq!(narrow.net.weights, [[f32::MAX, -f32::MAX]]);
        assert_eq!(narrow.net.biases, [0.0]);
    }

    #[test]
    fn rounding_is_to_nearest_and_not_counted() {
        let wide = Dense::<1, 1, f64>::new([[0.1]], [1.0 + 1e-12]);
        let narrow = wide.convert::<f32>();
        assert_eq!(narrow.saturated, 0);
        assert_eq!(narrow.net.weights, [[0.1f32]]);
        assert_eq!(narrow.net.biases, [1.0f32]);
    }

    #[test]
    fn from_f32_the_direct_route_is_the_route_through_f64() {
        let edges = [
            0.0,
            -0.0,
            1.5,
            0.5 / 65536.0,  // a tie in Q16.16: away from zero, raw 1
            -1.5 / 65536.0, // raw -2
            32767.996,      // the largest f32 below 2¹⁵: fits
            32768.0,        // 2¹⁵: out of Q16.16's range
            -32768.0,
            f32::MAX,
            f32::MIN_POSITIVE / 2.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
        ];
        // every 65,521st bit pattern (a prime step: all exponents, both signs)
        let spread = (0..=u32::MAX / 65_521).map(|k| f32::from_bits(k * 65_521));
        for x in edges.into_iter().chain(spread) {
            let (mut direct, mut wide) = (0, 0);
            let q: Q16_16 = convert_value(x, &mut direct);
            let through: Q16_16 = from_f64_counting(x as f64, x.is_finite(), &mut wide);
            assert_eq!(q, through, "{x:e}");
            let d: f64 = convert_value(x, &mut direct);
            let w: f64 = from_f64_counting(x as f64, x.is_finite(), &mut wide);
            assert!(d == w || (d.is_nan() && w.is_nan()), "{x:e}");
            assert_eq!(direct, wide, "{x:e}");
        }
        let mut saturated = 0;
        let q = |x: f32, s: &mut usize| convert_value::<f32, Q16_16>(x, s).to_raw();
        assert_eq!(q(1.5, &mut saturated), 3 << 15);
        assert_eq!(q(0.5 / 65536.0, &mut saturated), 1);
        assert_eq!(q(-1.5 / 65536.0, &mut saturated), -2);
        assert_eq!(saturated, 0);
        assert_eq!(q(32768.0, &mut saturated), i32::MAX - 1);
        assert_eq!(q(f32::NEG_INFINITY, &mut saturated), 1 - i32::MAX);
        assert_eq!(q(f32::NAN, &mut saturated), 0);
        assert_eq!(saturated, 3);
    }

    #[test]
    fn settings_are_kept() {
        let net = (
            Dense::from_arrays([[1.0]], [0.0]),
            LeakyRelu::<1>::with_slope(0.2),
        );
        let wide = net.convert::<f64>().net;
        assert_eq!(wide.1.slope, 0.2);
    }
}

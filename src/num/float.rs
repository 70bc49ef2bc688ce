//! [`Scalar`] for `f32` and `f64`: the operators and `libm`.

use core::fmt::{self, Write};

use super::Scalar;

/// `Scalar` for a float type from its `libm` functions.
macro_rules! float_scalar {
    (
        $t:ident, bits $bits:ty, tag $tag:expr, bound $bound:expr, suffix $suffix:expr,
        hex $hex:expr,
        libm($abs:ident, $sqrt:ident, $exp:ident, $ln:ident, $tanh:ident, $pow:ident,
             $exp_m1:ident, $ln_1p:ident)
    ) => {
        impl Scalar for $t {
            const ONE: Self = 1.0;
            const MAX: Self = $t::MAX;
            const OVERFLOW: Self = $t::INFINITY;
            const MIN_POSITIVE: Self = $t::MIN_POSITIVE;
            const BOUND_LIMIT: Self = $bound;
            /// 2¹⁶: the quick bound of `n` values, `1 + n · 2³²`, keeps far
            /// below the bound limit (at learning rate 1 and a thousand
            /// values, a carried bound takes 10¹⁷ steps to reach it).
            const QUICK_GRADIENT: Option<Self> = Some(65536.0);
            const TAG: u32 = $tag;
            const BYTES: usize = core::mem::size_of::<$t>();
            const RUST_TYPE: &'static str = stringify!($t);

            #[inline(always)]
            fn from_f32(x: f32) -> Self {
                x as $t
            }
            #[inline(always)]
            fn to_f32(self) -> f32 {
                self as f32
            }
            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_usize(n: usize) -> Self {
                n as $t
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                $t::is_finite(self)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                libm::$abs(self)
            }
            #[inline(always)]
            fn max(self, other: Self) -> Self {
                $t::max(self, other)
            }
            #[inline(always)]
            fn min(self, other: Self) -> Self {
                $t::min(self, other)
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                libm::$sqrt(self)
            }
            #[inline(always)]
            fn exp(self) -> Self {
                libm::$exp(self)
            }
            #[inline(always)]
            fn ln(self) -> Self {
                libm::$ln(self)
            }
            #[inline(always)]
            fn tanh(self) -> Self {
                libm::$tanh(self)
            }
            #[inline(always)]
            fn powf(self, y: Self) -> Self {
                libm::$pow(self, y)
            }
            #[inline(always)]
            fn exp_m1(self) -> Self {
                libm::$exp_m1(self)
            }
            #[inline(always)]
            fn ln_1p(self) -> Self {
                libm::$ln_1p(self)
            }

            type Sum = Self;
            const SUM_ZERO: Self = 0.0;
            #[inline(always)]
            fn sum_add(sum: Self, x: Self) -> Self {
                sum + x
            }
            #[inline(always)]
            fn sum_times(sum: Self, weight: Self) -> Self {
                sum * weight
            }
            #[inline(always)]
            fn sum_div(sum: Self, n: usize) -> Self {
                sum / n as $t
            }

            #[inline(always)]
            fn to_bits(self) -> u64 {
                $t::to_bits(self) as u64
            }
            #[inline(always)]
            fn from_bits(bits: u64) -> Self {
                $t::from_bits(bits as $bits)
            }
            fn write_literal<W: Write>(self, out: &mut W) -> fmt::Result {
                if self.is_finite() {
                    // `{:?}` is the shortest decimal that reads back to these
                    // bits, and always has a `.` or an exponent.
                    write!(out, concat!("{:?}", $suffix), self)
                } else {
                    write!(
                        out,
                        concat!(stringify!($t), "::from_bits({:#0", $hex, "x})"),
                        $t::to_bits(self)
                    )
                }
            }
        }
    };
}

float_scalar!(
    f32, bits u32, tag 0, bound 1e30, suffix "", hex "10",
    libm(fabsf, sqrtf, expf, logf, tanhf, powf, expm1f, log1pf)
);
float_scalar!(
    f64, bits u64, tag 1, bound 1e300, suffix "f64", hex "18",
    libm(fabs, sqrt, exp, log, tanh, pow, expm1, log1p)
);

#[cfg(test)]
mod tests {
    use super::*;

    fn literal<S: Scalar>(x: S) -> heapless::String<64> {
        let mut out = heapless::String::new();
        x.write_literal(&mut out).unwrap();
        out
    }

    #[test]
    fn literals_read_back_to_the_same_bits() {
        assert_eq!(literal(0.1f32), "0.1");
        assert_eq!(literal(0.1f64), "0.1f64");
        assert_eq!(literal(f32::INFINITY), "f32::from_bits(0x7f800000)");
        assert_eq!(
            literal(f64::NEG_INFINITY),
            "f64::from_bits(0xfff0000000000000)"
        );
    }
}

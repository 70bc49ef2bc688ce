//! [`Scalar`] for `f32` and `f64`: the operators and `libm`.

use core::fmt::{self, Write};

use super::Scalar;

impl Scalar for f32 {
    const ONE: Self = 1.0;
    const MAX: Self = f32::MAX;
    const TAG: u32 = 0;
    const BYTES: usize = 4;
    const RUST_TYPE: &'static str = "f32";

    #[inline(always)]
    fn from_f32(x: f32) -> Self {
        x
    }
    #[inline(always)]
    fn to_f32(self) -> f32 {
        self
    }
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn from_usize(n: usize) -> Self {
        n as f32
    }
    #[inline(always)]
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        libm::fabsf(self)
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        f32::max(self, other)
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        f32::min(self, other)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        libm::sqrtf(self)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        libm::expf(self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        libm::logf(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        libm::tanhf(self)
    }
    #[inline(always)]
    fn exp_m1(self) -> Self {
        libm::expm1f(self)
    }
    #[inline(always)]
    fn ln_1p(self) -> Self {
        libm::log1pf(self)
    }
    #[inline(always)]
    fn to_bits(self) -> u64 {
        f32::to_bits(self) as u64
    }
    #[inline(always)]
    fn from_bits(bits: u64) -> Self {
        f32::from_bits(bits as u32)
    }
    fn write_literal<W: Write>(self, out: &mut W) -> fmt::Result {
        if self.is_finite() {
            // `{:?}` is the shortest decimal that reads back to these bits,
            // and always has a `.` or an exponent.
            write!(out, "{self:?}")
        } else {
            write!(out, "f32::from_bits({:#010x})", f32::to_bits(self))
        }
    }
}

impl Scalar for f64 {
    const ONE: Self = 1.0;
    const MAX: Self = f64::MAX;
    const TAG: u32 = 1;
    const BYTES: usize = 8;
    const RUST_TYPE: &'static str = "f64";

    #[inline(always)]
    fn from_f32(x: f32) -> Self {
        x as f64
    }
    #[inline(always)]
    fn to_f32(self) -> f32 {
        self as f32
    }
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_usize(n: usize) -> Self {
        n as f64
    }
    #[inline(always)]
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        libm::fabs(self)
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        f64::max(self, other)
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        f64::min(self, other)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        libm::sqrt(self)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        libm::exp(self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        libm::log(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        libm::tanh(self)
    }
    #[inline(always)]
    fn exp_m1(self) -> Self {
        libm::expm1(self)
    }
    #[inline(always)]
    fn ln_1p(self) -> Self {
        libm::log1p(self)
    }
    #[inline(always)]
    fn to_bits(self) -> u64 {
        f64::to_bits(self)
    }
    #[inline(always)]
    fn from_bits(bits: u64) -> Self {
        f64::from_bits(bits)
    }
    fn write_literal<W: Write>(self, out: &mut W) -> fmt::Result {
        if self.is_finite() {
            write!(out, "{self:?}f64")
        } else {
            write!(out, "f64::from_bits({:#018x})", f64::to_bits(self))
        }
    }
}

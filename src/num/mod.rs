//! Number types: one network code for `f32`, `f64` and fixed point.
//!
//! Every layer, loss and optimizer is written once against [`Scalar`], the
//! few operations they use: arithmetic, comparison, conversion from the
//! `f32` settings, and the functions the activations and losses need, each
//! with a stated error. `f32` is the default everywhere, so `Dense<2, 4>`
//! is `Dense<2, 4, f32>` and programs written for `f32` need no change.
//!
//! | type | use | functions |
//! |---|---|---|
//! | `f32` | the default; hardware float on Cortex-M4F and hosts | `libm`, correctly rounded or within 1 ulp |
//! | `f64` | lessons that must agree with numpy to the last digits | `libm` |
//! | [`Q16_16`] | Cortex-M0 and other FPU-less cores: integers only, saturating | integer-only: `sqrt` correctly rounded; `tanh`, `sigmoid` ≤ 0.501 ulp (2⁻¹⁶), `ln` ≤ 0.52 ulp; `exp` ≤ 0.5 ulp + 2⁻²⁸ relative |
//!
//! No operation uses a fused multiply-add, and the fixed-point type uses
//! integers only, so each type gives the same bits on every target.

pub mod convert;
pub mod fixed;
mod float;
pub(crate) mod trig;

pub use convert::{Conversion, Convert, ConvertTo};
pub use fixed::Q16_16;

use core::fmt::{self, Debug, Write};
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::model::params::Zero;

/// Whether the target does arithmetic one value at a time: Cortex-M, with
/// no vector unit. Kernels that have two forms with the same bits pick by
/// it: one sum at a time in a register, or a branch instead of a product,
/// is cheaper there (most where loops are not unrolled, at opt `"s"`); sums
/// side by side and branch-free products vectorise elsewhere.
pub(crate) const ONE_VALUE_AT_A_TIME: bool = cfg!(target_arch = "arm");

/// Whether the target has no 32×32→64-bit multiply: ARMv6-M (Cortex-M0,
/// M0+), where a 64-bit product is a library call (`__aeabi_lmul`, a 64×64
/// multiply) and four 16×16-bit products take about a third of its
/// instructions. ARMv6-M is told apart by its lack of 32-bit
/// compare-and-swap: stable Rust exposes no cfg for the multiplier.
pub(crate) const NO_WIDE_MULTIPLY: bool =
    cfg!(all(target_arch = "arm", not(target_has_atomic = "32")));

/// `a · b` exactly, as [`NO_WIDE_MULTIPLY`] targets compute it best: from
/// the 16-bit halves there, one widening multiply elsewhere.
#[inline(always)]
pub(crate) fn wide_product(a: u32, b: u32) -> u64 {
    if NO_WIDE_MULTIPLY {
        product_in_halves(a, b)
    } else {
        u64::from(a) * u64::from(b)
    }
}

/// `a · b` from four 16×16→32-bit products (each below 2³²), the middle
/// two added at bit 16.
#[inline(always)]
fn product_in_halves(a: u32, b: u32) -> u64 {
    let (ah, al) = (a >> 16, a & 0xFFFF);
    let (bh, bl) = (b >> 16, b & 0xFFFF);
    let mid = u64::from(ah * bl) + u64::from(al * bh);
    (u64::from(ah * bh) << 32) + (mid << 16) + u64::from(al * bl)
}

/// The number type of a network: its parameters, activations, gradients
/// and optimizer state.
///
/// Settings (learning rates, penalties, betas) stay `f32` in the public
/// API; each is converted once with [`from_f32`](Scalar::from_f32).
/// Arithmetic never panics: in fixed point it saturates, and a saturated
/// value is not [`is_finite`](Scalar::is_finite), so training refuses a
/// step that overflowed just as it refuses one that became infinite in
/// floating point.
pub trait Scalar:
    Copy
    + Default
    + PartialEq
    + PartialOrd
    + Debug
    + Zero
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
{
    /// One.
    const ONE: Self;
    /// The largest finite value.
    const MAX: Self;
    /// A value that [`is_finite`](Scalar::is_finite) rejects and that is
    /// above every finite value: +∞ for floats, the saturated maximum for
    /// fixed point.
    const OVERFLOW: Self;
    /// The smallest positive normal value (floats); zero for fixed point,
    /// which has no subnormals. Decaying optimizer state below it is
    /// flushed to zero.
    const MIN_POSITIVE: Self;
    /// The largest bound on a parameter or optimizer-state magnitude that
    /// the fused step accepts: far enough below [`MAX`](Scalar::MAX) that
    /// no product or sum of its write pass can overflow.
    const BOUND_LIMIT: Self;
    /// The magnitude up to which every gradient and input value lets the
    /// fused step use its quick bound on vector targets (see
    /// [`GradientBound`](crate::model::fused::GradientBound)); `None` where
    /// [`gradient_size`](Scalar::gradient_size) is used everywhere (fixed
    /// point: its bound is comparisons already).
    const QUICK_GRADIENT: Option<Self> = None;
    /// The number-type code that saved records carry: 0 for `f32`, 1 for
    /// `f64`, 2 for Q16.16 fixed point.
    const TAG: u32;
    /// Bytes per value in a saved record (little-endian).
    const BYTES: usize;
    /// The Rust path of the type, as baked source writes it.
    const RUST_TYPE: &'static str;

    /// `x` in this type: exact for `f32` and `f64`; rounded to nearest and
    /// saturated for fixed point (NaN becomes 0, counted as an overflow).
    fn from_f32(x: f32) -> Self;
    /// The value as the nearest `f32`.
    fn to_f32(self) -> f32;
    /// `x` in this type, rounded to nearest (saturated for fixed point).
    fn from_f64(x: f64) -> Self;
    /// The value as `f64` (exact for every type here).
    fn to_f64(self) -> f64;
    /// `n` in this type, saturated where it does not fit.
    fn from_usize(n: usize) -> Self;

    /// Not infinite, not NaN, and for fixed point not saturated.
    fn is_finite(self) -> bool;
    /// `|x|`.
    fn abs(self) -> Self;
    /// The larger of the two; for floats a NaN operand gives the other one,
    /// as `f32::max`.
    fn max(self, other: Self) -> Self;
    /// The smaller of the two, NaN handled as [`max`](Scalar::max).
    fn min(self, other: Self) -> Self;
    /// `√x`; NaN (floats) or 0 (fixed point) for `x < 0`.
    fn sqrt(self) -> Self;
    /// `eˣ`.
    fn exp(self) -> Self;
    /// `ln x`; for `x ≤ 0`, −∞ or NaN (floats) or the most negative value
    /// (fixed point).
    fn ln(self) -> Self;
    /// `tanh x`.
    fn tanh(self) -> Self;
    /// `xʸ`, for the bias corrections of [`Adam`](crate::training::optim::Adam).
    fn powf(self, y: Self) -> Self;
    /// `eˣ − 1`, accurate near 0.
    #[inline]
    fn exp_m1(self) -> Self {
        self.exp() - Self::ONE
    }
    /// `ln(1 + x)`, accurate near 0.
    #[inline]
    fn ln_1p(self) -> Self {
        (Self::ONE + self).ln()
    }
    /// The logistic function `1 / (1 + e^(−x))`, without overflow for any
    /// `x`.
    #[inline]
    fn sigmoid(self) -> Self {
        if self >= Self::ZERO {
            Self::ONE / (Self::ONE + (-self).exp())
        } else {
            let e = self.exp();
            e / (Self::ONE + e)
        }
    }

    /// `self · 0`, which fixed point knows to be 0 without multiplying;
    /// floats keep the product (its sign, and NaN for an infinite `self`).
    #[inline(always)]
    fn times_zero(self) -> Self {
        self * Self::ZERO
    }

    /// A bound on a dense layer's parameter gradient from its output
    /// gradient `g` and input `x`: at least `2·|g[o]·x[i]|` for every `o` and
    /// `i`, and with 1 added at least `2·|g[o]|`; not finite when any value
    /// is not. The fused step starts its sum of the layers' sizes at 1 and
    /// proves from it that its write pass stays finite.
    ///
    /// `‖g‖² + ‖x‖²` (since `2|ab| ≤ a² + b²`, and `2|g| ≤ 1 + g²` for the
    /// biases, whose 1 the step adds once for all layers): one multiply-add
    /// per value, cheap where multiplying is. Fixed point overrides it with
    /// comparisons and one multiply, as its multiplies cost tens of
    /// instructions on a core without a 64-bit product.
    #[inline(always)]
    fn gradient_size(g: &[Self], x: &[Self]) -> Self {
        let mut s = Self::ZERO;
        for &g in g {
            s += g * g;
        }
        for &x in x {
            s += x * x;
        }
        s
    }

    /// A running sum of many values (the losses of an epoch): the type
    /// itself for floats, a wider integer for fixed point, so a sum of
    /// thousands of losses does not saturate.
    type Sum: Copy + Debug;
    /// The empty sum.
    const SUM_ZERO: Self::Sum;
    /// `sum + x`.
    fn sum_add(sum: Self::Sum, x: Self) -> Self::Sum;
    /// `sum · weight` in this type (a mean, with `weight = 1/n`).
    fn sum_times(sum: Self::Sum, weight: Self) -> Self;
    /// `sum / n` in this type, rounded once: the mean of `n` values from
    /// their sum. Exact before the one rounding for floats (`sum / n`) and
    /// for fixed point (an integer division of the wide sum, rounded to
    /// nearest), so unlike `sum_times(sum, 1 / n)` it does not carry the
    /// rounding error of `1 / n`. `n = 0` divides by zero.
    #[inline]
    fn sum_div(sum: Self::Sum, n: usize) -> Self {
        Self::sum_times(sum, Self::ONE) / Self::from_usize(n)
    }

    /// The raw bits, zero-extended to 64: what records store and what
    /// bit-for-bit comparisons compare.
    fn to_bits(self) -> u64;
    /// The value with these raw bits (the low [`BYTES`](Scalar::BYTES)
    /// bytes are used).
    fn from_bits(bits: u64) -> Self;
    /// Writes a Rust expression of this type with the same bits.
    fn write_literal<W: Write>(self, out: &mut W) -> fmt::Result;
}

/// The floating-point number types, `f32` and `f64`: what the optimizers
/// that need a wide dynamic range ([`Adam`](crate::training::optim::Adam))
/// run in.
pub trait Float: Scalar {}

impl Float for f32 {}
impl Float for f64 {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_in_halves_are_the_wide_products() {
        let edges = [
            0,
            1,
            0xFFFF,
            0x1_0000,
            0x1_0001,
            0x8000_0000,
            u32::MAX - 1,
            u32::MAX,
        ];
        for a in edges {
            for b in edges {
                assert_eq!(
                    product_in_halves(a, b),
                    u64::from(a) * u64::from(b),
                    "{a} · {b}"
                );
            }
        }
        let mut state = 0x9E37_79B9u32;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let (a, b) = (state, state.rotate_left(11) ^ 0x5555_5555);
            assert_eq!(product_in_halves(a, b), u64::from(a) * u64::from(b));
        }
    }
}

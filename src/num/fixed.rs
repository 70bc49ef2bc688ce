//! [`Q16_16`]: signed fixed point with 16 fractional bits, integers only.
//!
//! A value is `raw / 65536` for a raw `i32`, so the step (one *ulp*) is
//! 2⁻¹⁶ ≈ 1.5·10⁻⁵ and the range is ±32767.99998. Every operation is
//! integer arithmetic, so results are the same bits on every target by
//! construction; the arithmetic and the functions (`exp`, `ln`, `tanh`,
//! `sigmoid`, `sqrt`) use no `f32`/`f64`, so a Cortex-M0 that trains in
//! Q16.16 links no soft-float for it (only [`from_f32`](Scalar::from_f32)
//! and [`from_f64`](Scalar::from_f64), used for settings, need it).
//!
//! # Saturation
//!
//! Nothing panics and nothing wraps. A result beyond the range becomes
//! ±[`Q16_16::SATURATED`] (raw ±`i32::MAX`; raw `i32::MIN` is never produced, and
//! [`Q16_16::from_raw`] reads it as −`SATURATED`); in generic code that value
//! is [`Scalar::OVERFLOW`], and [`Scalar::MAX`] is the largest finite
//! value, one raw step below. A saturated value is not
//! [`is_finite`](Scalar::is_finite), so training that refuses non-finite
//! steps also refuses overflowed ones. Unlike an IEEE infinity a saturated
//! value is not sticky in `+ − × ÷` (`SATURATED − ε` is finite again), which is
//! why every saturation is also *counted*, like an IEEE sticky exception
//! flag: [`saturations`] reads the count and [`reset_saturations`] clears
//! it. Counted are: a result of `+ − × ÷` or of a conversion that did not
//! fit, `x / 0` (and `0 / 0`, which gives 0), a NaN converted to 0, `exp`
//! beyond the range, `ln x` for `x ≤ 0` (−`SATURATED`) and `√x` for `x < 0` (0).
//! `ln` and `√` of a saturated `+SATURATED` give `+SATURATED` again, uncounted, as
//! `ln ∞ = √∞ = ∞`.
//!
//! # Rounding
//!
//! Products, quotients and conversions round to nearest, ties away from
//! zero, so `(−a)·b = −(a·b)` exactly. The functions state their error
//! bounds in ulps (2⁻¹⁶); each bound is checked against `f64` over every
//! input where the function is not constant (ln and √: every input below
//! 2²² and a prime stride above; an `#[ignore]`d test checks all 2³¹).

use core::cmp::Ordering;
use core::fmt::{self, Debug, Write};
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use core::sync::atomic::{AtomicU32, Ordering::Relaxed};

use super::{NO_WIDE_MULTIPLY, Scalar};
use crate::model::params::Zero;

/// Signed fixed point: value = raw / 65536, raw an `i32` in
/// `−i32::MAX ..= i32::MAX`.
///
/// Arithmetic saturates at ±[`SATURATED`](Q16_16::SATURATED) (counted, see
/// [`saturations`]) and rounds to nearest, ties away from zero.
///
/// ```
/// use stacknet::num::{Q16_16, Scalar};
/// let a = Q16_16::from_f32(1.5);
/// let b = Q16_16::from_f32(2.25);
/// assert_eq!(a * b, Q16_16::from_f32(3.375));
/// assert_eq!(format!("{:?}", a), "Q16_16(1.5)");
/// assert!(!(Q16_16::SATURATED + Q16_16::ONE).is_finite()); // saturated
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Q16_16(i32);

/// Number of saturation events since start or the last reset.
static SATURATIONS: AtomicU32 = AtomicU32::new(0);

/// How many results saturated (or were NaN, or divided by zero) since the
/// program started or [`reset_saturations`] was last called; stays at
/// `u32::MAX` once there.
///
/// The counter is a plain load and store (Cortex-M0 has no atomic
/// read-modify-write), so it is exact on a single core without interrupts
/// that compute in Q16.16; increments made concurrently on several threads
/// or from an interrupt may be lost, but a count that was non-zero never
/// drops back to zero without [`reset_saturations`].
pub fn saturations() -> u32 {
    SATURATIONS.load(Relaxed)
}

/// Sets the [`saturations`] count back to zero.
pub fn reset_saturations() {
    SATURATIONS.store(0, Relaxed);
}

/// Counts one saturation. Cold and out of line, so that the fast path of
/// every operation is a compare and a branch.
#[cold]
#[inline(never)]
fn count() {
    let n = SATURATIONS.load(Relaxed);
    SATURATIONS.store(n.saturating_add(1), Relaxed);
}

/// ±`SATURATED` by `positive`, counted.
#[cold]
#[inline(never)]
fn saturated(positive: bool) -> Q16_16 {
    count();
    if positive {
        Q16_16::SATURATED
    } else {
        Q16_16::NEG_SATURATED
    }
}

/// `v` if it is in range, else ±`SATURATED` (counted).
#[inline(always)]
fn clamp64(v: i64) -> Q16_16 {
    if v > i32::MAX as i64 || v < -(i32::MAX as i64) {
        saturated(v > 0)
    } else {
        Q16_16(v as i32)
    }
}

impl Q16_16 {
    /// The largest value, 32767.99998 (raw `i32::MAX`): what overflow
    /// saturates to. It is not [`is_finite`](Scalar::is_finite).
    pub const SATURATED: Self = Q16_16(i32::MAX);
    /// The most negative value, −[`SATURATED`](Q16_16::SATURATED) (raw `−i32::MAX`).
    /// It is not [`is_finite`](Scalar::is_finite).
    pub const NEG_SATURATED: Self = Q16_16(-i32::MAX);
    /// One (raw 65536).
    pub const ONE: Self = Q16_16(1 << 16);
    /// The step between neighbouring values, 2⁻¹⁶ (raw 1).
    pub const EPSILON: Self = Q16_16(1);

    /// The value `raw / 65536`. Raw `i32::MIN`, the one raw value outside
    /// the symmetric range, is read as −[`SATURATED`](Q16_16::SATURATED).
    #[inline(always)]
    pub const fn from_raw(raw: i32) -> Self {
        if raw == i32::MIN {
            Q16_16(-i32::MAX)
        } else {
            Q16_16(raw)
        }
    }

    /// The raw `i32`: the value times 65536.
    #[inline(always)]
    pub const fn to_raw(self) -> i32 {
        self.0
    }
}

impl Zero for Q16_16 {
    const ZERO: Self = Q16_16(0);
}

/// The shortest decimal that reads back (rounded to nearest) to the same
/// raw value, e.g. `Q16_16(1.5)`, `Q16_16(0.1)` for raw 6554.
impl Debug for Q16_16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0.unsigned_abs() as u64;
        let (int, frac) = (a >> 16, a & 0xffff);
        let sign = if self.0 < 0 { "-" } else { "" };
        if frac == 0 {
            return write!(f, "Q16_16({sign}{int}.0)");
        }
        // Five digits always suffice: their step, 10⁻⁵, is below 2⁻¹⁶.
        let mut p = 1u64;
        for d in 1..=5usize {
            p *= 10;
            let c = (frac * p + (1 << 15)) >> 16;
            // c / p rounds back to frac / 65536 (c = p never does, as
            // frac < 65536).
            if (c << 16) + p / 2 >= frac * p && (c << 16) < frac * p + p / 2 {
                return write!(f, "Q16_16({sign}{int}.{c:0d$})");
            }
        }
        // Not reached; the exact decimal (2⁻¹⁶ = 0.0000152587890625).
        write!(f, "Q16_16({sign}{int}.{:016})", frac * 152587890625)
    }
}

impl Add for Q16_16 {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        // Out of range, both operands have the sign of the true sum (a sum
        // of `i32::MIN` has two negative ones). Written as `checked_add`:
        // `overflowing_add` costs an extra compare on Thumb-1.
        match self.0.checked_add(rhs.0) {
            Some(s) if s != i32::MIN => Q16_16(s),
            _ => saturated(self.0 > 0),
        }
    }
}

impl Sub for Q16_16 {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        // Out of range, the difference has the sign of `self` (`i32::MIN`
        // needs a negative one), as in `add`.
        match self.0.checked_sub(rhs.0) {
            Some(s) if s != i32::MIN => Q16_16(s),
            _ => saturated(self.0 >= 0),
        }
    }
}

impl Mul for Q16_16 {
    type Output = Self;
    /// Rounded to nearest, ties away from zero: one 32×32→64 multiply, or
    /// where there is none (ARMv6-M: Cortex-M0, M0+)
    /// at most four 16×16→32 ones, with the same result.
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        if NO_WIDE_MULTIPLY {
            mul_in_halves(self.0, rhs.0)
        } else {
            mul_wide(self.0, rhs.0)
        }
    }
}

/// `a · b / 2¹⁶` rounded to nearest, ties away from zero, saturated: from
/// the 64-bit product.
#[inline(always)]
fn mul_wide(a: i32, b: i32) -> Q16_16 {
    let p = a as i64 * b as i64;
    // + 0x8000 rounds ties up; the − 1 for p < 0 makes them round away
    // from zero. |p| ≤ 2⁶², so nothing here overflows.
    clamp64((p + 0x8000 + (p >> 63)) >> 16)
}

/// [`mul_wide`]'s result with 32-bit arithmetic only. `|a|·|b|` is
/// `hi·2³² + mid·2¹⁶ + lo` from the 16-bit halves; rounding the magnitude
/// half up and then giving it the sign rounds ties away from zero. When
/// either magnitude is below 1 (2¹⁶ raw), as weights, rates and most
/// gradients are, its high half is 0, and so are two of the four products.
#[inline(always)]
fn mul_in_halves(a: i32, b: i32) -> Q16_16 {
    // 0 or −1: `(m ^ sign) − sign` is `m` or `−m`, with no branch
    let sign = (a ^ b) >> 31;
    let (ua, ub) = (a.unsigned_abs(), b.unsigned_abs());
    // With a high half of 0, `al · bh < 2³¹ − 2¹⁶` (as `bh < 2¹⁵`) and the
    // rounded `al · bl / 2¹⁶` is below 2¹⁶: the magnitude fits, unsaturated.
    let small_times =
        |al: u32, b: u32| (al * (b >> 16) + ((al * (b & 0xFFFF) + 0x8000) >> 16)) as i32;
    if ua < 1 << 16 {
        return Q16_16((small_times(ua, ub) ^ sign) - sign);
    }
    if ub < 1 << 16 {
        return Q16_16((small_times(ub, ua) ^ sign) - sign);
    }
    let (ah, al) = (ua >> 16, ua & 0xFFFF);
    let (bh, bl) = (ub >> 16, ub & 0xFFFF);
    // ah, bh ≤ 2¹⁵ and al, bl < 2¹⁶: every product and sum below fits
    // except where the result saturates anyway
    let hi = ah * bh;
    let mid = ah * bl + al * bh;
    let lo = al * bl;
    let magnitude = if hi >= 1 << 15 {
        None
    } else {
        (hi << 16)
            .checked_add(mid)
            .and_then(|m| m.checked_add((lo + 0x8000) >> 16))
    };
    match magnitude {
        Some(m) if m <= i32::MAX as u32 => Q16_16((m as i32 ^ sign) - sign),
        _ => saturated(sign == 0),
    }
}

impl Div for Q16_16 {
    type Output = Self;
    /// Rounded to nearest, ties away from zero. `x / 0` is ±`SATURATED` by the
    /// sign of `x`, and `0 / 0` is 0; both are counted.
    #[inline]
    fn div(self, rhs: Self) -> Self {
        if rhs.0 == 0 {
            return div_by_zero(self);
        }
        let n = (self.0 as i64) << 16;
        let d = rhs.0 as i64;
        // |n| ≤ 2⁴⁷ and d ≠ 0: neither `/` nor `%` can overflow.
        let (q, r) = (n / d, n % d);
        let q = if 2 * r.unsigned_abs() >= d.unsigned_abs() {
            q + if (n ^ d) < 0 { -1 } else { 1 }
        } else {
            q
        };
        clamp64(q)
    }
}

#[cold]
#[inline(never)]
fn div_by_zero(x: Q16_16) -> Q16_16 {
    match x.0.cmp(&0) {
        Ordering::Equal => {
            count();
            Q16_16(0)
        }
        o => saturated(o == Ordering::Greater),
    }
}

impl Neg for Q16_16 {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        // Never overflows: raw is never i32::MIN.
        Q16_16(self.0.saturating_neg())
    }
}

impl AddAssign for Q16_16 {
    #[inline(always)]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl SubAssign for Q16_16 {
    #[inline(always)]
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl MulAssign for Q16_16 {
    #[inline(always)]
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

impl DivAssign for Q16_16 {
    #[inline]
    fn div_assign(&mut self, rhs: Self) {
        *self = *self / rhs;
    }
}

// ---------------------------------------------------------------------------
// exp: eˣ = 2^q · 2^(j/16) · eʳ with n = 16q + j = round(16x / ln 2) and
// r = x − n·ln2/16, |r| < 0.0228; eʳ by its Taylor polynomial to r⁴.

/// `2^(j/16)` in Q1.31 (generated with f64, error < 2⁻³²).
const EXP2_SIXTEENTHS: [u32; 16] = [
    2147483648, 2242560872, 2341847524, 2445529972, 2553802834, 2666869345, 2784941738, 2908241642,
    3037000500, 3171459999, 3311872529, 3458501653, 3611622603, 3771522796, 3938502376, 4112874773,
];

/// `ln 2 · 2³²` rounded (2977044471.82): the low word is what the
/// wrapping arithmetic below needs.
const LN2_Q32: u32 = 2977044472;

/// `eˣ` for raw `x` in `−14·2¹⁶ ..= 11·2¹⁶`, as `(m, q)` with value
/// `m · 2^(q − 61)`, `m < 2⁶²`; relative error below 2⁻²⁸.
///
/// Two 32×32→64 multiplies, the rest 32-bit.
#[inline]
fn exp_core(x: i32) -> (u64, i32) {
    // n ≈ x·16/ln2: x in Q.10 (|x >> 6| < 2¹⁴) times 16/ln2 in Q.10.
    let n = ((x >> 6) * 23637 + (1 << 19)) >> 20;
    let (j, q) = ((n & 15) as usize, n >> 4);
    // r = x − n·ln2/16 in Q.36. The true value fits in an i32 (|r| < 0.0228
    // = 2⁻⁵·⁴⁶), so the wrapping arithmetic, exact modulo 2³², gives it
    // exactly (up to ln 2's rounding: |n|·0.18·2⁻³⁶ < 2⁻³⁰).
    let r = x
        .wrapping_mul(1 << 20)
        .wrapping_sub(n.wrapping_mul(LN2_Q32 as i32));
    let r30 = (r + (1 << 5)) >> 6; // Q.30
    let r2 = ((r as i64 * r as i64) >> 42) as i32; // r² in Q.30, < 2¹⁹·²
    // 1/6 + r/24 in Q.16.
    let c = 10923 + (((r30 >> 14) * 2731) >> 16);
    // r³ in Q.30: (Q.24, < 2¹³·²) · (Q.18, < 2¹²·⁵) = Q.42.
    let r3 = ((r2 >> 6) * (r30 >> 12)) >> 12;
    let p = (1 << 30) + r30 + (r2 >> 1) + ((r3 * c) >> 16); // eʳ in Q.30
    (EXP2_SIXTEENTHS[j] as u64 * p as u64, q)
}

/// `eʸ` for raw `y ≤ 0` in `−14·2¹⁶ ..= 0`, in Q.30 (truncated).
#[inline]
fn exp_neg_q30(y: i32) -> u32 {
    let (m, q) = exp_core(y);
    // q in −22 ..= 0, so the shift is 31 ..= 53.
    (m >> (31 - q) as u32) as u32
}

/// `2⁶⁰ / d` for `d` in `2³⁰ ..= 2³¹ + 2⁸` (1/D in Q.30 for D = d/2³⁰ in
/// [1, 2]): linear first guess, three Newton steps `y += y(1 − Dy)`; error
/// below 2⁻²⁹. Two 32×32→64 multiplies, no division.
#[inline]
fn recip_q30(d: u32) -> u32 {
    // y₀ = 24/17 − 8/17·D, relative error ≤ 1/17.
    let y = 1515870810 - (((d >> 14) * 30840) >> 2);
    // Step 1: ≈15-bit products are enough for an error of 2⁻⁸.
    let e = (1i32 << 30) - (((d >> 15) * (y >> 15)) as i32);
    let y = (y as i32 + (y >> 15) as i32 * (e >> 15)) as u32;
    // Step 2: error 2⁻¹⁶.
    let e = (((1i64 << 60) - d as i64 * y as i64) >> 30) as i32;
    let y = (y as i32 + (((y >> 11) as i32 * (e >> 10)) >> 9)) as u32;
    // Step 3: error 2⁻²⁹; |e| < 2¹⁴ in Q.30.
    let e = (((1i64 << 60) - d as i64 * y as i64) >> 30) as i32;
    (y as i32 + (((y >> 14) as i32 * e) >> 16)) as u32
}

// ---------------------------------------------------------------------------
// ln: x = m·2^(e−16), m in [1, 2); m·R/256 = 1 + t with R from a 16-entry
// table so that |t| ≤ 1/32; ln x = (e − 16)·ln2 − ln(R/256) + ln(1 + t),
// ln(1 + t) by its Taylor polynomial to t⁴. 32-bit multiplies only.

/// `R_j ≈ 256 / (1 + (j + ½)/16)`, short enough that `m·R_j` fits 32 bits.
const LN_R: [u32; 16] = [
    248, 234, 221, 210, 200, 191, 182, 174, 167, 161, 155, 149, 144, 139, 134, 130,
];
/// `−ln(R_j / 256)` in Q.31 (generated with f64, error < 2⁻³²).
const LN_NEG_LN_R: [i32; 16] = [
    68179810, 192964997, 315711757, 425351901, 530127981, 629006586, 732658623, 829190993,
    917369865, 995945105, 1077504919, 1162285020, 1235585093, 1311475804, 1390147006, 1455227249,
];

/// `ln(raw / 2¹⁶)` in Q.27 for `raw > 0`; error below 2⁻²⁵.
#[inline]
fn ln_q27(raw: u32) -> i32 {
    let lz = raw.leading_zeros(); // 1 ..= 31
    let m = raw << lz; // m/2³¹ in [1, 2)
    let j = ((m >> 27) & 15) as usize;
    // (m >> 8)·R < 2²⁴·2⁸; 1 + t in Q.31, |t| ≤ 2²⁶ in Q.31.
    let t = ((m >> 8) * LN_R[j]).wrapping_sub(1 << 31) as i32;
    let t20 = (t + (1 << 10)) >> 11; // |t20| ≤ 2¹⁵
    let t2 = t20 * t20; // t² in Q.40, ≤ 2³⁰
    let t2_20 = (t2 + (1 << 19)) >> 20;
    let t3 = t2_20 * ((t20 * 21845 + (1 << 15)) >> 16); // t³/3 in Q.40
    let t4 = t2_20 * t2_20; // t⁴ in Q.40
    let ln_m = t - (t2 >> 10) + (t3 >> 9) - (t4 >> 11) + LN_NEG_LN_R[j]; // Q.31
    // (e − 16)·ln 2 in Q.27 with ln2·2²⁷ = 93032640 − 0.256.
    let d = 15 - lz as i32;
    d * 93032640 - ((d * 66 + 128) >> 8) + (ln_m >> 4)
}

/// Rounded `√(raw · 2¹⁶)`: `√x` in Q16.16, correctly rounded.
#[inline]
fn sqrt_raw(raw: u32) -> i32 {
    let n = (raw as u64) << 16; // < 2⁴⁷
    // Digit by digit: `res` becomes ⌊√n⌋ and `rem` n − res².
    let mut rem = n;
    let mut res = 0u64;
    let mut bit = 1u64 << ((63 - n.leading_zeros()) & !1);
    while bit != 0 {
        if rem >= res + bit {
            rem -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    // n ≥ (res + ½)² ⇔ n − res² > res (no ties: n is an integer).
    (res + (rem > res) as u64) as i32
}

/// What an `f32` becomes in Q16.16.
enum Raw {
    /// The raw value: `x · 2¹⁶` rounded, within ±`i32::MAX`.
    Value(i32),
    /// NaN.
    NotANumber,
    /// `|x · 2¹⁶|` rounds to 2³¹ or more (or `x` is infinite).
    Saturated { positive: bool },
}

/// `x · 2¹⁶` rounded to the nearest integer, ties away from zero (as
/// `roundf`), from the bits of `x` alone: `x = m · 2^(e − 150)` with the
/// 24-bit significand `m`, so the raw value is `m` shifted by `e − 134`,
/// with the bits shifted out rounding it.
#[inline(always)]
fn f32_to_raw(x: f32) -> Raw {
    let bits = x.to_bits();
    let positive = bits >> 31 == 0;
    let exponent = (bits >> 23) & 0xFF;
    let fraction = bits & 0x7F_FFFF;
    if exponent == 0xFF {
        return if fraction == 0 {
            Raw::Saturated { positive }
        } else {
            Raw::NotANumber
        };
    }
    // subnormals have no implicit bit and the exponent of the smallest normals
    let (m, e) = if exponent == 0 {
        (fraction, 1)
    } else {
        (fraction | 0x80_0000, exponent)
    };
    let magnitude = if e >= 134 {
        // m ≥ 2²³ here: m · 2⁸ ≥ 2³¹ saturates
        let shift = e - 134;
        if shift >= 8 {
            return Raw::Saturated { positive };
        }
        m << shift
    } else {
        // m < 2²⁴: shifted right by 25 or more it is below ½
        let shift = 134 - e;
        if shift >= 25 {
            0
        } else {
            (m + (1 << (shift - 1))) >> shift
        }
    };
    if magnitude > i32::MAX as u32 {
        return Raw::Saturated { positive };
    }
    let magnitude = magnitude as i32;
    Raw::Value(if positive { magnitude } else { -magnitude })
}

impl Scalar for Q16_16 {
    const ONE: Self = Q16_16::ONE;
    /// The largest finite value, raw `i32::MAX − 1`: one step below the
    /// saturation value [`Q16_16::SATURATED`] (which is `OVERFLOW`).
    const MAX: Self = Q16_16(i32::MAX - 1);
    /// The saturation value [`Q16_16::SATURATED`] (raw `i32::MAX`).
    const OVERFLOW: Self = Q16_16::SATURATED;
    /// Zero: fixed point has no subnormals to flush.
    const MIN_POSITIVE: Self = Q16_16(0);
    /// 4096 (raw 2²⁸), an eighth of the range: a sum of up to seven such
    /// values, or one times a setting below 8, stays in range.
    const BOUND_LIMIT: Self = Q16_16(1 << 28);
    const TAG: u32 = 2;
    const BYTES: usize = 4;
    const RUST_TYPE: &'static str = "::stacknet::num::Q16_16";

    /// `2 · max|g| · max(1, max|x|)` plus one step for the product's
    /// rounding: comparisons and one multiply (the sum of squares would take
    /// one multiply per value). Saturated, so not finite, when any value is.
    #[inline(always)]
    fn gradient_size(g: &[Self], x: &[Self]) -> Self {
        let largest =
            |values: &[Self], floor: i32| values.iter().fold(floor, |m, v| m.max(v.0.abs()));
        let (g, x) = (largest(g, 0), largest(x, 1 << 16));
        if g == i32::MAX || x == i32::MAX {
            return Q16_16::SATURATED;
        }
        let s = Q16_16(g) * Q16_16(x);
        s + s + Q16_16::EPSILON
    }

    /// Rounded to nearest (ties away from zero) and saturated; NaN gives 0.
    /// Integer arithmetic on the bits only (no floating point, so no soft
    /// float on a Cortex-M0, and constants fold), with the same result as
    /// `roundf(x · 2¹⁶)` for every `f32`.
    #[inline]
    fn from_f32(x: f32) -> Self {
        match f32_to_raw(x) {
            Raw::Value(raw) => Q16_16(raw),
            Raw::NotANumber => {
                count();
                Q16_16(0)
            }
            Raw::Saturated { positive } => saturated(positive),
        }
    }
    /// The nearest `f32`; exact for |raw| < 2²⁴ (|x| < 256).
    #[inline]
    fn to_f32(self) -> f32 {
        self.0 as f32 * (1.0 / 65536.0)
    }
    /// Rounded to nearest (ties away from zero) and saturated; NaN gives 0.
    fn from_f64(x: f64) -> Self {
        if x.is_nan() {
            count();
            return Q16_16(0);
        }
        let t = libm::round(x * 65536.0);
        if t > i32::MAX as f64 || t < -(i32::MAX as f64) {
            saturated(t > 0.0)
        } else {
            Q16_16(t as i32)
        }
    }
    /// Exact.
    #[inline]
    fn to_f64(self) -> f64 {
        self.0 as f64 * (1.0 / 65536.0)
    }
    #[inline]
    fn from_usize(n: usize) -> Self {
        if n > 32767 {
            saturated(true)
        } else {
            Q16_16((n as i32) << 16)
        }
    }

    /// False for the saturated values ±`SATURATED` (and raw `i32::MIN`).
    #[inline(always)]
    fn is_finite(self) -> bool {
        self.0.unsigned_abs() < i32::MAX as u32
    }
    #[inline(always)]
    fn abs(self) -> Self {
        Q16_16(self.0.saturating_abs())
    }
    /// Every product with 0 is 0, the saturated values' too.
    #[inline(always)]
    fn times_zero(self) -> Self {
        Q16_16(0)
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        Ord::max(self, other)
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        Ord::min(self, other)
    }

    /// Correctly rounded (error ≤ 0.5 ulp). `√x` for `x < 0` is 0
    /// (counted); `√SATURATED` is `SATURATED`. No multiply: 24 shift-and-subtract
    /// steps on 64-bit integers.
    fn sqrt(self) -> Self {
        if self.0 <= 0 {
            if self.0 < 0 {
                count();
            }
            return Q16_16(0);
        }
        if self.0 == i32::MAX {
            return self;
        }
        Q16_16(sqrt_raw(self.0 as u32))
    }

    /// |error| ≤ 0.5 ulp + 2⁻²⁸·eˣ: within 1 ulp for x < 7.6, at most 6 ulp
    /// (relative 2⁻²⁸) at the top of the range. Monotone. Saturates
    /// (counted) above ln 32768 ≈ 10.397; 0 below −11.78. Two 32×32→64
    /// multiplies and a 16-entry table.
    fn exp(self) -> Self {
        let x = self.0;
        if x > 11 << 16 {
            return saturated(true);
        }
        if x < -12 << 16 {
            return Q16_16(0);
        }
        let (m, q) = exp_core(x);
        let s = (45 - q) as u32; // 30 ..= 63
        let v = (m + (1 << (s - 1))) >> s;
        if v > i32::MAX as u64 {
            saturated(true)
        } else {
            Q16_16(v as i32)
        }
    }

    /// |error| ≤ 0.52 ulp; monotone. `ln x` for `x ≤ 0` is −`SATURATED`
    /// (counted); `ln MAX` is `SATURATED`. 32-bit multiplies only and a 16-entry
    /// table.
    fn ln(self) -> Self {
        if self.0 <= 0 {
            return saturated(false);
        }
        if self.0 == i32::MAX {
            return self;
        }
        Q16_16((ln_q27(self.0 as u32) + (1 << 10)) >> 11)
    }

    /// |error| ≤ 0.501 ulp; odd and monotone; exactly ±1 for |x| ≥ 6.24.
    /// `tanh x = (1 − u)/(1 + u)` with
    /// `u = e^(−2|x|)`, the reciprocal by Newton steps: four 32×32→64
    /// multiplies, no division.
    fn tanh(self) -> Self {
        let a = self.0.saturating_abs();
        let t = if a > 7 << 16 {
            1 << 16
        } else {
            let y = recip_q30((1 << 30) + exp_neg_q30(-2 * a));
            // 2/(1 + u) − 1 in Q.30, rounded to Q.16.
            ((2 * y as i64 - (1 << 30) + (1 << 13)) >> 14) as i32
        };
        Q16_16(if self.0 < 0 { -t } else { t })
    }

    /// Same as [`exp`](Scalar::exp) − 1, exactly (the subtraction is
    /// exact): error ≤ 0.5 ulp + 2⁻²⁸·eˣ; a saturated `exp` stays saturated.
    fn exp_m1(self) -> Self {
        let e = self.exp();
        if e.is_finite() { e - Q16_16::ONE } else { e }
    }

    // ln_1p: the default `(1 + x).ln()` is as accurate as `ln` here, since
    // `1 + x` is exact in fixed point (error ≤ 0.52 ulp).

    /// |error| ≤ 0.501 ulp. Monotone, `σ(0) = ½` and `σ(−x) = 1 − σ(x)`
    /// exactly; exactly 0 and 1 for |x| ≥ 11.78. `1/(1 + e^(−|x|))`, the
    /// reciprocal by Newton steps: four 32×32→64 multiplies, no division.
    fn sigmoid(self) -> Self {
        let a = self.0.saturating_abs();
        let s = if a > 12 << 16 {
            1 << 16
        } else {
            let y = recip_q30((1 << 30) + exp_neg_q30(-a));
            ((y + (1 << 13)) >> 14) as i32
        };
        Q16_16(if self.0 < 0 { (1 << 16) - s } else { s })
    }

    /// `xʸ = e^(y·ln x)` with `y·ln x` formed from the 2⁻²⁵-accurate
    /// internal `ln` and rounded once: relative error ≤ 2⁻¹⁶ + 2⁻²⁵·|y|
    /// plus `exp`'s (so ≤ 1.5·2⁻¹⁶ + 2⁻²⁵·|y| + ½ ulp). `0ʸ` is 0 for
    /// `y > 0`, 1 for `y = 0` and `SATURATED` (counted) for `y < 0`; `xʸ` for
    /// `x < 0` is 0 (counted, as NaN for floats).
    fn powf(self, y: Self) -> Self {
        if self.0 <= 0 {
            return match (self.0 < 0, y.0.cmp(&0)) {
                (false, Ordering::Equal) => Q16_16::ONE,
                (false, Ordering::Greater) => Q16_16(0),
                (false, Ordering::Less) => saturated(true),
                (true, _) => {
                    count();
                    Q16_16(0)
                }
            };
        }
        if self.0 == i32::MAX || y.0 == 0 {
            return if y.0 == 0 { Q16_16::ONE } else { self };
        }
        // y (Q.16) · ln x (Q.27) = Q.43; round to Q.16 with saturation.
        let z = y.0 as i64 * ln_q27(self.0 as u32) as i64;
        let z = (z + (1 << 26) + (z >> 63)) >> 27;
        if z > 11 << 16 {
            saturated(true)
        } else {
            Q16_16(z.max(-13 << 16) as i32).exp()
        }
    }

    /// The raw values summed in an `i64` (saturating at 2⁶³, which 2³²
    /// additions of any values cannot reach).
    type Sum = i64;
    const SUM_ZERO: i64 = 0;
    #[inline(always)]
    fn sum_add(sum: i64, x: Self) -> i64 {
        sum.saturating_add(x.0 as i64)
    }
    /// `sum · weight`, rounded to nearest (ties away from zero) and
    /// saturated: exact before the one rounding.
    fn sum_times(sum: i64, weight: Self) -> Self {
        let p = sum as i128 * weight.0 as i128;
        let r = (p + (1 << 15) + (p >> 127)) >> 16;
        clamp64(r.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }
    /// `sum / n`, rounded to nearest (ties away from zero) and saturated:
    /// one integer division of the raw sum, no `1/n` to round. Integers
    /// only (a 64-bit division, in software on a Cortex-M0). `n = 0` is
    /// `x / 0`: ±`SATURATED` by the sign of the sum, or 0; counted.
    fn sum_div(sum: i64, n: usize) -> Self {
        if n == 0 {
            return div_by_zero(Q16_16(sum.signum() as i32));
        }
        let d = i64::try_from(n).unwrap_or(i64::MAX);
        let (q, r) = (sum / d, sum % d);
        // 2|r| < 2d ≤ 2⁶⁴: no overflow in u64.
        if 2 * r.unsigned_abs() >= d as u64 {
            clamp64(q + sum.signum())
        } else {
            clamp64(q)
        }
    }

    /// The raw `i32` as `u32`, zero-extended.
    #[inline(always)]
    fn to_bits(self) -> u64 {
        self.0 as u32 as u64
    }
    /// The low 32 bits as the raw `i32` (raw `i32::MIN` reads as −`SATURATED`).
    #[inline(always)]
    fn from_bits(bits: u64) -> Self {
        Q16_16::from_raw(bits as u32 as i32)
    }
    /// `::stacknet::num::Q16_16::from_raw(<raw>)`.
    fn write_literal<W: Write>(self, out: &mut W) -> fmt::Result {
        write!(out, "::stacknet::num::Q16_16::from_raw({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{:?}` of `x`, without a heap.
    fn debug(x: Q16_16) -> heapless::String<32> {
        let mut s = heapless::String::new();
        write!(s, "{x:?}").unwrap();
        s
    }

    fn q(raw: i32) -> Q16_16 {
        Q16_16::from_raw(raw)
    }

    /// |got − want| in ulps, `want` the real value.
    fn ulps(got: Q16_16, want: f64) -> f64 {
        (got.0 as f64 - want * 65536.0).abs()
    }

    /// Every positive raw below 2²² and every 61st above (the full sweep is
    /// `ln_and_sqrt_every_input`, ignored by default).
    fn positive_raws() -> impl Iterator<Item = i32> {
        (1..1 << 22).chain(((1 << 22)..i32::MAX).step_by(61))
    }

    /// `from_f32` as `roundf(x · 2¹⁶)` in `f32` arithmetic (exact: a
    /// power-of-two scaling), saturated at |t| ≥ 2³¹, NaN to 0.
    fn from_f32_in_float(x: f32) -> i32 {
        if x.is_nan() {
            return 0;
        }
        let t = libm::roundf(x * 65536.0);
        if t >= 2147483648.0 {
            i32::MAX
        } else if t <= -2147483648.0 {
            -i32::MAX
        } else {
            t as i32
        }
    }

    fn assert_from_f32_as_in_float(bits: u32) {
        let x = f32::from_bits(bits);
        assert_eq!(
            Q16_16::from_f32(x).0,
            from_f32_in_float(x),
            "{x:e} ({bits:#010x})"
        );
    }

    #[test]
    fn from_f32_rounds_as_float_arithmetic() {
        // every f32 whose raw value is near a rounding or saturation edge:
        // ties at every scale, the saturation boundary, subnormals, ±0, ±∞, NaN
        for raw in -40_000i32..40_000 {
            for frac in [0.0f32, 0.25, 0.5, 0.75] {
                let x = (raw as f32 + frac) / 65536.0;
                assert_from_f32_as_in_float(x.to_bits());
                assert_from_f32_as_in_float((-x).to_bits());
            }
        }
        for edge in [
            2147483648.0f32 / 65536.0,
            2147483520.0 / 65536.0,
            0.5 / 65536.0,
            f32::MAX,
            f32::MIN_POSITIVE,
            f32::INFINITY,
        ] {
            for bits in edge.to_bits().saturating_sub(4)..=edge.to_bits().saturating_add(4) {
                assert_from_f32_as_in_float(bits);
                assert_from_f32_as_in_float(bits | 1 << 31);
            }
        }
        for bits in (0..u32::MAX).step_by(65_521) {
            assert_from_f32_as_in_float(bits);
        }
        assert_from_f32_as_in_float(f32::NAN.to_bits());
        assert_from_f32_as_in_float(1);
    }

    /// Every one of the 2³² `f32` bit patterns (about 20 s in release).
    #[test]
    #[ignore]
    fn from_f32_rounds_as_float_arithmetic_everywhere() {
        for bits in 0..=u32::MAX {
            assert_from_f32_as_in_float(bits);
        }
    }

    #[test]
    fn products_in_halves_are_the_wide_products() {
        let edges = [
            0,
            1,
            -1,
            0x7FFF,
            0x8000,
            0xFFFF,
            0x1_0000,
            0x1_8000,
            0xB504, // √2 · 2¹⁵: squares near the saturation edge
            0xB505 << 8,
            46_340 << 8,
            i32::MAX,
            i32::MAX - 1,
            -i32::MAX,
        ];
        let check = |a: i32, b: i32| {
            assert_eq!(mul_in_halves(a, b).0, mul_wide(a, b).0, "{a} · {b}");
        };
        for &a in &edges {
            for &b in &edges {
                for (a, b) in [(a, b), (-a, b), (a, -b), (-a, -b)] {
                    check(a, b);
                    check(a.saturating_add(1), b);
                    check(a, b.saturating_sub(1));
                }
            }
        }
        // xorshift32 pairs over the whole range and at every magnitude
        let mut state = 0x2545_F491u32;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        for _ in 0..2_000_000 {
            let (a, b, k) = (next() as i32, next() as i32, next());
            check(a, b);
            check(a >> (k % 31), b >> ((k >> 8) % 31));
        }
    }

    #[test]
    fn times_zero_is_the_product_with_zero() {
        for raw in [0, 1, -1, 0x1_0000, -0x1_8000, i32::MAX, -i32::MAX] {
            let x = Q16_16::from_raw(raw);
            assert_eq!(x.times_zero(), x * Q16_16::ZERO);
            assert_eq!(x.times_zero(), Q16_16::ZERO);
        }
    }

    #[test]
    fn known_products_and_quotients() {
        let (a, b) = (Q16_16::from_f32(1.5), Q16_16::from_f32(2.25));
        assert_eq!((a.0, b.0), (98304, 147456));
        // 98304 · 147456 = 14495514624 = 221184 · 2¹⁶ exactly: 3.375.
        assert_eq!((a * b).0, 221184);
        // Ties (exactly ½ ulp) round away from zero, others to nearest.
        assert_eq!((q(1) * q(1 << 15)).0, 1); // 2⁻¹⁶ · ½
        assert_eq!((q(-1) * q(1 << 15)).0, -1);
        assert_eq!((q(1) * q((1 << 15) - 1)).0, 0);
        assert_eq!((q(3) * q(1 << 15)).0, 2); // 1.5 ulp
        assert_eq!((q(-3) * q(1 << 15)).0, -2);
        assert_eq!((q(5) * q(-(1 << 15))).0, -3); // −2.5 ulp
        assert_eq!((Q16_16::ONE / q(3 << 16)).0, 21845); // 21845.33
        assert_eq!((q(2 << 16) / q(3 << 16)).0, 43691); // 43690.67
        assert_eq!((q(1) / q(2 << 16)).0, 1); // ½ ulp
        assert_eq!((q(-1) / q(2 << 16)).0, -1);
        assert_eq!((q(1) / q(-(2 << 16))).0, -1);
        assert_eq!((q(3) / q(2 << 16)).0, 2); // 1.5 ulp
        assert_eq!((q(1) / q(3 << 16)).0, 0); // ⅓ ulp
        assert_eq!((q(7 << 16) / q(-(2 << 16))).0, -(7 << 15));
        // In range: 181² = 32761; out of range: 256² = 65536.
        assert_eq!(q(181 << 16) * q(181 << 16), q(32761 << 16));
        assert_eq!(q(256 << 16) * q(256 << 16), Q16_16::SATURATED);
        assert_eq!(q(256 << 16) * q(-(256 << 16)), Q16_16::NEG_SATURATED);
        assert_eq!(q(1 << 16) / q(1), Q16_16::SATURATED); // 1 / 2⁻¹⁶ = 65536
        assert_eq!(q(1) / q(1 << 16), q(1));
    }

    #[test]
    fn saturation_and_the_min_raw() {
        let (max, min, eps) = (Q16_16::SATURATED, Q16_16::NEG_SATURATED, Q16_16::EPSILON);
        assert_eq!(min.0, -i32::MAX);
        assert_eq!(max + eps, max);
        assert_eq!(min - eps, min);
        assert_eq!(min + (-eps), min); // raw −2³¹ would fit an i32: not produced
        assert_eq!(max - min, max);
        assert_eq!(min - max, min);
        assert_eq!(max * max, max);
        assert_eq!(max * min, min);
        assert_eq!(max / eps, max);
        assert_eq!(min / eps, min);
        assert_eq!(eps / max, Q16_16::ZERO);
        // Division by zero.
        assert_eq!(Q16_16::ONE / Q16_16::ZERO, max);
        assert_eq!(-Q16_16::ONE / Q16_16::ZERO, min);
        assert_eq!(Q16_16::ZERO / Q16_16::ZERO, Q16_16::ZERO);
        // Raw i32::MIN reads as −MAX, everywhere.
        let m = q(i32::MIN);
        assert_eq!(m, min);
        assert_eq!(m.to_raw(), -i32::MAX);
        assert_eq!(-m, max);
        assert_eq!(Scalar::abs(m), max);
        assert_eq!(Q16_16::from_bits(0x8000_0000), min);
        assert!(!m.is_finite());
        // Finiteness: only the two saturated values are not finite.
        assert!(!max.is_finite() && !min.is_finite());
        assert!(q(i32::MAX - 1).is_finite() && q(1 - i32::MAX).is_finite());
        assert!(Q16_16::ZERO.is_finite() && !(max + eps).is_finite());
        // Saturated values are not sticky under + (the counter is).
        assert!((max - Q16_16::ONE).is_finite());
    }

    #[test]
    fn conversions() {
        assert_eq!(Q16_16::from_f32(1.5).0, 3 << 15);
        assert_eq!(Q16_16::from_f32(-0.0).0, 0);
        assert_eq!(Q16_16::from_f32(f32::NAN).0, 0);
        assert_eq!(Q16_16::from_f32(1e10), Q16_16::SATURATED);
        assert_eq!(Q16_16::from_f32(-1e10), Q16_16::NEG_SATURATED);
        assert_eq!(Q16_16::from_f32(f32::INFINITY), Q16_16::SATURATED);
        assert_eq!(Q16_16::from_f32(f32::NEG_INFINITY), Q16_16::NEG_SATURATED);
        assert_eq!(Q16_16::from_f32(32768.0), Q16_16::SATURATED);
        assert_eq!(Q16_16::from_f32(-32768.0), Q16_16::NEG_SATURATED);
        assert_eq!(Q16_16::from_f32(32767.998).0, 2147483520); // nearest f32
        assert_eq!(Q16_16::from_f32(2f32.powi(-17)).0, 1); // tie: away from 0
        assert_eq!(Q16_16::from_f32(-(2f32.powi(-17))).0, -1);
        assert_eq!(Q16_16::from_f32(0.1).0, 6554);
        assert_eq!(Q16_16::from_f32(f32::MIN_POSITIVE).0, 0);
        assert_eq!(Q16_16::from_f64(0.1).0, 6554);
        assert_eq!(Q16_16::from_f64(f64::NAN).0, 0);
        assert_eq!(Q16_16::from_f64(3.0 * 2f64.powi(-17)).0, 2);
        assert_eq!(Q16_16::from_f64(-3.0 * 2f64.powi(-17)).0, -2);
        assert_eq!(
            Q16_16::from_f64(Q16_16::SATURATED.to_f64()),
            Q16_16::SATURATED
        );
        assert_eq!(Q16_16::from_f64(32768.0), Q16_16::SATURATED);
        assert_eq!(Q16_16::from_f64(-32767.99999), Q16_16::NEG_SATURATED);
        assert_eq!(Q16_16::from_f64(-1e300), Q16_16::NEG_SATURATED);
        for raw in [
            0,
            1,
            -1,
            6554,
            i32::MAX,
            -i32::MAX,
            123456789,
            -(1 << 24) + 3,
        ] {
            assert_eq!(Q16_16::from_f64(q(raw).to_f64()), q(raw));
            assert_eq!(q(raw).to_f64(), raw as f64 / 65536.0);
            assert_eq!(q(raw).to_f32(), (raw as f64 / 65536.0) as f32);
        }
        assert_eq!(Q16_16::from_usize(0), Q16_16::ZERO);
        assert_eq!(Q16_16::from_usize(32767).0, 32767 << 16);
        assert_eq!(Q16_16::from_usize(32768), Q16_16::SATURATED);
        assert_eq!(Q16_16::from_usize(usize::MAX), Q16_16::SATURATED);
    }

    #[test]
    fn bits_literals_and_debug() {
        assert_eq!(q(-1).to_bits(), 0xffff_ffff);
        assert_eq!(q(1 << 16).to_bits(), 0x0001_0000);
        assert_eq!(Q16_16::from_bits(0xffff_ffff), q(-1));
        assert_eq!(Q16_16::from_bits(0x1234_5678_0001_0000), Q16_16::ONE);
        for raw in [0, 1, -1, 98304, i32::MAX, -i32::MAX] {
            assert_eq!(Q16_16::from_bits(q(raw).to_bits()), q(raw));
        }
        assert_eq!((Q16_16::TAG, Q16_16::BYTES), (2, 4));
        let mut s = heapless::String::<64>::new();
        q(-98304).write_literal(&mut s).unwrap();
        assert_eq!(s, "::stacknet::num::Q16_16::from_raw(-98304)");
        assert_eq!(debug(Q16_16::from_f32(1.5)), "Q16_16(1.5)");
        assert_eq!(debug(Q16_16::from_f32(-1.5)), "Q16_16(-1.5)");
        assert_eq!(debug(Q16_16::ZERO), "Q16_16(0.0)");
        assert_eq!(debug(q(-(3 << 16))), "Q16_16(-3.0)");
        assert_eq!(debug(q(6554)), "Q16_16(0.1)");
        assert_eq!(debug(q(1)), "Q16_16(0.00002)");
        assert_eq!(debug(Q16_16::SATURATED), "Q16_16(32767.99998)");
        assert_eq!(debug(Q16_16::NEG_SATURATED), "Q16_16(-32767.99998)");
        // Every fraction prints the shortest decimal that reads back.
        for frac in 0..1 << 16 {
            let s = debug(q(frac | 5 << 16));
            let v: f64 = s["Q16_16(".len()..s.len() - 1].parse().unwrap();
            assert_eq!(Q16_16::from_f64(v), q(frac | 5 << 16), "{s}");
            let digits = s.len() - "Q16_16(5.)".len();
            assert!(digits <= 5, "{s}");
            if digits > 1 {
                // One digit fewer would not read back.
                let p = 10f64.powi(digits as i32 - 1);
                assert_ne!(
                    Q16_16::from_f64((v * p).round() / p),
                    q(frac | 5 << 16),
                    "{s}"
                );
            }
        }
    }

    #[test]
    fn trait_constants_powf_and_sums() {
        assert_eq!(<Q16_16 as Scalar>::MAX.0, i32::MAX - 1);
        assert!(<Q16_16 as Scalar>::MAX.is_finite());
        assert!(!<Q16_16 as Scalar>::OVERFLOW.is_finite());
        assert!(<Q16_16 as Scalar>::OVERFLOW > <Q16_16 as Scalar>::MAX);
        assert_eq!(<Q16_16 as Scalar>::MIN_POSITIVE, Q16_16::ZERO);
        let mut x = q(7 << 16);
        x /= q(2 << 16);
        assert_eq!(x, q(7 << 15));
        // Sums of raws, exact until the one rounding of the mean.
        let mut s = Q16_16::SUM_ZERO;
        for _ in 0..100_000 {
            s = Q16_16::sum_add(s, q(30000 << 16));
        }
        assert_eq!(s, 100_000 * (30000i64 << 16));
        assert_eq!(
            Q16_16::sum_times(s, Q16_16::from_f64(1.0 / 65536.0)),
            Q16_16::from_usize(30000) * q(100_000)
        );
        assert_eq!(Q16_16::sum_times(3, q(1 << 15)), q(2)); // 1.5 ulp: away from 0
        assert_eq!(Q16_16::sum_times(-3, q(1 << 15)), q(-2));
        assert_eq!(Q16_16::sum_times(i64::MAX, Q16_16::ONE), Q16_16::SATURATED);
        assert_eq!(
            Q16_16::sum_times(i64::MIN, Q16_16::SATURATED),
            Q16_16::NEG_SATURATED
        );
        // sum_div: one rounded integer division. 100000 · 30000 / 100000.
        assert_eq!(Q16_16::sum_div(s, 100_000), q(30000 << 16));
        assert_eq!(Q16_16::sum_div(7, 2), q(4)); // 3.5 ulp: away from 0
        assert_eq!(Q16_16::sum_div(-7, 2), q(-4));
        assert_eq!(Q16_16::sum_div(10, 3), q(3)); // 3.33
        assert_eq!(Q16_16::sum_div(-11, 3), q(-4)); // −3.67
        assert_eq!(Q16_16::sum_div(s, 1), Q16_16::SATURATED);
        assert_eq!(Q16_16::sum_div(-5, 0), Q16_16::NEG_SATURATED);
        // powf: special cases, then Adam's βᵗ and a grid against f64.
        assert_eq!(Q16_16::ZERO.powf(Q16_16::ONE), Q16_16::ZERO);
        assert_eq!(Q16_16::ZERO.powf(Q16_16::ZERO), Q16_16::ONE);
        assert_eq!(Q16_16::ZERO.powf(-Q16_16::ONE), Q16_16::SATURATED);
        assert_eq!(q(-1).powf(Q16_16::ONE), Q16_16::ZERO);
        assert_eq!(q(5).powf(Q16_16::ZERO), Q16_16::ONE);
        assert_eq!(Q16_16::SATURATED.powf(q(1 << 15)), Q16_16::SATURATED);
        assert_eq!(q(2 << 16).powf(q(20 << 16)), Q16_16::SATURATED);
        let check = |x: Q16_16, y: Q16_16| {
            let want = x.to_f64().powf(y.to_f64());
            let got = x.powf(y);
            if want * 65536.0 < i32::MAX as f64 - 64.0 {
                let bound = 0.5
                    + want * 65536.0 * (1.5 * 2f64.powi(-16) + y.to_f64().abs() * 2f64.powi(-25));
                assert!(
                    ulps(got, want) <= bound,
                    "{x:?}^{y:?} = {got:?}, not {want}"
                );
            }
        };
        check(q(2 << 16), q(10 << 16)); // 1024.001: z = 10 ln 2 is rounded
        for beta in [0.9, 0.99, 0.999] {
            for t in 1..=2000 {
                check(Q16_16::from_f64(beta), Q16_16::from_usize(t));
            }
        }
        for xr in (1..40 << 16).step_by(4099) {
            for yr in (-(12 << 16)..12 << 16).step_by(1021) {
                check(q(xr), q(yr));
            }
        }
    }

    #[test]
    fn abs_max_min() {
        assert_eq!(Scalar::abs(q(-5)), q(5));
        assert_eq!(Scalar::max(q(-5), q(3)), q(3));
        assert_eq!(Scalar::min(q(-5), q(3)), q(-5));
        assert!(q(-5) < q(3) && Q16_16::NEG_SATURATED < Q16_16::SATURATED);
    }

    /// exp: |error| ≤ 0.5 ulp + 2⁻²⁸·eˣ on every input that neither
    /// saturates nor rounds to 0; monotone.
    #[test]
    fn exp_bound_exhaustive() {
        let mut prev = Q16_16::ZERO;
        for raw in -12 << 16..=11 << 16 {
            let want = (raw as f64 / 65536.0).exp();
            let got = q(raw).exp();
            if got == Q16_16::SATURATED {
                // Saturated: the true value is at most 6 ulp below MAX.
                assert!(want * 65536.0 > i32::MAX as f64 - 6.0, "exp raw {raw}");
            } else {
                let bound = 0.5 + want * 65536.0 * 2f64.powi(-28);
                assert!(ulps(got, want) <= bound, "exp raw {raw}: {got:?} vs {want}");
            }
            assert!(got >= prev, "exp not monotone at raw {raw}");
            assert_eq!(
                q(raw).exp_m1(),
                if got.is_finite() {
                    got - Q16_16::ONE
                } else {
                    got
                }
            );
            prev = got;
        }
        assert_eq!(q(0).exp(), Q16_16::ONE);
        assert_eq!(q(11 << 16).exp(), Q16_16::SATURATED);
        assert!(q(-11 << 16).exp() > Q16_16::ZERO);
        for raw in (-i32::MAX..-12 << 16).step_by(61).chain([-i32::MAX]) {
            assert_eq!(q(raw).exp(), Q16_16::ZERO);
        }
        for raw in ((11 << 16) + 1..i32::MAX).step_by(61).chain([i32::MAX]) {
            assert_eq!(q(raw).exp(), Q16_16::SATURATED);
            assert_eq!(q(raw).exp_m1(), Q16_16::SATURATED);
        }
    }

    /// σ: |error| ≤ 0.501 ulp; monotone; σ(0) = ½; σ(−x) = 1 − σ(x); 0 and 1
    /// exactly in the tails.
    #[test]
    fn sigmoid_bound_exhaustive_and_monotone() {
        let mut prev = Q16_16::ZERO;
        for raw in -13 << 16..=13 << 16 {
            let x = raw as f64 / 65536.0;
            let got = q(raw).sigmoid();
            assert!(
                ulps(got, 1.0 / (1.0 + (-x).exp())) <= 0.501,
                "sigmoid raw {raw}"
            );
            assert!(got >= prev, "sigmoid not monotone at raw {raw}");
            assert_eq!(q(-raw).sigmoid(), Q16_16::ONE - got);
            prev = got;
        }
        assert_eq!(Q16_16::ZERO.sigmoid().0, 1 << 15);
        for raw in ((13 << 16) + 1..=i32::MAX).step_by(61).chain([i32::MAX]) {
            assert_eq!(q(raw).sigmoid(), Q16_16::ONE);
            assert_eq!(q(-raw).sigmoid(), Q16_16::ZERO);
        }
        assert_eq!(q(i32::MIN).sigmoid(), Q16_16::ZERO);
    }

    /// tanh: |error| ≤ 0.501 ulp; odd; monotone; ±1 exactly in the tails.
    #[test]
    fn tanh_bound_exhaustive_and_monotone() {
        let mut prev = -Q16_16::ONE;
        for raw in -8 << 16..=8 << 16 {
            let got = q(raw).tanh();
            assert!(
                ulps(got, (raw as f64 / 65536.0).tanh()) <= 0.501,
                "tanh raw {raw}"
            );
            assert!(got >= prev, "tanh not monotone at raw {raw}");
            assert_eq!(q(-raw).tanh(), -got);
            prev = got;
        }
        assert_eq!(Q16_16::ZERO.tanh(), Q16_16::ZERO);
        for raw in ((8 << 16) + 1..=i32::MAX).step_by(61).chain([i32::MAX]) {
            assert_eq!(q(raw).tanh(), Q16_16::ONE);
            assert_eq!(q(-raw).tanh(), -Q16_16::ONE);
        }
    }

    fn check_ln(raw: i32) {
        let got = q(raw).ln();
        assert!(
            ulps(got, (raw as f64 / 65536.0).ln()) <= 0.52,
            "ln raw {raw}: {got:?}"
        );
    }

    fn check_sqrt(raw: i32) {
        let r = q(raw).sqrt().0 as u128;
        let n4 = 4 * ((raw as u128) << 16);
        // (r − ½)² ≤ n ≤ (r + ½)², times 4.
        assert!(
            (2 * r - 1).pow(2) <= n4 && n4 <= (2 * r + 1).pow(2),
            "sqrt raw {raw}"
        );
    }

    /// ln: |error| ≤ 0.52 ulp; monotone. √: correctly rounded; monotone.
    #[test]
    fn ln_and_sqrt_bounds() {
        let (mut pl, mut ps) = (Q16_16::NEG_SATURATED, Q16_16::ZERO);
        for raw in positive_raws() {
            check_ln(raw);
            check_sqrt(raw);
            let (l, s) = (q(raw).ln(), q(raw).sqrt());
            assert!(l >= pl && s >= ps, "not monotone at raw {raw}");
            (pl, ps) = (l, s);
        }
        assert_eq!(Q16_16::ONE.ln(), Q16_16::ZERO);
        assert_eq!(
            q(2 << 16).sqrt(),
            Q16_16::from_f64(core::f64::consts::SQRT_2)
        );
        assert_eq!(q(4 << 16).sqrt(), q(2 << 16));
        assert_eq!(q(1).sqrt().0, 256);
        assert_eq!(q(1).ln(), Q16_16::from_f64(-16.0 * core::f64::consts::LN_2));
        for x in [Q16_16::ZERO, q(-1), Q16_16::NEG_SATURATED] {
            assert_eq!(x.ln(), Q16_16::NEG_SATURATED);
        }
        assert_eq!(Q16_16::ZERO.sqrt(), Q16_16::ZERO);
        assert_eq!(q(-1).sqrt(), Q16_16::ZERO);
        assert_eq!(Q16_16::SATURATED.ln(), Q16_16::SATURATED);
        assert_eq!(Q16_16::SATURATED.sqrt(), Q16_16::SATURATED);
        assert_eq!(q(i32::MAX - 1).sqrt().0, 11863283); // √(2⁴⁷ − 2¹⁷)
        // ln_1p is ln of the exact 1 + x.
        assert_eq!(q(-(1 << 16)).ln_1p(), Q16_16::NEG_SATURATED);
        assert_eq!(q(1000).ln_1p(), q(66536).ln());
    }

    /// Every positive raw: about four minutes on one core.
    #[test]
    #[ignore]
    fn ln_and_sqrt_every_input() {
        (1..i32::MAX).for_each(|r| (check_ln(r), check_sqrt(r)).1);
    }

    /// The exactly rounded, clamped result of `n / d` (ties away from 0).
    fn reference(n: i128, d: i128) -> i32 {
        let (q, r) = (n / d, n % d);
        let q = if 2 * r.abs() >= d.abs() {
            q + (n.signum() * d.signum())
        } else {
            q
        };
        q.clamp(-(i32::MAX as i128), i32::MAX as i128) as i32
    }

    /// Any raw, with the edges and small values drawn often.
    fn raws() -> impl proptest::strategy::Strategy<Value = i32> {
        use proptest::prelude::*;
        prop_oneof![
            4 => any::<i32>(),
            2 => -(1i32 << 18)..1 << 18,
            1 => prop::sample::select(&[0, 1, -1, 1 << 15, i32::MAX, i32::MIN, -i32::MAX, i32::MAX - 1][..]),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// + − × ÷ agree with the real result rounded to nearest and
        /// clamped, for any two raws (raw i32::MIN read as −MAX).
        #[test]
        fn arithmetic_is_the_rounded_real_result(a in raws(), b in raws()) {
            let (x, y) = (q(a), q(b));
            let (a, b) = (x.0 as i128, y.0 as i128);
            proptest::prop_assert_eq!((x + y).0, reference(a + b, 1));
            proptest::prop_assert_eq!((x - y).0, reference(a - b, 1));
            proptest::prop_assert_eq!((x * y).0, reference(a * b, 1 << 16));
            // The same through f64 where the product is exact in f64.
            if (a * b).abs() < 1 << 53 {
                let f = (a as f64 * b as f64 / 65536.0).round();
                proptest::prop_assert_eq!((x * y).0 as f64, f.clamp(-(i32::MAX as f64), i32::MAX as f64));
            }
            if b != 0 {
                proptest::prop_assert_eq!((x / y).0, reference(a << 16, b));
            } else {
                proptest::prop_assert_eq!((x / y).0, reference(a.signum() * i32::MAX as i128, 1));
            }
            let mut z = x;
            z += y;
            proptest::prop_assert_eq!(z, x + y);
            z -= y;
            proptest::prop_assert_eq!(z, (x + y) - y);
            z *= y;
            proptest::prop_assert_eq!(z, ((x + y) - y) * y);
            proptest::prop_assert_eq!((-x).0, -x.0);
        }

        /// Small operands: compares with f64 on a range where it is exact.
        #[test]
        fn small_products_match_f64(a in -(1i32 << 20)..1 << 20, b in -(1i32 << 20)..1 << 20) {
            let f = (q(a).to_f64() * q(b).to_f64() * 65536.0).round();
            proptest::prop_assert_eq!((q(a) * q(b)).0 as f64, f);
        }
    }
}

//! The cosine of a fraction of a turn, `cos(2π · u)`, in `f32` and 64-bit
//! integers: `libm::cosf`'s bits with no `f64`, which a single-precision
//! FPU such as the Cortex-M4F's would do in software. Initialisation
//! (Box-Muller) and the cosine learning-rate schedule use it, so neither
//! links `cosf` and its argument reduction.

/// `libm::cosf(2π · u)` for `u` in `[0, 1)`, bit for bit, without `f64`.
/// Tests check every `u` that [`uniform01`](crate::model::init::uniform01)
/// draws and every `u` in `[0, ½]`, the half turn of the cosine schedule.
///
/// `cosf` reduces its argument `x` by a multiple of π/2 (all in `f64`, where
/// the subtraction is exact) and evaluates a degree-8 polynomial in `f64`,
/// then rounds to `f32`. Here `x` and the reduction are exact in Q60 fixed
/// point and the polynomial (the same coefficients, truncated to 2^-60) is
/// evaluated with 2^-60 steps: both results are within ~2^-50 of the exact
/// polynomial value, so they round to the same `f32` unless that value lies
/// that close to a rounding boundary, which no argument in `[0, 2π)` does.
pub(crate) fn cos_turns(u: f32) -> f32 {
    let x = 2.0 * core::f32::consts::PI * u;
    let ix = x.to_bits();
    if ix < 0x3980_0000 {
        return 1.0; // |x| < 2^-12 (cosf's shortcut)
    }
    // x exactly, in Q60: x ≥ 2^-12 has its last bit at 2^-35 or above.
    let exponent = ((ix >> 23) & 0xff) as i32 - 150 + Q60 as i32;
    let x = i64::from((ix & 0x7f_ffff) | 0x80_0000) << exponent;
    // (reduced argument, sine rather than cosine, negated): the branch picks
    // the arguments only, so each polynomial is in the code once (inlined
    // in every branch, the 128-bit products were 2 KB of Cortex-M code).
    let (r, sine, negated) = if ix <= 0x3f49_0fda {
        (x, false, false) // x ≤ π/4
    } else if ix <= 0x4016_cbe3 {
        (PIO2[0] - x, true, false) // x ≤ 3π/4
    } else if ix <= 0x407b_53d1 {
        (x - PIO2[1], false, true) // x ≤ 5π/4
    } else if ix <= 0x40af_eddf {
        (x - PIO2[2], true, false) // x ≤ 7π/4
    } else {
        (x - PIO2[3], false, false) // x < 2π
    };
    let v = q60_to_f32(if sine { sin_poly(r) } else { cos_poly(r) });
    if negated { -v } else { v }
}

/// Fraction bits of the fixed-point numbers of [`cos_turns`].
const Q60: u32 = 60;

/// An `f64` in Q60 (truncated toward zero below 2^-60; |v| < 8).
const fn q60(v: f64) -> i64 {
    let bits = v.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1075 + Q60 as i32;
    let mantissa = ((bits & ((1 << 52) - 1)) | (1 << 52)) as i64;
    let magnitude = if exponent >= 0 {
        mantissa << exponent
    } else {
        mantissa >> -exponent
    };
    if bits >> 63 != 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// `k·π/2` for k = 1..4, as `cosf`'s `f64` constants (exact in Q60).
const PIO2: [i64; 4] = [
    q60(core::f64::consts::FRAC_PI_2),
    q60(2.0 * core::f64::consts::FRAC_PI_2),
    q60(3.0 * core::f64::consts::FRAC_PI_2),
    q60(4.0 * core::f64::consts::FRAC_PI_2),
];

/// Not inlined: each 128-bit product is some 30 Cortex-M instructions, and
/// the 13 of the two polynomials run once per draw or epoch.
#[inline(never)]
fn q60_mul(a: i64, b: i64) -> i64 {
    ((i128::from(a) * i128::from(b)) >> Q60) as i64
}

/// Rounded to the nearest `f32` (ties to even), as `f64 as f32` rounds.
#[inline]
fn q60_to_f32(v: i64) -> f32 {
    v as f32 * f32::from_bits((127 - Q60) << 23)
}

/// `libm`'s `k_cosf`: cos(x) for |x| ≤ π/4.
fn cos_poly(x: i64) -> i64 {
    // libm's literals, verbatim (they round to its f64 coefficients).
    #[allow(clippy::excessive_precision)]
    const C: [i64; 4] = [
        q60(-0.499999997251031003120),
        q60(0.0416666233237390631894),
        q60(-0.00138867637746099294692),
        q60(0.0000243904487962774090654),
    ];
    let z = q60_mul(x, x);
    let w = q60_mul(z, z);
    let r = C[2] + q60_mul(z, C[3]);
    ((1 << Q60) + q60_mul(z, C[0])) + q60_mul(w, C[1]) + q60_mul(q60_mul(w, z), r)
}

/// `libm`'s `k_sinf`: sin(x) for |x| ≤ π/4.
fn sin_poly(x: i64) -> i64 {
    #[allow(clippy::excessive_precision)]
    const S: [i64; 4] = [
        q60(-0.166666666416265235595),
        q60(0.0083333293858894631756),
        q60(-0.000198393348360966317347),
        q60(0.0000027183114939898219064),
    ];
    let z = q60_mul(x, x);
    let w = q60_mul(z, z);
    let r = S[2] + q60_mul(z, S[3]);
    let s = q60_mul(z, x);
    (x + q60_mul(s, S[0] + q60_mul(z, S[1]))) + q60_mul(q60_mul(s, w), r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_is_libm_cosf_bit_for_bit_on_every_draw() {
        // Every u that uniform01 can return: k / 2^24.
        for k in 0..1u32 << 24 {
            let u = k as f32 * (1.0 / 16_777_216.0);
            let expected = libm::cosf(2.0 * core::f32::consts::PI * u);
            assert_eq!(cos_turns(u).to_bits(), expected.to_bits(), "u = {k} / 2^24");
        }
    }

    /// `cos_turns(t / 2)` is `cosf(π · t)` for every `t` in `[0, 1]` the
    /// schedule can form, `epoch / epochs`, up to 5,000 epochs; `2π · t/2`
    /// and `π · t` are the same product, so the same `f32`.
    #[test]
    fn half_turns_are_libm_cosf_of_pi_t_for_every_schedule_step() {
        for epochs in 1..=5_000u32 {
            for epoch in 0..=epochs {
                let t = epoch as f32 / epochs as f32;
                let expected = libm::cosf(core::f32::consts::PI * t);
                assert_eq!(
                    cos_turns(t * 0.5).to_bits(),
                    expected.to_bits(),
                    "{epoch}/{epochs}"
                );
            }
        }
    }

    /// Every `f32` in `[0, ½]`, 2³⁰ of them (seconds at the test profile's
    /// opt-level 3).
    #[test]
    fn every_half_turn_is_libm_cosf() {
        for bits in 0..=0.5f32.to_bits() {
            let u = f32::from_bits(bits);
            let expected = libm::cosf(2.0 * core::f32::consts::PI * u);
            assert_eq!(cos_turns(u).to_bits(), expected.to_bits(), "u = {u:e}");
        }
    }
}

//! Weight initialisation from any [`RngCore`], deterministic on every target.
//!
//! Random numbers are drawn as `u32`s and turned into floats with plain
//! arithmetic and `libm`, so the same seed gives the same weights, bit for
//! bit, on a PC and on a Cortex-M. [`rand_xorshift::XorShiftRng`] is the
//! documented default generator.
//!
//! Nothing here uses `f64`: on a single-precision FPU such as the
//! Cortex-M4F's, `f64` arithmetic would link soft-float routines. The
//! cosine of the Box-Muller transform gives `libm::cosf`'s bits without
//! `f64` (from the crate's own fixed-point evaluation of its polynomials).

use rand_core::RngCore;

use crate::num::trig::cos_turns;

/// How to draw a layer's initial weights. Biases always start at zero.
///
/// `fan_in` is a layer's input count, `fan_out` its output count.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Init {
    /// Normal with mean 0 and standard deviation `std`
    /// (`Init::SMALL_NORMAL`, σ = 0.01, is the from-scratch tutorials' choice).
    Normal {
        /// Standard deviation.
        std: f32,
    },
    /// Uniform in `[low, high)`.
    Uniform {
        /// Lower bound (inclusive).
        low: f32,
        /// Upper bound (exclusive).
        high: f32,
    },
    /// Xavier/Glorot uniform: `U(−a, a)`, `a = √(6 / (fan_in + fan_out))`.
    XavierUniform,
    /// Xavier/Glorot normal: σ = `√(2 / (fan_in + fan_out))`.
    XavierNormal,
    /// He/Kaiming uniform: `U(−a, a)`, `a = √(6 / fan_in)`.
    HeUniform,
    /// He/Kaiming normal: σ = `√(2 / fan_in)`. Suits ReLU layers.
    HeNormal,
}

impl Init {
    /// Normal with σ = 0.01.
    pub const SMALL_NORMAL: Init = Init::Normal { std: 0.01 };

    /// Checks the parameters, so that every weight drawn is finite: `std`
    /// finite and `>= 0` with `6 · std` finite (a standard normal draw is
    /// below 5.8 in magnitude); `low < high`, both finite, with `high − low`
    /// finite. The schemes without parameters always pass.
    pub fn check(&self) -> Result<(), InitError> {
        match *self {
            Init::Normal { std } if !(std >= 0.0 && (6.0 * std).is_finite()) => {
                Err(InitError::NormalStd)
            }
            Init::Uniform { low, high } if !(low < high && (high - low).is_finite()) => {
                Err(InitError::UniformBounds)
            }
            _ => Ok(()),
        }
    }

    /// Draws one weight for a layer with the given fan-in and fan-out.
    /// `self` is not checked here ([`check`](Init::check)).
    pub fn sample<R: RngCore + ?Sized>(self, fan_in: usize, fan_out: usize, rng: &mut R) -> f32 {
        let fan_in = fan_in.max(1) as f32;
        let fan_sum = fan_in + fan_out as f32;
        match self {
            Init::Normal { std } => std * standard_normal(rng),
            Init::Uniform { low, high } => low + (high - low) * uniform01(rng),
            Init::XavierUniform => symmetric_uniform(libm::sqrtf(6.0 / fan_sum), rng),
            Init::XavierNormal => libm::sqrtf(2.0 / fan_sum) * standard_normal(rng),
            Init::HeUniform => symmetric_uniform(libm::sqrtf(6.0 / fan_in), rng),
            Init::HeNormal => libm::sqrtf(2.0 / fan_in) * standard_normal(rng),
        }
    }
}

/// An [`Init`]'s parameters are out of range ([`Init::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum InitError {
    /// `Init::Normal`'s `std` is negative, NaN, or so large that a draw
    /// could overflow.
    NormalStd,
    /// `Init::Uniform`'s bounds are not finite, not `low < high`, or so far
    /// apart that `high − low` overflows.
    UniformBounds,
}

impl core::fmt::Display for InitError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            InitError::NormalStd => {
                "the normal initialiser's std must be finite, >= 0 and below f32::MAX / 6"
            }
            InitError::UniformBounds => {
                "the uniform initialiser needs finite low < high with a finite high - low"
            }
        })
    }
}

impl core::error::Error for InitError {}

/// A uniform float in `[0, 1)` from the top 24 bits of one `u32`.
#[inline]
pub fn uniform01<R: RngCore + ?Sized>(rng: &mut R) -> f32 {
    (rng.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// A standard normal sample by the Box-Muller transform (two `u32` draws).
#[inline]
pub fn standard_normal<R: RngCore + ?Sized>(rng: &mut R) -> f32 {
    let u1 = 1.0 - uniform01(rng); // in (0, 1]: ln never sees 0
    let u2 = uniform01(rng);
    libm::sqrtf(-2.0 * libm::logf(u1)) * cos_turns(u2)
}

fn symmetric_uniform<R: RngCore + ?Sized>(limit: f32, rng: &mut R) -> f32 {
    limit * (2.0 * uniform01(rng) - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;
    use rand_xorshift::XorShiftRng;

    fn moments(init: Init, fan_in: usize, fan_out: usize) -> (f32, f32, f32, f32) {
        let mut rng = XorShiftRng::seed_from_u64(1);
        let n = 20_000;
        let (mut sum, mut sq, mut lo, mut hi) = (0.0f64, 0.0f64, f32::MAX, f32::MIN);
        for _ in 0..n {
            let v = init.sample(fan_in, fan_out, &mut rng);
            sum += v as f64;
            sq += (v as f64) * (v as f64);
            lo = lo.min(v);
            hi = hi.max(v);
        }
        let mean = sum / n as f64;
        let std = (sq / n as f64 - mean * mean).sqrt();
        (mean as f32, std as f32, lo, hi)
    }

    #[test]
    fn normal_schemes_have_their_standard_deviation() {
        for (init, expected) in [
            (Init::SMALL_NORMAL, 0.01),
            (Init::HeNormal, (2.0f32 / 4.0).sqrt()),
            (Init::XavierNormal, (2.0f32 / 7.0).sqrt()),
        ] {
            let (mean, std, _, _) = moments(init, 4, 3);
            assert!(mean.abs() < 0.03 * expected, "{init:?} mean {mean}");
            assert!((std / expected - 1.0).abs() < 0.02, "{init:?} std {std}");
        }
    }

    #[test]
    fn uniform_schemes_stay_in_their_bounds() {
        let xavier = (6.0f32 / 7.0).sqrt();
        let he = (6.0f32 / 4.0).sqrt();
        for (init, low, high) in [
            (
                Init::Uniform {
                    low: -0.2,
                    high: 0.5,
                },
                -0.2,
                0.5,
            ),
            (Init::XavierUniform, -xavier, xavier),
            (Init::HeUniform, -he, he),
        ] {
            let (mean, std, lo, hi) = moments(init, 4, 3);
            assert!(lo >= low && hi < high, "{init:?} range {lo}..{hi}");
            assert!((lo - low).abs() < 0.01 && (hi - high).abs() < 0.01);
            assert!((mean - (low + high) / 2.0).abs() < 0.02);
            // variance of U(a, b) is (b − a)² / 12
            let expected = (high - low) / 12f32.sqrt();
            assert!((std / expected - 1.0).abs() < 0.02, "{init:?} std {std}");
        }
    }

    #[test]
    fn same_seed_same_numbers() {
        let mut a = XorShiftRng::seed_from_u64(42);
        let mut b = XorShiftRng::seed_from_u64(42);
        for _ in 0..100 {
            assert_eq!(
                standard_normal(&mut a).to_bits(),
                standard_normal(&mut b).to_bits()
            );
        }
    }
}

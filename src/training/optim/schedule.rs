//! Learning-rate schedules, by epoch, and a linear warm-up in front of any
//! of them.

use super::{SettingsError, finite_non_negative};
use crate::num::trig::cos_turns;

/// How the learning rate changes with the epoch (counted from 0).
///
/// ```
/// use stacknet::optim::Schedule;
/// let step = Schedule::StepDecay { gamma: 0.5, every: 10 };
/// assert_eq!(step.rate(0.1, 9), 0.1);
/// assert_eq!(step.rate(0.1, 25), 0.025);
/// let inverse = Schedule::InverseScaling { power: 0.5 };
/// assert_eq!(inverse.rate(0.1, 3), 0.05); // 0.1 / √4
/// let cosine = Schedule::Cosine { epochs: 10, min_rate: 0.0 };
/// assert!((cosine.rate(0.1, 5) - 0.05).abs() < 1e-8); // half way down
/// assert_eq!(cosine.rate(0.1, 12), 0.0); // stays at the minimum
/// // three epochs of warm-up, then the cosine from its epoch 0
/// assert_eq!(cosine.warmed_up_rate(0.1, 0, 3), 0.025); // 0.1 · 1/4
/// assert_eq!(cosine.warmed_up_rate(0.1, 3, 3), 0.1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum Schedule {
    /// The same rate every epoch.
    #[default]
    Constant,
    /// `lr · γ^⌊epoch / every⌋`: multiplied by `gamma` every `every` epochs.
    StepDecay {
        /// Factor applied at each decay.
        gamma: f32,
        /// Epochs between decays (0 is treated as 1).
        every: u32,
    },
    /// `lr / (epoch + 1)^power` (scikit-learn's `invscaling`, by epoch).
    InverseScaling {
        /// The exponent (scikit-learn's `power_t`, default 0.5).
        power: f32,
    },
    /// PyTorch's `CosineAnnealingLR` over `epochs` epochs (its `T_max`):
    /// `min_rate + (lr − min_rate)(1 + cos(π t / epochs)) / 2` at epoch
    /// `t`, then `min_rate` for every later epoch (PyTorch's closed form
    /// would climb back up).
    Cosine {
        /// Epochs from the initial rate down to `min_rate` (`T_max`, > 0).
        epochs: u32,
        /// The rate at the end (`eta_min`), finite and `>= 0`.
        min_rate: f32,
    },
}

impl Schedule {
    /// Checks that every rate the schedule can give is finite and `>= 0`
    /// for a finite base rate `>= 0`: `gamma` in `[0, 1]` (a decay, so the
    /// rate never exceeds the base), `power` finite and `>= 0`, the cosine's
    /// `epochs > 0` and `min_rate` finite and `>= 0` (its rates then lie
    /// between the base and `min_rate`).
    ///
    /// ```
    /// use stacknet::optim::{Schedule, SettingsError};
    /// assert_eq!(Schedule::StepDecay { gamma: -1.0, every: 1 }.check(), Err(SettingsError::DecayFactor));
    /// assert_eq!(Schedule::InverseScaling { power: -0.5 }.check(), Err(SettingsError::DecayPower));
    /// assert_eq!(Schedule::InverseScaling { power: 0.5 }.check(), Ok(()));
    /// ```
    pub fn check(&self) -> Result<(), SettingsError> {
        match *self {
            Schedule::Constant => Ok(()),
            Schedule::StepDecay { gamma, .. } if !(0.0..=1.0).contains(&gamma) => {
                Err(SettingsError::DecayFactor)
            }
            Schedule::InverseScaling { power } if !finite_non_negative(power) => {
                Err(SettingsError::DecayPower)
            }
            Schedule::Cosine { epochs: 0, .. } => Err(SettingsError::CosineEpochs),
            Schedule::Cosine { min_rate, .. } if !finite_non_negative(min_rate) => {
                Err(SettingsError::MinRate)
            }
            _ => Ok(()),
        }
    }

    /// The learning rate for `epoch` when the initial rate is `base`. For a
    /// schedule that passes [`check`](Schedule::check), it is in `[0, base]`
    /// (for the cosine, between `base` and `min_rate`).
    pub fn rate(&self, base: f32, epoch: u32) -> f32 {
        match *self {
            Schedule::Constant => base,
            Schedule::StepDecay { gamma, every } => {
                base * libm::powf(gamma, (epoch / every.max(1)) as f32)
            }
            Schedule::InverseScaling { power } => {
                base / libm::powf(epoch.saturating_add(1) as f32, power)
            }
            Schedule::Cosine { epochs, min_rate } => {
                let t = epoch.min(epochs) as f32 / epochs.max(1) as f32;
                // cos(π t) as half a turn: libm's cosf bits, without f64
                let falling = 0.5 * (1.0 + cos_turns(0.5 * t));
                min_rate + (base - min_rate) * falling
            }
        }
    }

    /// The rate with a linear warm-up of `warmup_epochs` in front
    /// ([`FitConfig::warmup_epochs`](crate::training::train::FitConfig::warmup_epochs)):
    /// `base · (epoch + 1) / (warmup_epochs + 1)` for the first
    /// `warmup_epochs` epochs, then [`rate`](Schedule::rate) counted from
    /// the end of the warm-up. It is PyTorch's `LinearLR` with
    /// `start_factor = 1 / (k + 1)` and `total_iters = k`, handed over to
    /// this schedule by `SequentialLR` at milestone `k`: the ramp rises in
    /// equal steps to the base, which the schedule's epoch 0 then uses.
    /// Within the warm-up the rate is in `(0, base)`.
    pub fn warmed_up_rate(&self, base: f32, epoch: u32, warmup_epochs: u32) -> f32 {
        if epoch < warmup_epochs {
            let ramp = (epoch + 1) as f32 / warmup_epochs.saturating_add(1) as f32;
            base * ramp
        } else {
            self.rate(base, epoch - warmup_epochs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PyTorch's `CosineAnnealingLR` closed form in `f64`.
    fn cosine_reference(base: f64, min: f64, t: f64, t_max: f64) -> f64 {
        min + (base - min) * (1.0 + libm::cos(core::f64::consts::PI * t / t_max)) / 2.0
    }

    #[test]
    fn cosine_follows_the_closed_form_then_stays_at_the_minimum() {
        for (base, min, t_max) in [(0.1f32, 0.0f32, 10u32), (0.5, 0.05, 7), (0.01, 0.02, 3)] {
            let schedule = Schedule::Cosine {
                epochs: t_max,
                min_rate: min,
            };
            assert_eq!(schedule.check(), Ok(()));
            for epoch in 0..3 * t_max {
                let t = f64::from(epoch.min(t_max));
                let want = cosine_reference(base.into(), min.into(), t, t_max.into());
                let got = f64::from(schedule.rate(base, epoch));
                assert!(
                    (got - want).abs() <= 1e-6 * want.max(1e-3),
                    "{epoch}: {got} {want}"
                );
                assert!(got >= 0.0 && got.is_finite());
            }
            assert_eq!(schedule.rate(base, 0), base);
            assert_eq!(schedule.rate(base, t_max), min);
        }
    }

    #[test]
    fn warm_up_ramps_linearly_then_hands_over() {
        let inner = Schedule::StepDecay {
            gamma: 0.5,
            every: 2,
        };
        let (base, k) = (0.2f32, 4u32);
        for epoch in 0..k {
            // LinearLR: base · (1/(k+1) + (1 − 1/(k+1)) · t / k)
            let start = 1.0 / f64::from(k + 1);
            let want = 0.2 * (start + (1.0 - start) * f64::from(epoch) / f64::from(k));
            let got = f64::from(inner.warmed_up_rate(base, epoch, k));
            assert!((got - want).abs() <= 1e-7, "{epoch}: {got} {want}");
        }
        for epoch in k..k + 6 {
            assert_eq!(
                inner.warmed_up_rate(base, epoch, k),
                inner.rate(base, epoch - k)
            );
        }
        assert_eq!(inner.warmed_up_rate(base, 5, 0), inner.rate(base, 5));
        // no overflow at the ends of u32
        let last = Schedule::Constant.warmed_up_rate(base, u32::MAX - 1, u32::MAX);
        assert!(last > 0.0 && last <= base);
    }

    #[test]
    fn bad_cosine_settings_have_their_own_errors() {
        let cosine = |epochs, min_rate| Schedule::Cosine { epochs, min_rate };
        assert_eq!(cosine(0, 0.0).check(), Err(SettingsError::CosineEpochs));
        for bad in [-0.1, f32::NAN, f32::INFINITY] {
            assert_eq!(cosine(5, bad).check(), Err(SettingsError::MinRate));
        }
        // an unchecked zero-length cosine still gives a finite rate
        assert!(cosine(0, 0.0).rate(0.1, 3).is_finite());
    }
}

//! Learning-rate schedules, by epoch.

use super::{SettingsError, finite_non_negative};

/// How the learning rate changes with the epoch (counted from 0).
///
/// ```
/// use stacknet::optim::Schedule;
/// let step = Schedule::StepDecay { gamma: 0.5, every: 10 };
/// assert_eq!(step.rate(0.1, 9), 0.1);
/// assert_eq!(step.rate(0.1, 25), 0.025);
/// let inverse = Schedule::InverseScaling { power: 0.5 };
/// assert_eq!(inverse.rate(0.1, 3), 0.05); // 0.1 / √4
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
}

impl Schedule {
    /// Checks that every rate the schedule can give is finite and `>= 0`
    /// for a finite base rate `>= 0`: `gamma` in `[0, 1]` (a decay, so the
    /// rate never exceeds the base) and `power` finite and `>= 0`.
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
            _ => Ok(()),
        }
    }

    /// The learning rate for `epoch` when the initial rate is `base`. For a
    /// schedule that passes [`check`](Schedule::check), it is in `[0, base]`.
    pub fn rate(&self, base: f32, epoch: u32) -> f32 {
        match *self {
            Schedule::Constant => base,
            Schedule::StepDecay { gamma, every } => {
                base * libm::powf(gamma, (epoch / every.max(1)) as f32)
            }
            Schedule::InverseScaling { power } => {
                base / libm::powf(epoch.saturating_add(1) as f32, power)
            }
        }
    }
}

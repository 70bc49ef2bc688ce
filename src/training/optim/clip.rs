//! Gradient clipping, by global norm or by value, before the optimizer step.
//!
//! [`Clip`] is the setting ([`FitConfig::clip`](crate::training::train::FitConfig::clip),
//! [`Trainer::step_clipped`](crate::training::train::Trainer::step_clipped)).
//! Clipping works on a gradient buffer: the gradient of the mini-batch is
//! clipped in place, then [`Optimizer::step`](super::Optimizer::step) runs,
//! with any optimizer and batch size. So a clipped run takes the batched
//! kernel, at batch 1 too; the fused batch-1 kernel, which keeps no
//! gradient, runs only without clipping. The trainer checks for clipping
//! once per mini-batch, and links no clipping code where the settings are
//! constants without it.
//!
//! Penalties are added after clipping, as PyTorch's optimizers add
//! `weight_decay` to a gradient `clip_grad_norm_` has already scaled.

use super::{NonFiniteStep, SettingsError};
use crate::model::params::Params;
use crate::num::Scalar;

/// How gradients are clipped before the optimizer step, with PyTorch's
/// semantics.
///
/// ```
/// use stacknet::optim::{Clip, SettingsError};
/// assert_eq!(Clip::Norm(1.0).check(), Ok(()));
/// assert_eq!(Clip::Value(-1.0).check(), Err(SettingsError::ClipValue));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Clip {
    /// `clip_grad_norm_`: when the global L2 norm `‖g‖` of the whole
    /// gradient exceeds `max`, every gradient is multiplied by
    /// `max / (‖g‖ + 1e-6)`.
    Norm(f32),
    /// `clip_grad_value_`: every gradient is clamped to `[-max, max]`.
    Value(f32),
}

impl Clip {
    /// The limit must be finite and `> 0` (a limit of 0 would train
    /// nothing): [`SettingsError::ClipNorm`] or [`SettingsError::ClipValue`].
    pub fn check(&self) -> Result<(), SettingsError> {
        match *self {
            Clip::Norm(max) if !positive(max) => Err(SettingsError::ClipNorm),
            Clip::Value(max) if !positive(max) => Err(SettingsError::ClipValue),
            _ => Ok(()),
        }
    }

    /// [`check`](Clip::check), then the limit in `S`, which must not round
    /// to 0 (a fixed-point limit below its resolution).
    pub(crate) fn checked<S: Scalar>(&self) -> Result<Clipping<S>, SettingsError> {
        self.check()?;
        let (max, error, by_norm) = match *self {
            Clip::Norm(max) => (max, SettingsError::ClipNorm, true),
            Clip::Value(max) => (max, SettingsError::ClipValue, false),
        };
        let max = S::from_f32(max);
        if max > S::ZERO && max.is_finite() {
            Ok(Clipping { max, by_norm })
        } else {
            Err(error)
        }
    }
}

fn positive(x: f32) -> bool {
    x.is_finite() && x > 0.0
}

/// PyTorch's `clip_grad_norm_` factor for a gradient of norm² `norm2`:
/// `max / (‖g‖ + 1e-6)` when `‖g‖ > max`, otherwise 1. A norm that
/// overflowed (a saturated fixed-point norm², beyond `√32768 ≈ 181` in
/// Q16.16) is refused: the factor cannot be known.
#[inline]
fn norm_scale<S: Scalar>(norm2: S, max: S) -> Result<S, NonFiniteStep> {
    if !norm2.is_finite() {
        return Err(NonFiniteStep);
    }
    let norm = norm2.sqrt();
    Ok(if norm > max {
        max / (norm + S::from_f64(1e-6))
    } else {
        S::ONE
    })
}

/// A checked [`Clip`] in the number type of the step: by global norm
/// (`by_norm`) or by value, to `max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Clipping<S> {
    pub(crate) max: S,
    pub(crate) by_norm: bool,
}

impl<S: Scalar> Clipping<S> {
    /// Clips the gradient `grads` in place. By norm: `‖g‖²` summed block by
    /// block in parameter order, then one scale (a non-finite norm is
    /// refused). By value: each gradient clamped.
    pub(crate) fn clip_buffer<P: Params<S>>(self, grads: &mut P) -> Result<(), NonFiniteStep> {
        let max = self.max;
        if !self.by_norm {
            grads.for_each_block_mut(|block| {
                for g in block {
                    *g = g.max(-max).min(max);
                }
            });
            return Ok(());
        }
        let mut norm2 = S::ZERO;
        grads.for_each_block(|block| {
            for &g in block {
                norm2 += g * g;
            }
        });
        let scale = norm_scale(norm2, max)?;
        if scale != S::ONE {
            grads.for_each_block_mut(|block| block.iter_mut().for_each(|g| *g *= scale));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layers::Dense;

    #[test]
    fn bad_limits_are_refused_with_their_own_error() {
        for bad in [-1.0, 0.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            assert_eq!(Clip::Norm(bad).check(), Err(SettingsError::ClipNorm));
            assert_eq!(Clip::Value(bad).check(), Err(SettingsError::ClipValue));
        }
        // a positive limit below Q16.16's resolution rounds to 0
        let tiny = Clip::Norm(1e-6).checked::<crate::num::Q16_16>();
        assert_eq!(tiny, Err(SettingsError::ClipNorm));
        assert_eq!(
            Clip::Value(0.5).checked::<f32>(),
            Ok(Clipping {
                max: 0.5,
                by_norm: false
            })
        );
    }

    /// ‖(3, 4, 12)‖ = 13 > 6.5: every value times 6.5 / (13 + 1e-6).
    #[test]
    fn a_buffer_over_the_norm_is_scaled_by_max_over_norm() {
        let mut g = Dense::<2, 1, f64>::new([[3.0, 4.0]], [12.0]);
        Clipping {
            max: 6.5,
            by_norm: true,
        }
        .clip_buffer(&mut g)
        .unwrap();
        let scale = 6.5 / (13.0 + 1e-6);
        assert_eq!(g, Dense::new([[3.0 * scale, 4.0 * scale]], [12.0 * scale]));
        // at or under the limit: untouched
        let mut g = Dense::<2, 1, f64>::new([[3.0, 4.0]], [12.0]);
        Clipping {
            max: 13.0,
            by_norm: true,
        }
        .clip_buffer(&mut g)
        .unwrap();
        assert_eq!(g, Dense::new([[3.0, 4.0]], [12.0]));
        let mut huge = Dense::<2, 1, f32>::new([[3e30, 0.0]], [0.0]);
        assert_eq!(
            Clipping {
                max: 1.0,
                by_norm: true
            }
            .clip_buffer(&mut huge),
            Err(NonFiniteStep)
        );
    }

    #[test]
    fn a_buffer_is_clamped_by_value() {
        let mut g = Dense::<2, 1, f32>::new([[-3.0, 0.25]], [2.0]);
        Clipping {
            max: 0.5,
            by_norm: false,
        }
        .clip_buffer(&mut g)
        .unwrap();
        assert_eq!(g, Dense::new([[-0.5, 0.25]], [0.5]));
    }
}

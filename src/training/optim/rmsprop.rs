//! RMSprop: steps scaled by a running mean of squared gradients.

use super::{
    NonFiniteStep, Optimizer, Penalty, Regularise, SettingsError, all_or_nothing, flush_subnormal,
    unit_interval, with_penalty,
};
use crate::model::params::Params;
use crate::num::Float;

/// RMSprop (Hinton's lecture 6e), in PyTorch's form without momentum or
/// centring: `v ← α v + (1 − α) g²`, `θ ← θ − lr · g / (√v + ε)`. The state
/// `v` has the network's own type. Defaults: α = 0.99, ε = 1e-8 (PyTorch's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RmsProp {
    /// α, the decay of the running mean of `g²`.
    pub alpha: f32,
    /// Added to `√v` to avoid division by zero.
    pub epsilon: f32,
    /// Regularisation (added to the gradient).
    pub penalty: Penalty,
}

impl Default for RmsProp {
    fn default() -> Self {
        RmsProp {
            alpha: 0.99,
            epsilon: 1e-8,
            penalty: Penalty::NONE,
        }
    }
}

/// Floating point only: `g²` and `ε` lie below what fixed point resolves.
impl<S: Float, P: Params<S>> Optimizer<P, S> for RmsProp {
    type State = P;

    #[inline]
    fn step(&self, params: &mut P, grads: &P, v: &mut P, lr: S) -> Result<(), NonFiniteStep> {
        let (alpha, epsilon) = (S::from_f32(self.alpha), S::from_f32(self.epsilon));
        let one = S::ONE;
        with_penalty!(&self.penalty, S, P, |regularise| {
            all_or_nothing(|commit| {
                let mut finite = true;
                for k in 0..P::NUM_BLOCKS {
                    let reg = regularise(k);
                    let params = params.block_mut(k).iter_mut().zip(grads.block(k));
                    for ((p, &g), v) in params.zip(v.block_mut(k)) {
                        let g = reg.grad(g, *p);
                        let new_v = flush_subnormal(alpha * *v + (one - alpha) * g * g);
                        let new_p = *p - lr * g / (new_v.sqrt() + epsilon);
                        finite &= new_p.is_finite() & new_v.is_finite();
                        if commit {
                            *p = new_p;
                            *v = new_v;
                        }
                    }
                }
                finite
            })
        })
    }

    /// α in `[0, 1)`, ε finite and `> 0`, then the penalty.
    fn check(&self) -> Result<(), SettingsError> {
        if !unit_interval(self.alpha) {
            Err(SettingsError::Alpha)
        } else if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            Err(SettingsError::Epsilon)
        } else {
            self.penalty.check()
        }
    }
}

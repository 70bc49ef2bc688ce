//! Adam: adaptive moment estimation with bias correction.

use super::{
    NonFiniteStep, Optimizer, Penalty, Regularise, SettingsError, all_or_nothing, flush_subnormal,
    unit_interval, with_penalty,
};
use crate::model::params::{Params, Zero};
use crate::num::Float;

/// Adam (Kingma and Ba, 2015). At step `t` (from 1):
/// `m ← β1 m + (1 − β1) g`, `v ← β2 v + (1 − β2) g²`,
/// `m̂ = m / (1 − β1^t)`, `v̂ = v / (1 − β2^t)`, `θ ← θ − lr · m̂ / (√v̂ + ε)`.
/// Defaults: β1 = 0.9, β2 = 0.999, ε = 1e-8.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adam {
    /// Decay of the first moment.
    pub beta1: f32,
    /// Decay of the second moment.
    pub beta2: f32,
    /// Added to `√v̂` to avoid division by zero.
    pub epsilon: f32,
    /// Regularisation (added to the gradient, as classic L2 in Adam).
    pub penalty: Penalty,
}

impl Default for Adam {
    fn default() -> Self {
        Adam {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            penalty: Penalty::NONE,
        }
    }
}

/// Adam's state: both moment estimates, of the network's own type, and the
/// number of steps taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamState<P> {
    /// First moment estimate `m`.
    pub m: P,
    /// Second moment estimate `v`.
    pub v: P,
    /// Steps taken so far.
    pub t: u32,
}

impl<P: Zero> Zero for AdamState<P> {
    const ZERO: Self = AdamState {
        m: P::ZERO,
        v: P::ZERO,
        t: 0,
    };
}

/// Adam's step; with `DECOUPLED`, AdamW's: each parameter first decays by
/// `lr · decay · θ` (PyTorch's `AdamW`), apart from the gradient.
#[inline]
pub(super) fn adam_step<const DECOUPLED: bool, S: Float, P: Params<S>>(
    adam: &Adam,
    decay: S,
    params: &mut P,
    grads: &P,
    state: &mut AdamState<P>,
    lr: S,
) -> Result<(), NonFiniteStep> {
    let (b1, b2) = (S::from_f32(adam.beta1), S::from_f32(adam.beta2));
    let (one, epsilon) = (S::ONE, S::from_f32(adam.epsilon));
    let t = state.t.saturating_add(1);
    let correction1 = one - b1.powf(S::from_usize(t as usize));
    let correction2 = one - b2.powf(S::from_usize(t as usize));
    with_penalty!(&adam.penalty, S, P, |regularise| {
        all_or_nothing(|commit| {
            let mut finite = true;
            for k in 0..P::NUM_BLOCKS {
                let reg = regularise(k);
                let moments = state.m.block_mut(k).iter_mut().zip(state.v.block_mut(k));
                let params = params.block_mut(k).iter_mut().zip(grads.block(k));
                for ((p, &g), (m, v)) in params.zip(moments) {
                    let g = reg.grad(g, *p);
                    let new_m = flush_subnormal(b1 * *m + (one - b1) * g);
                    let new_v = flush_subnormal(b2 * *v + (one - b2) * g * g);
                    let m_hat = new_m / correction1;
                    let v_hat = new_v / correction2;
                    let decayed = if DECOUPLED { *p - lr * decay * *p } else { *p };
                    let new_p = decayed - lr * m_hat / (v_hat.sqrt() + epsilon);
                    finite &= new_p.is_finite() & new_m.is_finite() & new_v.is_finite();
                    if commit {
                        *p = new_p;
                        *m = new_m;
                        *v = new_v;
                    }
                }
            }
            finite
        })
    })?;
    state.t = t;
    Ok(())
}

/// Floating point only: its second moment `g²` and its `ε` lie far below
/// what a fixed-point type resolves (`1e-8` is 0 in Q16.16).
impl<S: Float, P: Params<S>> Optimizer<P, S> for Adam {
    type State = AdamState<P>;

    #[inline]
    fn step(
        &self,
        params: &mut P,
        grads: &P,
        state: &mut AdamState<P>,
        lr: S,
    ) -> Result<(), NonFiniteStep> {
        adam_step::<false, S, P>(self, S::ZERO, params, grads, state, lr)
    }

    /// β1 and β2 in `[0, 1)`, ε finite and `> 0`, then the penalty.
    fn check(&self) -> Result<(), SettingsError> {
        if !unit_interval(self.beta1) {
            Err(SettingsError::Beta1)
        } else if !unit_interval(self.beta2) {
            Err(SettingsError::Beta2)
        } else if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            Err(SettingsError::Epsilon)
        } else {
            self.penalty.check()
        }
    }
}

//! Gradient descent with momentum, optionally Nesterov's.

use super::{
    NonFiniteStep, Optimizer, Penalty, PenaltySetting, Regularise, SettingsError, StepBounds,
    all_or_nothing, flush_subnormal, fused_delta, magnitude, unit_interval, with_penalty,
    with_scaled_penalty,
};
use crate::model::fused::{Update, WithRule};
use crate::model::params::Params;
use crate::num::Scalar;

/// Momentum in scikit-learn's form (its `sgd` solver):
/// `v ← μ v − lr · g`, then `θ ← θ + v`, or with Nesterov
/// `θ ← θ + μ v − lr · g`. The state is the velocity `v`, of the network's
/// own type. Defaults: μ = 0.9, Nesterov on (scikit-learn's defaults).
pub type Momentum = MomentumWith<Penalty>;

/// [`Momentum`] with its penalty setting as a type parameter:
/// `MomentumWith<NoPenalty>` (see [`NoPenalty`](super::NoPenalty)) links no
/// penalty code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MomentumWith<Pen = Penalty> {
    /// μ, the fraction of the velocity kept each step.
    pub momentum: f32,
    /// Use Nesterov's look-ahead form.
    pub nesterov: bool,
    /// Regularisation.
    pub penalty: Pen,
}

impl<Pen: PenaltySetting> Default for MomentumWith<Pen> {
    fn default() -> Self {
        MomentumWith {
            momentum: 0.9,
            nesterov: true,
            penalty: Pen::default(),
        }
    }
}

impl<Pen: PenaltySetting> MomentumWith<Pen> {
    /// One pass over the parameters and velocities: without `COMMIT`,
    /// whether every new value is finite; with it, the values written (and
    /// `true`: the callers have checked or proved them). The write pass is
    /// out of line, so that the checked and the proven step share one copy.
    #[inline(never)]
    fn pass<const COMMIT: bool, S: Scalar, P: Params<S>>(
        &self,
        params: &mut P,
        grads: &P,
        velocity: &mut P,
        lr: S,
    ) -> bool {
        let mu = S::from_f32(self.momentum);
        let look_ahead = self.look_ahead();
        with_penalty!(&self.penalty, S, P, |regularise| {
            let mut finite = true;
            for k in 0..P::NUM_BLOCKS {
                let reg = regularise(k);
                let blocks = (params.block_mut(k), velocity.block_mut(k), grads.block(k));
                finite &= update::<COMMIT, _, _>(blocks, reg, lr, mu, look_ahead);
            }
            finite
        })
    }
}

impl<S: Scalar, P: Params<S>, Pen: PenaltySetting> Optimizer<P, S> for MomentumWith<Pen> {
    type State = P;

    #[inline]
    fn step(
        &self,
        params: &mut P,
        grads: &P,
        velocity: &mut P,
        lr: S,
    ) -> Result<(), NonFiniteStep> {
        all_or_nothing(|commit| {
            if commit {
                self.pass::<true, S, P>(params, grads, velocity, lr)
            } else {
                self.pass::<false, S, P>(params, grads, velocity, lr)
            }
        })
    }

    #[inline]
    fn proven_step(&self, params: &mut P, grads: &P, velocity: &mut P, lr: S) {
        self.pass::<true, S, P>(params, grads, velocity, lr);
    }

    /// μ in `[0, 1)`, then the penalty.
    fn check(&self) -> Result<(), SettingsError> {
        if !unit_interval(self.momentum) {
            return Err(SettingsError::Momentum);
        }
        self.penalty.check()
    }

    const FUSED: bool = true;

    /// `|v′| ≤ μ·V + Δ` and `|θ′| ≤ P + a·|v′| + b·Δ`.
    #[inline(always)]
    fn fused_bounds(&self, bounds: StepBounds<S>, lr: S, size: S) -> StepBounds<S> {
        let delta = fused_delta(&self.penalty, lr, size, bounds.params);
        let (a, b): (S, S) = self.look_ahead();
        let state = S::from_f32(self.momentum).abs() * bounds.state + delta;
        StepBounds {
            params: bounds.params + (a.abs() * state + b * delta),
            state,
        }
    }

    #[inline(always)]
    fn with_fused_rule<W: WithRule<P, S>>(
        &self,
        lr: S,
        velocity: &mut P,
        _: &mut P,
        work: W,
    ) -> Option<W::Output> {
        let (mu, look_ahead) = (S::from_f32(self.momentum), self.look_ahead());
        Some(with_scaled_penalty!(
            &self.penalty,
            lr,
            |weights, biases| {
                let rule = MomentumRule {
                    mu,
                    look_ahead,
                    weights,
                    biases,
                };
                work.run(rule, velocity)
            }
        ))
    }

    fn state_magnitude(velocity: &P) -> S {
        magnitude(velocity)
    }
}

impl<Pen> MomentumWith<Pen> {
    /// θ ← θ + a·v − b·step: Nesterov's (a, b) = (μ, 1), plain (1, 0), so
    /// the loops have no branch on it.
    #[inline(always)]
    fn look_ahead<S: Scalar>(&self) -> (S, S) {
        if self.nesterov {
            (S::from_f32(self.momentum), S::ONE)
        } else {
            (S::ONE, S::ZERO)
        }
    }
}

/// The fused momentum rule, the same update as [`Momentum`]'s `step` with
/// `step = d + lr · penalty′(θ)`.
#[derive(Clone, Copy)]
struct MomentumRule<S, R> {
    mu: S,
    look_ahead: (S, S),
    weights: R,
    biases: R,
}

impl<S: Scalar, R: Regularise<S>> MomentumRule<S, R> {
    #[inline(always)]
    fn apply(self, theta: &mut S, v: &mut S, step: S) {
        let (a, b) = self.look_ahead;
        let new_v = flush_subnormal(self.mu * *v - step);
        *theta = *theta + a * new_v - b * step;
        *v = new_v;
    }
}

impl<S: Scalar, R: Regularise<S>> Update<S> for MomentumRule<S, R> {
    #[inline(always)]
    fn weight(self, theta: &mut S, v: &mut S, d: S) {
        self.apply(theta, v, self.weights.grad(d, *theta));
    }

    #[inline(always)]
    fn bias(self, theta: &mut S, v: &mut S, d: S) {
        self.apply(theta, v, self.biases.grad(d, *theta));
    }
}

/// One block of the update. `COMMIT` is a constant, so the checking pass
/// and the writing pass each compile to a loop with no branch in it.
#[inline(always)]
fn update<const COMMIT: bool, S: Scalar, R: Regularise<S>>(
    (params, velocity, grads): (&mut [S], &mut [S], &[S]),
    reg: R,
    lr: S,
    mu: S,
    (a, b): (S, S),
) -> bool {
    let mut finite = true;
    for ((p, v), &g) in params.iter_mut().zip(velocity).zip(grads) {
        let step = lr * reg.grad(g, *p);
        let new_v = flush_subnormal(mu * *v - step);
        let new_p = *p + a * new_v - b * step;
        if COMMIT {
            *p = new_p;
            *v = new_v;
        } else {
            finite &= new_p.is_finite() & new_v.is_finite();
        }
    }
    finite
}

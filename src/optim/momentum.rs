//! Gradient descent with momentum, optionally Nesterov's.

use super::{
    NonFiniteStep, Optimizer, Penalty, Regularise, all_or_nothing, flush_subnormal, with_penalty,
};
use crate::Params;

/// Momentum in scikit-learn's form (its `sgd` solver):
/// `v ← μ v − lr · g`, then `θ ← θ + v`, or with Nesterov
/// `θ ← θ + μ v − lr · g`. The state is the velocity `v`, of the network's
/// own type. Defaults: μ = 0.9, Nesterov on (scikit-learn's defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Momentum {
    /// μ, the fraction of the velocity kept each step.
    pub momentum: f32,
    /// Use Nesterov's look-ahead form.
    pub nesterov: bool,
    /// Regularisation.
    pub penalty: Penalty,
}

impl Default for Momentum {
    fn default() -> Self {
        Momentum {
            momentum: 0.9,
            nesterov: true,
            penalty: Penalty::NONE,
        }
    }
}

impl<P: Params> Optimizer<P> for Momentum {
    type State = P;

    #[inline]
    fn step(
        &self,
        params: &mut P,
        grads: &P,
        velocity: &mut P,
        lr: f32,
    ) -> Result<(), NonFiniteStep> {
        let mu = self.momentum;
        // θ ← θ + a·v − b·step: Nesterov's (a, b) = (μ, 1), plain (1, 0), so
        // the loop has no branch on it
        let look_ahead = if self.nesterov { (mu, 1.0) } else { (1.0, 0.0) };
        with_penalty!(&self.penalty, P, |regularise| {
            all_or_nothing(|commit| {
                let mut finite = true;
                for k in 0..P::NUM_BLOCKS {
                    let reg = regularise(k);
                    let blocks = (params.block_mut(k), velocity.block_mut(k), grads.block(k));
                    finite &= if commit {
                        update::<true, _>(blocks, reg, lr, mu, look_ahead)
                    } else {
                        update::<false, _>(blocks, reg, lr, mu, look_ahead)
                    };
                }
                finite
            })
        })
    }
}

/// One block of the update. `COMMIT` is a constant, so the checking pass
/// and the writing pass each compile to a loop with no branch in it.
#[inline(always)]
fn update<const COMMIT: bool, R: Regularise>(
    (params, velocity, grads): (&mut [f32], &mut [f32], &[f32]),
    reg: R,
    lr: f32,
    mu: f32,
    (a, b): (f32, f32),
) -> bool {
    let mut finite = true;
    for ((p, v), &g) in params.iter_mut().zip(velocity).zip(grads) {
        let step = lr * reg.grad(g, *p);
        let new_v = flush_subnormal(mu * *v - step);
        let new_p = *p + a * new_v - b * step;
        finite &= new_p.is_finite() & new_v.is_finite();
        if COMMIT {
            *p = new_p;
            *v = new_v;
        }
    }
    finite
}

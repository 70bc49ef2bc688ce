//! Gradient descent with momentum, optionally Nesterov's.

use super::{NonFiniteStep, Optimizer, Penalty, Regularise, all_or_nothing, with_penalty};
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
        with_penalty!(&self.penalty, P, |regularise| {
            all_or_nothing(|commit| {
                let mut finite = true;
                for k in 0..P::NUM_BLOCKS {
                    let reg = regularise(k);
                    let pairs = params.block_mut(k).iter_mut().zip(velocity.block_mut(k));
                    for ((p, v), &g) in pairs.zip(grads.block(k)) {
                        let step = lr * reg.grad(g, *p);
                        let new_v = mu * *v - step;
                        let new_p = if self.nesterov {
                            *p + mu * new_v - step
                        } else {
                            *p + new_v
                        };
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
}

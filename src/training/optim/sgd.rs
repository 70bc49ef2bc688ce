//! Plain (stochastic) gradient descent.

use super::{
    NonFiniteStep, Optimizer, Penalty, PenaltySetting, Regularise, SettingsError, StepBounds,
    all_or_nothing, fused_delta, with_penalty, with_scaled_penalty,
};
use crate::model::fused::{Update, WithRule};
use crate::model::params::Params;
use crate::num::Scalar;

/// `θ ← θ − lr · (g + penalty'(θ))`.
///
/// ```
/// use stacknet::optim::{Optimizer, Sgd};
/// use stacknet::Dense;
/// let mut layer = Dense::from_arrays([[1.0]], [0.5]);
/// let grads = Dense::from_arrays([[2.0]], [-1.0]);
/// Sgd::default().step(&mut layer, &grads, &mut (), 0.1).unwrap();
/// assert_eq!(layer, Dense::from_arrays([[0.8]], [0.6]));
/// ```
pub type Sgd = SgdWith<Penalty>;

/// [`Sgd`] with its penalty setting as a type parameter:
/// `SgdWith<NoPenalty>` (see [`NoPenalty`](super::NoPenalty)) links no
/// penalty code.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SgdWith<Pen = Penalty> {
    /// Regularisation.
    pub penalty: Pen,
}

impl<Pen: PenaltySetting> SgdWith<Pen> {
    /// One pass over the parameters: without `COMMIT`, whether every new
    /// value is finite; with it, the values written (and `true`: the
    /// callers have checked or proved them, so it tracks nothing). The
    /// write pass is out of line, so that the checked and the proven step
    /// share one copy.
    #[inline(never)]
    fn pass<const COMMIT: bool, S: Scalar, P: Params<S>>(
        &self,
        params: &mut P,
        grads: &P,
        lr: S,
    ) -> bool {
        with_penalty!(&self.penalty, S, P, |regularise| {
            let mut finite = true;
            for k in 0..P::NUM_BLOCKS {
                let reg = regularise(k);
                for (p, &g) in params.block_mut(k).iter_mut().zip(grads.block(k)) {
                    let new = *p - lr * reg.grad(g, *p);
                    if COMMIT {
                        *p = new;
                    } else {
                        finite &= new.is_finite();
                    }
                }
            }
            finite
        })
    }
}

impl<S: Scalar, P: Params<S>, Pen: PenaltySetting> Optimizer<P, S> for SgdWith<Pen> {
    type State = ();

    #[inline]
    fn step(&self, params: &mut P, grads: &P, _: &mut (), lr: S) -> Result<(), NonFiniteStep> {
        all_or_nothing(|commit| {
            if commit {
                self.pass::<true, S, P>(params, grads, lr)
            } else {
                self.pass::<false, S, P>(params, grads, lr)
            }
        })
    }

    #[inline]
    fn proven_step(&self, params: &mut P, grads: &P, _: &mut (), lr: S) {
        self.pass::<true, S, P>(params, grads, lr);
    }

    fn check(&self) -> Result<(), SettingsError> {
        self.penalty.check()
    }

    const FUSED: bool = true;

    #[inline(always)]
    fn fused_bounds(&self, bounds: StepBounds<S>, lr: S, size: S) -> StepBounds<S> {
        StepBounds {
            params: bounds.params + fused_delta(&self.penalty, lr, size, bounds.params),
            state: S::ZERO,
        }
    }

    #[inline(always)]
    fn with_fused_rule<W: WithRule<P, S>>(
        &self,
        lr: S,
        _: &mut (),
        spare: &mut P,
        work: W,
    ) -> Option<W::Output> {
        let penalty = &self.penalty;
        let result = with_scaled_penalty!(penalty, lr, |weights, biases| {
            let rule = SgdRule { weights, biases };
            work.run(rule, spare)
        });
        Some(result)
    }
}

/// The fused SGD rule: `θ ← θ − (d + lr · penalty′(θ))`.
#[derive(Clone, Copy)]
struct SgdRule<R> {
    weights: R,
    biases: R,
}

impl<S: Scalar, R: Regularise<S>> Update<S> for SgdRule<R> {
    #[inline(always)]
    fn weight(self, theta: &mut S, _: &mut S, d: S) {
        *theta -= self.weights.grad(d, *theta);
    }

    #[inline(always)]
    fn bias(self, theta: &mut S, _: &mut S, d: S) {
        *theta -= self.biases.grad(d, *theta);
    }
}

//! Plain (stochastic) gradient descent.

use super::{NonFiniteStep, Optimizer, Penalty, Regularise, all_or_nothing, with_penalty};
use crate::Params;

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
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sgd {
    /// Regularisation.
    pub penalty: Penalty,
}

impl<P: Params> Optimizer<P> for Sgd {
    type State = ();

    #[inline]
    fn step(&self, params: &mut P, grads: &P, _: &mut (), lr: f32) -> Result<(), NonFiniteStep> {
        with_penalty!(&self.penalty, P, |regularise| {
            all_or_nothing(|commit| {
                let mut finite = true;
                for k in 0..P::NUM_BLOCKS {
                    let reg = regularise(k);
                    for (p, &g) in params.block_mut(k).iter_mut().zip(grads.block(k)) {
                        let new = *p - lr * reg.grad(g, *p);
                        finite &= new.is_finite();
                        if commit {
                            *p = new;
                        }
                    }
                }
                finite
            })
        })
    }
}

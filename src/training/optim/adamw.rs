//! AdamW: Adam with decoupled weight decay.

use super::adam::adam_step;
use super::{Adam, AdamState, NonFiniteStep, Optimizer, SettingsError, finite_non_negative};
use crate::model::params::Params;
use crate::num::Float;

/// AdamW (Loshchilov and Hutter, 2019), in PyTorch's form: each step first
/// decays every parameter, `θ ← θ − lr · λ · θ`, then takes Adam's step on
/// the gradient ([`Adam`]'s equations, with its `penalty` if any). Unlike an
/// L2 penalty, the decay does not pass through the moment estimates, so it
/// is not scaled down where gradients are large. Biases decay too, as in
/// PyTorch with one parameter group. Defaults: Adam's, λ = 0.01.
///
/// ```
/// use stacknet::optim::{AdamW, Optimizer};
/// use stacknet::{Dense, Zero};
/// let mut layer = Dense::<1, 1, f64>::new([[2.0]], [0.0]);
/// let mut state = Zero::ZERO;
/// // no gradient: only the decay moves the weight, 2 − 0.1 · 0.5 · 2
/// let adamw = AdamW { weight_decay: 0.5, ..AdamW::default() };
/// adamw.step(&mut layer, &Dense::ZERO, &mut state, 0.1).unwrap();
/// assert_eq!(layer.weights, [[2.0 - 0.1 * 0.5 * 2.0]]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamW {
    /// Adam's settings.
    pub adam: Adam,
    /// λ, the decoupled weight decay.
    pub weight_decay: f32,
}

impl Default for AdamW {
    fn default() -> Self {
        AdamW {
            adam: Adam::default(),
            weight_decay: 0.01,
        }
    }
}

/// Floating point only, as [`Adam`].
impl<S: Float, P: Params<S>> Optimizer<P, S> for AdamW {
    type State = AdamState<P>;

    #[inline]
    fn step(
        &self,
        params: &mut P,
        grads: &P,
        state: &mut AdamState<P>,
        lr: S,
    ) -> Result<(), NonFiniteStep> {
        let decay = S::from_f32(self.weight_decay);
        adam_step::<true, S, P>(&self.adam, decay, params, grads, state, lr)
    }

    /// Adam's checks, then λ finite and `>= 0`.
    fn check(&self) -> Result<(), SettingsError> {
        <Adam as Optimizer<P, S>>::check(&self.adam)?;
        if finite_non_negative(self.weight_decay) {
            Ok(())
        } else {
            Err(SettingsError::WeightDecay)
        }
    }
}

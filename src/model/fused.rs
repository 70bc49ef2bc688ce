//! Batch-1 training with no gradient buffer: back-propagation, then the
//! update folded into one write pass over the parameters.
//!
//! Training one sample at a time through [`Layer`] walks the parameters four
//! times: clear the gradient, back-propagate into it, check it, then step.
//! [`FusedStep`] needs two sweeps over the layers and writes each parameter
//! once:
//!
//! 1. [`backward_pending`](FusedStep::backward_pending) back-propagates with
//!    the current weights and keeps, for every layer with parameters, its
//!    output gradient (a few numbers per layer, never a parameter-sized
//!    gradient). On the way it sums `‖g‖² + ‖x‖² + 1` per layer, which bounds
//!    every parameter gradient `g_o · x_i` (and `g_o` for a bias) by
//!    ½(‖g‖² + ‖x‖² + 1): that one number lets the trainer decide before
//!    anything is written whether the step can make any value non-finite.
//! 2. [`apply_pending`](FusedStep::apply_pending) computes each parameter's
//!    gradient from the kept output gradient and the cached input and hands
//!    `lr · ∂θ` to an [`Update`] rule (plain SGD, momentum, with or without a
//!    penalty), which writes the parameter and its optimizer slot.
//!
//! [`Trainer`](crate::training::train::Trainer) runs this path for batch-1 training
//! with [`Sgd`](crate::training::optim::Sgd) and [`Momentum`](crate::training::optim::Momentum).
//! [`backward_sgd`](FusedStep::backward_sgd) is the bare kernel: plain SGD,
//! no check.
//!
//! ```
//! use stacknet::fused::FusedStep;
//! use stacknet::prelude::*;
//!
//! type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
//! let mut net = Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(0));
//! let mut cache = <Net as Layer>::Cache::ZERO;
//!
//! let y = net.forward_train(&[0.5, -1.0], &mut cache);
//! net.backward_sgd(&cache, &[y[0] - 2.0], 0.01); // ∂(½(y − t)²)/∂y, t = 2
//! ```
//!
//! ## Bits
//!
//! The update writes `θ − (lr · g_o) · x_i`, with the learning rate applied
//! once per output rather than once per parameter, so its bits can differ in
//! the last place from `grads.fill(0.0)`, [`backward`](Layer::backward) and
//! [`sgd_step`](crate::model::params::Params::sgd_step), which compute `θ − lr · (g_o · x_i)`.
//! Every target runs the same operations in the same order, so host,
//! Cortex-M4F and Cortex-M0 agree bit for bit.

use crate::model::layer::Layer;
use crate::model::params::Zero;
use crate::num::Scalar;

/// How one parameter moves, given `d = lr · ∂loss/∂θ` for this sample.
///
/// `slot` is the parameter's optimizer state (a velocity for momentum);
/// rules without state leave it alone, and the compiler then drops it.
pub trait Update<S: Scalar = f32>: Copy {
    /// Updates a weight.
    fn weight(self, theta: &mut S, slot: &mut S, d: S);
    /// Updates a bias (penalties leave biases alone unless asked not to).
    fn bias(self, theta: &mut S, slot: &mut S, d: S);
}

/// Plain SGD with no penalty: `θ ← θ − d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlainSgd;

impl<S: Scalar> Update<S> for PlainSgd {
    #[inline(always)]
    fn weight(self, theta: &mut S, _: &mut S, d: S) {
        *theta -= d;
    }

    #[inline(always)]
    fn bias(self, theta: &mut S, _: &mut S, d: S) {
        *theta -= d;
    }
}

/// Work that runs with an update rule an optimizer picks at run time (say,
/// with or without a penalty): the optimizer calls [`run`](WithRule::run)
/// once with its rule and the slots the rule updates, so each rule gets its
/// own copy of the whole sample's code, with no branch inside it.
pub trait WithRule<P, S: Scalar = f32> {
    /// What the work returns.
    type Output;
    /// Runs the work with `rule`, whose per-parameter state is `slots`.
    fn run<U: Update<S>>(self, rule: U, slots: &mut P) -> Self::Output;
}

/// Back-propagation and an update with no gradient buffer, in two sweeps.
///
/// Every layer of the crate implements it, in its own file, beside its
/// forward and backward passes; tuples of such layers implement it too.
pub trait FusedStep<S: Scalar = f32>: Layer<S> {
    /// What the update sweep needs from the backward sweep: the output
    /// gradient of a layer with parameters, `()` for the others.
    type Pending: Copy + Zero;

    /// Sweep 1: back-propagates `grad_output` with the current parameters,
    /// keeps in `pending` what [`apply_pending`](FusedStep::apply_pending)
    /// needs, adds [`Scalar::gradient_size`] (`‖g‖² + ‖x‖²` for floats) of
    /// every layer with parameters to `size`, and returns ∂loss/∂input, as
    /// [`Layer::backward`] does. A step starts `size` at 1 (the biases'
    /// share), so half of it bounds every parameter gradient.
    fn backward_pending(
        &self,
        cache: &Self::Cache,
        grad_output: &Self::Output,
        pending: &mut Self::Pending,
        size: &mut S,
    ) -> Self::Input;

    /// Sweep 2: hands `lr · ∂θ` of every parameter, computed from `cache` and
    /// `pending`, to `rule`, with the parameter's slot in `slots` (a value of
    /// the network's own type, such as a momentum velocity).
    fn apply_pending<U: Update<S>>(
        &mut self,
        cache: &Self::Cache,
        pending: &Self::Pending,
        lr: S,
        slots: &mut Self,
        rule: U,
    );

    /// Both sweeps with plain SGD, `θ ← θ − lr · ∂θ`, and no check for
    /// non-finite values (the trainer checks); returns ∂loss/∂input,
    /// computed with the parameters before the step.
    #[inline(always)]
    fn backward_sgd(
        &mut self,
        cache: &Self::Cache,
        grad_output: &Self::Output,
        lr: S,
    ) -> Self::Input {
        let mut pending = Self::Pending::ZERO;
        let mut size = S::ZERO;
        let dx = self.backward_pending(cache, grad_output, &mut pending, &mut size);
        let mut no_slots = Self::ZERO;
        self.apply_pending(cache, &pending, lr, &mut no_slots, PlainSgd);
        dx
    }
}

/// The name of [`FusedStep`] before it learned momentum.
pub use FusedStep as SgdStep;

/// `FusedStep` for a layer without parameters: its plain backward, no update.
macro_rules! no_params_fused {
    ($layer:ident) => {
        impl<S: $crate::num::Scalar, const N: usize> $crate::model::fused::FusedStep<S>
            for $layer<N>
        {
            type Pending = ();

            #[inline(always)]
            fn backward_pending(
                &self,
                cache: &Self::Cache,
                g: &[S; N],
                _: &mut (),
                _: &mut S,
            ) -> [S; N] {
                let mut no_params = <Self as $crate::model::params::Zero>::ZERO;
                <Self as $crate::model::layer::Layer<S>>::backward(self, cache, g, &mut no_params)
            }

            #[inline(always)]
            fn apply_pending<U: $crate::model::fused::Update<S>>(
                &mut self,
                _: &Self::Cache,
                _: &(),
                _: S,
                _: &mut Self,
                _: U,
            ) {
            }
        }
    };
}
pub(crate) use no_params_fused;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::init::{Init, uniform01};
    use crate::model::layers::{Dense, Identity, LeakyRelu, Relu, Sigmoid, Softmax, Tanh};
    use crate::model::params::Params;
    use crate::num::{Convert, ConvertTo, Scalar};
    use rand_core::SeedableRng;
    use rand_xorshift::XorShiftRng;

    type Mlp = MlpIn<f32>;
    type MlpIn<S> = (
        Dense<2, 4, S>,
        Relu<4>,
        Dense<4, 3, S>,
        Relu<3>,
        Dense<3, 1, S>,
    );
    type Mixed = (
        Dense<3, 5>,
        LeakyRelu<5>,
        Dense<5, 6>,
        Sigmoid<6>,
        Dense<6, 4>,
        Tanh<4>,
        Dense<4, 3>,
        Identity<3>,
        Dense<3, 3>,
        Softmax<3>,
    );

    fn flat<P: Params>(p: &P) -> [f32; 256] {
        let mut out = [0.0; 256];
        p.copy_to_slice(&mut out[..P::NUM_PARAMS]).unwrap();
        out
    }

    /// Many fused steps against the plain path from the same start on the
    /// same samples: the same input gradients bit for bit (both use the
    /// weights before the step) and the same parameters to rounding (the learning rate is applied once per output
    /// instead of once per parameter).
    fn check<L, const I: usize, const O: usize>(seed: u64)
    where
        L: FusedStep<Input = [f32; I], Output = [f32; O]> + Copy,
    {
        let mut rng = XorShiftRng::seed_from_u64(seed);
        let mut plain = L::random(Init::XavierUniform, &mut rng);
        let mut fused = plain;
        let (mut cache, mut grads) = (L::Cache::ZERO, L::ZERO);
        for step in 0..200 {
            let x: [f32; I] = core::array::from_fn(|_| 4.0 * uniform01(&mut rng) - 2.0);
            let g: [f32; O] = core::array::from_fn(|_| 2.0 * uniform01(&mut rng) - 1.0);
            // both from the same weights, so only this step's rounding differs
            plain = fused;
            plain.forward_train(&x, &mut cache);
            grads.fill(0.0);
            let dx_plain = plain.backward(&cache, &g, &mut grads);
            plain.sgd_step(&grads, 0.05);

            fused.forward_train(&x, &mut cache);
            let dx_fused = fused.backward_sgd(&cache, &g, 0.05);
            assert_eq!(
                dx_plain.map(f32::to_bits),
                dx_fused.map(f32::to_bits),
                "step {step}"
            );
            for (a, b) in flat(&plain).iter().zip(&flat(&fused)) {
                assert!(
                    (a - b).abs() <= 1e-6 * (1.0 + a.abs()),
                    "step {step}: {a} {b}"
                );
            }
        }
    }

    #[test]
    fn fused_step_matches_backward_then_sgd() {
        for seed in 0..10 {
            check::<Mlp, 2, 1>(seed);
            check::<Mixed, 3, 3>(seed);
            check::<Dense<3, 2>, 3, 2>(seed);
            check::<(Dense<1, 1>,), 1, 1>(seed);
        }
    }

    /// Half the reported size bounds every parameter gradient, in each
    /// number type (each has its own [`Scalar::gradient_size`]).
    fn size_bounds_every_parameter_gradient_in<S: Scalar>()
    where
        Mlp: ConvertTo<S, Output = MlpIn<S>>,
    {
        let mut rng = XorShiftRng::seed_from_u64(5);
        for _ in 0..200 {
            let net = Mlp::random(Init::XavierUniform, &mut rng)
                .convert::<S>()
                .net;
            let x: [S; 2] = core::array::from_fn(|_| S::from_f32(6.0 * uniform01(&mut rng) - 3.0));
            let g = [S::from_f32(4.0 * uniform01(&mut rng) - 2.0)];
            let mut cache = <MlpIn<S> as Layer<S>>::Cache::ZERO;
            net.forward_train(&x, &mut cache);
            let mut pending = <MlpIn<S> as FusedStep<S>>::Pending::ZERO;
            // as the step starts it
            let mut size = S::ONE;
            net.backward_pending(&cache, &g, &mut pending, &mut size);
            let mut grads = MlpIn::<S>::ZERO;
            net.backward(&cache, &g, &mut grads);
            let mut largest = S::ZERO;
            grads.for_each_block(|block| {
                largest = block.iter().fold(largest, |m, v| m.max(v.abs()));
            });
            assert!(size.is_finite());
            assert!(largest + largest <= size, "{largest:?} > ½ · {size:?}");
        }
    }

    #[test]
    fn size_bounds_every_parameter_gradient() {
        size_bounds_every_parameter_gradient_in::<f32>();
        size_bounds_every_parameter_gradient_in::<f64>();
        size_bounds_every_parameter_gradient_in::<crate::num::Q16_16>();
    }

    #[test]
    fn a_saturated_gradient_gives_a_size_that_is_not_finite() {
        use crate::num::Q16_16;
        let x = [Q16_16::ONE, Q16_16::SATURATED];
        assert!(!Q16_16::gradient_size(&[Q16_16::ONE], &x).is_finite());
        assert!(!Q16_16::gradient_size(&[Q16_16::NEG_SATURATED], &[Q16_16::ONE]).is_finite());
        assert!(!f32::gradient_size(&[f32::NAN], &[1.0]).is_finite());
        // 2 · 3 · max(1, 0.5) + one step
        let (g, x) = ([Q16_16::from_f32(-3.0)], [Q16_16::from_f32(0.5)]);
        assert_eq!(Q16_16::gradient_size(&g, &x), Q16_16::from_raw(6 << 16 | 1));
        assert_eq!(f32::gradient_size(&[-3.0], &[0.5]), 9.0 + 0.25);
    }
}

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
//!    gradient). On the way it gathers a [`GradientBound`]: one number, at
//!    least twice every parameter gradient `g_o · x_i` (and `g_o` for a
//!    bias), that lets the trainer decide before anything is written whether
//!    the step can make any value non-finite.
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
use crate::num::{ONE_VALUE_AT_A_TIME, Scalar};

/// What the backward sweep gathers to bound the step's parameter gradients:
/// [`value`](GradientBound::value) is at least `2·|g_o · x_i|` for every
/// weight and `2·|g_o|` for every bias, and not finite when any value is not.
///
/// Where values go one at a time (Cortex-M), it is the exact bound: 1 plus
/// every layer's [`Scalar::gradient_size`], one multiply-add per value.
/// Elsewhere the serial chain of those additions delays the step more than
/// its work does, so the sweep only checks that every value is at most
/// [`Scalar::QUICK_GRADIENT`] `q` in magnitude, and the bound is
/// `1 + n · q²` for its `n` values: looser, but known at once. When a value
/// is larger (or not finite), or the quick bound is too loose for the
/// step, the trainer falls back to the exact bound
/// ([`FusedStep::add_gradient_sizes`]) and refuses a step only on that, so
/// every target accepts and refuses the same steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientBound<S> {
    exact: S,
    values: usize,
    large: bool,
}

impl<S: Scalar> GradientBound<S> {
    /// Where a step starts: the exact bound at 1 (the biases' share,
    /// `2|g| ≤ 1 + g²`, once for all layers), no values.
    pub const START: Self = GradientBound {
        exact: S::ONE,
        values: 0,
        large: false,
    };

    /// Whether this target and number type use the quick bound.
    const QUICK: bool = !ONE_VALUE_AT_A_TIME && S::QUICK_GRADIENT.is_some();

    /// Adds a layer with parameters: its output gradient `g` and input `x`.
    #[inline(always)]
    pub fn add(&mut self, g: &[S], x: &[S]) {
        match S::QUICK_GRADIENT {
            Some(q) if Self::QUICK => {
                // `&=` of comparisons: no order to keep, no chain to wait on
                let mut small = true;
                for &v in g.iter() {
                    small &= v.abs() <= q;
                }
                for &v in x.iter() {
                    small &= v.abs() <= q;
                }
                self.large |= !small;
                self.values += g.len() + x.len();
            }
            _ => self.exact += S::gradient_size(g, x),
        }
    }

    /// The bound: the exact sum, or `1 + n · q²` for the quick bound, or
    /// [`Scalar::OVERFLOW`] when a value was too large for the quick bound
    /// (and the exact one must be taken).
    #[inline(always)]
    pub fn value(&self) -> S {
        match S::QUICK_GRADIENT {
            Some(q) if Self::QUICK => {
                if self.large {
                    S::OVERFLOW
                } else {
                    S::ONE + S::from_usize(self.values) * (q * q)
                }
            }
            _ => self.exact,
        }
    }

    /// Whether [`value`](GradientBound::value) is the exact bound, so that
    /// the trainer need not compute it again.
    #[inline(always)]
    pub fn is_exact(&self) -> bool {
        !Self::QUICK
    }
}

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
    /// needs, adds every layer with parameters to `bound` (a step starts it
    /// at [`GradientBound::START`]), and returns ∂loss/∂input, as
    /// [`Layer::backward`] does.
    fn backward_pending(
        &self,
        cache: &Self::Cache,
        grad_output: &Self::Output,
        pending: &mut Self::Pending,
        bound: &mut GradientBound<S>,
    ) -> Self::Input;

    /// Adds [`Scalar::gradient_size`] of every layer with parameters to
    /// `size`, from the cache and what sweep 1 kept in `pending`: the exact
    /// bound a step falls back to when the quick one does not do (see
    /// [`GradientBound`]). A step starts `size` at 1.
    fn add_gradient_sizes(&self, cache: &Self::Cache, pending: &Self::Pending, size: &mut S);

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
        let mut unused = GradientBound::START;
        let dx = self.backward_pending(cache, grad_output, &mut pending, &mut unused);
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
                _: &mut $crate::model::fused::GradientBound<S>,
            ) -> [S; N] {
                let mut no_params = <Self as $crate::model::params::Zero>::ZERO;
                <Self as $crate::model::layer::Layer<S>>::backward(self, cache, g, &mut no_params)
            }

            #[inline(always)]
            fn add_gradient_sizes(&self, _: &Self::Cache, _: &(), _: &mut S) {}

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

    /// Half the gathered bound, and half the exact one, bound every
    /// parameter gradient, in each number type (each has its own
    /// [`Scalar::gradient_size`]); the quick bound is never below the exact.
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
            let mut bound = GradientBound::START;
            net.backward_pending(&cache, &g, &mut pending, &mut bound);
            // as the step starts it
            let mut exact = S::ONE;
            net.add_gradient_sizes(&cache, &pending, &mut exact);
            let mut grads = MlpIn::<S>::ZERO;
            net.backward(&cache, &g, &mut grads);
            let mut largest = S::ZERO;
            grads.for_each_block(|block| {
                largest = block.iter().fold(largest, |m, v| m.max(v.abs()));
            });
            let size = bound.value();
            assert!(size.is_finite() && exact.is_finite());
            assert!(largest + largest <= exact, "{largest:?} > ½ · {exact:?}");
            assert!(exact <= size, "{exact:?} > {size:?}");
            if bound.is_exact() {
                assert_eq!(size, exact);
            }
        }
    }

    /// A value above [`Scalar::QUICK_GRADIENT`] makes the quick bound not
    /// finite, which sends the step to the exact one; that stays finite.
    #[test]
    fn a_value_above_the_quick_limit_leaves_the_decision_to_the_exact_bound() {
        let layer = Dense::<2, 1>::from_arrays([[1.0, 1.0]], [0.0]);
        let (x, g) = ([1e5, 0.0], [1.0]);
        let (mut pending, mut bound) = ([0.0], GradientBound::START);
        layer.backward_pending(&x, &g, &mut pending, &mut bound);
        let mut exact = 1.0;
        layer.add_gradient_sizes(&x, &pending, &mut exact);
        assert_eq!(exact, 1.0 + 1.0 + 1e10);
        if !bound.is_exact() {
            assert_eq!(bound.value(), f32::INFINITY);
        }
        // at the limit itself the quick bound holds: 1 + 3 values · 2³²
        let mut at_limit = GradientBound::START;
        layer.backward_pending(&[65536.0, -65536.0], &g, &mut pending, &mut at_limit);
        if !at_limit.is_exact() {
            assert_eq!(at_limit.value(), 1.0 + 3.0 * 65536.0 * 65536.0);
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

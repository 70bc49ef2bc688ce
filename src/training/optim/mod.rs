//! Optimizers: how a gradient becomes a parameter update.
//!
//! An optimizer is a settings struct ([`Sgd`], [`Momentum`], [`Adam`]) plus a
//! state value typed from the network: nothing for SGD, a velocity of the
//! network's own type for momentum, two moment estimates for Adam. The state
//! starts as [`crate::model::params::Zero::ZERO`], so its size is a compile-time
//! constant and it can live in a `static`.
//!
//! Every optimizer takes a [`Penalty`] (L2 and/or L1 regularisation), and
//! the trainer can [`Clip`] the gradient (by global norm or by value)
//! before any optimizer's step.
//!
//! ## What each stepping path guarantees
//!
//! | path | non-finite values | notes |
//! | --- | --- | --- |
//! | [`Optimizer::step`] | never committed: a check pass, then a write pass; [`NonFiniteStep`] leaves parameters and state as they were | any gradient, any batch |
//! | [`Trainer`](crate::training::train::Trainer) at batch 1 with [`Sgd`] or [`Momentum`] | never committed: [`StepBounds`] proves every new value finite before the one write pass, or the step is refused | fused kernel ([`FusedStep`](crate::model::fused::FusedStep)), no gradient buffer |
//! | [`Params::sgd_step`], [`FusedStep::backward_sgd`](crate::model::fused::FusedStep::backward_sgd) | not checked: bare kernels | for hand-written loops |
//!
//! All of them give the same bits on every target for the same inputs.

mod adam;
mod adamw;
mod clip;
mod momentum;
mod rmsprop;
mod schedule;
mod sgd;

pub use adam::{Adam, AdamState};
pub use adamw::AdamW;
pub use clip::Clip;
pub(crate) use clip::Clipping;
pub use momentum::{Momentum, MomentumWith};
pub use rmsprop::RmsProp;
pub use schedule::Schedule;
pub use sgd::{Sgd, SgdWith};

use crate::model::fused::WithRule;
use crate::model::params::{Params, Zero};
use crate::num::Scalar;

/// Updates parameters of type `P` from a gradient of the same type.
pub trait Optimizer<P: Params<S>, S: Scalar = f32> {
    /// Per-parameter state (moments), sized from the network.
    type State: Zero;

    /// One update with the given learning rate. On error nothing changed.
    fn step(
        &self,
        params: &mut P,
        grads: &P,
        state: &mut Self::State,
        learning_rate: S,
    ) -> Result<(), NonFiniteStep>;

    /// [`step`](Optimizer::step) without its check pass: one pass over the
    /// parameters instead of two, the same bits, but no guarantee that the
    /// new values are finite. For a step whose bounds
    /// ([`fused_bounds`](Optimizer::fused_bounds) within
    /// [`StepBounds::LIMIT`]) prove it finite, as `Trainer::fit` proves its
    /// mini-batch steps; only called when [`FUSED`](Optimizer::FUSED) is
    /// `true`. The default is `step` (which refuses a non-finite step).
    #[inline]
    fn proven_step(&self, params: &mut P, grads: &P, state: &mut Self::State, learning_rate: S) {
        let _ = self.step(params, grads, state, learning_rate);
    }

    /// `true` when the optimizer has a per-parameter rule for the fused
    /// batch-1 kernel ([`with_fused_rule`](Optimizer::with_fused_rule)); the trainer
    /// then trains batch 1 without a gradient buffer.
    const FUSED: bool = false;

    /// The bounds after one fused step of learning rate `lr` whose
    /// parameter gradients are at most `size / 2` (a
    /// [`GradientBound`](crate::model::fused::GradientBound)'s value). Only called
    /// when [`FUSED`](Optimizer::FUSED) is `true`.
    #[inline]
    fn fused_bounds(&self, bounds: StepBounds<S>, lr: S, size: S) -> StepBounds<S> {
        let _ = (lr, size);
        bounds
    }

    /// Runs `work` with this optimizer's fused rule for learning rate `lr`
    /// and the slots it updates: its own state, or `spare` (a value of the
    /// network's type) when it has none. `None` when the optimizer has no
    /// fused rule ([`FUSED`](Optimizer::FUSED) is `false`).
    #[inline]
    fn with_fused_rule<W: WithRule<P, S>>(
        &self,
        lr: S,
        state: &mut Self::State,
        spare: &mut P,
        work: W,
    ) -> Option<W::Output> {
        let _ = (lr, state, spare, work);
        None
    }

    /// Checks the settings: [`Trainer`](crate::training::train::Trainer)
    /// calls it before anything changes, and a caller of
    /// [`step`](Optimizer::step) by hand should call it once first (`step`
    /// itself does not, so the hot loop stays free of it). The default
    /// accepts everything.
    #[inline]
    fn check(&self) -> Result<(), SettingsError> {
        Ok(())
    }

    /// The largest magnitude in `state` (infinite when any value is not
    /// finite), for [`StepBounds::measure`].
    #[inline]
    fn state_magnitude(state: &Self::State) -> S {
        let _ = state;
        S::ZERO
    }
}

/// Upper bounds on the magnitude of every parameter and every optimizer
/// state value, carried from step to step so the fused kernel can prove a
/// step finite without a pass over the parameters.
///
/// A step of learning rate `lr` changes no parameter by more than
/// `Δ = lr · (½ size + l2 · params + l1)`, where `size` is what the
/// backward sweep reported (`|g_o x_i| ≤ ½(g_o² + x_i²)`). Each optimizer
/// turns `Δ` into new bounds ([`Optimizer::fused_bounds`]); while both stay
/// at or below [`LIMIT`](StepBounds::LIMIT), every value the write pass
/// computes is finite. NaN anywhere makes a bound NaN, which is never within
/// the limit. When a bound outgrows the limit the trainer measures the real
/// magnitudes once ([`measure`](StepBounds::measure)) and tries again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepBounds<S = f32> {
    /// Bound on `|θ|` over all parameters.
    pub params: S,
    /// Bound on `|s|` over all optimizer state values.
    pub state: S,
}

impl<S: Scalar> StepBounds<S> {
    /// The largest bound a step may reach ([`Scalar::BOUND_LIMIT`]; `1e30`
    /// for `f32`): far enough below the largest value that no product or
    /// sum of the write pass can overflow.
    pub const LIMIT: S = S::BOUND_LIMIT;

    /// The real largest magnitudes of `params` and of `state`.
    pub fn measure<P: Params<S>, O: Optimizer<P, S>>(params: &P, state: &O::State) -> Self {
        StepBounds {
            params: magnitude(params),
            state: O::state_magnitude(state),
        }
    }

    /// `true` when both bounds are at most [`LIMIT`](StepBounds::LIMIT)
    /// (and so not NaN).
    #[inline(always)]
    pub fn within_limit(&self) -> bool {
        self.params <= Self::LIMIT && self.state <= Self::LIMIT
    }
}

/// The largest `|θ|` in `params`, or infinity when any value is not finite.
/// It is the rare path of the fused step. Where values go one at a time
/// (Cortex-M) it stays out of line: inlined, the compiler ran it
/// speculatively on every sample. Elsewhere it is inlined, so that the
/// sample loop makes no call: x86-64 saves no vector register across one,
/// and a call in the loop spilled the weights and the kept gradients to
/// the stack on every sample.
#[cfg_attr(target_arch = "arm", cold, inline(never))]
#[cfg_attr(not(target_arch = "arm"), inline)]
pub(crate) fn magnitude<S: Scalar, P: Params<S>>(params: &P) -> S {
    let (mut largest, mut finite) = (S::ZERO, true);
    params.for_each_block(|b| {
        for &p in b {
            finite &= p.is_finite();
            largest = largest.max(p.abs());
        }
    });
    if finite { largest } else { S::OVERFLOW }
}

/// The update would have made a parameter or optimizer state NaN or
/// infinite; the parameters and the state are unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NonFiniteStep;

impl core::fmt::Display for NonFiniteStep {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the update would make a parameter non-finite; nothing was changed")
    }
}

impl core::error::Error for NonFiniteStep {}

/// A setting of an optimizer, penalty or schedule is out of its range.
/// Returned by [`Optimizer::check`], [`Schedule::check`] and [`Clip::check`] (and by
/// `Trainer::fit` / `step` before anything changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum SettingsError {
    /// Adam's `beta1` is not in `[0, 1)`.
    Beta1,
    /// Adam's `beta2` is not in `[0, 1)`.
    Beta2,
    /// Adam's or RMSprop's `epsilon` is not a finite value `> 0`.
    Epsilon,
    /// [`RmsProp::alpha`] is not in `[0, 1)`.
    Alpha,
    /// [`AdamW::weight_decay`] is not a finite value `>= 0`.
    WeightDecay,
    /// [`Momentum::momentum`] is not in `[0, 1)`.
    Momentum,
    /// [`Penalty::l1`] is not a finite value `>= 0`.
    L1,
    /// [`Penalty::l2`] is not a finite value `>= 0`.
    L2,
    /// [`Schedule::StepDecay`]'s `gamma` is not in `[0, 1]`.
    DecayFactor,
    /// [`Schedule::InverseScaling`]'s `power` is not a finite value `>= 0`.
    DecayPower,
    /// [`Schedule::Cosine`]'s `epochs` is 0.
    CosineEpochs,
    /// [`Schedule::Cosine`]'s `min_rate` is not a finite value `>= 0`.
    MinRate,
    /// A [`Clip::Norm`] limit is not a finite value `> 0` (in the number
    /// type: a fixed-point limit may not round to 0).
    ClipNorm,
    /// A [`Clip::Value`] limit is not a finite value `> 0` (in the number
    /// type).
    ClipValue,
}

impl core::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            SettingsError::Beta1 => "Adam's beta1 must be in [0, 1)",
            SettingsError::Beta2 => "Adam's beta2 must be in [0, 1)",
            SettingsError::Epsilon => "epsilon must be finite and > 0",
            SettingsError::Alpha => "RMSprop's alpha must be in [0, 1)",
            SettingsError::WeightDecay => "the weight decay must be finite and >= 0",
            SettingsError::Momentum => "momentum must be in [0, 1)",
            SettingsError::L1 => "the L1 strength must be finite and >= 0",
            SettingsError::L2 => "the L2 strength must be finite and >= 0",
            SettingsError::DecayFactor => "the step-decay factor gamma must be in [0, 1]",
            SettingsError::DecayPower => "the inverse-scaling power must be finite and >= 0",
            SettingsError::CosineEpochs => "the cosine schedule needs epochs > 0",
            SettingsError::MinRate => "the cosine schedule's min_rate must be finite and >= 0",
            SettingsError::ClipNorm => "the gradient-norm limit must be finite and > 0",
            SettingsError::ClipValue => "the gradient-value limit must be finite and > 0",
        })
    }
}

impl core::error::Error for SettingsError {}

/// `true` when `x` is in `[0, 1)` (so not NaN).
#[inline]
pub(crate) fn unit_interval(x: f32) -> bool {
    (0.0..1.0).contains(&x)
}

/// `true` when `x` is finite and `>= 0`.
#[inline]
pub(crate) fn finite_non_negative(x: f32) -> bool {
    x.is_finite() && x >= 0.0
}

/// Regularisation added to the loss: `l2/2 · Σθ² + l1 · Σ|θ|`, so the
/// gradient gains `l2 · θ + l1 · sign(θ)`.
///
/// Biases are not penalised unless `biases` is set: scikit-learn's `alpha`
/// penalises weights only. scikit-learn divides its penalty by the batch
/// size, so its `alpha` corresponds to `l2 = alpha / batch_size` here.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Penalty {
    /// L1 strength λ in `λ Σ|θ|`.
    pub l1: f32,
    /// L2 strength λ in `λ/2 Σθ²`.
    pub l2: f32,
    /// Penalise biases too.
    pub biases: bool,
}

impl Penalty {
    /// No regularisation.
    pub const NONE: Penalty = Penalty {
        l1: 0.0,
        l2: 0.0,
        biases: false,
    };

    /// Both strengths finite and `>= 0`.
    pub fn check(&self) -> Result<(), SettingsError> {
        if !finite_non_negative(self.l1) {
            Err(SettingsError::L1)
        } else if !finite_non_negative(self.l2) {
            Err(SettingsError::L2)
        } else {
            Ok(())
        }
    }

    /// `true` when both strengths are zero: the penalty does nothing,
    /// whatever `biases` says.
    #[inline(always)]
    pub fn is_none(&self) -> bool {
        self.l1 == 0.0 && self.l2 == 0.0
    }

    /// L2 (weight decay) of strength `lambda` on weights.
    pub const fn l2(lambda: f32) -> Self {
        Penalty {
            l2: lambda,
            ..Self::NONE
        }
    }

    /// L1 of strength `lambda` on weights.
    pub const fn l1(lambda: f32) -> Self {
        Penalty {
            l1: lambda,
            ..Self::NONE
        }
    }

    /// The penalty's gradient for one parameter `p` (in a bias block or not).
    #[inline(always)]
    pub fn gradient<S: Scalar>(&self, p: S, is_bias: bool) -> S {
        self.strengths(is_bias).grad(S::ZERO, p)
    }

    /// The strengths that apply to a block: zero for biases unless they are
    /// penalised.
    #[inline(always)]
    fn strengths<S: Scalar>(&self, is_bias: bool) -> Penalised<S> {
        if is_bias && !self.biases {
            Penalised(S::ZERO, S::ZERO)
        } else {
            Penalised(S::from_f32(self.l1), S::from_f32(self.l2))
        }
    }

    /// The penalty's value for a whole network, `l2/2 Σθ² + l1 Σ|θ|` over
    /// the penalised blocks.
    pub fn value<S: Scalar, P: Params<S>>(&self, params: &P) -> S {
        let (half_l2, l1) = (S::from_f32(0.5 * self.l2), S::from_f32(self.l1));
        let mut total = S::ZERO;
        for k in 0..P::NUM_BLOCKS {
            if P::is_bias_block(k) && !self.biases {
                continue;
            }
            for &p in params.block(k) {
                total += half_l2 * p * p + l1 * p.abs();
            }
        }
        total
    }
}

/// A penalty setting, as the optimizers take it: [`Penalty`], whose
/// strengths are run-time values (a step links a loop with the penalty and
/// one without, and picks one per call), or [`NoPenalty`], none as a type
/// (only the loop without is linked: for firmware that never penalises).
pub trait PenaltySetting: Copy + core::fmt::Debug + PartialEq + Default {
    /// The strengths are finite and `>= 0` ([`Penalty::check`]).
    fn check(&self) -> Result<(), SettingsError>;
    /// The penalty does nothing ([`Penalty::is_none`]).
    fn is_none(&self) -> bool;
    /// The setting as a [`Penalty`].
    fn penalty(&self) -> Penalty;
}

impl PenaltySetting for Penalty {
    #[inline]
    fn check(&self) -> Result<(), SettingsError> {
        Penalty::check(self)
    }
    #[inline(always)]
    fn is_none(&self) -> bool {
        Penalty::is_none(self)
    }
    #[inline(always)]
    fn penalty(&self) -> Penalty {
        *self
    }
}

/// No penalty, fixed as a type: `SgdWith { penalty: NoPenalty }` steps as
/// [`Sgd`] with [`Penalty::NONE`], bit for bit, and links no penalty code.
///
/// ```
/// use stacknet::optim::{NoPenalty, Optimizer, Sgd, SgdWith};
/// use stacknet::Dense;
/// let (mut a, mut b) = (Dense::from_arrays([[1.0]], [0.5]), Dense::from_arrays([[1.0]], [0.5]));
/// let grads = Dense::from_arrays([[2.0]], [-1.0]);
/// Sgd::default().step(&mut a, &grads, &mut (), 0.1).unwrap();
/// SgdWith { penalty: NoPenalty }.step(&mut b, &grads, &mut (), 0.1).unwrap();
/// assert_eq!(a, b);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoPenalty;

impl PenaltySetting for NoPenalty {
    #[inline]
    fn check(&self) -> Result<(), SettingsError> {
        Ok(())
    }
    #[inline(always)]
    fn is_none(&self) -> bool {
        true
    }
    #[inline(always)]
    fn penalty(&self) -> Penalty {
        Penalty::NONE
    }
}

/// How a step adds the penalty's gradient to a parameter's gradient. The
/// optimizers are generic over it, so a step without a penalty (the common
/// case) runs loops with no penalty code in them at all.
pub(crate) trait Regularise<S: Scalar>: Copy {
    /// The gradient `g` of parameter `p` with the penalty's gradient added.
    fn grad(self, g: S, p: S) -> S;
}

/// No penalty: the gradient as it is.
#[derive(Clone, Copy)]
pub(crate) struct Unpenalised;

impl<S: Scalar> Regularise<S> for Unpenalised {
    #[inline(always)]
    fn grad(self, g: S, _: S) -> S {
        g
    }
}

/// A penalty's strengths `(l1, l2)` for one block (zeros where it does not
/// apply): `g + (l2 · p + l1 · sign(p))`.
#[derive(Clone, Copy)]
pub(crate) struct Penalised<S>(S, S);

impl<S: Scalar> Regularise<S> for Penalised<S> {
    #[inline(always)]
    fn grad(self, g: S, p: S) -> S {
        let Penalised(l1, l2) = self;
        let sign =
            S::from_usize(usize::from(p > S::ZERO)) - S::from_usize(usize::from(p < S::ZERO));
        g + (l2 * p + l1 * sign)
    }
}

/// Runs `step(per_block)` with [`Unpenalised`] when `penalty`
/// [`is_none`](Penalty::is_none), and otherwise with the [`Penalised`] strengths of
/// each block.
macro_rules! with_penalty {
    ($penalty:expr, $S:ty, $P:ty, |$reg:ident| $step:expr) => {{
        let setting = $penalty;
        if $crate::training::optim::PenaltySetting::is_none(setting) {
            let $reg = |_k: usize| $crate::training::optim::Unpenalised;
            $step
        } else {
            let penalty = $crate::training::optim::PenaltySetting::penalty(setting);
            let $reg = |k: usize| {
                penalty.strengths::<$S>(<$P as $crate::model::params::Params<$S>>::is_bias_block(k))
            };
            $step
        }
    }};
}
use with_penalty;

/// A fused rule's regularisers for weights and for biases, with the
/// strengths scaled by the learning rate (the fused rules receive
/// `d = lr · ∂θ`): runs `$step` with [`Unpenalised`] for both when `penalty`
/// [`is_none`](Penalty::is_none).
macro_rules! with_scaled_penalty {
    ($penalty:expr, $lr:expr, |$weights:ident, $biases:ident| $step:expr) => {{
        let setting = $penalty;
        if $crate::training::optim::PenaltySetting::is_none(setting) {
            let ($weights, $biases) = (
                $crate::training::optim::Unpenalised,
                $crate::training::optim::Unpenalised,
            );
            $step
        } else {
            let penalty = $crate::training::optim::PenaltySetting::penalty(setting);
            let scaled = |is_bias| {
                let $crate::training::optim::Penalised(l1, l2) = penalty.strengths(is_bias);
                $crate::training::optim::Penalised($lr * l1, $lr * l2)
            };
            let ($weights, $biases) = (scaled(false), scaled(true));
            $step
        }
    }};
}
use with_scaled_penalty;

/// The most a fused step of learning rate `lr` can move a parameter whose
/// magnitude is at most `params`: `lr · (½ size + l2 · params + l1)`.
#[inline(always)]
fn fused_delta<S: Scalar>(setting: &impl PenaltySetting, lr: S, size: S, params: S) -> S {
    let data = S::from_f32(0.5) * size;
    if setting.is_none() {
        lr * data
    } else {
        let penalty = setting.penalty();
        let (l1, l2) = (S::from_f32(penalty.l1), S::from_f32(penalty.l2));
        lr * (data + (l2.abs() * params + l1.abs()))
    }
}

/// `x`, or 0 when `x` is subnormal. Optimizer state that decays by a
/// factor each step (a velocity or moment whose gradient is 0, as for a
/// dead ReLU unit) ends in the smallest subnormals and stays there, since
/// `0.9 · 1e-45` rounds back to `1e-45`; arithmetic on subnormals is many
/// times slower on common CPUs, and the values are too small to move any
/// normal parameter, so the state is flushed to zero instead.
#[inline(always)]
fn flush_subnormal<S: Scalar>(x: S) -> S {
    if x.abs() < S::MIN_POSITIVE {
        S::ZERO
    } else {
        x
    }
}

/// Runs `pass(false)` to check that every new value is finite, then
/// `pass(true)` to write them: a step is all or nothing, with no copy.
#[inline(always)]
fn all_or_nothing(mut pass: impl FnMut(bool) -> bool) -> Result<(), NonFiniteStep> {
    if pass(false) {
        pass(true);
        Ok(())
    } else {
        Err(NonFiniteStep)
    }
}

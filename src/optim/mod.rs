//! Optimizers: how a gradient becomes a parameter update.
//!
//! An optimizer is a settings struct ([`Sgd`], [`Momentum`], [`Adam`]) plus a
//! state value typed from the network: nothing for SGD, a velocity of the
//! network's own type for momentum, two moment estimates for Adam. The state
//! starts as [`crate::Zero::ZERO`], so its size is a compile-time
//! constant and it can live in a `static`.
//!
//! Every optimizer takes a [`Penalty`] (L2 and/or L1 regularisation) and
//! never commits a step that would make a parameter or its state non-finite:
//! it checks every new value first and returns [`NonFiniteStep`], leaving
//! everything as it was.

mod adam;
mod momentum;
mod schedule;
mod sgd;

pub use adam::{Adam, AdamState};
pub use momentum::Momentum;
pub use schedule::Schedule;
pub use sgd::Sgd;

use crate::{Params, Zero};

/// Updates parameters of type `P` from a gradient of the same type.
pub trait Optimizer<P: Params> {
    /// Per-parameter state (moments), sized from the network.
    type State: Zero;

    /// One update with the given learning rate. On error nothing changed.
    fn step(
        &self,
        params: &mut P,
        grads: &P,
        state: &mut Self::State,
        learning_rate: f32,
    ) -> Result<(), NonFiniteStep>;
}

/// The update would have made a parameter or optimizer state NaN or
/// infinite; the parameters and the state are unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonFiniteStep;

impl core::fmt::Display for NonFiniteStep {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the update would make a parameter non-finite; nothing was changed")
    }
}

impl core::error::Error for NonFiniteStep {}

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
    pub fn gradient(&self, p: f32, is_bias: bool) -> f32 {
        self.strengths(is_bias).grad(0.0, p)
    }

    /// The strengths that apply to a block: zero for biases unless they are
    /// penalised.
    #[inline(always)]
    fn strengths(&self, is_bias: bool) -> Penalised {
        if is_bias && !self.biases {
            Penalised(0.0, 0.0)
        } else {
            Penalised(self.l1, self.l2)
        }
    }

    /// The penalty's value for a whole network, `l2/2 Σθ² + l1 Σ|θ|` over
    /// the penalised blocks.
    pub fn value<P: Params>(&self, params: &P) -> f32 {
        let mut total = 0.0;
        for k in 0..P::NUM_BLOCKS {
            if P::is_bias_block(k) && !self.biases {
                continue;
            }
            for &p in params.block(k) {
                total += 0.5 * self.l2 * p * p + self.l1 * p.abs();
            }
        }
        total
    }
}

/// How a step adds the penalty's gradient to a parameter's gradient. The
/// optimizers are generic over it, so a step without a penalty (the common
/// case) runs loops with no penalty code in them at all.
trait Regularise: Copy {
    /// The gradient `g` of parameter `p` with the penalty's gradient added.
    fn grad(self, g: f32, p: f32) -> f32;
}

/// No penalty: the gradient as it is.
#[derive(Clone, Copy)]
struct Unpenalised;

impl Regularise for Unpenalised {
    #[inline(always)]
    fn grad(self, g: f32, _: f32) -> f32 {
        g
    }
}

/// A penalty's strengths `(l1, l2)` for one block (zeros where it does not
/// apply): `g + (l2 · p + l1 · sign(p))`.
#[derive(Clone, Copy)]
struct Penalised(f32, f32);

impl Regularise for Penalised {
    #[inline(always)]
    fn grad(self, g: f32, p: f32) -> f32 {
        let Penalised(l1, l2) = self;
        let sign = f32::from(u8::from(p > 0.0)) - f32::from(u8::from(p < 0.0));
        g + (l2 * p + l1 * sign)
    }
}

/// Runs `step(per_block)` with [`Unpenalised`] when `penalty` is
/// [`Penalty::NONE`], and otherwise with the [`Penalised`] strengths of
/// each block.
macro_rules! with_penalty {
    ($penalty:expr, $P:ty, |$reg:ident| $step:expr) => {{
        let penalty: &$crate::optim::Penalty = $penalty;
        if *penalty == $crate::optim::Penalty::NONE {
            let $reg = |_k: usize| $crate::optim::Unpenalised;
            $step
        } else {
            let $reg = |k: usize| penalty.strengths(<$P as $crate::Params>::is_bias_block(k));
            $step
        }
    }};
}
use with_penalty;

/// `x`, or 0 when `x` is subnormal. Optimizer state that decays by a
/// factor each step (a velocity or moment whose gradient is 0, as for a
/// dead ReLU unit) ends in the smallest subnormals and stays there, since
/// `0.9 · 1e-45` rounds back to `1e-45`; arithmetic on subnormals is many
/// times slower on common CPUs, and the values are too small to move any
/// normal parameter, so the state is flushed to zero instead.
#[inline(always)]
fn flush_subnormal(x: f32) -> f32 {
    if x.abs() < f32::MIN_POSITIVE { 0.0 } else { x }
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

//! The [`Layer`] trait: forward, backward and parameter gradients of one layer.
//!
//! "We code layers, not networks": a network is a tuple of layers (see
//! [`network`](crate::model::network)), and the tuple is itself a `Layer`, so
//! everything below works for a single layer and for a whole network alike.
//!
//! The caller owns all memory. [`forward_train`](Layer::forward_train) writes
//! what backward will need into a [`Cache`](Layer::Cache), and
//! [`backward`](Layer::backward) *adds* the parameter gradients into a value of
//! the layer's own type, so a mini-batch of any size needs the memory of one
//! sample: call `forward_train` + `backward` per sample, then step once.

use rand_core::RngCore;

use crate::model::init::{Init, InitError};
use crate::model::params::Params;
use crate::model::params::Zero;

/// A differentiable layer typed by its input and output sizes.
///
/// Inputs and outputs are `[f32; N]` arrays. For composed networks the
/// compiler checks that each layer's `Input` is the previous layer's `Output`.
///
/// One training sample, by hand:
///
/// ```
/// use stacknet::{Dense, Layer, Params, Relu, Zero};
/// type Net = (Dense<2, 3>, Relu<3>, Dense<3, 1>);
/// let mut net = Net::ZERO;
/// net.0.weights = [[0.5, -0.5], [0.25, 0.25], [1.0, 0.0]];
/// net.2.weights = [[1.0, 1.0, 1.0]];
///
/// let mut cache = <Net as Layer>::Cache::ZERO;
/// let mut grads = Net::ZERO;
/// let y = net.forward_train(&[2.0, 1.0], &mut cache);
/// assert_eq!(y, [0.5 + 0.75 + 2.0]);
/// // d(½(y − t)²)/dy = y − t, with target t = 1
/// net.backward(&cache, &[y[0] - 1.0], &mut grads);
/// net.sgd_step(&grads, 0.1);
/// ```
pub trait Layer: Params + Sized {
    /// The input array, `[f32; I]`.
    type Input: Copy + Zero + AsRef<[f32]> + AsMut<[f32]>;
    /// The output array, `[f32; O]`.
    type Output: Copy + Zero + AsRef<[f32]> + AsMut<[f32]>;
    /// What [`backward`](Layer::backward) needs from the forward pass.
    type Cache: Zero + Copy;

    /// A number that identifies the layer kind and its sizes; tuples combine
    /// their layers' signatures in order. Saved files carry it so that a file
    /// for one shape is refused by a network of another.
    const SIGNATURE: u32;

    /// Prediction: the output for `input`, keeping nothing.
    fn forward(&self, input: &Self::Input) -> Self::Output;

    /// The output for `input`, saving in `cache` what backward needs.
    fn forward_train(&self, input: &Self::Input, cache: &mut Self::Cache) -> Self::Output;

    /// Back-propagates `grad_output` (∂loss/∂output) through the layer:
    /// *adds* ∂loss/∂parameters into `grads` and returns ∂loss/∂input.
    /// `cache` must come from the `forward_train` of the same sample.
    fn backward(
        &self,
        cache: &Self::Cache,
        grad_output: &Self::Output,
        grads: &mut Self,
    ) -> Self::Input;

    /// Checks the layer's settings (not its trained parameters): a
    /// [`LeakyRelu`](crate::LeakyRelu) slope that is negative or not finite
    /// is refused. Tuples check their layers in order. `Trainer::fit` and
    /// `step` call it before anything changes.
    #[inline]
    fn check(&self) -> Result<(), LayerError> {
        Ok(())
    }

    /// Re-initialises the trainable parameters with `init`, drawing from `rng`.
    /// Layers without parameters ignore it. `init` is not checked here:
    /// [`try_init`](Layer::try_init) checks it first.
    #[inline]
    fn init<R: RngCore + ?Sized>(&mut self, init: Init, rng: &mut R) {
        let _ = (init, rng);
    }

    /// A new layer (or network) initialised with `init` from `rng`.
    ///
    /// ```
    /// use rand_xorshift::XorShiftRng;
    /// use stacknet::{rand_core::SeedableRng, Dense, Init, Layer, Relu};
    /// let mut rng = XorShiftRng::seed_from_u64(7);
    /// let net = <(Dense<2, 4>, Relu<4>, Dense<4, 1>)>::random(Init::HeNormal, &mut rng);
    /// assert!(net.0.weights.as_flattened().iter().any(|&w| w != 0.0));
    /// ```
    #[inline]
    fn random<R: RngCore + ?Sized>(init: Init, rng: &mut R) -> Self {
        let mut layer = Self::ZERO;
        layer.init(init, rng);
        layer
    }

    /// [`init`](Layer::init) after [`Init::check`]: on an error nothing
    /// changed and nothing was drawn from `rng`.
    ///
    /// ```
    /// use rand_xorshift::XorShiftRng;
    /// use stacknet::{rand_core::SeedableRng, init::InitError, Dense, Init, Layer, Zero};
    /// let mut layer = Dense::<2, 1>::ZERO;
    /// let wide = Init::Uniform { low: -3e38, high: 3e38 };
    /// let mut rng = XorShiftRng::seed_from_u64(1);
    /// assert_eq!(layer.try_init(wide, &mut rng), Err(InitError::UniformBounds));
    /// assert_eq!(layer, Dense::ZERO);
    /// ```
    #[inline]
    fn try_init<R: RngCore + ?Sized>(&mut self, init: Init, rng: &mut R) -> Result<(), InitError> {
        init.check()?;
        self.init(init, rng);
        Ok(())
    }

    /// [`random`](Layer::random) after [`Init::check`].
    #[inline]
    fn try_random<R: RngCore + ?Sized>(init: Init, rng: &mut R) -> Result<Self, InitError> {
        init.check()?;
        Ok(Self::random(init, rng))
    }
}

/// A layer setting is out of its range ([`Layer::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayerError {
    /// A [`LeakyRelu`](crate::LeakyRelu) slope is negative or not finite:
    /// the backward pass reads the input's sign from the output, which a
    /// negative slope flips.
    LeakyReluSlope,
}

impl core::fmt::Display for LayerError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            LayerError::LeakyReluSlope => f.write_str("a LeakyRelu slope must be finite and >= 0"),
        }
    }
}

impl core::error::Error for LayerError {}

/// Signature of a single layer: an FNV-1a hash of its kind tag and sizes.
pub(crate) const fn leaf_signature(kind: u32, inputs: usize, outputs: usize) -> u32 {
    let h = fnv1a(0x811c_9dc5, kind);
    let h = fnv1a(h, inputs as u32);
    fnv1a(h, outputs as u32)
}

/// Signature of a chain: the first signature folded with the next.
pub(crate) const fn chain_signature(first: u32, next: u32) -> u32 {
    fnv1a(first, next)
}

const fn fnv1a(mut hash: u32, word: u32) -> u32 {
    let bytes = word.to_le_bytes();
    let mut i = 0;
    while i < 4 {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash
}

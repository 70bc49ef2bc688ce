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
use crate::model::output::OutputKind;
use crate::model::params::{Params, Zero};
use crate::num::Scalar;

/// A differentiable layer typed by its input and output sizes.
///
/// Inputs and outputs are `[S; N]` arrays of the number type `S` (`f32`
/// unless named, see [`num`](crate::num)). For composed networks the
/// compiler checks that each layer's `Input` is the previous layer's `Output`.
///
/// NaN propagates: no layer of the library turns a NaN into a number, in
/// `forward` or `backward`, so a prediction on an input with a NaN is NaN
/// (in every output it reaches) rather than a plausible value, and a NaN
/// gradient reaches every gradient it touches (`tests/nan.rs`).
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
pub trait Layer<S: Scalar = f32>: Params<S> + Sized {
    /// The input array, `[S; I]`.
    type Input: Copy + Zero + AsRef<[S]> + AsMut<[S]>;
    /// The output array, `[S; O]`.
    type Output: Copy + Zero + AsRef<[S]> + AsMut<[S]>;
    /// What [`backward`](Layer::backward) needs from the forward pass.
    type Cache: Zero + Copy;
    /// What the output means to a loss: [`Probabilities`](crate::model::output::Probabilities)
    /// for `Sigmoid`, `HardSigmoid` and `Softmax`, [`Logits`](crate::model::output::Logits)
    /// otherwise; a tuple's is its last layer's. The trainer pairs it with
    /// the loss ([`Accepts`](crate::training::loss::Accepts)).
    type OutputKind: OutputKind;

    /// The version-1 shape hash: a 32-bit FNV-1a hash of the layer kind and
    /// sizes; tuples combine their layers' hashes in order. Version-1 records
    /// carry it. It can collide (two shapes with one hash), so version 2
    /// records carry the structure itself ([`LAYERS`](Layer::LAYERS) and
    /// [`layer_shape`](Layer::layer_shape)); this is kept to read version-1
    /// records and for serde.
    const SIGNATURE: u32;

    /// How many layers the structure lists: 1 for a layer, the sum of its
    /// members' counts for a tuple (a nested tuple lists its layers in
    /// place, so `(A, (B, C))` has the structure of `(A, B, C)`).
    const LAYERS: usize;

    /// Whether some layer has a setting that is not trained and not in its
    /// type, such as [`LeakyRelu`](crate::model::layers::LeakyRelu)'s slope.
    const HAS_SETTINGS: bool;

    /// The kind, sizes and setting of layer `k` of the structure, `0 ..
    /// LAYERS`, first to last; [`LayerShape::NONE`] past the end. Kind and
    /// sizes are constants of the type; only the setting is read from `self`.
    fn layer_shape(&self, k: usize) -> LayerShape;

    /// Prediction: the output for `input`, keeping nothing.
    fn forward(&self, input: &Self::Input) -> Self::Output;

    /// The output before a last squashing into probabilities: for a
    /// network that ends in `Sigmoid`, `HardSigmoid` or `Softmax`, that
    /// layer's input (the logits); otherwise the same as
    /// [`forward`](Layer::forward).
    #[inline]
    fn forward_logits(&self, input: &Self::Input) -> Self::Output {
        self.forward(input)
    }

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

    /// `true` when some layer draws a random mask for each training sample
    /// ([`Dropout`](crate::model::layers::Dropout)): the trainer then calls
    /// [`draw_masks`](Layer::draw_masks) before every `forward_train`, and
    /// otherwise draws nothing.
    const STOCHASTIC: bool = false;

    /// Draws this sample's masks into `cache`, for the `forward_train` that
    /// follows, from `rng`. Layers without masks draw nothing; tuples draw
    /// for their layers first to last.
    #[inline]
    fn draw_masks<R: RngCore + ?Sized>(&self, cache: &mut Self::Cache, rng: &mut R) {
        let _ = (cache, rng);
    }

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

/// One layer of a network's structure, as a saved record lists it: four
/// `u32` words, compared word for word when a record is loaded.
///
/// ```
/// use stacknet::layer::LayerShape;
/// use stacknet::{Dense, Layer, LeakyRelu, Zero};
/// type Net = (Dense<2, 3>, LeakyRelu<3>);
/// let net: Net = (Dense::ZERO, LeakyRelu::with_slope(0.25));
/// assert_eq!(Net::LAYERS, 2);
/// assert_eq!(net.layer_shape(0), LayerShape { kind: 1, inputs: 2, outputs: 3, setting: 0 });
/// assert_eq!(net.layer_shape(1).words(), [4, 3, 3, 0.25f32.to_bits()]);
/// assert_eq!(net.layer_shape(2), LayerShape::NONE);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LayerShape {
    /// The layer kind: Dense 1, Identity 2, Relu 3, LeakyRelu 4, Sigmoid 5,
    /// Tanh 6, Softmax 7 (0 is no layer). Part of the file format.
    pub kind: u32,
    /// The input size.
    pub inputs: u32,
    /// The output size.
    pub outputs: u32,
    /// The layer's setting: the IEEE 754 bits of `LeakyRelu`'s slope, 0 for
    /// layers without one.
    pub setting: u32,
}

impl LayerShape {
    /// What [`Layer::layer_shape`] returns past the last layer: kind 0.
    pub const NONE: Self = Self {
        kind: 0,
        inputs: 0,
        outputs: 0,
        setting: 0,
    };

    /// The number of `u32` words a layer takes in a record.
    pub const WORDS: usize = 4;

    /// The shape of a layer of `kind` with no setting. Evaluate it in a
    /// `const` (a size over `u32::MAX` is then a compile error).
    pub(crate) const fn leaf(kind: u32, inputs: usize, outputs: usize) -> Self {
        assert!(
            inputs as u64 <= u32::MAX as u64 && outputs as u64 <= u32::MAX as u64,
            "a layer size does not fit the file format's u32"
        );
        Self {
            kind,
            inputs: inputs as u32,
            outputs: outputs as u32,
            setting: 0,
        }
    }

    /// The same shape with `setting`.
    pub(crate) const fn with_setting(self, setting: u32) -> Self {
        Self { setting, ..self }
    }

    /// The four words in record order: kind, inputs, outputs, setting.
    pub const fn words(self) -> [u32; 4] {
        [self.kind, self.inputs, self.outputs, self.setting]
    }

    /// The shape of the four words `[kind, inputs, outputs, setting]`.
    pub const fn from_words(words: [u32; 4]) -> Self {
        let [kind, inputs, outputs, setting] = words;
        Self {
            kind,
            inputs,
            outputs,
            setting,
        }
    }
}

/// A layer setting is out of its range ([`Layer::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum LayerError {
    /// A [`LeakyRelu`](crate::LeakyRelu) slope is negative or not finite:
    /// the backward pass reads the input's sign from the output, which a
    /// negative slope flips.
    LeakyReluSlope,
    /// An [`Elu`](crate::Elu) `α` is not finite and positive: the backward
    /// pass reads the input's sign from the output, which needs `α > 0`.
    EluAlpha,
    /// A [`Dropout`](crate::Dropout) probability is not in `[0, 1)`.
    DropoutRate,
}

impl core::fmt::Display for LayerError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            LayerError::LeakyReluSlope => f.write_str("a LeakyRelu slope must be finite and >= 0"),
            LayerError::EluAlpha => f.write_str("an Elu alpha must be finite and > 0"),
            LayerError::DropoutRate => f.write_str("a Dropout probability must be in [0, 1)"),
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

//! # stacknet
//!
//! Train small neural networks with no heap. Layers are typed by their sizes
//! (`Dense<2, 4>`, `Relu<4>`), a network is a tuple of layers, and a shape
//! mismatch is a compile error. Forward, backward and the optimizer step use
//! only memory whose size is known at compile time, so the same code trains
//! on a PC and on a Cortex-M with a few KB of RAM.
//!
//! ```
//! use stacknet::prelude::*;
//!
//! type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
//! let mut rng = XorShiftRng::seed_from_u64(0);
//! let mut net = Net::random(Init::HeNormal, &mut rng);
//! let (mut cache, mut grads) = (<Net as Layer>::Cache::ZERO, Net::ZERO);
//!
//! let (x, target) = ([0.5, -1.0], 2.0);
//! let y = net.forward_train(&x, &mut cache);
//! net.backward(&cache, &[y[0] - target], &mut grads); // ∂(½(y − t)²)/∂y
//! net.sgd_step(&grads, 0.01);
//! let prediction: [f32; 1] = net.forward(&x);
//! # assert!(prediction[0].is_finite());
//! ```
//!
//! ## A tour
//!
//! `src/` has five groups, each a module; the modules inside are re-exported
//! at the root, so `stacknet::layers::Dense` and `stacknet::optim::Sgd` are
//! the paths to write.
//!
//! **[`model`]: the network core.**
//! - [`layer`]: the [`Layer`] trait: forward, backward (∂input and
//!   ∂parameters), caches the caller owns.
//! - [`layers`]: [`Dense`] and the activations [`Identity`], [`Relu`],
//!   [`LeakyRelu`], [`Elu`], [`Sigmoid`], [`Tanh`], [`Silu`], [`Gelu`],
//!   [`Softplus`], [`HardSigmoid`], [`HardTanh`], [`Softmax`], and
//!   [`Dropout`] (inverted, its masks drawn from the trainer's RNG). Each
//!   file holds every kernel of its layer: per sample, batched, fused with
//!   the update, baked.
//! - [`network`]: tuples of up to 12 layers are layers too, checked at
//!   compile time; [`Network`] is the bound for generic training code.
//! - [`output`]: what a network's output means, [`Logits`](output::Logits)
//!   or [`Probabilities`](output::Probabilities) (after `Sigmoid`,
//!   `HardSigmoid`, `Softmax`), so that a loss which applies the softmax
//!   or sigmoid itself cannot be paired with a network that already did.
//! - [`classify`]: [`Classifier`](classify::Classifier), a network's
//!   logits, class probabilities and predicted class (`None` for a NaN),
//!   and its accuracy and log loss over class labels.
//! - [`params`]: every parameter in one fixed order, as contiguous blocks
//!   of the number type; gradients and optimizer state share the network's
//!   type.
//! - [`init`]: small normal, uniform, Xavier/Glorot and He/Kaiming
//!   initialisation from any [`RngCore`](rand_core::RngCore).
//! - [`batch`]: [`BatchLayer`], the same forward and backward for `B`
//!   samples at once, laid out feature-major so the loops vectorise: the
//!   per-sample path's outputs and input gradients, bit for bit, and the
//!   parameter gradients summed in four lanes, the same on every target.
//! - [`fused`]: [`FusedStep`], batch-1 training with no gradient buffer: a
//!   backward sweep, then the update in one write pass.
//!
//! **[`training`]: losses, optimizers and the loop.**
//! - [`loss`]: squared errors (mean, half-mean, summed), binary
//!   cross-entropy (on probabilities and fused with the sigmoid), softmax
//!   cross-entropy and Huber; [`Accepts`](loss::Accepts), the outputs each
//!   trains.
//! - [`optim`]: SGD, momentum and Nesterov, Adam, AdamW, RMSprop; L1/L2 penalties;
//!   gradient clipping by norm or value; learning-rate schedules (step,
//!   inverse scaling, cosine, with a linear warm-up); what each stepping
//!   path guarantees.
//! - [`train`]: validated datasets, the [`Trainer`](train::Trainer), which
//!   runs the fused kernel at batch 1 and the batched kernel for
//!   mini-batches; `fit` (every buffer placed by the caller) and
//!   `fit_arrays` (the short call); shuffling, per-epoch reports that can
//!   stop the run, stopping on the validation or the training loss,
//!   continuing a run, and a divergence guard.
//! - [`stream`]: learning from a stream with no data set in RAM: one call
//!   per sample ([`Trainer::learn`](train::Trainer::learn), or a
//!   [`Stream`](stream::Stream) session checked once) and a
//!   fixed-capacity [`Replay`](stream::Replay) ring to draw mini-batches
//!   from.
//!
//! **[`data`]: preparing data and scoring models.**
//! - [`scale`]: z-score and min–max scalers fitted on training data.
//! - [`metrics`]: MSE, RMSE, MAE, R², accuracy and log loss from class
//!   labels or one-hot rows, one-hot encoding, binary confusion counts.
//!
//! **[`classic`]: the classic lessons' models.**
//! - [`perceptron`]: Rosenblatt's perceptron and its learning rule.
//! - [`linear_regression`]: least squares by the normal equation, on the stack.
//!
//! **[`storage`]: keeping what was learned.**
//! - [`persist`]: save and load parameters as bytes (checked header, the
//!   layer structure as the shape tag, CRC-32, nothing half-loaded).
//! - [`bake`]: write a trained network as Rust source to build into
//!   firmware.
//! - `checkpoint` (feature `embedded-storage`): two-slot checkpoints in NOR
//!   flash through the `embedded-storage` traits, safe against a power cut
//!   at any moment.
//!
//! ## Memory
//!
//! A network, its gradient and its cache are plain values: their sizes are
//! `core::mem::size_of` constants, checkable at compile time. Gradients
//! accumulate, so a mini-batch costs the memory of one sample.
//!
//! ## Numbers
//!
//! **[`num`]: the number types.** Layers, losses, optimizers and the
//! trainer are written once against [`num::Scalar`]; `f32` is the default
//! (`Dense<2, 4>` is `Dense<2, 4, f32>`), `Dense<2, 4, f64>` trains in
//! `f64` and `Dense<2, 4, Q16_16>` in saturating Q16.16 fixed point
//! ([`num::fixed`]) for parts without an FPU; [`num::Convert`] moves a
//! network between them. Activations have no parameters and work in any
//! number type.
//! Settings (learning rates, penalties, betas) are `f32` and converted once.
//! Transcendental functions come from `libm` and no fused multiply-add is
//! used, so training gives the same bits on every target for the same seed
//! and data.
//!
//! With literals and no layer that names its type, Rust picks `f64` for a
//! float literal: `Relu::<2>.forward(&[1.0, -1.0])` runs in `f64`. A network
//! with a `Dense` layer, [`Dense::from_arrays`] (always `f32`) or a typed
//! array fixes the type.
//!
//! ## Not supported
//!
//! Convolutions, recurrent layers and sizes chosen at run time.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod classic;
pub mod data;
pub mod model;
pub mod num;
pub mod storage;
pub mod training;

pub use classic::{linear_regression, perceptron};
pub use data::{metrics, scale};
pub use model::{batch, classify, fused, init, layer, layers, network, output, params};
#[cfg(feature = "embedded-storage")]
pub use storage::checkpoint;
pub use storage::{bake, persist};
pub use training::{loss, optim, stream, train};

pub use classic::linear_regression::LinearFit;
pub use classic::perceptron::Perceptron;
pub use data::scale::{MinMaxScaler, StandardScaler};
pub use model::batch::BatchLayer;
pub use model::fused::{FusedStep, SgdStep};
pub use model::init::Init;
pub use model::layer::Layer;
pub use model::layers::{
    Dense, Dropout, Elu, Gelu, HardSigmoid, HardTanh, Identity, LeakyRelu, Relu, Sigmoid, Silu,
    Softmax, Softplus, Tanh, sigmoid,
};
pub use model::network::Network;
pub use model::params::{LengthMismatch, Params, Zero};
pub use storage::persist::Persist;

pub use rand_core;
pub use rand_xorshift;

/// Everything a typical program needs, in one `use`.
pub mod prelude {
    pub use crate::model::classify::Classifier;
    pub use crate::model::init::Init;
    pub use crate::model::layer::Layer;
    pub use crate::model::layers::{
        Dense, Dropout, Elu, Gelu, HardSigmoid, HardTanh, Identity, LeakyRelu, Relu, Sigmoid, Silu,
        Softmax, Softplus, Tanh,
    };
    pub use crate::model::network::Network;
    pub use crate::model::params::{Params, Zero};
    pub use crate::storage::persist::Persist;
    pub use crate::training::loss::{
        Accepts, BinaryCrossEntropy, BinaryCrossEntropyWithLogits, HalfMeanSquaredError, Huber,
        Loss, MeanSquaredError, SoftmaxCrossEntropy, SumSquaredError,
    };
    pub use crate::training::optim::{
        Adam, AdamW, Momentum, Optimizer, Penalty, RmsProp, Schedule, Sgd,
    };
    pub use crate::training::train::{
        Batch, Dataset, EarlyStopping, EpochReport, FitConfig, TrainLossStopping, Trainer,
    };
    pub use rand_core::SeedableRng;
    pub use rand_xorshift::XorShiftRng;
}

/// The README's code blocks, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

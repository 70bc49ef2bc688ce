//! The training runs that the firmware performs and that the host repeats.
//!
//! This file is the single definition of every run: network types, seeds,
//! hyperparameters, input standardisation, the order of every operation and
//! the checksum of the result. The firmware includes it as a module and the
//! library's test `tests/firmware_reference.rs` includes it with `#[path]`,
//! so the host computes exactly what the device computes and the two can be
//! compared bit for bit (`firmware/expected.txt`).
//!
//! Everything here is `no_std`, allocation-free and panic-free: slices are
//! walked with iterators, never indexed.

use core::marker::PhantomData;
use stacknet::init::uniform01;
use stacknet::num::Scalar;

use stacknet::loss::{BinaryCrossEntropy, HalfMeanSquaredError, Loss, MeanSquaredError};
use stacknet::optim::{Momentum, Optimizer, Penalty, Schedule, Sgd};
use stacknet::prelude::{
    Batch, Dataset, Dense, FitConfig, Init, Layer, Network, Params, Relu, SeedableRng, Sigmoid,
    Tanh, Trainer, XorShiftRng,
};
use stacknet::scale::ScaleError;
use stacknet::train::DataError;
use stacknet::train::{FitSummary, NoBestWeights, Reporter, TrainError};
use stacknet::{SgdStep, StandardScaler, Zero};

/// FNV-1a (32-bit) over the little-endian bytes of `to_bits()` of every
/// parameter, in the flat [`Params`] order (the low 32 bits of each: all
/// of an `f32` or a Q16.16). Equal checksums mean equal weights, bit for
/// bit.
pub fn weights_checksum<S: Scalar, P: Params<S>>(params: &P) -> u32 {
    let mut hash = FNV_OFFSET;
    params.for_each_block(|block| {
        for p in block {
            hash = fnv1a(hash, p.to_bits() as u32);
        }
    });
    hash
}

/// The same FNV-1a over rows of numbers, continuing from `hash`: proves
/// both sides train on the same data.
pub fn rows_checksum<const N: usize>(hash: u32, rows: &[[f32; N]]) -> u32 {
    rows.iter()
        .flatten()
        .fold(hash, |hash, v| fnv1a(hash, v.to_bits()))
}

/// FNV-1a's initial value.
pub const FNV_OFFSET: u32 = 0x811c_9dc5;

fn fnv1a(mut hash: u32, word: u32) -> u32 {
    for byte in word.to_le_bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Mean squared error of `net` over `inputs`/`targets`, summed in row order.
pub fn mse<N, const I: usize>(net: &N, inputs: &[[f32; I]], targets: &[[f32; 1]]) -> f32
where
    N: Network<I, 1>,
{
    let total: f32 = inputs
        .iter()
        .zip(targets)
        .map(|(x, [y])| {
            let [p] = net.forward(x);
            (p - y) * (p - y)
        })
        .sum();
    total / inputs.len().max(1) as f32
}

/// The outcome both sides print or assert, in the run's number type `T`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome<T = f32> {
    /// Epochs run.
    pub epochs: u32,
    /// [`rows_checksum`] of the (standardised) inputs trained and tested on.
    pub inputs: u32,
    /// MSE on the training rows after training (for XOR: the BCE loss).
    pub train_loss: T,
    /// MSE on the test rows (for XOR: samples classified right, 0..=4).
    pub test_score: T,
    /// [`weights_checksum`] of the trained network.
    pub weights: u32,
}

/// One `Trainer::fit` call, ready to go: lets the firmware wrap exactly
/// this call with its stack and instruction probes while the host calls it
/// plainly, through the same [`housing::run`] / [`xor::run`].
///
/// The settings come as a type ([`Settings`]), not a reference, so the
/// training call sees them as constants and links only the loop they select,
/// as firmware that calls `fit` directly with a constant does.
pub struct FitCall<'a, 'd, N: Layer<T>, Opt: Optimizer<N, T>, L, S, T: Scalar = f32> {
    /// The network trained.
    pub net: &'a mut N,
    /// Its training state.
    pub trainer: &'a mut Trainer<N, Opt, L, NoBestWeights, T>,
    /// The training rows.
    pub data: &'a Dataset<'d, 2, 1, T>,
    /// Settings.
    pub settings: PhantomData<S>,
    /// The shuffle order, one entry per row.
    pub order: &'a mut [u32],
    /// Shuffles.
    pub rng: &'a mut XorShiftRng,
}

/// A run's training settings, as a compile-time constant.
pub trait Settings {
    /// The settings.
    const CONFIG: FitConfig;
}

impl<N, Opt, L, S: Settings, T: Scalar> FitCall<'_, '_, N, Opt, L, S, T>
where
    N: Network<2, 1, T>,
    Opt: Optimizer<N, T>,
    L: Loss<1, T>,
{
    /// Runs the training; `reporter` hears about every epoch.
    pub fn call<R: Reporter>(self, reporter: &mut R) -> Result<FitSummary, TrainError> {
        self.trainer.fit(
            self.net,
            self.data,
            &S::CONFIG,
            self.order,
            self.rng,
            reporter,
        )
    }
}

/// Boston housing: (RM, LSTAT) → MEDV with the 2-4-3-1 ReLU MLP.
pub mod housing {
    use super::*;

    /// The network.
    pub type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
    /// The loss minimised: `1/(2m) Σ (ŷ − y)²` per mini-batch.
    pub type Cost = HalfMeanSquaredError;
    /// Optimizer state, gradient, cache: all training state besides the net.
    pub type Train = Trainer<Net, Momentum, Cost, NoBestWeights>;

    /// Training rows.
    pub const TRAIN_ROWS: usize = 404;
    /// Test rows.
    pub const TEST_ROWS: usize = 102;
    /// Seed of the initial weights and of the shuffles.
    pub const SEED: u64 = 42;
    /// Mini-batch SGD with momentum, batch 32, shuffled every epoch.
    pub const CONFIG: FitConfig = FitConfig {
        epochs: 200,
        batch: Batch::Size(32),
        learning_rate: 0.001,
        schedule: Schedule::Constant,
        shuffle: true,
        early_stopping: None,
        train_loss_stopping: None,
        start_epoch: 0,
    };

    /// [`CONFIG`] as a type, for [`FitCall`].
    pub struct Fit;

    impl Settings for Fit {
        const CONFIG: FitConfig = CONFIG;
    }
    /// Momentum 0.9 (Nesterov, scikit-learn's defaults), no penalty.
    pub const OPTIMIZER: Momentum = Momentum {
        momentum: 0.9,
        nesterov: true,
        penalty: Penalty::NONE,
    };

    /// The initial network, a fresh trainer and the generator, from [`SEED`].
    pub fn setup() -> (Net, Train, XorShiftRng) {
        let mut rng = XorShiftRng::seed_from_u64(SEED);
        let net = Net::random(Init::HeNormal, &mut rng);
        (
            net,
            Trainer::without_best_weights(OPTIMIZER, HalfMeanSquaredError),
            rng,
        )
    }

    /// Writes the standardised rows of `src` into `dst`.
    pub fn standardise(scaler: &StandardScaler<2>, src: &[[f32; 2]], dst: &mut [[f32; 2]]) {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = scaler.transform(s);
        }
    }

    /// The whole run from raw (unscaled) rows: standardise the inputs with
    /// the training rows' mean and population standard deviation
    /// (`StandardScaler::fit_f32`: no `f64`, which the Cortex-M4F's FPU
    /// lacks) into `train_x`/`test_x`, train (through `around_fit`, which
    /// must make the call), then evaluate.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        raw_train_x: &[[f32; 2]],
        train_y: &[[f32; 1]],
        raw_test_x: &[[f32; 2]],
        test_y: &[[f32; 1]],
        train_x: &mut [[f32; 2]],
        test_x: &mut [[f32; 2]],
        order: &mut [u32],
        around_fit: impl FnOnce(
            FitCall<'_, '_, Net, Momentum, Cost, Fit>,
        ) -> Result<FitSummary, TrainError>,
    ) -> Result<Outcome, TrainError> {
        let scaler = StandardScaler::fit_f32(raw_train_x).map_err(|e| match e {
            ScaleError::NonFinite { row, .. } => DataError::NonFiniteInput { row },
            _ => DataError::Empty,
        })?;
        standardise(&scaler, raw_train_x, train_x);
        standardise(&scaler, raw_test_x, test_x);
        let (mut net, mut trainer, mut rng) = setup();
        let data = Dataset::new(train_x, train_y)?;
        let summary = around_fit(FitCall {
            net: &mut net,
            trainer: &mut trainer,
            data: &data,
            settings: PhantomData,
            order,
            rng: &mut rng,
        })?;
        Ok(Outcome {
            epochs: summary.epochs_run,
            inputs: rows_checksum(rows_checksum(FNV_OFFSET, train_x), test_x),
            train_loss: mse(&net, train_x, train_y),
            test_score: mse(&net, test_x, test_y),
            weights: weights_checksum(&net),
        })
    }
}

/// XOR with a 2-4-1 tanh/sigmoid MLP, full batch: fits a 16 KB Cortex-M0.
/// The run is written once for every number type `S`: the `xor` image runs
/// it in `f32`, `xor_q16` in Q16.16 from the same initial weights (drawn in
/// `f32`, then converted).
pub mod xor {
    use super::*;

    /// The network in number type `S`.
    pub type Net<S = f32> = (Dense<2, 4, S>, Tanh<4>, Dense<4, 1, S>, Sigmoid<1>);
    /// The loss.
    pub type Cost = BinaryCrossEntropy;
    /// All training state besides the net.
    pub type Train<S = f32> = Trainer<Net<S>, Momentum, Cost, NoBestWeights, S>;

    /// The four inputs.
    pub const INPUTS: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    /// Their labels.
    pub const TARGETS: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];
    /// Seed of the initial weights.
    pub const SEED: u64 = 1;
    /// Full-batch gradient descent with momentum.
    pub const CONFIG: FitConfig = FitConfig {
        epochs: 500,
        batch: Batch::Full,
        learning_rate: 0.5,
        schedule: Schedule::Constant,
        shuffle: false,
        early_stopping: None,
        train_loss_stopping: None,
        start_epoch: 0,
    };

    /// [`CONFIG`] as a type, for [`FitCall`].
    pub struct Fit;

    impl Settings for Fit {
        const CONFIG: FitConfig = CONFIG;
    }
    /// Momentum 0.9, Nesterov.
    pub const OPTIMIZER: Momentum = Momentum {
        momentum: 0.9,
        nesterov: true,
        penalty: Penalty::NONE,
    };

    /// The initial `f32` network, a fresh trainer and the generator, from
    /// [`SEED`].
    pub fn setup() -> (Net, Train, XorShiftRng) {
        let mut rng = XorShiftRng::seed_from_u64(SEED);
        let net = Net::random(Init::XavierUniform, &mut rng);
        (
            net,
            Trainer::without_best_weights(OPTIMIZER, BinaryCrossEntropy),
            rng,
        )
    }

    /// Samples whose prediction falls on the label's side of 0.5.
    pub fn correct<S: Scalar>(net: &Net<S>, inputs: &[[S; 2]], targets: &[[S; 1]]) -> u32 {
        let half = S::from_f32(0.5);
        inputs
            .iter()
            .zip(targets)
            .filter(|(x, [t])| (net.forward(x)[0] > half) == (*t > half))
            .count() as u32
    }

    /// The mean loss over the samples.
    pub fn loss<S: Scalar>(net: &Net<S>, inputs: &[[S; 2]], targets: &[[S; 1]]) -> S {
        let total = inputs.iter().zip(targets).fold(-S::ZERO, |sum, (x, t)| {
            sum + BinaryCrossEntropy.loss(&net.forward(x), t)
        });
        total / S::from_usize(inputs.len())
    }

    /// The whole run in `S`: [`setup`]'s network through `in_type` (the
    /// identity for `f32`, a conversion otherwise), training through
    /// `around_fit` (which must make the call), then the evaluation. The
    /// outcome's `test_score` is the count of samples right, in `S`.
    pub fn run<S: Scalar>(
        in_type: impl FnOnce(Net) -> Net<S>,
        around_fit: impl FnOnce(
            FitCall<'_, '_, Net<S>, Momentum, Cost, Fit, S>,
        ) -> Result<FitSummary, TrainError>,
    ) -> Result<Outcome<S>, TrainError> {
        let (start, _, mut rng) = setup();
        let mut net = in_type(start);
        let mut trainer = Train::<S>::without_best_weights(OPTIMIZER, BinaryCrossEntropy);
        let inputs = INPUTS.map(|row| row.map(S::from_f32));
        let targets = TARGETS.map(|row| row.map(S::from_f32));
        let data = Dataset::new(&inputs, &targets)?;
        let summary = around_fit(FitCall {
            net: &mut net,
            trainer: &mut trainer,
            data: &data,
            settings: PhantomData,
            order: &mut [0; 4],
            rng: &mut rng,
        })?;
        Ok(Outcome {
            epochs: summary.epochs_run,
            inputs: rows_checksum(FNV_OFFSET, &INPUTS),
            train_loss: loss(&net, &inputs, &targets),
            test_score: S::from_usize(correct(&net, &inputs, &targets) as usize),
            weights: weights_checksum(&net),
        })
    }
}

/// The workload TinyMind's figures were measured on: a 2-4-3-1 ReLU MLP
/// trained sample by sample with plain SGD on `y = x0·x1 + 0.5·x0 − x1`
/// plus a little noise, 20 epochs in a fixed order. Two ways to train it:
/// the library's `Trainer::fit` ([`fit`](tinymind::fit)) and the
/// hand-written fused loop ([`fused`](tinymind::fused)).
pub mod tinymind {
    use super::*;

    /// The network.
    pub type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
    /// The loss: `(o − t)²` per sample, gradient `2(o − t)`.
    pub type Cost = MeanSquaredError;
    /// The trainer of the `fit` path: gradient, cache, settings.
    pub type Train = Trainer<Net, Sgd, Cost, NoBestWeights>;
    /// The forward cache of the fused loop.
    pub type Cache = <Net as Layer>::Cache;

    /// Rows of data.
    pub const ROWS: usize = 404;
    /// Epochs.
    pub const EPOCHS: u32 = 20;
    /// Learning rate.
    pub const LEARNING_RATE: f32 = 0.01;
    /// Seed of the data (drawn first) and then of the initial weights.
    pub const SEED: u64 = 42;
    /// Sample by sample, in a fixed order.
    pub const CONFIG: FitConfig = FitConfig {
        epochs: EPOCHS,
        batch: Batch::Size(1),
        learning_rate: LEARNING_RATE,
        schedule: Schedule::Constant,
        shuffle: false,
        early_stopping: None,
        train_loss_stopping: None,
        start_epoch: 0,
    };
    /// Plain SGD, no penalty.
    pub const OPTIMIZER: Sgd = Sgd {
        penalty: Penalty::NONE,
    };

    /// The function learned, without the noise.
    pub fn target(x: &[f32; 2]) -> f32 {
        x[0] * x[1] + 0.5 * x[0] - x[1]
    }

    /// Fills `xs` with `x ~ U[−2, 2)²` and `ys` with
    /// `target(x) + U[−0.05, 0.05)`, row by row (x0, x1, then the noise),
    /// from `rng`.
    pub fn make_rows(rng: &mut XorShiftRng, xs: &mut [[f32; 2]], ys: &mut [[f32; 1]]) {
        for (x, [y]) in xs.iter_mut().zip(ys) {
            for v in x.iter_mut() {
                *v = 4.0 * uniform01(rng) - 2.0;
            }
            *y = target(x) + (0.1 * uniform01(rng) - 0.05);
        }
    }

    /// The data and the initial network (Glorot/Xavier uniform), from [`SEED`].
    pub fn setup(xs: &mut [[f32; 2]], ys: &mut [[f32; 1]]) -> Net {
        let mut rng = XorShiftRng::seed_from_u64(SEED);
        make_rows(&mut rng, xs, ys);
        Net::random(Init::XavierUniform, &mut rng)
    }

    /// A fresh trainer for the `fit` path.
    pub fn trainer() -> Train {
        Trainer::without_best_weights(OPTIMIZER, MeanSquaredError)
    }

    /// A zero forward cache for the fused loop.
    pub fn cache() -> Cache {
        Cache::ZERO
    }

    /// Trains `net` with `Trainer::fit` (`order` needs [`ROWS`] entries;
    /// the generator is never drawn from: no shuffling).
    pub fn fit(
        net: &mut Net,
        trainer: &mut Train,
        xs: &[[f32; 2]],
        ys: &[[f32; 1]],
        order: &mut [u32],
    ) -> Result<FitSummary, TrainError> {
        let data = Dataset::new(xs, ys)?;
        let mut rng = XorShiftRng::seed_from_u64(SEED);
        trainer.fit(net, &data, &CONFIG, order, &mut rng, &mut ())
    }

    /// Trains `net` with the hand-written fused loop: forward, then the
    /// backward pass that applies the SGD step as it goes, with the
    /// gradient of `(o − t)²`.
    pub fn fused(net: &mut Net, cache: &mut Cache, xs: &[[f32; 2]], ys: &[[f32; 1]]) {
        for _ in 0..EPOCHS {
            for (x, [t]) in xs.iter().zip(ys) {
                let [o] = net.forward_train(x, cache);
                net.backward_sgd(cache, &[2.0 * (o - t)], LEARNING_RATE);
            }
        }
    }

    /// What both sides print or assert.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Outcome {
        /// [`rows_checksum`] of the inputs and then the targets.
        pub rows: u32,
        /// MSE of the initial network.
        pub start_mse: f32,
        /// MSE after training.
        pub final_mse: f32,
        /// [`weights_checksum`] of the trained network.
        pub weights: u32,
    }

    /// Makes the data and the network, trains through `train` (which gets
    /// the network and the rows), and evaluates before and after.
    pub fn run<E>(
        xs: &mut [[f32; 2]],
        ys: &mut [[f32; 1]],
        train: impl FnOnce(&mut Net, &[[f32; 2]], &[[f32; 1]]) -> Result<(), E>,
    ) -> Result<Outcome, E> {
        let mut net = setup(xs, ys);
        let start_mse = mse(&net, xs, ys);
        train(&mut net, xs, ys)?;
        Ok(Outcome {
            rows: rows_checksum(rows_checksum(FNV_OFFSET, xs), ys),
            start_mse,
            final_mse: mse(&net, xs, ys),
            weights: weights_checksum(&net),
        })
    }
}

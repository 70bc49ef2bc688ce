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
use stacknet::optim::{MomentumWith, NoPenalty, Optimizer, Schedule, SgdWith};
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

/// The same FNV-1a over rows of numbers (the low 32 bits of each, as
/// [`weights_checksum`]), continuing from `hash`: proves both sides train on
/// the same data.
pub fn rows_checksum<S: Scalar, const N: usize>(hash: u32, rows: &[[S; N]]) -> u32 {
    rows.iter()
        .flatten()
        .fold(hash, |hash, v| fnv1a(hash, v.to_bits() as u32))
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

/// Mean squared error of `net` over `inputs`/`targets`: the squares summed
/// in row order (in `S`'s wide sum), then divided by the count.
pub fn mse<S: Scalar, N, const I: usize>(net: &N, inputs: &[[S; I]], targets: &[[S; 1]]) -> S
where
    N: Network<I, 1, S>,
{
    let total = inputs
        .iter()
        .zip(targets)
        .fold(S::SUM_ZERO, |total, (x, [y])| {
            let [p] = net.forward(x);
            S::sum_add(total, (p - *y) * (p - *y))
        });
    S::sum_div(total, inputs.len().max(1))
}

/// A scaler's refusal as the data error it stands for.
#[inline]
fn data_error(e: ScaleError) -> DataError {
    match e {
        ScaleError::NonFinite { row, .. } => DataError::NonFiniteInput { row },
        _ => DataError::Empty,
    }
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

    /// The network in number type `S`.
    pub type Net<S = f32> = (
        Dense<2, 4, S>,
        Relu<4>,
        Dense<4, 3, S>,
        Relu<3>,
        Dense<3, 1, S>,
    );
    /// The loss minimised: `1/(2m) Σ (ŷ − y)²` per mini-batch.
    pub type Cost = HalfMeanSquaredError;
    /// Optimizer state, gradient, cache: all training state besides the net.
    pub type Train<S = f32> = Trainer<Net<S>, MomentumWith<NoPenalty>, Cost, NoBestWeights, S>;

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
        ..FitConfig::DEFAULT
    };

    /// [`CONFIG`] as a type, for [`FitCall`].
    pub struct Fit;

    impl Settings for Fit {
        const CONFIG: FitConfig = CONFIG;
    }
    /// Momentum 0.9 (Nesterov, scikit-learn's defaults), no penalty.
    pub const OPTIMIZER: MomentumWith<NoPenalty> = MomentumWith {
        momentum: 0.9,
        nesterov: true,
        penalty: NoPenalty,
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
    #[inline]
    pub fn standardise<S: Scalar>(
        scaler: &StandardScaler<2, S>,
        src: &[[S; 2]],
        dst: &mut [[S; 2]],
    ) {
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
            FitCall<'_, '_, Net, MomentumWith<NoPenalty>, Cost, Fit>,
        ) -> Result<FitSummary, TrainError>,
    ) -> Result<Outcome, TrainError> {
        let scaler = StandardScaler::fit_f32(raw_train_x).map_err(data_error)?;
        standardise(&scaler, raw_train_x, train_x);
        standardise(&scaler, raw_test_x, test_x);
        let (mut net, mut trainer, mut rng) = setup();
        let rows = Scaled {
            train_x,
            train_y,
            test_x,
            test_y,
        };
        train_and_score(&mut net, &mut trainer, &mut rng, rows, order, around_fit)
    }

    /// The standardised rows a run trains and tests on.
    pub struct Scaled<'a, S> {
        /// Training inputs.
        pub train_x: &'a [[S; 2]],
        /// Training targets.
        pub train_y: &'a [[S; 1]],
        /// Test inputs.
        pub test_x: &'a [[S; 2]],
        /// Test targets.
        pub test_y: &'a [[S; 1]],
    }

    /// Trains `net` on the standardised rows through `around_fit`, then
    /// scores it: both housing runs end here.
    pub fn train_and_score<S: Scalar, Opt: Optimizer<Net<S>, S>, F: Settings>(
        net: &mut Net<S>,
        trainer: &mut Trainer<Net<S>, Opt, Cost, NoBestWeights, S>,
        rng: &mut XorShiftRng,
        rows: Scaled<'_, S>,
        order: &mut [u32],
        around_fit: impl FnOnce(
            FitCall<'_, '_, Net<S>, Opt, Cost, F, S>,
        ) -> Result<FitSummary, TrainError>,
    ) -> Result<Outcome<S>, TrainError> {
        let data = Dataset::new(rows.train_x, rows.train_y)?;
        let summary = around_fit(FitCall {
            net,
            trainer,
            data: &data,
            settings: PhantomData,
            order,
            rng,
        })?;
        Ok(Outcome {
            epochs: summary.epochs_run,
            inputs: rows_checksum(rows_checksum(FNV_OFFSET, rows.train_x), rows.test_x),
            train_loss: mse(net, rows.train_x, rows.train_y),
            test_score: mse(net, rows.test_x, rows.test_y),
            weights: weights_checksum(net),
        })
    }
}

/// Boston housing on a Cortex-M0, written once for every number type: the
/// `housing_m0` image trains it in soft-float `f32`, `housing_q16` in
/// Q16.16, each from rows baked into flash in its own type. The network and
/// its initial weights are [`housing`]'s (drawn in `f32`, then converted);
/// the training is plain SGD sample by sample, the fused kernel.
pub mod housing_m0 {
    pub use super::housing::Net;
    use super::housing::Scaled;
    use super::housing::{standardise, train_and_score};
    use super::*;

    /// The loss minimised: `½ (ŷ − y)²` per sample.
    pub type Cost = HalfMeanSquaredError;
    /// All training state besides the net.
    pub type Train<S = f32> = Trainer<Net<S>, SgdWith<NoPenalty>, Cost, NoBestWeights, S>;

    /// SGD sample by sample, shuffled every epoch.
    pub const CONFIG: FitConfig = FitConfig {
        epochs: EPOCHS,
        batch: Batch::Size(1),
        learning_rate: 0.001,
        schedule: Schedule::Constant,
        shuffle: true,
        early_stopping: None,
        ..FitConfig::DEFAULT
    };
    /// Epochs.
    pub const EPOCHS: u32 = 40;

    /// [`CONFIG`] as a type, for [`FitCall`].
    pub struct Fit;

    impl Settings for Fit {
        const CONFIG: FitConfig = CONFIG;
    }
    /// Plain SGD, no penalty.
    pub const OPTIMIZER: SgdWith<NoPenalty> = SgdWith { penalty: NoPenalty };

    /// The whole run in any number type `S`, written once for the M0
    /// images (soft-float `f32` and Q16.16, rows in flash in `S`): the
    /// standardisation in `S` itself ([`StandardScaler::fit_in`], integer
    /// arithmetic in fixed point), [`housing::setup`]'s network through `in_type`
    /// (the identity for `f32`, a conversion otherwise), the training through
    /// `around_fit` (which must make the call), the evaluation in `S`.
    #[allow(clippy::too_many_arguments)]
    pub fn run<S: Scalar>(
        in_type: impl FnOnce(Net) -> Net<S>,
        raw_train_x: &[[S; 2]],
        train_y: &[[S; 1]],
        raw_test_x: &[[S; 2]],
        test_y: &[[S; 1]],
        train_x: &mut [[S; 2]],
        test_x: &mut [[S; 2]],
        order: &mut [u32],
        around_fit: impl FnOnce(
            FitCall<'_, '_, Net<S>, SgdWith<NoPenalty>, Cost, Fit, S>,
        ) -> Result<FitSummary, TrainError>,
    ) -> Result<Outcome<S>, TrainError> {
        let scaler = StandardScaler::<2, S>::fit_in(raw_train_x).map_err(data_error)?;
        standardise(&scaler, raw_train_x, train_x);
        standardise(&scaler, raw_test_x, test_x);
        let (start, _, mut rng) = super::housing::setup();
        let mut net = in_type(start);
        let mut trainer = Train::<S>::without_best_weights(OPTIMIZER, HalfMeanSquaredError);
        let rows = Scaled {
            train_x,
            train_y,
            test_x,
            test_y,
        };
        train_and_score(&mut net, &mut trainer, &mut rng, rows, order, around_fit)
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
    pub type Train<S = f32> = Trainer<Net<S>, MomentumWith<NoPenalty>, Cost, NoBestWeights, S>;

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
        ..FitConfig::DEFAULT
    };

    /// [`CONFIG`] as a type, for [`FitCall`].
    pub struct Fit;

    impl Settings for Fit {
        const CONFIG: FitConfig = CONFIG;
    }
    /// Momentum 0.9, Nesterov.
    pub const OPTIMIZER: MomentumWith<NoPenalty> = MomentumWith {
        momentum: 0.9,
        nesterov: true,
        penalty: NoPenalty,
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
            FitCall<'_, '_, Net<S>, MomentumWith<NoPenalty>, Cost, Fit, S>,
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
    pub type Train = Trainer<Net, SgdWith<NoPenalty>, Cost, NoBestWeights>;
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
        ..FitConfig::DEFAULT
    };
    /// Plain SGD, no penalty.
    pub const OPTIMIZER: SgdWith<NoPenalty> = SgdWith { penalty: NoPenalty };

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

/// Learning on the device from a drifting sensor: a 1-8-1 tanh network
/// starts from weights trained on the host (baked into flash), a simulated
/// sensor's input-output mapping changes at a known point, and the network
/// adapts sample by sample ([`Trainer::stream`]), then is checkpointed.
///
/// The sensor reads `x ∈ [−1, 1)` and reports `0.8x² + 0.5x` (before the
/// drift) or `0.8x² − 0.7x + 0.3` (after it), plus noise uniform in
/// ±0.02, all from one xorshift stream.
pub mod drift {
    use super::*;

    /// The network.
    pub type Net = (Dense<1, 8>, Tanh<8>, Dense<8, 1>);
    /// The loss: `½ (ŷ − y)²` per sample.
    pub type Cost = HalfMeanSquaredError;
    /// The device's trainer: velocity, gradient and cache, no best weights.
    pub type Train = Trainer<Net, MomentumWith<NoPenalty>, Cost, NoBestWeights>;

    /// Seed of the host's training data and initial weights.
    pub const HOST_SEED: u64 = 11;
    /// Seed of the device's sensor stream.
    pub const SENSOR_SEED: u64 = 12;
    /// Seed of the evaluation readings after the resume.
    pub const RESUME_SEED: u64 = 13;
    /// Readings per error estimate (learned from: none).
    pub const WINDOW: usize = 256;
    /// Readings learned after the drift.
    pub const ADAPT: u32 = 4000;
    /// The learning rate on the device.
    pub const LEARNING_RATE: f32 = 0.02;
    /// Momentum 0.9, Nesterov, no penalty.
    pub const OPTIMIZER: MomentumWith<NoPenalty> = MomentumWith {
        momentum: 0.9,
        nesterov: true,
        penalty: NoPenalty,
    };

    /// The simulated sensor.
    pub struct Sensor {
        rng: XorShiftRng,
        /// Whether the mapping has changed.
        pub drifted: bool,
    }

    impl Sensor {
        /// A sensor before its drift, its readings drawn from `seed`.
        pub fn new(seed: u64) -> Self {
            Sensor {
                rng: XorShiftRng::seed_from_u64(seed),
                drifted: false,
            }
        }

        /// The next reading: the input and what the sensor reports.
        pub fn read(&mut self) -> ([f32; 1], [f32; 1]) {
            let x = 2.0 * uniform01(&mut self.rng) - 1.0;
            let noise = 0.04 * uniform01(&mut self.rng) - 0.02;
            let y = if self.drifted {
                0.8 * x * x - 0.7 * x + 0.3
            } else {
                0.8 * x * x + 0.5 * x
            };
            ([x], [y + noise])
        }
    }

    /// The mean squared error of `net` on the sensor's next [`WINDOW`]
    /// readings, learning nothing from them.
    pub fn error(net: &Net, sensor: &mut Sensor) -> f32 {
        let mut total = 0.0;
        for _ in 0..WINDOW {
            let (x, [y]) = sensor.read();
            let [p] = net.forward(&x);
            total += (p - y) * (p - y);
        }
        total / WINDOW as f32
    }

    /// The host's half: the start weights, trained with `fit` on 512
    /// readings of the sensor before its drift (`rows` and `order` hold
    /// them: 512 entries each).
    pub fn train_on_host(
        xs: &mut [[f32; 1]],
        ys: &mut [[f32; 1]],
        order: &mut [u32],
    ) -> Result<Net, TrainError> {
        let mut sensor = Sensor::new(HOST_SEED);
        for (x, y) in xs.iter_mut().zip(ys.iter_mut()) {
            (*x, *y) = sensor.read();
        }
        let mut rng = XorShiftRng::seed_from_u64(HOST_SEED);
        let mut net = Net::random(Init::XavierUniform, &mut rng);
        let mut trainer = Train::without_best_weights(OPTIMIZER, HalfMeanSquaredError);
        let config = FitConfig {
            epochs: 300,
            batch: Batch::Size(16),
            learning_rate: 0.05,
            schedule: Schedule::Constant,
            shuffle: true,
            early_stopping: None,
            ..FitConfig::DEFAULT
        };
        let data = Dataset::new(xs, ys)?;
        trainer.fit(&mut net, &data, &config, order, &mut rng, &mut ())?;
        Ok(net)
    }

    /// What the device's first boot measures.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Adapted {
        /// The error of the start weights before the drift.
        pub before: f32,
        /// Their error right after it.
        pub after_drift: f32,
        /// The error after learning [`ADAPT`] readings.
        pub adapted: f32,
        /// [`weights_checksum`] of the adapted network.
        pub weights: u32,
    }

    /// The device's first boot, from the start weights: the error before
    /// the drift, right after it, and after adapting online.
    pub fn adapt(net: &mut Net, trainer: &mut Train) -> Result<Adapted, TrainError> {
        let mut sensor = Sensor::new(SENSOR_SEED);
        let before = error(net, &mut sensor);
        sensor.drifted = true;
        let after_drift = error(net, &mut sensor);
        let mut stream = trainer.stream(net, LEARNING_RATE)?;
        for _ in 0..ADAPT {
            let (x, y) = sensor.read();
            stream.learn(&x, &y)?;
        }
        let adapted = error(net, &mut sensor);
        Ok(Adapted {
            before,
            after_drift,
            adapted,
            weights: weights_checksum(net),
        })
    }

    /// The device's second boot, from the checkpoint: the error on fresh
    /// readings of the drifted sensor.
    pub fn resumed_error(net: &Net) -> f32 {
        let mut sensor = Sensor::new(RESUME_SEED);
        sensor.drifted = true;
        error(net, &mut sensor)
    }

    /// Readings in the cost comparison.
    pub const COMPARED: usize = 256;

    /// The per-sample cost of the two ways to learn the same [`COMPARED`]
    /// readings from the same weights: `learn` one at a time through a
    /// [`Trainer::stream`], then `fit` at batch 1 in data order (no
    /// shuffle) over the same readings kept in `xs`/`ys`. Each runs inside
    /// `probe` (the firmware counts its instructions); returns the
    /// [`weights_checksum`]s of both results, which are equal: the stream
    /// is `fit` at batch 1, bit for bit.
    pub fn stream_against_fit(
        start: &Net,
        xs: &mut [[f32; 1]],
        ys: &mut [[f32; 1]],
        order: &mut [u32],
        probe: &mut impl FnMut(&mut dyn FnMut() -> Result<(), TrainError>) -> Result<(), TrainError>,
    ) -> Result<(u32, u32), TrainError> {
        let mut sensor = Sensor::new(RESUME_SEED + 1);
        sensor.drifted = true;
        for (x, y) in xs.iter_mut().zip(ys.iter_mut()) {
            (*x, *y) = sensor.read();
        }
        let (mut streamed, mut fitted) = (*start, *start);
        let mut trainer = Train::without_best_weights(OPTIMIZER, HalfMeanSquaredError);
        probe(&mut || {
            let mut stream = trainer.stream(&mut streamed, LEARNING_RATE)?;
            for (x, y) in xs.iter().zip(ys.iter()) {
                stream.learn(x, y)?;
            }
            Ok(())
        })?;
        let mut trainer = Train::without_best_weights(OPTIMIZER, HalfMeanSquaredError);
        let data = Dataset::new(xs, ys)?;
        let mut rng = XorShiftRng::seed_from_u64(RESUME_SEED);
        probe(&mut || {
            // made inside the probed closure, which is called through
            // `dyn`: a captured config is not a constant there, and `fit`
            // would link the scheduled loop (and `powf`) as well
            let config = FitConfig {
                epochs: 1,
                batch: Batch::Size(1),
                learning_rate: LEARNING_RATE,
                schedule: Schedule::Constant,
                shuffle: false,
                early_stopping: None,
                ..FitConfig::DEFAULT
            };
            trainer.fit(&mut fitted, &data, &config, order, &mut rng, &mut ())?;
            Ok(())
        })?;
        Ok((weights_checksum(&streamed), weights_checksum(&fitted)))
    }
}

//! The body of the Boston housing images for the Cortex-M0, written once
//! for every number type: `housing_m0` runs it in soft-float `f32`,
//! `housing_q16` in Q16.16, each from rows baked into flash in its type.

use core::mem::size_of;

use crate::board::Hex;
use crate::say;

use stacknet::num::Scalar;
use stacknet::optim::{NoPenalty, SgdWith};
use stacknet::train::{FitSummary, TrainError};

use crate::board::{self, Clock};
use crate::reference::{housing_m0, FitCall};

/// The host's results for one number type (`expected.txt`).
pub struct Expected {
    /// Checksum of the standardised inputs.
    pub inputs: u32,
    /// Epochs run.
    pub epochs: u32,
    /// The low 32 bits of the training MSE.
    pub train_mse: u32,
    /// The low 32 bits of the test MSE.
    pub test_mse: u32,
    /// The weights' checksum.
    pub weights: u32,
}

/// The raw rows in flash, in `S`: training inputs and targets, then test.
pub struct Rows<'a, S> {
    /// Training inputs, unscaled.
    pub train_x: &'a [[S; 2]],
    /// Training targets.
    pub train_y: &'a [[S; 1]],
    /// Test inputs, unscaled.
    pub test_x: &'a [[S; 2]],
    /// Test targets.
    pub test_y: &'a [[S; 1]],
}

/// Where the run keeps its data-sized state: the standardised inputs and
/// the shuffle order (the image's statics).
pub struct Buffers<'a, S> {
    /// Standardised training inputs.
    pub train_x: &'a mut [[S; 2]],
    /// Standardised test inputs.
    pub test_x: &'a mut [[S; 2]],
    /// The shuffle order, one entry per training row.
    pub order: &'a mut [u32],
}

/// Trains [`housing_m0::run`] in `S`, prints the figures under `prefix`
/// and exits 0 only if the result is the host's, bit for bit, and the test
/// MSE is at most 20. `milli` turns an MSE into thousandths, in `S`'s own
/// arithmetic (no soft float in the Q16.16 image's report).
pub fn run<S: Scalar>(
    prefix: &str,
    in_type: impl FnOnce(housing_m0::Net) -> housing_m0::Net<S>,
    rows: Rows<'_, S>,
    buffers: Buffers<'_, S>,
    milli: fn(S) -> u32,
    expected: Expected,
) -> ! {
    let train_rows = rows.train_x.len();
    let mut clock = Clock::start();
    let mut stack = None;
    let outcome = housing_m0::run(
        in_type,
        rows.train_x,
        rows.train_y,
        rows.test_x,
        rows.test_y,
        buffers.train_x,
        buffers.test_x,
        buffers.order,
        |call| board::probed(call, &mut clock, &mut stack, call_fit::<S>),
    );
    let Ok(outcome) = outcome else {
        say!("error: training failed");
        board::exit(2)
    };
    let Some(stack) = stack else { board::exit(2) };
    let instructions = clock.instructions();
    let epochs = u64::from(outcome.epochs.max(1));
    let (train_mse, test_mse) = (
        outcome.train_loss.to_bits() as u32,
        outcome.test_score.to_bits() as u32,
    );

    say!("machine: ", board::MACHINE);
    say!(prefix, ".inputs=", Hex(outcome.inputs));
    say!(prefix, ".epochs=", outcome.epochs);
    say!(prefix, ".train_mse=", Hex(train_mse));
    say!(prefix, ".test_mse=", Hex(test_mse));
    say!(prefix, ".weights=", Hex(outcome.weights));
    say!("train_mse_milli=", milli(outcome.train_loss));
    say!("test_mse_milli=", milli(outcome.test_score));
    board::print_resources(
        instructions,
        epochs,
        train_rows as u64,
        &stack,
        size_of::<housing_m0::Net<S>>(),
        size_of::<housing_m0::Train<S>>(),
    );
    say!(
        "baked_data_bytes=",
        size_of::<S>() * 3 * (train_rows + rows.test_x.len())
    );

    let same = outcome.inputs == expected.inputs
        && outcome.epochs == expected.epochs
        && train_mse == expected.train_mse
        && test_mse == expected.test_mse
        && outcome.weights == expected.weights;
    let good = milli(outcome.test_score) <= 20_000;
    say!("matches_host=", same);
    say!("test_mse_at_most_20=", good);
    board::exit(if same && good { 0 } else { 1 })
}

type Call<'a, 'd, S> =
    FitCall<'a, 'd, housing_m0::Net<S>, SgdWith<NoPenalty>, housing_m0::Cost, housing_m0::Fit, S>;

fn call_fit<S: Scalar>(call: Call<'_, '_, S>, clock: &mut Clock) -> Result<FitSummary, TrainError> {
    call.call(clock)
}

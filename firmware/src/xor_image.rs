//! The body of the XOR images, written once for every number type: `xor`
//! runs it in soft-float `f32`, `xor_q16` in Q16.16.

use core::mem::size_of;

use crate::board::Hex;
use crate::say;

use stacknet::num::Scalar;

use crate::board::{self, Clock};
use crate::reference::{xor, FitCall};

/// The host's results for one number type (`expected.txt`).
pub struct Expected {
    /// Epochs run.
    pub epochs: u32,
    /// The low 32 bits of the final loss.
    pub loss: u32,
    /// Samples right.
    pub correct: u32,
    /// The weights' checksum.
    pub weights: u32,
}

/// Trains [`xor::run`] in `S` with the network `in_type` gives, prints the
/// figures under `prefix` and exits 0 only if the result is the host's, bit
/// for bit, and all four samples are right. `loss_micro` turns the loss
/// into millionths for the report.
pub fn run<S: Scalar>(
    prefix: &str,
    in_type: impl FnOnce(xor::Net) -> xor::Net<S>,
    loss_micro: fn(S) -> u64,
    expected: Expected,
) -> ! {
    let mut clock = Clock::start();
    let mut stack = None;
    let outcome = xor::run(in_type, |call| {
        board::probed(call, &mut clock, &mut stack, call_fit::<S>)
    });
    let Ok(outcome) = outcome else {
        say!("error: training failed");
        board::exit(2)
    };
    let Some(stack) = stack else { board::exit(2) };
    let instructions = clock.instructions();
    let epochs = u64::from(outcome.epochs.max(1));
    let correct = count(outcome.test_score);
    let loss = outcome.train_loss.to_bits() as u32;

    say!("machine: ", board::MACHINE);
    say!(prefix, ".epochs=", outcome.epochs);
    say!(prefix, ".loss=", Hex(loss));
    say!(prefix, ".correct=", correct);
    say!(prefix, ".weights=", Hex(outcome.weights));
    say!("loss_micro=", loss_micro(outcome.train_loss));
    board::print_resources(
        instructions,
        epochs,
        4,
        &stack,
        size_of::<xor::Net<S>>(),
        size_of::<xor::Train<S>>(),
    );

    let same = outcome.epochs == expected.epochs
        && loss == expected.loss
        && correct == expected.correct
        && outcome.weights == expected.weights;
    say!("matches_host=", same);
    say!("all_four_right=", correct == 4);
    board::exit(if same && correct == 4 { 0 } else { 1 })
}

type Call<'a, 'd, S> = FitCall<
    'a,
    'd,
    xor::Net<S>,
    stacknet::optim::MomentumWith<stacknet::optim::NoPenalty>,
    xor::Cost,
    xor::Fit,
    S,
>;

fn call_fit<S: Scalar>(
    call: Call<'_, '_, S>,
    clock: &mut Clock,
) -> Result<stacknet::train::FitSummary, stacknet::train::TrainError> {
    call.call(clock)
}

/// The count of samples right, 0 to 4, from its value in `S` (exact in
/// every type): compared without conversion, so no soft float is needed.
fn count<S: Scalar>(score: S) -> u32 {
    (0..=4)
        .find(|&n| S::from_usize(n) == score)
        .map_or(u32::MAX, |n| n as u32)
}

//! Boston housing on a Cortex-M4F: trains the 2-4-3-1 MLP on the 404
//! training rows baked into flash, tests on the 102 others, prints the
//! figures and exits 0 only if the result is the host's, bit for bit.
#![no_std]
#![no_main]

use core::mem::size_of;
use core::ptr::addr_of_mut;

use cortex_m_rt::entry;
use panic_semihosting as _;
use stacknet::train::{FitSummary, TrainError};
use stacknet_firmware::board::Hex;
use stacknet_firmware::board::{self, Clock};
use stacknet_firmware::reference::{housing, FitCall};
use stacknet_firmware::say;
use stacknet_firmware::{boston, expected};

const TRAIN: usize = housing::TRAIN_ROWS;
const TEST: usize = housing::TEST_ROWS;

// Standardised inputs and the shuffle order: the only data-sized RAM.
static mut TRAIN_X: [[f32; 2]; TRAIN] = [[0.0; 2]; TRAIN];
static mut TEST_X: [[f32; 2]; TEST] = [[0.0; 2]; TEST];
static mut ORDER: [u32; TRAIN] = [0; TRAIN];

type Call<'a, 'd> = FitCall<
    'a,
    'd,
    housing::Net,
    stacknet::optim::MomentumWith<stacknet::optim::NoPenalty>,
    housing::Cost,
    housing::Fit,
>;

/// The training call, which [`board::probed`] makes through a pointer.
fn call_fit(call: Call<'_, '_>, clock: &mut Clock) -> Result<FitSummary, TrainError> {
    call.call(clock)
}

#[entry]
fn main() -> ! {
    // SAFETY: main runs once; nothing else touches these statics.
    let (train_x, test_x, order) = unsafe {
        (
            &mut *addr_of_mut!(TRAIN_X),
            &mut *addr_of_mut!(TEST_X),
            &mut *addr_of_mut!(ORDER),
        )
    };
    let mut clock = Clock::start();
    let mut stack = None;
    let outcome = housing::run(
        &boston::TRAIN_X,
        &boston::TRAIN_Y,
        &boston::TEST_X,
        &boston::TEST_Y,
        train_x,
        test_x,
        order,
        |call| board::probed(call, &mut clock, &mut stack, call_fit),
    );
    let Ok(outcome) = outcome else {
        say!("error: training failed");
        board::exit(2)
    };
    let Some(stack) = stack else { board::exit(2) };
    let instructions = clock.instructions();
    let epochs = u64::from(outcome.epochs.max(1));

    say!("machine: ", board::MACHINE);
    say!("housing.inputs=", Hex(outcome.inputs));
    say!("housing.epochs=", outcome.epochs);
    say!("housing.train_mse=", Hex(outcome.train_loss.to_bits()));
    say!("housing.test_mse=", Hex(outcome.test_score.to_bits()));
    say!("housing.weights=", Hex(outcome.weights));
    say!("train_mse_milli=", milli(outcome.train_loss));
    say!("test_mse_milli=", milli(outcome.test_score));
    say!("train_rows=", TRAIN);
    board::print_resources(
        instructions,
        epochs,
        TRAIN as u64,
        &stack,
        size_of::<housing::Net>(),
        size_of::<housing::Train>(),
    );
    say!("order_buffer_bytes=", size_of::<[u32; TRAIN]>());
    say!(
        "scaled_inputs_bytes=",
        size_of::<[[f32; 2]; TRAIN]>() + size_of::<[[f32; 2]; TEST]>()
    );
    say!(
        "baked_data_bytes=",
        size_of::<[[f32; 2]; TRAIN]>()
            + size_of::<[[f32; 1]; TRAIN]>()
            + size_of::<[[f32; 2]; TEST]>()
            + size_of::<[[f32; 1]; TEST]>()
    );

    let same = outcome.inputs == expected::HOUSING_INPUTS
        && outcome.epochs == expected::HOUSING_EPOCHS
        && outcome.train_loss.to_bits() == expected::HOUSING_TRAIN_MSE
        && outcome.test_score.to_bits() == expected::HOUSING_TEST_MSE
        && outcome.weights == expected::HOUSING_WEIGHTS;
    let good = outcome.test_score <= 20.0;
    say!("matches_host=", same);
    say!("test_mse_at_most_20=", good);
    board::exit(if same && good { 0 } else { 1 })
}

/// `x × 1000` as an integer (printing an `f32` with `{}` costs ~20 KB of flash).
fn milli(x: f32) -> u32 {
    (x * 1000.0) as u32
}

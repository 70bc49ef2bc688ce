//! The images of the TinyMind comparison: one runner, three trainings.
//!
//! `tinymind_fit` trains with `Trainer::fit`, `tinymind_fused` with the
//! hand-written fused loop, and `tinymind_base` does everything the other
//! two do (makes the rows, initialises the network, predicts before and
//! after, probes, prints, checks) but does not train. The flash that
//! training adds is an image's flash minus the baseline's.
//!
//! The 404 rows are generated on the device into RAM from the seeded
//! generator of `shared/reference.rs`, as the host does.

use core::hint::black_box;
use core::mem::size_of;

use crate::board::Hex;
use crate::say;
use core::ptr::addr_of_mut;

use crate::board::{self, Clock, StackProbe};
use crate::expected;
use crate::reference::tinymind::{self, Net, ROWS};

/// One way to train (or not).
pub trait Training {
    /// The key printed: `tinymind.<NAME>.final_mse=...`.
    const NAME: &'static str;
    /// What the training needs besides the network, made before the call.
    type State;
    /// The state, fresh.
    fn state() -> Self::State;
    /// Bytes of training state besides the network (in `State`, without
    /// data-sized buffers).
    const STATE_BYTES: usize;
    /// The host's final MSE and weights checksum, if it trains.
    const EXPECTED: Option<(u32, u32)>;
    /// Trains `net` on the rows; `false` on an error.
    fn train(net: &mut Net, state: &mut Self::State, xs: &[[f32; 2]], ys: &[[f32; 1]]) -> bool;
}

/// `Trainer::fit`: the trainer and the order buffer (no shuffling, but
/// `fit` takes one).
pub struct Fit;

impl Training for Fit {
    const NAME: &'static str = "fit";
    type State = (tinymind::Train, [u32; ROWS]);
    fn state() -> Self::State {
        (tinymind::trainer(), [0; ROWS])
    }
    const STATE_BYTES: usize = size_of::<tinymind::Train>();
    const EXPECTED: Option<(u32, u32)> = Some((
        expected::TINYMIND_FIT_FINAL_MSE,
        expected::TINYMIND_FIT_WEIGHTS,
    ));
    fn train(net: &mut Net, state: &mut Self::State, xs: &[[f32; 2]], ys: &[[f32; 1]]) -> bool {
        let (trainer, order) = state;
        tinymind::fit(net, trainer, xs, ys, order).is_ok()
    }
}

/// The fused loop: `forward_train`, then `backward_sgd`.
pub struct Fused;

impl Training for Fused {
    const NAME: &'static str = "fused";
    type State = tinymind::Cache;
    fn state() -> Self::State {
        tinymind::cache()
    }
    const STATE_BYTES: usize = size_of::<tinymind::Cache>();
    const EXPECTED: Option<(u32, u32)> = Some((
        expected::TINYMIND_FUSED_FINAL_MSE,
        expected::TINYMIND_FUSED_WEIGHTS,
    ));
    fn train(net: &mut Net, cache: &mut Self::State, xs: &[[f32; 2]], ys: &[[f32; 1]]) -> bool {
        tinymind::fused(net, cache, xs, ys);
        true
    }
}

/// No training: the baseline.
pub struct Base;

impl Training for Base {
    const NAME: &'static str = "base";
    type State = ();
    fn state() {}
    const STATE_BYTES: usize = 0;
    const EXPECTED: Option<(u32, u32)> = None;
    fn train(_: &mut Net, _: &mut (), _: &[[f32; 2]], _: &[[f32; 1]]) -> bool {
        true
    }
}

/// A training call through a function pointer, so that it is not inlined
/// into the probes.
type TrainFn<S> = fn(&mut Net, &mut S, &[[f32; 2]], &[[f32; 1]]) -> bool;

static mut XS: [[f32; 2]; ROWS] = [[0.0; 2]; ROWS];
static mut YS: [[f32; 1]; ROWS] = [[0.0; 1]; ROWS];

/// Makes the rows and the network, trains with `T` (probing the call's
/// instructions and stack), prints the figures and exits 0 only if the
/// results are the host's, bit for bit.
pub fn run<T: Training>() -> ! {
    // SAFETY: run is called once, from main; nothing else touches these statics.
    let (xs, ys) = unsafe { (&mut *addr_of_mut!(XS), &mut *addr_of_mut!(YS)) };
    let mut state = T::state();
    let (mut instructions, mut peaks) = (0, None);
    let outcome = tinymind::run(xs, ys, |net, xs, ys| {
        let train: TrainFn<T::State> = black_box(T::train);
        let stack = StackProbe::start();
        let mut clock = Clock::start();
        let ok = train(net, &mut state, xs, ys);
        clock.lap();
        instructions = clock.instructions();
        peaks = Some((stack.call_peak(), stack.program_peak()));
        if ok {
            Ok(())
        } else {
            Err(())
        }
    });
    let (Ok(outcome), Some((train_stack, program_stack))) = (outcome, peaks) else {
        say!("error: training failed");
        board::exit(2)
    };
    let samples = u64::from(tinymind::EPOCHS) * ROWS as u64;

    say!("machine: ", board::MACHINE);
    say!("tinymind.rows=", Hex(outcome.rows));
    say!("tinymind.start_mse=", Hex(outcome.start_mse.to_bits()));
    say!(
        "tinymind.",
        T::NAME,
        ".final_mse=",
        Hex(outcome.final_mse.to_bits())
    );
    say!("tinymind.", T::NAME, ".weights=", Hex(outcome.weights));
    say!("start_mse_milli=", milli(outcome.start_mse));
    say!("final_mse_milli=", milli(outcome.final_mse));
    say!(
        "instructions_per_sample=",
        board::div_rem(instructions, samples).0
    );
    say!("flash_bytes=", board::flash_bytes());
    say!("static_ram_bytes=", board::static_ram_bytes());
    say!("stack_peak_train_bytes=", train_stack);
    say!("stack_peak_program_bytes=", program_stack);
    say!("net_bytes=", size_of::<Net>());
    say!("training_state_bytes=", size_of::<Net>() + T::STATE_BYTES);

    let data = outcome.rows == expected::TINYMIND_ROWS
        && outcome.start_mse.to_bits() == expected::TINYMIND_START_MSE;
    let trained = match T::EXPECTED {
        Some((mse, weights)) => outcome.final_mse.to_bits() == mse && outcome.weights == weights,
        None => outcome.final_mse.to_bits() == outcome.start_mse.to_bits(),
    };
    say!("matches_host=", data && trained);
    board::exit(if data && trained { 0 } else { 1 })
}

/// `x × 1000` as an integer (printing an `f32` with `{}` costs ~20 KB of flash).
fn milli(x: f32) -> u32 {
    (x * 1000.0) as u32
}
